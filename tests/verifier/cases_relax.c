// SPDX-License-Identifier: MIT
/*
 * A hostile program author against the newest relaxations: pointer distances (p - q),
 * narrower stores into a spilled pointer's slot, callbacks' keys and callee frames kept past
 * their lifetime. Every case here is a program that must stay refused, or its safe twin.
 */
#include "vmacros.h"

#define X(name, why, ...) BAD(name, VT_PLAIN, -EACCES, why, __VA_ARGS__)
#define S(name, ...)	  OK(name, VT_PLAIN, __VA_ARGS__)
/* dst = the function at (this lddw) + 1 + rel. 2 slots. */
#define FUNC(d, rel)	  EBPF_LD_IMM64_RAW(d, EBPF_PSEUDO_FUNC, rel, 0)
#define UNINIT		  "uninitialised stack"
#define PARTIAL		  "partial read of a spilled pointer"
#define CALLEE_FP	  "storing a pointer to a callee's stack into a caller's stack prohibited"
#define OWN_FP		  "returning a pointer to the subprogram's own stack"
/* fp-8 = a spilled pointer (r10 - 16). */
#define SPILL_FP                                                                                   \
	EBPF_MOV64_REG(R6, R10), EBPF_ALU64_IMM(ADD, R6, -16), EBPF_STX_MEM(DW, R10, R6, -8)

