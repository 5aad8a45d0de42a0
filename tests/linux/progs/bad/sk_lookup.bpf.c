// SPDX-License-Identifier: (MIT OR GPL-2.0)
/* Socket lookups done wrong: each program is refused, as Linux refuses it. */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} jumps SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} saved SEC(".maps");

static __always_inline struct bpf_sock *lookup(struct __sk_buff *skb)
{
	struct bpf_sock_tuple tuple = {};

	return bpf_sk_lookup_tcp(skb, &tuple, sizeof(tuple.ipv4), BPF_F_CURRENT_NETNS, 0);
}

/* Released on one path only. */
SEC("tc")
int leak_one_path(struct __sk_buff *skb)
{
	struct bpf_sock *sk = lookup(skb);

	if (!sk)
		return TC_ACT_OK;
	if (sk->family == 2)
		bpf_sk_release(sk);
	return TC_ACT_OK;
}

/* Never released. */
SEC("tc")
int leak_always(struct __sk_buff *skb)
{
	struct bpf_sock *sk = lookup(skb);

	return sk ? TC_ACT_SHOT : TC_ACT_OK;
}

/* A field read after the release. */
SEC("tc")
int use_after_release(struct __sk_buff *skb)
{
	struct bpf_sock *sk = lookup(skb);

	if (!sk)
		return TC_ACT_OK;
	bpf_sk_release(sk);
	return sk->family;
}

/* Released twice. */
SEC("tc")
int double_release(struct __sk_buff *skb)
{
	struct bpf_sock *sk = lookup(skb);

	if (!sk)
		return TC_ACT_OK;
	bpf_sk_release(sk);
	bpf_sk_release(sk);
	return TC_ACT_OK;
}

/* The listener holds no reference: there is nothing to release. */
SEC("tc")
int release_unreferenced(struct __sk_buff *skb)
{
	struct bpf_sock *sk = lookup(skb), *listener;

	if (!sk)
		return TC_ACT_OK;
	listener = bpf_get_listener_sock(sk);
	bpf_sk_release(sk);
	if (listener)
		bpf_sk_release(listener);
	return TC_ACT_OK;
}

/* A field read before the NULL check. */
SEC("tc")
int null_unchecked(struct __sk_buff *skb)
{
	struct bpf_sock *sk = lookup(skb);
	__u32 family = sk->family;

	if (sk)
		bpf_sk_release(sk);
	return family;
}

/* Released before the NULL check. */
SEC("tc")
int release_unchecked(struct __sk_buff *skb)
{
	bpf_sk_release(lookup(skb));
	return TC_ACT_OK;
}

/* Beyond struct bpf_sock (80 bytes). */
SEC("tc")
int field_beyond(struct __sk_buff *skb)
{
	struct bpf_sock *sk = lookup(skb);
	__u32 v;

	if (!sk)
		return TC_ACT_OK;
	v = *(__u32 *)((void *)sk + 80);
	bpf_sk_release(sk);
	return v;
}

/* bound_dev_if is read in 4 bytes only. */
SEC("tc")
int field_narrow(struct __sk_buff *skb)
{
	struct bpf_sock *sk = lookup(skb);
	__u32 v;

	if (!sk)
		return TC_ACT_OK;
	v = *(__u8 *)&sk->bound_dev_if;
	bpf_sk_release(sk);
	return v;
}

/* mark is not part of a sock_common (bpf_skc_lookup_tcp's result). */
SEC("tc")
int common_mark(struct __sk_buff *skb)
{
	struct bpf_sock_tuple tuple = {};
	struct bpf_sock *sk;
	__u32 v;

	sk = bpf_skc_lookup_tcp(skb, &tuple, sizeof(tuple.ipv4), BPF_F_CURRENT_NETNS, 0);
	if (!sk)
		return TC_ACT_OK;
	v = sk->mark;
	bpf_sk_release(sk);
	return v;
}

/* bytes_acked is 8 bytes: a 4-byte read is refused. */
SEC("tc")
int tcp_sock_narrow(struct __sk_buff *skb)
{
	struct bpf_sock *sk = lookup(skb);
	struct bpf_tcp_sock *tp;
	__u32 v = 0;

	if (!sk)
		return TC_ACT_OK;
	tp = bpf_tcp_sock(sk);
	if (tp)
		v = *(__u32 *)&tp->bytes_acked;
	bpf_sk_release(sk);
	return v;
}

