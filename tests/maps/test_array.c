/* SPDX-License-Identifier: MIT */
/* Array and per-CPU array maps against Linux's documented behaviour. */
#define _GNU_SOURCE
#include <sched.h>

#include "maps/map_test.h"

static void test_zeroed_and_round_trip(void **state)
{
	struct ebpf_map *map = test_map(EBPF_MAP_TYPE_ARRAY, 4, 12, 4);
	uint8_t value[12], zero[12] = { 0 };
	uint32_t key = 3;

	assert_int_equal(ebpf_map_lookup_elem(map, &key, value), 0);
	assert_memory_equal(value, zero, sizeof(value));
	memset(value, 0xab, sizeof(value));
	assert_int_equal(ebpf_map_update_elem(map, &key, value, EBPF_ANY), 0);
	memset(value, 0, sizeof(value));
	assert_int_equal(ebpf_map_lookup_elem(map, &key, value), 0);
	for (size_t i = 0; i < sizeof(value); i++)
		assert_int_equal(value[i], 0xab);
	map_destroy(map);
}

static void test_update_flags(void **state)
{
	struct ebpf_map *map = test_map(EBPF_MAP_TYPE_ARRAY, 4, 8, 4);
	uint64_t value = 7;
	uint32_t key = 1;

	/* Every element of an array exists: NOEXIST is -EEXIST, EXIST succeeds. */
	assert_int_equal(ebpf_map_update_elem(map, &key, &value, EBPF_NOEXIST), -EEXIST);
	assert_non_null(strstr(ebpf_last_error(), "BPF_NOEXIST"));
	assert_int_equal(ebpf_map_update_elem(map, &key, &value, EBPF_EXIST), 0);
	assert_int_equal(ebpf_map_update_elem(map, &key, &value, 3), -EINVAL);
	assert_int_equal(ebpf_map_update_elem(map, &key, &value, 4 /* BPF_F_LOCK */), -EINVAL);
	map_destroy(map);
}

static void test_out_of_range(void **state)
{
	struct ebpf_map *map = test_map(EBPF_MAP_TYPE_ARRAY, 4, 8, 4);
	uint64_t value = 7;
	uint32_t key = 4;

	assert_int_equal(ebpf_map_update_elem(map, &key, &value, EBPF_ANY), -E2BIG);
	assert_non_null(strstr(ebpf_last_error(), "out of range"));
	assert_int_equal(ebpf_map_lookup_elem(map, &key, &value), -ENOENT);
	map_rcu_read_lock();
	assert_null(map_lookup_prog(map, &key));
	map_rcu_read_unlock();
	map_destroy(map);
}

static void test_delete_refused(void **state)
{
	struct ebpf_map *map = test_map(EBPF_MAP_TYPE_ARRAY, 4, 8, 4);
	uint32_t key = 0;

	assert_int_equal(ebpf_map_delete_elem(map, &key), -EINVAL);
	assert_non_null(strstr(ebpf_last_error(), "cannot be deleted"));
	assert_int_equal(map_delete_prog(map, &key), -EINVAL);
	assert_int_equal(ebpf_map_lookup_and_delete_elem(map, &key, &(uint64_t){ 0 }), -EOPNOTSUPP);
	map_destroy(map);
}

static void test_get_next_key(void **state)
{
	struct ebpf_map *map = test_map(EBPF_MAP_TYPE_ARRAY, 4, 4, 5);
	int seen[5] = { 0 };
	uint32_t key, next, *prev = NULL;
	int visits = 0;

	while (ebpf_map_get_next_key(map, prev, &next) == 0) {
		assert_true(next < 5);
		seen[next]++;
		visits++;
		key = next;
		prev = &key;
		assert_true(visits <= 5);
	}
	assert_int_equal(visits, 5);
	for (int i = 0; i < 5; i++)
		assert_int_equal(seen[i], 1);
	key = 4;
	assert_int_equal(ebpf_map_get_next_key(map, &key, &next), -ENOENT);
	key = 100; /* out of range: starts over */
	assert_int_equal(ebpf_map_get_next_key(map, &key, &next), 0);
	assert_int_equal(next, 0);
	map_destroy(map);
}

static void test_program_view_in_place(void **state)
{
	struct ebpf_map *map = test_map(EBPF_MAP_TYPE_ARRAY, 4, 8, 2);
	uint64_t *p, value = 41, out = 0;
	uint32_t key = 1;

	map_rcu_read_lock();
	assert_int_equal(map_update_prog(map, &key, &value, EBPF_ANY), 0);
	p = map_lookup_prog(map, &key);
	assert_non_null(p);
	assert_int_equal(((uintptr_t)p) % 8, 0);
	(*p)++;
	map_rcu_read_unlock();
	assert_int_equal(ebpf_map_lookup_elem(map, &key, &out), 0);
	assert_int_equal(out, 42);
	map_destroy(map);
}

/* Pins the thread to one CPU it may run on, so that sched_getcpu() names that CPU. */
static int pin_to_some_cpu(void)
{
	cpu_set_t set;
	int cpu;

	assert_int_equal(sched_getaffinity(0, sizeof(set), &set), 0);
	for (cpu = CPU_SETSIZE - 1; cpu >= 0 && !CPU_ISSET(cpu, &set); cpu--)
		;
	assert_true(cpu >= 0);
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	assert_int_equal(sched_setaffinity(0, sizeof(set), &set), 0);
	return cpu;
}

