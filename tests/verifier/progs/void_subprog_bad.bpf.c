// SPDX-License-Identifier: GPL-2.0
/*
 * Unsafe twin of void_subprog_ok.bpf.c: the caller returns what a void function left in r0 (a
 * void function called through a pointer to a function returning int; clang folds any other use
 * of the undefined value away). Refused: r0 after the call is uninitialised. The shapes clang
 * does not make are in cases_calls.c (issue 20).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

typedef int (*int_fn)(int *p, int by);

static __attribute__((noinline)) void bump(int *p, int by)
{
	*p += by;
}

/* Returns the void function's "result". */
SEC("xdp")
int void_result_returned(struct xdp_md *ctx)
{
	int x = (int)ctx->ingress_ifindex;
	int_fn f = (int_fn)bump;

	return f(&x, 3);
}

char _license[] SEC("license") = "GPL";
