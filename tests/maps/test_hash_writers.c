/* SPDX-License-Identifier: MIT */
/*
 * Concurrent writers of hash maps (per-bucket stripes, atomic count, per-CPU element caches):
 * two threads update and delete the same and different keys, and the final contents must be
 * exactly what the operations say. Bounded by operation counts, not time; meant to run under
 * ThreadSanitizer as well (label `concurrency`).
 */
#define _GNU_SOURCE /* sched_setaffinity, CPU_SET */
#include <pthread.h>
#include <sched.h>

#include "maps/map_internal.h" /* map_hash_key, MAP_F_ZERO_SEED */
#include "maps/map_test.h"

#define THREADS	    2
#define ROUNDS	    2000
#define KEYS	    64
#define RACE_ROUNDS 300 /* two barriers each */

struct writers {
	struct ebpf_map *map;
	pthread_barrier_t start;
	uint32_t n_keys;
	uint32_t ncpus;	      /* value slots the host passes: 1, or the CPUs for per-CPU maps */
	int pin[THREADS];     /* >= 1: the thread runs on CPU pin - 1 only; 0: anywhere */
	const uint32_t *keys; /* own_keys: key k is keys[k] (NULL: k itself) */
	atomic_long inserted, deleted, refused, unexpected;
};

struct writer_arg {
	struct writers *w;
	uint32_t id;
};

static void run_threads(struct writers *w, void *(*fn)(void *))
{
	struct writer_arg args[THREADS];
	pthread_t tid[THREADS];

	pthread_barrier_init(&w->start, NULL, THREADS);
	for (uint32_t t = 0; t < THREADS; t++) {
		args[t] = (struct writer_arg){ w, t };
		assert_int_equal(pthread_create(&tid[t], NULL, fn, &args[t]), 0);
	}
	for (uint32_t t = 0; t < THREADS; t++)
		pthread_join(tid[t], NULL);
	pthread_barrier_destroy(&w->start);
}

static uint64_t value_of(uint32_t key, uint32_t round)
{
	return ((uint64_t)key << 32) | round;
}

/* Both threads race to insert (BPF_NOEXIST) then delete every key: one of them wins each. A
 * lost link or a key inserted twice makes the counts differ. */
static void *race_same_keys(void *arg)
{
	struct writer_arg *a = arg;
	struct writers *w = a->w;

	for (uint32_t r = 0; r < RACE_ROUNDS; r++) {
		pthread_barrier_wait(&w->start); /* a round's inserts start on an empty map */
		for (uint32_t k = 0; k < w->n_keys; k++) {
			uint32_t key = (k + a->id * 7) % w->n_keys; /* meet in different orders */
			uint64_t v = value_of(key, r);
			int err = ebpf_map_update_elem(w->map, &key, &v, EBPF_NOEXIST);

			if (!err)
				atomic_fetch_add(&w->inserted, 1);
			else if (err != -EEXIST)
				atomic_fetch_add(&w->unexpected, 1);
		}
		pthread_barrier_wait(&w->start); /* and its deletes on a full one */
		for (uint32_t k = 0; k < w->n_keys; k++) {
			uint32_t key = (k + a->id * 11) % w->n_keys;
			int err = ebpf_map_delete_elem(w->map, &key);

			if (!err)
				atomic_fetch_add(&w->deleted, 1);
			else if (err != -ENOENT)
				atomic_fetch_add(&w->unexpected, 1);
		}
	}
	return NULL;
}

static void same_keys(enum ebpf_map_type type, uint32_t flags)
{
	struct writers w = { .map = test_map_flags(type, 4, 8, KEYS, flags), .n_keys = KEYS };
	uint32_t key;

	run_threads(&w, race_same_keys);
	assert_int_equal(atomic_load(&w.unexpected), 0);
	/* Each round inserts each key exactly once, and deletes it exactly once. */
	assert_int_equal(atomic_load(&w.inserted), (long)RACE_ROUNDS * KEYS);
	assert_int_equal(atomic_load(&w.deleted), (long)RACE_ROUNDS * KEYS);
	assert_int_equal(ebpf_map_get_next_key(w.map, NULL, &key), -ENOENT);
	test_rcu_barrier();
	map_destroy(w.map);
}

