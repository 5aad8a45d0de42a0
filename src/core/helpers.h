/* SPDX-License-Identifier: MIT */
/*
 * The core's global helpers: the ones every program type has, under Linux's helper ids
 * (include/uapi/linux/bpf.h, enum bpf_func_id) and with Linux's argument and return kinds, so
 * that the verifier checks a call exactly as Linux's does and an object built for Linux calls
 * the same function here. docs/helpers.md lists them and how they differ from Linux.
 *
 * Two views of the same set, both static and immutable:
 * - the prototypes, sorted by id, for the verifier (and ebpf_global_helpers());
 * - a dense table of addresses indexed by id, for the execution engines (exec_helpers.global).
 *
 * Helpers run inside an invocation: the map helpers expect the caller to hold the RCU read lock
 * (urcu-bp), as every invocation does. A pointer argument is an address in r1..r5, a map
 * argument the struct ebpf_map itself (the core relocates lddw map references to it). Errors are
 * Linux's, returned in r0 as negative numbers.
 */
#ifndef EXTBPF_CORE_HELPERS_H
#define EXTBPF_CORE_HELPERS_H

#include <stddef.h>
#include <stdint.h>

#include <extbpf/extension.h>

struct exec_map_walk;

/* The ids offered here (Linux's). */
enum core_helper_id {
	CORE_HELPER_MAP_LOOKUP_ELEM = 1,
	CORE_HELPER_MAP_UPDATE_ELEM = 2,
	CORE_HELPER_MAP_DELETE_ELEM = 3,
	CORE_HELPER_KTIME_GET_NS = 5,
	CORE_HELPER_TRACE_PRINTK = 6,
	CORE_HELPER_GET_PRANDOM_U32 = 7,
	CORE_HELPER_GET_SMP_PROCESSOR_ID = 8,
	CORE_HELPER_TAIL_CALL = 12,
	CORE_HELPER_CSUM_DIFF = 28,
	CORE_HELPER_MAP_PUSH_ELEM = 87,
	CORE_HELPER_MAP_POP_ELEM = 88,
	CORE_HELPER_MAP_PEEK_ELEM = 89,
	CORE_HELPER_SPIN_LOCK = 93,
	CORE_HELPER_SPIN_UNLOCK = 94,
	CORE_HELPER_STRTOL = 105,
	CORE_HELPER_STRTOUL = 106,
	CORE_HELPER_KTIME_GET_BOOT_NS = 125,
	CORE_HELPER_RINGBUF_OUTPUT = 130,
	CORE_HELPER_RINGBUF_RESERVE = 131,
	CORE_HELPER_RINGBUF_SUBMIT = 132,
	CORE_HELPER_RINGBUF_DISCARD = 133,
	CORE_HELPER_RINGBUF_QUERY = 134,
	CORE_HELPER_KTIME_GET_COARSE_NS = 160,
	CORE_HELPER_FOR_EACH_MAP_ELEM = 164,
	CORE_HELPER_LOOP = 181,
	CORE_HELPER_STRNCMP = 182,
	CORE_HELPER_MAP_LOOKUP_PERCPU_ELEM = 195,
};

/* The prototypes, sorted by id; *count gets their number. */
const struct ebpf_helper_proto *core_global_helper_protos(size_t *count);
/* The prototype of one id, or NULL when the core has no such helper. */
const struct ebpf_helper_proto *core_global_helper_proto(uint32_t id);
/*
 * The addresses, indexed by id, NULL where there is no helper; *count gets the highest id + 1.
 * The entries of CORE_HELPER_TAIL_CALL, CORE_HELPER_LOOP and CORE_HELPER_FOR_EACH_MAP_ELEM are
 * placeholders that fail with -EOPNOTSUPP: the engine performs tail calls itself
 * (exec_helpers.tail_call) and calls bpf_loop's and bpf_for_each_map_elem's callbacks itself
 * (functions of the running program), and never calls them.
 */
const ebpf_helper_fn *core_global_helper_table(uint32_t *count);
/*
 * bpf_for_each_map_elem's walk (exec_map_walk_fn), inside the program's RCU read-side critical
 * section: the next element's value, its key copied into walk->key, or NULL when the walk is
 * over. Each element's successor is found before its callback runs, so a callback deleting its
 * own element does not disturb the walk. Concurrent updates may make it miss an element or see
 * one twice (as Linux's walk may); it never takes more than max_entries steps.
 */
