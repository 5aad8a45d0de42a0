// SPDX-License-Identifier: MIT
/* The assembler: the whole conformance suite, and every kind of malformed text. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "isa/isa.h"
#include "conformance.h"

/* Reports the first differing instruction of a program; returns true when they are equal. */
static bool same_program(const char *name, const struct ebpf_inst *got, size_t ngot,
			 const struct ebpf_inst *want, size_t nwant)
{
	for (size_t i = 0; i < ngot && i < nwant; i++) {
		if (memcmp(&got[i], &want[i], sizeof(*got))) {
			const uint8_t *g = (const uint8_t *)&got[i], *w = (const uint8_t *)&want[i];

			print_error(
			    "%s: instruction %zu is %02x %02x %02x %02x %02x %02x %02x %02x, "
			    "compiled.tsv has %02x %02x %02x %02x %02x %02x %02x %02x\n",
			    name, i, g[0], g[1], g[2], g[3], g[4], g[5], g[6], g[7], w[0], w[1],
			    w[2], w[3], w[4], w[5], w[6], w[7]);
			return false;
		}
	}
	if (ngot != nwant) {
		print_error("%s: %zu instructions, compiled.tsv has %zu\n", name, ngot, nwant);
		return false;
	}
	return true;
}

static void test_conformance_suite_assembles_to_compiled_bytes(void **state)
{
	size_t nprograms, failures = 0;
	struct conformance_program *programs = conformance_load(&nprograms);

	assert_int_equal(nprograms, CONFORMANCE_PROGRAMS);
	for (size_t i = 0; i < nprograms; i++) {
		char *text = conformance_asm_text(programs[i].name);
		struct ebpf_inst *insns = NULL;
		size_t count = 0;
		char err[256];
		int ret = isa_assemble(text, &insns, &count, err, sizeof(err));

		if (ret) {
			print_error("%s: assembler failed: %s\n", programs[i].name, err);
			failures++;
		} else if (!same_program(programs[i].name, insns, count, programs[i].insns,
					 programs[i].count)) {
			failures++;
		}
		free(insns);
		free(text);
	}
	conformance_free(programs, nprograms);
	assert_int_equal(failures, 0);
}

struct bad_text {
	const char *text;
	const char *message; /* the whole expected message */
};

static const struct bad_text bad_texts[] = {
	{ "mov %r0, 1\nfoo %r0, 1\nexit\n", "line 2: unknown mnemonic: 'foo'" },
	{ "lock fetch nand [%r10-8], %r1\nexit", "line 1: unknown mnemonic: 'lock fetch nand'" },
	{ "mov %r11, 1\nexit", "line 1: bad register: '%r11'" },
	{ "mov %r0, %x1\nexit", "line 1: bad register: '%x1'" },
	{ "mov r0, 1\nexit", "line 1: bad register: 'r0'" },
	{ "# two\n\nldxw %r0, [%r01+4]\nexit", "line 3: bad register: '%r01'" },
	{ "mov %r0, 0x100000000\nexit", "line 1: immediate out of range: '0x100000000'" },
	{ "add32 %r0, -2147483649\nexit", "line 1: immediate out of range: '-2147483649'" },
	{ "lddw %r0, 0x10000000000000000\nexit",
	  "line 1: immediate out of range: '0x10000000000000000'" },
	{ "mov %r0, 12abc\nexit", "line 1: bad immediate: '12abc'" },
	{ "mov %r0, 0x\nexit", "line 1: bad immediate: '0x'" },
	{ "ldxw %r0, [%r1+32768]\nexit", "line 1: offset out of range: '+32768'" },
	{ "stw [%r10-0x8001], 1\nexit", "line 1: offset out of range: '-0x8001'" },
	{ "ldxw %r0, [%r1+four]\nexit", "line 1: bad offset: '+four'" },
	{ "ldxw %r0, %r1\nexit", "line 1: bad memory operand (expected [%rN+off]): '%r1'" },
	{ "mov %r0, 1\nja nowhere\nexit", "line 2: unknown label: 'nowhere'" },
	{ "jeq %r0, 1, +40000\nexit", "line 1: jump offset out of range: '+40000'" },
	{ "ja 3\nexit", "line 1: bad jump target (expected +N, -N or a label): '3'" },
	{ "a:\nmov %r0, 1\na:\nexit", "line 3: duplicate label: 'a'" },
	{ "mov %r0\nexit", "line 1: wrong operand count for mov (expected 2, got 1): 'mov %r0'" },
	{ "exit %r0", "line 1: wrong operand count for exit (expected 0, got 1): 'exit %r0'" },
	{ "mov %r0, 1\njeq %r0, 1\nexit",
	  "line 2: wrong operand count for jeq (expected 3, got 2): 'jeq %r0, 1'" },
	{ "mov %r0, , 1\nexit", "line 1: empty operand: 'mov %r0, , 1'" },
	{ "jeq %r0, 1, +1, +2\nexit", "line 1: too many operands: 'jeq %r0, 1, +1, +2'" },
	{ "call far 1\nexit", "line 1: unknown call kind (helper, local or kfunc): 'far'" },
	{ "lddw %r1, map_name(3)\nexit", "line 1: unknown lddw kind: 'map_name'" },
	{ "mov %r10, 1\nexit", "line 1: invalid instruction (destination r10 is the read-only "
			       "frame pointer): 'mov %r10, 1'" },
	{ "lock fetch add [%r10-8], %r10\nexit",
	  "line 1: invalid instruction (atomic fetch would write r10, the read-only frame "
	  "pointer): 'lock fetch add [%r10-8], %r10'" },
	{ "lddw %r1, map_fd(3)+8\nexit",
	  "line 1: invalid instruction (lddw of a map reference must have a zero second imm): "
	  "'lddw %r1, map_fd(3)+8'" },
	{ "# only a comment\n\n", "empty program: no instructions" },
};

