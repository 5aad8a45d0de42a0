// SPDX-License-Identifier: MIT
/*
 * Configuring a parsed object before its load (libbpf's bpf_program__set_* and bpf_map__set_*
 * between bpf_object__open and bpf_object__load): program types, autoload, attach targets, map
 * definitions, global data. Every call edits the parse (struct loader_object) or the object's
 * per-program configuration; core_object_load then reads them as if the object had said so.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include "core/btf_attach.h"
#include "core/core.h"
#include "core/error.h"
#include "loader/loader.h"

/* ---- lookups ----------------------------------------------------------------------------- */

static int find_program(struct ebpf_object *obj, const char *name, size_t *index)
{
	int err = obj ? core_object_configurable(obj) : core_error(-EINVAL, "object: NULL");

	if (err)
		return err;
	if (!name)
		return core_error(-EINVAL, "object '%s': no program name", obj->name);
	for (size_t i = 0; i < obj->lo->program_count; i++) {
		const struct loader_program *lp = &obj->lo->programs[i];

		if (!strcmp(lp->name, name) || !strcmp(lp->section, name)) {
			*index = i;
			return 0;
		}
	}
	return core_error(-ENOENT, "object '%s': no program or section named '%s'", obj->name,
			  name);
}

static int find_map(struct ebpf_object *obj, const char *name, struct loader_map **map)
{
	int err = obj ? core_object_configurable(obj) : core_error(-EINVAL, "object: NULL");

	if (err)
		return err;
	if (!name)
		return core_error(-EINVAL, "object '%s': no map name", obj->name);
	for (size_t i = 0; i < obj->lo->map_count; i++) {
		if (!strcmp(obj->lo->maps[i].name, name)) {
			*map = &obj->lo->maps[i];
			return 0;
		}
	}
	return core_error(-ENOENT, "object '%s': no map named '%s'", obj->name, name);
}

/* A map the object declares (not global data, whose definition is its section's). */
static int find_user_map(struct ebpf_object *obj, const char *name, const char *what,
			 struct loader_map **map)
{
	int err = find_map(obj, name, map);

	if (err)
		return err;
	if ((*map)->kind != LOADER_MAP_USER)
		return core_error(-EINVAL,
				  "object '%s': map '%s' holds the section's global data: its %s "
				  "is the section's",
				  obj->name, name, what);
	return 0;
}

static bool is_kconfig(const struct ebpf_object *obj, const struct loader_map *map)
{
	return obj->lo->kconfig_map >= 0 && map == &obj->lo->maps[obj->lo->kconfig_map];
}

/* ---- programs ---------------------------------------------------------------------------- */

/* Re-records the current message with a prefix naming the object and program. */
static int error_in_object(const struct ebpf_object *object, const char *program, int err)
{
	char saved[1024];

	snprintf(saved, sizeof(saved), "%s", ebpf_last_error());
	return core_error(err, "object '%s': program '%s': %s", object->name, program, saved);
}

static int replace_string(char **field, const char *value)
{
	char *copy = value ? strdup(value) : NULL;

	if (value && !copy)
		return -ENOMEM;
	free(*field);
	*field = copy;
	return 0;
}

static int type_exists_cb(const struct ebpf_program_info *info, void *arg)
{
	return !strcmp(info->name, arg);
}

int ebpf_object_set_program_type(struct ebpf_object *object, const char *program, const char *type)
{
	size_t i;
	int err;

	core_error_clear();
	err = find_program(object, program, &i);
	if (err)
		return err;
	if (!type || ebpf_foreach_program_type(type_exists_cb, (void *)type) <= 0)
		return core_error(-ENOENT,
				  "object '%s': program '%s': no loaded extension provides "
				  "program type '%s'",
				  object->name, program, type ? type : "(null)");
	if (replace_string(&object->config[i].type_name, type))
		return core_error(-ENOMEM, "object '%s': out of memory", object->name);
	return 0;
}

struct type_by_guid {
	const nmr_guid_t *guid;
	char name[64];
};

