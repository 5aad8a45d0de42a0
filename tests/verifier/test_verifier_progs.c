// SPDX-License-Identifier: MIT
/*
 * clang output through the loader: every program of build/tests/progs against a sample-like
 * program type, and the typical programs of tests/verifier/progs (accepted) with their unsafe
 * twins (refused with the right reason), also as compiled with -mcpu=v3.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "isa/isa.h"
#include "loader/loader.h"
#include "vcases.h"

/* Like extensions/sample: struct sample_ctx {u64 data, data_end; u32 uid, flags; u64 counter}. */
static const struct ebpf_context_range sample_writable[] = { { 20, 4 }, { 24, 8 } };
static const struct ebpf_helper_proto sample_helpers[] = {
	{ .id = 65536,
	  .name = "sample_find",
	  .ret = EBPF_RET_INTEGER,
	  .args = { EBPF_ARG_PTR_TO_CTX, EBPF_ARG_PTR_TO_MEM, EBPF_ARG_CONST_SIZE } },
	{ .id = 65537,
	  .name = "sample_replace",
	  .ret = EBPF_RET_INTEGER,
	  .args = { EBPF_ARG_PTR_TO_CTX, EBPF_ARG_ANYTHING, EBPF_ARG_PTR_TO_MEM,
		    EBPF_ARG_CONST_SIZE } },
	{ .id = 65538,
	  .name = "sample_add_counter",
	  .ret = EBPF_RET_INTEGER,
	  .args = { EBPF_ARG_PTR_TO_CTX, EBPF_ARG_ANYTHING } },
};
static const struct ebpf_program_info sample_info = {
	.header = EBPF_EXTENSION_HEADER(struct ebpf_program_info, EBPF_PROGRAM_INFO_VERSION),
	.name = "sample_like",
	.context = { .size = 32,
		     .data = 0,
		     .data_end = 8,
		     .meta = -1,
		     .writable = sample_writable,
		     .writable_count = 2 },
	.helpers = sample_helpers,
	.helper_count = 3,
};

struct verdict {
	int error;
	char message[512];
	uint64_t insns_processed;
};

static void verify(const struct loader_object *obj, const struct loader_program *prog,
		   const struct ebpf_program_info *info, struct verdict *out)
{
	struct verifier_map *maps = calloc(obj->map_count + 1, sizeof(*maps));
	struct verifier_line *lines = calloc(prog->line_count + 1, sizeof(*lines));
	struct verifier_input in = { 0 };
	struct verifier_result res;
	size_t i;

	assert_non_null(maps);
	assert_non_null(lines);
	loader_describe_maps(obj, maps);
	for (i = 0; i < prog->line_count; i++)
		lines[i] = (struct verifier_line){ prog->lines[i].insn, prog->lines[i].line,
						   prog->lines[i].column, prog->lines[i].file,
						   prog->lines[i].text };
	in.section = prog->section;
	in.insns = prog->insns;
	in.insn_count = prog->insn_count;
	in.info = info;
	in.global_helpers = vt_global_helpers(&in.global_helper_count);
	in.maps = maps;
	in.map_count = obj->map_count;
	in.lines = lines;
	in.line_count = prog->line_count;
	out->error = verifier_verify(&in, &res);
	snprintf(out->message, sizeof(out->message), "%s", res.message);
	out->insns_processed = res.insns_processed;
	free(maps);
	free(lines);
}

static struct loader_object *open_obj(const char *dir, const char *name)
{
	struct loader_object *obj = NULL;
	char path[1024], err[512] = "";

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (loader_open_file(path, &obj, err, sizeof(err))) {
		print_error("%s: %s\n", path, err);
		return NULL;
	}
	return obj;
}

/* A program type only its own test defines (test_implicit_ctx's "ictx"): its helper ids mean
 * other prototypes than sample_info's, so no verdict here would say anything. */
static bool own_test_type(const struct loader_program *prog)
{
	return !strcmp(prog->section, "ictx");
}

/* Calls a function by name (kfunc): only the type that offers it resolves it (test_kfunc). */
static bool calls_kfunc(const struct loader_program *prog)
{
	for (size_t i = 0; i < prog->insn_count; i++) {
		if (prog->insns[i].code == EBPF_OP_CALL &&
		    prog->insns[i].src_reg == EBPF_CALL_KFUNC)
			return true;
	}
	return false;
}

