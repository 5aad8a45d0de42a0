// SPDX-License-Identifier: MIT
/*
 * Execution: each program of bench/progs against the same algorithm compiled as native C, in
 * the three engines. Programs run through ebpf_program_test_run with `repeat` (a tight loop of
 * the engine's entry point on one context); native C through a call per run. Every engine's
 * first result on a fresh object must equal native C's on a fresh state: that is the smoke
 * test's correctness check.
 *
 * The interpreter's ns per instruction comes from the ALU loop: its single-block loop body runs
 * BENCH_ALU_ITERS times, so the instructions executed per run follow from the program's
 * structure (find_loop) without instrumenting the engine.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <extbpf/extbpf.h>

#include "bench.h"
#include "bench_inputs.h"
#include "bench_native.h"
#include "progs/bench_algos.h"

static const int engines[] = { EBPF_MODE_INTERP, EBPF_MODE_JIT, EBPF_MODE_NATIVE };
#define ENGINE_COUNT (sizeof(engines) / sizeof(engines[0]))

struct exec_prog {
	const char *name; /* object bench/progs/<name>.bpf.o and its program */
	bench_native_fn native;
	void (*make_input)(uint8_t *buf, size_t size);
	size_t input_size;
	/* The input is the value of this map (the checksum's 64 KiB), not the context's data. */
	const char *input_map;
	bool stateful; /* keeps state across runs (a map): compare first runs only */
};

static const struct exec_prog progs[] = {
	{ .name = "alu_loop",
	  .native = bench_native_alu,
	  .make_input = bench_input_alu,
	  .input_size = BENCH_ALU_INPUT },
	{ .name = "prime_count",
	  .native = bench_native_primes,
	  .make_input = bench_input_primes,
	  .input_size = BENCH_PRIME_INPUT },
	{ .name = "checksum",
	  .native = bench_native_checksum,
	  .make_input = bench_input_checksum,
	  .input_size = BENCH_CSUM_BYTES,
	  .input_map = "csum_buf" },
	{ .name = "string_compare",
	  .native = bench_native_strcmp,
	  .make_input = bench_input_strcmp,
	  .input_size = BENCH_STR_INPUT },
	{ .name = "switch_dispatch",
	  .native = bench_native_switch,
	  .make_input = bench_input_switch,
	  .input_size = BENCH_SWITCH_INPUT },
	{ .name = "packet_parse",
	  .native = bench_native_packets,
	  .make_input = bench_input_packets,
	  .input_size = BENCH_PKT_INPUT },
	{ .name = "hash_count",
	  .native = bench_native_hash_count,
	  .make_input = bench_input_hash,
	  .input_size = BENCH_HASH_INPUT,
	  .stateful = true },
	{ .name = "local_calls",
	  .native = bench_native_calls,
	  .make_input = bench_input_random,
	  .input_size = BENCH_CALL_INPUT },
	{ .name = "port_switch",
	  .native = bench_native_ports,
	  .make_input = bench_input_ports,
	  .input_size = BENCH_PORT_INPUT },
	{ .name = "copy_loop",
	  .native = bench_native_copy,
	  .make_input = bench_input_random,
	  .input_size = BENCH_COPY_INPUT },
	{ .name = "stack_heavy",
	  .native = bench_native_stack,
	  .make_input = bench_input_random,
	  .input_size = BENCH_STACK_INPUT },
	{ .name = "fib_calls",
	  .native = bench_native_fib,
	  .make_input = bench_input_random,
	  .input_size = BENCH_FIB_INPUT },
	{ .name = "tiny",
	  .native = bench_native_tiny,
	  .make_input = bench_input_random,
	  .input_size = BENCH_TINY_INPUT },
};
#define PROG_COUNT (sizeof(progs) / sizeof(progs[0]))

/* ---- native C ---------------------------------------------------------------------------- */

struct native_run {
	const struct exec_prog *prog;
	const uint8_t *input;
	void *state;
	volatile uint32_t sink; /* keeps the calls alive */
};

static int native_batch(void *arg, uint64_t iterations)
{
	struct native_run *r = arg;
	uint32_t acc = 0;

	for (uint64_t i = 0; i < iterations; i++)
		acc += r->prog->native(r->state, r->input, r->prog->input_size);
	r->sink = acc;
	return 0;
}

/* ---- programs ---------------------------------------------------------------------------- */

struct program_run {
	struct ebpf_program *program;
	struct ebpf_test_run_opts opts;
};

