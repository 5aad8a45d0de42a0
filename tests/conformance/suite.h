/* SPDX-License-Identifier: MIT */
/* Reading the instruction conformance suite (${EXTBPF_CONFORMANCE_DIR}, see its README.md). */
#ifndef EXTBPF_TESTS_CONFORMANCE_SUITE_H
#define EXTBPF_TESTS_CONFORMANCE_SUITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One tests/NAME.data file, its sections parsed. */
struct suite_test {
	char *asm_text; /* "-- asm", NULL when absent */
	uint8_t *raw;	/* "-- raw" as instruction bytes, NULL when absent */
	size_t raw_size;
	uint8_t *mem; /* "-- mem", NULL when absent */
	size_t mem_size;
	bool has_result;
	uint64_t result; /* "-- result" */
	char *error;	 /* "-- error", NULL when absent */
};

/* The suite directory (the EXTBPF_CONFORMANCE_DIR environment variable), or NULL. */
const char *suite_dir(void);

/* The sorted paths of every tests/NAME.data file; 0 or a negative errno (-ENOENT: no directory). */
int suite_list(char ***paths, size_t *count);
void suite_list_free(char **paths, size_t count);

/* Parses one .data file; 0, or a negative errno with a message in err naming the line. */
int suite_parse(const char *path, struct suite_test *test, char *err, size_t err_size);
void suite_test_free(struct suite_test *test);

/* Hex bytes separated by white space into a malloc'ed buffer; 0 or -EINVAL. */
int suite_parse_hex(const char *text, uint8_t **bytes, size_t *size);

#endif /* EXTBPF_TESTS_CONFORMANCE_SUITE_H */
