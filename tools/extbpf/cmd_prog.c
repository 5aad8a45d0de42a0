// SPDX-License-Identifier: MIT
/*
 * extbpf prog show|load: what an object holds once opened, its programs (name, section, type,
 * instructions, execution mode, id) and its maps (name, type, sizes, max_entries).
 *
 * There is no `prog list` as in bpftool: the runtime lives inside a process and every command
 * is a process of its own, so nothing stays loaded between two commands. `show` verifies only;
 * `load` also prepares every program for execution in the chosen mode (JIT, interpreter or
 * native), which is what a host does.
 */
#include <string.h>

#include "cli.h"

static void prog_usage(FILE *out)
{
	fprintf(
	    out,
	    "usage: extbpf prog show FILE.o [--section S] [--type T] [-j] [--ext PATH]...\n"
	    "       extbpf prog load FILE.o [--section S] [--type T] [--mode M] [-j]\n"
	    "                        [--ext PATH]...\n"
	    "\n"
	    "Opens FILE.o and lists its programs (id, name, section, program type, instruction\n"
	    "count, execution mode) and maps (id, name, type, key and value sizes, max_entries).\n"
	    "'show' only verifies the programs (mode none); 'load' also prepares them for\n"
	    "execution, as a host does. Nothing outlives the command: each extbpf command is a\n"
	    "process of its own: 'prog list' lists the programs of running hosts that\n"
	    "published them (extbpf xdp run --pin-maps, a host's ebpf_registry_publish).\n"
	    "\n"
	    "  --section S   only the program in section S (or the function S)\n"
	    "  --type T      force program type T instead of finding it from the section\n"
	    "  --mode M      interp, jit or native (default: the JIT where available)\n"
	    "  -j, --json    JSON output\n"
	    "  --ext PATH    also load this extension (repeatable)\n"
	    "\n"
	    "Exit codes: 0 success, 1 a program refused, 2 bad arguments or unusable input.\n");
}

struct prog_args {
	struct cli_object_args obj;
	bool load; /* 'prog load', else 'prog show' */
};

static int prog_option(int opt, const char *arg, void *args)
{
	return cli_object_option(&cli_verb_prog, opt, arg, args);
}

static int prog_parse(int argc, char **argv, struct cli_object_args *a)
{
	static const struct option options[] = {
		CLI_OBJECT_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	int ret;

	ret = cli_parse_object_argv(&cli_verb_prog, argc, argv, options, prog_option, a, &a->path);
	if (ret)
		return ret;
	if (optind < argc)
		return cli_usage_error(&cli_verb_prog, "unexpected argument '%s'", argv[optind]);
	return 0;
}

static int print_object(struct ebpf_object *obj, void *arg)
{
	const struct prog_args *a = arg;
	bool loaded = a->load, json = a->obj.json;
	const struct ebpf_program *prog = NULL;
	const struct ebpf_map *map = NULL;
	bool first = true;

	if (!json) {
		printf("object '%s'\n", ebpf_object_name(obj));
		while ((prog = ebpf_object_next_program(obj, prog)))
			cli_print_program_summary(stdout, prog, loaded, false);
		while ((map = ebpf_object_next_map(obj, map)))
			cli_print_map_summary(stdout, map, false);
		return EXIT_OK;
	}
	printf("{\"object\": ");
	cli_json_string(stdout, ebpf_object_name(obj));
	printf(", \"programs\": [");
	while ((prog = ebpf_object_next_program(obj, prog))) {
		printf("%s\n    ", first ? "" : ",");
		cli_print_program_summary(stdout, prog, loaded, true);
		first = false;
	}
	printf("\n  ], \"maps\": [");
	first = true;
	while ((map = ebpf_object_next_map(obj, map))) {
		printf("%s\n    ", first ? "" : ",");
		cli_print_map_summary(stdout, map, true);
		first = false;
	}
	printf("\n  ]}\n");
	return EXIT_OK;
}

static int prog_run(int argc, char **argv)
{
	struct prog_args a = { 0 };
	int ret;

	if (argc >= 2 && !strcmp(argv[1], "list"))
		return cli_registry_list(&cli_verb_prog, argc, argv, EBPF_REGISTRY_PROGRAM);
	if (argc < 2 || (strcmp(argv[1], "show") && strcmp(argv[1], "load")))
		return cli_usage_error(&cli_verb_prog, "expected 'show', 'load' or 'list'");
	a.load = !strcmp(argv[1], "load");
	ret = prog_parse(argc - 1, argv + 1, &a.obj);
	if (ret)
		return ret;
	if (!a.load && a.obj.mode != EBPF_MODE_DEFAULT)
		return cli_usage_error(&cli_verb_prog, "--mode is for 'prog load'");
	return cli_with_object("prog", &a.obj, !a.load, print_object, &a);
}

const struct cli_verb cli_verb_prog = {
	.name = "prog",
	.summary = "show or load the programs and maps of an object",
	.run = prog_run,
	.usage = prog_usage,
};
