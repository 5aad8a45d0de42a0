// SPDX-License-Identifier: (MIT OR GPL-2.0)
/*
 * Packet access rights of the linux types: tc and lwt_xmit programs may rewrite their packet,
 * cgroup_skb and lwt_in programs may read it (their writing twins are in bad/).
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

/* Swaps the first two bytes of the destination MAC address. */
static __always_inline int swap_mac_bytes(struct __sk_buff *skb)
{
	unsigned char *data = (void *)(long)skb->data;
	unsigned char *data_end = (void *)(long)skb->data_end;
	unsigned char b;

	if (data + ETH_HLEN > data_end)
		return 0;
	b = data[0];
	data[0] = data[1];
	data[1] = b;
	return 1;
}

SEC("tc")
int tc_rewrite(struct __sk_buff *skb)
{
	swap_mac_bytes(skb);
	return TC_ACT_OK;
}

SEC("lwt_xmit")
int lwt_xmit_rewrite(struct __sk_buff *skb)
{
	swap_mac_bytes(skb);
	return BPF_OK;
}

/* Reads the EtherType: allowed everywhere there is a packet. */
static __always_inline int is_ipv4(struct __sk_buff *skb)
{
	unsigned char *data = (void *)(long)skb->data;
	unsigned char *data_end = (void *)(long)skb->data_end;

	if (data + ETH_HLEN > data_end)
		return 0;
	return data[12] == 0x08 && data[13] == 0x00;
}

SEC("cgroup_skb/ingress")
int cg_read(struct __sk_buff *skb)
{
	return is_ipv4(skb);
}

SEC("lwt_in")
int lwt_in_read(struct __sk_buff *skb)
{
	return is_ipv4(skb) ? BPF_OK : BPF_DROP;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
