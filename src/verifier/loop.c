// SPDX-License-Identifier: MIT
/*
 * Loops by abstraction, not by unrolling.
 *
 * A loop head (the target of a back-edge, cfg.c) is first walked exactly, iteration by
 * iteration, as the rest of the verifier does: small loops stay precise. After a few iterations
 * along a path the state at the head is joined with the one of an earlier iteration and widened
 * (bounds that grow jump to the next constant the loop compares against, then to the type's
 * limits): the *invariant*. The walk goes on from it, and a state that comes back to the head
 * within an invariant is done; one that does not is joined and widened again (a fresh walk),
 * until the invariant is stable. The invariant covers every state the loop can reach at its
 * head, so every access in the body is checked against the widened ranges.
 *
 * Covering a state with an invariant still being explored (an ancestor) proves safety, not
 * termination. Each walk from an invariant therefore tags the scalars of the frame (registers
 * and spills) with their own slot and delta 0, and the ALU keeps the delta through moves,
 * spills and constant additions (loop_track_alu); any other change drops the tag. Every time a
 * walk comes back to its head, some slot must have moved by a constant, nonzero step in the
 * same direction on every path so far, without wrapping from where the invariant allows it to
 * start: a ranking function. The union of the invariants' ranges bounds the number of
 * iterations; above LOOP_MAX_TRIPS the loop is refused as unbounded. Pruning inside a walk
 * only compares with states of the same walk in the same relation to the head (state.c), so a
 * path cannot escape the measure through an earlier, exactly walked iteration.
 *
 * A loop's body is its natural loop: the head and every instruction that reaches one of its
 * back-edges without passing the head, wherever clang laid it out (a branch moved after the
 * back-edge, a rotated loop whose head follows its latch). Only loops entered through the head
 * alone are walked so; the others (irreducible ones) are walked exactly.
 */
#include <stdlib.h>
#include <string.h>

#include "verifier_int.h"

#define LOOP_EXACT_VISITS   8	       /* checkpoints at the head walked exactly, per entry */
#define LOOP_CHAIN_MAX	    256	       /* checkpoints looked at when counting them */
#define LOOP_UNBOUNDED_WALK 6	       /* past this walk, growing bounds go to type limits */
#define LOOP_MAX_WALKS	    12	       /* per entry; then the head is walked exactly again */
#define LOOP_MAX_TRIPS	    (1u << 24) /* iterations a measure may allow */
#define LOOP_MAX_STEP	    (1ll << 32)
#define LOOP_THRESHOLDS	    96
#define LOOP_SLOTS	    (EBPF_NUM_REGS + STACK_SLOTS)

enum measure_state { M_UNSEEN = 0, M_UP, M_DOWN, M_DEAD };

/* A candidate ranking function: one slot, in one order (unsigned or signed). */
struct measure {
	uint8_t state;
	uint64_t lo, hi; /* hull of the ranges it starts iterations from (signed as int64) */
	uint64_t step;	 /* least |delta| seen */
};

struct loop {
	uint32_t head, last; /* last: the last back-edge, for messages */
	uint32_t *iv, niv;   /* the body, sorted ranges [iv[2k], iv[2k + 1]] */
	bool simple;	     /* entered only through the head */
	struct snode *inv;   /* invariants, by inv_next */
	int64_t thr[LOOP_THRESHOLDS];
	uint32_t nthr;
	struct measure m[2][LOOP_SLOTS];
	uint64_t trips; /* largest trip bound that made a candidate fail (diagnostic) */
};

struct loop_walk {
	struct snode *node;
	uint32_t head;
	uint32_t parent; /* the walk this one started in, 0 */
	uint32_t frame;	 /* the frame the loop runs in */
	const struct loop *lp;
	uint32_t gen; /* walks of the loop since the path entered it, this one included */
};

uint32_t loop_walk_head(const struct venv *env, uint32_t walk)
{
	return walk && walk <= env->walk_count ? env->walks[walk - 1].head : UINT32_MAX;
}

/* ---- the loop's range and constants --------------------------------------------------------- */

static bool in_body(const struct loop *lp, uint32_t insn)
{
	uint32_t lo = 0, hi = lp->niv;

	while (lo < hi) {
		uint32_t mid = (lo + hi) / 2;

		if (insn < lp->iv[2 * mid])
			hi = mid;
		else if (insn > lp->iv[2 * mid + 1])
			lo = mid + 1;
		else
			return true;
	}
	return false;
}

/* The first instruction of the body after i, or UINT32_MAX. */
static uint32_t next_in_body(const struct loop *lp, uint32_t i)
{
	for (uint32_t k = 0; k < lp->niv; k++)
		if (lp->iv[2 * k] > i)
			return lp->iv[2 * k];
	return UINT32_MAX;
}

static void add_threshold(struct loop *lp, int64_t v)
{
	uint32_t i;

	for (i = 0; i < lp->nthr; i++)
		if (lp->thr[i] == v)
			return;
	if (lp->nthr < LOOP_THRESHOLDS)
		lp->thr[lp->nthr++] = v;
}

