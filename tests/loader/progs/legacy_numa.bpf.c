// SPDX-License-Identifier: GPL-2.0
/*
 * Legacy maps as the kernel's samples/bpf (bpf_load.c) and prototype-kernel declared them: a
 * 28-byte struct bpf_map_def with inner_map_idx (a map of maps' inner map, by its index among
 * the section's maps) and numa_node. Compiled with BTF, which names the fields: numa_map's
 * numa_node 3 (no BPF_F_NUMA_NODE) is read as the NUMA node, not as iproute2's pinning at the
 * same offset. nobtf_* are the same layout without BTF (assembly), told apart by their offsets.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct bpf_map_def {
	unsigned int type;
	unsigned int key_size;
	unsigned int value_size;
	unsigned int max_entries;
	unsigned int map_flags;
	unsigned int inner_map_idx;
	unsigned int numa_node;
};

struct bpf_map_def SEC("maps") numa_hash = {
	.type = BPF_MAP_TYPE_HASH,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u64),
	.max_entries = 32,
	.map_flags = BPF_F_NUMA_NODE,
	.numa_node = 1,
};

struct bpf_map_def SEC("maps") numa_inner = {
	.type = BPF_MAP_TYPE_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u32),
	.max_entries = 1,
};

struct bpf_map_def SEC("maps") numa_outer = {
	.type = BPF_MAP_TYPE_ARRAY_OF_MAPS,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u32),
	.max_entries = 2,
	.inner_map_idx = 1, /* numa_inner */
};

struct bpf_map_def SEC("maps") numa_map = {
	.type = BPF_MAP_TYPE_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u64),
	.max_entries = 4,
	.numa_node = 3,
};

SEC("sample_ext")
int numa_maps(void *ctx)
{
	__u32 key = 0;
	__u64 *value = bpf_map_lookup_elem(&numa_hash, &key);
	void *inner = bpf_map_lookup_elem(&numa_outer, &key);

	if (inner && bpf_map_lookup_elem(inner, &key))
		return 1;
	if (bpf_map_lookup_elem(&numa_map, &key))
		return 2;
	return value ? (int)*value : 0;
}

char LICENSE[] SEC("license") = "GPL";
