/* SPDX-License-Identifier: MIT */
/* Reads the instruction conformance suite: compiled.tsv rows and the asm section of a test. */
#ifndef EXTBPF_TESTS_ISA_CONFORMANCE_H
#define EXTBPF_TESTS_ISA_CONFORMANCE_H

#include <stddef.h>

#include <extbpf/extbpf.h>

/* The number of programs in the suite's snapshot (tests/conformance/data/README.md). */
#define CONFORMANCE_PROGRAMS 313

struct conformance_program {
	char *name;
	struct ebpf_inst *insns; /* compiled.tsv's bytes */
	size_t count;
};

/* Loads every row of compiled.tsv; fails the test when the suite cannot be read. */
struct conformance_program *conformance_load(size_t *count);
void conformance_free(struct conformance_program *programs, size_t count);
/* The text of the -- asm section of tests/<name>.data, malloc'ed; fails the test when absent. */
char *conformance_asm_text(const char *name);
/* A whole file, malloc'ed and NUL-terminated, or NULL. */
char *read_text_file(const char *path);

#endif /* EXTBPF_TESTS_ISA_CONFORMANCE_H */
