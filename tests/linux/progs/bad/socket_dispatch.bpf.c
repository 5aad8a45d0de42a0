// SPDX-License-Identifier: (MIT OR GPL-2.0)
/* The socket-level types' unsafe twins: each refused for its reason (test_linux.c). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* struct bpf_sk_lookup is read-only. */
SEC("sk_lookup")
int lookup_write_port(struct bpf_sk_lookup *ctx)
{
	ctx->local_port = 80;
	return SK_PASS;
}

/* Past the end of struct bpf_sk_lookup (72 bytes). */
SEC("sk_lookup")
int lookup_past_end(struct bpf_sk_lookup *ctx)
{
	return *(__u32 *)((char *)ctx + 72);
}

/* The dissector's packet is read-only. */
SEC("flow_dissector")
int dissect_write_packet(struct __sk_buff *skb)
{
	__u8 *data = (void *)(long)skb->data, *data_end = (void *)(long)skb->data_end;

	if (data + 1 > data_end)
		return BPF_DROP;
	data[0] = 0;
	return BPF_OK;
}

/* Its __sk_buff too: mark is tc's to write. */
SEC("flow_dissector")
int dissect_write_mark(struct __sk_buff *skb)
{
	skb->mark = 1;
	return BPF_OK;
}

/* A packet byte read before data_end is checked. */
SEC("sk_reuseport")
int reuseport_no_bounds(struct sk_reuseport_md *reuse)
{
	__u8 *data = reuse->data;

	return data[0] ? SK_DROP : SK_PASS;
}

/* bpf_sysctl_get_name belongs to cgroup/sysctl programs. */
SEC("sk_reuseport")
int reuseport_sysctl_helper(struct sk_reuseport_md *reuse)
{
	char name[8];

	return bpf_sysctl_get_name((void *)reuse, name, sizeof(name), 0);
}

/* The cookie of a socket, not of the context (bpf_get_socket_ptr_cookie_proto). */
SEC("sk_reuseport/migrate")
int reuseport_cookie_of_ctx(struct sk_reuseport_md *reuse)
{
	return bpf_get_socket_cookie(reuse) == 1 ? SK_DROP : SK_PASS;
}

/* A number is no socket. */
SEC("sk_reuseport/migrate")
int reuseport_cookie_of_hash(struct sk_reuseport_md *reuse)
{
	return bpf_get_socket_cookie((void *)(long)reuse->hash) == 1 ? SK_DROP : SK_PASS;
}

/* write says whether the sysctl is being written: read-only. */
SEC("cgroup/sysctl")
int sysctl_write_write(struct bpf_sysctl *ctx)
{
	ctx->write = 0;
	return 1;
}

/* The name goes into read-only data. */
static const char fixed[16] = "kernel/hostname";

SEC("cgroup/sysctl")
int sysctl_name_into_rodata(struct bpf_sysctl *ctx)
{
	return bpf_sysctl_get_name(ctx, (char *)fixed, sizeof(fixed), 0);
}

/* A new value read past the 8-byte buffer it is given. */
SEC("cgroup/sysctl")
int sysctl_value_overflow(struct bpf_sysctl *ctx)
{
	char value[8];

	return bpf_sysctl_get_new_value(ctx, value, 16);
}

char _license[] SEC("license") = "GPL";
