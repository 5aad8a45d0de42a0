/* SPDX-License-Identifier: MIT */
/*
 * The global helpers' prototypes and address table. Each prototype transcribes Linux's
 * bpf_func_proto of the same id (kernel/bpf/helpers.c, kernel/bpf/ringbuf.c,
 * kernel/trace/bpf_trace.c, net/core/filter.c) into extension.h's argument kinds:
 * ARG_PTR_TO_MEM | MEM_RDONLY is EBPF_ARG_PTR_TO_MEM, ARG_PTR_TO_MAP_VALUE | MEM_UNINIT is
 * EBPF_ARG_PTR_TO_UNINIT_MAP_VALUE, ARG_PTR_TO_RINGBUF_MEM is EBPF_ARG_PTR_TO_ALLOC_MEM, the
 * 8-byte result of strtol/strtoul is EBPF_ARG_PTR_TO_LONG, ringbuf_reserve's
 * ARG_CONST_ALLOC_SIZE_OR_ZERO is EBPF_ARG_CONST_SIZE_OR_ZERO (the size of the memory returned).
 */
#include <errno.h>

#include "core/helpers.h"

#include <extbpf/extbpf.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define PROTO(id_, name_, ret_, ...)                                                               \
	{                                                                                          \
		.id = (id_), .name = (name_), .ret = (ret_), .args = { __VA_ARGS__ },              \
	}
/* One Linux marks gpl_only. */
#define GPL_PROTO(id_, name_, ret_, ...)                                                           \
	{                                                                                          \
		.id = (id_), .name = (name_), .ret = (ret_), .args = { __VA_ARGS__ },              \
		.flags = EBPF_HELPER_GPL_ONLY,                                                     \
	}

