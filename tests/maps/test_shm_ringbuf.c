/* SPDX-License-Identifier: MIT */
/*
 * The shared ring buffer (src/maps/shm_ringbuf.c): a producer process and a consumer process on
 * one pin file (every record, in order, none lost while the producer retries a full ring), full
 * rings counted, a producer killed between reserve and submit (and one killed holding the lock)
 * not stopping the consumer, one consumer per ring across processes.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "maps/shm_test.h"

#define RING_PAGES 4
#define N_RECORDS  20000

static struct ebpf_map *ring_create(void)
{
	struct ebpf_map *map = NULL;
	int err;

	unlink(path);
	err = shm_create_flags(EBPF_MAP_TYPE_RINGBUF, 0, 0,
			       RING_PAGES * (uint32_t)sysconf(_SC_PAGESIZE), 0, &map);
	if (err)
		fail_msg("map_create (shared ringbuf): %d", err);
	assert_true(map_is_shared(map));
	return map;
}

static void wait_child(pid_t pid, int sig)
{
	int status;

	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (sig)
		assert_true(WIFSIGNALED(status) && WTERMSIG(status) == sig);
	else
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* Record i: its number then i % 64 filler bytes, so records of many sizes wrap the ring. */
static uint32_t record_len(uint32_t i)
{
	return 4 + i % 64;
}

static void produce(struct ebpf_map *map, uint32_t first, uint32_t n, uint64_t *full)
{
	uint8_t rec[4 + 64];

	for (uint32_t i = first; i < first + n; i++) {
		memcpy(rec, &i, 4);
		memset(rec + 4, (int)(i & 0xff), sizeof(rec) - 4);
		while (map_ringbuf_output(map, rec, record_len(i), 0) == -EAGAIN) {
			if (full)
				(*full)++;
			sched_yield();
		}
	}
}

struct seen {
	uint32_t next; /* the number the next record must carry */
	int bad;
};

static int check_record(void *arg, const void *data, size_t size)
{
	struct seen *s = arg;
	const uint8_t *p = data;
	uint32_t i;

	memcpy(&i, data, 4);
	if (i != s->next || size != record_len(i))
		s->bad++;
	for (size_t k = 4; k < size; k++)
		s->bad += p[k] != (uint8_t)(i & 0xff);
	s->next = i + 1;
	return 0;
}

