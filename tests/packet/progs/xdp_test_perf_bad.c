// SPDX-License-Identifier: MIT
/*
 * bpf_perf_event_output called unsafely: each program must be refused, for the reason its name
 * gives (tests/packet/test_packet_perf.c loads them one at a time).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} values SEC(".maps");

/* A perf event array is only for the perf helpers. */
SEC("xdp")
int perf_wrong_map(struct xdp_md *ctx)
{
	__u64 v = 1;

	bpf_perf_event_output(ctx, &values, BPF_F_CURRENT_CPU, &v, sizeof(v));
	return XDP_PASS;
}

/* ...and the perf helpers are only for perf event arrays. */
SEC("xdp")
int perf_lookup(struct xdp_md *ctx)
{
	__u32 key = 0;

	return bpf_map_lookup_elem(&events, &key) ? XDP_DROP : XDP_PASS;
}

/* The size is larger than the data. */
SEC("xdp")
int perf_size_over(struct xdp_md *ctx)
{
	__u64 v = 1;

	bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, &v, 16);
	return XDP_PASS;
}

/* The size has no upper bound. */
SEC("xdp")
int perf_size_unbounded(struct xdp_md *ctx)
{
	__u64 buf[4] = {};
	__u64 n = ctx->data_end - ctx->data;

	bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, buf, n);
	return XDP_PASS;
}

/* Stack bytes never written would leak. */
SEC("xdp")
int perf_uninit(struct xdp_md *ctx)
{
	__u64 buf[2];

	buf[0] = 1;
	bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, buf, sizeof(buf));
	return XDP_PASS;
}

/* The first argument must be the context itself. */
SEC("xdp")
int perf_not_ctx(struct xdp_md *ctx)
{
	__u64 v = 1;

	bpf_perf_event_output(&v, &events, BPF_F_CURRENT_CPU, &v, sizeof(v));
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
