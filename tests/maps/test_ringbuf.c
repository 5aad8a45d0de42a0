/* SPDX-License-Identifier: MIT */
/* Ring buffers: reserve/submit/discard/output/query as Linux, and the consumer's callbacks. */
#include <unistd.h>

#include "maps/map_test.h"

#define PAGE ((uint32_t)sysconf(_SC_PAGESIZE))

struct collected {
	int count;
	size_t sizes[64];
	uint8_t first_bytes[64];
	uint64_t sum[64];
	int fail_at; /* return -EIO on this record (1-based), 0: never */
};

static int collect(void *arg, const void *data, size_t size)
{
	struct collected *c = arg;
	const uint8_t *bytes = data;
	uint64_t sum = 0;

	if (c->count >= 64)
		return -ENOSPC;
	for (size_t i = 0; i < size; i++)
		sum += bytes[i];
	c->sizes[c->count] = size;
	c->first_bytes[c->count] = size ? bytes[0] : 0;
	c->sum[c->count] = sum;
	c->count++;
	return c->fail_at == c->count ? -EIO : 0;
}

static struct ebpf_map *ring(uint32_t size)
{
	return test_map(EBPF_MAP_TYPE_RINGBUF, 0, 0, size);
}

static void test_create_errors(void **state)
{
	assert_int_equal(test_create_err(EBPF_MAP_TYPE_RINGBUF, 0, 0, PAGE * 3, 0, "power of 2"),
			 -EINVAL);
	assert_int_equal(test_create_err(EBPF_MAP_TYPE_RINGBUF, 0, 0, 1024, 0, "page size"),
			 -EINVAL);
	assert_int_equal(test_create_err(EBPF_MAP_TYPE_RINGBUF, 4, 0, PAGE, 0, "key_size"),
			 -EINVAL);
	assert_int_equal(test_create_err(EBPF_MAP_TYPE_RINGBUF, 0, 0, 0, 0, "max_entries"),
			 -EINVAL);
}

static void test_records_in_order_discard_skipped(void **state)
{
	struct ebpf_map *map = ring(PAGE);
	struct ebpf_ringbuf_consumer *consumer;
	struct collected c = { 0 };
	uint8_t *a, *b, *d;

	assert_int_equal(ebpf_ringbuf_consumer_create(map, collect, &c, &consumer), 0);
	a = map_ringbuf_reserve(map, 3, 0);
	b = map_ringbuf_reserve(map, 10, 0);
	d = map_ringbuf_reserve(map, 5, 0);
	assert_non_null(a);
	assert_non_null(b);
	assert_non_null(d);
	assert_int_equal(((uintptr_t)a) % 8, 0);
	memset(a, 1, 3);
	memset(b, 2, 10);
	memset(d, 3, 5);
	/* b first: nothing is available while a, reserved before it, is still busy. */
	/* Forced wake-ups: submit must find the ring from records anywhere in a page. */
	map_ringbuf_submit(b, MAP_RB_FORCE_WAKEUP);
	assert_int_equal(ebpf_ringbuf_consumer_poll(consumer, 0), 0);
	map_ringbuf_submit(a, MAP_RB_FORCE_WAKEUP);
	map_ringbuf_discard(d, MAP_RB_FORCE_WAKEUP);
	assert_int_equal(ebpf_ringbuf_consumer_poll(consumer, 0), 2);
	assert_int_equal(c.count, 2);
	assert_int_equal(c.sizes[0], 3);
	assert_int_equal(c.first_bytes[0], 1);
	assert_int_equal(c.sizes[1], 10);
	assert_int_equal(c.first_bytes[1], 2);
	/* The discarded record's space was consumed too. */
	assert_int_equal(map_ringbuf_query(map, MAP_RB_AVAIL_DATA), 0);
	assert_int_equal(map_ringbuf_query(map, MAP_RB_CONS_POS), 16 + 24 + 16);
	ebpf_ringbuf_consumer_destroy(consumer);
	map_destroy(map);
}

