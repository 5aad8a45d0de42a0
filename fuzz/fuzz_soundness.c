// SPDX-License-Identifier: MIT
/*
 * Fuzz target: verifier soundness. The input drives a generator of programs shaped like real
 * ones (context loads and stores, packet and metadata accesses after bounds checks, map lookups
 * with NULL checks, stack spills and fills, helper calls, bounded loops, branches, subprograms,
 * tail calls), then a few raw mutations push some of them just past what is safe. Each class
 * of hole found so far has a block that produces it in several shapes: tail calls in
 * subprograms with a filled program array (gen_call), variable-offset stack writes over spilled
 * pointers (gen_var_stack_write), helpers' failure paths and variable-size outputs (gen_queue,
 * gen_strtol, gen_load_bytes), partial reads of the context's pointer fields (gen_ctx_load),
 * 32-bit packet comparisons (gen_packet_const, run against a packet ending just below a 4 GiB
 * boundary), metadata bounded by a moved data pointer (gen_meta), read-only and write-only maps
 * (gen_map_*), a program type whose packet is read-only, and comparisons of pointers into two
 * maps (gen_ptr_cmp). Issue 20 adds shapes aimed at may_goto loops (gen_may_goto) and at
 * precision tracking (gen_join: a scalar joined from two paths, then an offset or a size).
 * Every program the verifier
 * accepts goes through the oracle of fuzz_env.h: a fault, a pointer leak or an uninitialised
 * read there is a verifier bug.
 *
 * Register conventions of generated code: r6 = ctx, r7 = packet start, r8 = packet end, r9 =
 * loop counter; r0-r5 are scratch. The generator tracks which scratch registers hold
 * initialised scalars so that most programs are valid.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_env.h"

#define GEN_MAX_INSNS  1024
#define GEN_MAX_BLOCKS 48
#define GEN_MAX_DEPTH  2
#define GEN_MAX_CALLS  8

#define R_CTX  6
#define R_PKT  7
#define R_END  8
#define R_LOOP 9

#define SCRATCH_MASK 0x3fu /* r0-r5 */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * The classes of holes found so far (issue 17), one bit each: what the generator produces of
 * each can be switched off with EXTBPF_FUZZ_CLASSES (a mask; all by default), so that the time
 * to find one class is measured alone (docs/reliability.md).
 */
enum gen_class {
	CLASS_TAIL_CALL = 1u << 0,    /* tail calls, from subprograms that return pointers */
	CLASS_VAR_STACK = 1u << 1,    /* variable-offset stack writes over spilled pointers */
	CLASS_HELPER_OUT = 1u << 2,   /* helpers' outputs: failure paths, variable sizes */
	CLASS_CTX_PARTIAL = 1u << 3,  /* partial loads of the context's pointer fields */
	CLASS_JMP32_PACKET = 1u << 4, /* 32-bit packet comparisons */
	CLASS_META = 1u << 5,	      /* metadata bounded by a moved data pointer */
	CLASS_RO_MAPS = 1u << 6,      /* read-only and write-only maps */
	CLASS_RO_PACKET = 1u << 7,    /* a program type whose packet is read-only */
	CLASS_PTR_CMP = 1u << 8,      /* comparisons of pointers into two different maps */
	CLASS_MAY_GOTO = 1u << 9,     /* may_goto loops, their counter used after them (issue 20) */
	CLASS_PRECISION = 1u << 10,   /* scalars joined from two paths, then offsets or sizes */
	CLASS_ALL = 0x7ffu,
};

/* The subprograms a call block may call; each is emitted once, after the main function. */
enum gen_subprog {
	SUB_BLOCKS,   /* (ctx) -> scalar: generated blocks, a tail call among them maybe */
	SUB_TAIL_PTR, /* (ctx, ptr) -> ptr: tail-calls, then returns its pointer argument */
	SUB_COUNT,
};

struct gen {
	const uint8_t *in;
	size_t left;
	struct ebpf_inst insns[GEN_MAX_INSNS];
	size_t n;
	uint32_t scalars; /* bit r: r holds an initialised scalar */
	int depth;
	bool loop_used;	 /* r9 belongs to the enclosing loop */
	bool in_subprog; /* no calls from subprograms */
	enum fuzz_type type;
	size_t calls[GEN_MAX_CALLS]; /* call instructions to patch */
	enum gen_subprog call_target[GEN_MAX_CALLS];
	size_t call_count;
	uint32_t classes; /* enum gen_class bits to generate */
};

static bool class_on(const struct gen *g, enum gen_class c)
{
	return g->classes & c;
}

static uint8_t next(struct gen *g)
{
	if (!g->left)
		return 0;
	g->left--;
	return *g->in++;
}

static uint32_t next32(struct gen *g)
{
	uint32_t v = next(g);

	v |= (uint32_t)next(g) << 8;
	return next(g) & 1 ? v | (uint32_t)next(g) << 24 : v;
}

static size_t emit(struct gen *g, uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
	if (g->n < GEN_MAX_INSNS)
		g->insns[g->n] = (struct ebpf_inst){ code, dst, src, off, imm };
	return g->n++;
}

static void emit_lddw(struct gen *g, uint8_t dst, uint8_t kind, int32_t imm, int32_t imm2)
{
	emit(g, EBPF_OP_LDDW, dst, kind, 0, imm);
	emit(g, 0, 0, 0, 0, imm2);
}

/* Makes the forward jump at `at` land on the next instruction to be emitted. */
static void patch_here(struct gen *g, size_t at)
{
	if (at < GEN_MAX_INSNS)
		g->insns[at].off = (int16_t)(g->n - at - 1);
}

static uint8_t size_code(int bytes)
{
	switch (bytes) {
	case 1:
		return EBPF_SIZE_B;
	case 2:
		return EBPF_SIZE_H;
	case 4:
		return EBPF_SIZE_W;
	default:
		return EBPF_SIZE_DW;
	}
}

static int pick_size(struct gen *g)
{
	return 1 << (next(g) & 3);
}

static uint8_t pick_scratch(struct gen *g)
{
	return next(g) % 6;
}

/* A scratch register holding a scalar, materialising one if needed. */
static uint8_t scalar_reg(struct gen *g)
{
	uint8_t r = pick_scratch(g);

	if (!(g->scalars & (1u << r))) {
		emit(g, EBPF_CLS_ALU64 | EBPF_ALU_MOV | EBPF_SRC_K, r, 0, 0, (int32_t)next32(g));
		g->scalars |= 1u << r;
	}
	return r;
}

/* After a helper call r1-r5 are unknown and r0 is its result. */
static void after_call(struct gen *g, bool r0_scalar)
{
	g->scalars &= ~SCRATCH_MASK;
	if (r0_scalar)
		g->scalars |= 1u;
}

static void gen_block(struct gen *g);

/* Makes a value visible to the oracle: *(u64 *)(ctx + 32 or 40) = reg. */
static void surface(struct gen *g, uint8_t reg)
{
	emit(g, EBPF_CLS_STX | EBPF_MODE_MEM | EBPF_SIZE_DW, R_CTX, reg,
	     (int16_t)(FUZZ_CTX_WRITABLE + 8 * (next(g) & 1)), 0);
}

/*
 * Whether a packet access stores: half of them, but rarely where the packet is read-only, so
 * that most programs of that type stay acceptable once the verifier refuses such stores (the
 * same goes for every block below that makes a hole's shape: mostly safe, now and then not).
 */
static bool packet_store(struct gen *g)
{
	if (g->type == FUZZ_TYPE_RO_PACKET)
		return next(g) % 16 == 0;
	return next(g) & 1;
}

/* ---- Blocks ------------------------------------------------------------------------------- */

