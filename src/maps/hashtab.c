// SPDX-License-Identifier: MIT
/*
 * Hash maps (Linux's hashtab.c): hash, per-CPU hash, LRU hash, LRU per-CPU hash, hash of maps:
 * one table with per-type behaviour selected at creation.
 *
 * Readers walk bucket chains without a lock: every link is published with a release store and
 * read with an acquire load, and an element is never modified after it is linked (except the
 * values of per-CPU maps, updated in place as on Linux). Writers take the map's mutex; replacing
 * a value links a new element in the old one's place, and removed elements are reclaimed after a
 * grace period (core_call_rcu), so a pointer returned by lookup stays valid until the reader
 * unlocks.
 *
 * Pre-allocated maps (the default) take elements from a pool made at creation; reclaimed
 * elements go back to it. Because an element only returns to the pool after a grace period, a
 * burst of replacements can momentarily outrun the pool: the map then allocates the extra
 * element rather than failing, so "full" means max_entries keys, exactly as Linux.
 *
 * LRU maps keep their elements on a list in insertion order; a program's lookup sets the
 * element's reference bit (the host's does not, as on Linux). When the map is full an insert
 * evicts the oldest element whose bit is clear, giving referenced ones a second chance.
 */
#include <pthread.h>
#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#include "maps/map_internal.h"

struct htab_pool;

/* A link of the LRU list (map lock held). */
struct htab_lru {
	struct htab_lru *prev, *next;
};

struct htab_elem {
	union {
		struct htab_lru lru;
		struct core_rcu_head rcu; /* used once the element has left the LRU list */
	};
	struct htab_pool *pool;			 /* NULL: malloc'ed on its own */
	const struct map_object_ops *object_ops; /* maps of maps: how to release object */
	void *object;
	/* What a lookup reads, kept beside the key so that a lookup touches one cache line. */
	_Atomic(struct htab_elem *) next;
	uint32_t hash;
	atomic_bool ref;	   /* LRU: looked up by a program since the last scan */
	alignas(8) uint8_t data[]; /* key, padded to 8, then the value area */
};

/* The pre-allocated elements; alive while the map or a pending reclamation holds it. */
struct htab_pool {
	atomic_uint refs;
	pthread_mutex_t lock;
	struct htab_elem *free_list;
	void *memory;
};

struct htab {
	struct ebpf_map map;
	_Atomic(struct htab_elem *) *buckets;
	uint32_t n_buckets; /* a power of two */
	uint32_t seed;
	uint32_t key_stride;   /* key_size rounded up to 8 */
	uint32_t value_stride; /* one value (one CPU's slot) rounded up to 8 */
	uint32_t ncpus;	       /* value slots per element: 1 or the possible CPUs */
	size_t elem_size;
	bool percpu, lru, objects;
	struct map_attr inner_tmpl; /* hash of maps */
	pthread_mutex_t lock;
	uint32_t count;		  /* under lock */
	struct htab_lru lru_head; /* sentinel: next is the newest, prev the oldest */
	struct htab_pool *pool;	  /* NULL with BPF_F_NO_PREALLOC */
};

#define HTAB_FLAGS                                                                                 \
	(MAP_F_NO_PREALLOC | MAP_F_NO_COMMON_LRU | MAP_F_NUMA_NODE | MAP_F_ACCESS_MASK |           \
	 MAP_F_ZERO_SEED | MAP_F_INNER_MAP)

static struct htab *to_htab(struct ebpf_map *map)
{
	return (struct htab *)map;
}

static bool type_is_lru(enum ebpf_map_type type)
{
	return type == EBPF_MAP_TYPE_LRU_HASH || type == EBPF_MAP_TYPE_LRU_PERCPU_HASH;
}

static bool type_is_percpu(enum ebpf_map_type type)
{
	return type == EBPF_MAP_TYPE_PERCPU_HASH || type == EBPF_MAP_TYPE_LRU_PERCPU_HASH;
}

/* ---- Hashing ----------------------------------------------------------------------------- */

static uint64_t hash_mix(uint64_t k)
{
	k *= 0x87c37b91114253d5ull;
	k = (k << 31) | (k >> 33);
	return k * 0x4cf5ad432745937full;
}

/*
 * The last len (< 8) bytes of a key as one word, built in a register: copying them to a stack
 * word and reading that back stalls store forwarding, which once cost half a lookup.
 */
