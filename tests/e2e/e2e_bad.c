/* SPDX-License-Identifier: MIT */
/*
 * Issue 5's bad objects through the public API: truncated or corrupt ELF, the wrong machine, a
 * relocation outside its section, maps with zero sizes, duplicate sections. Each is made here
 * from a good object, written to a file and opened with ebpf_object_open, which must refuse it
 * with the loader's errno and precise message behind the object's path, leave nothing loaded
 * (no program or map id alive, no pin) and open the good object afterwards. ASan checks leaks.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "e2e/e2e.h"
#include "test_files.h"
#include "e2e/e2e_bad.h"

#ifndef R_BPF_64_64
#define R_BPF_64_64 1
#endif

static void add_sample(void)
{
	struct ebpf_extension *ext;

	if (ebpf_extension_add_static(&ebpf_extension_sample, &ext))
		fail_msg("sample extension: %s", ebpf_last_error());
}

/* Writes the bytes to a fresh temporary file; its path goes to path. */
static void write_temp(const uint8_t *data, size_t size, char *path, size_t path_size)
{
	int fd;

	snprintf(path, path_size, "/tmp/extbpf-e2e-bad-XXXXXX.o");
	fd = mkstemps(path, 2);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, size), (ssize_t)size);
	close(fd);
}

/* Opens the bytes as a file and expects the refusal: errno, "object '<path>': <needle>", no
 * object, no id left behind. */
static void expect_refused(const uint8_t *data, size_t size, int want, const char *needle)
{
	struct ebpf_object *obj = NULL;
	char path[64], prefix[128];
	size_t before = e2e_live_ids();
	int err;

	write_temp(data, size, path, sizeof(path));
	err = ebpf_object_open(path, NULL, &obj);
	unlink(path);
	snprintf(prefix, sizeof(prefix), "object '%s': ", path);
	if (err != want)
		fail_msg("%s: error %d, expected %d (%s)", path, err, want, ebpf_last_error());
	if (strncmp(ebpf_last_error(), prefix, strlen(prefix)) ||
	    !strstr(ebpf_last_error(), needle))
		fail_msg("message '%s' is not '%s...%s...'", ebpf_last_error(), prefix, needle);
	assert_null(obj);
	assert_int_equal(e2e_live_ids(), before);
}

/* The untouched object still opens and runs. */
static void expect_good_opens(const char *name)
{
	struct ebpf_object *obj = NULL;
	struct ebpf_test_run_opts run = { .sz = sizeof(run) };

	if (ebpf_object_open(e2e_prog_path(name), NULL, &obj))
		fail_msg("%s after a refusal: %s", name, ebpf_last_error());
	assert_int_equal(ebpf_program_test_run(ebpf_object_next_program(obj, NULL), &run), 0);
	ebpf_object_close(obj);
}

static uint8_t *read_prog(const char *name, size_t *size)
{
	return test_read_file(e2e_prog_path(name), size);
}

void test_bad_truncated(void **state)
{
	size_t size, before;
	uint8_t *elf;

	add_sample();
	elf = read_prog("subprog.bpf.o", &size);
	before = e2e_live_ids();
	expect_refused(elf, 40, -EINVAL, "truncated ELF header: 40 of 64 bytes");
	expect_refused(elf, size - 1, -EINVAL, "extend past the end of the file");
	/* Every cut, through the in-memory entry point: refused with the object named. */
	for (size_t len = 0; len < size; len++) {
		struct ebpf_object *obj = NULL;

		if (ebpf_object_open_mem(elf, len, "cut.o", NULL, &obj) >= 0)
			fail_msg("a cut at %zu of %zu bytes opened", len, size);
		assert_null(obj);
		if (strncmp(ebpf_last_error(), "object 'cut.o': ", 16) || !ebpf_last_error()[16])
			fail_msg("cut at %zu: message '%s'", len, ebpf_last_error());
	}
	assert_int_equal(e2e_live_ids(), before);
	free(elf);
	expect_good_opens("hash_counter.bpf.o");
}

void test_bad_corrupt(void **state)
{
	static const char text[] = "#!/bin/sh\necho not an object\n";
	size_t size;
	uint8_t *elf;

	add_sample();
	expect_refused((const uint8_t *)text, sizeof(text), -ENOEXEC, "not an ELF file");

	elf = read_prog("hash_counter.bpf.o", &size);
	elf[e2e_section(elf, ".BTF")->sh_offset] ^= 0xff;
	expect_refused(elf, size, -EINVAL, "BTF: bad magic");
	free(elf);

	elf = read_prog("hash_counter.bpf.o", &size);
	e2e_section(elf, ".symtab")->sh_link = 5000;
	expect_refused(elf, size, -EINVAL, "'.symtab': link 5000 out of range");
	free(elf);
	expect_good_opens("hash_counter.bpf.o");
}

void test_bad_wrong_machine(void **state)
{
	size_t size;
	uint8_t *elf;

	add_sample();
	elf = read_prog("hash_counter.bpf.o", &size);
	((Elf64_Ehdr *)elf)->e_machine = EM_X86_64;
	expect_refused(elf, size, -ENOEXEC, "ELF machine 62 is not BPF");
	free(elf);
	expect_good_opens("hash_counter.bpf.o");
}

