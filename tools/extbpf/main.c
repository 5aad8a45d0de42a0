/* SPDX-License-Identifier: MIT */
/* extbpf: load, verify, run and attach eBPF programs in user space (bpftool's shape). */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

/* One row per verb, in the order `extbpf --help` lists them. */
static const struct cli_verb *const verbs[] = {
	&cli_verb_prog,	   &cli_verb_map,    &cli_verb_link, &cli_verb_ext,
	&cli_verb_verify,  &cli_verb_disasm, &cli_verb_asm,  &cli_verb_run,
	&cli_verb_compile, &cli_verb_xdp,    &cli_verb_gen,  NULL,
};

static void usage(FILE *out)
{
	fprintf(out, "usage: extbpf <verb> [options]\n       extbpf --version\n\nverbs:\n");
	for (size_t i = 0; verbs[i]; i++)
		fprintf(out, "  %-10s %s\n", verbs[i]->name, verbs[i]->summary);
	fprintf(out, "\n'extbpf <verb> --help' describes a verb. Exit codes: 0 success, 1 the work "
		     "failed (program refused, run failed), 2 bad arguments or unusable input.\n"
		     "With -j, errors are JSON on stdout: {\"error\": \"...\"}.\n");
}

/* Set once by main before a verb runs: -j anywhere on the command line makes errors JSON on
 * stdout, as bpftool does, so that a script reading the output sees them. */
static bool json_errors;

static void report(const char *verb, const char *fmt, va_list ap)
{
	char msg[4096];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (!json_errors) {
		fprintf(stderr, "extbpf %s: %s\n", verb, msg);
		return;
	}
	fputs("{\"error\": ", stdout);
	cli_json_string(stdout, msg);
	fputs("}\n", stdout);
}

void cli_error(const char *verb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(verb, fmt, ap);
	va_end(ap);
}

void cli_warning(const char *verb, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "extbpf %s: warning: ", verb);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int cli_usage_error(const struct cli_verb *verb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(verb->name, fmt, ap);
	va_end(ap);
	if (!json_errors)
		verb->usage(stderr);
	return EXIT_USAGE;
}

int cli_option_error(const struct cli_verb *verb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(verb->name, fmt, ap);
	va_end(ap);
	if (!json_errors)
		fprintf(stderr, "'extbpf %s --help' lists the options.\n", verb->name);
	return EXIT_USAGE;
}

bool cli_wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			return true;
	}
	return false;
}

int cli_read_file(const char *path, void **data, size_t *size)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, len = 0;
	int err = 0;

	struct stat st;

	if (!f)
		return -errno;
	/* Reading a directory "works" until the first read fails with a vague EIO or EISDIR. */
	if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
		err = -EISDIR;
		goto out;
	}
	for (;;) {
		if (len + 4096 + 1 > cap) {
			size_t ncap = cap ? cap * 2 : 65536;
			char *nbuf = realloc(buf, ncap);

			if (!nbuf) {
				err = -ENOMEM;
				goto out;
			}
			buf = nbuf;
			cap = ncap;
		}
		size_t n = fread(buf + len, 1, cap - len - 1, f);

		len += n;
		if (n == 0)
			break;
	}
	if (ferror(f)) {
		err = -EIO;
		goto out;
	}
	buf[len] = '\0';
	*data = buf;
	*size = len;
	buf = NULL;
out:
	free(buf);
	fclose(f);
	return err;
}

static bool wants_json(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json"))
			return true;
	}
	return false;
}

static int unknown_verb(const char *name)
{
	const char *names[sizeof(verbs) / sizeof(verbs[0])];
	const char *close;
	size_t n = 0;

	for (; verbs[n]; n++)
		names[n] = verbs[n]->name;
	close = cli_closest(name, names, n);
	if (close)
		fprintf(stderr, "extbpf: unknown verb '%s' (did you mean '%s'?)\n", name, close);
	else
		fprintf(stderr, "extbpf: unknown verb '%s'\n", name);
	fprintf(stderr, "'extbpf --help' lists the verbs.\n");
	return EXIT_USAGE;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		printf("extbpf %s\n", ebpf_version());
		return EXIT_OK;
	}
	json_errors = wants_json(argc, argv);
	for (size_t i = 0; verbs[i]; i++) {
		if (!strcmp(argv[1], verbs[i]->name)) {
			if (cli_wants_help(argc - 1, argv + 1)) {
				verbs[i]->usage(stdout);
				return EXIT_OK;
			}
			return verbs[i]->run(argc - 1, argv + 1);
		}
	}
	return unknown_verb(argv[1]);
}
