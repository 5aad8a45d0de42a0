/* SPDX-License-Identifier: MIT */
/*
 * What the engines of src/exec share. Every program is first validated and pre-decoded for the
 * interpreter (interp_prepare), whatever its engine: the checked mode always runs the
 * interpreter, and the JIT and native engines compile from the same validated program.
 */
#ifndef EXTBPF_EXEC_INTERNAL_H
#define EXTBPF_EXEC_INTERNAL_H

#include <stdarg.h>

#include "exec/exec.h"
#include "exec/interp_ops.h"

/*
 * One pre-decoded instruction slot. op is an interp_op (the variants of a raw opcode, such as
 * sdiv or movsx, are ops of their own, so no handler dispatches twice); aux carries what the
 * handler needs ready-made: the jump or call target index, the sign-extended memory offset,
 * the 64-bit lddw immediate or the helper's address.
 */
struct interp_insn {
	uint8_t op;
	uint8_t dst;
	uint8_t src;
	uint8_t flags; /* INTERP_F_* */
	int32_t imm;
	union {
		uint64_t u64;
		int64_t s64;
		ebpf_helper_fn helper;
	} aux;
};

/* interp_insn.flags: the second slot of an lddw, which no jump may target. */
#define INTERP_F_LDDW_TAIL 0x01

/* JIT-generated code: r1 in rdi, r2 in rsi, r0 returned. */
typedef uint64_t (*jit_entry_fn)(uint64_t r1, uint64_t r2);

/* The signature of a translated program's entry point (native mode, native.h). */
struct native_env;
struct native_state;
typedef uint64_t (*native_entry_fn)(uint64_t r1, uint64_t r2, const struct native_env *env,
				    struct native_state *state);

struct exec_program {
	enum exec_engine engine;
	const struct ebpf_inst *insns;
	size_t count;
	struct exec_helpers helpers;
	struct interp_insn *code; /* count slots, parallel to insns */
	/* The most frames a run of it stacks up (1: no local calls), EBPF_MAX_CALL_DEPTH + 1
	 * when more or recursive: what a tail call into it needs left (exec_tail_call_error). */
	uint32_t frames;
	/* The JIT and native engines hang their compiled form here. */
	void *engine_data;
	jit_entry_fn jit_entry; /* JIT: the image, read here without a call on every run */
	/* Native mode likewise: the entry and its env, so that a run is one indirect call. */
	native_entry_fn native_entry;
	const struct native_env *native_env;
};

/* Formats "insn N: ..." style messages into a caller's buffer (which may be NULL). */
int exec_error(char *err, size_t err_size, int ret, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* How a helper id is called, as decided at prepare time (and at run time for callx). */
enum interp_call_kind {
	INTERP_CALL_UNKNOWN,
	INTERP_CALL_PLAIN,
	INTERP_CALL_UNWIND,
	INTERP_CALL_TAIL,
	INTERP_CALL_LOOP,     /* bpf_loop: the engine calls the callback itself */
	INTERP_CALL_FOR_EACH, /* bpf_for_each_map_elem: likewise, through helpers->map_walk */
};

/* bpf_loop (Linux's helper 181): at most this many calls, else -E2BIG, as Linux. */
#define EXEC_HELPER_LOOP  181
#define EXEC_BPF_LOOP_MAX (1u << 23)
enum interp_call_kind interp_resolve_helper(const struct exec_helpers *helpers, uint64_t id,
					    ebpf_helper_fn *fn);
/* The function of a kfunc call (src_reg EBPF_CALL_KFUNC) by its index, or NULL. */
ebpf_helper_fn interp_resolve_kfunc(const struct exec_helpers *helpers, uint32_t index);

/*
 * Tail calls, the same in every engine: the target replaces the function running in the frame
 * the call is made from (frame `depth`, 0 being the entry's) and returns to that function's
 * caller. One fails, with this errno in r0, after EBPF_MAX_TAIL_CALLS of them in the run
 * (-E2BIG), when the program array has no program at the index (-ENOENT), or when the target's
 * own calls would not fit in the frames left (-ELOOP): a run never has more than
 * EBPF_MAX_CALL_DEPTH frames. `count` is the number of tail calls the run made so far.
 */
int exec_tail_call_error(const struct exec_program *target, uint64_t count, uint32_t depth);

/* Validates and pre-decodes program->insns into program->code (and computes frames). */
int interp_prepare(struct exec_program *program, char *err, size_t err_size);

uint64_t interp_run(const struct exec_program *program, uint64_t r1, uint64_t r2);
int interp_run_checked(const struct exec_program *program, uint64_t r1, uint64_t r2,
		       const struct exec_checked_opts *opts, uint64_t *r0, char *err,
		       size_t err_size);

#endif /* EXTBPF_EXEC_INTERNAL_H */
