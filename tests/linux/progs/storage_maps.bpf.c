// SPDX-License-Identifier: (MIT OR GPL-2.0)
/*
 * The map types of kernel objects and stacks as libbpf-tools and LSM programs declare them:
 * task and cgroup storage (BPF_F_NO_PREALLOC, no max_entries, as Linux requires) and a stack
 * trace map whose value size and max_entries the tool sets at run time, used from a kprobe with
 * bpf_task_storage_get and bpf_get_stackid. They verify; none can run in user space.
 */
#include <linux/bpf.h>
#include <linux/ptrace.h>
#include <bpf/bpf_helpers.h>

struct task_info {
	__u64 calls;
	__u64 last_stack;
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct task_info);
} task_infos SEC(".maps");

struct {
	__uint(type, 32); /* BPF_MAP_TYPE_CGRP_STORAGE (Linux 6.2, newer than these headers) */
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, __u64);
} cgroup_counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(key_size, sizeof(__u32));
} stacks SEC(".maps");

SEC("kprobe/do_nanosleep")
int count_stacks(struct pt_regs *ctx)
{
	struct task_info *info;
	long id;

	info = bpf_task_storage_get(&task_infos, 0, 0, 0);
	id = bpf_get_stackid(ctx, &stacks, 0);
	if (!info)
		return 0;
	info->calls++;
	info->last_stack = id;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
