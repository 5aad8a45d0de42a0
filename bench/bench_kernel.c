// SPDX-License-Identifier: MIT
/*
 * The Linux kernel side by side (issue 21): the same XDP object is loaded into extbpf (JIT) and,
 * through libbpf, into the kernel; the maps get the same entries on both sides, and both run
 * each program on the same 64-byte IPv4/UDP packet with a test run: BPF_PROG_TEST_RUN with
 * `repeat` against ebpf_program_test_run with `repeat`, round-robin, both in CPU time
 * (side_time says why). Neither side resets the
 * packet between repeats: a program that rewrites it (xdp_lb) sees its own output from the
 * second repeat on, on both sides alike.
 *
 * Programs: progs/xdp_side.bpf.c (issue 21's four: empty, hash lookup, small firewall with an
 * LPM trie + a hash + an array, a hash update per packet) and the XDP programs of examples/xdp.
 * LPM lookups are timed from programs (on Linux a host lookup is a bpf() system call): loops of
 * SIDE_LPM_OPS lookups per run over a /24 table and over a table of every length from /8 to
 * /32, less the same loop without lookups, per lookup.
 *
 * Without bpf() (no privilege, no kernel support) the section prints extbpf's column only and
 * says why. Timed runs never become tests; `--quick` runs each program once on both sides.
 */
#include <endian.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <extbpf/extbpf.h>

#include "bench.h"

#define SIDE_ENTRIES	1024 /* SIDE_ENTRIES of xdp_side.bpf.c */
#define SIDE_LPM_OPS	256  /* SIDE_LPM_OPS of xdp_side.bpf.c */
#define PACKET_SIZE	64
#define KEY_MULTIPLIER	2654435761u
#define PACKET_SRC	0x0a000203u /* 10.0.2.3 */
#define PACKET_DST	0x0a000001u /* 10.0.0.1, xdp_lb's virtual service */
#define PACKET_DPORT	80
#define XDP_TARGET	0.7 /* at most this share of the kernel's time */
#define LPM_TARGET	1.5 /* at least this much faster than the kernel */
#define MIXED_MIN_LEN	8
#define MIXED_LENGTHS	25 /* /8 to /32 */
#define SIDE_REPEAT_MIN 10000

/* Both sides of one object: extbpf's and, when the kernel took it, libbpf's. */
struct side_object {
	struct ebpf_object *ours;
	struct bpf_object *kernel;
};

/* One map entry for both sides. */
static int side_put(struct side_object *o, const char *map, const void *key, const void *value)
{
	struct ebpf_map *ours = ebpf_object_find_map(o->ours, map);
	struct bpf_map *theirs;
	int err;

	if (!ours)
		return -ENOENT;
	err = ebpf_map_update_elem(ours, key, value, EBPF_ANY);
	if (err || !o->kernel)
		return err;
	theirs = bpf_object__find_map_by_name(o->kernel, map);
	if (!theirs)
		return -ENOENT;
	return bpf_map_update_elem(bpf_map__fd(theirs), key, value, BPF_ANY) ? -errno : 0;
}

struct v4_key {
	uint32_t prefixlen;
	uint32_t addr; /* network byte order */
};

static int put_prefix(struct side_object *o, const char *map, uint32_t addr, uint32_t len,
		      uint64_t value)
{
	struct v4_key key = { len, htobe32(addr) };

	return side_put(o, map, &key, &value);
}

/* xdp_side.bpf.c: flows holds the packet's source among SIDE_ENTRIES keys; routes /24s;
 * mixed every length from /8 to /32 in 10.0.0.0/8, none covering the packet's source. */
static int fill_side(struct side_object *o)
{
	uint64_t state = 21, value = 1;
	uint16_t port = 53;
	int err = 0;

	for (uint32_t i = 0; i < SIDE_ENTRIES && !err; i++) {
		uint32_t flow = i ? i * KEY_MULTIPLIER : PACKET_SRC;
		uint32_t len = MIXED_MIN_LEN + i % MIXED_LENGTHS;
		uint32_t addr = 0x0a000000u | ((uint32_t)bench_rand(&state) & 0x00ffffffu);

		/* Keep 10.0.0.0/16 (the packet's source and the loops' first addresses) free. */
		if (len > MIXED_MIN_LEN && !(addr & 0x00ff0000u))
			addr |= 0x00800000u;
		err = side_put(o, "flows", &flow, &value);
		if (!err)
			err = put_prefix(o, "routes", 0x0a000000u | i << 8, 24, i);
		if (!err && len > MIXED_MIN_LEN)
			err = put_prefix(o, "mixed", addr & ~0u << (32 - len), len, i);
	}
	return err ? err : side_put(o, "ports", &port, &value);
}

