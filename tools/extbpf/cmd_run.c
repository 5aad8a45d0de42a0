/* SPDX-License-Identifier: MIT */
/*
 * extbpf run: runs a program once or many times and prints r0 and the mean time per run.
 *
 *	extbpf run --raw FILE.bin [--mem FILE] [--mode M] [--repeat N] [--unverified]
 *
 * The raw form runs bare instructions with r1 = the memory and r2 = its size, as the
 * conformance suite does (ebpf_run_raw). Each form of the verb is one function (run_raw_file);
 * cmd_run parses the options they share and picks the form.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <extbpf/extbpf.h>

#include "cli.h"

struct run_args {
	const char *raw;    /* --raw FILE.bin */
	const char *object; /* the positional FILE (an ELF object: not supported yet) */
	const char *mem;    /* --mem FILE */
	enum ebpf_exec_mode mode;
	const char *mode_name;
	uint32_t repeat;
	bool unverified;
};

static void run_usage(FILE *out)
{
	fprintf(
	    out,
	    "usage: extbpf run --raw FILE.bin [--mem FILE] [--mode interp|jit|native]\n"
	    "                  [--repeat N] [--unverified]\n"
	    "\n"
	    "Runs raw eBPF instructions (FILE.bin: 8 bytes per instruction, as the conformance\n"
	    "suite encodes them) with r1 pointing at the contents of --mem (empty by default)\n"
	    "and r2 holding its size. Prints r0 and the mean time per run over --repeat runs\n"
	    "(default 1). The program is verified first; --unverified skips that, for tests\n"
	    "only (a program that was not verified may crash the process).\n"
	    "\n"
	    "  --mode M      interp, jit or native (default: the best available)\n");
}

static int run_parse_mode(const char *name, struct run_args *a)
{
	static const struct {
		const char *name;
		enum ebpf_exec_mode mode;
	} modes[] = {
		{ "interp", EBPF_MODE_INTERP },
		{ "jit", EBPF_MODE_JIT },
		{ "native", EBPF_MODE_NATIVE },
	};

	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		if (!strcmp(name, modes[i].name)) {
			a->mode = modes[i].mode;
			a->mode_name = modes[i].name;
			return 0;
		}
	}
	return cli_usage_error(&cli_verb_run, "unknown mode '%s' (interp, jit or native)", name);
}

static int run_parse_repeat(const char *text, struct run_args *a)
{
	char *end;
	unsigned long long n;

	errno = 0;
	n = strtoull(text, &end, 10);
	if (errno || end == text || *end || text[0] == '-' || n == 0 || n > UINT32_MAX)
		return cli_usage_error(&cli_verb_run, "--repeat '%s' is not a number from 1 to %u",
				       text, UINT32_MAX);
	a->repeat = (uint32_t)n;
	return 0;
}

static int run_parse(int argc, char **argv, struct run_args *a)
{
	static const struct option options[] = {
		{ "raw", required_argument, NULL, 'r' },
		{ "mem", required_argument, NULL, 'm' },
		{ "mode", required_argument, NULL, 'M' },
		{ "repeat", required_argument, NULL, 'n' },
		{ "unverified", no_argument, NULL, 'u' },
		{ NULL, 0, NULL, 0 },
	};
	int c, ret = 0;

	opterr = 0;
	optind = 1;
	while (!ret && (c = getopt_long(argc, argv, ":", options, NULL)) != -1) {
		switch (c) {
		case 'r':
			a->raw = optarg;
			break;
		case 'm':
			a->mem = optarg;
			break;
		case 'M':
			ret = run_parse_mode(optarg, a);
			break;
		case 'n':
			ret = run_parse_repeat(optarg, a);
			break;
		case 'u':
			a->unverified = true;
			break;
		case ':':
			ret = cli_usage_error(&cli_verb_run, "%s needs a value", argv[optind - 1]);
			break;
		default:
			ret =
			    cli_usage_error(&cli_verb_run, "unknown option '%s'", argv[optind - 1]);
			break;
		}
	}
	if (ret)
		return ret;
	if (optind < argc)
		a->object = argv[optind++];
	if (optind < argc)
		return cli_usage_error(&cli_verb_run, "unexpected argument '%s'", argv[optind]);
	return 0;
}

