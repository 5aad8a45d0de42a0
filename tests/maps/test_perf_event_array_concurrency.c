/* SPDX-License-Identifier: MIT */
/*
 * Perf event array writers and a reader on different threads: two writers share ring 0 (as two
 * threads share a CPU slot in user space), a third writes to ring 1, and the reader polls
 * meanwhile. Rings are one page, so they wrap and fill: every record arrives whole, each
 * writer's in the order it wrote them, and what was refused is exactly what the lost records
 * report. Label `concurrency` (runs under the tsan preset).
 */
#include <pthread.h>
#include <sched.h>

#include "maps/map_test.h"

struct test_objects test_objects;

#define WRITERS 3
#define RECORDS 20000
#define MARKER	0xffffffffu

struct record {
	uint32_t writer;
	uint32_t seq;
	uint8_t fill[40];
};

struct run {
	struct ebpf_map *map;
	atomic_bool done;
	atomic_ulong refused_atomic[2]; /* per ring, counted by the writers */
	uint64_t received[WRITERS];
	int64_t last_seq[WRITERS];
	uint64_t lost[2];
	uint64_t bad;
};

struct writer {
	struct run *run;
	uint32_t id;
};

static uint32_t ring_of(uint32_t writer)
{
	return writer < 2 ? 0 : 1;
}

static void *write_records(void *arg)
{
	struct writer *w = arg;
	struct record r;

	r.writer = w->id;
	for (uint32_t seq = 0; seq < RECORDS; seq++) {
		uint32_t len = 8 + seq % 41;
		int err;

		r.seq = seq;
		memset(r.fill, (int)(seq & 0xff), sizeof(r.fill));
		err = map_perf_event_output(w->run->map, ring_of(w->id), &r, len, NULL, 0);
		if (err == -ENOSPC) {
			atomic_fetch_add(&w->run->refused_atomic[ring_of(w->id)], 1);
			sched_yield();
		} else if (err) {
			return (void *)1;
		}
	}
	return NULL;
}

static void on_sample(void *arg, int cpu, const void *data, uint32_t size)
{
	struct run *run = arg;
	struct record r = { 0 };

	memcpy(&r, data, size < sizeof(r) ? size : sizeof(r));
	if (r.writer == MARKER)
		return;
	if (r.writer >= WRITERS || (int)ring_of(r.writer) != cpu || size < 8 + r.seq % 41 ||
	    (int64_t)r.seq <= run->last_seq[r.writer]) {
		run->bad++;
		return;
	}
	for (uint32_t i = 0; i < r.seq % 41; i++)
		if (r.fill[i] != (uint8_t)r.seq)
			run->bad++;
	run->last_seq[r.writer] = r.seq;
	run->received[r.writer]++;
}

static void on_lost(void *arg, int cpu, uint64_t lost)
{
	struct run *run = arg;

	run->lost[cpu] += lost;
}

struct reading {
	struct run *run;
	struct ebpf_perf_reader *reader;
};

static void *read_records(void *arg)
{
	struct reading *r = arg;

	while (!atomic_load(&r->run->done))
		map_perf_reader_poll(r->reader, 10);
	return NULL;
}

static void test_writers_and_reader(void **state)
{
	struct run run = { .map = test_map(EBPF_MAP_TYPE_PERF_EVENT_ARRAY, 4, 4, 2) };
	struct ebpf_perf_reader *reader = NULL;
	struct writer writers[WRITERS];
	pthread_t threads[WRITERS], reader_thread;
	struct reading reading;
	struct record marker = { .writer = MARKER };
	void *ret;

	(void)state;
	for (int i = 0; i < WRITERS; i++)
		run.last_seq[i] = -1;
	assert_int_equal(map_perf_reader_create(run.map, on_sample, on_lost, &run, 1, &reader), 0);
	reading = (struct reading){ &run, reader };
	assert_int_equal(pthread_create(&reader_thread, NULL, read_records, &reading), 0);
	for (uint32_t i = 0; i < WRITERS; i++) {
		writers[i] = (struct writer){ &run, i };
		assert_int_equal(pthread_create(&threads[i], NULL, write_records, &writers[i]), 0);
	}
	for (int i = 0; i < WRITERS; i++) {
		assert_int_equal(pthread_join(threads[i], &ret), 0);
		assert_null(ret);
	}
	atomic_store(&run.done, true);
	assert_int_equal(pthread_join(reader_thread, NULL), 0);
	/* Empty the rings, then a marker on each flushes the loss count still pending. */
	map_perf_reader_consume(reader);
	for (uint32_t ring = 0; ring < 2; ring++)
		assert_int_equal(map_perf_event_output(run.map, ring, &marker, 8, NULL, 0), 0);
	map_perf_reader_consume(reader);

	assert_int_equal(run.bad, 0);
	for (uint32_t ring = 0; ring < 2; ring++) {
		uint64_t received = 0;

		for (uint32_t w = 0; w < WRITERS; w++)
			if (ring_of(w) == ring)
				received += run.received[w];
		assert_int_equal(run.lost[ring], atomic_load(&run.refused_atomic[ring]));
		assert_int_equal(received + run.lost[ring], ring == 0 ? 2 * RECORDS : RECORDS);
	}
	map_perf_reader_destroy(reader);
	map_destroy(run.map);
	test_rcu_barrier();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_writers_and_reader),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
