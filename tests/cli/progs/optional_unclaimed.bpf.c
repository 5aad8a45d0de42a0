// SPDX-License-Identifier: MIT
/*
 * libbpf's "?SEC" marks a program a load leaves out unless asked for: one of a type no extension
 * claims (a selftest's struct_ops twin) must not make the object's other programs unusable
 * (test_verify.sh).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("sample_ext")
int claimed(void *ctx)
{
	return 0;
}

SEC("?nosuchtype/twin")
int unclaimed_twin(void *ctx)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
