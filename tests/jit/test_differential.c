/* SPDX-License-Identifier: MIT */
/*
 * Differential test of the engines: the same programs run in the interpreter, the JIT (plain and
 * with constant blinding) and native mode must give identical r0 and identical memory.
 *
 * The programs are generated: straight-line code over every ALU and memory instruction form, and
 * programs with forward branches and bounded loops. Every register is given a value first and
 * memory is addressed through r1 at offsets inside the buffer, so each program is well defined.
 * A fixed seed keeps failures reproducible; EXTBPF_DIFF_SEED and EXTBPF_DIFF_PROGRAMS change it.
 */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "exec/exec.h"
#include "isa/isa.h"

#define MEM_SIZE     256
#define MAX_INSNS    512
#define NATIVE_EVERY 16 /* native compiles with cc: sample one program in this many */

struct generator {
	uint64_t state;
	struct ebpf_inst insns[MAX_INSNS];
	size_t count;
};

static uint64_t next_random(struct generator *g)
{
	/* xorshift64*: small, deterministic, good enough to pick instructions */
	g->state ^= g->state >> 12;
	g->state ^= g->state << 25;
	g->state ^= g->state >> 27;
	return g->state * 0x2545f4914f6cdd1dull;
}

static uint32_t pick(struct generator *g, uint32_t n)
{
	return (uint32_t)(next_random(g) % n);
}

static void add(struct generator *g, uint8_t code, uint8_t dst, uint8_t src, int16_t off,
		int32_t imm)
{
	g->insns[g->count++] = (struct ebpf_inst){
		.code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm
	};
}

/* Registers the generated code may write: not r1 (the memory base) nor r10. */
static uint8_t data_reg(struct generator *g)
{
	static const uint8_t regs[] = { 0, 2, 3, 4, 5, 6, 7, 8, 9 };

	return regs[pick(g, sizeof(regs))];
}

static int32_t interesting_imm(struct generator *g)
{
	static const int32_t values[] = { 0, 1, -1, 2, 7, 31, 32, 63, 64, INT32_MIN, INT32_MAX,
					  0x7f, 0x80, 0xff, 0xffff, -0x8000 };

	return pick(g, 2) ? values[pick(g, sizeof(values) / sizeof(values[0]))] :
			    (int32_t)next_random(g);
}

static void gen_alu(struct generator *g)
{
	static const uint8_t ops[] = { EBPF_ALU_ADD, EBPF_ALU_SUB, EBPF_ALU_MUL, EBPF_ALU_DIV,
				       EBPF_ALU_OR,  EBPF_ALU_AND, EBPF_ALU_LSH, EBPF_ALU_RSH,
				       EBPF_ALU_NEG, EBPF_ALU_MOD, EBPF_ALU_XOR, EBPF_ALU_MOV,
				       EBPF_ALU_ARSH, EBPF_ALU_END };
	uint8_t cls = pick(g, 2) ? EBPF_CLS_ALU64 : EBPF_CLS_ALU;
	uint8_t op = ops[pick(g, sizeof(ops))];
	uint8_t src = pick(g, 2) ? EBPF_SRC_X : EBPF_SRC_K;
	uint8_t dst = data_reg(g);
	int16_t off = 0;
	int32_t imm = src == EBPF_SRC_K ? interesting_imm(g) : 0;

	if (op == EBPF_ALU_NEG) {
		src = EBPF_SRC_K;
		imm = 0;
	} else if (op == EBPF_ALU_END) {
		static const int32_t widths[] = { 16, 32, 64 };

		imm = widths[pick(g, 3)];
		if (cls == EBPF_CLS_ALU64)
			src = EBPF_SRC_K; /* bswap */
	} else if ((op == EBPF_ALU_DIV || op == EBPF_ALU_MOD) && pick(g, 2)) {
		off = 1; /* sdiv / smod */
	} else if (op == EBPF_ALU_MOV && src == EBPF_SRC_X && pick(g, 3) == 0) {
		static const int16_t widths[] = { 8, 16, 32 };

		off = widths[pick(g, cls == EBPF_CLS_ALU64 ? 3 : 2)]; /* movsx */
	}
	/* Never r1: values derived from the buffer's address differ from run to run. The source
	 * bit of END picks the byte order, not a register. */
	bool reads_src = src == EBPF_SRC_X && op != EBPF_ALU_END;
	add(g, cls | src | op, dst, reads_src ? data_reg(g) : 0, off, imm);
}

