// SPDX-License-Identifier: MIT
/*
 * Just enough BTF for the loader: the type table (to read BTF-defined maps and name types in
 * messages) and .BTF.ext (line info and CO-RE relocations kept per program). Layouts are
 * the kernel's UAPI ones (<linux/btf.h>, <linux/bpf.h>); the .BTF.ext header is libbpf's.
 * Both sections are copied so that every record is aligned, whatever the file's layout.
 */
#include <errno.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader/loader_internal.h"

#define BTF_MAX_DEPTH 32

/* ---- The type table ---------------------------------------------------------------------- */

static size_t btf_type_extra(const struct btf_type *t)
{
	uint16_t vlen = BTF_INFO_VLEN(t->info);

	switch (BTF_INFO_KIND(t->info)) {
	case BTF_KIND_INT:
		return sizeof(uint32_t);
	case BTF_KIND_PTR:
	case BTF_KIND_FWD:
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_FUNC:
	case BTF_KIND_FLOAT:
	case BTF_KIND_TYPE_TAG:
		return 0;
	case BTF_KIND_ARRAY:
		return sizeof(struct btf_array);
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		return (size_t)vlen * sizeof(struct btf_member);
	case BTF_KIND_ENUM:
		return (size_t)vlen * sizeof(struct btf_enum);
	case BTF_KIND_ENUM64:
		return (size_t)vlen * sizeof(struct btf_enum64);
	case BTF_KIND_FUNC_PROTO:
		return (size_t)vlen * sizeof(struct btf_param);
	case BTF_KIND_VAR:
		return sizeof(struct btf_var);
	case BTF_KIND_DATASEC:
		return (size_t)vlen * sizeof(struct btf_var_secinfo);
	case BTF_KIND_DECL_TAG:
		return sizeof(struct btf_decl_tag);
	default:
		return SIZE_MAX;
	}
}

/* Walks the type section once to count and once to index. */
static int btf_index_types(struct loader_ctx *ctx, const uint8_t *start, size_t len)
{
	struct loader_btf *btf = &ctx->btf;
	size_t off, n, pass;

	for (pass = 0; pass < 2; pass++) {
		for (off = 0, n = 1; off < len; n++) {
			const struct btf_type *t = (const void *)(start + off);
			size_t extra;

			if (len - off < sizeof(*t))
				return loader_err(ctx, -EINVAL, "BTF: type %zu is truncated", n);
			extra = btf_type_extra(t);
			if (extra == SIZE_MAX)
				return loader_err(ctx, -EINVAL, "BTF: type %zu has unknown kind %u",
						  n, BTF_INFO_KIND(t->info));
			if (len - off - sizeof(*t) < extra)
				return loader_err(ctx, -EINVAL, "BTF: type %zu is truncated", n);
			if (t->name_off >= btf->str_len)
				return loader_err(ctx, -EINVAL,
						  "BTF: type %zu: name offset %u out of "
						  "range",
						  n, t->name_off);
			if (pass)
				btf->types[n] = t;
			off += sizeof(*t) + extra;
		}
		if (!pass) {
			btf->nr_types = n;
			btf->types = calloc(n, sizeof(*btf->types));
			if (!btf->types)
				return loader_err(ctx, -ENOMEM, "out of memory");
		}
	}
	return 0;
}

int loader_btf_parse(struct loader_ctx *ctx, const void *data, size_t size)
{
	struct loader_btf *btf = &ctx->btf;
	struct btf_header hdr;
	uint8_t *raw;

	if (size < sizeof(hdr))
		return loader_err(ctx, -EINVAL, "BTF: section of %zu bytes is truncated", size);
	memcpy(&hdr, data, sizeof(hdr));
	if (hdr.magic != BTF_MAGIC)
		return loader_err(ctx, -EINVAL, "BTF: bad magic %#x", hdr.magic);
	if (hdr.version != BTF_VERSION)
		return loader_err(ctx, -EINVAL, "BTF: unsupported version %u", hdr.version);
	if (hdr.hdr_len < sizeof(hdr) || hdr.hdr_len > size || hdr.hdr_len % 4 ||
	    hdr.type_off % 4 || hdr.type_off > size - hdr.hdr_len ||
	    hdr.type_len > size - hdr.hdr_len - hdr.type_off || hdr.str_off > size - hdr.hdr_len ||
	    hdr.str_len > size - hdr.hdr_len - hdr.str_off)
		return loader_err(ctx, -EINVAL,
				  "BTF: header sections lie outside the %zu bytes of "
				  "the .BTF section",
				  size);
	raw = malloc(size);
	if (!raw)
		return loader_err(ctx, -ENOMEM, "out of memory");
	memcpy(raw, data, size);
	btf->raw = raw;
	btf->size = size;
	btf->strs = (const char *)raw + hdr.hdr_len + hdr.str_off;
	btf->str_len = hdr.str_len;
	if (!btf->str_len || btf->strs[btf->str_len - 1] != '\0')
		return loader_err(ctx, -EINVAL, "BTF: string section is not NUL-terminated");
	return btf_index_types(ctx, raw + hdr.hdr_len + hdr.type_off, hdr.type_len);
}

