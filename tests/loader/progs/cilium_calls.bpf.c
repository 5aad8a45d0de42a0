// SPDX-License-Identifier: GPL-2.0
/*
 * Cilium's tail-call table: a program array pinned CILIUM_PIN_REPLACE (1 << 4), which its
 * agent never takes from a pin (each load creates it afresh and replaces the pin later), the
 * entry program in "tc/entry" and the tail calls in "tc/tail", each tagged with its slot.
 * A map pinned by name beside it is shared as usual.
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#define PIN_REPLACE (1 << 4)
#define CALL_IPV4   5
#define CALL_IPV6   9

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(max_entries, 16);
	__uint(pinning, PIN_REPLACE);
	__array(values, int());
} calls_table SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} calls_seen SEC(".maps");

static __always_inline void count(__u32 key)
{
	__u64 *n = bpf_map_lookup_elem(&calls_seen, &key);

	if (n)
		__sync_fetch_and_add(n, 1);
}

SEC("tc/tail")
__attribute__((btf_decl_tag("tail:calls_table/5"))) int tail_ipv4(struct __sk_buff *skb)
{
	count(0);
	return TC_ACT_OK;
}

SEC("tc/tail")
__attribute__((btf_decl_tag("tail:calls_table/9"))) int tail_ipv6(struct __sk_buff *skb)
{
	count(1);
	return TC_ACT_OK;
}

SEC("tc/entry")
int from_container(struct __sk_buff *skb)
{
	bpf_tail_call(skb, &calls_table,
		      skb->protocol == bpf_htons(0x86dd) ? CALL_IPV6 : CALL_IPV4);
	return TC_ACT_SHOT; /* the slot is empty */
}

char LICENSE[] SEC("license") = "GPL";
