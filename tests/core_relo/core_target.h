/* SPDX-License-Identifier: MIT */
/*
 * The "running" layout of the CO-RE test types: what the target BTF (progs/core_target.bpf.c)
 * describes and what the host test builds its input from. The programs (progs/core_*.bpf.c)
 * were "compiled against" another layout, their own local definitions: fields moved, resized,
 * reordered, added and removed, enum values changed.
 */
#ifndef EXTBPF_TESTS_CORE_TARGET_H
#define EXTBPF_TESTS_CORE_TARGET_H

struct core_inner {
	long long pad;
	int b;
	int a; /* after b here, before it in the programs */
};

struct core_s {
	long long lead;	    /* new: shifts everything */
	unsigned int small; /* the programs have unsigned short: loads widen */
	int x;
	struct core_inner in;
	unsigned int pad_bits : 7;
	unsigned int flag : 3;
	int sflag : 5; /* signed */
	int arr[6];    /* the programs have 4 */
	union {
		int u1;
		long long u2;
	};
	/* no 'gone' */
};

enum core_e {
	CORE_B = 20,
	CORE_A = 10,
	/* no CORE_GONE */
};

/* Same members as the programs' but another type for one: does not "match". */
struct core_mism {
	int x;
};

#endif /* EXTBPF_TESTS_CORE_TARGET_H */
