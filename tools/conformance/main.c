/* SPDX-License-Identifier: MIT */
/*
 * extbpf-conformance: a plugin for the bpf_conformance runner (github.com/Alan-Jowett/
 * bpf_conformance). The runner starts it once per test as
 *
 *	extbpf-conformance "<memory as hex bytes>" "<plugin options>"  < "<program as hex bytes>"
 *
 * and compares what it prints: r0 in hex and exit status 0, or an error message and a non-zero
 * status (matched against the test's `-- error` text). The runner passes all plugin options as
 * one argument, so every argument starting with "--" is split at white space.
 *
 * The programs of the suite are not verifiable (they read uninitialized memory, divide by
 * zero...), so they run unverified unless --verify is given, with helper 5 as the suite's
 * "unwind" helper.
 */
#include <ctype.h>
#include <stdarg.h>
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <extbpf/extbpf.h>

#define EXIT_FAILED 1 /* the program was refused or failed: message on stdout */
#define EXIT_USAGE  2

struct options {
	enum ebpf_exec_mode mode;
	bool verify;
	bool elf;
	const char *memory_hex;	 /* NULL: no memory */
	const char *program_hex; /* NULL: read stdin */
};

struct bytes {
	uint8_t *data;
	size_t size;
};

static void usage(FILE *out)
{
	fprintf(
	    out,
	    "usage: extbpf-conformance [MEMORY_HEX] [--mode interp|jit|native] [--verify]\n"
	    "                          [--program PROGRAM_HEX] < PROGRAM_HEX\n"
	    "\n"
	    "Runs one program as a bpf_conformance plugin: the program as hex bytes on stdin\n"
	    "(or --program), the input memory as hex bytes in the first argument. Prints r0 in\n"
	    "hex and exits 0, or prints the error and exits 1 (2 for bad arguments).\n"
	    "Programs run unverified (test use only) unless --verify is given.\n");
}

/* Failures the runner compares go to stdout, as other plugins print them. */
static int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	return EXIT_FAILED;
}

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "extbpf-conformance: ");
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	usage(stderr);
	return EXIT_USAGE;
}

static int hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Hex bytes separated by white space ("b7 00 00 00" or "b7000000"). 0 or -EINVAL. */
static int parse_hex(const char *text, struct bytes *out)
{
	size_t cap = strlen(text) / 2 + 1;
	const char *p = text;

	out->size = 0;
	out->data = malloc(cap);
	if (!out->data)
		return -ENOMEM;
	while (*p) {
		int hi, lo;

		if (isspace((unsigned char)*p)) {
			p++;
			continue;
		}
		hi = hex_digit((unsigned char)p[0]);
		lo = hi < 0 ? -1 : hex_digit((unsigned char)p[1]);
		if (lo < 0) {
			free(out->data);
			out->data = NULL;
			return -EINVAL;
		}
		out->data[out->size++] = (uint8_t)(hi << 4 | lo);
		p += 2;
	}
	return 0;
}

static char *read_stdin(void)
{
	size_t cap = 4096, len = 0, n;
	char *buf = malloc(cap);

	while (buf && (n = fread(buf + len, 1, cap - len - 1, stdin)) > 0) {
		len += n;
		if (len + 1 == cap) {
			char *nbuf = realloc(buf, cap * 2);

			if (!nbuf) {
				free(buf);
				return NULL;
			}
			buf = nbuf;
			cap *= 2;
		}
	}
	if (buf)
		buf[len] = '\0';
	return buf;
}

static int parse_mode(const char *name, enum ebpf_exec_mode *mode)
{
	if (!strcmp(name, "interp"))
		*mode = EBPF_MODE_INTERP;
	else if (!strcmp(name, "jit"))
		*mode = EBPF_MODE_JIT;
	else if (!strcmp(name, "native"))
		*mode = EBPF_MODE_NATIVE;
	else
		return usage_error("unknown mode '%s' (interp, jit or native)", name);
	return 0;
}

/* Sets option `name` (which takes a value) to value. */
static int set_value(struct options *o, const char *name, const char *value)
{
	if (!strcmp(name, "--program")) {
		o->program_hex = value;
		return 0;
	}
	return parse_mode(value, &o->mode);
}

/*
 * One argument starting with "--": the runner may pass several options in it, so it is split
 * at white space. An option whose value is not in the same argument leaves its name in *pending
 * for the next argument. The tokens point into *copy, which the caller frees.
 */
