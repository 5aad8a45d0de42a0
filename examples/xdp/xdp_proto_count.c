// SPDX-License-Identifier: MIT
/*
 * Counts packets and bytes per protocol and passes every packet. The counters are the array
 * map `proto_count`, indexed by enum proto_class below; `extbpf xdp run` prints it.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

enum proto_class {
	CLASS_OTHER = 0,
	CLASS_ARP,
	CLASS_IPV4_TCP,
	CLASS_IPV4_UDP,
	CLASS_IPV4_ICMP,
	CLASS_IPV6_TCP,
	CLASS_IPV6_UDP,
	CLASS_IPV6_ICMP,
	CLASS_COUNT,
};

struct counter {
	__u64 packets;
	__u64 bytes;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, CLASS_COUNT);
	__type(key, __u32);
	__type(value, struct counter);
} proto_count SEC(".maps");

static __always_inline __u32 classify_l4(__u8 proto, int v6)
{
	switch (proto) {
	case IPPROTO_TCP:
		return v6 ? CLASS_IPV6_TCP : CLASS_IPV4_TCP;
	case IPPROTO_UDP:
		return v6 ? CLASS_IPV6_UDP : CLASS_IPV4_UDP;
	case IPPROTO_ICMP:
		return v6 ? CLASS_OTHER : CLASS_IPV4_ICMP;
	case IPPROTO_ICMPV6:
		return v6 ? CLASS_IPV6_ICMP : CLASS_OTHER;
	}
	return CLASS_OTHER;
}

static __always_inline __u32 classify(void *data, void *data_end)
{
	struct ethhdr *eth = data;

	if ((void *)(eth + 1) > data_end)
		return CLASS_OTHER;
	if (eth->h_proto == bpf_htons(ETH_P_ARP))
		return CLASS_ARP;
	if (eth->h_proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip = (void *)(eth + 1);

		if ((void *)(ip + 1) > data_end)
			return CLASS_OTHER;
		return classify_l4(ip->protocol, 0);
	}
	if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = (void *)(eth + 1);

		if ((void *)(ip6 + 1) > data_end)
			return CLASS_OTHER;
		return classify_l4(ip6->nexthdr, 1);
	}
	return CLASS_OTHER;
}

SEC("xdp")
int xdp_proto_count(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u32 key = classify(data, data_end);
	struct counter *c = bpf_map_lookup_elem(&proto_count, &key);

	if (c) {
		__sync_fetch_and_add(&c->packets, 1);
		__sync_fetch_and_add(&c->bytes, (__u64)(data_end - data));
	}
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
