// SPDX-License-Identifier: MIT
/*
 * The context of a program attached through BTF (see btf_attach.h), as Linux's
 * bpf_check_attach_target and btf_distill_func_proto find it: the target's FUNC_PROTO gives the
 * arguments; one that points to a struct or union becomes a typed pointer for the verifier.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include "core/btf_attach.h"
#include "core/core.h"
#include "core/error.h"

struct core_btf_blob *core_btf_blob_new(const void *data, size_t size)
{
	struct core_btf_blob *blob;

	if (size > UINT32_MAX || !(blob = malloc(sizeof(*blob) + size)))
		return NULL;
	atomic_init(&blob->refcount, 1);
	blob->size = (uint32_t)size;
	memcpy(blob->data, data, size);
	return blob;
}

struct core_btf_blob *core_btf_blob_get(struct core_btf_blob *blob)
{
	if (blob)
		atomic_fetch_add(&blob->refcount, 1);
	return blob;
}

void core_btf_blob_put(struct core_btf_blob *blob)
{
	if (blob && atomic_fetch_sub(&blob->refcount, 1) == 1)
		free(blob);
}

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

/* Where an iterator's context holds a pointer in an anonymous union (__bpf_md_ptr), the union's
 * one member: *name its name. */
static uint32_t iter_member(const struct btf *btf, const struct btf_type *st, uint16_t i,
			    const char **name)
{
	const struct btf_member *m = &btf_members(st)[i];
	uint32_t id = m->type;
	const struct btf_type *t = skip_mods(btf, &id);

	*name = btf__name_by_offset(btf, m->name_off);
	if (t && btf_is_union(t) && btf_vlen(t) == 1 && (!*name || !**name)) {
		*name = btf__name_by_offset(btf, btf_members(t)->name_off);
		id = btf_members(t)->type;
	}
	return id;
}

/*
 * Linux's iterators hand the object they visit as PTR_TO_BTF_ID_OR_NULL (NULL once the walk is
 * over, bpf_iter_reg.ctx_arg_info); meta is never NULL, nor the map whose elements (or sockets,
 * or storage) an iterator walks, except for iter/bpf_map, which visits maps.
 */
static bool iter_never_null(const char *iter, const char *member)
{
	return !strcmp(member, "meta") || (!strcmp(member, "map") && strcmp(iter, "bpf_map"));
}

/* The context of iter/NAME: struct bpf_iter__NAME's members, one u64 slot each. */
static int fill_iter_ctx(const struct btf *btf, const struct btf_type *st, const char *section,
			 struct verifier_btf_ctx *ctx)
{
	const char *member;
	uint32_t slot, bit;

	if (st->size % 8 || st->size / 8 > VERIFIER_MAX_BTF_ARGS)
		return core_error(-EINVAL,
				  "section '%s': the iterator's context 'bpf_iter__%s' has %u "
				  "bytes, not up to %u u64 slots",
				  section, ctx->target, st->size, VERIFIER_MAX_BTF_ARGS);
	ctx->nargs = st->size / 8;
	for (uint16_t i = 0; i < btf_vlen(st); i++) {
		uint32_t id = iter_member(btf, st, i, &member);

		bit = btf_member_bit_offset(st, i);
		if (btf_member_bitfield_size(st, i) || bit % 64)
			return core_error(-EINVAL,
					  "section '%s': member '%s' of 'bpf_iter__%s' is not at "
					  "a multiple of 8 bytes",
					  section, member ? member : "", ctx->target);
		slot = bit / 64;
		ctx->arg_btf_id[slot] = arg_struct(btf, id);
		if (ctx->arg_btf_id[slot] && !iter_never_null(ctx->target, member ? member : ""))
			ctx->arg_maybe_null |= 1u << slot;
	}
	return 0;
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
	if (kind == EBPF_BTF_ATTACH_ITER)
		return "struct";
	return kind == EBPF_BTF_ATTACH_TRACEPOINT ? "typedef" : "function";
}

