// SPDX-License-Identifier: MIT
/*
 * The disassembler, in two styles:
 *  - EBPF_DISASM_C: the C-like syntax of the Linux kernel's disassembler (kernel/bpf/disasm.c,
 *    bpftool) as LLVM's BPF assembler also reads it: "r0 = *(u32 *)(r1 + 4)", "w0 += 1",
 *    "if r1 > 0x5 goto +3", "r0 = 0x1122334455667788 ll", "lock *(u64 *)(r1 + 0) += r2".
 *    Where the kernel prints a "(code)" prefix, "pc" before jump offsets or a helper's name,
 *    this prints neither: the line is an instruction, not a verifier log entry.
 *  - EBPF_DISASM_ASM: the conformance suite's syntax, which isa_assemble reads back to the same
 *    bytes. It is driven by the same mnemonic table as the assembler.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>

#include "isa/isa_internal.h"

/* ---- C style ---------------------------------------------------------------------------- */

static const char *const c_alu_ops[16] = {
	[EBPF_ALU_ADD >> 4] = "+=",  [EBPF_ALU_SUB >> 4] = "-=",  [EBPF_ALU_MUL >> 4] = "*=",
	[EBPF_ALU_DIV >> 4] = "/=",  [EBPF_ALU_OR >> 4] = "|=",	  [EBPF_ALU_AND >> 4] = "&=",
	[EBPF_ALU_LSH >> 4] = "<<=", [EBPF_ALU_RSH >> 4] = ">>=", [EBPF_ALU_MOD >> 4] = "%=",
	[EBPF_ALU_XOR >> 4] = "^=",  [EBPF_ALU_MOV >> 4] = "=",	  [EBPF_ALU_ARSH >> 4] = "s>>=",
};

static const char *const c_jmp_ops[16] = {
	[EBPF_JMP_JEQ >> 4] = "==",   [EBPF_JMP_JGT >> 4] = ">",    [EBPF_JMP_JGE >> 4] = ">=",
	[EBPF_JMP_JSET >> 4] = "&",   [EBPF_JMP_JNE >> 4] = "!=",   [EBPF_JMP_JSGT >> 4] = "s>",
	[EBPF_JMP_JSGE >> 4] = "s>=", [EBPF_JMP_JLT >> 4] = "<",    [EBPF_JMP_JLE >> 4] = "<=",
	[EBPF_JMP_JSLT >> 4] = "s<",  [EBPF_JMP_JSLE >> 4] = "s<=",
};

static const char *const c_atomic_ops[16] = {
	[EBPF_ATOMIC_ADD >> 4] = "add",
	[EBPF_ATOMIC_OR >> 4] = "or",
	[EBPF_ATOMIC_AND >> 4] = "and",
	[EBPF_ATOMIC_XOR >> 4] = "xor",
};

static const char *const c_sizes[4] = { "u32", "u16", "u8", "u64" };
static const char *const c_sizes_sx[4] = { "s32", "s16", "s8", "s64" };

static const char *c_size(uint8_t code)
{
	return c_sizes[EBPF_SIZE(code) >> 3];
}

/* "r1 + 4" / "r10 - 8": the address of a memory operand. */
static void c_addr(char *buf, size_t size, uint8_t reg, int16_t off)
{
	if (off < 0)
		snprintf(buf, size, "r%u - %d", reg, -(int)off);
	else
		snprintf(buf, size, "r%u + %d", reg, off);
}

static void c_alu(const struct ebpf_inst *insn, char *buf, size_t size)
{
	char w = EBPF_CLASS(insn->code) == EBPF_CLS_ALU ? 'w' : 'r';
	uint8_t op = EBPF_OP(insn->code);
	const char *opstr = c_alu_ops[op >> 4];
	const char *cast = "";

	if (op == EBPF_ALU_END) {
		if (w == 'r')
			snprintf(buf, size, "r%u = bswap%d r%u", insn->dst_reg, insn->imm,
				 insn->dst_reg);
		else
			snprintf(buf, size, "r%u = %s%d r%u", insn->dst_reg,
				 EBPF_SRC(insn->code) == EBPF_TO_BE ? "be" : "le", insn->imm,
				 insn->dst_reg);
		return;
	}
	if (op == EBPF_ALU_NEG) {
		snprintf(buf, size, "%c%u = -%c%u", w, insn->dst_reg, w, insn->dst_reg);
		return;
	}
	if (insn->off == 1 && (op == EBPF_ALU_DIV || op == EBPF_ALU_MOD))
		opstr = op == EBPF_ALU_DIV ? "s/=" : "s%=";
	if (op == EBPF_ALU_MOV && insn->off)
		cast = insn->off == 8 ? "(s8)" : insn->off == 16 ? "(s16)" : "(s32)";
	if (EBPF_SRC(insn->code) == EBPF_SRC_X)
		snprintf(buf, size, "%c%u %s %s%c%u", w, insn->dst_reg, opstr, cast, w,
			 insn->src_reg);
	else
		snprintf(buf, size, "%c%u %s %d", w, insn->dst_reg, opstr, insn->imm);
}

