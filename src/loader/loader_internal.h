/* SPDX-License-Identifier: MIT */
/*
 * What the loader's files share while one object is parsed: the ELF image, its sections and
 * symbols, the BTF, the function table and the object under construction. Nothing here
 * outlives loader_open_mem().
 */
#ifndef EXTBPF_LOADER_INTERNAL_H
#define EXTBPF_LOADER_INTERNAL_H

#include <gelf.h>
#include <libelf.h>
#include <linux/btf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "loader/loader.h"

#define LOADER_INSN_SZ 8

/* Relocation types of EM_BPF that <elf.h> does not name (LLVM's BPF backend emits them). */
#ifndef R_BPF_64_ABS64
#define R_BPF_64_ABS64 2
#endif
#ifndef R_BPF_64_ABS32
#define R_BPF_64_ABS32 3
#endif
#ifndef R_BPF_64_NODYLD32
#define R_BPF_64_NODYLD32 4
#endif

/* Linux's BPF_MAP_TYPE_PERF_EVENT_ARRAY, which the runtime's enum does not name. */
#define LOADER_MAP_TYPE_PERF_EVENT_ARRAY 4
/* A stack trace map declared without sizes (loader_size_maps). */
#define LOADER_STACK_DEPTH		 127
#define LOADER_STACK_ENTRIES		 1024

enum loader_sec_kind {
	SEC_OTHER,	 /* debug info, address-significance tables, ...: ignored */
	SEC_CODE,	 /* executable: programs and subprograms */
	SEC_MAPS_BTF,	 /* .maps */
	SEC_MAPS_LEGACY, /* maps */
	SEC_DATA,	 /* .rodata*, .data*, .bss* */
	SEC_LICENSE,
	SEC_VERSION,
	SEC_BTF,
	SEC_BTF_EXT,
	SEC_SYMTAB,
	SEC_REL,
};

/* Where a call or function pointer of a code section leads, before programs are laid out. */
struct loader_target {
	uint32_t sec; /* 0: the instruction refers to no function */
	uint32_t insn;
	bool kfunc; /* a call by name, resolved to its index in obj->kfuncs */
};

/* A block of .BTF.ext records that belongs to one section. */
struct loader_ext_block {
	const uint8_t *records;
	uint32_t count;
	uint32_t rec_size;
};

struct loader_sec {
	const char *name;
	GElf_Shdr shdr;
	Elf_Data *data; /* NULL for SHT_NOBITS and empty sections */
	enum loader_sec_kind kind;
	enum loader_map_kind data_kind; /* SEC_DATA only */
	int32_t map;			/* SEC_DATA only: its map, -1 when empty */
	/* SEC_CODE: a private, relocated copy of the instructions and their call targets. */
	struct ebpf_inst *insns;
	size_t insn_count;
	struct loader_target *targets;
	struct loader_ext_block lines;
	struct loader_ext_block core; /* CO-RE relocation records */
};

struct loader_func {
	const char *name;
	uint32_t sec;
	uint32_t start; /* instruction index in the section */
	uint32_t end;	/* one past the last */
	bool global;
	bool is_program;
};

struct loader_btf {
	void *raw; /* an aligned copy of .BTF */
	size_t size;
	const char *strs;
	uint32_t str_len;
	const struct btf_type **types; /* indexed by type id; [0] is void (NULL) */
	uint32_t nr_types;
};

/* Where a user map's definition lives, to resolve the relocations that name it. */
struct loader_map_origin {
	uint32_t sec;
	uint64_t offset;
	uint64_t size;
	uint32_t values_offset; /* BTF maps with `values`: byte offset of the array in the def */
	bool has_values;
	/* struct bpf_elf_map (iproute2): the map's id, the id of its inner map, its slot in the
	 * outer maps that name it */
	uint32_t elf_id, inner_id, inner_idx;
	/* samples/bpf's struct bpf_map_def: the inner map by its index among the legacy maps */
	uint32_t inner_map_idx;
	bool has_inner_map_idx;
};

/* The fields a legacy `maps` definition may have (legacy_def.c). */
enum loader_legacy_field {
	LEGACY_TYPE,
	LEGACY_KEY_SIZE,
	LEGACY_VALUE_SIZE,
	LEGACY_MAX_ENTRIES,
	LEGACY_FLAGS,
	LEGACY_ID,
	LEGACY_PINNING,
	LEGACY_INNER_ID,
	LEGACY_INNER_IDX,
	LEGACY_INNER_MAP_IDX,
	LEGACY_NUMA_NODE,
	LEGACY_FIELD_COUNT
};

