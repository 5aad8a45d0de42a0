/* SPDX-License-Identifier: MIT */
/*
 * The map, queue/stack and ring buffer helpers on real maps, with Linux's semantics and error
 * codes. Like an invocation, every helper call is made inside an RCU read-side critical
 * section; maps are destroyed outside of one.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <urcu/urcu-bp.h>

#include "helpers_test.h"
#include "maps/maps.h"

#include <extbpf/extbpf.h>

/* Linux's ring buffer flags (include/uapi/linux/bpf.h). */
#define RB_NO_WAKEUP	(1ull << 0)
#define RB_FORCE_WAKEUP (1ull << 1)
#define RB_AVAIL_DATA	0
#define RB_RING_SIZE	1
#define RB_CONS_POS	2
#define RB_PROD_POS	3

static struct ebpf_map *create(enum ebpf_map_type type, uint32_t key_size, uint32_t value_size,
			       uint32_t max_entries)
{
	struct map_attr attr = {
		.type = type,
		.key_size = key_size,
		.value_size = value_size,
		.max_entries = max_entries,
		.name = "test",
	};
	struct ebpf_map *map;
	const char *why = NULL;

	assert_int_equal(map_create(&attr, NULL, &map, &why), 0);
	assert_non_null(map);
	return map;
}

static int64_t update(struct ebpf_map *map, uint32_t key, uint64_t value, uint64_t flags)
{
	return (int64_t)CALL4(CORE_HELPER_MAP_UPDATE_ELEM, PTR(map), PTR(&key), PTR(&value), flags);
}

static uint64_t *lookup(struct ebpf_map *map, uint32_t key)
{
	return (uint64_t *)(uintptr_t)CALL2(CORE_HELPER_MAP_LOOKUP_ELEM, PTR(map), PTR(&key));
}

static int64_t delete_key(struct ebpf_map *map, uint32_t key)
{
	return (int64_t)CALL2(CORE_HELPER_MAP_DELETE_ELEM, PTR(map), PTR(&key));
}

static void test_hash(void **state)
{
	struct ebpf_map *map = create(EBPF_MAP_TYPE_HASH, sizeof(uint32_t), sizeof(uint64_t), 4);
	uint64_t *value;

	urcu_bp_read_lock();
	assert_null(lookup(map, 1));
	assert_int_equal(update(map, 1, 100, EBPF_ANY), 0);
	value = lookup(map, 1);
	assert_non_null(value);
	assert_int_equal(*value, 100);

	/* The pointer is the value itself: a store through it is what the next lookup sees. */
	*value = 101;
	assert_int_equal(*lookup(map, 1), 101);

	assert_int_equal(update(map, 1, 200, EBPF_NOEXIST), -EEXIST);
	assert_int_equal(update(map, 2, 200, EBPF_EXIST), -ENOENT);
	assert_int_equal(update(map, 2, 200, 3), -EINVAL);
	assert_null(lookup(map, 2));
	assert_int_equal(update(map, 1, 102, EBPF_EXIST), 0);
	assert_int_equal(*lookup(map, 1), 102);

	assert_int_equal(update(map, 2, 2, EBPF_NOEXIST), 0);
	assert_int_equal(update(map, 3, 3, EBPF_ANY), 0);
	assert_int_equal(update(map, 4, 4, EBPF_ANY), 0);
	assert_int_equal(update(map, 5, 5, EBPF_ANY), -E2BIG);
	/* Replacing an element of a full map is not an insertion. */
	assert_int_equal(update(map, 4, 44, EBPF_ANY), 0);
	assert_int_equal(*lookup(map, 4), 44);

	assert_int_equal(delete_key(map, 1), 0);
	assert_null(lookup(map, 1));
	assert_int_equal(delete_key(map, 1), -ENOENT);
	assert_int_equal(update(map, 5, 5, EBPF_ANY), 0);
	urcu_bp_read_unlock();
	map_destroy(map);
}

