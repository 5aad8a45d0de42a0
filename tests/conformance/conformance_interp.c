/* SPDX-License-Identifier: MIT */
/*
 * The instruction conformance suite in every engine: each tests/NAME.data file is assembled with
 * ebpf_assemble (or taken from its -- raw section), then run by the engine named on the command
 * line (interp, the default, jit or native) and in the interpreter's checked mode (the input
 * memory as the one accessible region). One cmocka test per file, named after it, so a failure
 * names the file.
 */
#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "conformance/suite.h"
#include "exec/exec.h"

#include <extbpf/extbpf.h>

/* Bounds the checked runs, so that a broken jump cannot hang the test. */
#define MAX_INSNS 10000000

/* The engine under test, from the command line. */
static enum exec_engine engine = EXEC_INTERP;

struct outcome {
	char message[1024];
};

static bool failed(struct outcome *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool failed(struct outcome *o, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(o->message, sizeof(o->message), fmt, ap);
	va_end(ap);
	return false;
}

/* An -- error test passes when the failure's message contains the expected text. */
static bool expected_error(const struct suite_test *t, const char *stage, const char *message,
			   struct outcome *o)
{
	if (t->error && strstr(message, t->error))
		return true;
	if (t->error)
		return failed(o, "%s: %s, expected the error '%s'", stage, message, t->error);
	return failed(o, "%s: %s", stage, message);
}

static int load_program(const struct suite_test *t, struct ebpf_inst **insns, size_t *count)
{
	if (t->raw) {
		*count = t->raw_size / sizeof(**insns);
		*insns = malloc(t->raw_size ? t->raw_size : 1);
		if (!*insns)
			return -ENOMEM;
		memcpy(*insns, t->raw, t->raw_size);
		return 0;
	}
	return ebpf_assemble(t->asm_text, insns, count);
}

/* A fresh copy of the input memory for every run: programs write to it. */
static uint8_t *fresh_mem(const struct suite_test *t, uint8_t *buf)
{
	if (!t->mem_size)
		return NULL;
	memcpy(buf, t->mem, t->mem_size);
	return buf;
}

static bool run_both_modes(const struct suite_test *t, const struct exec_program *prog,
			   uint8_t *buf, struct outcome *o)
{
	struct exec_region region;
	struct exec_checked_opts opts = { .max_insns = MAX_INSNS };
	uint8_t *mem = fresh_mem(t, buf);
	char err[512] = "";
	uint64_t r0;
	int ret;

	region = (struct exec_region){ (uintptr_t)mem, t->mem_size, true };
	opts.regions = &region;
	opts.region_count = mem ? 1 : 0;
	ret = exec_program_run_checked(prog, (uintptr_t)mem, t->mem_size, &opts, &r0, err,
				       sizeof(err));
	if (ret || t->error)
		return ret ? expected_error(t, "checked mode", err, o)
			   : failed(o, "checked mode: r0 = 0x%" PRIx64 ", expected the error '%s'",
				    r0, t->error);
	if (r0 != t->result)
		return failed(o, "checked mode: r0 = 0x%" PRIx64 ", expected 0x%" PRIx64, r0,
			      t->result);

	mem = fresh_mem(t, buf);
	r0 = exec_program_run(prog, (uintptr_t)mem, t->mem_size);
	if (r0 != t->result)
		return failed(o, "engine run: r0 = 0x%" PRIx64 ", expected 0x%" PRIx64, r0,
			      t->result);
	return true;
}

static bool check_file(const char *path, struct outcome *o)
{
	const struct exec_helpers helpers = { .conformance_unwind = true };
	struct exec_program *prog = NULL;
	struct ebpf_inst *insns = NULL;
	struct suite_test t;
	uint8_t *buf = NULL;
	char err[512] = "";
	size_t count = 0;
	bool ok;

	if (suite_parse(path, &t, err, sizeof(err)))
		return failed(o, "%s", err);
	if (load_program(&t, &insns, &count)) {
		ok = expected_error(&t, "assembling", ebpf_last_error(), o);
		goto out;
	}
	if (exec_program_create(insns, count, engine, &helpers, &prog, err, sizeof(err))) {
		ok = expected_error(&t, "prepare", err, o);
		goto out;
	}
	buf = malloc(t.mem_size ? t.mem_size : 1);
	ok = buf ? run_both_modes(&t, prog, buf, o) : failed(o, "out of memory");
out:
	exec_program_destroy(prog);
	free(buf);
	free(insns);
	suite_test_free(&t);
	return ok;
}

static void test_file(void **state)
{
	const char *path = *state;
	struct outcome o = { "" };

	if (!check_file(path, &o))
		fail_msg("%s: %s", path, o.message);
}

static int parse_engine(const char *name)
{
	static const char *const names[] = { [EXEC_INTERP] = "interp", [EXEC_JIT] = "jit",
					      [EXEC_NATIVE] = "native" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!strcmp(name, names[i])) {
			engine = (enum exec_engine)i;
			return 0;
		}
	}
	fprintf(stderr, "conformance: unknown engine '%s' (interp, jit or native)\n", name);
	return -EINVAL;
}

int main(int argc, char **argv)
{
	struct CMUnitTest *tests;
	char **paths;
	size_t count;
	int ret;

	if (argc > 1 && parse_engine(argv[1]))
		return 1;
	ret = suite_list(&paths, &count);
	if (ret || !count) {
		fprintf(stderr,
			"conformance_interp: no tests/NAME.data in EXTBPF_CONFORMANCE_DIR='%s' "
			"(%s)\n",
			suite_dir() ? suite_dir() : "", ret ? strerror(-ret) : "empty");
		return 1;
	}
	tests = calloc(count, sizeof(*tests));
	if (!tests)
		return 1;
	for (size_t i = 0; i < count; i++) {
		tests[i].name = strrchr(paths[i], '/') + 1;
		tests[i].test_func = test_file;
		tests[i].initial_state = paths[i];
	}
	ret = _cmocka_run_group_tests(argc > 1 ? argv[1] : "interp", tests, count, NULL, NULL);
	free(tests);
	suite_list_free(paths, count);
	return ret;
}
