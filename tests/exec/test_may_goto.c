// SPDX-License-Identifier: MIT
/*
 * may_goto in every engine (interpreter fast and checked, JIT, native): each call of a function
 * has EBPF_MAY_GOTO_BUDGET fall-throughs, shared by its may_gotos; a spent budget jumps, and stays
 * spent; a callee's calls and a tail call's target get budgets of their own.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "exec/exec.h"
#include "isa/isa.h"

static void run_in(const char *text, enum exec_engine engine, uint64_t want)
{
	struct exec_helpers helpers = { 0 };
	struct exec_program *prog = NULL;
	struct ebpf_inst *insns = NULL;
	size_t count = 0;
	char err[256] = "";
	uint64_t r0;
	int ret;

	if (ebpf_assemble(text, &insns, &count))
		fail_msg("assembling: %s\n%s", ebpf_last_error(), text);
	ret = exec_program_create(insns, count, engine, &helpers, &prog, err, sizeof(err));
	if (ret == -EOPNOTSUPP) {
		print_message("engine %d not available here: %s\n", engine, err);
		free(insns);
		return;
	}
	if (ret)
		fail_msg("engine %d refused: %s\n%s", engine, err, text);
	r0 = exec_program_run(prog, 0, 0);
	if (r0 != want)
		fail_msg("engine %d: r0 %llu, want %llu\n%s", engine, (unsigned long long)r0,
			 (unsigned long long)want, text);
	if (engine == EXEC_INTERP) {
		assert_int_equal(exec_program_run_checked(prog, 0, 0, NULL, &r0, err, sizeof(err)),
				 0);
		assert_int_equal(r0, want);
	}
	exec_program_destroy(prog);
	free(insns);
}

static void run_all(const char *text, uint64_t want)
{
	run_in(text, EXEC_INTERP, want);
	run_in(text, EXEC_JIT, want);
	run_in(text, EXEC_NATIVE, want);
}

/* The loop ends when the budget is spent, after exactly that many iterations. */
static void test_loop_ends_at_budget(void **state)
{
	(void)state;
	run_all("mov %r0, 0\n"
		"may_goto +2\n"
		"add %r0, 1\n"
		"ja -3\n"
		"exit\n",
		EBPF_MAY_GOTO_BUDGET);
}

/* Two may_gotos of one function spend one budget; once spent, every may_goto jumps. */
static void test_budget_shared_and_stays_spent(void **state)
{
	(void)state;
	run_all("mov %r0, 0\n"
		"mov %r1, 0\n"
		"may_goto +4\n" /* 2 */
		"add %r0, 1\n"
		"may_goto +2\n" /* 4 */
		"add %r0, 1\n"
		"ja -5\n"
		/* 7: spent: a later may_goto jumps at once */
		"may_goto +1\n"
		"mov %r1, 1000\n"
		"add %r0, %r1\n"
		"exit\n",
		EBPF_MAY_GOTO_BUDGET);
}

/* Each call of a function has its own budget: the caller's is untouched by its callees'. */
static void test_budget_per_call(void **state)
{
	(void)state;
	run_all("call local +9\n"
		"mov %r6, %r0\n"
		"call local +7\n"
		"add %r6, %r0\n"
		"mov %r0, 0\n"
		"may_goto +2\n" /* 5: the caller's own loop */
		"add %r0, 1\n"
		"ja -3\n"
		"add %r0, %r6\n"
		"exit\n"
		/* 10: the callee counts its budget */
		"mov %r0, 0\n"
		"may_goto +2\n"
		"add %r0, 1\n"
		"ja -3\n"
		"exit\n",
		3ull * EBPF_MAY_GOTO_BUDGET);
}

/* A backward may_goto: the budget decides where the loop exits, in every engine. */
static void test_backward_target(void **state)
{
	(void)state;
	run_all("mov %r0, 0\n"
		"ja +2\n"
		"add %r0, 7\n" /* 2: reached once the budget is spent */
		"exit\n"
		"add %r0, 1\n" /* 4 */
		"may_goto -4\n"
		"ja -3\n",
		EBPF_MAY_GOTO_BUDGET + 1 + 7);
}

/*
 * A loop whose head is a function's first instruction (a bpf_loop callback's `for (;;) {
 * cond_break; ... }`): the JIT ran the prologue again on each lap, with a new budget and
 * pushes, until the stack overflowed. The counter lives in the caller's stack slot.
 */
static void test_loop_head_at_function_start(void **state)
{
	(void)state;
	run_all("stdw [%r10-8], 0\n"
		"mov %r1, %r10\n"
		"add %r1, -8\n"
		"call local +4\n"
		"call local +3\n"
		"ldxdw %r0, [%r10-8]\n"
		"exit\n"
		"exit\n"
		/* 8: the callee's loop starts at its first instruction */
		"may_goto +4\n"
		"ldxdw %r2, [%r1]\n"
		"add %r2, 1\n"
		"stxdw [%r1], %r2\n"
		"ja -5\n"
		"mov %r0, 0\n"
		"exit\n",
		2ull * EBPF_MAY_GOTO_BUDGET);
	/* Without may_goto: a counted loop at a function's start, which writes r6 (restored). */
	run_all("mov %r6, 5\n"
		"mov %r1, 0\n"
		"call local +2\n"
		"add %r0, %r6\n"
		"exit\n"
		/* 5 */
		"add %r1, 1\n"
		"mov %r6, %r1\n"
		"jlt %r1, 1000, -3\n"
		"mov %r0, %r1\n"
		"exit\n",
		1000 + 5);
}

/* may_goto +0 (Linux 6.14+) leads on either way, and spends budget while there is some. */
static void test_offset_zero(void **state)
{
	(void)state;
	run_all("may_goto +2\n"
		"may_goto +1\n"
		"may_goto +0\n"
		"mov %r0, 1\n"
		"exit\n",
		1);
	/* Two units a lap: the counting may_goto sees the budget spent after half the laps. */
	run_all("mov %r0, 0\n"
		"may_goto +0\n"
		"may_goto +2\n"
		"add %r0, 1\n"
		"ja -4\n"
		"exit\n",
		EBPF_MAY_GOTO_BUDGET / 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_loop_ends_at_budget),
		cmocka_unit_test(test_budget_shared_and_stays_spent),
		cmocka_unit_test(test_budget_per_call),
		cmocka_unit_test(test_backward_target),
		cmocka_unit_test(test_offset_zero),
		cmocka_unit_test(test_loop_head_at_function_start),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
