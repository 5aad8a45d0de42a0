// SPDX-License-Identifier: GPL-2.0
/*
 * Relocations of data sections that need no work: a pointer in .data to another variable
 * (R_BPF_64_ABS64), a 32-bit address in .data.abs32 (R_BPF_64_NODYLD32, written in assembly),
 * the R_BPF_64_NODYLD32 ones of .BTF.ext and the R_BPF_64_ABS32 ones of the debug sections.
 * The loader leaves them, as libbpf does.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

int relo_target = 3;
int *relo_pointer = &relo_target;

asm(".pushsection .data.abs32, \"aw\", @progbits\n"
    ".globl relo_abs32\n"
    "relo_abs32:\n"
    "	.long relo_target\n"
    ".popsection\n");

SEC("sample_ext")
int data_relocs(void *ctx)
{
	return relo_target;
}

char LICENSE[] SEC("license") = "GPL";
