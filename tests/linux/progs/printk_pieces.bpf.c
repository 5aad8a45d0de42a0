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

#define stack_printk(fmt, ...)                                                                     \
	({                                                                                         \
		char ____fmt[] = fmt;                                                              \
		bpf_trace_printk(____fmt, sizeof(____fmt), ##__VA_ARGS__);                         \
	})

#define XDP_FMT(name, fmt)                                                                         \
	SEC("xdp")                                                                                 \
	int xdp_##name(struct xdp_md *ctx)                                                         \
	{                                                                                          \
		stack_printk(fmt, ctx->rx_queue_index);                                            \
		return XDP_PASS;                                                                   \
	}

#define TC_FMT(name, fmt)                                                                          \
	SEC("tc")                                                                                  \
	int tc_##name(struct __sk_buff *skb)                                                       \
	{                                                                                          \
		stack_printk(fmt, skb->len);                                                       \
		return TC_ACT_OK;                                                                  \
	}

XDP_FMT(fmt9, "q %uxxx\n")
XDP_FMT(fmt10, "q %uxxxx\n")
XDP_FMT(fmt11, "q %uxxxxx\n")
XDP_FMT(fmt12, "q %uxxxxxx\n")
XDP_FMT(fmt13, "q %uxxxxxxx\n")
XDP_FMT(fmt14, "q %uxxxxxxxx\n")
XDP_FMT(fmt15, "q %uxxxxxxxxx\n")
XDP_FMT(fmt16, "q %uxxxxxxxxxx\n")
XDP_FMT(fmt17, "q %uxxxxxxxxxxx\n")
XDP_FMT(fmt18, "q %uxxxxxxxxxxxx\n")
XDP_FMT(fmt19, "q %uxxxxxxxxxxxxx\n")
XDP_FMT(fmt20, "q %uxxxxxxxxxxxxxx\n")
XDP_FMT(fmt21, "q %uxxxxxxxxxxxxxxx\n")
XDP_FMT(fmt22, "q %uxxxxxxxxxxxxxxxx\n")
XDP_FMT(fmt23, "q %uxxxxxxxxxxxxxxxxx\n")
TC_FMT(fmt9, "n %dyyy\n")
TC_FMT(fmt10, "n %dyyyy\n")
TC_FMT(fmt11, "n %dyyyyy\n")
TC_FMT(fmt12, "n %dyyyyyy\n")
TC_FMT(fmt13, "n %dyyyyyyy\n")
TC_FMT(fmt14, "n %dyyyyyyyy\n")
TC_FMT(fmt15, "n %dyyyyyyyyy\n")
TC_FMT(fmt16, "n %dyyyyyyyyyy\n")
TC_FMT(fmt17, "n %dyyyyyyyyyyy\n")
TC_FMT(fmt18, "n %dyyyyyyyyyyyy\n")
TC_FMT(fmt19, "n %dyyyyyyyyyyyyy\n")
TC_FMT(fmt20, "n %dyyyyyyyyyyyyyy\n")
TC_FMT(fmt21, "n %dyyyyyyyyyyyyyyy\n")
TC_FMT(fmt22, "n %dyyyyyyyyyyyyyyyy\n")
TC_FMT(fmt23, "n %dyyyyyyyyyyyyyyyyy\n")

char LICENSE[] SEC("license") = "GPL";
