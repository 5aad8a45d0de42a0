/* SPDX-License-Identifier: MIT */
/*
 * The shared per-CPU hash, LRU hash, LRU per-CPU hash, LPM trie, queue and stack maps
 * (src/maps/shm_hash.c, shm_queue.c): the private maps' semantics (checked against a private
 * map given the same operations), two processes working on one map with exact results, and a
 * writer killed with SIGKILL at random points leaving each type consistent for the next process.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/run_slot.h"
#include "maps/shm_test.h"

static struct ebpf_map *shm_create(enum ebpf_map_type type, uint32_t key_size, uint32_t value_size,
				   uint32_t max_entries, uint32_t flags)
{
	struct ebpf_map *map = NULL;
	int err;

	unlink(path);
	err = shm_create_flags(type, key_size, value_size, max_entries, flags, &map);
	if (err)
		fail_msg("map_create (shared): %d", err);
	assert_true(map_is_shared(map));
	return map;
}

/* Runs the test body on one CPU, so the program view's slot stays the same. */
static cpu_set_t pin_to_cpu(void)
{
	cpu_set_t one, all;

	CPU_ZERO(&one);
	CPU_SET(sched_getcpu(), &one);
	assert_int_equal(sched_getaffinity(0, sizeof(all), &all), 0);
	assert_int_equal(sched_setaffinity(0, sizeof(one), &one), 0);
	return all;
}

/* ---- Per-CPU hash ------------------------------------------------------------------------ */

static void test_percpu_hash(void **state)
{
	uint32_t ncpus = map_possible_cpus(), slot;
	uint64_t *values = calloc(ncpus, 8), *out = calloc(ncpus, 8), k = 7, missing = 8;
	struct ebpf_map *a = shm_create(EBPF_MAP_TYPE_PERCPU_HASH, 8, 8, 4, 0), *b = shm_open_ok();
	cpu_set_t all;

	assert_non_null(values);
	assert_non_null(out);
	for (uint32_t cpu = 0; cpu < ncpus; cpu++)
		values[cpu] = 1000 + cpu;
	assert_int_equal(ebpf_map_update_elem(a, &k, values, EBPF_NOEXIST), 0);
	assert_int_equal(ebpf_map_lookup_elem(b, &k, out), 0);
	assert_memory_equal(out, values, ncpus * 8);
	all = pin_to_cpu();
	slot = map_cpu_slot(ncpus);
	/* A program's pointer is its CPU's slot, the same memory from either handle. */
	assert_int_equal(*(uint64_t *)map_lookup_prog(b, &k), 1000 + slot);
	__atomic_fetch_add((uint64_t *)map_lookup_prog(a, &k), 5, __ATOMIC_SEQ_CST);
	/* A program's update of an existing key writes its slot in place, the others stay. */
	assert_int_equal(map_update_prog(b, &k, &(uint64_t){ 77 }, EBPF_EXIST), 0);
	assert_int_equal(*(uint64_t *)map_lookup_prog(a, &k), 77);
	assert_int_equal(ebpf_map_lookup_elem(a, &k, out), 0);
	for (uint32_t cpu = 0; cpu < ncpus; cpu++)
		assert_int_equal(out[cpu], cpu == slot ? 77 : 1000 + cpu);
	/* A program's new key: its slot, every other zero. */
	assert_int_equal(map_update_prog(a, &missing, &(uint64_t){ 9 }, EBPF_ANY), 0);
	assert_int_equal(ebpf_map_lookup_elem(b, &missing, out), 0);
	sched_setaffinity(0, sizeof(all), &all);
	for (uint32_t cpu = 0; cpu < ncpus; cpu++)
		assert_int_equal(out[cpu], cpu == slot ? 9 : 0);
	assert_int_equal(ebpf_map_lookup_and_delete_elem(b, &k, out), 0);
	assert_int_equal(out[slot], 77);
	assert_int_equal(ebpf_map_lookup_elem(a, &k, out), -ENOENT);
	assert_int_equal(to_shm(a)->hdr->count, 1);
	map_destroy(a);
	map_destroy(b);
	free(values);
	free(out);
}

