// SPDX-License-Identifier: MIT
/*
 * bpf_perf_event_output from XDP, as Linux programs write it: a record of the program's bytes
 * followed by the first 16 bytes of the packet (BPF_F_CTXLEN_MASK) on the current CPU's ring, a
 * 6-byte record on ring 0, and three calls Linux fails at run time (a flag beyond the index and
 * length, more packet bytes than the packet has, a ring beyond the map). Each return value goes
 * to result[i]; the host reads the records back through a perf reader.
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
	__uint(max_entries, 5);
	__type(key, __u32);
	__type(value, __s64);
} result SEC(".maps");

/* The records of `events`, as the extbpf tool prints them. */
struct events_record {
	__u32 len;
	__u32 magic;
};

static void store(__u32 i, __s64 v)
{
	bpf_map_update_elem(&result, &i, &v, BPF_ANY);
}

SEC("xdp")
int xdp_perf(struct xdp_md *ctx)
{
	struct events_record ev = {
		.len = ctx->data_end - ctx->data,
		.magic = 0xfeedbeef,
	};

	store(0, bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU | (16ull << 32), &ev,
				       sizeof(ev)));
	store(1, bpf_perf_event_output(ctx, &events, 0, &ev, 6));
	store(2, bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU | (1ull << 52), &ev,
				       sizeof(ev)));
	store(3, bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU | (0xfffffull << 32), &ev,
				       sizeof(ev)));
	store(4, bpf_perf_event_output(ctx, &events, 4096, &ev, sizeof(ev)));
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
