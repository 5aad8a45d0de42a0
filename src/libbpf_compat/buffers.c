/* SPDX-License-Identifier: MIT */
/* ring_buffer and perf_buffer over extbpf's ring buffer consumers and perf readers. */
#include <stdlib.h>
#include <time.h>

#include "compat.h"

struct rb_ring {
	struct ebpf_map *map;
	struct ebpf_ringbuf_consumer *consumer;
	ring_buffer_sample_fn fn;
	void *ctx;
};

struct ring_buffer {
	struct rb_ring **rings;
	size_t ring_cnt;
};

/* extbpf hands records out as const; libbpf's callbacks take them writable (the record is the
 * host's to use until the callback returns). */
static int rb_sample(void *arg, const void *data, size_t size)
{
	struct rb_ring *r = arg;

	return r->fn(r->ctx, (void *)data, size);
}

static void ring_free(struct rb_ring *r)
{
	ebpf_ringbuf_consumer_destroy(r->consumer);
	compat_fd_put(COMPAT_FD_MAP, r->map);
	free(r);
}

int ring_buffer__add(struct ring_buffer *rb, int map_fd, ring_buffer_sample_fn sample_cb, void *ctx)
{
	struct rb_ring **rings, *r;
	int err;

	if (!rb || !sample_cb)
		return compat_fail(-EINVAL, "ring_buffer__add: ring buffer or callback is NULL");
	r = calloc(1, sizeof(*r));
	if (!r)
		return compat_err(-ENOMEM);
	r->fn = sample_cb;
	r->ctx = ctx;
	err = compat_fd_get(map_fd, COMPAT_FD_MAP, (void **)&r->map);
	if (err) {
		free(r);
		return compat_fail(err, "ring_buffer__add: fd %d is not a map", map_fd);
	}
	err = ebpf_ringbuf_consumer_create(r->map, rb_sample, r, &r->consumer);
	if (err) {
		err = compat_fail(err, "ring_buffer__add: map '%s'", ebpf_map_name(r->map));
		goto fail;
	}
	rings = realloc(rb->rings, (rb->ring_cnt + 1) * sizeof(*rings));
	if (!rings) {
		err = compat_err(-ENOMEM);
		goto fail;
	}
	rings[rb->ring_cnt++] = r;
	rb->rings = rings;
	return 0;
fail:
	ring_free(r);
	return err;
}

struct ring_buffer *ring_buffer__new(int map_fd, ring_buffer_sample_fn sample_cb, void *ctx,
				     const struct ring_buffer_opts *opts)
{
	struct ring_buffer *rb;
	int err;

	if (opts && opts->sz != sizeof(*opts))
		return compat_err_ptr(compat_fail(-EINVAL, "ring_buffer_opts: sz %zu, want %zu",
						  opts->sz, sizeof(*opts)));
	rb = calloc(1, sizeof(*rb));
	if (!rb)
		return compat_err_ptr(-ENOMEM);
	err = ring_buffer__add(rb, map_fd, sample_cb, ctx);
	if (err) {
		ring_buffer__free(rb);
		return compat_err_ptr(err);
	}
	return rb;
}

void ring_buffer__free(struct ring_buffer *rb)
{
	if (!rb)
		return;
	for (size_t i = 0; i < rb->ring_cnt; i++)
		ring_free(rb->rings[i]);
	free(rb->rings);
	free(rb);
}

/* Every ring once without waiting: the records consumed, or a callback's negative value. */
static int consume_all(struct ring_buffer *rb)
{
	int total = 0;

	for (size_t i = 0; i < rb->ring_cnt; i++) {
		int n = ebpf_ringbuf_consumer_poll(rb->rings[i]->consumer, 0);

		if (n < 0)
			return n;
		total += n;
	}
	return total;
}

