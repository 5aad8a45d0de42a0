// SPDX-License-Identifier: MIT
/* Benchmark program: switch dispatch of a byte code (the algorithm is bench_switch in
 * bench_algos.h). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "../../extensions/sample/sample_ext.h"
#include "bench_algos.h"

SEC("sample_ext")
int switch_dispatch(struct sample_ctx *ctx)
{
	const bu8 *data = (const bu8 *)(unsigned long)ctx->data;
	const bu8 *end = (const bu8 *)(unsigned long)ctx->data_end;

	return (int)bench_switch(data, end);
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
