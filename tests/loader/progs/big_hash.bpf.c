// SPDX-License-Identifier: GPL-2.0
/* A hash of 16 M entries of 64 bytes: a gigabyte if it were allocated. Verifying the program
 * must cost nothing of the kind. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, __u64[8]);
	__uint(max_entries, 1 << 24);
} big_hash SEC(".maps");

SEC("sample_ext")
int big_lookup(void *ctx)
{
	__u32 key = 0;

	return bpf_map_lookup_elem(&big_hash, &key) ? 1 : 0;
}

char LICENSE[] SEC("license") = "GPL";
