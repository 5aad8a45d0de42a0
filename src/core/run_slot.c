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
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/run_slot.h"
#include "maps/maps.h"

/* Beyond this many possible CPUs the first ones' slots serve (a map has at least as many). */
#define RUN_SLOTS_MAX	   1024
#define RUN_SLOT_CACHELINE 64

struct run_slot {
	alignas(RUN_SLOT_CACHELINE) _Atomic uint32_t held;
};

static struct run_slot slots[RUN_SLOTS_MAX];
static _Atomic uint32_t n_slots;       /* 0 until the first claim counts the possible CPUs */
static _Atomic uint64_t process_owner; /* 0 until asked, and again in a forked child */

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
	struct core_run_slot_state *st = &core_run_slot_state;

	/* The shared tables' slots first: they were claimed under this one (no waits in a cycle).
	 */
	while (st->n_claims) {
		struct core_run_claim *c = &st->claims[--st->n_claims];

		c->release(c->table, c->slot);
	}
	st->claimed = false;
	atomic_store_explicit(&slots[st->slot].held, 0, memory_order_release);
}

bool core_run_claim_add(void *table, uint32_t slot, void (*release)(void *table, uint32_t slot))
{
	struct core_run_slot_state *st = &core_run_slot_state;

	if (!st->claimed || st->n_claims == CORE_RUN_CLAIMS_MAX)
		return false;
	st->claims[st->n_claims++] = (struct core_run_claim){ table, slot, release };
	return true;
}

/* ---- Owners of slots in shared tables ------------------------------------------------------ */

/* Owner words: the start time (clock ticks after boot, field 22 of /proc/PID/stat) above the
 * pid's 22 bits (Linux's PID_MAX_LIMIT); a start time of 0 is unknown. */
#define OWNER_PID_BITS 22
#define OWNER_PID_MASK ((1ull << OWNER_PID_BITS) - 1)

static uint64_t process_start_time(pid_t pid)
{
	char path[32], buf[512], *p;
	unsigned long long start = 0;
	size_t len;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	len = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[len] = 0;
	/* The command name may hold spaces and parentheses: fields restart after the last ')'. */
	p = strrchr(buf, ')');
	for (int field = 2; p && field < 22; field++)
		p = strchr(p + 1, ' ');
	if (!p || sscanf(p + 1, "%llu", &start) != 1)
		return 0;
	return start & ((1ull << (64 - OWNER_PID_BITS)) - 1);
}

uint64_t core_process_owner(void)
{
	uint64_t owner = atomic_load_explicit(&process_owner, memory_order_relaxed);
	pid_t pid;

	if (owner)
		return owner;
	pid = getpid();
	owner = process_start_time(pid) << OWNER_PID_BITS | ((uint64_t)pid & OWNER_PID_MASK);
	atomic_store_explicit(&process_owner, owner, memory_order_relaxed);
	return owner;
}

bool core_process_owner_dead(uint64_t owner)
{
	pid_t pid = (pid_t)(owner & OWNER_PID_MASK);
	uint64_t start = owner >> OWNER_PID_BITS, now;

	if (pid <= 0)
		return false; /* not an owner word: leave it alone */
	if (kill(pid, 0) && errno == ESRCH)
		return true;
	/* Alive, or another user's (EPERM): the same process only if it started at that time. An
	 * unreadable start time (hidepid) proves nothing: the owner is taken for alive. */
	now = start ? process_start_time(pid) : 0;
	return now && now != start;
}

void core_run_slot_fork_child(void)
{
	uint32_t n = atomic_load_explicit(&n_slots, memory_order_relaxed);
	struct core_run_slot_state *st = &core_run_slot_state;

	/* The parent's claims in shared tables stay the parent's; the child is another owner. */
	st->n_claims = 0;
	atomic_store_explicit(&process_owner, 0, memory_order_relaxed);

	for (uint32_t i = 0; i < n; i++) {
		if (!st->claimed || i != st->slot)
			atomic_store_explicit(&slots[i].held, 0, memory_order_relaxed);
	}
}