static void test_same_keys_hash(void **state)
{
	(void)state;
	same_keys(EBPF_MAP_TYPE_HASH, 0);
}

static void test_same_keys_no_prealloc(void **state)
{
	(void)state;
	same_keys(EBPF_MAP_TYPE_HASH, EBPF_F_NO_PREALLOC);
}

static void test_same_keys_lru(void **state)
{
	(void)state;
	same_keys(EBPF_MAP_TYPE_LRU_HASH, 0);
}

/*
 * Each thread owns half of the keys: it inserts them, replaces each value ROUNDS times (every
 * per-CPU slot, for per-CPU maps) and deletes every third key. The final map is exactly the
 * survivors with their last values.
 */
static uint32_t key_at(const struct writers *w, uint32_t k)
{
	return w->keys ? w->keys[k] : k;
}

static void *own_keys(void *arg)
{
	struct writer_arg *a = arg;
	struct writers *w = a->w;
	uint32_t half = w->n_keys / THREADS;
	uint64_t values[64];

	if (w->pin[a->id]) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(w->pin[a->id] - 1, &set);
		if (sched_setaffinity(0, sizeof(set), &set))
			atomic_fetch_add(&w->unexpected, 1);
	}
	pthread_barrier_wait(&w->start);
	for (uint32_t r = 0; r < ROUNDS; r++) {
		for (uint32_t k = a->id * half; k < (a->id + 1) * half; k++) {
			uint32_t key = key_at(w, k);

			for (uint32_t cpu = 0; cpu < w->ncpus; cpu++)
				values[cpu] = value_of(k, r);
			if (ebpf_map_update_elem(w->map, &key, values, EBPF_ANY))
				atomic_fetch_add(&w->unexpected, 1);
		}
	}
	for (uint32_t k = a->id * half; k < (a->id + 1) * half; k += 3) {
		uint32_t key = key_at(w, k);

		if (ebpf_map_delete_elem(w->map, &key))
			atomic_fetch_add(&w->unexpected, 1);
	}
	return NULL;
}

static void check_own_keys(struct writers *w)
{
	uint32_t half = w->n_keys / THREADS, count = 0, key, *prev = NULL, next;
	uint64_t values[64];

	for (uint32_t k = 0; k < w->n_keys; k++) {
		bool deleted = (k % half) % 3 == 0;
		int err;

		key = key_at(w, k);
		err = ebpf_map_lookup_elem(w->map, &key, values);

		if (deleted) {
			assert_int_equal(err, -ENOENT);
			continue;
		}
		assert_int_equal(err, 0);
		/* Per-CPU: the host's update wrote every slot. */
		for (uint32_t cpu = 0; cpu < w->ncpus; cpu++)
			assert_int_equal(values[cpu], value_of(k, ROUNDS - 1));
	}
	while (ebpf_map_get_next_key(w->map, prev, &next) == 0) {
		count++;
		key = next;
		prev = &key;
	}
	assert_int_equal(count, w->n_keys - 2 * ((half + 2) / 3));
}

/* Runs own_keys on a new map of the type and checks what is left. */
static void own_keys_map(struct writers *w, enum ebpf_map_type type, uint32_t flags)
{
	w->map = test_map_flags(type, 4, 8, KEYS, flags);
	run_threads(w, own_keys);
	assert_int_equal(atomic_load(&w->unexpected), 0);
	check_own_keys(w);
	test_rcu_barrier();
	map_destroy(w->map);
}

static void different_keys(enum ebpf_map_type type, uint32_t flags)
{
	uint32_t ncpus = type == EBPF_MAP_TYPE_PERCPU_HASH ? ebpf_num_possible_cpus() : 1;
	struct writers w = { .n_keys = KEYS, .ncpus = ncpus };

	if (ncpus > 64)
		skip(); /* the test's value buffers */
	own_keys_map(&w, type, flags);
}