static int program_batch(void *arg, uint64_t iterations)
{
	struct program_run *r = arg;

	r->opts.repeat = iterations > UINT32_MAX ? UINT32_MAX : (uint32_t)iterations;
	return ebpf_program_test_run(r->program, &r->opts);
}

/* The input of a program that reads it from a map goes into that map's single value. */
static int fill_input_map(const struct exec_prog *prog, struct ebpf_object *object,
			  const uint8_t *input)
{
	struct ebpf_map *map = ebpf_object_find_map(object, prog->input_map);
	uint32_t zero = 0;
	int err;

	if (!map) {
		fprintf(stderr, "bench: %s has no map '%s'\n", prog->name, prog->input_map);
		return -ENOENT;
	}
	err = ebpf_map_update_elem(map, &zero, input, EBPF_ANY);
	if (err)
		fprintf(stderr, "bench: %s: filling map '%s': %s\n", prog->name, prog->input_map,
			ebpf_last_error());
	return err;
}

/* Instruction classes and codes of RFC 9669 the structure walk below needs. */
#define INSN_CLASS_JMP	 0x05
#define INSN_CLASS_JMP32 0x06
#define INSN_OP_CALL	 0x80
#define INSN_OP_EXIT	 0x90
#define INSN_LDDW	 0x18

/* A jump (conditional or not) and not a call or exit: where does it go? */
static bool jump_target(const struct ebpf_inst *insn, size_t at, long *target)
{
	uint8_t cls = insn->code & 7, op = insn->code & 0xf0;

	if ((cls != INSN_CLASS_JMP && cls != INSN_CLASS_JMP32) || op == INSN_OP_CALL ||
	    op == INSN_OP_EXIT)
		return false;
	*target = (long)at + 1 + insn->off;
	return true;
}

/*
 * The instructions one run of the ALU loop executes: everything once, plus the loop body
 * (target of the only backward jump up to that jump) BENCH_ALU_ITERS - 1 more times (give or
 * take the exit test's fall-through: one instruction per run). An lddw is one instruction in
 * two slots. Returns 0 when the program is not shaped as expected: one loop whose body is a
 * basic block but for its exit test, without lddw.
 */
static uint64_t alu_loop_insns(const struct ebpf_program *program)
{
	size_t count, total = 0, loop_start = 0, loop_end = 0, backward = 0;
	const struct ebpf_inst *insns = ebpf_program_insns(program, &count);
	long target;

	for (size_t i = 0; insns && i < count; i++) {
		total++;
		if (insns[i].code == INSN_LDDW) {
			i++; /* the second slot is not an instruction */
			continue;
		}
		if (jump_target(&insns[i], i, &target) && target <= (long)i) {
			backward++;
			loop_start = (size_t)target;
			loop_end = i;
		}
	}
	if (backward != 1)
		return 0;
	for (size_t i = loop_start; i < loop_end; i++) {
		if (insns[i].code == INSN_LDDW)
			return 0;
		if (jump_target(&insns[i], i, &target) && target <= (long)loop_end)
			return 0; /* a branch inside the body: not one basic block */
	}
	return total + (uint64_t)(BENCH_ALU_ITERS - 1) * (loop_end - loop_start + 1);
}

struct prog_result {
	double native_ns, native_min_ns;
	double engine_ns[ENGINE_COUNT], engine_min_ns[ENGINE_COUNT];
	bool agree[ENGINE_COUNT];
	uint64_t alu_insns;    /* from the program's structure */
	uint64_t alu_executed; /* from the interpreter's checked mode */
	unsigned int disturbed;
};

/* Opens the program in one engine and checks its first result against native C's. */
static int prepare_engine(struct bench_opts *b, const struct exec_prog *prog, int mode,
			  const uint8_t *input, uint32_t expected, struct ebpf_object **object,
			  struct program_run *r, bool *agree)
{
	int err;

	*agree = false;
	r->opts = (struct ebpf_test_run_opts){ .sz = sizeof(r->opts) };
	err = bench_open(b, prog->name, mode, object);
	if (err)
		return err;
	r->program = ebpf_object_next_program(*object, NULL);
	if (prog->input_map)
		err = fill_input_map(prog, *object, input);
	else {
		r->opts.data_in = input;
		r->opts.data_size_in = prog->input_size;
	}
	if (!err)
		err = program_batch(r, 1);
	if (err) {
		fprintf(stderr, "bench: %s (%s): test run failed: %s\n", prog->name,
			bench_mode_name(mode), ebpf_last_error());
		ebpf_object_close(*object);
		*object = NULL;
		return err;
	}
	*agree = (uint32_t)r->opts.retval == expected;
	if (!*agree)
		bench_note(b, "%s: %s mode returned 0x%08x, native C 0x%08x", prog->name,
			   bench_mode_name(mode), (uint32_t)r->opts.retval, expected);
	return 0;
}

