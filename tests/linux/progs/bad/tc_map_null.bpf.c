// SPDX-License-Identifier: (MIT OR GPL-2.0)
/* Unsafe twin of cilium_l3l4: uses a map value without checking the lookup found one. */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

SEC("tc")
int map_null(struct __sk_buff *skb)
{
	__u32 key = skb->ifindex;
	__u64 *count = bpf_map_lookup_elem(&counters, &key);

	*count += 1;
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
