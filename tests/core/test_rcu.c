// SPDX-License-Identifier: MIT
/*
 * The deferred reclamation of src/core/rcu.c: a callback runs only after every reader that was
 * inside a read-side critical section when it was queued has left; callbacks run in the order
 * they were queued; a barrier also runs what callbacks queue; queueing from inside a critical
 * section never waits; the reclaimer starts again after core_rcu_stop; a forked child, which
 * has no reclaimer thread, still reclaims; waiting inside a critical section aborts with a
 * message instead of hanging.
 */
#include <pthread.h>
#include <signal.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/rcu.h"

#if defined(__SANITIZE_THREAD__)
#define TEST_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define TEST_TSAN 1
#endif
#endif

#define NODES 8

struct node {
	struct core_rcu_head rcu;
	int index;
	struct node *then; /* queued by this node's callback */
};

static _Atomic int ran_count;
static int ran_order[NODES * 2];

static void record(struct core_rcu_head *head)
{
	struct node *n = (struct node *)head;
	int slot = atomic_fetch_add(&ran_count, 1);

	if (slot < NODES * 2)
		ran_order[slot] = n->index;
	if (n->then)
		core_call_rcu(&n->then->rcu, record);
}

static void reset(void)
{
	atomic_store(&ran_count, 0);
}

/* A reader that stays inside its critical section until told to leave. */
struct reader {
	pthread_t thread;
	atomic_bool inside;
	atomic_bool leave;
};

static void *reader_main(void *arg)
{
	struct reader *r = arg;

	core_rcu_read_lock();
	atomic_store(&r->inside, true);
	while (!atomic_load(&r->leave))
		usleep(1000);
	core_rcu_read_unlock();
	return NULL;
}

static void test_callback_waits_for_a_reader(void **state)
{
	struct reader r = { 0 };
	struct node n = { .index = 1 };

	reset();
	assert_int_equal(pthread_create(&r.thread, NULL, reader_main, &r), 0);
	while (!atomic_load(&r.inside))
		usleep(1000);
	core_call_rcu(&n.rcu, record);
	/* The reclaimer has had time to run it: it must still be waiting for the reader. */
	usleep(50 * 1000);
	assert_int_equal(atomic_load(&ran_count), 0);
	atomic_store(&r.leave, true);
	pthread_join(r.thread, NULL);
	core_rcu_barrier();
	assert_int_equal(atomic_load(&ran_count), 1);
}

static void test_callbacks_run_in_queue_order(void **state)
{
	struct node nodes[NODES];

	reset();
	for (int i = 0; i < NODES; i++) {
		nodes[i] = (struct node){ .index = i };
		core_call_rcu(&nodes[i].rcu, record);
	}
	core_rcu_barrier();
	assert_int_equal(atomic_load(&ran_count), NODES);
	for (int i = 0; i < NODES; i++)
		assert_int_equal(ran_order[i], i);
}

static void test_barrier_runs_what_callbacks_queue(void **state)
{
	struct node second = { .index = 2 }, first = { .index = 1, .then = &second };

	reset();
	core_call_rcu(&first.rcu, record);
	core_rcu_barrier();
	assert_int_equal(atomic_load(&ran_count), 2);
	assert_int_equal(ran_order[0], 1);
	assert_int_equal(ran_order[1], 2);
}

/* A program's map update frees inside its invocation: queueing must not wait for readers
 * (this test would hang if it did). */
static void test_queue_inside_a_critical_section(void **state)
{
	struct node n = { .index = 3 };

	reset();
	core_rcu_read_lock();
	core_call_rcu(&n.rcu, record);
	core_rcu_read_unlock();
	core_rcu_barrier();
	assert_int_equal(atomic_load(&ran_count), 1);
}

static void test_reclaimer_restarts_after_stop(void **state)
{
	struct node a = { .index = 4 }, b = { .index = 5 };

	reset();
	core_call_rcu(&a.rcu, record);
	core_rcu_stop(); /* runs a, then ends the thread */
	assert_int_equal(atomic_load(&ran_count), 1);
	core_call_rcu(&b.rcu, record);
	core_rcu_barrier();
	assert_int_equal(atomic_load(&ran_count), 2);
	core_rcu_stop();
}

/* The child queues and waits for its callback; a hang would end it with SIGALRM. */
static void test_child_of_fork_reclaims(void **state)
{
	struct node parent_node = { .index = 6 }, child_node = { .index = 7 };
	int status;
	pid_t pid;

#ifdef TEST_TSAN
	skip(); /* TSan cannot start threads in the child of a multi-threaded fork */
#endif
	reset();
	assert_int_equal(core_rcu_fork_handlers_install(), 0);
	core_call_rcu(&parent_node.rcu, record); /* the worker is running, or gathering */
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		alarm(10);
		core_call_rcu(&child_node.rcu, record);
		core_rcu_barrier();
		_exit(atomic_load(&ran_count) >= 1 ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	core_rcu_barrier();
	assert_int_equal(atomic_load(&ran_count), 1);
}

/* Runs wait() inside a read-side critical section in a child: it must abort with a message
 * naming the cause, never hang (SIGALRM would end a hang). */
static void expect_abort_inside_reader(void (*wait)(void), const char *what)
{
	char msg[512] = { 0 };
	int status, fds[2];
	ssize_t got;
	pid_t pid;

	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		alarm(10);
		dup2(fds[1], STDERR_FILENO);
		core_rcu_read_lock();
		wait();
		_exit(0);
	}
	close(fds[1]);
	got = read(fds[0], msg, sizeof(msg) - 1);
	close(fds[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGABRT);
	assert_true(got > 0);
	assert_non_null(strstr(msg, what));
	assert_non_null(strstr(msg, "inside an RCU read-side critical section"));
}

/* A section left open (a run that never reached its unlock) would make every later grace
 * period wait forever: waiting inside one is reported and aborts. */
static void test_wait_inside_a_critical_section_aborts(void **state)
{
	expect_abort_inside_reader(core_synchronize_rcu, "grace period awaited");
	expect_abort_inside_reader(core_rcu_barrier, "deferred frees awaited");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_callback_waits_for_a_reader),
		cmocka_unit_test(test_callbacks_run_in_queue_order),
		cmocka_unit_test(test_barrier_runs_what_callbacks_queue),
		cmocka_unit_test(test_queue_inside_a_critical_section),
		cmocka_unit_test(test_reclaimer_restarts_after_stop),
		cmocka_unit_test(test_child_of_fork_reclaims),
		cmocka_unit_test(test_wait_inside_a_critical_section_aborts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
