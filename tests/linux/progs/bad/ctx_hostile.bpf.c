// SPDX-License-Identifier: (MIT OR GPL-2.0)
/*
 * A hostile program author's attacks on the context (issue 20), written as raw instructions
 * because clang would not emit them: a moved context handed to helpers and tail calls, pointer
 * fields read narrow or moved, the flow keys reached past their end at a variable offset or
 * given a pointer, stores into sockets and read-only context bytes, atomics on the context,
 * the context as helper memory. Each program is refused for its reason; Linux 6.18 refuses
 * every one too (extbpf-kdiff).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define NAKED __attribute__((naked))

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} jumps SEC(".maps");

/* bpf_skb_load_bytes on the context moved by 8: the helper would read the wrong fields. */
SEC("tc")
NAKED int moved_ctx_load_bytes(void)
{
	asm volatile("r1 += 8; r2 = 0; r3 = r10; r3 += -8; r4 = 4; call %[load_bytes];"
		     "r0 = 0; exit;"
		     :
		     : [load_bytes] "i"(BPF_FUNC_skb_load_bytes)
		     : "memory");
}

/* bpf_skb_store_bytes on the context moved below its start. */
SEC("tc")
NAKED int moved_ctx_store_bytes(void)
{
	asm volatile("r1 += -8; r2 = 0; *(u64 *)(r10 - 8) = r2; r3 = r10; r3 += -8; r4 = 4;"
		     "r5 = 0; call %[store_bytes]; r0 = 0; exit;"
		     :
		     : [store_bytes] "i"(BPF_FUNC_skb_store_bytes)
		     : "memory");
}

/* A tail call hands the moved context to the next program as its context. */
SEC("tc")
NAKED int moved_ctx_tail_call(void)
{
	asm volatile("r1 += 160; r2 = %[jumps] ll; r3 = 0; call %[tail_call]; r0 = 0; exit;"
		     :
		     : [jumps] "i"(&jumps), [tail_call] "i"(BPF_FUNC_tail_call)
		     : "memory");
}

/* bpf_xdp_adjust_head on a moved xdp_md. */
SEC("xdp")
NAKED int moved_ctx_adjust_head(void)
{
	asm volatile("r1 += 4; r2 = 0; call %[adjust_head]; r0 = 2; exit;"
		     :
		     : [adjust_head] "i"(BPF_FUNC_xdp_adjust_head)
		     : "memory");
}

/* Four bytes of __sk_buff.sk, a pointer, read as a number. */
SEC("tc")
NAKED int sk_low_half(void)
{
	asm volatile("r0 = *(u32 *)(r1 + 168); r0 = 0; exit;" ::: "memory");
}

/* bpf_sk_lookup.sk's upper half. */
SEC("sk_lookup")
NAKED int lookup_sk_high_half(void)
{
	asm volatile("r0 = *(u32 *)(r1 + 4); r0 = 0; exit;" ::: "memory");
}

/* The flow keys (56 bytes) at a masked offset of up to 63. */
SEC("flow_dissector")
NAKED int keys_variable_past_end(void)
{
	asm volatile("r6 = r1; call %[prandom]; r2 = *(u64 *)(r6 + 144); r0 &= 63; r2 += r0;"
		     "r0 = *(u8 *)(r2 + 0); r0 = 0; exit;"
		     :
		     : [prandom] "i"(BPF_FUNC_get_prandom_u32)
		     : "memory");
}

/* The context's address added into the flow keys. */
SEC("flow_dissector")
NAKED int keys_atomic_add_pointer(void)
{
	asm volatile("r2 = *(u64 *)(r1 + 144); lock *(u64 *)(r2 + 0) += r1; r0 = 0; exit;" ::
			 : "memory");
}

/* sk_msg's socket moved to another field. */
SEC("sk_msg")
NAKED int msg_sk_moved(void)
{
	asm volatile("r2 = *(u64 *)(r1 + 72); r2 += 8; r0 = *(u32 *)(r2 + 0); r0 = 1; exit;" ::
			 : "memory");
}

/* A store into sk_msg's socket. */
SEC("sk_msg")
NAKED int msg_sk_store(void)
{
	asm volatile("r2 = *(u64 *)(r1 + 72); r3 = 1; *(u32 *)(r2 + 4) = r3; r0 = 1; exit;" ::
			 : "memory");
}

/* bpf_sock_ops's reply (writable) and the read-only bytes after it in one store. */
SEC("sockops")
NAKED int sockops_store_past_reply(void)
{
	asm volatile("r2 = 0; *(u64 *)(r1 + 16) = r2; r0 = 1; exit;" ::: "memory");
}

/* bpf_sock_addr.sk overwritten. */
SEC("cgroup/connect4")
NAKED int connect_sk_overwritten(void)
{
	asm volatile("r2 = 0; *(u64 *)(r1 + 64) = r2; r0 = 1; exit;" ::: "memory");
}

/* An atomic add on __sk_buff.cb[0]. */
SEC("tc")
NAKED int ctx_atomic_add(void)
{
	asm volatile("r2 = 1; lock *(u32 *)(r1 + 48) += w2; r0 = 0; exit;" ::: "memory");
}

/* bpf_probe_read_kernel writing over __sk_buff.sk. */
SEC("tc")
NAKED int ctx_as_helper_memory(void)
{
	asm volatile("r1 += 168; r2 = 8; r3 = 0; call %[probe_read]; r0 = 0; exit;"
		     :
		     : [probe_read] "i"(BPF_FUNC_probe_read_kernel)
		     : "memory");
}

char LICENSE[] SEC("license") = "GPL";
