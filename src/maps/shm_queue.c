// SPDX-License-Identifier: MIT
/*
 * Shared queue (FIFO) and stack (LIFO) maps: the private queue_stack.c's semantics in a pin
 * file, so a producer and consumers in different processes push and pop one sequence (each
 * value popped exactly once, whoever pops it).
 *
 * A ring of max_entries + 1 slots and one 64-bit state word: the oldest value's slot and how
 * many values there are. Every operation (under the file's robust lock, as the private map takes
 * its mutex) writes the slots it needs first and then changes the state with a single store:
 * a push writes the free slot past the newest, a push into a full map with BPF_EXIST writes that
 * spare slot and drops the oldest in the same store, a pop copies its value out before the store
 * that removes it. So a process killed at any instruction has either done its operation or not:
 * nothing needs repairing, and no value is torn, lost or popped twice.
 */
#include <string.h>

#include "maps/shm.h"

/* The state word: the oldest value's slot (low half) and the number of values (high half). */
static _Atomic uint64_t *shm_qs_state(struct shm_map *m)
{
	return (_Atomic uint64_t *)m->data;
}

static uint32_t shm_qs_slots(const struct shm_map *m)
{
	return m->map.attr.max_entries + 1;
}

static uint8_t *shm_qs_slot(struct shm_map *m, uint64_t index)
{
	return m->aux + index % shm_qs_slots(m) * m->elem_size;
}

static uint64_t shm_qs_layout(const struct map_attr *attr, struct shm_map *m)
{
	if (attr->max_entries == UINT32_MAX)
		return 0; /* the ring's spare slot would not fit its u32 index */
	m->ncpus = 1;
	m->elem_size = map_percpu_slot_size(attr->value_size);
	m->data_off = map_round_up(sizeof(struct shm_header), 64);
	m->aux_off = m->data_off + 64;
	m->ring_off = 0;
	m->extra_off = 0;
	return m->aux_off + ((uint64_t)attr->max_entries + 1) * m->elem_size;
}

static void shm_qs_init(struct shm_map *m)
{
	(void)m; /* a new file reads as zeros: empty */
}

static void shm_qs_recover(struct shm_map *m)
{
	(void)m; /* every change is one store of the state word: nothing is ever half done */
}

/* Lock held: the state, or an empty map for a state no writer of this code leaves. */
static void shm_qs_load(struct shm_map *m, uint32_t *head, uint32_t *count)
{
	uint64_t state = atomic_load_explicit(shm_qs_state(m), memory_order_acquire);

	*head = (uint32_t)state;
	*count = (uint32_t)(state >> 32);
	if (*head >= shm_qs_slots(m) || *count > m->map.attr.max_entries)
		*head = *count = 0; /* corrupt: start over rather than index out of the ring */
}

static void shm_qs_store(struct shm_map *m, uint64_t head, uint32_t count)
{
	atomic_store_explicit(shm_qs_state(m), ((uint64_t)count << 32) | (head % shm_qs_slots(m)),
			      memory_order_release);
}

static int shm_qs_push(struct ebpf_map *map, const void *value, uint64_t flags)
{
	struct shm_map *m = to_shm(map);
	uint32_t head, count;
	int err;

	if ((flags & EBPF_NOEXIST) || flags > EBPF_EXIST)
		return -EINVAL;
	err = shm_lock(m);
	if (err)
		return err;
	shm_qs_load(m, &head, &count);
	if (count == map->attr.max_entries && flags != EBPF_EXIST) {
		err = -E2BIG;
		goto out;
	}
	/* The slot past the newest is free even when the map is full (one spare slot). */
	memcpy(shm_qs_slot(m, (uint64_t)head + count), value, map->attr.value_size);
	if (count == map->attr.max_entries)
		shm_qs_store(m, (uint64_t)head + 1, count); /* the oldest dropped, the new one in */
	else
		shm_qs_store(m, head, count + 1);
out:
	shm_unlock(m);
	return err;
}

/* The value pop or peek takes: the oldest for a queue, the newest for a stack. */
static int shm_qs_take(struct ebpf_map *map, void *value, bool remove)
{
	struct shm_map *m = to_shm(map);
	bool stack = map->attr.type == EBPF_MAP_TYPE_STACK;
	uint32_t head, count;
	int err = shm_lock(m);

	if (err)
		return err;
	shm_qs_load(m, &head, &count);
	if (!count) {
		err = -ENOENT;
		goto out;
	}
	memcpy(value, shm_qs_slot(m, stack ? (uint64_t)head + count - 1 : head),
	       map->attr.value_size);
	if (remove)
		shm_qs_store(m, stack ? head : (uint64_t)head + 1, count - 1);
out:
	shm_unlock(m);
	return err;
}

static int shm_qs_pop(struct ebpf_map *map, void *value)
{
	return shm_qs_take(map, value, true);
}

static int shm_qs_peek(struct ebpf_map *map, void *value)
{
	return shm_qs_take(map, value, false);
}

static const struct map_ops shm_qs_map_ops = {
	.check_attr = shm_check_attr,
	.alloc = shm_alloc,
	.free = shm_free,
	.lookup = map_qs_lookup,
	.update = map_qs_update,
	.delete = map_qs_delete,
	.push = shm_qs_push,
	.pop = shm_qs_pop,
	.peek = shm_qs_peek,
	.get_next_key = map_qs_get_next_key,
};

#define SHM_QS_TYPE(t)                                                                             \
	{                                                                                          \
		.type = (t), .ops = &shm_qs_map_ops, .layout = shm_qs_layout, .init = shm_qs_init, \
		.recover = shm_qs_recover                                                          \
	}

const struct shm_type shm_queue_type = SHM_QS_TYPE(EBPF_MAP_TYPE_QUEUE);
const struct shm_type shm_stack_type = SHM_QS_TYPE(EBPF_MAP_TYPE_STACK);
