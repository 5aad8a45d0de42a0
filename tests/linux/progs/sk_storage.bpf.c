// SPDX-License-Identifier: (MIT OR GPL-2.0)
/*
 * Per-socket storage from the socket-level types, as Linux's selftests (tcp_rtt.c,
 * socket_cookie_prog.c) use it: sockops and cgroup_skb name the context's socket (checked
 * against NULL), connect() programs the context's (never NULL).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct conn_stats {
	__u64 packets;
	__u32 cwnd;
	__u32 port;
};

struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct conn_stats);
} conns SEC(".maps");

SEC("sockops")
int sockops_stats(struct bpf_sock_ops *skops)
{
	struct bpf_sock *sk = skops->sk;
	struct conn_stats *stats;
	struct bpf_tcp_sock *tp;

	if (!sk)
		return 1;
	stats = bpf_sk_storage_get(&conns, sk, 0, BPF_SK_STORAGE_GET_F_CREATE);
	if (!stats)
		return 1;
	tp = bpf_tcp_sock(sk);
	if (tp)
		stats->cwnd = tp->snd_cwnd;
	if (skops->op == BPF_SOCK_OPS_STATE_CB)
		bpf_sk_storage_delete(&conns, sk);
	return 1;
}

SEC("cgroup_skb/egress")
int egress_count(struct __sk_buff *skb)
{
	struct bpf_sock *sk = skb->sk;
	struct conn_stats *stats;

	if (!sk)
		return 1;
	sk = bpf_sk_fullsock(sk);
	if (!sk)
		return 1;
	stats = bpf_sk_storage_get(&conns, sk, 0, 0);
	if (stats)
		__sync_fetch_and_add(&stats->packets, 1);
	return 1;
}

/* tc: the packet's socket, checked, as Linux's tc_cls_act_func_proto offers the storage */
SEC("tc")
int tc_count(struct __sk_buff *skb)
{
	struct bpf_sock *sk = skb->sk;
	struct conn_stats *stats;

	if (!sk)
		return 0;
	stats = bpf_sk_storage_get(&conns, sk, 0, BPF_SK_STORAGE_GET_F_CREATE);
	if (!stats)
		return 0;
	if (stats->packets++ > 1000)
		bpf_sk_storage_delete(&conns, sk);
	return 0;
}

SEC("cgroup/connect4")
int connect_remember_port(struct bpf_sock_addr *ctx)
{
	struct conn_stats *stats =
	    bpf_sk_storage_get(&conns, ctx->sk, 0, BPF_SK_STORAGE_GET_F_CREATE);

	if (stats)
		stats->port = ctx->user_port;
	else
		bpf_sk_storage_delete(&conns, ctx->sk);
	return 1;
}

/* cgroup/sock: the context is the socket itself (udp_limit.c's shape: count the sockets a
 * cgroup opens) */
SEC("cgroup/sock_create")
int sock_create_count(struct bpf_sock *ctx)
{
	struct conn_stats *stats = bpf_sk_storage_get(&conns, ctx, 0, BPF_SK_STORAGE_GET_F_CREATE);

	if (!stats)
		return 0;
	stats->packets++;
	return 1;
}

SEC("cgroup/sock_release")
int sock_release_count(struct bpf_sock *ctx)
{
	struct conn_stats *stats = bpf_sk_storage_get(&conns, ctx, 0, 0);

	if (stats)
		stats->port = ctx->protocol;
	return 1;
}

char _license[] SEC("license") = "GPL";
