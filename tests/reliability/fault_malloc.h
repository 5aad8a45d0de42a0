/* SPDX-License-Identifier: MIT */
/*
 * Allocation fault injection for the test executable: malloc, calloc, realloc, strdup, strndup,
 * posix_memalign, aligned_alloc and pthread_create are defined here and forward to the next
 * definition (libc's, or the sanitizer's) through dlsym(RTLD_NEXT). Shared libraries (libelf,
 * liburcu) allocate through them too. Only the thread that armed the countdown is affected.
 */
#ifndef EXTBPF_TESTS_FAULT_MALLOC_H
#define EXTBPF_TESTS_FAULT_MALLOC_H

#include <stdbool.h>
#include <stdint.h>

/* The calling thread's nth allocation from now on fails (n >= 1); 0 disarms. */
void fault_arm(uint64_t nth);
/* Disarms; returns true when the armed allocation was reached (and failed). */
bool fault_disarm(void);
/* Allocations the calling thread made since it armed. */
uint64_t fault_count(void);
/* Blocks allocated through the interposer and not freed yet, by all threads. */
long fault_live_blocks(void);

#endif /* EXTBPF_TESTS_FAULT_MALLOC_H */
