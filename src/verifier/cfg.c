// SPDX-License-Identifier: MIT
/*
 * Control flow, checked before any path is walked: every instruction is well formed, jumps
 * land inside their subprogram and never in the middle of lddw, calls go to subprogram starts,
 * every subprogram ends in exit or a jump, every instruction is reachable. It also finds the
 * join points where states are checkpointed, the loop heads, and register liveness (a register
 * that is written before it is read on every path is not compared when pruning).
 */
#include <stdlib.h>

#include "verifier_int.h"

static bool is_jump(const struct ebpf_inst *insn)
{
	uint8_t cls = EBPF_CLASS(insn->code), op = EBPF_OP(insn->code);

	return (cls == EBPF_CLS_JMP || cls == EBPF_CLS_JMP32) && op != EBPF_JMP_CALL &&
	       op != EBPF_JMP_EXIT;
}

static bool is_uncond(const struct ebpf_inst *insn)
{
	return is_jump(insn) && EBPF_OP(insn->code) == EBPF_JMP_JA;
}

static bool is_local_call(const struct ebpf_inst *insn)
{
	return insn->code == EBPF_OP_CALL && insn->src_reg == EBPF_CALL_LOCAL;
}

/* A local call or a function pointer (lddw src=BPF_PSEUDO_FUNC): both name a subprogram. */
static bool names_subprog(const struct ebpf_inst *insn)
{
	return is_local_call(insn) ||
	       (insn->code == EBPF_OP_LDDW && insn->src_reg == EBPF_PSEUDO_FUNC);
}

static int64_t jump_target(const struct ebpf_inst *insn, uint32_t idx)
{
	if (insn->code == EBPF_OP_JA32)
		return (int64_t)idx + 1 + insn->imm;
	return (int64_t)idx + 1 + insn->off;
}

static int check_encodings(struct venv *env)
{
	uint32_t i;

	for (i = 0; i < env->count; i++) {
		const char *why = NULL;
		int n;

		if (env->aux[i].flags & INSN_LDDW_HI)
			continue;
		/* A write to r10 is refused by the walk, where a path reaches it (do_insn). */
		n = isa_check_insn_fp_writes(env->insns, env->count, i, &why);
		if (n < 0)
			return verr(env, i, -EINVAL, "invalid instruction: %s",
				    why ? why : "bad encoding");
		if (n == 2)
			env->aux[i + 1].flags |= INSN_LDDW_HI;
		/* Every lddw and helper call, reached by a path or not: the engines prepare the
		 * whole program (and a function pointer's callback is reached by no call). */
		if (n == 2) {
			int err = lddw_validate(env, i);

			if (err)
				return err;
		}
		if (env->insns[i].code == EBPF_OP_CALL &&
		    (env->insns[i].src_reg == EBPF_CALL_KFUNC ||
		     (env->insns[i].src_reg == EBPF_CALL_HELPER &&
		      (uint32_t)env->insns[i].imm != VERIFIER_POISONED_HELPER))) {
			int err = helper_validate(env, i, NULL);

			if (err)
				return err;
		}
	}
	return 0;
}

static int find_subprogs(struct venv *env)
{
	uint32_t i, n = 0;

	env->aux[0].flags |= INSN_SUBPROG;
	for (i = 0; i < env->count; i++) {
		int64_t t;

		if ((env->aux[i].flags & INSN_LDDW_HI) || !names_subprog(&env->insns[i]))
			continue;
		t = (int64_t)i + 1 + env->insns[i].imm;
		if (t < 0 || t >= env->count)
			return verr(env, i, -EINVAL, "%s insn %lld outside the program",
				    is_local_call(&env->insns[i]) ? "call to"
								  : "function pointer to",
				    (long long)t);
		if (env->aux[t].flags & INSN_LDDW_HI)
			return verr(env, i, -EINVAL, "%s the middle of lddw at insn %lld",
				    is_local_call(&env->insns[i]) ? "call into"
								  : "function pointer into",
				    (long long)t - 1);
		env->aux[t].flags |= INSN_SUBPROG | INSN_PRUNE;
	}
	for (i = 0; i < env->count; i++)
		n += !!(env->aux[i].flags & INSN_SUBPROG);
	env->subprogs = calloc(n, sizeof(*env->subprogs));
	if (!env->subprogs)
		return -ENOMEM;
	env->subprog_count = n;
	n = 0;
	for (i = 0; i < env->count; i++) {
		if ((env->aux[i].flags & INSN_SUBPROG) && i) {
			env->subprogs[n++].end = i;
			env->subprogs[n].start = i;
		}
		env->aux[i].subprog = n;
	}
	env->subprogs[n].end = env->count;
	return 0;
}

