/* SPDX-License-Identifier: MIT */
/*
 * Replacing the program of a live link (ebpf_link_update, as Linux's bpf_link_update with
 * BPF_F_REPLACE): the swap, its misuse, and a stress test in which threads fire the sample hook
 * while another thread swaps the link's program between two instances of a counting program
 * thousands of times. Every invocation the hook reports is counted exactly once, by one of the
 * two programs, in its own map: none lost, none doubled (label concurrency: run under TSan).
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

#include "../../extensions/sample/sample_ext.h"
#include "core/test_util.h"

#define FIRERS 2
#define SWAPS  4000

static struct ebpf_extension *ext;

/* A second program type, registered by the host, for programs the sample hook does not run. */
static const struct ebpf_program_info other_type = {
	.header = EBPF_EXTENSION_HEADER(struct ebpf_program_info, EBPF_PROGRAM_INFO_VERSION),
	.name = "upd_other",
	.program_type = NMR_GUID(0x7e57c0de, 0x0023, 0x4000, 0x8000, 0x000000000001),
	.context = { .size = 8, .data = -1, .data_end = -1, .meta = -1 },
};
static const struct ebpf_program_info *const other_types[] = { &other_type };
static const struct ebpf_extension_registration other_registration = {
	.header = EBPF_EXTENSION_HEADER(struct ebpf_extension_registration,
					EBPF_EXTENSION_REGISTRATION_VERSION),
	.module_id = NMR_GUID(0x7e57c0de, 0x0023, 0x4000, 0x8000, 0x000000000000),
	.program_types = other_types,
	.program_type_count = 1,
};

static int setup(void **state)
{
	return ebpf_extension_add_static(&ebpf_extension_sample, &ext);
}

static int teardown(void **state)
{
	ebpf_runtime_shutdown();
	return 0;
}

/* One instance of sample_count.bpf.o: its program and its hits map, keys 0..FIRERS-1 at 0 so
 * that the program only ever adds (its insert path could lose a count to a racing insert). */
struct counter {
	struct ebpf_object *obj;
	struct ebpf_program *prog;
	struct ebpf_map *hits;
};

static void counter_open(struct counter *c)
{
	uint64_t zero = 0;

	if (ebpf_object_open(prog_path("sample_count.bpf.o"), NULL, &c->obj))
		fail_msg("open: %s", ebpf_last_error());
	c->prog = ebpf_object_find_program(c->obj, "count_hits");
	c->hits = ebpf_object_find_map(c->obj, "hits");
	assert_non_null(c->prog);
	assert_non_null(c->hits);
	for (uint32_t uid = 0; uid < FIRERS; uid++)
		assert_int_equal(ebpf_map_update_elem(c->hits, &uid, &zero, EBPF_ANY), 0);
}

static uint64_t counted(struct counter *c, uint32_t uid)
{
	uint64_t value = 0;

	assert_int_equal(ebpf_map_lookup_elem(c->hits, &uid, &value), 0);
	return value;
}

static int fire(uint32_t uid)
{
	char buf[8] = "update";
	size_t count = 0;
	int err = sample_hook_fire(buf, sizeof(buf), uid, NULL, NULL, &count, NULL);

	return err ? err : (int)count;
}

static void test_update_swaps_program(void **state)
{
	struct counter a, b;
	struct ebpf_link *link = NULL;

	counter_open(&a);
	counter_open(&b);
	assert_int_equal(ebpf_program_attach_by_name(a.prog, "sample_hook", NULL, 0, &link), 0);
	assert_int_equal(fire(0), 1);
	assert_int_equal(ebpf_link_update(link, b.prog, a.prog), 0);
	assert_int_equal(fire(0), 1);
	assert_int_equal(fire(0), 1);
	assert_int_equal(counted(&a, 0), 1);
	assert_int_equal(counted(&b, 0), 2);
	/* Without an expected old program: whatever runs is replaced. */
	assert_int_equal(ebpf_link_update(link, a.prog, NULL), 0);
	assert_int_equal(fire(0), 1);
	assert_int_equal(counted(&a, 0), 2);
	/* The link holds its program: closing the object does not stop it. */
	ebpf_object_close(a.obj);
	assert_int_equal(fire(1), 1);
	assert_int_equal(ebpf_link_detach(link), 0);
	ebpf_object_close(b.obj);
}