/* The constants the body compares with (either side of the bound) or assigns. */
static void collect_thresholds(struct venv *env, struct loop *lp)
{
	uint32_t i;

	add_threshold(lp, 0);
	for (i = 0; i < env->count; i++) {
		const struct ebpf_inst *insn = &env->insns[i];

		if (!in_body(lp, i)) {
			i = next_in_body(lp, i);
			if (i >= env->count)
				break;
			insn = &env->insns[i];
		}
		uint8_t cls = EBPF_CLASS(insn->code), op = EBPF_OP(insn->code);
		bool jmp = (cls == EBPF_CLS_JMP || cls == EBPF_CLS_JMP32) && op != EBPF_JMP_JA &&
			   op != EBPF_JMP_CALL && op != EBPF_JMP_EXIT;

		if (EBPF_SRC(insn->code) != EBPF_SRC_K)
			continue;
		if (jmp) {
			add_threshold(lp, (int64_t)insn->imm - 1);
			add_threshold(lp, insn->imm);
			add_threshold(lp, (int64_t)insn->imm + 1);
		} else if ((cls == EBPF_CLS_ALU || cls == EBPF_CLS_ALU64) && op == EBPF_ALU_MOV) {
			add_threshold(lp, insn->imm);
		}
	}
}

/* The bounds of r that did not move since the earlier state (a bound growing with the counter
 * would only make each widening a step of one). */
static void add_bound_thresholds(struct loop *lp, const struct reg *r, const struct reg *old)
{
	if (r->type != SCALAR || old->type != SCALAR)
		return;
	if (r->umax < (uint64_t)INT64_MAX && r->umax == old->umax) {
		add_threshold(lp, (int64_t)r->umax - 1);
		add_threshold(lp, (int64_t)r->umax);
		add_threshold(lp, (int64_t)r->umax + 1);
	}
	if (r->smin > INT64_MIN + 1 && r->smin == old->smin) {
		add_threshold(lp, r->smin + 1);
		add_threshold(lp, r->smin);
		add_threshold(lp, r->smin - 1);
	}
}

/*
 * Registers the body compares with each other often hold a bound set before the loop (a limit
 * in a register, a length checked against a constant): their bounds at the head are
 * thresholds for this join as the body's constants are, so that the invariant stops at the
 * bound the guard implies instead of the type's limit. Returns how many thresholds the loop
 * had before, for drop_state_thresholds. Thresholds only choose where widening stops: the walk
 * from the invariant still has to come back within it.
 */
static uint32_t add_state_thresholds(struct venv *env, struct loop *lp, const struct vstate *old)
{
	const struct reg *regs = cur_frame(env)->regs, *olds = old->frames[old->curframe]->regs;
	uint32_t before = lp->nthr, k, i;

	for (k = 0; k < lp->niv; k++) {
		for (i = lp->iv[2 * k]; i <= lp->iv[2 * k + 1]; i++) {
			const struct ebpf_inst *insn = &env->insns[i];
			uint8_t cls = EBPF_CLASS(insn->code), op = EBPF_OP(insn->code);

			if ((cls != EBPF_CLS_JMP && cls != EBPF_CLS_JMP32) ||
			    EBPF_SRC(insn->code) != EBPF_SRC_X || op == EBPF_JMP_JA ||
			    op == EBPF_JMP_CALL || op == EBPF_JMP_EXIT ||
			    insn->dst_reg >= EBPF_NUM_REGS || insn->src_reg >= EBPF_NUM_REGS)
				continue;
			add_bound_thresholds(lp, &regs[insn->dst_reg], &olds[insn->dst_reg]);
			add_bound_thresholds(lp, &regs[insn->src_reg], &olds[insn->src_reg]);
		}
	}
	return before;
}

/* Is the edge from p to head a back-edge of the CFG's depth-first search? */
static bool is_latch(struct venv *env, uint32_t p, uint32_t head)
{
	uint32_t succ[2];
	int n = cfg_successors(env, p, succ);

	return (n > 0 && succ[0] == head && (env->aux[p].flags & INSN_BACK_S0)) ||
	       (n > 1 && succ[1] == head && (env->aux[p].flags & INSN_BACK_S1));
}

/* The natural loop: the head and what reaches one of its back-edges without passing it. */
static int mark_natural_loop(struct venv *env, uint32_t head, uint32_t base, uint8_t *mark)
{
	uint32_t n = env->subprogs[env->aux[head].subprog].end - base;
	uint32_t *stack = malloc((n + 1) * sizeof(uint32_t)), sp = 0, i, p;

	if (!stack)
		return -ENOMEM;
	mark[head - base] = 1;
	for (p = env->pred_off[head]; p < env->pred_off[head + 1]; p++) {
		uint32_t q = env->preds[p];

		if (!mark[q - base] && is_latch(env, q, head)) {
			mark[q - base] = 1;
			stack[sp++] = q;
		}
	}
	while (sp) {
		i = stack[--sp];
		for (p = env->pred_off[i]; p < env->pred_off[i + 1]; p++) {
			uint32_t q = env->preds[p];

			if (mark[q - base])
				continue;
			mark[q - base] = 1;
			stack[sp++] = q;
		}
	}
	free(stack);
	return 0;
}

