// SPDX-License-Identifier: MIT
/*
 * Longest-prefix-match trie (Linux's lpm_trie.c). Keys are struct { u32 prefixlen; u8 data[]; }
 * with data in network order; a lookup returns the value of the longest stored prefix that
 * matches the key's data.
 *
 * Every entry is one node that two structures share:
 *
 * - Lookups use a hash table of (prefix length, prefix bits) searched by binary search over
 *   the lengths (Waldvogel et al., "Scalable high speed IP routing lookups", 1997): the search
 *   runs over a fixed balanced tree of the lengths 0..max_prefixlen; a hit at a length sends it
 *   to the longer ones, a miss to the shorter ones. So that a hit is never missed, every entry
 *   leaves a *marker* (its prefix cut to that length) at each length where the search for it
 *   turns longer, and each marker knows the longest entry covering it (`best`), which is the
 *   answer when nothing longer matches. Lengths with no node are skipped without a probe
 *   (a bitmap), so a table of /24s is two probes, and any IPv4 table at most six.
 * - Writers and iteration use Linux's path-compressed binary trie: each node holds a prefix,
 *   children by the first bit after it, and intermediate nodes (no value, never in the hash
 *   table) where two prefixes diverge; an intermediate node always has two children. It gives
 *   get_next_key Linux's order, a postorder: longer prefixes before the shorter ones that
 *   contain them, the 0 side before the 1 side. It also finds what markers need: the longest
 *   entry over a prefix, and the entries under one.
 *
 * - IPv4 tries also have a first level indexed by an address's top 16 bits (`dir`): for each
 *   /16, the lengths 16..32 of the entries under it and the longest entry shorter than 16 that
 *   covers it. A lookup there probes only the lengths its /16 holds, longest first, then that
 *   shorter entry: a /16 with no entry under it answers without a probe, one holding a few
 *   lengths costs a probe each. A /16 holding more than LPM_DIR_PROBES_MAX lengths falls back
 *   to the binary search, which needs no more probes than that.
 *
 * Lookups run lock-free under RCU and read only the hash chains, the nodes' immutable fields,
 * markers' `best`, the bitmaps and the first level, all published with release stores. Updates,
 * deletes and iteration take the map's lock; the trie links are read and written only under it. A
 * node is replaced whole and reclaimed after a grace period, so a value returned by a lookup stays
 * valid until the reader's critical section ends. A lookup that races with a delete may find a
 * marker naming a length whose entry is gone: it then probes the lengths present one by one,
 * longest first, which needs no marker.
 */
#include <endian.h>
#include <pthread.h>
#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#include "maps/map_internal.h"

#define LPM_DATA_SIZE_MAX  256
#define LPM_KEY_SIZE_MIN   (4 + 1)
#define LPM_KEY_SIZE_MAX   (4 + LPM_DATA_SIZE_MAX)
#define LPM_WORDS_MAX	   (LPM_DATA_SIZE_MAX / 8)
#define LPM_PATH_MAX	   12 /* lengths a search passes: log2(8 * LPM_DATA_SIZE_MAX + 1) */
#define LPM_FLAGS	   (MAP_F_NO_PREALLOC | MAP_F_NUMA_NODE | MAP_F_ACCESS_MASK)
#define LPM_NODE_IM	   1u /* trie: intermediate, no value */
#define LPM_BUCKETS_MAX	   (1u << 20)
#define LPM_HASH_MUL	   0x9e3779b97f4a7c15ull
/*
 * The IPv4 first level: a slot per /16. Bits 0..16 of a slot: lengths 16..32 of the entries
 * under it; bits 24..31: 1 + the longest entry length below 16 that covers it, 0 for none.
 */
#define LPM_DIR_BITS	   16
#define LPM_DIR_SLOTS	   (1u << LPM_DIR_BITS)
#define LPM_DIR_LONG	   ((1u << (32 - LPM_DIR_BITS + 1)) - 1)
#define LPM_DIR_SHORT	   24
#define LPM_DIR_PROBES_MAX 4 /* the binary search's probes for a few lengths over /16 */

struct lpm_node {
	struct core_rcu_head rcu;
	_Atomic(struct lpm_node *) next; /* hash chain, read by lookups */
	struct lpm_node *child[2];	 /* trie, under the lock */
	uint64_t hash;
	atomic_int best; /* a marker's longest covering entry length, -1: none */
	uint32_t refs;	 /* under the lock: entries whose search passes this node as a marker */
	uint32_t flags;	 /* trie, under the lock */
	uint32_t prefixlen;
	bool marker; /* index only, no value; fixed before publication */
	/*
	 * data_size bytes as the key gave them, padded to 8 (get_next_key returns them); then the
	 * prefix as words (big-endian loads, bits past prefixlen cleared), which lookups compare;
	 * then the value (entries only).
	 */
	alignas(8) uint8_t data[];
};

