// SPDX-License-Identifier: MIT
/*
 * The verifier's own cost is bounded (docs/verifier.md, "Budget"): generated worst cases of up to
 * a million instructions (worst_case.c) verify or are refused as too complex, and the work
 * counters of the result stay linear in the program's size or in the instructions processed.
 * Nothing here is timed: bench/bench_verifier.c prints the times and the memory.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vcases.h"
#include "verifier/verifier_int.h"
#include "worst_case.h"

#define MILLION 1000000

/* A frame with its stack (and the stack's 8-byte header): what each frame of every checkpoint
 * cost before they were shared. */
#define FULL_FRAME	(sizeof(struct frame) + STACK_SLOTS * sizeof(struct stack_slot) + 8)
/* A stored state whose frames and stacks are shared but for one frame's registers. */
#define STORED_STATE	(sizeof(struct frame) + sizeof(struct snode))
/* The histories checkpoints keep for precision tracking: at most an entry per instruction. */
#define HIST_BYTES(res) ((res).insns_processed * sizeof(struct hist_ent))

/* Pruning compares every scalar's range (no precision tracking). */
static bool precise_all;

static int verify_loops(const struct wc_prog *p, uint64_t limit, uint64_t mem_limit,
			bool exact_loops, struct verifier_result *res)
{
	static struct vcase c;
	struct verifier_input in;

	memset(&c, 0, sizeof(c));
	c.type = VT_PLAIN;
	vt_input(&in, &c);
	in.insns = p->insns;
	in.insn_count = p->count;
	in.complexity_limit = limit;
	in.state_memory_limit = mem_limit;
	in.exact_loops = exact_loops;
	in.precise_all = precise_all;
	return verifier_verify(&in, res);
}

static int verify(const struct wc_prog *p, uint64_t limit, uint64_t mem_limit,
		  struct verifier_result *res)
{
	return verify_loops(p, limit, mem_limit, false, res);
}

/* The walk itself under a long loop: loops iteration by iteration, as Linux walks them. */
static int verify_exact(const struct wc_prog *p, uint64_t limit, uint64_t mem_limit,
			struct verifier_result *res)
{
	return verify_loops(p, limit, mem_limit, true, res);
}

/* The structural passes visit each instruction a bounded number of times. */
static void assert_cfg_linear(const struct verifier_result *res, size_t n)
{
	assert_true(res->liveness_steps >= n / 2);
	assert_true(res->liveness_steps <= 3 * n);
	assert_true(res->cfg_steps <= 4 * n);
}

/* Each state comparison is paid for by an instruction processed. */
static void assert_compares_linear(const struct verifier_result *res)
{
	assert_true(res->states_compared <= 32 * res->insns_processed + 64);
}

static void test_straight_line_million(void **state)
{
	struct verifier_result res;
	struct wc_prog p;

	assert_int_equal(wc_straight_line(&p, MILLION), 0);
	assert_int_equal(verify(&p, 0, 0, &res), 0);
	assert_int_equal(res.insns_processed, MILLION);
	assert_cfg_linear(&res, p.count);
	assert_int_equal(res.states_kept, 0);
	assert_true(res.peak_state_bytes < 2 * FULL_FRAME + 4096);
	wc_free(&p);
}

/* Liveness must cross a million back-edges in one program: a sweep per back-edge was hours. */
static void test_backward_chain_million(void **state)
{
	struct verifier_result res;
	struct wc_prog p;

	assert_int_equal(wc_backward_chain(&p, MILLION), 0);
	assert_int_equal(verify(&p, 0, 0, &res), 0);
	assert_cfg_linear(&res, p.count);
	wc_free(&p);

	/* Smaller and larger: the steps grow with the size, not its square. */
	assert_int_equal(wc_backward_chain(&p, 1000), 0);
	assert_int_equal(verify(&p, 0, 0, &res), 0);
	assert_cfg_linear(&res, p.count);
	wc_free(&p);
}

