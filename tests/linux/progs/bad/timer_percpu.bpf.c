// SPDX-License-Identifier: (MIT OR GPL-2.0)
/* A struct bpf_timer in a per-CPU array's value: Linux refuses the map (hash, LRU hash and
 * array maps only), and so does the loader. */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

struct flow {
	__u64 packets;
	struct bpf_timer timer;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, struct flow);
} percpu_flows SEC(".maps");

SEC("tc")
int count(struct __sk_buff *skb)
{
	__u32 key = 0;
	struct flow *flow = bpf_map_lookup_elem(&percpu_flows, &key);

	if (flow)
		flow->packets++;
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
