// SPDX-License-Identifier: MIT
/*
 * bpf_printk as programs write it: formats in .rodata, strings from .rodata and from the stack,
 * addresses on the stack and in the packet; every conversion proven by the verifier.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp/printk")
int printk_all(struct xdp_md *ctx)
{
	unsigned char *data = (void *)(long)ctx->data;
	unsigned char *data_end = (void *)(long)ctx->data_end;
	char local[8] = "stack";
	__u32 ip = 0x0100007f;

	if (data + 14 + 16 > data_end)
		return XDP_ABORTED;
	bpf_printk("len %d", (int)(data_end - data));
	bpf_printk("%s and %s", "rodata", local);
	bpf_printk("ip %pI4 %pI6", &ip, data + 14);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
