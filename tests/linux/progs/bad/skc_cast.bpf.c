// SPDX-License-Identifier: (MIT OR GPL-2.0)
/* bpf_skc_to_* casts misused: each program is refused, as Linux refuses it. */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include "../skc_types.h"
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, __u64);
} cast_marks SEC(".maps");

/* The context's socket, checked. */
static __always_inline struct tcp_sock *ctx_tcp_sock(struct bpf_sock_ops *skops)
{
	struct bpf_sock *sk = skops->sk;

	return sk ? bpf_skc_to_tcp_sock(sk) : 0;
}

/* A field read before the NULL check. */
SEC("sockops")
int cast_unchecked(struct bpf_sock_ops *skops)
{
	struct bpf_sock *sk = skops->sk;

	if (!sk)
		return 1;
	return bpf_skc_to_tcp_sock(sk)->snd_cwnd;
}

/* A read past the end of struct tcp_sock. */
SEC("sockops")
int cast_past_end(struct bpf_sock_ops *skops)
{
	struct tcp_sock *tp = ctx_tcp_sock(skops);

	return tp ? *(volatile __u32 *)((char *)tp + 65536) : 1;
}

/* A store into the kernel's socket. */
SEC("sockops")
int cast_write(struct bpf_sock_ops *skops)
{
	struct tcp_sock *tp = ctx_tcp_sock(skops);

	if (tp)
		tp->snd_cwnd = 10;
	return 1;
}

/* The context is no socket. */
SEC("sockops")
int cast_of_context(struct bpf_sock_ops *skops)
{
	return bpf_skc_to_tcp_sock(skops) ? 1 : 0;
}

/* The cast read after the socket it came from is released. */
SEC("tc")
int cast_after_release(struct __sk_buff *skb)
{
	struct bpf_sock_tuple tuple = {};
	struct bpf_sock *skc;
	struct tcp_sock *tp;

	skc = bpf_skc_lookup_tcp(skb, &tuple, sizeof(tuple.ipv4), BPF_F_CURRENT_NETNS, 0);
	if (!skc)
		return TC_ACT_OK;
	tp = bpf_skc_to_tcp_sock(skc);
	bpf_sk_release(skc);
	return tp ? tp->snd_cwnd : TC_ACT_OK;
}

/* A cast of the packet's socket holds no reference to release. */
SEC("tc")
int cast_release_unreferenced(struct __sk_buff *skb)
{
	struct bpf_sock *sk = skb->sk;
	struct tcp_sock *tp;

	if (!sk)
		return TC_ACT_OK;
	tp = bpf_skc_to_tcp_sock(sk);
	if (tp)
		bpf_sk_release(tp);
	return TC_ACT_OK;
}

/* A tracing program's context is no socket: its cookie is a socket's. */
SEC("fentry/tcp_close")
int cookie_of_context(unsigned long long *ctx)
{
	return bpf_get_socket_cookie(ctx) == 1;
}

/* The storage of a cast that may be NULL. */
SEC("tc")
int storage_of_unchecked_cast(struct __sk_buff *skb)
{
	struct bpf_sock *sk = skb->sk;

	if (!sk)
		return TC_ACT_OK;
	return bpf_sk_storage_get(&cast_marks, bpf_skc_to_tcp_sock(sk), 0, 0) != 0;
}

char _license[] SEC("license") = "GPL";
