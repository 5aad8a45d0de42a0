/* SPDX-License-Identifier: MIT */
/*
 * The execution context's internals, shared by the files of src/core.
 *
 * One process-wide runtime (core_rt), started on first use. Its lock guards the tables (object
 * ids, pins, program types, extensions); it is never held while calling the registrar, an
 * extension or a host callback, because those may call back into the core.
 *
 * Lifetimes:
 * - programs, maps and links are reference counted and named by ids in one table, each kind
 *   numbered on its own;
 * - a program type (struct core_progtype) lives while its Program Information binding exists or a
 *   program of that type exists. When its extension goes away first, the type is marked gone, its
 *   programs become unusable (test runs fail with -ENODEV, their links report detached) but stay
 *   valid objects until released;
 * - invocations run inside an RCU read-side critical section (urcu-bp): whoever makes a program
 *   unreachable waits for a grace period (core_synchronize_rcu) before freeing what it used.
 */
#ifndef EXTBPF_CORE_CORE_H
#define EXTBPF_CORE_CORE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <extbpf/extbpf.h>

#include "exec/exec.h"

enum core_kind {
	CORE_PROGRAM,
	CORE_MAP,
	CORE_LINK,
	CORE_KIND_COUNT,
};

struct core_id_entry {
	uint32_t id;
	enum core_kind kind;
	void *object;
};

struct core_pin {
	struct core_pin *next;
	char *path;
	enum core_kind kind;
	void *object;
};

struct core_progtype;
struct ebpf_link;
struct loader_object;

struct core_runtime {
	pthread_mutex_t lock;
	nmr_registrar_t *registrar; /* set once at start, read without the lock */
	nmr_handle_t progtype_client;
	nmr_handle_t maptype_client;
	/* Live programs, maps and links, sorted by kind then id (ids only grow until they wrap). */
	struct core_id_entry *ids;
	size_t id_count;
	size_t id_cap;
	uint32_t next_id[CORE_KIND_COUNT]; /* one numbering space per kind, as in Linux */
	struct core_pin *pins;
	struct core_progtype *types;	   /* bound program types, in binding order */
	struct core_maptype *maptypes;	   /* bound map types (maptype.c) */
	struct ebpf_extension *extensions; /* in load order */
	struct ebpf_object *objects;	   /* open objects */
	/* Where relative pin paths of shared maps go (shared_pin.c); NULL: EBPF_PIN_ROOT. */
	char *pin_root;
	/* Holders of ebpf_enable_stats handles: programs run through links are timed while > 0. */
	atomic_uint stats_users;
};

extern struct core_runtime core_rt;

/*
 * Shared pins (shared_pin.c): a path as given (absolute) or under the pin root (relative), the
 * root created first when make_root is set; -ENAMETOOLONG with the message set.
 */
int core_pin_resolve(const char *path, char *out, size_t size, bool make_root);
/* The directory of an object's shared maps (opts.pin_maps_dir), resolved and created. */
int core_pin_dir(const char *dir, char *out, size_t size);
/* Removes a shared map's pin file (ebpf_unpin of a path the pin table does not have). */
int core_unpin_shared(const char *path);

/* Starts the runtime when needed; 0 or a negative errno with the message set. */
int core_runtime_start(void);

static inline void core_lock(void)
{
	pthread_mutex_lock(&core_rt.lock);
}

static inline void core_unlock(void)
{
	pthread_mutex_unlock(&core_rt.lock);
}

/* ---- ids (objects.c) --------------------------------------------------------------------- */

/* Runs exec repeat times (0 counts as 1) with r1, r2, calling progress (when set) after every
 * EBPF_RUN_PROGRESS_RUNS runs; r0 of the last run in *r0, the mean nanoseconds per run returned. */
uint64_t core_now_ns(void);
uint64_t core_run_repeated(struct exec_program *exec, uint64_t r1, uint64_t r2, uint32_t repeat,
			   ebpf_run_progress_fn progress, void *arg, uint64_t *r0);

