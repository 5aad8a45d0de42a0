// SPDX-License-Identifier: MIT
/* A per-CPU array: map update takes one value for every CPU or each CPU's own (test_map.sh).
 * The value is a __u64: for sizes not a multiple of 8 the runtime's per-CPU host buffer
 * (src/maps: 8-byte slots, as Linux) and extbpf.h's comment (value_size * CPUs) disagree. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} per_cpu SEC(".maps");

SEC("sample_ext")
int count(void *ctx)
{
	__u32 key = 0;
	__u64 *v = bpf_map_lookup_elem(&per_cpu, &key);

	if (v)
		(*v)++;
	return 0;
}

char LICENSE[] SEC("license") = "MIT";
