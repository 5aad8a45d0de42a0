/* SPDX-License-Identifier: MIT */
/*
 * Shared maps (src/maps/shm*.c): two handles on one pin file see one map; the hash keeps the
 * private hash map's semantics; a foreign or corrupt file is refused with a reason; and a writer
 * killed with SIGKILL at random points leaves the map consistent for the next process (no torn
 * entry, no lock held forever, no leaked element).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "maps/shm_test.h"

static int shm_create(enum ebpf_map_type type, uint32_t key_size, uint32_t value_size,
		      uint32_t max_entries, struct ebpf_map **map)
{
	return shm_create_flags(type, key_size, value_size, max_entries, 0, map);
}

static void test_array_two_handles(void **state)
{
	struct ebpf_map *a, *b, *other = NULL;
	uint32_t key = 3;
	uint64_t v = 42, out = 0;
	struct stat st;

	assert_int_equal(shm_create(EBPF_MAP_TYPE_ARRAY, 4, 8, 8, &a), 0);
	assert_true(map_is_shared(a));
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600); /* the default mode */
	b = shm_open_ok();
	assert_string_equal(b->name, "shared");
	assert_int_equal(b->attr.max_entries, 8);
	assert_int_equal(ebpf_map_update_elem(a, &key, &v, EBPF_ANY), 0);
	assert_int_equal(ebpf_map_lookup_elem(b, &key, &out), 0);
	assert_int_equal(out, 42);
	/* A program's pointer into one handle is the other's value. */
	__atomic_fetch_add((uint64_t *)map_lookup_prog(b, &key), 1, __ATOMIC_SEQ_CST);
	assert_int_equal(ebpf_map_lookup_elem(a, &key, &out), 0);
	assert_int_equal(out, 43);
	key = 8;
	assert_int_equal(ebpf_map_update_elem(a, &key, &v, EBPF_ANY), -E2BIG);
	key = 0;
	assert_int_equal(ebpf_map_update_elem(a, &key, &v, EBPF_NOEXIST), -EEXIST);
	assert_int_equal(ebpf_map_delete_elem(a, &key), -EINVAL);
	/* A second map at the same path is refused: pins are never replaced. */
	assert_int_equal(shm_create(EBPF_MAP_TYPE_ARRAY, 4, 8, 8, &other), -EEXIST);
	assert_null(other);
	map_destroy(a);
	map_destroy(b);
}

/* Per-CPU arrays: the host writes and reads every CPU's slot, a program its own CPU's. */
static void test_percpu_array(void **state)
{
	uint32_t ncpus = map_possible_cpus(), key = 1, slot;
	uint64_t *values = calloc(ncpus, sizeof(*values)), *out = calloc(ncpus, sizeof(*out));
	struct ebpf_map *a, *b;
	cpu_set_t one, all;

	assert_non_null(values);
	assert_non_null(out);
	assert_int_equal(shm_create(EBPF_MAP_TYPE_PERCPU_ARRAY, 4, 8, 2, &a), 0);
	b = shm_open_ok();
	for (uint32_t cpu = 0; cpu < ncpus; cpu++)
		values[cpu] = 100 + cpu;
	assert_int_equal(ebpf_map_update_elem(a, &key, values, EBPF_ANY), 0);
	assert_int_equal(ebpf_map_lookup_elem(b, &key, out), 0);
	assert_memory_equal(out, values, ncpus * sizeof(*out));
	/* The program's view: the slot of the CPU it runs on (this thread stays on one). */
	CPU_ZERO(&one);
	CPU_SET(sched_getcpu(), &one);
	assert_int_equal(sched_getaffinity(0, sizeof(all), &all), 0);
	assert_int_equal(sched_setaffinity(0, sizeof(one), &one), 0);
	slot = map_cpu_slot(ncpus);
	assert_int_equal(*(uint64_t *)map_lookup_prog(b, &key), 100 + slot);
	assert_int_equal(map_update_prog(b, &key, &(uint64_t){ 7 }, EBPF_ANY), 0);
	assert_int_equal(ebpf_map_lookup_elem(a, &key, out), 0);
	sched_setaffinity(0, sizeof(all), &all);
	for (uint32_t cpu = 0; cpu < ncpus; cpu++)
		assert_int_equal(out[cpu], cpu == slot ? 7 : 100 + cpu);
	key = 2;
	assert_int_equal(ebpf_map_update_elem(a, &key, values, EBPF_ANY), -E2BIG);
	map_destroy(a);
	map_destroy(b);
	free(values);
	free(out);
}

