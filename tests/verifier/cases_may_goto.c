// SPDX-License-Identifier: MIT
/*
 * may_goto (Linux's BPF_JCOND): a loop through its fall-through is bounded by the budget of
 * the function's call, whatever its counter does; a loop through its jump (a spent budget stays
 * spent), through a callee's may_goto only, or round a path without one is not. may_goto is no
 * bounds check: every access in the body is checked as in any loop.
 */
#include "vmacros.h"

#define MAY_GOTO(o) EBPF_RAW_INSN(EBPF_OP_MAY_GOTO, 0, 0, o, 0)

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
    MALFORMED_AT("offset_zero", VT_PLAIN, 0, "may_goto offset must not be zero", MAY_GOTO(0), RET0),
    MALFORMED_AT("src_reg_set", VT_PLAIN, 0, "unknown conditional pseudo-jump",
		 EBPF_RAW_INSN(EBPF_OP_MAY_GOTO, 0, 1, 1, 0), RET0, RET0),
    MALFORMED_AT("jmp32_class", VT_PLAIN, 0, "may_goto is 0xe5 only",
		 EBPF_RAW_INSN(EBPF_CLS_JMP32 | EBPF_JMP_JCOND, 0, 0, 1, 0), RET0, RET0), );
