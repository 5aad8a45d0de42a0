// SPDX-License-Identifier: MIT
/*
 * Open, configure, load (extbpf.h): a parsed object is configured by program, map and global
 * names before its load, and each configuration is what the loaded object then does; each
 * misuse fails with its message and leaves the object as it was.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "core/test_util.h"
#include "sample_ext.h"

static void add_sample(void)
{
	assert_int_equal(ebpf_extension_add_static(&ebpf_extension_sample, NULL), 0);
}

static struct ebpf_object *parse(const char *name)
{
	struct ebpf_object_open_opts opts = { .sz = sizeof(opts), .mode = EBPF_MODE_INTERP };
	struct ebpf_object *obj = NULL;

	if (ebpf_object_parse(prog_path(name), &opts, &obj))
		fail_msg("%s: %s", name, ebpf_last_error());
	return obj;
}

static uint64_t run(struct ebpf_object *obj, const char *program)
{
	struct ebpf_program *prog = ebpf_object_find_program(obj, program);
	struct ebpf_test_run_opts opts = { .sz = sizeof(opts) };

	assert_non_null(prog);
	assert_int_equal(ebpf_program_test_run(prog, &opts), 0);
	return opts.retval;
}

/* What every test configures for the object to load at all. */
static void configure_minimum(struct ebpf_object *obj)
{
	assert_int_equal(ebpf_object_set_map_max_entries(obj, "sized", 4), 0);
	assert_int_equal(ebpf_object_set_autoload(obj, "unsafe", false), 0);
	assert_int_equal(ebpf_object_set_program_type(obj, "untyped", "sample"), 0);
}

static int teardown(void **state)
{
	ebpf_runtime_shutdown();
	return 0;
}

/* Unconfigured, the object cannot load: the map has no size, one program is unsafe and one
 * has no type. Each configuration lifts one refusal. */
static void test_each_setting_is_needed(void **state)
{
	struct ebpf_object *obj = NULL;

	add_sample();
	assert_int_equal(ebpf_object_open(prog_path("configure.bpf.o"), NULL, &obj), -EINVAL);
	assert_true(error_has("map 'sized': max_entries is zero"));
	assert_null(obj);

	obj = parse("configure.bpf.o");
	assert_int_equal(ebpf_object_set_map_max_entries(obj, "sized", 4), 0);
	assert_int_equal(ebpf_object_set_program_type(obj, "untyped", "sample"), 0);
	assert_int_not_equal(ebpf_object_load(obj), 0);
	assert_true(error_has("program 'unsafe' refused"));
	ebpf_object_close(obj);

	obj = parse("configure.bpf.o");
	assert_int_equal(ebpf_object_set_map_max_entries(obj, "sized", 4), 0);
	assert_int_equal(ebpf_object_set_autoload(obj, "unsafe", false), 0);
	assert_int_not_equal(ebpf_object_load(obj), 0);
	assert_true(error_has("section 'custom/untyped'"));
	ebpf_object_close(obj);
}

/* Global data set before the load is what the program reads; the map has the host's size;
 * the program left out is not loaded; the untyped one runs as the type it was given. */
static void test_configured_object_runs(void **state)
{
	struct ebpf_object *obj;
	uint64_t seed = 10;
	uint32_t setting = 100, bss = 3;
	size_t size = 0;
	uint64_t *data;

	add_sample();
	obj = parse("configure.bpf.o");
	configure_minimum(obj);
	assert_int_equal(ebpf_object_set_global(obj, "setting", &setting, sizeof(setting)), 0);
	assert_int_equal(ebpf_object_set_global(obj, "bss_word", &bss, sizeof(bss)), 0);
	data = ebpf_object_initial_value(obj, ".data", &size);
	assert_non_null(data);
	assert_int_equal(size, sizeof(uint64_t));
	assert_int_equal(*data, 5); /* the object's own initial value */
	assert_int_equal(ebpf_object_set_initial_value(obj, ".data", &seed, sizeof(seed)), 0);
	assert_false(ebpf_object_is_loaded(obj));
	assert_null(ebpf_object_next_program(obj, NULL)); /* nothing exists before the load */

	assert_int_equal(ebpf_object_load(obj), 0);
	assert_true(ebpf_object_is_loaded(obj));
	assert_int_equal(ebpf_map_max_entries(ebpf_object_find_map(obj, "sized")), 4);
	assert_int_equal(run(obj, "configured"), 100 + 10 + 3 + 1000);
	assert_int_equal(run(obj, "untyped"), 7);
	assert_string_equal(ebpf_program_type_name(ebpf_object_find_program(obj, "untyped")),
			    "sample");
	assert_null(ebpf_object_find_program(obj, "unsafe"));
	ebpf_object_close(obj);

	/* A map of 3 entries has no slot 3: the program finds nothing there. */
	obj = parse("configure.bpf.o");
	configure_minimum(obj);
	assert_int_equal(ebpf_object_set_map_max_entries(obj, "sized", 3), 0);
	assert_int_equal(ebpf_object_load(obj), 0);
	assert_int_equal(run(obj, "configured"), 5);
	ebpf_object_close(obj);
}