static int parse_option_group(struct options *o, const char *arg, char **copy, const char **pending)
{
	char *save = NULL;

	*copy = strdup(arg);
	if (!*copy)
		return fail("out of memory");
	for (char *tok = strtok_r(*copy, " \t\n", &save); tok;
	     tok = strtok_r(NULL, " \t\n", &save)) {
		int ret = 0;

		if (*pending) {
			ret = set_value(o, *pending, tok);
			*pending = NULL;
		} else if (!strcmp(tok, "-h") || !strcmp(tok, "--help")) {
			usage(stdout);
			return -1;
		} else if (!strncmp(tok, "--mode=", 7)) {
			ret = parse_mode(tok + 7, &o->mode);
		} else if (!strcmp(tok, "--verify")) {
			o->verify = true;
		} else if (!strcmp(tok, "--elf")) {
			o->elf = true;
		} else if (!strcmp(tok, "--mode")) {
			*pending = "--mode";
		} else if (!strcmp(tok, "--program")) {
			*pending = "--program";
		} else {
			ret = usage_error("unknown option '%s'", tok);
		}
		if (ret)
			return ret;
	}
	return 0;
}

static bool is_blank(const char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	return !*s;
}

/* Returns 0, -1 after --help, or an exit status. copies[] gets what the caller frees. */
static int parse_args(int argc, char **argv, struct options *o, char **copies)
{
	const char *pending = NULL;

	for (int i = 1; i < argc; i++) {
		int ret;

		if (pending) {
			ret = set_value(o, pending, argv[i]);
			pending = NULL;
		} else if (!strncmp(argv[i], "--", 2)) {
			ret = parse_option_group(o, argv[i], &copies[i], &pending);
		} else if (!strcmp(argv[i], "-h")) {
			usage(stdout);
			ret = -1;
		} else if (is_blank(argv[i])) {
			ret = 0; /* the runner passes "" for no memory and for no options */
		} else if (o->memory_hex) {
			ret = usage_error("unexpected argument '%s'", argv[i]);
		} else {
			o->memory_hex = argv[i];
			ret = 0;
		}
		if (ret)
			return ret;
	}
	if (pending)
		return usage_error("%s needs a value", pending);
	return 0;
}

static int run(const struct options *o, const char *program_hex)
{
	struct ebpf_raw_run_opts opts = {
		.sz = sizeof(opts),
		.mode = o->mode,
		.unverified = !o->verify,
		.conformance_unwind = true,
	};
	struct bytes prog = { 0 }, mem = { 0 };
	struct ebpf_inst *insns = NULL;
	uint64_t r0;
	int ret = EXIT_FAILED;

	if (parse_hex(program_hex, &prog))
		return fail("the program is not hex bytes");
	if (o->memory_hex && parse_hex(o->memory_hex, &mem)) {
		free(prog.data);
		return fail("the memory argument is not hex bytes");
	}
	if (!prog.size || prog.size % sizeof(*insns)) {
		fail("the program is %zu bytes, not a non-zero multiple of 8", prog.size);
		goto out;
	}
	insns = malloc(prog.size);
	if (!insns) {
		fail("out of memory");
		goto out;
	}
	memcpy(insns, prog.data, prog.size);
	if (ebpf_run_raw(insns, prog.size / sizeof(*insns), mem.size ? mem.data : NULL, mem.size,
			 &opts, &r0)) {
		fail("%s", ebpf_last_error());
		goto out;
	}
	printf("%" PRIx64 "\n", r0);
	ret = 0;
out:
	free(insns);
	free(prog.data);
	free(mem.data);
	return ret;
}

int main(int argc, char **argv)
{
	struct options o = { .mode = EBPF_MODE_INTERP };
	char **copies = calloc((size_t)argc + 1, sizeof(*copies));
	char *input = NULL;
	int ret;

	if (!copies)
		return fail("out of memory");
	ret = parse_args(argc, argv, &o, copies);
	if (ret) {
		ret = ret < 0 ? 0 : ret;
		goto out;
	}
	if (o.elf) {
		/* ubpf's plugin reads an ELF object instead of instructions with --elf. */
		ret = fail("--elf: ELF objects are not supported by this plugin; pass the "
			   "instructions as hex bytes");
		goto out;
	}
	if (!o.program_hex) {
		input = read_stdin();
		if (!input) {
			ret = fail("cannot read the program from stdin");
			goto out;
		}
	}
	ret = run(&o, o.program_hex ? o.program_hex : input);
out:
	free(input);
	for (int i = 0; i < argc; i++)
		free(copies[i]);
	free(copies);
	ebpf_runtime_shutdown();
	return ret;
}
