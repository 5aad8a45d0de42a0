// SPDX-License-Identifier: GPL-2.0
/* A map of maps without its inner map definition: the loader must refuse it. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH_OF_MAPS);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u32);
} hollow SEC(".maps");

SEC("sample_ext")
int map_of_maps_no_inner(void *ctx)
{
	__u32 key = 0;

	return bpf_map_lookup_elem(&hollow, &key) ? 1 : 0;
}

char LICENSE[] SEC("license") = "GPL";
