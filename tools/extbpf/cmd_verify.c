// SPDX-License-Identifier: MIT
/*
 * extbpf verify: runs the verifier on every program of an object and says, per program, whether
 * it is accepted; a refusal names the section, instruction, its disassembly, the source line and
 * the reason. Nothing is prepared for execution (the object is opened verify-only).
 *
 * Each program is opened on its own (only_program) so that one refusal does not hide the
 * verdict on the others, as it would with one open of the whole object.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

struct verify_args {
	struct cli_object_args obj;
	uint32_t log_level; /* -v: 1, -vv: 2 */
};

/* The programs to verify, as the loader lists them. */
struct verify_list {
	const char *only; /* --section */
	char **names;
	char **sections;
	size_t count;
	int err;
};

static void verify_usage(FILE *out)
{
	fprintf(
	    out,
	    "usage: extbpf verify FILE.o [--section S] [--type T] [-v|-vv] [-j] [--ext PATH]...\n"
	    "                     [--btf FILE] [--kconfig FILE] [--attach-target "
	    "PROG=[OBJ:]FUNC]...\n"
	    "                     [--map-size MAP=N]... [--map-value-size MAP=N]... [--set "
	    "NAME=VALUE]...\n"
	    "\n"
	    "Verifies every program of FILE.o (or only the one whose section or function is S)\n"
	    "against its program type, found from the section name or forced with --type.\n"
	    "Prints one line per program: accepted, with its instruction count, the instructions\n"
	    "the verifier processed and the stack it uses, or refused, with the diagnostic on\n"
	    "stderr: section, instruction, disassembly, source line (with -g) and reason.\n"
	    "The extensions of the default directory (%s, or $EXTBPF_EXTENSION_DIR)\n"
	    "are loaded first.\n"
	    "\n"
	    "  --section S   only the program in section S (or the function S)\n"
	    "  --type T      verify as program type T (see 'extbpf ext list')\n"
	    "  -v            print the verifier's log: the path to every instruction\n"
	    "  -vv           also the abstract state (registers, stack) after each instruction\n"
	    "  -j, --json    JSON output\n"
	    "  --ext PATH    also load this extension (repeatable)\n"
	    "  --btf FILE    the kernel BTF that CO-RE relocations of Linux program types resolve\n"
	    "                against (raw BTF or ELF with .BTF; default /sys/kernel/btf/vmlinux)\n"
	    "  --kconfig FILE  the kernel config for __kconfig externs (default: the running\n"
	    "                kernel's /proc/config.gz or /boot/config-$(uname -r))\n"
	    "  --attach-target PROG=FUNC  program PROG (fentry, fexit, ...) attaches to FUNC,\n"
	    "                not to what its section names (as a libbpf tool picks it at run "
	    "time); PROG=OBJ:FUNC: to function FUNC of program FUNC of object OBJ,\n"
	    "                typed by OBJ's BTF (fentry/fexit on a BPF program)\n"
	    "  --map-size MAP=N  map MAP has N entries (max_entries)\n"
	    "  --map-value-size MAP=N  map MAP's values are N bytes\n"
	    "  --set NAME=VALUE  global variable NAME (const volatile too) holds VALUE before\n"
	    "                the load: an integer, hex bytes, an address, as 'map update' takes\n"
	    "\n"
	    "Exit codes: 0 every program accepted, 1 a program refused, 2 bad arguments or\n"
	    "unusable input (missing file, not a BPF object, unknown section or type).\n",
	    ebpf_extension_default_dir() ? ebpf_extension_default_dir() : "?");
}

