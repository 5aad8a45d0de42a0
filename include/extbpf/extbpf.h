/* SPDX-License-Identifier: MIT */
/*
 * The runtime API a host application uses: load extensions, open eBPF objects, verify and run
 * their programs, attach them to hooks, read and write their maps.
 *
 * Conventions (libbpf's): functions return 0 or a negative errno and write outputs through
 * pointers. When a call fails, ebpf_last_error() returns a message naming what was wrong and
 * where (file, section, instruction); it is per thread and valid until that thread's next call.
 * Long output (the verifier's log) goes to a buffer the caller passes in the call's options.
 * Nothing is ever printed by the library.
 *
 * Lifetimes: objects are reference counted. An object owns its programs and maps; a link holds
 * a reference to its program; pinning holds a reference until unpinned. Threading: every call
 * is thread safe; invoking a program (through a hook) takes no lock.
 */
#ifndef EXTBPF_EXTBPF_H
#define EXTBPF_EXTBPF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "extension.h"
#include "nmr.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Instructions (RFC 9669) ----------------------------------------------------------- */

struct ebpf_inst {
	uint8_t code;
	uint8_t dst_reg : 4;
	uint8_t src_reg : 4;
	int16_t off;
	int32_t imm;
};

/* Assembles text in the syntax of the conformance suite ("mov %r0, 1", labels, '#' comments)
 * into a malloc'ed array. On a syntax error returns -EINVAL and the message names the line. */
int ebpf_assemble(const char *text, struct ebpf_inst **insns, size_t *count);

enum ebpf_disasm_style {
	EBPF_DISASM_C,	 /* r0 = *(u32 *)(r1 + 4)  (the Linux/bpftool style) */
	EBPF_DISASM_ASM, /* ldxw %r0, [%r1+4]      (the conformance-suite style) */
};

/* Disassembles the instruction at index into buf. Returns the number of slots it uses (1, or 2
 * for lddw) or a negative errno (-EINVAL for a malformed instruction, described in buf). */
int ebpf_disassemble(const struct ebpf_inst *insns, size_t count, size_t index,
		     enum ebpf_disasm_style style, char *buf, size_t size);

/* ---- Version ----------------------------------------------------------------------------- */

/* The library's version, "MAJOR.MINOR.PATCH" (the one pkg-config and the CMake package report). */
const char *ebpf_version(void);

/* ---- Errors ------------------------------------------------------------------------------ */

/* The detailed message of the calling thread's last failed call ("" when none). */
const char *ebpf_last_error(void);

/* ---- Extensions -------------------------------------------------------------------------- */

struct ebpf_extension;

/* Loads a shared-library extension (dlopen, then its EBPF_EXTENSION_ENTRY_SYMBOL). */
int ebpf_extension_load(const char *path, struct ebpf_extension **extension);
/* Registers an extension linked into the host (its EBPF_EXTENSION_DEFINE descriptor). */
int ebpf_extension_add_static(const struct ebpf_extension_descriptor *descriptor,
			      struct ebpf_extension **extension);
/* Loads every extension of a directory (NULL: the default directory, see below). */
int ebpf_extension_load_dir(const char *dir);
/* The directory extensions are installed in: $EXTBPF_EXTENSION_DIR when set; else beside the
 * shared library libextbpf.so the process runs (<libdir>/extbpf, whichever executable loaded
 * it); else, for a host linked with the static library, relative to the executable
 * (<bindir>/../<libdir>/extbpf). */
const char *ebpf_extension_default_dir(void);
/*
 * Unbinds every link attached to the extension's hooks, waits for invocations in flight,
 * deregisters its providers and unloads it. Programs of its types and links to its hooks stay,
 * dormant (never invoked, ebpf_program_is_dormant / ebpf_link_is_dormant): when an extension
 * registers the same program type and attach type GUIDs again, programs whose contract still
 * holds (the prototypes of the helpers they call, the context layout, the program information's
 * version and size) rebind and their links resume; the others stay dormant and say why.
 */
int ebpf_extension_unload(struct ebpf_extension *extension);
const char *ebpf_extension_name(const struct ebpf_extension *extension);
const char *ebpf_extension_description(const struct ebpf_extension *extension);
/* The shared library it was loaded from, NULL for one linked into the host. */
const char *ebpf_extension_path(const struct ebpf_extension *extension);

/* Enumeration of what the loaded extensions offer now (for `extbpf ext list`). The pointers are
 * valid while the offering extension stays loaded. Return non-zero from the callback to stop. */
typedef int (*ebpf_program_type_cb)(const struct ebpf_program_info *info, void *arg);
typedef int (*ebpf_attach_type_cb)(const struct ebpf_attach_provider_data *data, void *arg);
typedef int (*ebpf_extension_cb)(const struct ebpf_extension *extension, void *arg);
int ebpf_foreach_extension(ebpf_extension_cb cb, void *arg);
int ebpf_foreach_program_type(ebpf_program_type_cb cb, void *arg);
/* Whether a loaded program type claims ELF section `section` (libbpf's prefix rule, as opening
 * an object applies it), so a tool can tell an unclaimed section from a refused program. */
bool ebpf_section_claimed(const char *section);
int ebpf_foreach_attach_type(ebpf_attach_type_cb cb, void *arg);
/* The extension whose load registered the program type, or NULL (registered by the host). */
const struct ebpf_extension *ebpf_program_type_extension(const struct ebpf_program_info *info);
/* The core's global helpers (ids below EBPF_PROGRAM_TYPE_HELPER_ID_BASE). */
const struct ebpf_helper_proto *ebpf_global_helpers(size_t *count);

/* ---- Maps -------------------------------------------------------------------------------- */

