// SPDX-License-Identifier: MIT
/*
 * 32-bit bounds tracked on their own (Linux's s32/u32_min/max_value): what a JMP32 check proves
 * of the low half when the upper half is unknown, signed 32-bit ranges that cross zero (the
 * zero-extended 64-bit range of such a value is [0, 2^32)), the low half of 64-bit arithmetic,
 * sign extension from 32 bits, and states that differ only in their 32-bit bounds at a join.
 * Each shape has an unsafe twin one past the end. PROBE accepts r3 in [0, 63] only.
 */
#include "vmacros.h"

#define A32(op, i)		 EBPF_ALU32_IMM(op, R3, i)
#define A64(op, i)		 EBPF_ALU64_IMM(op, R3, i)
#define ZEXT			 EBPF_MOV32_REG(R3, R3)
/* Return 0 unless the condition on w3 holds. */
#define ONLY_IF32(op, i)	 EBPF_JMP32_IMM(op, R3, i, 2), RET0
#define CASE_OK(name, ...)	 OK(name, VT_PLAIN, RAND(R3), __VA_ARGS__, PROBE(R3))
#define CASE_BAD(name, why, ...) BAD(name, VT_PLAIN, -EACCES, why, RAND(R3), __VA_ARGS__, PROBE(R3))
#define OOB			 PROBE_OOB
/* r3 &= mask (a 64-bit constant), r4 = zero-extended copy of r3, r4 <= 63 checked. */
#define LOW(mask)		 EBPF_LD_IMM64(R5, mask), EBPF_ALU64_REG(AND, R3, R5)
#define ZCOPY			 EBPF_MOV32_REG(R4, R3)
#define ZPAIR(rsh)		 EBPF_MOV64_REG(R4, R3), EBPF_ALU64_IMM(LSH, R4, 32), EBPF_ALU64_IMM(rsh, R4, 32)
#define R4_LE_63		 EBPF_JMP_IMM(JLE, R4, 63, 2), RET0
#define NEG			 "variable offset may be negative"
/* -1 in the low half: 0xffffffff once zero-extended. */
#define WRAPS			 "variable offset is unbounded"

