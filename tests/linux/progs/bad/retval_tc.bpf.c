// SPDX-License-Identifier: (MIT OR GPL-2.0)
/* Unsafe twin of cgroup_retval.bpf.c: a tc program has no system call to give an errno to
 * (Linux offers bpf_set_retval to cgroup programs only). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("tc")
int tc_set_retval(struct __sk_buff *skb)
{
	bpf_set_retval(-1);
	return 0;
}

char _license[] SEC("license") = "GPL";
