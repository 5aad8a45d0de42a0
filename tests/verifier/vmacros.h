/* SPDX-License-Identifier: MIT */
/* Shorthands for the corpus files: case constructors and recurring instruction sequences. */
#ifndef EXTBPF_TESTS_VERIFIER_VMACROS_H
#define EXTBPF_TESTS_VERIFIER_VMACROS_H

#include "insn.h"
#include "vcases.h"

#define OK(name_, type_, ...)                                                                      \
	{                                                                                          \
		.name = (name_), .type = (type_), .expect = 0, .insns = { __VA_ARGS__ }            \
	}
#define BAD(name_, type_, err_, reason_, ...)                                                      \
	{                                                                                          \
		.name = (name_), .type = (type_), .expect = (err_), .reason = (reason_),           \
		.insns = {                                                                         \
			__VA_ARGS__                                                                \
		}                                                                                  \
	}
/* Refused at a given instruction. */
#define BAD_AT(name_, type_, insn_, reason_, ...)                                                  \
	{                                                                                          \
		.name = (name_), .type = (type_), .expect = -EACCES, .reason = (reason_),          \
		.insn = (insn_), .insns = {                                                        \
			__VA_ARGS__                                                                \
		}                                                                                  \
	}

/* Malformed (-EINVAL) at a given instruction. */
#define MALFORMED_AT(name_, type_, insn_, reason_, ...)                                            \
	{                                                                                          \
		.name = (name_), .type = (type_), .expect = -EINVAL, .reason = (reason_),          \
		.insn = (insn_), .insns = {                                                        \
			__VA_ARGS__                                                                \
		}                                                                                  \
	}

/* A VT_PLAIN case verified with an instruction limit of its own. */
#define LIMITED(name_, limit_, err_, reason_, ...)                                                 \
	{                                                                                          \
		.name = (name_), .type = VT_PLAIN, .expect = (err_), .reason = (reason_),          \
		.limit = (limit_), .insns = {                                                      \
			__VA_ARGS__                                                                \
		}                                                                                  \
	}

#define ADD  EBPF_ALU_ADD
#define SUB  EBPF_ALU_SUB
#define MUL  EBPF_ALU_MUL
#define DIV  EBPF_ALU_DIV
#define OR   EBPF_ALU_OR
#define AND  EBPF_ALU_AND
#define LSH  EBPF_ALU_LSH
#define RSH  EBPF_ALU_RSH
#define MOD  EBPF_ALU_MOD
#define XOR  EBPF_ALU_XOR
#define ARSH EBPF_ALU_ARSH
#define JEQ  EBPF_JMP_JEQ
#define JNE  EBPF_JMP_JNE
#define JGT  EBPF_JMP_JGT
#define JGE  EBPF_JMP_JGE
#define JLT  EBPF_JMP_JLT
#define JLE  EBPF_JMP_JLE
#define JSGT EBPF_JMP_JSGT
#define JSGE EBPF_JMP_JSGE
#define JSLT EBPF_JMP_JSLT
#define JSLE EBPF_JMP_JSLE
#define JSET EBPF_JMP_JSET

#define RET0	 EBPF_MOV64_IMM(R0, 0), EBPF_EXIT()
/* r2 = data, r3 = data_end (VT_PKT). 2 insns. */
#define PKT_LOAD EBPF_LDX_MEM(W, R2, R1, 0), EBPF_LDX_MEM(W, R3, R1, 4)
/* r2 = data, r3 = data_end, and data + n <= data_end proven on the fall-through (5 insns,
 * the check jumps over the next `skip` instructions when it fails). */
#define PKT_CHECK(n, skip)                                                                         \
	PKT_LOAD, EBPF_MOV64_REG(R4, R2), EBPF_ALU64_IMM(ADD, R4, n),                              \
	    EBPF_JMP_REG(JGT, R4, R3, skip)
/* r0 = lookup(map, &(u32)0) with the key at fp-4. 6 insns. */
#define LOOKUP(map)                                                                                \
	EBPF_ST_MEM(W, R10, -4, 0), EBPF_MOV64_REG(R2, R10), EBPF_ALU64_IMM(ADD, R2, -4),          \
	    EBPF_LD_MAP_IDX(R1, map), EBPF_HELPER_CALL(H_LOOKUP)
/* reg = an unknown 64-bit scalar. 2 insns. */
#define RAND(reg) EBPF_HELPER_CALL(H_PRANDOM), EBPF_MOV64_REG(reg, R0)
/* Reads .data (64 bytes) at offset reg, then returns 0: accepted iff reg is within [0, 63].
 * 6 slots; a jump of +4 from just before it lands on its "r0 = 0". */
#define PROBE(reg)                                                                                 \
	EBPF_LD_MAP_VALUE(R1, MAP_DATA, 0), EBPF_ALU64_REG(ADD, R1, reg),                          \
	    EBPF_LDX_MEM(B, R0, R1, 0), RET0
#define PROBE_OOB "map value access out of bounds"

#endif
