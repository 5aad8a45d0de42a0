/* SPDX-License-Identifier: MIT */
/*
 * The core's RCU: urcu-bp (any thread may invoke a program without registering first).
 *
 * ThreadSanitizer cannot see the ordering a grace period gives (liburcu is not instrumented), so
 * under TSan every read-side unlock releases a token that synchronize acquires: what a reader did
 * happens before what the writer does after the grace period, which is RCU's guarantee. The token
 * is the maps module's, whose deferred frees wait on the same readers. The reclaimer's callbacks
 * run after a synchronize, so they need no annotation of their own.
 */
#ifndef EXTBPF_CORE_RCU_H
#define EXTBPF_CORE_RCU_H

#include <urcu/urcu-bp.h>

#include "maps/maps.h"

#if defined(__SANITIZE_THREAD__)
#define CORE_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define CORE_TSAN 1
#endif
#endif

#ifdef CORE_TSAN
#include <sanitizer/tsan_interface.h>
extern const char map_rcu_tsan_token;
#define CORE_TSAN_ACQUIRE() __tsan_acquire((void *)&map_rcu_tsan_token)
#else
#define CORE_TSAN_ACQUIRE() ((void)0)
#endif

/* The maps module's read side (src/maps/map_rcu.c): one implementation, one TSan token. */
static inline void core_rcu_read_lock(void)
{
	map_rcu_read_lock();
}

static inline void core_rcu_read_unlock(void)
{
	map_rcu_read_unlock();
}

/* Waits until every read-side critical section begun before has ended. Called from inside
 * one it would wait for itself forever: it reports that and aborts instead. */
void core_synchronize_rcu(void);

/* An object's node in the deferred-reclamation queue (src/core/rcu.c): embed it, allocate
 * nothing. */
struct core_rcu_head {
	struct core_rcu_head *next;
	void (*fn)(struct core_rcu_head *head);
};

/* Runs fn(head) after a grace period, on the reclaimer's thread. Never waits: may be called
 * inside a read-side critical section. */
void core_call_rcu(struct core_rcu_head *head, void (*fn)(struct core_rcu_head *head));
/* Waits until every callback queued so far (and any they queue) has run. Not from inside a
 * read-side critical section (it would wait for itself: it aborts, as core_synchronize_rcu). */
void core_rcu_barrier(void);
/* Outside a read-side critical section, when more than max_pending callbacks wait: waits until
 * at most max_pending of them are left, so that a thread replacing objects in a loop (a test
 * run's repeats) cannot outrun the reclaimer. Inside a section it returns at once. */
void core_rcu_throttle(uint64_t max_pending);
/* core_rcu_barrier, then ends the reclaimer's thread (runtime shutdown); a later
 * core_call_rcu starts it again. */
void core_rcu_stop(void);
/* Makes fork() safe for the read side and the reclaimer (liburcu-bp wants its fork calls made
 * around every fork; a child gets no reclaimer thread and starts one when it needs it). Once per
 * process; the runtime does it when it starts. */
int core_rcu_fork_handlers_install(void);

#endif /* EXTBPF_CORE_RCU_H */
