// SPDX-License-Identifier: MIT
/*
 * The type-independent part of maps: creation through the registry, the program's view
 * (dispatch to the type's map_ops), the host's view (the public ebpf_map_* functions, with a
 * message for every failure) and per-CPU slots.
 */
#define _GNU_SOURCE /* sched_getcpu, memfd_create */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysinfo.h>

#include "core/error.h"
#include "core/run_slot.h"
#include "maps/map_internal.h"

const char *map_type_name(enum ebpf_map_type type)
{
	return map_registry_name(type);
}

const char *map_type_label(const struct ebpf_map *map)
{
	return map->attr.type_name ? map->attr.type_name : map_type_name(map->attr.type);
}

bool map_type_is_builtin(enum ebpf_map_type type)
{
	return map_registry_ops(type) != NULL;
}

static const char *attr_type_label(const struct map_attr *attr)
{
	return attr->type_name ? attr->type_name : map_type_name(attr->type);
}

/* ---- Attributes ------------------------------------------------------------------------ */

int map_check_common(const struct map_attr *attr, uint32_t allowed_flags, const char **why)
{
	uint32_t flags = attr->map_flags;

	if (attr->max_entries == 0) {
		*why = "max_entries 0 is invalid";
		return -EINVAL;
	}
	if (flags & ~allowed_flags) {
		*why = "map_flags has a flag this map type does not support";
		return -EINVAL;
	}
	if ((flags & MAP_F_RDONLY) && (flags & MAP_F_WRONLY)) {
		*why = "map_flags: BPF_F_RDONLY and BPF_F_WRONLY are exclusive";
		return -EINVAL;
	}
	if ((flags & MAP_F_RDONLY_PROG) && (flags & MAP_F_WRONLY_PROG)) {
		*why = "map_flags: BPF_F_RDONLY_PROG and BPF_F_WRONLY_PROG are exclusive";
		return -EINVAL;
	}
	return 0;
}

static bool map_is_map_of_maps(enum ebpf_map_type type)
{
	return type == EBPF_MAP_TYPE_ARRAY_OF_MAPS || type == EBPF_MAP_TYPE_HASH_OF_MAPS;
}

int map_copy_template(const struct map_attr *attr, struct map_attr *tmpl, const char **why)
{
	const struct ebpf_map *inner = attr->inner_map;

	if (!inner) {
		*why = "inner_map (the template of the inner maps) is required for maps of maps";
		return -EINVAL;
	}
	if (map_is_map_of_maps(inner->attr.type) || inner->attr.type == EBPF_MAP_TYPE_PROG_ARRAY) {
		*why = "inner_map: maps of maps and program arrays cannot be inner maps";
		return -EOPNOTSUPP;
	}
	if (inner->ops->no_inner) {
		*why = "inner_map: maps of an extension's type cannot be inner maps";
		return -EOPNOTSUPP;
	}
	*tmpl = inner->attr;
	tmpl->name = NULL;
	tmpl->inner_map = NULL;
	return 0;
}

/* As Linux's bpf_map_meta_equal; BPF_F_INNER_MAP lets max_entries differ. */
bool map_matches_template(const struct ebpf_map *map, const struct map_attr *tmpl)
{
	const struct map_attr *a = &map->attr;

	if (a->type != tmpl->type || a->key_size != tmpl->key_size ||
	    a->value_size != tmpl->value_size || a->map_flags != tmpl->map_flags)
		return false;
	return (tmpl->map_flags & MAP_F_INNER_MAP) || a->max_entries == tmpl->max_entries;
}

/* ---- CPUs -------------------------------------------------------------------------------- */

/* The highest CPU number of a list such as "0-3,8-11", plus one; 0 when unreadable. */
static uint32_t cpus_in_list(const char *list)
{
	uint32_t highest = 0;
	bool any = false;
	const char *p = list;

	while (*p) {
		char *end;
		unsigned long n = strtoul(p, &end, 10);

		if (end == p)
			break;
		highest = n > highest ? (uint32_t)n : highest;
		any = true;
		p = *end ? end + 1 : end;
	}
	return any ? highest + 1 : 0;
}

