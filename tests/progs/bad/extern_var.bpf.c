// SPDX-License-Identifier: GPL-2.0
/* A .kconfig extern variable: the loader must refuse it. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

extern unsigned int LINUX_KERNEL_VERSION __kconfig;

SEC("sample_ext")
int extern_var(void *ctx)
{
	return LINUX_KERNEL_VERSION > 0x50000 ? 1 : 0;
}

char LICENSE[] SEC("license") = "GPL";