/* A `const volatile` setting written through the pointer a skeleton would use. */
static void test_global_pointer(void **state)
{
	struct ebpf_object *obj;
	uint32_t *setting;
	size_t size = 0;

	add_sample();
	obj = parse("configure.bpf.o");
	configure_minimum(obj);
	setting = ebpf_object_global(obj, "setting", &size);
	assert_non_null(setting);
	assert_int_equal(size, sizeof(uint32_t));
	*setting = 40;
	assert_int_equal(ebpf_object_load(obj), 0);
	assert_int_equal(run(obj, "configured"), 40 + 5 + 1000);
	ebpf_object_close(obj);
}

static void test_program_type_by_guid(void **state)
{
	const nmr_guid_t sample = SAMPLE_PROGRAM_TYPE_GUID;
	const nmr_guid_t unknown = NMR_GUID(0x1, 0x2, 0x3, 0x4, 0x5);
	struct ebpf_object_program_def def = { .sz = sizeof(def) };
	struct ebpf_object *obj;

	add_sample();
	obj = parse("configure.bpf.o");
	assert_int_equal(ebpf_object_set_program_type_guid(obj, "untyped", &unknown), -ENOENT);
	assert_true(error_has("no loaded extension provides program type"));
	assert_int_equal(ebpf_object_set_program_type_guid(obj, "untyped", &sample), 0);
	assert_int_equal(ebpf_object_program_def(obj, 2, &def), 0);
	assert_string_equal(def.name, "untyped");
	assert_string_equal(def.type, "sample");
	assert_int_equal(ebpf_object_set_map_max_entries(obj, "sized", 4), 0);
	assert_int_equal(ebpf_object_set_autoload(obj, "unsafe", false), 0);
	assert_int_equal(ebpf_object_load(obj), 0);
	assert_int_equal(run(obj, "untyped"), 7);
	ebpf_object_close(obj);
}

/* The definitions as parsed, then as configured. */
static void test_definitions(void **state)
{
	struct ebpf_object_map_def map = { .sz = sizeof(map) };
	struct ebpf_object_program_def prog = { .sz = sizeof(prog) };
	struct ebpf_object *obj;
	size_t i;

	add_sample();
	obj = parse("configure.bpf.o");
	for (i = 0; !ebpf_object_map_def(obj, i, &map); i++) {
		if (!strcmp(map.name, "sized"))
			break;
	}
	assert_string_equal(map.name, "sized");
	assert_int_equal(map.max_entries, 0);
	assert_int_equal(map.value_size, 8);
	assert_int_equal(map.unset, EBPF_MAP_DEF_UNSET_MAX_ENTRIES);
	assert_int_equal(ebpf_object_set_map_max_entries(obj, "sized", 9), 0);
	assert_int_equal(ebpf_object_set_map_value_size(obj, "sized", 0), 0);
	assert_int_equal(ebpf_object_map_def(obj, i, &map), 0);
	assert_int_equal(map.unset, EBPF_MAP_DEF_UNSET_VALUE_SIZE);
	assert_int_equal(ebpf_object_set_map_value_size(obj, "sized", 16), 0);
	assert_int_equal(ebpf_object_set_map_key_size(obj, "sized", 4), 0);
	assert_int_equal(ebpf_object_set_map_flags(obj, "sized", EBPF_F_RDONLY_PROG), 0);
	assert_int_equal(ebpf_object_map_def(obj, i, &map), 0);
	assert_int_equal(map.max_entries, 9);
	assert_int_equal(map.value_size, 16);
	assert_int_equal(map.map_flags, EBPF_F_RDONLY_PROG);
	assert_int_equal(map.unset, 0);

	assert_int_equal(ebpf_object_set_autoload(obj, "unsafe", false), 0);
	assert_int_equal(ebpf_object_program_def(obj, 1, &prog), 0);
	assert_string_equal(prog.name, "unsafe");
	assert_string_equal(prog.section, "sample_ext/bad");
	assert_false(prog.autoload);
	assert_null(prog.type);
	assert_int_equal(ebpf_object_program_def(obj, 3, &prog), -ENOENT);
	ebpf_object_close(obj);
}

