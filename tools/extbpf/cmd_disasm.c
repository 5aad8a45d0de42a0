// SPDX-License-Identifier: MIT
/* extbpf disasm: raw 8-byte instructions -> text, in the kernel's C-like style or as assembly. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <extbpf/extbpf.h>

#include "cli.h"

static void disasm_usage(FILE *out)
{
	fprintf(
	    out,
	    "usage: extbpf disasm FILE [--style c|asm]\n"
	    "\n"
	    "Disassembles a raw program (8-byte little-endian instructions, as 'extbpf asm'\n"
	    "writes them), one line per instruction: index, bytes, text.\n"
	    "  --style c    the Linux/bpftool syntax: r0 = *(u32 *)(r1 + 4) (default)\n"
	    "  --style asm  the conformance-suite syntax that 'extbpf asm' reads: ldxw %%r0, "
	    "[%%r1+4]\n"
	    "Exit codes: 0 success, 2 bad arguments, an unreadable file or invalid instructions\n"
	    "(every line is still printed, the invalid ones described).\n");
}

static void decode(const uint8_t in[8], struct ebpf_inst *insn)
{
	insn->code = in[0];
	insn->dst_reg = in[1] & 0xf;
	insn->src_reg = in[1] >> 4;
	insn->off = (int16_t)(uint16_t)(in[2] | in[3] << 8);
	insn->imm = (int32_t)((uint32_t)in[4] | (uint32_t)in[5] << 8 | (uint32_t)in[6] << 16 |
			      (uint32_t)in[7] << 24);
}

/* "   0: b7 00 00 00 01 00 00 00  r0 = 1"; text NULL for the second slot of lddw. */
static void print_line(size_t index, const uint8_t bytes[8], const char *text)
{
	printf("%4zu:", index);
	for (int i = 0; i < 8; i++)
		printf(" %02x", bytes[i]);
	if (text)
		printf("  %s", text);
	putchar('\n');
}

/* Prints every instruction; returns the number of invalid ones. */
static size_t print_program(const uint8_t *bytes, const struct ebpf_inst *insns, size_t count,
			    enum ebpf_disasm_style style)
{
	size_t invalid = 0;

	for (size_t i = 0; i < count;) {
		char text[256];
		int slots = ebpf_disassemble(insns, count, i, style, text, sizeof(text));

		print_line(i, bytes + 8 * i, text);
		if (slots < 0) {
			invalid++;
			i++;
			continue;
		}
		for (int s = 1; s < slots; s++)
			print_line(i + s, bytes + 8 * (i + s), NULL);
		i += (size_t)slots;
	}
	return invalid;
}

static int parse_style(const char *arg, enum ebpf_disasm_style *style)
{
	if (!strcmp(arg, "c"))
		*style = EBPF_DISASM_C;
	else if (!strcmp(arg, "asm"))
		*style = EBPF_DISASM_ASM;
	else
		return -EINVAL;
	return 0;
}

static int disasm_file(const char *path, enum ebpf_disasm_style style)
{
	struct ebpf_inst *insns = NULL;
	size_t size, count, invalid;
	void *data = NULL;
	int err, ret = EXIT_USAGE;

	err = cli_read_file(path, &data, &size);
	if (err) {
		cli_error("disasm", "%s: %s", path, strerror(-err));
		return EXIT_USAGE;
	}
	if (size >= 4 && !memcmp(data,
				 "\x7f"
				 "ELF",
				 4)) {
		cli_error("disasm", "%s: ELF objects are disassembled once the loader is in", path);
		goto out;
	}
	if (!size || size % 8) {
		cli_error("disasm", "%s: %zu bytes are not a whole number of 8-byte instructions",
			  path, size);
		goto out;
	}
	count = size / 8;
	insns = calloc(count, sizeof(*insns));
	if (!insns) {
		cli_error("disasm", "%s: out of memory", path);
		goto out;
	}
	for (size_t i = 0; i < count; i++)
		decode((const uint8_t *)data + 8 * i, &insns[i]);
	invalid = print_program(data, insns, count, style);
	if (invalid) {
		cli_error("disasm", "%s: %zu invalid instruction%s", path, invalid,
			  invalid == 1 ? "" : "s");
		goto out;
	}
	ret = EXIT_OK;
out:
	free(insns);
	free(data);
	return ret;
}

static int disasm_run(int argc, char **argv)
{
	enum ebpf_disasm_style style = EBPF_DISASM_C;
	const char *path = NULL, *value;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--style") || !strncmp(argv[i], "--style=", 8)) {
			value = argv[i][7] == '=' ? argv[i] + 8 : (i + 1 < argc ? argv[++i] : NULL);
			if (!value)
				return cli_usage_error(&cli_verb_disasm, "--style needs c or asm");
			if (parse_style(value, &style))
				return cli_usage_error(&cli_verb_disasm,
						       "unknown style '%s' (c or asm)", value);
		} else if (argv[i][0] == '-' && argv[i][1]) {
			return cli_usage_error(&cli_verb_disasm, "unknown option '%s'", argv[i]);
		} else if (path) {
			return cli_usage_error(&cli_verb_disasm, "one file only ('%s')", argv[i]);
		} else {
			path = argv[i];
		}
	}
	if (!path)
		return cli_usage_error(&cli_verb_disasm, "no input file");
	return disasm_file(path, style);
}

const struct cli_verb cli_verb_disasm = {
	.name = "disasm",
	.summary = "disassemble raw instructions (C-like or assembly syntax)",
	.run = disasm_run,
	.usage = disasm_usage,
};
