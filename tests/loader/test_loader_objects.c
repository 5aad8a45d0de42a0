// SPDX-License-Identifier: MIT
/*
 * Objects of every format through the whole runtime: verify-only opens allocate no map
 * memory, iproute2's objects load with their pinning, tail-call sections and maps of maps,
 * and Debian's libxdp1 objects verify (skipped where the package is absent).
 */
#include <errno.h>
#include <malloc.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <extbpf/extbpf.h>

#include "linux_ext.h"
#include "sample_ext.h"

#define MB (1024u * 1024u)

static char path_buf[4096];

static const char *format_prog(const char *name)
{
	snprintf(path_buf, sizeof(path_buf), "%s/%s", FORMAT_PROGS_DIR, name);
	return path_buf;
}

static int open_object(const char *path, bool verify_only, struct ebpf_object **obj)
{
	struct ebpf_object_open_opts opts = {
		.sz = sizeof(opts),
		.mode = EBPF_MODE_INTERP,
		.verify_only = verify_only,
	};
	int err = ebpf_object_open(path, &opts, obj);

	if (err)
		fprintf(stderr, "%s: %s\n", path, ebpf_last_error());
	return err;
}

static size_t heap_in_use(void)
{
	struct mallinfo2 mi = mallinfo2();

	return mi.uordblks + mi.hblkhd;
}

/* ---- Verify-only opens: maps without storage --------------------------------------------- */

static void test_verify_only_allocates_no_map_memory(void **state)
{
	struct ebpf_object *obj;
	struct ebpf_map *map;
	uint64_t value[8];
	uint32_t key = 0;
	size_t before;

	(void)state;
	before = heap_in_use();
	assert_int_equal(open_object(format_prog("big_hash.bpf.o"), true, &obj), 0);
	/* 16 M entries of 64 bytes would be a gigabyte: a few kilobytes were used. */
	assert_true(heap_in_use() < before + 4 * MB);
	map = ebpf_object_find_map(obj, "big_hash");
	assert_non_null(map);
	assert_int_equal(ebpf_map_max_entries(map), 1u << 24);
	assert_int_equal(ebpf_map_value_size(map), sizeof(value));
	assert_int_equal(ebpf_map_lookup_elem(map, &key, value), -EOPNOTSUPP);
	assert_non_null(
	    strstr(ebpf_last_error(), "map 'big_hash': lookup: the map has no storage"));
	assert_int_equal(ebpf_map_update_elem(map, &key, value, EBPF_ANY), -EOPNOTSUPP);
	assert_int_equal(ebpf_map_get_next_key(map, NULL, &key), -EOPNOTSUPP);
	ebpf_object_close(obj);
	assert_true(heap_in_use() < before + 4 * MB);
}

static void test_verify_only_keeps_storage_on_request(void **state)
{
	struct ebpf_object_open_opts opts = {
		.sz = sizeof(opts),
		.verify_only = true,
		.keep_map_storage = true,
	};
	struct ebpf_object *obj;
	uint32_t key = 0;
	uint64_t value = 0;

	(void)state;
	snprintf(path_buf, sizeof(path_buf), "%s/legacy_nosize.bpf.o", FORMAT_PROGS_DIR);
	assert_int_equal(ebpf_object_open(path_buf, &opts, &obj), 0);
	assert_int_equal(ebpf_map_update_elem(ebpf_object_find_map(obj, "nosize_array"), &key,
					      &(uint64_t){ 5 }, EBPF_ANY),
			 0);
	assert_int_equal(
	    ebpf_map_lookup_elem(ebpf_object_find_map(obj, "nosize_array"), &key, &value), 0);
	assert_int_equal(value, 5);
	ebpf_object_close(obj);
}

/* A verify-only open pins nothing, and unsupported map types are described all the same. */
static void test_verify_only_pins_nothing(void **state)
{
	struct ebpf_object *obj;
	struct ebpf_map *pinned;

	(void)state;
	assert_int_equal(open_object(format_prog("btf_sized.bpf.o"), true, &obj), 0);
	assert_int_equal(ebpf_map_max_entries(ebpf_object_find_map(obj, "sized_events")),
			 ebpf_num_possible_cpus());
	assert_int_equal(ebpf_map_get_pinned("/sys/fs/bpf/sized_pinned", &pinned), -ENOENT);
	ebpf_object_close(obj);
}

/* ---- iproute2 objects -------------------------------------------------------------------- */

static uint32_t slot_id(struct ebpf_object *obj, const char *map, uint32_t slot)
{
	uint32_t id = 0;

	assert_int_equal(ebpf_map_lookup_elem(ebpf_object_find_map(obj, map), &slot, &id), 0);
	return id;
}

