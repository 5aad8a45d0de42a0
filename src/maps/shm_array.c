// SPDX-License-Identifier: MIT
/*
 * Shared array and per-CPU array maps: the values of an array map in a pin file, so that every
 * process mapping it reads and writes the same values (a program's atomic add in one process
 * counts with another's). Per-CPU arrays keep one slot per possible CPU, CPU-major as the
 * private ones; a program uses its CPU's slot whichever process it runs in.
 *
 * Reads take no lock and, as in a private array, see values updated in place. Updates take the
 * file's robust lock and keep the old value in a journal while they write: a writer killed in
 * the middle of a copy is undone by the next locker, so no value is ever left half written.
 */
#include <string.h>

#include "maps/shm.h"

static uint8_t *shm_array_slot(struct shm_map *m, uint32_t cpu, uint32_t index)
{
	return m->base + m->data_off +
	       ((uint64_t)cpu * m->map.attr.max_entries + index) * m->elem_size;
}

static uint32_t shm_array_cpu(struct shm_map *m)
{
	return m->slots_off ? shm_cpu_slot(m) : 0; /* per-CPU, even with one CPU */
}

/* The journal: the ncpus slots of the index an update is writing, as they were. */
static uint8_t *shm_array_journal(struct shm_map *m, uint32_t cpu)
{
	return m->base + m->aux_off + (uint64_t)cpu * m->elem_size;
}

static uint64_t shm_array_layout(const struct map_attr *attr, struct shm_map *m)
{
	uint64_t values, end;

	m->ncpus = attr->type == EBPF_MAP_TYPE_PERCPU_ARRAY ? map_possible_cpus() : 1;
	m->elem_size = map_percpu_slot_size(attr->value_size);
	values = (uint64_t)attr->max_entries * m->ncpus * m->elem_size;
	m->data_off = map_round_up(sizeof(struct shm_header), 64);
	m->aux_off = map_round_up(m->data_off + values, 64);
	m->ring_off = 0;
	m->slots_off = 0;
	end = m->aux_off + (uint64_t)m->ncpus * m->elem_size;
	return attr->type == EBPF_MAP_TYPE_PERCPU_ARRAY ? shm_slot_layout(m, end) : end;
}

static void shm_array_init(struct shm_map *m)
{
	(void)m; /* a new file reads as zeros: every value 0, no journal */
}

/* The lock came from a dead writer: put back the value it was writing, if it was. */
static void shm_array_recover(struct shm_map *m)
{
	struct shm_header *h = m->hdr;

	if (atomic_load_explicit((_Atomic uint32_t *)&h->journal_on, memory_order_acquire) &&
	    h->journal_index < h->max_entries) {
		for (uint32_t cpu = 0; cpu < m->ncpus; cpu++)
			memcpy(shm_array_slot(m, cpu, h->journal_index), shm_array_journal(m, cpu),
			       m->elem_size);
	}
	atomic_store_explicit((_Atomic uint32_t *)&h->journal_on, 0, memory_order_release);
}

static bool shm_array_index(struct shm_map *m, const void *key, uint32_t *index)
{
	memcpy(index, key, sizeof(*index));
	return *index < m->map.attr.max_entries;
}

static void *shm_array_lookup(struct ebpf_map *map, const void *key)
{
	struct shm_map *m = to_shm(map);
	uint32_t index, cpu;

	if (!shm_array_index(m, key, &index))
		return NULL;
	cpu = shm_array_cpu(m);
	return cpu == CORE_RUN_NO_SLOT ? NULL : shm_array_slot(m, cpu, index);
}

/*
 * Writes value into the slots of index: one CPU's (cpu), or every CPU's from a host buffer of
 * slot-sized strides (cpu == UINT32_MAX). The slots are journaled first, under the lock.
 */
static int shm_array_write(struct shm_map *m, const void *key, const void *value, uint64_t flags,
			   uint32_t cpu)
{
	_Atomic uint32_t *journal_on = (_Atomic uint32_t *)&m->hdr->journal_on;
	uint32_t index;
	int err;

	if (!map_update_flags_valid(flags))
		return -EINVAL;
	if (!shm_array_index(m, key, &index))
		return -E2BIG;
	if (flags == EBPF_NOEXIST)
		return -EEXIST;
	err = shm_lock(m);
	if (err)
		return err;
	for (uint32_t c = 0; c < m->ncpus; c++)
		memcpy(shm_array_journal(m, c), shm_array_slot(m, c, index), m->elem_size);
	m->hdr->journal_index = index;
	atomic_store_explicit(journal_on, 1, memory_order_release);
	if (cpu != UINT32_MAX) {
		memcpy(shm_array_slot(m, cpu, index), value, m->map.attr.value_size);
	} else {
		for (uint32_t c = 0; c < m->ncpus; c++)
			memcpy(shm_array_slot(m, c, index),
			       (const uint8_t *)value + (size_t)c * m->elem_size, m->elem_size);
	}
	atomic_store_explicit(journal_on, 0, memory_order_release);
	shm_unlock(m);
	return 0;
}

static int shm_array_update(struct ebpf_map *map, const void *key, const void *value,
			    uint64_t flags)
{
	struct shm_map *m = to_shm(map);
	uint32_t cpu = shm_array_cpu(m);

	/* UINT32_MAX (CORE_RUN_NO_SLOT) would mean every slot: no slot could be claimed. */
	return cpu == CORE_RUN_NO_SLOT ? -EBUSY : shm_array_write(m, key, value, flags, cpu);
}

static int shm_array_update_copy(struct ebpf_map *map, const void *key, const void *value,
				 uint64_t flags)
{
	return shm_array_write(to_shm(map), key, value, flags, UINT32_MAX);
}

static int shm_array_delete(struct ebpf_map *map, const void *key)
{
	return -EINVAL; /* array elements always exist */
}

static int shm_array_lookup_copy(struct ebpf_map *map, const void *key, void *value)
{
	struct shm_map *m = to_shm(map);
	uint32_t index;

	if (!shm_array_index(m, key, &index))
		return -ENOENT;
	if (m->ncpus == 1) {
		memcpy(value, shm_array_slot(m, 0, index), map->attr.value_size);
		return 0;
	}
	for (uint32_t cpu = 0; cpu < m->ncpus; cpu++)
		memcpy((uint8_t *)value + (size_t)cpu * m->elem_size, shm_array_slot(m, cpu, index),
		       m->elem_size);
	return 0;
}

/* The host copies every CPU's slot of per-CPU arrays; plain arrays have one. */
#define SHM_ARRAY_OPS                                                                              \
	.check_attr = shm_check_attr, .alloc = shm_alloc, .free = shm_free,                        \
	.lookup = shm_array_lookup, .update = shm_array_update, .delete = shm_array_delete,        \
	.lookup_copy = shm_array_lookup_copy, .get_next_key = map_array_get_next_key

const struct map_ops shm_array_map_ops = { SHM_ARRAY_OPS };
const struct map_ops shm_percpu_array_map_ops = { SHM_ARRAY_OPS,
						  .update_copy = shm_array_update_copy };

const struct shm_type shm_percpu_array_type = {
	.type = EBPF_MAP_TYPE_PERCPU_ARRAY,
	.ops = &shm_percpu_array_map_ops,
	.layout = shm_array_layout,
	.init = shm_array_init,
	.recover = shm_array_recover,
};

const struct shm_type shm_array_type = {
	.type = EBPF_MAP_TYPE_ARRAY,
	.ops = &shm_array_map_ops,
	.layout = shm_array_layout,
	.init = shm_array_init,
	.recover = shm_array_recover,
};
