// SPDX-License-Identifier: (MIT OR GPL-2.0)
/*
 * Socket lookups as the Linux selftests, Cilium and katran write them: a struct bpf_sock_tuple
 * on the stack or in the packet, a referenced socket released on every path, its fields read,
 * casts (bpf_sk_fullsock, bpf_tcp_sock) and the listener of a SYN's flow (syncookies).
 * Verify-only: there are no kernel sockets in user space. Twins: bad/sk_lookup.bpf.c.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/pkt_cls.h>
#include <linux/tcp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#define TCP_LISTEN 10

/* Lookup with a tuple on the stack; the socket's fields read in their allowed widths. */
SEC("tc")
int tc_lookup_stack(struct __sk_buff *skb)
{
	struct bpf_sock_tuple tuple = {};
	struct bpf_sock *sk;
	__u32 v;

	tuple.ipv4.daddr = bpf_htonl(0x7f000001);
	tuple.ipv4.dport = bpf_htons(80);
	sk = bpf_sk_lookup_tcp(skb, &tuple, sizeof(tuple.ipv4), BPF_F_CURRENT_NETNS, 0);
	if (!sk)
		return TC_ACT_OK;
	v = sk->family + sk->src_port + sk->dst_port + sk->mark + sk->src_ip6[3] + sk->state;
	v += *(__u8 *)&sk->protocol + *(__u16 *)&sk->dst_ip4;
	bpf_sk_release(sk);
	return v == 7 ? TC_ACT_SHOT : TC_ACT_OK;
}

/* The tuple points into the packet (katran, Cilium): bounds-checked first; an IPv6 lookup. */
SEC("tc")
int tc_lookup_packet(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data, *data_end = (void *)(long)skb->data_end;
	struct bpf_sock_tuple *tuple = data + sizeof(struct ethhdr) + 8;
	struct bpf_sock *sk;

	if ((void *)tuple + sizeof(tuple->ipv6) > data_end)
		return TC_ACT_OK;
	sk = bpf_sk_lookup_udp(skb, tuple, sizeof(tuple->ipv6), BPF_F_CURRENT_NETNS, 0);
	if (sk)
		bpf_sk_release(sk);
	return TC_ACT_OK;
}

/* test_tcp_check_syncookie_kern.c's shape: the flow's sock_common, a listener's syncookie for
 * the packet's IP and TCP headers, released on every path. */
SEC("tc")
int tc_syncookie(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data, *data_end = (void *)(long)skb->data_end;
	struct iphdr *iph = data + sizeof(struct ethhdr);
	struct tcphdr *th = (void *)(iph + 1);
	struct bpf_sock_tuple tuple = {};
	struct bpf_sock *sk;
	long ret = 0;

	if ((void *)(th + 1) > data_end)
		return TC_ACT_OK;
	tuple.ipv4.saddr = iph->saddr;
	tuple.ipv4.daddr = iph->daddr;
	tuple.ipv4.sport = th->source;
	tuple.ipv4.dport = th->dest;
	sk = bpf_skc_lookup_tcp(skb, &tuple, sizeof(tuple.ipv4), BPF_F_CURRENT_NETNS, 0);
	if (!sk)
		return TC_ACT_OK;
	if (sk->state == TCP_LISTEN)
		ret = bpf_tcp_check_syncookie(sk, iph, sizeof(*iph), th, sizeof(*th));
	if (sk->family == 2 && sk->bound_dev_if == 0)
		ret += bpf_tcp_gen_syncookie(sk, iph, sizeof(*iph), th, sizeof(*th));
	bpf_sk_release(sk);
	return ret ? TC_ACT_SHOT : TC_ACT_OK;
}

/* Casts: the full socket and its TCP state share the lookup's reference; the listener is the
 * kernel's own (no reference), readable after the lookup's release. */
SEC("tc")
int tc_casts(struct __sk_buff *skb)
{
	struct bpf_sock_tuple tuple = {};
	struct bpf_sock *sk, *full, *listener;
	struct bpf_tcp_sock *tp;
	__u64 v = 0;

	sk = bpf_skc_lookup_tcp(skb, &tuple, sizeof(tuple.ipv4), BPF_F_CURRENT_NETNS, 0);
	if (!sk)
		return TC_ACT_OK;
	full = bpf_sk_fullsock(sk);
	if (full)
		v += full->priority;
	tp = bpf_tcp_sock(sk);
	if (tp)
		v += tp->snd_cwnd + tp->bytes_acked + tp->icsk_retransmits;
	listener = bpf_get_listener_sock(sk);
	bpf_sk_release(sk);
	if (listener)
		v += listener->state;
	return v ? TC_ACT_SHOT : TC_ACT_OK;
}

