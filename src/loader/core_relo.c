// SPDX-License-Identifier: MIT
/*
 * CO-RE: a program's BTF relocations (.BTF.ext core_relo records, kept per program by btf.c and
 * relo.c) resolved against a target BTF, the kernel's or an extension's, following the rules
 * libbpf and the kernel document (Documentation/bpf/libbpf/libbpf_naming_convention and
 * llvm_reloc.rst):
 * - a local type matches the target types of a compatible kind whose names agree once the
 *   flavour suffix (`___something`) is dropped;
 * - an access string "0:1:2" is an array index into the root type, then member and element
 *   indexes; members are found in the target by name, through anonymous structs and unions,
 *   and must have a compatible type;
 * - every matching candidate must give the same value, or the relocation is ambiguous;
 * - a field or enum value that cannot be found poisons its instruction with a call to helper
 *   0xbad2310, which the verifier refuses only if that code is reachable; existence checks give
 *   0 and type-based relocations 0 instead.
 * The types are read through libbpf's public BTF API (<bpf/btf.h>).
 */
#include <errno.h>
#include <linux/bpf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include "isa/isa.h"
#include "loader/loader.h"
#include "verifier/verifier.h"

#define CORE_SPEC_MAX  64 /* libbpf's BPF_CORE_SPEC_MAX_LEN */
#define CORE_MAX_DEPTH 32

/* ---- The target and its name index ------------------------------------------------------- */

struct core_name {
	const char *name;
	size_t len; /* the essential name's */
	uint32_t id;
};

struct loader_core_target {
	struct btf *btf;
	struct core_name *names; /* named types, sorted by essential name */
	size_t count;
};

/* "task_struct___v2" -> 11: the flavour suffix is everything from the last "___" that is
 * neither preceded nor followed by another underscore (libbpf's rule). */
static size_t essential_len(const char *name)
{
	size_t n = strlen(name), i;

	for (i = n >= 5 ? n - 5 + 1 : 0; i-- > 0;) {
		if (name[i] != '_' && !strncmp(name + i + 1, "___", 3) && name[i + 4] != '_')
			return i + 1;
	}
	return n;
}

static int cmp_name(const void *a, const void *b)
{
	const struct core_name *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = strncmp(x->name, y->name, n);

	if (c)
		return c;
	return x->len < y->len ? -1 : x->len > y->len;
}

int loader_core_target_new(struct btf *btf, struct loader_core_target **target)
{
	struct loader_core_target *t = calloc(1, sizeof(*t));
	uint32_t id, n = btf__type_cnt(btf);

	if (!t)
		return -ENOMEM;
	t->btf = btf;
	t->names = calloc(n ? n : 1, sizeof(*t->names));
	if (!t->names) {
		free(t);
		return -ENOMEM;
	}
	for (id = 1; id < n; id++) {
		const struct btf_type *bt = btf__type_by_id(btf, id);
		const char *name = btf__name_by_offset(btf, bt->name_off);

		if (!name || !*name)
			continue;
		t->names[t->count++] = (struct core_name){ name, essential_len(name), id };
	}
	qsort(t->names, t->count, sizeof(*t->names), cmp_name);
	*target = t;
	return 0;
}

void loader_core_target_free(struct loader_core_target *target)
{
	if (!target)
		return;
	btf__free(target->btf);
	free(target->names);
	free(target);
}

const struct btf *loader_core_target_btf(const struct loader_core_target *target)
{
	return target->btf;
}

