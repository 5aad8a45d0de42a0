// SPDX-License-Identifier: MIT
/*
 * Longest-prefix-match trie (Linux's lpm_trie.c). Keys are struct { u32 prefixlen; u8 data[]; }
 * with data in network order; a lookup returns the value of the longest stored prefix that
 * matches the key's data. The trie is a path-compressed binary trie: each node holds a prefix,
 * children by the first bit after it, and intermediate nodes (no value of their own) where two
 * prefixes diverge. An intermediate node always has two children.
 *
 * Lookups run lock-free under RCU; updates and deletes take the map's lock, publish new nodes
 * with release stores and reclaim replaced nodes after a grace period.
 *
 * Iteration (get_next_key) is pre-order: a node, then its 0 subtree, then its 1 subtree.
 */
#include <pthread.h>
#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#include "maps/map_internal.h"

#define LPM_DATA_SIZE_MAX 256
#define LPM_KEY_SIZE_MIN  (4 + 1)
#define LPM_KEY_SIZE_MAX  (4 + LPM_DATA_SIZE_MAX)
#define LPM_FLAGS	  (MAP_F_NO_PREALLOC | MAP_F_NUMA_NODE | MAP_F_ACCESS_MASK)
#define LPM_NODE_IM	  1u /* intermediate: no value */

struct lpm_node {
	struct core_rcu_head rcu;
	_Atomic(struct lpm_node *) child[2];
	atomic_uint flags;
	uint32_t prefixlen;
	alignas(8) uint8_t data[]; /* data_size bytes padded to 8, then the value */
};