void loader_btf_free(struct loader_btf *btf)
{
	free(btf->raw);
	free(btf->types);
	memset(btf, 0, sizeof(*btf));
}

const struct btf_type *loader_btf_type(const struct loader_btf *btf, uint32_t id)
{
	if (!id || id >= btf->nr_types)
		return NULL;
	return btf->types[id];
}

const char *loader_btf_str(const struct loader_btf *btf, uint32_t off)
{
	return off < btf->str_len ? btf->strs + off : NULL;
}

static bool btf_is_mod(const struct btf_type *t)
{
	switch (BTF_INFO_KIND(t->info)) {
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_TYPE_TAG:
		return true;
	default:
		return false;
	}
}

const struct btf_type *loader_btf_skip_mods(const struct loader_btf *btf, uint32_t id,
					    uint32_t *res_id)
{
	const struct btf_type *t = loader_btf_type(btf, id);
	int depth;

	for (depth = 0; t && btf_is_mod(t) && depth < BTF_MAX_DEPTH; depth++) {
		id = t->type;
		t = loader_btf_type(btf, id);
	}
	if (t && btf_is_mod(t))
		t = NULL; /* a cycle */
	if (res_id)
		*res_id = id;
	return t;
}

static int resolve_size(const struct loader_btf *btf, uint32_t id, uint64_t *size, int depth)
{
	const struct btf_type *t = loader_btf_skip_mods(btf, id, NULL);
	const struct btf_array *arr;
	uint64_t elem;

	if (!t || depth > BTF_MAX_DEPTH)
		return -EINVAL;
	switch (BTF_INFO_KIND(t->info)) {
	case BTF_KIND_INT:
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
	case BTF_KIND_FLOAT:
	case BTF_KIND_DATASEC:
		*size = t->size;
		return 0;
	case BTF_KIND_PTR:
		*size = sizeof(uint64_t);
		return 0;
	case BTF_KIND_VAR:
		return resolve_size(btf, t->type, size, depth + 1);
	case BTF_KIND_ARRAY:
		arr = (const struct btf_array *)(t + 1);
		if (resolve_size(btf, arr->type, &elem, depth + 1))
			return -EINVAL;
		if (elem && arr->nelems > UINT32_MAX / elem)
			return -E2BIG;
		*size = elem * arr->nelems;
		return 0;
	default:
		return -EINVAL; /* void, functions, forward declarations have no size */
	}
}

int loader_btf_resolve_size(const struct loader_btf *btf, uint32_t id, uint64_t *size)
{
	return resolve_size(btf, id, size, 0);
}

void loader_btf_type_name(const struct loader_btf *btf, uint32_t id, char *buf, size_t size)
{
	const struct btf_type *t = loader_btf_type(btf, id);
	const char *prefix = "", *name;

	if (!t) {
		snprintf(buf, size, id ? "<type %u>" : "void", id);
		return;
	}
	switch (BTF_INFO_KIND(t->info)) {
	case BTF_KIND_STRUCT:
		prefix = "struct ";
		break;
	case BTF_KIND_UNION:
		prefix = "union ";
		break;
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		prefix = "enum ";
		break;
	case BTF_KIND_FWD:
		prefix = BTF_INFO_KFLAG(t->info) ? "union " : "struct ";
		break;
	default:
		break;
	}
	name = loader_btf_str(btf, t->name_off);
	snprintf(buf, size, "%s%s", prefix, name && *name ? name : "(anon)");
}

const struct btf_type *loader_btf_datasec(const struct loader_btf *btf, const char *name)
{
	for (uint32_t id = 1; id < btf->nr_types; id++) {
		const struct btf_type *t = btf->types[id];
		const char *sec = loader_btf_str(btf, t->name_off);

		if (BTF_INFO_KIND(t->info) == BTF_KIND_DATASEC && sec && !strcmp(sec, name))
			return t;
	}
	return NULL;
}

