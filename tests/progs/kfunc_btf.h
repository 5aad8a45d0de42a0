/* SPDX-License-Identifier: GPL-2.0 */
/* The objects and kfuncs of tests/core/test_kfunc_btf.c's extension, as its programs declare
 * them (tests/progs/kfunc_btf.bpf.c, kfunc_derived.bpf.c and their twins in bad/). */
#ifndef KFUNC_BTF_H
#define KFUNC_BTF_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct ext_obj {
	__u64 value;
	__u32 count;
	__u32 pad;
	struct ext_obj *next;
};

struct ext_other {
	__u64 x;
};

extern struct ext_obj *kfb_get(__u64 key) __ksym;
extern struct ext_other *kfb_other(void) __ksym;
extern __u64 kfb_value(const struct ext_obj *o) __ksym;
extern __u64 kfb_sum(const void *buf, __u32 buf__sz) __ksym;
/* Exported by name and BTF alone (test_kfunc_btf.c's kfb_derived): */
extern __u64 kfb_maybe(const struct ext_obj *o__nullable) __ksym;
extern void kfb_fill(void *out, __u32 out__sz) __ksym;
/* A reference pair (EBPF_KFUNC_ACQUIRE / EBPF_KFUNC_RELEASE, test_kfunc_btf.c's kfb_derived):
 * kfb_acquire(key) holds one of the extension's objects until kfb_release gives it back. */
extern struct ext_obj *kfb_acquire(__u64 key) __ksym;
extern void kfb_release(struct ext_obj *o) __ksym;

#endif
