/* SPDX-License-Identifier: MIT */
/*
 * The synthetic world the verifier and soundness fuzzers run programs in: one program type
 * ("fuzz": a 64-byte context with 64-bit packet pointers at 0 and 8, writable at [32, 48)),
 * three maps (array, hash, a one-value .data), the map helpers 1-3 and two type helpers, all
 * implemented here so that the oracle depends on nothing but the verifier and the interpreter.
 *
 * The oracle (fuzz_check_accepted) runs an accepted program in the interpreter's checked mode
 * against exactly the memory the program may touch, then again in fast mode on a stack filled
 * with garbage: a checked-mode fault is an out-of-bounds access the verifier let through, and
 * a difference between the two runs is a read of uninitialised stack (or a leaked pointer).
 * Either aborts, which is what libFuzzer reports.
 */
#ifndef EXTBPF_FUZZ_ENV_H
#define EXTBPF_FUZZ_ENV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "isa/isa.h"
#include "verifier/verifier.h"

#define FUZZ_CTX_SIZE	     64
#define FUZZ_CTX_DATA	     0
#define FUZZ_CTX_DATA_END    8
#define FUZZ_CTX_WRITABLE    32 /* [32, 48) */
#define FUZZ_CTX_WRITABLE_SZ 16
#define FUZZ_MAX_PACKET	     96

/* Map indexes as programs refer to them (lddw src EBPF_PSEUDO_MAP_IDX, imm = index). */
enum fuzz_map_index {
	FUZZ_MAP_ARRAY, /* key 4, value 16, 4 entries */
	FUZZ_MAP_HASH,	/* key 4, value 8, 4 entries */
	FUZZ_MAP_DATA,	/* .data: key 4, value 32, 1 entry */
	FUZZ_MAP_COUNT,
};

#define FUZZ_HELPER_LOOKUP  1
#define FUZZ_HELPER_UPDATE  2
#define FUZZ_HELPER_DELETE  3
#define FUZZ_HELPER_CTX_SUM 65536 /* (ctx) -> sum of the context's first 32 bytes */
#define FUZZ_HELPER_MEM_SUM 65537 /* (mem, size) -> sum of the bytes */

/* Fills the verifier's input for the fuzz program type (log off, a small complexity limit). */
void fuzz_verifier_input(struct verifier_input *in, const struct ebpf_inst *insns, size_t count);

/* The value size of a map, for generators. */
uint32_t fuzz_map_value_size(enum fuzz_map_index map);

/*
 * Runs a program the verifier accepted against a context, packet and map contents derived from
 * seed, and aborts with a diagnostic on any unsafe behaviour (see the file comment).
 */
void fuzz_check_accepted(const struct ebpf_inst *insns, size_t count, const uint8_t *seed,
			 size_t seed_size);

#endif /* EXTBPF_FUZZ_ENV_H */
