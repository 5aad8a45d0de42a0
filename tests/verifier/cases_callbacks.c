// SPDX-License-Identifier: MIT
/*
 * Callbacks: function pointers (lddw src=BPF_PSEUDO_FUNC), bpf_loop and bpf_for_each_map_elem
 * with their callbacks verified as functions of their own, and what must stay refused.
 */
#include "vmacros.h"

/* dst = the function starting at (this lddw's index) + 1 + rel. 2 slots. */
#define FUNC(d, rel) EBPF_LD_IMM64_RAW(d, EBPF_PSEUDO_FUNC, rel, 0)

/*
 * bpf_loop(n, callback at insn 10, fp-8 = 0, 0), then r0 = *(fp-8). Insns 0-9; the callback
 * starts at insn 10.
 */
#define LOOP_MAIN(n)                                                                               \
	EBPF_ST_MEM(DW, R10, -8, 0), EBPF_MOV64_IMM(R1, n), FUNC(R2, 7), EBPF_MOV64_REG(R3, R10),  \
	    EBPF_ALU64_IMM(ADD, R3, -8), EBPF_MOV64_IMM(R4, 0), EBPF_HELPER_CALL(H_LOOP),          \
	    EBPF_LDX_MEM(DW, R0, R10, -8), EBPF_EXIT()

/* bpf_for_each_map_elem(map, callback at insn 11, fp-8 = 0, 0), then r0 = *(fp-8). */
#define FOR_EACH_MAIN(map)                                                                         \
	EBPF_ST_MEM(DW, R10, -8, 0), EBPF_LD_MAP_IDX(R1, map), FUNC(R2, 7),                        \
	    EBPF_MOV64_REG(R3, R10), EBPF_ALU64_IMM(ADD, R3, -8), EBPF_MOV64_IMM(R4, 0),           \
	    EBPF_HELPER_CALL(H_FOR_EACH), EBPF_LDX_MEM(DW, R0, R10, -8), EBPF_EXIT()

/* FOR_EACH_MAIN with flags other than 0 (Linux's helper returns -EINVAL for them). */
#define FOR_EACH_FLAGS(map, flags)                                                                 \
	EBPF_ST_MEM(DW, R10, -8, 0), EBPF_LD_MAP_IDX(R1, map), FUNC(R2, 7),                        \
	    EBPF_MOV64_REG(R3, R10), EBPF_ALU64_IMM(ADD, R3, -8), EBPF_MOV64_IMM(R4, flags),       \
	    EBPF_HELPER_CALL(H_FOR_EACH), EBPF_LDX_MEM(DW, R0, R10, -8), EBPF_EXIT()

/* bpf_loop(4, callback at insn 9, the context, 0) with the context in r6. Insns 0-8. */
#define CTX_LOOP_MAIN                                                                              \
	EBPF_MOV64_REG(R6, R1), EBPF_MOV64_IMM(R1, 4), FUNC(R2, 6), EBPF_MOV64_REG(R3, R6),        \
	    EBPF_MOV64_IMM(R4, 0), EBPF_HELPER_CALL(H_LOOP), RET0

/*
 * The callback counts its calls at fp-8; after the loop the caller reads from fp-8 + the count
 * (op imm applied to it first). The count is unknown after a loop of unknown length: only
 * masked may it index the stack. The callback starts at insn 14.
 */
#define COUNTER_AS_OFFSET(op, imm)                                                                 \
	EBPF_ST_MEM(DW, R10, -8, 0), EBPF_MOV64_IMM(R1, 10), FUNC(R2, 11),                         \
	    EBPF_MOV64_REG(R3, R10), EBPF_ALU64_IMM(ADD, R3, -8), EBPF_MOV64_IMM(R4, 0),           \
	    EBPF_HELPER_CALL(H_LOOP), EBPF_LDX_MEM(DW, R1, R10, -8), EBPF_ALU64_IMM(op, R1, imm),  \
	    EBPF_MOV64_REG(R2, R10), EBPF_ALU64_REG(ADD, R2, R1), EBPF_LDX_MEM(B, R0, R2, -8),     \
	    EBPF_EXIT(), EBPF_LDX_MEM(DW, R3, R2, 0), EBPF_ALU64_IMM(ADD, R3, 1),                  \
	    EBPF_STX_MEM(DW, R2, R3, 0), RET0

/* *(u64 *)(r2 + 0) += r1: the callback adds its index to the caller's counter. 4 insns. */
#define ADD_INDEX_TO_CTX                                                                           \
	EBPF_LDX_MEM(DW, R3, R2, 0), EBPF_ALU64_REG(ADD, R3, R1), EBPF_STX_MEM(DW, R2, R3, 0), RET0

