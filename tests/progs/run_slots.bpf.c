// SPDX-License-Identifier: MIT
/*
 * Per-CPU values counted without atomics, and a hash value replaced on every run
 * (tests/core/test_run_slots.c).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "../../extensions/sample/sample_ext.h"

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} per_cpu_array SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} per_cpu_hash SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, __u64);
} replaced SEC(".maps");

/*
 * `*count = v + 1` with two helper calls between the load and the store: a thread preempted
 * there while another uses the same slot loses the other's increments, unless the slot is its
 * own for the whole run, as a CPU is in Linux with migration disabled.
 */
SEC("sample_ext")
int count_plain(struct sample_ctx *ctx)
{
	__u32 zero = 0;
	__u64 *array = bpf_map_lookup_elem(&per_cpu_array, &zero);
	__u64 *hash = bpf_map_lookup_elem(&per_cpu_hash, &zero);
	__u64 a, h;

	if (!array || !hash)
		return 0;
	a = *array;
	h = *hash;
	bpf_ktime_get_ns();
	bpf_ktime_get_ns();
	*array = a + 1;
	*hash = h + 1;
	return 1;
}

/* Every run replaces the value of one of 16 keys: a new element, the old one reclaimed. */
SEC("sample_ext")
int replace_value(struct sample_ctx *ctx)
{
	__u64 now = bpf_ktime_get_ns();
	__u32 key = (__u32)now & 15;

	return bpf_map_update_elem(&replaced, &key, &now, BPF_ANY) == 0;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