static void test_decided_branches_million(void **state)
{
	struct verifier_result res;
	struct wc_prog p;

	assert_int_equal(wc_branches(&p, MILLION, 0), 0);
	assert_int_equal(verify(&p, 0, 0, &res), 0);
	assert_true(res.insns_processed <= MILLION);
	assert_cfg_linear(&res, p.count);
	assert_compares_linear(&res);
	/* A checkpoint at every fourth jump, all sharing the one stack. */
	assert_true(res.peak_state_bytes <=
		    res.states_kept * STORED_STATE + HIST_BYTES(res) + (1 << 20));
	wc_free(&p);
}

/* Undecided branches whose sides prune each other: linear work while they fit. */
static void test_undecided_branches_pruned(void **state)
{
	static const size_t sizes[] = { 2000, 16000 };
	struct verifier_result res;
	struct wc_prog p;

	for (size_t i = 0; i < 2; i++) {
		assert_int_equal(wc_branches(&p, sizes[i], 1), 0);
		assert_int_equal(verify(&p, 0, 0, &res), 0);
		assert_true(res.insns_processed <= 8 * p.count);
		assert_cfg_linear(&res, p.count);
		assert_compares_linear(&res);
		wc_free(&p);
	}
}

/* A million instructions of undecided branches: more pending at once than a state budget. */
static void test_undecided_branches_million(void **state)
{
	struct verifier_result res;
	struct wc_prog p;

	assert_int_equal(wc_branches(&p, MILLION, 1), 0);
	assert_int_equal(verify(&p, 0, 0, &res), -E2BIG);
	assert_non_null(strstr(res.message, "too complex: more than 8192 branches pending"));
	assert_true(res.insns_processed <= 4 * 8192);
	/* The stack did not change: every pending branch and checkpoint shares it. */
	assert_true(res.peak_state_bytes <= (8193 + res.states_kept) * STORED_STATE + (1 << 20));
	assert_cfg_linear(&res, p.count);
	wc_free(&p);
}

static void test_many_subprograms(void **state)
{
	struct verifier_result res;
	struct wc_prog p;

	assert_int_equal(wc_subprogs_flat(&p, 20000), 0);
	assert_int_equal(verify(&p, 0, 0, &res), 0);
	assert_cfg_linear(&res, p.count);
	wc_free(&p);
}

/* Each subprogram called only by the next one: a pass per subprogram was quadratic. */
static void test_subprogram_chain(void **state)
{
	struct verifier_result res;
	struct wc_prog p;

	assert_int_equal(wc_subprog_chain(&p, 400000), 0);
	assert_int_equal(verify(&p, 0, 0, &res), -EACCES);
	assert_non_null(strstr(res.message, "call stack too deep"));
	assert_cfg_linear(&res, p.count);
	wc_free(&p);

	/* Within the call depth, the same shape verifies. */
	assert_int_equal(wc_subprog_chain(&p, 7), 0);
	assert_int_equal(verify(&p, 0, 0, &res), 0);
	wc_free(&p);
}

/*
 * Eight frames of full stacks and a loop in the innermost: every checkpoint shares the seven
 * caller frames with the one before it, so a checkpoint costs about one frame, not eight.
 */
static void test_deep_calls_share_frames(void **state)
{
	struct verifier_result res;
	struct wc_prog p;

	assert_int_equal(wc_deep_calls(&p, EBPF_MAX_CALL_DEPTH, 20000), 0);
	assert_int_equal(verify_exact(&p, 0, 0, &res), 0);
	assert_true(res.states_kept >= 4000);
	assert_true(res.peak_state_bytes <= res.states_kept * STORED_STATE +
						2 * EBPF_MAX_CALL_DEPTH * FULL_FRAME + (1 << 20));
	assert_compares_linear(&res);
	wc_free(&p);
}

