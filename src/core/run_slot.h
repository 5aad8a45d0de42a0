/* SPDX-License-Identifier: MIT */
/*
 * Per-CPU slots held for the length of a run (src/core/run_slot.c).
 *
 * Linux runs a program with migration disabled: a CPU's slot of a per-CPU map has one writer at
 * a time, so a program's `*count += 1` (a load, then a store) never loses an update. A thread in
 * user space can be preempted or migrate between the two, and another thread can then use the
 * same CPU, so the CPU number does not make a slot private here. Instead a thread in a run
 * claims one of the slots for itself the first time the run asks for its CPU (a per-CPU map,
 * bpf_get_smp_processor_id) and gives it back when the run ends. A run that never asks costs
 * no claim: most programs touch no per-CPU state, and an exchange per invocation would cost
 * them more than the run. Runs nest (a batch, a hook firing several links, a program run from
 * a helper): the slot is held until the outermost ends.
 */
#ifndef EXTBPF_CORE_RUN_SLOT_H
#define EXTBPF_CORE_RUN_SLOT_H

#include <stdbool.h>
#include <stdint.h>

#define CORE_RUN_NO_SLOT UINT32_MAX

/*
 * A slot the run holds in a table other processes share (a shared per-CPU map's file,
 * src/maps/shm_slot.c): the process's own slots say nothing about another process's, so such
 * a map's slot is claimed in its file, and given back by `release` when the run ends.
 */
#define CORE_RUN_CLAIMS_MAX 16

struct core_run_claim {
	void *table;
	uint32_t slot;
	void (*release)(void *table, uint32_t slot);
};

struct core_run_slot_state {
	uint32_t depth; /* runs entered and not left on this thread */
	uint32_t slot;	/* the slot held, when claimed */
	bool claimed;	/* a slot is held: claimed in this run, released when depth drops to 0 */
	uint32_t hint;	/* 1 + the slot held last, tried first (its line is likely ours); 0: none */
	uint32_t n_claims; /* slots held in shared tables (only while `claimed`) */
	struct core_run_claim claims[CORE_RUN_CLAIMS_MAX];
};

extern _Thread_local struct core_run_slot_state core_run_slot_state;

/* Out of line: claiming waits when every slot is held (more threads in runs than slots). */
void core_run_slot_claim(void);
void core_run_slot_release(void);

static inline void core_run_slot_enter(void)
{
	core_run_slot_state.depth++;
}

static inline void core_run_slot_exit(void)
{
	if (--core_run_slot_state.depth == 0 && core_run_slot_state.claimed)
		core_run_slot_release();
}

/* The slot the calling thread holds in its run (claimed now if not yet), or CORE_RUN_NO_SLOT
 * outside a run. */
static inline uint32_t core_run_slot_current(void)
{
	if (!core_run_slot_state.depth)
		return CORE_RUN_NO_SLOT;
	if (!core_run_slot_state.claimed)
		core_run_slot_claim();
	return core_run_slot_state.slot;
}

/* The slot this run holds in table, or CORE_RUN_NO_SLOT. */
static inline uint32_t core_run_claim_find(const void *table)
{
	const struct core_run_slot_state *st = &core_run_slot_state;

	for (uint32_t i = 0; i < st->n_claims; i++) {
		if (st->claims[i].table == table)
			return st->claims[i].slot;
	}
	return CORE_RUN_NO_SLOT;
}

/*
 * Records a slot claimed in a shared table for the rest of the run; the caller holds the run's
 * own slot (core_run_slot_current first), so release happens when the run ends. False when the
 * run holds CORE_RUN_CLAIMS_MAX already: the caller gives the slot back.
 */
bool core_run_claim_add(void *table, uint32_t slot, void (*release)(void *table, uint32_t slot));

static inline uint32_t core_run_claim_count(void)
{
	return core_run_slot_state.n_claims;
}

/*
 * This process as the owner of a slot in a shared table: its pid and its start time (so that a
 * pid reused by a later process does not pass for the owner), never 0.
 */
uint64_t core_process_owner(void);
/* The owner's process is gone (or its pid now names a later process). */
bool core_process_owner_dead(uint64_t owner);

/* After fork, in the child: only the forking thread is left; the slots others held are free. */
void core_run_slot_fork_child(void);

#endif /* EXTBPF_CORE_RUN_SLOT_H */
