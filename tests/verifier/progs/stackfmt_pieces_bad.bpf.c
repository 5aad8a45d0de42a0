// SPDX-License-Identifier: GPL-2.0
/*
 * Unsafe twins of stackfmt_pieces_ok.bpf.c: formats stored in 8+4+2+1-byte pieces whose bytes
 * the verifier cannot all know, or that would print a pointer where the type forbids it.
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

/* A byte of the 2-byte piece is overwritten with an unknown one: it may make a conversion. */
SEC("xdp")
int piece_overwritten(struct xdp_md *ctx)
{
	char fmt[] = "q %u len %d\n..";
	volatile char *p = fmt;

	p[13] = (char)ctx->rx_queue_index;
	bpf_trace_printk(fmt, sizeof(fmt), 1, 2);
	return XDP_PASS;
}

/* No NUL within the given size: the last piece is text. */
SEC("xdp")
int piece_no_nul(struct xdp_md *ctx)
{
	char fmt[15] = "q %u len %d\n..";
	volatile char *p = fmt;

	p[14] = 'x';
	bpf_trace_printk(fmt, sizeof(fmt), ctx->rx_queue_index, 2);
	return XDP_PASS;
}

/* %p of the context pointer from a format in pieces: a pointer leak in tc. */
SEC("tc")
int piece_ptr_leak(struct __sk_buff *skb)
{
	char fmt[] = "skb %p len %d\n";

	bpf_trace_printk(fmt, sizeof(fmt), skb, skb->len);
	return TC_ACT_OK;
}

/* A pointer stored over the slot of the pieces: its bytes are no format text. */
SEC("xdp")
int piece_ptr_over(struct xdp_md *ctx)
{
	char fmt[16] __attribute__((aligned(8))) = "q %u len %d\n..";

	*(volatile __u64 *)&fmt[8] = (__u64)(long)ctx;
	bpf_trace_printk(fmt, sizeof(fmt), ctx->rx_queue_index, 2);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
