// SPDX-License-Identifier: MIT
/* bpf_trace_printk is GPL-only on Linux: this program's license (none) decides (test_tool.sh). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("sample_ext")
int say(void *ctx)
{
	bpf_printk("hello");
	return 0;
}
