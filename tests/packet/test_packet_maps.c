/* SPDX-License-Identifier: MIT */
/*
 * The packet extension's map types, added through the Map Information NPI: the host's view of
 * each (Linux's rules), clang programs redirecting through them in every engine (an xskmap into
 * a host queue, a cpumap, a devmap_hash), the verifier refusing what programs may not do with
 * them, sockmaps for verification only, and maps outliving the extension's unload.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "packet_test_util.h"

#define PROG(name) PACKET_PROGS_DIR "/" name

static const enum ebpf_exec_mode all_modes[] = { EBPF_MODE_INTERP, EBPF_MODE_JIT,
						 EBPF_MODE_NATIVE };
static const nmr_guid_t xdp_attach = XDP_ATTACH_TYPE_GUID;

static int setup(void **state)
{
	packet_runtime_start();
	return 0;
}

static int teardown(void **state)
{
	packet_runtime_stop();
	return 0;
}

static struct ebpf_map *must_create(enum ebpf_map_type type, uint32_t value_size,
				    uint32_t max_entries)
{
	struct ebpf_map *map = NULL;

	if (ebpf_map_create(type, "m", 4, value_size, max_entries, NULL, &map))
		fail_msg("map type %d: %s", type, ebpf_last_error());
	return map;
}

static void expect_create_error(enum ebpf_map_type type, uint32_t key_size, uint32_t value_size,
				uint32_t max_entries, int err, const char *needle)
{
	struct ebpf_map *map = NULL;

	assert_int_equal(
	    ebpf_map_create(type, "bad", key_size, value_size, max_entries, NULL, &map), err);
	assert_null(map);
	if (!strstr(ebpf_last_error(), needle))
		fail_msg("expected '%s' in: %s", needle, ebpf_last_error());
}

/* ---- the host's view ---------------------------------------------------------------------- */

static void test_devmap(void **state)
{
	struct ebpf_map *map = must_create(EBPF_MAP_TYPE_DEVMAP, 4, 4);
	struct ebpf_map *map8 = must_create(EBPF_MAP_TYPE_DEVMAP, 8, 4);
	uint32_t key = 2, ifindex = 3, out = 0, next;
	uint32_t val8[2] = { 5, 9 }, out8[2];

	assert_int_equal(ebpf_map_lookup_elem(map, &key, &out), -ENOENT);
	/* As Linux: every slot of a devmap exists. */
	assert_int_equal(ebpf_map_update_elem(map, &key, &ifindex, EBPF_NOEXIST), -EEXIST);
	assert_int_equal(ebpf_map_update_elem(map, &key, &ifindex, EBPF_ANY), 0);
	assert_int_equal(ebpf_map_lookup_elem(map, &key, &out), 0);
	assert_int_equal(out, 3);
	ifindex = 0;
	assert_int_equal(ebpf_map_update_elem(map, &key, &ifindex, EBPF_ANY), -EINVAL);
	key = 4;
	assert_int_equal(ebpf_map_update_elem(map, &key, &ifindex, EBPF_ANY), -E2BIG);
	assert_int_equal(ebpf_map_delete_elem(map, &key), -EINVAL);
	key = 2;
	assert_int_equal(ebpf_map_delete_elem(map, &key), 0);
	assert_int_equal(ebpf_map_delete_elem(map, &key), 0); /* as Linux: empty slots delete */
	assert_int_equal(ebpf_map_lookup_elem(map, &key, &out), -ENOENT);
	assert_int_equal(ebpf_map_get_next_key(map, NULL, &next), 0);
	assert_int_equal(next, 0);
	key = 3;
	assert_int_equal(ebpf_map_get_next_key(map, &key, &next), -ENOENT);

	assert_int_equal(ebpf_map_update_elem(map8, &key, val8, EBPF_ANY), 0);
	assert_int_equal(ebpf_map_lookup_elem(map8, &key, out8), 0);
	assert_memory_equal(out8, val8, sizeof(val8));
	expect_create_error(EBPF_MAP_TYPE_DEVMAP, 4, 6, 1, -EINVAL, "value_size");
	expect_create_error(EBPF_MAP_TYPE_DEVMAP, 8, 4, 1, -EINVAL, "key_size");
	assert_string_equal(ebpf_map_type_name(map), "devmap");
	ebpf_map_release(map);
	ebpf_map_release(map8);
}

