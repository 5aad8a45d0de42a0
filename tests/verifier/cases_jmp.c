// SPDX-License-Identifier: MIT
/*
 * Conditional jumps: decided branches, and what each side of an undecided one proves about the
 * compared scalars (64-bit and 32-bit forms, signed and unsigned, register and immediate).
 * The jump +4 lands on PROBE's "r0 = 0; exit".
 */
#include "vmacros.h"

#define J(op, i)		 EBPF_JMP_IMM(op, R3, i, 4)
#define J32(op, i)		 EBPF_JMP32_IMM(op, R3, i, 4)
/* The first of two consecutive checks. */
#define J_(op, i)		 EBPF_JMP_IMM(op, R3, i, 5)
#define J32_(op, i)		 EBPF_JMP32_IMM(op, R3, i, 5)
/* Jump over an exit to the probe when the condition holds. */
#define JTO(op, i)		 EBPF_JMP_IMM(op, R3, i, 2), RET0
#define CASE_OK(name, ...)	 OK(name, VT_PLAIN, RAND(R3), __VA_ARGS__, PROBE(R3))
#define CASE_BAD(name, why, ...) BAD(name, VT_PLAIN, -EACCES, why, RAND(R3), __VA_ARGS__, PROBE(R3))
#define NEG			 "variable offset may be negative"
#define OOB			 PROBE_OOB

