// SPDX-License-Identifier: GPL-2.0
/*
 * The shapes Linux's own selftests give can_loop and cond_break (verifier_may_goto_2.c,
 * verifier_iterating_callbacks.c's cond_break1..5, iters.c), written again for extbpf:
 * loops with a trip count and the budget both, nested loops sharing one function's budget, a
 * loop in a subprogram with a budget of its own, loops bounded by the budget alone. The
 * results are checked in every engine (run_may_goto_linux.sh) and the verdicts against Linux
 * (extbpf-kdiff over the build's objects); the unsafe twins are in may_goto_linux_bad.bpf.c.
 */
#include "may_goto_linux.h"

/* may_goto_c_code with the array written whole first (Linux's: may_goto_linux_bad.bpf.c). */
SEC("xdp")
int three_loops_on_stack(struct xdp_md *ctx)
{
	THREE_LOOPS(= {});
}

/*
 * A sum bounded by its count and the budget, then a scan of a global array whose index starts
 * from a global (unknown to the verifier) with a cond_break in the body. arr is all zero:
 * sum of 0..ARR_LEN-1, twice, low 32 bits.
 */
SEC("xdp")
int count_and_budget(struct xdp_md *ctx)
{
	__u64 i;
	__u32 sum = 0;

	for (i = 0; i < ARR_LEN && can_loop; i++)
		sum += i;
	for (i = zero; i < ARR_LEN; i++) {
		opaque(i);
		sum += i + arr[i];
		cond_break;
	}
	return sum;
}

/* Nested loops, 1,000 x 1,000, sharing the function's budget (1,001,000 of 8 M). */
SEC("xdp")
int nested_share_budget(struct xdp_md *ctx)
{
	int i, j, sum = 0;

	for (i = 0; i < 1000 && can_loop; i++)
		for (j = 0; j < 1000; j++) {
			sum += i + j;
			cond_break;
		}
	return sum;
}

static __noinline int sum_to_a_million(void)
{
	long i;
	int sum = 0;

	for (i = 0; i <= 1000000 && can_loop; i++)
		sum += i;
	return sum;
}

/* The loop in a subprogram: the budget of that call. */
SEC("xdp")
int loop_in_subprogram(struct xdp_md *ctx)
{
	return sum_to_a_million();
}

/* No count at all: the budget ends it, after EBPF_MAY_GOTO_BUDGET laps. */
SEC("xdp")
int budget_alone(struct xdp_md *ctx)
{
	int cnt = 0;

	for (;;) {
		cond_break;
		cnt++;
	}
	return cnt;
}

static __noinline int budget_alone_sub(void)
{
	int cnt = 0;

	for (;;) {
		cond_break;
		cnt++;
	}
	return cnt;
}

/* The caller's loop and its callee's each run on a budget of their own: 8 M + 8 M. */
SEC("xdp")
int budget_per_call(struct xdp_md *ctx)
{
	int cnt = 0;

	for (;;) {
		cond_break;
		cnt++;
	}
	return cnt + budget_alone_sub();
}

/* A bpf_loop callback's loop: each call of the callback has a budget of its own (8 M + 8 M). */
SEC("xdp")
int budget_per_callback(struct xdp_md *ctx)
{
	__u64 n = 0;

	bpf_loop(2, count_to_budget, &n, 0);
	return n;
}
