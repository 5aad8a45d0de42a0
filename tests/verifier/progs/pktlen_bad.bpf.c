// SPDX-License-Identifier: GPL-2.0
/* Unsafe twins of pktlen_ok.bpf.c: the length checked proves less than what is read. */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>

/* 13 bytes proven, the protocol field ends at 14. */
SEC("xdp")
int length_one_short(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;

	if (data_end - data < (long)sizeof(struct ethhdr) - 1)
		return XDP_DROP;
	return eth->h_proto == __builtin_bswap16(ETH_P_IP) ? XDP_PASS : XDP_DROP;
}

/* The length checked is counted from the end of the Ethernet header, the read is past it. */
SEC("xdp")
int length_of_another_offset(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	unsigned char *p = data;

	if (data_end - data < 4)
		return XDP_DROP;
	return p[4];
}

char LICENSE[] SEC("license") = "GPL";
