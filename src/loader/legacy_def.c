// SPDX-License-Identifier: MIT
/*
 * The fields of a definition in the legacy `maps` section. Three structs share that section and
 * agree on their first five fields (type, key size, value size, max entries, flags):
 * - libbpf's struct bpf_map_def: those five (20 bytes);
 * - the kernel's samples/bpf (bpf_load.c) and prototype-kernel: then inner_map_idx (a map of
 *   maps' inner map, by its index among the section's maps) and numa_node (28 bytes);
 * - iproute2's struct bpf_elf_map: then id, pinning, inner_id, inner_idx (36 bytes; 28 before tc
 *   knew maps of maps).
 * With BTF the definition's struct names its fields, and each is read by name. Without, the
 * offsets decide: past the first five, iproute2's layout, except a 24- or 28-byte definition
 * that only samples/bpf could have written (the BPF_F_NUMA_NODE flag, which needs numa_node, or
 * a map of maps, which tc could not declare before inner_id). Bytes no layout knows must be
 * zero, libbpf's rule for definitions larger than its own.
 */
#include <errno.h>
#include <string.h>

#include "loader/loader_internal.h"

#define BPF_F_NUMA_NODE_FLAG (1U << 2) /* Linux's BPF_F_NUMA_NODE */
#define FIELD_SIZE	     sizeof(uint32_t)

/* Each field's names: libbpf's and samples/bpf's, then iproute2's where it differs. */
static const char *const field_names[LEGACY_FIELD_COUNT][2] = {
	[LEGACY_TYPE] = { "type", NULL },
	[LEGACY_KEY_SIZE] = { "key_size", "size_key" },
	[LEGACY_VALUE_SIZE] = { "value_size", "size_value" },
	[LEGACY_MAX_ENTRIES] = { "max_entries", "max_elem" },
	[LEGACY_FLAGS] = { "map_flags", "flags" },
	[LEGACY_ID] = { "id", NULL },
	[LEGACY_PINNING] = { "pinning", NULL },
	[LEGACY_INNER_ID] = { "inner_id", NULL },
	[LEGACY_INNER_IDX] = { "inner_idx", NULL },
	[LEGACY_INNER_MAP_IDX] = { "inner_map_idx", NULL },
	[LEGACY_NUMA_NODE] = { "numa_node", NULL },
};

/* Byte offset of each field in the definition, -1 where the layout has none. */
struct layout {
	int64_t off[LEGACY_FIELD_COUNT];
	const struct btf_type *btf; /* the definition's struct, when BTF names the fields */
};

static uint32_t read_u32(const uint8_t *bytes, uint64_t off)
{
	uint32_t v;

	memcpy(&v, bytes + off, sizeof(v));
	return v;
}

static bool samples_layout(const uint8_t *bytes, uint64_t size)
{
	uint32_t type;

	if (size != 24 && size != 28)
		return false;
	type = read_u32(bytes, 0);
	return (read_u32(bytes, 16) & BPF_F_NUMA_NODE_FLAG) ||
	       type == EBPF_MAP_TYPE_ARRAY_OF_MAPS || type == EBPF_MAP_TYPE_HASH_OF_MAPS;
}

static void offset_layout(const uint8_t *bytes, uint64_t size, struct layout *l)
{
	int f;

	for (f = 0; f < LEGACY_FIELD_COUNT; f++)
		l->off[f] = -1;
	for (f = LEGACY_TYPE; f <= LEGACY_FLAGS; f++)
		l->off[f] = f * (int64_t)FIELD_SIZE;
	if (samples_layout(bytes, size)) {
		l->off[LEGACY_INNER_MAP_IDX] = 20;
		l->off[LEGACY_NUMA_NODE] = 24;
		return;
	}
	for (f = LEGACY_ID; f <= LEGACY_INNER_IDX; f++)
		l->off[f] = (f - LEGACY_ID + 5) * (int64_t)FIELD_SIZE;
}

static int field_by_name(const char *name)
{
	if (!name)
		return -1;
	for (int f = 0; f < LEGACY_FIELD_COUNT; f++) {
		for (int k = 0; k < 2; k++) {
			if (field_names[f][k] && !strcmp(field_names[f][k], name))
				return f;
		}
	}
	return -1;
}

/* The struct BTF gives the variable `name` of section "maps", or NULL. */
static const struct btf_type *def_struct(struct loader_ctx *ctx, const char *name)
{
	const struct btf_type *sec, *var;
	const struct btf_var_secinfo *vs;

	if (!ctx->has_btf)
		return NULL;
	sec = loader_btf_datasec(&ctx->btf, "maps");
	if (!sec)
		return NULL;
	vs = (const struct btf_var_secinfo *)(sec + 1);
	for (uint16_t i = 0; i < BTF_INFO_VLEN(sec->info); i++) {
		const char *var_name;

		var = loader_btf_type(&ctx->btf, vs[i].type);
		var_name = var ? loader_btf_str(&ctx->btf, var->name_off) : NULL;
		if (!var_name || BTF_INFO_KIND(var->info) != BTF_KIND_VAR || strcmp(var_name, name))
			continue;
		var = loader_btf_skip_mods(&ctx->btf, var->type, NULL);
		return var && BTF_INFO_KIND(var->info) == BTF_KIND_STRUCT ? var : NULL;
	}
	return NULL;
}

