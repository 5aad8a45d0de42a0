// SPDX-License-Identifier: GPL-2.0
/*
 * Legacy maps as older clang left them: map symbols of the "maps" section without a size, so
 * the loader takes each definition to be the section's size divided by the number of maps.
 * clang no longer emits such symbols from C: the definitions are written in assembly.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* struct bpf_map_def: type, key_size, value_size, max_entries, map_flags */
asm(".pushsection maps, \"aw\", @progbits\n"
    ".globl nosize_array\n"
    "nosize_array:\n"
    "	.long 2, 4, 8, 16, 0\n"
    ".globl nosize_hash\n"
    "nosize_hash:\n"
    "	.long 1, 8, 24, 64, 1\n"
    ".popsection\n");

extern char nosize_array[], nosize_hash[];

SEC("sample_ext")
int nosize(void *ctx)
{
	__u64 hkey = 9, *value;
	__u32 key = 0;

	value = bpf_map_lookup_elem(nosize_array, &key);
	if (!value)
		return 0;
	if (bpf_map_lookup_elem(nosize_hash, &hkey))
		return 2;
	return (int)*value;
}

char LICENSE[] SEC("license") = "GPL";