struct lpm_trie {
	struct ebpf_map map;
	/* Read by lookups. */
	_Atomic(struct lpm_node *) *buckets;
	_Atomic uint64_t *present;  /* bit L: some entry has prefix length L */
	_Atomic uint64_t *searched; /* bit L: some entry or marker has prefix length L */
	uint64_t bucket_mask, seed;
	uint32_t data_size, data_stride, n_words, max_prefixlen;
	_Atomic uint32_t *dir; /* IPv4 only (NULL otherwise): LPM_DIR_SLOTS slots */
	/* Writers, under lock. */
	pthread_mutex_t lock;
	struct lpm_node *root;
	uint32_t n_entries;
	uint32_t *len_count;  /* entries per prefix length */
	uint32_t *node_count; /* entries and markers per prefix length */
};

/* A key as the program passes it: prefixlen then data, without alignment guarantees. */
struct lpm_key {
	uint32_t prefixlen;
	const uint8_t *data;
};

static struct lpm_trie *to_trie(struct ebpf_map *map)
{
	return (struct lpm_trie *)map;
}

static struct lpm_key lpm_key(const void *key)
{
	struct lpm_key k = { .data = (const uint8_t *)key + 4 };

	memcpy(&k.prefixlen, key, sizeof(k.prefixlen));
	return k;
}

static uint64_t *node_words(const struct lpm_trie *t, struct lpm_node *node)
{
	return (uint64_t *)(node->data + t->data_stride);
}

static uint8_t *node_value(const struct lpm_trie *t, struct lpm_node *node)
{
	return node->data + t->data_stride + (size_t)t->n_words * 8;
}

static bool is_im(const struct lpm_node *node)
{
	return node->flags & LPM_NODE_IM;
}

static int extract_bit(const uint8_t *data, uint32_t index)
{
	return !!(data[index / 8] & (1u << (7 - index % 8)));
}

/* How many leading bits of node and key agree, up to the shorter of the two prefixes. */
static uint32_t longest_prefix_match(const struct lpm_trie *t, const struct lpm_node *node,
				     const struct lpm_key *key)
{
	uint32_t limit = node->prefixlen < key->prefixlen ? node->prefixlen : key->prefixlen;
	uint32_t matched = 0;

	for (uint32_t i = 0; i < t->data_size && matched < limit; i++) {
		uint8_t diff = node->data[i] ^ key->data[i];

		if (diff) {
			matched += (uint32_t)__builtin_clz(diff) - 24;
			break;
		}
		matched += 8;
	}
	return matched < limit ? matched : limit;
}

/* ---- The lookup index -------------------------------------------------------------------- */

/* Word i of the key's data: bytes 8i.. as a big-endian number, zero past the data. */
static uint64_t key_word(const struct lpm_trie *t, const uint8_t *data, uint32_t i)
{
	uint32_t off = i * 8, n = t->data_size - off;
	uint64_t w = 0;

	if (n >= 8) {
		memcpy(&w, data + off, 8);
		return be64toh(w);
	}
	if (n == 4) { /* IPv4: one load */
		uint32_t v;

		memcpy(&v, data + off, 4);
		return (uint64_t)be32toh(v) << 32;
	}
	for (uint32_t j = 0; j < n; j++) /* rather than a memcpy call of a variable size */
		w |= (uint64_t)data[off + j] << (56 - 8 * j);
	return w;
}

static uint32_t words_of(uint32_t prefixlen)
{
	return (prefixlen + 63) / 64;
}

/* Word i of a prefix of prefixlen bits: the bits past the prefix cleared. */
static uint64_t prefix_word(const uint64_t *words, uint32_t i, uint32_t prefixlen)
{
	uint32_t bits = prefixlen - i * 64;

	return bits >= 64 ? words[i] : words[i] & ~(~0ull >> bits);
}

static uint64_t prefix_hash(const struct lpm_trie *t, const uint64_t *words, uint32_t prefixlen)
{
	uint64_t h = t->seed ^ ((uint64_t)prefixlen * LPM_HASH_MUL);

	for (uint32_t i = 0; i < words_of(prefixlen); i++) {
		h = (h ^ prefix_word(words, i, prefixlen)) * LPM_HASH_MUL;
		h ^= h >> 32;
	}
	h *= LPM_HASH_MUL;
	return h ^ (h >> 29);
}

static _Atomic(struct lpm_node *) *bucket_of(const struct lpm_trie *t, uint64_t hash)
{
	return &t->buckets[hash & t->bucket_mask];
}

/* The entry or marker of the first prefixlen bits of words, or NULL. */
static struct lpm_node *probe(const struct lpm_trie *t, const uint64_t *words, uint32_t prefixlen)
{
	uint64_t hash = prefix_hash(t, words, prefixlen);
	struct lpm_node *node = atomic_load_explicit(bucket_of(t, hash), memory_order_acquire);

	for (; node; node = atomic_load_explicit(&node->next, memory_order_acquire)) {
		const uint64_t *nw = node_words(t, node);
		uint32_t i = 0;

		if (node->hash != hash || node->prefixlen != prefixlen)
			continue;
		while (i < words_of(prefixlen) && nw[i] == prefix_word(words, i, prefixlen))
			i++;
		if (i == words_of(prefixlen))
			return node;
	}
	return NULL;
}

static bool test_len(_Atomic uint64_t *bits, uint32_t len)
{
	return atomic_load_explicit(&bits[len / 64], memory_order_acquire) & (1ull << (len % 64));
}

