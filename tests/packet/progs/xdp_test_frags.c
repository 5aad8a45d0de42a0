// SPDX-License-Identifier: MIT
/*
 * Multi-buffer XDP programs (section xdp.frags): they handle frames of one buffer too, which are
 * the only frames here. xdp_frags flips the first byte through bpf_xdp_load_bytes and
 * bpf_xdp_store_bytes (the helpers such programs use instead of direct access past the first
 * buffer) and returns XDP_TX when bpf_xdp_get_buff_len gives the frame's length. The others are
 * unsafe twins the verifier refuses, frags or not.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp.frags")
int xdp_frags(struct xdp_md *ctx)
{
	__u32 len = bpf_xdp_get_buff_len(ctx);
	__u8 head[4];

	if (bpf_xdp_load_bytes(ctx, 0, head, sizeof(head)))
		return XDP_ABORTED;
	head[0] ^= 0xff;
	if (bpf_xdp_store_bytes(ctx, 0, head, sizeof(head)))
		return XDP_ABORTED;
	return len == ctx->data_end - ctx->data ? XDP_TX : XDP_DROP;
}

/* Reads the first byte without comparing against data_end. */
SEC("xdp.frags")
int xdp_frags_unchecked(struct xdp_md *ctx)
{
	__u8 *p = (void *)(long)ctx->data;

	return *p;
}

/* Loads 8 bytes into a 4-byte buffer. */
SEC("xdp.frags")
int xdp_frags_overflow(struct xdp_md *ctx)
{
	__u8 head[4];

	return bpf_xdp_load_bytes(ctx, 0, head, 8) ? XDP_ABORTED : head[0];
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
