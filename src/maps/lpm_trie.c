// SPDX-License-Identifier: MIT
/*
 * Longest-prefix-match trie (Linux's lpm_trie.c). Keys are struct { u32 prefixlen; u8 data[]; }
 * with data in network order; a lookup returns the value of the longest stored prefix that
 * matches the key's data.
 *
 * Every entry is one node that two structures share:
 *
 * - Lookups use a hash table of (prefix length, prefix bits) and a bitmap of the prefix lengths
 *   present. A lookup probes the present lengths from the longest down and stops at the first
 *   hit: one hash probe per distinct length instead of a walk of up to max_prefixlen nodes with
 *   a bit comparison at each (real tables use few lengths; a /24 table is one probe).
 * - Writers and iteration use Linux's path-compressed binary trie: each node holds a prefix,
 *   children by the first bit after it, and intermediate nodes (no value, never in the hash
 *   table) where two prefixes diverge; an intermediate node always has two children. It gives
 *   get_next_key Linux's order, a postorder: longer prefixes before the shorter ones that
 *   contain them, the 0 side before the 1 side.
 *
 * Lookups run lock-free under RCU and read only the hash chains and the bitmap, both published
 * with release stores. Updates, deletes and iteration take the map's lock; the trie links are
 * read and written only under it. A node is replaced whole and reclaimed after a grace period,
 * so a value returned by a lookup stays valid until the reader's critical section ends.
 */
#include <endian.h>
#include <pthread.h>
#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#include "maps/map_internal.h"

#define LPM_DATA_SIZE_MAX 256
#define LPM_KEY_SIZE_MIN  (4 + 1)
#define LPM_KEY_SIZE_MAX  (4 + LPM_DATA_SIZE_MAX)
#define LPM_WORDS_MAX	  (LPM_DATA_SIZE_MAX / 8)
#define LPM_FLAGS	  (MAP_F_NO_PREALLOC | MAP_F_NUMA_NODE | MAP_F_ACCESS_MASK)
#define LPM_NODE_IM	  1u /* intermediate: no value */
#define LPM_BUCKETS_MAX	  (1u << 20)
#define LPM_HASH_MUL	  0x9e3779b97f4a7c15ull

struct lpm_node {
	struct core_rcu_head rcu;
	_Atomic(struct lpm_node *) next; /* hash chain, read by lookups */
	struct lpm_node *child[2];	 /* trie, under the lock */
	uint64_t hash;
	uint32_t flags; /* under the lock */
	uint32_t prefixlen;
	/*
	 * data_size bytes as the key gave them, padded to 8 (get_next_key returns them); then the
	 * prefix as words (big-endian loads, bits past prefixlen cleared), which lookups compare;
	 * then the value.
	 */
	alignas(8) uint8_t data[];
};

struct lpm_trie {
	struct ebpf_map map;
	/* Read by lookups. */
	_Atomic(struct lpm_node *) *buckets;
	_Atomic uint64_t *present; /* bit L: some entry has prefix length L */
	uint64_t bucket_mask, seed;
	uint32_t data_size, data_stride, n_words, max_prefixlen;
	/* Writers, under lock. */
	pthread_mutex_t lock;
	struct lpm_node *root;
	uint32_t n_entries;
	uint32_t *len_count; /* entries per prefix length */
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
	memcpy(&w, data + off, n);
	return be64toh(w);
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

/* Lock held: node (with a value) becomes visible to lookups. */
static void index_add(struct lpm_trie *t, struct lpm_node *node)
{
	_Atomic(struct lpm_node *) *bucket = bucket_of(t, node->hash);
	uint32_t len = node->prefixlen;

	atomic_init(&node->next, atomic_load_explicit(bucket, memory_order_relaxed));
	atomic_store_explicit(bucket, node, memory_order_release);
	if (t->len_count[len]++ == 0)
		atomic_fetch_or_explicit(&t->present[len / 64], 1ull << (len % 64),
					 memory_order_release);
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
	uint32_t len = node->prefixlen;

	atomic_store_explicit(index_link(t, node),
			      atomic_load_explicit(&node->next, memory_order_relaxed),
			      memory_order_release);
	if (--t->len_count[len] == 0)
		atomic_fetch_and_explicit(&t->present[len / 64], ~(1ull << (len % 64)),
					  memory_order_release);
}

/* Lock held: new_node (same prefix) takes old's place in its chain in one store. */
static void index_replace(struct lpm_trie *t, struct lpm_node *old, struct lpm_node *new_node)
{
	atomic_init(&new_node->next, atomic_load_explicit(&old->next, memory_order_relaxed));
	atomic_store_explicit(index_link(t, old), new_node, memory_order_release);
}

/* ---- Lookup ------------------------------------------------------------------------------ */

/* The longest present length <= from in one bitmap word, or -1. */
static int top_length(uint64_t bits, uint32_t word)
{
	return bits ? (int)(word * 64 + 63 - (uint32_t)__builtin_clzll(bits)) : -1;
}

static void *trie_lookup(struct ebpf_map *map, const void *keyp)
{
	struct lpm_trie *t = to_trie(map);
	struct lpm_key key = lpm_key(keyp);
	uint32_t from = key.prefixlen < t->max_prefixlen ? key.prefixlen : t->max_prefixlen;
	uint64_t words[LPM_WORDS_MAX + 1];

	for (uint32_t i = 0; i < words_of(from); i++)
		words[i] = key_word(t, key.data, i);
	for (int w = (int)(from / 64); w >= 0; w--) {
		uint64_t bits = atomic_load_explicit(&t->present[w], memory_order_acquire);
		int len;

		if ((uint32_t)w == from / 64 && from % 64 != 63)
			bits &= (2ull << (from % 64)) - 1;
		while ((len = top_length(bits, (uint32_t)w)) >= 0) {
			struct lpm_node *node = probe(t, words, (uint32_t)len);

			if (node)
				return node_value(t, node);
			bits &= ~(1ull << (len % 64));
		}
	}
	return NULL;
}

/* ---- Update ------------------------------------------------------------------------------ */

static struct lpm_node *node_alloc(const struct lpm_trie *t, const struct lpm_key *key,
				   const void *value)
{
	size_t size = sizeof(struct lpm_node) + t->data_stride + (size_t)t->n_words * 8;
	struct lpm_node *node = calloc(1, size + (value ? t->map.attr.value_size : 0));
	uint64_t words[LPM_WORDS_MAX + 1];

	if (!node)
		return NULL;
	node->prefixlen = key->prefixlen;
	memcpy(node->data, key->data, t->data_size);
	if (!value)
		return node;
	for (uint32_t i = 0; i < words_of(key->prefixlen); i++)
		words[i] = key_word(t, key->data, i);
	for (uint32_t i = 0; i < words_of(key->prefixlen); i++)
		node_words(t, node)[i] = prefix_word(words, i, key->prefixlen);
	node->hash = prefix_hash(t, words, key->prefixlen);
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
			uint64_t flags)
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
	if (is_im(node))
		index_add(t, new_node);
	else
		index_replace(t, node, new_node);
	node_free_deferred(node); /* an intermediate node may have been an entry readers hold */
	return 0;
}