/* Reads --raw's instructions into an aligned array. */
static int run_read_insns(const char *path, struct ebpf_inst **insns, size_t *count)
{
	void *data;
	size_t size;
	int err = cli_read_file(path, &data, &size);

	if (err) {
		cli_error("run", "cannot read '%s': %s", path, strerror(-err));
		return EXIT_USAGE;
	}
	if (!size || size % sizeof(**insns)) {
		cli_error("run",
			  "'%s' is %zu bytes, not a non-zero multiple of %zu (one instruction)",
			  path, size, sizeof(**insns));
		free(data);
		return EXIT_USAGE;
	}
	/* cli_read_file's buffer comes from malloc: aligned for any type. */
	*insns = data;
	*count = size / sizeof(**insns);
	return EXIT_OK;
}

static int run_read_mem(const char *path, void **mem, size_t *size)
{
	int err;

	*mem = NULL;
	*size = 0;
	if (!path)
		return EXIT_OK;
	err = cli_read_file(path, mem, size);
	if (err) {
		cli_error("run", "cannot read '%s': %s", path, strerror(-err));
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

static void run_print_result(const struct run_args *a, uint64_t r0,
			     const struct ebpf_raw_run_opts *opts)
{
	printf("r0 = 0x%" PRIx64 " (%" PRId64 ")\n", r0, (int64_t)r0);
	printf("mean time per run: %" PRIu64 " ns (%" PRIu32 " run%s%s%s)\n", opts->duration_ns,
	       a->repeat, a->repeat == 1 ? "" : "s", a->mode_name ? ", " : "",
	       a->mode_name ? a->mode_name : "");
}

/* The raw form: bare instructions and a memory buffer, through ebpf_run_raw. */
static int run_raw_file(const struct run_args *a)
{
	char log[4096] = "";
	struct ebpf_raw_run_opts opts = {
		.sz = sizeof(opts),
		.mode = a->mode,
		.unverified = a->unverified,
		.repeat = a->repeat,
		.log_buf = log,
		.log_size = sizeof(log),
	};
	struct ebpf_inst *insns = NULL;
	void *mem = NULL;
	size_t count, mem_size;
	uint64_t r0;
	int ret;

	ret = run_read_insns(a->raw, &insns, &count);
	if (ret)
		return ret;
	ret = run_read_mem(a->mem, &mem, &mem_size);
	if (ret)
		goto out;
	if (a->unverified)
		fprintf(stderr,
			"extbpf run: warning: '%s' was not verified (--unverified is for "
			"tests only)\n",
			a->raw);
	if (ebpf_run_raw(insns, count, mem_size ? mem : NULL, mem_size, &opts, &r0)) {
		cli_error("run", "%s: %s", a->raw, ebpf_last_error());
		if (log[0])
			fputs(log, stderr);
		ret = EXIT_REFUSED;
		goto out;
	}
	run_print_result(a, r0, &opts);
	ret = EXIT_OK;
out:
	free(mem);
	free(insns);
	return ret;
}

static int cmd_run(int argc, char **argv)
{
	struct run_args a = { .mode = EBPF_MODE_DEFAULT, .repeat = 1 };
	int ret = run_parse(argc, argv, &a);

	if (ret)
		return ret;
	if (a.raw && a.object)
		return cli_usage_error(&cli_verb_run, "give either --raw FILE.bin or an object, "
						      "not both");
	if (a.raw)
		return run_raw_file(&a);
	if (a.object)
		return cli_usage_error(&cli_verb_run,
				       "running an ELF object ('%s') is not supported yet; use "
				       "--raw FILE.bin",
				       a.object);
	return cli_usage_error(&cli_verb_run, "missing --raw FILE.bin");
}

const struct cli_verb cli_verb_run = {
	.name = "run",
	.summary = "run a program and print r0 and the time per run",
	.run = cmd_run,
	.usage = run_usage,
};
