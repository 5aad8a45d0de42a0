/* SPDX-License-Identifier: MIT */
/* The x86-64 JIT: a validated program -> machine code in memory that is never writable and
 * executable at once. */
#ifndef EXTBPF_EXEC_JIT_H
#define EXTBPF_EXEC_JIT_H

#include "exec/exec_internal.h"

/* True on machines the JIT generates code for. */
bool jit_available(void);

/* Compiles program->insns (already validated by interp_prepare), hangs the code on
 * program->engine_data and sets program->jit_entry; program->helpers.blind_constants asks for
 * constant blinding. */
int jit_compile(struct exec_program *program, char *err, size_t err_size);
void jit_free(struct exec_program *program);

/* The machine code, for `extbpf disasm --jited`; offsets[i] is where instruction i starts. */
const uint8_t *jit_code(const struct exec_program *program, size_t *size,
			const uint32_t **offsets);

#endif /* EXTBPF_EXEC_JIT_H */
