/* SPDX-License-Identifier: MIT */
/*
 * The interpreter beyond the instruction conformance suite: frames and the call depth limit,
 * tail calls, the checked mode's bounds checks, prepare-time refusals and helper calls.
 */
#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "exec_test.h"
#include "isa/isa.h"

#define INSN(c, d, s, o, i)                                                                        \
	{                                                                                          \
		.code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i)                \
	}
#define EXIT_INSN	  INSN(EBPF_OP_EXIT, 0, 0, 0, 0)
#define MOV64_IMM(d, i)	  INSN(EBPF_CLS_ALU64 | EBPF_ALU_MOV | EBPF_SRC_K, d, 0, 0, i)
#define JA(off)		  INSN(EBPF_OP_JA, 0, 0, off, 0)
#define CALL(kind, imm)	  INSN(EBPF_OP_CALL, 0, kind, 0, imm)
#define LDDW(d, kind, lo) INSN(EBPF_OP_LDDW, d, kind, 0, lo), INSN(0, 0, 0, 0, 0)

/* Prepares raw instructions, expecting a refusal whose message holds every needle. */
#define ASSERT_REFUSED(helpers, insns, ...)                                                        \
	assert_refused(helpers, insns, sizeof(insns) / sizeof(insns[0]),                           \
		       (const char *[]){ __VA_ARGS__, NULL })

static void assert_refused(const struct exec_helpers *helpers, const struct ebpf_inst *insns,
			   size_t count, const char **needles)
{
	struct exec_program *prog = (void *)1;
	char err[256] = "";

	assert_int_equal(
	    exec_program_create(insns, count, EXEC_INTERP, helpers, &prog, err, sizeof(err)),
	    -EINVAL);
	assert_null(prog);
	for (size_t i = 0; needles[i]; i++) {
		if (!strstr(err, needles[i]))
			fail_msg("message '%s' lacks '%s'", err, needles[i]);
	}
}

/* Runs in the checked mode (stack only, or one region) and expects success. */
static uint64_t run_checked_ok(const struct test_prog *p, void *mem, size_t size)
{
	struct exec_region region = { (uintptr_t)mem, size, true };
	struct exec_checked_opts opts = { .regions = &region, .region_count = mem ? 1 : 0 };
	char err[256] = "";
	uint64_t r0 = 0;

	if (exec_program_run_checked(p->prog, (uintptr_t)mem, size, &opts, &r0, err, sizeof(err)))
		fail_msg("checked run failed: %s", err);
	return r0;
}

/* ---- Frames ------------------------------------------------------------------------------ */

/* f(n) recurses n times: the entry frame plus n + 1 frames of f. */
static const char recursion[] = "mov %%r1, %d\n"
				"call local f\n"
				"exit\n"
				"f:\n"
				"jne %%r1, 0, recurse\n"
				"mov %%r0, 0\n"
				"exit\n"
				"recurse:\n"
				"sub %%r1, 1\n"
				"call local f\n" /* insn 7 */
				"add %%r0, 1\n"
				"exit\n";

static void test_call_depth_limit(void **state)
{
	struct exec_checked_opts opts = { 0 };
	struct test_prog p;
	char err[256] = "";
	uint64_t r0 = 0;

	(void)state;
	/* EBPF_MAX_CALL_DEPTH frames, the entry function included, are allowed... */
	test_prog_load(&p, NULL, recursion, EBPF_MAX_CALL_DEPTH - 2);
	assert_int_equal(exec_program_run(p.prog, 0, 0), EBPF_MAX_CALL_DEPTH - 2);
	assert_int_equal(run_checked_ok(&p, NULL, 0), EBPF_MAX_CALL_DEPTH - 2);
	test_prog_free(&p);

	/* ...one more is refused at the call that would make it. */
	test_prog_load(&p, NULL, recursion, EBPF_MAX_CALL_DEPTH - 1);
	assert_int_equal(exec_program_run_checked(p.prog, 0, 0, &opts, &r0, err, sizeof(err)),
			 -ELOOP);
	assert_non_null(strstr(err, "insn 7:"));
	assert_non_null(strstr(err, "call depth"));
	/* The fast mode checks nothing else but will not overrun its frames: it ends with 0. */
	assert_int_equal(exec_program_run(p.prog, 0, 0), 0);
	test_prog_free(&p);
}

