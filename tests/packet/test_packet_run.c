/* SPDX-License-Identifier: MIT */
/*
 * The packet extension end to end, through the core: clang-compiled XDP programs opened,
 * verified and run by test runs and by devices (injected frames, capture files with output
 * captures checked packet by packet), the examples, and the xdp-tools objects Debian ships.
 * Expected results come from the tests' own packet parser (packet_test_util.c), never from
 * the programs under test.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>

#include <cmocka.h>

#include "packet_test_util.h"

#define PROG(name)    PACKET_PROGS_DIR "/" name
#define EXAMPLE(name) XDP_EXAMPLES_DIR "/" name

static const nmr_guid_t xdp_attach = XDP_ATTACH_TYPE_GUID;

/* Linux's struct xdp_md, the context image of test runs. */
struct xdp_md_image {
	uint32_t data;
	uint32_t data_end;
	uint32_t data_meta;
	uint32_t ingress_ifindex;
	uint32_t rx_queue_index;
	uint32_t egress_ifindex;
};

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

static struct ebpf_program *must_open(const char *path, const char *name, enum ebpf_exec_mode mode,
				      struct ebpf_object **obj)
{
	char log[8192];
	struct ebpf_program *prog;

	if (open_object(path, mode, false, obj, log, sizeof(log)))
		fail_msg("%s: %s\n%s", path, ebpf_last_error(), log);
	prog = ebpf_object_find_program(*obj, name);
	assert_non_null(prog);
	return prog;
}

/* An Ethernet frame of size bytes whose payload starts with op, pad, arg (s32 LE). */
static void make_frame(unsigned char *f, size_t size, uint8_t op, int32_t arg)
{
	memset(f, 0, size);
	memset(f, 0xaa, 12);
	f[12] = 0x08;
	f[13] = 0x00;
	f[14] = op;
	memcpy(f + 16, &arg, 4);
}

static int64_t read_result(struct ebpf_object *obj)
{
	struct ebpf_map *map = ebpf_object_find_map(obj, "result");
	uint32_t key = 0;
	int64_t v = 0;

	assert_non_null(map);
	assert_int_equal(ebpf_map_lookup_elem(map, &key, &v), 0);
	return v;
}

static void set_result(struct ebpf_object *obj, int64_t v)
{
	uint32_t key = 0;

	assert_int_equal(ebpf_map_update_elem(ebpf_object_find_map(obj, "result"), &key, &v, 0), 0);
}

/* ---- test runs --------------------------------------------------------------------------- */

static void test_each_verdict(void **state)
{
	static const enum ebpf_exec_mode modes[] = { EBPF_MODE_INTERP, EBPF_MODE_JIT };

	for (size_t m = 0; m < sizeof(modes) / sizeof(modes[0]); m++) {
		struct ebpf_object *obj;
		struct ebpf_program *prog =
		    must_open(PROG("xdp_test_actions.o"), "xdp_verdict", modes[m], &obj);
		unsigned char frame[64];

		for (unsigned int v = 0; v <= 5; v++) {
			struct ebpf_test_run_opts opts = {
				.sz = sizeof(opts),
				.data_in = frame,
				.data_size_in = sizeof(frame),
			};

			make_frame(frame, sizeof(frame), v == 5 ? 0xff : v, 0);
			assert_int_equal(ebpf_program_test_run(prog, &opts), 0);
			assert_int_equal(opts.retval, v == 5 ? 7 : v);
		}
		ebpf_object_close(obj);
	}
}

/* bpf_map_lookup_percpu_elem in every engine: each CPU's slot, NULL past the last CPU. */
static void test_lookup_percpu_elem(void **state)
{
	static const enum ebpf_exec_mode modes[] = { EBPF_MODE_INTERP, EBPF_MODE_JIT,
						     EBPF_MODE_NATIVE };
	uint32_t ncpus = ebpf_num_possible_cpus(), k0 = 0, k1 = 1;
	uint64_t *slots = calloc(ncpus, sizeof(*slots)), want = 0;

	assert_non_null(slots);
	for (uint32_t cpu = 0; cpu < ncpus; cpu++) {
		slots[cpu] = 1000 + cpu * 3;
		want += slots[cpu];
	}
	for (size_t m = 0; m < sizeof(modes) / sizeof(modes[0]); m++) {
		struct ebpf_object *obj;
		struct ebpf_program *prog =
		    must_open(PROG("xdp_test_percpu.o"), "xdp_sum_cpus", modes[m], &obj);
		struct ebpf_map *result = ebpf_object_find_map(obj, "result");
		unsigned char frame[64] = { 0 };
		struct ebpf_test_run_opts opts = {
			.sz = sizeof(opts),
			.data_in = frame,
			.data_size_in = sizeof(frame),
		};
		uint64_t sum = 0, cpus = 0;

		assert_int_equal(
		    ebpf_map_update_elem(ebpf_object_find_map(obj, "counters"), &k0, slots, 0), 0);
		assert_int_equal(ebpf_program_test_run(prog, &opts), 0);
		assert_int_equal(ebpf_map_lookup_elem(result, &k0, &sum), 0);
		assert_int_equal(ebpf_map_lookup_elem(result, &k1, &cpus), 0);
		assert_int_equal(cpus, ncpus);
		assert_int_equal(sum, want);
		ebpf_object_close(obj);
	}
	free(slots);
}

/* ---- helpers failing: their output is zeroed, in every engine --------------------------- */

struct fail_case {
	const char *program;
	uint8_t size;	/* byte 14 */
	int32_t offset; /* bytes 16..19 */
	int64_t ret;	/* the helper's return value */
	bool zero;	/* the bytes read back are zero (else the frame's first 32 bytes) */
};

static uint64_t frame_bytes_or(const unsigned char *frame, size_t n)
{
	uint64_t or = 0, w;

	for (size_t i = 0; i < n; i += 8) {
		memcpy(&w, frame + i, 8);
		or |= w;
	}
	return or ;
}

