/* SPDX-License-Identifier: MIT */
/*
 * Per-CPU slots held for the length of a run (why: run_slot.h).
 *
 * One word per slot, alone in its cache line: 0 free, 1 held, taken with an atomic exchange
 * (acquire) and given back with a store (release), so that what one holder wrote in the slot's
 * values happens before what the next holder reads. A thread tries the slot it held last
 * first: while it keeps running alone, the line stays in its cache and a claim costs one
 * uncontended exchange. There are as many slots as possible CPUs, the number of values a
 * per-CPU map keeps: when more threads are in runs than there are slots, a thread waits for
 * one as a task waits for a CPU (the holders are running programs, which end), spinning a
 * little and then yielding, since a holder may have been preempted.
 */
#define _GNU_SOURCE /* sched_getcpu */
#include <sched.h>
#include <stdbool.h>
#include <stdalign.h>
#include <stdatomic.h>

#include "core/run_slot.h"
#include "maps/maps.h"

/* Beyond this many possible CPUs the first ones' slots serve (a map has at least as many). */
#define RUN_SLOTS_MAX	   1024
#define RUN_SLOT_CACHELINE 64

struct run_slot {
	alignas(RUN_SLOT_CACHELINE) _Atomic uint32_t held;
};

static struct run_slot slots[RUN_SLOTS_MAX];
static _Atomic uint32_t n_slots; /* 0 until the first claim counts the possible CPUs */

_Thread_local struct core_run_slot_state core_run_slot_state;

static uint32_t slot_count(void)
{
	uint32_t n = atomic_load_explicit(&n_slots, memory_order_relaxed);

	if (n)
		return n;
	n = ebpf_num_possible_cpus(); /* racing first claims compute the same number */
	if (n > RUN_SLOTS_MAX)
		n = RUN_SLOTS_MAX;
	atomic_store_explicit(&n_slots, n, memory_order_relaxed);
	return n;
}

static bool slot_try(uint32_t slot)
{
	struct run_slot *s = &slots[slot];

	/* Read first: a held slot's line is not pulled away from its holder by a write. */
	return !atomic_load_explicit(&s->held, memory_order_relaxed) &&
	       !atomic_exchange_explicit(&s->held, 1, memory_order_acquire);
}

void core_run_slot_claim(void)
{
	struct core_run_slot_state *st = &core_run_slot_state;
	uint32_t n = slot_count();
	uint32_t first = st->hint - 1;
	unsigned int spins = 0;

	if (!st->hint || first >= n) { /* the thread's first claim: start at its CPU's slot */
		int cpu = sched_getcpu();

		first = cpu < 0 ? 0 : (uint32_t)cpu % n;
	}
	for (;;) {
		for (uint32_t i = 0; i < n; i++) {
			uint32_t slot = first + i < n ? first + i : first + i - n;

			if (slot_try(slot)) {
				st->slot = slot;
				st->claimed = true;
				st->hint = slot + 1;
				return;
			}
		}
		map_spin_wait(&spins);
	}
}

void core_run_slot_release(void)
{
	core_run_slot_state.claimed = false;
	atomic_store_explicit(&slots[core_run_slot_state.slot].held, 0, memory_order_release);
}

void core_run_slot_fork_child(void)
{
	uint32_t n = atomic_load_explicit(&n_slots, memory_order_relaxed);
	struct core_run_slot_state *st = &core_run_slot_state;

	for (uint32_t i = 0; i < n; i++) {
		if (!st->claimed || i != st->slot)
			atomic_store_explicit(&slots[i].held, 0, memory_order_relaxed);
	}
}
