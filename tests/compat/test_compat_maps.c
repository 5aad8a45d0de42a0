/* SPDX-License-Identifier: MIT */
/*
 * Map types from extensions (the Map Information NPI): a type built against the frozen
 * map-info headers (frozen-map-v1) used by a clang program in every engine, and what the
 * runtime refuses of such types (a number the core owns or that is no one's, a taken number,
 * unknown flags, versions and sizes) and of their maps, with messages naming the type.
 */
#define EBPF_EXTENSION_STATIC 1

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <extbpf/extbpf.h>
#include <extbpf/extension.h>

#include "compat/frozen_map_ext.h"
#include "packet_ext.h"

static const enum ebpf_exec_mode modes[] = { EBPF_MODE_INTERP, EBPF_MODE_JIT, EBPF_MODE_NATIVE };

static int setup(void **state)
{
	struct ebpf_extension *ext;

	if (ebpf_extension_add_static(frozen_map_descriptor(), &ext) ||
	    ebpf_extension_add_static(&ebpf_extension_packet, &ext))
		fail_msg("extensions: %s", ebpf_last_error());
	*state = ext;
	return 0;
}

static int teardown(void **state)
{
	ebpf_runtime_shutdown();
	return 0;
}

static void test_clang_program_in_every_engine(void **state)
{
	unsigned char frame[60] = { 0 };

	for (size_t m = 0; m < sizeof(modes) / sizeof(modes[0]); m++) {
		struct ebpf_object_open_opts opts = { .sz = sizeof(opts), .mode = modes[m] };
		struct ebpf_test_run_opts run = {
			.sz = sizeof(run),
			.data_in = frame,
			.data_size_in = sizeof(frame),
		};
		struct ebpf_object *obj;
		struct ebpf_program *prog;
		struct ebpf_map *map;
		uint32_t key = 0;
		uint64_t value;

		if (ebpf_object_open(COMPAT_PROGS_DIR "/ext_map.bpf.o", &opts, &obj))
			fail_msg("mode %d: %s", modes[m], ebpf_last_error());
		prog = ebpf_object_find_program(obj, "count_packets");
		map = ebpf_object_find_map(obj, "counters");
		assert_int_equal(ebpf_map_type(map), FROZEN_MAP_TYPE);
		assert_string_equal(ebpf_map_type_name(map), "counters");
		for (int i = 0; i < 3; i++) {
			assert_int_equal(ebpf_program_test_run(prog, &run), 0);
			assert_int_equal(run.retval, 2); /* XDP_PASS */
		}
		assert_int_equal(ebpf_map_lookup_elem(map, &key, &value), 0);
		assert_int_equal(value, 3);
		key = 3;
		assert_int_equal(ebpf_map_lookup_elem(map, &key, &value), 0);
		assert_int_equal(value, sizeof(frame));
		/* The extension's data is reachable only through its own type information. */
		assert_non_null(ebpf_map_extension_data(map, frozen_map_type_info()));
		ebpf_object_close(obj);
	}
}

/* ---- maps of the type ---------------------------------------------------------------------- */

static void expect_error(int err, int expected, const char *needle)
{
	assert_int_equal(err, expected);
	if (!strstr(ebpf_last_error(), needle))
		fail_msg("expected '%s' in: %s", needle, ebpf_last_error());
}

static void test_map_misuse(void **state)
{
	struct ebpf_map *map = NULL, *hash = NULL;
	uint32_t key = 9;
	uint64_t value = 1;

	expect_error(ebpf_map_create(FROZEN_MAP_TYPE, "c", 8, 8, 4, NULL, &map), -EINVAL,
		     "map 'c': key_size is not the one this map type requires");
	expect_error(ebpf_map_create(FROZEN_MAP_TYPE, "c", 4, 4, 4, NULL, &map), -EINVAL,
		     "value_size is outside the sizes this map type accepts");
	expect_error(ebpf_map_create(FROZEN_MAP_TYPE, "c", 4, 8, 2000, NULL, &map), -E2BIG,
		     "at most 1024 counters");
	expect_error(
	    ebpf_map_create(FROZEN_MAP_TYPE, "c", 4, 8, 4,
			    &(struct ebpf_map_create_opts){
				.sz = sizeof(struct ebpf_map_create_opts), .map_flags = 1 },
			    &map),
	    -EINVAL, "map_flags");
	expect_error(ebpf_map_create(4096 + 99, "c", 4, 8, 4, NULL, &map), -EINVAL,
		     "map type 4195 is not supported");
	assert_null(map);

	assert_int_equal(ebpf_map_create(FROZEN_MAP_TYPE, "c", 4, 8, 4, NULL, &map), 0);
	expect_error(ebpf_map_update_elem(map, &key, &value, EBPF_ANY), -E2BIG, "map 'c'");
	expect_error(ebpf_map_update_elem(map, NULL, &value, EBPF_ANY), -EINVAL, "key is NULL");
	expect_error(ebpf_map_delete_elem(map, &key), -EOPNOTSUPP, "not supported");
	key = 1;
	assert_int_equal(ebpf_map_update_elem(map, &key, &value, EBPF_ANY), 0);
	/* Access flags are the core's, for every type. */
	assert_int_equal(ebpf_map_freeze(map), 0);
	expect_error(ebpf_map_update_elem(map, &key, &value, EBPF_ANY), -EPERM, "frozen");
	/* Not an inner map: its operations are not the maps module's. */
	expect_error(
	    ebpf_map_create(EBPF_MAP_TYPE_HASH_OF_MAPS, "outer", 4, 4, 4,
			    &(struct ebpf_map_create_opts){
				.sz = sizeof(struct ebpf_map_create_opts), .inner_map = map },
			    &hash),
	    -EOPNOTSUPP, "cannot be inner maps");
	/* Another type's data is never handed out. */
	assert_int_equal(ebpf_map_create(EBPF_MAP_TYPE_HASH, "h", 4, 4, 4, NULL, &hash), 0);
	assert_null(ebpf_map_extension_data(hash, frozen_map_type_info()));
	ebpf_map_release(hash);
	ebpf_map_release(map);
}