static void test_hash_semantics(void **state)
{
	struct ebpf_map *a, *b;
	uint64_t k, v, out;
	uint32_t seen = 0;

	assert_int_equal(shm_create(EBPF_MAP_TYPE_HASH, 8, 8, 4, &a), 0);
	b = shm_open_ok();
	k = 1;
	v = 10;
	assert_int_equal(ebpf_map_lookup_elem(b, &k, &out), -ENOENT);
	assert_int_equal(ebpf_map_update_elem(a, &k, &v, EBPF_EXIST), -ENOENT);
	assert_int_equal(ebpf_map_update_elem(a, &k, &v, EBPF_NOEXIST), 0);
	assert_int_equal(ebpf_map_update_elem(b, &k, &v, EBPF_NOEXIST), -EEXIST);
	assert_int_equal(ebpf_map_update_elem(a, &k, &v, 7), -EINVAL);
	for (k = 2; k <= 4; k++)
		assert_int_equal(ebpf_map_update_elem(b, &k, &k, EBPF_ANY), 0);
	k = 5;
	assert_int_equal(ebpf_map_update_elem(a, &k, &v, EBPF_ANY), -E2BIG);
	/* Replacing a key of a full map always works, many times over (no leaked element). */
	for (v = 0; v < 100; v++) {
		k = 1 + v % 4;
		assert_int_equal(ebpf_map_update_elem(v % 2 ? a : b, &k, &v, EBPF_EXIST), 0);
	}
	k = 3;
	assert_int_equal(ebpf_map_lookup_elem(b, &k, &out), 0);
	assert_int_equal(out, 98);
	/* Every key once through get_next_key, from either handle. */
	assert_int_equal(ebpf_map_get_next_key(a, NULL, &k), 0);
	do
		seen |= 1u << k;
	while (ebpf_map_get_next_key(b, &k, &k) == 0);
	assert_int_equal(seen, 0x1e);
	k = 99; /* a missing key restarts at the first */
	assert_int_equal(ebpf_map_get_next_key(a, &k, &out), 0);
	k = 2;
	assert_int_equal(ebpf_map_lookup_and_delete_elem(a, &k, &out), 0);
	assert_int_equal(ebpf_map_lookup_elem(b, &k, &out), -ENOENT);
	assert_int_equal(ebpf_map_delete_elem(b, &k), -ENOENT);
	k = 5;
	assert_int_equal(ebpf_map_update_elem(b, &k, &v, EBPF_NOEXIST), 0);
	assert_int_equal(to_shm(a)->hdr->count, 4);
	map_destroy(a);
	map_destroy(b);
}

/*
 * Keys and values of every size class the lookups specialise (2-, 4- and 8-byte keys; 4-, 8-
 * and 16-byte values) and of others: each key found whole (a key differing in its first or
 * last byte is another key), its value copied exactly by the host with the bytes after it
 * untouched, and the program's view pointing at the same bytes.
 */
static void check_sizes(uint32_t key_size, uint32_t value_size)
{
	uint8_t key[16], value[32], out[40];
	struct ebpf_map *a, *b;

	assert_int_equal(shm_create(EBPF_MAP_TYPE_HASH, key_size, value_size, 8, &a), 0);
	b = shm_open_ok();
	for (uint8_t n = 0; n < 4; n++) {
		memset(key, 0x40, key_size);
		key[key_size - 1] = n; /* keys 0, 1: differ in the last byte; 2, 3 also the first */
		key[0] ^= (uint8_t)((n & 2) << 4);
		for (uint32_t i = 0; i < value_size; i++)
			value[i] = (uint8_t)(n * 31 + i);
		assert_int_equal(ebpf_map_update_elem(a, key, value, EBPF_NOEXIST), 0);
	}
	for (uint8_t n = 0; n < 6; n++) {
		uint8_t *p;

		memset(key, 0x40, key_size);
		key[key_size - 1] = n;
		key[0] ^= (uint8_t)((n & 2) << 4);
		memset(out, 0xaa, sizeof(out));
		p = map_lookup_prog(b, key);
		if (n >= 4) { /* never inserted */
			assert_int_equal(ebpf_map_lookup_elem(b, key, out), -ENOENT);
			assert_null(p);
			continue;
		}
		assert_int_equal(ebpf_map_lookup_elem(b, key, out), 0);
		for (uint32_t i = 0; i < value_size; i++)
			assert_int_equal(out[i], (uint8_t)(n * 31 + i));
		for (uint32_t i = value_size; i < sizeof(out); i++)
			assert_int_equal(out[i], 0xaa);
		assert_non_null(p);
		assert_memory_equal(p, out, value_size);
	}
	map_destroy(a);
	map_destroy(b);
	unlink(path);
}

