// SPDX-License-Identifier: GPL-2.0
/* An array of hash maps, one inner map installed at load time. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct inner_map {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
} inner_a SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 8);
	__type(key, __u32);
	__array(values, struct inner_map);
} outer SEC(".maps") = {
	.values = { [3] = &inner_a },
};

SEC("sample_ext")
int map_in_map(void *ctx)
{
	__u32 slot = 3, key = 0;
	__u64 *value;
	void *inner;

	inner = bpf_map_lookup_elem(&outer, &slot);
	if (!inner)
		return -1;
	value = bpf_map_lookup_elem(inner, &key);
	return value ? (int)*value : 0;
}

char LICENSE[] SEC("license") = "GPL";
