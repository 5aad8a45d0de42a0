/* SPDX-License-Identifier: MIT */
/* LRU hash maps: eviction instead of -E2BIG, keeping the keys programs used recently. */
#include "maps/map_internal.h" /* map_hash_key */
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
	assert_int_equal(test_count_u32_keys(map), 8);
	for (uint32_t k = 0; k < 4; k++)
		assert_true(present(map, k));
	for (uint32_t k = 4; k < 8; k++)
		assert_false(present(map, k));
	for (uint32_t k = 8; k < 12; k++)
		assert_true(present(map, k));
	map_destroy(map);
}

/* Linux's BPF_F_ZERO_SEED: the same hash every run, so the keys' stripes are the same too. */
#define ZERO_SEED (1u << 6)

/*
 * A map of many stripes (1024 entries: 32), each with its own LRU list: a full map still never
 * refuses an insert, holds max_entries keys, and what programs looked up survives new keys.
 */
static void test_recently_used_keys_survive_in_stripes(void **state)
{
	struct ebpf_map *map = test_map_flags(EBPF_MAP_TYPE_LRU_HASH, 4, 8, 1024, ZERO_SEED);

	fill(map, 0, 1024);
	map_rcu_read_lock();
	for (uint32_t k = 0; k < 256; k++)
		assert_non_null(map_lookup_prog(map, &k));
	map_rcu_read_unlock();
	fill(map, 1024, 1280);
	assert_int_equal(test_count_u32_keys(map), 1024);
	for (uint32_t k = 0; k < 256; k++)
		assert_true(present(map, k));
	for (uint32_t k = 1024; k < 1280; k++)
		assert_true(present(map, k));
	/* The 256 evicted are among the unreferenced old keys. */
	uint32_t gone = 0;
	for (uint32_t k = 256; k < 1024; k++)
		gone += !present(map, k);
	assert_int_equal(gone, 256);
	map_destroy(map);
}

/*
 * Many more keys than entries through a map of many stripes: every insert succeeds, even when
 * its stripe has nothing left to evict (the eviction then happens in another stripe), and the
 * newest keys are there.
 */
static void test_stream_through_stripes(void **state)
{
	struct ebpf_map *map = test_map_flags(EBPF_MAP_TYPE_LRU_HASH, 4, 8, 256, ZERO_SEED);
	uint64_t v;

	fill(map, 0, 4096);
	assert_int_equal(test_count_u32_keys(map), 256);
	for (uint32_t k = 4096 - 32; k < 4096; k++) {
		assert_int_equal(ebpf_map_lookup_elem(map, &k, &v), 0);
		assert_int_equal(v, k * 10);
	}
	map_destroy(map);
}

/* The stripe of a key in a map of `stripes` stripes made with ZERO_SEED (hashtab.c's rule). */
static uint32_t stripe_of(uint32_t key, uint32_t stripes)
{
	return map_hash_key(0, &key, sizeof(key)) & (stripes - 1);
}

/*
 * A full map whose every key is in one stripe: an insert into another, empty, stripe has
 * nothing to evict in its own and evicts the oldest key of the stripe that has them.
 */
static void test_evicts_in_another_stripe(void **state)
{
	struct ebpf_map *map = test_map_flags(EBPF_MAP_TYPE_LRU_HASH, 4, 8, 256, ZERO_SEED);
	const uint32_t stripes = 256 / 32;
	uint32_t first = UINT32_MAX, n = 0, k;

	for (k = 0; n < 256; k++) {
		if (stripe_of(k, stripes) != 0)
			continue;
		if (first == UINT32_MAX)
			first = k;
		fill(map, k, k + 1);
		n++;
	}
	while (stripe_of(k, stripes) != 1)
		k++;
	assert_true(present(map, first));
	fill(map, k, k + 1);
	assert_true(present(map, k));
	assert_false(present(map, first));
	assert_int_equal(test_count_u32_keys(map), 256);
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
	assert_int_equal(test_count_u32_keys(map), 2);
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
		cmocka_unit_test_teardown(test_recently_used_keys_survive_in_stripes, teardown),
		cmocka_unit_test_teardown(test_stream_through_stripes, teardown),
		cmocka_unit_test_teardown(test_evicts_in_another_stripe, teardown),
		cmocka_unit_test_teardown(test_flags, teardown),
		cmocka_unit_test(test_no_prealloc_refused),
		cmocka_unit_test_teardown(test_lru_percpu, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
