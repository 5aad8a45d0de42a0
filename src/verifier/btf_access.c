// SPDX-License-Identifier: MIT
/*
 * Loads of programs attached through BTF (Linux's fentry, fexit, fmod_ret, lsm, tp_btf): the
 * context is the target's arguments, one u64 each, and an argument that points to a struct is
 * a pointer to that BTF type (PTR_TO_BTF_ID). Loads through such a pointer are checked against
 * the type's layout as Linux's btf_struct_access does: a scalar member gives a scalar, a
 * pointer member to a struct gives a further typed pointer. Stores are refused.
 *
 * Linux turns these loads into probe reads that cannot fault (the pointer may be NULL or
 * stale); a user-space runtime has no kernel objects to read, so these program types are
 * verify-only (the core refuses to load them for execution).
 */
#include <errno.h>
#include <string.h>

#include <bpf/btf.h>

#include "verifier_int.h"

#define MAX_WALK_DEPTH 32 /* nested members, arrays and modifiers followed */

/* The BTF the typed pointers' ids are of: the attach target's, the kfuncs', else the kernel's
 * (the bpf_skc_to_* casts'). One program never mixes two: a kernel struct's helper is refused
 * where the kfuncs' BTF types the pointers (btf_kernel_struct). */
static const struct btf *ctx_btf(const struct venv *env)
{
	if (env->in->btf_ctx)
		return env->in->btf_ctx->btf;
	return env->in->kfunc_btf ? env->in->kfunc_btf : env->in->kernel_btf;
}

bool btf_kernel_objects(const struct venv *env)
{
	return env->in->btf_ctx || (!env->in->kfunc_btf && env->in->kernel_btf);
}

uint32_t btf_kernel_struct(const struct venv *env, const char *name)
{
	const struct btf *btf = ctx_btf(env);
	int32_t id;

	if (!btf || !btf_kernel_objects(env))
		return 0;
	id = btf__find_by_name_kind(btf, name, BTF_KIND_STRUCT);
	return id > 0 ? (uint32_t)id : 0;
}

bool btf_is_sock_common(const struct venv *env, uint32_t id)
{
	const struct btf *btf = ctx_btf(env);

	for (int depth = 0; btf && depth < MAX_WALK_DEPTH; depth++) {
		const struct btf_type *t = btf__type_by_id(btf, btf_skip_mods(btf, id));
		const char *name = t ? btf__name_by_offset(btf, t->name_off) : NULL;

		if (!t || !btf_is_composite(t))
			return false;
		if (name && !strcmp(name, "sock_common"))
			return true;
		/* struct tcp_sock begins with its inet_connection_sock, ..., its sock_common. */
		if (!btf_vlen(t) || btf_member_bit_offset(t, 0))
			return false;
		id = btf_members(t)->type;
	}
	return false;
}

const char *verifier_btf_type_name(const struct venv *env, uint32_t id)
{
	const struct btf *btf = ctx_btf(env);
	const struct btf_type *t = btf ? btf__type_by_id(btf, id) : NULL;
	const char *name = t ? btf__name_by_offset(btf, t->name_off) : NULL;

	return name && name[0] ? name : "(anon)";
}

/* The type behind typedefs and const/volatile/restrict qualifiers. */
uint32_t btf_skip_mods(const struct btf *btf, uint32_t id)
{
	for (int i = 0; i < MAX_WALK_DEPTH; i++) {
		const struct btf_type *t = btf__type_by_id(btf, id);

		if (!t || !(btf_is_mod(t) || btf_is_typedef(t)))
			return id;
		id = t->type;
	}
	return id;
}

/* The struct or union a pointer type points to, or 0. */
uint32_t btf_pointee_struct(const struct btf *btf, uint32_t ptr_id)
{
	const struct btf_type *t = btf__type_by_id(btf, ptr_id);
	uint32_t id;

	if (!t || !btf_is_ptr(t))
		return 0;
	id = btf_skip_mods(btf, t->type);
	t = btf__type_by_id(btf, id);
	return t && btf_is_composite(t) ? id : 0;
}

