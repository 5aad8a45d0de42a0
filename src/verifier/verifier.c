// SPDX-License-Identifier: MIT
/*
 * The walk: abstract interpretation of every path, depth first. At a conditional jump whose
 * outcome is unknown, the taken side is pushed and the fall-through side goes on. At join points
 * (cfg.c) the state is checkpointed; a later state that a fully explored checkpoint covers is
 * pruned, and a state equal to a checkpoint still being explored (an ancestor on this path) is a
 * loop that makes no progress. Bounded loops are walked iteration by iteration, as Linux does.
 */
#include <stdlib.h>
#include <string.h>

#include "verifier_int.h"

#define PRUNED		     1
/* Branches waiting to be walked, at most: each holds a state (Linux's
 * BPF_COMPLEXITY_LIMIT_JMP_SEQ). */
#define MAX_PENDING	     8192
/* Exact comparisons per visit against in-progress checkpoints of the same hash. */
#define PROGRESS_COMPARE_MAX 8
#define MAY_GOTO_CHAIN_MAX   256 /* checkpoints of the path looked at by may_goto_converged */

/* ---- checkpoints ---------------------------------------------------------------------------- */

static struct snode **progress_bucket(struct venv *env, uint32_t insn, uint64_t hash)
{
	uint64_t h = (hash ^ (insn * 0x9e3779b97f4a7c15ull)) * 0xff51afd7ed558ccdull;

	return &env->progress[(h >> 32) & (env->progress_size - 1)];
}

static int progress_grow(struct venv *env)
{
	struct snode **old = env->progress, *node, *next;
	uint32_t old_size = env->progress_size, size = old_size ? old_size * 2 : 64;

	env->progress = calloc(size, sizeof(*env->progress));
	if (!env->progress) {
		env->progress = old;
		return -ENOMEM;
	}
	env->progress_size = size;
	for (uint32_t i = 0; i < old_size; i++) {
		for (node = old[i]; node; node = next) {
			struct snode **bucket = progress_bucket(env, node->insn, node->hash);

			next = node->next;
			node->next = *bucket;
			*bucket = node;
		}
	}
	free(old);
	return 0;
}

static int progress_add(struct venv *env, struct snode *node)
{
	struct snode **bucket;

	if (env->progress_count >= env->progress_size) {
		int err = progress_grow(env);

		if (err)
			return err;
	}
	bucket = progress_bucket(env, node->insn, node->hash);
	node->next = *bucket;
	*bucket = node;
	env->progress_count++;
	return 0;
}

/* Every path from the checkpoint is proven safe: it moves to its instruction's explored list,
 * where it can prune later states. */
static void progress_done(struct venv *env, struct snode *node)
{
	struct snode **link = progress_bucket(env, node->insn, node->hash);

	while (*link != node)
		link = &(*link)->next;
	*link = node->next;
	env->progress_count--;
	node->next = env->aux[node->insn].explored;
	env->aux[node->insn].explored = node;
}

static void branch_done(struct venv *env, struct snode *node)
{
	while (node) {
		if (--node->branches)
			break;
		/* A loop invariant stays in its loop's list (loop.c). */
		if (!node->invariant)
			progress_done(env, node);
		node = node->parent;
	}
}

static void free_snode(struct venv *env, struct snode *node)
{
	state_free_frames(&node->st);
	env->mem.bytes -= sizeof(*node);
	free(node);
}

static int loop_error(struct venv *env, uint32_t idx)
{
	uint32_t head = idx;

	/* A callback-calling helper is checkpointed like a loop head: the loop may close there. */
	if (!(env->aux[head].flags & INSN_LOOP_HEAD))
		return verr_state(env, head, -EACCES,
				  "infinite loop detected: the path comes back to insn %u in the "
				  "same state without progress",
				  head);
	return verr_state(env, head, -EACCES,
			  "infinite loop detected: the loop at insn %u (back-edge from insn %u) "
			  "comes back to the same state without progress",
			  head, env->aux[head].back_edge_from);
}

/*
 * Whether what was explored from the checkpoint node covers the current state's future. The
 * first visit of a bpf_loop sure to call its callback explores the callback only (helpers.c);
 * a return to the helper also goes on past it, so such a checkpoint does not stand for it.
 */
static bool explores_as_cur(struct venv *env, const struct snode *node)
{
	const struct ebpf_inst *insn = &env->insns[node->insn];
	const struct vstate *st = &node->st;

	if (node->st.cb_reentry || !env->cur->cb_reentry || insn->code != EBPF_OP_CALL ||
	    insn->src_reg != EBPF_CALL_HELPER || (uint32_t)insn->imm != HELPER_LOOP)
		return true;
	return !loop_calls_surely(st->frames[st->curframe]->regs);
}

