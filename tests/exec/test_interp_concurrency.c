/* SPDX-License-Identifier: MIT */
/*
 * One prepared program run by many threads at once: every run has its own registers and stack
 * (on the C stack of exec_program_run), so the threads' results never mix. The program keeps
 * its running value only in its stack frame and reads it back on every iteration, so any
 * sharing of stacks between runs shows up as a wrong result.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "exec_test.h"

#define THREADS	   8
#define RUNS	   50
#define ITERATIONS 1000

struct worker {
	const struct exec_program *prog;
	bool checked;
	uint64_t seed;
	int wrong; /* runs whose result was not the expected one */
};

/* seed = *ctx; stack[-8] = seed; repeat ITERATIONS: stack[-8] += 3, via a subprogram's frame */
static const char program[] = "ldxdw %%r2, [%%r1]\n"
			      "stxdw [%%r10-8], %%r2\n"
			      "mov %%r6, %d\n"
			      "loop:\n"
			      "mov %%r1, %%r10\n"
			      "call local bump\n"
			      "sub %%r6, 1\n"
			      "jne %%r6, 0, loop\n"
			      "ldxdw %%r0, [%%r10-8]\n"
			      "exit\n"
			      "bump:\n"
			      "stdw [%%r10-16], 3\n"
			      "ldxdw %%r3, [%%r10-16]\n"
			      "ldxdw %%r2, [%%r1-8]\n"
			      "add %%r2, %%r3\n"
			      "stxdw [%%r1-8], %%r2\n"
			      "exit\n";

static void *work(void *arg)
{
	struct worker *w = arg;

	for (int i = 0; i < RUNS; i++) {
		uint64_t ctx = w->seed + (uint64_t)i, r0 = 0;

		if (w->checked) {
			struct exec_region region = { (uintptr_t)&ctx, sizeof(ctx), false };
			struct exec_checked_opts opts = { .regions = &region, .region_count = 1 };

			if (exec_program_run_checked(w->prog, (uintptr_t)&ctx, sizeof(ctx), &opts,
						     &r0, NULL, 0))
				r0 = 0;
		} else {
			r0 = exec_program_run(w->prog, (uintptr_t)&ctx, sizeof(ctx));
		}
		if (r0 != ctx + 3 * ITERATIONS)
			w->wrong++;
	}
	return NULL;
}

static void run_threads(bool checked)
{
	struct worker workers[THREADS];
	pthread_t threads[THREADS];
	struct test_prog p;

	test_prog_load(&p, NULL, program, ITERATIONS);
	for (int i = 0; i < THREADS; i++) {
		workers[i] = (struct worker){
			.prog = p.prog,
			.checked = checked,
			.seed = (uint64_t)i << 32,
		};
		assert_int_equal(pthread_create(&threads[i], NULL, work, &workers[i]), 0);
	}
	for (int i = 0; i < THREADS; i++) {
		assert_int_equal(pthread_join(threads[i], NULL), 0);
		assert_int_equal(workers[i].wrong, 0);
	}
	test_prog_free(&p);
}

static void test_fast_mode_threads_have_independent_stacks(void **state)
{
	(void)state;
	run_threads(false);
}

static void test_checked_mode_threads_have_independent_stacks(void **state)
{
	(void)state;
	run_threads(true);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fast_mode_threads_have_independent_stacks),
		cmocka_unit_test(test_checked_mode_threads_have_independent_stacks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
