// SPDX-License-Identifier: GPL-2.0
/* A map definition with a member libbpf does not know: the loader must refuse it. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__uint(colour, 3);
	__type(key, __u32);
	__type(value, __u32);
} odd SEC(".maps");

SEC("sample_ext")
int map_unknown_field(void *ctx)
{
	__u32 key = 0;

	return bpf_map_lookup_elem(&odd, &key) ? 1 : 0;
}

char LICENSE[] SEC("license") = "GPL";
