// SPDX-License-Identifier: MIT
/*
 * The loader's entry points and its first pass over the object: the ELF header and section
 * headers are checked by hand before libelf sees them (so that every malformed object gets a
 * precise message), then sections are classified by name as libbpf does, the symbol table
 * yields the function table, and license and version are read.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "loader/loader_internal.h"

int loader_err(struct loader_ctx *ctx, int err, const char *fmt, ...)
{
	va_list ap;

	if (!ctx->err || !ctx->err_size)
		return err;
	va_start(ap, fmt);
	vsnprintf(ctx->err, ctx->err_size, fmt, ap);
	va_end(ap);
	return err;
}

const char *loader_sec_name(struct loader_ctx *ctx, size_t index)
{
	if (index >= ctx->shnum)
		return "<none>";
	return ctx->secs[index].name;
}

/* ---- ELF header and section headers ----------------------------------------------------- */

static bool host_is_little_endian(void)
{
	const uint16_t probe = 1;

	return *(const uint8_t *)&probe == 1;
}

static int check_ehdr(struct loader_ctx *ctx)
{
	const unsigned char *ident = ctx->image;
	Elf64_Ehdr ehdr;
	int host_data = host_is_little_endian() ? ELFDATA2LSB : ELFDATA2MSB;

	if (ctx->size < SELFMAG || memcmp(ident, ELFMAG, SELFMAG))
		return loader_err(ctx, -ENOEXEC, "not an ELF file (no ELF magic)");
	if (ctx->size < sizeof(ehdr))
		return loader_err(ctx, -EINVAL, "truncated ELF header: %zu of %zu bytes", ctx->size,
				  sizeof(ehdr));
	if (ident[EI_CLASS] != ELFCLASS64)
		return loader_err(
		    ctx, -ENOEXEC,
		    "ELF class %u is not supported: BPF objects are 64-bit (ELFCLASS64)",
		    ident[EI_CLASS]);
	if (ident[EI_DATA] != host_data)
		return loader_err(ctx, -ENOEXEC,
				  "ELF data encoding %u is not the host's (%s-endian objects only)",
				  ident[EI_DATA], host_data == ELFDATA2LSB ? "little" : "big");
	memcpy(&ehdr, ctx->image, sizeof(ehdr));
	/* Old LLVM left e_machine EM_NONE: libbpf accepts it as BPF too. */
	if (ehdr.e_machine != EM_BPF && ehdr.e_machine != EM_NONE)
		return loader_err(ctx, -ENOEXEC, "ELF machine %u is not BPF (EM_BPF = %u)",
				  ehdr.e_machine, EM_BPF);
	if (ehdr.e_type != ET_REL)
		return loader_err(ctx, -EINVAL, "ELF type %u is not a relocatable object (ET_REL)",
				  ehdr.e_type);
	if (ehdr.e_shnum == 0 || ehdr.e_shoff == 0)
		return loader_err(ctx, -EINVAL, "ELF object has no section headers");
	if (ehdr.e_shentsize != sizeof(Elf64_Shdr))
		return loader_err(ctx, -EINVAL, "ELF section header size %u, expected %zu",
				  ehdr.e_shentsize, sizeof(Elf64_Shdr));
	if (ehdr.e_shoff > ctx->size ||
	    (ctx->size - ehdr.e_shoff) / sizeof(Elf64_Shdr) < ehdr.e_shnum)
		return loader_err(ctx, -EINVAL,
				  "section headers (%u at offset %#llx) extend past the end of the "
				  "file (%zu bytes)",
				  ehdr.e_shnum, (unsigned long long)ehdr.e_shoff, ctx->size);
	if (ehdr.e_shstrndx == SHN_UNDEF || ehdr.e_shstrndx >= ehdr.e_shnum)
		return loader_err(ctx, -EINVAL,
				  "section name table index %u out of range (%u sections)",
				  ehdr.e_shstrndx, ehdr.e_shnum);
	ctx->shnum = ehdr.e_shnum;
	ctx->shstrndx = ehdr.e_shstrndx;
	return 0;
}

