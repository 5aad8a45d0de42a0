/* SPDX-License-Identifier: MIT */
/*
 * Perf event arrays: attributes, records framed as perf frames them and read back in order per
 * ring, wrap-around, a full ring counting lost records (reported before the next record, as
 * PERF_RECORD_LOST), oversize records, flags, and the reader's API refusing misuse.
 */
#define _GNU_SOURCE /* pthread_setaffinity_np */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <unistd.h>

#include "core/error.h"
#include "maps/map_test.h"

struct test_objects test_objects;

#define MAX_SEEN 4096

struct seen {
	uint32_t count;
	int cpu[MAX_SEEN];
	uint32_t size[MAX_SEEN];
	uint8_t first[MAX_SEEN]; /* first byte of each record */
	uint32_t tag[MAX_SEEN];	 /* first u32 of each record (when it has 4 bytes) */
	uint64_t lost;
	uint32_t lost_events;
	int lost_before; /* the record count when the last lost event came */
};

static void on_sample(void *arg, int cpu, const void *data, uint32_t size)
{
	struct seen *s = arg;

	if (s->count >= MAX_SEEN)
		fail_msg("too many records");
	s->cpu[s->count] = cpu;
	s->size[s->count] = size;
	s->first[s->count] = size ? *(const uint8_t *)data : 0;
	if (size >= 4)
		memcpy(&s->tag[s->count], data, 4);
	s->count++;
}

static void on_lost(void *arg, int cpu, uint64_t lost)
{
	struct seen *s = arg;

	(void)cpu;
	s->lost += lost;
	s->lost_events++;
	s->lost_before = (int)s->count;
}

static struct ebpf_map *perf_map(uint32_t rings)
{
	return test_map(EBPF_MAP_TYPE_PERF_EVENT_ARRAY, 4, 4, rings);
}

static struct ebpf_perf_reader *reader_of(struct ebpf_map *map, struct seen *s, uint32_t pages)
{
	struct ebpf_perf_reader_opts opts = { .sz = sizeof(opts), .pages_per_ring = pages };
	struct ebpf_perf_reader *reader = NULL;

	memset(s, 0, sizeof(*s));
	assert_int_equal(ebpf_perf_reader_create(map, on_sample, on_lost, s, &opts, &reader), 0);
	return reader;
}

static void test_attributes(void **state)
{
	(void)state;
	assert_int_equal(test_create_err(EBPF_MAP_TYPE_PERF_EVENT_ARRAY, 8, 4, 2, 0, "key_size"),
			 -EINVAL);
	assert_int_equal(test_create_err(EBPF_MAP_TYPE_PERF_EVENT_ARRAY, 4, 8, 2, 0, "value_size"),
			 -EINVAL);
	assert_int_equal(test_create_err(EBPF_MAP_TYPE_PERF_EVENT_ARRAY, 4, 4, 0, 0, "max_entries"),
			 -EINVAL);
	assert_int_equal(test_create_err(EBPF_MAP_TYPE_PERF_EVENT_ARRAY, 4, 4, 2,
					 EBPF_F_RDONLY_PROG, "map_flags"),
			 -EINVAL);
	map_destroy(perf_map(2));
}

static void test_no_reader(void **state)
{
	struct ebpf_map *map = perf_map(2);
	uint32_t v = 1;

	(void)state;
	assert_int_equal(map_perf_event_output(map, 0, &v, sizeof(v), NULL, 0), -ENOENT);
	assert_int_equal(ebpf_perf_event_output(map, 1, &v, sizeof(v), NULL, 0), -ENOENT);
	assert_non_null(strstr(ebpf_last_error(), "no reader"));
	map_destroy(map);
}

