/* SPDX-License-Identifier: MIT */
/*
 * Shared by the map tests: creating maps straight through src/maps (no core), fake objects for
 * the maps that hold programs or maps, and waiting for deferred reclamation.
 */
#ifndef EXTBPF_TESTS_MAP_TEST_H
#define EXTBPF_TESTS_MAP_TEST_H

#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <urcu-bp.h>

#include "core/rcu.h"
#include "maps/maps.h"

/* The attributes the tests' maps are created with (name "test", private unless pin_path is set). */
static inline struct map_attr test_attr(enum ebpf_map_type type, uint32_t key_size,
					uint32_t value_size, uint32_t max_entries, uint32_t flags)
{
	return (struct map_attr){
		.type = type,
		.key_size = key_size,
		.value_size = value_size,
		.max_entries = max_entries,
		.map_flags = flags,
		.name = "test",
	};
}

static inline struct ebpf_map *test_map_flags(enum ebpf_map_type type, uint32_t key_size,
					      uint32_t value_size, uint32_t max_entries,
					      uint32_t flags)
{
	struct map_attr attr = test_attr(type, key_size, value_size, max_entries, flags);
	struct ebpf_map *map = NULL;
	const char *why = NULL;
	int err = map_create(&attr, NULL, &map, &why);

	if (err)
		fail_msg("map_create: %d %s", err, why ? why : "");
	return map;
}

static inline struct ebpf_map *test_map(enum ebpf_map_type type, uint32_t key_size,
					uint32_t value_size, uint32_t max_entries)
{
	return test_map_flags(type, key_size, value_size, max_entries, 0);
}

/* map_create's errno for attributes that must be refused; *why must name the attribute. */
static inline int test_create_err(enum ebpf_map_type type, uint32_t key_size, uint32_t value_size,
				  uint32_t max_entries, uint32_t flags, const char *why_has)
{
	struct map_attr attr = test_attr(type, key_size, value_size, max_entries, flags);
	struct ebpf_map *map = NULL;
	const char *why = NULL;
	int err;

	attr.name = "bad";
	err = map_create(&attr, NULL, &map, &why);
	assert_null(map);
	assert_non_null(why);
	if (why_has && !strstr(why, why_has))
		fail_msg("reason '%s' does not mention '%s'", why, why_has);
	return err;
}

/* Runs every pending deferred callback (reclaimed values, released objects). */
/* The keys of a map with 4-byte keys, counted by walking ebpf_map_get_next_key. */
static inline uint32_t test_count_u32_keys(struct ebpf_map *map)
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

static inline void test_rcu_barrier(void)
{
	core_rcu_barrier();
}

/*
 * Readers during writers, the concurrency tests' shape: `readers` threads of reader and one of
 * host_reader run while `writers` threads of writer do their work; once the writers are done,
 * *stop is set and the readers are joined. Every thread gets arg.
 */
#define TEST_THREADS_MAX 64

static inline void test_threads_start(pthread_t *threads, int n, void *(*fn)(void *), void *arg)
{
	for (int i = 0; i < n; i++)
		assert_int_equal(pthread_create(&threads[i], NULL, fn, arg), 0);
}

static inline void test_threads_join(pthread_t *threads, int n)
{
	for (int i = 0; i < n; i++)
		assert_int_equal(pthread_join(threads[i], NULL), 0);
}

static inline void test_readers_while_writers(void *arg, atomic_bool *stop, void *(*writer)(void *),
					      int writers, void *(*reader)(void *), int readers,
					      void *(*host_reader)(void *))
{
	pthread_t writer_threads[TEST_THREADS_MAX], reader_threads[TEST_THREADS_MAX], host;

	assert_true(writers <= TEST_THREADS_MAX && readers <= TEST_THREADS_MAX);
	test_threads_start(reader_threads, readers, reader, arg);
	test_threads_start(&host, 1, host_reader, arg);
	test_threads_start(writer_threads, writers, writer, arg);
	test_threads_join(writer_threads, writers);
	atomic_store(stop, true);
	test_threads_join(reader_threads, readers);
	test_threads_join(&host, 1);
}

/*
 * Fake objects named by ids 1..TEST_OBJECTS_MAX; each counts its references. For maps of maps
 * the objects are real maps, registered by the test with test_object_set.
 */
#define TEST_OBJECTS_MAX 16

struct test_objects {
	void *object[TEST_OBJECTS_MAX + 1];
	atomic_int refs[TEST_OBJECTS_MAX + 1];
};

extern struct test_objects test_objects;

static inline int test_object_index(const void *object)
{
	for (int i = 1; i <= TEST_OBJECTS_MAX; i++) {
		if (test_objects.object[i] == object)
			return i;
	}
	fail_msg("unknown object %p", object);
	return 0;
}

static inline void test_object_acquire(void *object)
{
	atomic_fetch_add(&test_objects.refs[test_object_index(object)], 1);
}

static inline void test_object_release(void *object)
{
	int old = atomic_fetch_sub(&test_objects.refs[test_object_index(object)], 1);

	if (old <= 0)
		fail_msg("object %p released more often than acquired", object);
}

static inline void *test_object_from_id(uint32_t id, enum ebpf_map_type map_type)
{
	if (id == 0 || id > TEST_OBJECTS_MAX || !test_objects.object[id])
		return NULL;
	atomic_fetch_add(&test_objects.refs[id], 1);
	return test_objects.object[id];
}

static inline uint32_t test_object_to_id(const void *object)
{
	return (uint32_t)test_object_index(object);
}

static inline const struct map_object_ops *test_object_ops(void)
{
	static const struct map_object_ops ops = {
		.acquire = test_object_acquire,
		.release = test_object_release,
		.from_id = test_object_from_id,
		.to_id = test_object_to_id,
	};

	return &ops;
}

static inline void test_object_set(uint32_t id, void *object)
{
	test_objects.object[id] = object;
	atomic_store(&test_objects.refs[id], 0);
}

static inline int test_object_refs(uint32_t id)
{
	return atomic_load(&test_objects.refs[id]);
}

#endif /* EXTBPF_TESTS_MAP_TEST_H */