/* Sorted by id: the verifier and ebpf_global_helpers() rely on it (tests/helpers checks it). */
static const struct ebpf_helper_proto global_protos[] = {
	PROTO(CORE_HELPER_MAP_LOOKUP_ELEM, "bpf_map_lookup_elem", EBPF_RET_PTR_TO_MAP_VALUE_OR_NULL,
	      EBPF_ARG_CONST_MAP_PTR, EBPF_ARG_PTR_TO_MAP_KEY),
	PROTO(CORE_HELPER_MAP_UPDATE_ELEM, "bpf_map_update_elem", EBPF_RET_INTEGER,
	      EBPF_ARG_CONST_MAP_PTR, EBPF_ARG_PTR_TO_MAP_KEY, EBPF_ARG_PTR_TO_MAP_VALUE,
	      EBPF_ARG_ANYTHING),
	PROTO(CORE_HELPER_MAP_DELETE_ELEM, "bpf_map_delete_elem", EBPF_RET_INTEGER,
	      EBPF_ARG_CONST_MAP_PTR, EBPF_ARG_PTR_TO_MAP_KEY),
	PROTO(CORE_HELPER_KTIME_GET_NS, "bpf_ktime_get_ns", EBPF_RET_INTEGER),
	/* Linux leaves arguments 3-5 unchecked: bpf_printk passes only those its format uses. */
	GPL_PROTO(CORE_HELPER_TRACE_PRINTK, "bpf_trace_printk", EBPF_RET_INTEGER,
		  EBPF_ARG_PTR_TO_MEM, EBPF_ARG_CONST_SIZE),
	PROTO(CORE_HELPER_GET_PRANDOM_U32, "bpf_get_prandom_u32", EBPF_RET_INTEGER),
	PROTO(CORE_HELPER_GET_SMP_PROCESSOR_ID, "bpf_get_smp_processor_id", EBPF_RET_INTEGER),
	PROTO(CORE_HELPER_TAIL_CALL, "bpf_tail_call", EBPF_RET_VOID, EBPF_ARG_PTR_TO_CTX,
	      EBPF_ARG_CONST_MAP_PTR, EBPF_ARG_ANYTHING),
	PROTO(CORE_HELPER_CSUM_DIFF, "bpf_csum_diff", EBPF_RET_INTEGER, EBPF_ARG_PTR_TO_MEM_OR_NULL,
	      EBPF_ARG_CONST_SIZE_OR_ZERO, EBPF_ARG_PTR_TO_MEM_OR_NULL, EBPF_ARG_CONST_SIZE_OR_ZERO,
	      EBPF_ARG_ANYTHING),
	PROTO(CORE_HELPER_MAP_PUSH_ELEM, "bpf_map_push_elem", EBPF_RET_INTEGER,
	      EBPF_ARG_CONST_MAP_PTR, EBPF_ARG_PTR_TO_MAP_VALUE, EBPF_ARG_ANYTHING),
	PROTO(CORE_HELPER_MAP_POP_ELEM, "bpf_map_pop_elem", EBPF_RET_INTEGER,
	      EBPF_ARG_CONST_MAP_PTR, EBPF_ARG_PTR_TO_UNINIT_MAP_VALUE),
	PROTO(CORE_HELPER_MAP_PEEK_ELEM, "bpf_map_peek_elem", EBPF_RET_INTEGER,
	      EBPF_ARG_CONST_MAP_PTR, EBPF_ARG_PTR_TO_UNINIT_MAP_VALUE),
	/* ARG_PTR_TO_SPIN_LOCK: the verifier pairs them and allows no other call in between. */
	PROTO(CORE_HELPER_SPIN_LOCK, "bpf_spin_lock", EBPF_RET_VOID, EBPF_ARG_PTR_TO_SPIN_LOCK),
	PROTO(CORE_HELPER_SPIN_UNLOCK, "bpf_spin_unlock", EBPF_RET_VOID, EBPF_ARG_PTR_TO_SPIN_LOCK),
	PROTO(CORE_HELPER_STRTOL, "bpf_strtol", EBPF_RET_INTEGER, EBPF_ARG_PTR_TO_MEM,
	      EBPF_ARG_CONST_SIZE, EBPF_ARG_ANYTHING, EBPF_ARG_PTR_TO_LONG),
	PROTO(CORE_HELPER_STRTOUL, "bpf_strtoul", EBPF_RET_INTEGER, EBPF_ARG_PTR_TO_MEM,
	      EBPF_ARG_CONST_SIZE, EBPF_ARG_ANYTHING, EBPF_ARG_PTR_TO_LONG),
	PROTO(CORE_HELPER_KTIME_GET_BOOT_NS, "bpf_ktime_get_boot_ns", EBPF_RET_INTEGER),
	PROTO(CORE_HELPER_RINGBUF_OUTPUT, "bpf_ringbuf_output", EBPF_RET_INTEGER,
	      EBPF_ARG_CONST_MAP_PTR, EBPF_ARG_PTR_TO_MEM, EBPF_ARG_CONST_SIZE_OR_ZERO,
	      EBPF_ARG_ANYTHING),
	PROTO(CORE_HELPER_RINGBUF_RESERVE, "bpf_ringbuf_reserve", EBPF_RET_PTR_TO_ALLOC_MEM_OR_NULL,
	      EBPF_ARG_CONST_MAP_PTR, EBPF_ARG_CONST_SIZE_OR_ZERO, EBPF_ARG_ANYTHING),
	PROTO(CORE_HELPER_RINGBUF_SUBMIT, "bpf_ringbuf_submit", EBPF_RET_VOID,
	      EBPF_ARG_PTR_TO_ALLOC_MEM, EBPF_ARG_ANYTHING),
	PROTO(CORE_HELPER_RINGBUF_DISCARD, "bpf_ringbuf_discard", EBPF_RET_VOID,
	      EBPF_ARG_PTR_TO_ALLOC_MEM, EBPF_ARG_ANYTHING),
	PROTO(CORE_HELPER_RINGBUF_QUERY, "bpf_ringbuf_query", EBPF_RET_INTEGER,
	      EBPF_ARG_CONST_MAP_PTR, EBPF_ARG_ANYTHING),
	PROTO(CORE_HELPER_KTIME_GET_COARSE_NS, "bpf_ktime_get_coarse_ns", EBPF_RET_INTEGER),
	PROTO(CORE_HELPER_FOR_EACH_MAP_ELEM, "bpf_for_each_map_elem", EBPF_RET_INTEGER,
	      EBPF_ARG_CONST_MAP_PTR, EBPF_ARG_PTR_TO_FUNC, EBPF_ARG_PTR_TO_CALLBACK_CTX,
	      EBPF_ARG_ANYTHING),
	/* Linux's callback_ctx is ARG_PTR_TO_STACK_OR_NULL; here also a map value or the context.
	 */
	PROTO(CORE_HELPER_LOOP, "bpf_loop", EBPF_RET_INTEGER, EBPF_ARG_ANYTHING,
	      EBPF_ARG_PTR_TO_FUNC, EBPF_ARG_PTR_TO_CALLBACK_CTX, EBPF_ARG_ANYTHING),
	PROTO(CORE_HELPER_STRNCMP, "bpf_strncmp", EBPF_RET_INTEGER, EBPF_ARG_PTR_TO_MEM,
	      EBPF_ARG_CONST_SIZE, EBPF_ARG_PTR_TO_CONST_STR),
	/* Only per-CPU maps (the verifier checks); a cpu not below their slot count gives NULL. */
	PROTO(CORE_HELPER_MAP_LOOKUP_PERCPU_ELEM, "bpf_map_lookup_percpu_elem",
	      EBPF_RET_PTR_TO_MAP_VALUE_OR_NULL, EBPF_ARG_CONST_MAP_PTR, EBPF_ARG_PTR_TO_MAP_KEY,
	      EBPF_ARG_ANYTHING),
};

