/* SPDX-License-Identifier: (MIT OR GPL-2.0) */
/*
 * bpf_trace_printk formats built on the stack (char fmt[] = "..."), as programs written for Linux
 * do. For lengths of 9 to 23 bytes clang stores the tail of the string past its last 8-byte word
 * as 4-, 2- and 1-byte constants into one stack slot (4+2+1, 4+2, 4+1, 4, 2+1, 2, 1), and the
 * verifier must know every byte of them to parse the format.
 */
#ifndef STACK_PRINTK_H
#define STACK_PRINTK_H

#define stack_printk(fmt, ...)                                                                     \
	({                                                                                         \
		char ____fmt[] = fmt;                                                              \
		bpf_trace_printk(____fmt, sizeof(____fmt), ##__VA_ARGS__);                         \
	})

/* One XDP program printing the format fmt (the includer has <linux/bpf.h> and bpf_helpers.h). */
#define XDP_FMT(name, fmt)                                                                         \
	SEC("xdp")                                                                                 \
	int xdp_##name(struct xdp_md *ctx)                                                         \
	{                                                                                          \
		stack_printk(fmt, ctx->rx_queue_index);                                            \
		return XDP_PASS;                                                                   \
	}

/* X(name, head): one program per total length, the format "head" + padding + "\n\0". head is
 * four characters ("q %u"), so every entry's length is its name's. */
#define STACK_PRINTK_LENGTHS(X, head)                                                              \
	X(fmt9, head "xxx\n")                                                                      \
	X(fmt10, head "xxxx\n")                                                                    \
	X(fmt11, head "xxxxx\n")                                                                   \
	X(fmt12, head "xxxxxx\n")                                                                  \
	X(fmt13, head "xxxxxxx\n")                                                                 \
	X(fmt14, head "xxxxxxxx\n")                                                                \
	X(fmt15, head "xxxxxxxxx\n")                                                               \
	X(fmt16, head "xxxxxxxxxx\n")                                                              \
	X(fmt17, head "xxxxxxxxxxx\n")                                                             \
	X(fmt18, head "xxxxxxxxxxxx\n")                                                            \
	X(fmt19, head "xxxxxxxxxxxxx\n")                                                           \
	X(fmt20, head "xxxxxxxxxxxxxx\n")                                                          \
	X(fmt21, head "xxxxxxxxxxxxxxx\n")                                                         \
	X(fmt22, head "xxxxxxxxxxxxxxxx\n")                                                        \
	X(fmt23, head "xxxxxxxxxxxxxxxxx\n")

#endif
