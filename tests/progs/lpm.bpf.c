// SPDX-License-Identifier: GPL-2.0
/* Longest-prefix match on IPv4 addresses. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct ipv4_lpm_key {
	__u32 prefixlen;
	__u32 addr;
};

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 255);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct ipv4_lpm_key);
	__type(value, __u32);
} routes SEC(".maps");

SEC("sample_ext")
int lpm(void *ctx)
{
	struct ipv4_lpm_key key = { .prefixlen = 32, .addr = 0x0100000a };
	__u32 *nexthop;

	nexthop = bpf_map_lookup_elem(&routes, &key);
	return nexthop ? (int)*nexthop : -1;
}

char LICENSE[] SEC("license") = "GPL";
