/* SPDX-License-Identifier: MIT */
/*
 * The RCU read side every invocation and lookup takes: liburcu-bp's lock and unlock inlined
 * (_LGPL_SOURCE), since calling into the library costs several times the lock itself. This file
 * alone is built without UBSan's alignment check: liburcu's registry places its per-thread
 * reader, declared 128-byte aligned, at a 32-byte alignment, and the inlined code touches it
 * (plain words, correct at that alignment).
 *
 * Under ThreadSanitizer every unlock releases map_rcu_tsan_token, which a grace period acquires
 * (core/rcu.h): TSan cannot see the ordering liburcu provides.
 */
#define _LGPL_SOURCE
#include <urcu-bp.h>

#include "core/rcu.h"

/* Only its address is used: the sync object standing for "every reader's critical section". */
const char map_rcu_tsan_token;

void map_rcu_read_lock(void)
{
	urcu_bp_read_lock();
}

void map_rcu_read_unlock(void)
{
#ifdef CORE_TSAN
	__tsan_release((void *)&map_rcu_tsan_token);
#endif
	urcu_bp_read_unlock();
}

bool map_rcu_read_ongoing(void)
{
	return urcu_bp_read_ongoing();
}
