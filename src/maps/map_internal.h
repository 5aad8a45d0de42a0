/* SPDX-License-Identifier: MIT */
/*
 * What the map types share inside src/maps: Linux's map flag values and size limits, the
 * registry, per-CPU slot arithmetic and deferred reclamation.
 */
#ifndef EXTBPF_MAP_INTERNAL_H
#define EXTBPF_MAP_INTERNAL_H

#include <errno.h>
#include <string.h>

#include <urcu/compiler.h> /* caa_container_of */

#include "core/rcu.h"
#include "maps/maps.h"

/* map_flags, with Linux's values (EBPF_F_NO_PREALLOC and EBPF_F_*ONLY_PROG are public). */
#define MAP_F_NO_PREALLOC   EBPF_F_NO_PREALLOC
#define MAP_F_NO_COMMON_LRU (1u << 1)
#define MAP_F_NUMA_NODE	    (1u << 2)
#define MAP_F_RDONLY	    (1u << 3)
#define MAP_F_WRONLY	    (1u << 4)
#define MAP_F_ZERO_SEED	    (1u << 6)
#define MAP_F_RDONLY_PROG   EBPF_F_RDONLY_PROG
#define MAP_F_WRONLY_PROG   EBPF_F_WRONLY_PROG
#define MAP_F_MMAPABLE	    (1u << 10)
#define MAP_F_INNER_MAP	    (1u << 12)
_Static_assert(MAP_F_ACCESS_MASK ==
		   (MAP_F_RDONLY | MAP_F_WRONLY | MAP_F_RDONLY_PROG | MAP_F_WRONLY_PROG),
	       "access flags");

/* Linux's PCPU_MIN_UNIT_SIZE (the key and value limits are in maps.h). */
#define MAP_PERCPU_VALUE_MAX (32u * 1024)

#define MAP_BPF_F_LOCK EBPF_F_LOCK /* update/lookup under the value's spin lock */

static inline uint64_t map_round_up(uint64_t n, uint64_t align)
{
	return (n + align - 1) / align * align;
}

static inline uint32_t map_percpu_slot_size(uint32_t value_size)
{
	return (uint32_t)map_round_up(value_size, 8);
}

/* A spinning waiter's pause: lets the sibling hyper-thread run and saves power. */
static inline void map_cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield");
#endif
}

/*
 * The hash of a key, for the private and the shared hash maps alike (a shared map's processes
 * hash with the seed its file records). Inline: a lookup's cost is mostly this and the walk.
 */
static inline uint64_t map_hash_mix(uint64_t k)
{
	k *= 0x87c37b91114253d5ull;
	k = (k << 31) | (k >> 33);
	return k * 0x4cf5ad432745937full;
}

/*
 * The last len (< 8) bytes of a key as one word, built in a register: copying them to a stack
 * word and reading that back stalls store forwarding, which once cost half a lookup.
 */
static inline uint64_t map_hash_load_tail(const uint8_t *p, uint32_t len)
{
	uint32_t w;
	uint16_t h;
	uint64_t k = 0;

	if (len == 4) {
		memcpy(&w, p, 4);
		return w;
	}
	if (len == 2) { /* a port */
		memcpy(&h, p, 2);
		return h;
	}
	for (uint32_t i = 0; i < len; i++)
		k |= (uint64_t)p[i] << (8 * i);
	return k;
}

static inline uint32_t map_hash_key(uint32_t seed, const void *key, uint32_t len)
{
	const uint8_t *p = key;
	uint64_t acc = seed ^ (len * 0x9e3779b97f4a7c15ull);
	uint64_t k;

	for (; len >= 8; len -= 8, p += 8) {
		memcpy(&k, p, 8);
		acc = (acc ^ map_hash_mix(k)) * 0xff51afd7ed558ccdull;
	}
	acc ^= map_hash_mix(map_hash_load_tail(p, len));
	acc ^= acc >> 33;
	acc *= 0xc4ceb9fe1a85ec53ull;
	acc ^= acc >> 33;
	return (uint32_t)(acc ^ (acc >> 32));
}

/* A value of one of the common sizes copied as words: a memcpy of a run-time size is a library
 * call costing several times the copy itself. */
static inline void map_copy_value(void *dst, const void *src, uint32_t size)
{
	switch (size) {
	case 4:
		memcpy(dst, src, 4);
		return;
	case 8:
		memcpy(dst, src, 8);
		return;
	case 16:
		memcpy(dst, src, 16);
		return;
	default:
		memcpy(dst, src, size);
	}
}

/* Keys of the common sizes compared as words: a memcmp of a run-time size is a library call. */
static inline bool map_keys_equal(const void *a, const void *b, uint32_t size)
{
	uint16_t a2, b2;
	uint32_t a4, b4;
	uint64_t a8, b8;

	switch (size) {
	case 2:
		memcpy(&a2, a, 2);
		memcpy(&b2, b, 2);
		return a2 == b2;
	case 4:
		memcpy(&a4, a, 4);
		memcpy(&b4, b, 4);
		return a4 == b4;
	case 8:
		memcpy(&a8, a, 8);
		memcpy(&b8, b, 8);
		return a8 == b8;
	default:
		return !memcmp(a, b, size);
	}
}

/* The common part of update flags: BPF_ANY, BPF_NOEXIST or BPF_EXIST, nothing else. */
static inline bool map_update_flags_valid(uint64_t flags)
{
	return flags <= EBPF_EXIST;
}

/*
 * Values with a spin lock (attr.has_spin_lock): copies skip the lock word, as Linux's
 * copy_map_value, so an update never releases or takes a lock a program holds.
 * map_value_copy_in writes dst except its lock word; map_value_init_copy fills a fresh value
 * (lock free); map_value_copy_out reads src with the lock word as zero (what the host sees).
 */
