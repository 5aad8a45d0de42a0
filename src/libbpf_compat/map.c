/* SPDX-License-Identifier: MIT */
/* bpf_map, the map calls by descriptor, and pins. */
#include <stdlib.h>
#include <string.h>

#include "compat.h"

const char *bpf_map__name(const struct bpf_map *map)
{
	return map ? map->name : compat_err_ptr(-EINVAL);
}

int bpf_map__fd(const struct bpf_map *map)
{
	if (!map)
		return compat_err(-EINVAL);
	if (map->fd < 0)
		return compat_fail(-EINVAL, "map '%s': object not loaded", map->name);
	return map->fd;
}

enum bpf_map_type bpf_map__type(const struct bpf_map *map)
{
	return map ? (enum bpf_map_type)map->type : BPF_MAP_TYPE_UNSPEC;
}

__u32 bpf_map__key_size(const struct bpf_map *map)
{
	return map ? map->key_size : 0;
}

__u32 bpf_map__value_size(const struct bpf_map *map)
{
	return map ? map->value_size : 0;
}

__u32 bpf_map__max_entries(const struct bpf_map *map)
{
	return map ? map->max_entries : 0;
}

__u32 bpf_map__map_flags(const struct bpf_map *map)
{
	return map ? map->map_flags : 0;
}

bool bpf_map__is_internal(const struct bpf_map *map)
{
	return map && map->internal;
}

static int check_unloaded(const struct bpf_map *map, const char *op)
{
	if (!map)
		return compat_fail(-EINVAL, "%s: map is NULL", op);
	if (map->obj->loaded || map->obj->load_failed)
		return compat_fail(-EBUSY, "map '%s': %s after the load", map->name, op);
	return 0;
}

typedef int (*map_setter_fn)(struct ebpf_object *object, const char *map, uint32_t value);

/* One definition field, set in the parsed object and mirrored for the getters. */
static int set_def(struct bpf_map *map, const char *op, map_setter_fn fn, __u32 value, __u32 *field)
{
	int err = check_unloaded(map, op);

	if (err)
		return err;
	err = fn(map->obj->obj, map->name, value);
	if (err)
		return compat_fail(err, "map '%s': %s %u", map->name, op, value);
	*field = value;
	return 0;
}

int bpf_map__set_max_entries(struct bpf_map *map, __u32 max_entries)
{
	return set_def(map, "set_max_entries", ebpf_object_set_map_max_entries, max_entries,
		       map ? &map->max_entries : NULL);
}

int bpf_map__set_value_size(struct bpf_map *map, __u32 size)
{
	return set_def(map, "set_value_size", ebpf_object_set_map_value_size, size,
		       map ? &map->value_size : NULL);
}

int bpf_map__set_key_size(struct bpf_map *map, __u32 size)
{
	return set_def(map, "set_key_size", ebpf_object_set_map_key_size, size,
		       map ? &map->key_size : NULL);
}

int bpf_map__set_map_flags(struct bpf_map *map, __u32 flags)
{
	return set_def(map, "set_map_flags", ebpf_object_set_map_flags, flags,
		       map ? &map->map_flags : NULL);
}

void *bpf_map__initial_value(const struct bpf_map *map, size_t *psize)
{
	size_t size = 0;
	void *data;

	if (!map)
		return compat_err_ptr(-EINVAL);
	if (!map->internal)
		return compat_err_ptr(-EINVAL);
	if (map->map)
		data = ebpf_map_value_area(map->map, &size);
	else if (map->obj->load_failed)
		data = NULL;
	else
		data = ebpf_object_initial_value(map->obj->obj, map->name, &size);
	if (!data)
		return compat_err_ptr(-EINVAL);
	if (psize)
		*psize = size;
	return data;
}

int bpf_map__set_initial_value(struct bpf_map *map, const void *data, size_t size)
{
	int err = check_unloaded(map, "set_initial_value");

	if (!err && !data)
		err = compat_fail(-EINVAL, "map '%s': set_initial_value: data is NULL", map->name);
	if (err)
		return err;
	err = ebpf_object_set_initial_value(map->obj->obj, map->name, data, size);
	return err ? compat_fail(err, "map '%s': set_initial_value of %zu bytes", map->name, size)
		   : 0;
}

