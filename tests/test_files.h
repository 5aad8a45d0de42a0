/* SPDX-License-Identifier: MIT */
/* What several test programs share: reading a whole file (a BPF object) in a cmocka test. */
#ifndef EXTBPF_TEST_FILES_H
#define EXTBPF_TEST_FILES_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* Include after <cmocka.h>. The file's bytes (malloc'ed); fails the test when unreadable. */
static inline uint8_t *test_read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	uint8_t *data;
	long len;

	if (!f)
		fail_msg("cannot open %s (were the test programs built?)", path);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	len = ftell(f);
	assert_true(len > 0);
	rewind(f);
	data = malloc(len);
	assert_non_null(data);
	assert_int_equal(fread(data, 1, len, f), (size_t)len);
	fclose(f);
	*size = (size_t)len;
	return data;
}

#endif /* EXTBPF_TEST_FILES_H */
