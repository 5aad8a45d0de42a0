/* SPDX-License-Identifier: MIT */
/*
 * LPM tries: longest match with overlapping prefixes, IPv4 and IPv6 keys, Linux's errors and
 * iteration order, and random operations against a linear-scan reference.
 */
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

/*
 * IPv4 tries look up through a first level per /16 (lpm_trie.c): prefixes shorter than /16
 * cover runs of /16s up to their edges, a /16 holding many lengths falls back to the binary
 * search, and after deletes each /16 finds what is left over it.
 */
static void test_ipv4_first_level(void **state)
{
	struct ebpf_map *map = trie(sizeof(struct v4_key), 64);
	struct v4_key k;

	put(map, &(struct v4_key){ 0, { 0, 0, 0, 0 } }, 100);
	put(map, &(struct v4_key){ 4, { 0x10, 0, 0, 0 } }, 4);
	put(map, &(struct v4_key){ 15, { 0x1a, 0x02, 0, 0 } }, 15);
	put(map, &(struct v4_key){ 16, { 0x1a, 0x02, 0, 0 } }, 16);
	/* 26.4.0.0/16 holds eight lengths, 17 to 24, each a prefix of 26.4.255.255. */
	for (uint32_t len = 17; len <= 24; len++)
		put(map, &(struct v4_key){ len, { 0x1a, 0x04, 0xff, 0xff } }, len);
	put(map, &(struct v4_key){ 24, { 0x1a, 0x05, 7, 0 } }, 1024);
	put(map, &(struct v4_key){ 24, { 0x1a, 0x05, 9, 0 } }, 2024);

	k = v4(0x1a, 0x02, 1, 1, 32);
	assert_int_equal(match(map, &k), 16);
	k = v4(0x1a, 0x03, 0xff, 0xff, 32); /* the /15's other /16 */
	assert_int_equal(match(map, &k), 15);
	k = v4(0x1a, 0x01, 0xff, 0xff, 32); /* just before the /15 */
	assert_int_equal(match(map, &k), 4);
	k = v4(0x10, 0, 0, 0, 32); /* the /4's first /16 and its last */
	assert_int_equal(match(map, &k), 4);
	k = v4(0x1f, 0xff, 0xff, 0xff, 32);
	assert_int_equal(match(map, &k), 4);
	k = v4(0x20, 0, 0, 0, 32); /* past the /4 */
	assert_int_equal(match(map, &k), 100);
	for (uint32_t len = 17; len <= 24; len++) {
		/* Differs from 26.4.255.255 at bit len - 1 only: the match is len - 1 long. */
		k = v4(0x1a, 0x04, 0xff, 0xff, 32);
		k.data[(len - 1) / 8] ^= 0x80 >> ((len - 1) % 8);
		assert_int_equal(match(map, &k), len == 17 ? 4 : len - 1);
	}
	k = v4(0x1a, 0x04, 0xff, 0xff, 20); /* a shorter lookup key stops at its length */
	assert_int_equal(match(map, &k), 20);
	k = v4(0x1a, 0x05, 9, 3, 32);
	assert_int_equal(match(map, &k), 2024);
	k = v4(0x1a, 0x05, 8, 3, 32);
	assert_int_equal(match(map, &k), 4);

	/* One /24 of two leaves its /16: the other still answers. */
	k = v4(0x1a, 0x05, 9, 0, 24);
	assert_int_equal(ebpf_map_delete_elem(map, &k), 0);
	k = v4(0x1a, 0x05, 9, 3, 32);
	assert_int_equal(match(map, &k), 4);
	k = v4(0x1a, 0x05, 7, 3, 32);
	assert_int_equal(match(map, &k), 1024);
	/* The /16 leaves; its /15 takes it over, then the /4, then the /0, then nothing. */
	k = v4(0x1a, 0x02, 0, 0, 16);
	assert_int_equal(ebpf_map_delete_elem(map, &k), 0);
	k = v4(0x1a, 0x02, 1, 1, 32);
	assert_int_equal(match(map, &k), 15);
	k = v4(0x1a, 0x02, 0, 0, 15);
	assert_int_equal(ebpf_map_delete_elem(map, &k), 0);
	k = v4(0x1a, 0x02, 1, 1, 32);
	assert_int_equal(match(map, &k), 4);
	k = v4(0x10, 0, 0, 0, 4);
	assert_int_equal(ebpf_map_delete_elem(map, &k), 0);
	k = v4(0x1a, 0x03, 1, 1, 32);
	assert_int_equal(match(map, &k), 100);
	k = v4(0, 0, 0, 0, 0);
	assert_int_equal(ebpf_map_delete_elem(map, &k), 0);
	k = v4(0x1a, 0x03, 1, 1, 32);
	assert_int_equal(match(map, &k), -1);
	k = v4(0x1a, 0x04, 0xff, 0xff, 32);
	assert_int_equal(match(map, &k), 24);
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

/*
 * The reference is a list of the stored prefixes, scanned linearly. Keys are 4 bytes of prefix
 * length then data_size bytes: 4 (IPv4) or 16 (IPv6). Each key keeps the bits past its prefix
 * as they were last written: Linux stores them and get_next_key returns them.
 */
#define REF_MAX	     64
#define REF_DATA_MAX 16

struct ref_key {
	uint32_t prefixlen;
	uint8_t data[REF_DATA_MAX];
};

struct ref {
	uint32_t data_size;
	struct ref_key keys[REF_MAX];
	uint32_t values[REF_MAX];
	bool used[REF_MAX];
	int live;
};

static int bit_of(const uint8_t *data, uint32_t bit)
{
	return (data[bit / 8] >> (7 - bit % 8)) & 1;
}

/* How many leading bits a and b share, up to limit. */
static uint32_t common_bits(const uint8_t *a, const uint8_t *b, uint32_t limit)
{
	uint32_t bit = 0;

	while (bit < limit && bit_of(a, bit) == bit_of(b, bit))
		bit++;
	return bit;
}

static bool prefix_covers(const struct ref_key *prefix, const uint8_t *addr)
{
	return common_bits(prefix->data, addr, prefix->prefixlen) == prefix->prefixlen;
}

/* A lookup key of prefixlen bits matches the longest stored prefix no longer than it. */
static int64_t ref_match(const struct ref *ref, const struct ref_key *k)
{
	int64_t best = -1, best_len = -1;

	for (int i = 0; i < REF_MAX; i++) {
		const struct ref_key *p = &ref->keys[i];

		if (ref->used[i] && p->prefixlen <= k->prefixlen && prefix_covers(p, k->data) &&
		    (int64_t)p->prefixlen > best_len) {
			best_len = p->prefixlen;
			best = ref->values[i];
		}
	}
	return best;
}

/* The same prefix (bits past prefixlen ignored), as the trie defines it. */
static int ref_find(const struct ref *ref, const struct ref_key *k)
{
	for (int i = 0; i < REF_MAX; i++) {
		if (ref->used[i] && ref->keys[i].prefixlen == k->prefixlen &&
		    prefix_covers(&ref->keys[i], k->data))
			return i;
	}
	return -1;
}

/*
 * Linux's iteration order, a postorder of its trie: a prefix after the longer ones it contains;
 * of two prefixes that diverge, the one with a 0 bit where they do first.
 */
static bool ref_before(const struct ref_key *a, const struct ref_key *b)
{
	uint32_t shorter = a->prefixlen < b->prefixlen ? a->prefixlen : b->prefixlen;
	uint32_t same = common_bits(a->data, b->data, shorter);

	if (same == shorter)
		return a->prefixlen > b->prefixlen;
	return bit_of(a->data, same) == 0;
}

/* The live entries in iteration order; how many. */
static int ref_order(const struct ref *ref, int *order)
{
	int n = 0;

	for (int i = 0; i < REF_MAX; i++) {
		int at = n++;

		if (!ref->used[i]) {
			n--;
			continue;
		}
		for (; at > 0 && ref_before(&ref->keys[i], &ref->keys[order[at - 1]]); at--)
			order[at] = order[at - 1];
		order[at] = i;
	}
	return n;
}

/* get_next_key visits every entry once, in Linux's order, with the bytes last written. */
static void check_iteration(struct ebpf_map *map, const struct ref *ref)
{
	struct ref_key key = { 0 }, next = { 0 }, missing = { 0 };
	const struct ref_key *prev = NULL;
	int order[REF_MAX], n = ref_order(ref, order);

	for (int visit = 0; visit < n; visit++) {
		const struct ref_key *want = &ref->keys[order[visit]];

		assert_int_equal(ebpf_map_get_next_key(map, prev, &next), 0);
		assert_int_equal(next.prefixlen, want->prefixlen);
		assert_memory_equal(next.data, want->data, ref->data_size);
		key = next;
		prev = &key;
	}
	assert_int_equal(ebpf_map_get_next_key(map, prev, &next), -ENOENT);

	/* A key that is not stored starts over at the first. */
	missing.prefixlen = 1;
	missing.data[0] = 0xff;
	if (ref_find(ref, &missing) < 0)
		assert_int_equal(ebpf_map_get_next_key(map, &missing, &next), n ? 0 : -ENOENT);
	if (n && ref_find(ref, &missing) < 0)
		assert_int_equal(next.prefixlen, ref->keys[order[0]].prefixlen);
}

/* Few distinct leading bits and sparse bytes after them, so that prefixes overlap a lot. */
static struct ref_key random_key(unsigned int *seed, uint32_t data_size, bool full_length)
{
	uint32_t r = (uint32_t)rand_r(seed), max_len = data_size * 8;
	struct ref_key k = { 0 };

	k.data[0] = (uint8_t)(r & 3);
	k.data[1] = (uint8_t)((r >> 2) & 0x81);
	for (uint32_t i = 2; i < data_size; i++)
		k.data[i] = rand_r(seed) % 4 ? 0 : (uint8_t)rand_r(seed);
	if (full_length)
		k.prefixlen = max_len;
	else
		k.prefixlen = (r >> 12) % 2 ? (r >> 13) % (max_len + 1) : (r >> 13) % 18;
	return k;
}

/* A stored key (other bits past its prefix) half of the time, when there is one. */
static struct ref_key some_key(unsigned int *seed, const struct ref *ref)
{
	struct ref_key k = random_key(seed, ref->data_size, false), noise;
	int i = rand_r(seed) % REF_MAX;

	if (rand_r(seed) % 2 || !ref->used[i])
		return k;
	noise = random_key(seed, ref->data_size, true);
	k = ref->keys[i];
	for (uint32_t bit = k.prefixlen; bit < ref->data_size * 8; bit++)
		k.data[bit / 8] = (uint8_t)((k.data[bit / 8] & ~(0x80 >> (bit % 8))) |
					    (noise.data[bit / 8] & (0x80 >> (bit % 8))));
	return k;
}

/* What Linux returns for a delete (del) or an update with flags, applied to the reference. */
static int ref_apply(struct ref *ref, const struct ref_key *k, bool del, uint64_t flags,
		     uint32_t value)
{
	int i = ref_find(ref, k), slot = 0;

	if (del) {
		if (i < 0)
			return -ENOENT;
		ref->used[i] = false;
		ref->live--;
		return 0;
	}
	if (i >= 0 && flags == EBPF_NOEXIST)
		return -EEXIST;
	if (i < 0 && flags == EBPF_EXIST)
		return -ENOENT;
	if (i < 0 && ref->live == REF_MAX)
		return -ENOSPC;
	if (i < 0) {
		while (ref->used[slot])
			slot++;
		i = slot;
		ref->used[i] = true;
		ref->live++;
	}
	ref->keys[i] = *k;
	ref->values[i] = value;
	return 0;
}

static void random_against_reference(uint32_t data_size, unsigned int seed)
{
	static const uint64_t update_flags[] = { EBPF_ANY, EBPF_ANY, EBPF_NOEXIST, EBPF_EXIST };
	struct ebpf_map *map = trie(4 + data_size, REF_MAX);
	struct ref ref = { .data_size = data_size };

	for (uint32_t step = 0; step < 3000; step++) {
		struct ref_key k = some_key(&seed, &ref);
		int op = rand_r(&seed) % 6;
		bool del = op >= 4;
		uint64_t flags = update_flags[op % 4];
		int want = ref_apply(&ref, &k, del, flags, step);

		if (del)
			assert_int_equal(ebpf_map_delete_elem(map, &k), want);
		else
			assert_int_equal(ebpf_map_update_elem(map, &k, &step, flags), want);
		for (int probe = 0; probe < 8; probe++) {
			struct ref_key addr =
			    probe % 2 ? some_key(&seed, &ref) : random_key(&seed, data_size, true);

			assert_int_equal(match(map, &addr), ref_match(&ref, &addr));
		}
		if (step % 50 == 0)
			check_iteration(map, &ref);
	}
	check_iteration(map, &ref);
	map_destroy(map);
}

static void test_ipv4_random_against_reference(void **state)
{
	random_against_reference(4, 12345);
	random_against_reference(4, 2021);
}

static void test_ipv6_random_against_reference(void **state)
{
	random_against_reference(16, 54321);
}

/* Linux's order on a known trie: 10.1.1.0/24, 10.1.0.0/16, 10.2.0.0/16, 10.0.0.0/8. */
static void test_iteration_postorder(void **state)
{
	struct ebpf_map *map = trie(sizeof(struct v4_key), 16);
	struct v4_key want[] = { v4(10, 1, 1, 0, 24), v4(10, 1, 0, 0, 16), v4(10, 2, 0, 0, 16),
				 v4(10, 0, 0, 0, 8) };
	struct v4_key key, next;
	const struct v4_key *prev = NULL;

	put(map, &want[3], 8);
	put(map, &want[2], 16);
	put(map, &want[0], 24);
	put(map, &want[1], 16);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		assert_int_equal(ebpf_map_get_next_key(map, prev, &next), 0);
		assert_memory_equal(&next, &want[i], sizeof(next));
		key = next;
		prev = &key;
	}
	assert_int_equal(ebpf_map_get_next_key(map, prev, &next), -ENOENT);
	map_destroy(map);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_ipv4_overlapping, teardown),
		cmocka_unit_test_teardown(test_ipv4_diverging, teardown),
		cmocka_unit_test_teardown(test_ipv4_first_level, teardown),
		cmocka_unit_test_teardown(test_ipv6, teardown),
		cmocka_unit_test_teardown(test_flags_and_errors, teardown),
		cmocka_unit_test_teardown(test_iteration_postorder, teardown),
		cmocka_unit_test_teardown(test_ipv4_random_against_reference, teardown),
		cmocka_unit_test_teardown(test_ipv6_random_against_reference, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
