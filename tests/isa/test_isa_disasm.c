// SPDX-License-Identifier: MIT
/* The disassembler: the C style against the kernel's text, the ASM style against the assembler. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "isa/isa_internal.h"
#include "conformance.h"

#define INSN(c, d, s, o, i)                                                                        \
	{                                                                                          \
		.code = c, .dst_reg = d, .src_reg = s, .off = o, .imm = i                          \
	}

struct c_case {
	struct ebpf_inst insn[2];
	const char *text;
};

/*
 * One of every instruction kind with the text Linux prints for it (kernel/bpf/disasm.c, as
 * bpftool shows it), less the "(code)" prefix and the "pc" before jump offsets, with LLVM's
 * "(r1 + 4)" spacing and " ll" after 64-bit constants. Atomics are spelled as LLVM prints them
 * (llvm-objdump), which is how the task statement words them. Entries that llvm-mc 14 decodes
 * were checked against `llvm-mc --disassemble -triple=bpfel -mattr=+alu32`.
 */
static const struct c_case c_cases[] = {
	{ { INSN(0x07, 1, 0, 0, -1) }, "r1 += -1" },
	{ { INSN(0x04, 0, 0, 0, 1) }, "w0 += 1" },
	{ { INSN(0x0f, 1, 2, 0, 0) }, "r1 += r2" },
	{ { INSN(0x1c, 1, 2, 0, 0) }, "w1 -= w2" },
	{ { INSN(0x27, 3, 0, 0, 7) }, "r3 *= 7" },
	{ { INSN(0x3c, 3, 4, 0, 0) }, "w3 /= w4" },
	{ { INSN(0x4f, 3, 4, 0, 0) }, "r3 |= r4" },
	{ { INSN(0x54, 3, 0, 0, 255) }, "w3 &= 255" },
	{ { INSN(0x67, 3, 0, 0, 32) }, "r3 <<= 32" },
	{ { INSN(0x7c, 3, 4, 0, 0) }, "w3 >>= w4" },
	{ { INSN(0x9c, 1, 2, 0, 0) }, "w1 %= w2" },
	{ { INSN(0xa7, 1, 0, 0, 0x55) }, "r1 ^= 85" },
	{ { INSN(0xbf, 0, 1, 0, 0) }, "r0 = r1" },
	{ { INSN(0xb4, 0, 0, 0, 5) }, "w0 = 5" },
	{ { INSN(0xc7, 1, 0, 0, 3) }, "r1 s>>= 3" },
	{ { INSN(0xcc, 1, 2, 0, 0) }, "w1 s>>= w2" },
	{ { INSN(0x3f, 1, 2, 1, 0) }, "r1 s/= r2" },
	{ { INSN(0x94, 1, 0, 1, -4) }, "w1 s%= -4" },
	{ { INSN(0x87, 1, 0, 0, 0) }, "r1 = -r1" },
	{ { INSN(0x84, 1, 0, 0, 0) }, "w1 = -w1" },
	{ { INSN(0xbf, 0, 1, 8, 0) }, "r0 = (s8)r1" },
	{ { INSN(0xbc, 0, 1, 16, 0) }, "w0 = (s16)w1" },
	{ { INSN(0xbf, 0, 1, 32, 0) }, "r0 = (s32)r1" },
	{ { INSN(0xdc, 1, 0, 0, 16) }, "r1 = be16 r1" },
	{ { INSN(0xd4, 1, 0, 0, 32) }, "r1 = le32 r1" },
	{ { INSN(0xd7, 1, 0, 0, 64) }, "r1 = bswap64 r1" },
	{ { INSN(0x61, 0, 1, 4, 0) }, "r0 = *(u32 *)(r1 + 4)" },
	{ { INSN(0x79, 0, 10, -8, 0) }, "r0 = *(u64 *)(r10 - 8)" },
	{ { INSN(0x69, 2, 3, 0, 0) }, "r2 = *(u16 *)(r3 + 0)" },
	{ { INSN(0x91, 0, 10, -1, 0) }, "r0 = *(s8 *)(r10 - 1)" },
	{ { INSN(0x81, 0, 1, 2, 0) }, "r0 = *(s32 *)(r1 + 2)" },
	{ { INSN(0x72, 10, 0, -1, 0x80) }, "*(u8 *)(r10 - 1) = 128" },
	{ { INSN(0x7a, 10, 0, -16, -1) }, "*(u64 *)(r10 - 16) = -1" },
	{ { INSN(0x7b, 10, 1, -8, 0) }, "*(u64 *)(r10 - 8) = r1" },
	{ { INSN(0x6b, 1, 2, 2, 0) }, "*(u16 *)(r1 + 2) = r2" },
	{ { INSN(0xdb, 1, 2, 0, 0x00) }, "lock *(u64 *)(r1 + 0) += r2" },
	{ { INSN(0xc3, 1, 2, -4, 0x50) }, "lock *(u32 *)(r1 - 4) &= w2" },
	{ { INSN(0xdb, 1, 2, 0, 0x40) }, "lock *(u64 *)(r1 + 0) |= r2" },
	{ { INSN(0xdb, 1, 2, 0, 0xa0) }, "lock *(u64 *)(r1 + 0) ^= r2" },
	{ { INSN(0xdb, 1, 0, 0, 0x01) }, "r0 = atomic_fetch_add((u64 *)(r1 + 0), r0)" },
	{ { INSN(0xc3, 1, 2, 0, 0xa1) }, "w2 = atomic_fetch_xor((u32 *)(r1 + 0), w2)" },
	{ { INSN(0xdb, 1, 2, 8, 0x51) }, "r2 = atomic_fetch_and((u64 *)(r1 + 8), r2)" },
	{ { INSN(0xdb, 1, 2, 0, 0xe1) }, "r2 = xchg_64(r1 + 0, r2)" },
	{ { INSN(0xc3, 1, 2, 0, 0xe1) }, "w2 = xchg32_32(r1 + 0, w2)" },
	{ { INSN(0xdb, 1, 2, 0, 0xf1) }, "r0 = cmpxchg_64(r1 + 0, r0, r2)" },
	{ { INSN(0xc3, 1, 2, 0, 0xf1) }, "w0 = cmpxchg32_32(r1 + 0, w0, w2)" },
	{ { INSN(0xdb, 0, 1, 0, 0x100) }, "r0 = load_acquire((u64 *)(r1 + 0))" },
	{ { INSN(0xc3, 2, 10, -8, 0x100) }, "w2 = load_acquire((u32 *)(r10 - 8))" },
	{ { INSN(0xcb, 3, 1, 2, 0x100) }, "w3 = load_acquire((u16 *)(r1 + 2))" },
	{ { INSN(0xd3, 0, 1, -1, 0x100) }, "w0 = load_acquire((u8 *)(r1 - 1))" },
	{ { INSN(0xdb, 1, 2, 8, 0x110) }, "store_release((u64 *)(r1 + 8), r2)" },
	{ { INSN(0xc3, 10, 2, -4, 0x110) }, "store_release((u32 *)(r10 - 4), w2)" },
	{ { INSN(0xcb, 1, 2, 0, 0x110) }, "store_release((u16 *)(r1 + 0), w2)" },
	{ { INSN(0xd3, 1, 2, 0, 0x110) }, "store_release((u8 *)(r1 + 0), w2)" },
	{ { INSN(0x18, 0, 0, 0, 0x55667788), INSN(0, 0, 0, 0, 0x11223344) },
	  "r0 = 0x1122334455667788 ll" },
	{ { INSN(0x18, 1, 1, 0, 5), INSN(0, 0, 0, 0, 0) }, "r1 = map[fd:5]" },
	{ { INSN(0x18, 1, 2, 0, 5), INSN(0, 0, 0, 0, 8) }, "r1 = map[fd:5][0]+8" },
	{ { INSN(0x18, 2, 5, 0, 0), INSN(0, 0, 0, 0, 0) }, "r2 = map[idx:0]" },
	{ { INSN(0x18, 2, 6, 0, 1), INSN(0, 0, 0, 0, 4) }, "r2 = map[idx:1][0]+4" },
	{ { INSN(0x30, 0, 0, 0, 4) }, "r0 = *(u8 *)skb[4]" },
	{ { INSN(0x48, 0, 1, 0, 14) }, "r0 = *(u16 *)skb[r1 + 14]" },
	{ { INSN(0x25, 1, 0, 3, 5) }, "if r1 > 0x5 goto +3" },
	{ { INSN(0x2e, 1, 2, -3, 0) }, "if w1 > w2 goto -3" },
	{ { INSN(0xa6, 1, 0, 3, -1) }, "if w1 < 0xffffffff goto +3" },
	{ { INSN(0x1d, 1, 2, 1, 0) }, "if r1 == r2 goto +1" },
	{ { INSN(0x55, 0, 0, 0, 0) }, "if r0 != 0x0 goto +0" },
	{ { INSN(0x45, 1, 0, 2, 1) }, "if r1 & 0x1 goto +2" },
	{ { INSN(0x6d, 1, 2, 2, 0) }, "if r1 s> r2 goto +2" },
	{ { INSN(0x76, 1, 0, 2, 0) }, "if w1 s>= 0x0 goto +2" },
	{ { INSN(0xbd, 1, 2, 2, 0) }, "if r1 <= r2 goto +2" },
	{ { INSN(0xc5, 1, 0, 2, 1) }, "if r1 s< 0x1 goto +2" },
	{ { INSN(0xde, 1, 2, 2, 0) }, "if w1 s<= w2 goto +2" },
	{ { INSN(0x35, 1, 0, 2, 1) }, "if r1 >= 0x1 goto +2" },
	{ { INSN(0x05, 0, 0, -3, 0) }, "goto -3" },
	{ { INSN(0x06, 0, 0, 0, 5) }, "gotol +5" },
	{ { INSN(0x85, 0, 0, 0, 1) }, "call 1" },
	{ { INSN(0x85, 0, 1, 0, 3) }, "call pc+3" },
	{ { INSN(0x85, 0, 2, 0, 7) }, "call kernel-function#7" },
	{ { INSN(0x8d, 2, 0, 0, 0) }, "callx r2" },
	{ { INSN(0x95, 0, 0, 0, 0) }, "exit" },
};

