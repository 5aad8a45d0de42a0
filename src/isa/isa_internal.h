/* SPDX-License-Identifier: MIT */
/*
 * The mnemonic table of the conformance-suite syntax, shared by the assembler (name -> encoding)
 * and the ASM-style disassembler (encoding -> name), so that the two cannot drift apart.
 */
#ifndef EXTBPF_ISA_INTERNAL_H
#define EXTBPF_ISA_INTERNAL_H

#include "isa/isa.h"

/* The operands a mnemonic takes, in the order they are written. */
enum isa_form {
	ISA_FORM_ALU,	    /* add %rD, %rS | imm     (source bit chosen by the operand) */
	ISA_FORM_MOVSX,	    /* movsx864 %rD, %rS      (register source only) */
	ISA_FORM_NEG,	    /* neg %rD */
	ISA_FORM_END,	    /* le16 %rD               (width in imm) */
	ISA_FORM_JA,	    /* ja +off | label */
	ISA_FORM_JA32,	    /* ja32 +imm | label */
	ISA_FORM_JCOND,	    /* jeq %rD, %rS | imm, +off | label */
	ISA_FORM_CALL,	    /* call imm | call %rS | call local target | call helper/kfunc imm */
	ISA_FORM_EXIT,	    /* exit */
	ISA_FORM_LDDW,	    /* lddw %rD, imm64 | kind(imm)[+imm] */
	ISA_FORM_LDABS,	    /* ldabsw imm */
	ISA_FORM_LDIND,	    /* ldindw %rS, imm */
	ISA_FORM_LDX,	    /* ldxw %rD, [%rS+off] */
	ISA_FORM_ST,	    /* stw [%rD+off], imm */
	ISA_FORM_STX,	    /* stxw [%rD+off], %rS */
	ISA_FORM_ATOMIC,    /* lock fetch add [%rD+off], %rS  (operation in imm) */
	ISA_FORM_LOAD_ACQ,  /* ldacqw %rD, [%rS+off]  (an atomic with imm BPF_LOAD_ACQ) */
	ISA_FORM_STORE_REL, /* strelw [%rD+off], %rS  (an atomic with imm BPF_STORE_REL) */
};

struct isa_mnemonic {
	const char *name;
	uint8_t code; /* for ALU and JCOND forms without the source bit */
	int16_t off;  /* fixed offset: 1 for sdiv/smod, 8/16/32 for movsx */
	int32_t imm;  /* fixed immediate: swap width, atomic operation */
	enum isa_form form;
	bool alias; /* accepted by the assembler, never printed */
};

/* The table, ended by a row whose name is NULL. */
extern const struct isa_mnemonic isa_mnemonics[];

/* The row named name (mnemonic words separated by single spaces), or NULL. */
const struct isa_mnemonic *isa_mnemonic_by_name(const char *name);
/* The row that prints a valid (isa_check_insn-approved) instruction, or NULL. */
const struct isa_mnemonic *isa_mnemonic_by_insn(const struct ebpf_inst *insn);

/* The names of the lddw source kinds in ASM syntax ("map_fd"), indexed by src_reg; [0] is NULL. */
extern const char *const isa_lddw_kind_names[EBPF_PSEUDO_MAP_IDX_VALUE + 1];

#endif /* EXTBPF_ISA_INTERNAL_H */
