// SPDX-License-Identifier: GPL-2.0
/* A CO-RE field access against a kernel type: the loader keeps the relocation for the core. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

struct task_struct {
	int pid;
	int tgid;
} __attribute__((preserve_access_index));

SEC("sample_ext")
int core_read(struct task_struct *task)
{
	return BPF_CORE_READ(task, pid);
}

char LICENSE[] SEC("license") = "GPL";