static void test_c_style_matches_kernel_text(void **state)
{
	for (size_t i = 0; i < sizeof(c_cases) / sizeof(c_cases[0]); i++) {
		const struct c_case *c = &c_cases[i];
		size_t count = c->insn[0].code == EBPF_OP_LDDW ? 2 : 1;
		char buf[128];
		int ret = isa_disasm(c->insn, count, 0, EBPF_DISASM_C, buf, sizeof(buf));

		if (ret != (int)count || strcmp(buf, c->text))
			fail_msg("case %zu (code 0x%02x): got %d \"%s\", want %zu \"%s\"", i,
				 c->insn[0].code, ret, buf, count, c->text);
	}
}

/* Disassembles a whole program into ASM text, one instruction a line. */
static char *program_to_asm(const struct ebpf_inst *insns, size_t count)
{
	size_t cap = count * 64 + 1, len = 0;
	char *text = malloc(cap);

	assert_non_null(text);
	for (size_t i = 0; i < count;) {
		char buf[128];
		int slots = isa_disasm(insns, count, i, EBPF_DISASM_ASM, buf, sizeof(buf));

		if (slots < 0)
			fail_msg("instruction %zu: %s", i, buf);
		len += (size_t)snprintf(text + len, cap - len, "%s\n", buf);
		i += (size_t)slots;
	}
	return text;
}

