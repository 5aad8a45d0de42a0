/* SPDX-License-Identifier: MIT */
/*
 * Deferred reclamation: core_call_rcu runs a callback once every reader that may still see the
 * object has left its read-side critical section.
 *
 * liburcu's call_rcu would do, but it abort()s when one of its own allocations fails (its
 * per-thread queues, the completion of rcu_barrier), and a runtime must fail cleanly instead.
 * This queue allocates nothing: the node lives in the object being freed. One worker thread,
 * started on first use, lets callbacks gather for up to 10 ms or until GATHER_MAX wait (as
 * liburcu's call_rcu thread does: a grace period is a system call that interrupts every CPU
 * running the process, so one should cover many callbacks), takes the whole queue, waits for a
 * grace period and runs them.
 * If the worker cannot be started, the callbacks wait in the queue until the next attempt or the
 * next core_rcu_barrier, which runs them itself: memory is reclaimed late, never unsafely.
 *
 * core_call_rcu may be called inside a read-side critical section (a program's map update
 * replaces an element): it only takes the queue's lock, never waits for readers.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "core/rcu.h"
#include "core/run_slot.h"

#define GATHER_NS  (10 * 1000 * 1000)
/*
 * ...or until this many callbacks wait: objects replaced faster than that (a hash map updated
 * in a loop) would otherwise pile up for the whole 10 ms, and memory recycled that late is
 * cold. A grace period per 256 callbacks (each can be a batch of elements) stays cheap.
 */
#define GATHER_MAX 256

/*
 * A grace period awaited inside a read-side critical section never ends: the thread waits for
 * itself. Either the caller is inside one (an API that frees called from a program's helper or
 * a batch) or a section was left open: a run that never returned to its unlock (a test harness
 * that catches a crash in a program and jumps out of the run, say). Both are bugs to be found,
 * not waited on: say which and stop, where a silent hang would leave no trace.
 */
static void check_outside_read_side(const char *what)
{
	if (!map_rcu_read_ongoing())
		return;
	fprintf(stderr,
		"extbpf: fatal: %s inside an RCU read-side critical section of the same thread "
		"(never ends; a run left without its unlock?)\n",
		what);
	abort();
}

void core_synchronize_rcu(void)
{
	check_outside_read_side("grace period awaited");
	urcu_bp_synchronize_rcu();
	CORE_TSAN_ACQUIRE();
}

static struct {
	pthread_mutex_t lock;
	pthread_cond_t work;	     /* the worker waits here for a batch to run, or for stop */
	pthread_cond_t done;	     /* barriers wait here for completed callbacks */
	struct core_rcu_head *queue; /* newest first */
	uint64_t queued;	     /* callbacks ever queued */
	uint64_t completed;	     /* callbacks ever run */
	uint64_t waiting;	     /* callbacks in the queue */
	unsigned int barriers;	     /* threads waiting in core_rcu_barrier */
	bool busy;		     /* a batch is running: one at a time keeps the order */
	bool worker_running;
	bool stopping;
	bool fork_handlers;
	pthread_t worker;
} reclaim = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.work = PTHREAD_COND_INITIALIZER,
	.done = PTHREAD_COND_INITIALIZER,
};

/* Lock held: takes the queue, oldest first (callbacks run in the order they were queued). */
static struct core_rcu_head *take_queue(void)
{
	struct core_rcu_head *head = reclaim.queue, *fifo = NULL;

	reclaim.queue = NULL;
	reclaim.waiting = 0;
	while (head) {
		struct core_rcu_head *next = head->next;

		head->next = fifo;
		fifo = head;
		head = next;
	}
	return fifo;
}

/* Lock held, something queued, no batch running: waits out the readers, then runs the queue.
 * The lock is dropped meanwhile, so that more can be queued. */
static void run_queued_batch(void)
{
	struct core_rcu_head *batch = take_queue();
	uint64_t n = 0;

	reclaim.busy = true;
	pthread_mutex_unlock(&reclaim.lock);
	core_synchronize_rcu();
	while (batch) {
		struct core_rcu_head *next = batch->next;

		batch->fn(batch);
		batch = next;
		n++;
	}
	pthread_mutex_lock(&reclaim.lock);
	reclaim.busy = false;
	reclaim.completed += n;
	pthread_cond_broadcast(&reclaim.done);
	pthread_cond_signal(&reclaim.work);
}

/* Lock held: waits a little for more callbacks, unless a barrier or stop is waiting. */
static void gather(void)
{
	struct timespec until;

	clock_gettime(CLOCK_REALTIME, &until); /* the condition variable's clock */
	until.tv_nsec += GATHER_NS;
	if (until.tv_nsec >= 1000000000) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000;
	}
	while (!reclaim.barriers && !reclaim.stopping && reclaim.waiting < GATHER_MAX) {
		if (pthread_cond_timedwait(&reclaim.work, &reclaim.lock, &until) == ETIMEDOUT)
			break;
	}
}

