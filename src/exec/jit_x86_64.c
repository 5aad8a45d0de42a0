/* SPDX-License-Identifier: MIT */
/*
 * The x86-64 JIT.
 *
 * eBPF registers live in x86 registers chosen so that a helper call needs no shuffling: r1-r5
 * are the System V argument registers, r0 is rax (the return register), r6-r9 are callee-saved
 * registers (preserved across helpers for free) and r10 is rbp. r9, r10 and r11 of x86 are
 * scratch; r12 holds the main frame's rbp in programs that need it (tail calls, helpers given
 * the context implicitly, unwinding), through which any frame reaches the tail-call counter and
 * unwinds the whole program.
 *
 *   full frame:   ret | rbp | <- rbp | 512 bytes of stack | count ctx | rbx r12 r13 r14 r15 |
 * budget other frames: ret | the r6-r9 it writes  rbp | <- rbp | its stack depth | budget (+8 to
 * align) leaf:         ret | the r6-r9 it writes                  (no call, no stack: no rbp
 * either)
 *
 * The entry function and every function that makes a tail call have the full frame: a tail call
 * lands in the target's body, which replaces the function of that frame and whose exit (the
 * target's entry epilogue) returns to that function's caller, so every entry function must lay
 * its frame out the same way. The layout is fixed, what is saved in it is not: as on Linux, a
 * tail call first restores the registers its program saved in the slots below the stack, and the
 * target's body (past the part of its prologue that builds the frame) saves in them only the
 * ones it uses, its exit restores them and leaves with `leave; ret`. A program without tail
 * calls or unwinding thus pays for the registers it uses, not for all five. Programs that unwind
 * (which returns from the main frame whatever frame it starts in) or make tail calls (whose
 * target may unwind from a subprogram's frame) save all five in their main frame. r12 is saved
 * in its slot by the frame's builder whenever the program uses it; a tail call hands the main
 * frame's rbp over in r11, the target takes it into r12 if it uses it, and restores r12 from the
 * slot on exit. Other functions, which nothing can replace, push only the callee-saved registers
 * they write and reserve only the stack they address. The caller's rbp is always pushed last, so
 * that [rbp] links every frame that calls out to its caller's: the tail-call check walks that
 * chain to count frames.
 *
 * A function whose stack nothing but its own whole loads and stores can reach (r10 never copied,
 * stored or computed with, no narrower access to the slots' bytes) keeps its most used 8-byte
 * stack slots (loops weigh more) in registers: r9, r10 and r11 when it makes no call and needs
 * no scratch register (no division, shift by a register, atomic or blinded constant), then the
 * callee-saved registers of the r6-r9 it never mentions and r12 when the program does not use
 * it, which survive calls and which its frame saves as if it used them. Loads and stores of
 * those slots are register moves; the prologue loads them from the frame (choose_cached_slots).
 *
 * A load whose register is read once more, by the next instruction, is that instruction's
 * operand: "rX = *(rB + off); rY op= rX" is "op rY, [rB + off]" (or the register of a slot kept
 * in one), likewise a compare, and a slot's "load; op= ...; store back" works on the slot's
 * register, or with one 64-bit operation on the memory itself ("add qword [rbp - 16], 1"). Stack
 * loads whose register is never read have no code (emit_load_op and its neighbours).
 *
 * A local call to a small function that makes no other call and has no stack (at most
 * INLINE_MAX_INSNS instructions with what it inlines itself) is that function's code in the
 * caller's place: its exits jump to the copy's end, and the r6-r9 it writes that the caller
 * reads afterwards are pushed around the copy (the caller's frame saves the rest, as if it
 * wrote them itself). Each copy has its own instruction offsets, sized by the passes like the
 * program's (inline_size, emit_inline_copy).
 *
 * A loop that maps bytes from one buffer to another ("dst[i] = src[i] ^ key", or, and or a plain
 * copy, index counting up by one to a constant) has code of its own before its head that runs
 * its iterations 8 bytes at a time while more than 8 are left, when the destination does not
 * start 1 to 7 bytes past the source; the loop then runs the last ones (emit_wide_byte_loop).
 *
 * Code is produced in passes, as Linux does: each pass sizes every instruction using the
 * addresses of the previous one, choosing rel8 jumps where the distance fits; sizes only shrink,
 * so the passes reach a fixpoint, and one more pass writes the image with exact addresses. Loop
 * heads not right after a jump are padded to 16 bytes with at most 10 bytes of NOPs; padding
 * can grow as code before it shrinks, so the passes stop only when no instruction moved, and
 * drop the padding if that has not happened halfway through their budget.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>

#include "exec/jit.h"
#include "isa/isa.h"

#if defined(__x86_64__)

enum x86_reg {
	RAX = 0,
	RCX,
	RDX,
	RBX,
	RSP,
	RBP,
	RSI,
	RDI,
	R8,
	R9,
	R10,
	R11,
	R12,
	R13,
	R14,
	R15,
};

static const uint8_t reg_map[EBPF_NUM_REGS] = {
	RAX, RDI, RSI, RDX, RCX, R8, RBX, R13, R14, R15, RBP,
};

/* Scratch registers of the generated code. */
#define TMP_IMM	 R9  /* blinded immediates, atomic loop values */
#define TMP_A	 R10 /* divisor, saved rcx, atomic operand */
#define TMP_B	 R11 /* dividend, atomic address, callx target */
#define RUN_BASE R12 /* the main frame's rbp */

#define FRAME_SIZE	 (EBPF_STACK_SIZE + 64) /* keeps rsp 16-byte aligned after push rbp */
#define TAIL_COUNT_DISP	 (-(int32_t)EBPF_STACK_SIZE - 8)
#define CTX_DISP	 (-(int32_t)EBPF_STACK_SIZE - 16)
/* The may_goto budget of a full frame's function (the last slot, which alignment leaves free). */
#define FULL_BUDGET_DISP (-(int32_t)FRAME_SIZE)
/* The slot of full_saved[n] in a full frame. */
#define SAVE_DISP(n)	 (-(int32_t)EBPF_STACK_SIZE - 24 - 8 * (int32_t)(n))
#define SAVED_RBP_DISP	 0 /* the caller's rbp, pushed last */

#define MAX_PASSES 20

/* Stack slots a function can keep in registers: the three scratch registers, then the four
 * callee-saved ones of r6-r9 and r12 (choose_cached_slots). */
#define MAX_CACHED 8

#define FIRST_CALLEE_SAVED 6 /* eBPF's r6-r9 survive calls */
#define LAST_CALLEE_SAVED  9

/* Condition codes of jcc (0x70 + cc short, 0x0f 0x80 + cc near). */
enum x86_cc {
	CC_B = 0x2,
	CC_AE = 0x3,
	CC_E = 0x4,
	CC_NE = 0x5,
	CC_BE = 0x6,
	CC_A = 0x7,
	CC_L = 0xc,
	CC_GE = 0xd,
	CC_LE = 0xe,
	CC_G = 0xf,
};

struct jit_code {
	uint8_t *image;
	const uint8_t *body; /* after the entry prologue: where tail calls land */
	size_t size;
	uint32_t *offsets; /* count + 1 entries: where each instruction's code starts */
};

/* How one function's frame is laid out (see the top of this file). */
struct jit_frame {
	uint32_t start, end; /* its instructions */
	bool full;	     /* the shared layout of entry and tail-calling functions */
	bool calls;	     /* makes calls of any kind */
	bool align;	     /* its calls need rsp 16-byte aligned (needs_alignment) */
	bool align_known;
	bool frame_pointer;   /* pushes rbp and points it at its frame (size_frame) */
	bool inlined;	      /* local calls compile its body in their place (inline_size) */
	uint8_t inline_state; /* 0 not known, 1 sizing, 2 sized (inline_size), 3 taken in */
	uint8_t saved;	      /* bit n: r6 + n mentioned here or in what it inlines: saved */
	uint32_t inline_size; /* its instructions with those of the callees inlined in it */
	uint32_t copy_slots;  /* offset entries its inlined calls take (emit_inline_copy) */
	uint32_t depth;	      /* stack bytes it addresses below r10 */
	uint32_t stack_size;  /* reserved below rbp, rsp kept 16-byte aligned at calls */
	bool saves_r12;	      /* holds a cached slot in r12: saves it (pushes or its slot) */
	uint8_t cached;	      /* stack slots held in registers (choose_cached_slots) */
	int16_t cached_off[MAX_CACHED]; /* their offsets from r10 */
	uint8_t cached_reg[MAX_CACHED]; /* and the x86 registers holding them */
	bool may_goto;	     /* has may_goto: a budget slot below its stack, set on entry */
	int32_t budget_disp; /* that slot, from rbp (size_frame) */
};

struct jit_state {
	const struct exec_program *program;
	uint8_t *image; /* NULL while sizing */
	size_t capacity;
	size_t len;
	uint32_t *start;      /* this pass's instruction offsets (from base on) */
	uint32_t *prev;	      /* the previous pass's */
	size_t base;	      /* instruction start[0] describes: 0, or an inlined callee's */
	uint32_t *code_start; /* the program's own offsets: where functions are */
	uint32_t *code_prev;
	uint32_t *copy_start; /* the offsets inside inlined copies, copy_slots in all */
	uint32_t *copy_prev;
	size_t copy_slots;
	size_t copy_next; /* the first entry the next inlined copy of this pass takes */
	const struct jit_frame *scope; /* the function whose instructions are being emitted */
	bool *is_function;	  /* instruction i begins a function (entry or local-call target) */
	bool *is_target;	  /* some jump or call lands on instruction i */
	bool *is_loop_head;	  /* a jump back lands on instruction i (not a function start) */
	bool align_loops;	  /* loop heads start on 16-byte boundaries (emit_loop_alignment) */
	size_t branch_end;	  /* where the last jump to an instruction ended (emit_branch) */
	uint32_t entry_len;	  /* the frame's prologue bytes: a jump to its start skips them */
	struct jit_frame *frames; /* one per function, in code order */
	size_t frame_count;
	const struct jit_frame *frame; /* the function being emitted */
	bool tail_calls; /* the program makes tail calls: its prologue zeroes the count */
	bool run_base;	 /* the program uses r12 (tail calls, implicit context, unwinding) */
	bool save_all;	 /* its main frame saves all callee-saved registers (it may unwind) */
	size_t body;	 /* where the entry prologue ends: tail calls land there */
	int error;
	char *err;
	size_t err_size;
};

/* ---- byte emission ------------------------------------------------------------------------ */

static void emit1(struct jit_state *s, uint8_t b)
{
	if (s->image && s->len < s->capacity)
		s->image[s->len] = b;
	s->len++;
}

static void emit4(struct jit_state *s, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		emit1(s, (uint8_t)(v >> (8 * i)));
}

static void emit8(struct jit_state *s, uint64_t v)
{
	emit4(s, (uint32_t)v);
	emit4(s, (uint32_t)(v >> 32));
}

static bool is_imm8(int64_t v)
{
	return v >= -128 && v <= 127;
}

static bool is_imm32(int64_t v)
{
	return v >= INT32_MIN && v <= INT32_MAX;
}

/* REX prefix: w = 64-bit operand; reg, index and rm extend the ModRM/SIB fields. `byte_regs`
 * forces a REX so that registers 4-7 mean spl/bpl/sil/dil rather than ah/ch/dh/bh. */
static void emit_rex(struct jit_state *s, bool w, uint8_t reg, uint8_t index, uint8_t rm,
		     bool byte_regs)
{
	uint8_t rex = 0x40 | (w << 3) | ((reg >> 3) << 2) | ((index >> 3) << 1) | (rm >> 3);
	bool low_byte_reg = byte_regs && ((reg & 0xf) >= 4 || (rm & 0xf) >= 4);

	if (rex != 0x40 || low_byte_reg)
		emit1(s, rex);
}

static void emit_modrm_reg(struct jit_state *s, uint8_t reg, uint8_t rm)
{
	emit1(s, 0xc0 | ((reg & 7) << 3) | (rm & 7));
}

/* No index register in an address: rsp, which SIB encodes as "none" (and no eBPF register
 * maps to). */
#define NO_INDEX RSP

/* ModRM (+SIB, +displacement) for [base + index + disp]. A SIB byte comes with an index and
 * with rsp/r12 as base; rbp/r13 as base cannot use the displacement-free form. */
static void emit_modrm_index(struct jit_state *s, uint8_t reg, uint8_t base, uint8_t index,
			     int32_t disp)
{
	bool sib = index != NO_INDEX || (base & 7) == RSP;
	uint8_t mod;

	if (disp == 0 && (base & 7) != RBP)
		mod = 0;
	else if (is_imm8(disp))
		mod = 1;
	else
		mod = 2;
	emit1(s, (mod << 6) | ((reg & 7) << 3) | (sib ? 4 : (base & 7)));
	if (sib)
		emit1(s, ((index & 7) << 3) | (base & 7));
	if (mod == 1)
		emit1(s, (uint8_t)disp);
	else if (mod == 2)
		emit4(s, (uint32_t)disp);
}

static void emit_modrm_mem(struct jit_state *s, uint8_t reg, uint8_t base, int32_t disp)
{
	emit_modrm_index(s, reg, base, NO_INDEX, disp);
}

/* The REX.X bit of an index (none for NO_INDEX). */
static uint8_t index_rex(uint8_t index)
{
	return index == NO_INDEX ? 0 : index;
}

/* op r/m(dst), reg(src) for the classic two-operand ALU opcodes (add 01, or 09, and 21, sub 29,
 * xor 31, cmp 39, test 85, mov 89). */
static void emit_alu_rr(struct jit_state *s, uint8_t opcode, bool w, uint8_t dst, uint8_t src)
{
	emit_rex(s, w, src, 0, dst, false);
	emit1(s, opcode);
	emit_modrm_reg(s, src, dst);
}

/* Group-1 immediate ALU: ext is add 0, or 1, and 4, sub 5, xor 6, cmp 7. */
static void emit_alu_ri(struct jit_state *s, uint8_t ext, bool w, uint8_t dst, int32_t imm)
{
	emit_rex(s, w, 0, 0, dst, false);
	if (is_imm8(imm)) {
		emit1(s, 0x83);
		emit_modrm_reg(s, ext, dst);
		emit1(s, (uint8_t)imm);
	} else {
		emit1(s, 0x81);
		emit_modrm_reg(s, ext, dst);
		emit4(s, (uint32_t)imm);
	}
}

static void emit_mov_rr(struct jit_state *s, bool w, uint8_t dst, uint8_t src)
{
	emit_alu_rr(s, 0x89, w, dst, src);
}

/* dst = imm sign-extended to 64 bits (w) or zero-extended from 32 bits (!w). */
static void emit_mov_imm32(struct jit_state *s, bool w, uint8_t dst, int32_t imm)
{
	if (imm == 0) {
		emit_alu_rr(s, 0x31, false, dst, dst); /* xor r32, r32 clears all 64 bits */
		return;
	}
	if (w && imm < 0) {
		emit_rex(s, true, 0, 0, dst, false);
		emit1(s, 0xc7);
		emit_modrm_reg(s, 0, dst);
		emit4(s, (uint32_t)imm);
		return;
	}
	emit_rex(s, false, 0, 0, dst, false);
	emit1(s, 0xb8 + (dst & 7));
	emit4(s, (uint32_t)imm);
}

static void emit_mov_imm64(struct jit_state *s, uint8_t dst, uint64_t imm)
{
	if (imm <= UINT32_MAX) {
		emit_mov_imm32(s, false, dst, (int32_t)(uint32_t)imm);
	} else if (is_imm32((int64_t)imm)) {
		emit_mov_imm32(s, true, dst, (int32_t)imm);
	} else {
		emit_rex(s, true, 0, 0, dst, false);
		emit1(s, 0xb8 + (dst & 7));
		emit8(s, imm);
	}
}

/* A random key per immediate: what is written to memory never contains the program's constants. */
static uint64_t blinding_key(void)
{
	uint64_t key = 0;

	if (getrandom(&key, sizeof(key), 0) != sizeof(key))
		key = (uint64_t)(uintptr_t)&key * 0x9e3779b97f4a7c15ull;
	return key;
}

static bool blinding(const struct jit_state *s)
{
	return s->program->helpers.blind_constants;
}

/* reg = imm (sign-extended), blinded when the program asks for it. */
static void emit_load_imm(struct jit_state *s, uint8_t reg, int64_t imm)
{
	if (blinding(s)) {
		/* The key only matters in the written image; sizing passes use a fixed one so that
		 * every pass produces the same sizes. */
		uint64_t key = s->image ? blinding_key() | (1ull << 63) : (1ull << 63);

		emit_rex(s, true, 0, 0, reg, false);
		emit1(s, 0xb8 + (reg & 7));
		emit8(s, (uint64_t)imm ^ key);
		emit_rex(s, true, 0, 0, TMP_IMM, false);
		emit1(s, 0xb8 + (TMP_IMM & 7));
		emit8(s, key);
		emit_alu_rr(s, 0x31, true, reg, TMP_IMM);
		return;
	}
	emit_mov_imm64(s, reg, (uint64_t)imm);
}

/* ---- jumps -------------------------------------------------------------------------------- */

/* A rel8 jump inside one instruction's code; returns where its displacement byte is. */
static size_t emit_local_jcc(struct jit_state *s, int cc)
{
	emit1(s, cc < 0 ? 0xeb : (uint8_t)(0x70 + cc));
	emit1(s, 0);
	return s->len - 1;
}

static void patch_local_jump(struct jit_state *s, size_t at)
{
	if (s->image)
		s->image[at] = (uint8_t)(s->len - (at + 1));
}

/* A jump to another instruction (cc < 0: unconditional), rel8 when the previous pass says the
 * distance fits. The jump is the last thing emitted for its instruction, so it ends where the
 * next instruction starts. */
