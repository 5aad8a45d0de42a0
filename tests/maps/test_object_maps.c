/* SPDX-License-Identifier: MIT */
/*
 * Maps whose values are objects: program arrays, arrays and hashes of maps (references held
 * through map_object_ops, given back after a grace period), and device maps.
 */
#include "maps/map_test.h"

struct test_objects test_objects;

struct fake_prog {
	int dummy;
};

static struct fake_prog progs[3];

static int setup(void **state)
{
	memset(&test_objects, 0, sizeof(test_objects));
	for (int i = 0; i < 3; i++)
		test_object_set((uint32_t)i + 1, &progs[i]);
	return 0;
}

static int teardown(void **state)
{
	test_rcu_barrier();
	return 0;
}

static struct ebpf_map *create_with_objects(enum ebpf_map_type type, uint32_t key_size,
					    uint32_t max_entries, const struct ebpf_map *inner)
{
	struct map_attr attr = {
		.type = type,
		.key_size = key_size,
		.value_size = 4,
		.max_entries = max_entries,
		.name = "outer",
		.inner_map = inner,
	};
	struct ebpf_map *map = NULL;
	const char *why = NULL;

	if (map_create(&attr, test_object_ops(), &map, &why))
		fail_msg("map_create: %s", why);
	return map;
}

static void test_prog_array_references(void **state)
{
	struct ebpf_map *map = create_with_objects(EBPF_MAP_TYPE_PROG_ARRAY, 4, 4, NULL);
	uint32_t key = 1, id = 1, out = 0;

	assert_int_equal(ebpf_map_update_elem(map, &key, &id, EBPF_ANY), 0);
	assert_int_equal(test_object_refs(1), 1);
	assert_ptr_equal(map_object_at(map, 1), &progs[0]);
	assert_null(map_object_at(map, 0));
	assert_null(map_object_at(map, 4));
	assert_int_equal(ebpf_map_lookup_elem(map, &key, &out), 0);
	assert_int_equal(out, 1);
	map_rcu_read_lock();
	assert_null(map_lookup_prog(map, &key)); /* programs only tail-call into them */
	map_rcu_read_unlock();

	/* Replacing: the old program is released once readers are gone. */
	map_rcu_read_lock();
	id = 2;
	assert_int_equal(ebpf_map_update_elem(map, &key, &id, EBPF_ANY), 0);
	assert_int_equal(test_object_refs(1), 1); /* a reader may still run it */
	map_rcu_read_unlock();
	test_rcu_barrier();
	assert_int_equal(test_object_refs(1), 0);
	assert_int_equal(test_object_refs(2), 1);

	assert_int_equal(ebpf_map_delete_elem(map, &key), 0);
	assert_int_equal(ebpf_map_delete_elem(map, &key), -ENOENT);
	test_rcu_barrier();
	assert_int_equal(test_object_refs(2), 0);

	/* Destroying the map releases what it still holds. */
	key = 3;
	id = 3;
	assert_int_equal(ebpf_map_update_elem(map, &key, &id, EBPF_ANY), 0);
	assert_int_equal(test_object_refs(3), 1);
	map_destroy(map);
	assert_int_equal(test_object_refs(3), 0);
}

static void test_prog_array_errors(void **state)
{
	struct ebpf_map *map = create_with_objects(EBPF_MAP_TYPE_PROG_ARRAY, 4, 4, NULL);
	uint32_t key = 0, id = 1, out;

	assert_int_equal(ebpf_map_update_elem(map, &key, &id, EBPF_NOEXIST), -EINVAL);
	assert_int_equal(ebpf_map_update_elem(map, &key, &id, EBPF_EXIST), -EINVAL);
	key = 4;
	assert_int_equal(ebpf_map_update_elem(map, &key, &id, EBPF_ANY), -E2BIG);
	assert_int_equal(ebpf_map_delete_elem(map, &key), -E2BIG);
	key = 0;
	id = 9;
	assert_int_equal(ebpf_map_update_elem(map, &key, &id, EBPF_ANY), -EBADF);
	assert_non_null(strstr(ebpf_last_error(), "id"));
	assert_int_equal(ebpf_map_lookup_elem(map, &key, &out), -ENOENT);
	assert_int_equal(map_update_prog(map, &key, &id, EBPF_ANY), -EOPNOTSUPP);
	assert_int_equal(test_object_refs(1), 0);
	map_destroy(map);
	assert_int_equal(test_create_err(EBPF_MAP_TYPE_PROG_ARRAY, 4, 8, 1, 0, "value_size"),
			 -EINVAL);
}