/* A child process opens the pin and writes N records; this process reads them all in order. */
static void test_two_processes_in_order(void **state)
{
	struct ebpf_map *map = ring_create();
	struct ebpf_ringbuf_consumer *c = NULL;
	uint64_t *full =
	    mmap(NULL, sizeof(*full), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	struct seen s = { 0 };
	uint64_t dropped, discarded;
	pid_t pid;

	assert_ptr_not_equal(full, MAP_FAILED);
	*full = 0;
	assert_int_equal(map_ringbuf_consumer_create(map, check_record, &s, &c), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct ebpf_map *other = shm_open_ok();

		produce(other, 0, N_RECORDS, full);
		_exit(0);
	}
	while (s.next < N_RECORDS && !s.bad)
		assert_true(map_ringbuf_consumer_poll(c, 1000) >= 0);
	wait_child(pid, 0);
	assert_int_equal(map_ringbuf_consumer_consume(c), 0);
	assert_int_equal(s.bad, 0);
	assert_int_equal(s.next, N_RECORDS);
	/* Every refusal the producer saw is counted in the file, none otherwise. */
	map_shm_ringbuf_stats(map, &dropped, &discarded);
	assert_int_equal(dropped, *full);
	assert_int_equal(discarded, 0);
	assert_int_equal(map_ringbuf_query(map, MAP_RB_AVAIL_DATA), 0);
	map_ringbuf_consumer_destroy(c);
	munmap(full, sizeof(*full));
	map_destroy(map);
}

/* With no consumer the ring fills: each further reservation is refused and counted. */
static void test_overflow_counted(void **state)
{
	struct ebpf_map *map = ring_create();
	struct ebpf_map *other = shm_open_ok();
	struct ebpf_ringbuf_consumer *c = NULL;
	struct seen s = { 0 };
	uint64_t dropped, discarded;
	uint32_t n = 0;
	uint8_t rec[68] = { 0 };

	for (;; n++) {
		memcpy(rec, &n, 4);
		memset(rec + 4, (int)(n & 0xff), sizeof(rec) - 4);
		if (map_ringbuf_output(n % 2 ? other : map, rec, record_len(n), 0))
			break;
	}
	assert_true(n > 0);
	assert_int_equal(map_ringbuf_output(other, rec, record_len(n), 0), -EAGAIN);
	map_shm_ringbuf_stats(map, &dropped, &discarded);
	assert_int_equal(dropped, 2);
	/* The consumer, through the other handle, gets every record written before the refusals. */
	assert_int_equal(map_ringbuf_consumer_create(other, check_record, &s, &c), 0);
	assert_int_equal(map_ringbuf_consumer_consume(c), (int)n);
	assert_int_equal(s.bad, 0);
	map_ringbuf_consumer_destroy(c);
	map_destroy(other);
	map_destroy(map);
}

/* A producer killed after reserve, before submit: its BUSY record does not stop the consumer. */
static void test_killed_producer(void **state)
{
	struct ebpf_map *map = ring_create();
	struct ebpf_ringbuf_consumer *c = NULL;
	struct seen s = { 0 };
	uint64_t dropped, discarded;
	pid_t pid;

	assert_int_equal(map_ringbuf_consumer_create(map, check_record, &s, &c), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct ebpf_map *other = shm_open_ok();

		produce(other, 0, 1, NULL);
		assert_non_null(map_ringbuf_reserve(other, 32, 0));
		kill(getpid(), SIGKILL);
		_exit(1);
	}
	wait_child(pid, SIGKILL);
	s.next = 0;
	assert_int_equal(map_ringbuf_consumer_consume(c), 1);
	/* The record after the dead one's is read: the dead one was made DISCARD, not delivered. */
	produce(map, 1, 3, NULL);
	assert_int_equal(map_ringbuf_consumer_consume(c), 3);
	assert_int_equal(s.bad, 0);
	assert_int_equal(s.next, 4);
	map_shm_ringbuf_stats(map, &dropped, &discarded);
	assert_int_equal(discarded, 1);
	assert_int_equal(map_ringbuf_query(map, MAP_RB_AVAIL_DATA), 0);
	map_ringbuf_consumer_destroy(c);
	map_destroy(map);
}

/* A producer killed holding the lock, with a reservation open: the next locker recovers both. */
static void test_killed_holding_lock(void **state)
{
	struct ebpf_map *map = ring_create();
	struct ebpf_ringbuf_consumer *c = NULL;
	struct seen s = { 0 };
	uint64_t dropped, discarded;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		struct ebpf_map *other = shm_open_ok();

		assert_non_null(map_ringbuf_reserve(other, 16, 0));
		shm_lock(to_shm(other));
		kill(getpid(), SIGKILL);
		_exit(1);
	}
	wait_child(pid, SIGKILL);
	produce(map, 0, 2, NULL); /* takes the dead owner's lock: recovery */
	assert_int_equal(to_shm(map)->hdr->recoveries, 1);
	map_shm_ringbuf_stats(map, &dropped, &discarded);
	assert_int_equal(discarded, 1);
	assert_int_equal(map_ringbuf_consumer_create(map, check_record, &s, &c), 0);
	assert_int_equal(map_ringbuf_consumer_consume(c), 2);
	assert_int_equal(s.bad, 0);
	map_ringbuf_consumer_destroy(c);
	map_destroy(map);
}

/* One consumer per ring across processes; a dead consumer's claim is taken over. */
static void test_one_consumer(void **state)
{
	struct ebpf_map *map = ring_create();
	struct ebpf_ringbuf_consumer *c = NULL;
	struct seen s = { 0 };
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		struct ebpf_map *other = shm_open_ok();
		struct ebpf_ringbuf_consumer *mine = NULL;

		if (map_ringbuf_consumer_create(other, check_record, &s, &mine))
			_exit(2);
		kill(getpid(), SIGKILL); /* dies a consumer */
		_exit(1);
	}
	wait_child(pid, SIGKILL);
	assert_int_equal(map_ringbuf_consumer_create(map, check_record, &s, &c), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct ebpf_map *other = shm_open_ok();
		struct ebpf_ringbuf_consumer *mine = NULL;

		_exit(map_ringbuf_consumer_create(other, check_record, &s, &mine) == -EBUSY ? 0
											    : 1);
	}
	wait_child(pid, 0);
	map_ringbuf_consumer_destroy(c);
	/* The consumer keeps the mapping: the map's handle goes first here. */
	assert_int_equal(map_ringbuf_consumer_create(map, check_record, &s, &c), 0);
	map_destroy(map);
	assert_int_equal(map_ringbuf_consumer_consume(c), 0);
	map_ringbuf_consumer_destroy(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_two_processes_in_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_overflow_counted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_killed_producer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_killed_holding_lock, setup, teardown),
		cmocka_unit_test_setup_teardown(test_one_consumer, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
