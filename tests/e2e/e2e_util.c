/* SPDX-License-Identifier: MIT */
/* The end-to-end tests' toolkit: transcripts, the three modes, runs, maps, global variables. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/core.h"
#include "e2e/e2e.h"
#include "test_files.h"

static const enum ebpf_exec_mode modes[] = { EBPF_MODE_INTERP, EBPF_MODE_JIT, EBPF_MODE_NATIVE };
#define MODE_COUNT (sizeof(modes) / sizeof(modes[0]))

const char *e2e_mode_name(enum ebpf_exec_mode mode)
{
	switch (mode) {
	case EBPF_MODE_INTERP:
		return "interp";
	case EBPF_MODE_JIT:
		return "jit";
	case EBPF_MODE_NATIVE:
		return "native";
	default:
		return "default";
	}
}

/* ---- transcripts ------------------------------------------------------------------------- */

void e2e_note(struct e2e *e, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(e->transcript + e->len, e->cap - e->len, fmt, ap);
		va_end(ap);
		assert_true(n >= 0);
		if (e->len + n + 1 < e->cap)
			break;
		e->cap = (e->cap + n + 2) * 2;
		e->transcript = realloc(e->transcript, e->cap);
		assert_non_null(e->transcript);
	}
	e->len += n;
	e->transcript[e->len++] = '\n';
	e->transcript[e->len] = '\0';
}

void e2e_expect(struct e2e *e, const char *what, int64_t got, int64_t want)
{
	e2e_note(e, "%s = %lld", what, (long long)got);
	if (got != want)
		e2e_fail(e, "%s is %lld, expected %lld", what, (long long)got, (long long)want);
}

/* The line of text starting at *p (without its newline); advances *p past it. */
static const char *next_line(const char **p, size_t *len)
{
	const char *line = *p, *end = strchr(line, '\n');

	*len = end ? (size_t)(end - line) : strlen(line);
	*p = end ? end + 1 : line + *len;
	return line;
}

int e2e_compare(const char *scenario, const struct e2e *ref, const struct e2e *other, char *msg,
		size_t size)
{
	const char *a = ref->transcript, *b = other->transcript;

	for (size_t n = 1; *a || *b; n++) {
		size_t la, lb;
		const char *x = next_line(&a, &la), *y = next_line(&b, &lb);

		if (la == lb && !memcmp(x, y, la))
			continue;
		snprintf(msg, size,
			 "%s: mode %s differs from %s at observation %zu:\n  %-6s: %.*s\n  %-6s: "
			 "%.*s",
			 scenario, e2e_mode_name(other->mode), e2e_mode_name(ref->mode), n,
			 e2e_mode_name(ref->mode), (int)(la ? la : 9), la ? x : "(nothing)",
			 e2e_mode_name(other->mode), (int)(lb ? lb : 9), lb ? y : "(nothing)");
		return -1;
	}
	return 0;
}

void e2e_differential(const char *scenario, e2e_scenario_fn fn)
{
	struct e2e runs[MODE_COUNT];
	struct ebpf_extension *ext;
	char msg[1024];

	for (size_t i = 0; i < MODE_COUNT; i++) {
		runs[i] = (struct e2e){ .mode = modes[i], .cap = 256 };
		runs[i].transcript = calloc(1, runs[i].cap);
		assert_non_null(runs[i].transcript);
		if (ebpf_extension_add_static(&ebpf_extension_sample, &ext))
			fail_msg("sample extension: %s", ebpf_last_error());
		fn(&runs[i]);
		ebpf_runtime_shutdown();
	}
	if (getenv("E2E_TRANSCRIPT"))
		print_message("%s:\n%s", scenario, runs[0].transcript);
	for (size_t i = 1; i < MODE_COUNT; i++) {
		if (e2e_compare(scenario, &runs[0], &runs[i], msg, sizeof(msg)))
			fail_msg("%s", msg);
	}
	for (size_t i = 0; i < MODE_COUNT; i++)
		free(runs[i].transcript);
}

