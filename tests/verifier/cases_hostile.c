// SPDX-License-Identifier: MIT
/*
 * A hostile program author against the newer parts of the verifier: loops walked by
 * abstraction (loop.c), scalars linked by id through truncating or shifting ALU, bpf_spin_lock
 * across loops, special fields of map values written as bytes, pointers handed to output
 * helpers. Each refused shape has a safe twin that stays accepted.
 */
#include "vmacros.h"

#define X(name, why, ...)	  BAD(name, VT_PLAIN, -EACCES, why, __VA_ARGS__)
#define S(name, ...)		  OK(name, VT_PLAIN, __VA_ARGS__)
/* The limit forces loops of large trip counts to be walked by abstraction. */
#define NOGO(name_, reason_, ...) LIMITED(name_, 20000, -EACCES, reason_, __VA_ARGS__)
#define GO(name_, ...)		  LIMITED(name_, 20000, 0, NULL, __VA_ARGS__)
/* A VT_PKT case under the same limit. */
#define LPKT(name_, err_, reason_, ...)                                                            \
	{                                                                                          \
		.name = (name_), .type = VT_PKT, .expect = (err_), .reason = (reason_),            \
		.limit = 20000, .insns = {                                                         \
			__VA_ARGS__                                                                \
		}                                                                                  \
	}
/* fp-8 = 0x500 as bytes (a spilled 0, then 5 at fp-7), and its use: .data[fp-8 >> 8]. */
#define SETB	   EBPF_ST_MEM(DW, R10, -8, 0), EBPF_ST_MEM(B, R10, -7, 5)
#define USEB	   EBPF_LDX_MEM(DW, R6, R10, -8), EBPF_ALU64_IMM(RSH, R6, 8), PROBE(R6)
#define FP8(r)	   EBPF_MOV64_REG(r, R10), EBPF_ALU64_IMM(ADD, r, -8)
#define MVA	   "map value access"
#define TERMINATES "cannot prove it terminates"
#define OBJECTS	   "comparison of pointers into different objects prohibited"
#define OOB	   "map value access out of bounds"
/* r6 = 1 shifted as `shift` on one path, 0 on the other, which is walked first. 5 insns. */
#define PREC_R6(shift)                                                                             \
	EBPF_HELPER_CALL(H_PRANDOM), EBPF_MOV64_IMM(R6, 1), shift, EBPF_JMP_IMM(JNE, R0, 0, 1),    \
	    EBPF_MOV64_IMM(R6, 0)
/* A callee whose two paths join before it returns 0. 5 insns. */
#define CALLEE_JOINS                                                                               \
	EBPF_HELPER_CALL(H_PRANDOM), EBPF_JMP_IMM(JEQ, R0, 0, 1), EBPF_MOV64_IMM(R0, 1),           \
	    EBPF_MOV64_IMM(R0, 0), EBPF_EXIT()
/* A callee returning its r1 through its stack across a join. 5 insns. */
#define CALLEE_ROUND_TRIP                                                                          \
	EBPF_STX_MEM(DW, R10, R1, -8), EBPF_HELPER_CALL(H_PRANDOM), EBPF_JMP_IMM(JEQ, R0, 0, 0),   \
	    EBPF_LDX_MEM(DW, R0, R10, -8), EBPF_EXIT()
/* r6 = .data (64 bytes). 2 slots. */
#define DATA_R6 EBPF_LD_MAP_VALUE(R6, MAP_DATA, 0)
/* r0 = .data[reg]: 3 insns. */
#define READ_AT(reg)                                                                               \
	EBPF_MOV64_REG(R1, R6), EBPF_ALU64_REG(ADD, R1, reg), EBPF_LDX_MEM(B, R0, R1, 0)
/* The counter spilled at fp-8 goes up by one: 3 insns. */
#define BUMP_FP8                                                                                   \
	EBPF_LDX_MEM(DW, R6, R10, -8), EBPF_ALU64_IMM(ADD, R6, 1), EBPF_STX_MEM(DW, R10, R6, -8)
/* r0 = lookup(locked, &0), null-checked (skip: insns after it to the return), r6 = r0. */
#define LOCKED(skip)                                                                               \
	LOOKUP(MAP_LOCKED), EBPF_JMP_IMM(JEQ, R0, 0, (skip) + 1), EBPF_MOV64_REG(R6, R0)
#define TAKE(reg) EBPF_MOV64_REG(R1, reg), EBPF_ALU64_IMM(ADD, R1, 8), EBPF_HELPER_CALL(H_SPIN_LOCK)
#define GIVE(reg)                                                                                  \
	EBPF_MOV64_REG(R1, reg), EBPF_ALU64_IMM(ADD, R1, 8), EBPF_HELPER_CALL(H_SPIN_UNLOCK)
/* dst = the function at (this lddw) + 1 + rel. 2 slots. */
#define FUNC(d, rel) EBPF_LD_IMM64_RAW(d, EBPF_PSEUDO_FUNC, rel, 0)
/*
 * bpf_for_each_map_elem over the locked hash, its callback keeping its element (r6) in the
 * caller's fp-16 on the first call; later calls lock `a` and unlock `b`, one of them the element
 * kept (r9).
 */
#define KEPT_ELEMENT(a, b)                                                                         \
	EBPF_ST_MEM(DW, R10, -16, 0), EBPF_ST_MEM(DW, R10, -8, 0),                                 \
	    EBPF_LD_MAP_IDX(R1, MAP_LOCKED), FUNC(R2, 7), EBPF_MOV64_REG(R3, R10),                 \
	    EBPF_ALU64_IMM(ADD, R3, -16), EBPF_MOV64_IMM(R4, 0), EBPF_HELPER_CALL(H_FOR_EACH),     \
	    RET0, EBPF_MOV64_REG(R6, R3), EBPF_MOV64_REG(R7, R4), EBPF_LDX_MEM(DW, R8, R7, 8),     \
	    EBPF_JMP_IMM(JEQ, R8, 0, 8), EBPF_LDX_MEM(DW, R9, R7, 0), TAKE(a), GIVE(b),            \
	    EBPF_JMP_A(2), EBPF_ST_MEM(DW, R7, 8, 1), EBPF_STX_MEM(DW, R7, R6, 0), RET0
/* r7 = lookup(kptrs, &0), null-checked as LOCKED. */
/* Refused with the reason given (VT_PLAIN, VT_PKT). */
#define HX(name, why, ...)  BAD(name, VT_PLAIN, -EACCES, why, __VA_ARGS__)
#define HXP(name, why, ...) BAD(name, VT_PKT, -EACCES, why, __VA_ARGS__)
/* .data spilled at fp+o. 3 slots. */
#define SPILL_DATA(o)	    EBPF_LD_MAP_VALUE(R1, MAP_DATA, 0), EBPF_STX_MEM(DW, R10, R1, o)
#define AADD		    EBPF_ALU_ADD
#define AFETCH		    (EBPF_ALU_ADD | EBPF_ATOMIC_FETCH)
#define KPTRS(skip)	    LOOKUP(MAP_KPTRS), EBPF_JMP_IMM(JEQ, R0, 0, (skip) + 1), EBPF_MOV64_REG(R7, R0)

