/* SPDX-License-Identifier: MIT */
/*
 * The core as client of the Map Information NPI: the map types extensions offer, and one
 * map_ops table (ext_map_ops) through which every map of such a type reaches its extension.
 *
 * Lifetimes. A map of an extension's type holds a reference on its struct core_maptype, never
 * on the extension. When the provider detaches (the extension unloads), the type is marked gone,
 * a grace period lets every operation in flight return (each runs inside a read-side critical
 * section: programs' inside their invocation, the host's inside one taken here), then the
 * extension frees the data of every map still alive, and a second grace period covers a map
 * freed meanwhile by its last holder. The maps stay valid objects; their operations fail with
 * -ENODEV.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/contract.h"
#include "core/core.h"
#include "core/error.h"
#include "core/rcu.h"
#include "maps/maps.h"
#include "verifier/verifier.h"

#define CORE_MAP_CLIENT_ID NMR_GUID(0x6f1c2b8e, 0x3d47, 0x4a51, 0x9e02, 0x5b8c7d1e4f61)

/* Linux's map type numbers end at BPF_MAP_TYPE_ARENA (33). */
#define LINUX_MAP_TYPE_MAX 33u

struct core_maptype {
	struct core_maptype *next;
	/* The provider's data, copied: what its version lacks reads as 0. Its pointers point into
	 * the extension: called only while !gone, inside a read-side critical section. */
	struct ebpf_map_type_info info;
	const struct ebpf_map_type_info *provided; /* as registered, for ebpf_map_extension_data */
	char name[32];
	char who[192];
	char invalid[640]; /* why the type is refused ("" when valid) */
	nmr_handle_t binding;
	atomic_bool gone;
	struct core_ext_map *maps; /* live maps holding data, under the core lock */
	atomic_uint refcount;	   /* the binding + each map */
};

struct core_ext_map {
	struct ebpf_map map; /* first: the maps module's view */
	struct core_maptype *type;
	struct core_ext_map *type_next; /* in type->maps, under the core lock */
	void *data;			/* what create returned; NULL once freed */
};

static const struct map_ops ext_map_ops;

static struct core_ext_map *to_ext(struct ebpf_map *map)
{
	return (struct core_ext_map *)map;
}

static void maptype_put(struct core_maptype *type)
{
	if (type && atomic_fetch_sub(&type->refcount, 1) == 1)
		free(type);
}

/* ---- binding ----------------------------------------------------------------------------- */

static int check_number(struct core_maptype *type)
{
	uint32_t n = type->info.map_type;

	if ((n == 0 || n > LINUX_MAP_TYPE_MAX) &&
	    (n < EBPF_MAP_TYPE_EXTENSION_BASE || n > EBPF_MAP_TYPE_EXTENSION_MAX)) {
		snprintf(type->invalid, sizeof(type->invalid),
			 "%s: map type number %u is neither Linux's (1..%u) nor an extension's "
			 "(%u..%u)",
			 type->who, n, LINUX_MAP_TYPE_MAX, EBPF_MAP_TYPE_EXTENSION_BASE,
			 EBPF_MAP_TYPE_EXTENSION_MAX);
		return -EINVAL;
	}
	if (map_type_is_builtin((enum ebpf_map_type)n)) {
		snprintf(type->invalid, sizeof(type->invalid),
			 "%s: map type %u is the core's own '%s'", type->who, n,
			 map_type_name((enum ebpf_map_type)n));
		return -EINVAL;
	}
	return 0;
}

static int check_shape(struct core_maptype *type)
{
	const struct ebpf_map_type_info *info = &type->info;
	uint32_t vmax = info->value_size_max;

	if (core_contract_check_flags("map type flags", info->flags, CORE_MAP_TYPE_FLAGS, type->who,
				      type->invalid, sizeof(type->invalid)))
		return -EINVAL;
	if (info->map_flags & MAP_F_ACCESS_MASK)
		snprintf(type->invalid, sizeof(type->invalid),
			 "%s: map_flags 0x%x names access flags, which every type takes", type->who,
			 info->map_flags);
	else if (info->key_size > MAP_KEY_SIZE_MAX || vmax > MAP_VALUE_SIZE_MAX ||
		 (vmax && info->value_size_min > vmax))
		snprintf(type->invalid, sizeof(type->invalid),
			 "%s: key_size %u or value sizes %u..%u out of range (keys up to %u, "
			 "values up to %u bytes)",
			 type->who, info->key_size, info->value_size_min, vmax, MAP_KEY_SIZE_MAX,
			 MAP_VALUE_SIZE_MAX);
	else if (!(info->flags & EBPF_MAP_TYPE_VERIFY_ONLY) && (!info->create || !info->free))
		snprintf(type->invalid, sizeof(type->invalid), "%s: no create or free operation",
			 type->who);
	else if ((info->flags & EBPF_MAP_TYPE_VERIFY_ONLY) && !info->unavailable_reason)
		snprintf(type->invalid, sizeof(type->invalid),
			 "%s: a verify-only type needs its unavailable_reason", type->who);
	return type->invalid[0] ? -EINVAL : 0;
}

