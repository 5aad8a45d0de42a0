// SPDX-License-Identifier: (MIT OR GPL-2.0)
/* Reads past the end of struct __sk_buff: where extbpf keeps the real packet pointers. */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

SEC("tc")
int ctx_oob(struct __sk_buff *skb)
{
	__u64 hidden = *(volatile __u64 *)((char *)skb + sizeof(*skb));

	return hidden ? TC_ACT_SHOT : TC_ACT_OK;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
