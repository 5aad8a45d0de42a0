// SPDX-License-Identifier: GPL-2.0
/* A small LRU hash touched by key (the buffer's first four bytes): a hit counts and returns 1,
 * a miss inserts (evicting when full) and returns 0; -1 for a buffer too short. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "../../extensions/sample/sample_ext.h"

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} recent SEC(".maps");

SEC("sample_ext")
int lru_touch(struct sample_ctx *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u64 one = 1, *hits;
	__u32 key;

	if (data + sizeof(key) > data_end)
		return -1;
	key = *(__u32 *)data;
	hits = bpf_map_lookup_elem(&recent, &key);
	if (hits) {
		__sync_fetch_and_add(hits, 1);
		return 1;
	}
	bpf_map_update_elem(&recent, &key, &one, BPF_ANY);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
