// SPDX-License-Identifier: MIT
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "loader/loader_test_util.h"
#include "test_files.h"

static char *t_path(const char *env, const char *name)
{
	const char *dir = getenv(env);
	char *path;

	assert_non_null(dir);
	path = malloc(strlen(dir) + strlen(name) + 32);
	assert_non_null(path);
	sprintf(path, "%s/tests/progs/%s", dir, name);
	return path;
}

uint8_t *t_read_prog(const char *name, size_t *size)
{
	char *path = t_path("EXTBPF_BUILD_DIR", name);
	uint8_t *data = test_read_file(path, size);

	free(path);
	return data;
}

void t_source_line(const char *name, uint32_t line, char *buf, size_t size)
{
	char *path = t_path("EXTBPF_SOURCE_DIR", name);
	FILE *f = fopen(path, "r");
	uint32_t n;

	if (!f)
		fail_msg("cannot open %s", path);
	buf[0] = '\0';
	for (n = 1; n <= line && fgets(buf, (int)size, f); n++)
		;
	if (n <= line)
		buf[0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
	free(path);
}

Elf64_Ehdr *t_ehdr(uint8_t *elf)
{
	return (Elf64_Ehdr *)elf;
}

Elf64_Shdr *t_shdr(uint8_t *elf, size_t index)
{
	return (Elf64_Shdr *)(elf + t_ehdr(elf)->e_shoff) + index;
}

const char *t_sec_name(uint8_t *elf, size_t index)
{
	Elf64_Shdr *names = t_shdr(elf, t_ehdr(elf)->e_shstrndx);

	return (const char *)elf + names->sh_offset + t_shdr(elf, index)->sh_name;
}

Elf64_Shdr *t_section(uint8_t *elf, const char *name, size_t *index)
{
	size_t i;

	for (i = 1; i < t_ehdr(elf)->e_shnum; i++) {
		if (!strcmp(t_sec_name(elf, i), name)) {
			if (index)
				*index = i;
			return t_shdr(elf, i);
		}
	}
	fail_msg("no section '%s'", name);
	return NULL;
}

Elf64_Sym *t_symbol(uint8_t *elf, const char *name)
{
	size_t i, n;

	for (i = 1; i < t_ehdr(elf)->e_shnum; i++) {
		Elf64_Shdr *sh = t_shdr(elf, i);
		Elf64_Sym *syms = (Elf64_Sym *)(elf + sh->sh_offset);
		const char *strs = (const char *)elf + t_shdr(elf, sh->sh_link)->sh_offset;

		if (sh->sh_type != SHT_SYMTAB)
			continue;
		for (n = 0; n < sh->sh_size / sizeof(*syms); n++) {
			if (!strcmp(strs + syms[n].st_name, name))
				return &syms[n];
		}
	}
	fail_msg("no symbol '%s'", name);
	return NULL;
}

Elf64_Shdr *t_rel_for(uint8_t *elf, const char *name)
{
	size_t target = 0, i;

	t_section(elf, name, &target);
	for (i = 1; i < t_ehdr(elf)->e_shnum; i++) {
		Elf64_Shdr *sh = t_shdr(elf, i);

		if (sh->sh_type == SHT_REL && sh->sh_info == target)
			return sh;
	}
	fail_msg("no relocations for '%s'", name);
	return NULL;
}

const struct loader_program *t_program(const struct loader_object *obj, const char *name)
{
	size_t i;

	for (i = 0; i < obj->program_count; i++) {
		if (!strcmp(obj->programs[i].name, name))
			return &obj->programs[i];
	}
	fail_msg("no program '%s'", name);
	return NULL;
}

int t_map_index(const struct loader_object *obj, const char *name)
{
	size_t i;

	for (i = 0; i < obj->map_count; i++) {
		if (!strcmp(obj->maps[i].name, name))
			return (int)i;
	}
	fail_msg("no map '%s'", name);
	return -1;
}

void t_expect_refused(const uint8_t *data, size_t size, int err, const char *needle)
{
	struct loader_object *obj = (void *)1;
	char msg[512];
	int ret;

	ret = loader_open_mem(data, size, "test.o", &obj, msg, sizeof(msg));
	/* Map sizes are checked at load, once a host could set them: as the core does. */
	if (!ret) {
		loader_size_maps(obj, 4, 4096);
		ret = loader_check_maps(obj, msg, sizeof(msg));
		loader_object_free(obj);
		obj = NULL;
	}
	if (ret != err || !strstr(msg, needle))
		fail_msg("expected %d with \"%s\", got %d with \"%s\"", err, needle, ret, msg);
	assert_null(obj);
}
