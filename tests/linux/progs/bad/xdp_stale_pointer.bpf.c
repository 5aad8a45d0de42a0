// SPDX-License-Identifier: (MIT OR GPL-2.0)
/* Unsafe twin of katran_encap: writes through a packet pointer taken before
 * bpf_xdp_adjust_head, which may have moved the packet. */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int stale_pointer(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;

	if ((void *)(eth + 1) > data_end)
		return XDP_DROP;
	if (bpf_xdp_adjust_head(ctx, -20))
		return XDP_DROP;
	eth->h_proto = 0;
	return XDP_TX;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
