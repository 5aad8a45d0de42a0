// SPDX-License-Identifier: MIT
/*
 * Abstract values: tnums (known bits), registers, stack slots, whole states, and the state
 * comparison that pruning relies on.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "verifier_int.h"

/* ---- tnum: the algebra of partially known bits, as Linux's kernel/bpf/tnum.c ---------------- */

struct tnum tnum_const(uint64_t v)
{
	return (struct tnum){ .value = v, .mask = 0 };
}

struct tnum tnum_unknown(void)
{
	return (struct tnum){ .value = 0, .mask = UINT64_MAX };
}

/* The tightest tnum holding every value of [min, max]: the common high bits are known. */
struct tnum tnum_range(uint64_t min, uint64_t max)
{
	uint64_t chi = min ^ max, delta;
	int bits = chi ? 64 - __builtin_clzll(chi) : 0;

	if (bits > 63)
		return tnum_unknown();
	delta = (1ull << bits) - 1;
	return (struct tnum){ .value = min & ~delta, .mask = delta };
}

struct tnum tnum_add(struct tnum a, struct tnum b)
{
	uint64_t sm = a.mask + b.mask, sv = a.value + b.value;
	uint64_t sigma = sm + sv, chi = sigma ^ sv;
	uint64_t mu = chi | a.mask | b.mask;

	return (struct tnum){ .value = sv & ~mu, .mask = mu };
}

struct tnum tnum_sub(struct tnum a, struct tnum b)
{
	uint64_t dv = a.value - b.value;
	uint64_t alpha = dv + a.mask, beta = dv - b.mask;
	uint64_t chi = alpha ^ beta, mu = chi | a.mask | b.mask;

	return (struct tnum){ .value = dv & ~mu, .mask = mu };
}

struct tnum tnum_and(struct tnum a, struct tnum b)
{
	uint64_t alpha = a.value | a.mask, beta = b.value | b.mask, v = a.value & b.value;

	return (struct tnum){ .value = v, .mask = alpha & beta & ~v };
}

struct tnum tnum_or(struct tnum a, struct tnum b)
{
	uint64_t v = a.value | b.value, mu = a.mask | b.mask;

	return (struct tnum){ .value = v, .mask = mu & ~v };
}

struct tnum tnum_xor(struct tnum a, struct tnum b)
{
	uint64_t v = a.value ^ b.value, mu = a.mask | b.mask;

	return (struct tnum){ .value = v & ~mu, .mask = mu };
}

/* Shift-and-add over the bits of a, accumulating known and unknown parts separately. */
struct tnum tnum_mul(struct tnum a, struct tnum b)
{
	struct tnum acc_v = tnum_const(a.value * b.value), acc_m = tnum_const(0);

	while (a.value || a.mask) {
		if (a.value & 1)
			acc_m = tnum_add(acc_m, (struct tnum){ .value = 0, .mask = b.mask });
		else if (a.mask & 1)
			acc_m =
			    tnum_add(acc_m, (struct tnum){ .value = 0, .mask = b.value | b.mask });
		a = tnum_rshift(a, 1);
		b = tnum_lshift(b, 1);
	}
	return tnum_add(acc_v, acc_m);
}

struct tnum tnum_lshift(struct tnum a, uint8_t shift)
{
	return (struct tnum){ .value = a.value << shift, .mask = a.mask << shift };
}

struct tnum tnum_rshift(struct tnum a, uint8_t shift)
{
	return (struct tnum){ .value = a.value >> shift, .mask = a.mask >> shift };
}

/* Arithmetic shift of a width-bit (32 or 64) value. */
struct tnum tnum_arshift(struct tnum a, uint8_t shift, uint8_t width)
{
	if (width == 32)
		return (struct tnum){ .value = (uint32_t)((int32_t)a.value >> shift),
				      .mask = (uint32_t)((int32_t)a.mask >> shift) };
	return (struct tnum){ .value = (uint64_t)((int64_t)a.value >> shift),
			      .mask = (uint64_t)((int64_t)a.mask >> shift) };
}

struct tnum tnum_intersect(struct tnum a, struct tnum b)
{
	uint64_t v = a.value | b.value, mu = a.mask & b.mask;

	return (struct tnum){ .value = v & ~mu, .mask = mu };
}

/* Truncation to size bytes (zero-extended). */
struct tnum tnum_cast(struct tnum a, uint8_t size)
{
	uint64_t keep = size >= 8 ? UINT64_MAX : (1ull << (size * 8)) - 1;

	return (struct tnum){ .value = a.value & keep, .mask = a.mask & keep };
}

/* Every value inner may have, outer may have too. */
bool tnum_in(struct tnum outer, struct tnum inner)
{
	if (inner.mask & ~outer.mask)
		return false;
	return (inner.value & ~outer.mask) == outer.value;
}

/* ---- registers ---------------------------------------------------------------------------- */

static void reg_unbounded(struct reg *reg)
{
	reg->var = tnum_unknown();
	reg->smin = INT64_MIN;
	reg->smax = INT64_MAX;
	reg->umin = 0;
	reg->umax = UINT64_MAX;
	reg_unbound32(reg);
}

/* Forgets the bounds of the low 32 bits (an operation changed them). */
void reg_unbound32(struct reg *reg)
{
	reg->s32_min = INT32_MIN;
	reg->s32_max = INT32_MAX;
	reg->u32_min = 0;
	reg->u32_max = UINT32_MAX;
}