static void test_tc_object_loads(void **state)
{
	struct ebpf_object *obj, *again;
	struct ebpf_map *counts, *pinned;

	(void)state;
	assert_int_equal(open_object(format_prog("tc_elf_map.bpf.o"), false, &obj), 0);
	/* tail-call sections 1/0 and 1/3 are in slots 0 and 3 of the program array with id 1 */
	assert_int_equal(slot_id(obj, "jmp_tc", 0),
			 ebpf_program_id(ebpf_object_find_program(obj, "tc_tail0")));
	assert_int_equal(slot_id(obj, "jmp_tc", 3),
			 ebpf_program_id(ebpf_object_find_program(obj, "tc_tail3")));
	assert_string_equal(ebpf_program_type_name(ebpf_object_find_program(obj, "tc_tail0")),
			    "sched_cls");
	/* tc_inner (id 7, inner_idx 2) is in slot 2 of tc_outer (inner_id 7) */
	assert_int_equal(slot_id(obj, "tc_outer", 2),
			 ebpf_map_id(ebpf_object_find_map(obj, "tc_inner")));
	/* PIN_GLOBAL_NS: pinned at tc/globals/<name>, and a second load shares it */
	counts = ebpf_object_find_map(obj, "tc_counts");
	assert_int_equal(ebpf_map_get_pinned("/sys/fs/bpf/tc/globals/tc_counts", &pinned), 0);
	assert_ptr_equal(pinned, counts);
	ebpf_map_release(pinned);
	assert_int_equal(open_object(format_prog("tc_elf_map.bpf.o"), false, &again), 0);
	assert_ptr_equal(ebpf_object_find_map(again, "tc_counts"), counts);
	/* PIN_OBJECT_NS: shared by loads of the same object too */
	assert_ptr_equal(ebpf_object_find_map(again, "jmp_tc"),
			 ebpf_object_find_map(obj, "jmp_tc"));
	/* PIN_NONE: each load its own */
	assert_ptr_not_equal(ebpf_object_find_map(again, "tc_inner"),
			     ebpf_object_find_map(obj, "tc_inner"));
	ebpf_object_close(again);
	ebpf_object_close(obj);
	assert_int_equal(ebpf_unpin("/sys/fs/bpf/tc/globals/tc_counts"), 0);
}

/* Cilium's tail-call table: each load its own (CILIUM_PIN_REPLACE), never pinned; the map
 * pinned by name beside it is shared; tc/entry and tc/tail programs are sched_cls. */
static void test_cilium_calls_loads(void **state)
{
	struct ebpf_object *obj, *again;
	struct ebpf_map *pinned;

	(void)state;
	assert_int_equal(open_object(format_prog("cilium_calls.bpf.o"), false, &obj), 0);
	assert_int_equal(open_object(format_prog("cilium_calls.bpf.o"), false, &again), 0);
	assert_ptr_not_equal(ebpf_object_find_map(again, "calls_table"),
			     ebpf_object_find_map(obj, "calls_table"));
	assert_int_equal(ebpf_map_get_pinned("/sys/fs/bpf/calls_table", &pinned), -ENOENT);
	assert_ptr_equal(ebpf_object_find_map(again, "calls_seen"),
			 ebpf_object_find_map(obj, "calls_seen"));
	assert_string_equal(ebpf_program_type_name(ebpf_object_find_program(obj, "tail_ipv4")),
			    "sched_cls");
	assert_string_equal(ebpf_program_type_name(ebpf_object_find_program(obj, "from_container")),
			    "sched_cls");
	ebpf_object_close(again);
	ebpf_object_close(obj);
	assert_int_equal(ebpf_unpin("/sys/fs/bpf/calls_seen"), 0);
}

/* ---- Debian's libxdp1 --------------------------------------------------------------------- */

/*
 * xdpdump_bpf.o traces the XDP program of an interface: its fentry/fexit programs attach to
 * a BPF program's function, picked at run time (libbpf's attach_prog_fd). Here the target
 * is the XDP program of another libxdp object; CO-RE and the kernel's xdp_buff need the
 * kernel's BTF.
 */
#define XDPDUMP		      "xdpdump_bpf.o"
#define XDPDUMP_TARGET_OBJECT "xdpfilt_alw_all.o"
#define XDPDUMP_TARGET	      "xdpfilt_alw_all"

static bool is_object(const char *path, const char *name)
{
	const char *base = strrchr(path, '/');

	return !strcmp(base ? base + 1 : path, name);
}

/* Sets every program of the parsed obj to attach to function `function` of target. */
static int attach_all(struct ebpf_object *obj, const struct ebpf_program *target,
		      const char *function)
{
	struct ebpf_object_program_def def = { .sz = sizeof(def) };
	int err = 0;

	for (size_t i = 0; !err && !ebpf_object_program_def(obj, i, &def); i++)
		err = ebpf_object_set_attach_target(obj, def.name, target, function);
	return err;
}

