// SPDX-License-Identifier: (MIT OR GPL-2.0)
/*
 * The context fields Linux lets each networking type read, at the sizes it allows, and the
 * pointers some of them hold: __sk_buff.sk (a sock_common or NULL) turned into a full socket,
 * its TCP state and its listener; bpf_sock_ops.sk, bpf_sk_lookup.sk (a socket or NULL);
 * sk_msg_md.sk, bpf_sock_addr.sk, sk_reuseport_md.sk (never NULL); a flow dissector filling
 * the struct bpf_flow_keys its __sk_buff.flow_keys points to. Each verifies, as on Linux.
 */
#include <stddef.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#define LOAD(type, base, off) (*(volatile type *)((void *)(base) + (off)))

/* tc: tc_classid, the timestamps, wire_len; skb->sk checked, then its fields. */
SEC("tc")
int tc_sk_fields(struct __sk_buff *skb)
{
	struct bpf_sock *sk = skb->sk;
	__u64 sum = skb->tc_classid + skb->tstamp + skb->wire_len + skb->hwtstamp;

	sum += LOAD(__u8, skb, offsetof(struct __sk_buff, tstamp_type));
	sum += LOAD(__u16, skb, offsetof(struct __sk_buff, len) + 2);
	sum += LOAD(__u64, skb, offsetof(struct __sk_buff, cb[2]));
	if (!sk)
		return TC_ACT_OK;
	sum += sk->family;
	sk = bpf_sk_fullsock(sk);
	if (sk)
		sum += sk->protocol;
	return sum ? TC_ACT_OK : TC_ACT_SHOT;
}

/* cgroup_skb: the socket view (family..local_port), skb->sk as a full socket, its TCP state
 * and its listener (Linux's test_sock_fields.c reads them so). */
SEC("cgroup_skb/egress")
int cg_sk_fullsock(struct __sk_buff *skb)
{
	struct bpf_sock *sk = skb->sk, *listener;
	struct bpf_tcp_sock *tp;
	__u32 sum = skb->family + skb->remote_ip4 + skb->local_ip6[3] + skb->remote_port;

	sum += LOAD(__u16, skb, offsetof(struct __sk_buff, local_port));
	if (!sk)
		return 1;
	sk = bpf_sk_fullsock(sk);
	if (!sk)
		return 1;
	tp = bpf_tcp_sock(sk);
	if (tp)
		sum += tp->snd_cwnd;
	listener = bpf_get_listener_sock(sk);
	if (listener)
		sum += listener->src_port;
	return sum != 7;
}

/* socket filters: skb->sk too, and the __u32 fields they see. */
SEC("socket")
int socket_sk_family(struct __sk_buff *skb)
{
	struct bpf_sock *sk = skb->sk;

	if (!sk)
		return skb->len;
	return sk->family == 10 ? skb->len : 0;
}

/* sockops: bytes_received in 8 bytes, skops->sk checked, its TCP state. */
SEC("sockops")
int sockops_tcp_sock(struct bpf_sock_ops *skops)
{
	struct bpf_sock *sk = skops->sk;
	struct bpf_tcp_sock *tp;
	__u64 sum = skops->bytes_received + skops->op;

	sum += LOAD(__u8, skops, offsetof(struct bpf_sock_ops, skb_tcp_flags));
	if (!sk)
		return 1;
	tp = bpf_tcp_sock(sk);
	if (!tp)
		return 1;
	return (sum + tp->snd_cwnd) != 0;
}

/* sk_msg: msg->sk is never NULL. */
SEC("sk_msg")
int msg_sk_family(struct sk_msg_md *msg)
{
	return msg->sk->family == 2 && msg->size ? SK_PASS : SK_DROP;
}

/* connect(): ctx->sk is never NULL; user_ip6 in 8 bytes. */
SEC("cgroup/connect6")
int connect_sk_protocol(struct bpf_sock_addr *ctx)
{
	__u64 hi = LOAD(__u64, ctx, offsetof(struct bpf_sock_addr, user_ip6[2]));

	return ctx->sk->protocol == 6 || hi ? 1 : 0;
}

/* sk_lookup: the selected socket (if any) is kept, or the selection cancelled with NULL;
 * remote_port in 2 bytes or 4. */
SEC("sk_lookup")
int lookup_keep_or_cancel(struct bpf_sk_lookup *ctx)
{
	struct bpf_sock *sk = ctx->sk;
	__u32 port = LOAD(__u16, ctx, offsetof(struct bpf_sk_lookup, remote_port)) +
		     LOAD(__u32, ctx, offsetof(struct bpf_sk_lookup, remote_port));

	if (sk && sk->src_port == port)
		return SK_PASS;
	if (sk)
		return bpf_sk_assign(ctx, sk, BPF_SK_LOOKUP_F_REPLACE) ? SK_DROP : SK_PASS;
	bpf_sk_assign(ctx, NULL, 0);
	return SK_PASS;
}

/* sk_reuseport: md->sk is never NULL, md->migrating_sk may be. */
SEC("sk_reuseport/migrate")
int reuseport_migrating(struct sk_reuseport_md *md)
{
	struct bpf_sock *migrating = md->migrating_sk;
	__u32 sum =
	    md->sk->family + LOAD(__u16, md, offsetof(struct sk_reuseport_md, eth_protocol));

	if (migrating)
		sum += migrating->state;
	return sum ? SK_PASS : SK_DROP;
}

/* flow_dissector: the packet's Ethernet and IPv4 headers into the flow keys. */
SEC("flow_dissector")
int dissect_ipv4(struct __sk_buff *skb)
{
	struct bpf_flow_keys *keys = skb->flow_keys;
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct iphdr *iph = data + sizeof(*eth);

	if ((void *)(iph + 1) > data_end)
		return BPF_DROP;
	keys->nhoff = sizeof(*eth);
	keys->n_proto = eth->h_proto;
	if (eth->h_proto != bpf_htons(ETH_P_IP))
		return BPF_DROP;
	keys->addr_proto = ETH_P_IP;
	keys->ipv4_src = iph->saddr;
	keys->ipv4_dst = iph->daddr;
	keys->ip_proto = iph->protocol;
	keys->thoff = keys->nhoff + iph->ihl * 4;
	keys->is_frag = !!(iph->frag_off & bpf_htons(0x3fff));
	return BPF_OK;
}

char _license[] SEC("license") = "GPL";