static int type_guid_cb(const struct ebpf_program_info *info, void *arg)
{
	struct type_by_guid *t = arg;

	if (!nmr_guid_equal(&info->program_type, t->guid))
		return 0;
	snprintf(t->name, sizeof(t->name), "%s", info->name);
	return 1;
}

int ebpf_object_set_program_type_guid(struct ebpf_object *object, const char *program,
				      const nmr_guid_t *type)
{
	struct type_by_guid t = { .guid = type };
	char text[NMR_GUID_STRING_SIZE];
	size_t i;
	int err;

	core_error_clear();
	err = find_program(object, program, &i);
	if (err)
		return err;
	if (!type)
		return core_error(-EINVAL, "object '%s': program '%s': no program type GUID",
				  object->name, program);
	if (ebpf_foreach_program_type(type_guid_cb, &t) <= 0)
		return core_error(-ENOENT,
				  "object '%s': program '%s': no loaded extension provides program "
				  "type %s",
				  object->name, program, nmr_guid_format(type, text));
	return ebpf_object_set_program_type(object, program, t.name);
}

int ebpf_object_set_autoload(struct ebpf_object *object, const char *program, bool autoload)
{
	size_t i;
	int err;

	core_error_clear();
	err = find_program(object, program, &i);
	if (err)
		return err;
	object->config[i].skip = !autoload;
	return 0;
}

int ebpf_object_set_attach_target(struct ebpf_object *object, const char *program,
				  const struct ebpf_program *target_program, const char *function)
{
	size_t i;
	int err;

	core_error_clear();
	err = find_program(object, program, &i);
	if (err)
		return err;
	if (!function || !function[0])
		return core_error(-EINVAL, "object '%s': program '%s': no attach target function",
				  object->name, program);
	if (target_program && (err = core_btf_attach_prog_check(target_program, function)))
		return error_in_object(object, program, err);
	if (replace_string(&object->config[i].attach_target, function))
		return core_error(-ENOMEM, "object '%s': out of memory", object->name);
	if (object->config[i].attach_prog)
		ebpf_program_release(object->config[i].attach_prog);
	if (target_program)
		ebpf_program_acquire((struct ebpf_program *)target_program);
	object->config[i].attach_prog = (struct ebpf_program *)target_program;
	return 0;
}

/* ---- maps -------------------------------------------------------------------------------- */

enum map_field { MAP_MAX_ENTRIES, MAP_KEY_SIZE, MAP_VALUE_SIZE, MAP_FLAGS };

static int set_map_field(struct ebpf_object *object, const char *name, enum map_field field,
			 uint32_t value)
{
	static const char *const what[] = { "max_entries", "key size", "value size", "flags" };
	struct loader_map *map;
	int err;

	core_error_clear();
	err = find_user_map(object, name, what[field], &map);
	if (err)
		return err;
	switch (field) {
	case MAP_MAX_ENTRIES:
		map->max_entries = value;
		break;
	case MAP_KEY_SIZE:
		map->key_size = value;
		break;
	case MAP_VALUE_SIZE:
		map->value_size = value;
		break;
	case MAP_FLAGS:
		map->map_flags = value;
		break;
	}
	return 0;
}

int ebpf_object_set_map_max_entries(struct ebpf_object *object, const char *map,
				    uint32_t max_entries)
{
	return set_map_field(object, map, MAP_MAX_ENTRIES, max_entries);
}

int ebpf_object_set_map_key_size(struct ebpf_object *object, const char *map, uint32_t key_size)
{
	return set_map_field(object, map, MAP_KEY_SIZE, key_size);
}

int ebpf_object_set_map_value_size(struct ebpf_object *object, const char *map, uint32_t value_size)
{
	return set_map_field(object, map, MAP_VALUE_SIZE, value_size);
}

int ebpf_object_set_map_flags(struct ebpf_object *object, const char *map, uint32_t map_flags)
{
	return set_map_field(object, map, MAP_FLAGS, map_flags);
}

static bool map_of_maps(const struct loader_map *map)
{
	return map->type == EBPF_MAP_TYPE_ARRAY_OF_MAPS || map->type == EBPF_MAP_TYPE_HASH_OF_MAPS;
}

