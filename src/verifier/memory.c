// SPDX-License-Identifier: MIT
/*
 * Memory: every load, store and atomic operation is proven inside its region: the context
 * (per the program type's descriptor), the stack (512 bytes per frame, byte-level
 * initialisation, register spills), the packet (only the range proven against data_end), map
 * values (value size, null-checked, read-only maps never written) and ring buffer memory.
 * Also the 64-bit immediate loads (map handles, global data) and legacy packet loads.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "verifier_int.h"

static const struct verifier_map *reg_map(struct venv *env, const struct reg *reg)
{
	if (reg->map < 0 || (size_t)reg->map >= env->in->map_count)
		return NULL;
	return &env->in->maps[reg->map];
}

static bool allow_pointer_leak(struct venv *env)
{
	return env->in->info->flags & EBPF_PROGRAM_TYPE_ALLOW_POINTER_LEAK;
}

/*
 * What programs may do with a map's values, as Linux's check_map_access_type: .rodata and maps
 * created with BPF_F_RDONLY_PROG are never written, maps created with BPF_F_WRONLY_PROG never
 * read, whatever the path (loads, stores, atomics, helper arguments).
 */
int check_map_access_type(struct venv *env, uint32_t idx, const struct verifier_map *map,
			  bool write, const char *what)
{
	if (write && map->value_read_only)
		return verr_state(env, idx, -EACCES,
				  "%swrite into map '%s' prohibited (its map type's values are "
				  "read-only to programs)",
				  what, map->name);
	if (write && (map->read_only || (map->map_flags & EBPF_F_RDONLY_PROG)))
		return verr_state(
		    env, idx, -EACCES, "%swrite into read-only map '%s' prohibited (%s)", what,
		    map->name,
		    map->read_only ? "read-only global data" : "created with BPF_F_RDONLY_PROG");
	if (!write && (map->map_flags & EBPF_F_WRONLY_PROG))
		return verr_state(env, idx, -EACCES,
				  "%sread from write-only map '%s' prohibited (created with "
				  "BPF_F_WRONLY_PROG)",
				  what, map->name);
	return 0;
}

/* Program types such as Linux's cgroup_skb, lwt_in and socket filters may only read packets. */
static int check_packet_write(struct venv *env, uint32_t idx, const char *what)
{
	if (!(env->in->info->flags & EBPF_PROGRAM_TYPE_PACKET_READ_ONLY))
		return 0;
	return verr_state(env, idx, -EACCES,
			  "%swrite into the packet prohibited: program type '%s' may only read it",
			  what, env->in->info->name ? env->in->info->name : "?");
}

/* A pointer stored where the host can read it discloses an address. */
static int check_leak(struct venv *env, uint32_t idx, const struct reg *val, const char *where)
{
	char d[96];

	if (!val || !reg_is_pointer(val))
		return 0;
	reg_describe(env, val, d, sizeof(d));
	/* Even where addresses may be seen: a copy there would outlive the reference. */
	if (val->ref_id && ref_held(env->cur, val->ref_id))
		return verr_state(env, idx, -EACCES,
				  "storing a referenced pointer (%s) into %s prohibited: it would "
				  "outlive its release",
				  d, where);
	if (allow_pointer_leak(env))
		return 0;
	return verr_state(env, idx, -EACCES,
			  "pointer leak: storing a pointer (%s) into %s prohibited for program "
			  "type '%s'",
			  d, where, env->in->info->name ? env->in->info->name : "?");
}

void result_scalar(struct reg *out, int size, bool sext)
{
	reg_mark_unknown(out);
	if (size < 8) {
		out->var = tnum_range(0, (1ull << (size * 8)) - 1);
		reg_bounds_sync(out);
		if (sext)
			reg_sext(out, size);
	}
}

/*
 * The variable offset of a pointer must be bounded before [off + var, off + var + size) can be
 * compared with a region's size; packet pointers also need it non-negative (a check against
 * data_end proves nothing about the start).
 */
static int var_off_bounds(struct venv *env, uint32_t idx, int regno, const struct reg *ptr,
			  const char *what, bool nonneg)
{
	if (ptr->smin <= -MAX_VAR_OFF || (nonneg && ptr->smin < 0))
		return verr_state(env, idx, -EACCES,
				  "%s access through r%d: variable offset may be negative (min "
				  "%lld); use an unsigned index or check it is >= 0",
				  what, regno, (long long)ptr->smin);
	if (ptr->smax >= MAX_VAR_OFF)
		return verr_state(env, idx, -EACCES,
				  "%s access through r%d: variable offset is unbounded (max %lld); "
				  "check it against the size first",
				  what, regno, (long long)ptr->smax);
	return 0;
}

/* [ptr + off, ptr + off + size) inside [0, limit): map values and ring buffer memory. */
static int region_access(struct venv *env, uint32_t idx, int regno, const struct reg *ptr,
			 int64_t off, uint64_t size, uint64_t limit, const char *what)
{
	int64_t lo, hi;
	int err;

	err = var_off_bounds(env, idx, regno, ptr, what, false);
	if (err)
		return err;
	lo = ptr->off + off + ptr->smin;
	hi = ptr->off + off + ptr->smax + (int64_t)size;
	if (lo >= 0 && hi <= (int64_t)limit)
		return 0;
	if (tnum_is_const(ptr->var))
		return verr_state(env, idx, -EACCES,
				  "%s access out of bounds: offset %lld size %llu, %s size %llu",
				  what, (long long)lo, (unsigned long long)size, what,
				  (unsigned long long)limit);
	if (lo < 0)
		return verr_state(env, idx, -EACCES,
				  "%s access through r%d: variable offset may be negative (offset "
				  "%lld..%lld); use an unsigned index or check it is >= 0",
				  what, regno, (long long)lo, (long long)(hi - (int64_t)size));
	return verr_state(env, idx, -EACCES,
			  "%s access out of bounds: offset %lld..%lld size %llu (variable offset), "
			  "%s size %llu",
			  what, (long long)lo, (long long)(hi - (int64_t)size),
			  (unsigned long long)size, what, (unsigned long long)limit);
}

/*
 * A map value's special fields (spin lock, timer, kptrs) are reached only through their helpers: a
 * load, store or helper argument whose bytes [ptr + off, + size) may overlap one is refused.
 */
static int map_fields_access(struct venv *env, uint32_t idx, const struct verifier_map *map,
			     const struct reg *ptr, int64_t off, uint64_t size, const char *how)
{
	int64_t lo = ptr->off + off + ptr->smin;
	int64_t hi = ptr->off + off + ptr->smax + (int64_t)size;
	const struct verifier_field *f = map_field_overlap(map, lo, hi);

	if (!f)
		return 0;
	return verr_state(
	    env, idx, -EACCES,
	    "%s of bytes %lld..%lld of a map '%s' value overlaps its %s at offset %u, "
	    "which only its helpers may touch",
	    how, (long long)lo, (long long)(hi - 1), map->name, map_field_name(f->kind), f->off);
}

/*
 * A kptr field read or cleared as Linux allows: exactly its 8 bytes at a constant offset; a
 * load gives a number (no kernel object is ever stored here: nothing but NULL can be), a store
 * may only write NULL, and only into a __kptr_untrusted field (a referenced __kptr is changed
 * through bpf_kptr_xchg alone).
 */
