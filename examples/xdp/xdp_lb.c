// SPDX-License-Identifier: MIT
/*
 * A layer-4 load balancer: IPv4 TCP and UDP packets for the virtual service 10.0.0.1:80 are
 * sent back out (XDP_TX) to one of up to four backends. The backend is chosen by hashing the
 * client's address and port; its IPv4 address comes from the array map `backends` (network
 * byte order, 0 = slot unused) and, by this example's convention, its MAC address is
 * 02:00:<the four address bytes>. The packet's destination addresses are rewritten and the IP
 * and TCP/UDP checksums updated incrementally (RFC 1624). `lb_stats` counts packets per
 * backend. Other packets pass.
 *
 *	extbpf xdp run xdp_lb.o --pcap in.pcap --out out.pcap \
 *		--map backends=0:10.2.0.1 --map backends=1:10.2.0.2
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#define VIP_ADDR 0x0a000001 /* 10.0.0.1 */
#define VIP_PORT 80
#define BACKENDS 4 /* the hash below yields 2 bits */

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, BACKENDS);
	__type(key, __u32);
	__type(value, __u32);
} backends SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, BACKENDS);
	__type(key, __u32);
	__type(value, __u64);
} lb_stats SEC(".maps");

static __always_inline __u16 csum_fold(__u32 sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)sum;
}

/* RFC 1624: HC' = ~(~HC + ~m + m') for a 32-bit field, one 16-bit half at a time. */
static __always_inline void csum_replace4(__u16 *sum, __u32 from, __u32 to)
{
	__u32 s = (__u16) ~*sum;

	s += (__u16) ~(from & 0xffff) + (__u16) ~(from >> 16);
	s += (to & 0xffff) + (to >> 16);
	*sum = (__u16)~csum_fold(s);
}

/* The L4 checksum field and source port of a TCP or UDP header, or NULL. */
static __always_inline __u16 *l4_fields(void *l4, void *data_end, __u8 proto, __u16 *sport,
					__u16 *dport)
{
	if (proto == IPPROTO_TCP) {
		struct tcphdr *tcp = l4;

		if ((void *)(tcp + 1) > data_end)
			return 0;
		*sport = tcp->source;
		*dport = tcp->dest;
		return &tcp->check;
	}
	if (proto == IPPROTO_UDP) {
		struct udphdr *udp = l4;

		if ((void *)(udp + 1) > data_end)
			return 0;
		*sport = udp->source;
		*dport = udp->dest;
		return &udp->check;
	}
	return 0;
}

SEC("xdp")
int xdp_lb(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	__u16 *l4_check, sport, dport;
	__u32 slot, *backend, old;
	__u64 *count;

	if ((void *)(ip + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	if (ip->ihl != 5 || ip->daddr != bpf_htonl(VIP_ADDR))
		return XDP_PASS;
	l4_check = l4_fields(ip + 1, data_end, ip->protocol, &sport, &dport);
	if (!l4_check || dport != bpf_htons(VIP_PORT))
		return XDP_PASS;
	/* Fibonacci hashing: the top bits of a multiplication mix every input bit. */
	slot = ((bpf_ntohl(ip->saddr) ^ bpf_ntohs(sport)) * 2654435761u) >> 30;
	backend = bpf_map_lookup_elem(&backends, &slot);
	if (!backend || !*backend)
		return XDP_PASS;

	old = ip->daddr;
	ip->daddr = *backend;
	csum_replace4(&ip->check, old, ip->daddr);
	/* The pseudo-header holds the address too; UDP's 0 means "no checksum". */
	if (ip->protocol == IPPROTO_TCP || *l4_check)
		csum_replace4(l4_check, old, ip->daddr);

	__builtin_memcpy(eth->h_source, eth->h_dest, ETH_ALEN);
	eth->h_dest[0] = 0x02;
	eth->h_dest[1] = 0x00;
	__builtin_memcpy(&eth->h_dest[2], &ip->daddr, 4);

	count = bpf_map_lookup_elem(&lb_stats, &slot);
	if (count)
		__sync_fetch_and_add(count, 1);
	return XDP_TX;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
