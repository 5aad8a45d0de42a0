// SPDX-License-Identifier: (MIT OR GPL-2.0)
/* Dereferences a kernel pointer argument directly instead of through bpf_probe_read_kernel. */
#define __TARGET_ARCH_x86
#include <linux/bpf.h>
#include <linux/ptrace.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

SEC("kprobe/do_unlinkat")
int BPF_KPROBE(deref, int dfd, int *name)
{
	return *name;
}

char LICENSE[] SEC("license") = "GPL";
