/* SPDX-License-Identifier: MIT */
/*
 * Lock-free lookups against concurrent updates and deletes: reader threads look values up under
 * RCU while writer threads replace, delete and (LRU) evict them. Every value a reader sees must be
 * whole and belong to its key. Bounded by an operation count and one second per map type; meant
 * to run under ThreadSanitizer as well (label `concurrency`).
 */
#include <pthread.h>
#include <time.h>

#include "maps/map_test.h"

#define KEYS	       64
#define WRITERS	       2
#define READERS	       2
#define OPS_PER_WRITER 200000

struct value {
	uint64_t key;
	uint64_t check;
	uint64_t generation;
};

struct run {
	struct ebpf_map *map;
	atomic_bool stop;
	atomic_long bad_values;
	atomic_long unexpected_errors;
	atomic_long hits;
	uint64_t deadline_ns;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t check_of(uint64_t key, uint64_t generation)
{
	return key * 0x9e3779b97f4a7c15ull ^ generation;
}

static void *writer(void *arg)
{
	struct run *run = arg;
	unsigned int seed = (unsigned int)(uintptr_t)pthread_self();

	for (long i = 0; i < OPS_PER_WRITER && now_ns() < run->deadline_ns; i++) {
		uint32_t r = (uint32_t)rand_r(&seed);
		uint32_t key = r % KEYS;
		struct value v = { key, check_of(key, i), (uint64_t)i };
		int err;

		if ((r >> 8) % 4 == 0) {
			err = ebpf_map_delete_elem(run->map, &key);
			if (err && err != -ENOENT)
				atomic_fetch_add(&run->unexpected_errors, 1);
			continue;
		}
		err = ebpf_map_update_elem(run->map, &key, &v, EBPF_ANY);
		/* The map holds every key, except LRU maps, smaller on purpose, which evict. */
		if (err)
			atomic_fetch_add(&run->unexpected_errors, 1);
	}
	return NULL;
}

static bool value_ok(uint32_t key, const struct value *v)
{
	return v->key == key && v->check == check_of(key, v->generation);
}

static void *reader(void *arg)
{
	struct run *run = arg;
	unsigned int seed = (unsigned int)(uintptr_t)pthread_self() ^ 0x5555;

	while (!atomic_load(&run->stop)) {
		uint32_t key = (uint32_t)rand_r(&seed) % KEYS;
		const struct value *p;

		map_rcu_read_lock();
		p = map_lookup_prog(run->map, &key);
		if (p) {
			atomic_fetch_add_explicit(&run->hits, 1, memory_order_relaxed);
			if (!value_ok(key, p))
				atomic_fetch_add(&run->bad_values, 1);
		}
		map_rcu_read_unlock();
	}
	return NULL;
}

/* The host's view at the same time: copies and iteration. */
static void *host_reader(void *arg)
{
	struct run *run = arg;

	while (!atomic_load(&run->stop)) {
		uint32_t key, next;
		const uint32_t *prev = NULL;
		struct value v;
		int steps = 0;

		while (ebpf_map_get_next_key(run->map, prev, &next) == 0 && steps++ < 4 * KEYS) {
			if (next >= KEYS)
				atomic_fetch_add(&run->bad_values, 1);
			if (ebpf_map_lookup_elem(run->map, &next, &v) == 0 && !value_ok(next, &v))
				atomic_fetch_add(&run->bad_values, 1);
			key = next;
			prev = &key;
		}
	}
	return NULL;
}

static void run_type(enum ebpf_map_type type, uint32_t max_entries, uint32_t flags)
{
	struct run run = { .map =
			       test_map_flags(type, 4, sizeof(struct value), max_entries, flags) };
	pthread_t writers[WRITERS], readers[READERS], host;

	run.deadline_ns = now_ns() + 1000000000u;
	for (int i = 0; i < READERS; i++)
		assert_int_equal(pthread_create(&readers[i], NULL, reader, &run), 0);
	assert_int_equal(pthread_create(&host, NULL, host_reader, &run), 0);
	for (int i = 0; i < WRITERS; i++)
		assert_int_equal(pthread_create(&writers[i], NULL, writer, &run), 0);
	for (int i = 0; i < WRITERS; i++)
		pthread_join(writers[i], NULL);
	atomic_store(&run.stop, true);
	for (int i = 0; i < READERS; i++)
		pthread_join(readers[i], NULL);
	pthread_join(host, NULL);

	assert_int_equal(atomic_load(&run.bad_values), 0);
	assert_int_equal(atomic_load(&run.unexpected_errors), 0);
	assert_true(atomic_load(&run.hits) > 0);
	test_rcu_barrier();
	map_destroy(run.map);
}

static void test_hash_prealloc(void **state)
{
	run_type(EBPF_MAP_TYPE_HASH, KEYS, 0);
}

static void test_hash_no_prealloc(void **state)
{
	run_type(EBPF_MAP_TYPE_HASH, KEYS, EBPF_F_NO_PREALLOC);
}

static void test_lru_hash_evicting(void **state)
{
	run_type(EBPF_MAP_TYPE_LRU_HASH, KEYS / 4, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hash_prealloc),
		cmocka_unit_test(test_hash_no_prealloc),
		cmocka_unit_test(test_lru_hash_evicting),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