DEFINE_CASES(
    bounds32,
    /* Upper half unknown: the check bounds the low half, a 32-bit move keeps only it. */
    CASE_OK("upper_unknown_jgt", ONLY_IF32(JLE, 63), ZEXT),
    CASE_BAD("upper_unknown_jgt_past", OOB, ONLY_IF32(JLE, 64), ZEXT),
    CASE_OK("upper_unknown_jlt_reg", EBPF_MOV64_IMM(R4, 64), EBPF_JMP32_REG(JLT, R3, R4, 2), RET0,
	    ZEXT),
    CASE_BAD("upper_unknown_jlt_reg_past", OOB, EBPF_MOV64_IMM(R4, 65),
	     EBPF_JMP32_REG(JLT, R3, R4, 2), RET0, ZEXT),
    CASE_OK("upper_unknown_alu32_after", ONLY_IF32(JLT, 16), A32(LSH, 2), A32(ADD, 3)),
    CASE_BAD("upper_unknown_alu32_after_past", OOB, ONLY_IF32(JLT, 16), A32(LSH, 2), A32(ADD, 4)),
    CASE_OK("upper_unknown_signed", ONLY_IF32(JSLT, 0), ONLY_IF32(JSGE, -64), A32(ADD, 64)),
    CASE_BAD("upper_unknown_signed_past", WRAPS, ONLY_IF32(JSLT, 0), ONLY_IF32(JSGE, -65),
	     A32(ADD, 64)),
    /* A signed 32-bit range across zero: w3 - 10 is in [-10, 53]. */
    CASE_OK("s32_across_zero", A32(AND, 63), A32(SUB, 10), ONLY_IF32(JSGE, 0)),
    CASE_BAD("s32_across_zero_past", WRAPS, A32(AND, 63), A32(SUB, 10), ONLY_IF32(JSGE, -1)),
    CASE_OK("s32_across_zero_add_back", A32(AND, 63), A32(SUB, 10), ONLY_IF32(JSLT, 0),
	    A32(ADD, 64)),
    CASE_BAD("s32_across_zero_add_back_past", OOB, A32(AND, 63), A32(SUB, 10), ONLY_IF32(JSLT, 0),
	     A32(ADD, 65)),
    CASE_OK("s32_neg_then_check", A32(AND, 63),
	    EBPF_RAW_INSN(EBPF_CLS_ALU | EBPF_ALU_NEG, R3, 0, 0, 0), ONLY_IF32(JSGT, -64),
	    A32(ADD, 63)),
    CASE_BAD("s32_neg_then_check_past", OOB, A32(AND, 63),
	     EBPF_RAW_INSN(EBPF_CLS_ALU | EBPF_ALU_NEG, R3, 0, 0, 0), ONLY_IF32(JSGT, -65),
	     A32(ADD, 64)),
    /* The low half of 64-bit arithmetic wraps on its own. */
    CASE_OK("alu64_low_half", ONLY_IF32(JLE, 60), A64(ADD, 3), ZEXT),
    CASE_BAD("alu64_low_half_past", OOB, ONLY_IF32(JLE, 60), A64(ADD, 4), ZEXT),
    CASE_OK("alu64_low_half_sub", ONLY_IF32(JGE, 10), ONLY_IF32(JLE, 73), A64(SUB, 10), ZEXT),
    CASE_BAD("alu64_low_half_sub_past", WRAPS, ONLY_IF32(JGE, 9), ONLY_IF32(JLE, 73), A64(SUB, 10),
	     ZEXT),
    /* Sign extension from 32 bits takes the signed 32-bit range. */
    CASE_OK("movsx32", A32(AND, 63), A32(SUB, 32), EBPF_MOVSX64_REG(R3, R3, 32), A64(ADD, 32)),
    CASE_BAD("movsx32_past", OOB, A32(AND, 63), A32(SUB, 32), EBPF_MOVSX64_REG(R3, R3, 32),
	     A64(ADD, 33)),
    CASE_BAD("movsx32_negative", NEG, A32(AND, 63), A32(SUB, 32), EBPF_MOVSX64_REG(R3, R3, 32)),
    CASE_OK("arsh32", A32(AND, 63), A32(SUB, 32), A32(ARSH, 1), ONLY_IF32(JSGE, 0)),
    CASE_BAD("arsh32_past", WRAPS, A32(AND, 63), A32(SUB, 32), A32(ARSH, 1), ONLY_IF32(JSGE, -1)),
    /*
     * Pruning compares the 32-bit bounds: the paths join with equal 64-bit bounds and known
     * bits (w3 <= 40 and w3 <= 63), so only the 32-bit bounds tell that the second one
     * reaches 64 after the + 1.
     */
    BAD("join_differs_in_32_bits", VT_PLAIN, -EACCES, OOB, RAND(R6), RAND(R3),
	EBPF_JMP_IMM(JEQ, R6, 0, 4), ONLY_IF32(JLE, 40), EBPF_JMP_A(3), ONLY_IF32(JLE, 63), ZEXT,
	A64(ADD, 1), PROBE(R3)),
    OK("join_differs_in_32_bits_safe", VT_PLAIN, RAND(R6), RAND(R3), EBPF_JMP_IMM(JEQ, R6, 0, 4),
       ONLY_IF32(JLE, 40), EBPF_JMP_A(3), ONLY_IF32(JLE, 62), ZEXT, A64(ADD, 1), PROBE(R3)),
    /*
     * A zero-extended copy of a value below 2^32 (w4 = w3, or clang's r4 <<= 32; r4 >>= 32
     * before -mcpu=v3) is the value itself: a check on the copy bounds r3. Not when r3 may
     * reach 2^32 (bits above the low half are cut), when the right shift is arithmetic (sign
     * extension), nor when the right shift is also reached without the left one.
     */
    CASE_OK("zext_copy_bounds_source", LOW(0xffffffffull), ZCOPY, R4_LE_63),
    CASE_BAD("zext_copy_past_4g", WRAPS, LOW(0x1000000ffull), ZCOPY, R4_LE_63),
    CASE_OK("zext_pair_bounds_source", LOW(0xffffffffull), ZPAIR(RSH), R4_LE_63),
    CASE_BAD("zext_pair_past_4g", WRAPS, LOW(0x1000000ffull), ZPAIR(RSH), R4_LE_63),
    CASE_BAD("zext_pair_arsh", WRAPS, LOW(0xffffffffull), ZPAIR(ARSH),
	     EBPF_JMP_IMM(JSLE, R4, 63, 2), RET0),
    BAD("zext_pair_jump_target", VT_PLAIN, -EACCES, WRAPS, RAND(R6), RAND(R3), LOW(0xffffffffull),
	EBPF_MOV64_REG(R4, R3), EBPF_JMP_IMM(JEQ, R6, 0, 1), EBPF_ALU64_IMM(LSH, R4, 32),
	EBPF_ALU64_IMM(RSH, R4, 32), R4_LE_63, PROBE(R3)), );