static void emit_branch(struct jit_state *s, int cc, size_t insn, size_t target)
{
	int64_t disp = (int64_t)s->prev[target - s->base] - (int64_t)s->prev[insn + 1 - s->base];

	/* A loop whose head is the function's first instruction goes round its body only: the
	 * prologue (pushes, stack, a new may_goto budget) runs once per call. The prologue is
	 * behind the jump, emitted in this pass. */
	if (target == s->frame->start && s->scope == s->frame)
		disp += s->entry_len;

	if (is_imm8(disp)) {
		emit1(s, cc < 0 ? 0xeb : (uint8_t)(0x70 + cc));
		emit1(s, (uint8_t)disp);
	} else {
		if (cc < 0) {
			emit1(s, 0xe9);
		} else {
			emit1(s, 0x0f);
			emit1(s, (uint8_t)(0x80 + cc));
		}
		emit4(s, (uint32_t)disp);
	}
	s->branch_end = s->len;
}

/* movabs rax, fn; call rax */
static void emit_call_abs(struct jit_state *s, const void *fn)
{
	emit_rex(s, true, 0, 0, RAX, false);
	emit1(s, 0xb8);
	emit8(s, (uint64_t)(uintptr_t)fn);
	emit1(s, 0xff);
	emit1(s, 0xd0);
}

static void emit_push(struct jit_state *s, uint8_t reg)
{
	emit_rex(s, false, 0, 0, reg, false);
	emit1(s, 0x50 + (reg & 7));
}

static void emit_pop(struct jit_state *s, uint8_t reg)
{
	emit_rex(s, false, 0, 0, reg, false);
	emit1(s, 0x58 + (reg & 7));
}

/* ---- frames ------------------------------------------------------------------------------- */

static const uint8_t full_saved[] = { RBX, R12, R13, R14, R15 };

/* The slot of a callee-saved x86 register in a full frame. */
static int32_t save_disp(uint8_t reg)
{
	size_t n = 0;

	while (full_saved[n] != reg)
		n++;
	return SAVE_DISP(n);
}

/* mov [base + disp], reg / mov reg, [base + disp] */
static void emit_store_reg(struct jit_state *s, uint8_t base, int32_t disp, uint8_t reg)
{
	emit_rex(s, true, reg, 0, base, false);
	emit1(s, 0x89);
	emit_modrm_mem(s, reg, base, disp);
}

static void emit_load_reg(struct jit_state *s, uint8_t reg, uint8_t base, int32_t disp)
{
	emit_rex(s, true, reg, 0, base, false);
	emit1(s, 0x8b);
	emit_modrm_mem(s, reg, base, disp);
}

/* The r6-r9 a full frame holds in its slots while the function runs. */
static uint8_t slot_mask(const struct jit_state *s, const struct jit_frame *frame)
{
	return s->save_all ? 0xf : frame->saved;
}

/* Saves (or restores) the r6-r9 of a full frame in (from) its slots below the frame at base. */
static void emit_slots(struct jit_state *s, uint8_t mask, uint8_t base, bool restore)
{
	for (int n = FIRST_CALLEE_SAVED; n <= LAST_CALLEE_SAVED; n++) {
		uint8_t reg = reg_map[n];

		if (!(mask & (1u << (n - FIRST_CALLEE_SAVED))))
			continue;
		if (restore)
			emit_load_reg(s, reg, base, save_disp(reg));
		else
			emit_store_reg(s, base, save_disp(reg), reg);
	}
}

/* mov dword [rbp + budget], EBPF_MAY_GOTO_BUDGET: a new call of a function with may_goto. */
static void emit_budget_init(struct jit_state *s, const struct jit_frame *frame)
{
	if (!frame->may_goto)
		return;
	emit1(s, 0xc7);
	emit_modrm_mem(s, 0, RBP, frame->budget_disp);
	emit4(s, EBPF_MAY_GOTO_BUDGET);
}

/*
 * A full frame: the part that builds it (which a tail call skips: it lands in the frame of the
 * function that makes it), then the body's own saves. The entry function's build also sets up
 * what its tail calls and helpers find through r12: the context and the count.
 */
static void emit_full_prologue(struct jit_state *s, const struct jit_frame *frame, bool main)
{
	emit_push(s, RBP);
	emit_mov_rr(s, true, RBP, RSP);
	emit_alu_ri(s, 5, true, RSP, FRAME_SIZE);
	/* Before the body: a tail call into it finds r12 saved by the program that made it. */
	if (s->run_base || frame->saves_r12)
		emit_store_reg(s, RBP, save_disp(RUN_BASE), RUN_BASE);
	if (main && s->run_base) {
		emit_mov_rr(s, true, TMP_B, RBP); /* the main frame, as a tail call hands it over */
		/* Helpers given the context implicitly, and programs this one tail-calls (which
		 * land past their own build), find it here. */
		emit_store_reg(s, RBP, CTX_DISP, RDI);
	}
	/* The count is read only by this program's own tail calls (a program it tail-calls runs
	 * on in this frame and uses this count): without any, it needs no start value. */
	if (main && s->tail_calls) { /* mov qword [rbp + TAIL_COUNT_DISP], 0 */
		emit_rex(s, true, 0, 0, RBP, false);
		emit1(s, 0xc7);
		emit_modrm_mem(s, 0, RBP, TAIL_COUNT_DISP);
		emit4(s, 0);
	}
	if (main) {
		s->body = s->len;
		if (s->run_base)
			emit_mov_rr(s, true, RUN_BASE, TMP_B);
	}
	emit_slots(s, slot_mask(s, frame), RBP, false);
	/* Past the body mark: a tail call's target starts with a full budget of its own. */
	emit_budget_init(s, frame);
}

static void emit_prologue(struct jit_state *s, const struct jit_frame *frame, bool main)
{
	if (frame->full) {
		emit_full_prologue(s, frame, main);
		return;
	}
	if (frame->saves_r12)
		emit_push(s, R12);
	for (int n = FIRST_CALLEE_SAVED; n <= LAST_CALLEE_SAVED; n++)
		if (frame->saved & (1u << (n - FIRST_CALLEE_SAVED)))
			emit_push(s, reg_map[n]);
	if (frame->frame_pointer) {
		emit_push(s, RBP);
		emit_mov_rr(s, true, RBP, RSP);
	}
	if (frame->stack_size) {
		emit_rex(s, true, 0, 0, RSP, false);
		emit1(s, 0x81);
		emit_modrm_reg(s, 5, RSP); /* sub rsp, imm32 */
		emit4(s, frame->stack_size);
	}
	emit_budget_init(s, frame);
}

/* Gives a full frame's saved registers back, r12 included: the frame at base is left as its
 * builder found the machine, except for rsp and rbp. */
static void emit_full_restore(struct jit_state *s, const struct jit_frame *frame, uint8_t base)
{
	emit_slots(s, slot_mask(s, frame), base, true);
	if (s->run_base || frame->saves_r12)
		emit_load_reg(s, RUN_BASE, base, save_disp(RUN_BASE));
}

/* Leaves the whole program from any frame: the main frame saved all five (save_all). r11 keeps
 * the main frame's rbp while r12 gets its saved value back. */
static void emit_unwind(struct jit_state *s)
{
	emit_mov_rr(s, true, TMP_B, RUN_BASE);
	emit_slots(s, 0xf, TMP_B, true);
	emit_load_reg(s, RUN_BASE, TMP_B, save_disp(RUN_BASE));
	emit_mov_rr(s, true, RSP, TMP_B);
	emit_pop(s, RBP);
	emit1(s, 0xc3);
}

/* Leaves the frame of the function being emitted (or, with from_anywhere, the main frame
 * whatever frame the code runs in: unwinding the whole program). */
static void emit_epilogue(struct jit_state *s, bool from_anywhere)
{
	const struct jit_frame *frame = s->frame;

	if (from_anywhere) {
		emit_unwind(s);
		return;
	}
	if (frame->full) {
		emit_full_restore(s, frame, RBP);
		emit1(s, 0xc9); /* leave */
		emit1(s, 0xc3);
		return;
	}
	if (frame->frame_pointer) {
		emit_mov_rr(s, true, RSP, RBP);
		emit_pop(s, RBP);
	} else if (frame->stack_size) {
		/* Without rbp the reservation (a function's alignment padding) is given back by
		 * size: ret would otherwise pop the padding as its return address. */
		emit_alu_ri(s, 0, true, RSP, (int32_t)frame->stack_size);
	}
	for (int n = LAST_CALLEE_SAVED; n >= FIRST_CALLEE_SAVED; n--)
		if (frame->saved & (1u << (n - FIRST_CALLEE_SAVED)))
			emit_pop(s, reg_map[n]);
	if (frame->saves_r12)
		emit_pop(s, R12);
	emit1(s, 0xc3);
}

/* ---- ALU ---------------------------------------------------------------------------------- */

/* Division and modulo with RFC 9669's rules: x / 0 = 0, x % 0 = x, INT_MIN / -1 = INT_MIN,
 * INT_MIN % -1 = 0. The divisor is in TMP_A. */
static void emit_divmod(struct jit_state *s, bool w, bool mod, bool is_signed, uint8_t dst)
{
	size_t to_done[3];
	int n_done = 0;

	emit_push(s, RAX);
	emit_push(s, RDX);
	emit_mov_rr(s, w, TMP_B, dst);
	emit_alu_rr(s, 0x85, w, TMP_A, TMP_A);
	size_t to_nonzero = emit_local_jcc(s, CC_NE);
	if (!mod)
		emit_alu_rr(s, 0x31, false, TMP_B, TMP_B);
	to_done[n_done++] = emit_local_jcc(s, -1);
	patch_local_jump(s, to_nonzero);
	if (is_signed) {
		emit_alu_ri(s, 7, w, TMP_A, -1);
		size_t to_divide = emit_local_jcc(s, CC_NE);
		if (mod) {
			emit_alu_rr(s, 0x31, false, TMP_B, TMP_B);
		} else {
			emit_rex(s, w, 0, 0, TMP_B, false);
			emit1(s, 0xf7);
			emit_modrm_reg(s, 3, TMP_B); /* neg */
		}
		to_done[n_done++] = emit_local_jcc(s, -1);
		patch_local_jump(s, to_divide);
	}
	emit_mov_rr(s, w, RAX, TMP_B);
	if (is_signed) {
		if (w)
			emit1(s, 0x48);
		emit1(s, 0x99); /* cqo / cdq */
	} else {
		emit_alu_rr(s, 0x31, false, RDX, RDX);
	}
	emit_rex(s, w, 0, 0, TMP_A, false);
	emit1(s, 0xf7);
	emit_modrm_reg(s, is_signed ? 7 : 6, TMP_A); /* idiv / div */
	emit_mov_rr(s, w, TMP_B, mod ? RDX : RAX);
	for (int i = 0; i < n_done; i++)
		patch_local_jump(s, to_done[i]);
	emit_pop(s, RDX);
	emit_pop(s, RAX);
	emit_mov_rr(s, w, dst, TMP_B);
}

/* Shifts by register: x86 takes the count in cl, and rcx is r4. */
static void emit_shift_reg(struct jit_state *s, uint8_t ext, bool w, uint8_t dst, uint8_t src)
{
	if (src == RCX && dst != RCX) {
		emit_rex(s, w, 0, 0, dst, false);
		emit1(s, 0xd3);
		emit_modrm_reg(s, ext, dst);
		return;
	}
	emit_mov_rr(s, true, TMP_A, RCX);
	if (src != RCX)
		emit_mov_rr(s, true, RCX, src);
	uint8_t target = dst == RCX ? TMP_A : dst;
	emit_rex(s, w, 0, 0, target, false);
	emit1(s, 0xd3);
	emit_modrm_reg(s, ext, target);
	if (dst == RCX)
		emit_mov_rr(s, w, RCX, TMP_A);
	else
		emit_mov_rr(s, true, RCX, TMP_A);
}

static void emit_shift_imm(struct jit_state *s, uint8_t ext, bool w, uint8_t dst, int32_t imm)
{
	uint8_t count = (uint8_t)(imm & (w ? 63 : 31));

	if (count == 0) {
		if (!w)
			emit_mov_rr(s, false, dst, dst);
		return;
	}
	emit_rex(s, w, 0, 0, dst, false);
	emit1(s, 0xc1);
	emit_modrm_reg(s, ext, dst);
	emit1(s, count);
}

static void emit_byteswap(struct jit_state *s, uint8_t dst, int32_t bits, bool swap)
{
	if (bits == 16) {
		if (swap) { /* rol r16, 8 */
			emit1(s, 0x66);
			emit_rex(s, false, 0, 0, dst, false);
			emit1(s, 0xc1);
			emit_modrm_reg(s, 0, dst);
			emit1(s, 8);
		}
		emit_rex(s, false, dst, 0, dst, false); /* movzx r32, r16 */
		emit1(s, 0x0f);
		emit1(s, 0xb7);
		emit_modrm_reg(s, dst, dst);
	} else if (bits == 32) {
		if (swap) {
			emit_rex(s, false, 0, 0, dst, false);
			emit1(s, 0x0f);
			emit1(s, 0xc8 + (dst & 7));
		} else {
			emit_mov_rr(s, false, dst, dst);
		}
	} else if (swap) {
		emit_rex(s, true, 0, 0, dst, false);
		emit1(s, 0x0f);
		emit1(s, 0xc8 + (dst & 7));
	}
}

/* movsx dst, src's low `bits` (ALU: into 32 bits, zero-extended; ALU64: into 64 bits). */
static void emit_movsx(struct jit_state *s, bool w, uint8_t dst, uint8_t src, int bits)
{
	if (bits == 32) {
		emit_rex(s, true, dst, 0, src, false);
		emit1(s, 0x63);
	} else {
		emit_rex(s, w, dst, 0, src, bits == 8);
		emit1(s, 0x0f);
		emit1(s, bits == 8 ? 0xbe : 0xbf);
	}
	emit_modrm_reg(s, dst, src);
}

/* The ALU instruction insn on x86 registers dst and src (src unused for an immediate). */
static void emit_alu_regs(struct jit_state *s, const struct ebpf_inst *insn, uint8_t dst,
			  uint8_t src)
{
	bool w = EBPF_CLASS(insn->code) == EBPF_CLS_ALU64;
	bool k = EBPF_SRC(insn->code) == EBPF_SRC_K;
	uint8_t op = EBPF_OP(insn->code);
	static const uint8_t rr_opcode[16] = {
		[EBPF_ALU_ADD >> 4] = 0x01, [EBPF_ALU_SUB >> 4] = 0x29, [EBPF_ALU_OR >> 4] = 0x09,
		[EBPF_ALU_AND >> 4] = 0x21, [EBPF_ALU_XOR >> 4] = 0x31,
	};
	static const uint8_t ri_ext[16] = {
		[EBPF_ALU_ADD >> 4] = 0, [EBPF_ALU_SUB >> 4] = 5, [EBPF_ALU_OR >> 4] = 1,
		[EBPF_ALU_AND >> 4] = 4, [EBPF_ALU_XOR >> 4] = 6,
	};
	static const uint8_t shift_ext[16] = {
		[EBPF_ALU_LSH >> 4] = 4,
		[EBPF_ALU_RSH >> 4] = 5,
		[EBPF_ALU_ARSH >> 4] = 7,
	};

	if (k) /* a blinded immediate is loaded there */
		src = TMP_A;
	switch (op) {
	case EBPF_ALU_ADD:
	case EBPF_ALU_SUB:
	case EBPF_ALU_OR:
	case EBPF_ALU_AND:
	case EBPF_ALU_XOR:
		if (k && !blinding(s)) {
			emit_alu_ri(s, ri_ext[op >> 4], w, dst, insn->imm);
			return;
		}
		if (k)
			emit_load_imm(s, TMP_A, insn->imm);
		emit_alu_rr(s, rr_opcode[op >> 4], w, dst, src);
		return;
	case EBPF_ALU_MOV:
		if (k) {
			if (blinding(s)) {
				emit_load_imm(s, TMP_A, insn->imm);
				emit_mov_rr(s, w, dst, TMP_A);
			} else {
				emit_mov_imm32(s, w, dst, insn->imm);
			}
		} else if (insn->off) {
			emit_movsx(s, w, dst, src, insn->off);
		} else {
			emit_mov_rr(s, w, dst, src);
		}
		return;
	case EBPF_ALU_MUL:
		if (k && !blinding(s)) { /* imul dst, dst, imm32 */
			emit_rex(s, w, dst, 0, dst, false);
			emit1(s, 0x69);
			emit_modrm_reg(s, dst, dst);
			emit4(s, (uint32_t)insn->imm);
			return;
		}
		if (k)
			emit_load_imm(s, TMP_A, insn->imm);
		emit_rex(s, w, dst, 0, src, false);
		emit1(s, 0x0f);
		emit1(s, 0xaf);
		emit_modrm_reg(s, dst, src);
		return;
	case EBPF_ALU_DIV:
	case EBPF_ALU_MOD:
		if (k)
			emit_load_imm(s, TMP_A, insn->imm);
		else
			emit_mov_rr(s, true, TMP_A, src);
		emit_divmod(s, w, op == EBPF_ALU_MOD, insn->off == 1, dst);
		return;
	case EBPF_ALU_LSH:
	case EBPF_ALU_RSH:
	case EBPF_ALU_ARSH:
		if (k)
			emit_shift_imm(s, shift_ext[op >> 4], w, dst, insn->imm);
		else
			emit_shift_reg(s, shift_ext[op >> 4], w, dst, src);
		return;
	case EBPF_ALU_NEG:
		emit_rex(s, w, 0, 0, dst, false);
		emit1(s, 0xf7);
		emit_modrm_reg(s, 3, dst);
		return;
	case EBPF_ALU_END:
		/* On a little-endian host "to little endian" only truncates; to big endian and the
		 * unconditional ALU64 bswap swap bytes. */
		emit_byteswap(s, dst, insn->imm, w || EBPF_SRC(insn->code) == EBPF_TO_BE);
		return;
	}
}

static void emit_alu(struct jit_state *s, const struct ebpf_inst *insn)
{
	emit_alu_regs(s, insn, reg_map[insn->dst_reg], reg_map[insn->src_reg]);
}

/* ---- memory ------------------------------------------------------------------------------- */

