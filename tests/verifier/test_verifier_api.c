// SPDX-License-Identifier: MIT
/*
 * The verifier as an API: the message format (section, instruction, disassembly, source line,
 * state), the log at each level and its truncation, input validation, results (stack depth,
 * counters), purity, and the speed on a 4,000-instruction program (measured and printed, not
 * asserted).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "insn.h"
#include "vcases.h"

static void input_for(struct verifier_input *in, const struct ebpf_inst *insns, size_t n,
		      enum vt_type type)
{
	static struct vcase c;

	memset(&c, 0, sizeof(c));
	c.type = type;
	vt_input(in, &c);
	in->insns = insns;
	in->insn_count = n;
}

static const struct ebpf_inst ctx_oob[] = {
	EBPF_MOV64_IMM(R0, 0),
	EBPF_LDX_MEM(EBPF_SIZE_W, R0, R1, 64),
	EBPF_EXIT(),
};

static void test_message_first_line(void **state)
{
	struct verifier_input in;
	struct verifier_result res;

	input_for(&in, ctx_oob, 3, VT_PLAIN);
	assert_int_equal(verifier_verify(&in, &res), -EACCES);
	assert_int_equal(res.insn, 1);
	/* The example, exactly, as the first line. */
	assert_int_equal(
	    strncmp(res.message,
		    "insn 1 (r0 = *(u32 *)(r1 + 64)): ctx access out of bounds: "
		    "offset 64 size 4, ctx size 32\n",
		    strlen("insn 1 (r0 = *(u32 *)(r1 + 64)): ctx access out of bounds: "
			   "offset 64 size 4, ctx size 32\n")),
	    0);
	assert_non_null(strstr(res.message, "\n  state: "));
	assert_non_null(strstr(res.message, "R1=ctx(off=0)"));
}

static void test_message_section_and_line(void **state)
{
	const struct verifier_line lines[] = {
		{ .insn = 0, .line = 10, .column = 2, .file = "prog.c", .text = "int x = 0;" },
		{ .insn = 1,
		  .line = 11,
		  .column = 9,
		  .file = "prog.c",
		  .text = "return ctx->field;" },
	};
	struct verifier_input in;
	struct verifier_result res;

	input_for(&in, ctx_oob, 3, VT_PLAIN);
	in.section = "xdp";
	in.lines = lines;
	in.line_count = 2;
	assert_int_equal(verifier_verify(&in, &res), -EACCES);
	assert_int_equal(strncmp(res.message, "section 'xdp': insn 1 (r0 = *(u32 *)(r1 + 64)): ",
				 strlen("section 'xdp': insn 1 (r0 = *(u32 *)(r1 + 64)): ")),
			 0);
	assert_non_null(strstr(res.message, "\n  source: prog.c:11:9: return ctx->field;"));
}

static void test_accepted_result(void **state)
{
	const struct ebpf_inst insns[] = {
		EBPF_ST_MEM(EBPF_SIZE_DW, R10, -40, 0),
		EBPF_CALL_REL(2),
		EBPF_MOV64_IMM(R0, 0),
		EBPF_EXIT(),
		EBPF_ST_MEM(EBPF_SIZE_DW, R10, -16, 0),
		EBPF_MOV64_IMM(R0, 0),
		EBPF_EXIT(),
	};
	struct verifier_input in;
	struct verifier_result res;

	input_for(&in, insns, 7, VT_PLAIN);
	assert_int_equal(verifier_verify(&in, &res), 0);
	assert_int_equal(res.error, 0);
	assert_int_equal(res.insn, -1);
	assert_string_equal(res.message, "");
	/* main's 40 bytes plus the callee's 16 while it runs. */
	assert_int_equal(res.max_stack_depth, 56);
	assert_true(res.insns_processed >= 7);
}

static void test_log_levels(void **state)
{
	struct verifier_input in;
	struct verifier_result res;
	char log1[4096], log2[4096];

	input_for(&in, ctx_oob, 3, VT_PLAIN);
	in.log = log1;
	in.log_size = sizeof(log1);
	in.log_level = 1;
	assert_int_equal(verifier_verify(&in, &res), -EACCES);
	assert_non_null(strstr(log1, "0: (b7) r0 = 0\n"));
	assert_non_null(strstr(log1, "1: (61) r0 = *(u32 *)(r1 + 64)\n"));
	assert_non_null(strstr(log1, "ctx access out of bounds"));
	in.log = log2;
	in.log_level = 2;
	assert_int_equal(verifier_verify(&in, &res), -EACCES);
	/* Level 2 adds the state after every instruction. */
	assert_non_null(strstr(log2, "1: R0=0 R1=ctx(off=0) R10=fp+0\n"));
	assert_true(strlen(log2) > strlen(log1));
}

