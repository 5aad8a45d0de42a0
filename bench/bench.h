/* SPDX-License-Identifier: MIT */
/*
 * The benchmark suite's shared pieces: options, timing, input generation, and the report every
 * section adds its figures to (printed as tables, written as JSON).
 *
 * Sections (one file each): bench_exec.c (programs against native C), bench_invoke.c (hook
 * invocation), bench_maps.c (map operations), bench_pipeline.c (parse / verify / JIT),
 * bench_memory.c (resident size). Each returns 0, or a negative errno when something did not
 * work (a program refused, an engine disagreeing with native C): timings never fail a run.
 */
#ifndef EXTBPF_BENCH_H
#define EXTBPF_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct bench_record;
struct bench_target;

/* What every section gets: the options, and the report it adds its figures to. */
struct bench_opts {
	bool quick;	       /* smoke test: tiny iteration counts, correctness only */
	const char *progs_dir; /* bench/progs objects */
	const char *tests_dir; /* tests/progs objects (load pipeline) */
	unsigned int reps;     /* timed repetitions whose median is reported (<= 64) */
	uint64_t batch_ns;     /* how long one timed repetition should last */

	/* the report (bench_report.c) */
	struct bench_record *records;
	size_t record_count, record_cap;
	struct bench_target *targets;
	size_t target_count, target_cap;
	char **notes;
	size_t note_count, note_cap;
};

/* ---- timing (bench_util.c) --------------------------------------------------------------- */

uint64_t bench_now_ns(void);
/* Sorts values (in place) and returns the median. */
double bench_median(double *values, size_t count);

/*
 * Times fn(arg, iterations) with CLOCK_MONOTONIC as the median over opts->reps repetitions,
 * after a warm-up that grows `iterations` until one repetition lasts opts->batch_ns. A
 * repetition during which the process waited for a CPU is run again (bench_util.c). Returns
 * ns per iteration; fn returns 0 or a negative errno (then the result is NaN).
 */
typedef int (*bench_batch_fn)(void *arg, uint64_t iterations);
double bench_time(const struct bench_opts *opts, bench_batch_fn fn, void *arg);

#define BENCH_MAX_REPS 64

/* One of several things timed against each other (see bench_time_interleaved). */
struct bench_variant {
	bench_batch_fn fn; /* NULL: skipped (its figures stay NaN) */
	void *arg;
	/* out */
	uint64_t iterations;
	unsigned int disturbed;	  /* samples for which every attempt waited for a CPU */
	double median_ns, min_ns; /* per iteration */
	double samples[BENCH_MAX_REPS];
};

/*
 * Times several variants as bench_time does, but round-robin: repetition r of every variant
 * runs before repetition r + 1 of any, so that a noisy neighbour hurts them alike and their
 * ratios stay meaningful. Returns 0 or the first error of a batch function.
 */
int bench_time_interleaved(const struct bench_opts *opts, struct bench_variant *variants,
			   size_t count);

/* ---- deterministic inputs (bench_util.c) ------------------------------------------------- */

/* xorshift64*: the same inputs on every run and every machine. */
uint64_t bench_rand(uint64_t *state);
void bench_fill_random(void *buf, size_t size, uint64_t seed);

/* ---- the report (bench_report.c) --------------------------------------------------------- */

/* One figure: section ("exec"), name ("alu_loop"), metric ("jit_ratio"), value, unit. */
void bench_record(struct bench_opts *b, const char *section, const char *name, const char *metric,
		  double value, const char *unit);
/* One target of the issue: where it stands. lower_is_better says which way `target` bounds. */
void bench_target(struct bench_opts *b, const char *name, double value, double target,
		  const char *unit, bool lower_is_better);
/* A remark printed under the tables and kept in the JSON (an engine disagreeing, a skip). */
void bench_note(struct bench_opts *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void bench_print_summary(const struct bench_opts *b);
int bench_write_json(const struct bench_opts *b, const char *path, const char *machine_json);
void bench_report_free(struct bench_opts *b);

/* ---- sections ---------------------------------------------------------------------------- */

int bench_exec(struct bench_opts *b);
int bench_invoke(struct bench_opts *b);
int bench_maps(struct bench_opts *b);
int bench_pipeline(struct bench_opts *b);
int bench_memory(struct bench_opts *b);
int bench_kernel(struct bench_opts *b);

/* ---- shared by sections -------------------------------------------------------------------- */

/* Opens <progs_dir>/<name>.bpf.o in the given mode (an enum ebpf_exec_mode); prints why not. */
struct ebpf_object;
int bench_open(const struct bench_opts *opts, const char *name, int mode,
	       struct ebpf_object **object);
const char *bench_mode_name(int mode);

/* The instructions one run of a sample_ext program on data[0..size) executes, as counted by
 * the interpreter's checked mode (bench_insns.c). */
struct ebpf_program;
int bench_count_executed(const struct ebpf_program *program, const void *data, size_t size,
			 uint64_t *executed);

/* VmRSS of this process in KiB, or 0 when /proc cannot say. */
uint64_t bench_rss_kib(void);

#endif /* EXTBPF_BENCH_H */