void test_bad_relocation_outside_section(void **state)
{
	size_t size;
	uint8_t *elf;
	Elf64_Rel *rel;
	char want[128];

	add_sample();
	elf = read_prog("global_data.bpf.o", &size);
	rel = (Elf64_Rel *)(elf + e2e_rel_for(elf, "sample_ext")->sh_offset);
	rel->r_offset = e2e_section(elf, "sample_ext")->sh_size + 8;
	snprintf(want, sizeof(want),
		 "section 'sample_ext': relocation #0 at offset %#llx lies outside the section",
		 (unsigned long long)rel->r_offset);
	expect_refused(elf, size, -EINVAL, want);
	free(elf);

	/* A relocation against a symbol that does not exist. */
	elf = read_prog("global_data.bpf.o", &size);
	rel = (Elf64_Rel *)(elf + e2e_rel_for(elf, "sample_ext")->sh_offset);
	rel->r_info = ELF64_R_INFO(9999, R_BPF_64_64);
	expect_refused(elf, size, -EINVAL, "relocation #0 references unknown symbol 9999");
	free(elf);
	expect_good_opens("global_data.bpf.o");
}

void test_bad_map_zero_sizes(void **state)
{
	uint32_t zero = 0;
	uint8_t *elf, *maps;
	size_t size;

	add_sample();
	elf = read_prog("bad/map_no_key.bpf.o", &size);
	expect_refused(elf, size, -EINVAL, "map 'keyless': key size is zero");
	free(elf);
	elf = read_prog("bad/map_no_max_entries.bpf.o", &size);
	expect_refused(elf, size, -EINVAL, "map 'unbounded': max_entries is zero");
	free(elf);

	/* Legacy definitions: struct bpf_map_def { type, key_size, value_size, max_entries }. */
	elf = read_prog("legacy_maps.bpf.o", &size);
	maps = elf + e2e_section(elf, "maps")->sh_offset;
	memcpy(maps + e2e_symbol(elf, "legacy_hash")->st_value + 8, &zero, 4);
	expect_refused(elf, size, -EINVAL, "map 'legacy_hash': value size is zero");
	free(elf);
	elf = read_prog("legacy_maps.bpf.o", &size);
	maps = elf + e2e_section(elf, "maps")->sh_offset;
	memcpy(maps + e2e_symbol(elf, "legacy_array")->st_value + 4, &zero, 4);
	expect_refused(elf, size, -EINVAL, "map 'legacy_array': key size is zero");
	free(elf);
	expect_good_opens("legacy_maps.bpf.o");
}

/* A Linux map type the core lacks is named, in BTF and in legacy definitions alike. */
void test_bad_map_unsupported_type(void **state)
{
	uint32_t type = 4095; /* the last number below the extensions' own */
	uint8_t *elf;
	size_t size;

	add_sample();
	elf = read_prog("bad/map_user_ringbuf.bpf.o", &size);
	expect_refused(elf, size, -EINVAL, "map 'user_rb': map type 31 is not supported");
	free(elf);
	elf = read_prog("legacy_maps.bpf.o", &size);
	memcpy(elf + e2e_section(elf, "maps")->sh_offset + e2e_symbol(elf, "legacy_hash")->st_value,
	       &type, 4);
	expect_refused(elf, size, -EINVAL, "map 'legacy_hash': map type 4095 is not supported");
	free(elf);
}

void test_bad_duplicate_sections(void **state)
{
	size_t size;
	uint8_t *elf;

	add_sample();
	elf = read_prog("tail_call.bpf.o", &size);
	e2e_section(elf, "sample_ext/stage")->sh_name = e2e_section(elf, "sample_ext")->sh_name;
	expect_refused(elf, size, -EINVAL, "duplicate section 'sample_ext'");
	free(elf);
	expect_good_opens("tail_call.bpf.o");
}

/* An object refused by the verifier, after its maps were created: they all go. */
void test_refused_object_leaves_nothing(void **state)
{
	struct ebpf_object *obj = NULL;
	size_t before;

	add_sample();
	before = e2e_live_ids();
	assert_true(ebpf_object_open(e2e_prog_path("sample_refused.bpf.o"), NULL, &obj) < 0);
	assert_null(obj);
	assert_non_null(strstr(ebpf_last_error(), "sample_refused.bpf.o"));
	assert_non_null(strstr(ebpf_last_error(), "program 'writes_uid' refused"));
	assert_int_equal(e2e_live_ids(), before);
	expect_good_opens("sample_replace.bpf.o");
}

/*
 * The same with a map declared LIBBPF_PIN_BY_NAME, pinned when it was created: a refused object
 * must also drop that pin (libbpf unpins what a failed load pinned), or the map stays alive and
 * reachable, and a later object would silently reuse it.
 */
void test_refused_object_unpins_its_maps(void **state)
{
	struct ebpf_object_open_opts opts = { .sz = sizeof(opts), .only_program = "reads_map" };
	struct ebpf_object *obj = NULL;
	struct ebpf_map *map = NULL;
	size_t before;

	add_sample();
	before = e2e_live_ids();
	assert_true(ebpf_object_open(e2e_prog_path("e2e_pin_refused.bpf.o"), NULL, &obj) < 0);
	assert_null(obj);
	assert_non_null(strstr(ebpf_last_error(), "program 'writes_uid' refused"));
	if (ebpf_map_get_pinned("/sys/fs/bpf/e2e_refused_pin", &map) != -ENOENT) {
		ebpf_map_release(map);
		fail_msg("the refused object left its map pinned at /sys/fs/bpf/e2e_refused_pin");
	}
	assert_int_equal(e2e_live_ids(), before);

	/* With only the good program it loads, and pins its map. */
	if (ebpf_object_open(e2e_prog_path("e2e_pin_refused.bpf.o"), &opts, &obj))
		fail_msg("%s", ebpf_last_error());
	assert_int_equal(ebpf_map_get_pinned("/sys/fs/bpf/e2e_refused_pin", &map), 0);
	ebpf_map_release(map);
	ebpf_object_close(obj);
	assert_int_equal(ebpf_unpin("/sys/fs/bpf/e2e_refused_pin"), 0);
}
