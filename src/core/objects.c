/* SPDX-License-Identifier: MIT */
/*
 * The object table: ids for programs, maps and links, reference counts of maps and programs,
 * the callbacks maps of objects use, and the pin table.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "core/error.h"
#include "maps/maps.h"

/* ---- ids --------------------------------------------------------------------------------- */

/* The table is sorted by (kind, id): each kind numbers its objects on its own, as Linux does. */
static bool id_before(const struct core_id_entry *e, enum core_kind kind, uint32_t id)
{
	return e->kind < kind || (e->kind == kind && e->id < id);
}

static size_t id_search(enum core_kind kind, uint32_t id)
{
	size_t lo = 0, hi = core_rt.id_count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (id_before(&core_rt.ids[mid], kind, id))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static bool id_found(size_t pos, enum core_kind kind, uint32_t id)
{
	return pos < core_rt.id_count && core_rt.ids[pos].kind == kind && core_rt.ids[pos].id == id;
}

int core_id_alloc_locked(enum core_kind kind, void *object, uint32_t *id)
{
	uint32_t candidate = core_rt.next_id[kind];
	size_t pos;

	if (core_rt.id_count == core_rt.id_cap) {
		size_t cap = core_rt.id_cap ? core_rt.id_cap * 2 : 64;
		struct core_id_entry *ids = realloc(core_rt.ids, cap * sizeof(*ids));

		if (!ids)
			return -ENOMEM;
		core_rt.ids = ids;
		core_rt.id_cap = cap;
	}
	/* Ids grow; after wrapping around, skip the ones still alive (never reused while alive). */
	while (candidate == 0 || id_found(id_search(kind, candidate), kind, candidate))
		candidate++;
	core_rt.next_id[kind] = candidate + 1;
	pos = id_search(kind, candidate);
	memmove(&core_rt.ids[pos + 1], &core_rt.ids[pos],
		(core_rt.id_count - pos) * sizeof(core_rt.ids[0]));
	core_rt.ids[pos] =
	    (struct core_id_entry){ .id = candidate, .kind = kind, .object = object };
	core_rt.id_count++;
	*id = candidate;
	return 0;
}

void core_id_remove(enum core_kind kind, uint32_t id)
{
	size_t pos;

	core_lock();
	pos = id_search(kind, id);
	if (id_found(pos, kind, id)) {
		memmove(&core_rt.ids[pos], &core_rt.ids[pos + 1],
			(core_rt.id_count - pos - 1) * sizeof(core_rt.ids[0]));
		core_rt.id_count--;
	}
	core_unlock();
}

int core_id_next(enum core_kind kind, uint32_t start, uint32_t *next)
{
	size_t pos;
	int err = -ENOENT;

	core_lock();
	pos = start == UINT32_MAX ? core_rt.id_count : id_search(kind, start + 1);
	if (pos < core_rt.id_count && core_rt.ids[pos].kind == kind) {
		*next = core_rt.ids[pos].id;
		err = 0;
	}
	core_unlock();
	return err;
}

void *core_id_find_locked(enum core_kind kind, uint32_t id)
{
	size_t pos = id_search(kind, id);

	return id_found(pos, kind, id) ? core_rt.ids[pos].object : NULL;
}

/* Takes a reference unless the count already reached zero (the object is being freed). */
static bool ref_get_unless_zero(atomic_uint *refcount)
{
	unsigned int old = atomic_load(refcount);

	while (old) {
		if (atomic_compare_exchange_weak(refcount, &old, old + 1))
			return true;
	}
	return false;
}

static atomic_uint *object_refcount(enum core_kind kind, void *object)
{
	if (kind == CORE_PROGRAM)
		return &((struct ebpf_program *)object)->refcount;
	if (kind == CORE_MAP)
		return &((struct ebpf_map *)object)->refcount;
	return core_link_refcount(object);
}

void *core_id_acquire(uint32_t id, enum core_kind kind)
{
	void *found = NULL;
	size_t pos;

	core_lock();
	pos = id_search(kind, id);
	if (id_found(pos, kind, id)) {
		atomic_uint *refcount = object_refcount(kind, core_rt.ids[pos].object);

		if (refcount && ref_get_unless_zero(refcount))
			found = core_rt.ids[pos].object;
	}
	core_unlock();
	return found;
}

void **core_id_collect(enum core_kind kind, core_id_filter_fn filter, void *arg, size_t *count)
{
	void **found;
	size_t n = 0;

	*count = 0;
	core_lock();
	/* Room for every id before the filter runs: it may claim what it accepts. */
	found = malloc((core_rt.id_count ? core_rt.id_count : 1) * sizeof(*found));
	for (size_t i = 0; found && i < core_rt.id_count; i++) {
		struct core_id_entry *e = &core_rt.ids[i];
		atomic_uint *refcount;

		if (e->kind != kind || !filter(e->object, arg))
			continue;
		refcount = object_refcount(kind, e->object);
		if (refcount && !ref_get_unless_zero(refcount))
			continue;
		found[n++] = e->object;
	}
	core_unlock();
	if (!n) {
		free(found);
		return NULL;
	}
	*count = n;
	return found;
}

/* ---- maps -------------------------------------------------------------------------------- */

static void *object_from_id(uint32_t id, enum ebpf_map_type map_type)
{
	if (map_type == EBPF_MAP_TYPE_PROG_ARRAY)
		return core_id_acquire(id, CORE_PROGRAM);
	return core_id_acquire(id, CORE_MAP);
}

/* Program arrays hold programs, maps of maps hold maps: one callback table for each. */
static void map_acquire_cb(void *object)
{
	ebpf_map_acquire(object);
}

static void map_release_cb(void *object)
{
	ebpf_map_release(object);
}

static uint32_t map_to_id_cb(const void *object)
{
	return ebpf_map_id(object);
}

static void program_acquire_cb(void *object)
{
	ebpf_program_acquire(object);
}

static void program_release_cb(void *object)
{
	ebpf_program_release(object);
}

static uint32_t program_to_id_cb(const void *object)
{
	return ebpf_program_id(object);
}

static const struct map_object_ops program_object_ops = {
	.acquire = program_acquire_cb,
	.release = program_release_cb,
	.from_id = object_from_id,
	.to_id = program_to_id_cb,
};

const struct map_object_ops core_map_object_ops = {
	.acquire = map_acquire_cb,
	.release = map_release_cb,
	.from_id = object_from_id,
	.to_id = map_to_id_cb,
};

static const struct map_object_ops *object_ops_for(enum ebpf_map_type type)
{
	switch (type) {
	case EBPF_MAP_TYPE_PROG_ARRAY:
		return &program_object_ops;
	case EBPF_MAP_TYPE_ARRAY_OF_MAPS:
	case EBPF_MAP_TYPE_HASH_OF_MAPS:
		return &core_map_object_ops;
	default:
		return NULL;
	}
}

int ebpf_map_create(enum ebpf_map_type type, const char *name, uint32_t key_size,
		    uint32_t value_size, uint32_t max_entries,
		    const struct ebpf_map_create_opts *opts, struct ebpf_map **map)
{
	struct map_attr attr = {
		.type = type,
		.key_size = key_size,
		.value_size = value_size,
		.max_entries = max_entries,
		.name = name ? name : "",
	};
	struct ebpf_map *created = NULL;
	char pin_path[PATH_MAX];
	const char *why = NULL;
	int err;

	core_error_clear();
	err = core_runtime_start();
	if (err)
		return err;
	if (opts && opts->sz >= offsetof(struct ebpf_map_create_opts, spin_lock_off) + 4) {
		attr.has_spin_lock = opts->spin_lock;
		attr.spin_lock_off = opts->spin_lock_off;
	}
	if (opts && opts->sz >= offsetof(struct ebpf_map_create_opts, pin_mode) + 4 &&
	    opts->pin_path) {
		err = core_pin_resolve(opts->pin_path, pin_path, sizeof(pin_path), true);
		if (err)
			return err;
		attr.pin_path = pin_path;
		attr.pin_mode = opts->pin_mode;
	}
	if (opts && opts->sz >= offsetof(struct ebpf_map_create_opts, inner_map) + sizeof(void *)) {
		attr.map_flags = opts->map_flags;
		attr.inner_map = opts->inner_map;
	} else if (opts && opts->sz >= offsetof(struct ebpf_map_create_opts, map_flags) + 4) {
		attr.map_flags = opts->map_flags;
	}
	if (name && strlen(name) >= MAP_NAME_MAX)
		return core_error(-EINVAL, "map '%s': name longer than %d characters", name,
				  MAP_NAME_MAX - 1);
	if (!map_type_is_builtin(type) && core_maptype_resolve(&attr) == -ENOENT)
		return core_error(-EINVAL,
				  "map '%s': map type %u is not supported (neither the core's nor "
				  "offered by a loaded extension)",
				  attr.name, (unsigned int)type);
	err = core_maptype_check_storage(&attr);
	if (err) {
		core_maptype_release(&attr);
		return err;
	}
	err = map_create(&attr, object_ops_for(type), &created, &why);
	core_maptype_release(&attr);
	if (err)
		return core_error(err, "map '%s': %s", attr.name, why ? why : strerror(-err));
	core_lock();
	err = core_id_alloc_locked(CORE_MAP, created, &created->id);
	core_unlock();
	if (err) {
		map_destroy(created);
		return core_error(err, "map '%s': out of memory", attr.name);
	}
	*map = created;
	return 0;
}

void ebpf_map_acquire(struct ebpf_map *map)
{
	atomic_fetch_add(&map->refcount, 1);
}

void core_map_destroy(struct ebpf_map *map)
{
	core_id_remove(CORE_MAP, map->id);
	map_destroy(map);
}

void ebpf_map_release(struct ebpf_map *map)
{
	if (!map)
		return;
	if (atomic_fetch_sub(&map->refcount, 1) == 1)
		core_map_destroy(map);
}

uint32_t ebpf_map_id(const struct ebpf_map *map)
{
	return map->id;
}

void core_map_clear_objects(struct ebpf_map *map)
{
	uint32_t key_size = map->attr.key_size;
	unsigned char key[key_size ? key_size : 1];
	unsigned char next[key_size ? key_size : 1];
	const void *prev = NULL;

	if (!object_ops_for(map->attr.type) || map_is_descriptor(map))
		return; /* a map without storage holds nothing */
	/* Array slots survive a delete (they become empty), so walk the keys in order; a hash
	 * loses the key, so restart from the first. */
	bool hash = map->attr.type == EBPF_MAP_TYPE_HASH_OF_MAPS;

	/* The map's own operations, not the host's calls: those record their failures for
	 * ebpf_last_error(), and the walk's end (no next key) would replace the message of
	 * whatever made the object go away, such as the verifier's refusal. */
	if (!map->ops->get_next_key || !map->ops->delete)
		return;
	while (map->ops->get_next_key(map, prev, next) == 0) {
		memcpy(key, next, key_size);
		if (map->ops->delete (map, key) && hash)
			break;
		prev = hash ? NULL : key;
	}
}

/* ---- pins -------------------------------------------------------------------------------- */

static struct core_pin **pin_find_locked(const char *path)
{
	struct core_pin **p = &core_rt.pins;

	while (*p && strcmp((*p)->path, path))
		p = &(*p)->next;
	return p;
}

static int pin_add(enum core_kind kind, void *object, const char *path)
{
	struct core_pin *pin;
	int err;

	core_error_clear();
	if (!path || !*path)
		return core_error(-EINVAL, "pin: empty path");
	err = core_runtime_start();
	if (err)
		return err;
	pin = calloc(1, sizeof(*pin));
	if (!pin || !(pin->path = strdup(path))) {
		free(pin);
		return core_error(-ENOMEM, "pin '%s': out of memory", path);
	}
	pin->kind = kind;
	pin->object = object;
	core_lock();
	if (*pin_find_locked(path)) {
		core_unlock();
		free(pin->path);
		free(pin);
		return core_error(-EEXIST, "pin '%s': the path is already taken", path);
	}
	pin->next = core_rt.pins;
	core_rt.pins = pin;
	core_unlock();
	return 0;
}

int ebpf_program_pin(struct ebpf_program *program, const char *path)
{
	int err = pin_add(CORE_PROGRAM, program, path);

	if (!err)
		ebpf_program_acquire(program);
	return err;
}

int ebpf_map_pin(struct ebpf_map *map, const char *path)
{
	int err = pin_add(CORE_MAP, map, path);

	if (!err)
		ebpf_map_acquire(map);
	return err;
}

int ebpf_link_pin(struct ebpf_link *link, const char *path)
{
	int err;

	if (!link) {
		core_error_clear();
		return core_error(-EINVAL, "pin '%s': no link", path ? path : "");
	}
	err = pin_add(CORE_LINK, link, path);
	if (!err)
		atomic_fetch_add(core_link_refcount(link), 1);
	return err;
}

static void pin_free(struct core_pin *pin)
{
	if (pin->kind == CORE_PROGRAM)
		ebpf_program_release(pin->object);
	else if (pin->kind == CORE_MAP)
		ebpf_map_release(pin->object);
	else
		ebpf_link_release(pin->object);
	free(pin->path);
	free(pin);
}

int ebpf_unpin(const char *path)
{
	struct core_pin **p, *pin;

	core_error_clear();
	if (!path)
		return core_error(-EINVAL, "unpin: no path");
	core_lock();
	p = pin_find_locked(path);
	pin = *p;
	if (pin)
		*p = pin->next;
	core_unlock();
	if (!pin)
		return core_unpin_shared(path);
	pin_free(pin);
	return 0;
}

static int pin_get(enum core_kind kind, const char *path, void **object)
{
	struct core_pin *pin;
	int err = 0;

	core_error_clear();
	if (!path)
		return core_error(-EINVAL, "pin: no path");
	core_lock();
	pin = *pin_find_locked(path);
	if (!pin) {
		err = core_error(-ENOENT, "pin '%s': nothing is pinned there", path);
	} else if (pin->kind != kind) {
		err = core_error(-EINVAL, "pin '%s': a %s is pinned there, not a %s", path,
				 core_kind_name(pin->kind), core_kind_name(kind));
	} else {
		/* The pin's own reference keeps the object alive while we hold the lock. */
		atomic_fetch_add(object_refcount(kind, pin->object), 1);
		*object = pin->object;
	}
	core_unlock();
	return err;
}

int ebpf_program_get_pinned(const char *path, struct ebpf_program **program)
{
	return pin_get(CORE_PROGRAM, path, (void **)program);
}

int ebpf_link_get_pinned(const char *path, struct ebpf_link **link)
{
	return pin_get(CORE_LINK, path, (void **)link);
}

int ebpf_map_get_pinned(const char *path, struct ebpf_map **map)
{
	int err = pin_get(CORE_MAP, path, (void **)map);

	if (err != -ENOENT)
		return err;
	/* Not in this process's table: a shared map's pin file, if one is there. */
	err = ebpf_map_open_pinned(path, map);
	if (err == -ENOENT)
		return core_error(err, "pin '%s': nothing is pinned there", path);
	return err;
}

void core_pins_clear(void)
{
	struct core_pin *pins;

	core_lock();
	pins = core_rt.pins;
	core_rt.pins = NULL;
	core_unlock();
	while (pins) {
		struct core_pin *next = pins->next;

		pin_free(pins);
		pins = next;
	}
}
