// SPDX-License-Identifier: MIT
/*
 * The assembler of the conformance suite's text syntax:
 *
 *	# comment                     label:               mov %r0, 1
 *	ldxw %r0, [%r1+4]             stw [%r10-4], 0x80   jne %r0, 2, label     ja +2
 *	lddw %r0, 0x1122334455667788  call 5   call %r2    call local func1      exit
 *	lock fetch add32 [%r10-4], %r1                      movsx1632 %r4, %r3    be16 %r0
 *
 * Every mnemonic comes from the table in isa_table.c. A jump to the label "exit", when no such
 * label is defined, goes to the first exit instruction, as the suite's own assembler does.
 * Beyond the suite, it reads what the ASM-style disassembler prints for any valid instruction
 * (lddw map_fd(N) and the other lddw kinds, call kfunc N, ldabsw/ldindw, ja32 +N).
 * Each instruction is checked with isa_check_insn, so only valid encodings come out.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isa/isa_internal.h"

#define ASM_MAX_LINE	 512
#define ASM_MAX_NAME	 64 /* labels and mnemonics, NUL included */
#define ASM_MAX_OPERANDS 3

struct asm_label {
	char name[ASM_MAX_NAME];
	size_t index;
};

/* A jump or local call whose target is a label, resolved once every label is known. */
struct asm_fixup {
	char name[ASM_MAX_NAME];
	size_t index;
	int line_no;
	bool wide; /* the target goes in imm (ja32, call local) rather than off */
};

struct asm_state {
	struct ebpf_inst *insns;
	size_t count, cap;
	struct asm_label *labels;
	size_t nlabels, labels_cap;
	struct asm_fixup *fixups;
	size_t nfixups, fixups_cap;
	size_t first_exit;
	bool have_exit;
	int line_no;
	char line[ASM_MAX_LINE]; /* the current line as written, for messages */
	char *err;
	size_t err_size;
};

static int asm_error(struct asm_state *st, const char *what, const char *text)
{
	if (st->err && st->err_size)
		snprintf(st->err, st->err_size, "line %d: %s: '%s'", st->line_no, what, text);
	return -EINVAL;
}

static int asm_nomem(struct asm_state *st)
{
	if (st->err && st->err_size)
		snprintf(st->err, st->err_size, "line %d: out of memory", st->line_no);
	return -ENOMEM;
}

/* Makes room for one more element in a growing array. */
static int grow(struct asm_state *st, void **array, size_t *cap, size_t used, size_t elem)
{
	size_t ncap;
	void *p;

	if (used < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 64;
	p = realloc(*array, ncap * elem);
	if (!p)
		return asm_nomem(st);
	*array = p;
	*cap = ncap;
	return 0;
}

static char *trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

static bool is_ident_start(char c)
{
	return isalpha((unsigned char)c) || c == '_' || c == '.';
}

static bool is_ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '.';
}

static bool is_ident(const char *s)
{
	if (!is_ident_start(*s))
		return false;
	while (*++s) {
		if (!is_ident_char(*s))
			return false;
	}
	return true;
}

/* ---- Operands ----------------------------------------------------------------------------- */

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Parses a whole token as [+-]decimal or [+-]0xhex within -neg_max..pos_max; the result is the
 * two's complement bit pattern. -EINVAL when it is not a number, -ERANGE when out of bounds.
 */
static int parse_number(const char *tok, uint64_t neg_max, uint64_t pos_max, uint64_t *bits)
{
	const char *p = tok;
	uint64_t mag = 0;
	unsigned int base = 10;
	bool neg = false;

	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	if (!*p)
		return -EINVAL;
	for (; *p; p++) {
		int d = digit_value(*p);

		if (d < 0 || (unsigned int)d >= base)
			return -EINVAL;
		if (mag > (UINT64_MAX - (unsigned int)d) / base)
			return -ERANGE;
		mag = mag * base + (unsigned int)d;
	}
	if (neg ? mag > neg_max : mag > pos_max)
		return -ERANGE;
	*bits = neg ? -mag : mag;
	return 0;
}

static int number_error(struct asm_state *st, int err, const char *kind, const char *tok)
{
	char what[48];

	snprintf(what, sizeof(what), err == -ERANGE ? "%s out of range" : "bad %s", kind);
	return asm_error(st, what, tok);
}

