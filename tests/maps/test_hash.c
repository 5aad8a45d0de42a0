/* SPDX-License-Identifier: MIT */
/*
 * Hash and per-CPU hash maps against Linux's documented behaviour; every test runs on a
 * pre-allocated map and on a BPF_F_NO_PREALLOC one.
 */
#define _GNU_SOURCE
#include <sched.h>

#include "maps/map_test.h"

static uint32_t flags_of(void **state)
{
	return (uint32_t)(uintptr_t)*state;
}

static int prealloc_state(void **state)
{
	*state = (void *)(uintptr_t)0;
	return 0;
}

static int no_prealloc_state(void **state)
{
	*state = (void *)(uintptr_t)EBPF_F_NO_PREALLOC;
	return 0;
}

static int teardown(void **state)
{
	test_rcu_barrier();
	return 0;
}

struct key {
	uint32_t a;
	uint16_t b; /* a key size that is not a multiple of 8 */
};

static struct key key_of(uint32_t i)
{
	struct key k;

	memset(&k, 0, sizeof(k));
	k.a = i * 7919;
	k.b = (uint16_t)i;
	return k;
}

static void test_flags_and_errors(void **state)
{
	struct ebpf_map *map =
	    test_map_flags(EBPF_MAP_TYPE_HASH, sizeof(struct key), 8, 4, flags_of(state));
	struct key k = key_of(1);
	uint64_t v = 10, out;

	assert_int_equal(ebpf_map_lookup_elem(map, &k, &out), -ENOENT);
	assert_non_null(strstr(ebpf_last_error(), "no such key"));
	assert_int_equal(ebpf_map_update_elem(map, &k, &v, EBPF_EXIST), -ENOENT);
	assert_int_equal(ebpf_map_update_elem(map, &k, &v, EBPF_NOEXIST), 0);
	assert_int_equal(ebpf_map_update_elem(map, &k, &v, EBPF_NOEXIST), -EEXIST);
	v = 11;
	assert_int_equal(ebpf_map_update_elem(map, &k, &v, EBPF_EXIST), 0);
	assert_int_equal(ebpf_map_lookup_elem(map, &k, &out), 0);
	assert_int_equal(out, 11);
	v = 12;
	assert_int_equal(ebpf_map_update_elem(map, &k, &v, EBPF_ANY), 0);
	assert_int_equal(ebpf_map_lookup_elem(map, &k, &out), 0);
	assert_int_equal(out, 12);
	assert_int_equal(ebpf_map_update_elem(map, &k, &v, 3), -EINVAL);
	assert_int_equal(ebpf_map_update_elem(map, &k, &v, 4 /* BPF_F_LOCK */), -EINVAL);
	assert_int_equal(ebpf_map_delete_elem(map, &k), 0);
	assert_int_equal(ebpf_map_delete_elem(map, &k), -ENOENT);
	assert_int_equal(ebpf_map_lookup_elem(map, &k, &out), -ENOENT);
	map_destroy(map);
}

static void test_full(void **state)
{
	struct ebpf_map *map =
	    test_map_flags(EBPF_MAP_TYPE_HASH, sizeof(struct key), 8, 4, flags_of(state));
	uint64_t v = 1;
	struct key k;

	for (uint32_t i = 0; i < 4; i++) {
		k = key_of(i);
		assert_int_equal(ebpf_map_update_elem(map, &k, &v, EBPF_ANY), 0);
	}
	k = key_of(4);
	assert_int_equal(ebpf_map_update_elem(map, &k, &v, EBPF_ANY), -E2BIG);
	assert_non_null(strstr(ebpf_last_error(), "full"));
	/* Existing keys can still be replaced when the map is full. */
	k = key_of(2);
	assert_int_equal(ebpf_map_update_elem(map, &k, &v, EBPF_ANY), 0);
	assert_int_equal(ebpf_map_update_elem(map, &k, &v, EBPF_EXIST), 0);
	assert_int_equal(ebpf_map_delete_elem(map, &k), 0);
	k = key_of(4);
	assert_int_equal(ebpf_map_update_elem(map, &k, &v, EBPF_ANY), 0);
	map_destroy(map);
}

