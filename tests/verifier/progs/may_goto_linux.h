/* SPDX-License-Identifier: GPL-2.0 */
/* What may_goto_linux.bpf.c and its twins (may_goto_linux_bad.bpf.c) loop over. */
#ifndef MAY_GOTO_LINUX_H
#define MAY_GOTO_LINUX_H

#include "loops.h"
#include "may_goto.h"

/* Keeps the compiler from proving i's range or folding a loop away. */
#define opaque(x) asm volatile("" : "+r"(x))

#define ARR_LEN 100000

char LICENSE[] SEC("license") = "GPL";

int gvar = 5;
__u32 zero;
__u8 arr[ARR_LEN];

/*
 * Linux's may_goto_c_code: three short loops over a stack array, each bounded by its count and
 * the budget. The first writes the array, had the budget not cut it: the verifier does not
 * model the budget, so the third reads it as possibly unwritten unless tmp_init wrote it
 * first. gvar 5: tmp = {5, 4, 3}, returns 12.
 */
#define THREE_LOOPS(tmp_init)                                                                      \
	do {                                                                                       \
		int i, tmp[3] tmp_init;                                                            \
                                                                                                   \
		for (i = 0; i < 3 && can_loop; i++)                                                \
			tmp[i] = 0;                                                                \
		for (i = 0; i < 3 && can_loop; i++)                                                \
			tmp[i] = gvar - i;                                                         \
		for (i = 0; i < 3 && can_loop; i++)                                                \
			gvar += tmp[i];                                                            \
		return gvar - 5;                                                                   \
	} while (0)

/* A bpf_loop callback counting the laps its budget allows in the caller's u64 at data. */
static int count_to_budget(__u32 idx, void *data)
{
	__u64 *n = data;

	for (;;) {
		cond_break;
		(*n)++;
	}
	return 0;
}

#endif
