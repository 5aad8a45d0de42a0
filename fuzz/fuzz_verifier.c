// SPDX-License-Identifier: MIT
/*
 * Fuzz target: the verifier on raw instruction streams (the input, 8 bytes an instruction)
 * against the synthetic "fuzz" program type. The verdict must keep verifier.h's contract, and
 * a program it accepts is run through the soundness oracle (fuzz_env.h) with the input as the
 * seed of its context, packet and maps.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_env.h"

#define FUZZ_VERIFIER_MAX_INSNS 4096

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_verdict(const struct verifier_result *res, size_t count)
{
	const int e = res->error;

	if (e != 0 && e != -EACCES && e != -EINVAL && e != -E2BIG) {
		fprintf(stderr, "FINDING: verifier returned %d, outside its contract\n", e);
		abort();
	}
	if (e && !res->message[0]) {
		fprintf(stderr, "FINDING: verifier refused (%d) without a message\n", e);
		abort();
	}
	if (res->insn < -1 || res->insn >= (int64_t)count) {
		fprintf(stderr, "FINDING: verifier blames insn %lld of %zu\n", (long long)res->insn,
			count);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t count = size / sizeof(struct ebpf_inst);
	struct verifier_result res;
	struct verifier_input in;
	struct ebpf_inst *insns;

	if (!count || count > FUZZ_VERIFIER_MAX_INSNS)
		return 0;
	insns = malloc(count * sizeof(*insns));
	if (!insns)
		return 0;
	memcpy(insns, data, count * sizeof(*insns));
	fuzz_verifier_input(&in, FUZZ_TYPE_DEFAULT, insns, count);
	verifier_verify(&in, &res);
	check_verdict(&res, count);
	if (res.error == 0)
		fuzz_check_accepted(FUZZ_TYPE_DEFAULT, insns, count, data, size);
	free(insns);
	return 0;
}
