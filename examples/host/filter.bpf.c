// SPDX-License-Identifier: GPL-2.0
/*
 * A request filter for the line-based server of host.c: drops comment lines, lines longer
 * than 80 bytes and lines mentioning a password, and counts both verdicts in a map the host
 * reads when its input ends.
 *
 *	clang -O2 -g -target bpf -c filter.bpf.c -o filter.bpf.o
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "filter.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);   /* LINE_DROP or LINE_PASS */
	__type(value, __u64); /* lines given that verdict */
} verdicts SEC(".maps");

static int judge(struct line_ctx *ctx)
{
	char *data = (char *)(long)ctx->data;
	char *end = (char *)(long)ctx->data_end;
	char secret[] = "password";

	if (ctx->length > 80)
		return LINE_DROP;
	/* Direct access to the line: the verifier insists on the bounds check. */
	if (data + 1 <= end && data[0] == '#')
		return LINE_DROP;
	if (line_contains(ctx, secret, sizeof(secret) - 1))
		return LINE_DROP;
	return LINE_PASS;
}

SEC("line_filter")
int filter_line(struct line_ctx *ctx)
{
	__u32 verdict = judge(ctx);
	__u64 *count = bpf_map_lookup_elem(&verdicts, &verdict);

	if (count)
		__sync_fetch_and_add(count, 1);
	return verdict;
}

char LICENSE[] SEC("license") = "GPL";