/* Linux's map type numbers (they are what BTF map definitions in ELF objects carry). */
enum ebpf_map_type {
	EBPF_MAP_TYPE_UNSPEC = 0,
	EBPF_MAP_TYPE_HASH = 1,
	EBPF_MAP_TYPE_ARRAY = 2,
	EBPF_MAP_TYPE_PROG_ARRAY = 3,
	EBPF_MAP_TYPE_PERF_EVENT_ARRAY = 4,
	EBPF_MAP_TYPE_PERCPU_HASH = 5,
	EBPF_MAP_TYPE_PERCPU_ARRAY = 6,
	EBPF_MAP_TYPE_STACK_TRACE = 7, /* verify-only: kernel stacks (docs/maps.md) */
	EBPF_MAP_TYPE_LRU_HASH = 9,
	EBPF_MAP_TYPE_LRU_PERCPU_HASH = 10,
	EBPF_MAP_TYPE_LPM_TRIE = 11,
	EBPF_MAP_TYPE_ARRAY_OF_MAPS = 12,
	EBPF_MAP_TYPE_HASH_OF_MAPS = 13,
	/* From here to XSKMAP and DEVMAP_HASH: the packet extension's (Map Information NPI). */
	EBPF_MAP_TYPE_DEVMAP = 14,
	EBPF_MAP_TYPE_SOCKMAP = 15,
	EBPF_MAP_TYPE_CPUMAP = 16,
	EBPF_MAP_TYPE_XSKMAP = 17,
	EBPF_MAP_TYPE_SOCKHASH = 18,
	/* verify-only: values of kernel objects (docs/maps.md) */
	EBPF_MAP_TYPE_CGROUP_STORAGE = 19,
	EBPF_MAP_TYPE_PERCPU_CGROUP_STORAGE = 21,
	EBPF_MAP_TYPE_QUEUE = 22,
	EBPF_MAP_TYPE_STACK = 23,
	EBPF_MAP_TYPE_SK_STORAGE = 24, /* verify-only */
	EBPF_MAP_TYPE_DEVMAP_HASH = 25,
	EBPF_MAP_TYPE_RINGBUF = 27,
	EBPF_MAP_TYPE_INODE_STORAGE = 28, /* verify-only */
	EBPF_MAP_TYPE_TASK_STORAGE = 29,  /* verify-only */
	EBPF_MAP_TYPE_CGRP_STORAGE = 32,  /* verify-only */
	/* Numbers from EBPF_MAP_TYPE_EXTENSION_BASE (extension.h) are extensions' own types. */
};

/* Update flags, as Linux. */
#define EBPF_ANY	   0
#define EBPF_NOEXIST	   1
#define EBPF_EXIST	   2
/* Update and lookup flag for values holding a struct bpf_spin_lock: the copy is made under the
 * value's lock (as Linux's BPF_F_LOCK); -EINVAL for a map whose values have none. */
#define EBPF_F_LOCK	   4
/* Map creation flags, as Linux. */
#define EBPF_F_NO_PREALLOC (1u << 0)
#define EBPF_F_RDONLY_PROG (1u << 7) /* programs may read the values, never write them */
#define EBPF_F_WRONLY_PROG (1u << 8) /* programs may write the values, never read them */

struct ebpf_map;

struct ebpf_map_create_opts {
	size_t sz; /* sizeof(struct ebpf_map_create_opts) */
	uint32_t map_flags;
	/* For array/hash of maps: a map whose type and sizes every inner map must have. */
	const struct ebpf_map *inner_map;
	/* Values hold a struct bpf_spin_lock (4 bytes, 4-aligned) at spin_lock_off (what Linux
	 * finds in the value's BTF): updates never copy over it, lookups read it as zero, and
	 * EBPF_F_LOCK copies under it. Hash and array maps only. */
	bool spin_lock;
	uint32_t spin_lock_off;
	/* A shared map: its storage is a new file at this path (relative: under the pin root),
	 * created with pin_mode (0: 0600) and the caller's ownership; -EEXIST when the path is
	 * taken. Array, per-CPU array, hash, per-CPU hash, LRU hash, LRU per-CPU hash, LPM trie,
	 * queue and stack maps; no spin lock in shared values. */
	const char *pin_path;
	uint32_t pin_mode;
};

int ebpf_map_create(enum ebpf_map_type type, const char *name, uint32_t key_size,
		    uint32_t value_size, uint32_t max_entries,
		    const struct ebpf_map_create_opts *opts, struct ebpf_map **map);
void ebpf_map_acquire(struct ebpf_map *map);
void ebpf_map_release(struct ebpf_map *map);

const char *ebpf_map_name(const struct ebpf_map *map);
enum ebpf_map_type ebpf_map_type(const struct ebpf_map *map);
/* "hash", "devmap", ...: the core's name of the type or the one its extension registered. */
const char *ebpf_map_type_name(const struct ebpf_map *map);
uint32_t ebpf_map_key_size(const struct ebpf_map *map);
/*
 * For per-CPU maps the value the host reads or writes holds one slot per CPU
 * (ebpf_num_possible_cpus), each value_size rounded up to 8 bytes, as on Linux.
 */
uint32_t ebpf_map_value_size(const struct ebpf_map *map);
uint32_t ebpf_map_max_entries(const struct ebpf_map *map);
uint32_t ebpf_map_flags(const struct ebpf_map *map);
uint32_t ebpf_num_possible_cpus(void);

/* The host's view, as the bpf() syscall's: values are copied in and out. For maps of programs or
 * maps, the value is a uint32_t object id (see ebpf_program_id / ebpf_map_id). For queue and
 * stack maps key is NULL and lookup peeks, update pushes, lookup_and_delete pops. */
