// SPDX-License-Identifier: (MIT OR GPL-2.0)
/*
 * Hostile review of the socket features (sockmap lookups, bpf_skc_to_* casts, the socket cookie,
 * cgroup_sockopt, cgroup_device, large cgroup storage): each program tries to read or write
 * outside what it was given, leak a pointer or misuse a socket reference, and is refused.
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include "../skc_types.h"
#include <bpf/bpf_helpers.h>
#include "../sock_maps.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} stash SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} jumps SEC(".maps");

struct big_value {
	__u8 bytes[65407];
};

struct {
	__uint(type, BPF_MAP_TYPE_CGROUP_STORAGE);
	__type(key, struct bpf_cgroup_storage_key);
	__type(value, struct big_value);
} big SEC(".maps");

/* --- bpf_skc_to_* casts --- */

/* A Unix socket's path at a variable element of the flexible array: no bound on the index. */
SEC("fentry/tcp_close")
int cast_flex_variable_index(unsigned long long *ctx)
{
	struct unix_sock *u = bpf_skc_to_unix_sock((struct sock *)ctx[0]);
	__u32 i = (__u32)bpf_get_prandom_u32();

	if (u && u->addr)
		bpf_printk("path %c", u->addr->name[i].sun_path[0]);
	return 0;
}

/* The socket read after its reference was released through the cast. */
SEC("tc")
int cast_release_then_socket(struct __sk_buff *skb)
{
	struct bpf_sock_tuple tuple = {};
	struct bpf_sock *skc;
	struct tcp_sock *tp;

	skc = bpf_skc_lookup_tcp(skb, &tuple, sizeof(tuple.ipv4), BPF_F_CURRENT_NETNS, 0);
	if (!skc)
		return TC_ACT_OK;
	tp = bpf_skc_to_tcp_sock(skc);
	if (!tp) {
		bpf_sk_release(skc);
		return TC_ACT_OK;
	}
	bpf_sk_release(tp);
	return skc->family;
}

/* The socket released both through the cast and itself. */
SEC("tc")
int cast_and_socket_released(struct __sk_buff *skb)
{
	struct bpf_sock_tuple tuple = {};
	struct bpf_sock *skc;
	struct tcp_sock *tp;

	skc = bpf_skc_lookup_tcp(skb, &tuple, sizeof(tuple.ipv4), BPF_F_CURRENT_NETNS, 0);
	if (!skc)
		return TC_ACT_OK;
	tp = bpf_skc_to_tcp_sock(skc);
	if (tp)
		bpf_sk_release(tp);
	bpf_sk_release(skc);
	return TC_ACT_OK;
}

/* The cast's address stored into a map value. */
SEC("sockops")
int cast_stored_in_map(struct bpf_sock_ops *skops)
{
	struct bpf_sock *sk = skops->sk;
	struct tcp_sock *tp;
	__u32 key = 0;
	__u64 *v;

	if (!sk)
		return 1;
	tp = bpf_skc_to_tcp_sock(sk);
	v = bpf_map_lookup_elem(&stash, &key);
	if (tp && v)
		*v = (__u64)tp;
	return 1;
}

/* The cast's address returned. */
SEC("sockops")
int cast_returned(struct bpf_sock_ops *skops)
{
	struct bpf_sock *sk = skops->sk;

	if (!sk)
		return 1;
	return (long)bpf_skc_to_tcp_sock(sk);
}

/* The cookie of a member that is no socket (the Unix address). */
SEC("fentry/tcp_close")
int cookie_of_member(unsigned long long *ctx)
{
	struct unix_sock *u = bpf_skc_to_unix_sock((struct sock *)ctx[0]);

	if (u && u->addr)
		return bpf_get_socket_cookie(u->addr) == 1;
	return 0;
}

