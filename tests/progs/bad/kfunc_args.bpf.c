// SPDX-License-Identifier: GPL-2.0
/* Calls of tests/core/test_kfunc.c's kfuncs with wrong arguments, one program each: every one
 * must be refused (the twins of tests/progs/kfunc_calls.bpf.c). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

extern __u64 kf_add(__u64 a, __u64 b) __ksym;
extern __u64 kf_sum(const void *buf, __u32 size) __ksym;
extern void kf_fill(void *buf, __u32 size) __ksym;
extern __u64 kf_ctx_value(void *ctx) __ksym;
extern __u64 kf_missing(void) __ksym;

/* A number where memory is expected. */
SEC("kf")
int scalar_as_memory(void *ctx)
{
	return kf_sum((const void *)(unsigned long)kf_ctx_value(ctx), 8);
}

/* A size beyond the buffer. */
SEC("kf")
int size_beyond_buffer(void *ctx)
{
	volatile __u8 buf[4] = { 1, 2, 3, 4 };
	__u32 size = 16;

	asm volatile("" : "+r"(size));
	return kf_sum((const void *)buf, size);
}

/* A size the verifier cannot bound. */
SEC("kf")
int unbounded_size(void *ctx)
{
	__u8 buf[8] = {};

	return kf_sum(buf, (__u32)kf_ctx_value(ctx));
}

/* Memory never written, read. */
SEC("kf")
int uninitialised_memory(void *ctx)
{
	__u8 buf[8];

	asm volatile("" : : "r"(buf) : "memory");
	return kf_sum(buf, sizeof(buf));
}

/* Stack memory where the context is expected. */
SEC("kf")
int stack_as_context(void *ctx)
{
	__u64 fake[2] = {};

	return kf_ctx_value(fake);
}

/* A pointer where a number is expected (it would leak the stack's address). */
SEC("kf")
int pointer_as_scalar(void *ctx)
{
	__u64 x = 0;

	return kf_add((__u64)(unsigned long)&x, 1);
}

/* Writable memory in the context, which the type keeps read-only. */
SEC("kf")
int fill_context(void *ctx)
{
	kf_fill(ctx, 8);
	return 0;
}

/* A name the program type does not offer. */
SEC("kf")
int missing(void *ctx)
{
	return kf_missing();
}

char LICENSE[] SEC("license") = "GPL";
