// SPDX-License-Identifier: GPL-2.0
/*
 * An object its host configures between parse and load, as libbpf-tools configure theirs: a
 * `const volatile` setting, global data, a map declared without its size, a program the host
 * leaves out (it would be refused) and one whose section names no program type.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

const volatile __u32 setting = 0;
__u64 data_seed = 5;
__u32 bss_word;

/* Sized by the host (bpf_map__set_max_entries): declared without max_entries. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
} sized SEC(".maps");

struct inner_a {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} inner_one SEC(".maps"), inner_two SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 2);
	__type(key, __u32);
	__array(values, struct inner_a);
} outer SEC(".maps");

SEC("sample_ext")
int configured(void *ctx)
{
	__u32 key = 3, zero = 0;
	__u64 *slot = bpf_map_lookup_elem(&sized, &key); /* found once it has 4 entries */
	void *inner = bpf_map_lookup_elem(&outer, &zero);

	if (slot)
		*slot += 1;
	if (inner)
		bpf_map_lookup_elem(inner, &zero);
	return setting + data_seed + bss_word + (slot ? 1000 : 0);
}

/* Reads through a number: refused, so its host leaves it out (bpf_program__set_autoload). */
SEC("sample_ext/bad")
int unsafe(void *ctx)
{
	return *(volatile int *)(long)bss_word;
}

/* A section no program type claims: loads once its host names the type. */
SEC("custom/untyped")
int untyped(void *ctx)
{
	return 7;
}

char LICENSE[] SEC("license") = "GPL";
