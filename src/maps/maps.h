/* SPDX-License-Identifier: MIT */
/*
 * Maps: every map type behind one operations table (as the kernel's bpf_map_ops), one file per
 * type, one row per type in the registry (map_registry.c).
 *
 * Two views of a map:
 * - the program's (map_lookup_prog, map_update_prog, ...): called from helpers inside an
 *   invocation, with the caller inside an RCU read-side critical section (urcu-bp); lookups return
 *   a pointer to the value that stays valid until the critical section ends; nothing blocks.
 * - the host's (the public ebpf_map_* functions, implemented in maps.c): values copied in and out,
 *   per-CPU values as one slot per possible CPU, programs and inner maps by object id.
 *
 * struct ebpf_map (public name, opaque to hosts) is defined here and owned by this module; the
 * core adds its object-table bookkeeping through the embedded `core` fields.
 */
#ifndef EXTBPF_MAPS_H
#define EXTBPF_MAPS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <extbpf/extbpf.h>

#define MAP_NAME_MAX 64

struct map_attr {
	enum ebpf_map_type type;
	uint32_t key_size;
	uint32_t value_size;
	uint32_t max_entries;
	uint32_t map_flags;
	const char *name;
	/* array/hash of maps: the template every inner map must match */
	const struct ebpf_map *inner_map;
	/* The value's struct bpf_spin_lock, when it has one (Linux's btf_record): never copied
	 * over by updates, read as zero by the host, taken by BPF_F_LOCK. */
	bool has_spin_lock;
	uint32_t spin_lock_off;
	/* A type the registry does not have (an extension's, src/core/maptype.c): its table, its
	 * name for messages and what its table needs to create the map. NULL: the registry's. */
	const struct map_ops *ops;
	const char *type_name;
	void *type_data;
	uint32_t prog_flags; /* what programs may do (EBPF_MAP_TYPE_* of extension.h) */
	/* A shared map (shm.h): its storage is a new file at this path, created with pin_mode
	 * (0: 0600) and mapped by every process that opens it. NULL: a private map. */
	const char *pin_path;
	uint32_t pin_mode;
};

/* Local storage maps: one value per kernel object, so max_entries is 0 (Linux's rule). */
static inline bool map_type_is_storage(uint32_t type)
{
	switch (type) {
	case EBPF_MAP_TYPE_CGROUP_STORAGE:
	case EBPF_MAP_TYPE_PERCPU_CGROUP_STORAGE:
	case EBPF_MAP_TYPE_SK_STORAGE:
	case EBPF_MAP_TYPE_INODE_STORAGE:
	case EBPF_MAP_TYPE_TASK_STORAGE:
	case EBPF_MAP_TYPE_CGRP_STORAGE:
		return true;
	default:
		return false;
	}
}

/*
 * Maps whose values are objects (program arrays, maps of maps, device maps hold plain values)
 * store pointers and hold a reference on each, through these callbacks set by the core.
 */
struct map_object_ops {
	void (*acquire)(void *object);
	void (*release)(void *object);
	/* The host names objects by id: find one (with a new reference), or NULL. */
	void *(*from_id)(uint32_t id, enum ebpf_map_type map_type);
	uint32_t (*to_id)(const void *object);
};

struct map_ops {
	/* Refuses bad attributes with -EINVAL or -E2BIG and a static reason naming the attribute.
	 */
	int (*check_attr)(const struct map_attr *attr, const char **why);
	/* Allocates the type's struct (struct ebpf_map first); map_create fills in the rest. A
	 * failure other than running out of memory may say why in *why (a static string). */
	int (*alloc)(const struct map_attr *attr, struct ebpf_map **map, const char **why);
	void (*free)(struct ebpf_map *map);

	/* The program's view (RCU read side held by the caller). */
	void *(*lookup)(struct ebpf_map *map, const void *key);
	int (*update)(struct ebpf_map *map, const void *key, const void *value, uint64_t flags);
	int (*delete)(struct ebpf_map *map, const void *key);
	int (*push)(struct ebpf_map *map, const void *value, uint64_t flags);
	int (*pop)(struct ebpf_map *map, void *value);
	int (*peek)(struct ebpf_map *map, void *value);
	/* Per-CPU maps: the value of one CPU's slot, cpu below the map's slot count (Linux's
	 * bpf_map_lookup_percpu_elem); NULL in the other types. */
	void *(*lookup_cpu)(struct ebpf_map *map, const void *key, uint32_t cpu);

