// SPDX-License-Identifier: MIT
/*
 * struct bpf_spin_lock in map values (Linux's kernel/bpf/helpers.c and the BPF_F_LOCK paths of
 * arraymap.c and hashtab.c): the lock itself, value copies that leave the lock word alone, and
 * the host's and programs' BPF_F_LOCK updates and lookups, the same for every map type that may
 * hold a lock (they only need the type's lookup and update).
 */
#define _GNU_SOURCE /* sched_yield */
#include <sched.h>
#include <stdatomic.h>
#include <string.h>

#include "maps/map_internal.h"

/* Spins before yielding: long enough for a holder on another CPU to finish a short critical
 * section (a verified one calls nothing), short enough not to waste a preempted holder's CPU. */
#define SPIN_BEFORE_YIELD 256

/* The lock word is a 4-byte, 4-aligned field of the value (checked when the map is created). */
static _Atomic uint32_t *lock_word(void *lock)
{
	return (_Atomic uint32_t *)lock;
}

void map_spin_wait(unsigned int *spins)
{
	if (++*spins < SPIN_BEFORE_YIELD) {
		map_cpu_relax();
		return;
	}
	*spins = 0;
	sched_yield();
}

void map_spin_lock(void *lock)
{
	_Atomic uint32_t *word = lock_word(lock);
	unsigned int spins = 0;

	while (atomic_exchange_explicit(word, 1, memory_order_acquire)) {
		/* Wait reading, not writing: the line stays shared until the holder lets go. */
		while (atomic_load_explicit(word, memory_order_relaxed))
			map_spin_wait(&spins);
	}
}

void map_spin_unlock(void *lock)
{
	atomic_store_explicit(lock_word(lock), 0, memory_order_release);
}

/* ---- Copies that leave the lock word alone ------------------------------------------------ */

/* Copies [from, to) of the value from src to dst. */
static void copy_range(void *dst, const void *src, uint32_t from, uint32_t to)
{
	if (to > from)
		memcpy((uint8_t *)dst + from, (const uint8_t *)src + from, to - from);
}

void map_value_copy_in(const struct ebpf_map *map, void *dst, const void *src)
{
	const struct map_attr *a = &map->attr;

	if (!a->has_spin_lock) {
		memcpy(dst, src, a->value_size);
		return;
	}
	copy_range(dst, src, 0, a->spin_lock_off);
	copy_range(dst, src, a->spin_lock_off + 4, a->value_size);
}

void map_value_init_copy(const struct ebpf_map *map, void *dst, const void *src)
{
	map_value_copy_in(map, dst, src);
	if (map->attr.has_spin_lock)
		memset((uint8_t *)dst + map->attr.spin_lock_off, 0, 4);
}

void map_value_copy_out(const struct ebpf_map *map, void *dst, const void *src)
{
	/* The same bytes as a fresh value: everything but the lock, which reads as free. */
	map_value_init_copy(map, dst, src);
}

/* ---- BPF_F_LOCK --------------------------------------------------------------------------- */

int map_check_spin_lock(const struct map_attr *attr, const char **why)
{
	if (!attr->has_spin_lock)
		return 0;
	/* Per-CPU values never race, so Linux refuses a lock in them. */
	bool allowed =
	    attr->type == EBPF_MAP_TYPE_HASH || attr->type == EBPF_MAP_TYPE_ARRAY ||
	    (map_type_is_storage(attr->type) && attr->type != EBPF_MAP_TYPE_PERCPU_CGROUP_STORAGE);
	if (!allowed) {
		*why = "struct bpf_spin_lock: only hash, array and storage map values may hold one "
		       "(as on Linux)";
		return -EOPNOTSUPP;
	}
	if (attr->spin_lock_off % 4) {
		*why = "struct bpf_spin_lock: its offset in the value is not a multiple of 4";
		return -EINVAL;
	}
	if ((uint64_t)attr->spin_lock_off + 4 > attr->value_size) {
		*why = "struct bpf_spin_lock: it lies beyond the end of the value";
		return -EINVAL;
	}
	return 0;
}

/*
 * An update with BPF_F_LOCK: an existing value is written in place under its lock (Linux's
 * copy_map_value_locked); a missing one is inserted by the type's update, its lock free.
 */
int map_update_locked(struct ebpf_map *map, const void *key, const void *value, uint64_t flags,
		      int (*update)(struct ebpf_map *map, const void *key, const void *value,
				    uint64_t flags))
{
	uint64_t mode = flags & ~(uint64_t)MAP_BPF_F_LOCK;
	void *cur;

	if (!map->attr.has_spin_lock || !map_update_flags_valid(mode) || !map->ops->lookup)
		return -EINVAL;
	map_rcu_read_lock();
	cur = map->ops->lookup(map, key);
	if (cur && mode != EBPF_NOEXIST) {
		void *lock = (uint8_t *)cur + map->attr.spin_lock_off;

		map_spin_lock(lock);
		map_value_copy_in(map, cur, value);
		map_spin_unlock(lock);
	}
	map_rcu_read_unlock();
	if (cur)
		return mode == EBPF_NOEXIST ? -EEXIST : 0;
	if (mode == EBPF_EXIST)
		return -ENOENT;
	return update(map, key, value, mode);
}

/* A host lookup with BPF_F_LOCK: the value copied under its lock, the lock word read as 0. */
int map_lookup_locked(struct ebpf_map *map, const void *key, void *value)
{
	void *cur;

	if (!map->attr.has_spin_lock || !map->ops->lookup)
		return -EINVAL;
	map_rcu_read_lock();
	cur = map->ops->lookup(map, key);
	if (cur) {
		void *lock = (uint8_t *)cur + map->attr.spin_lock_off;

		map_spin_lock(lock);
		map_value_copy_out(map, value, cur);
		map_spin_unlock(lock);
	}
	map_rcu_read_unlock();
	return cur ? 0 : -ENOENT;
}
