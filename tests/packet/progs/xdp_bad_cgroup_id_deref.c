// SPDX-License-Identifier: MIT
/* Refused: a cgroup id is a number, not a pointer to read through (as on Linux). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int xdp_bad(struct xdp_md *ctx)
{
	__u64 id = bpf_get_current_cgroup_id();

	return *(volatile __u32 *)(unsigned long)id ? XDP_DROP : XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
