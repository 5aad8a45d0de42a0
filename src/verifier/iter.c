// SPDX-License-Identifier: MIT
/*
 * Open-coded numeric iterators (Linux's bpf_iter_num_new / _next / _destroy, the kfuncs under
 * libbpf's bpf_for and bpf_repeat), as Linux's verifier sees them: the iterator is a stack
 * slot of its own kind (STACK_ITER, Linux's STACK_ITER), created by _new, consumed by
 * _destroy, touched by nothing else (no load, store, helper or copy), destroyed on every path
 * before its frame ends.
 *
 * The slot's state is a scalar, the values the iterator has left to give (at most 1 << 23,
 * Linux's BPF_MAX_LOOPS, beyond which _new fails and gives none), with the range the values
 * lie in. _next is a fork: NULL when nothing is left (left becomes 0), else a read-only
 * pointer to an int in [start, end) and one value less. The loop around _next is then an
 * ordinary loop for loop.c: its head is joined and widened, and "left" is the stack slot
 * that moves by -1 on every iteration toward 0, the ranking function that bounds the trip
 * count. Its cost does not depend on the trip count (Linux walks such loops until their
 * states converge, loop.c until the invariant is stable).
 */
#include <string.h>

#include "verifier_int.h"

#define ITER_NUM_MAX (1 << 23)

enum iter_op { ITER_NONE = 0, ITER_NEW, ITER_NEXT, ITER_DESTROY };

static enum iter_op iter_op_of(const struct ebpf_helper_proto *proto)
{
	if (!proto || !proto->name)
		return ITER_NONE;
	if (!strcmp(proto->name, "bpf_iter_num_new"))
		return ITER_NEW;
	if (!strcmp(proto->name, "bpf_iter_num_next"))
		return ITER_NEXT;
	if (!strcmp(proto->name, "bpf_iter_num_destroy"))
		return ITER_DESTROY;
	return ITER_NONE;
}

bool iter_is_kfunc(const struct ebpf_helper_proto *proto)
{
	return iter_op_of(proto) != ITER_NONE;
}

static bool slot_is_iter(const struct stack_slot *s)
{
	return s->type[0] == STACK_ITER;
}

/* The iterator slot r1 points to: a whole, 8-byte aligned slot at a constant offset. */
static int iter_arg(struct venv *env, uint32_t idx, const char *fn, struct stack_slot **slot,
		    int64_t *fp_off)
{
	const struct reg *r1 = &cur_regs(env)[1];
	struct frame *frame;
	int64_t off;
	char d[96];

	reg_describe(env, r1, d, sizeof(d));
	if (r1->type != PTR_TO_STACK)
		return verr_state(env, idx, -EACCES,
				  "kfunc %s arg1 (r1 = %s): expected a pointer to a struct "
				  "bpf_iter_num on the stack",
				  fn, d);
	if (!tnum_is_const(r1->var))
		return verr_state(env, idx, -EACCES,
				  "kfunc %s arg1 (r1 = %s): the iterator must be at a constant "
				  "stack offset",
				  fn, d);
	off = (int64_t)r1->off + (int64_t)r1->var.value;
	if (off < -EBPF_STACK_SIZE || off + 8 > 0)
		return verr_state(env, idx, -EACCES,
				  "kfunc %s arg1 (r1 = %s): the iterator's 8 bytes at fp%+lld are "
				  "not all on the stack",
				  fn, d, (long long)off);
	if (off % 8)
		return verr_state(env, idx, -EACCES,
				  "kfunc %s arg1 (r1 = %s): the iterator at fp%+lld is not 8-byte "
				  "aligned (it takes one whole stack slot)",
				  fn, d, (long long)off);
	frame = env->cur->frames[r1->frameno];
	stack_update_depth(env, frame, off);
	stack_note_read(env, r1->frameno, stack_slot_mask(off, off + 8));
	*slot = &frame->stack[(off + EBPF_STACK_SIZE) / 8];
	*fp_off = off;
	return 0;
}