/* The first THREADS CPUs the test may run on, in cpus; returns how many there are. */
static int allowed_cpus(int cpus[THREADS])
{
	cpu_set_t allowed;
	int found = 0;

	assert_int_equal(sched_getaffinity(0, sizeof(allowed), &allowed), 0);
	for (int cpu = 0; cpu < CPU_SETSIZE && found < THREADS; cpu++) {
		if (CPU_ISSET(cpu, &allowed))
			cpus[found++] = cpu;
	}
	return found;
}

/*
 * Writers take their elements from, and retire them to, their CPU's slot: two threads on one
 * CPU share a slot (its lock is then contended), two on different CPUs each have their own
 * (elements removed on one come back to it). Both placements must leave the same contents.
 */
static void pinned_writers(enum ebpf_map_type type, uint32_t flags, bool same_cpu)
{
	struct writers w = { .n_keys = KEYS, .ncpus = 1 };
	int cpus[THREADS], found = allowed_cpus(cpus);

	if (found < (same_cpu ? 1 : THREADS))
		skip(); /* not enough CPUs to run on */
	for (int t = 0; t < THREADS; t++)
		w.pin[t] = 1 + cpus[same_cpu ? 0 : t];
	own_keys_map(&w, type, flags);
}

/*
 * Every key in one bucket (the zero seed makes the hash known): the two threads' keys share one
 * chain and one bucket lock, each update and delete relinking neighbours of the other's keys.
 */
static void one_chain(enum ebpf_map_type type)
{
	uint32_t keys[KEYS], n = 0;
	struct writers w = { .n_keys = KEYS, .ncpus = 1, .keys = keys };

	for (uint32_t key = 0; n < KEYS; key++) {
		if ((map_hash_key(0, &key, sizeof(key)) & (KEYS - 1)) == 0)
			keys[n++] = key;
	}
	own_keys_map(&w, type, MAP_F_ZERO_SEED);
}

static void test_one_chain_hash(void **state)
{
	(void)state;
	one_chain(EBPF_MAP_TYPE_HASH);
}

static void test_one_chain_lru(void **state)
{
	(void)state;
	one_chain(EBPF_MAP_TYPE_LRU_HASH);
}

/*
 * A placement of pinned_writers and the refills: the map's type and flags, one CPU for both or
 * two; for test_freed_places, how many keys the second CPU deletes.
 */
struct placement {
	enum ebpf_map_type type;
	uint32_t flags;
	bool same_cpu;
	uint32_t deleted;
};

static void test_pinned(void **state)
{
	const struct placement *p = *state;

	pinned_writers(p->type, p->flags, p->same_cpu);
}

static void test_different_keys_hash(void **state)
{
	(void)state;
	different_keys(EBPF_MAP_TYPE_HASH, 0);
}

static void test_different_keys_no_prealloc(void **state)
{
	(void)state;
	different_keys(EBPF_MAP_TYPE_HASH, EBPF_F_NO_PREALLOC);
}

static void test_different_keys_percpu(void **state)
{
	(void)state;
	different_keys(EBPF_MAP_TYPE_PERCPU_HASH, 0);
}

static void test_different_keys_lru(void **state)
{
	(void)state;
	different_keys(EBPF_MAP_TYPE_LRU_HASH, 0);
}

/* Both threads insert distinct keys into a map with room for KEYS: exactly KEYS get in. */
static void *fill_past_full(void *arg)
{
	struct writer_arg *a = arg;
	struct writers *w = a->w;

	pthread_barrier_wait(&w->start);
	for (uint32_t i = 0; i < 2 * KEYS; i++) {
		uint32_t key = i * THREADS + a->id;
		uint64_t v = key;
		int err = ebpf_map_update_elem(w->map, &key, &v, EBPF_ANY);

		if (!err)
			atomic_fetch_add(&w->inserted, 1);
		else if (err == -E2BIG)
			atomic_fetch_add(&w->refused, 1);
		else
			atomic_fetch_add(&w->unexpected, 1);
	}
	return NULL;
}

