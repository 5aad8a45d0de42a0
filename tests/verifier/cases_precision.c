// SPDX-License-Identifier: MIT
/*
 * Precision tracking in pruning (src/verifier/precision.c): a scalar kept in an explored
 * checkpoint is compared as "any scalar" unless some path from it needed its value. Each unsafe
 * program below has two paths that meet at a checkpoint with different values in one scalar:
 * the fall-through (walked first) holds a safe value and is explored when the taken side, with
 * an unsafe one, reaches the join. A precision rule that misses how the value is needed after
 * the join prunes the taken side and accepts the program. Each has a safe twin (both values
 * safe) that is accepted.
 */
#include "vmacros.h"

/* 8 instructions: the join comes 8 instructions after the first checkpoint (the fall-through
 * of the branch), so that it gets one of its own. */
#define PAD8                                                                                       \
	EBPF_MOV64_IMM(R9, 0), EBPF_MOV64_IMM(R9, 0), EBPF_MOV64_IMM(R9, 0),                       \
	    EBPF_MOV64_IMM(R9, 0), EBPF_MOV64_IMM(R9, 0), EBPF_MOV64_IMM(R9, 0),                   \
	    EBPF_MOV64_IMM(R9, 0), EBPF_MOV64_IMM(R9, 0)
/* The fall-through runs a, the taken side b (one instruction each); they meet after b. 14 insns. */
#define MEET1(a, b) RAND(R6), EBPF_JMP_IMM(JGT, R6, 5, 10), a, PAD8, EBPF_JMP_A(1), b
/* The same with two instructions each. 16 insns. */
#define MEET2(a1, a2, b1, b2)                                                                      \
	RAND(R6), EBPF_JMP_IMM(JGT, R6, 5, 11), a1, a2, PAD8, EBPF_JMP_A(2), b1, b2

/* r7 = safe on the first path, bad on the second: both the unsafe case and its twin. */
#define PAIR(name, reason, safe, bad, twin, ...)                                                   \
	BAD(name, VT_PLAIN, -EACCES, reason,                                                       \
	    MEET1(EBPF_MOV64_IMM(R7, safe), EBPF_MOV64_IMM(R7, bad)), __VA_ARGS__),                \
	    OK(name "_safe_twin", VT_PLAIN,                                                        \
	       MEET1(EBPF_MOV64_IMM(R7, safe), EBPF_MOV64_IMM(R7, twin)), __VA_ARGS__)
/* The same with the value spilled to fp-8 (8 bytes or `sz`) before the join. */
#define SPILLED(name, reason, sz, safe, bad, twin, ...)                                            \
	BAD(name, VT_PLAIN, -EACCES, reason,                                                       \
	    MEET2(EBPF_MOV64_IMM(R7, safe), EBPF_STX_MEM(sz, R10, R7, -8),                         \
		  EBPF_MOV64_IMM(R7, bad), EBPF_STX_MEM(sz, R10, R7, -8)),                         \
	    __VA_ARGS__),                                                                          \
	    OK(name "_safe_twin", VT_PLAIN,                                                        \
	       MEET2(EBPF_MOV64_IMM(R7, safe), EBPF_STX_MEM(sz, R10, R7, -8),                      \
		     EBPF_MOV64_IMM(R7, twin), EBPF_STX_MEM(sz, R10, R7, -8)),                     \
	       __VA_ARGS__)

/* A chain of diamonds each adding 1 or 2 to r7, which is only stored in the context: without
 * precision every join keeps one state per sum seen (quadratic), with it one. 5 insns each. */
#define DIAMOND                                                                                    \
	EBPF_HELPER_CALL(H_PRANDOM), EBPF_JMP_IMM(JGT, R0, 5, 2), EBPF_ALU64_IMM(ADD, R7, 1),      \
	    EBPF_JMP_A(1), EBPF_ALU64_IMM(ADD, R7, 2)
#define DIAMONDS4 DIAMOND, DIAMOND, DIAMOND, DIAMOND
#define DIAMONDS_PROG(last)                                                                        \
	EBPF_MOV64_REG(R6, R1), EBPF_MOV64_IMM(R7, 0), DIAMONDS4, DIAMONDS4, DIAMOND, DIAMOND,     \
	    DIAMOND, last, EBPF_STX_MEM(DW, R6, R7, 16), RET0