/* A member that is a whole 32-bit field (not a bitfield, 4 bytes, byte-aligned). */
static bool whole_u32(struct loader_ctx *ctx, const struct btf_type *st, const struct btf_member *m)
{
	bool kflag = BTF_INFO_KFLAG(st->info);
	uint32_t bit = kflag ? BTF_MEMBER_BIT_OFFSET(m->offset) : m->offset;
	uint64_t size;

	if ((kflag && BTF_MEMBER_BITFIELD_SIZE(m->offset)) || bit % 8)
		return false;
	return !loader_btf_resolve_size(&ctx->btf, m->type, &size) && size == FIELD_SIZE;
}

static bool btf_layout(struct loader_ctx *ctx, const char *name, struct layout *l)
{
	const struct btf_type *st = def_struct(ctx, name);
	const struct btf_member *m;
	int f;

	if (!st)
		return false;
	for (f = 0; f < LEGACY_FIELD_COUNT; f++)
		l->off[f] = -1;
	m = (const struct btf_member *)(st + 1);
	for (uint16_t i = 0; i < BTF_INFO_VLEN(st->info); i++) {
		f = field_by_name(loader_btf_str(&ctx->btf, m[i].name_off));
		if (f >= 0 && whole_u32(ctx, st, &m[i]))
			l->off[f] = (BTF_INFO_KFLAG(st->info) ? BTF_MEMBER_BIT_OFFSET(m[i].offset)
							      : m[i].offset) /
				    8;
	}
	l->btf = st;
	return true;
}

static bool known_byte(const struct layout *l, uint64_t size, uint64_t byte)
{
	for (int f = 0; f < LEGACY_FIELD_COUNT; f++) {
		uint64_t off = (uint64_t)l->off[f];

		if (l->off[f] >= 0 && off + FIELD_SIZE <= size && byte >= off &&
		    byte < off + FIELD_SIZE)
			return true;
	}
	return false;
}

/* The name of the BTF member holding byte `byte`, or NULL. */
static const char *member_at(struct loader_ctx *ctx, const struct btf_type *st, uint64_t byte)
{
	const struct btf_member *m = (const struct btf_member *)(st + 1);
	uint64_t size;

	for (uint16_t i = 0; i < BTF_INFO_VLEN(st->info); i++) {
		uint32_t bit =
		    BTF_INFO_KFLAG(st->info) ? BTF_MEMBER_BIT_OFFSET(m[i].offset) : m[i].offset;

		if (loader_btf_resolve_size(&ctx->btf, m[i].type, &size))
			continue;
		if (byte >= bit / 8 && byte < bit / 8 + (size ? size : 1))
			return loader_btf_str(&ctx->btf, m[i].name_off);
	}
	return NULL;
}

static int unknown_bytes(struct loader_ctx *ctx, const char *name, const uint8_t *bytes,
			 uint64_t size, const struct layout *l)
{
	const char *member;

	for (uint64_t i = 0; i < size; i++) {
		if (!bytes[i] || known_byte(l, size, i))
			continue;
		member = l->btf ? member_at(ctx, l->btf, i) : NULL;
		if (member && *member)
			return loader_err(ctx, -EINVAL,
					  "legacy map '%s': field '%s' (byte %llu of its "
					  "definition) is non-zero, and no map definition "
					  "libbpf, iproute2 or samples/bpf read has it",
					  name, member, (unsigned long long)i);
		return loader_err(ctx, -EINVAL,
				  "legacy map '%s': unknown non-zero field at byte %llu of its "
				  "definition",
				  name, (unsigned long long)i);
	}
	return 0;
}

int loader_legacy_def_read(struct loader_ctx *ctx, const char *name, const uint8_t *bytes,
			   uint64_t size, struct loader_legacy_def *def)
{
	struct layout l = { .btf = NULL };

	if (!btf_layout(ctx, name, &l))
		offset_layout(bytes, size, &l);
	memset(def, 0, sizeof(*def));
	for (int f = 0; f < LEGACY_FIELD_COUNT; f++) {
		uint64_t off = (uint64_t)l.off[f];

		def->has[f] = l.off[f] >= 0 && off + FIELD_SIZE <= size;
		if (def->has[f])
			def->val[f] = read_u32(bytes, off);
	}
	return unknown_bytes(ctx, name, bytes, size, &l);
}
