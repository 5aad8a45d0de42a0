// SPDX-License-Identifier: MIT
/*
 * extbpf link attach: attaches programs of an object to a hook and fires the hook with test
 * data, printing each verdict, then detaches.
 *
 * A hook fires when its extension's event happens, and an event needs a host: the tool is that
 * host for hooks whose extension exports a fire function named "<attach type>_fire" with the
 * signature of sample_hook_fire_fn (extensions/sample/sample_ext.h), found with
 * ebpf_extension_symbol. The sample extension's sample_hook is such a hook.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include "cli.h"

/* What a fireable hook's extension exports (sample_hook_fire_fn). */
typedef int (*link_fire_fn)(void *data, size_t size, uint32_t uid, uint32_t *verdict,
			    uint32_t *results, size_t *count, uint64_t *counter);

#define LINK_MAX_PROGS 16
#define LINK_MAX_FIRES 64

enum { OPT_ATTACH = CLI_OPT_VERB_BASE, OPT_FIRE, OPT_PARAMS, OPT_UID, OPT_DUMP_MAPS, OPT_MAP };

struct link_args {
	struct cli_object_args obj;
	const char *sections[LINK_MAX_PROGS];
	size_t section_count;
	const char *attach;
	const char *params;
	const char *fires[LINK_MAX_FIRES];
	size_t fire_count;
	uint32_t uid;
	bool dump_maps;
};

static void link_usage(FILE *out)
{
	fprintf(
	    out,
	    "usage: extbpf link attach FILE.o [--section S]... --attach HOOK\n"
	    "                         [--params HEX] [--fire DATA.bin]... [--uid N] [--mode M]\n"
	    "                         [--map NAME=KEY:VALUE]... [--dump-maps] [-j] [--ext "
	    "PATH]...\n"
	    "\n"
	    "Loads the programs of FILE.o in the sections (or functions) S, S2, ... (--section\n"
	    "may be left out when the object has one program) and attaches them, in that\n"
	    "order, to the hook of attach type HOOK ('extbpf ext list' lists them)\n"
	    "with the attach parameters --params. Each --fire then fires the hook once with the\n"
	    "contents of DATA.bin (and --uid, default 0) and prints the combined verdict and\n"
	    "each program's result (and the data as the programs left it). --map sets a map\n"
	    "element before (as in 'extbpf run' and 'extbpf xdp run'). Then the records the\n"
	    "programs submitted to ring buffers and perf event arrays are printed (typed as\n"
	    "struct NAME_record of map NAME when the object's BTF has it, hex otherwise), and\n"
	    "--dump-maps prints the object's maps (global variables by name and type). Last,\n"
	    "the links are detached.\n"
	    "Firing needs the hook's extension to export HOOK_fire (as the sample extension's\n"
	    "sample_hook_fire); without --fire the command attaches and detaches only.\n"
	    "\n"
	    "  -j, --json    JSON output          --ext PATH   also load this extension\n"
	    "  --mode M      interp, jit or native\n"
	    "\n"
	    "Exit codes: 0 success, 1 a program refused or the attach or a fire failed, 2 bad\n"
	    "arguments, unusable input or a hook that cannot be fired from here.\n");
}

static int link_parse_uid(const char *text, uint32_t *uid)
{
	char *end;
	unsigned long long n;

	errno = 0;
	n = strtoull(text, &end, 0);
	if (errno || end == text || *end || text[0] == '-' || n > UINT32_MAX)
		return cli_usage_error(&cli_verb_link, "--uid '%s' is not a number from 0 to %u",
				       text, UINT32_MAX);
	*uid = (uint32_t)n;
	return 0;
}

static int link_option(int opt, const char *arg, void *args)
{
	struct link_args *a = args;

	switch (opt) {
	case CLI_OPT_SECTION:
		if (a->section_count == LINK_MAX_PROGS)
			return cli_usage_error(&cli_verb_link, "more than %d --section",
					       LINK_MAX_PROGS);
		a->sections[a->section_count++] = arg;
		return 0;
	case OPT_ATTACH:
		a->attach = arg;
		return 0;
	case OPT_PARAMS:
		a->params = arg;
		return 0;
	case OPT_FIRE:
		if (a->fire_count == LINK_MAX_FIRES)
			return cli_usage_error(&cli_verb_link, "more than %d --fire",
					       LINK_MAX_FIRES);
		a->fires[a->fire_count++] = arg;
		return 0;
	case OPT_UID:
		return link_parse_uid(arg, &a->uid);
	case OPT_MAP:
		return cli_add_map_arg(&cli_verb_link, &a->obj, arg);
	case OPT_DUMP_MAPS:
		a->dump_maps = true;
		return 0;
	}
	return cli_object_option(&cli_verb_link, opt, arg, &a->obj);
}