static bool is_percpu(enum ebpf_map_type type)
{
	return type == EBPF_MAP_TYPE_PERCPU_HASH || type == EBPF_MAP_TYPE_PERCPU_ARRAY ||
	       type == EBPF_MAP_TYPE_LRU_PERCPU_HASH || type == EBPF_MAP_TYPE_PERCPU_CGROUP_STORAGE;
}

/* libbpf's validate_map_op: the sizes the host passes must be the map's. */
static int check_sizes(const struct bpf_map *map, size_t key_sz, size_t value_sz, bool has_value,
		       const char *op)
{
	size_t want = map ? map->value_size : 0;

	if (!map)
		return compat_fail(-EINVAL, "bpf_map__%s: map is NULL", op);
	if (!map->map)
		return compat_fail(-ENOENT, "map '%s': %s: object not loaded", map->name, op);
	if (key_sz != map->key_size)
		return compat_fail(-EINVAL, "map '%s': %s: key size %zu, map's %u", map->name, op,
				   key_sz, map->key_size);
	if (!has_value)
		return 0;
	if (is_percpu(map->type))
		want = ((want + 7) & ~(size_t)7) * ebpf_num_possible_cpus();
	if (value_sz != want)
		return compat_fail(-EINVAL, "map '%s': %s: value size %zu, want %zu", map->name, op,
				   value_sz, want);
	return 0;
}

int bpf_map__lookup_elem(const struct bpf_map *map, const void *key, size_t key_sz, void *value,
			 size_t value_sz, __u64 flags)
{
	int err = check_sizes(map, key_sz, value_sz, true, "lookup_elem");

	if (!err)
		err = ebpf_map_lookup_elem_flags(map->map, key, value, flags);
	return compat_err(err);
}

int bpf_map__update_elem(const struct bpf_map *map, const void *key, size_t key_sz,
			 const void *value, size_t value_sz, __u64 flags)
{
	int err = check_sizes(map, key_sz, value_sz, true, "update_elem");

	if (!err)
		err = ebpf_map_update_elem(map->map, key, value, flags);
	return compat_err(err);
}

int bpf_map__delete_elem(const struct bpf_map *map, const void *key, size_t key_sz, __u64 flags)
{
	int err = check_sizes(map, key_sz, 0, false, "delete_elem");

	if (!err && flags)
		err = compat_fail(-EINVAL, "map '%s': delete_elem: flags %#llx", map->name,
				  (unsigned long long)flags);
	if (!err)
		err = ebpf_map_delete_elem(map->map, key);
	return compat_err(err);
}

int bpf_map__get_next_key(const struct bpf_map *map, const void *cur_key, void *next_key,
			  size_t key_sz)
{
	int err = check_sizes(map, key_sz, 0, false, "get_next_key");

	if (!err)
		err = ebpf_map_get_next_key(map->map, cur_key, next_key);
	return compat_err(err);
}

/* ---- By descriptor ------------------------------------------------------------------------ */

enum map_fd_op {
	MAP_LOOKUP,
	MAP_UPDATE,
	MAP_DELETE,
	MAP_LOOKUP_AND_DELETE,
	MAP_NEXT_KEY,
	MAP_FREEZE,
};

static const char *const map_fd_op_names[] = {
	[MAP_LOOKUP] = "bpf_map_lookup_elem",
	[MAP_UPDATE] = "bpf_map_update_elem",
	[MAP_DELETE] = "bpf_map_delete_elem",
	[MAP_LOOKUP_AND_DELETE] = "bpf_map_lookup_and_delete_elem",
	[MAP_NEXT_KEY] = "bpf_map_get_next_key",
	[MAP_FREEZE] = "bpf_map_freeze",
};