static void test_array(void **state)
{
	struct ebpf_map *map = create(EBPF_MAP_TYPE_ARRAY, sizeof(uint32_t), sizeof(uint64_t), 4);

	urcu_bp_read_lock();
	for (uint32_t i = 0; i < 4; i++) {
		assert_non_null(lookup(map, i));
		assert_int_equal(*lookup(map, i), 0);
	}
	assert_null(lookup(map, 4));
	assert_null(lookup(map, UINT32_MAX));

	assert_int_equal(update(map, 2, 7, EBPF_ANY), 0);
	assert_int_equal(*lookup(map, 2), 7);
	assert_int_equal(*lookup(map, 1), 0);
	assert_int_equal(update(map, 2, 8, EBPF_EXIST), 0);
	assert_int_equal(*lookup(map, 2), 8);
	assert_int_equal(update(map, 2, 9, EBPF_NOEXIST), -EEXIST);
	assert_int_equal(update(map, 4, 9, EBPF_ANY), -E2BIG);
	assert_int_equal(update(map, 1, 9, 3), -EINVAL);
	assert_int_equal(delete_key(map, 2), -EINVAL);
	assert_int_equal(*lookup(map, 2), 8);
	urcu_bp_read_unlock();
	map_destroy(map);
}

static uint64_t *lookup_cpu(struct ebpf_map *map, uint32_t key, uint64_t cpu)
{
	return (uint64_t *)(uintptr_t)CALL3(CORE_HELPER_MAP_LOOKUP_PERCPU_ELEM, PTR(map), PTR(&key),
					    cpu);
}

/* bpf_map_lookup_percpu_elem: each CPU's own slot; NULL past the CPUs, for a missing key and
 * for maps without slots. */
static void expect_percpu_slots(enum ebpf_map_type type)
{
	struct ebpf_map *map = create(type, sizeof(uint32_t), sizeof(uint64_t), 4);
	uint32_t ncpus = ebpf_num_possible_cpus(), key = 1;
	uint64_t *values = calloc(ncpus, sizeof(*values));

	assert_non_null(values);
	for (uint32_t cpu = 0; cpu < ncpus; cpu++)
		values[cpu] = 100 + cpu;
	assert_int_equal(ebpf_map_update_elem(map, &key, values, EBPF_ANY), 0);
	urcu_bp_read_lock();
	for (uint32_t cpu = 0; cpu < ncpus; cpu++) {
		assert_non_null(lookup_cpu(map, 1, cpu));
		assert_int_equal(*lookup_cpu(map, 1, cpu), 100 + cpu);
	}
	assert_null(lookup_cpu(map, 1, ncpus));
	assert_null(lookup_cpu(map, 1, UINT32_MAX));
	assert_null(lookup_cpu(map, 1, 1ull << 32));
	assert_null(lookup_cpu(map, 7, 0));
	/* The program's own slot is one of them. */
	*lookup(map, 1) = 5;
	assert_true(*lookup_cpu(map, 1, map_current_cpu() % ncpus) == 5);
	urcu_bp_read_unlock();
	map_destroy(map);
	free(values);
}

static void test_lookup_percpu_elem(void **state)
{
	struct ebpf_map *plain = create(EBPF_MAP_TYPE_ARRAY, sizeof(uint32_t), sizeof(uint64_t), 4);

	expect_percpu_slots(EBPF_MAP_TYPE_PERCPU_ARRAY);
	expect_percpu_slots(EBPF_MAP_TYPE_PERCPU_HASH);
	expect_percpu_slots(EBPF_MAP_TYPE_LRU_PERCPU_HASH);
	urcu_bp_read_lock();
	assert_null(lookup_cpu(plain, 1, 0));
	urcu_bp_read_unlock();
	map_destroy(plain);
}

static int64_t push(struct ebpf_map *map, uint32_t value, uint64_t flags)
{
	return (int64_t)CALL3(CORE_HELPER_MAP_PUSH_ELEM, PTR(map), PTR(&value), flags);
}

/* Pops (or peeks) into a value the helper must fill; returns the helper's r0. */
static int64_t take(struct ebpf_map *map, uint32_t id, uint32_t *value)
{
	*value = 0xdeadbeef;
	return (int64_t)CALL2(id, PTR(map), PTR(value));
}

/* A failed pop or peek still fills the value, with zeros (the verifier counts it written). */
static void expect_take_fails(struct ebpf_map *map, uint32_t id, int err)
{
	uint32_t value;

	assert_int_equal(take(map, id, &value), err);
	assert_int_equal(value, 0);
}

static void expect_take(struct ebpf_map *map, uint32_t id, uint32_t expect)
{
	uint32_t value;

	assert_int_equal(take(map, id, &value), 0);
	assert_int_equal(value, expect);
}