DEFINE_CASES(jmp, CASE_OK("jgt_fall", J(JGT, 63)), CASE_BAD("jgt_fall_past", OOB, J(JGT, 64)),
	     CASE_OK("jge_fall", J(JGE, 64)), CASE_BAD("jge_fall_past", OOB, J(JGE, 65)),
	     CASE_OK("jlt_taken", JTO(JLT, 64)), CASE_BAD("jlt_taken_past", OOB, JTO(JLT, 65)),
	     CASE_OK("jle_taken", JTO(JLE, 63)), CASE_BAD("jle_taken_past", OOB, JTO(JLE, 64)),
	     CASE_OK("jgt_taken_lower", JTO(JGT, 40), EBPF_JMP_IMM(JGT, R3, 63, 4)),
	     CASE_BAD("jsgt_fall_negative", NEG, J(JSGT, 63)),
	     CASE_OK("jsgt_and_jslt", J_(JSGT, 63), J(JSLT, 0)),
	     CASE_OK("jsge_and_jslt", J_(JSGE, 64), J(JSLT, 0)),
	     CASE_OK("jsle_taken_and_jsge", JTO(JSLE, 63), J(JSLT, 0)),
	     CASE_BAD("jsle_taken_only", NEG, JTO(JSLE, 63)),
	     CASE_OK("jslt_taken_and_jsgt", JTO(JSLT, 64), J(JSLT, 0)),
	     CASE_OK("jeq_taken_const", JTO(JEQ, 17)),
	     CASE_BAD("jeq_taken_const_past", "offset 64 size 1", JTO(JEQ, 64)),
	     CASE_OK("jne_fall_const", J(JNE, 5)), CASE_BAD("jne_taken_unknown", NEG, JTO(JNE, 5)),
	     CASE_OK("jmp32_jgt", EBPF_MOV32_REG(R3, R3), J32(JGT, 63)),
	     CASE_BAD("jmp32_jgt_upper_unknown", NEG, J32(JGT, 63)),
	     CASE_BAD("jmp32_jgt_past", OOB, EBPF_MOV32_REG(R3, R3), J32(JGT, 64)),
	     CASE_OK("jmp32_jlt_taken", EBPF_MOV32_REG(R3, R3), EBPF_JMP32_IMM(JLT, R3, 64, 2),
		     RET0),
	     CASE_OK("jmp32_signed", EBPF_MOV32_REG(R3, R3), J32_(JSLT, 0), J32(JSGT, 63)),
	     CASE_BAD("jmp32_signed_only_upper", "unbounded", EBPF_MOV32_REG(R3, R3),
		      J32(JSGT, 63)),
	     CASE_OK("jmp32_jge", EBPF_MOV32_REG(R3, R3), J32(JGE, 64)),
	     CASE_OK("reg_const", EBPF_MOV64_IMM(R4, 63), EBPF_JMP_REG(JGT, R3, R4, 4)),
	     CASE_BAD("reg_const_past", OOB, EBPF_MOV64_IMM(R4, 64), EBPF_JMP_REG(JGT, R3, R4, 4)),
	     CASE_OK("reg_bounded", EBPF_MOV64_REG(R6, R3), RAND(R4), EBPF_ALU64_IMM(AND, R4, 63),
		     EBPF_MOV64_REG(R3, R6), EBPF_JMP_REG(JGT, R3, R4, 4)),
	     CASE_OK("reg_reversed", EBPF_MOV64_IMM(R4, 64), EBPF_JMP_REG(JLE, R4, R3, 4)),
	     CASE_OK("linked_copy", EBPF_MOV64_REG(R4, R3), EBPF_JMP_IMM(JGT, R4, 63, 4)),
	     CASE_OK("linked_copy_reverse", EBPF_MOV64_REG(R4, R3), EBPF_JMP_IMM(JGT, R3, 63, 1),
		     EBPF_MOV64_REG(R3, R4), EBPF_JMP_IMM(JGT, R3, 63, 4)),
	     CASE_BAD("link_broken_by_alu", NEG, EBPF_MOV64_REG(R4, R3), EBPF_ALU64_IMM(ADD, R4, 0),
		      EBPF_JMP_IMM(JGT, R4, 63, 4)),
	     CASE_BAD("link_broken_by_write", NEG, EBPF_MOV64_REG(R6, R3), RAND(R3),
		      EBPF_JMP_IMM(JGT, R6, 63, 4)),
	     CASE_OK("linked_through_spill", EBPF_STX_MEM(DW, R10, R3, -8),
		     EBPF_JMP_IMM(JGT, R3, 63, 5), EBPF_LDX_MEM(DW, R3, R10, -8)),
	     OK("decided_taken", VT_PLAIN, EBPF_MOV64_IMM(R3, 5), EBPF_JMP_IMM(JLT, R3, 10, 1),
		EBPF_LDX_MEM(B, R0, R3, 0), RET0),
	     OK("decided_not_taken", VT_PLAIN, EBPF_MOV64_IMM(R3, 50), EBPF_JMP_IMM(JLT, R3, 10, 2),
		RET0, EBPF_LDX_MEM(B, R0, R3, 0), RET0),
	     BAD("undecided_walks_both", VT_PLAIN, -EACCES, "which is a scalar", RAND(R3),
		 EBPF_JMP_IMM(JLT, R3, 10, 2), RET0, EBPF_LDX_MEM(B, R0, R3, 0), RET0),
	     OK("disjoint_range_decided", VT_PLAIN, RAND(R3), EBPF_ALU64_IMM(AND, R3, 63),
		EBPF_JMP_IMM(JEQ, R3, 100, 2), RET0, EBPF_LDX_MEM(B, R0, R3, 0), RET0),
	     OK("known_bits_decided", VT_PLAIN, RAND(R3), EBPF_ALU64_IMM(OR, R3, 1),
		EBPF_JMP_IMM(JEQ, R3, 8, 2), RET0, EBPF_LDX_MEM(B, R0, R3, 0), RET0),
	     OK("jset_decided", VT_PLAIN, RAND(R3), EBPF_ALU64_IMM(OR, R3, 4),
		EBPF_JMP_IMM(JSET, R3, 4, 1), EBPF_LDX_MEM(B, R0, R3, 0), RET0),
	     OK("same_register", VT_PLAIN, RAND(R3), EBPF_JMP_REG(JEQ, R3, R3, 1),
		EBPF_LDX_MEM(B, R0, R3, 0), RET0),
	     OK("same_register_never", VT_PLAIN, RAND(R3), EBPF_JMP_REG(JGT, R3, R3, 2), RET0,
		EBPF_LDX_MEM(B, R0, R3, 0), RET0),
	     BAD("uninit_compare", VT_PLAIN, -EACCES, "read of uninitialised register r4",
		 EBPF_JMP_IMM(JEQ, R4, 0, 0), RET0),
	     BAD("uninit_compare_src", VT_PLAIN, -EACCES, "read of uninitialised register r5",
		 EBPF_MOV64_IMM(R4, 0), EBPF_JMP_REG(JEQ, R4, R5, 0), RET0),
	     OK("imm_sign_extended", VT_PLAIN, EBPF_LD_IMM64(R3, 0xffffffffffffffffull),
		EBPF_JMP_IMM(JEQ, R3, -1, 1), EBPF_LDX_MEM(B, R0, R3, 0), RET0),
	     OK("jmp32_imm_not_extended", VT_PLAIN, EBPF_LD_IMM64(R3, 0x1ffffffffull),
		EBPF_JMP32_IMM(JEQ, R3, -1, 1), EBPF_LDX_MEM(B, R0, R3, 0), RET0), );