static void test_tests_progs(void **state)
{
	const char *build = getenv("EXTBPF_BUILD_DIR");
	char dir[1024];
	struct dirent *de;
	DIR *d;
	int objects = 0, failures = 0;

	snprintf(dir, sizeof(dir), "%s/tests/progs", build ? build : ".");
	d = opendir(dir);
	if (!d) {
		print_message("skipped: no compiled programs in %s\n", dir);
		skip();
	}
	while ((de = readdir(d))) {
		struct loader_object *obj;
		size_t len = strlen(de->d_name), p;

		if (len < 6 || strcmp(de->d_name + len - 6, ".bpf.o"))
			continue;
		obj = open_obj(dir, de->d_name);
		if (!obj)
			continue; /* the loader's own tests say why */
		objects++;
		for (p = 0; p < obj->program_count; p++) {
			const struct loader_program *prog = &obj->programs[p];
			bool pkt = !strncmp(prog->section, "xdp", 3);
			bool refused =
			    !strcmp(prog->section, "sample_ext/bad") || calls_kfunc(prog);
			struct verdict v;

			if (own_test_type(prog))
				continue;
			verify(obj, prog, pkt ? vt_info(VT_PKT) : &sample_info, &v);
			print_message("%-28s %-22s %s%s%s\n", de->d_name, prog->name,
				      v.error ? "refused: " : "accepted", v.error ? v.message : "",
				      v.error ? "" : "");
			if ((v.error != 0) != refused)
				failures++;
		}
		loader_object_free(obj);
	}
	closedir(d);
	if (!objects) {
		print_message("skipped: no compiled programs in %s\n", dir);
		skip();
	}
	assert_int_equal(failures, 0);
}

struct expect {
	const char *program;
	int error;
	const char *reason;
};

/* Each expected program's verdict; processed instructions into insns[] when given. */
static void check_object_insns(const char *name, const struct expect *expect, size_t n,
			       uint64_t *insns)
{
	const char *build = getenv("EXTBPF_BUILD_DIR");
	struct loader_object *obj;
	char dir[1024];
	size_t i, p;
	int failures = 0;

	snprintf(dir, sizeof(dir), "%s/tests/verifier/progs", build ? build : ".");
	obj = open_obj(dir, name);
	assert_non_null(obj);
	for (i = 0; i < n; i++) {
		const struct loader_program *prog = NULL;
		struct verdict v;

		for (p = 0; p < obj->program_count; p++)
			if (!strcmp(obj->programs[p].name, expect[i].program))
				prog = &obj->programs[p];
		assert_non_null(prog);
		verify(obj, prog, vt_info(VT_PKT), &v);
		print_message("%-22s %s %s (%llu insns processed)\n", expect[i].program,
			      v.error ? "refused:" : "accepted", v.message,
			      (unsigned long long)v.insns_processed);
		if (insns)
			insns[i] = v.insns_processed;
		if (v.error != expect[i].error ||
		    (expect[i].reason && !strstr(v.message, expect[i].reason))) {
			print_error("%s: expected %d '%s'\n", expect[i].program, expect[i].error,
				    expect[i].reason ? expect[i].reason : "");
			failures++;
		}
	}
	loader_object_free(obj);
	assert_int_equal(failures, 0);
}

static void check_object(const char *name, const struct expect *expect, size_t n)
{
	check_object_insns(name, expect, n, NULL);
}

static void test_typical_clang_output(void **state)
{
	static const struct expect expect[] = {
		{ "parse_tcp", 0, NULL },      { "skip_headers", 0, NULL },
		{ "count_by_proto", 0, NULL }, { "classify", 0, NULL },
		{ "sum_array", 0, NULL },      { "pressure", 0, NULL },
	};

	check_object("parse_ok.bpf.o", expect, sizeof(expect) / sizeof(expect[0]));
	/* clang -mcpu=v3: 32-bit jumps and ALU (ctx->data_end - ctx->data in 32 bits). */
	check_object("v3/parse_ok.bpf.o", expect, sizeof(expect) / sizeof(expect[0]));
}

