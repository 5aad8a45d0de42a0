// SPDX-License-Identifier: GPL-2.0
/* Unsafe twins of iter_ok.bpf.c (tests/progs/iter_num_twins.h), refused by extbpf and by the
 * running kernel alike (extbpf-kdiff). */
#include "../../progs/iter_num_twins.h"

SEC("xdp")
int iter_no_destroy(struct xdp_md *ctx)
{
	return twin_no_destroy();
}

SEC("xdp")
int iter_destroy_twice(struct xdp_md *ctx)
{
	return twin_destroy_twice();
}

SEC("xdp")
int iter_next_uninitialised(struct xdp_md *ctx)
{
	return twin_next_uninitialised();
}

SEC("xdp")
int iter_new_twice(struct xdp_md *ctx)
{
	return twin_new_twice();
}

SEC("xdp")
int iter_overwrite_live(struct xdp_md *ctx)
{
	return twin_overwrite_live();
}

SEC("xdp")
int iter_read_live(struct xdp_md *ctx)
{
	return twin_read_live();
}

SEC("xdp")
int iter_no_null_check(struct xdp_md *ctx)
{
	return twin_no_null_check(ctx->ingress_ifindex);
}

SEC("xdp")
int iter_index_unchecked(struct xdp_md *ctx)
{
	return twin_index_unchecked(ctx->ingress_ifindex);
}

SEC("xdp")
int iter_index_one_past(struct xdp_md *ctx)
{
	return twin_index_one_past();
}

SEC("xdp")
int iter_misaligned(struct xdp_md *ctx)
{
	return twin_misaligned();
}

SEC("xdp")
int iter_value_after_destroy(struct xdp_md *ctx)
{
	return twin_value_after_destroy();
}

SEC("xdp")
int iter_loop_after_drained(struct xdp_md *ctx)
{
	return twin_loop_after_drained();
}

SEC("xdp")
int iter_write_value(struct xdp_md *ctx)
{
	return twin_write_value();
}

char LICENSE[] SEC("license") = "GPL";