uint32_t map_possible_cpus(void)
{
	char buf[256] = "";
	uint32_t n = 0;
	FILE *f = fopen("/sys/devices/system/cpu/possible", "re");

	if (f) {
		if (fgets(buf, sizeof(buf), f))
			n = cpus_in_list(buf);
		fclose(f);
	}
	if (n == 0)
		n = (uint32_t)get_nprocs_conf();
	return n ? n : 1;
}

uint32_t ebpf_num_possible_cpus(void)
{
	return map_possible_cpus();
}

uint32_t map_current_cpu(void)
{
	uint32_t slot = core_run_slot_current();
	int cpu;

	if (slot != CORE_RUN_NO_SLOT)
		return slot;
	cpu = sched_getcpu();

	return cpu < 0 ? 0 : (uint32_t)cpu;
}

/* ---- Creation ---------------------------------------------------------------------------- */

/* The map keeps its own copies: an extension's type name may go before the map does. */
static void map_set_names(struct ebpf_map *map, const char *name)
{
	snprintf(map->name, sizeof(map->name), "%s", name);
	map->attr.name = map->name;
	if (!map->attr.type_name)
		return;
	snprintf(map->type_name, sizeof(map->type_name), "%s", map->attr.type_name);
	map->attr.type_name = map->type_name;
}

int map_create(const struct map_attr *attr, const struct map_object_ops *object_ops,
	       struct ebpf_map **mapp, const char **why)
{
	const char *unused;
	const char *name = attr->name ? attr->name : "";
	const struct map_ops *ops = attr->ops ? attr->ops : map_registry_ops(attr->type);
	struct ebpf_map *map = NULL;
	int err;

	if (!why)
		why = &unused;
	*why = NULL;
	*mapp = NULL;
	if (ops && attr->pin_path) {
		ops = attr->ops ? NULL : map_shm_ops(attr->type);
		if (!ops) {
			*why = "this map type cannot be shared (shared maps: array, per-CPU array, "
			       "hash, per-CPU hash, LRU hash, LRU per-CPU hash, LPM trie, queue, "
			       "stack, ringbuf)";
			return core_error(-EOPNOTSUPP, "map '%s' (%s): %s", name,
					  attr_type_label(attr), *why);
		}
	}
	if (!ops) {
		*why = "map type is not supported";
		return core_error(-EINVAL, "map '%s': map type %u is not supported", name,
				  (unsigned int)attr->type);
	}
	err = map_check_spin_lock(attr, why);
	if (!err)
		err = ops->check_attr(attr, why);
	if (err)
		return core_error(err, "map '%s' (%s): %s", name, attr_type_label(attr), *why);
	if (ops->verify_only) {
		*why = ops->verify_only;
		return core_error(-EOPNOTSUPP, "map '%s' (%s) cannot be created to run: %s", name,
				  attr_type_label(attr), *why);
	}
	err = ops->alloc(attr, &map, why);
	if (err && *why)
		return core_error(err, "map '%s' (%s): %s", name, attr_type_label(attr), *why);
	if (err) {
		*why = "cannot allocate the map";
		return core_error(err, "map '%s' (%s): cannot allocate %u entries: %s", name,
				  attr_type_label(attr), attr->max_entries, strerror(-err));
	}
	map_init(map, ops, attr, object_ops);
	*mapp = map;
	return 0;
}

void map_init(struct ebpf_map *map, const struct map_ops *ops, const struct map_attr *attr,
	      const struct map_object_ops *object_ops)
{
	map->ops = ops;
	map->attr = *attr;
	map->attr.inner_map = NULL; /* the template was copied by alloc */
	map->attr.pin_path = NULL;  /* the creator's string; the file holds what the map needs */
	map_set_names(map, attr->name ? attr->name : "");
	map->object_ops = object_ops;
	atomic_init(&map->refcount, 1);
	map->id = 0;
}

