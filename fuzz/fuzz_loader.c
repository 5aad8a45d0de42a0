// SPDX-License-Identifier: MIT
/*
 * Fuzz target: the ELF loader on arbitrary bytes. Anything but a clean error or a complete
 * object (crash, leak, sanitizer report) is a finding; a loaded object's instructions must also
 * be ones the disassembler can walk without reading past them.
 */
#include <stddef.h>
#include <stdint.h>

#include "isa/isa.h"
#include "loader/loader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void walk_program(const struct loader_program *prog)
{
	char line[128];

	for (size_t i = 0; i < prog->insn_count;) {
		int n =
		    isa_disasm(prog->insns, prog->insn_count, i, EBPF_DISASM_C, line, sizeof(line));

		i += n > 0 ? (size_t)n : 1;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct loader_object *obj = NULL;
	char err[512];

	if (loader_open_mem(data, size, "fuzz.o", &obj, err, sizeof(err)))
		return 0;
	for (size_t i = 0; i < obj->program_count; i++)
		walk_program(&obj->programs[i]);
	loader_object_free(obj);
	return 0;
}
