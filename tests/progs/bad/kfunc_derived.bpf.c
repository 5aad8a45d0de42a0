// SPDX-License-Identifier: GPL-2.0
/* The unsafe twins of tests/progs/kfunc_derived.bpf.c, one program each: kinds derived from
 * the extension's BTF must refuse what the same kinds given by hand refuse. */
#include "kfunc_btf.h"

/* Not __nullable: a pointer that may be NULL must be checked first. */
SEC("kfb")
int unchecked_value(void *ctx)
{
	return kfb_value(kfb_get(1));
}

/* __nullable takes NULL, not any number. */
SEC("kfb")
int number_as_nullable(void *ctx)
{
	return kfb_maybe((const struct ext_obj *)8);
}

/* __nullable takes NULL, not the stack. */
SEC("kfb")
int stack_as_nullable(void *ctx)
{
	struct ext_obj fake = {};

	return kfb_maybe(&fake);
}

/* __nullable still wants the object itself, not a pointer inside it. */
SEC("kfb")
int moved_nullable(void *ctx)
{
	struct ext_obj *o = kfb_get(1);

	if (!o)
		return 0;
	return kfb_maybe((const struct ext_obj *)((const char *)o + 8));
}

/* out__sz beyond the memory kfb_fill writes. */
SEC("kfb")
int fill_beyond(void *ctx)
{
	__u8 out[4];
	volatile __u32 n = 8;

	kfb_fill(out, n > 8 ? 8 : n);
	return out[0];
}

/* kfb_fill writes: not into one of the extension's objects, which are read-only. */
SEC("kfb")
int fill_object(void *ctx)
{
	struct ext_obj *o = kfb_get(1);

	if (!o)
		return 0;
	kfb_fill(o, 8);
	return 0;
}

/* A size that is not bounded. */
SEC("kfb")
int sum_unbounded(void *ctx)
{
	__u8 buf[4] = { 1, 2, 3, 4 };
	struct ext_obj *o = kfb_get(1);

	if (!o)
		return 0;
	return kfb_sum(buf, o->count);
}

char LICENSE[] SEC("license") = "GPL";
