// SPDX-License-Identifier: MIT
/* Benchmark program: a sparse switch as a compare tree (the algorithm is bench_ports in bench_algos.h). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "../../extensions/sample/sample_ext.h"
#include "bench_algos.h"

SEC("sample_ext")
int port_switch(struct sample_ctx *ctx)
{
	const bu8 *data = (const bu8 *)(unsigned long)ctx->data;
	const bu8 *end = (const bu8 *)(unsigned long)ctx->data_end;

	return (int)bench_ports(data, end);
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
