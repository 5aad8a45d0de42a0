/* SPDX-License-Identifier: MIT */
/*
 * The map types XDP programs redirect through, added through the Map Information NPI with
 * Linux's numbers and rules (kernel/bpf/devmap.c, cpumap.c, xskmap.c):
 *
 * - devmap (14), devmap_hash (25): key u32, value the ifindex [, a program id, ignored];
 * - cpumap (16): key a CPU, value the queue size [, a program id]; a redirect to it continues as
 *   XDP_PASS would (user space has one stack, no per-CPU backlogs);
 * - xskmap (17): key u32 (a receive queue, as AF_XDP programs use it), value the id of a host
 *   queue (xdp_xsk_create): a redirect delivers a copy of the packet into that queue;
 * - sockmap (15), sockhash (18): verification only (there is no socket layer to splice into);
 *   a program's lookup gives a referenced socket, its update stores one (the verifier's rules).
 *
 * Values are at most 8 bytes and kept in 64-bit atomic slots that are never freed while the map
 * lives: a program's lookup returns the slot, which stays readable whatever the host does
 * meanwhile, so no reclamation is needed. Programs read the values (a lookup's value is
 * read-only, as Linux makes these maps BPF_F_RDONLY_PROG) and never change the maps.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <extbpf/extbpf.h>

#include "packet_internal.h"

/* Linux's cpumap limit on a queue size (cpu_map_update_elem). */
#define CPUMAP_QSIZE_MAX 16384u
#define SLOT_EMPTY	 0

/* ---- arrays (devmap, cpumap, xskmap) ------------------------------------------------------ */

struct slot_array {
	uint32_t type;
	uint32_t max_entries;
	uint32_t value_size;
	_Atomic uint64_t slots[];
};

static uint64_t value_load(const void *value, uint32_t size)
{
	uint64_t v = 0;

	memcpy(&v, value, size); /* little-endian: the first u32 is the low half */
	return v;
}

/* A u32, optionally followed by a program id (the core checked 4..8 bytes already). */
static int check_value_size(const struct ebpf_map_create_attr *attr, const char **why)
{
	if (attr->value_size == 4 || attr->value_size == 8)
		return 0;
	*why = "value_size must be 4 or 8 (a u32, optionally followed by a program id)";
	return -EINVAL;
}

static int array_create(const struct ebpf_map_create_attr *attr, void **map, const char **why)
{
	struct slot_array *a;

	if (check_value_size(attr, why))
		return -EINVAL;
	if (attr->map_type == EBPF_MAP_TYPE_CPUMAP &&
	    attr->max_entries > ebpf_num_possible_cpus()) {
		*why = "max_entries is larger than the number of possible CPUs";
		return -E2BIG;
	}
	a = calloc(1, sizeof(*a) + (size_t)attr->max_entries * sizeof(a->slots[0]));
	if (!a)
		return -ENOMEM;
	a->type = attr->map_type;
	a->max_entries = attr->max_entries;
	a->value_size = attr->value_size;
	*map = a;
	return 0;
}

static void map_free(void *map)
{
	free(map);
}

static void *array_lookup(void *map, const void *key)
{
	struct slot_array *a = map;
	uint32_t index;

	memcpy(&index, key, sizeof(index));
	if (index >= a->max_entries ||
	    atomic_load_explicit(&a->slots[index], memory_order_acquire) == SLOT_EMPTY)
		return NULL;
	return (void *)&a->slots[index];
}

static int array_lookup_copy(void *map, const void *key, void *value)
{
	struct slot_array *a = map;
	uint32_t index;
	uint64_t v;

	memcpy(&index, key, sizeof(index));
	if (index >= a->max_entries)
		return -ENOENT;
	v = atomic_load_explicit(&a->slots[index], memory_order_acquire);
	if (v == SLOT_EMPTY)
		return -ENOENT;
	memcpy(value, &v, a->value_size);
	return 0;
}

/* What an entry's value must be: an ifindex, a queue size, a host queue's id. */
static int check_value(uint32_t type, uint64_t v)
{
	uint32_t first = (uint32_t)v;

	switch (type) {
	case EBPF_MAP_TYPE_CPUMAP:
		return first > CPUMAP_QSIZE_MAX ? -EOVERFLOW : 0;
	case EBPF_MAP_TYPE_XSKMAP:
		return xdp_xsk_exists(first) ? 0 : -EBADF;
	default:
		return first ? 0 : -EINVAL; /* ifindex 0 names no device */
	}
}