/*
 * Paths that multiply, at depth 8, each differing from the others only in the outermost frame's
 * stack: every comparison is as expensive as it gets, and there are at most a few per
 * instruction processed.
 */
static void test_deep_diamonds_compares(void **state)
{
	struct verifier_result res;
	struct wc_prog p;

	assert_int_equal(wc_deep_diamonds(&p, EBPF_MAX_CALL_DEPTH, 2000), 0);
	/* The slots' values are never needed: with precision tracking the paths prune each
	 * other (accepted). Compared whole, as here, they do not. */
	precise_all = true;
	assert_int_equal(verify(&p, 200000, 0, &res), -E2BIG);
	precise_all = false;
	assert_non_null(strstr(res.message, "more than 200000 instructions processed"));
	assert_true(res.states_compared >= res.insns_processed / 4);
	assert_compares_linear(&res);
	assert_true(res.peak_state_bytes <=
		    res.states_kept * (2 * FULL_FRAME + sizeof(struct snode)) + (8 << 20));
	wc_free(&p);
}

/* Past the memory budget the walk stops with "too complex", naming the limit and where. */
static void test_memory_budget(void **state)
{
	struct verifier_result res;
	struct wc_prog p;

	assert_int_equal(wc_deep_calls(&p, EBPF_MAX_CALL_DEPTH, 20000), 0);
	assert_int_equal(verify_exact(&p, 0, 4 << 20, &res), -E2BIG);
	assert_non_null(strstr(res.message, "too complex: the verifier's states hold more than "
					    "4 MiB"));
	assert_true(res.insn >= 0);
	assert_true(res.peak_state_bytes <= (4 << 20) + 2 * FULL_FRAME + sizeof(struct snode));
	wc_free(&p);

	/* A straight loop too. */
	assert_int_equal(wc_stack_loop(&p, 100000), 0);
	assert_int_equal(verify_exact(&p, 0, 1 << 20, &res), -E2BIG);
	assert_non_null(strstr(res.message, "states hold more than 1 MiB"));
	wc_free(&p);
}

/*
 * A loop whose iterations differ only in a stack slot: its checkpoints in progress must not
 * fall into one bucket of the loop detector (every visit compared with every iteration).
 */
static void test_stack_loop_compares(void **state)
{
	static const uint32_t iters[] = { 1000, 50000 };
	struct verifier_result res;
	struct wc_prog p;

	for (size_t i = 0; i < 2; i++) {
		assert_int_equal(wc_stack_loop(&p, iters[i]), 0);
		assert_int_equal(verify_exact(&p, 0, 0, &res), 0);
		assert_true(res.insns_processed >= 4ull * iters[i]);
		assert_true(res.states_compared <= res.insns_processed);
		wc_free(&p);
	}
}

/* A loop that does not end within the limit: refused, the work bounded by the limit. */
static void test_long_loop_refused(void **state)
{
	struct verifier_result res;
	struct wc_prog p;

	assert_int_equal(wc_stack_loop(&p, 400000), 0);
	assert_int_equal(verify_exact(&p, 200000, 0, &res), -EACCES);
	assert_non_null(strstr(res.message, "bound cannot be proven within the complexity limit"));
	assert_true(res.insns_processed <= 200001);
	assert_true(res.states_compared <= res.insns_processed);
	/* The stack changes every iteration: a checkpoint holds a frame and its stack. */
	assert_true(res.peak_state_bytes <=
		    (res.states_kept + 2) * (FULL_FRAME + sizeof(struct snode)) + HIST_BYTES(res) +
			(64 << 10));
	wc_free(&p);
}

/*
 * The same loops walked by abstraction (loop.c): the work does not depend on the trip count,
 * a counter on the stack and eight full frames around the loop included.
 */
