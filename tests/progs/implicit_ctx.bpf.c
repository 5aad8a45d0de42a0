// SPDX-License-Identifier: GPL-2.0
/*
 * Calls a helper and a kfunc flagged EBPF_HELPER_IMPLICIT_CTX (tests/core/test_implicit_ctx.c)
 * from every place a call can be made: the entry, a subprogram, a bpf_loop callback and a
 * tail-called program. Neither takes the context as a declared argument; the runtime passes it
 * after r5, and the functions count the calls that got the invocation's context.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct ictx_ctx {
	__u64 value;
	__u64 seen;
	__u64 total; /* writable */
};

/* Linux-style signatures: no context argument. */
static __u64 (*ictx_seen)(__u64 add) = (void *)65537;
extern __u64 ictx_mul(__u64 a, __u64 b) __ksym;

int target(struct ictx_ctx *ctx);

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__array(values, int(void *));
} jumps SEC(".maps") = {
	.values = { [0] = (void *)&target },
};

static __noinline __u64 from_subprogram(__u64 add)
{
	return ictx_seen(add);
}

static long from_callback(__u32 index, __u64 *acc)
{
	*acc += ictx_seen(index);
	return 0;
}

/* value + 0, value + 1 (callback), value + 1 (subprogram), 2 * 3 + value (kfunc): 4 * value + 8
 * in ctx->total; then the tail call, whose result is the program's. */
SEC("ictx")
int implicit(struct ictx_ctx *ctx)
{
	__u64 acc = 0;

	bpf_loop(2, from_callback, &acc, 0);
	acc += from_subprogram(1);
	acc += ictx_mul(2, 3);
	ctx->total = acc;
	bpf_tail_call(ctx, &jumps, 0);
	return 1; /* the tail call failed */
}

/* value + 7 */
SEC("ictx")
int target(struct ictx_ctx *ctx)
{
	return ictx_seen(7);
}

char LICENSE[] SEC("license") = "GPL";