/* The engines replace the running program on a tail call and run bpf_loop's and
 * bpf_for_each_map_elem's callbacks themselves; reaching this is a wiring bug. */
static uint64_t core_helper_engine_only(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
					uint64_t r5)
{
	return (uint64_t)(int64_t)-EOPNOTSUPP;
}

static const ebpf_helper_fn global_table[] = {
	[CORE_HELPER_MAP_LOOKUP_ELEM] = core_helper_map_lookup_elem,
	[CORE_HELPER_MAP_UPDATE_ELEM] = core_helper_map_update_elem,
	[CORE_HELPER_MAP_DELETE_ELEM] = core_helper_map_delete_elem,
	[CORE_HELPER_KTIME_GET_NS] = core_helper_ktime_get_ns,
	[CORE_HELPER_TRACE_PRINTK] = core_helper_trace_printk,
	[CORE_HELPER_GET_PRANDOM_U32] = core_helper_get_prandom_u32,
	[CORE_HELPER_GET_SMP_PROCESSOR_ID] = core_helper_get_smp_processor_id,
	[CORE_HELPER_TAIL_CALL] = core_helper_engine_only,
	[CORE_HELPER_CSUM_DIFF] = core_helper_csum_diff,
	[CORE_HELPER_MAP_PUSH_ELEM] = core_helper_map_push_elem,
	[CORE_HELPER_MAP_POP_ELEM] = core_helper_map_pop_elem,
	[CORE_HELPER_MAP_PEEK_ELEM] = core_helper_map_peek_elem,
	[CORE_HELPER_SPIN_LOCK] = core_helper_spin_lock,
	[CORE_HELPER_SPIN_UNLOCK] = core_helper_spin_unlock,
	[CORE_HELPER_STRTOL] = core_helper_strtol,
	[CORE_HELPER_STRTOUL] = core_helper_strtoul,
	[CORE_HELPER_KTIME_GET_BOOT_NS] = core_helper_ktime_get_boot_ns,
	[CORE_HELPER_RINGBUF_OUTPUT] = core_helper_ringbuf_output,
	[CORE_HELPER_RINGBUF_RESERVE] = core_helper_ringbuf_reserve,
	[CORE_HELPER_RINGBUF_SUBMIT] = core_helper_ringbuf_submit,
	[CORE_HELPER_RINGBUF_DISCARD] = core_helper_ringbuf_discard,
	[CORE_HELPER_RINGBUF_QUERY] = core_helper_ringbuf_query,
	[CORE_HELPER_KTIME_GET_COARSE_NS] = core_helper_ktime_get_coarse_ns,
	[CORE_HELPER_FOR_EACH_MAP_ELEM] = core_helper_engine_only,
	[CORE_HELPER_LOOP] = core_helper_engine_only,
	[CORE_HELPER_STRNCMP] = core_helper_strncmp,
	[CORE_HELPER_MAP_LOOKUP_PERCPU_ELEM] = core_helper_map_lookup_percpu_elem,
};

_Static_assert(ARRAY_SIZE(global_table) < EBPF_PROGRAM_TYPE_HELPER_ID_BASE,
	       "global helper ids must stay below the program-type helper ids");

const struct ebpf_helper_proto *core_global_helper_protos(size_t *count)
{
	*count = ARRAY_SIZE(global_protos);
	return global_protos;
}

const struct ebpf_helper_proto *core_global_helper_proto(uint32_t id)
{
	size_t lo = 0, hi = ARRAY_SIZE(global_protos);

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (global_protos[mid].id == id)
			return &global_protos[mid];
		if (global_protos[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const ebpf_helper_fn *core_global_helper_table(uint32_t *count)
{
	*count = ARRAY_SIZE(global_table);
	return global_table;
}

const struct ebpf_helper_proto *ebpf_global_helpers(size_t *count)
{
	size_t n;
	const struct ebpf_helper_proto *protos = core_global_helper_protos(&n);

	if (count)
		*count = n;
	return protos;
}
