// SPDX-License-Identifier: GPL-2.0
/*
 * The unsafe twins of loops_ok.bpf.c: each must stay refused however its loop is walked.
 */
#include "loops.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} limit SEC(".maps");

/* i <= 4096: the last iteration reads one byte past the value. */
SEC("xdp")
int scan_one_past(struct xdp_md *ctx)
{
	struct blob *b = get_blob();
	__u64 zeros = 0;
	__u32 i;

	if (!b)
		return XDP_ABORTED;
#pragma clang loop unroll(disable)
	for (i = 0; i <= sizeof(b->bytes); i++)
		if (b->bytes[i] == 0)
			zeros++;
	return (int)zeros;
}

/* Two branches per byte (clang moves the second one out of the loop's range), i <= 4096. */
SEC("xdp")
int scan2_one_past(struct xdp_md *ctx)
{
	struct blob *b = get_blob();
	__u64 zeros = 0, high = 0;
	__u32 i;

	if (!b)
		return XDP_ABORTED;
#pragma clang loop unroll(disable)
	for (i = 0; i <= sizeof(b->bytes); i++) {
		if (b->bytes[i] == 0)
			zeros++;
		else if (b->bytes[i] & 0x80)
			high++;
	}
	return (int)(zeros + high);
}

/* The out-of-line branch restarts the scan: no bound on the iterations. */
SEC("xdp")
int scan2_cold_reset(struct xdp_md *ctx)
{
	struct blob *b = get_blob();
	__u64 zeros = 0;
	__u32 i;

	if (!b)
		return XDP_ABORTED;
#pragma clang loop unroll(disable)
	for (i = 0; i < sizeof(b->bytes); i++) {
		if (b->bytes[i] == 0)
			zeros++;
		else if (b->bytes[i] & 0x80)
			i = 0;
	}
	return (int)zeros;
}

/* The out-of-line branch steps back two bytes: the counter moves both ways. */
SEC("xdp")
int scan2_cold_back(struct xdp_md *ctx)
{
	struct blob *b = get_blob();
	__u64 zeros = 0;
	__u32 i;

	if (!b)
		return XDP_ABORTED;
#pragma clang loop unroll(disable)
	for (i = 2; i < sizeof(b->bytes); i++) {
		if (b->bytes[i] == 0)
			zeros++;
		else if (b->bytes[i] & 0x80)
			i -= 2;
	}
	return (int)zeros;
}

/* data_end checked once before the loop, not for each byte. */
SEC("xdp")
int packet_scan_unchecked(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	__u8 *p = data;
	__u64 sum = 0;
	__u32 i;

	if ((void *)(p + 1) > end)
		return XDP_PASS;
#pragma clang loop unroll(disable)
	for (i = 0; i < 1500; i++)
		sum += p[i];
	return (int)sum;
}

/* The bound is a map value nothing bounds: 2^64 iterations. */
SEC("xdp")
int unbounded_counter(struct xdp_md *ctx)
{
	struct blob *b = get_blob();
	__u32 key = 0;
	__u64 *n = bpf_map_lookup_elem(&limit, &key), sum = 0, i;

	if (!b || !n)
		return XDP_ABORTED;
#pragma clang loop unroll(disable)
	for (i = 0; i < *n; i++)
		sum += b->bytes[i & 4095];
	return (int)sum;
}

/* The counter moves by a byte of the map value: maybe 0. */
SEC("xdp")
int unknown_step(struct xdp_md *ctx)
{
	struct blob *b = get_blob();
	__u64 sum = 0;
	__u32 i;

	if (!b)
		return XDP_ABORTED;
#pragma clang loop unroll(disable)
	for (i = 0; i < 4096; i += b->bytes[i])
		sum++;
	return (int)sum;
}

/* The inner counter's bound is unbounded, the outer one is fine. */
SEC("xdp")
int nested_inner_unbounded(struct xdp_md *ctx)
{
	struct blob *b = get_blob();
	__u32 key = 0;
	__u64 *n = bpf_map_lookup_elem(&limit, &key), sum = 0, i, j;

	if (!b || !n)
		return XDP_ABORTED;
#pragma clang loop unroll(disable)
	for (i = 0; i < 64; i++) {
#pragma clang loop unroll(disable)
		for (j = 0; j < *n; j++)
			sum += b->bytes[(i * 64 + j) & 4095];
	}
	return (int)sum;
}

/* One past each bound of loops_ok.bpf.c's bound_by_both and bound_in_register. */
SEC("xdp")
int bound_by_both_past(struct xdp_md *ctx)
{
	BOUNDED_SUM(0xffff, LOOP_BOUND + 1);
}

SEC("xdp")
int bound_in_register_past(struct xdp_md *ctx)
{
	BOUNDED_SUM(LOOP_BOUND + 1, LOOP_BOUND + 2);
}

char _license[] SEC("license") = "GPL";
