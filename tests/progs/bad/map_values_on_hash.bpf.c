// SPDX-License-Identifier: GPL-2.0
/* A hash map with __array(values, ...): the loader must refuse it. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct inner {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8);
	__type(key, __u32);
	__array(values, struct inner);
} not_nested SEC(".maps");

SEC("sample_ext")
int map_values_on_hash(void *ctx)
{
	__u32 key = 0;

	return bpf_map_lookup_elem(&not_nested, &key) ? 1 : 0;
}

char LICENSE[] SEC("license") = "GPL";
