// SPDX-License-Identifier: GPL-2.0
/* A hash map whose definition forgets the key: the loader must refuse it. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(value, __u64);
} keyless SEC(".maps");

SEC("sample_ext")
int map_no_key(void *ctx)
{
	__u32 key = 0;

	return bpf_map_lookup_elem(&keyless, &key) ? 1 : 0;
}

char LICENSE[] SEC("license") = "GPL";
