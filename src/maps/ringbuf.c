// SPDX-License-Identifier: MIT
/*
 * Ring buffer (Linux's ringbuf.c): a multi-producer, single-consumer byte ring of max_entries
 * bytes (a power of two, a multiple of the page size). Producers reserve a record under a spin
 * lock, fill it, then submit or discard it without the lock; the consumer reads committed records
 * in order, so a record reserved early holds back the ones after it until it is submitted.
 *
 * Each record starts with an 8-byte header: u32 length with MAP_RB_BUSY_BIT (being written) and
 * MAP_RB_DISCARD_BIT, and u32 pg_off, the distance in pages back to the ring, which is how
 * submit finds the ring from the record alone. Records are padded to 8 bytes.
 *
 * As on Linux the data pages are mapped twice in a row, so a record that wraps around the end of
 * the ring is still contiguous in memory. The ring (header page + data) is reference counted: the
 * map and the consumer each hold it, as an mmap of a Linux ring buffer outlives its map fd.
 *
 * Wake-ups (map_wait.c): submit wakes the consumer when it caught up with this record, or with
 * BPF_RB_FORCE_WAKEUP; never with BPF_RB_NO_WAKEUP.
 */
#define _GNU_SOURCE /* sched_getcpu, memfd_create */
#include <pthread.h>
#include <stdalign.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/error.h"
#include "maps/shm.h"

/* The first page of the mapping; the data follows at page_size. */
struct rb_ring {
	/* Never a shared map file's magic: how submit tells a private ring from a shared one. */
	uint64_t magic;
	atomic_uint refs; /* the map and the consumer */
	atomic_bool has_consumer;
	pthread_spinlock_t lock; /* producers' reservations */
	size_t page_size;
	size_t map_len; /* header page + data mapped twice */
	uint64_t mask;
	struct map_waitq wq;
	alignas(64) _Atomic uint64_t consumer_pos;
	alignas(64) _Atomic uint64_t producer_pos;
};

#define RB_PRIVATE_MAGIC 0x676e6972666270ull /* "pbfring" */

struct ringbuf_map {
	struct ebpf_map map;
	struct rb_ring *ring;
};

struct ebpf_ringbuf_consumer {
	struct rb_ring *ring;	/* a private ring, or */
	struct shm_map *shared; /* a shared one (shm_ringbuf.c) */
	struct map_rb_view view;
	ebpf_ringbuf_sample_fn fn;
	void *arg;
};

static struct rb_ring *to_ring(struct ebpf_map *map)
{
	return ((struct ringbuf_map *)map)->ring;
}

static uint8_t *ring_data(struct rb_ring *ring)
{
	return (uint8_t *)ring + ring->page_size;
}

static uint32_t record_size(uint32_t len)
{
	return (uint32_t)map_round_up(
	    (uint64_t)(len & ~(MAP_RB_BUSY_BIT | MAP_RB_DISCARD_BIT)) + MAP_RB_HDR_SIZE, 8);
}

/* ---- The mapping ------------------------------------------------------------------------- */

static int ring_map_data(uint8_t *where, size_t size)
{
	int fd = memfd_create("extbpf-ringbuf", MFD_CLOEXEC);
	int err = 0;

	if (fd < 0)
		return -errno;
	if (ftruncate(fd, (off_t)size) ||
	    mmap(where, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, 0) ==
		MAP_FAILED ||
	    mmap(where + size, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, 0) ==
		MAP_FAILED)
		err = -errno;
	close(fd);
	return err;
}

static int ring_create(size_t size, struct rb_ring **ringp)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t len = page + 2 * size;
	struct rb_ring *ring;
	int err;

	ring = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ring == MAP_FAILED)
		return -ENOMEM;
	err = ring_map_data((uint8_t *)ring + page, size);
	if (err) {
		munmap(ring, len);
		return err;
	}
	ring->magic = RB_PRIVATE_MAGIC;
	atomic_init(&ring->refs, 1);
	atomic_init(&ring->has_consumer, false);
	pthread_spin_init(&ring->lock, PTHREAD_PROCESS_PRIVATE);
	ring->page_size = page;
	ring->map_len = len;
	ring->mask = size - 1;
	map_waitq_init(&ring->wq);
	atomic_init(&ring->consumer_pos, 0);
	atomic_init(&ring->producer_pos, 0);
	*ringp = ring;
	return 0;
}