static void test_helper_failure_zeroes_output(void **state)
{
	static const enum ebpf_exec_mode modes[] = { EBPF_MODE_INTERP, EBPF_MODE_JIT,
						     EBPF_MODE_NATIVE };
	static const struct fail_case cases[] = {
		{ "load_bytes_const", 0, 0, 0, false }, /* succeeds: the frame's bytes */
		{ "load_bytes_const", 0, 40, -EINVAL, true },
		{ "load_bytes_const", 0, 0x10000, -EFAULT, true },
		{ "load_bytes_var", 15, 40, -EINVAL, true },
		{ "load_bytes_var", 0, 60, -EINVAL, true },
		{ "pop_empty", 0, 0, -ENOENT, true },
		{ "peek_empty", 0, 0, -ENOENT, true },
		{ "pop_into_map_value", 0, 0, -ENOENT, true },
		{ "strtol_fail", 0, 0, -EINVAL, true },
		{ "strtoul_fail", 0, 0, -EINVAL, true },
	};

	for (size_t m = 0; m < sizeof(modes) / sizeof(modes[0]); m++) {
		for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
			const struct fail_case *fc = &cases[c];
			struct ebpf_object *obj;
			struct ebpf_program *prog =
			    must_open(PROG("xdp_test_helper_fail.o"), fc->program, modes[m], &obj);
			struct ebpf_map *result = ebpf_object_find_map(obj, "result");
			unsigned char frame[64];
			struct ebpf_test_run_opts opts = {
				.sz = sizeof(opts),
				.data_in = frame,
				.data_size_in = sizeof(frame),
			};
			uint32_t k0 = 0, k1 = 1;
			int64_t ret, bytes;

			make_frame(frame, sizeof(frame), fc->size, fc->offset);
			assert_int_equal(ebpf_program_test_run(prog, &opts), 0);
			assert_int_equal(opts.retval, 2 /* XDP_PASS */);
			assert_int_equal(ebpf_map_lookup_elem(result, &k0, &ret), 0);
			assert_int_equal(ebpf_map_lookup_elem(result, &k1, &bytes), 0);
			if (ret != fc->ret ||
			    (uint64_t)bytes != (fc->zero ? 0 : frame_bytes_or(frame, 32)))
				fail_msg(
				    "%s (mode %d, size byte %u, offset %d): returned %lld, bytes "
				    "read back %#llx",
				    fc->program, (int)modes[m], fc->size, fc->offset,
				    (long long)ret, (unsigned long long)bytes);
			ebpf_object_close(obj);
		}
	}
}

/* ---- bpf_printk: the formats and arguments the verifier proved, in every engine ---------- */

struct messages {
	int count;
	char text[4][128];
};

static void collect_message(void *arg, const char *message, size_t length)
{
	struct messages *m = arg;

	if (m->count < 4)
		snprintf(m->text[m->count], sizeof(m->text[0]), "%.*s", (int)length, message);
	m->count++;
}

static void test_printk_through_program(void **state)
{
	static const enum ebpf_exec_mode modes[] = { EBPF_MODE_INTERP, EBPF_MODE_JIT,
						     EBPF_MODE_NATIVE };
	unsigned char frame[64];
	char ip6[64];
	size_t n = 0;

	make_frame(frame, sizeof(frame), 0x20, 0x01b8db0d);
	for (int i = 0; i < 16; i += 2)
		n += (size_t)snprintf(ip6 + n, sizeof(ip6) - n, "%s%02x%02x", i ? ":" : "",
				      frame[14 + i], frame[15 + i]);
	for (size_t m = 0; m < sizeof(modes) / sizeof(modes[0]); m++) {
		struct messages got = { 0 };
		struct ebpf_object *obj;
		struct ebpf_program *prog =
		    must_open(PROG("xdp_test_printk.o"), "printk_all", modes[m], &obj);
		struct ebpf_test_run_opts opts = {
			.sz = sizeof(opts),
			.data_in = frame,
			.data_size_in = sizeof(frame),
		};
		char expect[96];

		ebpf_set_trace_sink(collect_message, &got);
		assert_int_equal(ebpf_program_test_run(prog, &opts), 0);
		ebpf_set_trace_sink(NULL, NULL);
		assert_int_equal(opts.retval, 2 /* XDP_PASS */);
		assert_int_equal(got.count, 3);
		assert_string_equal(got.text[0], "len 64");
		assert_string_equal(got.text[1], "rodata and stack");
		snprintf(expect, sizeof(expect), "ip 127.0.0.1 %s", ip6);
		assert_string_equal(got.text[2], expect);
		ebpf_object_close(obj);
	}
}

static void test_adjust_through_program(void **state)
{
	struct ebpf_object *obj;
	struct ebpf_program *prog =
	    must_open(PROG("xdp_test_actions.o"), "xdp_adjust", EBPF_MODE_DEFAULT, &obj);
	unsigned char frame[64], out[512];
	struct xdp_md_image md;
	struct ebpf_test_run_opts opts = {
		.sz = sizeof(opts),
		.data_in = frame,
		.data_size_in = sizeof(frame),
		.data_out = out,
		.ctx_out = &md,
	};
	uint32_t marker;

	/* Grow the head by 16 bytes: the output is 16 bytes longer, the frame 16 bytes in. */
	make_frame(frame, sizeof(frame), 0, -16);
	opts.data_size_out = sizeof(out);
	assert_int_equal(ebpf_program_test_run(prog, &opts), 0);
	assert_int_equal(opts.retval, XDP_VERDICT_PASS);
	assert_int_equal(read_result(obj), 0);
	assert_int_equal(opts.data_size_out, sizeof(frame) + 16);
	assert_memory_equal(out + 16, frame, sizeof(frame));

	/* Beyond the headroom: refused, packet unchanged. */
	make_frame(frame, sizeof(frame), 0, -300);
	opts.data_size_out = sizeof(out);
	assert_int_equal(ebpf_program_test_run(prog, &opts), 0);
	assert_int_equal(read_result(obj), -EINVAL);
	assert_int_equal(opts.data_size_out, sizeof(frame));

	/* Shrink the tail. */
	make_frame(frame, sizeof(frame), 1, -10);
	opts.data_size_out = sizeof(out);
	assert_int_equal(ebpf_program_test_run(prog, &opts), 0);
	assert_int_equal(read_result(obj), 0);
	assert_int_equal(opts.data_size_out, sizeof(frame) - 10);

	/* 4 bytes of metadata, written by the program after the call: the output starts with it
	 * and md.data says where the packet begins. */
	make_frame(frame, sizeof(frame), 2, -4);
	opts.data_size_out = sizeof(out);
	opts.ctx_size_out = sizeof(md);
	assert_int_equal(ebpf_program_test_run(prog, &opts), 0);
	assert_int_equal(read_result(obj), 0);
	assert_int_equal(opts.data_size_out, sizeof(frame) + 4);
	memcpy(&marker, out, 4);
	assert_int_equal(marker, 0xabcd1234);
	assert_int_equal(md.data, 4);
	assert_int_equal(md.data_end, sizeof(frame) + 4);
	ebpf_object_close(obj);
}