static bool kptr_plain_access(const struct verifier_map *map, const struct reg *ptr, int64_t off,
			      int size, bool write, const struct reg *val)
{
	const struct verifier_field *f;
	int64_t at;

	if (size != 8 || !tnum_is_const(ptr->var))
		return false;
	at = ptr->off + off + (int64_t)ptr->var.value;
	f = map_field_overlap(map, at, at + 8);
	if (!f || f->off != at ||
	    (f->kind != VERIFIER_FIELD_KPTR_UNTRUSTED && f->kind != VERIFIER_FIELD_KPTR_REF))
		return false;
	if (!write)
		return true;
	return f->kind == VERIFIER_FIELD_KPTR_UNTRUSTED && val && reg_is_const(val) &&
	       val->var.value == 0;
}

/* ---- context ------------------------------------------------------------------------------ */

static bool overlaps(int64_t a, int64_t alen, int64_t b, int64_t blen)
{
	return a < b + blen && b < a + alen;
}

/*
 * Records what an instruction accessed. A load of a context packet field is rewritten after
 * verification (into a load of the real pointer), so the same instruction must not access
 * anything else on another path, as on Linux.
 */
static int note_access(struct venv *env, uint32_t idx, uint8_t access)
{
	uint8_t *seen = &env->aux[idx].access;

	if (*seen == ACCESS_NONE || *seen == access) {
		*seen = access;
		return 0;
	}
	if (*seen == ACCESS_OTHER && access == ACCESS_OTHER)
		return 0;
	return verr_state(env, idx, -EACCES,
			  "the same instruction loads a packet pointer field of the context on one "
			  "path and other memory on another; use separate loads");
}

static int32_t ctx_field(const struct ebpf_program_info *info, int field)
{
	const int32_t visible[3] = { info->context.data, info->context.data_end,
				     info->context.meta };

	return visible[field - VERIFIER_CTX_DATA];
}

int32_t verifier_ctx_pointer_slot(const struct ebpf_program_info *info, int field)
{
	uint32_t hidden[3] = { 0 };
	int32_t visible = ctx_field(info, field);

	if (visible < 0)
		return -1;
	/* Older extensions end before context_pointers: their fields are the pointers. */
	if (info->header.size >=
	    offsetof(struct ebpf_program_info, context_pointers) + sizeof(info->context_pointers)) {
		hidden[0] = info->context_pointers.data;
		hidden[1] = info->context_pointers.data_end;
		hidden[2] = info->context_pointers.meta;
	}
	return hidden[field - VERIFIER_CTX_DATA] ? (int32_t)hidden[field - VERIFIER_CTX_DATA]
						 : visible;
}

/*
 * The context bytes that hold (part of) a packet pointer. A field that is itself the pointer
 * spans 8 bytes; a narrow (__u32) field spans 4, and the 8-byte slot holding its real pointer
 * is protected too should it lie inside the context. Only the exact load of a field (4 or 8
 * bytes at its offset, rewritten into a load of the whole pointer) may touch any of them:
 * anything else would read part of an address as a scalar, or overwrite the pointer.
 */
static int ctx_pointer_bytes(struct venv *env, uint32_t idx, int64_t total, int size, bool write,
			     bool sext, struct reg *out)
{
	static const enum reg_type types[3] = { PTR_TO_PACKET, PTR_TO_PACKET_END,
						PTR_TO_PACKET_META };
	const struct ebpf_program_info *info = env->in->info;
	int f;

	for (f = VERIFIER_CTX_DATA; f <= VERIFIER_CTX_META; f++) {
		int32_t field = ctx_field(info, f), slot = verifier_ctx_pointer_slot(info, f);
		int width = slot == field ? 8 : 4;

		if (field < 0)
			continue;
		if (slot != field && overlaps(total, size, slot, 8))
			return verr_state(env, idx, -EACCES,
					  "invalid ctx access: offset %lld size %d touches the "
					  "hidden packet pointer slot at offset %d",
					  (long long)total, size, slot);
		if (!overlaps(total, size, field, width))
			continue;
		if (write)
			return verr_state(
			    env, idx, -EACCES,
			    "write to ctx packet pointer field at offset %d prohibited", field);
		if (total != field || (size != 4 && size != 8) || sext)
			return verr_state(
			    env, idx, -EACCES,
			    "invalid ctx access: offset %lld size %d reads part of "
			    "the packet pointer field at offset %d (%d bytes; load it "
			    "whole, 4 or 8 bytes at its offset)",
			    (long long)total, size, field, width);
		reg_mark_ptr(out, types[f - VERIFIER_CTX_DATA]);
		return note_access(env, idx, (uint8_t)f);
	}
	return 1;
}

static int ctx_access(struct venv *env, uint32_t idx, int regno, const struct reg *ptr, int off,
		      int size, bool write, const struct reg *val, struct reg *out, bool sext)
{
	const struct ebpf_context_descriptor *ctx = &env->in->info->context;
	int64_t total = (int64_t)ptr->off + off;
	uint32_t i;
	int err;

	if (total < 0 || total + size > ctx->size)
		return verr_state(env, idx, -EACCES,
				  "ctx access out of bounds: offset %lld size %d, ctx size %u",
				  (long long)total, size, ctx->size);
	err = ctx_pointer_bytes(env, idx, total, size, write, sext, out);
	if (err <= 0)
		return err;
	if (!write) {
		err = ctx_field_read(env, idx, total, size, sext, out);
		if (err <= 0)
			return err;
		result_scalar(out, size, sext);
		return 0;
	}
	for (i = 0; i < ctx->writable_count; i++) {
		const struct ebpf_context_range *r = &ctx->writable[i];

		if (total < r->offset || total + size > (int64_t)r->offset + r->size)
			continue;
		err = ctx_field_write(env, idx, total, size);
		if (err <= 0)
			return err;
		return check_leak(env, idx, val, "the context");
	}
	return verr_state(env, idx, -EACCES,
			  "write to read-only ctx field: offset %lld size %d (program type '%s' "
			  "has %u writable range%s)",
			  (long long)total, size, env->in->info->name ? env->in->info->name : "?",
			  ctx->writable_count, ctx->writable_count == 1 ? "" : "s");
}

/* PTR_TO_MEM: a ring buffer reservation (it holds a reference), or the memory a context field
 * points to (Linux's flow keys; ctx_fields.c), which holds none. */
static const char *mem_region_name(const struct reg *ptr)
{
	return ptr->ref_id ? "ring buffer memory" : "memory the context points to";
}

/* ---- packet ------------------------------------------------------------------------------- */

static int packet_access(struct venv *env, uint32_t idx, int regno, const struct reg *ptr, int off,
			 int size)
{
	const char *what = ptr->type == PTR_TO_PACKET_META ? "packet metadata" : "packet";
	int64_t total = (int64_t)ptr->off + off;
	int err;

	/* A negative variable part (a pointer moved back: pkt_range_moved) is fine as long as the
	 * constant offset keeps the access at or after the start. */
	err = var_off_bounds(env, idx, regno, ptr, what, total + ptr->smin < 0 && ptr->smin < 0);
	if (err)
		return err;
	if (total + ptr->smin < 0)
		return verr_state(env, idx, -EACCES,
				  "%s access before the start: offset %lld size %d", what,
				  (long long)total, size);
	if (ptr->smax + total + size > MAX_PACKET_OFF)
		return verr_state(env, idx, -EACCES,
				  "%s access too far: offset %lld + variable up to %lld exceeds %d",
				  what, (long long)total, (long long)ptr->smax, MAX_PACKET_OFF);
	if (total + size > ptr->range)
		return verr_state(
		    env, idx, -EACCES,
		    "%s access out of proven range: offset %lld size %d, proven range "
		    "%u (compare the pointer with %s first)",
		    what, (long long)total, size, ptr->range,
		    ptr->type == PTR_TO_PACKET_META ? "data" : "data_end");
	return 0;
}

