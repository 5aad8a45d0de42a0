// SPDX-License-Identifier: GPL-2.0
/*
 * An object written for iproute2's tc: struct bpf_elf_map definitions with ids, pinning and a
 * map of maps by inner_id/inner_idx, a classifier whose tail calls go to the "ID/IDX" sections
 * that fill the program array with id JMP_ID.
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

#define PIN_NONE      0
#define PIN_OBJECT_NS 1
#define PIN_GLOBAL_NS 2

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

#define JMP_ID	 1
#define INNER_ID 7

struct bpf_elf_map SEC("maps") jmp_tc = {
	.type = BPF_MAP_TYPE_PROG_ARRAY,
	.size_key = sizeof(__u32),
	.size_value = sizeof(__u32),
	.max_elem = 4,
	.id = JMP_ID,
	.pinning = PIN_OBJECT_NS,
	.inner_idx = -1,
};

struct bpf_elf_map SEC("maps") tc_counts = {
	.type = BPF_MAP_TYPE_ARRAY,
	.size_key = sizeof(__u32),
	.size_value = sizeof(__u64),
	.max_elem = 2,
	.pinning = PIN_GLOBAL_NS,
	.inner_idx = -1,
};

struct bpf_elf_map SEC("maps") tc_inner = {
	.type = BPF_MAP_TYPE_ARRAY,
	.size_key = sizeof(__u32),
	.size_value = sizeof(__u32),
	.max_elem = 1,
	.id = INNER_ID,
	.inner_idx = 2,
};

struct bpf_elf_map SEC("maps") tc_outer = {
	.type = BPF_MAP_TYPE_ARRAY_OF_MAPS,
	.size_key = sizeof(__u32),
	.size_value = sizeof(__u32),
	.max_elem = 3,
	.inner_id = INNER_ID,
	.inner_idx = -1,
};

SEC("1/0")
int tc_tail0(struct __sk_buff *skb)
{
	return TC_ACT_OK;
}

SEC("1/3")
int tc_tail3(struct __sk_buff *skb)
{
	return TC_ACT_SHOT;
}

SEC("classifier")
int tc_main(struct __sk_buff *skb)
{
	__u32 key = 0, slot = 2;
	__u64 *count = bpf_map_lookup_elem(&tc_counts, &key);
	void *inner = bpf_map_lookup_elem(&tc_outer, &slot);

	if (count)
		__sync_fetch_and_add(count, 1);
	if (inner && bpf_map_lookup_elem(inner, &key))
		return TC_ACT_UNSPEC;
	bpf_tail_call(skb, &jmp_tc, skb->len & 3);
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
