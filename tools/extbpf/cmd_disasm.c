// SPDX-License-Identifier: MIT
/*
 * extbpf disasm: raw 8-byte instructions, or the programs of an ELF object, -> text in the
 * kernel's C-like style or as assembly. An object's programs are read without being verified
 * (ebpf_object_disassemble), so that a refused program can be read, with its source lines.
 */
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
	    "usage: extbpf disasm FILE [--style c|asm] [--section S] [-j]\n"
	    "       extbpf disasm FILE.o --jited [--section S] [--ext PATH]...\n"
	    "\n"
	    "Disassembles a raw program (8-byte little-endian instructions, as 'extbpf asm'\n"
	    "writes them) or the programs of an ELF object (FILE.o, or only the one in section\n"
	    "or function S), one line per instruction: index, bytes, text. An object's source\n"
	    "lines (from BTF line info, clang -g) are shown as '; ...' comments before the\n"
	    "instructions they compiled to, and map references name the map. The programs are\n"
	    "not verified: a program the verifier refuses can be read.\n"
	    "  --style c    the Linux/bpftool syntax: r0 = *(u32 *)(r1 + 4) (default)\n"
	    "  --style asm  the conformance-suite syntax that 'extbpf asm' reads: ldxw %%r0, "
	    "[%%r1+4]\n"
	    "  --section S  only the program in section S or function S (objects only)\n"
	    "  -j, --json   JSON output: programs, and per instruction its index, bytes, text\n"
	    "               and source line\n"
	    "  --jited      verify and JIT-compile the object's programs, then show each\n"
	    "               instruction followed by the x86-64 code it became\n"
	    "  --ext PATH   with --jited: also load this extension (repeatable)\n"
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

/* The wire format of one instruction, whatever the host's byte order. */
static void encode(const struct ebpf_inst *insn, uint8_t out[8])
{
	out[0] = insn->code;
	out[1] = (uint8_t)(insn->dst_reg | insn->src_reg << 4);
	out[2] = (uint8_t)((uint16_t)insn->off);
	out[3] = (uint8_t)((uint16_t)insn->off >> 8);
	for (int i = 0; i < 4; i++)
		out[4 + i] = (uint8_t)((uint32_t)insn->imm >> (8 * i));
}

/* "   0: b7 00 00 00 01 00 00 00  r0 = 1"; text NULL for the second slot of lddw. */
static void print_line(size_t index, const uint8_t bytes[8], const char *text, const char *map)
{
	printf("%4zu:", index);
	for (int i = 0; i < 8; i++)
		printf(" %02x", bytes[i]);
	if (text)
		printf("  %s", text);
	if (map)
		printf("  ; map '%s'", map);
	putchar('\n');
}

/* One instruction in JSON: index, bytes of every slot, text, map, source line. */
static void print_json_insn(size_t index, const uint8_t *bytes, int slots, const char *text,
			    const char *map, const char *source, bool first)
{
	printf("%s\n      {\"index\": %zu, \"bytes\": ", first ? "" : ",", index);
	cli_json_bytes(stdout, bytes, 8 * (size_t)slots);
	printf(", \"text\": ");
	cli_json_string(stdout, text);
	if (map) {
		printf(", \"map\": ");
		cli_json_string(stdout, map);
	}
	if (source) {
		printf(", \"source\": ");
		cli_json_string(stdout, source);
	}
	putchar('}');
}

/* Prints every instruction; returns the number of invalid ones. */
static size_t print_program(const uint8_t *bytes, const struct ebpf_inst *insns, size_t count,
			    enum ebpf_disasm_style style, bool json)
{
	size_t invalid = 0;

	if (json)
		printf("{\"insns\": [");
	for (size_t i = 0; i < count;) {
		char text[256];
		int slots = ebpf_disassemble(insns, count, i, style, text, sizeof(text));

		if (slots < 0)
			invalid++;
		if (json)
			print_json_insn(i, bytes + 8 * i, slots < 0 ? 1 : slots, text, NULL, NULL,
					i == 0);
		else
			print_line(i, bytes + 8 * i, text, NULL);
		if (slots < 0) {
			i++;
			continue;
		}
		for (int s = 1; s < slots && !json; s++)
			print_line(i + s, bytes + 8 * (i + s), NULL, NULL);
		i += (size_t)slots;
	}
	if (json)
		printf("\n]}\n");
	return invalid;
}

/* ---- ELF objects ------------------------------------------------------------------------- */

struct object_disasm {
	bool json;
	bool any; /* a program was printed */
	size_t invalid;
	/* The source line shown last: clang gives one statement several line-info entries. */
	const char *file;
	uint32_t line;
};

static void program_header(struct object_disasm *d, const struct ebpf_disasm_line *l)
{
	if (!d->json) {
		printf("%ssection '%s' prog '%s' (%zu insns):\n", d->any ? "\n" : "", l->section,
		       l->program, l->count);
	} else {
		printf("%s\n  {\"section\": ", d->any ? "\n    ]}," : "");
		cli_json_string(stdout, l->section);
		printf(", \"name\": ");
		cli_json_string(stdout, l->program);
		printf(", \"insn_count\": %zu, \"insns\": [", l->count);
	}
	d->any = true;
}

