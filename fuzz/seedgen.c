// SPDX-License-Identifier: MIT
/*
 * Builds seed corpora at build time, so that no generated binary is kept in the source tree:
 *
 *   seedgen asm <outdir> <file>...    the "-- asm" section of each conformance .data file (or
 *                                     the whole of any other file) as text
 *   seedgen raw <outdir> <file>...    the same, assembled: raw instructions (verifier seeds)
 *   seedgen bytes <outdir> <count>    deterministic pseudo-random inputs (soundness seeds)
 *
 * Files that do not assemble are skipped by `raw` (a few conformance tests are meant to fail).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isa/isa.h"

static char *read_text(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *text = NULL;
	long size;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET))
		goto out;
	text = malloc((size_t)size + 1);
	if (text && fread(text, 1, (size_t)size, f) != (size_t)size) {
		free(text);
		text = NULL;
	}
	if (text)
		text[size] = '\0';
out:
	fclose(f);
	return text;
}

/* Cuts text down to its "-- asm" section in place, when it has one. */
static char *asm_section(char *text)
{
	char *start = strstr(text, "-- asm\n");
	char *end;

	if (!start)
		return text;
	start += strlen("-- asm\n");
	end = strstr(start, "\n--");
	if (end)
		end[1] = '\0';
	return start;
}

static int write_file(const char *dir, const char *name, const char *suffix, const void *data,
		      size_t size)
{
	const char *base = strrchr(name, '/') ? strrchr(name, '/') + 1 : name;
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s%s", dir, base, suffix);
	f = fopen(path, "wb");
	if (!f || fwrite(data, 1, size, f) != size) {
		perror(path);
		if (f)
			fclose(f);
		return -EIO;
	}
	return fclose(f) ? -EIO : 0;
}

static int seed_from_file(const char *mode, const char *dir, const char *path)
{
	struct ebpf_inst *insns = NULL;
	char *text = read_text(path);
	char err[256];
	size_t count;
	char *src;
	int ret;

	if (!text) {
		perror(path);
		return -EIO;
	}
	src = asm_section(text);
	if (!strcmp(mode, "asm")) {
		ret = write_file(dir, path, ".s", src, strlen(src));
	} else if (isa_assemble(src, &insns, &count, err, sizeof(err))) {
		ret = 0; /* not every seed assembles; those are not verifier seeds */
	} else {
		ret = write_file(dir, path, ".bin", insns, count * sizeof(*insns));
	}
	free(insns);
	free(text);
	return ret;
}

static int random_seeds(const char *dir, int count)
{
	uint64_t x = 0x9e3779b97f4a7c15ull;

	for (int i = 0; i < count; i++) {
		uint8_t buf[512];
		const size_t size = 64 + (size_t)i * 448 / (size_t)(count > 1 ? count - 1 : 1);
		char name[32];

		for (size_t j = 0; j < size; j++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			buf[j] = (uint8_t)x;
		}
		snprintf(name, sizeof(name), "random-%02d", i);
		if (write_file(dir, name, "", buf, size))
			return -EIO;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: %s asm|raw <outdir> <file>... | bytes <outdir> <count>\n",
			argv[0]);
		return 2;
	}
	if (!strcmp(argv[1], "bytes"))
		return random_seeds(argv[2], atoi(argv[3])) ? 1 : 0;
	for (int i = 3; i < argc; i++) {
		if (seed_from_file(argv[1], argv[2], argv[i]))
			return 1;
	}
	return 0;
}