static void gen_alu(struct gen *g)
{
	static const uint8_t ops[] = { EBPF_ALU_ADD, EBPF_ALU_SUB, EBPF_ALU_MUL, EBPF_ALU_DIV,
				       EBPF_ALU_OR,  EBPF_ALU_AND, EBPF_ALU_LSH, EBPF_ALU_RSH,
				       EBPF_ALU_NEG, EBPF_ALU_MOD, EBPF_ALU_XOR, EBPF_ALU_MOV,
				       EBPF_ALU_ARSH };
	const uint8_t op = ops[next(g) % sizeof(ops)];
	const uint8_t cls = next(g) & 1 ? EBPF_CLS_ALU64 : EBPF_CLS_ALU;
	const uint8_t dst = scalar_reg(g);
	int32_t imm = (int32_t)next32(g);

	if (op == EBPF_ALU_LSH || op == EBPF_ALU_RSH || op == EBPF_ALU_ARSH)
		imm &= cls == EBPF_CLS_ALU64 ? 63 : 31;
	if (op == EBPF_ALU_NEG) {
		emit(g, cls | op, dst, 0, 0, 0);
		return;
	}
	if (next(g) & 1) {
		emit(g, cls | op | EBPF_SRC_X, dst, scalar_reg(g), 0, 0);
		return;
	}
	emit(g, cls | op | EBPF_SRC_K, dst, 0, 0, imm);
}

/*
 * A load of the context's plain fields (the packet pointers are the prologue's), or now and then
 * part of a pointer field: only whole 4- or 8-byte loads of them are meaningful, any other piece
 * is a pointer leak unless refused.
 */
static void gen_ctx_load(struct gen *g)
{
	int size = pick_size(g);
	int off = (FUZZ_CTX_PLAIN + next(g) % (FUZZ_CTX_SIZE - FUZZ_CTX_PLAIN)) & ~(size - 1);
	const uint8_t dst = pick_scratch(g);

	if (next(g) % 8 == 0 && class_on(g, CLASS_CTX_PARTIAL)) {
		size = 1 << (next(g) % 3);
		off = (next(g) % FUZZ_CTX_PLAIN) & ~(size - 1);
	}
	emit(g, EBPF_CLS_LDX | EBPF_MODE_MEM | size_code(size), dst, R_CTX, (int16_t)off, 0);
	g->scalars |= 1u << dst;
	if (off < FUZZ_CTX_PLAIN)
		surface(g, dst);
}

static void gen_ctx_store(struct gen *g)
{
	const int size = pick_size(g);
	const int off = (FUZZ_CTX_WRITABLE + next(g) % FUZZ_CTX_WRITABLE_SZ) & ~(size - 1);

	if (next(g) & 1)
		emit(g, EBPF_CLS_STX | EBPF_MODE_MEM | size_code(size), R_CTX, scalar_reg(g),
		     (int16_t)off, 0);
	else
		emit(g, EBPF_CLS_ST | EBPF_MODE_MEM | size_code(size), R_CTX, 0, (int16_t)off,
		     (int32_t)next32(g));
}

/* if (pkt + len > end) skip; then accesses within [pkt, pkt + len). Stores are generated
 * for the read-only-packet type too: the verifier must refuse them there. */
static void gen_packet_const(struct gen *g)
{
	const int len = 1 + next(g) % 64;
	const uint32_t before = g->scalars;
	size_t skip;

	/* A 32-bit comparison (clang -mcpu=v3) wraps where the packet crosses 4 GiB. */
	const uint8_t cls =
	    next(g) % 8 == 0 && class_on(g, CLASS_JMP32_PACKET) ? EBPF_CLS_JMP32 : EBPF_CLS_JMP;

	emit(g, EBPF_CLS_ALU64 | EBPF_ALU_MOV | EBPF_SRC_X, 2, R_PKT, 0, 0);
	emit(g, EBPF_CLS_ALU64 | EBPF_ALU_ADD | EBPF_SRC_K, 2, 0, 0, len);
	skip = emit(g, cls | EBPF_JMP_JGT | EBPF_SRC_X, 2, R_END, 0, 0);
	g->scalars &= ~(1u << 2);
	for (int i = 1 + next(g) % 3; i > 0; i--) {
		const int size = pick_size(g);
		const int off = size <= len ? next(g) % (len - size + 1) : 0;

		if (!packet_store(g)) {
			const uint8_t dst = pick_scratch(g);

			emit(g, EBPF_CLS_LDX | EBPF_MODE_MEM | size_code(size), dst, R_PKT,
			     (int16_t)off, 0);
			g->scalars |= 1u << dst;
		} else {
			emit(g, EBPF_CLS_STX | EBPF_MODE_MEM | size_code(size), R_PKT,
			     scalar_reg(g), (int16_t)off, 0);
		}
	}
	patch_here(g, skip);
	g->scalars &= before & ~(1u << 2);
}

/* A packet access at an offset read from the packet itself, masked and bounds-checked. */
static void gen_packet_var(struct gen *g)
{
	const int size = pick_size(g);
	const uint32_t before = g->scalars;
	size_t skip1, skip2;

	emit(g, EBPF_CLS_ALU64 | EBPF_ALU_MOV | EBPF_SRC_X, 2, R_PKT, 0, 0);
	emit(g, EBPF_CLS_ALU64 | EBPF_ALU_ADD | EBPF_SRC_K, 2, 0, 0, 1);
	skip1 = emit(g, EBPF_CLS_JMP | EBPF_JMP_JGT | EBPF_SRC_X, 2, R_END, 0, 0);
	emit(g, EBPF_CLS_LDX | EBPF_MODE_MEM | EBPF_SIZE_B, 3, R_PKT, 0, 0);
	emit(g, EBPF_CLS_ALU64 | EBPF_ALU_AND | EBPF_SRC_K, 3, 0, 0, next(g) & 63);
	emit(g, EBPF_CLS_ALU64 | EBPF_ALU_MOV | EBPF_SRC_X, 2, R_PKT, 0, 0);
	emit(g, EBPF_CLS_ALU64 | EBPF_ALU_ADD | EBPF_SRC_X, 2, 3, 0, 0);
	emit(g, EBPF_CLS_ALU64 | EBPF_ALU_MOV | EBPF_SRC_X, 4, 2, 0, 0);
	emit(g, EBPF_CLS_ALU64 | EBPF_ALU_ADD | EBPF_SRC_K, 4, 0, 0, size);
	skip2 = emit(g, EBPF_CLS_JMP | EBPF_JMP_JGT | EBPF_SRC_X, 4, R_END, 0, 0);
	if (!packet_store(g))
		emit(g, EBPF_CLS_LDX | EBPF_MODE_MEM | size_code(size), 5, 2, 0, 0);
	else
		emit(g, EBPF_CLS_ST | EBPF_MODE_MEM | size_code(size), 2, 0, 0, next(g));
	patch_here(g, skip1);
	patch_here(g, skip2);
	g->scalars = before & ~((1u << 2) | (1u << 3) | (1u << 4) | (1u << 5));
}

/* *(u32 *)(fp - 4) = key, constant or from a register. */
static void store_key(struct gen *g)
{
	if (next(g) & 1)
		emit(g, EBPF_CLS_STX | EBPF_MODE_MEM | EBPF_SIZE_W, EBPF_REG_FP, scalar_reg(g), -4,
		     0);
	else
		emit(g, EBPF_CLS_ST | EBPF_MODE_MEM | EBPF_SIZE_W, EBPF_REG_FP, 0, -4,
		     next(g) % 12);
	emit(g, EBPF_CLS_ALU64 | EBPF_ALU_MOV | EBPF_SRC_X, 2, EBPF_REG_FP, 0, 0);
	emit(g, EBPF_CLS_ALU64 | EBPF_ALU_ADD | EBPF_SRC_K, 2, 0, 0, -4);
}