/* dst = [base + index + off] (index NO_INDEX: none), with the size and extension of code. */
static void emit_load(struct jit_state *s, uint8_t code, uint8_t dst, uint8_t base, uint8_t index,
		      int32_t off)
{
	bool sx = EBPF_MODE(code) == EBPF_MODE_MEMSX;
	uint8_t x = index_rex(index);

	switch (EBPF_SIZE(code)) {
	case EBPF_SIZE_B:
	case EBPF_SIZE_H:
		emit_rex(s, sx, dst, x, base, false);
		emit1(s, 0x0f);
		emit1(s, (EBPF_SIZE(code) == EBPF_SIZE_B ? 0xb6 : 0xb7) | (sx ? 0x08 : 0));
		break;
	case EBPF_SIZE_W:
		emit_rex(s, sx, dst, x, base, false);
		emit1(s, sx ? 0x63 : 0x8b);
		break;
	default:
		emit_rex(s, true, dst, x, base, false);
		emit1(s, 0x8b);
		break;
	}
	emit_modrm_index(s, dst, base, index, off);
}

/* The opcode (and prefixes) of `op [base + off], reg` for a given access size. */
static void emit_sized_rm(struct jit_state *s, uint8_t code, uint8_t op8, uint8_t op, uint8_t reg,
			  uint8_t base, int16_t off)
{
	int size = isa_mem_size(code);

	if (size == 2)
		emit1(s, 0x66);
	emit_rex(s, size == 8, reg, 0, base, size == 1);
	emit1(s, size == 1 ? op8 : op);
	emit_modrm_mem(s, reg, base, off);
}

static void emit_store_imm(struct jit_state *s, uint8_t code, uint8_t base, int16_t off,
			   int32_t imm)
{
	int size = isa_mem_size(code);

	if (blinding(s)) {
		emit_load_imm(s, TMP_A, imm);
		emit_sized_rm(s, code, 0x88, 0x89, TMP_A, base, off);
		return;
	}
	if (size == 2)
		emit1(s, 0x66);
	emit_rex(s, size == 8, 0, 0, base, false);
	emit1(s, size == 1 ? 0xc6 : 0xc7);
	emit_modrm_mem(s, 0, base, off);
	if (size == 1)
		emit1(s, (uint8_t)imm);
	else if (size == 2) {
		emit1(s, (uint8_t)imm);
		emit1(s, (uint8_t)(imm >> 8));
	} else {
		emit4(s, (uint32_t)imm);
	}
}

/* fetch-and-{or,and,xor}: x86 has no such instruction, so a cmpxchg loop computes it. */
static void emit_atomic_fetch_loop(struct jit_state *s, bool w, uint8_t alu_opcode, uint8_t base,
				   int16_t off, uint8_t src)
{
	emit_rex(s, true, TMP_B, 0, base, false); /* lea r11, [base + off] */
	emit1(s, 0x8d);
	emit_modrm_mem(s, TMP_B, base, off);
	emit_mov_rr(s, true, TMP_A, src);
	emit_push(s, RAX);
	emit_rex(s, w, RAX, 0, TMP_B, false); /* mov rax, [r11] */
	emit1(s, 0x8b);
	emit_modrm_mem(s, RAX, TMP_B, 0);
	size_t loop = s->len;
	emit_mov_rr(s, w, TMP_IMM, RAX);
	emit_alu_rr(s, alu_opcode, w, TMP_IMM, TMP_A);
	emit1(s, 0xf0); /* lock cmpxchg [r11], r9 */
	emit_rex(s, w, TMP_IMM, 0, TMP_B, false);
	emit1(s, 0x0f);
	emit1(s, 0xb1);
	emit_modrm_mem(s, TMP_IMM, TMP_B, 0);
	emit1(s, 0x70 + CC_NE);
	emit1(s, (uint8_t)(loop - (s->len + 1)));
	emit_mov_rr(s, w, TMP_A, RAX);
	emit_pop(s, RAX);
	emit_mov_rr(s, true, src, TMP_A);
}

static void emit_atomic(struct jit_state *s, const struct ebpf_inst *insn)
{
	bool w = EBPF_SIZE(insn->code) == EBPF_SIZE_DW;
	uint8_t base = reg_map[insn->dst_reg];
	uint8_t src = reg_map[insn->src_reg];
	uint8_t alu = 0;

	switch (insn->imm) {
	case EBPF_ATOMIC_ADD:
	case EBPF_ATOMIC_OR:
	case EBPF_ATOMIC_AND:
	case EBPF_ATOMIC_XOR:
		alu = insn->imm == EBPF_ATOMIC_ADD   ? 0x01
		      : insn->imm == EBPF_ATOMIC_OR  ? 0x09
		      : insn->imm == EBPF_ATOMIC_AND ? 0x21
						     : 0x31;
		emit1(s, 0xf0);
		emit_rex(s, w, src, 0, base, false);
		emit1(s, alu);
		emit_modrm_mem(s, src, base, insn->off);
		return;
	case EBPF_ATOMIC_ADD | EBPF_ATOMIC_FETCH: /* lock xadd */
		emit1(s, 0xf0);
		emit_rex(s, w, src, 0, base, false);
		emit1(s, 0x0f);
		emit1(s, 0xc1);
		emit_modrm_mem(s, src, base, insn->off);
		return;
	case EBPF_ATOMIC_OR | EBPF_ATOMIC_FETCH:
		emit_atomic_fetch_loop(s, w, 0x09, base, insn->off, src);
		return;
	case EBPF_ATOMIC_AND | EBPF_ATOMIC_FETCH:
		emit_atomic_fetch_loop(s, w, 0x21, base, insn->off, src);
		return;
	case EBPF_ATOMIC_XOR | EBPF_ATOMIC_FETCH:
		emit_atomic_fetch_loop(s, w, 0x31, base, insn->off, src);
		return;
	case EBPF_ATOMIC_XCHG:
		emit_rex(s, w, src, 0, base, false);
		emit1(s, 0x87);
		emit_modrm_mem(s, src, base, insn->off);
		return;
	case EBPF_ATOMIC_CMPXCHG:
		emit1(s, 0xf0);
		emit_rex(s, w, src, 0, base, false);
		emit1(s, 0x0f);
		emit1(s, 0xb1);
		emit_modrm_mem(s, src, base, insn->off);
		if (!w) /* a successful 32-bit cmpxchg leaves rax's upper half alone */
			emit_mov_rr(s, false, RAX, RAX);
		return;
	}
}

/* ---- jumps and calls ---------------------------------------------------------------------- */

static int jump_cc(uint8_t op)
{
	switch (op) {
	case EBPF_JMP_JEQ:
		return CC_E;
	case EBPF_JMP_JNE:
	case EBPF_JMP_JSET:
		return CC_NE;
	case EBPF_JMP_JGT:
		return CC_A;
	case EBPF_JMP_JGE:
		return CC_AE;
	case EBPF_JMP_JLT:
		return CC_B;
	case EBPF_JMP_JLE:
		return CC_BE;
	case EBPF_JMP_JSGT:
		return CC_G;
	case EBPF_JMP_JSGE:
		return CC_GE;
	case EBPF_JMP_JSLT:
		return CC_L;
	default:
		return CC_LE;
	}
}

/* The flags a conditional jump tests (its x86 condition: jump_cc). */
static void emit_compare(struct jit_state *s, const struct ebpf_inst *insn)
{
	bool w = EBPF_CLASS(insn->code) == EBPF_CLS_JMP;
	bool k = EBPF_SRC(insn->code) == EBPF_SRC_K;
	uint8_t op = EBPF_OP(insn->code);
	uint8_t dst = reg_map[insn->dst_reg];

	if (k && blinding(s)) {
		emit_load_imm(s, TMP_A, insn->imm);
		k = false;
		emit_alu_rr(s, op == EBPF_JMP_JSET ? 0x85 : 0x39, w, dst, TMP_A);
	} else if (k && op == EBPF_JMP_JSET) {
		emit_rex(s, w, 0, 0, dst, false); /* test r/m, imm32 */
		emit1(s, 0xf7);
		emit_modrm_reg(s, 0, dst);
		emit4(s, (uint32_t)insn->imm);
	} else if (k && insn->imm == 0 && op != EBPF_JMP_JSET) {
		emit_alu_rr(s, 0x85, w, dst, dst); /* test dst, dst: the flags of cmp dst, 0 */
	} else if (k) {
		emit_alu_ri(s, 7, w, dst, insn->imm);
	} else {
		emit_alu_rr(s, op == EBPF_JMP_JSET ? 0x85 : 0x39, w, dst, reg_map[insn->src_reg]);
	}
}

static void emit_cond_jump(struct jit_state *s, const struct ebpf_inst *insn, size_t i)
{
	size_t target = i + 1 + insn->off;

	if (target == i + 1)
		return;
	emit_compare(s, insn);
	emit_branch(s, jump_cc(EBPF_OP(insn->code)), i, target);
}

/* The frames below the main one: walks the saved rbp chain from rbp up to the main frame's. */
static uint32_t jit_frame_depth(uintptr_t rbp, uintptr_t main_rbp)
{
	uint32_t depth = 0;

	while (rbp != main_rbp && depth < EBPF_MAX_CALL_DEPTH) {
		rbp = *(const uintptr_t *)(rbp + SAVED_RBP_DISP);
		depth++;
	}
	return depth;
}

/*
 * bpf_tail_call's decision, with the interpreter's rules (exec_tail_call_error): returns the
 * target's code after its prologue, or a negative errno (the tail call fails, with it in r0).
 * The count lives in the main frame; rbp is the frame the tail call is made from.
 */
static uint64_t jit_tail_call(const struct exec_helpers *helpers, void *map, uint32_t index,
			      uintptr_t rbp, uintptr_t main_rbp)
{
	uint64_t *count = (uint64_t *)(main_rbp + TAIL_COUNT_DISP);
	const struct exec_program *target = NULL;
	int err;

	if (*count < EBPF_MAX_TAIL_CALLS)
		target = helpers->tail_call(map, index);
	if (target && (target->engine != EXEC_JIT || !target->engine_data))
		target = NULL;
	err = exec_tail_call_error(target, *count, jit_frame_depth(rbp, main_rbp));
	if (err)
		return (uint64_t)(int64_t)err;
	++*count;
	return (uint64_t)(uintptr_t)((const struct jit_code *)target->engine_data)->body;
}

/* bpf_tail_call(ctx, map, index): r1 rdi, r2 rsi, r3 rdx. The target runs in this frame,
 * replacing the function, as on Linux; a failed tail call leaves its error in r0. */
static void emit_tail_call(struct jit_state *s)
{
	emit_push(s, RDI);
	emit_alu_ri(s, 5, true, RSP, 8);
	emit_mov_imm64(s, RDI, (uint64_t)(uintptr_t)&s->program->helpers);
	emit_mov_rr(s, true, RCX, RBP);
	emit_mov_rr(s, true, R8, RUN_BASE);
	emit_call_abs(s, (const void *)jit_tail_call);
	emit_alu_ri(s, 0, true, RSP, 8);
	emit_pop(s, RDI);
	emit_alu_ri(s, 7, true, RAX, -4095); /* cmp rax, -4095: [-4095, -1] are errors */
	size_t to_fail = emit_local_jcc(s, CC_AE);
	/* The target saves what it uses in this frame's slots: give back what this one saved
	 * there, and hand it the main frame in r11. */
	emit_mov_rr(s, true, TMP_B, RUN_BASE);
	emit_full_restore(s, s->frame, RBP);
	emit1(s, 0xff); /* jmp rax */
	emit1(s, 0xe0);
	patch_local_jump(s, to_fail);
}

static void emit_unwind_check(struct jit_state *s)
{
	emit_alu_rr(s, 0x85, true, RAX, RAX);
	size_t to_continue = emit_local_jcc(s, CC_NE);
	emit_epilogue(s, true);
	patch_local_jump(s, to_continue);
}

/* lea dst, [rip + disp32]: the address of instruction target's code (a function pointer). The
 * previous pass's offsets are exact in the final one, as for local calls. */
static void emit_function_address(struct jit_state *s, uint8_t dst, size_t target)
{
	emit_rex(s, true, dst, 0, 0, false);
	emit1(s, 0x8d);
	emit1(s, (uint8_t)(((dst & 7) << 3) | 5));
	emit4(s, (uint32_t)((int64_t)s->code_prev[target] - (int64_t)(s->len + 4)));
}

/* mov reg, [rsp + disp8] / mov [rsp + disp8], reg */
static void emit_rsp_load(struct jit_state *s, uint8_t reg, int8_t disp)
{
	emit_load_reg(s, reg, RSP, disp);
}

static void emit_rsp_store(struct jit_state *s, uint8_t reg, int8_t disp)
{
	emit_store_reg(s, RSP, disp, reg);
}

/*
 * bpf_loop(nr_loops, callback, ctx, flags): r1 rdi, r2 rsi, r3 rdx, r4 rcx. The loop runs here,
 * calling the callback (a function of this program, whose address r2 holds) as a local call
 * for index 0, 1, ... until it returns non-zero or nr_loops calls are done; r0 is the number of
 * calls, as Linux. Its state lives in 32 bytes pushed under the frame (rsp stays 16-byte
 * aligned): [rsp] index, [rsp + 8] count, [rsp + 16] ctx, [rsp + 24] callback.
 */
static void emit_bpf_loop(struct jit_state *s)
{
	size_t to_einval, to_e2big, to_zero, to_stop, to_end[3], loop;

	emit_alu_rr(s, 0x85, true, RCX, RCX); /* test rcx, rcx: flags must be 0 */
	to_einval = emit_local_jcc(s, CC_NE);
	emit_mov_rr(s, false, RAX, RDI); /* eax = (u32)nr_loops */
	emit_alu_ri(s, 7, true, RAX, (int32_t)EXEC_BPF_LOOP_MAX);
	to_e2big = emit_local_jcc(s, CC_A);
	emit_alu_rr(s, 0x85, true, RAX, RAX);
	to_zero = emit_local_jcc(s, CC_E);
	emit_push(s, RSI);
	emit_push(s, RDX);
	emit_push(s, RAX);
	emit_alu_rr(s, 0x31, false, RAX, RAX);
	emit_push(s, RAX);
	loop = s->len;
	emit_rsp_load(s, RDI, 0);  /* r1 = index */
	emit_rsp_load(s, RSI, 16); /* r2 = ctx */
	emit1(s, 0xff);		   /* call [rsp + 24] */
	emit_modrm_mem(s, 2, RSP, 24);
	emit_rsp_load(s, TMP_B, 0);
	emit_alu_ri(s, 0, true, TMP_B, 1);
	emit_rsp_store(s, TMP_B, 0);
	emit_alu_rr(s, 0x85, true, RAX, RAX);
	to_stop = emit_local_jcc(s, CC_NE);
	emit_rex(s, true, TMP_B, 0, RSP, false); /* cmp r11, [rsp + 8] */
	emit1(s, 0x3b);
	emit_modrm_mem(s, TMP_B, RSP, 8);
	emit1(s, 0x0f); /* jb loop (rel32, backwards) */
	emit1(s, 0x80 + CC_B);
	emit4(s, (uint32_t)((int64_t)loop - (int64_t)(s->len + 4)));
	patch_local_jump(s, to_stop);
	emit_mov_rr(s, true, RAX, TMP_B);
	emit_alu_ri(s, 0, true, RSP, 32);
	to_end[0] = emit_local_jcc(s, -1);
	patch_local_jump(s, to_einval);
	emit_mov_imm32(s, true, RAX, -EINVAL);
	to_end[1] = emit_local_jcc(s, -1);
	patch_local_jump(s, to_e2big);
	emit_mov_imm32(s, true, RAX, -E2BIG);
	to_end[2] = emit_local_jcc(s, -1);
	patch_local_jump(s, to_zero);
	emit_alu_rr(s, 0x31, false, RAX, RAX);
	for (int i = 0; i < 3; i++)
		patch_local_jump(s, to_end[i]);
}

/* mov r9, [r12 + CTX_DISP]: the program's context as a helper's sixth argument. */
static void emit_implicit_ctx(struct jit_state *s, size_t i)
{
	if (!exec_call_takes_ctx(&s->program->helpers, i))
		return;
	emit_load_reg(s, R9, RUN_BASE, CTX_DISP);
}

/* The walk of bpf_for_each_map_elem lives under the frame during the call (rsp stays 16-byte
 * aligned); the generated code reads these fields of it. */
#define WALK_BYTES ((sizeof(struct exec_map_walk) + 15) & ~(size_t)15)
_Static_assert(offsetof(struct exec_map_walk, map) == 0 &&
		   offsetof(struct exec_map_walk, fn) == 8 &&
		   offsetof(struct exec_map_walk, ctx) == 16 &&
		   offsetof(struct exec_map_walk, visited) == 24 &&
		   offsetof(struct exec_map_walk, steps) == 32 &&
		   offsetof(struct exec_map_walk, key) == 40,
	       "the JIT's view of struct exec_map_walk");

/*
 * bpf_for_each_map_elem(map, callback, ctx, flags): r1 rdi, r2 rsi, r3 rdx, r4 rcx. As bpf_loop,
 * the loop runs here: the walker (a C function) hands out the next element's value (its key
 * copied into the walk), the callback gets (map, &key, value, ctx) as a local call, and the
 * walk ends when the walker returns NULL or the callback non-zero. r0 is the number of calls.
 */
