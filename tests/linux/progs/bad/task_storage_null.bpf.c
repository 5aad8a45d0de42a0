// SPDX-License-Identifier: (MIT OR GPL-2.0)
/* The unsafe twin of storage_maps.bpf.c: the task's value is used without a null check. */
#include <linux/bpf.h>
#include <linux/ptrace.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, __u64);
} task_counts SEC(".maps");

SEC("kprobe/do_nanosleep")
int count_unchecked(struct pt_regs *ctx)
{
	__u64 *count = bpf_task_storage_get(&task_counts, 0, 0, 0);

	*count += 1;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