static void test_percpu_slots(void **state)
{
	uint32_t ncpus = ebpf_num_possible_cpus();
	struct ebpf_map *map = test_map(EBPF_MAP_TYPE_PERCPU_ARRAY, 4, 4, 3);
	/* Linux's rule: the host's value is one slot per possible CPU, each rounded up to 8. */
	uint8_t *values = calloc(ncpus, 8), *out = calloc(ncpus, 8);
	uint32_t key = 2, mine = 1000, *p;
	cpu_set_t saved;
	int cpu;

	assert_true(ncpus >= 1);
	for (uint32_t c = 0; c < ncpus; c++)
		memcpy(values + c * 8, &c, 4);
	assert_int_equal(ebpf_map_update_elem(map, &key, values, EBPF_ANY), 0);
	memset(out, 0xff, ncpus * 8);
	assert_int_equal(ebpf_map_lookup_elem(map, &key, out), 0);
	for (uint32_t c = 0; c < ncpus; c++) {
		uint32_t v, pad;

		memcpy(&v, out + c * 8, 4);
		memcpy(&pad, out + c * 8 + 4, 4);
		assert_int_equal(v, c);
		assert_int_equal(pad, 0);
	}

	assert_int_equal(sched_getaffinity(0, sizeof(saved), &saved), 0);
	cpu = pin_to_some_cpu();
	map_rcu_read_lock();
	p = map_lookup_prog(map, &key);
	assert_non_null(p);
	assert_int_equal(*p, (uint32_t)cpu);
	assert_int_equal(map_update_prog(map, &key, &mine, EBPF_ANY), 0);
	map_rcu_read_unlock();
	assert_int_equal(sched_setaffinity(0, sizeof(saved), &saved), 0);

	/* The program wrote its CPU's slot only. */
	assert_int_equal(ebpf_map_lookup_elem(map, &key, out), 0);
	for (uint32_t c = 0; c < ncpus; c++) {
		uint32_t v;

		memcpy(&v, out + c * 8, 4);
		assert_int_equal(v, c == (uint32_t)cpu ? mine : c);
	}
	free(values);
	free(out);
	map_destroy(map);
}

static void test_create_errors(void **state)
{
	assert_int_equal(test_create_err(EBPF_MAP_TYPE_ARRAY, 8, 4, 1, 0, "key_size"), -EINVAL);
	assert_int_equal(test_create_err(EBPF_MAP_TYPE_ARRAY, 4, 0, 1, 0, "value_size"), -EINVAL);
	assert_int_equal(test_create_err(EBPF_MAP_TYPE_ARRAY, 4, 4, 0, 0, "max_entries"), -EINVAL);
	assert_int_equal(
	    test_create_err(EBPF_MAP_TYPE_ARRAY, 4, 4, 1, EBPF_F_NO_PREALLOC, "map_flags"),
	    -EINVAL);
	assert_int_equal(
	    test_create_err(EBPF_MAP_TYPE_ARRAY, 4, (1u << 22) + 1, 1, 0, "value_size"), -E2BIG);
	assert_int_equal(test_create_err(EBPF_MAP_TYPE_PERCPU_ARRAY, 4, 40000, 1, 0, "value_size"),
			 -E2BIG);
	assert_int_equal(test_create_err((enum ebpf_map_type)99, 4, 4, 1, 0, "type"), -EINVAL);
	assert_non_null(strstr(ebpf_last_error(), "99"));
}

static void test_name_truncated(void **state)
{
	char long_name[200];
	struct map_attr attr = {
		.type = EBPF_MAP_TYPE_ARRAY,
		.key_size = 4,
		.value_size = 4,
		.max_entries = 1,
		.name = long_name,
	};
	struct ebpf_map *map;

	memset(long_name, 'n', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	assert_int_equal(map_create(&attr, NULL, &map, NULL), 0);
	assert_int_equal(strlen(ebpf_map_name(map)), MAP_NAME_MAX - 1);
	assert_memory_equal(ebpf_map_name(map), long_name, MAP_NAME_MAX - 1);
	assert_int_equal(ebpf_map_type(map), EBPF_MAP_TYPE_ARRAY);
	assert_int_equal(ebpf_map_max_entries(map), 1);
	map_destroy(map);
}

static void test_access_flags(void **state)
{
	struct ebpf_map *ro_prog = test_map_flags(EBPF_MAP_TYPE_ARRAY, 4, 4, 1, EBPF_F_RDONLY_PROG);
	struct ebpf_map *ro = test_map_flags(EBPF_MAP_TYPE_ARRAY, 4, 4, 1, 1u << 3 /* RDONLY */);
	uint32_t key = 0, value = 1;

	/* .rodata: the host initialises it, programs may only read. */
	assert_int_equal(ebpf_map_update_elem(ro_prog, &key, &value, EBPF_ANY), 0);
	assert_int_equal(map_update_prog(ro_prog, &key, &value, EBPF_ANY), -EPERM);
	assert_int_equal(ebpf_map_update_elem(ro, &key, &value, EBPF_ANY), -EPERM);
	assert_int_equal(ebpf_map_lookup_elem(ro, &key, &value), 0);
	assert_int_equal(
	    test_create_err(EBPF_MAP_TYPE_ARRAY, 4, 4, 1, (1u << 3) | (1u << 4), "RDONLY"),
	    -EINVAL);
	map_destroy(ro_prog);
	map_destroy(ro);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_zeroed_and_round_trip),
		cmocka_unit_test(test_update_flags),
		cmocka_unit_test(test_out_of_range),
		cmocka_unit_test(test_delete_refused),
		cmocka_unit_test(test_get_next_key),
		cmocka_unit_test(test_program_view_in_place),
		cmocka_unit_test(test_percpu_slots),
		cmocka_unit_test(test_create_errors),
		cmocka_unit_test(test_name_truncated),
		cmocka_unit_test(test_access_flags),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
