// SPDX-License-Identifier: MIT
/*
 * extbpf disasm --jited: the x86-64 code the JIT made for each program of an object, every eBPF
 * instruction followed by the machine instructions it became (decoded by capstone). The programs
 * are verified and prepared as for a run: only verified programs have machine code.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#ifdef EXTBPF_HAVE_CAPSTONE
#include <capstone/capstone.h>
#endif

#include "cli.h"

#ifdef EXTBPF_HAVE_CAPSTONE
static void print_machine_code(csh cs, const uint8_t *code, uint32_t start, uint32_t end)
{
	cs_insn *insn;
	size_t n = cs_disasm(cs, code + start, end - start, (uint64_t)start, 0, &insn);

	for (size_t i = 0; i < n; i++)
		printf("        %5" PRIx64 ":  %-8s %s\n", insn[i].address, insn[i].mnemonic,
		       insn[i].op_str);
	if (n)
		cs_free(insn, n);
}
#else
/* Without capstone: the bytes, still split per eBPF instruction. */
static void print_machine_code(int cs, const uint8_t *code, uint32_t start, uint32_t end)
{
	printf("        %5x: ", start);
	for (uint32_t i = start; i < end; i++)
		printf(" %02x", code[i]);
	printf("\n");
}
#endif

static int print_program(const struct ebpf_program *prog)
{
	const uint32_t *offsets;
	const uint8_t *code;
	const struct ebpf_inst *insns;
	size_t size, count;
	int cs = 0;

	if (ebpf_program_jited(prog, &code, &size, &offsets)) {
		cli_error("disasm", "%s", ebpf_last_error());
		return EXIT_REFUSED;
	}
#ifdef EXTBPF_HAVE_CAPSTONE
	csh handle;

	if (cs_open(CS_ARCH_X86, CS_MODE_64, &handle) != CS_ERR_OK) {
		cli_error("disasm", "capstone cannot decode x86-64 here");
		return EXIT_REFUSED;
	}
#define CS_HANDLE handle
#else
#define CS_HANDLE cs
#endif
	insns = ebpf_program_insns(prog, &count);
	printf("section '%s' prog '%s': %zu bytes of x86-64 for %zu instructions\n",
	       ebpf_program_section(prog), ebpf_program_name(prog), size, count);
	for (size_t i = 0; i < count; i++) {
		char text[128];
		int slots = ebpf_disassemble(insns, count, i, EBPF_DISASM_C, text, sizeof(text));

		printf("%5zu: %s\n", i, text);
		print_machine_code(CS_HANDLE, code, offsets[i], offsets[i + 1]);
		if (slots == 2)
			i++;
	}
	/* The code after the last instruction's (nothing today; kept honest if that changes). */
	if (offsets[count] < size)
		print_machine_code(CS_HANDLE, code, offsets[count], (uint32_t)size);
#ifdef EXTBPF_HAVE_CAPSTONE
	cs_close(&handle);
#endif
	(void)cs;
	return EXIT_OK;
}

int cli_disasm_jited(struct cli_object_args *a)
{
	struct ebpf_object *obj = NULL;
	int ret;

	a->mode = EBPF_MODE_JIT;
	ret = cli_load_extensions("disasm", a);
	if (!ret)
		ret = cli_open_object("disasm", a, false, &obj);
	for (const struct ebpf_program *p = obj ? ebpf_object_next_program(obj, NULL) : NULL;
	     p && !ret; p = ebpf_object_next_program(obj, p))
		ret = print_program(p);
	if (obj)
		ebpf_object_close(obj);
	return ret;
}
