// SPDX-License-Identifier: MIT
/*
 * Encoding validation of one instruction against RFC 9669 (plus the Linux extensions the rest of
 * extbpf understands: lddw source kinds, callx, legacy packet loads). Only the encoding is
 * checked here; what the instruction does at run time is the verifier's business.
 */
#include <errno.h>
#include <string.h>

#include "isa/isa.h"

static int refuse(const char **why, const char *reason)
{
	if (why)
		*why = reason;
	return -EINVAL;
}

/* A register the instruction reads (r0-r10). */
static bool reg_ok(uint8_t reg)
{
	return reg < EBPF_NUM_REGS;
}

/* The destination of an instruction that writes it: r0-r9, r10 being the read-only frame pointer.
 */
static int check_dst_written(const struct ebpf_inst *insn, const char **why)
{
	if (!reg_ok(insn->dst_reg))
		return refuse(why, "destination register out of range (r0-r10)");
	if (insn->dst_reg == EBPF_REG_FP)
		return refuse(why, "destination r10 is the read-only frame pointer");
	return 0;
}

static int check_dst_read(const struct ebpf_inst *insn, const char **why)
{
	return reg_ok(insn->dst_reg) ? 0
				     : refuse(why, "destination register out of range (r0-r10)");
}

static int check_src_read(const struct ebpf_inst *insn, const char **why)
{
	return reg_ok(insn->src_reg) ? 0 : refuse(why, "source register out of range (r0-r10)");
}

static int check_src_zero(const struct ebpf_inst *insn, const char **why)
{
	return insn->src_reg ? refuse(why, "reserved field src_reg is not zero") : 0;
}

static int check_dst_zero(const struct ebpf_inst *insn, const char **why)
{
	return insn->dst_reg ? refuse(why, "reserved field dst_reg is not zero") : 0;
}

static int check_off_zero(const struct ebpf_inst *insn, const char **why)
{
	return insn->off ? refuse(why, "reserved field offset is not zero") : 0;
}

static int check_imm_zero(const struct ebpf_inst *insn, const char **why)
{
	return insn->imm ? refuse(why, "reserved field imm is not zero") : 0;
}

/* le/be (ALU) and bswap (ALU64 with BPF_K); the width is in imm. */
static int check_end(const struct ebpf_inst *insn, const char **why)
{
	if (EBPF_CLASS(insn->code) == EBPF_CLS_ALU64 && EBPF_SRC(insn->code) != EBPF_SRC_K)
		return refuse(why, "unknown opcode (64-bit byte swap takes no source bit)");
	if (insn->imm != 16 && insn->imm != 32 && insn->imm != 64)
		return refuse(why, "byte swap width (imm) must be 16, 32 or 64");
	if (check_src_zero(insn, why) || check_off_zero(insn, why))
		return -EINVAL;
	return 1;
}

/* The offset field of an ALU instruction selects a variant: sdiv/smod (1), movsx (8/16/32). */
static int check_alu_off(const struct ebpf_inst *insn, const char **why)
{
	uint8_t op = EBPF_OP(insn->code);
	bool is64 = EBPF_CLASS(insn->code) == EBPF_CLS_ALU64;

	if (op == EBPF_ALU_DIV || op == EBPF_ALU_MOD) {
		if (insn->off != 0 && insn->off != 1)
			return refuse(why, "div/mod offset must be 0 (unsigned) or 1 (signed)");
		return 0;
	}
	if (op == EBPF_ALU_MOV && EBPF_SRC(insn->code) == EBPF_SRC_X) {
		if (insn->off == 0 || insn->off == 8 || insn->off == 16 ||
		    (is64 && insn->off == 32))
			return 0;
		return refuse(why, is64 ? "movsx offset must be 8, 16 or 32"
					: "movsx offset must be 8 or 16 in 32-bit moves");
	}
	return check_off_zero(insn, why);
}

