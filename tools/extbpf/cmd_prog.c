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
	    "process of its own, so there is no 'prog list' of programs loaded earlier.\n"
	    "\n"
	    "  --section S   only the program in section S (or the function S)\n"
	    "  --type T      force program type T instead of finding it from the section\n"
	    "  --mode M      interp, jit or native (default: the JIT where available)\n"
	    "  -j, --json    JSON output\n"
	    "  --ext PATH    also load this extension (repeatable)\n"
	    "\n"
	    "Exit codes: 0 success, 1 a program refused, 2 bad arguments or unusable input.\n");
}

static int prog_parse(int argc, char **argv, struct cli_object_args *a)
{
	static const struct option options[] = {
		CLI_OBJECT_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	int opt, ret = 0;

	opterr = 0;
	optind = 1;
	while (!ret && (opt = getopt_long(argc, argv, ":j", options, NULL)) != -1) {
		if (opt == ':' || opt == '?')
			ret = cli_getopt_error(&cli_verb_prog, opt, argv);
		else
			ret = cli_object_option(&cli_verb_prog, opt, optarg, a);
	}
	if (ret)
		return ret;
	if (optind == argc)
		return cli_usage_error(&cli_verb_prog, "no object file");
	a->path = argv[optind++];
	if (optind < argc)
		return cli_usage_error(&cli_verb_prog, "unexpected argument '%s'", argv[optind]);
	return 0;
}

static void print_object(const struct ebpf_object *obj, bool loaded, bool json)
{
	const struct ebpf_program *prog = NULL;
	const struct ebpf_map *map = NULL;
	bool first = true;

	if (!json) {
		printf("object '%s'\n", ebpf_object_name(obj));
		while ((prog = ebpf_object_next_program(obj, prog)))
			cli_print_program_summary(stdout, prog, loaded, false);
		while ((map = ebpf_object_next_map(obj, map)))
			cli_print_map_summary(stdout, map, false);
		return;
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
}

static int prog_run(int argc, char **argv)
{
	struct cli_object_args a = { 0 };
	struct ebpf_object *obj;
	bool load;
	int ret;

	if (argc < 2 || (strcmp(argv[1], "show") && strcmp(argv[1], "load")))
		return cli_usage_error(&cli_verb_prog, "expected 'show' or 'load'");
	load = !strcmp(argv[1], "load");
	ret = prog_parse(argc - 1, argv + 1, &a);
	if (ret)
		return ret;
	if (!load && a.mode != EBPF_MODE_DEFAULT)
		return cli_usage_error(&cli_verb_prog, "--mode is for 'prog load'");
	ret = cli_load_extensions("prog", &a);
	if (!ret)
		ret = cli_open_object("prog", &a, !load, &obj);
	if (!ret) {
		print_object(obj, load, a.json);
		ebpf_object_close(obj);
	}
	ebpf_runtime_shutdown();
	return ret;
}

const struct cli_verb cli_verb_prog = {
	.name = "prog",
	.summary = "show or load the programs and maps of an object",
	.run = prog_run,
	.usage = prog_usage,
};