static void test_devmap_hash(void **state)
{
	struct ebpf_map *map = must_create(EBPF_MAP_TYPE_DEVMAP_HASH, 4, 2);
	uint32_t key = 1000, ifindex = 7, out, next, seen = 0;

	assert_int_equal(ebpf_map_update_elem(map, &key, &ifindex, EBPF_ANY), 0);
	assert_int_equal(ebpf_map_update_elem(map, &key, &ifindex, EBPF_NOEXIST), -EEXIST);
	assert_int_equal(ebpf_map_lookup_elem(map, &key, &out), 0);
	assert_int_equal(out, 7);
	key = 1;
	assert_int_equal(ebpf_map_update_elem(map, &key, &ifindex, EBPF_EXIST), -ENOENT);
	ifindex = 0;
	assert_int_equal(ebpf_map_update_elem(map, &key, &ifindex, EBPF_ANY), -EINVAL);
	ifindex = 8;
	assert_int_equal(ebpf_map_update_elem(map, &key, &ifindex, EBPF_ANY), 0);
	key = 2;
	assert_int_equal(ebpf_map_update_elem(map, &key, &ifindex, EBPF_ANY), -E2BIG); /* full */
	/* Both keys, each once. */
	for (int err = ebpf_map_get_next_key(map, NULL, &next); !err;
	     err = ebpf_map_get_next_key(map, &next, &next))
		seen |= next == 1 ? 1 : next == 1000 ? 2 : 4;
	assert_int_equal(seen, 3);
	key = 1000;
	assert_int_equal(ebpf_map_delete_elem(map, &key), 0);
	assert_int_equal(ebpf_map_delete_elem(map, &key), -ENOENT);
	assert_int_equal(ebpf_map_lookup_elem(map, &key, &out), -ENOENT);
	/* The deleted slot is reused and the other key is still found. */
	key = 2;
	assert_int_equal(ebpf_map_update_elem(map, &key, &ifindex, EBPF_ANY), 0);
	key = 1;
	assert_int_equal(ebpf_map_lookup_elem(map, &key, &out), 0);
	assert_int_equal(out, 8);
	expect_create_error(EBPF_MAP_TYPE_DEVMAP_HASH, 8, 4, 1, -EINVAL, "key_size");
	ebpf_map_release(map);
}

static void test_cpumap_and_xskmap(void **state)
{
	struct ebpf_map *cpus = must_create(EBPF_MAP_TYPE_CPUMAP, 4, 1);
	struct ebpf_map *xsks = must_create(EBPF_MAP_TYPE_XSKMAP, 4, 2);
	uint32_t key = 0, qsize = 64, out, id;
	struct xdp_xsk *q;

	assert_int_equal(ebpf_map_update_elem(cpus, &key, &qsize, EBPF_ANY), 0);
	assert_int_equal(ebpf_map_lookup_elem(cpus, &key, &out), 0);
	assert_int_equal(out, 64);
	qsize = 16385; /* Linux's limit is 16384 */
	assert_int_equal(ebpf_map_update_elem(cpus, &key, &qsize, EBPF_ANY), -EOVERFLOW);
	qsize = 0; /* as Linux: takes the CPU out */
	assert_int_equal(ebpf_map_update_elem(cpus, &key, &qsize, EBPF_ANY), 0);
	assert_int_equal(ebpf_map_lookup_elem(cpus, &key, &out), -ENOENT);
	expect_create_error(EBPF_MAP_TYPE_CPUMAP, 4, 4, ebpf_num_possible_cpus() + 1, -E2BIG,
			    "possible CPUs");

	id = 12345; /* no such queue */
	assert_int_equal(ebpf_map_update_elem(xsks, &key, &id, EBPF_ANY), -EBADF);
	assert_int_equal(xdp_xsk_create(4, &q), 0);
	id = xdp_xsk_id(q);
	assert_int_equal(ebpf_map_update_elem(xsks, &key, &id, EBPF_NOEXIST), 0);
	assert_int_equal(ebpf_map_update_elem(xsks, &key, &id, EBPF_NOEXIST), -EEXIST);
	assert_int_equal(ebpf_map_lookup_elem(xsks, &key, &out), 0);
	assert_int_equal(out, id);
	expect_create_error(EBPF_MAP_TYPE_XSKMAP, 4, 8, 1, -EINVAL, "value_size");
	assert_int_equal(xdp_xsk_create(0, &q), -EINVAL);
	xdp_xsk_destroy(q);
	ebpf_map_release(cpus);
	ebpf_map_release(xsks);
}