/* A cast read at an offset from the packet: no variable offsets into kernel structs. */
SEC("sockops")
int cast_variable_offset(struct bpf_sock_ops *skops)
{
	struct bpf_sock *sk = skops->sk;
	struct tcp_sock *tp;

	if (!sk)
		return 1;
	tp = bpf_skc_to_tcp_sock(sk);
	if (!tp)
		return 1;
	return *(volatile __u32 *)((char *)tp + (skops->op & 0xff));
}

/* --- sockets from socket maps --- */

/* The looked-up socket's address stored into a map value. */
SEC("tc")
int sockmap_stored_in_map(struct __sk_buff *skb)
{
	struct bpf_sock *sk = sock_at(&socks, 0);
	__u32 key = 0;
	__u64 *v;

	if (!sk)
		return TC_ACT_OK;
	v = bpf_map_lookup_elem(&stash, &key);
	if (v)
		*v = (__u64)sk;
	bpf_sk_release(sk);
	return TC_ACT_OK;
}

/* The socket's address leaked by subtracting the packet's socket. */
SEC("tc")
int sockmap_address_difference(struct __sk_buff *skb)
{
	struct bpf_sock *sk = sock_at(&socks, 0);
	struct bpf_sock *mine = skb->sk;
	long d;

	if (!sk)
		return TC_ACT_OK;
	if (!mine) {
		bpf_sk_release(sk);
		return TC_ACT_OK;
	}
	d = (long)sk - (long)mine;
	bpf_sk_release(sk);
	return d;
}

/* Released on one path, then again after the paths join. */
SEC("tc")
int sockmap_release_joined(struct __sk_buff *skb)
{
	struct bpf_sock *sk = sock_at(&socks, 0);

	if (!sk)
		return TC_ACT_OK;
	if (skb->len > 100)
		bpf_sk_release(sk);
	bpf_sk_release(sk);
	return TC_ACT_OK;
}

/* A tail call with the socket still held: the reference would leak. */
SEC("tc")
int sockmap_tail_call(struct __sk_buff *skb)
{
	struct bpf_sock *sk = sock_at(&socks, 0);

	if (!sk)
		return TC_ACT_OK;
	bpf_tail_call(skb, &jumps, 0);
	bpf_sk_release(sk);
	return TC_ACT_OK;
}

struct loop_ctx {
	struct bpf_sock *sk;
};

static long release_each(__u32 i, void *data)
{
	struct loop_ctx *lc = data;

	bpf_sk_release(lc->sk);
	return 0;
}

/* A callback run many times releases the caller's socket each time. */
SEC("tc")
int sockmap_released_in_loop(struct __sk_buff *skb)
{
	struct loop_ctx lc = {};

	lc.sk = sock_at(&socks, 0);
	if (!lc.sk)
		return TC_ACT_OK;
	bpf_loop(4, release_each, &lc, 0);
	return TC_ACT_OK;
}

static long read_family(__u32 i, void *data)
{
	struct loop_ctx *lc = data;

	return lc->sk->family == 2;
}

/* The callback reads the socket the caller released before the loop. */
SEC("tc")
int sockmap_read_in_loop_after_release(struct __sk_buff *skb)
{
	struct loop_ctx lc = {};

	lc.sk = sock_at(&socks, 0);
	if (!lc.sk)
		return TC_ACT_OK;
	bpf_sk_release(lc.sk);
	bpf_loop(4, read_family, &lc, 0);
	return TC_ACT_OK;
}

/* --- casts of sockets from lookups and socket maps --- */

struct cast_ctx {
	struct tcp_sock *tp;
};

static long read_cwnd(__u32 i, void *data)
{
	struct cast_ctx *c = data;

	return c->tp ? c->tp->snd_cwnd : 0;
}

/* A cast kept on the stack for a bpf_loop callback, its socket released before the loop. */
SEC("tc")
int cast_in_loop_after_release(struct __sk_buff *skb)
{
	struct bpf_sock_tuple tuple = {};
	struct cast_ctx c = {};
	struct bpf_sock *skc;

	skc = bpf_skc_lookup_tcp(skb, &tuple, sizeof(tuple.ipv4), BPF_F_CURRENT_NETNS, 0);
	if (!skc)
		return TC_ACT_OK;
	c.tp = bpf_skc_to_tcp_sock(skc);
	bpf_sk_release(skc);
	bpf_loop(2, read_cwnd, &c, 0);
	return TC_ACT_OK;
}

