// SPDX-License-Identifier: (MIT OR GPL-2.0)
/*
 * bpf_trace_printk with its format on the stack, as the kernel's samples/bpf tracex1 prints:
 * clang stores the 15 bytes of "skb %p len %d\n" as 8, 4, 2 and 1 bytes, the 2-byte piece in
 * the middle of a stack slot, where the verifier does not keep it as a constant. A tracing
 * type lets the helper parse such a format at run time, as Linux does.
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
