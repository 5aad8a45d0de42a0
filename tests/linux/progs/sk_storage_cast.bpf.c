// SPDX-License-Identifier: (MIT OR GPL-2.0)
/*
 * tc: the storage of a bpf_skc_to_* cast, which Linux's ARG_PTR_TO_BTF_ID_SOCK_COMMON takes
 * (apart from skc_cast.bpf.c, whose maps must all exist outside verification).
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include "skc_types.h"
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, __u64);
} cast_marks SEC(".maps");

SEC("tc")
int tc_storage_of_cast(struct __sk_buff *skb)
{
	struct bpf_sock *sk = skb->sk;
	struct tcp_sock *tp;
	__u64 *v;

	if (!sk)
		return TC_ACT_OK;
	tp = bpf_skc_to_tcp_sock(sk);
	if (!tp)
		return TC_ACT_OK;
	v = bpf_sk_storage_get(&cast_marks, tp, 0, BPF_SK_STORAGE_GET_F_CREATE);
	if (v)
		*v = tp->snd_cwnd;
	return TC_ACT_OK;
}

char _license[] SEC("license") = "GPL";
