// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_loop as programs use it: a callback summing 1..n into a context on the caller's stack,
 * stopping early when asked, and a bpf_loop nested in another's callback. The buffer holds
 * {u32 n, u32 stop_at, u32 flags}; the sum lands in loop_total, the calls count in r0.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "../../extensions/sample/sample_ext.h"

struct loop_ctx {
	__u64 sum;
	__u64 stop_at;
};

__u64 loop_total;
__u64 nested_total;

/* Adds index + 1; stops (returns 1) once it added stop_at. */
static long add_index(__u32 index, void *data)
{
	struct loop_ctx *c = data;

	c->sum += index + 1;
	return index + 1 == c->stop_at;
}

SEC("sample_ext")
int loop_sum(struct sample_ctx *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct loop_ctx c = { 0, 0 };
	__u32 n, flags;
	long calls;

	if (data + 12 > data_end)
		return -1;
	n = *(__u32 *)data;
	c.stop_at = *(__u32 *)(data + 4);
	flags = *(__u32 *)(data + 8);
	calls = bpf_loop(n, add_index, &c, flags);
	loop_total = c.sum;
	return (int)calls;
}

/* The inner loop counts into the outer loop's counter, through the pointer it was handed. */
static long count_one(__u32 index, void *data)
{
	*(__u64 *)data += 1;
	return 0;
}

static long inner_loop(__u32 index, void *data)
{
	bpf_loop(index + 1, count_one, data, 0);
	return 0;
}

SEC("sample_ext")
int loop_nested(struct sample_ctx *ctx)
{
	__u64 count = 0;
	long calls = bpf_loop(10, inner_loop, &count, 0);

	nested_total = count;
	return (int)calls;
}

char LICENSE[] SEC("license") = "GPL";
