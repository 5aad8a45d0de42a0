// SPDX-License-Identifier: GPL-2.0
/*
 * A packet filter written as for XDP: parses Ethernet, IPv4 (with options) and the UDP or TCP
 * destination port, counts packets per IP protocol, checks the header checksum (headers without
 * options), decrements the TTL updating the checksum as Linux's ip_decrease_ttl. Returns -1
 * (drop: malformed, bad checksum or TTL expired), 0 (pass untouched: not IPv4), 1 (forward) or 2
 * (forward, but to port 22, flagged); the port goes to ctx->flags.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "../../extensions/sample/sample_ext.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 256);
	__type(key, __u32);
	__type(value, __u64);
} proto_count SEC(".maps");

__u64 ip_bytes;

/* RFC 1071 over a header without options: 0 when its checksum field is right. */
static __always_inline __u16 ip_checksum(const __u16 *words)
{
	__u32 sum = 0;

#pragma unroll
	for (int i = 0; i < (int)sizeof(struct iphdr) / 2; i++)
		sum += words[i];
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)~sum;
}

/* Linux's ip_decrease_ttl: the checksum follows the TTL's change without a full sum. */
static __always_inline void ip_decrease_ttl(struct iphdr *ip)
{
	__u32 check = ip->check;

	check += bpf_htons(0x0100);
	ip->check = (__u16)(check + (check >= 0xffff));
	ip->ttl--;
}

static __always_inline int dest_port(struct iphdr *ip, void *data_end, __u16 *port)
{
	void *l4 = (void *)ip + (ip->ihl & 0xf) * 4;

	if (ip->protocol == IPPROTO_UDP) {
		struct udphdr *udp = l4;

		if ((void *)(udp + 1) > data_end)
			return -1;
		*port = bpf_ntohs(udp->dest);
		return 0;
	}
	if (ip->protocol == IPPROTO_TCP) {
		struct tcphdr *tcp = l4;

		if ((void *)(tcp + 1) > data_end)
			return -1;
		*port = bpf_ntohs(tcp->dest);
		return 0;
	}
	*port = 0;
	return 0;
}

SEC("sample_ext")
int packet_filter(struct sample_ctx *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip;
	__u32 proto;
	__u64 *count;
	__u16 port;

	if ((void *)(eth + 1) > data_end)
		return -1;
	if (eth->h_proto != bpf_htons(ETH_P_IP))
		return 0;
	ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > data_end || ip->ihl < 5 || ip->version != 4)
		return -1;
	proto = ip->protocol;
	count = bpf_map_lookup_elem(&proto_count, &proto);
	if (count)
		__sync_fetch_and_add(count, 1);
	ip_bytes += bpf_ntohs(ip->tot_len);
	if (ip->ihl == 5 && ip_checksum((const __u16 *)ip))
		return -1;
	if (ip->ttl <= 1)
		return -1;
	if (dest_port(ip, data_end, &port))
		return -1;
	ip_decrease_ttl(ip);
	ctx->flags = port;
	return port == 22 ? 2 : 1;
}

char LICENSE[] SEC("license") = "GPL";