int ebpf_map_lookup_elem(struct ebpf_map *map, const void *key, void *value);
/* As ebpf_map_lookup_elem; flags 0 or EBPF_F_LOCK (Linux's BPF_MAP_LOOKUP_ELEM flags). */
int ebpf_map_lookup_elem_flags(struct ebpf_map *map, const void *key, void *value, uint64_t flags);
int ebpf_map_update_elem(struct ebpf_map *map, const void *key, const void *value, uint64_t flags);
int ebpf_map_delete_elem(struct ebpf_map *map, const void *key);
int ebpf_map_lookup_and_delete_elem(struct ebpf_map *map, const void *key, void *value);
/* From now on the host may only read the map (updates and deletes fail with -EPERM); programs
 * still write it unless it was created with EBPF_F_RDONLY_PROG. An object's .rodata is frozen
 * once loaded: the verifier relies on its contents (constant strings). */
int ebpf_map_freeze(struct ebpf_map *map);
/*
 * The value of a single-entry array map in place (global data: .bss, .data, .rodata), as a
 * BPF_F_MMAPABLE array mapped by the host on Linux (a skeleton's skel->bss after the load).
 * Programs write it concurrently, as on Linux. The value of a frozen map (.rodata) must only be
 * read: the verifier relied on its contents. size (may be NULL) receives the value size. NULL
 * with ebpf_last_error set for any other map.
 */
void *ebpf_map_value_area(struct ebpf_map *map, size_t *size);
/* key NULL gives the first key; -ENOENT after the last. */
int ebpf_map_get_next_key(struct ebpf_map *map, const void *key, void *next_key);

/* Ring buffer consumer: another thread of the host may poll while programs produce. */
struct ebpf_ringbuf_consumer;
typedef int (*ebpf_ringbuf_sample_fn)(void *arg, const void *data, size_t size);
int ebpf_ringbuf_consumer_create(struct ebpf_map *ringbuf, ebpf_ringbuf_sample_fn fn, void *arg,
				 struct ebpf_ringbuf_consumer **consumer);
/* Calls fn for every record available; waits up to timeout_ms (-1 forever, 0 not at all) for
 * the first. Returns the number of records consumed or a negative errno. */
int ebpf_ringbuf_consumer_poll(struct ebpf_ringbuf_consumer *consumer, int timeout_ms);
void ebpf_ringbuf_consumer_destroy(struct ebpf_ringbuf_consumer *consumer);

/*
 * Perf event arrays (docs/maps.md): key_size 4, value_size 4, one ring per entry (an object's
 * map without max_entries gets one per possible CPU). A record goes to the ring its flags name,
 * EBPF_F_CURRENT_CPU being the ring of the CPU the writer runs on, as Linux's
 * bpf_perf_event_output. The rings exist while a reader exists; without one a write is -ENOENT.
 */
#define EBPF_F_INDEX_MASK  0xffffffffull
#define EBPF_F_CURRENT_CPU EBPF_F_INDEX_MASK
/* bpf_perf_event_output's flags for packet programs: how many packet bytes to append. */
#define EBPF_F_CTXLEN_MASK (0xfffffull << 32)

/*
 * Writes one record, data followed by tail (tail may be NULL with tail_size 0), to the ring
 * flags names (flags beyond EBPF_F_INDEX_MASK: -EINVAL). This is what the program types'
 * bpf_perf_event_output helpers call; a host may write records too. -E2BIG: no ring of that
 * index; -ENOENT: no reader; -ENOSPC: the ring is full and -EMSGSIZE: the record can never fit
 * (both counted as lost records, which the reader learns).
 */
int ebpf_perf_event_output(struct ebpf_map *map, uint64_t flags, const void *data, size_t size,
			   const void *tail, size_t tail_size);

/* The reader of a perf event array, as libbpf's perf_buffer: one host thread at a time. */
struct ebpf_perf_reader;
/* A record (PERF_RECORD_SAMPLE's raw data): size counts the padding to 8 bytes Linux adds
 * after the 4-byte size field, as libbpf's perf_buffer reports it. */
typedef void (*ebpf_perf_sample_fn)(void *arg, int cpu, const void *data, uint32_t size);
/* PERF_RECORD_LOST: ring cpu dropped `lost` records before the next one it holds. */
typedef void (*ebpf_perf_lost_fn)(void *arg, int cpu, uint64_t lost);
struct ebpf_perf_reader_opts {
	size_t sz; /* sizeof(struct ebpf_perf_reader_opts) */
	/* The size of each ring in pages: a power of 2; 0 means 8. */
	uint32_t pages_per_ring;
};
/* One reader per map (-EBUSY for a second); lost_fn and opts may be NULL. */
int ebpf_perf_reader_create(struct ebpf_map *map, ebpf_perf_sample_fn sample_fn,
			    ebpf_perf_lost_fn lost_fn, void *arg,
			    const struct ebpf_perf_reader_opts *opts,
			    struct ebpf_perf_reader **reader);
/* Calls the callbacks for every record of every ring, in order within each ring; waits up to
 * timeout_ms (-1 forever, 0 not at all) for the first. Returns how many records (samples and
 * lost records) it handled, or a negative errno. */
int ebpf_perf_reader_poll(struct ebpf_perf_reader *reader, int timeout_ms);
/* poll without waiting. */
int ebpf_perf_reader_consume(struct ebpf_perf_reader *reader);
/* Records still unread are dropped; the map's writers get -ENOENT from now on. */
void ebpf_perf_reader_destroy(struct ebpf_perf_reader *reader);

/* ---- Objects and programs ---------------------------------------------------------------- */

enum ebpf_exec_mode {
	EBPF_MODE_DEFAULT = 0, /* the JIT where available, else the interpreter */
	EBPF_MODE_INTERP,
	EBPF_MODE_JIT,
	EBPF_MODE_NATIVE,
};

struct ebpf_object;
struct ebpf_program;