/* Replacing and deleting faster than grace periods end never makes a map look full. */
static void test_churn_never_full(void **state)
{
	struct ebpf_map *map =
	    test_map_flags(EBPF_MAP_TYPE_HASH, sizeof(struct key), 8, 4, flags_of(state));
	uint64_t v;

	for (uint32_t round = 0; round < 2000; round++) {
		for (uint32_t i = 0; i < 4; i++) {
			struct key k = key_of(i);

			v = round + i;
			assert_int_equal(ebpf_map_update_elem(map, &k, &v, EBPF_NOEXIST), 0);
			assert_int_equal(ebpf_map_update_elem(map, &k, &v, EBPF_EXIST), 0);
		}
		for (uint32_t i = 0; i < 4; i++) {
			struct key k = key_of(i);

			assert_int_equal(ebpf_map_lookup_elem(map, &k, &v), 0);
			assert_int_equal(v, round + i);
			assert_int_equal(ebpf_map_delete_elem(map, &k), 0);
		}
	}
	map_destroy(map);
}

static void test_iteration_visits_each_key_once(void **state)
{
	enum { N = 300 };
	struct ebpf_map *map =
	    test_map_flags(EBPF_MAP_TYPE_HASH, sizeof(struct key), 4, N, flags_of(state));
	int seen[N] = { 0 };
	struct key k, next, first;
	const struct key *prev = NULL;
	int visits = 0;
	uint32_t v = 0;

	assert_int_equal(ebpf_map_get_next_key(map, NULL, &next), -ENOENT);
	for (uint32_t i = 0; i < N; i++) {
		k = key_of(i);
		assert_int_equal(ebpf_map_update_elem(map, &k, &v, EBPF_NOEXIST), 0);
	}
	while (ebpf_map_get_next_key(map, prev, &next) == 0) {
		assert_true(next.b < N);
		assert_int_equal(next.a, next.b * 7919u);
		seen[next.b]++;
		k = next;
		prev = &k;
		assert_true(++visits <= N);
	}
	assert_int_equal(visits, N);
	for (int i = 0; i < N; i++)
		assert_int_equal(seen[i], 1);
	/* A key that is not in the map gives the first key, as Linux. */
	assert_int_equal(ebpf_map_get_next_key(map, NULL, &first), 0);
	k = key_of(N + 5);
	assert_int_equal(ebpf_map_get_next_key(map, &k, &next), 0);
	assert_memory_equal(&next, &first, sizeof(next));
	map_destroy(map);
}

static void test_lookup_and_delete(void **state)
{
	struct ebpf_map *map =
	    test_map_flags(EBPF_MAP_TYPE_HASH, sizeof(struct key), 8, 4, flags_of(state));
	struct key k = key_of(9);
	uint64_t v = 99, out = 0;

	assert_int_equal(ebpf_map_lookup_and_delete_elem(map, &k, &out), -ENOENT);
	assert_int_equal(ebpf_map_update_elem(map, &k, &v, EBPF_ANY), 0);
	assert_int_equal(ebpf_map_lookup_and_delete_elem(map, &k, &out), 0);
	assert_int_equal(out, 99);
	assert_int_equal(ebpf_map_lookup_elem(map, &k, &out), -ENOENT);
	map_destroy(map);
}

/* A pointer from the program's lookup stays readable until the critical section ends, even after
 * the element is replaced and deleted (ASan would flag a use after free). */
static void test_value_survives_until_unlock(void **state)
{
	struct ebpf_map *map =
	    test_map_flags(EBPF_MAP_TYPE_HASH, sizeof(struct key), 8, 4, flags_of(state));
	struct key k = key_of(3);
	uint64_t v = 5, *p, *q;

	assert_int_equal(ebpf_map_update_elem(map, &k, &v, EBPF_ANY), 0);
	map_rcu_read_lock();
	p = map_lookup_prog(map, &k);
	assert_non_null(p);
	v = 6;
	assert_int_equal(map_update_prog(map, &k, &v, EBPF_ANY), 0);
	q = map_lookup_prog(map, &k);
	assert_non_null(q);
	assert_int_equal(*q, 6);
	assert_int_equal(map_delete_prog(map, &k), 0);
	assert_null(map_lookup_prog(map, &k));
	assert_int_equal(*p, 5);
	assert_int_equal(*q, 6);
	map_rcu_read_unlock();
	test_rcu_barrier();
	map_destroy(map);
}

static void test_create_errors(void **state)
{
	assert_int_equal(
	    test_create_err(EBPF_MAP_TYPE_HASH, 0, 4, 1, 0, "key_size 0 is invalid for hash maps"),
	    -EINVAL);
	assert_int_equal(test_create_err(EBPF_MAP_TYPE_HASH, 4, 0, 1, 0, "value_size"), -EINVAL);
	assert_int_equal(test_create_err(EBPF_MAP_TYPE_HASH, 4, 4, 0, 0, "max_entries"), -EINVAL);
	assert_int_equal(test_create_err(EBPF_MAP_TYPE_HASH, 513, 4, 1, 0, "key_size"), -E2BIG);
	assert_int_equal(
	    test_create_err(EBPF_MAP_TYPE_HASH, 4, 4, 1, 1u << 1, "BPF_F_NO_COMMON_LRU"), -EINVAL);
	assert_int_equal(test_create_err(EBPF_MAP_TYPE_HASH, 4, 4, 1, 1u << 20, "map_flags"),
			 -EINVAL);
	assert_int_equal(test_create_err(EBPF_MAP_TYPE_PERCPU_HASH, 4, 32769, 1, 0, "value_size"),
			 -E2BIG);
}

