// SPDX-License-Identifier: GPL-2.0
/*
 * Open-coded iterators (bpf_for, bpf_repeat over bpf_iter_num_*) as programs use them: sums
 * over 0..N into global data (a map value) for constant and run-time N, nested loops, an early
 * break, and values from bpf_iter_num_next indexing a map value. The buffer holds {u32 n,
 * u32 stop_at}.
 */
#include "iter_num.h"

#include "../../extensions/sample/sample_ext.h"

__u64 iter_total;
__u32 iter_hist[16];

/* Word `index` of the buffer, or -1 when it is shorter. */
static __always_inline int input(struct sample_ctx *ctx, int index)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;

	if (data + 4 * (index + 1) > data_end)
		return -1;
	return *(int *)(data + 4 * index);
}

SEC("sample_ext")
int sum_10(struct sample_ctx *ctx)
{
	int i;

	iter_total = 0;
	bpf_for (i, 0, 10) {
		iter_total += i;
	}
	return 0;
}

SEC("sample_ext")
int sum_1m(struct sample_ctx *ctx)
{
	int i;

	iter_total = 0;
	bpf_for (i, 0, 1000000) {
		iter_total += i;
	}
	return 0;
}

/* 0..n-1, n unknown at verification. */
SEC("sample_ext")
int sum_n(struct sample_ctx *ctx)
{
	int i, n = input(ctx, 0);

	iter_total = 0;
	bpf_for (i, 0, n) {
		iter_total += i;
	}
	return 0;
}

/* Pairs (i, j) with j <= i < 10: 55. */
SEC("sample_ext")
int nested(struct sample_ctx *ctx)
{
	int i, j;

	iter_total = 0;
	bpf_for (i, 0, 10) {
		bpf_for (j, 0, i + 1) {
			iter_total++;
		}
	}
	return 0;
}

SEC("sample_ext")
int repeat(struct sample_ctx *ctx)
{
	iter_total = 0;
	bpf_repeat (7) {
		iter_total += 3;
	}
	return 0;
}

/* Leaves the loop at stop_at: the iterator is destroyed on that path too. */
SEC("sample_ext")
int early_break(struct sample_ctx *ctx)
{
	int i, stop = input(ctx, 1);

	iter_total = 0;
	bpf_for (i, 0, 100) {
		if (i == stop)
			break;
		iter_total++;
	}
	return (int)iter_total;
}

/* An index from the iterator, checked against the array before use. */
SEC("sample_ext")
int index_checked(struct sample_ctx *ctx)
{
	int i, n = input(ctx, 0);

	bpf_for (i, 0, n) {
		if (i < 0 || i >= 16)
			break;
		iter_hist[i] += 1;
	}
	return 0;
}

/* Without the macro's check: the value's range [0, 16) proves the index by itself. */
SEC("sample_ext")
int index_from_range(struct sample_ctx *ctx)
{
	struct bpf_iter_num it;
	int *v;

	bpf_iter_num_new(&it, 0, 16);
	while ((v = bpf_iter_num_next(&it)))
		iter_hist[*v] += 2;
	bpf_iter_num_destroy(&it);
	return 0;
}

/* One value of the caller's iterator per call of bpf_loop's callback: stop when it is drained. */
static long iter_step(__u32 index, void *ctx)
{
	int *v = bpf_iter_num_next((struct bpf_iter_num *)ctx);

	if (!v)
		return 1;
	iter_total += *v;
	return 0;
}

/* Sums 0..n-1 (n from the input): the iterator advanced inside a bpf_loop callback. */
SEC("sample_ext")
int iter_in_callback(struct sample_ctx *ctx)
{
	struct bpf_iter_num it;
	int n = input(ctx, 0);

	iter_total = 0;
	bpf_iter_num_new(&it, 0, n);
	bpf_loop(1 << 20, iter_step, &it, 0);
	bpf_iter_num_destroy(&it);
	return 0;
}

/* The same over a constant million values. */
SEC("sample_ext")
int iter_in_callback_1m(struct sample_ctx *ctx)
{
	struct bpf_iter_num it;

	iter_total = 0;
	bpf_iter_num_new(&it, 0, 1000000);
	bpf_loop(1 << 20, iter_step, &it, 0);
	bpf_iter_num_destroy(&it);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