const char *loader_btf_extern_section(const struct loader_btf *btf, const char *name)
{
	uint32_t id, i;

	for (id = 1; id < btf->nr_types; id++) {
		const struct btf_type *t = btf->types[id];
		const struct btf_var_secinfo *vs = (const void *)(t + 1);
		const char *sec = loader_btf_str(btf, t->name_off);

		if (BTF_INFO_KIND(t->info) != BTF_KIND_DATASEC ||
		    (strcmp(sec, ".kconfig") && strcmp(sec, ".ksyms")))
			continue;
		for (i = 0; i < BTF_INFO_VLEN(t->info); i++) {
			const struct btf_type *var = loader_btf_type(btf, vs[i].type);

			if (var && !strcmp(loader_btf_str(btf, var->name_off), name))
				return sec;
		}
	}
	return NULL;
}

/* ---- .BTF.ext ---------------------------------------------------------------------------- */

/* libbpf's struct btf_ext_header: the core_relo fields exist when hdr_len says so. */
struct btf_ext_hdr {
	uint16_t magic;
	uint8_t version;
	uint8_t flags;
	uint32_t hdr_len;
	uint32_t func_info_off;
	uint32_t func_info_len;
	uint32_t line_info_off;
	uint32_t line_info_len;
	uint32_t core_relo_off;
	uint32_t core_relo_len;
};

#define BTF_EXT_HDR_MIN offsetof(struct btf_ext_hdr, core_relo_off)

struct ext_info {
	const char *what; /* "line_info", "core_relo" */
	const uint8_t *start;
	uint32_t len;
	uint32_t min_rec_size;
};

typedef int (*ext_block_fn)(struct loader_ctx *ctx, size_t sec, const struct loader_ext_block *b);

static size_t find_code_section(struct loader_ctx *ctx, const char *name)
{
	size_t i;

	for (i = 1; i < ctx->shnum; i++) {
		if (ctx->secs[i].kind == SEC_CODE && !strcmp(ctx->secs[i].name, name))
			return i;
	}
	return 0;
}

/* Splits an info section into its per-section blocks, checking every bound on the way. */
static int ext_for_each_block(struct loader_ctx *ctx, const struct ext_info *info, ext_block_fn fn)
{
	const uint8_t *p = info->start, *end = info->start + info->len;
	uint32_t rec_size, hdr[2];
	size_t sec;
	int err;

	if (!info->len)
		return 0;
	if (info->len < sizeof(rec_size))
		return loader_err(ctx, -EINVAL, ".BTF.ext %s: truncated", info->what);
	memcpy(&rec_size, p, sizeof(rec_size));
	p += sizeof(rec_size);
	if (rec_size < info->min_rec_size || rec_size % 4)
		return loader_err(ctx, -EINVAL, ".BTF.ext %s: bad record size %u", info->what,
				  rec_size);
	while (p < end) {
		const char *name;

		if ((size_t)(end - p) < sizeof(hdr))
			return loader_err(ctx, -EINVAL, ".BTF.ext %s: truncated block", info->what);
		memcpy(hdr, p, sizeof(hdr));
		p += sizeof(hdr);
		name = loader_btf_str(&ctx->btf, hdr[0]);
		if (!name)
			return loader_err(ctx, -EINVAL,
					  ".BTF.ext %s: section name offset %u out of "
					  "range",
					  info->what, hdr[0]);
		if (!hdr[1] || hdr[1] > (size_t)(end - p) / rec_size)
			return loader_err(ctx, -EINVAL,
					  ".BTF.ext %s: section '%s': bad record count "
					  "%u",
					  info->what, name, hdr[1]);
		sec = find_code_section(ctx, name);
		if (!sec)
			return loader_err(ctx, -EINVAL, ".BTF.ext %s: no code section '%s'",
					  info->what, name);
		err = fn(ctx, sec, &(struct loader_ext_block){ p, hdr[1], rec_size });
		if (err)
			return err;
		p += (size_t)hdr[1] * rec_size;
	}
	return 0;
}

static int take_lines(struct loader_ctx *ctx, size_t index, const struct loader_ext_block *b)
{
	struct loader_sec *sec = &ctx->secs[index];
	struct bpf_line_info li;
	uint32_t i;

	if (sec->lines.count)
		return loader_err(ctx, -EINVAL, ".BTF.ext line_info: section '%s' appears twice",
				  sec->name);
	for (i = 0; i < b->count; i++) {
		memcpy(&li, b->records + (size_t)i * b->rec_size, sizeof(li));
		if (li.insn_off % LOADER_INSN_SZ || li.insn_off / LOADER_INSN_SZ >= sec->insn_count)
			return loader_err(ctx, -EINVAL,
					  ".BTF.ext line_info: section '%s': instruction "
					  "offset %u is not an instruction of the section",
					  sec->name, li.insn_off);
		if (li.file_name_off >= ctx->btf.str_len || li.line_off >= ctx->btf.str_len)
			return loader_err(ctx, -EINVAL,
					  ".BTF.ext line_info: section '%s': string "
					  "offset out of range",
					  sec->name);
	}
	sec->lines = *b;
	return 0;
}