/*
 * Back at a callback-calling helper after its callback returned (cur->cb_reentry): the helper
 * may call the callback again, any number of times up to its own bound. The checkpoints of
 * this helper call since the caller reached it (the chain: its first visit, then each return
 * of the callback) are ancestors of this path that executed nothing of the caller in between.
 * A state one of them covers repeats what is being explored from there: the callback's
 * effects have converged, whatever the number of calls at run time. Otherwise the state is
 * widened against the last one (scalars that changed become unknown), so that the next return
 * is covered: the callback body is walked a few times, never once per iteration.
 */
static int callback_converged(struct venv *env, uint32_t idx)
{
	struct snode *node, *last = NULL;

	for (node = env->cur->parent; node; node = node->parent) {
		if (node->insn != idx || node->st.curframe != env->cur->curframe)
			continue;
		if (!last)
			last = node;
		if (explores_as_cur(env, node) && states_equal(env, &node->st, env->cur, false))
			return PRUNED;
		if (!node->st.cb_reentry)
			break; /* the caller's own visit: before it, the caller ran */
	}
	if (last)
		state_widen(&last->st, env->cur);
	return 0;
}

/*
 * Did the path from old to cur go round a callback's iteration: is some callback frame of cur
 * another call of the callback than old's (its entry id differs) while the frame below it,
 * which called the helper, never went on past a callback-calling helper in between (same
 * resume id)? Then the helper has been calling its callback again all along, which it does a
 * bounded number of times. A loop of the caller around the helper call, or one inside the
 * callback's body around a nested helper call, resumes that frame and is no such iteration.
 */
static bool same_helper_call_iterated(const struct vstate *old, const struct vstate *cur)
{
	uint32_t f;

	for (f = 1; f <= cur->curframe; f++) {
		const struct frame *oc = old->frames[f], *cc = cur->frames[f];

		if (cc->callback == CB_LOOP || cc->callback == CB_FOR_EACH) {
			if (oc->cb_id_base != cc->cb_id_base &&
			    old->frames[f - 1]->resume_id == cur->frames[f - 1]->resume_id)
				return true;
		}
	}
	return false;
}

/*
 * A state equal to a checkpoint in progress is a loop without progress, unless the path went
 * round a callback's iteration in between (bounded by its helper at run time): the state then
 * repeats what is being explored from the checkpoint (a loop in a callback body met again in
 * the next call, say).
 */
static bool callback_iterated(struct venv *env, const struct snode *node)
{
	const struct snode *up;

	if (node->st.cb_returns >= env->cur->cb_returns ||
	    !same_helper_call_iterated(&node->st, env->cur))
		return false;
	for (up = env->cur->parent; up && up->st.cb_returns >= node->st.cb_returns; up = up->parent)
		if (up == node)
			return true;
	return false;
}

/*
 * At a may_goto: does a checkpoint of this path at the same may_goto, in the same call of the
 * function, cover the current state while the path took a fall-through of a may_goto of that
 * call in between? Then the current state repeats what is being explored from there, round a
 * cycle that spends the call's budget (EBPF_MAY_GOTO_BUDGET): it runs a bounded number of
 * times whatever the verifier knows of its trip count (Linux's may_goto_depth rule). A path
 * back through the jump (a spent budget stays spent) or through a callee's may_goto only (its
 * budget is its call's) is no such cycle: the equal state is refused as an infinite loop.
 */
static bool may_goto_converged(struct venv *env, uint32_t idx)
{
	const struct frame *cf = cur_frame(env);
	uint32_t f = env->cur->curframe, seen;
	struct snode *node;

	for (node = env->cur->parent, seen = 0; node && seen < MAY_GOTO_CHAIN_MAX;
	     node = node->parent, seen++) {
		const struct frame *of;

		if (node->insn != idx || node->st.curframe != f)
			continue;
		of = node->st.frames[f];
		if (of->entry_id != cf->entry_id)
			return false; /* before this call of the function */
		if (of->may_goto_spent != cf->may_goto_spent &&
		    states_equal(env, &node->st, env->cur, false))
			return true;
	}
	return false;
}

/*
 * Did the path from the checkpoint in progress `node` to cur take a may_goto's fall-through in
 * a call of a function still running (the same entry in both)? Then coming back to node's
 * state spends that call's budget: no loop without progress (Linux's may_goto_depth check).
 */
