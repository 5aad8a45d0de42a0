// SPDX-License-Identifier: MIT
/*
 * Access rights and helper outputs: maps created with BPF_F_RDONLY_PROG / BPF_F_WRONLY_PROG on
 * every path (loads, stores, atomics, direct value access, inner maps, helper arguments), program
 * types whose packet is read-only, and what a helper's output counts as written: queue helpers
 * only on queues, a variable size writes only its least value on every path.
 */
#include "vmacros.h"

#define IF_NULL_RET(skip) EBPF_JMP_IMM(JEQ, R0, 0, skip)
/* r1 = map, r2 = fp-16 (8 bytes, uninitialised): 4 slots */
#define QUEUE_ARGS(map)                                                                            \
	EBPF_LD_MAP_IDX(R1, map), EBPF_MOV64_REG(R2, R10), EBPF_ALU64_IMM(ADD, R2, -16)
/* map_update(MAP_HASH, key at fp-4, value at r3, 0): r3 set before; 6 slots */
#define UPDATE_HASH_VALUE_R3                                                                       \
	EBPF_ST_MEM(W, R10, -4, 0), EBPF_LD_MAP_IDX(R1, MAP_HASH), EBPF_MOV64_REG(R2, R10),        \
	    EBPF_ALU64_IMM(ADD, R2, -4), EBPF_MOV64_IMM(R4, 0), EBPF_HELPER_CALL(H_UPDATE)
/* probe_read_kernel(r1, r2, 0) */
#define PROBE_READ EBPF_MOV64_IMM(R3, 0), EBPF_HELPER_CALL(H_PROBE_READ_KERNEL)
/* r2 = a size in [8, 15] (umin 8, umax 15): 4 slots */
#define SIZE_8_TO_15                                                                               \
	EBPF_HELPER_CALL(H_PRANDOM), EBPF_MOV64_REG(R2, R0), EBPF_ALU64_IMM(AND, R2, 7),           \
	    EBPF_ALU64_IMM(ADD, R2, 8)
/* probe_read_kernel(fp-16, [8, 15], 0): 8 slots */
#define PROBE_FP16_VAR                                                                             \
	SIZE_8_TO_15, EBPF_MOV64_REG(R1, R10), EBPF_ALU64_IMM(ADD, R1, -16), PROBE_READ
/* r2 = data, r3 = meta + 4 <= data proven (VT_PKT*): 5 slots, skips `skip` when it fails */
#define META_CHECK(skip)                                                                           \
	EBPF_LDX_MEM(W, R2, R1, 8), EBPF_LDX_MEM(W, R3, R1, 0), EBPF_MOV64_REG(R4, R2),            \
	    EBPF_ALU64_IMM(ADD, R4, 4), EBPF_JMP_REG(JGT, R4, R3, skip)

