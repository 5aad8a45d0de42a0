// SPDX-License-Identifier: GPL-2.0
/* Uses the sample extension's three helpers: finds "foo" in the buffer, replaces it with "BAR",
 * sets ctx->flags and adds 5 to the counter. Returns 1 when it replaced, 0 otherwise. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "../../extensions/sample/sample_ext.h"

SEC("sample_ext")
int replace_foo(struct sample_ctx *ctx)
{
	char needle[4] = "foo";
	char repl[4] = "BAR";
	long off = sample_find(ctx, needle, 3);

	if (off < 0)
		return 0;
	if (sample_replace(ctx, off, repl, 3))
		return 0;
	ctx->flags = 7;
	sample_add_counter(ctx, 5);
	return 1;
}

char LICENSE[] SEC("license") = "GPL";
