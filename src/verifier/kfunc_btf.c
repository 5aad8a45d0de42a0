/* SPDX-License-Identifier: MIT */
/*
 * Kfuncs typed by BTF: the extension's (info->kfunc_btf, else the type's info->btf). When it
 * holds a FUNC of a kfunc's name, its FUNC_PROTO must say what the argument kinds say, so that
 * the verifier, which checks calls against the kinds and takes only the struct types from the
 * BTF, checks what the function really takes; a kfunc that gives only its name (every kind
 * zero) gets its kinds from the FUNC_PROTO. Linux's naming rules mark what the types cannot
 * say: the parameter after `void *buf` is its size when named `buf__sz`, and a pointer named
 * `..__nullable` may be NULL.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include "verifier_int.h"

static bool is_scalar(const struct btf_type *t)
{
	return t && (btf_is_int(t) || btf_is_any_enum(t)) && t->size <= 8;
}

static bool has_suffix(const char *name, const char *suffix)
{
	size_t len = name ? strlen(name) : 0, slen = strlen(suffix);

	return len > slen && !strcmp(name + len - slen, suffix);
}

static bool is_size_name(const char *name)
{
	return has_suffix(name, "__sz");
}

static bool is_size_kind(enum ebpf_arg_type kind)
{
	return kind == EBPF_ARG_CONST_SIZE || kind == EBPF_ARG_CONST_SIZE_OR_ZERO;
}

static bool is_mem_kind(enum ebpf_arg_type kind)
{
	return kind == EBPF_ARG_PTR_TO_MEM || kind == EBPF_ARG_PTR_TO_MEM_OR_NULL ||
	       kind == EBPF_ARG_PTR_TO_UNINIT_MEM;
}

static bool is_btf_id_kind(enum ebpf_arg_type kind)
{
	return kind == EBPF_ARG_PTR_TO_BTF_ID_OR_NULL || kind == EBPF_ARG_PTR_TO_BTF_ID_NULLABLE;
}

/* The struct or union `ptr` points to, 0 when it points to something else; -1 when it names
 * a struct the BTF only declares (a FWD: no layout to check loads against). */
static int64_t struct_of(const struct btf *btf, uint32_t ptr)
{
	const struct btf_type *t = btf__type_by_id(btf, ptr);

	if (!t || !btf_is_ptr(t))
		return 0;
	t = btf__type_by_id(btf, btf_skip_mods(btf, t->type));
	if (t && btf_is_fwd(t))
		return -1;
	return btf_pointee_struct(btf, ptr);
}

/* Whether pointer `ptr` points to const (`const void *`), through typedefs and qualifiers. */
static bool points_to_const(const struct btf *btf, uint32_t ptr)
{
	const struct btf_type *t = btf__type_by_id(btf, btf__type_by_id(btf, ptr)->type);

	while (t && (btf_is_mod(t) || btf_is_typedef(t))) {
		if (btf_is_const(t))
			return true;
		t = btf__type_by_id(btf, t->type);
	}
	return false;
}

/* What parameter i (type, name, next parameter's name) requires of its kind: "" when they
 * agree, else what the BTF says. */
static const char *param_disagrees(const struct btf *btf, const struct btf_param *p,
				   const char *next_name, enum ebpf_arg_type kind, bool after_mem)
{
	uint32_t id = btf_skip_mods(btf, p->type);
	const struct btf_type *t = btf__type_by_id(btf, id);
	const char *name = btf__name_by_offset(btf, p->name_off);
	int64_t pointee;

	if (!t || !id)
		return "a type the BTF does not define";
	if (is_scalar(t)) {
		if (is_size_name(name))
			return after_mem && is_size_kind(kind) ? "" : "the size (__sz) of memory";
		return kind == EBPF_ARG_ANYTHING ? "" : "a scalar";
	}
	if (!btf_is_ptr(t))
		return "neither a scalar nor a pointer";
	if (kind == EBPF_ARG_PTR_TO_CTX || kind == EBPF_ARG_PTR_TO_CTX_OR_NULL)
		return "";
	pointee = struct_of(btf, id);
	if (pointee < 0)
		return "a pointer to a struct the BTF only declares";
	if (pointee > 0 && is_btf_id_kind(kind))
		return "";
	if (is_size_name(next_name))
		return is_mem_kind(kind) ? "" : "memory whose size (__sz) follows";
	return pointee > 0 ? "a pointer to a struct" : "a pointer without a size (__sz) after it";
}

