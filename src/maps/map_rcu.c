/* SPDX-License-Identifier: MIT */
/*
 * The RCU read side every invocation and lookup takes: liburcu-bp's lock and unlock inlined
 * (_LGPL_SOURCE), since calling into the library costs several times the lock itself. This file
 * alone is built without UBSan's alignment check: liburcu's registry places its per-thread
 * reader, declared 128-byte aligned, at a 32-byte alignment, and the inlined code touches it
 * (plain words, correct at that alignment).
 */
#define _LGPL_SOURCE
#include <urcu-bp.h>

#include "maps/map_internal.h"

void map_rcu_read_lock(void)
{
	urcu_bp_read_lock();
}

void map_rcu_read_unlock(void)
{
	map_tsan_release(&map_rcu_tsan_token);
	urcu_bp_read_unlock();
}