/* One call by descriptor: the map is held for the call, so a concurrent close cannot free it. */
static int map_fd_call(int fd, enum map_fd_op op, const void *key, void *out, const void *in,
		       __u64 flags)
{
	struct ebpf_map *map;
	int err = compat_fd_get(fd, COMPAT_FD_MAP, (void **)&map);

	if (err)
		return compat_fail(err, "%s: fd %d is not a map", map_fd_op_names[op], fd);
	switch (op) {
	case MAP_LOOKUP:
		err = ebpf_map_lookup_elem_flags(map, key, out, flags);
		break;
	case MAP_UPDATE:
		err = ebpf_map_update_elem(map, key, in, flags);
		break;
	case MAP_DELETE:
		err = ebpf_map_delete_elem(map, key);
		break;
	case MAP_LOOKUP_AND_DELETE:
		err = ebpf_map_lookup_and_delete_elem(map, key, out);
		break;
	case MAP_NEXT_KEY:
		err = ebpf_map_get_next_key(map, key, out);
		break;
	case MAP_FREEZE:
		err = ebpf_map_freeze(map);
		break;
	}
	compat_fd_put(COMPAT_FD_MAP, map);
	return compat_err(err);
}

int bpf_map_lookup_elem_flags(int fd, const void *key, void *value, __u64 flags)
{
	return map_fd_call(fd, MAP_LOOKUP, key, value, NULL, flags);
}

int bpf_map_lookup_elem(int fd, const void *key, void *value)
{
	return map_fd_call(fd, MAP_LOOKUP, key, value, NULL, 0);
}

int bpf_map_update_elem(int fd, const void *key, const void *value, __u64 flags)
{
	return map_fd_call(fd, MAP_UPDATE, key, NULL, value, flags);
}

int bpf_map_delete_elem(int fd, const void *key)
{
	return map_fd_call(fd, MAP_DELETE, key, NULL, NULL, 0);
}

int bpf_map_lookup_and_delete_elem(int fd, const void *key, void *value)
{
	return map_fd_call(fd, MAP_LOOKUP_AND_DELETE, key, value, NULL, 0);
}

int bpf_map_get_next_key(int fd, const void *key, void *next_key)
{
	return map_fd_call(fd, MAP_NEXT_KEY, key, next_key, NULL, 0);
}

int bpf_map_freeze(int fd)
{
	return map_fd_call(fd, MAP_FREEZE, NULL, NULL, NULL, 0);
}

/* ---- Pins --------------------------------------------------------------------------------- */

int bpf_obj_pin(int fd, const char *pathname)
{
	void *obj;
	int err;

	if (!pathname)
		return compat_fail(-EINVAL, "bpf_obj_pin: path is NULL");
	err = compat_fd_get(fd, COMPAT_FD_MAP, &obj);
	if (!err) {
		err = ebpf_map_pin(obj, pathname);
		compat_fd_put(COMPAT_FD_MAP, obj);
	} else if (err == -EINVAL && !compat_fd_get(fd, COMPAT_FD_PROG, &obj)) {
		err = ebpf_program_pin(obj, pathname);
		compat_fd_put(COMPAT_FD_PROG, obj);
	}
	return err ? compat_fail(err, "bpf_obj_pin: fd %d at '%s'", fd, pathname) : 0;
}

int bpf_obj_get(const char *pathname)
{
	struct ebpf_program *prog;
	struct ebpf_map *map;
	int fd, err;

	if (!pathname)
		return compat_fail(-EINVAL, "bpf_obj_get: path is NULL");
	err = ebpf_map_get_pinned(pathname, &map);
	if (!err) {
		fd = compat_fd_alloc(COMPAT_FD_MAP, map);
		ebpf_map_release(map);
	} else if (err == -EINVAL && !(err = ebpf_program_get_pinned(pathname, &prog))) {
		fd = compat_fd_alloc(COMPAT_FD_PROG, prog);
		ebpf_program_release(prog);
	} else {
		return compat_fail(err, "bpf_obj_get: '%s'", pathname);
	}
	return fd < 0 ? compat_fail(fd, "bpf_obj_get: '%s': descriptor", pathname) : fd;
}