static void test_hash_key_value_sizes(void **state)
{
	static const uint32_t keys[] = { 1, 2, 3, 4, 5, 8, 12, 16 };
	static const uint32_t values[] = { 1, 4, 7, 8, 16, 24, 32 };

	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
		for (size_t v = 0; v < sizeof(values) / sizeof(values[0]); v++)
			check_sizes(keys[k], values[v]);
}

static void test_refused_attributes(void **state)
{
	/* Program arrays hold pointers to this process's programs: never shared. */
	struct map_attr attr = {
		.type = EBPF_MAP_TYPE_PROG_ARRAY,
		.key_size = 4,
		.value_size = 4,
		.max_entries = 4,
		.pin_path = path,
	};
	struct ebpf_map *map = NULL;
	const char *why = NULL;

	assert_int_equal(map_create(&attr, NULL, &map, &why), -EOPNOTSUPP);
	assert_non_null(strstr(why, "cannot be shared"));
	attr = (struct map_attr){ .type = EBPF_MAP_TYPE_HASH,
				  .key_size = 4,
				  .value_size = 8,
				  .max_entries = 4,
				  .has_spin_lock = true,
				  .spin_lock_off = 0,
				  .pin_path = path };
	assert_int_equal(map_create(&attr, NULL, &map, &why), -EOPNOTSUPP);
	assert_non_null(strstr(why, "spin_lock"));
	attr.has_spin_lock = false;
	attr.key_size = 0;
	assert_int_equal(map_create(&attr, NULL, &map, &why), -EINVAL);
	assert_non_null(strstr(why, "key_size"));
	snprintf(path, sizeof(path), "%s/missing/map", dir);
	attr.key_size = 4;
	assert_int_equal(map_create(&attr, NULL, &map, &why), -ENOENT);
	assert_non_null(strstr(why, "directory"));
	snprintf(path, sizeof(path), "%s/map", dir);
	assert_int_equal(access(path, F_OK), -1); /* nothing left behind */
}

/* Rewrites bytes of the pin file, then expects map_shm_open to refuse it with `why_has`. */
static void expect_refused(off_t off, const void *bytes, size_t len, int err, const char *why_has)
{
	struct ebpf_map *map = NULL;
	const char *why = NULL;
	int fd = open(path, O_RDWR);

	assert_true(fd >= 0);
	if (bytes)
		assert_int_equal(pwrite(fd, bytes, len, off), (ssize_t)len);
	else
		assert_int_equal(ftruncate(fd, off), 0);
	close(fd);
	assert_int_equal(map_shm_open(path, &map, &why), err);
	assert_null(map);
	assert_non_null(why);
	if (!strstr(why, why_has))
		fail_msg("reason '%s' lacks '%s'", why, why_has);
}

static void recreate_hash(void)
{
	struct ebpf_map *map;

	unlink(path);
	assert_int_equal(shm_create(EBPF_MAP_TYPE_HASH, 4, 8, 16, &map), 0);
	map_destroy(map);
}

