// SPDX-License-Identifier: MIT
/*
 * A sample program compiled against an older struct sample_ctx (flags before uid, no counter):
 * the sample extension publishes the BTF of its current layout, and CO-RE moves every access to
 * it, so the program reads uid and writes flags where they are now.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct sample_ctx {
	unsigned long long data;
	unsigned long long data_end;
	unsigned int flags;
	unsigned int uid;
} __attribute__((preserve_access_index));

SEC("sample_ext")
int old_ctx(struct sample_ctx *ctx)
{
	ctx->flags = ctx->uid + 1;
	return ctx->uid;
}

char LICENSE[] SEC("license") = "GPL";
