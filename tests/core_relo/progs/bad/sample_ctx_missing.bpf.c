// SPDX-License-Identifier: MIT
/* A sample program reading a context field the running sample extension does not have, on
 * every path: its load is poisoned and the program refused, the message naming the field. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct sample_ctx {
	unsigned long long data;
	unsigned long long data_end;
	unsigned int uid;
	unsigned int flags;
	unsigned long long counter;
	unsigned int priority;
} __attribute__((preserve_access_index));

SEC("sample_ext")
int missing_ctx(struct sample_ctx *ctx)
{
	return ctx->priority;
}

char LICENSE[] SEC("license") = "GPL";