/* Native C and the three engines, timed round-robin. */
static int time_prog(struct bench_opts *b, struct native_run *n, struct program_run *runs,
		     struct ebpf_object **objects, struct prog_result *res)
{
	struct bench_variant v[1 + ENGINE_COUNT] = { { .fn = native_batch, .arg = n } };
	int err;

	for (size_t e = 0; e < ENGINE_COUNT; e++) {
		v[1 + e].fn = objects[e] ? program_batch : NULL;
		v[1 + e].arg = &runs[e];
	}
	err = bench_time_interleaved(b, v, 1 + ENGINE_COUNT);
	for (size_t i = 0; i < 1 + ENGINE_COUNT; i++)
		res->disturbed += v[i].disturbed;
	res->native_ns = v[0].median_ns;
	res->native_min_ns = v[0].min_ns;
	for (size_t e = 0; e < ENGINE_COUNT; e++) {
		res->engine_ns[e] = v[1 + e].median_ns;
		res->engine_min_ns[e] = v[1 + e].min_ns;
	}
	return err;
}

static int run_prog(struct bench_opts *b, const struct exec_prog *prog, struct prog_result *res)
{
	struct ebpf_object *objects[ENGINE_COUNT] = { 0 };
	struct program_run runs[ENGINE_COUNT];
	struct native_run n = { .prog = prog };
	uint8_t *input = calloc(1, prog->input_size);
	uint32_t expected;
	int err = -ENOMEM;

	if (!input)
		return -ENOMEM;
	prog->make_input(input, prog->input_size);
	n.input = input;
	if (prog->stateful) {
		n.state = bench_native_hash_create();
		if (!n.state)
			goto out;
	}
	expected = prog->native(n.state, input, prog->input_size);
	err = 0;
	for (size_t e = 0; e < ENGINE_COUNT; e++) {
		int e_err = prepare_engine(b, prog, engines[e], input, expected, &objects[e],
					   &runs[e], &res->agree[e]);

		/* An engine this machine does not have (no JIT for its architecture) is a gap
		 * in the table, not a failure. */
		if (e_err == -EOPNOTSUPP) {
			bench_note(b, "%s: no %s engine here", prog->name,
				   bench_mode_name(engines[e]));
			continue;
		}
		if (!err)
			err = e_err ? e_err : res->agree[e] ? 0 : -EPROTO;
	}
	if (!strcmp(prog->name, "alu_loop") && objects[0]) {
		res->alu_insns = alu_loop_insns(runs[0].program);
		if (bench_count_executed(runs[0].program, input, prog->input_size,
					 &res->alu_executed))
			res->alu_executed = 0;
	}
	if (time_prog(b, &n, runs, objects, res) && !err)
		err = -EIO;
	for (size_t e = 0; e < ENGINE_COUNT; e++)
		ebpf_object_close(objects[e]);
out:
	free(n.state);
	free(input);
	return err;
}

static void record_prog(struct bench_opts *b, const struct exec_prog *prog,
			const struct prog_result *res)
{
	printf("%-16s %12.0f", prog->name, res->native_ns);
	bench_record(b, "exec", prog->name, "native_c_ns", res->native_ns, "ns/run");
	bench_record(b, "exec", prog->name, "native_c_min_ns", res->native_min_ns, "ns/run");
	for (size_t e = 0; e < ENGINE_COUNT; e++) {
		const char *mode = bench_mode_name(engines[e]);
		double ratio = res->engine_ns[e] / res->native_ns;
		char metric[48];

		printf(" %12.0f %7.2fx %-3s", res->engine_ns[e], ratio,
		       res->agree[e] ? "ok" : "BAD");
		snprintf(metric, sizeof(metric), "%s_ns", mode);
		bench_record(b, "exec", prog->name, metric, res->engine_ns[e], "ns/run");
		snprintf(metric, sizeof(metric), "%s_min_ns", mode);
		bench_record(b, "exec", prog->name, metric, res->engine_min_ns[e], "ns/run");
		snprintf(metric, sizeof(metric), "%s_ratio", mode);
		bench_record(b, "exec", prog->name, metric, ratio, "x native C");
		snprintf(metric, sizeof(metric), "%s_agrees", mode);
		bench_record(b, "exec", prog->name, metric, res->agree[e], "bool");
	}
	printf("\n");
	if (res->disturbed)
		bench_note(b, "%s: %u samples waited for a CPU in every attempt (machine busy)",
			   prog->name, res->disturbed);
}

