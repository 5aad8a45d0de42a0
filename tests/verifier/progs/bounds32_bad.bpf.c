// SPDX-License-Identifier: GPL-2.0
/* Unsafe twins of bounds32_ok.bpf.c, one past the end each: each must be refused. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64[8]);
} rows SEC(".maps");

static __always_inline __u64 *row_of(__u32 key)
{
	return bpf_map_lookup_elem(&rows, &key);
}

/* Starts at 8: one past the row. */
SEC("xdp")
int count_down_past(struct xdp_md *ctx)
{
	__u64 *row = row_of(0), sum = 0;
	int i;

	if (!row)
		return 0;
#pragma clang loop unroll(disable)
	for (i = 8; i >= 0; i--)
		sum += row[i];
	return (int)sum;
}

/* Goes to 8 included. */
SEC("xdp")
int count_up_past(struct xdp_md *ctx)
{
	__u64 *row = row_of(1), sum = 0;
	__u32 i;

#pragma clang loop unroll(disable)
	for (i = 0; i <= 8; i++) {
		if (!row)
			break;
		sum += row[i] * i;
	}
	return (int)sum;
}

/* No check of the lower end. */
SEC("xdp")
int signed_index_negative(struct xdp_md *ctx)
{
	__u64 *row = row_of(2);
	int idx = (int)ctx->rx_queue_index - 100;

	if (!row)
		return 0;
	if (idx >= 8)
		return 2;
	return (int)row[idx];
}

SEC("xdp")
int low_half_index_past(struct xdp_md *ctx)
{
	__u64 *row = row_of(3);
	__u32 idx;

	if (!row)
		return 0;
	idx = (__u32)row[0];
	if (idx > 8)
		return 0;
	return (int)row[idx];
}

SEC("xdp")
int around_middle_past(struct xdp_md *ctx)
{
	__u64 *row = row_of(0);
	int d = (int)ctx->ingress_ifindex;

	if (!row)
		return 0;
	if (d < -5 || d > 3)
		return 0;
	return (int)row[4 + d];
}

char LICENSE[] SEC("license") = "GPL";
