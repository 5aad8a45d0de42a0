/* SPDX-License-Identifier: MIT */
/*
 * Instruction macros for hand-written test programs, after the Linux kernel's
 * include/linux/filter.h (BPF_MOV64_IMM, BPF_LDX_MEM, ...).
 */
#ifndef EXTBPF_TESTS_VERIFIER_INSN_H
#define EXTBPF_TESTS_VERIFIER_INSN_H

#include "isa/isa.h"

#define EBPF_RAW_INSN(c, d, s, o, i)                                                               \
	((struct ebpf_inst){ .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })

/* ALU: op is EBPF_ALU_ADD, EBPF_ALU_SUB, ... */
#define EBPF_ALU64_REG(op, d, s) EBPF_RAW_INSN(EBPF_CLS_ALU64 | (op) | EBPF_SRC_X, d, s, 0, 0)
#define EBPF_ALU64_IMM(op, d, i) EBPF_RAW_INSN(EBPF_CLS_ALU64 | (op) | EBPF_SRC_K, d, 0, 0, i)
#define EBPF_ALU32_REG(op, d, s) EBPF_RAW_INSN(EBPF_CLS_ALU | (op) | EBPF_SRC_X, d, s, 0, 0)
#define EBPF_ALU32_IMM(op, d, i) EBPF_RAW_INSN(EBPF_CLS_ALU | (op) | EBPF_SRC_K, d, 0, 0, i)
#define EBPF_SDIV64_REG(d, s)	 EBPF_RAW_INSN(EBPF_CLS_ALU64 | EBPF_ALU_DIV | EBPF_SRC_X, d, s, 1, 0)
#define EBPF_NEG64(d)		 EBPF_RAW_INSN(EBPF_CLS_ALU64 | EBPF_ALU_NEG, d, 0, 0, 0)
#define EBPF_MOV64_REG(d, s)	 EBPF_ALU64_REG(EBPF_ALU_MOV, d, s)
#define EBPF_MOV64_IMM(d, i)	 EBPF_ALU64_IMM(EBPF_ALU_MOV, d, i)
#define EBPF_MOV32_REG(d, s)	 EBPF_ALU32_REG(EBPF_ALU_MOV, d, s)
#define EBPF_MOV32_IMM(d, i)	 EBPF_ALU32_IMM(EBPF_ALU_MOV, d, i)
/* movsx: bits is 8, 16 or 32 */
#define EBPF_MOVSX64_REG(d, s, bits)                                                               \
	EBPF_RAW_INSN(EBPF_CLS_ALU64 | EBPF_ALU_MOV | EBPF_SRC_X, d, s, bits, 0)
#define EBPF_ENDIAN(to, d, bits) EBPF_RAW_INSN(EBPF_CLS_ALU | EBPF_ALU_END | (to), d, 0, 0, bits)
#define EBPF_BSWAP(d, bits)	 EBPF_RAW_INSN(EBPF_CLS_ALU64 | EBPF_ALU_END, d, 0, 0, bits)

/* Memory: size is EBPF_SIZE_B, _H, _W or _DW. */
#define EBPF_LDX_MEM(sz, d, s, o)   EBPF_RAW_INSN(EBPF_CLS_LDX | EBPF_MODE_MEM | (sz), d, s, o, 0)
#define EBPF_LDX_MEMSX(sz, d, s, o) EBPF_RAW_INSN(EBPF_CLS_LDX | EBPF_MODE_MEMSX | (sz), d, s, o, 0)
#define EBPF_STX_MEM(sz, d, s, o)   EBPF_RAW_INSN(EBPF_CLS_STX | EBPF_MODE_MEM | (sz), d, s, o, 0)
#define EBPF_ST_MEM(sz, d, o, i)    EBPF_RAW_INSN(EBPF_CLS_ST | EBPF_MODE_MEM | (sz), d, 0, o, i)
#define EBPF_ATOMIC_OP(sz, op, d, s, o)                                                            \
	EBPF_RAW_INSN(EBPF_CLS_STX | EBPF_MODE_ATOMIC | (sz), d, s, o, op)

/* lddw: two slots. */
#define EBPF_LD_IMM64_RAW(d, s, lo, hi)                                                            \
	EBPF_RAW_INSN(EBPF_OP_LDDW, d, s, 0, (int32_t)(lo)),                                       \
	    EBPF_RAW_INSN(0, 0, 0, 0, (int32_t)(hi))
#define EBPF_LD_IMM64(d, v)                                                                        \
	EBPF_LD_IMM64_RAW(d, EBPF_PSEUDO_IMM, (uint64_t)(v)&0xffffffff, (uint64_t)(v) >> 32)
#define EBPF_LD_MAP_IDX(d, idx)	       EBPF_LD_IMM64_RAW(d, EBPF_PSEUDO_MAP_IDX, idx, 0)
#define EBPF_LD_MAP_VALUE(d, idx, off) EBPF_LD_IMM64_RAW(d, EBPF_PSEUDO_MAP_IDX_VALUE, idx, off)

/* Legacy packet loads. */
#define EBPF_LD_ABS(sz, i)    EBPF_RAW_INSN(EBPF_CLS_LD | EBPF_MODE_ABS | (sz), 0, 0, 0, i)
#define EBPF_LD_IND(sz, s, i) EBPF_RAW_INSN(EBPF_CLS_LD | EBPF_MODE_IND | (sz), 0, s, 0, i)

/* Jumps: op is EBPF_JMP_JEQ, ... (EBPF_HELPER_CALL: isa.h already names EBPF_CALL_HELPER) */
#define EBPF_JMP_REG(op, d, s, o)   EBPF_RAW_INSN(EBPF_CLS_JMP | (op) | EBPF_SRC_X, d, s, o, 0)
#define EBPF_JMP_IMM(op, d, i, o)   EBPF_RAW_INSN(EBPF_CLS_JMP | (op) | EBPF_SRC_K, d, 0, o, i)
#define EBPF_JMP32_REG(op, d, s, o) EBPF_RAW_INSN(EBPF_CLS_JMP32 | (op) | EBPF_SRC_X, d, s, o, 0)
#define EBPF_JMP32_IMM(op, d, i, o) EBPF_RAW_INSN(EBPF_CLS_JMP32 | (op) | EBPF_SRC_K, d, 0, o, i)
#define EBPF_JMP_A(o)		    EBPF_RAW_INSN(EBPF_OP_JA, 0, 0, o, 0)
#define EBPF_JMP32_A(i)		    EBPF_RAW_INSN(EBPF_OP_JA32, 0, 0, 0, i)
#define EBPF_HELPER_CALL(id)	    EBPF_RAW_INSN(EBPF_OP_CALL, 0, EBPF_CALL_HELPER, 0, id)
#define EBPF_CALL_REL(o)	    EBPF_RAW_INSN(EBPF_OP_CALL, 0, EBPF_CALL_LOCAL, 0, o)
#define EBPF_EXIT()		    EBPF_RAW_INSN(EBPF_OP_EXIT, 0, 0, 0, 0)

/* Register names. */
enum { R0, R1, R2, R3, R4, R5, R6, R7, R8, R9, R10 };

/* Shorthands. */
#define W  EBPF_SIZE_W
#define H  EBPF_SIZE_H
#define B  EBPF_SIZE_B
#define DW EBPF_SIZE_DW

#endif /* EXTBPF_TESTS_VERIFIER_INSN_H */