/* Lock held: counts one more (delta 1) or one less (-1) node of length len. */
static void count_len(uint32_t *count, _Atomic uint64_t *bits, uint32_t len, int delta)
{
	uint32_t was = count[len];

	count[len] += (uint32_t)delta;
	if (!was)
		atomic_fetch_or_explicit(&bits[len / 64], 1ull << (len % 64), memory_order_release);
	else if (!count[len])
		atomic_fetch_and_explicit(&bits[len / 64], ~(1ull << (len % 64)),
					  memory_order_release);
}

static void count_node(struct lpm_trie *t, const struct lpm_node *node, int delta)
{
	count_len(t->node_count, t->searched, node->prefixlen, delta);
	if (!node->marker)
		count_len(t->len_count, t->present, node->prefixlen, delta);
}

/* Lock held: node becomes visible to lookups. */
static void index_add(struct lpm_trie *t, struct lpm_node *node)
{
	_Atomic(struct lpm_node *) *bucket = bucket_of(t, node->hash);

	atomic_init(&node->next, atomic_load_explicit(bucket, memory_order_relaxed));
	atomic_store_explicit(bucket, node, memory_order_release);
	count_node(t, node, 1);
}

/* Lock held: the link that points to node in its chain. */
static _Atomic(struct lpm_node *) *index_link(struct lpm_trie *t, struct lpm_node *node)
{
	_Atomic(struct lpm_node *) *link = bucket_of(t, node->hash);
	struct lpm_node *cur;

	while ((cur = atomic_load_explicit(link, memory_order_relaxed)) != node)
		link = &cur->next;
	return link;
}

/* Lock held: readers on node keep walking its chain; its memory waits for a grace period. */
static void index_remove(struct lpm_trie *t, struct lpm_node *node)
{
	atomic_store_explicit(index_link(t, node),
			      atomic_load_explicit(&node->next, memory_order_relaxed),
			      memory_order_release);
	count_node(t, node, -1);
}

/* Lock held: new_node (same prefix) takes old's place in its chain in one store. */
static void index_replace(struct lpm_trie *t, struct lpm_node *old, struct lpm_node *new_node)
{
	new_node->refs = old->refs;
	atomic_init(&new_node->next, atomic_load_explicit(&old->next, memory_order_relaxed));
	atomic_store_explicit(index_link(t, old), new_node, memory_order_release);
	count_node(t, old, -1);
	count_node(t, new_node, 1);
}

/*
 * The lengths below len at which the search for len turns longer: where its markers go. The
 * search tree is fixed (midpoints of 0..max_prefixlen), so they depend on len alone.
 */
static uint32_t marker_lengths(const struct lpm_trie *t, uint32_t len, uint32_t *out)
{
	uint32_t lo = 0, hi = t->max_prefixlen, n = 0;

	while (lo <= hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (mid == len)
			break;
		if (len > mid) {
			out[n++] = mid;
			lo = mid + 1;
		} else {
			hi = mid - 1;
		}
	}
	return n;
}

/* ---- Lookup ------------------------------------------------------------------------------ */

/* The longest present length <= from in one bitmap word, or -1. */
static int top_length(uint64_t bits, uint32_t word)
{
	return bits ? (int)(word * 64 + 63 - (uint32_t)__builtin_clzll(bits)) : -1;
}

/* Every present length, longest first: what a lookup falls back on (see the top). */
static struct lpm_node *lookup_linear(const struct lpm_trie *t, const uint64_t *words,
				      uint32_t from)
{
	for (int w = (int)(from / 64); w >= 0; w--) {
		uint64_t bits = atomic_load_explicit(&t->present[w], memory_order_acquire);
		int len;

		if ((uint32_t)w == from / 64 && from % 64 != 63)
			bits &= (2ull << (from % 64)) - 1;
		while ((len = top_length(bits, (uint32_t)w)) >= 0) {
			struct lpm_node *node = probe(t, words, (uint32_t)len);

			if (node && !node->marker)
				return node;
			bits &= ~(1ull << (len % 64));
		}
	}
	return NULL;
}

/* Whether bits has at most n bits set (no popcnt instruction in a generic x86-64 build). */
static bool few_bits(uint32_t bits, uint32_t n)
{
	for (uint32_t i = 0; i < n && bits; i++)
		bits &= bits - 1;
	return !bits;
}

static uint32_t dir_short(uint32_t slot)
{
	return slot >> LPM_DIR_SHORT;
}

/*
 * IPv4, from >= LPM_DIR_BITS: the lengths the address's /16 holds, longest first, then the
 * shorter entry over it. *decided is false when the /16 holds too many lengths (the binary
 * search is then cheaper). A lookup racing with a delete may probe a length whose entry is
 * gone: it goes on to the shorter ones, and when the shorter entry is gone too, probes the
 * present lengths one by one.
 */
