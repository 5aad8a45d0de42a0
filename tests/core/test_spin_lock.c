/* SPDX-License-Identifier: MIT */
/*
 * bpf_spin_lock at run time, in every engine: two threads run spin_lock.bpf.c (a plain
 * load-add-store of a counter between bpf_spin_lock and bpf_spin_unlock) while a third reads the
 * values with EBPF_F_LOCK; the totals are exact and every locked read is consistent (twice ==
 * 2 * count, the lock word read as 0). Host updates never copy over the lock word. Under TSan
 * the lock's acquire/release is what orders the interpreter's plain accesses. No timing is
 * asserted: the runs are bounded by a count.
 */
#include <errno.h>
#include <pthread.h>
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

/* Runs per thread: enough for the two runners to overlap for long on a loaded machine (a
 * compiled run takes a few nanoseconds, an interpreted one some more). */
#define RUNS_INTERP   200000
#define RUNS_COMPILED 2000000

/* struct counter of spin_lock.bpf.c */
struct counter {
	uint64_t before;
	uint32_t lock;
	uint32_t pad;
	uint64_t count;
	uint64_t twice;
};

struct fixture {
	uint32_t runs;
	struct ebpf_object *obj;
	struct ebpf_program *prog;
	struct ebpf_map *hashed, *arrayed;
};

static atomic_bool stop;
static atomic_int failures;
static pthread_barrier_t start; /* the two runners start together */

static int setup(void **state)
{
	struct ebpf_extension *ext;

	if (ebpf_extension_add_static(&ebpf_extension_sample, &ext))
		fail_msg("sample extension: %s", ebpf_last_error());
	return 0;
}

static void open_mode(struct fixture *f, enum ebpf_exec_mode mode)
{
	struct ebpf_object_open_opts opts = { .sz = sizeof(opts), .mode = mode };
	struct counter zero = { 0 };
	uint32_t key = 0;

	memset(f, 0, sizeof(*f));
	if (ebpf_object_open(prog_path("spin_lock.bpf.o"), &opts, &f->obj))
		fail_msg("open (mode %d): %s", mode, ebpf_last_error());
	f->prog = ebpf_object_find_program(f->obj, "locked_count");
	f->hashed = ebpf_object_find_map(f->obj, "hashed");
	f->arrayed = ebpf_object_find_map(f->obj, "arrayed");
	assert_non_null(f->prog);
	assert_non_null(f->hashed);
	assert_non_null(f->arrayed);
	assert_int_equal(ebpf_program_mode(f->prog), mode);
	assert_int_equal(ebpf_map_update_elem(f->hashed, &key, &zero, EBPF_NOEXIST), 0);
}

static void *runner(void *arg)
{
	struct fixture *f = arg;
	struct ebpf_test_run_opts run = { .sz = sizeof(run), .repeat = f->runs };

	pthread_barrier_wait(&start);
	if (ebpf_program_test_run(f->prog, &run) || run.retval != 2)
		atomic_fetch_add(&failures, 1);
	return NULL;
}

/* A locked read sees what one critical section left: never a half-done update. */
static void check_locked_read(struct ebpf_map *map)
{
	struct counter c;
	uint32_t key = 0;

	memset(&c, 0xff, sizeof(c));
	if (ebpf_map_lookup_elem_flags(map, &key, &c, EBPF_F_LOCK) || c.twice != 2 * c.count ||
	    c.lock != 0)
		atomic_fetch_add(&failures, 1);
}

static void *reader(void *arg)
{
	struct fixture *f = arg;

	while (!atomic_load(&stop)) {
		check_locked_read(f->hashed);
		check_locked_read(f->arrayed);
	}
	return NULL;
}

static uint64_t count_of(struct ebpf_map *map)
{
	struct counter c;
	uint32_t key = 0;

	assert_int_equal(ebpf_map_lookup_elem(map, &key, &c), 0);
	assert_int_equal(c.lock, 0); /* the lock word reads as zero, as on Linux */
	assert_int_equal(c.twice, 2 * c.count);
	return c.count;
}

static void race(enum ebpf_exec_mode mode)
{
	struct fixture f;
	pthread_t threads[3];

	open_mode(&f, mode);
	f.runs = mode == EBPF_MODE_INTERP ? RUNS_INTERP : RUNS_COMPILED;
	atomic_store(&stop, false);
	atomic_store(&failures, 0);
	assert_int_equal(pthread_barrier_init(&start, NULL, 2), 0);
	assert_int_equal(pthread_create(&threads[2], NULL, reader, &f), 0);
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&threads[i], NULL, runner, &f), 0);
	for (int i = 0; i < 2; i++)
		pthread_join(threads[i], NULL);
	atomic_store(&stop, true);
	pthread_join(threads[2], NULL);
	pthread_barrier_destroy(&start);
	assert_int_equal(atomic_load(&failures), 0);
	assert_int_equal(count_of(f.hashed), 2 * (uint64_t)f.runs);
	assert_int_equal(count_of(f.arrayed), 2 * (uint64_t)f.runs);
	ebpf_object_close(f.obj);
}

