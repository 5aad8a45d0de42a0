/* SPDX-License-Identifier: MIT */
/*
 * Shared by the shared-map tests (test_shm.c, test_shm_types.c): a scratch directory for the
 * pins of each test, creating a shared map at `path` and opening it again as another process
 * would.
 */
#ifndef EXTBPF_TESTS_SHM_TEST_H
#define EXTBPF_TESTS_SHM_TEST_H

#include <stdio.h>
#include <unistd.h>

#include "maps/map_test.h"
#include "maps/shm.h"

static char dir[64];
static char path[128];

static int setup(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/extbpf-shm-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof(path), "%s/map", dir);
	return 0;
}

static int teardown(void **state)
{
	unlink(path);
	rmdir(dir);
	return 0;
}

/* map_create of a shared map at path; *why says what was refused. */
static inline int shm_create_flags(enum ebpf_map_type type, uint32_t key_size, uint32_t value_size,
				   uint32_t max_entries, uint32_t flags, struct ebpf_map **map)
{
	struct map_attr attr = test_attr(type, key_size, value_size, max_entries, flags);
	const char *why = NULL;

	attr.name = "shared";
	attr.pin_path = path;
	return map_create(&attr, NULL, map, &why);
}

static inline struct ebpf_map *shm_open_ok(void)
{
	struct ebpf_map *map = NULL;
	const char *why = NULL;
	int err = map_shm_open(path, &map, &why);

	if (err)
		fail_msg("map_shm_open: %d %s", err, why ? why : "");
	return map;
}

#endif /* EXTBPF_TESTS_SHM_TEST_H */