static void test_corrupt_files(void **state)
{
	struct shm_header h;
	uint32_t u32;
	uint64_t u64 = 0x1234;
	struct ebpf_map *map = NULL;
	const char *why = NULL;
	int fd;

	recreate_hash();
	expect_refused(offsetof(struct shm_header, magic), &u64, 8, -EINVAL, "bad magic");
	recreate_hash();
	u32 = SHM_VERSION + 1;
	expect_refused(offsetof(struct shm_header, version), &u32, 4, -EPROTO, "version");
	recreate_hash();
	u32 = 12;
	expect_refused(offsetof(struct shm_header, header_size), &u32, 4, -EPROTO, "header");
	recreate_hash();
	expect_refused(sizeof(h) + 64, NULL, 0, -EINVAL, "size");
	recreate_hash();
	u32 = 1u << 20; /* max_entries that the file is far too small for */
	expect_refused(offsetof(struct shm_header, max_entries), &u32, 4, -EINVAL, "layout");
	recreate_hash();
	u32 = 0;
	expect_refused(offsetof(struct shm_header, key_size), &u32, 4, -EINVAL, "attributes");
	recreate_hash();
	u32 = EBPF_MAP_TYPE_PROG_ARRAY;
	expect_refused(offsetof(struct shm_header, type), &u32, 4, -EINVAL, "map type");
	recreate_hash();
	u64 = 64; /* an offset that points elsewhere */
	expect_refused(offsetof(struct shm_header, aux_off), &u64, 8, -EINVAL, "layout");
	/* A file that is not a pin at all. */
	unlink(path);
	fd = open(path, O_CREAT | O_WRONLY, 0600);
	assert_int_equal(write(fd, "hello\n", 6), 6);
	close(fd);
	assert_int_equal(map_shm_open(path, &map, &why), -EINVAL);
	assert_non_null(strstr(why, "too short"));
	assert_false(map_shm_is_pin(path));
	unlink(path);
	assert_int_equal(map_shm_open(path, &map, &why), -ENOENT);
}

/* A corrupt chain (a cycle) costs a bounded walk, never a hang. */
static void test_corrupt_chain_bounded(void **state)
{
	struct ebpf_map *map;
	struct shm_map *m;
	uint32_t k = 1, miss = 2;
	uint64_t v = 5, out;

	unlink(path);
	assert_int_equal(shm_create(EBPF_MAP_TYPE_HASH, 4, 8, 16, &map), 0);
	assert_int_equal(ebpf_map_update_elem(map, &k, &v, EBPF_ANY), 0);
	m = to_shm(map);
	for (uint32_t i = 1; i <= m->pool_count; i++) {
		_Atomic uint32_t *next =
		    (_Atomic uint32_t *)(m->base + m->aux_off + (uint64_t)(i - 1) * m->elem_size);

		*next = i; /* every element its own successor */
	}
	for (uint32_t b = 0; b < m->n_buckets; b++)
		((uint32_t *)(m->base + m->data_off))[b] = 1;
	assert_int_equal(ebpf_map_lookup_elem(map, &miss, &out), -ENOENT);
	map_destroy(map);
}

/* ---- SIGKILL at random points ------------------------------------------------------------ */

#define KILL_ROUNDS_MIN 60
#define KILL_ROUNDS_MAX 400
#define HASH_ENTRIES	32
#define KEY_SPACE	48
#define VALUE_WORDS	8

/* Every word of a value is derived from its key and one sequence number: a torn value shows. */
static void value_make(uint64_t *v, uint32_t key, uint64_t seq)
{
	for (int i = 0; i < VALUE_WORDS; i++)
		v[i] = ((uint64_t)key << 40) ^ (seq * (i + 1));
}

static bool value_ok(const uint64_t *v, uint32_t key)
{
	uint64_t seq = v[0] ^ ((uint64_t)key << 40);
	uint64_t want[VALUE_WORDS];

	value_make(want, key, seq);
	return !memcmp(want, v, sizeof(want));
}

static bool array_value_ok(const uint64_t *v)
{
	for (int i = 1; i < VALUE_WORDS; i++)
		if (v[i] != v[0])
			return false;
	return true;
}

/* The writer: updates, replaces and deletes forever, until killed. */
static void writer(struct ebpf_map *hash, struct ebpf_map *array, unsigned int seed)
{
	uint64_t v[VALUE_WORDS];

	for (uint64_t seq = 1;; seq++) {
		uint32_t key = (uint32_t)rand_r(&seed) % KEY_SPACE;
		uint32_t index = key % 4;

		value_make(v, key, seq);
		if (seq % 5 == 0)
			ebpf_map_delete_elem(hash, &key);
		else
			ebpf_map_update_elem(hash, &key, v, EBPF_ANY);
		for (int i = 0; i < VALUE_WORDS; i++)
			v[i] = seq;
		ebpf_map_update_elem(array, &index, v, EBPF_ANY);
	}
}

