// SPDX-License-Identifier: MIT
/*
 * Which helper takes which map type, row by row as Linux's check_map_func_compatibility
 * (kernel/bpf/verifier.c) has it: map types programs reach only through their own helpers, and
 * helpers that take only some map types. Each row is a helper called with a map of one type,
 * accepted or refused with the helper and both types named.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "insn.h"
#include "vcases.h"

/* Linux's map types that include/extbpf has no name for (verify-only opens describe them). */
#define CGROUP_ARRAY	    8
#define REUSEPORT_SOCKARRAY 20
#define BLOOM_FILTER	    30
#define USER_RINGBUF	    31

#define T(x) EBPF_MAP_TYPE_##x

struct row {
	uint32_t helper;
	const char *name;
	int map_arg; /* 1 or 2 (then r1 is the context) */
	uint32_t map_type;
	const char *refusal; /* NULL: accepted */
};

#define OK(h, n, a, t)                                                                             \
	{                                                                                          \
		h, n, a, t, NULL                                                                   \
	}
#define BAD(h, n, a, t, why)                                                                       \
	{                                                                                          \
		h, n, a, t, why                                                                    \
	}

static const struct row rows[] = {
	/* map types reached only through their own helpers */
	OK(12, "bpf_tail_call", 2, T(PROG_ARRAY)),
	BAD(1, "bpf_map_lookup_elem", 1, T(PROG_ARRAY),
	    "programs reach prog_array maps only through bpf_tail_call"),
	OK(25, "bpf_perf_event_output", 2, T(PERF_EVENT_ARRAY)),
	BAD(1, "bpf_map_lookup_elem", 1, T(PERF_EVENT_ARRAY),
	    "programs reach perf_event_array maps only through bpf_perf_event_read, "
	    "bpf_perf_event_output, bpf_perf_event_read_value, bpf_skb_output or bpf_xdp_output"),
	OK(134, "bpf_ringbuf_query", 1, T(RINGBUF)),
	BAD(2, "bpf_map_update_elem", 1, T(RINGBUF), "programs reach ringbuf maps only through"),
	OK(209, "bpf_user_ringbuf_drain", 1, USER_RINGBUF),
	BAD(1, "bpf_map_lookup_elem", 1, USER_RINGBUF,
	    "programs reach user_ringbuf maps only through bpf_user_ringbuf_drain"),
	OK(27, "bpf_get_stackid", 2, T(STACK_TRACE)),
	BAD(1, "bpf_map_lookup_elem", 1, T(STACK_TRACE),
	    "programs reach stack_trace maps only through bpf_get_stackid"),
	OK(37, "bpf_current_task_under_cgroup", 1, CGROUP_ARRAY),
	OK(33, "bpf_skb_under_cgroup", 2, CGROUP_ARRAY),
	BAD(1, "bpf_map_lookup_elem", 1, CGROUP_ARRAY,
	    "programs reach cgroup_array maps only through bpf_skb_under_cgroup or "
	    "bpf_current_task_under_cgroup"),
	OK(81, "bpf_get_local_storage", 1, T(CGROUP_STORAGE)),
	BAD(1, "bpf_map_lookup_elem", 1, T(PERCPU_CGROUP_STORAGE),
	    "programs reach percpu_cgroup_storage maps only through bpf_get_local_storage"),
	OK(51, "bpf_redirect_map", 1, T(DEVMAP)),
	OK(1, "bpf_map_lookup_elem", 1, T(DEVMAP)),
	BAD(2, "bpf_map_update_elem", 1, T(DEVMAP_HASH),
	    "programs reach devmap_hash maps only through bpf_redirect_map or bpf_map_lookup_elem"),
	OK(51, "bpf_redirect_map", 1, T(CPUMAP)),
	BAD(1, "bpf_map_lookup_elem", 1, T(CPUMAP),
	    "programs reach cpumap maps only through bpf_redirect_map"),
	OK(1, "bpf_map_lookup_elem", 1, T(XSKMAP)),
	BAD(3, "bpf_map_delete_elem", 1, T(XSKMAP), "programs reach xskmap maps only through"),
	OK(1, "bpf_map_lookup_elem", 1, T(HASH_OF_MAPS)),
	BAD(2, "bpf_map_update_elem", 1, T(ARRAY_OF_MAPS),
	    "programs reach array_of_maps maps only through bpf_map_lookup_elem"),
	OK(52, "bpf_sk_redirect_map", 2, T(SOCKMAP)),
	OK(2, "bpf_map_update_elem", 1, T(SOCKMAP)),
	BAD(164, "bpf_for_each_map_elem", 1, T(SOCKMAP),
	    "programs reach sockmap maps only through bpf_sk_redirect_map"),
	OK(71, "bpf_msg_redirect_hash", 2, T(SOCKHASH)),
	OK(3, "bpf_map_delete_elem", 1, T(SOCKHASH)),
	BAD(164, "bpf_for_each_map_elem", 1, T(SOCKHASH),
	    "programs reach sockhash maps only through bpf_sk_redirect_hash"),
	OK(82, "bpf_sk_select_reuseport", 2, REUSEPORT_SOCKARRAY),
	BAD(1, "bpf_map_lookup_elem", 1, REUSEPORT_SOCKARRAY,
	    "programs reach reuseport_sockarray maps only through bpf_sk_select_reuseport"),
	OK(87, "bpf_map_push_elem", 1, T(QUEUE)),
	BAD(1, "bpf_map_lookup_elem", 1, T(QUEUE),
	    "programs reach queue maps only through bpf_map_peek_elem, bpf_map_pop_elem or "
	    "bpf_map_push_elem"),
	OK(88, "bpf_map_pop_elem", 1, T(STACK)),
	BAD(2, "bpf_map_update_elem", 1, T(STACK), "programs reach stack maps only through"),
	OK(89, "bpf_map_peek_elem", 1, BLOOM_FILTER),
	BAD(1, "bpf_map_lookup_elem", 1, BLOOM_FILTER,
	    "programs reach bloom_filter maps only through bpf_map_peek_elem or bpf_map_push_elem"),
	OK(107, "bpf_sk_storage_get", 1, T(SK_STORAGE)),
	BAD(1, "bpf_map_lookup_elem", 1, T(SK_STORAGE),
	    "programs reach sk_storage maps only through bpf_sk_storage_get, "
	    "bpf_sk_storage_delete or bpf_kptr_xchg"),
	OK(145, "bpf_inode_storage_get", 1, T(INODE_STORAGE)),
	BAD(1, "bpf_map_lookup_elem", 1, T(INODE_STORAGE), "only through bpf_inode_storage_get"),
	OK(156, "bpf_task_storage_get", 1, T(TASK_STORAGE)),
	BAD(2, "bpf_map_update_elem", 1, T(TASK_STORAGE), "only through bpf_task_storage_get"),
	OK(211, "bpf_cgrp_storage_delete", 1, T(CGRP_STORAGE)),
	BAD(3, "bpf_map_delete_elem", 1, T(CGRP_STORAGE),
	    "programs reach cgrp_storage maps only through"),

	/* helpers that take only some map types */
	BAD(12, "bpf_tail_call", 2, T(ARRAY), "it takes only prog_array maps, this is a array"),
	OK(22, "bpf_perf_event_read", 1, T(PERF_EVENT_ARRAY)),
	BAD(22, "bpf_perf_event_read", 1, T(HASH), "it takes only perf_event_array maps"),
	BAD(55, "bpf_perf_event_read_value", 1, T(ARRAY), "it takes only perf_event_array maps"),
	BAD(25, "bpf_perf_event_output", 2, T(RINGBUF), "it takes only perf_event_array maps"),
	OK(130, "bpf_ringbuf_output", 1, T(RINGBUF)),
	BAD(130, "bpf_ringbuf_output", 1, T(PERF_EVENT_ARRAY), "it takes only ringbuf maps"),
	BAD(131, "bpf_ringbuf_reserve", 1, T(ARRAY), "it takes only ringbuf maps"),
	BAD(209, "bpf_user_ringbuf_drain", 1, T(RINGBUF), "it takes only user_ringbuf maps"),
	BAD(27, "bpf_get_stackid", 2, T(HASH), "it takes only stack_trace maps"),
	BAD(33, "bpf_skb_under_cgroup", 2, T(ARRAY), "it takes only cgroup_array maps"),
	BAD(37, "bpf_current_task_under_cgroup", 1, T(HASH), "it takes only cgroup_array maps"),
	OK(51, "bpf_redirect_map", 1, T(DEVMAP_HASH)),
	OK(51, "bpf_redirect_map", 1, T(XSKMAP)),
	BAD(51, "bpf_redirect_map", 1, T(HASH),
	    "it takes only devmap, devmap_hash, cpumap or xskmap maps"),
	BAD(52, "bpf_sk_redirect_map", 2, T(SOCKHASH), "it takes only sockmap maps"),
	BAD(60, "bpf_msg_redirect_map", 2, T(SOCKHASH), "it takes only sockmap maps"),
	BAD(53, "bpf_sock_map_update", 2, T(SOCKHASH), "it takes only sockmap maps"),
	OK(72, "bpf_sk_redirect_hash", 2, T(SOCKHASH)),
	BAD(72, "bpf_sk_redirect_hash", 2, T(SOCKMAP), "it takes only sockhash maps"),
	BAD(71, "bpf_msg_redirect_hash", 2, T(SOCKMAP), "it takes only sockhash maps"),
	BAD(70, "bpf_sock_hash_update", 2, T(SOCKMAP), "it takes only sockhash maps"),
	OK(81, "bpf_get_local_storage", 1, T(PERCPU_CGROUP_STORAGE)),
	BAD(81, "bpf_get_local_storage", 1, T(HASH),
	    "it takes only cgroup_storage or percpu_cgroup_storage maps"),
	OK(82, "bpf_sk_select_reuseport", 2, T(SOCKMAP)),
	BAD(82, "bpf_sk_select_reuseport", 2, T(HASH),
	    "it takes only reuseport_sockarray, sockmap or sockhash maps"),
	BAD(88, "bpf_map_pop_elem", 1, BLOOM_FILTER, "it takes only queue or stack maps"),
	OK(87, "bpf_map_push_elem", 1, BLOOM_FILTER),
	BAD(89, "bpf_map_peek_elem", 1, T(HASH), "it takes only queue, stack or bloom_filter maps"),
	BAD(87, "bpf_map_push_elem", 1, T(RINGBUF), "it takes only queue, stack or bloom_filter"),
	OK(195, "bpf_map_lookup_percpu_elem", 1, T(LRU_PERCPU_HASH)),
	BAD(195, "bpf_map_lookup_percpu_elem", 1, T(HASH),
	    "it takes only percpu_array, percpu_hash or lru_percpu_hash maps"),
	BAD(107, "bpf_sk_storage_get", 1, T(TASK_STORAGE), "it takes only sk_storage maps"),
	BAD(146, "bpf_inode_storage_delete", 1, T(HASH), "it takes only inode_storage maps"),
	BAD(157, "bpf_task_storage_delete", 1, T(CGRP_STORAGE), "it takes only task_storage maps"),
	BAD(210, "bpf_cgrp_storage_get", 1, T(TASK_STORAGE), "it takes only cgrp_storage maps"),

	/* maps any helper may take (those without a map type of their own) */
	OK(1, "bpf_map_lookup_elem", 1, T(HASH)),
	OK(2, "bpf_map_update_elem", 1, T(LPM_TRIE)),
	OK(164, "bpf_for_each_map_elem", 1, T(ARRAY)),
};