/* A section header as the file has it (maybe unaligned: copied). */
static void raw_shdr(struct loader_ctx *ctx, size_t index, Elf64_Shdr *sh)
{
	const Elf64_Ehdr *ehdr = ctx->image;

	memcpy(sh, (const char *)ctx->image + ehdr->e_shoff + index * sizeof(*sh), sizeof(*sh));
}

static bool shdr_in_file(struct loader_ctx *ctx, const Elf64_Shdr *sh)
{
	if (sh->sh_type == SHT_NOBITS || sh->sh_type == SHT_NULL)
		return true;
	return sh->sh_offset <= ctx->size && sh->sh_size <= ctx->size - sh->sh_offset;
}

/* Every section's bytes must lie in the file and every name in the name table. */
static int check_shdrs(struct loader_ctx *ctx)
{
	Elf64_Shdr names, shdr, *sh = &shdr;
	const char *table;
	size_t i;

	raw_shdr(ctx, ctx->shstrndx, &names);
	if (names.sh_type != SHT_STRTAB || !shdr_in_file(ctx, &names) || names.sh_size == 0)
		return loader_err(ctx, -EINVAL, "section name table (section %zu) is malformed",
				  ctx->shstrndx);
	table = (const char *)ctx->image + names.sh_offset;
	if (table[names.sh_size - 1] != '\0')
		return loader_err(ctx, -EINVAL,
				  "section name table (section %zu) is not "
				  "NUL-terminated",
				  ctx->shstrndx);
	for (i = 1; i < ctx->shnum; i++) {
		raw_shdr(ctx, i, sh);
		if (sh->sh_name >= names.sh_size)
			return loader_err(ctx, -EINVAL, "section %zu: name offset %u out of range",
					  i, sh->sh_name);
		if (!shdr_in_file(ctx, sh))
			return loader_err(
			    ctx, -EINVAL,
			    "section %zu '%s': %llu bytes at offset %#llx extend past "
			    "the end of the file (%zu bytes)",
			    i, table + sh->sh_name, (unsigned long long)sh->sh_size,
			    (unsigned long long)sh->sh_offset, ctx->size);
		if (sh->sh_link >= ctx->shnum)
			return loader_err(ctx, -EINVAL, "section %zu '%s': link %u out of range", i,
					  table + sh->sh_name, sh->sh_link);
	}
	return 0;
}

/* ---- Sections ---------------------------------------------------------------------------- */

static bool has_prefix_dot(const char *name, const char *prefix)
{
	size_t len = strlen(prefix);

	return !strncmp(name, prefix, len) && (name[len] == '\0' || name[len] == '.');
}

static void classify(struct loader_ctx *ctx, size_t index)
{
	struct loader_sec *sec = &ctx->secs[index];
	const GElf_Shdr *sh = &sec->shdr;

	sec->map = -1;
	if (sh->sh_type == SHT_SYMTAB) {
		sec->kind = SEC_SYMTAB;
	} else if (sh->sh_type == SHT_REL || sh->sh_type == SHT_RELA) {
		sec->kind = SEC_REL;
	} else if (sh->sh_type == SHT_PROGBITS && (sh->sh_flags & SHF_EXECINSTR)) {
		sec->kind = SEC_CODE;
	} else if (!strcmp(sec->name, "license")) {
		sec->kind = SEC_LICENSE;
	} else if (!strcmp(sec->name, "version")) {
		sec->kind = SEC_VERSION;
	} else if (!strcmp(sec->name, ".maps")) {
		sec->kind = SEC_MAPS_BTF;
	} else if (!strcmp(sec->name, "maps")) {
		sec->kind = SEC_MAPS_LEGACY;
	} else if (!strcmp(sec->name, ".BTF")) {
		sec->kind = SEC_BTF;
	} else if (!strcmp(sec->name, ".BTF.ext")) {
		sec->kind = SEC_BTF_EXT;
	} else if (sh->sh_type == SHT_PROGBITS && has_prefix_dot(sec->name, ".rodata")) {
		sec->kind = SEC_DATA;
		sec->data_kind = LOADER_MAP_RODATA;
	} else if (sh->sh_type == SHT_PROGBITS && has_prefix_dot(sec->name, ".data")) {
		sec->kind = SEC_DATA;
		sec->data_kind = LOADER_MAP_DATA;
	} else if (sh->sh_type == SHT_NOBITS && has_prefix_dot(sec->name, ".bss")) {
		sec->kind = SEC_DATA;
		sec->data_kind = LOADER_MAP_BSS;
	} else {
		sec->kind = SEC_OTHER;
	}
}

