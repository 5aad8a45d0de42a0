// SPDX-License-Identifier: GPL-2.0
/*
 * Tail calls between programs whose main frames save different callee-saved registers: the
 * entry keeps values in r6-r9 across a subprogram that tail-calls, from its own frame and from
 * the subprogram's; the targets save none of r6-r9 (bare), all of them (busy), or tail-call on
 * themselves (relay_main, from their main function). ctx->flags selects the slot; every result
 * depends on the values kept, so a register or stack slot lost on the way changes it.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "../../extensions/sample/sample_ext.h"

int bare(struct sample_ctx *ctx);
int busy(struct sample_ctx *ctx);
int relay_main(struct sample_ctx *ctx);

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__array(values, int(void *));
} slots SEC(".maps") = {
	.values = {
		[0] = (void *)&bare,
		[1] = (void *)&busy,
		[2] = (void *)&relay_main,
	},
};

static __noinline int hop(struct sample_ctx *ctx, __u32 slot)
{
	bpf_tail_call(ctx, &slots, slot);
	return 1000 + slot; /* the tail call failed */
}

/* No-op barriers: clang can neither recompute x after the call nor fold it into a sum
 * before, so each value lives in a register of its own across the call (r6-r9). */
#define OPAQUE(a, b, c, d) asm volatile("" : "+r"(a), "+r"(b), "+r"(c), "+r"(d))

SEC("sample_ext")
int keeper(struct sample_ctx *ctx)
{
	__u64 a = ctx->uid, b = ctx->flags, c = ctx->counter, d = ctx->uid + 5;
	int r;

	OPAQUE(a, b, c, d);
	r = hop(ctx, ctx->flags);
	OPAQUE(a, b, c, d);
	return r + (int)(a * 1000000 + b * 10000 + c * 100 + d);
}

/* From the main function: the target replaces the whole program. */
SEC("sample_ext")
int direct(struct sample_ctx *ctx)
{
	bpf_tail_call(ctx, &slots, ctx->flags);
	return 2000;
}

SEC("sample_ext/target")
int bare(struct sample_ctx *ctx)
{
	return ctx->uid + 1;
}

SEC("sample_ext/target")
int busy(struct sample_ctx *ctx)
{
	__u64 a = ctx->counter, b = ctx->uid, c = ctx->flags, d = ctx->uid + 3;

	OPAQUE(a, b, c, d);
	bpf_get_prandom_u32();
	OPAQUE(a, b, c, d);
	return (int)(a * 1000 + b * 100 + c * 10 + d);
}

SEC("sample_ext/target")
int relay_main(struct sample_ctx *ctx)
{
	ctx->flags = 1; /* once: busy ends the chain */
	bpf_tail_call(ctx, &slots, 1);
	return 3000;
}

char LICENSE[] SEC("license") = "GPL";