static void test_conformance_programs_round_trip(void **state)
{
	size_t nprograms, failures = 0;
	struct conformance_program *programs = conformance_load(&nprograms);

	assert_int_equal(nprograms, CONFORMANCE_PROGRAMS);
	for (size_t i = 0; i < nprograms; i++) {
		const struct conformance_program *p = &programs[i];
		char *text = program_to_asm(p->insns, p->count);
		struct ebpf_inst *insns = NULL;
		size_t count = 0;
		char err[256];

		if (isa_assemble(text, &insns, &count, err, sizeof(err))) {
			print_error("%s: %s\n", p->name, err);
			failures++;
		} else if (count != p->count || memcmp(insns, p->insns, count * sizeof(*insns))) {
			print_error("%s: the reassembled program differs\n%s", p->name, text);
			failures++;
		}
		free(insns);
		free(text);
	}
	conformance_free(programs, nprograms);
	assert_int_equal(failures, 0);
}

/* A deterministic generator (xorshift64*) so that failures reproduce. */
static uint64_t next_random(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dull;
}

/* Field values that make valid instructions likely: zero, the special ones, random ones. */
static void random_fields(uint64_t *seed, struct ebpf_inst *insn)
{
	static const int16_t offs[] = { 1, 8, 16, 32, -1, 4, -8, 24 };
	static const int32_t imms[] = { 16,   32,   64,	  0x01, 0x40, 0x41, 0x50, 0x51,	 0xa0,
					0xa1, 0xe1, 0xf1, 1,	2,    -1,   48,	  0x100, 0x110 };
	uint64_t r = next_random(seed);

	insn->dst_reg = r & 1 ? 0 : (r >> 1) % 12;
	insn->src_reg = r & 0x10 ? 0 : (r >> 5) % 12;
	insn->off = r & 0x200 ? 0 : r & 0x400 ? offs[(r >> 11) % 8] : (int16_t)(r >> 14);
	switch ((r >> 30) % 8) {
	case 0:
	case 1:
	case 2:
		insn->imm = 0;
		break;
	case 3:
	case 4:
	case 5:
		insn->imm = imms[(r >> 33) % (sizeof(imms) / sizeof(imms[0]))];
		break;
	default:
		insn->imm = (int32_t)(next_random(seed) >> 32);
		break;
	}
}

/*
 * Every valid encoding disassembles in both styles and the ASM text assembles back to the same
 * bytes. Every opcode byte gets 2000 random field sets; together they must reach every
 * mnemonic of the table.
 */
