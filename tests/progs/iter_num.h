/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Open-coded numeric iterators as a program declares them (Debian's libbpf 1.1.2 has neither
 * the kfuncs' prototypes nor bpf_for / bpf_repeat): the core offers the three kfuncs to every
 * program type. The macros give `i` each value of [start, end) in turn, and destroy the
 * iterator however the loop is left (the cleanup attribute).
 */
#ifndef EXTBPF_TESTS_ITER_NUM_H
#define EXTBPF_TESTS_ITER_NUM_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct bpf_iter_num {
	__u64 __opaque[1];
} __attribute__((aligned(8)));

extern int bpf_iter_num_new(struct bpf_iter_num *it, int start, int end) __ksym;
extern int *bpf_iter_num_next(struct bpf_iter_num *it) __ksym;
extern void bpf_iter_num_destroy(struct bpf_iter_num *it) __ksym;

/* One step: the next value in *i, checked against the bounds as a program must on Linux. */
static __always_inline int iter_num_step(struct bpf_iter_num *it, int *i, int start, int end)
{
	int *v = bpf_iter_num_next(it);

	if (!v)
		return 0;
	*i = *v;
	return *i >= start && *i < end;
}

/* The iterator lives in the loop's scope; naming destroy keeps its extern referenced. */
#define iter_num_scope(start, end)                                                                 \
	struct bpf_iter_num __it __attribute__((cleanup(bpf_iter_num_destroy))),                   \
	    *__once __attribute__((unused)) =                                                      \
		(bpf_iter_num_new(&__it, (start), (end)), (void)bpf_iter_num_destroy, (void *)0)

#define bpf_for(i, start, end)                                                                     \
	for (iter_num_scope(start, end); iter_num_step(&__it, &(i), (start), (end));)

#define bpf_repeat(n) for (iter_num_scope(0, n); bpf_iter_num_next(&__it);)

#endif /* EXTBPF_TESTS_ITER_NUM_H */