	/* The host's view: values copied (per-CPU maps: all slots; maps of objects: u32 ids).
	 * Without lookup_copy / update_copy the program's lookup / update serve the host. */
	int (*lookup_copy)(struct ebpf_map *map, const void *key, void *value);
	int (*update_copy)(struct ebpf_map *map, const void *key, const void *value,
			   uint64_t flags);
	int (*get_next_key)(struct ebpf_map *map, const void *key, void *next_key);
	/* Optional (hash maps, as Linux 5.14+): copy the value out and delete atomically. */
	int (*lookup_and_delete_copy)(struct ebpf_map *map, const void *key, void *value);
	/* Optional (Linux's map_mem_usage): the bytes the map holds now, elements it keeps for
	 * reuse included. */
	size_t (*mem_usage)(const struct ebpf_map *map);
	/* Types with no user-space meaning (storage of kernel objects, kernel stacks) have only
	 * check_attr: they describe maps for verification, and map_create refuses them with
	 * this reason. */
	const char *verify_only;
	/* Maps of this type cannot be inner maps (their operations are not the registry's). */
	bool no_inner;
};

struct ebpf_map {
	const struct map_ops *ops;
	struct map_attr attr; /* attr.name points at name[], attr.type_name at type_name[] */
	char name[MAP_NAME_MAX];
	char type_name[32];
	const struct map_object_ops *object_ops; /* for maps of objects */
	/* Set by ebpf_map_freeze: the host may no longer write it (programs may, unless
	 * BPF_F_RDONLY_PROG). Global .rodata is frozen once loaded, as libbpf does. */
	atomic_bool frozen;
	/* Bookkeeping of the core's object table (map_create sets refcount 1 and id 0). */
	atomic_uint refcount;
	uint32_t id;
};

/* "hash", "lru_percpu_hash", ... (NULL for a type this module does not implement). */
const char *map_type_name(enum ebpf_map_type type);
/* The name of the map's type: the registry's, or the one its creator gave (attr.type_name). */
const char *map_type_label(const struct ebpf_map *map);
/* Whether this module implements the type itself. */
bool map_type_is_builtin(enum ebpf_map_type type);

/* Checks what every type checks: max_entries, access flags. Returns 0 or -EINVAL with *why. */
int map_check_common(const struct map_attr *attr, uint32_t allowed_flags, const char **why);
/* The access flags (BPF_F_RDONLY, _WRONLY, _RDONLY_PROG, _WRONLY_PROG): every type takes them. */
#define MAP_F_ACCESS_MASK  ((1u << 3) | (1u << 4) | EBPF_F_RDONLY_PROG | EBPF_F_WRONLY_PROG)
/* Linux's limits: MAX_BPF_STACK for keys, KMALLOC_MAX_SIZE for values. */
#define MAP_KEY_SIZE_MAX   512u
#define MAP_VALUE_SIZE_MAX (1u << 22)

/* Creates a map; on error returns a negative errno and a reason naming the attribute. */
int map_create(const struct map_attr *attr, const struct map_object_ops *object_ops,
	       struct ebpf_map **map, const char **why);
/*
 * Shared maps (shm.c): whether a type has a shared implementation, whether a map is shared,
 * opening the pin file another process (or this one) created. map_shm_open checks the file's
 * header and layout first; a foreign or corrupt file is -EINVAL or -EPROTO with *why, a file the
 * caller may not open -EACCES. map_shm_is_pin says whether a file is a shared map's pin.
 */
const struct map_ops *map_shm_ops(enum ebpf_map_type type);
bool map_is_shared(const struct ebpf_map *map);
int map_shm_open(const char *path, struct ebpf_map **map, const char **why);
bool map_shm_is_pin(const char *path);
/* A shared ring buffer's counts: reservations refused because the ring (or its table of
 * in-flight reservations) was full, records of dead producers made DISCARD. */
void map_shm_ringbuf_stats(struct ebpf_map *map, uint64_t *dropped, uint64_t *discarded);

/*
 * A map without storage, for objects opened to verify only: its attributes, checked as
 * map_create checks them (any map type Linux defines is accepted, implemented here or not), and
 * no memory for entries. Every operation on its contents fails with -EOPNOTSUPP.
 */
int map_create_descriptor(const struct map_attr *attr, struct ebpf_map **map, const char **why);
bool map_is_descriptor(const struct ebpf_map *map);

/*
 * Frees the map and every value in it (the last reference is gone and no reader can reach the
 * map any more). Never waits: it may run in a core_call_rcu callback (an inner map released by its
 * outer map). Values removed earlier are reclaimed by their own pending RCU callbacks.
 */
void map_destroy(struct ebpf_map *map);

/*
 * The program's view, used by the global helpers. Lookup returns the value (per-CPU maps: the
 * calling CPU's slot); for maps of maps it returns the inner map itself, as Linux does; NULL when
 * absent. Types without an operation return -EOPNOTSUPP (Linux's -ENOTSUPP).
 */
void *map_lookup_prog(struct ebpf_map *map, const void *key);
/* The value in CPU slot cpu of a per-CPU map; NULL when absent, cpu is not below the map's
 * number of slots (the possible CPUs) or the map is not per-CPU. */