void map_value_copy_in(const struct ebpf_map *map, void *dst, const void *src);
void map_value_init_copy(const struct ebpf_map *map, void *dst, const void *src);
void map_value_copy_out(const struct ebpf_map *map, void *dst, const void *src);
/* The spin lock attributes: hash and array values only, 4-aligned, inside the value. */
int map_check_spin_lock(const struct map_attr *attr, const char **why);
/* BPF_F_LOCK (spin_lock.c): -EINVAL when the values hold no lock. `update` inserts a missing
 * element (the type's update for programs, its update_copy for the host). */
int map_update_locked(struct ebpf_map *map, const void *key, const void *value, uint64_t flags,
		      int (*update)(struct ebpf_map *map, const void *key, const void *value,
				    uint64_t flags));
int map_lookup_locked(struct ebpf_map *map, const void *key, void *value);

/* What map_create does after alloc: the common fields from attr (names copied), refcount 1. */
void map_init(struct ebpf_map *map, const struct map_ops *ops, const struct map_attr *attr,
	      const struct map_object_ops *object_ops);
/* Shared maps' check_attr: the private type's checks, and no spin lock in values. */
int shm_check_attr(const struct map_attr *attr, const char **why);

/* The registry (map_registry.c): the operations of a type, NULL when unsupported. */
const struct map_ops *map_registry_ops(enum ebpf_map_type type);
const char *map_registry_name(enum ebpf_map_type type);

extern const struct map_ops array_map_ops;
extern const struct map_ops percpu_array_map_ops;
extern const struct map_ops htab_map_ops;
extern const struct map_ops percpu_htab_map_ops;
extern const struct map_ops lru_htab_map_ops;
extern const struct map_ops lru_percpu_htab_map_ops;
extern const struct map_ops htab_of_maps_map_ops;
extern const struct map_ops prog_array_map_ops;
extern const struct map_ops array_of_maps_map_ops;
extern const struct map_ops lpm_trie_map_ops;
extern const struct map_ops queue_map_ops;
extern const struct map_ops stack_map_ops;
extern const struct map_ops ringbuf_map_ops;

/* A ring buffer record's header, as Linux's: length with MAP_RB_BUSY/DISCARD_BIT, page offset. */
struct map_rb_hdr {
	_Atomic uint32_t len;
	uint32_t pg_off;
};

/* What the consumer's walk (ringbuf.c) needs of a ring, private or shared. */
struct map_rb_view {
	uint8_t *data; /* mapped twice in a row */
	uint64_t mask;
	_Atomic uint64_t *consumer_pos;
	_Atomic uint64_t *producer_pos;
	/* At a busy record at pos: true when it was made passable (its writer died); may be NULL.
	 */
	bool (*unblock)(void *ctx, uint64_t pos);
	void *ctx;
};
/* Calls fn for each committed record in order; returns how many, or fn's negative return. */
int map_rb_consume(const struct map_rb_view *v, ebpf_ringbuf_sample_fn fn, void *arg);
extern const struct map_ops perf_event_array_map_ops;
extern const struct map_ops sk_storage_map_ops;
extern const struct map_ops inode_storage_map_ops;
extern const struct map_ops task_storage_map_ops;
extern const struct map_ops cgrp_storage_map_ops;
extern const struct map_ops cgroup_storage_map_ops;
extern const struct map_ops percpu_cgroup_storage_map_ops;
extern const struct map_ops stack_trace_map_ops;

/* The number of per-CPU slots (possible CPUs, as /sys/devices/system/cpu/possible says). */
uint32_t map_possible_cpus(void);
/* The calling thread's slot in a map made with ncpus slots. */
static inline uint32_t map_cpu_slot(uint32_t ncpus)
{
	uint32_t cpu = map_current_cpu();

	return cpu < ncpus ? cpu : cpu % ncpus;
}

/* Queues and stacks, private or shared: the key-based operations Linux refuses. */
void *map_qs_lookup(struct ebpf_map *map, const void *key);
int map_qs_update(struct ebpf_map *map, const void *key, const void *value, uint64_t flags);
int map_qs_delete(struct ebpf_map *map, const void *key);
int map_qs_get_next_key(struct ebpf_map *map, const void *key, void *next_key);

/* Array iteration (u32 keys 0..max_entries-1; a missing or out-of-range key gives 0). */
int map_array_get_next_key(struct ebpf_map *map, const void *key, void *next_key);

/* Inner maps: does `map` match the template an outer map copied at creation? */
bool map_matches_template(const struct ebpf_map *map, const struct map_attr *tmpl);
/* Copies the template attributes of attr->inner_map; -EINVAL with *why when unusable. */
int map_copy_template(const struct map_attr *attr, struct map_attr *tmpl, const char **why);

/*
 * Consumers' sleeps (map_wait.c): producers bump seq when they publish and wake the consumers
 * that announced a wait in `waiters`.
 */
struct map_waitq {
	_Atomic uint32_t seq; /* the futex word */
	atomic_uint waiters;
	uint32_t shared; /* in a file other processes map: futex calls across processes */
};
void map_waitq_init(struct map_waitq *wq);
void map_waitq_init_shared(struct map_waitq *wq);
void map_waitq_wake(struct map_waitq *wq);
/* Returns consume(arg) once non-zero, waiting up to timeout_ms (-1: no limit, 0: no wait) for a
 * wake-up while it is 0. */
int map_waitq_poll(struct map_waitq *wq, int timeout_ms, int (*consume)(void *arg), void *arg);

/*
 * Deferred reclamation: every free of something a reader may still see goes through
 * core_call_rcu (src/core/rcu.c), whose node (struct core_rcu_head) the freed object embeds.
 */
#endif /* EXTBPF_MAP_INTERNAL_H */