void reg_mark_unknown(struct reg *reg)
{
	memset(reg, 0, sizeof(*reg));
	reg->type = SCALAR;
	reg->map = -1;
	reg_unbounded(reg);
}

void reg_mark_const(struct reg *reg, uint64_t v)
{
	memset(reg, 0, sizeof(*reg));
	reg->type = SCALAR;
	reg->map = -1;
	reg->var = tnum_const(v);
	reg->smin = reg->smax = (int64_t)v;
	reg->umin = reg->umax = v;
	reg->s32_min = reg->s32_max = (int32_t)v;
	reg->u32_min = reg->u32_max = (uint32_t)v;
}

void reg_mark_not_init(struct reg *reg)
{
	memset(reg, 0, sizeof(*reg));
	reg->map = -1;
}

/* A pointer of the type with a zero offset. */
void reg_mark_ptr(struct reg *reg, enum reg_type type)
{
	reg_mark_const(reg, 0);
	reg->type = type;
}

bool reg_is_pointer(const struct reg *reg)
{
	return reg->type != NOT_INIT && reg->type != SCALAR;
}

enum reg_type reg_type_nonnull(enum reg_type type)
{
	switch (type) {
	case PTR_TO_MAP_VALUE_OR_NULL:
		return PTR_TO_MAP_VALUE;
	case PTR_TO_MEM_OR_NULL:
		return PTR_TO_MEM;
	case CONST_MAP_PTR_OR_NULL:
		return CONST_MAP_PTR;
	case PTR_TO_BTF_ID_OR_NULL:
		return PTR_TO_BTF_ID;
	case PTR_TO_SOCKET_OR_NULL:
		return PTR_TO_SOCKET;
	case PTR_TO_SOCK_COMMON_OR_NULL:
		return PTR_TO_SOCK_COMMON;
	case PTR_TO_TCP_SOCK_OR_NULL:
		return PTR_TO_TCP_SOCK;
	default:
		return NOT_INIT;
	}
}

bool reg_is_socket(const struct reg *reg)
{
	return reg->type == PTR_TO_SOCKET || reg->type == PTR_TO_SOCK_COMMON ||
	       reg->type == PTR_TO_TCP_SOCK;
}

bool reg_is_const(const struct reg *reg)
{
	return reg->type == SCALAR && tnum_is_const(reg->var);
}

bool reg_is_packet(const struct reg *reg)
{
	return reg->type == PTR_TO_PACKET || reg->type == PTR_TO_PACKET_META;
}

/* Is the scalar still pkt_end - (data + pkt_len_off)? */
bool reg_pkt_len_linked(const struct reg *reg)
{
	return reg->type == SCALAR && reg->pkt_len_id && reg->pkt_len_id == reg->id;
}

bool reg_is_null(const struct reg *reg)
{
	return reg_is_const(reg) && reg->var.value == 0;
}

/* ---- states ------------------------------------------------------------------------------- */

/*
 * A checkpoint or a pending branch shares with the last checkpoint of its path everything that
 * has not changed since: whole frames (a caller's frame rarely changes while its callee runs),
 * else a frame's stack (5 KB of the frame's 6, and most instructions only touch registers). So a
 * checkpoint at call depth 8 costs about one frame's registers, not eight full frames. Shared
 * frames and stacks are never written: the current state owns all of its own (refcnt 1), a popped
 * pending branch copies what it shares first (state_unshare), and state_foreach_reg copies what it
 * changes. Every byte held is counted in the state's state_mem: the memory budget.
 */
struct frame_stack {
	uint32_t refcnt;
	struct stack_slot slot[STACK_SLOTS];
};

#define STACK_BYTES sizeof(((struct frame_stack *)0)->slot)

static struct frame_stack *stack_of(struct stack_slot *slots)
{
	return (struct frame_stack *)((char *)slots - offsetof(struct frame_stack, slot));
}

static void mem_add(struct state_mem *mem, size_t bytes)
{
	mem->bytes += bytes;
	if (mem->bytes > mem->peak)
		mem->peak = mem->bytes;
}

static struct stack_slot *stack_dup(struct state_mem *mem, const struct stack_slot *src)
{
	struct frame_stack *s = malloc(sizeof(*s));

	if (!s)
		return NULL;
	s->refcnt = 1;
	if (src)
		memcpy(s->slot, src, STACK_BYTES);
	else
		memset(s->slot, 0, STACK_BYTES);
	mem_add(mem, sizeof(*s));
	return s->slot;
}

static void stack_put(struct state_mem *mem, struct stack_slot *slots)
{
	struct frame_stack *s;

	if (!slots)
		return;
	s = stack_of(slots);
	if (--s->refcnt)
		return;
	mem->bytes -= sizeof(*s);
	free(s);
}

static bool stack_shared(struct stack_slot *slots)
{
	return stack_of(slots)->refcnt > 1;
}

/* A frame without a stack yet: the caller attaches one. */
static struct frame *frame_alloc(struct state_mem *mem)
{
	struct frame *f = calloc(1, sizeof(*f));

	if (!f)
		return NULL;
	f->refcnt = 1;
	mem_add(mem, sizeof(*f));
	return f;
}

