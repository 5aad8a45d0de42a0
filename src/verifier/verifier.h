/* SPDX-License-Identifier: MIT */
/*
 * The verifier: a pure function from instructions + program type information + map descriptors
 * to a verdict with a diagnostic. No global state; it never calls the extension.
 */
#ifndef EXTBPF_VERIFIER_H
#define EXTBPF_VERIFIER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <extbpf/extbpf.h>

/*
 * A special field of a map value (Linux's btf_record, found in the value's BTF by the loader):
 * programs reach it only through the helpers made for it, never as plain bytes.
 */
enum verifier_field_kind {
	VERIFIER_FIELD_SPIN_LOCK = 1,  /* struct bpf_spin_lock: bpf_spin_lock/unlock only */
	VERIFIER_FIELD_KPTR_UNTRUSTED, /* __kptr_untrusted pointer: 8-byte loads, NULL stores */
	VERIFIER_FIELD_KPTR_REF,       /* __kptr pointer: 8-byte loads, bpf_kptr_xchg */
	VERIFIER_FIELD_TIMER,	       /* struct bpf_timer: the bpf_timer_* helpers only */
};

struct verifier_field {
	enum verifier_field_kind kind;
	uint32_t off;
	uint32_t size;
	const char *type_name; /* kptrs: the struct pointed to ("task_struct"), else NULL */
};

/* What the verifier knows of a map the program refers to (by index, see loader.h). */
struct verifier_map {
	const char *name;
	enum ebpf_map_type type;
	uint32_t key_size;
	uint32_t value_size;
	uint32_t max_entries;
	uint32_t map_flags;
	bool read_only;		 /* .rodata: values may be read, never written */
	const void *frozen_data; /* .rodata contents (constant strings, known values), or NULL */
	int32_t inner_map;	 /* index of the inner map template for maps of maps, or -1 */
	const struct verifier_field *fields; /* sorted by offset; at most one spin lock */
	uint32_t field_count;
	/* Extension map types (Map Information NPI): what programs may do with them. */
	bool value_read_only; /* values from lookups are read, never written */
	bool no_prog_lookup;  /* bpf_map_lookup_elem refused */
	bool no_prog_update;  /* bpf_map_update_elem and bpf_map_delete_elem refused */
};

struct verifier_line {
	uint32_t insn;
	uint32_t line;
	uint32_t column;
	const char *file;
	const char *text;
};

/* Linux's MAX_BPF_FUNC_ARGS, plus the return value fexit, fmod_ret and lsm programs read. */
#define VERIFIER_MAX_BTF_ARGS 13

/*
 * The context of a program attached through BTF (Linux's fentry, fexit, fmod_ret, lsm, tp_btf):
 * an array of u64 arguments of the target function, typed by its BTF prototype. Loading an
 * argument that points to a struct or union gives a pointer to that BTF type (Linux's
 * PTR_TO_BTF_ID), whose loads are checked against the type's layout (see docs/linux-types.md).
 */
struct verifier_btf_ctx {
	const struct btf *btf; /* the kernel's (libbpf's <bpf/btf.h>) */
	const char *target;    /* "do_unlinkat", for messages */
	uint32_t nargs;	       /* readable u64 slots, the return value included */
	uint32_t arg_btf_id[VERIFIER_MAX_BTF_ARGS]; /* the struct an argument points to, 0 scalar */
	/* Bit i: argument i may be NULL and must be checked before a load through it (an
	 * iterator's object, Linux's PTR_TO_BTF_ID_OR_NULL); otherwise a typed pointer may be
	 * loaded through unchecked (Linux's probe reads). */
	uint32_t arg_maybe_null;
};

