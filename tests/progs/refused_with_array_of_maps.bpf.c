// SPDX-License-Identifier: GPL-2.0
/* A refused program (it writes the read-only uid of the context) in an object whose
 * array of maps holds an entry: unloading the object's maps after the refusal must leave
 * the verifier's message as it is. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "../../extensions/sample/sample_ext.h"

struct inner_map {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} inner SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 4);
	__type(key, __u32);
	__array(values, struct inner_map);
} table SEC(".maps") = {
	.values = { [1] = &inner },
};

SEC("sample_ext/bad")
int writes_uid(struct sample_ctx *ctx)
{
	ctx->uid = 0;
	return bpf_map_lookup_elem(&table, &(__u32){ 1 }) != 0;
}

char LICENSE[] SEC("license") = "GPL";
