// SPDX-License-Identifier: GPL-2.0
/* Unsafe twins of parse_ok.bpf.c: each must be refused with its reason. */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <bpf/bpf_helpers.h>

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

/* The IP header is read after checking only the Ethernet header. */
SEC("xdp")
int missing_bounds_check(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);

	if ((void *)(eth + 1) > data_end)
		return XDP_PASS;
	return ip->protocol;
}

SEC("xdp")
int missing_null_check(struct xdp_md *ctx)
{
	__u32 key = 0;
	__u64 *value = bpf_map_lookup_elem(&counts, &key);

	return (int)*value;
}

/* The index is checked against 9, the row has 8 entries. */
SEC("xdp")
int index_out_of_range(struct xdp_md *ctx)
{
	__u32 key = 0, idx = ctx->rx_queue_index;
	__u64 *row = bpf_map_lookup_elem(&table, &key);

	if (!row || idx > 8)
		return 0;
	return (int)row[idx];
}

char LICENSE[] SEC("license") = "GPL";
