// SPDX-License-Identifier: GPL-2.0
/*
 * can_loop and cond_break (Linux's bpf_experimental.h, in its encoding for compilers without a
 * may_goto mnemonic): loops bounded by the budget of the function's call, not by a trip count
 * the verifier proves. The last two are unsafe twins: may_goto bounds the loop, never an index.
 */
#include "loops.h"

#include "may_goto.h"

char LICENSE[] SEC("license") = "GPL";

/* A sum with no bound but the budget. */
SEC("xdp")
int sum_while_can_loop(struct xdp_md *ctx)
{
	__u64 i = 0, sum = 0;

	while (can_loop) {
		sum += i;
		i++;
	}
	return sum & 1;
}

/* A scan of the blob, bounds-checked, until a zero byte or the budget ends it. */
SEC("xdp")
int scan_cond_break(struct xdp_md *ctx)
{
	struct blob *b = get_blob();
	__u32 i = 0, n = 0;

	if (!b)
		return XDP_ABORTED;
	for (;;) {
		if (i >= sizeof(b->bytes) || !b->bytes[i])
			break;
		n += b->bytes[i] & 1;
		i++;
		cond_break;
	}
	return n & 1;
}

/* Unsafe: the budget stops the loop, but the index runs past the blob long before. */
SEC("xdp")
int scan_without_bounds_check(struct xdp_md *ctx)
{
	struct blob *b = get_blob();
	__u32 i = 0, n = 0;

	if (!b)
		return XDP_ABORTED;
	while (can_loop) {
		if (!b->bytes[i])
			break;
		n++;
		i++;
	}
	return n & 1;
}

/* Unsafe: the counter after a budget-bounded loop is bounded by nothing. */
SEC("xdp")
int index_after_loop(struct xdp_md *ctx)
{
	struct blob *b = get_blob();
	__u32 i = 0;

	if (!b)
		return XDP_ABORTED;
	while (can_loop)
		i++;
	return b->bytes[i];
}
