// SPDX-License-Identifier: (MIT OR GPL-2.0)
/*
 * Unsafe twins of ../btf_tracing.bpf.c, one program per way to misuse BTF-typed arguments; the
 * test loads each alone (only_program) and checks its reason.
 */
#include "../btf_kernel_types.h"
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

/* A store through a typed pointer: kernel objects are read-only. */
SEC("fentry/do_unlinkat")
int BPF_PROG(store_field, int dfd, struct filename *name)
{
	name->name = 0;
	return 0;
}

/* The same through a pointer read from a field. */
SEC("tp_btf/sched_switch")
int BPF_PROG(store_deep, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	next->real_parent->pid = 1;
	return 0;
}

/* Reads past the end of the struct. */
SEC("tp_btf/sched_switch")
int BPF_PROG(read_past, bool preempt, struct task_struct *prev)
{
	return *(volatile int *)((char *)prev + (1 << 20));
}

/* do_unlinkat(int dfd, struct filename *name): ctx[3] is no argument. */
SEC("fentry/do_unlinkat")
int arg_index(__u64 *ctx)
{
	return (int)ctx[3];
}

/* file_open(struct file *) and the return value: two slots, ctx[2] is neither. */
SEC("lsm/file_open")
int arg_index_lsm(__u64 *ctx)
{
	return (int)ctx[2];
}

/* A struct filename (32 bytes) read as a struct file: f_inode lies beyond it, in the
 * flexible char array iname[] that ends it, whose bytes are a number (as Linux's
 * btf_struct_walk reads them), not a pointer to follow. */
SEC("fentry/do_unlinkat")
int BPF_PROG(confused_beyond, int dfd, struct filename *name)
{
	struct file *f = (struct file *)name;

	return f->f_inode->i_ino == 1;
}

/* A struct file read as a struct filename: at aname's offset struct file has a void pointer
 * (private_data), a scalar, which cannot be dereferenced. */
SEC("lsm/file_open")
int BPF_PROG(confused_scalar, struct file *file)
{
	struct filename *n = (struct filename *)file;

	return n->aname->name_len;
}

/* No such kernel function: refused with a clear message. */
SEC("fentry/extbpf_no_such_function")
int BPF_PROG(absent_target)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