static int array_update(void *map, const void *key, const void *value, uint64_t flags)
{
	struct slot_array *a = map;
	uint64_t v = value_load(value, a->value_size);
	uint32_t index;
	int err;

	memcpy(&index, key, sizeof(index));
	if (flags > EBPF_EXIST)
		return -EINVAL;
	if (index >= a->max_entries)
		return -E2BIG;
	/* As Linux: every slot of a devmap or cpumap exists; an xskmap's may be empty. */
	if (flags == EBPF_NOEXIST &&
	    (a->type != EBPF_MAP_TYPE_XSKMAP || atomic_load(&a->slots[index]) != SLOT_EMPTY))
		return -EEXIST;
	err = check_value(a->type, v);
	if (err)
		return err;
	if (a->type == EBPF_MAP_TYPE_CPUMAP && !(uint32_t)v)
		v = SLOT_EMPTY; /* as Linux: queue size 0 takes the CPU out */
	atomic_store_explicit(&a->slots[index], v, memory_order_release);
	return 0;
}

static int array_delete(void *map, const void *key)
{
	struct slot_array *a = map;
	uint32_t index;

	memcpy(&index, key, sizeof(index));
	if (index >= a->max_entries)
		return -EINVAL;
	atomic_store_explicit(&a->slots[index], SLOT_EMPTY, memory_order_release);
	return 0;
}

static int array_get_next_key(void *map, const void *key, void *next_key)
{
	struct slot_array *a = map;
	uint32_t index, next = 0;

	if (key) {
		memcpy(&index, key, sizeof(index));
		next = index >= a->max_entries ? 0 : index + 1;
	}
	if (next >= a->max_entries)
		return -ENOENT;
	memcpy(next_key, &next, sizeof(next));
	return 0;
}

/* ---- devmap_hash -------------------------------------------------------------------------- */

/*
 * Open addressing with linear probing over twice max_entries slots. Writers hold the lock;
 * lookups take none. A slot once used keeps its key until a later insert reuses it, so a probe
 * stops at the first never-used slot (or after visiting every slot).
 */
enum { HSLOT_FREE, HSLOT_USED, HSLOT_DELETED };

struct hash_slot {
	_Atomic uint32_t state;
	_Atomic uint32_t key;
	_Atomic uint64_t value;
};

struct slot_hash {
	pthread_mutex_t lock;
	uint32_t max_entries;
	uint32_t value_size;
	uint32_t mask;
	uint32_t count; /* under lock */
	struct hash_slot slots[];
};

static uint32_t hash_u32(uint32_t key)
{
	return key * 2654435761u;
}

static int hash_create(const struct ebpf_map_create_attr *attr, void **map, const char **why)
{
	uint32_t n = 2;
	struct slot_hash *h;

	if (check_value_size(attr, why))
		return -EINVAL;
	while (n < 2ull * attr->max_entries && n < (1u << 30))
		n <<= 1;
	if (n < 2ull * attr->max_entries) {
		*why = "max_entries is too large";
		return -E2BIG;
	}
	h = calloc(1, sizeof(*h) + (size_t)n * sizeof(h->slots[0]));
	if (!h)
		return -ENOMEM;
	pthread_mutex_init(&h->lock, NULL);
	h->max_entries = attr->max_entries;
	h->value_size = attr->value_size;
	h->mask = n - 1;
	*map = h;
	return 0;
}

static void hash_free(void *map)
{
	struct slot_hash *h = map;

	pthread_mutex_destroy(&h->lock);
	free(h);
}

/* The slot holding key, or NULL; *reuse gets the first free or deleted slot on the way. */
static struct hash_slot *hash_find(struct slot_hash *h, uint32_t key, struct hash_slot **reuse)
{
	uint32_t i = hash_u32(key) & h->mask;

	for (uint32_t probes = 0; probes <= h->mask; probes++, i = (i + 1) & h->mask) {
		struct hash_slot *s = &h->slots[i];
		uint32_t state = atomic_load_explicit(&s->state, memory_order_acquire);

		if (state != HSLOT_USED && reuse && !*reuse)
			*reuse = s;
		if (state == HSLOT_FREE)
			return NULL;
		if (state == HSLOT_USED &&
		    atomic_load_explicit(&s->key, memory_order_relaxed) == key)
			return s;
	}
	return NULL;
}

static void *hash_lookup(void *map, const void *key)
{
	uint32_t k;
	struct hash_slot *s;

	memcpy(&k, key, sizeof(k));
	s = hash_find(map, k, NULL);
	return s ? (void *)&s->value : NULL;
}