/* A 32-bit immediate, written signed (-1) or unsigned (0xffffffff). */
static int asm_imm32(struct asm_state *st, const char *tok, int32_t *imm)
{
	uint64_t bits;
	int err = parse_number(tok, 1ull << 31, UINT32_MAX, &bits);

	if (err)
		return number_error(st, err, "immediate", tok);
	*imm = (int32_t)(uint32_t)bits;
	return 0;
}

static int asm_imm64(struct asm_state *st, const char *tok, uint64_t *imm)
{
	int err = parse_number(tok, 1ull << 63, UINT64_MAX, imm);

	return err ? number_error(st, err, "immediate", tok) : 0;
}

static int asm_off16(struct asm_state *st, const char *tok, int16_t *off)
{
	uint64_t bits;
	int err = parse_number(tok, 1u << 15, INT16_MAX, &bits);

	if (err)
		return number_error(st, err, "offset", tok);
	*off = (int16_t)(uint16_t)bits;
	return 0;
}

/* %r0 .. %r10 */
static int asm_reg(struct asm_state *st, const char *tok, uint8_t *reg)
{
	uint64_t n;

	if (strncmp(tok, "%r", 2) || !isdigit((unsigned char)tok[2]) || (tok[2] == '0' && tok[3]) ||
	    parse_number(tok + 2, 0, EBPF_NUM_REGS - 1, &n))
		return asm_error(st, "bad register", tok);
	*reg = (uint8_t)n;
	return 0;
}

/* [%rN], [%rN+off], [%rN-off]: the base goes in src_reg for loads, dst_reg for stores. */
static int asm_mem(struct asm_state *st, const char *tok, bool base_is_src, struct ebpf_inst *insn)
{
	size_t len = strlen(tok);
	char inner[ASM_MAX_LINE], num[ASM_MAX_LINE];
	char *sign;
	uint8_t reg;

	if (len < 3 || tok[0] != '[' || tok[len - 1] != ']')
		return asm_error(st, "bad memory operand (expected [%rN+off])", tok);
	memcpy(inner, tok + 1, len - 2);
	inner[len - 2] = '\0';
	sign = strpbrk(inner, "+-");
	if (sign) {
		snprintf(num, sizeof(num), "%c%s", *sign, trim(sign + 1));
		*sign = '\0';
		if (asm_off16(st, num, &insn->off))
			return -EINVAL;
	}
	if (asm_reg(st, trim(inner), &reg))
		return -EINVAL;
	if (base_is_src)
		insn->src_reg = reg;
	else
		insn->dst_reg = reg;
	return 0;
}

static int asm_dst(struct asm_state *st, const char *tok, struct ebpf_inst *insn)
{
	uint8_t reg;

	if (asm_reg(st, tok, &reg))
		return -EINVAL;
	insn->dst_reg = reg;
	return 0;
}

static int asm_src(struct asm_state *st, const char *tok, struct ebpf_inst *insn)
{
	uint8_t reg;

	if (asm_reg(st, tok, &reg))
		return -EINVAL;
	insn->src_reg = reg;
	return 0;
}

/* A jump target: +N / -N, or a label resolved at the end. */
static int asm_target(struct asm_state *st, const char *tok, bool wide, struct ebpf_inst *insn)
{
	struct asm_fixup *fixup;
	uint64_t bits;
	int err;

	if (*tok == '+' || *tok == '-') {
		err = wide ? parse_number(tok, 1ull << 31, INT32_MAX, &bits)
			   : parse_number(tok, 1u << 15, INT16_MAX, &bits);
		if (err)
			return number_error(st, err, "jump offset", tok);
		if (wide)
			insn->imm = (int32_t)(uint32_t)bits;
		else
			insn->off = (int16_t)(uint16_t)bits;
		return 0;
	}
	if (!is_ident(tok))
		return asm_error(st, "bad jump target (expected +N, -N or a label)", tok);
	if (strlen(tok) >= ASM_MAX_NAME)
		return asm_error(st, "label too long", tok);
	if (grow(st, (void **)&st->fixups, &st->fixups_cap, st->nfixups, sizeof(*st->fixups)))
		return -ENOMEM;
	fixup = &st->fixups[st->nfixups++];
	snprintf(fixup->name, sizeof(fixup->name), "%s", tok);
	fixup->index = st->count;
	fixup->line_no = st->line_no;
	fixup->wide = wide;
	return 0;
}

