// SPDX-License-Identifier: GPL-2.0
/* Counts buffers per key, the key being the buffer's first four bytes (direct packet access, as
 * an XDP program reads a header). Returns the key's count, or -1 for a buffer too short. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "../../extensions/sample/sample_ext.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

SEC("sample_ext")
int count_by_key(struct sample_ctx *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u64 one = 1, *value;
	__u32 key;

	if (data + sizeof(key) > data_end)
		return -1;
	key = *(__u32 *)data;
	value = bpf_map_lookup_elem(&counts, &key);
	if (value) {
		__sync_fetch_and_add(value, 1);
		return (int)*value;
	}
	bpf_map_update_elem(&counts, &key, &one, BPF_NOEXIST);
	return 1;
}

char LICENSE[] SEC("license") = "GPL";