static bool may_goto_spent_since(const struct snode *node, const struct vstate *cur)
{
	for (uint32_t f = 0; f <= cur->curframe && f <= node->st.curframe; f++) {
		const struct frame *of = node->st.frames[f], *cf = cur->frames[f];

		if (of->entry_id != cf->entry_id)
			return false; /* a later call: its callers' frames were compared before */
		if (of->may_goto_spent != cf->may_goto_spent)
			return true;
	}
	return false;
}

/* Returns PRUNED when a checkpoint covers the current state, 0 to go on, or an error. */
static int is_state_visited(struct venv *env, uint32_t idx)
{
	struct snode **link = &env->aux[idx].explored, *node;
	bool loop_head = env->aux[idx].flags & INSN_LOOP_HEAD;
	bool callback_call = env->aux[idx].flags & INSN_CALLBACK_CALL;
	uint64_t hash;
	uint32_t compared;
	int err;

	if (loop_head) {
		/* The loop's measure reads every slot's relation to the head, and an invariant
		 * still being explored may cover the path: every value is read, and needed. */
		stack_note_read_all(env);
		prec_mark_all(env);
		err = loop_visit(env, idx);
		if (err)
			return err;
	}
	if (callback_call && env->cur->cb_reentry && callback_converged(env, idx) == PRUNED) {
		/* Covered by a checkpoint still being explored: its reads are not all known. */
		stack_note_read_all(env);
		prec_mark_all(env);
		return PRUNED;
	}
	if ((env->aux[idx].flags & INSN_MAY_GOTO) && may_goto_converged(env, idx)) {
		/* Covered by a checkpoint still being explored: its reads are not all known. */
		stack_note_read_all(env);
		prec_mark_all(env);
		return PRUNED;
	}
	hash = state_hash(env, env->cur);

	/*
	 * Back at a state of this path (an ancestor still in progress): no progress. States with
	 * the same hash that differ only in how their ids link registers could pile up in one
	 * bucket: only the first few are compared. Missing an equal one only lets the walk go on
	 * into the complexity limit, which refuses the program too.
	 */
	node = env->progress_size ? *progress_bucket(env, idx, hash) : NULL;
	for (compared = 0; node && compared < PROGRESS_COMPARE_MAX; node = node->next) {
		if (node->insn != idx || node->hash != hash)
			continue;
		compared++;
		if (!states_equal(env, &node->st, env->cur, true))
			continue;
		/* A return to a helper its first visit only entered: the calls are bounded. */
		if (!explores_as_cur(env, node))
			continue;
		if (callback_iterated(env, node)) {
			stack_note_read_all(env);
			prec_mark_all(env);
			return PRUNED;
		}
		/* Round a may_goto's fall-through: the budget bounds it (may_goto_converged
		 * prunes the path at the may_goto). */
		if (may_goto_spent_since(node, env->cur))
			continue;
		return loop_error(env, idx);
	}
	while ((node = *link)) {
		if (explores_as_cur(env, node) && states_pruned_by(env, node, env->cur)) {
			node->hits++;
			stack_note_reads_of(env, node);
			prec_propagate(env, node);
			return PRUNED;
		}
		/* A checkpoint that keeps missing costs more than it saves. */
		if (++node->misses > node->hits * 4 + 32) {
			*link = node->next;
			free_snode(env, node);
			continue;
		}
		link = &node->next;
	}
	if (loop_head) {
		err = loop_widen(env, idx);
		if (err)
			return err < 0 ? err : 0;
	}
	/* As Linux: a checkpoint every few instructions is enough (loops stay cheap). Loop heads
	 * always get one: loop.c counts the iterations by them; so does a helper calling a
	 * callback: the callback converges there. */
	if (!loop_head && !callback_call && !(env->aux[idx].flags & INSN_MAY_GOTO) &&
	    env->last_checkpoint && env->res->insns_processed - env->last_checkpoint < 8)
		return 0;
	env->last_checkpoint = env->res->insns_processed;
	node = calloc(1, sizeof(*node));
	if (!node)
		return -ENOMEM;
	env->mem.bytes += sizeof(*node);
	if (state_snapshot(&node->st, env->cur)) {
		free_snode(env, node);
		return -ENOMEM;
	}
	node->parent = env->cur->parent;
	node->insn = idx;
	node->branches = 1;
	node->hash = hash;
	node->entry = loop_head && !loop_edge_is_back(env, env->cur->prev_insn, idx);
	err = progress_add(env, node);
	if (err) {
		free_snode(env, node);
		return err;
	}
	env->cur->parent = node;
	prec_checkpoint(env->cur, node);
	/* The next checkpoint's writes are those after this one. */
	memset(env->cur->stack_written, 0, sizeof(env->cur->stack_written));
	env->res->states_kept++;
	return 0;
}

/* ---- pending branches ----------------------------------------------------------------------- */

