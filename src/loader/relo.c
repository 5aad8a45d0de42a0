// SPDX-License-Identifier: MIT
/*
 * Relocations of code sections, then programs. First every code section's private copy is
 * relocated in place: map and global-data references become self-describing lddw forms, and
 * each call or function pointer notes the (section, instruction) it leads to. Then each program
 * is laid out as libbpf does: its own instructions followed by every function it reaches,
 * transitively, once each; call and function-pointer immediates become relative offsets inside
 * that final array, and the BTF line info of each piece follows it to its new place.
 */
#include <errno.h>
#include <linux/bpf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "isa/isa.h"
#include "loader/loader_internal.h"

/* ---- Relocations ------------------------------------------------------------------------- */

struct relo {
	struct loader_sec *sec;
	size_t insn;	  /* index of the relocated instruction */
	const char *name; /* the symbol's */
	GElf_Sym sym;
};

static int set_target(struct loader_ctx *ctx, const struct relo *r, size_t tsec, int64_t tinsn)
{
	if (tinsn < 0 || (uint64_t)tinsn >= ctx->secs[tsec].insn_count)
		return loader_err(ctx, -EINVAL,
				  "section '%s' insn %zu: reference to '%s' lands "
				  "outside section '%s'",
				  r->sec->name, r->insn, r->name, ctx->secs[tsec].name);
	r->sec->targets[r->insn] =
	    (struct loader_target){ .sec = (uint32_t)tsec, .insn = (uint32_t)tinsn };
	return 0;
}

