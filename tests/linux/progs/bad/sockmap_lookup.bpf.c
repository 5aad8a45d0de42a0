// SPDX-License-Identifier: (MIT OR GPL-2.0)
/* Sockets from socket maps misused: each program is refused, as Linux refuses it. */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include "../sock_maps.h"

/* A field read before the NULL check. */
SEC("tc")
int sockmap_unchecked(struct __sk_buff *skb)
{
	struct bpf_sock *sk = sock_at(&socks, 0);
	__u32 family = sk->family;

	if (sk)
		bpf_sk_release(sk);
	return family;
}

/* Checked but never released. */
SEC("tc")
int sockmap_leak(struct __sk_buff *skb)
{
	struct bpf_sock *sk = sock_at(&socks_by_id, 0);

	if (!sk)
		return TC_ACT_OK;
	return sk->family == 2 ? TC_ACT_SHOT : TC_ACT_OK;
}

/* Assigned, never released. */
SEC("sk_lookup")
int sockmap_assign_leak(struct bpf_sk_lookup *ctx)
{
	struct bpf_sock *sk = sock_at(&socks, 0);

	if (!sk)
		return SK_PASS;
	return bpf_sk_assign(ctx, sk, 0) ? SK_DROP : SK_PASS;
}

/* A field read after the release. */
SEC("tc")
int sockmap_use_after_release(struct __sk_buff *skb)
{
	struct bpf_sock *sk = sock_at(&socks, 0);

	if (!sk)
		return TC_ACT_OK;
	bpf_sk_release(sk);
	return sk->family;
}

/* Released twice. */
SEC("tc")
int sockmap_double_release(struct __sk_buff *skb)
{
	struct bpf_sock *sk = sock_at(&socks, 0);

	if (!sk)
		return TC_ACT_OK;
	bpf_sk_release(sk);
	bpf_sk_release(sk);
	return TC_ACT_OK;
}

/* A store into the socket. */
SEC("tc")
int sockmap_store(struct __sk_buff *skb)
{
	struct bpf_sock *sk = sock_at(&socks, 0);

	if (!sk)
		return TC_ACT_OK;
	sk->mark = 1;
	bpf_sk_release(sk);
	return TC_ACT_OK;
}

/* A program stores sockets into a socket map, not the fd user space writes. */
SEC("tc")
int sockmap_update_fd(struct __sk_buff *skb)
{
	__u32 key = 0;
	__u64 fd = 3;

	return bpf_map_update_elem(&socks, &key, &fd, BPF_ANY) ? TC_ACT_SHOT : TC_ACT_OK;
}

/* The socket stored before its NULL check. */
SEC("tc")
int sockmap_update_unchecked(struct __sk_buff *skb)
{
	__u32 key = 0;
	struct bpf_sock *sk = sock_at(&socks, key);
	long err = bpf_map_update_elem(&socks_by_id, &key, sk, BPF_ANY);

	if (sk)
		bpf_sk_release(sk);
	return err ? TC_ACT_SHOT : TC_ACT_OK;
}

char _license[] SEC("license") = "GPL";