static void test_queue(void **state)
{
	struct ebpf_map *map = create(EBPF_MAP_TYPE_QUEUE, 0, sizeof(uint32_t), 3);

	urcu_bp_read_lock();
	expect_take_fails(map, CORE_HELPER_MAP_PEEK_ELEM, -ENOENT);
	expect_take_fails(map, CORE_HELPER_MAP_POP_ELEM, -ENOENT);

	assert_int_equal(push(map, 1, EBPF_ANY), 0);
	assert_int_equal(push(map, 2, EBPF_ANY), 0);
	assert_int_equal(push(map, 3, EBPF_ANY), 0);
	assert_int_equal(push(map, 4, EBPF_ANY), -E2BIG);
	assert_int_equal(push(map, 4, EBPF_NOEXIST), -EINVAL);
	assert_int_equal(push(map, 4, 3), -EINVAL);

	expect_take(map, CORE_HELPER_MAP_PEEK_ELEM, 1);
	expect_take(map, CORE_HELPER_MAP_PEEK_ELEM, 1);
	expect_take(map, CORE_HELPER_MAP_POP_ELEM, 1);
	/* Full again, then BPF_EXIST makes room by dropping the oldest. */
	assert_int_equal(push(map, 4, EBPF_ANY), 0);
	assert_int_equal(push(map, 5, EBPF_EXIST), 0);
	expect_take(map, CORE_HELPER_MAP_POP_ELEM, 3);
	expect_take(map, CORE_HELPER_MAP_POP_ELEM, 4);
	expect_take(map, CORE_HELPER_MAP_POP_ELEM, 5);
	expect_take_fails(map, CORE_HELPER_MAP_POP_ELEM, -ENOENT);
	urcu_bp_read_unlock();
	map_destroy(map);
}

static void test_stack(void **state)
{
	struct ebpf_map *map = create(EBPF_MAP_TYPE_STACK, 0, sizeof(uint32_t), 3);

	urcu_bp_read_lock();
	assert_int_equal(push(map, 1, EBPF_ANY), 0);
	assert_int_equal(push(map, 2, EBPF_ANY), 0);
	assert_int_equal(push(map, 3, EBPF_ANY), 0);
	assert_int_equal(push(map, 4, EBPF_ANY), -E2BIG);
	expect_take(map, CORE_HELPER_MAP_PEEK_ELEM, 3);
	/* Full: BPF_EXIST drops the oldest (the bottom of the stack). */
	assert_int_equal(push(map, 4, EBPF_EXIST), 0);
	expect_take(map, CORE_HELPER_MAP_POP_ELEM, 4);
	expect_take(map, CORE_HELPER_MAP_POP_ELEM, 3);
	expect_take(map, CORE_HELPER_MAP_POP_ELEM, 2);
	expect_take_fails(map, CORE_HELPER_MAP_PEEK_ELEM, -ENOENT);
	expect_take_fails(map, CORE_HELPER_MAP_POP_ELEM, -ENOENT);
	urcu_bp_read_unlock();
	map_destroy(map);
}

/* Pop and peek on maps that have no elements to take, or may not be changed by programs. */
static void test_take_failures(void **state)
{
	struct ebpf_map *hash = create(EBPF_MAP_TYPE_HASH, 4, sizeof(uint32_t), 3);
	struct ebpf_map *ro_queue;
	struct map_attr attr = {
		.type = EBPF_MAP_TYPE_QUEUE,
		.value_size = sizeof(uint32_t),
		.max_entries = 3,
		.map_flags = EBPF_F_RDONLY_PROG,
		.name = "ro_queue",
	};
	const char *why = NULL;

	assert_int_equal(map_create(&attr, NULL, &ro_queue, &why), 0);
	urcu_bp_read_lock();
	expect_take_fails(hash, CORE_HELPER_MAP_POP_ELEM, -EOPNOTSUPP);
	expect_take_fails(hash, CORE_HELPER_MAP_PEEK_ELEM, -EOPNOTSUPP);
	expect_take_fails(ro_queue, CORE_HELPER_MAP_POP_ELEM, -EPERM);
	urcu_bp_read_unlock();
	map_destroy(hash);
	map_destroy(ro_queue);
}

/* ---- Ring buffers ------------------------------------------------------------------------ */

#define RING_SIZE 4096

struct records {
	int count;
	size_t sizes[16];
	unsigned char data[16][RING_SIZE];
};

static int collect(void *arg, const void *data, size_t size)
{
	struct records *r = arg;

	assert_true(r->count < 16);
	r->sizes[r->count] = size;
	memcpy(r->data[r->count], data, size);
	r->count++;
	return 0;
}

static void *reserve(struct ebpf_map *map, uint64_t size, uint64_t flags)
{
	return (void *)(uintptr_t)CALL3(CORE_HELPER_RINGBUF_RESERVE, PTR(map), size, flags);
}

