// SPDX-License-Identifier: MIT
/*
 * Perf event array (Linux's BPF_MAP_TYPE_PERF_EVENT_ARRAY holding perf's BPF output events): one
 * byte ring per entry, entry i standing for CPU i. bpf_perf_event_output writes a record to the
 * ring its flags name (BPF_F_CURRENT_CPU: the writer's CPU); the host reads them all with one
 * reader, as libbpf's perf_buffer reads the mmap'ed rings of perf_event_open.
 *
 * Records are framed as perf frames them (include/uapi/linux/perf_event.h): a perf_event_header
 * (u32 type, u16 misc, u16 size) then, for PERF_RECORD_SAMPLE with PERF_SAMPLE_RAW, a u32 size
 * and the raw bytes, padded so that the record is a multiple of 8 bytes; the size field counts
 * the padding, as Linux's. A record that finds its ring full is dropped and counted; the next
 * record that fits is preceded by a PERF_RECORD_LOST (header, u64 id, u64 lost), which is how
 * the reader learns how many it missed; a reader that read everything takes a count still
 * pending itself (report_pending_lost).
 *
 * Unlike a CPU in the kernel, a user-space thread can be preempted, migrated, or share its CPU
 * with another thread in the middle of a write, so each ring has a spin lock for its writers:
 * two threads on one CPU slot serialise instead of interleaving. The reader needs no lock: the
 * head (release after the bytes) and tail (release after reading) positions order them.
 *
 * As on Linux, the rings belong to the reader (perf_buffer opens the events): a map without a
 * reader has empty slots and writes fail with -ENOENT. Slots are read under RCU; a reader's
 * destroy empties them and frees the rings after a grace period, so a writer in flight never
 * writes into freed memory. The slot array is shared by the map and the reader (reference
 * counted), so either may go first.
 */
#include <pthread.h>
#include <stdalign.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/error.h"
#include "maps/map_internal.h"

/* Linux's values (include/uapi/linux/perf_event.h, include/uapi/linux/bpf.h). */
#define PERF_RECORD_LOST     2
#define PERF_RECORD_SAMPLE   9
#define MAP_F_PRESERVE_ELEMS (1u << 11)

struct perf_hdr {
	uint32_t type;
	uint16_t misc;
	uint16_t size;
};

#define PERF_HDR_SIZE	   sizeof(struct perf_hdr)
#define PERF_SAMPLE_HEAD   (PERF_HDR_SIZE + sizeof(uint32_t))	  /* header, raw size */
#define PERF_LOST_SIZE	   (PERF_HDR_SIZE + 2 * sizeof(uint64_t)) /* header, id, lost */
#define PERF_RECORD_MAX	   0xfff8u /* the largest multiple of 8 header.size can hold */
#define PERF_DEFAULT_PAGES 8u
#define PERF_MAX_PAGES	   (1u << 16)

struct perf_ring {
	struct core_rcu_head rcu;
	pthread_spinlock_t lock; /* this ring's writers */
	uint64_t lost;		 /* records dropped since the last PERF_RECORD_LOST (under lock) */
	uint64_t mask;		 /* data size - 1 */
	alignas(64) _Atomic uint64_t head; /* written up to here */
	alignas(64) _Atomic uint64_t tail; /* read up to here */
	alignas(64) uint8_t data[];
};

/* The slots, shared by the map and its reader. */
struct perf_slots {
	atomic_uint refs;
	atomic_bool has_reader;
	struct map_waitq wq;
	uint32_t count;
	_Atomic(struct perf_ring *) ring[];
};

struct perf_map {
	struct ebpf_map map;
	struct perf_slots *slots;
};

struct ebpf_perf_reader {
	struct perf_slots *slots;
	ebpf_perf_sample_fn sample_fn;
	ebpf_perf_lost_fn lost_fn;
	void *arg;
	uint8_t scratch[PERF_RECORD_MAX]; /* a record that wraps around its ring, made whole */
};

static bool is_perf_map(const struct ebpf_map *map)
{
	return map->ops == &perf_event_array_map_ops;
}

static struct perf_slots *slots_of(struct ebpf_map *map)
{
	return ((struct perf_map *)map)->slots;
}

static void slots_put(struct perf_slots *slots)
{
	if (atomic_fetch_sub(&slots->refs, 1) == 1)
		free(slots);
}

/* ---- Rings ------------------------------------------------------------------------------- */