static void test_full_means_max_entries(void **state)
{
	struct writers w = { .map = test_map(EBPF_MAP_TYPE_HASH, 4, 8, KEYS), .n_keys = KEYS };
	uint32_t count = 0, key, *prev = NULL, next;

	(void)state;
	run_threads(&w, fill_past_full);
	assert_int_equal(atomic_load(&w.unexpected), 0);
	assert_int_equal(atomic_load(&w.inserted), KEYS);
	assert_int_equal(atomic_load(&w.refused), (long)THREADS * 2 * KEYS - KEYS);
	while (ebpf_map_get_next_key(w.map, prev, &next) == 0) {
		count++;
		key = next;
		prev = &key;
	}
	assert_int_equal(count, KEYS);
	test_rcu_barrier();
	map_destroy(w.map);
}

/*
 * Replacements keep an element's place in its chain: a full iteration during them visits every
 * key exactly once. Replacing a full map also needs more elements than max_entries while the
 * replaced ones wait for their grace period, and must never fail.
 */
struct iterate_run {
	struct ebpf_map *map;
	atomic_bool stop;
	atomic_long unexpected;
};

static void *replace_all(void *arg)
{
	struct iterate_run *run = arg;

	for (uint32_t r = 0; r < ROUNDS; r++) {
		for (uint32_t key = 0; key < KEYS; key++) {
			uint64_t v = value_of(key, r);

			if (ebpf_map_update_elem(run->map, &key, &v, EBPF_EXIST))
				atomic_fetch_add(&run->unexpected, 1);
		}
	}
	atomic_store(&run->stop, true);
	return NULL;
}

static void test_iterate_while_replacing(void **state)
{
	struct iterate_run run = { .map = test_map(EBPF_MAP_TYPE_HASH, 4, 8, KEYS) };
	pthread_t tid;
	long passes = 0;

	(void)state;
	for (uint32_t key = 0; key < KEYS; key++) {
		uint64_t v = value_of(key, 0);

		assert_int_equal(ebpf_map_update_elem(run.map, &key, &v, EBPF_NOEXIST), 0);
	}
	assert_int_equal(pthread_create(&tid, NULL, replace_all, &run), 0);
	do {
		uint8_t seen[KEYS] = { 0 };
		uint32_t key, *prev = NULL, next, count = 0;

		while (ebpf_map_get_next_key(run.map, prev, &next) == 0) {
			assert_true(next < KEYS);
			assert_int_equal(seen[next]++, 0);
			count++;
			key = next;
			prev = &key;
		}
		assert_int_equal(count, KEYS);
		passes++;
	} while (!atomic_load(&run.stop));
	pthread_join(tid, NULL);
	assert_int_equal(atomic_load(&run.unexpected), 0);
	assert_true(passes > 0);
	test_rcu_barrier();
	map_destroy(run.map);
}

/*
 * Places for keys are counted per CPU slot: a delete leaves its place with its CPU, and an
 * insert on another CPU must still find it when the map's count is full. The main thread moves
 * between two CPUs; skipped with fewer than two.
 */
static bool two_cpus(int cpus[THREADS])
{
	return allowed_cpus(cpus) == 2;
}

/* The main thread's CPUs before a test that moves it, restored whether it passed or not. */
static cpu_set_t saved_affinity;

static int save_affinity(void **state)
{
	(void)state;
	return sched_getaffinity(0, sizeof(saved_affinity), &saved_affinity);
}

static int restore_affinity(void **state)
{
	(void)state;
	return sched_setaffinity(0, sizeof(saved_affinity), &saved_affinity);
}

static void run_on(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	assert_int_equal(sched_setaffinity(0, sizeof(set), &set), 0);
}

