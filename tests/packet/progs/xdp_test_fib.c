// SPDX-License-Identifier: MIT
/* Calls bpf_fib_lookup: verifiable, but it cannot run in user space. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int xdp_fib(struct xdp_md *ctx)
{
	struct bpf_fib_lookup params = {};

	params.family = 2;
	params.ifindex = ctx->ingress_ifindex;
	if (bpf_fib_lookup(ctx, &params, sizeof(params), 0) == BPF_FIB_LKUP_RET_SUCCESS)
		return XDP_TX;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
