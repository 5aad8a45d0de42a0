/* SPDX-License-Identifier: MIT */
/* Queue and stack maps: order, full behaviour (BPF_EXIST drops the oldest), Linux's errors. */
#include "maps/map_test.h"

static void push_all(struct ebpf_map *map, uint32_t from, uint32_t to)
{
	for (uint32_t v = from; v < to; v++)
		assert_int_equal(ebpf_map_update_elem(map, NULL, &v, EBPF_ANY), 0);
}

static uint32_t pop(struct ebpf_map *map)
{
	uint32_t v = 0;

	assert_int_equal(ebpf_map_lookup_and_delete_elem(map, NULL, &v), 0);
	return v;
}

static void test_queue_fifo(void **state)
{
	struct ebpf_map *map = test_map(EBPF_MAP_TYPE_QUEUE, 0, 4, 3);
	uint32_t v;

	assert_int_equal(ebpf_map_lookup_elem(map, NULL, &v), -ENOENT);
	assert_non_null(strstr(ebpf_last_error(), "empty"));
	/* Wrap around the ring several times. */
	for (uint32_t round = 0; round < 5; round++) {
		push_all(map, round * 10, round * 10 + 3);
		assert_int_equal(ebpf_map_lookup_elem(map, NULL, &v), 0); /* peek */
		assert_int_equal(v, round * 10);
		for (uint32_t i = 0; i < 3; i++)
			assert_int_equal(pop(map), round * 10 + i);
	}
	assert_int_equal(ebpf_map_lookup_and_delete_elem(map, NULL, &v), -ENOENT);
	map_destroy(map);
}

static void test_stack_lifo(void **state)
{
	struct ebpf_map *map = test_map(EBPF_MAP_TYPE_STACK, 0, 4, 3);
	uint32_t v;

	for (uint32_t round = 0; round < 5; round++) {
		push_all(map, round * 10, round * 10 + 3);
		assert_int_equal(ebpf_map_lookup_elem(map, NULL, &v), 0);
		assert_int_equal(v, round * 10 + 2);
		for (uint32_t i = 3; i-- > 0;)
			assert_int_equal(pop(map), round * 10 + i);
	}
	map_destroy(map);
}

static void test_full(void **state)
{
	struct ebpf_map *queue = test_map(EBPF_MAP_TYPE_QUEUE, 0, 4, 3);
	struct ebpf_map *stack = test_map(EBPF_MAP_TYPE_STACK, 0, 4, 3);
	uint32_t v = 3;

	push_all(queue, 0, 3);
	push_all(stack, 0, 3);
	assert_int_equal(ebpf_map_update_elem(queue, NULL, &v, EBPF_ANY), -E2BIG);
	assert_int_equal(ebpf_map_update_elem(stack, NULL, &v, EBPF_ANY), -E2BIG);
	/* BPF_EXIST: the oldest value (0) makes room. */
	assert_int_equal(ebpf_map_update_elem(queue, NULL, &v, EBPF_EXIST), 0);
	assert_int_equal(ebpf_map_update_elem(stack, NULL, &v, EBPF_EXIST), 0);
	for (uint32_t i = 1; i <= 3; i++)
		assert_int_equal(pop(queue), i);
	for (uint32_t i = 3; i >= 1; i--)
		assert_int_equal(pop(stack), i);
	assert_int_equal(ebpf_map_lookup_and_delete_elem(stack, NULL, &v), -ENOENT);
	map_destroy(queue);
	map_destroy(stack);
}

static void test_errors(void **state)
{
	struct ebpf_map *map = test_map(EBPF_MAP_TYPE_QUEUE, 0, 4, 3);
	uint32_t v = 1, key = 0;

	assert_int_equal(ebpf_map_update_elem(map, NULL, &v, EBPF_NOEXIST), -EINVAL);
	assert_int_equal(ebpf_map_update_elem(map, NULL, &v, 3), -EINVAL);
	assert_int_equal(ebpf_map_delete_elem(map, NULL), -EINVAL);
	assert_int_equal(ebpf_map_get_next_key(map, NULL, &key), -EINVAL);
	assert_int_equal(test_create_err(EBPF_MAP_TYPE_QUEUE, 4, 4, 3, 0, "key_size"), -EINVAL);
	assert_int_equal(test_create_err(EBPF_MAP_TYPE_STACK, 0, 0, 3, 0, "value_size"), -EINVAL);
	assert_int_equal(test_create_err(EBPF_MAP_TYPE_STACK, 0, 4, 0, 0, "max_entries"), -EINVAL);
	map_destroy(map);
}

static void test_program_view(void **state)
{
	struct ebpf_map *map = test_map(EBPF_MAP_TYPE_QUEUE, 0, 8, 2);
	uint64_t v = 7, out = 0;

	map_rcu_read_lock();
	assert_null(map_lookup_prog(map, NULL));
	assert_int_equal(map_peek_prog(map, &out), -ENOENT);
	assert_int_equal(map_push_prog(map, &v, EBPF_ANY), 0);
	v = 8;
	assert_int_equal(map_push_prog(map, &v, EBPF_ANY), 0);
	assert_int_equal(map_push_prog(map, &v, EBPF_ANY), -E2BIG);
	assert_int_equal(map_peek_prog(map, &out), 0);
	assert_int_equal(out, 7);
	assert_int_equal(map_pop_prog(map, &out), 0);
	assert_int_equal(out, 7);
	assert_int_equal(map_pop_prog(map, &out), 0);
	assert_int_equal(out, 8);
	assert_int_equal(map_pop_prog(map, &out), -ENOENT);
	assert_int_equal(map_update_prog(map, NULL, &v, EBPF_ANY), -EINVAL);
	map_rcu_read_unlock();
	map_destroy(map);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_queue_fifo),   cmocka_unit_test(test_stack_lifo),
		cmocka_unit_test(test_full),	     cmocka_unit_test(test_errors),
		cmocka_unit_test(test_program_view),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
