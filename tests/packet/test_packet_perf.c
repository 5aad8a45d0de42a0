/* SPDX-License-Identifier: MIT */
/*
 * bpf_perf_event_output from XDP programs, end to end in the interpreter, the JIT and native
 * mode: the records a test run writes are read back through the perf reader, framed as Linux
 * frames them (the packet bytes the flags ask for appended), with Linux's run-time errors; and
 * unsafe calls refused by the verifier, each for its reason.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "packet_test_util.h"

#define PROG(name) PACKET_PROGS_DIR "/" name

static int setup(void **state)
{
	packet_runtime_start();
	return 0;
}

static int teardown(void **state)
{
	packet_runtime_stop();
	return 0;
}

struct records {
	int count;
	int cpu[4];
	uint32_t size[4];
	uint8_t data[4][64];
};

static void on_sample(void *arg, int cpu, const void *data, uint32_t size)
{
	struct records *r = arg;

	if (r->count < 4) {
		r->cpu[r->count] = cpu;
		r->size[r->count] = size;
		memcpy(r->data[r->count], data, size < 64 ? size : 64);
	}
	r->count++;
}

static void expect_results(struct ebpf_object *obj, const int64_t *want, size_t n,
			   enum ebpf_exec_mode mode)
{
	struct ebpf_map *result = ebpf_object_find_map(obj, "result");

	for (uint32_t i = 0; i < n; i++) {
		int64_t v = 0;

		assert_int_equal(ebpf_map_lookup_elem(result, &i, &v), 0);
		if (v != want[i])
			fail_msg("mode %d: call %u returned %lld, expected %lld", (int)mode, i,
				 (long long)v, (long long)want[i]);
	}
}

static void run_frame(struct ebpf_program *prog, unsigned char *frame, size_t size)
{
	struct ebpf_test_run_opts opts = {
		.sz = sizeof(opts),
		.data_in = frame,
		.data_size_in = size,
	};

	assert_int_equal(ebpf_program_test_run(prog, &opts), 0);
	assert_int_equal(opts.retval, 2 /* XDP_PASS */);
}

static void perf_output_in(enum ebpf_exec_mode mode)
{
	/* Without a reader the rings do not exist; flags, packet length and index fail first. */
	static const int64_t no_reader[] = { -ENOENT, -ENOENT, -EINVAL, -EFAULT, -E2BIG };
	static const int64_t with_reader[] = { 0, 0, -EINVAL, -EFAULT, -E2BIG };
	struct ebpf_object *obj;
	struct ebpf_program *prog;
	struct ebpf_perf_reader *reader = NULL;
	struct records got = { 0 };
	unsigned char frame[64];
	char log[8192];
	uint32_t head[2];
	int big, small;

	for (size_t i = 0; i < sizeof(frame); i++)
		frame[i] = (unsigned char)(0x40 + i);
	if (open_object(PROG("xdp_test_perf.o"), mode, false, &obj, log, sizeof(log)))
		fail_msg("mode %d: %s\n%s", (int)mode, ebpf_last_error(), log);
	prog = ebpf_object_find_program(obj, "xdp_perf");
	assert_non_null(prog);
	assert_int_equal(ebpf_map_max_entries(ebpf_object_find_map(obj, "events")),
			 ebpf_num_possible_cpus());
	run_frame(prog, frame, sizeof(frame));
	expect_results(obj, no_reader, 5, mode);

	assert_int_equal(ebpf_perf_reader_create(ebpf_object_find_map(obj, "events"), on_sample,
						 NULL, &got, NULL, &reader),
			 0);
	run_frame(prog, frame, sizeof(frame));
	expect_results(obj, with_reader, 5, mode);
	assert_int_equal(ebpf_perf_reader_consume(reader), 2);
	assert_int_equal(got.count, 2);
	/* 8 bytes then 16 of the packet, after the 4-byte size: 28 with the padding. */
	big = got.size[0] == 28 ? 0 : 1;
	small = 1 - big;
	assert_int_equal(got.size[big], 28);
	memcpy(head, got.data[big], sizeof(head));
	assert_int_equal(head[0], sizeof(frame));
	assert_int_equal(head[1], 0xfeedbeef);
	assert_memory_equal(got.data[big] + 8, frame, 16);
	/* 6 bytes on ring 0, padded to 12. */
	assert_int_equal(got.size[small], 12);
	assert_int_equal(got.cpu[small], 0);
	assert_memory_equal(got.data[small], got.data[big], 6);
	ebpf_perf_reader_destroy(reader);
	ebpf_object_close(obj);
}

static void test_perf_output_interp(void **state)
{
	perf_output_in(EBPF_MODE_INTERP);
}

static void test_perf_output_jit(void **state)
{
	perf_output_in(EBPF_MODE_JIT);
}

static void test_perf_output_native(void **state)
{
	perf_output_in(EBPF_MODE_NATIVE);
}

/* Each unsafe call is refused, naming why. */
static void test_perf_output_refused(void **state)
{
	static const struct {
		const char *program;
		const char *why;
	} cases[] = {
		{ "perf_wrong_map", "bpf_perf_event_output cannot be used with map 'values'" },
		{ "perf_lookup", "bpf_map_lookup_elem cannot be used with map 'events'" },
		{ "perf_size_over", "arg4: stack range fp-8..fp+8 out of the stack" },
		{ "perf_size_unbounded", "arg5 (r5 = scalar(umax=4294967295" },
		{ "perf_uninit", "arg4: uninitialised stack at fp-8" },
		{ "perf_not_ctx", "arg1 (r1 = fp-8): expected the context" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char log[16384] = "";
		struct ebpf_object_open_opts opts = {
			.sz = sizeof(opts),
			.only_program = cases[i].program,
			.log_buf = log,
			.log_size = sizeof(log),
		};
		struct ebpf_object *obj = NULL;

		if (!ebpf_object_open(PROG("xdp_test_perf_bad.o"), &opts, &obj)) {
			ebpf_object_close(obj);
			fail_msg("%s: accepted", cases[i].program);
		}
		if (!strstr(ebpf_last_error(), cases[i].why))
			fail_msg("%s: expected '%s' in: %s", cases[i].program, cases[i].why,
				 ebpf_last_error());
	}
}

/* xdp-tools' xdpdump_xdp.o (Debian's libxdp1), whose perf event array and
 * bpf_perf_event_output calls made it verify-only, loads to run. */
static void test_xdpdump_loads(void **state)
{
	const char *path = XDP_TOOLS_BPF_DIR "/xdpdump_xdp.o";
	struct ebpf_object *obj = NULL;
	char log[16384];

	if (access(path, R_OK)) {
		print_message("skipped: %s is missing (Debian package libxdp1)\n", path);
		skip();
	}
	if (open_object(path, EBPF_MODE_DEFAULT, false, &obj, log, sizeof(log)))
		fail_msg("%s: %s\n%s", path, ebpf_last_error(), log);
	assert_int_equal(ebpf_map_type(ebpf_object_find_map(obj, "xdpdump_perf_map")),
			 EBPF_MAP_TYPE_PERF_EVENT_ARRAY);
	ebpf_object_close(obj);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_perf_output_interp),
		cmocka_unit_test(test_perf_output_jit),
		cmocka_unit_test(test_perf_output_native),
		cmocka_unit_test(test_perf_output_refused),
		cmocka_unit_test(test_xdpdump_loads),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
