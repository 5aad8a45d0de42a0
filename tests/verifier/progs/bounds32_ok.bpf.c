// SPDX-License-Identifier: GPL-2.0
/*
 * Loops and bounds checks on 32-bit counters and indexes. Built with -mcpu=v3 too, where clang
 * computes them with 32-bit ALU and compares them with 32-bit jumps: the verifier must bound
 * the low halves on their own (signed ranges across zero, unknown upper halves).
 * bounds32_bad.bpf.c holds the unsafe twins.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64[8]);
} rows SEC(".maps");

static __always_inline __u64 *row_of(__u32 key)
{
	return bpf_map_lookup_elem(&rows, &key);
}

/* A signed counter counting down to zero: i - 1 is -1 when the loop ends. */
SEC("xdp")
int count_down(struct xdp_md *ctx)
{
	__u64 *row = row_of(0), sum = 0;
	int i;

	if (!row)
		return 0;
#pragma clang loop unroll(disable)
	for (i = 7; i >= 0; i--)
		sum += row[i];
	return (int)sum;
}

/* An unsigned counter counting up. */
SEC("xdp")
int count_up(struct xdp_md *ctx)
{
	__u64 *row = row_of(1), sum = 0;
	__u32 i;

#pragma clang loop unroll(disable)
	for (i = 0; i < 8; i++) {
		if (!row)
			break;
		sum += row[i] * i;
	}
	return (int)sum;
}

/* A signed index from the context, checked on both sides. */
SEC("xdp")
int signed_index(struct xdp_md *ctx)
{
	__u64 *row = row_of(2);
	int idx = (int)ctx->rx_queue_index - 100;

	if (!row)
		return 0;
	if (idx < 0)
		return 1;
	if (idx >= 8)
		return 2;
	return (int)row[idx];
}

/* The low half of a 64-bit value from memory is the index. */
SEC("xdp")
int low_half_index(struct xdp_md *ctx)
{
	__u64 *row = row_of(3);
	__u32 idx;

	if (!row)
		return 0;
	idx = (__u32)row[0];
	if (idx > 7)
		return 0;
	return (int)row[idx];
}

/* A signed offset from a midpoint, both ways. */
SEC("xdp")
int around_middle(struct xdp_md *ctx)
{
	__u64 *row = row_of(0);
	int d = (int)ctx->ingress_ifindex;

	if (!row)
		return 0;
	if (d < -4 || d > 3)
		return 0;
	return (int)row[4 + d];
}

char LICENSE[] SEC("license") = "GPL";
