// SPDX-License-Identifier: (MIT OR GPL-2.0)
/* Writes a register of struct pt_regs, which kprobe programs may only read. */
#include <linux/bpf.h>
#include <linux/ptrace.h>
#include <bpf/bpf_helpers.h>

SEC("kprobe/do_unlinkat")
int write_regs(struct pt_regs *ctx)
{
	ctx->rax = 0;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