static struct perf_ring *ring_create(size_t size)
{
	size_t len = map_round_up(sizeof(struct perf_ring) + size, 64);
	struct perf_ring *ring = aligned_alloc(64, len);

	if (!ring)
		return NULL;
	memset(ring, 0, sizeof(*ring));
	pthread_spin_init(&ring->lock, PTHREAD_PROCESS_PRIVATE);
	ring->mask = size - 1;
	atomic_init(&ring->head, 0);
	atomic_init(&ring->tail, 0);
	return ring;
}

static void ring_free(struct perf_ring *ring)
{
	pthread_spin_destroy(&ring->lock);
	free(ring);
}

static void ring_free_rcu(struct core_rcu_head *head)
{
	ring_free(caa_container_of(head, struct perf_ring, rcu));
}

/* Copies len bytes to the ring at pos, wrapping around its end. */
static void ring_write(struct perf_ring *ring, uint64_t pos, const void *src, size_t len)
{
	size_t off = pos & ring->mask, first = ring->mask + 1 - off;

	if (!len)
		return;
	first = first < len ? first : len;
	memcpy(ring->data + off, src, first);
	memcpy(ring->data, (const uint8_t *)src + first, len - first);
}

static void ring_zero(struct perf_ring *ring, uint64_t pos, size_t len)
{
	static const uint8_t zeros[8];

	ring_write(ring, pos, zeros, len);
}

static void ring_write_lost(struct perf_ring *ring, uint64_t pos)
{
	struct perf_hdr hdr = { .type = PERF_RECORD_LOST, .size = PERF_LOST_SIZE };
	uint64_t id_lost[2] = { 0, ring->lost };

	ring_write(ring, pos, &hdr, sizeof(hdr));
	ring_write(ring, pos + sizeof(hdr), id_lost, sizeof(id_lost));
	ring->lost = 0;
}

/* The size of the sample record of `bytes` raw bytes, or 0 when it cannot be framed. */
static uint32_t sample_size(uint64_t bytes)
{
	uint64_t size = PERF_HDR_SIZE + map_round_up(bytes + sizeof(uint32_t), 8);

	return size <= PERF_RECORD_MAX ? (uint32_t)size : 0;
}

static int ring_output(struct perf_ring *ring, const void *data, size_t size, const void *tail,
		       size_t tail_size)
{
	uint64_t bytes = (uint64_t)size + tail_size;
	uint32_t rec = bytes < PERF_RECORD_MAX ? sample_size(bytes) : 0;
	struct perf_hdr hdr = { .type = PERF_RECORD_SAMPLE, .size = (uint16_t)rec };
	uint32_t raw; /* as Linux: the padding counts */
	uint64_t head, need;

	pthread_spin_lock(&ring->lock);
	if (!rec || rec > ring->mask + 1) {
		ring->lost++;
		pthread_spin_unlock(&ring->lock);
		return -EMSGSIZE;
	}
	head = atomic_load_explicit(&ring->head, memory_order_relaxed);
	need = rec + (ring->lost ? PERF_LOST_SIZE : 0);
	/* Acquire: the reader is done with the bytes before its tail. */
	if (head + need - atomic_load_explicit(&ring->tail, memory_order_acquire) >
	    ring->mask + 1) {
		ring->lost++;
		pthread_spin_unlock(&ring->lock);
		return -ENOSPC;
	}
	raw = rec - (uint32_t)PERF_SAMPLE_HEAD;
	if (ring->lost) {
		ring_write_lost(ring, head);
		head += PERF_LOST_SIZE;
	}
	ring_write(ring, head, &hdr, sizeof(hdr));
	ring_write(ring, head + PERF_HDR_SIZE, &raw, sizeof(raw));
	ring_write(ring, head + PERF_SAMPLE_HEAD, data, size);
	ring_write(ring, head + PERF_SAMPLE_HEAD + size, tail, tail_size);
	ring_zero(ring, head + PERF_SAMPLE_HEAD + bytes, rec - PERF_SAMPLE_HEAD - bytes);
	/* Release: a reader that sees the new head sees the record. */
	atomic_store_explicit(&ring->head, head + rec, memory_order_release);
	pthread_spin_unlock(&ring->lock);
	return 0;
}

/* ---- Map operations ---------------------------------------------------------------------- */