/* The access to a looked-up value (r0, not NULL), constant or variable offset. */
static void value_access(struct gen *g, enum fuzz_map_index map)
{
	const uint32_t value_size = fuzz_map_value_size(map);
	const int size = pick_size(g) > (int)value_size ? 1 : pick_size(g);
	const uint32_t room = value_size - (uint32_t)size;
	const int off = (next(g) % (room + 1)) & ~(size - 1);
	uint8_t mode = next(g) % 4; /* 0, 3 load; 1, 2 store */

	/* Mostly the direction the map allows, now and then the other. */
	if (map == FUZZ_MAP_RDONLY && (mode == 1 || mode == 2) && next(g) % 8)
		mode = 3;
	if (map == FUZZ_MAP_WRONLY && (mode == 0 || mode == 3) && next(g) % 8)
		mode = 2;

	if (mode == 0) { /* variable offset: r5 = r0 + (r3 & mask), mask + size <= value_size */
		uint32_t mask = 1;

		while (mask * 2 <= room + 1)
			mask *= 2;
		emit(g, EBPF_CLS_LDX | EBPF_MODE_MEM | EBPF_SIZE_B, 3, R_CTX,
		     FUZZ_CTX_PLAIN + next(g) % (FUZZ_CTX_SIZE - FUZZ_CTX_PLAIN), 0);
		emit(g, EBPF_CLS_ALU64 | EBPF_ALU_AND | EBPF_SRC_K, 3, 0, 0, (int32_t)mask - 1);
		emit(g, EBPF_CLS_ALU64 | EBPF_ALU_MOV | EBPF_SRC_X, 5, 0, 0, 0);
		emit(g, EBPF_CLS_ALU64 | EBPF_ALU_ADD | EBPF_SRC_X, 5, 3, 0, 0);
		emit(g, EBPF_CLS_LDX | EBPF_MODE_MEM | size_code(size), 4, 5, 0, 0);
		return;
	}
	if (mode == 1 && size >= 4) { /* atomic add, aligned */
		emit(g, EBPF_CLS_ALU64 | EBPF_ALU_MOV | EBPF_SRC_K, 3, 0, 0, 1);
		emit(g, EBPF_CLS_STX | EBPF_MODE_ATOMIC | size_code(size), 0, 3, (int16_t)off,
		     EBPF_ATOMIC_ADD);
		return;
	}
	if (mode == 2) {
		emit(g, EBPF_CLS_ST | EBPF_MODE_MEM | size_code(size), 0, 0, (int16_t)off,
		     (int32_t)next32(g));
		return;
	}
	emit(g, EBPF_CLS_LDX | EBPF_MODE_MEM | size_code(size), 3, 0, (int16_t)off, 0);
}

/* A map with values: the harness's array and hash, read-only and write-only arrays, and the
 * maps module's array. */
static enum fuzz_map_index pick_value_map(struct gen *g)
{
	static const enum fuzz_map_index maps[] = { FUZZ_MAP_ARRAY,  FUZZ_MAP_HASH,
						    FUZZ_MAP_ARRAY,  FUZZ_MAP_HASH,
						    FUZZ_MAP_QARRAY, FUZZ_MAP_RDONLY,
						    FUZZ_MAP_WRONLY };
	const uint8_t count = sizeof(maps) / sizeof(maps[0]);

	return maps[next(g) % (class_on(g, CLASS_RO_MAPS) ? count : count - 2)];
}

/* v = lookup(map, &key); if (v) { maybe spill/fill v; access *v }. */
static void gen_map_lookup(struct gen *g)
{
	const enum fuzz_map_index map = pick_value_map(g);
	size_t skip;

	store_key(g);
	emit_lddw(g, 1, EBPF_PSEUDO_MAP_IDX, map, 0);
	emit(g, EBPF_OP_CALL, 0, 0, 0, FUZZ_HELPER_LOOKUP);
	after_call(g, false);
	if (next(g) & 1) { /* spill the maybe-NULL pointer and fill it back */
		emit(g, EBPF_CLS_STX | EBPF_MODE_MEM | EBPF_SIZE_DW, EBPF_REG_FP, 0, -16, 0);
		emit(g, EBPF_CLS_LDX | EBPF_MODE_MEM | EBPF_SIZE_DW, 0, EBPF_REG_FP, -16, 0);
	}
	skip = emit(g, EBPF_CLS_JMP | EBPF_JMP_JEQ | EBPF_SRC_K, 0, 0, 0, 0);
	for (int i = 1 + next(g) % 2; i > 0; i--)
		value_access(g, map);
	patch_here(g, skip);
	g->scalars = 0;
}

/* update(map, &key, &value on the stack, flags). */
static void gen_map_update(struct gen *g)
{
	const enum fuzz_map_index map = pick_value_map(g);
	const int value_size = (int)fuzz_map_value_size(map);

	for (int off = 0; off < value_size; off += 8)
		emit(g, EBPF_CLS_ST | EBPF_MODE_MEM | EBPF_SIZE_DW, EBPF_REG_FP, 0,
		     (int16_t)(-40 + off), (int32_t)next32(g));
	store_key(g);
	emit(g, EBPF_CLS_ALU64 | EBPF_ALU_MOV | EBPF_SRC_X, 3, EBPF_REG_FP, 0, 0);
	emit(g, EBPF_CLS_ALU64 | EBPF_ALU_ADD | EBPF_SRC_K, 3, 0, 0, -40);
	emit(g, EBPF_CLS_ALU64 | EBPF_ALU_MOV | EBPF_SRC_K, 4, 0, 0, next(g) % 4);
	emit_lddw(g, 1, EBPF_PSEUDO_MAP_IDX, map, 0);
	emit(g, EBPF_OP_CALL, 0, 0, 0, FUZZ_HELPER_UPDATE);
	after_call(g, true);
}

static void gen_map_delete(struct gen *g)
{
	store_key(g);
	emit_lddw(g, 1, EBPF_PSEUDO_MAP_IDX, next(g) % 4 ? FUZZ_MAP_HASH : pick_value_map(g), 0);
	emit(g, EBPF_OP_CALL, 0, 0, 0, FUZZ_HELPER_DELETE);
	after_call(g, true);
}

/* Spill a register to a stack slot and fill another from it (or fill from a slot alone). */
static void gen_spill_fill(struct gen *g)
{
	static const uint8_t sources[] = { 0, 1, 2, 3, 4, 5, R_CTX, R_PKT, R_END };
	const int16_t slot = (int16_t)(-8 * (3 + next(g) % 12));
	const uint8_t src = sources[next(g) % sizeof(sources)];
	const uint8_t dst = pick_scratch(g);
	const uint8_t mode = next(g) % 16; /* 3: a fill alone, usually refused: keep it rare */
	bool scalar = src < R_CTX;

	if (mode != 3) {
		if (scalar && !(g->scalars & (1u << src))) {
			emit(g, EBPF_CLS_ALU64 | EBPF_ALU_MOV | EBPF_SRC_K, src, 0, 0, 7);
			g->scalars |= 1u << src;
		}
		emit(g, EBPF_CLS_STX | EBPF_MODE_MEM | EBPF_SIZE_DW, EBPF_REG_FP, src, slot, 0);
	} else {
		scalar = true; /* whatever an earlier block stored there, if anything */
	}
	if (mode == 2 && scalar) { /* a narrower fill of part of the slot */
		emit(g, EBPF_CLS_LDX | EBPF_MODE_MEM | EBPF_SIZE_W, dst, EBPF_REG_FP, slot + 4, 0);
	} else {
		emit(g, EBPF_CLS_LDX | EBPF_MODE_MEM | EBPF_SIZE_DW, dst, EBPF_REG_FP, slot, 0);
	}
	if (scalar)
		g->scalars |= 1u << dst;
	else
		g->scalars &= ~(1u << dst);
}

static void gen_helper(struct gen *g)
{
	if (next(g) & 1) {
		emit(g, EBPF_CLS_ALU64 | EBPF_ALU_MOV | EBPF_SRC_X, 1, R_CTX, 0, 0);
		emit(g, EBPF_OP_CALL, 0, 0, 0, FUZZ_HELPER_CTX_SUM);
		after_call(g, true);
		return;
	}
	/* fuzz_mem_sum(fp - 24, len) after initialising those bytes */
	const int len = 1 + next(g) % 24;

	emit(g, EBPF_CLS_ST | EBPF_MODE_MEM | EBPF_SIZE_DW, EBPF_REG_FP, 0, -24,
	     (int32_t)next32(g));
	emit(g, EBPF_CLS_ST | EBPF_MODE_MEM | EBPF_SIZE_DW, EBPF_REG_FP, 0, -16,
	     (int32_t)next32(g));
	emit(g, EBPF_CLS_ST | EBPF_MODE_MEM | EBPF_SIZE_DW, EBPF_REG_FP, 0, -8, (int32_t)next32(g));
	emit(g, EBPF_CLS_ALU64 | EBPF_ALU_MOV | EBPF_SRC_X, 1, EBPF_REG_FP, 0, 0);
	emit(g, EBPF_CLS_ALU64 | EBPF_ALU_ADD | EBPF_SRC_K, 1, 0, 0, -24);
	emit(g, EBPF_CLS_ALU64 | EBPF_ALU_MOV | EBPF_SRC_K, 2, 0, 0, len);
	emit(g, EBPF_OP_CALL, 0, 0, 0, FUZZ_HELPER_MEM_SUM);
	after_call(g, true);
}