static void test_md_fields_from_context(void **state)
{
	struct ebpf_object *obj;
	struct ebpf_program *prog =
	    must_open(PROG("xdp_test_actions.o"), "xdp_md_fields", EBPF_MODE_DEFAULT, &obj);
	unsigned char frame[64];
	struct xdp_md_image md = { .data_end = sizeof(frame),
				   .ingress_ifindex = 5,
				   .rx_queue_index = 2 };
	struct ebpf_test_run_opts opts = {
		.sz = sizeof(opts),
		.data_in = frame,
		.data_size_in = sizeof(frame),
		.ctx_in = &md,
		.ctx_size_in = sizeof(md),
	};

	make_frame(frame, sizeof(frame), 0, 0);
	assert_int_equal(ebpf_program_test_run(prog, &opts), 0);
	assert_int_equal(read_result(obj), (int64_t)5 << 32 | 2);
	/* A context image that breaks the rules is refused. */
	md.egress_ifindex = 1;
	assert_int_not_equal(ebpf_program_test_run(prog, &opts), 0);
	ebpf_object_close(obj);
}

static int open_one(const char *name, enum ebpf_exec_mode mode, struct ebpf_object **obj, char *log,
		    size_t log_size)
{
	struct ebpf_object_open_opts opts = {
		.sz = sizeof(opts),
		.mode = mode,
		.only_program = name,
		.log_buf = log,
		.log_size = log_size,
	};

	log[0] = '\0';
	return ebpf_object_open(PROG("xdp_test_frags.o"), &opts, obj);
}

/* A multi-buffer program (xdp.frags) gets one-buffer frames here, as Linux gives it frames that
 * fit one buffer: it loads and runs in every engine; its unsafe twins stay refused. */
static void test_frags_program_runs(void **state)
{
	static const enum ebpf_exec_mode modes[] = { EBPF_MODE_INTERP, EBPF_MODE_JIT,
						     EBPF_MODE_NATIVE };
	static const struct {
		const char *name, *reason;
	} twins[] = {
		{ "xdp_frags_unchecked", "pkt" },
		{ "xdp_frags_overflow", "fp-4" },
	};
	unsigned char frame[64], out[128];
	struct ebpf_object *obj = NULL;
	char log[8192];

	for (size_t m = 0; m < sizeof(modes) / sizeof(modes[0]); m++) {
		struct ebpf_test_run_opts opts = {
			.sz = sizeof(opts),
			.data_in = frame,
			.data_size_in = sizeof(frame),
			.data_out = out,
			.data_size_out = sizeof(out),
		};

		make_frame(frame, sizeof(frame), 0, 0);
		if (open_one("xdp_frags", modes[m], &obj, log, sizeof(log)))
			fail_msg("mode %d: %s\n%s", (int)modes[m], ebpf_last_error(), log);
		assert_int_equal(
		    ebpf_program_test_run(ebpf_object_find_program(obj, "xdp_frags"), &opts), 0);
		assert_int_equal(opts.retval, XDP_VERDICT_TX);
		assert_int_equal(opts.data_size_out, sizeof(frame));
		assert_int_equal(out[0], frame[0] ^ 0xff);
		assert_memory_equal(out + 1, frame + 1, sizeof(frame) - 1);
		ebpf_object_close(obj);
	}
	for (size_t i = 0; i < sizeof(twins) / sizeof(twins[0]); i++) {
		obj = NULL;
		assert_int_equal(open_one(twins[i].name, EBPF_MODE_DEFAULT, &obj, log, sizeof(log)),
				 -EACCES);
		if (!strstr(ebpf_last_error(), twins[i].reason))
			fail_msg("%s: %s", twins[i].name, ebpf_last_error());
	}
}

/* A program calling a verify-only helper: refused for execution with the reason, verifies. */
static void expect_verify_only(const char *object, const char *reason)
{
	struct ebpf_object *obj = NULL;
	char log[8192];

	assert_int_not_equal(open_object(object, EBPF_MODE_DEFAULT, false, &obj, log, sizeof(log)),
			     0);
	if (!strstr(ebpf_last_error(), reason) && !strstr(log, reason))
		fail_msg("no reason given: %s\n%s", ebpf_last_error(), log);
	assert_int_equal(open_object(object, EBPF_MODE_DEFAULT, true, &obj, log, sizeof(log)), 0);
	ebpf_object_close(obj);
}

static void test_fib_lookup_verify_only(void **state)
{
	expect_verify_only(PROG("xdp_test_fib.o"), "routing and neighbour tables");
}

/* bpf_jiffies64 (Cilium's conntrack clock): the kernel's tick counter. */
static void test_jiffies_verify_only(void **state)
{
	expect_verify_only(PROG("xdp_test_jiffies.o"), "kernel's tick counter");
}

/* The current task's ids (Linux's bpf_sk_base_func_proto for XDP): verify-only. */
static void test_task_ids_verify_only(void **state)
{
	expect_verify_only(PROG("xdp_test_task_ids.o"), "kernel task the packet interrupted");
}

/* Their unsafe twins: a cgroup id read through as a pointer, a level never initialised. */
static void test_task_ids_misuse_refused(void **state)
{
	expect_refused(PROG("xdp_bad_cgroup_id_deref.o"), true, "which is a scalar, not a pointer");
	expect_refused(PROG("xdp_bad_ancestor_uninit.o"), true, "uninitialised register");
}

/* ---- devices: links, redirects ----------------------------------------------------------- */

static struct ebpf_link *attach(struct ebpf_program *prog, struct xdp_device *dev)
{
	struct xdp_attach_params params = { .ifindex = xdp_device_ifindex(dev) };
	struct ebpf_link *link;

	if (ebpf_program_attach(prog, &xdp_attach, &params, sizeof(params), &link))
		fail_msg("attach: %s", ebpf_last_error());
	return link;
}