static int verify_parse(int argc, char **argv, struct verify_args *a)
{
	static const struct option options[] = {
		CLI_OBJECT_OPTIONS,
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	int opt, ret = 0;

	opterr = 0;
	optind = 1;
	while (!ret && (opt = getopt_long(argc, argv, ":jv", options, NULL)) != -1) {
		if (opt == 'v')
			a->log_level++;
		else if (opt == ':' || opt == '?')
			ret = cli_getopt_error(&cli_verb_verify, options, opt, argv);
		else
			ret = cli_object_option(&cli_verb_verify, opt, optarg, &a->obj);
	}
	if (ret)
		return ret;
	if (optind == argc)
		return cli_usage_error(&cli_verb_verify, "no object file");
	a->obj.path = argv[optind++];
	if (optind < argc)
		return cli_usage_error(&cli_verb_verify, "unexpected argument '%s'", argv[optind]);
	if (a->obj.mode != EBPF_MODE_DEFAULT)
		return cli_usage_error(&cli_verb_verify, "--mode: verify prepares nothing to run");
	if (a->log_level > 2)
		a->log_level = 2;
	return 0;
}

static int list_program(const struct ebpf_object_program_info *info, void *arg)
{
	struct verify_list *l = arg;
	char **names, **sections;

	if (l->only && strcmp(l->only, info->section) && strcmp(l->only, info->name))
		return 0;
	names = realloc(l->names, (l->count + 1) * sizeof(*names));
	if (names)
		l->names = names;
	sections = realloc(l->sections, (l->count + 1) * sizeof(*sections));
	if (sections)
		l->sections = sections;
	if (!names || !sections)
		return l->err = -ENOMEM;
	l->names[l->count] = strdup(info->name);
	l->sections[l->count] = strdup(info->section);
	l->count++;
	if (!l->names[l->count - 1] || !l->sections[l->count - 1])
		return l->err = -ENOMEM;
	return 0;
}

static void list_free(struct verify_list *l)
{
	for (size_t i = 0; i < l->count; i++) {
		free(l->names[i]);
		free(l->sections[i]);
	}
	free(l->names);
	free(l->sections);
}

static void print_accepted(const struct verify_args *a, const struct ebpf_program *prog, bool first)
{
	struct ebpf_verifier_stats stats = { .sz = sizeof(stats) };
	size_t count;

	ebpf_program_insns(prog, &count);
	ebpf_program_verifier_stats(prog, &stats);
	if (a->obj.json) {
		fprintf(stdout, "%s\n    {\"name\": ", first ? "" : ",");
		cli_json_string(stdout, ebpf_program_name(prog));
		fprintf(stdout, ", \"section\": ");
		cli_json_string(stdout, ebpf_program_section(prog));
		fprintf(stdout, ", \"type\": ");
		cli_json_string(stdout, ebpf_program_type_name(prog));
		fprintf(stdout,
			", \"accepted\": true, \"insns\": %zu, \"insns_processed\": %llu, "
			"\"states\": %llu, \"stack_depth\": %u",
			count, (unsigned long long)stats.insns_processed,
			(unsigned long long)stats.states_kept, stats.max_stack_depth);
		return;
	}
	printf("section '%s' prog '%s': accepted as %s (%zu insns", ebpf_program_section(prog),
	       ebpf_program_name(prog), ebpf_program_type_name(prog), count);
	/* A core that does not record the statistics reports 0 instructions processed. */
	if (stats.insns_processed)
		printf(", %llu processed, stack %u", (unsigned long long)stats.insns_processed,
		       stats.max_stack_depth);
	printf(")\n");
}

static void print_refused(const struct verify_args *a, const char *name, const char *section,
			  const char *error, bool first)
{
	if (a->obj.json) {
		fprintf(stdout, "%s\n    {\"name\": ", first ? "" : ",");
		cli_json_string(stdout, name);
		fprintf(stdout, ", \"section\": ");
		cli_json_string(stdout, section);
		fprintf(stdout, ", \"accepted\": false, \"error\": ");
		cli_json_string(stdout, error);
		return;
	}
	printf("section '%s' prog '%s': refused\n", section, name);
	cli_error("verify", "%s", error);
}

/* Prints the log: in JSON as a field of the program's object, else as it is. */
static void print_log(const struct verify_args *a, const char *log, FILE *out)
{
	if (a->obj.json) {
		fprintf(stdout, ", \"log\": ");
		cli_json_string(stdout, log);
		return;
	}
	if (log[0])
		fprintf(out, "%s%s", log, log[strlen(log) - 1] == '\n' ? "" : "\n");
}

/* Verifies one program; EXIT_OK or EXIT_REFUSED. */
static int verify_one(const struct verify_args *a, const char *name, const char *section, char *log,
		      size_t log_size, bool first)
{
	struct ebpf_object_open_opts opts = {
		.sz = sizeof(opts),
		.program_type = a->obj.type,
		.only_program = name,
		.verify_only = true,
		.log_buf = log,
		.log_size = log_size,
		.log_level = a->log_level,
		.btf_path = a->obj.btf,
		.kconfig_path = a->obj.kconfig,
	};
	struct ebpf_object *obj = NULL;
	int ret;

	log[0] = '\0';
	/* The configuration was checked once (check_config): only a refusal is left. */
	ret = cli_open_configured("verify", &a->obj, &opts, &obj) ? EXIT_REFUSED : EXIT_OK;
	/* In text the log leads up to the verdict; in JSON it is a member of the program. */
	if (a->log_level && !a->obj.json)
		print_log(a, log, ret ? stderr : stdout);
	if (ret) {
		print_refused(a, name, section, ebpf_last_error(), first);
	} else {
		print_accepted(a, ebpf_object_find_program(obj, name), first);
		ebpf_object_close(obj);
	}
	if (a->log_level && a->obj.json)
		print_log(a, log, stdout);
	if (a->obj.json)
		fputc('}', stdout);
	return ret;
}

static int verify_all(const struct verify_args *a, const struct verify_list *l)
{
	size_t log_size = a->log_level >= 2 ? 16u << 20 : a->log_level ? 1u << 20 : 4096;
	char *log = malloc(log_size);
	int status = EXIT_OK;

	if (!log) {
		cli_error("verify", "out of memory");
		return EXIT_REFUSED;
	}
	if (a->obj.json) {
		printf("{\"file\": ");
		cli_json_string(stdout, a->obj.path);
		printf(", \"programs\": [");
	}
	for (size_t i = 0; i < l->count; i++) {
		if (verify_one(a, l->names[i], l->sections[i], log, log_size, i == 0))
			status = EXIT_REFUSED;
	}
	if (a->obj.json)
		printf("\n  ],\n  \"accepted\": %s}\n", status ? "false" : "true");
	free(log);
	return status;
}

static int verify_run(int argc, char **argv)
{
	struct verify_args a = { 0 };
	struct verify_list l = { 0 };
	int ret = verify_parse(argc, argv, &a);

	if (ret)
		return ret;
	ret = cli_load_extensions("verify", &a.obj);
	if (!ret)
		ret = cli_check_object("verify", &a.obj);
	if (ret)
		goto out;
	l.only = a.obj.section;
	if (ebpf_object_programs(a.obj.path, list_program, &l) || l.err) {
		if (l.err)
			cli_error("verify", "%s: %s", a.obj.path, strerror(-l.err));
		else
			cli_error("verify", "%s", ebpf_last_error());
		ret = EXIT_USAGE;
		goto out;
	}
	if (!l.count) {
		cli_error("verify", "%s: no program to verify", a.obj.path);
		ret = EXIT_USAGE;
		goto out;
	}
	ret = verify_all(&a, &l);
out:
	list_free(&l);
	ebpf_runtime_shutdown();
	return ret;
}

const struct cli_verb cli_verb_verify = {
	.name = "verify",
	.summary = "verify the programs of an object and explain any refusal",
	.run = verify_run,
	.usage = verify_usage,
};