static struct lpm_node *dir_lookup(const struct lpm_trie *t, const uint64_t *words, uint32_t from,
				   bool *decided)
{
	uint32_t slot =
	    atomic_load_explicit(&t->dir[words[0] >> (64 - LPM_DIR_BITS)], memory_order_acquire);
	uint32_t lens = slot & LPM_DIR_LONG & ((2u << (from - LPM_DIR_BITS)) - 1);
	struct lpm_node *node;

	*decided = few_bits(lens, LPM_DIR_PROBES_MAX);
	if (!*decided)
		return NULL;
	while (lens) {
		uint32_t bit = 31 - (uint32_t)__builtin_clz(lens);

		node = probe(t, words, LPM_DIR_BITS + bit);
		if (node && !node->marker)
			return node;
		lens &= ~(1u << bit);
	}
	if (!dir_short(slot))
		return NULL;
	node = probe(t, words, dir_short(slot) - 1);
	if (node && !node->marker)
		return node;
	return lookup_linear(t, words, LPM_DIR_BITS - 1);
}

static void *trie_lookup(struct ebpf_map *map, const void *keyp)
{
	struct lpm_trie *t = to_trie(map);
	struct lpm_key key = lpm_key(keyp);
	uint32_t from = key.prefixlen < t->max_prefixlen ? key.prefixlen : t->max_prefixlen;
	uint32_t lo = 0, hi = t->max_prefixlen;
	uint64_t words[LPM_WORDS_MAX];
	struct lpm_node *found = NULL, *node;
	bool decided = false;
	int best = -1;

	for (uint32_t i = 0; i < words_of(from); i++)
		words[i] = key_word(t, key.data, i);
	if (t->dir && from >= LPM_DIR_BITS) {
		found = dir_lookup(t, words, from, &decided);
		if (decided)
			return found ? node_value(t, found) : NULL;
	}
	while (lo <= hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		node = mid <= from && test_len(t->searched, mid) ? probe(t, words, mid) : NULL;
		if (!node) {
			if (!mid)
				break;
			hi = mid - 1;
			continue;
		}
		if (!node->marker) {
			found = node;
			best = (int)mid;
		} else if (atomic_load_explicit(&node->best, memory_order_relaxed) > best) {
			found = NULL;
			best = atomic_load_explicit(&node->best, memory_order_relaxed);
		}
		lo = mid + 1;
	}
	if (!found && best >= 0) {
		found = probe(t, words, (uint32_t)best);
		if (!found || found->marker)
			found = lookup_linear(t, words, from);
	}
	return found ? node_value(t, found) : NULL;
}

/* ---- Markers (lock held) ----------------------------------------------------------------- */

static size_t node_size(const struct lpm_trie *t, bool with_value)
{
	return sizeof(struct lpm_node) + t->data_stride + (size_t)t->n_words * 8 +
	       (with_value ? t->map.attr.value_size : 0);
}

/* A node for the first prefixlen bits of data (value: NULL for markers and trie nodes). */
static struct lpm_node *node_alloc(const struct lpm_trie *t, const uint8_t *data,
				   uint32_t prefixlen, const void *value)
{
	struct lpm_node *node = calloc(1, node_size(t, value != NULL));
	uint64_t words[LPM_WORDS_MAX];

	if (!node)
		return NULL;
	node->prefixlen = prefixlen;
	memcpy(node->data, data, t->data_size);
	for (uint32_t i = 0; i < words_of(prefixlen); i++)
		words[i] = key_word(t, data, i);
	for (uint32_t i = 0; i < words_of(prefixlen); i++)
		node_words(t, node)[i] = prefix_word(words, i, prefixlen);
	node->hash = prefix_hash(t, words, prefixlen);
	atomic_init(&node->best, -1);
	if (value)
		memcpy(node_value(t, node), value, t->map.attr.value_size);
	return node;
}

static void node_free_rcu(struct core_rcu_head *head)
{
	free(caa_container_of(head, struct lpm_node, rcu));
}

static void node_free_deferred(struct lpm_node *node)
{
	core_call_rcu(&node->rcu, node_free_rcu);
}

/* The index node of the first prefixlen bits of node's prefix, or NULL. */
static struct lpm_node *index_find(const struct lpm_trie *t, struct lpm_node *node,
				   uint32_t prefixlen)
{
	return probe(t, node_words(t, node), prefixlen);
}

/* The longest entry length <= key->prefixlen whose prefix covers key's, or -1. */
static int best_in_trie(const struct lpm_trie *t, const struct lpm_key *key)
{
	struct lpm_node *node = t->root;
	int best = -1;

	while (node && longest_prefix_match(t, node, key) == node->prefixlen) {
		if (!is_im(node))
			best = (int)node->prefixlen;
		if (node->prefixlen == key->prefixlen)
			break;
		node = node->child[extract_bit(key->data, node->prefixlen)];
	}
	return best;
}

/* Markers an entry of node's prefix needs, allocated before anything changes. */
struct lpm_markers {
	struct lpm_node *spare[LPM_PATH_MAX + 1];
	uint32_t n;
};

static void markers_free(struct lpm_markers *m)
{
	for (uint32_t i = 0; i < m->n; i++)
		free(m->spare[i]);
	m->n = 0;
}