/* ---- LRU hash ----------------------------------------------------------------------------- */

/* A full LRU map evicts instead of failing; what programs looked up lately stays. */
static void test_lru_hash(void **state)
{
	struct ebpf_map *a = shm_create(EBPF_MAP_TYPE_LRU_HASH, 4, 8, 8, 0), *b = shm_open_ok();
	uint32_t hot = 0, n = 0, key;
	uint64_t v = 0, out;

	for (key = 0; key < 8; key++)
		assert_int_equal(ebpf_map_update_elem(a, &key, &v, EBPF_NOEXIST), 0);
	/* Many more inserts than room: every one succeeds, the count stays max_entries. */
	for (key = 100; key < 1100; key++) {
		assert_non_null(map_lookup_prog(b, &hot)); /* key 0 is hot */
		v = key;
		assert_int_equal(ebpf_map_update_elem(key % 2 ? a : b, &key, &v, EBPF_NOEXIST), 0);
		assert_int_equal(ebpf_map_lookup_elem(a, &key, &out), 0);
		assert_int_equal(out, key);
		assert_int_equal(to_shm(a)->hdr->count, 8);
	}
	assert_int_equal(ebpf_map_lookup_elem(a, &hot, &out), 0); /* never evicted */
	key = 1; /* a cold one of the first eight went long ago */
	assert_int_equal(ebpf_map_lookup_elem(a, &key, &out), -ENOENT);
	assert_int_equal(ebpf_map_get_next_key(a, NULL, &key), 0);
	do
		n++;
	while (ebpf_map_get_next_key(b, &key, &key) == 0);
	assert_int_equal(n, 8);
	/* No element leaked: the ones in chains and the free ring add up to the pool. */
	assert_int_equal(to_shm(a)->hdr->free_tail - to_shm(a)->hdr->free_head,
			 to_shm(a)->pool_count - 8);
	map_destroy(a);
	map_destroy(b);
}

static void test_lru_percpu_hash(void **state)
{
	uint32_t ncpus = map_possible_cpus(), key;
	uint64_t *values = calloc(ncpus, 8), *out = calloc(ncpus, 8);
	struct ebpf_map *a = shm_create(EBPF_MAP_TYPE_LRU_PERCPU_HASH, 4, 8, 4, 0);

	assert_non_null(values);
	assert_non_null(out);
	for (key = 0; key < 40; key++) {
		for (uint32_t cpu = 0; cpu < ncpus; cpu++)
			values[cpu] = key * 100 + cpu;
		assert_int_equal(ebpf_map_update_elem(a, &key, values, EBPF_ANY), 0);
		assert_int_equal(ebpf_map_lookup_elem(a, &key, out), 0);
		assert_memory_equal(out, values, ncpus * 8);
	}
	assert_int_equal(to_shm(a)->hdr->count, 4);
	map_destroy(a);
	free(values);
	free(out);
}

/* ---- LPM trie: the private trie's answers ------------------------------------------------ */

struct lpm_key4 {
	uint32_t prefixlen;
	uint8_t data[4];
};

static struct lpm_key4 lpm4(uint32_t prefixlen, uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	return (struct lpm_key4){ prefixlen, { a, b, c, d } };
}

