// SPDX-License-Identifier: GPL-2.0
/* Holds objects of tests/core/test_kfunc_btf.c's extension by reference: kfb_acquire(key)
 * returns one (or NULL) that the program reads and must give back with kfb_release on every
 * path; the host counts what is held. */
#include "kfunc_btf.h"

/* obj 1 (value 200, count 3) and obj 0 (value 100) held at once, both released: 303; a key
 * the extension has no object for gives NULL, which holds nothing. */
SEC("kfb")
int refs(void *ctx)
{
	struct ext_obj *a = kfb_acquire(1), *b, *none;
	__u64 r;

	if (!a)
		return 1;
	b = kfb_acquire(0);
	if (!b) {
		kfb_release(a);
		return 2;
	}
	none = kfb_acquire(7);
	if (none) {
		kfb_release(none);
		r = 1000;
	} else {
		r = 0;
	}
	r += a->value + a->count + b->value;
	kfb_release(b);
	kfb_release(a);
	return r;
}

/* A pointer obj 1 holds (obj 0: value 100), read while obj 1 (count 3) is held: 103. */
SEC("kfb")
int child_while_held(void *ctx)
{
	struct ext_obj *o = kfb_acquire(1), *n;
	__u64 r = 0;

	if (!o)
		return 1;
	n = o->next;
	if (n)
		r = n->value + o->count;
	kfb_release(o);
	return r;
}

char LICENSE[] SEC("license") = "GPL";