static void emit_for_each_map_elem(struct jit_state *s)
{
	size_t to_einval, to_done[2], to_end, loop;

	emit_alu_rr(s, 0x85, true, RCX, RCX); /* test rcx, rcx: flags must be 0 */
	to_einval = emit_local_jcc(s, CC_NE);
	emit_alu_ri(s, 5, true, RSP, (int32_t)WALK_BYTES);
	emit_rsp_store(s, RDI, 0);
	emit_rsp_store(s, RSI, 8);
	emit_rsp_store(s, RDX, 16);
	emit_alu_rr(s, 0x31, false, RAX, RAX);
	emit_rsp_store(s, RAX, 24); /* visited */
	emit_rsp_store(s, RAX, 32); /* steps, state */
	loop = s->len;
	emit_mov_rr(s, true, RDI, RSP);
	emit_call_abs(s, (const void *)s->program->helpers.map_walk);
	emit_alu_rr(s, 0x85, true, RAX, RAX);
	to_done[0] = emit_local_jcc(s, CC_E);
	emit_mov_rr(s, true, RDX, RAX);	       /* r3 = value */
	emit_rsp_load(s, RDI, 0);	       /* r1 = map */
	emit_rex(s, true, RSI, 0, RSP, false); /* lea rsi, [rsp + 40]: r2 = &key */
	emit1(s, 0x8d);
	emit_modrm_mem(s, RSI, RSP, 40);
	emit_rsp_load(s, RCX, 16); /* r4 = ctx */
	emit_alu_rr(s, 0x31, false, R8, R8);
	emit1(s, 0xff); /* call [rsp + 8] */
	emit_modrm_mem(s, 2, RSP, 8);
	emit_alu_rr(s, 0x85, true, RAX, RAX);
	to_done[1] = emit_local_jcc(s, CC_NE);
	emit1(s, 0xe9); /* jmp loop (rel32, backwards) */
	emit4(s, (uint32_t)((int64_t)loop - (int64_t)(s->len + 4)));
	patch_local_jump(s, to_done[0]);
	patch_local_jump(s, to_done[1]);
	emit_rsp_load(s, RAX, 24);
	emit_alu_ri(s, 0, true, RSP, (int32_t)WALK_BYTES);
	to_end = emit_local_jcc(s, -1);
	patch_local_jump(s, to_einval);
	emit_mov_imm32(s, true, RAX, -EINVAL);
	patch_local_jump(s, to_end);
}

static int emit_helper_call(struct jit_state *s, size_t i, int32_t id)
{
	ebpf_helper_fn fn = NULL;
	enum interp_call_kind kind = interp_resolve_helper(&s->program->helpers, (uint32_t)id, &fn);

	switch (kind) {
	case INTERP_CALL_TAIL:
		emit_tail_call(s);
		return 0;
	case INTERP_CALL_PLAIN:
		emit_implicit_ctx(s, i);
		emit_call_abs(s, (const void *)fn);
		return 0;
	case INTERP_CALL_LOOP:
		emit_bpf_loop(s);
		return 0;
	case INTERP_CALL_FOR_EACH:
		emit_for_each_map_elem(s);
		return 0;
	case INTERP_CALL_UNWIND: /* the conformance suite's helper: r0 = r1, and 0 ends it all */
		emit_mov_rr(s, true, RAX, RDI);
		emit_unwind_check(s);
		return 0;
	default:
		return exec_error(s->err, s->err_size, -EINVAL, "insn %zu: unknown helper %d", i,
				  id);
	}
}

/* A function called by name: a plain call to its address, as a helper's. */
static int emit_kfunc_call(struct jit_state *s, size_t i, uint32_t index)
{
	ebpf_helper_fn fn = interp_resolve_kfunc(&s->program->helpers, index);

	if (!fn)
		return exec_error(s->err, s->err_size, -EINVAL, "insn %zu: unresolved kfunc #%u", i,
				  index);
	emit_implicit_ctx(s, i);
	emit_call_abs(s, (const void *)fn);
	return 0;
}

/* callx: the helper id is in a register; resolved at run time through the helper tables. */
static uint64_t jit_callx(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5,
			  const struct exec_program *program, uint64_t id, uint64_t *unwind)
{
	ebpf_helper_fn fn = NULL;
	enum interp_call_kind kind = interp_resolve_helper(&program->helpers, id, &fn);

	*unwind = 0;
	if (kind == INTERP_CALL_UNWIND) {
		*unwind = r1 == 0;
		return r1;
	}
	if (kind != INTERP_CALL_PLAIN)
		return (uint64_t)-EINVAL;
	return fn(r1, r2, r3, r4, r5);
}

/* r1-r5 stay in place; the program is the 6th argument (r9), the id and where to report
 * unwinding the 7th and 8th (on the stack, which stays 16-byte aligned at the call). */
static void emit_callx(struct jit_state *s, uint8_t id_reg)
{
	emit_mov_rr(s, true, TMP_B, id_reg);
	emit_alu_ri(s, 5, true, RSP, 16); /* the unwind flag at [rsp], and padding */
	emit_mov_rr(s, true, TMP_A, RSP);
	emit_push(s, TMP_A); /* 8th: &unwind */
	emit_push(s, TMP_B); /* 7th: id */
	emit_mov_imm64(s, R9, (uint64_t)(uintptr_t)s->program);
	emit_call_abs(s, (const void *)jit_callx);
	emit_alu_ri(s, 0, true, RSP, 16);
	emit_pop(s, TMP_A);
	emit_alu_ri(s, 0, true, RSP, 8);
	emit_alu_rr(s, 0x85, true, TMP_A, TMP_A);
	size_t to_continue = emit_local_jcc(s, CC_E);
	emit_alu_rr(s, 0x31, false, RAX, RAX);
	emit_epilogue(s, true);
	patch_local_jump(s, to_continue);
}

static void emit_local_call(struct jit_state *s, size_t target)
{
	int64_t disp = (int64_t)s->code_prev[target] - (int64_t)(s->len + 5);

	emit1(s, 0xe8);
	emit4(s, (uint32_t)disp);
}

/* ---- the passes --------------------------------------------------------------------------- */

/* A load from memory into dst: ldx, or a load-acquire (STX class, its dst written all the same). */
static bool is_mem_load(const struct ebpf_inst *insn)
{
	return EBPF_CLASS(insn->code) == EBPF_CLS_LDX || isa_is_load_acquire(insn);
}

/* The register a load or store addresses memory through. */
static uint8_t mem_base(const struct ebpf_inst *insn)
{
	return is_mem_load(insn) ? insn->src_reg : insn->dst_reg;
}

/* The 8-byte slot at r10 + off that instruction insn loads or stores whole, or 0: none. */
static int16_t whole_slot(const struct ebpf_inst *insn)
{
	uint8_t cls = EBPF_CLASS(insn->code);
	uint8_t base = mem_base(insn);

	if (cls != EBPF_CLS_LDX && cls != EBPF_CLS_ST && cls != EBPF_CLS_STX)
		return 0;
	if (base != EBPF_REG_FP || EBPF_MODE(insn->code) != EBPF_MODE_MEM ||
	    EBPF_SIZE(insn->code) != EBPF_SIZE_DW || insn->off >= 0 || insn->off % 8 ||
	    insn->off < -EBPF_STACK_SIZE)
		return 0;
	return insn->off;
}

/* The register that holds the slot instruction insn loads or stores, or -1: memory. */
static int cached_reg(const struct jit_state *s, const struct ebpf_inst *insn)
{
	int16_t off = whole_slot(insn);

	for (uint8_t n = 0; off && n < s->frame->cached; n++)
		if (s->frame->cached_off[n] == off)
			return s->frame->cached_reg[n];
	return -1;
}

/* A load or store of a slot kept in reg: a register move. */
static void emit_cached(struct jit_state *s, const struct ebpf_inst *insn, uint8_t reg)
{
	switch (EBPF_CLASS(insn->code)) {
	case EBPF_CLS_LDX:
		emit_mov_rr(s, true, reg_map[insn->dst_reg], reg);
		return;
	case EBPF_CLS_ST:
		emit_mov_imm32(s, true, reg, insn->imm);
		return;
	default:
		emit_mov_rr(s, true, reg, reg_map[insn->src_reg]);
		return;
	}
}

/* The cached slots' values on entry: what a load from the frame would read (the verifier
 * refuses reads of slots not written, but a tail call's target starts on its caller's frame). */
static void emit_cache_loads(struct jit_state *s, const struct jit_frame *frame)
{
	for (uint8_t n = 0; n < frame->cached; n++)
		emit_load_reg(s, frame->cached_reg[n], RBP, frame->cached_off[n]);
}

/* The instructions that neither jump nor call: ALU, loads, stores, atomics, lddw. */
static int emit_straight(struct jit_state *s, size_t i)
{
	const struct ebpf_inst *insn = &s->program->insns[i];
	int cached = cached_reg(s, insn);

	if (cached >= 0) {
		emit_cached(s, insn, (uint8_t)cached);
		return 0;
	}
	switch (EBPF_CLASS(insn->code)) {
	case EBPF_CLS_ALU:
	case EBPF_CLS_ALU64:
		emit_alu(s, insn);
		return 0;
	case EBPF_CLS_LDX:
		emit_load(s, insn->code, reg_map[insn->dst_reg], reg_map[insn->src_reg], NO_INDEX,
			  insn->off);
		return 0;
	case EBPF_CLS_ST:
		emit_store_imm(s, insn->code, reg_map[insn->dst_reg], insn->off, insn->imm);
		return 0;
	case EBPF_CLS_STX:
		/* x86 is TSO: a plain aligned mov already has acquire (load) and release (store)
		 * order, and the verifier makes them aligned, hence single-copy atomic. */
		if (isa_is_load_acquire(insn))
			emit_load(s, EBPF_CLS_LDX | EBPF_MODE_MEM | EBPF_SIZE(insn->code),
				  reg_map[insn->dst_reg], reg_map[insn->src_reg], NO_INDEX,
				  insn->off);
		else if (isa_is_store_release(insn))
			emit_sized_rm(s, insn->code, 0x88, 0x89, reg_map[insn->src_reg],
				      reg_map[insn->dst_reg], insn->off);
		else if (EBPF_MODE(insn->code) == EBPF_MODE_ATOMIC)
			emit_atomic(s, insn);
		else
			emit_sized_rm(s, insn->code, 0x88, 0x89, reg_map[insn->src_reg],
				      reg_map[insn->dst_reg], insn->off);
		return 0;
	case EBPF_CLS_LD:
		if (insn->code == EBPF_OP_LDDW && insn->src_reg == EBPF_PSEUDO_FUNC) {
			emit_function_address(s, reg_map[insn->dst_reg], i + 1 + insn->imm);
			return 0;
		}
		if (insn->code != EBPF_OP_LDDW || insn->src_reg != EBPF_PSEUDO_IMM)
			return exec_error(s->err, s->err_size, -EOPNOTSUPP,
					  "insn %zu: the JIT supports only lddw of an immediate "
					  "(opcode 0x%02x, src %u)",
					  i, insn->code, insn->src_reg);
		emit_load_imm(s, reg_map[insn->dst_reg], (int64_t)isa_lddw_imm(insn));
		return 0;
	}
	return exec_error(s->err, s->err_size, -EINVAL, "insn %zu: not a straight instruction", i);
}

static bool is_jump_class(uint8_t code)
{
	return EBPF_CLASS(code) == EBPF_CLS_JMP || EBPF_CLASS(code) == EBPF_CLS_JMP32;
}

/*
 * may_goto, without a scratch register: sub dword [rbp + budget], 1 borrows only from a spent
 * budget (0); adc dword [rbp + budget], 0 then puts the borrow back (0xffffffff + 1 = 0, with a
 * carry) and leaves any other value decremented, without one; jc target. Functions with
 * may_goto have a frame of their own (size_frame) and are never inlined: rbp is theirs.
 */
static void emit_may_goto(struct jit_state *s, size_t i)
{
	int32_t disp = s->frame->budget_disp;

	emit1(s, 0x83);
	emit_modrm_mem(s, 5, RBP, disp);
	emit1(s, 1);
	emit1(s, 0x83);
	emit_modrm_mem(s, 2, RBP, disp);
	emit1(s, 0);
	emit_branch(s, CC_B, i, i + 1 + s->program->insns[i].off);
}

static struct jit_frame *frame_at(const struct jit_state *s, size_t start);
static int emit_inline_copy(struct jit_state *s, size_t i, const struct jit_frame *callee);

static int emit_insn(struct jit_state *s, size_t i)
{
	const struct ebpf_inst *insn = &s->program->insns[i];
	uint8_t cls = EBPF_CLASS(insn->code);
	uint8_t op = EBPF_OP(insn->code);

	if (s->is_function[i] && s->scope == s->frame) {
		size_t entry = s->len;

		emit_prologue(s, s->frame, i == 0);
		emit_cache_loads(s, s->frame);
		s->entry_len = (uint32_t)(s->len - entry);
	}
	if (!is_jump_class(insn->code))
		return emit_straight(s, i);

	/* EBPF_CLS_JMP and EBPF_CLS_JMP32 */
	switch (op) {
	case EBPF_JMP_JA: {
		int64_t off = cls == EBPF_CLS_JMP32 ? insn->imm : insn->off;

		if (off != 0)
			emit_branch(s, -1, i, i + 1 + off);
		return 0;
	}
	case EBPF_JMP_JCOND:
		emit_may_goto(s, i);
		return 0;
	case EBPF_JMP_EXIT:
		if (s->scope == s->frame)
			emit_epilogue(s, false);
		else if (i + 1 < s->scope->end) /* an inlined copy's exit: to the copy's end */
			emit_branch(s, -1, i, s->scope->end);
		return 0;
	case EBPF_JMP_CALL:
		if (EBPF_SRC(insn->code) == EBPF_SRC_X) {
			emit_callx(s, reg_map[insn->dst_reg]);
			return 0;
		}
		if (insn->src_reg == EBPF_CALL_LOCAL) {
			const struct jit_frame *callee = frame_at(s, i + 1 + insn->imm);

			if (callee && callee->inlined)
				return emit_inline_copy(s, i, callee);
			emit_local_call(s, i + 1 + insn->imm);
			return 0;
		}
		if (insn->src_reg == EBPF_CALL_KFUNC)
			return emit_kfunc_call(s, i, (uint32_t)insn->imm);
		return emit_helper_call(s, i, insn->imm);
	default:
		emit_cond_jump(s, insn, i);
		return 0;
	}
}

static bool is_alu64_k(const struct ebpf_inst *insn, uint8_t op, uint8_t dst, int32_t imm)
{
	return insn->code == (EBPF_CLS_ALU64 | op | EBPF_SRC_K) && insn->dst_reg == dst &&
	       insn->imm == imm;
}

/*
 * Whether eBPF register reg's upper half is already zero when instruction i starts: the one
 * instruction that reaches i (not a jump target) wrote reg with a 32-bit ALU operation or a
 * load narrower than 64 bits, whose x86 code clears the upper half (byte swaps excepted: "to
 * little endian" 64 has no code at all).
 */
static bool zero_extended(const struct jit_state *s, size_t i, uint8_t reg)
{
	const struct ebpf_inst *prev;
	uint8_t cls;

	if (i == 0 || s->is_target[i])
		return false;
	prev = &s->program->insns[i - 1];
	cls = EBPF_CLASS(prev->code);
	if (prev->dst_reg != reg || (i >= 2 && isa_is_lddw(prev - 1)))
		return false;
	if (cls == EBPF_CLS_ALU)
		return EBPF_OP(prev->code) != EBPF_ALU_END;
	return cls == EBPF_CLS_LDX && EBPF_MODE(prev->code) == EBPF_MODE_MEM &&
	       EBPF_SIZE(prev->code) != EBPF_SIZE_DW;
}

/*
 * clang without alu32 (-mcpu v1, its default before LLVM 19) zero-extends a 32-bit value with
 * "r <<= 32; r >>= 32", often right after "r = r2": one 32-bit mov does either, and nothing at
 * all when the value is the result of a 32-bit operation ("w = w" after one likewise). Returns
 * how many instructions starting at i it emitted that way (0: none), never fusing across a
 * jump target.
 */
static size_t emit_zero_extend(struct jit_state *s, size_t i)
{
	const struct ebpf_inst *insn = &s->program->insns[i];
	size_t count = s->program->count, shifts = i;
	uint8_t dst = insn->dst_reg, src = dst;

	if (s->is_function[i]) /* its prologue comes first: emit_insn's job */
		return 0;
	if (insn->code == (EBPF_CLS_ALU | EBPF_ALU_MOV | EBPF_SRC_X) && insn->off == 0 &&
	    insn->src_reg == dst && zero_extended(s, i, dst))
		return 1;
	if (insn->code == (EBPF_CLS_ALU64 | EBPF_ALU_MOV | EBPF_SRC_X) && insn->off == 0) {
		src = insn->src_reg;
		shifts = i + 1;
		if (shifts >= count || s->is_target[shifts])
			return 0;
	}
	if (shifts + 1 >= count || s->is_target[shifts + 1] ||
	    !is_alu64_k(&s->program->insns[shifts], EBPF_ALU_LSH, dst, 32) ||
	    !is_alu64_k(&s->program->insns[shifts + 1], EBPF_ALU_RSH, dst, 32))
		return 0;
	if (src != dst || !zero_extended(s, i, dst))
		emit_mov_rr(s, false, reg_map[dst], reg_map[src]);
	return shifts + 2 - i;
}

/* lea dst, [base + index + disp] (index NO_INDEX: none). */
static void emit_lea(struct jit_state *s, uint8_t dst, uint8_t base, uint8_t index, int32_t disp)
{
	emit_rex(s, true, dst, index_rex(index), base, false);
	emit1(s, 0x8d);
	emit_modrm_index(s, dst, base, index, disp);
}

/* Instructions i to i + n - 1 may be compiled as one: they exist, and no jump or call lands
 * on any but the first, which begins no function (its prologue is emit_insn's job). */
static bool fusable(const struct jit_state *s, size_t i, size_t n)
{
	if (s->is_function[i] || i + n > s->program->count)
		return false;
	for (size_t k = 1; k < n; k++)
		if (s->is_target[i + k])
			return false;
	return true;
}

#define MOV64_X (EBPF_CLS_ALU64 | EBPF_ALU_MOV | EBPF_SRC_X)
#define ADD64_X (EBPF_CLS_ALU64 | EBPF_ALU_ADD | EBPF_SRC_X)
#define ADD64_K (EBPF_CLS_ALU64 | EBPF_ALU_ADD | EBPF_SRC_K)

static bool dead_after(const struct jit_state *s, size_t i, uint8_t reg);

