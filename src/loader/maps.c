// SPDX-License-Identifier: MIT
/*
 * Map definitions, in libbpf's order: legacy `maps` (struct bpf_map_def per symbol), BTF-defined
 * `.maps` (each variable a struct of __uint/__type/__array members), then one array map per
 * global-data section. Program arrays and maps of maps initialised with `.values = { ... }` get
 * their (slot, object) pairs from the relocations of .maps.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader/loader_internal.h"
#include "maps/maps.h"
#include "verifier/verifier.h"

/* What the members of a BTF map definition say. */
struct map_def {
	uint32_t type, key_size, value_size, max_entries, map_flags, pinning;
	bool has_key_size, has_value_size;
	bool key_typed, value_typed;	 /* given by __type(key|value, T) */
	uint32_t value_type_id;		 /* T of __type(value, T) */
	const struct btf_member *values; /* __array(values, ...) */
};

/* A legacy definition holds at least type, key size, value size and max entries. */
#define LEGACY_DEF_MIN (4 * sizeof(uint32_t))

static int add_init(struct loader_ctx *ctx, struct loader_map *map, uint32_t slot, uint32_t value);

/* Cilium's CILIUM_PIN_REPLACE (1 << 4), the pinning of its tail-call map cilium_calls. */
#define BTF_PIN_REPLACE 16u

/* iproute2's pinning values (struct bpf_elf_map .pinning) */
#define ELF_PIN_NONE	  0
#define ELF_PIN_OBJECT_NS 1
#define ELF_PIN_GLOBAL_NS 2
/* iproute2's "put this map in no outer map" (struct bpf_elf_map .inner_idx) */
#define ELF_NO_INNER_IDX  UINT32_MAX

static int add_map(struct loader_ctx *ctx, const char *name, enum loader_map_kind kind)
{
	struct loader_object *obj = ctx->obj;
	struct loader_map *map;

	if (obj->map_count == ctx->maps_cap) {
		size_t n = ctx->maps_cap ? ctx->maps_cap * 2 : 8;
		void *maps, *origins;

		maps = realloc(obj->maps, n * sizeof(*obj->maps));
		if (maps)
			obj->maps = maps;
		origins = realloc(ctx->origins, n * sizeof(*ctx->origins));
		if (origins)
			ctx->origins = origins;
		if (!maps || !origins)
			return loader_err(ctx, -ENOMEM, "out of memory");
		ctx->maps_cap = n;
	}
	map = &obj->maps[obj->map_count];
	memset(map, 0, sizeof(*map));
	memset(&ctx->origins[obj->map_count], 0, sizeof(ctx->origins[0]));
	map->inner_map = -1;
	map->kind = kind;
	map->name = strdup(name);
	if (!map->name)
		return loader_err(ctx, -ENOMEM, "out of memory");
	return (int)obj->map_count++;
}

int loader_add_map(struct loader_ctx *ctx, const char *name, enum loader_map_kind kind)
{
	return add_map(ctx, name, kind);
}

int loader_map_by_offset(struct loader_ctx *ctx, size_t sec, uint64_t offset)
{
	size_t i;

	for (i = 0; i < ctx->obj->map_count; i++) {
		if (ctx->origins[i].sec == sec && ctx->origins[i].offset == offset)
			return (int)i;
	}
	return -ENOENT;
}

/* Linux's user ring buffer: no map type of the core's, but declared as a ring buffer is. */
#define LINUX_MAP_TYPE_USER_RINGBUF 31

static bool is_ring(uint32_t type)
{
	return type == EBPF_MAP_TYPE_RINGBUF || type == LINUX_MAP_TYPE_USER_RINGBUF;
}

static bool needs_key(uint32_t type)
{
	return type != EBPF_MAP_TYPE_QUEUE && type != EBPF_MAP_TYPE_STACK && !is_ring(type);
}

/* Storage maps hold one value per kernel object: Linux requires max_entries 0. */
/*
 * The checks every map type shares; the maps module validates each type in detail. Sizes wait
 * for loader_check_maps: a host may set them between parsing and loading (libbpf's
 * bpf_map__set_max_entries on a map declared without one), or loader_size_maps sizes them (a
 * perf event array's max_entries, a stack trace map's value size and max_entries).
 */
static int check_map(struct loader_ctx *ctx, const struct loader_map *map)
{
	if (map->type == EBPF_MAP_TYPE_UNSPEC)
		return loader_err(ctx, -EINVAL, "map '%s': no map type", map->name);
	if (map_type_is_storage(map->type) && map->max_entries)
		return loader_err(ctx, -EINVAL,
				  "map '%s': max_entries is %u, a storage map's must be 0 (one "
				  "value per kernel object)",
				  map->name, map->max_entries);
	return 0;
}

/* ---- Legacy maps ------------------------------------------------------------------------- */

/* A hash of the object's bytes names its PIN_OBJECT_NS directory (iproute2 uses the file's
 * SHA-1; the pin namespace is the runtime's own, so any stable digest of the bytes serves). */
