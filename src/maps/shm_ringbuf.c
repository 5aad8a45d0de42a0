// SPDX-License-Identifier: MIT
/*
 * Shared ring buffer: the private ringbuf.c's ring in a pin file, so programs in any process
 * produce records and a consumer in another process reads them, in order, as Linux's ring buffer
 * mapped by a loader and a reader.
 *
 * The file: the shared header, the ring's state (consumer and producer positions, the consumer's
 * wait word, the reservations table) and, page aligned, the data, which each process maps twice
 * in a row so a record wrapping the end is contiguous. Records are Linux's: an 8-byte header
 * (u32 length with BUSY and DISCARD bits, u32 page offset back to the start of the mapping, which
 * is the file's header: how submit tells a shared ring from a private one) padded to 8 bytes.
 *
 * Producers reserve under the file's robust lock, as Linux's under its spin lock. A producer
 * killed between reserve and submit would leave a BUSY record that stops the consumer forever
 * (Linux has no such death: its producers are programs in the kernel). So each reservation is
 * also written to a table of in-flight reservations (position, producer's pid), cleared by
 * submit/discard. A consumer stopped at a BUSY record whose producer no longer exists, and the
 * next locker after a producer died holding the lock, sweep the table under the lock: a dead
 * producer's BUSY record becomes DISCARD (the consumer skips it), its slot is freed. At most
 * SHM_RB_SLOTS reservations are in flight at once; one more is refused as a full ring is.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdalign.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "maps/shm.h"

#define SHM_RB_SLOTS 128

struct shm_rb_slot {
	_Atomic int32_t pid; /* 0: free */
	uint32_t reserved;
	_Atomic uint64_t pos; /* the record's producer position */
};

/* The ring's state, at aux_off. */
struct shm_rb_state {
	alignas(64) _Atomic uint64_t consumer_pos;
	alignas(64) _Atomic uint64_t producer_pos;
	alignas(64) struct map_waitq wq;
	_Atomic int32_t consumer_pid; /* the process consuming, 0: none */
	_Atomic uint64_t dropped;     /* reservations refused: the ring (or the table) was full */
	_Atomic uint64_t discarded;   /* records of dead producers made DISCARD */
	struct shm_rb_slot slots[SHM_RB_SLOTS];
};

static size_t page_size(void)
{
	return (size_t)sysconf(_SC_PAGESIZE);
}

static struct shm_rb_state *rb_state(struct shm_map *m)
{
	return (struct shm_rb_state *)m->aux;
}

static uint64_t rb_mask(const struct shm_map *m)
{
	return (uint64_t)m->map.attr.max_entries - 1;
}

static struct map_rb_hdr *rb_record(struct shm_map *m, uint64_t pos)
{
	return (struct map_rb_hdr *)(m->data + (pos & rb_mask(m)));
}

/* ---- The file ---------------------------------------------------------------------------- */

static uint64_t shm_rb_layout(const struct map_attr *attr, struct shm_map *m)
{
	m->ncpus = 1;
	m->aux_off = map_round_up(sizeof(struct shm_header), 64);
	m->data_off = map_round_up(m->aux_off + sizeof(struct shm_rb_state), page_size());
	m->ring_off = 0;
	m->extra_off = 0;
	return m->data_off + attr->max_entries;
}