/* Lock-free reads while the writer runs: never a torn value. */
static void read_invariants(struct ebpf_map *hash, struct ebpf_map *array)
{
	uint64_t v[VALUE_WORDS];

	for (uint32_t key = 0; key < KEY_SPACE; key++) {
		if (ebpf_map_lookup_elem(hash, &key, v) == 0 && !value_ok(v, key))
			fail_msg("torn hash value for key %u", key);
	}
	for (uint32_t i = 0; i < 4; i++) {
		assert_int_equal(ebpf_map_lookup_elem(array, &i, v), 0);
		if (!array_value_ok(v))
			fail_msg("torn array value at %u", i);
	}
}

/* After the kill (the lock taken, so repaired): consistent, and every element usable again. */
static void check_after_kill(struct ebpf_map *hash, struct ebpf_map *array)
{
	uint64_t v[VALUE_WORDS];
	struct shm_map *h = to_shm(hash);
	uint32_t key, n = 0;
	int err = ebpf_map_get_next_key(hash, NULL, &key);

	for (; err == 0; err = ebpf_map_get_next_key(hash, &key, &key)) {
		assert_int_equal(ebpf_map_lookup_elem(hash, &key, v), 0);
		if (!value_ok(v, key))
			fail_msg("torn hash value for key %u after the kill", key);
		assert_true(++n <= HASH_ENTRIES);
	}
	assert_int_equal(n, h->hdr->count);
	/* No leaked element: each one is either in a chain or in the free ring. */
	assert_int_equal(h->hdr->free_tail - h->hdr->free_head, h->pool_count - n);
	read_invariants(hash, array);
}

static void fill_to_max(struct ebpf_map *hash)
{
	uint64_t v[VALUE_WORDS];
	uint32_t key;

	while (ebpf_map_get_next_key(hash, NULL, &key) == 0)
		assert_int_equal(ebpf_map_delete_elem(hash, &key), 0);
	for (key = 0; key < HASH_ENTRIES; key++) {
		value_make(v, key, 1);
		assert_int_equal(ebpf_map_update_elem(hash, &key, v, EBPF_NOEXIST), 0);
	}
	assert_int_equal(ebpf_map_update_elem(hash, &key, v, EBPF_NOEXIST), -E2BIG);
}

static void test_sigkill_writer(void **state)
{
	char array_path[160];
	struct ebpf_map *hash, *array;
	struct map_attr attr = { .type = EBPF_MAP_TYPE_ARRAY,
				 .key_size = 4,
				 .value_size = VALUE_WORDS * 8,
				 .max_entries = 4,
				 .pin_path = array_path };
	const char *why;
	unsigned int seed = (unsigned int)time(NULL);
	uint32_t recoveries = 0;
	int round;

	unlink(path);
	snprintf(array_path, sizeof(array_path), "%s/array", dir);
	assert_int_equal(shm_create(EBPF_MAP_TYPE_HASH, 4, VALUE_WORDS * 8, HASH_ENTRIES, &hash),
			 0);
	assert_int_equal(map_create(&attr, NULL, &array, &why), 0);
	/* Until enough kills landed inside an update (most do: the writer is mostly there). */
	for (round = 0; round < KILL_ROUNDS_MIN || (recoveries < 5 && round < KILL_ROUNDS_MAX);
	     round++) {
		struct timespec pause = { 0, 200000 + (long)(rand_r(&seed) % 3000) * 1000 };
		pid_t pid = fork();
		int status;

		assert_true(pid >= 0);
		if (pid == 0)
			writer(hash, array, seed + (unsigned int)round); /* never returns */
		nanosleep(&pause, NULL);
		read_invariants(hash, array);
		kill(pid, SIGKILL);
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFSIGNALED(status));
		check_after_kill(hash, array);
		recoveries = to_shm(hash)->hdr->recoveries + to_shm(array)->hdr->recoveries;
	}
	print_message("%d kills, %u of them inside an update\n", round, recoveries);
	assert_true(recoveries > 0);
	fill_to_max(hash);
	map_destroy(hash);
	map_destroy(array);
	unlink(array_path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_array_two_handles, setup, teardown),
		cmocka_unit_test_setup_teardown(test_percpu_array, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hash_semantics, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hash_key_value_sizes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refused_attributes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corrupt_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corrupt_chain_bounded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sigkill_writer, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
