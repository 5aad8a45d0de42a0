// SPDX-License-Identifier: MIT
/*
 * XDP programs timed side by side with the Linux kernel (bench_kernel.c): the same object is
 * loaded into extbpf and, where bpf() is available, into the kernel, and both run it on the
 * same 64-byte IPv4/UDP packet with a test run (BPF_PROG_TEST_RUN with repeat). The programs
 * are those of issue 21 (an empty one, a hash lookup, a small firewall with an LPM trie, a hash
 * and an array, a hash update per packet) and loops of LPM trie lookups, which time the trie
 * itself from inside a program (a lookup from the host is a bpf() call on Linux, syscall-bound).
 * bench_kernel.c fills the maps.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#define SIDE_ENTRIES	1024
#define SIDE_LPM_OPS	256 /* lookups per run of the LPM loops */
#define SIDE_LPM_STRIDE (7 << 8)

struct v4_key {
	__u32 prefixlen;
	__u32 addr; /* network byte order */
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SIDE_ENTRIES);
	__type(key, __u32);
	__type(value, __u64);
} flows SEC(".maps");

/* /24 prefixes, as bench_maps.c's: 10.(i >> 8).(i & 255).0/24 */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, SIDE_ENTRIES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct v4_key);
	__type(value, __u64);
} routes SEC(".maps");

/* Prefixes of every length from /8 to /32 (a routing table's shape). */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, SIDE_ENTRIES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct v4_key);
	__type(value, __u64);
} mixed SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u16);
	__type(value, __u32);
} ports SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} stats SEC(".maps");

/* The IPv4 header of an Ethernet frame, or NULL. */
static __always_inline struct iphdr *ipv4(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);

	if ((void *)(ip + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return NULL;
	return ip;
}

static __always_inline void count(__u32 slot)
{
	__u64 *n = bpf_map_lookup_elem(&stats, &slot);

	if (n)
		__sync_fetch_and_add(n, 1);
}

SEC("xdp")
int xdp_empty(struct xdp_md *ctx)
{
	return XDP_PASS;
}

SEC("xdp")
int xdp_hash_lookup(struct xdp_md *ctx)
{
	struct iphdr *ip = ipv4(ctx);
	__u32 saddr;

	if (!ip)
		return XDP_PASS;
	saddr = ip->saddr;
	return bpf_map_lookup_elem(&flows, &saddr) ? XDP_DROP : XDP_PASS;
}

/* Deny by source prefix, then by UDP destination port; count what passes. */
SEC("xdp")
int xdp_small_firewall(struct xdp_md *ctx)
{
	void *data_end = (void *)(long)ctx->data_end;
	struct iphdr *ip = ipv4(ctx);
	struct v4_key key = { .prefixlen = 32 };
	struct udphdr *udp;
	__u16 port;

	if (!ip)
		return XDP_PASS;
	key.addr = ip->saddr;
	if (bpf_map_lookup_elem(&mixed, &key)) {
		count(0);
		return XDP_DROP;
	}
	udp = (void *)(ip + 1);
	if (ip->protocol != IPPROTO_UDP || (void *)(udp + 1) > data_end)
		return XDP_PASS;
	port = bpf_ntohs(udp->dest);
	if (bpf_map_lookup_elem(&ports, &port)) {
		count(1);
		return XDP_DROP;
	}
	count(2);
	return XDP_PASS;
}

/* Per-source packet counts, written with an update every packet. */
SEC("xdp")
int xdp_hash_update(struct xdp_md *ctx)
{
	struct iphdr *ip = ipv4(ctx);
	__u64 one = 1;
	__u32 saddr;

	if (!ip)
		return XDP_PASS;
	saddr = ip->saddr;
	bpf_map_update_elem(&flows, &saddr, &one, BPF_ANY);
	return XDP_PASS;
}

/*
 * SIDE_LPM_OPS lookups per run of addresses derived from the packet's source: address i is
 * the source plus i * SIDE_LPM_STRIDE, so a run walks many prefixes. Returns how many matched
 * (in XDP's return value: the test run hands it back).
 */
static __always_inline int lpm_loop(struct xdp_md *ctx, void *map)
{
	struct iphdr *ip = ipv4(ctx);
	struct v4_key key = { .prefixlen = 32 };
	__u32 base, hits = 0;

	if (!ip)
		return 0;
	base = bpf_ntohl(ip->saddr);
	for (__u64 i = 0; i < SIDE_LPM_OPS; i++) {
		__u32 step = (__u32)i;

		/* Keeps clang from folding the counter into the address, which our verifier
		 * could not bound. */
		asm volatile("" : "+r"(step));
		key.addr = bpf_htonl(base + step * SIDE_LPM_STRIDE);
		if (bpf_map_lookup_elem(map, &key))
			hits++;
	}
	return (int)hits;
}

SEC("xdp")
int xdp_lpm_routes(struct xdp_md *ctx)
{
	return lpm_loop(ctx, &routes);
}

SEC("xdp")
int xdp_lpm_mixed(struct xdp_md *ctx)
{
	return lpm_loop(ctx, &mixed);
}

/* The loop without lookups: subtracted from the two above. */
SEC("xdp")
int xdp_lpm_none(struct xdp_md *ctx)
{
	struct iphdr *ip = ipv4(ctx);
	__u32 base, sum = 0;

	if (!ip)
		return 0;
	base = bpf_ntohl(ip->saddr);
	for (__u64 i = 0; i < SIDE_LPM_OPS; i++) {
		__u32 step = (__u32)i, addr;

		asm volatile("" : "+r"(step));
		addr = bpf_htonl(base + step * SIDE_LPM_STRIDE);
		asm volatile("" : "+r"(addr));
		sum += addr & 1;
	}
	return (int)sum;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