struct ebpf_object_open_opts {
	size_t sz; /* sizeof(struct ebpf_object_open_opts) */
	enum ebpf_exec_mode mode;
	/* Force a program type by name instead of finding it from each section's prefix. */
	const char *program_type;
	/* Load only this program (by section or function name); NULL loads all. */
	const char *only_program;
	/* Verify only: do not prepare the programs for execution (accepts verify-only helpers). The
	 * maps are descriptions without storage: nothing is allocated for their entries, nothing is
	 * pinned, their contents cannot be read or written (-EOPNOTSUPP). */
	bool verify_only;
	/* The verifier's log: level 0 only the failure, 1 adds the path to it, 2 the abstract state
	 * after every instruction. */
	char *log_buf;
	size_t log_size;
	uint32_t log_level;
	/* JIT: hide every immediate operand of the program behind a random key, so that programs
	 * from untrusted users cannot plant chosen machine code (constant blinding). */
	bool blind_constants;
	/* CO-RE: the BTF that programs of Linux types (whose program type publishes no BTF of its
	 * own) are relocated against: a raw BTF file or an ELF file with a .BTF section. NULL: the
	 * running kernel's (/sys/kernel/btf/vmlinux). */
	const char *btf_path;
	/* __kconfig externs (CONFIG_*): a kernel .config file, plain or gzip-compressed. NULL: the
	 * running kernel's (/proc/config.gz, then /boot/config-$(uname -r)). */
	const char *kconfig_path;
	/* With verify_only: create the maps with their storage all the same, to read or write
	 * their contents (initial global data, ...). */
	bool keep_map_storage;
	/* Share the object's maps of the types that can be shared (ebpf_set_pin_root; no global
	 * data, no values with a spin lock) as pins in this
	 * directory (relative: under the pin root), named by map: an existing pin of the same type
	 * and sizes is opened and used, otherwise a new one is created with pin_mode (0: 0600). */
	const char *pin_maps_dir;
	uint32_t pin_mode;
};

/* Opens an ELF object: parses it, creates its maps, verifies, relocates and compiles each
 * program. Fails as a whole (nothing stays loaded) when any program is refused. The same as
 * ebpf_object_parse then ebpf_object_load (closed again when the load fails). */
int ebpf_object_open(const char *path, const struct ebpf_object_open_opts *opts,
		     struct ebpf_object **object);
int ebpf_object_open_mem(const void *data, size_t size, const char *name,
			 const struct ebpf_object_open_opts *opts, struct ebpf_object **object);

/*
 * Open, configure, load (libbpf's bpf_object__open, bpf_program__set_*, bpf_map__set_*,
 * bpf_object__load). ebpf_object_parse only parses: no map is created, nothing is verified.
 * Until ebpf_object_load the host configures the object by program and map names, as the
 * tools that pick targets and sizes at run time do; then ebpf_object_load creates the maps,
 * relocates, verifies and compiles as ebpf_object_open does. The string options (program_type,
 * only_program, btf_path, kconfig_path) are copied; log_buf must stay valid until the load.
 *
 * Every call fails with a message naming the object and what was wrong: -ENOENT no program,
 * map or global of that name; -EINVAL a size or value that does not fit; -EBUSY the object is
 * loaded (or its load failed: libbpf's rule, it can only be closed then). A refused load frees
 * everything it created. Before the load the object has no programs or maps to iterate
 * (ebpf_object_next_program returns NULL): ebpf_object_program_def / ebpf_object_map_def
 * describe them as parsed and configured. An object is configured by one thread at a time.
 */
int ebpf_object_parse(const char *path, const struct ebpf_object_open_opts *opts,
		      struct ebpf_object **object);
int ebpf_object_parse_mem(const void *data, size_t size, const char *name,
			  const struct ebpf_object_open_opts *opts, struct ebpf_object **object);
int ebpf_object_load(struct ebpf_object *object);
/* True once ebpf_object_load succeeded (ebpf_object_open's objects are loaded). */
bool ebpf_object_is_loaded(const struct ebpf_object *object);

/* A program as parsed and configured (program names its function or its section). */
struct ebpf_object_program_def {
	size_t sz;	     /* sizeof(struct ebpf_object_program_def) */
	const char *name;    /* the function's name */
	const char *section; /* its SEC() name */
	const char *type;    /* the program type set with ebpf_object_set_program_type, or NULL */
	const char *attach_target; /* set with ebpf_object_set_attach_target, or NULL */
	bool autoload;
	size_t insn_count;
};
/* A map as parsed and configured (global data maps are named by their section: ".rodata"). */
struct ebpf_object_map_def {
	size_t sz; /* sizeof(struct ebpf_object_map_def) */
	const char *name;
	enum ebpf_map_type type;
	uint32_t key_size;
	uint32_t value_size;
	uint32_t max_entries; /* 0: still to be set (perf event arrays: the CPU count at load) */
	uint32_t map_flags;
	const char *inner_map; /* the template of a map of maps' inner maps, or NULL */
	/* The sizes the load would refuse as zero until the host sets them (EBPF_MAP_DEF_UNSET_*);
	 * those the load fills in itself (a perf event array's CPU count) are not counted. */
	uint32_t unset;
};
#define EBPF_MAP_DEF_UNSET_MAX_ENTRIES (1u << 0)
#define EBPF_MAP_DEF_UNSET_KEY_SIZE    (1u << 1)
#define EBPF_MAP_DEF_UNSET_VALUE_SIZE  (1u << 2)
/* The index-th program or map of a parsed object, valid until the load or the next configure
 * call; -ENOENT past the last, -EBUSY once loaded (use the program and map objects then). */
int ebpf_object_program_def(const struct ebpf_object *object, size_t index,
			    struct ebpf_object_program_def *def);
int ebpf_object_map_def(const struct ebpf_object *object, size_t index,
			struct ebpf_object_map_def *def);

/* The program type program is verified as, instead of the one its section names: by name
 * ("xdp") or by GUID. The type must be offered by a loaded extension now. */
int ebpf_object_set_program_type(struct ebpf_object *object, const char *program, const char *type);
int ebpf_object_set_program_type_guid(struct ebpf_object *object, const char *program,
				      const nmr_guid_t *type);