/* ---- objects, programs, runs ------------------------------------------------------------- */

const char *e2e_prog_path(const char *name)
{
	static char path[4096];
	const char *build = getenv("EXTBPF_BUILD_DIR");

	snprintf(path, sizeof(path), "%s/tests/progs/%s", build ? build : E2E_BUILD_DIR, name);
	return path;
}

struct ebpf_object *e2e_open(struct e2e *e, const char *name, const char *only)
{
	struct ebpf_object_open_opts opts = {
		.sz = sizeof(opts),
		.mode = e->mode,
		.only_program = only,
	};
	struct ebpf_object *obj = NULL;
	struct ebpf_program *prog = NULL;

	e->object = name;
	if (ebpf_object_open(e2e_prog_path(name), &opts, &obj))
		e2e_fail(e, "cannot open: %s", ebpf_last_error());
	while ((prog = ebpf_object_next_program(obj, prog))) {
		if (ebpf_program_mode(prog) != e->mode)
			e2e_fail(e, "program '%s' prepared in mode %s", ebpf_program_name(prog),
				 e2e_mode_name(ebpf_program_mode(prog)));
	}
	e2e_note(e, "open %s%s%s", name, only ? " only " : "", only ? only : "");
	return obj;
}

struct ebpf_program *e2e_program(struct e2e *e, const struct ebpf_object *obj, const char *name)
{
	struct ebpf_program *prog = ebpf_object_find_program(obj, name);

	if (!prog)
		e2e_fail(e, "no program '%s'", name);
	return prog;
}

struct ebpf_map *e2e_map(struct e2e *e, const struct ebpf_object *obj, const char *name)
{
	struct ebpf_map *map = ebpf_object_find_map(obj, name);

	if (!map)
		e2e_fail(e, "no map '%s'", name);
	return map;
}

static void hex(char *out, size_t out_size, const void *data, size_t size)
{
	const uint8_t *p = data;
	size_t n = 0;

	out[0] = '\0';
	for (size_t i = 0; i < size && n + 2 < out_size; i++)
		n += snprintf(out + n, out_size - n, "%02x", p[i]);
}

int32_t e2e_run(struct e2e *e, struct ebpf_program *prog, const void *data, size_t size,
		void *data_out, struct sample_ctx *ctx)
{
	struct sample_ctx in = { 0 }, out = { 0 };
	uint8_t *buf = calloc(1, size + 1);
	char text[512];
	struct ebpf_test_run_opts run = {
		.sz = sizeof(run),
		.data_in = data,
		.data_size_in = size,
		.data_out = buf,
		.data_size_out = size,
		.ctx_in = &in,
		.ctx_size_in = sizeof(in),
		.ctx_out = &out,
		.ctx_size_out = sizeof(out),
		.repeat = 1,
	};

	assert_non_null(buf);
	if (ctx)
		in = *ctx;
	if (ebpf_program_test_run(prog, &run)) {
		free(buf);
		e2e_fail(e, "test run of '%s': %s", ebpf_program_name(prog), ebpf_last_error());
	}
	if (run.data_size_out != size || run.ctx_size_out != sizeof(out)) {
		free(buf);
		e2e_fail(e, "'%s': output of %zu data and %zu context bytes, expected %zu and %zu",
			 ebpf_program_name(prog), run.data_size_out, run.ctx_size_out, size,
			 sizeof(out));
	}
	hex(text, sizeof(text), buf, size);
	e2e_note(e, "run %s: r0 %#llx uid %u flags %#x counter %llu data [%s]",
		 ebpf_program_name(prog), (unsigned long long)run.retval, out.uid, out.flags,
		 out.counter, text);
	if (data_out)
		memcpy(data_out, buf, size);
	if (ctx)
		*ctx = out;
	free(buf);
	return (int32_t)run.retval;
}

