// SPDX-License-Identifier: MIT
/* __kconfig externs of every kind libbpf knows, each stored for the host to check against the
 * configuration file it gave; the existence test of a weak one steers around its code. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

extern unsigned int LINUX_KERNEL_VERSION __kconfig;
extern _Bool CONFIG_TEST_BOOL __kconfig;
extern enum libbpf_tristate CONFIG_TEST_TRI __kconfig;
extern enum libbpf_tristate CONFIG_TEST_TRI_NO __kconfig;
extern char CONFIG_TEST_CHAR __kconfig;
extern int CONFIG_TEST_INT __kconfig;
extern unsigned long long CONFIG_TEST_HEX __kconfig;
extern char CONFIG_TEST_STR[8] __kconfig;
extern _Bool CONFIG_TEST_ABSENT __kconfig __weak;

__u64 results[12];

SEC("core_test")
int kconfig(void *ctx)
{
	results[0] = LINUX_KERNEL_VERSION;
	results[1] = CONFIG_TEST_BOOL;
	results[2] = CONFIG_TEST_TRI;
	results[3] = CONFIG_TEST_TRI_NO;
	results[4] = CONFIG_TEST_CHAR;
	results[5] = (__s64)CONFIG_TEST_INT;
	results[6] = CONFIG_TEST_HEX;
	results[7] = CONFIG_TEST_STR[0] | CONFIG_TEST_STR[1] << 8 | CONFIG_TEST_STR[2] << 16;
	results[8] = CONFIG_TEST_STR[7];
	results[9] = CONFIG_TEST_ABSENT;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
