/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Misuses of open-coded iterators, each refused: the bodies of the unsafe twins that
 * tests/progs/bad/iter_num_bad.bpf.c (extbpf's sample type, tests/core/test_iter_num.c) and
 * tests/verifier/progs/iter_bad.bpf.c (XDP, compared with the kernel's verdicts) wrap. `n` is
 * a number from the context, unknown at verification; hist a 16-entry array of global data.
 */
#ifndef EXTBPF_TESTS_ITER_NUM_TWINS_H
#define EXTBPF_TESTS_ITER_NUM_TWINS_H

#include "iter_num.h"

__u32 iter_hist[16];

/* Never destroyed: the iterator outlives the program. */
static __always_inline int twin_no_destroy(void)
{
	struct bpf_iter_num it;
	int n = 0;

	bpf_iter_num_new(&it, 0, 10);
	while (bpf_iter_num_next(&it))
		n++;
	return n & 1;
}

static __always_inline int twin_destroy_twice(void)
{
	struct bpf_iter_num it;

	bpf_iter_num_new(&it, 0, 10);
	bpf_iter_num_destroy(&it);
	bpf_iter_num_destroy(&it);
	return 0;
}

static __always_inline int twin_next_uninitialised(void)
{
	struct bpf_iter_num it;
	int *v = bpf_iter_num_next(&it);

	return v ? 1 : 0;
}

static __always_inline int twin_new_twice(void)
{
	struct bpf_iter_num it;

	bpf_iter_num_new(&it, 0, 10);
	bpf_iter_num_new(&it, 0, 20);
	bpf_iter_num_destroy(&it);
	return 0;
}

/* A store over the live iterator (its counter would restart). */
static __always_inline int twin_overwrite_live(void)
{
	struct bpf_iter_num it;
	int n = 0;

	bpf_iter_num_new(&it, 0, 10);
	while (bpf_iter_num_next(&it)) {
		*(volatile __u64 *)&it = 0;
		n++;
	}
	bpf_iter_num_destroy(&it);
	return n & 1;
}

/* Reads the iterator's bytes (a copy of it). */
static __always_inline int twin_read_live(void)
{
	struct bpf_iter_num it;
	__u64 raw;

	bpf_iter_num_new(&it, 0, 10);
	raw = *(volatile __u64 *)&it;
	bpf_iter_num_destroy(&it);
	return raw & 1;
}

/* *v where v may be NULL (n may be 0). */
static __always_inline int twin_no_null_check(int n)
{
	struct bpf_iter_num it;
	int *v, r;

	bpf_iter_num_new(&it, 0, n);
	v = bpf_iter_num_next(&it);
	r = *v;
	bpf_iter_num_destroy(&it);
	return r & 1;
}

/* The value indexes the 16 entries, but the iterator gives up to n - 1. */
static __always_inline int twin_index_unchecked(int n)
{
	struct bpf_iter_num it;
	int *v;

	bpf_iter_num_new(&it, 0, n);
	while ((v = bpf_iter_num_next(&it)))
		iter_hist[*v] += 1;
	bpf_iter_num_destroy(&it);
	return 0;
}

/* Values 0..16: one past the end. */
static __always_inline int twin_index_one_past(void)
{
	struct bpf_iter_num it;
	int *v;

	bpf_iter_num_new(&it, 0, 17);
	while ((v = bpf_iter_num_next(&it)))
		iter_hist[*v] += 1;
	bpf_iter_num_destroy(&it);
	return 0;
}

/* An iterator 4 bytes into a slot, straddling two. */
static __always_inline int twin_misaligned(void)
{
	__u64 buf[3] = {};
	struct bpf_iter_num *it = (void *)((char *)buf + 4);

	bpf_iter_num_new(it, 0, 10);
	bpf_iter_num_destroy(it);
	return 0;
}

/* The value pointer kept after the iterator is gone. */
static __always_inline int twin_value_after_destroy(void)
{
	struct bpf_iter_num it;
	int *v, r = 0;

	bpf_iter_num_new(&it, 0, 10);
	v = bpf_iter_num_next(&it);
	bpf_iter_num_destroy(&it);
	if (v)
		r = *v;
	return r & 1;
}

/* The loop goes on after NULL: it never ends. */
static __always_inline int twin_loop_after_drained(void)
{
	struct bpf_iter_num it;
	int n = 0;

	bpf_iter_num_new(&it, 0, 10);
	for (;;) {
		if (!bpf_iter_num_next(&it))
			n++;
		if (n < 0)
			break;
	}
	bpf_iter_num_destroy(&it);
	return n & 1;
}

/* Stores through the value (it is the iterator's counter). */
static __always_inline int twin_write_value(void)
{
	struct bpf_iter_num it;
	int *v;

	bpf_iter_num_new(&it, 0, 10);
	while ((v = bpf_iter_num_next(&it)))
		*v = 0;
	bpf_iter_num_destroy(&it);
	return 0;
}

/* A legacy packet load (it ends the program when out of the packet) while the iterator is live:
 * the program would end holding it. The context must be in r6: skb. */
unsigned long long load_byte(void *skb, unsigned long long off) asm("llvm.bpf.load.byte");

static __always_inline int twin_ld_abs_live(void *skb)
{
	struct bpf_iter_num it;
	int n = 0;

	bpf_iter_num_new(&it, 0, 10);
	while (bpf_iter_num_next(&it))
		n += (int)load_byte(skb, 0);
	bpf_iter_num_destroy(&it);
	return n & 1;
}

#endif /* EXTBPF_TESTS_ITER_NUM_TWINS_H */
