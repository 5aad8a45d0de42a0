// SPDX-License-Identifier: (MIT OR GPL-2.0)
/* Unsafe twin of net_base_helpers.bpf.c: jiffies64 gives a number, not memory to read. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("tc")
int tc_jiffies_deref(struct __sk_buff *skb)
{
	return *(__u32 *)(long)bpf_jiffies64();
}

char _license[] SEC("license") = "GPL";
