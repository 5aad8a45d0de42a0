// SPDX-License-Identifier: (MIT OR GPL-2.0)
/*
 * Context stores of the field's own size, and __sk_buff.cb's narrow stores, which Linux takes:
 * the safe twins of bad/ctx_narrow_store.bpf.c.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define STORE(ctx, size, off)                                                                      \
	asm volatile("r2 = 1; *(" size " *)(%[c] + " #off ") = r2" ::[c] "r"(ctx) : "r2")

/* mark and priority whole, tstamp in 8 bytes */
SEC("tc")
int tc_whole_fields(struct __sk_buff *skb)
{
	STORE(skb, "u32", 8);
	STORE(skb, "u32", 32);
	STORE(skb, "u64", 152);
	return 0;
}

/* cb in 1, 2, 4 and 8 bytes */
SEC("tc")
int tc_cb_narrow(struct __sk_buff *skb)
{
	STORE(skb, "u8", 49);
	STORE(skb, "u16", 50);
	STORE(skb, "u32", 52);
	STORE(skb, "u64", 56);
	return 0;
}

/* reply and sk_txhash whole */
SEC("sockops")
int ops_reply_whole(struct bpf_sock_ops *ctx)
{
	STORE(ctx, "u32", 4);
	STORE(ctx, "u32", 164);
	return 1;
}

/* file_pos whole */
SEC("cgroup/sysctl")
int sysctl_pos_whole(struct bpf_sysctl *ctx)
{
	STORE(ctx, "u32", 4);
	return 1;
}

/* mark whole at socket creation */
SEC("cgroup/sock_create")
int sock_mark_whole(struct bpf_sock *ctx)
{
	STORE(ctx, "u32", 16);
	return 1;
}

/* user_ip4 and user_port whole */
SEC("cgroup/connect4")
int addr_whole(struct bpf_sock_addr *ctx)
{
	STORE(ctx, "u32", 4);
	STORE(ctx, "u32", 24);
	return 1;
}

/* optlen whole */
SEC("cgroup/setsockopt")
int optlen_whole(struct bpf_sockopt *ctx)
{
	STORE(ctx, "u32", 32);
	return 1;
}

char _license[] SEC("license") = "GPL";