/* The header and state, then the data pages twice (the file's last max_entries bytes). */
static int shm_rb_mmap(struct shm_map *m, int fd, uint64_t file_size)
{
	uint64_t size = file_size - m->data_off;
	uint8_t *p;

	p = mmap(NULL, file_size + size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -errno;
	if (mmap(p, file_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, 0) ==
		MAP_FAILED ||
	    mmap(p + file_size, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd,
		 (off_t)m->data_off) == MAP_FAILED) {
		int err = -errno;

		munmap(p, file_size + size);
		return err;
	}
	m->base = p;
	m->size = file_size + size;
	return 0;
}

static void shm_rb_init(struct shm_map *m)
{
	map_waitq_init_shared(&rb_state(m)->wq); /* the rest of a new file reads as zeros */
}

static bool pid_dead(int32_t pid)
{
	return pid > 0 && kill(pid, 0) && errno == ESRCH;
}

/* Lock held: frees the slots of dead producers, making their BUSY records DISCARD. */
static void shm_rb_sweep(struct shm_map *m)
{
	struct shm_rb_state *st = rb_state(m);
	uint64_t cons = atomic_load(&st->consumer_pos);
	uint64_t prod = atomic_load(&st->producer_pos);

	for (int i = 0; i < SHM_RB_SLOTS; i++) {
		struct shm_rb_slot *slot = &st->slots[i];
		uint64_t pos = atomic_load(&slot->pos);
		uint32_t len;

		if (!pid_dead(atomic_load(&slot->pid)))
			continue;
		/* Published and not yet consumed: no reservation can reuse the bytes while the lock
		 * is held, so the record there is this slot's. Otherwise it died before publishing
		 * it, or after its record was committed (and maybe consumed): nothing to mark. */
		len = pos >= cons && pos < prod ? atomic_load(&rb_record(m, pos)->len) : 0;
		if (len & MAP_RB_BUSY_BIT) {
			atomic_store(&rb_record(m, pos)->len,
				     (len & ~MAP_RB_BUSY_BIT) | MAP_RB_DISCARD_BIT);
			atomic_fetch_add(&st->discarded, 1);
		}
		atomic_store(&slot->pid, 0);
	}
}

/* ---- Producers --------------------------------------------------------------------------- */

static uint32_t slot_start(const struct shm_map *m, uint64_t pos)
{
	return (uint32_t)((pos & rb_mask(m)) / 8 % SHM_RB_SLOTS);
}

static struct shm_rb_slot *slot_take(struct shm_map *m, uint64_t pos)
{
	struct shm_rb_state *st = rb_state(m);
	uint32_t start = slot_start(m, pos);

	for (uint32_t i = 0; i < SHM_RB_SLOTS; i++) {
		struct shm_rb_slot *slot = &st->slots[(start + i) % SHM_RB_SLOTS];

		if (!atomic_load(&slot->pid))
			return slot;
	}
	return NULL;
}

void *shm_ringbuf_reserve(struct shm_map *m, uint64_t size)
{
	struct shm_rb_state *st = rb_state(m);
	uint64_t len = map_round_up(size + MAP_RB_HDR_SIZE, 8), cons, prod;
	struct shm_rb_slot *slot = NULL;
	struct map_rb_hdr *hdr = NULL;

	if (len > rb_mask(m) + 1 || shm_lock(m))
		return NULL;
	cons = atomic_load(&st->consumer_pos);
	prod = atomic_load_explicit(&st->producer_pos, memory_order_relaxed);
	if (prod + len - cons <= rb_mask(m)) /* as Linux: at most size - 1 bytes in use */
		slot = slot_take(m, prod);
	if (!slot) {
		atomic_fetch_add(&st->dropped, 1);
		goto out;
	}
	hdr = rb_record(m, prod);
	hdr->pg_off = (uint32_t)(((uint8_t *)hdr - m->base) / page_size());
	atomic_store_explicit(&hdr->len, (uint32_t)size | MAP_RB_BUSY_BIT, memory_order_relaxed);
	/* Slot first: a death after the position moved always leaves its owner recorded. */
	atomic_store(&slot->pos, prod);
	atomic_store(&slot->pid, (int32_t)getpid());
	atomic_store_explicit(&st->producer_pos, prod + len, memory_order_release);
out:
	shm_unlock(m);
	return hdr ? hdr + 1 : NULL;
}

bool shm_ringbuf_owns(const void *ring_base)
{
	return ((const struct shm_header *)ring_base)->magic == SHM_MAGIC;
}

void shm_ringbuf_commit(void *ring_base, struct map_rb_hdr *hdr, uint64_t flags, bool discard)
{
	struct shm_header *h = ring_base;
	/* The state's place is fixed by the layout, never read from the file. */
	struct shm_rb_state *st =
	    (struct shm_rb_state *)((uint8_t *)h + map_round_up(sizeof(*h), 64));
	uint64_t mask = (uint64_t)h->max_entries - 1;
	uint64_t off = (uint64_t)((uint8_t *)hdr - ((uint8_t *)h + h->data_off)) & mask;
	uint32_t len = atomic_load_explicit(&hdr->len, memory_order_relaxed) & ~MAP_RB_BUSY_BIT;
	int32_t pid = (int32_t)getpid();
	uint32_t start = (uint32_t)(off / 8 % SHM_RB_SLOTS);

	if (discard)
		len |= MAP_RB_DISCARD_BIT;
	atomic_store(&hdr->len, len);
	/* After the commit: a death in between leaves a slot the sweep frees and nothing else. */
	for (uint32_t i = 0; i < SHM_RB_SLOTS; i++) {
		struct shm_rb_slot *slot = &st->slots[(start + i) % SHM_RB_SLOTS];

		if (atomic_load(&slot->pid) == pid && (atomic_load(&slot->pos) & mask) == off) {
			atomic_store(&slot->pid, 0);
			break;
		}
	}
	if (flags & MAP_RB_FORCE_WAKEUP)
		map_waitq_wake(&st->wq);
	else if (!(flags & MAP_RB_NO_WAKEUP) && (atomic_load(&st->consumer_pos) & mask) == off)
		map_waitq_wake(&st->wq);
}

void map_shm_ringbuf_stats(struct ebpf_map *map, uint64_t *dropped, uint64_t *discarded)
{
	struct shm_rb_state *st = rb_state(to_shm(map));

	*dropped = atomic_load(&st->dropped);
	*discarded = atomic_load(&st->discarded);
}

/* ---- The consumer ------------------------------------------------------------------------ */

/* One consumer per ring across processes; a dead consumer's claim is taken over. */
int shm_ringbuf_claim(struct shm_map *m)
{
	struct shm_rb_state *st = rb_state(m);
	int32_t owner = 0;

	while (!atomic_compare_exchange_strong(&st->consumer_pid, &owner, (int32_t)getpid())) {
		if (!pid_dead(owner))
			return -EBUSY;
	}
	return 0;
}

void shm_ringbuf_release(struct shm_map *m)
{
	int32_t me = (int32_t)getpid();

	atomic_compare_exchange_strong(&rb_state(m)->consumer_pid, &me, 0);
}

/* At a BUSY record: sweeps when its producer is dead; true when the record became passable. */
static bool shm_rb_unblock(void *ctx, uint64_t pos)
{
	struct shm_map *m = ctx;
	struct shm_rb_state *st = rb_state(m);
	bool dead = false;

	for (int i = 0; i < SHM_RB_SLOTS && !dead; i++) {
		dead = atomic_load(&st->slots[i].pos) == pos &&
		       pid_dead(atomic_load(&st->slots[i].pid));
	}
	if (!dead || shm_lock(m))
		return false;
	shm_rb_sweep(m);
	shm_unlock(m);
	return !(atomic_load(&rb_record(m, pos)->len) & MAP_RB_BUSY_BIT);
}

void shm_ringbuf_view(struct shm_map *m, struct map_rb_view *v)
{
	struct shm_rb_state *st = rb_state(m);

	*v = (struct map_rb_view){
		.data = m->data,
		.mask = rb_mask(m),
		.consumer_pos = &st->consumer_pos,
		.producer_pos = &st->producer_pos,
		.unblock = shm_rb_unblock,
		.ctx = m,
	};
}

struct map_waitq *shm_ringbuf_waitq(struct shm_map *m)
{
	return &rb_state(m)->wq;
}

static const struct map_ops shm_rb_map_ops = {
	.check_attr = shm_check_attr,
	.alloc = shm_alloc,
	.free = shm_free,
};

const struct shm_type shm_ringbuf_type = {
	.type = EBPF_MAP_TYPE_RINGBUF,
	.ops = &shm_rb_map_ops,
	.layout = shm_rb_layout,
	.init = shm_rb_init,
	.recover = shm_rb_sweep,
	.mmap = shm_rb_mmap,
};