/* examples/xdp/xdp_firewall.c: deny lists that the packet passes. */
static int fill_firewall(struct side_object *o)
{
	uint64_t state = 7;
	uint32_t one = 1;
	int err = 0;

	for (uint32_t i = 0; i < 256 && !err; i++) {
		uint32_t len = 16 + i % 17;
		uint32_t addr = 0xc0a80000u | ((uint32_t)bench_rand(&state) & 0xffffu);
		struct v4_key key = { len, htobe32(addr & ~0u << (32 - len)) };
		uint32_t one_v4 = 1;

		err = side_put(o, "deny_v4", &key, &one_v4);
	}
	for (uint16_t port = 1; port <= 16 && !err; port++)
		err = side_put(o, "deny_port", &port, &one);
	return err;
}

/* examples/xdp/xdp_lb.c: four backends. */
static int fill_lb(struct side_object *o)
{
	int err = 0;

	for (uint32_t i = 0; i < 4 && !err; i++) {
		uint32_t backend = htobe32(0x0a020001u + i);

		err = side_put(o, "backends", &i, &backend);
	}
	return err;
}

struct side_case {
	const char *object; /* under progs_dir, or examples/xdp with example set */
	bool example;
	const char *program;
	int (*fill)(struct side_object *o);
	const char *label;
};

static const struct side_case xdp_cases[] = {
	{ "xdp_side.bpf.o", false, "xdp_empty", fill_side, "empty" },
	{ "xdp_side.bpf.o", false, "xdp_hash_lookup", fill_side, "hash lookup" },
	{ "xdp_side.bpf.o", false, "xdp_small_firewall", fill_side, "firewall: LPM+hash+array" },
	{ "xdp_side.bpf.o", false, "xdp_hash_update", fill_side, "hash update per packet" },
	{ "xdp_proto_count.o", true, "xdp_proto_count", NULL, "examples: xdp_proto_count" },
	{ "xdp_firewall.o", true, "xdp_firewall", fill_firewall, "examples: xdp_firewall" },
	{ "xdp_lb.o", true, "xdp_lb", fill_lb, "examples: xdp_lb" },
};

/* Ethernet, IPv4 (no options), UDP 12345 -> 80, zero payload: 64 bytes. */
static void make_packet(uint8_t *p)
{
	static const uint8_t eth[14] = { 2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x08, 0x00 };
	uint8_t *ip = p + 14, *udp = ip + 20;
	uint32_t src = htobe32(PACKET_SRC), dst = htobe32(PACKET_DST), sum = 0;

	memset(p, 0, PACKET_SIZE);
	memcpy(p, eth, sizeof(eth));
	ip[0] = 0x45;
	ip[3] = PACKET_SIZE - 14;
	ip[8] = 64;
	ip[9] = 17;
	memcpy(ip + 12, &src, 4);
	memcpy(ip + 16, &dst, 4);
	for (int i = 0; i < 20; i += 2)
		sum += (uint32_t)ip[i] << 8 | ip[i + 1];
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	ip[10] = (uint8_t)(~sum >> 8);
	ip[11] = (uint8_t)~sum;
	udp[0] = 12345 >> 8;
	udp[1] = 12345 & 0xff;
	udp[2] = 0;
	udp[3] = PACKET_DPORT;
	udp[5] = PACKET_SIZE - 34;
}

/* One side of a comparison: what a test run runs and the last result. */
struct side_run {
	struct ebpf_program *ours;
	int kernel_fd; /* -1: extbpf's side */
	uint8_t packet[PACKET_SIZE];
	uint32_t retval;
};

static uint64_t thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* extbpf: ns per run over a test run of `repeat` runs, in this thread's CPU time. */
static int run_ours(struct side_run *r, uint32_t repeat, double *ns)
{
	struct ebpf_test_run_opts o = {
		.sz = sizeof(o),
		.data_in = r->packet,
		.data_size_in = sizeof(r->packet),
		.repeat = repeat,
	};
	uint64_t start = thread_cpu_ns();
	int err = ebpf_program_test_run(r->ours, &o);

	*ns = (double)(thread_cpu_ns() - start) / repeat;
	r->retval = (uint32_t)o.retval;
	return err;
}

/* The kernel: the mean duration it measured itself (whole ns, rounded down). */
static int run_kernel(struct side_run *r, uint32_t repeat, double *ns)
{
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = r->packet, .data_size_in = sizeof(r->packet),
		    .repeat = repeat);

	if (bpf_prog_test_run_opts(r->kernel_fd, &o))
		return -errno;
	*ns = o.duration;
	r->retval = o.retval;
	return 0;
}

