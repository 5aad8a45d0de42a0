/* SPDX-License-Identifier: MIT */
/* Clocks, pseudo-random numbers and the current CPU, as Linux's helpers of the same ids. */
#include <stdbool.h>
#include <sys/random.h>
#include <time.h>

#include "core/helpers.h"
#include "maps/maps.h"

static uint64_t clock_ns(clockid_t clock)
{
	struct timespec ts;

	if (clock_gettime(clock, &ts))
		return 0;
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Linux: ktime_get_mono_fast_ns(), CLOCK_MONOTONIC. */
uint64_t core_helper_ktime_get_ns(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	return clock_ns(CLOCK_MONOTONIC);
}

/* Linux: ktime_get_boot_fast_ns(), monotonic including time spent suspended. */
uint64_t core_helper_ktime_get_boot_ns(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
				       uint64_t r5)
{
	return clock_ns(CLOCK_BOOTTIME);
}

/* Linux: ktime_get_coarse_ns(), monotonic at tick resolution. */
uint64_t core_helper_ktime_get_coarse_ns(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
					 uint64_t r5)
{
	return clock_ns(CLOCK_MONOTONIC_COARSE);
}

/*
 * Linux keeps one prandom state per CPU; the equivalent without locks is one per thread. The
 * generator is splitmix64 (not cryptographic, as Linux's is not), seeded once per thread from
 * getrandom() so that threads and processes draw different sequences.
 */
static _Thread_local uint64_t prandom_state;
static _Thread_local bool prandom_seeded;

static void prandom_seed(void)
{
	uint64_t seed;

	if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) != sizeof(seed))
		seed = clock_ns(CLOCK_MONOTONIC) ^ (uint64_t)(uintptr_t)&prandom_state;
	prandom_state = seed;
	prandom_seeded = true;
}

uint64_t core_helper_get_prandom_u32(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
				     uint64_t r5)
{
	uint64_t z;

	if (!prandom_seeded)
		prandom_seed();
	prandom_state += 0x9e3779b97f4a7c15ull;
	z = prandom_state;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	z ^= z >> 31;
	return (uint32_t)(z >> 32);
}

/* The slot per-CPU maps use for this thread, so that a program's view is consistent. */
uint64_t core_helper_get_smp_processor_id(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
					  uint64_t r5)
{
	return map_current_cpu();
}
