/* SPDX-License-Identifier: MIT */
/*
 * The native C baseline: the algorithms of progs/bench_algos.h compiled by the host compiler
 * with -O2, plus the hash-map counter over a plain C hash table.
 */
#ifndef EXTBPF_BENCH_NATIVE_H
#define EXTBPF_BENCH_NATIVE_H

#include <stddef.h>
#include <stdint.h>

/* One program's algorithm over data[0..size), as its sample_ext program runs it. state is
 * the hash counter's table (from bench_native_hash_create), NULL for the others. */
typedef uint32_t (*bench_native_fn)(void *state, const void *data, size_t size);

uint32_t bench_native_alu(void *state, const void *data, size_t size);
uint32_t bench_native_primes(void *state, const void *data, size_t size);
/* data is the 64 KiB block (the checksum program reads it from a map). */
uint32_t bench_native_checksum(void *state, const void *data, size_t size);
uint32_t bench_native_strcmp(void *state, const void *data, size_t size);
uint32_t bench_native_switch(void *state, const void *data, size_t size);
uint32_t bench_native_packets(void *state, const void *data, size_t size);
/* Counts into the table `state`, which persists across calls as the program's map does. */
uint32_t bench_native_calls(void *state, const void *data, size_t size);
uint32_t bench_native_ports(void *state, const void *data, size_t size);
uint32_t bench_native_copy(void *state, const void *data, size_t size);
uint32_t bench_native_stack(void *state, const void *data, size_t size);
uint32_t bench_native_fib(void *state, const void *data, size_t size);
uint32_t bench_native_tiny(void *state, const void *data, size_t size);
uint32_t bench_native_hash_count(void *state, const void *data, size_t size);
/* An empty table (as a fresh map) for bench_native_hash_count; free() it. NULL without memory. */
void *bench_native_hash_create(void);

#endif /* EXTBPF_BENCH_NATIVE_H */