static int hash_lookup_copy(void *map, const void *key, void *value)
{
	struct slot_hash *h = map;
	struct hash_slot *s;
	uint32_t k;
	uint64_t v;

	memcpy(&k, key, sizeof(k));
	s = hash_find(h, k, NULL);
	if (!s)
		return -ENOENT;
	v = atomic_load_explicit(&s->value, memory_order_acquire);
	memcpy(value, &v, h->value_size);
	return 0;
}

static int hash_update(void *map, const void *key, const void *value, uint64_t flags)
{
	struct slot_hash *h = map;
	uint64_t v = value_load(value, h->value_size);
	struct hash_slot *s, *reuse = NULL;
	int err = 0;
	uint32_t k;

	memcpy(&k, key, sizeof(k));
	if (flags > EBPF_EXIST)
		return -EINVAL;
	if (!(uint32_t)v)
		return -EINVAL; /* ifindex 0 names no device */
	pthread_mutex_lock(&h->lock);
	s = hash_find(h, k, &reuse);
	if (s && flags == EBPF_NOEXIST)
		err = -EEXIST;
	else if (!s && flags == EBPF_EXIST)
		err = -ENOENT;
	else if (!s && (h->count == h->max_entries || !reuse))
		err = -E2BIG;
	if (!err && s) {
		atomic_store_explicit(&s->value, v, memory_order_release);
	} else if (!err) {
		atomic_store_explicit(&reuse->value, v, memory_order_relaxed);
		atomic_store_explicit(&reuse->key, k, memory_order_relaxed);
		atomic_store_explicit(&reuse->state, HSLOT_USED, memory_order_release);
		h->count++;
	}
	pthread_mutex_unlock(&h->lock);
	return err;
}

static int hash_delete(void *map, const void *key)
{
	struct slot_hash *h = map;
	struct hash_slot *s;
	uint32_t k;

	memcpy(&k, key, sizeof(k));
	pthread_mutex_lock(&h->lock);
	s = hash_find(h, k, NULL);
	if (s) {
		atomic_store_explicit(&s->state, HSLOT_DELETED, memory_order_release);
		h->count--;
	}
	pthread_mutex_unlock(&h->lock);
	return s ? 0 : -ENOENT;
}

static int hash_get_next_key(void *map, const void *key, void *next_key)
{
	struct slot_hash *h = map;
	uint32_t i = 0, k;
	int err = -ENOENT;

	pthread_mutex_lock(&h->lock);
	if (key) {
		struct hash_slot *s;

		memcpy(&k, key, sizeof(k));
		s = hash_find(h, k, NULL);
		i = s ? (uint32_t)(s - h->slots) + 1 : 0; /* a key not there restarts, as Linux */
	}
	for (; i <= h->mask; i++) {
		if (atomic_load_explicit(&h->slots[i].state, memory_order_relaxed) == HSLOT_USED) {
			k = atomic_load_explicit(&h->slots[i].key, memory_order_relaxed);
			memcpy(next_key, &k, sizeof(k));
			err = 0;
			break;
		}
	}
	pthread_mutex_unlock(&h->lock);
	return err;
}

/* ---- the types ---------------------------------------------------------------------------- */

#define MAP_TYPE_HEADER                                                                            \
	.header = EBPF_EXTENSION_HEADER(struct ebpf_map_type_info, EBPF_MAP_TYPE_INFO_VERSION)
/* Linux's BPF_F_NUMA_NODE: accepted and meaningless, as for the core's maps. */
#define MAP_F_NUMA_NODE (1u << 2)

#define ARRAY_OPS                                                                                  \
	.create = array_create, .free = map_free, .lookup = array_lookup,                          \
	.lookup_copy = array_lookup_copy, .update = array_update, .delete = array_delete,          \
	.get_next_key = array_get_next_key

const struct ebpf_map_type_info xdp_devmap_info = {
	MAP_TYPE_HEADER,
	.name = "devmap",
	.map_type = EBPF_MAP_TYPE_DEVMAP,
	.flags = EBPF_MAP_TYPE_VALUE_READ_ONLY | EBPF_MAP_TYPE_NO_PROG_UPDATE,
	.key_size = 4,
	.value_size_min = 4,
	.value_size_max = 8,
	.map_flags = MAP_F_NUMA_NODE,
	ARRAY_OPS,
};