DEFINE_CASES(
    hostile,
    /* ---- loops: the index is not the register the exit tests ---- */
    NOGO("loop_index_not_exit_reg", OOB, DATA_R6, EBPF_MOV64_IMM(R7, 0), EBPF_MOV64_IMM(R8, 0),
	 READ_AT(R8), EBPF_ALU64_IMM(ADD, R8, 1), EBPF_ALU64_IMM(ADD, R7, 1),
	 EBPF_JMP_IMM(JLT, R7, 100000, -6), RET0),
    GO("loop_index_not_exit_reg_masked", DATA_R6, EBPF_MOV64_IMM(R7, 0), EBPF_MOV64_IMM(R8, 0),
       EBPF_MOV64_REG(R2, R8), EBPF_ALU64_IMM(AND, R2, 63), READ_AT(R2), EBPF_ALU64_IMM(ADD, R8, 1),
       EBPF_ALU64_IMM(ADD, R7, 1), EBPF_JMP_IMM(JLT, R7, 100000, -8), RET0),
    /* 64 trips, but the index starts at 1: the last read is .data[64]. */
    NOGO("loop_index_one_ahead_of_exit", OOB, DATA_R6, EBPF_MOV64_IMM(R7, 0), EBPF_MOV64_IMM(R8, 1),
	 READ_AT(R8), EBPF_ALU64_IMM(ADD, R8, 1), EBPF_ALU64_IMM(ADD, R7, 1),
	 EBPF_JMP_IMM(JLT, R7, 64, -6), RET0),
    GO("loop_index_in_step_with_exit", DATA_R6, EBPF_MOV64_IMM(R7, 0), EBPF_MOV64_IMM(R8, 0),
       READ_AT(R8), EBPF_ALU64_IMM(ADD, R8, 1), EBPF_ALU64_IMM(ADD, R7, 1),
       EBPF_JMP_IMM(JLT, R7, 64, -6), RET0),
    /* The widened counter read through its low 32 bits, or the counter grown past 2^32. */
    NOGO("loop_low_half_after_widening", OOB, DATA_R6, EBPF_LD_IMM64(R9, 0x100000040ull),
	 EBPF_MOV64_IMM(R7, 0), EBPF_MOV32_REG(R2, R7), READ_AT(R2), EBPF_ALU64_IMM(ADD, R7, 1),
	 EBPF_JMP_REG(JLT, R7, R9, -6), RET0),
    GO("loop_low_half_masked", DATA_R6, EBPF_MOV64_IMM(R7, 0), EBPF_MOV32_REG(R2, R7),
       EBPF_ALU32_IMM(AND, R2, 63), READ_AT(R2), EBPF_ALU64_IMM(ADD, R7, 1),
       EBPF_JMP_IMM(JLT, R7, 100000, -7), RET0),
    /* ---- loops: no ranking function ---- */
    NOGO("loop_odd_counter_never_zero", TERMINATES, EBPF_MOV64_IMM(R6, 1),
	 EBPF_ALU64_IMM(ADD, R6, 2), EBPF_JMP_IMM(JNE, R6, 0, -2), RET0),
    NOGO("loop_step_2_pow_32", TERMINATES, EBPF_LD_IMM64(R9, 0x100000000ull),
	 EBPF_LD_IMM64(R8, 0x10000000001ull), EBPF_MOV64_IMM(R6, 0), EBPF_ALU64_REG(ADD, R6, R9),
	 EBPF_JMP_REG(JNE, R6, R8, -2), RET0),
    NOGO("loop_alu32_counter_wraps", TERMINATES, EBPF_MOV32_IMM(R6, 0), EBPF_ALU32_IMM(ADD, R6, 1),
	 EBPF_JMP32_IMM(JNE, R6, 0, -2), RET0),
    NOGO("loop_direction_flips", "infinite loop detected", EBPF_MOV64_IMM(R6, 0),
	 EBPF_HELPER_CALL(H_PRANDOM), EBPF_JMP_IMM(JEQ, R0, 0, 2), EBPF_ALU64_IMM(ADD, R6, 1),
	 EBPF_JMP_A(1), EBPF_ALU64_IMM(SUB, R6, 1), EBPF_JMP_IMM(JSGT, R6, 1000, 1),
	 EBPF_JMP_IMM(JSGT, R6, -1000, -7), RET0),
    GO("loop_two_steps_same_direction", EBPF_MOV64_IMM(R6, 0), EBPF_HELPER_CALL(H_PRANDOM),
       EBPF_JMP_IMM(JEQ, R0, 0, 2), EBPF_ALU64_IMM(ADD, R6, 1), EBPF_JMP_A(1),
       EBPF_ALU64_IMM(ADD, R6, 3), EBPF_JMP_IMM(JLT, R6, 100000, -6), RET0),
    NOGO("loop_continue_skips_step", TERMINATES, EBPF_MOV64_IMM(R6, 0), EBPF_HELPER_CALL(H_PRANDOM),
	 EBPF_JMP_IMM(JEQ, R0, 0, -2), EBPF_ALU64_IMM(ADD, R6, 1),
	 EBPF_JMP_IMM(JLT, R6, 100000, -4), RET0),
    /* The counter lives at fp-8; something else writes it every iteration. */
    NOGO("loop_counter_reset_by_callee", "infinite loop detected", EBPF_ST_MEM(DW, R10, -8, 0),
	 EBPF_MOV64_REG(R1, R10), EBPF_ALU64_IMM(ADD, R1, -8), EBPF_CALL_REL(6), BUMP_FP8,
	 EBPF_JMP_IMM(JLT, R6, 100000, -7), RET0,
	 /* callee: *r1 = 0 */
	 EBPF_ST_MEM(DW, R1, 0, 0), RET0),
    GO("loop_counter_bumped_by_callee", EBPF_ST_MEM(DW, R10, -8, 0), EBPF_MOV64_REG(R1, R10),
       EBPF_ALU64_IMM(ADD, R1, -8), EBPF_CALL_REL(4), EBPF_LDX_MEM(DW, R6, R10, -8),
       EBPF_JMP_IMM(JLT, R6, 100000, -5), RET0,
       /* callee: *r1 += 1 */
       EBPF_LDX_MEM(DW, R2, R1, 0), EBPF_ALU64_IMM(ADD, R2, 1), EBPF_STX_MEM(DW, R1, R2, 0), RET0),
    NOGO("loop_counter_overwritten_by_helper", "infinite loop detected",
	 EBPF_ST_MEM(DW, R10, -8, 0), BUMP_FP8, EBPF_MOV64_REG(R1, R10),
	 EBPF_ALU64_IMM(ADD, R1, -8), EBPF_MOV64_IMM(R2, 8), EBPF_HELPER_CALL(H_GET_COMM),
	 EBPF_JMP_IMM(JLT, R6, 100000, -8), RET0),
    NOGO("loop_counter_var_offset_store", "infinite loop detected", EBPF_ST_MEM(DW, R10, -16, 0),
	 EBPF_ST_MEM(DW, R10, -8, 0), BUMP_FP8, EBPF_HELPER_CALL(H_PRANDOM),
	 EBPF_ALU64_IMM(AND, R0, 8), EBPF_MOV64_REG(R1, R10), EBPF_ALU64_REG(ADD, R1, R0),
	 EBPF_ST_MEM(DW, R1, -16, 0), EBPF_LDX_MEM(DW, R6, R10, -8),
	 EBPF_JMP_IMM(JLT, R6, 100000, -11), RET0),
    NOGO("loop_counter_atomic_sub", "infinite loop detected", EBPF_ST_MEM(DW, R10, -8, 0), BUMP_FP8,
	 EBPF_MOV64_IMM(R1, -1), EBPF_ATOMIC_OP(EBPF_SIZE_DW, EBPF_ATOMIC_ADD, R10, R1, -8),
	 EBPF_LDX_MEM(DW, R6, R10, -8), EBPF_JMP_IMM(JLT, R6, 100000, -7), RET0),
    /* Entered in the middle with an unknown index (irreducible: walked exactly). */
    NOGO("loop_entered_mid_body", "variable offset may be negative", DATA_R6, RAND(R7),
	 EBPF_HELPER_CALL(H_PRANDOM), EBPF_JMP_IMM(JEQ, R0, 0, 2), EBPF_MOV64_IMM(R7, 0),
	 EBPF_ALU64_IMM(ADD, R7, 1), READ_AT(R7), EBPF_JMP_IMM(JLT, R7, 60, -5), RET0),
    GO("loop_entered_mid_body_bounded", DATA_R6, RAND(R7), EBPF_ALU64_IMM(AND, R7, 31),
       EBPF_HELPER_CALL(H_PRANDOM), EBPF_JMP_IMM(JEQ, R0, 0, 2), EBPF_MOV64_IMM(R7, 0),
       EBPF_ALU64_IMM(ADD, R7, 1), READ_AT(R7), EBPF_JMP_IMM(JLT, R7, 60, -5), RET0),

    /* ---- loops over the packet ---- */
    LPKT("loop_packet_scan", 0, NULL, PKT_LOAD, EBPF_MOV64_IMM(R6, 0), EBPF_MOV64_REG(R4, R2),
	 EBPF_ALU64_REG(ADD, R4, R6), EBPF_MOV64_REG(R5, R4), EBPF_ALU64_IMM(ADD, R5, 1),
	 EBPF_JMP_REG(JGT, R5, R3, 3), EBPF_LDX_MEM(B, R0, R4, 0), EBPF_ALU64_IMM(ADD, R6, 1),
	 EBPF_JMP_IMM(JLT, R6, 60000, -8), RET0),
    LPKT("loop_packet_scan_one_past", -EACCES, "packet access out of proven range", PKT_LOAD,
	 EBPF_MOV64_IMM(R6, 0), EBPF_MOV64_REG(R4, R2), EBPF_ALU64_REG(ADD, R4, R6),
	 EBPF_MOV64_REG(R5, R4), EBPF_ALU64_IMM(ADD, R5, 1), EBPF_JMP_REG(JGT, R5, R3, 3),
	 EBPF_LDX_MEM(B, R0, R4, 1), EBPF_ALU64_IMM(ADD, R6, 1), EBPF_JMP_IMM(JLT, R6, 60000, -8),
	 RET0),
    /* The bound is proven once, before the loop, for the first byte only. */
    LPKT("loop_packet_checked_before", -EACCES, "packet access out of proven range", PKT_LOAD,
	 EBPF_MOV64_REG(R5, R2), EBPF_ALU64_IMM(ADD, R5, 1), EBPF_JMP_REG(JGT, R5, R3, 6),
	 EBPF_MOV64_IMM(R6, 0), EBPF_MOV64_REG(R4, R2), EBPF_ALU64_REG(ADD, R4, R6),
	 EBPF_LDX_MEM(B, R0, R4, 0), EBPF_ALU64_IMM(ADD, R6, 1), EBPF_JMP_IMM(JLT, R6, 60000, -5),
	 RET0),
    /* ---- scalars linked by id: a check on a truncated or shifted copy ---- */
    X("id_mov32_copy_checked", "variable offset may be negative", RAND(R7), EBPF_MOV64_REG(R1, R7),
      EBPF_MOV32_REG(R1, R1), EBPF_JMP_IMM(JGT, R1, 63, 5), EBPF_MOV64_REG(R3, R7), PROBE(R3)),
    X("id_mov32_from_checked", "variable offset may be negative", RAND(R7), EBPF_MOV32_REG(R1, R7),
      EBPF_JMP_IMM(JGT, R1, 63, 5), EBPF_MOV64_REG(R3, R7), PROBE(R3)),
    X("id_alu32_add0_checked", "variable offset may be negative", RAND(R7), EBPF_MOV64_REG(R1, R7),
      EBPF_ALU32_IMM(ADD, R1, 0), EBPF_JMP_IMM(JGT, R1, 63, 5), EBPF_MOV64_REG(R3, R7), PROBE(R3)),
    X("id_add_then_checked", "variable offset may be negative", RAND(R7), EBPF_MOV64_REG(R1, R7),
      EBPF_ALU64_IMM(ADD, R1, 1), EBPF_JMP_IMM(JGT, R1, 63, 5), EBPF_MOV64_REG(R3, R7), PROBE(R3)),
    X("id_movsx_checked", "variable offset may be negative", RAND(R7), EBPF_MOVSX64_REG(R1, R7, 8),
      EBPF_JMP_IMM(JGT, R1, 63, 5), EBPF_MOV64_REG(R3, R7), PROBE(R3)),
    X("id_spill_fill32_checked", "variable offset may be negative", RAND(R7),
      EBPF_STX_MEM(DW, R10, R7, -8), EBPF_LDX_MEM(W, R1, R10, -8), EBPF_JMP_IMM(JGT, R1, 63, 5),
      EBPF_MOV64_REG(R3, R7), PROBE(R3)),
    X("id_jmp32_checked", "variable offset may be negative", RAND(R7), EBPF_MOV64_REG(R1, R7),
      EBPF_JMP32_IMM(JGT, R1, 63, 5), EBPF_MOV64_REG(R3, R7), PROBE(R3)),
    S("id_copy_checked", RAND(R7), EBPF_MOV64_REG(R1, R7), EBPF_JMP_IMM(JGT, R1, 63, 5),
      EBPF_MOV64_REG(R3, R7), PROBE(R3)),

    /* ---- bpf_spin_lock and loops ---- */
    NOGO("lock_held_over_loop_exit", "bpf_spin_lock", LOCKED(7), TAKE(R6), EBPF_MOV64_IMM(R7, 0),
	 EBPF_ALU64_IMM(ADD, R7, 1), EBPF_STX_MEM(W, R6, R7, 12), EBPF_JMP_IMM(JLT, R7, 100000, -3),
	 RET0),
    NOGO("lock_taken_each_iteration", "bpf_spin_lock while another is held", LOCKED(10),
	 EBPF_MOV64_IMM(R7, 0), TAKE(R6), EBPF_JMP_IMM(JSET, R7, 1, 3), GIVE(R6),
	 EBPF_ALU64_IMM(ADD, R7, 1), EBPF_JMP_IMM(JLT, R7, 100000, -9), RET0),
    GO("lock_per_iteration", LOCKED(10), EBPF_MOV64_IMM(R7, 0), TAKE(R6),
       EBPF_STX_MEM(W, R6, R7, 12), GIVE(R6), EBPF_ALU64_IMM(ADD, R7, 1),
       EBPF_JMP_IMM(JLT, R7, 100000, -9), RET0),
    X("lock_word_dw_store_var_offset", "overlaps its struct bpf_spin_lock", LOCKED(5),
      EBPF_HELPER_CALL(H_PRANDOM), EBPF_ALU64_IMM(AND, R0, 4), EBPF_MOV64_REG(R1, R6),
      EBPF_ALU64_REG(ADD, R1, R0), EBPF_ST_MEM(DW, R1, 0, 0), RET0),
    S("lock_word_w_store_var_offset_beside", LOCKED(5), EBPF_HELPER_CALL(H_PRANDOM),
      EBPF_ALU64_IMM(AND, R0, 4), EBPF_MOV64_REG(R1, R6), EBPF_ALU64_REG(ADD, R1, R0),
      EBPF_ST_MEM(W, R1, 0, 0), RET0),
    X("lock_word_ringbuf_output", "overlaps its struct bpf_spin_lock", LOCKED(6),
      EBPF_LD_MAP_IDX(R1, MAP_RB), EBPF_MOV64_REG(R2, R6), EBPF_MOV64_IMM(R3, 16),
      EBPF_MOV64_IMM(R4, 0), EBPF_HELPER_CALL(H_RB_OUTPUT), RET0),
    S("lock_word_ringbuf_output_beside", LOCKED(7), EBPF_LD_MAP_IDX(R1, MAP_RB),
      EBPF_MOV64_REG(R2, R6), EBPF_ALU64_IMM(ADD, R2, 12), EBPF_MOV64_IMM(R3, 4),
      EBPF_MOV64_IMM(R4, 0), EBPF_HELPER_CALL(H_RB_OUTPUT), RET0),
    X("lock_word_var_size_output", "overlaps its struct bpf_spin_lock", LOCKED(8),
      EBPF_HELPER_CALL(H_PRANDOM), EBPF_ALU64_IMM(AND, R0, 15), EBPF_MOV64_REG(R3, R0),
      EBPF_LD_MAP_IDX(R1, MAP_RB), EBPF_MOV64_REG(R2, R6), EBPF_MOV64_IMM(R4, 0),
      EBPF_HELPER_CALL(H_RB_OUTPUT), RET0),

    /* ---- kptr fields written as bytes ---- */
    X("kptr_written_by_helper", "overlaps its __kptr", KPTRS(3), EBPF_MOV64_REG(R1, R7),
      EBPF_MOV64_IMM(R2, 16), EBPF_HELPER_CALL(H_GET_COMM), RET0),
    S("kptr_plain_field_by_helper", KPTRS(4), EBPF_MOV64_REG(R1, R7), EBPF_ALU64_IMM(ADD, R1, 16),
      EBPF_MOV64_IMM(R2, 8), EBPF_HELPER_CALL(H_GET_COMM), RET0),
    X("kptr_null_store_var_offset", "overlaps its __kptr", KPTRS(5), EBPF_HELPER_CALL(H_PRANDOM),
      EBPF_ALU64_IMM(AND, R0, 8), EBPF_MOV64_REG(R1, R7), EBPF_ALU64_REG(ADD, R1, R0),
      EBPF_ST_MEM(DW, R1, 0, 0), RET0),
    X("kptr_var_size_probe_read", "overlaps its __kptr", KPTRS(7), EBPF_HELPER_CALL(H_PRANDOM),
      EBPF_ALU64_IMM(AND, R0, 7), EBPF_MOV64_REG(R2, R0), EBPF_MOV64_REG(R1, R7),
      EBPF_ALU64_IMM(ADD, R1, 12), EBPF_MOV64_IMM(R3, 0), EBPF_HELPER_CALL(H_PROBE_READ), RET0),
    X("kptr_read_into_output", "overlaps its __kptr", KPTRS(6), EBPF_LD_MAP_IDX(R1, MAP_RB),
      EBPF_MOV64_REG(R2, R7), EBPF_MOV64_IMM(R3, 24), EBPF_MOV64_IMM(R4, 0),
      EBPF_HELPER_CALL(H_RB_OUTPUT), RET0),

    /* ---- callbacks ---- */
    /* Each call locks its element and unlocks the one the previous call kept in the caller's
     * stack: both value pointers of one hash map must not name the same lock. */
    X("for_each_unlock_other_element", "bpf_spin_unlock of another lock", KEPT_ELEMENT(R6, R9)),
    X("for_each_lock_kept_unlock_own", "bpf_spin_unlock of another lock", KEPT_ELEMENT(R9, R6)),
    /* An element kept by one walk of the map, unlocked by a callback of the next walk. */
    X("for_each_unlock_element_of_earlier_walk", "bpf_spin_unlock of another lock",
      EBPF_ST_MEM(DW, R10, -16, 0), EBPF_ST_MEM(DW, R10, -8, 0), EBPF_LD_MAP_IDX(R1, MAP_LOCKED),
      FUNC(R2, 17), EBPF_MOV64_REG(R3, R10), EBPF_ALU64_IMM(ADD, R3, -16), EBPF_MOV64_IMM(R4, 0),
      EBPF_HELPER_CALL(H_FOR_EACH), EBPF_LDX_MEM(DW, R6, R10, -8), EBPF_JMP_IMM(JEQ, R6, 0, 8),
      EBPF_LD_MAP_IDX(R1, MAP_LOCKED), FUNC(R2, 11), EBPF_MOV64_REG(R3, R10),
      EBPF_ALU64_IMM(ADD, R3, -16), EBPF_MOV64_IMM(R4, 0), EBPF_HELPER_CALL(H_FOR_EACH), RET0,
      /* first callback: keeps its element */
      EBPF_STX_MEM(DW, R4, R3, 0), EBPF_ST_MEM(DW, R4, 8, 1), RET0,
      /* second callback */
      EBPF_MOV64_REG(R6, R3), EBPF_LDX_MEM(DW, R9, R4, 0), TAKE(R6), GIVE(R9), RET0),
    S("for_each_lock_own_element", EBPF_LD_MAP_IDX(R1, MAP_LOCKED), FUNC(R2, 6),
      EBPF_MOV64_IMM(R3, 0), EBPF_MOV64_IMM(R4, 0), EBPF_HELPER_CALL(H_FOR_EACH), RET0,
      /* callback */
      EBPF_MOV64_REG(R6, R3), TAKE(R6), GIVE(R6), RET0),
    X("loop_callback_returns_locked", "still held: bpf_spin_unlock is missing", LOCKED(6),
      EBPF_MOV64_IMM(R1, 4), FUNC(R2, 6), EBPF_MOV64_REG(R3, R6), EBPF_MOV64_IMM(R4, 0),
      EBPF_HELPER_CALL(H_LOOP), RET0,
      /* callback */
      EBPF_MOV64_REG(R6, R2), TAKE(R6), RET0),
    S("loop_callback_locks_and_unlocks", LOCKED(6), EBPF_MOV64_IMM(R1, 4), FUNC(R2, 6),
      EBPF_MOV64_REG(R3, R6), EBPF_MOV64_IMM(R4, 0), EBPF_HELPER_CALL(H_LOOP), RET0,
      /* callback */
      EBPF_MOV64_REG(R6, R2), TAKE(R6), GIVE(R6), RET0),
    /* The caller dereferences what the callback may have stored: nothing when it ran 0 times. */
    X("loop_caller_uses_callback_pointer", "which is a scalar, not a pointer",
      EBPF_ST_MEM(DW, R10, -8, 0), EBPF_HELPER_CALL(H_PRANDOM), EBPF_MOV64_REG(R1, R0), FUNC(R2, 8),
      EBPF_MOV64_REG(R3, R10), EBPF_ALU64_IMM(ADD, R3, -8), EBPF_MOV64_IMM(R4, 0),
      EBPF_HELPER_CALL(H_LOOP), EBPF_LDX_MEM(DW, R1, R10, -8), EBPF_LDX_MEM(B, R0, R1, 0),
      EBPF_EXIT(),
      /* callback */
      EBPF_MOV64_REG(R6, R2), LOOKUP(MAP_HASH), EBPF_JMP_IMM(JEQ, R0, 0, 1),
      EBPF_STX_MEM(DW, R6, R0, 0), RET0),
    /* A function pointer handed back through a subprogram's return value. */
    X("func_returned_by_subprog", "must be an initialised scalar, not a pointer (func", FUNC(R1, 5),
      EBPF_CALL_REL(1), EBPF_EXIT(), EBPF_MOV64_REG(R0, R1), EBPF_EXIT(), RET0),
    /* The callback may move the packet: the caller's packet pointers are gone after the loop. */
    BAD("loop_callback_changes_packet", VT_PKT, -EACCES, "read of uninitialised register r7",
	EBPF_MOV64_REG(R6, R1), EBPF_LDX_MEM(W, R2, R6, 0), EBPF_LDX_MEM(W, R3, R6, 4),
	EBPF_MOV64_REG(R4, R2), EBPF_ALU64_IMM(ADD, R4, 8), EBPF_JMP_REG(JGT, R4, R3, 9),
	EBPF_MOV64_REG(R7, R2), EBPF_MOV64_IMM(R1, 1), FUNC(R2, 8), EBPF_MOV64_REG(R3, R6),
	EBPF_MOV64_IMM(R4, 0), EBPF_HELPER_CALL(H_LOOP), EBPF_LDX_MEM(B, R0, R7, 0), EBPF_EXIT(),
	RET0,
	/* callback */
	EBPF_MOV64_REG(R1, R2), EBPF_MOV64_IMM(R2, 0), EBPF_HELPER_CALL(H_ADJUST_HEAD), RET0),
    OK("loop_callback_keeps_packet", VT_PKT, EBPF_MOV64_REG(R6, R1), EBPF_LDX_MEM(W, R2, R6, 0),
       EBPF_LDX_MEM(W, R3, R6, 4), EBPF_MOV64_REG(R4, R2), EBPF_ALU64_IMM(ADD, R4, 8),
       EBPF_JMP_REG(JGT, R4, R3, 9), EBPF_MOV64_REG(R7, R2), EBPF_MOV64_IMM(R1, 1), FUNC(R2, 8),
       EBPF_MOV64_REG(R3, R6), EBPF_MOV64_IMM(R4, 0), EBPF_HELPER_CALL(H_LOOP),
       EBPF_LDX_MEM(B, R0, R7, 0), EBPF_EXIT(), RET0,
       /* callback */
       EBPF_MOV64_IMM(R0, 0), EBPF_MOV64_IMM(R0, 0), EBPF_MOV64_IMM(R0, 0), RET0),

    /* A callback that reaches its own helper call through a subprogram: recursion. */
    X("loop_callback_recurses_through_subprog", "recursive call to the subprogram",
      EBPF_MOV64_IMM(R1, 1), FUNC(R2, 6), EBPF_MOV64_IMM(R3, 0), EBPF_MOV64_IMM(R4, 0),
      EBPF_HELPER_CALL(H_LOOP), RET0,
      /* callback (insn 8) */
      EBPF_CALL_REL(2), RET0,
      /* subprogram (insn 11) */
      EBPF_MOV64_IMM(R1, 1), FUNC(R2, -5), EBPF_MOV64_IMM(R3, 0), EBPF_MOV64_IMM(R4, 0),
      EBPF_HELPER_CALL(H_LOOP), RET0),
    /* ---- pointers handed to output helpers ---- */
    X("ringbuf_output_spilled_ctx", "spilled pointer", EBPF_STX_MEM(DW, R10, R1, -8),
      EBPF_LD_MAP_IDX(R1, MAP_RB), EBPF_MOV64_REG(R2, R10), EBPF_ALU64_IMM(ADD, R2, -8),
      EBPF_MOV64_IMM(R3, 8), EBPF_MOV64_IMM(R4, 0), EBPF_HELPER_CALL(H_RB_OUTPUT), RET0),
    X("ringbuf_output_spill_var_range", "spilled pointer", EBPF_ST_MEM(DW, R10, -16, 0),
      EBPF_STX_MEM(DW, R10, R1, -8), EBPF_HELPER_CALL(H_PRANDOM), EBPF_ALU64_IMM(AND, R0, 8),
      EBPF_MOV64_REG(R2, R10), EBPF_ALU64_IMM(ADD, R2, -16), EBPF_ALU64_REG(ADD, R2, R0),
      EBPF_LD_MAP_IDX(R1, MAP_RB), EBPF_MOV64_IMM(R3, 8), EBPF_MOV64_IMM(R4, 0),
      EBPF_HELPER_CALL(H_RB_OUTPUT), RET0),
    X("ringbuf_output_caller_spill", "spilled pointer", EBPF_STX_MEM(DW, R10, R1, -8),
      EBPF_MOV64_REG(R1, R10), EBPF_ALU64_IMM(ADD, R1, -8), EBPF_CALL_REL(2), RET0,
      EBPF_MOV64_REG(R2, R1), EBPF_LD_MAP_IDX(R1, MAP_RB), EBPF_MOV64_IMM(R3, 8),
      EBPF_MOV64_IMM(R4, 0), EBPF_HELPER_CALL(H_RB_OUTPUT), RET0),
    X("ringbuf_flags_pointer", "pointer leak", EBPF_ST_MEM(DW, R10, -8, 0), EBPF_MOV64_REG(R4, R1),
      EBPF_LD_MAP_IDX(R1, MAP_RB), EBPF_MOV64_REG(R2, R10), EBPF_ALU64_IMM(ADD, R2, -8),
      EBPF_MOV64_IMM(R3, 8), EBPF_HELPER_CALL(H_RB_OUTPUT), RET0),
    S("ringbuf_output_scalars", EBPF_ST_MEM(DW, R10, -8, 0), EBPF_LD_MAP_IDX(R1, MAP_RB),
      EBPF_MOV64_REG(R2, R10), EBPF_ALU64_IMM(ADD, R2, -8), EBPF_MOV64_IMM(R3, 8),
      EBPF_MOV64_IMM(R4, 0), EBPF_HELPER_CALL(H_RB_OUTPUT), RET0),
    /* ---- pointer comparisons: elements and inner maps placed one by one ---- */
    X("cmp_hash_elements", OBJECTS, LOOKUP(MAP_HASH), EBPF_JMP_IMM(JEQ, R0, 0, 10),
      EBPF_MOV64_REG(R6, R0), LOOKUP(MAP_HASH), EBPF_JMP_IMM(JEQ, R0, 0, 3),
      EBPF_JMP_REG(JGT, R0, R6, 1), RET0, EBPF_MOV64_IMM(R0, 1), EBPF_EXIT()),
    X("cmp_hash_elements_moved", OBJECTS, LOOKUP(MAP_HASH), EBPF_JMP_IMM(JEQ, R0, 0, 11),
      EBPF_MOV64_REG(R6, R0), EBPF_ALU64_IMM(ADD, R6, 8), LOOKUP(MAP_HASH),
      EBPF_JMP_IMM(JEQ, R0, 0, 3), EBPF_JMP_REG(JGT, R0, R6, 1), RET0, EBPF_MOV64_IMM(R0, 1),
      EBPF_EXIT()),
    X("cmp_hash_element_spilled", OBJECTS, LOOKUP(MAP_HASH), EBPF_JMP_IMM(JEQ, R0, 0, 11),
      EBPF_STX_MEM(DW, R10, R0, -16), LOOKUP(MAP_HASH), EBPF_JMP_IMM(JEQ, R0, 0, 3),
      EBPF_LDX_MEM(DW, R6, R10, -16), EBPF_JMP_REG(JGT, R0, R6, 2), RET0, EBPF_MOV64_IMM(R0, 1),
      EBPF_EXIT()),
    S("cmp_hash_element_spilled_same", LOOKUP(MAP_HASH), EBPF_JMP_IMM(JEQ, R0, 0, 5),
      EBPF_STX_MEM(DW, R10, R0, -16), EBPF_LDX_MEM(DW, R6, R10, -16), EBPF_ALU64_IMM(ADD, R6, 8),
      EBPF_JMP_REG(JGT, R6, R0, 2), RET0, EBPF_MOV64_IMM(R0, 1), EBPF_EXIT()),
    X("cmp_inner_maps", OBJECTS, LOOKUP(MAP_OUTER), EBPF_JMP_IMM(JEQ, R0, 0, 10),
      EBPF_MOV64_REG(R6, R0), LOOKUP(MAP_OUTER), EBPF_JMP_IMM(JEQ, R0, 0, 3),
      EBPF_JMP_REG(JNE, R0, R6, 1), RET0, EBPF_MOV64_IMM(R0, 1), EBPF_EXIT()),
    S("cmp_inner_map_copy", LOOKUP(MAP_OUTER), EBPF_JMP_IMM(JEQ, R0, 0, 3), EBPF_MOV64_REG(R6, R0),
      EBPF_JMP_REG(JNE, R0, R6, 2), RET0, EBPF_MOV64_IMM(R0, 1), EBPF_EXIT()),
    X("cmp_inner_values", OBJECTS, LOOKUP(MAP_OUTER), EBPF_JMP_IMM(JEQ, R0, 0, 20),
      EBPF_MOV64_REG(R1, R0), EBPF_MOV64_REG(R2, R10), EBPF_ALU64_IMM(ADD, R2, -4),
      EBPF_HELPER_CALL(H_LOOKUP), EBPF_JMP_IMM(JEQ, R0, 0, 15), EBPF_MOV64_REG(R6, R0),
      LOOKUP(MAP_OUTER), EBPF_JMP_IMM(JEQ, R0, 0, 7), EBPF_MOV64_REG(R1, R0),
      EBPF_MOV64_REG(R2, R10), EBPF_ALU64_IMM(ADD, R2, -4), EBPF_HELPER_CALL(H_LOOKUP),
      EBPF_JMP_IMM(JEQ, R0, 0, 2), EBPF_JMP_REG(JGT, R0, R6, 2), RET0, EBPF_MOV64_IMM(R0, 1),
      EBPF_EXIT()),
    X("cmp_inner_value_with_template", OBJECTS, LOOKUP(MAP_ARRAY), EBPF_JMP_IMM(JEQ, R0, 0, 15),
      EBPF_MOV64_REG(R6, R0), LOOKUP(MAP_OUTER), EBPF_JMP_IMM(JEQ, R0, 0, 7),
      EBPF_MOV64_REG(R1, R0), EBPF_MOV64_REG(R2, R10), EBPF_ALU64_IMM(ADD, R2, -4),
      EBPF_HELPER_CALL(H_LOOKUP), EBPF_JMP_IMM(JEQ, R0, 0, 2), EBPF_JMP_REG(JGT, R0, R6, 2), RET0,
      EBPF_MOV64_IMM(R0, 1), EBPF_EXIT()),
    S("cmp_inner_value_same_lookup", LOOKUP(MAP_OUTER), EBPF_JMP_IMM(JEQ, R0, 0, 9),
      EBPF_MOV64_REG(R1, R0), EBPF_MOV64_REG(R2, R10), EBPF_ALU64_IMM(ADD, R2, -4),
      EBPF_HELPER_CALL(H_LOOKUP), EBPF_JMP_IMM(JEQ, R0, 0, 4), EBPF_MOV64_REG(R6, R0),
      EBPF_ALU64_IMM(ADD, R6, 8), EBPF_JMP_REG(JGT, R6, R0, 2), RET0, EBPF_MOV64_IMM(R0, 1),
      EBPF_EXIT()),
    /* The element of the iteration before, against this iteration's (the loop is abstracted
     * under the limit: a joined element is no element in particular). */
    NOGO("cmp_hash_element_of_last_iteration", OBJECTS, LOOKUP(MAP_HASH),
	 EBPF_JMP_IMM(JEQ, R0, 0, 14), EBPF_MOV64_REG(R7, R0), EBPF_MOV64_IMM(R8, 0),
	 LOOKUP(MAP_HASH), EBPF_JMP_IMM(JEQ, R0, 0, 5), EBPF_JMP_REG(JGT, R0, R7, 0),
	 EBPF_MOV64_REG(R7, R0), EBPF_ALU64_IMM(ADD, R8, 1), EBPF_JMP_IMM(JLT, R8, 1000, -11),
	 RET0),
    GO("cmp_hash_element_each_iteration", EBPF_MOV64_IMM(R8, 0), LOOKUP(MAP_HASH),
       EBPF_JMP_IMM(JEQ, R0, 0, 6), EBPF_MOV64_REG(R6, R0), EBPF_ALU64_IMM(ADD, R6, 8),
       EBPF_JMP_REG(JGT, R6, R0, 0), EBPF_ALU64_IMM(ADD, R8, 1), EBPF_JMP_IMM(JLT, R8, 1000, -12),
       RET0),
    /* ---- 32-bit comparisons of two pointers into one object: the low halves order as the
     * addresses only when the object crosses no 4 GiB-aligned address ---- */
    X("cmp32_stack_pointers", "32-bit comparison of pointers", EBPF_MOV64_REG(R1, R10),
      EBPF_ALU64_IMM(ADD, R1, -8), EBPF_MOV64_REG(R2, R10), EBPF_ALU64_IMM(ADD, R2, -16),
      EBPF_JMP32_REG(JGT, R1, R2, 2), EBPF_MOV64_IMM(R0, 1), EBPF_EXIT(), RET0),
    X("cmp32_ctx_pointers", "32-bit comparison of pointers", EBPF_MOV64_REG(R2, R1),
      EBPF_ALU64_IMM(ADD, R2, 8), EBPF_JMP32_REG(JGT, R2, R1, 2), EBPF_MOV64_IMM(R0, 1),
      EBPF_EXIT(), RET0),
    X("cmp32_map_value_pointers", "32-bit comparison of pointers",
      EBPF_LD_MAP_VALUE(R1, MAP_DATA, 0), EBPF_MOV64_REG(R2, R1), EBPF_ALU64_IMM(ADD, R2, 8),
      EBPF_JMP32_REG(JLT, R1, R2, 2), EBPF_MOV64_IMM(R0, 1), EBPF_EXIT(), RET0),
    X("cmp32_stack_pointer_variable", "32-bit comparison of pointers", RAND(R3),
      EBPF_ALU64_IMM(AND, R3, 255), EBPF_MOV64_REG(R1, R10), EBPF_ALU64_IMM(ADD, R1, -256),
      EBPF_ALU64_REG(ADD, R1, R3), EBPF_MOV64_REG(R2, R10), EBPF_ALU64_IMM(ADD, R2, -256),
      EBPF_JMP32_REG(JGE, R1, R2, 2), EBPF_MOV64_IMM(R0, 1), EBPF_EXIT(), RET0),
    S("cmp64_stack_pointers", EBPF_MOV64_REG(R1, R10), EBPF_ALU64_IMM(ADD, R1, -8),
      EBPF_MOV64_REG(R2, R10), EBPF_ALU64_IMM(ADD, R2, -16), EBPF_JMP_REG(JGT, R1, R2, 2),
      EBPF_MOV64_IMM(R0, 1), EBPF_EXIT(), RET0),
    OK("cmp32_stack_pointers_leak_type", VT_LEAK, EBPF_MOV64_REG(R1, R10),
       EBPF_ALU64_IMM(ADD, R1, -8), EBPF_MOV64_REG(R2, R10), EBPF_ALU64_IMM(ADD, R2, -16),
       EBPF_JMP32_REG(JGT, R1, R2, 2), EBPF_MOV64_IMM(R0, 1), EBPF_EXIT(), RET0),
    /* ---- constant stack bytes (STACK_CONST): whatever else writes the slot unknowns them ----
     * fp-8 holds 0x500 in bytes (byte 1 = 5): read back and shifted it indexes .data[5]; a
     * helper's output, an unknown atomic, a variable-offset or unknown store, a callee's store
     * through a pointer, another value on another path must not leave 5 behind. The same for
     * zero extensions kept as copies and for counters checked through a copy in a loop walk.
     */
    S("sconst_baseline", SETB, USEB),
    X("sconst_get_comm", MVA, SETB, FP8(R1), EBPF_MOV64_IMM(R2, 8), EBPF_HELPER_CALL(H_GET_COMM),
      USEB),
    X("sconst_get_comm_4", MVA, SETB, FP8(R1), EBPF_MOV64_IMM(R2, 4), EBPF_HELPER_CALL(H_GET_COMM),
      USEB),
    X("sconst_probe_read", MVA, SETB, FP8(R1), EBPF_MOV64_IMM(R2, 8), EBPF_MOV64_IMM(R3, 0),
      EBPF_HELPER_CALL(H_PROBE_READ), USEB),
    X("sconst_probe_read_var", MVA, SETB, RAND(R7), EBPF_ALU64_IMM(AND, R7, 7),
      EBPF_ALU64_IMM(ADD, R7, 1), FP8(R1), EBPF_MOV64_REG(R2, R7), EBPF_MOV64_IMM(R3, 0),
      EBPF_HELPER_CALL(H_PROBE_READ), USEB),
    X("sconst_pop", MVA, SETB, EBPF_LD_MAP_IDX(R1, MAP_QUEUE), FP8(R2), EBPF_HELPER_CALL(H_POP),
      USEB),
    X("sconst_atomic_add_unknown", MVA, SETB, RAND(R7),
      EBPF_ATOMIC_OP(DW, EBPF_ATOMIC_ADD, R10, R7, -8), USEB),
    X("sconst_atomic_xchg_unknown", MVA, SETB, RAND(R7),
      EBPF_ATOMIC_OP(DW, EBPF_ATOMIC_XCHG, R10, R7, -8), USEB),
    X("sconst_atomic32_or_unknown", MVA, SETB, RAND(R7),
      EBPF_ATOMIC_OP(W, EBPF_ATOMIC_OR, R10, R7, -8), USEB),
    X("sconst_atomic32_cmpxchg_unknown_r0", MVA, SETB, RAND(R7), EBPF_MOV64_IMM(R7, 0x4000),
      RAND(R0), EBPF_ATOMIC_OP(W, EBPF_ATOMIC_CMPXCHG, R10, R7, -8), USEB),
    S("sconst_atomic32_add_const", SETB, EBPF_MOV64_IMM(R7, 1),
      EBPF_ATOMIC_OP(W, EBPF_ATOMIC_ADD, R10, R7, -8), USEB),
    X("sconst_atomic32_add_const_oob", MVA, SETB, EBPF_MOV64_IMM(R7, 0x3b00),
      EBPF_ATOMIC_OP(W, EBPF_ATOMIC_ADD, R10, R7, -8), USEB),
    X("sconst_atomic32_hi_add_const_oob", MVA, SETB, EBPF_MOV64_IMM(R7, 1),
      EBPF_ATOMIC_OP(W, EBPF_ATOMIC_ADD, R10, R7, -4), USEB),
    X("sconst_atomic_cmpxchg_eq", MVA, SETB, EBPF_MOV64_IMM(R7, 0x4000), EBPF_MOV64_IMM(R0, 0x500),
      EBPF_ATOMIC_OP(DW, EBPF_ATOMIC_CMPXCHG, R10, R7, -8), USEB),
    S("sconst_atomic_cmpxchg_ne", SETB, EBPF_MOV64_IMM(R7, 0x4000), EBPF_MOV64_IMM(R0, 0x501),
      EBPF_ATOMIC_OP(DW, EBPF_ATOMIC_CMPXCHG, R10, R7, -8), USEB),
    X("sconst_var_store", MVA, SETB, RAND(R8), RAND(R7), EBPF_ALU64_IMM(AND, R7, 1), FP8(R1),
      EBPF_ALU64_REG(ADD, R1, R7), EBPF_STX_MEM(B, R1, R8, 0), USEB),
    X("sconst_var_store_const", MVA, SETB, RAND(R7), EBPF_ALU64_IMM(AND, R7, 1), FP8(R1),
      EBPF_ALU64_REG(ADD, R1, R7), EBPF_ST_MEM(B, R1, 1, 0x50), USEB),
    X("sconst_partial_nonconst", MVA, SETB, RAND(R8), EBPF_STX_MEM(B, R10, R8, -7), USEB),
    X("sconst_partial_const_other", MVA, SETB, EBPF_ST_MEM(B, R10, -7, 0x50), USEB),
    X("sconst_callee_write", MVA, SETB, FP8(R1), EBPF_CALL_REL(8), USEB, EBPF_MOV64_REG(R6, R1),
      RAND(R2), EBPF_STX_MEM(B, R6, R2, 1), RET0),
    X("sconst_callee_const_write", MVA, SETB, FP8(R1), EBPF_CALL_REL(8), USEB,
      EBPF_ST_MEM(H, R1, 1, 0x50), RET0),
    X("sconst_prune", MVA, EBPF_ST_MEM(DW, R10, -8, 0), RAND(R7), EBPF_JMP_IMM(JEQ, R7, 0, 2),
      EBPF_ST_MEM(B, R10, -7, 5), EBPF_JMP_A(1), EBPF_ST_MEM(B, R10, -7, 0x50), USEB),
    X("sconst_prune_zero_vs_const", MVA, EBPF_ST_MEM(DW, R10, -8, 0), RAND(R7),
      EBPF_JMP_IMM(JEQ, R7, 0, 2), EBPF_ST_MEM(B, R10, -7, 0), EBPF_JMP_A(1),
      EBPF_ST_MEM(B, R10, -7, 0x50), USEB),
    X("sconst_prune_spill_vs_bytes", MVA, RAND(R7), EBPF_JMP_IMM(JEQ, R7, 0, 2),
      EBPF_ST_MEM(DW, R10, -8, 0x500), EBPF_JMP_A(2), EBPF_ST_MEM(DW, R10, -8, 0),
      EBPF_ST_MEM(B, R10, -7, 0x50), USEB),
    X("sconst_32bit_fill", MVA, SETB, RAND(R8), EBPF_STX_MEM(B, R10, R8, -6),
      EBPF_LDX_MEM(W, R6, R10, -8), EBPF_ALU64_IMM(RSH, R6, 8), PROBE(R6)),
    S("sconst_32bit_fill_ok", SETB, RAND(R8), EBPF_STX_MEM(B, R10, R8, -3),
      EBPF_LDX_MEM(W, R6, R10, -8), EBPF_ALU64_IMM(RSH, R6, 8), PROBE(R6)),
    X("sconst_sext_fill", MVA, EBPF_ST_MEM(DW, R10, -8, 0), EBPF_ST_MEM(B, R10, -7, 0x80),
      EBPF_LDX_MEMSX(H, R6, R10, -8), EBPF_ALU64_IMM(RSH, R6, 57), PROBE(R6)),
    X("sconst_keep_spill_different", MVA, EBPF_ST_MEM(DW, R10, -8, 5),
      EBPF_ST_MEM(B, R10, -8, 0x50), EBPF_LDX_MEM(DW, R6, R10, -8), PROBE(R6)),
    S("sconst_keep_spill_same", EBPF_ST_MEM(DW, R10, -8, 5), EBPF_ST_MEM(B, R10, -8, 5),
      EBPF_ST_MEM(W, R10, -4, 0), EBPF_LDX_MEM(DW, R6, R10, -8), PROBE(R6)),
    X("sconst_keep_spill_then_partial", MVA, EBPF_ST_MEM(DW, R10, -8, 5),
      EBPF_ST_MEM(W, R10, -4, 0), RAND(R8), EBPF_STX_MEM(B, R10, R8, -4),
      EBPF_LDX_MEM(DW, R6, R10, -8), PROBE(R6)),
    X("sconst_keep_spill_hi_byte", MVA, EBPF_ST_MEM(DW, R10, -8, 5), EBPF_ST_MEM(B, R10, -1, 1),
      EBPF_LDX_MEM(DW, R6, R10, -8), EBPF_ALU64_IMM(RSH, R6, 50), PROBE(R6)),
    X("sconst_narrow_spill_inner", MVA, RAND(R7), EBPF_ALU64_IMM(AND, R7, 7),
      EBPF_STX_MEM(W, R10, R7, -8), EBPF_ST_MEM(W, R10, -4, 0), RAND(R8),
      EBPF_STX_MEM(B, R10, R8, -6), EBPF_LDX_MEM(DW, R6, R10, -8), PROBE(R6)),
    X("sconst_narrow_spill_reg_moves", MVA, RAND(R7), EBPF_ALU64_IMM(AND, R7, 7),
      EBPF_STX_MEM(W, R10, R7, -8), EBPF_ST_MEM(W, R10, -4, 0), EBPF_ALU64_IMM(ADD, R7, 60),
      EBPF_JMP_IMM(JGT, R7, 62, 2), RET0, EBPF_LDX_MEM(DW, R6, R10, -8),
      EBPF_ALU64_IMM(ADD, R6, 60), PROBE(R6)),
    /* zero extension */
    X("zext_unknown_upper", MVA, RAND(R7), EBPF_MOV32_REG(R8, R7), EBPF_JMP_IMM(JGE, R8, 10, 6),
      PROBE(R7), RET0),
    S("zext_masked_ok", RAND(R7), EBPF_ALU64_IMM(AND, R7, 0xffff), EBPF_MOV32_REG(R8, R7),
      EBPF_JMP_IMM(JGE, R8, 10, 6), PROBE(R7), RET0),
    X("zext_reassign", MVA, RAND(R7), EBPF_ALU64_IMM(AND, R7, 0xffff), EBPF_MOV32_REG(R8, R7),
      RAND(R7), EBPF_JMP_IMM(JGE, R8, 10, 6), PROBE(R7), RET0),
    X("zext_signed_pair", MVA, RAND(R7), EBPF_ALU64_IMM(ARSH, R7, 31), EBPF_MOV64_REG(R8, R7),
      EBPF_ALU64_IMM(LSH, R8, 32), EBPF_ALU64_IMM(RSH, R8, 32), EBPF_JMP_IMM(JGE, R8, 10, 6),
      PROBE(R7), RET0),
    X("zext_signed_w", MVA, RAND(R7), EBPF_ALU64_IMM(ARSH, R7, 31), EBPF_MOV32_REG(R8, R7),
      EBPF_JMP_IMM(JGE, R8, 10, 6), PROBE(R7), RET0),
    S("zext_jmp32_after", RAND(R7), EBPF_MOV32_REG(R7, R7), EBPF_MOV32_REG(R8, R7),
      EBPF_JMP32_IMM(JGE, R8, 10, 6), PROBE(R7), RET0),
    X("zext_jmp32_after_upper", MVA, RAND(R7), EBPF_ALU64_IMM(AND, R7, 0x7fffffff),
      EBPF_ALU64_IMM(ADD, R7, 0x7fffffff), EBPF_ALU64_IMM(ADD, R7, 0x7fffffff),
      EBPF_MOV32_REG(R8, R7), EBPF_JMP32_IMM(JGE, R8, 10, 6), PROBE(R7), RET0),
    X("zext_pair_other_reg", MVA, RAND(R7), EBPF_MOV32_REG(R7, R7), RAND(R8),
      EBPF_MOV64_REG(R9, R7), EBPF_ALU64_IMM(LSH, R9, 32), EBPF_MOV64_REG(R9, R8),
      EBPF_ALU64_IMM(RSH, R9, 32), EBPF_JMP_IMM(JGE, R9, 10, 6), PROBE(R8), RET0),
    X("zext_copy_then_add", MVA, RAND(R7), EBPF_MOV32_REG(R7, R7), EBPF_MOV32_REG(R8, R7),
      EBPF_ALU64_IMM(ADD, R8, 10), EBPF_JMP_IMM(JGE, R8, 75, 6), PROBE(R7), RET0),
    X("zext_copy_then_w_add", MVA, RAND(R7), EBPF_MOV32_REG(R7, R7), EBPF_MOV32_REG(R8, R7),
      EBPF_ALU32_IMM(ADD, R8, 10), EBPF_JMP_IMM(JGE, R8, 64, 6), PROBE(R7), RET0),
    /* loops: copies before the step */
    GO("linked_copy_minus5_ok", DATA_R6, EBPF_MOV64_IMM(R7, 0), EBPF_JMP_IMM(JGE, R7, 100000, 8),
       EBPF_MOV64_REG(R8, R7), EBPF_ALU64_IMM(ADD, R8, -5), EBPF_JMP_IMM(JGE, R8, 59, 3),
       READ_AT(R7), EBPF_ALU64_IMM(ADD, R7, 1), EBPF_JMP_A(-9), RET0),
    NOGO("linked_copy_minus5_oob", MVA, DATA_R6, EBPF_MOV64_IMM(R7, 0),
	 EBPF_JMP_IMM(JGE, R7, 100000, 8), EBPF_MOV64_REG(R8, R7), EBPF_ALU64_IMM(ADD, R8, -5),
	 EBPF_JMP_IMM(JGE, R8, 60, 3), READ_AT(R7), EBPF_ALU64_IMM(ADD, R7, 1), EBPF_JMP_A(-9),
	 RET0),
    NOGO("linked_copy_reassigned", MVA, DATA_R6, RAND(R9), EBPF_ALU64_IMM(AND, R9, 127),
	 EBPF_MOV64_IMM(R7, 0), EBPF_JMP_IMM(JGE, R7, 100000, 8), EBPF_MOV64_REG(R8, R7),
	 EBPF_ALU64_IMM(ADD, R7, 1), EBPF_MOV64_REG(R8, R9), EBPF_JMP_IMM(JGE, R8, 63, 3),
	 READ_AT(R7), EBPF_JMP_A(-9), RET0),
    GO("linked_copy_then_w_wrap_ok", DATA_R6, EBPF_MOV64_IMM(R7, 0),
       EBPF_JMP_IMM(JGE, R7, 100000, 8), EBPF_MOV32_REG(R8, R7), EBPF_ALU32_IMM(ADD, R8, -5),
       EBPF_JMP_IMM(JGE, R8, 59, 3), READ_AT(R7), EBPF_ALU64_IMM(ADD, R7, 1), EBPF_JMP_A(-9), RET0),
    NOGO("linked_copy_then_w_wrap", MVA, DATA_R6, EBPF_MOV64_IMM(R7, 0),
	 EBPF_JMP_IMM(JGE, R7, 100000, 8), EBPF_MOV32_REG(R8, R7), EBPF_ALU32_IMM(ADD, R8, -5),
	 EBPF_JMP_IMM(JGE, R8, 60, 3), READ_AT(R7), EBPF_ALU64_IMM(ADD, R7, 1), EBPF_JMP_A(-9),
	 RET0),
    NOGO("linked_spilled_copy_stale", MVA, DATA_R6, EBPF_MOV64_IMM(R7, 0),
	 EBPF_JMP_IMM(JGE, R7, 100000, 9), EBPF_STX_MEM(DW, R10, R7, -8),
	 EBPF_ALU64_IMM(ADD, R7, 1), EBPF_LDX_MEM(DW, R8, R10, -8), EBPF_ALU64_IMM(ADD, R7, 2),
	 EBPF_JMP_IMM(JGE, R8, 62, 3), READ_AT(R7), EBPF_JMP_A(-10), RET0),
    /* A narrow store, atomic or misaligned store into a spilled pointer's slot leaves its other
     * bytes unreadable, in every frame and after a join with a path holding a number there. */
    HX("w0_read_hi", "read of uninitialised stack at fp-4", SPILL_DATA(-8),
       EBPF_ST_MEM(W, R10, -8, 0), EBPF_LDX_MEM(W, R0, R10, -4), EBPF_EXIT()),
    HX("w0_read_dw", "read of uninitialised stack at fp-4", SPILL_DATA(-8),
       EBPF_ST_MEM(W, R10, -8, 0), EBPF_LDX_MEM(DW, R0, R10, -8), EBPF_EXIT()),
    HX("whi_read_lo", "read of uninitialised stack at fp-8", SPILL_DATA(-8),
       EBPF_ST_MEM(W, R10, -4, 7), EBPF_LDX_MEM(W, R0, R10, -8), EBPF_EXIT()),
    HX("b_then_atomic_fetch", "read of uninitialised stack at fp-7", SPILL_DATA(-8),
       EBPF_ST_MEM(B, R10, -8, 0), EBPF_MOV64_IMM(R1, 1), EBPF_ATOMIC_OP(DW, AFETCH, R10, R1, -8),
       EBPF_MOV64_REG(R0, R1), EBPF_EXIT()),
    HX("atomic32_fetch_hi", "partial read of a spilled pointer", SPILL_DATA(-8),
       EBPF_MOV64_IMM(R1, 0), EBPF_ATOMIC_OP(W, AFETCH, R10, R1, -4), EBPF_MOV64_REG(R0, R1),
       EBPF_EXIT()),
    HX("atomic32_xchg_lo", "partial read of a spilled pointer", SPILL_DATA(-8),
       EBPF_MOV64_IMM(R1, 0), EBPF_ATOMIC_OP(W, EBPF_ATOMIC_XCHG, R10, R1, -8),
       EBPF_MOV64_REG(R0, R1), EBPF_EXIT()),
    HX("atomic_add_ptr", "atomic operation on a spilled pointer", SPILL_DATA(-8),
       EBPF_MOV64_IMM(R1, 0x100000), EBPF_ATOMIC_OP(DW, AADD, R10, R1, -8),
       EBPF_LDX_MEM(DW, R2, R10, -8), EBPF_LDX_MEM(B, R0, R2, 0), EBPF_EXIT()),
    HX("cmpxchg_ptr", "atomic operation on a spilled pointer", SPILL_DATA(-8),
       EBPF_MOV64_IMM(R0, 0), EBPF_MOV64_IMM(R1, 5),
       EBPF_ATOMIC_OP(DW, EBPF_ATOMIC_CMPXCHG, R10, R1, -8), EBPF_EXIT()),
    HX("atomic32_add_lo", "partial read of a spilled pointer", SPILL_DATA(-8),
       EBPF_MOV64_IMM(R1, 0x100000), EBPF_ATOMIC_OP(W, AADD, R10, R1, -8),
       EBPF_LDX_MEM(DW, R2, R10, -8), EBPF_LDX_MEM(B, R0, R2, 0), EBPF_EXIT()),
    HX("atomic_fetch_ptr", "atomic operation on a spilled pointer", SPILL_DATA(-8),
       EBPF_MOV64_IMM(R1, 0), EBPF_ATOMIC_OP(DW, AFETCH, R10, R1, -8), EBPF_MOV64_REG(R0, R1),
       EBPF_EXIT()),
    HX("w_then_push", "uninitialised stack at fp-4", SPILL_DATA(-8), EBPF_ST_MEM(W, R10, -8, 0),
       EBPF_LD_MAP_IDX(R1, MAP_QUEUE), EBPF_MOV64_REG(R2, R10), EBPF_ALU64_IMM(ADD, R2, -8),
       EBPF_MOV64_IMM(R3, 0), EBPF_HELPER_CALL(H_PUSH), RET0),

    HX("join_zero_first", "read of uninitialised stack at fp-4", RAND(R6),
       EBPF_JMP_IMM(JEQ, R6, 0, 2), EBPF_ST_MEM(DW, R10, -8, 0), EBPF_JMP_A(4), SPILL_DATA(-8),
       EBPF_ST_MEM(W, R10, -8, 0), EBPF_LDX_MEM(DW, R0, R10, -8), EBPF_EXIT()),
    HX("join_misc_first", "read of uninitialised stack at fp-4", RAND(R6), RAND(R7),
       EBPF_JMP_IMM(JEQ, R6, 0, 2), EBPF_STX_MEM(DW, R10, R7, -8), EBPF_JMP_A(4), SPILL_DATA(-8),
       EBPF_ST_MEM(W, R10, -8, 0), EBPF_LDX_MEM(DW, R0, R10, -8), EBPF_EXIT()),
    HX("join_misc_w", "read of uninitialised stack at fp-4", RAND(R6), RAND(R7),
       EBPF_JMP_IMM(JEQ, R6, 0, 2), EBPF_STX_MEM(DW, R10, R7, -8), EBPF_JMP_A(4), SPILL_DATA(-8),
       EBPF_STX_MEM(W, R10, R7, -8), EBPF_LDX_MEM(W, R0, R10, -4), EBPF_EXIT()),
    HX("callee_narrow_store", "read of uninitialised stack at fp-4", SPILL_DATA(-8),
       EBPF_MOV64_REG(R1, R10), EBPF_ALU64_IMM(ADD, R1, -8), EBPF_CALL_REL(2),
       EBPF_LDX_MEM(W, R0, R10, -4), EBPF_EXIT(), EBPF_ST_MEM(W, R1, 0, 0), RET0),
    HX("callee_narrow_store_hi", "read of uninitialised stack at fp-8", SPILL_DATA(-8),
       EBPF_MOV64_REG(R1, R10), EBPF_ALU64_IMM(ADD, R1, -8), EBPF_CALL_REL(2),
       EBPF_LDX_MEM(W, R0, R10, -8), EBPF_EXIT(), EBPF_ST_MEM(W, R1, 4, 0), RET0),
    HX("mid_h", "read of uninitialised stack at fp-8", SPILL_DATA(-8), EBPF_ST_MEM(H, R10, -6, 0),
       EBPF_LDX_MEM(H, R0, R10, -8), EBPF_EXIT()),
    HX("misaligned_dw", "read of uninitialised stack at fp-16", EBPF_LD_MAP_VALUE(R1, MAP_DATA, 0),
       EBPF_STX_MEM(DW, R10, R1, -16), EBPF_STX_MEM(DW, R10, R1, -8), EBPF_MOV64_IMM(R2, 0),
       EBPF_STX_MEM(DW, R10, R2, -12), EBPF_LDX_MEM(W, R0, R10, -16), EBPF_EXIT()),
    HX("misaligned_dw_hi", "read of uninitialised stack at fp-4",
       EBPF_LD_MAP_VALUE(R1, MAP_DATA, 0), EBPF_STX_MEM(DW, R10, R1, -16),
       EBPF_STX_MEM(DW, R10, R1, -8), EBPF_MOV64_IMM(R2, 0), EBPF_STX_MEM(DW, R10, R2, -12),
       EBPF_LDX_MEM(W, R0, R10, -4), EBPF_EXIT()),
    HX("narrow_scalar_spill_then_wide", "read of uninitialised stack at fp-4", SPILL_DATA(-8),
       RAND(R7), EBPF_STX_MEM(W, R10, R7, -8), EBPF_LDX_MEM(DW, R0, R10, -8), EBPF_EXIT()),
    HX("st_b_each_but_one", "read of uninitialised stack at fp-1", SPILL_DATA(-8),
       EBPF_ST_MEM(B, R10, -8, 0), EBPF_ST_MEM(B, R10, -7, 0), EBPF_ST_MEM(B, R10, -6, 0),
       EBPF_ST_MEM(B, R10, -5, 0), EBPF_ST_MEM(B, R10, -4, 0), EBPF_ST_MEM(B, R10, -3, 0),
       EBPF_ST_MEM(B, R10, -2, 0), EBPF_LDX_MEM(DW, R0, R10, -8), EBPF_EXIT()),
    /* NULL with a size that may be nonzero; a number or the context as zero-sized memory. */
    HX("snprintf_null_var_size", "size must be 0 when the memory argument is NULL", RAND(R5),
       EBPF_ALU64_IMM(AND, R5, 8), EBPF_MOV64_REG(R1, R10), EBPF_ALU64_IMM(ADD, R1, -16),
       EBPF_MOV64_IMM(R2, 16), EBPF_LD_MAP_VALUE(R3, MAP_FMTS, 0), EBPF_MOV64_IMM(R4, 0),
       EBPF_HELPER_CALL(H_SNPRINTF), RET0),
    HX("snprintf_number_size0", "is not a pointer to stack", EBPF_MOV64_IMM(R5, 0),
       EBPF_MOV64_REG(R1, R10), EBPF_ALU64_IMM(ADD, R1, -16), EBPF_MOV64_IMM(R2, 16),
       EBPF_LD_MAP_VALUE(R3, MAP_FMTS, 0), EBPF_MOV64_IMM(R4, 0x1000), EBPF_HELPER_CALL(H_SNPRINTF),
       RET0),
    HX("rb_output_ctx_size0", "is not a pointer to stack", EBPF_MOV64_REG(R2, R1),
       EBPF_LD_MAP_IDX(R1, MAP_RB), EBPF_MOV64_IMM(R3, 0), EBPF_MOV64_IMM(R4, 0),
       EBPF_HELPER_CALL(H_RB_OUTPUT), RET0),
    /* Pointer truncation and other ALU on pointers (PREVAIL's pointer.yaml shapes). */
    HX("w_add0_ctx", "32-bit arithmetic on pointer", EBPF_ALU32_IMM(ADD, R1, 0),
       EBPF_LDX_MEM(W, R0, R1, 0), EBPF_EXIT()),
    HX("mov32_ctx", "32-bit move of pointer", EBPF_MOV32_REG(R0, R1), EBPF_EXIT()),
    HX("mov32_fp", "32-bit move of pointer", EBPF_MOV64_REG(R0, R10), EBPF_MOV32_REG(R0, R0),
       EBPF_EXIT()),
    HX("arsh0", "pointer arithmetic with 's>>' prohibited", EBPF_MOV64_REG(R0, R1),
       EBPF_ALU64_IMM(ARSH, R0, 0), EBPF_EXIT()),
    HX("neg_twice", "negation of pointer", EBPF_MOV64_REG(R0, R1), EBPF_NEG64(R0), EBPF_NEG64(R0),
       EBPF_LDX_MEM(W, R0, R0, 0), EBPF_EXIT()),
    HX("movsx", "sign extension of pointer", EBPF_MOVSX64_REG(R0, R1, 32), EBPF_EXIT()),
    HX("and_minus1", "pointer arithmetic with '&' prohibited", EBPF_MOV64_REG(R0, R1),
       EBPF_ALU64_IMM(AND, R0, -1), EBPF_EXIT()),
    HX("fp_minus_ctx", "pointer - pointer prohibited", EBPF_MOV64_REG(R0, R10),
       EBPF_ALU64_REG(SUB, R0, R1), EBPF_EXIT()),
    HX("jset_ptrs", "bit test of pointers", EBPF_MOV64_IMM(R0, 0), EBPF_JMP_REG(JSET, R1, R10, 1),
       EBPF_EXIT(), EBPF_MOV64_IMM(R0, 1), EBPF_EXIT()),
    HX("xor0", "pointer arithmetic with '^' prohibited", EBPF_MOV64_REG(R0, R1),
       EBPF_ALU64_IMM(XOR, R0, 0), EBPF_EXIT()),
    HX("w_sub_self", "32-bit arithmetic on pointer", EBPF_MOV64_REG(R0, R10),
       EBPF_ALU32_REG(SUB, R0, R1), EBPF_EXIT()),
    HX("ctx_minus_self_then_fp", "r0 at exit must be an initialised scalar",
       EBPF_MOV64_REG(R0, R10), EBPF_ALU64_REG(SUB, R0, R10), EBPF_ALU64_REG(ADD, R0, R10),
       EBPF_EXIT()),
    HX("div_ptr", "pointer arithmetic with '/' prohibited", EBPF_MOV64_REG(R0, R1),
       EBPF_ALU64_IMM(DIV, R0, 1), EBPF_EXIT()),
    HX("bswap", "byte swap of pointer", EBPF_MOV64_REG(R0, R1), EBPF_BSWAP(R0, 64),
       EBPF_BSWAP(R0, 64), EBPF_EXIT()),
    HX("scalar_minus_ptr", "subtracting pointer r1", EBPF_MOV64_IMM(R0, 0),
       EBPF_ALU64_REG(SUB, R0, R1), EBPF_EXIT()),
    HX("mapval_minus_ctx", "pointer - pointer prohibited", EBPF_LD_MAP_VALUE(R0, MAP_DATA, 0),
       EBPF_ALU64_REG(SUB, R0, R1), EBPF_EXIT()),
    HX("fp_minus_mapval", "pointer - pointer prohibited", EBPF_LD_MAP_VALUE(R2, MAP_DATA, 0),
       EBPF_MOV64_REG(R0, R10), EBPF_ALU64_REG(SUB, R0, R2), EBPF_EXIT()),
    HX("rodata_minus_data", "pointer - pointer prohibited", EBPF_LD_MAP_VALUE(R2, MAP_DATA, 0),
       EBPF_LD_MAP_VALUE(R0, MAP_RODATA, 0), EBPF_ALU64_REG(SUB, R0, R2), EBPF_EXIT()),
    /* A lock across a bpf-to-bpf call: released or taken on one path of the callee, another
     * element's lock released there, the callee's lock left at the program's exit. */
    HX("callee_unlocks_one_path", "bpf_spin_unlock is missing on this path", LOCKED(5), TAKE(R6),
       EBPF_MOV64_REG(R1, R6), EBPF_CALL_REL(2), RET0, EBPF_MOV64_REG(R7, R1),
       EBPF_LDX_MEM(DW, R2, R7, 0), EBPF_JMP_IMM(JEQ, R2, 0, 3), EBPF_MOV64_REG(R1, R7),
       EBPF_ALU64_IMM(ADD, R1, 8), EBPF_HELPER_CALL(H_SPIN_UNLOCK), RET0),
    HX("callee_locks_one_path", "bpf_spin_unlock without a bpf_spin_lock held", LOCKED(5),
       EBPF_MOV64_REG(R1, R6), EBPF_CALL_REL(5), GIVE(R6), RET0, EBPF_MOV64_REG(R7, R1),
       EBPF_LDX_MEM(DW, R2, R7, 0), EBPF_JMP_IMM(JEQ, R2, 0, 3), EBPF_MOV64_REG(R1, R7),
       EBPF_ALU64_IMM(ADD, R1, 8), EBPF_HELPER_CALL(H_SPIN_LOCK), RET0),
    HX("callee_unlocks_other", "bpf_spin_unlock of another lock", LOCKED(13),
       EBPF_ST_MEM(W, R10, -4, 1), EBPF_MOV64_REG(R2, R10), EBPF_ALU64_IMM(ADD, R2, -4),
       EBPF_LD_MAP_IDX(R1, MAP_LOCKED), EBPF_HELPER_CALL(H_LOOKUP), EBPF_JMP_IMM(JEQ, R0, 0, 6),
       EBPF_MOV64_REG(R7, R0), TAKE(R6), EBPF_MOV64_REG(R1, R7), EBPF_CALL_REL(2), RET0,
       EBPF_ALU64_IMM(ADD, R1, 8), EBPF_HELPER_CALL(H_SPIN_UNLOCK), RET0),
    HX("callee_locks_caller_exits", "bpf_spin_unlock is missing on this path", LOCKED(2),
       EBPF_MOV64_REG(R1, R6), EBPF_CALL_REL(2), RET0, TAKE(R1), RET0),
    /* A checked packet pointer moved back: unchecked first, moved forward again by a variable,
     * before the start, past the range it keeps, by a negative addition, by a 32-bit amount. */
    HXP("unchecked_back", "variable offset may be negative", EBPF_MOV64_REG(R6, R1), RAND(R7),
	EBPF_ALU64_IMM(AND, R7, 3), EBPF_ALU64_IMM(ADD, R7, 1), EBPF_LDX_MEM(W, R2, R6, 0),
	EBPF_LDX_MEM(W, R3, R6, 4), EBPF_ALU64_REG(SUB, R2, R7), EBPF_LDX_MEM(B, R0, R2, 0), RET0),
    HXP("back_then_fwd_var", "proven range 0", EBPF_MOV64_REG(R6, R1), RAND(R7),
	EBPF_ALU64_IMM(AND, R7, 3), EBPF_MOV64_REG(R8, R7), EBPF_MOV64_REG(R1, R6), PKT_CHECK(8, 4),
	EBPF_ALU64_REG(SUB, R2, R7), EBPF_ALU64_REG(ADD, R2, R8), EBPF_LDX_MEM(B, R0, R2, 7),
	EBPF_EXIT(), RET0),
    HXP("back_below_start", "variable offset may be negative", EBPF_MOV64_REG(R6, R1), RAND(R7),
	EBPF_ALU64_IMM(AND, R7, 3), EBPF_MOV64_REG(R1, R6), PKT_CHECK(8, 3),
	EBPF_ALU64_REG(SUB, R2, R7), EBPF_LDX_MEM(B, R0, R2, 2), EBPF_EXIT(), RET0),
    HXP("back_past_range", "offset 6 size 4, proven range 9", EBPF_MOV64_REG(R6, R1), RAND(R7),
	EBPF_ALU64_IMM(AND, R7, 3), EBPF_ALU64_IMM(ADD, R7, 1), EBPF_MOV64_REG(R1, R6),
	PKT_CHECK(8, 4), EBPF_ALU64_IMM(ADD, R2, 4), EBPF_ALU64_REG(SUB, R2, R7),
	EBPF_LDX_MEM(W, R0, R2, 2), EBPF_EXIT(), RET0),
    HXP("back_neg_add", "proven range 0", EBPF_MOV64_REG(R6, R1), RAND(R7),
	EBPF_ALU64_IMM(AND, R7, 3), EBPF_NEG64(R7), EBPF_MOV64_REG(R1, R6), PKT_CHECK(8, 4),
	EBPF_ALU64_IMM(ADD, R2, 8), EBPF_ALU64_REG(SUB, R2, R7), EBPF_LDX_MEM(B, R0, R2, -1),
	EBPF_EXIT(), RET0),
    HXP("back_32bit_d", "variable offset may be negative", EBPF_MOV64_REG(R6, R1), RAND(R7),
	EBPF_ALU32_IMM(OR, R7, 1), EBPF_MOV64_REG(R1, R6), PKT_CHECK(8, 4),
	EBPF_ALU64_IMM(ADD, R2, 8), EBPF_ALU64_REG(SUB, R2, R7), EBPF_LDX_MEM(B, R0, R2, 0),
	EBPF_EXIT(), RET0),
    HXP("range_after_move_then_end_cmp", "variable offset may be negative", EBPF_MOV64_REG(R6, R1),
	RAND(R7), EBPF_ALU64_IMM(AND, R7, 3), EBPF_ALU64_IMM(ADD, R7, 1), EBPF_MOV64_REG(R1, R6),
	PKT_CHECK(8, 6), EBPF_ALU64_REG(SUB, R2, R7), EBPF_MOV64_REG(R5, R2),
	EBPF_ALU64_IMM(ADD, R5, 12), EBPF_JMP_REG(JGT, R5, R3, 2), EBPF_LDX_MEM(B, R0, R2, 0),
	EBPF_EXIT(), RET0),
    /*
     * Precision tracking (precision.c): a value read back from the stack in part, across a
     * callee, or through a caller's slot the callee wrote, then used as an offset, needs its
     * source precise in the checkpoint where the second path (the larger value) joins the
     * first; the twins join with a value that stays in bounds.
     */
    X("prec_spill_upper_half", OOB, PREC_R6(EBPF_ALU64_IMM(LSH, R6, 44)),
      EBPF_STX_MEM(DW, R10, R6, -8), EBPF_LDX_MEM(W, R7, R10, -4), PROBE(R7)),
    S("prec_spill_upper_half_in_bounds", PREC_R6(EBPF_ALU64_IMM(LSH, R6, 37)),
      EBPF_STX_MEM(DW, R10, R6, -8), EBPF_LDX_MEM(W, R7, R10, -4), PROBE(R7)),
    X("prec_spill_middle_bytes", OOB, PREC_R6(EBPF_ALU64_IMM(LSH, R6, 30)),
      EBPF_STX_MEM(DW, R10, R6, -8), EBPF_LDX_MEM(H, R7, R10, -5), PROBE(R7)),
    S("prec_spill_middle_bytes_in_bounds", PREC_R6(EBPF_ALU64_IMM(LSH, R6, 29)),
      EBPF_STX_MEM(DW, R10, R6, -8), EBPF_LDX_MEM(H, R7, R10, -5), PROBE(R7)),
    X("prec_narrow_spill_high_half", OOB, PREC_R6(EBPF_ALU64_IMM(LSH, R6, 22)),
      EBPF_STX_MEM(W, R10, R6, -8), EBPF_LDX_MEM(H, R7, R10, -6), PROBE(R7)),
    S("prec_narrow_spill_high_half_in_bounds", PREC_R6(EBPF_ALU64_IMM(LSH, R6, 21)),
      EBPF_STX_MEM(W, R10, R6, -8), EBPF_LDX_MEM(H, R7, R10, -6), PROBE(R7)),
    X("prec_fill_into_r0_before_lddw", OOB, PREC_R6(EBPF_ALU64_IMM(LSH, R6, 6)),
      EBPF_STX_MEM(DW, R10, R6, -8), EBPF_LDX_MEM(DW, R0, R10, -8), PROBE(R0)),
    S("prec_fill_into_r0_before_lddw_in_bounds", PREC_R6(EBPF_ALU64_IMM(LSH, R6, 5)),
      EBPF_STX_MEM(DW, R10, R6, -8), EBPF_LDX_MEM(DW, R0, R10, -8), PROBE(R0)),
    /* The caller's r6 kept across a callee whose own branch joins before it returns. */
    X("prec_caller_reg_across_callee", OOB, PREC_R6(EBPF_ALU64_IMM(LSH, R6, 6)), EBPF_CALL_REL(6),
      PROBE(R6), CALLEE_JOINS),
    S("prec_caller_reg_across_callee_in_bounds", PREC_R6(EBPF_ALU64_IMM(LSH, R6, 5)),
      EBPF_CALL_REL(6), PROBE(R6), CALLEE_JOINS),
    /* The callee stores 0 or 64 into the caller's slot on two paths that join in the callee. */
    X("prec_callee_stores_caller_slot", OOB, FP8(R1), EBPF_CALL_REL(7),
      EBPF_LDX_MEM(DW, R6, R10, -8), PROBE(R6), EBPF_MOV64_REG(R7, R1), RAND(R0),
      EBPF_JMP_IMM(JNE, R0, 0, 2), EBPF_ST_MEM(DW, R7, 0, 0), EBPF_JMP_A(1),
      EBPF_ST_MEM(DW, R7, 0, 64), RET0),
    S("prec_callee_stores_caller_slot_in_bounds", FP8(R1), EBPF_CALL_REL(7),
      EBPF_LDX_MEM(DW, R6, R10, -8), PROBE(R6), EBPF_MOV64_REG(R7, R1), RAND(R0),
      EBPF_JMP_IMM(JNE, R0, 0, 2), EBPF_ST_MEM(DW, R7, 0, 0), EBPF_JMP_A(1),
      EBPF_ST_MEM(DW, R7, 0, 32), RET0),
    /* The callee's argument through its own stack and back as its return value. */
    X("prec_arg_through_callee_stack", OOB, PREC_R6(EBPF_ALU64_IMM(LSH, R6, 6)),
      EBPF_MOV64_REG(R1, R6), EBPF_CALL_REL(7), EBPF_MOV64_REG(R6, R0), PROBE(R6),
      CALLEE_ROUND_TRIP),
    S("prec_arg_through_callee_stack_in_bounds", PREC_R6(EBPF_ALU64_IMM(LSH, R6, 5)),
      EBPF_MOV64_REG(R1, R6), EBPF_CALL_REL(7), EBPF_MOV64_REG(R6, R0), PROBE(R6),
      CALLEE_ROUND_TRIP),
    /* A bound learned through a copy spilled on one path only (linked by id): the path that
     * spilled the unchecked value joins with the slot still unbounded. Twin: masked there. */
    X("prec_linked_spill_bounded_on_one_path", "variable offset may be negative", RAND(R6),
      EBPF_HELPER_CALL(H_PRANDOM), EBPF_JMP_IMM(JNE, R0, 0, 4), EBPF_MOV64_REG(R7, R6),
      EBPF_STX_MEM(DW, R10, R7, -8), EBPF_JMP_IMM(JGT, R6, 63, 9), EBPF_JMP_A(1),
      EBPF_STX_MEM(DW, R10, R6, -8), EBPF_LDX_MEM(DW, R8, R10, -8), PROBE(R8), RET0),
    S("prec_linked_spill_bounded_on_both_paths", RAND(R6), EBPF_HELPER_CALL(H_PRANDOM),
      EBPF_JMP_IMM(JNE, R0, 0, 4), EBPF_MOV64_REG(R7, R6), EBPF_STX_MEM(DW, R10, R7, -8),
      EBPF_JMP_IMM(JGT, R6, 63, 10), EBPF_JMP_A(2), EBPF_ALU64_IMM(AND, R6, 63),
      EBPF_STX_MEM(DW, R10, R6, -8), EBPF_LDX_MEM(DW, R8, R10, -8), PROBE(R8), RET0), );
