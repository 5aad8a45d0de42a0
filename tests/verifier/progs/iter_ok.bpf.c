// SPDX-License-Identifier: GPL-2.0
/*
 * Open-coded iterators in XDP programs, which the running kernel loads too (extbpf-kdiff):
 * sums into a map value, nested loops, bpf_repeat, an early break, a checked index. The last
 * program indexes by the value alone, which extbpf proves from the iterator's range and Linux
 * does not (tests/kdiff/explained.txt).
 */
#include "../../progs/iter_num.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64[16]);
} iter_values SEC(".maps");

static __always_inline __u64 *slots(void)
{
	__u32 key = 0;

	return bpf_map_lookup_elem(&iter_values, &key);
}

SEC("xdp")
int iter_sum_million(struct xdp_md *ctx)
{
	__u64 *v = slots();
	int i;

	if (!v)
		return XDP_PASS;
	bpf_for (i, 0, 1000000) {
		v[0] += i;
	}
	return XDP_PASS;
}

SEC("xdp")
int iter_nested(struct xdp_md *ctx)
{
	__u64 *v = slots();
	int i, j;

	if (!v)
		return XDP_PASS;
	bpf_for (i, 0, 10) {
		bpf_for (j, 0, i + 1) {
			v[1]++;
		}
	}
	return XDP_PASS;
}

SEC("xdp")
int iter_repeat(struct xdp_md *ctx)
{
	__u64 *v = slots();

	if (!v)
		return XDP_PASS;
	bpf_repeat (100) {
		v[2] += 3;
	}
	return XDP_PASS;
}

SEC("xdp")
int iter_break(struct xdp_md *ctx)
{
	__u64 *v = slots();
	int i;

	if (!v)
		return XDP_PASS;
	bpf_for (i, 0, 1000) {
		if (v[3] > 40)
			break;
		v[3]++;
	}
	return XDP_PASS;
}

SEC("xdp")
int iter_index_checked(struct xdp_md *ctx)
{
	__u64 *v = slots();
	int i;

	if (!v)
		return XDP_PASS;
	bpf_for (i, 0, ctx->ingress_ifindex) {
		if (i >= 16)
			break;
		v[i] += 1;
	}
	return XDP_PASS;
}

/* The value of *p lies in [0, 16): no check needed (extbpf only). */
SEC("xdp")
int iter_index_by_range(struct xdp_md *ctx)
{
	struct bpf_iter_num it;
	__u64 *v = slots();
	int *p;

	if (!v)
		return XDP_PASS;
	bpf_iter_num_new(&it, 0, 16);
	while ((p = bpf_iter_num_next(&it)))
		v[*p] += 1;
	bpf_iter_num_destroy(&it);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