/*
 * Indexed addressing as clang writes it: "rA = rB; rA += imm; rA += rC" is one lea of
 * [rB + rC + imm], and "rA = rB; [rA += imm;] rA += rC; rD = *(size *)(rA + off)", where the
 * load overwrites rA (rD is rA) or nothing reads rA after it, one load from
 * [rB + rC + imm + off] into rD. Returns the instructions emitted that
 * way (0: none; "rA = rB; rA += rC" alone is emit_mov_add's).
 */
static size_t emit_indexed(struct jit_state *s, size_t i)
{
	const struct ebpf_inst *insns = &s->program->insns[i];
	const struct ebpf_inst *load;
	uint8_t a = insns[0].dst_reg;
	int64_t disp = 0;
	size_t n = 1;

	if (!fusable(s, i, 3) || insns[0].code != MOV64_X || insns[0].off)
		return 0;
	if (insns[1].code == ADD64_K && insns[1].dst_reg == a && !blinding(s)) {
		disp = insns[1].imm;
		n = 2;
	}
	if (!fusable(s, i, n + 1) || insns[n].code != ADD64_X || insns[n].dst_reg != a ||
	    insns[n].src_reg == a)
		return 0;
	load = fusable(s, i, n + 2) ? &insns[n + 1] : NULL;
	if (load && EBPF_CLASS(load->code) == EBPF_CLS_LDX && load->src_reg == a &&
	    is_imm32(disp + load->off) && (load->dst_reg == a || dead_after(s, i + n + 1, a))) {
		emit_load(s, load->code, reg_map[load->dst_reg], reg_map[insns[0].src_reg],
			  reg_map[insns[n].src_reg], (int32_t)(disp + load->off));
		return n + 2;
	}
	if (n == 1)
		return 0;
	emit_lea(s, reg_map[a], reg_map[insns[0].src_reg], reg_map[insns[n].src_reg],
		 (int32_t)disp);
	return n + 1;
}

/*
 * clang lays out loops and switch arms as "if cond goto +1; goto X": one jump to X on the
 * opposite condition does both, and the path to X takes one jump, not two. Returns the
 * instructions emitted that way (0: none).
 */
static size_t emit_inverted_jump(struct jit_state *s, size_t i)
{
	const struct ebpf_inst *insn = &s->program->insns[i], *ja = insn + 1;
	uint8_t cls = EBPF_CLASS(insn->code), op = EBPF_OP(insn->code);
	int64_t off;

	if ((cls != EBPF_CLS_JMP && cls != EBPF_CLS_JMP32) || op == EBPF_JMP_JA ||
	    op == EBPF_JMP_CALL || op == EBPF_JMP_EXIT || op == EBPF_JMP_JCOND || insn->off != 1 ||
	    !fusable(s, i, 2))
		return 0;
	if (ja->code == (EBPF_CLS_JMP | EBPF_JMP_JA))
		off = ja->off;
	else if (ja->code == (EBPF_CLS_JMP32 | EBPF_JMP_JA))
		off = ja->imm;
	else
		return 0;
	emit_compare(s, insn);
	/* x86 condition codes come in pairs that differ in the low bit: cc ^ 1 is "not cc". */
	emit_branch(s, jump_cc(op) ^ 1, i + 1, i + 2 + off);
	return 2;
}

/*
 * Whether insn reads reg without naming it as an operand: cmpxchg compares the memory with r0;
 * a legacy packet load reads the context in r6 (and its index), and no engine runs one anyway.
 */
static bool reads_implicitly(const struct ebpf_inst *insn, uint8_t reg)
{
	uint8_t cls = EBPF_CLASS(insn->code);

	if (cls == EBPF_CLS_STX && EBPF_MODE(insn->code) == EBPF_MODE_ATOMIC)
		return reg == 0 && insn->imm == EBPF_ATOMIC_CMPXCHG;
	return cls == EBPF_CLS_LD && !isa_is_lddw(insn);
}

/*
 * Whether eBPF register reg (r0-r9) may be read after instruction i of function f before it is
 * written. At f's exit only r0 is read: whoever made f's frame (or inlined it) restores every
 * r6-r9 f writes, and r1-r5 are not readable after a call returns. A call reads r1-r5 and leaves
 * r0-r5 written. Follows both sides of a branch within a budget of instructions; beyond it, or on
 * anything it does not know, the register counts as live.
 */
static bool live_after(const struct exec_program *program, const struct jit_frame *f, size_t i,
		       uint8_t reg, int *budget)
{
	for (size_t k = i + 1; k < f->end; k++) {
		const struct ebpf_inst *insn = &program->insns[k];
		uint8_t cls = EBPF_CLASS(insn->code), op = EBPF_OP(insn->code);
		bool alu = cls == EBPF_CLS_ALU || cls == EBPF_CLS_ALU64;
		bool src_x = EBPF_SRC(insn->code) == EBPF_SRC_X;
		int64_t off = insn->off;

		if (--*budget < 0)
			return true;
		if (isa_is_lddw(insn)) {
			if (insn->dst_reg == reg)
				return false;
			k++;
			continue;
		}
		if (reads_implicitly(insn, reg))
			return true;
		if (!is_jump_class(insn->code)) {
			bool writes = (alu && op == EBPF_ALU_MOV) || is_mem_load(insn);
			bool reads_src = (alu && src_x && op != EBPF_ALU_END) ||
					 cls == EBPF_CLS_LDX || cls == EBPF_CLS_STX;

			if ((reads_src && insn->src_reg == reg) ||
			    (insn->dst_reg == reg && !writes))
				return true;
			if (insn->dst_reg == reg)
				return false;
			continue;
		}
		if (op == EBPF_JMP_EXIT)
			return reg == 0;
		if (op == EBPF_JMP_CALL) {
			if ((src_x && insn->dst_reg == reg) || (reg >= 1 && reg <= 5))
				return true; /* callx's target id, or an argument */
			if (reg == 0)
				return false;
			continue; /* r6-r9 survive calls */
		}
		if (op == EBPF_JMP_JA) {
			off = cls == EBPF_CLS_JMP32 ? insn->imm : insn->off;
		} else {
			if (insn->dst_reg == reg || (src_x && insn->src_reg == reg))
				return true;
		}
		if ((int64_t)k + 1 + off < (int64_t)f->start || (int64_t)k + 1 + off >= f->end)
			return true;
		if (op == EBPF_JMP_JA) { /* loops too: the budget ends the walk */
			k = (size_t)((int64_t)k + off);
			continue;
		}
		if (live_after(program, f, (size_t)((int64_t)k + off), reg, budget))
			return true;
	}
	return true;
}

#define LIVE_BUDGET 64

/* The condition "b op a" for a jump on "a op b". */
static uint8_t swapped_jump(uint8_t op)
{
	switch (op) {
	case EBPF_JMP_JGT:
		return EBPF_JMP_JLT;
	case EBPF_JMP_JGE:
		return EBPF_JMP_JLE;
	case EBPF_JMP_JLT:
		return EBPF_JMP_JGT;
	case EBPF_JMP_JLE:
		return EBPF_JMP_JGE;
	case EBPF_JMP_JSGT:
		return EBPF_JMP_JSLT;
	case EBPF_JMP_JSGE:
		return EBPF_JMP_JSLE;
	case EBPF_JMP_JSLT:
		return EBPF_JMP_JSGT;
	case EBPF_JMP_JSLE:
		return EBPF_JMP_JSGE;
	default:
		return op; /* jeq, jne, jset */
	}
}

/*
 * clang sometimes compares with a constant by loading it first: "rX = imm; if rX op rY goto L".
 * When rX is read on neither path afterwards, that is "cmp rY, imm" on the swapped condition,
 * without the mov. The constant must be the value the mov gives: a 32-bit mov's is not sign
 * extended, as cmp's immediate would be in a 64-bit compare. Returns the instructions emitted
 * that way (0: none).
 */
static size_t emit_const_compare(struct jit_state *s, size_t i)
{
	const struct ebpf_inst *mov = &s->program->insns[i], *jmp = mov + 1;
	uint8_t cls, op, x = mov->dst_reg;
	int budget = LIVE_BUDGET;
	struct ebpf_inst cmp;
	size_t target;

	/* The jump is read only once it is known to exist (the mov may end the program). */
	if (blinding(s) || !fusable(s, i, 2) || mov->off ||
	    (mov->code != (EBPF_CLS_ALU64 | EBPF_ALU_MOV | EBPF_SRC_K) &&
	     mov->code != (EBPF_CLS_ALU | EBPF_ALU_MOV | EBPF_SRC_K)))
		return 0;
	cls = EBPF_CLASS(jmp->code);
	op = EBPF_OP(jmp->code);
	if ((cls != EBPF_CLS_JMP && cls != EBPF_CLS_JMP32) || EBPF_SRC(jmp->code) != EBPF_SRC_X ||
	    op == EBPF_JMP_JA || op == EBPF_JMP_CALL || op == EBPF_JMP_EXIT || jmp->dst_reg != x ||
	    jmp->src_reg == x || jmp->src_reg == EBPF_REG_FP)
		return 0;
	if (cls == EBPF_CLS_JMP && EBPF_CLASS(mov->code) == EBPF_CLS_ALU && mov->imm < 0)
		return 0;
	target = i + 2 + jmp->off;
	if (target < s->scope->start || target >= s->scope->end ||
	    live_after(s->program, s->scope, i + 1, x, &budget) ||
	    live_after(s->program, s->scope, target - 1, x, &budget))
		return 0;
	if (target == i + 2)
		return 2;
	cmp = (struct ebpf_inst){ .code = (uint8_t)(cls | swapped_jump(op) | EBPF_SRC_K),
				  .dst_reg = jmp->src_reg,
				  .imm = mov->imm };
	emit_compare(s, &cmp);
	emit_branch(s, jump_cc(swapped_jump(op)), i + 1, target);
	return 2;
}

/*
 * Pointer arithmetic as clang writes it, "rA = rB; rA += rC" or "rA = rB; rA += imm", in one
 * lea. Returns the instructions emitted that way (0: none), never fusing across a jump target.
 */
static size_t emit_mov_add(struct jit_state *s, size_t i)
{
	const struct ebpf_inst *mov = &s->program->insns[i], *add = mov + 1;
	uint8_t dst, base;

	if (s->is_function[i] || i + 1 >= s->program->count || s->is_target[i + 1])
		return 0;
	if (mov->code != (EBPF_CLS_ALU64 | EBPF_ALU_MOV | EBPF_SRC_X) || mov->off != 0 ||
	    add->dst_reg != mov->dst_reg)
		return 0;
	dst = reg_map[mov->dst_reg];
	base = reg_map[mov->src_reg];
	if (add->code == (EBPF_CLS_ALU64 | EBPF_ALU_ADD | EBPF_SRC_X)) {
		/* rA += rA adds the value rA has after the move: rB's */
		uint8_t index = add->src_reg == mov->dst_reg ? base : reg_map[add->src_reg];

		emit_lea(s, dst, base, index, 0);
		return 2;
	}
	if (add->code == (EBPF_CLS_ALU64 | EBPF_ALU_ADD | EBPF_SRC_K) && !blinding(s)) {
		emit_lea(s, dst, base, NO_INDEX, add->imm);
		return 2;
	}
	return 0;
}

/* ---- memory operands ---------------------------------------------------------------------- */

/* What a fused instruction reads or writes in place: a register, or [reg + disp]. */
struct operand {
	bool mem;
	uint8_t reg; /* the register, or the address's base */
	int32_t disp;
};

/* opcode (one or two bytes, op2 0: one) with ModRM's reg field reg and r/m operand m. */
static void emit_rm(struct jit_state *s, bool w, uint8_t op1, uint8_t op2, uint8_t reg,
		    const struct operand *m)
{
	emit_rex(s, w, reg, 0, m->reg, false);
	emit1(s, op1);
	if (op2)
		emit1(s, op2);
	if (m->mem)
		emit_modrm_mem(s, reg, m->reg, m->disp);
	else
		emit_modrm_reg(s, reg, m->reg);
}

/*
 * The value load reads, as an operand of a w-bit operation: the register of a slot kept in one,
 * or the memory itself when the operation reads as many bytes as the load (a 32-bit operation
 * reads the low half of a 64-bit load's bytes: little endian, and no wider than the load).
 */
static bool load_operand(const struct jit_state *s, const struct ebpf_inst *load, bool w,
			 struct operand *m)
{
	int cached = cached_reg(s, load);
	uint8_t size = EBPF_SIZE(load->code);

	if (EBPF_CLASS(load->code) != EBPF_CLS_LDX || EBPF_MODE(load->code) != EBPF_MODE_MEM)
		return false;
	if (cached >= 0) {
		*m = (struct operand){ .reg = (uint8_t)cached };
		return true;
	}
	if (size != EBPF_SIZE_DW && (w || size != EBPF_SIZE_W))
		return false;
	*m = (struct operand){ .mem = true, .reg = reg_map[load->src_reg], .disp = load->off };
	return true;
}

/* Whether eBPF register reg is dead after instruction i of the function being emitted. */
static bool dead_after(const struct jit_state *s, size_t i, uint8_t reg)
{
	int budget = LIVE_BUDGET;

	return !live_after(s->program, s->scope, i, reg, &budget);
}

/* The x86 opcode of "reg op= r/m" for the ALU operations that have one (0: none). */
static uint16_t rm_opcode(uint8_t op)
{
	switch (op) {
	case EBPF_ALU_ADD:
		return 0x03;
	case EBPF_ALU_SUB:
		return 0x2b;
	case EBPF_ALU_OR:
		return 0x0b;
	case EBPF_ALU_AND:
		return 0x23;
	case EBPF_ALU_XOR:
		return 0x33;
	case EBPF_ALU_MOV:
		return 0x8b;
	case EBPF_ALU_MUL:
		return 0x0faf; /* imul */
	default:
		return 0;
	}
}

/*
 * "rX = *(size *)(rB + off); rY op= rX" with rX read nowhere after: one "op rY, [rB + off]"
 * (or "op rY, reg" when the slot is kept in one). clang spills and reloads this way, and loads
 * a field only to add it. Returns the instructions emitted that way (0: none).
 */
static size_t emit_load_op(struct jit_state *s, size_t i)
{
	const struct ebpf_inst *load = &s->program->insns[i], *alu = load + 1;
	uint8_t cls, x = load->dst_reg;
	uint16_t opcode;
	struct operand m;

	if (!fusable(s, i, 2))
		return 0;
	cls = EBPF_CLASS(alu->code);
	if ((cls != EBPF_CLS_ALU && cls != EBPF_CLS_ALU64) || EBPF_SRC(alu->code) != EBPF_SRC_X ||
	    alu->off || alu->src_reg != x || alu->dst_reg == x)
		return 0;
	opcode = rm_opcode(EBPF_OP(alu->code));
	if (!opcode || !load_operand(s, load, cls == EBPF_CLS_ALU64, &m) ||
	    !dead_after(s, i + 1, x))
		return 0;
	emit_rm(s, cls == EBPF_CLS_ALU64, (uint8_t)(opcode > 0xff ? opcode >> 8 : opcode),
		(uint8_t)(opcode > 0xff ? opcode : 0), reg_map[alu->dst_reg], &m);
	return 2;
}

/*
 * "rX = *(size *)(rB + off); if rX op y goto L" (or "if y op rX"), rX read on neither path
 * after: one compare with the memory (or the slot's register), and with clang's "goto +1;
 * goto X" after it the opposite jump (emit_inverted_jump). Returns the instructions emitted
 * that way (0: none).
 */
static size_t emit_load_compare(struct jit_state *s, size_t i)
{
	const struct ebpf_inst *load = &s->program->insns[i], *jmp = load + 1, *ja = load + 2;
	uint8_t cls, op, x = load->dst_reg;
	bool w, k, jset;
	struct operand m;
	size_t target;
	int cc;

	if (!fusable(s, i, 2))
		return 0;
	cls = EBPF_CLASS(jmp->code);
	op = EBPF_OP(jmp->code);
	w = cls == EBPF_CLS_JMP;
	k = EBPF_SRC(jmp->code) == EBPF_SRC_K;
	jset = op == EBPF_JMP_JSET;
	if (!is_jump_class(jmp->code) || op == EBPF_JMP_JA || op == EBPF_JMP_CALL ||
	    op == EBPF_JMP_EXIT || op == EBPF_JMP_JCOND || jmp->off == 0)
		return 0;
	if (k ? jmp->dst_reg != x || blinding(s)
	      : (jmp->dst_reg == x) == (jmp->src_reg == x) || jmp->src_reg == EBPF_REG_FP)
		return 0;
	target = i + 2 + jmp->off;
	if (target < s->scope->start || target >= s->scope->end || !load_operand(s, load, w, &m) ||
	    !dead_after(s, i + 1, x) || !dead_after(s, target - 1, x))
		return 0;
	cc = jump_cc(op);
	if (k && jset) {
		emit_rm(s, w, 0xf7, 0, 0, &m); /* test r/m, imm32 */
		emit4(s, (uint32_t)jmp->imm);
	} else if (k) {
		emit_rm(s, w, is_imm8(jmp->imm) ? 0x83 : 0x81, 0, 7, &m); /* cmp r/m, imm */
		if (is_imm8(jmp->imm))
			emit1(s, (uint8_t)jmp->imm);
		else
			emit4(s, (uint32_t)jmp->imm);
	} else if (jmp->dst_reg == x) { /* cmp r/m, reg: flags of rX - y */
		emit_rm(s, w, jset ? 0x85 : 0x39, 0, reg_map[jmp->src_reg], &m);
	} else { /* cmp reg, r/m: flags of y - rX; test is symmetric */
		emit_rm(s, w, jset ? 0x85 : 0x3b, 0, reg_map[jmp->dst_reg], &m);
	}
	if (jmp->off == 1 && fusable(s, i, 3) &&
	    (ja->code == (EBPF_CLS_JMP | EBPF_JMP_JA) ||
	     ja->code == (EBPF_CLS_JMP32 | EBPF_JMP_JA))) {
		int64_t off = EBPF_CLASS(ja->code) == EBPF_CLS_JMP32 ? ja->imm : ja->off;

		emit_branch(s, cc ^ 1, i + 2, (size_t)((int64_t)i + 3 + off));
		return 3;
	}
	emit_branch(s, cc, i + 1, target);
	return 2;
}

