/* SPDX-License-Identifier: MIT */
/*
 * The interpreter: prepare-time validation and pre-decoding, and the two instantiations of
 * interp_loop.inc (fast and checked mode come from that one source).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "exec/exec_internal.h"

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
	       "the interpreter's le/be handlers assume a little-endian host");

/* ---- Helper resolution ------------------------------------------------------------------- */

enum interp_call_kind interp_resolve_helper(const struct exec_helpers *helpers, uint64_t id,
					    ebpf_helper_fn *fn)
{
	*fn = NULL;
	if (id == EBPF_CONFORMANCE_UNWIND_HELPER && helpers->conformance_unwind)
		return INTERP_CALL_UNWIND;
	if (id == 12 && helpers->tail_call) /* bpf_tail_call, Linux's id */
		return INTERP_CALL_TAIL;
	if (id < helpers->global_count && helpers->global)
		*fn = helpers->global[id];
	/* The callback is a function of the running program: only the engine can call it. */
	if (id == EXEC_HELPER_LOOP && *fn)
		return INTERP_CALL_LOOP;
	if (id == EXEC_HELPER_FOR_EACH_MAP_ELEM && *fn && helpers->map_walk)
		return INTERP_CALL_FOR_EACH;
	else if (id >= EBPF_PROGRAM_TYPE_HELPER_ID_BASE &&
		 id - EBPF_PROGRAM_TYPE_HELPER_ID_BASE < helpers->type_count && helpers->type)
		*fn = helpers->type[id - EBPF_PROGRAM_TYPE_HELPER_ID_BASE];
	return *fn ? INTERP_CALL_PLAIN : INTERP_CALL_UNKNOWN;
}

ebpf_helper_fn interp_resolve_kfunc(const struct exec_helpers *helpers, uint32_t index)
{
	return helpers->kfunc && index < helpers->kfunc_count ? helpers->kfunc[index] : NULL;
}

/* ---- Prepare: validation and pre-decoding ------------------------------------------------ */

static uint8_t interp_plain_op(uint8_t code)
{
	switch (code) {
#define INTERP_CASE_PLAIN(name, opcode)                                                            \
	case opcode:                                                                               \
		return INTERP_OP_##name;
#define INTERP_CASE_VARIANT(name)
		INTERP_OPS(INTERP_CASE_PLAIN, INTERP_CASE_VARIANT)
#undef INTERP_CASE_PLAIN
#undef INTERP_CASE_VARIANT
	}
	return INTERP_OP_INVALID;
}

/* The ops of one size sit in the order LOAD_ACQ, STORE_REL, sizes 8, 16, 32, 64 (interp_ops.h). */
static uint8_t interp_acq_rel_op(const struct ebpf_inst *insn)
{
	static const uint8_t by_size[] = { [EBPF_SIZE_B >> 3] = 0,
					   [EBPF_SIZE_H >> 3] = 1,
					   [EBPF_SIZE_W >> 3] = 2,
					   [EBPF_SIZE_DW >> 3] = 3 };
	const int step = INTERP_OP_LOAD_ACQ16 - INTERP_OP_LOAD_ACQ8;
	int op = insn->imm == EBPF_ATOMIC_LOAD_ACQ ? INTERP_OP_LOAD_ACQ8 : INTERP_OP_STORE_REL8;

	return (uint8_t)(op + step * by_size[EBPF_SIZE(insn->code) >> 3]);
}

