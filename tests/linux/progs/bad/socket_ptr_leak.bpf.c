// SPDX-License-Identifier: (MIT OR GPL-2.0)
/* Unsafe twin of suricata_filter: stores a map value's address where user space reads it. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} leak SEC(".maps");

SEC("socket")
int ptr_leak(struct __sk_buff *skb)
{
	__u32 key = 0;
	__u64 *value = bpf_map_lookup_elem(&leak, &key);

	if (value)
		*value = (__u64)(unsigned long)value;
	return 0;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