/*
 * The loop's body (its natural loop), kept as sorted ranges of instructions. Abstracted only
 * when the head is its one entry, that is when the head dominates its back-edges: else the
 * walk back from a back-edge reaches the start of the function without passing the head (a
 * jump into the middle: irreducible loops are walked exactly).
 */
static int loop_body(struct venv *env, struct loop *lp)
{
	const struct subprog *sp = &env->subprogs[env->aux[lp->head].subprog];
	uint32_t base = sp->start, n = sp->end - sp->start, i, *iv;
	uint8_t *mark = calloc(n, 1);
	int err = -ENOMEM;

	if (!mark)
		return -ENOMEM;
	if (mark_natural_loop(env, lp->head, base, mark))
		goto out;
	lp->simple = lp->head == base || !mark[0];
	for (i = 0; i < n; i++) {
		if (!mark[i])
			continue;
		if (!lp->niv || lp->iv[2 * lp->niv - 1] + 1 != base + i) {
			iv = realloc(lp->iv, (lp->niv + 1) * 2 * sizeof(uint32_t));
			if (!iv)
				goto out;
			lp->iv = iv;
			lp->iv[2 * lp->niv] = base + i;
			lp->niv++;
		}
		lp->iv[2 * lp->niv - 1] = base + i;
	}
	err = 0;
out:
	free(mark);
	return err;
}

static struct loop *loop_find(struct venv *env, uint32_t head)
{
	uint32_t i;

	for (i = 0; i < env->loop_count; i++)
		if (env->loops[i]->head == head)
			return env->loops[i];
	return NULL;
}

static struct loop *loop_get(struct venv *env, uint32_t head)
{
	struct loop *lp = loop_find(env, head), **loops;

	if (lp)
		return lp;
	loops = realloc(env->loops, (env->loop_count + 1) * sizeof(*loops));
	if (!loops)
		return NULL;
	env->loops = loops;
	lp = calloc(1, sizeof(*lp));
	if (!lp)
		return NULL;
	env->mem.bytes += sizeof(*lp);
	lp->head = head;
	lp->last = env->aux[head].back_edge_from;
	env->loops[env->loop_count++] = lp;
	if (loop_body(env, lp))
		return NULL;
	if (lp->simple)
		collect_thresholds(env, lp);
	return lp;
}

/* Did the path come to `to`, a loop head, by one of its back-edges (from inside its loop)? The
 * CFG's depth-first search marked them; a loop laid out with its head after the back-edge (clang
 * rotates loops so) has them jumping forward. */
bool loop_edge_is_back(struct venv *env, uint32_t from, uint32_t to)
{
	return from != UINT32_MAX && is_latch(env, from, to);
}

/* ---- walks ---------------------------------------------------------------------------------- */

/* The walk of `head` this path is in, 0. */
static uint32_t walk_of(const struct venv *env, uint32_t walk, uint32_t head)
{
	while (walk && env->walks[walk - 1].head != head)
		walk = env->walks[walk - 1].parent;
	return walk;
}

static bool walk_active(const struct venv *env, uint32_t walk, uint32_t id)
{
	for (; walk; walk = env->walks[walk - 1].parent)
		if (walk == id)
			return true;
	return false;
}

static int walk_new(struct venv *env, struct snode *node, const struct loop *lp, uint32_t parent,
		    uint32_t gen)
{
	if (env->walk_count == env->walk_cap) {
		uint32_t cap = env->walk_cap ? env->walk_cap * 2 : 16;
		struct loop_walk *w = realloc(env->walks, cap * sizeof(*w));

		if (!w)
			return -ENOMEM;
		env->walks = w;
		env->walk_cap = cap;
	}
	env->walks[env->walk_count++] =
	    (struct loop_walk){ node, lp->head, parent, node->st.curframe, lp, gen };
	return (int)env->walk_count;
}

static struct reg *slot_reg(struct frame *fr, uint32_t slot)
{
	if (slot < EBPF_NUM_REGS)
		return &fr->regs[slot];
	/* An iterator's values left: the measure of a loop over bpf_iter_num_next (iter.c). */
	if (fr->stack[slot - EBPF_NUM_REGS].type[0] != STACK_SPILL &&
	    fr->stack[slot - EBPF_NUM_REGS].type[0] != STACK_ITER)
		return NULL;
	return &fr->stack[slot - EBPF_NUM_REGS].spilled;
}

/* Every scalar of the frame not related to a walk still in progress: its own slot, delta 0. */
static void tag_scalars(struct venv *env, uint32_t walk)
{
	struct frame *fr = cur_frame(env);
	uint32_t slot;

	for (slot = 0; slot < LOOP_SLOTS; slot++) {
		struct reg *r = slot_reg(fr, slot);

		if (slot == EBPF_REG_FP || !r || r->type != SCALAR)
			continue;
		if (r->loop_id && walk_active(env, env->cur->walk, r->loop_id))
			continue;
		r->loop_id = walk;
		r->loop_origin = (uint16_t)slot;
		r->loop_delta = 0;
	}
}

struct untag_arg {
	const struct venv *env;
	uint32_t walk;
};

static void untag_ended(struct reg *r, void *arg)
{
	const struct untag_arg *a = arg;

	if (r->loop_id && !walk_active(a->env, a->walk, r->loop_id)) {
		r->loop_id = 0;
		r->loop_origin = 0;
		r->loop_delta = 0;
	}
}