/* The flags the host sets are the map's: a read-only map for programs refuses the program's
 * store into it. */
static void test_map_flags_reach_the_verifier(void **state)
{
	struct ebpf_object *obj;

	add_sample();
	obj = parse("configure.bpf.o");
	configure_minimum(obj);
	assert_int_equal(ebpf_object_set_map_flags(obj, "sized", EBPF_F_RDONLY_PROG), 0);
	assert_int_not_equal(ebpf_object_load(obj), 0);
	assert_true(error_has("program 'configured' refused"));
	ebpf_object_close(obj);
}

static void test_inner_map(void **state)
{
	struct ebpf_object_map_def def = { .sz = sizeof(def) };
	struct ebpf_object *obj;

	add_sample();
	obj = parse("configure.bpf.o");
	configure_minimum(obj);
	assert_int_equal(ebpf_object_set_map_inner(obj, "sized", "inner_one"), -EINVAL);
	assert_true(error_has("map 'sized' is not a map of maps"));
	assert_int_equal(ebpf_object_set_map_inner(obj, "outer", "outer"), -EINVAL);
	assert_int_equal(ebpf_object_set_map_inner(obj, "outer", "inner_nope"), -ENOENT);
	assert_int_equal(ebpf_object_set_map_inner(obj, "outer", "inner_two"), 0);
	for (size_t i = 0; !ebpf_object_map_def(obj, i, &def); i++) {
		if (!strcmp(def.name, "outer"))
			break;
	}
	assert_string_equal(def.name, "outer");
	assert_string_equal(def.inner_map, "inner_two");
	assert_int_equal(ebpf_object_load(obj), 0);
	ebpf_object_close(obj);
}

/* Unknown names and sizes that do not fit: refused, the object unchanged and still loadable. */
static void test_misuse_before_load(void **state)
{
	struct ebpf_object *obj;
	uint64_t wide = 1;
	uint32_t narrow = 1;
	uint8_t image[64] = { 0 };

	add_sample();
	obj = parse("configure.bpf.o");
	assert_int_equal(ebpf_object_set_autoload(obj, "nope", false), -ENOENT);
	assert_true(error_has("no program or section named 'nope'"));
	assert_int_equal(ebpf_object_set_program_type(obj, "untyped", "no_such_type"), -ENOENT);
	assert_true(error_has("program type 'no_such_type'"));
	assert_int_equal(ebpf_object_set_map_max_entries(obj, "nope", 1), -ENOENT);
	assert_true(error_has("no map named 'nope'"));
	assert_int_equal(ebpf_object_set_map_max_entries(obj, ".rodata", 2), -EINVAL);
	assert_true(error_has("map '.rodata' holds the section's global data"));
	assert_int_equal(ebpf_object_set_global(obj, "nope", &narrow, sizeof(narrow)), -ENOENT);
	assert_true(error_has("no global variable named 'nope'"));
	assert_int_equal(ebpf_object_set_global(obj, "setting", &wide, sizeof(wide)), -EINVAL);
	assert_true(error_has("global 'setting' in map '.rodata' is 4 bytes, not 8"));
	assert_int_equal(ebpf_object_set_initial_value(obj, ".data", image, sizeof(image)),
			 -EINVAL);
	assert_true(error_has("map '.data': its initial value is 8 bytes, not 64"));
	assert_int_equal(ebpf_object_set_initial_value(obj, "sized", image, 8), -EINVAL);
	assert_true(error_has("map 'sized' is not global data"));
	assert_null(ebpf_object_initial_value(obj, "nope", NULL));
	assert_true(error_has("no map named 'nope'"));
	assert_int_equal(ebpf_object_set_attach_target(obj, "configured", NULL, ""), -EINVAL);
	assert_int_equal(ebpf_object_set_autoload(NULL, "unsafe", false), -EINVAL);

	/* Nothing of that changed the object. */
	configure_minimum(obj);
	assert_int_equal(ebpf_object_load(obj), 0);
	assert_int_equal(run(obj, "configured"), 0 + 5 + 0 + 1000);
	ebpf_object_close(obj);
}

