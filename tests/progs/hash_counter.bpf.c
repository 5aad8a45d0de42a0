// SPDX-License-Identifier: GPL-2.0
/* Counts invocations per key in a hash map. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

SEC("sample_ext")
int hash_counter(void *ctx)
{
	__u32 key = 1;
	__u64 one = 1, *value;

	value = bpf_map_lookup_elem(&counters, &key);
	if (value) {
		__sync_fetch_and_add(value, 1);
		return (int)*value;
	}
	bpf_map_update_elem(&counters, &key, &one, BPF_NOEXIST);
	return 1;
}

char LICENSE[] SEC("license") = "GPL";