static enum xdp_verdict inject(struct xdp_device *dev, uint8_t op, int32_t arg)
{
	unsigned char frame[64];
	enum xdp_verdict v;

	make_frame(frame, sizeof(frame), op, arg);
	assert_int_equal(xdp_device_inject(dev, frame, sizeof(frame), NULL, NULL, &v), 0);
	return v;
}

static void test_redirect_to_device(void **state)
{
	struct ebpf_object *obj;
	struct ebpf_program *prog =
	    must_open(PROG("xdp_test_actions.o"), "xdp_redirect_test", EBPF_MODE_DEFAULT, &obj);
	struct xdp_device *a, *b;
	struct ebpf_link *link;
	struct xdp_stats sa, sb;

	assert_int_equal(xdp_device_create("a", 0, &a), 0);
	assert_int_equal(xdp_device_create("b", 2001, &b), 0);
	link = attach(prog, a);

	assert_int_equal(inject(a, 0, 2001), XDP_VERDICT_REDIRECT);
	xdp_device_stats(b, &sb);
	assert_int_equal(sb.tx_packets, 1);
	/* To no device: still the program's verdict, but the packet is lost and counted. */
	assert_int_equal(inject(a, 0, 9999), XDP_VERDICT_REDIRECT);
	/* Flags: aborted, as Linux. */
	assert_int_equal(inject(a, 2, 2001), XDP_VERDICT_ABORTED);
	xdp_device_stats(a, &sa);
	xdp_device_stats(b, &sb);
	assert_int_equal(sa.packets, 3);
	assert_int_equal(sa.verdicts[XDP_VERDICT_REDIRECT], 2);
	assert_int_equal(sa.verdicts[XDP_VERDICT_ABORTED], 1);
	assert_int_equal(sa.redirect_errors, 1);
	assert_int_equal(sb.tx_packets, 1);

	ebpf_link_detach(link);
	xdp_device_destroy(a);
	xdp_device_destroy(b);
	ebpf_object_close(obj);
}

static void test_redirect_map_devmap(void **state)
{
	struct ebpf_object *obj;
	struct ebpf_program *prog =
	    must_open(PROG("xdp_test_actions.o"), "xdp_redirect_test", EBPF_MODE_DEFAULT, &obj);
	struct ebpf_map *ports = ebpf_object_find_map(obj, "ports");
	struct xdp_device *a, *b;
	struct ebpf_link *link;
	uint32_t key = 1, ifindex = 3001;
	struct xdp_stats sb;

	assert_non_null(ports);
	assert_int_equal(ebpf_map_type(ports), EBPF_MAP_TYPE_DEVMAP);
	if (ebpf_map_update_elem(ports, &key, &ifindex, EBPF_ANY))
		fail_msg("devmap update: %s", ebpf_last_error());
	assert_int_equal(xdp_device_create("a", 0, &a), 0);
	assert_int_equal(xdp_device_create("b", 3001, &b), 0);
	link = attach(prog, a);

	assert_int_equal(inject(a, 1, 1), XDP_VERDICT_REDIRECT);
	xdp_device_stats(b, &sb);
	assert_int_equal(sb.tx_packets, 1);
	/* An empty slot: the fallback verdict in the flags (XDP_PASS), nothing sent. */
	assert_int_equal(inject(a, 1, 2), XDP_VERDICT_PASS);
	xdp_device_stats(b, &sb);
	assert_int_equal(sb.tx_packets, 1);

	ebpf_link_detach(link);
	xdp_device_destroy(a);
	xdp_device_destroy(b);
	ebpf_object_close(obj);
}

/* Programs of one device run in attach order while they pass; detaching removes one. */
static void test_links_in_order(void **state)
{
	struct ebpf_object *obj;
	struct ebpf_program *verdict =
	    must_open(PROG("xdp_test_actions.o"), "xdp_verdict", EBPF_MODE_DEFAULT, &obj);
	struct ebpf_program *md = ebpf_object_find_program(obj, "xdp_md_fields");
	struct ebpf_link *l1, *l2;
	struct xdp_device *dev;

	assert_int_equal(xdp_device_create("chain", 77, &dev), 0);
	l1 = attach(verdict, dev);
	l2 = attach(md, dev);
	set_result(obj, -1);
	assert_int_equal(inject(dev, XDP_VERDICT_DROP, 0), XDP_VERDICT_DROP);
	assert_int_equal(read_result(obj), -1); /* the second program did not run */
	assert_int_equal(inject(dev, XDP_VERDICT_PASS, 0), XDP_VERDICT_PASS);
	assert_int_equal(read_result(obj), (int64_t)77 << 32); /* it did */
	assert_int_equal(ebpf_link_detach(l1), 0);
	set_result(obj, -1);
	assert_int_equal(inject(dev, XDP_VERDICT_DROP, 0), XDP_VERDICT_PASS);
	assert_int_equal(read_result(obj), (int64_t)77 << 32);
	assert_int_equal(ebpf_link_detach(l2), 0);
	/* No program: everything passes. */
	assert_int_equal(inject(dev, XDP_VERDICT_DROP, 0), XDP_VERDICT_PASS);
	xdp_device_destroy(dev);
	ebpf_object_close(obj);
}

/* ---- captures end to end ----------------------------------------------------------------- */

static void expect_capture(const char *path, struct cap_packet *want, size_t count)
{
	struct capture got;

	assert_int_equal(capture_read(path, &got), 0);
	if (got.count != count)
		fail_msg("%s: %zu packets, expected %zu", path, got.count, count);
	for (size_t i = 0; i < count; i++) {
		assert_int_equal(got.packets[i].len, want[i].len);
		assert_memory_equal(got.packets[i].data, want[i].data, want[i].len);
	}
	capture_free(&got);
}