static int check_jumps(struct venv *env)
{
	uint32_t i, s;

	for (i = 0; i < env->count; i++) {
		const struct ebpf_inst *insn = &env->insns[i];
		int64_t t;

		if (env->aux[i].flags & INSN_LDDW_HI)
			continue;
		if (insn->code == EBPF_OP_CALL)
			env->aux[i + 1 < env->count ? i + 1 : i].flags |= INSN_PRUNE;
		/* Where a callback loops back to: its states converge here (verifier.c). */
		if (insn->code == EBPF_OP_CALL && insn->src_reg == EBPF_CALL_HELPER &&
		    is_callback_helper((uint32_t)insn->imm))
			env->aux[i].flags |= INSN_PRUNE | INSN_CALLBACK_CALL;
		if (!is_jump(insn))
			continue;
		if (insn->code == EBPF_OP_MAY_GOTO)
			env->aux[i].flags |= INSN_PRUNE | INSN_MAY_GOTO;
		t = jump_target(insn, i);
		if (t < 0 || t >= env->count)
			return verr(env, i, -EINVAL, "jump to insn %lld outside the program",
				    (long long)t);
		if (env->aux[t].flags & INSN_LDDW_HI)
			return verr(env, i, -EINVAL, "jump into the middle of lddw at insn %lld",
				    (long long)t - 1);
		if (env->aux[t].subprog != env->aux[i].subprog)
			return verr(env, i, -EINVAL,
				    "jump to insn %lld leaves the subprogram (insns %u..%u)",
				    (long long)t, env->subprogs[env->aux[i].subprog].start,
				    env->subprogs[env->aux[i].subprog].end - 1);
		env->aux[t].flags |= INSN_PRUNE;
		if (!is_uncond(insn) && i + 1 < env->count)
			env->aux[i + 1].flags |= INSN_PRUNE;
	}
	for (s = 0; s < env->subprog_count; s++) {
		uint32_t last = env->subprogs[s].end - 1;

		if (env->aux[last].flags & INSN_LDDW_HI)
			last--;
		if (env->insns[last].code != EBPF_OP_EXIT && !is_uncond(&env->insns[last]))
			return verr(env, last, -EINVAL,
				    "the last instruction of %s is neither exit nor a jump: "
				    "execution would fall off its end",
				    s ? "a subprogram" : "the program");
	}
	return 0;
}

/* Successors within the subprogram (a call's successor is its return site). */
int cfg_successors(struct venv *env, uint32_t i, uint32_t succ[2])
{
	const struct ebpf_inst *insn = &env->insns[i];
	uint32_t next = i + (insn->code == EBPF_OP_LDDW ? 2 : 1);
	int n = 0;

	if (insn->code == EBPF_OP_EXIT)
		return 0;
	if (is_jump(insn)) {
		succ[n++] = (uint32_t)jump_target(insn, i);
		if (is_uncond(insn))
			return n;
	}
	if (next < env->count)
		succ[n++] = next;
	return n;
}

/* Iterative DFS over one subprogram: reachability and back-edges (loop heads). */
static int dfs(struct venv *env, uint32_t start, uint8_t *color, uint32_t *stack,
	       uint8_t *next_edge)
{
	uint32_t sp = 0;

	if (color[start])
		return 0;
	stack[sp++] = start;
	color[start] = 1;
	next_edge[start] = 0;
	while (sp) {
		uint32_t i = stack[sp - 1], succ[2];
		int n = cfg_successors(env, i, succ);

		env->aux[i].flags |= INSN_REACHED;
		if (next_edge[i] >= n) {
			color[i] = 2;
			sp--;
			continue;
		}
		{
			uint32_t k = next_edge[i]++, t = succ[k];

			if (color[t] == 1) {
				env->aux[i].flags |= k ? INSN_BACK_S1 : INSN_BACK_S0;
				/* The last back-edge: a loop laid out from its head on ends there
				 * (loop.c). */
				if (!(env->aux[t].flags & INSN_LOOP_HEAD) ||
				    i > env->aux[t].back_edge_from)
					env->aux[t].back_edge_from = i;
				env->aux[t].flags |= INSN_LOOP_HEAD | INSN_PRUNE;
			} else if (!color[t]) {
				color[t] = 1;
				next_edge[t] = 0;
				stack[sp++] = t;
			}
		}
	}
	return 0;
}