/* Under the lock: a number or name another type has would make one of them unreachable. */
static void check_unique_locked(struct core_maptype *type)
{
	for (struct core_maptype *t = core_rt.maptypes; t; t = t->next) {
		if (t->invalid[0])
			continue;
		if (t->info.map_type == type->info.map_type || !strcmp(t->name, type->name)) {
			snprintf(type->invalid, sizeof(type->invalid),
				 "%s: map type %u '%s' is registered already (%s)", type->who,
				 t->info.map_type, t->name, t->who);
			return;
		}
	}
}

static void read_info(struct core_maptype *type, const struct nmr_registration_info *provider)
{
	const struct ebpf_map_type_info *info = provider->npi_specific;
	char whose[96];

	core_progtype_loading_who(whose, sizeof(whose));
	snprintf(type->name, sizeof(type->name), "?");
	snprintf(type->who, sizeof(type->who), "%s", whose);
	if (!info || provider->npi_specific_size < sizeof(info->header)) {
		snprintf(type->invalid, sizeof(type->invalid),
			 "%s: a map information provider gave no map type information", whose);
		return;
	}
	if (core_contract_check(&core_contract_map_type_info, &info->header,
				provider->npi_specific_size, whose, type->invalid,
				sizeof(type->invalid)))
		return;
	memcpy(&type->info, info, info->header.size);
	type->provided = info;
	if (!info->name || !info->name[0] || strlen(info->name) >= sizeof(type->name)) {
		snprintf(type->invalid, sizeof(type->invalid),
			 "%s: a map type needs a name of 1 to %zu characters", whose,
			 sizeof(type->name) - 1);
		return;
	}
	snprintf(type->name, sizeof(type->name), "%s", info->name);
	snprintf(type->who, sizeof(type->who), "%s, map type '%s'", whose, type->name);
	if (!check_number(type))
		check_shape(type);
}

static int maptype_attach_provider(nmr_registrar_t *registrar, nmr_handle_t binding,
				   void *client_context,
				   const struct nmr_registration_info *provider)
{
	struct core_maptype *type = calloc(1, sizeof(*type)), **p;
	const void *provider_dispatch;
	void *provider_context;
	int err;

	if (!type)
		return -ENOMEM;
	read_info(type, provider);
	type->binding = binding;
	atomic_init(&type->refcount, 1);
	/* Listed (invalid ones too, with the reason) before binding: a racing detach finds it. */
	core_lock();
	if (!type->invalid[0])
		check_unique_locked(type);
	for (p = &core_rt.maptypes; *p; p = &(*p)->next)
		;
	*p = type;
	core_unlock();
	err = nmr_client_attach_provider(registrar, binding, type, NULL, &provider_context,
					 &provider_dispatch);
	if (err) {
		core_lock();
		for (p = &core_rt.maptypes; *p != type; p = &(*p)->next)
			;
		*p = type->next;
		core_unlock();
		maptype_put(type);
	}
	return 0;
}

/* Takes one map off the type's list with its data; NULL when none is left. */
static struct core_ext_map *take_map(struct core_maptype *type, void **data)
{
	struct core_ext_map *em;

	core_lock();
	em = type->maps;
	if (em) {
		type->maps = em->type_next;
		*data = em->data;
		em->data = NULL;
	}
	core_unlock();
	return em;
}

static int maptype_detach_provider(void *client_binding_context)
{
	struct core_maptype *type = client_binding_context, **p;
	void *data;

	core_lock();
	atomic_store(&type->gone, true);
	for (p = &core_rt.maptypes; *p && *p != type; p = &(*p)->next)
		;
	if (*p)
		*p = type->next;
	core_unlock();
	core_synchronize_rcu(); /* every operation that saw the type alive has returned */
	while (take_map(type, &data))
		type->info.free(data);
	core_synchronize_rcu(); /* and every free a map's last holder began meanwhile */
	return 0;
}

static void maptype_cleanup(void *client_binding_context)
{
	maptype_put(client_binding_context);
}

