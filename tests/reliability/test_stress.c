// SPDX-License-Identifier: MIT
/*
 * Concurrency stress: for a bounded time (EXTBPF_STRESS_SECONDS, 3 by default), threads fire
 * the sample hook while others update and delete entries of a map the program uses, attach and
 * detach a second link, and unload and reload the extension under everything. Meant for
 * ThreadSanitizer (no report) and ASan (no error). Afterwards no update may be lost: the slot
 * each firing thread's invocations add 1 to (atomically, in the program) must equal the number
 * of invocations that thread saw return.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <cmocka.h>

#include <extbpf/extbpf.h>

#include "sample_ext.h"

#define FIRERS		3
#define SHARED_KEYS	32
#define RET_COUNT	1 /* count_invocation */
#define RET_OTHER	2 /* other */
#define DEFAULT_SECONDS 3

struct stress {
	atomic_bool stop;
	/* The object is reopened at every reload (its programs die with their type): the lock
	 * guards these pointers; users take references and work without holding it. */
	pthread_rwlock_t lock;
	struct ebpf_object *obj;
	struct ebpf_program *count_prog;
	struct ebpf_program *other_prog;
	struct ebpf_map *shared;
	struct ebpf_extension *ext;   /* the extension churner's while it runs */
	struct ebpf_link *count_link; /* idem */
	uint64_t harvested[FIRERS];   /* counts of the objects closed so far */
	atomic_long bad;	      /* results no program of ours returns, unexpected errors */
	atomic_long reloads;
	atomic_long attaches;
	atomic_long map_ops;
};

struct firer {
	struct stress *s;
	uint32_t uid;
	long ran; /* invocations of count_invocation this thread saw */
};

static void failure(struct stress *s, const char *what, int err)
{
	print_error("%s: %d (%s)\n", what, err, ebpf_last_error());
	atomic_fetch_add(&s->bad, 1);
}

static void *fire_loop(void *arg)
{
	struct firer *f = arg;
	char buf[64] = "stress";

	while (!atomic_load(&f->s->stop)) {
		uint32_t results[8];
		size_t count = 8;
		int err = sample_hook_fire(buf, sizeof(buf), f->uid, NULL, results, &count, NULL);

		if (err == -ENODEV) { /* between an unload and the reload */
			sched_yield();
			continue;
		}
		if (err) {
			failure(f->s, "sample_hook_fire", err);
			continue;
		}
		for (size_t i = 0; i < count && i < 8; i++) {
			if (results[i] == RET_COUNT)
				f->ran++;
			else if (results[i] != RET_OTHER)
				failure(f->s, "unexpected result", (int)results[i]);
		}
	}
	return NULL;
}

static struct ebpf_map *get_shared(struct stress *s)
{
	struct ebpf_map *map;

	pthread_rwlock_rdlock(&s->lock);
	map = s->shared;
	ebpf_map_acquire(map);
	pthread_rwlock_unlock(&s->lock);
	return map;
}

/* Updates and deletes race with the program's lookups (and with the object's reopening). */
static void *map_loop(void *arg)
{
	struct stress *s = arg;
	uint64_t zero = 0;

	for (uint32_t i = 0; !atomic_load(&s->stop); i++) {
		struct ebpf_map *map = get_shared(s);
		uint32_t key = i % SHARED_KEYS;
		int err = i / SHARED_KEYS % 2 ? ebpf_map_delete_elem(map, &key)
					      : ebpf_map_update_elem(map, &key, &zero, EBPF_ANY);

		if (err && err != -ENOENT)
			failure(s, "map update/delete", err);
		ebpf_map_release(map);
		atomic_fetch_add(&s->map_ops, 1);
	}
	return NULL;
}

/* Attach fails while the extension is away: its program type (-ENODEV), or only its hook, which
 * a reload takes away before the type and brings back after it (-ESRCH). Nothing else. */
static void *link_loop(void *arg)
{
	struct stress *s = arg;

	while (!atomic_load(&s->stop)) {
		struct ebpf_link *link = NULL;
		struct ebpf_program *prog;
		int err;

		pthread_rwlock_rdlock(&s->lock);
		prog = s->other_prog;
		ebpf_program_acquire(prog);
		pthread_rwlock_unlock(&s->lock);
		err = ebpf_program_attach_by_name(prog, "sample_hook", NULL, 0, &link);
		if (!err) {
			atomic_fetch_add(&s->attaches, 1);
			sched_yield();
			ebpf_link_detach(link);
		} else if (err != -ENODEV && err != -ESRCH) {
			failure(s, "attach", err);
		}
		ebpf_program_release(prog);
		sched_yield();
	}
	return NULL;
}

