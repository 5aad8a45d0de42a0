// SPDX-License-Identifier: GPL-2.0
/* An IPv4 allow list: the buffer's first four bytes are an address (network order), the longest
 * matching prefix decides. Returns 1 (allow) or 0 (deny, also when nothing matches) and leaves
 * the matching rule's id in ctx->flags (0: none); -1 for a buffer too short. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "../../extensions/sample/sample_ext.h"

struct ipv4_lpm_key {
	__u32 prefixlen;
	__u32 addr;
};

struct rule {
	__u32 allow;
	__u32 id;
};

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 32);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct ipv4_lpm_key);
	__type(value, struct rule);
} rules SEC(".maps");

SEC("sample_ext")
int lpm_filter(struct sample_ctx *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ipv4_lpm_key key = { .prefixlen = 32 };
	struct rule *rule;

	if (data + sizeof(key.addr) > data_end)
		return -1;
	key.addr = *(__u32 *)data;
	rule = bpf_map_lookup_elem(&rules, &key);
	if (!rule) {
		ctx->flags = 0;
		return 0;
	}
	ctx->flags = rule->id;
	return rule->allow ? 1 : 0;
}

char LICENSE[] SEC("license") = "GPL";
