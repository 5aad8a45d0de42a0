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

static __always_inline struct blob *get_blob(void)
{
	__u32 key = 0;

	return bpf_map_lookup_elem(&blob, &key);
}

#endif