/*
 * The path left the range of the loop it was walking (it can come back only through the
 * head, as an entry): its walk is over, and so are the relations to that loop's head, which
 * would only keep the states after the loop from pruning each other.
 */
void loop_path_moved(struct venv *env)
{
	struct vstate *st = env->cur;
	uint32_t walk = st->walk;

	while (walk) {
		const struct loop_walk *w = &env->walks[walk - 1];

		if (st->curframe > w->frame ||
		    (st->curframe == w->frame && in_body(w->lp, st->insn)))
			break;
		walk = w->parent;
	}
	if (walk == st->walk)
		return;
	st->walk = walk;
	state_foreach_reg(st, untag_ended, &(struct untag_arg){ env, walk });
}

/* ---- the measure ---------------------------------------------------------------------------- */

static bool no_wrap(const struct reg *old, int64_t d, int order)
{
	if (order == 0)
		return d > 0 ? old->umax <= UINT64_MAX - (uint64_t)d : old->umin >= (uint64_t)-d;
	return d > 0 ? old->smax <= INT64_MAX - d : old->smin >= INT64_MIN - d;
}

static uint64_t span(const struct measure *m, int order)
{
	if (order == 0)
		return m->hi - m->lo;
	return (uint64_t)((int64_t)m->hi) - (uint64_t)((int64_t)m->lo);
}

static void hull(struct measure *m, const struct reg *old, int order, bool first)
{
	if (order == 0) {
		if (first || old->umin < m->lo)
			m->lo = old->umin;
		if (first || old->umax > m->hi)
			m->hi = old->umax;
		return;
	}
	if (first || old->smin < (int64_t)m->lo)
		m->lo = (uint64_t)old->smin;
	if (first || old->smax > (int64_t)m->hi)
		m->hi = (uint64_t)old->smax;
}

/* One candidate against one iteration: still a ranking function? */
static void measure_step(struct loop *lp, struct measure *m, const struct reg *old,
			 const struct reg *cur, uint32_t walk, uint32_t slot, int order)
{
	bool first = m->state == M_UNSEEN;
	uint64_t trips;
	uint8_t dir;
	int64_t d;

	if (!old || !cur || old->type != SCALAR || cur->type != SCALAR || cur->loop_id != walk ||
	    cur->loop_origin != slot) {
		m->state = M_DEAD;
		return;
	}
	d = (int64_t)cur->loop_delta;
	dir = d > 0 ? M_UP : M_DOWN;
	if (!d || d > LOOP_MAX_STEP || d < -LOOP_MAX_STEP || (!first && m->state != dir) ||
	    !no_wrap(old, d, order)) {
		m->state = M_DEAD;
		return;
	}
	hull(m, old, order, first);
	if (first || (uint64_t)(d < 0 ? -d : d) < m->step)
		m->step = (uint64_t)(d < 0 ? -d : d);
	m->state = dir;
	trips = span(m, order) / m->step;
	if (trips >= LOOP_MAX_TRIPS) {
		if (trips > lp->trips)
			lp->trips = trips;
		m->state = M_DEAD;
	}
}

static int measure_error(struct venv *env, struct loop *lp)
{
	env->measure_failed = true;
	if (lp->trips)
		return verr_state(env, lp->head, -EACCES,
				  "loop at insn %u (back-edge from insn %u): cannot prove it "
				  "terminates: its counter may run for %llu iterations (more than "
				  "%u)",
				  lp->head, lp->last, (unsigned long long)lp->trips,
				  LOOP_MAX_TRIPS);
	return verr_state(env, lp->head, -EACCES,
			  "loop at insn %u (back-edge from insn %u): cannot prove it terminates: "
			  "no register or stack slot moves by a constant nonzero step toward a "
			  "bound on every iteration (counter unbounded, reset or changed by an "
			  "unknown amount)",
			  lp->head, lp->last);
}

/* The path comes back to the head of its walk: every iteration must make progress. */
static int loop_measure(struct venv *env, struct loop *lp, uint32_t walk)
{
	struct frame *old = env->walks[walk - 1].node->st.frames[env->cur->curframe];
	struct frame *cur = cur_frame(env);
	bool alive = false;
	uint32_t slot;
	int order;

	/* An iteration that took a may_goto's fall-through in this call of the function spends
	 * its budget: bounded at run time, it needs no progress of its own. The others (paths
	 * round the loop without one) must still move the measure: after the last fall-through
	 * the budget allows, only they remain. */
	if (old->entry_id == cur->entry_id && old->may_goto_spent != cur->may_goto_spent)
		return 0;
	for (order = 0; order < 2; order++) {
		for (slot = 0; slot < LOOP_SLOTS; slot++) {
			struct measure *m = &lp->m[order][slot];

			if (m->state == M_DEAD)
				continue;
			measure_step(lp, m, slot_reg(old, slot), slot_reg(cur, slot), walk, slot,
				     order);
			alive |= m->state != M_DEAD;
		}
	}
	if (alive)
		return 0;
	if (env->in->log_level >= 1)
		vlog(env, "%u: loop iteration without progress:\n", lp->head);
	return measure_error(env, lp);
}