static int check_duplicate(struct loader_ctx *ctx, size_t index)
{
	size_t i;

	for (i = 1; i < index; i++) {
		if (!strcmp(ctx->secs[i].name, ctx->secs[index].name))
			return loader_err(ctx, -EINVAL,
					  "duplicate section '%s' (sections %zu and %zu)",
					  ctx->secs[index].name, i, index);
	}
	return 0;
}

/* The code of a section, copied: relocations are applied to the copy, per program later. */
static int load_code(struct loader_ctx *ctx, struct loader_sec *sec)
{
	size_t size = sec->data ? sec->data->d_size : 0;

	if (size % LOADER_INSN_SZ)
		return loader_err(
		    ctx, -EINVAL,
		    "section '%s': size %zu is not a multiple of the instruction size", sec->name,
		    size);
	sec->insn_count = size / LOADER_INSN_SZ;
	if (!sec->insn_count)
		return 0;
	sec->insns = malloc(size);
	sec->targets = calloc(sec->insn_count, sizeof(*sec->targets));
	if (!sec->insns || !sec->targets)
		return loader_err(ctx, -ENOMEM, "out of memory");
	memcpy(sec->insns, sec->data->d_buf, size);
	return 0;
}

static int note_unique(struct loader_ctx *ctx, size_t *slot, size_t index)
{
	if (*slot)
		return loader_err(ctx, -EINVAL, "more than one section '%s' (sections %zu and %zu)",
				  ctx->secs[index].name, *slot, index);
	*slot = index;
	return 0;
}

static int collect_sections(struct loader_ctx *ctx)
{
	size_t i;
	int err;

	ctx->secs = calloc(ctx->shnum, sizeof(*ctx->secs));
	if (!ctx->secs)
		return loader_err(ctx, -ENOMEM, "out of memory");
	ctx->secs[0].name = "";
	for (i = 1; i < ctx->shnum; i++) {
		struct loader_sec *sec = &ctx->secs[i];
		Elf_Scn *scn = elf_getscn(ctx->elf, i);

		if (!scn || !gelf_getshdr(scn, &sec->shdr))
			return loader_err(ctx, -EINVAL, "section %zu: unreadable header (%s)", i,
					  elf_errmsg(-1));
		sec->name = elf_strptr(ctx->elf, ctx->shstrndx, sec->shdr.sh_name);
		if (!sec->name)
			return loader_err(ctx, -EINVAL, "section %zu: unreadable name", i);
		err = check_duplicate(ctx, i);
		if (err)
			return err;
		if (sec->shdr.sh_type != SHT_NOBITS && sec->shdr.sh_size) {
			sec->data = elf_getdata(scn, NULL);
			if (!sec->data || sec->data->d_size != sec->shdr.sh_size)
				return loader_err(ctx, -EINVAL,
						  "section '%s': unreadable data (%s)", sec->name,
						  elf_errmsg(-1));
		}
		classify(ctx, i);
		switch (sec->kind) {
		case SEC_CODE:
			if (!strcmp(sec->name, ".text"))
				ctx->text = i;
			err = load_code(ctx, sec);
			break;
		case SEC_SYMTAB:
			err = note_unique(ctx, &ctx->symtab, i);
			break;
		case SEC_MAPS_BTF:
			ctx->maps_btf = i;
			break;
		case SEC_MAPS_LEGACY:
			ctx->maps_legacy = i;
			break;
		default:
			break;
		}
		if (err)
			return err;
	}
	return 0;
}

