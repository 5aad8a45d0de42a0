// SPDX-License-Identifier: GPL-2.0
/* A kprobe program reading the current task's tgid as libbpf-tools do, with a vmlinux.h-style
 * definition that has another layout than any real kernel's: relocated against the kernel's
 * BTF. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

struct task_struct {
	int pid;
	int tgid;
} __attribute__((preserve_access_index));

SEC("kprobe/do_nanosleep")
int core_kprobe(void *ctx)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();

	return BPF_CORE_READ(task, tgid);
}

char LICENSE[] SEC("license") = "GPL";
