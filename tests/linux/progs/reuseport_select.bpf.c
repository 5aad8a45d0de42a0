// SPDX-License-Identifier: (MIT OR GPL-2.0)
/*
 * A SO_REUSEPORT selector picking a socket by the packet's hash, as Linux's
 * test_select_reuseport_kern.c does. The socket map exists for verification only.
 */
#include <linux/bpf.h>
#include <linux/in.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_SOCKMAP);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
} reuseport_socks SEC(".maps");

/* Picks the group's socket by the packet's hash; UDP only, the first byte checked in place. */
SEC("sk_reuseport")
int select_by_hash(struct sk_reuseport_md *reuse)
{
	__u8 *data = reuse->data, *data_end = reuse->data_end;
	__u32 index = reuse->hash % 16;

	if (reuse->ip_protocol != IPPROTO_UDP || reuse->len < 8)
		return SK_PASS;
	if (data + 1 > data_end)
		return SK_DROP;
	if (data[0] == 0xff)
		return SK_DROP;
	return bpf_sk_select_reuseport(reuse, &reuseport_socks, &index, 0) ? SK_DROP : SK_PASS;
}

char _license[] SEC("license") = "GPL";
