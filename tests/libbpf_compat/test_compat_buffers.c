/* SPDX-License-Identifier: MIT */
/*
 * extbpf-libbpf's perf buffers and links: perf_buffer__poll hands the records an XDP program
 * wrote with bpf_perf_event_output to the host's callback; bpf_program__attach attaches a
 * program to its type's default attach type (the sample hook) and bpf_link__destroy detaches it.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <extbpf/extbpf.h>
#include "sample_ext.h"

struct perf_seen {
	int samples;
	int with_record; /* samples starting with the program's record */
	__u64 lost;
};

static void on_sample(void *ctx, int cpu, void *data, __u32 size)
{
	struct perf_seen *seen = ctx;
	__u32 rec[2];

	(void)cpu;
	seen->samples++;
	if (size < sizeof(rec))
		return;
	memcpy(rec, data, sizeof(rec));
	if (rec[0] == 60 && rec[1] == 0xfeedbeef)
		seen->with_record++;
}

static void on_lost(void *ctx, int cpu, __u64 cnt)
{
	(void)cpu;
	((struct perf_seen *)ctx)->lost += cnt;
}

static void test_perf_buffer(void **state)
{
	struct bpf_object *obj = bpf_object__open_file(PACKET_PROGS_DIR "/xdp_test_perf.o", NULL);
	struct perf_seen seen = { 0 };
	unsigned char pkt[60] = { 0 };
	struct perf_buffer *pb;
	int prog_fd, n;

	(void)state;
	assert_non_null(obj);
	assert_int_equal(bpf_object__load(obj), 0);
	assert_null(perf_buffer__new(bpf_object__find_map_fd_by_name(obj, "events"), 3, on_sample,
				     on_lost, &seen, NULL));
	assert_int_equal(errno, EINVAL); /* pages not a power of 2 */
	pb = perf_buffer__new(bpf_object__find_map_fd_by_name(obj, "events"), 8, on_sample, on_lost,
			      &seen, NULL);
	assert_non_null(pb);
	prog_fd = bpf_program__fd(bpf_object__find_program_by_name(obj, "xdp_perf"));
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = pkt, .data_size_in = sizeof(pkt),
		    .repeat = 1);
	assert_int_equal(bpf_prog_test_run_opts(prog_fd, &opts), 0);
	assert_int_equal(opts.retval, 2); /* XDP_PASS */
	n = perf_buffer__poll(pb, 100);
	/* two records written (the other three calls fail in the program), none lost */
	assert_int_equal(n, 2);
	assert_int_equal(seen.samples, 2);
	assert_int_equal(seen.with_record, 1);
	assert_int_equal(seen.lost, 0);
	assert_int_equal(perf_buffer__consume(pb), 0);
	perf_buffer__free(pb);
	bpf_object__close(obj);
}

static int find_sample(const struct ebpf_extension *ext, void *arg)
{
	if (strcmp(ebpf_extension_name(ext), "sample"))
		return 0;
	*(sample_hook_fire_fn *)arg =
	    (sample_hook_fire_fn)ebpf_extension_symbol(ext, "sample_hook_fire");
	return 1;
}

static __u64 hits_of(int map_fd, __u32 uid)
{
	__u64 value = 0;

	return bpf_map_lookup_elem(map_fd, &uid, &value) ? 0 : value;
}

static void test_default_attach(void **state)
{
	struct bpf_object *obj = bpf_object__open_file(PROGS_DIR "/sample_count.bpf.o", NULL);
	sample_hook_fire_fn fire = NULL;
	char data[] = "four";
	struct bpf_link *link;
	int hits_fd;

	(void)state;
	assert_non_null(obj);
	assert_int_equal(bpf_object__load(obj), 0);
	ebpf_foreach_extension(find_sample, &fire);
	assert_non_null(fire);
	hits_fd = bpf_object__find_map_fd_by_name(obj, "hits");
	link = bpf_program__attach(bpf_object__find_program_by_name(obj, "count_hits"));
	assert_non_null(link);
	assert_true(bpf_link__fd(link) >= 0);
	assert_int_equal(fire(data, 4, 7, NULL, NULL, NULL, NULL), 0);
	assert_int_equal(fire(data, 4, 7, NULL, NULL, NULL, NULL), 0);
	assert_int_equal(hits_of(hits_fd, 7), 2);
	assert_int_equal(bpf_link__destroy(link), 0);
	assert_int_equal(fire(data, 4, 7, NULL, NULL, NULL, NULL), 0);
	assert_int_equal(hits_of(hits_fd, 7), 2); /* detached: not run */
	bpf_object__close(obj);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_perf_buffer),
		cmocka_unit_test(test_default_attach),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