/* cgroup_skb has the lookups and casts too (Linux's cg_skb_func_proto), as the selftests'
 * cgroup_skb_sk_lookup finds the peer of the flow it sees. */
SEC("cgroup_skb/ingress")
int cg_skb_lookup(struct __sk_buff *skb)
{
	struct bpf_sock_tuple tuple = {};
	struct bpf_sock *sk, *full;
	struct bpf_tcp_sock *tp;
	int allow = 1;

	tuple.ipv4.dport = bpf_htons(80);
	sk = bpf_sk_lookup_tcp(skb, &tuple, sizeof(tuple.ipv4), BPF_F_CURRENT_NETNS, 0);
	if (!sk)
		return 1;
	full = bpf_sk_fullsock(sk);
	tp = full ? bpf_tcp_sock(full) : NULL;
	if (tp && tp->snd_cwnd < 2)
		allow = 0;
	if (bpf_sk_cgroup_id(sk) == 1 || bpf_sk_ancestor_cgroup_id(sk, 1) == 1)
		allow = 0;
	bpf_sk_release(sk);
	return allow;
}

/* A socket for the packet (Cilium's bpf_sk_assign of a local proxy's listener). */
SEC("tc")
int tc_assign(struct __sk_buff *skb)
{
	struct bpf_sock_tuple tuple = {};
	struct bpf_sock *sk;
	long err;

	sk = bpf_sk_lookup_tcp(skb, &tuple, sizeof(tuple.ipv6), BPF_F_CURRENT_NETNS, 0);
	if (!sk)
		return TC_ACT_OK;
	err = bpf_sk_assign(skb, sk, 0);
	bpf_sk_release(sk);
	return err ? TC_ACT_SHOT : TC_ACT_OK;
}

/* Two references at once, released in the other order. */
SEC("tc")
int tc_two_refs(struct __sk_buff *skb)
{
	struct bpf_sock_tuple tuple = {};
	struct bpf_sock *a, *b;

	a = bpf_sk_lookup_tcp(skb, &tuple, sizeof(tuple.ipv4), BPF_F_CURRENT_NETNS, 0);
	if (!a)
		return TC_ACT_OK;
	b = bpf_sk_lookup_udp(skb, &tuple, sizeof(tuple.ipv4), BPF_F_CURRENT_NETNS, 0);
	if (b)
		bpf_sk_release(b);
	bpf_sk_release(a);
	return TC_ACT_OK;
}

/* test_sk_lookup_kern.c's shape: the socket is released, then its old value tested (a number
 * after the release, as a privileged Linux loader makes it). */
SEC("tc")
int tc_test_after_release(struct __sk_buff *skb)
{
	struct bpf_sock_tuple tuple = {};
	struct bpf_sock *sk;

	sk = bpf_sk_lookup_tcp(skb, &tuple, sizeof(tuple), BPF_F_CURRENT_NETNS, 0);
	if (sk)
		bpf_sk_release(sk);
	return sk ? TC_ACT_OK : TC_ACT_UNSPEC;
}

/* cgroup connect hooks look up the destination's socket too. */
SEC("cgroup/connect4")
int connect_lookup(struct bpf_sock_addr *ctx)
{
	struct bpf_sock_tuple tuple = {};
	struct bpf_sock *sk;

	tuple.ipv4.daddr = ctx->user_ip4;
	tuple.ipv4.dport = (__u16)ctx->user_port;
	sk = bpf_sk_lookup_tcp(ctx, &tuple, sizeof(tuple.ipv4), BPF_F_CURRENT_NETNS, 0);
	if (sk)
		bpf_sk_release(sk);
	return 1;
}

SEC("sk_skb/stream_verdict")
int skb_verdict_lookup(struct __sk_buff *skb)
{
	struct bpf_sock_tuple tuple = {};
	struct bpf_sock *sk;

	sk = bpf_sk_lookup_udp(skb, &tuple, sizeof(tuple.ipv4), BPF_F_CURRENT_NETNS, 0);
	if (sk)
		bpf_sk_release(sk);
	return SK_PASS;
}

char _license[] SEC("license") = "GPL";
