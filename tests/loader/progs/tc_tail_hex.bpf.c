// SPDX-License-Identifier: GPL-2.0
/*
 * iproute2's tail-call sections with ids written in hex and octal: __section_tail(0x2a, 0)
 * makes the section "0x2a/0" (iproute2's bpf_cyclic.c uses 0xabccba), and tc reads both
 * numbers with "%i". Both sections fill the program array whose id is 42, and both take the
 * type of the classifier that comes after them.
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

struct bpf_elf_map {
	__u32 type;
	__u32 size_key;
	__u32 size_value;
	__u32 max_elem;
	__u32 flags;
	__u32 id;
	__u32 pinning;
	__u32 inner_id;
	__u32 inner_idx;
};

struct bpf_elf_map SEC("maps") jmp_hex = {
	.type = BPF_MAP_TYPE_PROG_ARRAY,
	.size_key = sizeof(__u32),
	.size_value = sizeof(__u32),
	.max_elem = 2,
	.id = 42,
};

SEC("0x2a/0")
int hex_tail(struct __sk_buff *skb)
{
	bpf_tail_call(skb, &jmp_hex, 1);
	return TC_ACT_OK;
}

SEC("052/01")
int octal_tail(struct __sk_buff *skb)
{
	return TC_ACT_SHOT;
}

SEC("classifier")
int hex_main(struct __sk_buff *skb)
{
	bpf_tail_call(skb, &jmp_hex, 0);
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
