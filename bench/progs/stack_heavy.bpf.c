// SPDX-License-Identifier: MIT
/* Benchmark program: twelve accumulators, more than eBPF has registers (the algorithm is bench_stack in bench_algos.h). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "../../extensions/sample/sample_ext.h"
#include "bench_algos.h"

SEC("sample_ext")
int stack_heavy(struct sample_ctx *ctx)
{
	const bu8 *data = (const bu8 *)(unsigned long)ctx->data;
	const bu8 *end = (const bu8 *)(unsigned long)ctx->data_end;

	return (int)bench_stack(data, end);
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
