// SPDX-License-Identifier: GPL-2.0
/* A program array initialised beyond its max_entries: the loader must refuse it. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

int target(void *ctx);

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__array(values, int(void *));
} small_table SEC(".maps") = {
	.values = { [3] = (void *)&target },
};

SEC("sample_ext")
int target(void *ctx)
{
	bpf_tail_call(ctx, &small_table, 3);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
