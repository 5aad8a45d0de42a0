/* SPDX-License-Identifier: MIT */
/* LRU hash maps: eviction instead of -E2BIG, keeping the keys programs used recently. */
#include "maps/map_test.h"

static int teardown(void **state)
{
	test_rcu_barrier();
	return 0;
}

static void fill(struct ebpf_map *map, uint32_t from, uint32_t to)
{
	for (uint32_t k = from; k < to; k++) {
		uint64_t v = k * 10;

		assert_int_equal(ebpf_map_update_elem(map, &k, &v, EBPF_ANY), 0);
	}
}

static bool present(struct ebpf_map *map, uint32_t k)
{
	uint64_t v;

	return ebpf_map_lookup_elem(map, &k, &v) == 0;
}

static uint32_t count(struct ebpf_map *map)
{
	uint32_t key, next, n = 0;
	const uint32_t *prev = NULL;

	while (ebpf_map_get_next_key(map, prev, &next) == 0) {
		key = next;
		prev = &key;
		n++;
	}
	return n;
}

static void test_recently_used_keys_survive(void **state)
{
	struct ebpf_map *map = test_map(EBPF_MAP_TYPE_LRU_HASH, 4, 8, 8);

	fill(map, 0, 8);
	/* Programs use keys 0..3 (the oldest ones). */
	map_rcu_read_lock();
	for (uint32_t k = 0; k < 4; k++)
		assert_non_null(map_lookup_prog(map, &k));
	map_rcu_read_unlock();
	/* Four new keys: never -E2BIG, the unused ones go. */
	fill(map, 8, 12);
	assert_int_equal(count(map), 8);
	for (uint32_t k = 0; k < 4; k++)
		assert_true(present(map, k));
	for (uint32_t k = 4; k < 8; k++)
		assert_false(present(map, k));
	for (uint32_t k = 8; k < 12; k++)
		assert_true(present(map, k));
	map_destroy(map);
}

/* As Linux (htab_lru_map_lookup_elem_sys): the host's lookups do not count as uses. */
static void test_host_lookups_do_not_mark(void **state)
{
	struct ebpf_map *map = test_map(EBPF_MAP_TYPE_LRU_HASH, 4, 8, 4);

	fill(map, 0, 4);
	for (uint32_t k = 0; k < 2; k++)
		assert_true(present(map, k));
	fill(map, 4, 6);
	assert_false(present(map, 0));
	assert_false(present(map, 1));
	assert_true(present(map, 2));
	assert_true(present(map, 5));
	map_destroy(map);
}

static void test_flags(void **state)
{
	struct ebpf_map *map = test_map(EBPF_MAP_TYPE_LRU_HASH, 4, 8, 2);
	uint32_t k = 1;
	uint64_t v = 1;

	assert_int_equal(ebpf_map_update_elem(map, &k, &v, EBPF_EXIST), -ENOENT);
	assert_int_equal(ebpf_map_update_elem(map, &k, &v, EBPF_NOEXIST), 0);
	assert_int_equal(ebpf_map_update_elem(map, &k, &v, EBPF_NOEXIST), -EEXIST);
	assert_int_equal(ebpf_map_delete_elem(map, &k), 0);
	assert_int_equal(ebpf_map_delete_elem(map, &k), -ENOENT);
	map_destroy(map);
}

static void test_no_prealloc_refused(void **state)
{
	assert_int_equal(test_create_err(EBPF_MAP_TYPE_LRU_HASH, 4, 8, 2, EBPF_F_NO_PREALLOC,
					 "BPF_F_NO_PREALLOC"),
			 -EOPNOTSUPP);
}

static void test_lru_percpu(void **state)
{
	uint32_t ncpus = ebpf_num_possible_cpus();
	struct ebpf_map *map = test_map(EBPF_MAP_TYPE_LRU_PERCPU_HASH, 4, 8, 2);
	uint64_t *values = calloc(ncpus, 8);

	for (uint32_t k = 0; k < 5; k++) {
		for (uint32_t c = 0; c < ncpus; c++)
			values[c] = k * 100 + c;
		assert_int_equal(ebpf_map_update_elem(map, &k, values, EBPF_ANY), 0);
	}
	assert_int_equal(count(map), 2);
	for (uint32_t k = 3; k < 5; k++) {
		assert_int_equal(ebpf_map_lookup_elem(map, &k, values), 0);
		for (uint32_t c = 0; c < ncpus; c++)
			assert_int_equal(values[c], k * 100 + c);
	}
	free(values);
	map_destroy(map);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_recently_used_keys_survive, teardown),
		cmocka_unit_test_teardown(test_host_lookups_do_not_mark, teardown),
		cmocka_unit_test_teardown(test_flags, teardown),
		cmocka_unit_test(test_no_prealloc_refused),
		cmocka_unit_test_teardown(test_lru_percpu, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