static uint64_t load_tail(const uint8_t *p, uint32_t len)
{
	uint32_t w;
	uint64_t k = 0;

	if (len == 4) {
		memcpy(&w, p, 4);
		return w;
	}
	for (uint32_t i = 0; i < len; i++)
		k |= (uint64_t)p[i] << (8 * i);
	return k;
}

static uint32_t htab_hash(const struct htab *h, const void *key)
{
	const uint8_t *p = key;
	uint32_t len = h->map.attr.key_size;
	uint64_t acc = h->seed ^ (len * 0x9e3779b97f4a7c15ull);
	uint64_t k;

	for (; len >= 8; len -= 8, p += 8) {
		memcpy(&k, p, 8);
		acc = (acc ^ hash_mix(k)) * 0xff51afd7ed558ccdull;
	}
	acc ^= hash_mix(load_tail(p, len));
	acc ^= acc >> 33;
	acc *= 0xc4ceb9fe1a85ec53ull;
	acc ^= acc >> 33;
	return (uint32_t)(acc ^ (acc >> 32));
}

/* ---- Elements ---------------------------------------------------------------------------- */

static uint8_t *elem_value(const struct htab *h, struct htab_elem *e)
{
	return e->data + h->key_stride;
}

static void pool_put(struct htab_pool *pool)
{
	if (atomic_fetch_sub(&pool->refs, 1) != 1)
		return;
	pthread_mutex_destroy(&pool->lock);
	free(pool->memory);
	free(pool);
}

static struct htab_elem *elem_get(struct htab *h)
{
	struct htab_pool *pool = h->pool;
	struct htab_elem *e = NULL;

	if (pool) {
		pthread_mutex_lock(&pool->lock);
		e = pool->free_list;
		if (e)
			pool->free_list = atomic_load_explicit(&e->next, memory_order_relaxed);
		pthread_mutex_unlock(&pool->lock);
	}
	if (!e) {
		e = malloc(h->elem_size);
		if (!e)
			return NULL;
		e->pool = NULL;
	}
	atomic_init(&e->next, NULL);
	atomic_init(&e->ref, false);
	e->lru.prev = e->lru.next = NULL;
	e->object_ops = NULL;
	e->object = NULL;
	return e;
}

/* Gives an element back for good: its object reference, then its memory. */
static void elem_release(struct htab_elem *e)
{
	struct htab_pool *pool = e->pool;

	if (e->object_ops && e->object)
		e->object_ops->release(e->object);
	if (!pool) {
		free(e);
		return;
	}
	pthread_mutex_lock(&pool->lock);
	atomic_store_explicit(&e->next, pool->free_list, memory_order_relaxed);
	pool->free_list = e;
	pthread_mutex_unlock(&pool->lock);
}

static void elem_free_rcu(struct core_rcu_head *head)
{
	struct htab_elem *e = caa_container_of(head, struct htab_elem, rcu);
	struct htab_pool *pool;

	pool = e->pool;
	elem_release(e);
	if (pool)
		pool_put(pool);
}

/* Reclaims an unlinked element once every reader that may see it has left. */
static void elem_free_deferred(struct htab_elem *e)
{
	if (e->pool)
		atomic_fetch_add(&e->pool->refs, 1);
	core_call_rcu(&e->rcu, elem_free_rcu);
}

/* ---- LRU list (map lock held) ------------------------------------------------------------ */

static void lru_unlink(struct htab_elem *e)
{
	e->lru.prev->next = e->lru.next;
	e->lru.next->prev = e->lru.prev;
}

static void lru_push_newest(struct htab *h, struct htab_elem *e)
{
	e->lru.next = h->lru_head.next;
	e->lru.prev = &h->lru_head;
	h->lru_head.next->prev = &e->lru;
	h->lru_head.next = &e->lru;
}

static struct htab_elem *lru_oldest(struct htab *h)
{
	return caa_container_of(h->lru_head.prev, struct htab_elem, lru);
}

/* The oldest element not looked up since the last scan (second chance for the others). */
static struct htab_elem *lru_pick_victim(struct htab *h)
{
	struct htab_elem *e = lru_oldest(h);

	/* Bounded: after one pass every bit was cleared (readers may set some again). */
	for (uint32_t i = 0; i < 2 * h->count + 1; i++) {
		e = lru_oldest(h);
		if (!atomic_exchange_explicit(&e->ref, false, memory_order_relaxed))
			break;
		lru_unlink(e);
		lru_push_newest(h, e);
	}
	return e;
}

/* ---- Table ------------------------------------------------------------------------------- */