static void ring_put(struct rb_ring *ring)
{
	if (atomic_fetch_sub(&ring->refs, 1) != 1)
		return;
	pthread_spin_destroy(&ring->lock);
	munmap(ring, ring->map_len);
}

/* ---- Map operations ---------------------------------------------------------------------- */

static int ringbuf_check_attr(const struct map_attr *attr, const char **why)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	uint32_t size = attr->max_entries;
	int err = map_check_common(attr, MAP_F_NUMA_NODE, why);

	if (err)
		return err;
	if (attr->key_size || attr->value_size) {
		*why = "key_size and value_size must be 0 for ring buffers";
		return -EINVAL;
	}
	if ((size & (size - 1)) || size % page) {
		*why = "max_entries (the ring's size in bytes) must be a power of 2 and a multiple "
		       "of the page size";
		return -EINVAL;
	}
	return 0;
}

static int ringbuf_alloc(const struct map_attr *attr, struct ebpf_map **map, const char **why)
{
	struct ringbuf_map *rb = calloc(1, sizeof(*rb));
	int err;

	if (!rb)
		return -ENOMEM;
	err = ring_create(attr->max_entries, &rb->ring);
	if (err) {
		free(rb);
		return err;
	}
	*map = &rb->map;
	return 0;
}

static void ringbuf_free(struct ebpf_map *map)
{
	ring_put(to_ring(map));
	free(map);
}

const struct map_ops ringbuf_map_ops = {
	.check_attr = ringbuf_check_attr,
	.alloc = ringbuf_alloc,
	.free = ringbuf_free,
};

/* ---- Producers --------------------------------------------------------------------------- */

void *map_ringbuf_reserve(struct ebpf_map *map, uint64_t size, uint64_t flags)
{
	struct rb_ring *ring;
	struct map_rb_hdr *hdr;
	uint64_t len, cons, prod;

	if (map->attr.type != EBPF_MAP_TYPE_RINGBUF || flags || size > UINT32_MAX / 4)
		return NULL;
	if (map_is_shared(map))
		return shm_ringbuf_reserve(to_shm(map), size);
	ring = to_ring(map);
	len = map_round_up(size + MAP_RB_HDR_SIZE, 8);
	if (len > ring->mask + 1)
		return NULL;
	pthread_spin_lock(&ring->lock);
	cons = atomic_load(&ring->consumer_pos);
	prod = atomic_load_explicit(&ring->producer_pos, memory_order_relaxed);
	if (prod + len - cons > ring->mask) { /* as Linux: at most size - 1 bytes in use */
		pthread_spin_unlock(&ring->lock);
		return NULL;
	}
	hdr = (struct map_rb_hdr *)(ring_data(ring) + (prod & ring->mask));
	hdr->pg_off = (uint32_t)(((uint8_t *)hdr - (uint8_t *)ring) / ring->page_size);
	atomic_store_explicit(&hdr->len, (uint32_t)size | MAP_RB_BUSY_BIT, memory_order_relaxed);
	/* Release: the consumer that sees the new position sees the busy header. */
	atomic_store_explicit(&ring->producer_pos, prod + len, memory_order_release);
	pthread_spin_unlock(&ring->lock);
	return hdr + 1;
}

