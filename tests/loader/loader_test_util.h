/* SPDX-License-Identifier: MIT */
/* Helpers of the loader tests: the compiled test programs, and a raw view of their ELF so that
 * expectations come from the object itself, not from the loader under test. */
#ifndef EXTBPF_TESTS_LOADER_UTIL_H
#define EXTBPF_TESTS_LOADER_UTIL_H

#include <elf.h>
#include <stddef.h>
#include <stdint.h>

#include "loader/loader.h"

/* Reads <build>/tests/progs/<name> (fails the test when it is missing). */
uint8_t *t_read_prog(const char *name, size_t *size);
/* Reads <source>/tests/progs/<name> line `line` (1-based) into buf, without its newline. */
void t_source_line(const char *name, uint32_t line, char *buf, size_t size);

Elf64_Ehdr *t_ehdr(uint8_t *elf);
Elf64_Shdr *t_shdr(uint8_t *elf, size_t index);
const char *t_sec_name(uint8_t *elf, size_t index);
/* The section called name, its index in *index (may be NULL); fails the test when absent. */
Elf64_Shdr *t_section(uint8_t *elf, const char *name, size_t *index);
Elf64_Sym *t_symbol(uint8_t *elf, const char *name);
/* The relocation section that applies to the named section. */
Elf64_Shdr *t_rel_for(uint8_t *elf, const char *name);

const struct loader_program *t_program(const struct loader_object *obj, const char *name);
int t_map_index(const struct loader_object *obj, const char *name);

/* Opens a buffer, expecting failure with err and a message containing needle. */
void t_expect_refused(const uint8_t *data, size_t size, int err, const char *needle);

#endif