/* A socket's fields are read-only. */
SEC("tc")
int store_into_socket(struct __sk_buff *skb)
{
	struct bpf_sock *sk = lookup(skb);

	if (!sk)
		return TC_ACT_OK;
	sk->mark = 1;
	bpf_sk_release(sk);
	return TC_ACT_OK;
}

/* No arithmetic on a socket pointer. */
SEC("tc")
int socket_arith(struct __sk_buff *skb)
{
	struct bpf_sock *sk = lookup(skb);
	__u32 v;

	if (!sk)
		return TC_ACT_OK;
	asm volatile("%[p] += 4" : [p] "+r"(sk));
	v = sk->bound_dev_if;
	bpf_sk_release(sk);
	return v;
}

/* cgroup_skb: bpf_tcp_sock may return NULL; reading it unchecked is refused. */
SEC("cgroup_skb/ingress")
int cg_skb_tcp_unchecked(struct __sk_buff *skb)
{
	struct bpf_sock *sk = lookup(skb);
	struct bpf_tcp_sock *tp;
	__u32 v;

	if (!sk)
		return 1;
	tp = bpf_tcp_sock(sk);
	v = tp->snd_cwnd;
	bpf_sk_release(sk);
	return v > 10;
}

/* cgroup_skb: bpf_sk_cgroup_id takes a socket checked against NULL. */
SEC("cgroup_skb/ingress")
int cg_skb_cgroup_id_unchecked(struct __sk_buff *skb)
{
	struct bpf_sock *sk = lookup(skb);
	__u64 id = bpf_sk_cgroup_id(sk);

	if (sk)
		bpf_sk_release(sk);
	return id == 1;
}

/* cgroup_skb: the lookup's reference must be released there too. */
SEC("cgroup_skb/egress")
int cg_skb_leak(struct __sk_buff *skb)
{
	struct bpf_sock *sk = lookup(skb);

	return sk ? 0 : 1;
}

/* The full socket dies with the lookup's reference. */
SEC("tc")
int cast_after_release(struct __sk_buff *skb)
{
	struct bpf_sock *sk = lookup(skb), *full;

	if (!sk)
		return TC_ACT_OK;
	full = bpf_sk_fullsock(sk);
	bpf_sk_release(sk);
	return full ? full->state : 0;
}

/* A tail call would leave the reference behind. */
SEC("tc")
int tail_call_holding(struct __sk_buff *skb)
{
	struct bpf_sock *sk = lookup(skb);

	if (!sk)
		return TC_ACT_OK;
	bpf_tail_call(skb, &jumps, 0);
	bpf_sk_release(sk);
	return TC_ACT_OK;
}

/* A socket's address stored in a map (a pointer leak). */
SEC("tc")
int socket_into_map(struct __sk_buff *skb)
{
	struct bpf_sock *sk = lookup(skb);
	__u32 key = 0;
	__u64 *slot;

	if (!sk)
		return TC_ACT_OK;
	slot = bpf_map_lookup_elem(&saved, &key);
	if (slot)
		*slot = (__u64)sk;
	bpf_sk_release(sk);
	return TC_ACT_OK;
}

/* The tuple's size covers more than the stack holds initialised. */
SEC("tc")
int tuple_short(struct __sk_buff *skb)
{
	struct bpf_sock *sk;
	__u32 tuple[3] = {};

	sk = bpf_sk_lookup_tcp(skb, (void *)tuple, sizeof(struct bpf_sock_tuple),
			       BPF_F_CURRENT_NETNS, 0);
	if (sk)
		bpf_sk_release(sk);
	return TC_ACT_OK;
}

/* Socket programs have no lookups (Linux offers them to tc, XDP, sk_skb and cgroup addr). */
SEC("socket")
int socket_filter_lookup(struct __sk_buff *skb)
{
	struct bpf_sock *sk = lookup(skb);

	if (sk)
		bpf_sk_release(sk);
	return 0;
}

char _license[] SEC("license") = "GPL";