static void test_percpu_hash(void **state)
{
	uint32_t ncpus = ebpf_num_possible_cpus();
	struct ebpf_map *map =
	    test_map_flags(EBPF_MAP_TYPE_PERCPU_HASH, sizeof(struct key), 12, 4, flags_of(state));
	size_t stride = 16; /* 12 rounded up to 8 */
	uint8_t *values = calloc(ncpus, stride), *out = calloc(ncpus, stride);
	uint8_t mine[12];
	struct key k = key_of(1), k2 = key_of(2);

	for (uint32_t c = 0; c < ncpus; c++)
		memset(values + c * stride, (int)(c + 1), 12);
	assert_int_equal(ebpf_map_update_elem(map, &k, values, EBPF_ANY), 0);
	assert_int_equal(ebpf_map_lookup_elem(map, &k, out), 0);
	for (uint32_t c = 0; c < ncpus; c++) {
		assert_memory_equal(out + c * stride, values + c * stride, 12);
		assert_int_equal(out[c * stride + 12], 0);
	}

	/* The host replaces every slot of an existing element. */
	for (uint32_t c = 0; c < ncpus; c++)
		memset(values + c * stride, (int)(c + 100), 12);
	assert_int_equal(ebpf_map_update_elem(map, &k, values, EBPF_EXIST), 0);
	assert_int_equal(ebpf_map_lookup_elem(map, &k, out), 0);
	for (uint32_t c = 0; c < ncpus; c++)
		assert_memory_equal(out + c * stride, values + c * stride, 12);

	/* A program's new element: its CPU's slot set, the others zero. */
	memset(mine, 0x5a, sizeof(mine));
	map_rcu_read_lock();
	assert_int_equal(map_update_prog(map, &k2, mine, EBPF_NOEXIST), 0);
	map_rcu_read_unlock();
	assert_int_equal(ebpf_map_lookup_elem(map, &k2, out), 0);
	for (uint32_t c = 0, set = 0; c < ncpus; c++) {
		bool is_mine = out[c * stride] == 0x5a;

		assert_true(is_mine || out[c * stride] == 0);
		set += is_mine;
		if (c == ncpus - 1)
			assert_int_equal(set, 1);
	}
	free(values);
	free(out);
	map_destroy(map);
}

/*
 * Lookups specialised by key size (2, 4 and 8 bytes hash and compare inline, others in general):
 * every size finds what was stored under it, from the host and from a program, and nothing for
 * a key that differs in its last byte only.
 */
static void check_key_size(enum ebpf_map_type type, uint32_t key_size, uint32_t flags)
{
	struct ebpf_map *map = test_map_flags(type, key_size, 8, 64, flags);
	uint8_t key[64];
	uint64_t v;

	for (uint32_t i = 0; i < 64; i++) {
		for (uint32_t b = 0; b < key_size; b++)
			key[b] = (uint8_t)(i * 31 + b * 7);
		v = i;
		assert_int_equal(ebpf_map_update_elem(map, key, &v, EBPF_NOEXIST), 0);
	}
	for (uint32_t i = 0; i < 64; i++) {
		const uint64_t *p;

		for (uint32_t b = 0; b < key_size; b++)
			key[b] = (uint8_t)(i * 31 + b * 7);
		assert_int_equal(ebpf_map_lookup_elem(map, key, &v), 0);
		assert_int_equal(v, i);
		map_rcu_read_lock();
		p = map_lookup_prog(map, key);
		assert_non_null(p);
		assert_int_equal(*p, i);
		map_rcu_read_unlock();
		key[key_size - 1] ^= 0x80;
		assert_int_equal(ebpf_map_lookup_elem(map, key, &v), -ENOENT);
		map_rcu_read_lock();
		assert_null(map_lookup_prog(map, key));
		map_rcu_read_unlock();
	}
	map_destroy(map);
}

static void test_key_sizes(void **state)
{
	static const uint32_t sizes[] = { 1, 2, 3, 4, 5, 8, 12, 16, 64 };

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		check_key_size(EBPF_MAP_TYPE_HASH, sizes[i], flags_of(state));
		check_key_size(EBPF_MAP_TYPE_LRU_HASH, sizes[i], 0);
	}
}

