// SPDX-License-Identifier: GPL-2.0
/*
 * Functions returning void, kept as subprograms: clang leaves r0 as it was at their exit, and
 * the caller never reads it. Each must be accepted (issue 20).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* Writes through its pointer argument, nothing else. */
static __attribute__((noinline)) void bump(int *p, int by)
{
	*p += by;
}

/* Early returns: r0 is set on no path. */
static __attribute__((noinline)) void clamp(int *v, int hi)
{
	if (*v > hi) {
		*v = hi;
		return;
	}
	if (*v < 0)
		*v = 0;
}

/* A loop over the caller's buffer. */
static __attribute__((noinline)) void fill(unsigned char *buf, int n, unsigned char c)
{
	int i;

#pragma clang loop unroll(disable)
	for (i = 0; i < n && i < 16; i++)
		buf[i] = c;
}

SEC("xdp")
int void_bump(struct xdp_md *ctx)
{
	int x = (int)ctx->ingress_ifindex;

	bump(&x, 3);
	return x & 1 ? XDP_PASS : XDP_DROP;
}

SEC("xdp")
int void_clamp(struct xdp_md *ctx)
{
	int x = (int)ctx->rx_queue_index;

	clamp(&x, 2);
	return x;
}

SEC("xdp")
int void_fill(struct xdp_md *ctx)
{
	unsigned char buf[16] = {};

	fill(buf, 16, (unsigned char)ctx->ingress_ifindex);
	return buf[3] & 1 ? XDP_PASS : XDP_DROP;
}

char _license[] SEC("license") = "GPL";