static int check_alu(const struct ebpf_inst *insn, const char **why)
{
	uint8_t op = EBPF_OP(insn->code);

	if (op > EBPF_ALU_END)
		return refuse(why, "unknown opcode (ALU operation)");
	if (check_dst_written(insn, why))
		return -EINVAL;
	if (op == EBPF_ALU_END)
		return check_end(insn, why);
	if (op == EBPF_ALU_NEG) {
		if (EBPF_SRC(insn->code) != EBPF_SRC_K)
			return refuse(why, "unknown opcode (neg takes no source operand)");
		if (check_src_zero(insn, why) || check_off_zero(insn, why) ||
		    check_imm_zero(insn, why))
			return -EINVAL;
		return 1;
	}
	if (EBPF_SRC(insn->code) == EBPF_SRC_X) {
		if (check_src_read(insn, why) || check_imm_zero(insn, why))
			return -EINVAL;
	} else if (check_src_zero(insn, why)) {
		return -EINVAL;
	}
	return check_alu_off(insn, why) ? -EINVAL : 1;
}

static int check_call(const struct ebpf_inst *insn, const char **why)
{
	if (check_off_zero(insn, why))
		return -EINVAL;
	if (EBPF_SRC(insn->code) == EBPF_SRC_X) {
		/* callx: the target register is in dst_reg, as the conformance suite encodes it. */
		if (check_dst_read(insn, why) || check_src_zero(insn, why) ||
		    check_imm_zero(insn, why))
			return -EINVAL;
		return 1;
	}
	if (check_dst_zero(insn, why))
		return -EINVAL;
	if (insn->src_reg > EBPF_CALL_KFUNC)
		return refuse(why,
			      "unknown call kind (src_reg must be 0 helper, 1 local or 2 kfunc)");
	return 1;
}

/* may_goto (BPF_JCOND with src_reg 0), the only conditional pseudo-jump Linux defines. */
static int check_may_goto(const struct ebpf_inst *insn, const char **why)
{
	if (EBPF_CLASS(insn->code) != EBPF_CLS_JMP || EBPF_SRC(insn->code) != EBPF_SRC_K)
		return refuse(why, "unknown opcode (may_goto is 0xe5 only)");
	if (insn->src_reg)
		return refuse(why, "unknown conditional pseudo-jump (src_reg must be 0, may_goto)");
	if (check_dst_zero(insn, why) || check_imm_zero(insn, why))
		return -EINVAL;
	/* Offset 0 is taken, as Linux 6.14+ takes it (its verifier_may_goto_1 selftests): both
	 * ways lead to the next instruction, so it is a no-op that spends budget. */
	return 1;
}

static int check_jmp(const struct ebpf_inst *insn, const char **why)
{
	bool is32 = EBPF_CLASS(insn->code) == EBPF_CLS_JMP32;
	uint8_t op = EBPF_OP(insn->code);

	if (op > EBPF_JMP_JCOND)
		return refuse(why, "unknown opcode (jump operation)");
	switch (op) {
	case EBPF_JMP_JCOND:
		return check_may_goto(insn, why);
	case EBPF_JMP_JA:
		if (EBPF_SRC(insn->code) != EBPF_SRC_K)
			return refuse(why, "unknown opcode (ja takes no source bit)");
		if (check_dst_zero(insn, why) || check_src_zero(insn, why))
			return -EINVAL;
		/* ja jumps by off, ja32 (gotol) by imm; the other field is reserved. */
		if (is32 ? check_off_zero(insn, why) : check_imm_zero(insn, why))
			return -EINVAL;
		return 1;
	case EBPF_JMP_CALL:
		if (is32)
			return refuse(why, "unknown opcode (call exists in the JMP class only)");
		return check_call(insn, why);
	case EBPF_JMP_EXIT:
		if (is32 || EBPF_SRC(insn->code) != EBPF_SRC_K)
			return refuse(why, "unknown opcode (exit is 0x95 only)");
		if (check_dst_zero(insn, why) || check_src_zero(insn, why) ||
		    check_off_zero(insn, why) || check_imm_zero(insn, why))
			return -EINVAL;
		return 1;
	default:
		break;
	}
	if (check_dst_read(insn, why))
		return -EINVAL;
	if (EBPF_SRC(insn->code) == EBPF_SRC_X)
		return check_src_read(insn, why) || check_imm_zero(insn, why) ? -EINVAL : 1;
	return check_src_zero(insn, why) ? -EINVAL : 1;
}

