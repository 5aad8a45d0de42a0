// SPDX-License-Identifier: (MIT OR GPL-2.0)
/*
 * Unsafe: prints a map value as a string. Nothing proves a NUL inside the value, so the helper
 * would read past it into whatever the host keeps next to it.
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

struct name {
	char text[8];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct name);
} names SEC(".maps");

SEC("tc")
int print_name(struct __sk_buff *skb)
{
	__u32 key = 0;
	struct name *n = bpf_map_lookup_elem(&names, &key);

	if (n)
		bpf_printk("name %s", n->text);
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