/* Adds what the object's counters hold to the harvest: its invocations are all finished. */
static void harvest(struct stress *s)
{
	struct ebpf_map *counts = ebpf_object_find_map(s->obj, "counts");

	for (uint32_t i = 0; counts && i < FIRERS; i++) {
		uint64_t value = 0;
		int err = ebpf_map_lookup_elem(counts, &i, &value);

		if (err)
			failure(s, "counts lookup", err);
		s->harvested[i] += value;
	}
}

static int open_programs(struct stress *s)
{
	int err = ebpf_object_open(STRESS_OBJ, NULL, &s->obj);

	if (err)
		return err;
	s->count_prog = ebpf_object_find_program(s->obj, "count_invocation");
	s->other_prog = ebpf_object_find_program(s->obj, "other");
	s->shared = ebpf_object_find_map(s->obj, "shared");
	if (!s->count_prog || !s->other_prog || !s->shared)
		return -ENOENT;
	return ebpf_program_attach_by_name(s->count_prog, "sample_hook", NULL, 0, &s->count_link);
}

/* Unload (detaching every link, waiting for invocations), harvest, reopen, reattach. */
static int reload(struct stress *s)
{
	int err;

	pthread_rwlock_wrlock(&s->lock);
	err = ebpf_extension_unload(s->ext);
	if (err)
		goto out;
	harvest(s);
	ebpf_link_detach(s->count_link);
	ebpf_object_close(s->obj);
	err = ebpf_extension_add_static(&ebpf_extension_sample, &s->ext);
	if (!err)
		err = open_programs(s);
out:
	pthread_rwlock_unlock(&s->lock);
	return err;
}

static void *extension_loop(void *arg)
{
	struct stress *s = arg;

	while (!atomic_load(&s->stop)) {
		int err = reload(s);

		if (err) {
			failure(s, "reload", err);
			break;
		}
		atomic_fetch_add(&s->reloads, 1);
		for (int i = 0; i < 200; i++)
			sched_yield();
	}
	return NULL;
}

static unsigned int stress_seconds(void)
{
	const char *env = getenv("EXTBPF_STRESS_SECONDS");
	int seconds = env ? atoi(env) : DEFAULT_SECONDS;

	return seconds > 0 ? (unsigned int)seconds : DEFAULT_SECONDS;
}

static void check_counts(struct stress *s, const struct firer *firers)
{
	long total = 0;

	harvest(s);
	for (uint32_t i = 0; i < FIRERS; i++) {
		if (s->harvested[i] != (uint64_t)firers[i].ran)
			fail_msg("thread %u: the program counted %llu invocations, the thread saw "
				 "%ld",
				 i, (unsigned long long)s->harvested[i], firers[i].ran);
		total += firers[i].ran;
	}
	print_message("%ld invocations counted exactly\n", total);
	assert_true(total > 0);
}

static void test_stress(void **state)
{
	struct stress s = { .lock = PTHREAD_RWLOCK_INITIALIZER };
	struct firer firers[FIRERS];
	pthread_t threads[FIRERS + 3];
	int n = 0;

	assert_int_equal(ebpf_extension_add_static(&ebpf_extension_sample, &s.ext), 0);
	if (open_programs(&s))
		fail_msg("open %s: %s", STRESS_OBJ, ebpf_last_error());
	for (int i = 0; i < FIRERS; i++) {
		firers[i] = (struct firer){ .s = &s, .uid = (uint32_t)i };
		assert_int_equal(pthread_create(&threads[n++], NULL, fire_loop, &firers[i]), 0);
	}
	assert_int_equal(pthread_create(&threads[n++], NULL, map_loop, &s), 0);
	assert_int_equal(pthread_create(&threads[n++], NULL, link_loop, &s), 0);
	assert_int_equal(pthread_create(&threads[n++], NULL, extension_loop, &s), 0);

	sleep(stress_seconds());
	atomic_store(&s.stop, true);
	for (int i = 0; i < n; i++)
		pthread_join(threads[i], NULL);

	print_message("%ld extension reloads, %ld attaches, %ld map updates/deletes\n",
		      atomic_load(&s.reloads), atomic_load(&s.attaches), atomic_load(&s.map_ops));
	assert_int_equal(atomic_load(&s.bad), 0);
	check_counts(&s, firers);

	ebpf_link_detach(s.count_link);
	ebpf_object_close(s.obj);
	assert_int_equal(ebpf_extension_unload(s.ext), 0);
	ebpf_runtime_shutdown();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stress),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
