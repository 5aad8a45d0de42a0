/* SPDX-License-Identifier: MIT */
/*
 * Invocations racing with attach, detach and extension unload: threads fire sample_hook and
 * test-run programs while the main thread attaches and detaches links and unloads and reloads
 * the extension under them. Run under ASan (no use after free) and TSan (no race). Bounded by a
 * number of rounds; no timing is asserted.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <extbpf/extbpf.h>

#include "core/test_util.h"
#include "sample_ext.h"

#define FIRERS 3
#define ROUNDS 40

/* Every program here returns one of these; anything else would mean a wrong program ran. */
#define RET_A 11
#define RET_B 22

static atomic_bool stop;
static atomic_int bad_results;
static atomic_long fired;

/* Published by the main thread for the test-run thread; replaced between rounds. */
static pthread_mutex_t prog_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ebpf_program *shared_prog;

static void *firer(void *arg)
{
	char buf[32] = "concurrent";

	while (!atomic_load(&stop)) {
		uint32_t results[8];
		size_t count = 8;
		int err = sample_hook_fire(buf, sizeof(buf), 1, NULL, results, &count, NULL);

		if (err && err != -ENODEV) {
			atomic_fetch_add(&bad_results, 1);
			continue;
		}
		for (size_t i = 0; !err && i < count && i < 8; i++) {
			if (results[i] != RET_A && results[i] != RET_B)
				atomic_fetch_add(&bad_results, 1);
		}
		atomic_fetch_add(&fired, 1);
		if (err)
			sched_yield();
	}
	return NULL;
}

/* Test runs hold a reference of their own while the extension may go away. */
static void *test_runner(void *arg)
{
	while (!atomic_load(&stop)) {
		struct ebpf_test_run_opts run = { .sz = sizeof(run) };
		struct ebpf_program *prog;
		int err;

		pthread_mutex_lock(&prog_lock);
		prog = shared_prog;
		if (prog)
			ebpf_program_acquire(prog);
		pthread_mutex_unlock(&prog_lock);
		if (!prog) {
			sched_yield();
			continue;
		}
		err = ebpf_program_test_run(prog, &run);
		if ((err && err != -ENODEV) || (!err && run.retval != RET_A))
			atomic_fetch_add(&bad_results, 1);
		ebpf_program_release(prog);
	}
	return NULL;
}

static struct ebpf_program *load_return(int32_t value)
{
	struct ebpf_inst insns[] = PROG_RETURN(value);
	struct ebpf_program *prog = NULL;

	if (ebpf_program_load_raw("sample", insns, 2, NULL, &prog))
		fail_msg("load: %s", ebpf_last_error());
	return prog;
}

static void publish(struct ebpf_program *prog)
{
	struct ebpf_program *old;

	if (prog)
		ebpf_program_acquire(prog);
	pthread_mutex_lock(&prog_lock);
	old = shared_prog;
	shared_prog = prog;
	pthread_mutex_unlock(&prog_lock);
	ebpf_program_release(old);
}

/* One round: load, attach two links, let the firers run, then tear down in an order that
 * depends on the round (detach first, unload first, or release the programs first). */
static void round_trip(int round)
{
	struct ebpf_extension *ext = NULL;
	struct ebpf_program *a, *b;
	struct ebpf_link *la = NULL, *lb = NULL;

	assert_int_equal(ebpf_extension_add_static(&ebpf_extension_sample, &ext), 0);
	a = load_return(RET_A);
	b = load_return(RET_B);
	publish(a);
	assert_int_equal(ebpf_program_attach_by_name(a, "sample_hook", NULL, 0, &la), 0);
	assert_int_equal(ebpf_program_attach_by_name(b, "sample_hook", NULL, 0, &lb), 0);
	for (int i = 0; i < 20; i++)
		sched_yield();

	switch (round % 3) {
	case 0: /* links, then programs, then the extension */
		ebpf_link_detach(lb);
		ebpf_link_detach(la);
		ebpf_program_release(a);
		ebpf_program_release(b);
		ebpf_extension_unload(ext);
		break;
	case 1: /* the extension under live links and programs */
		ebpf_link_detach(lb);
		ebpf_extension_unload(ext);
		assert_true(ebpf_link_is_detached(la));
		ebpf_link_detach(la);
		ebpf_program_release(a);
		ebpf_program_release(b);
		break;
	default: /* programs released first (links keep them), then the extension */
		ebpf_program_release(a);
		ebpf_program_release(b);
		ebpf_extension_unload(ext);
		ebpf_link_detach(la);
		ebpf_link_detach(lb);
		break;
	}
	if (round % 2)
		publish(NULL);
}

static void test_invoke_during_attach_detach_unload(void **state)
{
	pthread_t threads[FIRERS + 1];

	for (int i = 0; i < FIRERS; i++)
		assert_int_equal(pthread_create(&threads[i], NULL, firer, NULL), 0);
	assert_int_equal(pthread_create(&threads[FIRERS], NULL, test_runner, NULL), 0);
	for (int round = 0; round < ROUNDS; round++)
		round_trip(round);
	atomic_store(&stop, true);
	for (int i = 0; i <= FIRERS; i++)
		pthread_join(threads[i], NULL);
	publish(NULL);
	assert_int_equal(atomic_load(&bad_results), 0);
	assert_true(atomic_load(&fired) > 0);
	ebpf_runtime_shutdown();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_invoke_during_attach_detach_unload),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