static void test_output_query_and_full(void **state)
{
	struct ebpf_map *map = ring(PAGE);
	struct ebpf_ringbuf_consumer *consumer;
	struct collected c = { 0 };
	uint8_t payload[100];
	int n = 0;

	memset(payload, 7, sizeof(payload));
	assert_int_equal(map_ringbuf_query(map, MAP_RB_RING_SIZE), PAGE);
	assert_int_equal(map_ringbuf_output(map, payload, sizeof(payload), 4), -EINVAL);
	assert_null(map_ringbuf_reserve(map, 8, 1));	/* flags must be 0 */
	assert_null(map_ringbuf_reserve(map, PAGE, 0)); /* larger than the ring with its header */
	while (map_ringbuf_output(map, payload, sizeof(payload), MAP_RB_NO_WAKEUP) == 0)
		n++;
	/* 108-byte records rounded to 112; at most size - 1 bytes in use, as Linux. */
	assert_int_equal(n, (PAGE - 1) / 112);
	assert_int_equal(map_ringbuf_query(map, MAP_RB_AVAIL_DATA), (uint64_t)n * 112);
	assert_int_equal(map_ringbuf_query(map, MAP_RB_PROD_POS), (uint64_t)n * 112);
	assert_int_equal(map_ringbuf_output(map, payload, sizeof(payload), 0), -EAGAIN);

	assert_int_equal(ebpf_ringbuf_consumer_create(map, collect, &c, &consumer), 0);
	c.fail_at = 2;
	/* A failing callback stops the poll with its error; its record counts as consumed. */
	assert_int_equal(ebpf_ringbuf_consumer_poll(consumer, 0), -EIO);
	assert_int_equal(map_ringbuf_query(map, MAP_RB_CONS_POS), 2 * 112);
	c.fail_at = 0;
	assert_int_equal(ebpf_ringbuf_consumer_poll(consumer, 0), n - 2);
	assert_int_equal(c.sum[0], 7 * 100);
	/* There is room again. */
	assert_int_equal(map_ringbuf_output(map, payload, sizeof(payload), 0), 0);
	ebpf_ringbuf_consumer_destroy(consumer);
	map_destroy(map);
}

/* Records that straddle the end of the ring come out whole (the data pages are mapped twice). */
static void test_wrap_around(void **state)
{
	struct ebpf_map *map = ring(PAGE);
	struct ebpf_ringbuf_consumer *consumer;
	struct collected c = { 0 };
	uint8_t payload[1000];

	assert_int_equal(ebpf_ringbuf_consumer_create(map, collect, &c, &consumer), 0);
	for (int round = 0; round < 40; round++) {
		size_t size = 200 + (size_t)round * 17;

		for (size_t i = 0; i < size; i++)
			payload[i] = (uint8_t)(i + round);
		assert_int_equal(map_ringbuf_output(map, payload, size, 0), 0);
		c.count = 0;
		assert_int_equal(ebpf_ringbuf_consumer_poll(consumer, 0), 1);
		assert_int_equal(c.sizes[0], size);
		uint64_t sum = 0;

		for (size_t i = 0; i < size; i++)
			sum += payload[i];
		assert_int_equal(c.sum[0], sum);
	}
	assert_true(map_ringbuf_query(map, MAP_RB_CONS_POS) > 4 * PAGE);
	ebpf_ringbuf_consumer_destroy(consumer);
	map_destroy(map);
}

static void test_consumer_rules(void **state)
{
	struct ebpf_map *map = ring(PAGE);
	struct ebpf_map *array = test_map(EBPF_MAP_TYPE_ARRAY, 4, 4, 1);
	struct ebpf_ringbuf_consumer *consumer, *second;
	struct collected c = { 0 };
	uint32_t key = 0, value;

	assert_int_equal(ebpf_ringbuf_consumer_create(array, collect, &c, &consumer), -EINVAL);
	assert_non_null(strstr(ebpf_last_error(), "not a ringbuf"));
	assert_int_equal(ebpf_ringbuf_consumer_create(map, collect, &c, &consumer), 0);
	assert_int_equal(ebpf_ringbuf_consumer_create(map, collect, &c, &second), -EBUSY);
	/* Nothing there: a short wait gives 0 records. */
	assert_int_equal(ebpf_ringbuf_consumer_poll(consumer, 5), 0);
	/* Key-based operations do not apply. */
	assert_int_equal(ebpf_map_lookup_elem(map, &key, &value), -EOPNOTSUPP);
	assert_int_equal(ebpf_map_get_next_key(map, NULL, &key), -EOPNOTSUPP);
	/* The consumer keeps the ring alive after the map is gone (as an mmap does). */
	assert_int_equal(map_ringbuf_output(map, "hi", 2, MAP_RB_NO_WAKEUP), 0);
	map_destroy(map);
	assert_int_equal(ebpf_ringbuf_consumer_poll(consumer, 0), 1);
	assert_int_equal(c.sizes[0], 2);
	ebpf_ringbuf_consumer_destroy(consumer);
	map_destroy(array);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_errors),
		cmocka_unit_test(test_records_in_order_discard_skipped),
		cmocka_unit_test(test_output_query_and_full),
		cmocka_unit_test(test_wrap_around),
		cmocka_unit_test(test_consumer_rules),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
