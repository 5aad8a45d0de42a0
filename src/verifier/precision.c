// SPDX-License-Identifier: MIT
/*
 * Precision tracking (Linux's mark_chain_precision / backtrack_insn, rewritten for this walk).
 *
 * The rule: a scalar kept in a checkpoint is *imprecise* until some path from the checkpoint
 * needs its value; pruning compares an imprecise scalar of the explored checkpoint as "any
 * scalar" (its range and known bits are not compared, its links by id are). A value is needed
 * where the verifier's verdict depends on it (a "sink"): an offset added to a pointer, a
 * helper's or kfunc's scalar argument, a conditional jump decided by it or that refines a
 * pointer, a stack byte a helper reads, a callback's return value. From a sink the need is
 * carried back through the instructions of the current path (its history since the last
 * checkpoint, then each checkpoint's own history): `r1 = r2` hands the need of r1 to r2,
 * `r1 += r2` adds r2, a fill from the stack hands it to the slot, the spill before hands it to
 * the spilled register, a call hands a callee's arguments to the caller's r1-r5 and a return
 * the caller's r0 to the callee's. Each checkpoint on the way records what it needs precise;
 * the walk up stops at the first checkpoint that knew all of it already.
 *
 * A path pruned by an explored checkpoint needs what that checkpoint's paths needed: its marks
 * are carried back along the pruned path (Linux's propagate_precision). Where the future is not
 * all known (a checkpoint still being explored covers the path, a loop head whose measure and
 * invariants read every value) or where this file is unsure (a callback's entry or return, a
 * tail call's return, a refinement through links it did not record), every scalar of every
 * checkpoint up the path becomes precise: that is how pruning compared before, always sound.
 */
#include <stdlib.h>
#include <string.h>

#include "verifier_int.h"

enum {
	HIST_STACK = 1u << 0,	 /* a load/store/atomic touching the stack: sframe, slots */
	HIST_FULL = 1u << 1,	 /* ... an aligned 8-byte access at a constant offset */
	HIST_CALLBACK = 1u << 2, /* an exit from a callback's frame */
	HIST_FAR_LINK = 1u << 3, /* a jump on a scalar whose id a spill or another frame shares */
	HIST_FIRST = 1u << 4,	 /* the first instruction of the segment (after its checkpoint) */
};

#define R0_BIT	 1u
#define ARG_BITS 0x3eu /* r1-r5 */

/* What is needed precise, per frame: registers and stack slots (bit s: stack[s]). */
struct bt {
	uint16_t regs[EBPF_MAX_CALL_DEPTH];
	uint64_t stack[EBPF_MAX_CALL_DEPTH];
};

static bool bt_empty(const struct bt *s)
{
	uint32_t f;

	for (f = 0; f < EBPF_MAX_CALL_DEPTH; f++)
		if (s->regs[f] || s->stack[f])
			return false;
	return true;
}

/* ---- the history ---------------------------------------------------------------------------- */

void prec_hist_free(struct vstate *st)
{
	if (st->hist && st->mem)
		st->mem->bytes -= st->hist_cap * sizeof(*st->hist);
	free(st->hist);
	st->hist = NULL;
	st->hist_len = st->hist_cap = 0;
}

int prec_hist_copy(struct vstate *dst, const struct vstate *src)
{
	struct hist_ent *h = NULL;

	if (src->hist_len) {
		h = malloc(src->hist_len * sizeof(*h));
		if (!h)
			return -ENOMEM;
		memcpy(h, src->hist, src->hist_len * sizeof(*h));
	}
	prec_hist_free(dst);
	dst->hist = h;
	dst->hist_len = dst->hist_cap = src->hist_len;
	dst->hist_last = src->hist_last;
	if (h && dst->mem)
		dst->mem->bytes += dst->hist_cap * sizeof(*h);
	return 0;
}

/* The checkpoint node ends the current path's segment: it keeps the history that led to it. */
void prec_checkpoint(struct vstate *cur, struct snode *node)
{
	prec_hist_free(&node->st);
	node->st.hist = cur->hist;
	node->st.hist_len = cur->hist_len;
	node->st.hist_cap = cur->hist_cap;
	/* Kept as long as the checkpoint: no spare entries. */
	if (cur->hist_len && cur->hist_len < cur->hist_cap) {
		struct hist_ent *h = realloc(cur->hist, cur->hist_len * sizeof(*h));

		if (h) {
			cur->mem->bytes -= (cur->hist_cap - cur->hist_len) * sizeof(*h);
			node->st.hist = h;
			node->st.hist_cap = cur->hist_len;
		}
	}
	node->st.hist_last = cur->hist_last;
	cur->hist = NULL;
	cur->hist_len = cur->hist_cap = 0;
}

