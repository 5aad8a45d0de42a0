// SPDX-License-Identifier: MIT
/*
 * Shared pins: the pin root, and maps opened from the pin files other processes (or this one)
 * created. The files themselves are src/maps/shm.c's; this gives them ids in this process and
 * messages naming the path.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/core.h"
#include "core/error.h"
#include "maps/maps.h"

int ebpf_set_pin_root(const char *dir)
{
	char *copy = NULL;

	core_error_clear();
	if (dir && dir[0] != '/')
		return core_error(-EINVAL, "pin root '%s': not an absolute directory", dir);
	if (dir && strlen(dir) >= PATH_MAX - MAP_NAME_MAX - 2)
		return core_error(-ENAMETOOLONG, "pin root '%s': too long", dir);
	if (dir && !(copy = strdup(dir)))
		return core_error(-ENOMEM, "pin root: out of memory");
	core_lock();
	free(core_rt.pin_root);
	core_rt.pin_root = copy;
	core_unlock();
	return 0;
}

int ebpf_get_pin_root(char *buf, size_t size)
{
	int n;

	core_lock();
	n = snprintf(buf, size, "%s", core_rt.pin_root ? core_rt.pin_root : EBPF_PIN_ROOT);
	core_unlock();
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

/* Creates the root directory (and its parents) as a pin needs it; an existing one is kept. */
static int make_dirs(char *dir)
{
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0755) && errno != EEXIST) {
			*p = '/';
			return -errno;
		}
		*p = '/';
	}
	return mkdir(dir, 0755) && errno != EEXIST ? -errno : 0;
}

int core_pin_resolve(const char *path, char *out, size_t size, bool make_root)
{
	char root[PATH_MAX];
	int n, err;

	if (path[0] == '/') {
		n = snprintf(out, size, "%s", path);
		return n < 0 || (size_t)n >= size
			   ? core_error(-ENAMETOOLONG, "pin '%s': path too long", path)
			   : 0;
	}
	err = ebpf_get_pin_root(root, sizeof(root));
	if (!err && make_root)
		err = make_dirs(root);
	if (err)
		return core_error(err, "pin root '%s': cannot create it: %s", root, strerror(-err));
	n = snprintf(out, size, "%s/%s", root, path);
	return n < 0 || (size_t)n >= size
		   ? core_error(-ENAMETOOLONG, "pin '%s/%s': path too long", root, path)
		   : 0;
}

int core_pin_dir(const char *dir, char *out, size_t size)
{
	int err = core_pin_resolve(dir, out, size, true);

	if (!err)
		err = make_dirs(out);
	if (err == -ENAMETOOLONG || !err)
		return err;
	return core_error(err, "pin directory '%s': cannot create it: %s", out, strerror(-err));
}

int ebpf_map_open_pinned(const char *path, struct ebpf_map **map)
{
	char full[PATH_MAX];
	struct ebpf_map *opened;
	const char *why = NULL;
	int err;

	core_error_clear();
	if (!path || !*path || !map)
		return core_error(-EINVAL, "open pinned map: %s",
				  map ? "empty path" : "map is NULL");
	err = core_runtime_start();
	if (!err)
		err = core_pin_resolve(path, full, sizeof(full), false);
	if (err)
		return err;
	err = map_shm_open(full, &opened, &why);
	if (err)
		return core_error(err, "pinned map '%s': %s", full, why ? why : strerror(-err));
	core_lock();
	err = core_id_alloc_locked(CORE_MAP, opened, &opened->id);
	core_unlock();
	if (err) {
		map_destroy(opened);
		return core_error(err, "pinned map '%s': out of memory", full);
	}
	*map = opened;
	return 0;
}

bool ebpf_map_is_shared(const struct ebpf_map *map)
{
	return map_is_shared(map);
}

/* ebpf_unpin of a path the pin table does not have: a shared map's pin file goes. */
int core_unpin_shared(const char *path)
{
	char full[PATH_MAX];
	int err = core_pin_resolve(path, full, sizeof(full), false);

	if (err)
		return err;
	if (!map_shm_is_pin(full))
		return core_error(-ENOENT, "unpin '%s': nothing is pinned there", path);
	if (unlink(full))
		return core_error(-errno, "unpin '%s': %s", full, strerror(errno));
	return 0;
}