static _Atomic(struct htab_elem *) *htab_bucket(struct htab *h, uint32_t hash)
{
	return &h->buckets[hash & (h->n_buckets - 1)];
}

/* The common key sizes compared inline: memcmp of a variable size is a library call. */
static bool keys_equal(const void *a, const void *b, uint32_t size)
{
	uint32_t a4, b4;
	uint64_t a8, b8;

	switch (size) {
	case 4:
		memcpy(&a4, a, 4);
		memcpy(&b4, b, 4);
		return a4 == b4;
	case 8:
		memcpy(&a8, a, 8);
		memcpy(&b8, b, 8);
		return a8 == b8;
	default:
		return !memcmp(a, b, size);
	}
}

/* Lock-free: the element with this key, or NULL. */
static struct htab_elem *htab_find(struct htab *h, const void *key, uint32_t hash)
{
	struct htab_elem *e = atomic_load_explicit(htab_bucket(h, hash), memory_order_acquire);

	for (; e; e = atomic_load_explicit(&e->next, memory_order_acquire)) {
		if (e->hash == hash && keys_equal(e->data, key, h->map.attr.key_size))
			return e;
	}
	return NULL;
}

/* Map lock held: the link that points at the element with this key, or NULL. */
static _Atomic(struct htab_elem *) *htab_find_link(struct htab *h, const void *key, uint32_t hash)
{
	_Atomic(struct htab_elem *) *link = htab_bucket(h, hash);
	struct htab_elem *e;

	for (; (e = atomic_load_explicit(link, memory_order_relaxed)); link = &e->next) {
		if (e->hash == hash && !memcmp(e->data, key, h->map.attr.key_size))
			return link;
	}
	return NULL;
}

/* Map lock held: unlinks e (found through link) and schedules its reclamation. */
static void htab_remove(struct htab *h, _Atomic(struct htab_elem *) *link, struct htab_elem *e)
{
	atomic_store_explicit(link, atomic_load_explicit(&e->next, memory_order_relaxed),
			      memory_order_release);
	if (h->lru)
		lru_unlink(e);
	h->count--;
	elem_free_deferred(e);
}

static void htab_evict(struct htab *h)
{
	struct htab_elem *victim = lru_pick_victim(h);

	htab_remove(h, htab_find_link(h, victim->data, victim->hash), victim);
}

/* ---- Values ------------------------------------------------------------------------------ */

/* Where a value comes from: the program (one value) or the host (all slots, or an id). */
struct htab_value_src {
	const void *value;
	bool host;
	void *object; /* maps of maps: the object the host's id named, with a reference */
};

static void values_copy_in(struct htab *h, struct htab_elem *e, const struct htab_value_src *src,
			   bool fresh)
{
	uint32_t size = h->map.attr.value_size;
	uint8_t *v = elem_value(h, e);

	if (h->objects) {
		e->object = src->object;
		return;
	}
	if (!h->percpu) {
		map_value_init_copy(&h->map, v, src->value); /* a new element: its lock free */
		return;
	}
	if (src->host) {
		for (uint32_t cpu = 0; cpu < h->ncpus; cpu++)
			memcpy(v + (size_t)cpu * h->value_stride,
			       (const uint8_t *)src->value + (size_t)cpu * h->value_stride, size);
		return;
	}
	/* A program sets its CPU's slot; a new element starts with the other slots zeroed. */
	if (fresh)
		memset(v, 0, (size_t)h->value_stride * h->ncpus);
	memcpy(v + (size_t)map_cpu_slot(h->ncpus) * h->value_stride, src->value, size);
}

static void values_copy_out(struct htab *h, struct htab_elem *e, void *value)
{
	uint32_t size = h->map.attr.value_size;
	uint8_t *out = value;

	if (h->objects) {
		uint32_t id = e->object_ops ? e->object_ops->to_id(e->object) : 0;

		memcpy(value, &id, sizeof(id));
		return;
	}
	if (!h->percpu) {
		map_value_copy_out(&h->map, value, elem_value(h, e));
		return;
	}
	for (uint32_t cpu = 0; cpu < h->ncpus; cpu++) {
		memcpy(out, elem_value(h, e) + (size_t)cpu * h->value_stride, size);
		memset(out + size, 0, h->value_stride - size);
		out += h->value_stride;
	}
}

/* ---- Update ------------------------------------------------------------------------------ */

