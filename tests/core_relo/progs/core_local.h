/* SPDX-License-Identifier: MIT */
/* The CO-RE test programs' own view of the types, as a vmlinux.h of another kernel would have
 * them (see ../core_target.h for the layout they run against). */
#ifndef EXTBPF_TESTS_CORE_LOCAL_H
#define EXTBPF_TESTS_CORE_LOCAL_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

#pragma clang attribute push(__attribute__((preserve_access_index)), apply_to = record)
struct core_inner {
	int a;
	int b;
};

struct core_s {
	char pad;
	unsigned short small;
	int x;
	struct core_inner in;
	unsigned int flag : 3;
	int sflag : 5;
	long long gone;
	int arr[4];
	union {
		int u1;
		long long u2;
	};
};

/* A flavour: another view of the same struct core_s. */
struct core_s___v2 {
	int x;
	int newer;
};

struct core_nowhere {
	int z;
};

struct core_mism {
	char x;
};
#pragma clang attribute pop

/* Without the attribute: only __builtin_preserve_access_index() makes its accesses relocatable. */
struct core_inner___plain {
	int a;
	int b;
};

enum core_e {
	CORE_A = 1,
	CORE_B = 2,
	CORE_GONE = 3,
};

/* The input: one value holding a struct core_s in the target's layout. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__uint(value_size, 256);
} input SEC(".maps");

#endif /* EXTBPF_TESTS_CORE_LOCAL_H */