/* Gives object a fresh id; call with the lock held. */
int core_id_alloc_locked(enum core_kind kind, void *object, uint32_t *id);
void core_id_remove(enum core_kind kind, uint32_t id);
/* The first id of kind above start: 0 or -ENOENT. */
int core_id_next(enum core_kind kind, uint32_t start, uint32_t *next);
/* The object with this id and kind (no reference), or NULL; under the lock. */
void *core_id_find_locked(enum core_kind kind, uint32_t id);
/* The object with this id and kind, with a new reference, or NULL. */
void *core_id_acquire(uint32_t id, enum core_kind kind);
/* The live objects of a kind filter accepts (called under the lock, in id order), each with a
 * new reference, in a malloc'ed array; NULL (and *count 0) when none or out of memory. */
typedef bool (*core_id_filter_fn)(void *object, void *arg);
void **core_id_collect(enum core_kind kind, core_id_filter_fn filter, void *arg, size_t *count);
/* Drops every pin (shutdown). */
void core_pins_clear(void);

/* ---- programs and program types ---------------------------------------------------------- */

/* A program type offered by a provider of the Program Information NPI. */
struct core_progtype {
	struct core_progtype *next;
	/* The provider's data, copied so that fields the extension's version lacks read as 0. Its
	 * pointers point into the extension: valid only while !gone. */
	struct ebpf_program_info info;
	/* info.kfuncs once checked: a copy with the kinds derived from BTF (kfunc_btf.c). */
	struct ebpf_helper_proto *kfunc_protos;
	char name[64];
	char invalid[384]; /* why the type is refused ("" when valid) */
	char who[192];	   /* "extension 'x', program type 'y'": whose contract, for messages */
	nmr_handle_t binding;
	struct ebpf_extension *extension; /* the extension whose load registered it, or NULL */
	/* Under the lock: */
	bool gone;		       /* the provider detached: nothing may read `info` any more */
	bool detach_pending;	       /* detach_provider returned NMR_PENDING */
	uint32_t users;		       /* load pipelines and test runs using `info` right now */
	struct ebpf_program *programs; /* live programs of this type */
	atomic_uint refcount; /* the binding + each program + each enumeration in progress */
};

/* What a program's verification depended on, to re-check when its type comes back. */
struct core_used_helper {
	uint32_t id;
	uint64_t hash; /* of its prototype; 0 for a core helper */
	char name[32];
};

/* A function it calls by name: kfunc index i of its object (NULL name where unused). */
struct core_used_kfunc {
	char *name;
	uint64_t hash; /* of its prototype */
};

struct core_program_contract {
	uint32_t info_version;
	uint32_t info_size;
	uint64_t context_hash;
	struct core_used_helper *helpers; /* every helper id it calls, once */
	uint32_t helper_count;
	struct core_used_kfunc *kfuncs; /* indexed as its kfunc calls' imm */
	uint32_t kfunc_count;
};

/* The .BTF of the object a program came from, shared by the object's programs: a program
 * attached to one of their functions (ebpf_object_set_attach_target) is typed by it. */
struct core_btf_blob {
	atomic_uint refcount;
	uint32_t size;
	unsigned char data[];
};

