/* SPDX-License-Identifier: MIT */
/*
 * The synthetic world the verifier and soundness fuzzers run programs in: two program types
 * ("fuzz", and "fuzz_ro" whose packet is read-only), a 64-byte context with 64-bit packet
 * pointers (data 0, data_end 8, data_meta 16) and a writable range [32, 48), the maps below and
 * their helpers. The harness implements the map, tail-call and type helpers itself; the queue
 * helpers (push, pop, peek) and strtol are the core's own, on maps of the maps module, so that
 * their failure paths are the real ones.
 *
 * The oracle (fuzz_check_accepted) runs an accepted program in two worlds with the same contents
 * at different addresses: world A from malloc, world B in a reservation whose packet ends just
 * below a 4 GiB-aligned address (a 32-bit comparison of packet pointers wraps there). Each world
 * is run in the interpreter's checked mode (zeroed stack; every access checked against exactly
 * what the program was granted: read-only context outside [32, 48), the packet read-only for
 * fuzz_ro, map values one at a time, read-only and write-only maps honoured) and in fast mode on
 * a stack filled with a different garbage pattern. Then:
 *   - a checked-mode fault, or a helper given memory the program may not use, is an access
 *     outside a granted region;
 *   - r0, the context, the packet and every map must come out the same in all four runs: a
 *     difference between the worlds is a value derived from an address (a pointer leak), a
 *     difference between stack patterns is a read of bytes nothing wrote (stack, or a helper's
 *     output it did not fill).
 * Any of these aborts, which is what libFuzzer reports.
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
#define FUZZ_CTX_META	     16
#define FUZZ_CTX_PLAIN	     24 /* [24, 64): plain fields */
#define FUZZ_CTX_WRITABLE    32 /* [32, 48) */
#define FUZZ_CTX_WRITABLE_SZ 16
#define FUZZ_MAX_PACKET	     96
#define FUZZ_MAX_META	     32

enum fuzz_type {
	FUZZ_TYPE_DEFAULT,   /* "fuzz": packet writable */
	FUZZ_TYPE_RO_PACKET, /* "fuzz_ro": packet read-only */
	FUZZ_TYPE_COUNT,
};

/* Map indexes as programs refer to them (lddw src EBPF_PSEUDO_MAP_IDX, imm = index). */
enum fuzz_map_index {
	FUZZ_MAP_ARRAY,	 /* key 4, value 16, 4 entries */
	FUZZ_MAP_HASH,	 /* key 4, value 8, 4 entries */
	FUZZ_MAP_DATA,	 /* .data: key 4, value 32, 1 entry */
	FUZZ_MAP_RDONLY, /* array, BPF_F_RDONLY_PROG: key 4, value 16, 4 entries */
	FUZZ_MAP_WRONLY, /* array, BPF_F_WRONLY_PROG: key 4, value 16, 4 entries */
	FUZZ_MAP_PROGS,	 /* program array, 4 entries (tail-call targets) */
	FUZZ_MAP_QUEUE,	 /* the maps module's queue: value 8, 4 entries */
	FUZZ_MAP_QARRAY, /* the maps module's array: key 4, value 8, 4 entries (no pop) */
	FUZZ_MAP_COUNT,
};

#define FUZZ_HELPER_LOOKUP     1
#define FUZZ_HELPER_UPDATE     2
#define FUZZ_HELPER_DELETE     3
#define FUZZ_HELPER_TAIL_CALL  12
#define FUZZ_HELPER_PUSH       87
#define FUZZ_HELPER_POP	       88
#define FUZZ_HELPER_PEEK       89
#define FUZZ_HELPER_STRTOL     105
#define FUZZ_HELPER_CTX_SUM    65536 /* (ctx) -> sum of the context's writable bytes */
#define FUZZ_HELPER_MEM_SUM    65537 /* (mem, size) -> hash of the bytes */
#define FUZZ_HELPER_LOAD_BYTES 65538 /* (ctx, off, buf, len): packet bytes, as xdp_load_bytes */

/* Fills the verifier's input for a fuzz program type (log off, a small complexity limit). */
void fuzz_verifier_input(struct verifier_input *in, enum fuzz_type type,
			 const struct ebpf_inst *insns, size_t count);

/* The value size of a map, for generators. */
uint32_t fuzz_map_value_size(enum fuzz_map_index map);

/*
 * Runs a program the verifier accepted against a context, packet and map contents derived from
 * seed, and aborts with a diagnostic on any unsafe behaviour (see the file comment).
 */
void fuzz_check_accepted(enum fuzz_type type, const struct ebpf_inst *insns, size_t count,
			 const uint8_t *seed, size_t seed_size);

#endif /* EXTBPF_FUZZ_ENV_H */
