// SPDX-License-Identifier: MIT
/*
 * An XDP program using a map type no kernel has: "counters" (number 4096 + 1), which the
 * frozen map-type extension adds. Its values are looked up and written in place, and updated.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, 4096 + 1);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

SEC("xdp")
int count_packets(struct xdp_md *ctx)
{
	__u64 len = ctx->data_end - ctx->data;
	__u32 key = 0, last = 3;
	__u64 *n = bpf_map_lookup_elem(&counters, &key);

	if (!n)
		return XDP_ABORTED;
	*n += 1;
	bpf_map_update_elem(&counters, &last, &len, BPF_ANY);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
