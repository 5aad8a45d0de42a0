// SPDX-License-Identifier: (MIT OR GPL-2.0)
/*
 * Context reads Linux refuses (hidden fields, wrong sizes, half a pointer) and context pointers
 * misused (dereferenced before the null check, released, stored, written past their end):
 * each program is refused for its reason.
 */
#include <stddef.h>
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

#define LOAD(type, base, off) (*(volatile type *)((void *)(base) + (off)))

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} saved SEC(".maps");

/* A flow dissector sees data, data_end and flow_keys only. */
SEC("flow_dissector")
int dissect_len(struct __sk_buff *skb)
{
	return skb->len ? BPF_OK : BPF_DROP;
}

/* tc_classid is tc's. */
SEC("cgroup_skb/ingress")
int cg_skb_classid(struct __sk_buff *skb)
{
	return skb->tc_classid != 0;
}

/* sk_skb programs may not read the mark. */
SEC("sk_skb/stream_verdict")
int sk_skb_mark(struct __sk_buff *skb)
{
	return skb->mark ? SK_PASS : SK_DROP;
}

/* The socket view (family..local_port) is not tc's. */
SEC("tc")
int tc_remote_ip4(struct __sk_buff *skb)
{
	return skb->remote_ip4 ? TC_ACT_OK : TC_ACT_SHOT;
}

/* The addresses are read in 4 bytes only. */
SEC("cgroup_skb/egress")
int cg_skb_ip_byte(struct __sk_buff *skb)
{
	return LOAD(__u8, skb, offsetof(struct __sk_buff, remote_ip4)) != 0;
}

/* tstamp is read in 8 bytes only. */
SEC("tc")
int tc_tstamp_half(struct __sk_buff *skb)
{
	return LOAD(__u32, skb, offsetof(struct __sk_buff, tstamp)) ? TC_ACT_OK : TC_ACT_SHOT;
}

/* Half of the socket pointer would be a number holding half an address. */
SEC("tc")
int tc_sk_half(struct __sk_buff *skb)
{
	return LOAD(__u32, skb, offsetof(struct __sk_buff, sk) + 4) ? TC_ACT_OK : TC_ACT_SHOT;
}

/* tc has no flow keys. */
SEC("tc")
int tc_flow_keys(struct __sk_buff *skb)
{
	return skb->flow_keys ? TC_ACT_OK : TC_ACT_SHOT;
}

/* skb->sk may be NULL. */
SEC("tc")
int tc_sk_unchecked(struct __sk_buff *skb)
{
	return skb->sk->family == 2 ? TC_ACT_OK : TC_ACT_SHOT;
}

/* The context's socket holds no reference of the program's. */
SEC("tc")
int tc_sk_release(struct __sk_buff *skb)
{
	struct bpf_sock *sk = skb->sk;

	if (sk)
		bpf_sk_release(sk);
	return TC_ACT_OK;
}

/* A socket's address stored where user space reads it. */
SEC("tc")
int tc_sk_into_map(struct __sk_buff *skb)
{
	struct bpf_sock *sk = skb->sk;
	__u32 key = 0;
	__u64 *slot = bpf_map_lookup_elem(&saved, &key);

	if (sk && slot)
		*slot = (__u64)(long)sk;
	return TC_ACT_OK;
}

/* Socket fields are read-only. */
SEC("cgroup_skb/egress")
int cg_sk_write(struct __sk_buff *skb)
{
	struct bpf_sock *sk = skb->sk;

	if (sk)
		sk->mark = 1;
	return 1;
}

/* bpf_tcp_sock's result may be NULL. */
SEC("cgroup_skb/egress")
int cg_tcp_sock_unchecked(struct __sk_buff *skb)
{
	struct bpf_sock *sk = skb->sk;

	if (!sk)
		return 1;
	return bpf_tcp_sock(sk)->snd_cwnd != 0;
}

/* skops->sk may be NULL, also as a helper's argument. */
SEC("sockops")
int sockops_tcp_unchecked(struct bpf_sock_ops *skops)
{
	struct bpf_tcp_sock *tp = bpf_tcp_sock(skops->sk);

	return tp ? 1 : 0;
}

/* bpf_sock_ops fields are read in 4 bytes. */
SEC("sockops")
int sockops_op_byte(struct bpf_sock_ops *skops)
{
	return LOAD(__u8, skops, offsetof(struct bpf_sock_ops, op)) == 4;
}

/* ctx->sk may be NULL. */
SEC("sk_lookup")
int lookup_sk_unchecked(struct bpf_sk_lookup *ctx)
{
	return ctx->sk->family == 2 ? SK_PASS : SK_DROP;
}

/* The skb's sock_common is no full socket: bpf_sk_assign of sk_lookup takes a struct bpf_sock. */
SEC("sk_lookup")
int lookup_assign_number(struct bpf_sk_lookup *ctx)
{
	bpf_sk_assign(ctx, (void *)(long)ctx->local_port, 0);
	return SK_PASS;
}

/* 8 bytes past the flow keys. */
SEC("flow_dissector")
int dissect_keys_past_end(struct __sk_buff *skb)
{
	struct bpf_flow_keys *keys = skb->flow_keys;

	LOAD(__u64, keys, sizeof(*keys)) = 0;
	return BPF_OK;
}

/* The flow keys are read by the kernel: no addresses in them. */
SEC("flow_dissector")
int dissect_keys_leak(struct __sk_buff *skb)
{
	struct bpf_flow_keys *keys = skb->flow_keys;

	LOAD(__u64, keys, 0) = (__u64)(long)keys;
	return BPF_OK;
}

/* flow_keys is read whole. */
SEC("flow_dissector")
int dissect_keys_half(struct __sk_buff *skb)
{
	return LOAD(__u32, skb, offsetof(struct __sk_buff, flow_keys)) ? BPF_OK : BPF_DROP;
}

/* migrating_sk may be NULL. */
SEC("sk_reuseport/migrate")
int reuseport_migrating_unchecked(struct sk_reuseport_md *md)
{
	return md->migrating_sk->family ? SK_PASS : SK_DROP;
}

char _license[] SEC("license") = "GPL";