/* A target set on a program whose type attaches through no BTF is an error, not ignored. */
static void test_attach_target_needs_btf_type(void **state)
{
	struct ebpf_object *obj;

	add_sample();
	obj = parse("configure.bpf.o");
	configure_minimum(obj);
	assert_int_equal(ebpf_object_set_attach_target(obj, "configured", NULL, "do_unlinkat"), 0);
	assert_int_equal(ebpf_object_load(obj), -EINVAL);
	assert_true(error_has("has attach target 'do_unlinkat', but program type 'sample'"));
	ebpf_object_close(obj);
}

/* Configure after the load, load twice, configure or load after a failed load: -EBUSY. */
static void test_misuse_after_load(void **state)
{
	struct ebpf_object_map_def def = { .sz = sizeof(def) };
	struct ebpf_object *obj;
	uint32_t v = 1;

	add_sample();
	obj = parse("configure.bpf.o");
	configure_minimum(obj);
	assert_int_equal(ebpf_object_load(obj), 0);
	assert_int_equal(ebpf_object_load(obj), -EBUSY);
	assert_true(error_has("already loaded"));
	assert_int_equal(ebpf_object_set_autoload(obj, "unsafe", true), -EBUSY);
	assert_int_equal(ebpf_object_set_map_max_entries(obj, "sized", 8), -EBUSY);
	assert_int_equal(ebpf_object_set_global(obj, "setting", &v, sizeof(v)), -EBUSY);
	assert_null(ebpf_object_initial_value(obj, ".data", NULL));
	assert_int_equal(ebpf_object_map_def(obj, 0, &def), -EBUSY);
	assert_int_equal(ebpf_map_max_entries(ebpf_object_find_map(obj, "sized")), 4);
	ebpf_object_close(obj);

	obj = parse("configure.bpf.o");
	assert_int_not_equal(ebpf_object_load(obj), 0); /* max_entries of 'sized' is 0 */
	assert_false(ebpf_object_is_loaded(obj));
	assert_null(ebpf_object_next_map(obj, NULL)); /* what the load created is gone */
	assert_int_equal(ebpf_object_set_map_max_entries(obj, "sized", 4), -EBUSY);
	assert_true(error_has("its load failed"));
	assert_int_equal(ebpf_object_load(obj), -EBUSY);
	ebpf_object_close(obj);
}

/* Parsed objects never loaded are freed by close and by shutdown (asan watches). */
static void test_parsed_objects_freed(void **state)
{
	struct ebpf_object *obj;
	struct ebpf_object_open_opts opts = { .sz = sizeof(opts), .only_program = "nope" };

	add_sample();
	obj = parse("configure.bpf.o");
	assert_non_null(ebpf_object_initial_value(obj, ".bss", NULL)); /* allocates .bss */
	ebpf_object_close(obj);
	parse("configure.bpf.o"); /* left to ebpf_runtime_shutdown */
	assert_int_equal(ebpf_object_parse(prog_path("configure.bpf.o"), &opts, &obj), -ENOENT);
	assert_true(error_has("no program or section named 'nope'"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_each_setting_is_needed, teardown),
		cmocka_unit_test_teardown(test_configured_object_runs, teardown),
		cmocka_unit_test_teardown(test_global_pointer, teardown),
		cmocka_unit_test_teardown(test_program_type_by_guid, teardown),
		cmocka_unit_test_teardown(test_definitions, teardown),
		cmocka_unit_test_teardown(test_map_flags_reach_the_verifier, teardown),
		cmocka_unit_test_teardown(test_inner_map, teardown),
		cmocka_unit_test_teardown(test_misuse_before_load, teardown),
		cmocka_unit_test_teardown(test_attach_target_needs_btf_type, teardown),
		cmocka_unit_test_teardown(test_misuse_after_load, teardown),
		cmocka_unit_test_teardown(test_parsed_objects_freed, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
