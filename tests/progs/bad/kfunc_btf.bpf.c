// SPDX-License-Identifier: GPL-2.0
/* The unsafe twins of tests/progs/kfunc_btf.bpf.c, one program each: every one must be refused
 * with the argument or the access named. */
#include "kfunc_btf.h"

/* A pointer to another struct of the extension. */
SEC("kfb")
int wrong_type(void *ctx)
{
	struct ext_other *x = kfb_other();

	if (!x)
		return 0;
	return kfb_value((const struct ext_obj *)x);
}

/* The stack where an object is expected. */
SEC("kfb")
int stack_as_object(void *ctx)
{
	struct ext_obj fake = {};

	return kfb_value(&fake);
}

/* A load through the returned pointer before checking it against NULL. */
SEC("kfb")
int unchecked_null(void *ctx)
{
	return kfb_get(0)->count;
}

/* The returned pointer, maybe NULL, passed on unchecked. */
SEC("kfb")
int null_to_kfunc(void *ctx)
{
	return kfb_value(kfb_get(0));
}

/* A pointer an object holds may be NULL too. */
SEC("kfb")
int unchecked_member(void *ctx)
{
	struct ext_obj *o = kfb_get(0);

	if (!o)
		return 0;
	return o->next->count;
}

/* Beyond the extension's struct ext_obj (24 bytes). */
SEC("kfb")
int out_of_bounds(void *ctx)
{
	struct ext_obj *o = kfb_get(0);

	if (!o)
		return 0;
	return *(volatile __u64 *)((char *)o + 24);
}

/* The extension's objects are read-only to programs. */
SEC("kfb")
int store_through(void *ctx)
{
	struct ext_obj *o = kfb_get(0);

	if (!o)
		return 0;
	o->count = 1;
	return 0;
}

/* A pointer into the middle of an object. */
SEC("kfb")
int moved_pointer(void *ctx)
{
	struct ext_obj *o = kfb_get(0);

	if (!o)
		return 0;
	return kfb_value((const struct ext_obj *)((char *)o + 8));
}

/* A size beyond the buffer. */
SEC("kfb")
int size_beyond_buffer(void *ctx)
{
	volatile __u8 buf[4] = { 1, 2, 3, 4 };
	__u32 size = 16;

	asm volatile("" : "+r"(size));
	return kfb_sum((const void *)buf, size);
}

/* A number where an object is expected. */
SEC("kfb")
int scalar_as_pointer(void *ctx)
{
	__u8 buf[4] = { 1, 2, 3, 4 };

	return kfb_value((const struct ext_obj *)(unsigned long)kfb_sum(buf, sizeof(buf)));
}

/* The low half of the object's `next`, a host address, read as a number. */
SEC("kfb")
int pointer_low_half(void *ctx)
{
	struct ext_obj *o = kfb_get(0);

	if (!o)
		return 0;
	return *(volatile __u32 *)((char *)o + 16);
}

/* Two bytes of its high half. */
SEC("kfb")
int pointer_high_bytes(void *ctx)
{
	struct ext_obj *o = kfb_get(1);

	if (!o)
		return 0;
	return *(volatile __u16 *)((char *)o + 20);
}

/* Eight bytes across `pad` and half of `next`: no one member holds them. */
SEC("kfb")
int across_members(void *ctx)
{
	struct ext_obj *o = kfb_get(1);

	if (!o)
		return 0;
	return *(volatile __u64 *)((char *)o + 12) >> 32;
}

/* Two objects' addresses compared: the outcome says how the extension placed them. */
SEC("kfb")
int compare_objects(void *ctx)
{
	struct ext_obj *a = kfb_get(0), *b;

	if (!a)
		return 0;
	b = kfb_get(1);
	if (!b)
		return 0;
	return a < b;
}

/* An object and the one its `next` points to. */
SEC("kfb")
int compare_with_next(void *ctx)
{
	struct ext_obj *o = kfb_get(1), *n;

	if (!o)
		return 0;
	n = o->next;
	if (!n)
		return 0;
	return n > o ? 1 : 2;
}

char LICENSE[] SEC("license") = "GPL";
