// SPDX-License-Identifier: GPL-2.0
/* Maps declared the old way, struct bpf_map_def in the "maps" section. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct bpf_map_def {
	unsigned int type;
	unsigned int key_size;
	unsigned int value_size;
	unsigned int max_entries;
	unsigned int map_flags;
};

struct bpf_map_def SEC("maps") legacy_array = {
	.type = BPF_MAP_TYPE_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u64),
	.max_entries = 16,
};

struct bpf_map_def SEC("maps") legacy_hash = {
	.type = BPF_MAP_TYPE_HASH,
	.key_size = sizeof(__u64),
	.value_size = 24,
	.max_entries = 64,
	.map_flags = BPF_F_NO_PREALLOC,
};

SEC("sample_ext")
int legacy(void *ctx)
{
	__u32 key = 0;
	__u64 hkey = 9, *value;

	value = bpf_map_lookup_elem(&legacy_array, &key);
	if (!value)
		return 0;
	if (bpf_map_lookup_elem(&legacy_hash, &hkey))
		return 2;
	return (int)*value;
}

__u32 _version SEC("version") = 0x050a00;
char LICENSE[] SEC("license") = "GPL";
