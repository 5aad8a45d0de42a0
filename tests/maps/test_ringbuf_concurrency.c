/* SPDX-License-Identifier: MIT */
/*
 * Ring buffer producers and a consumer on different threads: every record arrives, whole, and
 * each producer's records in the order it submitted them. The ring is small so that it wraps and
 * fills (producers retry on a full ring). The same with a shared ring (src/maps/shm_ringbuf.c):
 * its lock, in-flight table, positions and records, the producers writing through a second
 * handle on the pin file as another process would (under TSan through the same handle: see
 * there). Label `concurrency`.
 */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "maps/map_test.h"

#define PRODUCERS 2
#define RECORDS	  20000

struct record {
	uint32_t producer;
	uint32_t seq;
	uint32_t size; /* of the whole record, up to sizeof(struct record) */
	uint8_t fill[116];
};

struct run {
	struct ebpf_map *map;
	uint32_t next_seq[PRODUCERS];
	long received;
	long bad;
	atomic_bool stop; /* the consumer gave up: producers must not wait for room forever */
};

struct producer {
	struct run *run;
	uint32_t id;
};

static uint32_t size_of(uint32_t seq)
{
	return 12 + (seq * 13) % 117;
}

static void fill(struct record *r, uint32_t producer, uint32_t seq)
{
	r->producer = producer;
	r->seq = seq;
	r->size = size_of(seq);
	for (uint32_t i = 0; i + 12 < r->size; i++)
		r->fill[i] = (uint8_t)(seq + i);
}

static void *produce(void *arg)
{
	struct producer *p = arg;
	struct ebpf_map *map = p->run->map;
	struct record r;

	for (uint32_t seq = 0; seq < RECORDS; seq++) {
		uint64_t flags = seq % 64 == 0 ? MAP_RB_FORCE_WAKEUP : 0;

		fill(&r, p->id, seq);
		if (p->id == 0) {
			/* Through output. */
			while (map_ringbuf_output(map, &r, r.size, flags) == -EAGAIN &&
			       !atomic_load(&p->run->stop))
				sched_yield();
			continue;
		}
		/* Through reserve and submit, discarding a record now and then. */
		for (bool discarded = false;;) {
			void *rec = map_ringbuf_reserve(map, r.size, 0);

			if (!rec && atomic_load(&p->run->stop))
				return NULL;
			if (!rec) {
				sched_yield();
				continue;
			}
			if (seq % 10 == 9 && !discarded) {
				memset(rec, 0xee, r.size);
				map_ringbuf_discard(rec, flags);
				discarded = true;
				continue; /* then submit the real one */
			}
			memcpy(rec, &r, r.size);
			map_ringbuf_submit(rec, flags);
			break;
		}
	}
	return NULL;
}

static int on_record(void *arg, const void *data, size_t size)
{
	struct run *run = arg;
	struct record r;

	memset(&r, 0, sizeof(r));
	if (size < 12 || size > sizeof(r)) {
		run->bad++;
		return 0;
	}
	memcpy(&r, data, size);
	if (r.producer >= PRODUCERS || r.size != size || r.seq != run->next_seq[r.producer]) {
		fprintf(stderr, "bad record: producer %u seq %u (expected %u) size %u/%zu\n",
			r.producer, r.seq, r.producer < PRODUCERS ? run->next_seq[r.producer] : 0,
			r.size, size);
		run->bad++;
		return 0;
	}
	for (uint32_t i = 0; i + 12 < r.size; i++) {
		if (r.fill[i] != (uint8_t)(r.seq + i)) {
			run->bad++;
			return 0;
		}
	}
	run->next_seq[r.producer]++;
	run->received++;
	return 0;
}

/* Producers write into `produced`, the consumer reads `consumed`: one ring, maybe two handles. */
static void producers_and_consumer(struct ebpf_map *consumed, struct ebpf_map *produced)
{
	struct run run = { .map = produced };
	struct producer producers[PRODUCERS];
	pthread_t threads[PRODUCERS];
	struct ebpf_ringbuf_consumer *consumer;
	int idle_polls = 0;

	assert_int_equal(ebpf_ringbuf_consumer_create(consumed, on_record, &run, &consumer), 0);
	for (uint32_t i = 0; i < PRODUCERS; i++) {
		producers[i] = (struct producer){ &run, i };
		assert_int_equal(pthread_create(&threads[i], NULL, produce, &producers[i]), 0);
	}
	/* Bounded: 200 polls in a row that find nothing mean the producers are stuck. */
	while (run.received < PRODUCERS * RECORDS && run.bad == 0 && idle_polls < 200) {
		int n = ebpf_ringbuf_consumer_poll(consumer, 100);

		assert_true(n >= 0);
		idle_polls = n ? 0 : idle_polls + 1;
	}
	atomic_store(&run.stop, true);
	for (int i = 0; i < PRODUCERS; i++)
		pthread_join(threads[i], NULL);
	assert_int_equal(run.bad, 0);
	assert_int_equal(ebpf_ringbuf_consumer_poll(consumer, 0), 0);
	assert_int_equal(run.received, PRODUCERS * RECORDS);
	for (int i = 0; i < PRODUCERS; i++)
		assert_int_equal(run.next_seq[i], RECORDS);
	assert_int_equal(map_ringbuf_query(consumed, MAP_RB_AVAIL_DATA), 0);
	ebpf_ringbuf_consumer_destroy(consumer);
}

static uint32_t ring_size(void)
{
	return 4 * (uint32_t)sysconf(_SC_PAGESIZE);
}

static void test_producers_and_consumer(void **state)
{
	struct ebpf_map *map = test_map(EBPF_MAP_TYPE_RINGBUF, 0, 0, ring_size());

	producers_and_consumer(map, map);
	map_destroy(map);
}

static void test_shared_producers_and_consumer(void **state)
{
	char dir[] = "/tmp/extbpf-rb-XXXXXX", pin[64];
	struct map_attr attr = test_attr(EBPF_MAP_TYPE_RINGBUF, 0, 0, ring_size(), 0);
	struct ebpf_map *consumed = NULL, *produced = NULL;
	const char *why = NULL;

	assert_non_null(mkdtemp(dir));
	snprintf(pin, sizeof(pin), "%s/ring", dir);
	attr.pin_path = pin;
	assert_int_equal(map_create(&attr, NULL, &consumed, &why), 0);
#ifdef __SANITIZE_THREAD__
	/* TSan knows memory by address: through a second mapping of the file the producers'
	 * records and the consumer's position are other memory to it, and it would see their
	 * reuse of a record's bytes after the consumer freed them as a race. */
	produced = consumed;
#else
	assert_int_equal(map_shm_open(pin, &produced, &why), 0);
#endif
	producers_and_consumer(consumed, produced);
	if (produced != consumed)
		map_destroy(produced);
	map_destroy(consumed);
	unlink(pin);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_producers_and_consumer),
		cmocka_unit_test(test_shared_producers_and_consumer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
