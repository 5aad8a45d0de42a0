/* SPDX-License-Identifier: MIT */
/*
 * The ELF loader: a clang -target bpf object -> programs, map definitions and global data, as
 * libbpf reads them. It creates nothing: the core turns the result into maps and programs.
 *
 * Relocations are applied in a form the verifier understands, independent of where maps end up:
 * - a map reference becomes lddw with src_reg EBPF_PSEUDO_MAP_IDX, imm = index into maps[];
 * - a global-data reference (.rodata, .data, .bss and their sub-sections) becomes lddw with
 *   src_reg EBPF_PSEUDO_MAP_IDX_VALUE, imm = index of the section's map, next imm = offset;
 * - bpf-to-bpf calls and function pointers: each program's instructions are its own followed by
 *   every subprogram it reaches (as libbpf appends them), call imm relative as RFC 9669 says.
 */
#ifndef EXTBPF_LOADER_H
#define EXTBPF_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <extbpf/extbpf.h>

#include "verifier/verifier.h" /* struct verifier_field */

enum loader_map_kind {
	LOADER_MAP_USER,   /* from .maps (BTF) or the legacy maps section */
	LOADER_MAP_RODATA, /* .rodata*: array of one value, frozen: programs may not write it */
	LOADER_MAP_DATA,   /* .data* */
	LOADER_MAP_BSS,	   /* .bss*: zero-initialised */
};

/* How a map is pinned: libbpf's LIBBPF_PIN_BY_NAME (BTF maps), iproute2's PIN_OBJECT_NS and
 * PIN_GLOBAL_NS (struct bpf_elf_map). Each pinned map has its pin_path. */
#define LOADER_PIN_NONE	     0
#define LOADER_PIN_BY_NAME   1 /* "<name>" */
#define LOADER_PIN_OBJECT_NS 2 /* "tc/<object hash>/<name>": shared by loads of one object */
#define LOADER_PIN_GLOBAL_NS 3 /* "tc/globals/<name>": shared by every object */

struct loader_map {
	char *name; /* the variable's name, or the section name for global data */
	enum loader_map_kind kind;
	enum ebpf_map_type type;
	uint32_t key_size;
	uint32_t value_size;
	uint32_t max_entries;
	uint32_t map_flags;
	uint32_t pinning;  /* LOADER_PIN_* */
	char *pin_path;	   /* relative to the pin root; NULL when not pinned */
	int32_t inner_map; /* index in maps[] of the inner map's template, -1 when none */
	/* This map is only the template of another map's inner maps ("<outer>.inner", as libbpf
	 * names it): no program refers to it. */
	bool inner_template;
	/* The value's special fields (spin lock, kptrs) from its BTF, sorted by offset; each
	 * type_name is the loader's own copy. */
	struct verifier_field *fields;
	uint32_t field_count;
	/* Initial contents (global data: value_size bytes; NULL for .bss and user maps). */
	void *initial_data;
	/* Programs a program array is initialised with (`.values = { [1] = &prog }`):
	 * (slot, program index) pairs. */
	uint32_t *init_slots;
	uint32_t *init_programs;
	uint32_t init_count;
	/* Maps a map of maps is initialised with (`.values = { [1] = &map }`): (slot, index in
	 * maps[]) pairs. */
	uint32_t *init_map_slots;
	uint32_t *init_maps;
	uint32_t init_map_count;
};

/* BTF line info: which source line an instruction came from. */
struct loader_line {
	uint32_t insn; /* index into the program's insns */
	uint32_t line;
	uint32_t column;
	const char *file; /* points into the object's string storage */
	const char *text; /* the source line, when BTF carries it */
};

/* A CO-RE relocation (.BTF.ext core_relo record) of one program, against the object's BTF. */
struct loader_core_relo {
	uint32_t insn;		 /* index into the program's insns */
	uint32_t type_id;	 /* the root type, in the object's BTF */
	uint32_t access_str_off; /* "0:1:2", in the object's BTF strings */
	uint32_t kind;		 /* enum bpf_core_relo_kind */
};

struct loader_program {
	char *name;    /* the function's name */
	char *section; /* the SEC() name */
	/* The section whose program type this program has: its own, except for iproute2's tail
	 * call sections "ID/IDX", which take the type of the object's other programs. */
	char *type_section;
	/* SEC("?..."): libbpf's mark for a program left out of a load unless the host asks for
	 * it (bpf_program__set_autoload; here ebpf_object_set_autoload or only_program). */
	bool autoload_off;
	struct ebpf_inst *insns;
	size_t insn_count;
	size_t main_insn_count;	   /* the entry function's own; subprograms follow */
	struct loader_line *lines; /* sorted by insn */
	size_t line_count;
	/* To resolve against a target BTF (loader_core_relocate) before verifying. */
	struct loader_core_relo *core_relos;
	size_t core_relo_count;
};

/* What a __kconfig extern holds (libbpf's categories). */
enum loader_extern_kind {
	LOADER_KCFG_BOOL,     /* bool: y 1, n 0 */
	LOADER_KCFG_TRISTATE, /* enum libbpf_tristate: y 1, m 2, n 0 */
	LOADER_KCFG_CHAR,     /* char: 'y', 'm', 'n' */
	LOADER_KCFG_INT,      /* an integer value */
	LOADER_KCFG_CHAR_ARR, /* a string value */
};