/* idx: the jump whose other side st is. */
static int push_state(struct venv *env, struct vstate *st, uint32_t idx)
{
	if (st->oom)
		return -ENOMEM;
	if (env->pending_count >= MAX_PENDING) {
		/* A limit, as the instruction count's: the abstraction's verdict says more. */
		env->limit_hit = true;
		return verr(env, idx, -E2BIG,
			    "program too complex: more than %u branches pending at once (a "
			    "sequence of undecided jumps); simplify it or split it",
			    MAX_PENDING);
	}
	if (env->pending_count == env->pending_cap) {
		uint32_t cap = env->pending_cap ? env->pending_cap * 2 : 64;
		struct vstate **p = realloc(env->pending, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		env->pending = p;
		env->pending_cap = cap;
	}
	if (st->parent)
		st->parent->branches++;
	env->pending[env->pending_count++] = st;
	return 0;
}

/* The current path is finished; continue with the next pending one. Returns false when none. */
static bool pop_state(struct venv *env)
{
	branch_done(env, env->cur->parent);
	state_free(env->cur);
	env->cur = NULL;
	if (!env->pending_count)
		return false;
	env->cur = env->pending[--env->pending_count];
	/* The walk writes every frame of the current state. */
	if (state_unshare(env->cur)) {
		env->cur->oom = true;
		return true;
	}
	if (env->cur->walk)
		loop_path_moved(env);
	if (env->in->log_level >= 1) {
		vlog(env, "from pending branch to %u:\n", env->cur->insn);
		vlog_state(env, env->cur);
	}
	return true;
}

/* Another outcome of instruction idx (a kfunc's), st going on after it: a pending path. */
int push_branch(struct venv *env, struct vstate *st, uint32_t idx)
{
	st->insn = idx + 1;
	st->prev_insn = idx;
	if (env->in->log_level >= 1) {
		vlog(env, "call at %u: another outcome pushed\n", idx);
		vlog_state(env, st);
	}
	return push_state(env, st, idx);
}

/* ---- calls and exit ------------------------------------------------------------------------- */

/* A new frame for the subprogram at target, called from idx with r1-r5 = args, on top of st. */
static int enter_frame(struct venv *env, struct vstate *st, uint32_t idx, uint32_t target,
		       const struct reg args[5])
{
	uint32_t sub = env->aux[target].subprog, f;
	struct frame *callee;
	int i;

	if (st->curframe + 1 >= EBPF_MAX_CALL_DEPTH)
		return verr_state(env, idx, -EACCES, "call stack too deep: more than %d frames",
				  EBPF_MAX_CALL_DEPTH);
	for (f = 0; f <= st->curframe; f++)
		if (st->frames[f]->subprog == sub)
			return verr(env, idx, -EACCES,
				    "recursive call to the subprogram at insn %u", target);
	callee = frame_new(&env->mem);
	if (!callee)
		return -ENOMEM;
	for (i = 1; i <= 5; i++)
		callee->regs[i] = args[i - 1];
	reg_mark_ptr(&callee->regs[EBPF_REG_FP], PTR_TO_STACK);
	callee->regs[EBPF_REG_FP].frameno = st->curframe + 1;
	callee->callsite = (int32_t)idx;
	callee->subprog = sub;
	callee->resume_id = ++env->id_gen;
	callee->entry_id = callee->resume_id;
	st->frames[++st->curframe] = callee;
	/* A new frame: nothing of the slots the index had before is read through it. */
	st->stack_written[st->curframe] = UINT64_MAX;
	st->insn = target;
	return 0;
}

/* A held bpf_spin_lock goes into the callee, as on Linux: the lock state is the path's, not the
 * frame's, so the callee may release it (or take one its caller releases); what the callee may
 * do while it is held (no helper, no tail call) is checked there as anywhere else. */
static int call_local(struct venv *env, uint32_t idx)
{
	return enter_frame(env, env->cur, idx, idx + 1 + env->insns[idx].imm, &cur_regs(env)[1]);
}

/*
 * A helper calling a callback, as Linux verifies it: the current path goes on after the call
 * (the callback called zero times) and the callback's entry is a pending path of its own. When
 * the callback returns, the walk comes back to the helper call (callback_return), which may
 * call it again, until the states there converge (callback_converged).
 */
int push_callback_call(struct venv *env, uint32_t idx, uint32_t target, const struct reg args[5],
		       enum callback_kind kind, uint32_t key_id)
{
	struct vstate *st = state_copy(env->cur);
	struct frame *callee;
	int err;

	if (!st)
		return -ENOMEM;
	/* The helper that calls back runs C code between the calls: no lock may be held there. */
	err = check_no_lock_held(env, idx, "a callback's call");
	if (err) {
		state_free(st);
		return err;
	}
	st->cb_reentry = false;
	err = enter_frame(env, st, idx, target, args);
	if (err) {
		state_free(st);
		return err;
	}
	callee = st->frames[st->curframe];
	callee->callback = (uint8_t)kind;
	/* The id enter_frame just gave out: this call of the callback's own. */
	callee->cb_id_base = env->id_gen;
	callee->cb_key_id = key_id;
	/* The current path goes on past the helper: its calls from here are other calls. */
	cur_frame(env)->resume_id = ++env->id_gen;
	if (env->in->log_level >= 1)
		vlog(env, "callback at insn %u of the helper at %u: pushed\n", target, idx);
	err = push_state(env, st, idx);
	if (err)
		state_free(st);
	return err;
}

/*
 * A callback returns to its helper, which either calls it again or returns: the walk goes
 * back to the helper call with the caller's argument registers as they were.
 */
static int callback_return(struct venv *env, uint32_t idx)
{
	struct vstate *st = env->cur;
	struct frame *callee = st->frames[st->curframe];
	const struct reg *r0 = &callee->regs[0];
	char d[96];
	int err;

	if (callee->callback == CB_TIMER && (r0->type != SCALAR || r0->umax > 0)) {
		reg_describe(env, r0, d, sizeof(d));
		return verr_state(env, idx, -EACCES,
				  "a bpf_timer callback must return 0 (as Linux: range [0, 0]), "
				  "r0 is %s",
				  d);
	}
	if (r0->type != SCALAR || r0->umax > 1) {
		reg_describe(env, r0, d, sizeof(d));
		return verr_state(env, idx, -EACCES,
				  "a callback must return 0 (go on) or 1 (stop), r0 is %s", d);
	}
	prec_mark_reg(env, 0);
	err = ref_check_callback(env, idx, callee->cb_id_base);
	if (err)
		return err;
	/* A timer's callback runs later, on its own: its path ends here. */
	if (callee->callback == CB_TIMER)
		return PATH_DONE;
	if (callee->cb_key_id)
		invalidate_pointers_of(st, callee->cb_key_id);
	st->insn = (uint32_t)callee->callsite;
	st->frames[st->curframe--] = NULL;
	state_frame_put(st, callee);
	st->cb_reentry = true;
	st->cb_returns++;
	return 0;
}

/* Leaves the current subprogram frame: its caller resumes after the call with r0. */
static void frame_return(struct vstate *st, const struct reg *r0)
{
	struct frame *callee = st->frames[st->curframe];
	struct frame *caller = st->frames[st->curframe - 1];
	int i;

	caller->regs[0] = *r0;
	for (i = 1; i <= 5; i++)
		reg_mark_not_init(&caller->regs[i]);
	st->insn = (uint32_t)callee->callsite + 1;
	st->frames[st->curframe--] = NULL;
	state_frame_put(st, callee);
}

/*
 * A tail call that succeeds replaces the running function with the target, in the same frame
 * (every engine does so, as Linux's x86 JIT): from a subprogram, the target's r0 (any scalar)
 * is what the subprogram's call returns, and nothing the subprogram would have done after the
 * tail call happens. The walk goes on with the failed tail call; the success is a path of its
 * own, pushed here. From the entry function it ends the program (the target is verified on its
 * own), so there is nothing to push.
 */
static int push_tail_call_success(struct venv *env, uint32_t idx)
{
	struct vstate *st;
	struct reg r0;
	int err;

	if (!env->cur->curframe)
		return 0;
	st = state_copy(env->cur);
	if (!st)
		return -ENOMEM;
	reg_mark_unknown(&r0);
	frame_return(st, &r0);
	st->prev_insn = idx;
	/* The target may have moved the packet (adjust_head and the like). */
	invalidate_packet_pointers(st);
	if (env->in->log_level >= 1) {
		vlog(env, "tail call at %u: its success returns to insn %u, pushed\n", idx,
		     st->insn);
		vlog_state(env, st);
	}
	err = push_state(env, st, idx);
	if (err)
		state_free(st);
	return err;
}

static int check_exit(struct venv *env, uint32_t idx)
{
	struct vstate *st = env->cur;
	struct reg *r0 = &cur_regs(env)[0];
	char d[96];
	int err;

	/* A subprogram may return with the lock held, for its caller to release (Linux's rule);
	 * the program's exit may not, nor a callback's return into the helper calling it. */
	if (st->lock_held && (!st->curframe || st->frames[st->curframe]->callback))
		return verr_state(env, idx, -EACCES,
				  "%s with the bpf_spin_lock taken at insn %u still held: "
				  "bpf_spin_unlock is missing on this path",
				  st->curframe ? "return from a callback" : "exit", st->lock_insn);
	/* A subprogram may leave r0 unset, as Linux allows: a void function, or one whose constant
	 * result clang folded into its callers. The caller's r0 is then uninitialised, so reading
	 * it is refused there; the program's own exit and a callback's still need a value. */
	if (r0->type == NOT_INIT && (!st->curframe || st->frames[st->curframe]->callback))
		return verr_state(env, idx, -EACCES,
				  "r0 is not set at exit (return value uninitialised)");
	err = iter_check_exit(env, idx,
			      st->frames[st->curframe]->callback ? "return from a callback"
			      : st->curframe			 ? "return from a subprogram"
								 : "exit");
	if (err)
		return err;
	if (st->frames[st->curframe]->callback)
		return callback_return(env, idx);
	if (st->curframe) {
		if (r0->type == PTR_TO_STACK && r0->frameno == st->curframe)
			return verr_state(env, idx, -EACCES,
					  "returning a pointer to the subprogram's own stack");
		frame_return(st, r0);
		return 0;
	}
	if (r0->type != SCALAR) {
		reg_describe(env, r0, d, sizeof(d));
		return verr_state(env, idx, -EACCES,
				  "r0 at exit must be an initialised scalar, not a pointer (%s)",
				  d);
	}
	if (st->nrefs)
		return ref_check_none(env, idx, NULL);
	return PATH_DONE;
}

static int check_call(struct venv *env, uint32_t idx)
{
	const struct ebpf_inst *insn = &env->insns[idx];
	int err;

	if (insn->src_reg == EBPF_CALL_LOCAL)
		return call_local(env, idx);
	env->cur->insn = idx + 1;
	err = check_helper_call(env, idx);
	if (err || insn->src_reg != EBPF_CALL_HELPER || (uint32_t)insn->imm != TAIL_CALL_HELPER)
		return err;
	return push_tail_call_success(env, idx);
}

/* ---- one instruction ------------------------------------------------------------------------ */

/*
 * may_goto: both ways, whatever the state (the budget is not modelled). As Linux, the jump (the
 * spent budget, usually the loop's exit) is walked first and the fall-through, which spends
 * one unit of the budget of this call of the function, is pushed.
 */
static int do_may_goto(struct venv *env, uint32_t idx)
{
	struct vstate *fall = state_copy(env->cur);
	int err;

	if (!fall)
		return -ENOMEM;
	fall->insn = idx + 1;
	fall->prev_insn = idx;
	fall->frames[fall->curframe]->may_goto_spent++;
	if (env->in->log_level >= 1)
		vlog(env, "may_goto at %u: fall-through pushed\n", idx);
	err = push_state(env, fall, idx);
	if (err) {
		state_free(fall);
		return err;
	}
	env->cur->insn = idx + 1 + env->insns[idx].off;
	return 0;
}

static int do_jmp(struct venv *env, uint32_t idx)
{
	const struct ebpf_inst *insn = &env->insns[idx];
	struct vstate *other = NULL;
	struct reg dst, src;
	int err;

	switch (EBPF_OP(insn->code)) {
	case EBPF_JMP_JA:
		env->cur->insn = idx + 1 + (insn->code == EBPF_OP_JA32 ? insn->imm : insn->off);
		return 0;
	case EBPF_JMP_CALL:
		return check_call(env, idx);
	case EBPF_JMP_EXIT:
		return check_exit(env, idx);
	case EBPF_JMP_JCOND:
		return do_may_goto(env, idx);
	default:
		break;
	}
	env->cur->insn = idx + 1;
	if (insn->dst_reg < EBPF_NUM_REGS)
		dst = cur_regs(env)[insn->dst_reg];
	if (insn->src_reg < EBPF_NUM_REGS)
		src = cur_regs(env)[insn->src_reg];
	err = check_cond_jmp(env, idx, &other);
	if (err)
		return err;
	prec_cond_jmp(env, insn, &dst, &src, !other);
	if (!other)
		return 0;
	other->prev_insn = idx;
	if (env->in->log_level >= 1) {
		vlog(env, "branch at %u: taken side pushed\n", idx);
		vlog_state(env, other);
	}
	err = push_state(env, other, idx);
	if (err)
		state_free(other);
	return err;
}

static int do_insn(struct venv *env, uint32_t idx)
{
	const struct ebpf_inst *insn = &env->insns[idx];

	/* Refused where a path reaches it, as Linux does: on a branch the bounds prove dead, the
	 * write never runs (and the core makes it a no-op before any engine sees it). */
	if (isa_insn_writes_fp(insn))
		return verr(env, idx, -EACCES, "r10 (frame pointer) is read-only");
	env->cur->insn = idx + 1;
	switch (EBPF_CLASS(insn->code)) {
	case EBPF_CLS_ALU:
	case EBPF_CLS_ALU64:
		return check_alu(env, idx);
	case EBPF_CLS_LDX:
		return check_load(env, idx);
	case EBPF_CLS_ST:
		return check_store(env, idx);
	case EBPF_CLS_STX:
		if (EBPF_MODE(insn->code) == EBPF_MODE_ATOMIC)
			return check_atomic(env, idx);
		return check_store(env, idx);
	case EBPF_CLS_LD:
		if (insn->code == EBPF_OP_LDDW) {
			env->cur->insn = idx + 2;
			return check_lddw(env, idx);
		}
		return check_ld_abs(env, idx);
	default:
		return do_jmp(env, idx);
	}
}

/* The loop head walked most often: where a walk that hit the limit was stuck. */
static int limit_error(struct venv *env, uint32_t idx)
{
	uint32_t i, head = UINT32_MAX, visits = 0;

	for (i = 0; i < env->count; i++) {
		if ((env->aux[i].flags & INSN_LOOP_HEAD) && env->aux[i].visits > visits) {
			visits = env->aux[i].visits;
			head = i;
		}
	}
	env->limit_hit = true;
	if (head != UINT32_MAX && visits > 1)
		return verr(env, head, -EACCES,
			    "loop at insn %u (back-edge from insn %u): bound cannot be proven "
			    "within the complexity limit of %llu instructions (loop head walked "
			    "%u times)",
			    head, env->aux[head].back_edge_from, (unsigned long long)env->limit,
			    visits);
	return verr(env, idx, -E2BIG,
		    "program too complex: more than %llu instructions processed (too many "
		    "paths); simplify it or split it",
		    (unsigned long long)env->limit);
}

static uint32_t stack_in_use(const struct vstate *st)
{
	uint32_t f, sum = 0;

	for (f = 0; f <= st->curframe; f++)
		sum += st->frames[f]->depth;
	return sum;
}

static int init_state(struct venv *env)
{
	struct frame *f;

	env->cur = state_new(&env->mem);
	if (!env->cur)
		return -ENOMEM;
	env->cur->prev_insn = UINT32_MAX;
	f = frame_new(&env->mem);
	if (!f)
		return -ENOMEM;
	env->cur->frames[0] = f;
	reg_mark_ptr(&f->regs[1], PTR_TO_CTX);
	if (env->in->entry_r2)
		reg_mark_const(&f->regs[2], *env->in->entry_r2);
	reg_mark_ptr(&f->regs[EBPF_REG_FP], PTR_TO_STACK);
	return 0;
}

/* The memory budget: checkpoints and pending branches hold states, and both grow with the
 * paths walked; past the budget the program is too complex, as past the instruction limit. */
static int check_memory(struct venv *env, uint32_t idx)
{
	if (env->cur->oom)
		return -ENOMEM;
	if (env->mem.bytes > env->mem.peak)
		env->mem.peak = env->mem.bytes;
	if (env->mem.bytes <= env->mem_limit)
		return 0;
	/* A limit, as the instruction count's: the abstraction's verdict says more. */
	env->limit_hit = true;
	return verr(env, idx, -E2BIG,
		    "program too complex: the verifier's states hold more than %llu MiB (%llu "
		    "checkpoints kept, %u pending branches); simplify it or split it",
		    (unsigned long long)(env->mem_limit >> 20),
		    (unsigned long long)env->res->states_kept, env->pending_count);
}

static int walk(struct venv *env)
{
	int err = init_state(env);

	while (!err) {
		uint32_t idx = env->cur->insn;

		err = check_memory(env, idx);
		if (err)
			return err;
		env->cb_reentry = env->cur->cb_reentry;
		if (env->aux[idx].flags & INSN_PRUNE) {
			err = is_state_visited(env, idx);
			env->cur->cb_reentry = false;
			if (err == PRUNED) {
				if (env->in->log_level >= 1)
					vlog(env, "%u: safe (covered by an explored state)\n", idx);
				err = 0;
				if (!pop_state(env))
					return 0;
				continue;
			}
			if (err)
				return err;
		}
		if (++env->res->insns_processed > env->limit)
			return limit_error(env, idx);
		env->aux[idx].visits++;
		if (env->in->log_level >= 1)
			vlog_insn(env, idx);
		err = prec_record(env, idx);
		if (err)
			return err;
		env->prec_in_insn = true;
		err = do_insn(env, idx);
		env->prec_in_insn = false;
		if (err == PATH_DONE) {
			err = 0;
			if (!pop_state(env))
				return 0;
			continue;
		}
		if (err)
			return err;
		env->cur->prev_insn = idx;
		if (env->cur->walk)
			loop_path_moved(env);
		if (stack_in_use(env->cur) > env->res->max_stack_depth)
			env->res->max_stack_depth = stack_in_use(env->cur);
		if (env->in->log_level >= 2)
			vlog_state(env, env->cur);
	}
	return err;
}

/* ---- entry ---------------------------------------------------------------------------------- */

/* Every state of the walk, before a restart and at the end. */
static void walk_free(struct venv *env)
{
	uint32_t i;

	for (i = 0; env->aux && i < env->count; i++) {
		struct snode *node = env->aux[i].explored, *next;

		for (; node; node = next) {
			next = node->next;
			free_snode(env, node);
		}
		env->aux[i].explored = NULL;
		env->aux[i].visits = 0;
	}
	for (i = 0; i < env->progress_size; i++) {
		struct snode *node = env->progress[i], *next;

		for (; node; node = next) {
			next = node->next;
			free_snode(env, node);
		}
	}
	free(env->progress);
	env->progress = NULL;
	env->progress_size = env->progress_count = 0;
	loop_env_free(env);
	for (i = 0; i < env->pending_count; i++)
		state_free(env->pending[i]);
	env->pending_count = 0;
	state_free(env->cur);
	env->cur = NULL;
}

static void env_free(struct venv *env)
{
	walk_free(env);
	free(env->pending);
	free(env->pred_off);
	free(env->preds);
	free(env->aux);
	free(env->subprogs);
}

/* The walk again from the entry, the loops that lost by abstraction walked exactly. */
static void walk_restart(struct venv *env)
{
	walk_free(env);
	env->last_checkpoint = 0;
	env->failed = false;
	env->limit_hit = false;
	env->log_len = 0;
	env->log_full = false;
	env->in_branch = false;
	if (env->in->log && env->in->log_size)
		env->in->log[0] = 0;
	env->res->error = 0;
	env->res->insn = -1;
	env->res->message[0] = 0;
}

static int check_input(struct venv *env)
{
	const struct verifier_input *in = env->in;

	if (!in->info)
		return verr(env, UINT32_MAX, -EINVAL, "no program type information");
	if (!in->insns || !in->insn_count)
		return verr(env, UINT32_MAX, -EINVAL, "empty program");
	if (in->insn_count > 1000000)
		return verr(env, UINT32_MAX, -E2BIG, "program too large: %zu instructions",
			    in->insn_count);
	if (in->map_count && !in->maps)
		return verr(env, UINT32_MAX, -EINVAL, "map descriptors missing");
	return 0;
}

static void export_ctx_field_loads(const struct venv *env)
{
	uint8_t *out = env->in->ctx_field_loads;

	if (!out)
		return;
	for (uint32_t i = 0; i < env->count; i++) {
		uint8_t access = env->aux[i].access;

		out[i] = access >= VERIFIER_CTX_DATA && access <= VERIFIER_CTX_META ? access : 0;
	}
}

int verifier_verify(const struct verifier_input *in, struct verifier_result *res)
{
	struct venv env = { .in = in, .res = res };
	int err;

	if (!in || !res)
		return -EINVAL;
	memset(res, 0, sizeof(*res));
	res->insn = -1;
	if (in->log && in->log_size)
		in->log[0] = 0;
	env.insns = in->insns;
	env.count = (uint32_t)in->insn_count;
	env.limit = in->complexity_limit ? in->complexity_limit : DEFAULT_COMPLEXITY;
	env.mem_limit =
	    in->state_memory_limit ? in->state_memory_limit : VERIFIER_STATE_MEMORY_LIMIT;
	err = check_input(&env);
	if (err)
		return err;
	env.aux = calloc(env.count, sizeof(*env.aux));
	err = env.aux ? cfg_check(&env) : -ENOMEM;
	while (!err) {
		err = walk(&env);
		if (!err || !loop_restart_exact(&env, err))
			break;
		walk_restart(&env);
		err = 0;
	}
	loop_final_verdict(&env);
	if (err == -ENOMEM && !env.failed)
		verr(&env, UINT32_MAX, -ENOMEM, "out of memory");
	if (err && !env.failed)
		verr(&env, UINT32_MAX, err, "internal error %d", err);
	if (!err)
		export_ctx_field_loads(&env);
	res->peak_state_bytes = env.mem.peak;
	env_free(&env);
	if (!err)
		res->error = 0;
	return res->error;
}
