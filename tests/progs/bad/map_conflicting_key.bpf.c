// SPDX-License-Identifier: GPL-2.0
/* A map whose key type and key_size disagree: the loader must refuse it. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8);
	__uint(key_size, 8);
	__type(key, __u32);
	__type(value, __u32);
} conflicted SEC(".maps");

SEC("sample_ext")
int map_conflicting_key(void *ctx)
{
	__u32 key = 0;

	return bpf_map_lookup_elem(&conflicted, &key) ? 1 : 0;
}

char LICENSE[] SEC("license") = "GPL";