/* A __kconfig extern variable: its slot in the ".kconfig" map. */
struct loader_extern {
	char *name; /* CONFIG_..., LINUX_KERNEL_VERSION, ... */
	uint32_t offset;
	uint32_t size;
	enum loader_extern_kind kind;
	bool is_signed;
	bool weak; /* __weak: reads 0 when the configuration lacks it */
};

struct loader_object {
	char *name;
	char license[128];
	uint32_t kern_version;
	struct loader_program *programs;
	size_t program_count;
	struct loader_map *maps;
	size_t map_count;
	void *strings; /* storage behind loader_line's pointers */
	void *btf;     /* a copy of .BTF (the CO-RE relocations' local types), NULL without */
	size_t btf_size;
	/* __kconfig externs, with their values in maps[kconfig_map] (-1 when none) once
	 * loader_kconfig_resolve has read them. */
	struct loader_extern *externs;
	size_t extern_count;
	int32_t kconfig_map;
	/* Functions called by name (extern ... __ksym, Linux's kfuncs): a call with src_reg
	 * EBPF_CALL_KFUNC has imm = its index here; the runtime resolves the names. */
	char **kfuncs;
	size_t kfunc_count;
};

/*
 * Parses an object. On error returns a negative errno (-EINVAL malformed or unsupported,
 * -ENOTSUP a kernel-only feature such as extern variables, -ENOEXEC not a BPF object,
 * -ENOMEM) with a message in err naming the section, symbol and reason ("section 'xdp' insn 12:
 * CO-RE relocation of 'struct task_struct' field 'pid' is not supported (...)"); the message
 * does not repeat the object's name. err may be NULL. docs/loader.md lists what is supported.
 */
int loader_open_mem(const void *data, size_t size, const char *name, struct loader_object **object,
		    char *err, size_t err_size);
int loader_open_file(const char *path, struct loader_object **object, char *err, size_t err_size);
void loader_object_free(struct loader_object *object);

/*
 * Fills the ".kconfig" map's initial value: LINUX_KERNEL_VERSION from the running kernel's
 * release, CONFIG_* from config_path (a kernel .config, plain or gzip; NULL: /proc/config.gz,
 * else /boot/config-$(uname -r)). A missing __weak extern reads 0; any other missing or
 * ill-fitting value fails with a message naming the extern and the file. 0 when the object has
 * no externs.
 */
int loader_kconfig_resolve(struct loader_object *obj, const char *config_path, char *err,
			   size_t err_size);

/* Sizes the maps libbpf sizes at load: a perf event array declared without max_entries gets
 * one entry per possible CPU; a ring buffer's size is rounded up to a power-of-2 multiple of
 * the page size. */
void loader_size_maps(struct loader_object *object, uint32_t cpus, uint32_t page_size);

/* The map's struct bpf_spin_lock field, or NULL. */
const struct verifier_field *loader_map_spin_lock(const struct loader_map *map);
/* The map's struct bpf_timer field, or NULL. */
const struct verifier_field *loader_map_timer(const struct loader_map *map);

/* The sizes the map still lacks for its creation (EBPF_MAP_DEF_UNSET_*): those
 * loader_size_maps fills in count as set. */
uint32_t loader_map_unset(const struct loader_map *map);
/* The sizes Linux refuses at map creation (a zero max_entries, key or value size), checked
 * once the host could set them: -EINVAL with a message naming the map. Call it after
 * loader_size_maps (which sizes perf event arrays). */
int loader_check_maps(const struct loader_object *object, char *err, size_t err_size);

struct verifier_map;
/* The object's maps as the verifier sees them (vmaps has map_count slots): .rodata is
 * read-only for programs, with its contents known. */
void loader_describe_maps(const struct loader_object *object, struct verifier_map *vmaps);

/* ---- CO-RE (core_relo.c) ------------------------------------------------------------------ */

struct btf;
/* A target BTF (the kernel's, an extension's) with its types indexed by name. */
struct loader_core_target;
/* Takes btf over (freed with the target). -ENOMEM. */
int loader_core_target_new(struct btf *btf, struct loader_core_target **target);
void loader_core_target_free(struct loader_core_target *target);
const struct btf *loader_core_target_btf(const struct loader_core_target *target);

/* An instruction poisoned because its relocation found nothing in the target. */
struct loader_core_poison {
	uint32_t insn;
	char message[320]; /* "CO-RE relocation #2 (field byte offset of 'struct s' field 'b') ..."
			    */
};

/*
 * Applies the CO-RE relocations of lp to insns (a copy of lp->insns, insn_count long) against
 * target (NULL: only local type ids can be resolved). Relocations that find nothing poison their
 * instruction and are listed in *poisoned (free() it); a malformed or ambiguous one fails with a
 * negative errno and a message naming the section, instruction, relocation and types.
 */
int loader_core_relocate(const struct loader_object *obj, const struct loader_program *lp,
			 const struct loader_core_target *target, struct ebpf_inst *insns,
			 struct loader_core_poison **poisoned, size_t *poison_count, char *err,
			 size_t err_size);
const char *loader_core_kind_name(uint32_t kind);

#endif /* EXTBPF_LOADER_H */