/* ---- stack -------------------------------------------------------------------------------- */

void stack_update_depth(struct venv *env, struct frame *frame, int64_t lowest)
{
	uint32_t depth = (uint32_t)((-lowest + 7) & ~7);
	struct subprog *sp = &env->subprogs[frame->subprog];

	if (lowest < 0 && depth > frame->depth)
		frame->depth = depth;
	if (frame->depth > sp->depth)
		sp->depth = frame->depth;
}

static uint8_t *stack_byte(struct frame *frame, int64_t off)
{
	int64_t i = off + EBPF_STACK_SIZE;

	return &frame->stack[i / 8].type[i % 8];
}

static struct stack_slot *stack_slot(struct frame *frame, int64_t off)
{
	return &frame->stack[(off + EBPF_STACK_SIZE) / 8];
}

bool slot_byte_known(const struct stack_slot *s, int b, uint8_t *v)
{
	switch (s->type[b]) {
	case STACK_ZERO:
		*v = 0;
		return true;
	case STACK_CONST:
		*v = s->val[b];
		return true;
	case STACK_SPILL:
		if (!reg_is_const(&s->spilled))
			return false;
		*v = (uint8_t)(s->spilled.var.value >> (8 * b));
		return true;
	default:
		return false;
	}
}

/* Byte b of a slot becomes a scalar byte, of value v when known. Zero stays STACK_ZERO, so
 * that one value has one representation (pruning compares types). */
static void stack_set_byte(struct stack_slot *slot, int b, bool known, uint8_t v)
{
	slot->val[b] = known ? v : 0;
	if (!known)
		slot->type[b] = STACK_MISC;
	else
		slot->type[b] = v ? STACK_CONST : STACK_ZERO;
}

/* A store into part of a spill leaves scalar bytes behind (a pointer is destroyed), known bytes
 * where the spill was a constant; the bytes beside a narrow spill keep what they held, and a
 * store into those bytes only leaves the narrow spill whole (clang builds a string on the stack
 * from a 2-byte constant and the NUL byte after it: the format of bpf_trace_printk). */
static void stack_unspill(struct frame *frame, int64_t off)
{
	struct stack_slot *slot = stack_slot(frame, off);
	int n = slot_spill_size(slot), b;
	uint8_t v = 0;

	if ((off + EBPF_STACK_SIZE) % 8 >= n)
		return;
	for (b = 0; b < n; b++) {
		bool known = slot_byte_known(slot, b, &v);

		stack_set_byte(slot, b, known, v);
	}
	reg_mark_not_init(&slot->spilled);
}

/* A value no longer the same number as the loop counter it came from (loop.c). */
static void untag_loop(struct reg *r)
{
	r->loop_id = 0;
	r->loop_origin = 0;
	r->loop_delta = 0;
}

/* The value a scalar stored in `size` bytes holds: its low bytes, zero-extended. A value that
 * does not fit is another number, related to no register and no loop head. */
static void reg_truncate(struct reg *r, int size)
{
	if (size == 8 || r->umax < (1ull << (size * 8)))
		return;
	if (size == 4)
		reg_zext32(r);
	else if (reg_is_const(r))
		reg_mark_const(r, r->var.value & ((1ull << (size * 8)) - 1));
	else
		result_scalar(r, size, false);
	r->id = 0;
	untag_loop(r);
}

/* A load sign-extending a spilled value makes another number (see reg_truncate). */
static void reg_fill_sext(struct reg *r, int size)
{
	reg_sext(r, size);
	r->id = 0;
	untag_loop(r);
}

/*
 * A write that may miss some of a spilled pointer's bytes at run time (a variable offset, a
 * helper's output) would turn the slot into scalar bytes in the verifier's state while the
 * pointer's bytes survive in memory: a pointer leak. Refused, as on Linux, unless the program
 * type allows leaks. [lo, hi) is the range some of which is written.
 */
static int stack_check_spill_overwrite(struct venv *env, uint32_t idx, struct frame *frame,
				       int64_t lo, int64_t hi, const char *what)
{
	int64_t i;

	if (allow_pointer_leak(env))
		return 0;
	for (i = lo; i < hi; i++) {
		int64_t start = i - (i + EBPF_STACK_SIZE) % 8;
		struct stack_slot *s = stack_slot(frame, i);

		if (s->type[0] != STACK_SPILL || !reg_is_pointer(&s->spilled))
			continue;
		return verr_state(env, idx, -EACCES,
				  "%s (fp%+lld..fp%+lld) may overwrite only part of the pointer "
				  "spilled at fp%+lld, leaving the rest readable: prohibited",
				  what, (long long)lo, (long long)hi, (long long)start);
	}
	return 0;
}

/*
 * A constant stored into a spilled constant over bytes that already hold the same (a zero
 * byte into a spilled 0) leaves memory as it was: the slot stays the spilled number rather than
 * turning into bytes that no longer fill back as one register (Linux keeps only zero in zero).
 */
static bool store_keeps_spill(const struct stack_slot *slot, int first, int size,
			      const struct reg *val)
{
	uint64_t mask = size == 8 ? UINT64_MAX : (1ull << (size * 8)) - 1;

	if (slot_spill_size(slot) != 8 || !reg_is_const(&slot->spilled) || !reg_is_const(val) ||
	    first + size > 8)
		return false;
	return ((slot->spilled.var.value >> (first * 8)) & mask) == (val->var.value & mask);
}

/*
 * A narrower store into the slot of a spilled pointer (clang gives the slot to another, smaller
 * variable once the pointer is dead) destroys the pointer. The bytes it does not cover still
 * hold part of the address at run time, so they become uninitialised: no read, load or helper
 * can see them, and a later store makes them readable again. Linux refuses the store to
 * unprivileged loaders and lets root read the bytes; the stored bytes are all a program needs.
 */
static void stack_forget_pointer_rest(struct frame *frame, int64_t lo, int64_t hi)
{
	int64_t start;

	for (start = lo - (lo + EBPF_STACK_SIZE) % 8; start < hi; start += 8) {
		struct stack_slot *s = stack_slot(frame, start);

		if (s->type[0] != STACK_SPILL || !reg_is_pointer(&s->spilled))
			continue;
		memset(s->type, STACK_INVALID, sizeof(s->type));
		memset(s->val, 0, sizeof(s->val));
		reg_mark_not_init(&s->spilled);
	}
}

