// SPDX-License-Identifier: (MIT OR GPL-2.0)
/*
 * Suricata-style socket filter (its cluster/bypass filters attach to AF_PACKET sockets): the
 * legacy packet loads ld_abs / ld_ind, as the kernel's samples/bpf writes them through LLVM's
 * intrinsics and inline assembly. Accepts IPv4 TCP to ports 80 and 443, or to 10/8, and counts
 * per protocol.
 */
#include <stddef.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <bpf/bpf_helpers.h>

unsigned long long load_byte(void *skb, unsigned long long off) asm("llvm.bpf.load.byte");
unsigned long long load_half(void *skb, unsigned long long off) asm("llvm.bpf.load.half");
unsigned long long load_word(void *skb, unsigned long long off) asm("llvm.bpf.load.word");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 256);
	__type(key, __u32);
	__type(value, __u64);
} proto_count SEC(".maps");

/*
 * ld_ind: a half word at index + imm, index in a register (the classic BPF "X" register). LLVM's
 * assembler only takes the register form, so the offset is added to the index first. The
 * legacy loads expect the context in r6.
 */
static __always_inline __u32 load_half_ind(struct __sk_buff *skb, __u64 index)
{
	__u64 ret;

	asm volatile("r6 = %[skb]\n\t"
		     "r0 = *(u16 *)skb[%[index]]\n\t"
		     "%[ret] = r0"
		     : [ret] "=r"(ret)
		     : [skb] "r"(skb), [index] "r"(index)
		     : "r0", "r1", "r2", "r3", "r4", "r5", "r6");
	return ret;
}

SEC("socket")
int suricata_bypass(struct __sk_buff *skb)
{
	__u32 proto, ihl, dport, key;
	__u64 *count;

	if (load_half(skb, offsetof(struct ethhdr, h_proto)) != ETH_P_IP)
		return 0;
	/* Fragments other than the first carry no L4 header. */
	if (load_half(skb, ETH_HLEN + offsetof(struct iphdr, frag_off)) & 0x1fff)
		return 0;
	proto = load_byte(skb, ETH_HLEN + offsetof(struct iphdr, protocol));
	key = proto;
	count = bpf_map_lookup_elem(&proto_count, &key);
	if (count)
		*count += 1;
	if (proto != IPPROTO_TCP)
		return 0;
	ihl = (load_byte(skb, ETH_HLEN) & 0x0f) << 2;
	dport = load_half_ind(skb, ETH_HLEN + ihl + 2);
	if (dport == 80 || dport == 443)
		return skb->len;
	/* A word load: other ports only towards the monitored network 10/8. */
	if ((load_word(skb, ETH_HLEN + offsetof(struct iphdr, daddr)) >> 24) == 10)
		return skb->len;
	return 0;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