static int object_line(const struct ebpf_disasm_line *l, void *arg)
{
	struct object_disasm *d = arg;
	uint8_t bytes[16];

	if (l->index == 0) {
		program_header(d, l);
		d->file = NULL;
		d->line = 0;
	}
	for (int s = 0; s < l->slots; s++)
		encode(&l->insn[s], bytes + 8 * s);
	d->invalid += l->invalid;
	if (d->json) {
		print_json_insn(l->index, bytes, l->slots, l->text, l->map, l->source,
				l->index == 0);
		return 0;
	}
	if (l->source && (l->line != d->line || !d->file || !l->file || strcmp(l->file, d->file)))
		printf("; %s\n", l->source);
	if (l->source) {
		d->file = l->file;
		d->line = l->line;
	}
	print_line(l->index, bytes, l->text, l->map);
	if (l->slots == 2)
		print_line(l->index + 1, bytes + 8, NULL, NULL);
	return 0;
}

static int disasm_object(const char *path, const char *section, enum ebpf_disasm_style style,
			 bool json)
{
	struct object_disasm d = { .json = json };
	int err;

	if (json)
		printf("[");
	err = ebpf_object_disassemble(path, section, style, object_line, &d);
	if (json)
		printf("%s]\n", d.any ? "\n    ]}\n" : "");
	if (err) {
		cli_error("disasm", "%s", ebpf_last_error());
		return EXIT_USAGE;
	}
	if (d.invalid) {
		cli_error("disasm", "%s: %zu invalid instruction%s", path, d.invalid,
			  d.invalid == 1 ? "" : "s");
		return EXIT_USAGE;
	}
	return EXIT_OK;
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

static bool is_elf(const void *data, size_t size)
{
	return size >= 4 && !memcmp(data,
				    "\x7f"
				    "ELF",
				    4);
}

static int disasm_file(const char *path, const char *section, enum ebpf_disasm_style style,
		       bool json)
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
	if (is_elf(data, size)) {
		free(data);
		return disasm_object(path, section, style, json);
	}
	if (section) {
		cli_error("disasm", "%s: --section is for ELF objects; this is raw instructions",
			  path);
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
	invalid = print_program(data, insns, count, style, json);
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

/* "--name VALUE" or "--name=VALUE" at argv[*i]: the value (advancing *i), or NULL. */
static const char *option_value(int argc, char **argv, int *i, const char *name, bool *matched)
{
	size_t len = strlen(name);

	*matched = false;
	if (strncmp(argv[*i], name, len) || (argv[*i][len] && argv[*i][len] != '='))
		return NULL;
	*matched = true;
	if (argv[*i][len] == '=')
		return argv[*i] + len + 1;
	return *i + 1 < argc ? argv[++*i] : NULL;
}

static const char *const disasm_options[] = { "style", "section", "json", "jited", "ext", NULL };

static int disasm_run(int argc, char **argv)
{
	enum ebpf_disasm_style style = EBPF_DISASM_C;
	const char *path = NULL, *section = NULL, *value;
	bool json = false, jited = false, matched;
	struct cli_object_args jit_args = { 0 };

	for (int i = 1; i < argc; i++) {
		if ((value = option_value(argc, argv, &i, "--style", &matched)) || matched) {
			if (!value)
				return cli_usage_error(&cli_verb_disasm, "--style needs c or asm");
			if (parse_style(value, &style))
				return cli_usage_error(&cli_verb_disasm,
						       "unknown style '%s' (c or asm)", value);
		} else if ((value = option_value(argc, argv, &i, "--section", &matched)) ||
			   matched) {
			if (!value)
				return cli_usage_error(&cli_verb_disasm, "--section needs a name");
			section = value;
		} else if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json")) {
			json = true;
		} else if (!strcmp(argv[i], "--jited")) {
			jited = true;
		} else if ((value = option_value(argc, argv, &i, "--ext", &matched)) || matched) {
			if (!value || jit_args.ext_count == CLI_MAX_EXT)
				return cli_usage_error(&cli_verb_disasm,
						       "--ext needs a path (at most %d)",
						       CLI_MAX_EXT);
			jit_args.ext[jit_args.ext_count++] = value;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			return cli_unknown_option(&cli_verb_disasm, argv[i], disasm_options);
		} else if (path) {
			return cli_usage_error(&cli_verb_disasm, "one file only ('%s')", argv[i]);
		} else {
			path = argv[i];
		}
	}
	if (!path)
		return cli_usage_error(&cli_verb_disasm, "no input file");
	if (jit_args.ext_count && !jited)
		return cli_usage_error(&cli_verb_disasm, "--ext goes with --jited");
	if (jited) {
		if (json)
			return cli_usage_error(&cli_verb_disasm, "--jited has no JSON form");
		jit_args.path = path;
		jit_args.section = section;
		return cli_disasm_jited(&jit_args);
	}
	return disasm_file(path, section, style, json);
}

const struct cli_verb cli_verb_disasm = {
	.name = "disasm",
	.summary = "disassemble raw instructions or an object's programs, with source lines",
	.run = disasm_run,
	.usage = disasm_usage,
};
