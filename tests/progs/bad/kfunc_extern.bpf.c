// SPDX-License-Identifier: GPL-2.0
/* Extern declarations that disagree with the BTF of tests/core/test_kfunc_btf.c's extension,
 * one kfunc per program: each load is refused naming the kfunc and the argument. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct ext_obj;

/* The extension's key is an unsigned 8-byte integer. */
extern struct ext_obj *kfb_get(__s64 key) __ksym;
/* Its size is 4 bytes. */
extern __u64 kfb_sum(const void *buf, __u64 buf__sz) __ksym;
/* It takes a pointer. */
extern __u64 kfb_value(__u64 o) __ksym;
/* It returns nothing. */
extern __u64 kfb_fill(void *out, __u32 out__sz) __ksym;
/* It takes one parameter. */
extern __u64 kfb_maybe(const struct ext_obj *o, __u64 extra) __ksym;

SEC("kfb")
int signed_key(void *ctx)
{
	return kfb_get(1) != 0;
}

SEC("kfb")
int wide_size(void *ctx)
{
	__u8 buf[4] = {};

	return kfb_sum(buf, sizeof(buf));
}

SEC("kfb")
int scalar_object(void *ctx)
{
	return kfb_value(1);
}

SEC("kfb")
int returns_value(void *ctx)
{
	__u8 out[4];

	return kfb_fill(out, sizeof(out));
}

SEC("kfb")
int extra_param(void *ctx)
{
	return kfb_maybe(0, 1);
}

char LICENSE[] SEC("license") = "GPL";
