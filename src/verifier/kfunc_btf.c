/* SPDX-License-Identifier: MIT */
/*
 * Kfuncs typed by the extension's BTF. When the type's BTF holds a FUNC of a kfunc's name, its
 * FUNC_PROTO must say what the argument kinds say, so that the verifier, which checks calls
 * against the kinds and takes only the struct types from the BTF, checks what the function
 * really takes. Linux's naming rule marks a memory argument's size: the parameter after
 * `void *buf` is named `buf__sz`.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <bpf/btf.h>

#include "verifier_int.h"

static bool is_scalar(const struct btf_type *t)
{
	return t && (btf_is_int(t) || btf_is_any_enum(t)) && t->size <= 8;
}

static bool is_size_name(const char *name)
{
	size_t len = name ? strlen(name) : 0;

	return len > 4 && !strcmp(name + len - 4, "__sz");
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
	if (pointee > 0 && kind == EBPF_ARG_PTR_TO_BTF_ID_OR_NULL)
		return "";
	if (is_size_name(next_name))
		return is_mem_kind(kind) ? "" : "memory whose size (__sz) follows";
	return pointee > 0 ? "a pointer to a struct" : "a pointer without a size (__sz) after it";
}

static int check_return(const struct btf *btf, const struct ebpf_helper_proto *proto,
			const struct btf_type *fp, char *why, size_t size)
{
	uint32_t id = btf_skip_mods(btf, fp->type);
	const struct btf_type *t = btf__type_by_id(btf, id);
	bool ok;

	if (!id)
		ok = proto->ret == EBPF_RET_VOID;
	else if (is_scalar(t))
		ok = proto->ret == EBPF_RET_INTEGER;
	else
		ok = struct_of(btf, id) > 0 && proto->ret == EBPF_RET_PTR_TO_BTF_ID_OR_NULL;
	if (ok)
		return 0;
	snprintf(why, size,
		 "kfunc '%s': its BTF prototype's return value disagrees with its return kind %d",
		 proto->name, proto->ret);
	return -EINVAL;
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
		const char *next =
		    i + 1 < n ? btf__name_by_offset(btf, params[i + 1].name_off) : NULL;
		const char *bad = param_disagrees(btf, &params[i], next, proto->args[i], after_mem);

		if (bad[0]) {
			snprintf(why, size,
				 "kfunc '%s' arg%u ('%s'): its BTF type is %s, its argument kind "
				 "%d says otherwise",
				 proto->name, i + 1, btf__name_by_offset(btf, params[i].name_off),
				 bad, proto->args[i]);
			return -EINVAL;
		}
		after_mem = is_mem_kind(proto->args[i]);
	}
	return 0;
}

static bool needs_btf(const struct ebpf_helper_proto *proto)
{
	if (proto->ret == EBPF_RET_PTR_TO_BTF_ID_OR_NULL)
		return true;
	for (int i = 0; i < 5; i++) {
		if (proto->args[i] == EBPF_ARG_PTR_TO_BTF_ID_OR_NULL)
			return true;
	}
	return false;
}

static int check_one(const struct btf *btf, const struct ebpf_helper_proto *proto, char *why,
		     size_t size)
{
	int32_t id = btf ? btf__find_by_name_kind(btf, proto->name, BTF_KIND_FUNC) : -ENOENT;
	const struct btf_type *fp;

	if (id < 0) {
		if (!needs_btf(proto))
			return 0; /* untyped: checked by its argument kinds alone */
		snprintf(why, size,
			 "kfunc '%s' takes or returns a BTF-typed pointer, but the type's BTF has "
			 "no FUNC '%s'",
			 proto->name, proto->name);
		return -EINVAL;
	}
	fp = btf__type_by_id(btf, btf__type_by_id(btf, id)->type);
	if (!fp || !btf_is_func_proto(fp)) {
		snprintf(why, size, "kfunc '%s': its BTF FUNC has no FUNC_PROTO", proto->name);
		return -EINVAL;
	}
	if (check_return(btf, proto, fp, why, size))
		return -EINVAL;
	return check_params(btf, proto, fp, why, size);
}

int verifier_kfunc_btf_check(const struct ebpf_program_info *info, char *why, size_t size)
{
	struct btf *btf = NULL;
	int err = 0;

	if (info->btf && info->btf_size) {
		btf = btf__new(info->btf, info->btf_size);
		if (!btf) {
			snprintf(why, size, "its BTF (for its kfuncs) does not parse: %s",
				 strerror(errno));
			return -EINVAL;
		}
	}
	for (uint32_t i = 0; !err && i < info->kfunc_count; i++)
		err = check_one(btf, &info->kfuncs[i], why, size);
	btf__free(btf);
	return err;
}
