/* SPDX-License-Identifier: MIT */
/*
 * The end-to-end tests' toolkit. A scenario opens objects of tests/progs with ebpf_object_open,
 * runs their programs through the sample extension and looks at the effects through the host's
 * map API. It runs once per execution mode; everything it observes is written to a transcript,
 * one line per observation, and the transcripts of the three modes must be identical.
 */
#ifndef EXTBPF_TESTS_E2E_H
#define EXTBPF_TESTS_E2E_H

#include <elf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <extbpf/extbpf.h>

#include "sample_ext.h"

/* One scenario in one execution mode. */
struct e2e {
	enum ebpf_exec_mode mode;
	const char *object; /* the object in use, for messages */
	char *transcript;
	size_t len, cap;
};

typedef void (*e2e_scenario_fn)(struct e2e *e);

const char *e2e_mode_name(enum ebpf_exec_mode mode);

/* Runs the scenario in the interpreter, the JIT and native mode, each with a fresh runtime and
 * the sample extension, and fails naming the mode and the first line where a transcript differs
 * from the interpreter's. With E2E_TRANSCRIPT set in the environment, prints the
 * interpreter's transcript. */
void e2e_differential(const char *scenario, e2e_scenario_fn fn);

/* Compares two transcripts: 0 when equal, else -1 with a message naming the scenario, the
 * other run's mode and the first observation that differs. */
int e2e_compare(const char *scenario, const struct e2e *ref, const struct e2e *other, char *msg,
		size_t size);

/* Appends one line to the transcript. */
void e2e_note(struct e2e *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Fails the test with the object and the mode in front of the message. */
#define e2e_fail(e, fmt, ...)                                                                      \
	fail_msg("%s [%s]: " fmt, (e)->object ? (e)->object : "-", e2e_mode_name((e)->mode),       \
		 ##__VA_ARGS__)

/* Notes `what = got` and fails unless got == want. */
void e2e_expect(struct e2e *e, const char *what, int64_t got, int64_t want);

/* Opens <build>/tests/progs/<name> in the scenario's mode (only: only_program, may be NULL) and
 * checks every program got that mode. */
struct ebpf_object *e2e_open(struct e2e *e, const char *name, const char *only);
struct ebpf_program *e2e_program(struct e2e *e, const struct ebpf_object *obj, const char *name);
struct ebpf_map *e2e_map(struct e2e *e, const struct ebpf_object *obj, const char *name);

/*
 * One test run with data (may be NULL) and a context (may be NULL: zeroes). Notes r0, the
 * output data and the context's flags and counter; returns r0 as the int the program returned.
 * data_out (may be NULL) receives size bytes; ctx (may be NULL) receives the context.
 */
int32_t e2e_run(struct e2e *e, struct ebpf_program *prog, const void *data, size_t size,
		void *data_out, struct sample_ctx *ctx);

/* Notes every entry of a map, sorted by key bytes (hash order may differ between runs). */
void e2e_dump_map(struct e2e *e, struct ebpf_map *map);

/* Host-side map access that fails the test on error. */
void e2e_update(struct e2e *e, struct ebpf_map *map, const void *key, const void *value);
void e2e_delete(struct e2e *e, struct ebpf_map *map, const void *key);

/*
 * Global variables as a libbpf skeleton sees them: the variable's section and offset come from
 * the object's symbol table, its bytes from the section's global-data map (named after the
 * section, ".data", ".bss", ".rodata").
 */
void e2e_read_var(struct e2e *e, const struct ebpf_object *obj, const char *var, void *out,
		  size_t size);
void e2e_write_var(struct e2e *e, const struct ebpf_object *obj, const char *var, const void *in,
		   size_t size);

/* ---- object files ------------------------------------------------------------------------ */

/* <build>/tests/progs/<name> (a static buffer). */
const char *e2e_prog_path(const char *name);
/* Raw ELF views (the test's own, independent of the loader under test); fail when absent. */
Elf64_Shdr *e2e_section(uint8_t *elf, const char *name);
Elf64_Sym *e2e_symbol(uint8_t *elf, const char *name);
const char *e2e_section_name(uint8_t *elf, size_t index);
/* The relocation section that applies to the named section. */
Elf64_Shdr *e2e_rel_for(uint8_t *elf, const char *name);

/* Programs and maps alive in the runtime (objects hold ids while they live). */
size_t e2e_live_ids(void);

#endif /* EXTBPF_TESTS_E2E_H */