struct ebpf_program {
	atomic_uint refcount;
	uint32_t id;
	char *name;
	char *section;
	char *type_name;
	enum ebpf_exec_mode mode;
	bool verify_only;
	/* Cleared (under the lock, before a grace period) when its program type goes away. */
	atomic_bool usable;
	struct core_progtype *type;
	struct ebpf_program *type_next; /* in type->programs, under the lock */
	struct ebpf_link *links;	/* attached links, under the lock */
	struct ebpf_inst *insns;	/* as loaded (map references by index) */
	struct ebpf_inst *xlated;	/* relocated: what the engine runs */
	/* Verified and rewritten, map references still by index: what native compilation
	 * translates (NULL for programs bound to compiled code). */
	struct ebpf_inst *portable;
	size_t insn_count;
	struct exec_program *exec;    /* NULL when verify_only */
	ebpf_helper_fn *type_helpers; /* indexed by id - EBPF_PROGRAM_TYPE_HELPER_ID_BASE */
	uint32_t type_helper_count;
	/* The core's table plus the type's helpers under Linux ids, when it has such; else NULL. */
	ebpf_helper_fn *global_helpers;
	uint32_t global_helper_count;
	/* The functions it calls by name, indexed as contract.kfuncs (NULL where unused). */
	ebpf_helper_fn *kfuncs;
	uint32_t kfunc_count;
	/* Per instruction: the call passes the context implicitly (exec_helpers.ctx_calls); NULL
	 * when no call does. */
	bool *ctx_calls;
	struct ebpf_map **maps; /* maps it refers to (a reference each) */
	size_t map_count;
	/* What verifying it took (ebpf_program_verifier_stats), from the verifier's result. */
	uint64_t verified_insns;
	uint64_t verified_states;
	uint32_t verified_stack_depth;
	struct core_program_contract contract;
	/* Runs through links and their time while stats are enabled (ebpf_enable_stats). */
	atomic_uint_fast64_t run_count;
	atomic_uint_fast64_t run_time_ns;
	/* Under the lock: why it is dormant ("" when usable), and a rebind in progress. */
	char dormant[256];
	bool rebinding;
	bool broken; /* a rebind failed halfway through its engine: never usable again */
	struct core_btf_blob *btf; /* its object's BTF (a reference), NULL without */
	bool btf_attached;	   /* its context is a BTF target's arguments (fentry, ...) */
};

/* What the host configured for one program of a parsed object (object_config.c). */
struct core_program_config {
	char *type_name;     /* NULL: the type the section names (or opts.program_type) */
	char *attach_target; /* NULL: the target the section names */
	struct ebpf_program *attach_prog; /* whose BTF types attach_target (a reference), or NULL */
	bool skip;			  /* autoload off */
};

enum core_object_state {
	CORE_OBJECT_PARSED, /* configurable: lo and config are valid */
	CORE_OBJECT_LOADED,
	CORE_OBJECT_FAILED, /* its load failed: it can only be closed */
};

struct ebpf_object {
	struct ebpf_object *next;
	char *name;
	enum core_object_state state;
	struct ebpf_program **programs; /* a reference each */
	size_t program_count;
	struct ebpf_map **maps; /* a reference each */
	size_t map_count;
	/* Until the load: the parsed object, one configuration per lo->programs, and the
	 * options with their strings owned (opt_strings). */
	struct loader_object *lo;
	struct core_program_config *config;
	struct ebpf_object_open_opts opts;
	char *opt_strings[5];
};

/* load.c and native.c: objects whose programs were compiled ahead of time */
struct native_object_table;
struct core_native_image {
	const char *so_path; /* absolute: every program opens it again */
	const struct native_object_table *table;
};
/* A parsed object taking lo over (freed with it, also on failure), listed in core_rt.objects. */
int core_object_new(struct loader_object *lo, const char *name,
		    const struct ebpf_object_open_opts *opts, struct ebpf_object **object);
/* Creates the maps, verifies, relocates and compiles a parsed object; on failure everything it
 * created is released and the object is left CORE_OBJECT_FAILED. */
int core_object_load(struct ebpf_object *obj, const struct core_native_image *native);
/* 0 while obj is parsed and not loaded, else -EBUSY with the message naming the object. */
int core_object_configurable(const struct ebpf_object *obj);
/* The hash of what prog's verification depended on in its type's contract (native.c): the
 * type, the context layout, the prototypes of the helpers and kfuncs it calls. */
uint64_t core_contract_hash(const struct ebpf_program *prog, const struct ebpf_program_info *info);

