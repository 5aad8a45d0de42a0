// SPDX-License-Identifier: MIT
/*
 * Fuzz target: verifier soundness. The input drives a generator of programs shaped like real
 * ones (context loads and stores, packet accesses after bounds checks, map lookups with NULL
 * checks, stack spills and fills, helper calls, bounded loops, branches), then a few raw
 * mutations push some of them just past what is safe. Every program the verifier accepts goes
 * through the oracle of fuzz_env.h: a fault or an uninitialised read there is a verifier bug.
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

#define GEN_MAX_INSNS  512
#define GEN_MAX_BLOCKS 48
#define GEN_MAX_DEPTH  2

#define R_CTX  6
#define R_PKT  7
#define R_END  8
#define R_LOOP 9

#define SCRATCH_MASK 0x3fu /* r0-r5 */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct gen {
	const uint8_t *in;
	size_t left;
	struct ebpf_inst insns[GEN_MAX_INSNS];
	size_t n;
	uint32_t scalars; /* bit r: r holds an initialised scalar */
	int depth;
	bool loop_used; /* r9 belongs to the enclosing loop */
};

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

/* A load of the context's plain fields (the packet pointers are the prologue's). */
static void gen_ctx_load(struct gen *g)
{
	const int size = pick_size(g);
	const int off = (16 + next(g) % (FUZZ_CTX_SIZE - 16)) & ~(size - 1);
	const uint8_t dst = pick_scratch(g);

	emit(g, EBPF_CLS_LDX | EBPF_MODE_MEM | size_code(size), dst, R_CTX, (int16_t)off, 0);
	g->scalars |= 1u << dst;
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

/* if (pkt + len > end) skip; then accesses within [pkt, pkt + len). */
static void gen_packet_const(struct gen *g)
{
	const int len = 1 + next(g) % 64;
	const uint32_t before = g->scalars;
	size_t skip;

	emit(g, EBPF_CLS_ALU64 | EBPF_ALU_MOV | EBPF_SRC_X, 2, R_PKT, 0, 0);
	emit(g, EBPF_CLS_ALU64 | EBPF_ALU_ADD | EBPF_SRC_K, 2, 0, 0, len);
	skip = emit(g, EBPF_CLS_JMP | EBPF_JMP_JGT | EBPF_SRC_X, 2, R_END, 0, 0);
	g->scalars &= ~(1u << 2);
	for (int i = 1 + next(g) % 3; i > 0; i--) {
		const int size = pick_size(g);
		const int off = size <= len ? next(g) % (len - size + 1) : 0;

		if (next(g) & 1) {
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
	if (next(g) & 1)
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
static void value_access(struct gen *g, uint32_t value_size)
{
	const int size = pick_size(g) > (int)value_size ? 1 : pick_size(g);
	const uint32_t room = value_size - (uint32_t)size;
	const int off = (next(g) % (room + 1)) & ~(size - 1);
	const uint8_t mode = next(g) % 4;

	if (mode == 0) { /* variable offset: r5 = r0 + (r3 & mask), mask + size <= value_size */
		uint32_t mask = 1;

		while (mask * 2 <= room + 1)
			mask *= 2;
		emit(g, EBPF_CLS_LDX | EBPF_MODE_MEM | EBPF_SIZE_B, 3, R_CTX, 16 + next(g) % 48, 0);
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

/* v = lookup(map, &key); if (v) { maybe spill/fill v; access *v }. */
static void gen_map_lookup(struct gen *g)
{
	const enum fuzz_map_index map = next(g) & 1 ? FUZZ_MAP_HASH : FUZZ_MAP_ARRAY;
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
		value_access(g, fuzz_map_value_size(map));
	patch_here(g, skip);
	g->scalars = 0;
}

/* update(map, &key, &value on the stack, flags). */
static void gen_map_update(struct gen *g)
{
	const enum fuzz_map_index map = next(g) & 1 ? FUZZ_MAP_HASH : FUZZ_MAP_ARRAY;
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
	emit_lddw(g, 1, EBPF_PSEUDO_MAP_IDX, FUZZ_MAP_HASH, 0);
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

/* Global data: r1 = &.data + off; access within the value. */
static void gen_global_data(struct gen *g)
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

static void gen_block(struct gen *g)
{
	static void (*const blocks[])(struct gen *) = {
		gen_alu,	 gen_ctx_load,	 gen_ctx_store,	 gen_packet_const, gen_packet_var,
		gen_map_lookup,	 gen_map_update, gen_map_delete, gen_spill_fill,   gen_helper,
		gen_global_data, gen_loop,	 gen_branch,
	};

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

static void generate(struct gen *g)
{
	emit(g, EBPF_CLS_ALU64 | EBPF_ALU_MOV | EBPF_SRC_X, R_CTX, 1, 0, 0);
	emit(g, EBPF_CLS_LDX | EBPF_MODE_MEM | EBPF_SIZE_DW, R_PKT, R_CTX, FUZZ_CTX_DATA, 0);
	emit(g, EBPF_CLS_LDX | EBPF_MODE_MEM | EBPF_SIZE_DW, R_END, R_CTX, FUZZ_CTX_DATA_END, 0);
	emit(g, EBPF_CLS_ALU64 | EBPF_ALU_MOV | EBPF_SRC_K, 0, 0, 0, 0);
	g->scalars = 1u;
	for (int i = 0; i < GEN_MAX_BLOCKS && g->left && g->n < GEN_MAX_INSNS - 64; i++)
		gen_block(g);
	if (!(g->scalars & 1u))
		emit(g, EBPF_CLS_ALU64 | EBPF_ALU_MOV | EBPF_SRC_K, 0, 0, 0, 1);
	emit(g, EBPF_OP_EXIT, 0, 0, 0, 0);
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
	generate(g);
	if (g->n <= GEN_MAX_INSNS) {
		fuzz_verifier_input(&in, g->insns, g->n);
		if (verifier_verify(&in, &res) == 0)
			fuzz_check_accepted(g->insns, g->n, data, size);
		/* To measure how many generated programs pass (docs/reliability.md). */
		if (getenv("EXTBPF_FUZZ_VERDICTS"))
			fprintf(stderr, "%zu insns: %s\n", g->n,
				res.error ? res.message : "accepted");
	}
	free(g);
	return 0;
}