/*
 * Reachability, subprogram by subprogram: a worklist of the subprograms found called, each
 * walked once (a pass over all subprograms until nothing changes was quadratic in their number
 * when each is called only by the next one).
 */
static int check_reachable(struct venv *env)
{
	uint8_t *color = calloc(env->count, 1), *next_edge = calloc(env->count, 1);
	uint32_t *stack = calloc(env->count, sizeof(uint32_t));
	uint32_t *work = calloc(env->subprog_count, sizeof(uint32_t));
	bool *called = calloc(env->subprog_count, sizeof(bool));
	uint32_t i, s, nwork = 0;
	int err = -ENOMEM;

	if (!color || !next_edge || !stack || !work || !called)
		goto out;
	called[0] = true;
	work[nwork++] = 0;
	while (nwork) {
		s = work[--nwork];
		dfs(env, env->subprogs[s].start, color, stack, next_edge);
		for (i = env->subprogs[s].start; i < env->subprogs[s].end; i++) {
			uint32_t callee;

			env->res->cfg_steps++;
			if (!(env->aux[i].flags & INSN_REACHED) || !names_subprog(&env->insns[i]))
				continue;
			callee = env->aux[i + 1 + env->insns[i].imm].subprog;
			if (!called[callee]) {
				called[callee] = true;
				work[nwork++] = callee;
			}
		}
	}
	err = 0;
	for (i = 0; i < env->count; i++) {
		if (env->aux[i].flags & (INSN_REACHED | INSN_LDDW_HI))
			continue;
		err = verr(env, i, -EINVAL, "unreachable instruction");
		break;
	}
out:
	free(color);
	free(next_edge);
	free(stack);
	free(work);
	free(called);
	return err;
}

#define R(n)	     (1u << (n))
#define CALLER_SAVED (R(1) | R(2) | R(3) | R(4) | R(5))

static void use_def(const struct ebpf_inst *insn, uint16_t *use, uint16_t *def)
{
	uint8_t cls = EBPF_CLASS(insn->code), op = EBPF_OP(insn->code);
	bool x = EBPF_SRC(insn->code) == EBPF_SRC_X;

	*use = *def = 0;
	switch (cls) {
	case EBPF_CLS_ALU:
	case EBPF_CLS_ALU64:
		*def = R(insn->dst_reg);
		if (op != EBPF_ALU_MOV)
			*use |= R(insn->dst_reg);
		if (x && op != EBPF_ALU_END && op != EBPF_ALU_NEG)
			*use |= R(insn->src_reg);
		break;
	case EBPF_CLS_LDX:
		*use = R(insn->src_reg);
		*def = R(insn->dst_reg);
		break;
	case EBPF_CLS_ST:
		*use = R(insn->dst_reg);
		break;
	case EBPF_CLS_STX:
		/* Load-acquire is a load spelt as an atomic: its dst is written, not read. */
		if (isa_is_load_acquire(insn)) {
			*use = R(insn->src_reg);
			*def = R(insn->dst_reg);
			break;
		}
		*use = R(insn->dst_reg) | R(insn->src_reg);
		if (EBPF_MODE(insn->code) == EBPF_MODE_ATOMIC && !isa_is_store_release(insn)) {
			if (insn->imm == EBPF_ATOMIC_CMPXCHG) {
				*use |= R(0);
				*def = R(0);
			} else if (insn->imm & EBPF_ATOMIC_FETCH) {
				*def = R(insn->src_reg);
			}
		}
		break;
	case EBPF_CLS_LD:
		if (insn->code == EBPF_OP_LDDW) {
			*def = R(insn->dst_reg);
		} else {
			*use = R(6);
			if (EBPF_MODE(insn->code) == EBPF_MODE_IND)
				*use |= R(insn->src_reg);
			*def = R(0) | CALLER_SAVED;
		}
		break;
	default: /* jumps */
		if (op == EBPF_JMP_CALL) {
			*use = CALLER_SAVED;
			*def = R(0) | CALLER_SAVED;
		} else if (op == EBPF_JMP_EXIT) {
			*use = R(0);
		} else if (op != EBPF_JMP_JA && op != EBPF_JMP_JCOND) { /* may_goto reads none */
			*use = R(insn->dst_reg) | (x ? R(insn->src_reg) : 0);
		}
		break;
	}
	/* r10 is the frame pointer wherever a write to it stands: such a write is never run. */
	*def &= (uint16_t)~R(EBPF_REG_FP);
}

