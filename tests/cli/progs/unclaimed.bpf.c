// SPDX-License-Identifier: MIT
/* A program in a section no extension claims (test_tool.sh: exit code 2 everywhere). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("nosuchtype")
int unclaimed(void *ctx)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