/* Allocates a marker for each length of node's search path that has none yet. */
static int markers_prepare(const struct lpm_trie *t, struct lpm_node *node, struct lpm_markers *m)
{
	uint32_t lens[LPM_PATH_MAX], n = marker_lengths(t, node->prefixlen, lens);

	m->n = 0;
	for (uint32_t i = 0; i < n; i++) {
		if (index_find(t, node, lens[i]))
			continue;
		m->spare[m->n] = node_alloc(t, node->data, lens[i], NULL);
		if (!m->spare[m->n]) {
			markers_free(m);
			return -ENOMEM;
		}
		m->spare[m->n++]->marker = true;
	}
	return 0;
}

/* Publishes a new marker for node's first len bits, knowing its best covering entry. */
static void marker_publish(struct lpm_trie *t, struct lpm_node *marker)
{
	struct lpm_key key = { marker->prefixlen, marker->data };

	marker->refs = 1;
	atomic_init(&marker->best, best_in_trie(t, &key));
	index_add(t, marker);
}

/*
 * The markers of the entries in the trie subtree sub longer than len, which an entry of length
 * len covers: on insert (raise) those whose best covering entry is shorter get len; on delete
 * those whose best was len get to, the next best.
 */
static void markers_under(struct lpm_trie *t, struct lpm_node *sub, uint32_t len, bool raise,
			  int to)
{
	for (; sub; sub = sub->child[1]) {
		uint32_t lens[LPM_PATH_MAX], n;

		markers_under(t, sub->child[0], len, raise, to); /* depth <= max_prefixlen */
		if (is_im(sub))
			continue;
		n = marker_lengths(t, sub->prefixlen, lens);
		for (uint32_t i = 0; i < n; i++) {
			struct lpm_node *m = lens[i] > len ? index_find(t, sub, lens[i]) : NULL;
			int best;

			if (!m || !m->marker)
				continue;
			best = atomic_load_explicit(&m->best, memory_order_relaxed);
			if (raise ? best < (int)len : best == (int)len)
				atomic_store_explicit(&m->best, to, memory_order_relaxed);
		}
	}
}

/*
 * A new entry (already in the trie, with its children): its markers, itself in the index (in
 * place of a marker of its prefix if there is one), and the markers under it, whose best
 * covering entry it may now be.
 */
static void entry_index(struct lpm_trie *t, struct lpm_node *entry, struct lpm_markers *m)
{
	uint32_t lens[LPM_PATH_MAX], n = marker_lengths(t, entry->prefixlen, lens), used = 0;
	struct lpm_node *old;

	for (uint32_t i = 0; i < n; i++) {
		struct lpm_node *mk = index_find(t, entry, lens[i]);

		if (mk)
			mk->refs++;
		else
			marker_publish(t, m->spare[used++]);
	}
	old = index_find(t, entry, entry->prefixlen);
	if (old) {
		index_replace(t, old, entry);
		node_free_deferred(old);
	} else {
		index_add(t, entry);
	}
	for (int c = 0; c < 2; c++)
		markers_under(t, entry->child[c], entry->prefixlen, true, (int)entry->prefixlen);
	for (uint32_t i = used; i < m->n; i++)
		free(m->spare[i]);
	m->n = 0;
}

/*
 * An entry leaves the index (it is already out of the trie or an intermediate node there; its
 * children, c0 and c1, are what was under it): its markers lose a reference, a marker takes
 * its place if longer entries still pass it (spare, allocated beforehand), and the markers
 * under it fall back to the next best covering entry.
 */
static void entry_unindex(struct lpm_trie *t, struct lpm_node *entry, struct lpm_node *c0,
			  struct lpm_node *c1, struct lpm_node **spare)
{
	uint32_t lens[LPM_PATH_MAX], n = marker_lengths(t, entry->prefixlen, lens);
	struct lpm_key key = { entry->prefixlen, entry->data };
	int next_best = best_in_trie(t, &key);

	for (uint32_t i = 0; i < n; i++) {
		struct lpm_node *mk = index_find(t, entry, lens[i]);

		if (--mk->refs || !mk->marker)
			continue;
		index_remove(t, mk);
		node_free_deferred(mk);
	}
	if (entry->refs) {
		(*spare)->marker = true;
		atomic_init(&(*spare)->best, next_best);
		index_replace(t, entry, *spare);
		*spare = NULL;
	} else {
		index_remove(t, entry);
	}
	markers_under(t, c0, entry->prefixlen, false, next_best);
	markers_under(t, c1, entry->prefixlen, false, next_best);
}

/* ---- The IPv4 first level (lock held) ---------------------------------------------------- */

/* Whether a trie subtree holds an entry of length len: only nodes up to len are visited. */
static bool subtree_has_len(const struct lpm_node *node, uint32_t len)
{
	if (!node || node->prefixlen > len)
		return false;
	if (node->prefixlen == len)
		return !is_im(node);
	/* depth <= max_prefixlen */
	return subtree_has_len(node->child[0], len) || subtree_has_len(node->child[1], len);
}

/* The trie subtree of the prefixes of /16 number slot and longer, or NULL. */
static struct lpm_node *dir_subtree(const struct lpm_trie *t, uint32_t slot)
{
	uint8_t data[4] = { (uint8_t)(slot >> 8), (uint8_t)slot, 0, 0 };
	struct lpm_key key = { LPM_DIR_BITS, data };
	struct lpm_node *node = t->root;

