// SPDX-License-Identifier: MIT
/*
 * Benchmark programs: map operations seen from a program, BENCH_MAP_OPS per run over keys the
 * host inserted (bench_maps.c builds the same keys): array index i, hash/LRU key
 * i * 2654435761, LPM /24 prefix 10.(i >> 8).(i & 255).0 looked up with a /32 address in it.
 * Each returns how many operations succeeded.
 *
 * The count starts from ctx->counter (0 at run time, an unknown 64-bit value to the verifier),
 * hidden from clang behind an empty asm: a count known to the verifier would differ between
 * the paths "found" and "not found", and the loop head's states would never be pruned.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "../../extensions/sample/sample_ext.h"
#include "bench_algos.h"

#define BENCH_MAP_OPS	  256
#define BENCH_MAP_ENTRIES 1024

struct lpm_key {
	__u32 prefixlen;
	__u8 addr[4];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, BENCH_MAP_ENTRIES);
	__type(key, __u32);
	__type(value, __u64);
} array SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, BENCH_MAP_ENTRIES);
	__type(key, __u32);
	__type(value, __u64);
} hash SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, BENCH_MAP_ENTRIES);
	__type(key, __u32);
	__type(value, __u64);
} lru SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, BENCH_MAP_ENTRIES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct lpm_key);
	__type(value, __u64);
} lpm SEC(".maps");

static __always_inline __u32 hash_key(__u32 i)
{
	return i * 2654435761u;
}

static __always_inline void lpm_addr(struct lpm_key *k, __u32 i, __u32 prefixlen)
{
	k->prefixlen = prefixlen;
	k->addr[0] = 10;
	k->addr[1] = (__u8)(i >> 8);
	k->addr[2] = (__u8)i;
	k->addr[3] = prefixlen == 32 ? (__u8)(i * 7 + 1) : 0;
}

/* A program doing BENCH_MAP_OPS times "make the key, then op"; it returns how many ops
 * succeeded (op is true on success). */
#define MAP_OP_PROG(name, make_key, op)                                                            \
	SEC("sample_ext/" #name) int name(struct sample_ctx *ctx)                                  \
	{                                                                                          \
		__u64 base = ctx->counter, done = base;                                            \
		asm volatile("" : "+r"(done));                                                     \
		BENCH_NO_UNROLL                                                                    \
		for (__u32 i = 0; i < BENCH_MAP_OPS; i++) {                                        \
			make_key;                                                                  \
			if (op)                                                                    \
				done++;                                                            \
		}                                                                                  \
		return (int)(done - base);                                                         \
	}

#define LOOKUP_PROG(name, map, make_key)                                                           \
	MAP_OP_PROG(name, make_key, bpf_map_lookup_elem(&map, &key))
#define UPDATE_PROG(name, map, make_key)                                                           \
	MAP_OP_PROG(name, make_key, ({                                                             \
			    __u64 value = i;                                                       \
			    !bpf_map_update_elem(&map, &key, &value, BPF_ANY);                     \
		    }))
#define DELETE_PROG(name, map, make_key)                                                           \
	MAP_OP_PROG(name, make_key, !bpf_map_delete_elem(&map, &key))

#define INDEX_KEY __u32 key = i
#define HASH_KEY  __u32 key = hash_key(i)
#define LPM_ADDR                                                                                   \
	struct lpm_key key;                                                                        \
	lpm_addr(&key, i, 32)
#define LPM_PREFIX                                                                                 \
	struct lpm_key key;                                                                        \
	lpm_addr(&key, i, 24)

LOOKUP_PROG(lookup_array, array, INDEX_KEY)
LOOKUP_PROG(lookup_hash, hash, HASH_KEY)
LOOKUP_PROG(lookup_lru, lru, HASH_KEY)
LOOKUP_PROG(lookup_lpm, lpm, LPM_ADDR)
UPDATE_PROG(update_array, array, INDEX_KEY)
UPDATE_PROG(update_hash, hash, HASH_KEY)
UPDATE_PROG(update_lru, lru, HASH_KEY)
UPDATE_PROG(update_lpm, lpm, LPM_PREFIX)
DELETE_PROG(delete_hash, hash, HASH_KEY)
DELETE_PROG(delete_lru, lru, HASH_KEY)
DELETE_PROG(delete_lpm, lpm, LPM_PREFIX)

char LICENSE[] SEC("license") = "Dual MIT/GPL";