static int open_xdpdump(const char *path, struct ebpf_object **obj)
{
	struct ebpf_object_open_opts opts = { .sz = sizeof(opts), .verify_only = true };
	struct ebpf_object *target_obj = NULL;
	struct ebpf_program *target;
	char target_path[4096];
	const char *slash = strrchr(path, '/');
	int err;

	snprintf(target_path, sizeof(target_path), "%.*s/%s", (int)(slash ? slash - path : 0), path,
		 XDPDUMP_TARGET_OBJECT);
	opts.only_program = XDPDUMP_TARGET;
	err = ebpf_object_open(target_path, &opts, &target_obj);
	if (err)
		return err;
	target = ebpf_object_find_program(target_obj, XDPDUMP_TARGET);
	opts.only_program = NULL;
	err = target ? ebpf_object_parse(path, &opts, obj) : -ENOENT;
	if (!err)
		err = attach_all(*obj, target, XDPDUMP_TARGET);
	ebpf_object_close(target_obj);
	if (!err)
		err = ebpf_object_load(*obj);
	if (err && *obj) {
		fprintf(stderr, "%s: %s\n", path, ebpf_last_error());
		ebpf_object_close(*obj);
		*obj = NULL;
	}
	return err;
}

static void test_libxdp_objects_verify(void **state)
{
	FILE *list = popen("dpkg -L libxdp1 2>/dev/null", "r");
	char line[4096];
	size_t objects = 0, accepted = 0;

	(void)state;
	while (list && fgets(line, sizeof(line), list)) {
		struct ebpf_object *obj = NULL;
		size_t len;
		int err;

		line[strcspn(line, "\n")] = '\0';
		len = strlen(line);
		if (len < 2 || strcmp(line + len - 2, ".o"))
			continue;
		objects++;
		if (is_object(line, XDPDUMP) && access("/sys/kernel/btf/vmlinux", R_OK)) {
			fprintf(stderr, "%s: not verified: /sys/kernel/btf/vmlinux is absent\n",
				line);
			continue;
		}
		/* its section names no kernel function: only its target program types it */
		if (is_object(line, XDPDUMP) && !open_object(line, true, &obj))
			fail_msg("%s verified without its target program", line);
		if (is_object(line, XDPDUMP))
			err = open_xdpdump(line, &obj);
		else
			err = open_object(line, true, &obj);
		if (err)
			fail_msg("%s refused: %s", line, ebpf_last_error());
		accepted++;
		ebpf_object_close(obj);
	}
	if (list)
		pclose(list);
	if (!objects) {
		fprintf(stderr,
			"skipped: Debian's libxdp1 is not installed (no objects to verify)\n");
		skip();
	}
	fprintf(stderr, "libxdp1: %zu of %zu objects verify\n", accepted, objects);
}

/* "?xdp" programs: typed as xdp, left out of a load until asked for by name or section, or by
 * ebpf_object_set_autoload; the refused one is refused when asked for. */
static void test_optional_sections(void **state)
{
	struct ebpf_object_open_opts opts = { .sz = sizeof(opts), .mode = EBPF_MODE_INTERP };
	struct ebpf_object *obj;

	(void)state;
	assert_int_equal(open_object(format_prog("optional.bpf.o"), false, &obj), 0);
	assert_non_null(ebpf_object_find_program(obj, "opt_main"));
	assert_null(ebpf_object_find_program(obj, "opt_ok"));
	assert_null(ebpf_object_find_program(obj, "opt_refused"));
	ebpf_object_close(obj);

	opts.only_program = "opt_ok";
	assert_int_equal(ebpf_object_open(format_prog("optional.bpf.o"), &opts, &obj), 0);
	assert_string_equal(ebpf_program_type_name(ebpf_object_find_program(obj, "opt_ok")), "xdp");
	ebpf_object_close(obj);

	opts.only_program = "opt_refused";
	assert_int_not_equal(ebpf_object_open(format_prog("optional.bpf.o"), &opts, &obj), 0);
	assert_non_null(strstr(ebpf_last_error(), "opt_refused"));
}

static int setup(void **state)
{
	struct ebpf_extension *ext;

	(void)state;
	if (ebpf_extension_add_static(&ebpf_extension_sample, &ext) ||
	    ebpf_extension_add_static(&ebpf_extension_linux, &ext) ||
	    ebpf_extension_load(PACKET_SO, &ext)) {
		fprintf(stderr, "extensions: %s\n", ebpf_last_error());
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ebpf_runtime_shutdown();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_verify_only_allocates_no_map_memory),
		cmocka_unit_test(test_verify_only_keeps_storage_on_request),
		cmocka_unit_test(test_verify_only_pins_nothing),
		cmocka_unit_test(test_tc_object_loads),
		cmocka_unit_test(test_cilium_calls_loads),
		cmocka_unit_test(test_libxdp_objects_verify),
		cmocka_unit_test(test_optional_sections),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
