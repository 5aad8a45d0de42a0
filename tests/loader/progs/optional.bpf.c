// SPDX-License-Identifier: GPL-2.0
/*
 * libbpf's "?SEC": a program of section type SEC that a load leaves out unless the host asks for
 * it (Linux's selftests mark their refused twins so). opt_refused would not verify: a load of
 * the whole object must not try it.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int opt_main(struct xdp_md *ctx)
{
	return XDP_PASS;
}

SEC("?xdp")
int opt_ok(struct xdp_md *ctx)
{
	return XDP_DROP;
}

SEC("?xdp")
int opt_refused(struct xdp_md *ctx)
{
	return *(int *)(long)ctx->data;
}

char LICENSE[] SEC("license") = "GPL";