/* Whether ebpf_object_load loads program (default true; opts->only_program clears it for the
 * others). A program not loaded is neither verified nor compiled. */
int ebpf_object_set_autoload(struct ebpf_object *object, const char *program, bool autoload);
/*
 * What a program attached through BTF (fentry, fexit, fmod_ret, tp_btf, lsm) attaches to,
 * instead of the name its section gives after the '/' ("fentry/NAME"): function, looked up at
 * load in the program type's target BTF (the kernel's for Linux types), with the type's
 * prefix ("btf_trace_", "bpf_lsm_") as for the section's name. target_program names the BTF to
 * look in instead: a loaded program's own (libbpf's attach_prog_fd, fentry on a BPF program);
 * it must have been loaded from an object with BTF, not be attached through BTF itself, and
 * function must be a FUNC of that BTF (checked here: -EINVAL, -ENOENT). An argument pointing to
 * the target program type's context (struct xdp_md) is typed as the kernel's object behind it
 * (struct xdp_buff). The configuration holds a reference to target_program until the load.
 */
int ebpf_object_set_attach_target(struct ebpf_object *object, const char *program,
				  const struct ebpf_program *target_program, const char *function);

/* Map definitions before the maps are created (not for global data maps, whose size is their
 * section's; values of zero are refused at load, as Linux refuses them). */
int ebpf_object_set_map_max_entries(struct ebpf_object *object, const char *map,
				    uint32_t max_entries);
int ebpf_object_set_map_key_size(struct ebpf_object *object, const char *map, uint32_t key_size);
int ebpf_object_set_map_value_size(struct ebpf_object *object, const char *map,
				   uint32_t value_size);
int ebpf_object_set_map_flags(struct ebpf_object *object, const char *map, uint32_t map_flags);
/* For array and hash of maps: the map whose type and sizes every inner map must have. */
int ebpf_object_set_map_inner(struct ebpf_object *object, const char *map, const char *inner);

/*
 * Global data. A section's whole image (map ".rodata", ".data", ".bss", ".rodata.NAME", ...):
 * size must be the section's. One variable by its BTF name (`const volatile` configuration
 * included): size must be its type's. ebpf_object_initial_value returns the image itself,
 * writable until the load (a skeleton's skel->rodata), or NULL with the message set. The
 * ".kconfig" map is filled from the kernel configuration at load and cannot be set.
 */
int ebpf_object_set_initial_value(struct ebpf_object *object, const char *map, const void *data,
				  size_t size);
void *ebpf_object_initial_value(struct ebpf_object *object, const char *map, size_t *size);
int ebpf_object_set_global(struct ebpf_object *object, const char *name, const void *value,
			   size_t size);
/* Where a global variable is in its section's image, writable until the load, or NULL. */
void *ebpf_object_global(struct ebpf_object *object, const char *name, size_t *size);
/*
 * Native mode ahead of time: verifies every program of the ELF object at path, translates each to
 * C and compiles it with the system C compiler (cc -O2) into the shared object so_path, which
 * records the contract of each program's type it was verified against. ebpf_object_open of such
 * a shared object (or ebpf_object_load_native) loads it without verifying or generating code
 * again, refused when a program type's contract has changed since. $CC overrides the compiler.
 */
int ebpf_object_compile_native(const char *path, const char *so_path,
			       const struct ebpf_object_open_opts *opts);
int ebpf_object_load_native(const char *so_path, const struct ebpf_object_open_opts *opts,
			    struct ebpf_object **object);
/* Whether path is such a shared object (judged from its ELF header, without loading it). */
bool ebpf_object_is_native(const char *path);
/* Loads one program of raw instructions (no ELF, no maps) of the named program type. */
int ebpf_program_load_raw(const char *program_type, const struct ebpf_inst *insns, size_t count,
			  const struct ebpf_object_open_opts *opts, struct ebpf_program **program);
void ebpf_object_close(struct ebpf_object *object);
const char *ebpf_object_name(const struct ebpf_object *object);

/* Iteration: pass NULL for the first; returns NULL after the last. */
struct ebpf_program *ebpf_object_next_program(const struct ebpf_object *object,
					      const struct ebpf_program *prev);
struct ebpf_map *ebpf_object_next_map(const struct ebpf_object *object,
				      const struct ebpf_map *prev);
/* By function name or section name. */
struct ebpf_program *ebpf_object_find_program(const struct ebpf_object *object, const char *name);
struct ebpf_map *ebpf_object_find_map(const struct ebpf_object *object, const char *name);

void ebpf_program_acquire(struct ebpf_program *program);
void ebpf_program_release(struct ebpf_program *program);
const char *ebpf_program_name(const struct ebpf_program *program);
const char *ebpf_program_section(const struct ebpf_program *program);
const char *ebpf_program_type_name(const struct ebpf_program *program);
enum ebpf_exec_mode ebpf_program_mode(const struct ebpf_program *program);
const struct ebpf_inst *ebpf_program_insns(const struct ebpf_program *program, size_t *count);
/* The x86-64 machine code of a program prepared by the JIT, and where each instruction's code
 * starts (offsets[count] is the end). -ENOENT when the program runs in another mode. */
int ebpf_program_jited(const struct ebpf_program *program, const uint8_t **code, size_t *size,
		       const uint32_t **offsets);
uint32_t ebpf_program_id(const struct ebpf_program *program);
/* Whether the program is dormant: its program type went away with its extension, or came back
 * with a contract the program was not verified against. A dormant program never runs (test runs
 * fail with -ENODEV). reason (may be NULL) receives why, "" when not dormant. */
bool ebpf_program_is_dormant(const struct ebpf_program *program, char *reason, size_t size);
uint32_t ebpf_map_id(const struct ebpf_map *map);

/* As BPF_PROG_TEST_RUN: builds a context with the program type's context_create, runs the
 * program `repeat` times (at least once) and copies data and context back. */