/* Registers of the current frame that share a scalar id with r (0: none). */
static uint16_t linked_regs(const struct vstate *st, const struct reg *r, bool *far)
{
	uint32_t f;
	uint16_t mask = 0;
	int i;

	if (r->type != SCALAR || !r->id)
		return 0;
	for (f = 0; f <= st->curframe; f++) {
		const struct frame *fr = st->frames[f];

		for (i = 0; i < EBPF_NUM_REGS; i++) {
			if (fr->regs[i].type != SCALAR || fr->regs[i].id != r->id)
				continue;
			if (f == st->curframe)
				mask |= 1u << i;
			else
				*far = true;
		}
		for (i = 0; i < STACK_SLOTS && !*far; i++)
			if (slot_spill_size(&fr->stack[i]) && fr->stack[i].spilled.type == SCALAR &&
			    fr->stack[i].spilled.id == r->id)
				*far = true;
	}
	return mask;
}

/* Which stack slots a load or store through a stack pointer touches. */
static void note_stack_access(const struct ebpf_inst *insn, const struct reg *ptr,
			      struct hist_ent *e)
{
	int size = isa_mem_size(insn->code);
	int64_t lo, hi;
	uint64_t mask;

	if (ptr->type != PTR_TO_STACK || ptr->smin <= -MAX_VAR_OFF || ptr->smax >= MAX_VAR_OFF)
		return;
	lo = (int64_t)ptr->off + insn->off + ptr->smin;
	hi = (int64_t)ptr->off + insn->off + ptr->smax + size;
	if (lo < -EBPF_STACK_SIZE || hi > 0)
		return; /* refused by the access itself */
	mask = stack_slot_mask(lo, hi);
	if (!mask)
		return;
	e->flags |= HIST_STACK;
	e->sframe = ptr->frameno;
	e->slot_lo = (uint8_t)__builtin_ctzll(mask);
	e->slot_hi = (uint8_t)(63 - __builtin_clzll(mask));
	if (size == 8 && lo % 8 == 0 && ptr->smin == ptr->smax)
		e->flags |= HIST_FULL;
}

/* What backtracking needs of instruction idx, about to run on the current path, in e. */
static void hist_describe(struct venv *env, uint32_t idx, struct hist_ent *e)
{
	const struct ebpf_inst *insn = &env->insns[idx];
	const struct reg *regs = cur_regs(env);
	bool far = false;

	switch (EBPF_CLASS(insn->code)) {
	case EBPF_CLS_LDX:
		if (insn->src_reg < EBPF_NUM_REGS)
			note_stack_access(insn, &regs[insn->src_reg], e);
		break;
	case EBPF_CLS_ST:
	case EBPF_CLS_STX:
		/* A load-acquire addresses memory through src, as ldx does. */
		if (isa_is_load_acquire(insn) && insn->src_reg < EBPF_NUM_REGS)
			note_stack_access(insn, &regs[insn->src_reg], e);
		else if (insn->dst_reg < EBPF_NUM_REGS)
			note_stack_access(insn, &regs[insn->dst_reg], e);
		break;
	case EBPF_CLS_JMP:
	case EBPF_CLS_JMP32:
		if (insn->code == EBPF_OP_EXIT && cur_frame(env)->callback)
			e->flags |= HIST_CALLBACK;
		if (EBPF_OP(insn->code) == EBPF_JMP_JA || EBPF_OP(insn->code) == EBPF_JMP_CALL ||
		    EBPF_OP(insn->code) == EBPF_JMP_EXIT || EBPF_OP(insn->code) == EBPF_JMP_JCOND ||
		    insn->dst_reg >= EBPF_NUM_REGS)
			break;
		e->linked = linked_regs(env->cur, &regs[insn->dst_reg], &far);
		if (EBPF_SRC(insn->code) == EBPF_SRC_X && insn->src_reg < EBPF_NUM_REGS)
			e->linked |= linked_regs(env->cur, &regs[insn->src_reg], &far);
		if (far)
			e->flags |= HIST_FAR_LINK;
		break;
	default:
		break;
	}
}

/* A call or exit moves between frames: always recorded, so that the frame of an instruction
 * without an entry is the frame of the one after it. */
static bool changes_frame(const struct ebpf_inst *insn)
{
	return insn->code == EBPF_OP_CALL || insn->code == EBPF_OP_EXIT;
}

/*
 * Instruction idx is about to run on the current path: recorded when backtracking cannot infer
 * it (Linux's jump history). Any other instruction ran right after idx - 1, in the same frame,
 * and needs nothing of the state.
 */