static void test_unsafe_twins(void **state)
{
	static const struct expect expect[] = {
		{ "missing_bounds_check", -EACCES, "packet access out of proven range" },
		{ "missing_null_check", -EACCES, "before a null check" },
		{ "index_out_of_range", -EACCES, "map value access out of bounds" },
	};

	check_object("parse_bad.bpf.o", expect, sizeof(expect) / sizeof(expect[0]));
	check_object("v3/parse_bad.bpf.o", expect, sizeof(expect) / sizeof(expect[0]));
}

/*
 * The packet's length checked as a number, data_end - data >= 14 (issue 20): the scalar stays
 * linked to data, so its bound proves the bytes, and only as many as it proves.
 */
static void test_pkt_len(void **state)
{
	static const struct expect ok[] = { { "eth_by_length", 0, NULL } };
	static const struct expect bad[] = {
		{ "length_one_short", -EACCES, "offset 13 size 1, proven range 13" },
		{ "length_of_another_offset", -EACCES, "offset 4 size 1, proven range 4" },
	};

	check_object("pktlen_ok.bpf.o", ok, 1);
	check_object("v3/pktlen_ok.bpf.o", ok, 1);
	check_object("pktlen_bad.bpf.o", bad, sizeof(bad) / sizeof(bad[0]));
	check_object("v3/pktlen_bad.bpf.o", bad, sizeof(bad) / sizeof(bad[0]));
}

/*
 * bpf_trace_printk with its format built on the stack, as the kernel's samples/bpf and
 * prototype-kernel print (issue 19): clang stores the string's last characters as a 2-byte
 * constant and its NUL beside them, and every byte stays known; a byte the program makes
 * unknown is still refused.
 */
static void test_stack_format(void **state)
{
	static const struct expect ok[] = {
		{ "fmt_tail_u16", 0, NULL },
		{ "fmt_tail_u32", 0, NULL },
		{ "fmt_tail_u8", 0, NULL },
	};
	static const struct expect bad[] = {
		{ "fmt_nul_unknown", -EACCES, "format byte 26 is not known at verification" },
		{ "fmt_tail_overwritten", -EACCES, "is not known at verification" },
	};

	check_object("stackfmt_ok.bpf.o", ok, sizeof(ok) / sizeof(ok[0]));
	check_object("v3/stackfmt_ok.bpf.o", ok, sizeof(ok) / sizeof(ok[0]));
	check_object("stackfmt_bad.bpf.o", bad, sizeof(bad) / sizeof(bad[0]));
	check_object("v3/stackfmt_bad.bpf.o", bad, sizeof(bad) / sizeof(bad[0]));
}

/*
 * Formats of 9 to 23 bytes on the stack (issue 19; tc and XDP as their own types: test_linux):
 * clang stores the tail of each as 4-, 2- and 1-byte constants sharing one slot (every split
 * of 1..7 bytes), and the verifier keeps each byte; twins with an unknown byte, no NUL, a pointer
 * printed or a pointer stored over the pieces stay refused.
 */
static void test_stack_format_pieces(void **state)
{
	static const struct expect bad[] = {
		{ "piece_overwritten", -EACCES, "format byte 13 is not known at verification" },
		{ "piece_no_nul", -EACCES, "the format has no NUL within its size" },
		{ "piece_ptr_leak", -EACCES, "prints a pointer (pointer leak)" },
		{ "piece_ptr_over", -EACCES, "holds a spilled pointer at fp-8" },
	};
	struct expect ok[15];
	char names[15][24]; /* room for any int: gcc -O1 cannot bound len */
	int len, n = 0;

	(void)state;
	for (len = 9; len <= 23; len++) {
		snprintf(names[n], sizeof(names[n]), "xdp_fmt%d", len);
		ok[n] = (struct expect){ names[n], 0, NULL };
		n++;
	}
	check_object("stackfmt_pieces_ok.bpf.o", ok, (size_t)n);
	check_object("v3/stackfmt_pieces_ok.bpf.o", ok, (size_t)n);
	check_object("stackfmt_pieces_bad.bpf.o", bad, sizeof(bad) / sizeof(bad[0]));
	check_object("v3/stackfmt_pieces_bad.bpf.o", bad, sizeof(bad) / sizeof(bad[0]));
}

