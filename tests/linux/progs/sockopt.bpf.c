// SPDX-License-Identifier: (MIT OR GPL-2.0)
/*
 * cgroup/getsockopt, cgroup/setsockopt and cgroup/dev programs in the shapes of Linux's
 * selftests (sockopt_sk.c, sockopt_inherit.c, sockopt_qos_to_cc.c, dev_cgroup.c): the option's
 * bytes between optval and optval_end read and written after a bounds check, the option's
 * numbers rewritten, the socket's storage and options, a device's numbers.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define SOL_IP_NUM	   0
#define IP_TOS_NUM	   1
#define SOL_TCP_NUM	   6
#define TCP_CONGESTION_NUM 13

struct opt_state {
	__u32 calls;
	__u8 last;
};

struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct opt_state);
} opt_states SEC(".maps");

/* getsockopt(IP_TOS): the kernel's answer replaced by one byte of our own */
SEC("cgroup/getsockopt")
int get_tos(struct bpf_sockopt *ctx)
{
	__u8 *optval = ctx->optval;
	__u8 *optval_end = ctx->optval_end;

	if (ctx->level != SOL_IP_NUM || ctx->optname != IP_TOS_NUM)
		return 1;
	if (optval + 1 > optval_end)
		return 0;
	optval[0] = 0x10;
	ctx->optlen = 1;
	return 1;
}

/* setsockopt: a private option number turned into IP_TOS with the byte given, and the socket
 * remembers the last value in its storage */
SEC("cgroup/setsockopt")
int set_private(struct bpf_sockopt *ctx)
{
	__u8 *optval = ctx->optval;
	__u8 *optval_end = ctx->optval_end;
	struct opt_state *state;

	if (optval + 1 > optval_end)
		return 1;
	state = bpf_sk_storage_get(&opt_states, ctx->sk, 0, BPF_SK_STORAGE_GET_F_CREATE);
	if (!state)
		return 0;
	state->calls++;
	state->last = optval[0];
	/* each field alone: clang would merge level and optname into one 8-byte store, which
	 * Linux refuses (bad/sockopt.bpf.c's two_fields) */
	if (ctx->level == 0xdead)
		ctx->optname = IP_TOS_NUM;
	else if (ctx->level == 0xbeef)
		ctx->level = SOL_IP_NUM;
	return 1;
}

/* setsockopt: the socket's congestion control read and set through the socket */
SEC("cgroup/setsockopt")
int set_cc(struct bpf_sockopt *ctx)
{
	char cc[16] = "reno";
	char now[16];

	if (ctx->level != SOL_TCP_NUM)
		return 1;
	if (bpf_getsockopt(ctx->sk, SOL_TCP_NUM, TCP_CONGESTION_NUM, now, sizeof(now)))
		return 1;
	if (now[0] != 'r')
		bpf_setsockopt(ctx->sk, SOL_TCP_NUM, TCP_CONGESTION_NUM, cc, sizeof(cc));
	return 1;
}

/* getsockopt: the error given back to the caller, and the namespace */
SEC("cgroup/getsockopt")
int get_retval_ns(struct bpf_sockopt *ctx)
{
	if (bpf_get_netns_cookie(ctx) == 0)
		return 0;
	if (bpf_get_retval() == 0)
		bpf_set_retval(-1);
	return 1;
}

/* a device cgroup: character device 1:3 (/dev/null) allowed, block devices refused */
SEC("cgroup/dev")
int dev_allow_null(struct bpf_cgroup_dev_ctx *ctx)
{
	__u16 type = ctx->access_type & 0xffff;

	if (type == BPF_DEVCG_DEV_BLOCK)
		return 0;
	return ctx->major == 1 && ctx->minor == 3;
}

char _license[] SEC("license") = "GPL";
