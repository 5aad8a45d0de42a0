// SPDX-License-Identifier: MIT
/*
 * Shared hash maps: a hash map in a pin file, with the private hash map's semantics (update
 * flags, "full" meaning max_entries keys, replacing a key always works, get_next_key bucket by
 * bucket) and nothing but indices inside the file.
 *
 * Layout: a header, n_buckets u32 chain heads, pool_count elements (index i at i - 1; 0 ends a
 * chain) and a ring of the free element indices. The pool has spares beyond max_entries, so a
 * replacement always finds an element, and the ring hands freed elements out last, so a program
 * holding a value's address (its lookup's result) sees it reused as late as possible. The
 * memory stays mapped as long as the map is, so such an address never dangles.
 *
 * Readers take no lock: chains are published with release stores and followed with acquire
 * loads, for at most pool_count steps (a corrupt or changing chain cannot hang them). Each
 * element has a generation, odd while it is being written and changed when it is freed; the
 * host's lookup copies a value and retries when the generation moved, so it never returns a mix.
 *
 * Writers take the robust lock. Every change a reader could see is one store of a link: an
 * element is written completely before it is linked, replaced by linking its successor in its
 * place, deleted by linking past it. So a writer killed at any instruction leaves every chain
 * whole; what it may leave behind is an element taken from the ring but never linked, or a
 * stale count, and recovery (the next locker's) rebuilds both from the chains.
 */
#include <string.h>

#include "maps/shm.h"

/* The elements are seqlocks, which need fences; GCC's ThreadSanitizer does not model fences and
 * warns about each (-Wtsan). The fences stay: under TSan they are only unchecked. */
#if defined(__SANITIZE_THREAD__)
#pragma GCC diagnostic ignored "-Wtsan"
#endif

struct shm_elem {
	_Atomic uint32_t next;
	_Atomic uint32_t gen;
	_Atomic uint32_t hash;
	uint32_t pad;
	uint8_t data[]; /* key, 8-aligned, then the value */
};

static uint32_t shm_hash_key_stride(uint32_t key_size)
{
	return (uint32_t)map_round_up(key_size, 8);
}

static _Atomic uint32_t *shm_hash_bucket(struct shm_map *m, uint32_t hash)
{
	return (_Atomic uint32_t *)m->data + (hash & (m->n_buckets - 1));
}

static struct shm_elem *shm_hash_elem(struct shm_map *m, uint32_t index)
{
	return (struct shm_elem *)(m->aux + (uint64_t)(index - 1) * m->elem_size);
}

static uint32_t *shm_hash_ring(struct shm_map *m)
{
	return (uint32_t *)(m->base + m->ring_off);
}

static uint8_t *shm_hash_value(struct shm_map *m, struct shm_elem *e)
{
	return e->data + shm_hash_key_stride(m->map.attr.key_size);
}

static uint32_t shm_hash_pow2(uint32_t n)
{
	uint32_t p = 1;

	while (p < n && p < (1u << 31))
		p <<= 1;
	return p;
}

static uint64_t shm_hash_layout(const struct map_attr *attr, struct shm_map *m)
{
	uint32_t spares = attr->max_entries / 4 + 8;

	if (attr->max_entries > UINT32_MAX - spares)
		return 0;
	m->pool_count = attr->max_entries + spares;
	m->n_buckets = shm_hash_pow2(attr->max_entries);
	m->elem_size = (uint32_t)(sizeof(struct shm_elem) + shm_hash_key_stride(attr->key_size) +
				  map_round_up(attr->value_size, 8));
	m->data_off = map_round_up(sizeof(struct shm_header), 64);
	m->aux_off = map_round_up(m->data_off + (uint64_t)m->n_buckets * 4, 64);
	m->ring_off = map_round_up(m->aux_off + (uint64_t)m->pool_count * m->elem_size, 64);
	return m->ring_off + (uint64_t)m->pool_count * 4;
}

/* ---- Hashing: every process must hash alike, with the seed of the file ------------------ */

static uint64_t shm_hash_mix(uint64_t h, uint64_t k)
{
	h = (h ^ k) * 0x9fb21c651e98df25ull;
	return h ^ (h >> 29);
}