static int stack_write_fixed(struct venv *env, uint32_t idx, struct frame *frame, int64_t o,
			     int size, const struct reg *val)
{
	struct stack_slot *slot = stack_slot(frame, o);
	bool aligned = ((o + EBPF_STACK_SIZE) % 8) == 0;
	int64_t i;

	if (reg_is_pointer(val) && (size != 8 || !aligned)) {
		char d[96];

		reg_describe(env, val, d, sizeof(d));
		return verr_state(env, idx, -EACCES,
				  "%s spill of pointer (%s) at fp%+lld prohibited: pointers are "
				  "spilled as 8 aligned bytes",
				  size != 8 ? "partial" : "misaligned", d, (long long)o);
	}
	if (size == 8 && aligned) {
		slot->spilled = *val;
		memset(slot->type, STACK_SPILL, 8);
		return 0;
	}
	if (store_keeps_spill(slot, (int)((o + EBPF_STACK_SIZE) % 8), size, val))
		return 0;
	if (!allow_pointer_leak(env))
		stack_forget_pointer_rest(frame, o, o + size);
	for (i = o; i < o + size; i++)
		stack_unspill(frame, i);
	/* A scalar stored narrow at a slot's start keeps its bounds for the fill (a 32-bit
	 * counter kept in 4 bytes), as Linux's narrow spills; zero stays zero bytes. */
	if (aligned && val->type == SCALAR && !reg_is_null(val)) {
		slot->spilled = *val;
		reg_truncate(&slot->spilled, size);
		memset(slot->type, STACK_SPILL, (size_t)size);
		return 0;
	}
	/* Other bytes keep their value when it is a constant: narrow constant stores sharing a
	 * slot build a string the verifier may have to read (a bpf_trace_printk format). */
	for (i = o; i < o + size; i++)
		stack_set_byte(stack_slot(frame, i), (int)((i + EBPF_STACK_SIZE) % 8),
			       reg_is_const(val), (uint8_t)(val->var.value >> (8 * (i - o))));
	return 0;
}

/* Are the bytes [from, to) of the slot known zero? */
static bool stack_zero_bytes(const struct stack_slot *slot, int from, int to)
{
	int b;

	for (b = from; b < to; b++)
		if (slot->type[b] != STACK_ZERO)
			return false;
	return true;
}

static int stack_read_fixed(struct venv *env, uint32_t idx, struct frame *frame, int64_t o,
			    int size, struct reg *out, bool sext)
{
	struct stack_slot *slot = stack_slot(frame, o);
	int64_t first = (o + EBPF_STACK_SIZE) % 8, i;
	int n = slot_spill_size(slot);
	bool known = true;
	uint64_t value = 0;

	if (n) {
		if (size == 8 && n == 8 && first == 0) {
			*out = slot->spilled;
			return 0;
		}
		if (reg_is_pointer(&slot->spilled))
			return verr_state(env, idx, -EACCES,
					  "partial read of a spilled pointer at fp%+lld size %d",
					  (long long)o, size);
		/* The spill's low bytes, or the spill and zero bytes above it: the value
		 * stored (truncated), its bounds kept. */
		if (first == 0 && (size <= n || stack_zero_bytes(slot, n, size))) {
			*out = slot->spilled;
			reg_truncate(out, size);
			if (sext)
				reg_fill_sext(out, size);
			return 0;
		}
		if (reg_is_const(&slot->spilled) && first + size <= n) {
			uint64_t v = slot->spilled.var.value >> (first * 8);

			if (size < 8)
				v &= (1ull << (size * 8)) - 1;
			reg_mark_const(out, v);
			if (sext)
				reg_sext(out, size);
			return 0;
		}
	}
	for (i = o; i < o + size; i++) {
		struct stack_slot *s = stack_slot(frame, i);
		uint8_t t = *stack_byte(frame, i), b;

		if (t == STACK_INVALID)
			return verr_state(
			    env, idx, -EACCES,
			    "read of uninitialised stack at fp%+lld (reading %d bytes "
			    "at fp%+lld)",
			    (long long)i, size, (long long)o);
		if (t == STACK_SPILL && reg_is_pointer(&s->spilled))
			return verr_state(env, idx, -EACCES,
					  "partial read of a spilled pointer at fp%+lld",
					  (long long)i);
		if (known && slot_byte_known(s, (int)((i + EBPF_STACK_SIZE) % 8), &b))
			value |= (uint64_t)b << (8 * (i - o));
		else
			known = false;
	}
	if (!known) {
		result_scalar(out, size, sext);
		return 0;
	}
	reg_mark_const(out, value);
	if (sext)
		reg_sext(out, size);
	return 0;
}

/*
 * Variable-offset write over [lo, hi): any byte may be written, so initialised ones become
 * scalar bytes; an uninitialised one becomes initialised only when every offset the write may
 * have covers it ([hi - size, lo + size)), else it stays unreadable. Linux (privileged) lets
 * all of them become readable.
 */
static int stack_write_var(struct venv *env, uint32_t idx, struct frame *frame, int64_t lo,
			   int64_t hi, int size)
{
	int64_t i;
	int err;

	err = stack_check_spill_overwrite(env, idx, frame, lo, hi, "variable-offset stack write");
	if (err)
		return err;
	for (i = lo; i < hi; i++)
		stack_unspill(frame, i);
	for (i = lo; i < hi; i++) {
		uint8_t *t = stack_byte(frame, i);

		if (*t != STACK_INVALID || (i >= hi - size && i < lo + size))
			*t = STACK_MISC;
	}
	return 0;
}

/* Variable-offset read: every byte that may be touched must already be initialised. */
static int stack_read_var(struct venv *env, uint32_t idx, struct frame *frame, int64_t lo,
			  int64_t hi, struct reg *out, int size, bool sext)
{
	int64_t i;

	for (i = lo; i < hi; i++) {
		struct stack_slot *s = stack_slot(frame, i);
		uint8_t t = *stack_byte(frame, i);

		if (t == STACK_INVALID)
			return verr_state(
			    env, idx, -EACCES,
			    "variable-offset stack read touches uninitialised stack at "
			    "fp%+lld (range fp%+lld..fp%+lld)",
			    (long long)i, (long long)lo, (long long)hi);
		if (t == STACK_SPILL && reg_is_pointer(&s->spilled))
			return verr_state(env, idx, -EACCES,
					  "variable-offset stack read may read part of a spilled "
					  "pointer at fp%+lld",
					  (long long)i);
	}
	result_scalar(out, size, sext);
	return 0;
}

static int stack_access(struct venv *env, uint32_t idx, int regno, const struct reg *ptr, int off,
			int size, bool write, const struct reg *val, struct reg *out, bool sext)
{
	struct frame *frame = env->cur->frames[ptr->frameno];
	int64_t lo, hi;
	int err;

	if (ptr->smin <= -MAX_VAR_OFF || ptr->smax >= MAX_VAR_OFF)
		return verr_state(env, idx, -EACCES,
				  "stack access through r%d: variable offset is unbounded; check "
				  "it first",
				  regno);
	lo = (int64_t)ptr->off + off + ptr->smin;
	hi = (int64_t)ptr->off + off + ptr->smax + size;
	if (lo < -EBPF_STACK_SIZE || hi > 0) {
		if (tnum_is_const(ptr->var))
			return verr_state(env, idx, -EACCES,
					  "stack access out of bounds: offset %lld size %d (the "
					  "stack is the %d bytes below r10)",
					  (long long)lo, size, EBPF_STACK_SIZE);
		return verr_state(env, idx, -EACCES,
				  "stack access out of bounds: offset %lld..%lld size %d (variable "
				  "offset; the stack is the %d bytes below r10)",
				  (long long)lo, (long long)(hi - size), size, EBPF_STACK_SIZE);
	}
	/* Only an aligned 8-byte store at a fixed offset replaces a slot whole, reading nothing
	 * of it (liveness); anything else depends on what the slots held. */
	if (write && tnum_is_const(ptr->var) && size == 8 && !((lo + EBPF_STACK_SIZE) % 8))
		env->cur->stack_written[ptr->frameno] |= stack_slot_mask(lo, hi);
	else
		stack_note_read(env, ptr->frameno, stack_slot_mask(lo, hi));
	err = iter_check_stack_access(env, idx, frame, lo, hi, write ? "a store" : "a load");
	if (err)
		return err;
	if (write && val && val->type == PTR_TO_STACK && val->frameno > ptr->frameno)
		return verr_state(env, idx, -EACCES,
				  "storing a pointer to a callee's stack into a caller's stack "
				  "prohibited");
	if (write && val && reg_is_pointer(val) && !tnum_is_const(ptr->var))
		return verr_state(env, idx, -EACCES,
				  "spilling a pointer at a variable stack offset prohibited");
	stack_update_depth(env, frame, lo);
	if (!tnum_is_const(ptr->var) && write)
		return stack_write_var(env, idx, frame, lo, hi, size);
	if (!tnum_is_const(ptr->var))
		return stack_read_var(env, idx, frame, lo, hi, out, size, sext);
	if (write)
		return stack_write_fixed(env, idx, frame, lo, size, val);
	return stack_read_fixed(env, idx, frame, lo, size, out, sext);
}

