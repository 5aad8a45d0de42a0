// SPDX-License-Identifier: GPL-2.0
/*
 * bpf-to-bpf calls: static and global __noinline subprograms in .text, a static one in a
 * program section, two programs in one section, and a function pointer passed to bpf_loop.
 * Subprograms that leave r0 unset at their exit: a void one, and one whose constant result
 * clang folds into its caller (it then drops the result from the subprogram).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

static __noinline int square(int x)
{
	return x * x;
}

__noinline int add_squares(int a, int b)
{
	return square(a) + square(b);
}

static __noinline int twice(int x)
{
	return x + x;
}

/* A static subprogram placed in a program section: called without a relocation. */
static __noinline __attribute__((section("sample_ext"))) int add_one(int x)
{
	return x + 1;
}

static __noinline void store_sum(int *out, int a, int b)
{
	*out = a + b;
}

static __noinline int swap_halves(__u32 *v)
{
	*v = (*v << 16) | (*v >> 16);
	return 7;
}

static int loop_step(__u32 index, void *arg)
{
	*(int *)arg += index;
	return 0;
}

SEC("sample_ext")
int sum_squares(void *ctx)
{
	return add_squares(3, 4);
}

SEC("sample_ext")
int twice_squared(void *ctx)
{
	return add_one(twice(square(5)));
}

SEC("sample_ext/loop")
int loop(void *ctx)
{
	int sum = 0;

	bpf_loop(4, loop_step, &sum, 0);
	return sum;
}

SEC("sample_ext/void")
int void_subprogs(void *ctx)
{
	__u32 v = 0x10002;
	int sum = 0;

	store_sum(&sum, 20, 22);
	return sum + swap_halves(&v) + v;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
