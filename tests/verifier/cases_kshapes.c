// SPDX-License-Identifier: MIT
/*
 * The shapes of Linux's verifier selftests (tools/testing/selftests/bpf/progs/verifier_*.c),
 * each written anew against the corpus's maps and types: signed division and modulo, sign
 * extending moves and loads, byte swaps, atomics on the stack, large constants added to
 * pointers, packet pointers moved backwards or by unbounded amounts, metadata proven against
 * the wrong end. Each refused shape has a safe twin that stays accepted. test_kdiff_corpus
 * compares every verdict with the running kernel's.
 */
#include "vmacros.h"

#define X(name, why, ...)  BAD(name, VT_PLAIN, -EACCES, why, __VA_ARGS__)
#define S(name, ...)	   OK(name, VT_PLAIN, __VA_ARGS__)
#define XP(name, why, ...) BAD(name, VT_PKT, -EACCES, why, __VA_ARGS__)
#define SP(name, ...)	   OK(name, VT_PKT, __VA_ARGS__)

/* Signed division and modulo by an immediate (off 1). */
#define SDIV64_IMM(d, i) EBPF_RAW_INSN(EBPF_CLS_ALU64 | EBPF_ALU_DIV | EBPF_SRC_K, d, 0, 1, i)
#define SMOD64_IMM(d, i) EBPF_RAW_INSN(EBPF_CLS_ALU64 | EBPF_ALU_MOD | EBPF_SRC_K, d, 0, 1, i)
#define SMOD32_IMM(d, i) EBPF_RAW_INSN(EBPF_CLS_ALU | EBPF_ALU_MOD | EBPF_SRC_K, d, 0, 1, i)
#define SDIV32_IMM(d, i) EBPF_RAW_INSN(EBPF_CLS_ALU | EBPF_ALU_DIV | EBPF_SRC_K, d, 0, 1, i)
#define MOVSX32_REG(d, s, bits)                                                                    \
	EBPF_RAW_INSN(EBPF_CLS_ALU | EBPF_ALU_MOV | EBPF_SRC_X, d, s, bits, 0)
#define ATOMIC(sz, op, d, s, o) EBPF_ATOMIC_OP(EBPF_SIZE_##sz, op, d, s, o)
/* r6 = a random byte. 3 insns. */
/* r2 = data, r3 = data_end from the context saved in r9. */
#define PKT_LOAD9		EBPF_LDX_MEM(W, R2, R9, 0), EBPF_LDX_MEM(W, R3, R9, 4)
#define NEG			"may be negative"
#define UNBOUNDED		"variable offset is unbounded"
#define PTR_RANGE		"pointer offset out of range"
#define RAND_BYTE(reg)		RAND(reg), EBPF_ALU64_IMM(AND, reg, 0xff)