/* ---- one access --------------------------------------------------------------------------- */

static int invalid_access(struct venv *env, uint32_t idx, int regno, const struct reg *ptr)
{
	char d[96];

	reg_describe(env, ptr, d, sizeof(d));
	if (ptr->type != CONST_MAP_PTR_OR_NULL && reg_type_nonnull(ptr->type) != NOT_INIT)
		return verr_state(env, idx, -EACCES,
				  "memory access through r%d (%s) before a null check; check it "
				  "against NULL first",
				  regno, d);
	switch (ptr->type) {
	case SCALAR:
		return verr_state(
		    env, idx, -EACCES,
		    "memory access through r%d, which is a scalar, not a pointer (%s)", regno, d);
	default:
		return verr_state(env, idx, -EACCES, "memory access through r%d (%s) prohibited",
				  regno, d);
	}
}

/* A read of one of the context's packet pointer fields (noted by ctx_access itself). */
static bool is_ctx_field_load(const struct venv *env, const struct reg *ptr, int off, bool write)
{
	const struct ebpf_context_descriptor *ctx = &env->in->info->context;
	int64_t total = (int64_t)ptr->off + off;

	if (ptr->type != PTR_TO_CTX || write)
		return false;
	return (ctx->data >= 0 && total == ctx->data) ||
	       (ctx->data_end >= 0 && total == ctx->data_end) ||
	       (ctx->meta >= 0 && total == ctx->meta);
}

/*
 * A load at a constant offset of a frozen read-only map (.rodata, .kconfig) reads the value
 * the map holds, as Linux's bpf_map_direct_read: code behind a configuration constant that is
 * false (LINUX_KERNEL_VERSION < X, a tool's `const volatile` option) is dead, as on Linux.
 */
static bool frozen_read(const struct verifier_map *map, const struct reg *ptr, int off, int size,
			bool sext, struct reg *out)
{
	int64_t total = (int64_t)ptr->off + off + (int64_t)ptr->var.value;
	uint64_t v = 0;

	if (!map->read_only || !map->frozen_data || !tnum_is_const(ptr->var) || size > 8)
		return false;
	if (total < 0 || total + size > map->value_size)
		return false;
	memcpy(&v, (const uint8_t *)map->frozen_data + total, (size_t)size); /* little-endian */
	if (sext && size < 8 && (v >> (size * 8 - 1)) & 1)
		v |= ~0ull << (size * 8);
	reg_mark_const(out, v);
	return true;
}

static int mem_access(struct venv *env, uint32_t idx, int regno, int off, int size, bool write,
		      const struct reg *val, struct reg *out, bool sext)
{
	const struct reg *ptr = &cur_regs(env)[regno];
	const struct verifier_map *map;
	int err;

	if (ptr->type == NOT_INIT)
		return verr_state(env, idx, -EACCES, "read of uninitialised register r%d", regno);
	if (!is_ctx_field_load(env, ptr, off, write)) {
		err = note_access(env, idx, ACCESS_OTHER);
		if (err)
			return err;
	}
	switch (ptr->type) {
	case PTR_TO_STACK:
		return stack_access(env, idx, regno, ptr, off, size, write, val, out, sext);
	case PTR_TO_CTX:
		if (env->in->btf_ctx)
			return btf_ctx_access(env, idx, ptr, off, size, write, out);
		return ctx_access(env, idx, regno, ptr, off, size, write, val, out, sext);
	case PTR_TO_BTF_ID:
		return btf_id_access(env, idx, regno, ptr, off, size, write, out, sext);
	case PTR_TO_SOCKET:
	case PTR_TO_SOCK_COMMON:
	case PTR_TO_TCP_SOCK:
		return sock_access(env, idx, regno, ptr, off, size, write, sext, out);
	case PTR_TO_PACKET:
	case PTR_TO_PACKET_META:
		err = write ? check_packet_write(env, idx, "") : 0;
		if (!err)
			err = packet_access(env, idx, regno, ptr, off, size);
		if (!err && write)
			err = check_leak(env, idx, val, "the packet");
		break;
	case PTR_TO_MAP_VALUE:
		map = reg_map(env, ptr);
		if (!map)
			return -EFAULT;
		err = check_map_access_type(env, idx, map, write, "");
		if (err)
			return err;
		err = region_access(env, idx, regno, ptr, off, size, map->value_size, "map value");
		/* A store into a kptr field is allowed for NULL only: the value is needed. */
		if (!err && write && map->field_count &&
		    EBPF_CLASS(env->insns[idx].code) == EBPF_CLS_STX)
			prec_mark_reg(env, env->insns[idx].src_reg);
		if (!err && !kptr_plain_access(map, ptr, off, size, write, val))
			err = map_fields_access(env, idx, map, ptr, off, (uint64_t)size,
						write ? "a direct store" : "a direct load");
		if (!err && write)
			err = check_leak(env, idx, val, "a map value");
		if (!err && !write && frozen_read(map, ptr, off, size, sext, out))
			return 0;
		break;
	case PTR_TO_MEM:
		err = region_access(env, idx, regno, ptr, off, size, ptr->range,
				    mem_region_name(ptr));
		if (!err && write)
			err = check_leak(env, idx, val, mem_region_name(ptr));
		break;
	case PTR_TO_ITER_INT:
		/* The iterator's own counter: a store would change what it gives next. */
		if (write)
			return verr_state(env, idx, -EACCES,
					  "store through r%d, the int bpf_iter_num_next returned: "
					  "it is read-only",
					  regno);
		err = region_access(env, idx, regno, ptr, off, size, 4,
				    "the int bpf_iter_num_next returned");
		if (err)
			return err;
		result_scalar(out, size, sext);
		iter_value_bounds(ptr, off, size, sext, out);
		return 0;
	default:
		return invalid_access(env, idx, regno, ptr);
	}
	if (!err && !write)
		result_scalar(out, size, sext);
	return err;
}

int check_load(struct venv *env, uint32_t idx)
{
	const struct ebpf_inst *insn = &env->insns[idx];
	int size = isa_mem_size(insn->code);
	bool sext = EBPF_MODE(insn->code) == EBPF_MODE_MEMSX;
	struct reg out;
	int err;

	reg_mark_unknown(&out);
	err = mem_access(env, idx, insn->src_reg, insn->off, size, false, NULL, &out, sext);
	if (err)
		return err;
	cur_regs(env)[insn->dst_reg] = out;
	return 0;
}

