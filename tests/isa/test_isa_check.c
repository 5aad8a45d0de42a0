// SPDX-License-Identifier: MIT
/* isa_check_insn: accepts the whole conformance suite, refuses each kind of bad encoding. */
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

#define INSN(c, d, s, o, i)                                                                        \
	{                                                                                          \
		.code = c, .dst_reg = d, .src_reg = s, .off = o, .imm = i                          \
	}

static void test_accepts_every_conformance_instruction(void **state)
{
	size_t nprograms;
	struct conformance_program *programs = conformance_load(&nprograms);

	assert_int_equal(nprograms, CONFORMANCE_PROGRAMS);
	for (size_t i = 0; i < nprograms; i++) {
		const struct conformance_program *p = &programs[i];

		for (size_t j = 0; j < p->count;) {
			const char *why = NULL;
			int slots = isa_check_insn(p->insns, p->count, j, &why);

			if (slots < 0)
				fail_msg("%s: instruction %zu (code 0x%02x) refused: %s", p->name,
					 j, p->insns[j].code, why);
			assert_true(slots == 1 || (slots == 2 && isa_is_lddw(&p->insns[j])));
			j += (size_t)slots;
			assert_true(j <= p->count);
		}
	}
	conformance_free(programs, nprograms);
}

struct refusal {
	struct ebpf_inst insn[2];
	size_t count;
	const char *why;
};

