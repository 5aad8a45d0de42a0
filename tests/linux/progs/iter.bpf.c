// SPDX-License-Identifier: (MIT OR GPL-2.0)
/*
 * Iterators as bpftool's and the kernel selftests' are written: the context is the kernel's
 * struct bpf_iter__NAME, the object visited may be NULL (the walk's end) and is checked before
 * any load through it, and the output goes to meta->seq with bpf_seq_printf / bpf_seq_write.
 * Unsafe twins: bad/iter.bpf.c.
 */
#include "btf_kernel_types.h"
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

SEC("iter/task")
int dump_task(struct bpf_iter__task *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	struct task_struct *task = ctx->task;

	if (!task)
		return 0;
	if (ctx->meta->seq_num == 0)
		BPF_SEQ_PRINTF(seq, "    tgid      pid\n");
	BPF_SEQ_PRINTF(seq, "%8d %8d\n", task->tgid, task->pid);
	return 0;
}

/* The parent is a further typed pointer, which Linux reads with probe reads: no check needed. */
SEC("iter/task")
int write_parent(struct bpf_iter__task *ctx)
{
	struct task_struct *task = ctx->task;
	__u32 ppid;

	if (!task)
		return 0;
	ppid = task->real_parent->pid;
	bpf_seq_write(ctx->meta->seq, &ppid, sizeof(ppid));
	return 0;
}

SEC("iter/bpf_map")
int dump_map(struct bpf_iter__bpf_map *ctx)
{
	struct bpf_map *map = ctx->map;

	if (map)
		BPF_SEQ_PRINTF(ctx->meta->seq, "%u\n", map->id);
	return 0;
}

SEC("iter/tcp")
int dump_tcp(struct bpf_iter__tcp *ctx)
{
	struct sock_common *sk = ctx->sk_common;

	if (sk == NULL)
		return 0;
	BPF_SEQ_PRINTF(ctx->meta->seq, "%u %u\n", sk->skc_family, ctx->uid);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
