// SPDX-License-Identifier: GPL-2.0
/* Stack-built bpf_trace_printk formats of 9 to 23 bytes in XDP (stack_printk.h says why). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "stack_printk.h"

STACK_PRINTK_LENGTHS(XDP_FMT, "q %u")

char LICENSE[] SEC("license") = "GPL";