static int link_parse(int argc, char **argv, struct link_args *a)
{
	static const struct option options[] = {
		CLI_OBJECT_OPTIONS,
		{ "attach", required_argument, NULL, OPT_ATTACH },
		{ "fire", required_argument, NULL, OPT_FIRE },
		{ "params", required_argument, NULL, OPT_PARAMS },
		{ "uid", required_argument, NULL, OPT_UID },
		{ "dump-maps", no_argument, NULL, OPT_DUMP_MAPS },
		{ "map", required_argument, NULL, OPT_MAP },
		{ NULL, 0, NULL, 0 },
	};
	int ret;

	ret = cli_parse_object_argv(&cli_verb_link, argc, argv, options, link_option, a,
				    &a->obj.path);
	if (ret)
		return ret;
	if (optind < argc)
		return cli_usage_error(&cli_verb_link, "unexpected argument '%s'", argv[optind]);
	if (!a->attach)
		return cli_usage_error(&cli_verb_link, "--attach HOOK names the attach type");
	/* One program: load only it, so that the object's other programs need not verify. */
	if (a->section_count == 1)
		a->obj.section = a->sections[0];
	return 0;
}

/* ---- finding the hook's fire function ---------------------------------------------------- */

struct hook_lookup {
	const char *name;
	nmr_guid_t program_type;
	bool found;
	const struct ebpf_extension *extension;
};

static int find_attach_type(const struct ebpf_attach_provider_data *data, void *arg)
{
	struct hook_lookup *l = arg;

	if (strcmp(data->name, l->name))
		return 0;
	l->program_type = data->program_type;
	l->found = true;
	return 1;
}

static int find_type_extension(const struct ebpf_program_info *info, void *arg)
{
	struct hook_lookup *l = arg;

	if (!nmr_guid_equal(&info->program_type, &l->program_type))
		return 0;
	l->extension = ebpf_program_type_extension(info);
	return 1;
}

/* Checks that the hook exists and, when fire is not NULL, finds its fire function: in the
 * extension offering the program type the hook runs. EXIT_OK or EXIT_USAGE. */
static int link_find_hook(const char *hook, link_fire_fn *fire)
{
	struct hook_lookup l = { .name = hook };
	char symbol[128];
	void *fn;

	ebpf_foreach_attach_type(find_attach_type, &l);
	if (!l.found) {
		cli_error("link", "no attach type '%s' (see 'extbpf ext list')", hook);
		return EXIT_USAGE;
	}
	if (!fire)
		return EXIT_OK;
	ebpf_foreach_program_type(find_type_extension, &l);
	snprintf(symbol, sizeof(symbol), "%s_fire", hook);
	fn = l.extension ? ebpf_extension_symbol(l.extension, symbol) : NULL;
	if (!fn) {
		cli_error("link", "hook '%s' cannot be fired from the command line: %s", hook,
			  l.extension ? ebpf_last_error() : "no extension offers its program type");
		return EXIT_USAGE;
	}
	/* dlsym gives a data pointer; POSIX guarantees it converts to a function pointer. */
	*(void **)fire = fn;
	return EXIT_OK;
}

/* ---- attach, fire, detach ---------------------------------------------------------------- */

static int link_fire_one(const struct link_args *a, link_fire_fn fire, size_t n, bool first)
{
	uint32_t verdict = 0, results[LINK_MAX_PROGS];
	size_t count = LINK_MAX_PROGS, size;
	uint64_t counter = 0;
	void *data;
	int err;

	err = cli_read_file(a->fires[n], &data, &size);
	if (err) {
		cli_error("link", "cannot read '%s': %s", a->fires[n], strerror(-err));
		return EXIT_USAGE;
	}
	err = fire(data, size, a->uid, &verdict, results, &count, &counter);
	if (err) {
		cli_error("link", "firing '%s' with '%s' failed: %s", a->attach, a->fires[n],
			  strerror(-err));
		free(data);
		return EXIT_REFUSED;
	}
	if (count > LINK_MAX_PROGS)
		count = LINK_MAX_PROGS;
	if (a->obj.json) {
		printf("%s\n    {\"data\": ", first ? "" : ",");
		cli_json_string(stdout, a->fires[n]);
		printf(", \"verdict\": %" PRIu32 ", \"counter\": %" PRIu64 ", \"results\": [",
		       verdict, counter);
		for (size_t i = 0; i < count; i++)
			printf("%s%" PRIu32, i ? ", " : "", results[i]);
		printf("], \"data_out\": ");
		cli_json_bytes(stdout, data, size);
		printf("}");
	} else {
		printf("fire %zu (%s, %zu bytes): verdict %" PRIu32 ", counter %" PRIu64
		       ", results [",
		       n + 1, a->fires[n], size, verdict, counter);
		for (size_t i = 0; i < count; i++)
			printf("%s%" PRIu32, i ? ", " : "", results[i]);
		printf("]\n");
		cli_hex_dump(stdout, data, size, 64);
	}
	free(data);
	return EXIT_OK;
}

