/* SPDX-License-Identifier: MIT */
/* What every verb of the extbpf tool shares: exit codes, the verb table, small file helpers. */
#ifndef EXTBPF_CLI_H
#define EXTBPF_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Exit codes, documented in docs/extbpf.1. */
#define EXIT_OK	      0 /* success */
#define EXIT_REFUSED  1 /* the work failed: a program refused, a run or lookup failed */
#define EXIT_USAGE    2 /* bad arguments or unusable input */

struct cli_verb {
	const char *name;
	const char *summary;
	int (*run)(int argc, char **argv); /* argv[0] is the verb */
	void (*usage)(FILE *out);
};

/* The verbs, each in cmd_<name>.c. */
extern const struct cli_verb cli_verb_asm;
extern const struct cli_verb cli_verb_disasm;
extern const struct cli_verb cli_verb_ext;
extern const struct cli_verb cli_verb_run;
extern const struct cli_verb cli_verb_xdp;

/* Reports an error on stderr as "extbpf <verb>: <message>". */
void cli_error(const char *verb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Reads a whole file into a malloc'ed buffer (NUL-terminated beyond size). 0 or -errno. */
int cli_read_file(const char *path, void **data, size_t *size);
/* True when argv holds -h or --help. */
bool cli_wants_help(int argc, char **argv);
/* Shared handling of a bad argument: the usage line on stderr, EXIT_USAGE. */
int cli_usage_error(const struct cli_verb *verb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif /* EXTBPF_CLI_H */