static int run_side(struct side_run *r, uint32_t repeat, double *ns)
{
	return r->kernel_fd >= 0 ? run_kernel(r, repeat, ns) : run_ours(r, repeat, ns);
}

/* Repeats for one sample of about batch_ns (at least SIDE_REPEAT_MIN); also the warm-up. */
static int calibrate(const struct bench_opts *b, struct side_run *r, uint32_t *repeat)
{
	double ns;
	int err = run_side(r, SIDE_REPEAT_MIN, &ns);

	if (!err)
		err = run_side(r, SIDE_REPEAT_MIN, &ns);
	ns = ns > 1 ? ns : 1;
	*repeat = (uint32_t)fmin(fmax((double)b->batch_ns / ns, SIDE_REPEAT_MIN), 1e8);
	return err;
}

/*
 * ns per run of ours and of the kernel's (NaN: not run), the medians of b->reps samples taken
 * round-robin. Both are CPU time: the kernel leaves the time a test run spends rescheduled out
 * of its duration, so extbpf's side is timed with the thread's CPU clock rather than the wall
 * clock (on a loaded machine the wall clock would charge extbpf for other processes' time).
 * Both test runs cost more to set up once (the kernel's about 0.5 ms here) than the runs
 * themselves: neither figure includes that.
 */
static int side_time(struct bench_opts *b, struct side_run *ours, struct side_run *kernel,
		     double ns[2])
{
	struct side_run *sides[2] = { ours, kernel->kernel_fd >= 0 ? kernel : NULL };
	double samples[2][BENCH_MAX_REPS];
	unsigned int reps = b->reps < BENCH_MAX_REPS ? b->reps : BENCH_MAX_REPS;
	uint32_t repeat[2] = { 1, 1 };
	int err = 0;

	ns[0] = ns[1] = NAN;
	for (int s = 0; s < 2 && !err; s++)
		if (sides[s])
			err = b->quick ? run_side(sides[s], 1, &ns[s])
				       : calibrate(b, sides[s], &repeat[s]);
	if (b->quick || err)
		return err;
	for (unsigned int r = 0; r < reps && !err; r++)
		for (int s = 0; s < 2 && !err; s++)
			if (sides[s])
				err = run_side(sides[s], repeat[s], &samples[s][r]);
	for (int s = 0; s < 2 && !err; s++)
		if (sides[s])
			ns[s] = bench_median(samples[s], reps);
	return err;
}

static int silent_print(enum libbpf_print_level level, const char *fmt, va_list args)
{
	return 0;
}

static void side_close(struct side_object *o)
{
	ebpf_object_close(o->ours);
	bpf_object__close(o->kernel);
	*o = (struct side_object){ 0 };
}

/* Opens path on both sides; the kernel's side stays NULL (with *why) when it cannot load. */
static int side_open(const char *path, struct side_object *o, char *why, size_t why_size)
{
	struct ebpf_object_open_opts opts = { .sz = sizeof(opts), .mode = EBPF_MODE_JIT };
	int err = ebpf_object_open(path, &opts, &o->ours);

	if (err) {
		fprintf(stderr, "bench: cannot open %s: %s\n", path, ebpf_last_error());
		return err;
	}
	o->kernel = bpf_object__open_file(path, NULL);
	if (!o->kernel) {
		snprintf(why, why_size, "libbpf cannot open %s: %s", path, strerror(errno));
		return 0;
	}
	err = bpf_object__load(o->kernel);
	if (err) {
		snprintf(why, why_size, "the kernel refused %s: %s", path, strerror(-err));
		bpf_object__close(o->kernel);
		o->kernel = NULL;
	}
	return 0;
}

static int side_program(struct side_object *o, const char *name, struct side_run *ours,
			struct side_run *kernel)
{
	struct bpf_program *p =
	    o->kernel ? bpf_object__find_program_by_name(o->kernel, name) : NULL;

	*ours =
	    (struct side_run){ .ours = ebpf_object_find_program(o->ours, name), .kernel_fd = -1 };
	*kernel = (struct side_run){ .kernel_fd = p ? bpf_program__fd(p) : -1 };
	make_packet(ours->packet);
	make_packet(kernel->packet);
	return ours->ours ? 0 : -ENOENT;
}

static void print_row(const char *label, const double ns[2], uint32_t ours_ret, uint32_t kernel_ret,
		      bool kernel_ran)
{
	printf("%-30s %9.1f %9.1f %7.2fx %s\n", label, ns[0], ns[1], ns[0] / ns[1],
	       kernel_ran && ours_ret != kernel_ret ? "(results differ!)" : "");
}

