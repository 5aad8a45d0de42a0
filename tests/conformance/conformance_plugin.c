/* SPDX-License-Identifier: MIT */
/*
 * The extbpf-conformance plugin, driven exactly as the bpf_conformance runner drives it: every
 * row of compiled.tsv runs as `extbpf-conformance "<memory hex>" "--mode interp"` with the
 * program's hex bytes on stdin, and the r0 it prints must be the row's. A few more tests cover
 * the protocol's edges (no memory argument, errors, usage).
 *
 * argv[1] is the path of the plugin.
 */
#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "conformance/suite.h"

static const char *plugin;
/* "--mode <engine>" for the compiled.tsv rows: the engine under test. */
static char mode_arg[32];

struct result {
	int status; /* exit status, -1 when it did not exit normally */
	char out[4096];
};

static void write_all(int fd, const char *text)
{
	size_t len = strlen(text);

	while (len) {
		ssize_t n = write(fd, text, len);

		if (n <= 0)
			return;
		text += n;
		len -= (size_t)n;
	}
}

static void read_all(int fd, char *out, size_t size)
{
	size_t len = 0;
	ssize_t n;

	while (len + 1 < size && (n = read(fd, out + len, size - 1 - len)) > 0)
		len += (size_t)n;
	out[len] = '\0';
}

struct child {
	pid_t pid;
	int out; /* the read end of its stdout */
};

/* Starts the plugin with args (NULL-terminated, without argv[0]) and stdin_text on its stdin.
 * Programs and outputs are far smaller than a pipe's buffer, so nothing blocks. */
