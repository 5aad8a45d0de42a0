/* SPDX-License-Identifier: MIT */
/*
 * ebpf_run_raw: runs raw instructions with r1 = mem and r2 = mem_size, the way the instruction
 * conformance suite does. No ELF, no maps, no program type: the program is verified against its
 * memory as context (unless the caller asks otherwise, for the suite), prepared for the chosen
 * engine, run `repeat` times and timed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/core.h"
#include "core/error.h"
#include "core/helpers.h"
#include "exec/exec.h"
#include "isa/isa.h"
#include "verifier/verifier.h"

#include <extbpf/extbpf.h>

/* Raw programs are verified against a context of mem_size readable and writable bytes, with r2
 * holding that size. */
static int run_raw_verify(const struct ebpf_inst *insns, size_t count, size_t mem_size,
			  struct ebpf_raw_run_opts *opts)
{
	const struct ebpf_context_range whole = { .offset = 0, .size = (uint32_t)mem_size };
	const struct ebpf_program_info raw_type = {
		.header =
		    EBPF_EXTENSION_HEADER(struct ebpf_program_info, EBPF_PROGRAM_INFO_VERSION),
		.name = "raw",
		.context = { .size = (uint32_t)mem_size,
			     .data = -1,
			     .data_end = -1,
			     .meta = -1,
			     .writable = &whole,
			     .writable_count = mem_size ? 1 : 0 },
	};
	const uint64_t r2 = mem_size;
	struct verifier_input in = {
		.section = "raw",
		.insns = insns,
		.insn_count = count,
		.info = &raw_type,
		.log_level = opts->log_buf ? 1 : 0,
		.log = opts->log_buf,
		.log_size = opts->log_size,
		.entry_r2 = &r2, /* the program runs with r2 = the memory's size */
	};
	struct verifier_result result;

	if (mem_size > UINT32_MAX)
		return core_error(-E2BIG, "ebpf_run_raw: %zu bytes of memory is too large",
				  mem_size);
	in.global_helpers = core_global_helper_protos(&in.global_helper_count);
	if (verifier_verify(&in, &result))
		return core_error(result.error, "ebpf_run_raw: program refused: %s",
				  result.message);
	return 0;
}

/* Raw programs may call the core's global helpers (no maps: they have none). */
static void run_raw_helpers(const struct ebpf_raw_run_opts *opts, struct exec_helpers *helpers)
{
	*helpers = (struct exec_helpers){
		.conformance_unwind = opts->conformance_unwind,
	};
	helpers->global = core_global_helper_table(&helpers->global_count);
}

static int run_raw_engine(enum ebpf_exec_mode mode, enum exec_engine *engine)
{
	switch (mode) {
	case EBPF_MODE_INTERP:
		*engine = EXEC_INTERP;
		return 0;
	case EBPF_MODE_DEFAULT: /* falls back to the interpreter where there is no JIT */
	case EBPF_MODE_JIT:
		*engine = EXEC_JIT;
		return 0;
	case EBPF_MODE_NATIVE:
		*engine = EXEC_NATIVE;
		return 0;
	}
	return core_error(-EINVAL, "ebpf_run_raw: unknown execution mode %d", (int)mode);
}

static int run_raw_check_args(const struct ebpf_inst *insns, size_t count, const void *mem,
			      size_t mem_size, const struct ebpf_raw_run_opts *opts,
			      const uint64_t *r0)
{
	if (!opts || !r0)
		return core_error(-EINVAL, "ebpf_run_raw: opts and r0 must not be NULL");
	if (opts->sz < sizeof(*opts))
		return core_error(-EINVAL,
				  "ebpf_run_raw: opts->sz is %zu, expected sizeof(struct "
				  "ebpf_raw_run_opts) = %zu",
				  opts->sz, sizeof(*opts));
	if (!insns || !count)
		return core_error(-EINVAL, "ebpf_run_raw: the program has no instructions");
	if (!mem && mem_size)
		return core_error(-EINVAL, "ebpf_run_raw: mem is NULL but mem_size is %zu",
				  mem_size);
	return 0;
}

int ebpf_run_raw(const struct ebpf_inst *insns, size_t count, void *mem, size_t mem_size,
		 struct ebpf_raw_run_opts *opts, uint64_t *r0)
{
	struct exec_program *prog = NULL;
	struct exec_helpers helpers;
	enum exec_engine engine = EXEC_INTERP;
	struct ebpf_inst *copy = NULL;
	char err[512] = "";
	int ret;

	core_error_clear();
	ret = run_raw_check_args(insns, count, mem, mem_size, opts, r0);
	if (ret)
		return ret;
	ret = run_raw_engine(opts->mode, &engine);
	if (ret)
		return ret;
	if (!opts->unverified) {
		ret = run_raw_verify(insns, count, mem_size, opts);
		if (ret)
			return ret;
		/* Writes to r10 the verifier accepted stand where no path goes: the engines, which
		 * cannot run one, get them as no-ops (unverified programs keep them, refused). */
		copy = malloc(count * sizeof(*copy));
		if (!copy)
			return core_error(-ENOMEM, "ebpf_run_raw: out of memory");
		memcpy(copy, insns, count * sizeof(*copy));
		isa_neutralise_fp_writes(copy, count);
		insns = copy;
	}
	run_raw_helpers(opts, &helpers);
	ret = exec_program_create(insns, count, engine, &helpers, &prog, err, sizeof(err));
	if (ret == -EOPNOTSUPP && opts->mode == EBPF_MODE_DEFAULT)
		ret = exec_program_create(insns, count, EXEC_INTERP, &helpers, &prog, err,
					  sizeof(err));
	if (ret) {
		free(copy);
		return core_error(ret, "ebpf_run_raw: %s", err);
	}

	opts->duration_ns = core_run_repeated(prog, (uint64_t)(uintptr_t)mem, mem_size,
					      opts->repeat, opts->progress, opts->progress_arg, r0);
	exec_program_destroy(prog);
	free(copy);
	return 0;
}