/* The kind parameter i's BTF gives, or "" in *why when it gives none it can say. */
static enum ebpf_arg_type param_kind(const struct btf *btf, const struct btf_param *p,
				     const char *next_name, enum ebpf_arg_type prev,
				     const char **why)
{
	uint32_t id = btf_skip_mods(btf, p->type);
	const struct btf_type *t = btf__type_by_id(btf, id);
	const char *name = btf__name_by_offset(btf, p->name_off);
	bool nullable = has_suffix(name, "__nullable");
	int64_t pointee;

	*why = "";
	if (!t || !id) {
		*why = "a type the BTF does not define";
	} else if (is_scalar(t)) {
		if (!is_size_name(name))
			return EBPF_ARG_ANYTHING;
		if (is_mem_kind(prev))
			return prev == EBPF_ARG_PTR_TO_MEM_OR_NULL ? EBPF_ARG_CONST_SIZE_OR_ZERO
								   : EBPF_ARG_CONST_SIZE;
		*why = "a size (__sz) that follows no memory";
	} else if (!btf_is_ptr(t)) {
		*why = "neither a scalar nor a pointer (a struct passed by value?)";
	} else if ((pointee = struct_of(btf, id)) < 0) {
		*why = "a pointer to a struct the BTF only declares";
	} else if (pointee > 0) {
		return nullable ? EBPF_ARG_PTR_TO_BTF_ID_NULLABLE : EBPF_ARG_PTR_TO_BTF_ID_OR_NULL;
	} else if (!is_size_name(next_name)) {
		*why = "a pointer to neither a struct nor memory whose size (__sz) follows";
	} else if (points_to_const(btf, id)) {
		return nullable ? EBPF_ARG_PTR_TO_MEM_OR_NULL : EBPF_ARG_PTR_TO_MEM;
	} else if (nullable) {
		*why = "writable memory that may be NULL (only read-only memory may)";
	} else {
		return EBPF_ARG_PTR_TO_UNINIT_MEM;
	}
	return EBPF_ARG_DONTCARE;
}

/* The return kind the BTF gives (void, a scalar, a struct pointer), -1 when none. */
static int return_kind(const struct btf *btf, const struct btf_type *fp)
{
	uint32_t id = btf_skip_mods(btf, fp->type);

	if (!id)
		return EBPF_RET_VOID;
	if (is_scalar(btf__type_by_id(btf, id)))
		return EBPF_RET_INTEGER;
	return struct_of(btf, id) > 0 ? EBPF_RET_PTR_TO_BTF_ID_OR_NULL : -1;
}

static int check_return(const struct btf *btf, const struct ebpf_helper_proto *proto,
			const struct btf_type *fp, char *why, size_t size)
{
	if (return_kind(btf, fp) == (int)proto->ret)
		return 0;
	snprintf(why, size,
		 "kfunc '%s': its BTF prototype's return value disagrees with its return kind %d",
		 proto->name, proto->ret);
	return -EINVAL;
}

static const char *param_name(const struct btf *btf, const struct btf_type *fp, uint16_t i)
{
	return i < btf_vlen(fp) ? btf__name_by_offset(btf, btf_params(fp)[i].name_off) : NULL;
}

static int check_params(const struct btf *btf, const struct ebpf_helper_proto *proto,
			const struct btf_type *fp, char *why, size_t size)
{
	const struct btf_param *params = btf_params(fp);
	uint16_t n = btf_vlen(fp);
	bool after_mem = false;

	if (n > 5 || (n < 5 && proto->args[n] != EBPF_ARG_DONTCARE)) {
		snprintf(why, size,
			 "kfunc '%s': its BTF prototype has %u parameters, its argument kinds "
			 "more",
			 proto->name, n);
		return -EINVAL;
	}
	for (uint16_t i = 0; i < n; i++) {
		const char *bad = param_disagrees(btf, &params[i], param_name(btf, fp, i + 1),
						  proto->args[i], after_mem);

		if (bad[0]) {
			snprintf(why, size,
				 "kfunc '%s' arg%u ('%s'): its BTF type is %s, its argument kind "
				 "%d says otherwise",
				 proto->name, i + 1, param_name(btf, fp, i), bad, proto->args[i]);
			return -EINVAL;
		}
		after_mem = is_mem_kind(proto->args[i]);
	}
	return 0;
}

