// SPDX-License-Identifier: MIT
/* Stamps a flow with bpf_jiffies64, as Cilium's conntrack does with ENABLE_JIFFIES: verifiable,
 * but the kernel's tick counter does not exist in user space. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u64);
} flow_seen SEC(".maps");

SEC("xdp")
int xdp_jiffies(struct xdp_md *ctx)
{
	__u32 key = ctx->rx_queue_index;
	__u64 now = bpf_jiffies64();

	bpf_map_update_elem(&flow_seen, &key, &now, BPF_ANY);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
