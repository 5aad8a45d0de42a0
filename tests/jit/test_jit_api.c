/* SPDX-License-Identifier: MIT */
/*
 * The JIT through the public API: programs prepared by it by default, their machine code
 * (ebpf_program_jited, what `extbpf disasm --jited` shows), constant blinding keeping a
 * program's immediates out of that code while it computes the same result, and the instruction
 * pairs compiled as one x86 instruction (zero-extension shifts as a 32-bit mov, "rA = rB;
 * rA += x" as a lea), never across a jump target, and entry frames that save only what a
 * program uses while keeping every callee-saved register of the host, tail calls included;
 * hot stack slots in registers only where nothing else can reach them.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <extbpf/extbpf.h>

#include "../../extensions/sample/sample_ext.h"
#include "verifier/insn.h"

/* r0 = 0x5a17c0de; r0 += 0x1badf00d; exit */
static const struct ebpf_inst program[] = {
	{ .code = 0xb7, .dst_reg = 0, .imm = 0x5a17c0de },
	{ .code = 0x07, .dst_reg = 0, .imm = 0x1badf00d },
	{ .code = 0x95 },
};

static bool contains(const uint8_t *code, size_t size, uint32_t value)
{
	for (size_t i = 0; i + 4 <= size; i++) {
		if (!memcmp(code + i, &value, 4))
			return true;
	}
	return false;
}

static struct ebpf_program *load_insns(enum ebpf_exec_mode mode, bool blind,
				       const struct ebpf_inst *insns, size_t count)
{
	struct ebpf_object_open_opts opts = { .sz = sizeof(opts),
					      .mode = mode,
					      .blind_constants = blind };
	struct ebpf_program *prog;

	if (ebpf_program_load_raw("sample", insns, count, &opts, &prog))
		fail_msg("load: %s", ebpf_last_error());
	return prog;
}

static struct ebpf_program *load(enum ebpf_exec_mode mode, bool blind)
{
	return load_insns(mode, blind, program, 3);
}

static uint64_t run(struct ebpf_program *prog)
{
	uint8_t data[16] = { 0 };
	struct ebpf_test_run_opts run = { .sz = sizeof(run),
					  .data_in = data,
					  .data_size_in = sizeof(data) };

	assert_int_equal(ebpf_program_test_run(prog, &run), 0);
	return run.retval;
}

static void test_default_mode_is_the_jit(void **state)
{
	struct ebpf_program *prog = load(EBPF_MODE_DEFAULT, false);
	const uint8_t *code;
	const uint32_t *offsets;
	size_t size;

	assert_int_equal(ebpf_program_mode(prog), EBPF_MODE_JIT);
	assert_int_equal(ebpf_program_jited(prog, &code, &size, &offsets), 0);
	assert_true(size > 0);
	/* Instruction offsets rise through the code and end at its end. */
	for (size_t i = 0; i < 3; i++)
		assert_true(offsets[i] <= offsets[i + 1]);
	assert_int_equal(offsets[3], size);
	assert_int_equal(run(prog), (uint32_t)(0x5a17c0de + 0x1badf00d));
	ebpf_program_release(prog);
}

static void test_blinding_hides_immediates(void **state)
{
	struct ebpf_program *plain = load(EBPF_MODE_JIT, false);
	struct ebpf_program *blinded = load(EBPF_MODE_JIT, true);
	const uint8_t *code;
	size_t size;

	assert_int_equal(ebpf_program_jited(plain, &code, &size, NULL), 0);
	assert_true(contains(code, size, 0x5a17c0de));
	assert_true(contains(code, size, 0x1badf00d));
	assert_int_equal(ebpf_program_jited(blinded, &code, &size, NULL), 0);
	assert_false(contains(code, size, 0x5a17c0de));
	assert_false(contains(code, size, 0x1badf00d));
	assert_int_equal(run(plain), run(blinded));
	ebpf_program_release(plain);
	ebpf_program_release(blinded);
}

static void test_other_modes_have_no_machine_code(void **state)
{
	struct ebpf_program *prog = load(EBPF_MODE_INTERP, false);
	const uint8_t *code;
	size_t size;

	assert_int_equal(ebpf_program_jited(prog, &code, &size, NULL), -ENOENT);
	assert_non_null(strstr(ebpf_last_error(), "does not run in the JIT"));
	ebpf_program_release(prog);
}

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static size_t jited_size(const struct ebpf_inst *insns, size_t count, uint64_t *result)
{
	struct ebpf_program *prog = load_insns(EBPF_MODE_JIT, false, insns, count);
	const uint8_t *code;
	size_t size;

	assert_int_equal(ebpf_program_jited(prog, &code, &size, NULL), 0);
	*result = run(prog);
	ebpf_program_release(prog);
	return size;
}

/* "r2 = r1; r2 <<= 32; r2 >>= 32" and "r2 <<= 32; r2 >>= 32" are each the code of "w2 = w1"
 * (or "w2 = w2"): one mov, computing what the interpreter computes. */
static void test_zero_extension_is_one_mov(void **state)
{
	const struct ebpf_inst mov_shifts[] = {
		EBPF_LD_IMM64(R1, 0x123456789abcdef0ull),
		EBPF_MOV64_REG(R2, R1),
		EBPF_ALU64_IMM(EBPF_ALU_LSH, R2, 32),
		EBPF_ALU64_IMM(EBPF_ALU_RSH, R2, 32),
		EBPF_MOV64_REG(R0, R2),
		EBPF_EXIT(),
	};
	const struct ebpf_inst mov32[] = {
		EBPF_LD_IMM64(R1, 0x123456789abcdef0ull),
		EBPF_MOV32_REG(R2, R1),
		EBPF_MOV64_REG(R0, R2),
		EBPF_EXIT(),
	};
	const struct ebpf_inst shifts[] = {
		EBPF_LD_IMM64(R2, 0x123456789abcdef0ull),
		EBPF_ALU64_IMM(EBPF_ALU_LSH, R2, 32),
		EBPF_ALU64_IMM(EBPF_ALU_RSH, R2, 32),
		EBPF_MOV64_REG(R0, R2),
		EBPF_EXIT(),
	};
	const struct ebpf_inst self32[] = {
		EBPF_LD_IMM64(R2, 0x123456789abcdef0ull),
		EBPF_MOV32_REG(R2, R2),
		EBPF_MOV64_REG(R0, R2),
		EBPF_EXIT(),
	};
	uint64_t a, b;

	assert_int_equal(jited_size(mov_shifts, COUNT(mov_shifts), &a),
			 jited_size(mov32, COUNT(mov32), &b));
	assert_int_equal(a, 0x9abcdef0);
	assert_int_equal(b, 0x9abcdef0);
	assert_int_equal(jited_size(shifts, COUNT(shifts), &a),
			 jited_size(self32, COUNT(self32), &b));
	assert_int_equal(a, 0x9abcdef0);
	assert_int_equal(b, 0x9abcdef0);
}

/* A jump landing on the right shift must find it: the pair is not fused then. */
static void test_no_zero_extension_across_a_jump_target(void **state)
{
	const struct ebpf_inst insns[] = {
		EBPF_LD_IMM64(R2, 0x500000007ull),
		EBPF_MOV64_IMM(R0, 0),
		EBPF_JMP_IMM(EBPF_JMP_JEQ, R0, 0, 1), /* over the left shift */
		EBPF_ALU64_IMM(EBPF_ALU_LSH, R2, 32),
		EBPF_ALU64_IMM(EBPF_ALU_RSH, R2, 32),
		EBPF_MOV64_REG(R0, R2),
		EBPF_EXIT(),
	};
	struct ebpf_program *prog = load_insns(EBPF_MODE_JIT, false, insns, COUNT(insns));

	assert_int_equal(run(prog), 5); /* 0x500000007 >> 32 */
	ebpf_program_release(prog);
}

static uint64_t run_mode(const struct ebpf_inst *insns, size_t count, enum ebpf_exec_mode mode)
{
	struct ebpf_program *prog = load_insns(mode, false, insns, count);
	uint64_t result = run(prog);

	ebpf_program_release(prog);
	return result;
}

/* The code of instructions [from, to) of a program in the JIT, and its result. */
static uint32_t code_size(const struct ebpf_inst *insns, size_t count, size_t from, size_t to,
			  uint64_t *result)
{
	struct ebpf_program *prog = load_insns(EBPF_MODE_JIT, false, insns, count);
	const uint32_t *offsets;
	const uint8_t *code;
	uint32_t size_from_to;
	size_t size;

	*result = run(prog);
	assert_int_equal(*result, run_mode(insns, count, EBPF_MODE_INTERP));
	assert_int_equal(ebpf_program_jited(prog, &code, &size, &offsets), 0);
	size_from_to = offsets[to] - offsets[from];
	ebpf_program_release(prog);
	return size_from_to;
}

/*
 * After a 32-bit operation or a narrow load (x86 clears the upper half), "r <<= 32; r >>= 32"
 * and "w = w" have no code; after a 64-bit operation, a "to little endian 64" (no code of its
 * own) or on a jump target they keep their mov. Every case against the interpreter.
 */
static void test_no_redundant_zero_extension(void **state)
{
	const struct ebpf_inst alu32[] = {
		EBPF_LD_IMM64(R2, 0x123456789abcdef0ull),
		EBPF_ALU32_IMM(EBPF_ALU_ADD, R2, 7),
		EBPF_ALU64_IMM(EBPF_ALU_LSH, R2, 32),
		EBPF_ALU64_IMM(EBPF_ALU_RSH, R2, 32),
		EBPF_MOV64_REG(R0, R2),
		EBPF_EXIT(),
	};
	const struct ebpf_inst load[] = {
		EBPF_LDX_MEM(W, R2, R1, 16), /* uid */
		EBPF_MOV32_REG(R2, R2),
		EBPF_MOV64_REG(R0, R2),
		EBPF_EXIT(),
	};
	const struct ebpf_inst alu64[] = {
		EBPF_LD_IMM64(R2, 0x123456789abcdef0ull),
		EBPF_ALU64_IMM(EBPF_ALU_ADD, R2, 7),
		EBPF_ALU64_IMM(EBPF_ALU_LSH, R2, 32),
		EBPF_ALU64_IMM(EBPF_ALU_RSH, R2, 32),
		EBPF_MOV64_REG(R0, R2),
		EBPF_EXIT(),
	};
	const struct ebpf_inst le64[] = {
		EBPF_LD_IMM64(R2, 0x123456789abcdef0ull),
		EBPF_ENDIAN(EBPF_TO_LE, R2, 64),
		EBPF_MOV32_REG(R2, R2),
		EBPF_MOV64_REG(R0, R2),
		EBPF_EXIT(),
	};
	const struct ebpf_inst target[] = {
		EBPF_LD_IMM64(R2, 0x123456789abcdef0ull),
		EBPF_MOV64_IMM(R0, 0),
		EBPF_JMP_IMM(EBPF_JMP_JEQ, R0, 0, 1), /* over the 32-bit add */
		EBPF_ALU32_IMM(EBPF_ALU_ADD, R2, 7),
		EBPF_MOV32_REG(R2, R2),
		EBPF_MOV64_REG(R0, R2),
		EBPF_EXIT(),
	};
	uint64_t r0;

	assert_int_equal(code_size(alu32, COUNT(alu32), 3, 5, &r0), 0);
	assert_int_equal(r0, 0x9abcdef7);
	assert_int_equal(code_size(load, COUNT(load), 1, 2, &r0), 0);
	assert_int_not_equal(code_size(alu64, COUNT(alu64), 3, 5, &r0), 0);
	assert_int_equal(r0, 0x9abcdef7);
	assert_int_not_equal(code_size(le64, COUNT(le64), 3, 4, &r0), 0);
	assert_int_equal(r0, 0x9abcdef0);
	assert_int_not_equal(code_size(target, COUNT(target), 5, 6, &r0), 0);
	assert_int_equal(r0, 0x9abcdef0);
}

/*
 * "rA = rB; rA += x" in every form (register, itself, immediate; r7 is r13, a base that needs
 * a displacement byte, as rbp, r10, does): the JIT computes what the interpreter computes, and
 * the pair is one instruction. A "goto +0" before the add (no code of its own, but the add
 * becomes a jump target) keeps the pair apart, and that code must be larger.
 */
