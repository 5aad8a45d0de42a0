// SPDX-License-Identifier: (MIT OR GPL-2.0)
/*
 * A SO_REUSEPORT selector picking a socket by the packet's hash, as Linux's
 * test_select_reuseport_kern.c does, and a migration's by the listener's cookie. The socket
 * map exists for verification only.
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

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __u64);
	__type(value, __u32);
} migrate_to SEC(".maps");

/* A migration (test_migrate_reuseport.c): the target chosen by the listener's cookie, only
 * when a request migrates (migrating_sk checked against NULL). */
SEC("sk_reuseport/migrate")
int migrate_by_cookie(struct sk_reuseport_md *reuse)
{
	struct bpf_sock *migrating = reuse->migrating_sk;
	__u64 cookie;
	__u32 *index;

	if (!migrating || migrating->state == 10)
		return SK_PASS;
	cookie = bpf_get_socket_cookie(reuse->sk) ^ bpf_get_socket_cookie(migrating);
	index = bpf_map_lookup_elem(&migrate_to, &cookie);
	if (!index)
		return SK_DROP;
	return bpf_sk_select_reuseport(reuse, &reuseport_socks, index, 0) ? SK_DROP : SK_PASS;
}

char _license[] SEC("license") = "GPL";