static int perf_check_attr(const struct map_attr *attr, const char **why)
{
	int err = map_check_common(attr,
				   MAP_F_NUMA_NODE | MAP_F_RDONLY | MAP_F_WRONLY |
				       MAP_F_PRESERVE_ELEMS | MAP_F_INNER_MAP,
				   why);

	if (err)
		return err;
	if (attr->key_size != 4 || attr->value_size != 4) {
		*why = "key_size and value_size must be 4 for perf event arrays";
		return -EINVAL;
	}
	return 0;
}

static int perf_alloc(const struct map_attr *attr, struct ebpf_map **map, const char **why)
{
	struct perf_map *pm = calloc(1, sizeof(*pm));
	struct perf_slots *slots;

	if (!pm)
		return -ENOMEM;
	slots = calloc(1, sizeof(*slots) + attr->max_entries * sizeof(slots->ring[0]));
	if (!slots) {
		free(pm);
		return -ENOMEM;
	}
	atomic_init(&slots->refs, 1);
	atomic_init(&slots->has_reader, false);
	map_waitq_init(&slots->wq);
	slots->count = attr->max_entries;
	for (uint32_t i = 0; i < slots->count; i++)
		atomic_init(&slots->ring[i], NULL);
	pm->slots = slots;
	*map = &pm->map;
	return 0;
}

static void perf_free(struct ebpf_map *map)
{
	slots_put(slots_of(map));
	free(map);
}

const struct map_ops perf_event_array_map_ops = {
	.check_attr = perf_check_attr,
	.alloc = perf_alloc,
	.free = perf_free,
	.get_next_key = map_array_get_next_key,
};

/* ---- Writers ----------------------------------------------------------------------------- */

int map_perf_event_output(struct ebpf_map *map, uint64_t flags, const void *data, size_t size,
			  const void *tail, size_t tail_size)
{
	struct perf_slots *slots;
	struct perf_ring *ring;
	uint64_t index = flags & EBPF_F_INDEX_MASK;
	int err;

	if (!is_perf_map(map) || (flags & ~EBPF_F_INDEX_MASK))
		return -EINVAL;
	slots = slots_of(map);
	if (index == EBPF_F_CURRENT_CPU)
		index = map_current_cpu();
	if (index >= slots->count)
		return -E2BIG;
	map_rcu_read_lock();
	ring = atomic_load_explicit(&slots->ring[index], memory_order_acquire);
	err = ring ? ring_output(ring, data, size, tail, tail_size) : -ENOENT;
	map_rcu_read_unlock();
	if (!err)
		map_waitq_wake(&slots->wq);
	return err;
}

/* ---- The reader -------------------------------------------------------------------------- */

/* The record at pos, whole: in the ring, or copied to scratch when it wraps around the end. */
static const uint8_t *record_at(struct ebpf_perf_reader *reader, struct perf_ring *ring,
				uint64_t pos, uint32_t size)
{
	size_t off = pos & ring->mask, first = ring->mask + 1 - off;

	if (size <= first)
		return ring->data + off;
	memcpy(reader->scratch, ring->data + off, first);
	memcpy(reader->scratch + first, ring->data, size - first);
	return reader->scratch;
}

static void deliver(struct ebpf_perf_reader *reader, int cpu, const uint8_t *rec)
{
	struct perf_hdr hdr;
	uint32_t raw;
	uint64_t lost;

	memcpy(&hdr, rec, sizeof(hdr));
	if (hdr.type == PERF_RECORD_SAMPLE) {
		memcpy(&raw, rec + PERF_HDR_SIZE, sizeof(raw));
		reader->sample_fn(reader->arg, cpu, rec + PERF_SAMPLE_HEAD, raw);
	} else if (hdr.type == PERF_RECORD_LOST && reader->lost_fn) {
		memcpy(&lost, rec + PERF_HDR_SIZE + sizeof(uint64_t), sizeof(lost));
		reader->lost_fn(reader->arg, cpu, lost);
	}
}

/*
 * Drops after the last record a ring holds are only written down (PERF_RECORD_LOST) before the
 * next record that fits, which may never come: a reader that has read everything takes the
 * count now instead, so it learns of every loss by the poll that follows it. Under the writers'
 * lock, a count left means no record was written since those drops (a write flushes it).
 */
