// SPDX-License-Identifier: MIT
/* Benchmark program: does nothing, to measure what invoking a program costs. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "../../extensions/sample/sample_ext.h"

SEC("sample_ext")
int empty(struct sample_ctx *ctx)
{
	return 0;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