static int check_lddw(const struct ebpf_inst *insns, size_t count, size_t index, const char **why)
{
	const struct ebpf_inst *insn = &insns[index];
	const struct ebpf_inst *next = insn + 1;

	if (check_dst_written(insn, why) || check_off_zero(insn, why))
		return -EINVAL;
	if (insn->src_reg > EBPF_PSEUDO_MAP_IDX_VALUE)
		return refuse(why, "unknown lddw source kind (src_reg must be 0-6)");
	if (index + 1 >= count)
		return refuse(why, "lddw is truncated: its second slot is missing");
	if (next->code || next->dst_reg || next->src_reg || next->off)
		return refuse(why, "lddw second slot must have code, registers and offset zero");
	/* As Linux: a map reference by fd or index has no offset part. */
	if ((insn->src_reg == EBPF_PSEUDO_MAP_FD || insn->src_reg == EBPF_PSEUDO_MAP_IDX) &&
	    next->imm)
		return refuse(why, "lddw of a map reference must have a zero second imm");
	return 2;
}

static int check_ld(const struct ebpf_inst *insns, size_t count, size_t index, const char **why)
{
	const struct ebpf_inst *insn = &insns[index];

	switch (EBPF_MODE(insn->code)) {
	case EBPF_MODE_IMM:
		if (EBPF_SIZE(insn->code) != EBPF_SIZE_DW)
			return refuse(why, "unknown opcode (load immediate is lddw only)");
		return check_lddw(insns, count, index, why);
	case EBPF_MODE_ABS:
	case EBPF_MODE_IND:
		if (EBPF_SIZE(insn->code) == EBPF_SIZE_DW)
			return refuse(why, "unknown opcode (legacy packet loads are b, h or w)");
		if (check_dst_zero(insn, why) || check_off_zero(insn, why))
			return -EINVAL;
		if (EBPF_MODE(insn->code) == EBPF_MODE_ABS)
			return check_src_zero(insn, why) ? -EINVAL : 1;
		return check_src_read(insn, why) ? -EINVAL : 1;
	default:
		return refuse(why, "unknown opcode (load mode)");
	}
}

static int check_ldx(const struct ebpf_inst *insn, const char **why)
{
	uint8_t mode = EBPF_MODE(insn->code);

	if (mode != EBPF_MODE_MEM && mode != EBPF_MODE_MEMSX)
		return refuse(why, "unknown opcode (ldx mode)");
	if (mode == EBPF_MODE_MEMSX && EBPF_SIZE(insn->code) == EBPF_SIZE_DW)
		return refuse(why, "unknown opcode (sign-extending loads are b, h or w)");
	if (check_dst_written(insn, why) || check_src_read(insn, why) || check_imm_zero(insn, why))
		return -EINVAL;
	return 1;
}

static int check_st(const struct ebpf_inst *insn, const char **why)
{
	if (EBPF_MODE(insn->code) != EBPF_MODE_MEM)
		return refuse(why, "unknown opcode (st mode)");
	if (check_dst_read(insn, why) || check_src_zero(insn, why))
		return -EINVAL;
	return 1;
}

static bool atomic_op_known(int32_t imm)
{
	switch (imm & ~EBPF_ATOMIC_FETCH) {
	case EBPF_ATOMIC_ADD:
	case EBPF_ATOMIC_OR:
	case EBPF_ATOMIC_AND:
	case EBPF_ATOMIC_XOR:
		return true;
	default:
		return imm == EBPF_ATOMIC_XCHG || imm == EBPF_ATOMIC_CMPXCHG;
	}
}

/* Load-acquire and store-release come in every size; load-acquire writes its dst as ldx. */
static int check_acq_rel(const struct ebpf_inst *insn, const char **why)
{
	if (insn->imm == EBPF_ATOMIC_LOAD_ACQ)
		return check_dst_written(insn, why) ?: check_src_read(insn, why) ?: 1;
	return check_dst_read(insn, why) ?: check_src_read(insn, why) ?: 1;
}

