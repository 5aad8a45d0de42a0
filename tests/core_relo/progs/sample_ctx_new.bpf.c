// SPDX-License-Identifier: MIT
/*
 * A sample program compiled against a newer struct sample_ctx (a `priority` field the running
 * extension does not have yet, counter first): CO-RE relocates what exists and the existence
 * check steers around what does not.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

struct sample_ctx {
	unsigned long long counter;
	unsigned long long data;
	unsigned long long data_end;
	unsigned int priority;
	unsigned int uid;
	unsigned int flags;
} __attribute__((preserve_access_index));

SEC("sample_ext")
int new_ctx(struct sample_ctx *ctx)
{
	if (bpf_core_field_exists(ctx->priority))
		ctx->flags = ctx->priority;
	else
		ctx->flags = ctx->uid * 2;
	return ctx->uid + (unsigned int)(ctx->data_end - ctx->data);
}

char LICENSE[] SEC("license") = "GPL";
