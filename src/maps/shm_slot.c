// SPDX-License-Identifier: MIT
/*
 * Per-CPU slots of shared maps, held across processes.
 *
 * A run holds a slot of its process alone (src/core/run_slot.c), so a program's plain
 * `*count += 1` on a private per-CPU map never loses an update. Another process's runs know
 * nothing of those claims, and a shared per-CPU map's slot would have one writer per process.
 * So the file of a shared per-CPU map keeps its own table: one owner word per slot, on a cache
 * line of its own, naming the process holding it (core_process_owner: pid and start time). A
 * run claims a slot there the first time it touches the map (the slot of its process's number
 * first, so that one process's runs do not meet) and gives it back when it ends, as it gives
 * back its process slot.
 *
 * A process killed in a run leaves its claims behind: a run that finds every slot held looks
 * for owners that no longer exist (or whose pid now names a later process) and frees their
 * slots. A run holds its process slot before any file slot and a file slot only until it ends,
 * so waits cannot form a cycle through the process slots; but a run holding slots of several
 * files could wait for another run that waits for it, in the other order. A run that already
 * holds other files' slots therefore waits only for a bounded number of rounds, then does
 * without: the lookup finds nothing, the update is -EBUSY.
 */
#include <stdatomic.h>

#include "maps/shm.h"

#define SHM_SLOT_STRIDE	      64 /* one owner word per cache line */
/* Waiting rounds (map_spin_wait) between two looks for dead owners (each a kill(), and a read
 * of /proc for an owner alive). */
#define SHM_SLOT_SWEEP_ROUNDS 1024
/* Waiting rounds of a run holding other files' slots before it does without (about 4096
 * yields of the CPU: holders are runs, which end). */
#define SHM_SLOT_WAIT_HOLDING (1u << 20)

static _Atomic uint64_t *shm_slot_owner(struct shm_map *m, uint32_t slot)
{
	return (_Atomic uint64_t *)(m->base + m->slots_off + (uint64_t)slot * SHM_SLOT_STRIDE);
}

uint64_t shm_slot_layout(struct shm_map *m, uint64_t end)
{
	m->slots_off = map_round_up(end, SHM_SLOT_STRIDE);
	return m->slots_off + (uint64_t)m->ncpus * SHM_SLOT_STRIDE;
}

static bool shm_slot_try(_Atomic uint64_t *owner, uint64_t self)
{
	uint64_t free_word = 0;

	/* Read first: a held slot's line is not pulled away from its holder by a write. */
	return !atomic_load_explicit(owner, memory_order_relaxed) &&
	       atomic_compare_exchange_strong_explicit(owner, &free_word, self,
						       memory_order_acquire, memory_order_relaxed);
}

/* The run ends: what it wrote in the slot happens before what the next holder reads. */
static void shm_slot_release(void *table, uint32_t slot)
{
	struct shm_map *m = table;

	atomic_store_explicit(shm_slot_owner(m, slot), 0, memory_order_release);
	shm_put(m);
}

/* Frees the slots whose owners died holding them; returns how many. */
static uint32_t shm_slot_sweep(struct shm_map *m, uint64_t self)
{
	uint32_t freed = 0;

	for (uint32_t slot = 0; slot < m->ncpus; slot++) {
		_Atomic uint64_t *w = shm_slot_owner(m, slot);
		uint64_t owner = atomic_load_explicit(w, memory_order_relaxed);

		/* Only the owner seen dead is replaced: a slot claimed again meanwhile stays. */
		if (owner && owner != self && core_process_owner_dead(owner) &&
		    atomic_compare_exchange_strong_explicit(w, &owner, 0, memory_order_acq_rel,
							    memory_order_relaxed))
			freed++;
	}
	return freed;
}

/* Holds `slot` for the rest of the run (and a reference on m, for the release). */
static uint32_t shm_slot_keep(struct shm_map *m, uint32_t slot)
{
	shm_get(m);
	if (core_run_claim_add(m, slot, shm_slot_release))
		return slot;
	shm_slot_release(m, slot); /* the run holds as many files' slots as it can */
	return CORE_RUN_NO_SLOT;
}

static uint32_t shm_slot_claim(struct shm_map *m, uint32_t own)
{
	uint64_t self = core_process_owner();
	uint32_t n = m->ncpus, first = own % n;
	unsigned int spins = 0;

	for (uint32_t round = 0;; round++) {
		for (uint32_t i = 0; i < n; i++) {
			uint32_t slot = first + i < n ? first + i : first + i - n;

			if (shm_slot_try(shm_slot_owner(m, slot), self))
				return shm_slot_keep(m, slot);
		}
		if (round % SHM_SLOT_SWEEP_ROUNDS == 0 && shm_slot_sweep(m, self))
			continue;
		if (core_run_claim_count() && round >= SHM_SLOT_WAIT_HOLDING)
			return CORE_RUN_NO_SLOT;
		map_spin_wait(&spins);
	}
}

uint32_t shm_cpu_slot(struct shm_map *m)
{
	uint32_t own = core_run_slot_current();
	uint32_t slot;

	if (own == CORE_RUN_NO_SLOT)
		return map_cpu_slot(m->ncpus); /* outside a run: nothing to hold */
	slot = core_run_claim_find(m);
	return slot != CORE_RUN_NO_SLOT ? slot : shm_slot_claim(m, own);
}
