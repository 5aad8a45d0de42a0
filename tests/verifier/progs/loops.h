/* SPDX-License-Identifier: GPL-2.0 */
/* What the loop programs (loops_ok.bpf.c and their unsafe twins, loops_bad.bpf.c) scan. */
#ifndef LOOPS_H
#define LOOPS_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct blob {
	__u8 bytes[4096];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct blob);
} blob SEC(".maps");

/* LOOP_BOUND + 1 bytes: indexed by a counter that leaves its loop at LOOP_BOUND at most. */
#define LOOP_BOUND 1000

struct small {
	__u8 v[LOOP_BOUND + 1];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct small);
} small SEC(".maps");

static __always_inline struct small *get_small(void)
{
	__u32 key = 0;

	return bpf_map_lookup_elem(&small, &key);
}

/*
 * Sums blob bytes while i < n and i < lim (lim a constant of the loop, or LOOP_BOUND + 1 when
 * n alone bounds it, n checked against n_max before the loop), then reads s->v[i]: the loop's
 * conditions must bound i after the loop. loops_ok.bpf.c uses it with the bounds that make
 * the read safe, loops_bad.bpf.c one past.
 */
#define BOUNDED_SUM(n_max, lim)                                                                    \
	do {                                                                                       \
		struct blob *b = get_blob();                                                       \
		struct small *s = get_small();                                                     \
		__u64 sum = 0;                                                                     \
		__u32 n, i;                                                                        \
                                                                                                   \
		if (!b || !s)                                                                      \
			return XDP_ABORTED;                                                        \
		n = b->bytes[0] | (__u32)b->bytes[1] << 8;                                         \
		if (n > (n_max))                                                                   \
			return XDP_DROP;                                                           \
		_Pragma("clang loop unroll(disable)") for (i = 0; i < n && i < (lim); i++) sum +=  \
		    b->bytes[i + 2];                                                               \
		return (int)(sum + s->v[i]);                                                       \
	} while (0)

static __always_inline struct blob *get_blob(void)
{
	__u32 key = 0;

	return bpf_map_lookup_elem(&blob, &key);
}

#endif