int check_store(struct venv *env, uint32_t idx)
{
	const struct ebpf_inst *insn = &env->insns[idx];
	int size = isa_mem_size(insn->code);
	struct reg val;

	if (EBPF_CLASS(insn->code) == EBPF_CLS_ST) {
		uint64_t v = (uint64_t)(int64_t)insn->imm;

		reg_mark_const(&val, size < 8 ? v & ((1ull << (size * 8)) - 1) : v);
	} else {
		struct reg *src = &cur_regs(env)[insn->src_reg];

		if (src->type == NOT_INIT)
			return verr_state(env, idx, -EACCES, "read of uninitialised register r%d",
					  insn->src_reg);
		/* A spill and its register share an id, as copies do (bounds.c): a check on the
		 * register bounds the spill too (a loop's counter kept on the stack). */
		if (src->type == SCALAR && !reg_is_const(src) && !src->id &&
		    (size == 8 || src->umax < (1ull << (size * 8))) &&
		    cur_regs(env)[insn->dst_reg].type == PTR_TO_STACK)
			src->id = ++env->id_gen;
		val = *src;
		/* A code address in memory could be read back as a number or reach the host. */
		if (val.type == PTR_TO_FUNC)
			return verr_state(env, idx, -EACCES,
					  "storing a function pointer (r%d) prohibited: pass it to "
					  "a callback-taking helper directly",
					  insn->src_reg);
	}
	return mem_access(env, idx, insn->dst_reg, insn->off, size, true, &val, NULL, false);
}

/*
 * Atomic instructions must be naturally aligned (x86 locks a misaligned access across cache
 * lines, other machines fault): the fixed offset and every bit the variable offset may have
 * below the access size must be zero. Stack frames, map values and ring buffer records are
 * 8-byte aligned themselves.
 */
static int check_atomic_alignment(struct venv *env, uint32_t idx, const struct reg *ptr, int off,
				  int size)
{
	int64_t fixed = (int64_t)ptr->off + off;
	uint64_t var_bits = ptr->var.value | ptr->var.mask;

	if (!(fixed & (size - 1)) && !(var_bits & (uint64_t)(size - 1)))
		return 0;
	return verr_state(
	    env, idx, -EACCES,
	    "misaligned atomic access: offset %lld%s is not a multiple of its size %d",
	    (long long)fixed, var_bits ? " plus a variable offset" : "", size);
}

/*
 * What an atomic leaves in a stack slot whose old value `old` is a known constant: the stack
 * is the program's own, nobody else writes it, so the operation is computed as the ALU would
 * (an unknown scalar when an operand is not known).
 */
static void atomic_stack_value(const struct ebpf_inst *insn, const struct reg *old,
			       const struct reg *src, const struct reg *r0, int size,
			       struct reg *val)
{
	uint64_t mask = size == 8 ? ~0ull : (1ull << (size * 8)) - 1;
	uint64_t o = old->var.value & mask, v = src->var.value & mask;

	reg_mark_unknown(val);
	if (!reg_is_const(old) || !reg_is_const(src))
		return;
	switch (insn->imm & ~EBPF_ATOMIC_FETCH) {
	case EBPF_ATOMIC_ADD:
		v = (o + v) & mask;
		break;
	case EBPF_ATOMIC_OR:
		v |= o;
		break;
	case EBPF_ATOMIC_AND:
		v &= o;
		break;
	case EBPF_ATOMIC_XOR:
		v ^= o;
		break;
	case EBPF_ATOMIC_XCHG & ~EBPF_ATOMIC_FETCH:
		break;
	case EBPF_ATOMIC_CMPXCHG & ~EBPF_ATOMIC_FETCH:
		if (!reg_is_const(r0))
			return;
		if ((r0->var.value & mask) != o)
			v = o;
		break;
	default:
		return;
	}
	reg_mark_const(val, v);
}

/*
 * Load-acquire and store-release are a load and a store (same pointer rules, same values) that
 * Linux refuses on the context, the packet and sockets (its atomic_ptr_type_ok: those accesses
 * are rewritten or bounded in ways no ordered access has) and always wants naturally aligned.
 */
static int check_acq_rel(struct venv *env, uint32_t idx)
{
	const struct ebpf_inst *insn = &env->insns[idx];
	bool load = isa_is_load_acquire(insn);
	uint8_t regno = load ? insn->src_reg : insn->dst_reg;
	const struct reg *ptr = &cur_regs(env)[regno];
	struct reg base = *ptr; /* a load-acquire may overwrite its own base */
	char d[96];
	int err;

	if (ptr->type == NOT_INIT)
		return verr_state(env, idx, -EACCES, "read of uninitialised register r%d", regno);
	if (ptr->type == PTR_TO_CTX || reg_is_packet(ptr) || ptr->type == PTR_TO_PACKET_END ||
	    reg_is_socket(ptr)) {
		reg_describe(env, ptr, d, sizeof(d));
		return verr_state(env, idx, -EACCES, "%s through r%d (%s) prohibited",
				  load ? "load-acquire" : "store-release", regno, d);
	}
	err = load ? check_load(env, idx) : check_store(env, idx);
	if (err)
		return err;
	return check_atomic_alignment(env, idx, &base, insn->off, isa_mem_size(insn->code));
}

/* Atomic read-modify-write: stack and map values only, scalar operands. */
int check_atomic(struct venv *env, uint32_t idx)
{
	const struct ebpf_inst *insn = &env->insns[idx];
	int size = isa_mem_size(insn->code);
	struct reg *regs = cur_regs(env), *ptr = &regs[insn->dst_reg], *src = &regs[insn->src_reg];
	struct reg out, val;
	char d[96];
	int err;

	if (isa_is_load_acquire(insn) || isa_is_store_release(insn))
		return check_acq_rel(env, idx);
	if (size != 4 && size != 8)
		return verr(env, idx, -EINVAL, "atomic operation of size %d (only 4 and 8)", size);
	if (src->type != SCALAR) {
		if (src->type == NOT_INIT)
			return verr_state(env, idx, -EACCES, "read of uninitialised register r%d",
					  insn->src_reg);
		reg_describe(env, src, d, sizeof(d));
		return verr_state(env, idx, -EACCES,
				  "atomic operation with a pointer operand r%d (%s) prohibited",
				  insn->src_reg, d);
	}
	if (insn->imm == EBPF_ATOMIC_CMPXCHG && regs[0].type != SCALAR)
		return verr_state(env, idx, -EACCES,
				  "atomic compare-exchange needs an initialised scalar in r0");
	switch (ptr->type) {
	case PTR_TO_STACK:
	case PTR_TO_MAP_VALUE:
	case PTR_TO_MEM:
		break;
	case NOT_INIT:
		return verr_state(env, idx, -EACCES, "read of uninitialised register r%d",
				  insn->dst_reg);
	default:
		reg_describe(env, ptr, d, sizeof(d));
		return verr_state(env, idx, -EACCES,
				  "atomic operation on r%d (%s) prohibited (only stack and map "
				  "values)",
				  insn->dst_reg, d);
	}
	reg_mark_unknown(&out);
	err = mem_access(env, idx, insn->dst_reg, insn->off, size, false, NULL, &out, false);
	if (err)
		return err;
	err = check_atomic_alignment(env, idx, ptr, insn->off, size);
	if (err)
		return err;
	if (reg_is_pointer(&out))
		return verr_state(env, idx, -EACCES,
				  "atomic operation on a spilled pointer prohibited");
	/* On the stack the old value is what the verifier tracked there (a spilled constant or
	 * bounded scalar), related to no register any more; elsewhere memory may change under
	 * the program (other CPUs on a map value). */
	if (ptr->type == PTR_TO_STACK && tnum_is_const(ptr->var)) {
		atomic_stack_value(insn, &out, src, &regs[0], size, &val);
		reg_truncate(&out, size);
		out.id = 0;
		untag_loop(&out);
	} else {
		reg_mark_unknown(&val);
		result_scalar(&out, size, false);
	}
	err = mem_access(env, idx, insn->dst_reg, insn->off, size, true, &val, NULL, false);
	if (err)
		return err;
	if (insn->imm == EBPF_ATOMIC_CMPXCHG)
		regs[0] = out;
	else if (insn->imm & EBPF_ATOMIC_FETCH)
		regs[insn->src_reg] = out;
	return 0;
}

