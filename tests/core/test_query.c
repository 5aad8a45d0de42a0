/* SPDX-License-Identifier: MIT */
/*
 * What the host can see: programs, maps and links by id (next-id style), link info, pinned links
 * and run statistics switched on on demand (ebpf_enable_stats), with their misuse.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <extbpf/extbpf.h>

#include "../../extensions/sample/sample_ext.h"
#include "core/test_util.h"

static int teardown(void **state)
{
	ebpf_runtime_shutdown();
	return 0;
}

static struct ebpf_extension *add_sample(void)
{
	struct ebpf_extension *ext = NULL;

	assert_int_equal(ebpf_extension_add_static(&ebpf_extension_sample, &ext), 0);
	return ext;
}

static struct ebpf_object *open_count(void)
{
	struct ebpf_object *obj = NULL;

	if (ebpf_object_open(prog_path("sample_count.bpf.o"), NULL, &obj))
		fail_msg("open: %s", ebpf_last_error());
	return obj;
}

static int fire(void)
{
	char buf[8] = "query";
	size_t count = 0;
	int err = sample_hook_fire(buf, sizeof(buf), 1, NULL, NULL, &count, NULL);

	return err ? err : (int)count;
}

/* Whether walking the ids of a kind meets id. */
static bool walk_finds(int (*next)(uint32_t, uint32_t *), uint32_t id)
{
	uint32_t cur = 0;

	while (!next(cur, &cur)) {
		if (cur == id)
			return true;
	}
	return false;
}

static void test_next_id_and_by_id(void **state)
{
	struct ebpf_extension *ext = add_sample();
	struct ebpf_object *obj = open_count();
	struct ebpf_program *prog = ebpf_object_find_program(obj, "count_hits"), *got = NULL;
	struct ebpf_map *map = ebpf_object_find_map(obj, "hits"), *got_map = NULL;
	struct ebpf_link *link = NULL;
	uint32_t link_id, last = 0, next = 0;

	assert_int_equal(ebpf_program_attach_by_name(prog, "sample_hook", NULL, 0, &link), 0);
	link_id = ebpf_link_id(link);
	assert_true(link_id > 0);
	assert_true(walk_finds(ebpf_program_get_next_id, ebpf_program_id(prog)));
	assert_true(walk_finds(ebpf_map_get_next_id, ebpf_map_id(map)));
	assert_true(walk_finds(ebpf_link_get_next_id, link_id));
	/* After the last: -ENOENT. */
	while (!ebpf_program_get_next_id(last, &next))
		last = next;
	assert_int_equal(ebpf_program_get_next_id(last, &next), -ENOENT);
	assert_int_equal(ebpf_program_get_next_id(UINT32_MAX, &next), -ENOENT);

	assert_int_equal(ebpf_program_get_by_id(ebpf_program_id(prog), &got), 0);
	assert_ptr_equal(got, prog);
	ebpf_program_release(got);
	assert_int_equal(ebpf_map_get_by_id(ebpf_map_id(map), &got_map), 0);
	assert_ptr_equal(got_map, map);
	ebpf_map_release(got_map);

	/* Gone objects are not found. */
	assert_int_equal(ebpf_link_detach(link), 0);
	assert_false(walk_finds(ebpf_link_get_next_id, link_id));
	ebpf_object_close(obj);
	assert_int_equal(ebpf_program_get_by_id(0, &got), -ENOENT);
	assert_true(error_has("no program has id 0"));
	assert_int_equal(ebpf_extension_unload(ext), 0);
}

static void test_query_misuse(void **state)
{
	struct ebpf_link_info info = { .sz = sizeof(info) };
	struct ebpf_program_stats stats = { .sz = 4 };

	assert_int_equal(ebpf_program_get_next_id(0, NULL), -EINVAL);
	assert_int_equal(ebpf_map_get_next_id(0, NULL), -EINVAL);
	assert_int_equal(ebpf_link_get_next_id(0, NULL), -EINVAL);
	assert_int_equal(ebpf_program_get_by_id(1, NULL), -EINVAL);
	assert_int_equal(ebpf_map_get_by_id(1, NULL), -EINVAL);
	assert_int_equal(ebpf_link_get_info(NULL, &info), -EINVAL);
	assert_int_equal(ebpf_link_get_info_by_id(12345, &info), -ENOENT);
	assert_true(error_has("no link has id 12345"));
	info.sz = 8;
	assert_int_equal(ebpf_link_get_info_by_id(1, &info), -EINVAL);
	assert_true(error_has("sizeof(struct ebpf_link_info)"));
	assert_int_equal(ebpf_program_get_stats(NULL, &stats), -EINVAL);
	assert_int_equal(ebpf_enable_stats(NULL), -EINVAL);
	ebpf_disable_stats(NULL); /* ignored */
}

