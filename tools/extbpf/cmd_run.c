/* SPDX-License-Identifier: MIT */
/*
 * extbpf run: runs a program once or many times and prints r0 and the mean time per run.
 *
 *	extbpf run FILE.o [--section S] [--data IN] [--ctx CTX] [--repeat N] [--mode M] ...
 *	extbpf run --raw FILE.bin [--mem FILE] [--mode M] [--repeat N] [--unverified]
 *
 * The object form test-runs a program of an ELF object through its program type's test-run
 * support (ebpf_program_test_run, as BPF_PROG_TEST_RUN). The raw form runs bare instructions
 * with r1 = the memory and r2 = its size, as the conformance suite does (ebpf_run_raw). Each
 * form of the verb is one function (run_object_file, run_raw_file); cmd_run parses the options
 * they share and picks the form.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <extbpf/extbpf.h>

#include <bpf/btf.h>

#include "cli.h"

struct run_args {
	const char *raw;    /* --raw FILE.bin */
	const char *object; /* the positional FILE.o */
	const char *mem;    /* --mem FILE */
	enum ebpf_exec_mode mode;
	const char *mode_name;
	uint32_t repeat;
	bool unverified;
	/* The object form only: */
	struct cli_object_args obj; /* --section, --type, --ext, -j */
	const char *data;	    /* --data IN.bin */
	const char *ctx;	    /* --ctx CTX.bin */
	const char *data_out;	    /* --data-out OUT.bin */
	const char *ctx_out;	    /* --ctx-out CTX.bin */
	bool dump_maps;
};

enum {
	OPT_RAW = CLI_OPT_VERB_BASE,
	OPT_MEM,
	OPT_REPEAT,
	OPT_UNVERIFIED,
	OPT_DATA,
	OPT_CTX,
	OPT_DATA_OUT,
	OPT_CTX_OUT,
	OPT_DUMP_MAPS,
	OPT_MAP,
};

/* Bytes of output data beyond the input a program may add (bpf_xdp_adjust_tail, ...). */
#define RUN_DATA_HEADROOM 4096
/* Context bytes read back when no --ctx gives the size. */
#define RUN_CTX_OUT_SIZE  4096
/* Output data shown as a hex dump; -j and --data-out give all of it. */
#define RUN_DUMP_LIMIT	  256

static void run_usage(FILE *out)
{
	fprintf(
	    out,
	    "usage: extbpf run FILE.o [--section S] [--data IN.bin] [--ctx CTX.bin] [--repeat N]\n"
	    "                  [--data-out OUT.bin] [--ctx-out CTX.bin] [--mode M] [--type T]\n"
	    "                  [--map NAME=KEY:VALUE]... [--dump-maps] [-j] [--ext PATH]...\n"
	    "       extbpf run --raw FILE.bin [--mem FILE] [--mode interp|jit|native]\n"
	    "                  [--repeat N] [--unverified]\n"
	    "\n"
	    "The object form loads every program of FILE.o (so that tail calls reach them) and\n"
	    "test-runs the one in section S (--section may be left out when there is one\n"
	    "program) as BPF_PROG_TEST_RUN does: its program type builds a\n"
	    "context from --data (the packet or buffer) and --ctx (a context image), the program\n"
	    "runs --repeat times, and the result, the output data (hex dump, first %d bytes) and\n"
	    "the mean time per run are printed. The program type must support test runs\n"
	    "('extbpf ext list' says which do).\n"
	    "  --data-out F  write the output data to F     --ctx-out F  write the context to F\n"
	    "  --map NAME=KEY:VALUE  set an element of a map before the run (KEY and VALUE as\n"
	    "                'extbpf map update' takes them: see 'extbpf map --help')\n"
	    "  --dump-maps   print every map of the object after the run (global variables by\n"
	    "                name and type from BTF)\n"
	    "Records the program submitted to ring buffers and perf event arrays are printed\n"
	    "after the result: typed as struct NAME_record of map NAME when the object's BTF\n"
	    "has it, else hex.\n"
	    "  -j, --json    JSON output                    --ext PATH   load an extension\n"
	    "\n"
	    "The raw form runs raw eBPF instructions (FILE.bin: 8 bytes per instruction, as\n"
	    "the conformance suite encodes them) with r1 pointing at the contents of --mem\n"
	    "(empty by default) and r2 holding its size. Prints r0 and the mean time per run\n"
	    "over --repeat runs (default 1). The program is verified first; --unverified skips\n"
	    "that, for tests only (a program that was not verified may crash the process).\n"
	    "\n"
	    "  --mode M      interp, jit or native (default: the best available)\n"
	    "\n"
	    "Exit codes: 0 the program ran, 1 it was refused or the run failed, 2 bad arguments\n"
	    "or unusable input.\n",
	    RUN_DUMP_LIMIT);
}