/* ---- maps -------------------------------------------------------------------------------- */

static int cmp_lines(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Maps of programs or maps hold ids, which differ between runtimes: only presence counts. */
static bool holds_ids(const struct ebpf_map *map)
{
	switch (ebpf_map_type(map)) {
	case EBPF_MAP_TYPE_PROG_ARRAY:
	case EBPF_MAP_TYPE_ARRAY_OF_MAPS:
	case EBPF_MAP_TYPE_HASH_OF_MAPS:
		return true;
	default:
		return false;
	}
}

static char *entry_line(struct ebpf_map *map, const void *key, const void *value)
{
	size_t ks = ebpf_map_key_size(map), vs = ebpf_map_value_size(map);
	char *line = malloc(2 * (ks + vs) + 8);

	assert_non_null(line);
	hex(line, 2 * ks + 1, key, ks);
	strcat(line, " -> ");
	if (holds_ids(map))
		strcat(line, "(id)");
	else
		hex(line + strlen(line), 2 * vs + 1, value, vs);
	return line;
}

void e2e_dump_map(struct e2e *e, struct ebpf_map *map)
{
	uint32_t max = ebpf_map_max_entries(map), vs = ebpf_map_value_size(map);
	uint8_t *key = calloc(1, ebpf_map_key_size(map) + 1);
	uint8_t *next = calloc(1, ebpf_map_key_size(map) + 1);
	uint8_t *value = calloc(1, vs + 1);
	char **lines = calloc(max + 1, sizeof(*lines));
	size_t n = 0;
	int err;

	assert_true(key && next && value && lines);
	for (err = ebpf_map_get_next_key(map, NULL, next); !err;
	     err = ebpf_map_get_next_key(map, key, next)) {
		if (n > max)
			e2e_fail(e, "map '%s': more keys than max_entries %u", ebpf_map_name(map),
				 max);
		memcpy(key, next, ebpf_map_key_size(map));
		if (ebpf_map_lookup_elem(map, key, value) == -ENOENT)
			continue; /* an empty slot of a map of ids */
		lines[n++] = entry_line(map, key, value);
	}
	if (err != -ENOENT)
		e2e_fail(e, "map '%s': get_next_key: %s", ebpf_map_name(map), ebpf_last_error());
	qsort(lines, n, sizeof(*lines), cmp_lines);
	e2e_note(e, "map %s: %zu entries", ebpf_map_name(map), n);
	for (size_t i = 0; i < n; i++) {
		e2e_note(e, "  %s", lines[i]);
		free(lines[i]);
	}
	free(lines);
	free(value);
	free(next);
	free(key);
}

void e2e_update(struct e2e *e, struct ebpf_map *map, const void *key, const void *value)
{
	if (ebpf_map_update_elem(map, key, value, EBPF_ANY))
		e2e_fail(e, "map '%s': update: %s", ebpf_map_name(map), ebpf_last_error());
}

void e2e_delete(struct e2e *e, struct ebpf_map *map, const void *key)
{
	if (ebpf_map_delete_elem(map, key))
		e2e_fail(e, "map '%s': delete: %s", ebpf_map_name(map), ebpf_last_error());
}

/* ---- global variables -------------------------------------------------------------------- */

/* The map holding a global variable and the variable's offset in its value. */
static struct ebpf_map *var_map(struct e2e *e, const struct ebpf_object *obj, const char *var,
				size_t size, uint64_t *offset)
{
	size_t file_size;
	uint8_t *elf = test_read_file(ebpf_object_name(obj), &file_size);
	Elf64_Sym *sym = e2e_symbol(elf, var);
	char section[64];
	struct ebpf_map *map;

	snprintf(section, sizeof(section), "%s", e2e_section_name(elf, sym->st_shndx));
	*offset = sym->st_value;
	free(elf);
	map = e2e_map(e, obj, section);
	if (*offset + size > ebpf_map_value_size(map))
		e2e_fail(e, "variable '%s' (%zu bytes at %llu) lies outside map '%s'", var, size,
			 (unsigned long long)*offset, section);
	return map;
}

void e2e_read_var(struct e2e *e, const struct ebpf_object *obj, const char *var, void *out,
		  size_t size)
{
	uint64_t offset;
	struct ebpf_map *map = var_map(e, obj, var, size, &offset);
	uint8_t *value = malloc(ebpf_map_value_size(map));
	uint32_t key = 0;

	assert_non_null(value);
	if (ebpf_map_lookup_elem(map, &key, value)) {
		free(value);
		e2e_fail(e, "map '%s': %s", ebpf_map_name(map), ebpf_last_error());
	}
	memcpy(out, value + offset, size);
	free(value);
}

void e2e_write_var(struct e2e *e, const struct ebpf_object *obj, const char *var, const void *in,
		   size_t size)
{
	uint64_t offset;
	struct ebpf_map *map = var_map(e, obj, var, size, &offset);
	uint8_t *value = malloc(ebpf_map_value_size(map));
	uint32_t key = 0;
	int err;

	assert_non_null(value);
	err = ebpf_map_lookup_elem(map, &key, value);
	if (!err) {
		memcpy(value + offset, in, size);
		err = ebpf_map_update_elem(map, &key, value, EBPF_ANY);
	}
	free(value);
	if (err)
		e2e_fail(e, "map '%s': %s", ebpf_map_name(map), ebpf_last_error());
}

/* ---- object files ------------------------------------------------------------------------ */

static Elf64_Shdr *shdr(uint8_t *elf, size_t index)
{
	return (Elf64_Shdr *)(elf + ((Elf64_Ehdr *)elf)->e_shoff) + index;
}

const char *e2e_section_name(uint8_t *elf, size_t index)
{
	Elf64_Shdr *names = shdr(elf, ((Elf64_Ehdr *)elf)->e_shstrndx);

	return (const char *)elf + names->sh_offset + shdr(elf, index)->sh_name;
}

Elf64_Shdr *e2e_section(uint8_t *elf, const char *name)
{
	for (size_t i = 1; i < ((Elf64_Ehdr *)elf)->e_shnum; i++) {
		if (!strcmp(e2e_section_name(elf, i), name))
			return shdr(elf, i);
	}
	fail_msg("no section '%s'", name);
	return NULL;
}

Elf64_Sym *e2e_symbol(uint8_t *elf, const char *name)
{
	for (size_t i = 1; i < ((Elf64_Ehdr *)elf)->e_shnum; i++) {
		Elf64_Shdr *symtab = shdr(elf, i);
		Elf64_Sym *syms = (Elf64_Sym *)(elf + symtab->sh_offset);
		const char *strings = (const char *)elf + shdr(elf, symtab->sh_link)->sh_offset;

		if (symtab->sh_type != SHT_SYMTAB)
			continue;
		for (size_t s = 0; s < symtab->sh_size / sizeof(*syms); s++) {
			if (!strcmp(strings + syms[s].st_name, name))
				return &syms[s];
		}
	}
	fail_msg("no symbol '%s'", name);
	return NULL;
}

Elf64_Shdr *e2e_rel_for(uint8_t *elf, const char *name)
{
	for (size_t i = 1; i < ((Elf64_Ehdr *)elf)->e_shnum; i++) {
		Elf64_Shdr *rel = shdr(elf, i);

		if (rel->sh_type == SHT_REL && !strcmp(e2e_section_name(elf, rel->sh_info), name))
			return rel;
	}
	fail_msg("no relocations for section '%s'", name);
	return NULL;
}

size_t e2e_live_ids(void)
{
	size_t n;

	core_lock();
	n = core_rt.id_count;
	core_unlock();
	return n;
}
