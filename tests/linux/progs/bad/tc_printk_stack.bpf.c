// SPDX-License-Identifier: (MIT OR GPL-2.0)
/*
 * Unsafe twin of printk_stack.bpf.c in a type that may not disclose pointers: a format whose
 * bytes the verifier cannot all read might print the pointer it is given, or a string at any
 * address, so it must stay a format the verifier parses.
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

SEC("tc")
int print_len(struct __sk_buff *skb)
{
	if (skb->len > 64) {
		char fmt[] = "skb %u len %d\n";

		bpf_trace_printk(fmt, sizeof(fmt), skb->ifindex, skb->len);
	}
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
