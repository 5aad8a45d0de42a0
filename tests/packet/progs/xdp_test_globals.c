// SPDX-License-Identifier: MIT
/*
 * Global variables an XDP program keeps (.bss, .data, .rodata): `extbpf xdp run` prints them by
 * name and type after the run.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct byte_counts {
	__u32 smallest;
	__u32 largest;
};

__u64 packets_seen;
struct byte_counts sizes = { .smallest = 0xffffffff };
const volatile __u32 pass_limit = 600;

SEC("xdp")
int count_globals(struct xdp_md *ctx)
{
	__u32 len = ctx->data_end - ctx->data;

	if (len < sizes.smallest)
		sizes.smallest = len;
	if (len > sizes.largest)
		sizes.largest = len;
	return ++packets_seen <= pass_limit ? XDP_PASS : XDP_DROP;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