/* Progress of a long --repeat: runs done out of repeat (ebpf_test_run_opts, ebpf_raw_run_opts). */
typedef void (*ebpf_run_progress_fn)(void *arg, uint32_t done, uint32_t repeat);
#define EBPF_RUN_PROGRESS_RUNS 65536

struct ebpf_test_run_opts {
	size_t sz; /* sizeof(struct ebpf_test_run_opts) */
	const void *data_in;
	size_t data_size_in;
	void *data_out;	      /* may be NULL */
	size_t data_size_out; /* in: capacity; out: full size of the output data */
	const void *ctx_in;
	size_t ctx_size_in;
	void *ctx_out; /* may be NULL */
	size_t ctx_size_out;
	uint32_t repeat;
	uint64_t retval;      /* out: r0 of the last run */
	uint64_t duration_ns; /* out: mean time per run */
	/* Optional: called after every EBPF_RUN_PROGRESS_RUNS runs with the runs done so far (a
	 * tool's progress line); it must not call back into the runtime. */
	ebpf_run_progress_fn progress;
	void *progress_arg;
};
int ebpf_program_test_run(struct ebpf_program *program, struct ebpf_test_run_opts *opts);

/*
 * Runs raw instructions with r1 = mem and r2 = mem_size, as the conformance suite does. The
 * program is verified first, against a context of mem_size readable and writable bytes, unless
 * `unverified` is set: that is for the instruction conformance suite only and callers must say
 * so to their user. Global helpers are available; with conformance_unwind, helper 5 has the
 * suite's "unwind" semantics instead.
 */
struct ebpf_raw_run_opts {
	size_t sz; /* sizeof(struct ebpf_raw_run_opts) */
	enum ebpf_exec_mode mode;
	bool unverified;
	bool conformance_unwind;
	uint32_t repeat; /* runs; 0 counts as 1 */
	char *log_buf;	 /* the verifier's log, may be NULL */
	size_t log_size;
	uint64_t duration_ns;	       /* out: mean time per run */
	ebpf_run_progress_fn progress; /* optional, as in ebpf_test_run_opts */
	void *progress_arg;
};
int ebpf_run_raw(const struct ebpf_inst *insns, size_t count, void *mem, size_t mem_size,
		 struct ebpf_raw_run_opts *opts, uint64_t *r0);

/* ---- Links ------------------------------------------------------------------------------- */

struct ebpf_link;

/* Attaches a program to the hook of an attach type offered by a loaded extension. Programs
 * attached to one hook are invoked in attach order (unless ordered: ebpf_program_attach_opts);
 * the extension combines their results. */
int ebpf_program_attach(struct ebpf_program *program, const nmr_guid_t *attach_type,
			const void *params, size_t params_size, struct ebpf_link **link);
/* By attach type name ("sample_hook"). */
int ebpf_program_attach_by_name(struct ebpf_program *program, const char *attach_type,
				const void *params, size_t params_size, struct ebpf_link **link);

/*
 * Where a link goes in its hook's chain, as Linux's multi-program attach (tcx, mprog): with
 * EBPF_F_BEFORE or EBPF_F_AFTER, right before or after the link relative_link_id, or the link
 * running the program relative_program_id (at most one of them; neither: the chain's front or
 * end), taking that neighbour's priority. Without them, after every link whose priority is not
 * above `priority` (lower runs first; 0 for all: attach order). Same values as Linux's.
 */
#define EBPF_F_BEFORE (1u << 3)
#define EBPF_F_AFTER  (1u << 4)

/*
 * Attach options (libbpf style: set sz to sizeof; fields appended later read as zero, and a
 * newer caller's fields the library does not know must be zero). params/params_size: the attach
 * parameters, of a size the attach type accepts (exactly its params_size, or within the range it
 * declares). flags: EBPF_F_* above and the hook's own bits (EBPF_ATTACH_HOOK_FLAGS in
 * extension.h) that it declares; any other bit is refused.
 */
struct ebpf_program_attach_opts {
	size_t sz; /* sizeof(struct ebpf_program_attach_opts) */
	const void *params;
	size_t params_size;
	uint32_t flags;
	int32_t priority;
	uint32_t relative_link_id;
	uint32_t relative_program_id;
};
/* opts may be NULL (no parameters, attach order). */
int ebpf_program_attach_opts(struct ebpf_program *program, const nmr_guid_t *attach_type,
			     const struct ebpf_program_attach_opts *opts, struct ebpf_link **link);
int ebpf_program_attach_by_name_opts(struct ebpf_program *program, const char *attach_type,
				     const struct ebpf_program_attach_opts *opts,
				     struct ebpf_link **link);
/*
 * Moves an attached link within its hook's chain as opts' flags, priority and relative ids say
 * (its parameters stay: opts' must be empty). Invocations in progress finish on the chain they
 * started with; each sees the old order or the new one, never a mix. -EOPNOTSUPP when the hook
 * keeps its links itself (an extension registered without the extension kit), -ENODEV while the
 * link is not bound to its hook.
 */
int ebpf_link_reorder(struct ebpf_link *link, const struct ebpf_program_attach_opts *opts);
/*
 * Replaces the program a live link runs, atomically (as Linux's bpf_link_update; with
 * old_program set, as with BPF_F_REPLACE: -EPERM unless the link runs old_program now). Every
 * invocation of the hook runs either the old program or the new one, exactly once; the call
 * returns once no invocation runs the old one any more, and the link's reference moves to the
 * new program. new_program must be of the program type the hook runs (-EINVAL), able to run
 * (-EPERM for a verify-only program) and not dormant (-ENODEV).
 */
int ebpf_link_update(struct ebpf_link *link, struct ebpf_program *new_program,
		     struct ebpf_program *old_program);
