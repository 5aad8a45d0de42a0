// SPDX-License-Identifier: MIT
/* Refused: programs never change a device map (the host fills it), as on Linux. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u32);
} ports SEC(".maps");

SEC("xdp")
int xdp_bad(struct xdp_md *ctx)
{
	__u32 key = 0, ifindex = 1;

	bpf_map_update_elem(&ports, &key, &ifindex, BPF_ANY);
	return XDP_PASS;
}
