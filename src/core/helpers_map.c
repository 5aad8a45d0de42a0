/* SPDX-License-Identifier: MIT */
/*
 * Map, queue/stack and ring buffer helpers: thin conversions from registers to the maps
 * module's program view (maps/maps.h), which implements Linux's semantics and error codes.
 * The verifier has proven the arguments (map pointer, key and value sizes, reserved memory),
 * so nothing is checked again here; the caller holds the RCU read lock.
 */
#include <string.h>

#include "core/helpers.h"
#include "exec/exec.h"
#include "maps/maps.h"

#include <extbpf/extbpf.h>

static struct ebpf_map *reg_map(uint64_t reg)
{
	return (struct ebpf_map *)(uintptr_t)reg;
}

static void *reg_ptr(uint64_t reg)
{
	return (void *)(uintptr_t)reg;
}

/* A negative errno as r0 sees it. */
static uint64_t reg_err(int err)
{
	return (uint64_t)(int64_t)err;
}

uint64_t core_helper_map_lookup_elem(uint64_t map, uint64_t key, uint64_t r3, uint64_t r4,
				     uint64_t r5)
{
	return (uint64_t)(uintptr_t)map_lookup_prog(reg_map(map), reg_ptr(key));
}

uint64_t core_helper_map_lookup_percpu_elem(uint64_t map, uint64_t key, uint64_t cpu, uint64_t r4,
					    uint64_t r5)
{
	if (cpu > UINT32_MAX)
		return 0;
	return (uint64_t)(uintptr_t)map_lookup_cpu_prog(reg_map(map), reg_ptr(key), (uint32_t)cpu);
}

uint64_t core_helper_map_update_elem(uint64_t map, uint64_t key, uint64_t value, uint64_t flags,
				     uint64_t r5)
{
	return reg_err(map_update_prog(reg_map(map), reg_ptr(key), reg_ptr(value), flags));
}

uint64_t core_helper_map_delete_elem(uint64_t map, uint64_t key, uint64_t r3, uint64_t r4,
				     uint64_t r5)
{
	return reg_err(map_delete_prog(reg_map(map), reg_ptr(key)));
}

uint64_t core_helper_map_push_elem(uint64_t map, uint64_t value, uint64_t flags, uint64_t r4,
				   uint64_t r5)
{
	return reg_err(map_push_prog(reg_map(map), reg_ptr(value), flags));
}

/*
 * The verifier counts an output argument written once the call returns, so a failed call must
 * still fill it: with zeros, as Linux's helpers do (an empty queue would otherwise leave the
 * stack's stale bytes readable).
 */
static uint64_t value_out(struct ebpf_map *map, void *value, int err)
{
	if (err)
		memset(value, 0, ebpf_map_value_size(map));
	return reg_err(err);
}

uint64_t core_helper_map_pop_elem(uint64_t map, uint64_t value, uint64_t r3, uint64_t r4,
				  uint64_t r5)
{
	return value_out(reg_map(map), reg_ptr(value), map_pop_prog(reg_map(map), reg_ptr(value)));
}

uint64_t core_helper_map_peek_elem(uint64_t map, uint64_t value, uint64_t r3, uint64_t r4,
				   uint64_t r5)
{
	return value_out(reg_map(map), reg_ptr(value), map_peek_prog(reg_map(map), reg_ptr(value)));
}

/* Linux's bpf_spin_lock and bpf_spin_unlock are void helpers whose r0 is 0. */
uint64_t core_helper_spin_lock(uint64_t lock, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	map_spin_lock(reg_ptr(lock));
	return 0;
}

uint64_t core_helper_spin_unlock(uint64_t lock, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	map_spin_unlock(reg_ptr(lock));
	return 0;
}

uint64_t core_helper_ringbuf_output(uint64_t map, uint64_t data, uint64_t size, uint64_t flags,
				    uint64_t r5)
{
	return reg_err(map_ringbuf_output(reg_map(map), reg_ptr(data), size, flags));
}

uint64_t core_helper_ringbuf_reserve(uint64_t map, uint64_t size, uint64_t flags, uint64_t r4,
				     uint64_t r5)
{
	return (uint64_t)(uintptr_t)map_ringbuf_reserve(reg_map(map), size, flags);
}

/* Linux's submit and discard are void helpers whose r0 is 0. */
uint64_t core_helper_ringbuf_submit(uint64_t data, uint64_t flags, uint64_t r3, uint64_t r4,
				    uint64_t r5)
{
	map_ringbuf_submit(reg_ptr(data), flags);
	return 0;
}

uint64_t core_helper_ringbuf_discard(uint64_t data, uint64_t flags, uint64_t r3, uint64_t r4,
				     uint64_t r5)
{
	map_ringbuf_discard(reg_ptr(data), flags);
	return 0;
}

uint64_t core_helper_ringbuf_query(uint64_t map, uint64_t flags, uint64_t r3, uint64_t r4,
				   uint64_t r5)
{
	return map_ringbuf_query(reg_map(map), flags);
}

/* Where the walk stands: the next key is known, or the walk is over. */
enum { WALK_START, WALK_NEXT, WALK_DONE };

void *core_map_walk_next(struct exec_map_walk *walk)
{
	struct ebpf_map *map = walk->map;
	const uint32_t key_size = map->attr.key_size;
	void *value;

	if (!map->ops->get_next_key || key_size > sizeof(walk->key))
		return NULL;
	while (walk->state != WALK_DONE && walk->steps < map->attr.max_entries) {
		if (walk->state == WALK_START && map->ops->get_next_key(map, NULL, walk->next))
			break;
		walk->steps++;
		memcpy(walk->key, walk->next, key_size);
		walk->state =
		    map->ops->get_next_key(map, walk->key, walk->next) ? WALK_DONE : WALK_NEXT;
		/* Gone since it was found (deleted concurrently): on with its successor. */
		value = map_lookup_prog(map, walk->key);
		if (value) {
			walk->visited++;
			return value;
		}
	}
	walk->state = WALK_DONE;
	return NULL;
}
