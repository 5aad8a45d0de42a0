// SPDX-License-Identifier: MIT
/*
 * Hash maps (Linux's hashtab.c): hash, per-CPU hash, LRU hash, LRU per-CPU hash, hash of maps:
 * one table with per-type behaviour selected at creation.
 *
 * Readers walk bucket chains without a lock: every link is published with a release store and
 * read with an acquire load, and an element is never modified after it is linked (except the
 * values of per-CPU maps, updated in place as on Linux). Writers lock the key's bucket (a spin
 * lock beside the chain's head, as Linux's per-bucket lock); in LRU maps they lock the bucket's
 * stripe instead (a spin lock shared by every n_stripes-th bucket), which also keeps the LRU
 * list of its elements. Writers of different buckets (stripes) do not wait for each other.
 * An insert reserves its place before linking, so "full" means max_entries keys however many
 * threads insert. The places are counted per CPU slot (see "Element count" below): an update or
 * delete writes no line shared with other CPUs' writers but its bucket's.
 *
 * Replacing a value links a new element in the old one's place; removed elements are reclaimed
 * after a grace period, so a pointer returned by lookup stays valid until the reader unlocks.
 * Each CPU slot (struct htab_cpu, Linux's pcpu_freelist) keeps a few free elements and the
 * elements its writers removed: the latter go to core_call_rcu as one batch of up to HTAB_BATCH
 * (one grace-period request per batch instead of per update), and come back to the same CPU
 * slot when it has passed (to the shared pool when the slot already has HTAB_CPU_CHAINS
 * waiting). The elements are the CPU's, not the stripe's: two threads writing keys of the same
 * stripes do not pass free elements, their lines and the list heads between their CPUs, only
 * the bucket with its lock and the chain they walk.
 *
 * Pre-allocated maps (the default) take elements from a pool made at creation. Elements wait a
 * grace period before they return to it, so a burst of replacements can outrun it: the pool
 * then grows by a block of elements (kept until the map goes) rather than failing, so "full"
 * means max_entries keys, exactly as Linux, and no update allocates on its own.
 *
 * LRU maps keep each stripe's elements on a list in insertion order; a program's lookup sets the
 * element's reference bit (the host's does not, as on Linux). When the map is full an insert
 * evicts the oldest element of its own stripe whose bit is clear, giving referenced ones a
 * second chance, so that no insert takes a lock beyond its stripe's (Linux's LRU, with its
 * per-CPU lists, is also an approximation of least recently used). Only when its stripe holds
 * nothing to evict does an insert leave it and evict from the next stripe that does.
 */
#include <pthread.h>
#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#include "maps/map_internal.h"

/* Removed elements handed to one grace-period request. */
#define HTAB_BATCH		64
/* Elements the pool grows by when replacements outrun grace periods. */
#define HTAB_GROW		256
/* Reclaimed chains a CPU slot may have waiting for it; more go to the shared pool. */
#define HTAB_CPU_CHAINS		4
/* Writer stripes: enough that two writers rarely meet, few enough to stay in cache. */
#define HTAB_STRIPES_MAX	256
#define HTAB_BUCKETS_PER_STRIPE 32
#define HTAB_CACHELINE		64
/* LRU inserts into a full map that find their place taken again: rounds before -ENOMEM. */
#define HTAB_LRU_ROUNDS		64
/* Places a CPU slot takes from the map's count at once (Linux's HASH_ELEM_BATCH is 16). */
#define HTAB_CREDIT_BATCH	32
/* Looks at a full map spoiled by places moving between count and slots: retries. */
#define HTAB_COUNT_ROUNDS	64

struct htab_pool;

/* A link of a stripe's LRU list (that stripe held). */
struct htab_lru {
	struct htab_lru *prev, *next;
};

struct htab_elem {
	union {
		struct htab_lru lru;
		/*
		 * Off the table (and the LRU list), elements travel in chains: removed ones
		 * waiting for a grace period, then free ones. The chain's first element carries
		 * the grace-period request and the link to the pool's next chain.
		 */
		struct {
			struct core_rcu_head rcu;
			struct htab_elem *batch_next; /* the next element of the chain */
			struct htab_elem *chain_next; /* first element: the pool's next chain */
		};
	};
	struct htab_pool *pool;			 /* NULL: malloc'ed on its own */
	const struct map_object_ops *object_ops; /* maps of maps: how to release object */
	void *object;
	/* What a lookup reads, kept beside the key so that a lookup touches one cache line. */
	_Atomic(struct htab_elem *) next;
	uint32_t hash;
	atomic_bool ref;	   /* LRU: looked up by a program since the last scan */
	uint16_t home;		   /* removed: the CPU slot whose batch it is in */
	alignas(8) uint8_t data[]; /* key, padded to 8, then the value area */
};

/* A block of pre-allocated elements, freed with the pool. */
struct htab_block {
	struct htab_block *next;
	alignas(8) uint8_t elems[];
};

/*
 * Chains reclaimed for one CPU slot, pushed by the reclaimer, taken all at once by the slot's
 * writers (a take-all pop, so no ABA). Alone in its cache line.
 */