static void test_array_of_maps(void **state)
{
	struct ebpf_map *tmpl = test_map(EBPF_MAP_TYPE_ARRAY, 4, 8, 4);
	struct ebpf_map *inner = test_map(EBPF_MAP_TYPE_ARRAY, 4, 8, 4);
	struct ebpf_map *other = test_map(EBPF_MAP_TYPE_ARRAY, 4, 8, 5);
	struct ebpf_map *outer = create_with_objects(EBPF_MAP_TYPE_ARRAY_OF_MAPS, 4, 2, tmpl);
	uint32_t key = 0, id = 4, out;

	/* The template may go away: the outer map copied what it needs. */
	map_destroy(tmpl);
	test_object_set(4, inner);
	test_object_set(5, other);
	assert_int_equal(ebpf_map_update_elem(outer, &key, &id, EBPF_ANY), 0);
	assert_int_equal(test_object_refs(4), 1);
	id = 5; /* max_entries differs from the template */
	assert_int_equal(ebpf_map_update_elem(outer, &key, &id, EBPF_ANY), -EINVAL);
	assert_int_equal(test_object_refs(5), 0);

	map_rcu_read_lock();
	assert_ptr_equal(map_lookup_prog(outer, &key), inner);
	assert_ptr_equal(map_object_at(outer, 0), inner);
	key = 1;
	assert_null(map_lookup_prog(outer, &key));
	map_rcu_read_unlock();
	key = 0;
	assert_int_equal(ebpf_map_lookup_elem(outer, &key, &out), 0);
	assert_int_equal(out, 4);
	map_destroy(outer);
	assert_int_equal(test_object_refs(4), 0);
	map_destroy(inner);
	map_destroy(other);
}

static void test_map_of_maps_creation(void **state)
{
	struct ebpf_map *prog_array = test_map(EBPF_MAP_TYPE_PROG_ARRAY, 4, 4, 1);
	struct map_attr attr = {
		.type = EBPF_MAP_TYPE_ARRAY_OF_MAPS,
		.key_size = 4,
		.value_size = 4,
		.max_entries = 1,
	};
	struct ebpf_map *map = NULL;
	const char *why = NULL;

	assert_int_equal(map_create(&attr, test_object_ops(), &map, &why), -EINVAL);
	assert_non_null(strstr(why, "inner_map"));
	attr.inner_map = prog_array;
	assert_int_equal(map_create(&attr, test_object_ops(), &map, &why), -EOPNOTSUPP);
	assert_non_null(strstr(why, "inner_map"));
	attr.type = EBPF_MAP_TYPE_HASH_OF_MAPS;
	assert_int_equal(map_create(&attr, test_object_ops(), &map, &why), -EOPNOTSUPP);
	assert_null(map);
	map_destroy(prog_array);
}

static void test_hash_of_maps(void **state)
{
	struct ebpf_map *inner = test_map(EBPF_MAP_TYPE_HASH, 8, 8, 16);
	struct ebpf_map *inner2 = test_map(EBPF_MAP_TYPE_HASH, 8, 8, 16);
	struct ebpf_map *outer = create_with_objects(EBPF_MAP_TYPE_HASH_OF_MAPS, 8, 4, inner);
	uint64_t key = 77, next;
	uint32_t id = 6, out;

	test_object_set(6, inner);
	test_object_set(7, inner2);
	assert_int_equal(ebpf_map_update_elem(outer, &key, &id, EBPF_NOEXIST), 0);
	assert_int_equal(test_object_refs(6), 1);
	id = 7;
	assert_int_equal(ebpf_map_update_elem(outer, &key, &id, EBPF_NOEXIST), -EEXIST);
	assert_int_equal(test_object_refs(7), 0);
	map_rcu_read_lock();
	assert_ptr_equal(map_lookup_prog(outer, &key), inner);
	assert_int_equal(ebpf_map_update_elem(outer, &key, &id, EBPF_EXIST), 0);
	assert_ptr_equal(map_lookup_prog(outer, &key), inner2);
	map_rcu_read_unlock();
	test_rcu_barrier();
	assert_int_equal(test_object_refs(6), 0);
	assert_int_equal(test_object_refs(7), 1);
	assert_int_equal(ebpf_map_lookup_elem(outer, &key, &out), 0);
	assert_int_equal(out, 7);
	assert_int_equal(ebpf_map_get_next_key(outer, NULL, &next), 0);
	assert_int_equal(next, 77);
	assert_int_equal(map_update_prog(outer, &key, &id, EBPF_ANY), -EOPNOTSUPP);

	assert_int_equal(ebpf_map_delete_elem(outer, &key), 0);
	test_rcu_barrier();
	assert_int_equal(test_object_refs(7), 0);

	assert_int_equal(ebpf_map_update_elem(outer, &key, &id, EBPF_ANY), 0);
	map_destroy(outer);
	assert_int_equal(test_object_refs(7), 0);
	map_destroy(inner);
	map_destroy(inner2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_prog_array_references, setup, teardown),
		cmocka_unit_test_setup_teardown(test_prog_array_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_array_of_maps, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map_of_maps_creation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hash_of_maps, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