/* A cast of a socket already released. */
SEC("tc")
int cast_of_released(struct __sk_buff *skb)
{
	struct bpf_sock_tuple tuple = {};
	struct bpf_sock *skc;
	struct tcp_sock *tp;

	skc = bpf_skc_lookup_tcp(skb, &tuple, sizeof(tuple.ipv4), BPF_F_CURRENT_NETNS, 0);
	if (!skc)
		return TC_ACT_OK;
	bpf_sk_release(skc);
	tp = bpf_skc_to_tcp_sock(skc);
	return tp ? tp->snd_cwnd : 0;
}

/* A cast and its socket compared by their low 32 bits. */
SEC("tc")
int cast_compare32(struct __sk_buff *skb)
{
	struct bpf_sock *sk = skb->sk;
	struct tcp_sock *tp;

	if (!sk)
		return TC_ACT_OK;
	tp = bpf_skc_to_tcp_sock(sk);
	if (!tp)
		return TC_ACT_OK;
	return (__u32)(long)tp == (__u32)(long)sk;
}

/* A sockmap socket released through its cast, then read. */
SEC("tc")
int sockmap_cast_release_read(struct __sk_buff *skb)
{
	struct bpf_sock *sk = sock_at(&socks, 0);
	struct tcp_sock *tp;

	if (!sk)
		return TC_ACT_OK;
	tp = bpf_skc_to_tcp_sock(sk);
	if (!tp) {
		bpf_sk_release(sk);
		return TC_ACT_OK;
	}
	bpf_sk_release(tp);
	return sk->family;
}

/* A sockmap socket released through its cast on one path only. */
SEC("tc")
int sockmap_cast_leak(struct __sk_buff *skb)
{
	struct bpf_sock *sk = sock_at(&socks, 0);
	struct tcp_sock *tp;

	if (!sk)
		return TC_ACT_OK;
	tp = bpf_skc_to_tcp_sock(sk);
	if (tp)
		bpf_sk_release(tp);
	return TC_ACT_OK;
}

/* sk_skb: a sockmap socket never released. */
SEC("sk_skb/stream_verdict")
int skb_lookup_leak(struct __sk_buff *skb)
{
	struct bpf_sock *sk = sock_at(&socks, 0);

	return sk ? SK_DROP : SK_PASS;
}

/* sk_msg: a store through a cast of the message's socket. */
SEC("sk_msg")
int msg_cast_write(struct sk_msg_md *msg)
{
	struct bpf_sock *sk = msg->sk;
	struct tcp_sock *tp;

	if (!sk)
		return SK_PASS;
	tp = bpf_skc_to_tcp_sock(sk);
	if (tp)
		tp->snd_cwnd = 1;
	return SK_PASS;
}

/* --- cgroup_sockopt --- */

/* optval moved by an unbounded length before the check. */
SEC("cgroup/getsockopt")
int optval_unbounded_offset(struct bpf_sockopt *ctx)
{
	__u8 *optval = ctx->optval;
	__u8 *end = ctx->optval_end;
	__u32 n = ctx->optlen;

	if (optval + 1 > end)
		return 1;
	optval += n;
	return *optval == 1;
}

/* optval checked by the low 32 bits of the pointers only. */
SEC("cgroup/setsockopt")
int optval_checked_32bit(struct bpf_sockopt *ctx)
{
	asm volatile("r2 = *(u64 *)(%[ctx] + 8);"
		     "r3 = *(u64 *)(%[ctx] + 16);"
		     "r4 = r2;"
		     "r4 += 4;"
		     "if w4 > w3 goto +2;"
		     "r3 = 0;"
		     "*(u32 *)(r2 + 0) = r3;" ::[ctx] "r"(ctx)
		     : "r2", "r3", "r4");
	return 1;
}

