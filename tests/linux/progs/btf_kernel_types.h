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

#endif