static void test_lpm_semantics(void **state)
{
	struct ebpf_map *a = shm_create(EBPF_MAP_TYPE_LPM_TRIE, 8, 8, 4, EBPF_F_NO_PREALLOC);
	struct ebpf_map *b = shm_open_ok();
	struct lpm_key4 k;
	uint64_t v, out;

	k = lpm4(8, 10, 0, 0, 0);
	v = 8;
	assert_int_equal(ebpf_map_update_elem(a, &k, &v, EBPF_NOEXIST), 0);
	k = lpm4(16, 10, 1, 0, 0);
	v = 16;
	assert_int_equal(ebpf_map_update_elem(b, &k, &v, EBPF_NOEXIST), 0);
	k = lpm4(24, 10, 1, 2, 99); /* bits past the prefix do not count */
	v = 24;
	assert_int_equal(ebpf_map_update_elem(a, &k, &v, EBPF_NOEXIST), 0);
	k = lpm4(24, 10, 1, 2, 0);
	assert_int_equal(ebpf_map_update_elem(a, &k, &v, EBPF_NOEXIST), -EEXIST);
	k = lpm4(32, 10, 1, 2, 3);
	assert_int_equal(*(uint64_t *)map_lookup_prog(b, &k), 24);
	k = lpm4(32, 10, 1, 9, 9);
	assert_int_equal(ebpf_map_lookup_elem(b, &k, &out), 0);
	assert_int_equal(out, 16);
	k = lpm4(32, 10, 9, 9, 9);
	assert_int_equal(*(uint64_t *)map_lookup_prog(a, &k), 8);
	k = lpm4(12, 10, 1, 2, 3); /* the lookup key's length caps the match */
	assert_int_equal(*(uint64_t *)map_lookup_prog(a, &k), 8);
	k = lpm4(32, 11, 1, 2, 3);
	assert_null(map_lookup_prog(a, &k));
	k = lpm4(33, 10, 0, 0, 0);
	assert_int_equal(ebpf_map_update_elem(a, &k, &v, EBPF_ANY), -EINVAL);
	assert_int_equal(ebpf_map_delete_elem(a, &k), -EINVAL);
	k = lpm4(0, 0, 0, 0, 0);
	v = 0;
	assert_int_equal(ebpf_map_update_elem(a, &k, &v, EBPF_ANY), 0);
	k = lpm4(32, 1, 1, 1, 1);
	assert_int_equal(map_update_prog(a, &k, &v, EBPF_ANY), -ENOSPC); /* full, as Linux */
	assert_int_equal(*(uint64_t *)map_lookup_prog(a, &k), 0);	 /* the default route */
	k = lpm4(16, 10, 1, 7, 7);
	assert_int_equal(ebpf_map_delete_elem(b, &k), 0);
	assert_int_equal(ebpf_map_delete_elem(b, &k), -ENOENT);
	k = lpm4(32, 10, 1, 9, 9);
	assert_int_equal(*(uint64_t *)map_lookup_prog(a, &k), 8);
	map_destroy(a);
	map_destroy(b);
}

/* Random prefixes in both a private and a shared trie: the same lookups and iteration. */
static void test_lpm_against_private(void **state)
{
	struct ebpf_map *priv =
	    test_map_flags(EBPF_MAP_TYPE_LPM_TRIE, 8, 8, 200, EBPF_F_NO_PREALLOC);
	struct ebpf_map *sh = shm_create(EBPF_MAP_TYPE_LPM_TRIE, 8, 8, 200, EBPF_F_NO_PREALLOC);
	unsigned int seed = 24;
	struct lpm_key4 k, kp, ks;
	int ep, es, n = 0;

	for (int i = 0; i < 600; i++) {
		uint32_t r = (uint32_t)rand_r(&seed);
		uint64_t v = (uint64_t)i;

		/* Few distinct top bytes, so prefixes nest and collide. */
		k = lpm4((uint32_t)rand_r(&seed) % 33, (uint8_t)(r % 3), (uint8_t)(r >> 8),
			 (uint8_t)(r >> 16), (uint8_t)(r >> 24));
		if (i % 4 == 3)
			assert_int_equal(ebpf_map_delete_elem(sh, &k),
					 ebpf_map_delete_elem(priv, &k));
		else
			assert_int_equal(ebpf_map_update_elem(sh, &k, &v, EBPF_ANY),
					 ebpf_map_update_elem(priv, &k, &v, EBPF_ANY));
	}
	for (int i = 0; i < 2000; i++) {
		uint32_t r = (uint32_t)rand_r(&seed);
		uint64_t vp = 0, vs = 0;

		k = lpm4(32, (uint8_t)(r % 3), (uint8_t)(r >> 8), (uint8_t)(r >> 16),
			 (uint8_t)(r >> 24));
		ep = ebpf_map_lookup_elem(priv, &k, &vp);
		es = ebpf_map_lookup_elem(sh, &k, &vs);
		assert_int_equal(es, ep);
		assert_int_equal(vs, vp);
	}
	/* Iteration: the same keys in the same order (Linux's postorder). */
	ep = ebpf_map_get_next_key(priv, NULL, &kp);
	es = ebpf_map_get_next_key(sh, NULL, &ks);
	while (ep == 0 && es == 0) {
		assert_memory_equal(&ks, &kp, sizeof(kp));
		n++;
		ep = ebpf_map_get_next_key(priv, &kp, &kp);
		es = ebpf_map_get_next_key(sh, &ks, &ks);
	}
	assert_int_equal(es, ep);
	assert_true(n > 50);
	map_destroy(priv);
	map_destroy(sh);
}