static void frame_put(struct state_mem *mem, struct frame *f)
{
	if (!f || --f->refcnt)
		return;
	stack_put(mem, f->stack);
	mem->bytes -= sizeof(*f);
	free(f);
}

/* Everything but the stack and the reference count. */
static void frame_copy_regs(struct frame *dst, const struct frame *src)
{
	memcpy(dst->regs, src->regs, sizeof(dst->regs));
	dst->callsite = src->callsite;
	dst->subprog = src->subprog;
	dst->depth = src->depth;
	dst->callback = src->callback;
	dst->cb_id_base = src->cb_id_base;
	dst->cb_key_id = src->cb_key_id;
	dst->resume_id = src->resume_id;
	dst->entry_id = src->entry_id;
	dst->may_goto_spent = src->may_goto_spent;
}

/* Same contents (padding included: a difference there only costs a copy). */
static bool frame_regs_same(const struct frame *a, const struct frame *b)
{
	return !memcmp(a->regs, b->regs, sizeof(a->regs)) && a->callsite == b->callsite &&
	       a->subprog == b->subprog && a->depth == b->depth && a->callback == b->callback &&
	       a->cb_id_base == b->cb_id_base && a->cb_key_id == b->cb_key_id &&
	       a->resume_id == b->resume_id && a->entry_id == b->entry_id &&
	       a->may_goto_spent == b->may_goto_spent;
}

static bool stack_same(const struct frame *a, const struct frame *b)
{
	return a->stack == b->stack || !memcmp(a->stack, b->stack, STACK_BYTES);
}

/* A frame of its own with a stack of its own. */
static struct frame *frame_dup(struct state_mem *mem, const struct frame *src)
{
	struct frame *f = frame_alloc(mem);

	if (!f)
		return NULL;
	frame_copy_regs(f, src);
	f->stack = stack_dup(mem, src->stack);
	if (!f->stack) {
		frame_put(mem, f);
		return NULL;
	}
	return f;
}

struct frame *frame_new(struct state_mem *mem)
{
	struct frame *f = frame_alloc(mem);
	int i;

	if (!f)
		return NULL;
	f->stack = stack_dup(mem, NULL);
	if (!f->stack) {
		frame_put(mem, f);
		return NULL;
	}
	for (i = 0; i < EBPF_NUM_REGS; i++)
		reg_mark_not_init(&f->regs[i]);
	f->callsite = -1;
	return f;
}

void state_frame_put(struct vstate *st, struct frame *f)
{
	frame_put(st->mem, f);
}

struct vstate *state_new(struct state_mem *mem)
{
	struct vstate *st = calloc(1, sizeof(struct vstate));

	if (!st)
		return NULL;
	st->mem = mem;
	mem_add(mem, sizeof(*st));
	return st;
}

void state_free_frames(struct vstate *st)
{
	uint32_t i;

	for (i = 0; i < EBPF_MAX_CALL_DEPTH; i++) {
		if (st->frames[i])
			frame_put(st->mem, st->frames[i]);
		st->frames[i] = NULL;
	}
	prec_hist_free(st);
}

void state_free(struct vstate *st)
{
	if (!st)
		return;
	state_free_frames(st);
	st->mem->bytes -= sizeof(*st);
	free(st);
}

static void state_copy_scalars(struct vstate *dst, const struct vstate *src)
{
	dst->mem = src->mem;
	dst->oom = src->oom;
	dst->curframe = src->curframe;
	dst->nrefs = src->nrefs;
	memcpy(dst->refs, src->refs, sizeof(src->refs));
	memcpy(dst->ref_insn, src->ref_insn, sizeof(src->ref_insn));
	memcpy(dst->ref_kind, src->ref_kind, sizeof(src->ref_kind));
	dst->lock_held = src->lock_held;
	dst->lock_map = src->lock_map;
	dst->lock_id = src->lock_id;
	dst->lock_insn = src->lock_insn;
	dst->insn = src->insn;
	dst->prev_insn = src->prev_insn;
	dst->walk = src->walk;
	dst->parent = src->parent;
	dst->cb_reentry = src->cb_reentry;
	dst->cb_returns = src->cb_returns;
	memcpy(dst->stack_written, src->stack_written, sizeof(src->stack_written));
}

/*
 * Frame i of a stored copy of src: the last checkpoint's frame, or its stack, when unchanged.
 * With `own_frame` the frame itself is always new (the copy's owner writes its registers).
 */
static struct frame *frame_for_store(const struct vstate *src, uint32_t i, bool own_frame)
{
	const struct vstate *last = src->parent ? &src->parent->st : NULL;
	struct frame *f = src->frames[i], *lf = NULL, *nf;
	bool same_stack;

	if (last && i <= last->curframe)
		lf = last->frames[i];
	same_stack = lf && stack_same(lf, f);
	if (!own_frame && same_stack && frame_regs_same(lf, f)) {
		lf->refcnt++;
		return lf;
	}
	nf = frame_alloc(src->mem);
	if (!nf)
		return NULL;
	frame_copy_regs(nf, f);
	if (same_stack) {
		stack_of(lf->stack)->refcnt++;
		nf->stack = lf->stack;
		return nf;
	}
	nf->stack = stack_dup(src->mem, f->stack);
	if (!nf->stack) {
		frame_put(src->mem, nf);
		return NULL;
	}
	return nf;
}

