/* SPDX-License-Identifier: MIT */
/* LPM tries: longest match with overlapping prefixes, IPv4 and IPv6 keys, Linux's errors. */
#include "maps/map_test.h"

struct v4_key {
	uint32_t prefixlen;
	uint8_t data[4];
};

struct v6_key {
	uint32_t prefixlen;
	uint8_t data[16];
};

static int teardown(void **state)
{
	test_rcu_barrier();
	return 0;
}

static struct ebpf_map *trie(uint32_t key_size, uint32_t max_entries)
{
	return test_map_flags(EBPF_MAP_TYPE_LPM_TRIE, key_size, 4, max_entries, EBPF_F_NO_PREALLOC);
}

static struct v4_key v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d, uint32_t len)
{
	return (struct v4_key){ .prefixlen = len, .data = { a, b, c, d } };
}

static void put(struct ebpf_map *map, const void *key, uint32_t value)
{
	assert_int_equal(ebpf_map_update_elem(map, key, &value, EBPF_ANY), 0);
}

/* The value of the longest match for a full-length key, or -1. */
static int64_t match(struct ebpf_map *map, const void *key)
{
	uint32_t value;
	int64_t host = ebpf_map_lookup_elem(map, key, &value) ? -1 : (int64_t)value;
	uint32_t *p;

	/* The program's view must agree with the host's. */
	map_rcu_read_lock();
	p = map_lookup_prog(map, key);
	assert_int_equal(p ? (int64_t)*p : -1, host);
	map_rcu_read_unlock();
	return host;
}

static void test_ipv4_overlapping(void **state)
{
	struct ebpf_map *map = trie(sizeof(struct v4_key), 16);
	struct v4_key k;

	put(map, &(struct v4_key){ 8, { 10, 0, 0, 0 } }, 8);
	put(map, &(struct v4_key){ 16, { 10, 1, 0, 0 } }, 16);
	put(map, &(struct v4_key){ 24, { 10, 1, 1, 0 } }, 24);
	put(map, &(struct v4_key){ 32, { 10, 1, 1, 1 } }, 32);
	k = v4(10, 1, 1, 1, 32);
	assert_int_equal(match(map, &k), 32);
	k = v4(10, 1, 1, 2, 32);
	assert_int_equal(match(map, &k), 24);
	k = v4(10, 1, 2, 3, 32);
	assert_int_equal(match(map, &k), 16);
	k = v4(10, 200, 0, 1, 32);
	assert_int_equal(match(map, &k), 8);
	k = v4(11, 1, 1, 1, 32);
	assert_int_equal(match(map, &k), -1);
	/* A shorter lookup prefix only matches prefixes at most as long. */
	k = v4(10, 1, 1, 1, 20);
	assert_int_equal(match(map, &k), 16);

	/* Removing a middle prefix exposes the next shorter one. */
	k = v4(10, 1, 0, 0, 16);
	assert_int_equal(ebpf_map_delete_elem(map, &k), 0);
	assert_int_equal(ebpf_map_delete_elem(map, &k), -ENOENT);
	k = v4(10, 1, 2, 3, 32);
	assert_int_equal(match(map, &k), 8);
	k = v4(10, 1, 1, 9, 32);
	assert_int_equal(match(map, &k), 24);
	k = v4(10, 0, 0, 0, 8);
	assert_int_equal(ebpf_map_delete_elem(map, &k), 0);
	k = v4(10, 200, 0, 1, 32);
	assert_int_equal(match(map, &k), -1);
	map_destroy(map);
}

static void test_ipv4_diverging(void **state)
{
	struct ebpf_map *map = trie(sizeof(struct v4_key), 16);
	struct v4_key k;

	put(map, &(struct v4_key){ 24, { 192, 168, 0, 0 } }, 1);
	put(map, &(struct v4_key){ 24, { 192, 168, 1, 0 } }, 2);
	k = v4(192, 168, 0, 77, 32);
	assert_int_equal(match(map, &k), 1);
	k = v4(192, 168, 1, 77, 32);
	assert_int_equal(match(map, &k), 2);
	k = v4(192, 168, 2, 77, 32);
	assert_int_equal(match(map, &k), -1);
	/* The branch point between them is not an entry. */
	k = v4(192, 168, 0, 0, 23);
	assert_int_equal(ebpf_map_delete_elem(map, &k), -ENOENT);
	k = v4(192, 168, 0, 0, 24);
	assert_int_equal(ebpf_map_delete_elem(map, &k), 0);
	k = v4(192, 168, 1, 5, 32);
	assert_int_equal(match(map, &k), 2);
	k = v4(192, 168, 0, 5, 32);
	assert_int_equal(match(map, &k), -1);
	map_destroy(map);
}