/* ---- Queue and stack: the private map's answers ------------------------------------------- */

static void queue_stack_against_private(enum ebpf_map_type type)
{
	struct ebpf_map *priv = test_map(type, 0, 12, 5);
	struct ebpf_map *sh = shm_create(type, 0, 12, 5, 0), *other = shm_open_ok();
	unsigned int seed = 7;
	uint32_t vp[3], vs[3];

	for (uint32_t i = 0; i < 3000; i++) {
		uint32_t op = (uint32_t)rand_r(&seed) % 5;
		uint32_t v[3] = { i, ~i, i * 3 };
		struct ebpf_map *s = i % 2 ? sh : other;
		uint64_t flags = op == 1 ? EBPF_EXIST : EBPF_ANY;

		memset(vp, 0, sizeof(vp));
		memset(vs, 0, sizeof(vs));
		if (op <= 1) {
			assert_int_equal(map_push_prog(s, v, flags), map_push_prog(priv, v, flags));
		} else if (op <= 3) {
			assert_int_equal(ebpf_map_lookup_and_delete_elem(s, NULL, vs),
					 ebpf_map_lookup_and_delete_elem(priv, NULL, vp));
		} else {
			assert_int_equal(ebpf_map_lookup_elem(s, NULL, vs),
					 ebpf_map_lookup_elem(priv, NULL, vp));
		}
		assert_memory_equal(vs, vp, sizeof(vp));
	}
	assert_int_equal(map_push_prog(sh, vs, EBPF_NOEXIST), -EINVAL);
	assert_int_equal(ebpf_map_delete_elem(sh, NULL), ebpf_map_delete_elem(priv, NULL));
	assert_null(map_lookup_prog(sh, NULL));
	map_destroy(priv);
	map_destroy(sh);
	map_destroy(other);
}

static void test_queue(void **state)
{
	queue_stack_against_private(EBPF_MAP_TYPE_QUEUE);
}

static void test_stack(void **state)
{
	queue_stack_against_private(EBPF_MAP_TYPE_STACK);
}

/* ---- Two processes, exact results --------------------------------------------------------- */

#define QUEUE_ITEMS 20000

/* Pops until the producer is done and the queue is empty; counts each item in seen. */
static void consumer(struct ebpf_map *q, _Atomic uint32_t *seen, _Atomic int *done)
{
	uint32_t item;

	for (;;) {
		if (ebpf_map_lookup_and_delete_elem(q, NULL, &item) == 0) {
			if (item < QUEUE_ITEMS)
				atomic_fetch_add(&seen[item], 1);
			continue;
		}
		if (atomic_load(done))
			_exit(ebpf_map_lookup_and_delete_elem(q, NULL, &item) == -ENOENT ? 0 : 1);
		sched_yield();
	}
}

