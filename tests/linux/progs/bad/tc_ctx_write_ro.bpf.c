// SPDX-License-Identifier: (MIT OR GPL-2.0)
/* Writes skb->len, which tc programs may only read (Linux's tc_cls_act_is_valid_access). */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

SEC("tc")
int write_len(struct __sk_buff *skb)
{
	skb->mark = 1; /* allowed */
	skb->len = 0;  /* not allowed */
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