/* ---- map types the runtime refuses -------------------------------------------------------- */

static int register_type(const struct ebpf_map_type_info *info)
{
	const struct ebpf_map_type_info *types[] = { info };
	struct ebpf_extension_registration reg = {
		.header = EBPF_EXTENSION_HEADER(struct ebpf_extension_registration,
						EBPF_EXTENSION_REGISTRATION_VERSION),
		.module_id = NMR_GUID(0xf202e000, 0x0003, 0x4000, 0x8000, 0x000000000000),
		.map_types = types,
		.map_type_count = 1,
	};
	struct ebpf_extension_providers *providers = NULL;
	int err = ebpf_extension_register(ebpf_runtime_registrar(), &reg, &providers);

	if (!err)
		ebpf_extension_deregister(providers);
	return err;
}

static void *noop_lookup(void *map, const void *key)
{
	return NULL;
}

static int noop_create(const struct ebpf_map_create_attr *attr, void **map, const char **why)
{
	*map = (void *)attr;
	return 0;
}

static void noop_free(void *map)
{
}

static void test_type_refusals(void **state)
{
	struct ebpf_map_type_info t = {
		.header =
		    EBPF_EXTENSION_HEADER(struct ebpf_map_type_info, EBPF_MAP_TYPE_INFO_VERSION),
		.name = "probe",
		.map_type = 4096 + 50,
		.create = noop_create,
		.free = noop_free,
		.lookup = noop_lookup,
	};
	struct ebpf_map_type_info bad;

	assert_int_equal(register_type(&t), 0);
	bad = t;
	bad.map_type = EBPF_MAP_TYPE_HASH;
	expect_error(register_type(&bad), -EINVAL, "map type 1 is the core's own 'hash'");
	bad.map_type = 100;
	expect_error(register_type(&bad), -EINVAL,
		     "map type number 100 is neither Linux's (1..33) nor an extension's");
	bad.map_type = FROZEN_MAP_TYPE;
	expect_error(register_type(&bad), -EINVAL,
		     "map type 4097 'counters' is registered already");
	bad = t;
	bad.name = "counters";
	expect_error(register_type(&bad), -EINVAL, "'counters' is registered already");
	bad = t;
	bad.flags = 0x80000000u;
	expect_error(register_type(&bad), -EINVAL,
		     "map type flags has unknown flag bits 0x80000000");
	bad = t;
	bad.header.version = 2;
	expect_error(register_type(&bad), -EINVAL,
		     "struct ebpf_map_type_info has unknown version 2 (this runtime knows 1)");
	bad = t;
	bad.header.size = 8;
	expect_error(register_type(&bad), -EINVAL, "version 1 has unknown size 8 bytes");
	bad = t;
	bad.flags = EBPF_MAP_TYPE_VERIFY_ONLY;
	expect_error(register_type(&bad), -EINVAL, "needs its unavailable_reason");
	bad = t;
	bad.free = NULL;
	expect_error(register_type(&bad), -EINVAL, "no create or free operation");
	bad = t;
	bad.map_flags = EBPF_F_RDONLY_PROG;
	expect_error(register_type(&bad), -EINVAL, "names access flags");
	/* Nothing of a refused registration stays: the number is free again. */
	assert_int_equal(register_type(&t), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_clang_program_in_every_engine, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_map_misuse, setup, teardown),
		cmocka_unit_test_setup_teardown(test_type_refusals, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