/* Map lock held: inserts or replaces, following Linux's order of checks. */
static int htab_update_locked(struct htab *h, const void *key, uint32_t hash,
			      const struct htab_value_src *src, uint64_t flags)
{
	_Atomic(struct htab_elem *) *link = htab_find_link(h, key, hash);
	struct htab_elem *old = link ? atomic_load_explicit(link, memory_order_relaxed) : NULL;
	struct htab_elem *e;

	if (old && flags == EBPF_NOEXIST)
		return -EEXIST;
	if (!old && flags == EBPF_EXIST)
		return -ENOENT;
	if (old && h->percpu) {
		values_copy_in(h, old, src, false); /* in place, as Linux */
		return 0;
	}
	if (!old && h->count >= h->map.attr.max_entries) {
		if (!h->lru)
			return -E2BIG;
		htab_evict(h);
		link = NULL; /* eviction may have changed the chain; the key is still absent */
	}
	e = elem_get(h);
	if (!e)
		return -ENOMEM;
	e->hash = hash;
	memcpy(e->data, key, h->map.attr.key_size);
	e->object_ops = h->objects ? h->map.object_ops : NULL;
	values_copy_in(h, e, src, true);
	if (old) {
		atomic_init(&e->next, atomic_load_explicit(&old->next, memory_order_relaxed));
		atomic_store_explicit(link, e, memory_order_release);
		if (h->lru)
			lru_unlink(old);
		elem_free_deferred(old);
	} else {
		link = htab_bucket(h, hash);
		atomic_init(&e->next, atomic_load_explicit(link, memory_order_relaxed));
		atomic_store_explicit(link, e, memory_order_release);
		h->count++;
	}
	if (h->lru)
		lru_push_newest(h, e);
	return 0;
}

static int htab_update_src(struct htab *h, const void *key, const struct htab_value_src *src,
			   uint64_t flags)
{
	uint32_t hash;
	int err;

	if (!map_update_flags_valid(flags))
		return -EINVAL;
	hash = htab_hash(h, key);
	pthread_mutex_lock(&h->lock);
	err = htab_update_locked(h, key, hash, src, flags);
	pthread_mutex_unlock(&h->lock);
	return err;
}

static int htab_update(struct ebpf_map *map, const void *key, const void *value, uint64_t flags)
{
	struct htab *h = to_htab(map);
	struct htab_value_src src = { .value = value };

	if (h->objects)
		return -EOPNOTSUPP; /* programs cannot store maps (the verifier refuses it) */
	return htab_update_src(h, key, &src, flags);
}

/* The host's update: all per-CPU slots, or an object id for maps of maps. */
static int htab_update_copy(struct ebpf_map *map, const void *key, const void *value,
			    uint64_t flags)
{
	struct htab *h = to_htab(map);
	struct htab_value_src src = { .value = value, .host = true };
	uint32_t id;
	int err;

	if (!h->objects)
		return h->percpu ? htab_update_src(h, key, &src, flags)
				 : htab_update(map, key, value, flags);
	if (!map->object_ops)
		return -EOPNOTSUPP;
	memcpy(&id, value, sizeof(id));
	src.object = map->object_ops->from_id(id, map->attr.type);
	if (!src.object)
		return -EBADF;
	if (!map_matches_template(src.object, &h->inner_tmpl)) {
		map->object_ops->release(src.object);
		return -EINVAL;
	}
	err = htab_update_src(h, key, &src, flags);
	if (err)
		map->object_ops->release(src.object);
	return err;
}

/* ---- Lookup, delete, iteration ----------------------------------------------------------- */

static void *htab_lookup(struct ebpf_map *map, const void *key)
{
	struct htab *h = to_htab(map);
	struct htab_elem *e = htab_find(h, key, htab_hash(h, key));

	if (!e)
		return NULL;
	/* Test first: a store on every lookup would bounce the cache line between CPUs. */
	if (h->lru && !atomic_load_explicit(&e->ref, memory_order_relaxed))
		atomic_store_explicit(&e->ref, true, memory_order_relaxed);
	if (h->objects)
		return e->object;
	if (h->percpu)
		return elem_value(h, e) + (size_t)map_cpu_slot(h->ncpus) * h->value_stride;
	return elem_value(h, e);
}

static int htab_lookup_copy(struct ebpf_map *map, const void *key, void *value)
{
	struct htab *h = to_htab(map);
	struct htab_elem *e;

	map_rcu_read_lock();
	e = htab_find(h, key, htab_hash(h, key));
	if (e)
		values_copy_out(h, e, value);
	map_rcu_read_unlock();
	return e ? 0 : -ENOENT;
}