static int state_store(struct vstate *dst, const struct vstate *src, bool own_current)
{
	uint32_t i;

	state_free_frames(dst);
	state_copy_scalars(dst, src);
	for (i = 0; i <= src->curframe; i++) {
		dst->frames[i] = frame_for_store(src, i, own_current && i == src->curframe);
		if (!dst->frames[i])
			return -ENOMEM;
	}
	return 0;
}

/* Frame i of st, its own and with a stack of its own when `stack`. */
static struct frame *own_frame(struct vstate *st, uint32_t i, bool stack)
{
	struct frame *fr = st->frames[i], *own;
	struct stack_slot *slots;

	if (fr->refcnt > 1) {
		own = frame_alloc(st->mem);
		if (!own)
			return NULL;
		frame_copy_regs(own, fr);
		own->stack = fr->stack;
		stack_of(fr->stack)->refcnt++;
		frame_put(st->mem, fr);
		st->frames[i] = fr = own;
	}
	if (stack && stack_shared(fr->stack)) {
		slots = stack_dup(st->mem, fr->stack);
		if (!slots)
			return NULL;
		stack_put(st->mem, fr->stack);
		fr->stack = slots;
	}
	return fr;
}

/* Copies src into dst, every frame and stack dst's own (dst becomes the current state). */
int state_copy_into(struct vstate *dst, const struct vstate *src)
{
	uint32_t i;

	for (i = src->curframe + 1; i < EBPF_MAX_CALL_DEPTH; i++) {
		if (dst->frames[i])
			frame_put(src->mem, dst->frames[i]);
		dst->frames[i] = NULL;
	}
	dst->mem = src->mem;
	for (i = 0; i <= src->curframe; i++) {
		if (dst->frames[i] == src->frames[i] || !dst->frames[i]) {
			if (dst->frames[i])
				frame_put(src->mem, dst->frames[i]);
			dst->frames[i] = frame_dup(src->mem, src->frames[i]);
			if (!dst->frames[i])
				return -ENOMEM;
			continue;
		}
		if (!own_frame(dst, i, true))
			return -ENOMEM;
		frame_copy_regs(dst->frames[i], src->frames[i]);
		if (dst->frames[i]->stack != src->frames[i]->stack)
			memcpy(dst->frames[i]->stack, src->frames[i]->stack, STACK_BYTES);
	}
	state_copy_scalars(dst, src);
	return prec_hist_copy(dst, src);
}

/* A pending branch: its current frame its own (its registers are written next), the rest shared
 * with the last checkpoint where unchanged since. */
struct vstate *state_copy(const struct vstate *src)
{
	struct vstate *st = state_new(src->mem);

	if (!st)
		return NULL;
	if (state_store(st, src, true) || prec_hist_copy(st, src)) {
		state_free(st);
		return NULL;
	}
	return st;
}

/* A checkpoint: everything unchanged since the last checkpoint of the path is shared. */
int state_snapshot(struct vstate *dst, const struct vstate *src)
{
	return state_store(dst, src, false);
}

/* Makes every frame and stack of st its own, before it becomes the current state. */
int state_unshare(struct vstate *st)
{
	uint32_t i;

	for (i = 0; i <= st->curframe; i++)
		if (!own_frame(st, i, true))
			return -ENOMEM;
	return 0;
}

struct reg *cur_regs(struct venv *env)
{
	return cur_frame(env)->regs;
}

/* fn on a register that st may share with stored states: copied first when fn changes it. */
static void shared_reg_apply(struct vstate *st, uint32_t f, int i, bool in_stack,
			     void (*fn)(struct reg *reg, void *arg), void *arg)
{
	struct frame *fr = st->frames[f];
	struct reg *reg = in_stack ? &fr->stack[i].spilled : &fr->regs[i], tmp;

	if (fr->refcnt == 1 && !(in_stack && stack_shared(fr->stack))) {
		fn(reg, arg);
		return;
	}
	tmp = *reg;
	fn(&tmp, arg);
	if (!memcmp(&tmp, reg, sizeof(tmp)))
		return;
	fr = own_frame(st, f, in_stack);
	if (!fr) {
		st->oom = true; /* reported by the walk; the state is discarded */
		return;
	}
	*(in_stack ? &fr->stack[i].spilled : &fr->regs[i]) = tmp;
}

void state_foreach_reg(struct vstate *st, void (*fn)(struct reg *reg, void *arg), void *arg)
{
	uint32_t f;
	int i;

	for (f = 0; f <= st->curframe; f++) {
		for (i = 0; i < EBPF_NUM_REGS; i++)
			shared_reg_apply(st, f, i, false, fn, arg);
		for (i = 0; i < STACK_SLOTS; i++)
			if (st->frames[f]->stack[i].type[0] == STACK_SPILL ||
			    st->frames[f]->stack[i].type[0] == STACK_ITER)
				shared_reg_apply(st, f, i, true, fn, arg);
	}
}

/* ---- comparison ----------------------------------------------------------------------------- */

/*
 * Ids of the old state must map one-to-one onto ids of the current one: two registers linked in
 * the old state must be linked in the current one too, or a check on one would prove more in the
 * old state than it does now.
 */
#define IDMAP_SIZE 64

struct idmap {
	uint32_t old[IDMAP_SIZE], cur[IDMAP_SIZE];
	uint32_t n;
	/* Coverage by a loop invariant (loop.c): what relates values to that loop's head does
	 * not matter there (the loop's measure is checked on its own), relations to outer loops'
	 * heads do. */
	const struct venv *env;
	uint32_t loop_head; /* UINT32_MAX: none */
};