/* ---- joining and widening ---------------------------------------------------------------------
 */

static struct tnum tnum_join(struct tnum a, struct tnum b)
{
	uint64_t mu = a.mask | b.mask | (a.value ^ b.value);

	return (struct tnum){ .value = a.value & ~mu, .mask = mu };
}

/* The next constant of the loop at or above v (below, with down), else the limit. */
static uint64_t thr_u(const struct loop *lp, uint64_t v, bool down, uint64_t limit, bool w32)
{
	uint64_t best = limit;
	uint32_t i;

	for (i = 0; i < lp->nthr; i++) {
		uint64_t t = w32 ? (uint32_t)lp->thr[i] : (uint64_t)lp->thr[i];

		if (down ? (t <= v && t > best) : (t >= v && t < best))
			best = t;
	}
	return best;
}

static int64_t thr_s(const struct loop *lp, int64_t v, bool down, int64_t limit, bool w32)
{
	int64_t best = limit;
	uint32_t i;

	for (i = 0; i < lp->nthr; i++) {
		int64_t t = w32 ? (int32_t)lp->thr[i] : lp->thr[i];

		if (down ? (t <= v && t > best) : (t >= v && t < best))
			best = t;
	}
	return best;
}

struct widen {
	const struct loop *lp;
	bool unbounded; /* past the thresholds: straight to the limits */
};

static void widen_bounds(const struct widen *w, struct reg *out, const struct reg *old,
			 const struct reg *cur)
{
	const struct loop *lp = w->unbounded ? NULL : w->lp;
	static const struct loop none;

	if (!lp)
		lp = &none;
	out->umin = cur->umin < old->umin ? thr_u(lp, cur->umin, true, 0, false) : old->umin;
	out->umax =
	    cur->umax > old->umax ? thr_u(lp, cur->umax, false, UINT64_MAX, false) : old->umax;
	out->smin =
	    cur->smin < old->smin ? thr_s(lp, cur->smin, true, INT64_MIN, false) : old->smin;
	out->smax =
	    cur->smax > old->smax ? thr_s(lp, cur->smax, false, INT64_MAX, false) : old->smax;
	out->u32_min = cur->u32_min < old->u32_min
			   ? (uint32_t)thr_u(lp, cur->u32_min, true, 0, true)
			   : old->u32_min;
	out->u32_max = cur->u32_max > old->u32_max
			   ? (uint32_t)thr_u(lp, cur->u32_max, false, UINT32_MAX, true)
			   : old->u32_max;
	out->s32_min = cur->s32_min < old->s32_min
			   ? (int32_t)thr_s(lp, cur->s32_min, true, INT32_MIN, true)
			   : old->s32_min;
	out->s32_max = cur->s32_max > old->s32_max
			   ? (int32_t)thr_s(lp, cur->s32_max, false, INT32_MAX, true)
			   : old->s32_max;
	out->var = tnum_join(old->var, cur->var);
	/* Known bits would otherwise take the widening back (bounds are synced with them). */
	if (out->umin != old->umin || out->umax != old->umax)
		out->var = tnum_join(out->var, tnum_range(out->umin, out->umax));
}

static bool same_loop_tag(const struct reg *a, const struct reg *b)
{
	return a->loop_id == b->loop_id && a->loop_origin == b->loop_origin &&
	       a->loop_delta == b->loop_delta;
}

/* Map values and handles of different objects join as "some object" (REG_OBJ_ANY). */
static bool joins_objects(const struct reg *r)
{
	return r->type == PTR_TO_MAP_VALUE || r->type == CONST_MAP_PTR;
}

/* Pointers join only when they are the same pointer up to their variable part. */
static bool pointers_agree(const struct reg *old, const struct reg *cur)
{
	if (old->off != cur->off || old->map != cur->map || old->frameno != cur->frameno ||
	    old->id != cur->id || old->btf_id != cur->btf_id)
		return false;
	if (old->ref_id != cur->ref_id && !joins_objects(old))
		return false;
	if ((old->type == PTR_TO_MEM || old->type == PTR_TO_MEM_OR_NULL ||
	     old->type == PTR_TO_ITER_INT) &&
	    old->range != cur->range)
		return false;
	return true;
}

/* out = old joined with cur, widened; false when they cannot be joined. */
static bool reg_join(const struct widen *w, struct reg *out, const struct reg *old,
		     const struct reg *cur)
{
	struct reg r;

	if (old->type == NOT_INIT || cur->type == NOT_INIT) {
		reg_mark_not_init(out);
		return true;
	}
	if (old->type != cur->type)
		return false;
	if (reg_is_pointer(old) && !pointers_agree(old, cur))
		return false;
	r = *cur;
	widen_bounds(w, &r, old, cur);
	if (old->type == SCALAR && old->id != cur->id)
		r.id = 0;
	if (reg_is_packet(old) && old->range < cur->range)
		r.range = old->range;
	/* The weaker of the two (each side implies the ones before it). */
	if (old->pkt_end_side < cur->pkt_end_side)
		r.pkt_end_side = old->pkt_end_side;
	if (old->ref_id != cur->ref_id)
		r.ref_id = REG_OBJ_ANY;
	if (!same_loop_tag(old, cur)) {
		r.loop_id = 0;
		r.loop_origin = 0;
		r.loop_delta = 0;
	}
	reg_bounds_sync(&r);
	if (!reg_bounds_sane(&r))
		return false;
	*out = r;
	return true;
}

