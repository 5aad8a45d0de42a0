// SPDX-License-Identifier: MIT
/*
 * Fuzz target: the assembler on arbitrary text. When the text assembles, every instruction is
 * disassembled in the assembler's own syntax and assembled again: the round trip must give the
 * same instructions, or one of the two is wrong.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isa/isa.h"

#define FUZZ_ASM_MAX_TEXT 65536

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The program in the assembler's syntax, one instruction a line, or NULL. */
static char *disassemble_all(const struct ebpf_inst *insns, size_t count)
{
	size_t cap = count * 64 + 1, len = 0;
	char *text = malloc(cap);

	if (!text)
		return NULL;
	text[0] = '\0';
	for (size_t i = 0; i < count;) {
		int n = isa_disasm(insns, count, i, EBPF_DISASM_ASM, text + len, cap - len - 1);

		if (n <= 0) {
			fprintf(stderr,
				"FINDING: the assembler produced insn %zu, which the "
				"disassembler refuses: %s\n",
				i, text + len);
			abort();
		}
		len += strlen(text + len);
		text[len++] = '\n';
		text[len] = '\0';
		i += (size_t)n;
	}
	return text;
}

static void check_round_trip(const struct ebpf_inst *insns, size_t count)
{
	struct ebpf_inst *again = NULL;
	size_t again_count = 0;
	char err[256];
	char *text = disassemble_all(insns, count);

	if (!text)
		return;
	if (isa_assemble(text, &again, &again_count, err, sizeof(err))) {
		fprintf(stderr, "FINDING: the disassembly does not assemble again (%s):\n%s", err,
			text);
		abort();
	}
	if (again_count != count || memcmp(again, insns, count * sizeof(*insns))) {
		fprintf(stderr,
			"FINDING: assemble -> disassemble -> assemble changes the "
			"program:\n%s",
			text);
		abort();
	}
	free(again);
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ebpf_inst *insns = NULL;
	size_t count = 0;
	char err[256];
	char *text;

	if (size > FUZZ_ASM_MAX_TEXT)
		return 0;
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (!isa_assemble(text, &insns, &count, err, sizeof(err))) {
		check_round_trip(insns, count);
		free(insns);
	}
	free(text);
	return 0;
}