/* The programs to attach: each --section, or the object's only program. */
static size_t link_program_count(const struct link_args *a)
{
	return a->section_count ? a->section_count : 1;
}

static struct ebpf_program *link_program(const struct link_args *a, const struct ebpf_object *obj,
					 size_t i)
{
	struct ebpf_program *prog;

	if (a->section_count)
		return ebpf_object_find_program(obj, a->sections[i]);
	prog = ebpf_object_next_program(obj, NULL);
	if (prog && !ebpf_object_next_program(obj, prog))
		return prog;
	cli_error("link",
		  "%s has several programs; choose one or more with --section:", a->obj.path);
	for (prog = NULL; (prog = ebpf_object_next_program(obj, prog));)
		fprintf(stderr, "  --section %s   (%s)\n", ebpf_program_section(prog),
			ebpf_program_name(prog));
	return NULL;
}

static int link_attach_all(const struct link_args *a, struct ebpf_object *obj,
			   struct ebpf_link **links)
{
	uint8_t *params = NULL;
	size_t params_size = 0;
	int ret = EXIT_OK;

	if (a->params && cli_parse_hex(a->params, &params, &params_size)) {
		cli_error("link", "--params '%s' is not hex bytes", a->params);
		return EXIT_USAGE;
	}
	for (size_t i = 0; i < link_program_count(a) && !ret; i++) {
		struct ebpf_program *prog = link_program(a, obj, i);

		if (!prog && !a->section_count) {
			ret = EXIT_USAGE; /* link_program said why */
		} else if (!prog) {
			cli_error("link", "%s: no program '%s'", a->obj.path, a->sections[i]);
			ret = EXIT_USAGE;
		} else if (ebpf_program_attach_by_name(prog, a->attach, params, params_size,
						       &links[i])) {
			cli_error("link", "%s", ebpf_last_error());
			ret = EXIT_REFUSED;
		} else if (!a->obj.json) {
			printf("attached prog '%s' (section '%s') to '%s'\n",
			       ebpf_program_name(prog), ebpf_program_section(prog), a->attach);
		}
	}
	free(params);
	return ret;
}

static int link_attach(struct ebpf_object *obj, void *arg)
{
	const struct link_args *a = arg;
	struct ebpf_link *links[LINK_MAX_PROGS] = { 0 };
	struct btf *btf = cli_btf_load(a->obj.path);
	struct cli_records *records = NULL;
	link_fire_fn fire = NULL;
	int ret = EXIT_OK;

	ret = link_find_hook(a->attach, a->fire_count ? &fire : NULL);
	if (!ret)
		ret = cli_records_open("link", obj, btf, a->obj.json, &records);
	if (!ret)
		ret = cli_apply_map_args("link", obj, &a->obj);
	if (!ret)
		ret = link_attach_all(a, obj, links);
	if (!ret && a->obj.json) {
		printf("{\"attach\": ");
		cli_json_string(stdout, a->attach);
		printf(", \"programs\": %zu, \"fires\": [", link_program_count(a));
	}
	for (size_t i = 0; !ret && i < a->fire_count; i++)
		ret = link_fire_one(a, fire, i, i == 0);
	if (!ret && a->obj.json)
		printf("\n  ]");
	if (!ret)
		cli_records_print(records);
	if (!ret && a->dump_maps)
		ret = cli_dump_object_maps(stdout, obj, btf, a->obj.json);
	if (!ret && a->obj.json)
		printf("}\n");
	for (size_t i = 0; i < link_program_count(a); i++) {
		if (links[i])
			ebpf_link_detach(links[i]);
	}
	if (!ret && !a->obj.json)
		printf("detached\n");
	cli_records_close(records);
	btf__free(btf);
	return ret;
}

static int link_run(int argc, char **argv)
{
	struct link_args a = { 0 };
	int ret;

	if (argc >= 2 && !strcmp(argv[1], "list"))
		return cli_registry_list(&cli_verb_link, argc, argv, EBPF_REGISTRY_LINK);
	if (argc < 2 || strcmp(argv[1], "attach"))
		return cli_usage_error(&cli_verb_link, "expected 'attach' or 'list'");
	ret = link_parse(argc - 1, argv + 1, &a);
	if (ret)
		return ret;
	return cli_with_object("link", &a.obj, false, link_attach, &a);
}

const struct cli_verb cli_verb_link = {
	.name = "link",
	.summary = "attach programs to a hook, fire it with test data, detach",
	.run = link_run,
	.usage = link_usage,
};
