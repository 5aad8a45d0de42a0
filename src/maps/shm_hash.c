// SPDX-License-Identifier: MIT
/*
 * Shared hash maps: hash, per-CPU hash, LRU hash, LRU per-CPU hash and (keyed by masked
 * prefixes) LPM trie maps in a pin file, with the private maps' semantics (update flags, "full"
 * meaning max_entries keys, replacing a key always works, get_next_key bucket by bucket) and
 * nothing but indices inside the file.
 *
 * Layout: a header, n_buckets u32 chain heads, pool_count elements (index i at i - 1; 0 ends a
 * chain), a ring of the free element indices and, for some types, an extra area (per-CPU: the
 * journal of one element's values; LPM: how many keys each prefix length has). The pool has
 * spares beyond max_entries, so a replacement always finds an element, and the ring hands freed
 * elements out last, so a program holding a value's address (its lookup's result) sees it
 * reused as late as possible. The memory stays mapped as long as the map is, so such an
 * address never dangles.
 *
 * Readers take no lock: chains are published with release stores and followed with acquire
 * loads, for at most pool_count steps (a corrupt or changing chain cannot hang them). Each
 * element has a generation, odd while it is being written and changed when it is freed; the
 * host's lookup copies a value and retries when the generation moved, so it never returns a mix.
 *
 * Writers take the robust lock. Every change a reader could see is one store of a link: an
 * element is written completely before it is linked, replaced by linking its successor in its
 * place, deleted by linking past it. So a writer killed at any instruction leaves every chain
 * whole; what it may leave behind is an element taken from the ring but never linked, a stale
 * count or stale per-length counts, and recovery (the next locker's) rebuilds them from the
 * chains. Per-CPU values are updated in place, as on Linux (a program's counter in one slot
 * keeps counting while the host writes another): the element's values go to the journal first,
 * and recovery puts them back when their writer died in the middle.
 *
 * LRU maps evict with a clock (second chance): a program's lookup sets the element's reference
 * bit, and an insert into a full map moves the clock hand over the pool, clearing set bits,
 * until it finds a live element whose bit is clear. At most two turns: the first clears every
 * bit. New elements start clear (as the private map's): one a program uses in the hand's next
 * turn stays, one nobody used goes.
 *
 * LPM tries are hash maps of their prefixes, each stored masked to its length (and, beside
 * it, as its writer gave it: iteration returns that, as Linux's trie does); a lookup probes the
 * lengths that have keys, from the longest the lookup key allows down to 0. Lock-free, and
 * bounded by the key's bits (33 probes at most for IPv4).
 */
#include <string.h>

#include "maps/shm.h"

/* The elements are seqlocks, which need fences; GCC's ThreadSanitizer does not model fences and
 * warns about each (-Wtsan). The fences stay: under TSan they are only unchecked. */
#if defined(__SANITIZE_THREAD__)
#pragma GCC diagnostic ignored "-Wtsan"
#endif

/* Linux's LPM key: u32 prefixlen, then up to 256 bytes of data. */
#define SHM_LPM_KEY_MAX (4 + 256)

struct shm_elem {
	_Atomic uint32_t next;
	_Atomic uint32_t gen;
	_Atomic uint32_t hash;
	_Atomic uint8_t ref; /* LRU: looked up by a program since the clock last passed */
	uint8_t live;	     /* in a chain (writers' lock; recovery recomputes it) */
	uint16_t pad;
	/* key, 8-aligned (LPM: masked, then as given), then the value (per-CPU: one 8-aligned slot
	 * a CPU) */
	uint8_t data[];
};

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
	return e->data + m->key_stride;
}

/* The values an element holds: one, or one slot per CPU. */
static size_t shm_hash_values_size(const struct shm_map *m)
{
	return (size_t)m->ncpus * m->value_stride;
}

/* LPM: the key as its writer gave it (data past the prefix included). */
static uint8_t *shm_lpm_given(struct shm_map *m, struct shm_elem *e)
{
	return e->data + m->key_stride / 2;
}

/* LPM: the keys each prefix length has (0 .. 8 * data bytes). */
static _Atomic uint32_t *shm_lpm_counts(struct shm_map *m)
{
	return (_Atomic uint32_t *)(m->base + m->extra_off);
}

