// SPDX-License-Identifier: GPL-2.0
/*
 * No SEC() at all: every function is in .text. Its global functions are the object's programs
 * (section ".text"), as older libbpf loaded them; the program type is the user's to give.
 */
static __attribute__((noinline)) int text_helper(int x)
{
	return x * 3;
}

int text_main(void *ctx)
{
	return text_helper((int)(long)ctx);
}

int text_other(void *ctx)
{
	return 1;
}