static void test_frames_preserve_r6_r9_and_own_r10(void **state)
{
	struct test_prog p;

	(void)state;
	test_prog_load(&p, NULL,
		       "mov %%r6, 6\n"
		       "mov %%r7, 7\n"
		       "mov %%r8, 8\n"
		       "mov %%r9, 9\n"
		       "stdw [%%r10-8], 1\n"
		       "mov %%r1, %%r10\n"
		       "call local f\n"
		       "jne %%r6, 6, bad\n"
		       "jne %%r7, 7, bad\n"
		       "jne %%r8, 8, bad\n"
		       "jne %%r9, 9, bad\n"
		       "jne %%r1, %%r10, bad\n" /* the caller's r10 is back */
		       "ldxdw %%r2, [%%r10-8]\n"
		       "jne %%r2, 1, bad\n" /* the callee's store went to its own frame */
		       "exit\n"
		       "bad:\n"
		       "mov %%r0, -1\n"
		       "exit\n"
		       "f:\n"
		       "mov %%r6, 0\n"
		       "mov %%r7, 0\n"
		       "mov %%r8, 0\n"
		       "mov %%r9, 0\n"
		       "stdw [%%r10-8], 2\n"
		       "ldxdw %%r3, [%%r1-8]\n" /* the caller's frame, through a pointer */
		       "jne %%r3, 1, fbad\n"
		       "mov %%r0, %%r1\n"
		       "sub %%r0, %%r10\n"
		       "exit\n"
		       "fbad:\n"
		       "mov %%r0, -2\n"
		       "exit\n");
	assert_int_equal(exec_program_run(p.prog, 0, 0), EBPF_STACK_SIZE);
	assert_int_equal(run_checked_ok(&p, NULL, 0), EBPF_STACK_SIZE);
	test_prog_free(&p);
}

/* ---- Tail calls -------------------------------------------------------------------------- */

struct prog_array {
	const struct exec_program *slots[4];
};

static const struct exec_program *array_lookup(void *array, uint32_t index)
{
	struct prog_array *a = array;

	return index < 4 ? a->slots[index] : NULL;
}

static const struct exec_helpers tail_helpers = { .tail_call = array_lookup };

static uint64_t run_both(const struct test_prog *p, uint64_t *ctx, uint64_t ctx_init)
{
	uint64_t fast, checked;

	*ctx = ctx_init;
	fast = exec_program_run(p->prog, (uintptr_t)ctx, sizeof(*ctx));
	*ctx = ctx_init;
	checked = run_checked_ok(p, ctx, sizeof(*ctx));
	assert_int_equal(fast, checked);
	return fast;
}

static void test_tail_call_chain(void **state)
{
	struct prog_array array = { 0 };
	struct test_prog a, b, c;
	uint64_t ctx;

	(void)state;
	test_prog_load(&a, &tail_helpers,
		       "lddw %%r2, 0x%" PRIxPTR "\n"
		       "mov %%r3, 1\n"
		       "call 12\n"
		       "mov %%r0, 99\n"
		       "exit\n",
		       (uintptr_t)&array);
	test_prog_load(&b, &tail_helpers,
		       "ldxdw %%r0, [%%r1]\n"
		       "add %%r0, 1\n"
		       "stxdw [%%r1], %%r0\n"
		       "lddw %%r2, 0x%" PRIxPTR "\n"
		       "mov %%r3, 2\n"
		       "call 12\n"
		       "mov %%r0, 98\n"
		       "exit\n",
		       (uintptr_t)&array);
	test_prog_load(&c, &tail_helpers,
		       "ldxdw %%r0, [%%r1]\n" /* r1 is still the context */
		       "add %%r0, 10\n"
		       "exit\n");
	array.slots[1] = b.prog;
	array.slots[2] = c.prog;

	assert_int_equal(run_both(&a, &ctx, 100), 111);
	/* A failed tail call (empty slot) goes on with the next instruction. */
	array.slots[2] = NULL;
	assert_int_equal(run_both(&a, &ctx, 100), 98);
	array.slots[1] = NULL;
	assert_int_equal(run_both(&a, &ctx, 100), 99);
	test_prog_free(&a);
	test_prog_free(&b);
	test_prog_free(&c);
}

