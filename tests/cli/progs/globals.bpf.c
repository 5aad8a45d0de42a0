// SPDX-License-Identifier: GPL-2.0
/* Globals of several types in .data, .bss and .rodata, which the program changes, so that the
 * tool's dump shows each by name and type with its value after the run. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "../../../extensions/sample/sample_ext.h"

struct point {
	int x;
	int y;
};

/* .data */
int counter = 5;
struct point origin = { 1, -2 };
char label[8] = "start";
/* .bss */
__u32 hist[4];
__s64 last_uid;
char seen[6];
/* .rodata */
const volatile int limit = 42;
const volatile char greeting[] = "hello";

SEC("sample_ext")
int update(struct sample_ctx *ctx)
{
	counter += limit;
	origin.y = -7;
	label[0] = 'S';
	hist[2] = 9;
	last_uid = -(__s64)ctx->uid;
	__builtin_memcpy(seen, "yes", 4);
	return counter;
}

char LICENSE[] SEC("license") = "GPL";