DEFINE_CASES(
    kshapes,
    /* ---- verifier_sdiv: signed division and modulo give negative results ---- */
    X("sdiv_by_minus_one_negates", NEG, RAND_BYTE(R6), SDIV64_IMM(R6, -1), PROBE(R6)),
    S("sdiv_by_minus_one_masked", RAND_BYTE(R6), SDIV64_IMM(R6, -1), EBPF_ALU64_IMM(AND, R6, 63),
      PROBE(R6)),
    X("smod64_of_negative", NEG, RAND(R6), SMOD64_IMM(R6, 8), PROBE(R6)),
    S("umod64_of_anything", RAND(R6), EBPF_ALU64_IMM(MOD, R6, 8), PROBE(R6)),
    X("smod32_of_negative", UNBOUNDED, RAND(R6), SMOD32_IMM(R6, 8), PROBE(R6)),
    X("sdiv32_of_negative", UNBOUNDED, RAND(R6), SDIV32_IMM(R6, 2), PROBE(R6)),
    X("sdiv32_min_by_minus_one", PTR_RANGE, EBPF_MOV32_IMM(R6, INT32_MIN), SDIV32_IMM(R6, -1),
      PROBE(R6)),
    X("smod64_const_negative", PROBE_OOB, EBPF_MOV64_IMM(R6, -13), SMOD64_IMM(R6, 8), PROBE(R6)),
    S("smod64_const_negative_twin", EBPF_MOV64_IMM(R6, -13), SMOD64_IMM(R6, 8),
      EBPF_ALU64_IMM(ADD, R6, 5), PROBE(R6)),
    /* ---- verifier_movsx: sign extension of a non-negative range ---- */
    X("movsx8_of_byte", NEG, RAND_BYTE(R6), EBPF_MOVSX64_REG(R6, R6, 8), PROBE(R6)),
    S("movsx8_of_small", RAND(R6), EBPF_ALU64_IMM(AND, R6, 63), EBPF_MOVSX64_REG(R6, R6, 8),
      PROBE(R6)),
    X("movsx16_of_half", PROBE_OOB, RAND(R6), EBPF_ALU64_IMM(AND, R6, 0xffff),
      EBPF_MOVSX64_REG(R6, R6, 16), EBPF_ALU64_IMM(ADD, R6, 0x8000), PROBE(R6)),
    X("movsx32_of_word", PROBE_OOB, RAND(R6), EBPF_MOV32_REG(R6, R6), EBPF_MOVSX64_REG(R6, R6, 32),
      EBPF_ALU64_IMM(RSH, R6, 40), PROBE(R6)),
    X("movsx32_alu32_s8", UNBOUNDED, RAND_BYTE(R6), MOVSX32_REG(R6, R6, 8), PROBE(R6)),
    X("movsx8_const", PROBE_OOB, EBPF_MOV64_IMM(R6, 0xc0), EBPF_MOVSX64_REG(R6, R6, 8),
      EBPF_ALU64_IMM(ADD, R6, 64), EBPF_ALU64_IMM(ADD, R6, 64), PROBE(R6)),
    S("movsx8_const_twin", EBPF_MOV64_IMM(R6, 0xc0), EBPF_MOVSX64_REG(R6, R6, 8),
      EBPF_ALU64_IMM(ADD, R6, 64), PROBE(R6)),
    /* ---- verifier_ldsx: sign-extending loads of spilled constants and of bytes ---- */
    X("ldsx8_spilled_const", PROBE_OOB, EBPF_ST_MEM(DW, R10, -8, 0xff),
      EBPF_LDX_MEMSX(B, R6, R10, -8), EBPF_ALU64_IMM(ADD, R6, -200), PROBE(R6)),
    S("ldx8_spilled_const", EBPF_ST_MEM(DW, R10, -8, 0xff), EBPF_LDX_MEM(B, R6, R10, -8),
      EBPF_ALU64_IMM(RSH, R6, 2), PROBE(R6)),
    X("ldsx16_spilled_const", PTR_RANGE, EBPF_ST_MEM(DW, R10, -8, 0x8001),
      EBPF_LDX_MEMSX(H, R6, R10, -8), EBPF_ALU64_IMM(RSH, R6, 32), PROBE(R6)),
    X("ldsx32_spilled_const", PTR_RANGE, EBPF_ST_MEM(DW, R10, -8, -2),
      EBPF_LDX_MEMSX(W, R6, R10, -8), EBPF_ALU64_IMM(RSH, R6, 32), PROBE(R6)),
    X("ldsx8_spilled_byte_range", NEG, RAND_BYTE(R7), EBPF_STX_MEM(DW, R10, R7, -8),
      EBPF_LDX_MEMSX(B, R6, R10, -8), PROBE(R6)),
    X("ldsx8_spilled_high_byte", PROBE_OOB, EBPF_LD_IMM64(R7, 0x8000000000000000ull),
      EBPF_STX_MEM(DW, R10, R7, -8), EBPF_LDX_MEMSX(B, R6, R10, -1), EBPF_ALU64_IMM(ADD, R6, -100),
      PROBE(R6)),
    X("ldsx8_map_value", NEG, LOOKUP(MAP_ARRAY), EBPF_JMP_IMM(JEQ, R0, 0, 7),
      EBPF_LDX_MEMSX(B, R6, R0, 0), PROBE(R6), RET0),
    S("ldsx8_map_value_masked", LOOKUP(MAP_ARRAY), EBPF_JMP_IMM(JEQ, R0, 0, 8),
      EBPF_LDX_MEMSX(B, R6, R0, 0), EBPF_ALU64_IMM(AND, R6, 63), PROBE(R6), RET0),
    /* ---- verifier_bswap: swapped ranges ---- */
    X("bswap16_of_byte", PROBE_OOB, RAND_BYTE(R6), EBPF_BSWAP(R6, 16), PROBE(R6)),
    X("bswap64_of_byte", PROBE_OOB, RAND_BYTE(R6), EBPF_BSWAP(R6, 64), EBPF_ALU64_IMM(RSH, R6, 50),
      PROBE(R6)),
    X("be16_const", PROBE_OOB, EBPF_MOV64_IMM(R6, 0x4000), EBPF_ENDIAN(EBPF_TO_BE, R6, 16),
      EBPF_ALU64_IMM(ADD, R6, 0x30), PROBE(R6)),
    S("be16_const_twin", EBPF_MOV64_IMM(R6, 0x2000), EBPF_ENDIAN(EBPF_TO_BE, R6, 16),
      EBPF_ALU64_IMM(ADD, R6, 0x1f), PROBE(R6)),
    X("le16_truncates_upper", PROBE_OOB, RAND(R6), EBPF_ALU64_IMM(OR, R6, 0x40),
      EBPF_ENDIAN(EBPF_TO_LE, R6, 16), PROBE(R6)),
    X("le32_unknown", UNBOUNDED, RAND(R6), EBPF_ENDIAN(EBPF_TO_LE, R6, 32), PROBE(R6)),
    /* ---- verifier_xadd / atomics: the stack slot changes under the verifier's feet ---- */
    X("atomic_add_spilled_const", NEG, EBPF_ST_MEM(DW, R10, -8, 60), EBPF_MOV64_IMM(R1, 10),
      ATOMIC(DW, EBPF_ATOMIC_ADD, R10, R1, -8), EBPF_LDX_MEM(DW, R6, R10, -8), PROBE(R6)),
    X("atomic_add32_spilled_const", NEG, EBPF_ST_MEM(DW, R10, -8, 60), EBPF_MOV64_IMM(R1, 10),
      ATOMIC(W, EBPF_ATOMIC_ADD, R10, R1, -8), EBPF_LDX_MEM(DW, R6, R10, -8), PROBE(R6)),
    X("atomic_or_spilled_const", NEG, EBPF_ST_MEM(DW, R10, -8, 0), EBPF_MOV64_IMM(R1, 0x40),
      ATOMIC(DW, EBPF_ATOMIC_OR, R10, R1, -8), EBPF_LDX_MEM(DW, R6, R10, -8), PROBE(R6)),
    X("atomic_fetch_add_old_value", NEG, EBPF_ST_MEM(DW, R10, -8, 60), EBPF_MOV64_IMM(R1, 10),
      ATOMIC(DW, EBPF_ATOMIC_ADD | EBPF_ATOMIC_FETCH, R10, R1, -8), EBPF_LDX_MEM(DW, R6, R10, -8),
      PROBE(R6)),
    X("atomic_xchg_stack", NEG, EBPF_ST_MEM(DW, R10, -8, 0), EBPF_MOV64_IMM(R1, 100),
      ATOMIC(DW, EBPF_ATOMIC_XCHG, R10, R1, -8), EBPF_LDX_MEM(DW, R6, R10, -8), PROBE(R6)),
    X("atomic_xchg_result", NEG, EBPF_ST_MEM(DW, R10, -8, 100), EBPF_MOV64_IMM(R1, 0),
      ATOMIC(DW, EBPF_ATOMIC_XCHG, R10, R1, -8), EBPF_MOV64_REG(R6, R1), PROBE(R6)),
    X("atomic_cmpxchg_stack", NEG, EBPF_ST_MEM(DW, R10, -8, 0), EBPF_MOV64_IMM(R0, 0),
      EBPF_MOV64_IMM(R1, 100), ATOMIC(DW, EBPF_ATOMIC_CMPXCHG, R10, R1, -8),
      EBPF_LDX_MEM(DW, R6, R10, -8), PROBE(R6)),
    X("atomic_cmpxchg_r0", NEG, EBPF_ST_MEM(DW, R10, -8, 100), EBPF_MOV64_IMM(R0, 0),
      EBPF_MOV64_IMM(R1, 1), ATOMIC(DW, EBPF_ATOMIC_CMPXCHG, R10, R1, -8), EBPF_MOV64_REG(R6, R0),
      PROBE(R6)),
    X("atomic_add_linked_spill", NEG, RAND(R7), EBPF_ALU64_IMM(AND, R7, 7),
      EBPF_STX_MEM(DW, R10, R7, -8), EBPF_MOV64_IMM(R1, 100),
      ATOMIC(DW, EBPF_ATOMIC_ADD, R10, R1, -8), EBPF_LDX_MEM(DW, R6, R10, -8), PROBE(R6)),
    S("atomic_add_then_masked", EBPF_ST_MEM(DW, R10, -8, 60), EBPF_MOV64_IMM(R1, 10),
      ATOMIC(DW, EBPF_ATOMIC_ADD, R10, R1, -8), EBPF_LDX_MEM(DW, R6, R10, -8),
      EBPF_ALU64_IMM(AND, R6, 63), PROBE(R6)),
    X("atomic_on_spilled_pointer", "atomic operation on a spilled pointer",
      EBPF_STX_MEM(DW, R10, R1, -8), EBPF_MOV64_IMM(R1, 8),
      ATOMIC(DW, EBPF_ATOMIC_ADD, R10, R1, -8), EBPF_LDX_MEM(DW, R1, R10, -8),
      EBPF_LDX_MEM(DW, R0, R1, 0), EBPF_EXIT()),
    X("atomic_xchg_spilled_pointer", "atomic operation on a spilled pointer",
      EBPF_STX_MEM(DW, R10, R1, -8), EBPF_MOV64_IMM(R2, 8),
      ATOMIC(DW, EBPF_ATOMIC_XCHG, R10, R2, -8), EBPF_LDX_MEM(DW, R1, R10, -8),
      EBPF_LDX_MEM(DW, R0, R1, 0), EBPF_EXIT()),
    /* ---- verifier_value_ptr_arith: constants beyond 32 bits on pointers ---- */
    X("map_value_plus_4g", PTR_RANGE, EBPF_LD_MAP_VALUE(R1, MAP_DATA, 0),
      EBPF_LD_IMM64(R2, 0x100000000ull), EBPF_ALU64_REG(ADD, R1, R2), EBPF_LDX_MEM(B, R0, R1, 0),
      RET0),
    X("map_value_plus_2pow63_twice", PTR_RANGE, EBPF_LD_MAP_VALUE(R1, MAP_DATA, 0),
      EBPF_LD_IMM64(R2, 0x8000000000000000ull), EBPF_ALU64_REG(ADD, R1, R2),
      EBPF_ALU64_REG(ADD, R1, R2), EBPF_ALU64_IMM(ADD, R1, 64), EBPF_LDX_MEM(B, R0, R1, 0), RET0),
    X("stack_plus_4g", PTR_RANGE, EBPF_MOV64_REG(R1, R10), EBPF_LD_IMM64(R2, 0x100000000ull),
      EBPF_ALU64_REG(ADD, R1, R2), EBPF_ST_MEM(DW, R1, -8, 0), RET0),
    X("stack_imm_offsets_wrap", PTR_RANGE, EBPF_MOV64_REG(R1, R10),
      EBPF_ALU64_IMM(ADD, R1, INT32_MAX), EBPF_ALU64_IMM(ADD, R1, INT32_MAX),
      EBPF_ALU64_IMM(ADD, R1, 2), EBPF_ST_MEM(DW, R1, -8, 0), RET0),
    X("map_value_minus_var", NEG, RAND(R2), EBPF_LD_MAP_VALUE(R1, MAP_DATA, 0),
      EBPF_ALU64_IMM(AND, R2, 8), EBPF_ALU64_REG(SUB, R1, R2), EBPF_LDX_MEM(B, R0, R1, 0), RET0),
    X("map_value_var_plus_size", PROBE_OOB, RAND(R2), EBPF_LD_MAP_VALUE(R1, MAP_DATA, 0),
      EBPF_ALU64_IMM(AND, R2, 63), EBPF_ALU64_REG(ADD, R1, R2), EBPF_LDX_MEM(H, R0, R1, 0), RET0),
    X("map_value_mul_var", UNBOUNDED, RAND(R2), EBPF_LD_MAP_VALUE(R1, MAP_DATA, 0),
      EBPF_ALU64_IMM(AND, R2, 7), EBPF_ALU64_IMM(MUL, R2, 0x20000001), EBPF_ALU64_REG(ADD, R1, R2),
      EBPF_LDX_MEM(B, R0, R1, 0), RET0),
    X("map_value_u32_wrap", UNBOUNDED, RAND(R2), EBPF_LD_MAP_VALUE(R1, MAP_DATA, 0),
      EBPF_ALU32_IMM(AND, R2, 63), EBPF_ALU32_IMM(ADD, R2, -32), EBPF_ALU64_REG(ADD, R1, R2),
      EBPF_LDX_MEM(B, R0, R1, 0), RET0),
    S("map_value_u32_wrap_twin", RAND(R2), EBPF_LD_MAP_VALUE(R1, MAP_DATA, 0),
      EBPF_ALU32_IMM(AND, R2, 31), EBPF_ALU32_IMM(ADD, R2, 32), EBPF_ALU64_REG(ADD, R1, R2),
      EBPF_LDX_MEM(B, R0, R1, 0), RET0),
    /* ---- verifier_stack_ptr / var_off ---- */
    X("stack_var_read_half_init", "uninitialised stack", EBPF_ST_MEM(DW, R10, -16, 0), RAND(R1),
      EBPF_ALU64_IMM(AND, R1, 8), EBPF_MOV64_REG(R2, R10), EBPF_ALU64_REG(ADD, R2, R1),
      EBPF_LDX_MEM(DW, R0, R2, -16), RET0),
    X("stack_var_neg_too_far", "stack access out of bounds", RAND(R1),
      EBPF_ALU64_IMM(AND, R1, 0x3ff), EBPF_MOV64_REG(R2, R10), EBPF_ALU64_REG(SUB, R2, R1),
      EBPF_ST_MEM(B, R2, -8, 0), RET0),
    X("stack_access_straddles_top", "stack access out of bounds", EBPF_MOV64_REG(R2, R10),
      EBPF_ALU64_IMM(ADD, R2, -4), EBPF_ST_MEM(DW, R2, 0, 0), RET0),
    /* ---- verifier_and / bounds: mixing signed and unsigned ---- */
    X("mix_sign_unsign_1", NEG, RAND(R6), EBPF_MOV64_IMM(R2, -1), EBPF_JMP_REG(JGT, R6, R2, 5),
      EBPF_JMP_IMM(JSGT, R6, 1, 4), PROBE(R6)),
    X("mix_sign_unsign_2", NEG, RAND(R6), EBPF_JMP_IMM(JGT, R6, 63, 6), EBPF_ALU64_IMM(SUB, R6, 8),
      EBPF_JMP_IMM(JSGT, R6, 55, 4), PROBE(R6)),
    X("and_negative_mask", NEG, RAND(R6), EBPF_JMP_IMM(JSGT, R6, 63, 5),
      EBPF_ALU64_IMM(AND, R6, -2), PROBE(R6)),
    X("jmp32_then_64", NEG, RAND(R6), EBPF_JMP32_IMM(JGT, R6, 63, 4), PROBE(R6)),
    S("jmp32_then_64_twin", RAND(R6), EBPF_MOV32_REG(R6, R6), EBPF_JMP32_IMM(JGT, R6, 63, 4),
      PROBE(R6)),
    /* ---- verifier_direct_packet_access ---- */
    XP("pkt_moved_back_checked_ahead", "packet access before the start", PKT_LOAD,
       EBPF_MOV64_REG(R4, R2), EBPF_ALU64_IMM(ADD, R4, -8), EBPF_MOV64_REG(R5, R4),
       EBPF_ALU64_IMM(ADD, R5, 16), EBPF_JMP_REG(JGT, R5, R3, 1), EBPF_LDX_MEM(DW, R0, R4, 0),
       RET0),
    XP("pkt_plus_unbounded", NEG, EBPF_MOV64_REG(R9, R1), RAND(R6), PKT_LOAD9,
       EBPF_MOV64_REG(R4, R2), EBPF_ALU64_REG(ADD, R4, R6), EBPF_MOV64_REG(R5, R4),
       EBPF_ALU64_IMM(ADD, R5, 8), EBPF_JMP_REG(JGT, R5, R3, 1), EBPF_LDX_MEM(B, R0, R4, 0), RET0),
    XP("pkt_var_read_before", "packet access before the start", EBPF_MOV64_REG(R9, R1), RAND(R6),
       PKT_LOAD9, EBPF_ALU64_IMM(AND, R6, 0xff), EBPF_MOV64_REG(R4, R2),
       EBPF_ALU64_REG(ADD, R4, R6), EBPF_MOV64_REG(R5, R4), EBPF_ALU64_IMM(ADD, R5, 8),
       EBPF_JMP_REG(JGT, R5, R3, 1), EBPF_LDX_MEM(B, R0, R4, -1), RET0),
    SP("pkt_var_read_twin", EBPF_MOV64_REG(R9, R1), RAND(R6), PKT_LOAD9,
       EBPF_ALU64_IMM(AND, R6, 0xff), EBPF_MOV64_REG(R4, R2), EBPF_ALU64_REG(ADD, R4, R6),
       EBPF_MOV64_REG(R5, R4), EBPF_ALU64_IMM(ADD, R5, 8), EBPF_JMP_REG(JGT, R5, R3, 1),
       EBPF_LDX_MEM(B, R0, R4, 7), RET0),
    XP("pkt_other_id_checked", "packet access out of proven range", EBPF_MOV64_REG(R9, R1),
       RAND(R6), RAND(R7), PKT_LOAD9, EBPF_ALU64_IMM(AND, R6, 0xff), EBPF_ALU64_IMM(AND, R7, 0xff),
       EBPF_MOV64_REG(R4, R2), EBPF_ALU64_REG(ADD, R4, R6), EBPF_MOV64_REG(R8, R2),
       EBPF_ALU64_REG(ADD, R8, R7), EBPF_MOV64_REG(R5, R4), EBPF_ALU64_IMM(ADD, R5, 8),
       EBPF_JMP_REG(JGT, R5, R3, 1), EBPF_LDX_MEM(B, R0, R8, 0), RET0),
    XP("meta_checked_against_end", "packet metadata access out of proven range",
       EBPF_LDX_MEM(W, R2, R1, 8), EBPF_LDX_MEM(W, R3, R1, 4), EBPF_MOV64_REG(R4, R2),
       EBPF_ALU64_IMM(ADD, R4, 8), EBPF_JMP_REG(JGT, R4, R3, 1), EBPF_LDX_MEM(DW, R0, R2, 0), RET0),
    SP("meta_checked_against_data", EBPF_LDX_MEM(W, R2, R1, 8), EBPF_LDX_MEM(W, R3, R1, 0),
       EBPF_MOV64_REG(R4, R2), EBPF_ALU64_IMM(ADD, R4, 8), EBPF_JMP_REG(JGT, R4, R3, 1),
       EBPF_LDX_MEM(DW, R0, R2, 0), RET0),
    XP("pkt_checked_against_meta", "packet access out of proven range", EBPF_LDX_MEM(W, R2, R1, 0),
       EBPF_LDX_MEM(W, R3, R1, 8), EBPF_MOV64_REG(R4, R2), EBPF_ALU64_IMM(ADD, R4, 8),
       EBPF_JMP_REG(JGT, R4, R3, 1), EBPF_LDX_MEM(DW, R0, R2, 0), RET0),
    XP("pkt_end_plus_checked", "pointer arithmetic on r3", PKT_LOAD, EBPF_ALU64_IMM(ADD, R3, 8),
       EBPF_MOV64_REG(R4, R2), EBPF_ALU64_IMM(ADD, R4, 8), EBPF_JMP_REG(JGT, R4, R3, 1),
       EBPF_LDX_MEM(DW, R0, R2, 0), RET0),
    XP("pkt_taken_side_read", "packet access out of proven range", PKT_LOAD, EBPF_MOV64_REG(R4, R2),
       EBPF_ALU64_IMM(ADD, R4, 8), EBPF_JMP_REG(JGT, R4, R3, 2), RET0, EBPF_LDX_MEM(DW, R0, R2, 0),
       EBPF_EXIT()),
    XP("pkt_ge_wrong_side", "packet access out of proven range", PKT_LOAD, EBPF_MOV64_REG(R4, R2),
       EBPF_ALU64_IMM(ADD, R4, 8), EBPF_JMP_REG(JGE, R4, R3, 2), RET0, EBPF_LDX_MEM(DW, R0, R2, 0),
       EBPF_EXIT()),
    XP("pkt_4g_checked", PTR_RANGE, PKT_LOAD, EBPF_MOV64_REG(R4, R2),
       EBPF_LD_IMM64(R5, 0x100000008ull), EBPF_ALU64_REG(ADD, R4, R5), EBPF_JMP_REG(JGT, R4, R3, 1),
       EBPF_LDX_MEM(DW, R0, R2, 0), RET0),
    XP("pkt_var_then_const_wrap", "packet access before the start", EBPF_MOV64_REG(R9, R1),
       RAND(R6), PKT_LOAD9, EBPF_ALU64_IMM(AND, R6, 0xff), EBPF_MOV64_REG(R4, R2),
       EBPF_ALU64_REG(ADD, R4, R6), EBPF_ALU64_IMM(ADD, R4, -0x100), EBPF_MOV64_REG(R5, R4),
       EBPF_ALU64_IMM(ADD, R5, 8), EBPF_JMP_REG(JGT, R5, R3, 1), EBPF_LDX_MEM(B, R0, R4, 0), RET0),
    /* ---- verifier_ctx ---- */
    X("ctx_var_offset_load", "variable offset on ctx pointer", EBPF_MOV64_REG(R6, R1), RAND(R2),
      EBPF_ALU64_IMM(AND, R2, 4), EBPF_ALU64_REG(ADD, R6, R2), EBPF_LDX_MEM(W, R0, R6, 0),
      EBPF_EXIT()), );