int prec_record(struct venv *env, uint32_t idx)
{
	struct vstate *st = env->cur;
	struct hist_ent e = { .idx = idx, .prev = st->hist_last, .frame = (uint8_t)st->curframe };

	if (!st->hist_len)
		e.flags |= HIST_FIRST;
	hist_describe(env, idx, &e);
	st->hist_last = idx;
	if (!e.flags && !e.linked && e.prev + 1 == idx && !changes_frame(&env->insns[idx]))
		return 0;
	if (st->hist_len == st->hist_cap) {
		uint32_t cap = st->hist_cap ? st->hist_cap * 2 : 4;
		struct hist_ent *h = realloc(st->hist, cap * sizeof(*h));

		if (!h)
			return -ENOMEM;
		st->mem->bytes += (cap - st->hist_cap) * sizeof(*h);
		st->hist = h;
		st->hist_cap = cap;
	}
	st->hist[st->hist_len++] = e;
	return 0;
}

/* ---- backtracking one instruction ---------------------------------------------------------- */

static uint64_t hist_slots(const struct hist_ent *e)
{
	uint32_t n = e->slot_hi - e->slot_lo + 1u;

	return (n >= 64 ? UINT64_MAX : (1ull << n) - 1) << e->slot_lo;
}

/* A call or a return between frames f (where e ran) and after. */
static bool bt_frame_change(const struct ebpf_inst *insn, const struct hist_ent *e, uint32_t after,
			    struct bt *s)
{
	uint32_t f = e->frame;

	if (insn->code == EBPF_OP_CALL && insn->src_reg == EBPF_CALL_LOCAL && after == f + 1) {
		/* The callee's r1-r5 are the caller's; nothing else of it existed before. */
		s->regs[f] |= s->regs[after] & ARG_BITS;
		s->regs[after] = 0;
		s->stack[after] = 0;
		return true;
	}
	if (insn->code == EBPF_OP_EXIT && !(e->flags & HIST_CALLBACK) && after + 1 == f) {
		/* The caller's r0 is the callee's; its r1-r5 were clobbered by the call. */
		s->regs[f] = s->regs[after] & R0_BIT;
		s->stack[f] = 0;
		s->regs[after] &= ~(R0_BIT | ARG_BITS);
		return true;
	}
	return false; /* a callback's entry or return, a tail call's return */
}

static void bt_store(const struct ebpf_inst *insn, const struct hist_ent *e, struct bt *s,
		     uint16_t *r)
{
	uint64_t slots;

	if (!(e->flags & HIST_STACK))
		return;
	slots = hist_slots(e);
	if (!(s->stack[e->sframe] & slots))
		return;
	/* A whole slot overwritten holds the stored value only; a narrower store keeps the
	 * slot's other bytes (and turns a spilled constant into known bytes): both needed. */
	if (e->flags & HIST_FULL)
		s->stack[e->sframe] &= ~slots;
	if (EBPF_CLASS(insn->code) == EBPF_CLS_STX)
		*r |= 1u << insn->src_reg;
}

/* A load: its dst needed makes the stack bytes it read needed instead. */
static void bt_load(const struct hist_ent *e, struct bt *s, uint16_t *r, uint16_t dst)
{
	if (!(*r & dst))
		return;
	*r &= ~dst;
	if (e->flags & HIST_STACK)
		s->stack[e->sframe] |= hist_slots(e);
}

static bool bt_jmp(const struct ebpf_inst *insn, const struct hist_ent *e, uint16_t *r)
{
	uint16_t ops;

	switch (EBPF_OP(insn->code)) {
	case EBPF_JMP_JA:
	case EBPF_JMP_JCOND:
		return true;
	case EBPF_JMP_CALL:
		if (insn->src_reg == EBPF_CALL_LOCAL)
			return false;
		/* A helper's result depends on no register the sinks did not already mark (its
		 * constant size arguments); r1-r5 are clobbered. */
		*r &= ~(R0_BIT | ARG_BITS);
		return true;
	case EBPF_JMP_EXIT:
		return false; /* the program's exit ends a path: never inside a history */
	default:
		break;
	}
	/* A jump refines its operands from each other, and every register linked to them. A
	 * spill or another frame's register linked to them is refined too, and whether it is
	 * needed here is not known (it may be needed only later, after a fill or a return):
	 * unsure whatever is needed. */
	if (e->flags & HIST_FAR_LINK)
		return false;
	ops = (uint16_t)(1u << insn->dst_reg) | e->linked;
	if (EBPF_SRC(insn->code) == EBPF_SRC_X)
		ops |= (uint16_t)(1u << insn->src_reg);
	if (*r & ops)
		*r |= ops;
	return true;
}

