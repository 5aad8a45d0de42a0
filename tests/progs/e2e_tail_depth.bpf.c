// SPDX-License-Identifier: GPL-2.0
/* A program that tail-calls itself until the runtime stops it: each invocation adds one to
 * ctx->counter, and the invocation whose tail call fails returns the count. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "../../extensions/sample/sample_ext.h"

int recurse(struct sample_ctx *ctx);

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__array(values, int(void *));
} self SEC(".maps") = {
	.values = { [0] = (void *)&recurse },
};

SEC("sample_ext")
int recurse(struct sample_ctx *ctx)
{
	ctx->counter++;
	bpf_tail_call(ctx, &self, 0);
	return (int)ctx->counter;
}

char LICENSE[] SEC("license") = "GPL";
