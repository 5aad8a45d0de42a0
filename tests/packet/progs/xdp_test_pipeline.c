// SPDX-License-Identifier: MIT
/*
 * The pcap end-to-end program: by protocol, UDP is dropped, ICMP/ICMPv6 is sent back (XDP_TX)
 * with its MAC addresses swapped, TCP is redirected to the ifindex in `target[0]`, the rest
 * passes. `seen` counts the packets it ran on.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} target SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} seen SEC(".maps");

SEC("xdp")
int xdp_pipeline(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	__u32 zero = 0, *to;
	__u64 *n = bpf_map_lookup_elem(&seen, &zero);
	__u8 proto = 0, mac[ETH_ALEN];

	if (n)
		__sync_fetch_and_add(n, 1);
	if ((void *)(eth + 1) > data_end)
		return XDP_ABORTED;
	if (eth->h_proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip = (void *)(eth + 1);

		if ((void *)(ip + 1) > data_end)
			return XDP_ABORTED;
		proto = ip->protocol;
	} else if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = (void *)(eth + 1);

		if ((void *)(ip6 + 1) > data_end)
			return XDP_ABORTED;
		proto = ip6->nexthdr;
	}
	if (proto == IPPROTO_UDP)
		return XDP_DROP;
	if (proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6) {
		__builtin_memcpy(mac, eth->h_dest, ETH_ALEN);
		__builtin_memcpy(eth->h_dest, eth->h_source, ETH_ALEN);
		__builtin_memcpy(eth->h_source, mac, ETH_ALEN);
		return XDP_TX;
	}
	if (proto == IPPROTO_TCP) {
		to = bpf_map_lookup_elem(&target, &zero);
		return to ? bpf_redirect(*to, 0) : XDP_ABORTED;
	}
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
