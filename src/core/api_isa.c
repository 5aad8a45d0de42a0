// SPDX-License-Identifier: MIT
/* The public assembler and disassembler: thin wrappers over the isa module. */
#include <errno.h>
#include <stdio.h>

#include "core/error.h"
#include "isa/isa.h"

int ebpf_assemble(const char *text, struct ebpf_inst **insns, size_t *count)
{
	char err[256];
	int ret;

	core_error_clear();
	if (!text || !insns || !count)
		return core_error(-EINVAL, "ebpf_assemble: text, insns and count must not be NULL");
	ret = isa_assemble(text, insns, count, err, sizeof(err));
	if (ret)
		return core_error(ret, "%s", err);
	return 0;
}

int ebpf_disassemble(const struct ebpf_inst *insns, size_t count, size_t index,
		     enum ebpf_disasm_style style, char *buf, size_t size)
{
	int ret;

	core_error_clear();
	if (!insns || !buf || !size)
		return core_error(-EINVAL, "ebpf_disassemble: insns and buf must not be NULL");
	ret = isa_disasm(insns, count, index, style, buf, size);
	if (ret < 0)
		return core_error(ret, "instruction %zu: %s", index, buf);
	return ret;
}