static const struct nmr_client_characteristics maptype_client = {
	.info = {
		.npi_id = EBPF_MAP_INFO_NPI_ID,
		.module_id = CORE_MAP_CLIENT_ID,
		.version = EBPF_MAP_TYPE_INFO_VERSION,
	},
	.attach_provider = maptype_attach_provider,
	.detach_provider = maptype_detach_provider,
	.cleanup_binding_context = maptype_cleanup,
};

int core_maptype_client_register(void)
{
	return nmr_register_client(core_rt.registrar, &maptype_client, NULL,
				   &core_rt.maptype_client);
}

void core_maptype_client_deregister(void)
{
	core_client_deregister(&core_rt.maptype_client);
}

int core_maptype_refusal(nmr_handle_t binding, char *msg, size_t size)
{
	int err = 0;

	core_lock();
	for (struct core_maptype *t = core_rt.maptypes; t; t = t->next) {
		if (t->binding == binding && t->invalid[0]) {
			snprintf(msg, size, "%s", t->invalid);
			err = -EINVAL;
		}
	}
	core_unlock();
	return err;
}

/* ---- creating maps ----------------------------------------------------------------------- */

int core_maptype_resolve(struct map_attr *attr)
{
	struct core_maptype *found = NULL;

	if (map_type_is_builtin(attr->type))
		return 0;
	core_lock();
	for (struct core_maptype *t = core_rt.maptypes; t && !found; t = t->next) {
		if (t->info.map_type == (uint32_t)attr->type && !t->invalid[0])
			found = t;
	}
	if (found) {
		atomic_fetch_add(&found->refcount, 1);
		attr->ops = &ext_map_ops;
		attr->type_name = found->name;
		attr->type_data = found;
		attr->prog_flags = found->info.flags;
	}
	core_unlock();
	return found ? 0 : -ENOENT;
}

void core_maptype_release(struct map_attr *attr)
{
	if (attr->ops == &ext_map_ops)
		maptype_put(attr->type_data);
}

int core_maptype_check_storage(const struct map_attr *attr)
{
	const struct core_maptype *type = attr->type_data;

	if (attr->ops != &ext_map_ops || !(type->info.flags & EBPF_MAP_TYPE_VERIFY_ONLY))
		return 0;
	return core_error(-EOPNOTSUPP,
			  "map '%s' (%s): map type %u is available for verification only: %s",
			  attr->name ? attr->name : "", type->name, type->info.map_type,
			  type->info.unavailable_reason);
}

static int ext_check_attr(const struct map_attr *attr, const char **why)
{
	const struct core_maptype *type = attr->type_data;
	const struct ebpf_map_type_info *info = &type->info;
	uint32_t vmin = info->value_size_min ? info->value_size_min : 1;
	uint32_t vmax = info->value_size_max ? info->value_size_max : MAP_VALUE_SIZE_MAX;
	int err = map_check_common(attr, info->map_flags | MAP_F_ACCESS_MASK, why);

	if (err)
		return err;
	if (info->key_size ? attr->key_size != info->key_size
			   : !attr->key_size || attr->key_size > MAP_KEY_SIZE_MAX) {
		*why = info->key_size ? "key_size is not the one this map type requires"
				      : "key_size must be 1 to 512";
		return -EINVAL;
	}
	if (attr->value_size < vmin || attr->value_size > vmax) {
		*why = "value_size is outside the sizes this map type accepts";
		return -EINVAL;
	}
	return 0;
}

static int ext_alloc(const struct map_attr *attr, struct ebpf_map **map, const char **why)
{
	struct core_maptype *type = attr->type_data;
	struct ebpf_map_create_attr cattr = {
		.header = EBPF_EXTENSION_HEADER(struct ebpf_map_create_attr,
						EBPF_MAP_CREATE_ATTR_VERSION),
		.map_type = (uint32_t)attr->type,
		.key_size = attr->key_size,
		.value_size = attr->value_size,
		.max_entries = attr->max_entries,
		.map_flags = attr->map_flags,
		.name = attr->name ? attr->name : "",
	};
	struct core_ext_map *em = calloc(1, sizeof(*em));
	int err = -ENODEV;

	if (!em)
		return -ENOMEM;
	core_rcu_read_lock();
	if (atomic_load(&type->gone)) {
		*why = "the extension offering the map type is unloading";
		goto out;
	}
	err = type->info.create(&cattr, &em->data, why);
	if (err)
		goto out;
	/* Listed inside the read-side section: a detach that began meanwhile frees it. */
	atomic_fetch_add(&type->refcount, 1);
	em->type = type;
	core_lock();
	em->type_next = type->maps;
	type->maps = em;
	core_unlock();
	*map = &em->map;
out:
	core_rcu_read_unlock();
	if (err)
		free(em);
	return err > 0 ? -EINVAL : err;
}

