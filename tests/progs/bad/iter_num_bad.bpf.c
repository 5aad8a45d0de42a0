// SPDX-License-Identifier: GPL-2.0
/* Unsafe twins of e2e_iter.bpf.c (tests/progs/iter_num_twins.h), each refused with its reason. */
#include "../iter_num_twins.h"

#include "../../../extensions/sample/sample_ext.h"

/* The context's first packet word, or 0. */
static __always_inline int packet_word(struct sample_ctx *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;

	if (data + 4 > data_end)
		return 0;
	return *(int *)data;
}

SEC("sample_ext")
int no_destroy(struct sample_ctx *ctx)
{
	return twin_no_destroy();
}

SEC("sample_ext")
int destroy_twice(struct sample_ctx *ctx)
{
	return twin_destroy_twice();
}

SEC("sample_ext")
int next_uninitialised(struct sample_ctx *ctx)
{
	return twin_next_uninitialised();
}

SEC("sample_ext")
int new_twice(struct sample_ctx *ctx)
{
	return twin_new_twice();
}

SEC("sample_ext")
int overwrite_live(struct sample_ctx *ctx)
{
	return twin_overwrite_live();
}

SEC("sample_ext")
int read_live(struct sample_ctx *ctx)
{
	return twin_read_live();
}

SEC("sample_ext")
int no_null_check(struct sample_ctx *ctx)
{
	return twin_no_null_check(packet_word(ctx));
}

SEC("sample_ext")
int index_unchecked(struct sample_ctx *ctx)
{
	return twin_index_unchecked(packet_word(ctx));
}

SEC("sample_ext")
int index_one_past(struct sample_ctx *ctx)
{
	return twin_index_one_past();
}

SEC("sample_ext")
int misaligned(struct sample_ctx *ctx)
{
	return twin_misaligned();
}

SEC("sample_ext")
int value_after_destroy(struct sample_ctx *ctx)
{
	return twin_value_after_destroy();
}

SEC("sample_ext")
int loop_after_drained(struct sample_ctx *ctx)
{
	return twin_loop_after_drained();
}

SEC("sample_ext")
int write_value(struct sample_ctx *ctx)
{
	return twin_write_value();
}

/*
 * The ints of two iterators, one in this frame and one in the caller's, compared: the outcome
 * says where the engine put the two frames (each engine places them its own way).
 */
static __noinline int iter_frames_cmp(struct bpf_iter_num *outer, int below)
{
	struct bpf_iter_num it;
	volatile int r = 0; /* set before the destroy, which ends a */
	int *a, *b;

	bpf_iter_num_new(&it, 0, 1);
	a = bpf_iter_num_next(&it);
	b = bpf_iter_num_next(outer);
	if (a && b && (below ? a < b : a > b))
		r = 1;
	bpf_iter_num_destroy(&it);
	return r;
}

SEC("sample_ext")
int compare_frames_below(struct sample_ctx *ctx)
{
	struct bpf_iter_num outer;
	int r;

	bpf_iter_num_new(&outer, 0, 1);
	r = iter_frames_cmp(&outer, 1);
	bpf_iter_num_destroy(&outer);
	return r;
}

/* The same, the caller's int handed to the subprogram as an argument. */
static __noinline int iter_int_cmp(int *outer_value)
{
	struct bpf_iter_num it;
	volatile int r = 0; /* set before the destroy, which ends a */
	int *a;

	bpf_iter_num_new(&it, 0, 1);
	a = bpf_iter_num_next(&it);
	if (a && a > outer_value)
		r = 1;
	bpf_iter_num_destroy(&it);
	return r;
}

SEC("sample_ext")
int compare_frames_passed(struct sample_ctx *ctx)
{
	struct bpf_iter_num outer;
	int *a, r = 0;

	bpf_iter_num_new(&outer, 0, 1);
	a = bpf_iter_num_next(&outer);
	if (a)
		r = iter_int_cmp(a);
	bpf_iter_num_destroy(&outer);
	return r;
}

SEC("sample_ext")
int ld_abs_live(struct sample_ctx *ctx)
{
	return twin_ld_abs_live(ctx);
}

char LICENSE[] SEC("license") = "GPL";