static uint8_t interp_atomic_op(const struct ebpf_inst *insn)
{
	/* The 64-bit ops follow the 32-bit ones in the same order (interp_ops.h). */
	const int wide = EBPF_SIZE(insn->code) == EBPF_SIZE_DW
			     ? INTERP_OP_ATOMIC64_ADD - INTERP_OP_ATOMIC32_ADD
			     : 0;
	int op;

	if (insn->imm == EBPF_ATOMIC_LOAD_ACQ || insn->imm == EBPF_ATOMIC_STORE_REL)
		return interp_acq_rel_op(insn);
	switch (insn->imm) {
	case EBPF_ATOMIC_ADD:
		op = INTERP_OP_ATOMIC32_ADD;
		break;
	case EBPF_ATOMIC_OR:
		op = INTERP_OP_ATOMIC32_OR;
		break;
	case EBPF_ATOMIC_AND:
		op = INTERP_OP_ATOMIC32_AND;
		break;
	case EBPF_ATOMIC_XOR:
		op = INTERP_OP_ATOMIC32_XOR;
		break;
	case EBPF_ATOMIC_ADD | EBPF_ATOMIC_FETCH:
		op = INTERP_OP_ATOMIC32_FETCH_ADD;
		break;
	case EBPF_ATOMIC_OR | EBPF_ATOMIC_FETCH:
		op = INTERP_OP_ATOMIC32_FETCH_OR;
		break;
	case EBPF_ATOMIC_AND | EBPF_ATOMIC_FETCH:
		op = INTERP_OP_ATOMIC32_FETCH_AND;
		break;
	case EBPF_ATOMIC_XOR | EBPF_ATOMIC_FETCH:
		op = INTERP_OP_ATOMIC32_FETCH_XOR;
		break;
	case EBPF_ATOMIC_XCHG:
		op = INTERP_OP_ATOMIC32_XCHG;
		break;
	case EBPF_ATOMIC_CMPXCHG:
		op = INTERP_OP_ATOMIC32_CMPXCHG;
		break;
	default:
		return INTERP_OP_INVALID;
	}
	return (uint8_t)(op + wide);
}

static uint8_t interp_end_op(const struct ebpf_inst *insn)
{
	const bool to_le = insn->code == (EBPF_CLS_ALU | EBPF_ALU_END | EBPF_TO_LE);
	const int shift = to_le ? 0 : INTERP_OP_BSWAP16 - INTERP_OP_LE16;

	switch (insn->imm) {
	case 16:
		return INTERP_OP_LE16 + shift;
	case 32:
		return INTERP_OP_LE32 + shift;
	case 64:
		return INTERP_OP_LE64 + shift;
	}
	return INTERP_OP_INVALID;
}

static uint8_t interp_movsx_op(const struct ebpf_inst *insn)
{
	const bool alu64 = EBPF_CLASS(insn->code) == EBPF_CLS_ALU64;

	switch (insn->off) {
	case 8:
		return alu64 ? INTERP_OP_MOVSX64_8 : INTERP_OP_MOVSX32_8;
	case 16:
		return alu64 ? INTERP_OP_MOVSX64_16 : INTERP_OP_MOVSX32_16;
	case 32:
		return alu64 ? INTERP_OP_MOVSX64_32 : INTERP_OP_INVALID;
	}
	return INTERP_OP_INVALID;
}

/* sdiv/smod are div/mod with off 1; the signed ops sit in the order 64 K, X, 32 K, X. */
static uint8_t interp_signed_divmod_op(const struct ebpf_inst *insn)
{
	const bool mod = EBPF_OP(insn->code) == EBPF_ALU_MOD;
	uint8_t op = mod ? INTERP_OP_SMOD64_K : INTERP_OP_SDIV64_K;

	if (EBPF_SRC(insn->code) == EBPF_SRC_X)
		op++;
	if (EBPF_CLASS(insn->code) == EBPF_CLS_ALU)
		op += INTERP_OP_SDIV32_K - INTERP_OP_SDIV64_K;
	return op;
}

/* The op of a raw instruction that isa_check_insn accepted, or INVALID with *why set. */
static uint8_t interp_decode_op(const struct ebpf_inst *insn, const char **why)
{
	const uint8_t cls = EBPF_CLASS(insn->code);

	*why = "the interpreter does not support this instruction";
	if (cls == EBPF_CLS_ALU || cls == EBPF_CLS_ALU64) {
		const uint8_t op = EBPF_OP(insn->code);

		if ((op == EBPF_ALU_DIV || op == EBPF_ALU_MOD) && insn->off == 1)
			return interp_signed_divmod_op(insn);
		if (op == EBPF_ALU_MOV && EBPF_SRC(insn->code) == EBPF_SRC_X && insn->off)
			return interp_movsx_op(insn);
		if (op == EBPF_ALU_END)
			return interp_end_op(insn);
	}
	if ((cls == EBPF_CLS_LD || cls == EBPF_CLS_LDX) &&
	    (EBPF_MODE(insn->code) == EBPF_MODE_ABS || EBPF_MODE(insn->code) == EBPF_MODE_IND)) {
		*why = "legacy packet access (ld_abs/ld_ind) is not supported";
		return INTERP_OP_INVALID;
	}
	if (cls == EBPF_CLS_STX && EBPF_MODE(insn->code) == EBPF_MODE_ATOMIC)
		return interp_atomic_op(insn);
	if (insn->code == EBPF_OP_CALL) {
		if (insn->src_reg == EBPF_CALL_LOCAL)
			return INTERP_OP_CALL_LOCAL;
		/* Helpers and kfuncs alike: refined once the function is resolved. */
		return INTERP_OP_CALL_HELPER;
	}
	return interp_plain_op(insn->code);
}

