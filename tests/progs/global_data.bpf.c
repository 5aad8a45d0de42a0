// SPDX-License-Identifier: GPL-2.0
/* Global variables in .rodata, .data and .bss, read and written by one program. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

const volatile __u32 rodata_limit = 42;
const volatile __u64 rodata_table[4] = { 1, 2, 3, 5 };
__u64 data_counter = 7;
__u32 data_pair[2] = { 0x11111111, 0x22222222 };
__u64 bss_hits;
__u32 bss_last;

SEC("sample_ext")
int global_data(void *ctx)
{
	__u32 i = bss_hits & 3;

	bss_hits++;
	bss_last = data_pair[1];
	data_counter += rodata_table[i];
	if (data_counter > rodata_limit)
		data_counter = 0;
	return (int)data_counter;
}

char LICENSE[] SEC("license") = "GPL";