/* progtype.c */
int core_progtype_client_register(void);
void core_progtype_client_deregister(void);
/* Deregisters one of the core's NMR clients, waiting for its bindings to go. */
void core_client_deregister(nmr_handle_t *client);
/* Finds the type for a section or by name, marks it in use (core_progtype_unuse when done with
 * its info) and takes a reference for the caller. Fails with the message set. */
int core_progtype_find_section(const char *section, struct core_progtype **type);
int core_progtype_find_name(const char *name, struct core_progtype **type);
/* The same for a program's own type (a test run): -ENODEV, with the message, when dormant. */
int core_progtype_use_program(struct ebpf_program *program, struct core_progtype **type);
void core_progtype_unuse(struct core_progtype *type);
void core_progtype_put(struct core_progtype *type);
/* Links a new program into its type's list; -ENODEV when the type went away meanwhile. */
int core_progtype_add_program(struct core_progtype *type, struct ebpf_program *program);
/* The extension being loaded on this thread (its program types are credited to it). */
void core_progtype_set_loading(struct ebpf_extension *extension);
/* Who a contract structure comes from, for messages: "extension 'name'" of the extension being
 * loaded on this thread, or "the host" (a registration made outside an extension's load). */
void core_progtype_loading_who(char *buf, size_t size);

/* query.c */
void core_program_count_run(struct ebpf_program *program, uint64_t ns);
/* "program", "map", "link" */
const char *core_kind_name(enum core_kind kind);

/* link.c: a link's reference count (pins and lookups by id take one) */
atomic_uint *core_link_refcount(struct ebpf_link *link);

/* rebind.c */
/* The prototype of the type's own helper `id`, or NULL. */
const struct ebpf_helper_proto *core_type_helper_proto(const struct ebpf_program_info *info,
						       uint32_t id);
int core_program_contract_record(struct ebpf_program *prog, const struct ebpf_program_info *info);
void core_program_contract_free(struct ebpf_program *prog);
/* Wakes the dormant programs of type's GUID whose contract still holds (from its binding). */
void core_progtype_rebind(struct core_progtype *type);
/* Under the lock, before a grace period. */
void core_program_mark_dormant(struct ebpf_program *prog, const char *why);

/* kfunc_iter.c: the core's own functions called by name (every program type has them) */
const struct ebpf_helper_proto *core_own_kfunc_find(const char *name, ebpf_helper_fn *fn);

/* kfunc.c: functions called by name */
/* Kfunc `name` of program type info (the core's own first: a type cannot shadow them) (and its
 * address in *fn when fn is set), or NULL. */
const struct ebpf_helper_proto *core_kfunc_find(const struct ebpf_program_info *info,
						const char *name, ebpf_helper_fn *fn);
/* Resolves each kfunc call of prog (imm: an index into the object's names, lo->kfuncs; lo
 * NULL for raw instructions) against info: prog->kfuncs and prog->contract.kfuncs, and
 * *protos (one per name, NULL where unused, the caller frees) for the verifier. A name info
 * lacks: -ENOTSUP; an extern declared otherwise than the extension's BTF types it: -EINVAL;
 * each with a message. */
int core_program_resolve_kfuncs(struct ebpf_program *prog, const struct ebpf_program_info *info,
				const struct loader_object *lo,
				const struct ebpf_helper_proto ***protos);
void core_program_kfuncs_free(struct ebpf_program *prog);
/* 0 when info offers every kfunc prog calls with the same prototype, else -ESTALE and why. */
int core_program_kfuncs_check(const struct ebpf_program *prog, const struct ebpf_program_info *info,
			      char *why, size_t size);
/* A new address table for prog's kfuncs from info (checked already), or NULL (no memory). */
ebpf_helper_fn *core_program_kfuncs_rebuild(const struct ebpf_program *prog,
					    const struct ebpf_program_info *info);

/* load.c: the program's helper tables from its type's (type_helpers, global_helpers). */
int core_program_build_helpers(struct ebpf_program *prog, const struct ebpf_program_info *info);