/* Value slots the host passes for the map: the CPUs for per-CPU maps, else one. */
static uint32_t value_slots(struct ebpf_map *map)
{
	return map->attr.type == EBPF_MAP_TYPE_PERCPU_HASH ? ebpf_num_possible_cpus() : 1;
}

/* Keys in the map, each checked to be in [lo, hi) with the value its key gives (every slot). */
static uint32_t count_keys_in(struct ebpf_map *map, uint32_t lo, uint32_t hi)
{
	uint32_t count = 0, key, *prev = NULL, next;
	uint64_t values[64];

	while (ebpf_map_get_next_key(map, prev, &next) == 0) {
		assert_true(next >= lo && next < hi);
		assert_int_equal(ebpf_map_lookup_elem(map, &next, values), 0);
		for (uint32_t cpu = 0; cpu < value_slots(map); cpu++)
			assert_int_equal(values[cpu], value_of(next, 0));
		count++;
		key = next;
		prev = &key;
	}
	return count;
}

static int insert_key(struct ebpf_map *map, uint32_t key)
{
	uint64_t values[64];

	for (uint32_t cpu = 0; cpu < value_slots(map); cpu++)
		values[cpu] = value_of(key, 0);
	return ebpf_map_update_elem(map, &key, values, EBPF_NOEXIST);
}

/*
 * CPU 1 fills the map, CPU 2 deletes the first `deleted` keys (their places stay with CPU 2's
 * slot, or part of them), CPU 1 inserts again: exactly `deleted` new keys get in. A hash map then
 * refuses the next with E2BIG; an LRU map evicts nothing while it has room, then one key per
 * insert. The map's contents are checked key by key.
 */
static void test_freed_places(void **state)
{
	const struct placement *p = *state;
	bool lru = p->type == EBPF_MAP_TYPE_LRU_HASH;
	struct ebpf_map *map;
	int cpus[THREADS];

	if (!two_cpus(cpus) || ebpf_num_possible_cpus() > 64)
		skip(); /* two CPUs to move between; the test's value buffers */
	map = test_map_flags(p->type, 4, 8, KEYS, p->flags);
	run_on(cpus[0]);
	for (uint32_t key = 0; key < KEYS; key++)
		assert_int_equal(insert_key(map, key), 0);
	run_on(cpus[1]);
	for (uint32_t key = 0; key < p->deleted; key++)
		assert_int_equal(ebpf_map_delete_elem(map, &key), 0);
	run_on(cpus[0]);
	for (uint32_t key = KEYS; key < KEYS + p->deleted; key++)
		assert_int_equal(insert_key(map, key), 0);
	/* Full now: every key not deleted is still there, none evicted. */
	assert_int_equal(count_keys_in(map, p->deleted, KEYS + p->deleted), KEYS);
	if (lru) {
		assert_int_equal(insert_key(map, 2 * KEYS), 0);
		assert_int_equal(count_keys_in(map, p->deleted, 2 * KEYS + 1), KEYS);
	} else {
		assert_int_equal(insert_key(map, 2 * KEYS), -E2BIG);
		run_on(cpus[1]);
		assert_int_equal(insert_key(map, 2 * KEYS), -E2BIG);
		assert_int_equal(count_keys_in(map, p->deleted, KEYS + p->deleted), KEYS);
	}
	test_rcu_barrier();
	map_destroy(map);
}

/*
 * Two threads on two CPUs insert and delete keys of their own range as fast as they can, often
 * finding the map full, so that places move between their slots and the map's count all the
 * time. None may be lost or made: afterwards exactly max_entries less the keys left get in.
 */
static void *churn(void *arg)
{
	struct writer_arg *a = arg;
	struct writers *w = a->w;
	uint32_t base = a->id * 4 * KEYS;

	run_on(w->pin[a->id] - 1);
	pthread_barrier_wait(&w->start);
	for (uint32_t r = 0; r < ROUNDS; r++) {
		uint32_t key = base + (r * 7) % (2 * KEYS);
		int err = insert_key(w->map, key);

		if (err == -E2BIG)
			atomic_fetch_add(&w->refused, 1);
		else if (err && err != -EEXIST)
			atomic_fetch_add(&w->unexpected, 1);
		key = base + (r * 5 + a->id) % (2 * KEYS);
		err = ebpf_map_delete_elem(w->map, &key);
		if (err && err != -ENOENT)
			atomic_fetch_add(&w->unexpected, 1);
	}
	return NULL;
}

