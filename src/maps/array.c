// SPDX-License-Identifier: MIT
/*
 * Array and per-CPU array maps (Linux's arraymap.c): max_entries values allocated at creation,
 * indexed by a u32 key, zero-initialised, never deleted. Values are updated in place, so a
 * program's pointer from lookup always points at the live value.
 *
 * Per-CPU arrays keep one value per possible CPU, laid out CPU-major so that each CPU's values
 * are contiguous and start on a cache line of their own (two CPUs' counters in one line would
 * make every increment pull the line from the other CPU); the host reads and writes all slots,
 * each rounded up to 8 bytes.
 */
#include <stdlib.h>
#include <string.h>

#include "maps/map_internal.h"

struct array_map {
	struct ebpf_map map;
	uint32_t elem_size; /* value_size rounded up to 8 */
	uint32_t ncpus;	    /* slots per index: 1, or the possible CPUs */
	size_t cpu_stride;  /* bytes from one CPU's values to the next's */
	uint8_t *values;
};

#define ARRAY_CACHELINE 64

#define ARRAY_FLAGS	   (MAP_F_NUMA_NODE | MAP_F_MMAPABLE | MAP_F_ACCESS_MASK | MAP_F_INNER_MAP)
#define PERCPU_ARRAY_FLAGS (MAP_F_NUMA_NODE | MAP_F_ACCESS_MASK | MAP_F_INNER_MAP)

static struct array_map *to_array(struct ebpf_map *map)
{
	return (struct array_map *)map;
}

static uint8_t *array_slot(struct array_map *a, uint32_t cpu, uint32_t index)
{
	return a->values + (size_t)cpu * a->cpu_stride + (size_t)index * a->elem_size;
}

/* The index a key names, or false when it is out of range. */
static bool array_index(struct array_map *a, const void *key, uint32_t *index)
{
	memcpy(index, key, sizeof(*index));
	return *index < a->map.attr.max_entries;
}

static int array_check_attr(const struct map_attr *attr, const char **why)
{
	bool percpu = attr->type == EBPF_MAP_TYPE_PERCPU_ARRAY;
	int err;

	if (attr->key_size != 4) {
		*why = percpu ? "key_size must be 4 for per-CPU array maps"
			      : "key_size must be 4 for array maps";
		return -EINVAL;
	}
	if (attr->value_size == 0) {
		*why = percpu ? "value_size 0 is invalid for per-CPU array maps"
			      : "value_size 0 is invalid for array maps";
		return -EINVAL;
	}
	err = map_check_common(attr, percpu ? PERCPU_ARRAY_FLAGS : ARRAY_FLAGS, why);
	if (err)
		return err;
	if (percpu && attr->value_size > MAP_PERCPU_VALUE_MAX) {
		*why = "value_size is larger than 32768 bytes, the limit of per-CPU values";
		return -E2BIG;
	}
	if (attr->value_size > MAP_VALUE_SIZE_MAX) {
		*why = "value_size is larger than 4 MiB";
		return -E2BIG;
	}
	return 0;
}

static int array_alloc(const struct map_attr *attr, struct ebpf_map **map, const char **why)
{
	bool percpu = attr->type == EBPF_MAP_TYPE_PERCPU_ARRAY;
	struct array_map *a = calloc(1, sizeof(*a));

	if (!a)
		return -ENOMEM;
	a->elem_size = map_percpu_slot_size(attr->value_size);
	a->ncpus = percpu ? map_possible_cpus() : 1;
	a->cpu_stride = (size_t)attr->max_entries * a->elem_size;
	if (percpu) {
		a->cpu_stride = map_round_up(a->cpu_stride, ARRAY_CACHELINE);
		a->values = aligned_alloc(ARRAY_CACHELINE, a->cpu_stride * a->ncpus);
		if (a->values)
			memset(a->values, 0, a->cpu_stride * a->ncpus);
	} else {
		a->values = calloc(attr->max_entries, a->elem_size);
	}
	if (!a->values) {
		free(a);
		return -ENOMEM;
	}
	*map = &a->map;
	return 0;
}