static uint32_t shm_hash_of(const struct shm_map *m, const void *key)
{
	const uint8_t *p = key;
	uint32_t len = m->map.attr.key_size;
	uint64_t h = m->seed ^ (len * 0xc6a4a7935bd1e995ull);
	uint64_t k = 0;
	uint32_t w;

	for (; len >= 8; len -= 8, p += 8) {
		memcpy(&k, p, 8);
		h = shm_hash_mix(h, k);
	}
	if (len == 4) {
		memcpy(&w, p, 4);
		h = shm_hash_mix(h, w);
	} else if (len) {
		k = 0;
		memcpy(&k, p, len);
		h = shm_hash_mix(h, k);
	}
	h ^= h >> 32;
	return (uint32_t)(h * 0xff51afd7ed558ccdull >> 32);
}

/* ---- Chains -------------------------------------------------------------------------------- */

static bool shm_hash_index_valid(const struct shm_map *m, uint32_t index)
{
	return index && index <= m->pool_count;
}

/* Word by word: a memcmp of a size known only at run time is a library call. */
static bool shm_hash_key_is(const uint8_t *stored, const uint8_t *key, uint32_t size)
{
	uint64_t a, b;
	uint32_t x, y;

	if (size == 4) {
		memcpy(&x, stored, 4);
		memcpy(&y, key, 4);
		return x == y;
	}
	for (; size >= 8; size -= 8, stored += 8, key += 8) {
		memcpy(&a, stored, 8);
		memcpy(&b, key, 8);
		if (a != b)
			return false;
	}
	return !size || !memcmp(stored, key, size);
}

/*
 * The link (bucket head or an element's next) holding the key's element, or NULL; *found is
 * the element's index as read (lock-free readers use it: the link may change meanwhile).
 */
static _Atomic uint32_t *shm_hash_find_link(struct shm_map *m, const void *key, uint32_t hash,
					    uint32_t *found)
{
	_Atomic uint32_t *link = shm_hash_bucket(m, hash);
	uint32_t key_size = m->map.attr.key_size;

	for (uint32_t steps = 0; steps < m->pool_count; steps++) {
		uint32_t index = atomic_load_explicit(link, memory_order_acquire);
		struct shm_elem *e;

		if (!shm_hash_index_valid(m, index))
			return NULL;
		e = shm_hash_elem(m, index);
		if (atomic_load_explicit(&e->hash, memory_order_relaxed) == hash &&
		    shm_hash_key_is(e->data, key, key_size)) {
			*found = index;
			return link;
		}
		link = &e->next;
	}
	return NULL;
}

static struct shm_elem *shm_hash_find(struct shm_map *m, const void *key, uint32_t hash)
{
	uint32_t index;

	return shm_hash_find_link(m, key, hash, &index) ? shm_hash_elem(m, index) : NULL;
}

/* ---- The free ring (writers' lock held) ---------------------------------------------------- */

static uint32_t shm_hash_take(struct shm_map *m)
{
	struct shm_header *h = m->hdr;

	while (h->free_head != h->free_tail) {
		uint32_t index = shm_hash_ring(m)[h->free_head % m->pool_count];

		h->free_head++;
		if (shm_hash_index_valid(m, index))
			return index;
	}
	return 0;
}

static void shm_hash_give(struct shm_map *m, uint32_t index)
{
	struct shm_header *h = m->hdr;
	struct shm_elem *e = shm_hash_elem(m, index);

	/* Readers copying it see the generation move and look again. */
	atomic_fetch_add_explicit(&e->gen, 2, memory_order_release);
	shm_hash_ring(m)[h->free_tail % m->pool_count] = index;
	h->free_tail++;
}

static void shm_hash_init(struct shm_map *m)
{
	for (uint32_t i = 0; i < m->pool_count; i++)
		shm_hash_ring(m)[i] = i + 1;
	m->hdr->free_head = 0;
	m->hdr->free_tail = m->pool_count;
}

/*
 * The lock came from a dead writer. The chains are whole (see the top of the file); the ring
 * and the count may not be. Count what the chains reach, marking it in the ring (free again
 * afterwards), then refill the ring with every element no chain reaches.
 */
