// SPDX-License-Identifier: (MIT OR GPL-2.0)
/*
 * Unsafe tracers of a BPF program's function (xdp_target of ../prog_target.bpf.c): each is
 * refused for its reason when attached to it.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

struct xdp_buff {
	void *data;
	void *data_end;
} __attribute__((preserve_access_index));

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} records SEC(".maps");

/* The kernel's xdp_buff is read-only to a tracer. */
SEC("fentry/xdp_target")
int BPF_PROG(store_field, struct xdp_buff *xdp)
{
	xdp->data_end = xdp->data;
	return 0;
}

/* Beyond the end of struct xdp_buff. */
SEC("fentry/xdp_target")
int BPF_PROG(read_past, struct xdp_buff *xdp)
{
	return ((volatile __u64 *)xdp)[4096] ? 1 : 0;
}

/* xdp_target has one argument: ctx[1] is not there. */
SEC("fentry/xdp_target")
int arg_index(__u64 *ctx)
{
	return ctx[1] ? 1 : 0;
}

/* The return value of a BPF function is a number, not a pointer. */
SEC("fexit/xdp_target")
int BPF_PROG(ret_deref, struct xdp_buff *xdp, long action)
{
	return *(volatile int *)action;
}

/* bpf_xdp_output's first argument is a kernel xdp_buff, not the tracer's stack. */
SEC("fentry/xdp_target")
int BPF_PROG(output_stack, struct xdp_buff *xdp)
{
	__u64 buf[2] = { 1, 2 };

	return bpf_xdp_output(buf, &records, BPF_F_CURRENT_CPU, buf, sizeof(buf));
}

char LICENSE[] SEC("license") = "GPL";
