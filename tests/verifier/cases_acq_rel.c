// SPDX-License-Identifier: MIT
/*
 * Load-acquire and store-release (Linux 6.15, BPF_STX | BPF_ATOMIC with imm 0x100 / 0x110):
 * a load and a store in every size, with the pointer rules of ldx and stx, except that Linux
 * refuses them on the context, the packet and sockets and always wants them naturally aligned.
 * Each accepted shape has its unsafe twin.
 */
#include "vmacros.h"

#define LDACQ(sz, d, s, o) EBPF_ATOMIC_OP(sz, EBPF_ATOMIC_LOAD_ACQ, d, s, o)
#define STREL(sz, d, s, o) EBPF_ATOMIC_OP(sz, EBPF_ATOMIC_STORE_REL, d, s, o)
#define IF_NULL_RET(skip)  EBPF_JMP_IMM(JEQ, R0, 0, skip)
#define MISALIGNED	   "misaligned atomic access"
#define RO		   "r10 (frame pointer) is read-only"

DEFINE_CASES(
    acq_rel,
    /* Every size from the stack; the loaded value is what was spilled (r6 = 5 indexes .data). */
    OK("load_b_stack", VT_PLAIN, EBPF_ST_MEM(DW, R10, -8, 5), LDACQ(B, R6, R10, -8), PROBE(R6)),
    OK("load_h_stack", VT_PLAIN, EBPF_ST_MEM(DW, R10, -8, 5), LDACQ(H, R6, R10, -8), PROBE(R6)),
    OK("load_w_stack", VT_PLAIN, EBPF_ST_MEM(DW, R10, -8, 5), LDACQ(W, R6, R10, -8), PROBE(R6)),
    OK("load_dw_stack", VT_PLAIN, EBPF_ST_MEM(DW, R10, -8, 5), LDACQ(DW, R6, R10, -8), PROBE(R6)),
    BAD("load_dw_stack_value_too_big", VT_PLAIN, -EACCES, PROBE_OOB, EBPF_ST_MEM(DW, R10, -8, 64),
	LDACQ(DW, R6, R10, -8), PROBE(R6)),
    /* The narrow sizes zero-extend: a byte of -1 is 255, not -1. */
    OK("load_b_zero_extends", VT_PLAIN, EBPF_ST_MEM(DW, R10, -8, -1), LDACQ(B, R6, R10, -8),
       EBPF_ALU64_IMM(RSH, R6, 2), PROBE(R6)),
    BAD("load_dw_no_zero_extension", VT_PLAIN, -EACCES, "pointer offset out of range",
	EBPF_ST_MEM(DW, R10, -8, -1), LDACQ(DW, R6, R10, -8), EBPF_ALU64_IMM(RSH, R6, 2),
	PROBE(R6)),
    /* Its base may be its destination: the address is read before the register is written. */
    OK("load_into_own_base", VT_PLAIN, EBPF_ST_MEM(DW, R10, -8, 3), EBPF_MOV64_REG(R6, R10),
       LDACQ(DW, R6, R6, -8), PROBE(R6)),
    /* An unwritten slot is no more readable than by ldx. */
    BAD("load_uninit_stack", VT_PLAIN, -EACCES, "read of uninitialised stack at fp-8",
	LDACQ(DW, R6, R10, -8), RET0),
    /* Map values, in bounds and aligned; the twins pass the end and straddle a word. */
    OK("load_map_value", VT_PLAIN, LOOKUP(MAP_HASH), IF_NULL_RET(1), LDACQ(DW, R0, R0, 8), RET0),
    BAD("load_map_value_past_end", VT_PLAIN, -EACCES, "map value access out of bounds",
	LOOKUP(MAP_HASH), IF_NULL_RET(1), LDACQ(DW, R0, R0, 16), RET0),
    BAD("load_map_value_misaligned", VT_PLAIN, -EACCES, MISALIGNED, LOOKUP(MAP_HASH),
	IF_NULL_RET(1), LDACQ(W, R0, R0, 6), RET0),
    BAD("load_map_value_or_null", VT_PLAIN, -EACCES, "before a null check", LOOKUP(MAP_HASH),
	LDACQ(DW, R0, R0, 8), RET0),
    /* A byte is aligned anywhere; a word only at a multiple of four, even where ldx is not
     * (a map value; Linux wants every stack access aligned). */
    OK("load_b_odd_offset", VT_PLAIN, EBPF_ST_MEM(DW, R10, -8, 0), LDACQ(B, R0, R10, -7),
       EBPF_EXIT()),
    OK("ldx_w_misaligned_map_value", VT_PLAIN, LOOKUP(MAP_HASH), IF_NULL_RET(1),
       EBPF_LDX_MEM(W, R0, R0, 6), RET0),
    BAD("load_w_misaligned_stack", VT_PLAIN, -EACCES, MISALIGNED, EBPF_ST_MEM(DW, R10, -8, 0),
	LDACQ(W, R0, R10, -6), EBPF_EXIT()),
    BAD("load_h_misaligned_stack", VT_PLAIN, -EACCES, MISALIGNED, EBPF_ST_MEM(DW, R10, -8, 0),
	LDACQ(H, R0, R10, -7), EBPF_EXIT()),
    /* The context: ldx may read it, load-acquire may not (Linux's atomic_ptr_type_ok). */
    OK("ldx_ctx", VT_PLAIN, EBPF_LDX_MEM(W, R0, R1, 0), EBPF_EXIT()),
    BAD("load_ctx", VT_PLAIN, -EACCES, "load-acquire through r1", LDACQ(W, R0, R1, 0), EBPF_EXIT()),
    BAD("store_ctx", VT_PLAIN, -EACCES, "store-release through r1", EBPF_MOV64_IMM(R2, 0),
	STREL(W, R1, R2, 16), RET0),
    /* The packet, bounds checked: ldx may read it, load-acquire may not. */
    OK("ldx_packet", VT_PKT, PKT_CHECK(8, 1), EBPF_LDX_MEM(W, R0, R2, 0), RET0),
    BAD("load_packet", VT_PKT, -EACCES, "load-acquire through r2", PKT_CHECK(8, 1),
	LDACQ(W, R0, R2, 0), RET0),
    BAD("store_packet", VT_PKT, -EACCES, "store-release through r2", PKT_CHECK(8, 2),
	EBPF_MOV64_IMM(R5, 0), STREL(W, R2, R5, 0), RET0),
    /* No pointer at all. */
    BAD("load_uninit_base", VT_PLAIN, -EACCES, "read of uninitialised register r6",
	LDACQ(DW, R0, R6, 0), EBPF_EXIT()),
    BAD("load_scalar_base", VT_PLAIN, -EACCES, "which is a scalar, not a pointer",
	EBPF_MOV64_IMM(R6, 4096), LDACQ(DW, R0, R6, 0), EBPF_EXIT()),
    BAD("store_uninit_value", VT_PLAIN, -EACCES, "read of uninitialised register r6",
	STREL(DW, R10, R6, -8), RET0),
    /* Store-release then ldx: the value reaches the stack as a store's would. */
    OK("store_dw_then_ldx", VT_PLAIN, EBPF_MOV64_IMM(R1, 7), STREL(DW, R10, R1, -8),
       EBPF_LDX_MEM(DW, R6, R10, -8), PROBE(R6)),
    BAD("store_dw_then_ldx_too_big", VT_PLAIN, -EACCES, PROBE_OOB, EBPF_MOV64_IMM(R1, 70),
	STREL(DW, R10, R1, -8), EBPF_LDX_MEM(DW, R6, R10, -8), PROBE(R6)),
    OK("store_b_h_w", VT_PLAIN, EBPF_MOV64_IMM(R1, 1), STREL(B, R10, R1, -1), STREL(H, R10, R1, -4),
       STREL(W, R10, R1, -8), RET0),
    BAD("store_w_misaligned", VT_PLAIN, -EACCES, MISALIGNED, EBPF_MOV64_IMM(R1, 1),
	STREL(W, R10, R1, -6), RET0),
    /* A pointer spilled by store-release comes back a pointer. */
    OK("store_spills_pointer", VT_PLAIN, STREL(DW, R10, R1, -8), EBPF_LDX_MEM(DW, R2, R10, -8),
       EBPF_LDX_MEM(W, R0, R2, 0), EBPF_EXIT()),
    BAD("store_w_spill_loses_pointer", VT_PLAIN, -EACCES, "partial spill of pointer",
	STREL(W, R10, R1, -8), EBPF_LDX_MEM(DW, R2, R10, -8), EBPF_LDX_MEM(W, R0, R2, 0),
	EBPF_EXIT()),
    /* Map values: writable, not read-only ones; no pointer leaks where ldx/stx refuse them. */
    OK("store_map_value", VT_PLAIN, LOOKUP(MAP_HASH), IF_NULL_RET(2), EBPF_MOV64_IMM(R1, 1),
       STREL(DW, R0, R1, 8), RET0),
    BAD("store_map_value_read_only", VT_PLAIN, -EACCES, "write into read-only map",
	EBPF_LD_MAP_VALUE(R2, MAP_RODATA, 0), EBPF_MOV64_IMM(R1, 1), STREL(DW, R2, R1, 0), RET0),
    BAD("store_map_value_pointer_leak", VT_PLAIN, -EACCES, "pointer leak", LOOKUP(MAP_HASH),
	IF_NULL_RET(1), STREL(DW, R0, R10, 0), RET0),
    /* Load-acquire writes its dst: r10 cannot be it (refused where reached)... */
    BAD_AT("load_into_r10", VT_PLAIN, 1, RO, EBPF_ST_MEM(DW, R10, -8, 0), LDACQ(DW, R10, R10, -8),
	   RET0),
    /* ...while store-release only reads r10 as its base or value. */
    OK("store_r10_base", VT_PLAIN, STREL(DW, R10, R10, -8), RET0),
    /* ...and its dst needs no value before: r0 is first written by it. */
    OK("load_writes_uninit_dst", VT_PLAIN, EBPF_ST_MEM(DW, R10, -8, 0), LDACQ(DW, R0, R10, -8),
       EBPF_EXIT()),
    /* Encoding: only the two immediates join the sizes b and h. */
    MALFORMED_AT("atomic_add_b", VT_PLAIN, 0, "atomic operations are 32 or 64 bit",
		 EBPF_ATOMIC_OP(B, EBPF_ATOMIC_ADD, R10, R1, -8), RET0),
    MALFORMED_AT("unknown_ordered_imm", VT_PLAIN, 0, "unknown atomic operation",
		 EBPF_ATOMIC_OP(DW, 0x120, R10, R1, -8), RET0), );