static void shm_hash_recover(struct shm_map *m)
{
	uint32_t *ring = shm_hash_ring(m);
	uint32_t count = 0, n_free = 0;

	memset(ring, 0, (size_t)m->pool_count * sizeof(*ring));
	for (uint32_t b = 0; b < m->n_buckets; b++) {
		_Atomic uint32_t *link = (_Atomic uint32_t *)(m->base + m->data_off) + b;
		uint32_t index;

		while ((index = atomic_load_explicit(link, memory_order_relaxed))) {
			if (!shm_hash_index_valid(m, index) || ring[index - 1]) {
				atomic_store_explicit(link, 0, memory_order_release);
				break; /* corrupt: cut the chain rather than loop or share */
			}
			ring[index - 1] = 1;
			count++;
			link = &shm_hash_elem(m, index)->next;
		}
	}
	/* In place: position n_free was read before it is written (n_free < i). */
	for (uint32_t i = 1; i <= m->pool_count; i++) {
		struct shm_elem *e;

		if (ring[i - 1])
			continue;
		e = shm_hash_elem(m, i);
		/* An element its writer left half written gets an even (idle) generation. */
		if (atomic_load_explicit(&e->gen, memory_order_relaxed) & 1)
			atomic_fetch_add_explicit(&e->gen, 1, memory_order_relaxed);
		ring[n_free++] = i;
	}
	m->hdr->count = count;
	m->hdr->free_head = 0;
	m->hdr->free_tail = n_free;
}

/* ---- Update and delete (writers' lock held) ----------------------------------------------- */

static void shm_hash_fill(struct shm_map *m, struct shm_elem *e, const void *key, uint32_t hash,
			  const void *value)
{
	uint32_t key_size = m->map.attr.key_size;
	uint32_t value_size = m->map.attr.value_size;
	uint8_t *v = shm_hash_value(m, e);

	atomic_fetch_add_explicit(&e->gen, 1, memory_order_relaxed); /* odd: being written */
	atomic_thread_fence(memory_order_release);
	atomic_store_explicit(&e->hash, hash, memory_order_relaxed);
	memcpy(e->data, key, key_size);
	memcpy(v, value, value_size);
	memset(v + value_size, 0, map_round_up(value_size, 8) - value_size);
	atomic_fetch_add_explicit(&e->gen, 1, memory_order_release); /* even: complete */
}

static int shm_hash_update_locked(struct shm_map *m, const void *key, const void *value,
				  uint64_t flags)
{
	uint32_t hash = shm_hash_of(m, key);
	uint32_t old = 0, index;
	_Atomic uint32_t *link = shm_hash_find_link(m, key, hash, &old);
	struct shm_elem *e;

	if (old && flags == EBPF_NOEXIST)
		return -EEXIST;
	if (!old && flags == EBPF_EXIST)
		return -ENOENT;
	if (!old && m->hdr->count >= m->map.attr.max_entries)
		return -E2BIG;
	index = shm_hash_take(m);
	if (!index)
		return -ENOMEM; /* only a corrupt ring: the spares cover every replacement */
	e = shm_hash_elem(m, index);
	shm_hash_fill(m, e, key, hash, value);
	if (old) {
		atomic_store_explicit(
		    &e->next,
		    atomic_load_explicit(&shm_hash_elem(m, old)->next, memory_order_relaxed),
		    memory_order_relaxed);
		atomic_store_explicit(link, index, memory_order_release);
		shm_hash_give(m, old);
		return 0;
	}
	link = shm_hash_bucket(m, hash);
	atomic_store_explicit(&e->next, atomic_load_explicit(link, memory_order_relaxed),
			      memory_order_relaxed);
	atomic_store_explicit(link, index, memory_order_release);
	m->hdr->count++;
	return 0;
}

static int shm_hash_update(struct ebpf_map *map, const void *key, const void *value, uint64_t flags)
{
	struct shm_map *m = to_shm(map);
	int err;

	if (!map_update_flags_valid(flags))
		return -EINVAL;
	err = shm_lock(m);
	if (err)
		return err;
	err = shm_hash_update_locked(m, key, value, flags);
	shm_unlock(m);
	return err;
}

