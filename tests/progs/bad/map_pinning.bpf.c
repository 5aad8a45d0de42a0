// SPDX-License-Identifier: GPL-2.0
/* A map pinned in a way libbpf does not know: the loader must refuse it. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 8);
	__uint(pinning, 2);
	__type(key, __u32);
	__type(value, __u32);
} pinned SEC(".maps");

SEC("sample_ext")
int map_pinning(void *ctx)
{
	__u32 key = 0;

	return bpf_map_lookup_elem(&pinned, &key) ? 1 : 0;
}

char LICENSE[] SEC("license") = "GPL";
