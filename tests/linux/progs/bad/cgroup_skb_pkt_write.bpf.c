// SPDX-License-Identifier: (MIT OR GPL-2.0)
/* Unsafe twin of packet_rw's cg_read: a cgroup_skb program may not write its packet. */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>

SEC("cgroup_skb/egress")
int cg_write(struct __sk_buff *skb)
{
	unsigned char *data = (void *)(long)skb->data;
	unsigned char *data_end = (void *)(long)skb->data_end;

	if (data + ETH_HLEN > data_end)
		return 1;
	data[0] = 0xff;
	return 1;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