int ring_buffer__consume(struct ring_buffer *rb)
{
	if (!rb)
		return compat_err(-EINVAL);
	return compat_err(consume_all(rb));
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/*
 * One ring waits on its own consumer. Several are visited in turn, each waiting a slice of the
 * time left, since extbpf's consumers have no shared wait (libbpf's epoll set).
 */
int ring_buffer__poll(struct ring_buffer *rb, int timeout_ms)
{
	long long deadline;
	int n;

	if (!rb)
		return compat_err(-EINVAL);
	if (rb->ring_cnt == 1)
		return compat_err(ebpf_ringbuf_consumer_poll(rb->rings[0]->consumer, timeout_ms));
	deadline = now_ms() + timeout_ms;
	for (;;) {
		n = consume_all(rb);
		if (n || !timeout_ms)
			return compat_err(n);
		for (size_t i = 0; i < rb->ring_cnt; i++) {
			long long left = deadline - now_ms();
			int slice = timeout_ms < 0 ? 10 : left > 10 ? 10 : (int)left;

			if (timeout_ms >= 0 && left <= 0)
				return 0;
			n = ebpf_ringbuf_consumer_poll(rb->rings[i]->consumer, slice);
			if (n)
				return compat_err(n < 0 ? n : n + consume_all(rb));
		}
	}
}

/* ---- Perf buffers ------------------------------------------------------------------------- */

struct perf_buffer {
	struct ebpf_map *map;
	struct ebpf_perf_reader *reader;
	perf_buffer_sample_fn sample_fn;
	perf_buffer_lost_fn lost_fn;
	void *ctx;
};

static void pb_sample(void *arg, int cpu, const void *data, uint32_t size)
{
	struct perf_buffer *pb = arg;

	pb->sample_fn(pb->ctx, cpu, (void *)data, size);
}

static void pb_lost(void *arg, int cpu, uint64_t lost)
{
	struct perf_buffer *pb = arg;

	if (pb->lost_fn)
		pb->lost_fn(pb->ctx, cpu, lost);
}

struct perf_buffer *perf_buffer__new(int map_fd, size_t page_cnt, perf_buffer_sample_fn sample_cb,
				     perf_buffer_lost_fn lost_cb, void *ctx,
				     const struct perf_buffer_opts *opts)
{
	struct ebpf_perf_reader_opts ro = { .sz = sizeof(ro) };
	struct perf_buffer *pb;
	int err;

	if (!sample_cb || !page_cnt || (page_cnt & (page_cnt - 1)) || page_cnt > UINT32_MAX)
		return compat_err_ptr(compat_fail(-EINVAL,
						  "perf_buffer__new: no callback, or "
						  "page_cnt %zu not a power of 2",
						  page_cnt));
	if (opts && (opts->sz < sizeof(size_t) || opts->sz > sizeof(*opts) ||
		     (opts->sz == sizeof(*opts) && opts->sample_period > 1)))
		return compat_err_ptr(compat_fail(-EINVAL,
						  "perf_buffer_opts: sz %zu or "
						  "sample_period (0 or 1)",
						  opts->sz));
	pb = calloc(1, sizeof(*pb));
	if (!pb)
		return compat_err_ptr(-ENOMEM);
	*pb = (struct perf_buffer){ .sample_fn = sample_cb, .lost_fn = lost_cb, .ctx = ctx };
	err = compat_fd_get(map_fd, COMPAT_FD_MAP, (void **)&pb->map);
	if (err) {
		free(pb);
		return compat_err_ptr(
		    compat_fail(err, "perf_buffer__new: fd %d is not a map", map_fd));
	}
	ro.pages_per_ring = (uint32_t)page_cnt;
	err = ebpf_perf_reader_create(pb->map, pb_sample, pb_lost, pb, &ro, &pb->reader);
	if (err) {
		compat_fail(err, "perf_buffer__new: map '%s'", ebpf_map_name(pb->map));
		perf_buffer__free(pb);
		return compat_err_ptr(err);
	}
	return pb;
}

int perf_buffer__poll(struct perf_buffer *pb, int timeout_ms)
{
	if (!pb)
		return compat_err(-EINVAL);
	return compat_err(ebpf_perf_reader_poll(pb->reader, timeout_ms));
}

int perf_buffer__consume(struct perf_buffer *pb)
{
	if (!pb)
		return compat_err(-EINVAL);
	return compat_err(ebpf_perf_reader_consume(pb->reader));
}

void perf_buffer__free(struct perf_buffer *pb)
{
	if (!pb)
		return;
	ebpf_perf_reader_destroy(pb->reader);
	compat_fd_put(COMPAT_FD_MAP, pb->map);
	free(pb);
}