static void test_mov_add_is_one_lea(void **state)
{
	static const struct {
		uint8_t dst, base, src;
		bool imm;
	} forms[] = {
		{ R2, R3, R4, false }, { R2, R3, R2, false }, { R2, R3, R0, true },
		{ R2, R7, R4, false }, { R2, R7, R3, false }, { R7, R3, R7, false },
		{ R8, R7, R0, true },
	};

	for (size_t f = 0; f < COUNT(forms); f++) {
		struct ebpf_inst add =
		    forms[f].imm ? EBPF_ALU64_IMM(EBPF_ALU_ADD, forms[f].dst, -12345)
				 : EBPF_ALU64_REG(EBPF_ALU_ADD, forms[f].dst, forms[f].src);
		const struct ebpf_inst fused[] = {
			EBPF_LD_IMM64(R3, 0x1111111122222222ull),
			EBPF_LD_IMM64(R4, 0x3333333344444444ull),
			EBPF_MOV64_REG(R7, R4),
			EBPF_MOV64_REG(forms[f].dst, forms[f].base),
			add,
			EBPF_MOV64_REG(R0, forms[f].dst),
			EBPF_EXIT(),
		};
		const struct ebpf_inst apart[] = {
			EBPF_LD_IMM64(R3, 0x1111111122222222ull),
			EBPF_LD_IMM64(R4, 0x3333333344444444ull),
			EBPF_MOV64_REG(R7, R4),
			EBPF_MOV64_REG(forms[f].dst, forms[f].base),
			EBPF_JMP_A(0),
			add,
			EBPF_MOV64_REG(R0, forms[f].dst),
			EBPF_EXIT(),
		};
		uint64_t a, b;

		assert_true(jited_size(fused, COUNT(fused), &a) <
			    jited_size(apart, COUNT(apart), &b));
		assert_int_equal(a, run_mode(fused, COUNT(fused), EBPF_MODE_INTERP));
		assert_int_equal(b, a);
	}
}

/*
 * Local calls save only what the callee needs: a leaf that writes r7 and has no stack pushes
 * r13 (r7) and nothing else, a caller that writes r6 and r9 and uses 8 bytes of stack a frame
 * smaller than the entry's. Every caller still finds its r6-r9 and its stack as it left them.
 */
static void test_subprogram_frames(void **state)
{
	const struct ebpf_inst insns[] = {
		EBPF_MOV64_IMM(R6, 0x66),
		EBPF_MOV64_IMM(R7, 0x77),
		EBPF_MOV64_IMM(R8, 0x88),
		EBPF_MOV64_IMM(R9, 0x99),
		EBPF_CALL_REL(5), /* middle */
		EBPF_ALU64_REG(EBPF_ALU_ADD, R0, R6),
		EBPF_ALU64_REG(EBPF_ALU_ADD, R0, R7),
		EBPF_ALU64_REG(EBPF_ALU_ADD, R0, R8),
		EBPF_ALU64_REG(EBPF_ALU_ADD, R0, R9),
		EBPF_EXIT(),
		/* 10, middle: r6 = 1, r9 = 2 and a stack slot across a call */
		EBPF_MOV64_IMM(R6, 1),
		EBPF_MOV64_IMM(R9, 2),
		EBPF_STX_MEM(EBPF_SIZE_DW, R10, R6, -8),
		EBPF_CALL_REL(5), /* leaf */
		EBPF_ALU64_REG(EBPF_ALU_ADD, R0, R6),
		EBPF_ALU64_REG(EBPF_ALU_ADD, R0, R9),
		EBPF_LDX_MEM(EBPF_SIZE_DW, R1, R10, -8),
		EBPF_ALU64_REG(EBPF_ALU_ADD, R0, R1),
		EBPF_EXIT(),
		/* 19, leaf: clobbers r7 */
		EBPF_MOV64_IMM(R7, 5),
		EBPF_MOV64_REG(R0, R7),
		EBPF_ALU64_IMM(EBPF_ALU_ADD, R0, 100),
		EBPF_EXIT(),
	};
	struct ebpf_program *prog = load_insns(EBPF_MODE_JIT, false, insns, COUNT(insns));
	const uint32_t *offsets;
	const uint8_t *code;
	size_t size;

	assert_int_equal(run(prog), 105 + 1 + 2 + 1 + 0x66 + 0x77 + 0x88 + 0x99);
	assert_int_equal(run(prog), run_mode(insns, COUNT(insns), EBPF_MODE_INTERP));
	assert_int_equal(ebpf_program_jited(prog, &code, &size, &offsets), 0);
	/* push r13 (41 55), then mov r13d, 5 (41 bd imm32) */
	assert_int_equal(offsets[20] - offsets[19], 2 + 6);
	assert_memory_equal(code + offsets[19], "\x41\x55\x41\xbd", 4);
	assert_true(offsets[11] - offsets[10] < offsets[1] - offsets[0]);
	ebpf_program_release(prog);
}

/*
 * A function that neither addresses its stack nor saves r6-r9 but calls a helper reserves only
 * 8 bytes of padding (rsp 16-byte aligned at the call), and has no rbp to give them back: its
 * return must still find its return address. Called twice, from two depths.
 */
static void test_padding_only_frame(void **state)
{
	const struct ebpf_inst insns[] = {
		EBPF_CALL_REL(3), /* padded */
		EBPF_MOV64_REG(R1, R0),
		EBPF_CALL_REL(4), /* via */
		EBPF_EXIT(),
		/* 4, padded: a helper call, its result dropped */
		EBPF_HELPER_CALL(7), /* bpf_get_prandom_u32 */
		EBPF_MOV64_IMM(R0, 40),
		EBPF_EXIT(),
		/* 7, via: calls padded from one frame deeper */
		EBPF_MOV64_REG(R6, R1),
		EBPF_CALL_REL(-5), /* padded */
		EBPF_ALU64_REG(EBPF_ALU_ADD, R0, R6),
		EBPF_ALU64_IMM(EBPF_ALU_ADD, R0, 2),
		EBPF_EXIT(),
	};
	struct ebpf_program *prog = load_insns(EBPF_MODE_JIT, false, insns, COUNT(insns));

	assert_int_equal(run(prog), 40 + 40 + 2);
	assert_int_equal(run(prog), run_mode(insns, COUNT(insns), EBPF_MODE_INTERP));
	ebpf_program_release(prog);
}

static const uint32_t *jited_offsets(struct ebpf_program *prog)
{
	const uint32_t *offsets;
	const uint8_t *code;
	size_t size;

	assert_int_equal(ebpf_program_jited(prog, &code, &size, &offsets), 0);
	return offsets;
}

/*
 * "if cond goto +1; goto X" is one jump to X on the opposite condition (the goto has no code
 * of its own), for every condition, 64- and 32-bit, taken and not: r0 says which way it went,
 * as in the interpreter. Values straddle signed and unsigned order and the 32-bit halves.
 */
static void test_inverted_jump_pair(void **state)
{
	static const uint8_t ops[] = { EBPF_JMP_JEQ,  EBPF_JMP_JNE,  EBPF_JMP_JGT,  EBPF_JMP_JGE,
				       EBPF_JMP_JLT,  EBPF_JMP_JLE,  EBPF_JMP_JSGT, EBPF_JMP_JSGE,
				       EBPF_JMP_JSLT, EBPF_JMP_JSLE, EBPF_JMP_JSET };
	static const uint64_t values[] = { 5, 4, 6, 0xffffffff00000005ull, 0x80000005ull };

	for (size_t o = 0; o < COUNT(ops); o++) {
		for (size_t v = 0; v < COUNT(values); v++) {
			for (int cls = 0; cls < 2; cls++) {
				struct ebpf_inst cond = cls ? EBPF_JMP32_IMM(ops[o], R1, 5, 1)
							    : EBPF_JMP_IMM(ops[o], R1, 5, 1);
				const struct ebpf_inst insns[] = {
					EBPF_LD_IMM64(R1, values[v]),
					cond,
					EBPF_JMP_A(2),
					EBPF_MOV64_IMM(R0, 1),
					EBPF_EXIT(),
					EBPF_MOV64_IMM(R0, 2),
					EBPF_EXIT(),
				};
				struct ebpf_program *prog =
				    load_insns(EBPF_MODE_JIT, false, insns, COUNT(insns));
				const uint32_t *offsets = jited_offsets(prog);

				assert_int_equal(offsets[3],
						 offsets[4]); /* the goto's code: none */
				assert_int_equal(run(prog),
						 run_mode(insns, COUNT(insns), EBPF_MODE_INTERP));
				ebpf_program_release(prog);
			}
		}
	}
}

/* Every load size and sign extension, and the bases of the indexed-load tests: the stack (r10,
 * rbp, which needs a displacement byte even for 0) and another register. */
static const uint8_t load_codes[] = {
	EBPF_CLS_LDX | EBPF_MODE_MEM | EBPF_SIZE_B,   EBPF_CLS_LDX | EBPF_MODE_MEM | EBPF_SIZE_H,
	EBPF_CLS_LDX | EBPF_MODE_MEM | EBPF_SIZE_W,   EBPF_CLS_LDX | EBPF_MODE_MEM | EBPF_SIZE_DW,
	EBPF_CLS_LDX | EBPF_MODE_MEMSX | EBPF_SIZE_B, EBPF_CLS_LDX | EBPF_MODE_MEMSX | EBPF_SIZE_H,
	EBPF_CLS_LDX | EBPF_MODE_MEMSX | EBPF_SIZE_W,
};
static const uint8_t index_bases[] = { R10, R7 };

/* Two words on the stack at -16 and -8, r7 = r10 and r3 = 4: what the indexed loads read (8 of
 * the instructions, the last at 7). */
#define INDEXED_SETUP()                                                                            \
	EBPF_LD_IMM64(R1, 0x8899aabbccddeeffull), EBPF_STX_MEM(EBPF_SIZE_DW, R10, R1, -16),        \
	    EBPF_LD_IMM64(R1, 0x0123456789abcdefull), EBPF_STX_MEM(EBPF_SIZE_DW, R10, R1, -8),     \
	    EBPF_MOV64_REG(R7, R10), EBPF_MOV64_IMM(R3, 4)

/*
 * "rA = rB; rA += imm; rA += rC; rA = *(size *)(rA + off)" is one load from
 * [rB + rC + imm + off] for every size and sign extension, from the stack (rB = r10, rbp, which
 * needs a displacement byte even for 0) and through another register: the last three
 * instructions have no code of their own, and the results are the interpreter's.
 */
static void test_indexed_load(void **state)
{
	(void)state;
	for (size_t l = 0; l < COUNT(load_codes); l++) {
		for (size_t b = 0; b < COUNT(index_bases); b++) {
			const struct ebpf_inst insns[] = {
				INDEXED_SETUP(),
				/* 8: the fused four */
				EBPF_MOV64_REG(R2, index_bases[b]),
				EBPF_ALU64_IMM(EBPF_ALU_ADD, R2, -20),
				EBPF_ALU64_REG(EBPF_ALU_ADD, R2, R3),
				EBPF_RAW_INSN(load_codes[l], R2, R2, 2, 0),
				EBPF_MOV64_REG(R0, R2),
				EBPF_EXIT(),
			};
			struct ebpf_program *prog =
			    load_insns(EBPF_MODE_JIT, false, insns, COUNT(insns));
			const uint32_t *offsets = jited_offsets(prog);

			assert_int_equal(offsets[9], offsets[12]);
			assert_int_equal(run(prog),
					 run_mode(insns, COUNT(insns), EBPF_MODE_INTERP));
			ebpf_program_release(prog);
		}
	}
}

/*
 * "rA = rB; rA += imm; rA += rC; rD = *(size *)(rA + off)" with rA read nowhere after is one
 * load into rD, every size and sign extension, from the stack and through another register;
 * the twin reads rA again (a second load through it) and keeps a load of its own. Results
 * against the interpreter.
 */
static void test_indexed_load_into_other(void **state)
{

	(void)state;
	for (size_t v = 0; v < COUNT(load_codes) * COUNT(index_bases) * 2; v++) {
		bool live = v & 1;
		uint8_t base = index_bases[v / 2 % COUNT(index_bases)];
		const struct ebpf_inst insns[] = {
			INDEXED_SETUP(),
			/* 8: the fused four */
			EBPF_MOV64_REG(R2, base),
			EBPF_ALU64_IMM(EBPF_ALU_ADD, R2, -20),
			EBPF_ALU64_REG(EBPF_ALU_ADD, R2, R3),
			EBPF_RAW_INSN(load_codes[v / 2 / COUNT(index_bases)], R4, R2, 2, 0),
			live ? EBPF_LDX_MEM(EBPF_SIZE_B, R1, R2, 7) : EBPF_MOV64_IMM(R1, 3),
			EBPF_MOV64_REG(R0, R4),
			EBPF_ALU64_REG(EBPF_ALU_XOR, R0, R1),
			EBPF_EXIT(),
		};
		struct ebpf_program *prog = load_insns(EBPF_MODE_JIT, false, insns, COUNT(insns));
		const uint32_t *offsets = jited_offsets(prog);

		if ((offsets[9] == offsets[12]) == live)
			fail_msg("load 0x%02x base r%u, rA %s: offsets 0x%x 0x%x",
				 load_codes[v / 2 / COUNT(index_bases)], base,
				 live ? "live" : "dead", offsets[9], offsets[12]);
		assert_int_equal(run(prog), run_mode(insns, COUNT(insns), EBPF_MODE_INTERP));
		ebpf_program_release(prog);
	}
}

/*
 * A local call to a small straight leaf is the leaf's code in place (no call): it computes what
 * the interpreter computes, in a loop whose backward jump spans it, with an lddw in the leaf,
 * r1-r5 written by it and r6-r9 of the caller kept; a leaf with a jump and two exits too.
 */
