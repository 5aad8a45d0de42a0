// SPDX-License-Identifier: MIT
/*
 * extbpf compile: native mode ahead of time. Every program of an ELF object is verified,
 * translated to C and compiled by the system C compiler into one shared object, which any
 * verb (and ebpf_object_open) then loads in place of the ELF object, without verifying or
 * generating code again.
 */
#include <string.h>

#include "cli.h"

static void compile_usage(FILE *out)
{
	fprintf(
	    out,
	    "usage: extbpf compile FILE.o -o FILE.so [--section S] [--type T] [--ext PATH]...\n"
	    "\n"
	    "Verifies every program of FILE.o (or only the one of section or function S),\n"
	    "translates each to C and compiles it with the system C compiler (cc -O2, or $CC;\n"
	    "-O1 beyond 8192 instructions) into the shared object FILE.so. The compiler is\n"
	    "stopped after $EXTBPF_NATIVE_CC_TIMEOUT seconds (300 by default). Names from the\n"
	    "object reach the C only as escaped string literals. FILE.so records the contract\n"
	    "of each program's type it was verified against: loading it is refused, asking for\n"
	    "a new compile, when the loaded extension offers another contract. Load it wherever\n"
	    "an object is expected: 'extbpf run FILE.so ...', 'extbpf prog load FILE.so',\n"
	    "ebpf_object_open().\n"
	    "\n"
	    "  -o FILE.so    the shared object to write (required)\n"
	    "  --section S   only the program in section S (or the function S)\n"
	    "  --type T      verify as program type T (see 'extbpf ext list')\n"
	    "  --ext PATH    also load this extension (repeatable)\n"
	    "\n"
	    "Exit codes: 0 compiled, 1 a program refused or the C compiler failed, 2 bad\n"
	    "arguments or unusable input.\n");
}

static int compile_run(int argc, char **argv)
{
	static const struct option options[] = {
		CLI_OBJECT_OPTIONS,
		{ "output", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_object_args a = { 0 };
	const char *output = NULL;
	int opt, ret = 0;

	opterr = 0;
	optind = 1;
	while (!ret && (opt = getopt_long(argc, argv, ":jo:", options, NULL)) != -1) {
		if (opt == 'o')
			output = optarg;
		else if (opt == ':' || opt == '?')
			ret = cli_getopt_error(&cli_verb_compile, options, opt, argv);
		else
			ret = cli_object_option(&cli_verb_compile, opt, optarg, &a);
	}
	if (ret)
		return ret;
	if (optind == argc)
		return cli_usage_error(&cli_verb_compile, "no object file");
	a.path = argv[optind++];
	if (optind < argc)
		return cli_usage_error(&cli_verb_compile, "unexpected argument '%s'", argv[optind]);
	if (!output)
		return cli_usage_error(&cli_verb_compile, "no output file (-o FILE.so)");
	if (a.config_count)
		return cli_usage_error(&cli_verb_compile,
				       "%s: compile takes no configuration between parse and load",
				       a.configs[0].arg);

	ret = cli_check_output("compile", output);
	if (ret)
		return ret;
	ret = cli_load_extensions("compile", &a);
	if (!ret)
		ret = cli_check_object("compile", &a);
	if (ret)
		return ret;
	struct ebpf_object_open_opts opts = {
		.sz = sizeof(opts),
		.program_type = a.type,
		.only_program = a.section,
		.btf_path = a.btf,
		.kconfig_path = a.kconfig,
	};
	if (ebpf_object_compile_native(a.path, output, &opts)) {
		cli_error("compile", "%s", ebpf_last_error());
		return EXIT_REFUSED;
	}
	printf("%s: compiled to %s\n", a.path, output);
	return EXIT_OK;
}

const struct cli_verb cli_verb_compile = {
	.name = "compile",
	.summary = "compile an object's programs ahead of time into a shared object",
	.run = compile_run,
	.usage = compile_usage,
};
