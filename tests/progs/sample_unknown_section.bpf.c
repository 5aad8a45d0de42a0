// SPDX-License-Identifier: GPL-2.0
/* A program in a section no loaded extension claims (no xdp extension is loaded in the core
 * tests): loading it names the section and the missing program type. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp/foo")
int pass(void *ctx)
{
	return 2;
}

char LICENSE[] SEC("license") = "GPL";