/* Linux's map types end here (BPF_MAP_TYPE_ARENA is 33). */
#define MAP_TYPE_LINUX_MAX 33

static void descriptor_free(struct ebpf_map *map)
{
	free(map);
}

static const struct map_ops descriptor_ops = { .free = descriptor_free };

int map_create_descriptor(const struct map_attr *attr, struct ebpf_map **mapp, const char **why)
{
	const struct map_ops *ops = attr->ops ? attr->ops : map_registry_ops(attr->type);
	const char *name = attr->name ? attr->name : "";
	const char *unused;
	struct ebpf_map *map;
	int err;

	if (!why)
		why = &unused;
	*why = NULL;
	*mapp = NULL;
	if (!attr->ops &&
	    (attr->type == EBPF_MAP_TYPE_UNSPEC || (unsigned int)attr->type > MAP_TYPE_LINUX_MAX)) {
		*why = "unknown map type";
		return core_error(-EINVAL, "map '%s': map type %u is unknown", name,
				  (unsigned int)attr->type);
	}
	err = map_check_spin_lock(attr, why);
	if (!err && ops)
		err = ops->check_attr(attr, why);
	if (err)
		return core_error(err, "map '%s' (%s): %s", name, attr_type_label(attr), *why);
	map = calloc(1, sizeof(*map));
	if (!map) {
		*why = "out of memory";
		return core_error(-ENOMEM, "map '%s': out of memory", name);
	}
	map->ops = &descriptor_ops;
	map->attr = *attr;
	map->attr.inner_map = NULL;
	map->attr.ops = NULL;
	map->attr.type_data = NULL;
	map_set_names(map, name);
	atomic_init(&map->refcount, 1);
	*mapp = map;
	return 0;
}

bool map_is_descriptor(const struct ebpf_map *map)
{
	return map->ops == &descriptor_ops;
}

void map_destroy(struct ebpf_map *map)
{
	if (map)
		map->ops->free(map);
}

/* ---- The program's view ------------------------------------------------------------------ */

static bool map_prog_readonly(const struct ebpf_map *map)
{
	return map->attr.map_flags & MAP_F_RDONLY_PROG;
}

size_t map_mem_usage(const struct ebpf_map *map)
{
	return map->ops->mem_usage ? map->ops->mem_usage(map) : 0;
}

void *map_lookup_prog(struct ebpf_map *map, const void *key)
{
	return map->ops->lookup ? map->ops->lookup(map, key) : NULL;
}

void *map_lookup_cpu_prog(struct ebpf_map *map, const void *key, uint32_t cpu)
{
	return map->ops->lookup_cpu ? map->ops->lookup_cpu(map, key, cpu) : NULL;
}

int map_update_prog(struct ebpf_map *map, const void *key, const void *value, uint64_t flags)
{
	if (map_prog_readonly(map))
		return -EPERM;
	if (!map->ops->update)
		return -EOPNOTSUPP;
	if (flags & MAP_BPF_F_LOCK)
		return map_update_locked(map, key, value, flags, map->ops->update);
	return map->ops->update(map, key, value, flags);
}

int map_delete_prog(struct ebpf_map *map, const void *key)
{
	if (map_prog_readonly(map))
		return -EPERM;
	return map->ops->delete ? map->ops->delete (map, key) : -EOPNOTSUPP;
}

int map_push_prog(struct ebpf_map *map, const void *value, uint64_t flags)
{
	if (map_prog_readonly(map))
		return -EPERM;
	return map->ops->push ? map->ops->push(map, value, flags) : -EOPNOTSUPP;
}

int map_pop_prog(struct ebpf_map *map, void *value)
{
	if (map_prog_readonly(map))
		return -EPERM;
	return map->ops->pop ? map->ops->pop(map, value) : -EOPNOTSUPP;
}