static const struct refusal refusals[] = {
	/* unknown opcodes */
	{ { INSN(0xe7, 0, 0, 0, 0) }, 1, "unknown opcode (ALU operation)" },
	{ { INSN(0xf5, 0, 0, 0, 0) }, 1, "unknown opcode (jump operation)" },
	{ { INSN(0xdf, 0, 0, 0, 16) }, 1, "unknown opcode (64-bit byte swap takes no source bit)" },
	{ { INSN(0x8f, 0, 0, 0, 0) }, 1, "unknown opcode (neg takes no source operand)" },
	{ { INSN(0x0d, 0, 0, 0, 0) }, 1, "unknown opcode (ja takes no source bit)" },
	{ { INSN(0x86, 0, 0, 0, 1) }, 1, "unknown opcode (call exists in the JMP class only)" },
	{ { INSN(0x96, 0, 0, 0, 0) }, 1, "unknown opcode (exit is 0x95 only)" },
	{ { INSN(0x00, 0, 0, 0, 0) }, 1, "unknown opcode (load immediate is lddw only)" },
	{ { INSN(0x38, 0, 0, 0, 0) }, 1, "unknown opcode (legacy packet loads are b, h or w)" },
	{ { INSN(0x60, 0, 0, 0, 0) }, 1, "unknown opcode (load mode)" },
	{ { INSN(0x99, 0, 1, 0, 0) }, 1, "unknown opcode (sign-extending loads are b, h or w)" },
	{ { INSN(0x21, 0, 1, 0, 0) }, 1, "unknown opcode (ldx mode)" },
	{ { INSN(0xc2, 1, 0, 0, 0) }, 1, "unknown opcode (st mode)" },
	{ { INSN(0x83, 1, 2, 0, 0) }, 1, "unknown opcode (stx mode)" },
	{ { INSN(0xd3, 1, 2, 0, 0) }, 1, "unknown opcode (atomic operations are 32 or 64 bit)" },
	/* registers */
	{ { INSN(0xb7, 11, 0, 0, 0) }, 1, "destination register out of range (r0-r10)" },
	{ { INSN(0x0f, 1, 15, 0, 0) }, 1, "source register out of range (r0-r10)" },
	{ { INSN(0xb7, 10, 0, 0, 0) }, 1, "destination r10 is the read-only frame pointer" },
	{ { INSN(0x79, 10, 1, 0, 0) }, 1, "destination r10 is the read-only frame pointer" },
	{ { INSN(0x1d, 12, 1, 0, 0) }, 1, "destination register out of range (r0-r10)" },
	{ { INSN(0x7b, 11, 1, 0, 0) }, 1, "destination register out of range (r0-r10)" },
	{ { INSN(0xdb, 10, 10, 0, 0x01) },
	  1,
	  "atomic fetch would write r10, the read-only frame pointer" },
	/* reserved fields */
	{ { INSN(0x07, 1, 2, 0, 1) }, 1, "reserved field src_reg is not zero" },
	{ { INSN(0x0f, 1, 2, 0, 1) }, 1, "reserved field imm is not zero" },
	{ { INSN(0x07, 1, 0, 4, 1) }, 1, "reserved field offset is not zero" },
	{ { INSN(0x95, 1, 0, 0, 0) }, 1, "reserved field dst_reg is not zero" },
	{ { INSN(0x95, 0, 0, 0, 1) }, 1, "reserved field imm is not zero" },
	{ { INSN(0x05, 0, 0, 1, 1) }, 1, "reserved field imm is not zero" },
	{ { INSN(0x06, 0, 0, 1, 1) }, 1, "reserved field offset is not zero" },
	{ { INSN(0x61, 0, 1, 0, 1) }, 1, "reserved field imm is not zero" },
	{ { INSN(0x62, 10, 1, 0, 1) }, 1, "reserved field src_reg is not zero" },
	{ { INSN(0x87, 1, 0, 0, 1) }, 1, "reserved field imm is not zero" },
	{ { INSN(0x20, 1, 0, 0, 1) }, 1, "reserved field dst_reg is not zero" },
	{ { INSN(0x85, 0, 0, 1, 1) }, 1, "reserved field offset is not zero" },
	{ { INSN(0x8d, 2, 0, 0, 1) }, 1, "reserved field imm is not zero" },
	/* variants selected by off */
	{ { INSN(0x3f, 1, 2, 2, 0) }, 1, "div/mod offset must be 0 (unsigned) or 1 (signed)" },
	{ { INSN(0xbf, 1, 2, 24, 0) }, 1, "movsx offset must be 8, 16 or 32" },
	{ { INSN(0xbc, 1, 2, 32, 0) }, 1, "movsx offset must be 8 or 16 in 32-bit moves" },
	{ { INSN(0xb7, 1, 0, 8, 0) }, 1, "reserved field offset is not zero" },
	/* byte swaps, calls, atomics */
	{ { INSN(0xd4, 1, 0, 0, 8) }, 1, "byte swap width (imm) must be 16, 32 or 64" },
	{ { INSN(0xd7, 1, 0, 0, 48) }, 1, "byte swap width (imm) must be 16, 32 or 64" },
	{ { INSN(0x85, 0, 3, 0, 1) },
	  1,
	  "unknown call kind (src_reg must be 0 helper, 1 local or 2 kfunc)" },
	{ { INSN(0xdb, 1, 2, 0, 0x10) }, 1, "unknown atomic operation (imm)" },
	{ { INSN(0xc3, 1, 2, 0, 0xe0) }, 1, "unknown atomic operation (imm)" },
	{ { INSN(0xdb, 1, 2, 0, 0x101) }, 1, "unknown atomic operation (imm)" },
	{ { INSN(0xdb, 1, 2, 0, 0x120) }, 1, "unknown atomic operation (imm)" },
	/* load-acquire writes its dst: not r10; both read registers in range */
	{ { INSN(0xdb, 10, 1, 0, 0x100) }, 1, "destination r10 is the read-only frame pointer" },
	{ { INSN(0xd3, 11, 1, 0, 0x100) }, 1, "destination register out of range (r0-r10)" },
	{ { INSN(0xcb, 1, 11, 0, 0x110) }, 1, "source register out of range (r0-r10)" },
	{ { INSN(0xcb, 11, 1, 0, 0x110) }, 1, "destination register out of range (r0-r10)" },
	/* lddw */
	{ { INSN(0x18, 0, 0, 0, 1) }, 1, "lddw is truncated: its second slot is missing" },
	{ { INSN(0x18, 0, 0, 0, 1), INSN(0x18, 0, 0, 0, 0) },
	  2,
	  "lddw second slot must have code, registers and offset zero" },
	{ { INSN(0x18, 0, 0, 0, 1), INSN(0, 1, 0, 0, 0) },
	  2,
	  "lddw second slot must have code, registers and offset zero" },
	{ { INSN(0x18, 0, 0, 0, 1), INSN(0, 0, 0, 1, 0) },
	  2,
	  "lddw second slot must have code, registers and offset zero" },
	{ { INSN(0x18, 0, 7, 0, 1), INSN(0, 0, 0, 0, 0) },
	  2,
	  "unknown lddw source kind (src_reg must be 0-6)" },
	{ { INSN(0x18, 0, 1, 0, 1), INSN(0, 0, 0, 0, 4) },
	  2,
	  "lddw of a map reference must have a zero second imm" },
	{ { INSN(0x18, 0, 0, 1, 1), INSN(0, 0, 0, 0, 0) }, 2, "reserved field offset is not zero" },
};

