/* SPDX-License-Identifier: MIT */
/*
 * The BTF a program's CO-RE relocations resolve against: the BTF its program type publishes
 * (extensions, ebpf_program_info.btf), else the kernel's (the file the host named, or the
 * running kernel's /sys/kernel/btf/vmlinux), read once per object.
 */
#ifndef EXTBPF_CORE_BTF_TARGET_H
#define EXTBPF_CORE_BTF_TARGET_H

#include <stdbool.h>

#include <extbpf/extension.h>

#include "loader/loader.h"

#define CORE_KERNEL_BTF "/sys/kernel/btf/vmlinux"

/* One object's load: the kernel's BTF once read. */
struct core_btf_targets {
	const char *kernel_path; /* ebpf_object_open_opts.btf_path, NULL for the default */
	struct loader_core_target *kernel;
};

/*
 * The target for programs of the type info describes: *owned says whether the caller frees
 * it (loader_core_target_free). Returns 0, or a negative errno with core_error() naming the
 * file or program type and why.
 */
int core_btf_target(struct core_btf_targets *targets, const struct ebpf_program_info *info,
		    struct loader_core_target **target, bool *owned);
/* The kernel's BTF itself (read once per object), whatever BTF the program type publishes:
 * what Linux helpers returning kernel structs point to. 0, or a negative errno with
 * core_error() naming the file. */
struct btf;
int core_btf_kernel(struct core_btf_targets *targets, const struct btf **btf);
void core_btf_targets_free(struct core_btf_targets *targets);

#endif /* EXTBPF_CORE_BTF_TARGET_H */
