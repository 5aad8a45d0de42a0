/* SPDX-License-Identifier: MIT */
/*
 * The process-wide execution context: started on first use, torn down by ebpf_runtime_shutdown
 * (after which the next call starts a fresh one).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "core/error.h"
#include "core/rcu.h"
#include "maps/maps.h"

#ifndef EXTBPF_VERSION
#define EXTBPF_VERSION "0.0.0"
#endif

struct core_runtime core_rt = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.next_id = { 1, 1, 1 },
};

/* Serialises start and shutdown; `started` lets every later call skip the mutex. */
static pthread_mutex_t start_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_bool started;

static int runtime_init(void)
{
	int err = core_rcu_fork_handlers_install();

	if (err)
		return core_error(err, "runtime: cannot install the fork handlers: %s",
				  strerror(-err));
	err = nmr_registrar_create(&core_rt.registrar);
	if (err)
		return core_error(err, "runtime: cannot create the module registrar: %s",
				  strerror(-err));
	err = core_progtype_client_register();
	if (err) {
		nmr_registrar_destroy(core_rt.registrar);
		core_rt.registrar = NULL;
		return core_error(err,
				  "runtime: cannot register the program information client: %s",
				  strerror(-err));
	}
	err = core_maptype_client_register();
	if (err) {
		core_progtype_client_deregister();
		nmr_registrar_destroy(core_rt.registrar);
		core_rt.registrar = NULL;
		return core_error(err, "runtime: cannot register the map information client: %s",
				  strerror(-err));
	}
	return 0;
}

int core_runtime_start(void)
{
	int err = 0;

	if (atomic_load_explicit(&started, memory_order_acquire))
		return 0;
	pthread_mutex_lock(&start_lock);
	if (!atomic_load_explicit(&started, memory_order_relaxed)) {
		err = runtime_init();
		if (!err)
			atomic_store_explicit(&started, true, memory_order_release);
	}
	pthread_mutex_unlock(&start_lock);
	return err;
}

const char *ebpf_version(void)
{
	return EXTBPF_VERSION;
}

nmr_registrar_t *ebpf_runtime_registrar(void)
{
	if (core_runtime_start())
		return NULL;
	return core_rt.registrar;
}

/* Takes the first live object of a kind out of the table's view (NULL when none). */
static void *first_object(enum core_kind kind)
{
	void *object = NULL;

	core_lock();
	for (size_t i = 0; i < core_rt.id_count && !object; i++) {
		if (core_rt.ids[i].kind == kind)
			object = core_rt.ids[i].object;
	}
	core_unlock();
	return object;
}

/*
 * Frees whatever the host still holds. Program arrays and maps of maps are emptied first so that
 * freeing a program or map never releases into something already freed.
 */
static void free_leftover_objects(void)
{
	struct ebpf_program *program;
	struct ebpf_map *map;
	uint32_t last = 0;

	/* By id, because emptying one map may free others and shift the table. */
	for (;;) {
		map = NULL;
		core_lock();
		for (size_t i = 0; i < core_rt.id_count && !map; i++) {
			if (core_rt.ids[i].kind == CORE_MAP && core_rt.ids[i].id > last)
				map = core_rt.ids[i].object;
		}
		if (map) {
			last = map->id;
			ebpf_map_acquire(map); /* emptying it may drop the last other reference */
		}
		core_unlock();
		if (!map)
			break;
		core_map_clear_objects(map);
		ebpf_map_release(map);
	}
	/* Maps release what they held after a grace period: let those releases happen first. */
	core_rcu_barrier();
	while ((program = first_object(CORE_PROGRAM)))
		core_program_destroy(program);
	while ((map = first_object(CORE_MAP)))
		core_map_destroy(map);
}

void ebpf_runtime_shutdown(void)
{
	pthread_mutex_lock(&start_lock);
	if (!atomic_load(&started)) {
		pthread_mutex_unlock(&start_lock);
		return;
	}
	/* Pins first: a pinned link holds a reference that the links' teardown does not know. */
	core_pins_clear();
	core_links_detach_all();
	core_objects_close_all();
	free_leftover_objects();
	core_rcu_stop(); /* the last deferred frees of maps, and the reclaimer's thread */
	core_extensions_unload_all();
	core_progtype_client_deregister();
	core_maptype_client_deregister();
	/* Fails (-EBUSY) only when the host registered modules of its own and left them there. */
	if (nmr_registrar_destroy(core_rt.registrar) == 0)
		core_rt.registrar = NULL;
	free(core_rt.ids);
	core_rt.ids = NULL;
	core_rt.id_count = 0;
	core_rt.id_cap = 0;
	for (size_t i = 0; i < CORE_KIND_COUNT; i++)
		core_rt.next_id[i] = 1;
	atomic_store(&started, false);
	pthread_mutex_unlock(&start_lock);
}