static void c_call(const struct ebpf_inst *insn, char *buf, size_t size)
{
	if (EBPF_SRC(insn->code) == EBPF_SRC_X)
		snprintf(buf, size, "callx r%u", insn->dst_reg);
	else if (insn->src_reg == EBPF_CALL_LOCAL)
		snprintf(buf, size, "call pc%+d", insn->imm);
	else if (insn->src_reg == EBPF_CALL_KFUNC)
		snprintf(buf, size, "call kernel-function#%d", insn->imm);
	else
		snprintf(buf, size, "call %d", insn->imm);
}

static void c_jmp(const struct ebpf_inst *insn, char *buf, size_t size)
{
	char w = EBPF_CLASS(insn->code) == EBPF_CLS_JMP32 ? 'w' : 'r';
	uint8_t op = EBPF_OP(insn->code);

	if (insn->code == EBPF_OP_JA)
		snprintf(buf, size, "goto %+d", insn->off);
	else if (insn->code == EBPF_OP_JA32)
		snprintf(buf, size, "gotol %+d", insn->imm);
	else if (insn->code == EBPF_OP_MAY_GOTO)
		snprintf(buf, size, "may_goto %+d", insn->off);
	else if (op == EBPF_JMP_EXIT)
		snprintf(buf, size, "exit");
	else if (op == EBPF_JMP_CALL)
		c_call(insn, buf, size);
	else if (EBPF_SRC(insn->code) == EBPF_SRC_X)
		snprintf(buf, size, "if %c%u %s %c%u goto %+d", w, insn->dst_reg,
			 c_jmp_ops[op >> 4], w, insn->src_reg, insn->off);
	else
		snprintf(buf, size, "if %c%u %s 0x%x goto %+d", w, insn->dst_reg,
			 c_jmp_ops[op >> 4], (uint32_t)insn->imm, insn->off);
}

/* lddw: a plain constant, or a reference the loader resolves, as bpftool names them. */
static void c_lddw(const struct ebpf_inst *insn, char *buf, size_t size)
{
	uint32_t next = (uint32_t)insn[1].imm;

	switch (insn->src_reg) {
	case EBPF_PSEUDO_MAP_FD:
		snprintf(buf, size, "r%u = map[fd:%d]", insn->dst_reg, insn->imm);
		break;
	case EBPF_PSEUDO_MAP_VALUE:
		snprintf(buf, size, "r%u = map[fd:%d][0]+%u", insn->dst_reg, insn->imm, next);
		break;
	case EBPF_PSEUDO_BTF_ID:
		snprintf(buf, size, "r%u = btf_id[%d]", insn->dst_reg, insn->imm);
		break;
	case EBPF_PSEUDO_FUNC:
		snprintf(buf, size, "r%u = func[pc%+d]", insn->dst_reg, insn->imm);
		break;
	case EBPF_PSEUDO_MAP_IDX:
		snprintf(buf, size, "r%u = map[idx:%d]", insn->dst_reg, insn->imm);
		break;
	case EBPF_PSEUDO_MAP_IDX_VALUE:
		snprintf(buf, size, "r%u = map[idx:%d][0]+%u", insn->dst_reg, insn->imm, next);
		break;
	default:
		snprintf(buf, size, "r%u = 0x%" PRIx64 " ll", insn->dst_reg, isa_lddw_imm(insn));
		break;
	}
}

static void c_ld(const struct ebpf_inst *insn, char *buf, size_t size)
{
	if (EBPF_MODE(insn->code) == EBPF_MODE_ABS)
		snprintf(buf, size, "r0 = *(%s *)skb[%d]", c_size(insn->code), insn->imm);
	else if (EBPF_MODE(insn->code) == EBPF_MODE_IND)
		snprintf(buf, size, "r0 = *(%s *)skb[r%u + %d]", c_size(insn->code), insn->src_reg,
			 insn->imm);
	else
		c_lddw(insn, buf, size);
}

