// SPDX-License-Identifier: MIT
/*
 * The native C baseline, compiled with -O2 (bench/CMakeLists.txt) in its own translation unit:
 * the callers cannot inline these functions and so cannot hoist a call out of a timing loop.
 */
#include <stdlib.h>

#include "bench_native.h"
#include "progs/bench_algos.h"

#define END(data, size) ((const bu8 *)(data) + (size))

uint32_t bench_native_alu(void *state, const void *data, size_t size)
{
	return bench_alu(data, END(data, size));
}

uint32_t bench_native_primes(void *state, const void *data, size_t size)
{
	return bench_primes(data, END(data, size));
}

uint32_t bench_native_checksum(void *state, const void *data, size_t size)
{
	return size < BENCH_CSUM_BYTES ? (uint32_t)-1 : bench_checksum(data);
}

uint32_t bench_native_strcmp(void *state, const void *data, size_t size)
{
	return bench_strcmp(data, END(data, size));
}

uint32_t bench_native_switch(void *state, const void *data, size_t size)
{
	return bench_switch(data, END(data, size));
}

uint32_t bench_native_packets(void *state, const void *data, size_t size)
{
	return bench_packets(data, END(data, size));
}

uint32_t bench_native_calls(void *state, const void *data, size_t size)
{
	return bench_calls(data, END(data, size));
}

uint32_t bench_native_ports(void *state, const void *data, size_t size)
{
	return bench_ports(data, END(data, size));
}

uint32_t bench_native_copy(void *state, const void *data, size_t size)
{
	return bench_copy(data, END(data, size));
}

uint32_t bench_native_stack(void *state, const void *data, size_t size)
{
	return bench_stack(data, END(data, size));
}

uint32_t bench_native_fib(void *state, const void *data, size_t size)
{
	return bench_fib(data, END(data, size));
}

uint32_t bench_native_tiny(void *state, const void *data, size_t size)
{
	return bench_tiny(data, END(data, size));
}

/* The hash-map counter's table: open addressing with linear probing, twice as many slots as
 * the program's map has entries (1024). */
#define HASH_SLOTS 2048

struct hash_slot {
	bu32 key;
	bu32 used;
	bu64 count;
};

void *bench_native_hash_create(void)
{
	return calloc(HASH_SLOTS, sizeof(struct hash_slot));
}

/* murmur3's finaliser: the keys are multiples of the golden ratio constant, which a plain
 * multiplicative hash would cluster (and linear probing then crawls). */
static bu32 hash_slot_of(bu32 key)
{
	key ^= key >> 16;
	key *= 0x85ebca6bu;
	key ^= key >> 13;
	key *= 0xc2b2ae35u;
	key ^= key >> 16;
	return key & (HASH_SLOTS - 1);
}

static struct hash_slot *hash_find(struct hash_slot *table, bu32 key, int *found)
{
	bu32 i = hash_slot_of(key);

	for (;; i = (i + 1) & (HASH_SLOTS - 1)) {
		if (!table[i].used || table[i].key == key) {
			*found = table[i].used;
			return &table[i];
		}
	}
}

uint32_t bench_native_hash_count(void *state, const void *data, size_t size)
{
	const bu8 *p = data;
	bu64 acc;

	if (size < BENCH_HASH_INPUT)
		return 0;
	acc = *(const bu64 *)p;
	for (bu32 i = 0; i < BENCH_HASH_KEYS; i++) {
		bu32 key = *(const bu32 *)(p + 8 + i * 4);
		int found;
		struct hash_slot *slot = hash_find(state, key, &found);

		if (found) {
			slot->count += 1;
			acc = bench_mix(acc, slot->count);
		} else {
			slot->key = key;
			slot->used = 1;
			slot->count = 1;
			acc = bench_mix(acc, 1);
		}
	}
	return bench_fold(acc);
}
