// SPDX-License-Identifier: GPL-2.0
/* A call to a function by name (kfunc) that no program type offers: kept by the loader,
 * refused at load. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

extern int bpf_kfunc_example(int x) __ksym;

SEC("sample_ext")
int kfunc(void *ctx)
{
	return bpf_kfunc_example(1);
}

char LICENSE[] SEC("license") = "GPL";