/* Register or immediate second operand of ALU and conditional jump instructions. */
static int asm_reg_or_imm(struct asm_state *st, const char *tok, struct ebpf_inst *insn)
{
	if (*tok != '%')
		return asm_imm32(st, tok, &insn->imm);
	insn->code |= EBPF_SRC_X;
	return asm_src(st, tok, insn);
}

/* ---- Instructions ------------------------------------------------------------------------- */

static int asm_operand_count(const struct isa_mnemonic *m)
{
	switch (m->form) {
	case ISA_FORM_EXIT:
		return 0;
	case ISA_FORM_NEG:
	case ISA_FORM_END:
	case ISA_FORM_JA:
	case ISA_FORM_JA32:
	case ISA_FORM_CALL:
	case ISA_FORM_LDABS:
		return 1;
	case ISA_FORM_JCOND:
		return 3;
	default:
		return 2;
	}
}

/* call N | call %rN | call local target | call helper N | call kfunc N (or runtime N) */
static int asm_call(struct asm_state *st, char *operand, struct ebpf_inst *insn)
{
	char *arg = operand + strcspn(operand, " \t");

	if (!*arg) {
		if (*operand != '%')
			return asm_imm32(st, operand, &insn->imm);
		insn->code |= EBPF_SRC_X; /* callx: the register goes in dst_reg */
		return asm_dst(st, operand, insn);
	}
	*arg = '\0';
	arg = trim(arg + 1);
	if (!strcmp(operand, "local")) {
		insn->src_reg = EBPF_CALL_LOCAL;
		return asm_target(st, arg, true, insn);
	}
	if (!strcmp(operand, "kfunc") || !strcmp(operand, "runtime"))
		insn->src_reg = EBPF_CALL_KFUNC;
	else if (strcmp(operand, "helper"))
		return asm_error(st, "unknown call kind (helper, local or kfunc)", operand);
	return asm_imm32(st, arg, &insn->imm);
}

/* lddw %rD, imm64 | lddw %rD, kind(imm)[+imm] */
static int asm_lddw(struct asm_state *st, const char *tok, struct ebpf_inst insn[2])
{
	char buf[ASM_MAX_LINE];
	char *open, *close, *name, *rest;
	uint64_t imm;

	if (!is_ident_start(*tok)) {
		if (asm_imm64(st, tok, &imm))
			return -EINVAL;
		insn[0].imm = (int32_t)(uint32_t)imm;
		insn[1].imm = (int32_t)(uint32_t)(imm >> 32);
		return 0;
	}
	snprintf(buf, sizeof(buf), "%s", tok);
	open = strchr(buf, '(');
	close = open ? strchr(open, ')') : NULL;
	if (!close)
		return asm_error(st, "bad lddw operand (expected a number or kind(N))", tok);
	*open = *close = '\0';
	name = trim(buf);
	for (uint8_t k = EBPF_PSEUDO_MAP_FD; k <= EBPF_PSEUDO_MAP_IDX_VALUE; k++) {
		if (!strcmp(name, isa_lddw_kind_names[k]))
			insn[0].src_reg = k;
	}
	if (!insn[0].src_reg)
		return asm_error(st, "unknown lddw kind", name);
	if (asm_imm32(st, trim(open + 1), &insn[0].imm))
		return -EINVAL;
	rest = trim(close + 1);
	if (!*rest)
		return 0;
	if (*rest != '+')
		return asm_error(st, "bad lddw operand (expected kind(N)+M)", tok);
	return asm_imm32(st, trim(rest + 1), &insn[1].imm);
}