/* The first entry whose essential name equals key's, or count. */
static size_t first_named(const struct loader_core_target *t, const struct core_name *key)
{
	size_t lo = 0, hi = t->count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cmp_name(&t->names[mid], key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* ---- Types ------------------------------------------------------------------------------- */

static const struct btf_type *skip_mods_typedefs(const struct btf *btf, uint32_t id,
						 uint32_t *res_id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	int depth;

	for (depth = 0; t && (btf_is_mod(t) || btf_is_typedef(t)) && depth < CORE_MAX_DEPTH;
	     depth++) {
		id = t->type;
		t = btf__type_by_id(btf, id);
	}
	if (t && (btf_is_mod(t) || btf_is_typedef(t)))
		t = NULL;
	if (res_id)
		*res_id = id;
	return t;
}

/* Same kind, an enum of either width counting as one kind. */
static bool kinds_compat(const struct btf_type *a, const struct btf_type *b)
{
	return btf_kind(a) == btf_kind(b) || (btf_is_any_enum(a) && btf_is_any_enum(b));
}

static bool names_match(const struct btf *a, uint32_t a_off, const struct btf *b, uint32_t b_off)
{
	const char *x = btf__name_by_offset(a, a_off), *y = btf__name_by_offset(b, b_off);
	size_t xl = x ? essential_len(x) : 0, yl = y ? essential_len(y) : 0;

	return xl == yl && (!xl || !strncmp(x, y, xl));
}

/* Whether a local field's type fits the target field's: composites always do (their members
 * are matched by name later), scalars of the same kind do, arrays by their elements. */
static int fields_compat(const struct btf *lb, uint32_t lid, const struct btf *tb, uint32_t tid)
{
	int depth;

	for (depth = 0; depth < CORE_MAX_DEPTH; depth++) {
		const struct btf_type *l = skip_mods_typedefs(lb, lid, &lid);
		const struct btf_type *t = skip_mods_typedefs(tb, tid, &tid);
		const char *ln, *tn;
		size_t ll, tl;

		if (!l || !t)
			return -EINVAL;
		if (btf_is_composite(l) && btf_is_composite(t))
			return 1;
		if (!kinds_compat(l, t))
			return 0;
		switch (btf_kind(l)) {
		case BTF_KIND_PTR:
		case BTF_KIND_FLOAT:
			return 1;
		case BTF_KIND_FWD:
		case BTF_KIND_ENUM:
		case BTF_KIND_ENUM64:
			/* one of them anonymous, or the same name without flavour */
			ln = btf__name_by_offset(lb, l->name_off);
			tn = btf__name_by_offset(tb, t->name_off);
			ll = ln ? essential_len(ln) : 0;
			tl = tn ? essential_len(tn) : 0;
			return !ll || !tl || (ll == tl && !strncmp(ln, tn, ll));
		case BTF_KIND_INT:
			/* integers with a bit offset are a deprecated form of bitfields */
			return btf_int_offset(l) == 0 && btf_int_offset(t) == 0;
		case BTF_KIND_ARRAY:
			lid = btf_array(l)->type;
			tid = btf_array(t)->type;
			continue;
		default:
			return 0;
		}
	}
	return -EINVAL;
}

/* Type compatibility for type-based relocations (libbpf's bpf_core_types_are_compat). */
static int types_compat(const struct btf *lb, uint32_t lid, const struct btf *tb, uint32_t tid,
			int depth)
{
	for (; depth < CORE_MAX_DEPTH; depth++) {
		const struct btf_type *l = skip_mods_typedefs(lb, lid, &lid);
		const struct btf_type *t = skip_mods_typedefs(tb, tid, &tid);
		const struct btf_param *lp, *tp;
		uint16_t i;
		int ok;

		if (!l || !t)
			return -EINVAL;
		if (!kinds_compat(l, t))
			return 0;
		switch (btf_kind(l)) {
		case BTF_KIND_UNKN:
		case BTF_KIND_STRUCT:
		case BTF_KIND_UNION:
		case BTF_KIND_ENUM:
		case BTF_KIND_ENUM64:
		case BTF_KIND_FWD:
			return 1;
		case BTF_KIND_INT:
			return btf_int_offset(l) == 0 && btf_int_offset(t) == 0;
		case BTF_KIND_PTR:
			lid = l->type;
			tid = t->type;
			continue;
		case BTF_KIND_ARRAY:
			lid = btf_array(l)->type;
			tid = btf_array(t)->type;
			continue;
		case BTF_KIND_FUNC_PROTO:
			if (btf_vlen(l) != btf_vlen(t))
				return 0;
			lp = btf_params(l);
			tp = btf_params(t);
			for (i = 0; i < btf_vlen(l); i++) {
				ok = types_compat(lb, lp[i].type, tb, tp[i].type, depth + 1);
				if (ok <= 0)
					return ok;
			}
			lid = l->type;
			tid = t->type;
			continue;
		default:
			return 0;
		}
	}
	return -EINVAL;
}

static int types_match(const struct btf *lb, uint32_t lid, const struct btf *tb, uint32_t tid,
		       bool behind_ptr, int depth);

/* Every local member exists in the target under its name, with a matching type. */
static int members_match(const struct btf *lb, const struct btf_type *l, const struct btf *tb,
			 const struct btf_type *t, int depth)
{
	const struct btf_member *lm = btf_members(l), *tm = btf_members(t);
	uint16_t i, j;
	int ok;

	if (btf_vlen(l) > btf_vlen(t))
		return 0;
	for (i = 0; i < btf_vlen(l); i++) {
		const char *ln = btf__name_by_offset(lb, lm[i].name_off);

		for (j = 0; j < btf_vlen(t); j++) {
			if (!strcmp(ln ? ln : "", btf__name_by_offset(tb, tm[j].name_off)))
				break;
		}
		if (j == btf_vlen(t))
			return 0;
		ok = types_match(lb, lm[i].type, tb, tm[j].type, false, depth + 1);
		if (ok <= 0)
			return ok;
	}
	return 1;
}

/* Every local enumerator exists in the target under its name, and the sizes agree. */
static int enums_match(const struct btf *lb, const struct btf_type *l, const struct btf *tb,
		       const struct btf_type *t)
{
	uint16_t i, j;

	if (l->size != t->size)
		return 0;
	for (i = 0; i < btf_vlen(l); i++) {
		uint32_t lo = btf_is_enum(l) ? btf_enum(l)[i].name_off : btf_enum64(l)[i].name_off;

		for (j = 0; j < btf_vlen(t); j++) {
			uint32_t to =
			    btf_is_enum(t) ? btf_enum(t)[j].name_off : btf_enum64(t)[j].name_off;

			if (names_match(lb, lo, tb, to))
				break;
		}
		if (j == btf_vlen(t))
			return 0;
	}
	return 1;
}

/* The stricter match of bpf_core_type_matches(): the local definition must describe the
 * target's layout (members by name, integer sizes and signedness, array lengths). */
static int types_match(const struct btf *lb, uint32_t lid, const struct btf *tb, uint32_t tid,
		       bool behind_ptr, int depth)
{
	const struct btf_type *l, *t;
	uint16_t i;
	int ok;

	if (depth >= CORE_MAX_DEPTH)
		return -EINVAL;
	l = skip_mods_typedefs(lb, lid, &lid);
	t = skip_mods_typedefs(tb, tid, &tid);
	if (!l || !t)
		return -EINVAL;
	if (l->name_off && t->name_off && !names_match(lb, l->name_off, tb, t->name_off))
		return 0;
	if (behind_ptr && (btf_is_fwd(l) || btf_is_fwd(t)) &&
	    (btf_is_composite(l) || btf_is_composite(t) || (btf_is_fwd(l) && btf_is_fwd(t))))
		return 1; /* a forward declaration stands for the struct it names */
	if (!kinds_compat(l, t))
		return 0;
	switch (btf_kind(l)) {
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		return members_match(lb, l, tb, t, depth);
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		return enums_match(lb, l, tb, t);
	case BTF_KIND_FWD:
		return btf_kflag(l) == btf_kflag(t);
	case BTF_KIND_INT:
		return l->size == t->size &&
		       (btf_int_encoding(l) & BTF_INT_SIGNED) ==
			   (btf_int_encoding(t) & BTF_INT_SIGNED) &&
		       btf_int_offset(l) == btf_int_offset(t) && btf_int_bits(l) == btf_int_bits(t);
	case BTF_KIND_FLOAT:
		return l->size == t->size;
	case BTF_KIND_PTR:
		return types_match(lb, l->type, tb, t->type, true, depth + 1);
	case BTF_KIND_ARRAY:
		if (btf_array(l)->nelems != btf_array(t)->nelems)
			return 0;
		return types_match(lb, btf_array(l)->type, tb, btf_array(t)->type, behind_ptr,
				   depth + 1);
	case BTF_KIND_FUNC_PROTO:
		if (btf_vlen(l) != btf_vlen(t))
			return 0;
		for (i = 0; i < btf_vlen(l); i++) {
			ok = types_match(lb, btf_params(l)[i].type, tb, btf_params(t)[i].type,
					 behind_ptr, depth + 1);
			if (ok <= 0)
				return ok;
		}
		return types_match(lb, l->type, tb, t->type, behind_ptr, depth + 1);
	default:
		return 0;
	}
}

/* ---- Access specifications --------------------------------------------------------------- */

struct core_access {
	uint32_t type_id; /* the struct/union (named member) or the array's element type */
	uint32_t idx;
	const char *name; /* the member's name; NULL for an array index */
};

/* Where a relocation leads: the named accessors of the string, and the bit offset. */
struct core_spec {
	const struct btf *btf;
	uint32_t root_id;
	struct core_access acc[CORE_SPEC_MAX];
	uint32_t len;
	uint32_t raw[CORE_SPEC_MAX];
	uint32_t raw_len;
	uint64_t bit_offset;
};

/* A flexible array: the last member of a struct, with no elements. */
static bool is_flex_array(const struct btf *btf, const struct core_access *parent,
			  const struct btf_array *arr)
{
	const struct btf_type *t;

	if (!parent->name || arr->nelems)
		return false;
	t = btf__type_by_id(btf, parent->type_id);
	return t && btf_is_composite(t) && parent->idx == (uint32_t)btf_vlen(t) - 1u;
}

static int parse_raw(const char *s, struct core_spec *spec)
{
	char *end;

	spec->raw_len = 0;
	while (*s) {
		unsigned long v;

		if (*s < '0' || *s > '9' || spec->raw_len == CORE_SPEC_MAX)
			return -EINVAL;
		v = strtoul(s, &end, 10);
		if (v > UINT32_MAX)
			return -EINVAL;
		spec->raw[spec->raw_len++] = (uint32_t)v;
		s = end;
		if (*s == ':' && s[1])
			s++;
		else if (*s)
			return -EINVAL;
	}
	return spec->raw_len ? 0 : -EINVAL;
}

static int add_member(struct core_spec *spec, uint32_t *id, uint32_t idx)
{
	const struct btf_type *t = btf__type_by_id(spec->btf, *id);
	const struct btf_member *m;
	const char *name;

	if (idx >= btf_vlen(t))
		return -EINVAL;
	m = btf_members(t) + idx;
	spec->bit_offset += btf_member_bit_offset(t, idx);
	name = btf__name_by_offset(spec->btf, m->name_off);
	if (name && *name)
		spec->acc[spec->len++] = (struct core_access){ *id, idx, name };
	*id = m->type;
	return 0;
}

static int add_element(struct core_spec *spec, const struct btf_type *t, uint32_t *id, uint32_t idx)
{
	const struct btf_array *arr = btf_array(t);
	__s64 size;

	if (!skip_mods_typedefs(spec->btf, arr->type, id))
		return -EINVAL;
	if (idx >= arr->nelems &&
	    !(spec->len && is_flex_array(spec->btf, &spec->acc[spec->len - 1], arr)))
		return -EINVAL;
	size = btf__resolve_size(spec->btf, *id);
	if (size < 0)
		return -EINVAL;
	spec->acc[spec->len++] = (struct core_access){ *id, idx, NULL };
	spec->bit_offset += (uint64_t)idx * (uint64_t)size * 8;
	return 0;
}

/* A field access "0:1:2" from the root type (libbpf's bpf_core_parse_spec). */
static int parse_field_spec(struct core_spec *spec)
{
	uint32_t id, i;
	const struct btf_type *t = skip_mods_typedefs(spec->btf, spec->root_id, &id);
	__s64 size;
	int err;

	if (!t)
		return -EINVAL;
	size = btf__resolve_size(spec->btf, id);
	if (size < 0)
		return -EINVAL;
	spec->acc[0] = (struct core_access){ id, spec->raw[0], NULL };
	spec->len = 1;
	spec->bit_offset = (uint64_t)spec->raw[0] * (uint64_t)size * 8;
	for (i = 1; i < spec->raw_len; i++) {
		t = skip_mods_typedefs(spec->btf, id, &id);
		if (!t || spec->len >= CORE_SPEC_MAX)
			return -EINVAL;
		if (btf_is_composite(t))
			err = add_member(spec, &id, spec->raw[i]);
		else if (btf_is_array(t))
			err = add_element(spec, t, &id, spec->raw[i]);
		else
			err = -EINVAL;
		if (err)
			return err;
	}
	return 0;
}

static bool is_field_kind(uint32_t kind)
{
	return kind <= BPF_CORE_FIELD_RSHIFT_U64;
}

static bool is_enumval_kind(uint32_t kind)
{
	return kind == BPF_CORE_ENUMVAL_EXISTS || kind == BPF_CORE_ENUMVAL_VALUE;
}

static int parse_spec(const struct btf *btf, const struct loader_core_relo *r, const char *access,
		      struct core_spec *spec)
{
	const struct btf_type *t;

	memset(spec, 0, sizeof(*spec));
	spec->btf = btf;
	spec->root_id = r->type_id;
	if (parse_raw(access, spec))
		return -EINVAL;
	if (is_field_kind(r->kind))
		return parse_field_spec(spec);
	if (is_enumval_kind(r->kind)) {
		t = skip_mods_typedefs(btf, r->type_id, NULL);
		if (!t || !btf_is_any_enum(t) || spec->raw_len != 1 || spec->raw[0] >= btf_vlen(t))
			return -EINVAL;
		spec->acc[0] = (struct core_access){ r->type_id, spec->raw[0], NULL };
		spec->len = 1;
		return 0;
	}
	/* type-based: the access string is "0" */
	return spec->raw_len == 1 && spec->raw[0] == 0 ? 0 : -EINVAL;
}

/* ---- Matching a candidate ---------------------------------------------------------------- */

/* Finds the local accessor's member in the target struct tid, by name, through anonymous
 * members; on success the target spec has the member and *next its type. */
static int match_member(const struct btf *lb, const struct core_access *la, const struct btf *tb,
			uint32_t tid, struct core_spec *ts, uint32_t *next, int depth)
{
	const struct btf_type *l = btf__type_by_id(lb, la->type_id);
	const struct btf_member *lm = btf_members(l) + la->idx;
	const struct btf_type *t = skip_mods_typedefs(tb, tid, &tid);
	const struct btf_member *m;
	uint16_t i;
	int found;

	if (!t || !btf_is_composite(t) || depth >= CORE_MAX_DEPTH)
		return 0;
	m = btf_members(t);
	for (i = 0; i < btf_vlen(t); i++, m++) {
		uint32_t bit_off = btf_member_bit_offset(t, i);
		const char *name = btf__name_by_offset(tb, m->name_off);

		if (ts->raw_len == CORE_SPEC_MAX || ts->len == CORE_SPEC_MAX)
			return -E2BIG;
		ts->bit_offset += bit_off;
		ts->raw[ts->raw_len++] = i;
		if (!name || !*name) {
			found = match_member(lb, la, tb, m->type, ts, next, depth + 1);
			if (found)
				return found;
		} else if (!strcmp(la->name, name)) {
			found = fields_compat(lb, lm->type, tb, m->type);
			if (found > 0) {
				ts->acc[ts->len++] = (struct core_access){ tid, i, name };
				*next = m->type;
			}
			return found;
		}
		ts->bit_offset -= bit_off;
		ts->raw_len--;
	}
	return 0;
}

static int match_element(const struct btf *tb, const struct core_access *la, uint32_t *tid,
			 struct core_spec *ts)
{
	const struct btf_type *t = skip_mods_typedefs(tb, *tid, tid);
	const struct btf_array *arr;
	__s64 size;

	if (!t || !btf_is_array(t))
		return 0;
	arr = btf_array(t);
	if (la->idx >= arr->nelems && !is_flex_array(tb, &ts->acc[ts->len - 1], arr))
		return 0;
	if (!skip_mods_typedefs(tb, arr->type, tid) || ts->len == CORE_SPEC_MAX ||
	    ts->raw_len == CORE_SPEC_MAX)
		return -EINVAL;
	size = btf__resolve_size(tb, *tid);
	if (size < 0)
		return -EINVAL;
	ts->acc[ts->len++] = (struct core_access){ *tid, la->idx, NULL };
	ts->raw[ts->raw_len++] = la->idx;
	ts->bit_offset += (uint64_t)la->idx * (uint64_t)size * 8;
	return 1;
}

static int match_field(const struct core_spec *ls, const struct btf *tb, uint32_t tid,
		       struct core_spec *ts)
{
	__s64 size = btf__resolve_size(tb, tid);
	uint32_t i;
	int ok;

	if (size < 0)
		return 0;
	ts->acc[0] = (struct core_access){ tid, ls->acc[0].idx, NULL };
	ts->len = 1;
	ts->raw[0] = ls->acc[0].idx;
	ts->raw_len = 1;
	ts->bit_offset = (uint64_t)ls->acc[0].idx * (uint64_t)size * 8;
	for (i = 1; i < ls->len; i++) {
		if (ls->acc[i].name)
			ok = match_member(ls->btf, &ls->acc[i], tb, tid, ts, &tid, 0);
		else
			ok = match_element(tb, &ls->acc[i], &tid, ts);
		if (ok <= 0)
			return ok;
	}
	return 1;
}

static int match_enumval(const struct core_spec *ls, const struct btf *tb, uint32_t tid,
			 struct core_spec *ts)
{
	const struct btf_type *l = skip_mods_typedefs(ls->btf, ls->root_id, NULL);
	const struct btf_type *t = skip_mods_typedefs(tb, tid, &tid);
	uint32_t lname = btf_is_enum(l) ? btf_enum(l)[ls->acc[0].idx].name_off
					: btf_enum64(l)[ls->acc[0].idx].name_off;
	uint16_t i;

	if (!t || !btf_is_any_enum(t))
		return 0;
	for (i = 0; i < btf_vlen(t); i++) {
		uint32_t tname =
		    btf_is_enum(t) ? btf_enum(t)[i].name_off : btf_enum64(t)[i].name_off;

		if (names_match(ls->btf, lname, tb, tname)) {
			ts->acc[0] = (struct core_access){ tid, i, NULL };
			ts->len = 1;
			return 1;
		}
	}
	return 0;
}

static int match_candidate(const struct core_spec *ls, uint32_t kind, const struct btf *tb,
			   uint32_t tid, struct core_spec *ts)
{
	memset(ts, 0, sizeof(*ts));
	ts->btf = tb;
	ts->root_id = tid;
	if (is_field_kind(kind))
		return match_field(ls, tb, tid, ts);
	if (is_enumval_kind(kind))
		return match_enumval(ls, tb, tid, ts);
	if (kind == BPF_CORE_TYPE_MATCHES)
		return types_match(ls->btf, ls->root_id, tb, tid, false, 0);
	return types_compat(ls->btf, ls->root_id, tb, tid, 0);
}

/* ---- Values ------------------------------------------------------------------------------ */

/* What a resolved relocation yields, and for loads and stores, the field's size and type. */
struct core_result {
	uint64_t value;
	uint32_t size; /* FIELD_BYTE_OFFSET of a non-bitfield: its size, else 0 */
	uint32_t type_id;
};

/* libbpf's bpf_core_calc_field_relo: offsets, sizes and shifts of the field the spec ends at,
 * bitfields read through the smallest aligned integer that holds them. */
static int field_value(const struct core_spec *s, uint32_t kind, struct core_result *res)
{
	const struct core_access *acc = &s->acc[s->len - 1];
	const struct btf_type *t = btf__type_by_id(s->btf, acc->type_id), *mt;
	uint64_t bit_off = s->bit_offset, bit_sz, byte_sz, byte_off;
	uint32_t mid;
	__s64 size;

	memset(res, 0, sizeof(*res));
	if (!acc->name) {
		size = btf__resolve_size(s->btf, acc->type_id);
		if (size < 0 ||
		    (kind != BPF_CORE_FIELD_BYTE_OFFSET && kind != BPF_CORE_FIELD_BYTE_SIZE))
			return -EINVAL;
		res->value = kind == BPF_CORE_FIELD_BYTE_OFFSET ? bit_off / 8 : (uint64_t)size;
		res->size = (uint32_t)size;
		res->type_id = acc->type_id;
		return 0;
	}
	mt = skip_mods_typedefs(s->btf, btf_members(t)[acc->idx].type, &mid);
	if (!mt)
		return -EINVAL;
	bit_sz = btf_member_bitfield_size(t, acc->idx);
	if (bit_sz) {
		byte_sz = mt->size;
		if (!byte_sz)
			return -EINVAL;
		byte_off = bit_off / 8 / byte_sz * byte_sz;
		while (bit_off + bit_sz - byte_off * 8 > byte_sz * 8) {
			if (byte_sz >= 8)
				return -E2BIG;
			byte_sz *= 2;
			byte_off = bit_off / 8 / byte_sz * byte_sz;
		}
	} else {
		size = btf__resolve_size(s->btf, mid);
		if (size < 0)
			return -EINVAL;
		byte_sz = (uint64_t)size;
		byte_off = bit_off / 8;
		bit_sz = byte_sz * 8;
		res->size = (uint32_t)byte_sz;
		res->type_id = mid;
	}
	switch (kind) {
	case BPF_CORE_FIELD_BYTE_OFFSET:
		res->value = byte_off;
		break;
	case BPF_CORE_FIELD_BYTE_SIZE:
		res->value = byte_sz;
		break;
	case BPF_CORE_FIELD_SIGNED:
		res->value = (btf_is_any_enum(mt) && btf_kflag(mt)) ||
			     (btf_is_int(mt) && (btf_int_encoding(mt) & BTF_INT_SIGNED));
		break;
	case BPF_CORE_FIELD_LSHIFT_U64: /* little endian */
		res->value = 64 - (bit_off + bit_sz - byte_off * 8);
		break;
	case BPF_CORE_FIELD_RSHIFT_U64:
		res->value = 64 - bit_sz;
		break;
	default:
		return -EINVAL;
	}
	return 0;
}

static int enumval_value(const struct core_spec *s, uint64_t *value)
{
	const struct btf_type *t = skip_mods_typedefs(s->btf, s->acc[0].type_id, NULL);

	if (btf_is_enum(t))
		*value = (uint64_t)(int64_t)btf_enum(t)[s->acc[0].idx].val;
	else
		*value = btf_enum64_value(btf_enum64(t) + s->acc[0].idx);
	return 0;
}

/* The value for a resolved spec (s == NULL: nothing matched; -ENOENT asks for poisoning). */
static int relo_value(const struct core_spec *s, uint32_t kind, struct core_result *res)
{
	__s64 size;

	memset(res, 0, sizeof(*res));
	switch (kind) {
	case BPF_CORE_FIELD_EXISTS:
	case BPF_CORE_TYPE_EXISTS:
	case BPF_CORE_TYPE_MATCHES:
	case BPF_CORE_ENUMVAL_EXISTS:
		res->value = s != NULL;
		return 0;
	case BPF_CORE_TYPE_ID_LOCAL:
	case BPF_CORE_TYPE_ID_TARGET:
		res->value = s ? s->root_id : 0;
		return 0;
	case BPF_CORE_TYPE_SIZE:
		if (!s)
			return 0;
		size = btf__resolve_size(s->btf, s->root_id);
		if (size < 0)
			return -EINVAL;
		res->value = (uint64_t)size;
		return 0;
	case BPF_CORE_ENUMVAL_VALUE:
		return s ? enumval_value(s, &res->value) : -ENOENT;
	default:
		return s ? field_value(s, kind, res) : -ENOENT;
	}
}

/* ---- Applying ---------------------------------------------------------------------------- */

struct core_job {
	const struct loader_object *obj;
	const struct loader_program *lp;
	const struct btf *local;
	const struct loader_core_target *target;
	struct ebpf_inst *insns;
	size_t relo; /* index in lp->core_relos */
	char *err;
	size_t err_size;
	struct loader_core_poison *poison;
	size_t poison_count;
};

static const char *const kind_names[] = {
	[BPF_CORE_FIELD_BYTE_OFFSET] = "field byte offset",
	[BPF_CORE_FIELD_BYTE_SIZE] = "field byte size",
	[BPF_CORE_FIELD_EXISTS] = "field existence",
	[BPF_CORE_FIELD_SIGNED] = "field signedness",
	[BPF_CORE_FIELD_LSHIFT_U64] = "field left shift",
	[BPF_CORE_FIELD_RSHIFT_U64] = "field right shift",
	[BPF_CORE_TYPE_ID_LOCAL] = "local type id",
	[BPF_CORE_TYPE_ID_TARGET] = "target type id",
	[BPF_CORE_TYPE_EXISTS] = "type existence",
	[BPF_CORE_TYPE_SIZE] = "type size",
	[BPF_CORE_ENUMVAL_EXISTS] = "enum value existence",
	[BPF_CORE_ENUMVAL_VALUE] = "enum value",
	[BPF_CORE_TYPE_MATCHES] = "type match",
};

const char *loader_core_kind_name(uint32_t kind)
{
	return kind < sizeof(kind_names) / sizeof(kind_names[0]) ? kind_names[kind] : "unknown";
}

/* "struct task_struct", "enum foo", "int": for messages. */
static void type_name(const struct btf *btf, uint32_t id, char *buf, size_t size)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	const char *prefix = "", *name;

	if (!t) {
		snprintf(buf, size, "<type %u>", id);
		return;
	}
	if (btf_is_struct(t) || (btf_is_fwd(t) && !btf_kflag(t)))
		prefix = "struct ";
	else if (btf_is_union(t) || btf_is_fwd(t))
		prefix = "union ";
	else if (btf_is_any_enum(t))
		prefix = "enum ";
	name = btf__name_by_offset(btf, t->name_off);
	snprintf(buf, size, "%s%s", prefix, name && *name ? name : "(anon)");
}

/* "'struct task_struct' field 'se.vruntime'", "'enum e' value 'B'", "'struct x'". */
static void describe(const struct core_job *job, const struct loader_core_relo *r,
		     const struct core_spec *ls, char *buf, size_t size)
{
	char type[128];
	size_t used;
	uint32_t i;

	type_name(job->local, r->type_id, type, sizeof(type));
	used = (size_t)snprintf(buf, size, "'%s'", type);
	if (!ls || used >= size)
		return;
	if (is_field_kind(r->kind)) {
		used += (size_t)snprintf(buf + used, size - used, " field '");
		for (i = 1; i < ls->len && used < size; i++)
			used +=
			    (size_t)(ls->acc[i].name ? snprintf(buf + used, size - used, "%s%s",
								i > 1 ? "." : "", ls->acc[i].name)
						     : snprintf(buf + used, size - used, "[%u]",
								ls->acc[i].idx));
		if (used < size)
			snprintf(buf + used, size - used, "'");
	} else if (is_enumval_kind(r->kind)) {
		const struct btf_type *t = skip_mods_typedefs(job->local, r->type_id, NULL);
		uint32_t off = btf_is_enum(t) ? btf_enum(t)[ls->acc[0].idx].name_off
					      : btf_enum64(t)[ls->acc[0].idx].name_off;

		snprintf(buf + used, size - used, " value '%s'",
			 btf__name_by_offset(job->local, off));
	}
}

static int job_err(struct core_job *job, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int job_err(struct core_job *job, int err, const char *fmt, ...)
{
	const struct loader_core_relo *r = &job->lp->core_relos[job->relo];
	size_t used;
	va_list ap;

	if (!job->err || !job->err_size)
		return err;
	used =
	    (size_t)snprintf(job->err, job->err_size,
			     "section '%s' insn %u: CO-RE relocation #%zu (%s): ", job->lp->section,
			     r->insn, job->relo, loader_core_kind_name(r->kind));
	if (used < job->err_size) {
		va_start(ap, fmt);
		vsnprintf(job->err + used, job->err_size - used, fmt, ap);
		va_end(ap);
	}
	return err;
}

static bool insn_is_alu_imm(const struct ebpf_inst *insn)
{
	uint8_t cls = insn->code & 0x07;

	return (cls == EBPF_CLS_ALU || cls == EBPF_CLS_ALU64) && EBPF_SRC(insn->code) == EBPF_SRC_K;
}

static bool insn_is_mem(const struct ebpf_inst *insn)
{
	uint8_t cls = insn->code & 0x07, mode = insn->code & 0xe0;

	return (cls == EBPF_CLS_LDX || cls == EBPF_CLS_ST || cls == EBPF_CLS_STX) &&
	       (mode == EBPF_MODE_MEM || mode == EBPF_MODE_MEMSX);
}

static int mem_size_code(uint32_t bytes)
{
	switch (bytes) {
	case 1:
		return EBPF_SIZE_B;
	case 2:
		return EBPF_SIZE_H;
	case 4:
		return EBPF_SIZE_W;
	case 8:
		return EBPF_SIZE_DW;
	default:
		return -1;
	}
}

static uint32_t insn_mem_bytes(const struct ebpf_inst *insn)
{
	static const uint32_t bytes[] = { [EBPF_SIZE_W >> 3] = 4,
					  [EBPF_SIZE_H >> 3] = 2,
					  [EBPF_SIZE_B >> 3] = 1,
					  [EBPF_SIZE_DW >> 3] = 8 };

	return bytes[(insn->code & 0x18) >> 3];
}

/* Both sides pointers, or both unsigned integers: a load of another size reads the same value
 * (libbpf's rule; anything else would change the value's meaning). */
static bool size_change_safe(const struct btf *lb, uint32_t lid, const struct btf *tb, uint32_t tid)
{
	const struct btf_type *l = btf__type_by_id(lb, lid), *t = btf__type_by_id(tb, tid);

	if (!l || !t)
		return false;
	if (btf_is_ptr(l) && btf_is_ptr(t))
		return true;
	return btf_is_int(l) && btf_is_int(t) && !(btf_int_encoding(l) & BTF_INT_SIGNED) &&
	       !(btf_int_encoding(t) & BTF_INT_SIGNED);
}

static int note_poison(struct core_job *job, size_t insn, const char *what)
{
	const struct loader_core_relo *r = &job->lp->core_relos[job->relo];
	struct loader_core_poison *p;

	p = realloc(job->poison, (job->poison_count + 1) * sizeof(*p));
	if (!p)
		return job_err(job, -ENOMEM, "out of memory");
	job->poison = p;
	p += job->poison_count++;
	p->insn = (uint32_t)insn;
	snprintf(p->message, sizeof(p->message), "CO-RE relocation #%zu (%s of %s) %s", job->relo,
		 loader_core_kind_name(r->kind), what, "cannot be resolved against the target BTF");
	return 0;
}

/* libbpf's bpf_core_poison_insn: a call to helper 0xbad2310 ("bad relo"); both halves of an
 * lddw, so that the verifier never sees half an instruction. */
static int poison(struct core_job *job, size_t i, const char *what)
{
	struct ebpf_inst bad = { .code = EBPF_OP_CALL, .imm = VERIFIER_POISONED_HELPER };

	if (job->insns[i].code == EBPF_OP_LDDW && i + 1 < job->lp->insn_count)
		job->insns[i + 1] = bad;
	job->insns[i] = bad;
	return note_poison(job, i, what);
}

static int patch(struct core_job *job, size_t i, const struct core_result *local,
		 const struct core_result *targ, const struct btf *tb, const char *what)
{
	struct ebpf_inst *insn = &job->insns[i];
	int code;

	if (insn->code == EBPF_OP_LDDW) {
		if (i + 1 >= job->lp->insn_count)
			return job_err(job, -EINVAL, "lddw at the end of the program");
		insn[0].imm = (int32_t)(uint32_t)targ->value;
		insn[1].imm = (int32_t)(uint32_t)(targ->value >> 32);
		return 0;
	}
	if (insn_is_alu_imm(insn)) {
		if (targ->value > UINT32_MAX)
			return job_err(job, -ERANGE,
				       "value %llu of %s does not fit a 32-bit immediate",
				       (unsigned long long)targ->value, what);
		insn->imm = (int32_t)(uint32_t)targ->value;
		return 0;
	}
	if (!insn_is_mem(insn))
		return job_err(job, -EINVAL,
			       "applies to an instruction (opcode %#04x) that is neither an ALU "
			       "immediate, a load or store, nor an lddw",
			       insn->code);
	if (job->lp->core_relos[job->relo].kind != BPF_CORE_FIELD_BYTE_OFFSET)
		return job_err(job, -EINVAL, "%s on a load or store: only byte offsets apply there",
			       loader_core_kind_name(job->lp->core_relos[job->relo].kind));
	if (targ->value > INT16_MAX)
		return job_err(job, -ERANGE, "offset %llu of %s does not fit a load offset",
			       (unsigned long long)targ->value, what);
	insn->off = (int16_t)targ->value;
	if (!local->size || local->size == targ->size)
		return 0;
	/* The field changed size: the load follows it where that keeps its value's meaning. */
	code = mem_size_code(targ->size);
	if (insn_mem_bytes(insn) != local->size || code < 0 ||
	    !size_change_safe(job->local, local->type_id, tb, targ->type_id))
		return poison(job, i, what);
	insn->code = (uint8_t)((insn->code & ~0x18) | code);
	return 0;
}

/* Every candidate of the local root type's name, or the one type for TYPE_ID_LOCAL. */
static int resolve(struct core_job *job, const struct loader_core_relo *r,
		   const struct core_spec *ls, struct core_result *res, bool *found)
{
	const struct loader_core_target *tgt = job->target;
	const struct btf_type *lt = btf__type_by_id(job->local, r->type_id);
	const char *name = btf__name_by_offset(job->local, lt->name_off);
	struct core_name key = { name, name ? essential_len(name) : 0, 0 };
	struct core_spec ts;
	struct core_result cand;
	size_t k;
	int ok, err;

	*found = false;
	if (!key.len)
		return job_err(job, -EINVAL, "the root type %u has no name", r->type_id);
	for (k = first_named(tgt, &key); k < tgt->count && !cmp_name(&tgt->names[k], &key); k++) {
		const struct btf_type *tt = btf__type_by_id(tgt->btf, tgt->names[k].id);

		if (!kinds_compat(lt, tt))
			continue;
		ok = match_candidate(ls, r->kind, tgt->btf, tgt->names[k].id, &ts);
		if (ok < 0)
			return job_err(job, -EINVAL, "malformed types while matching '%s'", name);
		if (!ok)
			continue;
		err = relo_value(&ts, r->kind, &cand);
		if (err)
			return job_err(job, -EINVAL,
				       "cannot compute the value of '%s' in the target", name);
		if (*found && cand.value != res->value)
			return job_err(
			    job, -EINVAL, "ambiguous: target types named '%s' give %llu and %llu",
			    name, (unsigned long long)res->value, (unsigned long long)cand.value);
		*res = cand;
		*found = true;
	}
	return 0;
}

static int apply_one(struct core_job *job)
{
	const struct loader_core_relo *r = &job->lp->core_relos[job->relo];
	const char *access = btf__name_by_offset(job->local, r->access_str_off);
	struct core_result local, targ;
	struct core_spec ls;
	char what[256];
	bool found;
	int err;

	if (!access || parse_spec(job->local, r, access, &ls))
		return job_err(job, -EINVAL, "access string '%s' does not fit type %u",
			       access ? access : "?", r->type_id);
	describe(job, r, &ls, what, sizeof(what));
	if (relo_value(&ls, r->kind, &local))
		return job_err(job, -EINVAL, "cannot compute %s in the object's own BTF", what);
	if (r->kind == BPF_CORE_TYPE_ID_LOCAL)
		return patch(job, r->insn, &local, &local, job->local, what);
	if (!job->target)
		return job_err(job, -ENOENT, "%s: no target BTF to relocate against", what);
	err = resolve(job, r, &ls, &targ, &found);
	if (err)
		return err;
	if (!found) {
		err = relo_value(NULL, r->kind, &targ);
		if (err == -ENOENT)
			return poison(job, r->insn, what);
		if (err)
			return job_err(job, err, "%s", what);
	}
	return patch(job, r->insn, &local, &targ, loader_core_target_btf(job->target), what);
}

int loader_core_relocate(const struct loader_object *obj, const struct loader_program *lp,
			 const struct loader_core_target *target, struct ebpf_inst *insns,
			 struct loader_core_poison **poisoned, size_t *poison_count, char *err,
			 size_t err_size)
{
	struct core_job job = {
		.obj = obj,
		.lp = lp,
		.target = target,
		.insns = insns,
		.err = err,
		.err_size = err_size,
	};
	struct btf *local;
	int ret = 0;

	*poisoned = NULL;
	*poison_count = 0;
	if (!lp->core_relo_count)
		return 0;
	local = btf__new(obj->btf, (uint32_t)obj->btf_size);
	if (!local) {
		ret = -errno;
		if (err && err_size)
			snprintf(err, err_size, "section '%s': the object's BTF cannot be read: %s",
				 lp->section, strerror(errno));
		return ret ? ret : -EINVAL;
	}
	job.local = local;
	for (job.relo = 0; job.relo < lp->core_relo_count && !ret; job.relo++)
		ret = apply_one(&job);
	btf__free(local);
	if (ret) {
		free(job.poison);
		return ret;
	}
	*poisoned = job.poison;
	*poison_count = job.poison_count;
	return 0;
}
