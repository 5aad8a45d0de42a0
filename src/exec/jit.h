/* SPDX-License-Identifier: MIT */
/* The x86-64 JIT: a validated program -> machine code in memory that is never writable and
 * executable at once. */
#ifndef EXTBPF_EXEC_JIT_H
#define EXTBPF_EXEC_JIT_H

#include "exec/exec_internal.h"

/* True on machines the JIT generates code for. */
bool jit_available(void);

/* Compiles program->insns (already validated by interp_prepare) and hangs the code on
 * program->engine_data; program->helpers.blind_constants asks for constant blinding. */
int jit_compile(struct exec_program *program, char *err, size_t err_size);
void jit_free(struct exec_program *program);

/* The generated code: r1 in rdi, r2 in rsi, r0 returned. */
typedef uint64_t (*jit_entry_fn)(uint64_t r1, uint64_t r2);
jit_entry_fn jit_entry(const struct exec_program *program);

/* The machine code, for `extbpf disasm --jited`; offsets[i] is where instruction i starts. */
const uint8_t *jit_code(const struct exec_program *program, size_t *size,
			const uint32_t **offsets);

#endif /* EXTBPF_EXEC_JIT_H */
