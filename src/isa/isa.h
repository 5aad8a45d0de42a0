/* SPDX-License-Identifier: MIT */
/*
 * The RFC 9669 instruction set: encoding constants, decoding and validation shared by the
 * assembler, disassembler, verifier and every engine.
 */
#ifndef EXTBPF_ISA_H
#define EXTBPF_ISA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <extbpf/extbpf.h>

/* Instruction classes (low 3 bits of the opcode). */
#define EBPF_CLS_LD    0x00
#define EBPF_CLS_LDX   0x01
#define EBPF_CLS_ST    0x02
#define EBPF_CLS_STX   0x03
#define EBPF_CLS_ALU   0x04
#define EBPF_CLS_JMP   0x05
#define EBPF_CLS_JMP32 0x06
#define EBPF_CLS_ALU64 0x07
#define EBPF_CLASS(code) ((code) & 0x07)

/* Arithmetic and jump instructions: source (bit 3) and operation (high 4 bits). */
#define EBPF_SRC_K 0x00
#define EBPF_SRC_X 0x08
#define EBPF_SRC(code) ((code) & 0x08)
#define EBPF_OP(code)  ((code) & 0xf0)

#define EBPF_ALU_ADD  0x00
#define EBPF_ALU_SUB  0x10
#define EBPF_ALU_MUL  0x20
#define EBPF_ALU_DIV  0x30 /* off 1: sdiv */
#define EBPF_ALU_OR   0x40
#define EBPF_ALU_AND  0x50
#define EBPF_ALU_LSH  0x60
#define EBPF_ALU_RSH  0x70
#define EBPF_ALU_NEG  0x80
#define EBPF_ALU_MOD  0x90 /* off 1: smod */
#define EBPF_ALU_XOR  0xa0
#define EBPF_ALU_MOV  0xb0 /* off 8/16/32: movsx */
#define EBPF_ALU_ARSH 0xc0
#define EBPF_ALU_END  0xd0 /* ALU: le/be by source bit; ALU64 with K: bswap */

#define EBPF_JMP_JA   0x00
#define EBPF_JMP_JEQ  0x10
#define EBPF_JMP_JGT  0x20
#define EBPF_JMP_JGE  0x30
#define EBPF_JMP_JSET 0x40
#define EBPF_JMP_JNE  0x50
#define EBPF_JMP_JSGT 0x60
#define EBPF_JMP_JSGE 0x70
#define EBPF_JMP_CALL 0x80
#define EBPF_JMP_EXIT 0x90
#define EBPF_JMP_JLT  0xa0
#define EBPF_JMP_JLE  0xb0
#define EBPF_JMP_JSLT 0xc0
#define EBPF_JMP_JSLE 0xd0
#define EBPF_JMP_JCOND 0xe0 /* Linux's BPF_JCOND: with src_reg 0, may_goto */

/* Byte swaps: EBPF_ALU_END with EBPF_SRC_K is to-little-endian, EBPF_SRC_X to-big-endian. */
#define EBPF_TO_LE 0x00
#define EBPF_TO_BE 0x08

/* Load and store instructions: mode (high 3 bits) and size (bits 3-4). */
#define EBPF_SIZE(code) ((code) & 0x18)
#define EBPF_MODE(code) ((code) & 0xe0)
#define EBPF_SIZE_W  0x00
#define EBPF_SIZE_H  0x08
#define EBPF_SIZE_B  0x10
#define EBPF_SIZE_DW 0x18

#define EBPF_MODE_IMM	 0x00 /* lddw (with EBPF_CLS_LD and EBPF_SIZE_DW) */
#define EBPF_MODE_ABS	 0x20 /* legacy packet access */
#define EBPF_MODE_IND	 0x40 /* legacy packet access */
#define EBPF_MODE_MEM	 0x60
#define EBPF_MODE_MEMSX	 0x80 /* sign-extending loads */
#define EBPF_MODE_ATOMIC 0xc0

/* Atomic operations (imm of an EBPF_MODE_ATOMIC store). */
#define EBPF_ATOMIC_FETCH   0x01
#define EBPF_ATOMIC_ADD	    0x00
#define EBPF_ATOMIC_OR	    0x40
#define EBPF_ATOMIC_AND	    0x50
#define EBPF_ATOMIC_XOR	    0xa0
#define EBPF_ATOMIC_XCHG    (0xe0 | EBPF_ATOMIC_FETCH)
#define EBPF_ATOMIC_CMPXCHG (0xf0 | EBPF_ATOMIC_FETCH)
/* Linux 6.15's ordered accesses, in all four sizes: load-acquire reads [src+off] into dst
 * (zero-extended, as ldx), store-release writes src to [dst+off] (as stx). */
#define EBPF_ATOMIC_LOAD_ACQ  0x100
#define EBPF_ATOMIC_STORE_REL 0x110

/* lddw source kinds (src_reg of the first slot), as Linux. */
#define EBPF_PSEUDO_IMM		0 /* a 64-bit immediate */
#define EBPF_PSEUDO_MAP_FD	1 /* imm: map fd/index -> the map's address */
#define EBPF_PSEUDO_MAP_VALUE	2 /* imm: map fd/index, next imm: offset -> address of value */
#define EBPF_PSEUDO_BTF_ID	3 /* kernel variable (refused here) */
#define EBPF_PSEUDO_FUNC	4 /* imm: relative offset of a subprogram -> its address */
#define EBPF_PSEUDO_MAP_IDX	5 /* imm: map index in the program's map table -> map address */
#define EBPF_PSEUDO_MAP_IDX_VALUE 6 /* map index + offset -> address of value */

