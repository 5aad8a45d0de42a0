/* SPDX-License-Identifier: MIT */
/* The global helpers' prototypes and address table: consistent with each other and with the
 * rules the verifier relies on. */
#include <errno.h>
#include <string.h>

#include "helpers_test.h"

#include <extbpf/extbpf.h>

static void test_protos_sorted_unique_and_global(void **state)
{
	size_t count;
	const struct ebpf_helper_proto *protos = core_global_helper_protos(&count);

	assert_true(count > 0);
	for (size_t i = 0; i < count; i++) {
		assert_true(protos[i].id < EBPF_PROGRAM_TYPE_HELPER_ID_BASE);
		assert_true(protos[i].id > 0);
		if (i)
			assert_true(protos[i - 1].id < protos[i].id);
	}
}

static void test_names_are_linux_names(void **state)
{
	size_t count;
	const struct ebpf_helper_proto *protos = core_global_helper_protos(&count);

	for (size_t i = 0; i < count; i++) {
		assert_non_null(protos[i].name);
		assert_int_equal(strncmp(protos[i].name, "bpf_", 4), 0);
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(protos[i].name, protos[j].name);
		/* Every global helper runs here: none is verify-only. */
		assert_int_equal(protos[i].flags & EBPF_HELPER_VERIFY_ONLY, 0);
		assert_null(protos[i].unavailable_reason);
	}
}

/* Every prototype has an address, every address a prototype, and the table ends at the last. */
static void test_table_matches_protos(void **state)
{
	size_t count;
	uint32_t table_count, with_address = 0;
	const struct ebpf_helper_proto *protos = core_global_helper_protos(&count);
	const ebpf_helper_fn *table = core_global_helper_table(&table_count);

	assert_int_equal(table_count, protos[count - 1].id + 1);
	for (size_t i = 0; i < count; i++)
		assert_non_null(table[protos[i].id]);
	for (uint32_t id = 0; id < table_count; id++) {
		const struct ebpf_helper_proto *proto = core_global_helper_proto(id);

		if (!table[id]) {
			assert_null(proto);
			continue;
		}
		with_address++;
		assert_non_null(proto);
		assert_int_equal(proto->id, id);
	}
	assert_int_equal(with_address, count);
	assert_null(core_global_helper_proto(table_count));
	assert_null(core_global_helper_proto(EBPF_PROGRAM_TYPE_HELPER_ID_BASE));
}

static bool is_memory_arg(enum ebpf_arg_type type)
{
	return type == EBPF_ARG_PTR_TO_MEM || type == EBPF_ARG_PTR_TO_MEM_OR_NULL ||
	       type == EBPF_ARG_PTR_TO_UNINIT_MEM;
}

static bool is_size_arg(enum ebpf_arg_type type)
{
	return type == EBPF_ARG_CONST_SIZE || type == EBPF_ARG_CONST_SIZE_OR_ZERO;
}

static bool is_map_arg(enum ebpf_arg_type type)
{
	return type == EBPF_ARG_PTR_TO_MAP_KEY || type == EBPF_ARG_PTR_TO_MAP_VALUE ||
	       type == EBPF_ARG_PTR_TO_UNINIT_MAP_VALUE;
}

/*
 * The shape rules Linux's check_func_proto() enforces: no argument after an unused one, a memory
 * argument is followed by its size, a size follows memory (or is ringbuf_reserve's allocation
 * size), map keys and values come with the map in argument 1, and a helper returning a map value
 * or reserved memory takes the map first.
 */
