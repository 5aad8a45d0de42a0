// SPDX-License-Identifier: MIT
/*
 * may_goto (Linux's BPF_JCOND): a loop through its fall-through is bounded by the budget of
 * the function's call, whatever its counter does; a loop through its jump (a spent budget stays
 * spent), through a callee's may_goto only, or round a path without one is not. may_goto is no
 * bounds check: every access in the body is checked as in any loop.
 */
#include "vmacros.h"

#define MAY_GOTO(o)  EBPF_RAW_INSN(EBPF_OP_MAY_GOTO, 0, 0, o, 0)
/* dst = the function starting at (this lddw's index) + 1 + rel. 2 slots. */
#define FUNC(d, rel) EBPF_LD_IMM64_RAW(d, EBPF_PSEUDO_FUNC, rel, 0)
/* r7 = the context's first word, unknown to the verifier: a loop may leave on it. */
#define CTX_WORD     EBPF_LDX_MEM(W, R7, R1, 0)
/* Reads .data 100000 bytes past its start: refused wherever the verifier lets a path reach
 * it. 5 slots. */
#define OOB_READ                                                                                   \
	EBPF_LD_MAP_VALUE(R1, MAP_DATA, 0), EBPF_ALU64_IMM(ADD, R1, 100000),                       \
	    EBPF_LDX_MEM(B, R0, R1, 0), EBPF_EXIT()
/* A subprogram adding 1 to the u64 r1 points to on every fall-through of its budget. 7 slots. */
#define SUB_COUNT_AT_R1                                                                            \
	MAY_GOTO(4), EBPF_LDX_MEM(DW, R3, R1, 0), EBPF_ALU64_IMM(ADD, R3, 1),                      \
	    EBPF_STX_MEM(DW, R1, R3, 0), EBPF_JMP_A(-5), RET0

