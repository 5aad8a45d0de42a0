// SPDX-License-Identifier: GPL-2.0
/* Counts its runs with atomic adds in an array and in a hash: when the object's maps are shared
 * (pinned with pin_maps_dir), runs in several processes add to the same counters. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "../../extensions/sample/sample_ext.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} runs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
} runs_by_key SEC(".maps");

SEC("sample_ext/shared")
int count_runs(struct sample_ctx *ctx)
{
	__u32 index = 1, key = 7;
	__u64 one = 1, *value;

	value = bpf_map_lookup_elem(&runs, &index);
	if (value)
		__sync_fetch_and_add(value, 1);
	value = bpf_map_lookup_elem(&runs_by_key, &key);
	if (!value) {
		/* The first run anywhere inserts; a run that lost the race adds to the winner's. */
		if (bpf_map_update_elem(&runs_by_key, &key, &one, BPF_NOEXIST) == 0)
			return 0;
		value = bpf_map_lookup_elem(&runs_by_key, &key);
	}
	if (value)
		__sync_fetch_and_add(value, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
