// SPDX-License-Identifier: GPL-2.0
/* A refused program (it writes the read-only uid of the context) in an object whose
 * prog array holds an entry: unloading the object's maps after the refusal must leave
 * the verifier's message as it is. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "../../extensions/sample/sample_ext.h"

int writes_uid(struct sample_ctx *ctx);

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__array(values, int(void *));
} table SEC(".maps") = {
	.values = { [1] = (void *)&writes_uid },
};

SEC("sample_ext/bad")
int writes_uid(struct sample_ctx *ctx)
{
	ctx->uid = 0;
	bpf_tail_call(ctx, &table, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