	while (node && node->prefixlen < LPM_DIR_BITS) {
		if (longest_prefix_match(t, node, &key) != node->prefixlen)
			return NULL;
		node = node->child[extract_bit(data, node->prefixlen)];
	}
	if (!node || longest_prefix_match(t, node, &key) != LPM_DIR_BITS)
		return NULL;
	return node;
}

static void dir_store(struct lpm_trie *t, uint32_t slot, uint32_t value)
{
	atomic_store_explicit(&t->dir[slot], value, memory_order_release);
}

/*
 * After an entry of key's prefix was added (added) or removed, in the trie and the index both:
 * a prefix of /16 or longer changes its /16's lengths; a shorter one the shorter entry of the
 * /16s it covers: a new one raises those it beats, a removed one hands those it held to the
 * next entry over it (no other entry of its length covers them).
 */
static void dir_update(struct lpm_trie *t, const struct lpm_key *key, bool added)
{
	uint32_t len = key->prefixlen, first = (uint32_t)key->data[0] << 8 | key->data[1];
	uint32_t span = 1u << (LPM_DIR_BITS - (len < LPM_DIR_BITS ? len : LPM_DIR_BITS));
	uint32_t next = 0;

	if (!t->dir)
		return;
	first &= ~(span - 1);
	if (len >= LPM_DIR_BITS) {
		uint32_t old = atomic_load_explicit(&t->dir[first], memory_order_relaxed);
		uint32_t bit = 1u << (len - LPM_DIR_BITS);

		if (added || subtree_has_len(dir_subtree(t, first), len))
			dir_store(t, first, old | bit);
		else
			dir_store(t, first, old & ~bit);
		return;
	}
	if (!added && len) {
		struct lpm_key shorter = { len - 1, key->data };

		next = (uint32_t)(best_in_trie(t, &shorter) + 1);
	}
	for (uint32_t slot = first; slot < first + span; slot++) {
		uint32_t old = atomic_load_explicit(&t->dir[slot], memory_order_relaxed);
		uint32_t was = dir_short(old), now = added ? (was < len + 1 ? len + 1 : was)
							   : (was == len + 1 ? next : was);

		if (now != was)
			dir_store(t, slot, (old & LPM_DIR_LONG) | now << LPM_DIR_SHORT);
	}
}

/* ---- Update ------------------------------------------------------------------------------ */

/* Linux's order: BPF_EXIST needs the entry, a new entry needs room (-ENOSPC). */
static int trie_check_add(struct lpm_trie *t, uint64_t flags)
{
	if (flags == EBPF_EXIST)
		return -ENOENT;
	if (t->n_entries == t->map.attr.max_entries)
		return -ENOSPC;
	t->n_entries++;
	return 0;
}

/* Lock held: node, of the same prefix, gets new_node's value (new_node takes its place). */
static int trie_replace(struct lpm_trie *t, struct lpm_node **slot, struct lpm_node *new_node,
			uint64_t flags, struct lpm_markers *m)
{
	struct lpm_node *node = *slot;
	int err;

	if (!is_im(node) && flags == EBPF_NOEXIST)
		return -EEXIST;
	if (is_im(node) && (err = trie_check_add(t, flags)))
		return err;
	new_node->child[0] = node->child[0];
	new_node->child[1] = node->child[1];
	*slot = new_node;
	if (is_im(node)) {
		entry_index(t, new_node, m);
	} else {
		index_replace(t, node, new_node);
	}
	node_free_deferred(node); /* an intermediate node may have been an entry readers hold */
	return 0;
}

/* Lock held. On success new_node is in the trie; otherwise the caller frees it. */
static int trie_insert(struct lpm_trie *t, struct lpm_node *new_node, const struct lpm_key *key,
		       uint64_t flags)
{
	struct lpm_node **slot = &t->root, *node, *im;
	struct lpm_markers m;
	uint32_t matchlen = 0;
	int err = markers_prepare(t, new_node, &m);

	if (err)
		return err;
	while ((node = *slot)) {
		matchlen = longest_prefix_match(t, node, key);
		if (node->prefixlen != matchlen || node->prefixlen == key->prefixlen ||
		    node->prefixlen == t->max_prefixlen)
			break;
		slot = &node->child[extract_bit(key->data, node->prefixlen)];
	}
	if (node && node->prefixlen == matchlen) {
		err = trie_replace(t, slot, new_node, flags, &m);
		markers_free(&m);
		return err;
	}
	err = trie_check_add(t, flags);
	if (err) {
		markers_free(&m);
		return err;
	}
	if (!node) {
		*slot = new_node;
	} else if (matchlen == key->prefixlen) {
		/* The new prefix contains node's: it becomes node's parent. */
		new_node->child[extract_bit(node->data, matchlen)] = node;
		*slot = new_node;
	} else {
		/* They diverge after matchlen bits: an intermediate node joins them. */
		im = calloc(1, node_size(t, false));
		if (!im) {
			t->n_entries--;
			markers_free(&m);
			return -ENOMEM;
		}
		im->prefixlen = matchlen;
		memcpy(im->data, node->data, t->data_size);
		im->flags = LPM_NODE_IM;
		im->child[extract_bit(key->data, matchlen)] = new_node;
		im->child[!extract_bit(key->data, matchlen)] = node;
		*slot = im;
	}
	entry_index(t, new_node, &m);
	return 0;
}