static void test_refuses_bad_encodings(void **state)
{
	for (size_t i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++) {
		const struct refusal *r = &refusals[i];
		const char *why = NULL;
		int ret = isa_check_insn(r->insn, r->count, 0, &why);

		if (ret != -EINVAL || !why || strcmp(why, r->why))
			fail_msg("case %zu (code 0x%02x): got %d \"%s\", want -EINVAL \"%s\"", i,
				 r->insn[0].code, ret, why ? why : "(none)", r->why);
	}
}

/* Encodings at the edges of what is valid, each accepted with its slot count. */
static void test_accepts_edge_encodings(void **state)
{
	static const struct refusal ok[] = {
		{ { INSN(0x7b, 10, 10, -8, 0) }, 1, "stx through and of r10" },
		{ { INSN(0x62, 10, 0, -4, 7) }, 1, "st through r10" },
		{ { INSN(0xdb, 10, 1, -8, 0xf1) }, 1, "cmpxchg on the stack" },
		{ { INSN(0xdb, 10, 10, -8, 0x00) }, 1, "non-fetching atomic reads r10 only" },
		{ { INSN(0x1d, 10, 10, 0, 0) }, 1, "r10 compared" },
		{ { INSN(0x8d, 10, 0, 0, 0) }, 1, "callx register read" },
		{ { INSN(0x50, 0, 10, 0, 4) }, 1, "ldindb" },
		{ { INSN(0x18, 9, 6, 0, 3), INSN(0, 0, 0, 0, 12) }, 2, "map_idx_value" },
		{ { INSN(0x18, 9, 3, 0, 3), INSN(0, 0, 0, 0, 12) }, 2, "btf_id with btf fd" },
		{ { INSN(0x06, 0, 0, 0, -70000) }, 1, "ja32 beyond 16 bits" },
		{ { INSN(0x3c, 1, 2, 1, 0) }, 1, "sdiv32" },
		{ { INSN(0x97, 1, 0, 1, -3) }, 1, "smod imm" },
		{ { INSN(0xd3, 0, 10, -1, 0x100) }, 1, "load-acquire of a byte from r10" },
		{ { INSN(0xcb, 9, 1, 2, 0x100) }, 1, "load-acquire of a half word" },
		{ { INSN(0xdb, 1, 1, 0, 0x100) }, 1, "load-acquire into its own base" },
		{ { INSN(0xd3, 10, 10, -1, 0x110) }, 1, "store-release of r10 through r10" },
		{ { INSN(0xcb, 1, 2, 0, 0x110) }, 1, "store-release of a half word" },
	};

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		const char *why = NULL;
		int ret = isa_check_insn(ok[i].insn, ok[i].count, 0, &why);

		if (ret != (int)ok[i].count)
			fail_msg("%s: got %d (%s)", ok[i].why, ret, why ? why : "");
	}
	/* Load-acquire writes r10 through its dst, store-release never writes a register. */
	assert_true(isa_insn_writes_fp(&(struct ebpf_inst)INSN(0xdb, 10, 1, 0, 0x100)));
	assert_false(isa_insn_writes_fp(&(struct ebpf_inst)INSN(0xdb, 1, 10, 0, 0x100)));
	assert_false(isa_insn_writes_fp(&(struct ebpf_inst)INSN(0xdb, 10, 10, 0, 0x110)));
	assert_int_equal(
	    isa_check_insn_fp_writes(&(struct ebpf_inst)INSN(0xdb, 10, 1, 0, 0x100), 1, 0, NULL),
	    1);
	/* NULL why and an out-of-range index are handled. */
	assert_int_equal(isa_check_insn(ok[0].insn, 1, 1, NULL), -EINVAL);
	assert_int_equal(isa_check_insn(NULL, 0, 0, NULL), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accepts_every_conformance_instruction),
		cmocka_unit_test(test_refuses_bad_encodings),
		cmocka_unit_test(test_accepts_edge_encodings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