/*
 * s holds what is needed after the instruction of e (in frame `after`); turns it into what is
 * needed before it. false: unsure (the caller marks everything).
 */
static bool bt_insn(struct venv *env, const struct hist_ent *e, uint32_t after, struct bt *s)
{
	const struct ebpf_inst *insn = &env->insns[e->idx];
	uint16_t *r = &s->regs[e->frame], dst = (uint16_t)(1u << insn->dst_reg),
		 src = (uint16_t)(1u << insn->src_reg);
	uint8_t op = EBPF_OP(insn->code);

	if (insn->dst_reg >= EBPF_NUM_REGS || insn->src_reg >= EBPF_NUM_REGS)
		return false;
	if (after != e->frame)
		return bt_frame_change(insn, e, after, s);
	switch (EBPF_CLASS(insn->code)) {
	case EBPF_CLS_ALU:
	case EBPF_CLS_ALU64:
		if (!(*r & dst) || op == EBPF_ALU_NEG || op == EBPF_ALU_END)
			return true;
		if (op == EBPF_ALU_MOV)
			*r &= ~dst;
		if (EBPF_SRC(insn->code) == EBPF_SRC_X)
			*r |= src;
		return true;
	case EBPF_CLS_LDX:
		bt_load(e, s, r, dst);
		return true;
	case EBPF_CLS_ST:
		bt_store(insn, e, s, r);
		return true;
	case EBPF_CLS_STX:
		/* Load-acquire and store-release move values as ldx and stx do (Linux's
		 * backtrack_insn treats an atomic load as BPF_LDX). */
		if (isa_is_load_acquire(insn)) {
			bt_load(e, s, r, dst);
			return true;
		}
		if (EBPF_MODE(insn->code) != EBPF_MODE_ATOMIC || isa_is_store_release(insn)) {
			bt_store(insn, e, s, r);
			return true;
		}
		/* An atomic reads and writes its slot, its source and r0 (cmpxchg): whatever
		 * is needed of one keeps all of them needed. */
		if ((*r & (src | R0_BIT)) ||
		    ((e->flags & HIST_STACK) && (s->stack[e->sframe] & hist_slots(e)))) {
			*r |= src | R0_BIT;
			if (e->flags & HIST_STACK)
				s->stack[e->sframe] |= hist_slots(e);
		}
		return true;
	case EBPF_CLS_LD:
		if (insn->code == EBPF_OP_LDDW)
			*r &= ~dst;
		else
			*r &= ~(R0_BIT | ARG_BITS); /* ld_abs/ld_ind: r0 from the packet */
		return true;
	default:
		return bt_jmp(insn, e, r);
	}
}

/* ---- marking checkpoints -------------------------------------------------------------------- */

/* Every scalar of every checkpoint up the current path is needed (compared as before). */
void prec_mark_all(struct venv *env)
{
	struct snode *node;

	for (node = env->cur->parent; node && !node->prec_all; node = node->parent)
		node->prec_all = true;
}

/* Records s on node, keeping in s only the scalars node did not know were needed. */
static bool bt_mark_node(struct snode *node, struct bt *s)
{
	uint32_t f;
	int i;

	for (f = 0; f < EBPF_MAX_CALL_DEPTH; f++) {
		const struct frame *fr;

		if (f > node->st.curframe) {
			if (s->regs[f] || s->stack[f])
				return false;
			continue;
		}
		fr = node->st.frames[f];
		/* Pointers and byte-typed slots are always compared: not tracked further. */
		for (i = 0; i < EBPF_NUM_REGS; i++)
			if (fr->regs[i].type != SCALAR)
				s->regs[f] &= (uint16_t) ~(1u << i);
		for (i = 0; i < STACK_SLOTS; i++)
			if ((s->stack[f] & (1ull << i)) && (!slot_spill_size(&fr->stack[i]) ||
							    fr->stack[i].spilled.type != SCALAR))
				s->stack[f] &= ~(1ull << i);
		s->regs[f] &= (uint16_t)~node->prec_regs[f];
		s->stack[f] &= ~node->prec_stack[f];
		node->prec_regs[f] |= s->regs[f];
		node->prec_stack[f] |= s->stack[f];
	}
	return true;
}

/*
 * Undoes the segment h[0..n) backwards from instruction p (the last one run in it; `after`: the
 * frame after it). An instruction without an entry ran right after the one before it, in the
 * frame of the one after it (calls and exits have entries): an entry with the same index at
 * the top is p's own, as the instructions after an earlier one without entries only went
 * forward. Returns 1 when the segment's start is reached with s not empty, 0 when s emptied,
 * -1 when unsure.
 */