/* Two rings, records interleaved between them: each ring gives its own in order. */
static void test_order_per_ring(void **state)
{
	struct ebpf_map *map = perf_map(2);
	struct seen s;
	struct ebpf_perf_reader *reader = reader_of(map, &s, 1);
	uint32_t per_ring[2] = { 0, 0 };

	(void)state;
	for (uint32_t i = 0; i < 40; i++) {
		uint32_t tag = i;

		assert_int_equal(ebpf_perf_event_output(map, i % 2, &tag, sizeof(tag), NULL, 0), 0);
	}
	assert_int_equal(ebpf_perf_reader_consume(reader), 40);
	assert_int_equal(s.count, 40);
	for (uint32_t i = 0; i < s.count; i++) {
		int cpu = s.cpu[i];

		assert_true(cpu == 0 || cpu == 1);
		assert_int_equal(s.tag[i], per_ring[cpu] * 2 + (uint32_t)cpu);
		assert_int_equal(s.size[i], 4); /* 4 + 4 bytes: no padding */
		per_ring[cpu]++;
	}
	assert_int_equal(per_ring[0], 20);
	assert_int_equal(per_ring[1], 20);
	assert_int_equal(ebpf_perf_reader_consume(reader), 0);
	ebpf_perf_reader_destroy(reader);
	map_destroy(map);
	test_rcu_barrier();
}

/* Linux's framing: the raw size counts the padding that makes the record 8-byte aligned, and
 * a tail (the packet bytes of an skb or XDP program) follows the data in the same record. */
static void test_framing_and_tail(void **state)
{
	struct ebpf_map *map = perf_map(1);
	struct seen s;
	struct ebpf_perf_reader *reader = reader_of(map, &s, 1);
	uint8_t data[5] = { 0xa1, 2, 3, 4, 5 }, tail[3] = { 6, 7, 8 };

	(void)state;
	assert_int_equal(ebpf_perf_event_output(map, 0, data, 5, NULL, 0), 0);
	assert_int_equal(ebpf_perf_event_output(map, 0, data, 5, tail, 3), 0);
	assert_int_equal(ebpf_perf_event_output(map, 0, NULL, 0, tail, 3), 0);
	assert_int_equal(ebpf_perf_reader_consume(reader), 3);
	assert_int_equal(s.size[0], 12); /* 4 + 5 rounded up to 16, minus the size field */
	assert_int_equal(s.size[1], 12); /* 4 + 8 */
	assert_int_equal(s.size[2], 4);	 /* 4 + 3 */
	assert_int_equal(s.first[0], 0xa1);
	assert_int_equal(s.first[2], 6);
	ebpf_perf_reader_destroy(reader);
	map_destroy(map);
	test_rcu_barrier();
}

struct checked {
	uint32_t next; /* the sequence number expected next */
	uint32_t bad;
	uint32_t count;
};

static void check_sample(void *arg, int cpu, const void *data, uint32_t size)
{
	struct checked *c = arg;
	const uint8_t *p = data;
	uint32_t seq;

	(void)cpu;
	memcpy(&seq, p, sizeof(seq));
	if (seq != c->next || size < 4 + seq % 200)
		c->bad++;
	for (uint32_t i = 4; i < 4 + seq % 200; i++)
		if (p[i] != (uint8_t)(seq + i))
			c->bad++;
	c->next++;
	c->count++;
}

/* One page, records of varying sizes, read now and then: the ring wraps many times and records
 * that straddle its end arrive whole. */
static void test_wraparound(void **state)
{
	struct ebpf_map *map = perf_map(1);
	struct ebpf_perf_reader *reader = NULL;
	struct ebpf_perf_reader_opts opts = { .sz = sizeof(opts), .pages_per_ring = 1 };
	struct checked c = { 0 };
	uint8_t buf[256];

	(void)state;
	assert_int_equal(ebpf_perf_reader_create(map, check_sample, NULL, &c, &opts, &reader), 0);
	for (uint32_t seq = 0; seq < 3000; seq++) {
		uint32_t len = 4 + seq % 200;

		memcpy(buf, &seq, 4);
		for (uint32_t i = 4; i < len; i++)
			buf[i] = (uint8_t)(seq + i);
		assert_int_equal(ebpf_perf_event_output(map, 0, buf, len, NULL, 0), 0);
		if (seq % 7 == 6)
			ebpf_perf_reader_consume(reader);
	}
	ebpf_perf_reader_consume(reader);
	assert_int_equal(c.count, 3000);
	assert_int_equal(c.bad, 0);
	ebpf_perf_reader_destroy(reader);
	map_destroy(map);
	test_rcu_barrier();
}