static void test_inlined_leaf_calls(void **state)
{
	const struct ebpf_inst insns[] = {
		EBPF_MOV64_IMM(R6, 0),
		EBPF_MOV64_IMM(R7, 0),
		EBPF_MOV64_IMM(R8, 0x80),
		EBPF_MOV64_IMM(R9, 0x900),
		/* 4: loop */
		EBPF_MOV64_REG(R1, R7),
		EBPF_MOV64_REG(R2, R6),
		EBPF_MOV64_IMM(R3, 3),
		EBPF_CALL_REL(10), /* mix: inlined */
		EBPF_MOV64_REG(R7, R0),
		EBPF_MOV64_REG(R1, R7),
		EBPF_CALL_REL(17), /* halve: inlined */
		EBPF_MOV64_REG(R7, R0),
		EBPF_ALU64_IMM(EBPF_ALU_ADD, R6, 1),
		EBPF_JMP_IMM(EBPF_JMP_JLT, R6, 10, -10),
		EBPF_MOV64_REG(R0, R7),
		EBPF_ALU64_REG(EBPF_ALU_ADD, R0, R8),
		EBPF_ALU64_REG(EBPF_ALU_ADD, R0, R9),
		EBPF_EXIT(),
		/* 18, mix: ((r1 ^ r2) * FNV prime) + r3, writing r1, r2, r4, r5 on the way */
		EBPF_MOV64_REG(R0, R1),
		EBPF_ALU64_REG(EBPF_ALU_XOR, R0, R2),
		EBPF_LD_IMM64(R4, 0x100000001b3ull),
		EBPF_ALU64_REG(EBPF_ALU_MUL, R0, R4),
		EBPF_MOV64_IMM(R1, 0x1111),
		EBPF_MOV64_REG(R2, R3),
		EBPF_MOV64_IMM(R5, -1),
		EBPF_ALU64_REG(EBPF_ALU_ADD, R0, R2),
		EBPF_EXIT(),
		/* 28, halve: r1 / 2, plus 1 when odd */
		EBPF_MOV64_REG(R0, R1),
		EBPF_ALU64_IMM(EBPF_ALU_RSH, R0, 1),
		EBPF_JMP_IMM(EBPF_JMP_JSET, R1, 1, 1),
		EBPF_EXIT(),
		EBPF_ALU64_IMM(EBPF_ALU_ADD, R0, 1),
		EBPF_EXIT(),
	};
	struct ebpf_program *prog = load_insns(EBPF_MODE_JIT, false, insns, COUNT(insns));
	const uint32_t *offsets;
	const uint8_t *code;
	size_t size;

	assert_int_equal(run(prog), run_mode(insns, COUNT(insns), EBPF_MODE_INTERP));
	assert_int_equal(ebpf_program_jited(prog, &code, &size, &offsets), 0);
	assert_int_not_equal(code[offsets[7]], 0xe8);
	assert_true(offsets[8] - offsets[7] > 5);
	assert_int_not_equal(code[offsets[10]], 0xe8);
	assert_true(offsets[11] - offsets[10] > 5);
	ebpf_program_release(prog);
}

/* ---- entry frames: the host's callee-saved registers ------------------------------------- */

/*
 * The JIT's entry frames keep the host's callee-saved registers (rbx, rbp, r12-r15) whatever
 * they save: only the registers a program uses, or all of them when it makes tail calls, and
 * across tail calls between programs that save different sets, from a main function and from a
 * subprogram. The machine code is called directly (ebpf_program_jited) by a small assembly
 * function that fills those registers with known values and reports what they hold afterwards.
 */
#define SAVED 6 /* rbx rbp r12 r13 r14 r15 */

/*
 * uint64_t call_with_marks(const void *code, void *ctx, uint64_t after[SAVED]): calls code(ctx,
 * 0) with rbx, rbp and r12-r15 set to mark(n), then stores what they hold in after[]. rsp is
 * 16-byte aligned at the call, as the System V ABI wants.
 */
#define MARK(n) (0x5a5a000000000000ull | ((uint64_t)(n) << 8) | 0xa5)
uint64_t call_with_marks(const void *code, void *ctx, uint64_t after[SAVED]);
__asm__(".text\n"
	".globl call_with_marks\n"
	".type call_with_marks, @function\n"
	"call_with_marks:\n"
	"	push %rbx\n"
	"	push %rbp\n"
	"	push %r12\n"
	"	push %r13\n"
	"	push %r14\n"
	"	push %r15\n"
	"	push %rdx\n" /* after[]; seven pushes: rsp is aligned again */
	"	mov %rdi, %rax\n"
	"	mov %rsi, %rdi\n"
	"	xor %esi, %esi\n"
	"	movabs $0x5a5a0000000000a5, %rbx\n"
	"	movabs $0x5a5a0000000001a5, %rbp\n"
	"	movabs $0x5a5a0000000002a5, %r12\n"
	"	movabs $0x5a5a0000000003a5, %r13\n"
	"	movabs $0x5a5a0000000004a5, %r14\n"
	"	movabs $0x5a5a0000000005a5, %r15\n"
	"	call *%rax\n"
	"	pop %rdx\n"
	"	mov %rbx, 0(%rdx)\n"
	"	mov %rbp, 8(%rdx)\n"
	"	mov %r12, 16(%rdx)\n"
	"	mov %r13, 24(%rdx)\n"
	"	mov %r14, 32(%rdx)\n"
	"	mov %r15, 40(%rdx)\n"
	"	pop %r15\n"
	"	pop %r14\n"
	"	pop %r13\n"
	"	pop %r12\n"
	"	pop %rbp\n"
	"	pop %rbx\n"
	"	ret\n"
	".size call_with_marks, .-call_with_marks\n");

static const char *const saved_names[SAVED] = { "rbx", "rbp", "r12", "r13", "r14", "r15" };

/* Runs a JIT program's code directly; fails naming any callee-saved register it changed. */
static uint64_t run_marked(const struct ebpf_program *prog, void *ctx)
{
	uint64_t after[SAVED];
	const uint8_t *code;
	uint64_t r0;
	size_t size;

	assert_int_equal(ebpf_program_jited(prog, &code, &size, NULL), 0);
	r0 = call_with_marks(code, ctx, after);
	for (int n = 0; n < SAVED; n++) {
		if (after[n] != MARK(n))
			fail_msg("%s: %s is 0x%llx after the run, not 0x%llx",
				 ebpf_program_name(prog), saved_names[n],
				 (unsigned long long)after[n], (unsigned long long)MARK(n));
	}
	return r0;
}

/* A program that mentions none of r6-r9 builds its frame and saves nothing in it: its first
 * instruction's code is push rbp, mov rbp, rsp, sub rsp, imm32 and its own mov. */
static void test_entry_saves_nothing_unused(void **state)
{
	const struct ebpf_inst insns[] = {
		EBPF_MOV64_IMM(R0, 41),
		EBPF_ALU64_IMM(EBPF_ALU_ADD, R0, 1),
		EBPF_EXIT(),
	};
	struct ebpf_program *prog = load_insns(EBPF_MODE_JIT, false, insns, COUNT(insns));
	const uint32_t *offsets;
	const uint8_t *code;
	size_t size;

	assert_int_equal(run_marked(prog, NULL), 42);
	assert_int_equal(ebpf_program_jited(prog, &code, &size, &offsets), 0);
	assert_int_equal(offsets[1] - offsets[0], 1 + 3 + 7 + 5);
	assert_memory_equal(code, "\x55\x48\x89\xe5", 4);
	ebpf_program_release(prog);
}

/* r6-r9 written in the entry function and in a subprogram: the entry saves the ones it
 * mentions (r6, r8), the subprogram pushes its own (r7, r9), and the host gets all back. */
static void test_entry_saves_what_it_uses(void **state)
{
	const struct ebpf_inst insns[] = {
		EBPF_MOV64_IMM(R6, 6),
		EBPF_MOV64_IMM(R8, 8),
		EBPF_CALL_REL(3),
		EBPF_ALU64_REG(EBPF_ALU_ADD, R0, R6),
		EBPF_ALU64_REG(EBPF_ALU_ADD, R0, R8),
		EBPF_EXIT(),
		/* 6: sub, a call (it addresses its stack: never inlined) */
		EBPF_MOV64_IMM(R7, 700),
		EBPF_MOV64_IMM(R9, 9000),
		EBPF_STX_MEM(DW, R10, R7, -8),
		EBPF_LDX_MEM(DW, R0, R10, -8),
		EBPF_ALU64_REG(EBPF_ALU_ADD, R0, R9),
		EBPF_EXIT(),
	};
	struct ebpf_program *prog = load_insns(EBPF_MODE_JIT, false, insns, COUNT(insns));
	const uint32_t *offsets;
	const uint8_t *code;
	size_t size;

	assert_int_equal(run_marked(prog, NULL), 9714);
	/* Its prologue stores rbx and r14 (mov [rbp + disp32], reg: 7 bytes each), nothing else;
	 * then mov ebx, 6. */
	assert_int_equal(ebpf_program_jited(prog, &code, &size, &offsets), 0);
	assert_int_equal(offsets[1] - offsets[0], 1 + 3 + 7 + 7 + 7 + 5);
	ebpf_program_release(prog);
}

/* Every conditional jump. */
static const uint8_t jump_ops[] = {
	EBPF_JMP_JEQ,  EBPF_JMP_JNE,  EBPF_JMP_JGT,  EBPF_JMP_JGE,  EBPF_JMP_JLT,  EBPF_JMP_JLE,
	EBPF_JMP_JSGT, EBPF_JMP_JSGE, EBPF_JMP_JSLT, EBPF_JMP_JSLE, EBPF_JMP_JSET,
};

/*
 * "r1 = imm; if r1 op r2 goto L" with r1 read on neither path afterwards is one compare of r2
 * with the constant on the swapped condition (the jump's own instruction has no code): every
 * condition, 64- and 32-bit, against the interpreter, with constants on both sides of every
 * order. Twins that keep the mov: r1 read where the jump lands, and a negative 32-bit mov
 * before a 64-bit compare (its value is not the sign-extended immediate cmp would use).
 */
static void test_constant_compare(void **state)
{
	static const int32_t values[] = { -5, 3, 7 };
	static const uint8_t classes[] = { EBPF_CLS_JMP, EBPF_CLS_JMP32 };
	static const uint8_t movs[] = { EBPF_CLS_ALU64, EBPF_CLS_ALU };

	(void)state;
	for (size_t n = 0; n < COUNT(jump_ops) * COUNT(classes) * COUNT(movs) * 2; n++) {
		uint8_t op = jump_ops[n % COUNT(jump_ops)], cls = classes[n / COUNT(jump_ops) % 2];
		uint8_t mov = movs[n / COUNT(jump_ops) / 2 % 2];
		bool live = n / COUNT(jump_ops) / 4;

		for (size_t a = 0; a < COUNT(values); a++) {
			for (size_t b = 0; b < COUNT(values); b++) {
				const struct ebpf_inst insns[] = {
					EBPF_MOV64_IMM(R2, values[b]),
					EBPF_MOV64_IMM(R0, 1),
					EBPF_RAW_INSN(mov | EBPF_ALU_MOV | EBPF_SRC_K, R1, 0, 0,
						      values[a]),
					EBPF_RAW_INSN(cls | op | EBPF_SRC_X, R1, R2, 1, 0),
					EBPF_MOV64_IMM(R0, 0),
					live ? EBPF_ALU64_REG(EBPF_ALU_ADD, R0, R1)
					     : EBPF_MOV64_IMM(R3, 0),
					EBPF_EXIT(),
				};
				bool kept = live || (cls == EBPF_CLS_JMP && mov == EBPF_CLS_ALU &&
						     values[a] < 0);
				uint64_t result;
				uint32_t jump = code_size(insns, COUNT(insns), 3, 4, &result);

				if (kept != (jump > 0))
					fail_msg(
					    "op 0x%02x class 0x%02x mov 0x%02x live %d, %d ? %d: "
					    "the jump's code is %u bytes",
					    op, cls, mov, live, values[a], values[b], jump);
			}
		}
	}
}

/*
 * cmpxchg compares memory with r0 without naming it: "r0 = imm; if r0 op r2 goto L" before one
 * keeps its mov, so the exchange happens exactly when the interpreter's does. r0 holds another
 * value before the mov (a pointer could be there, the outcome would tell its value). Jumps of
 * both widths, landing on the next instruction or past one.
 */
static void test_constant_compare_keeps_cmpxchg_operand(void **state)
{
	static const uint8_t classes[] = { EBPF_CLS_JMP, EBPF_CLS_JMP32 };

	(void)state;
	for (size_t n = 0; n < COUNT(classes) * 2; n++) {
		int16_t skip = (int16_t)(n / COUNT(classes));
		const struct ebpf_inst insns[] = {
			EBPF_ST_MEM(DW, R10, -8, 5),
			EBPF_MOV64_IMM(R0, 7),
			EBPF_MOV64_IMM(R2, 3),
			EBPF_MOV64_IMM(R0, 5),
			EBPF_RAW_INSN(classes[n % COUNT(classes)] | EBPF_JMP_JGT | EBPF_SRC_X, R0,
				      R2, skip, 0),
			EBPF_MOV64_IMM(R3, 8),
			EBPF_MOV64_IMM(R3, 9),
			EBPF_ATOMIC_OP(DW, EBPF_ATOMIC_CMPXCHG, R10, R3, -8),
			EBPF_LDX_MEM(DW, R0, R10, -8),
			EBPF_EXIT(),
		};

		assert_int_equal(run_mode(insns, COUNT(insns), EBPF_MODE_INTERP), 9);
		assert_int_equal(run_mode(insns, COUNT(insns), EBPF_MODE_JIT), 9);
	}
}