/* "left" in [lo, hi] (0 <= lo <= hi <= ITER_NUM_MAX), with no known bits beyond them. */
static void set_left(struct reg *left, uint64_t lo, uint64_t hi)
{
	left->var = tnum_range(lo, hi);
	left->umin = lo;
	left->umax = hi;
	left->smin = (int64_t)lo;
	left->smax = (int64_t)hi;
	left->u32_min = (uint32_t)lo;
	left->u32_max = (uint32_t)hi;
	left->s32_min = (int32_t)lo;
	left->s32_max = (int32_t)hi;
	reg_bounds_sync(left);
}

static int scalar_arg(struct venv *env, uint32_t idx, int regno, const char *what)
{
	const struct reg *r = &cur_regs(env)[regno];
	char d[96];

	if (r->type == SCALAR)
		return 0;
	reg_describe(env, r, d, sizeof(d));
	return verr_state(env, idx, -EACCES,
			  "kfunc bpf_iter_num_new arg%d (r%d = %s): expected a number (%s)", regno,
			  regno, d, what);
}

static int iter_new(struct venv *env, uint32_t idx)
{
	struct reg *regs = cur_regs(env);
	struct stack_slot *slot;
	int64_t off, lo, hi, most;
	struct reg left;
	int err;

	err = iter_arg(env, idx, "bpf_iter_num_new", &slot, &off);
	if (!err)
		err = scalar_arg(env, idx, 2, "int start");
	if (!err)
		err = scalar_arg(env, idx, 3, "int end");
	if (err)
		return err;
	if (slot_is_iter(slot))
		return verr_state(env, idx, -EACCES,
				  "kfunc bpf_iter_num_new: the iterator at fp%+lld is already live "
				  "(created at insn %u): destroy it before creating another there",
				  (long long)off, slot->spilled.range);
	/* The kfunc takes ints: the low halves, sign-extended. */
	lo = regs[2].s32_min;
	hi = regs[3].s32_max;
	most = hi - lo > ITER_NUM_MAX ? ITER_NUM_MAX : hi - lo < 0 ? 0 : hi - lo;
	reg_mark_unknown(&left);
	if (reg_is_const(&regs[2]) && reg_is_const(&regs[3])) {
		/* Known bounds: exactly end - start values, or none when _new fails. */
		int64_t n = hi - lo;

		set_left(&left, n >= 0 && n <= ITER_NUM_MAX ? (uint64_t)n : 0,
			 n >= 0 && n <= ITER_NUM_MAX ? (uint64_t)n : 0);
		if (n < 0)
			reg_mark_const(&regs[0], (uint64_t)(int64_t)-EINVAL);
		else if (n > ITER_NUM_MAX)
			reg_mark_const(&regs[0], (uint64_t)(int64_t)-E2BIG);
		else
			reg_mark_const(&regs[0], 0);
	} else {
		set_left(&left, 0, (uint64_t)most);
		reg_mark_unknown(&regs[0]);
	}
	left.ref_id = ++env->id_gen; /* the iterator's identity: its values' pointers carry it */
	left.off = (int32_t)lo;
	left.map = (int32_t)(hi > INT32_MIN ? hi : INT32_MIN);
	left.range = idx;
	memset(slot->type, STACK_ITER, sizeof(slot->type));
	slot->spilled = left;
	return 0;
}

/*
 * A callback that advances its caller's iterator (bpf_loop's context pointing to it) leaves
 * fewer values at each return: where cur's count is not within old's, it becomes any number up
 * to the most either had, so that the next return is covered and the callback's returns
 * converge (verifier.c) instead of being walked once per value. The count only goes down.
 */
