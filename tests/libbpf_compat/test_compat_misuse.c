/* SPDX-License-Identifier: MIT */
/*
 * extbpf-libbpf used wrongly: bad and closed descriptors, descriptors of the other kind, NULL
 * arguments, wrong key and value sizes, configuration after the load, a broken object. Each
 * must fail as libbpf does (negative errno returned and set in errno, NULL and errno for
 * pointers), with a message through libbpf_set_print, and leave what is loaded working.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

static char last_msg[1024];

static int capture_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	vsnprintf(last_msg, sizeof(last_msg), fmt, ap);
	return 0;
}

static const char *object_path(void)
{
	static char path[4096];

	snprintf(path, sizeof(path), "%s/progs/compat_xdp.bpf.o", COMPAT_TEST_DIR);
	return path;
}

static struct bpf_object *open_loaded(void)
{
	struct bpf_object *obj = bpf_object__open_file(object_path(), NULL);

	assert_non_null(obj);
	assert_int_equal(bpf_object__load(obj), 0);
	return obj;
}

/* errno and the return value agree, and the message names what was wrong. */
static void assert_fails(int ret, int err, const char *words)
{
	assert_int_equal(ret, -err);
	assert_int_equal(errno, err);
	if (words)
		assert_non_null(strstr(last_msg, words));
}

static void test_bad_descriptors(void **state)
{
	struct bpf_object *obj = open_loaded();
	int prog_fd = bpf_program__fd(bpf_object__find_program_by_name(obj, "xdp_count"));
	int map_fd = bpf_object__find_map_fd_by_name(obj, "counts");
	__u8 key = 1;
	__u64 value = 5;

	(void)state;
	assert_fails(bpf_map_lookup_elem(-1, &key, &value), EBADF, "fd -1");
	assert_fails(bpf_map_update_elem(12345, &key, &value, BPF_ANY), EBADF, "fd 12345");
	/* stdin is a descriptor, but not one of ours */
	assert_fails(bpf_map_delete_elem(0, &key), EBADF, NULL);
	/* a program is not a map, a map not a program */
	assert_fails(bpf_map_lookup_elem(prog_fd, &key, &value), EINVAL, "is not a map");
	LIBBPF_OPTS(bpf_test_run_opts, opts, .repeat = 1);
	assert_fails(bpf_prog_test_run_opts(map_fd, &opts), EINVAL, "is not a program");
	assert_fails(bpf_prog_test_run_opts(prog_fd, NULL), EINVAL, "opts is NULL");
	assert_fails(ring_buffer__new(prog_fd, NULL, NULL, NULL) ? 0 : -errno, EINVAL, NULL);
	/* the map still works */
	assert_int_equal(bpf_map_update_elem(map_fd, &key, &value, BPF_ANY), 0);
	assert_int_equal(bpf_map_lookup_elem(map_fd, &key, &value), 0);
	assert_int_equal(value, 5);
	bpf_object__close(obj);
	/* closed with its object: the descriptor names nothing any more */
	assert_fails(bpf_map_lookup_elem(map_fd, &key, &value), EBADF, NULL);
}

/* A descriptor the host close()d itself is seen as closed, even when its number comes back. */
static void test_host_closed_descriptor(void **state)
{
	struct bpf_object *obj = open_loaded();
	int map_fd = bpf_object__find_map_fd_by_name(obj, "counts");
	int pinned, other;
	__u8 key = 2;
	__u64 value = 0;

	(void)state;
	assert_int_equal(bpf_obj_pin(map_fd, "/sys/fs/bpf/compat_misuse_counts"), 0);
	pinned = bpf_obj_get("/sys/fs/bpf/compat_misuse_counts");
	assert_true(pinned >= 0);
	assert_int_not_equal(pinned, map_fd);
	assert_int_equal(bpf_map_update_elem(pinned, &key, &value, BPF_ANY), 0);
	assert_int_equal(bpf_map_lookup_elem(map_fd, &key, &value), 0);
	close(pinned);
	assert_fails(bpf_map_lookup_elem(pinned, &key, &value), EBADF, NULL);
	other = dup(0); /* likely the same number again */
	assert_fails(bpf_map_lookup_elem(other, &key, &value), EBADF, NULL);
	close(other);
	assert_fails(bpf_obj_pin(map_fd, "/sys/fs/bpf/compat_misuse_counts"), EEXIST, NULL);
	bpf_object__close(obj);
}

