// SPDX-License-Identifier: MIT
/*
 * The context of a program attached through BTF (see btf_attach.h), as Linux's
 * bpf_check_attach_target and btf_distill_func_proto find it: the target's FUNC_PROTO gives the
 * arguments; one that points to a struct or union becomes a typed pointer for the verifier.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <bpf/btf.h>

#include "core/btf_attach.h"
#include "core/error.h"

const struct ebpf_btf_attach *core_btf_attach_find(const struct ebpf_program_info *info,
						   const char *section)
{
	for (uint32_t i = 0; i < info->btf_attach_count; i++) {
		const struct ebpf_btf_attach *a = &info->btf_attach[i];
		size_t n = a->section ? strlen(a->section) : 0;

		if (n && !strncmp(section, a->section, n) &&
		    (section[n] == '\0' || section[n] == '/'))
			return a;
	}
	return NULL;
}

static const struct btf_type *skip_mods(const struct btf *btf, uint32_t *id)
{
	const struct btf_type *t = btf__type_by_id(btf, *id);

	for (int i = 0; t && i < 32 && (btf_is_mod(t) || btf_is_typedef(t)); i++) {
		*id = t->type;
		t = btf__type_by_id(btf, *id);
	}
	return t;
}

/* The struct or union type id points to (through modifiers), or 0: a scalar argument. */
static uint32_t arg_struct(const struct btf *btf, uint32_t id)
{
	const struct btf_type *t = skip_mods(btf, &id);

	if (!t || !btf_is_ptr(t))
		return 0;
	id = t->type;
	t = skip_mods(btf, &id);
	return t && btf_is_composite(t) ? id : 0;
}

/* The FUNC_PROTO of the BTF entry `name` of the attach kind, or NULL. */
static const struct btf_type *target_proto(const struct btf *btf, const char *name, uint32_t kind)
{
	int id = btf__find_by_name_kind(
	    btf, name, kind == EBPF_BTF_ATTACH_TRACEPOINT ? BTF_KIND_TYPEDEF : BTF_KIND_FUNC);
	const struct btf_type *t;
	uint32_t tid;

	if (id <= 0)
		return NULL;
	t = btf__type_by_id(btf, (uint32_t)id);
	tid = t->type;
	if (kind == EBPF_BTF_ATTACH_TRACEPOINT) {
		t = skip_mods(btf, &tid);
		if (!t || !btf_is_ptr(t))
			return NULL;
		tid = t->type;
	}
	t = skip_mods(btf, &tid);
	return t && btf_is_func_proto(t) ? t : NULL;
}

static const char *kind_entry(uint32_t kind)
{
	return kind == EBPF_BTF_ATTACH_TRACEPOINT ? "typedef" : "function";
}

static int fill_ctx(const struct btf *btf, const struct btf_type *proto,
		    const struct ebpf_btf_attach *attach, const char *section,
		    struct verifier_btf_ctx *ctx)
{
	const struct btf_param *p = btf_params(proto);
	uint32_t first = attach->kind == EBPF_BTF_ATTACH_TRACEPOINT ? 1 : 0;
	uint32_t n = btf_vlen(proto);
	bool ret = attach->kind == EBPF_BTF_ATTACH_FUNC_RET;

	if (n && !p[n - 1].type)
		return core_error(-EINVAL,
				  "section '%s': target '%s' takes variable arguments, which a "
				  "program cannot attach to",
				  section, ctx->target);
	if (n < first)
		return core_error(-EINVAL, "section '%s': tracepoint '%s' has no data argument",
				  section, ctx->target);
	if (n - first > VERIFIER_MAX_BTF_ARGS - 1)
		return core_error(-EINVAL,
				  "section '%s': target '%s' has %u arguments, more than the %u "
				  "a program can read",
				  section, ctx->target, n - first, VERIFIER_MAX_BTF_ARGS - 1);
	for (uint32_t i = first; i < n; i++)
		ctx->arg_btf_id[ctx->nargs++] = arg_struct(btf, p[i].type);
	if (ret)
		ctx->arg_btf_id[ctx->nargs++] = arg_struct(btf, proto->type);
	return 0;
}

int core_btf_attach_ctx(struct core_btf_targets *targets, const struct ebpf_program_info *info,
			const struct ebpf_btf_attach *attach, const char *section,
			const char *target, struct verifier_btf_ctx *ctx,
			struct loader_core_target **target_out, bool *owned)
{
	const char *slash = strchr(section, '/');
	const struct btf_type *proto;
	const struct btf *btf;
	char name[256];
	int err;

	memset(ctx, 0, sizeof(*ctx));
	*target_out = NULL;
	*owned = false;
	if (!target && (!slash || !slash[1]))
		return core_error(-EINVAL,
				  "section '%s' names no target: write %s/NAME, NAME a kernel "
				  "function, or set it before the load (--attach-target)",
				  section, attach->section);
	ctx->target = target ? target : slash + 1;
	if ((size_t)snprintf(name, sizeof(name), "%s%s", attach->prefix ? attach->prefix : "",
			     ctx->target) >= sizeof(name))
		return core_error(-EINVAL, "section '%s': target name too long", section);
	if (!targets)
		return core_error(-EINVAL,
				  "section '%s': programs attached through BTF need an object "
				  "(its target BTF)",
				  section);
	err = core_btf_target(targets, info, target_out, owned);
	if (err)
		return err;
	btf = loader_core_target_btf(*target_out);
	proto = target_proto(btf, name, attach->kind);
	if (!proto)
		err = core_error(-ENOENT,
				 "section '%s': the target BTF has no %s '%s' to attach to "
				 "(absent from this kernel, or inlined)",
				 section, kind_entry(attach->kind), name);
	else
		err = fill_ctx(btf, proto, attach, section, ctx);
	if (err && *owned)
		loader_core_target_free(*target_out);
	if (err)
		*target_out = NULL;
	ctx->btf = err ? NULL : btf;
	return err;
}
