// SPDX-License-Identifier: (MIT OR GPL-2.0)
/* A malformed storage map: max_entries set, where Linux requires 0. */
#include <linux/bpf.h>
#include <linux/ptrace.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 64);
	__type(key, int);
	__type(value, __u64);
} sized_storage SEC(".maps");

SEC("kprobe/do_nanosleep")
int sized(struct pt_regs *ctx)
{
	__u64 *count = bpf_task_storage_get(&sized_storage, 0, 0, 0);

	return count ? 1 : 0;
}

char LICENSE[] SEC("license") = "GPL";
