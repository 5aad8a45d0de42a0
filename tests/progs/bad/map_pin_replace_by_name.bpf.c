// SPDX-License-Identifier: GPL-2.0
/* Cilium's CILIUM_PIN_REPLACE combined with LIBBPF_PIN_BY_NAME (17): a pinning no loader defines,
 * refused rather than guessed. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 8);
	__uint(pinning, (1 << 4) | LIBBPF_PIN_BY_NAME);
	__type(key, __u32);
	__type(value, __u32);
} replaced SEC(".maps");

SEC("sample_ext")
int map_pin_replace_by_name(void *ctx)
{
	__u32 key = 0;

	return bpf_map_lookup_elem(&replaced, &key) ? 1 : 0;
}

char LICENSE[] SEC("license") = "GPL";