void iter_widen(const struct stack_slot *old, struct stack_slot *cur)
{
	const struct reg *o = &old->spilled;
	struct reg *c = &cur->spilled;

	if (!slot_is_iter(old) || !slot_is_iter(cur) || o->ref_id != c->ref_id)
		return;
	if (o->umin <= c->umin && o->umax >= c->umax)
		return;
	set_left(c, 0, o->umax > c->umax ? o->umax : c->umax);
}

static int no_live_iter(struct venv *env, uint32_t idx, const char *fn, int64_t off)
{
	return verr_state(env, idx, -EACCES,
			  "kfunc %s arg1: fp%+lld holds no live iterator (create it with "
			  "bpf_iter_num_new first; once destroyed it is gone)",
			  fn, (long long)off);
}

/* left - 1, keeping its relation to a loop head (a constant step: the loop's measure). */
static void take_one(struct reg *left)
{
	uint64_t lo = left->umin ? left->umin : 1, hi = left->umax;
	struct reg r = *left;

	set_left(&r, lo - 1, hi - 1);
	if (r.loop_id)
		r.loop_delta = left->loop_delta - 1;
	*left = r;
}

static void drained(struct reg *left)
{
	set_left(left, 0, 0);
	/* No step: a loop that goes on after NULL makes no progress through this slot. */
	left->loop_id = 0;
	left->loop_origin = 0;
	left->loop_delta = 0;
}

static int iter_next(struct venv *env, uint32_t idx)
{
	struct stack_slot *slot;
	struct vstate *other;
	struct reg *left, *r0;
	int64_t off;
	int err;

	err = iter_arg(env, idx, "bpf_iter_num_next", &slot, &off);
	if (err)
		return err;
	if (!slot_is_iter(slot))
		return no_live_iter(env, idx, "bpf_iter_num_next", off);
	left = &slot->spilled;
	if (left->umax == 0) {
		reg_mark_const(&cur_regs(env)[0], 0);
		return 0;
	}
	if (left->umin == 0) {
		/* The NULL side is a path of its own, the value's goes on. */
		other = state_copy(env->cur);
		if (!other)
			return -ENOMEM;
		/* Its stack may still be shared with the last checkpoint. */
		if (state_unshare(other)) {
			state_free(other);
			return -ENOMEM;
		}
		reg_mark_const(&other->frames[other->curframe]->regs[0], 0);
		drained(&other->frames[cur_regs(env)[1].frameno]
			     ->stack[(off + EBPF_STACK_SIZE) / 8]
			     .spilled);
		for (int i = 1; i <= 5; i++)
			reg_mark_not_init(&other->frames[other->curframe]->regs[i]);
		err = push_branch(env, other, idx);
		if (err) {
			state_free(other);
			return err;
		}
	}
	r0 = &cur_regs(env)[0];
	reg_mark_ptr(r0, PTR_TO_ITER_INT);
	r0->ref_id = left->ref_id;
	r0->frameno = cur_regs(env)[1].frameno; /* the frame holding the iterator */
	r0->map = left->off;			/* its values: [map, range) */
	r0->range = (uint32_t)left->map;
	take_one(left);
	return 0;
}

static int iter_destroy(struct venv *env, uint32_t idx)
{
	struct stack_slot *slot;
	int64_t off;
	int err;

	err = iter_arg(env, idx, "bpf_iter_num_destroy", &slot, &off);
	if (err)
		return err;
	if (!slot_is_iter(slot))
		return no_live_iter(env, idx, "bpf_iter_num_destroy", off);
	/* Its values' pointers point into the slot, which may hold anything from now on. */
	invalidate_pointers_of(env->cur, slot->spilled.ref_id);
	memset(slot->type, STACK_INVALID, sizeof(slot->type));
	reg_mark_not_init(&slot->spilled);
	reg_mark_unknown(&cur_regs(env)[0]);
	return 0;
}