static bool interp_is_jump(uint8_t op)
{
	return op == INTERP_OP_JA || op == INTERP_OP_JA32 || op == INTERP_OP_MAY_GOTO ||
	       (op >= INTERP_OP_JEQ64_K && op <= INTERP_OP_JSLE32_X);
}

/* The target index of the jump or local call at index, or -EINVAL with a message. */
static int interp_branch_target(struct exec_program *prog, size_t index, int64_t displacement,
				const char *what, char *err, size_t err_size)
{
	const int64_t target = (int64_t)index + 1 + displacement;

	if (target < 0 || target >= (int64_t)prog->count)
		return exec_error(err, err_size, -EINVAL,
				  "insn %zu: %s target %" PRId64 " is outside the program (0..%zu)",
				  index, what, target, prog->count - 1);
	if (prog->code[target].flags & INTERP_F_LDDW_TAIL)
		return exec_error(err, err_size, -EINVAL,
				  "insn %zu: %s target %" PRId64 " is the second slot of an lddw",
				  index, what, target);
	prog->code[index].aux.u64 = (uint64_t)target;
	return 0;
}

static int interp_decode_call(struct exec_program *prog, size_t index, char *err, size_t err_size)
{
	const struct ebpf_inst *insn = &prog->insns[index];
	struct interp_insn *out = &prog->code[index];

	if (out->op == INTERP_OP_CALL_LOCAL)
		return interp_branch_target(prog, index, insn->imm, "local call", err, err_size);
	if (exec_call_takes_ctx(&prog->helpers, index))
		out->op = INTERP_OP_CALL_HELPER_CTX;
	if (insn->src_reg == EBPF_CALL_KFUNC) {
		out->aux.helper = interp_resolve_kfunc(&prog->helpers, (uint32_t)insn->imm);
		if (!out->aux.helper)
			return exec_error(err, err_size, -EINVAL,
					  "insn %zu: unresolved kfunc #%" PRIu32, index,
					  (uint32_t)insn->imm);
		return 0;
	}

	switch (interp_resolve_helper(&prog->helpers, (uint32_t)insn->imm, &out->aux.helper)) {
	case INTERP_CALL_PLAIN:
		return 0;
	case INTERP_CALL_UNWIND:
		out->op = INTERP_OP_CALL_UNWIND;
		return 0;
	case INTERP_CALL_TAIL:
		out->op = INTERP_OP_CALL_TAIL;
		return 0;
	case INTERP_CALL_LOOP:
		out->op = INTERP_OP_CALL_LOOP;
		return 0;
	case INTERP_CALL_FOR_EACH:
		out->op = INTERP_OP_CALL_FOR_EACH;
		return 0;
	default:
		return exec_error(err, err_size, -EINVAL, "insn %zu: unknown helper id %" PRIu32,
				  index, (uint32_t)insn->imm);
	}
}