/* One level of a recursive fib with an extra argument x, as one function per level (what a
 * verifier accepts): fib(n, x) = n + x when n < 2, else fib(n - 1, x) + fib(n - 2, x), keeping
 * n, x and the first result in r6-r8 across its calls to the level below, which follows it. */
#define FIB_LEVEL                                                                                  \
	EBPF_MOV64_REG(R0, R1), EBPF_ALU64_REG(EBPF_ALU_ADD, R0, R2),                              \
	    EBPF_JMP_IMM(EBPF_JMP_JLT, R1, 2, 10), EBPF_MOV64_REG(R6, R1), EBPF_MOV64_REG(R7, R2), \
	    EBPF_ALU64_IMM(EBPF_ALU_ADD, R1, -1), EBPF_CALL_REL(7), EBPF_MOV64_REG(R8, R0),        \
	    EBPF_MOV64_REG(R1, R6), EBPF_ALU64_IMM(EBPF_ALU_ADD, R1, -2), EBPF_MOV64_REG(R2, R7),  \
	    EBPF_CALL_REL(2), EBPF_ALU64_REG(EBPF_ALU_ADD, R0, R8), EBPF_EXIT()
#define FIB_CALL1 6  /* where a level calls the one below */
#define FIB_CALL2 11 /* and the second time */

/*
 * Local calls to functions with jumps, several exits and r6-r9 of their own, compiled in the
 * caller's place when they are small enough with what they inline themselves (fib2 with two
 * copies of fib1, each with two of fib0; fib3 would be too big: a call), computing what the
 * interpreter computes: in a loop that the copies' jumps lie in, with five arguments, r6-r9 the
 * caller reads after a copy that writes them (pushed around it), a copy in a function that
 * never mentions the r6 its copy writes (so it saves it for its own caller), a pointer to the
 * caller's stack given to a copy, and the host's callee-saved registers kept.
 */
static void test_inlined_calls_with_jumps(void **state)
{
	const struct ebpf_inst insns[] = {
		EBPF_MOV64_IMM(R6, 0),
		EBPF_MOV64_IMM(R7, 0),
		EBPF_MOV64_IMM(R8, 0x80),
		EBPF_MOV64_IMM(R9, 0x900),
		/* 4: loop */
		EBPF_MOV64_REG(R1, R6),
		EBPF_MOV64_REG(R2, R9),
		EBPF_CALL_REL(36), /* 6: fib3, a call */
		EBPF_ALU64_IMM(EBPF_ALU_MUL, R7, 31),
		EBPF_ALU64_REG(EBPF_ALU_ADD, R7, R0),
		EBPF_MOV64_REG(R1, R7),
		EBPF_MOV64_REG(R2, R6),
		EBPF_MOV64_REG(R3, R6),
		EBPF_MOV64_IMM(R4, 4),
		EBPF_MOV64_REG(R5, R8),
		EBPF_CALL_REL(21), /* 14: mix5, inlined */
		EBPF_ALU64_REG(EBPF_ALU_XOR, R7, R0),
		EBPF_ALU64_IMM(EBPF_ALU_ADD, R6, 1),
		EBPF_JMP_IMM(EBPF_JMP_JLT, R6, 9, -14),
		EBPF_CALL_REL(5), /* 18: mid, a call */
		EBPF_ALU64_REG(EBPF_ALU_ADD, R0, R7),
		EBPF_ALU64_REG(EBPF_ALU_ADD, R0, R8),
		EBPF_ALU64_REG(EBPF_ALU_ADD, R0, R9),
		EBPF_ALU64_REG(EBPF_ALU_ADD, R0, R6),
		EBPF_EXIT(),
		/* 24, mid: gives clobber a pointer to its stack, mentions no r6-r9 */
		EBPF_ST_MEM(DW, R10, -8, 5),
		EBPF_MOV64_REG(R1, R10),
		EBPF_ALU64_IMM(EBPF_ALU_ADD, R1, -8),
		EBPF_CALL_REL(3), /* 27: clobber, inlined */
		EBPF_LDX_MEM(DW, R1, R10, -8),
		EBPF_ALU64_REG(EBPF_ALU_ADD, R0, R1),
		EBPF_EXIT(),
		/* 31, clobber: *r1 += 77 through r6 */
		EBPF_MOV64_IMM(R6, 77),
		EBPF_LDX_MEM(DW, R0, R1, 0),
		EBPF_ALU64_REG(EBPF_ALU_ADD, R0, R6),
		EBPF_STX_MEM(DW, R1, R0, 0),
		EBPF_EXIT(),
		/* 36, mix5: (r1 ^ r2) + r5 when r3 <= r4, else (r1 ^ r2) - r5 */
		EBPF_MOV64_REG(R0, R1),
		EBPF_ALU64_REG(EBPF_ALU_XOR, R0, R2),
		EBPF_JMP_REG(EBPF_JMP_JGT, R3, R4, 2),
		EBPF_ALU64_REG(EBPF_ALU_ADD, R0, R5),
		EBPF_EXIT(),
		EBPF_ALU64_REG(EBPF_ALU_SUB, R0, R5),
		EBPF_EXIT(),
		FIB_LEVEL, /* 43: fib3 */
		FIB_LEVEL, /* 57: fib2 */
		FIB_LEVEL, /* 71: fib1 */
		/* 85: fib0 */
		EBPF_MOV64_REG(R0, R1),
		EBPF_ALU64_REG(EBPF_ALU_ADD, R0, R2),
		EBPF_EXIT(),
	};
	struct ebpf_program *prog = load_insns(EBPF_MODE_JIT, false, insns, COUNT(insns));
	const uint32_t *offsets;
	const uint8_t *code;
	size_t size;

	(void)state;
	assert_int_equal(run_marked(prog, NULL), run_mode(insns, COUNT(insns), EBPF_MODE_INTERP));
	assert_int_equal(ebpf_program_jited(prog, &code, &size, &offsets), 0);
	assert_int_equal(code[offsets[6]], 0xe8);
	assert_int_not_equal(code[offsets[14]], 0xe8);
	assert_int_equal(code[offsets[18]], 0xe8);
	assert_int_not_equal(code[offsets[27]], 0xe8);
	assert_int_not_equal(code[offsets[43 + FIB_CALL1]], 0xe8);
	assert_int_not_equal(code[offsets[43 + FIB_CALL2]], 0xe8);
	assert_int_not_equal(code[offsets[57 + FIB_CALL1]], 0xe8);
	ebpf_program_release(prog);
}

static struct ebpf_object *open_tail_frames(void)
{
	struct ebpf_object_open_opts opts = { .sz = sizeof(opts), .mode = EBPF_MODE_JIT };
	struct ebpf_object *obj = NULL;
	char path[4096];

	snprintf(path, sizeof(path), "%s/tests/progs/jit_tail_frames.bpf.o",
		 getenv("EXTBPF_BUILD_DIR"));
	if (ebpf_object_open(path, &opts, &obj))
		fail_msg("open %s: %s", path, ebpf_last_error());
	return obj;
}

/* What the targets of jit_tail_frames.bpf.c return for a context (see the program). */
static int64_t target_result(const struct sample_ctx *ctx, uint32_t slot)
{
	uint32_t flags = slot == 2 ? 1 : slot; /* relay_main sets 1, then calls busy */

	if (slot == 0) /* bare */
		return ctx->uid + 1;
	return (int64_t)(ctx->counter * 1000 + ctx->uid * 100 + flags * 10 + ctx->uid + 3);
}

/*
 * keeper keeps r6-r9 across a subprogram that tail-calls (the target lands in the subprogram's
 * frame), direct tail-calls from its main function (the target replaces the program): targets
 * that save nothing, all of r6-r9, or tail-call again from their own main function. Every
 * slot, the empty one included.
 */
static void test_tail_calls_between_frames(void **state)
{
	struct ebpf_object *obj = open_tail_frames();
	struct ebpf_program *keeper = ebpf_object_find_program(obj, "keeper");
	struct ebpf_program *direct = ebpf_object_find_program(obj, "direct");

	assert_non_null(keeper);
	assert_non_null(direct);
	for (uint32_t slot = 0; slot < 4; slot++) {
		struct sample_ctx ctx = { .uid = 2 + slot, .flags = slot, .counter = 3 };
		struct sample_ctx copy = ctx;
		int64_t kept = ctx.uid * 1000000 + slot * 10000 + ctx.counter * 100 + ctx.uid + 5;
		int64_t hop = slot < 3 ? target_result(&ctx, slot) : 1000 + slot;

		assert_int_equal((int32_t)run_marked(keeper, &ctx), hop + kept);
		assert_int_equal((int32_t)run_marked(direct, &copy),
				 slot < 3 ? target_result(&copy, slot) : 2000);
	}
	ebpf_object_close(obj);
}

/*
 * Hot stack slots kept in scratch registers. The loop accumulates in four 8-byte slots, each
 * used five times; the hazard between the loop and the final reads may make the JIT keep some
 * or all of them in memory, and the result (every slot and r9 mixed) says whether a store the
 * hazard made through another path was seen, against the interpreter.
 */
#define SLOT_PREFIX 20
#define SLOT_MAX    64

static const struct ebpf_inst slot_prefix[SLOT_PREFIX] = {
	EBPF_ST_MEM(DW, R10, -8, 1),
	EBPF_ST_MEM(DW, R10, -16, 2),
	EBPF_ST_MEM(DW, R10, -24, -3),
	EBPF_ST_MEM(DW, R10, -32, 4),
	EBPF_MOV64_IMM(R6, 0),
	EBPF_MOV64_IMM(R9, 0),
	/* 6: loop */
	EBPF_LDX_MEM(DW, R1, R10, -8),
	EBPF_LDX_MEM(DW, R2, R10, -16),
	EBPF_ALU64_REG(EBPF_ALU_ADD, R1, R2),
	EBPF_ALU64_IMM(EBPF_ALU_MUL, R1, 3),
	EBPF_STX_MEM(DW, R10, R1, -8),
	EBPF_LDX_MEM(DW, R3, R10, -24),
	EBPF_ALU64_REG(EBPF_ALU_XOR, R3, R1),
	EBPF_STX_MEM(DW, R10, R3, -24),
	EBPF_LDX_MEM(DW, R4, R10, -32),
	EBPF_ALU64_REG(EBPF_ALU_ADD, R4, R3),
	EBPF_STX_MEM(DW, R10, R4, -32),
	EBPF_STX_MEM(DW, R10, R4, -16),
	EBPF_ALU64_IMM(EBPF_ALU_ADD, R6, 1),
	EBPF_JMP_IMM(EBPF_JMP_JLT, R6, 20, -14),
};

static const struct ebpf_inst slot_suffix[] = {
	EBPF_LDX_MEM(DW, R0, R10, -8),
	EBPF_LDX_MEM(DW, R1, R10, -16),
	EBPF_ALU64_REG(EBPF_ALU_XOR, R0, R1),
	EBPF_LDX_MEM(DW, R1, R10, -24),
	EBPF_ALU64_REG(EBPF_ALU_ADD, R0, R1),
	EBPF_LDX_MEM(DW, R1, R10, -32),
	EBPF_ALU64_REG(EBPF_ALU_XOR, R0, R1),
	EBPF_ALU64_REG(EBPF_ALU_ADD, R0, R9),
	EBPF_EXIT(),
};

/* The program: prefix, hazard, suffix, then the hazard's subprogram (if any). */
static size_t slot_program(struct ebpf_inst *out, const struct ebpf_inst *hazard, size_t n,
			   const struct ebpf_inst *sub, size_t sub_n)
{
	size_t len = 0;

	memcpy(out, slot_prefix, sizeof(slot_prefix));
	len += SLOT_PREFIX;
	memcpy(out + len, hazard, n * sizeof(*hazard));
	len += n;
	memcpy(out + len, slot_suffix, sizeof(slot_suffix));
	len += COUNT(slot_suffix);
	if (sub_n) /* memcpy's pointers must be valid even for no bytes (sub is NULL then) */
		memcpy(out + len, sub, sub_n * sizeof(*sub));
	return len + sub_n;
}

/* The bytes of immediate after the ModRM of one-byte opcode op (reg: ModRM's reg field), or -1:
 * an opcode the JIT's register forms do not use. */
static int immediate_size(uint8_t op, uint8_t reg)
{
	switch (op) {
	case 0x01:
	case 0x03:
	case 0x09:
	case 0x0b:
	case 0x21:
	case 0x23:
	case 0x29:
	case 0x2b:
	case 0x31:
	case 0x33:
	case 0x39:
	case 0x3b:
	case 0x85:
	case 0x89:
	case 0x8b:
	case 0x8d:
	case 0xd3:
		return 0;
	case 0x83:
	case 0xc1:
		return 1;
	case 0x69:
	case 0x81:
	case 0xc7:
		return 4;
	case 0xf7:
		return reg == 0 ? 4 : 0;
	default:
		return -1;
	}
}