static void pipeline_run(enum ebpf_exec_mode mode, bool pcapng)
{
	char dir[64], in[128], pass[128], tx[128], redir[128], drop[128], btx[128];
	struct cap_packet *w_pass, *w_tx, *w_redir, *w_drop;
	size_t n_pass = 0, n_tx = 0, n_redir = 0, n_drop = 0;
	struct ebpf_object *obj;
	struct ebpf_program *prog =
	    must_open(PROG("xdp_test_pipeline.o"), "xdp_pipeline", mode, &obj);
	struct xdp_device *a, *b;
	struct capture input;
	struct xdp_stats st;
	struct ebpf_link *link;
	uint32_t zero = 0, target = 4242;
	uint64_t seen = 0;

	temp_dir(dir, sizeof(dir));
	temp_path(in, sizeof(in), dir, pcapng ? "in.pcapng" : "in.pcap");
	temp_path(pass, sizeof(pass), dir, "pass.pcap");
	temp_path(tx, sizeof(tx), dir, "tx.pcap");
	temp_path(redir, sizeof(redir), dir, "redir.pcap");
	temp_path(drop, sizeof(drop), dir, "drop.pcap");
	temp_path(btx, sizeof(btx), dir, "b_tx.pcap");
	assert_int_equal(capture_generate(in, 700, pcapng), 0);
	assert_int_equal(capture_read(in, &input), 0);
	assert_int_equal(input.count, 700);

	/* What the program should do, by the tests' own parser. */
	w_pass = calloc(input.count, sizeof(*w_pass));
	w_tx = calloc(input.count, sizeof(*w_tx));
	w_redir = calloc(input.count, sizeof(*w_redir));
	w_drop = calloc(input.count, sizeof(*w_drop));
	for (size_t i = 0; i < input.count; i++) {
		struct cap_packet *p = &input.packets[i];
		struct parsed h;

		parse_packet(p->data, p->len, &h);
		if (h.l4 == 17) {
			w_drop[n_drop++] = *p;
		} else if (h.l4 == 1 || h.l4 == 58) {
			unsigned char *sw = p->data; /* swapped in place: the input is ours */
			unsigned char mac[6];

			memcpy(mac, sw, 6);
			memcpy(sw, sw + 6, 6);
			memcpy(sw + 6, mac, 6);
			w_tx[n_tx++] = *p;
		} else if (h.l4 == 6) {
			w_redir[n_redir++] = *p;
		} else {
			w_pass[n_pass++] = *p;
		}
	}
	assert_true(n_pass && n_tx && n_redir && n_drop);

	assert_int_equal(
	    ebpf_map_update_elem(ebpf_object_find_map(obj, "target"), &zero, &target, EBPF_ANY), 0);
	if (xdp_device_create_pcap("in0", in, 0, &a))
		fail_msg("%s", xdp_last_error());
	assert_int_equal(xdp_device_create("out0", target, &b), 0);
	assert_int_equal(xdp_device_add_output(a, pass, XDP_OUT_PASS), 0);
	assert_int_equal(xdp_device_add_output(a, tx, XDP_OUT_TX), 0);
	assert_int_equal(xdp_device_add_output(a, redir, XDP_OUT_REDIRECT), 0);
	assert_int_equal(xdp_device_add_output(a, drop, XDP_OUT_DROP), 0);
	assert_int_equal(xdp_device_add_output(b, btx, XDP_OUT_TX), 0);
	link = attach(prog, a);
	if (xdp_device_run(a, NULL, &st))
		fail_msg("run: %s", xdp_last_error());

	assert_int_equal(st.packets, input.count);
	assert_int_equal(st.verdicts[XDP_VERDICT_PASS], n_pass);
	assert_int_equal(st.verdicts[XDP_VERDICT_TX], n_tx);
	assert_int_equal(st.verdicts[XDP_VERDICT_REDIRECT], n_redir);
	assert_int_equal(st.verdicts[XDP_VERDICT_DROP], n_drop);
	assert_int_equal(st.verdicts[XDP_VERDICT_ABORTED], 0);
	assert_int_equal(st.redirect_errors, 0);
	assert_int_equal(st.tx_packets, n_tx);
	assert_int_equal(ebpf_map_lookup_elem(ebpf_object_find_map(obj, "seen"), &zero, &seen), 0);
	assert_int_equal(seen, input.count);

	ebpf_link_detach(link);
	xdp_device_destroy(a); /* closes (flushes) the outputs */
	xdp_device_destroy(b);
	expect_capture(pass, w_pass, n_pass);
	expect_capture(tx, w_tx, n_tx);
	expect_capture(redir, w_redir, n_redir);
	expect_capture(btx, w_redir, n_redir);
	expect_capture(drop, w_drop, n_drop);

	free(w_pass);
	free(w_tx);
	free(w_redir);
	free(w_drop);
	capture_free(&input);
	remove_dir(dir);
	ebpf_object_close(obj);
}

static void test_pcap_pipeline_interp(void **state)
{
	pipeline_run(EBPF_MODE_INTERP, false);
}

static void test_pcap_pipeline_jit(void **state)
{
	pipeline_run(EBPF_MODE_JIT, false);
}

static void test_pcapng_pipeline(void **state)
{
	pipeline_run(EBPF_MODE_DEFAULT, true);
}

static void test_pcap_bad_input(void **state)
{
	char dir[64], path[128], cut[128];
	struct xdp_device *dev = NULL;
	FILE *f;
	void *buf;
	long size;

	temp_dir(dir, sizeof(dir));
	temp_path(path, sizeof(path), dir, "missing.pcap");
	assert_int_equal(xdp_device_create_pcap("bad", path, 0, &dev), -EINVAL);
	assert_non_null(strstr(xdp_last_error(), path));

	/* Not a capture at all. */
	f = fopen(path, "wb");
	fputs("this is not a capture file, not even close to one....", f);
	fclose(f);
	assert_int_equal(xdp_device_create_pcap("bad", path, 0, &dev), -EINVAL);
	assert_non_null(strstr(xdp_last_error(), path));

	/* A capture cut in the middle of a record: the run fails naming the record. */
	temp_path(cut, sizeof(cut), dir, "cut.pcap");
	assert_int_equal(capture_generate(path, 10, false), 0);
	f = fopen(path, "rb");
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	rewind(f);
	buf = malloc(size);
	assert_int_equal(fread(buf, 1, size, f), (size_t)size);
	fclose(f);
	f = fopen(cut, "wb");
	fwrite(buf, 1, size - 20, f);
	fclose(f);
	free(buf);
	assert_int_equal(xdp_device_create_pcap("cut", cut, 0, &dev), 0);
	assert_int_equal(xdp_device_run(dev, NULL, NULL), -EIO);
	assert_non_null(strstr(xdp_last_error(), "record 10"));
	xdp_device_destroy(dev);

	/* Names and ifindexes are unique. */
	assert_int_equal(xdp_device_create("dup", 55, &dev), 0);
	assert_int_equal(xdp_device_create("dup", 0, &(struct xdp_device *){ NULL }), -EEXIST);
	assert_int_equal(xdp_device_create("other", 55, &(struct xdp_device *){ NULL }), -EEXIST);
	xdp_device_destroy(dev);
	remove_dir(dir);
}

