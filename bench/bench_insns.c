// SPDX-License-Identifier: MIT
/*
 * The interpreter's own count of the instructions a run executes, to check the figure the
 * execution section derives from a program's structure. The checked mode (src/exec/exec.h)
 * fails a run that executes more than max_insns instructions; the smallest limit that lets the
 * run finish is the count. Internal interface, as in bench_pipeline.c.
 */
#include <errno.h>
#include <string.h>

#include <extbpf/extbpf.h>

#include "bench.h"
#include "core/helpers.h"
#include "exec/exec.h"
#include "sample_ext.h"

/* Does the run finish within max instructions? (<0: it fails for another reason) */
static int finishes(const struct exec_program *prog, struct sample_ctx *ctx,
		    struct exec_checked_opts *opts, uint64_t max)
{
	uint64_t r0;
	int err;

	opts->max_insns = max;
	err = exec_program_run_checked(prog, (uintptr_t)ctx, 0, opts, &r0, NULL, 0);
	if (err == -E2BIG)
		return 0;
	return err ? err : 1;
}

int bench_count_executed(const struct ebpf_program *program, const void *data, size_t size,
			 uint64_t *executed)
{
	struct sample_ctx ctx = {
		.data = (uintptr_t)data,
		.data_end = (uintptr_t)data + size,
	};
	const struct exec_region regions[] = {
		{ .start = (uintptr_t)&ctx, .size = sizeof(ctx), .writable = true },
		{ .start = (uintptr_t)data, .size = size },
	};
	struct exec_checked_opts opts = { .regions = regions, .region_count = 2 };
	struct exec_helpers helpers = { 0 };
	struct exec_program *prog;
	size_t count;
	const struct ebpf_inst *insns = ebpf_program_insns(program, &count);
	uint64_t lo = 1, hi = 1ull << 32;
	int err;

	helpers.global = core_global_helper_table(&helpers.global_count);
	err = exec_program_create(insns, count, EXEC_INTERP, &helpers, &prog, NULL, 0);
	if (err)
		return err;
	err = finishes(prog, &ctx, &opts, hi);
	if (err < 0 || !err) {
		exec_program_destroy(prog);
		return err < 0 ? err : -E2BIG;
	}
	/* Invariant: the run fails within lo - 1 and finishes within hi. */
	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;

		err = finishes(prog, &ctx, &opts, mid);
		if (err < 0)
			break;
		if (err)
			hi = mid;
		else
			lo = mid + 1;
	}
	exec_program_destroy(prog);
	if (err < 0)
		return err;
	*executed = hi;
	return 0;
}
