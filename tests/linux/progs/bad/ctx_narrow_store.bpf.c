// SPDX-License-Identifier: (MIT OR GPL-2.0)
/*
 * Context stores narrower or wider than the field they write: Linux's *_is_valid_access take a
 * store of the field's own size only (__sk_buff.cb apart), so each program is refused.
 * progs/ctx_store_width.bpf.c has their whole-field twins.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define STORE(ctx, size, off)                                                                      \
	asm volatile("r2 = 1; *(" size " *)(%[c] + " #off ") = r2" ::[c] "r"(ctx) : "r2")

/* __sk_buff.mark by its low half */
SEC("tc")
int tc_mark_half(struct __sk_buff *skb)
{
	STORE(skb, "u16", 8);
	return 0;
}

/* __sk_buff.priority by its high byte */
SEC("tc")
int tc_priority_byte(struct __sk_buff *skb)
{
	STORE(skb, "u8", 35);
	return 0;
}

/* __sk_buff.tstamp, an 8-byte field, by half */
SEC("tc")
int tc_tstamp_half(struct __sk_buff *skb)
{
	STORE(skb, "u32", 152);
	return 0;
}

/* bpf_sock_ops.reply by half */
SEC("sockops")
int ops_reply_half(struct bpf_sock_ops *ctx)
{
	STORE(ctx, "u16", 4);
	return 1;
}

/* reply and replylong[1] in one store */
SEC("sockops")
int ops_reply_pair(struct bpf_sock_ops *ctx)
{
	STORE(ctx, "u64", 4);
	return 1;
}

/* bpf_sock_ops.replylong[1]: Linux writes reply only */
SEC("sockops")
int ops_replylong_write(struct bpf_sock_ops *ctx)
{
	STORE(ctx, "u32", 12);
	return 1;
}

/* bpf_sysctl.file_pos by half */
SEC("cgroup/sysctl")
int sysctl_pos_half(struct bpf_sysctl *ctx)
{
	STORE(ctx, "u16", 4);
	return 1;
}

/* bpf_sock.mark by half at socket creation */
SEC("cgroup/sock_create")
int sock_mark_half(struct bpf_sock *ctx)
{
	STORE(ctx, "u16", 16);
	return 1;
}

/* bpf_sock_addr.user_port by half */
SEC("cgroup/connect4")
int addr_port_half(struct bpf_sock_addr *ctx)
{
	STORE(ctx, "u16", 24);
	return 1;
}

/* bpf_sock_addr.user_ip4 by its first byte */
SEC("cgroup/connect4")
int addr_ip4_byte(struct bpf_sock_addr *ctx)
{
	STORE(ctx, "u8", 4);
	return 1;
}

/* bpf_sockopt.optlen by half */
SEC("cgroup/setsockopt")
int optlen_half(struct bpf_sockopt *ctx)
{
	STORE(ctx, "u16", 32);
	return 1;
}

char _license[] SEC("license") = "GPL";
