// SPDX-License-Identifier: (MIT OR GPL-2.0)
/*
 * bpf_trace_printk formats of 9 to 23 bytes built on the stack (char fmt[] = "..."), in XDP and
 * tc: clang stores the tail of the string past its last 8-byte word as 4-, 2- and 1-byte
 * constants into one stack slot (4+2+1, 4+2, 4+1, 4, 2+1, 2, 1), and the verifier must know every
 * byte of them to parse the format. Verified as the real program types, which may not
 * print pointers (tests/verifier has the XDP ones with their unsafe twins).
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include "stack_printk.h"

#define TC_FMT(name, fmt)                                                                          \
	SEC("tc")                                                                                  \
	int tc_##name(struct __sk_buff *skb)                                                       \
	{                                                                                          \
		stack_printk(fmt, skb->len);                                                       \
		return TC_ACT_OK;                                                                  \
	}

STACK_PRINTK_LENGTHS(XDP_FMT, "q %u")
STACK_PRINTK_LENGTHS(TC_FMT, "n %d")

char LICENSE[] SEC("license") = "GPL";
