/* SPDX-License-Identifier: MIT */
/*
 * Map types without user-space storage (storage of kernel objects, stack traces): their
 * attributes are checked as Linux checks them, they exist as descriptions for verification, and
 * creating one to run is refused with the reason.
 */
#include "maps/map_test.h"

#define NOPRE EBPF_F_NO_PREALLOC

static const enum ebpf_map_type local_storage[] = {
	EBPF_MAP_TYPE_SK_STORAGE,
	EBPF_MAP_TYPE_INODE_STORAGE,
	EBPF_MAP_TYPE_TASK_STORAGE,
	EBPF_MAP_TYPE_CGRP_STORAGE,
};

/* A good description is accepted without storage; creating it to run is refused. */
static void expect_verify_only(enum ebpf_map_type type, uint32_t key, uint32_t value, uint32_t max,
			       uint32_t flags)
{
	struct map_attr attr = { .type = type,
				 .key_size = key,
				 .value_size = value,
				 .max_entries = max,
				 .map_flags = flags,
				 .name = "owned" };
	struct ebpf_map *map = NULL;
	const char *why = NULL;

	assert_int_equal(map_create_descriptor(&attr, &map, &why), 0);
	assert_true(map_is_descriptor(map));
	map_destroy(map);
	map = NULL;
	assert_int_equal(map_create(&attr, NULL, &map, &why), -EOPNOTSUPP);
	assert_null(map);
	assert_non_null(strstr(why, "verify-only"));
	assert_non_null(map_type_name(type));
}

static void test_local_storage(void **state)
{
	for (size_t i = 0; i < sizeof(local_storage) / sizeof(local_storage[0]); i++) {
		enum ebpf_map_type t = local_storage[i];

		expect_verify_only(t, 4, 16, 0, NOPRE);
		assert_int_equal(test_create_err(t, 4, 16, 0, 0, "must have BPF_F_NO_PREALLOC"),
				 -EINVAL);
		assert_int_equal(test_create_err(t, 4, 16, 1, NOPRE, "max_entries must be 0"),
				 -EINVAL);
		assert_int_equal(test_create_err(t, 8, 16, 0, NOPRE, "key_size must be 4"),
				 -EINVAL);
		assert_int_equal(test_create_err(t, 4, 0, 0, NOPRE, "value_size 0"), -EINVAL);
		assert_int_equal(test_create_err(t, 4, 1u << 20, 0, NOPRE, "value_size is larger"),
				 -E2BIG);
		/* the largest value beside Linux's element header, and one byte more */
		expect_verify_only(t, 4, 65407, 0, NOPRE);
		assert_int_equal(test_create_err(t, 4, 65408, 0, NOPRE, "(65407 bytes)"), -E2BIG);
		assert_int_equal(test_create_err(t, 4, 16, 0, NOPRE | EBPF_F_RDONLY_PROG,
						 "take only BPF_F_NO_PREALLOC"),
				 -EINVAL);
	}
	assert_non_null(strstr(map_type_name(EBPF_MAP_TYPE_TASK_STORAGE), "task_storage"));
}

static void test_cgroup_storage(void **state)
{
	enum ebpf_map_type types[] = { EBPF_MAP_TYPE_CGROUP_STORAGE,
				       EBPF_MAP_TYPE_PERCPU_CGROUP_STORAGE };

	for (size_t i = 0; i < 2; i++) {
		/* sizeof(struct bpf_cgroup_storage_key) is 16 with its padding: Linux refuses 12.
		 */
		expect_verify_only(types[i], 16, 16, 0, 0);
		expect_verify_only(types[i], 8, 16, 0, 0);
		assert_int_equal(test_create_err(types[i], 12, 16, 0, 0, "key_size must be 16"),
				 -EINVAL);
		assert_int_equal(test_create_err(types[i], 4, 16, 0, 0, "key_size must be 16"),
				 -EINVAL);
		assert_int_equal(test_create_err(types[i], 16, 16, 4, 0, "max_entries must be 0"),
				 -EINVAL);
		assert_int_equal(test_create_err(types[i], 16, 0, 0, 0, "value_size 0"), -EINVAL);
		assert_int_equal(test_create_err(types[i], 16, 1u << 16, 0, 0, "value_size is"),
				 -E2BIG);
	}
	/* Larger than a page (Linux before 5.14 refused it): netcnt_prog.c's 65279 bytes. */
	expect_verify_only(EBPF_MAP_TYPE_CGROUP_STORAGE, 16, 4097, 0, 0);
	expect_verify_only(EBPF_MAP_TYPE_CGROUP_STORAGE, 16, 65279, 0, 0);
	expect_verify_only(EBPF_MAP_TYPE_CGROUP_STORAGE, 8, 65407, 0, 0);
	expect_verify_only(EBPF_MAP_TYPE_PERCPU_CGROUP_STORAGE, 16, 32768, 0, 0);
	assert_int_equal(test_create_err(EBPF_MAP_TYPE_PERCPU_CGROUP_STORAGE, 16, 32769, 0, 0,
					 "the limit of per-CPU values"),
			 -E2BIG);
	/* 65408..65535 fit in a u16 but not with Linux's element header (E2BIG there too) */
	assert_int_equal(test_create_err(EBPF_MAP_TYPE_CGROUP_STORAGE, 16, 65408, 0, 0,
					 "larger than local storage allows (65407 bytes)"),
			 -E2BIG);
	assert_int_equal(test_create_err(EBPF_MAP_TYPE_CGROUP_STORAGE, 8, 65535, 0, 0,
					 "larger than local storage allows"),
			 -E2BIG);
	assert_int_equal(test_create_err(EBPF_MAP_TYPE_CGROUP_STORAGE, 16, 65536, 0, 0,
					 "larger than local storage allows"),
			 -E2BIG);
}

static void test_stack_trace(void **state)
{
	enum ebpf_map_type t = EBPF_MAP_TYPE_STACK_TRACE;

	expect_verify_only(t, 4, 8, 1, 0);
	expect_verify_only(t, 4, 127 * 8, 1024, 0);
	expect_verify_only(t, 4, 32 * 4, 16, 1u << 5); /* BPF_F_STACK_BUILD_ID */
	assert_int_equal(test_create_err(t, 4, 12, 16, 0, "multiple of 8"), -EINVAL);
	assert_int_equal(test_create_err(t, 4, 0, 16, 0, "multiple of 8"), -EINVAL);
	assert_int_equal(test_create_err(t, 4, 40, 16, 1u << 5, "multiple of 32"), -EINVAL);
	assert_int_equal(test_create_err(t, 4, 128 * 8, 16, 0, "more frames"), -EINVAL);
	assert_int_equal(test_create_err(t, 8, 8, 16, 0, "key_size must be 4"), -EINVAL);
	assert_int_equal(test_create_err(t, 4, 8, 0, 0, "max_entries 0"), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_local_storage),
		cmocka_unit_test(test_cgroup_storage),
		cmocka_unit_test(test_stack_trace),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