/*
 * A link is reference-counted as programs and maps are: the attacher's handle is one reference,
 * a pin (ebpf_link_pin) holds one and ebpf_link_get_pinned / ebpf_link_get_by_id return new
 * ones. ebpf_link_detach detaches now (waiting for invocations in flight; nothing runs the
 * program through the link afterwards, whoever holds it) and drops the caller's reference, so an
 * unpinned link is freed, as always. ebpf_link_release only drops a reference (as closing a
 * link's file descriptor on Linux): the last one detaches and frees, so a pinned link keeps
 * running after its attacher let go, until it is unpinned. Each reference is dropped once.
 */
int ebpf_link_detach(struct ebpf_link *link);
void ebpf_link_release(struct ebpf_link *link);
/* True while the link does not run: dormant (below). Kept for hosts written before dormancy. */
bool ebpf_link_is_detached(const struct ebpf_link *link);
/* Whether the link is dormant: its hook is gone (or came back and refused it) or its program is
 * dormant. reason (may be NULL) receives why, "" when not dormant. */
bool ebpf_link_is_dormant(const struct ebpf_link *link, char *reason, size_t size);

/* ---- Enumeration and query ------------------------------------------------------------- */

/*
 * As the bpf() syscall's BPF_{PROG,MAP,LINK}_GET_NEXT_ID: the smallest id above start_id of a
 * program, map or link alive now in this process (start with 0); -ENOENT after the last. Ids are
 * never reused while their object lives.
 */
int ebpf_program_get_next_id(uint32_t start_id, uint32_t *next_id);
int ebpf_map_get_next_id(uint32_t start_id, uint32_t *next_id);
int ebpf_link_get_next_id(uint32_t start_id, uint32_t *next_id);
/* A new reference to the program, map or link with this id; -ENOENT when none has it. */
int ebpf_program_get_by_id(uint32_t id, struct ebpf_program **program);
int ebpf_map_get_by_id(uint32_t id, struct ebpf_map **map);
int ebpf_link_get_by_id(uint32_t id, struct ebpf_link **link);

uint32_t ebpf_link_id(const struct ebpf_link *link);
/*
 * What a link is: its program, attach type and parameters, and whether it is dormant. Fields
 * appended later are filled only when sz reaches them, so a host built before keeps working.
 */
struct ebpf_link_info {
	size_t sz; /* sizeof(struct ebpf_link_info) */
	uint32_t id;
	uint32_t program_id; /* the program it runs now (ebpf_link_update changes it) */
	nmr_guid_t attach_type;
	nmr_guid_t program_type;
	bool dormant;
	/* In: a buffer for the attach parameters (may be NULL) and its capacity. Out: the
	 * parameters' full size; min(capacity, size) bytes were copied. */
	void *params;
	size_t params_size;
	/* Appended: not bound to its hook (the extension unloaded, or its hook came back and
	 * refused it, or the host detached it); dormant is true too then. */
	bool detached;
	uint32_t flags;	   /* as attached */
	int32_t priority;  /* its priority in the chain (a relative's when placed by one) */
	uint32_t position; /* 1 for the first link of its hook's chain; 0 when in none */
	uint32_t prev_id;  /* the links before and after it in the chain, 0 for none */
	uint32_t next_id;
};
int ebpf_link_get_info(const struct ebpf_link *link, struct ebpf_link_info *info);
/* -ENOENT when no link has the id. */
int ebpf_link_get_info_by_id(uint32_t id, struct ebpf_link_info *info);

/*
 * Run statistics, as Linux's BPF_ENABLE_STATS: while at least one handle is held, every run of a
 * program through a link is counted and timed (off by default: timing costs two clock reads a
 * run). The counts accumulate over every period they were enabled.
 */
struct ebpf_stats_handle;
int ebpf_enable_stats(struct ebpf_stats_handle **handle);
void ebpf_disable_stats(struct ebpf_stats_handle *handle);
struct ebpf_program_stats {
	size_t sz; /* sizeof(struct ebpf_program_stats) */
	uint64_t run_count;
	uint64_t run_time_ns;
};
int ebpf_program_get_stats(const struct ebpf_program *program, struct ebpf_program_stats *stats);

/* ---- Pinning ----------------------------------------------------------------------------- */

/* Names a program, map or link by a path-like string in the process-wide pin table; the pin
 * holds a reference (a pinned link stays attached, see ebpf_link_release). -EEXIST when the path
 * is taken. */
int ebpf_program_pin(struct ebpf_program *program, const char *path);
int ebpf_map_pin(struct ebpf_map *map, const char *path);
int ebpf_link_pin(struct ebpf_link *link, const char *path);
int ebpf_unpin(const char *path);
/* Returns a new reference. -ENOENT when nothing is pinned there, -EINVAL when it is another
 * kind of object. */
int ebpf_program_get_pinned(const char *path, struct ebpf_program **program);
int ebpf_link_get_pinned(const char *path, struct ebpf_link **link);
/* Looks in the pin table first, then (as ebpf_map_open_pinned) for a shared map's pin file. */
int ebpf_map_get_pinned(const char *path, struct ebpf_map **map);

/*
 * Shared maps (docs/maps.md, "Shared maps"): a map created with ebpf_map_create_opts.pin_path
 * keeps its storage in a file at that path (tmpfs), which any process opens by path, as bpffs
 * pins on Linux. Relative paths are under the pin root: EBPF_PIN_ROOT unless the host sets
 * another (an absolute directory; NULL restores the default), created on the first pin.
 * The file is the pin: it outlives the processes and goes with ebpf_unpin (or unlink).
 * Array, per-CPU array, hash, per-CPU hash, LRU hash, LRU per-CPU hash, LPM trie, queue and
 * stack maps can be shared (ring buffers, perf event arrays and maps of programs or maps not).
 */