/*
 * Predecessors of every instruction as one array, kept for the walk (loop.c finds loop bodies
 * with it): those of i are preds[pred_off[i]..pred_off[i + 1]).
 */
static int build_preds(struct venv *env)
{
	uint32_t i, succ[2], *fill;
	int n, k;

	env->pred_off = calloc(env->count + 1, sizeof(uint32_t));
	env->preds = calloc(2 * (size_t)env->count, sizeof(uint32_t));
	fill = calloc(env->count, sizeof(uint32_t));
	if (!env->pred_off || !env->preds || !fill) {
		free(fill);
		return -ENOMEM;
	}
	for (i = 0; i < env->count; i++) {
		if (env->aux[i].flags & INSN_LDDW_HI)
			continue;
		n = cfg_successors(env, i, succ);
		for (k = 0; k < n; k++)
			env->pred_off[succ[k] + 1]++;
	}
	for (i = 0; i < env->count; i++)
		env->pred_off[i + 1] += env->pred_off[i];
	for (i = 0; i < env->count; i++) {
		if (env->aux[i].flags & INSN_LDDW_HI)
			continue;
		n = cfg_successors(env, i, succ);
		for (k = 0; k < n; k++)
			env->preds[env->pred_off[succ[k]] + fill[succ[k]]++] = i;
	}
	free(fill);
	return 0;
}

static uint16_t live_in(struct venv *env, uint32_t i)
{
	uint16_t use, def, out = 0;
	uint32_t succ[2];
	int n, k;

	n = cfg_successors(env, i, succ);
	for (k = 0; k < n; k++)
		out |= env->aux[succ[k]].live;
	use_def(&env->insns[i], &use, &def);
	return use | (out & ~def);
}

/*
 * Backward dataflow, live_in = use | (live_out & ~def), as a worklist: an instruction is
 * recomputed only when the liveness of a successor grew. Liveness only grows, by at most one of
 * the 11 registers at a time, so each instruction is recomputed at most 1 + 11 * (number of
 * successors) times: linear, where sweeping the program until nothing changed took one sweep per
 * back-edge on a path (quadratic).
 */
static int compute_liveness(struct venv *env)
{
	uint32_t *work = calloc(env->count, sizeof(uint32_t)), nwork = 0, i, k;
	uint8_t *queued = calloc(env->count, 1);
	int err = -ENOMEM;

	if (!work || !queued || build_preds(env))
		goto out;
	/* Last instruction first: most liveness flows backwards along the layout. */
	for (i = 0; i < env->count; i++) {
		if (env->aux[i].flags & INSN_LDDW_HI)
			continue;
		work[nwork++] = i;
		queued[i] = 1;
	}
	while (nwork) {
		uint16_t in;

		i = work[--nwork];
		queued[i] = 0;
		env->res->liveness_steps++;
		in = live_in(env, i);
		if (in == env->aux[i].live)
			continue;
		env->aux[i].live = in;
		for (k = env->pred_off[i]; k < env->pred_off[i + 1]; k++) {
			uint32_t pred = env->preds[k];

			if (!queued[pred]) {
				queued[pred] = 1;
				work[nwork++] = pred;
			}
		}
	}
	env->res->cfg_steps += env->res->liveness_steps;
	err = 0;
out:
	free(work);
	free(queued);
	return err;
}

int cfg_check(struct venv *env)
{
	int err;

	err = check_encodings(env);
	if (err)
		return err;
	err = find_subprogs(env);
	if (err)
		return err;
	err = check_jumps(env);
	if (err)
		return err;
	err = check_reachable(env);
	if (err)
		return err;
	return compute_liveness(env);
}