/*
 * v = lookup(array, &key); if (v) r3 = v > &.data: the order of two maps' values is where the
 * host placed them, so r3 must never be computed (the oracle's worlds place maps differently).
 */
static void gen_ptr_cmp(struct gen *g)
{
	size_t skip;

	store_key(g);
	emit_lddw(g, 1, EBPF_PSEUDO_MAP_IDX, FUZZ_MAP_ARRAY, 0);
	emit(g, EBPF_OP_CALL, 0, 0, 0, FUZZ_HELPER_LOOKUP);
	after_call(g, false);
	skip = emit(g, EBPF_CLS_JMP | EBPF_JMP_JEQ | EBPF_SRC_K, 0, 0, 0, 0);
	emit_lddw(g, 1, EBPF_PSEUDO_MAP_IDX_VALUE, FUZZ_MAP_DATA, 0);
	emit(g, EBPF_CLS_ALU64 | EBPF_ALU_MOV | EBPF_SRC_K, 3, 0, 0, 0);
	emit(g, EBPF_CLS_JMP | (next(g) & 1 ? EBPF_JMP_JGT : EBPF_JMP_JLT) | EBPF_SRC_X, 0, 1, 1,
	     0);
	emit(g, EBPF_CLS_ALU64 | EBPF_ALU_MOV | EBPF_SRC_K, 3, 0, 0, 1);
	surface(g, 3);
	patch_here(g, skip);
	g->scalars = 0;
}

/* Global data: r1 = &.data + off; access within the value. */
static void gen_global_access(struct gen *g)
{
	const int size = pick_size(g);
	const uint32_t vs = fuzz_map_value_size(FUZZ_MAP_DATA);
	const int base = (int)(next(g) % vs) & ~(size - 1);
	const int off = (int)(next(g) % (vs - (uint32_t)base - (uint32_t)size + 1)) & ~(size - 1);
	const uint8_t reg = 1 + next(g) % 5;

	emit_lddw(g, reg, EBPF_PSEUDO_MAP_IDX_VALUE, FUZZ_MAP_DATA, base);
	if (next(g) & 1) {
		const uint8_t dst = reg == 1 ? 0 : 1;

		emit(g, EBPF_CLS_LDX | EBPF_MODE_MEM | size_code(size), dst, reg, (int16_t)off, 0);
		g->scalars |= 1u << dst;
	} else {
		emit(g, EBPF_CLS_ST | EBPF_MODE_MEM | size_code(size), reg, 0, (int16_t)off,
		     (int32_t)next32(g));
	}
	g->scalars &= ~(1u << reg);
}

static void gen_global_data(struct gen *g)
{
	if (class_on(g, CLASS_PTR_CMP) && next(g) % 4 == 0)
		gen_ptr_cmp(g);
	else
		gen_global_access(g);
}

/*
 * Metadata: meta = ctx->data_meta; if (meta + K > bound) skip; accesses in [meta, meta + K).
 * The bound is data, or now and then data moved by K2: that proves only meta + K <= data + K2.
 */
static void gen_meta(struct gen *g)
{
	const int len = 1 + next(g) % 48;
	const uint32_t before = g->scalars;
	uint8_t bound = R_PKT;
	size_t skip;

	emit(g, EBPF_CLS_LDX | EBPF_MODE_MEM | EBPF_SIZE_DW, 2, R_CTX, FUZZ_CTX_META, 0);
	emit(g, EBPF_CLS_ALU64 | EBPF_ALU_MOV | EBPF_SRC_X, 3, 2, 0, 0);
	emit(g, EBPF_CLS_ALU64 | EBPF_ALU_ADD | EBPF_SRC_K, 3, 0, 0, len);
	if (next(g) % 6 == 0 && class_on(g, CLASS_META)) {
		bound = 4;
		emit(g, EBPF_CLS_ALU64 | EBPF_ALU_MOV | EBPF_SRC_X, 4, R_PKT, 0, 0);
		emit(g, EBPF_CLS_ALU64 | EBPF_ALU_ADD | EBPF_SRC_K, 4, 0, 0,
		     next(g) & 1 ? len : next(g) % 64);
	}
	skip = emit(g, EBPF_CLS_JMP | EBPF_JMP_JGT | EBPF_SRC_X, 3, bound, 0, 0);
	for (int i = 1 + next(g) % 2; i > 0; i--) {
		int size = pick_size(g);
		int off;

		while (size > len)
			size /= 2;
		off = next(g) % (len - size + 1);
		if (!packet_store(g)) {
			emit(g, EBPF_CLS_LDX | EBPF_MODE_MEM | size_code(size), 5, 2, (int16_t)off,
			     0);
			surface(g, 5);
		} else {
			emit(g, EBPF_CLS_ST | EBPF_MODE_MEM | size_code(size), 2, 0, (int16_t)off,
			     (int32_t)next32(g));
		}
	}
	patch_here(g, skip);
	g->scalars = before & ~0x3cu; /* r2-r5 */
}

/*
 * A pointer spilled among initialised slots, a store at a variable offset over them, then the
 * pointer's slot read back as a number and made visible: unless the verifier refuses the store
 * (or the read), the pointer reaches the context.
 */
static void gen_var_stack_write(struct gen *g)
{
	static const uint8_t pointers[] = { R_CTX, R_PKT, R_END, EBPF_REG_FP };
	const int size = pick_size(g);
	const int16_t slot = (int16_t)(-80 + 8 * (next(g) % 3));
	const uint8_t mask = next(g) & 1 ? 15 : 7;
	const uint8_t dst = pick_scratch(g);

	if (!class_on(g, CLASS_VAR_STACK)) {
		gen_alu(g);
		return;
	}

	for (int16_t off = -80; off < -48; off += 8)
		emit(g, EBPF_CLS_ST | EBPF_MODE_MEM | EBPF_SIZE_DW, EBPF_REG_FP, 0, off, 0);
	emit(g, EBPF_CLS_STX | EBPF_MODE_MEM | EBPF_SIZE_DW, EBPF_REG_FP,
	     next(g) % 4 == 0 ? pointers[next(g) % sizeof(pointers)] : scalar_reg(g), slot, 0);
	emit(g, EBPF_CLS_LDX | EBPF_MODE_MEM | EBPF_SIZE_B, 3, R_CTX,
	     FUZZ_CTX_PLAIN + next(g) % (FUZZ_CTX_SIZE - FUZZ_CTX_PLAIN), 0);
	emit(g, EBPF_CLS_ALU64 | EBPF_ALU_AND | EBPF_SRC_K, 3, 0, 0, mask);
	emit(g, EBPF_CLS_ALU64 | EBPF_ALU_MOV | EBPF_SRC_X, 4, EBPF_REG_FP, 0, 0);
	emit(g, EBPF_CLS_ALU64 | EBPF_ALU_ADD | EBPF_SRC_K, 4, 0, 0, -80 + 8 * (next(g) % 2));
	emit(g, EBPF_CLS_ALU64 | EBPF_ALU_ADD | EBPF_SRC_X, 4, 3, 0, 0);
	emit(g, EBPF_CLS_ST | EBPF_MODE_MEM | size_code(size), 4, 0, 0, (int32_t)next32(g));
	emit(g, EBPF_CLS_LDX | EBPF_MODE_MEM | EBPF_SIZE_DW, dst, EBPF_REG_FP, slot, 0);
	g->scalars &= ~((1u << 3) | (1u << 4));
	g->scalars |= 1u << dst;
	if (next(g) & 1)
		surface(g, dst);
}

/*
 * Queue helpers (the core's): push a value, or pop/peek into stack nothing initialised and read
 * it back. On an empty queue, or a map without pop (the array), the helper fails: its output
 * must still be defined, or the verifier must not count it written.
 */