/* The member of composite t holding [off, off + size) whole, or NULL (padding, bitfields,
 * an access across members): *moff is its byte offset. */
static const struct btf_member *member_at(const struct btf *btf, const struct btf_type *t,
					  uint32_t off, int size, uint32_t *moff)
{
	const struct btf_member *m = btf_members(t);

	for (uint16_t i = 0; i < btf_vlen(t); i++, m++) {
		uint32_t bit = btf_member_bit_offset(t, i);
		__s64 msize;

		if (btf_member_bitfield_size(t, i) || bit % 8)
			continue;
		msize = btf__resolve_size(btf, m->type);
		if (msize < 0 || off < bit / 8 || (uint64_t)off + size > bit / 8 + (uint64_t)msize)
			continue;
		*moff = bit / 8;
		return m;
	}
	return NULL;
}

/*
 * What a load of size bytes at off in type id gives: the struct a pointer member points to,
 * or 0 for a scalar. Linux's btf_struct_walk.
 */
static uint32_t struct_walk(const struct btf *btf, uint32_t id, uint32_t off, int size)
{
	for (int depth = 0; depth < MAX_WALK_DEPTH; depth++) {
		const struct btf_type *t = btf__type_by_id(btf, btf_skip_mods(btf, id));
		const struct btf_member *m;
		uint32_t moff;
		__s64 esize;

		if (!t)
			return 0;
		if (btf_is_ptr(t))
			return off == 0 && size == 8
				   ? btf_pointee_struct(btf, btf_skip_mods(btf, id))
				   : 0;
		if (btf_is_array(t)) {
			esize = btf__resolve_size(btf, btf_array(t)->type);
			if (esize <= 0 || off % esize + size > esize)
				return 0;
			off %= esize;
			id = btf_array(t)->type;
			continue;
		}
		if (!btf_is_composite(t))
			return 0;
		m = member_at(btf, t, off, size, &moff);
		if (!m)
			return 0;
		off -= moff;
		id = m->type;
	}
	return 0;
}

/* Does [off, off + size) of type id hold a byte of a pointer? Unknown types and walks too deep
 * to follow count as holding one. */
static bool holds_pointer(const struct btf *btf, uint32_t id, uint32_t off, uint32_t size,
			  int depth)
{
	const struct btf_type *t = btf__type_by_id(btf, btf_skip_mods(btf, id));
	const struct btf_member *m;

	if (!t || depth >= MAX_WALK_DEPTH)
		return true;
	if (btf_is_ptr(t))
		return true;
	if (btf_is_array(t)) {
		__s64 n = btf__resolve_size(btf, btf_array(t)->type);
		uint64_t esize = n > 0 ? (uint64_t)n : 0;

		if (!esize)
			return false;
		/* Every element has the same layout: one element, or all of it when the
		 * access crosses into the next. */
		if (off % esize + size > esize)
			return holds_pointer(btf, btf_array(t)->type, 0, (uint32_t)esize,
					     depth + 1);
		return holds_pointer(btf, btf_array(t)->type, (uint32_t)(off % esize), size,
				     depth + 1);
	}
	if (!btf_is_composite(t))
		return false;
	m = btf_members(t);
	for (uint16_t i = 0; i < btf_vlen(t); i++, m++) {
		uint64_t lo = btf_member_bit_offset(t, i) / 8, hi, from, to;
		__s64 msize;

		if (btf_member_bitfield_size(t, i))
			continue; /* an integer's bits */
		msize = btf__resolve_size(btf, m->type);
		if (msize < 0)
			return true;
		hi = lo + (uint64_t)msize;
		from = off > lo ? off : lo;
		to = (uint64_t)off + size < hi ? (uint64_t)off + size : hi;
		if (from < to && holds_pointer(btf, m->type, (uint32_t)(from - lo),
					       (uint32_t)(to - from), depth + 1))
			return true;
	}
	return false;
}

