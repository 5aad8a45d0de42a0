// SPDX-License-Identifier: MIT
/* Benchmark program: three small local calls per input word (the algorithm is bench_calls in bench_algos.h). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "../../extensions/sample/sample_ext.h"
#include "bench_algos.h"

SEC("sample_ext")
int local_calls(struct sample_ctx *ctx)
{
	const bu8 *data = (const bu8 *)(unsigned long)ctx->data;
	const bu8 *end = (const bu8 *)(unsigned long)ctx->data_end;

	return (int)bench_calls(data, end);
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
