/* SPDX-License-Identifier: MIT */
/*
 * An extension built against frozen-map-v1/extbpf only: the contract headers as the Map
 * Information NPI first shipped (map type information version 1, registration version 2). It
 * adds map type "counters" under a number of its own (EBPF_MAP_TYPE_EXTENSION_BASE + 1): an
 * array of u64 values programs look up and write in place. test_compat_maps runs a clang program
 * using it in every engine, and checks what the runtime refuses of such types.
 */
#define EBPF_EXTENSION_STATIC 1

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <extbpf/extension.h>

#include "compat/frozen_map_ext.h"

struct counters {
	uint32_t max_entries;
	uint64_t values[];
};

static int counters_create(const struct ebpf_map_create_attr *attr, void **map, const char **why)
{
	struct counters *c;

	if (attr->max_entries > 1024) {
		*why = "at most 1024 counters";
		return -E2BIG;
	}
	c = calloc(1, sizeof(*c) + (size_t)attr->max_entries * sizeof(c->values[0]));
	if (!c)
		return -ENOMEM;
	c->max_entries = attr->max_entries;
	*map = c;
	return 0;
}

static void counters_free(void *map)
{
	free(map);
}

static void *counters_lookup(void *map, const void *key)
{
	struct counters *c = map;
	uint32_t i;

	memcpy(&i, key, sizeof(i));
	return i < c->max_entries ? &c->values[i] : NULL;
}

static int counters_update(void *map, const void *key, const void *value, uint64_t flags)
{
	uint64_t *slot = counters_lookup(map, key);

	if (flags > 2)
		return -EINVAL;
	if (!slot)
		return -E2BIG;
	if (flags == 1) /* BPF_NOEXIST: every counter exists */
		return -EEXIST;
	memcpy(slot, value, sizeof(*slot));
	return 0;
}

static int counters_get_next_key(void *map, const void *key, void *next_key)
{
	struct counters *c = map;
	uint32_t i = 0;

	if (key) {
		memcpy(&i, key, sizeof(i));
		i = i >= c->max_entries ? 0 : i + 1;
	}
	if (i >= c->max_entries)
		return -ENOENT;
	memcpy(next_key, &i, sizeof(i));
	return 0;
}

static const struct ebpf_map_type_info counters_type = {
	.header = EBPF_EXTENSION_HEADER(struct ebpf_map_type_info, EBPF_MAP_TYPE_INFO_VERSION),
	.name = "counters",
	.map_type = FROZEN_MAP_TYPE,
	.key_size = 4,
	.value_size_min = 8,
	.value_size_max = 8,
	.create = counters_create,
	.free = counters_free,
	.lookup = counters_lookup,
	.update = counters_update,
	.get_next_key = counters_get_next_key,
};

static const struct ebpf_map_type_info *const map_types[] = { &counters_type };

static const struct ebpf_extension_registration registration = {
	.header = EBPF_EXTENSION_HEADER(struct ebpf_extension_registration,
					EBPF_EXTENSION_REGISTRATION_VERSION),
	.module_id = FROZEN_MAP_MODULE_ID,
	.map_types = map_types,
	.map_type_count = 1,
};

static int frozen_map_load(nmr_registrar_t *registrar, void **state)
{
	return ebpf_extension_register(registrar, &registration,
				       (struct ebpf_extension_providers **)state);
}

static void frozen_map_unload(void *state)
{
	ebpf_extension_deregister(state);
}

EBPF_EXTENSION_DEFINE(frozen_map, "a map type built against the frozen map-info headers",
		      frozen_map_load, frozen_map_unload)

const struct ebpf_extension_descriptor *frozen_map_descriptor(void)
{
	return &ebpf_extension_frozen_map;
}

const void *frozen_map_type_info(void)
{
	return &counters_type;
}