static uint8_t byte_join(uint8_t a, uint8_t b)
{
	if (a == b && a != STACK_SPILL)
		return a;
	if (a == STACK_INVALID || b == STACK_INVALID)
		return STACK_INVALID;
	return STACK_MISC;
}

/* A spilled scalar seen as bytes: MISC where it is not known zero. */
static uint8_t spill_byte(const struct stack_slot *s, int b)
{
	return s->type[b] == STACK_SPILL ? STACK_MISC : s->type[b];
}

/* The same live iterator in both: its values left joined, the range of its values the hull. */
static bool iter_join(const struct widen *w, struct stack_slot *out, const struct stack_slot *old,
		      const struct stack_slot *cur)
{
	struct stack_slot r = *cur;

	if (old->type[0] != STACK_ITER || cur->type[0] != STACK_ITER ||
	    old->spilled.ref_id != cur->spilled.ref_id)
		return false;
	if (!reg_join(w, &r.spilled, &old->spilled, &cur->spilled))
		return false;
	/* Never more than the iterator can give: the measure's bound. */
	if (r.spilled.umax > cur->spilled.umax && r.spilled.umax > old->spilled.umax)
		return false;
	r.spilled.off = old->spilled.off < cur->spilled.off ? old->spilled.off : cur->spilled.off;
	r.spilled.map = old->spilled.map > cur->spilled.map ? old->spilled.map : cur->spilled.map;
	*out = r;
	return true;
}

/* Constant bytes of the join hold one value only when both sides hold it. */
static void join_const_bytes(struct stack_slot *r, const struct stack_slot *old,
			     const struct stack_slot *cur)
{
	int b;

	for (b = 0; b < 8; b++) {
		if (r->type[b] != STACK_CONST)
			continue;
		if (old->val[b] == cur->val[b])
			r->val[b] = cur->val[b];
		else
			r->type[b] = STACK_MISC;
	}
}

static bool slot_join(const struct widen *w, struct stack_slot *out, const struct stack_slot *old,
		      const struct stack_slot *cur)
{
	int n = slot_spill_size(old);
	bool os = n > 0, cs = cur->type[0] == STACK_SPILL;
	struct stack_slot r;
	int b;

	if (old->type[0] == STACK_ITER || cur->type[0] == STACK_ITER)
		return iter_join(w, out, old, cur);

	if (slot_known_zero(old) && slot_known_zero(cur)) {
		*out = *cur;
		return true;
	}
	if (os && n == slot_spill_size(cur)) {
		r = *cur;
		if (!reg_join(w, &r.spilled, &old->spilled, &cur->spilled))
			return false;
		for (b = n; b < 8; b++)
			r.type[b] = byte_join(old->type[b], cur->type[b]);
		join_const_bytes(&r, old, cur);
		*out = r;
		return true;
	}
	/* A spilled pointer stays whole or the state is not joined (pointer leaks, memory.c). */
	if ((os && reg_is_pointer(&old->spilled)) || (cs && reg_is_pointer(&cur->spilled)))
		return false;
	memset(&r, 0, sizeof(r));
	reg_mark_not_init(&r.spilled);
	for (b = 0; b < 8; b++)
		r.type[b] = byte_join(spill_byte(old, b), spill_byte(cur, b));
	join_const_bytes(&r, old, cur);
	*out = r;
	return true;
}

/* Joins (or with dry_run only checks) one frame; dead registers become uninitialised. */
static bool frame_join(const struct widen *w, struct frame *cur, const struct frame *old,
		       uint16_t live, bool dry_run)
{
	struct reg r;
	struct stack_slot s;
	int i;

	if (old->callsite != cur->callsite || old->subprog != cur->subprog)
		return false;
	for (i = 0; i < EBPF_NUM_REGS; i++) {
		if (i != EBPF_REG_FP && !(live & (1u << i))) {
			if (!dry_run)
				reg_mark_not_init(&cur->regs[i]);
			continue;
		}
		if (!reg_join(w, &r, &old->regs[i], &cur->regs[i]))
			return false;
		if (!dry_run)
			cur->regs[i] = r;
	}
	for (i = 0; i < STACK_SLOTS; i++) {
		if (!slot_join(w, &s, &old->stack[i], &cur->stack[i]))
			return false;
		if (!dry_run)
			cur->stack[i] = s;
	}
	if (!dry_run && old->depth > cur->depth)
		cur->depth = old->depth;
	return true;
}

static uint16_t frame_live(struct venv *env, const struct vstate *st, uint32_t f)
{
	if (f == st->curframe)
		return env->aux[st->insn].live;
	return env->aux[st->frames[f + 1]->callsite + 1].live & 0x3c0;
}

