// SPDX-License-Identifier: (MIT OR GPL-2.0)
/*
 * Unsafe twin of printk_stack.bpf.c in a type that may not disclose pointers: the format, stored
 * on the stack in 8-, 4-, 2- and 1-byte pieces, is read whole by the verifier, and its %p would
 * print the context pointer.
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

SEC("tc")
int print_len(struct __sk_buff *skb)
{
	if (skb->len > 64) {
		char fmt[] = "skb %p len %d\n";

		bpf_trace_printk(fmt, sizeof(fmt), skb, skb->len);
	}
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
