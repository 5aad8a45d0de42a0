// SPDX-License-Identifier: MIT
/*
 * The special fields of a BTF map's value type, as Linux's btf_parse_fields finds them: a
 * struct bpf_spin_lock member (at most one, 4-byte aligned), a struct bpf_timer (at most one,
 * 8-byte aligned, in hash, LRU hash and array maps only) and kernel pointers tagged __kptr or
 * __kptr_untrusted (btf_type_tag("kptr"), "kptr_untrusted"; "kptr_ref" is the older spelling of
 * "kptr"). Nested structs and unions are searched too, their offsets added up; arrays of structs
 * holding such fields are refused, as Linux refuses more than one lock.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "loader/loader_internal.h"

#define FIELDS_MAX	16 /* Linux's BTF_FIELDS_MAX is 11; anything sensible fits */
#define FIELD_DEPTH_MAX 8

struct field_walk {
	struct loader_ctx *ctx;
	struct loader_map *map;
	const char *value_type; /* for messages */
};

static int add_field(struct field_walk *w, enum verifier_field_kind kind, uint32_t off,
		     uint32_t size, const char *type_name)
{
	struct loader_map *map = w->map;
	struct verifier_field *f;

	if (map->field_count == FIELDS_MAX)
		return loader_err(w->ctx, -E2BIG,
				  "map '%s': value type '%s' has more than %d special fields "
				  "(spin locks, timers, kptrs)",
				  map->name, w->value_type, FIELDS_MAX);
	if (!map->fields) {
		map->fields = calloc(FIELDS_MAX, sizeof(*map->fields));
		if (!map->fields)
			return loader_err(w->ctx, -ENOMEM, "out of memory");
	}
	f = &map->fields[map->field_count];
	*f = (struct verifier_field){ .kind = kind, .off = off, .size = size };
	if (type_name) {
		f->type_name = strdup(type_name);
		if (!f->type_name)
			return loader_err(w->ctx, -ENOMEM, "out of memory");
	}
	map->field_count++;
	return 0;
}

/* A struct bpf_spin_lock or struct bpf_timer: one per value, aligned to `align`. */
static int add_single(struct field_walk *w, enum verifier_field_kind kind, const char *name,
		      uint32_t off, uint32_t size, uint32_t align)
{
	for (uint32_t i = 0; i < w->map->field_count; i++) {
		if (w->map->fields[i].kind == kind)
			return loader_err(w->ctx, -EINVAL,
					  "map '%s': value type '%s' has more than one struct %s "
					  "(at offsets %u and %u; Linux allows one)",
					  w->map->name, w->value_type, name, w->map->fields[i].off,
					  off);
	}
	if (off % align)
		return loader_err(w->ctx, -EINVAL,
				  "map '%s': struct %s at offset %u of value type '%s' is not "
				  "%u-byte aligned",
				  w->map->name, name, off, w->value_type, align);
	return add_field(w, kind, off, size, NULL);
}

/* Linux's map_check_btf: a timer lives in the values of these maps only. */
static int check_timer_map(struct loader_ctx *ctx, const struct loader_map *map, const char *type)
{
	const struct verifier_field *timer = loader_map_timer(map);

	if (!timer || map->type == EBPF_MAP_TYPE_HASH || map->type == EBPF_MAP_TYPE_LRU_HASH ||
	    map->type == EBPF_MAP_TYPE_ARRAY)
		return 0;
	return loader_err(ctx, -EINVAL,
			  "map '%s': value type '%s' holds a struct bpf_timer (offset %u), which "
			  "only hash, LRU hash and array maps may hold, as on Linux",
			  map->name, type, timer->off);
}

/* The kptr kind a pointer's type tags give it, 0 for a plain pointer; *target gets the struct. */
static int kptr_kind(const struct loader_btf *btf, const struct btf_type *ptr,
		     const struct btf_type **target)
{
	const struct btf_type *t = loader_btf_type(btf, ptr->type);
	int kind = 0, depth;

	for (depth = 0; t && depth < FIELD_DEPTH_MAX; depth++) {
		uint32_t k = BTF_INFO_KIND(t->info);
		const char *tag;

		if (k != BTF_KIND_TYPE_TAG && k != BTF_KIND_CONST && k != BTF_KIND_VOLATILE &&
		    k != BTF_KIND_RESTRICT)
			break;
		tag = k == BTF_KIND_TYPE_TAG ? loader_btf_str(btf, t->name_off) : NULL;
		if (tag && (!strcmp(tag, "kptr") || !strcmp(tag, "kptr_ref")))
			kind = VERIFIER_FIELD_KPTR_REF;
		else if (tag && !strcmp(tag, "kptr_untrusted"))
			kind = VERIFIER_FIELD_KPTR_UNTRUSTED;
		t = loader_btf_type(btf, t->type);
	}
	*target = t;
	return kind;
}

static int walk_type(struct field_walk *w, uint32_t type_id, uint32_t off, int depth);

