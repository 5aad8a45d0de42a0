// SPDX-License-Identifier: MIT
/* Refused: programs only redirect through a cpumap, as on Linux. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_CPUMAP);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} cpus SEC(".maps");

SEC("xdp")
int xdp_bad(struct xdp_md *ctx)
{
	__u32 key = 0;

	return bpf_map_lookup_elem(&cpus, &key) ? XDP_DROP : XDP_PASS;
}