/* A full ring refuses records with -ENOSPC and counts them; once there is room the reader gets
 * one lost record with the count, then the next record. */
static void test_full_ring_counts_lost(void **state)
{
	struct ebpf_map *map = perf_map(1);
	struct seen s;
	struct ebpf_perf_reader *reader = reader_of(map, &s, 1);
	uint8_t rec[120] = { 0 };
	uint32_t written = 0, refused = 0;
	long page = sysconf(_SC_PAGESIZE);

	(void)state;
	for (uint32_t i = 0; i < 100; i++) {
		int err;

		rec[0] = (uint8_t)i;
		err = ebpf_perf_event_output(map, 0, rec, sizeof(rec), NULL, 0);
		if (err == 0)
			written++;
		else if (err == -ENOSPC)
			refused++;
		else
			fail_msg("unexpected %d", err);
	}
	/* Each record: an 8-byte header, the 4-byte size, 120 bytes padded to 128. */
	assert_int_equal(written, (uint32_t)page / 136);
	assert_int_equal(written + refused, 100);
	/* The reader read everything: it takes the count still pending, after the records. */
	assert_int_equal(ebpf_perf_reader_consume(reader), (int)written + 1);
	assert_int_equal(s.lost_events, 1);
	assert_int_equal(s.lost, refused);
	assert_int_equal(s.lost_before, (int)written);
	rec[0] = 0xee;
	assert_int_equal(ebpf_perf_event_output(map, 0, rec, sizeof(rec), NULL, 0), 0);
	assert_int_equal(ebpf_perf_reader_consume(reader), 1);
	assert_int_equal(s.lost_events, 1); /* counted once */
	assert_int_equal(s.first[s.count - 1], 0xee);
	ebpf_perf_reader_destroy(reader);
	map_destroy(map);
	test_rcu_barrier();
}

/* A record larger than a ring, or than perf's 16-bit record size, never fits: refused and
 * counted as lost. */
static void test_oversize(void **state)
{
	struct ebpf_map *map = perf_map(1);
	struct seen s;
	struct ebpf_perf_reader *reader = reader_of(map, &s, 1);
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	uint8_t *big = calloc(1, 70000);
	uint32_t v = 7;

	(void)state;
	assert_non_null(big);
	/* The largest record a page holds fits. */
	assert_int_equal(ebpf_perf_event_output(map, 0, big, page - 12, NULL, 0), 0);
	assert_int_equal(ebpf_perf_reader_consume(reader), 1);
	assert_int_equal(s.size[0], page - 8 - 4);
	assert_int_equal(ebpf_perf_event_output(map, 0, big, page - 11, NULL, 0), -EMSGSIZE);
	assert_non_null(strstr(ebpf_last_error(), "can never fit"));
	assert_int_equal(ebpf_perf_event_output(map, 0, big, 100, big, 69000), -EMSGSIZE);
	assert_int_equal(ebpf_perf_event_output(map, 0, &v, 4, NULL, 0), 0);
	assert_int_equal(ebpf_perf_reader_consume(reader), 2);
	assert_int_equal(s.lost, 2);
	assert_int_equal(s.tag[s.count - 1], 7);
	ebpf_perf_reader_destroy(reader);
	map_destroy(map);
	free(big);
	test_rcu_barrier();
}

static void test_flags(void **state)
{
	struct ebpf_map *map = perf_map(2);
	struct seen s;
	struct ebpf_perf_reader *reader = reader_of(map, &s, 1);
	uint32_t v = 3;

	(void)state;
	assert_int_equal(ebpf_perf_event_output(map, 1ull << 32, &v, 4, NULL, 0), -EINVAL);
	assert_non_null(strstr(ebpf_last_error(), "flags 0x100000000"));
	assert_int_equal(ebpf_perf_event_output(map, EBPF_F_CTXLEN_MASK, &v, 4, NULL, 0), -EINVAL);
	assert_int_equal(ebpf_perf_event_output(map, 2, &v, 4, NULL, 0), -E2BIG);
	assert_non_null(strstr(ebpf_last_error(), "no ring 2"));
	assert_int_equal(ebpf_perf_reader_consume(reader), 0);
	ebpf_perf_reader_destroy(reader);
	map_destroy(map);
	test_rcu_barrier();
}

