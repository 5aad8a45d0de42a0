// SPDX-License-Identifier: MIT
/* The mnemonics of the conformance-suite assembly syntax (see isa_internal.h). */
#include <string.h>

#include "isa/isa_internal.h"

#define ROW(n, c, o, i, f)                                                                         \
	{                                                                                          \
		.name = n, .code = c, .off = o, .imm = i, .form = ISA_FORM_##f                     \
	}
#define ALIAS(n, c, o, i, f)                                                                       \
	{                                                                                          \
		.name = n, .code = c, .off = o, .imm = i, .form = ISA_FORM_##f, .alias = true      \
	}

/* An ALU operation in its 64-bit ("add") and 32-bit ("add32") spelling. */
#define ALU2(n, op, o)                                                                             \
	ROW(n, EBPF_CLS_ALU64 | (op), o, 0, ALU), ROW(n "32", EBPF_CLS_ALU | (op), o, 0, ALU)
#define JCOND2(n, op)                                                                              \
	ROW(n, EBPF_CLS_JMP | (op), 0, 0, JCOND), ROW(n "32", EBPF_CLS_JMP32 | (op), 0, 0, JCOND)
#define END3(n, cls, src, f)                                                                       \
	f(n "16", (cls) | EBPF_ALU_END | (src), 0, 16, END),                                       \
	    f(n "32", (cls) | EBPF_ALU_END | (src), 0, 32, END),                                   \
	    f(n "64", (cls) | EBPF_ALU_END | (src), 0, 64, END)
#define SIZES4(n, cls, mode, f)                                                                    \
	ROW(n "b", (cls) | (mode) | EBPF_SIZE_B, 0, 0, f),                                         \
	    ROW(n "h", (cls) | (mode) | EBPF_SIZE_H, 0, 0, f),                                     \
	    ROW(n "w", (cls) | (mode) | EBPF_SIZE_W, 0, 0, f),                                     \
	    ROW(n "dw", (cls) | (mode) | EBPF_SIZE_DW, 0, 0, f)
#define SIZES3(n, cls, mode, f)                                                                    \
	ROW(n "b", (cls) | (mode) | EBPF_SIZE_B, 0, 0, f),                                         \
	    ROW(n "h", (cls) | (mode) | EBPF_SIZE_H, 0, 0, f),                                     \
	    ROW(n "w", (cls) | (mode) | EBPF_SIZE_W, 0, 0, f)
/* The ordered accesses, spelt as binutils' gas spells them (ldacq/strel after ldx/stx). */
#define ACQREL4(n, op, f)                                                                          \
	ROW(n "b", EBPF_CLS_STX | EBPF_MODE_ATOMIC | EBPF_SIZE_B, 0, op, f),                       \
	    ROW(n "h", EBPF_CLS_STX | EBPF_MODE_ATOMIC | EBPF_SIZE_H, 0, op, f),                   \
	    ROW(n "w", EBPF_CLS_STX | EBPF_MODE_ATOMIC | EBPF_SIZE_W, 0, op, f),                   \
	    ROW(n "dw", EBPF_CLS_STX | EBPF_MODE_ATOMIC | EBPF_SIZE_DW, 0, op, f)
#define ATOMIC_CODE64 (EBPF_CLS_STX | EBPF_MODE_ATOMIC | EBPF_SIZE_DW)
#define ATOMIC_CODE32 (EBPF_CLS_STX | EBPF_MODE_ATOMIC | EBPF_SIZE_W)
#define ATOMIC2(n, op)                                                                             \
	ROW("lock " n, ATOMIC_CODE64, 0, op, ATOMIC),                                              \
	    ROW("lock " n "32", ATOMIC_CODE32, 0, op, ATOMIC)