static int check_atomic(const struct ebpf_inst *insn, const char **why)
{
	if (insn->imm == EBPF_ATOMIC_LOAD_ACQ || insn->imm == EBPF_ATOMIC_STORE_REL)
		return check_acq_rel(insn, why);
	if (EBPF_SIZE(insn->code) != EBPF_SIZE_W && EBPF_SIZE(insn->code) != EBPF_SIZE_DW)
		return refuse(why, "unknown opcode (atomic operations are 32 or 64 bit)");
	if (!atomic_op_known(insn->imm))
		return refuse(why, "unknown atomic operation (imm)");
	if (check_dst_read(insn, why) || check_src_read(insn, why))
		return -EINVAL;
	/* A fetching operation writes the old value into src_reg (cmpxchg into r0). */
	if ((insn->imm & EBPF_ATOMIC_FETCH) && insn->imm != EBPF_ATOMIC_CMPXCHG &&
	    insn->src_reg == EBPF_REG_FP)
		return refuse(why, "atomic fetch would write r10, the read-only frame pointer");
	return 1;
}

static int check_stx(const struct ebpf_inst *insn, const char **why)
{
	switch (EBPF_MODE(insn->code)) {
	case EBPF_MODE_MEM:
		if (check_dst_read(insn, why) || check_src_read(insn, why) ||
		    check_imm_zero(insn, why))
			return -EINVAL;
		return 1;
	case EBPF_MODE_ATOMIC:
		return check_atomic(insn, why);
	default:
		return refuse(why, "unknown opcode (stx mode)");
	}
}

int isa_check_insn(const struct ebpf_inst *insns, size_t count, size_t index, const char **why)
{
	const struct ebpf_inst *insn;

	if (!insns || index >= count)
		return refuse(why, "instruction index out of range");
	insn = &insns[index];
	switch (EBPF_CLASS(insn->code)) {
	case EBPF_CLS_LD:
		return check_ld(insns, count, index, why);
	case EBPF_CLS_LDX:
		return check_ldx(insn, why);
	case EBPF_CLS_ST:
		return check_st(insn, why);
	case EBPF_CLS_STX:
		return check_stx(insn, why);
	case EBPF_CLS_ALU:
	case EBPF_CLS_ALU64:
		return check_alu(insn, why);
	default: /* EBPF_CLS_JMP, EBPF_CLS_JMP32 */
		return check_jmp(insn, why);
	}
}

bool isa_insn_writes_fp(const struct ebpf_inst *insn)
{
	switch (EBPF_CLASS(insn->code)) {
	case EBPF_CLS_ALU:
	case EBPF_CLS_ALU64:
	case EBPF_CLS_LDX:
		return insn->dst_reg == EBPF_REG_FP;
	case EBPF_CLS_LD:
		return insn->code == EBPF_OP_LDDW && insn->dst_reg == EBPF_REG_FP;
	case EBPF_CLS_STX:
		if (isa_is_load_acquire(insn))
			return insn->dst_reg == EBPF_REG_FP;
		return EBPF_MODE(insn->code) == EBPF_MODE_ATOMIC &&
		       (insn->imm & EBPF_ATOMIC_FETCH) && insn->imm != EBPF_ATOMIC_CMPXCHG &&
		       insn->src_reg == EBPF_REG_FP;
	default:
		return false;
	}
}

int isa_check_insn_fp_writes(const struct ebpf_inst *insns, size_t count, size_t index,
			     const char **why)
{
	struct ebpf_inst as_r0[2];
	size_t n;

	if (!insns || index >= count)
		return refuse(why, "instruction index out of range");
	if (!isa_insn_writes_fp(&insns[index]))
		return isa_check_insn(insns, count, index, why);
	n = count - index < 2 ? count - index : 2;
	memcpy(as_r0, &insns[index], n * sizeof(*as_r0));
	if (EBPF_CLASS(as_r0[0].code) == EBPF_CLS_STX && !isa_is_load_acquire(&as_r0[0]))
		as_r0[0].src_reg = 0;
	else
		as_r0[0].dst_reg = 0;
	return isa_check_insn(as_r0, n, 0, why);
}

size_t isa_neutralise_fp_writes(struct ebpf_inst *insns, size_t count)
{
	const struct ebpf_inst nop = { .code = EBPF_OP_JA };
	size_t i, n = 0;

	for (i = 0; i < count; i++) {
		bool lddw = insns[i].code == EBPF_OP_LDDW;

		if (isa_insn_writes_fp(&insns[i])) {
			insns[i] = nop;
			if (lddw && i + 1 < count)
				insns[i + 1] = nop;
			n++;
		}
		if (lddw)
			i++;
	}
	return n;
}