static void gen_queue(struct gen *g)
{
	const enum fuzz_map_index map = next(g) % 8 ? FUZZ_MAP_QUEUE : FUZZ_MAP_QARRAY;
	const uint8_t op = next(g) % 3;

	if (!class_on(g, CLASS_HELPER_OUT)) {
		gen_alu(g);
		return;
	}

	if (op != 0 && next(g) % 4) /* an initialised output, or (now and then) not */
		emit(g, EBPF_CLS_ST | EBPF_MODE_MEM | EBPF_SIZE_DW, EBPF_REG_FP, 0, -120, 0);
	emit(g, EBPF_CLS_ALU64 | EBPF_ALU_MOV | EBPF_SRC_X, 2, EBPF_REG_FP, 0, 0);
	emit(g, EBPF_CLS_ALU64 | EBPF_ALU_ADD | EBPF_SRC_K, 2, 0, 0, -120);
	if (op == 0) {
		emit(g, EBPF_CLS_ST | EBPF_MODE_MEM | EBPF_SIZE_DW, EBPF_REG_FP, 0, -120,
		     (int32_t)next32(g));
		emit(g, EBPF_CLS_ALU64 | EBPF_ALU_MOV | EBPF_SRC_K, 3, 0, 0,
		     next(g) & 1 ? 0 : EBPF_EXIST);
	}
	emit_lddw(g, 1, EBPF_PSEUDO_MAP_IDX, map, 0);
	emit(g, EBPF_OP_CALL, 0, 0, 0, op == 0 ? FUZZ_HELPER_PUSH : FUZZ_HELPER_POP + op - 1);
	after_call(g, true);
	if (op != 0) {
		emit(g, EBPF_CLS_LDX | EBPF_MODE_MEM | EBPF_SIZE_DW, 3, EBPF_REG_FP, -120, 0);
		g->scalars |= 1u << 3;
		surface(g, 3);
	}
}

/* strtol(buf, len, flags, &res) with res on uninitialised stack, then res made visible. */
static void gen_strtol(struct gen *g)
{
	if (!class_on(g, CLASS_HELPER_OUT)) {
		gen_alu(g);
		return;
	}
	emit(g, EBPF_CLS_ST | EBPF_MODE_MEM | EBPF_SIZE_DW, EBPF_REG_FP, 0, -136,
	     (int32_t)(0x30303030u + (next32(g) & 0x0f0f0f0fu)));
	emit(g, EBPF_CLS_ALU64 | EBPF_ALU_MOV | EBPF_SRC_X, 1, EBPF_REG_FP, 0, 0);
	emit(g, EBPF_CLS_ALU64 | EBPF_ALU_ADD | EBPF_SRC_K, 1, 0, 0, -136);
	emit(g, EBPF_CLS_ALU64 | EBPF_ALU_MOV | EBPF_SRC_K, 2, 0, 0, 1 + next(g) % 8);
	emit(g, EBPF_CLS_ALU64 | EBPF_ALU_MOV | EBPF_SRC_K, 3, 0, 0, next(g) % 3 * 8);
	emit(g, EBPF_CLS_ALU64 | EBPF_ALU_MOV | EBPF_SRC_X, 4, EBPF_REG_FP, 0, 0);
	emit(g, EBPF_CLS_ALU64 | EBPF_ALU_ADD | EBPF_SRC_K, 4, 0, 0, -144);
	emit(g, EBPF_OP_CALL, 0, 0, 0, FUZZ_HELPER_STRTOL);
	after_call(g, true);
	emit(g, EBPF_CLS_LDX | EBPF_MODE_MEM | EBPF_SIZE_DW, 3, EBPF_REG_FP, -144, 0);
	g->scalars |= 1u << 3;
	surface(g, 3);
}

/*
 * load_bytes(ctx, off, buf, len): into uninitialised stack (len constant, or variable: the bytes
 * between the run-time len and its maximum are not written), at a variable stack offset now and
 * then, or into the packet after a bounds check (refused where the packet is read-only); then
 * the whole maximum is read back (with a variable length, now and then only: beyond its least
 * value nothing is certainly written).
 */
static void gen_load_bytes(struct gen *g)
{
	const int max = 1 + next(g) % 16;
	const uint8_t where = next(g) % 8;
	const uint32_t before = g->scalars;
	size_t skip = SIZE_MAX;

	if (!class_on(g, CLASS_HELPER_OUT)) {
		gen_alu(g);
		return;
	}

	if (where != 0 && next(g) % 4) { /* an initialised output, or (now and then) not */
		for (int16_t off = -176; off < -144; off += 8)
			emit(g, EBPF_CLS_ST | EBPF_MODE_MEM | EBPF_SIZE_DW, EBPF_REG_FP, 0, off, 0);
	}
	if (where == 0) { /* into the packet: r3 = pkt, checked for max bytes */
		emit(g, EBPF_CLS_ALU64 | EBPF_ALU_MOV | EBPF_SRC_X, 3, R_PKT, 0, 0);
		emit(g, EBPF_CLS_ALU64 | EBPF_ALU_ADD | EBPF_SRC_K, 3, 0, 0, max);
		skip = emit(g, EBPF_CLS_JMP | EBPF_JMP_JGT | EBPF_SRC_X, 3, R_END, 0, 0);
		emit(g, EBPF_CLS_ALU64 | EBPF_ALU_MOV | EBPF_SRC_X, 3, R_PKT, 0, 0);
	} else if (where == 1) { /* stack at fp-176 + (0 or 8) */
		emit(g, EBPF_CLS_LDX | EBPF_MODE_MEM | EBPF_SIZE_B, 3, R_CTX, FUZZ_CTX_PLAIN, 0);
		emit(g, EBPF_CLS_ALU64 | EBPF_ALU_AND | EBPF_SRC_K, 3, 0, 0, 8);
		emit(g, EBPF_CLS_ALU64 | EBPF_ALU_ADD | EBPF_SRC_X, 3, EBPF_REG_FP, 0, 0);
		emit(g, EBPF_CLS_ALU64 | EBPF_ALU_ADD | EBPF_SRC_K, 3, 0, 0, -176);
	} else {
		emit(g, EBPF_CLS_ALU64 | EBPF_ALU_MOV | EBPF_SRC_X, 3, EBPF_REG_FP, 0, 0);
		emit(g, EBPF_CLS_ALU64 | EBPF_ALU_ADD | EBPF_SRC_K, 3, 0, 0, -160);
	}
	const bool variable = next(g) & 1;
	int readback = max;

	if (variable) { /* len in [1, max]: only its first byte is written whatever it is */
		readback = next(g) % 4 ? 1 : max;
		emit(g, EBPF_CLS_LDX | EBPF_MODE_MEM | EBPF_SIZE_B, 4, R_CTX,
		     FUZZ_CTX_PLAIN + 1 + next(g) % 8, 0);
		emit(g, EBPF_CLS_ALU64 | EBPF_ALU_MOD | EBPF_SRC_K, 4, 0, 0, max);
		emit(g, EBPF_CLS_ALU64 | EBPF_ALU_ADD | EBPF_SRC_K, 4, 0, 0, 1);
	} else {
		emit(g, EBPF_CLS_ALU64 | EBPF_ALU_MOV | EBPF_SRC_K, 4, 0, 0, max);
	}
	emit(g, EBPF_CLS_ALU64 | EBPF_ALU_MOV | EBPF_SRC_K, 2, 0, 0,
	     next(g) % (FUZZ_MAX_PACKET + 8));
	emit(g, EBPF_CLS_ALU64 | EBPF_ALU_MOV | EBPF_SRC_X, 1, R_CTX, 0, 0);
	emit(g, EBPF_OP_CALL, 0, 0, 0, FUZZ_HELPER_LOAD_BYTES);
	after_call(g, true);
	if (where > 1) {
		for (int off = 0; off < readback; off += 8) {
			const int left = readback - off;
			const int size = left >= 8 ? 8 : left >= 4 ? 4 : left >= 2 ? 2 : 1;

			emit(g, EBPF_CLS_LDX | EBPF_MODE_MEM | size_code(size), 3, EBPF_REG_FP,
			     (int16_t)(-160 + off), 0);
			surface(g, 3);
		}
		g->scalars |= 1u << 3;
	}
	if (skip != SIZE_MAX) {
		patch_here(g, skip);
		g->scalars = before & ~SCRATCH_MASK;
	}
}