static void *worker_main(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&reclaim.lock);
	for (;;) {
		if (reclaim.queue && !reclaim.busy) {
			gather();
			run_queued_batch();
		} else if (reclaim.stopping && !reclaim.queue) {
			break;
		} else {
			pthread_cond_wait(&reclaim.work, &reclaim.lock);
		}
	}
	pthread_mutex_unlock(&reclaim.lock);
	return NULL;
}

/* Lock held. A failure (no memory for a thread) only postpones reclamation. */
static void worker_start(void)
{
	if (reclaim.worker_running || reclaim.stopping)
		return;
	reclaim.worker_running = !pthread_create(&reclaim.worker, NULL, worker_main, NULL);
}

void core_call_rcu(struct core_rcu_head *head, void (*fn)(struct core_rcu_head *head))
{
	head->fn = fn;
	pthread_mutex_lock(&reclaim.lock);
	head->next = reclaim.queue;
	reclaim.queue = head;
	reclaim.queued++;
	reclaim.waiting++;
	worker_start();
	/* Only the first of a batch wakes the worker (it is gathering the others), and the one
	 * that fills it. */
	if (!head->next || reclaim.waiting == GATHER_MAX)
		pthread_cond_signal(&reclaim.work);
	pthread_mutex_unlock(&reclaim.lock);
}

/*
 * Lock held: waits until at most `slack` callbacks are left of those queued before `upto`
 * callbacks had ever been queued (0: of all, including those the callbacks queue meanwhile).
 */
static void wait_completed(uint64_t upto, uint64_t slack)
{
	worker_start();
	reclaim.barriers++;
	pthread_cond_signal(&reclaim.work); /* no more gathering */
	while (reclaim.completed + slack < (upto ? upto : reclaim.queued)) {
		/* Without a worker, the waiter does its work. */
		if (!reclaim.worker_running && reclaim.queue && !reclaim.busy)
			run_queued_batch();
		else
			pthread_cond_wait(&reclaim.done, &reclaim.lock);
	}
	reclaim.barriers--;
}

void core_rcu_barrier(void)
{
	check_outside_read_side("deferred frees awaited");
	pthread_mutex_lock(&reclaim.lock);
	/* Callbacks may queue more (an inner map's last reference): until all have run. */
	wait_completed(0, 0);
	pthread_mutex_unlock(&reclaim.lock);
}

void core_rcu_throttle(uint64_t max_pending)
{
	if (map_rcu_read_ongoing())
		return; /* a grace period would wait for this thread */
	pthread_mutex_lock(&reclaim.lock);
	if (reclaim.queued - reclaim.completed > max_pending)
		wait_completed(reclaim.queued, max_pending);
	pthread_mutex_unlock(&reclaim.lock);
}

void core_rcu_stop(void)
{
	bool running;

	core_rcu_barrier();
	pthread_mutex_lock(&reclaim.lock);
	running = reclaim.worker_running;
	reclaim.stopping = true;
	pthread_cond_signal(&reclaim.work);
	pthread_mutex_unlock(&reclaim.lock);
	if (running)
		pthread_join(reclaim.worker, NULL);
	pthread_mutex_lock(&reclaim.lock);
	reclaim.worker_running = false;
	reclaim.stopping = false; /* the runtime may start again */
	pthread_mutex_unlock(&reclaim.lock);
}

/* ---- fork ------------------------------------------------------------------------------------ */

static void fork_prepare(void)
{
	urcu_bp_before_fork();
	pthread_mutex_lock(&reclaim.lock);
}

static void fork_parent(void)
{
	pthread_mutex_unlock(&reclaim.lock);
	urcu_bp_after_fork_parent();
}

/*
 * The child has only the forking thread: no worker. Callbacks still queued run in the child
 * when it next needs them; a batch the parent's worker was running at the fork is lost to the
 * child (that memory stays the parent's to free), so it no longer counts as pending.
 */
static void fork_child(void)
{
	uint64_t waiting = 0;

	for (struct core_rcu_head *h = reclaim.queue; h; h = h->next)
		waiting++;
	reclaim.completed = reclaim.queued - waiting;
	reclaim.waiting = waiting;
	reclaim.worker_running = false;
	reclaim.busy = false;
	reclaim.barriers = 0;
	pthread_cond_init(&reclaim.work, NULL);
	pthread_cond_init(&reclaim.done, NULL);
	pthread_mutex_unlock(&reclaim.lock);
	urcu_bp_after_fork_child();
	core_run_slot_fork_child();
}

int core_rcu_fork_handlers_install(void)
{
	int err = 0;

	pthread_mutex_lock(&reclaim.lock);
	if (!reclaim.fork_handlers) {
		err = -pthread_atfork(fork_prepare, fork_parent, fork_child);
		reclaim.fork_handlers = !err;
	}
	pthread_mutex_unlock(&reclaim.lock);
	return err;
}
