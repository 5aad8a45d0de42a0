// SPDX-License-Identifier: GPL-2.0
/*
 * A three-stage tail-call chain, each stage leaving its mark: a bit in ctx->flags, a digit
 * appended to ctx->counter and a visit count in .bss. The last stage returns 300 + the flags;
 * a stage whose tail call fails returns 100 times its number.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "../../extensions/sample/sample_ext.h"

int stage_b(struct sample_ctx *ctx);
int stage_c(struct sample_ctx *ctx);

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__array(values, int(void *));
} chain SEC(".maps") = {
	.values = {
		[1] = (void *)&stage_b,
		[2] = (void *)&stage_c,
	},
};

__u32 visits[3];

static __always_inline void mark(struct sample_ctx *ctx, __u32 stage)
{
	visits[stage - 1]++;
	ctx->flags |= 1u << (stage - 1);
	ctx->counter = ctx->counter * 10 + stage;
}

SEC("sample_ext")
int stage_a(struct sample_ctx *ctx)
{
	mark(ctx, 1);
	bpf_tail_call(ctx, &chain, 1);
	return 100;
}

SEC("sample_ext/stage")
int stage_b(struct sample_ctx *ctx)
{
	mark(ctx, 2);
	bpf_tail_call(ctx, &chain, 2);
	return 200;
}

SEC("sample_ext/stage")
int stage_c(struct sample_ctx *ctx)
{
	mark(ctx, 3);
	return 300 + ctx->flags;
}

char LICENSE[] SEC("license") = "GPL";
