/* SPDX-License-Identifier: MIT */
/*
 * Host queues: the user-space counterpart of AF_XDP sockets. A host creates a queue, puts its id
 * into an xskmap, and programs that bpf_redirect_map to that entry deliver a copy of the packet
 * into the queue, which the host reads frame by frame. A full queue drops the packet (counted),
 * as a full AF_XDP fill ring does.
 *
 * Queues are listed under packet.lock: deliveries happen while a device runs packets (the read
 * lock is held), so destroying a queue (the write lock) waits for them.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "packet_internal.h"

#define XSK_CAPACITY_MAX 65536u

struct xsk_frame {
	size_t len;
	unsigned char *data;
};

struct xdp_xsk {
	struct xdp_xsk *next; /* in packet.xsks */
	uint32_t id;
	pthread_mutex_t lock; /* the ring and the counter */
	uint32_t capacity;
	uint32_t head;
	uint32_t count;
	uint64_t dropped;
	struct xsk_frame ring[];
};

int xdp_xsk_create(uint32_t capacity, struct xdp_xsk **out)
{
	struct xdp_xsk *q;

	xdp_error_clear();
	if (!out)
		return xdp_error(-EINVAL, "xdp_xsk_create: no output pointer");
	if (!capacity || capacity > XSK_CAPACITY_MAX)
		return xdp_error(-EINVAL, "xdp_xsk_create: capacity %u is not 1 to %u frames",
				 capacity, XSK_CAPACITY_MAX);
	q = calloc(1, sizeof(*q) + (size_t)capacity * sizeof(q->ring[0]));
	if (!q)
		return xdp_error(-ENOMEM, "xdp_xsk_create: out of memory");
	pthread_mutex_init(&q->lock, NULL);
	q->capacity = capacity;
	pthread_rwlock_wrlock(&packet.lock);
	q->id = ++packet.last_xsk_id;
	q->next = packet.xsks;
	packet.xsks = q;
	pthread_rwlock_unlock(&packet.lock);
	*out = q;
	return 0;
}

void xdp_xsk_destroy(struct xdp_xsk *q)
{
	struct xdp_xsk **p;

	if (!q)
		return;
	pthread_rwlock_wrlock(&packet.lock);
	for (p = &packet.xsks; *p && *p != q; p = &(*p)->next)
		;
	if (*p)
		*p = q->next;
	pthread_rwlock_unlock(&packet.lock);
	for (uint32_t i = 0; i < q->count; i++)
		free(q->ring[(q->head + i) % q->capacity].data);
	pthread_mutex_destroy(&q->lock);
	free(q);
}

uint32_t xdp_xsk_id(const struct xdp_xsk *q)
{
	return q->id;
}

int xdp_xsk_read(struct xdp_xsk *q, void *buf, size_t size, size_t *len)
{
	struct xsk_frame *f;
	int err = 0;

	xdp_error_clear();
	if (!q || !buf || !len)
		return xdp_error(-EINVAL, "xdp_xsk_read: queue, buffer and length are required");
	pthread_mutex_lock(&q->lock);
	f = &q->ring[q->head];
	if (!q->count) {
		err = -EAGAIN;
	} else if (f->len > size) {
		*len = f->len;
		err = -EMSGSIZE;
	} else {
		memcpy(buf, f->data, f->len);
		*len = f->len;
		free(f->data);
		f->data = NULL;
		q->head = (q->head + 1) % q->capacity;
		q->count--;
	}
	pthread_mutex_unlock(&q->lock);
	if (err == -EMSGSIZE)
		return xdp_error(err, "xdp_xsk_read: the next frame has %zu bytes, the buffer %zu",
				 *len, size);
	return err;
}

uint64_t xdp_xsk_dropped(struct xdp_xsk *q)
{
	uint64_t n;

	pthread_mutex_lock(&q->lock);
	n = q->dropped;
	pthread_mutex_unlock(&q->lock);
	return n;
}

/* Under packet.lock (either side). */
static struct xdp_xsk *find_locked(uint32_t id)
{
	struct xdp_xsk *q = packet.xsks;

	while (q && q->id != id)
		q = q->next;
	return q;
}

bool xdp_xsk_exists(uint32_t id)
{
	bool found;

	pthread_rwlock_rdlock(&packet.lock);
	found = id && find_locked(id);
	pthread_rwlock_unlock(&packet.lock);
	return found;
}

int xdp_xsk_deliver(uint32_t id, const void *data, size_t len)
{
	struct xdp_xsk *q = find_locked(id);
	unsigned char *copy;
	int err = 0;

	if (!q)
		return -ENOENT;
	copy = malloc(len ? len : 1);
	pthread_mutex_lock(&q->lock);
	if (!copy || q->count == q->capacity) {
		q->dropped++;
		err = -ENOSPC;
	} else {
		memcpy(copy, data, len);
		q->ring[(q->head + q->count) % q->capacity] = (struct xsk_frame){ len, copy };
		q->count++;
		copy = NULL;
	}
	pthread_mutex_unlock(&q->lock);
	free(copy);
	return err;
}