static void test_ipv6(void **state)
{
	struct ebpf_map *map = trie(sizeof(struct v6_key), 16);
	struct v6_key p32 = { 32, { 0x20, 0x01, 0x0d, 0xb8 } };
	struct v6_key p48 = { 48, { 0x20, 0x01, 0x0d, 0xb8, 0, 1 } };
	struct v6_key p64 = { 64, { 0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 2 } };
	struct v6_key p128 = { 128,
			       { 0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 2, 0, 0, 0, 0, 0, 0, 0, 3 } };
	struct v6_key k;

	put(map, &p64, 64);
	put(map, &p32, 32);
	put(map, &p128, 128);
	put(map, &p48, 48);
	k = p128;
	assert_int_equal(match(map, &k), 128);
	k.data[15] = 4;
	assert_int_equal(match(map, &k), 64);
	k.data[7] = 9;
	assert_int_equal(match(map, &k), 48);
	k.data[5] = 9;
	assert_int_equal(match(map, &k), 32);
	k.data[0] = 0x30;
	assert_int_equal(match(map, &k), -1);
	map_destroy(map);
}

static void test_flags_and_errors(void **state)
{
	struct ebpf_map *map = trie(sizeof(struct v4_key), 2);
	struct v4_key k = v4(10, 0, 0, 0, 8);
	uint32_t v = 1;

	assert_int_equal(ebpf_map_update_elem(map, &k, &v, EBPF_EXIST), -ENOENT);
	assert_int_equal(ebpf_map_update_elem(map, &k, &v, EBPF_NOEXIST), 0);
	assert_int_equal(ebpf_map_update_elem(map, &k, &v, EBPF_NOEXIST), -EEXIST);
	assert_int_equal(ebpf_map_update_elem(map, &k, &v, EBPF_EXIST), 0);
	assert_int_equal(ebpf_map_update_elem(map, &k, &v, 3), -EINVAL);
	k.prefixlen = 33;
	assert_int_equal(ebpf_map_update_elem(map, &k, &v, EBPF_ANY), -EINVAL);
	assert_int_equal(ebpf_map_delete_elem(map, &k), -EINVAL);
	k = v4(10, 1, 0, 0, 16);
	assert_int_equal(ebpf_map_update_elem(map, &k, &v, EBPF_ANY), 0);
	/* Linux: a full trie refuses new prefixes with -ENOSPC. */
	k = v4(10, 2, 0, 0, 16);
	assert_int_equal(ebpf_map_update_elem(map, &k, &v, EBPF_ANY), -ENOSPC);
	assert_non_null(strstr(ebpf_last_error(), "full"));
	map_destroy(map);

	assert_int_equal(test_create_err(EBPF_MAP_TYPE_LPM_TRIE, 8, 4, 1, 0, "BPF_F_NO_PREALLOC"),
			 -EINVAL);
	assert_int_equal(
	    test_create_err(EBPF_MAP_TYPE_LPM_TRIE, 4, 4, 1, EBPF_F_NO_PREALLOC, "key_size"),
	    -EINVAL);
	assert_int_equal(
	    test_create_err(EBPF_MAP_TYPE_LPM_TRIE, 261, 4, 1, EBPF_F_NO_PREALLOC, "key_size"),
	    -EINVAL);
	assert_int_equal(
	    test_create_err(EBPF_MAP_TYPE_LPM_TRIE, 8, 0, 1, EBPF_F_NO_PREALLOC, "value_size"),
	    -EINVAL);
}

/* ---- Against a brute-force reference ----------------------------------------------------- */

#define REF_MAX 64