static uint32_t shm_lpm_max_prefixlen(const struct shm_map *m)
{
	return (m->map.attr.key_size - 4) * 8;
}

static uint32_t shm_hash_pow2(uint32_t n)
{
	uint32_t p = 1;

	while (p < n && p < (1u << 31))
		p <<= 1;
	return p;
}

static bool shm_type_percpu(enum ebpf_map_type type)
{
	return type == EBPF_MAP_TYPE_PERCPU_HASH || type == EBPF_MAP_TYPE_LRU_PERCPU_HASH;
}

static uint64_t shm_hash_layout(const struct map_attr *attr, struct shm_map *m)
{
	uint32_t spares = attr->max_entries / 4 + 8;
	uint64_t end;

	if (attr->max_entries > UINT32_MAX - spares)
		return 0;
	m->ncpus = shm_type_percpu(attr->type) ? map_possible_cpus() : 1;
	m->lru =
	    attr->type == EBPF_MAP_TYPE_LRU_HASH || attr->type == EBPF_MAP_TYPE_LRU_PERCPU_HASH;
	m->lpm = attr->type == EBPF_MAP_TYPE_LPM_TRIE;
	m->key_stride = (uint32_t)map_round_up(attr->key_size, 8) * (m->lpm ? 2 : 1);
	m->value_stride = map_percpu_slot_size(attr->value_size);
	m->pool_count = attr->max_entries + spares;
	m->n_buckets = shm_hash_pow2(attr->max_entries);
	m->elem_size = (uint32_t)(sizeof(struct shm_elem) + m->key_stride +
				  (uint64_t)m->ncpus * m->value_stride);
	m->data_off = map_round_up(sizeof(struct shm_header), 64);
	m->aux_off = map_round_up(m->data_off + (uint64_t)m->n_buckets * 4, 64);
	m->ring_off = map_round_up(m->aux_off + (uint64_t)m->pool_count * m->elem_size, 64);
	end = m->ring_off + (uint64_t)m->pool_count * 4;
	m->extra_off = 0;
	m->slots_off = 0;
	if (m->ncpus > 1) {
		m->extra_off = map_round_up(end, 64);
		end = m->extra_off + shm_hash_values_size(m);
	} else if (m->lpm) {
		m->extra_off = map_round_up(end, 64);
		end = m->extra_off + ((uint64_t)(attr->key_size - 4) * 8 + 1) * 4;
	}
	return shm_type_percpu(attr->type) ? shm_slot_layout(m, end) : end;
}

/* ---- Chains -------------------------------------------------------------------------------- */

static uint32_t shm_hash_of(const struct shm_map *m, const void *key)
{
	return map_hash_key(m->seed, key, m->map.attr.key_size);
}

static bool shm_hash_index_valid(const struct shm_map *m, uint32_t index)
{
	return index - 1 < m->pool_count; /* 0 wraps around */
}

/*
 * The lookup path, as the private map's walk: no lock, acquire loads, at most pool_count
 * steps (a corrupt or changing chain costs a bounded walk).
 */
static inline __attribute__((always_inline)) struct shm_elem *
shm_hash_find_sized(struct shm_map *m, const void *key, uint32_t hash, uint32_t key_size)
{
	uint32_t index = atomic_load_explicit(shm_hash_bucket(m, hash), memory_order_acquire);

	for (uint32_t steps = m->pool_count; shm_hash_index_valid(m, index) && steps; steps--) {
		struct shm_elem *e = shm_hash_elem(m, index);

		if (atomic_load_explicit(&e->hash, memory_order_relaxed) == hash &&
		    map_keys_equal(e->data, key, key_size))
			return e;
		index = atomic_load_explicit(&e->next, memory_order_acquire);
	}
	return NULL;
}

static struct shm_elem *shm_hash_find(struct shm_map *m, const void *key, uint32_t hash)
{
	return shm_hash_find_sized(m, key, hash, m->map.attr.key_size);
}

/*
 * Hash and walk in one, specialised for the common key sizes as the private map's lookup is:
 * with a constant size the hash is a few multiplies and the compare one instruction.
 */
