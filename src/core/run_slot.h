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

struct core_run_slot_state {
	uint32_t depth; /* runs entered and not left on this thread */
	uint32_t slot;	/* the slot held, when claimed */
	bool claimed;	/* a slot is held: claimed in this run, released when depth drops to 0 */
	uint32_t hint;	/* 1 + the slot held last, tried first (its line is likely ours); 0: none */
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

/* After fork, in the child: only the forking thread is left; the slots others held are free. */
void core_run_slot_fork_child(void);

#endif /* EXTBPF_CORE_RUN_SLOT_H */
