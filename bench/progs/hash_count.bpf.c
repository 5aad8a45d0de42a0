// SPDX-License-Identifier: MIT
/*
 * Benchmark program: a hash-map counter. For each of BENCH_HASH_KEYS keys of the input, the
 * key's counter in a hash map goes up by one (inserted at 1 when absent); the counters seen are
 * mixed into a hash seeded by the input. bench_native.c has the same loop over a C hash table.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "../../extensions/sample/sample_ext.h"
#include "bench_algos.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

SEC("sample_ext")
int hash_count(struct sample_ctx *ctx)
{
	const bu8 *data = (const bu8 *)(unsigned long)ctx->data;
	const bu8 *end = (const bu8 *)(unsigned long)ctx->data_end;
	bu64 acc;

	if (data + BENCH_HASH_INPUT > end)
		return 0;
	acc = *(const bu64 *)data;
	BENCH_NO_UNROLL
	for (bu32 i = 0; i < BENCH_HASH_KEYS; i++) {
		__u32 key = *(const __u32 *)(data + 8 + i * 4);
		__u64 one = 1, *value = bpf_map_lookup_elem(&counts, &key);

		if (value) {
			*value += 1;
			acc = bench_mix(acc, *value);
		} else {
			bpf_map_update_elem(&counts, &key, &one, BPF_NOEXIST);
			acc = bench_mix(acc, 1);
		}
	}
	return (int)bench_fold(acc);
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
