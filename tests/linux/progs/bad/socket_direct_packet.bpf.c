// SPDX-License-Identifier: (MIT OR GPL-2.0)
/* Socket filters may not read the packet directly: as Linux, the verifier refuses loading
 * skb->data or skb->data_end (fields a socket filter may not read). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("socket")
int direct_packet(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;

	if (data + 1 > data_end)
		return 0;
	return *(__u8 *)data == 0x45 ? skb->len : 0;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
