// SPDX-License-Identifier: (MIT OR GPL-2.0)
/*
 * fentry and fexit on a BPF program's function, as xdpdump (xdp-tools) traces the XDP program
 * of an interface: the target is xdp_target below, whose BTF prototype types the arguments.
 * Its context argument (struct xdp_md *) reaches the tracer as the kernel's struct xdp_buff,
 * read directly through CO-RE and handed to bpf_xdp_output.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#define CORE __attribute__((preserve_access_index))

struct net_device {
	int ifindex;
} CORE;

struct xdp_rxq_info {
	struct net_device *dev;
	__u32 queue_index;
} CORE;

struct xdp_buff {
	void *data;
	void *data_end;
	struct xdp_rxq_info *rxq;
} CORE;

struct record {
	__u32 ifindex;
	__u32 len;
	__s32 action;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} records SEC(".maps");

SEC("xdp")
int xdp_target(struct xdp_md *ctx)
{
	return ctx->data_end - ctx->data > 64 ? XDP_PASS : XDP_DROP;
}

static int emit(struct xdp_buff *xdp, int action)
{
	struct record r = {
		.ifindex = xdp->rxq->dev->ifindex,
		.len = (__u32)(xdp->data_end - xdp->data),
		.action = action,
	};

	/* the packet's first bytes ride along with the record (the upper 32 bits of flags) */
	return bpf_xdp_output(xdp, &records, ((__u64)(r.len & 0xff) << 32) | BPF_F_CURRENT_CPU, &r,
			      sizeof(r));
}

SEC("fentry/xdp_target")
int BPF_PROG(trace_entry, struct xdp_buff *xdp)
{
	emit(xdp, -1);
	return 0;
}

SEC("fexit/xdp_target")
int BPF_PROG(trace_exit, struct xdp_buff *xdp, int action)
{
	emit(xdp, action);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