static void test_log_truncation(void **state)
{
	struct verifier_input in;
	struct verifier_result res;
	char log[40];

	memset(log, 'x', sizeof(log));
	input_for(&in, ctx_oob, 3, VT_PLAIN);
	in.log = log;
	in.log_size = 16;
	in.log_level = 2;
	assert_int_equal(verifier_verify(&in, &res), -EACCES);
	assert_int_equal(strlen(log), 15);
	assert_int_equal(log[16], 'x'); /* nothing written past log_size */
	assert_non_null(strstr(res.message, "ctx access out of bounds"));
}

static void test_bad_input(void **state)
{
	struct verifier_input in;
	struct verifier_result res;

	input_for(&in, ctx_oob, 3, VT_PLAIN);
	in.info = NULL;
	assert_int_equal(verifier_verify(&in, &res), -EINVAL);
	assert_non_null(strstr(res.message, "no program type information"));
	input_for(&in, ctx_oob, 0, VT_PLAIN);
	assert_int_equal(verifier_verify(&in, &res), -EINVAL);
	assert_int_equal(res.insn, -1);
	assert_int_equal(verifier_verify(NULL, &res), -EINVAL);
}

/* A pure function: the same input gives the same result, whatever ran in between. */
static void test_pure(void **state)
{
	struct verifier_input in;
	struct verifier_result a, b, c;

	input_for(&in, ctx_oob, 3, VT_PLAIN);
	assert_int_equal(verifier_verify(&in, &a), -EACCES);
	input_for(&in, ctx_oob, 3, VT_LEAK);
	verifier_verify(&in, &b);
	input_for(&in, ctx_oob, 3, VT_PLAIN);
	assert_int_equal(verifier_verify(&in, &c), -EACCES);
	assert_string_equal(a.message, c.message);
	assert_int_equal(a.insns_processed, c.insns_processed);
}

/*
 * 4,000 instructions: 500 blocks of a packet bounds check, a read and an unpredictable branch,
 * the shape of a large parser. Reports the time; the test only asserts the verdict.
 */