/*
 * Whether the code of instruction i, with the instructions compiled into it (fused ones start
 * where it ends), works on registers only: no ModRM operand addresses memory (mod 3 in each),
 * or there is no code at all. Decodes the forms the JIT emits for ALU work and jumps.
 */
static bool is_register_move(const uint8_t *code, const uint32_t *offsets, size_t i)
{
	uint32_t at = offsets[i], end = offsets[i + 1];

	while (at < end) {
		uint8_t op = code[at];
		int imm;

		if ((op & 0xf0) == 0x40) /* REX */
			op = code[++at];
		if ((op & 0xf0) == 0x70 || op == 0xeb) { /* jcc/jmp rel8 */
			at += 2;
			continue;
		}
		if (op == 0xe9 || (op == 0x0f && (code[at + 1] & 0xf0) == 0x80)) { /* rel32 */
			at += op == 0xe9 ? 5 : 6;
			continue;
		}
		if (op == 0x0f && code[at + 1] == 0xaf) { /* imul r, r/m */
			op = 0x03;
			at++;
		}
		imm = immediate_size(op, (code[at + 1] >> 3) & 7);
		if (imm < 0)
			fail_msg("insn %zu: x86 opcode 0x%02x at 0x%x not decoded", i, op, at);
		if ((code[at + 1] >> 6) != 3)
			return false;
		at += 2 + (uint32_t)imm;
	}
	return true;
}

/* Runs the program in both engines; bit n of the result: slot -8 * (n + 1) is in a register. */
static unsigned slots_in_registers(const struct ebpf_inst *hazard, size_t n,
				   const struct ebpf_inst *sub, size_t sub_n)
{
	static const size_t loads[4] = { 6, 7, 11, 14 }; /* of -8, -16, -24, -32 */
	struct ebpf_inst insns[SLOT_MAX];
	size_t count = slot_program(insns, hazard, n, sub, sub_n);
	struct ebpf_program *prog = load_insns(EBPF_MODE_JIT, false, insns, count);
	const uint32_t *offsets = jited_offsets(prog);
	const uint8_t *code;
	unsigned mask = 0;
	size_t size;

	assert_int_equal(run(prog), run_mode(insns, count, EBPF_MODE_INTERP));
	assert_int_equal(ebpf_program_jited(prog, &code, &size, NULL), 0);
	for (unsigned k = 0; k < 4; k++)
		if (is_register_move(code, offsets, loads[k]))
			mask |= 1u << k;
	ebpf_program_release(prog);
	return mask;
}

/* All four hot slots live in registers: three in the scratch registers, the fourth in a
 * callee-saved one the program never mentions (r7's, r8's or r12), saved by its frame. */
static void test_hot_slots_in_registers(void **state)
{
	const struct ebpf_inst none[] = { EBPF_MOV64_IMM(R9, 5) };

	(void)state;
	assert_int_equal(slots_in_registers(none, COUNT(none), NULL, 0), 0xf);
}

/* A pointer to the stack, written through, a narrower access or an atomic one to a slot's bytes,
 * or a call given the frame: the slots involved (or all) stay in memory. A division or a shift
 * by a register (which use the scratch registers) leaves only the three callee-saved registers
 * the program does not mention (r7's, r8's, r12) to the four slots. Every result is the
 * interpreter's. */
static void test_slot_caching_stays_off(void **state)
{
	const struct ebpf_inst escape[] = {
		EBPF_MOV64_REG(R1, R10),
		EBPF_ALU64_IMM(EBPF_ALU_ADD, R1, -16),
		EBPF_ST_MEM(DW, R1, 0, 77),
	};
	const struct ebpf_inst narrow_store[] = { EBPF_ST_MEM(W, R10, -12, 0x55) };
	const struct ebpf_inst narrow_load[] = {
		EBPF_LDX_MEMSX(W, R9, R10, -20),
		EBPF_LDX_MEM(B, R1, R10, -8),
		EBPF_ALU64_REG(EBPF_ALU_ADD, R9, R1),
	};
	const struct ebpf_inst atomic[] = {
		EBPF_MOV64_IMM(R1, 1000),
		EBPF_ATOMIC_OP(DW, EBPF_ALU_ADD, R10, R1, -8),
	};
	const struct ebpf_inst divide[] = {
		EBPF_MOV64_IMM(R2, 7),
		EBPF_MOV64_IMM(R9, 1000),
		EBPF_ALU64_REG(EBPF_ALU_DIV, R9, R2),
	};
	const struct ebpf_inst shift[] = {
		EBPF_MOV64_IMM(R2, 3),
		EBPF_MOV64_IMM(R9, 1000),
		EBPF_ALU64_REG(EBPF_ALU_LSH, R9, R2),
	};
	/* r1 = r10 - 24; r2..r5 = 2..5; call sub; r9 = r0 */
	const struct ebpf_inst call[] = {
		EBPF_MOV64_REG(R1, R10),
		EBPF_ALU64_IMM(EBPF_ALU_ADD, R1, -24),
		EBPF_MOV64_IMM(R2, 2),
		EBPF_MOV64_IMM(R3, 3),
		EBPF_MOV64_IMM(R4, 4),
		EBPF_MOV64_IMM(R5, 5),
		EBPF_CALL_REL(1 + COUNT(slot_suffix)),
		EBPF_MOV64_REG(R9, R0),
	};
	/* *(r1) = r2 * r3 + r4 - r5; r0 = r5 */
	const struct ebpf_inst sub[] = {
		EBPF_MOV64_REG(R0, R2),
		EBPF_ALU64_REG(EBPF_ALU_MUL, R0, R3),
		EBPF_ALU64_REG(EBPF_ALU_ADD, R0, R4),
		EBPF_ALU64_REG(EBPF_ALU_SUB, R0, R5),
		EBPF_STX_MEM(DW, R1, R0, 0),
		EBPF_MOV64_REG(R0, R5),
		EBPF_EXIT(),
	};

	(void)state;
	assert_int_equal(slots_in_registers(escape, COUNT(escape), NULL, 0), 0);
	assert_int_equal(slots_in_registers(narrow_store, COUNT(narrow_store), NULL, 0), 0xd);
	assert_int_equal(slots_in_registers(narrow_load, COUNT(narrow_load), NULL, 0), 0xa);
	assert_int_equal(slots_in_registers(atomic, COUNT(atomic), NULL, 0), 0xe);
	assert_int_equal(slots_in_registers(divide, COUNT(divide), NULL, 0), 0x7);
	assert_int_equal(slots_in_registers(shift, COUNT(shift), NULL, 0), 0x7);
	assert_int_equal(slots_in_registers(call, COUNT(call), sub, COUNT(sub)), 0);
}

/*
 * A subprogram that makes no call keeps its own hot slots in registers, whatever its caller
 * does: called with five arguments from a caller whose r6-r9 and stack must survive.
 */
static void test_callee_slots_in_registers(void **state)
{
	const struct ebpf_inst insns[] = {
		EBPF_ST_MEM(DW, R10, -8, 40),
		EBPF_MOV64_IMM(R6, 6),
		EBPF_MOV64_IMM(R9, 9),
		EBPF_MOV64_IMM(R1, 1),
		EBPF_MOV64_IMM(R2, 2),
		EBPF_MOV64_IMM(R3, 3),
		EBPF_MOV64_IMM(R4, 4),
		EBPF_MOV64_IMM(R5, 5),
		EBPF_CALL_REL(7),
		EBPF_LDX_MEM(DW, R1, R10, -8),
		EBPF_ALU64_REG(EBPF_ALU_ADD, R0, R1),
		EBPF_ALU64_REG(EBPF_ALU_ADD, R0, R6),
		EBPF_ALU64_REG(EBPF_ALU_MUL, R0, R9),
		EBPF_LDX_MEM(DW, R1, R10, -8),
		EBPF_ALU64_REG(EBPF_ALU_ADD, R0, R1),
		EBPF_EXIT(),
		/* 16: r1 and r2 mixed with r3-r5 in two slots through a loop */
		EBPF_STX_MEM(DW, R10, R1, -8),
		EBPF_STX_MEM(DW, R10, R2, -16),
		/* 18: loop */
		EBPF_LDX_MEM(DW, R0, R10, -8),
		EBPF_ALU64_REG(EBPF_ALU_MUL, R0, R3),
		EBPF_ALU64_REG(EBPF_ALU_ADD, R0, R4),
		EBPF_STX_MEM(DW, R10, R0, -8),
		EBPF_LDX_MEM(DW, R0, R10, -16),
		EBPF_ALU64_REG(EBPF_ALU_XOR, R0, R5),
		EBPF_STX_MEM(DW, R10, R0, -16),
		EBPF_ALU64_IMM(EBPF_ALU_ADD, R5, 1),
		EBPF_JMP_IMM(EBPF_JMP_JLT, R5, 12, -9),
		EBPF_LDX_MEM(DW, R0, R10, -8),
		EBPF_LDX_MEM(DW, R1, R10, -16),
		EBPF_ALU64_REG(EBPF_ALU_ADD, R0, R1),
		EBPF_EXIT(),
	};
	struct ebpf_program *prog = load_insns(EBPF_MODE_JIT, false, insns, COUNT(insns));
	const uint32_t *offsets = jited_offsets(prog);
	const uint8_t *code;
	size_t size;

	(void)state;
	assert_int_equal(run(prog), run_mode(insns, COUNT(insns), EBPF_MODE_INTERP));
	assert_int_equal(ebpf_program_jited(prog, &code, &size, NULL), 0);
	assert_false(is_register_move(code, offsets, 9)); /* the caller's calls: memory */
	assert_true(is_register_move(code, offsets, 18));
	assert_true(is_register_move(code, offsets, 22));
	ebpf_program_release(prog);
}

/*
 * A function that calls keeps its hot slots in the callee-saved registers it does not mention
 * (r7's, r8's and r12 for three of the four: the scratch registers do not survive calls). After
 * the loop it calls a subprogram that calls a helper and so keeps its own hot slots in the same
 * registers (r7's and r8's): the callee's frame must save them, or the caller's slots come back
 * changed; then a helper, which keeps them as C does. The host's registers survive the run
 * (run_marked), and the result is the interpreter's.
 */
static void test_slots_across_calls(void **state)
{
	const struct ebpf_inst calls[] = {
		EBPF_MOV64_REG(R1, R6),
		EBPF_MOV64_REG(R2, R3),
		EBPF_CALL_REL(11), /* sub(r6, r3), after the suffix */
		EBPF_ALU64_REG(EBPF_ALU_ADD, R9, R0),
		EBPF_HELPER_CALL(8), /* bpf_get_smp_processor_id: r0 not used */
	};
	/* sub(a, b): its own two slots through a loop that calls a helper */
	const struct ebpf_inst sub[] = {
		EBPF_STX_MEM(DW, R10, R1, -8),
		EBPF_STX_MEM(DW, R10, R2, -16),
		EBPF_MOV64_IMM(R6, 0),
		/* 3: loop */
		EBPF_HELPER_CALL(8),
		EBPF_LDX_MEM(DW, R0, R10, -8),
		EBPF_ALU64_REG(EBPF_ALU_ADD, R0, R6),
		EBPF_ALU64_IMM(EBPF_ALU_MUL, R0, 7),
		EBPF_STX_MEM(DW, R10, R0, -8),
		EBPF_LDX_MEM(DW, R1, R10, -16),
		EBPF_ALU64_REG(EBPF_ALU_XOR, R1, R0),
		EBPF_STX_MEM(DW, R10, R1, -16),
		EBPF_ALU64_IMM(EBPF_ALU_ADD, R6, 1),
		EBPF_JMP_IMM(EBPF_JMP_JLT, R6, 5, -10),
		EBPF_LDX_MEM(DW, R0, R10, -8),
		EBPF_LDX_MEM(DW, R1, R10, -16),
		EBPF_ALU64_REG(EBPF_ALU_ADD, R0, R1),
		EBPF_EXIT(),
	};
	struct ebpf_inst insns[SLOT_MAX];
	size_t count = slot_program(insns, calls, COUNT(calls), sub, COUNT(sub));
	size_t sub_start = count - COUNT(sub);
	struct ebpf_program *prog = load_insns(EBPF_MODE_JIT, false, insns, count);
	const uint32_t *offsets = jited_offsets(prog);
	struct sample_ctx ctx = { 0 };
	const uint8_t *code;
	size_t size;

	(void)state;
	assert_int_equal(run_marked(prog, &ctx), run_mode(insns, count, EBPF_MODE_INTERP));
	assert_int_equal(ebpf_program_jited(prog, &code, &size, NULL), 0);
	/* the caller's loads of -8, -16, -24 (the fourth slot stays in memory), the callee's */
	assert_true(is_register_move(code, offsets, 6));
	assert_true(is_register_move(code, offsets, 7));
	assert_true(is_register_move(code, offsets, 11));
	assert_false(is_register_move(code, offsets, 14));
	assert_true(is_register_move(code, offsets, sub_start + 4));
	assert_true(is_register_move(code, offsets, sub_start + 8));
	ebpf_program_release(prog);
}

