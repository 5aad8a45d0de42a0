// SPDX-License-Identifier: GPL-2.0
/* A map pinned by name, created before the verifier refuses the object's second program
 * (it writes the read-only uid): a refused object must not leave the map pinned. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "../../extensions/sample/sample_ext.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
	__type(key, __u32);
	__type(value, __u32);
} e2e_refused_pin SEC(".maps");

SEC("sample_ext")
int reads_map(struct sample_ctx *ctx)
{
	__u32 key = 0, *value = bpf_map_lookup_elem(&e2e_refused_pin, &key);

	return value ? (int)*value : 0;
}

SEC("sample_ext/bad")
int writes_uid(struct sample_ctx *ctx)
{
	ctx->uid = 0;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