/* Every pushed item is popped exactly once across two consumer processes. */
static void test_queue_two_consumers(void **state)
{
	struct ebpf_map *q = shm_create(EBPF_MAP_TYPE_QUEUE, 0, 4, 64, 0);
	size_t size = sizeof(_Atomic uint32_t) * QUEUE_ITEMS + sizeof(_Atomic int);
	void *shared = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	_Atomic uint32_t *seen = shared;
	_Atomic int *done = (_Atomic int *)(seen + QUEUE_ITEMS);
	pid_t pids[2];

	assert_true(shared != MAP_FAILED);
	for (int i = 0; i < 2; i++) {
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0) {
			struct ebpf_map *mine = shm_open_ok(); /* its own handle on the pin */

			consumer(mine, seen, done);
		}
	}
	for (uint32_t item = 0; item < QUEUE_ITEMS; item++) {
		while (ebpf_map_update_elem(q, NULL, &item, EBPF_ANY) == -E2BIG)
			sched_yield(); /* full: the consumers catch up */
	}
	atomic_store(done, 1);
	for (int i = 0; i < 2; i++) {
		int status;

		assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}
	for (uint32_t item = 0; item < QUEUE_ITEMS; item++) {
		if (atomic_load(&seen[item]) != 1)
			fail_msg("item %u popped %u times", item, atomic_load(&seen[item]));
	}
	munmap(shared, size);
	map_destroy(q);
}

#define ADDS_PER_PROCESS 50000

/* Two processes count into one per-CPU hash and insert their own keys into an LRU hash. */
static void adder(uint32_t id)
{
	struct ebpf_map *m = shm_open_ok();
	uint64_t key = 1;
	char lru_path[160];
	struct ebpf_map *lru = NULL;
	const char *why;

	snprintf(lru_path, sizeof(lru_path), "%s/lru", dir);
	if (map_shm_open(lru_path, &lru, &why))
		_exit(2);
	for (uint32_t i = 0; i < ADDS_PER_PROCESS; i++) {
		uint64_t *slot = map_lookup_prog(m, &key);
		uint32_t k = id * ADDS_PER_PROCESS + i;

		if (!slot)
			_exit(3);
		__atomic_fetch_add(slot, 1, __ATOMIC_RELAXED);
		/* Other keys come and go meanwhile: the counter's element stays where it is. */
		if (ebpf_map_update_elem(lru, &k, &key, EBPF_NOEXIST))
			_exit(4);
	}
	_exit(0);
}

static void test_two_processes_exact(void **state)
{
	uint32_t ncpus = map_possible_cpus();
	uint64_t *zeros = calloc(ncpus, 8), *out = calloc(ncpus, 8), key = 1, total = 0;
	struct ebpf_map *m = shm_create(EBPF_MAP_TYPE_PERCPU_HASH, 8, 8, 16, 0), *lru;
	struct map_attr attr = {
		.type = EBPF_MAP_TYPE_LRU_HASH, .key_size = 4, .value_size = 8, .max_entries = 256
	};
	char lru_path[160];
	const char *why;
	pid_t pids[2];

	assert_non_null(zeros);
	assert_non_null(out);
	snprintf(lru_path, sizeof(lru_path), "%s/lru", dir);
	attr.pin_path = lru_path;
	assert_int_equal(map_create(&attr, NULL, &lru, &why), 0);
	assert_int_equal(ebpf_map_update_elem(m, &key, zeros, EBPF_NOEXIST), 0);
	for (uint32_t i = 0; i < 2; i++) {
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0)
			adder(i);
	}
	for (int i = 0; i < 2; i++) {
		int status;

		assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}
	assert_int_equal(ebpf_map_lookup_elem(m, &key, out), 0);
	for (uint32_t cpu = 0; cpu < ncpus; cpu++)
		total += out[cpu];
	assert_int_equal(total, 2 * ADDS_PER_PROCESS);
	assert_int_equal(to_shm(lru)->hdr->count, 256);
	assert_int_equal(to_shm(lru)->hdr->free_tail - to_shm(lru)->hdr->free_head,
			 to_shm(lru)->pool_count - 256);
	map_destroy(m);
	map_destroy(lru);
	unlink(lru_path);
	free(zeros);
	free(out);
}

/* ---- Per-CPU slots held across processes ------------------------------------------------ */