/* BPF_F_CURRENT_CPU: the ring of the CPU the writer runs on (pinned here to make it known). */
static void test_current_cpu(void **state)
{
	uint32_t cpus = ebpf_num_possible_cpus();
	struct ebpf_map *map = perf_map(cpus);
	struct seen s;
	struct ebpf_perf_reader *reader = reader_of(map, &s, 1);
	cpu_set_t old, one;
	uint32_t v = 9;
	int cpu;

	(void)state;
	assert_int_equal(pthread_getaffinity_np(pthread_self(), sizeof(old), &old), 0);
	for (cpu = 0; cpu < CPU_SETSIZE && !CPU_ISSET(cpu, &old); cpu++)
		;
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	assert_int_equal(pthread_setaffinity_np(pthread_self(), sizeof(one), &one), 0);
	assert_int_equal(ebpf_perf_event_output(map, EBPF_F_CURRENT_CPU, &v, 4, NULL, 0), 0);
	assert_int_equal(pthread_setaffinity_np(pthread_self(), sizeof(old), &old), 0);
	assert_int_equal(ebpf_perf_reader_consume(reader), 1);
	assert_int_equal(s.cpu[0], cpu);
	ebpf_perf_reader_destroy(reader);
	map_destroy(map);
	test_rcu_barrier();
}

static void ignore_sample(void *arg, int cpu, const void *data, uint32_t size)
{
	(void)arg;
	(void)cpu;
	(void)data;
	(void)size;
}

static void test_reader_misuse(void **state)
{
	struct ebpf_map *map = perf_map(2);
	struct ebpf_map *array = test_map(EBPF_MAP_TYPE_ARRAY, 4, 4, 2);
	struct ebpf_perf_reader *reader = NULL, *second = NULL;
	struct ebpf_perf_reader_opts bad = { .sz = sizeof(bad), .pages_per_ring = 3 };
	uint32_t v = 0;

	(void)state;
	assert_int_equal(ebpf_perf_reader_create(NULL, ignore_sample, NULL, NULL, NULL, &reader),
			 -EINVAL);
	assert_non_null(strstr(ebpf_last_error(), "map is NULL"));
	assert_int_equal(ebpf_perf_reader_create(array, ignore_sample, NULL, NULL, NULL, &reader),
			 -EINVAL);
	assert_non_null(strstr(ebpf_last_error(), "not a perf_event_array"));
	assert_int_equal(ebpf_perf_reader_create(map, NULL, NULL, NULL, NULL, &reader), -EINVAL);
	assert_int_equal(ebpf_perf_reader_create(map, ignore_sample, NULL, NULL, NULL, NULL),
			 -EINVAL);
	assert_int_equal(ebpf_perf_reader_create(map, ignore_sample, NULL, NULL, &bad, &reader),
			 -EINVAL);
	assert_non_null(strstr(ebpf_last_error(), "pages_per_ring 3"));
	assert_null(reader);
	assert_int_equal(ebpf_perf_event_output(NULL, 0, &v, 4, NULL, 0), -EINVAL);
	assert_int_equal(ebpf_perf_event_output(array, 0, &v, 4, NULL, 0), -EINVAL);
	assert_int_equal(ebpf_perf_event_output(map, 0, NULL, 4, NULL, 0), -EINVAL);
	assert_int_equal(ebpf_perf_reader_poll(NULL, 0), -EINVAL);
	assert_int_equal(ebpf_perf_reader_consume(NULL), -EINVAL);
	ebpf_perf_reader_destroy(NULL);

	/* Default options; a second reader is refused; after destroy writers get -ENOENT. */
	assert_int_equal(ebpf_perf_reader_create(map, ignore_sample, NULL, NULL, NULL, &reader), 0);
	assert_int_equal(ebpf_perf_reader_create(map, ignore_sample, NULL, NULL, NULL, &second),
			 -EBUSY);
	assert_non_null(strstr(ebpf_last_error(), "already has a reader"));
	assert_int_equal(ebpf_perf_event_output(map, 0, &v, 4, NULL, 0), 0);
	ebpf_perf_reader_destroy(reader);
	assert_int_equal(ebpf_perf_event_output(map, 0, &v, 4, NULL, 0), -ENOENT);
	assert_int_equal(ebpf_perf_reader_create(map, ignore_sample, NULL, NULL, NULL, &reader), 0);
	ebpf_perf_reader_destroy(reader);
	map_destroy(array);
	map_destroy(map);
	test_rcu_barrier();
}