static void gen_mem(struct generator *g)
{
	static const uint8_t sizes[] = { EBPF_SIZE_B, EBPF_SIZE_H, EBPF_SIZE_W, EBPF_SIZE_DW };
	uint8_t size = sizes[pick(g, 4)];
	int bytes = isa_mem_size(size);
	int16_t off = (int16_t)(pick(g, MEM_SIZE / bytes) * bytes);

	switch (pick(g, 7)) {
	case 0:
		add(g, EBPF_CLS_LDX | EBPF_MODE_MEM | size, data_reg(g), 1, off, 0);
		return;
	case 1:
		if (size != EBPF_SIZE_DW) {
			add(g, EBPF_CLS_LDX | EBPF_MODE_MEMSX | size, data_reg(g), 1, off, 0);
			return;
		}
		/* fall through */
	case 2:
		add(g, EBPF_CLS_STX | EBPF_MODE_MEM | size, 1, data_reg(g), off, 0);
		return;
	case 3:
		add(g, EBPF_CLS_ST | EBPF_MODE_MEM | size, 1, 0, off, interesting_imm(g));
		return;
	case 4: /* load-acquire: naturally aligned, zero-extending */
		add(g, EBPF_CLS_STX | EBPF_MODE_ATOMIC | size, data_reg(g), 1, off,
		    EBPF_ATOMIC_LOAD_ACQ);
		return;
	case 5: /* store-release */
		add(g, EBPF_CLS_STX | EBPF_MODE_ATOMIC | size, 1, data_reg(g), off,
		    EBPF_ATOMIC_STORE_REL);
		return;
	default: {
		static const int32_t ops[] = {
			EBPF_ATOMIC_ADD,	 EBPF_ATOMIC_OR,	  EBPF_ATOMIC_AND,
			EBPF_ATOMIC_XOR,	 EBPF_ATOMIC_ADD | EBPF_ATOMIC_FETCH,
			EBPF_ATOMIC_OR | EBPF_ATOMIC_FETCH, EBPF_ATOMIC_AND | EBPF_ATOMIC_FETCH,
			EBPF_ATOMIC_XOR | EBPF_ATOMIC_FETCH, EBPF_ATOMIC_XCHG, EBPF_ATOMIC_CMPXCHG,
		};
		uint8_t asize = pick(g, 2) ? EBPF_SIZE_W : EBPF_SIZE_DW;
		int abytes = isa_mem_size(asize);

		off = (int16_t)(pick(g, MEM_SIZE / abytes) * abytes);
		add(g, EBPF_CLS_STX | EBPF_MODE_ATOMIC | asize, 1, data_reg(g), off,
		    ops[pick(g, sizeof(ops) / sizeof(ops[0]))]);
		return;
	}
	}
}

/* A forward conditional jump over the next few instructions. */
static void gen_branch(struct generator *g, size_t remaining)
{
	static const uint8_t ops[] = { EBPF_JMP_JEQ,  EBPF_JMP_JGT,  EBPF_JMP_JGE,  EBPF_JMP_JSET,
				       EBPF_JMP_JNE,  EBPF_JMP_JSGT, EBPF_JMP_JSGE, EBPF_JMP_JLT,
				       EBPF_JMP_JLE,  EBPF_JMP_JSLT, EBPF_JMP_JSLE };
	uint8_t cls = pick(g, 2) ? EBPF_CLS_JMP : EBPF_CLS_JMP32;
	uint8_t src = pick(g, 2) ? EBPF_SRC_X : EBPF_SRC_K;
	int16_t off = (int16_t)pick(g, (uint32_t)(remaining < 8 ? remaining : 8));

	add(g, cls | src | ops[pick(g, sizeof(ops))], data_reg(g), src ? data_reg(g) : 0, off,
	    src ? 0 : interesting_imm(g));
}

static void gen_prologue(struct generator *g)
{
	for (uint8_t r = 0; r <= 9; r++) {
		if (r == 1)
			continue;
		uint64_t v = next_random(g);

		add(g, EBPF_OP_LDDW, r, 0, 0, (int32_t)v);
		add(g, 0, 0, 0, 0, (int32_t)(v >> 32));
	}
}

/* The loop counter r9 belongs to the loop: nothing in the body may write it (atomics with
 * fetch and xchg write their source register, load-acquire its destination). */
static void protect_loop_counter(struct ebpf_inst *insn)
{
	uint8_t cls = EBPF_CLASS(insn->code);

	if (isa_is_load_acquire(insn)) {
		if (insn->dst_reg == 9)
			insn->dst_reg = 8;
		return;
	}
	if (cls == EBPF_CLS_STX && insn->src_reg == 9)
		insn->src_reg = 8;
	else if (cls != EBPF_CLS_STX && cls != EBPF_CLS_ST && insn->dst_reg == 9)
		insn->dst_reg = 8;
}

