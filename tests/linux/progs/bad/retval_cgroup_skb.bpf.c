// SPDX-License-Identifier: (MIT OR GPL-2.0)
/* Unsafe twin of cgroup_retval.bpf.c: a cgroup_skb program filters packets, not a system call,
 * and Linux offers it no bpf_get_retval. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("cgroup_skb/ingress")
int ingress_get_retval(struct __sk_buff *skb)
{
	return bpf_get_retval() == 0 && skb->len < 9000;
}

char _license[] SEC("license") = "GPL";
