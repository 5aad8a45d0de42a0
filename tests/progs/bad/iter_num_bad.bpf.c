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

char LICENSE[] SEC("license") = "GPL";
