// SPDX-License-Identifier: MIT
/*
 * The report: every figure a section measures is recorded here, then written to results.json;
 * the targets are printed as the final table (value, target, met).
 */
#define _GNU_SOURCE /* vasprintf */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

struct bench_record {
	char section[16];
	char name[48];
	char metric[48];
	char unit[16];
	double value;
};

struct bench_target {
	char name[64];
	char unit[16];
	double value;
	double target;
	bool lower_is_better;
};

/* Grows *array (of *cap elements of size) to hold count + 1; false without memory. */
static bool grow(void **array, size_t *cap, size_t count, size_t size)
{
	size_t n = *cap ? *cap * 2 : 32;
	void *p;

	if (count < *cap)
		return true;
	p = realloc(*array, n * size);
	if (!p)
		return false;
	*array = p;
	*cap = n;
	return true;
}

void bench_record(struct bench_opts *b, const char *section, const char *name, const char *metric,
		  double value, const char *unit)
{
	struct bench_record *r;

	if (!grow((void **)&b->records, &b->record_cap, b->record_count, sizeof(*r)))
		return;
	r = &b->records[b->record_count++];
	snprintf(r->section, sizeof(r->section), "%s", section);
	snprintf(r->name, sizeof(r->name), "%s", name);
	snprintf(r->metric, sizeof(r->metric), "%s", metric);
	snprintf(r->unit, sizeof(r->unit), "%s", unit);
	r->value = value;
}

void bench_target(struct bench_opts *b, const char *name, double value, double target,
		  const char *unit, bool lower_is_better)
{
	struct bench_target *t;

	if (!grow((void **)&b->targets, &b->target_cap, b->target_count, sizeof(*t)))
		return;
	t = &b->targets[b->target_count++];
	snprintf(t->name, sizeof(t->name), "%s", name);
	snprintf(t->unit, sizeof(t->unit), "%s", unit);
	t->value = value;
	t->target = target;
	t->lower_is_better = lower_is_better;
}

void bench_note(struct bench_opts *b, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	fprintf(stderr, "bench: %s\n", s);
	if (!grow((void **)&b->notes, &b->note_cap, b->note_count, sizeof(*b->notes))) {
		free(s);
		return;
	}
	b->notes[b->note_count++] = s;
}

static bool target_met(const struct bench_target *t)
{
	if (isnan(t->value))
		return false;
	return t->lower_is_better ? t->value < t->target : t->value > t->target;
}

void bench_print_summary(const struct bench_opts *b)
{
	printf("\n== Targets ==\n%-40s %14s %14s %-10s %s\n", "target", "value", "goal", "unit",
	       "met");
	for (size_t i = 0; i < b->target_count; i++) {
		const struct bench_target *t = &b->targets[i];

		printf("%-40s %14.3f %s%13.3f %-10s %s\n", t->name, t->value,
		       t->lower_is_better ? "<" : ">", t->target, t->unit,
		       target_met(t) ? "yes" : "NO");
	}
	if (b->note_count)
		printf("\nNotes:\n");
	for (size_t i = 0; i < b->note_count; i++)
		printf("- %s\n", b->notes[i]);
}

/* JSON strings here are our own names and messages: escape quotes, backslashes, controls. */
static void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\u%04x", *s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

/* NaN (a measurement that could not be made) is null in JSON. */
static void json_number(FILE *f, double v)
{
	if (isnan(v) || isinf(v))
		fputs("null", f);
	else
		fprintf(f, "%.6g", v);
}

static void write_records(FILE *f, const struct bench_opts *b)
{
	fputs("  \"results\": [\n", f);
	for (size_t i = 0; i < b->record_count; i++) {
		const struct bench_record *r = &b->records[i];

		fputs("    {\"section\": ", f);
		json_string(f, r->section);
		fputs(", \"name\": ", f);
		json_string(f, r->name);
		fputs(", \"metric\": ", f);
		json_string(f, r->metric);
		fputs(", \"value\": ", f);
		json_number(f, r->value);
		fputs(", \"unit\": ", f);
		json_string(f, r->unit);
		fprintf(f, "}%s\n", i + 1 < b->record_count ? "," : "");
	}
	fputs("  ],\n", f);
}

static void write_targets(FILE *f, const struct bench_opts *b)
{
	fputs("  \"targets\": [\n", f);
	for (size_t i = 0; i < b->target_count; i++) {
		const struct bench_target *t = &b->targets[i];

		fputs("    {\"name\": ", f);
		json_string(f, t->name);
		fputs(", \"value\": ", f);
		json_number(f, t->value);
		fputs(", \"target\": ", f);
		json_number(f, t->target);
		fprintf(f,
			", \"bound\": \"%s\", \"unit\": ", t->lower_is_better ? "below" : "above");
		json_string(f, t->unit);
		fprintf(f, ", \"met\": %s}%s\n", target_met(t) ? "true" : "false",
			i + 1 < b->target_count ? "," : "");
	}
	fputs("  ],\n", f);
}

int bench_write_json(const struct bench_opts *b, const char *path, const char *machine_json)
{
	FILE *f = fopen(path, "w");

	if (!f) {
		fprintf(stderr, "bench: cannot write %s: %s\n", path, strerror(errno));
		return -errno;
	}
	fprintf(f, "{\n  \"machine\": %s,\n  \"quick\": %s,\n  \"repetitions\": %u,\n",
		machine_json, b->quick ? "true" : "false", b->reps);
	write_records(f, b);
	write_targets(f, b);
	fputs("  \"notes\": [", f);
	for (size_t i = 0; i < b->note_count; i++) {
		fputs(i ? ", " : "", f);
		json_string(f, b->notes[i]);
	}
	fputs("]\n}\n", f);
	if (fclose(f)) {
		fprintf(stderr, "bench: cannot write %s: %s\n", path, strerror(errno));
		return -EIO;
	}
	return 0;
}

void bench_report_free(struct bench_opts *b)
{
	for (size_t i = 0; i < b->note_count; i++)
		free(b->notes[i]);
	free(b->notes);
	free(b->records);
	free(b->targets);
	b->notes = NULL;
	b->records = NULL;
	b->targets = NULL;
	b->note_count = b->record_count = b->target_count = 0;
	b->note_cap = b->record_cap = b->target_cap = 0;
}