/* tail_call(ctx, progs, index): the program array's slots are filled from the seed. */
static void gen_tail_call(struct gen *g)
{
	if (!class_on(g, CLASS_TAIL_CALL)) {
		gen_alu(g);
		return;
	}
	emit(g, EBPF_CLS_ALU64 | EBPF_ALU_MOV | EBPF_SRC_X, 1, R_CTX, 0, 0);
	emit_lddw(g, 2, EBPF_PSEUDO_MAP_IDX, FUZZ_MAP_PROGS, 0);
	emit(g, EBPF_CLS_ALU64 | EBPF_ALU_MOV | EBPF_SRC_K, 3, 0, 0, next(g) % 5);
	emit(g, EBPF_OP_CALL, 0, 0, 0, FUZZ_HELPER_TAIL_CALL);
	after_call(g, true);
}

static void emit_call(struct gen *g, enum gen_subprog target)
{
	const size_t at = emit(g, EBPF_OP_CALL, 0, EBPF_CALL_LOCAL, 0, 0);

	g->calls[g->call_count] = at;
	g->call_target[g->call_count++] = target;
}

/*
 * A call of a subprogram: SUB_BLOCKS returns a scalar; SUB_TAIL_PTR gets a pointer to this
 * frame's stack, tail-calls and returns the pointer, which is then used: if the tail call
 * succeeds, what comes back is the target's r0, and only a verifier that models that refuses
 * the use.
 */
static void gen_call(struct gen *g)
{
	if (g->in_subprog || g->call_count == GEN_MAX_CALLS) {
		gen_tail_call(g);
		return;
	}
	if (next(g) & 1 || !class_on(g, CLASS_TAIL_CALL)) {
		emit(g, EBPF_CLS_ALU64 | EBPF_ALU_MOV | EBPF_SRC_X, 1, R_CTX, 0, 0);
		emit_call(g, SUB_BLOCKS);
		after_call(g, true);
		return;
	}
	emit(g, EBPF_CLS_ST | EBPF_MODE_MEM | EBPF_SIZE_DW, EBPF_REG_FP, 0, -184,
	     (int32_t)next32(g));
	emit(g, EBPF_CLS_ALU64 | EBPF_ALU_MOV | EBPF_SRC_X, 1, R_CTX, 0, 0);
	emit(g, EBPF_CLS_ALU64 | EBPF_ALU_MOV | EBPF_SRC_X, 2, EBPF_REG_FP, 0, 0);
	emit(g, EBPF_CLS_ALU64 | EBPF_ALU_ADD | EBPF_SRC_K, 2, 0, 0, -184);
	emit_call(g, SUB_TAIL_PTR);
	after_call(g, false);
	if (next(g) & 1) {
		emit(g, EBPF_CLS_ST | EBPF_MODE_MEM | EBPF_SIZE_DW, 0, 0, 0, (int32_t)next32(g));
	} else {
		emit(g, EBPF_CLS_LDX | EBPF_MODE_MEM | EBPF_SIZE_DW, 3, 0, 0, 0);
		g->scalars |= 1u << 3;
		surface(g, 3);
	}
}

/* for (r9 = 0; r9 < n; r9++) { blocks } */
static void gen_loop(struct gen *g)
{
	size_t head;

	if (g->loop_used || g->depth >= GEN_MAX_DEPTH) {
		gen_alu(g);
		return;
	}
	g->loop_used = true;
	g->depth++;
	emit(g, EBPF_CLS_ALU64 | EBPF_ALU_MOV | EBPF_SRC_K, R_LOOP, 0, 0, 0);
	head = g->n;
	/* Later iterations see what the body left: assume nothing at the head. */
	g->scalars = 0;
	for (int i = 1 + next(g) % 2; i > 0; i--)
		gen_block(g);
	emit(g, EBPF_CLS_ALU64 | EBPF_ALU_ADD | EBPF_SRC_K, R_LOOP, 0, 0, 1);
	emit(g, EBPF_CLS_JMP | EBPF_JMP_JLT | EBPF_SRC_K, R_LOOP, 0,
	     (int16_t)((int64_t)head - (int64_t)g->n - 1), 1 + next(g) % 8);
	g->depth--;
	g->loop_used = false;
}

/* if (scalar <cond> imm) skip { blocks } */
static void gen_branch(struct gen *g)
{
	static const uint8_t ops[] = { EBPF_JMP_JEQ, EBPF_JMP_JGT,  EBPF_JMP_JGE,  EBPF_JMP_JSET,
				       EBPF_JMP_JNE, EBPF_JMP_JSGT, EBPF_JMP_JSGE, EBPF_JMP_JLT,
				       EBPF_JMP_JLE, EBPF_JMP_JSLT, EBPF_JMP_JSLE };
	const uint8_t cls = next(g) & 1 ? EBPF_CLS_JMP : EBPF_CLS_JMP32;
	const uint8_t op = ops[next(g) % sizeof(ops)];
	uint32_t before;
	size_t skip;

	if (g->depth >= GEN_MAX_DEPTH) {
		gen_alu(g);
		return;
	}
	skip = emit(g, cls | op | EBPF_SRC_K, scalar_reg(g), 0, 0, (int32_t)(next(g) % 16));
	before = g->scalars;
	g->depth++;
	for (int i = 1 + next(g) % 2; i > 0; i--)
		gen_block(g);
	g->depth--;
	patch_here(g, skip);
	g->scalars &= before;
}

/* ---- Precision-sensitive shapes (issue 20) ------------------------------------------------ */

/* What a joined scalar in r2 becomes after the join; each use has a room r2 must stay within. */
enum join_use {
	USE_VALUE,  /* array value pointer + r2, access of `size` bytes (value of 16) */
	USE_PACKET, /* packet + r2 after a constant bounds check of `room + size` bytes */
	USE_STACK,  /* fp - 64 + r2 over 64 initialised bytes: beyond them lies the frame's end */
	USE_SIZE,   /* load_bytes into fp - 24 with r2 as the length: more overruns the frame */
	USE_COUNT,
};

struct join_shape {
	enum join_use use;
	int size;     /* access size (USE_SIZE: 1, unused) */
	int32_t lo;   /* least value the use takes (the size's: 1) */
	int32_t room; /* greatest value the use takes safely */
};

static void pick_join_shape(struct gen *g, struct join_shape *s)
{
	s->use = (enum join_use)(next(g) % USE_COUNT);
	s->size = s->use == USE_SIZE ? 1 : pick_size(g);
	s->lo = s->use == USE_SIZE ? 1 : 0;
	switch (s->use) {
	case USE_VALUE:
		s->room = 16 - s->size;
		break;
	case USE_PACKET:
		s->room = (int32_t)(next(g) % 32);
		break;
	case USE_STACK:
		s->room = 64 - s->size;
		break;
	default:
		s->room = 24;
		break;
	}
}

/* A value the use takes safely, or (one time in `odds`) just beyond its room. */
static int32_t join_value(struct gen *g, const struct join_shape *s, int odds)
{
	if (next(g) % odds == 0)
		return s->room + 1 + (int32_t)(next(g) % 8);
	return s->lo + (int32_t)(next(g) % (uint32_t)(s->room - s->lo + 1));
}

/* ptr += r2, then a store or a load (into r4) of `size` bytes there. */
static void access_plus_r2(struct gen *g, uint8_t ptr, int size, bool store)
{
	emit(g, EBPF_CLS_ALU64 | EBPF_ALU_ADD | EBPF_SRC_X, ptr, 2, 0, 0);
	if (store)
		emit(g, EBPF_CLS_ST | EBPF_MODE_MEM | size_code(size), ptr, 0, 0, 1);
	else
		emit(g, EBPF_CLS_LDX | EBPF_MODE_MEM | size_code(size), 4, ptr, 0, 0);
}

/*
 * The use of r2 after the join. Helper calls clobber r1-r5, so r2 goes through a stack slot
 * around them: a precision mark must follow the fill back to the spill and on to the join.
 * With `check` the use first tests r2 against its room, so that a value the verifier cannot
 * bound (a loop's) stays acceptable; without it, only precise bounds make the use safe.
 */