static void object_path(const struct bench_opts *b, const struct side_case *c, char *path,
			size_t size)
{
	if (c->example)
		snprintf(path, size, "%s/%s", BENCH_EXAMPLES_DIR, c->object);
	else
		snprintf(path, size, "%s/%s", b->progs_dir, c->object);
}

static int xdp_case(struct bench_opts *b, const struct side_case *c, char *why, size_t why_size)
{
	struct side_object o = { 0 };
	struct side_run ours, kernel;
	char path[4096];
	double ns[2];
	int err;

	object_path(b, c, path, sizeof(path));
	err = side_open(path, &o, why, why_size);
	if (!err && c->fill)
		err = c->fill(&o);
	if (!err)
		err = side_program(&o, c->program, &ours, &kernel);
	if (!err)
		err = side_time(b, &ours, &kernel, ns);
	if (err) {
		fprintf(stderr, "bench: %s: %s\n", c->label, strerror(-err));
		side_close(&o);
		return err;
	}
	print_row(c->label, ns, ours.retval, kernel.retval, kernel.kernel_fd >= 0);
	bench_record(b, "kernel", c->program, "ns_per_run", ns[0], "ns");
	bench_record(b, "kernel", c->program, "kernel_ns_per_run", ns[1], "ns");
	if (!isnan(ns[1])) {
		char name[128];

		snprintf(name, sizeof(name), "XDP %s, extbpf JIT over the kernel", c->label);
		bench_target(b, name, ns[0] / ns[1], XDP_TARGET, "x", true);
	}
	side_close(&o);
	return 0;
}

/* ns per LPM lookup on both sides: the loop program less the loop without lookups. */
static int lpm_case(struct bench_opts *b, struct side_object *o, const char *program,
		    const char *label, const double none[2])
{
	struct side_run ours, kernel;
	double ns[2], per[2];
	int err = side_program(o, program, &ours, &kernel);

	if (!err)
		err = side_time(b, &ours, &kernel, ns);
	if (err)
		return err;
	per[0] = (ns[0] - none[0]) / SIDE_LPM_OPS;
	per[1] = (ns[1] - none[1]) / SIDE_LPM_OPS;
	printf("%-30s %9.1f %9.1f %7.2fx %s\n", label, per[0], per[1], per[1] / per[0],
	       kernel.kernel_fd >= 0 && ours.retval != kernel.retval ? "(results differ!)" : "");
	bench_record(b, "kernel", program, "ns_per_lookup", per[0], "ns");
	bench_record(b, "kernel", program, "kernel_ns_per_lookup", per[1], "ns");
	if (!isnan(per[1])) {
		char name[128];

		snprintf(name, sizeof(name), "LPM lookup from a program, %s, kernel over extbpf",
			 label);
		bench_target(b, name, per[1] / per[0], LPM_TARGET, "x", false);
	}
	return 0;
}

static int lpm_cases(struct bench_opts *b, char *why, size_t why_size)
{
	struct side_object o = { 0 };
	struct side_run ours, kernel;
	char path[4096];
	double none[2];
	int err;

	snprintf(path, sizeof(path), "%s/xdp_side.bpf.o", b->progs_dir);
	err = side_open(path, &o, why, why_size);
	if (!err)
		err = fill_side(&o);
	if (!err)
		err = side_program(&o, "xdp_lpm_none", &ours, &kernel);
	if (!err)
		err = side_time(b, &ours, &kernel, none);
	printf("\n%-30s %9s %9s %8s\n", "LPM lookup from a program", "extbpf", "Linux", "speedup");
	if (!err)
		err = lpm_case(b, &o, "xdp_lpm_routes", "1 K /24 prefixes", none);
	if (!err)
		err = lpm_case(b, &o, "xdp_lpm_mixed", "1 K prefixes /8-/32", none);
	side_close(&o);
	return err;
}

int bench_kernel(struct bench_opts *b)
{
	char why[512] = "";
	int err = 0;

	libbpf_set_print(silent_print);
	printf("\n== The Linux kernel side by side: XDP test runs on one 64-byte packet, ns per "
	       "run (extbpf: JIT) ==\n");
	printf("%-30s %9s %9s %8s\n", "program", "extbpf", "Linux", "ratio");
	for (size_t i = 0; i < sizeof(xdp_cases) / sizeof(xdp_cases[0]) && !err; i++)
		err = xdp_case(b, &xdp_cases[i], why, sizeof(why));
	if (!err)
		err = lpm_cases(b, why, sizeof(why));
	if (why[0]) {
		printf("the kernel's column is empty: %s\n", why);
		bench_note(b, "kernel side by side: %s", why);
	}
	return err;
}
