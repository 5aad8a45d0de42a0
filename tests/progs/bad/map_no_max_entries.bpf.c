// SPDX-License-Identifier: GPL-2.0
/* An array without max_entries: the loader must refuse it. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
} unbounded SEC(".maps");

SEC("sample_ext")
int map_no_max_entries(void *ctx)
{
	__u32 key = 0;

	return bpf_map_lookup_elem(&unbounded, &key) ? 1 : 0;
}

char LICENSE[] SEC("license") = "GPL";