/* The reader outlives its map and still reads what was written. */
static void test_reader_outlives_map(void **state)
{
	struct ebpf_map *map = perf_map(1);
	struct seen s;
	struct ebpf_perf_reader *reader = reader_of(map, &s, 1);
	uint32_t v = 0x55;

	(void)state;
	assert_int_equal(ebpf_perf_event_output(map, 0, &v, 4, NULL, 0), 0);
	map_destroy(map);
	assert_int_equal(ebpf_perf_reader_poll(reader, 0), 1);
	assert_int_equal(s.tag[0], 0x55);
	ebpf_perf_reader_destroy(reader);
	test_rcu_barrier();
}

struct late_writer {
	struct ebpf_map *map;
	atomic_bool go;
};

static void *write_later(void *arg)
{
	struct late_writer *w = arg;
	uint32_t v = 0x77;

	while (!atomic_load(&w->go))
		sched_yield();
	if (ebpf_perf_event_output(w->map, 0, &v, 4, NULL, 0))
		return (void *)1;
	return NULL;
}

/* poll with no limit sleeps until a writer wakes it. */
static void test_poll_waits(void **state)
{
	struct late_writer w = { perf_map(1), false };
	struct seen s;
	struct ebpf_perf_reader *reader = reader_of(w.map, &s, 1);
	pthread_t thread;
	void *ret;

	(void)state;
	assert_int_equal(ebpf_perf_reader_poll(reader, 0), 0);
	assert_int_equal(pthread_create(&thread, NULL, write_later, &w), 0);
	atomic_store(&w.go, true);
	assert_int_equal(ebpf_perf_reader_poll(reader, -1), 1);
	assert_int_equal(pthread_join(thread, &ret), 0);
	assert_null(ret);
	assert_int_equal(s.tag[0], 0x77);
	ebpf_perf_reader_destroy(reader);
	map_destroy(w.map);
	test_rcu_barrier();
}

/* A verify-only map description has no rings. */
static void test_descriptor(void **state)
{
	struct map_attr attr = { .type = EBPF_MAP_TYPE_PERF_EVENT_ARRAY,
				 .key_size = 4,
				 .value_size = 4,
				 .max_entries = 2,
				 .name = "desc" };
	struct ebpf_map *map = NULL;
	struct ebpf_perf_reader *reader = NULL;
	const char *why = NULL;
	uint32_t v = 0;

	(void)state;
	assert_int_equal(map_create_descriptor(&attr, &map, &why), 0);
	assert_int_equal(ebpf_perf_reader_create(map, ignore_sample, NULL, NULL, NULL, &reader),
			 -EOPNOTSUPP);
	assert_non_null(strstr(ebpf_last_error(), "no storage"));
	assert_int_equal(ebpf_perf_event_output(map, 0, &v, 4, NULL, 0), -EOPNOTSUPP);
	assert_int_equal(map_perf_event_output(map, 0, &v, 4, NULL, 0), -EINVAL);
	map_destroy(map);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_attributes),
		cmocka_unit_test(test_no_reader),
		cmocka_unit_test(test_order_per_ring),
		cmocka_unit_test(test_framing_and_tail),
		cmocka_unit_test(test_wraparound),
		cmocka_unit_test(test_full_ring_counts_lost),
		cmocka_unit_test(test_oversize),
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_current_cpu),
		cmocka_unit_test(test_reader_misuse),
		cmocka_unit_test(test_reader_outlives_map),
		cmocka_unit_test(test_poll_waits),
		cmocka_unit_test(test_descriptor),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