static int64_t output(struct ebpf_map *map, const void *data, uint64_t size, uint64_t flags)
{
	return (int64_t)CALL4(CORE_HELPER_RINGBUF_OUTPUT, PTR(map), PTR(data), size, flags);
}

static uint64_t query(struct ebpf_map *map, uint64_t flags)
{
	return CALL2(CORE_HELPER_RINGBUF_QUERY, PTR(map), flags);
}

/* Consumes everything available now; returns the number of records. */
static int consume(struct ebpf_map *map, struct records *records)
{
	struct ebpf_ringbuf_consumer *consumer;
	int n;

	assert_int_equal(ebpf_ringbuf_consumer_create(map, collect, records, &consumer), 0);
	n = ebpf_ringbuf_consumer_poll(consumer, 0);
	ebpf_ringbuf_consumer_destroy(consumer);
	return n;
}

/* Submitted and output records reach the consumer in order; discarded ones never do. */
static void test_ringbuf_records(void **state)
{
	struct ebpf_map *map = create(EBPF_MAP_TYPE_RINGBUF, 0, 0, RING_SIZE);
	static struct records records;
	const char message[] = "hello";
	unsigned char *first, *dropped;
	uint64_t available;

	urcu_bp_read_lock();
	assert_int_equal(query(map, RB_RING_SIZE), RING_SIZE);
	assert_int_equal(query(map, RB_AVAIL_DATA), 0);

	first = reserve(map, 16, 0);
	assert_non_null(first);
	for (int i = 0; i < 16; i++)
		first[i] = (unsigned char)(i * 3);
	dropped = reserve(map, 8, 0);
	assert_non_null(dropped);
	memset(dropped, 0xee, 8);
	assert_int_equal(CALL2(CORE_HELPER_RINGBUF_DISCARD, PTR(dropped), 0), 0);
	assert_int_equal(CALL2(CORE_HELPER_RINGBUF_SUBMIT, PTR(first), RB_NO_WAKEUP), 0);
	assert_int_equal(output(map, message, sizeof(message), RB_FORCE_WAKEUP), 0);

	available = query(map, RB_AVAIL_DATA);
	assert_true(available >= 16 + 8 + sizeof(message));
	assert_int_equal(available, query(map, RB_PROD_POS) - query(map, RB_CONS_POS));
	urcu_bp_read_unlock();

	assert_int_equal(consume(map, &records), 2);
	assert_int_equal(records.sizes[0], 16);
	for (int i = 0; i < 16; i++)
		assert_int_equal(records.data[0][i], i * 3);
	assert_int_equal(records.sizes[1], sizeof(message));
	assert_memory_equal(records.data[1], message, sizeof(message));

	urcu_bp_read_lock();
	assert_int_equal(query(map, RB_AVAIL_DATA), 0);
	assert_int_equal(query(map, RB_CONS_POS), query(map, RB_PROD_POS));
	urcu_bp_read_unlock();
	map_destroy(map);
}

static void test_ringbuf_limits(void **state)
{
	struct ebpf_map *map = create(EBPF_MAP_TYPE_RINGBUF, 0, 0, RING_SIZE);
	static struct records records;
	static unsigned char big[1000];
	int written = 0;

	urcu_bp_read_lock();
	/* reserve takes no flags; output only the wakeup ones. */
	assert_null(reserve(map, 8, 1));
	assert_int_equal(output(map, big, 8, 4), -EINVAL);
	assert_null(reserve(map, 2 * RING_SIZE, 0));
	assert_int_equal(output(map, big, RING_SIZE, 0), -EAGAIN);

	/* Producers never overtake the consumer: a full ring refuses until it is consumed. */
	while (output(map, big, sizeof(big), 0) == 0)
		written++;
	assert_true(written >= 1 && written < RING_SIZE / (int)sizeof(big) + 1);
	assert_null(reserve(map, sizeof(big), 0));
	urcu_bp_read_unlock();

	assert_int_equal(consume(map, &records), written);

	urcu_bp_read_lock();
	assert_int_equal(output(map, big, sizeof(big), 0), 0);
	urcu_bp_read_unlock();
	map_destroy(map);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hash),
		cmocka_unit_test(test_array),
		cmocka_unit_test(test_lookup_percpu_elem),
		cmocka_unit_test(test_queue),
		cmocka_unit_test(test_stack),
		cmocka_unit_test(test_take_failures),
		cmocka_unit_test(test_ringbuf_records),
		cmocka_unit_test(test_ringbuf_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
