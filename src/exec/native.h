/* SPDX-License-Identifier: MIT */
/*
 * Native mode: eBPF translated to C, compiled by the system C compiler into a shared object
 * (eBPF for Windows' bpf2c). One C function per program and per subprogram, the registers as
 * locals, helpers, maps and global data reached through tables the runtime fills at load, so the
 * same object serves any process.
 */
#ifndef EXTBPF_EXEC_NATIVE_H
#define EXTBPF_EXEC_NATIVE_H

#include <stdio.h>

#include "exec/exec_internal.h"

/*
 * What generated code sees of the runtime (its C declaration is emitted into every translation
 * by native_write_prelude, so the two cannot drift apart: bump NATIVE_ABI_VERSION on change).
 */
#define NATIVE_ABI_VERSION 2

struct native_state;
struct native_env {
	const ebpf_helper_fn *global; /* by helper id */
	uint32_t global_count;
	const ebpf_helper_fn *type; /* by id - EBPF_PROGRAM_TYPE_HELPER_ID_BASE */
	uint32_t type_count;
	/* lddw relocations: EBPF_PSEUDO_MAP_IDX -> maps[imm], EBPF_PSEUDO_MAP_IDX_VALUE ->
	 * values[imm] + offset. */
	void *const *maps;
	const uint64_t *values;
	/* Runs the tail call's target in frame `depth` (or returns 0 when it fails, with the
	 * error in *r0: exec_tail_call_error). */
	int (*tail_call)(const struct native_env *env, struct native_state *state, uint32_t depth,
			 uint64_t ctx, uint64_t map, uint64_t index, uint64_t *r0);
	/* callx: a helper by id at run time. */
	uint64_t (*callx)(const struct native_env *env, struct native_state *state, uint64_t id,
			  uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5);
	const void *runtime; /* the exec program behind this env */
	/* Appended (older images never read it): kfunc calls, kfunc[imm]. */
	const ebpf_helper_fn *kfunc;
	uint32_t kfunc_count;
	/* Appended likewise: bpf_for_each_map_elem, its callback called from frame depth + 1
	 * (prog_ctx: the program's context, handed down as every function gets it). */
	uint64_t (*for_each)(const struct native_env *env, struct native_state *state,
			     uint32_t depth, uint64_t map, uint64_t fn, uint64_t cb_ctx,
			     uint64_t flags, uint64_t prog_ctx);
};

/* A translated function (the entry or a subprogram) called from another: r1-r5, the frame,
 * the program's context (for helpers taking it implicitly). */
typedef uint64_t (*native_fn)(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5,
			      const struct native_env *env, struct native_state *state,
			      uint32_t depth, uint64_t prog_ctx);

/* Per invocation: shared by a program's frames and the programs it tail-calls. */
struct native_state {
	uint32_t tail_calls;
	uint32_t unwound; /* the conformance "unwind" helper ended the program */
	uint32_t depth;	  /* the frame a tail-called entry starts in */
};

/* native_entry_fn, the signature of a translated program's entry point: exec_internal.h. */

/*
 * What a shared object compiled ahead of time (`extbpf compile`) exports under
 * NATIVE_OBJECT_SYMBOL: its programs, each with the hash of the program type contract it was
 * verified against, and the ELF object it was compiled from (for its maps and global data).
 */
#define NATIVE_OBJECT_SYMBOL "extbpf_native_object"

struct native_program_entry {
	const char *name;
	const char *section;
	const char *type_name;
	uint64_t contract_hash;
	const char *symbol;
};

struct native_object_table {
	uint32_t abi_version; /* NATIVE_ABI_VERSION */
	uint32_t program_count;
	const struct native_program_entry *programs;
	const unsigned char *elf;
	uint64_t elf_size;
};

/* The declarations every translation starts with (including the two structures above). */
void native_write_prelude(FILE *out);

/* Writes s as a C string literal that only letters, digits, "_./-" and octal escapes make up:
 * the only form in which text from an object may reach generated C. */
void native_write_string(FILE *out, const char *s);

/*
 * Writes one program as C: an exported function `symbol` of type native_entry_fn plus a static
 * function per subprogram. insns may still hold EBPF_PSEUDO_MAP_IDX(_VALUE) lddw (resolved
 * through env) or plain immediates. From helpers (may be NULL) only conformance_unwind (helper
 * 5 gets the suite's semantics) and ctx_calls (the calls passing the context) are read.
 */
int native_translate(const struct ebpf_inst *insns, size_t count, const char *symbol,
		     const struct exec_helpers *helpers, FILE *out, char *err, size_t err_size);

/*
 * Compiles a C file into a shared object with the system compiler ($CC, or cc; -shared -fPIC),
 * translated from insn_count instructions in all. Compilation is bounded: -O2 up to
 * NATIVE_O2_MAX_INSNS instructions and -O1 beyond (the optimiser's time grows faster than the
 * function), and the compiler is killed after EXTBPF_NATIVE_CC_TIMEOUT seconds
 * (NATIVE_CC_TIMEOUT by default): -ETIMEDOUT with a message saying so.
 */
#define NATIVE_O2_MAX_INSNS 8192
#define NATIVE_CC_TIMEOUT   300
int native_cc(const char *c_path, const char *so_path, size_t insn_count, char *err,
	      size_t err_size);

/* Binds a program compiled ahead of time (see exec_program_create_bound). */
int native_bind(struct exec_program *program, const struct exec_native_binding *binding, char *err,
		size_t err_size);

/* The runtime engine: translate, compile and load one program (for EXEC_NATIVE). */
int native_compile(struct exec_program *program, char *err, size_t err_size);
void native_free(struct exec_program *program);
/* The helper tables of program->helpers changed: point the compiled code's env at them. */
void native_set_helpers(struct exec_program *program);

#endif /* EXTBPF_EXEC_NATIVE_H */
