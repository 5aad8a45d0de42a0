/* SPDX-License-Identifier: MIT */
/*
 * Open-coded numeric iterators (bpf_iter_num_new / _next / _destroy, the core's own kfuncs,
 * src/core/kfunc_iter.c, verified by src/verifier/iter.c): every program type has them; a loop
 * over a million values verifies in as many steps as one over ten; each misuse in
 * tests/progs/bad/iter_num_bad.bpf.c is refused with its reason. (Running them in every engine:
 * tests/e2e, iter_num.)
 */
#define EBPF_EXTENSION_STATIC 1

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <extbpf/extbpf.h>

#include "core/test_util.h"
#include "sample_ext.h"

static int setup(void **state)
{
	(void)state;
	assert_int_equal(ebpf_extension_add_static(&ebpf_extension_sample, NULL), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ebpf_runtime_shutdown();
	return 0;
}

static uint64_t processed(const struct ebpf_object *obj, const char *name)
{
	struct ebpf_verifier_stats stats = { .sz = sizeof(stats) };
	struct ebpf_program *prog = ebpf_object_find_program(obj, name);

	assert_non_null(prog);
	assert_int_equal(ebpf_program_verifier_stats(prog, &stats), 0);
	return stats.insns_processed;
}

/* The loop's cost does not depend on its trip count: the iterator's values left are its
 * measure, so the loop head is joined and widened instead of walked value by value. */
static void test_cost_independent_of_trips(void **state)
{
	struct ebpf_object_open_opts opts = { .sz = sizeof(opts) };
	struct ebpf_object *obj = NULL;
	int err = ebpf_object_open(prog_path("e2e_iter.bpf.o"), &opts, &obj);

	(void)state;
	if (err)
		fprintf(stderr, "open: %s\n", ebpf_last_error());
	assert_int_equal(err, 0);
	/* A million values (and up to 1 << 23, sum_n) cost what ten do: about 120 steps. */
	assert_true(processed(obj, "sum_1m") <= processed(obj, "sum_10"));
	assert_true(processed(obj, "sum_n") < 1000);
	assert_true(processed(obj, "nested") < 10000);
	/* Advanced one value per call of bpf_loop's callback: the returns converge (the values
	 * left widened), not walked once per value (a million of them). */
	assert_true(processed(obj, "iter_in_callback") < 1000);
	assert_true(processed(obj, "iter_in_callback_1m") < 1000);
	ebpf_object_close(obj);
}

/* Loads only `program` of the twins' object: refused with err and a message holding `why`. */
static void expect_refused(const char *program, const char *why)
{
	struct ebpf_object_open_opts opts = { .sz = sizeof(opts), .only_program = program };
	struct ebpf_object *obj = NULL;

	assert_int_equal(ebpf_object_open(prog_path("bad/iter_num_bad.bpf.o"), &opts, &obj),
			 -EACCES);
	assert_null(obj);
	assert_true(error_has(program));
	assert_true(error_has(why));
}

static void test_no_destroy(void **state)
{
	(void)state;
	expect_refused("no_destroy", "exit with the iterator at fp-8 (created at insn 4) still "
				     "live: call bpf_iter_num_destroy on every path");
}

static void test_destroy_twice(void **state)
{
	(void)state;
	expect_refused("destroy_twice",
		       "kfunc bpf_iter_num_destroy arg1: fp-8 holds no live iterator");
}

static void test_next_uninitialised(void **state)
{
	(void)state;
	expect_refused("next_uninitialised",
		       "kfunc bpf_iter_num_next arg1: fp-8 holds no live iterator");
}

static void test_new_twice(void **state)
{
	(void)state;
	expect_refused("new_twice", "kfunc bpf_iter_num_new: the iterator at fp-8 is already live");
}

static void test_overwrite_live(void **state)
{
	(void)state;
	expect_refused("overwrite_live", "a store touches the iterator at fp-8");
}

static void test_read_live(void **state)
{
	(void)state;
	expect_refused("read_live", "a load touches the iterator at fp-8");
}

static void test_no_null_check(void **state)
{
	(void)state;
	expect_refused("no_null_check", "memory access through r0, which is a scalar");
}

static void test_index_unchecked(void **state)
{
	(void)state;
	expect_refused("index_unchecked", "map value access through r2: variable offset is "
					  "unbounded");
}

static void test_index_one_past(void **state)
{
	(void)state;
	expect_refused("index_one_past", "map value access out of bounds: offset 0..64 size 4");
}

static void test_misaligned(void **state)
{
	(void)state;
	expect_refused("misaligned", "the iterator at fp-20 is not 8-byte aligned");
}

/* Its pointer is gone with the iterator (the slot may hold anything next). */
static void test_value_after_destroy(void **state)
{
	(void)state;
	expect_refused("value_after_destroy", "read of uninitialised register");
}

static void test_loop_after_drained(void **state)
{
	(void)state;
	expect_refused("loop_after_drained", "infinite loop detected");
}

static void test_write_value(void **state)
{
	(void)state;
	expect_refused("write_value", "the int bpf_iter_num_next returned: it is read-only");
}

/* The ints of iterators in two frames: comparing them tells where the engine put the frames. */
static void test_compare_frames(void **state)
{
	(void)state;
	expect_refused("compare_frames_below",
		       "comparison of pointers into different objects prohibited");
	expect_refused("compare_frames_passed",
		       "comparison of pointers into different objects prohibited");
}

/* A legacy packet load may end the program, which would leave the iterator live. */
static void test_ld_abs_live(void **state)
{
	(void)state;
	expect_refused("ld_abs_live", "legacy packet load (it may end the program) with the "
				      "iterator at fp-8 (created at insn");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_cost_independent_of_trips, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_destroy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_destroy_twice, setup, teardown),
		cmocka_unit_test_setup_teardown(test_next_uninitialised, setup, teardown),
		cmocka_unit_test_setup_teardown(test_new_twice, setup, teardown),
		cmocka_unit_test_setup_teardown(test_overwrite_live, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_live, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_null_check, setup, teardown),
		cmocka_unit_test_setup_teardown(test_index_unchecked, setup, teardown),
		cmocka_unit_test_setup_teardown(test_index_one_past, setup, teardown),
		cmocka_unit_test_setup_teardown(test_misaligned, setup, teardown),
		cmocka_unit_test_setup_teardown(test_value_after_destroy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_loop_after_drained, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_value, setup, teardown),
		cmocka_unit_test_setup_teardown(test_compare_frames, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ld_abs_live, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
