// SPDX-License-Identifier: MIT
/* Per-CPU arrays: map update takes one value for every CPU or each CPU's own (test_map.sh).
 * per_cpu32's 4-byte values sit in 8-byte slots of the host's buffer, as on Linux. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} per_cpu SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u32);
} per_cpu32 SEC(".maps");

SEC("sample_ext")
int count(void *ctx)
{
	__u32 key = 0;
	__u64 *v = bpf_map_lookup_elem(&per_cpu, &key);

	__u32 *w = bpf_map_lookup_elem(&per_cpu32, &key);

	if (v)
		(*v)++;
	if (w)
		(*w)++;
	return 0;
}

char LICENSE[] SEC("license") = "MIT";