static bool own_loop_tag(const struct idmap *idmap, const struct reg *r)
{
	return !r->loop_id || loop_walk_head(idmap->env, r->loop_id) == idmap->loop_head;
}

static bool check_ids(struct idmap *map, uint32_t old, uint32_t cur)
{
	uint32_t i;

	if (!old)
		return true;
	if (!cur)
		return false;
	for (i = 0; i < map->n; i++) {
		if (map->old[i] == old)
			return map->cur[i] == cur;
		if (map->cur[i] == cur)
			return false;
	}
	if (map->n == IDMAP_SIZE)
		return false;
	map->old[map->n] = old;
	map->cur[map->n++] = cur;
	return true;
}

/* The current value range lies within the old one. */
static bool range_within(const struct reg *old, const struct reg *cur)
{
	return old->umin <= cur->umin && old->umax >= cur->umax && old->smin <= cur->smin &&
	       old->smax >= cur->smax && old->u32_min <= cur->u32_min &&
	       old->u32_max >= cur->u32_max && old->s32_min <= cur->s32_min &&
	       old->s32_max >= cur->s32_max && tnum_in(old->var, cur->var);
}

static bool range_equal(const struct reg *old, const struct reg *cur)
{
	return old->umin == cur->umin && old->umax == cur->umax && old->smin == cur->smin &&
	       old->smax == cur->smax && old->u32_min == cur->u32_min &&
	       old->u32_max == cur->u32_max && old->s32_min == cur->s32_min &&
	       old->s32_max == cur->s32_max && old->var.value == cur->var.value &&
	       old->var.mask == cur->var.mask;
}

static void widen_reg(const struct reg *old, struct reg *cur)
{
	if (old->type == SCALAR && cur->type == SCALAR && !range_within(old, cur))
		reg_mark_unknown(cur);
}

/*
 * cur's scalars (registers and spills) that old does not contain become unknown: where a
 * callback keeps changing a value (a counter in its context), the next state at the helper
 * call contains this one, so its states converge in a few walks (Linux's
 * widen_imprecise_scalars does the same for iterators); so do the values left of an iterator
 * the callback advances (iter.c). Pointers are left as they are.
 */
void state_widen(const struct vstate *old, struct vstate *cur)
{
	uint32_t f;
	int i;

	if (old->curframe != cur->curframe)
		return;
	if (state_unshare(cur)) {
		cur->oom = true;
		return;
	}
	for (f = 0; f <= cur->curframe; f++) {
		const struct frame *of = old->frames[f];
		struct frame *cf = cur->frames[f];

		for (i = 0; i < EBPF_NUM_REGS; i++)
			widen_reg(&of->regs[i], &cf->regs[i]);
		for (i = 0; i < STACK_SLOTS; i++) {
			if (slot_spill_size(&of->stack[i]) &&
			    slot_spill_size(&of->stack[i]) == slot_spill_size(&cf->stack[i]))
				widen_reg(&of->stack[i].spilled, &cf->stack[i].spilled);
			iter_widen(&of->stack[i], &cf->stack[i]);
		}
	}
}

/* Is every behaviour from cur already covered by the (proven safe) old register? */
/*
 * The reservations, or the objects of map values and handles (which pointers may be compared,
 * bounds.c's same_object), relate alike. An old object known (0 or an id) covers only the same
 * relation; REG_OBJ_ANY, equal to nothing, covers any.
 */
static bool objects_safe(const struct reg *old, const struct reg *cur, struct idmap *idmap)
{
	if (old->type != PTR_TO_MAP_VALUE && old->type != PTR_TO_MAP_VALUE_OR_NULL &&
	    old->type != CONST_MAP_PTR && old->type != CONST_MAP_PTR_OR_NULL)
		return check_ids(idmap, old->ref_id, cur->ref_id);
	if (old->ref_id == REG_OBJ_ANY)
		return true;
	if (cur->ref_id == REG_OBJ_ANY || !old->ref_id != !cur->ref_id)
		return false;
	return check_ids(idmap, old->ref_id, cur->ref_id);
}

/* precise: old's range matters (precision.c); an imprecise scalar covers any scalar that relates
 * to loops, packet lengths and other registers (ids) as it does. */
