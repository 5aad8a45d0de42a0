// SPDX-License-Identifier: GPL-2.0
/*
 * The concurrency stress test's programs. count_invocation adds 1 to the slot of the firing
 * thread (the hook's uid) with an atomic add and returns 1, so the host can compare the slots
 * with the invocations each thread saw; it also reads and writes a hash map the host updates
 * and deletes from at the same time. other returns 2 and is attached and detached in a loop.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "../../../extensions/sample/sample_ext.h"

#define STRESS_SLOTS 16

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, STRESS_SLOTS);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u64);
} shared SEC(".maps");

SEC("sample_ext/count")
int count_invocation(struct sample_ctx *ctx)
{
	__u32 slot = ctx->uid;
	__u32 key = ctx->uid & 31;
	__u64 *value = bpf_map_lookup_elem(&counts, &slot);

	if (value)
		__sync_fetch_and_add(value, 1);
	value = bpf_map_lookup_elem(&shared, &key);
	if (value)
		__sync_fetch_and_add(value, 1);
	return 1;
}

SEC("sample_ext/other")
int other(struct sample_ctx *ctx)
{
	return 2;
}

char LICENSE[] SEC("license") = "GPL";
