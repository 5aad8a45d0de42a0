// SPDX-License-Identifier: MIT
/* Refused: bpf_get_current_ancestor_cgroup_id's level is read from r1, which the call before
 * left uninitialised (as on Linux). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int xdp_bad(struct xdp_md *ctx)
{
	asm volatile("call 80; call 123" ::: "r0", "r1", "r2", "r3", "r4", "r5");
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
