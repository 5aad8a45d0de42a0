// SPDX-License-Identifier: (MIT OR GPL-2.0)
/*
 * Programs attached through the kernel's BTF, written as libbpf-tools writes them (BPF_PROG):
 * fentry, fexit, tp_btf, lsm and fmod_ret. Their arguments are typed by the target's prototype:
 * pointers to kernel structs are read directly (scalar fields, pointer fields that are further
 * typed pointers, arrays), possibly NULL, and passed to probe reads.
 */
#include "btf_kernel_types.h"
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

static void count(__u32 slot, __u64 value)
{
	__u64 *c = bpf_map_lookup_elem(&counts, &slot);

	if (c)
		*c += value;
}

SEC("fentry/do_unlinkat")
int BPF_PROG(unlink_entry, int dfd, struct filename *name)
{
	char buf[32];

	if (!name)
		return 0;
	/* name->name is a pointer to char: a scalar for the verifier, read with a probe read */
	bpf_probe_read_kernel_str(buf, sizeof(buf), name->name);
	count(0, (__u64)dfd + buf[0]);
	return 0;
}

SEC("fexit/do_unlinkat")
int BPF_PROG(unlink_exit, int dfd, struct filename *name, long ret)
{
	count(1, ret < 0 ? 1 : 0);
	return 0;
}

SEC("tp_btf/sched_switch")
int BPF_PROG(switch_btf, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	/* two typed steps: next, then the task its real_parent field points to */
	count(2, (__u64)next->real_parent->tgid + prev->pid + prev->comm[1] + preempt);
	return 0;
}

SEC("lsm/file_open")
int BPF_PROG(lsm_open, struct file *file, int ret)
{
	if (ret)
		return ret;
	return file->f_inode->i_ino == 1 ? -1 : 0;
}

SEC("fmod_ret/security_file_open")
int BPF_PROG(fmod_open, struct file *file, int ret)
{
	return file->f_flags & 1 ? -13 : ret;
}

char LICENSE[] SEC("license") = "GPL";
