// SPDX-License-Identifier: MIT
/*
 * Test programs of the packet extension, driven by the packet's first payload bytes (offset
 * 14, after the Ethernet header): byte 14 selects what to do, bytes 16..19 are an argument
 * (little-endian s32). Helper results are stored in `result[0]`.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __s64);
} result SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u32);
} ports SEC(".maps");

struct args {
	__u8 op;
	__u8 pad;
	__s32 arg;
} __attribute__((packed));

static __always_inline void set_result(long v)
{
	__u32 k = 0;
	__s64 *r = bpf_map_lookup_elem(&result, &k);

	if (r)
		*r = v;
}

/* The verdict is byte 14 itself; 0xff: 7 (not a verdict). */
SEC("xdp")
int xdp_verdict(struct xdp_md *ctx)
{
	unsigned char *data = (void *)(long)ctx->data;
	unsigned char *data_end = (void *)(long)ctx->data_end;

	if (data + 15 > data_end)
		return XDP_ABORTED;
	return data[14] == 0xff ? 7 : data[14];
}

/* op 0: adjust_head(arg), 1: adjust_tail(arg), 2: adjust_meta(arg) then write 0xabcd1234 into
 * the metadata when it holds 4 bytes; the verdict is XDP_PASS. */
SEC("xdp/adjust")
int xdp_adjust(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct args *a = data + 14;
	long ret = -1;
	__s32 arg;
	__u8 op;

	if ((void *)(a + 1) > data_end)
		return XDP_ABORTED;
	op = a->op;
	arg = a->arg;
	if (op == 0)
		ret = bpf_xdp_adjust_head(ctx, arg);
	else if (op == 1)
		ret = bpf_xdp_adjust_tail(ctx, arg);
	else if (op == 2)
		ret = bpf_xdp_adjust_meta(ctx, arg);
	set_result(ret);
	if (op == 2 && ret == 0) {
		__u32 *meta = (void *)(long)ctx->data_meta;

		if ((void *)(meta + 1) <= (void *)(long)ctx->data)
			*meta = 0xabcd1234;
	}
	return XDP_PASS;
}

/* op 0: bpf_redirect(arg, 0), 1: bpf_redirect_map(&ports, arg, XDP_PASS), 2:
 * bpf_redirect(arg, 1) (bad flags). */
SEC("xdp/redirect")
int xdp_redirect_test(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct args *a = data + 14;

	if ((void *)(a + 1) > data_end)
		return XDP_ABORTED;
	if (a->op == 0)
		return bpf_redirect(a->arg, 0);
	if (a->op == 1)
		return bpf_redirect_map(&ports, a->arg, XDP_PASS);
	return bpf_redirect(a->arg, 1);
}

/* Reads the ingress ifindex and queue into result[0] (ifindex << 32 | queue), passes. */
SEC("xdp/md")
int xdp_md_fields(struct xdp_md *ctx)
{
	set_result((long)ctx->ingress_ifindex << 32 | ctx->rx_queue_index);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