static void join_use(struct gen *g, const struct join_shape *s, bool check)
{
	size_t skip = SIZE_MAX, skip2 = SIZE_MAX;

	if (check)
		skip = emit(g, EBPF_CLS_JMP | EBPF_JMP_JGT | EBPF_SRC_K, 2, 0, 0, s->room);
	switch (s->use) {
	case USE_VALUE:
		emit(g, EBPF_CLS_STX | EBPF_MODE_MEM | EBPF_SIZE_DW, EBPF_REG_FP, 2, -184, 0);
		emit(g, EBPF_CLS_ST | EBPF_MODE_MEM | EBPF_SIZE_W, EBPF_REG_FP, 0, -4, next(g) % 4);
		emit(g, EBPF_CLS_ALU64 | EBPF_ALU_MOV | EBPF_SRC_X, 2, EBPF_REG_FP, 0, 0);
		emit(g, EBPF_CLS_ALU64 | EBPF_ALU_ADD | EBPF_SRC_K, 2, 0, 0, -4);
		emit_lddw(g, 1, EBPF_PSEUDO_MAP_IDX, FUZZ_MAP_ARRAY, 0);
		emit(g, EBPF_OP_CALL, 0, 0, 0, FUZZ_HELPER_LOOKUP);
		skip2 = emit(g, EBPF_CLS_JMP | EBPF_JMP_JEQ | EBPF_SRC_K, 0, 0, 0, 0);
		emit(g, EBPF_CLS_LDX | EBPF_MODE_MEM | EBPF_SIZE_DW, 2, EBPF_REG_FP, -184, 0);
		access_plus_r2(g, 0, s->size, next(g) & 1);
		break;
	case USE_PACKET:
		emit(g, EBPF_CLS_ALU64 | EBPF_ALU_MOV | EBPF_SRC_X, 3, R_PKT, 0, 0);
		emit(g, EBPF_CLS_ALU64 | EBPF_ALU_ADD | EBPF_SRC_K, 3, 0, 0, s->room + s->size);
		skip2 = emit(g, EBPF_CLS_JMP | EBPF_JMP_JGT | EBPF_SRC_X, 3, R_END, 0, 0);
		emit(g, EBPF_CLS_ALU64 | EBPF_ALU_MOV | EBPF_SRC_X, 3, R_PKT, 0, 0);
		access_plus_r2(g, 3, s->size, packet_store(g));
		break;
	case USE_STACK:
		for (int16_t off = -64; off < 0; off += 8)
			emit(g, EBPF_CLS_ST | EBPF_MODE_MEM | EBPF_SIZE_DW, EBPF_REG_FP, 0, off, 0);
		emit(g, EBPF_CLS_ALU64 | EBPF_ALU_MOV | EBPF_SRC_X, 3, EBPF_REG_FP, 0, 0);
		emit(g, EBPF_CLS_ALU64 | EBPF_ALU_ADD | EBPF_SRC_K, 3, 0, 0, -64);
		access_plus_r2(g, 3, s->size, next(g) & 1);
		break;
	default:
		emit(g, EBPF_CLS_ALU64 | EBPF_ALU_MOV | EBPF_SRC_X, 4, 2, 0, 0);
		emit(g, EBPF_CLS_ALU64 | EBPF_ALU_MOV | EBPF_SRC_X, 3, EBPF_REG_FP, 0, 0);
		emit(g, EBPF_CLS_ALU64 | EBPF_ALU_ADD | EBPF_SRC_K, 3, 0, 0, -24);
		emit(g, EBPF_CLS_ALU64 | EBPF_ALU_MOV | EBPF_SRC_K, 2, 0, 0, next(g) % 8);
		emit(g, EBPF_CLS_ALU64 | EBPF_ALU_MOV | EBPF_SRC_X, 1, R_CTX, 0, 0);
		emit(g, EBPF_OP_CALL, 0, 0, 0, FUZZ_HELPER_LOAD_BYTES);
		break;
	}
	if (skip != SIZE_MAX)
		patch_here(g, skip);
	if (skip2 != SIZE_MAX)
		patch_here(g, skip2);
	g->scalars = 0; /* a lookup or a helper call may have run */
}

/* r2 = a value for the use, computed one of several ways (r1 holds a context byte). */
static void join_path(struct gen *g, const struct join_shape *s)
{
	const int32_t v = join_value(g, s, 8);
	uint32_t mask = 1;

	switch (next(g) % 4) {
	case 0: /* a constant */
		emit(g, EBPF_CLS_ALU64 | EBPF_ALU_MOV | EBPF_SRC_K, 2, 0, 0, v);
		break;
	case 1: /* a 32-bit move of a constant */
		emit(g, EBPF_CLS_ALU | EBPF_ALU_MOV | EBPF_SRC_K, 2, 0, 0, v);
		break;
	case 2: /* the context byte masked: [0, mask - 1], now and then beyond the room */
		while (mask * 2 <= (uint32_t)v + 1)
			mask *= 2;
		emit(g, EBPF_CLS_ALU64 | EBPF_ALU_MOV | EBPF_SRC_X, 2, 1, 0, 0);
		emit(g, EBPF_CLS_ALU64 | EBPF_ALU_AND | EBPF_SRC_K, 2, 0, 0, (int32_t)mask - 1);
		if (s->lo)
			emit(g, EBPF_CLS_ALU64 | EBPF_ALU_OR | EBPF_SRC_K, 2, 0, 0, 1);
		break;
	default: /* a constant through a spill and a fill */
		emit(g, EBPF_CLS_ST | EBPF_MODE_MEM | EBPF_SIZE_DW, EBPF_REG_FP, 0, -192, v);
		emit(g, EBPF_CLS_LDX | EBPF_MODE_MEM | EBPF_SIZE_DW, 2, EBPF_REG_FP, -192, 0);
		break;
	}
}

/*
 * r2 computed differently on two paths, joined, maybe spilled and filled (or moved through
 * 32 bits), then used as an offset, an index or a size. The verifier that prunes the second
 * path at the join against the first without having marked r2 precise misses its value.
 */
static void gen_join(struct gen *g)
{
	struct join_shape s;
	size_t other, join;

	if (!class_on(g, CLASS_PRECISION)) {
		gen_alu(g);
		return;
	}
	pick_join_shape(g, &s);
	emit(g, EBPF_CLS_LDX | EBPF_MODE_MEM | EBPF_SIZE_B, 1, R_CTX,
	     FUZZ_CTX_PLAIN + next(g) % (FUZZ_CTX_SIZE - FUZZ_CTX_PLAIN), 0);
	other = emit(g, (next(g) & 1 ? EBPF_CLS_JMP : EBPF_CLS_JMP32) | EBPF_JMP_JGT | EBPF_SRC_K,
		     1, 0, 0, next(g));
	join_path(g, &s);
	join = emit(g, EBPF_OP_JA, 0, 0, 0, 0);
	patch_here(g, other);
	join_path(g, &s);
	patch_here(g, join);
	switch (next(g) % 4) {
	case 0: /* through a spill: another register's fill */
		emit(g, EBPF_CLS_STX | EBPF_MODE_MEM | EBPF_SIZE_DW, EBPF_REG_FP, 2, -200, 0);
		emit(g, EBPF_CLS_ALU64 | EBPF_ALU_MOV | EBPF_SRC_K, 2, 0, 0, 0);
		emit(g, EBPF_CLS_LDX | EBPF_MODE_MEM | EBPF_SIZE_DW, 5, EBPF_REG_FP, -200, 0);
		emit(g, EBPF_CLS_ALU64 | EBPF_ALU_MOV | EBPF_SRC_X, 2, 5, 0, 0);
		break;
	case 1: /* a 32-bit copy (linked through r4) */
		emit(g, EBPF_CLS_ALU | EBPF_ALU_MOV | EBPF_SRC_X, 4, 2, 0, 0);
		emit(g, EBPF_CLS_ALU64 | EBPF_ALU_MOV | EBPF_SRC_X, 2, 4, 0, 0);
		break;
	default:
		break;
	}
	join_use(g, &s, false);
}

/*
 * A loop bounded by may_goto (Linux 6.9's BPF_JCOND) as well as, mostly, by r9 against a
 * constant: head: [if r9 >= n goto out]; may_goto out; blocks; r9 += 1; goto head. After it
 * r9 * step is used as an offset, checked against its room mostly (the verifier need not bound
 * a may_goto loop's counter) and now and then not.
 */
