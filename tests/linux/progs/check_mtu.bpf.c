// SPDX-License-Identifier: (MIT OR GPL-2.0)
/*
 * bpf_check_mtu (163) as the Linux selftests and Cilium's cls_redirect use it: the MTU in and
 * out through a u32 on the stack or in a map value, the packet's length change in len_diff.
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} mtus SEC(".maps");

SEC("tc")
int tc_mtu_stack(struct __sk_buff *skb)
{
	__u32 mtu = 0;

	if (bpf_check_mtu(skb, skb->ifindex, &mtu, 20, 0))
		return TC_ACT_SHOT;
	return mtu >= 1280 ? TC_ACT_OK : TC_ACT_SHOT;
}

SEC("tc")
int tc_mtu_map(struct __sk_buff *skb)
{
	__u32 key = 0, *mtu = bpf_map_lookup_elem(&mtus, &key);

	if (!mtu)
		return TC_ACT_OK;
	return bpf_check_mtu(skb, 0, mtu, 0, BPF_MTU_CHK_SEGS) ? TC_ACT_SHOT : TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
