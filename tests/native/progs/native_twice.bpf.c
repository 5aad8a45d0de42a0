// SPDX-License-Identifier: GPL-2.0
/* Calls test_native.c's type helper "twice" (id 65536): its compiled image depends on that
 * helper's prototype, and on no other helper the type may add. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

static long (*twice)(long x) = (void *)65536;

SEC("sample_ext")
int call_twice(void *ctx)
{
	return twice(21);
}

char LICENSE[] SEC("license") = "GPL";