static struct shm_elem *shm_hash_find_fast(struct shm_map *m, const void *key)
{
	switch (m->map.attr.key_size) {
	case 2:
		return shm_hash_find_sized(m, key, map_hash_key(m->seed, key, 2), 2);
	case 4:
		return shm_hash_find_sized(m, key, map_hash_key(m->seed, key, 4), 4);
	case 8:
		return shm_hash_find_sized(m, key, map_hash_key(m->seed, key, 8), 8);
	default:
		return shm_hash_find(m, key, shm_hash_of(m, key));
	}
}

/*
 * Writers' lock held: the link (bucket head or an element's next) holding the key's element,
 * or NULL; *found is the element's index.
 */
static _Atomic uint32_t *shm_hash_find_link(struct shm_map *m, const void *key, uint32_t hash,
					    uint32_t *found)
{
	_Atomic uint32_t *link = shm_hash_bucket(m, hash);
	uint32_t key_size = m->map.attr.key_size;

	for (uint32_t steps = 0; steps < m->pool_count; steps++) {
		uint32_t index = atomic_load_explicit(link, memory_order_relaxed);
		struct shm_elem *e;

		if (!shm_hash_index_valid(m, index))
			return NULL;
		e = shm_hash_elem(m, index);
		if (atomic_load_explicit(&e->hash, memory_order_relaxed) == hash &&
		    map_keys_equal(e->data, key, key_size)) {
			*found = index;
			return link;
		}
		link = &e->next;
	}
	return NULL;
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

static uint32_t shm_lpm_prefixlen(const void *key)
{
	uint32_t plen;

	memcpy(&plen, key, sizeof(plen));
	return plen;
}

/* Per-CPU: puts back the values of the element whose in-place update its writer left. */
static void shm_hash_undo_journal(struct shm_map *m)
{
	struct shm_header *h = m->hdr;

	if (m->ncpus > 1 &&
	    atomic_load_explicit((_Atomic uint32_t *)&h->journal_on, memory_order_acquire) &&
	    shm_hash_index_valid(m, h->journal_index))
		memcpy(shm_hash_value(m, shm_hash_elem(m, h->journal_index)),
		       m->base + m->extra_off, shm_hash_values_size(m));
	atomic_store_explicit((_Atomic uint32_t *)&h->journal_on, 0, memory_order_release);
}

/*
 * The lock came from a dead writer. The chains are whole (see the top of the file); the ring,
 * the count and the LPM counts may not be, and a per-CPU value may be half written. Undo the
 * journal, count what the chains reach, marking it in the ring (free again afterwards), then
 * refill the ring with every element no chain reaches.
 */
static void shm_hash_recover(struct shm_map *m)
{
	uint32_t *ring = shm_hash_ring(m);
	uint32_t count = 0, n_free = 0;

	shm_hash_undo_journal(m);
	memset(ring, 0, (size_t)m->pool_count * sizeof(*ring));
	if (m->lpm)
		memset(m->base + m->extra_off, 0,
		       (shm_lpm_max_prefixlen(m) + 1) * sizeof(uint32_t));
	for (uint32_t b = 0; b < m->n_buckets; b++) {
		_Atomic uint32_t *link = (_Atomic uint32_t *)m->data + b;
		uint32_t index;

		while ((index = atomic_load_explicit(link, memory_order_relaxed))) {
			struct shm_elem *e;

			if (!shm_hash_index_valid(m, index) || ring[index - 1]) {
				atomic_store_explicit(link, 0, memory_order_release);
				break; /* corrupt: cut the chain rather than loop or share */
			}
			ring[index - 1] = 1;
			count++;
			e = shm_hash_elem(m, index);
			e->live = 1;
			/* Its in-place writer died (values put back above): readers may copy again.
			 */
			if (atomic_load_explicit(&e->gen, memory_order_relaxed) & 1)
				atomic_fetch_add_explicit(&e->gen, 1, memory_order_release);
			if (m->lpm && shm_lpm_prefixlen(e->data) <= shm_lpm_max_prefixlen(m))
				shm_lpm_counts(m)[shm_lpm_prefixlen(e->data)]++;
			link = &e->next;
		}
	}
	/* In place: position n_free was read before it is written (n_free < i). */
	for (uint32_t i = 1; i <= m->pool_count; i++) {
		struct shm_elem *e;

		if (ring[i - 1])
			continue;
		e = shm_hash_elem(m, i);
		e->live = 0;
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

/*
 * What an update writes: the host's per-CPU value holds every CPU's slot; a program's is its
 * CPU's (a new element's other slots are zero, as on Linux).
 */
struct shm_value_src {
	const void *value;
	bool all_cpus;
	uint32_t cpu;	       /* a program's: its run's slot, claimed before the lock */
	const void *given_key; /* LPM: the key unmasked */
};

static void shm_hash_write_values(struct shm_map *m, uint8_t *v, const struct shm_value_src *src,
				  bool fresh)
{
	uint32_t value_size = m->map.attr.value_size;
	uint32_t cpu;

	if (m->ncpus == 1 || src->all_cpus) {
		for (uint32_t c = 0; c < m->ncpus; c++) {
			uint8_t *slot = v + (size_t)c * m->value_stride;

			memcpy(slot, (const uint8_t *)src->value + (size_t)c * m->value_stride,
			       value_size);
			memset(slot + value_size, 0, m->value_stride - value_size);
		}
		return;
	}
	cpu = src->cpu;
	if (fresh)
		memset(v, 0, shm_hash_values_size(m));
	memcpy(v + (size_t)cpu * m->value_stride, src->value, value_size);
}

static void shm_hash_fill(struct shm_map *m, struct shm_elem *e, const void *key, uint32_t hash,
			  const struct shm_value_src *src)
{
	atomic_fetch_add_explicit(&e->gen, 1, memory_order_relaxed); /* odd: being written */
	atomic_thread_fence(memory_order_release);
	atomic_store_explicit(&e->hash, hash, memory_order_relaxed);
	memcpy(e->data, key, m->map.attr.key_size);
	if (src->given_key)
		memcpy(shm_lpm_given(m, e), src->given_key, m->map.attr.key_size);
	shm_hash_write_values(m, shm_hash_value(m, e), src, true);
	atomic_store_explicit(&e->ref, 0, memory_order_relaxed);
	atomic_fetch_add_explicit(&e->gen, 1, memory_order_release); /* even: complete */
}

/* Per-CPU: a key's values change in place, journaled (a killed writer's are put back). */
static void shm_hash_write_in_place(struct shm_map *m, uint32_t index,
				    const struct shm_value_src *src)
{
	_Atomic uint32_t *journal_on = (_Atomic uint32_t *)&m->hdr->journal_on;
	struct shm_elem *e = shm_hash_elem(m, index);
	uint8_t *v = shm_hash_value(m, e);

	memcpy(m->base + m->extra_off, v, shm_hash_values_size(m));
	m->hdr->journal_index = index;
	atomic_store_explicit(journal_on, 1, memory_order_release);
	atomic_fetch_add_explicit(&e->gen, 1, memory_order_relaxed);
	atomic_thread_fence(memory_order_release);
	shm_hash_write_values(m, v, src, false);
	atomic_fetch_add_explicit(&e->gen, 1, memory_order_release);
	atomic_store_explicit(journal_on, 0, memory_order_release);
}

static void shm_lpm_count(struct shm_map *m, const void *key, int delta)
{
	uint32_t plen;

	/* Only an LPM key starts with a prefix length: a hash key may be shorter than one. */
	if (!m->lpm)
		return;
	plen = shm_lpm_prefixlen(key);
	if (plen <= shm_lpm_max_prefixlen(m))
		atomic_fetch_add_explicit(&shm_lpm_counts(m)[plen], (uint32_t)delta,
					  memory_order_release);
}

/* Unlinks the element at index from the link that holds it. */
static void shm_hash_unlink(struct shm_map *m, _Atomic uint32_t *link, uint32_t index)
{
	struct shm_elem *e = shm_hash_elem(m, index);

	atomic_store_explicit(link, atomic_load_explicit(&e->next, memory_order_relaxed),
			      memory_order_release);
	e->live = 0;
	if (m->hdr->count)
		m->hdr->count--;
	/* After the unlink: a reader probing a length that still counts it finds nothing. */
	shm_lpm_count(m, e->data, -1);
	shm_hash_give(m, index);
}

/* LRU: the clock's victim, unlinked; false only when the pool holds no live element. */
static bool shm_hash_evict(struct shm_map *m)
{
	struct shm_header *h = m->hdr;

	for (uint32_t steps = 0; steps < 2 * m->pool_count; steps++) {
		uint32_t index = h->clock % m->pool_count + 1;
		struct shm_elem *e = shm_hash_elem(m, index);
		_Atomic uint32_t *link;
		uint32_t found = 0;

		h->clock = index;
		if (!e->live)
			continue;
		if (atomic_load_explicit(&e->ref, memory_order_relaxed)) {
			atomic_store_explicit(&e->ref, 0, memory_order_relaxed);
			continue;
		}
		link = shm_hash_find_link(
		    m, e->data, atomic_load_explicit(&e->hash, memory_order_relaxed), &found);
		if (!link || found != index) {
			e->live = 0; /* not in its chain: only a corrupt file */
			continue;
		}
		shm_hash_unlink(m, link, index);
		return true;
	}
	return false;
}

/* Room for a new key: a full LRU map evicts, a full LPM trie is -ENOSPC as Linux's. */
static int shm_hash_make_room(struct shm_map *m)
{
	if (m->hdr->count < m->map.attr.max_entries)
		return 0;
	if (m->lru && shm_hash_evict(m))
		return 0;
	return m->lpm ? -ENOSPC : -E2BIG;
}

static int shm_hash_update_locked(struct shm_map *m, const void *key,
				  const struct shm_value_src *src, uint64_t flags)
{
	uint32_t hash = shm_hash_of(m, key);
	uint32_t old = 0, index;
	_Atomic uint32_t *link = shm_hash_find_link(m, key, hash, &old);
	struct shm_elem *e;
	int err;

	if (old && flags == EBPF_NOEXIST)
		return -EEXIST;
	if (!old && flags == EBPF_EXIST)
		return -ENOENT;
	if (old && m->ncpus > 1) {
		shm_hash_write_in_place(m, old, src);
		return 0;
	}
	if (!old && (err = shm_hash_make_room(m)))
		return err;
	index = shm_hash_take(m);
	if (!index)
		return -ENOMEM; /* only a corrupt ring: the spares cover every replacement */
	e = shm_hash_elem(m, index);
	shm_hash_fill(m, e, key, hash, src);
	e->live = 1;
	if (old) {
		atomic_store_explicit(
		    &e->next,
		    atomic_load_explicit(&shm_hash_elem(m, old)->next, memory_order_relaxed),
		    memory_order_relaxed);
		atomic_store_explicit(link, index, memory_order_release);
		shm_hash_elem(m, old)->live = 0;
		shm_hash_give(m, old);
		return 0;
	}
	/* Before the link: a reader finding the key always probes its length. */
	shm_lpm_count(m, key, 1);
	link = shm_hash_bucket(m, hash);
	atomic_store_explicit(&e->next, atomic_load_explicit(link, memory_order_relaxed),
			      memory_order_relaxed);
	atomic_store_explicit(link, index, memory_order_release);
	m->hdr->count++;
	return 0;
}

static int shm_hash_update_src(struct shm_map *m, const void *key, const struct shm_value_src *src,
			       uint64_t flags)
{
	int err;

	if (!map_update_flags_valid(flags))
		return -EINVAL;
	err = shm_lock(m);
	if (err)
		return err;
	err = shm_hash_update_locked(m, key, src, flags);
	shm_unlock(m);
	return err;
}

static int shm_hash_update(struct ebpf_map *map, const void *key, const void *value, uint64_t flags)
{
	struct shm_map *m = to_shm(map);
	/* Claimed before the writers' lock: a claim may wait for runs that wait for the lock. */
	struct shm_value_src src = { .value = value, .cpu = m->slots_off ? shm_cpu_slot(m) : 0 };

	if (src.cpu == CORE_RUN_NO_SLOT)
		return -EBUSY;
	return shm_hash_update_src(m, key, &src, flags);
}

/* The host's update of a per-CPU hash: every CPU's slot. */
static int shm_hash_update_copy(struct ebpf_map *map, const void *key, const void *value,
				uint64_t flags)
{
	struct shm_value_src src = { .value = value, .all_cpus = true };

	return shm_hash_update_src(to_shm(map), key, &src, flags);
}

/* Unlinks the key's element; copies its values out first when value is not NULL. */
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
		memcpy(value, shm_hash_value(m, shm_hash_elem(m, index)),
		       m->ncpus > 1 ? shm_hash_values_size(m) : m->map.attr.value_size);
	shm_hash_unlink(m, link, index);
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
	struct shm_elem *e = shm_hash_find_fast(m, key);

	return e ? shm_hash_value(m, e) : NULL;
}

/* A program's lookup in an LRU map marks the element used (the host's does not, as Linux). */
static struct shm_elem *shm_hash_touch(struct shm_map *m, struct shm_elem *e)
{
	/* Test first: a store on every lookup would bounce the cache line between CPUs. */
	if (e && m->lru && !atomic_load_explicit(&e->ref, memory_order_relaxed))
		atomic_store_explicit(&e->ref, 1, memory_order_relaxed);
	return e;
}

/* Per-CPU and LRU maps: the calling CPU's slot, the element marked used. */
static void *shm_hash_lookup_slot(struct ebpf_map *map, const void *key)
{
	struct shm_map *m = to_shm(map);
	struct shm_elem *e = shm_hash_touch(m, shm_hash_find_fast(m, key));
	uint32_t cpu;

	if (!e)
		return NULL;
	cpu = m->slots_off ? shm_cpu_slot(m) : 0;
	return cpu == CORE_RUN_NO_SLOT ? NULL
				       : shm_hash_value(m, e) + (size_t)cpu * m->value_stride;
}

/*
 * The values of e as one update left them: copied between two equal, even generations, with
 * e still holding `key` (it may have been freed and refilled since it matched). -EAGAIN: look
 * again.
 */
static int shm_hash_copy_out(struct shm_map *m, struct shm_elem *e, const void *key, void *value)
{
	uint32_t gen = atomic_load_explicit(&e->gen, memory_order_acquire);

	if (gen & 1)
		return -EAGAIN;
	if (!map_keys_equal(e->data, key, m->map.attr.key_size))
		return -EAGAIN;
	if (m->ncpus > 1)
		memcpy(value, shm_hash_value(m, e), shm_hash_values_size(m));
	else
		map_copy_value(value, shm_hash_value(m, e), m->map.attr.value_size);
	atomic_thread_fence(memory_order_acquire);
	return atomic_load_explicit(&e->gen, memory_order_relaxed) == gen ? 0 : -EAGAIN;
}

/* How often a host lookup copies again before it waits for the writers' lock. */
#define SHM_COPY_TRIES 64

/* Finds the element a host lookup copies; probe receives the key it matched when not key. */
typedef struct shm_elem *(*shm_find_fn)(struct shm_map *m, const void *key, uint8_t *probe);

/*
 * Lock-free, unless the element keeps changing under the copy: a writer preempted, stopped or
 * killed in the middle of an in-place update. Then under the lock, which waits for the writer or
 * repairs what the dead one left, so a reader never spins forever.
 */
static inline __attribute__((always_inline)) int
shm_hash_copy_value(struct shm_map *m, const void *key, void *value, shm_find_fn find)
{
	uint8_t probe[SHM_LPM_KEY_MAX];
	const void *matched = m->lpm ? probe : key;
	struct shm_elem *e;
	int err;

	for (int tries = 0; tries < SHM_COPY_TRIES; tries++) {
		e = find(m, key, probe);
		if (!e)
			return -ENOENT;
		err = shm_hash_copy_out(m, e, matched, value);
		if (err != -EAGAIN)
			return err;
	}
	err = shm_lock(m);
	if (err)
		return err;
	e = find(m, key, probe);
	if (e)
		memcpy(value, shm_hash_value(m, e),
		       m->ncpus > 1 ? shm_hash_values_size(m) : m->map.attr.value_size);
	shm_unlock(m);
	return e ? 0 : -ENOENT;
}

static struct shm_elem *shm_hash_find_key(struct shm_map *m, const void *key, uint8_t *probe)
{
	(void)probe; /* the key itself is what matches */
	return shm_hash_find_fast(m, key);
}

static int shm_hash_lookup_copy(struct ebpf_map *map, const void *key, void *value)
{
	return shm_hash_copy_value(to_shm(map), key, value, shm_hash_find_key);
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
		index = atomic_load_explicit((_Atomic uint32_t *)m->data + bucket,
					     memory_order_relaxed);
	if (shm_hash_index_valid(m, index))
		memcpy(next_key, shm_hash_elem(m, index)->data, map->attr.key_size);
	shm_unlock(m);
	return shm_hash_index_valid(m, index) ? 0 : -ENOENT;
}

/* ---- LPM tries ------------------------------------------------------------------------------ */

/* Clears the data bits past prefixlen and sets the key's prefixlen to it. */
static void shm_lpm_mask(uint8_t *key, uint32_t data_size, uint32_t prefixlen)
{
	uint32_t full = prefixlen / 8;

	memcpy(key, &prefixlen, sizeof(prefixlen));
	if (full >= data_size)
		return;
	key[4 + full] &= (uint8_t)(0xff00u >> (prefixlen % 8));
	memset(key + 4 + full + 1, 0, data_size - full - 1);
}

/* The element of the longest stored prefix matching key; probe receives its (masked) key. */
static struct shm_elem *shm_lpm_find(struct shm_map *m, const void *key, uint8_t *probe)
{
	uint32_t key_size = m->map.attr.key_size;
	uint32_t plen = shm_lpm_prefixlen(key);

	if (plen > shm_lpm_max_prefixlen(m))
		plen = shm_lpm_max_prefixlen(m);
	memcpy(probe, key, key_size);
	for (uint32_t len = plen + 1; len-- > 0;) {
		struct shm_elem *e;

		if (!atomic_load_explicit(&shm_lpm_counts(m)[len], memory_order_acquire))
			continue;
		shm_lpm_mask(probe, key_size - 4, len);
		e = shm_hash_find(m, probe, shm_hash_of(m, probe));
		if (e)
			return e;
	}
	return NULL;
}

static void *shm_lpm_lookup(struct ebpf_map *map, const void *key)
{
	struct shm_map *m = to_shm(map);
	uint8_t probe[SHM_LPM_KEY_MAX];
	struct shm_elem *e = shm_lpm_find(m, key, probe);

	return e ? shm_hash_value(m, e) : NULL;
}

static int shm_lpm_lookup_copy(struct ebpf_map *map, const void *key, void *value)
{
	return shm_hash_copy_value(to_shm(map), key, value, shm_lpm_find);
}

/* The key as stored: masked to its prefix length, which must fit the data. */
static int shm_lpm_key(struct shm_map *m, const void *key, uint8_t *stored)
{
	uint32_t plen = shm_lpm_prefixlen(key);

	if (plen > shm_lpm_max_prefixlen(m))
		return -EINVAL;
	memcpy(stored, key, m->map.attr.key_size);
	shm_lpm_mask(stored, m->map.attr.key_size - 4, plen);
	return 0;
}

static int shm_lpm_update(struct ebpf_map *map, const void *key, const void *value, uint64_t flags)
{
	struct shm_map *m = to_shm(map);
	struct shm_value_src src = { .value = value, .given_key = key };
	uint8_t stored[SHM_LPM_KEY_MAX];
	int err = shm_lpm_key(m, key, stored);

	return err ? err : shm_hash_update_src(m, stored, &src, flags);
}

static int shm_lpm_delete(struct ebpf_map *map, const void *key)
{
	struct shm_map *m = to_shm(map);
	uint8_t stored[SHM_LPM_KEY_MAX];
	int err = shm_lpm_key(m, key, stored);

	return err ? err : shm_hash_remove(m, stored, NULL);
}

/*
 * The private trie's order, Linux's postorder: by the bits both prefixes have (a 0 bit first),
 * then the longer prefix first (a subtree before its node). Keys are masked, data in network
 * order.
 */
static int shm_lpm_cmp(const uint8_t *a, const uint8_t *b)
{
	uint32_t pa = shm_lpm_prefixlen(a), pb = shm_lpm_prefixlen(b);
	uint32_t n = pa < pb ? pa : pb, full = n / 8;
	int c = memcmp(a + 4, b + 4, full);

	if (c)
		return c;
	if (n % 8) {
		uint8_t mask = (uint8_t)(0xff00u >> (n % 8));
		uint8_t x = a[4 + full] & mask, y = b[4 + full] & mask;

		if (x != y)
			return x < y ? -1 : 1;
	}
	return pa > pb ? -1 : pa < pb;
}

/*
 * The first stored key after key in postorder (a missing key, as none, starts at the first).
 * A scan of the pool under the writers' lock: iteration is the host's, and bounded.
 */
static int shm_lpm_get_next_key(struct ebpf_map *map, const void *key, void *next_key)
{
	struct shm_map *m = to_shm(map);
	uint8_t stored[SHM_LPM_KEY_MAX];
	const uint8_t *after = NULL;
	struct shm_elem *best = NULL;
	int err;

	if (key && !shm_lpm_key(m, key, stored) && shm_hash_find(m, stored, shm_hash_of(m, stored)))
		after = stored;
	err = shm_lock(m);
	if (err)
		return err;
	for (uint32_t i = 1; i <= m->pool_count; i++) {
		struct shm_elem *e = shm_hash_elem(m, i);

		if (!e->live || shm_lpm_prefixlen(e->data) > shm_lpm_max_prefixlen(m))
			continue;
		if (after && shm_lpm_cmp(e->data, after) <= 0)
			continue;
		if (!best || shm_lpm_cmp(e->data, best->data) < 0)
			best = e;
	}
	if (best)
		memcpy(next_key, shm_lpm_given(m, best), map->attr.key_size);
	shm_unlock(m);
	return best ? 0 : -ENOENT;
}

/* ---- The types ---------------------------------------------------------------------------- */

#define SHM_HASH_OPS                                                                               \
	.check_attr = shm_check_attr, .alloc = shm_alloc, .free = shm_free,                        \
	.update = shm_hash_update, .delete = shm_hash_delete, .lookup_copy = shm_hash_lookup_copy, \
	.get_next_key = shm_hash_get_next_key,                                                     \
	.lookup_and_delete_copy = shm_hash_lookup_and_delete_copy

/* The plain hash keeps a lookup without the per-CPU and LRU branches: the hot path. */
static const struct map_ops shm_hash_map_ops = { SHM_HASH_OPS, .lookup = shm_hash_lookup };
static const struct map_ops shm_lru_hash_map_ops = { SHM_HASH_OPS, .lookup = shm_hash_lookup_slot };
static const struct map_ops shm_percpu_hash_map_ops = { SHM_HASH_OPS,
							.lookup = shm_hash_lookup_slot,
							.update_copy = shm_hash_update_copy };
static const struct map_ops shm_lpm_trie_map_ops = {
	.check_attr = shm_check_attr,
	.alloc = shm_alloc,
	.free = shm_free,
	.lookup = shm_lpm_lookup,
	.update = shm_lpm_update,
	.delete = shm_lpm_delete,
	.lookup_copy = shm_lpm_lookup_copy,
	.get_next_key = shm_lpm_get_next_key,
};

#define SHM_HASH_TYPE(t, o)                                                                        \
	{                                                                                          \
		.type = (t), .ops = (o), .layout = shm_hash_layout, .init = shm_hash_init,         \
		.recover = shm_hash_recover                                                        \
	}

const struct shm_type shm_hash_type = SHM_HASH_TYPE(EBPF_MAP_TYPE_HASH, &shm_hash_map_ops);
const struct shm_type shm_percpu_hash_type =
    SHM_HASH_TYPE(EBPF_MAP_TYPE_PERCPU_HASH, &shm_percpu_hash_map_ops);
const struct shm_type shm_lru_hash_type =
    SHM_HASH_TYPE(EBPF_MAP_TYPE_LRU_HASH, &shm_lru_hash_map_ops);
const struct shm_type shm_lru_percpu_hash_type =
    SHM_HASH_TYPE(EBPF_MAP_TYPE_LRU_PERCPU_HASH, &shm_percpu_hash_map_ops);
const struct shm_type shm_lpm_trie_type =
    SHM_HASH_TYPE(EBPF_MAP_TYPE_LPM_TRIE, &shm_lpm_trie_map_ops);
