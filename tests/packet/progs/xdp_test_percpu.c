// SPDX-License-Identifier: MIT
/* Sums a per-CPU counter over every CPU with bpf_map_lookup_percpu_elem, as per-CPU metrics are
 * read: the walk stops at the first CPU without a slot (NULL past the last). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define MAX_CPUS 1024

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

/* [0] the sum, [1] how many CPUs have a slot */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} result SEC(".maps");

SEC("xdp")
int xdp_sum_cpus(struct xdp_md *ctx)
{
	__u32 key = 0, k1 = 1;
	__u64 sum = 0, cpus = 0;

	for (__u32 cpu = 0; cpu < MAX_CPUS; cpu++) {
		__u64 *v = bpf_map_lookup_percpu_elem(&counters, &key, cpu);

		if (!v)
			break;
		sum += *v;
		cpus++;
	}
	bpf_map_update_elem(&result, &key, &sum, BPF_ANY);
	bpf_map_update_elem(&result, &k1, &cpus, BPF_ANY);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