struct lpm_trie {
	struct ebpf_map map;
	_Atomic(struct lpm_node *) root;
	pthread_mutex_t lock;
	uint32_t n_entries; /* under lock */
	uint32_t data_size, data_stride, max_prefixlen;
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

static struct lpm_node *load(_Atomic(struct lpm_node *) *p)
{
	return atomic_load_explicit(p, memory_order_acquire);
}

static void publish(_Atomic(struct lpm_node *) *p, struct lpm_node *node)
{
	atomic_store_explicit(p, node, memory_order_release);
}

static bool is_im(struct lpm_node *node)
{
	return atomic_load_explicit(&node->flags, memory_order_relaxed) & LPM_NODE_IM;
}

static uint8_t *node_value(const struct lpm_trie *t, struct lpm_node *node)
{
	return node->data + t->data_stride;
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

static struct lpm_node *node_alloc(const struct lpm_trie *t, const struct lpm_key *key,
				   const void *value)
{
	struct lpm_node *node = calloc(1, sizeof(*node) + t->data_stride + t->map.attr.value_size);

	if (!node)
		return NULL;
	node->prefixlen = key->prefixlen;
	memcpy(node->data, key->data, t->data_size);
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
	if (node)
		core_call_rcu(&node->rcu, node_free_rcu);
}

/* ---- Lookup ------------------------------------------------------------------------------ */

static void *trie_lookup(struct ebpf_map *map, const void *keyp)
{
	struct lpm_trie *t = to_trie(map);
	struct lpm_key key = lpm_key(keyp);
	struct lpm_node *found = NULL;
	struct lpm_node *node = load(&t->root);

	while (node) {
		uint32_t matchlen = longest_prefix_match(t, node, &key);

		if (matchlen == t->max_prefixlen) {
			found = node;
			break;
		}
		if (matchlen < node->prefixlen)
			break;
		if (!is_im(node))
			found = node;
		node = load(&node->child[extract_bit(key.data, node->prefixlen)]);
	}
	return found ? node_value(t, found) : NULL;
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

/* Lock held. On success new_node is in the trie; otherwise the caller frees it. */
static int trie_insert(struct lpm_trie *t, struct lpm_node *new_node, const struct lpm_key *key,
		       uint64_t flags)
{
	_Atomic(struct lpm_node *) *slot = &t->root;
	struct lpm_node *node, *im;
	uint32_t matchlen = 0;
	int err;

	while ((node = load(slot))) {
		matchlen = longest_prefix_match(t, node, key);
		if (node->prefixlen != matchlen || node->prefixlen == key->prefixlen ||
		    node->prefixlen == t->max_prefixlen)
			break;
		slot = &node->child[extract_bit(key->data, node->prefixlen)];
	}
	if (!node) {
		err = trie_check_add(t, flags);
		if (!err)
			publish(slot, new_node);
		return err;
	}
	if (node->prefixlen == matchlen) {
		/* The same prefix: replace the node, keeping its children. */
		if (!is_im(node) && flags == EBPF_NOEXIST)
			return -EEXIST;
		if (is_im(node) && (err = trie_check_add(t, flags)))
			return err;
		atomic_init(&new_node->child[0], load(&node->child[0]));
		atomic_init(&new_node->child[1], load(&node->child[1]));
		publish(slot, new_node);
		node_free_deferred(node);
		return 0;
	}
	err = trie_check_add(t, flags);
	if (err)
		return err;
	if (matchlen == key->prefixlen) {
		/* The new prefix contains node's: it becomes node's parent. */
		atomic_init(&new_node->child[extract_bit(node->data, matchlen)], node);
		publish(slot, new_node);
		return 0;
	}
	/* They diverge after matchlen bits: an intermediate node joins them. */
	im = node_alloc(t, &(struct lpm_key){ .prefixlen = matchlen, .data = node->data }, NULL);
	if (!im) {
		t->n_entries--;
		return -ENOMEM;
	}
	atomic_init(&im->flags, LPM_NODE_IM);
	atomic_init(&im->child[extract_bit(key->data, matchlen)], new_node);
	atomic_init(&im->child[!extract_bit(key->data, matchlen)], node);
	publish(slot, im);
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
	_Atomic(struct lpm_node *) *trim = &t->root, *trim2 = &t->root;
	struct lpm_node *node, *parent = NULL, *c0, *c1;
	uint32_t matchlen = 0;

	while ((node = load(trim))) {
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
	c0 = load(&node->child[0]);
	c1 = load(&node->child[1]);
	if (c0 && c1) {
		/* Still needed as a branch point: it keeps its memory and loses its value. */
		atomic_fetch_or(&node->flags, LPM_NODE_IM);
		return 0;
	}
	if (parent && is_im(parent) && !c0 && !c1) {
		/* An intermediate parent with one child left is replaced by that child. */
		publish(trim2, load(&parent->child[load(&parent->child[0]) == node]));
		node_free_deferred(parent);
		node_free_deferred(node);
		return 0;
	}
	publish(trim, c0 ? c0 : c1);
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

/* ---- Iteration --------------------------------------------------------------------------- */

/* The first node with a value in pre-order of a subtree (intermediate nodes have child 0). */
static struct lpm_node *first_in(struct lpm_node *node)
{
	while (node && is_im(node))
		node = load(&node->child[0]);
	return node;
}

/* Lock held: the path from the root to the node storing exactly key; its length, 0 if none. */
static uint32_t find_path(struct lpm_trie *t, const struct lpm_key *key, struct lpm_node **path)
{
	struct lpm_node *node = load(&t->root);
	uint32_t depth = 0;

	while (node) {
		uint32_t matchlen = longest_prefix_match(t, node, key);

		if (node->prefixlen != matchlen)
			return 0;
		path[depth++] = node;
		if (node->prefixlen == key->prefixlen)
			return is_im(node) ? 0 : depth;
		node = load(&node->child[extract_bit(key->data, node->prefixlen)]);
	}
	return 0;
}

/* The node after path[depth - 1] in pre-order, or NULL. */
static struct lpm_node *next_in_preorder(struct lpm_node **path, uint32_t depth)
{
	struct lpm_node *node = path[depth - 1];
	struct lpm_node *c0 = load(&node->child[0]), *c1 = load(&node->child[1]);

	if (c0 || c1)
		return first_in(c0 ? c0 : c1);
	for (; depth > 1; depth--) {
		struct lpm_node *parent = path[depth - 2];
		struct lpm_node *sibling = load(&parent->child[1]);

		if (load(&parent->child[0]) == path[depth - 1] && sibling)
			return first_in(sibling);
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
	next = depth ? next_in_preorder(path, depth) : first_in(load(&t->root));
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
	if (attr->value_size > MAP_VALUE_SIZE_MAX - LPM_DATA_SIZE_MAX - sizeof(struct lpm_node)) {
		*why = "value_size is larger than 4 MiB";
		return -EINVAL;
	}
	return 0;
}

static int trie_alloc(const struct map_attr *attr, struct ebpf_map **map, const char **why)
{
	struct lpm_trie *t = calloc(1, sizeof(*t));

	if (!t)
		return -ENOMEM;
	t->map.attr = *attr;
	t->data_size = attr->key_size - 4;
	t->data_stride = (uint32_t)map_round_up(t->data_size, 8);
	t->max_prefixlen = t->data_size * 8;
	pthread_mutex_init(&t->lock, NULL);
	*map = &t->map;
	return 0;
}

static void free_subtree(struct lpm_node *node)
{
	while (node) {
		struct lpm_node *c1 = load(&node->child[1]);

		free_subtree(load(&node->child[0])); /* depth is bounded by max_prefixlen */
		free(node);
		node = c1;
	}
}

static void trie_free(struct ebpf_map *map)
{
	struct lpm_trie *t = to_trie(map);

	free_subtree(load(&t->root));
	pthread_mutex_destroy(&t->lock);
	free(t);
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
