// SPDX-License-Identifier: MIT
/*
 * The allocation interposer of fault_malloc.h. Its state is per thread (the countdown is the
 * arming thread's alone) and is the one mutable global a test of allocation failures needs.
 * dlsym may itself allocate before the real functions are known: those few requests are
 * served from a static arena that free() recognises and ignores.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <stdatomic.h>
#include <string.h>

#include "fault_malloc.h"

#define ARENA_SIZE 4096

struct fault_thread {
	bool armed;
	bool hit;
	uint64_t countdown;
	uint64_t count;
};

static __thread struct fault_thread fault;

static void *(*real_malloc)(size_t);
static void *(*real_calloc)(size_t, size_t);
static void *(*real_realloc)(void *, size_t);
static void (*real_free)(void *);
static int (*real_posix_memalign)(void **, size_t, size_t);
static void *(*real_aligned_alloc)(size_t, size_t);
static int (*real_pthread_create)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);

/* Blocks allocated and not yet freed, by every thread: a leak makes it grow run after run. */
static _Atomic long live_blocks;

static _Alignas(16) char arena[ARENA_SIZE];
static size_t arena_used;
static __thread bool resolving;

static bool in_arena(const void *p)
{
	return (const char *)p >= arena && (const char *)p < arena + ARENA_SIZE;
}

static void *arena_alloc(size_t size)
{
	size_t start = (arena_used + 15) & ~(size_t)15;

	if (start + size > ARENA_SIZE)
		return NULL;
	arena_used = start + size;
	return arena + start;
}

static void resolve(void)
{
	if (real_malloc || resolving)
		return;
	resolving = true;
	real_calloc = dlsym(RTLD_NEXT, "calloc");
	real_realloc = dlsym(RTLD_NEXT, "realloc");
	real_free = dlsym(RTLD_NEXT, "free");
	real_posix_memalign = dlsym(RTLD_NEXT, "posix_memalign");
	real_aligned_alloc = dlsym(RTLD_NEXT, "aligned_alloc");
	real_pthread_create = dlsym(RTLD_NEXT, "pthread_create");
	real_malloc = dlsym(RTLD_NEXT, "malloc");
	resolving = false;
}

/* True when this allocation is the one to fail. */
static bool should_fail(void)
{
	if (!fault.armed)
		return false;
	fault.count++;
	if (fault.hit || --fault.countdown)
		return false;
	fault.hit = true;
	return true;
}

void fault_arm(uint64_t nth)
{
	resolve();
	fault = (struct fault_thread){ .armed = nth > 0, .countdown = nth };
}

bool fault_disarm(void)
{
	fault.armed = false;
	return fault.hit;
}

uint64_t fault_count(void)
{
	return fault.count;
}

long fault_live_blocks(void)
{
	return atomic_load(&live_blocks);
}

static void *counted(void *p)
{
	if (p)
		atomic_fetch_add(&live_blocks, 1);
	return p;
}

void *malloc(size_t size)
{
	resolve();
	if (!real_malloc)
		return arena_alloc(size);
	if (should_fail()) {
		errno = ENOMEM;
		return NULL;
	}
	return counted(real_malloc(size));
}

void *calloc(size_t n, size_t size)
{
	resolve();
	if (!real_calloc)
		return n && size > ARENA_SIZE / n ? NULL : arena_alloc(n * size);
	if (should_fail()) {
		errno = ENOMEM;
		return NULL;
	}
	return counted(real_calloc(n, size));
}

void *realloc(void *p, size_t size)
{
	resolve();
	if (!real_realloc || in_arena(p))
		return NULL; /* never during resolution */
	if (should_fail()) {
		errno = ENOMEM;
		return NULL;
	}
	if (!p)
		return counted(real_realloc(p, size));
	return real_realloc(p, size); /* realloc(p, 0) frees p in glibc: never asked here */
}

void free(void *p)
{
	if (!p || in_arena(p))
		return;
	resolve();
	if (real_free) {
		atomic_fetch_sub(&live_blocks, 1);
		real_free(p);
	}
}

int posix_memalign(void **out, size_t align, size_t size)
{
	resolve();
	if (should_fail())
		return ENOMEM;
	int err = real_posix_memalign(out, align, size);

	if (!err)
		counted(*out);
	return err;
}

void *aligned_alloc(size_t align, size_t size)
{
	resolve();
	if (should_fail()) {
		errno = ENOMEM;
		return NULL;
	}
	return counted(real_aligned_alloc(align, size));
}

char *strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *copy;

	resolve();
	if (should_fail()) {
		errno = ENOMEM;
		return NULL;
	}
	copy = counted(real_malloc(n));
	return copy ? memcpy(copy, s, n) : NULL;
}

char *strndup(const char *s, size_t max)
{
	size_t n = strnlen(s, max);
	char *copy;

	resolve();
	if (should_fail()) {
		errno = ENOMEM;
		return NULL;
	}
	copy = counted(real_malloc(n + 1));
	if (!copy)
		return NULL;
	memcpy(copy, s, n);
	copy[n] = '\0';
	return copy;
}

/* A thread is a resource that can run out too (EAGAIN): the runtime's reclaimer starts one. */
int pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*fn)(void *), void *arg)
{
	resolve();
	if (should_fail())
		return EAGAIN;
	return real_pthread_create(thread, attr, fn, arg);
}
