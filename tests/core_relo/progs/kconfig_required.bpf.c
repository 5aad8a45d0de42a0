// SPDX-License-Identifier: MIT
/* A kernel configuration value the program needs (not __weak): refused when it is missing. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

extern int CONFIG_TEST_REQUIRED __kconfig;

SEC("core_test")
int kconfig_required(void *ctx)
{
	return CONFIG_TEST_REQUIRED > 1;
}

char LICENSE[] SEC("license") = "GPL";
