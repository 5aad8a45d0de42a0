/* SPDX-License-Identifier: MIT */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conformance/suite.h"

const char *suite_dir(void)
{
	const char *dir = getenv("EXTBPF_CONFORMANCE_DIR");

	return dir && *dir ? dir : NULL;
}

static int compare_paths(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_data_file(const char *name)
{
	size_t len = strlen(name);

	return len > 5 && !strcmp(name + len - 5, ".data");
}

int suite_list(char ***paths, size_t *count)
{
	const char *dir = suite_dir();
	char tests[4096];
	struct dirent *entry;
	char **list = NULL;
	size_t n = 0;
	DIR *d;

	*paths = NULL;
	*count = 0;
	if (!dir)
		return -ENOENT;
	snprintf(tests, sizeof(tests), "%s/tests", dir);
	d = opendir(tests);
	if (!d)
		return -errno;
	while ((entry = readdir(d))) {
		char **grown;

		if (!is_data_file(entry->d_name))
			continue;
		grown = realloc(list, (n + 1) * sizeof(*list));
		if (!grown)
			break;
		list = grown;
		list[n] = malloc(strlen(tests) + strlen(entry->d_name) + 2);
		if (!list[n])
			break;
		sprintf(list[n], "%s/%s", tests, entry->d_name);
		n++;
	}
	closedir(d);
	qsort(list, n, sizeof(*list), compare_paths);
	*paths = list;
	*count = n;
	return 0;
}

void suite_list_free(char **paths, size_t count)
{
	for (size_t i = 0; i < count; i++)
		free(paths[i]);
	free(paths);
}

static int hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

int suite_parse_hex(const char *text, uint8_t **bytes, size_t *size)
{
	uint8_t *out = malloc(strlen(text) / 2 + 1);
	size_t n = 0;

	if (!out)
		return -ENOMEM;
	for (const char *p = text; *p;) {
		int hi, lo;

		if (isspace((unsigned char)*p)) {
			p++;
			continue;
		}
		hi = hex_digit((unsigned char)p[0]);
		lo = hi < 0 ? -1 : hex_digit((unsigned char)p[1]);
		if (lo < 0) {
			free(out);
			return -EINVAL;
		}
		out[n++] = (uint8_t)(hi << 4 | lo);
		p += 2;
	}
	*bytes = out;
	*size = n;
	return 0;
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long len;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)len + 1);
		if (buf && fread(buf, 1, (size_t)len, f) != (size_t)len) {
			free(buf);
			buf = NULL;
		}
		if (buf)
			buf[len] = '\0';
	}
	fclose(f);
	return buf;
}

/* Appends line and a newline to a growing string. */
static int append_line(char **text, const char *line)
{
	size_t old = *text ? strlen(*text) : 0;
	char *grown = realloc(*text, old + strlen(line) + 2);

	if (!grown)
		return -ENOMEM;
	strcpy(grown + old, line);
	strcat(grown + old, "\n");
	*text = grown;
	return 0;
}

static void strip_comment(char *line)
{
	char *hash = strchr(line, '#');

	if (hash)
		*hash = '\0';
}

static bool is_blank(const char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	return !*s;
}

/* "-- raw": one 64-bit little-endian instruction word per line, "0x5566778800000018". */
static int raw_to_bytes(const char *text, struct suite_test *test)
{
	const char *p = text;

	test->raw = malloc(strlen(text) / 2 + 8);
	if (!test->raw)
		return -ENOMEM;
	test->raw_size = 0;
	while (*p) {
		char *end;
		uint64_t word;

		while (isspace((unsigned char)*p))
			p++;
		if (!*p)
			break;
		errno = 0;
		word = strtoull(p, &end, 16);
		if (end == p || errno)
			return -EINVAL;
		for (int i = 0; i < 8; i++)
			test->raw[test->raw_size++] = (uint8_t)(word >> (8 * i));
		p = end;
	}
	return 0;
}

static int parse_result(const char *text, struct suite_test *test)
{
	char *end;

	errno = 0;
	test->result = strtoull(text, &end, 0);
	if (end == text || errno || !is_blank(end))
		return -EINVAL;
	test->has_result = true;
	return 0;
}

static int fail(char *err, size_t size, int ret, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int fail(char *err, size_t size, int ret, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, size, fmt, ap);
	va_end(ap);
	return ret;
}

/* Gathers each section's lines; the asm keeps its comments (the assembler skips them). */
struct sections {
	char *asm_text, *raw, *mem, *result, *error;
};

static char **section_slot(struct sections *s, const char *name)
{
	if (!strcmp(name, "asm"))
		return &s->asm_text;
	if (!strcmp(name, "raw"))
		return &s->raw;
	if (!strcmp(name, "mem"))
		return &s->mem;
	if (!strcmp(name, "result"))
		return &s->result;
	if (!strcmp(name, "error"))
		return &s->error;
	return NULL; /* notes: "-- c", "-- no register offset" */
}

static int split_sections(char *text, struct sections *s)
{
	char **slot = NULL;
	bool in_section = false;

	for (char *save = NULL, *line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		line[strcspn(line, "\r")] = '\0';
		if (!strncmp(line, "-- ", 3)) {
			slot = section_slot(s, line + 3);
			in_section = true;
			if (slot && !*slot && append_line(slot, ""))
				return -ENOMEM;
			continue;
		}
		if (!in_section || !slot)
			continue;
		if (slot != &s->asm_text)
			strip_comment(line);
		if (append_line(slot, line))
			return -ENOMEM;
	}
	return 0;
}

int suite_parse(const char *path, struct suite_test *test, char *err, size_t err_size)
{
	struct sections s = { 0 };
	char *text = read_file(path);
	int ret;

	memset(test, 0, sizeof(*test));
	if (!text)
		return fail(err, err_size, errno ? -errno : -EIO, "%s: cannot read: %s", path,
			    strerror(errno ? errno : EIO));
	ret = split_sections(text, &s);
	if (ret) {
		fail(err, err_size, ret, "%s: out of memory", path);
		goto out;
	}
	if (s.raw && raw_to_bytes(s.raw, test)) {
		ret = fail(err, err_size, -EINVAL, "%s: -- raw is not 64-bit hex words", path);
		goto out;
	}
	if (s.mem && suite_parse_hex(s.mem, &test->mem, &test->mem_size)) {
		ret = fail(err, err_size, -EINVAL, "%s: -- mem is not hex bytes", path);
		goto out;
	}
	if (s.result && parse_result(s.result, test)) {
		ret = fail(err, err_size, -EINVAL, "%s: -- result is not a number", path);
		goto out;
	}
	if (s.error) {
		char *e = s.error;

		while (isspace((unsigned char)*e))
			e++;
		e[strcspn(e, "\n")] = '\0';
		test->error = strdup(e);
	}
	test->asm_text = s.asm_text;
	s.asm_text = NULL;
	if (!test->asm_text && !test->raw)
		ret = fail(err, err_size, -EINVAL, "%s: no -- asm and no -- raw section", path);
	else if (!test->has_result && !test->error)
		ret =
		    fail(err, err_size, -EINVAL, "%s: no -- result and no -- error section", path);
out:
	free(s.asm_text);
	free(s.raw);
	free(s.mem);
	free(s.result);
	free(s.error);
	free(text);
	if (ret)
		suite_test_free(test);
	return ret;
}

void suite_test_free(struct suite_test *test)
{
	free(test->asm_text);
	free(test->raw);
	free(test->mem);
	free(test->error);
	memset(test, 0, sizeof(*test));
}
