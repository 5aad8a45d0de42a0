/* SPDX-License-Identifier: MIT */
/*
 * Shared maps: a map whose storage is a file mapped by every process that opens it (a pin under
 * the pin root, tmpfs). The file starts with a versioned header recording what the map is, so
 * any process can open it by path and check it first; everything after the header is addressed
 * by offsets and indices, never by pointers, since each process maps the file elsewhere.
 *
 * Writers serialise on a robust process-shared mutex in the header: a writer killed while
 * holding it leaves the mutex to the next locker with EOWNERDEAD, which repairs the type's state
 * (the type's `recover`) before going on. Readers take no lock.
 */
#ifndef EXTBPF_MAPS_SHM_H
#define EXTBPF_MAPS_SHM_H

#include <pthread.h>
#include <stdint.h>

#include "core/run_slot.h"
#include "maps/map_internal.h"

#define SHM_MAGIC   0x70616d6670626578ull /* "xebpfmap" little-endian */
#define SHM_VERSION 3u

/* The fixed part of every shared map file, at offset 0. */
struct shm_header {
	uint64_t magic;
	uint32_t version;
	uint32_t header_size; /* sizeof(struct shm_header): also catches another ABI's mutex */
	uint64_t file_size;
	uint32_t type;
	uint32_t key_size;
	uint32_t value_size;
	uint32_t max_entries;
	uint32_t map_flags;
	uint32_t seed; /* the hash seed: every process must hash alike */
	char name[MAP_NAME_MAX];
	pthread_mutex_t lock; /* robust, process-shared: writers only */
	/* Type state, changed under the lock (offsets are from the start of the file). */
	uint32_t count; /* hash: live elements */
	uint32_t
	    free_head; /* hash: free ring; queue/stack: the oldest value (monotonic counters) */
	uint32_t free_tail;  /* hash: free ring; queue/stack: where the next push goes */
	uint32_t journal_on; /* array, per-CPU hash: an update in progress saved the old value */
	uint32_t journal_index;
	uint32_t recoveries; /* how often a dead writer's state was repaired */
	uint64_t data_off;   /* array: the values; hash: the buckets; queue/stack: the slots */
	uint64_t aux_off;    /* array: the journal's value; hash: the elements */
	uint64_t ring_off;   /* hash: the free ring */
	uint64_t extra_off;  /* hash: per-CPU journal, LPM prefix-length counts (0: none) */
	uint32_t clock;	     /* LRU hash: the element the eviction clock looks at next */
	uint32_t reserved;
	uint64_t slots_off; /* per-CPU types: who holds each CPU slot (shm_slot.c; 0: none) */
};

/* One process's handle on a shared map. */
struct shm_map {
	struct ebpf_map map;
	struct shm_header *hdr;
	uint8_t *base; /* == hdr */
	size_t size;
	/* The layout, which this process computes from the attributes and checks against the
	 * header's (a file whose offsets disagree is refused, never followed). */
	uint64_t data_off;
	uint64_t aux_off;
	uint64_t ring_off;
	uint64_t extra_off;
	uint64_t slots_off;
	uint32_t elem_size;    /* array: a value, 8-aligned; hash: a whole element */
	uint32_t n_buckets;    /* hash */
	uint32_t pool_count;   /* hash: elements, including the spares */
	uint32_t ncpus;	       /* per-CPU types: slots per value (possible CPUs); else 1 */
	uint32_t key_stride;   /* hash: the key rounded up to 8 (the value follows it) */
	uint32_t value_stride; /* hash: one CPU's value rounded up to 8 */
	bool lru;	       /* LRU hash types: a full map evicts */
	bool lpm;	       /* LPM trie: keys are stored masked to their prefix length */
	/* This process's view of the hot fields (the lookup path reads only these). */
	uint8_t *data; /* base + data_off */
	uint8_t *aux;  /* base + aux_off */
	uint32_t seed;
	/* The map and, for a ring buffer, its consumer: the last one unmaps the file. */
	atomic_uint refs;
};

static inline struct shm_map *to_shm(struct ebpf_map *map)
{
	return (struct shm_map *)map;
}

/* What a shared implementation adds to its map_ops. */
struct shm_type {
	enum ebpf_map_type type;
	const struct map_ops *ops;
	/* Fills the layout fields of m for attr; returns the file size, 0 when too large. */
	uint64_t (*layout)(const struct map_attr *attr, struct shm_map *m);
	/* Initialises a new file's state (the header's attributes are already written). */
	void (*init)(struct shm_map *m);
	/* Called with the lock taken from a dead owner: makes the state whole again. */
	void (*recover)(struct shm_map *m);
	/* Maps file_size bytes of fd, setting m->base and m->size (the mapping's length); NULL:
	 * the whole file once. */
	int (*mmap)(struct shm_map *m, int fd, uint64_t file_size);
};

extern const struct shm_type shm_array_type;
extern const struct shm_type shm_percpu_array_type;
extern const struct shm_type shm_hash_type;
extern const struct shm_type shm_percpu_hash_type;
extern const struct shm_type shm_lru_hash_type;
extern const struct shm_type shm_lru_percpu_hash_type;
extern const struct shm_type shm_lpm_trie_type;
extern const struct shm_type shm_queue_type;
extern const struct shm_type shm_stack_type;
extern const struct shm_type shm_ringbuf_type;

/* Takes the writers' lock, repairing the state when its owner died holding it. */
int shm_lock(struct shm_map *m);
void shm_unlock(struct shm_map *m);

/*
 * Per-CPU slots across processes (shm_slot.c): a run's slot in a shared per-CPU map is claimed
 * in the file, so that no two runs anywhere write one slot at once. The calling run's slot
 * (claimed now if not yet), outside a run the CPU's; CORE_RUN_NO_SLOT when a run already
 * holding other files' slots could not get one (the lookup fails rather than risk a wait in a
 * cycle). shm_slot_layout places the table of a per-CPU type (m->ncpus set) at `end` and
 * returns the new end; maps without one have slots_off 0.
 */
uint32_t shm_cpu_slot(struct shm_map *m);
uint64_t shm_slot_layout(struct shm_map *m, uint64_t end);

/* The shared alloc / free every shared type's map_ops use (attr->pin_path names the file). */
int shm_alloc(const struct map_attr *attr, struct ebpf_map **map, const char **why);
void shm_free(struct ebpf_map *map);
/* Another holder of m's mapping (a ring buffer's consumer); shm_put drops it. */
void shm_get(struct shm_map *m);
void shm_put(struct shm_map *m);

/*
 * The shared ring buffer (shm_ringbuf.c), reached from ringbuf.c's producer and consumer entry
 * points when the map, or the ring a record belongs to, is shared.
 */
struct ebpf_ringbuf_consumer;
bool shm_ringbuf_owns(const void *ring_base);
void *shm_ringbuf_reserve(struct shm_map *m, uint64_t size);
void shm_ringbuf_commit(void *ring_base, struct map_rb_hdr *hdr, uint64_t flags, bool discard);
int shm_ringbuf_claim(struct shm_map *m);
void shm_ringbuf_release(struct shm_map *m);
/* The consumer's and query's view of the ring. */
void shm_ringbuf_view(struct shm_map *m, struct map_rb_view *v);
struct map_waitq *shm_ringbuf_waitq(struct shm_map *m);

#endif /* EXTBPF_MAPS_SHM_H */