/* Fills the kinds of *proto, given by name only, from its FUNC_PROTO fp. */
static int derive(const struct btf *btf, struct ebpf_helper_proto *proto, const struct btf_type *fp,
		  char *why, size_t size)
{
	uint16_t n = btf_vlen(fp);
	int ret = return_kind(btf, fp);

	if (n > 5) {
		snprintf(why, size, "kfunc '%s': its BTF prototype has %u parameters, at most 5",
			 proto->name, n);
		return -EINVAL;
	}
	if (ret < 0) {
		snprintf(why, size,
			 "kfunc '%s': its BTF prototype returns neither void, a scalar nor a "
			 "pointer to a struct it defines",
			 proto->name);
		return -EINVAL;
	}
	proto->ret = (enum ebpf_return_type)ret;
	for (uint16_t i = 0; i < n; i++) {
		const char *bad;

		proto->args[i] = param_kind(btf, &btf_params(fp)[i], param_name(btf, fp, i + 1),
					    i ? proto->args[i - 1] : EBPF_ARG_DONTCARE, &bad);
		if (!bad[0])
			continue;
		snprintf(why, size,
			 "kfunc '%s' arg%u ('%s'): no argument kind follows from its BTF type, "
			 "%s",
			 proto->name, i + 1, param_name(btf, fp, i), bad);
		return -EINVAL;
	}
	return 0;
}

static bool needs_btf(const struct ebpf_helper_proto *proto)
{
	if (proto->ret == EBPF_RET_PTR_TO_BTF_ID_OR_NULL)
		return true;
	for (int i = 0; i < 5; i++) {
		if (is_btf_id_kind(proto->args[i]))
			return true;
	}
	return false;
}

/* A prototype that gives its name only: every kind zero. */
static bool name_only(const struct ebpf_helper_proto *proto)
{
	if (proto->ret != EBPF_RET_INTEGER)
		return false;
	for (int i = 0; i < 5; i++) {
		if (proto->args[i] != EBPF_ARG_DONTCARE)
			return false;
	}
	return true;
}

/* The FUNC_PROTO of FUNC `name` in btf; NULL (and why) when there is none. */
static const struct btf_type *func_proto(const struct btf *btf, const char *name)
{
	int32_t id = btf ? btf__find_by_name_kind(btf, name, BTF_KIND_FUNC) : -ENOENT;
	const struct btf_type *fp;

	if (id <= 0)
		return NULL;
	fp = btf__type_by_id(btf, btf__type_by_id(btf, id)->type);
	return fp && btf_is_func_proto(fp) ? fp : NULL;
}

static int check_one(const struct btf *btf, struct ebpf_helper_proto *proto, char *why, size_t size)
{
	int32_t id = btf ? btf__find_by_name_kind(btf, proto->name, BTF_KIND_FUNC) : -ENOENT;
	const struct btf_type *fp = func_proto(btf, proto->name);

	if (id > 0 && !fp) {
		snprintf(why, size, "kfunc '%s': its BTF FUNC has no FUNC_PROTO", proto->name);
		return -EINVAL;
	}
	if (!fp) {
		if (!needs_btf(proto))
			return 0; /* untyped: checked by its argument kinds alone */
		snprintf(why, size,
			 "kfunc '%s' takes or returns a BTF-typed pointer, but the type's BTF has "
			 "no FUNC '%s'",
			 proto->name, proto->name);
		return -EINVAL;
	}
	if (name_only(proto) && (btf_vlen(fp) || return_kind(btf, fp) != EBPF_RET_INTEGER))
		return derive(btf, proto, fp, why, size);
	if (check_return(btf, proto, fp, why, size))
		return -EINVAL;
	return check_params(btf, proto, fp, why, size);
}

/* EBPF_KFUNC_ACQUIRE needs a struct pointer to return, EBPF_KFUNC_RELEASE one to take back
 * (not __nullable: a release of NULL would hold nothing). */
static int check_ref_flags(const struct ebpf_helper_proto *proto, char *why, size_t size)
{
	int i;

	if (proto->flags & EBPF_HELPER_PTR_CAST) {
		snprintf(why, size, "kfunc '%s': EBPF_HELPER_PTR_CAST is for socket helpers only",
			 proto->name);
		return -EINVAL;
	}
	if ((proto->flags & EBPF_KFUNC_ACQUIRE) && proto->ret != EBPF_RET_PTR_TO_BTF_ID_OR_NULL) {
		snprintf(why, size,
			 "kfunc '%s': EBPF_KFUNC_ACQUIRE, but it returns no pointer to a struct",
			 proto->name);
		return -EINVAL;
	}
	if (!(proto->flags & EBPF_KFUNC_RELEASE))
		return 0;
	for (i = 0; i < 5 && !is_btf_id_kind(proto->args[i]); i++)
		;
	if (i < 5 && proto->args[i] == EBPF_ARG_PTR_TO_BTF_ID_OR_NULL)
		return 0;
	snprintf(why, size,
		 "kfunc '%s': EBPF_KFUNC_RELEASE, but its first struct pointer argument %s",
		 proto->name, i < 5 ? "is __nullable" : "does not exist");
	return -EINVAL;
}