struct slot_holder {
	struct ebpf_map *map;
	pthread_barrier_t *all_held;
	uint32_t slot;
};

/* The process that owns slot `index` of the map's file (0: free). */
static uint64_t slot_owner(struct ebpf_map *map, uint32_t index)
{
	return *(volatile uint64_t *)(to_shm(map)->base + to_shm(map)->slots_off + 64ull * index);
}

/* In a run, claims a slot and holds it until every thread holds one. */
static void *hold_slot(void *arg)
{
	struct slot_holder *h = arg;
	uint32_t key = 0;
	uint64_t *value;

	core_run_slot_enter();
	value = map_lookup_prog(h->map, &key);
	if (value) {
		*value += 1; /* a plain increment: the slot is this run's alone */
		h->slot = (uint32_t)(((uint8_t *)value - to_shm(h->map)->data) / 8);
	}
	pthread_barrier_wait(h->all_held);
	core_run_slot_exit();
	return NULL;
}

/*
 * A process killed in a run leaves its slot of a shared per-CPU array claimed in the file;
 * runs of this process that need every slot at once get it back (its owner is gone), each a
 * slot of its own, and give them all back when they end.
 */
static void test_percpu_slots_of_killed_process(void **state)
{
	uint32_t ncpus = map_possible_cpus(), key = 0, dead_slot = UINT32_MAX;
	struct ebpf_map *m = shm_create(EBPF_MAP_TYPE_PERCPU_ARRAY, 4, 8, 1, 0);
	struct slot_holder *h = calloc(ncpus, sizeof(*h));
	pthread_t *threads = calloc(ncpus, sizeof(*threads));
	uint64_t *values = calloc(ncpus, 8), total = 0;
	pthread_barrier_t all_held;
	int ready[2], status;
	pid_t pid;
	char c;

	assert_non_null(h);
	assert_non_null(threads);
	assert_non_null(values);
	assert_int_equal(pipe(ready), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		core_run_slot_enter(); /* a run that never ends: killed holding its slot */
		if (!map_lookup_prog(m, &key) || write(ready[1], "x", 1) != 1)
			_exit(1);
		pause();
		_exit(2);
	}
	assert_int_equal(read(ready[0], &c, 1), 1);
	assert_int_equal(kill(pid, SIGKILL), 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	for (uint32_t slot = 0; slot < ncpus; slot++) {
		if ((slot_owner(m, slot) & ((1u << 22) - 1)) == (uint64_t)pid)
			dead_slot = slot;
	}
	assert_true(dead_slot < ncpus); /* the dead process's claim is still in the file */

	assert_int_equal(pthread_barrier_init(&all_held, NULL, ncpus), 0);
	for (uint32_t i = 0; i < ncpus; i++) {
		h[i] = (struct slot_holder){ .map = m, .all_held = &all_held, .slot = UINT32_MAX };
		assert_int_equal(pthread_create(&threads[i], NULL, hold_slot, &h[i]), 0);
	}
	for (uint32_t i = 0; i < ncpus; i++)
		assert_int_equal(pthread_join(threads[i], NULL), 0);
	for (uint32_t i = 0; i < ncpus; i++) {
		assert_true(h[i].slot < ncpus);
		for (uint32_t j = 0; j < i; j++)
			assert_int_not_equal(h[i].slot, h[j].slot);
	}
	for (uint32_t slot = 0; slot < ncpus; slot++)
		assert_int_equal(slot_owner(m, slot), 0);
	assert_int_equal(ebpf_map_lookup_elem(m, &key, values), 0);
	for (uint32_t slot = 0; slot < ncpus; slot++)
		total += values[slot];
	assert_int_equal(total, ncpus);
	pthread_barrier_destroy(&all_held);
	close(ready[0]);
	close(ready[1]);
	map_destroy(m);
	free(h);
	free(threads);
	free(values);
}

/* ---- SIGKILL at random points ------------------------------------------------------------ */

#define KILL_ROUNDS_MIN 40
#define KILL_ROUNDS_MAX 300
#define WORDS		6
/* Per-CPU and queue values are large: their writes are where most kills land. */
#define PERCPU_WORDS	512
#define KEYS		24

/* Every word derived from the key and one sequence number: a torn value shows. */
static void words_make_n(uint64_t *v, uint32_t n, uint64_t key, uint64_t seq)
{
	for (uint32_t i = 0; i < n; i++)
		v[i] = (key << 40) ^ (seq * (uint64_t)(i + 1));
}

static bool words_ok_n(const uint64_t *v, uint32_t n)
{
	uint64_t key = v[0] >> 40, seq = v[0] ^ (key << 40);

	for (uint32_t i = 0; i < n; i++) {
		if (v[i] != ((key << 40) ^ (seq * (uint64_t)(i + 1))))
			return false;
	}
	return true;
}

struct kill_maps {
	struct ebpf_map *percpu, *lru, *lpm, *queue;
	uint32_t ncpus;
	uint64_t *buf; /* ncpus values of PERCPU_WORDS words */
};

static void kill_writer(struct kill_maps *k, unsigned int seed)
{
	struct lpm_key4 lk;

	for (uint64_t seq = 1;; seq++) {
		uint32_t key = (uint32_t)rand_r(&seed) % KEYS;

		for (uint32_t cpu = 0; cpu < k->ncpus; cpu++)
			words_make_n(k->buf + (size_t)cpu * PERCPU_WORDS, PERCPU_WORDS, key,
				     seq + cpu);
		if (seq % 7 == 0)
			ebpf_map_delete_elem(k->percpu, &key);
		else if (seq % 2)
			ebpf_map_update_elem(k->percpu, &key, k->buf, EBPF_ANY);
		else
			map_update_prog(k->percpu, &key, k->buf, EBPF_ANY);
		key += (uint32_t)(seq % 64); /* more keys than the LRU holds: evictions */
		ebpf_map_update_elem(k->lru, &key, k->buf, EBPF_ANY);
		lk = lpm4(key % 33, (uint8_t)key, (uint8_t)seq, 0, 0);
		if (seq % 3 == 0)
			ebpf_map_delete_elem(k->lpm, &lk);
		else
			ebpf_map_update_elem(k->lpm, &lk, k->buf, EBPF_ANY);
		if (seq % 2)
			ebpf_map_update_elem(k->queue, NULL, k->buf, EBPF_EXIST);
		else
			ebpf_map_lookup_and_delete_elem(k->queue, NULL, k->buf);
	}
}

/* A hash-kind map after recovery: every live key whole, count and free ring add up. */
static void check_hash_kind(struct ebpf_map *map, uint32_t slots)
{
	struct shm_map *m = to_shm(map);
	uint32_t words = map->attr.value_size / 8;
	uint8_t key[8];
	uint64_t *v = calloc(slots, map->attr.value_size);
	uint32_t n = 0;
	int err = ebpf_map_get_next_key(map, NULL, key);

	assert_non_null(v);
	for (; err == 0; err = ebpf_map_get_next_key(map, key, key)) {
		assert_true(++n <= map->attr.max_entries);
		/* LPM: a lookup at the stored prefix finds exactly it. */
		assert_int_equal(ebpf_map_lookup_elem(map, key, v), 0);
		for (uint32_t s = 0; s < slots; s++) {
			if (!words_ok_n(v + (size_t)s * words, words))
				fail_msg("torn value in %s", map->name);
		}
	}
	assert_int_equal(n, m->hdr->count);
	assert_int_equal(m->hdr->free_tail - m->hdr->free_head, m->pool_count - n);
	if (m->lpm) {
		uint32_t sum = 0;

		for (uint32_t len = 0; len <= 32; len++)
			sum += ((uint32_t *)(m->base + m->extra_off))[len];
		assert_int_equal(sum, n);
	}
	free(v);
}

static void check_queue(struct ebpf_map *q)
{
	uint32_t words = q->attr.value_size / 8, n = 0;
	uint64_t *v = calloc(words, 8);

	assert_non_null(v);
	/* Drain it: every value whole; then it holds max_entries again, no slot lost. */
	while (ebpf_map_lookup_and_delete_elem(q, NULL, v) == 0) {
		assert_true(++n <= q->attr.max_entries);
		if (!words_ok_n(v, words))
			fail_msg("torn queue value");
	}
	for (n = 0; n < q->attr.max_entries; n++) {
		words_make_n(v, words, n, n);
		assert_int_equal(ebpf_map_update_elem(q, NULL, v, EBPF_ANY), 0);
	}
	assert_int_equal(ebpf_map_update_elem(q, NULL, v, EBPF_ANY), -E2BIG);
	free(v);
}

static struct ebpf_map *kill_map(enum ebpf_map_type type, const char *name, uint32_t key_size,
				 uint32_t max_entries, uint32_t flags)
{
	uint32_t words =
	    type == EBPF_MAP_TYPE_PERCPU_HASH || type == EBPF_MAP_TYPE_QUEUE ? PERCPU_WORDS : WORDS;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return shm_create(type, key_size, words * 8, max_entries, flags);
}

static uint32_t kill_recoveries(struct kill_maps *k)
{
	return to_shm(k->percpu)->hdr->recoveries + to_shm(k->lru)->hdr->recoveries +
	       to_shm(k->lpm)->hdr->recoveries + to_shm(k->queue)->hdr->recoveries;
}

static void test_sigkill_writer(void **state)
{
	struct kill_maps k = { .ncpus = map_possible_cpus() };
	unsigned int seed = (unsigned int)time(NULL);
	uint32_t recoveries = 0;
	int round;

	k.buf = calloc(k.ncpus, PERCPU_WORDS * 8);
	assert_non_null(k.buf);
	k.percpu = kill_map(EBPF_MAP_TYPE_PERCPU_HASH, "percpu", 4, KEYS, 0);
	k.lru = kill_map(EBPF_MAP_TYPE_LRU_HASH, "lru", 4, KEYS / 2, 0);
	k.lpm = kill_map(EBPF_MAP_TYPE_LPM_TRIE, "lpm", 8, 64, EBPF_F_NO_PREALLOC);
	k.queue = kill_map(EBPF_MAP_TYPE_QUEUE, "queue", 0, 8, 0);
	for (round = 0; round < KILL_ROUNDS_MIN || (recoveries < 8 && round < KILL_ROUNDS_MAX);
	     round++) {
		struct timespec pause = { 0, 200000 + (long)(rand_r(&seed) % 3000) * 1000 };
		pid_t pid = fork();
		int status;

		assert_true(pid >= 0);
		if (pid == 0)
			kill_writer(&k, seed + (unsigned int)round); /* never returns */
		nanosleep(&pause, NULL);
		kill(pid, SIGKILL);
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFSIGNALED(status));
		check_hash_kind(k.percpu, k.ncpus);
		check_hash_kind(k.lru, 1);
		check_hash_kind(k.lpm, 1);
		check_queue(k.queue);
		recoveries = kill_recoveries(&k);
	}
	print_message("%d kills, %u of them inside an update\n", round, recoveries);
	assert_true(recoveries > 0);
	map_destroy(k.percpu);
	map_destroy(k.lru);
	map_destroy(k.lpm);
	map_destroy(k.queue);
	for (const char *const *n = (const char *const[]){ "percpu", "lru", "lpm", "queue", NULL };
	     *n; n++) {
		snprintf(path, sizeof(path), "%s/%s", dir, *n);
		unlink(path);
	}
	snprintf(path, sizeof(path), "%s/map", dir);
	free(k.buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_percpu_hash, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lru_hash, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lru_percpu_hash, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lpm_semantics, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lpm_against_private, setup, teardown),
		cmocka_unit_test_setup_teardown(test_queue, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stack, setup, teardown),
		cmocka_unit_test_setup_teardown(test_queue_two_consumers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_processes_exact, setup, teardown),
		cmocka_unit_test_setup_teardown(test_percpu_slots_of_killed_process, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_sigkill_writer, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
