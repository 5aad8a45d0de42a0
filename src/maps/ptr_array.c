// SPDX-License-Identifier: MIT
/*
 * Arrays of pointers: program arrays and arrays of maps (Linux's "fd arrays").
 * Each slot points at an entry allocated by the update that filled it; an update swaps the slot
 * atomically and the entry it replaced is reclaimed after a grace period, so tail calls and
 * inner-map lookups never see a half-made entry nor a freed one. Entries hold a reference on their
 * object (map_object_ops), given back on reclamation. (Device maps are the packet extension's.)
 */
#include <stdlib.h>
#include <string.h>

#include "maps/map_internal.h"

struct ptr_entry {
	struct core_rcu_head rcu;
	const struct map_object_ops *object_ops;
	void *object;
};

struct ptr_array {
	struct ebpf_map map;
	struct map_attr inner_tmpl; /* arrays of maps */
	_Atomic(struct ptr_entry *) slots[];
};

#define FD_ARRAY_FLAGS (MAP_F_NUMA_NODE | MAP_F_RDONLY | MAP_F_WRONLY)

static struct ptr_array *to_ptr_array(struct ebpf_map *map)
{
	return (struct ptr_array *)map;
}

static void entry_release(struct ptr_entry *entry)
{
	if (entry->object)
		entry->object_ops->release(entry->object);
	free(entry);
}

static void entry_free_rcu(struct core_rcu_head *head)
{
	entry_release(caa_container_of(head, struct ptr_entry, rcu));
}

static void entry_free_deferred(struct ptr_entry *entry)
{
	if (entry)
		core_call_rcu(&entry->rcu, entry_free_rcu);
}

static bool ptr_index(const struct ebpf_map *map, const void *key, uint32_t *index)
{
	memcpy(index, key, sizeof(*index));
	return *index < map->attr.max_entries;
}

/* ---- Creation ---------------------------------------------------------------------------- */

static int ptr_array_check_attr(const struct map_attr *attr, const char **why)
{
	struct map_attr tmpl;
	int err;

	err = map_check_common(attr, FD_ARRAY_FLAGS, why);
	if (err)
		return err;
	if (attr->key_size != 4) {
		*why = "key_size must be 4 for program arrays and arrays of maps";
		return -EINVAL;
	}
	if (attr->value_size != 4) {
		*why = "value_size must be 4 (an object id) for program arrays and arrays of maps";
		return -EINVAL;
	}
	if (attr->type == EBPF_MAP_TYPE_ARRAY_OF_MAPS)
		return map_copy_template(attr, &tmpl, why);
	return 0;
}

static int ptr_array_alloc(const struct map_attr *attr, struct ebpf_map **map, const char **why)
{
	struct ptr_array *a;
	int err;

	a = calloc(1, sizeof(*a) + (size_t)attr->max_entries * sizeof(a->slots[0]));
	if (!a)
		return -ENOMEM;
	if (attr->type == EBPF_MAP_TYPE_ARRAY_OF_MAPS) {
		err = map_copy_template(attr, &a->inner_tmpl, why);
		if (err) {
			free(a);
			return err;
		}
	}
	*map = &a->map;
	return 0;
}

static void ptr_array_free(struct ebpf_map *map)
{
	struct ptr_array *a = to_ptr_array(map);

	for (uint32_t i = 0; i < map->attr.max_entries; i++) {
		struct ptr_entry *entry = atomic_load_explicit(&a->slots[i], memory_order_relaxed);

		if (entry)
			entry_release(entry);
	}
	free(a);
}

/* ---- The program's view ------------------------------------------------------------------ */

static struct ptr_entry *ptr_entry_at(struct ptr_array *a, uint32_t index)
{
	if (index >= a->map.attr.max_entries)
		return NULL;
	return atomic_load_explicit(&a->slots[index], memory_order_acquire);
}

static void *ptr_array_lookup(struct ebpf_map *map, const void *key)
{
	struct ptr_entry *entry;
	uint32_t index;

	if (map->attr.type == EBPF_MAP_TYPE_PROG_ARRAY)
		return NULL; /* programs reach program arrays only through tail calls */
	memcpy(&index, key, sizeof(index));
	entry = ptr_entry_at(to_ptr_array(map), index);
	return entry ? entry->object : NULL;
}