static int trie_update(struct ebpf_map *map, const void *keyp, const void *value, uint64_t flags)
{
	struct lpm_trie *t = to_trie(map);
	struct lpm_key key = lpm_key(keyp);
	struct lpm_node *new_node;
	int err;

	if (!map_update_flags_valid(flags) || key.prefixlen > t->max_prefixlen)
		return -EINVAL;
	new_node = node_alloc(t, key.data, key.prefixlen, value);
	if (!new_node)
		return -ENOMEM;
	pthread_mutex_lock(&t->lock);
	err = trie_insert(t, new_node, &key, flags);
	if (!err)
		dir_update(t, &key, true);
	pthread_mutex_unlock(&t->lock);
	if (err)
		free(new_node); /* never published */
	return err;
}

/* ---- Delete ------------------------------------------------------------------------------ */

/* Lock held. */
static int trie_remove(struct lpm_trie *t, const struct lpm_key *key)
{
	struct lpm_node **trim = &t->root, **trim2 = &t->root;
	struct lpm_node *node, *parent = NULL, *c0, *c1, *spare = NULL;
	uint32_t matchlen = 0;

	while ((node = *trim)) {
		matchlen = longest_prefix_match(t, node, key);
		if (node->prefixlen != matchlen || node->prefixlen == key->prefixlen)
			break;
		parent = node;
		trim2 = trim;
		trim = &node->child[extract_bit(key->data, node->prefixlen)];
	}
	if (!node || node->prefixlen != key->prefixlen || node->prefixlen != matchlen ||
	    is_im(node))
		return -ENOENT;
	/* Longer entries still search through this prefix: a marker will stand in for it. */
	if (node->refs && !(spare = node_alloc(t, node->data, node->prefixlen, NULL)))
		return -ENOMEM;
	t->n_entries--;
	c0 = node->child[0];
	c1 = node->child[1];
	if (c0 && c1) {
		/* Still needed as a branch point: it stays in the trie without a value. */
		node->flags |= LPM_NODE_IM;
	} else if (parent && is_im(parent) && !c0 && !c1) {
		/* An intermediate parent with one child left is replaced by that child. */
		*trim2 = parent->child[parent->child[0] == node];
		node_free_deferred(parent);
	} else {
		*trim = c0 ? c0 : c1;
	}
	entry_unindex(t, node, c0, c1, &spare);
	if (!is_im(node))
		node_free_deferred(node);
	return 0;
}

static int trie_delete(struct ebpf_map *map, const void *keyp)
{
	struct lpm_trie *t = to_trie(map);
	struct lpm_key key = lpm_key(keyp);
	int err;

	if (key.prefixlen > t->max_prefixlen)
		return -EINVAL;
	pthread_mutex_lock(&t->lock);
	err = trie_remove(t, &key);
	if (!err)
		dir_update(t, &key, false);
	pthread_mutex_unlock(&t->lock);
	return err;
}

/* ---- Iteration (Linux's postorder) ------------------------------------------------------- */

/* The first node in postorder of a subtree: its leftmost leaf (never intermediate). */
static struct lpm_node *postorder_first(struct lpm_node *node)
{
	while (node && (node->child[0] || node->child[1]))
		node = node->child[0] ? node->child[0] : node->child[1];
	return node;
}

/* Lock held: the path from the root to the node storing exactly key; its length, 0 if none. */
static uint32_t find_path(struct lpm_trie *t, const struct lpm_key *key, struct lpm_node **path)
{
	struct lpm_node *node = t->root;
	uint32_t depth = 0;

	while (node) {
		uint32_t matchlen = longest_prefix_match(t, node, key);

		if (node->prefixlen != matchlen)
			return 0;
		path[depth++] = node;
		if (node->prefixlen == key->prefixlen)
			return is_im(node) ? 0 : depth;
		node = node->child[extract_bit(key->data, node->prefixlen)];
	}
	return 0;
}

/* The entry after path[depth - 1] in postorder, or NULL. */
static struct lpm_node *postorder_next(struct lpm_node **path, uint32_t depth)
{
	struct lpm_node *node = path[depth - 1];

	for (; depth > 1; depth--) {
		struct lpm_node *parent = path[depth - 2];

		if (parent->child[0] == node && parent->child[1])
			return postorder_first(parent->child[1]);
		if (!is_im(parent))
			return parent;
		node = parent;
	}
	return NULL;
}

static int trie_get_next_key(struct ebpf_map *map, const void *keyp, void *next_keyp)
{
	struct lpm_trie *t = to_trie(map);
	struct lpm_node **path = malloc(((size_t)t->max_prefixlen + 2) * sizeof(*path));
	struct lpm_node *next;
	struct lpm_key key;
	uint32_t depth = 0;

	if (!path)
		return -ENOMEM;
	pthread_mutex_lock(&t->lock);
	if (keyp) {
		key = lpm_key(keyp);
		if (key.prefixlen <= t->max_prefixlen)
			depth = find_path(t, &key, path);
	}
	/* A missing key, as no key, starts over at the first. */
	next = depth ? postorder_next(path, depth) : postorder_first(t->root);
	if (next) {
		memcpy(next_keyp, &next->prefixlen, sizeof(next->prefixlen));
		memcpy((uint8_t *)next_keyp + 4, next->data, t->data_size);
	}
	pthread_mutex_unlock(&t->lock);
	free(path);
	return next ? 0 : -ENOENT;
}