static void test_speed_4000(void **state)
{
	size_t n = 0, cap = 4100, i;
	struct ebpf_inst *insns = calloc(cap, sizeof(*insns));
	struct verifier_input in;
	struct verifier_result res;
	struct timespec t0, t1;
	double ms;

	assert_non_null(insns);
	insns[n++] = EBPF_MOV64_REG(R6, R1);
	insns[n++] = EBPF_MOV64_IMM(R7, 0);
	for (i = 0; i < 499; i++) {
		insns[n++] = EBPF_LDX_MEM(EBPF_SIZE_W, R2, R6, 0);
		insns[n++] = EBPF_LDX_MEM(EBPF_SIZE_W, R3, R6, 4);
		insns[n++] = EBPF_MOV64_REG(R4, R2);
		insns[n++] = EBPF_ALU64_IMM(EBPF_ALU_ADD, R4, (int32_t)(i % 64) + 1);
		insns[n++] = EBPF_JMP_REG(EBPF_JMP_JGT, R4, R3, 2);
		insns[n++] = EBPF_LDX_MEM(EBPF_SIZE_B, R5, R2, (int16_t)(i % 64));
		insns[n++] = EBPF_JMP_IMM(EBPF_JMP_JEQ, R5, (int32_t)i, 0);
		insns[n++] = EBPF_ALU64_IMM(EBPF_ALU_ADD, R7, 1);
	}
	insns[n++] = EBPF_MOV64_REG(R0, R7);
	insns[n++] = EBPF_EXIT();
	assert_true(n >= 3990);
	input_for(&in, insns, n, VT_PKT);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(verifier_verify(&in, &res), 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
	printf("verified %zu instructions in %.2f ms (%llu processed, %llu states kept)\n", n, ms,
	       (unsigned long long)res.insns_processed, (unsigned long long)res.states_kept);
	free(insns);
}

/*
 * Stack liveness: N joins of two paths that store 1 or 2 into a slot of their own, which
 * nothing reads. The two states of a join differ only in dead slots, so one covers the other:
 * the work grows with N. Comparing the dead slots would walk 2^N paths, which the complexity
 * limit refuses.
 */
static void test_dead_slot_joins(void **state)
{
	enum { N = 24 };
	struct ebpf_inst insns[N * 6 + 2];
	struct verifier_input in;
	struct verifier_result res;
	size_t n = 0;
	int i;

	for (i = 0; i < N; i++) {
		insns[n++] = EBPF_HELPER_CALL(H_PRANDOM);
		insns[n++] = EBPF_MOV64_REG(R6, R0);
		insns[n++] = EBPF_JMP_IMM(EBPF_JMP_JEQ, R6, 0, 2);
		insns[n++] = EBPF_ST_MEM(EBPF_SIZE_DW, R10, (int16_t)(-8 * (i + 1)), 1);
		insns[n++] = EBPF_JMP_A(1);
		insns[n++] = EBPF_ST_MEM(EBPF_SIZE_DW, R10, (int16_t)(-8 * (i + 1)), 2);
	}
	insns[n++] = EBPF_MOV64_IMM(R0, 0);
	insns[n++] = EBPF_EXIT();
	input_for(&in, insns, n, VT_PLAIN);
	assert_int_equal(verifier_verify(&in, &res), 0);
	print_message("%d joins over dead slots: %llu instructions processed\n", N,
		      (unsigned long long)res.insns_processed);
	assert_true(res.insns_processed <= 12 * N);
}

/* Everything a corpus case may reference exists (a guard for the corpus itself). */
/* A bpf_loop callback counting its calls in the caller's stack, n calls. */
static uint64_t loop_processed(int32_t n)
{
	const struct ebpf_inst insns[] = {
		EBPF_ST_MEM(EBPF_SIZE_DW, R10, -8, 0),
		EBPF_MOV64_IMM(R1, n),
		EBPF_LD_IMM64_RAW(R2, EBPF_PSEUDO_FUNC, 7, 0),
		EBPF_MOV64_REG(R3, R10),
		EBPF_ALU64_IMM(EBPF_ALU_ADD, R3, -8),
		EBPF_MOV64_IMM(R4, 0),
		EBPF_HELPER_CALL(H_LOOP),
		EBPF_LDX_MEM(EBPF_SIZE_DW, R0, R10, -8),
		EBPF_EXIT(),
		EBPF_LDX_MEM(EBPF_SIZE_DW, R3, R2, 0),
		EBPF_ALU64_IMM(EBPF_ALU_ADD, R3, 1),
		EBPF_STX_MEM(EBPF_SIZE_DW, R2, R3, 0),
		EBPF_MOV64_IMM(R0, 0),
		EBPF_EXIT(),
	};
	struct verifier_input in;
	struct verifier_result res;

	input_for(&in, insns, sizeof(insns) / sizeof(insns[0]), VT_PLAIN);
	assert_int_equal(verifier_verify(&in, &res), 0);
	return res.insns_processed;
}

/* The callback is walked until its effects converge, not once per call: the work is the same
 * for 2 calls and for the most bpf_loop makes (issue 20). */
static void test_callback_cost_independent_of_calls(void **state)
{
	uint64_t two = loop_processed(2), many = loop_processed(1 << 23);

	print_message("bpf_loop callback: %llu instructions processed for 2 calls, %llu for "
		      "8388608\n",
		      (unsigned long long)two, (unsigned long long)many);
	assert_int_equal(two, many);
	assert_true(many < 100);
}

static void test_env(void **state)
{
	size_t n;

	assert_non_null(vt_global_helpers(&n));
	assert_true(n > 10);
	assert_int_equal(vt_info(VT_PKT)->context.data_end, 4);
	assert_int_equal(vt_maps[MAP_OUTER].inner_map, MAP_ARRAY);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_message_first_line),
		cmocka_unit_test(test_message_section_and_line),
		cmocka_unit_test(test_accepted_result),
		cmocka_unit_test(test_log_levels),
		cmocka_unit_test(test_log_truncation),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_pure),
		cmocka_unit_test(test_speed_4000),
		cmocka_unit_test(test_callback_cost_independent_of_calls),
		cmocka_unit_test(test_dead_slot_joins),
		cmocka_unit_test(test_env),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
