// SPDX-License-Identifier: MIT
/*
 * Benchmark program: one invocation counts itself in a per-CPU array and looks up a hash map,
 * the usual shape of a counter. Run from one thread and from two at once (bench_maps.c), it
 * shows whether invocations and map lookups scale with threads: per-CPU slots share no cache
 * line between CPUs, and lookups take no lock.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "../../extensions/sample/sample_ext.h"

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u64);
} config SEC(".maps");

SEC("sample_ext")
int percpu_count(struct sample_ctx *ctx)
{
	__u32 zero = 0;
	__u64 *count = bpf_map_lookup_elem(&counts, &zero);
	__u64 *limit = bpf_map_lookup_elem(&config, &zero);

	if (!count)
		return 0;
	*count += 1;
	return limit && *count > *limit;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