int ebpf_object_set_map_inner(struct ebpf_object *object, const char *map, const char *inner)
{
	struct loader_map *outer, *template;
	int err;

	core_error_clear();
	err = find_user_map(object, map, "inner map", &outer);
	if (!err)
		err = find_user_map(object, inner, "use as an inner map", &template);
	if (err)
		return err;
	if (!map_of_maps(outer))
		return core_error(-EINVAL,
				  "object '%s': map '%s' is not a map of maps: it has no inner map",
				  object->name, map);
	if (template == outer || map_of_maps(template))
		return core_error(-EINVAL,
				  "object '%s': map '%s' cannot be the inner map of '%s' (itself, "
				  "or a map of maps)",
				  object->name, inner, map);
	outer->inner_map = (int32_t)(template - object->lo->maps);
	return 0;
}

/* ---- global data ------------------------------------------------------------------------- */

/* The writable image of a global data map, allocated (zeroed) for .bss. */
static int global_image(struct ebpf_object *obj, const char *name, struct loader_map **map)
{
	int err = find_map(obj, name, map);

	if (err)
		return err;
	if ((*map)->kind == LOADER_MAP_USER)
		return core_error(
		    -EINVAL,
		    "object '%s': map '%s' is not global data (.rodata, .data, .bss): "
		    "it has no initial value",
		    obj->name, name);
	if (is_kconfig(obj, *map))
		return core_error(
		    -EINVAL,
		    "object '%s': map '%s' is filled from the kernel configuration at "
		    "load",
		    obj->name, name);
	if (!(*map)->initial_data && !((*map)->initial_data = calloc(1, (*map)->value_size)))
		return core_error(-ENOMEM, "object '%s': out of memory", obj->name);
	return 0;
}

void *ebpf_object_initial_value(struct ebpf_object *object, const char *map, size_t *size)
{
	struct loader_map *lm;

	core_error_clear();
	if (global_image(object, map, &lm))
		return NULL;
	if (size)
		*size = lm->value_size;
	return lm->initial_data;
}

int ebpf_object_set_initial_value(struct ebpf_object *object, const char *map, const void *data,
				  size_t size)
{
	struct loader_map *lm;
	int err;

	core_error_clear();
	err = global_image(object, map, &lm);
	if (err)
		return err;
	if (!data || size != lm->value_size)
		return core_error(-EINVAL,
				  "object '%s': map '%s': its initial value is %u bytes, not %zu",
				  object->name, map, lm->value_size, data ? size : 0);
	memcpy(lm->initial_data, data, size);
	return 0;
}

/* Where variable name is: its section's DATASEC in the object's BTF and its place there. */
struct global_place {
	const char *section;
	uint32_t offset;
	uint32_t size;
};

static int find_in_datasec(const struct btf *btf, const struct btf_type *sec, const char *name,
			   struct global_place *place)
{
	const struct btf_var_secinfo *v = btf_var_secinfos(sec);

	for (uint16_t i = 0; i < btf_vlen(sec); i++, v++) {
		const struct btf_type *var = btf__type_by_id(btf, v->type);

		if (!var || !btf_is_var(var) ||
		    strcmp(btf__name_by_offset(btf, var->name_off), name))
			continue;
		place->section = btf__name_by_offset(btf, sec->name_off);
		place->offset = v->offset;
		place->size = v->size;
		return 1;
	}
	return 0;
}

static int find_global(struct ebpf_object *obj, const char *name, struct loader_map **map,
		       struct global_place *place)
{
	struct btf *btf;
	int found = 0, err;

	err = obj ? core_object_configurable(obj) : core_error(-EINVAL, "object: NULL");
	if (err)
		return err;
	if (!name || !obj->lo->btf)
		return core_error(name ? -ENOENT : -EINVAL, "object '%s': %s", obj->name,
				  name ? "no BTF: global variables are known by name only from it"
				       : "no global variable name");
	btf = btf__new(obj->lo->btf, (uint32_t)obj->lo->btf_size);
	if (!btf)
		return core_error(-EINVAL, "object '%s': its BTF cannot be read", obj->name);
	for (uint32_t id = 1; id < btf__type_cnt(btf) && !found; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);