static void test_tail_call_limit(void **state)
{
	struct prog_array array = { 0 };
	struct test_prog p;
	uint64_t ctx;

	(void)state;
	/* Counts its runs in the context and tail-calls itself until that fails. */
	test_prog_load(&p, &tail_helpers,
		       "ldxdw %%r2, [%%r1]\n"
		       "add %%r2, 1\n"
		       "stxdw [%%r1], %%r2\n"
		       "lddw %%r2, 0x%" PRIxPTR "\n"
		       "mov %%r3, 0\n"
		       "call 12\n"
		       "mov %%r0, 7\n"
		       "exit\n",
		       (uintptr_t)&array);
	array.slots[0] = p.prog;

	ctx = 0;
	assert_int_equal(exec_program_run(p.prog, (uintptr_t)&ctx, sizeof(ctx)), 7);
	assert_int_equal(ctx, 1 + EBPF_MAX_TAIL_CALLS);
	ctx = 0;
	assert_int_equal(run_checked_ok(&p, &ctx, sizeof(ctx)), 7);
	assert_int_equal(ctx, 1 + EBPF_MAX_TAIL_CALLS);
	/* The count is per run, not per program. */
	ctx = 0;
	assert_int_equal(exec_program_run(p.prog, (uintptr_t)&ctx, sizeof(ctx)), 7);
	assert_int_equal(ctx, 1 + EBPF_MAX_TAIL_CALLS);
	test_prog_free(&p);
}

/* ---- Checked mode ------------------------------------------------------------------------ */

struct access_log {
	uint64_t addr, size;
	bool write;
	bool allow;
	int calls;
};

static bool log_access(void *arg, uint64_t addr, uint64_t size, bool write)
{
	struct access_log *log = arg;

	log->addr = addr;
	log->size = size;
	log->write = write;
	log->calls++;
	return log->allow;
}

/* Runs text in the checked mode with mem as the one region; returns the error. */
static int run_checked(const char *text, void *mem, size_t size, bool writable,
		       struct access_log *log, char *err, size_t err_size)
{
	struct exec_region region = { (uintptr_t)mem, size, writable };
	struct exec_checked_opts opts = {
		.regions = &region,
		.region_count = 1,
		.is_accessible = log ? log_access : NULL,
		.is_accessible_arg = log,
	};
	struct test_prog p;
	uint64_t r0;
	int ret;

	test_prog_load(&p, NULL, "%s", text);
	ret = exec_program_run_checked(p.prog, (uintptr_t)mem, size, &opts, &r0, err, err_size);
	test_prog_free(&p);
	return ret;
}

#define ASSERT_FAULT(text, mem, writable, ...)                                                     \
	do {                                                                                       \
		char err_[256] = "";                                                               \
		const char *needles_[] = { __VA_ARGS__, NULL };                                    \
                                                                                                   \
		assert_int_equal(                                                                  \
		    run_checked(text, mem, sizeof(mem), writable, NULL, err_, sizeof(err_)),       \
		    -EFAULT);                                                                      \
		for (size_t i_ = 0; needles_[i_]; i_++) {                                          \
			if (!strstr(err_, needles_[i_]))                                           \
				fail_msg("message '%s' lacks '%s'", err_, needles_[i_]);           \
		}                                                                                  \
	} while (0)

static void test_checked_catches_stack_out_of_bounds(void **state)
{
	uint8_t mem[8] = { 0 };
	char err[256];

	(void)state;
	/* Both ends of the frame are fine... */
	assert_int_equal(run_checked("stdw [%r10-512], 1\nldxdw %r0, [%r10-8]\nexit\n", mem,
				     sizeof(mem), true, NULL, err, sizeof(err)),
			 0);
	/* ...one byte beyond either is not. */
	ASSERT_FAULT("mov %r0, 0\nstxdw [%r10-520], %r0\nexit\n", mem, true,
		     "insn 1:", "write of 8 bytes", "stack overflow");
	ASSERT_FAULT("ldxb %r0, [%r10-513]\nexit\n", mem, true, "insn 0:", "read of 1 bytes",
		     "stack overflow");
	ASSERT_FAULT("ldxdw %r0, [%r10-4]\nexit\n", mem, true, "insn 0:", "stack underflow");
	ASSERT_FAULT("mov %r0, 0\nstxw [%r10+0], %r0\nexit\n", mem, true,
		     "insn 1:", "stack underflow");
}

static void test_checked_catches_region_out_of_bounds(void **state)
{
	/* Static, not on the C stack: an address just above the interpreter's frames would be
	 * reported as a stack underflow rather than as outside the region. */
	static uint8_t mem[8];

	(void)state;
	ASSERT_FAULT("ldxw %r0, [%r1+6]\nexit\n", mem, true, "insn 0:", "read of 4 bytes",
		     "outside the stack and every accessible region");
	ASSERT_FAULT("ldxb %r0, [%r1-1]\nexit\n", mem, true, "insn 0:", "read of 1 bytes");
	ASSERT_FAULT("mov %r0, 0\nstb [%r1+2], 1\nexit\n", mem, false,
		     "insn 1:", "read-only region");
}

