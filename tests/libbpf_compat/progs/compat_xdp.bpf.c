// SPDX-License-Identifier: GPL-2.0
/*
 * The program of the libbpf-compatibility hosts: counts packets by their first byte in a hash
 * map, drops those whose first byte is the configured one (.rodata, set by the host before the
 * load), and reports each verdict through a ring buffer.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct event {
	__u32 len;
	__u32 verdict;
	__u8 first;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __u8);
	__type(value, __u64);
} counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} events SEC(".maps");

/* Configured by the host before the load (.rodata): one struct, so that a host without a
 * skeleton knows its layout. */
struct config {
	__u8 drop_first;
	__u32 verdict_other;
};
const volatile struct config cfg = { .drop_first = 0xff, .verdict_other = XDP_PASS };
__u64 packets;	       /* .bss */
__u32 dropped_len = 0; /* .bss */
__u32 version = 3;     /* .data */

SEC("xdp")
int xdp_count(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	__u8 *p = data;
	__u64 one = 1, *count;
	struct event *e;
	__u32 verdict;

	if ((void *)(p + 1) > end)
		return XDP_ABORTED;
	packets++;
	count = bpf_map_lookup_elem(&counts, p);
	if (count)
		__sync_fetch_and_add(count, 1);
	else
		bpf_map_update_elem(&counts, p, &one, BPF_NOEXIST);
	verdict = *p == cfg.drop_first ? XDP_DROP : cfg.verdict_other;
	if (verdict == XDP_DROP)
		dropped_len += (__u32)(end - data);
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (e) {
		e->len = (__u32)(end - data);
		e->verdict = verdict;
		e->first = *p;
		bpf_ringbuf_submit(e, 0);
	}
	return verdict;
}

char LICENSE[] SEC("license") = "GPL";
