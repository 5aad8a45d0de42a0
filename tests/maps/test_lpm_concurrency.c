/* SPDX-License-Identifier: MIT */
/*
 * LPM trie lookups without a lock while writers change the trie: two writers (serialised by the
 * map's lock) insert, replace and delete prefixes inside 10.0.0.0/8, a third thread iterates,
 * and readers look addresses up under RCU. 10.0.0.0/8 itself is never removed, so every
 * address in it must match a prefix at least that long which covers it; an address outside it
 * must match nothing. Each value is its own key, so a torn or misplaced value shows. Bounded by
 * an operation count; meant to run under ThreadSanitizer as well (label `concurrency`).
 */
#include <endian.h>
#include <pthread.h>

#include "maps/map_test.h"

#define WRITERS	       2
#define READERS	       2
#define OPS_PER_WRITER 40000
#define MAX_ENTRIES    512

struct v4_key {
	uint32_t prefixlen;
	uint8_t data[4];
};

struct run {
	struct ebpf_map *map;
	atomic_bool stop;
	atomic_long bad;
	atomic_long unexpected_errors;
	atomic_long hits;
};

static bool covers(const struct v4_key *prefix, const uint8_t *addr)
{
	uint32_t p, a, mask;

	memcpy(&p, prefix->data, 4);
	memcpy(&a, addr, 4);
	p = be32toh(p);
	a = be32toh(a);
	mask = prefix->prefixlen ? ~0u << (32 - prefix->prefixlen) : 0;
	return prefix->prefixlen <= 32 && ((p ^ a) & mask) == 0;
}

/* Writer w owns the second bytes w, w + WRITERS, ...: two writers never race on one key. */
static void *writer(void *arg)
{
	struct run *run = arg;
	static atomic_uint next_id;
	unsigned int id = atomic_fetch_add(&next_id, 1) % WRITERS;
	unsigned int seed = 77 + id;

	for (long i = 0; i < OPS_PER_WRITER; i++) {
		uint32_t r = (uint32_t)rand_r(&seed);
		struct v4_key k = { 9 + r % 24,
				    { 10, (uint8_t)((r >> 5) % 16 * WRITERS + id),
				      (uint8_t)(r >> 9), (uint8_t)(r >> 17) } };
		int err;

		if ((r >> 25) % 3 == 0) {
			err = ebpf_map_delete_elem(run->map, &k);
			if (err && err != -ENOENT)
				atomic_fetch_add(&run->unexpected_errors, 1);
			continue;
		}
		err = ebpf_map_update_elem(run->map, &k, &k, EBPF_ANY);
		if (err && err != -ENOSPC)
			atomic_fetch_add(&run->unexpected_errors, 1);
	}
	return NULL;
}

static void check_lookup(struct run *run, const uint8_t addr[4])
{
	struct v4_key key = { 32, { addr[0], addr[1], addr[2], addr[3] } };
	const struct v4_key *v;

	map_rcu_read_lock();
	v = map_lookup_prog(run->map, &key);
	if (addr[0] == 10) {
		if (!v || v->prefixlen < 8 || !covers(v, addr))
			atomic_fetch_add(&run->bad, 1);
		else if (v->prefixlen > 8)
			atomic_fetch_add_explicit(&run->hits, 1, memory_order_relaxed);
	} else if (v) {
		atomic_fetch_add(&run->bad, 1);
	}
	map_rcu_read_unlock();
}

static void *reader(void *arg)
{
	struct run *run = arg;
	unsigned int seed = (unsigned int)(uintptr_t)pthread_self() ^ 0x5555;

	while (!atomic_load(&run->stop)) {
		uint32_t r = (uint32_t)rand_r(&seed);
		uint8_t addr[4] = { r % 8 ? 10 : 11, (uint8_t)((r >> 3) % (16 * WRITERS)),
				    (uint8_t)(r >> 9), (uint8_t)(r >> 17) };

		check_lookup(run, addr);
	}
	return NULL;
}

/* The host's view at the same time: iteration and copies. */
static void *host_reader(void *arg)
{
	struct run *run = arg;

	while (!atomic_load(&run->stop)) {
		struct v4_key key, next, v;
		const struct v4_key *prev = NULL;
		int steps = 0;

		while (ebpf_map_get_next_key(run->map, prev, &next) == 0 && steps++ < MAX_ENTRIES) {
			if (next.data[0] != 10)
				atomic_fetch_add(&run->bad, 1);
			/* The key finds itself or, deleted meanwhile, a shorter prefix over it. */
			if (ebpf_map_lookup_elem(run->map, &next, &v) != 0 ||
			    v.prefixlen > next.prefixlen || v.prefixlen < 8 ||
			    !covers(&v, next.data))
				atomic_fetch_add(&run->bad, 1);
			key = next;
			prev = &key;
		}
	}
	return NULL;
}

static void test_readers_during_writers(void **state)
{
	struct run run = { .map = test_map_flags(EBPF_MAP_TYPE_LPM_TRIE, sizeof(struct v4_key),
						 sizeof(struct v4_key), MAX_ENTRIES,
						 EBPF_F_NO_PREALLOC) };
	struct v4_key base = { 8, { 10, 0, 0, 0 } };

	assert_int_equal(ebpf_map_update_elem(run.map, &base, &base, EBPF_ANY), 0);
	test_readers_while_writers(&run, &run.stop, writer, WRITERS, reader, READERS, host_reader);

	assert_int_equal(atomic_load(&run.bad), 0);
	assert_int_equal(atomic_load(&run.unexpected_errors), 0);
	assert_true(atomic_load(&run.hits) > 0);
	test_rcu_barrier();
	map_destroy(run.map);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_readers_during_writers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
