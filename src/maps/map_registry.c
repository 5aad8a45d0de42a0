// SPDX-License-Identifier: MIT
/* One row per map type: adding a type is one file with its map_ops and one row here. */
#include <stddef.h>

#include "maps/map_internal.h"

struct map_type_row {
	enum ebpf_map_type type;
	const char *name;
	const struct map_ops *ops;
};

static const struct map_type_row map_types[] = {
	{ EBPF_MAP_TYPE_HASH, "hash", &htab_map_ops },
	{ EBPF_MAP_TYPE_ARRAY, "array", &array_map_ops },
	{ EBPF_MAP_TYPE_PROG_ARRAY, "prog_array", &prog_array_map_ops },
	{ EBPF_MAP_TYPE_PERF_EVENT_ARRAY, "perf_event_array", &perf_event_array_map_ops },
	{ EBPF_MAP_TYPE_PERCPU_HASH, "percpu_hash", &percpu_htab_map_ops },
	{ EBPF_MAP_TYPE_PERCPU_ARRAY, "percpu_array", &percpu_array_map_ops },
	{ EBPF_MAP_TYPE_LRU_HASH, "lru_hash", &lru_htab_map_ops },
	{ EBPF_MAP_TYPE_LRU_PERCPU_HASH, "lru_percpu_hash", &lru_percpu_htab_map_ops },
	{ EBPF_MAP_TYPE_LPM_TRIE, "lpm_trie", &lpm_trie_map_ops },
	{ EBPF_MAP_TYPE_ARRAY_OF_MAPS, "array_of_maps", &array_of_maps_map_ops },
	{ EBPF_MAP_TYPE_HASH_OF_MAPS, "hash_of_maps", &htab_of_maps_map_ops },
	{ EBPF_MAP_TYPE_QUEUE, "queue", &queue_map_ops },
	{ EBPF_MAP_TYPE_STACK, "stack", &stack_map_ops },
	{ EBPF_MAP_TYPE_RINGBUF, "ringbuf", &ringbuf_map_ops },
	/* verify-only (no_storage.c) */
	{ EBPF_MAP_TYPE_STACK_TRACE, "stack_trace", &stack_trace_map_ops },
	{ EBPF_MAP_TYPE_CGROUP_STORAGE, "cgroup_storage", &cgroup_storage_map_ops },
	{ EBPF_MAP_TYPE_PERCPU_CGROUP_STORAGE, "percpu_cgroup_storage",
	  &percpu_cgroup_storage_map_ops },
	{ EBPF_MAP_TYPE_SK_STORAGE, "sk_storage", &sk_storage_map_ops },
	{ EBPF_MAP_TYPE_INODE_STORAGE, "inode_storage", &inode_storage_map_ops },
	{ EBPF_MAP_TYPE_TASK_STORAGE, "task_storage", &task_storage_map_ops },
	{ EBPF_MAP_TYPE_CGRP_STORAGE, "cgrp_storage", &cgrp_storage_map_ops },
};

static const struct map_type_row *map_type_row(enum ebpf_map_type type)
{
	for (size_t i = 0; i < sizeof(map_types) / sizeof(map_types[0]); i++) {
		if (map_types[i].type == type)
			return &map_types[i];
	}
	return NULL;
}

const struct map_ops *map_registry_ops(enum ebpf_map_type type)
{
	const struct map_type_row *row = map_type_row(type);

	return row ? row->ops : NULL;
}

const char *map_registry_name(enum ebpf_map_type type)
{
	const struct map_type_row *row = map_type_row(type);

	return row ? row->name : NULL;
}