/* ---- redirects from programs, in every engine --------------------------------------------- */

static struct ebpf_program *open_prog(const char *path, const char *name, enum ebpf_exec_mode mode,
				      struct ebpf_object **obj)
{
	char log[4096];

	if (open_object(path, mode, false, obj, log, sizeof(log)))
		fail_msg("%s (mode %d): %s\n%s", path, mode, ebpf_last_error(), log);
	return ebpf_object_find_program(*obj, name);
}

static struct ebpf_link *attach(struct ebpf_program *prog, struct xdp_device *dev)
{
	struct xdp_attach_params params = { .ifindex = xdp_device_ifindex(dev) };
	struct ebpf_link *link = NULL;

	if (ebpf_program_attach(prog, &xdp_attach, &params, sizeof(params), &link))
		fail_msg("attach: %s", ebpf_last_error());
	return link;
}

static enum xdp_verdict inject(struct xdp_device *dev, const unsigned char *frame, size_t size)
{
	enum xdp_verdict verdict = XDP_VERDICT_COUNT;

	assert_int_equal(xdp_device_inject(dev, frame, size, NULL, NULL, &verdict), 0);
	return verdict;
}

static void test_redirect_to_host_queue(void **state)
{
	for (size_t m = 0; m < sizeof(all_modes) / sizeof(all_modes[0]); m++) {
		struct ebpf_object *obj;
		struct ebpf_program *prog =
		    open_prog(PROG("xdp_test_maps.o"), "xdp_to_xsk", all_modes[m], &obj);
		struct ebpf_map *xsks = ebpf_object_find_map(obj, "xsks");
		unsigned char frame[60], got[128];
		uint32_t key = 0, id;
		struct xdp_device *dev;
		struct ebpf_link *link;
		struct xdp_xsk *q;
		size_t len = 0;

		for (size_t i = 0; i < sizeof(frame); i++)
			frame[i] = (unsigned char)(i * 7 + m);
		assert_int_equal(xdp_xsk_create(1, &q), 0);
		id = xdp_xsk_id(q);
		assert_int_equal(ebpf_map_update_elem(xsks, &key, &id, EBPF_ANY), 0);
		assert_int_equal(xdp_device_create("a", 0, &dev), 0);
		link = attach(prog, dev);

		assert_int_equal(xdp_xsk_read(q, got, sizeof(got), &len), -EAGAIN);
		assert_int_equal(inject(dev, frame, sizeof(frame)), XDP_VERDICT_REDIRECT);
		assert_int_equal(xdp_xsk_read(q, got, 8, &len), -EMSGSIZE);
		assert_int_equal(len, sizeof(frame));
		/* A full queue (capacity 1) drops the next one. */
		assert_int_equal(inject(dev, frame, sizeof(frame)), XDP_VERDICT_REDIRECT);
		assert_int_equal(xdp_xsk_dropped(q), 1);
		assert_int_equal(xdp_xsk_read(q, got, sizeof(got), &len), 0);
		assert_int_equal(len, sizeof(frame));
		assert_memory_equal(got, frame, sizeof(frame));
		assert_int_equal(xdp_xsk_read(q, got, sizeof(got), &len), -EAGAIN);
		/* No entry: the program passes the packet. */
		assert_int_equal(ebpf_map_delete_elem(xsks, &key), 0);
		assert_int_equal(inject(dev, frame, sizeof(frame)), XDP_VERDICT_PASS);
		assert_int_equal(xdp_xsk_read(q, got, sizeof(got), &len), -EAGAIN);

		ebpf_link_detach(link);
		xdp_device_destroy(dev);
		xdp_xsk_destroy(q);
		ebpf_object_close(obj);
	}
}