static int asm_encode(struct asm_state *st, const struct isa_mnemonic *m, char **ops,
		      struct ebpf_inst insn[2])
{
	insn[0] = (struct ebpf_inst){ .code = m->code, .off = m->off, .imm = m->imm };
	switch (m->form) {
	case ISA_FORM_ALU:
		return asm_dst(st, ops[0], insn) ?: asm_reg_or_imm(st, ops[1], insn);
	case ISA_FORM_MOVSX:
		return asm_dst(st, ops[0], insn) ?: asm_src(st, ops[1], insn);
	case ISA_FORM_NEG:
	case ISA_FORM_END:
		return asm_dst(st, ops[0], insn);
	case ISA_FORM_JA:
	case ISA_FORM_JA32:
		return asm_target(st, ops[0], m->form == ISA_FORM_JA32, insn);
	case ISA_FORM_JCOND:
		return asm_dst(st, ops[0], insn) ?: asm_reg_or_imm(st, ops[1], insn)
								 ?: asm_target(st, ops[2], false, insn);
	case ISA_FORM_CALL:
		return asm_call(st, ops[0], insn);
	case ISA_FORM_EXIT:
		return 0;
	case ISA_FORM_LDDW:
		return asm_dst(st, ops[0], insn) ?: asm_lddw(st, ops[1], insn);
	case ISA_FORM_LDABS:
		return asm_imm32(st, ops[0], &insn->imm);
	case ISA_FORM_LDIND:
		return asm_src(st, ops[0], insn) ?: asm_imm32(st, ops[1], &insn->imm);
	case ISA_FORM_LDX:
	case ISA_FORM_LOAD_ACQ:
		return asm_dst(st, ops[0], insn) ?: asm_mem(st, ops[1], true, insn);
	case ISA_FORM_ST:
		return asm_mem(st, ops[0], false, insn) ?: asm_imm32(st, ops[1], &insn->imm);
	case ISA_FORM_STX:
	case ISA_FORM_ATOMIC:
	case ISA_FORM_STORE_REL:
		return asm_mem(st, ops[0], false, insn) ?: asm_src(st, ops[1], insn);
	}
	return asm_error(st, "unsupported instruction form", m->name);
}

/*
 * Splits "lock fetch add [%r1], %r2" into the mnemonic ("lock fetch add", every word before
 * the first operand for lock, the first word otherwise) and the operand text.
 */
static int asm_split_mnemonic(struct asm_state *st, char *text, char *name, char **rest)
{
	size_t len = strcspn(text, " \t");
	char *p = text + len;

	if (len >= ASM_MAX_NAME)
		return asm_error(st, "unknown mnemonic", text);
	memcpy(name, text, len);
	name[len] = '\0';
	p = trim(p);
	if (strcmp(name, "lock")) {
		*rest = p;
		return 0;
	}
	while ((len = strcspn(p, " \t")) && *p != '[') {
		if (strlen(name) + 1 + len >= ASM_MAX_NAME)
			return asm_error(st, "unknown mnemonic", text);
		strcat(name, " ");
		strncat(name, p, len);
		p = trim(p + len);
	}
	*rest = p;
	return 0;
}

/* Splits the operand text at commas; every operand trimmed and non-empty. */
static int asm_split_operands(struct asm_state *st, char *text, char **ops, int *nops)
{
	*nops = 0;
	if (!*text)
		return 0;
	for (;;) {
		char *comma = strchr(text, ',');

		if (comma)
			*comma = '\0';
		if (*nops == ASM_MAX_OPERANDS)
			return asm_error(st, "too many operands", st->line);
		ops[(*nops)++] = trim(text);
		if (!*ops[*nops - 1])
			return asm_error(st, "empty operand", st->line);
		if (!comma)
			return 0;
		text = comma + 1;
	}
}

static int asm_append(struct asm_state *st, const struct ebpf_inst *insn, int slots)
{
	for (int i = 0; i < slots; i++) {
		if (grow(st, (void **)&st->insns, &st->cap, st->count, sizeof(*st->insns)))
			return -ENOMEM;
		st->insns[st->count++] = insn[i];
	}
	return 0;
}

static int asm_insn(struct asm_state *st, char *text)
{
	char name[ASM_MAX_NAME], what[ASM_MAX_NAME + 128];
	char *rest = NULL, *ops[ASM_MAX_OPERANDS];
	const struct isa_mnemonic *m;
	struct ebpf_inst insn[2] = { 0 };
	const char *why;
	int nops, want, slots, ret;

	ret = asm_split_mnemonic(st, text, name, &rest);
	if (ret)
		return ret;
	m = isa_mnemonic_by_name(name);
	if (!m)
		return asm_error(st, "unknown mnemonic", name);
	ret = asm_split_operands(st, rest, ops, &nops);
	if (ret)
		return ret;
	want = asm_operand_count(m);
	if (nops != want) {
		snprintf(what, sizeof(what), "wrong operand count for %s (expected %d, got %d)",
			 name, want, nops);
		return asm_error(st, what, st->line);
	}
	ret = asm_encode(st, m, ops, insn);
	if (ret)
		return ret;
	slots = isa_check_insn(insn, 2, 0, &why);
	if (slots < 0) {
		snprintf(what, sizeof(what), "invalid instruction (%s)", why);
		return asm_error(st, what, st->line);
	}
	if (m->form == ISA_FORM_EXIT && !st->have_exit) {
		st->have_exit = true;
		st->first_exit = st->count;
	}
	return asm_append(st, insn, slots);
}

