// SPDX-License-Identifier: MIT
/*
 * The load pipeline, phase by phase, for the largest sample_ext programs of tests/progs and
 * bench/progs: ELF parse (loader_open_file, per object), verification (verifier_verify), JIT
 * (exec_program_create) and native compilation (eBPF -> C -> cc -> .so). The phases are timed
 * separately, so this file uses the internal module interfaces as the unit tests do; the
 * whole of ebpf_object_open is what the execution section pays.
 *
 * The JIT and native engines get the program as the loader produced it, with its map
 * references pointed at a dummy buffer: compiling does not depend on where maps live, and the
 * compiled programs are never run here.
 */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <extbpf/extbpf.h>

#include "bench.h"
#include "core/helpers.h"
#include "exec/exec.h"
#include "isa/isa.h"
#include "loader/loader.h"
#include "verifier/verifier.h"

#define TOP_PROGRAMS   6
#define MAX_CANDIDATES 256

struct candidate {
	char path[512];
	char name[64];
	size_t insns;
};

struct phase_times {
	double parse_ms, verify_ms, jit_ms, native_ms;
	uint64_t processed;
};

/* ---- finding the largest programs -------------------------------------------------------- */

static int by_size(const void *a, const void *b)
{
	const struct candidate *x = a, *y = b;

	return x->insns < y->insns ? 1 : x->insns > y->insns ? -1 : 0;
}

static void add_object(const char *path, struct candidate *c, size_t *count)
{
	struct loader_object *lo;

	if (loader_open_file(path, &lo, NULL, 0))
		return;
	for (size_t i = 0; i < lo->program_count && *count < MAX_CANDIDATES; i++) {
		const struct loader_program *p = &lo->programs[i];

		if (strncmp(p->section, "sample_ext", 10))
			continue;
		snprintf(c[*count].path, sizeof(c[*count].path), "%s", path);
		snprintf(c[*count].name, sizeof(c[*count].name), "%s", p->name);
		c[(*count)++].insns = p->insn_count;
	}
	loader_object_free(lo);
}

static void scan_dir(const char *dir, struct candidate *c, size_t *count)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		char path[512];

		if (len < 6 || strcmp(e->d_name + len - 6, ".bpf.o"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		add_object(path, c, count);
	}
	closedir(d);
}

/* ---- the phases -------------------------------------------------------------------------- */

static int find_sample(const struct ebpf_program_info *info, void *arg)
{
	if (strcmp(info->name, "sample"))
		return 0;
	*(const struct ebpf_program_info **)arg = info;
	return 1;
}

static int verify(const struct loader_object *lo, const struct loader_program *p,
		  const struct ebpf_program_info *info, struct verifier_result *res)
{
	struct verifier_map *vmaps = calloc(lo->map_count + 1, sizeof(*vmaps));
	size_t helper_count;
	struct verifier_input in = {
		.section = p->section,
		.insns = p->insns,
		.insn_count = p->insn_count,
		.info = info,
		.global_helpers = ebpf_global_helpers(&helper_count),
		.maps = vmaps,
		.map_count = lo->map_count,
	};
	int err;

	if (!vmaps)
		return -ENOMEM;
	in.global_helper_count = helper_count;
	loader_describe_maps(lo, vmaps);
	err = verifier_verify(&in, res);
	free(vmaps);
	return err;
}

/* The program with every map reference turned into the address of `dummy`. */
static struct ebpf_inst *unmapped_copy(const struct loader_program *p, void *dummy)
{
	struct ebpf_inst *insns = malloc(p->insn_count * sizeof(*insns));
	uint64_t addr = (uintptr_t)dummy;

	if (!insns)
		return NULL;
	memcpy(insns, p->insns, p->insn_count * sizeof(*insns));
	for (size_t i = 0; i + 1 < p->insn_count; i++) {
		if (insns[i].code != 0x18)
			continue;
		if (insns[i].src_reg == EBPF_PSEUDO_MAP_IDX ||
		    insns[i].src_reg == EBPF_PSEUDO_MAP_IDX_VALUE) {
			insns[i].src_reg = EBPF_PSEUDO_IMM;
			insns[i].imm = (int32_t)(uint32_t)addr;
			insns[i + 1].imm = (int32_t)(uint32_t)(addr >> 32);
		}
		i++;
	}
	return insns;
}

static const struct exec_program *no_tail_call(void *prog_array, uint32_t index)
{
	return NULL;
}

