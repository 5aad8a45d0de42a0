// SPDX-License-Identifier: (MIT OR GPL-2.0)
/*
 * ../ptr_compare.bpf.c in a networking type (tc): a map value pointer compared with a stack
 * pointer, refused, as Linux refuses it to programs that may not leak pointers.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct stage {
	__u64 count;
	__u64 last;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, struct stage);
} stages SEC(".maps");

SEC("tc")
int stage_or_local_tc(struct __sk_buff *skb)
{
	__u32 key = (__u32)bpf_get_prandom_u32() & 1023;
	struct stage local = {}, *p = bpf_map_lookup_elem(&stages, &key);

	if (!p)
		p = &local;
	p->count++;
	p->last = bpf_ktime_get_ns();
	if (p == &local)
		bpf_map_update_elem(&stages, &key, &local, BPF_ANY);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
