// SPDX-License-Identifier: (MIT OR GPL-2.0)
/*
 * Katran-style XDP load balancer: find the VIP of a TCP/UDP packet, pick a real server from a
 * consistent-hashing ring, encapsulate IP-in-IP (bpf_xdp_adjust_head grows the headroom, then
 * every packet pointer is re-derived and re-checked) and bounce the packet out (XDP_TX).
 * Program type xdp comes from the packet extension.
 */
#include <stddef.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#define RING_SIZE 64

struct vip_definition {
	__u32 addr;
	__u16 port;
	__u8 proto;
	__u8 pad;
};

struct vip_meta {
	__u32 flags;
	__u32 vip_num;
};

struct real_definition {
	__u32 addr;
	__u8 mac[ETH_ALEN];
	__u8 pad[2];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 512);
	__type(key, struct vip_definition);
	__type(value, struct vip_meta);
} vip_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 512 * RING_SIZE);
	__type(key, __u32);
	__type(value, __u32);
} ch_rings SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, struct real_definition);
} reals SEC(".maps");

static __always_inline __u16 csum_fold(__u64 csum)
{
	csum = (csum & 0xffff) + (csum >> 16);
	csum = (csum & 0xffff) + (csum >> 16);
	return ~csum;
}

static __always_inline __u16 ip_checksum(struct iphdr *ip)
{
	__u16 *word = (__u16 *)ip;
	__u64 csum = 0;

#pragma unroll
	for (int i = 0; i < (int)sizeof(*ip) / 2; i++)
		csum += word[i];
	return csum_fold(csum);
}

static __always_inline int encap_ipip(struct xdp_md *ctx, const struct real_definition *dst,
				      __u32 saddr, __u16 inner_len)
{
	struct ethhdr *new_eth, *old_eth;
	void *data, *data_end;
	struct iphdr *outer;

	if (bpf_xdp_adjust_head(ctx, 0 - (int)sizeof(struct iphdr)))
		return -1;
	/* The adjustment invalidated every packet pointer: derive and check them again. */
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	new_eth = data;
	outer = data + sizeof(struct ethhdr);
	old_eth = data + sizeof(struct iphdr);
	if ((void *)(new_eth + 1) > data_end || (void *)(old_eth + 1) > data_end ||
	    (void *)(outer + 1) > data_end)
		return -1;
	__builtin_memcpy(new_eth->h_source, old_eth->h_dest, ETH_ALEN);
	__builtin_memcpy(new_eth->h_dest, dst->mac, ETH_ALEN);
	new_eth->h_proto = bpf_htons(ETH_P_IP);
	outer->version = 4;
	outer->ihl = 5;
	outer->tos = 0;
	outer->tot_len = bpf_htons(inner_len + sizeof(struct iphdr));
	outer->id = 0;
	outer->frag_off = 0;
	outer->ttl = 64;
	outer->protocol = IPPROTO_IPIP;
	outer->check = 0;
	outer->saddr = saddr;
	outer->daddr = dst->addr;
	outer->check = ip_checksum(outer);
	return 0;
}

SEC("xdp")
int balancer_ingress(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct vip_definition vip = {};
	struct real_definition *real;
	struct vip_meta *meta;
	struct udphdr *l4;
	struct iphdr *ip;
	__u32 ring_pos, *real_num, saddr;
	__u16 tot_len;

	if ((void *)(eth + 1) > data_end)
		return XDP_DROP;
	if (eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > data_end)
		return XDP_DROP;
	if (ip->ihl != 5 || (ip->protocol != IPPROTO_TCP && ip->protocol != IPPROTO_UDP))
		return XDP_PASS;
	l4 = (void *)(ip + 1);
	if ((void *)(l4 + 1) > data_end)
		return XDP_DROP;
	vip.addr = ip->daddr;
	vip.port = l4->dest;
	vip.proto = ip->protocol;
	meta = bpf_map_lookup_elem(&vip_map, &vip);
	if (!meta)
		return XDP_PASS;
	ring_pos = meta->vip_num * RING_SIZE + ((ip->saddr ^ l4->source) % RING_SIZE);
	real_num = bpf_map_lookup_elem(&ch_rings, &ring_pos);
	if (!real_num)
		return XDP_DROP;
	real = bpf_map_lookup_elem(&reals, real_num);
	if (!real)
		return XDP_DROP;
	saddr = ip->saddr;
	tot_len = bpf_ntohs(ip->tot_len);
	if (encap_ipip(ctx, real, saddr, tot_len))
		return XDP_DROP;
	return XDP_TX;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
