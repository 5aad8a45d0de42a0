// SPDX-License-Identifier: (MIT OR GPL-2.0)
/*
 * One program of each socket-level type, each doing what such programs do in Cilium, Calico or
 * Istio-like sidecar accelerators: socket load balancing at connect(), TCP tuning in sockops,
 * message and stream verdicts, cgroup egress accounting, a socket creation policy, a
 * light-weight tunnel and a tc action that rewrites the TTL with a checksum fix-up.
 */
#include <stddef.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#define SOCK_RAW 3

struct svc_key {
	__u32 addr;
	__u32 port;
};

struct backend {
	__u32 addr;
	__u32 port;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 128);
	__type(key, struct svc_key);
	__type(value, struct backend);
} services SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} bytes SEC(".maps");

SEC("cgroup/connect4")
int sock4_connect(struct bpf_sock_addr *ctx)
{
	struct svc_key key = { .addr = ctx->user_ip4, .port = ctx->user_port };
	struct backend *be = bpf_map_lookup_elem(&services, &key);

	if (be) {
		ctx->user_ip4 = be->addr;
		ctx->user_port = be->port;
	}
	return 1;
}

SEC("sockops")
int tcp_tuning(struct bpf_sock_ops *skops)
{
	void *data = (void *)(long)skops->skb_data;
	void *data_end = (void *)(long)skops->skb_data_end;

	switch (skops->op) {
	case BPF_SOCK_OPS_TIMEOUT_INIT:
		skops->reply = 10;
		break;
	case BPF_SOCK_OPS_TCP_CONNECT_CB:
		bpf_sock_ops_cb_flags_set(skops, BPF_SOCK_OPS_STATE_CB_FLAG);
		break;
	case BPF_SOCK_OPS_PARSE_HDR_OPT_CB:
		/* The TCP header of the segment being processed. */
		if (data + 20 <= data_end && ((__u8 *)data)[13] & 0x02)
			skops->reply = 1;
		break;
	}
	return 1;
}

SEC("sk_msg")
int msg_verdict(struct sk_msg_md *msg)
{
	void *data = msg->data;
	void *data_end = msg->data_end;

	if (data + 4 > data_end)
		return SK_PASS;
	if (*(__u32 *)data == 0xdeadbeef)
		return SK_DROP;
	bpf_msg_apply_bytes(msg, msg->size);
	return SK_PASS;
}

SEC("sk_skb/stream_parser")
int stream_parser(struct __sk_buff *skb)
{
	return skb->len;
}

SEC("sk_skb/stream_verdict")
int stream_verdict(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;

	if (data + 1 > data_end)
		return SK_PASS;
	skb->tc_index = *(__u8 *)data;
	return *(__u8 *)data == 0xff ? SK_DROP : SK_PASS;
}

SEC("cgroup_skb/egress")
int egress_bytes(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct iphdr *ip = data;
	__u32 key = 0;
	__u64 *total;

	/* cgroup_skb sees the packet from the network header on. */
	if ((void *)(ip + 1) <= data_end && ip->protocol == 6)
		key = 1;
	total = bpf_map_lookup_elem(&bytes, &key);
	if (total)
		__sync_fetch_and_add(total, skb->len);
	skb->cb[0] = key;
	return 1;
}

SEC("cgroup/sock_create")
int sock_create(struct bpf_sock *sk)
{
	if (sk->type == SOCK_RAW)
		return 0;
	sk->mark = 42;
	sk->priority = 1;
	return 1;
}

SEC("lwt_xmit")
int lwt_mark(struct __sk_buff *skb)
{
	struct iphdr ip;

	if (bpf_skb_load_bytes(skb, 0, &ip, sizeof(ip)))
		return BPF_DROP;
	skb->mark = ip.tos;
	return BPF_OK;
}

/* A tc action decrementing the TTL, Katran's healthcheck / NAT style. */
SEC("action")
int ttl_decrement(struct __sk_buff *skb)
{
	const __u32 ttl_off = ETH_HLEN + offsetof(struct iphdr, ttl);
	const __u32 csum_off = ETH_HLEN + offsetof(struct iphdr, check);
	__u8 old_ttl, new_ttl;

	if (bpf_skb_load_bytes(skb, ttl_off, &old_ttl, 1))
		return TC_ACT_OK;
	if (old_ttl <= 1)
		return TC_ACT_SHOT;
	new_ttl = old_ttl - 1;
	bpf_l3_csum_replace(skb, csum_off, bpf_htons(old_ttl << 8), bpf_htons(new_ttl << 8), 2);
	bpf_skb_store_bytes(skb, ttl_off, &new_ttl, 1, 0);
	return TC_ACT_PIPE;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