static int asm_define_label(struct asm_state *st, const char *name)
{
	struct asm_label *label;

	if (strlen(name) >= ASM_MAX_NAME)
		return asm_error(st, "label too long", name);
	for (size_t i = 0; i < st->nlabels; i++) {
		if (!strcmp(st->labels[i].name, name))
			return asm_error(st, "duplicate label", name);
	}
	if (grow(st, (void **)&st->labels, &st->labels_cap, st->nlabels, sizeof(*st->labels)))
		return -ENOMEM;
	label = &st->labels[st->nlabels++];
	snprintf(label->name, sizeof(label->name), "%s", name);
	label->index = st->count;
	return 0;
}

static int asm_line(struct asm_state *st, char *line)
{
	char *text, *p;
	int ret;

	line[strcspn(line, "#")] = '\0';
	text = trim(line);
	snprintf(st->line, sizeof(st->line), "%s", text);
	/* Labels: "name:" before the instruction, if any. */
	for (;;) {
		p = text;
		if (!is_ident_start(*p))
			break;
		while (is_ident_char(*p))
			p++;
		if (*p != ':')
			break;
		*p = '\0';
		ret = asm_define_label(st, text);
		if (ret)
			return ret;
		text = trim(p + 1);
	}
	if (!*text)
		return 0;
	return asm_insn(st, text);
}

static int asm_resolve(struct asm_state *st)
{
	for (size_t i = 0; i < st->nfixups; i++) {
		const struct asm_fixup *f = &st->fixups[i];
		struct ebpf_inst *insn = &st->insns[f->index];
		int64_t target = -1, delta;

		for (size_t j = 0; j < st->nlabels && target < 0; j++) {
			if (!strcmp(st->labels[j].name, f->name))
				target = (int64_t)st->labels[j].index;
		}
		if (target < 0 && st->have_exit && !strcmp(f->name, "exit"))
			target = (int64_t)st->first_exit;
		st->line_no = f->line_no;
		if (target < 0)
			return asm_error(st, "unknown label", f->name);
		delta = target - (int64_t)f->index - 1;
		if (f->wide) {
			insn->imm = (int32_t)delta;
		} else {
			if (delta < INT16_MIN || delta > INT16_MAX)
				return asm_error(st, "jump target out of range", f->name);
			insn->off = (int16_t)delta;
		}
	}
	return 0;
}

static int asm_text(struct asm_state *st, const char *text)
{
	char line[ASM_MAX_LINE];
	int ret;

	while (*text) {
		size_t len = strcspn(text, "\n");

		st->line_no++;
		if (len >= sizeof(line)) {
			snprintf(line, 41, "%s", text);
			return asm_error(st, "line too long", line);
		}
		memcpy(line, text, len);
		line[len] = '\0';
		ret = asm_line(st, line);
		if (ret)
			return ret;
		text += len;
		if (*text)
			text++;
	}
	if (!st->count) {
		if (st->err && st->err_size)
			snprintf(st->err, st->err_size, "empty program: no instructions");
		return -EINVAL;
	}
	return asm_resolve(st);
}

int isa_assemble(const char *text, struct ebpf_inst **insns, size_t *count, char *err,
		 size_t err_size)
{
	struct asm_state st = { .err = err, .err_size = err_size };
	int ret;

	if (err && err_size)
		err[0] = '\0';
	if (!text || !insns || !count) {
		if (err && err_size)
			snprintf(err, err_size, "isa_assemble: NULL argument");
		return -EINVAL;
	}
	ret = asm_text(&st, text);
	free(st.labels);
	free(st.fixups);
	if (ret) {
		free(st.insns);
		return ret;
	}
	*insns = st.insns;
	*count = st.count;
	return 0;
}
