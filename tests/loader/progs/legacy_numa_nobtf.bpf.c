// SPDX-License-Identifier: GPL-2.0
/*
 * samples/bpf's 28-byte struct bpf_map_def (type, key_size, value_size, max_entries, map_flags,
 * inner_map_idx, numa_node) without BTF to name its fields, as objects built without -g have
 * them: the definitions are written in assembly, which clang describes in no BTF. A map with
 * BPF_F_NUMA_NODE or a map of maps marks the layout (iproute2's bpf_elf_map has neither there).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

asm(".pushsection maps, \"aw\", @progbits\n"
    ".globl nobtf_inner\n"
    "nobtf_inner:\n"
    "	.long 2, 4, 4, 1, 0, 0, 0\n"
    "	.size nobtf_inner, 28\n"
    ".globl nobtf_numa\n"
    "nobtf_numa:\n" /* BPF_F_NUMA_NODE (4), numa_node 5 */
    "	.long 1, 4, 8, 16, 4, 0, 5\n"
    "	.size nobtf_numa, 28\n"
    ".globl nobtf_outer\n"
    "nobtf_outer:\n" /* array of maps, inner_map_idx 0 */
    "	.long 12, 4, 4, 2, 0, 0, 0\n"
    "	.size nobtf_outer, 28\n"
    ".popsection\n");

extern char nobtf_inner[], nobtf_numa[], nobtf_outer[];

SEC("sample_ext")
int nobtf_maps(void *ctx)
{
	__u32 key = 0;
	void *inner = bpf_map_lookup_elem(nobtf_outer, &key);

	if (inner && bpf_map_lookup_elem(inner, &key))
		return 1;
	return bpf_map_lookup_elem(nobtf_numa, &key) ? 2 : 0;
}

char LICENSE[] SEC("license") = "GPL";