static void mark_btf_ptr(struct reg *out, uint32_t btf_id)
{
	reg_mark_ptr(out, PTR_TO_BTF_ID);
	out->btf_id = btf_id;
}

int btf_ctx_access(struct venv *env, uint32_t idx, const struct reg *ptr, int off, int size,
		   bool write, struct reg *out)
{
	const struct verifier_btf_ctx *bc = env->in->btf_ctx;
	int64_t total = (int64_t)ptr->off + off;
	uint32_t arg;

	if (write)
		return verr_state(env, idx, -EACCES,
				  "write to the context prohibited: the arguments of '%s' are "
				  "read-only",
				  bc->target);
	if (total < 0 || total + size > (int64_t)bc->nargs * 8)
		return verr_state(env, idx, -EACCES,
				  "ctx access out of bounds: offset %lld size %d, '%s' has %u "
				  "argument%s (%u bytes)",
				  (long long)total, size, bc->target, bc->nargs,
				  bc->nargs == 1 ? "" : "s", bc->nargs * 8);
	if (total % 8)
		return verr_state(env, idx, -EACCES,
				  "ctx access at offset %lld: the arguments of '%s' are u64s, "
				  "read each at a multiple of 8",
				  (long long)total, bc->target);
	arg = (uint32_t)(total / 8);
	if (!bc->arg_btf_id[arg] || size != 8) {
		result_scalar(out, size, false);
		return 0;
	}
	mark_btf_ptr(out, bc->arg_btf_id[arg]);
	if (bc->arg_maybe_null & (1u << arg)) {
		out->type = PTR_TO_BTF_ID_OR_NULL;
		out->id = ++env->id_gen;
	}
	return 0;
}

/*
 * A kernel struct read past its end, into its trailing flexible array (unix_address.name[]):
 * Linux's btf_struct_walk lets probe reads go there, element by element. The element type at
 * *off (made relative to that element), or 0 when struct id ends in no such array of integers
 * or structs, or *off lies before it. Only for the kernel's objects: they are verified, never
 * read here.
 */
static uint32_t flex_tail_elem(const struct btf *btf, uint32_t id, int64_t *off)
{
	const struct btf_type *t = btf__type_by_id(btf, btf_skip_mods(btf, id)), *a, *et;
	uint32_t moff, elem;

	if (!t || !btf_is_struct(t) || !btf_vlen(t))
		return 0;
	a = btf__type_by_id(btf, btf_skip_mods(btf, btf_members(t)[btf_vlen(t) - 1].type));
	moff = btf_member_bit_offset(t, btf_vlen(t) - 1) / 8;
	if (!a || !btf_is_array(a) || btf_array(a)->nelems || *off < moff)
		return 0;
	elem = btf_skip_mods(btf, btf_array(a)->type);
	et = btf__type_by_id(btf, elem);
	if (!et || !et->size || !(btf_is_int(et) || btf_is_struct(et)))
		return 0;
	*off = (*off - moff) % et->size;
	return elem;
}

/* Whether [off, off + size) of the kernel's struct id is readable, possibly past its end into
 * a flexible array (*id then the element's type, *off relative to the element). */
static bool kernel_range_ok(const struct venv *env, const struct btf *btf, uint32_t *id,
			    int64_t *off, int size)
{
	const struct btf_type *t = btf__type_by_id(btf, *id);

	if (*off < 0)
		return false;
	if (*off + size <= (int64_t)t->size)
		return true;
	if (!btf_kernel_objects(env) || !(*id = flex_tail_elem(btf, *id, off)))
		return false;
	t = btf__type_by_id(btf, *id);
	/* An integer array's bytes are read as a number, however many elements it spans. */
	return btf_is_int(t) || *off + size <= (int64_t)t->size;
}