int map_peek_prog(struct ebpf_map *map, void *value)
{
	return map->ops->peek ? map->ops->peek(map, value) : -EOPNOTSUPP;
}

/* ---- The host's view --------------------------------------------------------------------- */

/*
 * Every failure below leaves a message. The element calls (lookup, update, delete,
 * lookup_and_delete, get_next_key) are a host's hot path and, unlike the other calls, do not
 * clear the message when they succeed: ebpf_last_error() names the last failed call, and the
 * thread-local write cost as much as the lookup itself.
 */

static bool map_is_queue_stack(const struct ebpf_map *map)
{
	return map->attr.type == EBPF_MAP_TYPE_QUEUE || map->attr.type == EBPF_MAP_TYPE_STACK;
}

static bool map_is_array_like(const struct ebpf_map *map)
{
	switch (map->attr.type) {
	case EBPF_MAP_TYPE_ARRAY:
	case EBPF_MAP_TYPE_PERCPU_ARRAY:
	case EBPF_MAP_TYPE_PROG_ARRAY:
	case EBPF_MAP_TYPE_ARRAY_OF_MAPS:
		return true;
	default:
		return false;
	}
}

/* A message for an operation's failure: what, on which map, and why as the errno means it. */
static int map_fail(const struct ebpf_map *map, int err, const char *op, uint64_t flags)
{
	const char *name = map->name;
	const char *type = map_type_label(map);

	switch (err) {
	case -ENOENT:
		if (flags == EBPF_EXIST)
			return core_error(err, "map '%s' (%s): %s: no such key (BPF_EXIST)", name,
					  type, op);
		return core_error(err, "map '%s' (%s): %s: %s", name, type, op,
				  map_is_queue_stack(map) ? "the map is empty" : "no such key");
	case -EEXIST:
		return core_error(err, "map '%s' (%s): %s: the key exists (BPF_NOEXIST)", name,
				  type, op);
	case -E2BIG:
		if (map_is_array_like(map))
			return core_error(err,
					  "map '%s' (%s): %s: index out of range (max_entries %u)",
					  name, type, op, map->attr.max_entries);
		return core_error(err, "map '%s' (%s): %s: the map is full (max_entries %u)", name,
				  type, op, map->attr.max_entries);
	case -ENOSPC:
		return core_error(err, "map '%s' (%s): %s: the trie is full (max_entries %u)", name,
				  type, op, map->attr.max_entries);
	case -EINVAL:
		return core_error(err, "map '%s' (%s): %s: invalid key, value or flags 0x%llx",
				  name, type, op, (unsigned long long)flags);
	case -EOPNOTSUPP:
		return core_error(err, "map '%s' (%s): %s is not supported by this map type", name,
				  type, op);
	case -EPERM:
		if (atomic_load(&map->frozen))
			return core_error(err,
					  "map '%s' (%s): %s: the map is frozen (read-only "
					  "for the host)",
					  name, type, op);
		return core_error(err, "map '%s' (%s): %s: not allowed by map_flags 0x%x", name,
				  type, op, map->attr.map_flags);
	case -EBADF:
		return core_error(err, "map '%s' (%s): %s: no object has that id", name, type, op);
	case -ENODEV:
		return core_error(err,
				  "map '%s' (%s): %s: the extension offering its map type was "
				  "unloaded",
				  name, type, op);
	default:
		return core_error(err, "map '%s' (%s): %s: %s", name, type, op, strerror(-err));
	}
}

static int map_check_args(const struct ebpf_map *map, const void *key, const void *value,
			  const char *op)
{
	if (!map)
		return core_error(-EINVAL, "%s: map is NULL", op);
	if (map_is_descriptor(map))
		return core_error(-EOPNOTSUPP,
				  "map '%s': %s: the map has no storage (its object was opened to "
				  "verify only)",
				  map->name, op);
	if (!key && map->attr.key_size)
		return core_error(-EINVAL, "map '%s': %s: key is NULL (key_size %u)", map->name, op,
				  map->attr.key_size);
	if (!value)
		return core_error(-EINVAL, "map '%s': %s: value is NULL", map->name, op);
	return 0;
}

