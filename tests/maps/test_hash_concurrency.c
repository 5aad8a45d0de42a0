/* SPDX-License-Identifier: MIT */
/*
 * Lock-free lookups against concurrent updates and deletes: reader threads look values up under
 * RCU while writer threads replace, delete and (LRU) evict them. Every value a reader sees must be
 * whole and belong to its key. Bounded by an operation count and one second per map type; meant
 * to run under ThreadSanitizer as well (label `concurrency`).
 */
#include <pthread.h>
#include <time.h>

#include "maps/map_internal.h" /* map_hash_key */
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
	uint32_t keys; /* keys are 0..keys-1 */
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
		uint32_t key = r % run->keys;
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
		uint32_t key = (uint32_t)rand_r(&seed) % run->keys;
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
		uint32_t steps = 0;

		while (ebpf_map_get_next_key(run->map, prev, &next) == 0 &&
		       steps++ < 4 * run->keys) {
			if (next >= run->keys)
				atomic_fetch_add(&run->bad_values, 1);
			if (ebpf_map_lookup_elem(run->map, &next, &v) == 0 && !value_ok(next, &v))
				atomic_fetch_add(&run->bad_values, 1);
			key = next;
			prev = &key;
		}
	}
	return NULL;
}

static void run_keys(enum ebpf_map_type type, uint32_t max_entries, uint32_t flags, uint32_t keys)
{
	struct run run = { .map = test_map_flags(type, 4, sizeof(struct value), max_entries, flags),
			   .keys = keys };

	run.deadline_ns = now_ns() + 1000000000u;
	test_readers_while_writers(&run, &run.stop, writer, WRITERS, reader, READERS, host_reader);

	assert_int_equal(atomic_load(&run.bad_values), 0);
	assert_int_equal(atomic_load(&run.unexpected_errors), 0);
	assert_true(atomic_load(&run.hits) > 0);
	assert_true(test_count_u32_keys(run.map) <= max_entries);
	test_rcu_barrier();
	map_destroy(run.map);
}

static void run_type(enum ebpf_map_type type, uint32_t max_entries, uint32_t flags)
{
	run_keys(type, max_entries, flags, KEYS);
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

/*
 * An LRU map of 16 stripes, each with its own list and lock, and eight times more keys than
 * entries: writers evict in their stripes and, when theirs is empty, in others, while readers
 * mark elements; every update succeeds, no value is torn, the map never exceeds its size.
 */
static void test_lru_hash_evicting_in_stripes(void **state)
{
	run_keys(EBPF_MAP_TYPE_LRU_HASH, 512, 0, 8 * 512);
}

/*
 * Eviction from another stripe under contention. With Linux's BPF_F_ZERO_SEED the keys' stripes
 * are known (hashtab.c's rule: hash & (stripes - 1)); a 256-entry map has 8. One writer streams
 * keys of stripe 0 only, filling the map and evicting in its own stripe; the other inserts each
 * key of stripes 1-7 into an empty stripe of the full map, so it must evict in stripe 0 while
 * the first writer works there, then deletes it; readers mark stripe 0's elements meanwhile.
 */
#define STRIPED_ENTRIES 256
#define STRIPED_KEYS	1024

struct striped {
	struct run run;
	uint32_t own[STRIPED_KEYS];   /* keys of stripe 0 */
	uint32_t other[STRIPED_KEYS]; /* keys of stripes 1-7 */
};

static void *striped_owner(void *arg)
{
	struct striped *st = arg;

	for (long i = 0; i < OPS_PER_WRITER && now_ns() < st->run.deadline_ns; i++) {
		uint32_t key = st->own[i % STRIPED_KEYS];
		struct value v = { key, check_of(key, i), (uint64_t)i };

		if (ebpf_map_update_elem(st->run.map, &key, &v, EBPF_ANY))
			atomic_fetch_add(&st->run.unexpected_errors, 1);
	}
	return NULL;
}

static void *striped_visitor(void *arg)
{
	struct striped *st = arg;

	for (long i = 0; i < OPS_PER_WRITER && now_ns() < st->run.deadline_ns; i++) {
		uint32_t key = st->other[i % STRIPED_KEYS];
		struct value v = { key, check_of(key, i), (uint64_t)i };

		/* Only this thread writes stripes 1-7: its key is there until it deletes it. */
		if (ebpf_map_update_elem(st->run.map, &key, &v, EBPF_ANY) ||
		    ebpf_map_delete_elem(st->run.map, &key))
			atomic_fetch_add(&st->run.unexpected_errors, 1);
	}
	return NULL;
}

static void test_lru_evicting_across_stripes(void **state)
{
	struct striped *st = calloc(1, sizeof(*st));
	uint32_t n_own = 0, n_other = 0;
	pthread_t owner, visitor, readers[READERS];

	assert_non_null(st);
	for (uint32_t k = 0; n_own < STRIPED_KEYS || n_other < STRIPED_KEYS; k++) {
		bool own = (map_hash_key(0, &k, sizeof(k)) & (STRIPED_ENTRIES / 32 - 1)) == 0;

		if (own && n_own < STRIPED_KEYS)
			st->own[n_own++] = k;
		else if (!own && n_other < STRIPED_KEYS)
			st->other[n_other++] = k;
	}
	st->run.map = test_map_flags(EBPF_MAP_TYPE_LRU_HASH, 4, sizeof(struct value),
				     STRIPED_ENTRIES, 1u << 6 /* BPF_F_ZERO_SEED */);
	st->run.keys = st->own[STRIPED_KEYS - 1] + 1; /* readers look up keys of stripe 0 too */
	st->run.deadline_ns = now_ns() + 1000000000u;
	for (uint32_t i = 0; i < STRIPED_ENTRIES; i++) {
		struct value v = { st->own[i], check_of(st->own[i], 0), 0 };

		assert_int_equal(ebpf_map_update_elem(st->run.map, &st->own[i], &v, EBPF_ANY), 0);
	}
	test_threads_start(readers, READERS, reader, &st->run);
	test_threads_start(&owner, 1, striped_owner, st);
	test_threads_start(&visitor, 1, striped_visitor, st);
	test_threads_join(&owner, 1);
	test_threads_join(&visitor, 1);
	atomic_store(&st->run.stop, true);
	test_threads_join(readers, READERS);

	assert_int_equal(atomic_load(&st->run.bad_values), 0);
	assert_int_equal(atomic_load(&st->run.unexpected_errors), 0);
	/* Every visitor's key was deleted: stripe 0's keys are left, all but the one the visitor's
	 * last insert may have evicted. */
	uint32_t left = test_count_u32_keys(st->run.map);
	assert_true(left == STRIPED_ENTRIES || left == STRIPED_ENTRIES - 1);
	test_rcu_barrier();
	map_destroy(st->run.map);
	free(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hash_prealloc),
		cmocka_unit_test(test_hash_no_prealloc),
		cmocka_unit_test(test_lru_hash_evicting),
		cmocka_unit_test(test_lru_hash_evicting_in_stripes),
		cmocka_unit_test(test_lru_evicting_across_stripes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