static bool regsafe(const struct reg *old, const struct reg *cur, struct idmap *idmap, bool exact,
		    bool precise)
{
	if (old->type == NOT_INIT)
		return exact ? cur->type == NOT_INIT : true;
	if (old->type != cur->type)
		return false;
	/* A path pruned inside a loop walked by abstraction goes on as the old one did: its
	 * counters must stand in the same relation to the loop head (or the loop's progress,
	 * checked at the head, would not hold for it). */
	if ((old->loop_id != cur->loop_id || old->loop_delta != cur->loop_delta ||
	     old->loop_origin != cur->loop_origin) &&
	    !(idmap->loop_head != UINT32_MAX && own_loop_tag(idmap, old) &&
	      own_loop_tag(idmap, cur)))
		return false;
	if (exact ? !range_equal(old, cur)
		  : (precise || old->type != SCALAR) && !range_within(old, cur))
		return false;
	/* The old path may have proven packet bytes through the link: cur needs the same one. */
	if (old->type == SCALAR && reg_pkt_len_linked(old) &&
	    (!reg_pkt_len_linked(cur) || old->pkt_len_off != cur->pkt_len_off))
		return false;
	if (old->type == SCALAR)
		return check_ids(idmap, old->id, cur->id);
	if (old->off != cur->off || old->map != cur->map || old->frameno != cur->frameno)
		return false;
	if (!check_ids(idmap, old->id, cur->id) || !objects_safe(old, cur, idmap))
		return false;
	if (old->id == 0 && cur->id != 0 && old->type != SCALAR)
		return false;
	switch (old->type) {
	case PTR_TO_PACKET:
	case PTR_TO_PACKET_META:
		/* A comparison the old path decided by where the pointer lies against data_end
		 * must be decided the same way on the current one. */
		if (old->pkt_end_side != cur->pkt_end_side &&
		    (exact || old->pkt_end_side != PKT_END_UNKNOWN))
			return false;
		/* The current path must have proven at least as much of the packet. */
		return exact ? old->range == cur->range : old->range <= cur->range;
	case PTR_TO_MEM:
	case PTR_TO_MEM_OR_NULL:
	case PTR_TO_ITER_INT:
		return old->range == cur->range;
	case PTR_TO_BTF_ID:
	case PTR_TO_BTF_ID_OR_NULL:
		return old->btf_id == cur->btf_id;
	default:
		return true;
	}
}

/*
 * A live iterator covers one with no more values left and values in no wider range; an
 * iterator is never covered by a slot that holds none (the old path neither destroyed it nor
 * kept off its bytes), nor the other way round (the old path used it).
 */
static bool itersafe(const struct stack_slot *os, const struct stack_slot *cs, struct idmap *idmap,
		     bool exact)
{
	const struct reg *o = &os->spilled, *c = &cs->spilled;

	if (os->type[0] != STACK_ITER || cs->type[0] != STACK_ITER)
		return false;
	if (exact ? o->off != c->off || o->map != c->map : o->off > c->off || o->map < c->map)
		return false;
	return regsafe(o, c, idmap, exact, true) && check_ids(idmap, o->ref_id, c->ref_id);
}

/* Eight zero bytes, as bytes or as a spilled 0 that relates to nothing (no id, no loop). */
bool slot_known_zero(const struct stack_slot *s)
{
	int b;

	if (slot_spill_size(s) == 8)
		return reg_is_null(&s->spilled) && !s->spilled.id && !s->spilled.loop_id;
	for (b = 0; b < 8; b++)
		if (s->type[b] != STACK_ZERO)
			return false;
	return true;
}

/* live: the slots read later (an explored checkpoint's stack_read), all of them when unknown;
 * precise: the spilled scalars whose value matters (all of them when unknown). */
static bool stacksafe(const struct frame *old, const struct frame *cur, struct idmap *idmap,
		      bool exact, uint64_t live, uint64_t precise)
{
	int s, b;

	for (s = 0; s < STACK_SLOTS; s++) {
		const struct stack_slot *os = &old->stack[s], *cs = &cur->stack[s];

		int n = slot_spill_size(os);

		if (os->type[0] == STACK_ITER || cs->type[0] == STACK_ITER) {
			if (!itersafe(os, cs, idmap, exact))
				return false;
			continue;
		}
		/* No path from old read the slot before overwriting it: what it holds is dead. */
		if (!(live & (1ull << s)))
			continue;
		/* A spilled 0 and zero bytes read back alike (memory.c). */
		if (!exact && slot_known_zero(os) && slot_known_zero(cs))
			continue;

		if (n) {
			if (slot_spill_size(cs) != n || !regsafe(&os->spilled, &cs->spilled, idmap,
								 exact, precise & (1ull << s)))
				return false;
		}
		for (b = n; b < 8; b++) {
			uint8_t o = os->type[b], c = cs->type[b];

			if (exact && o != c)
				return false;
			/* A known byte holds its value only when the current one holds it too. */
			if (o == STACK_CONST && (c != STACK_CONST || os->val[b] != cs->val[b]))
				return false;
			if (o == STACK_INVALID || o == c)
				continue;
			if (o == STACK_MISC && (c == STACK_ZERO || c == STACK_CONST))
				continue;
			if (o == STACK_MISC && c == STACK_SPILL && cs->spilled.type == SCALAR)
				continue;
			return false;
		}
	}
	return true;
}

/* What a comparison looks at, per frame (NULL: everything). */
struct compare_masks {
	const uint64_t *live_stack;
	const uint16_t *prec_regs;
	const uint64_t *prec_stack;
};

static bool framesafe(struct venv *env, const struct frame *old, const struct frame *cur,
		      uint16_t live, const struct compare_masks *m, uint32_t f, struct idmap *idmap,
		      bool exact)
{
	uint16_t prec = m->prec_regs ? m->prec_regs[f] : UINT16_MAX;
	int i;

	if (old->callsite != cur->callsite)
		return false;
	for (i = 0; i < EBPF_NUM_REGS; i++) {
		if (!(live & (1u << i)))
			continue;
		if (!regsafe(&old->regs[i], &cur->regs[i], idmap, exact, prec & (1u << i)))
			return false;
	}
	return stacksafe(old, cur, idmap, exact, m->live_stack ? m->live_stack[f] : UINT64_MAX,
			 m->prec_stack ? m->prec_stack[f] : UINT64_MAX);
}