/* ebpf_map_lookup_elem's inline checks: each bad argument is refused with the message of
 * ebpf_map_lookup_elem_flags, before the type's copy could touch it. */
static void check_lookup_errors(enum ebpf_map_type type, uint32_t flags)
{
	struct ebpf_map *map = test_map_flags(type, 4, 8, 4, flags);
	struct ebpf_map *wronly = test_map_flags(type, 4, 8, 4, flags | (1u << 4) /* WRONLY */);
	uint32_t k = 1;
	uint64_t v = 7, out = 0;

	assert_int_equal(ebpf_map_update_elem(map, &k, &v, EBPF_ANY), 0);
	assert_int_equal(ebpf_map_lookup_elem(NULL, &k, &out), -EINVAL);
	assert_non_null(strstr(ebpf_last_error(), "map is NULL"));
	assert_int_equal(ebpf_map_lookup_elem(map, NULL, &out), -EINVAL);
	assert_non_null(strstr(ebpf_last_error(), "key is NULL (key_size 4)"));
	assert_int_equal(ebpf_map_lookup_elem(map, &k, NULL), -EINVAL);
	assert_non_null(strstr(ebpf_last_error(), "value is NULL"));
	assert_int_equal(ebpf_map_lookup_elem(wronly, &k, &out), -EPERM);
	assert_non_null(strstr(ebpf_last_error(), "not allowed by map_flags"));
	assert_int_equal(out, 0);
	assert_int_equal(ebpf_map_lookup_elem(map, &k, &out), 0);
	assert_int_equal(out, 7);
	map_destroy(wronly);
	map_destroy(map);
}

static void test_lookup_errors(void **state)
{
	struct map_attr attr = test_attr(EBPF_MAP_TYPE_HASH, 4, 8, 4, flags_of(state));
	struct ebpf_map *desc = NULL;
	const char *why = NULL;
	uint32_t k = 1;
	uint64_t out = 0;

	check_lookup_errors(EBPF_MAP_TYPE_HASH, flags_of(state));
	check_lookup_errors(EBPF_MAP_TYPE_ARRAY, 0);
	/* A map opened to verify only has no storage to copy from. */
	assert_int_equal(map_create_descriptor(&attr, &desc, &why), 0);
	assert_int_equal(ebpf_map_lookup_elem(desc, &k, &out), -EOPNOTSUPP);
	assert_non_null(strstr(ebpf_last_error(), "no storage"));
	map_destroy(desc);
}

/* Values of the sizes copied as words (4, 8, 16) and of the others: exactly value_size bytes
 * come back, the caller's bytes after them untouched. */
static void test_value_sizes(void **state)
{
	static const uint32_t sizes[] = { 1, 2, 3, 4, 5, 8, 12, 16, 17, 24, 64 };
	uint8_t in[64], out[64 + 16];

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		uint32_t size = sizes[i];
		struct ebpf_map *map =
		    test_map_flags(EBPF_MAP_TYPE_HASH, 4, size, 8, flags_of(state));

		for (uint32_t k = 0; k < 4; k++) {
			for (uint32_t b = 0; b < size; b++)
				in[b] = (uint8_t)(k * 64 + b + 1);
			assert_int_equal(ebpf_map_update_elem(map, &k, in, EBPF_ANY), 0);
		}
		for (uint32_t k = 0; k < 4; k++) {
			memset(out, 0xa5, sizeof(out));
			assert_int_equal(ebpf_map_lookup_elem(map, &k, out), 0);
			for (uint32_t b = 0; b < size; b++)
				assert_int_equal(out[b], (uint8_t)(k * 64 + b + 1));
			for (uint32_t b = size; b < sizeof(out); b++)
				assert_int_equal(out[b], 0xa5);
		}
		map_destroy(map);
	}
}

int main(void)
{
#define BOTH(t)                                                                                    \
	cmocka_unit_test_setup_teardown(t, prealloc_state, teardown),                              \
	    cmocka_unit_test_setup_teardown(t, no_prealloc_state, teardown)
	const struct CMUnitTest tests[] = {
		BOTH(test_flags_and_errors),  BOTH(test_full),
		BOTH(test_churn_never_full),  BOTH(test_iteration_visits_each_key_once),
		BOTH(test_lookup_and_delete), BOTH(test_value_survives_until_unlock),
		BOTH(test_percpu_hash),	      cmocka_unit_test(test_create_errors),
		BOTH(test_key_sizes),	      BOTH(test_lookup_errors),
		BOTH(test_value_sizes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