static void ext_free(struct ebpf_map *map)
{
	struct core_ext_map *em = to_ext(map), **p;
	struct core_maptype *type = em->type;
	void *data = NULL;

	/* Inside a read-side section: a detach running now waits for this free to return. */
	core_rcu_read_lock();
	core_lock();
	for (p = &type->maps; *p && *p != em; p = &(*p)->type_next)
		;
	if (*p) {
		*p = em->type_next;
		data = em->data;
		em->data = NULL;
	}
	core_unlock();
	if (data)
		type->info.free(data);
	core_rcu_read_unlock();
	maptype_put(type);
	free(em);
}

/* ---- operations -------------------------------------------------------------------------- */

/* The data while the type lives; the caller is inside a read-side section. */
static void *ext_data(struct ebpf_map *map)
{
	struct core_ext_map *em = to_ext(map);

	return atomic_load(&em->type->gone) ? NULL : em->data;
}

static const struct ebpf_map_type_info *ext_info(struct ebpf_map *map)
{
	return &to_ext(map)->type->info;
}

static void *ext_lookup(struct ebpf_map *map, const void *key)
{
	void *data = ext_data(map);

	return data && ext_info(map)->lookup ? ext_info(map)->lookup(data, key) : NULL;
}

static int ext_lookup_copy(struct ebpf_map *map, const void *key, void *value)
{
	const struct ebpf_map_type_info *info = ext_info(map);
	int err = -ENODEV;
	void *data, *p;

	core_rcu_read_lock();
	data = ext_data(map);
	if (data && info->lookup_copy) {
		err = info->lookup_copy(data, key, value);
	} else if (data && info->lookup) {
		p = info->lookup(data, key);
		err = p ? 0 : -ENOENT;
		if (p)
			memcpy(value, p, map->attr.value_size);
	} else if (data) {
		err = -EOPNOTSUPP;
	}
	core_rcu_read_unlock();
	return err;
}

static int ext_update(struct ebpf_map *map, const void *key, const void *value, uint64_t flags)
{
	const struct ebpf_map_type_info *info = ext_info(map);
	int err = -ENODEV;
	void *data;

	core_rcu_read_lock();
	data = ext_data(map);
	if (data)
		err = info->update ? info->update(data, key, value, flags) : -EOPNOTSUPP;
	core_rcu_read_unlock();
	return err;
}

static int ext_delete(struct ebpf_map *map, const void *key)
{
	const struct ebpf_map_type_info *info = ext_info(map);
	int err = -ENODEV;
	void *data;

	core_rcu_read_lock();
	data = ext_data(map);
	if (data)
		err = info->delete ? info->delete (data, key) : -EOPNOTSUPP;
	core_rcu_read_unlock();
	return err;
}

static int ext_get_next_key(struct ebpf_map *map, const void *key, void *next_key)
{
	const struct ebpf_map_type_info *info = ext_info(map);
	int err = -ENODEV;
	void *data;

	core_rcu_read_lock();
	data = ext_data(map);
	if (data)
		err = info->get_next_key ? info->get_next_key(data, key, next_key) : -EOPNOTSUPP;
	core_rcu_read_unlock();
	return err;
}

static const struct map_ops ext_map_ops = {
	.check_attr = ext_check_attr,
	.alloc = ext_alloc,
	.free = ext_free,
	.lookup = ext_lookup,
	.update = ext_update,
	.delete = ext_delete,
	.lookup_copy = ext_lookup_copy,
	.get_next_key = ext_get_next_key,
	.no_inner = true,
};

void *ebpf_map_extension_data(struct ebpf_map *m, const struct ebpf_map_type_info *info)
{
	if (!m || !info || m->ops != &ext_map_ops || to_ext(m)->type->provided != info)
		return NULL;
	return ext_data(m);
}

/* ---- the verifier's view ----------------------------------------------------------------- */

void core_map_describe(const struct ebpf_map *map, struct verifier_map *vmap)
{
	uint32_t flags = map->attr.prog_flags;

	vmap->value_read_only = flags & EBPF_MAP_TYPE_VALUE_READ_ONLY;
	vmap->no_prog_lookup = flags & EBPF_MAP_TYPE_NO_PROG_LOOKUP;
	vmap->no_prog_update = flags & EBPF_MAP_TYPE_NO_PROG_UPDATE;
}
