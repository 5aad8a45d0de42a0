// SPDX-License-Identifier: GPL-2.0
/* Typical clang output the verifier must accept: packet parsing with bounds checks, bounded
 * loops, map lookups with null checks, 32-bit arithmetic, a switch, register pressure. */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u64[8]);
} table SEC(".maps");

SEC("xdp")
int parse_tcp(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip;
	struct tcphdr *tcp;

	if ((void *)(eth + 1) > data_end)
		return XDP_PASS;
	if (eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > data_end)
		return XDP_PASS;
	if (ip->protocol != IPPROTO_TCP || ip->ihl != 5)
		return XDP_PASS;
	tcp = (void *)(ip + 1);
	if ((void *)(tcp + 1) > data_end)
		return XDP_DROP;
	return tcp->dest == bpf_htons(80) ? XDP_TX : XDP_PASS;
}

/* Walks up to 4 VLAN-like 4-byte headers with a bounded counter. */
SEC("xdp")
int skip_headers(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	unsigned char *p = data;
	int i;

	for (i = 0; i < 4; i++) {
		if ((void *)(p + 4) > data_end)
			return XDP_PASS;
		if (p[0] != 0x81)
			break;
		p += 4;
	}
	if ((void *)(p + 1) > data_end)
		return XDP_PASS;
	return p[0] & 3;
}

SEC("xdp")
int count_by_proto(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	unsigned char *p = data;
	__u32 key;
	__u64 *value;

	if ((void *)(p + 1) > data_end)
		return XDP_PASS;
	key = p[0] & 15;
	value = bpf_map_lookup_elem(&counts, &key);
	if (!value)
		return XDP_ABORTED;
	__sync_fetch_and_add(value, 1);
	return XDP_PASS;
}

/* 32-bit subregister arithmetic and a switch clang turns into compares or a table. */
SEC("xdp")
int classify(struct xdp_md *ctx)
{
	__u32 len = ctx->data_end - ctx->data;
	__u32 q = ctx->rx_queue_index * 3 + (len >> 2);

	switch (q & 7) {
	case 0:
		return XDP_PASS;
	case 1:
		return XDP_DROP;
	case 2:
	case 3:
		return XDP_TX;
	case 5:
		return (int)(len & 1);
	default:
		return XDP_ABORTED;
	}
}

/* A bounded loop over a map value array, indexed by the loop counter. */
SEC("xdp")
int sum_array(struct xdp_md *ctx)
{
	__u32 key = ctx->ingress_ifindex;
	__u64 *row, sum = 0;
	int i;

	row = bpf_map_lookup_elem(&table, &key);
	if (!row)
		return 0;
#pragma clang loop unroll(disable)
	for (i = 0; i < 8; i++)
		sum += row[i];
	return (int)sum;
}

/* Many live values across a helper call: clang spills them to the stack. */
SEC("xdp")
int pressure(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	unsigned char *p = data;
	__u32 key = 0;
	__u64 *v;
	__u32 a, b, c, d, e;

	if ((void *)(p + 8) > data_end)
		return 0;
	a = p[0], b = p[1], c = p[2], d = p[3], e = p[4];
	v = bpf_map_lookup_elem(&counts, &key);
	if (!v)
		return 0;
	*v += a * b + c;
	/* data pointers survive the call (no helper here changes the packet) */
	if ((void *)(p + 8) > data_end)
		return 0;
	return (int)(a + b + c + d + e + p[7] + ctx->ingress_ifindex);
}

char LICENSE[] SEC("license") = "GPL";