struct verifier_input {
	const char *section; /* for messages */
	const struct ebpf_inst *insns;
	size_t insn_count;
	const struct ebpf_program_info *info;		/* the program type */
	const struct ebpf_helper_proto *global_helpers; /* the core's, ids < 65536 */
	size_t global_helper_count;
	const struct verifier_map *maps;
	size_t map_count;
	const struct verifier_line *lines; /* sorted by insn; may be NULL */
	size_t line_count;
	bool allow_verify_only_helpers; /* verification only: the program will not run */
	uint32_t log_level;		/* 0 failure only, 1 + path, 2 + state per instruction */
	char *log;			/* may be NULL */
	size_t log_size;
	uint64_t complexity_limit; /* instructions processed; 0: the default (1,000,000) */
	/* Bytes the verifier's states (checkpoints, pending branches) may hold; 0: the default
	 * (VERIFIER_STATE_MEMORY_LIMIT). Beyond it the program is refused as too complex. */
	uint64_t state_memory_limit;
	/*
	 * Optional output, insn_count entries: for each instruction that loads a packet pointer
	 * field of the context, VERIFIER_CTX_DATA / _DATA_END / _META (else 0), so that the core
	 * can rewrite narrow (__u32) fields into loads of the real pointers. Written on success.
	 */
	uint8_t *ctx_field_loads;
	/* When set, r2 starts as this known number (ebpf_run_raw: the memory's size, as the
	 * conformance suite passes it); else r2 is not readable at entry, as on Linux. */
	const uint64_t *entry_r2;
	/* The program's license (the object's "license" section, "" when it has none): helpers
	 * flagged EBPF_HELPER_GPL_ONLY are refused unless it is GPL-compatible, as on Linux. NULL:
	 * not checked (raw instructions, which carry no license). */
	const char *license;
	/* The context is the target's arguments (program types attached through BTF), or NULL. */
	const struct verifier_btf_ctx *btf_ctx;
	/* Functions called by name (src_reg EBPF_CALL_KFUNC, imm an index here): their
	 * prototypes, checked as helpers' are; NULL where the index names nothing callable. */
	const struct ebpf_helper_proto *const *kfuncs;
	size_t kfunc_count;
	/* The program type's BTF, where a kfunc's BTF FUNC gives the struct types its pointer
	 * arguments and return value point to; NULL when the type has none. */
	const struct btf *kfunc_btf;
	/* The kernel's BTF, which types the kernel structs Linux helpers point to
	 * (bpf_skc_to_tcp_sock's struct tcp_sock) in a type not attached through BTF; NULL when
	 * unavailable (such calls are refused) or unneeded (verifier_calls_kernel_struct_helper).
	 */
	const struct btf *kernel_btf;
	/* Walk every loop iteration by iteration, as Linux does, never by abstraction (joined
	 * and widened states at loop heads): comparisons with Linux, and tests of the walk. */
	bool exact_loops;
	/* Pruning compares every scalar's range, as before precision tracking (precision.c):
	 * for measuring what precision saves, and for worst cases meant to compare everything. */
	bool precise_all;
};

/* Whether a call of insns names a Linux helper returning a pointer to a kernel struct (the
 * bpf_skc_to_* casts), which needs verifier_input.kernel_btf. */
bool verifier_calls_kernel_struct_helper(const struct ebpf_inst *insns, size_t count);

/* The BTF that types info's kfuncs: its kfunc_btf (version 6), else its btf; NULL when none. */
const void *verifier_kfunc_btf_raw(const struct ebpf_program_info *info, uint32_t *size);
/* Checks info's kfuncs against that BTF and derives the kinds of those given by name only
 * (ret and every argument kind zero) from their FUNC_PROTO: *protos gets a malloc'd copy of
 * info->kfuncs (NULL when there are none) with the derived kinds filled in. 0, or -EINVAL /
 * -ENOMEM and why, naming the kfunc and the argument (kfunc_btf.c). */
int verifier_kfunc_btf_derive(const struct ebpf_program_info *info,
			      struct ebpf_helper_proto **protos, char *why, size_t size);
struct btf;
/* Where a program's object declares kfunc `name` (its BTF FUNC of the extern) and the
 * extension's BTF types it, both must agree: as many parameters, scalars of the same size and
 * signedness where the other has a scalar, pointers where it has pointers, the same return.
 * 0 when they do or either says nothing; else -EINVAL and why. */
int verifier_kfunc_extern_check(const struct btf *ext, const struct btf *prog, const char *name,
				char *why, size_t size);

/* The helper a CO-RE relocation that found nothing calls (libbpf's "bad relo", 0xbad2310): refused
 * only where a path reaches it, as Linux does; the code no path reaches never runs. */
#define VERIFIER_POISONED_HELPER 0xbad2310

