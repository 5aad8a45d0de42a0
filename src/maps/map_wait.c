// SPDX-License-Identifier: MIT
/*
 * The wait a ring buffer or perf event array consumer does when nothing is there: it sleeps on
 * a futex word that producers increment when they publish something, and producers make the
 * system call only when a consumer announced that it is waiting.
 */
#define _GNU_SOURCE
#include <limits.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "maps/map_internal.h"

void map_waitq_init(struct map_waitq *wq)
{
	atomic_init(&wq->seq, 0);
	atomic_init(&wq->waiters, 0);
	wq->shared = 0;
}

void map_waitq_init_shared(struct map_waitq *wq)
{
	map_waitq_init(wq);
	wq->shared = 1;
}

static int waitq_op(const struct map_waitq *wq, int op)
{
	return wq->shared ? op : op | FUTEX_PRIVATE_FLAG;
}

void map_waitq_wake(struct map_waitq *wq)
{
	atomic_fetch_add(&wq->seq, 1);
	if (atomic_load(&wq->waiters))
		syscall(SYS_futex, &wq->seq, waitq_op(wq, FUTEX_WAKE), INT_MAX, NULL, NULL, 0);
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Sleeps until seq moves from `seen` or timeout_ms (-1: no limit) passes. */
static void waitq_sleep(struct map_waitq *wq, uint32_t seen, int64_t timeout_ms)
{
	struct timespec ts = { .tv_sec = timeout_ms / 1000,
			       .tv_nsec = (long)(timeout_ms % 1000) * 1000000 };

	syscall(SYS_futex, &wq->seq, waitq_op(wq, FUTEX_WAIT), seen, timeout_ms < 0 ? NULL : &ts,
		NULL, 0);
}

int map_waitq_poll(struct map_waitq *wq, int timeout_ms, int (*consume)(void *arg), void *arg)
{
	int64_t deadline = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
	int n = consume(arg);

	while (n == 0 && timeout_ms != 0) {
		int64_t left = deadline < 0 ? -1 : deadline - now_ms();
		uint32_t seen;

		if (deadline >= 0 && left <= 0)
			break;
		/* Announce the wait before the last look, so a producer either sees us or we it. */
		atomic_fetch_add(&wq->waiters, 1);
		seen = atomic_load(&wq->seq);
		n = consume(arg);
		if (n == 0)
			waitq_sleep(wq, seen, left);
		atomic_fetch_sub(&wq->waiters, 1);
		if (n == 0)
			n = consume(arg);
	}
	return n;
}