		if (btf_is_datasec(t))
			found = find_in_datasec(btf, t, name, place);
	}
	err = found ? global_image(obj, place->section, map) : -ENOENT;
	btf__free(btf); /* place->section pointed into it: only the map's name is used below */
	place->section = NULL;
	if (err == -ENOENT && !found)
		return core_error(-ENOENT, "object '%s': no global variable named '%s'", obj->name,
				  name);
	if (!err && (uint64_t)place->offset + place->size > (*map)->value_size)
		err = core_error(-EINVAL, "object '%s': global '%s' lies outside map '%s'",
				 obj->name, name, (*map)->name);
	return err;
}

void *ebpf_object_global(struct ebpf_object *object, const char *name, size_t *size)
{
	struct global_place place;
	struct loader_map *map;

	core_error_clear();
	if (find_global(object, name, &map, &place))
		return NULL;
	if (size)
		*size = place.size;
	return (uint8_t *)map->initial_data + place.offset;
}

int ebpf_object_set_global(struct ebpf_object *object, const char *name, const void *value,
			   size_t size)
{
	struct global_place place;
	struct loader_map *map;
	int err;

	core_error_clear();
	err = find_global(object, name, &map, &place);
	if (err)
		return err;
	if (!value || size != place.size)
		return core_error(-EINVAL,
				  "object '%s': global '%s' in map '%s' is %u bytes, not %zu",
				  object->name, name, map->name, place.size, value ? size : 0);
	memcpy((uint8_t *)map->initial_data + place.offset, value, size);
	return 0;
}

/* ---- what was parsed --------------------------------------------------------------------- */

/* The index-th program (or map) of a parsed object exists and def has room for its size. */
static int parsed(const struct ebpf_object *obj, const void *def, size_t index, bool program)
{
	int err = obj ? core_object_configurable(obj) : core_error(-EINVAL, "object: NULL");

	if (!err && !def)
		err = core_error(-EINVAL, "object '%s': no place for the definition", obj->name);
	if (err)
		return err;
	return index < (program ? obj->lo->program_count : obj->lo->map_count) ? 0 : -ENOENT;
}

/* A definition copied as far as the caller's version of it goes (its leading sz says). */
static void copy_def(void *def, const void *d, size_t size)
{
	size_t n = *(const size_t *)def < size ? *(const size_t *)def : size;

	memcpy(def, d, n);
	*(size_t *)def = n;
}

int ebpf_object_program_def(const struct ebpf_object *object, size_t index,
			    struct ebpf_object_program_def *def)
{
	struct ebpf_object_program_def d = { .sz = sizeof(d) };
	const struct loader_program *lp;
	int err;

	core_error_clear();
	err = parsed(object, def, index, true);
	if (err)
		return err;
	lp = &object->lo->programs[index];
	d.name = lp->name;
	d.section = lp->section;
	d.type = object->config[index].type_name;
	d.attach_target = object->config[index].attach_target;
	d.autoload = !object->config[index].skip;
	d.insn_count = lp->insn_count;
	copy_def(def, &d, sizeof(d));
	return 0;
}

int ebpf_object_map_def(const struct ebpf_object *object, size_t index,
			struct ebpf_object_map_def *def)
{
	struct ebpf_object_map_def d = { .sz = sizeof(d) };
	const struct loader_map *lm;
	int err;

	core_error_clear();
	err = parsed(object, def, index, false);
	if (err)
		return err;
	lm = &object->lo->maps[index];
	d.name = lm->name;
	d.type = lm->type;
	d.key_size = lm->key_size;
	d.value_size = lm->value_size;
	d.max_entries = lm->max_entries;
	d.map_flags = lm->map_flags;
	d.inner_map = lm->inner_map >= 0 ? object->lo->maps[lm->inner_map].name : NULL;
	d.unset = loader_map_unset(lm);
	copy_def(def, &d, sizeof(d));
	return 0;
}