static int report_pending_lost(struct ebpf_perf_reader *reader, int cpu, struct perf_ring *ring,
			       uint64_t tail)
{
	uint64_t lost = 0;

	if (!reader->lost_fn)
		return 0;
	pthread_spin_lock(&ring->lock);
	if (ring->lost && atomic_load_explicit(&ring->head, memory_order_relaxed) == tail) {
		lost = ring->lost;
		ring->lost = 0;
	}
	pthread_spin_unlock(&ring->lock);
	if (!lost)
		return 0;
	reader->lost_fn(reader->arg, cpu, lost);
	return 1;
}

static int ring_consume(struct ebpf_perf_reader *reader, int cpu, struct perf_ring *ring)
{
	uint64_t tail = atomic_load_explicit(&ring->tail, memory_order_relaxed);
	uint64_t head = atomic_load_explicit(&ring->head, memory_order_acquire);
	int count = 0;

	while (tail < head) {
		struct perf_hdr hdr;

		/* Records start 8-byte aligned, so a header never wraps. */
		memcpy(&hdr, ring->data + (tail & ring->mask), sizeof(hdr));
		if (hdr.size < PERF_HDR_SIZE || hdr.size > head - tail)
			break; /* cannot happen: the writers frame every record */
		deliver(reader, cpu, record_at(reader, ring, tail, hdr.size));
		tail += hdr.size;
		/* Release: the writers may reuse the bytes once we are done with them. */
		atomic_store_explicit(&ring->tail, tail, memory_order_release);
		count++;
		if (tail == head)
			head = atomic_load_explicit(&ring->head, memory_order_acquire);
	}
	return count + report_pending_lost(reader, cpu, ring, tail);
}

static int reader_consume(void *arg)
{
	struct ebpf_perf_reader *reader = arg;
	struct perf_slots *slots = reader->slots;
	int count = 0;

	for (uint32_t i = 0; i < slots->count; i++) {
		struct perf_ring *ring =
		    atomic_load_explicit(&slots->ring[i], memory_order_relaxed);

		count += ring_consume(reader, (int)i, ring);
	}
	return count;
}

static void reader_free_rings(struct perf_ring **rings, uint32_t count)
{
	for (uint32_t i = 0; i < count; i++)
		if (rings[i])
			ring_free(rings[i]);
}

/* Allocates every ring first, so that a failure publishes none. */
static int reader_publish_rings(struct perf_slots *slots, size_t ring_size)
{
	struct perf_ring **rings = calloc(slots->count, sizeof(*rings));

	if (!rings)
		return -ENOMEM;
	for (uint32_t i = 0; i < slots->count; i++) {
		rings[i] = ring_create(ring_size);
		if (!rings[i]) {
			reader_free_rings(rings, i);
			free(rings);
			return -ENOMEM;
		}
	}
	for (uint32_t i = 0; i < slots->count; i++)
		atomic_store_explicit(&slots->ring[i], rings[i], memory_order_release);
	free(rings);
	return 0;
}

static int reader_pages(const struct ebpf_perf_reader_opts *opts, uint32_t *pages)
{
	struct ebpf_perf_reader_opts o = { 0 };

	if (opts)
		memcpy(&o, opts, opts->sz < sizeof(o) ? opts->sz : sizeof(o));
	*pages = o.pages_per_ring ? o.pages_per_ring : PERF_DEFAULT_PAGES;
	if ((*pages & (*pages - 1)) || *pages > PERF_MAX_PAGES)
		return -EINVAL;
	return 0;
}

int map_perf_reader_create(struct ebpf_map *map, ebpf_perf_sample_fn sample_fn,
			   ebpf_perf_lost_fn lost_fn, void *arg, uint32_t pages,
			   struct ebpf_perf_reader **readerp)
{
	struct ebpf_perf_reader *reader;
	struct perf_slots *slots;
	int err;

	if (!is_perf_map(map) || !sample_fn)
		return -EINVAL;
	slots = slots_of(map);
	if (atomic_exchange(&slots->has_reader, true))
		return -EBUSY;
	reader = calloc(1, sizeof(*reader));
	err = reader ? reader_publish_rings(slots, (size_t)pages * (size_t)sysconf(_SC_PAGESIZE))
		     : -ENOMEM;
	if (err) {
		free(reader);
		atomic_store(&slots->has_reader, false);
		return err;
	}
	atomic_fetch_add(&slots->refs, 1);
	reader->slots = slots;
	reader->sample_fn = sample_fn;
	reader->lost_fn = lost_fn;
	reader->arg = arg;
	*readerp = reader;
	return 0;
}

int map_perf_reader_consume(struct ebpf_perf_reader *reader)
{
	return reader_consume(reader);
}