/* ---- Symbols ----------------------------------------------------------------------------- */

static int load_symtab(struct loader_ctx *ctx)
{
	struct loader_sec *sec;

	if (!ctx->symtab)
		return loader_err(ctx, -EINVAL, "object has no symbol table (.symtab)");
	sec = &ctx->secs[ctx->symtab];
	if (sec->shdr.sh_entsize != sizeof(Elf64_Sym) || sec->shdr.sh_size % sizeof(Elf64_Sym))
		return loader_err(ctx, -EINVAL, "symbol table: entry size %llu, expected %zu",
				  (unsigned long long)sec->shdr.sh_entsize, sizeof(Elf64_Sym));
	ctx->strtab = sec->shdr.sh_link;
	if (!ctx->strtab || ctx->secs[ctx->strtab].shdr.sh_type != SHT_STRTAB)
		return loader_err(ctx, -EINVAL, "symbol table: link %zu is not a string table",
				  ctx->strtab);
	ctx->symbols = sec->data;
	ctx->sym_count = sec->data ? sec->data->d_size / sizeof(Elf64_Sym) : 0;
	return 0;
}

int loader_get_sym(struct loader_ctx *ctx, size_t index, GElf_Sym *sym)
{
	if (index >= ctx->sym_count || !gelf_getsym(ctx->symbols, (int)index, sym))
		return -ENOENT;
	return 0;
}

int loader_find_sym(struct loader_ctx *ctx, const char *name, size_t shndx, GElf_Sym *sym)
{
	size_t i;

	for (i = 1; i < ctx->sym_count; i++) {
		if (!loader_get_sym(ctx, i, sym) && sym->st_shndx == shndx &&
		    GELF_ST_TYPE(sym->st_info) != STT_SECTION &&
		    !strcmp(loader_sym_name(ctx, sym), name))
			return 0;
	}
	return -ENOENT;
}

const char *loader_sym_name(struct loader_ctx *ctx, const GElf_Sym *sym)
{
	const char *name;

	if (GELF_ST_TYPE(sym->st_info) == STT_SECTION && sym->st_shndx < ctx->shnum)
		return ctx->secs[sym->st_shndx].name;
	name = elf_strptr(ctx->elf, ctx->strtab, sym->st_name);
	return name ? name : "<bad name>";
}

static int check_symbol(struct loader_ctx *ctx, size_t index, const GElf_Sym *sym)
{
	if (!elf_strptr(ctx->elf, ctx->strtab, sym->st_name))
		return loader_err(ctx, -EINVAL, "symbol %zu: name offset %u out of range", index,
				  sym->st_name);
	if (sym->st_shndx >= ctx->shnum && sym->st_shndx < SHN_LORESERVE)
		return loader_err(ctx, -EINVAL, "symbol '%s': section index %u out of range",
				  loader_sym_name(ctx, sym), sym->st_shndx);
	if (sym->st_shndx == SHN_XINDEX)
		return loader_err(ctx, -EINVAL,
				  "symbol '%s': extended section indexes are not "
				  "supported",
				  loader_sym_name(ctx, sym));
	return 0;
}

