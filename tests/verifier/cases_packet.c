// SPDX-License-Identifier: MIT
/* Direct packet access: only the range proven by comparisons with data_end (or data for meta). */
#include "vmacros.h"

#define READ(off) EBPF_LDX_MEM(B, R0, R2, off)
/* r4 = data + 14, then the comparison */
#define P14	  PKT_LOAD, EBPF_MOV64_REG(R4, R2), EBPF_ALU64_IMM(ADD, R4, 14)

/* data + 14 <= data_end proven; then p = data + off compared with data_end again (`if a op b`):
 * the taken side reads uninitialised stack. 11 insns. */
#define PKT_END_AGAIN(off, op, a, b)                                                               \
	PKT_CHECK(14, 3), EBPF_MOV64_REG(R5, R2), EBPF_ALU64_IMM(ADD, R5, off),                    \
	    EBPF_JMP_REG(op, a, b, 2), RET0, EBPF_LDX_MEM(DW, R0, R10, -8), EBPF_EXIT()

/* r5 = data + 42 (r2 = data, r3 = data_end); then `cmp` the first comparison, whose side with
 * r5 outside the packet goes on (OUT_TAKEN / OUT_FALL; the other returns), `mid` (may be
 * empty), and the second comparison: accepted iff it is decided (its side reading r8, never
 * written, not walked: Linux refuses that too, where it lets root read uninitialised stack). */
#define PKT_END_TWICE(cmp, second, ...)                                                            \
	PKT_LOAD, EBPF_MOV64_REG(R5, R2), EBPF_ALU64_IMM(ADD, R5, 42), cmp, __VA_ARGS__ second
/* The taken side goes on. 3 insns. */
#define OUT_TAKEN(op, a, b) EBPF_JMP_REG(op, a, b, 2), RET0
/* The fall-through side goes on. 4 insns. */
#define OUT_FALL(op, a, b)  EBPF_JMP_REG(op, a, b, 1), EBPF_JMP_A(2), RET0
/* The second comparison, accepted only when decided not taken / taken. */
#define BAD_TAKEN(op, a, b) EBPF_JMP_REG(op, a, b, 2), RET0, EBPF_MOV64_REG(R0, R8), EBPF_EXIT()
#define BAD_FALL(op, a, b)  EBPF_JMP_REG(op, a, b, 2), EBPF_MOV64_REG(R0, R8), EBPF_EXIT(), RET0

/* Linux's ctx_skb "taken check" shape: r5 = data + 42, r1 = 0; `first` jumps over r1 = data + 14
 * on one side, both sides meet at `second`, whose fall-through reads through r1. */
#define TAKEN_CHECK(first, second)                                                                 \
	PKT_LOAD, EBPF_MOV64_REG(R4, R2), EBPF_MOV64_REG(R5, R2), EBPF_ALU64_IMM(ADD, R5, 42),     \
	    EBPF_MOV64_IMM(R1, 0), first, EBPF_ALU64_IMM(ADD, R4, 14), EBPF_MOV64_REG(R1, R4),     \
	    second, EBPF_LDX_MEM(H, R0, R1, 9), RET0

/* r0 = data_end - (data + off), r2 = data, r3 = data_end. 6 insns. */
#define PKT_LEN(off)                                                                               \
	PKT_LOAD, EBPF_MOV64_REG(R4, R2), EBPF_ALU64_IMM(ADD, R4, off), EBPF_MOV64_REG(R0, R3),    \
	    EBPF_ALU64_REG(SUB, R0, R4)

/* r5 = data + 40 proven against data_end, r6 = (random & mask) + add; then `skip` insns move r5
 * by r6 and read through it (the failed check jumps over them). */
#define PKT40_MOVED(mask, add, skip, ...)                                                          \
	EBPF_MOV64_REG(R9, R1), RAND(R6), EBPF_LDX_MEM(W, R2, R9, 0), EBPF_LDX_MEM(W, R3, R9, 4),  \
	    EBPF_ALU64_IMM(AND, R6, mask), EBPF_ALU64_IMM(ADD, R6, add), EBPF_MOV64_REG(R5, R2),   \
	    EBPF_ALU64_IMM(ADD, R5, 40), EBPF_JMP_REG(JGT, R5, R3, skip), __VA_ARGS__, RET0
/* r5 += -r6 */
#define ADD_NEG_R6 EBPF_MOV64_IMM(R7, 0), EBPF_ALU64_REG(SUB, R7, R6), EBPF_ALU64_REG(ADD, R5, R7)