static void test_checked_catches_atomic_out_of_bounds(void **state)
{
	uint8_t mem[8] = { 0 };

	(void)state;
	ASSERT_FAULT("mov %r2, 1\nlock add [%r10+0], %r2\nmov %r0, 0\nexit\n", mem, true,
		     "insn 1:", "write of 8 bytes", "stack underflow");
	ASSERT_FAULT("mov %r2, 1\nlock fetch add32 [%r1+8], %r2\nmov %r0, 0\nexit\n", mem, true,
		     "insn 1:", "write of 4 bytes");
	ASSERT_FAULT("mov %r2, 1\nlock xchg [%r1+0], %r2\nmov %r0, 0\nexit\n", mem, false,
		     "insn 1:", "read-only region");
	ASSERT_FAULT("mov %r2, 1\nlock add32 [%r10-6], %r2\nmov %r0, 0\nexit\n", mem, true,
		     "insn 1:", "not aligned");
}

static void test_checked_asks_is_accessible(void **state)
{
	struct access_log log = { .allow = true };
	uint64_t mem[4] = { 0 }; /* the region is mem[0]; the callback is asked about the rest */
	char err[256] = "";

	(void)state;
	assert_int_equal(
	    run_checked("ldxh %r0, [%r1+8]\nexit\n", mem, 8, true, &log, err, sizeof(err)), 0);
	assert_int_equal(log.calls, 1);
	assert_int_equal(log.addr, (uintptr_t)mem + 8);
	assert_int_equal(log.size, 2);
	assert_false(log.write);

	log = (struct access_log){ .allow = false };
	assert_int_equal(run_checked("mov %r0, 0\nstw [%r1+16], 1\nexit\n", mem, 8, true, &log, err,
				     sizeof(err)),
			 -EFAULT);
	assert_int_equal(log.calls, 1);
	assert_true(log.write);
	assert_non_null(strstr(err, "insn 1:"));
}

static void test_checked_counts_instructions(void **state)
{
	struct exec_checked_opts opts = { .max_insns = 1000 };
	struct test_prog p;
	char err[256] = "";
	uint64_t r0;

	(void)state;
	test_prog_load(&p, NULL, "mov %%r0, 0\nloop:\nadd %%r0, 1\nja loop\n");
	assert_int_equal(exec_program_run_checked(p.prog, 0, 0, &opts, &r0, err, sizeof(err)),
			 -E2BIG);
	assert_non_null(strstr(err, "more than 1000 instructions"));
	test_prog_free(&p);

	/* Exactly max_insns instructions are fine. */
	test_prog_load(&p, NULL, "mov %%r0, 1\nexit\n");
	opts.max_insns = 2;
	assert_int_equal(exec_program_run_checked(p.prog, 0, 0, &opts, &r0, err, sizeof(err)), 0);
	assert_int_equal(r0, 1);
	test_prog_free(&p);
}

static void test_checked_stack_starts_zeroed(void **state)
{
	struct test_prog dirty, reader;

	(void)state;
	/* The checked mode is the fuzzers' oracle: a read of a never-written stack slot gives 0,
	 * not what an earlier run left at the same place of the C stack. */
	test_prog_load(&dirty, NULL,
		       "lddw %%r1, 0x7777777777777777\nstxdw [%%r10-8], %%r1\nmov %%r0, 0\nexit\n");
	test_prog_load(&reader, NULL, "ldxdw %%r0, [%%r10-8]\nexit\n");
	assert_int_equal(run_checked_ok(&dirty, NULL, 0), 0);
	assert_int_equal(run_checked_ok(&reader, NULL, 0), 0);
	test_prog_free(&dirty);
	test_prog_free(&reader);
}

/* ---- Prepare-time refusals --------------------------------------------------------------- */

