// SPDX-License-Identifier: MIT
/*
 * bpf_trace_printk: the format is a constant the verifier reads and parses, and what each
 * conversion reads is proven (strings NUL-terminated in readable memory, addresses readable,
 * no pointer printed as a number), as Linux's bpf_snprintf rules.
 */
#include "vmacros.h"

/* r1 = the format FMT_x of MAP_FMTS, r2 = 16: 3 slots */
#define FMT(f)	     EBPF_LD_MAP_VALUE(R1, MAP_FMTS, 16 * (f)), EBPF_MOV64_IMM(R2, 16)
#define STR(reg, f)  EBPF_LD_MAP_VALUE(reg, MAP_FMTS, 16 * (f))
#define PRINTK_EXIT  EBPF_HELPER_CALL(H_PRINTK), EBPF_EXIT()
/* fp-8 = the 8 bytes of v as one spilled constant: 3 slots */
#define STACK8(v)    EBPF_LD_IMM64(R1, v), EBPF_STX_MEM(DW, R10, R1, -8)
/* r3 = fp-8 */
#define R3_FP8	     EBPF_MOV64_REG(R3, R10), EBPF_ALU64_IMM(ADD, R3, -8)
#define STRING_ARG   "must point to a NUL-terminated string in read-only global data or on the stack"
#define NOT_CONSTANT "the format must be a constant the verifier can read"