/* ---- the examples ------------------------------------------------------------------------ */

/* Runs prog over a generated capture of n packets; pass/drop/tx outputs when paths given. */
static void run_capture(struct ebpf_program *prog, const char *in, const char *pass,
			const char *drop, const char *tx, struct xdp_stats *st)
{
	struct xdp_device *dev;
	struct ebpf_link *link;

	if (xdp_device_create_pcap("ex0", in, 0, &dev))
		fail_msg("%s", xdp_last_error());
	if (pass)
		assert_int_equal(xdp_device_add_output(dev, pass, XDP_OUT_PASS), 0);
	if (drop)
		assert_int_equal(xdp_device_add_output(dev, drop, XDP_OUT_DROP), 0);
	if (tx)
		assert_int_equal(xdp_device_add_output(dev, tx, XDP_OUT_TX), 0);
	link = attach(prog, dev);
	if (xdp_device_run(dev, NULL, st))
		fail_msg("run: %s", xdp_last_error());
	ebpf_link_detach(link);
	xdp_device_destroy(dev);
}

static unsigned int proto_class(const struct parsed *h)
{
	if (h->ethertype == 0x0806)
		return 1;
	if (h->ethertype == 0x0800)
		return h->l4 == 6 ? 2 : h->l4 == 17 ? 3 : h->l4 == 1 ? 4 : 0;
	if (h->ethertype == 0x86dd)
		return h->l4 == 6 ? 5 : h->l4 == 17 ? 6 : h->l4 == 58 ? 7 : 0;
	return 0;
}

static void test_example_proto_count(void **state)
{
	uint64_t want[8][2] = { { 0 } };
	char dir[64], in[128];
	struct ebpf_object *obj;
	struct ebpf_program *prog =
	    must_open(EXAMPLE("xdp_proto_count.o"), "xdp_proto_count", EBPF_MODE_DEFAULT, &obj);
	struct ebpf_map *counts = ebpf_object_find_map(obj, "proto_count");
	struct capture input;
	struct xdp_stats st;

	temp_dir(dir, sizeof(dir));
	temp_path(in, sizeof(in), dir, "in.pcap");
	assert_int_equal(capture_generate(in, 1000, false), 0);
	assert_int_equal(capture_read(in, &input), 0);
	for (size_t i = 0; i < input.count; i++) {
		struct parsed h;

		parse_packet(input.packets[i].data, input.packets[i].len, &h);
		want[proto_class(&h)][0]++;
		want[proto_class(&h)][1] += input.packets[i].len;
	}
	run_capture(prog, in, NULL, NULL, NULL, &st);
	assert_int_equal(st.verdicts[XDP_VERDICT_PASS], input.count);
	for (uint32_t k = 0; k < 8; k++) {
		uint64_t got[2];

		assert_int_equal(ebpf_map_lookup_elem(counts, &k, got), 0);
		assert_int_equal(got[0], want[k][0]);
		assert_int_equal(got[1], want[k][1]);
	}
	assert_true(want[1][0] && want[7][0]); /* the capture has every class it should */
	capture_free(&input);
	remove_dir(dir);
	ebpf_object_close(obj);
}

static void test_example_firewall(void **state)
{
	char dir[64], in[128], pass[128], drop[128];
	struct ebpf_object *obj;
	struct ebpf_program *prog =
	    must_open(EXAMPLE("xdp_firewall.o"), "xdp_firewall", EBPF_MODE_DEFAULT, &obj);
	struct {
		uint32_t prefixlen;
		unsigned char addr[4];
	} v4 = { 24, { 10, 1, 1, 0 } };
	struct {
		uint32_t prefixlen;
		unsigned char addr[16];
	} v6 = { 120, { 0xfd, [13] = 1, [14] = 0, [15] = 0 } }; /* fd00::1:0/120 */
	uint16_t port = 8080;
	uint32_t one = 1;
	struct cap_packet *w_pass, *w_drop;
	size_t n_pass = 0, n_drop = 0;
	struct capture input;
	struct xdp_stats st;

	assert_int_equal(ebpf_map_update_elem(ebpf_object_find_map(obj, "deny_v4"), &v4, &one, 0),
			 0);
	assert_int_equal(ebpf_map_update_elem(ebpf_object_find_map(obj, "deny_v6"), &v6, &one, 0),
			 0);
	assert_int_equal(
	    ebpf_map_update_elem(ebpf_object_find_map(obj, "deny_port"), &port, &one, 0), 0);
	temp_dir(dir, sizeof(dir));
	temp_path(in, sizeof(in), dir, "in.pcap");
	temp_path(pass, sizeof(pass), dir, "pass.pcap");
	temp_path(drop, sizeof(drop), dir, "drop.pcap");
	assert_int_equal(capture_generate(in, 700, false), 0);
	assert_int_equal(capture_read(in, &input), 0);
	w_pass = calloc(input.count, sizeof(*w_pass));
	w_drop = calloc(input.count, sizeof(*w_drop));
	for (size_t i = 0; i < input.count; i++) {
		struct parsed h;
		bool deny;

		parse_packet(input.packets[i].data, input.packets[i].len, &h);
		deny = (h.ethertype == 0x0800 && !memcmp(h.src_ip, v4.addr, 3)) ||
		       (h.v6 && !memcmp(h.src_ip, v6.addr, 15)) ||
		       ((h.l4 == 6 || h.l4 == 17) && h.dport == port);
		if (deny)
			w_drop[n_drop++] = input.packets[i];
		else
			w_pass[n_pass++] = input.packets[i];
	}
	assert_true(n_drop > 0 && n_pass > n_drop);
	run_capture(prog, in, pass, drop, NULL, &st);
	assert_int_equal(st.verdicts[XDP_VERDICT_DROP], n_drop);
	assert_int_equal(st.verdicts[XDP_VERDICT_PASS], n_pass);
	expect_capture(pass, w_pass, n_pass);
	expect_capture(drop, w_drop, n_drop);
	free(w_pass);
	free(w_drop);
	capture_free(&input);
	remove_dir(dir);
	ebpf_object_close(obj);
}

