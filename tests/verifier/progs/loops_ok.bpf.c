// SPDX-License-Identifier: GPL-2.0
/*
 * Loops whose trip count does not matter (issue 20): the verifier walks them by abstraction
 * (joined and widened states at the loop head, src/verifier/loop.c), so a scan of 4,096 bytes
 * costs about what one of 32 does. Each program writes what it computed into `result`.
 * loops_bad.bpf.c holds the unsafe twins.
 */
#include "loops.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} result SEC(".maps");

static __always_inline void put(__u32 key, __u64 value)
{
	bpf_map_update_elem(&result, &key, &value, BPF_ANY);
}

/* Two branches per byte: zero bytes, and bytes with the top bit set. */
static __always_inline int scan(__u32 n)
{
	struct blob *b = get_blob();
	__u64 zeros = 0, high = 0;
	__u32 i;

	if (!b)
		return XDP_ABORTED;
#pragma clang loop unroll(disable)
	for (i = 0; i < n; i++) {
		if (b->bytes[i] == 0)
			zeros++;
		else if (b->bytes[i] & 0x80)
			high++;
	}
	put(0, zeros);
	put(1, high);
	return XDP_PASS;
}

SEC("xdp")
int scan_32(struct xdp_md *ctx)
{
	return scan(32);
}

SEC("xdp")
int scan_4096(struct xdp_md *ctx)
{
	return scan(4096);
}

/* Up to n packet bytes, each proven against data_end before it is read. */
static __always_inline int packet_scan(struct xdp_md *ctx, __u32 n)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	__u64 sum = 0;
	__u32 i;

#pragma clang loop unroll(disable)
	for (i = 0; i < n; i++) {
		__u8 *p = data + i;

		if ((void *)(p + 1) > end)
			break;
		sum += *p;
	}
	put(0, sum);
	put(1, i);
	return XDP_PASS;
}

SEC("xdp")
int packet_scan_64(struct xdp_md *ctx)
{
	return packet_scan(ctx, 64);
}

SEC("xdp")
int packet_scan_1500(struct xdp_md *ctx)
{
	return packet_scan(ctx, 1500);
}

/* The first 0xff byte, if any: a while loop left by either of two breaks. */
SEC("xdp")
int find_ff(struct xdp_md *ctx)
{
	struct blob *b = get_blob();
	__u32 i = 0;

	if (!b)
		return XDP_ABORTED;
	while (1) {
		if (i >= sizeof(b->bytes))
			break;
		if (b->bytes[i] == 0xff)
			break;
		i++;
	}
	put(0, i);
	return XDP_PASS;
}

/* Counting down from the end, two bytes a step. */
SEC("xdp")
int count_down_pairs(struct xdp_md *ctx)
{
	struct blob *b = get_blob();
	__u64 sum = 0;
	int i;

	if (!b)
		return XDP_ABORTED;
#pragma clang loop unroll(disable)
	for (i = sizeof(b->bytes) - 2; i >= 0; i -= 2)
		sum += b->bytes[i] ^ b->bytes[i + 1];
	put(0, sum);
	return XDP_PASS;
}

/*
 * The bound after the loop comes from its conditions: i < n && i < 1000 (n up to 65535), and
 * i < n with n <= 1000 checked before the loop (a bound in a register: no constant in the
 * body). The widened invariant stops at the guards' bounds, so i <= 1000 after the loop and
 * the loop is not walked 1,000 times.
 */
SEC("xdp")
int bound_by_both(struct xdp_md *ctx)
{
	BOUNDED_SUM(0xffff, LOOP_BOUND);
}

SEC("xdp")
int bound_in_register(struct xdp_md *ctx)
{
	BOUNDED_SUM(LOOP_BOUND, LOOP_BOUND + 1);
}

char _license[] SEC("license") = "GPL";
