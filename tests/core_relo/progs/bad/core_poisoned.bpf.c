// SPDX-License-Identifier: MIT
/* Reads a field the target does not have, on every path: the poisoned instruction is reached
 * and the program refused, the message naming the relocation. */
#include "../core_local.h"

__u64 result;

SEC("core_test")
int core_poisoned(void *ctx)
{
	struct core_s *s;
	__u32 key = 0;

	s = bpf_map_lookup_elem(&input, &key);
	if (!s)
		return 1;
	result = s->gone;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