/* cur = cur joined with old, widened. False (cur unchanged) when they do not join. */
static bool state_join(struct venv *env, const struct widen *w, const struct vstate *old)
{
	struct vstate *cur = env->cur;
	uint32_t f, i;
	int pass;

	if (old->curframe != cur->curframe || old->nrefs != cur->nrefs)
		return false;
	for (i = 0; i < cur->nrefs; i++)
		if (old->refs[i] != cur->refs[i])
			return false;
	for (pass = 0; pass < 2; pass++)
		for (f = 0; f <= cur->curframe; f++)
			if (!frame_join(w, cur->frames[f], old->frames[f], frame_live(env, cur, f),
					pass == 0))
				return false;
	return true;
}

/* ---- at a loop head ------------------------------------------------------------------------- */

/*
 * Coming to a loop head: leaving the walks of loops inside (and of this loop when entering it
 * from outside), checking the measure when a walk of this loop comes back, and pruning
 * against its invariants. Returns LOOP_VISIT_PRUNED, 0 or an error.
 */
int loop_visit(struct venv *env, uint32_t idx)
{
	struct vstate *cur = env->cur;
	bool back = loop_edge_is_back(env, cur->prev_insn, idx);
	uint32_t walk = walk_of(env, cur->walk, idx), outer;
	struct loop *lp = env->loop_count ? loop_find(env, idx) : NULL;
	struct snode *node;
	int err;

	if (!lp)
		return 0;
	if (walk) {
		outer = env->walks[walk - 1].parent;
		cur->walk = back ? walk : outer;
	} else {
		outer = cur->walk;
	}
	if (back && walk) {
		err = loop_measure(env, lp, walk);
		if (err)
			return err;
	}
	for (node = lp->inv; node; node = node->inv_next) {
		/* An invariant in progress covers only the iterations of its own walks: a path
		 * entering the loop again (an outer loop) would otherwise skip every check. */
		if (node->branches && !(back && walk))
			continue;
		if (node->st.walk != outer || !states_covered(env, &node->st, cur, idx))
			continue;
		node->hits++;
		if (env->in->log_level >= 1)
			vlog(env, "%u: safe (within the loop invariant of walk %u)\n", idx, outer);
		return LOOP_VISIT_PRUNED;
	}
	return 0;
}

/* Checkpoints at this head since the loop was entered, and the nearest one. */
static uint32_t exact_visits(struct venv *env, uint32_t idx, struct snode **nearest)
{
	struct snode *node = env->cur->parent;
	uint32_t n = 0, seen;

	*nearest = NULL;
	for (seen = 0; node && seen < LOOP_CHAIN_MAX; node = node->parent, seen++) {
		if (node->insn != idx)
			continue;
		if (!*nearest)
			*nearest = node;
		if (node->invariant || ++n >= LOOP_EXACT_VISITS)
			return LOOP_EXACT_VISITS;
		if (node->entry)
			return n;
	}
	/* A long way back: widening early only costs precision. */
	return node ? LOOP_EXACT_VISITS : n;
}

static int add_invariant(struct venv *env, struct loop *lp, uint32_t idx, uint32_t gen)
{
	struct snode *node = calloc(1, sizeof(*node));
	int walk;

	if (!node)
		return -ENOMEM;
	env->mem.bytes += sizeof(*node);
	if (state_snapshot(&node->st, env->cur)) {
		state_free_frames(&node->st);
		env->mem.bytes -= sizeof(*node);
		free(node);
		return -ENOMEM;
	}
	node->parent = env->cur->parent;
	node->insn = idx;
	node->branches = 1;
	node->invariant = true;
	node->inv_next = lp->inv;
	lp->inv = node;
	env->cur->parent = node;
	prec_checkpoint(env->cur, node);
	memset(env->cur->stack_written, 0, sizeof(env->cur->stack_written));
	env->res->states_kept++;
	env->res->loop_invariants++;
	walk = walk_new(env, node, lp, env->cur->walk, gen);
	if (walk < 0)
		return walk;
	env->cur->walk = (uint32_t)walk;
	tag_scalars(env, (uint32_t)walk);
	return 0;
}

/*
 * After a few exact iterations (or when a walk comes back outside its invariant): join the
 * state with the earlier one and walk the loop from the widened state. Returns 1 when the walk
 * goes on from a new invariant, 0 to go on exactly, or an error.
 */
int loop_widen(struct venv *env, uint32_t idx)
{
	struct vstate *cur = env->cur;
	uint32_t walk = walk_of(env, cur->walk, idx);
	struct snode *partner = NULL;
	struct widen w;
	struct loop *lp;
	uint32_t gen, nthr;
	bool joined;
	int err;

	if (env->in->exact_loops || !loop_edge_is_back(env, cur->prev_insn, idx))
		return 0;
	for (uint32_t i = 0; i < env->exact_head_count; i++)
		if (env->exact_heads[i] == idx)
			return 0;
	if (walk)
		partner = env->walks[walk - 1].node;
	else if (exact_visits(env, idx, &partner) < LOOP_EXACT_VISITS)
		return 0;
	lp = loop_get(env, idx);
	if (!lp)
		return -ENOMEM;
	gen = walk ? env->walks[walk - 1].gen + 1 : 1;
	if (!lp->simple || gen > LOOP_MAX_WALKS)
		return 0;
	w.lp = lp;
	w.unbounded = gen > LOOP_UNBOUNDED_WALK;
	nthr = add_state_thresholds(env, lp, partner ? &partner->st : cur);
	joined = state_join(env, &w, partner ? &partner->st : cur);
	lp->nthr = nthr;
	if (!joined)
		return 0;
	if (walk)
		cur->walk = env->walks[walk - 1].parent;
	err = add_invariant(env, lp, idx, gen);
	if (err)
		return err;
	if (env->in->log_level >= 1) {
		vlog(env, "%u: loop state joined and widened (walk %u):\n", idx, cur->walk);
		vlog_state(env, cur);
	}
	return 1;
}

