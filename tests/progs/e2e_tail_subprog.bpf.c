// SPDX-License-Identifier: GPL-2.0
/*
 * Tail calls from subprograms. A successful tail call replaces the subprogram that makes it:
 * the target's r0 is what the subprogram's caller gets, and the rest of the subprogram never
 * runs. Each step appends a digit to ctx->counter, so the transcript shows which code ran:
 * 1 try_tail, 2 outer, 3 the entry's end, 9 target, 8 deep, 7 relay. ctx->flags is the slot.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "../../extensions/sample/sample_ext.h"

int target(struct sample_ctx *ctx);
int deep(struct sample_ctx *ctx);
int relay(struct sample_ctx *ctx);

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__array(values, int(void *));
} jumps SEC(".maps") = {
	.values = {
		[0] = (void *)&target,
		[1] = (void *)&deep,
		[2] = (void *)&relay,
	},
};

static __always_inline void digit(struct sample_ctx *ctx, int d)
{
	ctx->counter = ctx->counter * 10 + d;
}

static __noinline int try_tail(struct sample_ctx *ctx, __u32 slot)
{
	digit(ctx, 1);
	bpf_tail_call(ctx, &jumps, slot);
	return 50 + slot; /* the tail call failed */
}

static __noinline int outer(struct sample_ctx *ctx, __u32 slot)
{
	int r = try_tail(ctx, slot);

	digit(ctx, 2);
	return r * 3;
}

SEC("sample_ext")
int from_sub(struct sample_ctx *ctx)
{
	volatile __u64 kept = ctx->uid + 1000; /* on the entry's stack across both calls */
	__u32 slot = ctx->flags;
	int a = try_tail(ctx, slot); /* from frame 1 */
	int b = outer(ctx, slot);    /* from frame 2 */

	digit(ctx, 3);
	if (kept != ctx->uid + 1000 || slot != ctx->flags)
		return -1;
	return a * 1000 + b;
}

SEC("sample_ext/target")
int target(struct sample_ctx *ctx)
{
	digit(ctx, 9);
	return 7;
}

/* Seven frames: it fits when tail-called from frame 1, not from frame 2 (8 in all). */
static __noinline int d6(struct sample_ctx *ctx)
{
	ctx->counter += 1;
	return ctx->uid / 42; /* 1 in the test; a constant would let clang drop the return */
}
static __noinline int d5(struct sample_ctx *ctx)
{
	return d6(ctx) + 1;
}
static __noinline int d4(struct sample_ctx *ctx)
{
	return d5(ctx) + 1;
}
static __noinline int d3(struct sample_ctx *ctx)
{
	return d4(ctx) + 1;
}
static __noinline int d2(struct sample_ctx *ctx)
{
	return d3(ctx) + 1;
}
static __noinline int d1(struct sample_ctx *ctx)
{
	return d2(ctx) + 1;
}

SEC("sample_ext/target")
int deep(struct sample_ctx *ctx)
{
	digit(ctx, 8);
	return d1(ctx) + 100;
}

/* Tail-called, it tail-calls again from its own subprogram. */
SEC("sample_ext/target")
int relay(struct sample_ctx *ctx)
{
	digit(ctx, 7);
	return try_tail(ctx, 0) + 20;
}

char LICENSE[] SEC("license") = "GPL";
