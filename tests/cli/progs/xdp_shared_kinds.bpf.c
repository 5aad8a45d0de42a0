// SPDX-License-Identifier: MIT
/*
 * One map of each kind that only issue 24's shared maps added, filled by an XDP program
 * (test_shared_maps.sh runs it with --pin-maps, then works on the pins from other commands):
 * the length of every packet pushed on a queue, packets counted by length in a per-CPU
 * hash and the latest lengths in an LRU hash of two (the capture has three).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_QUEUE);
	__uint(max_entries, 8);
	__type(value, __u32);
} lens SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
} per_len_cpu SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} recent_lens SEC(".maps");

SEC("xdp")
int kinds(struct xdp_md *ctx)
{
	__u32 len = ctx->data_end - ctx->data;
	__u64 one = 1, *n;

	bpf_map_push_elem(&lens, &len, BPF_EXIST);
	n = bpf_map_lookup_elem(&per_len_cpu, &len);
	if (n)
		__sync_fetch_and_add(n, 1);
	else
		bpf_map_update_elem(&per_len_cpu, &len, &one, BPF_NOEXIST);
	bpf_map_update_elem(&recent_lens, &len, &one, BPF_ANY);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "MIT";