DEFINE_CASES(
    precision,
    /* The value becomes a pointer offset. */
    PAIR("join_offset", PROBE_OOB, 0, 100, 40, PROBE(R7)),
    /* ... scaled first (an array index): the need goes through r7 <<= 2. */
    PAIR("join_index_scaled", PROBE_OOB, 1, 20, 10, EBPF_ALU64_IMM(LSH, R7, 2), PROBE(R7)),
    /* ... added to another scalar first: the need goes to both operands. */
    PAIR("join_offset_summed", PROBE_OOB, 0, 60, 20, EBPF_MOV64_IMM(R3, 8),
	 EBPF_ALU64_REG(ADD, R3, R7), PROBE(R3)),
    /* ... through 32-bit sub-register moves and arithmetic. */
    PAIR("join_alu32_move", PROBE_OOB, 0, 100, 40, EBPF_MOV32_REG(R3, R7), PROBE(R3)),
    PAIR("join_alu32_add", PROBE_OOB, 0, 100, 40, EBPF_MOV32_IMM(R3, 3),
	 EBPF_ALU32_REG(ADD, R3, R7), PROBE(R3)),
    /* ... through a byte swap (Linux once read BPF_TO_BE's source bit as a register operand). */
    PAIR("join_endian", PROBE_OOB, 0, 0x6400, 0x1400, EBPF_ENDIAN(EBPF_TO_BE, R7, 16), PROBE(R7)),
    /* ... as a helper's size: 16 bytes of stack are there, 200 are not. */
    PAIR("join_helper_size", "out of the stack", 8, 200, 16, EBPF_MOV64_REG(R1, R10),
	 EBPF_ALU64_IMM(ADD, R1, -16), EBPF_MOV64_REG(R2, R7), EBPF_MOV64_IMM(R3, 0),
	 EBPF_HELPER_CALL(H_PROBE_READ), RET0),
    /* A jump the first path decided by the value: only the second reads uninitialised stack. */
    PAIR("join_decided_branch", "read of uninitialised stack", 0, 1, 0, EBPF_JMP_IMM(JEQ, R7, 0, 2),
	 EBPF_LDX_MEM(DW, R0, R10, -64), EBPF_EXIT(), RET0),
    /* A comparison with another register decided by the value. */
    PAIR("join_decided_branch_reg", "read of uninitialised stack", 5, 50, 6, EBPF_MOV64_IMM(R3, 10),
	 EBPF_JMP_REG(JGT, R3, R7, 2), EBPF_LDX_MEM(DW, R0, R10, -64), EBPF_EXIT(), RET0),
    /* The value bounds another register through an undecided comparison. */
    PAIR("join_bound_by_comparison", PROBE_OOB, 10, 1000, 60, RAND(R3),
	 EBPF_JMP_REG(JGT, R3, R7, 6), PROBE(R3), RET0),
    /* ... and through a register linked to the compared one (a copy made after the join):
     * the need of r3 reaches r7 only through the link (Linux's linked registers). */
    PAIR("join_bound_through_link", PROBE_OOB, 10, 1000, 60, RAND(R3), EBPF_MOV64_REG(R4, R3),
	 EBPF_JMP_REG(JGT, R4, R7, 6), PROBE(R3), RET0),
    /* Carried through a spill and a fill. */
    SPILLED("spill_fill", PROBE_OOB, DW, 0, 100, 40, EBPF_MOV64_IMM(R7, 0),
	    EBPF_LDX_MEM(DW, R3, R10, -8), PROBE(R3)),
    SPILLED("narrow_spill_fill", PROBE_OOB, W, 0, 100, 40, EBPF_MOV64_IMM(R7, 0),
	    EBPF_LDX_MEM(W, R3, R10, -8), PROBE(R3)),
    /* ... filled by a load-acquire (a load spelt as an atomic). */
    SPILLED("spill_load_acquire", PROBE_OOB, DW, 0, 100, 40, EBPF_MOV64_IMM(R7, 0),
	    EBPF_ATOMIC_OP(DW, EBPF_ATOMIC_LOAD_ACQ, R3, R10, -8), PROBE(R3)),
    /* ... spilled after the join by a store-release, then filled. */
    PAIR("store_release_fill", PROBE_OOB, 0, 100, 40,
	 EBPF_ATOMIC_OP(DW, EBPF_ATOMIC_STORE_REL, R10, R7, -16), EBPF_MOV64_IMM(R7, 0),
	 EBPF_LDX_MEM(DW, R3, R10, -16), PROBE(R3)),
    /* ... read back by an atomic fetch instead of a fill. */
    SPILLED("spill_atomic_fetch", PROBE_OOB, DW, 0, 100, 40, EBPF_MOV64_IMM(R3, 0),
	    EBPF_ATOMIC_OP(DW, EBPF_ATOMIC_ADD | EBPF_ATOMIC_FETCH, R10, R3, -8), PROBE(R3)),
    /* ... read as bytes after a narrow store into the spill's other half. */
    SPILLED("spill_partly_overwritten", PROBE_OOB, DW, 0, 100, 40, EBPF_ST_MEM(W, R10, -4, 0),
	    EBPF_LDX_MEM(B, R3, R10, -8), PROBE(R3)),
    /* ... through a stack pointer other than r10. */
    SPILLED("spill_fill_other_pointer", PROBE_OOB, DW, 0, 100, 40, EBPF_MOV64_REG(R4, R10),
	    EBPF_ALU64_IMM(ADD, R4, -8), EBPF_LDX_MEM(DW, R3, R4, 0), PROBE(R3)),
    /* ... copied to another slot first. */
    SPILLED("spill_moved_to_other_slot", PROBE_OOB, DW, 0, 100, 40, EBPF_LDX_MEM(DW, R4, R10, -8),
	    EBPF_STX_MEM(DW, R10, R4, -16), EBPF_LDX_MEM(DW, R3, R10, -16), PROBE(R3)),
    /* Through a callee's argument, used as an offset in the callee. */
    BAD("callee_argument", VT_PLAIN, -EACCES, PROBE_OOB,
	MEET1(EBPF_MOV64_IMM(R1, 0), EBPF_MOV64_IMM(R1, 100)), EBPF_CALL_REL(1), EBPF_EXIT(),
	EBPF_MOV64_REG(R7, R1), PROBE(R7)),
    OK("callee_argument_safe_twin", VT_PLAIN, MEET1(EBPF_MOV64_IMM(R1, 0), EBPF_MOV64_IMM(R1, 40)),
       EBPF_CALL_REL(1), EBPF_EXIT(), EBPF_MOV64_REG(R7, R1), PROBE(R7)),
    /* Through a callee's return value, used as an offset by the caller. */
    BAD("callee_return", VT_PLAIN, -EACCES, PROBE_OOB,
	MEET1(EBPF_MOV64_IMM(R1, 0), EBPF_MOV64_IMM(R1, 100)), EBPF_CALL_REL(6), PROBE(R0),
	EBPF_MOV64_REG(R0, R1), EBPF_EXIT()),
    OK("callee_return_safe_twin", VT_PLAIN, MEET1(EBPF_MOV64_IMM(R1, 0), EBPF_MOV64_IMM(R1, 40)),
       EBPF_CALL_REL(6), PROBE(R0), EBPF_MOV64_REG(R0, R1), EBPF_EXIT()),
    /* Through a callee that reads it from its caller's stack through a pointer. */
    BAD("callee_reads_caller_stack", VT_PLAIN, -EACCES, PROBE_OOB,
	MEET2(EBPF_MOV64_IMM(R7, 0), EBPF_STX_MEM(DW, R10, R7, -8), EBPF_MOV64_IMM(R7, 100),
	      EBPF_STX_MEM(DW, R10, R7, -8)),
	EBPF_MOV64_REG(R1, R10), EBPF_ALU64_IMM(ADD, R1, -8), EBPF_CALL_REL(1), EBPF_EXIT(),
	EBPF_LDX_MEM(DW, R3, R1, 0), PROBE(R3)),
    /* Linked at the join on the first path only: a bound on r8 bounds r7 there, not on the
     * second (the ids of imprecise scalars are compared). */
    BAD("join_linked_first_path_only", VT_PLAIN, -EACCES, "", RAND(R6),
	EBPF_JMP_IMM(JGT, R6, 5, 12), RAND(R7), EBPF_MOV64_REG(R8, R7), PAD8, EBPF_JMP_A(4),
	RAND(R7), RAND(R8), EBPF_JMP_IMM(JGT, R8, 10, 6), PROBE(R7), RET0),
    OK("join_linked_both_paths", VT_PLAIN, RAND(R6), EBPF_JMP_IMM(JGT, R6, 5, 12), RAND(R7),
       EBPF_MOV64_REG(R8, R7), PAD8, EBPF_JMP_A(3), RAND(R7), EBPF_MOV64_REG(R8, R7),
       EBPF_JMP_IMM(JGT, R8, 10, 6), PROBE(R7), RET0),
    /* A spill linked to a register (a copy with its id) bounded through it after the join:
     * the need of the fill reaches r7 only through the link of the slot. */
    PAIR("join_bound_through_linked_spill", PROBE_OOB, 10, 1000, 60, RAND(R3),
	 EBPF_STX_MEM(DW, R10, R3, -16), EBPF_JMP_REG(JGT, R3, R7, 7),
	 EBPF_LDX_MEM(DW, R4, R10, -16), PROBE(R4), RET0),
    /* ... and through a callee's copy of a caller's register, bounded in the callee. */
    PAIR("join_bound_in_callee_through_link", PROBE_OOB, 10, 1000, 60, RAND(R6),
	 EBPF_MOV64_REG(R1, R6), EBPF_MOV64_REG(R2, R7), EBPF_CALL_REL(9),
	 EBPF_JMP_IMM(JNE, R0, 0, 6), PROBE(R6), RET0, EBPF_JMP_REG(JGT, R1, R2, 2),
	 EBPF_MOV64_IMM(R0, 0), EBPF_EXIT(), EBPF_MOV64_IMM(R0, 1), EBPF_EXIT()),
    /* Read by a bpf_loop callback from its caller's stack through its context. */
    BAD("callback_reads_caller_stack", VT_PLAIN, -EACCES, PROBE_OOB,
	MEET2(EBPF_MOV64_IMM(R7, 0), EBPF_STX_MEM(DW, R10, R7, -8), EBPF_MOV64_IMM(R7, 100),
	      EBPF_STX_MEM(DW, R10, R7, -8)),
	EBPF_MOV64_IMM(R1, 1), EBPF_LD_IMM64_RAW(R2, EBPF_PSEUDO_FUNC, 7, 0),
	EBPF_MOV64_REG(R3, R10), EBPF_ALU64_IMM(ADD, R3, -8), EBPF_MOV64_IMM(R4, 0),
	EBPF_HELPER_CALL(H_LOOP), RET0, EBPF_LDX_MEM(DW, R3, R2, 0), PROBE(R3)),
    OK("callback_reads_caller_stack_safe_twin", VT_PLAIN,
       MEET2(EBPF_MOV64_IMM(R7, 0), EBPF_STX_MEM(DW, R10, R7, -8), EBPF_MOV64_IMM(R7, 40),
	     EBPF_STX_MEM(DW, R10, R7, -8)),
       EBPF_MOV64_IMM(R1, 1), EBPF_LD_IMM64_RAW(R2, EBPF_PSEUDO_FUNC, 7, 0),
       EBPF_MOV64_REG(R3, R10), EBPF_ALU64_IMM(ADD, R3, -8), EBPF_MOV64_IMM(R4, 0),
       EBPF_HELPER_CALL(H_LOOP), RET0, EBPF_LDX_MEM(DW, R3, R2, 0), PROBE(R3)),
    /* Kept by the caller in r6 across a call that does not touch it. */
    PAIR("join_kept_across_call", PROBE_OOB, 0, 100, 40, EBPF_MOV64_REG(R6, R7), EBPF_CALL_REL(6),
	 PROBE(R6), RET0),
    /* A decided 32-bit jump. */
    PAIR("join_decided_jmp32", "read of uninitialised stack", 0, 1, 0,
	 EBPF_JMP32_IMM(JEQ, R7, 0, 2), EBPF_LDX_MEM(DW, R0, R10, -64), EBPF_EXIT(), RET0),
    /* The join inside a callee whose return value the caller uses as an offset. */
    BAD("join_in_callee_returned", VT_PLAIN, -EACCES, PROBE_OOB, EBPF_CALL_REL(6), PROBE(R0),
	MEET1(EBPF_MOV64_IMM(R0, 0), EBPF_MOV64_IMM(R0, 100)), EBPF_EXIT()),
    OK("join_in_callee_returned_safe_twin", VT_PLAIN, EBPF_CALL_REL(6), PROBE(R0),
       MEET1(EBPF_MOV64_IMM(R0, 0), EBPF_MOV64_IMM(R0, 40)), EBPF_EXIT()),
    /* Imprecise values are pruned: eleven diamonds of 2 or 1 added to r7, never needed
     * precise, stay within a limit the exact comparison exceeds (the processed count is
     * stable: this walk has no other choice). */
    { .name = "imprecise_sums_pruned",
      .type = VT_PLAIN,
      .expect = 0,
      .limit = 200,
      .insns = { DIAMONDS_PROG(EBPF_MOV64_IMM(R9, 0)) } },
    /* The same sum used as an offset at the end is needed precise: refused by the limit. */
    { .name = "precise_sums_not_pruned",
      .type = VT_PLAIN,
      .expect = -E2BIG,
      .limit = 200,
      .insns = { DIAMONDS_PROG(EBPF_JMP_IMM(JGT, R7, 100, 0)) } }, );