static int walk_kptr(struct field_walk *w, const struct btf_type *ptr, uint32_t off)
{
	const struct btf_type *target = NULL;
	int kind = kptr_kind(&w->ctx->btf, ptr, &target);
	const char *name;

	if (!kind)
		return 0;
	name = target ? loader_btf_str(&w->ctx->btf, target->name_off) : NULL;
	if (!target || BTF_INFO_KIND(target->info) != BTF_KIND_STRUCT || !name || !*name)
		return loader_err(w->ctx, -EINVAL,
				  "map '%s': kptr at offset %u of value type '%s' does not point "
				  "to a named struct",
				  w->map->name, off, w->value_type);
	if (off % 8)
		return loader_err(w->ctx, -EINVAL,
				  "map '%s': kptr at offset %u of value type '%s' is not 8-byte "
				  "aligned",
				  w->map->name, off, w->value_type);
	return add_field(w, kind, off, 8, name);
}

static int walk_members(struct field_walk *w, const struct btf_type *t, uint32_t off, int depth)
{
	const struct btf_member *m = (const struct btf_member *)(t + 1);
	bool bitfields = BTF_INFO_KFLAG(t->info);
	int err;

	for (uint16_t i = 0; i < BTF_INFO_VLEN(t->info); i++) {
		uint32_t bits = bitfields ? BTF_MEMBER_BIT_OFFSET(m[i].offset) : m[i].offset;

		if (bitfields && BTF_MEMBER_BITFIELD_SIZE(m[i].offset))
			continue; /* an integer bit field holds no special field */
		err = walk_type(w, m[i].type, off + bits / 8, depth + 1);
		if (err)
			return err;
	}
	return 0;
}

/* An array of elements with special fields: Linux finds one field per kind at most. */
static int walk_array(struct field_walk *w, const struct btf_type *t, uint32_t off, int depth)
{
	const struct btf_array *arr = (const struct btf_array *)(t + 1);
	uint32_t before = w->map->field_count;
	int err;

	if (!arr->nelems)
		return 0;
	err = walk_type(w, arr->type, off, depth + 1);
	if (err || w->map->field_count == before || arr->nelems == 1)
		return err;
	return loader_err(w->ctx, -EINVAL,
			  "map '%s': value type '%s' has an array of %u elements holding a spin "
			  "lock, timer or kptr at offset %u (not supported, as on Linux)",
			  w->map->name, w->value_type, arr->nelems, w->map->fields[before].off);
}

static int walk_type(struct field_walk *w, uint32_t type_id, uint32_t off, int depth)
{
	const struct btf_type *t;
	const char *name;

	if (depth > FIELD_DEPTH_MAX)
		return 0; /* as Linux: fields that deep are not looked for */
	t = loader_btf_skip_mods(&w->ctx->btf, type_id, NULL);
	if (!t)
		return 0;
	switch (BTF_INFO_KIND(t->info)) {
	case BTF_KIND_STRUCT:
		name = loader_btf_str(&w->ctx->btf, t->name_off);
		if (name && !strcmp(name, "bpf_spin_lock"))
			return add_single(w, VERIFIER_FIELD_SPIN_LOCK, name, off, 4, 4);
		if (name && !strcmp(name, "bpf_timer"))
			return add_single(w, VERIFIER_FIELD_TIMER, name, off, 16, 8);
		return walk_members(w, t, off, depth);
	case BTF_KIND_UNION:
		return walk_members(w, t, off, depth);
	case BTF_KIND_ARRAY:
		return walk_array(w, t, off, depth);
	case BTF_KIND_PTR:
		return walk_kptr(w, t, off);
	default:
		return 0;
	}
}

static int cmp_field(const void *a, const void *b)
{
	const struct verifier_field *x = a, *y = b;

	return x->off < y->off ? -1 : x->off > y->off;
}

int loader_map_fields(struct loader_ctx *ctx, int index, uint32_t value_type_id)
{
	struct loader_map *map = &ctx->obj->maps[index];
	char type[128];
	struct field_walk w = { .ctx = ctx, .map = map, .value_type = type };
	const struct btf_type *t = loader_btf_skip_mods(&ctx->btf, value_type_id, NULL);
	int err;

	/* Linux looks for fields in struct values only. */
	if (!t || BTF_INFO_KIND(t->info) != BTF_KIND_STRUCT)
		return 0;
	loader_btf_type_name(&ctx->btf, value_type_id, type, sizeof(type));
	err = walk_members(&w, t, 0, 0);
	if (err)
		return err;
	if (map->field_count > 1)
		qsort(map->fields, map->field_count, sizeof(*map->fields), cmp_field);
	return check_timer_map(ctx, map, type);
}

static const struct verifier_field *map_field(const struct loader_map *map,
					      enum verifier_field_kind kind)
{
	for (uint32_t i = 0; i < map->field_count; i++) {
		if (map->fields[i].kind == kind)
			return &map->fields[i];
	}
	return NULL;
}

const struct verifier_field *loader_map_spin_lock(const struct loader_map *map)
{
	return map_field(map, VERIFIER_FIELD_SPIN_LOCK);
}

const struct verifier_field *loader_map_timer(const struct loader_map *map)
{
	return map_field(map, VERIFIER_FIELD_TIMER);
}