/*
 * 32-bit counters and indexes (issue 20): at -mcpu=v3 clang counts and compares them in 32
 * bits, and only bounds of the low halves on their own prove the accesses.
 */
static void test_bounds32(void **state)
{
	static const struct expect ok[] = {
		{ "count_down", 0, NULL },
		{ "count_up", 0, NULL },
		{ "low_half_index", 0, NULL },
	};
	static const struct expect bad[] = {
		{ "count_down_past", -EACCES, "map value access" },
		{ "count_up_past", -EACCES, "map value access" },
		{ "signed_index_negative", -EACCES, "map value access" },
		{ "low_half_index_past", -EACCES, "map value access out of bounds" },
		{ "around_middle_past", -EACCES, "map value access" },
	};
	/*
	 * Without 32-bit jumps clang checks a sign-extended copy (r << 32 s>> 32) and indexes with
	 * another: Linux refuses these as compiled for v1 too.
	 */
	static const struct expect ok_v3[] = {
		{ "signed_index", 0, NULL },
		{ "around_middle", 0, NULL },
	};

	check_object("bounds32_ok.bpf.o", ok, sizeof(ok) / sizeof(ok[0]));
	check_object("v3/bounds32_ok.bpf.o", ok, sizeof(ok) / sizeof(ok[0]));
	check_object("v3/bounds32_ok.bpf.o", ok_v3, sizeof(ok_v3) / sizeof(ok_v3[0]));
	check_object("bounds32_bad.bpf.o", bad, sizeof(bad) / sizeof(bad[0]));
	check_object("v3/bounds32_bad.bpf.o", bad, sizeof(bad) / sizeof(bad[0]));
}

/*
 * Functions returning void (issue 20): clang leaves r0 unset at their exit, Linux accepts them;
 * a caller that reads that r0 stays refused.
 */
static void test_void_subprograms(void **state)
{
	static const struct expect ok[] = {
		{ "void_bump", 0, NULL },
		{ "void_clamp", 0, NULL },
		{ "void_fill", 0, NULL },
	};
	static const struct expect bad[] = {
		{ "void_result_returned", -EACCES, "r0 is not set at exit" },
	};

	(void)state;
	check_object("void_subprog_ok.bpf.o", ok, sizeof(ok) / sizeof(ok[0]));
	check_object("v3/void_subprog_ok.bpf.o", ok, sizeof(ok) / sizeof(ok[0]));
	check_object("void_subprog_bad.bpf.o", bad, sizeof(bad) / sizeof(bad[0]));
	check_object("v3/void_subprog_bad.bpf.o", bad, sizeof(bad) / sizeof(bad[0]));
}

/*
 * Loops by abstraction (issue 20): a scan of 4,096 bytes with two branches per byte costs what
 * one of 32 does, a packet scan of 1,500 bytes what one of 64 does (walked iteration by
 * iteration the work grew with the trip count, and the 4,096-byte scan was refused), and every
 * unsafe twin stays refused. Two branches per byte: clang lays the second one out after the
 * loop's back-edge, and its loop head after the latch (rotated loops).
 */