void *map_lookup_cpu_prog(struct ebpf_map *map, const void *key, uint32_t cpu);
int map_update_prog(struct ebpf_map *map, const void *key, const void *value, uint64_t flags);
int map_delete_prog(struct ebpf_map *map, const void *key);
int map_push_prog(struct ebpf_map *map, const void *value, uint64_t flags);
int map_pop_prog(struct ebpf_map *map, void *value);
int map_peek_prog(struct ebpf_map *map, void *value);

/* The bytes a map holds (Linux's map_mem_usage); 0 for types that do not count them. */
size_t map_mem_usage(const struct ebpf_map *map);

/* The entry of a program array or map of maps, for tail calls and inner lookups. */
void *map_object_at(struct ebpf_map *map, uint32_t index);

/* Ring buffers: the producer side for the global helpers (flags and query values as Linux). */
#define MAP_RB_NO_WAKEUP    (1u << 0)
#define MAP_RB_FORCE_WAKEUP (1u << 1)
#define MAP_RB_AVAIL_DATA   0
#define MAP_RB_RING_SIZE    1
#define MAP_RB_CONS_POS	    2
#define MAP_RB_PROD_POS	    3
/* Record header: u32 length with these two bits, u32 page offset back to the ring. */
#define MAP_RB_BUSY_BIT	    (1u << 31)
#define MAP_RB_DISCARD_BIT  (1u << 30)
#define MAP_RB_HDR_SIZE	    8
void *map_ringbuf_reserve(struct ebpf_map *map, uint64_t size, uint64_t flags);
void map_ringbuf_submit(void *data, uint64_t flags);
void map_ringbuf_discard(void *data, uint64_t flags);
int map_ringbuf_output(struct ebpf_map *map, const void *data, uint64_t size, uint64_t flags);
uint64_t map_ringbuf_query(struct ebpf_map *map, uint64_t flags);

/*
 * The consumer side, for one host thread at a time per ring (-EBUSY for a second consumer).
 * struct ebpf_ringbuf_consumer is the public name of the consumer; it keeps the ring's memory
 * alive after the map is destroyed, as an mmap of a Linux ring buffer does.
 */
int map_ringbuf_consumer_create(struct ebpf_map *map, ebpf_ringbuf_sample_fn fn, void *arg,
				struct ebpf_ringbuf_consumer **consumer);
/* Calls fn for each committed record in order; returns how many, or fn's negative return. */
int map_ringbuf_consumer_consume(struct ebpf_ringbuf_consumer *consumer);
/* consume, waiting up to timeout_ms (-1: forever) for a wake-up when nothing is there. */
int map_ringbuf_consumer_poll(struct ebpf_ringbuf_consumer *consumer, int timeout_ms);
void map_ringbuf_consumer_destroy(struct ebpf_ringbuf_consumer *consumer);

/*
 * Perf event arrays: the writers' side (flags: the ring index or EBPF_F_CURRENT_CPU, nothing
 * else; the record is data then tail) and the reader, as the public ebpf_perf_* functions
 * without their messages. The reader owns the rings: without one writers get -ENOENT.
 */
int map_perf_event_output(struct ebpf_map *map, uint64_t flags, const void *data, size_t size,
			  const void *tail, size_t tail_size);
int map_perf_reader_create(struct ebpf_map *map, ebpf_perf_sample_fn sample_fn,
			   ebpf_perf_lost_fn lost_fn, void *arg, uint32_t pages,
			   struct ebpf_perf_reader **reader);
int map_perf_reader_consume(struct ebpf_perf_reader *reader);
int map_perf_reader_poll(struct ebpf_perf_reader *reader, int timeout_ms);
void map_perf_reader_destroy(struct ebpf_perf_reader *reader);

/*
 * bpf_spin_lock: a 4-byte word, 0 free and 1 held, taken with an atomic exchange. A user-space
 * holder can be preempted, so a waiter spins a bounded number of times and then yields the CPU
 * instead of burning its time slice. The verifier proves every lock is released on every path
 * and that nothing but the unlock is called while it is held.
 */
void map_spin_lock(void *lock);
void map_spin_unlock(void *lock);
/* One step of a waiter's loop: a pause instruction, and every 256 calls a yield of the CPU. */
void map_spin_wait(unsigned int *spins);

/* The slot of the calling thread in per-CPU maps: inside a run, the slot the run holds
 * (src/core/run_slot.h); outside, the CPU it runs on (documented in docs/maps.md). */
uint32_t map_current_cpu(void);

/*
 * The read side of RCU (urcu-bp) as the program view expects it. Plain rcu_read_lock/unlock
 * work too; these also tell ThreadSanitizer that what a reader did before unlocking happens
 * before the reclamation of what it may have seen (TSan cannot see liburcu's grace periods).
 */
void map_rcu_read_lock(void);
void map_rcu_read_unlock(void);
/* Whether the calling thread is inside a read-side critical section. */
bool map_rcu_read_ongoing(void);

#endif /* EXTBPF_MAPS_H */