/* Atomics in LLVM's spelling; 32-bit ones name the 32-bit halves of their registers (wN). */
static void c_atomic(const struct ebpf_inst *insn, char *buf, size_t size)
{
	bool is64 = EBPF_SIZE(insn->code) == EBPF_SIZE_DW;
	char w = is64 ? 'r' : 'w';
	const char *sz = c_size(insn->code);
	uint8_t src = insn->src_reg;
	char addr[24];

	if (insn->imm == EBPF_ATOMIC_LOAD_ACQ) {
		c_addr(addr, sizeof(addr), insn->src_reg, insn->off);
		snprintf(buf, size, "%c%u = load_acquire((%s *)(%s))", w, insn->dst_reg, sz, addr);
		return;
	}
	c_addr(addr, sizeof(addr), insn->dst_reg, insn->off);
	if (insn->imm == EBPF_ATOMIC_STORE_REL)
		snprintf(buf, size, "store_release((%s *)(%s), %c%u)", sz, addr, w, src);
	else if (insn->imm == EBPF_ATOMIC_XCHG)
		snprintf(buf, size, "%c%u = xchg%s(%s, %c%u)", w, src, is64 ? "_64" : "32_32", addr,
			 w, src);
	else if (insn->imm == EBPF_ATOMIC_CMPXCHG)
		snprintf(buf, size, "%c0 = cmpxchg%s(%s, %c0, %c%u)", w, is64 ? "_64" : "32_32",
			 addr, w, w, src);
	else if (insn->imm & EBPF_ATOMIC_FETCH)
		snprintf(buf, size, "%c%u = atomic_fetch_%s((%s *)(%s), %c%u)", w, src,
			 c_atomic_ops[(insn->imm & 0xf0) >> 4], sz, addr, w, src);
	else
		snprintf(buf, size, "lock *(%s *)(%s) %s %c%u", sz, addr,
			 c_alu_ops[(insn->imm & 0xf0) >> 4], w, src);
}

static void c_mem(const struct ebpf_inst *insn, char *buf, size_t size)
{
	char addr[24];

	switch (EBPF_CLASS(insn->code)) {
	case EBPF_CLS_LDX:
		c_addr(addr, sizeof(addr), insn->src_reg, insn->off);
		snprintf(buf, size, "r%u = *(%s *)(%s)", insn->dst_reg,
			 EBPF_MODE(insn->code) == EBPF_MODE_MEMSX
			     ? c_sizes_sx[EBPF_SIZE(insn->code) >> 3]
			     : c_size(insn->code),
			 addr);
		break;
	case EBPF_CLS_ST:
		c_addr(addr, sizeof(addr), insn->dst_reg, insn->off);
		snprintf(buf, size, "*(%s *)(%s) = %d", c_size(insn->code), addr, insn->imm);
		break;
	default: /* EBPF_CLS_STX */
		if (EBPF_MODE(insn->code) == EBPF_MODE_ATOMIC) {
			c_atomic(insn, buf, size);
			break;
		}
		c_addr(addr, sizeof(addr), insn->dst_reg, insn->off);
		snprintf(buf, size, "*(%s *)(%s) = r%u", c_size(insn->code), addr, insn->src_reg);
		break;
	}
}

static void disasm_c(const struct ebpf_inst *insn, char *buf, size_t size)
{
	switch (EBPF_CLASS(insn->code)) {
	case EBPF_CLS_ALU:
	case EBPF_CLS_ALU64:
		c_alu(insn, buf, size);
		break;
	case EBPF_CLS_JMP:
	case EBPF_CLS_JMP32:
		c_jmp(insn, buf, size);
		break;
	case EBPF_CLS_LD:
		c_ld(insn, buf, size);
		break;
	default:
		c_mem(insn, buf, size);
		break;
	}
}

/* ---- ASM style -------------------------------------------------------------------------- */

/* "[%r1+4]", "[%r10-8]", "[%r1]". */
static void asm_mem(char *buf, size_t size, uint8_t reg, int16_t off)
{
	if (off)
		snprintf(buf, size, "[%%r%u%+d]", reg, off);
	else
		snprintf(buf, size, "[%%r%u]", reg);
}

static void asm_call(const struct ebpf_inst *insn, char *buf, size_t size)
{
	if (EBPF_SRC(insn->code) == EBPF_SRC_X)
		snprintf(buf, size, "call %%r%u", insn->dst_reg);
	else if (insn->src_reg == EBPF_CALL_LOCAL)
		snprintf(buf, size, "call local %+d", insn->imm);
	else if (insn->src_reg == EBPF_CALL_KFUNC)
		snprintf(buf, size, "call kfunc %d", insn->imm);
	else
		snprintf(buf, size, "call %d", insn->imm);
}