/* Without a lookup_copy the value is copied under the read lock from the program's view. */
static int map_lookup_copy_generic(struct ebpf_map *map, const void *key, void *value)
{
	void *p;

	map_rcu_read_lock();
	p = map->ops->lookup ? map->ops->lookup(map, key) : NULL;
	if (p)
		map_value_copy_out(map, value, p);
	map_rcu_read_unlock();
	return p ? 0 : -ENOENT;
}

/*
 * The host's most frequent call (monitoring loops read counters by the thousand): a map whose
 * type copies values itself goes straight to that copy, its arguments checked inline. Every
 * other map, and every argument error, takes ebpf_map_lookup_elem_flags's path and its messages.
 */
int ebpf_map_lookup_elem(struct ebpf_map *map, const void *key, void *value)
{
	int err;

	if (!map || !key || !value || !map->ops->lookup_copy || map->ops->peek ||
	    (map->attr.map_flags & MAP_F_WRONLY))
		return ebpf_map_lookup_elem_flags(map, key, value, 0);
	err = map->ops->lookup_copy(map, key, value);
	return err ? map_fail(map, err, "lookup", 0) : 0;
}

int ebpf_map_lookup_elem_flags(struct ebpf_map *map, const void *key, void *value, uint64_t flags)
{
	const struct map_ops *ops;
	int err;

	err = map_check_args(map, key, value, "lookup");
	if (err)
		return err;
	ops = map->ops;
	if (map->attr.map_flags & MAP_F_WRONLY)
		err = -EPERM;
	else if (flags & ~(uint64_t)MAP_BPF_F_LOCK)
		err = -EINVAL;
	else if (flags)
		err = map_lookup_locked(map, key, value);
	else if (ops->peek)
		err = ops->peek(map, value);
	else if (ops->lookup_copy)
		err = ops->lookup_copy(map, key, value);
	else if (ops->lookup)
		err = map_lookup_copy_generic(map, key, value);
	else
		err = -EOPNOTSUPP;
	return err ? map_fail(map, err, "lookup", flags) : 0;
}

int ebpf_map_update_elem(struct ebpf_map *map, const void *key, const void *value, uint64_t flags)
{
	const struct map_ops *ops;
	int err;

	err = map_check_args(map, key, value, "update");
	if (err)
		return err;
	ops = map->ops;
	if ((map->attr.map_flags & MAP_F_RDONLY) || atomic_load(&map->frozen))
		err = -EPERM;
	else if (ops->push)
		err = ops->push(map, value, flags);
	else if (flags & MAP_BPF_F_LOCK)
		err = map_update_locked(map, key, value, flags,
					ops->update_copy ? ops->update_copy : ops->update);
	else if (ops->update_copy)
		err = ops->update_copy(map, key, value, flags);
	else if (ops->update)
		err = ops->update(map, key, value, flags);
	else
		err = -EOPNOTSUPP;
	return err ? map_fail(map, err, "update", flags) : 0;
}

int ebpf_map_freeze(struct ebpf_map *map)
{
	core_error_clear();
	if (!map)
		return core_error(-EINVAL, "map freeze: no map");
	atomic_store(&map->frozen, true);
	return 0;
}