/* Whether insn is "*(u64 *)(r10 + off) = rX". */
static bool is_slot_store(const struct ebpf_inst *insn, int16_t off, uint8_t x)
{
	return insn->code == (EBPF_CLS_STX | EBPF_MODE_MEM | EBPF_SIZE_DW) &&
	       insn->dst_reg == EBPF_REG_FP && insn->off == off && insn->src_reg == x;
}

/* Whether ALU instruction insn only updates rX from itself and another operand (no division,
 * no shift by a register: those take the scratch registers). */
static bool updates(const struct ebpf_inst *insn, uint8_t x)
{
	uint8_t cls = EBPF_CLASS(insn->code), op = EBPF_OP(insn->code);
	bool k = EBPF_SRC(insn->code) == EBPF_SRC_K;

	if ((cls != EBPF_CLS_ALU && cls != EBPF_CLS_ALU64) || insn->dst_reg != x || insn->off)
		return false;
	if (op == EBPF_ALU_NEG)
		return true;
	if (op == EBPF_ALU_LSH || op == EBPF_ALU_RSH || op == EBPF_ALU_ARSH)
		return k;
	/* add, sub, or, and, xor, mul: not of rX itself, whose value is in the slot's register */
	return op != EBPF_ALU_MOV && rm_opcode(op) && (k || insn->src_reg != x);
}

/* Whether ALU instruction insn reads rX into another register (rY op= rX, rY = rX). */
static bool reads_into_other(const struct ebpf_inst *insn, uint8_t x)
{
	uint8_t cls = EBPF_CLASS(insn->code);

	return (cls == EBPF_CLS_ALU || cls == EBPF_CLS_ALU64) &&
	       EBPF_SRC(insn->code) == EBPF_SRC_X && !insn->off && insn->src_reg == x &&
	       insn->dst_reg != x && rm_opcode(EBPF_OP(insn->code));
}

#define UPDATE_MAX 6 /* operations between a slot's load and its store that one fusion takes */

/* "op qword [rbp + off], src" for the one 64-bit update of a slot left in memory: 0 if x86 has
 * no such form (or the immediate must be blinded). */
static bool emit_memory_update(struct jit_state *s, const struct ebpf_inst *alu, int16_t off)
{
	static const uint8_t rr[16] = {
		[EBPF_ALU_ADD >> 4] = 0x01, [EBPF_ALU_SUB >> 4] = 0x29, [EBPF_ALU_OR >> 4] = 0x09,
		[EBPF_ALU_AND >> 4] = 0x21, [EBPF_ALU_XOR >> 4] = 0x31,
	};
	static const uint8_t ext[16] = {
		[EBPF_ALU_ADD >> 4] = 0, [EBPF_ALU_SUB >> 4] = 5,  [EBPF_ALU_OR >> 4] = 1,
		[EBPF_ALU_AND >> 4] = 4, [EBPF_ALU_XOR >> 4] = 6,  [EBPF_ALU_LSH >> 4] = 4,
		[EBPF_ALU_RSH >> 4] = 5, [EBPF_ALU_ARSH >> 4] = 7, [EBPF_ALU_NEG >> 4] = 3,
	};
	const struct operand m = { .mem = true, .reg = RBP, .disp = off };
	uint8_t op = EBPF_OP(alu->code);
	bool k = EBPF_SRC(alu->code) == EBPF_SRC_K;

	if (EBPF_CLASS(alu->code) != EBPF_CLS_ALU64 || op == EBPF_ALU_MUL || (k && blinding(s)))
		return false;
	if (op == EBPF_ALU_NEG) {
		emit_rm(s, true, 0xf7, 0, ext[op >> 4], &m);
	} else if (op == EBPF_ALU_LSH || op == EBPF_ALU_RSH || op == EBPF_ALU_ARSH) {
		if (!(alu->imm & 63))
			return false;
		emit_rm(s, true, 0xc1, 0, ext[op >> 4], &m);
		emit1(s, (uint8_t)(alu->imm & 63));
	} else if (k) {
		emit_rm(s, true, is_imm8(alu->imm) ? 0x83 : 0x81, 0, ext[op >> 4], &m);
		if (is_imm8(alu->imm))
			emit1(s, (uint8_t)alu->imm);
		else
			emit4(s, (uint32_t)alu->imm);
	} else {
		emit_rm(s, true, rr[op >> 4], 0, reg_map[alu->src_reg], &m);
	}
	return true;
}

/*
 * A slot read, changed and written back: "rX = *(u64 *)(r10 + off); rX op= ...; *(u64 *)(r10 +
 * off) = rX", clang's update of a spilled variable. When the slot is kept in a register R the
 * operations work on R (other registers may read rX from it in between), and rX gets R's value
 * only if it is read afterwards; a slot in memory takes one 64-bit operation in place when rX is
 * not read afterwards ("add qword [rbp + off], 1"). With no operation at all the store is the
 * value just loaded: it has no code. Returns the instructions emitted that way (0: none).
 */
static size_t emit_slot_update(struct jit_state *s, size_t i)
{
	const struct ebpf_inst *insns = s->program->insns, *load = &insns[i];
	int16_t off = whole_slot(load);
	uint8_t x = load->dst_reg;
	size_t n = 0, count = s->program->count;
	bool live;
	int cached;

	if (EBPF_CLASS(load->code) != EBPF_CLS_LDX || !off)
		return 0;
	while (i + 1 + n < count && n <= UPDATE_MAX && !is_slot_store(&insns[i + 1 + n], off, x)) {
		if (!updates(&insns[i + 1 + n], x) && !reads_into_other(&insns[i + 1 + n], x))
			return 0;
		n++;
	}
	if (n > UPDATE_MAX || !fusable(s, i, n + 2))
		return 0;
	cached = cached_reg(s, load);
	live = !dead_after(s, i + n + 1, x);
	if (cached >= 0) {
		for (size_t k = 1; k <= n; k++) {
			const struct ebpf_inst *alu = &insns[i + k];

			if (alu->dst_reg == x)
				emit_alu_regs(s, alu, (uint8_t)cached, reg_map[alu->src_reg]);
			else
				emit_alu_regs(s, alu, reg_map[alu->dst_reg], (uint8_t)cached);
		}
		if (live)
			emit_mov_rr(s, true, reg_map[x], (uint8_t)cached);
		return n + 2;
	}
	if (n == 0) {
		if (live)
			emit_load(s, load->code, reg_map[x], RBP, NO_INDEX, off);
		return 2;
	}
	if (n != 1 || live || insns[i + 1].dst_reg != x ||
	    !emit_memory_update(s, &insns[i + 1], off))
		return 0;
	return 3;
}

/*
 * "rX = *(u64 *)(rB + off); *(u64 *)(rC + off2) = rX" with rX read nowhere after, where a slot
 * kept in a register is on at least one side: one mov between that register and the other side.
 * Returns the instructions emitted that way (0: none).
 */
static size_t emit_load_store(struct jit_state *s, size_t i)
{
	const struct ebpf_inst *load = &s->program->insns[i], *store = load + 1;
	uint8_t x = load->dst_reg;
	struct operand from;
	int to;

	if (!fusable(s, i, 2) || EBPF_SIZE(load->code) != EBPF_SIZE_DW ||
	    store->code != (EBPF_CLS_STX | EBPF_MODE_MEM | EBPF_SIZE_DW) || store->src_reg != x ||
	    store->dst_reg == x || !load_operand(s, load, true, &from))
		return 0;
	to = cached_reg(s, store);
	if ((from.mem && to < 0) || !dead_after(s, i + 1, x))
		return 0;
	if (to >= 0) {
		emit_rm(s, true, 0x8b, 0, (uint8_t)to, &from);
	} else {
		const struct operand m = { .mem = true,
					   .reg = reg_map[store->dst_reg],
					   .disp = store->off };

		emit_rm(s, true, 0x89, 0, from.reg, &m);
	}
	return 2;
}

/* A load from the stack whose register is read nowhere after has no code (it cannot fault). */
static size_t emit_dead_load(struct jit_state *s, size_t i)
{
	const struct ebpf_inst *load = &s->program->insns[i];

	if (s->is_function[i] || EBPF_CLASS(load->code) != EBPF_CLS_LDX ||
	    EBPF_MODE(load->code) != EBPF_MODE_MEM || load->src_reg != EBPF_REG_FP ||
	    !dead_after(s, i, load->dst_reg))
		return 0;
	return 1;
}

/* Whether insn is "rD op= imm" of class cls (and so the shift count imm, when op shifts). */
static bool is_alu_k(const struct ebpf_inst *insn, uint8_t cls, uint8_t op, uint8_t dst)
{
	return insn->code == (cls | op | EBPF_SRC_K) && insn->dst_reg == dst && !insn->off;
}

/*
 * A rotation as C writes it without a rotate operator, "(x << n) | (x >> (width - n))", in
 * clang's order: "rT = rX; rT >>= width - n; rX <<= n; rX |= rT" (the shifts may be either way
 * round, and add or xor combine the disjoint halves as or does), rT read nowhere after: one
 * "rol rX, n". 32-bit when all four are (rol r32 zero-extends as they do). Returns the
 * instructions emitted that way (0: none).
 */
static size_t emit_rotate(struct jit_state *s, size_t i)
{
	const struct ebpf_inst *insns = &s->program->insns[i];
	uint8_t cls = EBPF_CLASS(insns[0].code), op;
	uint8_t x = insns[0].src_reg, t = insns[0].dst_reg, width = cls == EBPF_CLS_ALU64 ? 64 : 32;
	bool t_left;

	if (!fusable(s, i, 4) || (cls != EBPF_CLS_ALU64 && cls != EBPF_CLS_ALU) ||
	    insns[0].code != (cls | EBPF_ALU_MOV | EBPF_SRC_X) || insns[0].off || x == t)
		return 0;
	t_left = is_alu_k(&insns[1], cls, EBPF_ALU_LSH, t);
	if (!t_left && !is_alu_k(&insns[1], cls, EBPF_ALU_RSH, t))
		return 0;
	if (!is_alu_k(&insns[2], cls, t_left ? EBPF_ALU_RSH : EBPF_ALU_LSH, x) ||
	    insns[1].imm <= 0 || insns[2].imm <= 0 || insns[1].imm + insns[2].imm != width)
		return 0;
	op = EBPF_OP(insns[3].code);
	if (insns[3].code != (cls | op | EBPF_SRC_X) || insns[3].off || insns[3].dst_reg != x ||
	    insns[3].src_reg != t ||
	    (op != EBPF_ALU_OR && op != EBPF_ALU_XOR && op != EBPF_ALU_ADD) ||
	    !dead_after(s, i + 3, t))
		return 0;
	emit_rex(s, width == 64, 0, 0, reg_map[x], false);
	emit1(s, 0xc1);
	emit_modrm_reg(s, 0, reg_map[x]); /* rol */
	emit1(s, (uint8_t)(t_left ? insns[1].imm : insns[2].imm));
	return 4;
}

/*
 * The instruction groups compiled as one, each tried in turn at every instruction: each returns
 * the instructions it emitted (0: none), never fusing across a jump target.
 */
static size_t (*const fusions[])(struct jit_state *s, size_t i) = {
	emit_zero_extend,   emit_inverted_jump, emit_indexed,	  emit_mov_add,
	emit_const_compare, emit_dead_load,	emit_slot_update, emit_load_op,
	emit_load_compare,  emit_load_store,	emit_rotate,
};

/* Where instruction i's code starts in this pass (in the function or copy being emitted). */
static void mark_start(struct jit_state *s, size_t i)
{
	s->start[i - s->base] = (uint32_t)s->len;
}

#define LOOP_PAD_MAX 10 /* as gcc -O2 pads loop heads (.p2align 4,,10) */

/*
 * NOPs that put a loop head on a 16-byte boundary, when that takes at most LOOP_PAD_MAX bytes:
 * the loop's first instructions then come in one fetch block. They run once, on the way into
 * the loop; the jump back lands past them. The image is page-aligned, so offsets are addresses.
 */
static void emit_loop_alignment(struct jit_state *s)
{
	/* The recommended multi-byte NOPs: nop, 66 nop, nop dword [rax + disp8/32 (+ index)]. */
	static const uint8_t nops[8][8] = {
		{ 0x90 },
		{ 0x66, 0x90 },
		{ 0x0f, 0x1f, 0x00 },
		{ 0x0f, 0x1f, 0x40, 0x00 },
		{ 0x0f, 0x1f, 0x44, 0x00, 0x00 },
		{ 0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00 },
		{ 0x0f, 0x1f, 0x80, 0x00, 0x00, 0x00, 0x00 },
		{ 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00 },
	};
	size_t pad = (16 - (s->len & 15)) & 15;

	if (pad > LOOP_PAD_MAX)
		return;
	while (pad) {
		size_t n = pad > 8 ? 8 : pad;

		for (size_t k = 0; k < n; k++)
			emit1(s, nops[n - 1][k]);
		pad -= n;
	}
}

/*
 * Byte loops 8 bytes at a time. clang writes a loop that maps bytes from one buffer to another
 * ("dst[i] = src[i] op key", op xor, or, and or none) as
 *
 *   H: rT = rA; [rT += a;] rT += rI; rT = *(u8 *)(rT + o1); [rT op= rK or imm;]
 *      rU = rB; [rU += b;] rU += rI; *(u8 *)(rU + o2) = rT; rI += 1; if rI != N goto H
 *
 * where rA, rB and rK are not written in the loop and nothing jumps into it but to H. Before H,
 * on the way in from the instruction above (the jump back and other jumps land past it), code of
 * its own runs the iterations 8 at a time while more than 8 are left: a qword load, the op with
 * the key's low byte in every byte, a qword store, rI += 8. Those are the iterations the loop
 * would run (none of them can leave it: N - rI > 8) on the bytes it would touch, so the verifier's
 * proof of each access covers them. The loop itself then runs the last 1 to 8 iterations, which
 * give rT and rU their final values. A qword's stores come after its loads, which changes what
 * is read only when the destination starts 1 to 7 bytes past the source: then the code runs
 * byte by byte.
 */
struct byte_loop {
	uint8_t t, u, idx, src, dst, key; /* eBPF registers; key EBPF_NUM_REGS: an immediate */
	int32_t src_disp, dst_disp;	  /* added to src + idx and dst + idx */
	uint8_t op;			  /* EBPF_ALU_XOR, _OR, _AND; EBPF_ALU_MOV: no op */
	int32_t imm, count;		  /* the op's immediate; N */
};

#define BYTE_LOOP_MAX 12 /* its instructions at most */

/* "r = base; [r += imm;] r += idx" at insns[*k]: base and the constant, *k moved past it. */
static bool match_index_sum(const struct ebpf_inst *insns, size_t *k, uint8_t r, uint8_t idx,
			    uint8_t *base, int64_t *disp)
{
	const struct ebpf_inst *mov = &insns[*k];

	if (mov->code != MOV64_X || mov->dst_reg != r || mov->off || mov->src_reg == r)
		return false;
	*base = mov->src_reg;
	*disp = 0;
	if (insns[*k + 1].code == ADD64_K && insns[*k + 1].dst_reg == r) {
		*disp = insns[*k + 1].imm;
		(*k)++;
	}
	if (insns[*k + 1].code != ADD64_X || insns[*k + 1].dst_reg != r ||
	    insns[*k + 1].src_reg != idx)
		return false;
	*k += 2;
	return true;
}

/* The op of a byte loop at insns[*k], if any: one that maps each byte on its own. */
static bool match_byte_op(const struct ebpf_inst *insns, size_t *k, struct byte_loop *l)
{
	const struct ebpf_inst *insn = &insns[*k];
	uint8_t cls = EBPF_CLASS(insn->code), op = EBPF_OP(insn->code);

	l->op = EBPF_ALU_MOV;
	l->key = EBPF_NUM_REGS;
	if ((cls != EBPF_CLS_ALU64 && cls != EBPF_CLS_ALU) || insn->dst_reg != l->t || insn->off)
		return true;
	if (op != EBPF_ALU_XOR && op != EBPF_ALU_OR && op != EBPF_ALU_AND)
		return true;
	if (insn->code & EBPF_SRC_X)
		l->key = insn->src_reg;
	l->op = op;
	l->imm = insn->imm;
	(*k)++;
	return true;
}

static bool is_loop_reg(const struct byte_loop *l, uint8_t r)
{
	return r == l->t || r == l->u || r == l->idx;
}

/* Whether instructions i.. are a byte loop (see above); fills l. */
static bool match_byte_loop(const struct jit_state *s, size_t i, struct byte_loop *l)
{
	const struct ebpf_inst *insns = &s->program->insns[i];
	const struct ebpf_inst *load, *store, *inc, *jump;
	size_t k = 0, n;
	int64_t a, b, src_disp, dst_disp;

	if (blinding(s) || s->frame->cached || s->scope->cached ||
	    i + BYTE_LOOP_MAX > s->program->count)
		return false;
	l->t = insns[0].dst_reg;
	l->idx = insns[insns[1].code == ADD64_K ? 2 : 1].src_reg;
	if (!match_index_sum(insns, &k, l->t, l->idx, &l->src, &a))
		return false;
	load = &insns[k++];
	if (load->code != (EBPF_CLS_LDX | EBPF_MODE_MEM | EBPF_SIZE_B) || load->dst_reg != l->t ||
	    load->src_reg != l->t)
		return false;
	match_byte_op(insns, &k, l);
	l->u = insns[k].dst_reg;
	if (!match_index_sum(insns, &k, l->u, l->idx, &l->dst, &b))
		return false;
	store = &insns[k++];
	inc = &insns[k++];
	jump = &insns[k++];
	n = k;
	if (store->code != (EBPF_CLS_STX | EBPF_MODE_MEM | EBPF_SIZE_B) || store->dst_reg != l->u ||
	    store->src_reg != l->t)
		return false;
	if (inc->code != ADD64_K || inc->dst_reg != l->idx || inc->imm != 1)
		return false;
	if (jump->code != (EBPF_CLS_JMP | EBPF_JMP_JNE | EBPF_SRC_K) || jump->dst_reg != l->idx ||
	    (int64_t)jump->off != -(int64_t)n)
		return false;
	if (l->t == l->u || l->t == l->idx || l->u == l->idx || is_loop_reg(l, l->src) ||
	    is_loop_reg(l, l->dst) || (l->key != EBPF_NUM_REGS && is_loop_reg(l, l->key)))
		return false;
	if (!fusable(s, i, n))
		return false;
	src_disp = a + load->off;
	dst_disp = b + store->off;
	if (!is_imm32(src_disp) || !is_imm32(dst_disp) || !is_imm32(dst_disp - src_disp - 1))
		return false;
	l->src_disp = (int32_t)src_disp;
	l->dst_disp = (int32_t)dst_disp;
	l->count = jump->imm;
	return true;
}