/*
 * ns per executed instruction on the ALU loop, for every engine and native C. The count from
 * the program's structure must agree with the interpreter's (within the exit test's and the
 * early return's few instructions): otherwise the figure means nothing and the run fails.
 */
static int record_per_insn(struct bench_opts *b, const struct prog_result *alu)
{
	if (!alu->alu_insns) {
		bench_note(b, "alu_loop: the loop body is not one basic block; no ns/insn figure");
		return -EPROTO;
	}
	printf("\nALU loop: %llu instructions per run (the checked interpreter counts %llu); ns "
	       "per instruction: native C %.3f",
	       (unsigned long long)alu->alu_insns, (unsigned long long)alu->alu_executed,
	       alu->native_ns / (double)alu->alu_insns);
	bench_record(b, "exec", "alu_loop", "insns_per_run", (double)alu->alu_insns, "insns");
	bench_record(b, "exec", "alu_loop", "checked_insns_per_run", (double)alu->alu_executed,
		     "insns");
	bench_record(b, "exec", "alu_loop", "native_c_ns_per_insn",
		     alu->native_ns / (double)alu->alu_insns, "ns/insn");
	for (size_t e = 0; e < ENGINE_COUNT; e++) {
		double per = alu->engine_ns[e] / (double)alu->alu_insns;
		char metric[48];

		printf(", %s %.3f", bench_mode_name(engines[e]), per);
		snprintf(metric, sizeof(metric), "%s_ns_per_insn", bench_mode_name(engines[e]));
		bench_record(b, "exec", "alu_loop", metric, per, "ns/insn");
		if (engines[e] == EBPF_MODE_INTERP)
			bench_target(b, "interpreter ns per instruction (ALU loop)", per, 3,
				     "ns/insn", true);
	}
	printf("\n");
	if (alu->alu_executed + 4 < alu->alu_insns || alu->alu_insns + 4 < alu->alu_executed) {
		bench_note(b,
			   "alu_loop: %llu instructions from the structure, %llu counted by the "
			   "interpreter",
			   (unsigned long long)alu->alu_insns,
			   (unsigned long long)alu->alu_executed);
		return -EPROTO;
	}
	return 0;
}

/* Geometric mean of each engine's ratio to native C over every program. */
static void record_geomeans(struct bench_opts *b, const struct prog_result *res)
{
	printf("geometric mean of ratios to native C:");
	for (size_t e = 0; e < ENGINE_COUNT; e++) {
		double log_sum = 0;
		char metric[48];

		for (size_t p = 0; p < PROG_COUNT; p++)
			log_sum += log(res[p].engine_ns[e] / res[p].native_ns);
		double gm = exp(log_sum / PROG_COUNT);

		printf(" %s %.2fx", bench_mode_name(engines[e]), gm);
		snprintf(metric, sizeof(metric), "%s_geomean_ratio", bench_mode_name(engines[e]));
		bench_record(b, "exec", "all", metric, gm, "x native C");
		if (engines[e] == EBPF_MODE_JIT)
			bench_target(b, "JIT / native C (geometric mean)", gm, 1.5, "ratio", true);
	}
	printf("\n");
}

int bench_exec(struct bench_opts *b)
{
	struct prog_result res[PROG_COUNT] = { 0 };
	int err = 0;

	printf("\n== Execution: ns per run (ratio to native C -O2; ok = same result) ==\n");
	printf("%-16s %12s", "program", "native C");
	for (size_t e = 0; e < ENGINE_COUNT; e++)
		printf(" %12s %8s %-3s", bench_mode_name(engines[e]), "ratio", "");
	printf("\n");
	fflush(stdout);
	for (size_t p = 0; p < PROG_COUNT; p++) {
		int p_err = run_prog(b, &progs[p], &res[p]);

		if (p_err && !err)
			err = p_err;
		record_prog(b, &progs[p], &res[p]);
		fflush(stdout);
	}
	record_geomeans(b, res);
	if (record_per_insn(b, &res[0]) && !err)
		err = -EPROTO;
	return err;
}
