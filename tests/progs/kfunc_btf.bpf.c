// SPDX-License-Identifier: GPL-2.0
/* Calls kfuncs typed by the BTF of tests/core/test_kfunc_btf.c's extension: kfb_get returns one
 * of its objects (struct ext_obj *) or NULL, kfb_value takes one, kfb_sum takes memory and its
 * size (buf, buf__sz). Loads through the returned pointers are checked against the extension's
 * layout of struct ext_obj. */
#include "kfunc_btf.h"

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