struct htab_pool_cpu {
	alignas(HTAB_CACHELINE) _Atomic(struct htab_elem *) returned; /* through chain_next */
	atomic_uint n_returned;
};

/* The pre-allocated elements; alive while the map or a pending batch holds it. */
struct htab_pool {
	atomic_uint refs;
	pthread_mutex_t lock;
	struct htab_elem *chains; /* free chains of up to HTAB_BATCH elements */
	struct htab_block *blocks;
	size_t elem_size;
	size_t n_elems; /* in all blocks */
	uint32_t n_cpus;
	struct htab_pool_cpu *cpus;
};

/*
 * A bucket: its chain and, for maps other than LRU ones, its writers' lock, in the line the
 * writer reads anyway (Linux's per-bucket lock): two CPUs writing one map move one line per
 * update between them, not the bucket's and a lock's.
 */
struct htab_bucket {
	_Atomic(struct htab_elem *) head;
	_Atomic uint32_t lock;
};

/* An LRU map's writer stripe, alone in its cache line: the lock of its buckets and LRU list. */
struct htab_stripe {
	alignas(HTAB_CACHELINE) _Atomic uint32_t lock;
	uint32_t n_lru;
	/* LRU maps: the stripe's linked elements, next the newest, prev the oldest. */
	struct htab_lru lru_head;
};

/*
 * A CPU slot's elements, alone in its cache line: those its writers take and those they
 * removed. Its lock is almost always free and in the CPU's own cache (another thread takes it
 * only when it shares the CPU, or the slot, with this one). Locked before a stripe, never after.
 */
struct htab_cpu {
	alignas(HTAB_CACHELINE) _Atomic uint32_t lock;
	uint32_t n_pending;
	struct htab_elem *free;	   /* ready for inserts, linked through batch_next */
	struct htab_elem *chains;  /* more free chains, linked through chain_next */
	struct htab_elem *pending; /* removed, not yet handed to RCU, linked through batch_next */
	/* Places for keys taken from the map's count and not used: another slot's insert may
	 * take one when the count is full, so atomic even though the slot's lock is held. */
	_Atomic int32_t credit;
};

struct htab {
	struct ebpf_map map;
	struct htab_bucket *buckets;
	uint32_t n_buckets; /* a power of two */
	uint32_t n_stripes; /* a power of two, at most n_buckets */
	uint32_t seed;
	uint32_t key_stride;   /* key_size rounded up to 8 */
	uint32_t value_stride; /* one value (one CPU's slot) rounded up to 8 */
	uint32_t ncpus;	       /* value slots per element: 1 or the possible CPUs */
	uint32_t n_cpu_caches; /* element caches: one per possible CPU */
	uint32_t batch;	       /* removed elements per grace-period request */
	size_t elem_size;
	bool percpu, lru, objects;
	bool plain_values;	    /* one value, no spin lock: the host's copy is a memcpy */
	struct map_attr inner_tmpl; /* hash of maps */
	uint32_t credit_batch;	    /* places a slot takes at once; 0: count every key on count */
	atomic_uint count;	    /* places handed out: keys linked, and the slots' credit */
	/* Moves of places between count and a slot's credit, begun and ended (see
	 * count_reserve_slow). */
	atomic_uint moves_begun, moves_ended;
	struct htab_stripe *stripes;
	struct htab_cpu *cpus;
	struct htab_pool *pool; /* NULL with BPF_F_NO_PREALLOC */
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

static uint32_t htab_hash(const struct htab *h, const void *key)
{
	return map_hash_key(h->seed, key, h->map.attr.key_size);
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
	while (pool->blocks) {
		struct htab_block *next = pool->blocks->next;

		free(pool->blocks);
		pool->blocks = next;
	}
	pthread_mutex_destroy(&pool->lock);
	free(pool->cpus);
	free(pool);
}

/* Pool lock held: adds a chain of elements to the free chains. */
static void pool_push_chain(struct htab_pool *pool, struct htab_elem *chain)
{
	chain->chain_next = pool->chains;
	pool->chains = chain;
}

/* Pool lock held: adds n new elements to the free chains, HTAB_BATCH per chain. */
static int pool_grow(struct htab_pool *pool, uint32_t n)
{
	struct htab_block *block = calloc(1, sizeof(*block) + (size_t)n * pool->elem_size);
	struct htab_elem *chain = NULL;

	if (!block)
		return -ENOMEM;
	block->next = pool->blocks;
	pool->blocks = block;
	pool->n_elems += n;
	for (uint32_t i = 0; i < n; i++) {
		struct htab_elem *e =
		    (struct htab_elem *)(block->elems + (size_t)i * pool->elem_size);

		e->pool = pool;
		e->batch_next = chain;
		chain = e;
		if ((i + 1) % HTAB_BATCH == 0 || i + 1 == n) {
			pool_push_chain(pool, chain);
			chain = NULL;
		}
	}
	return 0;
}

/* CPU slot held: takes the chains reclaimed for it; false when there are none. */
static bool cpu_take_returned(struct htab_pool *pool, struct htab_cpu *c, uint32_t slot)
{
	struct htab_pool_cpu *pc = &pool->cpus[slot];
	struct htab_elem *chains;
	uint32_t n = 0;

	chains = atomic_exchange_explicit(&pc->returned, NULL, memory_order_acquire);
	if (!chains)
		return false;
	c->free = chains;
	c->chains = chains->chain_next;
	for (struct htab_elem *e = chains; e; e = e->chain_next)
		n++;
	atomic_fetch_sub_explicit(&pc->n_returned, n, memory_order_relaxed);
	return true;
}

/*
 * CPU slot held, its free elements used up: its next chain, else the chains reclaimed for it,
 * else a free chain of the pool.
 */
static int cpu_refill(struct htab_pool *pool, struct htab_cpu *c, uint32_t slot)
{
	int err = 0;

	if (c->chains) {
		c->free = c->chains;
		c->chains = c->free->chain_next;
		return 0;
	}
	if (cpu_take_returned(pool, c, slot))
		return 0;
	pthread_mutex_lock(&pool->lock);
	if (!pool->chains)
		err = pool_grow(pool, HTAB_GROW);
	if (pool->chains) {
		c->free = pool->chains;
		pool->chains = c->free->chain_next;
	}
	pthread_mutex_unlock(&pool->lock);
	return c->free ? 0 : err;
}

/* The first lines of an element about to be written (header, key, small values). */
static void elem_prefetch(const struct htab *h, const struct htab_elem *e)
{
	size_t lines = h->elem_size < 4 * HTAB_CACHELINE ? h->elem_size : 4 * HTAB_CACHELINE;

	if (!e)
		return;
	for (size_t off = 0; off < lines; off += HTAB_CACHELINE)
		__builtin_prefetch((const char *)e + off, 1);
}

/* CPU slot held: a fresh element, from its free elements (or malloc without a pool). */
static struct htab_elem *elem_get(struct htab *h, struct htab_cpu *c)
{
	struct htab_elem *e;

