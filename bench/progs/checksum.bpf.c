// SPDX-License-Identifier: MIT
/*
 * Benchmark program: RFC 1071 checksum of 64 KiB (bench_checksum in bench_algos.h). The bytes
 * are the value of an array map the host fills: a packet range cannot exceed 0xffff bytes, so
 * 64 KiB of context data could not be proven readable.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "../../extensions/sample/sample_ext.h"
#include "bench_algos.h"

struct csum_block {
	bu8 bytes[BENCH_CSUM_BYTES];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct csum_block);
} csum_buf SEC(".maps");

SEC("sample_ext")
int checksum(struct sample_ctx *ctx)
{
	__u32 zero = 0;
	struct csum_block *block = bpf_map_lookup_elem(&csum_buf, &zero);

	if (!block)
		return -1;
	return (int)bench_checksum(block->bytes);
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