static void test_redirect_to_cpu_and_port(void **state)
{
	for (size_t m = 0; m < sizeof(all_modes) / sizeof(all_modes[0]); m++) {
		struct ebpf_object *obj;
		struct ebpf_program *to_cpu =
		    open_prog(PROG("xdp_test_maps.o"), "xdp_to_cpu", all_modes[m], &obj);
		struct ebpf_program *to_port = ebpf_object_find_program(obj, "xdp_to_port");
		struct ebpf_map *cpus = ebpf_object_find_map(obj, "cpus");
		struct ebpf_map *ports = ebpf_object_find_map(obj, "ports");
		uint32_t key = 0, qsize = 16, port = 200, ifindex = 4001;
		unsigned char frame[60] = { 0 };
		struct xdp_device *a, *b;
		struct xdp_stats sa, sb;
		struct ebpf_link *link;

		assert_int_equal(xdp_device_create("a", 0, &a), 0);
		assert_int_equal(xdp_device_create("b", ifindex, &b), 0);
		link = attach(to_cpu, a);
		/* No CPU entry: the fallback verdict (XDP_DROP). */
		assert_int_equal(inject(a, frame, sizeof(frame)), XDP_VERDICT_DROP);
		assert_int_equal(ebpf_map_update_elem(cpus, &key, &qsize, EBPF_ANY), 0);
		assert_int_equal(inject(a, frame, sizeof(frame)), XDP_VERDICT_REDIRECT);
		ebpf_link_detach(link);

		link = attach(to_port, a);
		frame[14] = (unsigned char)port;
		assert_int_equal(inject(a, frame, sizeof(frame)), XDP_VERDICT_DROP);
		assert_int_equal(ebpf_map_update_elem(ports, &port, &ifindex, EBPF_ANY), 0);
		assert_int_equal(inject(a, frame, sizeof(frame)), XDP_VERDICT_REDIRECT);
		xdp_device_stats(a, &sa);
		xdp_device_stats(b, &sb);
		assert_int_equal(sa.redirect_errors, 0);
		assert_int_equal(sb.tx_packets, 1);

		ebpf_link_detach(link);
		xdp_device_destroy(a);
		xdp_device_destroy(b);
		ebpf_object_close(obj);
	}
}

/* libxdp's default AF_XDP program (Debian's libxdp1), unchanged: into a host queue. */
static void test_libxdp_xsk_program(void **state)
{
	static const char *const objects[] = { "xsk_def_xdp_prog.o", "xsk_def_xdp_prog_5.3.o" };

	for (size_t i = 0; i < sizeof(objects) / sizeof(objects[0]); i++) {
		char path[256], log[16384];
		unsigned char frame[60] = { 1, 2, 3 }, got[64];
		struct ebpf_object *obj;
		struct xdp_device *dev;
		struct ebpf_link *link;
		struct xdp_xsk *q;
		uint32_t key = 0, id;
		size_t len = 0;

		snprintf(path, sizeof(path), "%s/%s", XDP_TOOLS_BPF_DIR, objects[i]);
		if (access(path, R_OK)) {
			print_message("skipped: %s not installed (Debian package libxdp1)\n", path);
			skip();
		}
		if (open_object(path, EBPF_MODE_DEFAULT, false, &obj, log, sizeof(log)))
			fail_msg("%s: %s\n%s", objects[i], ebpf_last_error(), log);
		assert_int_equal(xdp_xsk_create(2, &q), 0);
		id = xdp_xsk_id(q);
		assert_int_equal(ebpf_map_update_elem(ebpf_object_find_map(obj, "xsks_map"), &key,
						      &id, EBPF_ANY),
				 0);
		assert_int_equal(xdp_device_create("a", 0, &dev), 0);
		link = attach(ebpf_object_next_program(obj, NULL), dev);
		assert_int_equal(inject(dev, frame, sizeof(frame)), XDP_VERDICT_REDIRECT);
		assert_int_equal(xdp_xsk_read(q, got, sizeof(got), &len), 0);
		assert_int_equal(len, sizeof(frame));
		assert_memory_equal(got, frame, sizeof(frame));
		ebpf_link_detach(link);
		xdp_device_destroy(dev);
		xdp_xsk_destroy(q);
		ebpf_object_close(obj);
	}
}