static int htab_delete(struct ebpf_map *map, const void *key)
{
	struct htab *h = to_htab(map);
	uint32_t hash = htab_hash(h, key);
	_Atomic(struct htab_elem *) *link;
	int err = -ENOENT;

	pthread_mutex_lock(&h->lock);
	link = htab_find_link(h, key, hash);
	if (link) {
		htab_remove(h, link, atomic_load_explicit(link, memory_order_relaxed));
		err = 0;
	}
	pthread_mutex_unlock(&h->lock);
	return err;
}

static int htab_lookup_and_delete_copy(struct ebpf_map *map, const void *key, void *value)
{
	struct htab *h = to_htab(map);
	uint32_t hash = htab_hash(h, key);
	_Atomic(struct htab_elem *) *link;
	struct htab_elem *e;
	int err = -ENOENT;

	pthread_mutex_lock(&h->lock);
	link = htab_find_link(h, key, hash);
	if (link) {
		e = atomic_load_explicit(link, memory_order_relaxed);
		values_copy_out(h, e, value);
		htab_remove(h, link, e);
		err = 0;
	}
	pthread_mutex_unlock(&h->lock);
	return err;
}

/* Order: bucket by bucket, each chain from its head. A missing key restarts at the first. */
static int htab_get_next_key(struct ebpf_map *map, const void *key, void *next_key)
{
	struct htab *h = to_htab(map);
	struct htab_elem *e = NULL;
	uint32_t bucket = 0;

	map_rcu_read_lock();
	if (key) {
		uint32_t hash = htab_hash(h, key);
		struct htab_elem *cur = htab_find(h, key, hash);

		if (cur) {
			e = atomic_load_explicit(&cur->next, memory_order_acquire);
			bucket = (hash & (h->n_buckets - 1)) + 1;
		}
	}
	for (; !e && bucket < h->n_buckets; bucket++)
		e = atomic_load_explicit(&h->buckets[bucket], memory_order_acquire);
	if (e)
		memcpy(next_key, e->data, map->attr.key_size);
	map_rcu_read_unlock();
	return e ? 0 : -ENOENT;
}

/* ---- Creation ---------------------------------------------------------------------------- */

static int htab_check_sizes(const struct map_attr *attr, const char **why)
{
	bool percpu = type_is_percpu(attr->type);

	if (attr->key_size == 0) {
		*why = "key_size 0 is invalid for hash maps";
		return -EINVAL;
	}
	if (attr->value_size == 0) {
		*why = "value_size 0 is invalid for hash maps";
		return -EINVAL;
	}
	if (attr->key_size > MAP_KEY_SIZE_MAX) {
		*why = "key_size is larger than 512 bytes, the BPF stack keys live on";
		return -E2BIG;
	}
	if (percpu && map_round_up(attr->value_size, 8) > MAP_PERCPU_VALUE_MAX) {
		*why = "value_size is larger than 32768 bytes, the limit of per-CPU values";
		return -E2BIG;
	}
	if ((uint64_t)attr->key_size + attr->value_size >= MAP_VALUE_SIZE_MAX - 64) {
		*why = "key_size + value_size is larger than 4 MiB";
		return -E2BIG;
	}
	return 0;
}

static int htab_check_attr(const struct map_attr *attr, const char **why)
{
	bool lru = type_is_lru(attr->type);
	bool prealloc = !(attr->map_flags & MAP_F_NO_PREALLOC);
	int err;

	err = map_check_common(attr, HTAB_FLAGS, why);
	if (err)
		return err;
	if (!lru && (attr->map_flags & MAP_F_NO_COMMON_LRU)) {
		*why = "map_flags: BPF_F_NO_COMMON_LRU is only for LRU hash maps";
		return -EINVAL;
	}
	if (lru && !prealloc) {
		*why = "map_flags: LRU hash maps cannot have BPF_F_NO_PREALLOC";
		return -EOPNOTSUPP;
	}
	return htab_check_sizes(attr, why);
}

static int htab_of_maps_check_attr(const struct map_attr *attr, const char **why)
{
	struct map_attr tmpl;
	int err = htab_check_attr(attr, why);

	if (err)
		return err;
	if (attr->value_size != sizeof(uint32_t)) {
		*why = "value_size must be 4 (an inner map id) for hash of maps";
		return -EINVAL;
	}
	return map_copy_template(attr, &tmpl, why);
}

static uint32_t roundup_pow2(uint32_t n)
{
	uint32_t p = 1;

	while (p < n && p < (1u << 31))
		p <<= 1;
	return p;
}