const struct ebpf_map_type_info xdp_devmap_hash_info = {
	MAP_TYPE_HEADER,
	.name = "devmap_hash",
	.map_type = EBPF_MAP_TYPE_DEVMAP_HASH,
	.flags = EBPF_MAP_TYPE_VALUE_READ_ONLY | EBPF_MAP_TYPE_NO_PROG_UPDATE,
	.key_size = 4,
	.value_size_min = 4,
	.value_size_max = 8,
	.map_flags = MAP_F_NUMA_NODE,
	.create = hash_create,
	.free = hash_free,
	.lookup = hash_lookup,
	.lookup_copy = hash_lookup_copy,
	.update = hash_update,
	.delete = hash_delete,
	.get_next_key = hash_get_next_key,
};

/* As Linux, programs only redirect through a cpumap: neither look it up nor change it. */
const struct ebpf_map_type_info xdp_cpumap_info = {
	MAP_TYPE_HEADER,
	.name = "cpumap",
	.map_type = EBPF_MAP_TYPE_CPUMAP,
	.flags = EBPF_MAP_TYPE_NO_PROG_LOOKUP | EBPF_MAP_TYPE_NO_PROG_UPDATE,
	.key_size = 4,
	.value_size_min = 4,
	.value_size_max = 8,
	.map_flags = MAP_F_NUMA_NODE,
	ARRAY_OPS,
};

const struct ebpf_map_type_info xdp_xskmap_info = {
	MAP_TYPE_HEADER,
	.name = "xskmap",
	.map_type = EBPF_MAP_TYPE_XSKMAP,
	.flags = EBPF_MAP_TYPE_VALUE_READ_ONLY | EBPF_MAP_TYPE_NO_PROG_UPDATE,
	.key_size = 4,
	.value_size_min = 4,
	.value_size_max = 4,
	.map_flags = MAP_F_NUMA_NODE,
	ARRAY_OPS,
};

#define SOCK_REASON                                                                                \
	"sockets are kernel objects: user space has no socket layer for sk_msg and sk_skb "        \
	"programs to splice into"

const struct ebpf_map_type_info xdp_sockmap_info = {
	MAP_TYPE_HEADER,
	.name = "sockmap",
	.map_type = EBPF_MAP_TYPE_SOCKMAP,
	.flags = EBPF_MAP_TYPE_VERIFY_ONLY,
	.key_size = 4,
	.value_size_min = 4,
	.value_size_max = 8,
	.map_flags = MAP_F_NUMA_NODE,
	.unavailable_reason = SOCK_REASON,
};

const struct ebpf_map_type_info xdp_sockhash_info = {
	MAP_TYPE_HEADER,
	.name = "sockhash",
	.map_type = EBPF_MAP_TYPE_SOCKHASH,
	.flags = EBPF_MAP_TYPE_VERIFY_ONLY,
	.value_size_min = 4,
	.value_size_max = 8,
	.map_flags = MAP_F_NUMA_NODE,
	.unavailable_reason = SOCK_REASON,
};

/* ---- redirects through them --------------------------------------------------------------- */

/* The entry of key in a map the packet extension redirects through, and what it names. */
static const _Atomic uint64_t *redirect_entry(struct ebpf_map *map, uint32_t key, uint32_t *kind)
{
	void *data;

	*kind = XDP_REDIRECT_DEVICE;
	if ((data = ebpf_map_extension_data(map, &xdp_devmap_info)))
		return array_lookup(data, &key);
	if ((data = ebpf_map_extension_data(map, &xdp_devmap_hash_info)))
		return hash_lookup(data, &key);
	*kind = XDP_REDIRECT_XSK;
	if ((data = ebpf_map_extension_data(map, &xdp_xskmap_info)))
		return array_lookup(data, &key);
	*kind = XDP_REDIRECT_CPU;
	if ((data = ebpf_map_extension_data(map, &xdp_cpumap_info)))
		return array_lookup(data, &key);
	*kind = XDP_REDIRECT_NONE;
	return NULL;
}

int xdp_map_redirect_target(struct ebpf_map *map, uint32_t key, struct xdp_redirect *target)
{
	const _Atomic uint64_t *entry = redirect_entry(map, key, &target->kind);
	uint64_t v;

	if (target->kind == XDP_REDIRECT_NONE)
		return -EINVAL;
	/* An entry emptied since the lookup found it is as absent. */
	v = entry ? atomic_load_explicit(entry, memory_order_acquire) : SLOT_EMPTY;
	if (v == SLOT_EMPTY)
		return -ENOENT;
	target->target = target->kind == XDP_REDIRECT_CPU ? key : (uint32_t)v;
	return 0;
}
