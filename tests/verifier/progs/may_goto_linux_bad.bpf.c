// SPDX-License-Identifier: GPL-2.0
/*
 * The unsafe twins of may_goto_linux.bpf.c, and Linux's may_goto_c_code shape, which reads a
 * stack array its first loop may have left unwritten had the budget cut it (Linux accepts it
 * from a privileged loader, which may read uninitialised stack; extbpf never allows that).
 */
#include "may_goto_linux.h"

/* Refused: Linux's may_goto_c_code, tmp read where the verifier cannot know it written. */
SEC("xdp")
int three_loops_uninit_stack(struct xdp_md *ctx)
{
	THREE_LOOPS();
}

/* Unsafe: the budget bounds the scan, but an index from a global has no bound at all. */
SEC("xdp")
int scan_without_count(struct xdp_md *ctx)
{
	__u64 i;
	__u32 sum = 0;

	for (i = zero; can_loop; i++) {
		opaque(i);
		sum += arr[i];
	}
	return sum;
}

/* Unsafe: one element past the array, on the loop's last lap. */
SEC("xdp")
int scan_one_past(struct xdp_md *ctx)
{
	__u64 i;
	__u32 sum = 0;

	for (i = zero; i <= ARR_LEN; i++) {
		opaque(i);
		sum += arr[i];
		cond_break;
	}
	return sum;
}

/* Unsafe: the nested loops' counter indexes the array after both are done. */
SEC("xdp")
int nested_counter_after(struct xdp_md *ctx)
{
	__u64 i, j, n = zero;

	for (i = 0; i < 1000 && can_loop; i++)
		for (j = 0; j < 1000; j++) {
			n++;
			cond_break;
		}
	return arr[n];
}

/* Unsafe: the callbacks' budgets bound their loops, not the count they leave in the caller. */
SEC("xdp")
int callback_count_as_index(struct xdp_md *ctx)
{
	__u64 n = 0;

	bpf_loop(2, count_to_budget, &n, 0);
	return arr[n];
}
