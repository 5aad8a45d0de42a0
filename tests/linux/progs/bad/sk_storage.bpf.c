// SPDX-License-Identifier: (MIT OR GPL-2.0)
/* Per-socket storage misused: each program is refused for its reason. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, __u64);
} conns SEC(".maps");

/* skops->sk may be NULL. */
SEC("sockops")
int sockops_unchecked(struct bpf_sock_ops *skops)
{
	return bpf_sk_storage_get(&conns, skops->sk, 0, 0) ? 1 : 0;
}

/* The value may be NULL. */
SEC("sockops")
int sockops_value_unchecked(struct bpf_sock_ops *skops)
{
	struct bpf_sock *sk = skops->sk;

	if (!sk)
		return 1;
	return *(__u64 *)bpf_sk_storage_get(&conns, sk, 0, 0) != 0;
}

/* The context is no socket (its sk field is). */
SEC("cgroup/connect4")
int connect_passes_context(struct bpf_sock_addr *ctx)
{
	return bpf_sk_storage_get(&conns, ctx, 0, 0) ? 1 : 0;
}

/* A number is no socket. */
SEC("sockops")
int sockops_delete_number(struct bpf_sock_ops *skops)
{
	bpf_sk_storage_delete(&conns, (void *)(long)skops->op);
	return 1;
}

/* cgroup/sock: the storage of a stack slot, not of the context's socket */
SEC("cgroup/sock_create")
int sock_passes_stack(struct bpf_sock *ctx)
{
	__u64 slot = 0;

	return bpf_sk_storage_get(&conns, &slot, 0, 0) ? 1 : 0;
}

/* cgroup/sock: the value may be NULL */
SEC("cgroup/sock_create")
int sock_value_unchecked(struct bpf_sock *ctx)
{
	__u64 *v = bpf_sk_storage_get(&conns, ctx, 0, BPF_SK_STORAGE_GET_F_CREATE);

	*v = 1;
	return 1;
}

/* Linux offers cgroup/sock no bpf_sk_storage_delete */
SEC("cgroup/sock_release")
int sock_delete(struct bpf_sock *ctx)
{
	return bpf_sk_storage_delete(&conns, ctx) == 0;
}

/* tc: the packet's socket before its NULL check */
SEC("tc")
int tc_unchecked(struct __sk_buff *skb)
{
	return bpf_sk_storage_get(&conns, skb->sk, 0, 0) != 0;
}

/* tc: the storage of the context */
SEC("tc")
int tc_storage_of_ctx(struct __sk_buff *skb)
{
	return bpf_sk_storage_get(&conns, skb, 0, 0) != 0;
}

char _license[] SEC("license") = "GPL";