void *core_map_walk_next(struct exec_map_walk *walk);

/* trace_printk's output limit, as Linux's (longer messages are truncated). */
#define CORE_TRACE_PRINTK_MAX 1024

/*
 * The helpers themselves, one file per family. Programs reach them through the table; they are
 * declared here only because the table (helpers.c) and the families live in different files.
 */

/* helpers_map.c: maps, queues and stacks, ring buffers */
uint64_t core_helper_map_lookup_elem(uint64_t map, uint64_t key, uint64_t r3, uint64_t r4,
				     uint64_t r5);
uint64_t core_helper_map_update_elem(uint64_t map, uint64_t key, uint64_t value, uint64_t flags,
				     uint64_t r5);
uint64_t core_helper_map_delete_elem(uint64_t map, uint64_t key, uint64_t r3, uint64_t r4,
				     uint64_t r5);
uint64_t core_helper_map_push_elem(uint64_t map, uint64_t value, uint64_t flags, uint64_t r4,
				   uint64_t r5);
uint64_t core_helper_map_pop_elem(uint64_t map, uint64_t value, uint64_t r3, uint64_t r4,
				  uint64_t r5);
uint64_t core_helper_map_peek_elem(uint64_t map, uint64_t value, uint64_t r3, uint64_t r4,
				   uint64_t r5);
uint64_t core_helper_spin_lock(uint64_t lock, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5);
uint64_t core_helper_spin_unlock(uint64_t lock, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5);
uint64_t core_helper_ringbuf_output(uint64_t map, uint64_t data, uint64_t size, uint64_t flags,
				    uint64_t r5);
uint64_t core_helper_ringbuf_reserve(uint64_t map, uint64_t size, uint64_t flags, uint64_t r4,
				     uint64_t r5);
uint64_t core_helper_ringbuf_submit(uint64_t data, uint64_t flags, uint64_t r3, uint64_t r4,
				    uint64_t r5);
uint64_t core_helper_ringbuf_discard(uint64_t data, uint64_t flags, uint64_t r3, uint64_t r4,
				     uint64_t r5);
uint64_t core_helper_ringbuf_query(uint64_t map, uint64_t flags, uint64_t r3, uint64_t r4,
				   uint64_t r5);

/* helpers_sys.c: clocks, random numbers, the current CPU */
uint64_t core_helper_ktime_get_ns(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5);
uint64_t core_helper_ktime_get_boot_ns(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
				       uint64_t r5);
uint64_t core_helper_ktime_get_coarse_ns(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
					 uint64_t r5);
uint64_t core_helper_get_prandom_u32(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
				     uint64_t r5);
uint64_t core_helper_get_smp_processor_id(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
					  uint64_t r5);

/* helpers_data.c: computations over bytes the program passes */
uint64_t core_helper_csum_diff(uint64_t from, uint64_t from_size, uint64_t to, uint64_t to_size,
			       uint64_t seed);
uint64_t core_helper_strtol(uint64_t buf, uint64_t buf_len, uint64_t flags, uint64_t res,
			    uint64_t r5);
uint64_t core_helper_strtoul(uint64_t buf, uint64_t buf_len, uint64_t flags, uint64_t res,
			     uint64_t r5);
uint64_t core_helper_strncmp(uint64_t s1, uint64_t s1_size, uint64_t s2, uint64_t r4, uint64_t r5);

/* helpers_trace.c: trace output to the host's sink (ebpf_set_trace_sink) */
/* The value of one CPU's slot in a per-CPU map (Linux's bpf_map_lookup_percpu_elem). */
uint64_t core_helper_map_lookup_percpu_elem(uint64_t map, uint64_t key, uint64_t cpu, uint64_t r4,
					    uint64_t r5);
uint64_t core_helper_trace_printk(uint64_t fmt, uint64_t fmt_size, uint64_t arg1, uint64_t arg2,
				  uint64_t arg3);

#endif /* EXTBPF_CORE_HELPERS_H */