struct ref {
	struct v4_key keys[REF_MAX];
	uint32_t values[REF_MAX];
	bool used[REF_MAX];
};

static bool prefix_covers(const struct v4_key *prefix, const uint8_t *addr)
{
	for (uint32_t bit = 0; bit < prefix->prefixlen; bit++) {
		uint8_t mask = (uint8_t)(0x80 >> (bit % 8));

		if ((prefix->data[bit / 8] & mask) != (addr[bit / 8] & mask))
			return false;
	}
	return true;
}

static int64_t ref_match(const struct ref *ref, const uint8_t *addr)
{
	int64_t best = -1;
	int64_t best_len = -1;

	for (int i = 0; i < REF_MAX; i++) {
		if (ref->used[i] && prefix_covers(&ref->keys[i], addr) &&
		    (int64_t)ref->keys[i].prefixlen > best_len) {
			best_len = ref->keys[i].prefixlen;
			best = ref->values[i];
		}
	}
	return best;
}

/* The same prefix (bits beyond prefixlen ignored), as the trie defines it. */
static int ref_find(const struct ref *ref, const struct v4_key *k)
{
	for (int i = 0; i < REF_MAX; i++) {
		if (ref->used[i] && ref->keys[i].prefixlen == k->prefixlen &&
		    prefix_covers(&ref->keys[i], k->data))
			return i;
	}
	return -1;
}

static void check_iteration(struct ebpf_map *map, const struct ref *ref)
{
	struct v4_key key, next;
	const struct v4_key *prev = NULL;
	int seen[REF_MAX] = { 0 }, visits = 0, live = 0;

	while (ebpf_map_get_next_key(map, prev, &next) == 0) {
		int i = ref_find(ref, &next);

		assert_true(i >= 0);
		seen[i]++;
		key = next;
		prev = &key;
		assert_true(++visits <= REF_MAX);
	}
	for (int i = 0; i < REF_MAX; i++) {
		live += ref->used[i];
		assert_int_equal(seen[i], ref->used[i] ? 1 : 0);
	}
	assert_int_equal(visits, live);
}

static void test_random_against_reference(void **state)
{
	struct ebpf_map *map = trie(sizeof(struct v4_key), REF_MAX);
	struct ref ref = { 0 };
	unsigned int seed = 12345;

	for (int step = 0; step < 3000; step++) {
		/* Few distinct top bits so that prefixes overlap a lot. */
		uint32_t r = (uint32_t)rand_r(&seed);
		struct v4_key k =
		    v4((uint8_t)(r & 3), (uint8_t)((r >> 2) & 0x81), 0, 0, (r >> 10) % 17);
		int i = ref_find(&ref, &k), slot;

		if ((r >> 20) % 3 == 0) {
			assert_int_equal(ebpf_map_delete_elem(map, &k), i >= 0 ? 0 : -ENOENT);
			if (i >= 0)
				ref.used[i] = false;
		} else {
			for (slot = 0; i < 0 && slot < REF_MAX && ref.used[slot]; slot++)
				;
			if (i < 0 && slot == REF_MAX)
				continue; /* the reference is full */
			put(map, &k, (uint32_t)step);
			i = i >= 0 ? i : slot;
			ref.keys[i] = k;
			ref.values[i] = (uint32_t)step;
			ref.used[i] = true;
		}
		for (int probe = 0; probe < 8; probe++) {
			uint32_t a = (uint32_t)rand_r(&seed);
			struct v4_key addr = v4((uint8_t)(a & 3), (uint8_t)((a >> 2) & 0x81),
						(uint8_t)(a >> 12), (uint8_t)(a >> 20), 32);

			assert_int_equal(match(map, &addr), ref_match(&ref, addr.data));
		}
		if (step % 100 == 0)
			check_iteration(map, &ref);
	}
	check_iteration(map, &ref);
	map_destroy(map);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_ipv4_overlapping, teardown),
		cmocka_unit_test_teardown(test_ipv4_diverging, teardown),
		cmocka_unit_test_teardown(test_ipv6, teardown),
		cmocka_unit_test_teardown(test_flags_and_errors, teardown),
		cmocka_unit_test_teardown(test_random_against_reference, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
