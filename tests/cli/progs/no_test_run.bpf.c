// SPDX-License-Identifier: GPL-2.0
/* A socket filter: a Linux program type that verifies here but has no test-run support. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("socket")
int keep_all(struct __sk_buff *skb)
{
	return (int)skb->len;
}

char LICENSE[] SEC("license") = "GPL";
