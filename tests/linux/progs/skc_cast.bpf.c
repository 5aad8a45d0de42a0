// SPDX-License-Identifier: (MIT OR GPL-2.0)
/*
 * Sockets cast to their protocol's kernel struct with bpf_skc_to_*, as the Linux selftests do
 * (test_btf_skc_cls_ingress.c, test_sock_fields.c, test_tcpbpf_kern.c, socket_cookie_prog.c's
 * tracing program, with bpf_get_socket_cookie of a struct sock): the cast checked
 * against NULL, its fields (nested ones too) read at the kernel's offsets, handed to socket
 * helpers, released in place of the socket it was cast from. Verify-only: the structs are the
 * kernel's, typed by its BTF. Twins: bad/skc_cast.bpf.c.
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include "skc_types.h"
#include <bpf/bpf_helpers.h>

static __always_inline struct bpf_sock *lookup(struct __sk_buff *skb)
{
	struct bpf_sock_tuple tuple = {};

	return bpf_skc_lookup_tcp(skb, &tuple, sizeof(tuple.ipv4), BPF_F_CURRENT_NETNS, 0);
}

/* tc: a listener's TCP state read through the cast, the socket released. */
SEC("tc")
int tc_tcp_sock_fields(struct __sk_buff *skb)
{
	struct bpf_sock *skc = lookup(skb);
	struct tcp_sock *tp;
	__u32 v = 0;

	if (!skc)
		return TC_ACT_OK;
	tp = bpf_skc_to_tcp_sock(skc);
	if (tp)
		v = tp->snd_cwnd + tp->inet_conn.icsk_inet.sk.__sk_common.skc_num;
	bpf_sk_release(skc);
	return v == 7 ? TC_ACT_SHOT : TC_ACT_OK;
}

/* tc: a request socket assigned to the packet, then released through the cast. */
SEC("tc")
int tc_request_assign(struct __sk_buff *skb)
{
	struct bpf_sock *skc = lookup(skb);
	struct tcp_request_sock *req;
	int ret = TC_ACT_OK;

	if (!skc)
		return TC_ACT_OK;
	req = bpf_skc_to_tcp_request_sock(skc);
	if (!req) {
		bpf_sk_release(skc);
		return TC_ACT_OK;
	}
	if (bpf_sk_assign(skb, req, 0) || req->req.req.mss == 0)
		ret = TC_ACT_SHOT;
	bpf_sk_release(req);
	return ret;
}

/* XDP (the packet extension's type): a looked-up listener's TCP state, the socket released. */
SEC("xdp")
int xdp_listener_cwnd(struct xdp_md *ctx)
{
	struct bpf_sock_tuple tuple = {};
	struct bpf_sock *skc;
	struct tcp_sock *tp;
	int ret = XDP_PASS;

	skc = bpf_skc_lookup_tcp(ctx, &tuple, sizeof(tuple.ipv4), BPF_F_CURRENT_NETNS, 0);
	if (!skc)
		return XDP_PASS;
	tp = bpf_skc_to_tcp_sock(skc);
	if (tp && tp->snd_cwnd == 0)
		ret = XDP_DROP;
	bpf_sk_release(skc);
	return ret;
}

/* sock_ops: the context's socket cast (no reference to release). */
SEC("sockops")
int sockops_window_clamp(struct bpf_sock_ops *skops)
{
	struct bpf_sock *sk = skops->sk;
	struct tcp_sock *tp;

	if (!sk)
		return 1;
	tp = bpf_skc_to_tcp_sock(sk);
	if (!tp)
		return 1;
	return tp->window_clamp > 9216;
}

/* cgroup_skb: the cast handed to a helper taking a socket. */
SEC("cgroup_skb/egress")
int cg_skb_tcp_cgroup(struct __sk_buff *skb)
{
	struct bpf_sock *sk = skb->sk;
	struct tcp_sock *tp;

	if (!sk)
		return 1;
	sk = bpf_sk_fullsock(sk);
	if (!sk)
		return 1;
	tp = bpf_skc_to_tcp_sock(sk);
	if (!tp)
		return 1;
	return bpf_sk_cgroup_id(tp) && tp->lsndtime ? 1 : 0;
}

/* sock_ops: whether the socket is a TCP one (no field read: no CO-RE relocation). */
SEC("sockops")
int sockops_is_tcp(struct bpf_sock_ops *skops)
{
	struct bpf_sock *sk = skops->sk;

	return sk && bpf_skc_to_tcp_sock(sk) ? 1 : 0;
}

/* tracing: the closed socket's cookie and TCP state (a struct sock argument: no reference). */
SEC("fentry/tcp_close")
int close_cookie(unsigned long long *ctx)
{
	struct sock *sk = (struct sock *)ctx[0];
	struct tcp_sock *tp = bpf_skc_to_tcp_sock(sk);
	__u64 cookie = bpf_get_socket_cookie(sk);

	if (tp && cookie == tp->snd_cwnd)
		bpf_printk("cookie %llu", cookie);
	return 0;
}

/* tracing: a Unix socket's bound path, read in the flexible array past its unix_address
 * (test_skc_to_unix_sock.c). */
SEC("fentry/tcp_close")
int close_unix_path(unsigned long long *ctx)
{
	struct unix_sock *u = bpf_skc_to_unix_sock((struct sock *)ctx[0]);

	if (u && u->addr && u->addr->len > 3)
		bpf_printk("path %c", u->addr->name[0].sun_path[1]);
	return 0;
}

char _license[] SEC("license") = "GPL";
