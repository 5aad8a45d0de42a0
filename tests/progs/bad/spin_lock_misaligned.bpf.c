// SPDX-License-Identifier: GPL-2.0
/* A packed map value whose struct bpf_spin_lock is not 4-byte aligned: the loader refuses it. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct misaligned {
	__u16 tag;
	struct bpf_spin_lock lock;
	__u16 rest;
} __attribute__((packed));

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct misaligned);
} crooked SEC(".maps");

SEC("sample_ext")
int spin_lock_misaligned(void *ctx)
{
	__u32 key = 0;

	return bpf_map_lookup_elem(&crooked, &key) ? 1 : 0;
}

char LICENSE[] SEC("license") = "GPL";