void *ebpf_map_value_area(struct ebpf_map *map, size_t *size)
{
	uint32_t key = 0;
	void *value;

	core_error_clear();
	if (!map) {
		core_error(-EINVAL, "map value area: map is NULL");
		return NULL;
	}
	/* Only a single-entry array has one stable value for the lifetime of the map: hash
	 * values move on update and a larger array would need its stride documented. */
	if (map_is_descriptor(map) || map->attr.type != EBPF_MAP_TYPE_ARRAY ||
	    map->attr.max_entries != 1 || !map->ops->lookup) {
		core_error(-EINVAL,
			   "map '%s' (%s): value area: only an array of one entry with storage has "
			   "one (global data sections)",
			   map->name, map_type_label(map));
		return NULL;
	}
	value = map->ops->lookup(map, &key);
	if (value && size)
		*size = map->attr.value_size;
	return value;
}

int ebpf_map_delete_elem(struct ebpf_map *map, const void *key)
{
	int err;

	err = map_check_args(map, key, "", "delete");
	if (err)
		return err;
	if ((map->attr.map_flags & MAP_F_RDONLY) || atomic_load(&map->frozen))
		err = -EPERM;
	else if (map_is_queue_stack(map))
		err = -EINVAL; /* as Linux: queues and stacks pop, they do not delete */
	else
		err = map->ops->delete ? map->ops->delete (map, key) : -EOPNOTSUPP;
	if (err == -EINVAL &&
	    (map->attr.type == EBPF_MAP_TYPE_ARRAY || map->attr.type == EBPF_MAP_TYPE_PERCPU_ARRAY))
		return core_error(err, "map '%s' (%s): delete: array elements cannot be deleted",
				  map->name, map_type_label(map));
	return err ? map_fail(map, err, "delete", 0) : 0;
}

int ebpf_map_lookup_and_delete_elem(struct ebpf_map *map, const void *key, void *value)
{
	const struct map_ops *ops;
	int err;

	err = map_check_args(map, key, value, "lookup_and_delete");
	if (err)
		return err;
	ops = map->ops;
	if ((map->attr.map_flags & (MAP_F_RDONLY | MAP_F_WRONLY)) || atomic_load(&map->frozen))
		err = -EPERM;
	else if (ops->pop)
		err = ops->pop(map, value);
	else if (ops->lookup_and_delete_copy)
		err = ops->lookup_and_delete_copy(map, key, value);
	else
		err = -EOPNOTSUPP;
	return err ? map_fail(map, err, "lookup_and_delete", 0) : 0;
}

int ebpf_map_get_next_key(struct ebpf_map *map, const void *key, void *next_key)
{
	int err;

	if (!map)
		return core_error(-EINVAL, "get_next_key: map is NULL");
	if (!next_key)
		return core_error(-EINVAL, "map '%s': get_next_key: next_key is NULL", map->name);
	if (map_is_descriptor(map))
		return map_check_args(map, next_key, next_key, "get_next_key");
	if (map_is_queue_stack(map))
		err = -EINVAL; /* as Linux: no keys to iterate */
	else
		err = map->ops->get_next_key ? map->ops->get_next_key(map, key, next_key)
					     : -EOPNOTSUPP;
	if (err == -ENOENT)
		return core_error(err, "map '%s' (%s): get_next_key: %s", map->name,
				  map_type_label(map),
				  key ? "no key after this one" : "the map is empty");
	return err ? map_fail(map, err, "get_next_key", 0) : 0;
}

const char *ebpf_map_name(const struct ebpf_map *map)
{
	return map->name;
}

enum ebpf_map_type ebpf_map_type(const struct ebpf_map *map)
{
	return map->attr.type;
}

const char *ebpf_map_type_name(const struct ebpf_map *map)
{
	const char *name = map_type_label(map);

	return name ? name : "unknown";
}

uint32_t ebpf_map_key_size(const struct ebpf_map *map)
{
	return map->attr.key_size;
}

uint32_t ebpf_map_value_size(const struct ebpf_map *map)
{
	return map->attr.value_size;
}

uint32_t ebpf_map_max_entries(const struct ebpf_map *map)
{
	return map->attr.max_entries;
}

uint32_t ebpf_map_flags(const struct ebpf_map *map)
{
	return map->attr.map_flags;
}