static void gen_may_goto(struct gen *g)
{
	const bool counted = next(g) % 8 != 0;
	const int32_t n = 1 + next(g) % 8;
	struct join_shape s;
	size_t head, exit_n = SIZE_MAX, exit_may;

	if (!class_on(g, CLASS_MAY_GOTO) || g->loop_used || g->depth >= GEN_MAX_DEPTH) {
		gen_alu(g);
		return;
	}
	pick_join_shape(g, &s);
	g->loop_used = true;
	g->depth++;
	emit(g, EBPF_CLS_ALU64 | EBPF_ALU_MOV | EBPF_SRC_K, R_LOOP, 0, 0, 0);
	head = g->n;
	g->scalars = 0;
	if (counted)
		exit_n = emit(g, EBPF_CLS_JMP | EBPF_JMP_JGE | EBPF_SRC_K, R_LOOP, 0, 0, n);
	exit_may = emit(g, EBPF_OP_MAY_GOTO, 0, 0, 0, 0);
	for (int i = next(g) % 3; i > 0; i--)
		gen_block(g);
	emit(g, EBPF_CLS_ALU64 | EBPF_ALU_ADD | EBPF_SRC_K, R_LOOP, 0, 0, 1);
	emit(g, EBPF_OP_JA, 0, 0, (int16_t)((int64_t)head - (int64_t)g->n - 1), 0);
	if (exit_n != SIZE_MAX)
		patch_here(g, exit_n);
	patch_here(g, exit_may);
	g->depth--;
	g->loop_used = false;
	g->scalars = 0;
	emit(g, EBPF_CLS_ALU64 | EBPF_ALU_MOV | EBPF_SRC_X, 2, R_LOOP, 0, 0);
	emit(g, EBPF_CLS_ALU64 | EBPF_ALU_MUL | EBPF_SRC_K, 2, 0, 0, 1 + next(g) % 4);
	if (s.lo)
		emit(g, EBPF_CLS_ALU64 | EBPF_ALU_ADD | EBPF_SRC_K, 2, 0, 0, 1);
	join_use(g, &s, next(g) % 8 != 0);
}

static void gen_block(struct gen *g)
{
	static void (*const blocks[])(struct gen *) = {
		gen_alu,
		gen_ctx_load,
		gen_ctx_store,
		gen_packet_const,
		gen_packet_var,
		gen_map_lookup,
		gen_map_update,
		gen_map_delete,
		gen_spill_fill,
		gen_helper,
		gen_global_data,
		gen_loop,
		gen_branch,
		gen_meta,
		gen_queue,
		gen_strtol,
		gen_var_stack_write,
		gen_load_bytes,
		gen_tail_call,
		gen_call,
	};

	/*
	 * The shapes of issue 20 take a byte only when their classes are on, so that with them off
	 * (a reproducer replayed with its own class mask) the generator makes the programs it made
	 * before them.
	 */
	if (class_on(g, CLASS_MAY_GOTO | CLASS_PRECISION) && next(g) % 8 == 0) {
		if (next(g) & 1)
			gen_join(g);
		else
			gen_may_goto(g);
		return;
	}
	blocks[next(g) % (sizeof(blocks) / sizeof(blocks[0]))](g);
}

/* Raw changes that turn some safe programs unsafe: the verifier must notice. */
static void mutate(struct gen *g)
{
	for (int i = next(g) % 4; i > 0 && g->n; i--) {
		struct ebpf_inst *insn = &g->insns[next(g) % g->n];

		switch (next(g) % 4) {
		case 0:
			insn->off += (int8_t)next(g);
			break;
		case 1:
			insn->imm += (int8_t)next(g);
			break;
		case 2:
			insn->src_reg = next(g) % 11;
			break;
		default:
			insn->dst_reg = next(g) % 11;
			break;
		}
	}
}

/* r6 = ctx, r7 = data, r8 = data_end (a subprogram's prologue too: it gets ctx in r1). */
static void prologue(struct gen *g)
{
	emit(g, EBPF_CLS_ALU64 | EBPF_ALU_MOV | EBPF_SRC_X, R_CTX, 1, 0, 0);
	emit(g, EBPF_CLS_LDX | EBPF_MODE_MEM | EBPF_SIZE_DW, R_PKT, R_CTX, FUZZ_CTX_DATA, 0);
	emit(g, EBPF_CLS_LDX | EBPF_MODE_MEM | EBPF_SIZE_DW, R_END, R_CTX, FUZZ_CTX_DATA_END, 0);
	emit(g, EBPF_CLS_ALU64 | EBPF_ALU_MOV | EBPF_SRC_K, 0, 0, 0, 0);
	g->scalars = 1u;
}

static void epilogue(struct gen *g)
{
	if (!(g->scalars & 1u))
		emit(g, EBPF_CLS_ALU64 | EBPF_ALU_MOV | EBPF_SRC_K, 0, 0, 0, 1);
	emit(g, EBPF_OP_EXIT, 0, 0, 0, 0);
}

static void gen_subprog(struct gen *g, enum gen_subprog which)
{
	if (which == SUB_TAIL_PTR) { /* r1 = ctx stays for the tail call */
		emit(g, EBPF_CLS_ALU64 | EBPF_ALU_MOV | EBPF_SRC_X, R_LOOP, 2, 0, 0);
		emit_lddw(g, 2, EBPF_PSEUDO_MAP_IDX, FUZZ_MAP_PROGS, 0);
		emit(g, EBPF_CLS_ALU64 | EBPF_ALU_MOV | EBPF_SRC_K, 3, 0, 0, next(g) % 5);
		emit(g, EBPF_OP_CALL, 0, 0, 0, FUZZ_HELPER_TAIL_CALL);
		emit(g, EBPF_CLS_ALU64 | EBPF_ALU_MOV | EBPF_SRC_X, 0, R_LOOP, 0, 0);
		emit(g, EBPF_OP_EXIT, 0, 0, 0, 0);
		return;
	}
	g->in_subprog = true;
	g->loop_used = false;
	g->depth = 0;
	prologue(g);
	for (int i = 1 + next(g) % 3; i > 0 && g->n < GEN_MAX_INSNS - 128; i--)
		gen_block(g);
	epilogue(g);
}

static void generate(struct gen *g)
{
	size_t start[SUB_COUNT];
	bool used[SUB_COUNT] = { false };

	g->type = next(g) % 4 == 0 && class_on(g, CLASS_RO_PACKET) ? FUZZ_TYPE_RO_PACKET
								   : FUZZ_TYPE_DEFAULT;
	prologue(g);
	for (int i = 0; i < GEN_MAX_BLOCKS && g->left && g->n < GEN_MAX_INSNS - 384; i++)
		gen_block(g);
	epilogue(g);
	for (size_t c = 0; c < g->call_count; c++)
		used[g->call_target[c]] = true;
	for (int s = 0; s < SUB_COUNT; s++) {
		start[s] = g->n;
		if (used[s])
			gen_subprog(g, (enum gen_subprog)s);
	}
	for (size_t c = 0; c < g->call_count && g->calls[c] < GEN_MAX_INSNS; c++)
		g->insns[g->calls[c]].imm = (int32_t)(start[g->call_target[c]] - g->calls[c] - 1);
	mutate(g);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct verifier_result res;
	struct verifier_input in;
	struct gen *g = calloc(1, sizeof(*g));

	if (!g)
		return 0;
	g->in = data;
	g->left = size;
	g->classes = getenv("EXTBPF_FUZZ_CLASSES")
			 ? (uint32_t)strtoul(getenv("EXTBPF_FUZZ_CLASSES"), NULL, 0)
			 : CLASS_ALL;
	generate(g);
	if (g->n <= GEN_MAX_INSNS) {
		fuzz_verifier_input(&in, g->type, g->insns, g->n);
		if (verifier_verify(&in, &res) == 0)
			fuzz_check_accepted(g->type, g->insns, g->n, data, size);
		/* To measure how many generated programs pass (docs/reliability.md). */
		if (getenv("EXTBPF_FUZZ_VERDICTS"))
			fprintf(stderr, "%zu insns: %s\n", g->n,
				res.error ? res.message : "accepted");
	}
	free(g);
	return 0;
}