/* The program JIT-compiled, its code and offsets, after one run against the interpreter's. */
static struct ebpf_program *jit_checked(const struct ebpf_inst *insns, size_t count,
					const uint8_t **code, const uint32_t **offsets)
{
	struct ebpf_program *prog = load_insns(EBPF_MODE_JIT, false, insns, count);
	size_t size;

	assert_int_equal(run(prog), run_mode(insns, count, EBPF_MODE_INTERP));
	assert_int_equal(ebpf_program_jited(prog, code, &size, offsets), 0);
	return prog;
}

/*
 * JIT-compiles insns and runs it against the interpreter. Returns whether instructions from + 1
 * to from + n - 1 have no code of their own (compiled into from's); *reg (if given) says
 * whether from's code works on registers only (is_register_move).
 */
static bool fused_into(const struct ebpf_inst *insns, size_t count, size_t from, size_t n,
		       bool *reg)
{
	const uint32_t *offsets;
	const uint8_t *code;
	struct ebpf_program *prog = jit_checked(insns, count, &code, &offsets);
	bool fused;

	fused = offsets[from + 1] == offsets[from + n];
	if (reg)
		*reg = is_register_move(code, offsets, from);
	ebpf_program_release(prog);
	return fused;
}

/* Slot offsets on both sides of the 8-bit displacement's end (-128 fits, -136 does not). */
static const int16_t operand_offsets[] = { -8, -128, -136, -512 };

/* r0's upper half folded into the lower one, so that a 32-bit result would show it. */
#define FOLD_R0()                                                                                  \
	EBPF_MOV64_REG(R5, R0), EBPF_ALU64_IMM(EBPF_ALU_RSH, R5, 29),                              \
	    EBPF_ALU64_REG(EBPF_ALU_XOR, R0, R5)

/*
 * "r1 = slot; r4 op= r1" with r1 read nowhere after is one operation on the slot: a memory
 * operand when the stack escapes (r3 = r10 first), the slot's register when it is private.
 * With r1 read afterwards (the twin) the load keeps its code. Every ALU operation with a
 * register form (mov and imul included), 64 and 32 bits (a 32-bit one zero-extends r4 and reads
 * the slot's low half), slots at 8- and 32-bit displacements; results against the interpreter.
 */
static void test_load_operand(void **state)
{
	static const uint8_t ops[] = { EBPF_ALU_ADD, EBPF_ALU_SUB, EBPF_ALU_OR, EBPF_ALU_AND,
				       EBPF_ALU_XOR, EBPF_ALU_MUL, EBPF_ALU_MOV };

	(void)state;
	for (size_t n = 0; n < COUNT(ops) * COUNT(operand_offsets) * 8; n++) {
		uint8_t op = ops[n % COUNT(ops)];
		int16_t off = operand_offsets[n / COUNT(ops) % COUNT(operand_offsets)];
		size_t rest = n / COUNT(ops) / COUNT(operand_offsets);
		bool escaped = rest & 1, live = rest & 2, wide = rest & 4;
		const struct ebpf_inst insns[] = {
			escaped ? EBPF_MOV64_REG(R3, R10) : EBPF_MOV64_IMM(R3, 0),
			EBPF_LD_IMM64(R2, 0x8123456789abcdefull),
			EBPF_STX_MEM(DW, R10, R2, off),
			EBPF_LD_IMM64(R4, 0xfedcba9876543210ull),
			EBPF_LDX_MEM(DW, R1, R10, off), /* 6 */
			EBPF_RAW_INSN((wide ? EBPF_CLS_ALU64 : EBPF_CLS_ALU) | op | EBPF_SRC_X, R4,
				      R1, 0, 0),
			EBPF_MOV64_REG(R0, R4),
			live ? EBPF_ALU64_REG(EBPF_ALU_XOR, R0, R1) : EBPF_MOV64_IMM(R1, 0),
			FOLD_R0(),
			EBPF_EXIT(),
		};
		bool reg, fused = fused_into(insns, COUNT(insns), 6, 2, &reg);

		if (fused == live || (fused && reg == escaped))
			fail_msg("op 0x%02x %s off %d escaped %d live %d: fused %d, registers %d",
				 op, wide ? "64" : "32", off, escaped, live, fused, reg);
	}
}

/*
 * A load through a pointer to the stack (r3 = r10 - 16) read once is a memory operand on that
 * pointer's register; a 32-bit load read by a 32-bit operation too, by a 64-bit one not (the
 * operation would read 8 bytes). Writes through the pointer are seen by loads through r10 that
 * became operands, and an update of the slot in place ("add qword [rbp - 16], 5") by loads
 * through the pointer.
 */
static void test_operands_alias_through_pointers(void **state)
{
	const struct ebpf_inst insns[] = {
		EBPF_MOV64_REG(R3, R10),
		EBPF_ALU64_IMM(EBPF_ALU_ADD, R3, -16),
		EBPF_LD_IMM64(R2, 0x8123456789abcdefull),
		EBPF_STX_MEM(DW, R3, R2, 0),
		EBPF_MOV64_IMM(R4, 3),
		EBPF_LDX_MEM(DW, R1, R10, -16), /* 6: written through r3 */
		EBPF_ALU64_REG(EBPF_ALU_ADD, R4, R1),
		EBPF_LDX_MEM(DW, R1, R3, 0), /* 8: through the pointer */
		EBPF_ALU64_REG(EBPF_ALU_XOR, R4, R1),
		EBPF_LDX_MEM(W, R1, R3, 4), /* 10: 32-bit load, 32-bit operation */
		EBPF_ALU32_REG(EBPF_ALU_ADD, R4, R1),
		EBPF_LDX_MEM(W, R1, R3, 4), /* 12: 32-bit load, 64-bit operation */
		EBPF_ALU64_REG(EBPF_ALU_SUB, R4, R1),
		EBPF_LDX_MEM(DW, R1, R10, -16), /* 14: the slot updated in place */
		EBPF_ALU64_IMM(EBPF_ALU_ADD, R1, 5),
		EBPF_STX_MEM(DW, R10, R1, -16),
		EBPF_LDX_MEM(DW, R0, R3, 0), /* 17: sees the update */
		EBPF_ALU64_REG(EBPF_ALU_ADD, R0, R4),
		FOLD_R0(),
		EBPF_EXIT(),
	};
	bool reg;

	(void)state;
	assert_true(fused_into(insns, COUNT(insns), 6, 2, &reg));
	assert_false(reg);
	assert_true(fused_into(insns, COUNT(insns), 8, 2, &reg));
	assert_false(reg);
	assert_true(fused_into(insns, COUNT(insns), 10, 2, &reg));
	assert_false(fused_into(insns, COUNT(insns), 12, 2, &reg));
	assert_true(fused_into(insns, COUNT(insns), 14, 3, &reg));
	assert_false(reg);
}

/*
 * "r1 = slot; if r1 op y goto L", "if y op r1" and "if r1 op imm", r1 read on neither path: one
 * compare with the slot, and with "goto +1; goto X" after it one jump on the opposite
 * condition. Every condition, both widths, values that differ only in the upper half, in memory
 * and in a register; the twin reads r1 on one path and keeps the load.
 */
static void test_load_compare(void **state)
{
	static const uint64_t values[] = { 3, 0x100000003ull, -5ull, 0x80000000ull };

	(void)state;
	for (size_t n = 0; n < COUNT(jump_ops) * 3 * 16; n++) {
		uint8_t op = jump_ops[n % COUNT(jump_ops)];
		size_t form = n / COUNT(jump_ops) % 3, rest = n / COUNT(jump_ops) / 3;
		bool escaped = rest & 1, wide = rest & 2, inverted = rest & 4, live = rest & 8;
		uint8_t cls = (wide ? EBPF_CLS_JMP : EBPF_CLS_JMP32) | op;

		for (size_t a = 0; a < COUNT(values); a++) {
			for (size_t b = 0; b < COUNT(values); b++) {
				struct ebpf_inst jmp =
				    form == 0	? EBPF_RAW_INSN(cls | EBPF_SRC_X, R1, R4, 1, 0)
				    : form == 1 ? EBPF_RAW_INSN(cls | EBPF_SRC_X, R4, R1, 1, 0)
						: EBPF_RAW_INSN(cls | EBPF_SRC_K, R1, 0, 1,
								(int32_t)values[b]);
				const struct ebpf_inst insns[] = {
					escaped ? EBPF_MOV64_REG(R3, R10) : EBPF_MOV64_IMM(R3, 0),
					EBPF_LD_IMM64(R2, values[a]),
					EBPF_STX_MEM(DW, R10, R2, -136),
					EBPF_LD_IMM64(R4, values[b]),
					EBPF_MOV64_IMM(R0, 1),
					EBPF_LDX_MEM(DW, R1, R10, -136), /* 7 */
					jmp,
					inverted ? EBPF_JMP_A(1) : EBPF_MOV64_IMM(R0, 2),
					inverted ? EBPF_MOV64_IMM(R0, 2)
					: live	 ? EBPF_ALU64_REG(EBPF_ALU_ADD, R0, R1)
						 : EBPF_MOV64_IMM(R5, 0),
					live ? EBPF_ALU64_REG(EBPF_ALU_ADD, R0, R1)
					     : EBPF_MOV64_IMM(R5, 0),
					EBPF_EXIT(),
				};
				bool reg, fused = fused_into(insns, COUNT(insns), 7, 2, &reg);

				if (fused == live || (fused && reg == escaped))
					fail_msg(
					    "op 0x%02x form %zu %s escaped %d inverted %d live "
					    "%d: fused %d, registers %d",
					    op, form, wide ? "64" : "32", escaped, inverted, live,
					    fused, reg);
			}
		}
	}
}

/*
 * A compare's load whose register the loop head reads again (after the back edge) keeps its
 * code: the liveness walk follows the loop. The result (r1 added each round) tells.
 */
static void test_load_compare_live_around_loop(void **state)
{
	const struct ebpf_inst insns[] = {
		EBPF_ST_MEM(DW, R10, -8, 0),
		EBPF_MOV64_IMM(R0, 0),
		EBPF_MOV64_IMM(R1, 100),
		/* 3: loop */
		EBPF_ALU64_REG(EBPF_ALU_ADD, R0, R1),
		EBPF_LDX_MEM(DW, R2, R10, -8),
		EBPF_ALU64_IMM(EBPF_ALU_ADD, R2, 1),
		EBPF_STX_MEM(DW, R10, R2, -8),
		EBPF_LDX_MEM(DW, R1, R10, -8), /* 7 */
		EBPF_JMP_IMM(EBPF_JMP_JGT, R1, 9, 1),
		EBPF_JMP_A(-7),
		EBPF_EXIT(),
	};

	(void)state;
	assert_false(fused_into(insns, COUNT(insns), 7, 2, NULL));
	assert_true(fused_into(insns, COUNT(insns), 4, 3, NULL));
}

/*
 * A slot's update "r1 = slot; r1 op= x; [r5 op= r1;] slot = r1". In a register: the operations
 * on it, r1 given its value only if read afterwards. In memory: one 64-bit operation in place,
 * only when r1 is not read afterwards and nothing reads it in between (the twins keep the
 * load). No operation at all: the store has no code. Shifts, negation, multiplication, 32-bit
 * operations (zero-extending the slot) and immediates of 8 and 32 bits.
 */
static void test_slot_update(void **state)
{
	static const struct ebpf_inst updates[] = {
		EBPF_ALU64_IMM(EBPF_ALU_ADD, R1, 1),
		EBPF_ALU64_IMM(EBPF_ALU_ADD, R1, 0x12345678),
		EBPF_ALU64_REG(EBPF_ALU_SUB, R1, R5),
		EBPF_ALU64_IMM(EBPF_ALU_AND, R1, -256),
		EBPF_ALU64_IMM(EBPF_ALU_LSH, R1, 13),
		EBPF_ALU64_IMM(EBPF_ALU_ARSH, R1, 3),
		EBPF_NEG64(R1),
		EBPF_ALU64_IMM(EBPF_ALU_MUL, R1, 3),
		EBPF_ALU32_REG(EBPF_ALU_XOR, R1, R5),
		EBPF_ALU32_IMM(EBPF_ALU_RSH, R1, 5),
		EBPF_MOV64_IMM(R9, 0), /* no operation: the store keeps the value loaded */
	};

	(void)state;
	for (size_t n = 0; n < COUNT(updates) * COUNT(operand_offsets) * 8; n++) {
		const struct ebpf_inst *update = &updates[n % COUNT(updates)];
		int16_t off = operand_offsets[n / COUNT(updates) % COUNT(operand_offsets)];
		size_t rest = n / COUNT(updates) / COUNT(operand_offsets);
		bool escaped = rest & 1, live = rest & 2, reader = rest & 4;
		bool none = update->dst_reg != R1;
		struct ebpf_inst insns[16] = {
			escaped ? EBPF_MOV64_REG(R3, R10) : EBPF_MOV64_IMM(R3, 0),
			EBPF_LD_IMM64(R2, 0x8123456789abcdefull),
			EBPF_STX_MEM(DW, R10, R2, off),
			EBPF_MOV64_IMM(R5, 0x7777),
			EBPF_LDX_MEM(DW, R1, R10, off), /* 5 */
		};
		size_t count = 6, ops = 0;
		bool fused, reg, wide = EBPF_CLASS(update->code) == EBPF_CLS_ALU64;
		bool in_place =
		    none ? !reader
			 : !reader && !live && wide && EBPF_OP(update->code) != EBPF_ALU_MUL;

		if (!none)
			insns[count++] = *update, ops++;
		if (reader)
			insns[count++] = EBPF_ALU64_REG(EBPF_ALU_XOR, R5, R1), ops++;
		insns[count++] = EBPF_STX_MEM(DW, R10, R1, off);
		insns[count++] = EBPF_LDX_MEM(DW, R0, R10, off);
		insns[count++] = EBPF_ALU64_REG(EBPF_ALU_ADD, R0, R5);
		insns[count++] =
		    live ? EBPF_ALU64_REG(EBPF_ALU_XOR, R0, R1) : EBPF_MOV64_IMM(R1, 0);
		insns[count++] = EBPF_MOV64_REG(R5, R0);
		insns[count++] = EBPF_ALU64_IMM(EBPF_ALU_RSH, R5, 29);
		insns[count++] = EBPF_ALU64_REG(EBPF_ALU_XOR, R0, R5);
		insns[count++] = EBPF_EXIT();
		fused = fused_into(insns, count, 5, ops + 2, &reg);
		if (fused != (escaped ? in_place : true) || (fused && !none && reg == escaped))
			fail_msg("update 0x%02x off %d escaped %d live %d reader %d: fused %d, "
				 "registers %d",
				 update->code, off, escaped, live, reader, fused, reg);
	}
}