static void test_random_valid_instructions_round_trip(void **state)
{
	size_t nrows = 0, nhit = 0, valid = 0;
	uint64_t seed = 0x9e3779b97f4a7c15ull;
	bool *hit;

	for (const struct isa_mnemonic *m = isa_mnemonics; m->name; m++)
		nrows++;
	hit = calloc(nrows, sizeof(*hit));
	assert_non_null(hit);
	for (int i = 0; i < 256 * 2000; i++) {
		struct ebpf_inst insn[2] = { { .code = (uint8_t)i } }, *out = NULL;
		char asm_text[128], c_text[128], err[256];
		const struct isa_mnemonic *m;
		size_t count;
		int slots;

		random_fields(&seed, &insn[0]);
		insn[1].imm = (i >> 8) & 1 ? (int32_t)next_random(&seed) : 0;
		slots = isa_check_insn(insn, 2, 0, NULL);
		if (slots < 0)
			continue;
		valid++;
		m = isa_mnemonic_by_insn(insn);
		assert_non_null(m);
		hit[m - isa_mnemonics] = true;
		assert_int_equal(isa_disasm(insn, 2, 0, EBPF_DISASM_C, c_text, sizeof(c_text)),
				 slots);
		assert_null(strstr(c_text, "(null)"));
		assert_int_equal(
		    isa_disasm(insn, 2, 0, EBPF_DISASM_ASM, asm_text, sizeof(asm_text)), slots);
		if (isa_assemble(asm_text, &out, &count, err, sizeof(err)))
			fail_msg("'%s' (%s) does not assemble: %s", asm_text, c_text, err);
		if (count != (size_t)slots || memcmp(out, insn, count * sizeof(*out)))
			fail_msg("'%s' assembles to other bytes (code 0x%02x)", asm_text,
				 insn[0].code);
		free(out);
	}
	for (size_t i = 0; i < nrows; i++) {
		if (!isa_mnemonics[i].alias && !hit[i])
			print_error("mnemonic '%s' never generated\n", isa_mnemonics[i].name);
		nhit += hit[i];
	}
	free(hit);
	assert_true(valid > 1000);
	assert_int_equal(nhit, nrows - 3); /* all but the three swapN aliases */
}

static void test_invalid_instruction_is_described(void **state)
{
	const struct ebpf_inst bad = INSN(0xff, 0, 0, 0, 0);
	const struct ebpf_inst lddw = INSN(0x18, 0, 0, 0, 1);
	char buf[128];

	assert_int_equal(isa_disasm(&bad, 1, 0, EBPF_DISASM_C, buf, sizeof(buf)), -EINVAL);
	assert_string_equal(buf, "invalid instruction (code 0xff): unknown opcode (ALU operation)");
	assert_int_equal(isa_disasm(&lddw, 1, 0, EBPF_DISASM_ASM, buf, sizeof(buf)), -EINVAL);
	assert_string_equal(buf, "invalid instruction (code 0x18): lddw is truncated: its second "
				 "slot is missing");
	assert_int_equal(isa_disasm(&bad, 1, 1, EBPF_DISASM_C, buf, sizeof(buf)), -EINVAL);
	assert_string_equal(buf, "invalid instruction: instruction index out of range");
	assert_int_equal(isa_disasm(&lddw, 1, 0, (enum ebpf_disasm_style)7, buf, sizeof(buf)),
			 -EINVAL);
}

static void test_public_wrapper_reports_last_error(void **state)
{
	const struct ebpf_inst prog[] = { INSN(0xb7, 0, 0, 0, 7), INSN(0x0f, 11, 0, 0, 0) };
	char buf[128];

	assert_int_equal(ebpf_disassemble(prog, 2, 0, EBPF_DISASM_C, buf, sizeof(buf)), 1);
	assert_string_equal(buf, "r0 = 7");
	assert_string_equal(ebpf_last_error(), "");
	assert_int_equal(ebpf_disassemble(prog, 2, 0, EBPF_DISASM_ASM, buf, sizeof(buf)), 1);
	assert_string_equal(buf, "mov %r0, 7");
	assert_int_equal(ebpf_disassemble(prog, 2, 1, EBPF_DISASM_C, buf, sizeof(buf)), -EINVAL);
	assert_string_equal(ebpf_last_error(),
			    "instruction 1: invalid instruction (code 0x0f): destination register "
			    "out of range (r0-r10)");
	assert_int_equal(ebpf_disassemble(prog, 2, 0, EBPF_DISASM_C, NULL, 0), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_c_style_matches_kernel_text),
		cmocka_unit_test(test_conformance_programs_round_trip),
		cmocka_unit_test(test_random_valid_instructions_round_trip),
		cmocka_unit_test(test_invalid_instruction_is_described),
		cmocka_unit_test(test_public_wrapper_reports_last_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