/* The Internet checksum over a buffer, with an initial sum (folded). */
static uint16_t inet_csum(const unsigned char *p, size_t len, uint32_t sum)
{
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

static void test_example_lb(void **state)
{
	static const unsigned char backend_ips[2][4] = { { 10, 2, 0, 1 }, { 10, 2, 0, 2 } };
	static const unsigned char generator_dst_mac[6] = { 2, 0, 0, 0, 0, 1 };
	static const unsigned char vip[4] = { 10, 0, 0, 1 };
	char dir[64], in[128], tx[128];
	struct ebpf_object *obj;
	struct ebpf_program *prog =
	    must_open(EXAMPLE("xdp_lb.o"), "xdp_lb", EBPF_MODE_DEFAULT, &obj);
	struct ebpf_map *backends = ebpf_object_find_map(obj, "backends");
	size_t n_vip = 0, per_backend[2] = { 0 };
	struct capture input, out;
	struct xdp_stats st;

	for (uint32_t k = 0; k < 2; k++) {
		uint32_t addr;

		memcpy(&addr, backend_ips[k], 4);
		assert_int_equal(ebpf_map_update_elem(backends, &k, &addr, 0), 0);
	}
	temp_dir(dir, sizeof(dir));
	temp_path(in, sizeof(in), dir, "in.pcap");
	temp_path(tx, sizeof(tx), dir, "tx.pcap");
	assert_int_equal(capture_generate(in, 700, false), 0);
	assert_int_equal(capture_read(in, &input), 0);
	run_capture(prog, in, NULL, NULL, tx, &st);
	assert_int_equal(capture_read(tx, &out), 0);
	/* Only packets to 10.0.0.1:80 (TCP or UDP) and only when their slot has a backend. */
	for (size_t i = 0; i < input.count; i++) {
		struct parsed h;

		parse_packet(input.packets[i].data, input.packets[i].len, &h);
		if (h.ethertype == 0x0800 && (h.l4 == 6 || h.l4 == 17) && h.dport == 80 &&
		    !memcmp(h.dst_ip, vip, 4))
			n_vip++;
	}
	assert_int_equal(st.verdicts[XDP_VERDICT_TX] + st.verdicts[XDP_VERDICT_PASS], input.count);
	assert_int_equal(out.count, st.verdicts[XDP_VERDICT_TX]);
	assert_true(out.count > 0 && out.count <= n_vip);
	for (size_t i = 0; i < out.count; i++) {
		const unsigned char *p = out.packets[i].data, *ip = p + 14, *l4 = ip + 20;
		size_t l4len;
		unsigned char pseudo[12];
		struct parsed h;
		int b;

		parse_packet(p, out.packets[i].len, &h);
		b = !memcmp(h.dst_ip, backend_ips[0], 4)   ? 0
		    : !memcmp(h.dst_ip, backend_ips[1], 4) ? 1
							   : -1;
		assert_true(b >= 0);
		per_backend[b]++;
		/* 02:00:<address>, and the old destination became the source. */
		assert_int_equal(p[0], 0x02);
		assert_memory_equal(p + 2, backend_ips[b], 4);
		assert_memory_equal(p + 6, generator_dst_mac, 6);
		/* Every checksum still verifies. */
		assert_int_equal(inet_csum(ip, 20, 0), 0xffff);
		l4len = (size_t)(ip[2] << 8 | ip[3]) - 20;
		memcpy(pseudo, ip + 12, 8);
		pseudo[8] = 0;
		pseudo[9] = h.l4;
		pseudo[10] = (unsigned char)(l4len >> 8);
		pseudo[11] = (unsigned char)l4len;
		assert_int_equal(inet_csum(l4, l4len, inet_csum(pseudo, 12, 0)), 0xffff);
	}
	assert_true(per_backend[0] && per_backend[1]);
	capture_free(&out);
	capture_free(&input);
	remove_dir(dir);
	ebpf_object_close(obj);
}

/* ---- Debian's xdp-tools objects ---------------------------------------------------------- */

static bool have_xdp_tools(void)
{
	return access(XDP_TOOLS_BPF_DIR "/xdpfilt_alw_all.o", R_OK) == 0;
}

static void test_xdp_tools_filters_load(void **state)
{
	static const char *const objects[] = {
		"xdpfilt_alw_all.o", "xdpfilt_alw_eth.o", "xdpfilt_alw_ip.o",  "xdpfilt_alw_tcp.o",
		"xdpfilt_alw_udp.o", "xdpfilt_dny_all.o", "xdpfilt_dny_eth.o", "xdpfilt_dny_ip.o",
		"xdpfilt_dny_tcp.o", "xdpfilt_dny_udp.o",
	};

	if (!have_xdp_tools())
		skip(); /* message printed by main */
	for (size_t i = 0; i < sizeof(objects) / sizeof(objects[0]); i++) {
		char path[256], log[16384];
		struct ebpf_object *obj;

		snprintf(path, sizeof(path), "%s/%s", XDP_TOOLS_BPF_DIR, objects[i]);
		if (open_object(path, EBPF_MODE_DEFAULT, false, &obj, log, sizeof(log)))
			fail_msg("%s: %s\n%s", objects[i], ebpf_last_error(), log);
		assert_non_null(ebpf_object_next_program(obj, NULL));
		ebpf_object_close(obj);
	}
}

/*
 * The other objects Debian ships, and what blocks each (docs/xdp.md keeps the list): verified
 * only where they can be, refused with a message naming the blocking feature otherwise.
 */
static void test_xdp_tools_others(void **state)
{
	static const struct {
		const char *object;
		const char *blocker; /* NULL: verifies */
	} objects[] = {
		{ "xdp-dispatcher.o", NULL },
		{ "xdpdump_bpf.o", "fentry/func" }, /* tracing programs on xdp_buff */
		/* verified only here: xdpdump_xdp.o also loads to run (test_packet_perf), and
		 * so do the xsk objects (test_packet_maps) */
		{ "xdpdump_xdp.o", NULL },
		{ "xsk_def_xdp_prog.o", NULL },
		{ "xsk_def_xdp_prog_5.3.o", NULL },
	};

	if (!have_xdp_tools())
		skip();
	for (size_t i = 0; i < sizeof(objects) / sizeof(objects[0]); i++) {
		char path[256], log[16384];
		struct ebpf_object *obj;
		int err;

		snprintf(path, sizeof(path), "%s/%s", XDP_TOOLS_BPF_DIR, objects[i].object);
		err = open_object(path, EBPF_MODE_DEFAULT, true, &obj, log, sizeof(log));
		if (!objects[i].blocker) {
			if (err)
				fail_msg("%s: %s\n%s", objects[i].object, ebpf_last_error(), log);
			ebpf_object_close(obj);
			continue;
		}
		assert_int_not_equal(err, 0);
		if (!strstr(ebpf_last_error(), objects[i].blocker))
			fail_msg("%s: expected the message to name %s: %s", objects[i].object,
				 objects[i].blocker, ebpf_last_error());
	}
}

/* xdp-filter's allow-policy program, told through its maps to deny a destination port (TCP and
 * UDP), an IPv4 source address and an Ethernet source address (its MAP_FLAG_* values). */
static void test_xdp_filter_drops_matching(void **state)
{
	enum { F_SRC = 1, F_DST = 2, F_TCP = 4, F_UDP = 8 };
	char dir[64], in[128], pass[128], drop[128], log[16384];
	const unsigned char mac[6] = { 2, 0, 0, 0, 1, 1 }, ip[4] = { 10, 1, 0, 9 };
	struct cap_packet *w_pass, *w_drop;
	size_t n_pass = 0, n_drop = 0;
	struct ebpf_program *prog;
	struct ebpf_object *obj;
	struct capture input;
	struct xdp_stats st;
	uint32_t ncpu = ebpf_num_possible_cpus(), port_key = htons(8080), ip_key;
	uint64_t *value = calloc(ncpu, sizeof(uint64_t));

	if (!have_xdp_tools())
		skip();
	if (open_object(XDP_TOOLS_BPF_DIR "/xdpfilt_alw_all.o", EBPF_MODE_DEFAULT, false, &obj, log,
			sizeof(log)))
		fail_msg("%s\n%s", ebpf_last_error(), log);
	prog = ebpf_object_next_program(obj, NULL);
	memcpy(&ip_key, ip, 4);
	for (uint32_t c = 0; c < ncpu; c++)
		value[c] = F_DST | F_TCP | F_UDP;
	assert_int_equal(
	    ebpf_map_update_elem(ebpf_object_find_map(obj, "filter_ports"), &port_key, value, 0),
	    0);
	for (uint32_t c = 0; c < ncpu; c++)
		value[c] = F_SRC;
	assert_int_equal(
	    ebpf_map_update_elem(ebpf_object_find_map(obj, "filter_ipv4"), &ip_key, value, 0), 0);
	assert_int_equal(
	    ebpf_map_update_elem(ebpf_object_find_map(obj, "filter_ethernet"), mac, value, 0), 0);

	temp_dir(dir, sizeof(dir));
	temp_path(in, sizeof(in), dir, "in.pcap");
	temp_path(pass, sizeof(pass), dir, "pass.pcap");
	temp_path(drop, sizeof(drop), dir, "drop.pcap");
	assert_int_equal(capture_generate(in, 700, false), 0);
	assert_int_equal(capture_read(in, &input), 0);
	w_pass = calloc(input.count, sizeof(*w_pass));
	w_drop = calloc(input.count, sizeof(*w_drop));
	for (size_t i = 0; i < input.count; i++) {
		struct parsed h;
		bool deny;

		parse_packet(input.packets[i].data, input.packets[i].len, &h);
		deny = !memcmp(h.src_mac, mac, 6) ||
		       (h.ethertype == 0x0800 && !memcmp(h.src_ip, ip, 4)) ||
		       (h.ethertype == 0x0806 && !memcmp(&h.arp_sip, ip, 4)) ||
		       ((h.l4 == 6 || h.l4 == 17) && h.dport == 8080);
		if (deny)
			w_drop[n_drop++] = input.packets[i];
		else
			w_pass[n_pass++] = input.packets[i];
	}
	run_capture(prog, in, pass, drop, NULL, &st);
	assert_int_equal(st.verdicts[XDP_VERDICT_DROP], n_drop);
	assert_int_equal(st.verdicts[XDP_VERDICT_PASS], n_pass);
	expect_capture(drop, w_drop, n_drop);
	expect_capture(pass, w_pass, n_pass);
	free(w_pass);
	free(w_drop);
	free(value);
	capture_free(&input);
	remove_dir(dir);
	ebpf_object_close(obj);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_each_verdict, setup, teardown),
		cmocka_unit_test_setup_teardown(test_adjust_through_program, setup, teardown),
		cmocka_unit_test_setup_teardown(test_helper_failure_zeroes_output, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lookup_percpu_elem, setup, teardown),
		cmocka_unit_test_setup_teardown(test_printk_through_program, setup, teardown),
		cmocka_unit_test_setup_teardown(test_md_fields_from_context, setup, teardown),
		cmocka_unit_test_setup_teardown(test_frags_program_runs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fib_lookup_verify_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_jiffies_verify_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_task_ids_verify_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_task_ids_misuse_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_redirect_to_device, setup, teardown),
		cmocka_unit_test_setup_teardown(test_redirect_map_devmap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_links_in_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pcap_pipeline_interp, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pcap_pipeline_jit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pcapng_pipeline, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pcap_bad_input, setup, teardown),
		cmocka_unit_test_setup_teardown(test_example_proto_count, setup, teardown),
		cmocka_unit_test_setup_teardown(test_example_firewall, setup, teardown),
		cmocka_unit_test_setup_teardown(test_example_lb, setup, teardown),
		cmocka_unit_test_setup_teardown(test_xdp_tools_filters_load, setup, teardown),
		cmocka_unit_test_setup_teardown(test_xdp_tools_others, setup, teardown),
		cmocka_unit_test_setup_teardown(test_xdp_filter_drops_matching, setup, teardown),
	};

	if (access(XDP_TOOLS_BPF_DIR, R_OK))
		fprintf(stderr,
			"note: %s is missing (Debian's xdp-tools / libxdp1): the "
			"xdp-tools tests are skipped\n",
			XDP_TOOLS_BPF_DIR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