static void test_interp(void **state)
{
	race(EBPF_MODE_INTERP);
}

static void test_jit(void **state)
{
	race(EBPF_MODE_JIT);
}

static void test_native(void **state)
{
	race(EBPF_MODE_NATIVE);
}

/*
 * The host's updates leave the lock word alone (Linux's copy_map_value): a value written with
 * a non-zero lock word does not leave the lock taken, and an update while a program would hold
 * it does not release it. With EBPF_F_LOCK the update is made under the lock.
 */
static void test_host_updates_skip_lock(void **state)
{
	struct fixture f;
	struct counter garbage = { .before = 1, .lock = 0xffffffff, .count = 5, .twice = 10 };
	struct ebpf_test_run_opts run = { .sz = sizeof(run) };
	uint32_t key = 0;
	struct ebpf_map *maps[2];

	open_mode(&f, EBPF_MODE_INTERP);
	maps[0] = f.hashed;
	maps[1] = f.arrayed;
	for (int i = 0; i < 2; i++) {
		assert_int_equal(ebpf_map_update_elem(maps[i], &key, &garbage, EBPF_ANY), 0);
		/* The program takes the lock: it would spin forever had the word been copied. */
		assert_int_equal(ebpf_program_test_run(f.prog, &run), 0);
		assert_int_equal(count_of(maps[i]), 6);
		garbage.count = 7;
		garbage.twice = 14;
		assert_int_equal(ebpf_map_update_elem(maps[i], &key, &garbage, EBPF_F_LOCK), 0);
		assert_int_equal(count_of(maps[i]), 7);
		assert_int_equal(
		    ebpf_map_update_elem(maps[i], &key, &garbage, EBPF_F_LOCK | EBPF_EXIST), 0);
		garbage.count = 5;
		garbage.twice = 10;
	}
	/* BPF_F_LOCK with BPF_NOEXIST on an existing element, on a missing one. */
	assert_int_equal(ebpf_map_update_elem(f.hashed, &key, &garbage, EBPF_F_LOCK | EBPF_NOEXIST),
			 -EEXIST);
	key = 3;
	assert_int_equal(ebpf_map_update_elem(f.hashed, &key, &garbage, EBPF_F_LOCK | EBPF_EXIST),
			 -ENOENT);
	assert_int_equal(ebpf_map_update_elem(f.hashed, &key, &garbage, EBPF_F_LOCK), 0);
	key = 0;
	ebpf_object_close(f.obj);
}

/* EBPF_F_LOCK on values without a lock, and unknown lookup flags, are refused (-EINVAL). */
static void test_lock_flag_refused(void **state)
{
	struct ebpf_map *plain = NULL;
	uint64_t value = 1;
	uint32_t key = 0;
	struct ebpf_map_create_opts opts = { .sz = sizeof(opts),
					     .spin_lock = true,
					     .spin_lock_off = 2 };
	struct ebpf_map *bad = NULL;

	assert_int_equal(ebpf_map_create(EBPF_MAP_TYPE_ARRAY, "plain", 4, 8, 1, NULL, &plain), 0);
	assert_int_equal(ebpf_map_update_elem(plain, &key, &value, EBPF_F_LOCK), -EINVAL);
	assert_int_equal(ebpf_map_lookup_elem_flags(plain, &key, &value, EBPF_F_LOCK), -EINVAL);
	assert_int_equal(ebpf_map_lookup_elem_flags(plain, &key, &value, 8), -EINVAL);
	assert_int_equal(ebpf_map_lookup_elem_flags(plain, &key, &value, 0), 0);
	ebpf_map_release(plain);

	assert_int_equal(ebpf_map_create(EBPF_MAP_TYPE_ARRAY, "crooked", 4, 8, 1, &opts, &bad),
			 -EINVAL);
	assert_true(error_has("not a multiple of 4"));
	opts.spin_lock_off = 8;
	assert_int_equal(ebpf_map_create(EBPF_MAP_TYPE_ARRAY, "outside", 4, 8, 1, &opts, &bad),
			 -EINVAL);
	assert_true(error_has("beyond the end of the value"));
	opts.spin_lock_off = 0;
	assert_int_equal(ebpf_map_create(EBPF_MAP_TYPE_QUEUE, "queued", 0, 8, 1, &opts, &bad),
			 -EOPNOTSUPP);
	assert_true(error_has("only hash, array and storage map values"));
	assert_null(bad);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_interp),
		cmocka_unit_test(test_jit),
		cmocka_unit_test(test_native),
		cmocka_unit_test(test_host_updates_skip_lock),
		cmocka_unit_test(test_lock_flag_refused),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
