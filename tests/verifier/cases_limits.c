// SPDX-License-Identifier: MIT
/*
 * Constant and variable pointer offsets near the 64-bit limits (INT64_MAX, INT64_MIN, U64 max
 * and their neighbours), added to and subtracted from every kind of pointer, as lddw
 * immediates, 32-bit immediates and through a scalar: each is refused with a message, and the
 * verifier's own arithmetic on them stays defined (the corpus runs under UBSan).
 */
#include <stdint.h>

#include "vmacros.h"

#define OUT_OF_RANGE "pointer offset out of range"
#define LOAD_R1	     EBPF_LDX_MEM(B, R0, R1, 0), EBPF_EXIT()

/* r1 = the pointer of each kind (the context is already there). */
#define P_CTX	 EBPF_MOV64_REG(R1, R1)
#define P_STACK	 EBPF_MOV64_REG(R1, R10)
#define P_VALUE	 EBPF_LD_MAP_VALUE(R1, MAP_DATA, 0)
#define P_LOOKUP LOOKUP(MAP_HASH), EBPF_JMP_IMM(JNE, R0, 0, 1), EBPF_EXIT(), EBPF_MOV64_REG(R1, R0)
#define P_PACKET EBPF_LDX_MEM(W, R1, R1, 0)
#define P_META	 EBPF_LDX_MEM(W, R1, R1, 8)

/* ptr += k, ptr -= k, k + ptr, and ptr += (k + a random bit): k from an lddw. */
#define K_CASES(name, type, k, ...)                                                                \
	BAD(name "_add", type, -EACCES, OUT_OF_RANGE, __VA_ARGS__, EBPF_LD_IMM64(R2, k),           \
	    EBPF_ALU64_REG(ADD, R1, R2), LOAD_R1),                                                 \
	    BAD(name "_sub", type, -EACCES, OUT_OF_RANGE, __VA_ARGS__, EBPF_LD_IMM64(R2, k),       \
		EBPF_ALU64_REG(SUB, R1, R2), LOAD_R1),                                             \
	    BAD(name "_scalar_plus_pointer", type, -EACCES, OUT_OF_RANGE, __VA_ARGS__,             \
		EBPF_LD_IMM64(R2, k), EBPF_ALU64_REG(ADD, R2, R1), EBPF_LDX_MEM(B, R0, R2, 0),     \
		EBPF_EXIT()),                                                                      \
	    BAD(name "_variable", type, -EACCES, NULL, EBPF_MOV64_REG(R9, R1), RAND(R7),           \
		EBPF_MOV64_REG(R1, R9), __VA_ARGS__, EBPF_ALU64_IMM(AND, R7, 1),                   \
		EBPF_LD_IMM64(R2, k), EBPF_ALU64_REG(ADD, R2, R7), EBPF_ALU64_REG(ADD, R1, R2),    \
		LOAD_R1)

#define PTR_CASES(name, type, ...)                                                                 \
	K_CASES(name "_int64_max", type, INT64_MAX, __VA_ARGS__),                                  \
	    K_CASES(name "_int64_min", type, INT64_MIN, __VA_ARGS__),                              \
	    K_CASES(name "_int64_min_plus_1", type, INT64_MIN + 1, __VA_ARGS__),                   \
	    K_CASES(name "_u64_max_minus_2p30", type, UINT64_MAX - (1ull << 30), __VA_ARGS__),     \
	    BAD(name "_add_imm_int32_min", type, -EACCES, OUT_OF_RANGE, __VA_ARGS__,               \
		EBPF_ALU64_IMM(ADD, R1, INT32_MIN), LOAD_R1),                                      \
	    BAD(name "_sub_imm_int32_min", type, -EACCES, OUT_OF_RANGE, __VA_ARGS__,               \
		EBPF_ALU64_IMM(SUB, R1, INT32_MIN), LOAD_R1),                                      \
	    BAD(name "_chain_past_limit", type, -EACCES, OUT_OF_RANGE, __VA_ARGS__,                \
		EBPF_ALU64_IMM(ADD, R1, (1 << 29) - 1), EBPF_ALU64_IMM(ADD, R1, (1 << 29) - 1),    \
		LOAD_R1),                                                                          \
	    BAD(name "_offset_then_int64_max", type, -EACCES, OUT_OF_RANGE, __VA_ARGS__,           \
		EBPF_ALU64_IMM(ADD, R1, 8), EBPF_LD_IMM64(R2, INT64_MAX),                          \
		EBPF_ALU64_REG(ADD, R1, R2), LOAD_R1),                                             \
	    BAD(name "_u64_max_then_access", type, -EACCES, NULL, __VA_ARGS__,                     \
		EBPF_LD_IMM64(R2, UINT64_MAX), EBPF_ALU64_REG(ADD, R1, R2), LOAD_R1),              \
	    BAD(name "_u64_max_twice", type, -EACCES, NULL, __VA_ARGS__,                           \
		EBPF_LD_IMM64(R2, UINT64_MAX), EBPF_ALU64_REG(SUB, R1, R2),                        \
		EBPF_ALU64_REG(SUB, R1, R2), EBPF_LDX_MEM(B, R0, R1, 32767), EBPF_EXIT())

DEFINE_CASES(limits,
	     BAD("global_data_offset_int32_min", VT_PLAIN, -EACCES,
		 "direct value offset -2147483648 out of map '.data' value size 64",
		 EBPF_LD_MAP_VALUE(R1, MAP_DATA, INT32_MIN), LOAD_R1),
	     BAD("global_data_offset_int32_max", VT_PLAIN, -EACCES,
		 "direct value offset 2147483647 out of map '.data' value size 64",
		 EBPF_LD_MAP_VALUE(R1, MAP_DATA, INT32_MAX), LOAD_R1),
	     PTR_CASES("ctx", VT_PLAIN, P_CTX), PTR_CASES("stack", VT_PLAIN, P_STACK),
	     PTR_CASES("map_value", VT_PLAIN, P_VALUE), PTR_CASES("lookup", VT_PLAIN, P_LOOKUP),
	     PTR_CASES("packet", VT_PKT, P_PACKET), PTR_CASES("meta", VT_PKT, P_META));