DEFINE_CASES(
    printk,
    /* ---- the format ---- */
    OK("fmt_rodata", VT_PLAIN, FMT(FMT_D), EBPF_MOV64_IMM(R3, 5), PRINTK_EXIT),
    OK("fmt_stack_constant", VT_PLAIN, STACK8(0x6425), EBPF_MOV64_REG(R1, R10),
       EBPF_ALU64_IMM(ADD, R1, -8), EBPF_MOV64_IMM(R2, 8), EBPF_MOV64_IMM(R3, 5), PRINTK_EXIT),
    BAD("fmt_stack_unknown_bytes", VT_PLAIN, -EACCES,
	"helper bpf_trace_printk: format byte 0 is not known at verification",
	EBPF_LDX_MEM(W, R3, R1, 0), EBPF_STX_MEM(DW, R10, R3, -8), EBPF_MOV64_REG(R1, R10),
	EBPF_ALU64_IMM(ADD, R1, -8), EBPF_MOV64_IMM(R2, 8), PRINTK_EXIT),
    /* A narrow constant and the zero bytes stored beside it are all known: the format is "%s",
     * and its argument is what is refused. */
    BAD("fmt_stack_partial_store", VT_PLAIN, -EACCES, "the %s argument r3 (4096) " STRING_ARG,
	EBPF_ST_MEM(W, R10, -8, 0x7325), EBPF_ST_MEM(W, R10, -4, 0), EBPF_MOV64_REG(R1, R10),
	EBPF_ALU64_IMM(ADD, R1, -8), EBPF_MOV64_IMM(R2, 8), EBPF_MOV64_IMM(R3, 0x1000),
	PRINTK_EXIT),
    /* clang's char fmt[] = "...%d\n": the last characters stored as a 2-byte constant, then the
     * NUL byte beside them (samples/bpf, prototype-kernel, Suricata). */
    OK("fmt_stack_narrow_then_nul", VT_PLAIN, EBPF_ST_MEM(H, R10, -8, 0x6425),
       EBPF_ST_MEM(B, R10, -6, 0), EBPF_MOV64_REG(R1, R10), EBPF_ALU64_IMM(ADD, R1, -8),
       EBPF_MOV64_IMM(R2, 3), EBPF_MOV64_IMM(R3, 5), PRINTK_EXIT),
    OK("fmt_stack_narrow_reg_then_nul", VT_PLAIN, EBPF_MOV64_IMM(R1, 0x6425),
       EBPF_STX_MEM(H, R10, R1, -8), EBPF_MOV64_IMM(R7, 0), EBPF_STX_MEM(B, R10, R7, -6),
       EBPF_MOV64_REG(R1, R10), EBPF_ALU64_IMM(ADD, R1, -8), EBPF_MOV64_IMM(R2, 3),
       EBPF_MOV64_IMM(R3, 5), PRINTK_EXIT),
    /* A byte of the narrow constant overwritten afterwards: that byte is unknown, the others
     * stay known. */
    BAD("fmt_stack_narrow_byte_overwritten", VT_PLAIN, -EACCES,
	"helper bpf_trace_printk: format byte 1 is not known at verification",
	EBPF_ST_MEM(H, R10, -8, 0x6425), EBPF_ST_MEM(B, R10, -6, 0), EBPF_LDX_MEM(B, R3, R1, 0),
	EBPF_STX_MEM(B, R10, R3, -7), EBPF_MOV64_REG(R1, R10), EBPF_ALU64_IMM(ADD, R1, -8),
	EBPF_MOV64_IMM(R2, 3), EBPF_MOV64_IMM(R3, 5), PRINTK_EXIT),
    /* The byte beside it, where the NUL belongs, unknown. */
    BAD("fmt_stack_narrow_unknown_beside", VT_PLAIN, -EACCES,
	"helper bpf_trace_printk: format byte 2 is not known at verification",
	EBPF_ST_MEM(H, R10, -8, 0x6425), EBPF_LDX_MEM(B, R3, R1, 0), EBPF_STX_MEM(B, R10, R3, -6),
	EBPF_MOV64_REG(R1, R10), EBPF_ALU64_IMM(ADD, R1, -8), EBPF_MOV64_IMM(R2, 3),
	EBPF_MOV64_IMM(R3, 5), PRINTK_EXIT),
    /* A wider store over the narrow constant and the NUL: the spill is gone. */
    BAD("fmt_stack_narrow_covered", VT_PLAIN, -EACCES,
	"helper bpf_trace_printk: format byte 0 is not known at verification",
	EBPF_ST_MEM(H, R10, -8, 0x6425), EBPF_ST_MEM(B, R10, -6, 0), EBPF_LDX_MEM(W, R3, R1, 0),
	EBPF_STX_MEM(W, R10, R3, -8), EBPF_ST_MEM(B, R10, -6, 0), EBPF_MOV64_REG(R1, R10),
	EBPF_ALU64_IMM(ADD, R1, -8), EBPF_MOV64_IMM(R2, 3), EBPF_MOV64_IMM(R3, 5), PRINTK_EXIT),
    /* A type that may disclose pointers (Linux's tracing types) leaves a format it cannot read
     * to the helper, as Linux does: a string in writable data. It must still be initialised
     * memory of the size given. A string stored in 4-, 2- and 1-byte constant pieces of one
     * slot (clang's layout of a 15-byte "skb %p len %d\n") is known whole, in any type. */
    OK("fmt_unknown_leak_type", VT_LEAK, EBPF_ST_MEM(W, R10, -8, 0x78206425),
       EBPF_ST_MEM(H, R10, -4, 0x0a21), EBPF_ST_MEM(B, R10, -2, 0), EBPF_MOV64_REG(R1, R10),
       EBPF_ALU64_IMM(ADD, R1, -8), EBPF_MOV64_IMM(R2, 7), EBPF_MOV64_IMM(R3, 5), PRINTK_EXIT),
    OK("fmt_writable_map_leak_type", VT_LEAK, EBPF_LD_MAP_VALUE(R1, MAP_DATA, 0),
       EBPF_MOV64_IMM(R2, 8), EBPF_MOV64_IMM(R3, 0x1000), PRINTK_EXIT),
    OK("fmt_pieces_plain_type", VT_PLAIN, EBPF_ST_MEM(W, R10, -8, 0x78206425),
       EBPF_ST_MEM(H, R10, -4, 0x0a21), EBPF_ST_MEM(B, R10, -2, 0), EBPF_MOV64_REG(R1, R10),
       EBPF_ALU64_IMM(ADD, R1, -8), EBPF_MOV64_IMM(R2, 7), EBPF_MOV64_IMM(R3, 5), PRINTK_EXIT),
    BAD("fmt_unknown_leak_type_uninit_byte", VT_LEAK, -EACCES, "uninitialised stack at fp-1",
	EBPF_ST_MEM(W, R10, -8, 0x78206425), EBPF_ST_MEM(H, R10, -4, 0x0a21),
	EBPF_ST_MEM(B, R10, -2, 0), EBPF_MOV64_REG(R1, R10), EBPF_ALU64_IMM(ADD, R1, -8),
	EBPF_MOV64_IMM(R2, 8), EBPF_MOV64_IMM(R3, 5), PRINTK_EXIT),
    BAD("fmt_unknown_leak_type_past_stack", VT_LEAK, -EACCES, "out of the stack",
	EBPF_ST_MEM(W, R10, -8, 0x78206425), EBPF_ST_MEM(H, R10, -4, 0x0a21),
	EBPF_ST_MEM(B, R10, -2, 0), EBPF_MOV64_REG(R1, R10), EBPF_ALU64_IMM(ADD, R1, -8),
	EBPF_MOV64_IMM(R2, 16), EBPF_MOV64_IMM(R3, 5), PRINTK_EXIT),
    BAD("fmt_writable_map", VT_PLAIN, -EACCES, NOT_CONSTANT, EBPF_LD_MAP_VALUE(R1, MAP_DATA, 0),
	EBPF_MOV64_IMM(R2, 8), EBPF_MOV64_IMM(R3, 0x1000), PRINTK_EXIT),
    BAD("fmt_rdonly_prog_map_not_frozen", VT_PLAIN, -EACCES, NOT_CONSTANT,
	EBPF_LD_MAP_VALUE(R1, MAP_RO_GLOBAL, 0), EBPF_MOV64_IMM(R2, 8), EBPF_MOV64_IMM(R3, 0x1000),
	PRINTK_EXIT),
    BAD("fmt_variable_offset", VT_PLAIN, -EACCES, NOT_CONSTANT, RAND(R6),
	EBPF_ALU64_IMM(AND, R6, 16), EBPF_LD_MAP_VALUE(R1, MAP_FMTS, 0),
	EBPF_ALU64_REG(ADD, R1, R6), EBPF_MOV64_IMM(R2, 16), EBPF_MOV64_IMM(R3, 0x1000),
	PRINTK_EXIT),
    BAD("fmt_no_nul_within_size", VT_PLAIN, -EACCES,
	"the format has no NUL within its size (23 bytes at least)",
	EBPF_LD_MAP_VALUE(R1, MAP_RODATA, 9), EBPF_MOV64_IMM(R2, 23), PRINTK_EXIT),
    BAD("fmt_nul_past_least_size", VT_PLAIN, -EACCES,
	"the format has no NUL within its size (1 bytes at least)", RAND(R2),
	EBPF_ALU64_IMM(AND, R2, 7), EBPF_ALU64_IMM(ADD, R2, 1), STR(R1, FMT_D),
	EBPF_MOV64_IMM(R3, 5), PRINTK_EXIT),
    BAD("fmt_more_than_three", VT_PLAIN, -EACCES, "more than 3 conversions", FMT(FMT_FOUR),
	EBPF_MOV64_IMM(R3, 1), EBPF_MOV64_IMM(R4, 2), EBPF_MOV64_IMM(R5, 3), PRINTK_EXIT),
    BAD("fmt_precision", VT_PLAIN, -EACCES,
	"conversion '%5' at format offset 0 is not one Linux accepts", FMT(FMT_PRECISION),
	EBPF_MOV64_IMM(R3, 1), PRINTK_EXIT),
    BAD("fmt_percent_n", VT_PLAIN, -EACCES, "conversion '%' at format offset 0", FMT(FMT_N),
	EBPF_MOV64_IMM(R3, 1), PRINTK_EXIT),
    BAD("fmt_s_glued", VT_PLAIN, -EACCES, "conversion '%s' at format offset 0", FMT(FMT_SFOO),
	STR(R3, FMT_STR), PRINTK_EXIT),
    BAD("fmt_non_printable", VT_PLAIN, -EACCES, "neither printable ASCII nor white space",
	FMT(FMT_NONPRINT), PRINTK_EXIT),
    OK("fmt_percent_literal", VT_PLAIN, FMT(FMT_PERCENT), EBPF_MOV64_IMM(R3, 7), PRINTK_EXIT),
    OK("fmt_unused_args_free", VT_PLAIN, FMT(FMT_D), EBPF_MOV64_IMM(R3, 7), PRINTK_EXIT),

    /* ---- strings ---- */
    OK("s_rodata", VT_PLAIN, FMT(FMT_S), STR(R3, FMT_STR), PRINTK_EXIT),
    OK("s_stack", VT_PLAIN, STACK8(0x6968), FMT(FMT_S), R3_FP8, PRINTK_EXIT),
    OK("pks_pus", VT_PLAIN, STACK8(0x6968), FMT(FMT_PKS_PUS), R3_FP8, STR(R4, FMT_STR),
       PRINTK_EXIT),
    /* The way to print a map string: copy it to the stack and store its terminator. */
    OK("s_map_string_copied_and_terminated", VT_PLAIN, EBPF_LD_MAP_VALUE(R1, MAP_DATA, 0),
       EBPF_LDX_MEM(DW, R2, R1, 0), EBPF_STX_MEM(DW, R10, R2, -16), EBPF_ST_MEM(B, R10, -9, 0),
       FMT(FMT_S), EBPF_MOV64_REG(R3, R10), EBPF_ALU64_IMM(ADD, R3, -16), PRINTK_EXIT),
    BAD("s_map_string_copied_unterminated", VT_PLAIN, -EACCES, "(at fp-8)",
	EBPF_LD_MAP_VALUE(R1, MAP_DATA, 0), EBPF_LDX_MEM(DW, R2, R1, 0),
	EBPF_STX_MEM(DW, R10, R2, -16), FMT(FMT_S), EBPF_MOV64_REG(R3, R10),
	EBPF_ALU64_IMM(ADD, R3, -16), PRINTK_EXIT),
    BAD("s_scalar_address", VT_PLAIN, -EACCES, "the %s argument r3 (4096) " STRING_ARG, FMT(FMT_S),
	EBPF_MOV64_IMM(R3, 0x1000), PRINTK_EXIT),
    BAD("pks_scalar_address", VT_PLAIN, -EACCES, "the %pks argument r3", FMT(FMT_PKS_PUS),
	EBPF_LD_IMM64(R3, 0x7fff00001000ull), STR(R4, FMT_STR), PRINTK_EXIT),
    BAD("pus_scalar_address", VT_PLAIN, -EACCES, "the %pus argument r4", FMT(FMT_PKS_PUS),
	STR(R3, FMT_STR), EBPF_MOV64_IMM(R4, 64), PRINTK_EXIT),
    BAD("s_map_value", VT_PLAIN, -EACCES, "the %s argument r3 (map_value", FMT(FMT_S),
	EBPF_LD_MAP_VALUE(R3, MAP_DATA, 0), PRINTK_EXIT),
    BAD("s_ctx", VT_PLAIN, -EACCES, "the %s argument r3 (ctx", EBPF_MOV64_REG(R3, R1), FMT(FMT_S),
	PRINTK_EXIT),
    BAD("s_rodata_unterminated", VT_PLAIN, -EACCES, "the %s argument r3", FMT(FMT_S),
	EBPF_LD_MAP_VALUE(R3, MAP_RODATA, 9), PRINTK_EXIT),
    BAD("s_stack_unterminated", VT_PLAIN, -EACCES,
	"the %s string at r3 reaches uninitialised stack, a spilled pointer or the frame's top "
	"before a NUL the verifier knows (at fp+0)",
	STACK8(0x4141414141414141ull), FMT(FMT_S), R3_FP8, PRINTK_EXIT),
    BAD("s_stack_unknown_bytes", VT_PLAIN, -EACCES, "(at fp-4)",
	EBPF_ST_MEM(W, R10, -8, 0x41414141), FMT(FMT_S), R3_FP8, PRINTK_EXIT),
    BAD("s_stack_spilled_pointer", VT_LEAK, -EACCES, "(at fp-8)", EBPF_STX_MEM(DW, R10, R10, -8),
	FMT(FMT_S), R3_FP8, PRINTK_EXIT),
    BAD("s_stack_variable_offset", VT_PLAIN, -EACCES, STRING_ARG, STACK8(0), RAND(R3),
	EBPF_ALU64_IMM(AND, R3, 7), EBPF_ALU64_REG(ADD, R3, R10), EBPF_ALU64_IMM(ADD, R3, -8),
	FMT(FMT_S), PRINTK_EXIT),
    BAD("s_packet", VT_PKT, -EACCES, "the %s argument r3 (pkt", PKT_CHECK(8, 6),
	EBPF_MOV64_REG(R3, R2), FMT(FMT_S), PRINTK_EXIT, RET0),

    /* ---- addresses ---- */
    OK("pI4_stack", VT_PLAIN, EBPF_ST_MEM(W, R10, -8, 0x0100007f), FMT(FMT_PI4), R3_FP8,
       PRINTK_EXIT),
    BAD("pI4_scalar_address", VT_PLAIN, -EACCES,
	"helper bpf_trace_printk %pI4 argument r3: r3 (2130706433) is not a pointer to stack",
	FMT(FMT_PI4), EBPF_MOV64_IMM(R3, 0x7f000001), PRINTK_EXIT),
    BAD("pI4_uninit_stack", VT_PLAIN, -EACCES, "%pI4 argument r3: uninitialised stack at fp-8",
	FMT(FMT_PI4), R3_FP8, PRINTK_EXIT),
    BAD("pI6_past_stack", VT_PLAIN, -EACCES, "%pI6 argument r3: stack range fp-8..fp+8 out",
	EBPF_ST_MEM(DW, R10, -8, 0), FMT(FMT_PI6), R3_FP8, PRINTK_EXIT),
    OK("pI6_map_value", VT_PLAIN, LOOKUP(MAP_HASH), EBPF_JMP_IMM(JEQ, R0, 0, 6),
       EBPF_MOV64_REG(R3, R0), FMT(FMT_PI6), PRINTK_EXIT, RET0),
    BAD("pI6_write_only_map", VT_PLAIN, -EACCES, "read from write-only map 'wo_global'",
	FMT(FMT_PI6), EBPF_LD_MAP_VALUE(R3, MAP_WO_GLOBAL, 0), PRINTK_EXIT),
    BAD("pi6_past_map_value", VT_PLAIN, -EACCES, "map value access out of bounds", FMT(FMT_PI6_LLD),
	EBPF_LD_MAP_VALUE(R3, MAP_RO_GLOBAL, 8), EBPF_MOV64_IMM(R4, 1), PRINTK_EXIT),
    OK("pI4_packet_checked", VT_PKT, PKT_CHECK(8, 6), EBPF_MOV64_REG(R3, R2), FMT(FMT_PI4),
       PRINTK_EXIT, RET0),
    BAD("pI4_packet_unchecked", VT_PKT, -EACCES, "out of proven range", PKT_LOAD,
	EBPF_MOV64_REG(R3, R2), FMT(FMT_PI4), PRINTK_EXIT),

    /* ---- values ---- */
    OK("p_scalar", VT_PLAIN, FMT(FMT_P), EBPF_MOV64_IMM(R3, 0x1234), PRINTK_EXIT),
    OK("pK_scalar", VT_PLAIN, FMT(FMT_PK), EBPF_MOV64_IMM(R3, 0x1234), PRINTK_EXIT),
    BAD("p_pointer", VT_PLAIN, -EACCES, "the %p argument r3 (fp-8) prints a pointer", FMT(FMT_P),
	R3_FP8, PRINTK_EXIT),
    OK("p_pointer_allowed", VT_LEAK, FMT(FMT_P), R3_FP8, PRINTK_EXIT),
    BAD("lld_map_pointer", VT_PLAIN, -EACCES, "the %lld argument r4 (map_value", FMT(FMT_PI6_LLD),
	EBPF_ST_MEM(DW, R10, -16, 0), EBPF_ST_MEM(DW, R10, -8, 0), EBPF_MOV64_REG(R3, R10),
	EBPF_ALU64_IMM(ADD, R3, -16), EBPF_LD_MAP_VALUE(R4, MAP_DATA, 0), PRINTK_EXIT),
    BAD("c_uninit", VT_PLAIN, -EACCES, "the %c argument r3 is uninitialised", FMT(FMT_C_X),
	PRINTK_EXIT), );
