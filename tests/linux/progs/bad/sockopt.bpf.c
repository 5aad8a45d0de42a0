// SPDX-License-Identifier: (MIT OR GPL-2.0)
/* The unsafe twins of progs/sockopt.bpf.c, each refused for its reason. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, __u64);
} opt_states SEC(".maps");

/* the option's byte read without checking optval_end */
SEC("cgroup/getsockopt")
int optval_unchecked(struct bpf_sockopt *ctx)
{
	__u8 *optval = ctx->optval;

	return optval[0] == 1;
}

/* written one byte past the checked range */
SEC("cgroup/setsockopt")
int optval_past_end(struct bpf_sockopt *ctx)
{
	__u8 *optval = ctx->optval;

	if (optval + 4 > (__u8 *)ctx->optval_end)
		return 1;
	optval[4] = 0;
	return 1;
}

/* the socket pointer is read-only */
SEC("cgroup/setsockopt")
int write_sk(struct bpf_sockopt *ctx)
{
	asm volatile("r2 = 0; *(u64 *)(%[ctx] + 0) = r2" ::[ctx] "r"(ctx) : "r2");
	return 1;
}

/* optlen is a 4-byte field */
SEC("cgroup/getsockopt")
int optlen_wide(struct bpf_sockopt *ctx)
{
	__u64 v;

	asm volatile("%[v] = *(u64 *)(%[ctx] + 32)" : [v] "=r"(v) : [ctx] "r"(ctx));
	return v == 1;
}

/* optlen and retval in one 8-byte store: each is a field of its own */
SEC("cgroup/getsockopt")
int two_fields(struct bpf_sockopt *ctx)
{
	asm volatile("r2 = 0; *(u64 *)(%[ctx] + 32) = r2" ::[ctx] "r"(ctx) : "r2");
	return 1;
}

/* the storage of the context, not of its socket */
SEC("cgroup/setsockopt")
int storage_of_ctx(struct bpf_sockopt *ctx)
{
	return bpf_sk_storage_get(&opt_states, ctx, 0, 0) != 0;
}

/* past the end of struct bpf_sockopt */
SEC("cgroup/getsockopt")
int read_past_ctx(struct bpf_sockopt *ctx)
{
	__u32 v;

	asm volatile("%[v] = *(u32 *)(%[ctx] + 40)" : [v] "=r"(v) : [ctx] "r"(ctx));
	return v == 1;
}

/* a device cgroup's context is read-only */
SEC("cgroup/dev")
int dev_write(struct bpf_cgroup_dev_ctx *ctx)
{
	ctx->major = 0;
	return 1;
}

/* major is a 4-byte field */
SEC("cgroup/dev")
int dev_major_narrow(struct bpf_cgroup_dev_ctx *ctx)
{
	__u8 v;

	asm volatile("%[v] = *(u8 *)(%[ctx] + 4)" : [v] "=r"(v) : [ctx] "r"(ctx));
	return v == 1;
}

/* The level is the setsockopt program's to rewrite (cg_sockopt_is_valid_access). */
SEC("cgroup/getsockopt")
int get_writes_level(struct bpf_sockopt *ctx)
{
	ctx->level = 1;
	return 1;
}

/* So is the option's name. */
SEC("cgroup/getsockopt")
int get_writes_optname(struct bpf_sockopt *ctx)
{
	ctx->optname = 1;
	return 1;
}

/* The retval is the getsockopt program's to rewrite. */
SEC("cgroup/setsockopt")
int set_writes_retval(struct bpf_sockopt *ctx)
{
	ctx->retval = 0;
	return 1;
}

/* bpf_setsockopt is the setsockopt program's (cg_sockopt_func_proto). */
SEC("cgroup/getsockopt")
int get_calls_setsockopt(struct bpf_sockopt *ctx)
{
	int v = 1;

	bpf_setsockopt(ctx->sk, 1, 2, &v, sizeof(v));
	return 1;
}

/* So is bpf_getsockopt. */
SEC("cgroup/getsockopt")
int get_calls_getsockopt(struct bpf_sockopt *ctx)
{
	int v = 0;

	bpf_getsockopt(ctx->sk, 1, 2, &v, sizeof(v));
	return v;
}

char _license[] SEC("license") = "GPL";
