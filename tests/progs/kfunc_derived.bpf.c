// SPDX-License-Identifier: GPL-2.0
/* Calls kfuncs that tests/core/test_kfunc_btf.c's extension exports by name and BTF alone (the
 * argument kinds derived from its BTF FUNCs): kfb_get returns one of its objects or NULL,
 * kfb_value takes one, kfb_maybe takes one or NULL (o__nullable), kfb_sum reads memory of
 * buf__sz bytes and kfb_fill writes out__sz bytes. */
#include "kfunc_btf.h"

/* kfb_value(obj 1) 200 + its count 3 + kfb_maybe(obj 1) 3 + kfb_maybe(NULL) 1000 + kfb_maybe of
 * a pointer not yet checked (obj 0: 7) + the sum of what kfb_fill wrote (4 * 5) = 1233. */
SEC("kfb")
int derived(void *ctx)
{
	__u8 out[4];
	struct ext_obj *o = kfb_get(1);
	__u64 r = kfb_maybe(kfb_get(0));

	if (!o)
		return 1;
	kfb_fill(out, sizeof(out));
	return kfb_value(o) + o->count + kfb_maybe(o) + kfb_maybe(0) + r +
	       out[0] + out[1] + out[2] + out[3];
}

char LICENSE[] SEC("license") = "GPL";