/* A call of one of the iterator kfuncs (iter_is_kfunc): its rules, and r1-r5 clobbered. */
int check_iter_call(struct venv *env, uint32_t idx, const struct ebpf_helper_proto *proto)
{
	int err;

	switch (iter_op_of(proto)) {
	case ITER_NEW:
		err = iter_new(env, idx);
		break;
	case ITER_NEXT:
		err = iter_next(env, idx);
		break;
	default:
		err = iter_destroy(env, idx);
		break;
	}
	if (err)
		return err;
	for (int i = 1; i <= 5; i++)
		reg_mark_not_init(&cur_regs(env)[i]);
	return 0;
}

/* An iterator in frame f of st, its slot index, or -1. */
static int live_iter(const struct vstate *st, uint32_t f)
{
	for (int i = 0; i < STACK_SLOTS; i++)
		if (slot_is_iter(&st->frames[f]->stack[i]))
			return i;
	return -1;
}

/* At an exit of the current frame (the program's, a subprogram's or a callback's). */
int iter_check_exit(struct venv *env, uint32_t idx, const char *what)
{
	const struct frame *fr = cur_frame(env);
	int s = live_iter(env->cur, env->cur->curframe);

	if (s < 0)
		return 0;
	return verr_state(env, idx, -EACCES,
			  "%s with the iterator at fp%d (created at insn %u) still live: call "
			  "bpf_iter_num_destroy on every path",
			  what, (s - STACK_SLOTS) * 8, fr->stack[s].spilled.range);
}

/* Before a tail call, which ends every frame of the program without returning. */
int iter_check_none(struct venv *env, uint32_t idx, const char *what)
{
	for (uint32_t f = 0; f <= env->cur->curframe; f++) {
		int s = live_iter(env->cur, f);

		if (s >= 0)
			return verr_state(env, idx, -EACCES,
					  "%s with the iterator at fp%d (created at insn %u) still "
					  "live: destroy it first",
					  what, (s - STACK_SLOTS) * 8,
					  env->cur->frames[f]->stack[s].spilled.range);
	}
	return 0;
}

/* Bytes [lo, hi) of frame's stack (offsets from its r10), touched by `what`. */
int iter_check_stack_access(struct venv *env, uint32_t idx, const struct frame *frame, int64_t lo,
			    int64_t hi, const char *what)
{
	for (int64_t i = lo < -EBPF_STACK_SIZE ? -EBPF_STACK_SIZE : lo; i < hi && i < 0; i++) {
		const struct stack_slot *s = &frame->stack[(i + EBPF_STACK_SIZE) / 8];

		if (!slot_is_iter(s))
			continue;
		return verr_state(env, idx, -EACCES,
				  "%s touches the iterator at fp%lld (created at insn %u): only "
				  "the bpf_iter_num_* kfuncs may use it",
				  what,
				  (long long)((i + EBPF_STACK_SIZE) / 8 * 8 - EBPF_STACK_SIZE),
				  s->spilled.range);
	}
	return 0;
}

/* A load through the int _next returned: the value lies in [lo, hi). */
void iter_value_bounds(const struct reg *ptr, int64_t off, int size, bool sext, struct reg *out)
{
	int64_t lo = ptr->map, hi = (int32_t)ptr->range;

	if (size != 4 || (int64_t)ptr->off + off != 0 || hi <= lo)
		return;
	if (lo < 0 && !sext) {
		/* Zero-extended: the low half keeps the signed range. */
		out->s32_min = (int32_t)lo;
		out->s32_max = (int32_t)(hi - 1);
		reg_bounds_sync(out);
		return;
	}
	reg_mark_unknown(out);
	out->smin = lo;
	out->smax = hi - 1;
	out->s32_min = (int32_t)lo;
	out->s32_max = (int32_t)(hi - 1);
	if (lo >= 0) {
		out->umin = (uint64_t)lo;
		out->umax = (uint64_t)(hi - 1);
		out->u32_min = (uint32_t)lo;
		out->u32_max = (uint32_t)(hi - 1);
		out->var = tnum_range((uint64_t)lo, (uint64_t)(hi - 1));
	}
	reg_bounds_sync(out);
}