/* Times one engine's compilation; returns ms or NaN. */
static double compile(const struct ebpf_inst *insns, size_t count, enum exec_engine engine,
		      const struct ebpf_program_info *info)
{
	struct exec_helpers helpers = {
		.type = info->helper_addresses,
		.type_count = info->helper_count,
		.tail_call = no_tail_call,
	};
	struct exec_program *prog;
	char err[256] = "";
	uint64_t start;

	helpers.global = core_global_helper_table(&helpers.global_count);
	start = bench_now_ns();
	if (exec_program_create(insns, count, engine, &helpers, &prog, err, sizeof(err))) {
		fprintf(stderr, "bench: compiling failed: %s\n", err);
		return NAN;
	}
	start = bench_now_ns() - start;
	exec_program_destroy(prog);
	return (double)start / 1e6;
}

/* Median of `reps` timings of every phase but the native compiler (once: it is slow). */
static int time_program(struct bench_opts *b, const struct candidate *c,
			const struct ebpf_program_info *info, struct phase_times *t)
{
	unsigned int reps = b->quick ? 1 : 5;
	double parse[5], ver[5], jit[5];
	struct loader_object *lo = NULL;
	struct ebpf_inst *insns = NULL;
	uint64_t dummy[64]; /* what map references point at: the programs never run */
	int err = 0;

	for (unsigned int r = 0; r < reps && !err; r++) {
		const struct loader_program *p = NULL;
		struct verifier_result res;
		uint64_t start = bench_now_ns();

		loader_object_free(lo);
		err = loader_open_file(c->path, &lo, NULL, 0);
		parse[r] = (double)(bench_now_ns() - start) / 1e6;
		for (size_t i = 0; !err && i < lo->program_count; i++)
			if (!strcmp(lo->programs[i].name, c->name))
				p = &lo->programs[i];
		if (err || !p)
			return err ? err : -ENOENT;
		start = bench_now_ns();
		err = verify(lo, p, info, &res);
		ver[r] = (double)(bench_now_ns() - start) / 1e6;
		t->processed = res.insns_processed;
		if (err) {
			bench_note(b, "%s: refused by the verifier: %s", c->name, res.message);
			break;
		}
		free(insns);
		insns = unmapped_copy(p, dummy);
		jit[r] = insns ? compile(insns, p->insn_count, EXEC_JIT, info) : NAN;
		if (r == 0)
			t->native_ms =
			    insns ? compile(insns, p->insn_count, EXEC_NATIVE, info) : NAN;
	}
	free(insns);
	loader_object_free(lo);
	if (err)
		return err;
	t->parse_ms = bench_median(parse, reps);
	t->verify_ms = bench_median(ver, reps);
	t->jit_ms = bench_median(jit, reps);
	return 0;
}

static void record_program(struct bench_opts *b, const struct candidate *c,
			   const struct phase_times *t)
{
	double rate = (double)c->insns / (t->verify_ms / 1e3);
	double processed_rate = (double)t->processed / (t->verify_ms / 1e3);

	printf("%-18s %6zu %9.3f %10.2f %10llu %12.0f %13.0f %9.3f %12.0f %9.1f\n", c->name,
	       c->insns, t->parse_ms, t->verify_ms, (unsigned long long)t->processed, rate,
	       processed_rate, t->jit_ms, (double)c->insns / (t->jit_ms / 1e3), t->native_ms);
	bench_record(b, "pipeline", c->name, "insns", (double)c->insns, "insns");
	bench_record(b, "pipeline", c->name, "parse_ms", t->parse_ms, "ms (object)");
	bench_record(b, "pipeline", c->name, "verify_ms", t->verify_ms, "ms");
	bench_record(b, "pipeline", c->name, "insns_processed", (double)t->processed, "insns");
	bench_record(b, "pipeline", c->name, "verify_insns_per_s", rate, "insns/s");
	bench_record(b, "pipeline", c->name, "verify_processed_per_s", processed_rate, "insns/s");
	bench_record(b, "pipeline", c->name, "jit_ms", t->jit_ms, "ms");
	bench_record(b, "pipeline", c->name, "jit_insns_per_s",
		     (double)c->insns / (t->jit_ms / 1e3), "insns/s");
	bench_record(b, "pipeline", c->name, "native_compile_ms", t->native_ms, "ms");
}

/*
 * Verification time against a loop's trip count: "r1 += 1; r0 += r1; if r1 < n goto" walked
 * n times. It grows linearly (a checkpoint per iteration, each looked up by hash); it was
 * quadratic when the checkpoints in progress were compared one by one.
 */