/* movzx dst32, src8 (a REX prefix always, so that sil and dil are the registers' low bytes) */
static void emit_movzx_low_byte(struct jit_state *s, uint8_t dst, uint8_t src)
{
	emit1(s, 0x40 | ((dst >> 3) << 2) | (src >> 3));
	emit1(s, 0x0f);
	emit1(s, 0xb6);
	emit_modrm_reg(s, dst, src);
}

/* TMP_IMM = the key's low byte in all 8 bytes. */
static void emit_byte_key(struct jit_state *s, const struct byte_loop *l)
{
	if (l->key == EBPF_NUM_REGS) {
		emit_mov_imm64(s, TMP_IMM, (uint8_t)l->imm * 0x0101010101010101ull);
		return;
	}
	emit_movzx_low_byte(s, TMP_IMM, reg_map[l->key]);
	emit_mov_imm64(s, TMP_A, 0x0101010101010101ull);
	/* imul r9, r10 */
	emit_rex(s, true, TMP_IMM, 0, TMP_A, false);
	emit1(s, 0x0f);
	emit1(s, 0xaf);
	emit_modrm_reg(s, TMP_IMM, TMP_A);
}

/*
 * The 8-byte part of the byte loop at i (see struct byte_loop), emitted before i's own code.
 * Returns how many of its jumps to i's code there are, their displacement bytes in at[] (0 when
 * i is no such loop or nothing may come before its code).
 */
static size_t emit_wide_byte_loop(struct jit_state *s, size_t i, size_t at[2])
{
	static const uint8_t rm_op[] = { [EBPF_ALU_XOR >> 4] = 0x31,
					 [EBPF_ALU_OR >> 4] = 0x09,
					 [EBPF_ALU_AND >> 4] = 0x21 };
	struct byte_loop l;
	uint8_t idx, src, dst;
	size_t top;

	/* A jump that ends here counts its displacement from where i starts. */
	if (!s->is_loop_head[i] || s->branch_end == s->len || !match_byte_loop(s, i, &l))
		return 0;
	idx = reg_map[l.idx];
	src = reg_map[l.src];
	dst = reg_map[l.dst];
	/* TMP_B = N - idx, the iterations left: at least 9 to go on. */
	emit_mov_imm32(s, true, TMP_B, l.count);
	emit_alu_rr(s, 0x29, true, TMP_B, idx);
	emit_alu_ri(s, 7, true, TMP_B, 8);
	at[0] = emit_local_jcc(s, CC_BE);
	/* TMP_A = (dst + dst_disp) - (src + src_disp) - 1: from 0 to 6, the loads overtake. */
	emit_lea(s, TMP_A, dst, NO_INDEX, l.dst_disp - l.src_disp - 1);
	emit_alu_rr(s, 0x29, true, TMP_A, src);
	emit_alu_ri(s, 7, true, TMP_A, 6);
	at[1] = emit_local_jcc(s, CC_BE);
	if (l.op != EBPF_ALU_MOV)
		emit_byte_key(s, &l);
	top = s->len;
	emit_load(s, EBPF_CLS_LDX | EBPF_MODE_MEM | EBPF_SIZE_DW, TMP_A, src, idx, l.src_disp);
	if (l.op != EBPF_ALU_MOV)
		emit_alu_rr(s, rm_op[l.op >> 4], true, TMP_A, TMP_IMM);
	emit_rex(s, true, TMP_A, index_rex(idx), dst, false);
	emit1(s, 0x89);
	emit_modrm_index(s, TMP_A, dst, idx, l.dst_disp);
	emit_alu_ri(s, 0, true, idx, 8);
	emit_alu_ri(s, 5, true, TMP_B, 8);
	emit_alu_ri(s, 7, true, TMP_B, 8);
	emit1(s, 0x70 + CC_A);
	emit1(s, (uint8_t)(top - (s->len + 1)));
	return 2;
}

/* The code of instructions [from, to): a whole function, or an inlined copy of one. */
static int emit_range(struct jit_state *s, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++) {
		size_t fused;

		size_t at[2], wide = emit_wide_byte_loop(s, i, at);

		/* No padding right after a jump: its displacement counts from where i starts. */
		if (s->align_loops && s->is_loop_head[i] && s->branch_end != s->len)
			emit_loop_alignment(s);
		while (wide)
			patch_local_jump(s, at[--wide]);
		mark_start(s, i);
		fused = 0;
		for (size_t k = 0; !fused && k < sizeof(fusions) / sizeof(fusions[0]); k++)
			fused = fusions[k](s, i);
		if (fused) {
			/* The fused instructions' code is the one mov: they start where it ends. */
			while (--fused)
				mark_start(s, ++i);
			continue;
		}
		int err = emit_insn(s, i);

		if (err)
			return err;
		/* The second slot of an lddw emits nothing of its own. */
		if (isa_is_lddw(&s->program->insns[i]))
			mark_start(s, ++i);
	}
	return 0;
}

/*
 * A local call to a function marked inlined (see inline_size) compiles that function's body in
 * its place, on the caller's registers as the call would run (r1-r5 as the callee leaves them,
 * r0 its result). Its exits jump to the copy's end. r6-r9, which a call would give back, are
 * pushed around the copy when the callee writes them and the caller reads them after. The copy
 * has its own offset entries, so that its jumps are sized by the passes like the function's.
 */
static int emit_inline_copy(struct jit_state *s, size_t i, const struct jit_frame *callee)
{
	uint32_t *start = s->start, *prev = s->prev;
	const struct jit_frame *scope = s->scope;
	size_t base = s->base, len = callee->end - callee->start + 1;
	uint8_t keep = 0;
	int err;

	for (uint8_t n = 0; n <= LAST_CALLEE_SAVED - FIRST_CALLEE_SAVED; n++) {
		int budget = LIVE_BUDGET;

		if ((callee->saved & (1u << n)) &&
		    live_after(s->program, scope, i, FIRST_CALLEE_SAVED + n, &budget))
			keep |= 1u << n;
	}
	if (s->copy_next + len > s->copy_slots)
		return exec_error(s->err, s->err_size, -EFAULT,
				  "insn %zu: JIT: inlined copies exceed their offset table", i);
	for (int n = FIRST_CALLEE_SAVED; n <= LAST_CALLEE_SAVED; n++)
		if (keep & (1u << (n - FIRST_CALLEE_SAVED)))
			emit_push(s, reg_map[n]);
	s->start = s->copy_start + s->copy_next;
	s->prev = s->copy_prev + s->copy_next;
	s->copy_next += len;
	s->base = callee->start;
	s->scope = callee;
	err = emit_range(s, callee->start, callee->end);
	mark_start(s, callee->end);
	s->start = start;
	s->prev = prev;
	s->base = base;
	s->scope = scope;
	for (int n = LAST_CALLEE_SAVED; n >= FIRST_CALLEE_SAVED; n--)
		if (keep & (1u << (n - FIRST_CALLEE_SAVED)))
			emit_pop(s, reg_map[n]);
	return err;
}

static int jit_pass(struct jit_state *s)
{
	size_t count = s->program->count;

	s->len = 0;
	s->copy_next = 0;
	s->branch_end = SIZE_MAX;
	for (size_t n = 0; n < s->frame_count; n++) {
		int err;

		s->frame = s->scope = &s->frames[n];
		err = emit_range(s, s->frame->start, s->frame->end);
		if (err)
			return err;
	}
	mark_start(s, count);
	return 0;
}

/* Marks function starts (the entry and every local-call target). Functions are contiguous: each
 * runs up to the next one's start. */
static void find_functions(struct jit_state *s)
{
	const struct ebpf_inst *insns = s->program->insns;
	size_t count = s->program->count;

	s->is_function[0] = true;
	for (size_t i = 0; i < count; i++) {
		bool local = insns[i].code == EBPF_OP_CALL && insns[i].src_reg == EBPF_CALL_LOCAL;
		bool pointer =
		    insns[i].code == EBPF_OP_LDDW && insns[i].src_reg == EBPF_PSEUDO_FUNC;

		if (local || pointer)
			s->is_function[i + 1 + insns[i].imm] = true;
		if (isa_is_lddw(&insns[i]))
			i++;
	}
}

/* Marks r6-r9 in a frame's set of saved registers. */
static void note_saved(struct jit_frame *frame, uint8_t reg)
{
	if (reg >= FIRST_CALLEE_SAVED && reg <= LAST_CALLEE_SAVED)
		frame->saved |= 1u << (reg - FIRST_CALLEE_SAVED);
}

/* Where instruction insn addresses the stack through r10 at a constant offset: the bytes below
 * r10 it needs. Any other use of r10 (copied, passed to a helper) may reach the whole frame. */
static uint32_t stack_reach(const struct ebpf_inst *insn)
{
	uint8_t cls = EBPF_CLASS(insn->code);
	bool load =
	    is_mem_load(insn) && insn->src_reg == EBPF_REG_FP && insn->dst_reg != EBPF_REG_FP;
	bool store = !is_mem_load(insn) && (cls == EBPF_CLS_ST || cls == EBPF_CLS_STX) &&
		     insn->dst_reg == EBPF_REG_FP && insn->src_reg != EBPF_REG_FP;

	if (!load && !store) {
		bool mentions = insn->dst_reg == EBPF_REG_FP || insn->src_reg == EBPF_REG_FP;

		return mentions && !isa_is_lddw(insn) ? EBPF_STACK_SIZE : 0;
	}
	if (insn->off >= 0 || insn->off < -EBPF_STACK_SIZE)
		return EBPF_STACK_SIZE; /* never verified; the frame stays whole */
	return (uint32_t)-insn->off;
}

/* Whether instruction insn (in the function being laid out) makes a tail call. */
static bool is_tail_call(const struct exec_program *program, const struct ebpf_inst *insn)
{
	ebpf_helper_fn fn;

	return insn->code == EBPF_OP_CALL && insn->src_reg == 0 &&
	       interp_resolve_helper(&program->helpers, (uint32_t)insn->imm, &fn) ==
		   INTERP_CALL_TAIL;
}

static bool is_call(const struct ebpf_inst *insn)
{
	uint8_t cls = EBPF_CLASS(insn->code);

	return (cls == EBPF_CLS_JMP || cls == EBPF_CLS_JMP32) &&
	       EBPF_OP(insn->code) == EBPF_JMP_CALL;
}

static bool is_local_call(const struct ebpf_inst *insn)
{
	return insn->code == EBPF_OP_CALL && insn->src_reg == EBPF_CALL_LOCAL;
}

/* What the function whose instructions are [start, end) saves, addresses and calls. */
static void scan_function(const struct exec_program *program, size_t start, size_t end,
			  struct jit_frame *frame)
{
	frame->start = (uint32_t)start;
	frame->end = (uint32_t)end;
	frame->full = start == 0;
	for (size_t i = start; i < end; i++) {
		const struct ebpf_inst *insn = &program->insns[i];
		uint32_t reach = stack_reach(insn);

		if (isa_is_lddw(insn)) {
			i++; /* its second slot holds only immediate bits */
			note_saved(frame, insn->dst_reg);
			continue;
		}
		if (isa_is_may_goto(insn))
			frame->may_goto = true;
		/* Written or not, a mention of r6-r9 saves it: cheap and obviously safe. */
		note_saved(frame, insn->dst_reg);
		if (!is_call(insn))
			note_saved(frame, insn->src_reg);
		if (reach > frame->depth)
			frame->depth = reach;
		if (!is_call(insn))
			continue;
		frame->calls = true;
		if (!is_local_call(insn))
			frame->align = true; /* a helper: the C ABI's 16-byte rsp */
		if (is_tail_call(program, insn))
			frame->full = true;
	}
}

/* The function that starts at instruction start (frames are sorted by start). */
static struct jit_frame *frame_at(const struct jit_state *s, size_t start)
{
	size_t lo = 0, hi = s->frame_count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->frames[mid].start < start)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < s->frame_count && s->frames[lo].start == start ? &s->frames[lo] : NULL;
}

/*
 * Whether a function's calls need rsp 16-byte aligned: it calls a helper (C code), or a
 * function that counts on being entered that way. The call graph of a verified program has no
 * cycle; a function still in progress counts as needing it, which ends any cycle.
 */
static bool needs_alignment(struct jit_state *s, struct jit_frame *frame)
{
	if (frame->align_known)
		return frame->align;
	frame->align_known = true;
	if (frame->full)
		frame->align = true;
	if (frame->align)
		return true;
	frame->align = true; /* in progress */
	for (size_t i = frame->start; i < frame->end; i++) {
		const struct ebpf_inst *insn = &s->program->insns[i];
		struct jit_frame *callee;

		if (!is_local_call(insn))
			continue;
		callee = frame_at(s, i + 1 + insn->imm);
		if (!callee || needs_alignment(s, callee))
			return true;
	}
	frame->align = false;
	return false;
}

/*
 * The layout of a frame: the full one, or only what the function needs. rbp is pushed and
 * set when the function addresses its stack, or when it calls and the program makes tail
 * calls (whose frame count walks the rbp chain).
 */
static void size_frame(struct jit_state *s, struct jit_frame *frame)
{
	uint32_t pushes;

	if (frame->full) {
		frame->frame_pointer = true;
		frame->stack_size = FRAME_SIZE;
		frame->budget_disp = FULL_BUDGET_DISP;
		return;
	}
	frame->frame_pointer = frame->depth || frame->may_goto || (frame->calls && s->tail_calls);
	frame->stack_size = (frame->depth + 7) & ~7u;
	if (frame->may_goto) {
		frame->stack_size += 8;
		frame->budget_disp = -(int32_t)frame->stack_size;
	}
	if (!frame->calls || !needs_alignment(s, frame))
		return;
	/* rsp is 8 past a 16-byte boundary at entry: keep it on one at this function's calls. */
	pushes =
	    frame->frame_pointer + frame->saves_r12 + (uint32_t)__builtin_popcount(frame->saved);
	if ((8 + 8 * pushes + frame->stack_size) % 16)
		frame->stack_size += 8;
}

#define INLINE_MAX_INSNS 64 /* instructions of an inlined function, its own inlined included */
#define INLINE_NEVER	 UINT32_MAX

/* Whether the function's code is fit to run in a caller's place (inline_size), its local calls
 * aside: no other call, no stack (r10 not even mentioned), every jump inside it. */
static bool inline_candidate(const struct exec_program *program, const struct jit_frame *frame)
{
	const struct ebpf_inst *insns = program->insns;

	if (frame->start == 0 || frame->full || frame->depth || frame->may_goto ||
	    frame->end - frame->start > INLINE_MAX_INSNS)
		return false;
	for (size_t k = frame->start; k < frame->end; k++) {
		const struct ebpf_inst *insn = &insns[k];
		uint8_t op = EBPF_OP(insn->code);
		int64_t target;

		if (EBPF_CLASS(insn->code) == EBPF_CLS_LD) {
			if (insn->code != EBPF_OP_LDDW || insn->src_reg != EBPF_PSEUDO_IMM)
				return false;
			k++;
			continue;
		}
		if (!is_jump_class(insn->code) || op == EBPF_JMP_EXIT)
			continue;
		if (op == EBPF_JMP_CALL) {
			if (!is_local_call(insn))
				return false;
			continue;
		}
		target =
		    (int64_t)k + 1 +
		    (op == EBPF_JMP_JA && EBPF_CLASS(insn->code) == EBPF_CLS_JMP32 ? insn->imm
										   : insn->off);
		if (target < (int64_t)frame->start || target >= (int64_t)frame->end)
			return false;
	}
	return true;
}

/*
 * A function that local calls compile in their place: a candidate (see above) whose local calls
 * all go to such functions, at most INLINE_MAX_INSNS instructions with theirs inlined. Returns
 * that size, or INLINE_NEVER; on the way the function's saved registers take in its inlined
 * callees' (its frame, or its own copy's pushes, restores what they write). A function still in
 * progress is never inlined: that ends any cycle of calls. Its code stays a function too:
 * pointers to it and calls that do not inline it find it.
 */
static uint32_t inline_size(struct jit_state *s, struct jit_frame *frame)
{
	const struct ebpf_inst *insns = s->program->insns;
	uint32_t size;

	if (frame->inline_state == 2)
		return frame->inline_size;
	if (frame->inline_state == 1)
		return INLINE_NEVER;
	frame->inline_state = 1;
	size = inline_candidate(s->program, frame) ? frame->end - frame->start : INLINE_NEVER;
	for (size_t k = frame->start; k < frame->end && size != INLINE_NEVER; k++) {
		struct jit_frame *callee;
		uint32_t more;

		if (!is_local_call(&insns[k]))
			continue;
		callee = frame_at(s, k + 1 + insns[k].imm);
		more = callee ? inline_size(s, callee) : INLINE_NEVER;
		if (more == INLINE_NEVER || size + more > INLINE_MAX_INSNS) {
			size = INLINE_NEVER;
			break;
		}
		size += more;
	}
	frame->inline_state = 2;
	frame->inline_size = size;
	frame->inlined = size != INLINE_NEVER;
	return size;
}

/* What a function's code takes in its callees: their saved registers when they are inlined,
 * and the offset entries of their copies (each copy one per instruction and one for its end,
 * plus its own copies'). Callees first: inlined ones form no cycle (inline_size). */
