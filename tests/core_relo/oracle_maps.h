/* SPDX-License-Identifier: MIT */
/* What core_oracle and kernel_oracle share: the maps a tool sizes at run time. */
#ifndef EXTBPF_TESTS_ORACLE_MAPS_H
#define EXTBPF_TESTS_ORACLE_MAPS_H

#include <bpf/libbpf.h>

/* Maps a tool sizes at run time (declared without max_entries or a value size) and that no
 * configuration named get a size: libbpf cannot create a map without one. */
static inline void oracle_size_maps(struct bpf_object *obj)
{
	struct bpf_map *map;

	bpf_object__for_each_map(map, obj)
	{
		if (!bpf_map__max_entries(map))
			bpf_map__set_max_entries(map, 1);
		if (!bpf_map__value_size(map) && bpf_map__type(map) != BPF_MAP_TYPE_RINGBUF)
			bpf_map__set_value_size(map, 8);
	}
}

#endif
