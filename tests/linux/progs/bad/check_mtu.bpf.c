// SPDX-License-Identifier: (MIT OR GPL-2.0)
/* bpf_check_mtu given what is not an initialised, writable, aligned u32: each refused. */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} mtus SEC(".maps");

const volatile __u32 fixed_mtu = 1500;

/* The helper reads the MTU it is given: it must be set. */
SEC("tc")
int mtu_uninit(struct __sk_buff *skb)
{
	__u32 mtu;

	return bpf_check_mtu(skb, 0, &mtu, 0, 0);
}

/* Two bytes into an 8-byte buffer: not a multiple of 4. */
SEC("tc")
int mtu_misaligned(struct __sk_buff *skb)
{
	__u8 buf[8] = {};

	return bpf_check_mtu(skb, 0, (__u32 *)(buf + 2), 0, 0);
}

/* Read-only global data: the helper would write it. */
SEC("tc")
int mtu_rodata(struct __sk_buff *skb)
{
	return bpf_check_mtu(skb, 0, (__u32 *)&fixed_mtu, 0, 0);
}

/* Just past a 4-byte map value. */
SEC("tc")
int mtu_past_value(struct __sk_buff *skb)
{
	__u32 key = 0, *mtu = bpf_map_lookup_elem(&mtus, &key);

	if (!mtu)
		return TC_ACT_OK;
	return bpf_check_mtu(skb, 0, mtu + 1, 0, 0);
}

/* The packet itself. */
SEC("tc")
int mtu_packet(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data, *end = (void *)(long)skb->data_end;

	if (data + 4 > end)
		return TC_ACT_OK;
	return bpf_check_mtu(skb, 0, data, 0, 0);
}

char LICENSE[] SEC("license") = "GPL";