/* ---- what programs may not do ------------------------------------------------------------- */

static void test_verifier_refusals(void **state)
{
	expect_refused(PROG("xdp_bad_devmap_update.o"), false, "does not let programs change it");
	expect_refused(PROG("xdp_bad_devmap_delete.o"), false, "does not let programs change it");
	expect_refused(PROG("xdp_bad_cpumap_lookup.o"), false, "does not let programs look up it");
	expect_refused(PROG("xdp_bad_xskmap_write.o"), false, "read-only to programs");
}

static void test_sockmap_verify_only(void **state)
{
	struct ebpf_object *obj = NULL;
	char log[4096];

	assert_int_equal(open_object(PROG("xdp_test_sockmap.o"), EBPF_MODE_INTERP, false, &obj, log,
				     sizeof(log)),
			 -EOPNOTSUPP);
	assert_null(obj);
	if (!strstr(ebpf_last_error(), "available for verification only: sockets are kernel"))
		fail_msg("unexpected: %s", ebpf_last_error());
	assert_int_equal(
	    open_object(PROG("xdp_test_sockmap.o"), EBPF_MODE_INTERP, true, &obj, log, sizeof(log)),
	    0);
	assert_int_equal(ebpf_map_type(ebpf_object_find_map(obj, "socks")), EBPF_MAP_TYPE_SOCKMAP);
	ebpf_object_close(obj);
}

/* ---- the extension goes, the maps stay ---------------------------------------------------- */

static void test_maps_outlive_unload(void **state)
{
	struct ebpf_extension *ext = NULL;
	struct ebpf_map *map;
	uint32_t key = 1, ifindex = 9, out;

	/* The setup's packet extension goes first; this one is unloaded by hand. */
	packet_runtime_stop();
	assert_int_equal(ebpf_extension_add_static(&ebpf_extension_packet, &ext), 0);
	map = must_create(EBPF_MAP_TYPE_DEVMAP, 4, 4);
	assert_int_equal(ebpf_map_update_elem(map, &key, &ifindex, EBPF_ANY), 0);
	assert_int_equal(ebpf_extension_unload(ext), 0);
	assert_int_equal(ebpf_map_lookup_elem(map, &key, &out), -ENODEV);
	assert_non_null(strstr(ebpf_last_error(), "was unloaded"));
	assert_int_equal(ebpf_map_update_elem(map, &key, &ifindex, EBPF_ANY), -ENODEV);
	assert_string_equal(ebpf_map_type_name(map), "devmap");
	ebpf_map_release(map);
	/* Without the extension the type is unknown again. */
	expect_create_error(EBPF_MAP_TYPE_DEVMAP, 4, 4, 4, -EINVAL, "not supported");
	packet_runtime_start(); /* for the teardown */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_devmap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_devmap_hash, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cpumap_and_xskmap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_redirect_to_host_queue, setup, teardown),
		cmocka_unit_test_setup_teardown(test_redirect_to_cpu_and_port, setup, teardown),
		cmocka_unit_test_setup_teardown(test_libxdp_xsk_program, setup, teardown),
		cmocka_unit_test_setup_teardown(test_verifier_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sockmap_verify_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_maps_outlive_unload, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