/*
 * old was checkpointed at the same instruction as cur. Registers that are dead from here on
 * (static liveness) are not compared; in caller frames only r6-r9 survive the return.
 */
/* The registers of a caller that matter while `callee` runs: r6-r9 live after the call, and
 * under a callback also r1-r5, with which the helper may call it again. */
static uint16_t caller_live(const struct venv *env, const struct frame *callee)
{
	uint16_t live = env->aux[callee->callsite + 1].live & 0x3c0;

	return callee->callback ? live | 0x3e : live;
}

/* m: the old state's slots read later and scalars needed precise, per frame (NULL: all of
 * them, as for a state still being explored, whose reads and needs are not all known yet). */
static bool states_compare(struct venv *env, const struct vstate *old, const struct vstate *cur,
			   bool exact, uint32_t loop_head, const struct compare_masks *m)
{
	static const struct compare_masks all = { NULL, NULL, NULL };
	struct idmap idmap = { .n = 0, .env = env, .loop_head = loop_head };
	uint32_t f, i;

	env->res->states_compared++;
	if (old->curframe != cur->curframe || old->nrefs != cur->nrefs)
		return false;
	/* A loop's invariant is compared with the walk outside it by its caller (loop.c). */
	if (loop_head == UINT32_MAX && old->walk != cur->walk)
		return false;
	/* Registers first: they differ far more often than the stack. */
	for (f = cur->curframe + 1; f-- > 0;) {
		uint16_t live;

		if (f == cur->curframe)
			live = env->aux[cur->insn].live;
		else
			live = caller_live(env, cur->frames[f + 1]);
		if (!framesafe(env, old->frames[f], cur->frames[f], live, m ? m : &all, f, &idmap,
			       exact))
			return false;
	}
	for (i = 0; i < old->nrefs; i++)
		if (old->ref_kind[i] != cur->ref_kind[i] ||
		    !check_ids(&idmap, old->refs[i], cur->refs[i]))
			return false;
	/* The same lock must be held: the value pointers' ids map onto each other. */
	if (old->lock_held != cur->lock_held)
		return false;
	return !old->lock_held ||
	       (old->lock_map == cur->lock_map && (old->lock_id == 0) == (cur->lock_id == 0) &&
		check_ids(&idmap, old->lock_id, cur->lock_id));
}

bool states_equal(struct venv *env, const struct vstate *old, const struct vstate *cur, bool exact)
{
	return states_compare(env, old, cur, exact, UINT32_MAX, NULL);
}

/* An explored checkpoint (every path from it finished) covers cur: its stack slots that no
 * path from it read are not compared, nor the ranges of its scalars no path needed precise. */
bool states_pruned_by(struct venv *env, const struct snode *node, const struct vstate *cur)
{
	struct compare_masks m = { node->stack_read, node->prec_regs, node->prec_stack };

	if (node->prec_all || env->in->precise_all) {
		m.prec_regs = NULL;
		m.prec_stack = NULL;
	}
	return states_compare(env, &node->st, cur, false, UINT32_MAX, &m);
}

bool states_covered(struct venv *env, const struct vstate *old, const struct vstate *cur,
		    uint32_t head)
{
	return states_compare(env, old, cur, false, head, NULL);
}

/* ---- stack liveness ---------------------------------------------------------------------------
 */

/* The slots the stack bytes [lo, hi) (offsets from the frame's top, negative) touch. */
uint64_t stack_slot_mask(int64_t lo, int64_t hi)
{
	int64_t first = (lo + EBPF_STACK_SIZE) / 8, last = (hi - 1 + EBPF_STACK_SIZE) / 8;
	uint64_t mask;

	if (first < 0)
		first = 0;
	if (last >= STACK_SLOTS)
		last = STACK_SLOTS - 1;
	if (hi <= lo || first > last)
		return 0;
	mask = last - first == 63 ? UINT64_MAX : ((1ull << (last - first + 1)) - 1);
	return mask << first;
}

/*
 * The current path reads `slots` of frame `frameno` (as Linux's mark_reg_read on stack slots):
 * every checkpoint of the path back to the one after which the path overwrote a slot whole
 * learns that its value there is read later. A checkpoint that already knew stops the walk up:
 * the same walk went on from it before.
 */
void stack_note_read(struct venv *env, uint32_t frameno, uint64_t slots)
{
	struct vstate *cur = env->cur;
	struct snode *node;

	slots &= ~cur->stack_written[frameno];
	for (node = cur->parent; node && slots; node = node->parent) {
		/* Before the frame existed (its call came later): nothing there to read. */
		if (node->st.curframe < frameno)
			break;
		slots &= ~node->stack_read[frameno];
		node->stack_read[frameno] |= slots;
		slots &= ~node->st.stack_written[frameno];
	}
}

/* The path ends where what follows is not all known (a state still being explored covers it, a
 * loop's measure reads every slot's relation to its head): any slot may be read. */
void stack_note_read_all(struct venv *env)
{
	uint32_t f;

	for (f = 0; f <= env->cur->curframe; f++)
		stack_note_read(env, f, UINT64_MAX);
}

/* The current path ends covered by an explored checkpoint: what paths from there read, this
 * path reads too (Linux's propagate_liveness). */
