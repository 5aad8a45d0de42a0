// SPDX-License-Identifier: MIT
/*
 * Queue (FIFO) and stack (LIFO) maps (Linux's queue_stack_maps.c): no keys, values pushed,
 * popped and peeked under the map's lock. A ring of max_entries + 1 slots: head is where the
 * next push goes, tail the oldest value; empty when they meet. Pushing to a full map fails with
 * -E2BIG unless BPF_EXIST asks to drop the oldest value to make room.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "maps/map_internal.h"

struct qs_map {
	struct ebpf_map map;
	pthread_mutex_t lock;
	uint32_t head, tail; /* under lock */
	uint32_t size;	     /* max_entries + 1 */
	bool stack;
	uint8_t elements[];
};

#define QS_FLAGS (MAP_F_NUMA_NODE | MAP_F_ACCESS_MASK)

static struct qs_map *to_qs(struct ebpf_map *map)
{
	return (struct qs_map *)map;
}

static int qs_check_attr(const struct map_attr *attr, const char **why)
{
	int err = map_check_common(attr, QS_FLAGS, why);

	if (err)
		return err;
	if (attr->key_size != 0) {
		*why = "key_size must be 0 for queue and stack maps";
		return -EINVAL;
	}
	if (attr->value_size == 0) {
		*why = "value_size 0 is invalid for queue and stack maps";
		return -EINVAL;
	}
	if (attr->value_size > MAP_VALUE_SIZE_MAX) {
		*why = "value_size is larger than 4 MiB";
		return -E2BIG;
	}
	return 0;
}

static int qs_alloc(const struct map_attr *attr, struct ebpf_map **map, const char **why)
{
	uint64_t size = (uint64_t)attr->max_entries + 1;
	struct qs_map *q = calloc(1, sizeof(*q) + size * attr->value_size);

	if (!q)
		return -ENOMEM;
	pthread_mutex_init(&q->lock, NULL);
	q->size = (uint32_t)size;
	q->stack = attr->type == EBPF_MAP_TYPE_STACK;
	*map = &q->map;
	return 0;
}

static void qs_free(struct ebpf_map *map)
{
	struct qs_map *q = to_qs(map);

	pthread_mutex_destroy(&q->lock);
	free(q);
}

static uint8_t *qs_slot(struct qs_map *q, uint32_t index)
{
	return q->elements + (size_t)index * q->map.attr.value_size;
}

static uint32_t qs_next(const struct qs_map *q, uint32_t index)
{
	return index + 1 == q->size ? 0 : index + 1;
}

static int qs_push(struct ebpf_map *map, const void *value, uint64_t flags)
{
	struct qs_map *q = to_qs(map);
	int err = 0;

	if ((flags & EBPF_NOEXIST) || flags > EBPF_EXIST)
		return -EINVAL;
	pthread_mutex_lock(&q->lock);
	if (qs_next(q, q->head) == q->tail) {
		if (flags != EBPF_EXIST) {
			err = -E2BIG;
			goto out;
		}
		q->tail = qs_next(q, q->tail); /* drop the oldest */
	}
	memcpy(qs_slot(q, q->head), value, map->attr.value_size);
	q->head = qs_next(q, q->head);
out:
	pthread_mutex_unlock(&q->lock);
	return err;
}

/* The value pop or peek takes: the oldest for a queue, the newest for a stack. */
static int qs_take(struct ebpf_map *map, void *value, bool remove)
{
	struct qs_map *q = to_qs(map);
	uint32_t index;
	int err = 0;

	pthread_mutex_lock(&q->lock);
	if (q->head == q->tail) {
		err = -ENOENT;
		goto out;
	}
	index = q->stack ? (q->head == 0 ? q->size - 1 : q->head - 1) : q->tail;
	memcpy(value, qs_slot(q, index), map->attr.value_size);
	if (remove && q->stack)
		q->head = index;
	else if (remove)
		q->tail = qs_next(q, q->tail);
out:
	pthread_mutex_unlock(&q->lock);
	return err;
}

static int qs_pop(struct ebpf_map *map, void *value)
{
	return qs_take(map, value, true);
}

static int qs_peek(struct ebpf_map *map, void *value)
{
	return qs_take(map, value, false);
}

/* Linux answers the key-based operations of these maps with NULL or -EINVAL (the shared queue
 * and stack, shm_queue.c, answer alike). */
void *map_qs_lookup(struct ebpf_map *map, const void *key)
{
	return NULL;
}

int map_qs_update(struct ebpf_map *map, const void *key, const void *value, uint64_t flags)
{
	return -EINVAL;
}

int map_qs_delete(struct ebpf_map *map, const void *key)
{
	return -EINVAL;
}

int map_qs_get_next_key(struct ebpf_map *map, const void *key, void *next_key)
{
	return -EINVAL;
}

#define QS_OPS                                                                                     \
	.check_attr = qs_check_attr, .alloc = qs_alloc, .free = qs_free, .lookup = map_qs_lookup,  \
	.update = map_qs_update, .delete = map_qs_delete, .push = qs_push, .pop = qs_pop,          \
	.peek = qs_peek, .get_next_key = map_qs_get_next_key

const struct map_ops queue_map_ops = { QS_OPS };
const struct map_ops stack_map_ops = { QS_OPS };