/*
 * A slot copied to another through a register read nowhere after: one mov between the slot's
 * register and the other slot's memory, either way (narrow stores keep -16 and -40 in memory,
 * -8 and -24 are private), and from a slot in memory to one in a register; not between two slots in
 * memory (x86 has no such mov), nor when the register is read after (the twin). A load from the
 * stack whose register is overwritten before any read has no code at all; one read has.
 */
static void test_slot_copies_and_dead_loads(void **state)
{
	for (int live = 0; live < 2; live++) {
		const struct ebpf_inst insns[] = {
			EBPF_ST_MEM(W, R10, -12, 0x55),
			EBPF_ST_MEM(W, R10, -16, 0x66),
			EBPF_MOV64_IMM(R2, -0x7edcba99),
			EBPF_ST_MEM(W, R10, -36, 9),
			EBPF_STX_MEM(DW, R10, R2, -8),
			EBPF_ST_MEM(W, R10, -40, 0x88),
			EBPF_LDX_MEM(DW, R1, R10, -8), /* 6: register to memory */
			EBPF_STX_MEM(DW, R10, R1, -16),
			EBPF_LDX_MEM(DW, R1, R10, -16), /* 8: memory to register */
			EBPF_STX_MEM(DW, R10, R1, -24),
			EBPF_LDX_MEM(DW, R1, R10, -16), /* 10: memory to memory */
			EBPF_STX_MEM(DW, R10, R1, -40),
			EBPF_LDX_MEM(DW, R4, R10, -8), /* 12: dead unless live */
			live ? EBPF_MOV64_REG(R4, R4) : EBPF_MOV64_IMM(R4, 1),
			EBPF_LDX_MEM(DW, R0, R10, -24),
			EBPF_LDX_MEM(DW, R1, R10, -40),
			EBPF_ALU64_REG(EBPF_ALU_ADD, R0, R1),
			EBPF_LDX_MEM(W, R1, R10, -12),
			EBPF_ALU64_REG(EBPF_ALU_ADD, R0, R1),
			EBPF_ALU64_REG(EBPF_ALU_ADD, R0, R4),
			FOLD_R0(),
			EBPF_EXIT(),
		};
		const uint32_t *offsets;
		const uint8_t *code;
		struct ebpf_program *prog = jit_checked(insns, COUNT(insns), &code, &offsets);

		assert_int_equal(offsets[7], offsets[8]); /* the stores have no code: fused */
		assert_int_equal(offsets[9], offsets[10]);
		assert_int_not_equal(offsets[11], offsets[12]);
		assert_true((offsets[12] != offsets[13]) == (bool)live);
		ebpf_program_release(prog);
	}
	(void)state;
}

/* Whether code[from, to) is x86 NOPs (nop, 66 nop, nop r/m with a zero displacement). */
static bool is_padding(const uint8_t *code, uint32_t from, uint32_t to)
{
	while (from < to) {
		uint32_t len;

		if (code[from] == 0x90)
			len = 1;
		else if (code[from] == 0x66 && code[from + 1] == 0x90)
			len = 2;
		else if (code[from] == 0x0f && code[from + 1] == 0x1f)
			len = (code[from + 2] >> 6) == 0 ? 3 : (code[from + 2] >> 6) == 1 ? 4 : 7;
		else if (code[from] == 0x66 && code[from + 1] == 0x0f && code[from + 2] == 0x1f)
			len = 6;
		else
			return false;
		if (code[from] == 0x0f && (code[from + 2] & 7) == 4) /* with a SIB byte */
			len++;
		from += len;
	}
	return from == to;
}

/*
 * A loop head starts on a 16-byte boundary when padding the instruction before it (here a
 * 5-byte "mov esi, 3") takes at most 10 bytes of NOPs, and is not padded otherwise: every
 * position modulo 16 (fillers of 4 and 3 bytes). After a jump (the twin: "if r1 > 5 goto
 * exit", whose displacement counts from where the head starts) there is never padding. The
 * results are the interpreter's.
 */
static void test_loop_heads_aligned(void **state)
{
	(void)state;
	for (int after_jump = 0; after_jump < 2; after_jump++) {
		for (size_t n = 0; n < 16; n++) {
			struct ebpf_inst insns[32];
			size_t count = 0, p, head;
			const uint32_t *offsets;
			const uint8_t *code;
			struct ebpf_program *prog;
			uint32_t natural, pad;

			insns[count++] = EBPF_MOV64_IMM(R0, 0);
			insns[count++] = EBPF_MOV64_IMM(R1, 1);
			for (size_t k = 0; k < n % 4; k++)
				insns[count++] = EBPF_ALU64_IMM(EBPF_ALU_ADD, R0, 1);
			for (size_t k = 0; k < n / 4; k++)
				insns[count++] = EBPF_MOV64_REG(R3, R0);
			insns[count++] = EBPF_MOV64_IMM(R2, 3);
			p = count;
			insns[count++] = after_jump ? EBPF_JMP_IMM(EBPF_JMP_JGT, R1, 5, 3)
						    : EBPF_MOV64_IMM(R4, 3);
			head = count;
			insns[count++] = EBPF_ALU64_REG(EBPF_ALU_ADD, R0, R2);
			insns[count++] = EBPF_ALU64_IMM(EBPF_ALU_ADD, R2, 1);
			insns[count++] = EBPF_JMP_IMM(EBPF_JMP_JLT, R2, 20, -3);
			insns[count++] = EBPF_EXIT();
			prog = jit_checked(insns, count, &code, &offsets);
			natural =
			    offsets[p] + (after_jump ? 6 : 5); /* cmp rdi, 5; ja / mov r10d, 3 */
			pad = offsets[head] - natural;
			if (after_jump ? pad != 0
				       : pad != (((16 - (natural & 15)) & 15) <= 10
						     ? (16 - (natural & 15)) & 15
						     : 0) ||
					     !is_padding(code, natural, offsets[head]))
				fail_msg("fillers %zu after a jump %d: head at 0x%x, %u bytes of "
					 "padding",
					 n, after_jump, offsets[head], pad);
			ebpf_program_release(prog);
		}
	}
}

/*
 * Loops on both sides of a forward jump whose distance crosses rel8's limit as the fillers
 * grow: the padding moves with the code before it, and the passes still agree with the final
 * image (else the JIT refuses: "the final pass moved code"); results are the interpreter's.
 */
static void test_loop_padding_converges(void **state)
{
	(void)state;
	for (size_t n = 20; n < 40; n++) {
		struct ebpf_inst insns[64];
		size_t count = 0;
		const uint32_t *offsets;
		const uint8_t *code;

		insns[count++] = EBPF_MOV64_IMM(R0, 0);
		insns[count++] = EBPF_MOV64_IMM(R2, 0);
		insns[count++] = EBPF_ALU64_IMM(EBPF_ALU_ADD, R2, 1); /* a loop */
		insns[count++] = EBPF_JMP_IMM(EBPF_JMP_JLT, R2, 5, -2);
		insns[count++] = EBPF_JMP_IMM(EBPF_JMP_JGT, R2, 7, (int16_t)(n + 3));
		for (size_t k = 0; k < n; k++)
			insns[count++] = EBPF_ALU64_IMM(EBPF_ALU_ADD, R0, 0x1000 + (int32_t)k);
		insns[count++] = EBPF_MOV64_REG(R3, R0); /* a second loop */
		insns[count++] = EBPF_ALU64_IMM(EBPF_ALU_ADD, R3, 1);
		insns[count++] = EBPF_JMP_IMM(EBPF_JMP_JLT, R3, 0x10000, -2);
		insns[count++] = EBPF_ALU64_REG(EBPF_ALU_ADD, R0, R2);
		insns[count++] = EBPF_EXIT();
		ebpf_program_release(jit_checked(insns, count, &code, &offsets));
	}
}

/*
 * "rT = rX; rT >>= w - n; rX <<= n; rX |= rT" (and the shifts the other way round, or add or
 * xor instead of or) with rT dead is one rol: 64- and 32-bit, counts 1 to w - 1. Twins that
 * keep their four instructions: rT read afterwards, counts that do not add up to the width (not
 * a rotation), and a mov of the other width before the shifts. Results against the interpreter.
 */
static void test_rotate(void **state)
{
	static const uint8_t combine[] = { EBPF_ALU_OR, EBPF_ALU_XOR, EBPF_ALU_ADD };

	(void)state;
	for (size_t v = 0; v < 2 * 2 * 3 * 4; v++) {
		bool wide = v & 1, t_left = v & 2;
		uint8_t op = combine[v / 4 % 3];
		size_t shape = v / 12; /* 0: rotation, 1: rT live, 2: counts off by one, 3: mixed */
		uint8_t cls = wide ? EBPF_CLS_ALU64 : EBPF_CLS_ALU;
		int32_t width = wide ? 64 : 32;

		for (int32_t n = 1; n < width; n += 6) {
			int32_t t_count = (t_left ? n : width - n) + (shape == 2);
			const struct ebpf_inst insns[] = {
				EBPF_LD_IMM64(R4, 0x8123456789abcdefull),
				EBPF_MOV64_IMM(R0, 0),
				EBPF_RAW_INSN(
				    (shape == 3 ? cls ^ EBPF_CLS_ALU64 ^ EBPF_CLS_ALU : cls) |
					EBPF_ALU_MOV | EBPF_SRC_X,
				    R2, R4, 0, 0), /* 3 */
				EBPF_RAW_INSN(cls | (t_left ? EBPF_ALU_LSH : EBPF_ALU_RSH) |
						  EBPF_SRC_K,
					      R2, 0, 0, t_count),
				EBPF_RAW_INSN(cls | (t_left ? EBPF_ALU_RSH : EBPF_ALU_LSH) |
						  EBPF_SRC_K,
					      R4, 0, 0, t_left ? width - n : n),
				EBPF_RAW_INSN(cls | op | EBPF_SRC_X, R4, R2, 0, 0),
				shape == 1 ? EBPF_MOV64_REG(R0, R2) : EBPF_MOV64_IMM(R2, 0),
				EBPF_ALU64_REG(EBPF_ALU_XOR, R0, R4),
				FOLD_R0(),
				EBPF_EXIT(),
			};

			if (fused_into(insns, COUNT(insns), 3, 4, NULL) != (shape == 0))
				fail_msg("%s op 0x%02x t_left %d shape %zu n %d",
					 wide ? "64" : "32", op, t_left, shape, n);
		}
	}
}

static int setup(void **state)
{
	char path[1024];
	const char *build = getenv("EXTBPF_BUILD_DIR");

	if (!build)
		return -1;
	snprintf(path, sizeof(path), "%s/lib/extbpf/sample.so", build);
	return ebpf_extension_load(path, NULL) ? -1 : 0;
}

static int teardown(void **state)
{
	ebpf_runtime_shutdown();
	return 0;
}

/*
 * Byte loops "dst[i] = src[i] op key" as clang writes them (see emit_wide_byte_loop): a packet
 * of BYTE_PACKET bytes, the loop's source and destination in it or on the stack, the result the
 * packet afterwards, the stack's bytes folded into r0,  and r0, r5 and r6 as the loop
 * leaves them (r6 through the bytes it points at).
 */
#define BYTE_PACKET 160

struct byte_loop_shape {
	uint8_t op_code; /* the op's instruction code, 0: none */
	int32_t op_imm;	 /* its immediate (EBPF_SRC_K) */
	int16_t src_off; /* from the packet, or from r10 when src_stack */
	int16_t dst_off;
	bool src_stack, dst_stack;
	int32_t start, count; /* the index's first value and N */
	int32_t step;	      /* the index's increment: 1 but in twins */
	bool jump_inside;     /* a jump lands on the store (twin) */
	bool key_written;     /* the loop writes the key register (twin) */
	bool stack_private;   /* r10 not copied: slots kept in scratch registers (twin) */
};