/* Unlinks the key's element; copies its value out first when value is not NULL. */
static int shm_hash_remove(struct shm_map *m, const void *key, void *value)
{
	_Atomic uint32_t *link;
	uint32_t index = 0;
	int err = shm_lock(m);

	if (err)
		return err;
	link = shm_hash_find_link(m, key, shm_hash_of(m, key), &index);
	if (!link) {
		shm_unlock(m);
		return -ENOENT;
	}
	if (value)
		memcpy(value, shm_hash_value(m, shm_hash_elem(m, index)), m->map.attr.value_size);
	atomic_store_explicit(
	    link, atomic_load_explicit(&shm_hash_elem(m, index)->next, memory_order_relaxed),
	    memory_order_release);
	if (m->hdr->count)
		m->hdr->count--;
	shm_hash_give(m, index);
	shm_unlock(m);
	return 0;
}

static int shm_hash_delete(struct ebpf_map *map, const void *key)
{
	return shm_hash_remove(to_shm(map), key, NULL);
}

static int shm_hash_lookup_and_delete_copy(struct ebpf_map *map, const void *key, void *value)
{
	return shm_hash_remove(to_shm(map), key, value);
}

/* ---- Lookups (no lock) -------------------------------------------------------------------- */

static void *shm_hash_lookup(struct ebpf_map *map, const void *key)
{
	struct shm_map *m = to_shm(map);
	struct shm_elem *e = shm_hash_find(m, key, shm_hash_of(m, key));

	return e ? shm_hash_value(m, e) : NULL;
}

/* A value as one update left it: copied between two equal, even generations of its element. */
static int shm_hash_lookup_copy(struct ebpf_map *map, const void *key, void *value)
{
	struct shm_map *m = to_shm(map);
	uint32_t hash = shm_hash_of(m, key);

	for (;;) {
		struct shm_elem *e = shm_hash_find(m, key, hash);
		uint32_t gen;

		if (!e)
			return -ENOENT;
		gen = atomic_load_explicit(&e->gen, memory_order_acquire);
		if (gen & 1)
			continue;
		/* The element may have been freed and refilled since it matched: match again. */
		if (memcmp(e->data, key, map->attr.key_size))
			continue;
		memcpy(value, shm_hash_value(m, e), map->attr.value_size);
		atomic_thread_fence(memory_order_acquire);
		if (atomic_load_explicit(&e->gen, memory_order_relaxed) == gen)
			return 0;
	}
}

/*
 * Bucket by bucket, each chain from its head; a missing key restarts at the first, as the
 * private hash map does. Under the writers' lock: keys are copied out of elements a concurrent
 * delete could otherwise refill.
 */
static int shm_hash_get_next_key(struct ebpf_map *map, const void *key, void *next_key)
{
	struct shm_map *m = to_shm(map);
	uint32_t bucket = 0, index = 0;
	int err = shm_lock(m);

	if (err)
		return err;
	if (key) {
		uint32_t hash = shm_hash_of(m, key);
		struct shm_elem *cur = shm_hash_find(m, key, hash);

		if (cur) {
			index = atomic_load_explicit(&cur->next, memory_order_relaxed);
			bucket = (hash & (m->n_buckets - 1)) + 1;
		}
	}
	for (; !shm_hash_index_valid(m, index) && bucket < m->n_buckets; bucket++)
		index = atomic_load_explicit((_Atomic uint32_t *)(m->base + m->data_off) + bucket,
					     memory_order_relaxed);
	if (shm_hash_index_valid(m, index))
		memcpy(next_key, shm_hash_elem(m, index)->data, map->attr.key_size);
	shm_unlock(m);
	return shm_hash_index_valid(m, index) ? 0 : -ENOENT;
}

const struct map_ops shm_hash_map_ops = {
	.check_attr = shm_check_attr,
	.alloc = shm_alloc,
	.free = shm_free,
	.lookup = shm_hash_lookup,
	.update = shm_hash_update,
	.delete = shm_hash_delete,
	.lookup_copy = shm_hash_lookup_copy,
	.get_next_key = shm_hash_get_next_key,
	.lookup_and_delete_copy = shm_hash_lookup_and_delete_copy,
};

const struct shm_type shm_hash_type = {
	.type = EBPF_MAP_TYPE_HASH,
	.ops = &shm_hash_map_ops,
	.layout = shm_hash_layout,
	.init = shm_hash_init,
	.recover = shm_hash_recover,
};
