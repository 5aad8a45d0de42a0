// SPDX-License-Identifier: GPL-2.0
/* Calls functions by name (kfuncs) that tests/core/test_kfunc.c's extension exports to its
 * program type "kf": scalars, memory with its size (read and written), the context. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

extern __u64 kf_add(__u64 a, __u64 b) __ksym;
extern __u64 kf_sum(const void *buf, __u32 size) __ksym;
extern void kf_fill(void *buf, __u32 size) __ksym;
extern __u64 kf_ctx_value(void *ctx) __ksym;

/* kf_fill writes 1, 2, ... 8: kf_sum reads 36; plus the context's value. */
SEC("kf")
int calls(void *ctx)
{
	__u8 buf[8];

	kf_fill(buf, sizeof(buf));
	return kf_add(kf_sum(buf, sizeof(buf)), kf_ctx_value(ctx));
}

char LICENSE[] SEC("license") = "GPL";