/* call source kinds (src_reg of a call). */
#define EBPF_CALL_HELPER 0 /* imm: helper id */
#define EBPF_CALL_LOCAL	 1 /* imm: relative offset of the callee */
#define EBPF_CALL_KFUNC	 2 /* imm: kernel function BTF id (refused here) */

/* Frequently used opcodes. */
#define EBPF_OP_LDDW (EBPF_CLS_LD | EBPF_MODE_IMM | EBPF_SIZE_DW)
#define EBPF_OP_CALL (EBPF_CLS_JMP | EBPF_JMP_CALL)
#define EBPF_OP_EXIT (EBPF_CLS_JMP | EBPF_JMP_EXIT)
#define EBPF_OP_JA   (EBPF_CLS_JMP | EBPF_JMP_JA)
#define EBPF_OP_JA32 (EBPF_CLS_JMP32 | EBPF_JMP_JA)
/* may_goto +off (Linux 6.9): jumps by off once the function's loop budget is spent, else
 * spends one unit of it and falls through. */
#define EBPF_OP_MAY_GOTO (EBPF_CLS_JMP | EBPF_JMP_JCOND)

#define EBPF_NUM_REGS	   11 /* r0-r10 */
#define EBPF_REG_FP	   10 /* the read-only frame pointer */
#define EBPF_STACK_SIZE	   512 /* bytes per frame */
#define EBPF_MAX_CALL_DEPTH 8  /* frames, the entry function included */
#define EBPF_MAX_TAIL_CALLS 33 /* Linux's MAX_TAIL_CALL_CNT */
/* The may_goto budget of one call of a function (Linux's BPF_MAX_LOOPS): the fall-throughs all
 * may_gotos of the function may take in that call together. A callee's call, a callback's and a
 * tail call's target get budgets of their own, as Linux's per-function counter does. */
#define EBPF_MAY_GOTO_BUDGET (8u * 1024 * 1024)

/* The one helper id whose semantics the conformance suite fixes ("unwind"). */
#define EBPF_CONFORMANCE_UNWIND_HELPER 5

/* Linux's name of helper id ("bpf_spin_lock" for 93), or NULL when Linux has no such id. */
const char *isa_linux_helper_name(uint32_t id);

/*
 * Validates the encoding of the instruction at index (known opcode, reserved fields zero,
 * registers in range, lddw complete). Returns the number of slots it takes (1 or 2) or
 * -EINVAL with a reason in why (may be NULL).
 */
int isa_check_insn(const struct ebpf_inst *insns, size_t count, size_t index, const char **why);

/*
 * Does the instruction write r10: the destination of an ALU operation, a load (load-acquire
 * included) or an lddw, or the register an atomic fetch writes? No engine can run it (r10 is the
 * frame pointer).
 */
bool isa_insn_writes_fp(const struct ebpf_inst *insn);

/*
 * isa_check_insn, except that an instruction writing r10 is checked as the same instruction
 * writing r0: its encoding is valid, and only running it is not. The verifier refuses such an
 * instruction where a path reaches it (as Linux does), and the core turns the ones no path
 * reaches into no-ops before any engine sees them.
 */
int isa_check_insn_fp_writes(const struct ebpf_inst *insns, size_t count, size_t index,
			     const char **why);

/* Turns every instruction writing r10 (both slots of an lddw) into `ja +0`, for a program the
 * verifier accepted: no path reaches them. Returns how many it turned. */
size_t isa_neutralise_fp_writes(struct ebpf_inst *insns, size_t count);

/*
 * Disassembles the instruction at index in the given style into buf. Returns the number of slots
 * it takes (1, or 2 for lddw) or -EINVAL with a description of the problem in buf.
 * The public ebpf_disassemble / ebpf_assemble are thin wrappers (src/core/api_isa.c).
 */
int isa_disasm(const struct ebpf_inst *insns, size_t count, size_t index,
	       enum ebpf_disasm_style style, char *buf, size_t size);

/* Assembles conformance-suite syntax into a malloc'ed array; -EINVAL with "line N: ..." in err. */
int isa_assemble(const char *text, struct ebpf_inst **insns, size_t *count, char *err,
		 size_t err_size);

/* The access size in bytes of a load/store opcode. */
static inline int isa_mem_size(uint8_t code)
{
	switch (EBPF_SIZE(code)) {
	case EBPF_SIZE_B:
		return 1;
	case EBPF_SIZE_H:
		return 2;
	case EBPF_SIZE_W:
		return 4;
	default:
		return 8;
	}
}

static inline bool isa_is_may_goto(const struct ebpf_inst *insn)
{
	return insn->code == EBPF_OP_MAY_GOTO;
}

/* dst = load_acquire((size *)(src + off)): an STX-class instruction that writes its dst. */
static inline bool isa_is_load_acquire(const struct ebpf_inst *insn)
{
	return EBPF_CLASS(insn->code) == EBPF_CLS_STX &&
	       EBPF_MODE(insn->code) == EBPF_MODE_ATOMIC && insn->imm == EBPF_ATOMIC_LOAD_ACQ;
}

/* store_release((size *)(dst + off), src). */
static inline bool isa_is_store_release(const struct ebpf_inst *insn)
{
	return EBPF_CLASS(insn->code) == EBPF_CLS_STX &&
	       EBPF_MODE(insn->code) == EBPF_MODE_ATOMIC && insn->imm == EBPF_ATOMIC_STORE_REL;
}

static inline bool isa_is_lddw(const struct ebpf_inst *insn)
{
	return insn->code == EBPF_OP_LDDW;
}

/* The 64-bit immediate of an lddw pair. */
static inline uint64_t isa_lddw_imm(const struct ebpf_inst *insn)
{
	return (uint64_t)(uint32_t)insn[0].imm | ((uint64_t)(uint32_t)insn[1].imm << 32);
}

#endif /* EXTBPF_ISA_H */
