// SPDX-License-Identifier: (MIT OR GPL-2.0)
/* Unsafe twin of net_base_helpers.bpf.c: Linux gives light-weight tunnel programs no
 * bpf_get_netns_cookie. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("lwt_in")
int lwt_netns(struct __sk_buff *skb)
{
	return bpf_get_netns_cookie(skb) == 1;
}

char _license[] SEC("license") = "GPL";