/* Straight-line or branching body; with `loop`, wrapped in a counted loop on r9. */
static void generate(struct generator *g, bool branches, bool loop)
{
	size_t body = 10 + pick(g, 60);

	g->count = 0;
	gen_prologue(g);
	size_t loop_start = 0;
	if (loop) {
		add(g, EBPF_CLS_ALU64 | EBPF_ALU_MOV | EBPF_SRC_K, 9, 0, 0, 1 + pick(g, 20));
		loop_start = g->count;
	}
	for (size_t i = 0; i < body; i++) {
		uint32_t kind = pick(g, 10);

		if (branches && kind == 0)
			gen_branch(g, body - i);
		else if (kind < 4)
			gen_mem(g);
		else
			gen_alu(g);
		if (loop)
			protect_loop_counter(&g->insns[g->count - 1]);
	}
	if (loop) {
		add(g, EBPF_CLS_ALU64 | EBPF_ALU_SUB | EBPF_SRC_K, 9, 0, 0, 1);
		add(g, EBPF_CLS_JMP | EBPF_JMP_JSGT | EBPF_SRC_K, 9, 0,
		    (int16_t)(loop_start - (g->count + 1)), 0);
	}
	/* r0 summarises every register so a wrong value anywhere shows. */
	for (uint8_t r = 2; r <= 9; r++)
		add(g, EBPF_CLS_ALU64 | EBPF_ALU_XOR | EBPF_SRC_X, 0, r, 0, 0);
	add(g, EBPF_OP_EXIT, 0, 0, 0, 0);
	/* Branches generated near the end may jump past the last instruction: clamp them. */
	for (size_t i = 0; i < g->count; i++) {
		uint8_t cls = EBPF_CLASS(g->insns[i].code);

		if ((cls == EBPF_CLS_JMP || cls == EBPF_CLS_JMP32) &&
		    EBPF_OP(g->insns[i].code) != EBPF_JMP_EXIT &&
		    i + 1 + g->insns[i].off >= g->count)
			g->insns[i].off = (int16_t)(g->count - 2 - i);
	}
}

struct outcome {
	uint64_t r0;
	uint8_t mem[MEM_SIZE];
};

static void run_engine(const struct generator *g, enum exec_engine engine, bool blind,
		       const uint8_t *mem_in, struct outcome *out)
{
	struct exec_helpers helpers = { .blind_constants = blind };
	struct exec_program *prog;
	char err[256] = "";
	int ret = exec_program_create(g->insns, g->count, engine, &helpers, &prog, err,
				      sizeof(err));

	if (ret)
		fail_msg("engine %d refused a generated program: %s", engine, err);
	memcpy(out->mem, mem_in, MEM_SIZE);
	out->r0 = exec_program_run(prog, (uint64_t)(uintptr_t)out->mem, MEM_SIZE);
	exec_program_destroy(prog);
}

static void dump_program(const struct generator *g)
{
	for (size_t i = 0; i < g->count; i++) {
		char text[128];

		ebpf_disassemble(g->insns, g->count, i, EBPF_DISASM_C, text, sizeof(text));
		print_message("  %3zu: %s\n", i, text);
	}
}

static void compare(const struct generator *g, const char *what, const struct outcome *want,
		    const struct outcome *got)
{
	if (want->r0 == got->r0 && !memcmp(want->mem, got->mem, MEM_SIZE))
		return;
	dump_program(g);
	fail_msg("%s differs from the interpreter: r0 %#" PRIx64 " vs %#" PRIx64 "%s", what,
		 got->r0, want->r0, want->r0 == got->r0 ? " (memory differs)" : "");
}

static unsigned env_unsigned(const char *name, unsigned fallback)
{
	const char *v = getenv(name);

	return v && *v ? (unsigned)strtoul(v, NULL, 0) : fallback;
}

static void differential(bool branches, bool loop, unsigned programs)
{
	struct generator g = { .state = env_unsigned("EXTBPF_DIFF_SEED", 0x5eed) * 2654435761u + 1 +
					branches * 7 + loop * 13 };
	uint8_t mem[MEM_SIZE];

	programs = env_unsigned("EXTBPF_DIFF_PROGRAMS", programs);
	for (unsigned n = 0; n < programs; n++) {
		struct outcome interp, jit, blinded, native;

		generate(&g, branches, loop);
		for (size_t i = 0; i < MEM_SIZE; i++)
			mem[i] = (uint8_t)next_random(&g);
		run_engine(&g, EXEC_INTERP, false, mem, &interp);
		run_engine(&g, EXEC_JIT, false, mem, &jit);
		compare(&g, "JIT", &interp, &jit);
		run_engine(&g, EXEC_JIT, true, mem, &blinded);
		compare(&g, "JIT with constant blinding", &interp, &blinded);
		if (n % NATIVE_EVERY == 0) {
			run_engine(&g, EXEC_NATIVE, false, mem, &native);
			compare(&g, "native", &interp, &native);
		}
	}
}

static void test_straight_line(void **state)
{
	differential(false, false, 400);
}

static void test_branches(void **state)
{
	differential(true, false, 400);
}

static void test_loops(void **state)
{
	differential(true, true, 200);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_straight_line),
		cmocka_unit_test(test_branches),
		cmocka_unit_test(test_loops),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
