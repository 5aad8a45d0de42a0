/* SPDX-License-Identifier: MIT */
/*
 * Runs and the memory and per-CPU slots they hold (src/core/run_slot.c, core_run_repeated):
 * - more threads than CPUs count in a per-CPU array and a per-CPU hash with a plain load and
 *   store (no atomics), through link invocations and through test runs: the totals over the
 *   slots are exact, because a run holds its slot alone, as a CPU in Linux runs one program at a
 *   time with migration disabled (under TSan, the interpreter's accesses race otherwise);
 * - a long test run replacing hash values keeps the map's pool bounded: replaced elements are
 *   reclaimed during the run, not after it.
 * Bounded by counts; no timing is asserted.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <extbpf/extbpf.h>

#include "core/test_util.h"
#include "maps/maps.h"
#include "sample_ext.h"

/* More threads than this machine's (and most CI machines') CPUs, so that threads share CPUs. */
#define THREADS	      6
#define RUNS_INTERP   30000
#define RUNS_COMPILED 100000
/* Test-run repeats replacing a value each: the pool would grow by one element per run if
 * nothing were reclaimed before the run ends. */
#define REPLACE_RUNS  1000000u
#define GROWTH_MAX    (8u << 20)

struct counting {
	struct ebpf_object *obj;
	struct ebpf_program *prog;
	struct ebpf_map *array, *hash;
	uint32_t runs;
	bool test_run;
};

static pthread_barrier_t start;
static atomic_int failures;

static int setup(void **state)
{
	struct ebpf_extension *ext;

	if (ebpf_extension_add_static(&ebpf_extension_sample, &ext))
		fail_msg("sample extension: %s", ebpf_last_error());
	return 0;
}

static struct ebpf_object *open_mode(enum ebpf_exec_mode mode)
{
	struct ebpf_object_open_opts opts = { .sz = sizeof(opts), .mode = mode };
	struct ebpf_object *obj;

	if (ebpf_object_open(prog_path("run_slots.bpf.o"), &opts, &obj))
		fail_msg("open (mode %d): %s", mode, ebpf_last_error());
	return obj;
}

static void *counter_thread(void *arg)
{
	struct counting *c = arg;
	char buf[16] = "slots";

	pthread_barrier_wait(&start);
	if (c->test_run) {
		struct ebpf_test_run_opts run = { .sz = sizeof(run), .repeat = c->runs };

		if (ebpf_program_test_run(c->prog, &run) || run.retval != 1)
			atomic_fetch_add(&failures, 1);
		return NULL;
	}
	for (uint32_t i = 0; i < c->runs; i++) {
		uint32_t result = 0;
		size_t count = 1;

		if (sample_hook_fire(buf, sizeof(buf), 1, NULL, &result, &count, NULL) ||
		    count != 1 || result != 1)
			atomic_fetch_add(&failures, 1);
	}
	return NULL;
}

static void count_exactly(enum ebpf_exec_mode mode, bool test_run)
{
	struct counting c = { .runs = mode == EBPF_MODE_INTERP ? RUNS_INTERP : RUNS_COMPILED,
			      .test_run = test_run };
	uint64_t *zero = calloc(ebpf_num_possible_cpus(), sizeof(*zero));
	pthread_t threads[THREADS];
	struct ebpf_link *link = NULL;
	uint64_t array_sum, hash_sum;
	uint32_t key = 0;

	assert_non_null(zero);
	c.obj = open_mode(mode);
	c.prog = ebpf_object_find_program(c.obj, "count_plain");
	c.array = ebpf_object_find_map(c.obj, "per_cpu_array");
	c.hash = ebpf_object_find_map(c.obj, "per_cpu_hash");
	assert_non_null(c.prog);
	assert_non_null(c.array);
	assert_non_null(c.hash);
	assert_int_equal(ebpf_map_update_elem(c.hash, &key, zero, EBPF_NOEXIST), 0);
	if (!test_run)
		assert_int_equal(ebpf_program_attach_by_name(c.prog, "sample_hook", NULL, 0, &link),
				 0);
	atomic_store(&failures, 0);
	pthread_barrier_init(&start, NULL, THREADS);
	for (int i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&threads[i], NULL, counter_thread, &c), 0);
	for (int i = 0; i < THREADS; i++)
		pthread_join(threads[i], NULL);
	pthread_barrier_destroy(&start);
	if (link)
		ebpf_link_detach(link); /* first: a failure below must not leave it attached */
	array_sum = percpu_sum(c.array);
	hash_sum = percpu_sum(c.hash);
	ebpf_object_close(c.obj);
	free(zero);
	assert_int_equal(atomic_load(&failures), 0);
	assert_int_equal(array_sum, (uint64_t)THREADS * c.runs);
	assert_int_equal(hash_sum, (uint64_t)THREADS * c.runs);
}

static void percpu_exact_invoke_interp(void **state)
{
	count_exactly(EBPF_MODE_INTERP, false);
}

static void percpu_exact_invoke_jit(void **state)
{
	count_exactly(EBPF_MODE_JIT, false);
}

static void percpu_exact_test_run_interp(void **state)
{
	count_exactly(EBPF_MODE_INTERP, true);
}

static void percpu_exact_test_run_jit(void **state)
{
	count_exactly(EBPF_MODE_JIT, true);
}

/* A long update-heavy test run: the map's pool does not grow with the number of repeats. */
static void test_run_memory_bounded(void **state)
{
	struct ebpf_object *obj = open_mode(EBPF_MODE_DEFAULT);
	struct ebpf_program *prog = ebpf_object_find_program(obj, "replace_value");
	struct ebpf_map *map = ebpf_object_find_map(obj, "replaced");
	struct ebpf_test_run_opts run = { .sz = sizeof(run), .repeat = REPLACE_RUNS };
	size_t before, after;

	assert_non_null(prog);
	assert_non_null(map);
	before = map_mem_usage(map);
	assert_true(before > 0);
	assert_int_equal(ebpf_program_test_run(prog, &run), 0);
	assert_int_equal(run.retval, 1);
	after = map_mem_usage(map);
	/* Holding every replaced element until the end would take REPLACE_RUNS elements (tens of
	 * MiB); reclaimed along the way, the pool stays within a few thousand of them. */
	if (after - before > GROWTH_MAX)
		fail_msg("the pool grew by %zu bytes over %u updates (at most %u expected)",
			 after - before, REPLACE_RUNS, GROWTH_MAX);
	ebpf_object_close(obj);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(percpu_exact_invoke_interp),
		cmocka_unit_test(percpu_exact_invoke_jit),
		cmocka_unit_test(percpu_exact_test_run_interp),
		cmocka_unit_test(percpu_exact_test_run_jit),
		cmocka_unit_test(test_run_memory_bounded),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