/* Checks each CO-RE record against its section and the BTF, and keeps the block: relo.c hands
 * the records to the programs, and the core resolves them once it knows each one's target. */
static int take_core(struct loader_ctx *ctx, size_t index, const struct loader_ext_block *b)
{
	struct loader_sec *sec = &ctx->secs[index];
	struct bpf_core_relo relo;
	uint32_t i;

	if (sec->core.count)
		return loader_err(ctx, -EINVAL, ".BTF.ext core_relo: section '%s' appears twice",
				  sec->name);
	for (i = 0; i < b->count; i++) {
		memcpy(&relo, b->records + (size_t)i * b->rec_size, sizeof(relo));
		if (relo.insn_off % LOADER_INSN_SZ ||
		    relo.insn_off / LOADER_INSN_SZ >= sec->insn_count)
			return loader_err(ctx, -EINVAL,
					  ".BTF.ext core_relo: section '%s' record %u: instruction "
					  "offset %u is not an instruction of the section",
					  sec->name, i, relo.insn_off);
		if (!loader_btf_type(&ctx->btf, relo.type_id))
			return loader_err(ctx, -EINVAL,
					  ".BTF.ext core_relo: section '%s' insn %u: type id %u is "
					  "not a type of the object's BTF",
					  sec->name, relo.insn_off / LOADER_INSN_SZ, relo.type_id);
		if (relo.access_str_off >= ctx->btf.str_len)
			return loader_err(ctx, -EINVAL,
					  ".BTF.ext core_relo: section '%s' insn %u: access string "
					  "offset %u out of range",
					  sec->name, relo.insn_off / LOADER_INSN_SZ,
					  relo.access_str_off);
		if (relo.kind > BPF_CORE_TYPE_MATCHES)
			return loader_err(ctx, -EINVAL,
					  ".BTF.ext core_relo: section '%s' insn %u: unknown "
					  "relocation kind %u",
					  sec->name, relo.insn_off / LOADER_INSN_SZ, relo.kind);
	}
	sec->core = *b;
	return 0;
}

static int ext_section(struct loader_ctx *ctx, const struct btf_ext_hdr *hdr, uint32_t off,
		       uint32_t len, struct ext_info *info)
{
	size_t avail = ctx->btf_ext_size - hdr->hdr_len;

	if (off > avail || len > avail - off)
		return loader_err(ctx, -EINVAL, ".BTF.ext %s: lies outside the section",
				  info->what);
	info->start = ctx->btf_ext + hdr->hdr_len + off;
	info->len = len;
	return 0;
}

int loader_btf_ext_parse(struct loader_ctx *ctx)
{
	struct ext_info lines = { .what = "line_info",
				  .min_rec_size = sizeof(struct bpf_line_info) };
	struct ext_info core = { .what = "core_relo",
				 .min_rec_size = sizeof(struct bpf_core_relo) };
	struct btf_ext_hdr hdr = { 0 };
	int err;

	if (!ctx->has_btf)
		return loader_err(ctx, -EINVAL, ".BTF.ext present without .BTF");
	if (ctx->btf_ext_size < BTF_EXT_HDR_MIN)
		return loader_err(ctx, -EINVAL, ".BTF.ext: truncated header");
	memcpy(&hdr, ctx->btf_ext, BTF_EXT_HDR_MIN);
	if (hdr.magic != BTF_MAGIC || hdr.version != BTF_VERSION)
		return loader_err(ctx, -EINVAL, ".BTF.ext: bad magic %#x or version %u", hdr.magic,
				  hdr.version);
	if (hdr.hdr_len < BTF_EXT_HDR_MIN || hdr.hdr_len > ctx->btf_ext_size)
		return loader_err(ctx, -EINVAL, ".BTF.ext: bad header length %u", hdr.hdr_len);
	if (hdr.hdr_len >= sizeof(hdr))
		memcpy(&hdr, ctx->btf_ext, sizeof(hdr));
	err = ext_section(ctx, &hdr, hdr.line_info_off, hdr.line_info_len, &lines);
	if (!err && hdr.core_relo_len)
		err = ext_section(ctx, &hdr, hdr.core_relo_off, hdr.core_relo_len, &core);
	if (!err && core.start)
		err = ext_for_each_block(ctx, &core, take_core);
	if (!err)
		err = ext_for_each_block(ctx, &lines, take_lines);
	return err;
}