int map_perf_reader_poll(struct ebpf_perf_reader *reader, int timeout_ms)
{
	return map_waitq_poll(&reader->slots->wq, timeout_ms, reader_consume, reader);
}

void map_perf_reader_destroy(struct ebpf_perf_reader *reader)
{
	struct perf_slots *slots;

	if (!reader)
		return;
	slots = reader->slots;
	for (uint32_t i = 0; i < slots->count; i++) {
		struct perf_ring *ring = atomic_exchange(&slots->ring[i], NULL);

		core_call_rcu(&ring->rcu, ring_free_rcu);
	}
	atomic_store(&slots->has_reader, false);
	slots_put(slots);
	free(reader);
}

/* ---- The public API ---------------------------------------------------------------------- */

static int check_perf_map(struct ebpf_map *map, const char *what)
{
	if (!map)
		return core_error(-EINVAL, "%s: map is NULL", what);
	if (map_is_descriptor(map))
		return core_error(-EOPNOTSUPP,
				  "%s: map '%s' has no storage (its object was opened to verify "
				  "only)",
				  what, map->name);
	if (!is_perf_map(map))
		return core_error(-EINVAL, "%s: map '%s' is a %s, not a perf_event_array", what,
				  map->name, map_type_label(map));
	return 0;
}

int ebpf_perf_event_output(struct ebpf_map *map, uint64_t flags, const void *data, size_t size,
			   const void *tail, size_t tail_size)
{
	const char *what = "perf event output";
	int err = check_perf_map(map, what);

	if (err)
		return err;
	if ((!data && size) || (!tail && tail_size))
		return core_error(-EINVAL, "%s: map '%s': NULL data of %zu bytes", what, map->name,
				  size ? size : tail_size);
	err = map_perf_event_output(map, flags, data, size, tail, tail_size);
	switch (err) {
	case 0:
	case -ENOSPC: /* the ring is full: frequent, and the reader learns of it */
		return err;
	case -EINVAL:
		return core_error(err, "%s: map '%s': flags 0x%llx name more than a ring index",
				  what, map->name, (unsigned long long)flags);
	case -E2BIG:
		return core_error(err, "%s: map '%s': no ring %llu (max_entries %u)", what,
				  map->name, (unsigned long long)(flags & EBPF_F_INDEX_MASK),
				  map->attr.max_entries);
	case -ENOENT:
		return core_error(err, "%s: map '%s' has no reader", what, map->name);
	default:
		return core_error(err, "%s: map '%s': a record of %zu bytes can never fit its ring",
				  what, map->name, size + tail_size);
	}
}

int ebpf_perf_reader_create(struct ebpf_map *map, ebpf_perf_sample_fn sample_fn,
			    ebpf_perf_lost_fn lost_fn, void *arg,
			    const struct ebpf_perf_reader_opts *opts,
			    struct ebpf_perf_reader **reader)
{
	const char *what = "perf reader";
	uint32_t pages;
	int err;

	core_error_clear();
	if (!reader || !sample_fn)
		return core_error(-EINVAL, "%s: the sample callback and reader are required", what);
	*reader = NULL;
	err = check_perf_map(map, what);
	if (err)
		return err;
	if (reader_pages(opts, &pages))
		return core_error(-EINVAL,
				  "%s: map '%s': pages_per_ring %u is not a power of 2 up to %u",
				  what, map->name, pages, PERF_MAX_PAGES);
	err = map_perf_reader_create(map, sample_fn, lost_fn, arg, pages, reader);
	if (err == -EBUSY)
		return core_error(err, "%s: map '%s' already has a reader", what, map->name);
	if (err)
		return core_error(err, "%s: map '%s': %u rings of %u pages: %s", what, map->name,
				  map->attr.max_entries, pages, strerror(-err));
	return 0;
}

int ebpf_perf_reader_poll(struct ebpf_perf_reader *reader, int timeout_ms)
{
	core_error_clear();
	if (!reader)
		return core_error(-EINVAL, "perf reader: reader is NULL");
	return map_perf_reader_poll(reader, timeout_ms);
}

int ebpf_perf_reader_consume(struct ebpf_perf_reader *reader)
{
	return ebpf_perf_reader_poll(reader, 0);
}

void ebpf_perf_reader_destroy(struct ebpf_perf_reader *reader)
{
	map_perf_reader_destroy(reader);
}