/* The iterator's context struct `name`, or NULL. */
static const struct btf_type *iter_struct(const struct btf *btf, const char *name)
{
	int id = btf__find_by_name_kind(btf, name, BTF_KIND_STRUCT);

	return id > 0 ? btf__type_by_id(btf, (uint32_t)id) : NULL;
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

/*
 * The context a program of each Linux type sees and the kernel object behind it (Linux's
 * bpf_types.h): a program attached to a BPF program's function reads the kernel's object
 * through an argument declared as the target's context.
 */
static const struct {
	const char *type;
	const char *ctx;
	const char *kernel;
} prog_ctx_types[] = {
	{ "xdp", "xdp_md", "xdp_buff" },
	{ "socket_filter", "__sk_buff", "sk_buff" },
	{ "sched_cls", "__sk_buff", "sk_buff" },
	{ "sched_act", "__sk_buff", "sk_buff" },
	{ "cgroup_skb", "__sk_buff", "sk_buff" },
	{ "lwt_in", "__sk_buff", "sk_buff" },
	{ "lwt_out", "__sk_buff", "sk_buff" },
	{ "lwt_xmit", "__sk_buff", "sk_buff" },
	{ "lwt_seg6local", "__sk_buff", "sk_buff" },
	{ "sk_skb", "__sk_buff", "sk_buff" },
	{ "cgroup_sock", "bpf_sock", "sock" },
	{ "cgroup_sock_addr", "bpf_sock_addr", "bpf_sock_addr_kern" },
	{ "sock_ops", "bpf_sock_ops", "bpf_sock_ops_kern" },
	{ "sk_msg", "sk_msg_md", "sk_msg" },
	{ "kprobe", "pt_regs", "pt_regs" },
	{ "perf_event", "bpf_perf_event_data", "bpf_perf_event_data_kern" },
};

static const char *kernel_ctx_name(const char *prog_type, const char *ctx_name)
{
	for (size_t i = 0; i < sizeof(prog_ctx_types) / sizeof(prog_ctx_types[0]); i++) {
		if (!strcmp(prog_type, prog_ctx_types[i].type) &&
		    !strcmp(ctx_name, prog_ctx_types[i].ctx))
			return prog_ctx_types[i].kernel;
	}
	return NULL;
}

/* The kernel struct an argument of a BPF program's function points to, or 0: a pointer to the
 * program's context is one to the kernel's; anything else is a scalar. */
static uint32_t prog_arg_struct(const struct btf *prog_btf, const char *prog_type,
				const struct btf *kernel, uint32_t id)
{
	uint32_t sid = arg_struct(prog_btf, id);
	const char *kname;
	int kid;

	if (!sid)
		return 0;
	kname = kernel_ctx_name(
	    prog_type, btf__name_by_offset(prog_btf, btf__type_by_id(prog_btf, sid)->name_off));
	if (!kname)
		return 0;
	kid = btf__find_by_name_kind(kernel, kname, BTF_KIND_STRUCT);
	return kid > 0 ? (uint32_t)kid : 0;
}

static struct btf *prog_btf(const struct ebpf_program *prog)
{
	return prog->btf ? btf__new(prog->btf->data, prog->btf->size) : NULL;
}

int core_btf_attach_prog_check(const struct ebpf_program *target_prog, const char *function)
{
	struct btf *btf;
	int id;

	if (target_prog->btf_attached)
		return core_error(-EINVAL,
				  "program '%s' attaches through BTF itself: a program cannot "
				  "attach to it (as Linux refuses fentry on fentry)",
				  target_prog->name);
	btf = prog_btf(target_prog);
	if (!btf)
		return core_error(-EINVAL,
				  "program '%s' was loaded without BTF (compile it with clang -g): "
				  "its function '%s' has no type to attach by",
				  target_prog->name, function);
	id = btf__find_by_name_kind(btf, function, BTF_KIND_FUNC);
	btf__free(btf);
	if (id <= 0)
		return core_error(-ENOENT, "program '%s' has no function '%s' in its BTF",
				  target_prog->name, function);
	return 0;
}

/* The context of a program attached to target_prog's function ctx->target. */
static int prog_target_ctx(const struct btf *kernel, const struct ebpf_program *target_prog,
			   const struct ebpf_btf_attach *attach, const char *section,
			   struct verifier_btf_ctx *ctx)
{
	struct btf *btf = prog_btf(target_prog);
	const struct btf_type *proto;
	int err;

	if (!btf)
		return core_error(-EINVAL, "section '%s': program '%s' has no BTF", section,
				  target_prog->name);
	proto = target_proto(btf, ctx->target, EBPF_BTF_ATTACH_FUNC);
	if (!proto) {
		btf__free(btf);
		return core_error(-ENOENT,
				  "section '%s': program '%s' has no function '%s' in its BTF",
				  section, target_prog->name, ctx->target);
	}
	err = fill_ctx(btf, proto, attach, section, ctx);
	for (uint32_t i = 0; !err && i < btf_vlen(proto); i++)
		ctx->arg_btf_id[i] =
		    prog_arg_struct(btf, target_prog->type_name, kernel, btf_params(proto)[i].type);
	/* fexit: the return value is a scalar (BPF functions return integers) */
	if (!err && attach->kind == EBPF_BTF_ATTACH_FUNC_RET)
		ctx->arg_btf_id[ctx->nargs - 1] = 0;
	btf__free(btf);
	return err;
}

int core_btf_attach_ctx(struct core_btf_targets *targets, const struct ebpf_program_info *info,
			const struct ebpf_btf_attach *attach, const char *section,
			const char *target, const struct ebpf_program *target_prog,
			struct verifier_btf_ctx *ctx, struct loader_core_target **target_out,
			bool *owned)
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
	if (target_prog &&
	    (attach->kind == EBPF_BTF_ATTACH_TRACEPOINT || attach->kind == EBPF_BTF_ATTACH_ITER ||
	     (attach->prefix && attach->prefix[0])))
		err = core_error(-EINVAL,
				 "section '%s': only fentry, fexit and fmod_ret programs attach to "
				 "a BPF program's function",
				 section);
	else if (target_prog)
		err = prog_target_ctx(btf, target_prog, attach, section, ctx);
	if (target_prog)
		goto out;
	if (attach->kind == EBPF_BTF_ATTACH_ITER) {
		proto = iter_struct(btf, name);
		err = proto ? fill_iter_ctx(btf, proto, section, ctx)
			    : core_error(-ENOENT,
					 "section '%s': the target BTF has no struct '%s': this "
					 "kernel has no such iterator",
					 section, name);
		goto out;
	}
	proto = target_proto(btf, name, attach->kind);
	if (!proto)
		err = core_error(-ENOENT,
				 "section '%s': the target BTF has no %s '%s' to attach to "
				 "(absent from this kernel, or inlined)",
				 section, kind_entry(attach->kind), name);
	else
		err = fill_ctx(btf, proto, attach, section, ctx);
out:
	if (err && *owned)
		loader_core_target_free(*target_out);
	if (err)
		*target_out = NULL;
	ctx->btf = err ? NULL : btf;
	return err;
}