static int run_parse_mode(const char *name, struct run_args *a)
{
	int ret = cli_mode_arg(&cli_verb_run, name, &a->mode);

	if (!ret)
		a->mode_name = cli_mode_name(a->mode);
	return ret;
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

static int run_option(int opt, const char *arg, struct run_args *a)
{
	switch (opt) {
	case OPT_RAW:
		a->raw = arg;
		return 0;
	case OPT_MEM:
		a->mem = arg;
		return 0;
	case CLI_OPT_MODE:
		return run_parse_mode(arg, a);
	case OPT_REPEAT:
		return run_parse_repeat(arg, a);
	case OPT_UNVERIFIED:
		a->unverified = true;
		return 0;
	case OPT_DATA:
		a->data = arg;
		return 0;
	case OPT_CTX:
		a->ctx = arg;
		return 0;
	case OPT_DATA_OUT:
		a->data_out = arg;
		return 0;
	case OPT_CTX_OUT:
		a->ctx_out = arg;
		return 0;
	case OPT_DUMP_MAPS:
		a->dump_maps = true;
		return 0;
	case OPT_MAP:
		return cli_add_map_arg(&cli_verb_run, &a->obj, arg);
	}
	return cli_object_option(&cli_verb_run, opt, arg, &a->obj);
}

static int run_parse(int argc, char **argv, struct run_args *a)
{
	static const struct option options[] = {
		CLI_OBJECT_OPTIONS,
		{ "raw", required_argument, NULL, OPT_RAW },
		{ "mem", required_argument, NULL, OPT_MEM },
		{ "repeat", required_argument, NULL, OPT_REPEAT },
		{ "unverified", no_argument, NULL, OPT_UNVERIFIED },
		{ "data", required_argument, NULL, OPT_DATA },
		{ "ctx", required_argument, NULL, OPT_CTX },
		{ "data-out", required_argument, NULL, OPT_DATA_OUT },
		{ "ctx-out", required_argument, NULL, OPT_CTX_OUT },
		{ "dump-maps", no_argument, NULL, OPT_DUMP_MAPS },
		{ "map", required_argument, NULL, OPT_MAP },
		{ NULL, 0, NULL, 0 },
	};
	int c, ret = 0;

	opterr = 0;
	optind = 1;
	while (!ret && (c = getopt_long(argc, argv, ":j", options, NULL)) != -1) {
		if (c == ':' || c == '?')
			ret = cli_getopt_error(&cli_verb_run, options, c, argv);
		else
			ret = run_option(c, optarg, a);
	}
	if (ret)
		return ret;
	if (optind < argc)
		a->object = argv[optind++];
	if (optind < argc)
		return cli_usage_error(&cli_verb_run, "unexpected argument '%s'", argv[optind]);
	a->obj.whole_object = true; /* tail calls reach the object's other programs */
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

static uint64_t run_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* A long --repeat on a terminal shows how far it got: after half a second, every 0.2 s. */
#define RUN_PROGRESS_AFTER_NS 500000000ull
#define RUN_PROGRESS_EVERY_NS 200000000ull

struct run_progress {
	uint64_t start, last;
	bool shown;
};

static void run_show_progress(void *arg, uint32_t done, uint32_t repeat)
{
	struct run_progress *p = arg;
	uint64_t now = run_now_ns();

	if (now - p->start < RUN_PROGRESS_AFTER_NS || now - p->last < RUN_PROGRESS_EVERY_NS)
		return;
	fprintf(stderr, "\rrun %" PRIu32 " of %" PRIu32 " (%u%%)", done, repeat,
		(unsigned int)((uint64_t)done * 100 / repeat));
	p->last = now;
	p->shown = true;
}

/* Progress only where someone watches: a log or a pipe gets the result, not the progress. */
static void run_progress_start(struct run_progress *p, ebpf_run_progress_fn *fn, void **arg)
{
	*p = (struct run_progress){ .start = run_now_ns() };
	*fn = isatty(STDERR_FILENO) ? run_show_progress : NULL;
	*arg = p;
}

static void run_progress_end(const struct run_progress *p)
{
	if (p->shown)
		fputs("\r\033[K", stderr);
}

static void run_print_result(const struct run_args *a, uint64_t r0,
			     const struct ebpf_raw_run_opts *opts)
{
	char mean[32];

	printf("r0 = 0x%" PRIx64 " (%" PRId64 ")\n", r0, (int64_t)r0);
	printf("mean time per run: %s (%" PRIu32 " run%s%s%s)\n",
	       cli_duration(opts->duration_ns, mean, sizeof(mean)), a->repeat,
	       a->repeat == 1 ? "" : "s", a->mode_name ? ", " : "",
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
	struct run_progress progress;
	void *mem = NULL;
	size_t count, mem_size;
	uint64_t r0;
	int ret, err;

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
	run_progress_start(&progress, &opts.progress, &opts.progress_arg);
	err = ebpf_run_raw(insns, count, mem_size ? mem : NULL, mem_size, &opts, &r0);
	run_progress_end(&progress);
	if (err) {
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

/* ---- the object form --------------------------------------------------------------------- */

/* The result of one test run, and the buffers it wrote. */
struct run_output {
	struct ebpf_test_run_opts opts;
	void *data_in, *ctx_in;
	uint8_t *data_out, *ctx_out;
	size_t data_capacity, ctx_capacity;
};

/* --section's program, or the only one. */
static struct ebpf_program *run_pick_program(const struct run_args *a,
					     const struct ebpf_object *obj)
{
	struct ebpf_program *prog;

	if (a->obj.section)
		return ebpf_object_find_program(obj, a->obj.section);
	prog = ebpf_object_next_program(obj, NULL);
	if (prog && !ebpf_object_next_program(obj, prog))
		return prog;
	cli_error("run", "%s has several programs; choose one with --section:", a->object);
	for (prog = NULL; (prog = ebpf_object_next_program(obj, prog));)
		fprintf(stderr, "  --section %s   (%s)\n", ebpf_program_section(prog),
			ebpf_program_name(prog));
	return NULL;
}

static int run_read_optional(const char *path, void **data, size_t *size)
{
	int err;

	*data = NULL;
	*size = 0;
	if (!path)
		return EXIT_OK;
	err = cli_read_file(path, data, size);
	if (err) {
		cli_error("run", "cannot read '%s': %s", path, strerror(-err));
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

static int run_prepare(const struct run_args *a, struct run_output *o)
{
	size_t data_size, ctx_size;
	int ret;

	ret = run_read_optional(a->data, &o->data_in, &data_size);
	if (!ret)
		ret = run_read_optional(a->ctx, &o->ctx_in, &ctx_size);
	if (ret)
		return ret;
	o->data_capacity = data_size + RUN_DATA_HEADROOM;
	o->ctx_capacity = ctx_size > RUN_CTX_OUT_SIZE ? ctx_size : RUN_CTX_OUT_SIZE;
	o->data_out = calloc(1, o->data_capacity);
	o->ctx_out = calloc(1, o->ctx_capacity);
	if (!o->data_out || !o->ctx_out) {
		cli_error("run", "out of memory");
		return EXIT_REFUSED;
	}
	o->opts = (struct ebpf_test_run_opts){
		.sz = sizeof(o->opts),
		.data_in = data_size ? o->data_in : NULL,
		.data_size_in = data_size,
		.data_out = o->data_out,
		.data_size_out = o->data_capacity,
		.ctx_in = ctx_size ? o->ctx_in : NULL,
		.ctx_size_in = ctx_size,
		.ctx_out = o->ctx_out,
		.ctx_size_out = o->ctx_capacity,
		.repeat = a->repeat,
	};
	return EXIT_OK;
}

static void run_output_free(struct run_output *o)
{
	free(o->data_in);
	free(o->ctx_in);
	free(o->data_out);
	free(o->ctx_out);
}

/* What was copied back: the full size, truncated to the buffer. */
static size_t shown(size_t size, size_t capacity)
{
	return size < capacity ? size : capacity;
}

static int run_write(const char *path, const void *data, size_t size)
{
	FILE *f = fopen(path, "wb");
	bool ok;

	if (!f) {
		cli_error("run", "cannot write '%s': %s", path, strerror(errno));
		return EXIT_REFUSED;
	}
	ok = fwrite(data, 1, size, f) == size;
	ok = !fclose(f) && ok;
	if (!ok) {
		cli_error("run", "cannot write '%s'", path);
		return EXIT_REFUSED;
	}
	return EXIT_OK;
}

static void run_print_text(const struct run_args *a, const struct ebpf_program *prog,
			   const struct run_output *o)
{
	const struct ebpf_test_run_opts *r = &o->opts;
	size_t data = shown(r->data_size_out, o->data_capacity);

	printf("section '%s' prog '%s' (%s): retval %" PRIu64 " (0x%" PRIx64 ")\n",
	       ebpf_program_section(prog), ebpf_program_name(prog),
	       cli_mode_name(ebpf_program_mode(prog)), r->retval, r->retval);
	printf("data out: %zu bytes%s\n", r->data_size_out,
	       data < r->data_size_out ? " (truncated)" : "");
	cli_hex_dump(stdout, o->data_out, data, RUN_DUMP_LIMIT);
	if (a->ctx) {
		size_t ctx = shown(r->ctx_size_out, o->ctx_capacity);

		printf("ctx out: %zu bytes\n", r->ctx_size_out);
		cli_hex_dump(stdout, o->ctx_out, ctx, RUN_DUMP_LIMIT);
	}
	char mean[32], all[32];

	printf("mean time per run: %s (%" PRIu32 " run%s",
	       cli_duration(r->duration_ns, mean, sizeof(mean)), a->repeat,
	       a->repeat == 1 ? "" : "s");
	if (a->repeat > 1)
		printf(", %s in all", cli_duration(r->duration_ns * a->repeat, all, sizeof(all)));
	printf(")\n");
}

static void run_print_json(const struct run_args *a, const struct ebpf_program *prog,
			   const struct run_output *o)
{
	const struct ebpf_test_run_opts *r = &o->opts;

	printf("{\"section\": ");
	cli_json_string(stdout, ebpf_program_section(prog));
	printf(", \"name\": ");
	cli_json_string(stdout, ebpf_program_name(prog));
	printf(", \"mode\": \"%s\", \"retval\": %" PRIu64 ", \"repeat\": %" PRIu32
	       ", \"duration_ns\": %" PRIu64 ",\n \"data_out\": ",
	       cli_mode_name(ebpf_program_mode(prog)), r->retval, a->repeat, r->duration_ns);
	cli_json_bytes(stdout, o->data_out, shown(r->data_size_out, o->data_capacity));
	if (a->ctx) {
		printf(",\n \"ctx_out\": ");
		cli_json_bytes(stdout, o->ctx_out, shown(r->ctx_size_out, o->ctx_capacity));
	}
}

static int run_program(const struct run_args *a, struct ebpf_object *obj, struct ebpf_program *prog)
{
	struct btf *btf = cli_btf_load(a->object);
	struct cli_records *records = NULL;
	struct run_output o = { 0 };
	struct run_progress progress;
	int ret = run_prepare(a, &o), err;

	if (!ret)
		ret = cli_records_open("run", obj, btf, a->obj.json, &records);
	if (ret)
		goto out;
	run_progress_start(&progress, &o.opts.progress, &o.opts.progress_arg);
	err = ebpf_program_test_run(prog, &o.opts);
	run_progress_end(&progress);
	if (err) {
		cli_error("run", "%s: %s", a->object, ebpf_last_error());
		ret = EXIT_REFUSED;
		goto out;
	}
	if (a->data_out)
		ret = run_write(a->data_out, o.data_out,
				shown(o.opts.data_size_out, o.data_capacity));
	if (!ret && a->ctx_out)
		ret = run_write(a->ctx_out, o.ctx_out, shown(o.opts.ctx_size_out, o.ctx_capacity));
	if (ret)
		goto out;
	if (a->obj.json)
		run_print_json(a, prog, &o);
	else
		run_print_text(a, prog, &o);
	cli_records_print(records);
	if (a->dump_maps)
		ret = cli_dump_object_maps(stdout, obj, btf, a->obj.json);
	if (a->obj.json)
		printf("}\n");
out:
	cli_records_close(records);
	btf__free(btf);
	run_output_free(&o);
	return ret;
}

/* The object form: open, pick the program, test-run it. */
static int run_object_file(const struct run_args *a)
{
	struct ebpf_object *obj = NULL;
	struct ebpf_program *prog;
	int ret;

	ret = cli_load_extensions("run", &a->obj);
	if (!ret)
		ret = cli_open_object("run", &a->obj, false, &obj);
	if (ret)
		goto out;
	prog = run_pick_program(a, obj);
	ret = prog ? cli_apply_map_args("run", obj, &a->obj) : EXIT_USAGE;
	if (!ret)
		ret = run_program(a, obj, prog);
out:
	if (obj)
		ebpf_object_close(obj);
	ebpf_runtime_shutdown();
	return ret;
}

/* Options of one form given to the other are mistakes worth naming. */
static int run_check_form(const struct run_args *a)
{
	if (a->raw && a->object)
		return cli_usage_error(&cli_verb_run, "give either --raw FILE.bin or an object, "
						      "not both");
	if (a->raw && (a->data || a->ctx || a->data_out || a->ctx_out || a->dump_maps ||
		       a->obj.section || a->obj.type || a->obj.json || a->obj.ext_count))
		return cli_usage_error(&cli_verb_run, "--raw takes only --mem, --mode, --repeat "
						      "and --unverified");
	if (a->object && (a->mem || a->unverified))
		return cli_usage_error(&cli_verb_run, "--mem and --unverified are for --raw; an "
						      "object's program takes --data and --ctx");
	if (!a->raw && !a->object)
		return cli_usage_error(&cli_verb_run, "missing --raw FILE.bin or an object FILE.o");
	return 0;
}

static int cmd_run(int argc, char **argv)
{
	struct run_args a = { .mode = EBPF_MODE_DEFAULT, .repeat = 1 };
	int ret = run_parse(argc, argv, &a);

	if (!ret)
		ret = run_check_form(&a);
	if (ret)
		return ret;
	if (a.raw)
		return run_raw_file(&a);
	a.obj.path = a.object;
	a.obj.mode = a.mode;
	return run_object_file(&a);
}

const struct cli_verb cli_verb_run = {
	.name = "run",
	.summary = "run a program and print r0 and the time per run",
	.run = cmd_run,
	.usage = run_usage,
};
