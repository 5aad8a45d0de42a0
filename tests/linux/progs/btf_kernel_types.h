/* SPDX-License-Identifier: (MIT OR GPL-2.0) */
/*
 * The few kernel types the BTF-attached test programs read, declared as libbpf-tools' vmlinux.h
 * users see them: CO-RE (preserve_access_index) relocates each field to the running kernel's
 * layout, so only the fields used are listed.
 */
#ifndef BTF_KERNEL_TYPES_H
#define BTF_KERNEL_TYPES_H

#include <linux/types.h>
#include <stdbool.h>

#define CORE __attribute__((preserve_access_index))

struct audit_names {
	int name_len;
} CORE;

struct filename {
	const char *name;
	struct audit_names *aname;
} CORE;

struct inode {
	unsigned long i_ino;
} CORE;

struct file {
	struct inode *f_inode;
	unsigned int f_flags;
} CORE;

struct task_struct {
	int pid;
	int tgid;
	struct task_struct *real_parent;
	char comm[16];
} CORE;

/* Iterators' contexts (Linux wraps each pointer in an anonymous union: CO-RE finds the
 * members through it). */
struct seq_file;

struct bpf_iter_meta {
	struct seq_file *seq;
	__u64 session_id;
	__u64 seq_num;
} CORE;

struct bpf_iter__task {
	struct bpf_iter_meta *meta;
	struct task_struct *task;
} CORE;

struct bpf_map {
	__u32 id;
} CORE;

struct bpf_iter__bpf_map {
	struct bpf_iter_meta *meta;
	struct bpf_map *map;
} CORE;

struct sock_common {
	unsigned short skc_family;
} CORE;

struct bpf_iter__tcp {
	struct bpf_iter_meta *meta;
	struct sock_common *sk_common;
	__u32 uid;
} CORE;

#endif