static void ring_commit(void *data, uint64_t flags, bool discard)
{
	struct map_rb_hdr *hdr = (struct map_rb_hdr *)data - 1;
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	/* pg_off counts whole pages from the ring to the page the header is in. */
	struct rb_ring *ring = (struct rb_ring *)(((uintptr_t)hdr & ~(uintptr_t)(page - 1)) -
						  (size_t)hdr->pg_off * page);
	uint32_t len;
	uint64_t rec_pos;

	if (shm_ringbuf_owns(ring)) {
		shm_ringbuf_commit(ring, hdr, flags, discard);
		return;
	}
	len = atomic_load_explicit(&hdr->len, memory_order_relaxed) & ~MAP_RB_BUSY_BIT;
	rec_pos = (uint64_t)((uint8_t *)hdr - ring_data(ring));
	if (discard)
		len |= MAP_RB_DISCARD_BIT;
	/* Sequentially consistent, as the consumer's check of waiters and headers. */
	atomic_store(&hdr->len, len);
	if (flags & MAP_RB_FORCE_WAKEUP)
		map_waitq_wake(&ring->wq);
	else if (!(flags & MAP_RB_NO_WAKEUP) &&
		 (atomic_load(&ring->consumer_pos) & ring->mask) == rec_pos)
		map_waitq_wake(&ring->wq);
}

void map_ringbuf_submit(void *data, uint64_t flags)
{
	ring_commit(data, flags, false);
}

void map_ringbuf_discard(void *data, uint64_t flags)
{
	ring_commit(data, flags, true);
}

int map_ringbuf_output(struct ebpf_map *map, const void *data, uint64_t size, uint64_t flags)
{
	void *rec;

	if (flags & ~(uint64_t)(MAP_RB_NO_WAKEUP | MAP_RB_FORCE_WAKEUP))
		return -EINVAL;
	rec = map_ringbuf_reserve(map, size, 0);
	if (!rec)
		return -EAGAIN;
	memcpy(rec, data, size);
	map_ringbuf_submit(rec, flags);
	return 0;
}

/* The view of a map's ring, private or shared, for the consumer and query. */
static void ring_view(struct ebpf_map *map, struct map_rb_view *v)
{
	struct rb_ring *ring;

	if (map_is_shared(map)) {
		shm_ringbuf_view(to_shm(map), v);
		return;
	}
	ring = to_ring(map);
	*v = (struct map_rb_view){
		.data = ring_data(ring),
		.mask = ring->mask,
		.consumer_pos = &ring->consumer_pos,
		.producer_pos = &ring->producer_pos,
	};
}

uint64_t map_ringbuf_query(struct ebpf_map *map, uint64_t flags)
{
	struct map_rb_view v;

	if (map->attr.type != EBPF_MAP_TYPE_RINGBUF)
		return 0;
	ring_view(map, &v);
	switch (flags) {
	case MAP_RB_AVAIL_DATA:
		return atomic_load(v.producer_pos) - atomic_load(v.consumer_pos);
	case MAP_RB_RING_SIZE:
		return v.mask + 1;
	case MAP_RB_CONS_POS:
		return atomic_load(v.consumer_pos);
	case MAP_RB_PROD_POS:
		return atomic_load(v.producer_pos);
	default:
		return 0;
	}
}

/* ---- The consumer ------------------------------------------------------------------------ */

int map_ringbuf_consumer_create(struct ebpf_map *map, ebpf_ringbuf_sample_fn fn, void *arg,
				struct ebpf_ringbuf_consumer **consumerp)
{
	struct ebpf_ringbuf_consumer *consumer;
	struct rb_ring *ring;

	if (map->attr.type != EBPF_MAP_TYPE_RINGBUF || !fn)
		return -EINVAL;
	consumer = calloc(1, sizeof(*consumer));
	if (!consumer)
		return -ENOMEM;
	if (map_is_shared(map)) {
		int err = shm_ringbuf_claim(to_shm(map));

		if (err) {
			free(consumer);
			return err;
		}
		shm_get(to_shm(map));
		consumer->shared = to_shm(map);
	} else {
		ring = to_ring(map);
		if (atomic_exchange(&ring->has_consumer, true)) {
			free(consumer);
			return -EBUSY;
		}
		atomic_fetch_add(&ring->refs, 1);
		consumer->ring = ring;
	}
	ring_view(map, &consumer->view);
	consumer->fn = fn;
	consumer->arg = arg;
	*consumerp = consumer;
	return 0;
}