/* The default state_memory_limit: with the 1,000,000 instruction limit, no input of up to
 * 1,000,000 instructions makes the verifier use more than about 1 GB (docs/verifier.md). */
#define VERIFIER_STATE_MEMORY_LIMIT (768ull << 20)

#define VERIFIER_CTX_DATA     1
#define VERIFIER_CTX_DATA_END 2
#define VERIFIER_CTX_META     3

/*
 * Where the real 64-bit pointer behind the context's packet field `field` (VERIFIER_CTX_DATA,
 * _DATA_END or _META) lives: its slot in the program info's context_pointers for a narrow
 * (__u32) field, or the field itself when it is a 64-bit pointer (context_pointers 0, or an
 * extension built before context_pointers existed). -1 when the type has no such field.
 */
int32_t verifier_ctx_pointer_slot(const struct ebpf_program_info *info, int field);

/*
 * The readable fields of a version-2 struct ebpf_context_info (ctx_fields.c): each inside the
 * context, of a width of 1, 2, 4 or 8 bytes, pointer fields whole, alone, never writable, at
 * most one memory pointer. 0, or -EINVAL and why, naming the field.
 */
int verifier_ctx_fields_check(const struct ebpf_context_info *ci, char *why, size_t why_size);
/* Field i of a version-2 context's table, at its element size (field_size, 0 for the first). */
const struct ebpf_context_field *verifier_ctx_field_at(const struct ebpf_context_info *ci,
						       uint32_t i);

struct verifier_result {
	int error;	   /* 0 accepted, -EACCES refused, -EINVAL malformed, -E2BIG too complex */
	int64_t insn;	   /* the instruction refused, -1 when none */
	char message[512]; /* "insn 12 (r0 = *(u32 *)(r1 + 64)): ctx access out of bounds: ..." */
	uint64_t insns_processed;
	uint64_t states_kept;
	uint32_t max_stack_depth;
	/* The work done, for tests that bound it (docs/verifier.md, "Budget"). */
	uint64_t cfg_steps;	   /* instruction visits of the structural passes (cfg.c) */
	uint64_t liveness_steps;   /* instructions (re)computed by the liveness worklist */
	uint64_t states_compared;  /* state comparisons (pruning and loop detection) */
	uint64_t peak_state_bytes; /* most bytes held by states at once */
	uint64_t loop_invariants;  /* joined and widened loop head states walked (loop.c) */
};

/*
 * bpf_trace_printk's format (Linux's bpf_bprintf_prepare), parsed by the verifier to prove what
 * each conversion reads and by the helper to format it (printk.c): one parser, one meaning.
 */
#define PRINTK_MAX_ARGS	 3
#define PRINTK_WIDTH_MAX 1024

enum printk_kind {
	PRINTK_INT,  /* %d %i %u %x %X, with 0-2 'l' */
	PRINTK_CHAR, /* %c */
	PRINTK_STR,  /* %s %pks %pus: reads a NUL-terminated string */
	PRINTK_PTR,  /* %p %pK %px %ps %pS %pB: prints the value */
	PRINTK_IP4,  /* %pI4 %pi4: reads 4 bytes */
	PRINTK_IP6,  /* %pI6 %pi6: reads 16 bytes */
};

struct printk_conv {
	enum printk_kind kind;
	char flags[5]; /* each of "0+- " at most once, NUL-terminated */
	bool has_width;
	uint32_t width; /* saturated at PRINTK_WIDTH_MAX */
	uint8_t longs;	/* PRINTK_INT: the number of 'l' */
	char letter;	/* PRINTK_INT: d i u x X; PRINTK_IP4/6: i or I */
};

/* Parses the conversion whose '%' is just before fmt[*pos] (fmt is NUL-terminated), leaving *pos
 * after it: 0, or -EINVAL for a conversion Linux refuses. "%%" is not a conversion. */
int printk_parse_conversion(const char *fmt, size_t *pos, struct printk_conv *conv);
/* Only printable ASCII and white space. */
bool printk_format_chars_valid(const char *fmt, size_t len);

/* Returns result->error. The message names the section, instruction, its disassembly, the source
 * line when line info is given, and the reason. */
int verifier_verify(const struct verifier_input *input, struct verifier_result *result);

#endif /* EXTBPF_VERIFIER_H */
