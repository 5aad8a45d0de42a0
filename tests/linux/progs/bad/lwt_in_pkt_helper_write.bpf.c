// SPDX-License-Identifier: (MIT OR GPL-2.0)
/* Unsafe twin of packet_rw's lwt_in_read: a helper output into the read-only packet. */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>

SEC("lwt_in")
int lwt_in_helper_write(struct __sk_buff *skb)
{
	unsigned char *data = (void *)(long)skb->data;
	unsigned char *data_end = (void *)(long)skb->data_end;

	if (data + ETH_HLEN > data_end)
		return BPF_OK;
	bpf_skb_load_bytes(skb, 20, data, 8);
	return BPF_OK;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
