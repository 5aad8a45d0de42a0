// SPDX-License-Identifier: (MIT OR GPL-2.0)
/* Unsafe twin of cgroup_retval.bpf.c: sock_ops programs answer through skops->reply, and Linux
 * withholds bpf_get_retval from them. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("sockops")
int sockops_get_retval(struct bpf_sock_ops *skops)
{
	skops->reply = bpf_get_retval();
	return 1;
}

char _license[] SEC("license") = "GPL";
