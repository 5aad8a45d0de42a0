/* SPDX-License-Identifier: MIT */
/* Clocks, random numbers and the current CPU. */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <time.h>

#include "helpers_test.h"
#include "maps/maps.h"

#include <extbpf/extbpf.h>

static uint64_t now_ns(clockid_t clock)
{
	struct timespec ts;

	assert_int_equal(clock_gettime(clock, &ts), 0);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* The helper reads the clock it names: bracketed by two reads of that clock, and monotonic. */
static void check_clock(uint32_t id, clockid_t clock)
{
	uint64_t previous = 0;

	for (int i = 0; i < 1000; i++) {
		uint64_t before = now_ns(clock);
		uint64_t t = CALL0(id);
		uint64_t after = now_ns(clock);

		assert_true(before <= t);
		assert_true(t <= after);
		assert_true(previous <= t);
		previous = t;
	}
	assert_true(previous > 0);
}

static void test_ktime_get_ns(void **state)
{
	check_clock(CORE_HELPER_KTIME_GET_NS, CLOCK_MONOTONIC);
}

static void test_ktime_get_boot_ns(void **state)
{
	check_clock(CORE_HELPER_KTIME_GET_BOOT_NS, CLOCK_BOOTTIME);
}

static void test_ktime_get_coarse_ns(void **state)
{
	check_clock(CORE_HELPER_KTIME_GET_COARSE_NS, CLOCK_MONOTONIC_COARSE);
}

#define DRAWS 256

static void draw(uint64_t *values)
{
	for (int i = 0; i < DRAWS; i++)
		values[i] = CALL0(CORE_HELPER_GET_PRANDOM_U32);
}

/* 32-bit values whose every bit varies (a stuck bit survives 256 draws with p = 2^-255). */
static void test_prandom_varies(void **state)
{
	uint64_t values[DRAWS];
	uint64_t ones = 0, zeros = 0;

	draw(values);
	for (int i = 0; i < DRAWS; i++) {
		assert_true(values[i] <= UINT32_MAX);
		ones |= values[i];
		zeros |= ~values[i] & UINT32_MAX;
	}
	assert_int_equal(ones, UINT32_MAX);
	assert_int_equal(zeros, UINT32_MAX);
}

static void *draw_thread(void *values)
{
	draw(values);
	return NULL;
}

/* Each thread has its own state, seeded on its own: two threads draw different sequences. */
static void test_prandom_threads_differ(void **state)
{
	static uint64_t a[DRAWS], b[DRAWS];
	pthread_t ta, tb;
	int same = 0;

	assert_int_equal(pthread_create(&ta, NULL, draw_thread, a), 0);
	assert_int_equal(pthread_create(&tb, NULL, draw_thread, b), 0);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	for (int i = 0; i < DRAWS; i++)
		same += a[i] == b[i];
	assert_true(same < DRAWS / 2);
}

/*
 * The CPU is the slot per-CPU maps give this thread, so both views agree. The thread is pinned
 * to the CPU it runs on so that it cannot migrate between the two reads.
 */
static void test_smp_processor_id(void **state)
{
	cpu_set_t saved, one;
	int current = sched_getcpu();
	uint64_t cpu;

	assert_true(current >= 0);
	assert_int_equal(pthread_getaffinity_np(pthread_self(), sizeof(saved), &saved), 0);
	CPU_ZERO(&one);
	CPU_SET(current, &one);
	assert_int_equal(pthread_setaffinity_np(pthread_self(), sizeof(one), &one), 0);

	cpu = CALL0(CORE_HELPER_GET_SMP_PROCESSOR_ID);
	assert_int_equal(cpu, (uint64_t)current);
	assert_int_equal(cpu, map_current_cpu());
	assert_true(cpu < ebpf_num_possible_cpus());

	assert_int_equal(pthread_setaffinity_np(pthread_self(), sizeof(saved), &saved), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ktime_get_ns),
		cmocka_unit_test(test_ktime_get_boot_ns),
		cmocka_unit_test(test_ktime_get_coarse_ns),
		cmocka_unit_test(test_prandom_varies),
		cmocka_unit_test(test_prandom_threads_differ),
		cmocka_unit_test(test_smp_processor_id),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
