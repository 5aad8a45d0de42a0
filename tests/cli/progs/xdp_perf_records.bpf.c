// SPDX-License-Identifier: GPL-2.0
/*
 * Perf event array records, one kind typed by the map's declared value type (pkts), one by the
 * NAME_record rule (lens), and a burst that overflows a ring (burst: 70 records of 496 bytes
 * per packet, beyond a ring of 8 pages), whose losses the next packet's first record reports.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct pkt_event {
	__u32 len;
	__u16 seq;
	__u8 proto;
	__u8 pad;
};

struct lens_record {
	__u32 len;
};

struct lens_record *lens_record_btf;

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__type(key, __u32);
	__type(value, struct pkt_event);
} pkts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} lens SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} burst SEC(".maps");

__u32 seq;

SEC("xdp")
int xdp_perf(struct xdp_md *ctx)
{
	struct pkt_event ev = {
		.len = ctx->data_end - ctx->data,
		.seq = ++seq,
		.proto = 6,
	};
	struct lens_record l = { .len = ev.len };
	__u64 fill[60] = {};

	bpf_perf_event_output(ctx, &pkts, 0, &ev, sizeof(ev));
	bpf_perf_event_output(ctx, &lens, 0, &l, sizeof(l));
	for (int i = 0; i < 70; i++)
		bpf_perf_event_output(ctx, &burst, 0, fill, sizeof(fill));
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
