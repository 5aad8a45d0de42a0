// SPDX-License-Identifier: GPL-2.0
/* Three programs chained through a program array initialised at load time:
 * entry -> slot 1 (stage_one) -> slot 2 (stage_two). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

int stage_one(void *ctx);
int stage_two(void *ctx);

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__array(values, int(void *));
} jump_table SEC(".maps") = {
	.values = {
		[1] = (void *)&stage_one,
		[2] = (void *)&stage_two,
	},
};

SEC("sample_ext")
int entry(void *ctx)
{
	bpf_tail_call(ctx, &jump_table, 1);
	return 1;
}

SEC("sample_ext/stage")
int stage_one(void *ctx)
{
	bpf_tail_call(ctx, &jump_table, 2);
	return 2;
}

SEC("sample_ext/stage")
int stage_two(void *ctx)
{
	return 3;
}

char LICENSE[] SEC("license") = "GPL";
