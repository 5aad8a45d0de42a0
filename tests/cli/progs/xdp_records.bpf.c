// SPDX-License-Identifier: GPL-2.0
/* One record per packet: its length, typed by struct lengths_record (the NAME_record rule). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct lengths_record {
	__u32 len;
	__u32 seq;
};

/* clang writes into BTF the types of globals and arguments, not of locals: this names the
 * record type there. */
struct lengths_record *lengths_record_btf;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} lengths SEC(".maps");

__u32 seq;

SEC("xdp")
int xdp_len(struct xdp_md *ctx)
{
	struct lengths_record r = {
		.len = ctx->data_end - ctx->data,
		.seq = ++seq,
	};

	bpf_ringbuf_output(&lengths, &r, sizeof(r), 0);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