static void test_bad_jumps_refused(void **state)
{
	const struct ebpf_inst beyond[] = { JA(5), EXIT_INSN };
	const struct ebpf_inst before[] = { MOV64_IMM(0, 0), JA(-3), EXIT_INSN };
	const struct ebpf_inst at_end[] = {
		INSN(EBPF_CLS_JMP | EBPF_JMP_JEQ | EBPF_SRC_K, 0, 0, 1, 0),
		EXIT_INSN,
	};
	const struct ebpf_inst into_lddw[] = { JA(1), LDDW(0, 0, 7), EXIT_INSN };
	const struct ebpf_inst bad_call[] = { CALL(EBPF_CALL_LOCAL, 10), EXIT_INSN };
	const struct ebpf_inst falls_off[] = { EXIT_INSN, MOV64_IMM(0, 1) };
	const struct ebpf_inst ends_in_lddw[] = { LDDW(0, 0, 7) };

	(void)state;
	ASSERT_REFUSED(NULL, beyond, "insn 0:", "outside the program");
	ASSERT_REFUSED(NULL, before, "insn 1:", "target -1");
	ASSERT_REFUSED(NULL, at_end, "insn 0:", "target 2");
	ASSERT_REFUSED(NULL, into_lddw, "insn 0:", "second slot of an lddw");
	ASSERT_REFUSED(NULL, bad_call, "insn 0:", "local call target 11");
	ASSERT_REFUSED(NULL, falls_off, "insn 1:", "fall off the end");
	ASSERT_REFUSED(NULL, ends_in_lddw, "insn 1:", "fall off the end");
}

static uint64_t helper_one(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5);

static void test_unknown_helper_refused(void **state)
{
	static const ebpf_helper_fn global[] = { NULL, helper_one };
	const struct exec_helpers helpers = { .global = global, .global_count = 2 };
	const struct ebpf_inst unknown[] = { MOV64_IMM(0, 0), CALL(EBPF_CALL_HELPER, 77),
					     EXIT_INSN };
	const struct ebpf_inst null_slot[] = { CALL(EBPF_CALL_HELPER, 0), EXIT_INSN };
	const struct ebpf_inst type_id[] = {
		CALL(EBPF_CALL_HELPER, (int32_t)EBPF_PROGRAM_TYPE_HELPER_ID_BASE), EXIT_INSN
	};
	const struct ebpf_inst tail_call[] = { CALL(EBPF_CALL_HELPER, 12), EXIT_INSN };
	const struct ebpf_inst unwind[] = { CALL(EBPF_CALL_HELPER, 5), EXIT_INSN };
	const struct ebpf_inst kfunc[] = { CALL(EBPF_CALL_KFUNC, 1), EXIT_INSN };

	(void)state;
	ASSERT_REFUSED(&helpers, unknown, "insn 1:", "unknown helper id 77");
	ASSERT_REFUSED(NULL, unknown, "insn 1:", "unknown helper id 77");
	ASSERT_REFUSED(&helpers, null_slot, "insn 0:", "unknown helper id 0");
	ASSERT_REFUSED(&helpers, type_id, "insn 0:", "unknown helper id 65536");
	/* Tail calls and "unwind" exist only when the caller provides them. */
	ASSERT_REFUSED(&helpers, tail_call, "insn 0:", "unknown helper id 12");
	ASSERT_REFUSED(&helpers, unwind, "insn 0:", "unknown helper id 5");
	ASSERT_REFUSED(&helpers, kfunc, "insn 0:", "kfunc");
}

static void test_unrelocated_and_invalid_refused(void **state)
{
	const struct ebpf_inst map_fd[] = { LDDW(1, EBPF_PSEUDO_MAP_FD, 3), MOV64_IMM(0, 0),
					    EXIT_INSN };
	const struct ebpf_inst ld_abs[] = {
		INSN(EBPF_CLS_LD | EBPF_MODE_ABS | EBPF_SIZE_W, 0, 0, 0, 0),
		EXIT_INSN,
	};
	const struct ebpf_inst bad_opcode[] = { MOV64_IMM(0, 0), INSN(0xff, 0, 0, 0, 0),
						EXIT_INSN };
	const struct ebpf_inst empty[] = { EXIT_INSN };
	struct exec_program *prog = (void *)1;
	char err[256] = "";

	(void)state;
	ASSERT_REFUSED(NULL, map_fd, "insn 0:", "relocated");
	ASSERT_REFUSED(NULL, ld_abs, "insn 0:");
	ASSERT_REFUSED(NULL, bad_opcode, "insn 1:");
	assert_int_equal(exec_program_create(empty, 0, EXEC_INTERP, NULL, &prog, err, sizeof(err)),
			 -EINVAL);
	assert_null(prog);
	assert_non_null(strstr(err, "no instructions"));
}

/* ---- Helpers ----------------------------------------------------------------------------- */

static uint64_t seen[5];

static uint64_t helper_one(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	seen[0] = r1;
	seen[1] = r2;
	seen[2] = r3;
	seen[3] = r4;
	seen[4] = r5;
	return r1 + r2 + r3 + r4 + r5;
}