/*
 * fp-8 = init, bpf_loop(an unknown count of 0..7, callback at insn 17, fp-8, 0), then .data is
 * read at fp-8 (PROBE). The callback starts at insn 17: a loop of unknown count may call it
 * never, once or more, so after it fp-8 holds either value.
 */
#define LOOP_UNKNOWN_COUNT(init)                                                                   \
	EBPF_ST_MEM(DW, R10, -8, init), RAND(R1), EBPF_ALU64_IMM(AND, R1, 7), FUNC(R2, 12),        \
	    EBPF_MOV64_REG(R3, R10), EBPF_ALU64_IMM(ADD, R3, -8), EBPF_MOV64_IMM(R4, 0),           \
	    EBPF_HELPER_CALL(H_LOOP), EBPF_LDX_MEM(DW, R6, R10, -8), PROBE(R6)

DEFINE_CASES(
    callbacks,
    /* ---- bpf_loop ---- */
    OK("loop_empty_callback", VT_PLAIN, LOOP_MAIN(10), RET0),
    OK("loop_stop", VT_PLAIN, LOOP_MAIN(10), EBPF_MOV64_IMM(R0, 1), EBPF_EXIT()),
    OK("loop_sum_into_caller_stack", VT_PLAIN, LOOP_MAIN(10), ADD_INDEX_TO_CTX),
    /* A counter that grows every call: widened to unknown at the helper, never walked per
     * iteration (the verification cost does not depend on n). */
    OK("loop_counter_million", VT_PLAIN, LOOP_MAIN(1000000), EBPF_LDX_MEM(DW, R3, R2, 0),
       EBPF_ALU64_IMM(ADD, R3, 1), EBPF_STX_MEM(DW, R2, R3, 0), RET0),
    /* The index is below n: r2 + index stays within the 16 bytes at fp-16. */
    OK("loop_index_in_range", VT_PLAIN, EBPF_ST_MEM(DW, R10, -16, 0), EBPF_ST_MEM(DW, R10, -8, 0),
       EBPF_MOV64_IMM(R1, 16), FUNC(R2, 7), EBPF_MOV64_REG(R3, R10), EBPF_ALU64_IMM(ADD, R3, -16),
       EBPF_MOV64_IMM(R4, 0), EBPF_HELPER_CALL(H_LOOP), RET0, EBPF_ALU64_REG(ADD, R2, R1),
       EBPF_LDX_MEM(B, R0, R2, 0), RET0),
    BAD("loop_index_past_ctx", VT_PLAIN, -EACCES, "stack access out of bounds",
	EBPF_ST_MEM(DW, R10, -16, 0), EBPF_ST_MEM(DW, R10, -8, 0), EBPF_MOV64_IMM(R1, 17),
	FUNC(R2, 7), EBPF_MOV64_REG(R3, R10), EBPF_ALU64_IMM(ADD, R3, -16), EBPF_MOV64_IMM(R4, 0),
	EBPF_HELPER_CALL(H_LOOP), RET0, EBPF_ALU64_REG(ADD, R2, R1), EBPF_LDX_MEM(B, R0, R2, 0),
	RET0),
    BAD_AT("loop_callback_returns_2", VT_PLAIN, 11, "a callback must return 0 (go on) or 1 (stop)",
	   LOOP_MAIN(10), EBPF_MOV64_IMM(R0, 2), EBPF_EXIT()),
    BAD_AT("loop_callback_returns_index", VT_PLAIN, 11,
	   "a callback must return 0 (go on) or 1 (stop), r0 is scalar", LOOP_MAIN(10),
	   EBPF_MOV64_REG(R0, R1), EBPF_EXIT()),
    BAD_AT("loop_callback_returns_pointer", VT_PLAIN, 11,
	   "a callback must return 0 (go on) or 1 (stop), r0 is fp", LOOP_MAIN(10),
	   EBPF_MOV64_REG(R0, R2), EBPF_EXIT()),
    BAD_AT("loop_callback_r0_uninit", VT_PLAIN, 10, "r0 is not set at exit", LOOP_MAIN(10),
	   EBPF_EXIT()),
    BAD_AT("loop_callback_writes_past_ctx", VT_PLAIN, 10, "stack access out of bounds",
	   LOOP_MAIN(10), EBPF_ST_MEM(DW, R2, 8, 0), RET0),
    BAD_AT("loop_callback_reads_uninit_caller_stack", VT_PLAIN, 10,
	   "read of uninitialised stack at fp-16", LOOP_MAIN(10), EBPF_LDX_MEM(DW, R0, R2, -8),
	   RET0),
    /* What the callback leaves behind is seen after the call. */
    BAD_AT("loop_callback_spills_pointer_caller_returns_it", VT_PLAIN, 9,
	   "r0 at exit must be an initialised scalar", LOOP_MAIN(10), EBPF_STX_MEM(DW, R2, R2, 0),
	   RET0),
    BAD_AT("loop_callback_stores_own_fp", VT_PLAIN, 10,
	   "storing a pointer to a callee's stack into a caller's stack", LOOP_MAIN(10),
	   EBPF_STX_MEM(DW, R2, R10, 0), RET0),
    /* The context as the callback's context: its writable bytes take no pointer. */
    BAD_AT("loop_callback_leaks_into_ctx", VT_PLAIN, 9, "pointer leak", CTX_LOOP_MAIN,
	   EBPF_STX_MEM(DW, R2, R2, 16), RET0),
    OK("loop_callback_ctx_is_context", VT_PLAIN, CTX_LOOP_MAIN, EBPF_ST_MEM(DW, R2, 16, 7), RET0),
    BAD_AT("loop_callback_ctx_map_handle", VT_PLAIN, 6, "the callback's context must be",
	   EBPF_MOV64_IMM(R1, 4), FUNC(R2, 7), EBPF_LD_MAP_IDX(R3, MAP_HASH), EBPF_MOV64_IMM(R4, 0),
	   EBPF_HELPER_CALL(H_LOOP), RET0, RET0),
    /* Effects on the caller's stack reach it: the counter, unknown after the loop, must be
     * bounded before it indexes anything (and then it may). */
    BAD_AT("loop_counter_unbounded_after", VT_PLAIN, 12, "variable offset is unbounded",
	   COUNTER_AS_OFFSET(ADD, 0)),
    OK("loop_counter_masked_after", VT_PLAIN, COUNTER_AS_OFFSET(AND, 7)),
    /* A bpf_loop in the callback of another. */
    OK("loop_nested", VT_PLAIN, LOOP_MAIN(10), EBPF_MOV64_REG(R3, R2), EBPF_MOV64_IMM(R1, 3),
       FUNC(R2, 5), EBPF_MOV64_IMM(R4, 0), EBPF_HELPER_CALL(H_LOOP), RET0, ADD_INDEX_TO_CTX),
    BAD_AT("loop_callback_tail_call", VT_PLAIN, 13, "tail call inside a callback prohibited",
	   CTX_LOOP_MAIN, EBPF_MOV64_REG(R1, R2), EBPF_LD_MAP_IDX(R2, MAP_PROGS),
	   EBPF_MOV64_IMM(R3, 0), EBPF_HELPER_CALL(H_TAIL_CALL), RET0),
    BAD_AT("loop_callback_ld_abs", VT_PKT, 10, "legacy packet load inside a callback",
	   CTX_LOOP_MAIN, EBPF_MOV64_REG(R6, R2), EBPF_LD_ABS(EBPF_SIZE_B, 0), RET0),
    BAD_AT("loop_callback_keeps_reservation", VT_PLAIN, 16,
	   "a callback returns holding the ring buffer reservation from insn 14", LOOP_MAIN(10),
	   EBPF_LD_MAP_IDX(R1, MAP_RB), EBPF_MOV64_IMM(R2, 8), EBPF_MOV64_IMM(R3, 0),
	   EBPF_HELPER_CALL(H_RB_RESERVE), EBPF_MOV64_IMM(R0, 0), EBPF_EXIT()),
    BAD_AT("loop_callback_is_the_program", VT_PLAIN, 5, "recursive call", EBPF_MOV64_IMM(R1, 1),
	   FUNC(R2, -2), EBPF_MOV64_IMM(R3, 0), EBPF_MOV64_IMM(R4, 0), EBPF_HELPER_CALL(H_LOOP),
	   RET0),
    BAD_AT("loop_callback_calls_its_helper_recursively", VT_PLAIN, 15, "recursive call",
	   LOOP_MAIN(10), EBPF_MOV64_IMM(R1, 3), FUNC(R2, -2), EBPF_MOV64_IMM(R3, 0),
	   EBPF_MOV64_IMM(R4, 0), EBPF_HELPER_CALL(H_LOOP), RET0),
    /* Looping forever around bpf_loop is still an infinite loop. */
    BAD("loop_around_bpf_loop_forever", VT_PLAIN, -EACCES, "infinite loop detected",
	EBPF_ST_MEM(DW, R10, -8, 0), EBPF_MOV64_IMM(R1, 10), FUNC(R2, 6), EBPF_MOV64_REG(R3, R10),
	EBPF_ALU64_IMM(ADD, R3, -8), EBPF_MOV64_IMM(R4, 0), EBPF_HELPER_CALL(H_LOOP),
	EBPF_JMP_A(-8), RET0),
    /*
     * A callback's return to its helper does not make every repeated state an iteration of
     * the callback: a loop of the caller around the helper, whose zero-call path leaves while
     * every call of the callback sends it round again, never ends (bpf_loop(1) always calls).
     * Nor does a loop inside the callback's body around a nested helper, or a loop around a
     * subprogram that calls the helper.
     */
    BAD_AT("loop_caller_forever_zero_calls_leave", VT_PLAIN, 7, "infinite loop detected",
	   EBPF_ST_MEM(DW, R10, -8, 0), EBPF_MOV64_IMM(R1, 1), FUNC(R2, 10),
	   EBPF_MOV64_REG(R3, R10), EBPF_ALU64_IMM(ADD, R3, -8), EBPF_MOV64_IMM(R4, 0),
	   EBPF_HELPER_CALL(H_LOOP), EBPF_LDX_MEM(DW, R1, R10, -8), EBPF_JMP_IMM(JEQ, R1, 0, 1),
	   EBPF_JMP_A(-11), RET0, EBPF_ST_MEM(DW, R2, 0, 1), RET0),
    BAD_AT("for_each_caller_forever_zero_calls_leave", VT_PLAIN, 8, "infinite loop detected",
	   EBPF_ST_MEM(DW, R10, -8, 0), EBPF_LD_MAP_IDX(R1, MAP_ARRAY), FUNC(R2, 10),
	   EBPF_MOV64_REG(R3, R10), EBPF_ALU64_IMM(ADD, R3, -8), EBPF_MOV64_IMM(R4, 0),
	   EBPF_HELPER_CALL(H_FOR_EACH), EBPF_LDX_MEM(DW, R1, R10, -8), EBPF_JMP_IMM(JEQ, R1, 0, 1),
	   EBPF_JMP_A(-12), RET0, EBPF_ST_MEM(DW, R4, 0, 1), RET0),
    BAD_AT("loop_callback_forever_around_nested", VT_PLAIN, 15, "infinite loop detected",
	   EBPF_MOV64_IMM(R1, 1), FUNC(R2, 6), EBPF_MOV64_IMM(R3, 0), EBPF_MOV64_IMM(R4, 0),
	   EBPF_HELPER_CALL(H_LOOP), RET0, EBPF_ST_MEM(DW, R10, -8, 0), EBPF_MOV64_IMM(R1, 1),
	   FUNC(R2, 10), EBPF_MOV64_REG(R3, R10), EBPF_ALU64_IMM(ADD, R3, -8),
	   EBPF_MOV64_IMM(R4, 0), EBPF_HELPER_CALL(H_LOOP), EBPF_LDX_MEM(DW, R1, R10, -8),
	   EBPF_JMP_IMM(JEQ, R1, 0, 1), EBPF_JMP_A(-11), RET0, EBPF_ST_MEM(DW, R2, 0, 1), RET0),
    BAD("loop_caller_forever_around_subprog", VT_PLAIN, -EACCES, "infinite loop detected",
	EBPF_ST_MEM(DW, R10, -8, 0), EBPF_MOV64_REG(R1, R10), EBPF_ALU64_IMM(ADD, R1, -8),
	EBPF_CALL_REL(5), EBPF_LDX_MEM(DW, R1, R10, -8), EBPF_JMP_IMM(JEQ, R1, 0, 1),
	EBPF_JMP_A(-7), RET0, EBPF_MOV64_REG(R3, R1), EBPF_MOV64_IMM(R1, 1), FUNC(R2, 5),
	EBPF_MOV64_IMM(R4, 0), EBPF_HELPER_CALL(H_LOOP), RET0, EBPF_ST_MEM(DW, R2, 0, 1), RET0),
    /* The callback takes back what the caller's loop adds (2 calls of -1 against +2): the
     * counter comes back to the same value; the zero-call path alone would make progress. */
    BAD_AT("loop_caller_counter_undone_by_callback", VT_PLAIN, 10, "infinite loop detected",
	   EBPF_ST_MEM(DW, R10, -8, 0), EBPF_LDX_MEM(DW, R1, R10, -8),
	   EBPF_JMP_IMM(JSGT, R1, 100, 12), EBPF_JMP_IMM(JSLT, R1, -100, 11), EBPF_MOV64_IMM(R1, 2),
	   FUNC(R2, 11), EBPF_MOV64_REG(R3, R10), EBPF_ALU64_IMM(ADD, R3, -8),
	   EBPF_MOV64_IMM(R4, 0), EBPF_HELPER_CALL(H_LOOP), EBPF_LDX_MEM(DW, R1, R10, -8),
	   EBPF_ALU64_IMM(ADD, R1, 2), EBPF_STX_MEM(DW, R10, R1, -8), EBPF_JMP_A(-14), RET0,
	   EBPF_LDX_MEM(DW, R1, R2, 0), EBPF_ALU64_IMM(ADD, R1, -1), EBPF_STX_MEM(DW, R2, R1, 0),
	   RET0),
    /* Their safe twins: the caller's loop bounded; the callback's states repeating from one
     * call to the next around a nested helper. */
    OK("loop_caller_bounded_around_helper", VT_PLAIN, EBPF_MOV64_IMM(R6, 0),
       EBPF_ST_MEM(DW, R10, -8, 0), EBPF_MOV64_IMM(R1, 1), FUNC(R2, 9), EBPF_MOV64_REG(R3, R10),
       EBPF_ALU64_IMM(ADD, R3, -8), EBPF_MOV64_IMM(R4, 0), EBPF_HELPER_CALL(H_LOOP),
       EBPF_ALU64_IMM(ADD, R6, 1), EBPF_JMP_IMM(JLT, R6, 3, -10), EBPF_LDX_MEM(DW, R0, R10, -8),
       EBPF_EXIT(), EBPF_LDX_MEM(DW, R1, R2, 0), EBPF_ALU64_IMM(ADD, R1, 1),
       EBPF_STX_MEM(DW, R2, R1, 0), RET0),
    OK("loop_callback_repeats_around_nested", VT_PLAIN, EBPF_MOV64_IMM(R1, 10), FUNC(R2, 6),
       EBPF_MOV64_IMM(R3, 0), EBPF_MOV64_IMM(R4, 0), EBPF_HELPER_CALL(H_LOOP), RET0,
       EBPF_ST_MEM(DW, R10, -8, 0), EBPF_MOV64_IMM(R1, 1), FUNC(R2, 7), EBPF_MOV64_REG(R3, R10),
       EBPF_ALU64_IMM(ADD, R3, -8), EBPF_MOV64_IMM(R4, 0), EBPF_HELPER_CALL(H_LOOP), RET0,
       EBPF_ST_MEM(DW, R2, 0, 1), RET0),

    /* ---- function pointers ---- */
    OK("func_unused", VT_PLAIN, FUNC(R1, 3), RET0, RET0),
    BAD_AT("func_stored", VT_PLAIN, 2, "storing a function pointer", FUNC(R2, 4),
	   EBPF_STX_MEM(DW, R10, R2, -8), RET0, RET0),
    BAD_AT("func_compared", VT_PLAIN, 2, "comparison of a function pointer", FUNC(R2, 4),
	   EBPF_JMP_IMM(JEQ, R2, 0, 0), RET0, RET0),
    BAD_AT("func_compared_with_func", VT_PLAIN, 4, "comparison of a function pointer", FUNC(R2, 6),
	   FUNC(R3, 4), EBPF_JMP_REG(JEQ, R2, R3, 0), RET0, RET0),
    BAD_AT("func_arithmetic", VT_PLAIN, 2, "arithmetic on a function pointer", FUNC(R2, 4),
	   EBPF_ALU64_IMM(ADD, R2, 8), RET0, RET0),
    BAD_AT("func_truncated", VT_PLAIN, 2, "32-bit move of pointer", FUNC(R2, 4),
	   EBPF_MOV32_REG(R0, R2), RET0, RET0),
    BAD_AT("func_returned", VT_PLAIN, 2, "r0 at exit must be an initialised scalar", FUNC(R0, 2),
	   EBPF_EXIT(), RET0),
    BAD_AT("func_loaded_through", VT_PLAIN, 2, "r2", FUNC(R2, 4), EBPF_LDX_MEM(DW, R0, R2, 0), RET0,
	   RET0),
    BAD_AT("func_as_number", VT_PLAIN, 6, "pointer leak", FUNC(R1, 8), FUNC(R2, 6),
	   EBPF_MOV64_IMM(R3, 0), EBPF_MOV64_IMM(R4, 0), EBPF_HELPER_CALL(H_LOOP), RET0, RET0),
    BAD_AT("loop_callback_not_a_function", VT_PLAIN, 4, "expected a callback",
	   EBPF_MOV64_IMM(R1, 1), EBPF_MOV64_IMM(R2, 0), EBPF_MOV64_IMM(R3, 0),
	   EBPF_MOV64_IMM(R4, 0), EBPF_HELPER_CALL(H_LOOP), RET0),
    MALFORMED_AT("func_outside_program", VT_PLAIN, 0, "function pointer to insn 10", FUNC(R2, 9),
		 RET0),
    MALFORMED_AT("func_into_lddw", VT_PLAIN, 0, "function pointer into the middle of lddw",
		 FUNC(R2, 2), EBPF_LD_IMM64(R3, 1), RET0),
    MALFORMED_AT("func_unknown_callback_helper", VT_PLAIN, 2,
		 "a callback argument, but only the callbacks of bpf_loop", FUNC(R1, 4),
		 EBPF_HELPER_CALL(H_BAD_CALLBACK), RET0, RET0),

    /* ---- bpf_for_each_map_elem ---- */
    OK("for_each_sum_values", VT_PLAIN, FOR_EACH_MAIN(MAP_HASH), EBPF_LDX_MEM(DW, R5, R3, 8),
       EBPF_LDX_MEM(DW, R0, R4, 0), EBPF_ALU64_REG(ADD, R0, R5), EBPF_STX_MEM(DW, R4, R0, 0), RET0),
    OK("for_each_array_writes_value_reads_key", VT_PLAIN, FOR_EACH_MAIN(MAP_ARRAY),
       EBPF_LDX_MEM(W, R5, R2, 0), EBPF_STX_MEM(DW, R3, R5, 40), EBPF_MOV64_IMM(R0, 1),
       EBPF_EXIT()),
    BAD_AT("for_each_value_past_end", VT_PLAIN, 11, "map value", FOR_EACH_MAIN(MAP_HASH),
	   EBPF_LDX_MEM(DW, R0, R3, 16), RET0),
    BAD_AT("for_each_key_past_end", VT_PLAIN, 11, "offset 4 size 4", FOR_EACH_MAIN(MAP_HASH),
	   EBPF_LDX_MEM(W, R0, R2, 4), RET0),
    BAD_AT("for_each_read_only_value_written", VT_PLAIN, 11, "read-only",
	   FOR_EACH_MAIN(MAP_RO_HASH), EBPF_ST_MEM(DW, R3, 0, 1), RET0),
    BAD_AT("for_each_queue", VT_PLAIN, 8, "cannot", FOR_EACH_MAIN(MAP_QUEUE), RET0),
    BAD_AT("for_each_callback_returns_2", VT_PLAIN, 12, "a callback must return 0 (go on) or 1",
	   FOR_EACH_MAIN(MAP_HASH), EBPF_MOV64_IMM(R0, 2), EBPF_EXIT()),
    /* The key is the helper's copy, gone after the call: a copy left in the caller's stack
     * is dropped when the callback returns. */
    BAD_AT("for_each_key_kept_after_call", VT_PLAIN, 12, "read of uninitialised stack at fp-8",
	   EBPF_MOV64_REG(R1, R10), EBPF_ALU64_IMM(ADD, R1, -16), EBPF_ST_MEM(DW, R10, -16, 0),
	   EBPF_STX_MEM(DW, R10, R1, -8), EBPF_LD_MAP_IDX(R1, MAP_HASH), FUNC(R2, 8),
	   EBPF_MOV64_REG(R3, R10), EBPF_ALU64_IMM(ADD, R3, -8), EBPF_MOV64_IMM(R4, 0),
	   EBPF_HELPER_CALL(H_FOR_EACH), EBPF_LDX_MEM(DW, R1, R10, -8), EBPF_LDX_MEM(W, R0, R1, 0),
	   EBPF_EXIT(), EBPF_STX_MEM(DW, R4, R2, 0), RET0),
    /* ---- what a callback wrote, or did not ---- */
    BAD("loop_maybe_never_called", VT_PLAIN, -EACCES, "map value access", LOOP_UNKNOWN_COUNT(100),
	EBPF_ST_MEM(DW, R2, 0, 5), RET0),
    BAD("loop_callback_writes_out_of_range", VT_PLAIN, -EACCES, "map value access",
	LOOP_UNKNOWN_COUNT(5), EBPF_ST_MEM(DW, R2, 0, 100), RET0),

    BAD("loop_nested_writes_outer_caller", VT_PLAIN, -EACCES, "map value access",
	LOOP_UNKNOWN_COUNT(5), EBPF_MOV64_REG(R3, R2), EBPF_MOV64_IMM(R1, 3), FUNC(R2, 5),
	EBPF_MOV64_IMM(R4, 0), EBPF_HELPER_CALL(H_LOOP), RET0, EBPF_ST_MEM(DW, R2, 0, 100), RET0),
    BAD("loop_callback_index_past_data", VT_PLAIN, -EACCES, PROBE_OOB, RAND(R1),
	EBPF_ALU64_IMM(AND, R1, 63), EBPF_ALU64_IMM(ADD, R1, 2), FUNC(R2, 6), EBPF_MOV64_IMM(R3, 0),
	EBPF_MOV64_IMM(R4, 0), EBPF_HELPER_CALL(H_LOOP), RET0, EBPF_MOV64_REG(R6, R1), PROBE(R6)),
    OK("loop_callback_index_within_data", VT_PLAIN, RAND(R1), EBPF_ALU64_IMM(AND, R1, 63),
       EBPF_ALU64_IMM(ADD, R1, 1), FUNC(R2, 6), EBPF_MOV64_IMM(R3, 0), EBPF_MOV64_IMM(R4, 0),
       EBPF_HELPER_CALL(H_LOOP), RET0, EBPF_MOV64_REG(R6, R1), PROBE(R6)),
    BAD("loop_count_upper_half_ignored", VT_PLAIN, -EACCES, PROBE_OOB,
	EBPF_LD_IMM64(R1, 0x100000040ull), FUNC(R2, 6), EBPF_MOV64_IMM(R3, 0),
	EBPF_MOV64_IMM(R4, 0), EBPF_HELPER_CALL(H_LOOP), RET0, EBPF_MOV64_REG(R6, R1),
	EBPF_ALU64_IMM(ADD, R6, 1), PROBE(R6)),
    BAD("loop_callback_uninit_until_called", VT_PLAIN, -EACCES, "uninitialised stack", RAND(R1),
	EBPF_ALU64_IMM(AND, R1, 7), FUNC(R2, 7), EBPF_MOV64_REG(R3, R10),
	EBPF_ALU64_IMM(ADD, R3, -8), EBPF_MOV64_IMM(R4, 0), EBPF_HELPER_CALL(H_LOOP),
	EBPF_LDX_MEM(DW, R0, R10, -8), EBPF_EXIT(), EBPF_ST_MEM(DW, R2, 0, 0), RET0),
    /*
     * bpf_loop with nr_loops in [1, 1 << 23] and flags 0 calls its callback at least once: the
     * caller goes on only after a call, so stack the callback writes on every path (through
     * its context, a pointer to the caller's fp-8) is initialised after the loop, with the
     * value written. Twins: a count that may be 0, above 1 << 23 or 0 in its low half, flags
     * that may be non-zero (no call at all), a callback that writes on one path only.
     */
    OK("loop_surely_called_writes", VT_PLAIN, EBPF_MOV64_IMM(R1, 10), FUNC(R2, 7),
       EBPF_MOV64_REG(R3, R10), EBPF_ALU64_IMM(ADD, R3, -8), EBPF_MOV64_IMM(R4, 0),
       EBPF_HELPER_CALL(H_LOOP), EBPF_LDX_MEM(DW, R0, R10, -8), EBPF_EXIT(),
       EBPF_ST_MEM(DW, R2, 0, 0), RET0),
    OK("loop_surely_called_value", VT_PLAIN, EBPF_MOV64_IMM(R1, 10), FUNC(R2, 12),
       EBPF_MOV64_REG(R3, R10), EBPF_ALU64_IMM(ADD, R3, -8), EBPF_MOV64_IMM(R4, 0),
       EBPF_HELPER_CALL(H_LOOP), EBPF_LDX_MEM(DW, R6, R10, -8), PROBE(R6),
       EBPF_ST_MEM(DW, R2, 0, 63), RET0),
    BAD("loop_surely_called_value_past", VT_PLAIN, -EACCES, PROBE_OOB, EBPF_MOV64_IMM(R1, 10),
	FUNC(R2, 12), EBPF_MOV64_REG(R3, R10), EBPF_ALU64_IMM(ADD, R3, -8), EBPF_MOV64_IMM(R4, 0),
	EBPF_HELPER_CALL(H_LOOP), EBPF_LDX_MEM(DW, R6, R10, -8), PROBE(R6),
	EBPF_ST_MEM(DW, R2, 0, 64), RET0),
    BAD("loop_flags_unknown_writes", VT_PLAIN, -EACCES, "uninitialised stack", RAND(R6),
	EBPF_MOV64_IMM(R1, 10), FUNC(R2, 7), EBPF_MOV64_REG(R3, R10), EBPF_ALU64_IMM(ADD, R3, -8),
	EBPF_MOV64_REG(R4, R6), EBPF_HELPER_CALL(H_LOOP), EBPF_LDX_MEM(DW, R0, R10, -8),
	EBPF_EXIT(), EBPF_ST_MEM(DW, R2, 0, 0), RET0),
    BAD("loop_too_many_writes", VT_PLAIN, -EACCES, "uninitialised stack",
	EBPF_MOV64_IMM(R1, (1 << 23) + 1), FUNC(R2, 7), EBPF_MOV64_REG(R3, R10),
	EBPF_ALU64_IMM(ADD, R3, -8), EBPF_MOV64_IMM(R4, 0), EBPF_HELPER_CALL(H_LOOP),
	EBPF_LDX_MEM(DW, R0, R10, -8), EBPF_EXIT(), EBPF_ST_MEM(DW, R2, 0, 0), RET0),
    BAD("loop_low_half_zero_writes", VT_PLAIN, -EACCES, "uninitialised stack",
	EBPF_LD_IMM64(R1, 0x100000000ull), FUNC(R2, 7), EBPF_MOV64_REG(R3, R10),
	EBPF_ALU64_IMM(ADD, R3, -8), EBPF_MOV64_IMM(R4, 0), EBPF_HELPER_CALL(H_LOOP),
	EBPF_LDX_MEM(DW, R0, R10, -8), EBPF_EXIT(), EBPF_ST_MEM(DW, R2, 0, 0), RET0),
    BAD("loop_callback_writes_one_path", VT_PLAIN, -EACCES, "uninitialised stack",
	EBPF_MOV64_IMM(R1, 10), FUNC(R2, 7), EBPF_MOV64_REG(R3, R10), EBPF_ALU64_IMM(ADD, R3, -8),
	EBPF_MOV64_IMM(R4, 0), EBPF_HELPER_CALL(H_LOOP), EBPF_LDX_MEM(DW, R0, R10, -8), EBPF_EXIT(),
	EBPF_JMP_IMM(JNE, R1, 3, 1), EBPF_ST_MEM(DW, R2, 0, 0), RET0),
    BAD_AT("for_each_value_written_past_end", VT_PLAIN, 11, "map value", FOR_EACH_MAIN(MAP_HASH),
	   EBPF_ST_MEM(W, R3, 14, 1), RET0),
    /* Pointers handed to the callback must not outlive it in a map (a pointer leak). */
    BAD_AT("for_each_key_stored_into_value", VT_PLAIN, 11, "leak", FOR_EACH_MAIN(MAP_HASH),
	   EBPF_STX_MEM(DW, R3, R2, 0), RET0),
    BAD_AT("for_each_value_stored_into_value", VT_PLAIN, 11, "leak", FOR_EACH_MAIN(MAP_HASH),
	   EBPF_STX_MEM(DW, R3, R3, 8), RET0),
    BAD_AT("for_each_key_updated_as_value", VT_PLAIN, 18, "spilled pointer",
	   FOR_EACH_MAIN(MAP_HASH), EBPF_STX_MEM(DW, R10, R2, -16), EBPF_MOV64_REG(R3, R10),
	   EBPF_ALU64_IMM(ADD, R3, -16), EBPF_ST_MEM(DW, R10, -8, 0), EBPF_MOV64_REG(R2, R10),
	   EBPF_ALU64_IMM(ADD, R2, -8), EBPF_MOV64_IMM(R4, 0), EBPF_HELPER_CALL(H_UPDATE), RET0),
    BAD_AT("for_each_callback_returns_unknown", VT_PLAIN, 12,
	   "a callback must return 0 (go on) or 1", FOR_EACH_MAIN(MAP_HASH),
	   EBPF_LDX_MEM(DW, R0, R3, 0), EBPF_EXIT()),
    BAD_AT("for_each_flags_not_zero", VT_PLAIN, 8, "flags (r4) must be 0",
	   FOR_EACH_FLAGS(MAP_HASH, 1), RET0),
    BAD_AT("for_each_flags_negative", VT_PLAIN, 8, "flags (r4) must be 0",
	   FOR_EACH_FLAGS(MAP_ARRAY, -1), RET0), );