DEFINE_CASES(
    relax,
    /* p - q of two lookups of one key of a hash map: two objects, whatever the key. */
    X("pq_two_lookups_same_key", "pointer", LOOKUP(MAP_HASH), EBPF_JMP_IMM(JNE, R0, 0, 2), RET0,
      EBPF_MOV64_REG(R6, R0), LOOKUP(MAP_HASH), EBPF_JMP_IMM(JNE, R0, 0, 2), RET0,
      EBPF_ALU64_REG(SUB, R0, R6), EBPF_EXIT()),
    S("pq_one_lookup_copies", LOOKUP(MAP_HASH), EBPF_JMP_IMM(JNE, R0, 0, 2), RET0,
      EBPF_MOV64_REG(R6, R0), EBPF_ALU64_IMM(ADD, R6, 8), EBPF_ALU64_REG(SUB, R6, R0),
      EBPF_ALU64_REG(ADD, R0, R6), EBPF_LDX_MEM(DW, R0, R0, 0), EBPF_EXIT()),
    /* The same distance through 32-bit arithmetic, and the low halves of two hash elements. */
    X("pq_32bit_sub", "32-bit arithmetic on pointer", LOOKUP(MAP_HASH), EBPF_JMP_IMM(JNE, R0, 0, 2),
      RET0, EBPF_MOV64_REG(R6, R0), EBPF_ALU64_IMM(ADD, R6, 8), EBPF_ALU32_REG(SUB, R6, R0),
      EBPF_MOV64_REG(R0, R6), EBPF_EXIT()),
    /* p - q of two lookups of a per-CPU array of one entry: each may be another CPU's copy
     * (bpf_map_lookup_percpu_elem), so the distance is no offset the program knows; added back
     * to one of them it would reach past its copy. */
    X("pq_percpu_two_lookups", "pointer", LOOKUP(MAP_PERCPU), EBPF_JMP_IMM(JNE, R0, 0, 2), RET0,
      EBPF_MOV64_REG(R6, R0), LOOKUP(MAP_PERCPU), EBPF_JMP_IMM(JNE, R0, 0, 2), RET0,
      EBPF_ALU64_REG(SUB, R0, R6), EBPF_EXIT()),
    X("pq_percpu_distance_added", "pointer", LOOKUP(MAP_PERCPU), EBPF_JMP_IMM(JNE, R0, 0, 2), RET0,
      EBPF_MOV64_REG(R6, R0), LOOKUP(MAP_PERCPU), EBPF_JMP_IMM(JNE, R0, 0, 2), RET0,
      EBPF_MOV64_REG(R7, R6), EBPF_ALU64_REG(SUB, R7, R0), EBPF_ALU64_REG(ADD, R6, R7),
      EBPF_ST_MEM(DW, R6, 0, 1), RET0),
    X("pq_percpu_compare", "different objects", LOOKUP(MAP_PERCPU), EBPF_JMP_IMM(JNE, R0, 0, 2),
      RET0, EBPF_MOV64_REG(R6, R0), LOOKUP(MAP_PERCPU), EBPF_JMP_IMM(JNE, R0, 0, 2), RET0,
      EBPF_JMP_REG(JEQ, R0, R6, 2), RET0, RET0),
    S("pq_percpu_one_lookup", LOOKUP(MAP_PERCPU), EBPF_JMP_IMM(JNE, R0, 0, 2), RET0,
      EBPF_MOV64_REG(R6, R0), EBPF_ALU64_IMM(ADD, R6, 8), EBPF_ALU64_REG(SUB, R6, R0),
      EBPF_ALU64_REG(ADD, R0, R6), EBPF_ST_MEM(DW, R0, 0, 1), RET0),
    /* A reservation of the caller released by a callback the helper may call more than once
     * (a double submit), or by a loop callback called twice. */
    X("rb_released_in_loop_callback", UNINIT, EBPF_LD_MAP_IDX(R1, MAP_RB), EBPF_MOV64_IMM(R2, 8),
      EBPF_MOV64_IMM(R3, 0), EBPF_HELPER_CALL(H_RB_RESERVE), EBPF_JMP_IMM(JNE, R0, 0, 2), RET0,
      EBPF_STX_MEM(DW, R10, R0, -8), EBPF_MOV64_IMM(R1, 2), FUNC(R2, 7), EBPF_MOV64_REG(R3, R10),
      EBPF_ALU64_IMM(ADD, R3, -8), EBPF_MOV64_IMM(R4, 0), EBPF_HELPER_CALL(H_LOOP), RET0,
      EBPF_LDX_MEM(DW, R1, R2, 0), EBPF_MOV64_IMM(R2, 0), EBPF_HELPER_CALL(H_RB_SUBMIT), RET0),
    X("rb_released_in_foreach_callback", "unreleased ring buffer reservation",
      EBPF_LD_MAP_IDX(R1, MAP_RB), EBPF_MOV64_IMM(R2, 8), EBPF_MOV64_IMM(R3, 0),
      EBPF_HELPER_CALL(H_RB_RESERVE), EBPF_JMP_IMM(JNE, R0, 0, 2), RET0,
      EBPF_STX_MEM(DW, R10, R0, -8), EBPF_LD_MAP_IDX(R1, MAP_HASH), FUNC(R2, 7),
      EBPF_MOV64_REG(R3, R10), EBPF_ALU64_IMM(ADD, R3, -8), EBPF_MOV64_IMM(R4, 0),
      EBPF_HELPER_CALL(H_FOR_EACH), RET0, EBPF_LDX_MEM(DW, R1, R4, 0), EBPF_MOV64_IMM(R2, 0),
      EBPF_HELPER_CALL(H_RB_SUBMIT), RET0),
    /* 026772a with a reference: a narrow store destroys a spilled reservation's pointer, but
     * not the reservation, which can then be neither submitted nor left. */
    X("rb_spilled_ref_narrow_overwritten", "unreleased ring buffer reservation",
      EBPF_LD_MAP_IDX(R1, MAP_RB), EBPF_MOV64_IMM(R2, 8), EBPF_MOV64_IMM(R3, 0),
      EBPF_HELPER_CALL(H_RB_RESERVE), EBPF_JMP_IMM(JNE, R0, 0, 2), RET0,
      EBPF_STX_MEM(DW, R10, R0, -8), EBPF_ST_MEM(W, R10, -8, 0), RET0),
    X("rb_spilled_ref_narrow_overwritten_submit", UNINIT, EBPF_LD_MAP_IDX(R1, MAP_RB),
      EBPF_MOV64_IMM(R2, 8), EBPF_MOV64_IMM(R3, 0), EBPF_HELPER_CALL(H_RB_RESERVE),
      EBPF_JMP_IMM(JNE, R0, 0, 2), RET0, EBPF_STX_MEM(DW, R10, R0, -8), EBPF_ST_MEM(W, R10, -4, 0),
      EBPF_LDX_MEM(DW, R1, R10, -8), EBPF_MOV64_IMM(R2, 0), EBPF_HELPER_CALL(H_RB_SUBMIT), RET0),
    /* bpf_for_each_map_elem: the callback keeps its key (the walk's copy) in the caller's
     * fp-8; the caller reads through it after the walk. */
    X("foreach_key_kept_past_walk", UNINIT, EBPF_ST_MEM(DW, R10, -8, 0),
      EBPF_LD_MAP_IDX(R1, MAP_HASH), FUNC(R2, 10), EBPF_MOV64_REG(R3, R10),
      EBPF_ALU64_IMM(ADD, R3, -8), EBPF_MOV64_IMM(R4, 0), EBPF_HELPER_CALL(H_FOR_EACH),
      EBPF_LDX_MEM(DW, R1, R10, -8), EBPF_MOV64_IMM(R0, 0), EBPF_JMP_IMM(JEQ, R1, 0, 1),
      EBPF_LDX_MEM(B, R0, R1, 0), EBPF_EXIT(), EBPF_STX_MEM(DW, R4, R2, 0), RET0),
    /* ... or subtracts the kept key of an earlier call from its own. */
    X("foreach_key_distance_across_calls", UNINIT, EBPF_ST_MEM(DW, R10, -8, 0),
      EBPF_LD_MAP_IDX(R1, MAP_HASH), FUNC(R2, 7), EBPF_MOV64_REG(R3, R10),
      EBPF_ALU64_IMM(ADD, R3, -8), EBPF_MOV64_IMM(R4, 0), EBPF_HELPER_CALL(H_FOR_EACH), RET0,
      EBPF_LDX_MEM(DW, R6, R4, 0), EBPF_JMP_IMM(JEQ, R6, 0, 6), EBPF_MOV64_REG(R7, R2),
      EBPF_ALU64_REG(SUB, R7, R6), EBPF_ALU64_REG(ADD, R3, R7), EBPF_LDX_MEM(B, R0, R3, 0), RET0,
      EBPF_STX_MEM(DW, R4, R2, 0), RET0),
    /* A callee leaves its frame pointer in its caller's stack; a second callee at the same
     * depth reads through it or measures its distance to its own frame. */
    X("callee_fp_kept_read_by_sibling", CALLEE_FP, EBPF_MOV64_REG(R1, R10),
      EBPF_ALU64_IMM(ADD, R1, -8), EBPF_CALL_REL(4), EBPF_MOV64_REG(R1, R10),
      EBPF_ALU64_IMM(ADD, R1, -8), EBPF_CALL_REL(4), EBPF_EXIT(), EBPF_STX_MEM(DW, R1, R10, 0),
      RET0, EBPF_ST_MEM(DW, R10, -8, 7), EBPF_LDX_MEM(DW, R2, R1, 0), EBPF_LDX_MEM(DW, R0, R2, -8),
      EBPF_EXIT()),
    X("callee_fp_distance_by_sibling", CALLEE_FP, EBPF_MOV64_REG(R1, R10),
      EBPF_ALU64_IMM(ADD, R1, -8), EBPF_CALL_REL(4), EBPF_MOV64_REG(R1, R10),
      EBPF_ALU64_IMM(ADD, R1, -8), EBPF_CALL_REL(4), EBPF_EXIT(), EBPF_STX_MEM(DW, R1, R10, 0),
      RET0, EBPF_LDX_MEM(DW, R2, R1, 0), EBPF_MOV64_REG(R0, R10), EBPF_ALU64_REG(SUB, R0, R2),
      EBPF_EXIT()),
    /* A callee's frame pointer returned in r0: read by the caller, written by it, handed to a
     * sibling at the callee's depth. */
    X("callee_fp_returned_read", OWN_FP, EBPF_CALL_REL(2), EBPF_LDX_MEM(DW, R0, R0, -8),
      EBPF_EXIT(), EBPF_MOV64_REG(R0, R10), EBPF_EXIT()),
    X("callee_fp_returned_written", OWN_FP, EBPF_CALL_REL(3), EBPF_ST_MEM(DW, R0, -8, 1), RET0,
      EBPF_MOV64_REG(R0, R10), EBPF_EXIT()),
    X("callee_fp_returned_to_sibling", OWN_FP, EBPF_CALL_REL(3), EBPF_MOV64_REG(R1, R0),
      EBPF_CALL_REL(3), EBPF_EXIT(), EBPF_MOV64_REG(R0, R10), EBPF_EXIT(),
      EBPF_ST_MEM(DW, R10, -8, 3), EBPF_LDX_MEM(DW, R0, R1, -8), EBPF_EXIT()),
    X("callee_fp_in_callee_ptr_returned", OWN_FP, EBPF_MOV64_REG(R1, R10),
      EBPF_ALU64_IMM(ADD, R1, -8), EBPF_CALL_REL(2), EBPF_LDX_MEM(DW, R0, R0, 0), EBPF_EXIT(),
      EBPF_MOV64_REG(R0, R10), EBPF_ALU64_IMM(ADD, R0, -16), EBPF_EXIT()),
    /* 026772a: the low half of a spilled pointer read back by a 32-bit atomic fetch. */
    X("spill_ptr_atomic32_fetch_add", PARTIAL, SPILL_FP, EBPF_MOV64_IMM(R1, 0),
      EBPF_ATOMIC_OP(W, EBPF_ATOMIC_ADD | EBPF_ATOMIC_FETCH, R10, R1, -8), EBPF_MOV64_REG(R0, R1),
      EBPF_EXIT()),
    X("spill_ptr_atomic32_xchg", PARTIAL, SPILL_FP, EBPF_MOV64_IMM(R1, 0),
      EBPF_ATOMIC_OP(W, EBPF_ATOMIC_XCHG, R10, R1, -8), EBPF_MOV64_REG(R0, R1), EBPF_EXIT()),
    X("spill_ptr_atomic32_cmpxchg_hi", PARTIAL, SPILL_FP, EBPF_MOV64_IMM(R1, 0),
      EBPF_MOV64_IMM(R0, 0), EBPF_ATOMIC_OP(W, EBPF_ATOMIC_CMPXCHG, R10, R1, -4), EBPF_EXIT()),
    X("spill_ptr_atomic32_add_then_read", PARTIAL, SPILL_FP, EBPF_MOV64_IMM(R1, 1),
      EBPF_ATOMIC_OP(W, EBPF_ATOMIC_ADD, R10, R1, -8), EBPF_LDX_MEM(DW, R0, R10, -8), EBPF_EXIT()),
    /* The narrow store in a callee through a pointer to its caller's slot; the caller then
     * reads the half the store left. */
    X("spill_ptr_narrow_store_in_callee", UNINIT, SPILL_FP, EBPF_MOV64_REG(R1, R10),
      EBPF_ALU64_IMM(ADD, R1, -8), EBPF_CALL_REL(2), EBPF_LDX_MEM(W, R0, R10, -4), EBPF_EXIT(),
      EBPF_ST_MEM(W, R1, 0, 0), RET0),
    S("spill_ptr_narrow_store_in_callee_ok", SPILL_FP, EBPF_MOV64_REG(R1, R10),
      EBPF_ALU64_IMM(ADD, R1, -8), EBPF_CALL_REL(2), EBPF_LDX_MEM(W, R0, R10, -8), EBPF_EXIT(),
      EBPF_ST_MEM(W, R1, 0, 0), RET0),
    /* One path spills a pointer, the other bytes; both narrow-store the low half and read the
     * high half: the second path must not be pruned by the first. */
    X("spill_ptr_narrow_store_join", UNINIT, EBPF_ST_MEM(DW, R10, -16, 0), RAND(R7),
      EBPF_JMP_IMM(JEQ, R7, 0, 3), EBPF_ST_MEM(DW, R10, -8, 0), EBPF_ST_MEM(W, R10, -8, 1),
      EBPF_JMP_A(3), EBPF_MOV64_REG(R6, R10), EBPF_STX_MEM(DW, R10, R6, -8),
      EBPF_ST_MEM(W, R10, -8, 1), EBPF_LDX_MEM(W, R0, R10, -4), EBPF_EXIT()),
    /* 16 bytes at fp-16 handed to a helper after a narrow store into the pointer at fp-8. */
    X("spill_ptr_narrow_store_helper_reads", UNINIT, SPILL_FP, EBPF_ST_MEM(DW, R10, -16, 0),
      EBPF_ST_MEM(W, R10, -8, 0), EBPF_LD_MAP_IDX(R1, MAP_HASH), EBPF_MOV64_REG(R2, R10),
      EBPF_ALU64_IMM(ADD, R2, -4), EBPF_MOV64_REG(R3, R10), EBPF_ALU64_IMM(ADD, R3, -16),
      EBPF_MOV64_IMM(R4, 0), EBPF_HELPER_CALL(H_UPDATE), RET0), );
