// SPDX-License-Identifier: GPL-2.0
/*
 * Programs declared static, each alone in its own section, as Falco's probe declares its
 * tail-called fillers (its loader loads sections by name): each is a program. A static function
 * in a section that has a global program stays a subprogram.
 */
#define STATIC_PROG(sec) static __attribute__((section(sec), used, noinline))

STATIC_PROG("sample_ext/static_one") int static_one(void *ctx)
{
	return 1;
}

STATIC_PROG("sample_ext/static_two") int static_two(void *ctx)
{
	return 2;
}

STATIC_PROG("sample_ext/global") int beside_global(void *ctx)
{
	return 4;
}

__attribute__((section("sample_ext/global"), used)) int global_prog(void *ctx)
{
	return 3;
}

char LICENSE[] __attribute__((section("license"), used)) = "GPL";
