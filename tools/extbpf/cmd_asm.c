// SPDX-License-Identifier: MIT
/* extbpf asm: conformance-suite assembly text -> raw 8-byte instructions. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <extbpf/extbpf.h>

#include "cli.h"

static void asm_usage(FILE *out)
{
	fprintf(out,
		"usage: extbpf asm FILE.s -o FILE.bin\n"
		"\n"
		"Assembles eBPF text in the conformance-suite syntax ('mov %%r0, 1',\n"
		"'ldxw %%r0, [%%r1+4]', 'jne %%r0, 2, label', labels, '#' comments) into raw\n"
		"little-endian instructions of 8 bytes each. '-o -' writes to standard output.\n"
		"Exit codes: 0 success, 1 the output could not be written, 2 bad arguments or\n"
		"bad input (the message names the line).\n");
}

/* The wire format: code, dst|src<<4, off and imm little-endian, whatever the host order. */
static void encode(const struct ebpf_inst *insn, uint8_t out[8])
{
	uint16_t off = (uint16_t)insn->off;
	uint32_t imm = (uint32_t)insn->imm;

	out[0] = insn->code;
	out[1] = (uint8_t)(insn->dst_reg | insn->src_reg << 4);
	out[2] = (uint8_t)off;
	out[3] = (uint8_t)(off >> 8);
	for (int i = 0; i < 4; i++)
		out[4 + i] = (uint8_t)(imm >> (8 * i));
}

static int write_program(const char *path, const struct ebpf_inst *insns, size_t count)
{
	bool to_stdout = !strcmp(path, "-");
	FILE *f = to_stdout ? stdout : fopen(path, "wb");
	int err = 0;

	if (!f)
		return -errno;
	for (size_t i = 0; i < count && !err; i++) {
		uint8_t bytes[8];

		encode(&insns[i], bytes);
		if (fwrite(bytes, sizeof(bytes), 1, f) != 1)
			err = -EIO;
	}
	if (fflush(f) && !err)
		err = -errno;
	if (!to_stdout && fclose(f) && !err)
		err = -errno;
	return err;
}

static int asm_run(int argc, char **argv)
{
	const char *in = NULL, *out = NULL;
	struct ebpf_inst *insns = NULL;
	size_t size, count;
	void *text = NULL;
	int err, ret = EXIT_USAGE;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-o")) {
			if (++i == argc)
				return cli_usage_error(&cli_verb_asm, "-o needs a file name");
			out = argv[i];
		} else if (argv[i][0] == '-' && argv[i][1]) {
			return cli_unknown_option(&cli_verb_asm, argv[i],
						  (const char *const[]){ "help", NULL });
		} else if (in) {
			return cli_usage_error(&cli_verb_asm, "one input file only ('%s')",
					       argv[i]);
		} else {
			in = argv[i];
		}
	}
	if (!in)
		return cli_usage_error(&cli_verb_asm, "no input file");
	if (!out)
		return cli_usage_error(&cli_verb_asm, "no output file (-o FILE.bin)");

	err = cli_read_file(in, &text, &size);
	if (err) {
		cli_error("asm", "%s: %s", in, strerror(-err));
		return EXIT_USAGE;
	}
	if (memchr(text, '\0', size)) {
		cli_error("asm", "%s: not a text file (it contains NUL bytes)", in);
		goto out;
	}
	if (ebpf_assemble(text, &insns, &count)) {
		cli_error("asm", "%s: %s", in, ebpf_last_error());
		goto out;
	}
	err = write_program(out, insns, count);
	if (err) {
		cli_error("asm", "%s: %s", out, strerror(-err));
		ret = EXIT_REFUSED;
		goto out;
	}
	ret = EXIT_OK;
out:
	free(insns);
	free(text);
	return ret;
}

const struct cli_verb cli_verb_asm = {
	.name = "asm",
	.summary = "assemble text (conformance-suite syntax) into raw instructions",
	.run = asm_run,
	.usage = asm_usage,
};