void *map_object_at(struct ebpf_map *map, uint32_t index)
{
	struct ptr_entry *entry;

	if (map->attr.type != EBPF_MAP_TYPE_PROG_ARRAY &&
	    map->attr.type != EBPF_MAP_TYPE_ARRAY_OF_MAPS)
		return NULL;
	entry = ptr_entry_at(to_ptr_array(map), index);
	return entry ? entry->object : NULL;
}

/* ---- The host's view --------------------------------------------------------------------- */

/* The entry for an object id: a new reference, checked against the inner map template. */
static int entry_for_object(struct ptr_array *a, uint32_t id, struct ptr_entry **entryp)
{
	const struct map_object_ops *ops = a->map.object_ops;
	struct ptr_entry *entry;
	void *object;

	if (!ops)
		return -EOPNOTSUPP;
	object = ops->from_id(id, a->map.attr.type);
	if (!object)
		return -EBADF;
	if (a->map.attr.type == EBPF_MAP_TYPE_ARRAY_OF_MAPS &&
	    !map_matches_template(object, &a->inner_tmpl)) {
		ops->release(object);
		return -EINVAL;
	}
	entry = calloc(1, sizeof(*entry));
	if (!entry) {
		ops->release(object);
		return -ENOMEM;
	}
	entry->object_ops = ops;
	entry->object = object;
	*entryp = entry;
	return 0;
}

/* Linux's check: fd arrays take only BPF_ANY. */
static int ptr_check_update(const struct ebpf_map *map, const void *key, uint64_t flags,
			    uint32_t *index)
{
	if (flags != EBPF_ANY)
		return -EINVAL;
	return ptr_index(map, key, index) ? 0 : -E2BIG;
}

static int ptr_array_update_copy(struct ebpf_map *map, const void *key, const void *value,
				 uint64_t flags)
{
	struct ptr_array *a = to_ptr_array(map);
	struct ptr_entry *entry;
	uint32_t index, id;
	int err;

	err = ptr_check_update(map, key, flags, &index);
	if (err)
		return err;
	memcpy(&id, value, sizeof(id));
	err = entry_for_object(a, id, &entry);
	if (err)
		return err;
	entry_free_deferred(atomic_exchange(&a->slots[index], entry));
	return 0;
}

static int ptr_array_update(struct ebpf_map *map, const void *key, const void *value,
			    uint64_t flags)
{
	return -EOPNOTSUPP; /* programs cannot store programs or maps */
}

static int ptr_array_delete(struct ebpf_map *map, const void *key)
{
	struct ptr_array *a = to_ptr_array(map);
	struct ptr_entry *old;
	uint32_t index;

	if (!ptr_index(map, key, &index))
		return -E2BIG;
	old = atomic_exchange(&a->slots[index], NULL);
	entry_free_deferred(old);
	return old ? 0 : -ENOENT; /* as Linux: an empty fd array slot is -ENOENT */
}

static int ptr_array_lookup_copy(struct ebpf_map *map, const void *key, void *value)
{
	struct ptr_entry *entry;
	uint32_t index, id;

	memcpy(&index, key, sizeof(index));
	map_rcu_read_lock();
	entry = ptr_entry_at(to_ptr_array(map), index);
	if (entry) {
		id = entry->object_ops->to_id(entry->object);
		memcpy(value, &id, sizeof(id));
	}
	map_rcu_read_unlock();
	return entry ? 0 : -ENOENT;
}

#define PTR_ARRAY_OPS                                                                              \
	.check_attr = ptr_array_check_attr, .alloc = ptr_array_alloc, .free = ptr_array_free,      \
	.lookup = ptr_array_lookup, .update = ptr_array_update, .delete = ptr_array_delete,        \
	.lookup_copy = ptr_array_lookup_copy, .update_copy = ptr_array_update_copy,                \
	.get_next_key = map_array_get_next_key

const struct map_ops prog_array_map_ops = { PTR_ARRAY_OPS };
const struct map_ops array_of_maps_map_ops = { PTR_ARRAY_OPS };