static void time_loop_scaling(struct bench_opts *b, const struct ebpf_program_info *info)
{
	static const uint32_t trips[] = { 4096, 16384, 65536 };

	printf("\nverifying a bounded loop of n iterations (3 instructions per iteration):\n");
	printf("%-10s %10s %10s %13s\n", "n", "verify ms", "processed", "processed/s");
	for (size_t i = 0; i < sizeof(trips) / sizeof(trips[0]); i++) {
		const struct ebpf_inst loop[] = {
			{ .code = EBPF_CLS_ALU64 | EBPF_ALU_MOV | EBPF_SRC_K, .dst_reg = 0 },
			{ .code = EBPF_CLS_ALU64 | EBPF_ALU_MOV | EBPF_SRC_K, .dst_reg = 1 },
			{ .code = EBPF_CLS_ALU64 | EBPF_ALU_ADD | EBPF_SRC_K,
			  .dst_reg = 1,
			  .imm = 1 },
			{ .code = EBPF_CLS_ALU64 | EBPF_ALU_ADD | EBPF_SRC_X,
			  .dst_reg = 0,
			  .src_reg = 1 },
			{ .code = EBPF_CLS_JMP | EBPF_JMP_JLT | EBPF_SRC_K,
			  .dst_reg = 1,
			  .off = -3,
			  .imm = (int32_t)trips[i] },
			{ .code = EBPF_CLS_JMP | EBPF_JMP_EXIT },
		};
		struct verifier_input in = {
			.section = "loop",
			.insns = loop,
			.insn_count = 6,
			.info = info,
		};
		struct verifier_result res = { 0 };
		char name[32];
		uint64_t start = bench_now_ns();
		int err = verifier_verify(&in, &res);
		double ms = (double)(bench_now_ns() - start) / 1e6;

		if (err) {
			fprintf(stderr, "bench: the %u-iteration loop was refused: %s\n", trips[i],
				res.message);
			continue;
		}
		printf("%-10u %10.2f %10llu %13.0f\n", trips[i], ms,
		       (unsigned long long)res.insns_processed,
		       (double)res.insns_processed / (ms / 1e3));
		snprintf(name, sizeof(name), "loop_%u", trips[i]);
		bench_record(b, "pipeline", name, "verify_ms", ms, "ms");
	}
}

int bench_pipeline(struct bench_opts *b)
{
	const struct ebpf_program_info *info = NULL;
	struct candidate *c = calloc(MAX_CANDIDATES, sizeof(*c));
	double insns = 0, processed = 0, verify_s = 0;
	size_t count = 0;
	int err = 0;

	if (!c)
		return -ENOMEM;
	ebpf_foreach_program_type(find_sample, &info);
	scan_dir(b->tests_dir, c, &count);
	scan_dir(b->progs_dir, c, &count);
	if (!info || !count) {
		fprintf(stderr, "bench: no sample program type or no programs in %s and %s\n",
			b->tests_dir, b->progs_dir);
		free(c);
		return -ENOENT;
	}
	qsort(c, count, sizeof(*c), by_size);
	printf("\n== Load pipeline: the %d largest sample_ext programs (times in ms) ==\n",
	       TOP_PROGRAMS);
	printf("%-18s %6s %9s %10s %10s %12s %13s %9s %12s %9s\n", "program", "insns", "parse",
	       "verify", "processed", "insns/s", "processed/s", "jit", "jit insns/s", "native");
	for (size_t i = 0; i < count && i < TOP_PROGRAMS; i++) {
		struct phase_times t = { 0 };
		int p_err = time_program(b, &c[i], info, &t);

		if (p_err) {
			err = err ? err : p_err;
			continue;
		}
		record_program(b, &c[i], &t);
		insns += (double)c[i].insns;
		processed += (double)t.processed;
		verify_s += t.verify_ms / 1e3;
	}
	time_loop_scaling(b, info);
	bench_record(b, "pipeline", "all", "verify_insns_per_s", insns / verify_s, "insns/s");
	bench_record(b, "pipeline", "all", "verify_processed_per_s", processed / verify_s,
		     "insns/s");
	/* Instructions the verifier processed: for a program with loops that is every iteration
	 * walked, the work a program's size alone does not show. */
	bench_target(b, "verification, processed insns per second", processed / verify_s, 1e5,
		     "insns/s", false);
	free(c);
	return err;
}