/* The index of kfunc `name` in the object's table, added when new; negative errno. */
static int kfunc_index(struct loader_ctx *ctx, const char *name)
{
	struct loader_object *obj = ctx->obj;
	char **grown;

	for (size_t i = 0; i < obj->kfunc_count; i++) {
		if (!strcmp(obj->kfuncs[i], name))
			return (int)i;
	}
	if (obj->kfunc_count >= INT32_MAX)
		return -E2BIG;
	grown = realloc(obj->kfuncs, (obj->kfunc_count + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	obj->kfuncs = grown;
	grown[obj->kfunc_count] = strdup(name);
	if (!grown[obj->kfunc_count])
		return -ENOMEM;
	return (int)obj->kfunc_count++;
}

/* A call to an undefined function (extern ... __ksym): by name, resolved by the runtime.
 * clang emits it as a bpf-to-bpf call (src_reg 1) that libbpf turns into a kfunc call. */
static int kfunc_relo(struct loader_ctx *ctx, const struct relo *r)
{
	struct ebpf_inst *insn = &r->sec->insns[r->insn];
	int index;

	if (insn->src_reg != EBPF_CALL_LOCAL && insn->src_reg != EBPF_CALL_KFUNC)
		return loader_err(ctx, -EINVAL,
				  "section '%s' insn %zu: call to undefined function '%s' is not "
				  "a function call (src_reg %u): declare it extern __ksym",
				  r->sec->name, r->insn, r->name, insn->src_reg);
	if (!r->name[0])
		return loader_err(ctx, -EINVAL,
				  "section '%s' insn %zu: kfunc call against a symbol without "
				  "a name",
				  r->sec->name, r->insn);
	index = kfunc_index(ctx, r->name);
	if (index < 0)
		return loader_err(ctx, index, "section '%s' insn %zu: kfunc '%s': %s", r->sec->name,
				  r->insn, r->name, strerror(-index));
	insn->src_reg = EBPF_CALL_KFUNC;
	insn->imm = index;
	insn->off = 0;
	r->sec->targets[r->insn].kfunc = true;
	return 0;
}

static int call_relo(struct loader_ctx *ctx, const struct relo *r)
{
	const struct ebpf_inst *insn = &r->sec->insns[r->insn];
	size_t tsec = r->sym.st_shndx;

	if (insn->code != EBPF_OP_CALL)
		return loader_err(ctx, -EINVAL,
				  "section '%s' insn %zu: call relocation against '%s' "
				  "on an instruction that is not a call",
				  r->sec->name, r->insn, r->name);
	if (tsec == SHN_UNDEF)
		return kfunc_relo(ctx, r);
	if (insn->src_reg != EBPF_CALL_LOCAL)
		return loader_err(ctx, -EINVAL,
				  "section '%s' insn %zu: call relocation against '%s' "
				  "on a call that is not bpf-to-bpf (src_reg %u)",
				  r->sec->name, r->insn, r->name, insn->src_reg);
	if (tsec >= ctx->shnum || ctx->secs[tsec].kind != SEC_CODE)
		return loader_err(ctx, -EINVAL,
				  "section '%s' insn %zu: call to '%s' in section "
				  "'%s', which holds no code",
				  r->sec->name, r->insn, r->name, loader_sec_name(ctx, tsec));
	if (r->sym.st_value % LOADER_INSN_SZ)
		return loader_err(ctx, -EINVAL,
				  "section '%s' insn %zu: call to '%s' at an offset "
				  "that is not an instruction",
				  r->sec->name, r->insn, r->name);
	/* libbpf's rule: the callee is at symbol + imm + 1 (imm is -1 for a global function,
	 * the callee's offset in its section for a static one named by the section symbol). */
	return set_target(ctx, r, tsec,
			  (int64_t)(r->sym.st_value / LOADER_INSN_SZ) + insn->imm + 1);
}

static int extern_refusal(struct loader_ctx *ctx, const struct relo *r)
{
	const char *where = ctx->has_btf ? loader_btf_extern_section(&ctx->btf, r->name) : NULL;

	return loader_err(ctx, -ENOTSUP,
			  "section '%s' insn %zu: extern variable '%s' (%s) is not "
			  "supported: there is no kernel symbol table to resolve it",
			  r->sec->name, r->insn, r->name, where ? where : ".ksyms");
}

/* A __kconfig extern reads its slot of the .kconfig map; any other extern is refused. */
static int extern_relo(struct loader_ctx *ctx, const struct relo *r, struct ebpf_inst *insn)
{
	uint32_t offset;
	int map = loader_kconfig_ref(ctx, r->name, &offset);

	if (map < 0)
		return extern_refusal(ctx, r);
	insn[1].imm = (int32_t)(offset + (uint32_t)insn[0].imm); /* clang's addend */
	insn[0].src_reg = EBPF_PSEUDO_MAP_IDX_VALUE;
	insn[0].imm = map;
	return 0;
}

static int data_relo(struct loader_ctx *ctx, const struct relo *r, struct ebpf_inst *insn)
{
	const struct loader_sec *dsec = &ctx->secs[r->sym.st_shndx];
	int64_t off = (int64_t)insn[0].imm + (int64_t)r->sym.st_value;

	if (dsec->map < 0 || off < 0 || (uint64_t)off > dsec->shdr.sh_size)
		return loader_err(ctx, -EINVAL,
				  "section '%s' insn %zu: reference to '%s'%+lld lies "
				  "outside section '%s'",
				  r->sec->name, r->insn, r->name, (long long)insn[0].imm,
				  dsec->name);
	insn[0].src_reg = EBPF_PSEUDO_MAP_IDX_VALUE;
	insn[0].imm = dsec->map;
	insn[1].imm = (int32_t)off;
	return 0;
}

static int lddw_relo(struct loader_ctx *ctx, const struct relo *r)
{
	struct ebpf_inst *insn = &r->sec->insns[r->insn];
	size_t tsec = r->sym.st_shndx;
	int64_t off;
	int map;

	if (insn->code != EBPF_OP_LDDW || r->insn + 1 >= r->sec->insn_count)
		return loader_err(ctx, -EINVAL,
				  "section '%s' insn %zu: relocation against '%s' on an "
				  "instruction that is not a 64-bit load (lddw)",
				  r->sec->name, r->insn, r->name);
	if (tsec == SHN_UNDEF)
		return extern_relo(ctx, r, insn);
	if (tsec >= ctx->shnum)
		return loader_err(ctx, -EINVAL,
				  "section '%s' insn %zu: relocation against '%s', "
				  "which has no section (index %#zx)",
				  r->sec->name, r->insn, r->name, tsec);
	switch (ctx->secs[tsec].kind) {
	case SEC_MAPS_BTF:
	case SEC_MAPS_LEGACY:
		map = loader_map_by_offset(ctx, tsec, r->sym.st_value);
		if (map < 0 || GELF_ST_TYPE(r->sym.st_info) == STT_SECTION)
			return loader_err(ctx, -EINVAL,
					  "section '%s' insn %zu: reference to '%s' "
					  "names no map of section '%s'",
					  r->sec->name, r->insn, r->name, ctx->secs[tsec].name);
		insn[0].src_reg = EBPF_PSEUDO_MAP_IDX;
		insn[0].imm = map;
		insn[1].imm = 0;
		return 0;
	case SEC_DATA:
		return data_relo(ctx, r, insn);
	case SEC_CODE:
		off = (int64_t)r->sym.st_value + insn[0].imm;
		if (off % LOADER_INSN_SZ)
			return loader_err(ctx, -EINVAL,
					  "section '%s' insn %zu: function pointer to "
					  "'%s' is not at an instruction",
					  r->sec->name, r->insn, r->name);
		insn[0].src_reg = EBPF_PSEUDO_FUNC;
		insn[0].imm = 0;
		return set_target(ctx, r, tsec, off / LOADER_INSN_SZ);
	default:
		return loader_err(ctx, -EINVAL,
				  "section '%s' insn %zu: relocation against '%s' in "
				  "section '%s', which holds no map, global data or code",
				  r->sec->name, r->insn, r->name, ctx->secs[tsec].name);
	}
}

static int code_relo(struct loader_ctx *ctx, struct loader_sec *sec, const GElf_Rel *rel, size_t n)
{
	uint64_t type = GELF_R_TYPE(rel->r_info);
	uint64_t symi = GELF_R_SYM(rel->r_info);
	struct relo r = { .sec = sec };

	if (rel->r_offset >= sec->insn_count * LOADER_INSN_SZ)
		return loader_err(ctx, -EINVAL,
				  "section '%s': relocation #%zu at offset %#llx lies "
				  "outside the section (%zu bytes)",
				  sec->name, n, (unsigned long long)rel->r_offset,
				  sec->insn_count * LOADER_INSN_SZ);
	if (rel->r_offset % LOADER_INSN_SZ)
		return loader_err(ctx, -EINVAL,
				  "section '%s': relocation #%zu at offset %#llx is not "
				  "on an instruction",
				  sec->name, n, (unsigned long long)rel->r_offset);
	r.insn = rel->r_offset / LOADER_INSN_SZ;
	if (!symi || loader_get_sym(ctx, symi, &r.sym))
		return loader_err(ctx, -EINVAL,
				  "section '%s' insn %zu: relocation #%zu references "
				  "unknown symbol %llu",
				  sec->name, r.insn, n, (unsigned long long)symi);
	r.name = loader_sym_name(ctx, &r.sym);
	switch (type) {
	case R_BPF_64_32:
		return call_relo(ctx, &r);
	case R_BPF_64_64:
		return lddw_relo(ctx, &r);
	case R_BPF_NONE:
		return 0;
	default:
		return loader_err(ctx, -EINVAL,
				  "section '%s' insn %zu: unsupported relocation type "
				  "%llu against '%s'",
				  sec->name, r.insn, (unsigned long long)type, r.name);
	}
}

static int relocate_section(struct loader_ctx *ctx, const struct loader_sec *rel_sec)
{
	struct loader_sec *sec = &ctx->secs[rel_sec->shdr.sh_info];
	size_t n, count;
	GElf_Rel rel;
	int err;

	if (rel_sec->shdr.sh_type != SHT_REL)
		return loader_err(ctx, -EINVAL, "section '%s': RELA relocations are not supported",
				  rel_sec->name);
	if (rel_sec->shdr.sh_link != ctx->symtab)
		return loader_err(ctx, -EINVAL,
				  "section '%s': relocations use a symbol table other "
				  "than .symtab",
				  rel_sec->name);
	if (!rel_sec->data)
		return 0;
	if (rel_sec->data->d_size % sizeof(Elf64_Rel))
		return loader_err(ctx, -EINVAL,
				  "section '%s': size %zu is not a whole number of "
				  "relocations",
				  rel_sec->name, rel_sec->data->d_size);
	count = rel_sec->data->d_size / sizeof(Elf64_Rel);
	for (n = 0; n < count; n++) {
		if (!gelf_getrel(rel_sec->data, (int)n, &rel))
			return loader_err(ctx, -EINVAL, "section '%s': unreadable relocation #%zu",
					  rel_sec->name, n);
		err = code_relo(ctx, sec, &rel, n);
		if (err)
			return err;
	}
	return 0;
}

/* Calls to static functions of the same section carry no relocation: imm is already relative. */
static int scan_calls(struct loader_ctx *ctx, size_t index)
{
	struct loader_sec *sec = &ctx->secs[index];
	struct relo r = { .sec = sec, .name = "relative call target" };
	size_t i;
	int err;

	for (i = 0; i < sec->insn_count; i++) {
		const struct ebpf_inst *insn = &sec->insns[i];
		bool local = (insn->code == EBPF_OP_CALL && insn->src_reg == EBPF_CALL_LOCAL) ||
			     (insn->code == EBPF_OP_LDDW && insn->src_reg == EBPF_PSEUDO_FUNC);

		if (insn->code == EBPF_OP_CALL && insn->src_reg == EBPF_CALL_KFUNC &&
		    !sec->targets[i].kfunc)
			return loader_err(
			    ctx, -ENOTSUP,
			    "section '%s' insn %zu: call to kernel function with BTF "
			    "id %d (kfunc) is not supported: kfuncs are called by name "
			    "(extern __ksym), and this call names none",
			    sec->name, i, insn->imm);
		if (local && !sec->targets[i].sec) {
			r.insn = i;
			err = set_target(ctx, &r, index, (int64_t)i + insn->imm + 1);
			if (err)
				return err;
		}
		if (insn->code == EBPF_OP_LDDW)
			i++;
	}
	return 0;
}

int loader_relocate(struct loader_ctx *ctx)
{
	size_t i;
	int err;

	for (i = 1; i < ctx->shnum; i++) {
		const struct loader_sec *sec = &ctx->secs[i];

		if (sec->kind != SEC_REL)
			continue;
		if (sec->shdr.sh_info == 0 || sec->shdr.sh_info >= ctx->shnum)
			return loader_err(ctx, -EINVAL,
					  "section '%s': applies to section index %u, "
					  "out of range",
					  sec->name, sec->shdr.sh_info);
		if (ctx->secs[sec->shdr.sh_info].kind != SEC_CODE)
			continue; /* debug info, BTF: nothing to do; .maps: see maps.c */
		err = relocate_section(ctx, sec);
		if (err)
			return err;
	}
	for (i = 1; i < ctx->shnum; i++) {
		if (ctx->secs[i].kind != SEC_CODE)
			continue;
		err = scan_calls(ctx, i);
		if (err)
			return err;
	}
	return 0;
}

/* ---- Programs ---------------------------------------------------------------------------- */

/* Functions of one program in layout order: the entry first, then what it reaches. */
struct layout {
	size_t *order; /* function indexes */
	size_t *base;  /* first instruction of order[k] in the program */
	ssize_t *pos;  /* per function: its place in order, -1 when absent */
	size_t count;
	size_t insn_count;
};

static ssize_t func_at(struct loader_ctx *ctx, uint32_t sec, uint32_t insn)
{
	size_t lo = 0, hi = ctx->func_count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct loader_func *f = &ctx->funcs[mid];

		if (f->sec < sec || (f->sec == sec && f->end <= insn))
			lo = mid + 1;
		else if (f->sec > sec || insn < f->start)
			hi = mid;
		else
			return (ssize_t)mid;
	}
	return -1;
}

static int reach(struct loader_ctx *ctx, struct layout *l, const struct loader_func *prog)
{
	size_t k, i;

	for (k = 0; k < l->count; k++) {
		const struct loader_func *f = &ctx->funcs[l->order[k]];
		const struct loader_sec *sec = &ctx->secs[f->sec];

		for (i = f->start; i < f->end; i++) {
			const struct loader_target *t = &sec->targets[i];
			ssize_t g;

			if (!t->sec)
				continue;
			g = func_at(ctx, t->sec, t->insn);
			if (g < 0)
				return loader_err(
				    ctx, -EINVAL,
				    "program '%s': insn %zu of function '%s' "
				    "(section '%s') refers to insn %u of section '%s', "
				    "which is in no function",
				    prog->name, i - f->start, f->name, sec->name, t->insn,
				    ctx->secs[t->sec].name);
			if (l->pos[g] < 0) {
				l->pos[g] = (ssize_t)l->count;
				l->order[l->count++] = (size_t)g;
			}
		}
	}
	return 0;
}

static int plan(struct loader_ctx *ctx, struct layout *l, size_t entry)
{
	size_t k;
	int err;

	memset(l->pos, 0xff, ctx->func_count * sizeof(*l->pos));
	l->order[0] = entry;
	l->pos[entry] = 0;
	l->count = 1;
	err = reach(ctx, l, &ctx->funcs[entry]);
	if (err)
		return err;
	l->insn_count = 0;
	for (k = 0; k < l->count; k++) {
		const struct loader_func *f = &ctx->funcs[l->order[k]];

		l->base[k] = l->insn_count;
		l->insn_count += f->end - f->start;
	}
	return 0;
}

static void emit_code(struct loader_ctx *ctx, const struct layout *l, struct ebpf_inst *out)
{
	size_t k, i;

	for (k = 0; k < l->count; k++) {
		const struct loader_func *f = &ctx->funcs[l->order[k]];
		const struct loader_sec *sec = &ctx->secs[f->sec];
		struct ebpf_inst *dst = out + l->base[k];

		memcpy(dst, sec->insns + f->start, (f->end - f->start) * sizeof(*dst));
		for (i = f->start; i < f->end; i++) {
			const struct loader_target *t = &sec->targets[i];
			ssize_t g;
			size_t to, here;

			if (!t->sec)
				continue;
			g = func_at(ctx, t->sec, t->insn);
			to = l->base[l->pos[g]] + (t->insn - ctx->funcs[g].start);
			here = l->base[k] + (i - f->start);
			dst[i - f->start].imm = (int32_t)((int64_t)to - (int64_t)here - 1);
		}
	}
}

static size_t emit_lines(struct loader_ctx *ctx, const struct layout *l, struct loader_line *out)
{
	const char *strings = ctx->obj->strings;
	struct bpf_line_info li;
	size_t k, n = 0;
	uint32_t j;

	for (k = 0; k < l->count; k++) {
		const struct loader_func *f = &ctx->funcs[l->order[k]];
		const struct loader_ext_block *b = &ctx->secs[f->sec].lines;

		for (j = 0; j < b->count; j++) {
			uint32_t insn;

			memcpy(&li, b->records + (size_t)j * b->rec_size, sizeof(li));
			insn = li.insn_off / LOADER_INSN_SZ;
			if (insn < f->start || insn >= f->end)
				continue;
			if (out) {
				out[n] = (struct loader_line){
					.insn = (uint32_t)(l->base[k] + insn - f->start),
					.line = BPF_LINE_INFO_LINE_NUM(li.line_col),
					.column = BPF_LINE_INFO_LINE_COL(li.line_col),
					.file = strings + li.file_name_off,
					.text = strings[li.line_off] ? strings + li.line_off : NULL,
				};
			}
			n++;
		}
	}
	return n;
}

/* The CO-RE records of each piece follow it, as its line info does. */
static size_t emit_core_relos(struct loader_ctx *ctx, const struct layout *l,
			      struct loader_core_relo *out)
{
	struct bpf_core_relo rec;
	size_t k, n = 0;
	uint32_t j;

	for (k = 0; k < l->count; k++) {
		const struct loader_func *f = &ctx->funcs[l->order[k]];
		const struct loader_ext_block *b = &ctx->secs[f->sec].core;

		for (j = 0; j < b->count; j++) {
			uint32_t insn;

			memcpy(&rec, b->records + (size_t)j * b->rec_size, sizeof(rec));
			insn = rec.insn_off / LOADER_INSN_SZ;
			if (insn < f->start || insn >= f->end)
				continue;
			if (out) {
				out[n] = (struct loader_core_relo){
					.insn = (uint32_t)(l->base[k] + insn - f->start),
					.type_id = rec.type_id,
					.access_str_off = rec.access_str_off,
					.kind = rec.kind,
				};
			}
			n++;
		}
	}
	return n;
}

static int build_core_relos(struct loader_ctx *ctx, const struct layout *l,
			    struct loader_program *prog)
{
	prog->core_relo_count = emit_core_relos(ctx, l, NULL);
	if (!prog->core_relo_count)
		return 0;
	prog->core_relos = calloc(prog->core_relo_count, sizeof(*prog->core_relos));
	if (!prog->core_relos)
		return loader_err(ctx, -ENOMEM, "out of memory");
	emit_core_relos(ctx, l, prog->core_relos);
	return 0;
}

static int cmp_line(const void *a, const void *b)
{
	const struct loader_line *x = a, *y = b;

	return x->insn < y->insn ? -1 : x->insn > y->insn;
}

/* iproute2 loads a tail-call section "ID/IDX" with the program type of the object's main
 * section (`tc filter ... sec classifier`): the first program section that is not one. libbpf's
 * "?SEC" has the type of SEC. */
static const char *type_section(struct loader_ctx *ctx, const struct loader_func *f)
{
	const char *own = ctx->secs[f->sec].name;

	if (own[0] == '?')
		return own + 1;
	if (!loader_is_tail_call_section(own, NULL, NULL))
		return own;
	for (size_t i = 0; i < ctx->func_count; i++) {
		const char *name = ctx->secs[ctx->funcs[i].sec].name;

		if (ctx->funcs[i].is_program && !loader_is_tail_call_section(name, NULL, NULL))
			return name;
	}
	return own;
}

static int build_program(struct loader_ctx *ctx, struct layout *l, size_t entry,
			 struct loader_program *prog)
{
	const struct loader_func *f = &ctx->funcs[entry];
	int err;

	prog->name = strdup(f->name);
	prog->section = strdup(ctx->secs[f->sec].name);
	prog->type_section = strdup(type_section(ctx, f));
	prog->autoload_off = prog->section && prog->section[0] == '?';
	if (!prog->name || !prog->section || !prog->type_section)
		return loader_err(ctx, -ENOMEM, "out of memory");
	err = plan(ctx, l, entry);
	if (err)
		return err;
	prog->insns = malloc(l->insn_count * sizeof(*prog->insns));
	if (!prog->insns)
		return loader_err(ctx, -ENOMEM, "out of memory");
	emit_code(ctx, l, prog->insns);
	prog->insn_count = l->insn_count;
	prog->main_insn_count = f->end - f->start;
	err = build_core_relos(ctx, l, prog);
	if (err)
		return err;
	prog->line_count = ctx->obj->strings ? emit_lines(ctx, l, NULL) : 0;
	if (!prog->line_count)
		return 0;
	prog->lines = calloc(prog->line_count, sizeof(*prog->lines));
	if (!prog->lines)
		return loader_err(ctx, -ENOMEM, "out of memory");
	emit_lines(ctx, l, prog->lines);
	qsort(prog->lines, prog->line_count, sizeof(*prog->lines), cmp_line);
	return 0;
}

static int check_code_has_functions(struct loader_ctx *ctx)
{
	size_t i, j;

	for (i = 1; i < ctx->shnum; i++) {
		const struct loader_sec *sec = &ctx->secs[i];

		if (sec->kind != SEC_CODE || !sec->insn_count)
			continue;
		for (j = 0; j < ctx->func_count && ctx->funcs[j].sec != i; j++)
			;
		if (j == ctx->func_count)
			return loader_err(ctx, -EINVAL,
					  "section '%s': %zu instructions but no function "
					  "symbol",
					  sec->name, sec->insn_count);
	}
	return 0;
}

/* Line info refers to BTF strings: the object keeps a copy; CO-RE relocations refer to the
 * types: the object keeps the whole .BTF. */
static int keep_strings(struct loader_ctx *ctx)
{
	if (!ctx->has_btf || !ctx->btf_ext)
		return 0;
	ctx->obj->btf = malloc(ctx->btf.size);
	if (!ctx->obj->btf)
		return loader_err(ctx, -ENOMEM, "out of memory");
	memcpy(ctx->obj->btf, ctx->btf.raw, ctx->btf.size);
	ctx->obj->btf_size = ctx->btf.size;
	ctx->obj->strings = malloc(ctx->btf.str_len);
	if (!ctx->obj->strings)
		return loader_err(ctx, -ENOMEM, "out of memory");
	memcpy(ctx->obj->strings, ctx->btf.strs, ctx->btf.str_len);
	return 0;
}

int loader_build_programs(struct loader_ctx *ctx)
{
	struct loader_object *obj = ctx->obj;
	struct layout l = { 0 };
	size_t i, n = 0;
	int err;

	err = check_code_has_functions(ctx);
	if (!err)
		err = keep_strings(ctx);
	if (err || !ctx->func_count)
		return err;
	for (i = 0; i < ctx->func_count; i++)
		n += ctx->funcs[i].is_program;
	obj->programs = calloc(n ? n : 1, sizeof(*obj->programs));
	l.order = calloc(ctx->func_count, sizeof(*l.order));
	l.base = calloc(ctx->func_count, sizeof(*l.base));
	l.pos = calloc(ctx->func_count, sizeof(*l.pos));
	if (!obj->programs || !l.order || !l.base || !l.pos) {
		err = loader_err(ctx, -ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < ctx->func_count && !err; i++) {
		if (!ctx->funcs[i].is_program)
			continue;
		/* Counted before building, so that a failure frees what was half built. */
		err = build_program(ctx, &l, i, &obj->programs[obj->program_count++]);
	}
out:
	free(l.order);
	free(l.base);
	free(l.pos);
	return err;
}
