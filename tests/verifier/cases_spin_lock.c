// SPDX-License-Identifier: MIT
/*
 * bpf_spin_lock in map values, Linux's rules: the helpers take exactly the value's lock at a
 * constant offset; one lock at a time, released by the unlock of the same value; nothing but
 * the unlock is called while it is held (helpers, tail calls, callbacks), no exit or callback
 * return with it held; a subprogram may take it for its caller to release, or release its
 * caller's; the lock word is never loaded, stored or passed to a helper as bytes.
 * Each refused shape has a twin that is accepted.
 */
#include "vmacros.h"

#define FUNC(d, rel) EBPF_LD_IMM64_RAW(d, EBPF_PSEUDO_FUNC, rel, 0)

/* r0 = lookup(locked, &0); return 0 when NULL; r6 = r0. 8 slots: the null check jumps over
 * the next `skip` instructions after the r6 copy. */
#define LOCKED_VALUE(skip)                                                                         \
	LOOKUP(MAP_LOCKED), EBPF_JMP_IMM(JEQ, R0, 0, (skip) + 1), EBPF_MOV64_REG(R6, R0)
/* bpf_spin_lock(&reg->lock) / bpf_spin_unlock(&reg->lock): 3 insns each. */
#define TAKE(reg) EBPF_MOV64_REG(R1, reg), EBPF_ALU64_IMM(ADD, R1, 8), EBPF_HELPER_CALL(H_SPIN_LOCK)
#define GIVE(reg)                                                                                  \
	EBPF_MOV64_REG(R1, reg), EBPF_ALU64_IMM(ADD, R1, 8), EBPF_HELPER_CALL(H_SPIN_UNLOCK)
/* r6->cnt (offset 12) += 1: 3 insns. */
#define BUMP EBPF_LDX_MEM(W, R1, R6, 12), EBPF_ALU64_IMM(ADD, R1, 1), EBPF_STX_MEM(W, R6, R1, 12)
#define HELD "while a bpf_spin_lock is held (taken at insn 10)"
#define OVERLAP(how, lo, hi)                                                                       \
	how " of bytes " #lo ".." #hi                                                              \
	    " of a map 'locked' value overlaps its struct bpf_spin_lock "                          \
	    "at offset 8"