static int bt_segment(struct venv *env, const struct hist_ent *h, uint32_t n, uint32_t p,
		      uint32_t after, struct bt *s)
{
	for (;;) {
		struct hist_ent plain = { .idx = p, .frame = (uint8_t)after };
		const struct hist_ent *e = n && h[n - 1].idx == p ? &h[--n] : &plain;

		if (p >= env->count || !bt_insn(env, e, after, s))
			return -1;
		if (bt_empty(s))
			return 0;
		after = e->frame;
		if (e->flags & HIST_FIRST)
			return 1;
		if (e == &plain && !p)
			return -1;
		p = e == &plain ? p - 1 : e->prev;
	}
}

/* Carries s (needed before the next instruction of the current path, or before the one being
 * checked) back up the path. */
static void backtrack(struct venv *env, struct bt *s)
{
	struct vstate *st = env->cur;
	const struct hist_ent *h = st->hist;
	uint32_t n = st->hist_len, p = st->hist_last, after = st->curframe;
	struct snode *node = st->parent;
	int r = 1;

	/* Inside an instruction's check: what is needed is its input, before its own entry. */
	if (env->prec_in_insn && n) {
		const struct hist_ent *e = h[n - 1].idx == p ? &h[--n] : NULL;

		if (e && (e->flags & HIST_FIRST)) {
			n = 0;
		} else if (e) {
			after = e->frame;
			p = e->prev;
		} else {
			p--;
		}
	}
	if (n)
		r = bt_segment(env, h, n, p, after, s);
	while (r == 1) {
		if (!node || node->prec_all)
			return;
		if (!bt_mark_node(node, s))
			break;
		if (bt_empty(s))
			return;
		/* No instruction between the checkpoint and its parent (a loop head's invariant
		 * and checkpoint): the same needs. */
		if (node->st.hist_len)
			r = bt_segment(env, node->st.hist, node->st.hist_len, node->st.hist_last,
				       node->st.curframe, s);
		node = node->parent;
	}
	if (r < 0)
		prec_mark_all(env);
}

/* A sink: the value of register regno of the current frame decides the verdict. */
void prec_mark_reg(struct venv *env, int regno)
{
	struct bt s = { 0 };

	if (regno < 0 || regno >= EBPF_NUM_REGS || cur_regs(env)[regno].type != SCALAR)
		return;
	s.regs[env->cur->curframe] = (uint16_t)(1u << regno);
	backtrack(env, &s);
}

/* A sink: the spilled values in `slots` of frame frameno are read as values (by a helper). */
void prec_mark_slots(struct venv *env, uint32_t frameno, uint64_t slots)
{
	struct bt s = { 0 };

	if (frameno > env->cur->curframe || !slots)
		return;
	s.stack[frameno] = slots;
	backtrack(env, &s);
}

/* The current path is pruned by the explored checkpoint node: it needs what node's paths did. */
void prec_propagate(struct venv *env, const struct snode *node)
{
	struct bt s = { 0 };
	uint32_t f;

	if (node->prec_all) {
		prec_mark_all(env);
		return;
	}
	for (f = 0; f <= node->st.curframe && f < EBPF_MAX_CALL_DEPTH; f++) {
		s.regs[f] = node->prec_regs[f];
		s.stack[f] = node->prec_stack[f];
	}
	if (!bt_empty(&s))
		backtrack(env, &s);
}

/*
 * Sinks of a conditional jump, given its operands before it: a decided jump (one side only
 * walked) needs both; so does a comparison involving a pointer (a null check against a register
 * holding 0) or a packet length (its bound proves packet bytes). A scalar that relates to a loop
 * head (loop.c) refines others through that relation, which is not recorded: everything.
 */
void prec_cond_jmp(struct venv *env, const struct ebpf_inst *insn, const struct reg *dst,
		   const struct reg *src, bool one_side)
{
	bool x = EBPF_SRC(insn->code) == EBPF_SRC_X;

	if ((dst->type == SCALAR && dst->loop_id) || (x && src->type == SCALAR && src->loop_id)) {
		prec_mark_all(env);
		return;
	}
	if (!one_side && dst->type == SCALAR && (!x || src->type == SCALAR) &&
	    !reg_pkt_len_linked(dst) && !(x && reg_pkt_len_linked(src)))
		return;
	if (dst->type == SCALAR)
		prec_mark_reg(env, insn->dst_reg);
	if (x && src->type == SCALAR)
		prec_mark_reg(env, insn->src_reg);
}