int btf_id_access(struct venv *env, uint32_t idx, int regno, const struct reg *ptr, int off,
		  int size, bool write, struct reg *out, bool sext)
{
	const struct btf *btf = ctx_btf(env);
	const char *name = verifier_btf_type_name(env, ptr->btf_id);
	const struct btf_type *t = btf ? btf__type_by_id(btf, ptr->btf_id) : NULL;
	int64_t total = (int64_t)ptr->off + off, at;
	uint32_t pointee, type;

	if (!t)
		return -EFAULT;
	if (write)
		return verr_state(env, idx, -EACCES,
				  "store through r%d (pointer to kernel type '%s') prohibited: "
				  "kernel objects are read-only to this program",
				  regno, name);
	if (!tnum_is_const(ptr->var))
		return verr_state(env, idx, -EACCES,
				  "variable offset access through r%d (pointer to '%s') "
				  "prohibited",
				  regno, name);
	total += (int64_t)ptr->var.value;
	type = ptr->btf_id;
	at = total;
	if (!kernel_range_ok(env, btf, &type, &at, size))
		return verr_state(env, idx, -EACCES,
				  "access beyond '%s' through r%d: offset %lld size %d, the type "
				  "has %u bytes",
				  name, regno, (long long)total, size, t->size);
	total = at;
	pointee = struct_walk(btf, type, (uint32_t)total, size);
	/* An extension's object is host memory: the bytes of a pointer it holds, read as a
	 * number (part of one, one to something not a struct, an access across members), are a
	 * host address. A kernel type's (btf_ctx) is only verified, never run. */
	if ((!pointee || sext) && !btf_kernel_objects(env) &&
	    !(env->in->info->flags & EBPF_PROGRAM_TYPE_ALLOW_POINTER_LEAK) &&
	    holds_pointer(btf, type, (uint32_t)total, (uint32_t)size, 0))
		return verr_state(env, idx, -EACCES,
				  "load of %d bytes at offset %lld of '%s' through r%d reads a "
				  "pointer's bytes as a number: prohibited (only a whole pointer "
				  "to a struct, read as one, is readable)",
				  size, (long long)total, name, regno);
	if (pointee && !sext) {
		mark_btf_ptr(out, pointee);
		/* What a referenced object points to may go with it: the pointer carries the
		 * object's reference, so that its release ends this one too. It is not the
		 * reference itself (its id is not the reference's): releasing it is refused. */
		out->ref_id = ptr->ref_id;
		/* A kernel struct's member pointer is no cast of a socket the program holds:
		 * Linux gives it no reference either (bpf_sk_release refuses it). */
		if (!env->in->btf_ctx && btf_kernel_objects(env))
			out->ref_id = 0;
		/* An extension's object is really loaded through, not probe-read as a kernel
		 * object is: a pointer it holds may be NULL, so the program checks it first. */
		if (!btf_kernel_objects(env)) {
			out->type = PTR_TO_BTF_ID_OR_NULL;
			out->id = ++env->id_gen;
		}
	} else {
		result_scalar(out, size, sext);
	}
	return 0;
}

/*
 * The struct a kfunc's BTF prototype points to: its return value (param -1) or parameter
 * `param`, after typedefs and qualifiers; 0 when there is none. Only where the program's typed
 * pointers come from the same BTF: a type attached through the kernel's BTF numbers its types
 * there, and an id of one must never pass for an id of the other.
 */
uint32_t btf_kfunc_struct(const struct venv *env, const char *name, int param)
{
	const struct btf *btf = env->in->kfunc_btf;
	const struct btf_type *t;
	int32_t id;

	if (!btf || ctx_btf(env) != btf)
		return 0;
	id = btf__find_by_name_kind(btf, name, BTF_KIND_FUNC);
	t = id > 0 ? btf__type_by_id(btf, btf__type_by_id(btf, id)->type) : NULL;
	if (!t || !btf_is_func_proto(t))
		return 0;
	if (param < 0)
		return btf_pointee_struct(btf, btf_skip_mods(btf, t->type));
	if (param >= btf_vlen(t))
		return 0;
	return btf_pointee_struct(btf, btf_skip_mods(btf, btf_params(t)[param].type));
}
