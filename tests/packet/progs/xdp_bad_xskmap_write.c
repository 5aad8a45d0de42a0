// SPDX-License-Identifier: MIT
/* Refused: a value an xskmap lookup gives is read-only to programs (it names a host queue). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u32);
} xsks SEC(".maps");

SEC("xdp")
int xdp_bad(struct xdp_md *ctx)
{
	__u32 key = 0, *queue = bpf_map_lookup_elem(&xsks, &key);

	if (queue)
		*queue = 7;
	return bpf_redirect_map(&xsks, 0, XDP_PASS);
}
