// SPDX-License-Identifier: (MIT OR GPL-2.0)
/*
 * xdp_synproxy_kern.c's shape: an XDP program finds the listener of a SYN's flow and answers
 * with a syncookie (through the packet extension's XDP type). Verify-only.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int xdp_synproxy(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *data_end = (void *)(long)ctx->data_end;
	struct iphdr *iph = data + sizeof(struct ethhdr);
	struct tcphdr *th = (void *)(iph + 1);
	struct bpf_sock_tuple tuple = {};
	struct bpf_sock *sk;
	__s64 cookie = 0;

	if ((void *)(th + 1) > data_end)
		return XDP_PASS;
	tuple.ipv4.saddr = iph->saddr;
	tuple.ipv4.daddr = iph->daddr;
	tuple.ipv4.sport = th->source;
	tuple.ipv4.dport = th->dest;
	sk = bpf_skc_lookup_tcp(ctx, &tuple, sizeof(tuple.ipv4), BPF_F_CURRENT_NETNS, 0);
	if (!sk)
		return XDP_PASS;
	if (sk->state == 10)
		cookie = bpf_tcp_gen_syncookie(sk, iph, sizeof(*iph), th, sizeof(*th));
	else
		cookie = bpf_tcp_check_syncookie(sk, iph, sizeof(*iph), th, sizeof(*th));
	bpf_sk_release(sk);
	return cookie > 0 ? XDP_TX : XDP_DROP;
}

SEC("xdp")
int xdp_udp_lookup(struct xdp_md *ctx)
{
	struct bpf_sock_tuple tuple = {};
	struct bpf_sock *sk = bpf_sk_lookup_udp(ctx, &tuple, sizeof(tuple.ipv6), -1, 0);

	if (!sk)
		return XDP_PASS;
	bpf_sk_release(sk);
	return XDP_DROP;
}

char _license[] SEC("license") = "GPL";
