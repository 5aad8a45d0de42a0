// SPDX-License-Identifier: (MIT OR GPL-2.0)
/*
 * Cilium-style tc ingress: parse Ethernet, then IPv4 or IPv6 in a tail-called program, then
 * TCP/UDP ports; look the flow up in a connection tracking map, create the entry when a policy
 * map allows it, mark the skb and pass the verdict in cb[0]. Only direct packet access, maps and
 * tail calls: nothing kernel-specific.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/pkt_cls.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#define CALL_IPV4    0
#define CALL_IPV6    1
#define MARK_ALLOWED 0x0a00

struct ct_key {
	__u32 saddr;
	__u32 daddr;
	__u16 sport;
	__u16 dport;
	__u8 proto;
	__u8 pad[3];
};

struct ct_entry {
	__u64 packets;
	__u64 bytes;
	__u32 identity;
	__u32 flags;
};

struct policy_key {
	__u16 dport;
	__u8 proto;
	__u8 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 1024);
	__type(key, struct ct_key);
	__type(value, struct ct_entry);
} ct_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, struct policy_key);
	__type(value, __u32);
} policy_map SEC(".maps");

int handle_ipv4(struct __sk_buff *skb);
int handle_ipv6(struct __sk_buff *skb);

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__array(values, int(void *));
} cilium_calls SEC(".maps") = {
	.values = {
		[CALL_IPV4] = (void *)&handle_ipv4,
		[CALL_IPV6] = (void *)&handle_ipv6,
	},
};

/* The L4 ports at l4 (TCP and UDP share their first four bytes). */
static __always_inline int parse_ports(void *l4, void *data_end, struct ct_key *key)
{
	struct udphdr *udp = l4;

	if ((void *)(udp + 1) > data_end)
		return -1;
	key->sport = udp->source;
	key->dport = udp->dest;
	return 0;
}

static __always_inline int policy_verdict(struct __sk_buff *skb, struct ct_key *key)
{
	struct policy_key pk = { .dport = bpf_ntohs(key->dport), .proto = key->proto };
	struct ct_entry *ct, fresh = {};
	__u32 *identity;

	ct = bpf_map_lookup_elem(&ct_map, key);
	if (ct) {
		__sync_fetch_and_add(&ct->packets, 1);
		__sync_fetch_and_add(&ct->bytes, skb->len);
		skb->mark = MARK_ALLOWED | (ct->identity & 0xff);
		return TC_ACT_OK;
	}
	identity = bpf_map_lookup_elem(&policy_map, &pk);
	if (!identity)
		return TC_ACT_SHOT;
	fresh.packets = 1;
	fresh.bytes = skb->len;
	fresh.identity = *identity;
	bpf_map_update_elem(&ct_map, key, &fresh, BPF_NOEXIST);
	skb->mark = MARK_ALLOWED | (fresh.identity & 0xff);
	return TC_ACT_OK;
}

SEC("tc/ipv4")
int handle_ipv4(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct ct_key key = {};
	struct iphdr *ip = data + sizeof(struct ethhdr);
	__u32 hdr_len;
	int verdict;

	if ((void *)(ip + 1) > data_end)
		return TC_ACT_SHOT;
	hdr_len = ip->ihl * 4;
	if (hdr_len < sizeof(*ip))
		return TC_ACT_SHOT;
	key.saddr = ip->saddr;
	key.daddr = ip->daddr;
	key.proto = ip->protocol;
	if (ip->protocol == IPPROTO_TCP || ip->protocol == IPPROTO_UDP) {
		if (parse_ports((void *)ip + hdr_len, data_end, &key))
			return TC_ACT_SHOT;
	}
	verdict = policy_verdict(skb, &key);
	skb->cb[0] = verdict;
	return verdict;
}

SEC("tc/ipv6")
int handle_ipv6(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct ipv6hdr *ip6 = data + sizeof(struct ethhdr);
	struct ct_key key = {};
	int verdict;

	if ((void *)(ip6 + 1) > data_end)
		return TC_ACT_SHOT;
	/* Fold the addresses: the map key is the IPv4 one. */
	key.saddr = ip6->saddr.in6_u.u6_addr32[3] ^ ip6->saddr.in6_u.u6_addr32[0];
	key.daddr = ip6->daddr.in6_u.u6_addr32[3] ^ ip6->daddr.in6_u.u6_addr32[0];
	key.proto = ip6->nexthdr;
	if (ip6->nexthdr == IPPROTO_TCP || ip6->nexthdr == IPPROTO_UDP) {
		if (parse_ports(ip6 + 1, data_end, &key))
			return TC_ACT_SHOT;
	}
	verdict = policy_verdict(skb, &key);
	skb->cb[0] = verdict;
	return verdict;
}

SEC("tc")
int cil_from_netdev(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	void *meta = (void *)(long)skb->data_meta;
	struct ethhdr *eth = data;

	/* Metadata an XDP program in front may have left: a pre-computed identity. */
	if (meta + sizeof(__u32) <= data)
		skb->cb[1] = *(__u32 *)meta;
	if ((void *)(eth + 1) > data_end)
		return TC_ACT_OK;
	skb->cb[0] = 0;
	switch (eth->h_proto) {
	case bpf_htons(ETH_P_IP):
		bpf_tail_call(skb, &cilium_calls, CALL_IPV4);
		break;
	case bpf_htons(ETH_P_IPV6):
		bpf_tail_call(skb, &cilium_calls, CALL_IPV6);
		break;
	default:
		return TC_ACT_OK;
	}
	/* The tail call failed: drop, as Cilium does (DROP_MISSED_TAIL_CALL). */
	return TC_ACT_SHOT;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
