// SPDX-License-Identifier: MIT
/* Refused: programs never empty a device map's slot either. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP_HASH);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u32);
} ports SEC(".maps");

SEC("xdp")
int xdp_bad(struct xdp_md *ctx)
{
	__u32 key = 0;

	bpf_map_delete_elem(&ports, &key);
	return XDP_PASS;
}