DEFINE_CASES(
    may_goto,
    /* Linux's ja_and_may_goto: the loop is nothing but the budget. */
    OK("ja_and_may_goto", VT_PLAIN, MAY_GOTO(1), EBPF_JMP_A(-2), RET0),
    /* A counter with no bound at all: the budget ends the loop. */
    OK("unbounded_counter", VT_PLAIN, EBPF_MOV64_IMM(R6, 0), MAY_GOTO(2),
       EBPF_ALU64_IMM(ADD, R6, 1), EBPF_JMP_A(-3), EBPF_MOV64_REG(R0, R6), EBPF_EXIT()),
    /* Moved by an unknown amount each time: no measure, yet bounded. */
    OK("unknown_step", VT_PLAIN, EBPF_MOV64_IMM(R6, 0), MAY_GOTO(3), EBPF_HELPER_CALL(H_PRANDOM),
       EBPF_ALU64_REG(ADD, R6, R0), EBPF_JMP_A(-4), RET0),
    /* can_loop with the bounds check the body needs: a scan of .data. */
    OK("scan_with_bounds_check", VT_PLAIN, EBPF_MOV64_IMM(R7, 0), MAY_GOTO(7),
       EBPF_JMP_IMM(JGE, R7, 64, 6), EBPF_LD_MAP_VALUE(R1, MAP_DATA, 0),
       EBPF_ALU64_REG(ADD, R1, R7), EBPF_ST_MEM(B, R1, 0, 1), EBPF_ALU64_IMM(ADD, R7, 1),
       EBPF_JMP_A(-8), RET0),
    /* Linux's may_goto_neg_off: a backward may_goto. */
    OK("backward_may_goto", VT_PLAIN, EBPF_MOV64_IMM(R0, 0), EBPF_JMP_A(1), EBPF_JMP_A(2),
       MAY_GOTO(-2), EBPF_JMP_IMM(JGT, R0, 10, -2), RET0),
    /* Linux's ja_and_may_goto_subprog: the loop in a subprogram, with that call's budget. */
    OK("in_subprogram", VT_PLAIN, EBPF_CALL_REL(1), EBPF_EXIT(), MAY_GOTO(1), EBPF_JMP_A(-2), RET0),
    /*
     * Linux's verifier_may_goto_1 (6.14+): may_goto +0 leads to the next instruction both
     * ways, alone, in a batch, and in batches whose offsets land on the same instruction.
     */
    OK("offset_zero", VT_PLAIN, MAY_GOTO(0), EBPF_MOV64_IMM(R0, 1), MAY_GOTO(0), EBPF_EXIT()),
    OK("offset_zero_batch", VT_PLAIN, MAY_GOTO(0), MAY_GOTO(0), EBPF_MOV64_IMM(R0, 1), MAY_GOTO(0),
       MAY_GOTO(0), EBPF_EXIT()),
    OK("offset_batch_2_1_0", VT_PLAIN, MAY_GOTO(2), MAY_GOTO(1), MAY_GOTO(0), EBPF_MOV64_IMM(R0, 1),
       MAY_GOTO(2), MAY_GOTO(1), MAY_GOTO(0), EBPF_EXIT()),
    OK("offset_batch_2_0", VT_PLAIN, MAY_GOTO(2), MAY_GOTO(0), EBPF_MOV64_IMM(R0, 1),
       EBPF_MOV64_IMM(R0, 2), EBPF_EXIT()),
    /* may_goto +0 in a loop: a spent budget falls into the loop again, for ever. */
    BAD("offset_zero_loop", VT_PLAIN, -EACCES, "infinite loop detected", CTX_WORD, MAY_GOTO(0),
	EBPF_JMP_IMM(JEQ, R7, 1, 1), EBPF_JMP_A(-3), RET0),
    BAD("offset_zero_loop_counter", VT_PLAIN, -EACCES, "cannot prove it terminates", CTX_WORD,
	EBPF_MOV64_IMM(R6, 0), MAY_GOTO(0), EBPF_ALU64_IMM(ADD, R6, 1), EBPF_JMP_IMM(JEQ, R7, 1, 1),
	EBPF_JMP_A(-4), RET0),
    /* may_goto +0 is no bounds check either: an index after it is checked as any. */
    BAD("offset_zero_not_a_bounds_check", VT_PLAIN, -EACCES, "variable offset may be negative",
	RAND(R6), MAY_GOTO(0), PROBE(R6)),
    /* Unsafe twins. may_goto is no bounds check: the index passes the end of .data. */
    BAD("not_a_bounds_check", VT_PLAIN, -EACCES, PROBE_OOB, EBPF_MOV64_IMM(R7, 0), MAY_GOTO(6),
	EBPF_LD_MAP_VALUE(R1, MAP_DATA, 0), EBPF_ALU64_REG(ADD, R1, R7), EBPF_ST_MEM(B, R1, 0, 1),
	EBPF_ALU64_IMM(ADD, R7, 1), EBPF_JMP_A(-7), RET0),
    /* Linux's may_goto_self: a spent budget jumps forever. */
    BAD("jump_to_itself", VT_PLAIN, -EACCES, "infinite loop detected", EBPF_MOV64_IMM(R0, 0),
	MAY_GOTO(-1), EBPF_JMP_IMM(JGT, R0, 10, -2), RET0),
    /* A loop through the jump only: nothing is spent round it. */
    BAD("loop_through_jump", VT_PLAIN, -EACCES, "infinite loop detected", EBPF_MOV64_IMM(R0, 0),
	MAY_GOTO(-2), RET0),
    /* One path round the loop has no may_goto: it runs forever. */
    BAD("path_without_may_goto", VT_PLAIN, -EACCES, "infinite loop detected", RAND(R6),
	EBPF_JMP_IMM(JSET, R6, 1, 1), MAY_GOTO(1), EBPF_JMP_A(-3), RET0),
    /* The caller loops forever; each call of the callee has a budget of its own. */
    BAD("callee_budget_does_not_bound_caller", VT_PLAIN, -EACCES, "infinite loop detected",
	EBPF_CALL_REL(1), EBPF_JMP_A(-2), MAY_GOTO(1), EBPF_MOV64_IMM(R0, 1), EBPF_EXIT()),
    /* A counter the budget bounds is still unbounded for the accesses after the loop. */
    BAD("counter_unbounded_after_loop", VT_PLAIN, -EACCES, "variable offset is unbounded",
	EBPF_MOV64_IMM(R6, 0), MAY_GOTO(2), EBPF_ALU64_IMM(ADD, R6, 1), EBPF_JMP_A(-3), PROBE(R6)),
    /*
     * Hostile review (issue 20). A fall-through taken once does not pay for the iterations
     * after it: each path round the loop without one needs its own measure.
     */
    BAD("fall_through_once_then_loop_without", VT_PLAIN, -EACCES, "infinite loop detected",
	EBPF_MOV64_IMM(R6, 0), EBPF_JMP_IMM(JNE, R6, 0, 2), MAY_GOTO(2), EBPF_MOV64_IMM(R6, 1),
	EBPF_JMP_A(-4), RET0),
    BAD("fall_through_once_then_counter", VT_PLAIN, -EACCES, "infinite loop detected",
	EBPF_MOV64_IMM(R6, 0), RAND(R7), EBPF_JMP_IMM(JNE, R6, 0, 2), MAY_GOTO(3),
	EBPF_MOV64_IMM(R6, 1), EBPF_ALU64_IMM(ADD, R7, 1), EBPF_JMP_A(-5), RET0),
    /* Once the budget is spent the jump is taken for good: a loop round it runs forever. */
    BAD("spent_then_loop_round_jump", VT_PLAIN, -EACCES, "cannot prove it terminates", CTX_WORD,
	EBPF_MOV64_IMM(R6, 0), MAY_GOTO(1), EBPF_JMP_A(-2), EBPF_ALU64_IMM(ADD, R6, 1),
	EBPF_JMP_IMM(JEQ, R7, 1, 1), EBPF_JMP_A(-5), RET0),
    BAD("spent_then_loop_round_jump_same_state", VT_PLAIN, -EACCES, "infinite loop detected",
	CTX_WORD, MAY_GOTO(1), EBPF_JMP_A(-2), EBPF_JMP_IMM(JEQ, R7, 1, 1), EBPF_JMP_A(-4), RET0),
    BAD("spent_then_loop_round_jump_unknown_step", VT_PLAIN, -EACCES, "infinite loop detected",
	CTX_WORD, EBPF_MOV64_IMM(R6, 0), MAY_GOTO(1), EBPF_JMP_A(-2), RAND(R0),
	EBPF_ALU64_REG(ADD, R6, R0), EBPF_JMP_IMM(JEQ, R7, 1, 1), EBPF_JMP_A(-7), RET0),
    BAD("both_sides_back_to_head", VT_PLAIN, -EACCES, "cannot prove it terminates", CTX_WORD,
	EBPF_MOV64_IMM(R6, 0), EBPF_ALU64_IMM(ADD, R6, 1), MAY_GOTO(1), EBPF_JMP_A(-3),
	EBPF_JMP_IMM(JEQ, R7, 1, 1), EBPF_JMP_A(-5), RET0),
    BAD("jump_side_is_the_loop", VT_PLAIN, -EACCES, "cannot prove it terminates",
	EBPF_MOV64_IMM(R6, 0), EBPF_ALU64_IMM(ADD, R6, 1), MAY_GOTO(-2), RET0),
    /* Safe twin: the spent budget's side leaves on a bounded counter of its own. */
    OK("spent_budget_leaves", VT_PLAIN, CTX_WORD, EBPF_MOV64_IMM(R6, 0), MAY_GOTO(1),
       EBPF_JMP_A(-2), EBPF_ALU64_IMM(ADD, R6, 1), EBPF_JMP_IMM(JGE, R6, 10, 1), EBPF_JMP_A(-3),
       RET0),
    /*
     * What the budget bounds is the trip count, not the values: a counter widened in the loop
     * still reaches the sign bit and wraps its low half, in the body and after the loop.
     */
    BAD("wrapped_32bit_counter_in_body", VT_PLAIN, -EACCES, PROBE_OOB, EBPF_MOV64_IMM(R6, 0),
	MAY_GOTO(3), EBPF_ALU32_IMM(ADD, R6, 0x400), EBPF_JMP32_IMM(JGT, R6, 0x7fffffff, 3),
	EBPF_JMP_A(-4), RET0, OOB_READ),
    BAD("grown_64bit_counter_in_body", VT_PLAIN, -EACCES, PROBE_OOB, EBPF_MOV64_IMM(R6, 0),
	MAY_GOTO(3), EBPF_ALU64_IMM(ADD, R6, 0x400), EBPF_JMP_IMM(JGT, R6, 0x7fffffff, 3),
	EBPF_JMP_A(-4), RET0, OOB_READ),
    BAD("counter_past_sign_bit", VT_PLAIN, -EACCES, PROBE_OOB, EBPF_MOV64_IMM(R6, 0),
	EBPF_MOV64_IMM(R7, 1), EBPF_ALU64_IMM(LSH, R7, 41), MAY_GOTO(3),
	EBPF_ALU64_REG(ADD, R6, R7), EBPF_JMP_IMM(JSLT, R6, 0, 3), EBPF_JMP_A(-4), RET0, OOB_READ),
    BAD("wrapped_32bit_counter_after_exit", VT_PLAIN, -EACCES, PROBE_OOB, EBPF_MOV64_IMM(R6, 0),
	MAY_GOTO(4), EBPF_ALU32_IMM(ADD, R6, 0x400), RAND(R0), EBPF_JMP_IMM(JNE, R0, 0, -5),
	EBPF_JMP32_IMM(JGT, R6, 0x7fffffff, 2), RET0, OOB_READ),
    /* The counter in a stack slot: its own frame's, the caller's through a pointer (a store,
     * an atomic add, a bpf_loop callback's context). */
    BAD("counter_in_stack_slot", VT_PLAIN, -EACCES, "variable offset is unbounded",
	EBPF_ST_MEM(DW, R10, -8, 0), MAY_GOTO(4), EBPF_LDX_MEM(DW, R3, R10, -8),
	EBPF_ALU64_IMM(ADD, R3, 1), EBPF_STX_MEM(DW, R10, R3, -8), EBPF_JMP_A(-5),
	EBPF_LDX_MEM(DW, R6, R10, -8), PROBE(R6)),
    OK("counter_in_stack_slot_checked", VT_PLAIN, EBPF_ST_MEM(DW, R10, -8, 0), MAY_GOTO(5),
       EBPF_LDX_MEM(DW, R3, R10, -8), EBPF_JMP_IMM(JGE, R3, 63, 3), EBPF_ALU64_IMM(ADD, R3, 1),
       EBPF_STX_MEM(DW, R10, R3, -8), EBPF_JMP_A(-6), EBPF_LDX_MEM(DW, R6, R10, -8),
       EBPF_JMP_IMM(JGT, R6, 63, 4), PROBE(R6)),
    BAD("callee_loop_counts_in_caller_slot", VT_PLAIN, -EACCES, "variable offset is unbounded",
	EBPF_ST_MEM(DW, R10, -8, 0), EBPF_MOV64_REG(R1, R10), EBPF_ALU64_IMM(ADD, R1, -8),
	EBPF_CALL_REL(7), EBPF_LDX_MEM(DW, R6, R10, -8), PROBE(R6), SUB_COUNT_AT_R1),
    BAD("callee_loop_atomic_add_to_caller_slot", VT_PLAIN, -EACCES, "variable offset is unbounded",
	EBPF_ST_MEM(DW, R10, -8, 0), EBPF_MOV64_REG(R1, R10), EBPF_ALU64_IMM(ADD, R1, -8),
	EBPF_CALL_REL(7), EBPF_LDX_MEM(DW, R6, R10, -8), PROBE(R6), EBPF_MOV64_IMM(R3, 1),
	MAY_GOTO(2), EBPF_ATOMIC_OP(DW, EBPF_ATOMIC_ADD, R1, R3, 0), EBPF_JMP_A(-3), RET0),
    BAD("callback_loop_counts_in_caller_slot", VT_PLAIN, -EACCES, "variable offset may be negative",
	EBPF_ST_MEM(DW, R10, -8, 0), EBPF_MOV64_IMM(R1, 1), FUNC(R2, 12), EBPF_MOV64_REG(R3, R10),
	EBPF_ALU64_IMM(ADD, R3, -8), EBPF_MOV64_IMM(R4, 0), EBPF_HELPER_CALL(H_LOOP),
	EBPF_LDX_MEM(DW, R6, R10, -8), PROBE(R6), MAY_GOTO(4), EBPF_LDX_MEM(DW, R3, R2, 0),
	EBPF_ALU64_IMM(ADD, R3, 1), EBPF_STX_MEM(DW, R2, R3, 0), EBPF_JMP_A(-5), RET0),
    /* Each call has its own budget: 256 calls of a counting subprogram take a caller's slot
     * past 2^31 (8 M each), which the caller's 32-bit and sign checks must still see. */
    BAD("budgets_of_many_calls_add_up_w32", VT_PLAIN, -EACCES, PROBE_OOB,
	EBPF_ST_MEM(DW, R10, -8, 0), EBPF_MOV64_IMM(R6, 0), EBPF_MOV64_REG(R1, R10),
	EBPF_ALU64_IMM(ADD, R1, -8), EBPF_CALL_REL(11), EBPF_ALU64_IMM(ADD, R6, 1),
	EBPF_JMP_IMM(JLT, R6, 256, -5), EBPF_LDX_MEM(DW, R7, R10, -8),
	EBPF_JMP32_IMM(JGT, R7, 0x7fffffff, 2), RET0, OOB_READ, SUB_COUNT_AT_R1),
    BAD("budgets_of_many_calls_add_up_sign", VT_PLAIN, -EACCES, PROBE_OOB,
	EBPF_ST_MEM(DW, R10, -8, 0), EBPF_MOV64_IMM(R6, 0), EBPF_MOV64_REG(R1, R10),
	EBPF_ALU64_IMM(ADD, R1, -8), EBPF_CALL_REL(11), EBPF_ALU64_IMM(ADD, R6, 1),
	EBPF_JMP_IMM(JLT, R6, 256, -5), EBPF_LDX_MEM(DW, R7, R10, -8), EBPF_JMP_IMM(JSLT, R7, 0, 2),
	RET0, OOB_READ, SUB_COUNT_AT_R1),
    /*
     * A state the body repeats at a join after a fall-through is no loop without progress:
     * the budget bounds it, as Linux's may_goto_depth check has it (these were refused as
     * infinite loops at the join). Twins: the same loops with a value out of bounds after them.
     */
    OK("body_join_repeats_state", VT_PLAIN, EBPF_MOV64_IMM(R6, 0), MAY_GOTO(6), RAND(R0),
       EBPF_MOV64_IMM(R6, 32), EBPF_JMP_IMM(JNE, R0, 0, 1), EBPF_MOV64_IMM(R6, 0), EBPF_JMP_A(-7),
       PROBE(R6)),
    BAD("body_join_repeats_state_out_of_bounds", VT_PLAIN, -EACCES, PROBE_OOB,
	EBPF_MOV64_IMM(R6, 0), MAY_GOTO(6), RAND(R0), EBPF_MOV64_IMM(R6, 64),
	EBPF_JMP_IMM(JNE, R0, 0, 1), EBPF_MOV64_IMM(R6, 0), EBPF_JMP_A(-7), PROBE(R6)),
    OK("body_join_repeats_stack", VT_PLAIN, EBPF_ST_MEM(DW, R10, -8, 0), MAY_GOTO(7), RAND(R0),
       EBPF_JMP_IMM(JNE, R0, 0, 2), EBPF_ST_MEM(DW, R10, -8, 0), EBPF_JMP_A(1),
       EBPF_ST_MEM(DW, R10, -8, 32), EBPF_JMP_A(-8), EBPF_LDX_MEM(DW, R6, R10, -8), PROBE(R6)),
    BAD("body_join_repeats_stack_out_of_bounds", VT_PLAIN, -EACCES, PROBE_OOB,
	EBPF_ST_MEM(DW, R10, -8, 0), MAY_GOTO(7), RAND(R0), EBPF_JMP_IMM(JNE, R0, 0, 2),
	EBPF_ST_MEM(DW, R10, -8, 0), EBPF_JMP_A(1), EBPF_ST_MEM(DW, R10, -8, 64), EBPF_JMP_A(-8),
	EBPF_LDX_MEM(DW, R6, R10, -8), PROBE(R6)),
    /* The repeated state inside a callee the loop calls: the caller's budget was spent. */
    OK("callee_state_repeats_across_laps", VT_PLAIN, MAY_GOTO(2), EBPF_CALL_REL(3), EBPF_JMP_A(-3),
       RET0, RAND(R0), EBPF_JMP_IMM(JNE, R0, 0, 1), EBPF_MOV64_IMM(R0, 0), EBPF_EXIT()),
    /* A body cycle of its own, past no may_goto, still repeats without progress. */
    BAD("inner_cycle_without_may_goto", VT_PLAIN, -EACCES, "infinite loop detected", MAY_GOTO(5),
	RAND(R0), EBPF_JMP_IMM(JNE, R0, 0, 1), EBPF_JMP_A(-2), EBPF_JMP_A(-6), RET0),
    /* Jump targets are checked as any jump's. */
    MALFORMED_AT("target_past_end", VT_PLAIN, 0, "outside the program", MAY_GOTO(2), RET0),
    MALFORMED_AT("target_before_start", VT_PLAIN, 0, "outside the program", MAY_GOTO(-100), RET0),
    MALFORMED_AT("target_inside_lddw", VT_PLAIN, 0, "into the middle of lddw", MAY_GOTO(1),
		 EBPF_LD_IMM64(R0, 5), EBPF_EXIT()),
    MALFORMED_AT("target_in_another_subprogram", VT_PLAIN, 1, "leaves the subprogram",
		 EBPF_CALL_REL(3), MAY_GOTO(3), RET0, RET0, RET0),
    MALFORMED_AT("last_instruction", VT_PLAIN, 3, "would fall off its end", EBPF_MOV64_IMM(R0, 0),
		 EBPF_JMP_IMM(JEQ, R1, 0, 1), EBPF_EXIT(), MAY_GOTO(-2)),
    MALFORMED_AT("src_reg_set", VT_PLAIN, 0, "unknown conditional pseudo-jump",
		 EBPF_RAW_INSN(EBPF_OP_MAY_GOTO, 0, 1, 1, 0), RET0, RET0),
    MALFORMED_AT("jmp32_class", VT_PLAIN, 0, "may_goto is 0xe5 only",
		 EBPF_RAW_INSN(EBPF_CLS_JMP32 | EBPF_JMP_JCOND, 0, 0, 1, 0), RET0, RET0), );