static void test_loops_by_abstraction(void **state)
{
	static const uint32_t iters[] = { 1000, 50000, 400000, 2000000 };
	struct verifier_result res, first;
	struct wc_prog p;

	for (size_t i = 0; i < 4; i++) {
		assert_int_equal(wc_stack_loop(&p, iters[i]), 0);
		assert_int_equal(verify(&p, 0, 0, &res), 0);
		assert_true(res.loop_invariants >= 1);
		if (!i)
			first = res;
		/* Exact walking costs 4 instructions per iteration. */
		assert_true(res.insns_processed <= first.insns_processed + 64);
		assert_true(res.insns_processed < iters[i]);
		assert_compares_linear(&res);
		wc_free(&p);

		assert_int_equal(wc_deep_calls(&p, EBPF_MAX_CALL_DEPTH, iters[i]), 0);
		assert_int_equal(verify(&p, 0, 4 << 20, &res), 0);
		assert_true(res.insns_processed < 2000);
		wc_free(&p);
	}
}

/* ---- frame sharing (state.c) -------------------------------------------------------------- */

static void set_reg(struct reg *r, void *arg)
{
	if (r->type == SCALAR && r->var.value == 7)
		reg_mark_const(r, *(uint64_t *)arg);
}

/*
 * A copy shares the caller frames of the last checkpoint; changing one of them through
 * state_foreach_reg copies it first, leaving the checkpoint as it was; every byte is returned.
 */
static void test_shared_frame_copy_on_write(void **state)
{
	struct state_mem mem = { 0, 0 };
	struct snode *last = calloc(1, sizeof(*last));
	struct vstate *cur = state_new(&mem), *copy;
	uint64_t v = 9;

	assert_non_null(last);
	assert_non_null(cur);
	cur->frames[0] = frame_new(&mem);
	cur->frames[1] = frame_new(&mem);
	cur->curframe = 1;
	reg_mark_const(&cur->frames[0]->regs[6], 7);
	assert_int_equal(state_snapshot(&last->st, cur), 0);
	cur->parent = last;

	copy = state_copy(cur);
	assert_non_null(copy);
	assert_ptr_equal(copy->frames[0], last->st.frames[0]); /* unchanged: shared */
	assert_ptr_not_equal(copy->frames[1], cur->frames[1]);
	state_foreach_reg(copy, set_reg, &v);
	assert_false(copy->oom);
	assert_ptr_not_equal(copy->frames[0], last->st.frames[0]);
	assert_int_equal(copy->frames[0]->regs[6].var.value, 9);
	assert_int_equal(last->st.frames[0]->regs[6].var.value, 7);
	assert_int_equal(cur->frames[0]->regs[6].var.value, 7);

	/* A state that becomes current owns every frame. */
	state_free(copy);
	copy = state_copy(cur);
	assert_non_null(copy);
	assert_int_equal(copy->frames[0]->refcnt, 2);
	assert_int_equal(state_unshare(copy), 0);
	assert_int_equal(copy->frames[0]->refcnt, 1);
	assert_int_equal(last->st.frames[0]->refcnt, 1);

	state_free(copy);
	state_free(cur);
	state_free_frames(&last->st);
	free(last);
	assert_int_equal(mem.bytes, 0);
	assert_true(mem.peak > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_straight_line_million),
		cmocka_unit_test(test_backward_chain_million),
		cmocka_unit_test(test_decided_branches_million),
		cmocka_unit_test(test_undecided_branches_pruned),
		cmocka_unit_test(test_undecided_branches_million),
		cmocka_unit_test(test_many_subprograms),
		cmocka_unit_test(test_subprogram_chain),
		cmocka_unit_test(test_deep_calls_share_frames),
		cmocka_unit_test(test_deep_diamonds_compares),
		cmocka_unit_test(test_memory_budget),
		cmocka_unit_test(test_stack_loop_compares),
		cmocka_unit_test(test_long_loop_refused),
		cmocka_unit_test(test_loops_by_abstraction),
		cmocka_unit_test(test_shared_frame_copy_on_write),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
