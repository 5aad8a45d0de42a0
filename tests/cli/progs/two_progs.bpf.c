// SPDX-License-Identifier: GPL-2.0
/* Two programs for one hook: the first writes the context's flags, the second returns what it
 * finds there plus 2, so their results tell the attach order and the shared context apart. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "../../../extensions/sample/sample_ext.h"

SEC("sample_ext/first")
int first(struct sample_ctx *ctx)
{
	ctx->flags = 40;
	return 1;
}

SEC("sample_ext/second")
int second(struct sample_ctx *ctx)
{
	return (int)ctx->flags + 2;
}

char LICENSE[] SEC("license") = "GPL";