/* ---- lddw ---------------------------------------------------------------------------------- */

/* What an lddw may load, checked without any state: every lddw is checked so, reached or not,
 * since the engines prepare dead code too. */
/* A function pointer names the first instruction of a subprogram (cfg.c makes every target a
 * subprogram start; here it must at least be an instruction of the program). */
static int func_validate(struct venv *env, uint32_t idx)
{
	const struct ebpf_inst *insn = &env->insns[idx];
	int64_t t = (int64_t)idx + 1 + insn->imm;

	if (insn[1].imm)
		return verr(env, idx, -EINVAL,
			    "lddw of a function pointer with a non-zero high half");
	if (t < 0 || t >= env->count || t == idx + 1)
		return verr(env, idx, -EINVAL,
			    "lddw of a function pointer to insn %lld, which is not an instruction "
			    "of the program",
			    (long long)t);
	return 0;
}

int lddw_validate(struct venv *env, uint32_t idx)
{
	const struct ebpf_inst *insn = &env->insns[idx];
	const struct verifier_map *map;

	switch (insn->src_reg) {
	case EBPF_PSEUDO_IMM:
		return 0;
	case EBPF_PSEUDO_MAP_IDX:
	case EBPF_PSEUDO_MAP_IDX_VALUE:
		break;
	case EBPF_PSEUDO_MAP_FD:
	case EBPF_PSEUDO_MAP_VALUE:
		return verr(env, idx, -EINVAL,
			    "lddw with a map file descriptor (src %d) must have been converted "
			    "to a map index by the loader",
			    insn->src_reg);
	case EBPF_PSEUDO_BTF_ID:
		return verr(env, idx, -EACCES,
			    "lddw of a kernel variable (BTF id) is not supported");
	case EBPF_PSEUDO_FUNC:
		return func_validate(env, idx);
	default:
		return verr(env, idx, -EINVAL, "lddw with unknown source kind %d", insn->src_reg);
	}
	if (insn->imm < 0 || (size_t)insn->imm >= env->in->map_count)
		return verr(env, idx, -EINVAL, "lddw refers to map %d, the program has %zu map%s",
			    insn->imm, env->in->map_count, env->in->map_count == 1 ? "" : "s");
	map = &env->in->maps[insn->imm];
	if (insn->src_reg == EBPF_PSEUDO_MAP_IDX) {
		if (insn[1].imm)
			return verr(env, idx, -EINVAL, "lddw of map '%s' with a non-zero offset",
				    map->name);
		return 0;
	}
	if (map->type != EBPF_MAP_TYPE_ARRAY || map->max_entries != 1)
		return verr(env, idx, -EACCES,
			    "direct value access to map '%s' needs an array map of one entry "
			    "(global data)",
			    map->name);
	if (insn[1].imm < 0 || (uint32_t)insn[1].imm >= map->value_size)
		return verr(env, idx, -EACCES,
			    "direct value offset %d out of map '%s' value size %u", insn[1].imm,
			    map->name, map->value_size);
	return 0;
}

int check_lddw(struct venv *env, uint32_t idx)
{
	const struct ebpf_inst *insn = &env->insns[idx];
	struct reg *dst = &cur_regs(env)[insn->dst_reg];
	int err = lddw_validate(env, idx);

	if (err)
		return err;
	switch (insn->src_reg) {
	case EBPF_PSEUDO_IMM:
		reg_mark_const(dst, isa_lddw_imm(insn));
		return 0;
	case EBPF_PSEUDO_MAP_IDX:
		reg_mark_ptr(dst, CONST_MAP_PTR);
		dst->map = insn->imm;
		return 0;
	case EBPF_PSEUDO_FUNC:
		reg_mark_ptr(dst, PTR_TO_FUNC);
		dst->off = (int32_t)idx + 1 + insn->imm;
		return 0;
	default:
		reg_mark_ptr(dst, PTR_TO_MAP_VALUE);
		dst->map = insn->imm;
		dst->off = insn[1].imm;
		return 0;
	}
}

/* ---- legacy packet loads ------------------------------------------------------------------- */

int check_ld_abs(struct venv *env, uint32_t idx)
{
	const struct ebpf_inst *insn = &env->insns[idx];
	const struct ebpf_context_descriptor *ctx = &env->in->info->context;
	struct reg *regs = cur_regs(env);
	int size = isa_mem_size(insn->code), i;

	if (ctx->data < 0 || ctx->data_end < 0)
		return verr(env, idx, -EACCES,
			    "legacy packet load (ld_abs/ld_ind) needs a packet program type; '%s' "
			    "has no data/data_end",
			    env->in->info->name ? env->in->info->name : "?");
	if (size == 8)
		return verr(env, idx, -EINVAL, "legacy packet load of 8 bytes is not defined");
	if (regs[6].type != PTR_TO_CTX || regs[6].off != 0)
		return verr_state(env, idx, -EACCES,
				  "legacy packet load needs the context in r6 (unmodified)");
	if (ref_check_none(env, idx, "legacy packet load (it may end the program)"))
		return -EACCES;
	if (check_no_lock_held(env, idx, "legacy packet load (it may end the program)"))
		return -EACCES;
	/* Ending the program there would leave the iterator live (Linux: a reference leak). */
	if (iter_check_none(env, idx, "legacy packet load (it may end the program)"))
		return -EACCES;
	if (state_in_callback(env->cur))
		return verr_state(env, idx, -EACCES,
				  "legacy packet load inside a callback prohibited (it may end the "
				  "program from inside the helper)");
	if (EBPF_MODE(insn->code) == EBPF_MODE_IND && regs[insn->src_reg].type != SCALAR)
		return verr_state(env, idx, -EACCES,
				  "legacy packet load: index r%d must be an initialised scalar",
				  insn->src_reg);
	for (i = 1; i <= 5; i++)
		reg_mark_not_init(&regs[i]);
	result_scalar(&regs[0], size, false);
	return 0;
}

/* ---- helper memory arguments --------------------------------------------------------------- */

static bool is_mem_pointer(enum reg_type type)
{
	return type == PTR_TO_STACK || type == PTR_TO_PACKET || type == PTR_TO_PACKET_META ||
	       type == PTR_TO_MAP_VALUE || type == PTR_TO_MEM;
}

static int not_mem_pointer(struct venv *env, uint32_t idx, int regno, const char *what)
{
	char d[96];

	reg_describe(env, &cur_regs(env)[regno], d, sizeof(d));
	return verr_state(
	    env, idx, -EACCES,
	    "%s: r%d (%s) is not a pointer to stack, packet, map value or ring buffer "
	    "memory",
	    what, regno, d);
}

