// SPDX-License-Identifier: MIT
/*
 * Map types whose entries belong to kernel objects or kernel events: the storage maps (values
 * attached to a socket, task, inode or cgroup) and stack trace maps (filled by bpf_get_stackid
 * from kernel stacks). A user-space runtime has none of those objects, so these types exist
 * only as descriptions for verification: their attributes are checked as Linux checks them
 * (bpf_local_storage_map_alloc_check, cgroup_storage_map_alloc, stack_map_alloc), and creating
 * one with storage fails with the reason in verify_only.
 */
#include "maps/map_internal.h"

#define MAP_F_CLONE		(1u << 9) /* BPF_F_CLONE: sk storage copied to clones */
#define MAP_F_STACK_BUILD_ID	(1u << 5) /* BPF_F_STACK_BUILD_ID */
/* Linux's BPF_LOCAL_STORAGE_MAX_VALUE_SIZE: U16_MAX less struct bpf_local_storage_elem, whose
 * data is cacheline aligned (128 bytes on x86-64; Linux 6.18 here refuses 65408) */
#define LOCAL_STORAGE_VALUE_MAX (65535u - 128u)
#define STACK_MAX_DEPTH		127u /* sysctl kernel.perf_event_max_stack's default */
#define STACK_BUILD_ID_SIZE	32u  /* struct bpf_stack_build_id */

/* sk/inode/task/cgrp storage: one value per kernel object, found by the object, not a key. */
static int local_storage_check_attr(const struct map_attr *attr, const char **why)
{
	if (attr->map_flags & ~(MAP_F_NO_PREALLOC | MAP_F_CLONE)) {
		*why = "map_flags: local storage maps take only BPF_F_NO_PREALLOC and BPF_F_CLONE";
		return -EINVAL;
	}
	if (!(attr->map_flags & MAP_F_NO_PREALLOC)) {
		*why = "map_flags: local storage maps must have BPF_F_NO_PREALLOC";
		return -EINVAL;
	}
	if (attr->max_entries) {
		*why = "max_entries must be 0 for local storage maps (one value per kernel object)";
		return -EINVAL;
	}
	if (attr->key_size != 4) {
		*why = "key_size must be 4 (an int: the owner's file descriptor) for local storage "
		       "maps";
		return -EINVAL;
	}
	if (attr->value_size == 0) {
		*why = "value_size 0 is invalid";
		return -EINVAL;
	}
	if (attr->value_size > LOCAL_STORAGE_VALUE_MAX) {
		*why = "value_size is larger than local storage allows (65407 bytes)";
		return -E2BIG;
	}
	return 0;
}

/* The cgroup storage of bpf_get_local_storage: keyed by (cgroup, attach type) or cgroup id. */
static int cgroup_storage_check_attr(const struct map_attr *attr, const char **why)
{
	bool percpu = attr->type == EBPF_MAP_TYPE_PERCPU_CGROUP_STORAGE;

	if (attr->key_size != 16 && attr->key_size != 8) {
		*why = "key_size must be 16 (struct bpf_cgroup_storage_key, padded) or 8 (a cgroup "
		       "id)";
		return -EINVAL;
	}
	if (attr->max_entries) {
		*why = "max_entries must be 0 for cgroup storage maps";
		return -EINVAL;
	}
	if (attr->map_flags & ~(MAP_F_NUMA_NODE | MAP_F_ACCESS_MASK)) {
		*why = "map_flags has a flag cgroup storage maps do not support";
		return -EINVAL;
	}
	if (attr->value_size == 0) {
		*why = "value_size 0 is invalid";
		return -EINVAL;
	}
	/* Linux 5.14 on: the local storages' limit, per-CPU values also the per-CPU allocator's
	 * unit (PAGE_SIZE before; the 6.1 selftests' netcnt_prog.c uses 65279 bytes) */
	if (attr->value_size > (percpu ? MAP_PERCPU_VALUE_MAX : LOCAL_STORAGE_VALUE_MAX)) {
		*why = percpu ? "value_size is larger than 32768 bytes, the limit of per-CPU values"
			      : "value_size is larger than local storage allows (65407 bytes)";
		return -E2BIG;
	}
	return 0;
}

static int stack_trace_check_attr(const struct map_attr *attr, const char **why)
{
	uint32_t frame = attr->map_flags & MAP_F_STACK_BUILD_ID ? STACK_BUILD_ID_SIZE : 8;
	int err = map_check_common(
	    attr, MAP_F_NUMA_NODE | MAP_F_RDONLY | MAP_F_WRONLY | MAP_F_STACK_BUILD_ID, why);

	if (err)
		return err;
	if (attr->key_size != 4) {
		*why = "key_size must be 4 (a stack id) for stack trace maps";
		return -EINVAL;
	}
	if (attr->value_size < frame || attr->value_size % frame) {
		*why = frame == 8
			   ? "value_size must be a non-zero multiple of 8 (one u64 per frame)"
			   : "value_size must be a non-zero multiple of 32 (struct "
			     "bpf_stack_build_id per frame)";
		return -EINVAL;
	}
	if (attr->value_size / frame > STACK_MAX_DEPTH) {
		*why = "value_size holds more frames than perf_event_max_stack (127)";
		return -EINVAL;
	}
	return 0;
}

#define NO_STORAGE_OPS(name_, check_, reason_)                                                     \
	const struct map_ops name_ = { .check_attr = (check_), .verify_only = (reason_) }

#define OWNED_BY(what)                                                                             \
	"its values belong to kernel " what ", which a user-space runtime does not have "          \
	"(verify-only)"

NO_STORAGE_OPS(sk_storage_map_ops, local_storage_check_attr, OWNED_BY("sockets"));
NO_STORAGE_OPS(inode_storage_map_ops, local_storage_check_attr, OWNED_BY("inodes"));
NO_STORAGE_OPS(task_storage_map_ops, local_storage_check_attr, OWNED_BY("tasks"));
NO_STORAGE_OPS(cgrp_storage_map_ops, local_storage_check_attr, OWNED_BY("cgroups"));
NO_STORAGE_OPS(cgroup_storage_map_ops, cgroup_storage_check_attr, OWNED_BY("cgroups"));
NO_STORAGE_OPS(percpu_cgroup_storage_map_ops, cgroup_storage_check_attr, OWNED_BY("cgroups"));
NO_STORAGE_OPS(stack_trace_map_ops, stack_trace_check_attr,
	       "it holds kernel stacks, which bpf_get_stackid records and a user-space runtime "
	       "cannot walk (verify-only)");
