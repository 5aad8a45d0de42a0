// SPDX-License-Identifier: (MIT OR GPL-2.0)
/*
 * Unsafe twins of ../iter.bpf.c, one program per way to misuse an iterator's context; the test
 * loads each alone (only_program) and checks its reason.
 */
#include "../btf_kernel_types.h"
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

/* The task is NULL once the walk is over: a load needs the check first. */
SEC("iter/task")
int no_null_check(struct bpf_iter__task *ctx)
{
	return ctx->task->pid;
}

/* The same with the map of iter/bpf_map. */
SEC("iter/bpf_map")
int map_no_null_check(struct bpf_iter__bpf_map *ctx)
{
	BPF_SEQ_PRINTF(ctx->meta->seq, "%u\n", ctx->map->id);
	return 0;
}

/* Checked, then written: kernel objects are read-only. */
SEC("iter/task")
int write_task(struct bpf_iter__task *ctx)
{
	struct task_struct *task = ctx->task;

	if (task)
		task->pid = 1;
	return 0;
}

/* Arithmetic on the pointer before its check. */
SEC("iter/task")
int arith_before_check(struct bpf_iter__task *ctx)
{
	char *p = (char *)ctx->task;

	asm volatile("%0 += 8" : "+r"(p));
	if (!p)
		return 0;
	return *(int *)p;
}

/* The seq_file argument must be a kernel object's pointer, not a number. */
SEC("iter/task")
int seq_not_pointer(struct bpf_iter__task *ctx)
{
	__u64 n = ctx->meta->seq_num;

	bpf_seq_write((void *)n, &n, sizeof(n));
	return 0;
}

/* The context is read-only. */
SEC("iter/task")
int write_ctx(struct bpf_iter__task *ctx)
{
	ctx->task = 0;
	return 0;
}

/* No such iterator in the kernel. */
SEC("iter/extbpf_no_such_iter")
int absent_iter(void *ctx)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