static void start_plugin(const char *const *args, const char *stdin_text, struct child *c)
{
	const char *argv[8] = { plugin };
	int in[2], out[2];

	for (size_t i = 0; args[i]; i++) {
		assert_true(i + 2 < sizeof(argv) / sizeof(argv[0]));
		argv[i + 1] = args[i];
	}
	assert_int_equal(pipe(in), 0);
	assert_int_equal(pipe(out), 0);
	c->pid = fork();
	assert_true(c->pid >= 0);
	if (c->pid == 0) {
		dup2(in[0], STDIN_FILENO);
		dup2(out[1], STDOUT_FILENO);
		close(in[0]);
		close(in[1]);
		close(out[0]);
		close(out[1]);
		execv(plugin, (char *const *)argv);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	write_all(in[1], stdin_text);
	close(in[1]);
	c->out = out[0];
}

static void finish_plugin(struct child *c, struct result *r)
{
	int status;

	read_all(c->out, r->out, sizeof(r->out));
	close(c->out);
	assert_int_equal(waitpid(c->pid, &status, 0), c->pid);
	r->status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void run_plugin(const char *const *args, const char *stdin_text, struct result *r)
{
	struct child c;

	start_plugin(args, stdin_text, &c);
	finish_plugin(&c, r);
}

/* One compiled.tsv row: name, expected r0 (hex), memory hex or "-", program hex. */
struct row {
	char name[128];
	uint64_t expected;
	struct child child;
};

static void start_row(char *line, struct row *row)
{
	char *save = NULL;
	char *name = strtok_r(line, "\t", &save);
	char *expected = strtok_r(NULL, "\t", &save);
	char *mem = strtok_r(NULL, "\t", &save);
	char *prog = strtok_r(NULL, "\t\n", &save);
	const char *args[] = { "", mode_arg, NULL };

	if (!name || !expected || !mem || !prog)
		fail_msg("compiled.tsv: malformed row '%s'", line);
	snprintf(row->name, sizeof(row->name), "%s", name);
	row->expected = strtoull(expected, NULL, 16);
	if (strcmp(mem, "-"))
		args[0] = mem;
	start_plugin(args, prog, &row->child);
}

static void finish_row(struct row *row)
{
	struct result r;

	finish_plugin(&row->child, &r);
	if (r.status != 0)
		fail_msg("%s: the plugin exited with %d: %s", row->name, r.status, r.out);
	if (strtoull(r.out, NULL, 16) != row->expected)
		fail_msg("%s: the plugin printed '%s', expected 0x%" PRIx64, row->name, r.out,
			 row->expected);
}

/* A few plugins at a time: most of each one's time is process start and exit. */
#define PARALLEL 4

static void test_compiled_tsv(void **state)
{
	char path[4096], line[1 << 16];
	struct row rows[PARALLEL];
	unsigned started = 0, passed = 0;
	FILE *f;

	(void)state;
	assert_non_null(suite_dir());
	snprintf(path, sizeof(path), "%s/compiled.tsv", suite_dir());
	f = fopen(path, "r");
	if (!f)
		fail_msg("cannot open %s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		if (started - passed == PARALLEL)
			finish_row(&rows[passed++ % PARALLEL]);
		start_row(line, &rows[started++ % PARALLEL]);
	}
	fclose(f);
	while (passed < started)
		finish_row(&rows[passed++ % PARALLEL]);
	assert_true(passed > 0);
	print_message("%u compiled.tsv programs passed through %s\n", passed, plugin);
}

/* mov r0, 42; exit */
static const char *const ret42 = "b7 00 00 00 2a 00 00 00 95 00 00 00 00 00 00 00";

static void test_prints_r0_in_hex(void **state)
{
	const char *no_args[] = { NULL };
	const char *runner_style[] = { "", "", NULL };
	struct result r;

	(void)state;
	run_plugin(no_args, ret42, &r);
	assert_int_equal(r.status, 0);
	assert_string_equal(r.out, "2a\n");
	run_plugin(runner_style, ret42, &r);
	assert_int_equal(r.status, 0);
	assert_string_equal(r.out, "2a\n");
}

static void test_memory_and_program_options(void **state)
{
	/* ldxw r0, [r1 + 0]; exit, with the memory given and the program by --program */
	const char *args[] = { "01 02 03 04", "--mode=interp", "--program",
			       "61 10 00 00 00 00 00 00 95 00 00 00 00 00 00 00", NULL };
	struct result r;

	(void)state;
	run_plugin(args, "", &r);
	assert_int_equal(r.status, 0);
	assert_string_equal(r.out, "4030201\n");
}

static void test_refused_program_fails_with_message(void **state)
{
	/* call 0x7777 (no such helper); exit */
	const char *args[] = { "", "--mode interp", NULL };
	struct result r;

	(void)state;
	run_plugin(args, "85 00 00 00 77 77 00 00 95 00 00 00 00 00 00 00", &r);
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.out, "unknown helper id 30583"));
	run_plugin(args, "b7 00 00", &r);
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.out, "not a non-zero multiple of 8"));
	run_plugin(args, "zz", &r);
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.out, "not hex"));
}

static void test_usage(void **state)
{
	const char *help[] = { "--help", NULL };
	const char *unknown[] = { "", "--frobnicate", NULL };
	const char *bad_mode[] = { "", "--mode turbo", NULL };
	const char *elf[] = { "", "--elf", NULL };
	struct result r;

	(void)state;
	run_plugin(help, "", &r);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "usage: extbpf-conformance"));
	run_plugin(unknown, ret42, &r);
	assert_int_equal(r.status, 2);
	run_plugin(bad_mode, ret42, &r);
	assert_int_equal(r.status, 2);
	run_plugin(elf, ret42, &r);
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.out, "--elf"));
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compiled_tsv),
		cmocka_unit_test(test_prints_r0_in_hex),
		cmocka_unit_test(test_memory_and_program_options),
		cmocka_unit_test(test_refused_program_fails_with_message),
		cmocka_unit_test(test_usage),
	};

	if (argc != 2 && argc != 3) {
		fprintf(stderr, "usage: %s PATH_TO_EXTBPF_CONFORMANCE [interp|jit|native]\n",
			argv[0]);
		return 1;
	}
	/* A plugin that refuses its arguments may exit before reading its stdin: writing that
	 * stdin must then fail with EPIPE, not kill the test. */
	signal(SIGPIPE, SIG_IGN);
	plugin = argv[1];
	snprintf(mode_arg, sizeof(mode_arg), "--mode %s", argc == 3 ? argv[2] : "interp");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
