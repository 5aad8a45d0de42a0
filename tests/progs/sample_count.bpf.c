// SPDX-License-Identifier: GPL-2.0
/* Counts, per uid, the buffers the sample hook fires with, in a hash map the host reads; returns
 * the buffer's length (data_end - data). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "../../extensions/sample/sample_ext.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u64);
} hits SEC(".maps");

SEC("sample_ext/count")
int count_hits(struct sample_ctx *ctx)
{
	__u32 uid = ctx->uid;
	__u64 one = 1, *value;

	value = bpf_map_lookup_elem(&hits, &uid);
	if (value)
		__sync_fetch_and_add(value, 1);
	else
		bpf_map_update_elem(&hits, &uid, &one, BPF_NOEXIST);
	return (int)(ctx->data_end - ctx->data);
}

char LICENSE[] SEC("license") = "GPL";
