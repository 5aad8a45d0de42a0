// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_trace_printk with its format built on the stack (char fmt[] = "..."), as the kernel's
 * samples/bpf, prototype-kernel and Suricata print: clang stores the string's tail as a narrow
 * constant and then its NUL byte beside it, and the verifier must still know every byte.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u32);
} jmp_table SEC(".maps");

#define stack_printk(fmt, ...)                                                                     \
	({                                                                                         \
		char ____fmt[] = fmt;                                                              \
		bpf_trace_printk(____fmt, sizeof(____fmt), ##__VA_ARGS__);                         \
	})

/* The samples' shape: clang keeps the zero in a register for the code after the call and
 * stores the string's last two characters, then its NUL beside them. */
SEC("xdp")
int fmt_tail_u16(struct xdp_md *ctx)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;
	struct ethhdr *eth = data;

	stack_printk("XDP: Killroy was here! %d\n", 42);
	if ((void *)(eth + 1) > data_end)
		return XDP_ABORTED;
	bpf_tail_call(ctx, &jmp_table, 1);
	stack_printk("XDP: jmp_table empty, reached fall-through action\n");
	return XDP_PASS;
}

SEC("xdp")
int fmt_tail_u32(struct xdp_md *ctx)
{
	stack_printk("queue %u of %d\n", ctx->rx_queue_index, 7);
	return XDP_PASS;
}

SEC("xdp")
int fmt_tail_u8(struct xdp_md *ctx)
{
	stack_printk("ifindex %u\n", ctx->ingress_ifindex);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