static int add_function(struct loader_ctx *ctx, const GElf_Sym *sym, size_t *cap)
{
	struct loader_sec *sec = &ctx->secs[sym->st_shndx];
	const char *name = loader_sym_name(ctx, sym);
	struct loader_func *func;

	if (sym->st_value % LOADER_INSN_SZ || sym->st_size % LOADER_INSN_SZ || !sym->st_size)
		return loader_err(
		    ctx, -EINVAL,
		    "section '%s': function '%s' (offset %llu, size %llu) is not made "
		    "of whole instructions",
		    sec->name, name, (unsigned long long)sym->st_value,
		    (unsigned long long)sym->st_size);
	if (sym->st_value > sec->insn_count * LOADER_INSN_SZ ||
	    sym->st_size > sec->insn_count * LOADER_INSN_SZ - sym->st_value)
		return loader_err(ctx, -EINVAL,
				  "section '%s': function '%s' extends past the section", sec->name,
				  name);
	if (ctx->func_count == *cap) {
		size_t n = *cap ? *cap * 2 : 16;
		void *p = realloc(ctx->funcs, n * sizeof(*ctx->funcs));

		if (!p)
			return loader_err(ctx, -ENOMEM, "out of memory");
		ctx->funcs = p;
		*cap = n;
	}
	func = &ctx->funcs[ctx->func_count++];
	func->name = name;
	func->sec = sym->st_shndx;
	func->start = sym->st_value / LOADER_INSN_SZ;
	func->end = func->start + sym->st_size / LOADER_INSN_SZ;
	/* libbpf's rule: global functions of a program section are programs; .text only holds
	 * subprograms, and so do static functions anywhere. */
	func->global = GELF_ST_BIND(sym->st_info) != STB_LOCAL;
	func->is_program = sym->st_shndx != ctx->text && func->global;
	return 0;
}

static bool is_code_symbol(struct loader_ctx *ctx, const GElf_Sym *sym, unsigned char type)
{
	return GELF_ST_TYPE(sym->st_info) == type && sym->st_shndx < ctx->shnum &&
	       ctx->secs[sym->st_shndx].kind == SEC_CODE;
}

static int cmp_sym_place(const void *a, const void *b)
{
	const GElf_Sym *x = a, *y = b;

	if (x->st_shndx != y->st_shndx)
		return x->st_shndx < y->st_shndx ? -1 : 1;
	return x->st_value < y->st_value ? -1 : x->st_value > y->st_value;
}

/* The GLOBAL NOTYPE symbols of code sections that no STT_FUNC symbol describes, sorted by
 * place (so that each one's end is found from its neighbour: n log n whatever the count). */