static void asm_lddw(const struct ebpf_inst *insn, char *buf, size_t size)
{
	uint32_t next = (uint32_t)insn[1].imm;

	if (insn->src_reg == EBPF_PSEUDO_IMM)
		snprintf(buf, size, "lddw %%r%u, 0x%" PRIx64, insn->dst_reg, isa_lddw_imm(insn));
	else if (next)
		snprintf(buf, size, "lddw %%r%u, %s(%d)+%u", insn->dst_reg,
			 isa_lddw_kind_names[insn->src_reg], insn->imm, next);
	else
		snprintf(buf, size, "lddw %%r%u, %s(%d)", insn->dst_reg,
			 isa_lddw_kind_names[insn->src_reg], insn->imm);
}

static void disasm_asm(const struct isa_mnemonic *m, const struct ebpf_inst *insn, char *buf,
		       size_t size)
{
	bool reg_src = EBPF_SRC(insn->code) == EBPF_SRC_X;
	char mem[24];

	switch (m->form) {
	case ISA_FORM_ALU:
		if (reg_src)
			snprintf(buf, size, "%s %%r%u, %%r%u", m->name, insn->dst_reg,
				 insn->src_reg);
		else
			snprintf(buf, size, "%s %%r%u, %d", m->name, insn->dst_reg, insn->imm);
		break;
	case ISA_FORM_MOVSX:
		snprintf(buf, size, "%s %%r%u, %%r%u", m->name, insn->dst_reg, insn->src_reg);
		break;
	case ISA_FORM_NEG:
	case ISA_FORM_END:
		snprintf(buf, size, "%s %%r%u", m->name, insn->dst_reg);
		break;
	case ISA_FORM_JA:
		snprintf(buf, size, "%s %+d", m->name, insn->off);
		break;
	case ISA_FORM_JA32:
		snprintf(buf, size, "%s %+d", m->name, insn->imm);
		break;
	case ISA_FORM_JCOND:
		if (reg_src)
			snprintf(buf, size, "%s %%r%u, %%r%u, %+d", m->name, insn->dst_reg,
				 insn->src_reg, insn->off);
		else
			snprintf(buf, size, "%s %%r%u, %d, %+d", m->name, insn->dst_reg, insn->imm,
				 insn->off);
		break;
	case ISA_FORM_CALL:
		asm_call(insn, buf, size);
		break;
	case ISA_FORM_EXIT:
		snprintf(buf, size, "%s", m->name);
		break;
	case ISA_FORM_LDDW:
		asm_lddw(insn, buf, size);
		break;
	case ISA_FORM_LDABS:
		snprintf(buf, size, "%s %d", m->name, insn->imm);
		break;
	case ISA_FORM_LDIND:
		snprintf(buf, size, "%s %%r%u, %d", m->name, insn->src_reg, insn->imm);
		break;
	case ISA_FORM_LDX:
	case ISA_FORM_LOAD_ACQ:
		asm_mem(mem, sizeof(mem), insn->src_reg, insn->off);
		snprintf(buf, size, "%s %%r%u, %s", m->name, insn->dst_reg, mem);
		break;
	case ISA_FORM_ST:
		asm_mem(mem, sizeof(mem), insn->dst_reg, insn->off);
		snprintf(buf, size, "%s %s, %d", m->name, mem, insn->imm);
		break;
	case ISA_FORM_STX:
	case ISA_FORM_ATOMIC:
	case ISA_FORM_STORE_REL:
		asm_mem(mem, sizeof(mem), insn->dst_reg, insn->off);
		snprintf(buf, size, "%s %s, %%r%u", m->name, mem, insn->src_reg);
		break;
	}
}

int isa_disasm(const struct ebpf_inst *insns, size_t count, size_t index,
	       enum ebpf_disasm_style style, char *buf, size_t size)
{
	const struct isa_mnemonic *m;
	const char *why = NULL;
	int slots;

	/* An instruction writing r10 is shown as it is: the verifier names it when it refuses it.
	 */
	slots = isa_check_insn_fp_writes(insns, count, index, &why);
	if (slots < 0) {
		if (insns && index < count)
			snprintf(buf, size, "invalid instruction (code 0x%02x): %s",
				 insns[index].code, why);
		else
			snprintf(buf, size, "invalid instruction: %s", why);
		return slots;
	}
	if (style == EBPF_DISASM_C) {
		disasm_c(&insns[index], buf, size);
		return slots;
	}
	if (style != EBPF_DISASM_ASM) {
		snprintf(buf, size, "unknown disassembly style %d", (int)style);
		return -EINVAL;
	}
	m = isa_mnemonic_by_insn(&insns[index]);
	if (!m) { /* isa_check_insn accepted something the table cannot name */
		snprintf(buf, size, "no mnemonic for code 0x%02x", insns[index].code);
		return -EINVAL;
	}
	disasm_asm(m, &insns[index], buf, size);
	return slots;
}
