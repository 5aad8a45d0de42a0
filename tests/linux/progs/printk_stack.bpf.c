// SPDX-License-Identifier: (MIT OR GPL-2.0)
/*
 * bpf_trace_printk with its format on the stack, as the kernel's samples/bpf tracex1 prints:
 * clang stores the 15 bytes of "skb %p len %d\n" as 8, 4, 2 and 1 bytes, the verifier keeps
 * each piece, and a tracing type may print the pointer with %p, as Linux lets it.
 */
#define __TARGET_ARCH_x86
#include <linux/bpf.h>
#include <linux/ptrace.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

SEC("kprobe/__netif_receive_skb_core")
int print_skb(struct pt_regs *ctx)
{
	void *skb = (void *)PT_REGS_PARM1(ctx);
	unsigned int len = 0;

	bpf_probe_read_kernel(&len, sizeof(len), skb + 112);
	if (len > 64) {
		char fmt[] = "skb %p len %d\n";

		bpf_trace_printk(fmt, sizeof(fmt), skb, len);
	}
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
