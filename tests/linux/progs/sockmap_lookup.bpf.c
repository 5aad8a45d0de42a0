// SPDX-License-Identifier: (MIT OR GPL-2.0)
/*
 * Sockets taken from a sockmap or sockhash by a program, as the Linux selftests do
 * (test_sk_lookup.c, test_sk_assign.c, test_sockmap_update.c): the lookup gives a referenced
 * socket or NULL, checked, its fields read, handed to bpf_sk_assign or stored into another
 * socket map, and released on every path. Verify-only: the maps hold kernel sockets.
 * Twins: bad/sockmap_lookup.bpf.c.
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include "sock_maps.h"

/* tc: the socket's fields read, then released. */
SEC("tc")
int tc_lookup_release(struct __sk_buff *skb)
{
	__u32 key = 0, v;
	struct bpf_sock *sk;

	sk = bpf_map_lookup_elem(&socks, &key);
	if (!sk)
		return TC_ACT_OK;
	v = sk->family + sk->src_port + sk->state;
	bpf_sk_release(sk);
	return v == 7 ? TC_ACT_SHOT : TC_ACT_OK;
}

/* sk_lookup: a sockhash's socket selected, then released (the selection keeps its own). */
SEC("sk_lookup")
int lookup_assign_release(struct bpf_sk_lookup *ctx)
{
	__u32 key = ctx->local_port & 1;
	struct bpf_sock *sk;
	long err;

	sk = bpf_map_lookup_elem(&socks_by_id, &key);
	if (!sk)
		return SK_PASS;
	err = bpf_sk_assign(ctx, sk, 0);
	bpf_sk_release(sk);
	return err ? SK_DROP : SK_PASS;
}

/* sk_lookup: the selection compared with the socket assigned (a NULL equals no socket), then
 * the selection cancelled. */
SEC("sk_lookup")
int lookup_assign_compare(struct bpf_sk_lookup *ctx)
{
	__u32 key = 1;
	struct bpf_sock *sk;
	int ret = SK_DROP;

	sk = bpf_map_lookup_elem(&socks, &key);
	if (!sk)
		return SK_PASS;
	if (bpf_sk_assign(ctx, sk, 0))
		goto out;
	if (ctx->sk != sk)
		goto out;
	if (bpf_sk_assign(ctx, NULL, BPF_SK_LOOKUP_F_REPLACE))
		goto out;
	ret = SK_PASS;
out:
	bpf_sk_release(sk);
	return ret;
}

/* tc: a socket copied from the sockmap into the sockhash (the value stored is the socket). */
SEC("tc")
int tc_copy_socket(struct __sk_buff *skb)
{
	__u32 key = 0;
	struct bpf_sock *sk;
	int failed = 0;

	sk = bpf_map_lookup_elem(&socks, &key);
	if (!sk)
		return TC_ACT_OK;
	if (bpf_map_update_elem(&socks_by_id, &key, sk, BPF_ANY))
		failed = 1;
	bpf_sk_release(sk);
	return failed ? TC_ACT_SHOT : TC_ACT_OK;
}

char _license[] SEC("license") = "GPL";