DEFINE_CASES(
    access,
    /* ---- BPF_F_RDONLY_PROG ---- */
    OK("ro_lookup_read", VT_PLAIN, LOOKUP(MAP_RO_HASH), IF_NULL_RET(1), EBPF_LDX_MEM(DW, R0, R0, 8),
       EBPF_EXIT()),
    BAD("ro_lookup_store_imm", VT_PLAIN, -EACCES,
	"write into read-only map 'ro_hash' prohibited (created with BPF_F_RDONLY_PROG)",
	LOOKUP(MAP_RO_HASH), IF_NULL_RET(1), EBPF_ST_MEM(DW, R0, 8, 1), RET0),
    BAD("ro_lookup_store_reg", VT_PLAIN, -EACCES, "write into read-only map 'ro_hash'",
	LOOKUP(MAP_RO_HASH), IF_NULL_RET(2), EBPF_MOV64_IMM(R1, 7), EBPF_STX_MEM(B, R0, R1, 15),
	RET0),
    BAD("ro_lookup_atomic", VT_PLAIN, -EACCES, "write into read-only map 'ro_hash'",
	LOOKUP(MAP_RO_HASH), IF_NULL_RET(2), EBPF_MOV64_IMM(R1, 1),
	EBPF_ATOMIC_OP(DW, EBPF_ATOMIC_ADD, R0, R1, 0), RET0),
    BAD("ro_lookup_var_offset_store", VT_PLAIN, -EACCES, "write into read-only map 'ro_hash'",
	LOOKUP(MAP_RO_HASH), IF_NULL_RET(4), EBPF_LDX_MEM(DW, R1, R0, 0),
	EBPF_ALU64_IMM(AND, R1, 7), EBPF_ALU64_REG(ADD, R0, R1), EBPF_ST_MEM(B, R0, 0, 1), RET0),
    OK("ro_global_read", VT_PLAIN, EBPF_LD_MAP_VALUE(R1, MAP_RO_GLOBAL, 8),
       EBPF_LDX_MEM(DW, R0, R1, 0), EBPF_EXIT()),
    BAD("ro_global_store", VT_PLAIN, -EACCES, "write into read-only map 'ro_global'",
	EBPF_LD_MAP_VALUE(R1, MAP_RO_GLOBAL, 8), EBPF_ST_MEM(W, R1, 4, 1), RET0),
    BAD("ro_update", VT_PLAIN, -EACCES,
	"helper map_update_elem: write into read-only map 'ro_hash' prohibited",
	EBPF_ST_MEM(W, R10, -4, 0), EBPF_ST_MEM(DW, R10, -24, 0), EBPF_ST_MEM(DW, R10, -16, 0),
	EBPF_LD_MAP_IDX(R1, MAP_RO_HASH), EBPF_MOV64_REG(R2, R10), EBPF_ALU64_IMM(ADD, R2, -4),
	EBPF_MOV64_REG(R3, R10), EBPF_ALU64_IMM(ADD, R3, -24), EBPF_MOV64_IMM(R4, 0),
	EBPF_HELPER_CALL(H_UPDATE), EBPF_EXIT()),
    BAD("ro_delete", VT_PLAIN, -EACCES,
	"helper map_delete_elem: write into read-only map 'ro_hash' prohibited",
	EBPF_ST_MEM(W, R10, -4, 0), EBPF_LD_MAP_IDX(R1, MAP_RO_HASH), EBPF_MOV64_REG(R2, R10),
	EBPF_ALU64_IMM(ADD, R2, -4), EBPF_HELPER_CALL(H_DELETE), EBPF_EXIT()),
    BAD("ro_push", VT_PLAIN, -EACCES, "helper map_push_elem: write into read-only map 'ro_queue'",
	EBPF_ST_MEM(DW, R10, -16, 1), QUEUE_ARGS(MAP_RO_QUEUE), EBPF_MOV64_IMM(R3, 0),
	EBPF_HELPER_CALL(H_PUSH), EBPF_EXIT()),
    BAD("ro_pop", VT_PLAIN, -EACCES, "helper map_pop_elem: write into read-only map 'ro_queue'",
	QUEUE_ARGS(MAP_RO_QUEUE), EBPF_HELPER_CALL(H_POP), EBPF_EXIT()),
    OK("ro_peek", VT_PLAIN, QUEUE_ARGS(MAP_RO_QUEUE), EBPF_HELPER_CALL(H_PEEK),
       EBPF_LDX_MEM(DW, R0, R10, -16), EBPF_EXIT()),
    BAD("ro_value_as_helper_output", VT_PLAIN, -EACCES,
	"helper would write into read-only map 'ro_hash' prohibited", LOOKUP(MAP_RO_HASH),
	IF_NULL_RET(4), EBPF_MOV64_REG(R1, R0), EBPF_MOV64_IMM(R2, 16), PROBE_READ, RET0),
    BAD("ro_value_as_strtol_output", VT_PLAIN, -EACCES, "write into read-only map 'ro_global'",
	EBPF_ST_MEM(DW, R10, -8, 0x31), EBPF_MOV64_REG(R1, R10), EBPF_ALU64_IMM(ADD, R1, -8),
	EBPF_MOV64_IMM(R2, 8), EBPF_MOV64_IMM(R3, 0), EBPF_LD_MAP_VALUE(R4, MAP_RO_GLOBAL, 0),
	EBPF_HELPER_CALL(H_STRTOL), EBPF_EXIT()),
    BAD("ro_value_as_pop_output", VT_PLAIN, -EACCES, "write into read-only map 'ro_global'",
	EBPF_LD_MAP_IDX(R1, MAP_QUEUE), EBPF_LD_MAP_VALUE(R2, MAP_RO_GLOBAL, 8),
	EBPF_HELPER_CALL(H_POP), EBPF_EXIT()),
    OK("ro_value_as_helper_input", VT_PLAIN, EBPF_LD_MAP_VALUE(R3, MAP_RO_GLOBAL, 0),
       UPDATE_HASH_VALUE_R3, EBPF_EXIT()),
    BAD("ro_inner_map_store", VT_PLAIN, -EACCES, "write into read-only map 'ro_global'",
	LOOKUP(MAP_RO_OUTER), IF_NULL_RET(8), EBPF_MOV64_REG(R1, R0), EBPF_MOV64_REG(R2, R10),
	EBPF_ALU64_IMM(ADD, R2, -4), EBPF_HELPER_CALL(H_LOOKUP), IF_NULL_RET(2),
	EBPF_ST_MEM(DW, R0, 0, 1), RET0, RET0),
    OK("ro_inner_map_read", VT_PLAIN, LOOKUP(MAP_RO_OUTER), IF_NULL_RET(7), EBPF_MOV64_REG(R1, R0),
       EBPF_MOV64_REG(R2, R10), EBPF_ALU64_IMM(ADD, R2, -4), EBPF_HELPER_CALL(H_LOOKUP),
       IF_NULL_RET(2), EBPF_LDX_MEM(DW, R0, R0, 8), EBPF_EXIT(), RET0),

    /* ---- BPF_F_WRONLY_PROG ---- */
    OK("wo_lookup_store", VT_PLAIN, LOOKUP(MAP_WO_HASH), IF_NULL_RET(1), EBPF_ST_MEM(DW, R0, 8, 1),
       RET0),
    BAD("wo_lookup_load", VT_PLAIN, -EACCES,
	"read from write-only map 'wo_hash' prohibited (created with BPF_F_WRONLY_PROG)",
	LOOKUP(MAP_WO_HASH), IF_NULL_RET(1), EBPF_LDX_MEM(DW, R0, R0, 8), EBPF_EXIT()),
    BAD("wo_lookup_atomic", VT_PLAIN, -EACCES, "read from write-only map 'wo_hash'",
	LOOKUP(MAP_WO_HASH), IF_NULL_RET(2), EBPF_MOV64_IMM(R1, 1),
	EBPF_ATOMIC_OP(DW, EBPF_ATOMIC_ADD, R0, R1, 0), RET0),
    OK("wo_global_store", VT_PLAIN, EBPF_LD_MAP_VALUE(R1, MAP_WO_GLOBAL, 0),
       EBPF_ST_MEM(DW, R1, 8, 1), RET0),
    BAD("wo_global_load", VT_PLAIN, -EACCES, "read from write-only map 'wo_global'",
	EBPF_LD_MAP_VALUE(R1, MAP_WO_GLOBAL, 0), EBPF_LDX_MEM(B, R0, R1, 3), EBPF_EXIT()),
    BAD("wo_value_as_helper_input", VT_PLAIN, -EACCES,
	"helper would read from write-only map 'wo_global' prohibited",
	EBPF_LD_MAP_VALUE(R3, MAP_WO_GLOBAL, 0), UPDATE_HASH_VALUE_R3, EBPF_EXIT()),
    BAD("wo_value_as_key", VT_PLAIN, -EACCES, "read from write-only map 'wo_global'",
	EBPF_LD_MAP_IDX(R1, MAP_HASH), EBPF_LD_MAP_VALUE(R2, MAP_WO_GLOBAL, 0),
	EBPF_HELPER_CALL(H_LOOKUP), RET0),
    OK("wo_value_as_helper_output", VT_PLAIN, EBPF_LD_MAP_VALUE(R1, MAP_WO_GLOBAL, 0),
       EBPF_MOV64_IMM(R2, 16), PROBE_READ, RET0),
    OK("wo_push", VT_PLAIN, EBPF_ST_MEM(DW, R10, -16, 1), QUEUE_ARGS(MAP_WO_QUEUE),
       EBPF_MOV64_IMM(R3, 0), EBPF_HELPER_CALL(H_PUSH), EBPF_EXIT()),
    BAD("wo_peek", VT_PLAIN, -EACCES, "helper map_peek_elem: read from write-only map 'wo_queue'",
	QUEUE_ARGS(MAP_WO_QUEUE), EBPF_HELPER_CALL(H_PEEK), EBPF_EXIT()),
    BAD("wo_pop", VT_PLAIN, -EACCES, "helper map_pop_elem: read from write-only map 'wo_queue'",
	QUEUE_ARGS(MAP_WO_QUEUE), EBPF_HELPER_CALL(H_POP), EBPF_EXIT()),

    /* ---- read-only packets ---- */
    OK("pkt_ro_read", VT_PKT_RO, PKT_CHECK(8, 2), EBPF_LDX_MEM(DW, R0, R2, 0), EBPF_EXIT(), RET0),
    OK("pkt_rw_store", VT_PKT, PKT_CHECK(8, 1), EBPF_ST_MEM(DW, R2, 0, 1), RET0),
    BAD("pkt_ro_store_imm", VT_PKT_RO, -EACCES,
	"write into the packet prohibited: program type 'vt_pkt_ro' may only read it",
	PKT_CHECK(8, 1), EBPF_ST_MEM(DW, R2, 0, 1), RET0),
    BAD("pkt_ro_store_reg", VT_PKT_RO, -EACCES, "write into the packet prohibited", PKT_CHECK(8, 2),
	EBPF_MOV64_IMM(R5, 1), EBPF_STX_MEM(B, R2, R5, 7), RET0),
    BAD("pkt_ro_store_var_offset", VT_PKT_RO, -EACCES, "write into the packet prohibited",
	PKT_CHECK(8, 4), EBPF_LDX_MEM(B, R5, R2, 0), EBPF_ALU64_IMM(AND, R5, 3),
	EBPF_ALU64_REG(ADD, R2, R5), EBPF_ST_MEM(B, R2, 0, 1), RET0),
    BAD("pkt_ro_meta_store", VT_PKT_RO, -EACCES, "write into the packet prohibited", META_CHECK(1),
	EBPF_ST_MEM(W, R2, 0, 1), RET0),
    OK("pkt_rw_meta_store", VT_PKT, META_CHECK(1), EBPF_ST_MEM(W, R2, 0, 1), RET0),
    BAD("pkt_ro_helper_output", VT_PKT_RO, -EACCES,
	"helper get_current_comm arg1: write into the packet prohibited", PKT_CHECK(16, 3),
	EBPF_MOV64_REG(R1, R2), EBPF_MOV64_IMM(R2, 16), EBPF_HELPER_CALL(H_GET_COMM), RET0),
    BAD("pkt_ro_strtol_output", VT_PKT_RO, -EACCES, "write into the packet prohibited",
	PKT_CHECK(8, 7), EBPF_MOV64_REG(R4, R2), EBPF_ST_MEM(DW, R10, -8, 0x31),
	EBPF_MOV64_REG(R1, R10), EBPF_ALU64_IMM(ADD, R1, -8), EBPF_MOV64_IMM(R2, 8),
	EBPF_MOV64_IMM(R3, 0), EBPF_HELPER_CALL(H_STRTOL), RET0),
    OK("pkt_ro_helper_input", VT_PKT_RO, PKT_CHECK(16, 5), EBPF_MOV64_REG(R3, R2),
       EBPF_LD_MAP_IDX(R1, MAP_HASH), EBPF_MOV64_REG(R2, R3), EBPF_HELPER_CALL(H_LOOKUP), RET0),

    /* ---- queue helpers only on queues and stacks ---- */
    OK("pop_stack_map", VT_PLAIN, QUEUE_ARGS(MAP_STACK_MAP), EBPF_HELPER_CALL(H_POP),
       EBPF_LDX_MEM(DW, R0, R10, -16), EBPF_EXIT()),
    BAD("pop_on_array", VT_PLAIN, -EACCES, "helper map_pop_elem cannot be used with map 'array'",
	EBPF_LD_MAP_IDX(R1, MAP_ARRAY), EBPF_MOV64_REG(R2, R10), EBPF_ALU64_IMM(ADD, R2, -48),
	EBPF_HELPER_CALL(H_POP), EBPF_LDX_MEM(DW, R0, R10, -48), EBPF_EXIT()),
    BAD("peek_on_hash", VT_PLAIN, -EACCES, "helper map_peek_elem cannot be used with map 'hash'",
	EBPF_LD_MAP_IDX(R1, MAP_HASH), EBPF_MOV64_REG(R2, R10), EBPF_ALU64_IMM(ADD, R2, -16),
	EBPF_HELPER_CALL(H_PEEK), EBPF_EXIT()),
    BAD("push_on_hash", VT_PLAIN, -EACCES, "helper map_push_elem cannot be used with map 'hash'",
	EBPF_ST_MEM(DW, R10, -16, 0), EBPF_ST_MEM(DW, R10, -8, 0), EBPF_LD_MAP_IDX(R1, MAP_HASH),
	EBPF_MOV64_REG(R2, R10), EBPF_ALU64_IMM(ADD, R2, -16), EBPF_MOV64_IMM(R3, 0),
	EBPF_HELPER_CALL(H_PUSH), EBPF_EXIT()),
    BAD("update_on_queue", VT_PLAIN, -EACCES, "helper map_update_elem cannot be used with map",
	EBPF_ST_MEM(DW, R10, -16, 0), EBPF_LD_MAP_IDX(R1, MAP_QUEUE), EBPF_MOV64_REG(R2, R10),
	EBPF_ALU64_IMM(ADD, R2, -16), EBPF_MOV64_REG(R3, R2), EBPF_MOV64_IMM(R4, 0),
	EBPF_HELPER_CALL(H_UPDATE), EBPF_EXIT()),

    /* ---- a variable size writes its least value on every path ---- */
    OK("var_size_read_within_least", VT_PLAIN, PROBE_FP16_VAR, EBPF_LDX_MEM(DW, R0, R10, -16),
       EBPF_EXIT()),
    BAD("var_size_read_past_least", VT_PLAIN, -EACCES, "read of uninitialised stack at fp-8",
	PROBE_FP16_VAR, EBPF_LDX_MEM(B, R0, R10, -8), EBPF_EXIT()),
    BAD("var_size_zero_or_more", VT_PLAIN, -EACCES, "read of uninitialised stack at fp-16",
	EBPF_HELPER_CALL(H_PRANDOM), EBPF_MOV64_REG(R2, R0), EBPF_ALU64_IMM(AND, R2, 15),
	EBPF_MOV64_REG(R1, R10), EBPF_ALU64_IMM(ADD, R1, -16), PROBE_READ,
	EBPF_LDX_MEM(B, R0, R10, -16), EBPF_EXIT()),
    OK("var_size_over_initialised", VT_PLAIN, EBPF_ST_MEM(DW, R10, -8, 0),
       EBPF_ST_MEM(DW, R10, -16, 0), PROBE_FP16_VAR, EBPF_LDX_MEM(DW, R0, R10, -8), EBPF_EXIT()),
    BAD("var_size_over_spilled_pointer", VT_LEAK, -EACCES, "read of uninitialised stack at fp-8",
	EBPF_STX_MEM(DW, R10, R10, -8), PROBE_FP16_VAR, EBPF_LDX_MEM(DW, R0, R10, -8), EBPF_EXIT()),
    BAD("var_size_over_spilled_constant", VT_PLAIN, -EACCES, "variable offset may be negative",
	EBPF_MOV64_IMM(R6, 5), EBPF_STX_MEM(DW, R10, R6, -8), PROBE_FP16_VAR,
	EBPF_LDX_MEM(DW, R6, R10, -8), PROBE(R6)),
    OK("const_size_over_spilled_constant", VT_PLAIN, EBPF_MOV64_IMM(R6, 5),
       EBPF_STX_MEM(DW, R10, R6, -8), EBPF_MOV64_IMM(R2, 8), EBPF_MOV64_REG(R1, R10),
       EBPF_ALU64_IMM(ADD, R1, -16), PROBE_READ, EBPF_LDX_MEM(DW, R6, R10, -8), PROBE(R6)),
    OK("var_size_map_value_output", VT_PLAIN, LOOKUP(MAP_ARRAY), IF_NULL_RET(10),
       EBPF_MOV64_REG(R6, R0), SIZE_8_TO_15, EBPF_MOV64_REG(R1, R6), PROBE_READ,
       EBPF_LDX_MEM(DW, R0, R6, 40), EBPF_EXIT(), RET0), );
