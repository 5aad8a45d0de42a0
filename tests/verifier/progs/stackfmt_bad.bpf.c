// SPDX-License-Identifier: GPL-2.0
/* Unsafe twins of stackfmt_ok.bpf.c: a byte of the format the verifier cannot know. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* The NUL is replaced by a byte from the context: the format may run past its size. */
SEC("xdp")
int fmt_nul_unknown(struct xdp_md *ctx)
{
	char fmt[] = "XDP: Killroy was here! %d\n";

	fmt[sizeof(fmt) - 1] = (char)ctx->rx_queue_index;
	bpf_trace_printk(fmt, sizeof(fmt), 42);
	return XDP_PASS;
}

/* A byte of the narrow constant before the NUL is overwritten with an unknown one: it may
 * make a conversion ('%s') out of the text. */
SEC("xdp")
int fmt_tail_overwritten(struct xdp_md *ctx)
{
	char fmt[] = "XDP: Killroy was here! %d\n";
	volatile char *p = fmt;

	p[sizeof(fmt) - 2] = (char)ctx->rx_queue_index;
	bpf_trace_printk(fmt, sizeof(fmt), 42);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