const struct isa_mnemonic isa_mnemonics[] = {
	ALU2("add", EBPF_ALU_ADD, 0),
	ALU2("sub", EBPF_ALU_SUB, 0),
	ALU2("mul", EBPF_ALU_MUL, 0),
	ALU2("div", EBPF_ALU_DIV, 0),
	ALU2("sdiv", EBPF_ALU_DIV, 1),
	ALU2("or", EBPF_ALU_OR, 0),
	ALU2("and", EBPF_ALU_AND, 0),
	ALU2("lsh", EBPF_ALU_LSH, 0),
	ALU2("rsh", EBPF_ALU_RSH, 0),
	ALU2("mod", EBPF_ALU_MOD, 0),
	ALU2("smod", EBPF_ALU_MOD, 1),
	ALU2("xor", EBPF_ALU_XOR, 0),
	ALU2("mov", EBPF_ALU_MOV, 0),
	ALU2("arsh", EBPF_ALU_ARSH, 0),
	ROW("neg", EBPF_CLS_ALU64 | EBPF_ALU_NEG, 0, 0, NEG),
	ROW("neg32", EBPF_CLS_ALU | EBPF_ALU_NEG, 0, 0, NEG),
	ROW("movsx864", EBPF_CLS_ALU64 | EBPF_ALU_MOV | EBPF_SRC_X, 8, 0, MOVSX),
	ROW("movsx1664", EBPF_CLS_ALU64 | EBPF_ALU_MOV | EBPF_SRC_X, 16, 0, MOVSX),
	ROW("movsx3264", EBPF_CLS_ALU64 | EBPF_ALU_MOV | EBPF_SRC_X, 32, 0, MOVSX),
	ROW("movsx832", EBPF_CLS_ALU | EBPF_ALU_MOV | EBPF_SRC_X, 8, 0, MOVSX),
	ROW("movsx1632", EBPF_CLS_ALU | EBPF_ALU_MOV | EBPF_SRC_X, 16, 0, MOVSX),
	END3("le", EBPF_CLS_ALU, EBPF_TO_LE, ROW),
	END3("be", EBPF_CLS_ALU, EBPF_TO_BE, ROW),
	END3("bswap", EBPF_CLS_ALU64, EBPF_SRC_K, ROW),
	/* The suite's older spelling of bswap. */
	END3("swap", EBPF_CLS_ALU64, EBPF_SRC_K, ALIAS),

	ROW("ja", EBPF_OP_JA, 0, 0, JA),
	ROW("ja32", EBPF_OP_JA32, 0, 0, JA32),
	ROW("may_goto", EBPF_OP_MAY_GOTO, 0, 0, JA),
	JCOND2("jeq", EBPF_JMP_JEQ),
	JCOND2("jgt", EBPF_JMP_JGT),
	JCOND2("jge", EBPF_JMP_JGE),
	JCOND2("jset", EBPF_JMP_JSET),
	JCOND2("jne", EBPF_JMP_JNE),
	JCOND2("jsgt", EBPF_JMP_JSGT),
	JCOND2("jsge", EBPF_JMP_JSGE),
	JCOND2("jlt", EBPF_JMP_JLT),
	JCOND2("jle", EBPF_JMP_JLE),
	JCOND2("jslt", EBPF_JMP_JSLT),
	JCOND2("jsle", EBPF_JMP_JSLE),
	ROW("call", EBPF_OP_CALL, 0, 0, CALL),
	ROW("call", EBPF_OP_CALL | EBPF_SRC_X, 0, 0, CALL), /* callx: call %rN */
	ROW("exit", EBPF_OP_EXIT, 0, 0, EXIT),

	ROW("lddw", EBPF_OP_LDDW, 0, 0, LDDW),
	SIZES3("ldabs", EBPF_CLS_LD, EBPF_MODE_ABS, LDABS),
	SIZES3("ldind", EBPF_CLS_LD, EBPF_MODE_IND, LDIND),
	SIZES4("ldx", EBPF_CLS_LDX, EBPF_MODE_MEM, LDX),
	SIZES3("ldxs", EBPF_CLS_LDX, EBPF_MODE_MEMSX, LDX),
	SIZES4("st", EBPF_CLS_ST, EBPF_MODE_MEM, ST),
	SIZES4("stx", EBPF_CLS_STX, EBPF_MODE_MEM, STX),

	ATOMIC2("add", EBPF_ATOMIC_ADD),
	ATOMIC2("or", EBPF_ATOMIC_OR),
	ATOMIC2("and", EBPF_ATOMIC_AND),
	ATOMIC2("xor", EBPF_ATOMIC_XOR),
	ATOMIC2("fetch add", EBPF_ATOMIC_ADD | EBPF_ATOMIC_FETCH),
	ATOMIC2("fetch or", EBPF_ATOMIC_OR | EBPF_ATOMIC_FETCH),
	ATOMIC2("fetch and", EBPF_ATOMIC_AND | EBPF_ATOMIC_FETCH),
	ATOMIC2("fetch xor", EBPF_ATOMIC_XOR | EBPF_ATOMIC_FETCH),
	ATOMIC2("xchg", EBPF_ATOMIC_XCHG),
	ATOMIC2("cmpxchg", EBPF_ATOMIC_CMPXCHG),
	ACQREL4("ldacq", EBPF_ATOMIC_LOAD_ACQ, LOAD_ACQ),
	ACQREL4("strel", EBPF_ATOMIC_STORE_REL, STORE_REL),
	{ .name = NULL },
};

const char *const isa_lddw_kind_names[EBPF_PSEUDO_MAP_IDX_VALUE + 1] = {
	[EBPF_PSEUDO_MAP_FD] = "map_fd",   [EBPF_PSEUDO_MAP_VALUE] = "map_value",
	[EBPF_PSEUDO_BTF_ID] = "btf_id",   [EBPF_PSEUDO_FUNC] = "func",
	[EBPF_PSEUDO_MAP_IDX] = "map_idx", [EBPF_PSEUDO_MAP_IDX_VALUE] = "map_idx_value",
};

const struct isa_mnemonic *isa_mnemonic_by_name(const char *name)
{
	for (const struct isa_mnemonic *m = isa_mnemonics; m->name; m++) {
		if (!strcmp(m->name, name))
			return m;
	}
	return NULL;
}

static bool row_matches(const struct isa_mnemonic *m, const struct ebpf_inst *insn)
{
	switch (m->form) {
	case ISA_FORM_ALU:
		return (insn->code & ~EBPF_SRC_X) == m->code && insn->off == m->off;
	case ISA_FORM_MOVSX:
		return insn->code == m->code && insn->off == m->off;
	case ISA_FORM_JCOND:
		return (insn->code & ~EBPF_SRC_X) == m->code;
	case ISA_FORM_END:
	case ISA_FORM_ATOMIC:
	case ISA_FORM_LOAD_ACQ:
	case ISA_FORM_STORE_REL:
		return insn->code == m->code && insn->imm == m->imm;
	default:
		return insn->code == m->code;
	}
}

const struct isa_mnemonic *isa_mnemonic_by_insn(const struct ebpf_inst *insn)
{
	for (const struct isa_mnemonic *m = isa_mnemonics; m->name; m++) {
		if (!m->alias && row_matches(m, insn))
			return m;
	}
	return NULL;
}