static uint64_t helper_type(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	(void)r3;
	(void)r4;
	(void)r5;
	return r1 - r2;
}

static void test_helpers_receive_r1_to_r5(void **state)
{
	static const ebpf_helper_fn global[] = { NULL, helper_one };
	static const ebpf_helper_fn type[] = { helper_type };
	const struct exec_helpers helpers = {
		.global = global,
		.global_count = 2,
		.type = type,
		.type_count = 1,
	};
	struct test_prog p;

	(void)state;
	test_prog_load(&p, &helpers,
		       "mov %%r1, 11\nmov %%r2, 22\nmov %%r3, 33\nmov %%r4, 44\nmov %%r5, 55\n"
		       "call 1\nexit\n");
	memset(seen, 0, sizeof(seen));
	assert_int_equal(exec_program_run(p.prog, 0, 0), 165);
	assert_int_equal(seen[0], 11);
	assert_int_equal(seen[1], 22);
	assert_int_equal(seen[2], 33);
	assert_int_equal(seen[3], 44);
	assert_int_equal(seen[4], 55);
	memset(seen, 0, sizeof(seen));
	assert_int_equal(run_checked_ok(&p, NULL, 0), 165);
	assert_int_equal(seen[4], 55);
	test_prog_free(&p);

	/* The program type's helpers start at EBPF_PROGRAM_TYPE_HELPER_ID_BASE. */
	test_prog_load(&p, &helpers, "mov %%r1, 50\nmov %%r2, 8\ncall %u\nexit\n",
		       EBPF_PROGRAM_TYPE_HELPER_ID_BASE);
	assert_int_equal(exec_program_run(p.prog, 0, 0), 42);
	test_prog_free(&p);
}

static void test_callx(void **state)
{
	static const ebpf_helper_fn type[] = { helper_type };
	const struct exec_helpers helpers = { .type = type, .type_count = 1 };
	struct exec_checked_opts opts = { 0 };
	struct test_prog p;
	char err[256] = "";
	uint64_t r0;

	(void)state;
	test_prog_load(&p, &helpers, "mov %%r1, 50\nmov %%r2, 8\nlddw %%r6, %u\ncall %%r6\nexit\n",
		       EBPF_PROGRAM_TYPE_HELPER_ID_BASE);
	assert_int_equal(exec_program_run(p.prog, 0, 0), 42);
	assert_int_equal(run_checked_ok(&p, NULL, 0), 42);
	test_prog_free(&p);

	/* An id with no helper stops the checked run with a message. */
	test_prog_load(&p, &helpers, "mov %%r6, 3\ncall %%r6\nexit\n");
	assert_int_equal(exec_program_run_checked(p.prog, 0, 0, &opts, &r0, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "insn 1:"));
	assert_non_null(strstr(err, "unknown helper id 3"));
	test_prog_free(&p);
}

static void test_unwind_ends_the_program(void **state)
{
	const struct exec_helpers helpers = { .conformance_unwind = true };
	struct test_prog p;

	(void)state;
	/* From inside a subprogram, unwinding with 0 ends the whole program with r0 = 0. */
	test_prog_load(&p, &helpers,
		       "call local f\nmov %%r0, 3\nexit\n"
		       "f:\nmov %%r1, 0\ncall 5\nmov %%r0, 4\nexit\n");
	assert_int_equal(exec_program_run(p.prog, 0, 0), 0);
	assert_int_equal(run_checked_ok(&p, NULL, 0), 0);
	test_prog_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_call_depth_limit),
		cmocka_unit_test(test_frames_preserve_r6_r9_and_own_r10),
		cmocka_unit_test(test_tail_call_chain),
		cmocka_unit_test(test_tail_call_limit),
		cmocka_unit_test(test_checked_catches_stack_out_of_bounds),
		cmocka_unit_test(test_checked_catches_region_out_of_bounds),
		cmocka_unit_test(test_checked_catches_atomic_out_of_bounds),
		cmocka_unit_test(test_checked_asks_is_accessible),
		cmocka_unit_test(test_checked_counts_instructions),
		cmocka_unit_test(test_checked_stack_starts_zeroed),
		cmocka_unit_test(test_bad_jumps_refused),
		cmocka_unit_test(test_unknown_helper_refused),
		cmocka_unit_test(test_unrelocated_and_invalid_refused),
		cmocka_unit_test(test_helpers_receive_r1_to_r5),
		cmocka_unit_test(test_callx),
		cmocka_unit_test(test_unwind_ends_the_program),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