DEFINE_CASES(
    spin_lock,
    /* the lock argument */
    OK("lock_unlock", VT_PLAIN, LOCKED_VALUE(9), TAKE(R6), BUMP, GIVE(R6), RET0),
    OK("lock_global_data", VT_PLAIN, EBPF_LD_MAP_VALUE(R1, MAP_LOCKED_GLOBAL, 8),
       EBPF_HELPER_CALL(H_SPIN_LOCK), EBPF_LD_MAP_VALUE(R6, MAP_LOCKED_GLOBAL, 0), BUMP,
       EBPF_LD_MAP_VALUE(R1, MAP_LOCKED_GLOBAL, 8), EBPF_HELPER_CALL(H_SPIN_UNLOCK), RET0),
    BAD("lock_global_wrong_offset", VT_PLAIN, -EACCES,
	"offset 4 is not the struct bpf_spin_lock of map '.bss.locked', which is at offset 8",
	EBPF_LD_MAP_VALUE(R1, MAP_LOCKED_GLOBAL, 4), EBPF_HELPER_CALL(H_SPIN_LOCK), RET0),
    BAD("lock_wrong_offset", VT_PLAIN, -EACCES,
	"offset 12 is not the struct bpf_spin_lock of map 'locked', which is at offset 8",
	LOCKED_VALUE(3), EBPF_MOV64_REG(R1, R6), EBPF_ALU64_IMM(ADD, R1, 12),
	EBPF_HELPER_CALL(H_SPIN_LOCK), RET0),
    BAD("lock_value_start", VT_PLAIN, -EACCES, "offset 0 is not the struct bpf_spin_lock",
	LOCKED_VALUE(2), EBPF_MOV64_REG(R1, R6), EBPF_HELPER_CALL(H_SPIN_LOCK), RET0),
    BAD("lock_map_without_lock", VT_PLAIN, -EACCES,
	"expected a spin lock, but map 'hash' holds none", LOOKUP(MAP_HASH),
	EBPF_JMP_IMM(JEQ, R0, 0, 2), EBPF_MOV64_REG(R1, R0), EBPF_HELPER_CALL(H_SPIN_LOCK), RET0),
    BAD("lock_not_null_checked", VT_PLAIN, -EACCES, "null-check it first", LOOKUP(MAP_LOCKED),
	EBPF_MOV64_REG(R1, R0), EBPF_HELPER_CALL(H_SPIN_LOCK), RET0),
    BAD("lock_on_stack", VT_PLAIN, -EACCES,
	"expected a pointer to the struct bpf_spin_lock of a map value",
	EBPF_ST_MEM(DW, R10, -8, 0), EBPF_MOV64_REG(R1, R10), EBPF_ALU64_IMM(ADD, R1, -8),
	EBPF_HELPER_CALL(H_SPIN_LOCK), RET0),
    BAD("lock_variable_offset", VT_PLAIN, -EACCES,
	"the struct bpf_spin_lock must be at a constant offset", LOCKED_VALUE(6),
	EBPF_LDX_MEM(W, R2, R6, 0), EBPF_ALU64_IMM(AND, R2, 4), EBPF_MOV64_REG(R1, R6),
	EBPF_ALU64_REG(ADD, R1, R2), EBPF_ALU64_IMM(ADD, R1, 4), EBPF_HELPER_CALL(H_SPIN_LOCK),
	RET0),

    /* one lock at a time, the same one released */
    BAD_AT("lock_twice", VT_PLAIN, 13, "bpf_spin_lock while another is held (taken at insn 10)",
	   LOCKED_VALUE(9), TAKE(R6), TAKE(R6), GIVE(R6), RET0),
    BAD_AT("unlock_without_lock", VT_PLAIN, 10, "bpf_spin_unlock without a bpf_spin_lock held",
	   LOCKED_VALUE(3), GIVE(R6), RET0),
    BAD("unlock_other_value", VT_PLAIN, -EACCES,
	"bpf_spin_unlock of another lock than the one taken at insn 18", LOCKED_VALUE(16),
	LOOKUP(MAP_LOCKED), EBPF_JMP_IMM(JEQ, R0, 0, 7), EBPF_MOV64_REG(R7, R0), TAKE(R6), GIVE(R7),
	RET0, RET0),
    OK("unlock_through_copy", VT_PLAIN, LOCKED_VALUE(16), LOOKUP(MAP_LOCKED),
       EBPF_JMP_IMM(JEQ, R0, 0, 7), EBPF_MOV64_REG(R7, R6), TAKE(R6), GIVE(R7), RET0, RET0),
    OK("unlock_through_spill", VT_PLAIN, LOCKED_VALUE(8), EBPF_STX_MEM(DW, R10, R6, -16), TAKE(R6),
       EBPF_LDX_MEM(DW, R7, R10, -16), GIVE(R7), RET0),
    OK("lock_twice_in_turn", VT_PLAIN, LOCKED_VALUE(12), TAKE(R6), GIVE(R6), TAKE(R6), GIVE(R6),
       RET0),

    /* nothing but the unlock while held */
    BAD_AT("helper_while_locked", VT_PLAIN, 11, "helper call " HELD, LOCKED_VALUE(7), TAKE(R6),
	   EBPF_HELPER_CALL(H_KTIME), GIVE(R6), RET0),
    BAD_AT("lookup_while_locked", VT_PLAIN, 16, "helper call " HELD, LOCKED_VALUE(12), TAKE(R6),
	   LOOKUP(MAP_HASH), GIVE(R6), RET0),
    BAD("tail_call_while_locked", VT_PLAIN, -EACCES,
	"helper call while a bpf_spin_lock is held (taken at insn 11)", EBPF_MOV64_REG(R9, R1),
	LOOKUP(MAP_LOCKED), EBPF_JMP_IMM(JEQ, R0, 0, 12), EBPF_MOV64_REG(R6, R0),
	EBPF_MOV64_REG(R1, R6), EBPF_ALU64_IMM(ADD, R1, 8), EBPF_HELPER_CALL(H_SPIN_LOCK),
	EBPF_MOV64_REG(R1, R9), EBPF_LD_MAP_IDX(R2, MAP_PROGS), EBPF_MOV64_IMM(R3, 0),
	EBPF_HELPER_CALL(H_TAIL_CALL), GIVE(R6), RET0),
    OK("helper_after_unlock", VT_PLAIN, LOCKED_VALUE(7), TAKE(R6), GIVE(R6),
       EBPF_HELPER_CALL(H_KTIME), RET0),
    BAD_AT("helper_in_callee_while_locked", VT_PLAIN, 17, "helper call " HELD, LOCKED_VALUE(7),
	   TAKE(R6), EBPF_CALL_REL(5), GIVE(R6), RET0, EBPF_HELPER_CALL(H_KTIME), RET0),
    BAD_AT("callee_locks_again", VT_PLAIN, 19,
	   "bpf_spin_lock while another is held (taken at insn 10)", LOCKED_VALUE(9), TAKE(R6),
	   EBPF_MOV64_REG(R1, R6), EBPF_ALU64_IMM(ADD, R1, 8), EBPF_CALL_REL(5), GIVE(R6), RET0,
	   EBPF_HELPER_CALL(H_SPIN_LOCK), RET0),
    BAD_AT("callback_returns_locked", VT_PLAIN, 12,
	   "return from a callback with the bpf_spin_lock taken at insn 10 still held",
	   EBPF_MOV64_IMM(R1, 1), FUNC(R2, 6), EBPF_MOV64_IMM(R3, 0), EBPF_MOV64_IMM(R4, 0),
	   EBPF_HELPER_CALL(H_LOOP), RET0, EBPF_LD_MAP_VALUE(R1, MAP_LOCKED_GLOBAL, 8),
	   EBPF_HELPER_CALL(H_SPIN_LOCK), RET0),
    OK("call_while_locked", VT_PLAIN, LOCKED_VALUE(7), TAKE(R6), EBPF_CALL_REL(5), GIVE(R6), RET0,
       RET0),
    OK("call_after_unlock", VT_PLAIN, LOCKED_VALUE(7), TAKE(R6), GIVE(R6), EBPF_CALL_REL(2), RET0,
       RET0),

    /* released on every path */
    BAD_AT("exit_locked", VT_PLAIN, 12, "exit with the bpf_spin_lock taken at insn 10 still held",
	   LOCKED_VALUE(3), TAKE(R6), RET0),
    BAD("exit_locked_one_branch", VT_PLAIN, -EACCES, "bpf_spin_unlock is missing on this path",
	LOCKED_VALUE(8), EBPF_LDX_MEM(W, R7, R6, 12), TAKE(R6), EBPF_JMP_IMM(JEQ, R7, 0, 3),
	GIVE(R6), RET0),
    OK("unlock_both_branches", VT_PLAIN, LOCKED_VALUE(12), EBPF_LDX_MEM(W, R7, R6, 12), TAKE(R6),
       EBPF_JMP_IMM(JEQ, R7, 0, 4), GIVE(R6), EBPF_JMP_A(3), GIVE(R6), RET0),
    BAD_AT("subprog_returns_locked", VT_PLAIN, 10,
	   "exit with the bpf_spin_lock taken at insn 13 still held", LOOKUP(MAP_LOCKED),
	   EBPF_JMP_IMM(JEQ, R0, 0, 2), EBPF_MOV64_REG(R1, R0), EBPF_CALL_REL(2), RET0,
	   EBPF_MOV64_REG(R6, R1), EBPF_ALU64_IMM(ADD, R1, 8), EBPF_HELPER_CALL(H_SPIN_LOCK), RET0),
    BAD("subprog_locks_on_one_branch", VT_PLAIN, -EACCES,
	"bpf_spin_unlock without a bpf_spin_lock held", LOCKED_VALUE(7), EBPF_MOV64_REG(R1, R6),
	EBPF_ALU64_IMM(ADD, R1, 8), EBPF_LDX_MEM(W, R2, R6, 12), EBPF_CALL_REL(5), GIVE(R6), RET0,
	EBPF_JMP_IMM(JEQ, R2, 0, 1), EBPF_HELPER_CALL(H_SPIN_LOCK), RET0),
    OK("subprog_locks_caller_unlocks", VT_PLAIN, LOCKED_VALUE(6), EBPF_MOV64_REG(R1, R6),
       EBPF_ALU64_IMM(ADD, R1, 8), EBPF_CALL_REL(5), GIVE(R6), RET0, EBPF_HELPER_CALL(H_SPIN_LOCK),
       RET0),
    OK("subprog_unlocks_callers_lock", VT_PLAIN, LOCKED_VALUE(6), TAKE(R6), EBPF_MOV64_REG(R1, R6),
       EBPF_ALU64_IMM(ADD, R1, 8), EBPF_CALL_REL(2), RET0, EBPF_HELPER_CALL(H_SPIN_UNLOCK), RET0),
    OK("subprog_locks_and_unlocks", VT_PLAIN, LOOKUP(MAP_LOCKED), EBPF_JMP_IMM(JEQ, R0, 0, 2),
       EBPF_MOV64_REG(R1, R0), EBPF_CALL_REL(2), RET0, EBPF_MOV64_REG(R6, R1),
       EBPF_ALU64_IMM(ADD, R1, 8), EBPF_HELPER_CALL(H_SPIN_LOCK), GIVE(R6), RET0),

    /* the lock word is not data */
    BAD("load_lock_word", VT_PLAIN, -EACCES, OVERLAP("a direct load", 8, 11), LOCKED_VALUE(2),
	EBPF_LDX_MEM(W, R0, R6, 8), EBPF_EXIT(), RET0),
    BAD("store_lock_byte", VT_PLAIN, -EACCES, OVERLAP("a direct store", 11, 11), LOCKED_VALUE(1),
	EBPF_ST_MEM(B, R6, 11, 0), RET0),
    BAD("load_dw_over_lock", VT_PLAIN, -EACCES, OVERLAP("a direct load", 8, 15), LOCKED_VALUE(2),
	EBPF_LDX_MEM(DW, R0, R6, 8), EBPF_EXIT(), RET0),
    BAD("load_straddling_lock", VT_PLAIN, -EACCES, OVERLAP("a direct load", 4, 11), LOCKED_VALUE(2),
	EBPF_LDX_MEM(DW, R0, R6, 4), EBPF_EXIT(), RET0),
    BAD("atomic_on_lock", VT_PLAIN, -EACCES, OVERLAP("a direct load", 8, 11), LOCKED_VALUE(2),
	EBPF_MOV64_IMM(R1, 1), EBPF_ATOMIC_OP(W, EBPF_ALU_ADD, R6, R1, 8), RET0),
    BAD("store_variable_offset_over_lock", VT_PLAIN, -EACCES, OVERLAP("a direct store", 0, 11),
	LOCKED_VALUE(4), EBPF_LDX_MEM(W, R2, R6, 0), EBPF_ALU64_IMM(AND, R2, 8),
	EBPF_ALU64_REG(ADD, R6, R2), EBPF_ST_MEM(W, R6, 0, 1), RET0),
    BAD("global_store_over_lock", VT_PLAIN, -EACCES,
	"a direct store of bytes 8..15 of a map '.bss.locked' value overlaps its struct "
	"bpf_spin_lock at offset 8",
	EBPF_LD_MAP_VALUE(R6, MAP_LOCKED_GLOBAL, 0), EBPF_ST_MEM(DW, R6, 8, 0), RET0),
    OK("fields_beside_lock", VT_PLAIN, LOCKED_VALUE(7), EBPF_LDX_MEM(DW, R1, R6, 0),
       EBPF_LDX_MEM(W, R2, R6, 4), EBPF_LDX_MEM(W, R3, R6, 12), EBPF_ST_MEM(W, R6, 12, 1),
       EBPF_ST_MEM(DW, R6, 0, 2), EBPF_MOV64_IMM(R1, 1),
       EBPF_ATOMIC_OP(W, EBPF_ALU_ADD, R6, R1, 12), RET0),
    OK("variable_offset_beside_lock", VT_PLAIN, LOCKED_VALUE(4), EBPF_LDX_MEM(W, R2, R6, 0),
       EBPF_ALU64_IMM(AND, R2, 4), EBPF_ALU64_REG(ADD, R6, R2), EBPF_ST_MEM(W, R6, 0, 1), RET0),
    BAD("helper_writes_lock", VT_PLAIN, -EACCES,
	"helper probe_read arg1: an access of bytes 8..11 of a map 'locked' value overlaps",
	LOCKED_VALUE(5), EBPF_MOV64_REG(R1, R6), EBPF_ALU64_IMM(ADD, R1, 8), EBPF_MOV64_IMM(R2, 4),
	EBPF_MOV64_IMM(R3, 0), EBPF_HELPER_CALL(H_PROBE_READ), RET0),
    OK("helper_writes_beside_lock", VT_PLAIN, LOCKED_VALUE(5), EBPF_MOV64_REG(R1, R6),
       EBPF_ALU64_IMM(ADD, R1, 12), EBPF_MOV64_IMM(R2, 4), EBPF_MOV64_IMM(R3, 0),
       EBPF_HELPER_CALL(H_PROBE_READ), RET0),
    BAD("helper_reads_value_with_lock", VT_PLAIN, -EACCES,
	"an access of bytes 0..15 of a map 'locked' value overlaps its struct bpf_spin_lock",
	LOCKED_VALUE(7), EBPF_LD_MAP_IDX(R1, MAP_HASH), EBPF_MOV64_REG(R2, R10),
	EBPF_ALU64_IMM(ADD, R2, -4), EBPF_MOV64_REG(R3, R6), EBPF_MOV64_IMM(R4, 0),
	EBPF_HELPER_CALL(H_UPDATE), RET0), );
