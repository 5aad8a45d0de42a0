// SPDX-License-Identifier: MIT
/*
 * A firewall with deny lists: IPv4 and IPv6 source prefixes in LPM tries (`deny_v4`,
 * `deny_v6`, keys { prefix length, address }) and destination ports in a hash (`deny_port`,
 * TCP and UDP, host byte order). Matching packets are dropped and counted per rule kind in
 * `drops`; everything else passes. Fill the maps with `extbpf xdp run --map`, e.g.
 * --map deny_v4=10.1.0.0/24:1 --map deny_port=53:1.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

struct v4_key {
	__u32 prefixlen;
	__u32 addr; /* network byte order */
};

struct v6_key {
	__u32 prefixlen;
	__u8 addr[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 1024);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct v4_key);
	__type(value, __u32);
} deny_v4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 1024);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct v6_key);
	__type(value, __u32);
} deny_v6 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u16);
	__type(value, __u32);
} deny_port SEC(".maps");

enum { DROP_V4 = 0, DROP_V6, DROP_PORT, DROP_KINDS };

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, DROP_KINDS);
	__type(key, __u32);
	__type(value, __u64);
} drops SEC(".maps");

static __always_inline int drop(__u32 kind)
{
	__u64 *n = bpf_map_lookup_elem(&drops, &kind);

	if (n)
		__sync_fetch_and_add(n, 1);
	return XDP_DROP;
}

/* The destination port of a TCP or UDP header at l4, or 0. */
static __always_inline __u16 dst_port(void *l4, void *data_end, __u8 proto)
{
	if (proto == IPPROTO_TCP) {
		struct tcphdr *tcp = l4;

		if ((void *)(tcp + 1) > data_end)
			return 0;
		return bpf_ntohs(tcp->dest);
	}
	if (proto == IPPROTO_UDP) {
		struct udphdr *udp = l4;

		if ((void *)(udp + 1) > data_end)
			return 0;
		return bpf_ntohs(udp->dest);
	}
	return 0;
}

static __always_inline int port_denied(__u16 port)
{
	return port && bpf_map_lookup_elem(&deny_port, &port);
}

SEC("xdp")
int xdp_firewall(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;

	if ((void *)(eth + 1) > data_end)
		return XDP_PASS;
	if (eth->h_proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip = (void *)(eth + 1);
		struct v4_key key = { .prefixlen = 32 };

		if ((void *)(ip + 1) > data_end)
			return XDP_PASS;
		key.addr = ip->saddr;
		if (bpf_map_lookup_elem(&deny_v4, &key))
			return drop(DROP_V4);
		if (ip->ihl != 5) /* options: this example does not parse them */
			return XDP_PASS;
		if (port_denied(dst_port(ip + 1, data_end, ip->protocol)))
			return drop(DROP_PORT);
		return XDP_PASS;
	}
	if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = (void *)(eth + 1);
		struct v6_key key = { .prefixlen = 128 };

		if ((void *)(ip6 + 1) > data_end)
			return XDP_PASS;
		__builtin_memcpy(key.addr, &ip6->saddr, sizeof(key.addr));
		if (bpf_map_lookup_elem(&deny_v6, &key))
			return drop(DROP_V6);
		if (port_denied(dst_port(ip6 + 1, data_end, ip6->nexthdr)))
			return drop(DROP_PORT);
	}
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