static void test_link_info(void **state)
{
	struct ebpf_extension *ext = add_sample();
	struct ebpf_object *a = open_count(), *b = open_count();
	struct ebpf_program *pa = ebpf_object_find_program(a, "count_hits");
	struct ebpf_program *pb = ebpf_object_find_program(b, "count_hits");
	struct ebpf_link_info info = { .sz = sizeof(info) };
	const nmr_guid_t attach = SAMPLE_ATTACH_TYPE_GUID, type = SAMPLE_PROGRAM_TYPE_GUID;
	struct ebpf_link *link = NULL;

	assert_int_equal(ebpf_program_attach_by_name(pa, "sample_hook", NULL, 0, &link), 0);
	assert_int_equal(ebpf_link_get_info(link, &info), 0);
	assert_int_equal(info.id, ebpf_link_id(link));
	assert_int_equal(info.program_id, ebpf_program_id(pa));
	assert_true(nmr_guid_equal(&info.attach_type, &attach));
	assert_true(nmr_guid_equal(&info.program_type, &type));
	assert_false(info.dormant);
	assert_int_equal(info.params_size, 0);
	/* The program it runs follows ebpf_link_update. */
	assert_int_equal(ebpf_link_update(link, pb, pa), 0);
	memset(&info, 0, sizeof(info));
	info.sz = sizeof(info);
	assert_int_equal(ebpf_link_get_info_by_id(ebpf_link_id(link), &info), 0);
	assert_int_equal(info.program_id, ebpf_program_id(pb));
	/* Dormant while its extension is away. */
	assert_int_equal(ebpf_extension_unload(ext), 0);
	assert_int_equal(ebpf_link_get_info_by_id(ebpf_link_id(link), &info), 0);
	assert_true(info.dormant);
	assert_int_equal(ebpf_link_detach(link), 0);
	ebpf_object_close(a);
	ebpf_object_close(b);
}

/* Whether a link with this id is alive. */
static bool link_alive(uint32_t id)
{
	struct ebpf_link_info info = { .sz = sizeof(info) };

	return ebpf_link_get_info_by_id(id, &info) == 0;
}

/* A pinned link keeps running after its attacher let go, until it is unpinned. */
static void test_link_pin_keeps_running(void **state)
{
	struct ebpf_extension *ext = add_sample();
	struct ebpf_object *obj = open_count();
	struct ebpf_program *prog = ebpf_object_find_program(obj, "count_hits");
	struct ebpf_link *link = NULL, *pinned = NULL, *by_id = NULL;
	uint32_t id;

	assert_int_equal(ebpf_program_attach_by_name(prog, "sample_hook", NULL, 0, &link), 0);
	id = ebpf_link_id(link);
	assert_int_equal(ebpf_link_pin(link, "links/count"), 0);
	ebpf_link_release(link); /* the attacher lets go: the pin holds it */
	ebpf_object_close(obj);	 /* and the program stays, held by the link */
	assert_int_equal(fire(), 1);
	assert_true(link_alive(id));

	assert_int_equal(ebpf_link_get_pinned("links/count", &pinned), 0);
	assert_int_equal(ebpf_link_id(pinned), id);
	assert_int_equal(ebpf_link_get_by_id(id, &by_id), 0);
	assert_ptr_equal(by_id, pinned);
	ebpf_link_release(by_id);
	ebpf_link_release(pinned);
	assert_int_equal(fire(), 1);

	/* The pin was the last reference: the link detaches and goes. */
	assert_int_equal(ebpf_unpin("links/count"), 0);
	assert_int_equal(fire(), 0);
	assert_false(link_alive(id));
	assert_int_equal(ebpf_link_get_pinned("links/count", &pinned), -ENOENT);
	assert_int_equal(ebpf_extension_unload(ext), 0);
}

/* ebpf_link_detach stops a pinned link for every holder; the pin still names it. */
static void test_link_detach_pinned(void **state)
{
	struct ebpf_extension *ext = add_sample();
	struct ebpf_object *obj = open_count();
	struct ebpf_program *prog = ebpf_object_find_program(obj, "count_hits");
	struct ebpf_link_info info = { .sz = sizeof(info) };
	struct ebpf_link *link = NULL, *pinned = NULL;
	uint32_t id;

	assert_int_equal(ebpf_program_attach_by_name(prog, "sample_hook", NULL, 0, &link), 0);
	id = ebpf_link_id(link);
	assert_int_equal(ebpf_link_pin(link, "links/stopped"), 0);
	assert_int_equal(fire(), 1);
	assert_int_equal(ebpf_link_detach(link), 0);
	assert_int_equal(fire(), 0);
	assert_int_equal(ebpf_link_get_info_by_id(id, &info), 0);
	assert_true(info.dormant);
	assert_int_equal(info.program_id, ebpf_program_id(prog));
	assert_int_equal(ebpf_link_get_pinned("links/stopped", &pinned), 0);
	assert_true(ebpf_link_is_dormant(pinned, NULL, 0));
	/* Detaching again through another reference changes nothing but that reference. */
	assert_int_equal(ebpf_link_detach(pinned), 0);
	assert_true(link_alive(id));
	assert_int_equal(ebpf_unpin("links/stopped"), 0);
	assert_false(link_alive(id));
	ebpf_object_close(obj);
	assert_int_equal(ebpf_extension_unload(ext), 0);
}

