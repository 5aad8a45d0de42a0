// SPDX-License-Identifier: GPL-2.0
/*
 * BTF map definitions completed at load as libbpf does: a perf event array without
 * max_entries (one entry per CPU), record types named with __type on a perf event array and a
 * ring buffer (cilium/ebpf's style: they describe records, not keys and values), ring buffers
 * whose size is not a power-of-2 multiple of the page size (libbpf rounds it up), a map pinned
 * by name.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct record {
	__u64 when;
	__u32 what[6];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} sized_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__type(key, int);
	__type(value, struct record);
	__uint(max_entries, 8);
} typed_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__type(value, struct record);
	__uint(max_entries, 4096);
} typed_ring SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 5000);
} odd_ring SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 3 * 4096);
} three_page_ring SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 16);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} sized_pinned SEC(".maps");

SEC("sample_ext")
int btf_sized(void *ctx)
{
	__u32 key = 1;
	struct record *r = bpf_ringbuf_reserve(&typed_ring, sizeof(*r), 0);

	if (r) {
		r->when = 1;
		bpf_ringbuf_submit(r, 0);
	}
	return bpf_map_lookup_elem(&sized_pinned, &key) ? 1 : 0;
}

char LICENSE[] SEC("license") = "GPL";