static void test_loops(void **state)
{
	enum { SCAN_32, SCAN_4096, PKT_64, PKT_1500, FIND_FF, COUNT_DOWN, BOTH, IN_REG, N_OK };
	static const struct expect ok[] = {
		[SCAN_32] = { "scan_32", 0, NULL },
		[SCAN_4096] = { "scan_4096", 0, NULL },
		[PKT_64] = { "packet_scan_64", 0, NULL },
		[PKT_1500] = { "packet_scan_1500", 0, NULL },
		[FIND_FF] = { "find_ff", 0, NULL },
		[COUNT_DOWN] = { "count_down_pairs", 0, NULL },
		[BOTH] = { "bound_by_both", 0, NULL },
		[IN_REG] = { "bound_in_register", 0, NULL },
	};
	/* Refused whichever loop walk finds them out first: abstraction or exact fallback. */
	static const struct expect bad[] = {
		{ "scan_one_past", -EACCES, "map value access out of bounds" },
		{ "scan2_one_past", -EACCES, "map value access out of bounds: offset 4096" },
		{ "scan2_cold_reset", -EACCES, NULL },
		{ "scan2_cold_back", -EACCES, NULL },
		{ "packet_scan_unchecked", -EACCES, "packet access out of proven range" },
		{ "unbounded_counter", -EACCES, "cannot prove it terminates" },
		{ "unknown_step", -EACCES, NULL },
		{ "nested_inner_unbounded", -EACCES, "cannot prove it terminates" },
		{ "bound_by_both_past", -EACCES, "map value access out of bounds" },
		{ "bound_in_register_past", -EACCES, "map value access out of bounds" },
	};
	const char *objs[] = { "loops_ok.bpf.o", "v3/loops_ok.bpf.o" };
	uint64_t insns[N_OK];

	for (size_t o = 0; o < 2; o++) {
		check_object_insns(objs[o], ok, N_OK, insns);
		/* 128 times the iterations, not twice the work. */
		assert_true(insns[SCAN_4096] < 2 * insns[SCAN_32]);
		/* 23 times the packet bytes, not twice the work. */
		assert_true(insns[PKT_1500] < 2 * insns[PKT_64]);
		assert_true(insns[FIND_FF] < 20000);
		/* 1,000 iterations walked one by one cost about 27,000. */
		assert_true(insns[BOTH] < 3000);
		assert_true(insns[IN_REG] < 3000);
	}
	check_object("loops_bad.bpf.o", bad, sizeof(bad) / sizeof(bad[0]));
	check_object("v3/loops_bad.bpf.o", bad, sizeof(bad) / sizeof(bad[0]));
}

/* may_goto as clang emits it (can_loop, cond_break): bounded by the budget, not the count. */
static void test_may_goto(void **state)
{
	static const struct expect expect[] = {
		{ "sum_while_can_loop", 0, NULL },
		{ "scan_cond_break", 0, NULL },
		{ "scan_without_bounds_check", -EACCES, "map value access" },
		{ "index_after_loop", -EACCES, "map value access" },
	};

	(void)state;
	check_object("may_goto.bpf.o", expect, sizeof(expect) / sizeof(expect[0]));
	check_object("v3/may_goto.bpf.o", expect, sizeof(expect) / sizeof(expect[0]));
}

/* Linux's own can_loop / cond_break selftest shapes, and their twins (may_goto_linux*.bpf.c). */
static void test_may_goto_linux_shapes(void **state)
{
	static const struct expect ok[] = {
		{ "three_loops_on_stack", 0, NULL }, { "count_and_budget", 0, NULL },
		{ "nested_share_budget", 0, NULL },  { "loop_in_subprogram", 0, NULL },
		{ "budget_alone", 0, NULL },	     { "budget_per_call", 0, NULL },
		{ "budget_per_callback", 0, NULL },
	};
	static const struct expect bad[] = {
		{ "three_loops_uninit_stack", -EACCES, "read of uninitialised stack" },
		{ "scan_without_count", -EACCES, "variable offset is unbounded" },
		{ "scan_one_past", -EACCES, "map value access out of bounds" },
		{ "nested_counter_after", -EACCES, "variable offset is unbounded" },
		{ "callback_count_as_index", -EACCES, "variable offset may be negative" },
	};

	(void)state;
	check_object("may_goto_linux.bpf.o", ok, sizeof(ok) / sizeof(ok[0]));
	check_object("v3/may_goto_linux.bpf.o", ok, sizeof(ok) / sizeof(ok[0]));
	check_object("may_goto_linux_bad.bpf.o", bad, sizeof(bad) / sizeof(bad[0]));
	check_object("v3/may_goto_linux_bad.bpf.o", bad, sizeof(bad) / sizeof(bad[0]));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tests_progs),
		cmocka_unit_test(test_typical_clang_output),
		cmocka_unit_test(test_unsafe_twins),
		cmocka_unit_test(test_bounds32),
		cmocka_unit_test(test_pkt_len),
		cmocka_unit_test(test_stack_format),
		cmocka_unit_test(test_stack_format_pieces),
		cmocka_unit_test(test_loops),
		cmocka_unit_test(test_void_subprograms),
		cmocka_unit_test(test_may_goto),
		cmocka_unit_test(test_may_goto_linux_shapes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
