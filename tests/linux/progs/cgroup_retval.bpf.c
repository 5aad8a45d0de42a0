// SPDX-License-Identifier: (MIT OR GPL-2.0)
/*
 * Cgroup programs choosing the errno of the system call they refuse, as Cilium's socket load
 * balancer does: connect() to a service without backends fails with ECONNREFUSED, bind() over a
 * service's address with EADDRINUSE, and socket creation keeps an earlier program's errno.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define ECONNREFUSED 111
#define EADDRINUSE   98
#define EPERM	     1

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u32); /* backends of the service */
} backends SEC(".maps");

SEC("cgroup/connect4")
int connect4_refuse(struct bpf_sock_addr *ctx)
{
	__u32 addr = ctx->user_ip4;
	__u32 *count = bpf_map_lookup_elem(&backends, &addr);

	if (count && *count == 0) {
		bpf_set_retval(-ECONNREFUSED);
		return 0;
	}
	return 1;
}

SEC("cgroup/post_bind4")
int post_bind4_refuse(struct bpf_sock *ctx)
{
	__u32 addr = ctx->src_ip4;

	if (bpf_map_lookup_elem(&backends, &addr)) {
		bpf_set_retval(-EADDRINUSE);
		return 0;
	}
	return 1;
}

SEC("cgroup/sock_create")
int sock_create_keep_errno(struct bpf_sock *ctx)
{
	/* An earlier program of the chain already refused: keep its errno, else choose one. */
	if (bpf_get_retval() == 0 && ctx->type == 3 /* SOCK_RAW */) {
		bpf_set_retval(-EPERM);
		return 0;
	}
	return 1;
}

char _license[] SEC("license") = "GPL";