static const struct ebpf_program_info plain = {
	.header = EBPF_EXTENSION_HEADER(struct ebpf_program_info, EBPF_PROGRAM_INFO_VERSION),
	.name = "compat",
	.context = { .size = 32, .data = -1, .data_end = -1, .meta = -1 },
};

/* The helper with the map at its place, the context before it, scalars after it. */
static void row_proto(const struct row *r, struct ebpf_helper_proto *p)
{
	memset(p, 0, sizeof(*p));
	p->id = r->helper;
	p->name = r->name;
	p->ret = EBPF_RET_INTEGER;
	for (int i = 0; i < 5; i++)
		p->args[i] = EBPF_ARG_ANYTHING;
	if (r->map_arg == 2)
		p->args[0] = EBPF_ARG_PTR_TO_CTX;
	p->args[r->map_arg - 1] = EBPF_ARG_CONST_MAP_PTR;
}

static int verify_row(const struct row *r, struct verifier_result *res)
{
	struct ebpf_inst insns[12];
	struct ebpf_helper_proto proto;
	struct verifier_map map = {
		.name = "m",
		.type = (enum ebpf_map_type)r->map_type,
		.key_size = 4,
		.value_size = 8,
		.max_entries = 1,
		.inner_map = -1,
	};
	struct verifier_input in = {
		.section = "compat",
		.info = &plain,
		.global_helpers = &proto,
		.global_helper_count = 1,
		.maps = &map,
		.map_count = 1,
		.allow_verify_only_helpers = true,
	};
	int reg = r->map_arg;
	size_t n;

	const struct ebpf_inst lddw[] = { EBPF_LD_MAP_IDX(reg, 0) };
	const struct ebpf_inst call[] = { EBPF_HELPER_CALL(r->helper), EBPF_MOV64_IMM(R0, 0),
					  EBPF_EXIT() };

	row_proto(r, &proto);
	memcpy(insns, lddw, sizeof(lddw));
	n = 2;
	for (int i = reg + 1; i <= 5; i++) {
		const struct ebpf_inst zero[] = { EBPF_MOV64_IMM(i, 0) };

		insns[n++] = zero[0];
	}
	memcpy(insns + n, call, sizeof(call));
	n += 3;
	in.insns = insns;
	in.insn_count = n;
	return verifier_verify(&in, res);
}

static void test_rows(void **state)
{
	struct verifier_result res;
	int failures = 0;

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		int err = verify_row(r, &res);
		char map[32];

		snprintf(map, sizeof(map), "map 'm' (type %u)", r->map_type);
		if (!r->refusal && err) {
			print_error("%s with map type %u: refused: %s\n", r->name, r->map_type,
				    res.message);
			failures++;
		} else if (r->refusal &&
			   (err != -EACCES || !strstr(res.message, r->refusal) ||
			    !strstr(res.message, r->name) || !strstr(res.message, map))) {
			print_error("%s with map type %u: expected '%s', got %d: %s\n", r->name,
				    r->map_type, r->refusal, err, err ? res.message : "accepted");
			failures++;
		}
	}
	assert_int_equal(failures, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