#define EBPF_PIN_ROOT "/run/extbpf"
int ebpf_set_pin_root(const char *dir);
/* Copies the current pin root into buf; -ENAMETOOLONG when it does not fit. */
int ebpf_get_pin_root(char *buf, size_t size);
/* Opens the shared map pinned at path (a new map object of this process, sharing the storage).
 * -ENOENT nothing there, -EACCES the file's mode or owner does not let this user open it,
 * -EINVAL / -EPROTO not a shared map's pin or one of another format version or build. */
int ebpf_map_open_pinned(const char *path, struct ebpf_map **map);
/* Whether the map's storage is a shared pin file. */
bool ebpf_map_is_shared(const struct ebpf_map *map);

/*
 * The registry of running hosts (`extbpf prog list`, `map list`, `link list`): a host publishes
 * what it has loaded (programs with their run statistics, maps, links) to a file of its own
 * under <pin root>/.registry, and publishes again to refresh it (the statistics, objects loaded
 * or closed since); unpublish removes it. ebpf_registry_foreach calls fn for every entry of every
 * running host (a non-zero return stops it and is returned) and removes the files of processes
 * that no longer exist (a host killed without unpublishing).
 */
enum ebpf_registry_kind {
	EBPF_REGISTRY_PROGRAM,
	EBPF_REGISTRY_MAP,
	EBPF_REGISTRY_LINK,
};
struct ebpf_registry_entry {
	size_t sz; /* sizeof(struct ebpf_registry_entry) */
	uint32_t pid;
	enum ebpf_registry_kind kind;
	uint32_t id; /* in its process */
	char name[64];
	char type[32];				    /* program or map type */
	uint64_t run_count, run_time_ns;	    /* programs (while stats are enabled) */
	uint32_t key_size, value_size, max_entries; /* maps */
	bool shared;				    /* maps: a shared map's pin */
	uint32_t program_id;			    /* links */
	bool dormant;				    /* links */
	/* Appended: links, as in struct ebpf_link_info (0 from a host that did not publish
	 * them). */
	bool detached;
	int32_t priority;
	uint32_t position, prev_id, next_id;
};
typedef int (*ebpf_registry_fn)(const struct ebpf_registry_entry *entry, void *arg);
int ebpf_registry_publish(void);
int ebpf_registry_unpublish(void);
int ebpf_registry_foreach(ebpf_registry_fn fn, void *arg);

/* ---- Runtime ----------------------------------------------------------------------------- */

/* Where bpf_trace_printk output goes (default: stderr). */
typedef void (*ebpf_trace_sink_fn)(void *arg, const char *message, size_t length);
void ebpf_set_trace_sink(ebpf_trace_sink_fn fn, void *arg);

/* The runtime starts on first use. ebpf_runtime_shutdown unloads every extension and frees
 * every object still alive (for leak-free exits and tests); the runtime may be used again. */
void ebpf_runtime_shutdown(void);
/* The registrar extensions register with (for hosts that register providers themselves). */
nmr_registrar_t *ebpf_runtime_registrar(void);

/* ---- Inspection (nothing is verified, created or run) ------------------------------------ */

/* One program of an object as the loader found it. */
struct ebpf_object_program_info {
	const char *name;    /* the function's name */
	const char *section; /* its SEC() name */
	size_t insn_count;   /* with the subprograms it calls appended */
	/* The section whose program type it takes: its own, except iproute2's tail-call sections
	 * "ID/IDX", which take the type of the object's first other program section (tc loads
	 * them with the type it was told for `sec classifier`). Added after insn_count. */
	const char *type_section;
};
typedef int (*ebpf_object_program_cb)(const struct ebpf_object_program_info *program, void *arg);
/* Parses an object and calls cb for each program in order (non-zero from cb stops). Fails as
 * ebpf_object_open's parsing does (-ENOEXEC not a BPF object, -EINVAL malformed, ...). */
int ebpf_object_programs(const char *path, ebpf_object_program_cb cb, void *arg);

/* One instruction of ebpf_object_disassemble. */
struct ebpf_disasm_line {
	const char *program;	      /* the function's name */
	const char *section;	      /* its SEC() name */
	size_t index;		      /* instruction index in the program, 0 starts a program */
	size_t count;		      /* the program's instruction count */
	const struct ebpf_inst *insn; /* `slots` instructions */
	int slots;		      /* 2 for lddw, else 1 */
	bool invalid;		      /* text describes why the instruction is malformed */
	const char *text;	      /* the disassembly */
	const char *map;	      /* the map an lddw refers to, or NULL */
	/* The source line this instruction starts (BTF line info), else NULL and 0. */
	const char *source;
	const char *file;
	uint32_t line;
};
typedef int (*ebpf_disasm_cb)(const struct ebpf_disasm_line *line, void *arg);
/*
 * Disassembles the programs of an object without verifying them (a refused program can be
 * read), interleaving BTF source lines. program selects one by section or function name (NULL:
 * all; -ENOENT when none matches). Map references read as the loader left them: map[idx:N]
 * with the map's name in `map`. Returns 0, the loader's error, or cb's non-zero value.
 */
int ebpf_object_disassemble(const char *path, const char *program, enum ebpf_disasm_style style,
			    ebpf_disasm_cb cb, void *arg);

/* What verifying a program took. All 0 when the core did not record it. */
struct ebpf_verifier_stats {
	size_t sz;		  /* sizeof(struct ebpf_verifier_stats) */
	uint64_t insns_processed; /* instructions walked, over every path */
	uint64_t states_kept;	  /* abstract states kept for pruning */
	uint32_t max_stack_depth; /* bytes of stack, over all frames */
};
int ebpf_program_verifier_stats(const struct ebpf_program *program,
				struct ebpf_verifier_stats *stats);

/* A symbol exported by a shared-library extension (a host-facing function such as the sample
 * extension's sample_hook_fire), or NULL: linked into the host, or no such symbol. */
void *ebpf_extension_symbol(const struct ebpf_extension *extension, const char *name);

#ifdef __cplusplus
}
#endif

#endif /* EXTBPF_EXTBPF_H */