DEFINE_CASES(
    packet,
    /* A checked pointer moved back by d in [8, 39]: data + 40 - d + 8 <= data + 40 is proven, the
     * range grows by d's least value (48 from data + 40 - d). */
    OK("sub_bounded_keeps_range", VT_PKT,
       PKT40_MOVED(0x1f, 8, 2, EBPF_ALU64_REG(SUB, R5, R6), EBPF_LDX_MEM(DW, R0, R5, 0))),
    BAD("sub_bounded_read_past", VT_PKT, -EACCES, "offset 48 size 8, proven range 48",
	PKT40_MOVED(0x1f, 8, 2, EBPF_ALU64_REG(SUB, R5, R6), EBPF_LDX_MEM(DW, R0, R5, 8))),
    BAD("sub_bounded_may_pass_start", VT_PKT, -EACCES,
	"packet access through r5: variable offset may be negative (min -63)",
	PKT40_MOVED(0x3f, 0, 2, EBPF_ALU64_REG(SUB, R5, R6), EBPF_LDX_MEM(B, R0, R5, 0))),
    BAD("sub_bounded_read_before_start", VT_PKT, -EACCES, "variable offset may be negative",
	PKT40_MOVED(0x1f, 8, 2, EBPF_ALU64_REG(SUB, R5, R6), EBPF_LDX_MEM(B, R0, R5, -2))),
    BAD("sub_maybe_negative_drops_range", VT_PKT, -EACCES, "offset 40 size 1, proven range 0",
	PKT40_MOVED(0x1f, -8, 2, EBPF_ALU64_REG(SUB, R5, R6), EBPF_LDX_MEM(B, R0, R5, 0))),
    OK("add_negative_keeps_range", VT_PKT,
       PKT40_MOVED(0x1f, 8, 4, ADD_NEG_R6, EBPF_LDX_MEM(DW, R0, R5, 0))),
    BAD("add_negative_read_past", VT_PKT, -EACCES, "offset 48 size 8, proven range 48",
	PKT40_MOVED(0x1f, 8, 4, ADD_NEG_R6, EBPF_LDX_MEM(DW, R0, R5, 8))),
    BAD("add_positive_drops_range", VT_PKT, -EACCES, "offset 40 size 1, proven range 0",
	PKT40_MOVED(0x1f, 0, 2, EBPF_ALU64_REG(ADD, R5, R6), EBPF_LDX_MEM(B, R0, R5, 0))),
    BAD_AT("no_check", VT_PKT, 1,
	   "packet access out of proven range: offset 0 size 1, proven range 0",
	   EBPF_LDX_MEM(W, R2, R1, 0), READ(0), RET0),
    OK("jgt", VT_PKT, PKT_CHECK(14, 1), READ(13), RET0),
    BAD("jgt_one_past", VT_PKT, -EACCES, "offset 14 size 1, proven range 14", PKT_CHECK(14, 1),
	READ(14), RET0),
    BAD("jgt_wide_read", VT_PKT, -EACCES, "offset 12 size 4, proven range 14", PKT_CHECK(14, 1),
	EBPF_LDX_MEM(W, R0, R2, 12), RET0),
    BAD("jgt_wrong_side", VT_PKT, -EACCES, "proven range 0", P14, EBPF_JMP_REG(JGT, R4, R3, 2),
	RET0, READ(0), RET0),
    OK("jge", VT_PKT, P14, EBPF_JMP_REG(JGE, R4, R3, 1), READ(14), RET0),
    BAD("jge_one_past", VT_PKT, -EACCES, "offset 14 size 2, proven range 15", P14,
	EBPF_JMP_REG(JGE, R4, R3, 1), EBPF_LDX_MEM(H, R0, R2, 14), RET0),
    OK("jlt", VT_PKT, P14, EBPF_JMP_REG(JLT, R4, R3, 2), RET0, READ(14), RET0),
    BAD("jlt_wrong_side", VT_PKT, -EACCES, "proven range 0", P14, EBPF_JMP_REG(JLT, R4, R3, 1),
	READ(0), RET0),
    OK("jle", VT_PKT, P14, EBPF_JMP_REG(JLE, R4, R3, 2), RET0, READ(13), RET0),
    BAD("jle_one_past", VT_PKT, -EACCES, "offset 14 size 1, proven range 14", P14,
	EBPF_JMP_REG(JLE, R4, R3, 2), RET0, READ(14), RET0),
    OK("end_jgt", VT_PKT, P14, EBPF_JMP_REG(JGT, R3, R4, 2), RET0, READ(14), RET0),
    OK("end_jlt", VT_PKT, P14, EBPF_JMP_REG(JLT, R3, R4, 1), READ(13), RET0),
    BAD("end_jlt_one_past", VT_PKT, -EACCES, "proven range 14", P14, EBPF_JMP_REG(JLT, R3, R4, 1),
	READ(14), RET0),
    OK("end_jge", VT_PKT, P14, EBPF_JMP_REG(JGE, R3, R4, 2), RET0, READ(13), RET0),
    OK("end_jle", VT_PKT, P14, EBPF_JMP_REG(JLE, R3, R4, 1), READ(14), RET0),
    BAD("end_jle_two_past", VT_PKT, -EACCES, "offset 15 size 1, proven range 15", P14,
	EBPF_JMP_REG(JLE, R3, R4, 1), READ(15), RET0),
    /* 32-bit comparisons see only the low halves of the pointers (issue 17, hole 5). */
    BAD_AT("jmp32_jgt", VT_PKT, 4,
	   "32-bit comparison of packet pointers pkt(off=14,r=0) and pkt_end(off=0) prohibited",
	   P14, EBPF_JMP32_REG(JGT, R4, R3, 1), READ(13), RET0),
    BAD_AT("jmp32_end_jlt", VT_PKT, 4, "32-bit comparison of packet pointers", P14,
	   EBPF_JMP32_REG(JLT, R3, R4, 1), READ(13), RET0),
    BAD_AT("jmp32_jle", VT_PKT, 4, "32-bit comparison of packet pointers", P14,
	   EBPF_JMP32_REG(JLE, R4, R3, 2), RET0, READ(13), RET0),
    BAD_AT("jmp32_jge", VT_PKT, 4, "32-bit comparison of packet pointers", P14,
	   EBPF_JMP32_REG(JGE, R4, R3, 1), READ(13), RET0),
    BAD_AT("jmp32_signed", VT_PKT, 4, "32-bit comparison of packet pointers", P14,
	   EBPF_JMP32_REG(JSGT, R4, R3, 1), READ(13), RET0),
    BAD_AT("jmp32_jeq_pkt_pkt", VT_PKT, 4, "32-bit comparison of packet pointers", P14,
	   EBPF_JMP32_REG(JEQ, R4, R2, 1), READ(0), RET0),
    BAD_AT("jmp32_jset", VT_PKT, 4, "32-bit comparison of packet pointers", P14,
	   EBPF_JMP32_REG(JSET, R3, R4, 0), RET0),
    BAD_AT("jmp32_meta_data", VT_PKT, 4, "32-bit comparison of packet pointers", PKT_LOAD,
	   EBPF_LDX_MEM(W, R4, R1, 8), EBPF_ALU64_IMM(ADD, R4, 4), EBPF_JMP32_REG(JGT, R4, R2, 0),
	   RET0),
    BAD("jeq_proves_nothing", VT_PKT, -EACCES, "proven range 0", P14, EBPF_JMP_REG(JNE, R4, R3, 1),
	READ(0), RET0),
    OK("copy_before_check", VT_PKT, PKT_LOAD, EBPF_MOV64_REG(R5, R2), EBPF_MOV64_REG(R4, R2),
       EBPF_ALU64_IMM(ADD, R4, 14), EBPF_JMP_REG(JGT, R4, R3, 1), EBPF_LDX_MEM(B, R0, R5, 13),
       RET0),
    OK("check_via_offset_pointer", VT_PKT, PKT_CHECK(14, 2), EBPF_ALU64_IMM(ADD, R2, 10),
       EBPF_LDX_MEM(W, R0, R2, 0), RET0),
    BAD("offset_pointer_past", VT_PKT, -EACCES, "offset 12 size 4, proven range 14",
	PKT_CHECK(14, 2), EBPF_ALU64_IMM(ADD, R2, 12), EBPF_LDX_MEM(W, R0, R2, 0), RET0),
    OK("variable_offset", VT_PKT, PKT_CHECK(1, 7), EBPF_LDX_MEM(B, R5, R2, 0),
       EBPF_ALU64_IMM(AND, R5, 15), EBPF_ALU64_REG(ADD, R2, R5), EBPF_MOV64_REG(R4, R2),
       EBPF_ALU64_IMM(ADD, R4, 4), EBPF_JMP_REG(JGT, R4, R3, 1), EBPF_LDX_MEM(W, R0, R2, 0), RET0),
    BAD("variable_offset_unchecked", VT_PKT, -EACCES, "offset 0 size 4, proven range 0",
	PKT_CHECK(14, 4), EBPF_LDX_MEM(B, R5, R2, 0), EBPF_ALU64_IMM(AND, R5, 15),
	EBPF_ALU64_REG(ADD, R2, R5), EBPF_LDX_MEM(W, R0, R2, 0), RET0),
    BAD("variable_offset_unbounded", VT_PKT, -EACCES, "variable offset is unbounded", PKT_LOAD,
	EBPF_LDX_MEM(W, R5, R1, 12), EBPF_ALU64_REG(ADD, R2, R5), EBPF_MOV64_REG(R4, R2),
	EBPF_ALU64_IMM(ADD, R4, 4), EBPF_JMP_REG(JGT, R4, R3, 1), EBPF_LDX_MEM(W, R0, R2, 0), RET0),
    BAD("variable_offset_negative", VT_PKT, -EACCES, "variable offset may be negative", PKT_LOAD,
	EBPF_LDX_MEMSX(B, R5, R1, 12), EBPF_ALU64_REG(ADD, R2, R5), EBPF_MOV64_REG(R4, R2),
	EBPF_ALU64_IMM(ADD, R4, 4), EBPF_JMP_REG(JGT, R4, R3, 1), EBPF_LDX_MEM(W, R0, R2, 0), RET0),
    OK("write", VT_PKT, PKT_CHECK(14, 1), EBPF_ST_MEM(B, R2, 0, 1), RET0),
    BAD("write_unchecked", VT_PKT, -EACCES, "proven range 0", PKT_LOAD, EBPF_ST_MEM(B, R2, 0, 1),
	RET0),
    BAD("pointer_into_packet", VT_PKT, -EACCES, "pointer leak: storing a pointer (pkt",
	PKT_CHECK(14, 1), EBPF_STX_MEM(DW, R2, R2, 0), RET0),
    BAD("helper_invalidates", VT_PKT, -EACCES, "read of uninitialised register r7",
	EBPF_MOV64_REG(R6, R1), PKT_CHECK(14, 5), EBPF_MOV64_REG(R7, R2), EBPF_MOV64_REG(R1, R6),
	EBPF_MOV64_IMM(R2, 0), EBPF_HELPER_CALL(H_ADJUST_HEAD), EBPF_LDX_MEM(B, R0, R7, 0), RET0),
    BAD("helper_invalidates_spill", VT_PKT, -EACCES, "read of uninitialised stack at fp-8",
	EBPF_MOV64_REG(R6, R1), PKT_CHECK(14, 6), EBPF_STX_MEM(DW, R10, R2, -8),
	EBPF_MOV64_REG(R1, R6), EBPF_MOV64_IMM(R2, 0), EBPF_HELPER_CALL(H_ADJUST_HEAD),
	EBPF_LDX_MEM(DW, R2, R10, -8), EBPF_LDX_MEM(B, R0, R2, 0), RET0),
    OK("helper_then_reload", VT_PKT, EBPF_MOV64_REG(R6, R1), EBPF_MOV64_IMM(R2, 0),
       EBPF_HELPER_CALL(H_ADJUST_HEAD), EBPF_MOV64_REG(R1, R6), PKT_CHECK(14, 1), READ(13), RET0),
    OK("end_minus_data", VT_PKT, PKT_LOAD, EBPF_MOV64_REG(R0, R3), EBPF_ALU64_REG(SUB, R0, R2),
       EBPF_EXIT()),
    /* The length as a number (issue 20): r0 = data_end - (data + off) stays linked to
     * data + off, a lower bound proven on it proves the bytes; any change to it, a 32-bit
     * view, another offset or a moved packet proves nothing. */
    OK("len_jsge", VT_PKT, PKT_LEN(0), EBPF_JMP_IMM(JSGE, R0, 14, 2), RET0, READ(13), RET0),
    OK("len_jge_fall", VT_PKT, PKT_LEN(0), EBPF_JMP_IMM(JLT, R0, 14, 1), READ(13), RET0),
    OK("len_jgt", VT_PKT, PKT_LEN(0), EBPF_JMP_IMM(JGT, R0, 13, 2), RET0, READ(13), RET0),
    OK("len_const_reg_swapped", VT_PKT, PKT_LEN(0), EBPF_MOV64_IMM(R5, 14),
       EBPF_JMP_REG(JLE, R5, R0, 2), RET0, READ(13), RET0),
    OK("len_copy_checked", VT_PKT, PKT_LEN(0), EBPF_MOV64_REG(R6, R0),
       EBPF_JMP_IMM(JSLT, R6, 14, 1), READ(13), RET0),
    OK("len_spilled_checked", VT_PKT, PKT_LEN(0), EBPF_STX_MEM(DW, R10, R0, -8),
       EBPF_LDX_MEM(DW, R6, R10, -8), EBPF_JMP_IMM(JSLT, R6, 14, 1), READ(13), RET0),
    OK("len_at_offset", VT_PKT, PKT_LEN(4), EBPF_JMP_IMM(JSLT, R0, 10, 1), READ(13), RET0),
    BAD("len_one_short", VT_PKT, -EACCES, "offset 13 size 1, proven range 13", PKT_LEN(0),
	EBPF_JMP_IMM(JSGE, R0, 13, 2), RET0, READ(13), RET0),
    BAD("len_plus_one", VT_PKT, -EACCES, "proven range 0", PKT_LEN(0), EBPF_ALU64_IMM(ADD, R0, 1),
	EBPF_JMP_IMM(JSGE, R0, 14, 2), RET0, READ(12), RET0),
    BAD("len_shifted", VT_PKT, -EACCES, "proven range 0", PKT_LEN(0), EBPF_ALU64_IMM(LSH, R0, 1),
	EBPF_JMP_IMM(JSGE, R0, 14, 2), RET0, READ(6), RET0),
    BAD("len_alu32", VT_PKT, -EACCES, "proven range 0", PKT_LEN(0), EBPF_ALU32_IMM(ADD, R0, 0),
	EBPF_JMP_IMM(JSGE, R0, 14, 2), RET0, READ(0), RET0),
    BAD("len_jmp32", VT_PKT, -EACCES, "proven range 0", PKT_LEN(0), EBPF_JMP32_IMM(JSGE, R0, 14, 2),
	RET0, READ(0), RET0),
    BAD("len_narrow_fill", VT_PKT, -EACCES, "proven range 0", PKT_LEN(0),
	EBPF_STX_MEM(DW, R10, R0, -8), EBPF_LDX_MEM(W, R6, R10, -8), EBPF_JMP_IMM(JSLT, R6, 14, 1),
	READ(0), RET0),
    /* data_end - (data + 4) >= 10 proves 14 bytes from data, not from data + 4. */
    BAD("len_other_offset", VT_PKT, -EACCES, "offset 14 size 1, proven range 14", PKT_LEN(4),
	EBPF_JMP_IMM(JSLT, R0, 10, 1), READ(14), RET0),
    /* Past the end the distance is negative: unsigned, it is huge. */
    BAD("len_offset_unsigned", VT_PKT, -EACCES, "proven range 0", PKT_LEN(4),
	EBPF_JMP_IMM(JLT, R0, 10, 1), READ(0), RET0),
    BAD("len_reversed", VT_PKT, -EACCES, "proven range 0", PKT_LOAD, EBPF_MOV64_REG(R0, R2),
	EBPF_ALU64_REG(SUB, R0, R3), EBPF_JMP_IMM(JSLE, R0, -14, 2), RET0, READ(0), RET0),
    BAD("len_after_adjust_head", VT_PKT, -EACCES, "proven range 0", EBPF_MOV64_REG(R6, R1),
	PKT_LEN(0), EBPF_MOV64_REG(R7, R0), EBPF_MOV64_REG(R1, R6), EBPF_MOV64_IMM(R2, 0),
	EBPF_HELPER_CALL(H_ADJUST_HEAD), EBPF_MOV64_REG(R1, R6), PKT_LOAD,
	EBPF_JMP_IMM(JSLT, R7, 14, 1), READ(0), RET0),
    /* A path whose r0 is a copy of another value (not the length) joins the linked one. */
    BAD_AT("len_joined_unlinked", VT_PKT, 14, "proven range 0", PKT_LEN(0), EBPF_MOV64_REG(R5, R0),
	   EBPF_ALU64_IMM(AND, R5, 1), EBPF_JMP_IMM(JNE, R5, 0, 1), EBPF_JMP_A(3),
	   EBPF_MOV64_REG(R6, R0), EBPF_ALU64_IMM(ADD, R6, 0), EBPF_MOV64_REG(R0, R6),
	   EBPF_JMP_IMM(JSLT, R0, 14, 1), READ(13), RET0),
    /* The same with a checkpoint at the join, made by the linked path (8 insns since the
     * last): the unlinked path must not be pruned by it. */
    BAD_AT("len_pruned_unlinked", VT_PKT, 22, "proven range 0", PKT_LEN(0), EBPF_MOV64_REG(R5, R0),
	   EBPF_ALU64_IMM(AND, R5, 1), EBPF_JMP_IMM(JNE, R5, 0, 9), EBPF_MOV64_REG(R4, R4),
	   EBPF_MOV64_REG(R4, R4), EBPF_MOV64_REG(R4, R4), EBPF_MOV64_REG(R4, R4),
	   EBPF_MOV64_REG(R4, R4), EBPF_MOV64_REG(R4, R4), EBPF_MOV64_REG(R4, R4),
	   EBPF_MOV64_REG(R4, R4), EBPF_JMP_A(3), EBPF_MOV64_REG(R6, R0),
	   EBPF_ALU64_IMM(ADD, R6, 0), EBPF_MOV64_REG(R0, R6), EBPF_JMP_IMM(JSLT, R0, 14, 1),
	   READ(13), RET0),
    /* clang -mcpu=v3 computes ctx->data_end - ctx->data of __u32 fields in 32 bits. */
    OK("end_minus_data_32", VT_PKT, PKT_LOAD, EBPF_MOV64_REG(R0, R3), EBPF_ALU32_REG(SUB, R0, R2),
       EBPF_EXIT()),
    OK("end_minus_meta_32", VT_PKT, EBPF_LDX_MEM(W, R0, R1, 4), EBPF_LDX_MEM(W, R2, R1, 8),
       EBPF_ALU32_REG(SUB, R0, R2), EBPF_JMP_IMM(JGT, R0, 1500, 1), EBPF_EXIT(), RET0),
    BAD_AT("end_minus_data_32_is_scalar", VT_PKT, 4,
	   "memory access through r0, which is a scalar, not a pointer", PKT_LOAD,
	   EBPF_MOV64_REG(R0, R3), EBPF_ALU32_REG(SUB, R0, R2), EBPF_LDX_MEM(B, R0, R0, 0),
	   EBPF_EXIT()),
    BAD_AT("data_minus_fp_32", VT_PKT, 2, "32-bit arithmetic on pointer pkt", PKT_LOAD,
	   EBPF_ALU32_REG(SUB, R2, R10), RET0),
    BAD_AT("data_plus_end_32", VT_PKT, 2, "32-bit arithmetic on pointer pkt", PKT_LOAD,
	   EBPF_ALU32_REG(ADD, R2, R3), RET0),
    BAD_AT("data_minus_scalar_32", VT_PKT, 2, "32-bit arithmetic on pointer pkt", PKT_LOAD,
	   EBPF_ALU32_IMM(SUB, R2, 1), RET0),
    BAD("data_plus_end", VT_PKT, -EACCES, "pointer + pointer prohibited", PKT_LOAD,
	EBPF_ALU64_REG(ADD, R2, R3), RET0),
    BAD("compare_with_scalar", VT_PKT, -EACCES, "comparison of pointer pkt", PKT_LOAD,
	EBPF_JMP_IMM(JGT, R2, 100, 0), RET0),
    OK("meta", VT_PKT, PKT_LOAD, EBPF_LDX_MEM(W, R4, R1, 8), EBPF_MOV64_REG(R5, R4),
       EBPF_ALU64_IMM(ADD, R5, 4), EBPF_JMP_REG(JGT, R5, R2, 1), EBPF_LDX_MEM(W, R0, R4, 0), RET0),
    OK("meta_jle", VT_PKT, PKT_LOAD, EBPF_LDX_MEM(W, R4, R1, 8), EBPF_MOV64_REG(R5, R4),
       EBPF_ALU64_IMM(ADD, R5, 4), EBPF_JMP_REG(JLE, R5, R2, 2), RET0, EBPF_LDX_MEM(W, R0, R4, 0),
       RET0),
    OK("meta_data_jlt", VT_PKT, PKT_LOAD, EBPF_LDX_MEM(W, R4, R1, 8), EBPF_MOV64_REG(R5, R4),
       EBPF_ALU64_IMM(ADD, R5, 4), EBPF_JMP_REG(JLT, R2, R5, 1), EBPF_LDX_MEM(W, R0, R4, 0), RET0),
    OK("meta_data_moved_back", VT_PKT, PKT_LOAD, EBPF_LDX_MEM(W, R4, R1, 8), EBPF_MOV64_REG(R5, R4),
       EBPF_ALU64_IMM(ADD, R5, 4), EBPF_ALU64_IMM(ADD, R2, 8), EBPF_ALU64_IMM(SUB, R2, 8),
       EBPF_JMP_REG(JGT, R5, R2, 1), EBPF_LDX_MEM(W, R0, R4, 0), RET0),
    /* meta + K <= data + K proves only meta <= data (issue 17, hole 6). */
    BAD_AT("meta_vs_moved_data_jgt", VT_PKT, 7,
	   "packet metadata access out of proven range: offset 0 size 4, proven range 0", PKT_LOAD,
	   EBPF_LDX_MEM(W, R4, R1, 8), EBPF_MOV64_REG(R5, R4), EBPF_ALU64_IMM(ADD, R5, 4),
	   EBPF_ALU64_IMM(ADD, R2, 4), EBPF_JMP_REG(JGT, R5, R2, 1), EBPF_LDX_MEM(W, R0, R4, 0),
	   RET0),
    BAD_AT("meta_vs_moved_data_jle", VT_PKT, 9, "packet metadata access out of proven range",
	   PKT_LOAD, EBPF_LDX_MEM(W, R4, R1, 8), EBPF_MOV64_REG(R5, R4), EBPF_ALU64_IMM(ADD, R5, 4),
	   EBPF_ALU64_IMM(ADD, R2, 4), EBPF_JMP_REG(JLE, R5, R2, 2), RET0,
	   EBPF_LDX_MEM(W, R0, R4, 0), RET0),
    BAD_AT("moved_data_jlt_meta", VT_PKT, 7, "packet metadata access out of proven range", PKT_LOAD,
	   EBPF_LDX_MEM(W, R4, R1, 8), EBPF_MOV64_REG(R5, R4), EBPF_ALU64_IMM(ADD, R5, 4),
	   EBPF_ALU64_IMM(ADD, R2, 4), EBPF_JMP_REG(JLT, R2, R5, 1), EBPF_LDX_MEM(W, R0, R4, 0),
	   RET0),
    BAD_AT("moved_data_jge_meta", VT_PKT, 9, "packet metadata access out of proven range", PKT_LOAD,
	   EBPF_LDX_MEM(W, R4, R1, 8), EBPF_MOV64_REG(R5, R4), EBPF_ALU64_IMM(ADD, R5, 4),
	   EBPF_ALU64_IMM(ADD, R2, 4), EBPF_JMP_REG(JGE, R2, R5, 2), RET0,
	   EBPF_LDX_MEM(W, R0, R4, 0), RET0),
    BAD_AT("meta_vs_var_data", VT_PKT, 9, "packet metadata access out of proven range", PKT_LOAD,
	   EBPF_LDX_MEM(W, R4, R1, 8), EBPF_LDX_MEM(W, R6, R1, 12), EBPF_ALU64_IMM(AND, R6, 7),
	   EBPF_ALU64_REG(ADD, R2, R6), EBPF_MOV64_REG(R5, R4), EBPF_ALU64_IMM(ADD, R5, 4),
	   EBPF_JMP_REG(JGE, R5, R2, 1), EBPF_LDX_MEM(B, R0, R4, 0), RET0),
    BAD_AT("meta_vs_data_minus", VT_PKT, 7, "packet metadata access out of proven range", PKT_LOAD,
	   EBPF_LDX_MEM(W, R4, R1, 8), EBPF_MOV64_REG(R5, R4), EBPF_ALU64_IMM(ADD, R5, 4),
	   EBPF_ALU64_IMM(SUB, R2, 1), EBPF_JMP_REG(JGT, R5, R2, 1), EBPF_LDX_MEM(B, R0, R4, 0),
	   RET0),
    BAD_AT("pkt_vs_moved_pkt", VT_PKT, 7, "packet access out of proven range: offset 0 size 1", P14,
	   EBPF_MOV64_REG(R5, R2), EBPF_ALU64_IMM(ADD, R5, 4), EBPF_JMP_REG(JGT, R4, R5, 1),
	   READ(0), RET0),
    BAD_AT("var_range_not_shared", VT_PKT, 10, "packet access out of proven range: offset 0",
	   PKT_LOAD, EBPF_LDX_MEM(W, R6, R1, 12), EBPF_ALU64_IMM(AND, R6, 7),
	   EBPF_ALU64_REG(ADD, R2, R6), EBPF_MOV64_REG(R5, R2), EBPF_ALU64_REG(ADD, R5, R6),
	   EBPF_MOV64_REG(R4, R5), EBPF_ALU64_IMM(ADD, R4, 4), EBPF_JMP_REG(JGT, R4, R3, 1),
	   EBPF_LDX_MEM(W, R0, R2, 0), RET0),
    BAD("meta_unchecked", VT_PKT, -EACCES, "packet metadata access out of proven range",
	EBPF_LDX_MEM(W, R4, R1, 8), EBPF_LDX_MEM(W, R0, R4, 0), RET0),
    BAD("meta_against_end", VT_PKT, -EACCES, "packet metadata access out of proven range", PKT_LOAD,
	EBPF_LDX_MEM(W, R4, R1, 8), EBPF_MOV64_REG(R5, R4), EBPF_ALU64_IMM(ADD, R5, 4),
	EBPF_JMP_REG(JGT, R5, R3, 1), EBPF_LDX_MEM(W, R0, R4, 0), RET0),
    BAD("before_start", VT_PKT, -EACCES, "packet access before the start: offset -1",
	PKT_CHECK(14, 1), READ(-1), RET0),
    BAD("end_arith", VT_PKT, -EACCES, "pointer arithmetic on r3 (pkt_end", PKT_LOAD,
	EBPF_ALU64_IMM(ADD, R3, 1), RET0),
    OK("ld_abs", VT_PKT, EBPF_MOV64_REG(R6, R1), EBPF_LD_ABS(B, 0), EBPF_EXIT()),
    OK("ld_ind", VT_PKT, EBPF_MOV64_REG(R6, R1), EBPF_MOV64_IMM(R7, 2), EBPF_LD_IND(H, R7, 0),
       EBPF_EXIT()),
    BAD("ld_abs_no_packet", VT_PLAIN, -EACCES,
	"legacy packet load (ld_abs/ld_ind) needs a packet program type", EBPF_MOV64_REG(R6, R1),
	EBPF_LD_ABS(B, 0), EBPF_EXIT()),
    BAD("ld_abs_no_ctx_in_r6", VT_PKT, -EACCES, "needs the context in r6", EBPF_LD_ABS(W, 0),
	EBPF_EXIT()),
    BAD("ld_abs_clobbers", VT_PKT, -EACCES, "read of uninitialised register r2",
	EBPF_MOV64_REG(R6, R1), EBPF_MOV64_IMM(R2, 1), EBPF_LD_ABS(B, 0), EBPF_MOV64_REG(R0, R2),
	EBPF_EXIT()),
    BAD("ld_ind_uninit_index", VT_PKT, -EACCES, "index r7 must be an initialised scalar",
	EBPF_MOV64_REG(R6, R1), EBPF_LD_IND(B, R7, 0), EBPF_EXIT()),
    OK("u64_fields", VT_PKT64, EBPF_LDX_MEM(DW, R2, R1, 0), EBPF_LDX_MEM(DW, R3, R1, 8),
       EBPF_MOV64_REG(R4, R2), EBPF_ALU64_IMM(ADD, R4, 8), EBPF_JMP_REG(JGT, R4, R3, 1),
       EBPF_LDX_MEM(DW, R0, R2, 0), RET0),
    BAD("u64_fields_unchecked", VT_PKT64, -EACCES, "proven range 0", EBPF_LDX_MEM(DW, R2, R1, 0),
	EBPF_LDX_MEM(DW, R0, R2, 0), EBPF_EXIT()),
    OK("u32_data_u64_load", VT_PKT, EBPF_LDX_MEM(DW, R2, R1, 0), EBPF_LDX_MEM(W, R3, R1, 4),
       EBPF_MOV64_REG(R4, R2), EBPF_ALU64_IMM(ADD, R4, 1), EBPF_JMP_REG(JGT, R4, R3, 1), READ(0),
       RET0),
    BAD("compare_pkt_with_ctx", VT_PKT, -EACCES, "comparison of pointers of different types",
	PKT_LOAD, EBPF_JMP_REG(JGT, R2, R1, 0), RET0),
    /* A pointer inside the proven range compared with data_end again: the branch is decided
     * and its impossible side (reading uninitialised stack) never walked. The twins leave the
     * range, or compare where the range does not decide (p >= end at the range's end, a
     * pointer moved by an unknown amount). */
    OK("pkt_end_gt_decided", VT_PKT, PKT_END_AGAIN(10, JGT, R5, R3)),
    OK("pkt_end_lt_swapped_decided", VT_PKT, PKT_END_AGAIN(10, JLT, R3, R5)),
    OK("pkt_end_ge_decided", VT_PKT, PKT_END_AGAIN(13, JGE, R5, R3)),
    OK("pkt_end_eq_decided", VT_PKT, PKT_END_AGAIN(13, JEQ, R5, R3)),
    OK("pkt_end_le_swapped_decided", VT_PKT, PKT_END_AGAIN(13, JLE, R3, R5)),
    BAD("pkt_end_gt_past_range", VT_PKT, -EACCES, "read of uninitialised stack",
	PKT_END_AGAIN(15, JGT, R5, R3)),
    BAD("pkt_end_ge_at_range_end", VT_PKT, -EACCES, "read of uninitialised stack",
	PKT_END_AGAIN(14, JGE, R5, R3)),
    BAD("pkt_end_le_swapped_at_range_end", VT_PKT, -EACCES, "read of uninitialised stack",
	PKT_END_AGAIN(14, JLE, R3, R5)),
    BAD("pkt_end_eq_at_range_end", VT_PKT, -EACCES, "read of uninitialised stack",
	PKT_END_AGAIN(14, JEQ, R5, R3)),
    BAD("pkt_end_variable_offset", VT_PKT, -EACCES, "read of uninitialised stack",
	EBPF_MOV64_REG(R7, R1), RAND(R6), EBPF_MOV64_REG(R1, R7), PKT_CHECK(14, 4),
	EBPF_ALU64_IMM(AND, R6, 7), EBPF_MOV64_REG(R5, R2), EBPF_ALU64_REG(ADD, R5, R6),
	EBPF_JMP_REG(JGT, R5, R3, 2), RET0, EBPF_LDX_MEM(DW, R0, R10, -8), EBPF_EXIT()),

    /* A second comparison with data_end on a path where the first put the pointer past it
     * (p > end) or at it (p >= end): decided as Linux decides it (is_pkt_ptr_branch_taken). The
     * twins: the first comparison left p == end open, the second is on the path where the first
     * proved p inside, the pointer moved (forward too: Linux 6.18 forgets it then), another
     * pointer, and a path where nothing was compared meeting one where it was. */
    OK("pkt_end_beyond_gt_again", VT_PKT,
       PKT_END_TWICE(OUT_TAKEN(JGT, R5, R3), BAD_FALL(JGT, R5, R3))),
    OK("pkt_end_beyond_le_again", VT_PKT,
       PKT_END_TWICE(OUT_TAKEN(JGT, R5, R3), BAD_TAKEN(JLE, R5, R3))),
    OK("pkt_end_beyond_from_le_fall", VT_PKT,
       PKT_END_TWICE(OUT_FALL(JLE, R5, R3), BAD_FALL(JGE, R5, R3))),
    OK("pkt_end_beyond_swapped_lt", VT_PKT,
       PKT_END_TWICE(OUT_TAKEN(JLT, R3, R5), BAD_TAKEN(JLT, R5, R3))),
    OK("pkt_end_beyond_from_ge_fall_swapped", VT_PKT,
       PKT_END_TWICE(OUT_FALL(JGE, R3, R5), BAD_FALL(JGT, R5, R3))),
    OK("pkt_end_at_ge_lt_again", VT_PKT,
       PKT_END_TWICE(OUT_TAKEN(JGE, R5, R3), BAD_TAKEN(JLT, R5, R3))),
    OK("pkt_end_at_from_gt_swapped_fall", VT_PKT,
       PKT_END_TWICE(OUT_FALL(JGT, R3, R5), BAD_FALL(JGE, R5, R3))),
    OK("pkt_end_beyond_copy", VT_PKT,
       PKT_END_TWICE(OUT_TAKEN(JGT, R5, R3), BAD_FALL(JGT, R6, R3), EBPF_MOV64_REG(R6, R5), )),
    OK("pkt_end_beyond_le_swapped_again", VT_PKT,
       PKT_END_TWICE(OUT_TAKEN(JGT, R5, R3), BAD_FALL(JLE, R3, R5))),
    OK("pkt_end_beyond_spilled", VT_PKT,
       PKT_END_TWICE(OUT_TAKEN(JGT, R5, R3), BAD_FALL(JGT, R5, R3), EBPF_STX_MEM(DW, R10, R5, -16),
		     EBPF_MOV64_IMM(R5, 0), EBPF_LDX_MEM(DW, R5, R10, -16), )),
    /* Linux's ctx_skb "pkt > pkt_end taken check". */
    OK("pkt_end_taken_check_joined", VT_PKT,
       TAKEN_CHECK(EBPF_JMP_REG(JGT, R5, R3, 2), EBPF_JMP_REG(JGT, R5, R3, 1))),
    /* Its twin "pkt_end < pkt taken check": data_end < p, both times. */
    OK("pkt_end_lt_taken_check_joined", VT_PKT,
       TAKEN_CHECK(EBPF_JMP_REG(JLT, R3, R5, 2), EBPF_JMP_REG(JLT, R3, R5, 1))),
    /* The same with the first comparison p >= end: p == end is left open on the path where
     * r1 is 0. */
    BAD("pkt_end_taken_check_joined_ge", VT_PKT, -EACCES, "through r1, which is a scalar",
	TAKEN_CHECK(EBPF_JMP_REG(JGE, R5, R3, 2), EBPF_JMP_REG(JGT, R5, R3, 1))),
    BAD("pkt_end_at_gt_undecided", VT_PKT, -EACCES, "read of uninitialised register r8",
	PKT_END_TWICE(OUT_TAKEN(JGE, R5, R3), BAD_FALL(JGT, R5, R3))),
    BAD("pkt_end_at_le_undecided", VT_PKT, -EACCES, "read of uninitialised register r8",
	PKT_END_TWICE(OUT_FALL(JGT, R3, R5), BAD_TAKEN(JLE, R5, R3))),
    BAD("pkt_end_inside_then_ge", VT_PKT, -EACCES, "read of uninitialised register r8",
	PKT_END_TWICE(OUT_FALL(JGT, R5, R3), BAD_TAKEN(JGE, R5, R3))),
    BAD("pkt_end_beyond_moved_forward", VT_PKT, -EACCES, "read of uninitialised register r8",
	PKT_END_TWICE(OUT_TAKEN(JGT, R5, R3), BAD_FALL(JGT, R5, R3), EBPF_ALU64_IMM(ADD, R5, 8), )),
    BAD("pkt_end_beyond_moved_back", VT_PKT, -EACCES, "read of uninitialised register r8",
	PKT_END_TWICE(OUT_TAKEN(JGT, R5, R3), BAD_FALL(JGT, R5, R3),
		      EBPF_ALU64_IMM(ADD, R5, -1), )),
    BAD("pkt_end_beyond_sub_moved_back", VT_PKT, -EACCES, "read of uninitialised register r8",
	PKT_END_TWICE(OUT_TAKEN(JGT, R5, R3), BAD_FALL(JGT, R5, R3), EBPF_ALU64_IMM(SUB, R5, 1), )),
    BAD("pkt_end_beyond_variable_move", VT_PKT, -EACCES, "read of uninitialised register r8",
	PKT_END_TWICE(OUT_TAKEN(JGT, R5, R3), BAD_FALL(JGT, R5, R3), EBPF_MOV64_REG(R6, R3),
		      EBPF_ALU64_REG(SUB, R6, R5), EBPF_ALU64_IMM(AND, R6, 7),
		      EBPF_ALU64_REG(ADD, R5, R6), )),
    BAD("pkt_end_beyond_other_pointer", VT_PKT, -EACCES, "read of uninitialised register r8",
	PKT_END_TWICE(OUT_TAKEN(JGT, R5, R3), BAD_FALL(JGT, R6, R3), EBPF_MOV64_REG(R6, R2),
		      EBPF_ALU64_IMM(ADD, R6, 41), )),
    BAD("pkt_end_beyond_meets_unknown", VT_PKT, -EACCES, "read of uninitialised register r8",
	EBPF_MOV64_REG(R9, R1), RAND(R6), EBPF_LDX_MEM(W, R2, R9, 0), EBPF_LDX_MEM(W, R3, R9, 4),
	EBPF_MOV64_REG(R5, R2), EBPF_ALU64_IMM(ADD, R5, 42), EBPF_JMP_IMM(JEQ, R6, 0, 3),
	EBPF_JMP_REG(JGT, R5, R3, 2), RET0, BAD_FALL(JGT, R5, R3)), );