struct loader_legacy_def {
	uint32_t val[LEGACY_FIELD_COUNT]; /* 0 where absent */
	bool has[LEGACY_FIELD_COUNT];
};

struct loader_ctx {
	char *err;
	size_t err_size;
	void *image; /* private, aligned copy of the object: libelf's data points into it */
	size_t size;
	Elf *elf;

	struct loader_sec *secs;
	size_t shnum;
	size_t shstrndx;
	size_t symtab; /* section index, 0 when none */
	Elf_Data *symbols;
	size_t sym_count;
	size_t strtab;	    /* section index of the symbol names */
	size_t text;	    /* .text, 0 when none */
	size_t maps_btf;    /* .maps, 0 when none */
	size_t maps_legacy; /* maps, 0 when none */

	bool has_btf;
	struct loader_btf btf;
	uint8_t *btf_ext; /* an aligned copy of .BTF.ext */
	size_t btf_ext_size;

	struct loader_func *funcs; /* sorted by (sec, start) */
	size_t func_count;

	struct loader_map_origin *origins; /* parallel to obj->maps */
	size_t maps_cap;

	struct loader_object *obj;
};

/* Formats the message for the caller and returns err. */
int loader_err(struct loader_ctx *ctx, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The special fields of map `index`'s value type (map_fields.c): spin lock and kptrs. */
int loader_map_fields(struct loader_ctx *ctx, int index, uint32_t value_type_id);

/* Symbols (loader.c). */
int loader_get_sym(struct loader_ctx *ctx, size_t index, GElf_Sym *sym);
const char *loader_sym_name(struct loader_ctx *ctx, const GElf_Sym *sym);
int loader_find_sym(struct loader_ctx *ctx, const char *name, size_t shndx, GElf_Sym *sym);
const char *loader_sec_name(struct loader_ctx *ctx, size_t index);
int loader_program_index(struct loader_ctx *ctx, size_t sec, uint64_t offset);

/* BTF and .BTF.ext (btf.c). */
int loader_btf_parse(struct loader_ctx *ctx, const void *data, size_t size);
void loader_btf_free(struct loader_btf *btf);
const struct btf_type *loader_btf_type(const struct loader_btf *btf, uint32_t id);
const char *loader_btf_str(const struct loader_btf *btf, uint32_t off);
const struct btf_type *loader_btf_skip_mods(const struct loader_btf *btf, uint32_t id,
					    uint32_t *res_id);
int loader_btf_resolve_size(const struct loader_btf *btf, uint32_t id, uint64_t *size);
/* "struct task_struct", "int", "(anon) struct": for messages. */
void loader_btf_type_name(const struct loader_btf *btf, uint32_t id, char *buf, size_t size);
/* The DATASEC describing section `name`, or NULL. */
const struct btf_type *loader_btf_datasec(const struct loader_btf *btf, const char *name);
/* Finds the DATASEC ".kconfig" or ".ksyms" that declares an extern variable. */
const char *loader_btf_extern_section(const struct loader_btf *btf, const char *name);
int loader_btf_ext_parse(struct loader_ctx *ctx);

/* Reads the definition of legacy map `name` (size bytes), by its BTF field names when the object
 * has them, else by offsets; refuses non-zero bytes that no known field holds. */
int loader_legacy_def_read(struct loader_ctx *ctx, const char *name, const uint8_t *bytes,
			   uint64_t size, struct loader_legacy_def *def);

/* Maps (maps.c). */
int loader_collect_maps(struct loader_ctx *ctx);
int loader_map_by_offset(struct loader_ctx *ctx, size_t sec, uint64_t offset);
/* Appends a map to the object: its index, or a negative errno. */
int loader_add_map(struct loader_ctx *ctx, const char *name, enum loader_map_kind kind);

/* __kconfig externs (kconfig.c): after the maps; the map index and the extern's offset in it,
 * or -ENOENT. */
int loader_collect_externs(struct loader_ctx *ctx);
int loader_kconfig_ref(struct loader_ctx *ctx, const char *name, uint32_t *offset);
/* tc's tail-call section names "ID/IDX" (id of a program array, slot in it). */
bool loader_is_tail_call_section(const char *name, uint32_t *id, uint32_t *idx);

/* Relocations and programs (relo.c). */
int loader_relocate(struct loader_ctx *ctx);
int loader_build_programs(struct loader_ctx *ctx);

#endif /* EXTBPF_LOADER_INTERNAL_H */
