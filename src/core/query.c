/* SPDX-License-Identifier: MIT */
/*
 * What the host can see: the programs, maps and links alive now, by id (next-id style, as the
 * bpf() syscall's BPF_*_GET_NEXT_ID and BPF_*_GET_FD_BY_ID), and per-program run statistics,
 * collected only while some holder of an ebpf_enable_stats handle wants them (Linux's
 * BPF_ENABLE_STATS): when nobody does, the invoke path pays one relaxed load.
 */
#include <errno.h>
#include <stdlib.h>

#include "core/core.h"
#include "core/error.h"
#include "maps/maps.h"

static const char *const kind_names[] = {
	[CORE_PROGRAM] = "program",
	[CORE_MAP] = "map",
	[CORE_LINK] = "link",
};

const char *core_kind_name(enum core_kind kind)
{
	return kind_names[kind];
}

static int id_after(enum core_kind kind, uint32_t start, uint32_t *next)
{
	int err;

	core_error_clear();
	if (!next)
		return core_error(-EINVAL, "%s ids: no place for the next id", kind_names[kind]);
	err = core_runtime_start();
	if (err)
		return err;
	if (core_id_next(kind, start, next))
		return core_error(-ENOENT, "no %s id after %u", kind_names[kind], start);
	return 0;
}

int ebpf_program_get_next_id(uint32_t start_id, uint32_t *next_id)
{
	return id_after(CORE_PROGRAM, start_id, next_id);
}

int ebpf_map_get_next_id(uint32_t start_id, uint32_t *next_id)
{
	return id_after(CORE_MAP, start_id, next_id);
}

int ebpf_link_get_next_id(uint32_t start_id, uint32_t *next_id)
{
	return id_after(CORE_LINK, start_id, next_id);
}

static void *get_by_id(enum core_kind kind, uint32_t id, int *err)
{
	void *object;

	core_error_clear();
	*err = core_runtime_start();
	if (*err)
		return NULL;
	object = core_id_acquire(id, kind);
	if (!object)
		*err = core_error(-ENOENT, "no %s has id %u", kind_names[kind], id);
	return object;
}

int ebpf_program_get_by_id(uint32_t id, struct ebpf_program **program)
{
	int err;

	if (!program)
		return core_error(-EINVAL, "program by id: no place for the program");
	*program = get_by_id(CORE_PROGRAM, id, &err);
	return err;
}

int ebpf_map_get_by_id(uint32_t id, struct ebpf_map **map)
{
	int err;

	if (!map)
		return core_error(-EINVAL, "map by id: no place for the map");
	*map = get_by_id(CORE_MAP, id, &err);
	return err;
}

/* ---- run statistics ---------------------------------------------------------------------- */

struct ebpf_stats_handle {
	int unused; /* its existence is the request */
};

int ebpf_enable_stats(struct ebpf_stats_handle **handle)
{
	int err;

	core_error_clear();
	if (!handle)
		return core_error(-EINVAL, "enable stats: no place for the handle");
	err = core_runtime_start();
	if (err)
		return err;
	*handle = calloc(1, sizeof(**handle));
	if (!*handle)
		return core_error(-ENOMEM, "enable stats: out of memory");
	atomic_fetch_add(&core_rt.stats_users, 1);
	return 0;
}

void ebpf_disable_stats(struct ebpf_stats_handle *handle)
{
	if (!handle)
		return;
	atomic_fetch_sub(&core_rt.stats_users, 1);
	free(handle);
}

void core_program_count_run(struct ebpf_program *program, uint64_t ns)
{
	atomic_fetch_add_explicit(&program->run_count, 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&program->run_time_ns, ns, memory_order_relaxed);
}

int ebpf_program_get_stats(const struct ebpf_program *program, struct ebpf_program_stats *stats)
{
	core_error_clear();
	if (!program || !stats || stats->sz < sizeof(*stats))
		return core_error(-EINVAL, "program stats: no program, or sz is not "
					   "sizeof(struct ebpf_program_stats)");
	stats->run_count = atomic_load_explicit(&program->run_count, memory_order_relaxed);
	stats->run_time_ns = atomic_load_explicit(&program->run_time_ns, memory_order_relaxed);
	return 0;
}