static void test_places_survive_churn(void **state)
{
	const struct placement *p = *state;
	struct writers w = { .n_keys = KEYS };
	uint32_t left, added = 0;
	int cpus[THREADS];

	if (!two_cpus(cpus))
		skip();
	w.map = test_map_flags(p->type, 4, 8, KEYS, p->flags);
	w.pin[0] = 1 + cpus[0];
	w.pin[1] = 1 + cpus[1];
	run_threads(&w, churn);
	assert_int_equal(atomic_load(&w.unexpected), 0);
	assert_true(atomic_load(&w.refused) > 0); /* the map was full at times */
	left = count_keys_in(w.map, 0, THREADS * 4 * KEYS);
	for (uint32_t key = 8 * KEYS; insert_key(w.map, key) == 0; key++)
		added++;
	assert_int_equal(left + added, KEYS);
	assert_int_equal(count_keys_in(w.map, 0, 10 * KEYS), KEYS);
	test_rcu_barrier();
	map_destroy(w.map);
}

/*
 * A full map whose writers each delete some of their keys and insert them again: every insert
 * has the place its own delete freed, so none may be refused, also when the places moved between
 * the slots and the count meanwhile. (A thread losing its CPU in the middle of a move, which
 * made extbpf-bench's two deleting threads see "full" before the wait, is too rare here to
 * fail reliably without that wait.)
 */
static void *refill(void *arg)
{
	struct writer_arg *a = arg;
	struct writers *w = a->w;
	uint32_t half = KEYS / THREADS;

	if (w->pin[a->id])
		run_on(w->pin[a->id] - 1);
	pthread_barrier_wait(&w->start);
	for (uint32_t r = 0; r < ROUNDS; r++) {
		uint32_t n = 1 + r % half; /* 1 to all of its keys at once */

		for (uint32_t k = 0; k < n; k++) {
			uint32_t key = a->id * half + k;

			if (ebpf_map_delete_elem(w->map, &key))
				atomic_fetch_add(&w->unexpected, 1);
		}
		for (uint32_t k = 0; k < n; k++) {
			int err = insert_key(w->map, a->id * half + k);

			if (err == -E2BIG)
				atomic_fetch_add(&w->refused, 1);
			else if (err)
				atomic_fetch_add(&w->unexpected, 1);
		}
	}
	return NULL;
}

static void test_refill_full_map(void **state)
{
	const struct placement *p = *state;
	struct writers w = { .n_keys = KEYS };
	int cpus[THREADS];

	if (!two_cpus(cpus))
		skip();
	w.map = test_map_flags(p->type, 4, 8, KEYS, p->flags);
	for (uint32_t key = 0; key < KEYS; key++)
		assert_int_equal(insert_key(w.map, key), 0);
	w.pin[0] = 1 + cpus[0];
	w.pin[1] = 1 + cpus[p->same_cpu ? 0 : 1];
	run_threads(&w, refill);
	assert_int_equal(atomic_load(&w.unexpected), 0);
	assert_int_equal(atomic_load(&w.refused), 0);
	assert_int_equal(count_keys_in(w.map, 0, KEYS), KEYS);
	test_rcu_barrier();
	map_destroy(w.map);
}

