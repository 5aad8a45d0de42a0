// SPDX-License-Identifier: GPL-2.0
/*
 * Legacy definitions larger than any loader's struct: libbpf accepts them when the bytes past
 * its own fields are zero. large_btf's struct (with BTF) has a field no loader knows, 'future';
 * large_asm (assembly: no BTF) is 40 bytes, four past iproute2's struct bpf_elf_map.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct future_map_def {
	unsigned int type;
	unsigned int key_size;
	unsigned int value_size;
	unsigned int max_entries;
	unsigned int map_flags;
	unsigned int future;
	unsigned int reserved[4];
};

struct future_map_def SEC("maps") large_btf = {
	.type = BPF_MAP_TYPE_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u64),
	.max_entries = 2,
};

asm(".pushsection maps, \"aw\", @progbits\n"
    ".globl large_asm\n"
    "large_asm:\n"
    "	.long 1, 4, 4, 8, 0, 0, 0, 0, 0, 0\n"
    "	.size large_asm, 40\n"
    ".popsection\n");

extern char large_asm[];

SEC("sample_ext")
int large_maps(void *ctx)
{
	__u32 key = 0;
	__u64 *value = bpf_map_lookup_elem(&large_btf, &key);

	if (bpf_map_lookup_elem(large_asm, &key))
		return 1;
	return value ? (int)*value : 0;
}

char LICENSE[] SEC("license") = "GPL";
