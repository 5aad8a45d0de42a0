// SPDX-License-Identifier: MIT
/* Timing, inputs and small helpers shared by the benchmark sections. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <extbpf/extbpf.h>

#include "bench.h"

uint64_t bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double bench_median(double *values, size_t count)
{
	if (!count)
		return NAN;
	qsort(values, count, sizeof(*values), cmp_double);
	if (count % 2)
		return values[count / 2];
	return (values[count / 2 - 1] + values[count / 2]) / 2;
}

/* CPU time of the whole process (every thread a batch runs). */
static uint64_t cpu_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Runs one batch; returns its wall-clock duration in ns (at least 1), its CPU time in *cpu. */
static uint64_t run_batch(bench_batch_fn fn, void *arg, uint64_t iterations, int *err,
			  uint64_t *cpu)
{
	uint64_t start = bench_now_ns(), cpu_start = cpu_now_ns(), took;

	*err = fn(arg, iterations);
	took = bench_now_ns() - start;
	*cpu = cpu_now_ns() - cpu_start;
	return took ? took : 1;
}

/*
 * One timed sample of a variant, in wall-clock ns per iteration. The machine may be shared:
 * a batch during which we waited for a CPU (wall time clearly above the process's CPU time;
 * batches run on one thread) is retried, up to BENCH_ATTEMPTS times; failing that, the fastest
 * attempt counts and the variant's `disturbed` goes up.
 */
#define BENCH_ATTEMPTS 8

static double sample(struct bench_variant *x, int *err)
{
	double best = INFINITY;

	for (int attempt = 0; attempt < BENCH_ATTEMPTS; attempt++) {
		uint64_t cpu, wall = run_batch(x->fn, x->arg, x->iterations, err, &cpu);

		if (*err)
			return NAN;
		if ((double)wall / (double)x->iterations < best)
			best = (double)wall / (double)x->iterations;
		if ((double)wall <= (double)cpu * 1.05 + 100000.0)
			return (double)wall / (double)x->iterations;
	}
	x->disturbed++;
	return best;
}

/* Doubles the batch until it lasts a tenth of the goal, then scales it to the goal. This is
 * also the warm-up: caches, branch predictors and lazily built state settle meanwhile. */
static uint64_t calibrate(const struct bench_opts *opts, bench_batch_fn fn, void *arg, int *err)
{
	uint64_t iterations = 1, took;

	for (;;) {
		uint64_t cpu;

		took = run_batch(fn, arg, iterations, err, &cpu);
		if (*err)
			return 0;
		if (took >= opts->batch_ns / 10 || iterations >= (1ull << 40))
			break;
		iterations *= 2;
	}
	iterations = (uint64_t)((double)iterations * (double)opts->batch_ns / (double)took);
	return iterations ? iterations : 1;
}

int bench_time_interleaved(const struct bench_opts *opts, struct bench_variant *variants,
			   size_t count)
{
	unsigned int reps = opts->reps < BENCH_MAX_REPS ? opts->reps : BENCH_MAX_REPS;
	int err = 0;

	for (size_t v = 0; v < count; v++) {
		variants[v].iterations = 1;
		variants[v].median_ns = variants[v].min_ns = NAN;
		variants[v].disturbed = 0;
		/*
		 * Twice, keeping the larger count: one slow first call (lazy set-up, or a CPU lost
		 * to another process) would otherwise leave a batch of a few calls, timed mostly
		 * as clock overhead.
		 */
		for (int pass = 0; pass < 2 && variants[v].fn && !opts->quick && !err; pass++) {
			uint64_t n = calibrate(opts, variants[v].fn, variants[v].arg, &err);

			if (n > variants[v].iterations)
				variants[v].iterations = n;
		}
		if (err)
			return err;
	}
	/* Round-robin: on a shared machine, interference spreads over every variant alike. */
	for (unsigned int r = 0; r < reps; r++) {
		for (size_t v = 0; v < count; v++) {
			struct bench_variant *x = &variants[v];

			if (!x->fn)
				continue;
			x->samples[r] = sample(x, &err);
			if (err)
				return err;
		}
	}
	for (size_t v = 0; v < count; v++) {
		if (!variants[v].fn)
			continue;
		variants[v].median_ns = bench_median(variants[v].samples, reps);
		variants[v].min_ns = variants[v].samples[0]; /* sorted by bench_median */
	}
	return 0;
}

double bench_time(const struct bench_opts *opts, bench_batch_fn fn, void *arg)
{
	struct bench_variant v = { .fn = fn, .arg = arg };

	return bench_time_interleaved(opts, &v, 1) ? NAN : v.median_ns;
}

uint64_t bench_rand(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * 0x2545f4914f6cdd1dull;
}

void bench_fill_random(void *buf, size_t size, uint64_t seed)
{
	unsigned char *p = buf;
	uint64_t state = seed | 1;

	for (size_t i = 0; i < size; i++)
		p[i] = (unsigned char)(bench_rand(&state) >> 56);
}

uint64_t bench_rss_kib(void)
{
	char line[256];
	uint64_t kib = 0;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "VmRSS: %llu kB", (unsigned long long *)&kib) == 1)
			break;
	}
	fclose(f);
	return kib;
}

const char *bench_mode_name(int mode)
{
	switch (mode) {
	case EBPF_MODE_INTERP:
		return "interp";
	case EBPF_MODE_JIT:
		return "jit";
	case EBPF_MODE_NATIVE:
		return "native";
	default:
		return "default";
	}
}

int bench_open(const struct bench_opts *opts, const char *name, int mode,
	       struct ebpf_object **object)
{
	struct ebpf_object_open_opts o = { .sz = sizeof(o), .mode = mode };
	char path[4096];
	int err;

	snprintf(path, sizeof(path), "%s/%s.bpf.o", opts->progs_dir, name);
	err = ebpf_object_open(path, &o, object);
	if (err)
		fprintf(stderr, "bench: cannot open %s in %s mode: %s (%s)\n", path,
			bench_mode_name(mode), ebpf_last_error(), strerror(-err));
	return err;
}
