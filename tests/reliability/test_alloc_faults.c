// SPDX-License-Identifier: MIT
/*
 * Allocation fault injection: the scenario "add the sample extension, open an object, attach,
 * fire the hook, replace and delete a map entry (both reclaimed after a grace period), detach,
 * close, unload, shut down" runs with its 1st allocation failing, then
 * its 2nd, and so on until a run reaches its end without meeting the failure. Each run must
 * either succeed or fail with a negative errno and a message, and must release everything it
 * got: the interposer's count of live blocks must not grow from one run to the next with the
 * same failing allocation, and under ASan LeakSanitizer also checks after every run (its report
 * shows where the leaked block was allocated).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <extbpf/extbpf.h>

#include "reliability/fault_malloc.h"
#include "sample_ext.h"

#if defined(__SANITIZE_ADDRESS__)
#define HAVE_LSAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HAVE_LSAN 1
#endif
#endif
#ifdef HAVE_LSAN
#include <sanitizer/lsan_interface.h>
#endif

#define MAX_RUNS 100000

/* What one run reached; `failed` names the step that returned an error. */
struct run {
	const char *failed;
	int err;
	char message[512]; /* ebpf_last_error() right after the failure */
	uint32_t verdict;
	size_t ran;
};

static int step(struct run *run, const char *name, int err)
{
	if (err && !run->failed) {
		run->failed = name;
		run->err = err;
		snprintf(run->message, sizeof(run->message), "%s", ebpf_last_error());
	}
	return err;
}

static void scenario(struct run *run)
{
	struct ebpf_extension *ext = NULL;
	struct ebpf_object *obj = NULL;
	struct ebpf_program *prog;
	struct ebpf_link *link = NULL;
	struct ebpf_map *map;
	char buf[32] = "fault injection";
	uint32_t key = 1; /* the entry the program made */
	uint64_t value = 42;

	if (step(run, "ebpf_extension_add_static",
		 ebpf_extension_add_static(&ebpf_extension_sample, &ext)))
		goto out;
	if (step(run, "ebpf_object_open", ebpf_object_open(FAULT_OBJ, NULL, &obj)))
		goto out_unload;
	prog = ebpf_object_next_program(obj, NULL);
	if (!prog) {
		step(run, "ebpf_object_next_program", -ENOENT);
		goto out_close;
	}
	if (step(run, "ebpf_program_attach_by_name",
		 ebpf_program_attach_by_name(prog, "sample_hook", NULL, 0, &link)))
		goto out_close;
	run->ran = 1;
	step(run, "sample_hook_fire",
	     sample_hook_fire(buf, sizeof(buf), 7, &run->verdict, NULL, &run->ran, NULL));
	map = ebpf_object_find_map(obj, "counters");
	if (!map) {
		step(run, "ebpf_object_find_map", -ENOENT);
		goto out_detach;
	}
	step(run, "ebpf_map_update_elem", ebpf_map_update_elem(map, &key, &value, 0));
	step(run, "ebpf_map_delete_elem", ebpf_map_delete_elem(map, &key));
out_detach:
	step(run, "ebpf_link_detach", ebpf_link_detach(link));
out_close:
	ebpf_object_close(obj);
out_unload:
	step(run, "ebpf_extension_unload", ebpf_extension_unload(ext));
out:
	ebpf_runtime_shutdown();
}

/* One run with the nth allocation failing; fails the test if it was not clean. Returns
 * false once nth is beyond the scenario's allocations. */
static bool run_failing(uint64_t nth, uint64_t *allocations, uint64_t *errors)
{
	struct run run = { 0 };
	bool hit;

	fault_arm(nth);
	scenario(&run);
	*allocations = fault_count();
	hit = fault_disarm();
	if (hit && run.failed) {
		++*errors;
		if (run.err >= 0 || !run.message[0])
			fail_msg("allocation %llu failing: %s returned %d, message '%s'",
				 (unsigned long long)nth, run.failed, run.err, run.message);
	}
#ifdef HAVE_LSAN
	if (__lsan_do_recoverable_leak_check())
		fail_msg("allocation %llu failing (in %s): leak (LeakSanitizer's report above)",
			 (unsigned long long)nth, run.failed ? run.failed : "no step");
#endif
	return hit;
}

static void test_every_allocation_fails_cleanly(void **state)
{
	struct run clean = { 0 };
	uint64_t allocations = 0, errors = 0, nth;

	/* A run without faults: everything works. */
	fault_arm(0);
	scenario(&clean);
	if (clean.failed)
		fail_msg("without faults, %s failed: %d (%s)", clean.failed, clean.err,
			 ebpf_last_error());
	assert_int_equal(clean.ran, 1);

	/* EXTBPF_FAULT_ONLY=n reproduces one run (for valgrind or a debugger). */
	if (getenv("EXTBPF_FAULT_ONLY")) {
		nth = strtoull(getenv("EXTBPF_FAULT_ONLY"), NULL, 0);
		run_failing(nth, &allocations, &errors);
		return;
	}
	for (nth = 1; nth < MAX_RUNS; nth++) {
		long before = fault_live_blocks(), after;

		if (!run_failing(nth, &allocations, &errors))
			break; /* the run made fewer than nth allocations: all were tried */
		after = fault_live_blocks();
		if (after <= before)
			continue;
		/* Growth once may be state made lazily on a first error; twice is a leak. */
		run_failing(nth, &allocations, &errors);
		if (fault_live_blocks() > after)
			fail_msg("allocation %llu failing: %ld blocks leaked per run",
				 (unsigned long long)nth, fault_live_blocks() - after);
	}
	print_message("%llu allocations in the scenario, each made to fail in turn: %llu runs "
		      "reported an error, the others coped\n",
		      (unsigned long long)allocations, (unsigned long long)errors);
	assert_true(nth > 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_allocation_fails_cleanly),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
