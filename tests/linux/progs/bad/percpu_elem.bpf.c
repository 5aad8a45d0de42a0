// SPDX-License-Identifier: (MIT OR GPL-2.0)
/* bpf_map_lookup_percpu_elem misused: each refused (test_linux.c). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} shared SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

/* A map without per-CPU slots. */
SEC("tc")
int percpu_plain_map(struct __sk_buff *skb)
{
	__u32 key = 0;
	__u64 *v = bpf_map_lookup_percpu_elem(&shared, &key, 0);

	return v ? *v : 0;
}

/* The slot may be missing (a CPU past the last): NULL checked first. */
SEC("tc")
int percpu_no_null_check(struct __sk_buff *skb)
{
	__u32 key = 0;
	__u64 *v = bpf_map_lookup_percpu_elem(&counts, &key, 3);

	return *v;
}

/* The value is 8 bytes. */
SEC("tc")
int percpu_past_value(struct __sk_buff *skb)
{
	__u32 key = 0;
	__u64 *v = bpf_map_lookup_percpu_elem(&counts, &key, 0);

	return v ? v[1] : 0;
}

char _license[] SEC("license") = "GPL";