static uint64_t object_digest(const struct loader_ctx *ctx)
{
	const uint8_t *p = ctx->image;
	uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a */

	for (size_t i = 0; i < ctx->size; i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	return h;
}

static int set_pin_path(struct loader_ctx *ctx, struct loader_map *map)
{
	char path[320];

	switch (map->pinning) {
	case LOADER_PIN_NONE:
		return 0;
	case LOADER_PIN_OBJECT_NS:
		snprintf(path, sizeof(path), "tc/%016llx/%s",
			 (unsigned long long)object_digest(ctx), map->name);
		break;
	case LOADER_PIN_GLOBAL_NS:
		snprintf(path, sizeof(path), "tc/globals/%s", map->name);
		break;
	default:
		snprintf(path, sizeof(path), "%s", map->name);
		break;
	}
	map->pin_path = strdup(path);
	return map->pin_path ? 0 : loader_err(ctx, -ENOMEM, "out of memory");
}

static int legacy_pinning(struct loader_ctx *ctx, const char *name, uint32_t pinning, uint32_t *out)
{
	static const uint32_t to_loader[] = {
		[ELF_PIN_NONE] = LOADER_PIN_NONE,
		[ELF_PIN_OBJECT_NS] = LOADER_PIN_OBJECT_NS,
		[ELF_PIN_GLOBAL_NS] = LOADER_PIN_GLOBAL_NS,
	};

	if (pinning > ELF_PIN_GLOBAL_NS)
		return loader_err(ctx, -EINVAL,
				  "legacy map '%s': unsupported pinning %u (struct bpf_elf_map "
				  "knows PIN_NONE 0, PIN_OBJECT_NS 1, PIN_GLOBAL_NS 2)",
				  name, pinning);
	*out = to_loader[pinning];
	return 0;
}

static int legacy_map(struct loader_ctx *ctx, const GElf_Sym *sym, uint64_t def_size)
{
	const struct loader_sec *sec = &ctx->secs[ctx->maps_legacy];
	const char *name = loader_sym_name(ctx, sym);
	struct loader_legacy_def def;
	struct loader_map *map;
	int index, err;

	if (!sec->data || sym->st_value > sec->data->d_size ||
	    def_size > sec->data->d_size - sym->st_value)
		return loader_err(ctx, -EINVAL,
				  "legacy map '%s': definition (%llu bytes at offset %llu) lies "
				  "outside section 'maps'",
				  name, (unsigned long long)def_size,
				  (unsigned long long)sym->st_value);
	if (def_size < LEGACY_DEF_MIN)
		return loader_err(ctx, -EINVAL,
				  "legacy map '%s': definition of %llu bytes is too "
				  "small (struct bpf_map_def has %zu)",
				  name, (unsigned long long)def_size, LEGACY_DEF_MIN + 4);
	err = loader_legacy_def_read(ctx, name, (const uint8_t *)sec->data->d_buf + sym->st_value,
				     def_size, &def);
	if (err)
		return err;
	index = add_map(ctx, name, LOADER_MAP_USER);
	if (index < 0)
		return index;
	map = &ctx->obj->maps[index];
	map->type = def.val[LEGACY_TYPE];
	map->key_size = def.val[LEGACY_KEY_SIZE];
	map->value_size = def.val[LEGACY_VALUE_SIZE];
	map->max_entries = def.val[LEGACY_MAX_ENTRIES];
	map->map_flags = def.val[LEGACY_FLAGS];
	/* numa_node places the kernel's memory: nothing to do in user space. */
	ctx->origins[index] = (struct loader_map_origin){
		.sec = ctx->maps_legacy,
		.offset = sym->st_value,
		.size = def_size,
		.elf_id = def.val[LEGACY_ID],
		.inner_id = def.val[LEGACY_INNER_ID],
		.inner_idx =
		    def.has[LEGACY_INNER_IDX] ? def.val[LEGACY_INNER_IDX] : ELF_NO_INNER_IDX,
		.inner_map_idx = def.val[LEGACY_INNER_MAP_IDX],
		.has_inner_map_idx = def.has[LEGACY_INNER_MAP_IDX],
	};
	err = legacy_pinning(ctx, name, def.val[LEGACY_PINNING], &map->pinning);
	if (!err)
		err = set_pin_path(ctx, map);
	return err ? err : check_map(ctx, map);
}

static int cmp_sym_value(const void *a, const void *b)
{
	const GElf_Sym *x = a, *y = b;

	return x->st_value < y->st_value ? -1 : x->st_value > y->st_value;
}

/*
 * Older clang gives the map symbols of `maps` no size: then every definition has the size of
 * the section divided by the number of maps (libbpf's rule).
 */
static int legacy_def_size(struct loader_ctx *ctx, const GElf_Sym *sym, size_t n, uint64_t *size)
{
	uint64_t sec_size = ctx->secs[ctx->maps_legacy].shdr.sh_size;

	if (sym->st_size) {
		*size = sym->st_size;
		return 0;
	}
	if (!sec_size || sec_size % n)
		return loader_err(ctx, -EINVAL,
				  "legacy map '%s' has no size and section 'maps' (%llu bytes) "
				  "does not divide into its %zu map definitions",
				  loader_sym_name(ctx, sym), (unsigned long long)sec_size, n);
	*size = sec_size / n;
	return 0;
}

/* samples/bpf's maps of maps: inner_map_idx is the inner map's index among the section's maps
 * (first..end-1 in obj->maps, in offset order), the template of every inner map. */
static int legacy_inner_by_index(struct loader_ctx *ctx, size_t outer, size_t first, size_t end)
{
	struct loader_map *map = &ctx->obj->maps[outer];
	uint32_t idx = ctx->origins[outer].inner_map_idx;
	const struct loader_map *inner;

	if (idx >= end - first || first + idx == outer)
		return loader_err(ctx, -EINVAL,
				  "legacy map '%s': inner_map_idx %u names no other map of section "
				  "'maps' (it has %zu)",
				  map->name, idx, end - first);
	inner = &ctx->obj->maps[first + idx];
	if (inner->type == EBPF_MAP_TYPE_ARRAY_OF_MAPS || inner->type == EBPF_MAP_TYPE_HASH_OF_MAPS)
		return loader_err(
		    ctx, -EINVAL,
		    "legacy map '%s': inner_map_idx %u names '%s', itself a map of maps", map->name,
		    idx, inner->name);
	/* bpf_load.c created it with 4-byte values (bpf_create_map_in_map), so the samples leave
	 * value_size out; any other size the kernel would refuse. */
	if (map->value_size && map->value_size != sizeof(uint32_t))
		return loader_err(ctx, -EINVAL,
				  "legacy map '%s': value size %u, a map of maps holds 4-byte ids",
				  map->name, map->value_size);
	map->value_size = sizeof(uint32_t);
	map->inner_map = (int32_t)(first + idx);
	return 0;
}

/* iproute2's maps of maps: the outer map's inner_id names the map (by id) whose layout every
 * inner map has; that map goes into slot inner_idx of each such outer map. */
static int legacy_map_in_map(struct loader_ctx *ctx, size_t outer, size_t first, size_t end)
{
	struct loader_map *map = &ctx->obj->maps[outer];
	uint32_t inner_id = ctx->origins[outer].inner_id;
	int err;
	bool map_in_map =
	    map->type == EBPF_MAP_TYPE_ARRAY_OF_MAPS || map->type == EBPF_MAP_TYPE_HASH_OF_MAPS;

	if (!map_in_map)
		return 0;
	if (!inner_id && ctx->origins[outer].has_inner_map_idx)
		return legacy_inner_by_index(ctx, outer, first, end);
	if (!inner_id)
		return loader_err(ctx, -EINVAL,
				  "legacy map '%s': a map of maps needs inner_id, the id of its "
				  "inner map (struct bpf_elf_map)",
				  map->name);
	for (size_t i = 0; i < ctx->obj->map_count; i++) {
		const struct loader_map_origin *o = &ctx->origins[i];
		const struct loader_map *inner = &ctx->obj->maps[i];

		if (i == outer || o->sec != ctx->maps_legacy || o->elf_id != inner_id ||
		    o->inner_id)
			continue;
		if (map->inner_map < 0)
			map->inner_map = (int32_t)i;
		if (o->inner_idx == ELF_NO_INNER_IDX)
			continue;
		if (o->inner_idx >= map->max_entries)
			return loader_err(ctx, -EINVAL,
					  "legacy map '%s': inner_idx %u of map '%s' is beyond "
					  "max_entries %u",
					  inner->name, o->inner_idx, map->name, map->max_entries);
		err = add_init(ctx, map, o->inner_idx, (uint32_t)i);
		if (err)
			return err;
	}
	if (map->inner_map < 0)
		return loader_err(ctx, -EINVAL,
				  "legacy map '%s': inner_id %u names no map of section 'maps'",
				  map->name, inner_id);
	return 0;
}

/* One number of a tail-call section name, as iproute2 reads it with "%i": decimal, 0x hex or
 * 0 octal (__section_tail(0xabccba, 0) is "0xabccba/0"); *end is where it stops. */
static bool tail_call_number(const char *s, uint32_t *out, const char **end)
{
	unsigned long v;
	char *e;

	if (!isdigit((unsigned char)s[0]))
		return false;
	errno = 0;
	v = strtoul(s, &e, 0);
	if (errno || v > UINT32_MAX || e == s)
		return false;
	*out = (uint32_t)v;
	*end = e;
	return true;
}

bool loader_is_tail_call_section(const char *name, uint32_t *id, uint32_t *idx)
{
	const char *p;
	uint32_t a, b;

	if (!tail_call_number(name, &a, &p) || *p != '/' || !tail_call_number(p + 1, &b, &p) || *p)
		return false;
	if (id)
		*id = a;
	if (idx)
		*idx = b;
	return true;
}

/* tc's tail-call sections "ID/IDX": the program goes into slot IDX of the program array whose
 * struct bpf_elf_map has id ID. */
static int legacy_tail_call(struct loader_ctx *ctx, const struct loader_func *func)
{
	const char *section = ctx->secs[func->sec].name;
	uint32_t id, idx;
	int prog;

	if (!func->is_program || !loader_is_tail_call_section(section, &id, &idx))
		return 0;
	prog = loader_program_index(ctx, func->sec, (uint64_t)func->start * LOADER_INSN_SZ);
	for (size_t i = 0; i < ctx->obj->map_count; i++) {
		struct loader_map *map = &ctx->obj->maps[i];

		if (ctx->origins[i].sec != ctx->maps_legacy || ctx->origins[i].elf_id != id ||
		    map->type != EBPF_MAP_TYPE_PROG_ARRAY)
			continue;
		if (idx >= map->max_entries)
			return loader_err(ctx, -EINVAL,
					  "section '%s': slot %u is beyond max_entries %u of "
					  "program array '%s'",
					  section, idx, map->max_entries, map->name);
		return add_init(ctx, map, idx, (uint32_t)prog);
	}
	return loader_err(ctx, -EINVAL,
			  "section '%s': tail-call section, but no program array of section 'maps' "
			  "has id %u (struct bpf_elf_map .id)",
			  section, id);
}

static int collect_legacy(struct loader_ctx *ctx)
{
	GElf_Sym *syms, sym;
	uint64_t def_size = 0;
	size_t i, n = 0, first = ctx->obj->map_count;
	int err = 0;

	syms = calloc(ctx->sym_count ? ctx->sym_count : 1, sizeof(*syms));
	if (!syms)
		return loader_err(ctx, -ENOMEM, "out of memory");
	for (i = 1; i < ctx->sym_count; i++) {
		if (!loader_get_sym(ctx, i, &sym) && sym.st_shndx == ctx->maps_legacy &&
		    GELF_ST_TYPE(sym.st_info) != STT_SECTION)
			syms[n++] = sym;
	}
	qsort(syms, n, sizeof(*syms), cmp_sym_value);
	for (i = 0; i < n && !err; i++) {
		err = legacy_def_size(ctx, &syms[i], n, &def_size);
		if (!err)
			err = legacy_map(ctx, &syms[i], def_size);
	}
	free(syms);
	for (i = first; i < ctx->obj->map_count && !err; i++)
		err = legacy_map_in_map(ctx, i, first, ctx->obj->map_count);
	return err;
}

/* ---- BTF-defined maps -------------------------------------------------------------------- */

/* __uint(name, val) is `int (*name)[val]`: the value is the array's length. */
static int member_uint(struct loader_ctx *ctx, const char *map, const char *field,
		       const struct btf_member *m, uint32_t *val)
{
	const struct btf_type *t = loader_btf_skip_mods(&ctx->btf, m->type, NULL);
	const struct btf_type *arr;

	if (!t || BTF_INFO_KIND(t->info) != BTF_KIND_PTR)
		return loader_err(ctx, -EINVAL, "map '%s': field '%s' is not declared with __uint",
				  map, field);
	arr = loader_btf_type(&ctx->btf, t->type);
	if (!arr || BTF_INFO_KIND(arr->info) != BTF_KIND_ARRAY)
		return loader_err(ctx, -EINVAL, "map '%s': field '%s' is not declared with __uint",
				  map, field);
	*val = ((const struct btf_array *)(arr + 1))->nelems;
	return 0;
}

/* __type(name, T) is `T *name`: the size is T's. */
static int member_type_size(struct loader_ctx *ctx, const char *map, const char *field,
			    const struct btf_member *m, uint32_t *size)
{
	const struct btf_type *t = loader_btf_skip_mods(&ctx->btf, m->type, NULL);
	char type[128];
	uint64_t sz;

	if (!t || BTF_INFO_KIND(t->info) != BTF_KIND_PTR)
		return loader_err(ctx, -EINVAL, "map '%s': field '%s' is not declared with __type",
				  map, field);
	if (loader_btf_resolve_size(&ctx->btf, t->type, &sz) || sz > UINT32_MAX) {
		loader_btf_type_name(&ctx->btf, t->type, type, sizeof(type));
		return loader_err(ctx, -EINVAL, "map '%s': %s type '%s' has no size", map, field,
				  type);
	}
	*size = (uint32_t)sz;
	return 0;
}

/* T of a member declared `T *name` (__type), known to be a pointer. */
static uint32_t member_pointee(struct loader_ctx *ctx, const struct btf_member *m)
{
	return loader_btf_skip_mods(&ctx->btf, m->type, NULL)->type;
}

static int set_size(struct loader_ctx *ctx, const char *map, const char *what, uint32_t *dst,
		    bool *has, uint32_t val)
{
	if (*has && *dst != val)
		return loader_err(ctx, -EINVAL, "map '%s': conflicting %s sizes %u and %u", map,
				  what, *dst, val);
	*dst = val;
	*has = true;
	return 0;
}

static int parse_member(struct loader_ctx *ctx, const char *map, const struct btf_member *m,
			struct map_def *def)
{
	const char *field = loader_btf_str(&ctx->btf, m->name_off);
	uint32_t val, ignored;
	int err;

	if (!field || !*field)
		return loader_err(ctx, -EINVAL, "map '%s': anonymous field in definition", map);
	if (!strcmp(field, "type"))
		return member_uint(ctx, map, field, m, &def->type);
	if (!strcmp(field, "max_entries"))
		return member_uint(ctx, map, field, m, &def->max_entries);
	if (!strcmp(field, "map_flags"))
		return member_uint(ctx, map, field, m, &def->map_flags);
	if (!strcmp(field, "pinning"))
		return member_uint(ctx, map, field, m, &def->pinning);
	if (!strcmp(field, "numa_node") || !strcmp(field, "map_extra"))
		return member_uint(ctx, map, field, m, &ignored); /* meaningless here */
	if (!strcmp(field, "key_size") || !strcmp(field, "key")) {
		err = field[3] ? member_uint(ctx, map, field, m, &val)
			       : member_type_size(ctx, map, field, m, &val);
		def->key_typed |= !field[3];
		return err ? err
			   : set_size(ctx, map, "key", &def->key_size, &def->has_key_size, val);
	}
	if (!strcmp(field, "value_size") || !strcmp(field, "value")) {
		err = field[5] ? member_uint(ctx, map, field, m, &val)
			       : member_type_size(ctx, map, field, m, &val);
		def->value_typed |= !field[5];
		if (!field[5] && !err)
			def->value_type_id = member_pointee(ctx, m);
		return err ? err
			   : set_size(ctx, map, "value", &def->value_size, &def->has_value_size,
				      val);
	}
	if (!strcmp(field, "values")) {
		def->values = m;
		return 0;
	}
	return loader_err(ctx, -EINVAL, "map '%s': unknown field '%s' in definition", map, field);
}

static int parse_def(struct loader_ctx *ctx, const char *map, const struct btf_type *t,
		     struct map_def *def)
{
	const struct btf_member *m = (const struct btf_member *)(t + 1);
	uint16_t i;
	int err;

	memset(def, 0, sizeof(*def));
	for (i = 0; i < BTF_INFO_VLEN(t->info); i++) {
		err = parse_member(ctx, map, &m[i], def);
		if (err)
			return err;
	}
	return 0;
}

static uint32_t member_byte_offset(const struct btf_type *owner, const struct btf_member *m)
{
	return (BTF_INFO_KFLAG(owner->info) ? BTF_MEMBER_BIT_OFFSET(m->offset) : m->offset) / 8;
}

static const struct btf_type *values_pointee(struct loader_ctx *ctx, const char *map,
					     const struct btf_member *values)
{
	const struct btf_type *t = loader_btf_skip_mods(&ctx->btf, values->type, NULL);
	const struct btf_array *arr;

	if (!t || BTF_INFO_KIND(t->info) != BTF_KIND_ARRAY)
		goto bad;
	arr = (const struct btf_array *)(t + 1);
	t = loader_btf_skip_mods(&ctx->btf, arr->type, NULL);
	if (!t || BTF_INFO_KIND(t->info) != BTF_KIND_PTR)
		goto bad;
	t = loader_btf_skip_mods(&ctx->btf, t->type, NULL);
	if (t)
		return t;
bad:
	loader_err(ctx, -EINVAL, "map '%s': 'values' is not declared with __array", map);
	return NULL;
}

/*
 * Ring buffers and perf event arrays may name their records' types with __type(key|value, T),
 * as cilium/ebpf objects do: the types describe the records, not the map's keys and values,
 * whose sizes are fixed (ring buffer: none; perf event array: a 4-byte index and a 4-byte
 * descriptor). Sizes given with __uint stay as written, for the map's checks to judge.
 */
static void record_typed_sizes(struct map_def *def)
{
	if (def->type == EBPF_MAP_TYPE_RINGBUF) {
		def->key_size = def->key_typed ? 0 : def->key_size;
		def->value_size = def->value_typed ? 0 : def->value_size;
	} else if (def->type == LOADER_MAP_TYPE_PERF_EVENT_ARRAY) {
		def->key_size = def->key_typed ? sizeof(uint32_t) : def->key_size;
		def->value_size = def->value_typed ? sizeof(uint32_t) : def->value_size;
	}
}

static int add_btf_map(struct loader_ctx *ctx, const char *name, struct map_def *def)
{
	struct loader_map *map;
	int index = add_map(ctx, name, LOADER_MAP_USER);

	if (index < 0)
		return index;
	record_typed_sizes(def);
	map = &ctx->obj->maps[index];
	map->type = def->type;
	map->key_size = def->key_size;
	map->value_size = def->value_size;
	map->max_entries = def->max_entries;
	map->map_flags = def->map_flags;
	map->pinning = def->pinning;
	/* Never taken from a pin: every load creates the map afresh (Cilium's agent replaces
	 * the pin itself once the new programs are attached, so that programs still running
	 * keep the tail-call table they were loaded with). */
	if (def->pinning == BTF_PIN_REPLACE)
		map->pinning = LOADER_PIN_NONE;
	else if (def->pinning > LOADER_PIN_BY_NAME)
		return loader_err(ctx, -EINVAL,
				  "map '%s': unsupported pinning %u (LIBBPF_PIN_NONE 0, "
				  "LIBBPF_PIN_BY_NAME 1, Cilium's CILIUM_PIN_REPLACE 16)",
				  name, def->pinning);
	if (set_pin_path(ctx, map))
		return -ENOMEM;
	return index;
}

/* The inner map's template is a map of its own, "<outer>.inner" as libbpf names it. */
static int add_inner(struct loader_ctx *ctx, int outer, const struct btf_type *t)
{
	char name[256];
	struct map_def def;
	int index, err;

	snprintf(name, sizeof(name), "%s.inner", ctx->obj->maps[outer].name);
	err = parse_def(ctx, name, t, &def);
	if (err)
		return err;
	if (def.values)
		return loader_err(ctx, -EINVAL, "map '%s': an inner map cannot have 'values'",
				  name);
	index = add_btf_map(ctx, name, &def);
	if (index < 0)
		return index;
	ctx->obj->maps[index].inner_template = true;
	ctx->obj->maps[outer].inner_map = index;
	return check_map(ctx, &ctx->obj->maps[index]);
}

static int btf_map_values(struct loader_ctx *ctx, int index, const struct btf_type *def_type,
			  const struct map_def *def)
{
	struct loader_map *map = &ctx->obj->maps[index];
	const struct btf_type *pointee;
	const char *name = map->name;
	bool map_in_map =
	    map->type == EBPF_MAP_TYPE_ARRAY_OF_MAPS || map->type == EBPF_MAP_TYPE_HASH_OF_MAPS;

	if (!def->values) {
		if (map_in_map)
			return loader_err(ctx, -EINVAL,
					  "map '%s': a map of maps needs its inner map "
					  "declared with __array(values, ...)",
					  name);
		return 0;
	}
	if (!map_in_map && map->type != EBPF_MAP_TYPE_PROG_ARRAY)
		return loader_err(ctx, -EINVAL,
				  "map '%s': 'values' is only valid for program "
				  "arrays and maps of maps",
				  name);
	if (def->has_value_size && def->value_size != sizeof(uint32_t))
		return loader_err(ctx, -EINVAL,
				  "map '%s': value size %u, a map of %s holds 4-byte "
				  "ids",
				  name, def->value_size, map_in_map ? "maps" : "programs");
	map->value_size = sizeof(uint32_t);
	ctx->origins[index].has_values = true;
	ctx->origins[index].values_offset = member_byte_offset(def_type, def->values);
	pointee = values_pointee(ctx, name, def->values);
	if (!pointee)
		return -EINVAL;
	if (!map_in_map) {
		if (BTF_INFO_KIND(pointee->info) != BTF_KIND_FUNC_PROTO)
			return loader_err(ctx, -EINVAL,
					  "map '%s': a program array's values must be "
					  "functions",
					  name);
		return 0;
	}
	if (BTF_INFO_KIND(pointee->info) != BTF_KIND_STRUCT)
		return loader_err(ctx, -EINVAL,
				  "map '%s': the inner map must be a map "
				  "definition struct",
				  name);
	return add_inner(ctx, index, pointee);
}

/* Map types whose values are the program's data (not records, programs or inner maps). */
static bool has_value_fields(uint32_t type)
{
	switch (type) {
	case EBPF_MAP_TYPE_RINGBUF:
	case LOADER_MAP_TYPE_PERF_EVENT_ARRAY:
	case EBPF_MAP_TYPE_PROG_ARRAY:
	case EBPF_MAP_TYPE_ARRAY_OF_MAPS:
	case EBPF_MAP_TYPE_HASH_OF_MAPS:
		return false;
	default:
		return true;
	}
}

static int btf_map(struct loader_ctx *ctx, const struct btf_var_secinfo *vs)
{
	const struct loader_sec *sec = &ctx->secs[ctx->maps_btf];
	const struct btf_type *var = loader_btf_type(&ctx->btf, vs->type), *t;
	struct map_def def;
	const char *name;
	GElf_Sym sym;
	int index, err;

	if (!var || BTF_INFO_KIND(var->info) != BTF_KIND_VAR)
		return loader_err(ctx, -EINVAL, ".maps: BTF entry %u is not a variable", vs->type);
	name = loader_btf_str(&ctx->btf, var->name_off);
	/* clang leaves DATASEC offsets zero (libbpf fixes them up): the symbol has the truth. */
	if (loader_find_sym(ctx, name, ctx->maps_btf, &sym))
		return loader_err(ctx, -EINVAL, "map '%s': no symbol in section '.maps'", name);
	if (sym.st_value > sec->shdr.sh_size || vs->size > sec->shdr.sh_size - sym.st_value)
		return loader_err(ctx, -EINVAL, "map '%s': lies outside section '.maps'", name);
	t = loader_btf_skip_mods(&ctx->btf, var->type, NULL);
	if (!t || BTF_INFO_KIND(t->info) != BTF_KIND_STRUCT)
		return loader_err(ctx, -EINVAL, "map '%s': definition is not a struct", name);
	err = parse_def(ctx, name, t, &def);
	if (err)
		return err;
	index = add_btf_map(ctx, name, &def);
	if (index < 0)
		return index;
	ctx->origins[index].sec = ctx->maps_btf;
	ctx->origins[index].offset = sym.st_value;
	ctx->origins[index].size = vs->size;
	err = btf_map_values(ctx, index, t, &def);
	if (!err && def.value_type_id && has_value_fields(def.type))
		err = loader_map_fields(ctx, index, def.value_type_id);
	return err ? err : check_map(ctx, &ctx->obj->maps[index]);
}

static int collect_btf_maps(struct loader_ctx *ctx)
{
	const struct btf_type *sec;
	const struct btf_var_secinfo *vs;
	uint16_t i;
	int err;

	if (!ctx->has_btf)
		return loader_err(ctx, -EINVAL, "section '.maps' needs BTF (compile with -g)");
	sec = loader_btf_datasec(&ctx->btf, ".maps");
	if (!sec)
		return loader_err(ctx, -EINVAL, "section '.maps' has no BTF description (DATASEC)");
	vs = (const struct btf_var_secinfo *)(sec + 1);
	for (i = 0; i < BTF_INFO_VLEN(sec->info); i++) {
		err = btf_map(ctx, &vs[i]);
		if (err)
			return err;
	}
	return 0;
}

/* ---- Initial values of program arrays and maps of maps ------------------------------------ */

static int find_map_at(struct loader_ctx *ctx, uint64_t offset)
{
	size_t i;

	for (i = 0; i < ctx->obj->map_count; i++) {
		const struct loader_map_origin *o = &ctx->origins[i];

		if (o->sec == ctx->maps_btf && offset >= o->offset && offset - o->offset < o->size)
			return (int)i;
	}
	return -ENOENT;
}

/* Appends (slot, value) to a map's initialisers: its programs, or its maps. */
static int add_init(struct loader_ctx *ctx, struct loader_map *map, uint32_t slot, uint32_t value)
{
	bool progs = map->type == EBPF_MAP_TYPE_PROG_ARRAY;
	uint32_t **slots = progs ? &map->init_slots : &map->init_map_slots;
	uint32_t **values = progs ? &map->init_programs : &map->init_maps;
	uint32_t *count = progs ? &map->init_count : &map->init_map_count;
	uint32_t i, *p;

	for (i = 0; i < *count; i++) {
		if ((*slots)[i] == slot)
			return loader_err(ctx, -EINVAL, "map '%s': slot %u initialised twice",
					  map->name, slot);
	}
	p = realloc(*slots, (*count + 1) * sizeof(*p));
	if (p)
		*slots = p;
	if (!p || !(p = realloc(*values, (*count + 1) * sizeof(*p))))
		return loader_err(ctx, -ENOMEM, "out of memory");
	*values = p;
	(*slots)[*count] = slot;
	(*values)[(*count)++] = value;
	return 0;
}

/* The object a slot is initialised with: a program's index, or a map's. */
static int init_target(struct loader_ctx *ctx, const struct loader_map *map, const GElf_Sym *sym)
{
	const char *name = loader_sym_name(ctx, sym);
	int index;

	if (map->type == EBPF_MAP_TYPE_PROG_ARRAY) {
		index = sym->st_shndx < ctx->shnum
			    ? loader_program_index(ctx, sym->st_shndx, sym->st_value)
			    : -ENOENT;
		if (index < 0)
			return loader_err(ctx, -EINVAL,
					  "map '%s': '%s' is not a program of this object",
					  map->name, name);
		return index;
	}
	index = sym->st_shndx == ctx->maps_btf
		    ? loader_map_by_offset(ctx, ctx->maps_btf, sym->st_value)
		    : -ENOENT;
	if (index < 0)
		return loader_err(ctx, -EINVAL, "map '%s': '%s' is not a map of this object",
				  map->name, name);
	return index;
}

static int map_init_relo(struct loader_ctx *ctx, const GElf_Rel *rel, size_t n)
{
	const struct loader_map_origin *o;
	struct loader_map *map;
	uint64_t at;
	GElf_Sym sym;
	int index, target;

	/* clang 12 and later emit R_BPF_64_ABS64 here, older ones R_BPF_64_64. */
	if (GELF_R_TYPE(rel->r_info) != R_BPF_64_ABS64 && GELF_R_TYPE(rel->r_info) != R_BPF_64_64)
		return loader_err(ctx, -EINVAL,
				  "section '.maps': relocation #%zu has unsupported "
				  "type %llu",
				  n, (unsigned long long)GELF_R_TYPE(rel->r_info));
	if (loader_get_sym(ctx, GELF_R_SYM(rel->r_info), &sym))
		return loader_err(ctx, -EINVAL,
				  "section '.maps': relocation #%zu references "
				  "unknown symbol %llu",
				  n, (unsigned long long)GELF_R_SYM(rel->r_info));
	index = find_map_at(ctx, rel->r_offset);
	if (index < 0)
		return loader_err(ctx, -EINVAL,
				  "section '.maps': relocation #%zu at offset %#llx "
				  "is in no map definition",
				  n, (unsigned long long)rel->r_offset);
	map = &ctx->obj->maps[index];
	o = &ctx->origins[index];
	at = rel->r_offset - o->offset;
	if (!o->has_values || at < o->values_offset || (at - o->values_offset) % sizeof(uint64_t))
		return loader_err(ctx, -EINVAL,
				  "map '%s': relocation at offset %#llx is not a "
				  "'values' slot",
				  map->name, (unsigned long long)rel->r_offset);
	at = (at - o->values_offset) / sizeof(uint64_t);
	if (at >= map->max_entries)
		return loader_err(ctx, -EINVAL, "map '%s': slot %llu is beyond max_entries %u",
				  map->name, (unsigned long long)at, map->max_entries);
	target = init_target(ctx, map, &sym);
	if (target < 0)
		return target;
	return add_init(ctx, map, (uint32_t)at, (uint32_t)target);
}

static int collect_map_inits(struct loader_ctx *ctx)
{
	GElf_Rel rel;
	size_t i, n, count;
	int err;

	for (i = 1; i < ctx->shnum; i++) {
		const struct loader_sec *sec = &ctx->secs[i];

		if (sec->kind != SEC_REL || sec->shdr.sh_info != ctx->maps_btf || !sec->data)
			continue;
		if (sec->shdr.sh_type != SHT_REL)
			return loader_err(ctx, -EINVAL,
					  "section '%s': RELA relocations are not "
					  "supported",
					  sec->name);
		count = sec->data->d_size / sizeof(Elf64_Rel);
		for (n = 0; n < count; n++) {
			if (!gelf_getrel(sec->data, (int)n, &rel))
				return loader_err(ctx, -EINVAL,
						  "section '%s': unreadable relocation "
						  "#%zu",
						  sec->name, n);
			err = map_init_relo(ctx, &rel, n);
			if (err)
				return err;
		}
	}
	return 0;
}

/* ---- Global data ------------------------------------------------------------------------- */

static int data_map(struct loader_ctx *ctx, struct loader_sec *sec)
{
	struct loader_map *map;
	int index;

	if (sec->shdr.sh_size > UINT32_MAX)
		return loader_err(ctx, -EINVAL, "section '%s': %llu bytes is too large for a map",
				  sec->name, (unsigned long long)sec->shdr.sh_size);
	index = add_map(ctx, sec->name, sec->data_kind);
	if (index < 0)
		return index;
	map = &ctx->obj->maps[index];
	map->type = EBPF_MAP_TYPE_ARRAY;
	map->key_size = sizeof(uint32_t);
	map->value_size = (uint32_t)sec->shdr.sh_size;
	map->max_entries = 1;
	if (sec->data_kind == LOADER_MAP_RODATA)
		map->map_flags = EBPF_F_RDONLY_PROG;
	if (sec->data_kind != LOADER_MAP_BSS) {
		map->initial_data = malloc(map->value_size);
		if (!map->initial_data)
			return loader_err(ctx, -ENOMEM, "out of memory");
		memcpy(map->initial_data, sec->data->d_buf, map->value_size);
	}
	sec->map = index;
	return 0;
}

int loader_collect_maps(struct loader_ctx *ctx)
{
	size_t i;
	int err = 0;

	if (ctx->maps_legacy)
		err = collect_legacy(ctx);
	if (!err && ctx->maps_btf)
		err = collect_btf_maps(ctx);
	if (!err && ctx->maps_btf)
		err = collect_map_inits(ctx);
	for (i = 0; i < ctx->func_count && !err; i++)
		err = legacy_tail_call(ctx, &ctx->funcs[i]);
	for (i = 1; i < ctx->shnum && !err; i++) {
		struct loader_sec *sec = &ctx->secs[i];

		/* Empty sections hold nothing a program could refer to: no map (as libbpf). */
		if (sec->kind == SEC_DATA && sec->shdr.sh_size)
			err = data_map(ctx, sec);
	}
	return err;
}

/*
 * A ring buffer's size must be a power-of-2 multiple of the page size: libbpf rounds any other
 * size up to the next such multiple (a size it cannot round stays, for the map to refuse).
 */
static uint32_t ring_size(uint32_t size, uint32_t page_size)
{
	uint32_t pages = size / page_size;

	if (!size || !page_size || (size % page_size == 0 && !(pages & (pages - 1))))
		return size;
	for (uint64_t mul = 1; mul * page_size <= UINT32_MAX; mul <<= 1) {
		if (mul * page_size > size)
			return (uint32_t)(mul * page_size);
	}
	return size;
}

void loader_size_maps(struct loader_object *object, uint32_t cpus, uint32_t page_size)
{
	for (size_t i = 0; i < object->map_count; i++) {
		struct loader_map *map = &object->maps[i];

		if (map->type == LOADER_MAP_TYPE_PERF_EVENT_ARRAY && !map->max_entries)
			map->max_entries = cpus;
		/* The libbpf tools size their stack maps at run time: perf_event_max_stack
		 * (127) frames of 8 bytes, and their default of 1024 stacks. */
		if (map->type == EBPF_MAP_TYPE_STACK_TRACE && !map->value_size)
			map->value_size = LOADER_STACK_DEPTH * sizeof(uint64_t);
		if (map->type == EBPF_MAP_TYPE_STACK_TRACE && !map->max_entries)
			map->max_entries = LOADER_STACK_ENTRIES;
		if (map->type == EBPF_MAP_TYPE_RINGBUF)
			map->max_entries = ring_size(map->max_entries, page_size);
	}
}

uint32_t loader_map_unset(const struct loader_map *map)
{
	/* loader_size_maps fills these in: a perf event array's CPU count, a stack map's
	 * depth and count. */
	bool sized_at_load =
	    map->type == LOADER_MAP_TYPE_PERF_EVENT_ARRAY || map->type == EBPF_MAP_TYPE_STACK_TRACE;
	uint32_t unset = 0;

	if (!map->max_entries && !map_type_is_storage(map->type) && !sized_at_load)
		unset |= EBPF_MAP_DEF_UNSET_MAX_ENTRIES;
	if (!map->key_size && needs_key(map->type))
		unset |= EBPF_MAP_DEF_UNSET_KEY_SIZE;
	if (!map->value_size && !is_ring(map->type) && map->type != EBPF_MAP_TYPE_STACK_TRACE)
		unset |= EBPF_MAP_DEF_UNSET_VALUE_SIZE;
	return unset;
}

int loader_check_maps(const struct loader_object *object, char *err, size_t err_size)
{
	static const char hint[] = "(a tool sets it before the load)";

	for (size_t i = 0; i < object->map_count; i++) {
		const struct loader_map *map = &object->maps[i];
		uint32_t unset = loader_map_unset(map);
		const char *zero = NULL;

		if (unset & EBPF_MAP_DEF_UNSET_MAX_ENTRIES)
			zero = "max_entries is zero";
		else if (unset & EBPF_MAP_DEF_UNSET_KEY_SIZE)
			zero = "key size is zero";
		else if (unset & EBPF_MAP_DEF_UNSET_VALUE_SIZE)
			zero = "value size is zero";
		if (!zero)
			continue;
		if (err)
			snprintf(err, err_size, "map '%s': %s %s", map->name, zero, hint);
		return -EINVAL;
	}
	return 0;
}

void loader_describe_maps(const struct loader_object *object, struct verifier_map *vmaps)
{
	for (size_t i = 0; i < object->map_count; i++) {
		const struct loader_map *lm = &object->maps[i];
		bool rodata = lm->kind == LOADER_MAP_RODATA;

		vmaps[i] = (struct verifier_map){
			.name = lm->name,
			.type = lm->type,
			.key_size = lm->key_size,
			.value_size = lm->value_size,
			.max_entries = lm->max_entries,
			.map_flags = lm->map_flags | (rodata ? EBPF_F_RDONLY_PROG : 0),
			.read_only = rodata,
			.frozen_data = rodata ? lm->initial_data : NULL,
			.inner_map = lm->inner_map,
			.fields = lm->fields,
			.field_count = lm->field_count,
		};
	}
}
