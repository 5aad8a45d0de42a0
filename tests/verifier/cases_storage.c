// SPDX-License-Identifier: MIT
/*
 * Maps of kernel objects and stacks, with Linux's helper prototypes: the storage helpers return
 * a value of the map or NULL (task storage) or always a value (bpf_get_local_storage); each map
 * type goes only to its own helpers and they only take it (check_map_func_compatibility).
 */
#include "vmacros.h"

/* r0 = bpf_task_storage_get(task_store, NULL, NULL, 0). 6 slots. */
#define TASK_GET                                                                                   \
	EBPF_LD_MAP_IDX(R1, MAP_TASK_STORE), EBPF_MOV64_IMM(R2, 0), EBPF_MOV64_IMM(R3, 0),         \
	    EBPF_MOV64_IMM(R4, 0), EBPF_HELPER_CALL(H_TASK_STORAGE_GET)

DEFINE_CASES(
    storage,
    OK("task_storage_get", VT_PLAIN, TASK_GET, EBPF_JMP_IMM(JEQ, R0, 0, 1),
       EBPF_LDX_MEM(DW, R0, R0, 8), EBPF_EXIT()),
    BAD("task_storage_no_null_check", VT_PLAIN, -EACCES, "before a null check", TASK_GET,
	EBPF_LDX_MEM(DW, R0, R0, 8), EBPF_EXIT()),
    BAD("task_storage_past_value", VT_PLAIN, -EACCES,
	"map value access out of bounds: offset 16 size 1, map value size 16", TASK_GET,
	EBPF_JMP_IMM(JEQ, R0, 0, 1), EBPF_LDX_MEM(B, R0, R0, 16), EBPF_EXIT()),
    OK("task_storage_init_value", VT_PLAIN, EBPF_ST_MEM(DW, R10, -16, 0),
       EBPF_ST_MEM(DW, R10, -8, 0), EBPF_LD_MAP_IDX(R1, MAP_TASK_STORE), EBPF_MOV64_IMM(R2, 0),
       EBPF_MOV64_REG(R3, R10), EBPF_ALU64_IMM(ADD, R3, -16), EBPF_MOV64_IMM(R4, 1),
       EBPF_HELPER_CALL(H_TASK_STORAGE_GET), RET0),
    BAD("task_storage_init_value_short", VT_PLAIN, -EACCES,
	"helper bpf_task_storage_get arg3 (map value): uninitialised stack at fp-16",
	EBPF_ST_MEM(DW, R10, -8, 0), EBPF_LD_MAP_IDX(R1, MAP_TASK_STORE), EBPF_MOV64_IMM(R2, 0),
	EBPF_MOV64_REG(R3, R10), EBPF_ALU64_IMM(ADD, R3, -16), EBPF_MOV64_IMM(R4, 1),
	EBPF_HELPER_CALL(H_TASK_STORAGE_GET), RET0),
    BAD("task_storage_owner_scalar", VT_PLAIN, -EACCES,
	"expected a kernel object's pointer (BTF-typed, as a tracing program's argument) or NULL",
	EBPF_LD_MAP_IDX(R1, MAP_TASK_STORE), EBPF_MOV64_IMM(R2, 4096), EBPF_MOV64_IMM(R3, 0),
	EBPF_MOV64_IMM(R4, 0), EBPF_HELPER_CALL(H_TASK_STORAGE_GET), RET0),
    BAD("task_storage_owner_stack", VT_PLAIN, -EACCES, "expected a kernel object's pointer",
	EBPF_LD_MAP_IDX(R1, MAP_TASK_STORE), EBPF_MOV64_REG(R2, R10), EBPF_MOV64_IMM(R3, 0),
	EBPF_MOV64_IMM(R4, 0), EBPF_HELPER_CALL(H_TASK_STORAGE_GET), RET0),
    OK("task_storage_delete", VT_PLAIN, EBPF_LD_MAP_IDX(R1, MAP_TASK_STORE), EBPF_MOV64_IMM(R2, 0),
       EBPF_HELPER_CALL(H_TASK_STORAGE_DELETE), EBPF_EXIT()),
    BAD("task_storage_get_on_hash", VT_PLAIN, -EACCES,
	"helper bpf_task_storage_get cannot be used with map 'hash'", EBPF_LD_MAP_IDX(R1, MAP_HASH),
	EBPF_MOV64_IMM(R2, 0), EBPF_MOV64_IMM(R3, 0), EBPF_MOV64_IMM(R4, 0),
	EBPF_HELPER_CALL(H_TASK_STORAGE_GET), RET0),
    BAD("lookup_on_task_storage", VT_PLAIN, -EACCES,
	"helper map_lookup_elem cannot be used with map 'task_store'", LOOKUP(MAP_TASK_STORE),
	RET0),
    BAD("task_storage_get_on_cgroup_storage", VT_PLAIN, -EACCES,
	"helper bpf_task_storage_get cannot be used with map 'cg_store'",
	EBPF_LD_MAP_IDX(R1, MAP_CG_STORE), EBPF_MOV64_IMM(R2, 0), EBPF_MOV64_IMM(R3, 0),
	EBPF_MOV64_IMM(R4, 0), EBPF_HELPER_CALL(H_TASK_STORAGE_GET), RET0),

    /* bpf_get_local_storage: the value is always there */
    OK("local_storage", VT_PLAIN, EBPF_LD_MAP_IDX(R1, MAP_CG_STORE), EBPF_MOV64_IMM(R2, 0),
       EBPF_HELPER_CALL(H_GET_LOCAL_STORAGE), EBPF_LDX_MEM(DW, R1, R0, 8),
       EBPF_ST_MEM(DW, R0, 0, 1), RET0),
    BAD("local_storage_past_value", VT_PLAIN, -EACCES, "offset 16 size 8, map value size 16",
	EBPF_LD_MAP_IDX(R1, MAP_CG_STORE), EBPF_MOV64_IMM(R2, 0),
	EBPF_HELPER_CALL(H_GET_LOCAL_STORAGE), EBPF_LDX_MEM(DW, R0, R0, 16), EBPF_EXIT()),
    BAD("local_storage_on_array", VT_PLAIN, -EACCES,
	"helper bpf_get_local_storage cannot be used with map 'array'",
	EBPF_LD_MAP_IDX(R1, MAP_ARRAY), EBPF_MOV64_IMM(R2, 0),
	EBPF_HELPER_CALL(H_GET_LOCAL_STORAGE), RET0),
    BAD("update_on_cgroup_storage", VT_PLAIN, -EACCES,
	"helper map_update_elem cannot be used with map 'cg_store'", EBPF_ST_MEM(W, R10, -4, 0),
	EBPF_LD_MAP_IDX(R1, MAP_CG_STORE), EBPF_MOV64_REG(R2, R10), EBPF_ALU64_IMM(ADD, R2, -4),
	EBPF_MOV64_REG(R3, R10), EBPF_ALU64_IMM(ADD, R3, -4), EBPF_MOV64_IMM(R4, 0),
	EBPF_HELPER_CALL(H_UPDATE), RET0),

    /* stack traces: bpf_get_stackid only */
    OK("get_stackid", VT_PLAIN, EBPF_LD_MAP_IDX(R2, MAP_STACKS), EBPF_MOV64_IMM(R3, 0),
       EBPF_HELPER_CALL(H_GET_STACKID), EBPF_EXIT()),
    BAD("get_stackid_on_hash", VT_PLAIN, -EACCES,
	"helper bpf_get_stackid cannot be used with map 'hash'", EBPF_LD_MAP_IDX(R2, MAP_HASH),
	EBPF_MOV64_IMM(R3, 0), EBPF_HELPER_CALL(H_GET_STACKID), EBPF_EXIT()),
    BAD("lookup_on_stack_trace", VT_PLAIN, -EACCES,
	"helper map_lookup_elem cannot be used with map 'stacks'", LOOKUP(MAP_STACKS), RET0),

    /* kptr fields: read whole, cleared (untrusted only), nothing else */
    OK("kptr_load", VT_PLAIN, LOOKUP(MAP_KPTRS), EBPF_JMP_IMM(JEQ, R0, 0, 3),
       EBPF_LDX_MEM(DW, R1, R0, 0), EBPF_LDX_MEM(DW, R2, R0, 8), EBPF_LDX_MEM(DW, R3, R0, 16),
       RET0),
    OK("kptr_untrusted_clear", VT_PLAIN, LOOKUP(MAP_KPTRS), EBPF_JMP_IMM(JEQ, R0, 0, 3),
       EBPF_ST_MEM(DW, R0, 0, 0), EBPF_MOV64_IMM(R1, 0), EBPF_STX_MEM(DW, R0, R1, 0), RET0),
    BAD("kptr_untrusted_store_scalar", VT_PLAIN, -EACCES,
	"a direct store of bytes 0..7 of a map 'kptrs' value overlaps its __kptr_untrusted "
	"pointer at offset 0",
	LOOKUP(MAP_KPTRS), EBPF_JMP_IMM(JEQ, R0, 0, 1), EBPF_ST_MEM(DW, R0, 0, 4096), RET0),
    BAD("kptr_ref_clear", VT_PLAIN, -EACCES, "overlaps its __kptr pointer at offset 8",
	LOOKUP(MAP_KPTRS), EBPF_JMP_IMM(JEQ, R0, 0, 1), EBPF_ST_MEM(DW, R0, 8, 0), RET0),
    BAD("kptr_partial_load", VT_PLAIN, -EACCES,
	"a direct load of bytes 0..3 of a map 'kptrs' value overlaps its __kptr_untrusted",
	LOOKUP(MAP_KPTRS), EBPF_JMP_IMM(JEQ, R0, 0, 2), EBPF_LDX_MEM(W, R0, R0, 0), EBPF_EXIT(),
	RET0),
    BAD("kptr_misaligned_load", VT_PLAIN, -EACCES, "bytes 4..11 of a map 'kptrs' value overlaps",
	LOOKUP(MAP_KPTRS), EBPF_JMP_IMM(JEQ, R0, 0, 2), EBPF_LDX_MEM(DW, R0, R0, 4), EBPF_EXIT(),
	RET0),
    BAD("kptr_atomic", VT_PLAIN, -EACCES, "a direct store of bytes 0..7", LOOKUP(MAP_KPTRS),
	EBPF_JMP_IMM(JEQ, R0, 0, 2), EBPF_MOV64_IMM(R1, 1),
	EBPF_ATOMIC_OP(EBPF_SIZE_DW, EBPF_ALU_ADD, R0, R1, 0), RET0),
    BAD("kptr_store_pointer", VT_PLAIN, -EACCES, "overlaps its __kptr_untrusted pointer",
	LOOKUP(MAP_KPTRS), EBPF_JMP_IMM(JEQ, R0, 0, 1), EBPF_STX_MEM(DW, R0, R10, 0), RET0), );
