// SPDX-License-Identifier: (MIT OR GPL-2.0)
/* Two struct bpf_timer in one value: Linux allows one, so does the loader. */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

struct flow {
	struct bpf_timer idle;
	struct bpf_timer hard;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, struct flow);
} two_timers SEC(".maps");

SEC("tc")
int count(struct __sk_buff *skb)
{
	__u32 key = 0;

	return bpf_map_lookup_elem(&two_timers, &key) ? TC_ACT_SHOT : TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