/* The option's bytes stored into a map: the pointer, not the bytes. */
SEC("cgroup/getsockopt")
int optval_pointer_stored(struct bpf_sockopt *ctx)
{
	__u32 key = 0;
	__u64 *v = bpf_map_lookup_elem(&stash, &key);

	if (v)
		*v = (__u64)ctx->optval;
	return 1;
}

/* The context's socket holds no reference to release. */
SEC("cgroup/setsockopt")
int sockopt_sk_released(struct bpf_sockopt *ctx)
{
	bpf_sk_release(ctx->sk);
	return 1;
}

/* optval read at its end pointer. */
SEC("cgroup/getsockopt")
int optval_end_read(struct bpf_sockopt *ctx)
{
	__u8 *end = ctx->optval_end;

	return *end;
}

/* setsockopt: optval moved by up to 65535, past the packet range Linux tracks. */
SEC("cgroup/setsockopt")
int optval_wrap(struct bpf_sockopt *ctx)
{
	__u8 *p = ctx->optval;
	__u8 *end = ctx->optval_end;
	__u32 n = ctx->optlen;

	if (n > 0xffff)
		return 1;
	if (p + n + 1 > end)
		return 1;
	p[n] = 0;
	return 1;
}

/* getsockopt: 256 bytes checked, then a byte at a variable index read from the unmoved pointer. */
SEC("cgroup/getsockopt")
int optval_by_optlen(struct bpf_sockopt *ctx)
{
	__u8 *p = ctx->optval;
	__u8 *end = ctx->optval_end;
	__u32 n = ctx->optlen & 0xff;

	if (p + 256 > end)
		return 1;
	return p[n];
}

/* --- cgroup_device --- */

/* Eight bytes from access_type: one field of four bytes. */
SEC("cgroup/dev")
int dev_wide(struct bpf_cgroup_dev_ctx *ctx)
{
	__u64 v;

	asm volatile("%[v] = *(u64 *)(%[ctx] + 0)" : [v] "=r"(v) : [ctx] "r"(ctx));
	return v == 1;
}

/* minor read past the end of the context. */
SEC("cgroup/dev")
int dev_past_end(struct bpf_cgroup_dev_ctx *ctx)
{
	__u32 v;

	asm volatile("%[v] = *(u32 *)(%[ctx] + 12)" : [v] "=r"(v) : [ctx] "r"(ctx));
	return v == 1;
}

/* minor read by its upper half. */
SEC("cgroup/dev")
int dev_minor_half(struct bpf_cgroup_dev_ctx *ctx)
{
	__u16 v;

	asm volatile("%[v] = *(u16 *)(%[ctx] + 10)" : [v] "=r"(v) : [ctx] "r"(ctx));
	return v == 1;
}

/* --- cgroup storage of 65407 bytes, the largest Linux creates --- */

/* The last byte is at 65406: four bytes from 65404 run one past the value. */
SEC("cgroup_skb/egress")
int storage_past_end(struct __sk_buff *skb)
{
	struct big_value *v = bpf_get_local_storage(&big, 0);
	__u32 x;

	/* an instruction's offset is 16 bits: the pointer is moved first */
	asm volatile("%[v] += 65404; %[x] = *(u32 *)(%[v] + 0)" : [x] "=r"(x), [v] "+r"(v));
	return x == 1;
}

/* An index checked with <= instead of <: it reaches 65407, one past the value. */
SEC("cgroup_skb/egress")
int storage_index_off_by_one(struct __sk_buff *skb)
{
	struct big_value *v = bpf_get_local_storage(&big, 0);
	__u32 i = skb->len;

	if (i <= sizeof(v->bytes))
		v->bytes[i] = 1;
	return 1;
}

char _license[] SEC("license") = "GPL";