static void array_free(struct ebpf_map *map)
{
	struct array_map *a = to_array(map);

	free(a->values);
	free(a);
}

static void *array_lookup(struct ebpf_map *map, const void *key)
{
	struct array_map *a = to_array(map);
	uint32_t index;

	if (!array_index(a, key, &index))
		return NULL;
	return array_slot(a, a->ncpus > 1 ? map_cpu_slot(a->ncpus) : 0, index);
}

static void *array_lookup_cpu(struct ebpf_map *map, const void *key, uint32_t cpu)
{
	struct array_map *a = to_array(map);
	uint32_t index;

	if (cpu >= a->ncpus || !array_index(a, key, &index))
		return NULL;
	return array_slot(a, cpu, index);
}

/* Linux's order of checks: flags, then the index, then BPF_NOEXIST (every element exists). */
static int array_check_update(struct array_map *a, const void *key, uint64_t flags, uint32_t *index)
{
	if (!map_update_flags_valid(flags))
		return -EINVAL;
	if (!array_index(a, key, index))
		return -E2BIG;
	if (flags == EBPF_NOEXIST)
		return -EEXIST;
	return 0;
}

static int array_update(struct ebpf_map *map, const void *key, const void *value, uint64_t flags)
{
	struct array_map *a = to_array(map);
	uint32_t index;
	int err = array_check_update(a, key, flags, &index);

	if (err)
		return err;
	map_value_copy_in(map, array_slot(a, a->ncpus > 1 ? map_cpu_slot(a->ncpus) : 0, index),
			  value);
	return 0;
}

static int array_delete(struct ebpf_map *map, const void *key)
{
	return -EINVAL;
}

static int array_lookup_copy(struct ebpf_map *map, const void *key, void *value)
{
	struct array_map *a = to_array(map);
	uint32_t index;

	if (!array_index(a, key, &index))
		return -ENOENT;
	if (a->ncpus == 1) {
		map_value_copy_out(map, value, array_slot(a, 0, index));
		return 0;
	}
	for (uint32_t cpu = 0; cpu < a->ncpus; cpu++)
		memcpy((uint8_t *)value + (size_t)cpu * a->elem_size, array_slot(a, cpu, index),
		       a->elem_size);
	return 0;
}

static int array_update_copy(struct ebpf_map *map, const void *key, const void *value,
			     uint64_t flags)
{
	struct array_map *a = to_array(map);
	uint32_t index;
	int err = array_check_update(a, key, flags, &index);

	if (err)
		return err;
	for (uint32_t cpu = 0; cpu < a->ncpus; cpu++)
		map_value_copy_in(map, array_slot(a, cpu, index),
				  (const uint8_t *)value + (size_t)cpu * a->elem_size);
	return 0;
}

int map_array_get_next_key(struct ebpf_map *map, const void *key, void *next_key)
{
	uint32_t index = 0;
	uint32_t next;

	if (key)
		memcpy(&index, key, sizeof(index));
	if (!key || index >= map->attr.max_entries)
		next = 0;
	else if (index == map->attr.max_entries - 1)
		return -ENOENT;
	else
		next = index + 1;
	memcpy(next_key, &next, sizeof(next));
	return 0;
}

const struct map_ops array_map_ops = {
	.check_attr = array_check_attr,
	.alloc = array_alloc,
	.free = array_free,
	.lookup = array_lookup,
	.update = array_update,
	.delete = array_delete,
	.lookup_copy = array_lookup_copy,
	.update_copy = array_update_copy,
	.get_next_key = map_array_get_next_key,
};

const struct map_ops percpu_array_map_ops = {
	.check_attr = array_check_attr,
	.alloc = array_alloc,
	.free = array_free,
	.lookup = array_lookup,
	.lookup_cpu = array_lookup_cpu,
	.update = array_update,
	.delete = array_delete,
	.lookup_copy = array_lookup_copy,
	.update_copy = array_update_copy,
	.get_next_key = map_array_get_next_key,
};