static void test_malformed_text_names_the_line(void **state)
{
	for (size_t i = 0; i < sizeof(bad_texts) / sizeof(bad_texts[0]); i++) {
		struct ebpf_inst *insns = (struct ebpf_inst *)&insns; /* must stay untouched */
		size_t count = 12345;
		char err[256] = "unset";
		int ret = isa_assemble(bad_texts[i].text, &insns, &count, err, sizeof(err));

		if (ret != -EINVAL || strcmp(err, bad_texts[i].message))
			fail_msg("text %zu: got %d \"%s\", want -EINVAL \"%s\"", i, ret, err,
				 bad_texts[i].message);
		assert_ptr_equal(insns, (struct ebpf_inst *)&insns);
		assert_int_equal(count, 12345);
	}
}

static char *long_jump_text(size_t filler)
{
	const char *head = "ja far\n", *mid = "mov %r0, 0\n", *tail = "far:\nexit\n";
	size_t size = strlen(head) + filler * strlen(mid) + strlen(tail) + 1;
	char *text = malloc(size), *p = text;

	assert_non_null(text);
	p += sprintf(p, "%s", head);
	for (size_t i = 0; i < filler; i++)
		p += sprintf(p, "%s", mid);
	sprintf(p, "%s", tail);
	return text;
}

/* The 16-bit offset of ja reaches 32767 instructions forward, not one more. */
static void test_label_jump_range_is_checked(void **state)
{
	struct ebpf_inst *insns = NULL;
	size_t count;
	char err[256];
	char *text = long_jump_text(32767);

	assert_int_equal(isa_assemble(text, &insns, &count, err, sizeof(err)), 0);
	assert_int_equal(count, 32769);
	assert_int_equal(insns[0].off, 32767);
	free(insns);
	free(text);

	text = long_jump_text(32768);
	assert_int_equal(isa_assemble(text, &insns, &count, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "line 1: jump target out of range: 'far'");
	free(text);
}

/* Syntax the suite does not use but the disassembler prints: checked against RFC 9669 fields. */
static void test_forms_beyond_the_suite(void **state)
{
	static const char text[] = "start:\n"
				   "  lddw %r1, map_value(7)+16   # src 2, offset in the 2nd imm\n"
				   "  call kfunc 42\n"
				   "  call helper 1\n"
				   "  call local start\n"
				   "  ldabsh 12\n"
				   "  ldindb %r3, -2\n"
				   "  ja32 -6\n"
				   "L: lock xchg32 [%r2+0x10], %r4\n"
				   "  exit\n";
	const struct ebpf_inst want[] = {
		{ .code = 0x18, .dst_reg = 1, .src_reg = 2, .imm = 7 },
		{ .imm = 16 },
		{ .code = 0x85, .src_reg = 2, .imm = 42 },
		{ .code = 0x85, .imm = 1 },
		{ .code = 0x85, .src_reg = 1, .imm = -5 },
		{ .code = 0x28, .imm = 12 },
		{ .code = 0x50, .src_reg = 3, .imm = -2 },
		{ .code = 0x06, .imm = -6 },
		{ .code = 0xc3, .dst_reg = 2, .src_reg = 4, .off = 16, .imm = 0xe1 },
		{ .code = 0x95 },
	};
	struct ebpf_inst *insns;
	size_t count;
	char err[256];

	assert_int_equal(isa_assemble(text, &insns, &count, err, sizeof(err)), 0);
	assert_true(same_program("beyond", insns, count, want, sizeof(want) / sizeof(want[0])));
	free(insns);
}

/* The public wrapper records the assembler's message for ebpf_last_error(). */
static void test_public_wrapper_reports_last_error(void **state)
{
	struct ebpf_inst *insns = NULL;
	size_t count = 0;

	assert_int_equal(ebpf_assemble("mov %r0, 1\nexit\n", &insns, &count), 0);
	assert_int_equal(count, 2);
	assert_string_equal(ebpf_last_error(), "");
	free(insns);

	assert_int_equal(ebpf_assemble("mov %r0, 1\n\nbogus\n", &insns, &count), -EINVAL);
	assert_string_equal(ebpf_last_error(), "line 3: unknown mnemonic: 'bogus'");
	assert_int_equal(ebpf_assemble(NULL, &insns, &count), -EINVAL);
	assert_non_null(strstr(ebpf_last_error(), "NULL"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conformance_suite_assembles_to_compiled_bytes),
		cmocka_unit_test(test_malformed_text_names_the_line),
		cmocka_unit_test(test_label_jump_range_is_checked),
		cmocka_unit_test(test_forms_beyond_the_suite),
		cmocka_unit_test(test_public_wrapper_reports_last_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
