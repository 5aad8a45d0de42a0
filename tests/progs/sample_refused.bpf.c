// SPDX-License-Identifier: GPL-2.0
/* An object with one good program and one the verifier refuses (it writes the read-only uid of
 * the context): opening it must fail as a whole. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "../../extensions/sample/sample_ext.h"

SEC("sample_ext")
int good(struct sample_ctx *ctx)
{
	return 0;
}

SEC("sample_ext/bad")
int writes_uid(struct sample_ctx *ctx)
{
	ctx->uid = 0;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