static void take_in_callees(struct jit_state *s, struct jit_frame *frame)
{
	const struct ebpf_inst *insns = s->program->insns;

	if (frame->inline_state == 3)
		return;
	frame->inline_state = 3;
	for (size_t k = frame->start; k < frame->end; k++) {
		struct jit_frame *callee;

		if (!is_local_call(&insns[k]))
			continue;
		callee = frame_at(s, k + 1 + insns[k].imm);
		if (!callee || !callee->inlined)
			continue;
		take_in_callees(s, callee);
		frame->saved |= callee->saved;
		frame->copy_slots += callee->end - callee->start + 1 + callee->copy_slots;
	}
}

/*
 * Whether the function's code leaves the scratch registers r9-r11 alone: no call of any kind
 * (helpers and callees clobber them), no division, shift by a register or atomic operation
 * (which use them), no blinded constant, no lddw but of an immediate.
 */
static bool leaves_scratch(const struct jit_state *s, const struct jit_frame *frame)
{
	const struct ebpf_inst *insns = s->program->insns;

	if (frame->calls || blinding(s))
		return false;
	for (size_t i = frame->start; i < frame->end; i++) {
		const struct ebpf_inst *insn = &insns[i];
		uint8_t cls = EBPF_CLASS(insn->code), op = EBPF_OP(insn->code);
		bool alu = cls == EBPF_CLS_ALU || cls == EBPF_CLS_ALU64;

		if (alu && (op == EBPF_ALU_DIV || op == EBPF_ALU_MOD))
			return false;
		if (alu && EBPF_SRC(insn->code) == EBPF_SRC_X &&
		    (op == EBPF_ALU_LSH || op == EBPF_ALU_RSH || op == EBPF_ALU_ARSH))
			return false;
		if (cls == EBPF_CLS_LD) {
			if (insn->code != EBPF_OP_LDDW || insn->src_reg != EBPF_PSEUDO_IMM)
				return false;
			i++;
			continue;
		}
		if (cls == EBPF_CLS_STX && EBPF_MODE(insn->code) == EBPF_MODE_ATOMIC)
			return false;
	}
	return true;
}

/*
 * Whether the function reaches its stack only through r10 at constant offsets: r10 only as the
 * base of a load or store, never copied, stored, computed with or compared. Then nothing but its
 * own loads and stores can read or write its slots: no callee, helper or pointer sees them.
 */
static bool stack_is_private(const struct jit_state *s, const struct jit_frame *frame)
{
	const struct ebpf_inst *insns = s->program->insns;

	for (size_t i = frame->start; i < frame->end; i++) {
		const struct ebpf_inst *insn = &insns[i];
		uint8_t cls = EBPF_CLASS(insn->code);
		bool mem = cls == EBPF_CLS_LDX || cls == EBPF_CLS_ST || cls == EBPF_CLS_STX;

		if (isa_is_lddw(insn)) {
			i++;
			continue;
		}
		if (mem && (is_mem_load(insn) ? insn->dst_reg : insn->src_reg) == EBPF_REG_FP)
			return false; /* r10 loaded into or stored: it escapes */
		if (!mem && !is_call(insn) &&
		    (insn->dst_reg == EBPF_REG_FP || insn->src_reg == EBPF_REG_FP))
			return false; /* r10 copied, computed with or compared */
	}
	return true;
}

/*
 * The registers a function can hold slots in, best first: the scratch registers when it leaves
 * them alone (nothing to save), then the callee-saved registers its code and what it inlines
 * never mention (r6-r9's, and r12 when the program does not use it for its main frame): calls
 * keep those, and the frame saves them as if the function used them. Returns how many.
 */
static size_t cache_candidates(const struct jit_state *s, const struct jit_frame *frame,
			       uint8_t regs[MAX_CACHED], size_t *scratch)
{
	size_t n = 0;

	if (leaves_scratch(s, frame)) {
		regs[n++] = TMP_IMM;
		regs[n++] = TMP_A;
		regs[n++] = TMP_B;
	}
	*scratch = n;
	for (int r = FIRST_CALLEE_SAVED; r <= LAST_CALLEE_SAVED; r++)
		if (!(frame->saved & (1u << (r - FIRST_CALLEE_SAVED))))
			regs[n++] = reg_map[r];
	if (!s->run_base && !s->save_all)
		regs[n++] = R12;
	return n;
}

/* How much one access at instruction i weighs: more inside loops, where it repeats. */
#define LOOP_WEIGHT 16

/*
 * The loop depth of each instruction of the function (backward jumps within it mark loops), or
 * NULL when out of memory: then every access weighs the same.
 */
static uint32_t *loop_depths(const struct jit_state *s, const struct jit_frame *frame)
{
	const struct ebpf_inst *insns = s->program->insns;
	size_t len = frame->end - frame->start;
	uint32_t *depth = calloc(len + 1, sizeof(*depth));

	if (!depth)
		return NULL;
	for (size_t k = frame->start; k < frame->end; k++) {
		const struct ebpf_inst *insn = &insns[k];
		uint8_t op = EBPF_OP(insn->code);
		int64_t target;

		if (isa_is_lddw(insn)) {
			k++;
			continue;
		}
		if (!is_jump_class(insn->code) || op == EBPF_JMP_CALL || op == EBPF_JMP_EXIT)
			continue;
		target =
		    (int64_t)k + 1 +
		    (op == EBPF_JMP_JA && EBPF_CLASS(insn->code) == EBPF_CLS_JMP32 ? insn->imm
										   : insn->off);
		if (target < (int64_t)frame->start || target > (int64_t)k)
			continue;
		depth[target - frame->start]++;
		depth[k + 1 - frame->start]--; /* wraps, and the sum below wraps back */
	}
	for (size_t k = 1; k <= len; k++)
		depth[k] += depth[k - 1];
	return depth;
}

/* Offset of slot n below r10 (n = 0: r10 - 8). */
#define SLOT_OFF(n) (-8 * ((int32_t)(n) + 1))
#define SLOTS	    (EBPF_STACK_SIZE / 8)

/* Counts the function's whole accesses to each slot (weighted by loops) and marks the slots a
 * narrower or misaligned access touches. */
static void count_slot_uses(const struct jit_state *s, const struct jit_frame *frame,
			    uint32_t uses[SLOTS], bool partial[SLOTS])
{
	const struct ebpf_inst *insns = s->program->insns;
	uint32_t *depth = loop_depths(s, frame);

	for (size_t i = frame->start; i < frame->end; i++) {
		const struct ebpf_inst *insn = &insns[i];
		uint8_t cls = EBPF_CLASS(insn->code);
		uint8_t base = mem_base(insn);
		int32_t lo, hi;

		if (isa_is_lddw(insn)) {
			i++;
			continue;
		}
		if ((cls != EBPF_CLS_LDX && cls != EBPF_CLS_ST && cls != EBPF_CLS_STX) ||
		    base != EBPF_REG_FP)
			continue;
		if (whole_slot(insn)) {
			size_t n = (size_t)(-insn->off / 8 - 1);
			uint32_t weight = depth && depth[i - frame->start] ? LOOP_WEIGHT : 1;

			if (uses[n] < UINT32_MAX - LOOP_WEIGHT)
				uses[n] += weight;
			continue;
		}
		/* Every slot the access touches stays in memory. */
		lo = insn->off;
		hi = insn->off + (int32_t)isa_mem_size(insn->code);
		for (size_t n = 0; n < SLOTS; n++)
			if (SLOT_OFF(n) < hi && SLOT_OFF(n) + 8 > lo)
				partial[n] = true;
	}
	free(depth);
}

/* Weighted uses a slot needs to be worth a scratch register (its load at entry) and a
 * callee-saved one (that load, and the register's save and restore). */
#define SCRATCH_MIN_USES 2
#define SAVED_MIN_USES	 4

/*
 * Hot stack slots kept in registers: in a function whose stack is private (stack_is_private),
 * the 8-byte slots used most (loops weigh more), each only ever loaded and stored whole (a
 * narrower or misaligned access to any of its bytes keeps it in memory), in the registers
 * cache_candidates offers. A callee-saved register taken is saved by the function's frame.
 */
static void choose_cached_slots(const struct jit_state *s, struct jit_frame *frame)
{
	uint32_t uses[SLOTS] = { 0 };
	bool partial[SLOTS] = { false };
	uint8_t regs[MAX_CACHED];
	size_t scratch, count;

	if (!frame->depth || !stack_is_private(s, frame))
		return;
	count = cache_candidates(s, frame, regs, &scratch);
	count_slot_uses(s, frame, uses, partial);
	while (frame->cached < count) {
		uint32_t min = frame->cached < scratch ? SCRATCH_MIN_USES : SAVED_MIN_USES;
		uint8_t reg = regs[frame->cached];
		size_t best = SLOTS;

		for (size_t n = 0; n < SLOTS; n++)
			if (!partial[n] && uses[n] >= min &&
			    (best == SLOTS || uses[n] > uses[best]))
				best = n;
		if (best == SLOTS)
			return;
		if (reg == R12)
			frame->saves_r12 = true;
		for (int r = FIRST_CALLEE_SAVED; r <= LAST_CALLEE_SAVED; r++)
			if (reg_map[r] == reg)
				frame->saved |= 1u << (r - FIRST_CALLEE_SAVED);
		frame->cached_reg[frame->cached] = reg;
		frame->cached_off[frame->cached++] = (int16_t)SLOT_OFF(best);
		uses[best] = 0;
	}
}

/* One frame per function (they are contiguous, in code order). */
static int lay_out_frames(struct jit_state *s)
{
	size_t count = s->program->count, start = 0;

	for (size_t i = 0; i < count; i++)
		s->frame_count += s->is_function[i];
	s->frames = calloc(s->frame_count, sizeof(*s->frames));
	if (!s->frames)
		return exec_error(s->err, s->err_size, -ENOMEM, "JIT: out of memory");
	for (size_t i = 1, n = 0; i <= count; i++) {
		if (i < count && !s->is_function[i])
			continue;
		scan_function(s->program, start, i, &s->frames[n++]);
		start = i;
	}
	for (size_t n = 0; n < s->frame_count; n++)
		inline_size(s, &s->frames[n]);
	for (size_t n = 0; n < s->frame_count; n++) {
		take_in_callees(s, &s->frames[n]);
		s->copy_slots += s->frames[n].copy_slots;
	}
	for (size_t n = 0; n < s->frame_count; n++) {
		choose_cached_slots(s, &s->frames[n]); /* may save more: before the sizing */
		size_frame(s, &s->frames[n]);
	}
	return 0;
}

/* What the program as a whole asks of its main frame: the tail-call count, r12, all five
 * callee-saved registers (see the top of this file). */
static void scan_program(struct jit_state *s)
{
	const struct exec_program *program = s->program;

	for (size_t i = 0; i < program->count; i++) {
		const struct ebpf_inst *insn = &program->insns[i];
		ebpf_helper_fn fn;

		if (!is_call(insn) || insn->src_reg == EBPF_CALL_LOCAL)
			continue;
		if (exec_call_takes_ctx(&program->helpers, i))
			s->run_base = true;
		if (EBPF_SRC(insn->code) == EBPF_SRC_X)
			s->save_all = true; /* callx may reach the unwinding helper */
		if (insn->src_reg != 0)
			continue;
		switch (interp_resolve_helper(&program->helpers, (uint32_t)insn->imm, &fn)) {
		case INTERP_CALL_TAIL:
			s->tail_calls = s->save_all = true;
			break;
		case INTERP_CALL_UNWIND:
			s->save_all = true;
			break;
		default:
			break;
		}
	}
	s->run_base |= s->save_all;
}

/* Marks the instructions a jump or a local call lands on (no fusing across those). */
static void find_jump_targets(struct jit_state *s)
{
	const struct ebpf_inst *insns = s->program->insns;
	size_t count = s->program->count;

	for (size_t i = 0; i < count; i++) {
		uint8_t cls = EBPF_CLASS(insns[i].code), op = EBPF_OP(insns[i].code);
		int64_t off = insns[i].off;

		if (s->is_function[i])
			s->is_target[i] = true;
		if (cls != EBPF_CLS_JMP && cls != EBPF_CLS_JMP32)
			continue;
		if (op == EBPF_JMP_CALL || op == EBPF_JMP_EXIT)
			continue;
		if (op == EBPF_JMP_JA && cls == EBPF_CLS_JMP32)
			off = insns[i].imm;
		if ((int64_t)i + 1 + off >= 0 && (size_t)((int64_t)i + 1 + off) < count) {
			s->is_target[i + 1 + off] = true;
			if (off < 0 && !s->is_function[i + 1 + off])
				s->is_loop_head[i + 1 + off] = true;
		}
	}
}

bool jit_available(void)
{
	return true;
}

static int run_passes(struct jit_state *s)
{
	size_t count = s->program->count;
	size_t last = SIZE_MAX;

	/* Pessimistic start: every instruction far from every other, so the first pass picks
	 * long jumps everywhere and later passes only shrink. */
	for (size_t i = 0; i <= count; i++)
		s->prev[i] = (uint32_t)(i * 128);
	for (size_t i = 0; i < s->copy_slots; i++)
		s->copy_prev[i] = (uint32_t)(i * 128);
	for (int pass = 0; pass < MAX_PASSES; pass++) {
		int err = jit_pass(s);
		bool same;

		if (err)
			return err;
		/* Loop padding depends on where the head lands, so it can grow when code before it
		 * shrinks: done only when no instruction moved. */
		same = s->len == last &&
		       !memcmp(s->prev, s->start, (count + 1) * sizeof(*s->start)) &&
		       !memcmp(s->copy_prev, s->copy_start, s->copy_slots * sizeof(*s->copy_start));
		memcpy(s->prev, s->start, (count + 1) * sizeof(*s->start));
		memcpy(s->copy_prev, s->copy_start, s->copy_slots * sizeof(*s->copy_start));
		if (same)
			return 0;
		last = s->len;
		/* Without padding sizes only shrink: the passes left reach the fixpoint. */
		if (pass == MAX_PASSES / 2)
			s->align_loops = false;
	}
	return exec_error(s->err, s->err_size, -E2BIG,
			  "JIT: code size did not converge in %d passes", MAX_PASSES);
}

int jit_compile(struct exec_program *program, char *err, size_t err_size)
{
	size_t count = program->count;
	struct jit_code *code = calloc(1, sizeof(*code));
	struct jit_state s = {
		.program = program,
		.err = err,
		.err_size = err_size,
	};
	int ret = -ENOMEM;

	s.start = calloc(count + 1, sizeof(*s.start));
	s.prev = calloc(count + 1, sizeof(*s.prev));
	s.is_function = calloc(count, sizeof(*s.is_function));
	s.is_target = calloc(count, sizeof(*s.is_target));
	s.is_loop_head = calloc(count, sizeof(*s.is_loop_head));
	s.align_loops = true;
	if (!code || !s.start || !s.prev || !s.is_function || !s.is_target || !s.is_loop_head) {
		exec_error(err, err_size, ret, "JIT: out of memory");
		goto fail;
	}
	find_functions(&s);
	find_jump_targets(&s);
	scan_program(&s);
	s.code_start = s.start;
	s.code_prev = s.prev;
	ret = lay_out_frames(&s);
	if (!ret) {
		/* one more entry: calloc(0) may return NULL */
		s.copy_start = calloc(s.copy_slots + 1, sizeof(*s.copy_start));
		s.copy_prev = calloc(s.copy_slots + 1, sizeof(*s.copy_prev));
		if (!s.copy_start || !s.copy_prev)
			ret = exec_error(err, err_size, -ENOMEM, "JIT: out of memory");
	}
	if (!ret)
		ret = run_passes(&s);
	if (ret)
		goto fail;

	code->size = s.len;
	code->image = mmap(NULL, s.len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (code->image == MAP_FAILED) {
		code->image = NULL;
		ret = exec_error(err, err_size, -ENOMEM, "JIT: cannot map %zu bytes", s.len);
		goto fail;
	}
	s.image = code->image;
	s.capacity = code->size;
	ret = jit_pass(&s);
	if (!ret && (memcmp(s.start, s.prev, (count + 1) * sizeof(*s.start)) ||
		     memcmp(s.copy_start, s.copy_prev, s.copy_slots * sizeof(*s.copy_start))))
		ret = exec_error(err, err_size, -EFAULT, "JIT: the final pass moved code");
	if (ret)
		goto fail;
	if (mprotect(code->image, code->size, PROT_READ | PROT_EXEC)) {
		ret = exec_error(err, err_size, -errno, "JIT: cannot make code executable");
		goto fail;
	}
	code->body = code->image + s.body;
	code->offsets = s.start;
	s.start = NULL;
	program->engine_data = code;
	program->jit_entry = (jit_entry_fn)(void *)code->image;
	ret = 0;
	goto out;
fail:
	if (code && code->image)
		munmap(code->image, code->size);
	free(code);
out:
	free(s.start);
	free(s.prev);
	free(s.is_function);
	free(s.is_target);
	free(s.is_loop_head);
	free(s.copy_start);
	free(s.copy_prev);
	free(s.frames);
	return ret;
}

void jit_free(struct exec_program *program)
{
	struct jit_code *code = program->engine_data;

	if (!code)
		return;
	munmap(code->image, code->size);
	free(code->offsets);
	free(code);
	program->engine_data = NULL;
	program->jit_entry = NULL;
}

const uint8_t *jit_code(const struct exec_program *program, size_t *size, const uint32_t **offsets)
{
	const struct jit_code *code = program->engine_data;

	*size = code->size;
	if (offsets)
		*offsets = code->offsets;
	return code->image;
}

#else /* !__x86_64__ */

bool jit_available(void)
{
	return false;
}

int jit_compile(struct exec_program *program, char *err, size_t err_size)
{
	return exec_error(err, err_size, -EOPNOTSUPP, "no JIT for this architecture");
}

void jit_free(struct exec_program *program)
{
}

jit_entry_fn jit_entry(const struct exec_program *program)
{
	return NULL;
}

const uint8_t *jit_code(const struct exec_program *program, size_t *size, const uint32_t **offsets)
{
	*size = 0;
	return NULL;
}

#endif
