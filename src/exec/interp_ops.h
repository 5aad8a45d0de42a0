/* SPDX-License-Identifier: MIT */
/*
 * The interpreter's own operation set. PLAIN(name, opcode) is one raw RFC 9669 opcode handled
 * by one handler; VARIANT(name) is a handler chosen at prepare time from an opcode plus its
 * offset, immediate or source field (signed division, movsx, byte swaps, atomics, call kinds).
 * The list makes the enum, the decoder's opcode map and the dispatch tables, so a handler that
 * is missing from the loop is a compile error rather than a silent hole.
 */
#ifndef EXTBPF_EXEC_INTERP_OPS_H
#define EXTBPF_EXEC_INTERP_OPS_H

#include "isa/isa.h"

#define INTERP_ALU_OPS(PLAIN, W, CLS)                                                              \
	PLAIN(ADD##W##_K, CLS | EBPF_ALU_ADD | EBPF_SRC_K)                                         \
	PLAIN(ADD##W##_X, CLS | EBPF_ALU_ADD | EBPF_SRC_X)                                         \
	PLAIN(SUB##W##_K, CLS | EBPF_ALU_SUB | EBPF_SRC_K)                                         \
	PLAIN(SUB##W##_X, CLS | EBPF_ALU_SUB | EBPF_SRC_X)                                         \
	PLAIN(MUL##W##_K, CLS | EBPF_ALU_MUL | EBPF_SRC_K)                                         \
	PLAIN(MUL##W##_X, CLS | EBPF_ALU_MUL | EBPF_SRC_X)                                         \
	PLAIN(DIV##W##_K, CLS | EBPF_ALU_DIV | EBPF_SRC_K)                                         \
	PLAIN(DIV##W##_X, CLS | EBPF_ALU_DIV | EBPF_SRC_X)                                         \
	PLAIN(OR##W##_K, CLS | EBPF_ALU_OR | EBPF_SRC_K)                                           \
	PLAIN(OR##W##_X, CLS | EBPF_ALU_OR | EBPF_SRC_X)                                           \
	PLAIN(AND##W##_K, CLS | EBPF_ALU_AND | EBPF_SRC_K)                                         \
	PLAIN(AND##W##_X, CLS | EBPF_ALU_AND | EBPF_SRC_X)                                         \
	PLAIN(LSH##W##_K, CLS | EBPF_ALU_LSH | EBPF_SRC_K)                                         \
	PLAIN(LSH##W##_X, CLS | EBPF_ALU_LSH | EBPF_SRC_X)                                         \
	PLAIN(RSH##W##_K, CLS | EBPF_ALU_RSH | EBPF_SRC_K)                                         \
	PLAIN(RSH##W##_X, CLS | EBPF_ALU_RSH | EBPF_SRC_X)                                         \
	PLAIN(NEG##W, CLS | EBPF_ALU_NEG | EBPF_SRC_K)                                             \
	PLAIN(MOD##W##_K, CLS | EBPF_ALU_MOD | EBPF_SRC_K)                                         \
	PLAIN(MOD##W##_X, CLS | EBPF_ALU_MOD | EBPF_SRC_X)                                         \
	PLAIN(XOR##W##_K, CLS | EBPF_ALU_XOR | EBPF_SRC_K)                                         \
	PLAIN(XOR##W##_X, CLS | EBPF_ALU_XOR | EBPF_SRC_X)                                         \
	PLAIN(MOV##W##_K, CLS | EBPF_ALU_MOV | EBPF_SRC_K)                                         \
	PLAIN(MOV##W##_X, CLS | EBPF_ALU_MOV | EBPF_SRC_X)                                         \
	PLAIN(ARSH##W##_K, CLS | EBPF_ALU_ARSH | EBPF_SRC_K)                                       \
	PLAIN(ARSH##W##_X, CLS | EBPF_ALU_ARSH | EBPF_SRC_X)

#define INTERP_JMP_OPS(PLAIN, W, CLS)                                                              \
	PLAIN(JEQ##W##_K, CLS | EBPF_JMP_JEQ | EBPF_SRC_K)                                         \
	PLAIN(JEQ##W##_X, CLS | EBPF_JMP_JEQ | EBPF_SRC_X)                                         \
	PLAIN(JGT##W##_K, CLS | EBPF_JMP_JGT | EBPF_SRC_K)                                         \
	PLAIN(JGT##W##_X, CLS | EBPF_JMP_JGT | EBPF_SRC_X)                                         \
	PLAIN(JGE##W##_K, CLS | EBPF_JMP_JGE | EBPF_SRC_K)                                         \
	PLAIN(JGE##W##_X, CLS | EBPF_JMP_JGE | EBPF_SRC_X)                                         \
	PLAIN(JSET##W##_K, CLS | EBPF_JMP_JSET | EBPF_SRC_K)                                       \
	PLAIN(JSET##W##_X, CLS | EBPF_JMP_JSET | EBPF_SRC_X)                                       \
	PLAIN(JNE##W##_K, CLS | EBPF_JMP_JNE | EBPF_SRC_K)                                         \
	PLAIN(JNE##W##_X, CLS | EBPF_JMP_JNE | EBPF_SRC_X)                                         \
	PLAIN(JSGT##W##_K, CLS | EBPF_JMP_JSGT | EBPF_SRC_K)                                       \
	PLAIN(JSGT##W##_X, CLS | EBPF_JMP_JSGT | EBPF_SRC_X)                                       \
	PLAIN(JSGE##W##_K, CLS | EBPF_JMP_JSGE | EBPF_SRC_K)                                       \
	PLAIN(JSGE##W##_X, CLS | EBPF_JMP_JSGE | EBPF_SRC_X)                                       \
	PLAIN(JLT##W##_K, CLS | EBPF_JMP_JLT | EBPF_SRC_K)                                         \
	PLAIN(JLT##W##_X, CLS | EBPF_JMP_JLT | EBPF_SRC_X)                                         \
	PLAIN(JLE##W##_K, CLS | EBPF_JMP_JLE | EBPF_SRC_K)                                         \
	PLAIN(JLE##W##_X, CLS | EBPF_JMP_JLE | EBPF_SRC_X)                                         \
	PLAIN(JSLT##W##_K, CLS | EBPF_JMP_JSLT | EBPF_SRC_K)                                       \
	PLAIN(JSLT##W##_X, CLS | EBPF_JMP_JSLT | EBPF_SRC_X)                                       \
	PLAIN(JSLE##W##_K, CLS | EBPF_JMP_JSLE | EBPF_SRC_K)                                       \
	PLAIN(JSLE##W##_X, CLS | EBPF_JMP_JSLE | EBPF_SRC_X)

#define INTERP_MEM_OPS(PLAIN)                                                                      \
	PLAIN(LDXB, EBPF_CLS_LDX | EBPF_MODE_MEM | EBPF_SIZE_B)                                    \
	PLAIN(LDXH, EBPF_CLS_LDX | EBPF_MODE_MEM | EBPF_SIZE_H)                                    \
	PLAIN(LDXW, EBPF_CLS_LDX | EBPF_MODE_MEM | EBPF_SIZE_W)                                    \
	PLAIN(LDXDW, EBPF_CLS_LDX | EBPF_MODE_MEM | EBPF_SIZE_DW)                                  \
	PLAIN(LDXSB, EBPF_CLS_LDX | EBPF_MODE_MEMSX | EBPF_SIZE_B)                                 \
	PLAIN(LDXSH, EBPF_CLS_LDX | EBPF_MODE_MEMSX | EBPF_SIZE_H)                                 \
	PLAIN(LDXSW, EBPF_CLS_LDX | EBPF_MODE_MEMSX | EBPF_SIZE_W)                                 \
	PLAIN(STB, EBPF_CLS_ST | EBPF_MODE_MEM | EBPF_SIZE_B)                                      \
	PLAIN(STH, EBPF_CLS_ST | EBPF_MODE_MEM | EBPF_SIZE_H)                                      \
	PLAIN(STW, EBPF_CLS_ST | EBPF_MODE_MEM | EBPF_SIZE_W)                                      \
	PLAIN(STDW, EBPF_CLS_ST | EBPF_MODE_MEM | EBPF_SIZE_DW)                                    \
	PLAIN(STXB, EBPF_CLS_STX | EBPF_MODE_MEM | EBPF_SIZE_B)                                    \
	PLAIN(STXH, EBPF_CLS_STX | EBPF_MODE_MEM | EBPF_SIZE_H)                                    \
	PLAIN(STXW, EBPF_CLS_STX | EBPF_MODE_MEM | EBPF_SIZE_W)                                    \
	PLAIN(STXDW, EBPF_CLS_STX | EBPF_MODE_MEM | EBPF_SIZE_DW)                                  \
	PLAIN(LDDW, EBPF_OP_LDDW)

#define INTERP_ATOMIC_OPS(VARIANT, W)                                                              \
	VARIANT(ATOMIC##W##_ADD)                                                                   \
	VARIANT(ATOMIC##W##_OR)                                                                    \
	VARIANT(ATOMIC##W##_AND)                                                                   \
	VARIANT(ATOMIC##W##_XOR)                                                                   \
	VARIANT(ATOMIC##W##_FETCH_ADD)                                                             \
	VARIANT(ATOMIC##W##_FETCH_OR)                                                              \
	VARIANT(ATOMIC##W##_FETCH_AND)                                                             \
	VARIANT(ATOMIC##W##_FETCH_XOR)                                                             \
	VARIANT(ATOMIC##W##_XCHG)                                                                  \
	VARIANT(ATOMIC##W##_CMPXCHG)

/* Load-acquire and store-release, by access size in bits. */
#define INTERP_ACQ_REL_OPS(VARIANT, W)                                                             \
	VARIANT(LOAD_ACQ##W)                                                                       \
	VARIANT(STORE_REL##W)

#define INTERP_OPS(PLAIN, VARIANT)                                                                 \
	VARIANT(INVALID)                                                                           \
	INTERP_ALU_OPS(PLAIN, 64, EBPF_CLS_ALU64)                                                  \
	INTERP_ALU_OPS(PLAIN, 32, EBPF_CLS_ALU)                                                    \
	VARIANT(SDIV64_K)                                                                          \
	VARIANT(SDIV64_X)                                                                          \
	VARIANT(SMOD64_K)                                                                          \
	VARIANT(SMOD64_X)                                                                          \
	VARIANT(SDIV32_K)                                                                          \
	VARIANT(SDIV32_X)                                                                          \
	VARIANT(SMOD32_K)                                                                          \
	VARIANT(SMOD32_X)                                                                          \
	VARIANT(MOVSX64_8)                                                                         \
	VARIANT(MOVSX64_16)                                                                        \
	VARIANT(MOVSX64_32)                                                                        \
	VARIANT(MOVSX32_8)                                                                         \
	VARIANT(MOVSX32_16)                                                                        \
	VARIANT(LE16)                                                                              \
	VARIANT(LE32)                                                                              \
	VARIANT(LE64)                                                                              \
	VARIANT(BSWAP16)                                                                           \
	VARIANT(BSWAP32)                                                                           \
	VARIANT(BSWAP64)                                                                           \
	INTERP_MEM_OPS(PLAIN)                                                                      \
	INTERP_ATOMIC_OPS(VARIANT, 32)                                                             \
	INTERP_ATOMIC_OPS(VARIANT, 64)                                                             \
	INTERP_ACQ_REL_OPS(VARIANT, 8)                                                             \
	INTERP_ACQ_REL_OPS(VARIANT, 16)                                                            \
	INTERP_ACQ_REL_OPS(VARIANT, 32)                                                            \
	INTERP_ACQ_REL_OPS(VARIANT, 64)                                                            \
	PLAIN(JA, EBPF_OP_JA)                                                                      \
	PLAIN(JA32, EBPF_OP_JA32)                                                                  \
	PLAIN(MAY_GOTO, EBPF_OP_MAY_GOTO)                                                          \
	INTERP_JMP_OPS(PLAIN, 64, EBPF_CLS_JMP)                                                    \
	INTERP_JMP_OPS(PLAIN, 32, EBPF_CLS_JMP32)                                                  \
	PLAIN(CALLX, EBPF_CLS_JMP | EBPF_JMP_CALL | EBPF_SRC_X)                                    \
	VARIANT(CALL_HELPER)                                                                       \
	VARIANT(CALL_HELPER_CTX)                                                                   \
	VARIANT(CALL_LOCAL)                                                                        \
	VARIANT(CALL_UNWIND)                                                                       \
	VARIANT(CALL_TAIL)                                                                         \
	VARIANT(CALL_LOOP)                                                                         \
	VARIANT(CALL_FOR_EACH)                                                                     \
	PLAIN(EXIT, EBPF_OP_EXIT)

#define INTERP_ENUM_PLAIN(name, code) INTERP_OP_##name,
#define INTERP_ENUM_VARIANT(name)     INTERP_OP_##name,
enum interp_op { INTERP_OPS(INTERP_ENUM_PLAIN, INTERP_ENUM_VARIANT) INTERP_OP_COUNT };
#undef INTERP_ENUM_PLAIN
#undef INTERP_ENUM_VARIANT

_Static_assert(INTERP_OP_COUNT <= 256, "interp ops must fit the uint8_t op field");

#endif /* EXTBPF_EXEC_INTERP_OPS_H */