void stack_note_reads_of(struct venv *env, const struct snode *node)
{
	uint32_t f;

	for (f = 0; f <= env->cur->curframe && f <= node->st.curframe; f++)
		stack_note_read(env, f, node->stack_read[f]);
}

static uint64_t mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
	return h;
}

static uint64_t hash_reg(uint64_t h, const struct reg *r)
{
	h = mix(h, r->type);
	if (r->type == NOT_INIT)
		return h;
	h = mix(h, (uint64_t)r->off);
	h = mix(h, r->var.value);
	h = mix(h, r->var.mask);
	h = mix(h, r->umin);
	h = mix(h, r->umax);
	h = mix(h, (uint64_t)r->smin);
	return mix(h, (uint64_t)r->smax);
}

/* What states_equal(exact) compares of a stack: the byte types, the value of each spill and of
 * each constant byte. */
static uint64_t hash_stack(uint64_t h, const struct frame *fr)
{
	int s;

	for (s = 0; s < STACK_SLOTS; s++) {
		const struct stack_slot *slot = &fr->stack[s];
		uint64_t types, vals = 0;
		int b;

		if (slot->type[0] == STACK_SPILL)
			h = hash_reg(mix(h, STACK_SPILL), &slot->spilled);
		memcpy(&types, slot->type, sizeof(types));
		if (types)
			h = mix(h, types ^ (uint64_t)s << 56);
		for (b = 0; b < 8; b++)
			if (slot->type[b] == STACK_CONST)
				vals |= (uint64_t)slot->val[b] << (8 * b);
		if (vals)
			h = mix(h, vals);
	}
	return h;
}

/*
 * Equal states (as states_equal(exact) sees them) have equal hashes. The current frame's stack
 * is hashed too: a loop whose iterations differ only in a stack slot would otherwise put all of
 * its checkpoints in one bucket of the in-progress index. (Callers' stacks are not: they change
 * only through pointers, and a bucket that fills anyway costs a bounded number of comparisons,
 * is_state_visited.)
 */
uint64_t state_hash(struct venv *env, const struct vstate *st)
{
	const struct frame *fr = st->frames[st->curframe];
	uint16_t live = env->aux[st->insn].live;
	uint64_t h = st->curframe;
	uint32_t f;
	int i;

	for (i = 0; i < EBPF_NUM_REGS; i++)
		if (live & (1u << i))
			h = hash_reg(h, &fr->regs[i]);
	for (f = 0; f <= st->curframe; f++)
		h = mix(h, (uint64_t)st->frames[f]->callsite);
	return hash_stack(h, fr);
}

/* ---- references --------------------------------------------------------------------------- */

static const struct {
	const char *name; /* what the program holds */
	const char *how;  /* what gives it back */
} ref_kinds[] = {
	[REF_RINGBUF] = { "ring buffer reservation", "submit or discard it" },
	[REF_SOCKET] = { "socket reference", "release it with bpf_sk_release" },
	[REF_KFUNC] = { "kfunc reference", "release it with its releasing kfunc" },
};

int ref_acquire(struct venv *env, uint32_t idx, enum ref_kind kind, uint32_t *id)
{
	struct vstate *st = env->cur;

	if (st->nrefs == MAX_REFS)
		return verr(env, idx, -EACCES,
			    "too many references held at once (%d): %ss and others", MAX_REFS,
			    ref_kinds[kind].name);
	*id = ++env->id_gen;
	st->refs[st->nrefs] = *id;
	st->ref_kind[st->nrefs] = (uint8_t)kind;
	st->ref_insn[st->nrefs++] = idx;
	return 0;
}

bool ref_held(const struct vstate *st, uint32_t id)
{
	for (uint32_t i = 0; i < st->nrefs; i++)
		if (st->refs[i] == id)
			return true;
	return false;
}

void ref_forget(struct vstate *st, uint32_t id)
{
	for (uint32_t i = 0; i < st->nrefs; i++) {
		if (st->refs[i] != id)
			continue;
		st->nrefs--;
		st->refs[i] = st->refs[st->nrefs];
		st->ref_kind[i] = st->ref_kind[st->nrefs];
		st->ref_insn[i] = st->ref_insn[st->nrefs];
		return;
	}
}

int ref_check_none(struct venv *env, uint32_t idx, const char *what)
{
	const struct vstate *st = env->cur;

	if (!st->nrefs)
		return 0;
	if (!what)
		return verr_state(env, idx, -EACCES, "unreleased %s from insn %u: %s on every path",
				  ref_kinds[st->ref_kind[0]].name, st->ref_insn[0],
				  ref_kinds[st->ref_kind[0]].how);
	return verr_state(env, idx, -EACCES, "%s with an unreleased %s (from insn %u): %s first",
			  what, ref_kinds[st->ref_kind[0]].name, st->ref_insn[0],
			  ref_kinds[st->ref_kind[0]].how);
}

int ref_check_callback(struct venv *env, uint32_t idx, uint32_t id_base)
{
	const struct vstate *st = env->cur;

	for (uint32_t i = 0; i < st->nrefs; i++)
		if (st->refs[i] > id_base)
			return verr_state(env, idx, -EACCES,
					  "a callback returns holding the %s from insn %u: %s "
					  "inside the callback",
					  ref_kinds[st->ref_kind[i]].name, st->ref_insn[i],
					  ref_kinds[st->ref_kind[i]].how);
	return 0;
}