static void test_protos_well_formed(void **state)
{
	size_t count;
	const struct ebpf_helper_proto *protos = core_global_helper_protos(&count);

	for (size_t i = 0; i < count; i++) {
		const struct ebpf_helper_proto *p = &protos[i];
		bool unused = false;

		for (int a = 0; a < 5; a++) {
			enum ebpf_arg_type type = p->args[a];

			if (unused)
				assert_int_equal(type, EBPF_ARG_DONTCARE);
			unused = type == EBPF_ARG_DONTCARE;
			if (is_memory_arg(type)) {
				assert_true(a < 4);
				assert_true(is_size_arg(p->args[a + 1]));
			}
			if (is_size_arg(type) && p->ret != EBPF_RET_PTR_TO_ALLOC_MEM_OR_NULL)
				assert_true(a > 0 && is_memory_arg(p->args[a - 1]));
			if (is_map_arg(type))
				assert_int_equal(p->args[0], EBPF_ARG_CONST_MAP_PTR);
		}
		if (p->ret == EBPF_RET_PTR_TO_MAP_VALUE_OR_NULL ||
		    p->ret == EBPF_RET_PTR_TO_ALLOC_MEM_OR_NULL)
			assert_int_equal(p->args[0], EBPF_ARG_CONST_MAP_PTR);
		if (p->ret == EBPF_RET_PTR_TO_ALLOC_MEM_OR_NULL)
			assert_true(is_size_arg(p->args[1]));
	}
}

/* The ids programs compiled against Linux's <bpf/bpf_helper_defs.h> use. */
static void test_linux_ids(void **state)
{
	static const struct {
		uint32_t id;
		const char *name;
	} linux_ids[] = {
		{ 1, "bpf_map_lookup_elem" },
		{ 2, "bpf_map_update_elem" },
		{ 3, "bpf_map_delete_elem" },
		{ 5, "bpf_ktime_get_ns" },
		{ 6, "bpf_trace_printk" },
		{ 7, "bpf_get_prandom_u32" },
		{ 8, "bpf_get_smp_processor_id" },
		{ 12, "bpf_tail_call" },
		{ 28, "bpf_csum_diff" },
		{ 87, "bpf_map_push_elem" },
		{ 88, "bpf_map_pop_elem" },
		{ 89, "bpf_map_peek_elem" },
		{ 105, "bpf_strtol" },
		{ 106, "bpf_strtoul" },
		{ 125, "bpf_ktime_get_boot_ns" },
		{ 130, "bpf_ringbuf_output" },
		{ 131, "bpf_ringbuf_reserve" },
		{ 132, "bpf_ringbuf_submit" },
		{ 133, "bpf_ringbuf_discard" },
		{ 134, "bpf_ringbuf_query" },
		{ 160, "bpf_ktime_get_coarse_ns" },
	};

	for (size_t i = 0; i < sizeof(linux_ids) / sizeof(linux_ids[0]); i++) {
		const struct ebpf_helper_proto *p = core_global_helper_proto(linux_ids[i].id);

		assert_non_null(p);
		assert_string_equal(p->name, linux_ids[i].name);
	}
	/* No kernel memory in user space: probe_read (4), probe_read_kernel/user (112/113). */
	assert_null(core_global_helper_proto(4));
	assert_null(core_global_helper_proto(112));
	assert_null(core_global_helper_proto(113));
}

static void test_public_list_is_the_table(void **state)
{
	size_t count, public_count;
	const struct ebpf_helper_proto *protos = core_global_helper_protos(&count);

	assert_ptr_equal(ebpf_global_helpers(&public_count), protos);
	assert_int_equal(public_count, count);
	assert_ptr_equal(ebpf_global_helpers(NULL), protos);
}

/* The engine performs tail calls; the table's entry only reports misuse. */
static void test_tail_call_entry_fails(void **state)
{
	int64_t r0 = (int64_t)CALL3(CORE_HELPER_TAIL_CALL, 0, 0, 0);

	assert_int_equal(r0, -EOPNOTSUPP);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_protos_sorted_unique_and_global),
		cmocka_unit_test(test_names_are_linux_names),
		cmocka_unit_test(test_table_matches_protos),
		cmocka_unit_test(test_protos_well_formed),
		cmocka_unit_test(test_linux_ids),
		cmocka_unit_test(test_public_list_is_the_table),
		cmocka_unit_test(test_tail_call_entry_fails),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
