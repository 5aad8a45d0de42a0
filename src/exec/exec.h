/* SPDX-License-Identifier: MIT */
/*
 * The execution engines behind one interface: a program is prepared once from relocated
 * instructions (lddw map/global-data addresses already patched in as plain 64-bit immediates,
 * local calls as relative offsets) and then invoked with r1 = ctx any number of times, from any
 * number of threads at once.
 *
 * The fast modes (interpreter, JIT, native) trust the verifier: they check nothing at run time.
 * The interpreter's checked mode bounds-checks every memory access and control transfer
 * against the regions it was given; it is the oracle of the fuzzers.
 */
#ifndef EXTBPF_EXEC_H
#define EXTBPF_EXEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <extbpf/extbpf.h>

struct exec_program;

/* How a tail call finds its target: the program array's entry at index, or NULL. */
typedef const struct exec_program *(*exec_tail_call_fn)(void *prog_array, uint32_t index);

/*
 * bpf_for_each_map_elem (Linux's helper 164): the engine calls the callback (a function of the
 * running program) itself, once per element of a walk the core performs. The walk's state lives
 * with the engine for the duration of the call: the engine sets map, fn and ctx and zeroes the
 * rest, then calls exec_map_walk_fn until it returns NULL. Each call hands out one element: its
 * value (returned) and a copy of its key in key[], the callback's to read until the next call.
 */
#define EXEC_HELPER_FOR_EACH_MAP_ELEM 164
#define EXEC_MAP_WALK_KEY_MAX	      512 /* Linux's largest key, MAX_BPF_STACK */
struct exec_map_walk {
	/* Set by the engine; the offsets of these four are the JIT's (it reads them). */
	void *map;
	uint64_t fn;	  /* the callback: an address in the running program's code */
	uint64_t ctx;	  /* its 4th argument */
	uint64_t visited; /* elements handed out so far: the helper's result */
	/* The walker's own (zero at the start). */
	uint32_t steps;
	uint32_t state;
	uint64_t key[EXEC_MAP_WALK_KEY_MAX / 8];
	uint64_t next[EXEC_MAP_WALK_KEY_MAX / 8];
};
typedef void *(*exec_map_walk_fn)(struct exec_map_walk *walk);

/*
 * Everything a program can call, resolved once at prepare time. global[id] for ids below
 * global_count (Linux's ids), type[id - EBPF_PROGRAM_TYPE_HELPER_ID_BASE] for the program
 * type's helpers. A NULL entry is an unknown helper (refused at prepare).
 */
struct exec_helpers {
	const ebpf_helper_fn *global;
	uint32_t global_count;
	const ebpf_helper_fn *type;
	uint32_t type_count;
	/* Functions called by name: kfunc[imm] for a call with src_reg EBPF_CALL_KFUNC. */
	const ebpf_helper_fn *kfunc;
	uint32_t kfunc_count;
	/* Parallel to the instructions (NULL: none): ctx_calls[i] when instruction i calls a
	 * helper or kfunc flagged EBPF_HELPER_IMPLICIT_CTX, which gets the program's context (r1
	 * at entry) as a sixth argument. Must stay valid while the program exists. */
	const bool *ctx_calls;
	/* Tail calls (helper 12): the engine replaces the running program itself. */
	exec_tail_call_fn tail_call;
	/* bpf_for_each_map_elem's walk; NULL: the helper is unknown (refused at prepare). */
	exec_map_walk_fn map_walk;
	/* When set, helper EBPF_CONFORMANCE_UNWIND_HELPER has the conformance suite's semantics:
	 * it returns its first argument and, when that is 0, ends the program with r0 = 0. */
	bool conformance_unwind;
	/* JIT: hide immediates behind random keys (hosts running programs from untrusted users). */
	bool blind_constants;
};

enum exec_engine {
	EXEC_INTERP,
	EXEC_JIT,
	EXEC_NATIVE,
};

/* A region of memory the checked mode lets a program access. */
struct exec_region {
	uint64_t start;
	uint64_t size;
	bool writable;
};

/* Checked-mode options; everything the program may touch besides its own stack. */
struct exec_checked_opts {
	const struct exec_region *regions;
	size_t region_count;
	/* Asked about accesses outside `regions` (e.g. map values returned by helpers). */
	bool (*is_accessible)(void *arg, uint64_t addr, uint64_t size, bool write);
	void *is_accessible_arg;
	uint64_t max_insns; /* 0: no limit; otherwise a run that executes more fails */
};

/*
 * Prepares a program. insns must stay valid and unchanged while the program exists (engines may
 * refer to them). Returns 0 or a negative errno with a message in err (may be NULL).
 * -EOPNOTSUPP when the engine is not available (no JIT on this machine).
 */
int exec_program_create(const struct ebpf_inst *insns, size_t count, enum exec_engine engine,
			const struct exec_helpers *helpers, struct exec_program **program,
			char *err, size_t err_size);
/*
 * A program compiled ahead of time (native mode, `extbpf compile`): instead of compiling insns,
 * the engine binds the function `symbol` of the shared object at so_path, whose map and global
 * data relocations resolve through maps[] (map addresses) and values[] (global data addresses),
 * count entries each. insns are the relocated instructions, kept for checked runs and inspection.
 */
struct exec_native_binding {
	const char *so_path;
	const char *symbol;
	void *const *maps;
	const uint64_t *values;
	size_t count;
};
int exec_program_create_bound(const struct ebpf_inst *insns, size_t count,
			      const struct exec_helpers *helpers,
			      const struct exec_native_binding *binding,
			      struct exec_program **program, char *err, size_t err_size);
void exec_program_destroy(struct exec_program *program);
/*
 * Points the program at other helper tables (an extension loaded again: same ids and names, new
 * addresses): the global, type and kfunc tables of `tables` (its other fields are ignored), and
 * resolves every call again. Only while no thread runs the program; on failure the program
 * must not run again (only be destroyed).
 */
int exec_program_set_helpers(struct exec_program *program, const struct exec_helpers *tables,
			     char *err, size_t err_size);
enum exec_engine exec_program_engine(const struct exec_program *program);
/* Whether instruction i of a program with these helpers passes the context implicitly. */
bool exec_call_takes_ctx(const struct exec_helpers *helpers, size_t i);
/* A JIT program's machine code and the offset of each instruction's code (count + 1). */
const uint8_t *exec_program_jited(const struct exec_program *program, size_t *size,
				  const uint32_t **offsets);

/* Runs the program with r1 = r1, r2 = r2 (r2 is the memory length in the conformance suite)
 * and returns r0. No checks: the program must have been verified. (The interpreter still ends
 * a run with r0 = 0 where going on would break the interpreter itself: a local call beyond
 * EBPF_MAX_CALL_DEPTH frames, a callx to an id with no helper.) */
uint64_t exec_program_run(const struct exec_program *program, uint64_t r1, uint64_t r2);

/* Runs in the interpreter's checked mode. Returns 0 and r0 in *r0, or -EFAULT (out-of-bounds
 * access), -EINVAL (bad instruction or jump), -E2BIG (max_insns reached), -ELOOP (call depth)
 * with a message naming the instruction in err. */
int exec_program_run_checked(const struct exec_program *program, uint64_t r1, uint64_t r2,
			     const struct exec_checked_opts *opts, uint64_t *r0, char *err,
			     size_t err_size);

#endif /* EXTBPF_EXEC_H */