/* maptype.c: the map types of extensions (Map Information NPI) */
struct map_attr;
struct verifier_map;
int core_maptype_client_register(void);
void core_maptype_client_deregister(void);
/* For a type the maps module lacks: points attr at the extension's type (a reference, given
 * back by core_maptype_release) and returns 0, or -ENOENT when no extension offers it. */
int core_maptype_resolve(struct map_attr *attr);
void core_maptype_release(struct map_attr *attr);
/* -EOPNOTSUPP with the message when the type is verify-only (no map with storage). */
int core_maptype_check_storage(const struct map_attr *attr);
/* The reason the core refused the map type bound through `binding`: -EINVAL, or 0. */
int core_maptype_refusal(nmr_handle_t binding, char *msg, size_t size);
/* What programs may do with the map's values, for the verifier. */
void core_map_describe(const struct ebpf_map *map, struct verifier_map *vmap);

/* program.c */
void core_program_destroy(struct ebpf_program *program);
uint32_t core_program_to_id(const void *object);
/* The engine's tail-call lookup. */
const struct exec_program *core_tail_call(void *prog_array, uint32_t index);

/* maps (objects.c) */
extern const struct map_object_ops core_map_object_ops;
void core_map_destroy(struct ebpf_map *map);
/* Empties a program array or map of maps (breaks reference cycles at close and shutdown). */
void core_map_clear_objects(struct ebpf_map *map);

/* link.c */
void core_links_detach_all(void);
/*
 * For hook providers inside the core (extkit.c): how to run a link whose dispatch table this is
 * from inside a read-side critical section the caller already holds, or NULL when the link is
 * not the core's (it is then called through its dispatch table).
 */
typedef int (*core_link_run_fn)(void *link, void *ctx, uint32_t *result);
core_link_run_fn core_link_runner(const struct ebpf_link_dispatch *dispatch);
/*
 * Whether `size` bytes of parameters and `flags` suit the attach type `data` (read with
 * core_attach_data_read): 0, or -EINVAL with msg naming the attach type, what it takes and what
 * was given.
 */
int core_attach_params_check(const struct ebpf_attach_provider_data *data, size_t size,
			     uint32_t flags, char *msg, size_t msg_size);

/* For the extension kit (the link is a core link: core_link_runner gave a runner for it). */
struct kit_link;
/* The kit's entry for the link in its hook's chain, NULL while in none; takes the lock. */
void core_link_set_chain(void *link, struct kit_link *entry);
/* Why the hook refuses the link (shown to the attacher instead of the errno's text). */
void core_link_refuse(void *link, const char *why);
/* The priority the link took in its chain: kept, so that it rebinds there after a reload. */
void core_link_settle(void *link, int32_t priority);
/* Its place among its hook's links (struct kit_link's seq) when it left the chain, 0 before it
 * ever stood in one: it comes back there when it binds again. */
void core_link_save_seq(void *link, uint64_t seq);
uint64_t core_link_saved_seq(void *link);
/* The program the link runs now (inside a read-side critical section). */
uint32_t core_link_program_id(void *link);
/* extkit.c: moves entry in its chain as `order` says (its flags, priority and relative ids),
 * under core_kit_lock; 0 with the priority it took, or a negative errno with the message set. */
int core_kit_reorder(struct kit_link *entry, const struct ebpf_link_client_data *order,
		     int32_t *priority);
/* extkit.c: entry's place in its chain (position, neighbours), inside a read-side section. */
void core_kit_position(const struct kit_link *entry, uint32_t *position, uint32_t *prev_id,
		       uint32_t *next_id);
/* extkit.c: the hook of entry, locked against changes of its chain (reorder); NULL: none. */
void *core_kit_lock(struct kit_link *entry);
void core_kit_unlock(void *hook);

/* extension.c */
void core_extensions_unload_all(void);

/* load.c */
void core_objects_close_all(void);

#endif /* EXTBPF_CORE_CORE_H */
