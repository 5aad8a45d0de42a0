// SPDX-License-Identifier: MIT
/* Type existence of three types; the test also loads it with every record's kind turned into
 * "type matches" (clang 14 cannot emit bpf_core_type_matches()). */
#include "core_local.h"

__u64 results[4];

SEC("core_test")
int core_typematch(void *ctx)
{
	results[0] = bpf_core_type_exists(struct core_inner);
	results[1] = bpf_core_type_exists(struct core_mism);
	results[2] = bpf_core_type_exists(struct core_nowhere);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