const void *verifier_kfunc_btf_raw(const struct ebpf_program_info *info, uint32_t *size)
{
	if (info->kfunc_btf && info->kfunc_btf_size) {
		*size = info->kfunc_btf_size;
		return info->kfunc_btf;
	}
	*size = info->btf ? info->btf_size : 0;
	return *size ? info->btf : NULL;
}

int verifier_kfunc_btf_derive(const struct ebpf_program_info *info,
			      struct ebpf_helper_proto **protos, char *why, size_t size)
{
	uint32_t raw_size;
	const void *raw = verifier_kfunc_btf_raw(info, &raw_size);
	struct ebpf_helper_proto *out;
	struct btf *btf = NULL;
	int err = 0;

	*protos = NULL;
	if (!info->kfunc_count)
		return 0;
	if (raw) {
		btf = btf__new(raw, raw_size);
		if (!btf) {
			snprintf(why, size, "its BTF (for its kfuncs) does not parse: %s",
				 strerror(errno));
			return -EINVAL;
		}
	}
	out = malloc(info->kfunc_count * sizeof(*out));
	if (!out) {
		btf__free(btf);
		snprintf(why, size, "out of memory");
		return -ENOMEM;
	}
	memcpy(out, info->kfuncs, info->kfunc_count * sizeof(*out));
	for (uint32_t i = 0; !err && i < info->kfunc_count; i++) {
		err = check_one(btf, &out[i], why, size);
		if (!err)
			err = check_ref_flags(&out[i], why, size);
	}
	btf__free(btf);
	if (err) {
		free(out);
		return err;
	}
	*protos = out;
	return 0;
}

/* What type id of btf is, for comparing a program's extern declaration with the extension's:
 * "void", "a pointer", "a N-byte (un)signed integer" or "another type". */
static const char *shape(const struct btf *btf, uint32_t id, char *buf, size_t size)
{
	const struct btf_type *t;
	bool sign;

	id = btf_skip_mods(btf, id);
	t = btf__type_by_id(btf, id);
	if (!id)
		return "void";
	if (t && btf_is_ptr(t))
		return "a pointer";
	if (!is_scalar(t))
		return "another type";
	sign = btf_is_int(t) ? (btf_int_encoding(t) & BTF_INT_SIGNED) : btf_kflag(t);
	snprintf(buf, size, "a %u-byte %s integer", t->size, sign ? "signed" : "unsigned");
	return buf;
}

/* Whether the program's type a and the extension's type b differ in shape; what each is. */
static bool shapes_differ(const struct btf *pbtf, uint32_t a, const struct btf *ebtf, uint32_t b,
			  char *pa, char *eb, size_t size)
{
	const char *sa = shape(pbtf, a, pa, size), *sb = shape(ebtf, b, eb, size);

	if (sa != pa)
		snprintf(pa, size, "%s", sa);
	if (sb != eb)
		snprintf(eb, size, "%s", sb);
	return strcmp(pa, eb);
}

int verifier_kfunc_extern_check(const struct btf *ext, const struct btf *prog, const char *name,
				char *why, size_t size)
{
	const struct btf_type *pf = func_proto(prog, name), *ef = func_proto(ext, name);
	char pa[48], eb[48];

	if (!pf || !ef)
		return 0; /* not given on both sides: the argument kinds alone check calls */
	if (btf_vlen(pf) != btf_vlen(ef)) {
		snprintf(why, size,
			 "kfunc '%s': the program declares %u parameters, the extension's BTF "
			 "prototype %u",
			 name, btf_vlen(pf), btf_vlen(ef));
		return -EINVAL;
	}
	if (shapes_differ(prog, pf->type, ext, ef->type, pa, eb, sizeof(pa))) {
		snprintf(why, size,
			 "kfunc '%s': the program declares it returning %s, the extension's BTF "
			 "prototype %s",
			 name, pa, eb);
		return -EINVAL;
	}
	for (uint16_t i = 0; i < btf_vlen(pf); i++) {
		if (!shapes_differ(prog, btf_params(pf)[i].type, ext, btf_params(ef)[i].type, pa,
				   eb, sizeof(pa)))
			continue;
		snprintf(why, size,
			 "kfunc '%s' arg%u ('%s'): the program declares %s, the extension's BTF "
			 "prototype %s",
			 name, i + 1, param_name(ext, ef, i), pa, eb);
		return -EINVAL;
	}
	return 0;
}