static int htab_pool_create(struct htab *h)
{
	uint32_t n = h->map.attr.max_entries;
	struct htab_pool *pool = calloc(1, sizeof(*pool));
	uint8_t *memory;

	if (!pool)
		return -ENOMEM;
	memory = calloc(n, h->elem_size);
	if (!memory) {
		free(pool);
		return -ENOMEM;
	}
	atomic_init(&pool->refs, 1);
	pthread_mutex_init(&pool->lock, NULL);
	pool->memory = memory;
	for (uint32_t i = n; i-- > 0;) {
		struct htab_elem *e = (struct htab_elem *)(memory + (size_t)i * h->elem_size);

		e->pool = pool;
		atomic_init(&e->next, pool->free_list);
		pool->free_list = e;
	}
	h->pool = pool;
	return 0;
}

static void htab_init_layout(struct htab *h, const struct map_attr *attr)
{
	enum ebpf_map_type type = attr->type;

	h->percpu = type_is_percpu(type);
	h->lru = type_is_lru(type);
	h->objects = type == EBPF_MAP_TYPE_HASH_OF_MAPS;
	h->ncpus = h->percpu ? map_possible_cpus() : 1;
	h->key_stride = (uint32_t)map_round_up(attr->key_size, 8);
	h->value_stride = h->objects ? 0 : (uint32_t)map_round_up(attr->value_size, 8);
	h->elem_size =
	    sizeof(struct htab_elem) + h->key_stride + (size_t)h->value_stride * h->ncpus;
	h->n_buckets = roundup_pow2(attr->max_entries);
	/* Any value will do: chains stay short for keys a program does not choose adversarially. */
	h->seed = (attr->map_flags & MAP_F_ZERO_SEED) ? 0 : (uint32_t)(uintptr_t)h * 2654435761u;
	h->lru_head.next = h->lru_head.prev = &h->lru_head;
}

static int htab_alloc(const struct map_attr *attr, struct ebpf_map **map, const char **why)
{
	struct htab *h = calloc(1, sizeof(*h));
	int err = -ENOMEM;

	if (!h)
		return -ENOMEM;
	htab_init_layout(h, attr);
	h->map.attr = *attr;
	if (h->objects) {
		err = map_copy_template(attr, &h->inner_tmpl, why);
		if (err)
			goto err_free;
		err = -ENOMEM;
	}
	h->buckets = calloc(h->n_buckets, sizeof(*h->buckets));
	if (!h->buckets)
		goto err_free;
	if (!(attr->map_flags & MAP_F_NO_PREALLOC) && htab_pool_create(h))
		goto err_free;
	pthread_mutex_init(&h->lock, NULL);
	*map = &h->map;
	return 0;

err_free:
	free(h->buckets);
	free(h);
	return err;
}

/* No reader can reach the map any more: elements still linked are released now. */
static void htab_free(struct ebpf_map *map)
{
	struct htab *h = to_htab(map);

	for (uint32_t b = 0; b < h->n_buckets; b++) {
		struct htab_elem *e = atomic_load_explicit(&h->buckets[b], memory_order_relaxed);

		while (e) {
			struct htab_elem *next =
			    atomic_load_explicit(&e->next, memory_order_relaxed);

			if (e->object_ops && e->object)
				e->object_ops->release(e->object);
			if (!e->pool)
				free(e);
			e = next;
		}
	}
	if (h->pool)
		pool_put(h->pool);
	pthread_mutex_destroy(&h->lock);
	free(h->buckets);
	free(h);
}

#define HTAB_COMMON_OPS                                                                            \
	.alloc = htab_alloc, .free = htab_free, .lookup = htab_lookup, .update = htab_update,      \
	.delete = htab_delete, .lookup_copy = htab_lookup_copy, .update_copy = htab_update_copy,   \
	.get_next_key = htab_get_next_key, .lookup_and_delete_copy = htab_lookup_and_delete_copy

const struct map_ops htab_map_ops = { .check_attr = htab_check_attr, HTAB_COMMON_OPS };
const struct map_ops percpu_htab_map_ops = { .check_attr = htab_check_attr, HTAB_COMMON_OPS };
const struct map_ops lru_htab_map_ops = { .check_attr = htab_check_attr, HTAB_COMMON_OPS };
const struct map_ops lru_percpu_htab_map_ops = { .check_attr = htab_check_attr, HTAB_COMMON_OPS };
const struct map_ops htab_of_maps_map_ops = { .check_attr = htab_of_maps_check_attr,
					      HTAB_COMMON_OPS };