int main(void)
{
	static struct placement one_cpu_hash = { EBPF_MAP_TYPE_HASH, 0, true, 0 };
	static struct placement one_cpu_lru = { EBPF_MAP_TYPE_LRU_HASH, 0, true, 0 };
	static struct placement one_cpu_no_prealloc = { EBPF_MAP_TYPE_HASH, EBPF_F_NO_PREALLOC,
							true, 0 };
	static struct placement two_cpus_hash = { EBPF_MAP_TYPE_HASH, 0, false, 0 };
	static struct placement two_cpus_lru = { EBPF_MAP_TYPE_LRU_HASH, 0, false, 0 };
	/* One place (kept by the deleting CPU's slot), half the map, all of it. */
	static struct placement one_freed = { EBPF_MAP_TYPE_HASH, 0, false, 1 };
	static struct placement half_freed = { EBPF_MAP_TYPE_HASH, 0, false, KEYS / 2 };
	static struct placement all_freed = { EBPF_MAP_TYPE_HASH, 0, false, KEYS };
	static struct placement one_freed_no_prealloc = { EBPF_MAP_TYPE_HASH, EBPF_F_NO_PREALLOC,
							  false, 1 };
	static struct placement half_freed_percpu = { EBPF_MAP_TYPE_PERCPU_HASH, 0, false,
						      KEYS / 2 };
	static struct placement one_freed_lru = { EBPF_MAP_TYPE_LRU_HASH, 0, false, 1 };
	static struct placement half_freed_lru = { EBPF_MAP_TYPE_LRU_HASH, 0, false, KEYS / 2 };
	static struct placement churn_hash = { EBPF_MAP_TYPE_HASH, 0, false, 0 };
	static struct placement churn_no_prealloc = { EBPF_MAP_TYPE_HASH, EBPF_F_NO_PREALLOC, false,
						      0 };
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_keys_hash),
		cmocka_unit_test(test_same_keys_no_prealloc),
		cmocka_unit_test(test_same_keys_lru),
		cmocka_unit_test(test_different_keys_hash),
		cmocka_unit_test(test_different_keys_no_prealloc),
		cmocka_unit_test(test_different_keys_percpu),
		cmocka_unit_test(test_different_keys_lru),
		{ "one_cpu_hash", test_pinned, NULL, NULL, &one_cpu_hash },
		{ "one_cpu_lru", test_pinned, NULL, NULL, &one_cpu_lru },
		{ "one_cpu_no_prealloc", test_pinned, NULL, NULL, &one_cpu_no_prealloc },
		{ "two_cpus_hash", test_pinned, NULL, NULL, &two_cpus_hash },
		{ "two_cpus_lru", test_pinned, NULL, NULL, &two_cpus_lru },
		cmocka_unit_test(test_one_chain_hash),
		cmocka_unit_test(test_one_chain_lru),
		cmocka_unit_test(test_full_means_max_entries),
		cmocka_unit_test(test_iterate_while_replacing),
		{ "freed_places_one", test_freed_places, save_affinity, restore_affinity,
		  &one_freed },
		{ "freed_places_half", test_freed_places, save_affinity, restore_affinity,
		  &half_freed },
		{ "freed_places_all", test_freed_places, save_affinity, restore_affinity,
		  &all_freed },
		{ "freed_places_one_no_prealloc", test_freed_places, save_affinity,
		  restore_affinity, &one_freed_no_prealloc },
		{ "freed_places_half_percpu", test_freed_places, save_affinity, restore_affinity,
		  &half_freed_percpu },
		{ "freed_places_one_lru", test_freed_places, save_affinity, restore_affinity,
		  &one_freed_lru },
		{ "freed_places_half_lru", test_freed_places, save_affinity, restore_affinity,
		  &half_freed_lru },
		{ "refill_full_one_cpu_hash", test_refill_full_map, NULL, NULL, &one_cpu_hash },
		{ "refill_full_two_cpus_hash", test_refill_full_map, NULL, NULL, &two_cpus_hash },
		{ "refill_full_one_cpu_no_prealloc", test_refill_full_map, NULL, NULL,
		  &one_cpu_no_prealloc },
		{ "places_survive_churn_hash", test_places_survive_churn, NULL, NULL, &churn_hash },
		{ "places_survive_churn_no_prealloc", test_places_survive_churn, NULL, NULL,
		  &churn_no_prealloc },
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
