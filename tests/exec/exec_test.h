/* SPDX-License-Identifier: MIT */
/* What the exec tests share: programs assembled from text and prepared for the interpreter. */
#ifndef EXTBPF_TESTS_EXEC_TEST_H
#define EXTBPF_TESTS_EXEC_TEST_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "exec/exec.h"

struct test_prog {
	struct ebpf_inst *insns;
	size_t count;
	struct exec_program *prog;
};

/* Assembles printf-formatted text and prepares it; fails the test on any error. */
static inline void test_prog_load(struct test_prog *p, const struct exec_helpers *helpers,
				  const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static inline void test_prog_load(struct test_prog *p, const struct exec_helpers *helpers,
				  const char *fmt, ...)
{
	char text[4096], err[256] = "";
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (ebpf_assemble(text, &p->insns, &p->count))
		fail_msg("assembling: %s\n%s", ebpf_last_error(), text);
	if (exec_program_create(p->insns, p->count, EXEC_INTERP, helpers, &p->prog, err,
				sizeof(err)))
		fail_msg("preparing: %s\n%s", err, text);
}

static inline void test_prog_free(struct test_prog *p)
{
	exec_program_destroy(p->prog);
	free(p->insns);
	p->prog = NULL;
	p->insns = NULL;
}

#endif /* EXTBPF_TESTS_EXEC_TEST_H */