int check_mem_region(struct venv *env, uint32_t idx, int regno, uint64_t size, bool write,
		     const char *what)
{
	const struct reg *ptr = &cur_regs(env)[regno];
	const struct verifier_map *map;
	struct frame *frame;
	char d[96];
	int64_t lo, hi, i;

	/* Zero bytes touch nothing, but the helper is still handed the register as memory: a
	 * number (NULL included, unless the argument may be NULL) or a context or map pointer
	 * must not reach it as one, whatever the size. */
	if (size == 0)
		return is_mem_pointer(ptr->type) ? 0 : not_mem_pointer(env, idx, regno, what);
	switch (ptr->type) {
	case PTR_TO_STACK:
		frame = env->cur->frames[ptr->frameno];
		if (ptr->smin <= -MAX_VAR_OFF || ptr->smax >= MAX_VAR_OFF)
			return verr_state(env, idx, -EACCES,
					  "%s: stack pointer r%d has an unbounded offset", what,
					  regno);
		lo = (int64_t)ptr->off + ptr->smin;
		hi = (int64_t)ptr->off + ptr->smax + (int64_t)size;
		if (lo < -EBPF_STACK_SIZE || hi > 0)
			return verr_state(env, idx, -EACCES,
					  "%s: stack range fp%+lld..fp%+lld out of the stack", what,
					  (long long)lo, (long long)hi);
		stack_update_depth(env, frame, lo);
		/* Written too: a helper may write less than the whole range. */
		stack_note_read(env, ptr->frameno, stack_slot_mask(lo, hi));
		/* A helper reads the values there (a map key): spilled ones are needed precise. */
		if (!write)
			prec_mark_slots(env, ptr->frameno, stack_slot_mask(lo, hi));
		if (iter_check_stack_access(env, idx, frame, lo, hi, what))
			return -EACCES;
		/* A helper may write fewer bytes than the maximum size (a variable size, a
		 * failure): its output never replaces a spilled pointer, as on Linux. */
		if (write) {
			int err = stack_check_spill_overwrite(env, idx, frame, lo, hi, what);

			if (err)
				return err;
		}
		for (i = lo; i < hi; i++) {
			struct stack_slot *s = stack_slot(frame, i);
			uint8_t t = *stack_byte(frame, i);

			if (write && tnum_is_const(ptr->var))
				break;
			if (t == STACK_INVALID)
				return verr_state(env, idx, -EACCES,
						  "%s: uninitialised stack at fp%+lld (range "
						  "fp%+lld..fp%+lld of %llu bytes)",
						  what, (long long)i, (long long)lo, (long long)hi,
						  (unsigned long long)size);
			if (t == STACK_SPILL && reg_is_pointer(&s->spilled) && !write &&
			    !allow_pointer_leak(env))
				return verr_state(
				    env, idx, -EACCES,
				    "%s: stack range holds a spilled pointer at fp%+lld", what,
				    (long long)i);
		}
		return 0;
	case PTR_TO_PACKET:
	case PTR_TO_PACKET_META:
		if (size > MAX_PACKET_OFF)
			return verr_state(env, idx, -EACCES, "%s: size %llu too large", what,
					  (unsigned long long)size);
		snprintf(d, sizeof(d), "%s: ", what);
		if (write && check_packet_write(env, idx, d))
			return -EACCES;
		return packet_access(env, idx, regno, ptr, 0, (int)size);
	case PTR_TO_MAP_VALUE:
		map = reg_map(env, ptr);
		if (!map)
			return -EFAULT;
		snprintf(d, sizeof(d), "%s: helper would ", what);
		if (check_map_access_type(env, idx, map, write, d))
			return -EACCES;
		i = region_access(env, idx, regno, ptr, 0, size, map->value_size, "map value");
		if (i)
			return (int)i;
		snprintf(d, sizeof(d), "%s: an access", what);
		return map_fields_access(env, idx, map, ptr, 0, size, d);
	case PTR_TO_MEM:
		return region_access(env, idx, regno, ptr, 0, size, ptr->range,
				     mem_region_name(ptr));
	default:
		return not_mem_pointer(env, idx, regno, what);
	}
}

/* A helper wrote [ptr, ptr + size) of the stack. */
void stack_mark_written(struct venv *env, const struct reg *ptr, uint64_t size)
{
	struct frame *frame;
	int64_t lo, hi, i;

	if (ptr->type != PTR_TO_STACK || !size)
		return;
	frame = env->cur->frames[ptr->frameno];
	lo = (int64_t)ptr->off + ptr->smin;
	hi = (int64_t)ptr->off + ptr->smax + (int64_t)size;
	for (i = lo; i < hi; i++)
		stack_unspill(frame, i);
	for (i = lo; i < hi; i++)
		*stack_byte(frame, i) = STACK_MISC;
}

/*
 * A helper may or may not have written [ptr + from, ptr + to) of the stack (a variable size
 * between its least and its greatest value): a byte nobody wrote before stays unreadable, a
 * spilled pointer that may be partly overwritten can no longer be read back at all, and any
 * other byte is some scalar.
 */
void stack_mark_maybe_written(struct venv *env, const struct reg *ptr, uint64_t from, uint64_t to)
{
	struct frame *frame;
	int64_t lo, hi, i;

	if (ptr->type != PTR_TO_STACK || from >= to)
		return;
	frame = env->cur->frames[ptr->frameno];
	lo = (int64_t)ptr->off + ptr->smin + (int64_t)from;
	hi = (int64_t)ptr->off + ptr->smax + (int64_t)to;
	for (i = lo; i < hi; i++) {
		struct stack_slot *slot = stack_slot(frame, i);

		if (slot->type[0] != STACK_SPILL || !reg_is_pointer(&slot->spilled))
			continue;
		memset(slot->type, STACK_INVALID, 8);
		reg_mark_not_init(&slot->spilled);
	}
	for (i = lo; i < hi; i++) {
		stack_unspill(frame, i);
		if (*stack_byte(frame, i) != STACK_INVALID)
			*stack_byte(frame, i) = STACK_MISC;
	}
}

/*
 * The value of the stack byte at ptr + off (ptr a stack pointer of constant offset), for
 * arguments the verifier must read (a printk format, a string's terminator): 1 with *byte when
 * its value is known (a zero or constant byte, or part of a spilled constant), 0 when it is some
 * scalar byte, -1 when it is outside the stack, uninitialised or part of a spilled pointer.
 */
int stack_byte_value(struct venv *env, const struct reg *ptr, int64_t off, uint8_t *byte)
{
	int64_t o = (int64_t)ptr->off + (int64_t)ptr->var.value + off;
	struct frame *frame;
	struct stack_slot *slot;
	uint8_t t;

	if (ptr->type != PTR_TO_STACK || !tnum_is_const(ptr->var) || o < -EBPF_STACK_SIZE || o >= 0)
		return -1;
	frame = env->cur->frames[ptr->frameno];
	stack_note_read(env, ptr->frameno, stack_slot_mask(o, o + 1));
	prec_mark_slots(env, ptr->frameno, stack_slot_mask(o, o + 1));
	slot = stack_slot(frame, o);
	t = *stack_byte(frame, o);
	if (t == STACK_INVALID || t == STACK_ITER ||
	    (t == STACK_SPILL && reg_is_pointer(&slot->spilled)))
		return -1;
	return slot_byte_known(slot, (int)((o + EBPF_STACK_SIZE) % 8), byte) ? 1 : 0;
}