/* Decodes the instruction at index (already checked by isa_check_insn). */
static int interp_decode_insn(struct exec_program *prog, size_t index, char *err, size_t err_size)
{
	const struct ebpf_inst *insn = &prog->insns[index];
	struct interp_insn *out = &prog->code[index];
	const char *why;

	out->op = interp_decode_op(insn, &why);
	out->dst = insn->dst_reg;
	out->src = insn->src_reg;
	out->imm = insn->imm;
	out->aux.s64 = insn->off;
	if (out->op == INTERP_OP_INVALID)
		return exec_error(err, err_size, -EINVAL, "insn %zu: %s (opcode 0x%02x)", index,
				  why, insn->code);
	if (out->op == INTERP_OP_LDDW && insn->src_reg == EBPF_PSEUDO_FUNC) {
		/* A function pointer is the address of the callback's first slot. */
		int ret =
		    interp_branch_target(prog, index, insn->imm, "function pointer", err, err_size);

		if (!ret)
			out->aux.u64 = (uint64_t)(uintptr_t)(prog->code + out->aux.u64);
		return ret;
	}
	if (out->op == INTERP_OP_LDDW) {
		if (insn->src_reg != EBPF_PSEUDO_IMM)
			return exec_error(err, err_size, -EINVAL,
					  "insn %zu: lddw with source kind %u must be relocated to "
					  "a plain immediate before execution",
					  index, insn->src_reg);
		out->aux.u64 = isa_lddw_imm(insn);
		return 0;
	}
	if (out->op == INTERP_OP_CALL_LOCAL || out->op == INTERP_OP_CALL_HELPER)
		return interp_decode_call(prog, index, err, err_size);
	if (interp_is_jump(out->op))
		return interp_branch_target(prog, index,
					    out->op == INTERP_OP_JA32 ? insn->imm : insn->off,
					    "jump", err, err_size);
	return 0;
}

/* Marks lddw second slots first, so that jumps decoded before an lddw see them. */
static int interp_check_encoding(struct exec_program *prog, char *err, size_t err_size)
{
	for (size_t i = 0; i < prog->count;) {
		const char *why = NULL;
		int slots = isa_check_insn(prog->insns, prog->count, i, &why);

		if (slots < 0)
			return exec_error(err, err_size, -EINVAL, "insn %zu: %s", i,
					  why ? why : "invalid instruction");
		if (slots == 2)
			prog->code[i + 1].flags |= INTERP_F_LDDW_TAIL;
		i += (size_t)slots;
	}
	return 0;
}

/* Execution must never run past the last slot: it has to be exit or an unconditional jump. */
static int interp_check_end(const struct exec_program *prog, char *err, size_t err_size)
{
	const size_t last = prog->count - 1;
	const uint8_t op = prog->code[last].op;

	if (!(prog->code[last].flags & INTERP_F_LDDW_TAIL) &&
	    (op == INTERP_OP_EXIT || op == INTERP_OP_JA || op == INTERP_OP_JA32))
		return 0;
	return exec_error(err, err_size, -EINVAL,
			  "insn %zu: execution can fall off the end of the program (the last "
			  "instruction must be exit or ja)",
			  last);
}

/* A local call, or a function pointer (whose callback a helper calls from this function). */
static bool interp_names_function(const struct exec_program *prog, size_t i)
{
	return prog->code[i].op == INTERP_OP_CALL_LOCAL ||
	       (prog->code[i].op == INTERP_OP_LDDW && prog->insns[i].src_reg == EBPF_PSEUDO_FUNC);
}

static size_t interp_function_target(const struct exec_program *prog, size_t i)
{
	return (size_t)((int64_t)i + 1 + prog->insns[i].imm);
}

/* In-progress mark of interp_function_frames (no function has this many frames). */
#define FRAMES_VISITING UINT32_MAX

/*
 * The frames a run of the function starting at `start` stacks up, its own included, capped at
 * EBPF_MAX_CALL_DEPTH + 1 (also for recursion, which only unverified programs have). `level` is
 * its depth on the path being explored: paths are cut there, so the walk stays shallow. A cut
 * makes the result for the functions on the path an over-estimate, but only where the entry's
 * is past the cap anyway. Each function is scanned once (memo, 0: not yet).
 */
static uint32_t interp_function_frames(const struct exec_program *prog, const bool *is_function,
				       uint32_t *memo, size_t start, uint32_t level)
{
	const uint32_t cap = EBPF_MAX_CALL_DEPTH + 1;
	uint32_t deepest = 1;

	if (level >= EBPF_MAX_CALL_DEPTH || memo[start] == FRAMES_VISITING)
		return cap;
	if (memo[start])
		return memo[start];
	memo[start] = FRAMES_VISITING;
	for (size_t i = start; i < prog->count && (i == start || !is_function[i]); i++) {
		uint32_t frames;

		if (!interp_names_function(prog, i))
			continue;
		frames = 1 + interp_function_frames(prog, is_function, memo,
						    interp_function_target(prog, i), level + 1);
		if (frames > deepest)
			deepest = frames < cap ? frames : cap;
	}
	memo[start] = deepest;
	return deepest;
}

