// SPDX-License-Identifier: MIT
/* Benchmark program: recursive fib, one function per level (the algorithm is bench_fib in bench_algos.h). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "../../extensions/sample/sample_ext.h"
#include "bench_algos.h"

SEC("sample_ext")
int fib_calls(struct sample_ctx *ctx)
{
	const bu8 *data = (const bu8 *)(unsigned long)ctx->data;
	const bu8 *end = (const bu8 *)(unsigned long)ctx->data_end;

	return (int)bench_fib(data, end);
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