	if (h->pool) {
		if (!c->free && cpu_refill(h->pool, c, (uint32_t)(c - h->cpus)))
			return NULL;
		e = c->free;
		c->free = e->batch_next;
		/* Free elements are cold (they waited a grace period): fetch the next one now,
		 * not when the next insert needs it. */
		elem_prefetch(h, c->free);
	} else {
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

/*
 * Pool held: the reclaimed chain goes back to the CPU slot that removed its elements, whose
 * lines are likely still in that CPU's cache; to the shared pool when the slot has enough.
 */
static void pool_return_chain(struct htab_pool *pool, struct htab_elem *chain)
{
	struct htab_pool_cpu *pc = chain->home < pool->n_cpus ? &pool->cpus[chain->home] : NULL;
	struct htab_elem *old;

	if (pc &&
	    atomic_fetch_add_explicit(&pc->n_returned, 1, memory_order_relaxed) < HTAB_CPU_CHAINS) {
		old = atomic_load_explicit(&pc->returned, memory_order_relaxed);
		do {
			chain->chain_next = old;
		} while (!atomic_compare_exchange_weak_explicit(
		    &pc->returned, &old, chain, memory_order_release, memory_order_relaxed));
		return;
	}
	if (pc)
		atomic_fetch_sub_explicit(&pc->n_returned, 1, memory_order_relaxed);
	pthread_mutex_lock(&pool->lock);
	pool_push_chain(pool, chain);
	pthread_mutex_unlock(&pool->lock);
}

/*
 * A grace period after the batch was handed over: pooled elements go back as the chain they
 * are, without touching each (they are cold by now). Elements holding objects release them
 * first; malloc'ed ones are freed.
 */
static void batch_free_rcu(struct core_rcu_head *head)
{
	struct htab_elem *chain = caa_container_of(head, struct htab_elem, rcu);
	struct htab_pool *pool = chain->pool;
	bool walk = !pool || chain->object_ops; /* all of a chain come from one map */

	for (struct htab_elem *e = chain, *next; walk && e; e = next) {
		next = e->batch_next;
		if (e->object_ops && e->object) {
			e->object_ops->release(e->object);
			e->object = NULL;
		}
		if (!pool)
			free(e);
	}
	if (!pool)
		return;
	pool_return_chain(pool, chain);
	pool_put(pool);
}

/* CPU slot held: takes its removed elements, to hand to batch_submit once unlocked. */
static struct htab_elem *cpu_take_pending(struct htab_cpu *c)
{
	struct htab_elem *batch = c->pending;

	c->pending = NULL;
	c->n_pending = 0;
	return batch;
}

/* Reclaims a batch of unlinked elements once every reader that may see them has left. */
static void batch_submit(struct htab_elem *batch)
{
	if (!batch)
		return;
	if (batch->pool)
		atomic_fetch_add(&batch->pool->refs, 1);
	core_call_rcu(&batch->rcu, batch_free_rcu);
}

/* CPU slot held: queues an unlinked element; returns a full batch to submit, or NULL. */
static struct htab_elem *elem_free_deferred(struct htab *h, struct htab_cpu *c, struct htab_elem *e)
{
	e->batch_next = c->pending;
	e->home = (uint16_t)(c - h->cpus);
	c->pending = e;
	if (++c->n_pending < h->batch)
		return NULL;
	return cpu_take_pending(c);
}

/* ---- Element count ----------------------------------------------------------------------- */

/*
 * One shared counter written by every insert and delete moves its cache line between the
 * writers' CPUs on each (Linux counts per CPU for the same reason: bpf_map_inc_elem_count).
 * Here "full" stays exact: count holds the places handed out, and a CPU slot keeps the places
 * it took but has not used as credit. An insert spends its slot's credit; with none it takes
 * credit_batch places from count at once; a delete gives its place back to its slot, which
 * returns credit_batch to count once it holds twice that. Only an insert finding count full
 * looks at the other slots, and spends one of their places. Places moving between count and a
 * slot are in neither for a moment: an insert concludes "full" only if no move overlapped its
 * look (moves_begun and moves_ended, as a sequence count with many writers).
 */

/* Spends one place of a slot's credit; false when it has none. */
static bool credit_spend(_Atomic int32_t *credit)
{
	int32_t n = atomic_load_explicit(credit, memory_order_relaxed);

	while (n > 0) {
		if (atomic_compare_exchange_weak(credit, &n, n - 1))
			return true;
	}
	return false;
}

/* Takes up to credit_batch places from count: one spent, the rest credited to c. */
static bool count_take(struct htab *h, struct htab_cpu *c)
{
	uint32_t max = h->map.attr.max_entries;
	uint32_t n = atomic_load(&h->count), take;
	bool ok = false;

	if (n >= max)
		return false;
	atomic_fetch_add(&h->moves_begun, 1); /* before the places leave count */
	do {
		take = max - n < h->credit_batch ? max - n : h->credit_batch;
		ok = atomic_compare_exchange_weak(&h->count, &n, n + take);
	} while (!ok && n < max);
	if (ok && take > 1)
		atomic_fetch_add(&c->credit, (int32_t)take - 1);
	atomic_fetch_add(&h->moves_ended, 1); /* after they reached the slot */
	return ok;
}

/* Count full: spends a place another slot holds, looking at each once. */
static bool count_steal(struct htab *h, struct htab_cpu *c)
{
	uint32_t self = (uint32_t)(c - h->cpus);

	for (uint32_t i = 1; i < h->n_cpu_caches; i++) {
		if (credit_spend(&h->cpus[(self + i) % h->n_cpu_caches].credit))
			return true;
	}
	return false;
}

/*
 * The slot has no credit: a place from count, else from another slot. "Full" only when count
 * and every slot were found empty with no move begun or under way meanwhile. A move under way
 * is waited for, however long: its thread may have lost its CPU in the middle of it (giving up
 * then made inserts into a full map that was being deleted from fail). Looks that moves begun
 * meanwhile spoil are retried, HTAB_COUNT_ROUNDS times in a row at most.
 */
static bool count_reserve_slow(struct htab *h, struct htab_cpu *c)
{
	unsigned int spoiled = 0, spins = 0;

	for (;;) {
		uint32_t begun = atomic_load(&h->moves_begun);

		if (atomic_load(&h->moves_ended) != begun) {
			map_spin_wait(&spins);
			continue;
		}
		if (count_take(h, c) || count_steal(h, c))
			return true;
		if (atomic_load(&h->moves_begun) == begun || ++spoiled == HTAB_COUNT_ROUNDS)
			return false;
	}
}

/* A key's place is free again: back to the slot's credit, past two batches to count. */
static void count_release(struct htab *h, struct htab_cpu *c)
{
	int32_t batch = (int32_t)h->credit_batch;
	int32_t n;

	if (!batch) {
		atomic_fetch_sub_explicit(&h->count, 1, memory_order_relaxed);
		return;
	}
	n = atomic_fetch_add(&c->credit, 1) + 1;
	if (n < 2 * batch)
		return;
	atomic_fetch_add(&h->moves_begun, 1);
	while (n >= 2 * batch && !atomic_compare_exchange_weak(&c->credit, &n, n - batch))
		;
	if (n >= 2 * batch)
		atomic_fetch_sub(&h->count, (uint32_t)batch);
	atomic_fetch_add(&h->moves_ended, 1);
}

/* Keys in the map, for memory use: the places handed out less the slots' credit. */
static uint32_t count_keys(struct htab *h)
{
	int64_t n = atomic_load(&h->count);

	for (uint32_t i = 0; h->credit_batch && i < h->n_cpu_caches; i++)
		n -= atomic_load(&h->cpus[i].credit);
	return n > 0 ? (uint32_t)n : 0;
}

/*
 * Places a slot takes at once: HTAB_CREDIT_BATCH, or less so that the slots' credit (at most
 * two batches each) stays within half the map; 0 (one shared count) for maps too small.
 */
static uint32_t htab_credit_batch(const struct htab *h)
{
	uint32_t share = h->map.attr.max_entries / (4 * h->n_cpu_caches);

	if (share < 2)
		return 0;
	return share < HTAB_CREDIT_BATCH ? share : HTAB_CREDIT_BATCH;
}

/* ---- Writers' locks ---------------------------------------------------------------------- */

/* What a writer holds: its CPU slot's elements, then its key's bucket (LRU maps: its stripe). */
struct htab_writer {
	struct htab_cpu *cpu;
	struct htab_stripe *stripe;
	_Atomic uint32_t *lock;	 /* the bucket's, or the stripe's in LRU maps */
	struct htab_elem *batch; /* to submit once both are released */
};

/* Same bucket, same stripe: n_stripes divides n_buckets. */
static struct htab_stripe *htab_stripe_of(struct htab *h, uint32_t hash)
{
	return &h->stripes[hash & (h->n_stripes - 1)];
}

static void htab_write_begin(struct htab *h, uint32_t hash, struct htab_writer *w)
{
	struct htab_bucket *b = &h->buckets[hash & (h->n_buckets - 1)];

	w->cpu = &h->cpus[map_cpu_slot(h->n_cpu_caches)];
	w->stripe = h->lru ? htab_stripe_of(h, hash) : NULL;
	w->lock = h->lru ? &w->stripe->lock : &b->lock;
	w->batch = NULL;
	/* Another CPU's writer may hold the bucket: fetch it while the slot's lock is taken. */
	__builtin_prefetch(b, 1);
	map_spin_lock((void *)&w->cpu->lock);
	map_spin_lock((void *)w->lock);
}

static void htab_write_end(struct htab_writer *w)
{
	map_spin_unlock((void *)w->lock);
	map_spin_unlock((void *)&w->cpu->lock);
	batch_submit(w->batch);
}

/* Both held: e is unlinked; it waits in the CPU slot's batch (submitted with write_end). */
static void htab_retire(struct htab *h, struct htab_writer *w, struct htab_elem *e)
{
	struct htab_elem *batch = elem_free_deferred(h, w->cpu, e);

	if (!batch)
		return;
	batch_submit(w->batch); /* a second batch in one operation: rare, hand the first now */
	w->batch = batch;
}

/* ---- LRU lists (one per stripe, under its lock) ----------------------------------------- */

static void lru_unlink(struct htab_stripe *c, struct htab_elem *e)
{
	e->lru.prev->next = e->lru.next;
	e->lru.next->prev = e->lru.prev;
	c->n_lru--;
}

static void lru_push_newest(struct htab_stripe *c, struct htab_elem *e)
{
	e->lru.next = c->lru_head.next;
	e->lru.prev = &c->lru_head;
	c->lru_head.next->prev = &e->lru;
	c->lru_head.next = &e->lru;
	c->n_lru++;
}

static struct htab_elem *lru_oldest(struct htab_stripe *c)
{
	return caa_container_of(c->lru_head.prev, struct htab_elem, lru);
}

/*
 * The stripe's oldest element not looked up since the last scan (second chance for the
 * others); the stripe holds at least one.
 */
static struct htab_elem *lru_pick_victim(struct htab_stripe *c)
{
	struct htab_elem *e = lru_oldest(c);

	/* Bounded: after one pass every bit was cleared (readers may set some again). */
	for (uint32_t i = 0; i < 2 * c->n_lru + 1; i++) {
		e = lru_oldest(c);
		if (!atomic_exchange_explicit(&e->ref, false, memory_order_relaxed))
			break;
		lru_unlink(c, e);
		lru_push_newest(c, e);
	}
	return e;
}

/* ---- Table ------------------------------------------------------------------------------- */

static _Atomic(struct htab_elem *) *htab_bucket(struct htab *h, uint32_t hash)
{
	return &h->buckets[hash & (h->n_buckets - 1)].head;
}

/* Lock-free: the element with this key, or NULL. */
static inline __attribute__((always_inline)) struct htab_elem *
htab_find_sized(struct htab *h, const void *key, uint32_t hash, uint32_t key_size)
{
	struct htab_elem *e = atomic_load_explicit(htab_bucket(h, hash), memory_order_acquire);

	for (; e; e = atomic_load_explicit(&e->next, memory_order_acquire)) {
		if (e->hash == hash && map_keys_equal(e->data, key, key_size))
			return e;
	}
	return NULL;
}

static struct htab_elem *htab_find(struct htab *h, const void *key, uint32_t hash)
{
	return htab_find_sized(h, key, hash, h->map.attr.key_size);
}

/*
 * Hash and walk in one, specialised for the common key sizes (2: a port; 4: an IPv4 address or
 * an index; 8): with a constant size the hash is a few multiplies and the compare one
 * instruction, and the walk's loop carries no size test.
 */
static struct htab_elem *htab_find_key(struct htab *h, const void *key)
{
	switch (h->map.attr.key_size) {
	case 2:
		return htab_find_sized(h, key, map_hash_key(h->seed, key, 2), 2);
	case 4:
		return htab_find_sized(h, key, map_hash_key(h->seed, key, 4), 4);
	case 8:
		return htab_find_sized(h, key, map_hash_key(h->seed, key, 8), 8);
	default:
		return htab_find(h, key, htab_hash(h, key));
	}
}

/* Bucket (LRU: stripe) held: the link that points at the element with this key, or NULL. */
static _Atomic(struct htab_elem *) *htab_find_link(struct htab *h, const void *key, uint32_t hash)
{
	_Atomic(struct htab_elem *) *link = htab_bucket(h, hash);
	struct htab_elem *e;

	for (; (e = atomic_load_explicit(link, memory_order_relaxed)); link = &e->next) {
		if (e->hash == hash && map_keys_equal(e->data, key, h->map.attr.key_size))
			return link;
	}
	return NULL;
}

/* Bucket (LRU: stripe) held: unlinks e (found through link) and queues its reclamation. */
static void htab_remove(struct htab *h, struct htab_writer *w, _Atomic(struct htab_elem *) *link,
			struct htab_elem *e)
{
	atomic_store_explicit(link, atomic_load_explicit(&e->next, memory_order_relaxed),
			      memory_order_release);
	if (h->lru)
		lru_unlink(w->stripe, e);
	count_release(h, w->cpu);
	htab_retire(h, w, e);
}

/* The writer's stripe held: evicts its least recently used element; false when it has none. */
static bool htab_evict(struct htab *h, struct htab_writer *w)
{
	struct htab_elem *victim;

	if (!w->stripe->n_lru)
		return false;
	victim = lru_pick_victim(w->stripe);
	htab_remove(h, w, htab_find_link(h, victim->data, victim->hash), victim);
	return true;
}

/*
 * No stripe held: evicts from the first stripe after `hash`'s that has an element, holding one
 * stripe at a time (two writers evicting from each other's stripes never wait for each other).
 */
static void htab_evict_elsewhere(struct htab *h, uint32_t hash)
{
	for (uint32_t i = 1; i <= h->n_stripes; i++) {
		struct htab_writer w;
		bool done;

		htab_write_begin(h, hash + i, &w);
		done = htab_evict(h, &w);
		htab_write_end(&w);
		if (done)
			return;
	}
}

/* Takes a place for a new key: false when the map holds max_entries keys. */
static bool htab_reserve(struct htab *h, struct htab_cpu *c)
{
	if (!h->credit_batch) {
		if (atomic_fetch_add_explicit(&h->count, 1, memory_order_relaxed) <
		    h->map.attr.max_entries)
			return true;
		atomic_fetch_sub_explicit(&h->count, 1, memory_order_relaxed);
		return false;
	}
	if (credit_spend(&c->credit))
		return true;
	return count_reserve_slow(h, c);
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

/* Bucket (LRU: stripe) held: inserts or replaces, following Linux's order of checks. */
static int htab_update_locked(struct htab *h, struct htab_writer *w, const void *key, uint32_t hash,
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
	if (!old && !htab_reserve(h, w->cpu)) {
		if (!h->lru)
			return -E2BIG;
		/* Inserts into other stripes may take the place just freed: evict again. */
		do {
			if (!htab_evict(h, w))
				return -EAGAIN; /* nothing here: the caller evicts elsewhere */
		} while (!htab_reserve(h, w->cpu));
	}
	e = elem_get(h, w->cpu);
	if (!e) {
		if (!old)
			count_release(h, w->cpu);
		return -ENOMEM;
	}
	e->hash = hash;
	memcpy(e->data, key, h->map.attr.key_size);
	e->object_ops = h->objects ? h->map.object_ops : NULL;
	values_copy_in(h, e, src, true);
	if (old) {
		atomic_init(&e->next, atomic_load_explicit(&old->next, memory_order_relaxed));
		atomic_store_explicit(link, e, memory_order_release);
		if (h->lru)
			lru_unlink(w->stripe, old);
		htab_retire(h, w, old);
	} else {
		link = htab_bucket(h, hash); /* eviction may have changed the chain */
		atomic_init(&e->next, atomic_load_explicit(link, memory_order_relaxed));
		atomic_store_explicit(link, e, memory_order_release);
	}
	if (h->lru)
		lru_push_newest(w->stripe, e);
	return 0;
}

static int htab_update_src(struct htab *h, const void *key, const struct htab_value_src *src,
			   uint64_t flags)
{
	struct htab_writer w;
	uint32_t hash;
	int err;

	if (!map_update_flags_valid(flags))
		return -EINVAL;
	hash = htab_hash(h, key);
	/*
	 * A full LRU map whose key's stripe has nothing to evict: evict in another stripe and
	 * try again. Bounded: other inserts can take the places freed only so often in a row;
	 * then -ENOMEM, Linux's error when its LRU lists yield no free element.
	 */
	for (uint32_t round = 0; round < HTAB_LRU_ROUNDS; round++) {
		htab_write_begin(h, hash, &w);
		err = htab_update_locked(h, &w, key, hash, src, flags);
		htab_write_end(&w);
		if (err != -EAGAIN)
			return err;
		htab_evict_elsewhere(h, hash);
	}
	return -ENOMEM;
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

/* Plain hash maps (the most common type): no per-CPU slot, reference bit or object. */
static void *htab_lookup_plain(struct ebpf_map *map, const void *key)
{
	struct htab_elem *e = htab_find_key(to_htab(map), key);

	return e ? elem_value(to_htab(map), e) : NULL;
}

/* The element's value in CPU slot cpu (below h->ncpus) of a per-CPU map, else its value. */
static void *htab_lookup_slot(struct ebpf_map *map, const void *key, uint32_t cpu)
{
	struct htab *h = to_htab(map);
	struct htab_elem *e = htab_find_key(h, key);

	if (!e)
		return NULL;
	/* Test first: a store on every lookup would bounce the cache line between CPUs. */
	if (h->lru && !atomic_load_explicit(&e->ref, memory_order_relaxed))
		atomic_store_explicit(&e->ref, true, memory_order_relaxed);
	if (h->objects)
		return e->object;
	if (h->percpu)
		return elem_value(h, e) + (size_t)cpu * h->value_stride;
	return elem_value(h, e);
}

static void *htab_lookup(struct ebpf_map *map, const void *key)
{
	return htab_lookup_slot(map, key, map_cpu_slot(to_htab(map)->ncpus));
}

static void *htab_lookup_cpu(struct ebpf_map *map, const void *key, uint32_t cpu)
{
	return cpu < to_htab(map)->ncpus ? htab_lookup_slot(map, key, cpu) : NULL;
}

static int htab_lookup_copy(struct ebpf_map *map, const void *key, void *value)
{
	struct htab *h = to_htab(map);
	struct htab_elem *e;

	map_rcu_read_lock();
	e = htab_find_key(h, key);
	if (e && h->plain_values)
		map_copy_value(value, elem_value(h, e), map->attr.value_size);
	else if (e)
		values_copy_out(h, e, value);
	map_rcu_read_unlock();
	return e ? 0 : -ENOENT;
}

static int htab_delete(struct ebpf_map *map, const void *key)
{
	struct htab *h = to_htab(map);
	uint32_t hash = htab_hash(h, key);
	_Atomic(struct htab_elem *) *link;
	struct htab_writer w;
	int err = -ENOENT;

	htab_write_begin(h, hash, &w);
	link = htab_find_link(h, key, hash);
	if (link) {
		htab_remove(h, &w, link, atomic_load_explicit(link, memory_order_relaxed));
		err = 0;
	}
	htab_write_end(&w);
	return err;
}

static int htab_lookup_and_delete_copy(struct ebpf_map *map, const void *key, void *value)
{
	struct htab *h = to_htab(map);
	uint32_t hash = htab_hash(h, key);
	_Atomic(struct htab_elem *) *link;
	struct htab_writer w;
	struct htab_elem *e;
	int err = -ENOENT;

	htab_write_begin(h, hash, &w);
	link = htab_find_link(h, key, hash);
	if (link) {
		e = atomic_load_explicit(link, memory_order_relaxed);
		values_copy_out(h, e, value);
		htab_remove(h, &w, link, e);
		err = 0;
	}
	htab_write_end(&w);
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
		e = atomic_load_explicit(&h->buckets[bucket].head, memory_order_acquire);
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

/* Zeroed, cache-line aligned memory for n objects of size (a multiple of the line). */
static void *alloc_lines(size_t n, size_t size)
{
	void *p = aligned_alloc(HTAB_CACHELINE, n * size);

	if (p)
		memset(p, 0, n * size);
	return p;
}

static int htab_pool_create(struct htab *h)
{
	struct htab_pool *pool = calloc(1, sizeof(*pool));

	if (!pool)
		return -ENOMEM;
	atomic_init(&pool->refs, 1);
	pthread_mutex_init(&pool->lock, NULL);
	pool->elem_size = h->elem_size;
	h->pool = pool;
	pool->cpus = alloc_lines(h->n_cpu_caches, sizeof(*pool->cpus));
	if (!pool->cpus)
		return -ENOMEM;
	pool->n_cpus = h->n_cpu_caches;
	return pool_grow(pool, h->map.attr.max_entries);
}

/* One stripe per HTAB_BUCKETS_PER_STRIPE buckets. */
static uint32_t htab_stripes(const struct htab *h)
{
	uint32_t n = h->n_buckets / HTAB_BUCKETS_PER_STRIPE;

	if (n == 0)
		return 1;
	return n < HTAB_STRIPES_MAX ? n : HTAB_STRIPES_MAX;
}

/*
 * Removed elements a CPU slot gathers before one grace-period request: at most HTAB_BATCH, and
 * no more than the map's share per slot, so that waiting elements stay within about the map's
 * size. Maps of maps release inner maps at once: a replaced map must not wait.
 */
static uint32_t htab_batch(const struct htab *h)
{
	uint32_t share = h->map.attr.max_entries / h->n_cpu_caches;

	if (h->objects || share == 0)
		return 1;
	return share < HTAB_BATCH ? share : HTAB_BATCH;
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
	h->plain_values = !h->percpu && !h->objects && !attr->has_spin_lock;
	h->elem_size =
	    sizeof(struct htab_elem) + h->key_stride + (size_t)h->value_stride * h->ncpus;
	h->n_buckets = roundup_pow2(attr->max_entries);
	h->n_stripes = htab_stripes(h);
	h->n_cpu_caches = map_possible_cpus();
	if (h->n_cpu_caches > UINT16_MAX) /* an element's home is 16 bits */
		h->n_cpu_caches = UINT16_MAX;
	h->batch = htab_batch(h);
	h->credit_batch = htab_credit_batch(h);
	/* Any value will do: chains stay short for keys a program does not choose adversarially. */
	h->seed = (attr->map_flags & MAP_F_ZERO_SEED) ? 0 : (uint32_t)(uintptr_t)h * 2654435761u;
}

static int htab_alloc(const struct map_attr *attr, struct ebpf_map **map, const char **why)
{
	struct htab *h = calloc(1, sizeof(*h));
	int err = -ENOMEM;

	if (!h)
		return -ENOMEM;
	h->map.attr = *attr;
	htab_init_layout(h, attr);
	if (h->objects) {
		err = map_copy_template(attr, &h->inner_tmpl, why);
		if (err)
			goto err_free;
		err = -ENOMEM;
	}
	h->buckets = calloc(h->n_buckets, sizeof(*h->buckets));
	h->stripes = alloc_lines(h->n_stripes, sizeof(*h->stripes));
	h->cpus = alloc_lines(h->n_cpu_caches, sizeof(*h->cpus));
	if (!h->buckets || !h->stripes || !h->cpus)
		goto err_free;
	for (uint32_t i = 0; i < h->n_stripes; i++) {
		struct htab_lru *head = &h->stripes[i].lru_head;

		head->next = head->prev = head;
	}
	if (!(attr->map_flags & MAP_F_NO_PREALLOC) && htab_pool_create(h))
		goto err_free;
	*map = &h->map;
	return 0;

err_free:
	if (h->pool)
		pool_put(h->pool);
	free(h->cpus);
	free(h->stripes);
	free(h->buckets);
	free(h);
	return err;
}

/* The CPU slots' removed elements go to RCU (free ones go with the pool's blocks). */
static void htab_drain_cpus(struct htab *h)
{
	for (uint32_t i = 0; i < h->n_cpu_caches; i++)
		batch_submit(cpu_take_pending(&h->cpus[i]));
}

/*
 * No reader can reach the map any more: elements still linked are released now. Removed ones
 * may still be seen by readers that found them before: they wait for their grace period.
 */
static void htab_free(struct ebpf_map *map)
{
	struct htab *h = to_htab(map);

	htab_drain_cpus(h);
	for (uint32_t b = 0; b < h->n_buckets; b++) {
		struct htab_elem *e =
		    atomic_load_explicit(&h->buckets[b].head, memory_order_relaxed);

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
	free(h->cpus);
	free(h->stripes);
	free(h->buckets);
	free(h);
}

/* The table, and every element: pooled ones whether linked, free or waiting for reclamation. */
static size_t htab_mem_usage(const struct ebpf_map *map)
{
	struct htab *h = to_htab((struct ebpf_map *)map);
	size_t bytes = sizeof(*h) + (size_t)h->n_buckets * sizeof(*h->buckets) +
		       (size_t)h->n_stripes * sizeof(*h->stripes) +
		       (size_t)h->n_cpu_caches * sizeof(*h->cpus);

	if (!h->pool)
		return bytes + (size_t)count_keys(h) * h->elem_size;
	pthread_mutex_lock(&h->pool->lock);
	bytes += h->pool->n_elems * h->elem_size;
	pthread_mutex_unlock(&h->pool->lock);
	return bytes;
}

#define HTAB_COMMON_OPS                                                                            \
	.alloc = htab_alloc, .free = htab_free, .update = htab_update, .delete = htab_delete,      \
	.lookup_copy = htab_lookup_copy, .update_copy = htab_update_copy,                          \
	.get_next_key = htab_get_next_key, .lookup_and_delete_copy = htab_lookup_and_delete_copy,  \
	.mem_usage = htab_mem_usage

const struct map_ops htab_map_ops = { .check_attr = htab_check_attr,
				      .lookup = htab_lookup_plain,
				      HTAB_COMMON_OPS };
const struct map_ops percpu_htab_map_ops = { .check_attr = htab_check_attr,
					     .lookup = htab_lookup,
					     .lookup_cpu = htab_lookup_cpu,
					     HTAB_COMMON_OPS };
const struct map_ops lru_htab_map_ops = { .check_attr = htab_check_attr,
					  .lookup = htab_lookup,
					  HTAB_COMMON_OPS };
const struct map_ops lru_percpu_htab_map_ops = { .check_attr = htab_check_attr,
						 .lookup = htab_lookup,
						 .lookup_cpu = htab_lookup_cpu,
						 HTAB_COMMON_OPS };
const struct map_ops htab_of_maps_map_ops = { .check_attr = htab_of_maps_check_attr,
					      .lookup = htab_lookup,
					      HTAB_COMMON_OPS };
