// SPDX-License-Identifier: (MIT OR GPL-2.0)
/*
 * Summing a per-CPU counter over the CPUs, as Cilium's metrics and the Linux selftests'
 * test_map_lookup_percpu_elem.c do: bpf_map_lookup_percpu_elem gives each CPU's slot, NULL
 * past the last CPU.
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

#define MAX_CPUS 64

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} packets SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
} bytes SEC(".maps");

SEC("tc")
int sum_percpu(struct __sk_buff *skb)
{
	__u64 total = 0;
	__u32 key = 0;

	for (__u32 cpu = 0; cpu < MAX_CPUS; cpu++) {
		__u64 *count = bpf_map_lookup_percpu_elem(&packets, &key, cpu);
		__u64 *len = bpf_map_lookup_percpu_elem(&bytes, &key, cpu);

		if (!count)
			break;
		total += *count + (len ? *len : 0);
	}
	return total > 1000 ? TC_ACT_SHOT : TC_ACT_OK;
}

char _license[] SEC("license") = "GPL";