/* Builds the program of a shape into insns; returns its length and the loop head's index. */
static size_t byte_loop_program(const struct byte_loop_shape *l, struct ebpf_inst *insns,
				size_t *head)
{
	size_t n = 0, jump = 0;

	insns[n++] = EBPF_LDX_MEM(EBPF_SIZE_DW, R2, R1, 8); /* data_end */
	insns[n++] = EBPF_LDX_MEM(EBPF_SIZE_DW, R1, R1, 0); /* data */
	insns[n++] = l->stack_private ? EBPF_MOV64_IMM(R0, 0) : EBPF_MOV64_REG(R0, R10);
	insns[n++] = EBPF_MOV64_IMM(R0, 0);
	insns[n++] = EBPF_MOV64_REG(R3, R1);
	insns[n++] = EBPF_ALU64_IMM(EBPF_ALU_ADD, R3, BYTE_PACKET);
	jump = n; /* to the exit, patched below */
	insns[n++] = EBPF_RAW_INSN(EBPF_CLS_JMP | EBPF_JMP_JGT | EBPF_SRC_X, R3, R2, 0, 0);
	/* The stack's 128 bytes from the packet's last 128, then the key from its first 8. */
	for (int k = 0; k < 16; k++) {
		insns[n++] = EBPF_LDX_MEM(EBPF_SIZE_DW, R3, R1, BYTE_PACKET - 128 + 8 * k);
		insns[n++] = EBPF_STX_MEM(EBPF_SIZE_DW, R10, R3, -128 + 8 * k);
	}
	insns[n++] = EBPF_LDX_MEM(EBPF_SIZE_DW, R4, R1, 0);
	insns[n++] = EBPF_MOV64_IMM(R5, l->start);
	*head = n;
	insns[n++] = EBPF_MOV64_REG(R0, l->src_stack ? R10 : R1);
	insns[n++] = EBPF_ALU64_IMM(EBPF_ALU_ADD, R0, l->src_off);
	insns[n++] = EBPF_ALU64_REG(EBPF_ALU_ADD, R0, R5);
	insns[n++] = EBPF_LDX_MEM(EBPF_SIZE_B, R0, R0, 0);
	if (l->op_code)
		insns[n++] = l->op_code & EBPF_SRC_X
				 ? EBPF_RAW_INSN(l->op_code, R0, R4, 0, 0)
				 : EBPF_RAW_INSN(l->op_code, R0, 0, 0, l->op_imm);
	if (l->key_written)
		insns[n++] = EBPF_ALU64_IMM(EBPF_ALU_ADD, R4, 1);
	insns[n++] = EBPF_MOV64_REG(R6, l->dst_stack ? R10 : R1);
	insns[n++] = EBPF_ALU64_IMM(EBPF_ALU_ADD, R6, l->dst_off);
	insns[n++] = EBPF_ALU64_REG(EBPF_ALU_ADD, R6, R5);
	insns[n++] = EBPF_STX_MEM(EBPF_SIZE_B, R6, R0, 0);
	insns[n++] = EBPF_ALU64_IMM(EBPF_ALU_ADD, R5, l->step);
	insns[n] = EBPF_JMP_IMM(EBPF_JMP_JNE, R5, l->count, (int16_t)((int)*head - (int)(n + 1)));
	n++;
	if (l->jump_inside) /* never taken (r5 is count), but lands on the store */
		insns[n++] = EBPF_JMP_IMM(EBPF_JMP_JEQ, R5, 0x7fff, -4);
	/* r0 = r0 ^ r5 ^ the 2 bytes r6 - 1 points at ^ the stack folded */
	insns[n++] = EBPF_ALU64_REG(EBPF_ALU_XOR, R0, R5);
	insns[n++] = EBPF_LDX_MEM(EBPF_SIZE_H, R3, R6, -1);
	insns[n++] = EBPF_ALU64_REG(EBPF_ALU_XOR, R0, R3);
	for (int k = 0; k < 16; k++) {
		insns[n++] = EBPF_LDX_MEM(EBPF_SIZE_DW, R3, R10, -128 + 8 * k);
		insns[n++] = EBPF_ALU64_IMM(EBPF_ALU_MUL, R0, 31);
		insns[n++] = EBPF_ALU64_REG(EBPF_ALU_ADD, R0, R3);
	}
	insns[jump].off = (int16_t)(n - (jump + 1));
	insns[n++] = EBPF_EXIT();
	return n;
}

/* Runs a byte loop program in a mode: r0 and the packet afterwards. */
static uint64_t run_byte_loop(const struct ebpf_inst *insns, size_t count, enum ebpf_exec_mode mode,
			      uint8_t packet[BYTE_PACKET], struct ebpf_program **jited)
{
	struct ebpf_program *prog = load_insns(mode, false, insns, count);
	uint8_t in[BYTE_PACKET];
	struct ebpf_test_run_opts run = { .sz = sizeof(run),
					  .data_in = in,
					  .data_size_in = sizeof(in),
					  .data_out = packet,
					  .data_size_out = BYTE_PACKET };

	for (size_t k = 0; k < sizeof(in); k++)
		in[k] = (uint8_t)(k * 37 + 11);
	in[0] = 0x5c; /* the key's low byte */
	assert_int_equal(ebpf_program_test_run(prog, &run), 0);
	if (jited)
		*jited = prog;
	else
		ebpf_program_release(prog);
	return run.retval;
}

/* Whether the code before the loop head holds the 8-byte part's "cmp r11, 8". */
static bool has_wide_part(struct ebpf_program *prog, size_t head)
{
	static const uint8_t cmp_r11_8[] = { 0x49, 0x83, 0xfb, 0x08 };
	const uint32_t *offsets;
	const uint8_t *code;
	size_t size;

	assert_int_equal(ebpf_program_jited(prog, &code, &size, &offsets), 0);
	for (uint32_t at = offsets[head - 1]; at + sizeof(cmp_r11_8) <= offsets[head]; at++)
		if (!memcmp(code + at, cmp_r11_8, sizeof(cmp_r11_8)))
			return true;
	return false;
}

/* Checks one shape against the interpreter; returns whether the 8-byte part was emitted. */
static bool byte_loop_checked(const struct byte_loop_shape *l)
{
	struct ebpf_inst insns[160];
	uint8_t want[BYTE_PACKET], got[BYTE_PACKET];
	struct ebpf_program *prog;
	size_t head, count = byte_loop_program(l, insns, &head);
	uint64_t expect = run_byte_loop(insns, count, EBPF_MODE_INTERP, want, NULL);
	uint64_t result = run_byte_loop(insns, count, EBPF_MODE_JIT, got, &prog);
	bool wide = has_wide_part(prog, head);

	if (result != expect || memcmp(want, got, sizeof(want)))
		fail_msg("byte loop op 0x%02x src %s%+d dst %s%+d i %d..%d: r0 0x%llx, the "
			 "interpreter's 0x%llx, packets %s",
			 l->op_code, l->src_stack ? "r10" : "pkt", l->src_off,
			 l->dst_stack ? "r10" : "pkt", l->dst_off, l->start, l->count,
			 (unsigned long long)result, (unsigned long long)expect,
			 memcmp(want, got, sizeof(want)) ? "differ" : "agree");
	ebpf_program_release(prog);
	return wide;
}

/*
 * Each op (xor, or, and with the key register or an immediate, 64 and 32 bits, and none) over
 * lengths around the 8-byte steps (9 to 64 iterations, 1 to 8 of them left to the byte loop),
 * from the packet to the stack, the stack to the packet and the packet to itself at distances
 * where the loads would overtake the stores (1 to 7 bytes on: byte by byte, results must not
 * change) and where they do not (0, 8, -3): all as the interpreter computes. Every one has
 * the 8-byte part; loops of 8 iterations or fewer (0..8, 2..7) pass it by at run time.
 */
static void test_byte_loop_eight_at_a_time(void **state)
{
	static const uint8_t ops[] = {
		0,
		EBPF_CLS_ALU64 | EBPF_ALU_XOR | EBPF_SRC_X,
		EBPF_CLS_ALU | EBPF_ALU_XOR | EBPF_SRC_X,
		EBPF_CLS_ALU64 | EBPF_ALU_OR | EBPF_SRC_X,
		EBPF_CLS_ALU64 | EBPF_ALU_AND | EBPF_SRC_X,
		EBPF_CLS_ALU64 | EBPF_ALU_XOR | EBPF_SRC_K,
		EBPF_CLS_ALU | EBPF_ALU_OR | EBPF_SRC_K,
		EBPF_CLS_ALU64 | EBPF_ALU_AND | EBPF_SRC_K,
	};
	static const int32_t counts[][2] = { { 0, 9 },	{ 0, 16 }, { 0, 17 }, { 3, 64 },
					     { 0, 63 }, { 5, 13 }, { 0, 8 },  { 2, 7 } };
	static const int16_t distances[] = { 1, 4, 7, 0, 8, -3 };

	(void)state;
	for (size_t o = 0; o < COUNT(ops); o++) {
		for (size_t c = 0; c < COUNT(counts); c++) {
			struct byte_loop_shape l = { .op_code = ops[o],
						     .op_imm = (int32_t)(0x1234a500 + o * 0x11),
						     .start = counts[c][0],
						     .count = counts[c][1],
						     .step = 1,
						     .src_off = 8,
						     .dst_stack = true,
						     .dst_off = -128 };
			assert_true(byte_loop_checked(&l));
			l.src_stack = true, l.dst_stack = false;
			l.src_off = -128 + 16, l.dst_off = 0;
			assert_true(byte_loop_checked(&l));
			l.src_stack = false;
			for (size_t d = 0; d < COUNT(distances); d++) {
				l.src_off = 16, l.dst_off = (int16_t)(16 + distances[d]);
				if (!byte_loop_checked(&l))
					fail_msg("op 0x%02x i %d..%d distance %d: no 8-byte part",
						 l.op_code, l.start, l.count, distances[d]);
			}
		}
	}
}

/*
 * Twins that keep the loop byte by byte: an index step of 2, a jump landing inside the loop,
 * the key written in it, and a function whose stack slots live in the scratch registers the
 * 8-byte part would take; all as the interpreter computes.
 */
static void test_byte_loop_twins(void **state)
{
	struct byte_loop_shape l = { .op_code = EBPF_CLS_ALU64 | EBPF_ALU_XOR | EBPF_SRC_X,
				     .start = 0,
				     .count = 64,
				     .step = 1,
				     .src_off = 8,
				     .dst_stack = true,
				     .dst_off = -128 };

	(void)state;
	assert_true(byte_loop_checked(&l));
	l.step = 2;
	assert_false(byte_loop_checked(&l));
	l.step = 1, l.jump_inside = true;
	assert_false(byte_loop_checked(&l));
	l.jump_inside = false, l.key_written = true;
	assert_false(byte_loop_checked(&l));
	l.key_written = false, l.src_off = 16, l.dst_stack = false, l.dst_off = 40;
	assert_true(byte_loop_checked(&l));
	l.stack_private = true;
	assert_false(byte_loop_checked(&l));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_mode_is_the_jit),
		cmocka_unit_test(test_blinding_hides_immediates),
		cmocka_unit_test(test_other_modes_have_no_machine_code),
		cmocka_unit_test(test_zero_extension_is_one_mov),
		cmocka_unit_test(test_no_zero_extension_across_a_jump_target),
		cmocka_unit_test(test_no_redundant_zero_extension),
		cmocka_unit_test(test_mov_add_is_one_lea),
		cmocka_unit_test(test_subprogram_frames),
		cmocka_unit_test(test_padding_only_frame),
		cmocka_unit_test(test_inverted_jump_pair),
		cmocka_unit_test(test_indexed_load),
		cmocka_unit_test(test_indexed_load_into_other),
		cmocka_unit_test(test_inlined_leaf_calls),
		cmocka_unit_test(test_inlined_calls_with_jumps),
		cmocka_unit_test(test_constant_compare),
		cmocka_unit_test(test_constant_compare_keeps_cmpxchg_operand),
		cmocka_unit_test(test_entry_saves_nothing_unused),
		cmocka_unit_test(test_entry_saves_what_it_uses),
		cmocka_unit_test(test_tail_calls_between_frames),
		cmocka_unit_test(test_hot_slots_in_registers),
		cmocka_unit_test(test_slot_caching_stays_off),
		cmocka_unit_test(test_callee_slots_in_registers),
		cmocka_unit_test(test_slots_across_calls),
		cmocka_unit_test(test_load_operand),
		cmocka_unit_test(test_operands_alias_through_pointers),
		cmocka_unit_test(test_load_compare),
		cmocka_unit_test(test_load_compare_live_around_loop),
		cmocka_unit_test(test_slot_update),
		cmocka_unit_test(test_slot_copies_and_dead_loads),
		cmocka_unit_test(test_loop_heads_aligned),
		cmocka_unit_test(test_byte_loop_eight_at_a_time),
		cmocka_unit_test(test_byte_loop_twins),
		cmocka_unit_test(test_loop_padding_converges),
		cmocka_unit_test(test_rotate),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
