// SPDX-License-Identifier: GPL-2.0
/* A .ksyms extern variable (a kernel symbol's address): the loader must refuse it. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

extern const void bpf_prog_active __ksym;

SEC("sample_ext")
int extern_var(void *ctx)
{
	return (long)&bpf_prog_active & 1;
}

char LICENSE[] SEC("license") = "GPL";
