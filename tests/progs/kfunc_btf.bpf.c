// SPDX-License-Identifier: GPL-2.0
/* Calls kfuncs typed by the BTF of tests/core/test_kfunc_btf.c's extension: kfb_get returns one
 * of its objects (struct ext_obj *) or NULL, kfb_value takes one, kfb_sum takes memory and its
 * size (buf, buf__sz). Loads through the returned pointers are checked against the extension's
 * layout of struct ext_obj. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct ext_obj {
	__u64 value;
	__u32 count;
	__u32 pad;
	struct ext_obj *next;
};

extern struct ext_obj *kfb_get(__u64 key) __ksym;
extern __u64 kfb_value(const struct ext_obj *o) __ksym;
extern __u64 kfb_sum(const void *buf, __u32 buf__sz) __ksym;

/* Object 1 (value 200, count 3) points to object 0 (value 100, count 7), which points nowhere:
 * 200 + 3 + 100 + 7 + (1 + 2 + 3 + 4) = 320. */
SEC("kfb")
int calls(void *ctx)
{
	__u8 buf[4] = { 1, 2, 3, 4 };
	struct ext_obj *o = kfb_get(1), *n;

	if (!o)
		return 1;
	if (kfb_get(5))
		return 2;
	n = o->next;
	if (!n)
		return 3;
	if (n->next)
		return 4;
	return kfb_value(o) + o->count + kfb_value(n) + n->count + kfb_sum(buf, sizeof(buf));
}

char LICENSE[] SEC("license") = "GPL";