static int interp_count_frames(struct exec_program *prog, char *err, size_t err_size)
{
	bool *is_function = calloc(prog->count, sizeof(*is_function));
	uint32_t *memo = calloc(prog->count, sizeof(*memo));
	int ret = 0;

	if (!is_function || !memo) {
		ret = exec_error(err, err_size, -ENOMEM, "out of memory decoding %zu instructions",
				 prog->count);
		goto out;
	}
	is_function[0] = true;
	for (size_t i = 0; i < prog->count; i++) {
		if (!(prog->code[i].flags & INTERP_F_LDDW_TAIL) && interp_names_function(prog, i))
			is_function[interp_function_target(prog, i)] = true;
	}
	prog->frames = interp_function_frames(prog, is_function, memo, 0, 0);
out:
	free(is_function);
	free(memo);
	return ret;
}

int exec_tail_call_error(const struct exec_program *target, uint64_t count, uint32_t depth)
{
	if (count >= EBPF_MAX_TAIL_CALLS)
		return -E2BIG;
	if (!target)
		return -ENOENT;
	if (depth + target->frames > EBPF_MAX_CALL_DEPTH)
		return -ELOOP;
	return 0;
}

int interp_prepare(struct exec_program *prog, char *err, size_t err_size)
{
	int ret;

	if (!prog->count)
		return exec_error(err, err_size, -EINVAL, "the program has no instructions");
	prog->code = calloc(prog->count, sizeof(*prog->code));
	if (!prog->code)
		return exec_error(err, err_size, -ENOMEM, "out of memory decoding %zu instructions",
				  prog->count);
	ret = interp_check_encoding(prog, err, err_size);
	if (ret)
		return ret;
	for (size_t i = 0; i < prog->count; i++) {
		if (prog->code[i].flags & INTERP_F_LDDW_TAIL)
			continue;
		ret = interp_decode_insn(prog, i, err, err_size);
		if (ret)
			return ret;
	}
	ret = interp_check_end(prog, err, err_size);
	if (ret)
		return ret;
	return interp_count_frames(prog, err, err_size);
}

/* ---- Run time ---------------------------------------------------------------------------- */

/* Unaligned, alias-anything views of memory for the load and store handlers. */
typedef uint16_t __attribute__((aligned(1), may_alias)) interp_u16;
typedef uint32_t __attribute__((aligned(1), may_alias)) interp_u32;
typedef uint64_t __attribute__((aligned(1), may_alias)) interp_u64;

#define INTERP_STACK_BYTES (EBPF_MAX_CALL_DEPTH * EBPF_STACK_SIZE)

/* What a local call saves: where to return and the callee-saved registers r6-r9. A bpf_loop
 * call saves its loop too: the callback's exit comes back to it for the next index; a
 * bpf_for_each_map_elem call its walk, for the next element. */
struct interp_frame {
	const struct exec_program *prog; /* a tail call may have replaced the caller's program */
	const struct interp_insn *ret;
	uint64_t saved[4];
	const struct interp_insn *loop_fn; /* NULL: a local call */
	uint64_t loop_ctx;
	uint32_t loop_index, loop_count;
	struct exec_map_walk *walk; /* NULL: no bpf_for_each_map_elem */
};

/* The checked mode's state for one run. */
struct interp_check {
	const struct exec_checked_opts *opts;
	uint64_t executed;
	char *err;
	size_t err_size;
};

static bool interp_range_in(uint64_t addr, uint64_t size, uint64_t start, uint64_t len)
{
	return addr >= start && addr - start <= len && size <= len - (addr - start);
}

/*
 * The live stack is the current frame and every caller's frame above it (a subprogram may be
 * handed a pointer into its caller's stack): [top - (depth + 1) * 512, top).
 */