/* ---- the ALU keeps the relation to the loop head -----------------------------------------------
 */

static void untag(struct reg *r)
{
	r->loop_id = 0;
	r->loop_origin = 0;
	r->loop_delta = 0;
}

/* dst = before + c (c the constant source, negated for sub), exactly? */
static bool const_addend(const struct ebpf_inst *insn, const struct reg *src, bool is64, int64_t *c)
{
	uint8_t op = EBPF_OP(insn->code);
	uint64_t v;

	if (op != EBPF_ALU_ADD && op != EBPF_ALU_SUB)
		return false;
	if (EBPF_SRC(insn->code) == EBPF_SRC_K)
		v = is64 ? (uint64_t)(int64_t)insn->imm : (uint32_t)insn->imm;
	else if (src && reg_is_const(src))
		v = src->var.value;
	else
		return false;
	if (!is64)
		v = (uint64_t)(int64_t)(int32_t)(uint32_t)v;
	*c = op == EBPF_ALU_SUB ? -(int64_t)v : (int64_t)v;
	return true;
}

/*
 * After an ALU instruction: dst keeps its relation to a loop head through a copy and through
 * adding a constant (a 32-bit one only when it cannot wrap the low half); anything else drops it.
 * src is the source register as it was before the instruction (NULL for an immediate).
 */
void loop_track_alu(struct venv *env, const struct ebpf_inst *insn, const struct reg *before,
		    const struct reg *src, struct reg *dst)
{
	bool is64 = EBPF_CLASS(insn->code) == EBPF_CLS_ALU64;
	int64_t c;

	(void)env;
	if (EBPF_OP(insn->code) == EBPF_ALU_MOV) {
		if (EBPF_SRC(insn->code) == EBPF_SRC_K || insn->off || !src ||
		    (!is64 && src->umax > UINT32_MAX))
			untag(dst);
		return;
	}
	if (!before->loop_id || dst->type != SCALAR || before->type != SCALAR ||
	    !const_addend(insn, src, is64, &c)) {
		untag(dst);
		return;
	}
	if (!is64 && (before->umax > UINT32_MAX || (c >= 0 ? before->umax + (uint64_t)c > UINT32_MAX
							   : before->umin < (uint64_t)-c))) {
		untag(dst);
		return;
	}
	dst->loop_id = before->loop_id;
	dst->loop_origin = before->loop_origin;
	dst->loop_delta = before->loop_delta + (uint64_t)c;
}

/*
 * A path refused after it went through a loop walked by abstraction: the abstraction may be
 * what lost (a bound it could not relate, a measure it could not find). Those loops are walked
 * exactly from the start again, as they were before abstraction existed, within what is left
 * of the complexity limit. True when the walk is to restart.
 */
bool loop_restart_exact(struct venv *env, int err)
{
	uint32_t walk, before = env->exact_head_count;

	if (err != -EACCES || !env->cur)
		return false;
	for (walk = env->cur->walk; walk; walk = env->walks[walk - 1].parent) {
		uint32_t head = env->walks[walk - 1].head, i;

		for (i = 0; i < env->exact_head_count && env->exact_heads[i] != head; i++)
			;
		if (i == env->exact_head_count &&
		    env->exact_head_count < sizeof(env->exact_heads) / sizeof(env->exact_heads[0]))
			env->exact_heads[env->exact_head_count++] = head;
	}
	if (env->exact_head_count == before)
		return false;
	/* The abstraction's own diagnostic says why better than a limit hit walking exactly. */
	if (!env->abstract_verdict) {
		env->abstract_verdict = malloc(sizeof(*env->abstract_verdict));
		if (env->abstract_verdict)
			*env->abstract_verdict = *env->res;
	}
	env->measure_failed = false;
	return true;
}

void loop_final_verdict(struct venv *env)
{
	struct verifier_result *saved = env->abstract_verdict;

	if (saved && env->limit_hit && env->res->error) {
		memcpy(env->res->message, saved->message, sizeof(saved->message));
		env->res->insn = saved->insn;
		env->res->error = saved->error;
	}
	free(saved);
	env->abstract_verdict = NULL;
}

void loop_env_free(struct venv *env)
{
	uint32_t i;

	for (i = 0; i < env->loop_count; i++) {
		struct snode *node = env->loops[i]->inv, *next;

		for (; node; node = next) {
			next = node->inv_next;
			state_free_frames(&node->st);
			env->mem.bytes -= sizeof(*node);
			free(node);
		}
		env->mem.bytes -= sizeof(*env->loops[i]);
		free(env->loops[i]->iv);
		free(env->loops[i]);
	}
	free(env->loops);
	free(env->walks);
	env->loops = NULL;
	env->walks = NULL;
	env->loop_count = env->walk_count = env->walk_cap = 0;
}