static void test_sizes_and_nulls(void **state)
{
	struct bpf_object *obj = bpf_object__open_file(object_path(), NULL);
	struct bpf_map *counts, *rodata;
	__u8 key = 1;
	__u64 value = 0;
	__u32 small = 0;
	char big[64] = { 0 };

	(void)state;
	assert_non_null(obj);
	counts = bpf_object__find_map_by_name(obj, "counts");
	rodata = bpf_object__find_map_by_name(obj, ".rodata");
	assert_non_null(counts);
	assert_non_null(rodata);
	assert_null(bpf_object__find_map_by_name(obj, "nope"));
	assert_int_equal(errno, ENOENT);
	assert_null(bpf_object__find_program_by_name(obj, NULL));
	assert_int_equal(errno, EINVAL);
	/* before the load there is no descriptor */
	assert_fails(bpf_map__fd(counts), EINVAL, "not loaded");
	assert_fails(bpf_map__lookup_elem(counts, &key, 1, &value, 8, 0), ENOENT, "not loaded");
	/* the .rodata image has the section's size exactly */
	assert_fails(bpf_map__set_initial_value(rodata, big, sizeof(big)), EINVAL, ".rodata");
	assert_fails(bpf_map__set_initial_value(rodata, NULL, 8), EINVAL, "data is NULL");
	assert_fails(bpf_map__set_initial_value(NULL, big, 8), EINVAL, NULL);
	assert_int_equal(bpf_map__set_max_entries(counts, 32), 0);
	assert_int_equal(bpf_map__max_entries(counts), 32);
	assert_int_equal(bpf_object__load(obj), 0);
	assert_int_equal(bpf_map__max_entries(counts), 32);
	/* after the load: no configuration, a second load refused */
	assert_fails(bpf_map__set_max_entries(counts, 64), EBUSY, "after the load");
	assert_fails(bpf_map__set_initial_value(rodata, big, 8), EBUSY, "after the load");
	assert_fails(bpf_object__load(obj), EINVAL, "already loaded");
	/* sizes checked as libbpf checks them */
	assert_fails(bpf_map__lookup_elem(counts, &key, 4, &value, 8, 0), EINVAL, "key size 4");
	assert_fails(bpf_map__update_elem(counts, &key, 1, &small, sizeof(small), 0), EINVAL,
		     "value size 4");
	assert_fails(bpf_map__delete_elem(counts, &key, 1, 1), EINVAL, "flags");
	assert_fails(bpf_map__lookup_elem(counts, &key, 1, &value, 8, 0), ENOENT, NULL);
	value = 9;
	assert_int_equal(bpf_map__update_elem(counts, &key, 1, &value, 8, BPF_NOEXIST), 0);
	assert_fails(bpf_map__update_elem(counts, &key, 1, &value, 8, BPF_NOEXIST), EEXIST, NULL);
	/* NULL objects */
	assert_fails(bpf_object__load(NULL), EINVAL, NULL);
	assert_int_equal(bpf_program__fd(NULL), -EINVAL);
	assert_int_equal(bpf_link__destroy(NULL), 0);
	bpf_object__close(NULL);
	bpf_object__close(obj);
}

static void test_bad_objects(void **state)
{
	static const char junk[] = "not an ELF object at all";

	(void)state;
	assert_null(bpf_object__open_file("/nonexistent/prog.o", NULL));
	assert_int_equal(errno, ENOENT);
	assert_non_null(strstr(last_msg, "/nonexistent/prog.o"));
	assert_null(bpf_object__open_mem(junk, sizeof(junk), NULL));
	assert_true(errno > 0);
	assert_int_equal(libbpf_get_error(NULL), -errno);
	assert_null(bpf_object__open_mem(NULL, 0, NULL));
	assert_int_equal(errno, EINVAL);
	LIBBPF_OPTS(bpf_object_open_opts, opts, .pin_root_path = "/elsewhere");
	assert_null(bpf_object__open_file(object_path(), &opts));
	assert_int_equal(errno, EOPNOTSUPP);
	assert_non_null(strstr(last_msg, "/elsewhere"));
}

/* XDP needs its device to attach: no default attach type; a named one with bad parameters. */
static void test_attach(void **state)
{
	struct bpf_object *obj = open_loaded();
	struct bpf_program *prog = bpf_object__find_program_by_name(obj, "xdp_count");
	struct {
		__u32 ifindex, flags;
	} params = { 0, 0 };

	(void)state;
	assert_null(bpf_program__attach(prog));
	assert_int_equal(errno, EOPNOTSUPP);
	assert_non_null(strstr(last_msg, "bpf_program__attach_extbpf"));
	assert_null(bpf_program__attach_extbpf(prog, "no_such_hook", NULL, 0));
	assert_true(errno > 0);
	assert_null(bpf_program__attach_extbpf(prog, "xdp", &params, sizeof(params)));
	assert_int_equal(errno, EINVAL);
	assert_int_equal(bpf_program__type(prog), BPF_PROG_TYPE_XDP);
	assert_fails(bpf_program__set_autoload(prog, false), EINVAL, "after the load");
	bpf_object__close(obj);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_descriptors),
		cmocka_unit_test(test_host_closed_descriptor),
		cmocka_unit_test(test_sizes_and_nulls),
		cmocka_unit_test(test_bad_objects),
		cmocka_unit_test(test_attach),
	};

	libbpf_set_print(capture_print);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