static bool interp_access_ok(const struct interp_check *chk, uintptr_t stack_top, uint32_t depth,
			     uint64_t addr, uint64_t size, bool write)
{
	const struct exec_checked_opts *opts = chk->opts;
	const uint64_t live = (uint64_t)(depth + 1) * EBPF_STACK_SIZE;

	if (interp_range_in(addr, size, stack_top - live, live))
		return true;
	for (size_t i = 0; opts && i < opts->region_count; i++) {
		const struct exec_region *r = &opts->regions[i];

		if (interp_range_in(addr, size, r->start, r->size) && (!write || r->writable))
			return true;
	}
	return opts && opts->is_accessible &&
	       opts->is_accessible(opts->is_accessible_arg, addr, size, write);
}

/* The key copies of the walks in progress (bpf_for_each_map_elem), which their callbacks read. */
static bool interp_walk_key_ok(const struct interp_frame *frames, uint32_t depth, uint64_t addr,
			       uint64_t size, bool write)
{
	for (uint32_t d = 0; d < depth && !write; d++)
		if (frames[d].walk && interp_range_in(addr, size, (uintptr_t)frames[d].walk->key,
						      sizeof(frames[d].walk->key)))
			return true;
	return false;
}

static bool interp_in_readonly_region(const struct interp_check *chk, uint64_t addr, uint64_t size)
{
	for (size_t i = 0; chk->opts && i < chk->opts->region_count; i++) {
		const struct exec_region *r = &chk->opts->regions[i];

		if (interp_range_in(addr, size, r->start, r->size) && !r->writable)
			return true;
	}
	return false;
}

static int interp_access_fail(const struct interp_check *chk, size_t index, uintptr_t stack_top,
			      uint32_t depth, uint64_t addr, uint64_t size, bool write)
{
	const uint64_t fp = stack_top - (uint64_t)depth * EBPF_STACK_SIZE;
	const uint64_t frame_lo = fp - EBPF_STACK_SIZE;
	const char *what = write ? "write" : "read";
	const char *where = "outside the stack and every accessible region";

	if (write && interp_in_readonly_region(chk, addr, size))
		where = "in a read-only region";
	else if (addr < frame_lo && addr + size > frame_lo - EBPF_STACK_SIZE)
		where = "below the stack frame (stack overflow)";
	else if (addr < stack_top + EBPF_STACK_SIZE && addr + size > stack_top)
		where = "above the top of the stack (stack underflow)";
	return exec_error(chk->err, chk->err_size, -EFAULT,
			  "insn %zu: %s of %" PRIu64 " bytes at 0x%" PRIx64 " (fp%+" PRId64
			  ") is %s",
			  index, what, size, addr, (int64_t)(addr - fp), where);
}

static int interp_misaligned(const struct interp_check *chk, size_t index, uint64_t addr,
			     uint64_t size)
{
	return exec_error(chk->err, chk->err_size, -EFAULT,
			  "insn %zu: atomic access of %" PRIu64 " bytes at 0x%" PRIx64
			  " is not aligned",
			  index, size, addr);
}

/* Where a tail call into a program of another engine goes: it runs to completion there. */
static uint64_t interp_run_foreign(const struct exec_program *prog, uint64_t r1)
{
	return exec_program_run(prog, r1, 0);
}

#define INTERP_CHECKED 0
#define INTERP_FN      interp_loop_fast
#include "exec/interp_loop.inc"
#undef INTERP_CHECKED
#undef INTERP_FN

#define INTERP_CHECKED 1
#define INTERP_FN      interp_loop_checked
#include "exec/interp_loop.inc"
#undef INTERP_CHECKED
#undef INTERP_FN

uint64_t interp_run(const struct exec_program *program, uint64_t r1, uint64_t r2)
{
	uint64_t r0 = 0;

	interp_loop_fast(program, r1, r2, NULL, &r0);
	return r0;
}

int interp_run_checked(const struct exec_program *program, uint64_t r1, uint64_t r2,
		       const struct exec_checked_opts *opts, uint64_t *r0, char *err,
		       size_t err_size)
{
	struct interp_check chk = {
		.opts = opts,
		.err = err,
		.err_size = err_size,
	};

	*r0 = 0;
	return interp_loop_checked(program, r1, r2, &chk, r0);
}
