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
};

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
	int (*check_attr)(const struct map_attr *attr, const char **why);
	int (*alloc)(const struct map_attr *attr, struct ebpf_map **map);
	void (*free)(struct ebpf_map *map);

	/* The program's view (RCU read side held by the caller). */
	void *(*lookup)(struct ebpf_map *map, const void *key);
	int (*update)(struct ebpf_map *map, const void *key, const void *value, uint64_t flags);
	int (*delete)(struct ebpf_map *map, const void *key);
	int (*push)(struct ebpf_map *map, const void *value, uint64_t flags);
	int (*pop)(struct ebpf_map *map, void *value);
	int (*peek)(struct ebpf_map *map, void *value);

	/* The host's view: values copied (per-CPU maps: all slots). */
	int (*lookup_copy)(struct ebpf_map *map, const void *key, void *value);
	int (*update_copy)(struct ebpf_map *map, const void *key, const void *value,
			   uint64_t flags);
	int (*get_next_key)(struct ebpf_map *map, const void *key, void *next_key);
};

struct ebpf_map {
	const struct map_ops *ops;
	struct map_attr attr; /* attr.name points at name[] */
	char name[MAP_NAME_MAX];
	const struct map_object_ops *object_ops; /* for maps of objects */
	/* Bookkeeping of the core's object table. */
	atomic_uint refcount;
	uint32_t id;
};

/* Creates a map; on error returns a negative errno and a reason naming the attribute. */
int map_create(const struct map_attr *attr, const struct map_object_ops *object_ops,
	       struct ebpf_map **map, const char **why);
/* Frees the map and every value in it (the last reference is gone). */
void map_destroy(struct ebpf_map *map);

/* The program's view, used by the global helpers. */
void *map_lookup_prog(struct ebpf_map *map, const void *key);
int map_update_prog(struct ebpf_map *map, const void *key, const void *value, uint64_t flags);
int map_delete_prog(struct ebpf_map *map, const void *key);
int map_push_prog(struct ebpf_map *map, const void *value, uint64_t flags);
int map_pop_prog(struct ebpf_map *map, void *value);
int map_peek_prog(struct ebpf_map *map, void *value);

/* The entry of a program array or map of maps, for tail calls and inner lookups. */
void *map_object_at(struct ebpf_map *map, uint32_t index);

/* Ring buffers: the producer side for the global helpers. */
void *map_ringbuf_reserve(struct ebpf_map *map, uint64_t size, uint64_t flags);
void map_ringbuf_submit(void *data, uint64_t flags);
void map_ringbuf_discard(void *data, uint64_t flags);
int map_ringbuf_output(struct ebpf_map *map, const void *data, uint64_t size, uint64_t flags);
uint64_t map_ringbuf_query(struct ebpf_map *map, uint64_t flags);

/* The slot of the calling thread in per-CPU maps (documented in docs/maps.md). */
uint32_t map_current_cpu(void);

#endif /* EXTBPF_MAPS_H */