static void test_update_misuse(void **state)
{
	struct ebpf_inst ret[] = PROG_RETURN(1);
	struct ebpf_object_open_opts verify = { .sz = sizeof(verify), .verify_only = true };
	struct ebpf_program *vo = NULL, *other = NULL;
	struct ebpf_extension_providers *providers = NULL;
	struct ebpf_link *link = NULL;
	struct counter a, b;

	counter_open(&a);
	counter_open(&b);
	assert_int_equal(ebpf_program_attach_by_name(a.prog, "sample_hook", NULL, 0, &link), 0);
	assert_int_equal(ebpf_link_update(NULL, b.prog, NULL), -EINVAL);
	assert_int_equal(ebpf_link_update(link, NULL, NULL), -EINVAL);
	assert_true(error_has("link update"));
	/* The expected old program is not the one the link runs (BPF_F_REPLACE's -EPERM). */
	assert_int_equal(ebpf_link_update(link, b.prog, b.prog), -EPERM);
	assert_true(error_has("runs program 'count_hits'"));
	/* Verification only: it cannot run. */
	assert_int_equal(ebpf_program_load_raw("sample", ret, 2, &verify, &vo), 0);
	assert_int_equal(ebpf_link_update(link, vo, NULL), -EPERM);
	assert_true(error_has("verification only"));
	ebpf_program_release(vo);
	/* Another program type than the hook runs. */
	assert_int_equal(
	    ebpf_extension_register(ebpf_runtime_registrar(), &other_registration, &providers), 0);
	assert_int_equal(ebpf_program_load_raw("upd_other", ret, 2, NULL, &other), 0);
	assert_int_equal(ebpf_link_update(link, other, NULL), -EINVAL);
	assert_true(error_has("type 'upd_other'"));
	ebpf_program_release(other);
	ebpf_extension_deregister(providers);
	/* Nothing changed. */
	assert_int_equal(fire(0), 1);
	assert_int_equal(counted(&a, 0), 1);
	assert_int_equal(counted(&b, 0), 0);
	assert_int_equal(ebpf_link_detach(link), 0);
	ebpf_object_close(a.obj);
	ebpf_object_close(b.obj);
}

struct race {
	atomic_bool stop;
	atomic_int bad;
	atomic_long ran[FIRERS];
};

struct firer {
	struct race *r;
	uint32_t uid;
};

static void *fire_loop(void *arg)
{
	struct firer *f = arg;

	while (!atomic_load(&f->r->stop)) {
		int ran = fire(f->uid);

		if (ran != 1)
			atomic_fetch_add(&f->r->bad, 1);
		else
			atomic_fetch_add(&f->r->ran[f->uid], 1);
	}
	return NULL;
}

static void test_update_stress(void **state)
{
	struct race r = { 0 };
	struct firer firers[FIRERS];
	pthread_t threads[FIRERS];
	struct ebpf_link *link = NULL;
	struct counter a, b;

	counter_open(&a);
	counter_open(&b);
	assert_int_equal(ebpf_program_attach_by_name(a.prog, "sample_hook", NULL, 0, &link), 0);
	for (uint32_t i = 0; i < FIRERS; i++) {
		firers[i] = (struct firer){ .r = &r, .uid = i };
		assert_int_equal(pthread_create(&threads[i], NULL, fire_loop, &firers[i]), 0);
	}
	for (int i = 0; i < SWAPS; i++) {
		struct counter *from = i % 2 ? &b : &a, *to = i % 2 ? &a : &b;

		assert_int_equal(ebpf_link_update(link, to->prog, from->prog), 0);
		if (i % 64 == 0)
			sched_yield();
	}
	atomic_store(&r.stop, true);
	for (int i = 0; i < FIRERS; i++)
		pthread_join(threads[i], NULL);
	assert_int_equal(atomic_load(&r.bad), 0);
	for (uint32_t uid = 0; uid < FIRERS; uid++) {
		long ran = atomic_load(&r.ran[uid]);

		assert_true(ran > 0);
		assert_int_equal(counted(&a, uid) + counted(&b, uid), ran);
	}
	assert_int_equal(ebpf_link_detach(link), 0);
	ebpf_object_close(a.obj);
	ebpf_object_close(b.obj);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_update_swaps_program),
		cmocka_unit_test(test_update_misuse),
		cmocka_unit_test(test_update_stress),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