/* ---- Creation ---------------------------------------------------------------------------- */

static int trie_check_attr(const struct map_attr *attr, const char **why)
{
	int err = map_check_common(attr, LPM_FLAGS, why);

	if (err)
		return err;
	if (!(attr->map_flags & MAP_F_NO_PREALLOC)) {
		*why = "map_flags must have BPF_F_NO_PREALLOC for LPM tries";
		return -EINVAL;
	}
	if (attr->key_size < LPM_KEY_SIZE_MIN || attr->key_size > LPM_KEY_SIZE_MAX) {
		*why = "key_size must be 4 (prefixlen) + 1 to 256 bytes of data for LPM tries";
		return -EINVAL;
	}
	if (attr->value_size == 0) {
		*why = "value_size 0 is invalid for LPM tries";
		return -EINVAL;
	}
	if (attr->value_size >
	    MAP_VALUE_SIZE_MAX - 2 * LPM_DATA_SIZE_MAX - sizeof(struct lpm_node)) {
		*why = "value_size is larger than 4 MiB";
		return -EINVAL;
	}
	return 0;
}

static void trie_free_memory(struct lpm_trie *t)
{
	free(t->buckets);
	free((void *)t->dir);
	free((void *)t->present);
	free((void *)t->searched);
	free(t->len_count);
	free(t->node_count);
	pthread_mutex_destroy(&t->lock);
	free(t);
}

/*
 * Buckets: twice max_entries (entries and their markers, about one marker per entry in mixed
 * tables) rounded up to a power of 2, at most LPM_BUCKETS_MAX (longer chains beyond).
 */
static uint64_t bucket_count(uint32_t max_entries)
{
	uint64_t n = 1;

	while (n < 2ull * max_entries && n < LPM_BUCKETS_MAX)
		n <<= 1;
	return n;
}

static int trie_alloc(const struct map_attr *attr, struct ebpf_map **map, const char **why)
{
	struct lpm_trie *t = calloc(1, sizeof(*t));
	uint64_t n_buckets = bucket_count(attr->max_entries);

	if (!t)
		return -ENOMEM;
	t->map.attr = *attr;
	t->data_size = attr->key_size - 4;
	t->data_stride = (uint32_t)map_round_up(t->data_size, 8);
	t->n_words = words_of(t->data_size * 8);
	t->max_prefixlen = t->data_size * 8;
	t->bucket_mask = n_buckets - 1;
	t->seed = (uint64_t)(uintptr_t)t * LPM_HASH_MUL;
	pthread_mutex_init(&t->lock, NULL);
	t->buckets = calloc(n_buckets, sizeof(*t->buckets));
	t->present = calloc(t->max_prefixlen / 64 + 1, sizeof(*t->present));
	t->searched = calloc(t->max_prefixlen / 64 + 1, sizeof(*t->searched));
	t->len_count = calloc(t->max_prefixlen + 1, sizeof(*t->len_count));
	t->node_count = calloc(t->max_prefixlen + 1, sizeof(*t->node_count));
	/* Zeroed pages: only the /16s that entries touch take memory. */
	if (t->max_prefixlen == 32)
		t->dir = calloc(LPM_DIR_SLOTS, sizeof(*t->dir));
	if (!t->buckets || !t->present || !t->searched || !t->len_count || !t->node_count ||
	    (t->max_prefixlen == 32 && !t->dir)) {
		trie_free_memory(t);
		*why = "out of memory for the LPM trie's index";
		return -ENOMEM;
	}
	*map = &t->map;
	return 0;
}

static void free_subtree(struct lpm_node *node)
{
	while (node) {
		struct lpm_node *c1 = node->child[1];

		free_subtree(node->child[0]); /* depth is bounded by max_prefixlen */
		free(node);
		node = c1;
	}
}

/* Markers are in the index only; entries are freed with the trie. */
static void free_markers(struct lpm_trie *t)
{
	for (uint64_t b = 0; b <= t->bucket_mask; b++) {
		struct lpm_node *node = atomic_load_explicit(&t->buckets[b], memory_order_relaxed);

		while (node) {
			struct lpm_node *next =
			    atomic_load_explicit(&node->next, memory_order_relaxed);

			if (node->marker)
				free(node);
			node = next;
		}
	}
}

static void trie_free(struct ebpf_map *map)
{
	struct lpm_trie *t = to_trie(map);

	free_markers(t);
	free_subtree(t->root);
	trie_free_memory(t);
}

const struct map_ops lpm_trie_map_ops = {
	.check_attr = trie_check_attr,
	.alloc = trie_alloc,
	.free = trie_free,
	.lookup = trie_lookup,
	.update = trie_update,
	.delete = trie_delete,
	.get_next_key = trie_get_next_key,
};