/* Lock held. On success new_node is in the trie; otherwise the caller frees it. */
static int trie_insert(struct lpm_trie *t, struct lpm_node *new_node, const struct lpm_key *key,
		       uint64_t flags)
{
	struct lpm_node **slot = &t->root, *node, *im;
	uint32_t matchlen = 0;
	int err;

	while ((node = *slot)) {
		matchlen = longest_prefix_match(t, node, key);
		if (node->prefixlen != matchlen || node->prefixlen == key->prefixlen ||
		    node->prefixlen == t->max_prefixlen)
			break;
		slot = &node->child[extract_bit(key->data, node->prefixlen)];
	}
	if (node && node->prefixlen == matchlen)
		return trie_replace(t, slot, new_node, flags);
	err = trie_check_add(t, flags);
	if (err)
		return err;
	if (!node) {
		*slot = new_node;
	} else if (matchlen == key->prefixlen) {
		/* The new prefix contains node's: it becomes node's parent. */
		new_node->child[extract_bit(node->data, matchlen)] = node;
		*slot = new_node;
	} else {
		/* They diverge after matchlen bits: an intermediate node joins them. */
		im = node_alloc(t, &(struct lpm_key){ .prefixlen = matchlen, .data = node->data },
				NULL);
		if (!im) {
			t->n_entries--;
			return -ENOMEM;
		}
		im->flags = LPM_NODE_IM;
		im->child[extract_bit(key->data, matchlen)] = new_node;
		im->child[!extract_bit(key->data, matchlen)] = node;
		*slot = im;
	}
	index_add(t, new_node);
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
	new_node = node_alloc(t, &key, value);
	if (!new_node)
		return -ENOMEM;
	pthread_mutex_lock(&t->lock);
	err = trie_insert(t, new_node, &key, flags);
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
	struct lpm_node *node, *parent = NULL, *c0, *c1;
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
	t->n_entries--;
	index_remove(t, node);
	c0 = node->child[0];
	c1 = node->child[1];
	if (c0 && c1) {
		/* Still needed as a branch point: it stays in the trie without a value. */
		node->flags |= LPM_NODE_IM;
		return 0;
	}
	if (parent && is_im(parent) && !c0 && !c1) {
		/* An intermediate parent with one child left is replaced by that child. */
		*trim2 = parent->child[parent->child[0] == node];
		node_free_deferred(parent);
		node_free_deferred(node);
		return 0;
	}
	*trim = c0 ? c0 : c1;
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
	free((void *)t->present);
	free(t->len_count);
	pthread_mutex_destroy(&t->lock);
	free(t);
}

/* Buckets: max_entries rounded up to a power of 2, at most LPM_BUCKETS_MAX (longer chains). */
static uint64_t bucket_count(uint32_t max_entries)
{
	uint64_t n = 1;

	while (n < max_entries && n < LPM_BUCKETS_MAX)
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
	t->len_count = calloc(t->max_prefixlen + 1, sizeof(*t->len_count));
	if (!t->buckets || !t->present || !t->len_count) {
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

static void trie_free(struct ebpf_map *map)
{
	struct lpm_trie *t = to_trie(map);

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