static int notype_candidates(struct loader_ctx *ctx, GElf_Sym **out, size_t *count)
{
	bool *described = calloc(ctx->shnum, sizeof(*described));
	GElf_Sym *syms = calloc(ctx->sym_count ? ctx->sym_count : 1, sizeof(*syms));
	GElf_Sym sym;
	size_t n = 0;

	if (!described || !syms) {
		free(described);
		free(syms);
		return loader_err(ctx, -ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < ctx->func_count; i++)
		described[ctx->funcs[i].sec] = true;
	for (size_t i = 1; i < ctx->sym_count; i++) {
		if (!loader_get_sym(ctx, i, &sym) && is_code_symbol(ctx, &sym, STT_NOTYPE) &&
		    GELF_ST_BIND(sym.st_info) == STB_GLOBAL && !described[sym.st_shndx])
			syms[n++] = sym;
	}
	free(described);
	qsort(syms, n, sizeof(*syms), cmp_sym_place);
	*out = syms;
	*count = n;
	return 0;
}

/*
 * Objects of old clang describe functions with GLOBAL NOTYPE symbols, often without size: in a
 * code section with no STT_FUNC symbol, each such symbol is a function reaching to the next
 * global symbol of its section, or to the section's end.
 */
static int collect_notype_functions(struct loader_ctx *ctx, size_t *cap)
{
	GElf_Sym *syms = NULL;
	size_t n = 0, i, next;
	int err;

	err = notype_candidates(ctx, &syms, &n);
	if (err)
		return err;
	for (i = 0; i < n && !err; i++) {
		GElf_Sym *sym = &syms[i];
		uint64_t end = ctx->secs[sym->st_shndx].insn_count * LOADER_INSN_SZ;

		for (next = i + 1; next < n && syms[next].st_shndx == sym->st_shndx &&
				   syms[next].st_value == sym->st_value;
		     next++)
			;
		if (next < n && syms[next].st_shndx == sym->st_shndx && syms[next].st_value < end)
			end = syms[next].st_value;
		if (!sym->st_size)
			sym->st_size = end > sym->st_value ? end - sym->st_value : 0;
		err = add_function(ctx, sym, cap);
	}
	free(syms);
	return err;
}

/* An object whose code is all in .text (no SEC() at all): its global functions are its
 * programs, as older libbpf loaded them; the program type must then be given. */
static void text_only_programs(struct loader_ctx *ctx)
{
	size_t i;

	for (i = 0; i < ctx->func_count; i++) {
		if (ctx->funcs[i].is_program || ctx->funcs[i].sec != ctx->text)
			return;
	}
	for (i = 0; i < ctx->func_count; i++)
		ctx->funcs[i].is_program = ctx->funcs[i].global;
}

/*
 * Loaders that load a section by its name (iproute2, Falco's libscap) take the section's code
 * from its first instruction whatever the symbol's binding: Falco's probe declares each of its
 * programs static, alone in its section. A program section with no global function is one
 * program, its static function at offset 0, as older libbpf loaded it; static functions in a
 * section that has a global one stay subprograms. ctx->funcs is sorted by section and place.
 */
static void static_section_programs(struct loader_ctx *ctx)
{
	size_t i = 0, j;

	while (i < ctx->func_count) {
		bool global = false;

		for (j = i; j < ctx->func_count && ctx->funcs[j].sec == ctx->funcs[i].sec; j++)
			global |= ctx->funcs[j].global;
		if (!global && ctx->funcs[i].sec != ctx->text && ctx->funcs[i].start == 0)
			ctx->funcs[i].is_program = true;
		i = j;
	}
}

static int cmp_func(const void *a, const void *b)
{
	const struct loader_func *x = a, *y = b;

	if (x->sec != y->sec)
		return x->sec < y->sec ? -1 : 1;
	return x->start < y->start ? -1 : x->start > y->start;
}

static int check_functions(struct loader_ctx *ctx)
{
	size_t i, j;

	for (i = 1; i < ctx->func_count; i++) {
		const struct loader_func *prev = &ctx->funcs[i - 1], *func = &ctx->funcs[i];

		if (prev->sec == func->sec && func->start < prev->end)
			return loader_err(ctx, -EINVAL,
					  "section '%s': functions '%s' and '%s' overlap",
					  ctx->secs[func->sec].name, prev->name, func->name);
	}
	for (i = 0; i < ctx->func_count; i++) {
		if (!ctx->funcs[i].is_program)
			continue;
		for (j = i + 1; j < ctx->func_count; j++) {
			if (ctx->funcs[j].is_program &&
			    !strcmp(ctx->funcs[i].name, ctx->funcs[j].name))
				return loader_err(
				    ctx, -EINVAL,
				    "duplicate program name '%s' (sections '%s' and '%s')",
				    ctx->funcs[i].name, ctx->secs[ctx->funcs[i].sec].name,
				    ctx->secs[ctx->funcs[j].sec].name);
		}
	}
	return 0;
}

static int collect_functions(struct loader_ctx *ctx)
{
	size_t i, cap = 0;
	GElf_Sym sym;
	int err;

	for (i = 1; i < ctx->sym_count; i++) {
		if (loader_get_sym(ctx, i, &sym))
			return loader_err(ctx, -EINVAL, "symbol %zu: unreadable", i);
		err = check_symbol(ctx, i, &sym);
		if (err)
			return err;
		if (!is_code_symbol(ctx, &sym, STT_FUNC))
			continue;
		err = add_function(ctx, &sym, &cap);
		if (err)
			return err;
	}
	err = collect_notype_functions(ctx, &cap);
	if (err)
		return err;
	text_only_programs(ctx);
	if (ctx->funcs)
		qsort(ctx->funcs, ctx->func_count, sizeof(*ctx->funcs), cmp_func);
	static_section_programs(ctx);
	return check_functions(ctx);
}

int loader_program_index(struct loader_ctx *ctx, size_t sec, uint64_t offset)
{
	size_t i;
	int index = 0;

	for (i = 0; i < ctx->func_count; i++) {
		const struct loader_func *func = &ctx->funcs[i];

		if (!func->is_program)
			continue;
		if (func->sec == sec && (uint64_t)func->start * LOADER_INSN_SZ == offset)
			return index;
		index++;
	}
	return -ENOENT;
}

/* ---- License and version ----------------------------------------------------------------- */

static int read_license_version(struct loader_ctx *ctx)
{
	size_t i;

	for (i = 1; i < ctx->shnum; i++) {
		const struct loader_sec *sec = &ctx->secs[i];
		size_t size = sec->data ? sec->data->d_size : 0;

		if (sec->kind == SEC_LICENSE) {
			size_t len = strnlen(sec->data ? sec->data->d_buf : "", size);

			if (len >= sizeof(ctx->obj->license))
				return loader_err(ctx, -EINVAL,
						  "section 'license': license string "
						  "longer than %zu bytes",
						  sizeof(ctx->obj->license) - 1);
			memcpy(ctx->obj->license, sec->data ? sec->data->d_buf : "", len);
			ctx->obj->license[len] = '\0';
		} else if (sec->kind == SEC_VERSION) {
			if (size != sizeof(uint32_t))
				return loader_err(ctx, -EINVAL,
						  "section 'version': size %zu, expected 4", size);
			memcpy(&ctx->obj->kern_version, sec->data->d_buf, sizeof(uint32_t));
		}
	}
	return 0;
}

static int find_btf(struct loader_ctx *ctx)
{
	size_t i;
	int err;

	for (i = 1; i < ctx->shnum; i++) {
		const struct loader_sec *sec = &ctx->secs[i];

		if (sec->kind == SEC_BTF && sec->data) {
			err = loader_btf_parse(ctx, sec->data->d_buf, sec->data->d_size);
			if (err)
				return err;
			ctx->has_btf = true;
		} else if (sec->kind == SEC_BTF_EXT && sec->data) {
			ctx->btf_ext = malloc(sec->data->d_size);
			if (!ctx->btf_ext)
				return loader_err(ctx, -ENOMEM, "out of memory");
			memcpy(ctx->btf_ext, sec->data->d_buf, sec->data->d_size);
			ctx->btf_ext_size = sec->data->d_size;
		}
	}
	return ctx->btf_ext ? loader_btf_ext_parse(ctx) : 0;
}

/* ---- Entry points ------------------------------------------------------------------------ */

static void ctx_free(struct loader_ctx *ctx)
{
	size_t i;

	if (ctx->secs) {
		for (i = 0; i < ctx->shnum; i++) {
			free(ctx->secs[i].insns);
			free(ctx->secs[i].targets);
		}
	}
	free(ctx->secs);
	free(ctx->funcs);
	free(ctx->origins);
	free(ctx->btf_ext);
	loader_btf_free(&ctx->btf);
	if (ctx->elf)
		elf_end(ctx->elf);
	free(ctx->image);
}

static int parse(struct loader_ctx *ctx)
{
	int err;

	err = check_ehdr(ctx);
	if (!err)
		err = check_shdrs(ctx);
	if (err)
		return err;
	if (elf_version(EV_CURRENT) == EV_NONE)
		return loader_err(ctx, -EINVAL, "libelf: %s", elf_errmsg(-1));
	ctx->elf = elf_memory(ctx->image, ctx->size);
	if (!ctx->elf || elf_kind(ctx->elf) != ELF_K_ELF)
		return loader_err(ctx, -EINVAL, "libelf cannot read the object: %s",
				  elf_errmsg(-1));
	err = collect_sections(ctx);
	if (!err)
		err = load_symtab(ctx);
	if (!err)
		err = collect_functions(ctx);
	if (!err)
		err = read_license_version(ctx);
	if (!err)
		err = find_btf(ctx);
	if (!err)
		err = loader_collect_maps(ctx);
	if (!err)
		err = loader_collect_externs(ctx);
	if (!err)
		err = loader_relocate(ctx);
	if (!err)
		err = loader_build_programs(ctx);
	return err;
}

int loader_open_mem(const void *data, size_t size, const char *name, struct loader_object **object,
		    char *err_buf, size_t err_size)
{
	struct loader_ctx ctx = { .err = err_buf, .err_size = err_size };
	int err;

	if (err_buf && err_size)
		err_buf[0] = '\0';
	if (!object || (!data && size))
		return loader_err(&ctx, -EINVAL, "invalid arguments");
	*object = NULL;
	ctx.obj = calloc(1, sizeof(*ctx.obj));
	if (ctx.obj)
		ctx.obj->name = strdup(name ? name : "<memory>");
	/* libelf hands out pointers into the image: a private copy is aligned and stays put. */
	ctx.image = malloc(size ? size : 1);
	ctx.size = size;
	if (!ctx.obj || !ctx.obj->name || !ctx.image) {
		err = loader_err(&ctx, -ENOMEM, "out of memory");
		goto out;
	}
	if (size)
		memcpy(ctx.image, data, size);
	err = parse(&ctx);
out:
	ctx_free(&ctx);
	if (err) {
		loader_object_free(ctx.obj);
		return err;
	}
	*object = ctx.obj;
	return 0;
}

int loader_open_file(const char *path, struct loader_object **object, char *err, size_t err_size)
{
	struct loader_ctx ctx = { .err = err, .err_size = err_size };
	const char *base;
	struct stat st;
	void *map = NULL;
	int fd, ret;

	if (!path || !object)
		return loader_err(&ctx, -EINVAL, "invalid arguments");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return loader_err(&ctx, -errno, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st)) {
		ret = loader_err(&ctx, -errno, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		ret = loader_err(&ctx, -EISDIR, "%s: is a directory, not an ELF object", path);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		ret = loader_err(&ctx, -EINVAL, "%s: not a regular file", path);
		goto out;
	}
	if (st.st_size > 0) {
		map = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (map == MAP_FAILED) {
			ret = loader_err(&ctx, -errno, "%s: %s", path, strerror(errno));
			goto out;
		}
	}
	base = strrchr(path, '/');
	ret = loader_open_mem(map, st.st_size, base ? base + 1 : path, object, err, err_size);
	if (map)
		munmap(map, st.st_size);
out:
	close(fd);
	return ret;
}

void loader_object_free(struct loader_object *object)
{
	size_t i;

	if (!object)
		return;
	for (i = 0; i < object->program_count; i++) {
		free(object->programs[i].name);
		free(object->programs[i].section);
		free(object->programs[i].type_section);
		free(object->programs[i].insns);
		free(object->programs[i].lines);
		free(object->programs[i].core_relos);
	}
	for (i = 0; i < object->map_count; i++) {
		free(object->maps[i].name);
		free(object->maps[i].pin_path);
		free(object->maps[i].initial_data);
		free(object->maps[i].init_slots);
		free(object->maps[i].init_programs);
		free(object->maps[i].init_map_slots);
		free(object->maps[i].init_maps);
		for (uint32_t f = 0; f < object->maps[i].field_count; f++)
			free((char *)object->maps[i].fields[f].type_name);
		free(object->maps[i].fields);
	}
	for (i = 0; i < object->extern_count; i++)
		free(object->externs[i].name);
	free(object->externs);
	for (i = 0; i < object->kfunc_count; i++)
		free(object->kfuncs[i]);
	free(object->kfuncs);
	free(object->programs);
	free(object->maps);
	free(object->strings);
	free(object->btf);
	free(object->name);
	free(object);
}