static void test_link_pin_misuse(void **state)
{
	struct ebpf_extension *ext = add_sample(); /* unloaded by the shutdown */
	struct ebpf_object *obj = open_count();
	struct ebpf_program *prog = ebpf_object_find_program(obj, "count_hits");
	struct ebpf_program *not_prog = NULL;
	struct ebpf_link *link = NULL, *got = NULL;

	assert_int_equal(ebpf_link_pin(NULL, "links/none"), -EINVAL);
	assert_true(error_has("no link"));
	assert_int_equal(ebpf_program_attach_by_name(prog, "sample_hook", NULL, 0, &link), 0);
	assert_int_equal(ebpf_link_pin(link, ""), -EINVAL);
	assert_int_equal(ebpf_program_pin(prog, "taken"), 0);
	assert_int_equal(ebpf_link_pin(link, "taken"), -EEXIST);
	assert_true(error_has("already taken"));
	assert_int_equal(ebpf_link_get_pinned("taken", &got), -EINVAL);
	assert_true(error_has("a program is pinned there, not a link"));
	assert_int_equal(ebpf_link_pin(link, "links/mine"), 0);
	assert_int_equal(ebpf_program_get_pinned("links/mine", &not_prog), -EINVAL);
	assert_true(error_has("a link is pinned there, not a program"));
	assert_int_equal(ebpf_link_get_pinned("links/nothing", &got), -ENOENT);
	assert_int_equal(ebpf_link_get_by_id(12345, &got), -ENOENT);
	assert_true(error_has("no link has id 12345"));
	assert_int_equal(ebpf_link_get_by_id(ebpf_link_id(link), NULL), -EINVAL);
	ebpf_link_release(NULL); /* ignored */
	/* Shutting down with the link pinned and still held frees it (ASan's leak check). */
	ebpf_object_close(obj);
	assert_int_equal(fire(), 1);
	assert_non_null(ext);
}

static void test_stats_on_demand(void **state)
{
	struct ebpf_extension *ext = add_sample();
	struct ebpf_object *obj = open_count();
	struct ebpf_program *prog = ebpf_object_find_program(obj, "count_hits");
	struct ebpf_program_stats stats = { .sz = sizeof(stats) };
	struct ebpf_stats_handle *h1 = NULL, *h2 = NULL;
	struct ebpf_link *link = NULL;

	assert_int_equal(ebpf_program_attach_by_name(prog, "sample_hook", NULL, 0, &link), 0);
	/* Off by default. */
	assert_int_equal(fire(), 1);
	assert_int_equal(ebpf_program_get_stats(prog, &stats), 0);
	assert_int_equal(stats.run_count, 0);
	assert_int_equal(stats.run_time_ns, 0);
	/* On while any handle is held. */
	assert_int_equal(ebpf_enable_stats(&h1), 0);
	assert_int_equal(ebpf_enable_stats(&h2), 0);
	for (int i = 0; i < 3; i++)
		assert_int_equal(fire(), 1);
	ebpf_disable_stats(h1);
	assert_int_equal(fire(), 1);
	assert_int_equal(ebpf_program_get_stats(prog, &stats), 0);
	assert_int_equal(stats.run_count, 4);
	assert_true(stats.run_time_ns > 0);
	/* Off again once the last handle is given back. */
	ebpf_disable_stats(h2);
	assert_int_equal(fire(), 1);
	assert_int_equal(ebpf_program_get_stats(prog, &stats), 0);
	assert_int_equal(stats.run_count, 4);
	assert_int_equal(ebpf_link_detach(link), 0);
	ebpf_object_close(obj);
	assert_int_equal(ebpf_extension_unload(ext), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_next_id_and_by_id, teardown),
		cmocka_unit_test_teardown(test_query_misuse, teardown),
		cmocka_unit_test_teardown(test_link_info, teardown),
		cmocka_unit_test_teardown(test_stats_on_demand, teardown),
		cmocka_unit_test_teardown(test_link_pin_keeps_running, teardown),
		cmocka_unit_test_teardown(test_link_detach_pinned, teardown),
		cmocka_unit_test_teardown(test_link_pin_misuse, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