void map_ringbuf_consumer_destroy(struct ebpf_ringbuf_consumer *consumer)
{
	if (!consumer)
		return;
	if (consumer->shared) {
		shm_ringbuf_release(consumer->shared);
		shm_put(consumer->shared);
	} else {
		atomic_store(&consumer->ring->has_consumer, false);
		ring_put(consumer->ring);
	}
	free(consumer);
}

/* As libbpf's ringbuf_process_ring: a record is consumed before its callback runs. */
int map_rb_consume(const struct map_rb_view *v, ebpf_ringbuf_sample_fn fn, void *arg)
{
	uint64_t cons = atomic_load_explicit(v->consumer_pos, memory_order_relaxed);
	uint64_t prod = atomic_load_explicit(v->producer_pos, memory_order_acquire);
	int count = 0;

	while (cons < prod) {
		struct map_rb_hdr *hdr = (struct map_rb_hdr *)(v->data + (cons & v->mask));
		uint32_t len = atomic_load(&hdr->len);
		int err;

		if (len & MAP_RB_BUSY_BIT) {
			if (v->unblock && v->unblock(v->ctx, cons))
				continue;
			break;
		}
		cons += record_size(len);
		if (!(len & MAP_RB_DISCARD_BIT)) {
			err = fn(arg, hdr + 1, len & ~MAP_RB_DISCARD_BIT);
			if (err < 0) {
				atomic_store(v->consumer_pos, cons);
				return err;
			}
			count++;
		}
		atomic_store(v->consumer_pos, cons);
		if (cons == prod)
			prod = atomic_load_explicit(v->producer_pos, memory_order_acquire);
	}
	return count;
}

int map_ringbuf_consumer_consume(struct ebpf_ringbuf_consumer *consumer)
{
	return map_rb_consume(&consumer->view, consumer->fn, consumer->arg);
}

static int consume_cb(void *consumer)
{
	return map_ringbuf_consumer_consume(consumer);
}

int map_ringbuf_consumer_poll(struct ebpf_ringbuf_consumer *consumer, int timeout_ms)
{
	struct map_waitq *wq =
	    consumer->shared ? shm_ringbuf_waitq(consumer->shared) : &consumer->ring->wq;

	return map_waitq_poll(wq, timeout_ms, consume_cb, consumer);
}

/* ---- The public consumer ----------------------------------------------------------------- */

int ebpf_ringbuf_consumer_create(struct ebpf_map *ringbuf, ebpf_ringbuf_sample_fn fn, void *arg,
				 struct ebpf_ringbuf_consumer **consumer)
{
	int err;

	core_error_clear();
	if (!ringbuf || !fn || !consumer)
		return core_error(-EINVAL,
				  "ringbuf consumer: map, callback and consumer are required");
	if (ringbuf->attr.type != EBPF_MAP_TYPE_RINGBUF)
		return core_error(-EINVAL, "ringbuf consumer: map '%s' is a %s, not a ringbuf",
				  ringbuf->name, map_type_label(ringbuf));
	if (map_is_descriptor(ringbuf))
		return core_error(
		    -EOPNOTSUPP,
		    "ringbuf consumer: map '%s' has no storage (its object was opened "
		    "to verify only)",
		    ringbuf->name);
	err = map_ringbuf_consumer_create(ringbuf, fn, arg, consumer);
	if (err == -EBUSY)
		return core_error(err, "ringbuf consumer: map '%s' already has a consumer",
				  ringbuf->name);
	if (err)
		return core_error(err, "ringbuf consumer: map '%s': %s", ringbuf->name,
				  strerror(-err));
	return 0;
}

int ebpf_ringbuf_consumer_poll(struct ebpf_ringbuf_consumer *consumer, int timeout_ms)
{
	int n;

	core_error_clear();
	if (!consumer)
		return core_error(-EINVAL, "ringbuf consumer: consumer is NULL");
	n = map_ringbuf_consumer_poll(consumer, timeout_ms);
	if (n < 0)
		return core_error(n, "ringbuf consumer: the sample callback returned %d", n);
	return n;
}

void ebpf_ringbuf_consumer_destroy(struct ebpf_ringbuf_consumer *consumer)
{
	map_ringbuf_consumer_destroy(consumer);
}
