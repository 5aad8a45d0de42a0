// SPDX-License-Identifier: MIT
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "conformance.h"

static const char *suite_dir(void)
{
	const char *dir = getenv("EXTBPF_CONFORMANCE_DIR");

	if (!dir || !*dir)
		fail_msg("EXTBPF_CONFORMANCE_DIR is not set (run the test through ctest)");
	return dir;
}

char *read_text_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long size;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET))
		goto out;
	buf = malloc((size_t)size + 1);
	if (!buf)
		goto out;
	if (fread(buf, 1, (size_t)size, f) != (size_t)size) {
		free(buf);
		buf = NULL;
		goto out;
	}
	buf[size] = '\0';
out:
	fclose(f);
	return buf;
}

/* "b7 00 00 00 ..." -> instructions */
static void parse_hex_program(const char *name, const char *hex, struct conformance_program *p)
{
	size_t len = strlen(hex), nbytes = (len + 1) / 3;
	uint8_t *bytes;

	if (nbytes % 8)
		fail_msg("%s: compiled.tsv program of %zu bytes is not whole instructions", name,
			 nbytes);
	p->count = nbytes / 8;
	p->insns = calloc(p->count, sizeof(*p->insns));
	assert_non_null(p->insns);
	bytes = (uint8_t *)p->insns;
	for (size_t i = 0; i < nbytes; i++) {
		unsigned int b;

		if (sscanf(hex + 3 * i, "%2x", &b) != 1)
			fail_msg("%s: bad hex byte %zu in compiled.tsv", name, i);
		bytes[i] = (uint8_t)b;
	}
}

struct conformance_program *conformance_load(size_t *count)
{
	char path[4096];
	char *text, *line, *save = NULL;
	struct conformance_program *programs = NULL;
	size_t n = 0;

	snprintf(path, sizeof(path), "%s/compiled.tsv", suite_dir());
	text = read_text_file(path);
	if (!text)
		fail_msg("cannot read %s", path);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *fields[4], *fsave = NULL;
		int nf = 0;

		for (char *f = strtok_r(line, "\t", &fsave); f && nf < 4;
		     f = strtok_r(NULL, "\t", &fsave))
			fields[nf++] = f;
		if (nf != 4)
			fail_msg("compiled.tsv: row %zu has %d fields", n + 1, nf);
		programs = realloc(programs, (n + 1) * sizeof(*programs));
		assert_non_null(programs);
		programs[n].name = strdup(fields[0]);
		assert_non_null(programs[n].name);
		parse_hex_program(fields[0], fields[3], &programs[n]);
		n++;
	}
	free(text);
	*count = n;
	return programs;
}

void conformance_free(struct conformance_program *programs, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		free(programs[i].name);
		free(programs[i].insns);
	}
	free(programs);
}

char *conformance_asm_text(const char *name)
{
	char path[4096];
	char *text, *start, *end;

	snprintf(path, sizeof(path), "%s/tests/%s.data", suite_dir(), name);
	text = read_text_file(path);
	if (!text)
		fail_msg("cannot read %s", path);
	start = strstr(text, "-- asm\n");
	if (!start)
		fail_msg("%s has no -- asm section", path);
	start += strlen("-- asm\n");
	end = strstr(start, "\n-- ");
	if (end)
		end[1] = '\0';
	memmove(text, start, strlen(start) + 1);
	return text;
}
