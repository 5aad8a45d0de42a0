/* SPDX-License-Identifier: MIT */
/*
 * The contracts an extension author writes against: everything an extension needs is here and
 * in nmr.h.
 *
 * An extension adds program types and hooks to extbpf by registering NMR providers:
 *
 * - Program Information NPI (EBPF_PROGRAM_INFO_NPI_ID): one provider per program type. Its
 *   npi_specific block is a struct ebpf_program_info: the type's name and GUID, the ELF section
 *   prefixes it claims, its context layout, the prototypes and addresses of its own helpers and
 *   optional test-run callbacks. The core is the client; the verifier reads only this data.
 *
 * - Hook NPI (EBPF_HOOK_NPI_ID): one provider per attach type. Its npi_specific block is a
 *   struct ebpf_attach_provider_data. Every link the host creates is one NMR client of this NPI
 *   whose npi_specific block is a struct ebpf_link_client_data and whose dispatch table is a
 *   struct ebpf_link_dispatch. The extension keeps the bindings it accepted and, when its event
 *   happens, calls dispatch->invoke(client_binding_context, ctx, &result) for each of them.
 *
 * The extension is a shared library exporting EBPF_EXTENSION_ENTRY_SYMBOL (use
 * EBPF_EXTENSION_DEFINE) or a static archive whose descriptor the host passes to
 * ebpf_extension_add_static. extensions/sample is the worked example. Most extensions need not
 * register these providers by hand: ebpf_extension_register (at the end of this header) does it
 * in one call and keeps and fires the links of their hooks.
 */
#ifndef EXTBPF_EXTENSION_H
#define EXTBPF_EXTENSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nmr.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The two contracts. */
#define EBPF_PROGRAM_INFO_NPI_ID NMR_GUID(0x3474a18c, 0x6023, 0x4e12, 0x89f9, 0x977eeb5853b4)
#define EBPF_HOOK_NPI_ID	 NMR_GUID(0xa8d1408f, 0x6650, 0x4ef5, 0x84c1, 0x805fd242d3c1)

/*
 * Every structure passed across the contract starts with this header: the structure's version
 * and sizeof as the extension was compiled (EBPF_EXTENSION_HEADER fills both). The rules, which
 * the core enforces (docs/extensions.md, "How the contract grows"):
 * - fields are only ever appended, and a new field's zero means what the structure meant
 *   without it, so an extension built against older headers keeps working with a newer core;
 * - the core accepts exactly the versions it knows, each at one of the sizes it has had, and
 *   refuses anything else (-EINVAL, naming the structure and the extension) rather than guess;
 * - once a version has shipped, appending a field bumps it;
 * - flag bits the core does not know are refused, so no rule an extension asks for is dropped.
 */
struct ebpf_extension_header {
	uint16_t version;
	uint16_t size;
};

#define EBPF_PROGRAM_INFO_VERSION	  6
#define EBPF_CONTEXT_INFO_VERSION	  2
#define EBPF_ATTACH_PROVIDER_DATA_VERSION 2
#define EBPF_LINK_CLIENT_DATA_VERSION	  2
#define EBPF_LINK_DISPATCH_VERSION	  1
#define EBPF_EXTENSION_DESCRIPTOR_VERSION 1

#define EBPF_EXTENSION_HEADER(type, ver)                                                           \
	{                                                                                          \
		.version = (ver), .size = sizeof(type)                                             \
	}

/*
 * Helper ids below this are the core's global helpers (Linux's ids); program-type helpers use
 * ids from here on. A program type may also offer a helper under a Linux id below this base
 * (bpf_xdp_adjust_head is 44) so that programs compiled against Linux's headers run unchanged,
 * but only an id the core itself does not define: extensions can neither replace nor shadow a
 * global helper, and a type whose helper does is refused when it registers.
 */
#define EBPF_PROGRAM_TYPE_HELPER_ID_BASE 65536u

/* A helper takes r1..r5 and returns r0. */
typedef uint64_t (*ebpf_helper_fn)(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5);

/* What a helper argument must be; the verifier proves it before the program may run. */
enum ebpf_arg_type {
	EBPF_ARG_DONTCARE = 0,		  /* unused argument */
	EBPF_ARG_ANYTHING,		  /* any initialised scalar */
	EBPF_ARG_CONST_SIZE,		  /* scalar size > 0 of the preceding memory argument */
	EBPF_ARG_CONST_SIZE_OR_ZERO,	  /* scalar size >= 0 of the preceding memory argument */
	EBPF_ARG_PTR_TO_CTX,		  /* the program's context */
	EBPF_ARG_CONST_MAP_PTR,		  /* a map (lddw with a map relocation) */
	EBPF_ARG_PTR_TO_MAP_KEY,	  /* initialised memory of the map's key size */
	EBPF_ARG_PTR_TO_MAP_VALUE,	  /* initialised memory of the map's value size */
	EBPF_ARG_PTR_TO_UNINIT_MAP_VALUE, /* writable memory of the map's value size */
	EBPF_ARG_PTR_TO_MEM,		  /* readable, initialised memory; size in the next arg */
	EBPF_ARG_PTR_TO_MEM_OR_NULL,	  /* as above, or NULL */
	EBPF_ARG_PTR_TO_UNINIT_MEM,	  /* writable memory, may be uninitialised; size next */
	EBPF_ARG_PTR_TO_LONG,		  /* writable 8 bytes */
	EBPF_ARG_PTR_TO_CONST_STR,	  /* NUL-terminated string in read-only global data */
	EBPF_ARG_PTR_TO_ALLOC_MEM,	  /* memory returned by a reserving helper (ring buffer) */
	EBPF_ARG_PTR_TO_STACK_OR_NULL,	  /* stack memory or NULL */
	/* Added later (extensions built before never name them): */
	EBPF_ARG_PTR_TO_SPIN_LOCK, /* the struct bpf_spin_lock of a map value (the core's own) */
	EBPF_ARG_PTR_TO_MAP_VALUE_OR_NULL, /* initialised memory of the map's value size, or NULL */
	EBPF_ARG_PTR_TO_BTF_ID_OR_NULL,	   /* a kernel object's pointer (BTF-typed), or NULL */
	/* Since this runtime's helper callbacks (bpf_loop, bpf_for_each_map_elem): a function of
	 * the program (lddw of a function pointer), which the helper calls back. Only the core's
	 * global helpers that the verifier knows the callback of may take one (an extension's
	 * helper with such an argument is refused); older cores refuse the unknown type. */
	EBPF_ARG_PTR_TO_FUNC,
	/* The callback's context: any initialised scalar, or a pointer to the stack, a map value
	 * or the context, handed to the callback unchanged (with its type). */
	EBPF_ARG_PTR_TO_CALLBACK_CTX,
	/* The program's context (unmodified) or NULL, as Linux's ARG_PTR_TO_CTX_OR_NULL
	 * (bpf_get_netns_cookie); older cores refuse the unknown type. */
	EBPF_ARG_PTR_TO_CTX_OR_NULL,
	/* The struct bpf_timer of a map value, exactly (Linux's ARG_PTR_TO_TIMER): only the
	 * bpf_timer_* helpers (Linux ids 169-172) may take one; older cores refuse the unknown
	 * type. */
	EBPF_ARG_PTR_TO_TIMER,
	/* Kfuncs only: a pointer to the struct the kfunc's BTF prototype names, as
	 * EBPF_ARG_PTR_TO_BTF_ID_OR_NULL, or NULL (the constant, or such a pointer not yet
	 * checked): the kfunc handles NULL. A kfunc derived from its BTF gets it for a parameter
	 * named `..__nullable` (Linux's suffix). Older cores refuse the unknown type. */
	EBPF_ARG_PTR_TO_BTF_ID_NULLABLE,
	/* 4 initialised, 4-byte aligned bytes the helper reads and writes back (Linux's
	 * ARG_PTR_TO_INT, bpf_check_mtu's in/out MTU); older cores refuse the unknown type. */
	EBPF_ARG_PTR_TO_INT,
	/* A kernel socket's pointer of any of the socket kinds a helper returned (socket,
	 * sock_common, tcp_sock), null-checked and unmodified (Linux's ARG_PTR_TO_SOCK_COMMON and
	 * ARG_PTR_TO_BTF_ID_SOCK_COMMON). Verify-only helpers only: no socket exists in user
	 * space. Older cores refuse the unknown type. */
	EBPF_ARG_PTR_TO_SOCK_COMMON,
	/* A full socket (struct bpf_sock: a lookup's result or a context field's, not a
	 * sock_common), checked or not, or NULL (Linux's ARG_PTR_TO_SOCKET_OR_NULL:
	 * bpf_sk_assign in sk_lookup programs, where NULL cancels a selection). Verify-only
	 * helpers only; older cores refuse the unknown type. */
	EBPF_ARG_PTR_TO_SOCKET_OR_NULL,
};

/* What a helper returns. */
enum ebpf_return_type {
	EBPF_RET_INTEGER = 0,		   /* a scalar */
	EBPF_RET_VOID,			   /* nothing (r0 is unknown afterwards) */
	EBPF_RET_PTR_TO_MAP_VALUE_OR_NULL, /* a value of the map in argument 1, or NULL */
	EBPF_RET_PTR_TO_ALLOC_MEM_OR_NULL, /* memory of the constant size in argument 2, or NULL */
	/* Added later: */
	EBPF_RET_PTR_TO_MAP_VALUE, /* a value of the map in argument 1, never NULL */
	/* Kfuncs only, typed by the type's BTF (`btf`): a pointer to the struct the BTF FUNC's
	 * prototype returns, or NULL; the program checks it before loading through it, and may
	 * pass it where a kfunc takes a pointer to that struct (EBPF_ARG_PTR_TO_BTF_ID_OR_NULL).
	 * The object must stay valid while the extension is loaded. Older cores refuse it.
	 * Besides kfuncs, a verify-only helper under a Linux id whose kernel struct the verifier
	 * knows (Linux's ret_btf_id: the bpf_skc_to_* casts, 136-140, 178, 196) may return it,
	 * typed by the kernel's BTF, with EBPF_HELPER_PTR_CAST; older cores refuse those. */
	EBPF_RET_PTR_TO_BTF_ID_OR_NULL,
	/* A kernel socket (Linux's struct bpf_sock view, all of it readable), its struct
	 * sock_common part only (struct bpf_sock without type..priority), or its TCP state (struct
	 * bpf_tcp_sock), or NULL: Linux's RET_PTR_TO_SOCKET_OR_NULL, RET_PTR_TO_SOCK_COMMON_OR_NULL
	 * and RET_PTR_TO_TCP_SOCK_OR_NULL. The program checks it against NULL, then reads the
	 * struct's fields as Linux's bpf_sock_is_valid_access / bpf_tcp_sock_is_valid_access
	 * allow; no stores, no arithmetic. With EBPF_HELPER_ACQUIRE the program must release it
	 * (EBPF_HELPER_RELEASE); with EBPF_HELPER_PTR_CAST it lives as long as argument 1's
	 * reference. Verify-only helpers only. Older cores refuse them. */
	EBPF_RET_PTR_TO_SOCKET_OR_NULL,
	EBPF_RET_PTR_TO_SOCK_COMMON_OR_NULL,
	EBPF_RET_PTR_TO_TCP_SOCK_OR_NULL,
};

/* Flags of a helper prototype. */
#define EBPF_HELPER_CHANGES_PACKET (1u << 0) /* invalidates every packet pointer (adjust_head) */
#define EBPF_HELPER_VERIFY_ONLY	   (1u << 1) /* offered for verification; no user-space meaning */
/* Linux's gpl_only: refused to a program whose license is not GPL-compatible (see
 * docs/helpers.md), as Linux refuses it. */
#define EBPF_HELPER_GPL_ONLY	   (1u << 2)
/*
 * Implicit context: every engine calls the helper (or kfunc) with the running program's context
 * as a hidden sixth argument, after the five registers, so that a helper keeps Linux's signature
 * (bpf_xdp_load_bytes(xdp_md, ...) has it; bpf_get_current_pid_tgid() does not) and still
 * reaches the invocation's state without a thread-local. The context is the one the hook passed
 * to invoke (the program's r1 at entry), in local calls, callbacks and tail calls alike. Its
 * address is listed with EBPF_HELPER_CTX_ADDRESS; the engines call it as ebpf_helper_ctx_fn.
 * Added with no version change: older cores refuse the unknown bit.
 */
#define EBPF_HELPER_IMPLICIT_CTX   (1u << 3)
/*
 * References (Linux's acquire / OBJ_RELEASE, a kfunc's KF_ACQUIRE / KF_RELEASE). ACQUIRE: the
 * pointer returned holds a reference the program must give back on every path before it exits
 * (or tail-calls); a NULL it returns holds none. RELEASE: the call gives back the reference
 * argument 1 holds (it must hold one the program has not released), and every pointer that
 * carries it is invalid afterwards. PTR_CAST: the pointer returned is argument 1's object seen
 * as another type (bpf_sk_fullsock, bpf_tcp_sock): it carries argument 1's reference, if any,
 * and dies with it. Older cores refuse the unknown bits.
 */
#define EBPF_HELPER_ACQUIRE	   (1u << 4)
#define EBPF_HELPER_RELEASE	   (1u << 5)
#define EBPF_HELPER_PTR_CAST	   (1u << 6)

/*
 * The same reference flags on a kfunc (Linux's KF_ACQUIRE | KF_RET_NULL and KF_RELEASE): an
 * acquiring kfunc returns a struct pointer (EBPF_RET_PTR_TO_BTF_ID_OR_NULL) the program holds
 * a reference on once it is checked against NULL; a releasing kfunc takes it back through its
 * first struct pointer argument. The verifier refuses a program that may end (exit, tail call)
 * still holding one, uses or releases one after its release, releases a pointer it did not
 * acquire (or of another struct), or stores one where it would outlive the reference (a map
 * value, the context). A kfunc takes no EBPF_HELPER_PTR_CAST.
 */
#define EBPF_KFUNC_ACQUIRE EBPF_HELPER_ACQUIRE
#define EBPF_KFUNC_RELEASE EBPF_HELPER_RELEASE

/* How a helper flagged EBPF_HELPER_IMPLICIT_CTX is called. */
typedef uint64_t (*ebpf_helper_ctx_fn)(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
				       uint64_t r5, void *ctx);
/* Its entry in helper_addresses / kfunc_addresses (a constant expression; through
 * void (*)(void), the one cast -Wcast-function-type leaves alone). */
#define EBPF_HELPER_CTX_ADDRESS(fn) ((ebpf_helper_fn)(void (*)(void))(ebpf_helper_ctx_fn)(fn))

struct ebpf_helper_proto {
	uint32_t id;
	const char *name;
	enum ebpf_return_type ret;
	enum ebpf_arg_type args[5];
	uint32_t flags;
	/* Why a program calling it cannot be run here (EBPF_HELPER_VERIFY_ONLY); NULL otherwise. */
	const char *unavailable_reason;
};

/*
 * Where the context's packet pointers are, as byte offsets into the context, or -1 where the
 * type has none. Loading data/data_end/meta from the context yields packet pointers that the
 * verifier tracks; the rest of the context is plain readable memory of `size` bytes.
 * When these fields are narrower than a pointer (Linux's __u32 fields), the program info's
 * context_pointers say where the real pointers are.
 *
 * No packet: data == data_end (any equal values, so a zero-initialised descriptor, { .size = N },
 * means "no packet", as does -1 in both); meta is then ignored. No metadata: meta == -1, or meta
 * equal to data or data_end (so { .data = 0, .data_end = 8 } has a packet and no metadata).
 * A packet type gives data and data_end distinct offsets, as every packet type always had to.
 */
struct ebpf_context_descriptor {
	uint32_t size;
	int32_t data;
	int32_t data_end;
	int32_t meta;
	/* Optional byte ranges a program may write (everything else is read-only). */
	const struct ebpf_context_range *writable;
	uint32_t writable_count;
};

struct ebpf_context_range {
	uint32_t offset;
	uint32_t size;
};

/* Where the real packet pointers are when the context's fields are narrower than a pointer. */
struct ebpf_context_pointers {
	uint32_t data;
	uint32_t data_end;
	uint32_t meta;
};

/*
 * What a load of a context field gives (struct ebpf_context_field.pointer). A socket is a
 * struct bpf_sock as <linux/bpf.h> lays it out (80 bytes, read with Linux's
 * bpf_sock_is_valid_access rules; a sock_common only its family, addresses, ports, state and
 * rx_queue_mapping), which the extension keeps alive for the whole invocation; _OR_NULL: the
 * program must check it before using it. Programs may read through these pointers, pass them to
 * helpers taking a socket, compare them; never store, change or release them.
 */
enum ebpf_context_pointer_kind {
	EBPF_CTX_FIELD_NUMBER = 0,	  /* a number, as every field was before version 2 */
	EBPF_CTX_PTR_SOCKET,		  /* a socket, never NULL (Linux's sk_msg_md.sk) */
	EBPF_CTX_PTR_SOCKET_OR_NULL,	  /* a socket or NULL (bpf_sk_lookup.sk, bpf_sock_ops.sk) */
	EBPF_CTX_PTR_SOCK_COMMON_OR_NULL, /* a sock_common or NULL (__sk_buff.sk) */
	/* pointee_size bytes the program may read and write, never NULL (Linux's
	 * __sk_buff.flow_keys, a struct bpf_flow_keys the dissector fills): at most one such
	 * field per context. */
	EBPF_CTX_PTR_MEM,
};

/* Loads narrower than the field's width are allowed too: any power of two below it, aligned to
 * its own size, inside the field (Linux's bpf_ctx_narrow_access_ok). */
#define EBPF_CTX_FIELD_NARROW	    (1u << 0)
/* Stores narrower than the field's width are allowed as narrow loads are (Linux's __sk_buff.cb).
 * Without it a store into a writable range is the field's width, aligned to it, inside one field:
 * Linux's *_is_valid_access refuse narrow stores (mark, reply, user_port, optlen, ...). */
#define EBPF_CTX_FIELD_NARROW_STORE (1u << 1)

/*
 * A readable field of the context (version 2 of struct ebpf_context_info). A load is allowed
 * when it reads `width` bytes (0: `size`) at offset + k * width inside the field, or, with
 * EBPF_CTX_FIELD_NARROW, fewer bytes as that flag says. An array of 4-byte words is one field
 * of size 16 and width 4. Fields may overlap (Linux reads a 2-byte port alone or with its
 * padding as 4 bytes): a load any field allows is allowed. A pointer field is 8 bytes at a
 * multiple of 8, read whole, overlapped by no other field and no writable range.
 */
struct ebpf_context_field {
	uint32_t offset;
	uint32_t size;
	uint16_t width;
	uint16_t flags;	       /* EBPF_CTX_FIELD_NARROW, EBPF_CTX_FIELD_NARROW_STORE */
	uint32_t pointer;      /* enum ebpf_context_pointer_kind */
	uint32_t pointee_size; /* EBPF_CTX_PTR_MEM: the bytes it points to */
};

/*
 * The context as version 3 of struct ebpf_program_info gives it: by pointer, with its own
 * header, so that it can grow without moving the fields after it (struct
 * ebpf_context_descriptor, embedded in versions 1 and 2, cannot). The fields mean what those of
 * struct ebpf_context_descriptor and ebpf_program_info.context_pointers mean; writable_size is
 * sizeof(struct ebpf_context_range) as compiled, so that ranges can grow too.
 */
struct ebpf_context_info {
	struct ebpf_extension_header header;
	uint32_t size;
	int32_t data;
	int32_t data_end;
	int32_t meta;
	const struct ebpf_context_range *writable;
	uint32_t writable_count;
	uint32_t writable_size;
	struct ebpf_context_pointers pointers;
	/*
	 * Version 2, optional: the readable fields (Linux's *_is_valid_access). When given, a
	 * load from the context must be one a field allows (the packet pointer fields above keep
	 * their own rule), and a pointer field gives the kind of pointer it declares; anything
	 * else is refused naming the type, offset and size. NULL/0: every byte is readable as a
	 * number, as in version 1. field_size is sizeof(struct ebpf_context_field) as compiled.
	 */
	const struct ebpf_context_field *fields;
	uint32_t field_count;
	uint32_t field_size;
};

/*
 * A section name prefix claimed by a program type. A section matches when it equals `prefix`
 * or starts with `prefix` followed by '/' (libbpf's rule: "xdp" matches "xdp" and "xdp/foo").
 * A prefix ending in '/' or '.' matches anything starting with it. A prefix ending in '*' is a
 * legacy one: it matches every section starting with the text before the '*' ("socket*" takes
 * "socket1", as libbpf 0.x's sloppy prefixes and samples/bpf's bpf_load.c did), and loses to
 * any other match of the same length or longer. The longest match wins. When `refused` is set,
 * a program in such a section is not loaded and this text says why.
 */
struct ebpf_section_prefix {
	const char *prefix;
	const char *refused;
};

/* The program may store pointers into the context or map values (the host can read them). */
#define EBPF_PROGRAM_TYPE_ALLOW_POINTER_LEAK (1u << 0)
/*
 * The program may read the packet but not write it: no store through a packet pointer and no
 * helper output into the packet (Linux's cgroup_skb, lwt_in/out, socket filters). Without it the
 * packet is writable, which is what extensions built before this flag existed get.
 */
#define EBPF_PROGRAM_TYPE_PACKET_READ_ONLY   (1u << 1)

/*
 * How a section of a type attached through BTF names its target (Linux's fentry, tp_btf, lsm):
 * the section "fentry/NAME" attaches to the BTF entry prefix + NAME of the target BTF (the
 * kernel's), and the program's context is that entry's arguments, one u64 each.
 */
enum ebpf_btf_attach_kind {
	EBPF_BTF_ATTACH_FUNC = 1,   /* a FUNC: its parameters */
	EBPF_BTF_ATTACH_FUNC_RET,   /* a FUNC: its parameters, then its return value */
	EBPF_BTF_ATTACH_TRACEPOINT, /* a typedef of a pointer to a FUNC_PROTO whose first
				     * parameter (the tracepoint's own data) is not passed */
	/* A STRUCT of pointers, one u64 slot each (Linux's iterators: "iter/task" reads
	 * struct bpf_iter__task): each pointer to a struct but the first (meta) may be NULL
	 * and must be checked before a load through it (Linux's PTR_TO_BTF_ID_OR_NULL). */
	EBPF_BTF_ATTACH_ITER,
};

struct ebpf_btf_attach {
	const char *section; /* "fentry": matches "fentry/NAME" */
	const char *prefix;  /* prepended to NAME: "btf_trace_", "bpf_lsm_", "" */
	uint32_t kind;	     /* enum ebpf_btf_attach_kind */
};

/* The Program Information NPI's provider data: one program type. */
struct ebpf_program_info {
	struct ebpf_extension_header header;
	const char *name;	 /* "xdp", "sample" */
	nmr_guid_t program_type; /* the type's GUID */
	const struct ebpf_section_prefix *sections;
	uint32_t section_count;
	struct ebpf_context_descriptor context;
	/* The type's own helpers: ids >= EBPF_PROGRAM_TYPE_HELPER_ID_BASE, addresses parallel. */
	const struct ebpf_helper_proto *helpers;
	const ebpf_helper_fn *helper_addresses;
	uint32_t helper_count;
	uint32_t flags;

	/*
	 * Optional test-run support (as BPF_PROG_TEST_RUN on Linux). context_create builds a
	 * context from the test input: data (may be NULL/0) and a context image (may be NULL/0),
	 * whose size and content it validates. context_destroy copies the (possibly modified) data
	 * and context back to the output buffers, truncating to the sizes given and writing the
	 * full sizes to *data_size_out / *ctx_size_out, then frees the context.
	 */
	int (*context_create)(const void *data_in, size_t data_size_in, const void *ctx_in,
			      size_t ctx_size_in, void **ctx);
	void (*context_destroy)(void *ctx, void *data_out, size_t *data_size_out, void *ctx_out,
				size_t *ctx_size_out);

	/*
	 * Narrow packet fields (Linux's struct xdp_md has __u32 data, data_end and data_meta): the
	 * byte offsets, at or beyond context.size so that no program can address them, of the
	 * 8-byte slots holding the real pointers. After verification the core rewrites every load
	 * of context.data / data_end / meta into an 8-byte load of the matching slot (as Linux's
	 * convert_ctx_access). 0 where the field is itself a 64-bit pointer. See docs/xdp.md.
	 */
	struct ebpf_context_pointers context_pointers;

	/*
	 * Version 2, optional: BTF describing the context and the types programs read through it,
	 * in the raw .BTF format (the .BTF section of a `clang -g` object, or what btf__raw_data()
	 * gives). Programs declare the context with __attribute__((preserve_access_index))
	 * (CO-RE): the core relocates their field offsets, sizes, existence checks, type and enum
	 * relocations against this BTF before verifying, so a program compiled against an older
	 * or newer context struct runs against the layout this extension has. Types match by
	 * name, ignoring `___flavour` suffixes. NULL/0: the type's programs are relocated against
	 * the kernel's BTF (Linux program types). See docs/extensions.md.
	 */
	const void *btf;
	uint32_t btf_size;

	/*
	 * Version 3: the arrays' element sizes, so that their elements can grow (sizeof as
	 * compiled; EBPF_PROGRAM_INFO_V3 fills them), and the context by pointer with its own
	 * header. A version-3 type leaves `context` and `context_pointers` above zero and gives
	 * context_info instead; the core refuses a type that gives both.
	 */
	uint32_t section_size;	    /* sizeof(struct ebpf_section_prefix) */
	uint32_t helper_proto_size; /* sizeof(struct ebpf_helper_proto) */
	const struct ebpf_context_info *context_info;

	/*
	 * Version 4, optional: the sections whose target is named in the target BTF (the
	 * kernel's): their programs' context is the target's typed arguments, and they are
	 * verify-only (their typed pointers are kernel objects). See docs/linux-types.md.
	 */
	const struct ebpf_btf_attach *btf_attach;
	uint32_t btf_attach_count;

	/*
	 * Version 5, optional: functions programs call by name (Linux's kfuncs). A program
	 * declares one `extern ... __ksym` and calls it; the loader resolves the call by the
	 * declaration's name against these prototypes (no id to coordinate with other
	 * extensions), the verifier checks its arguments and return value exactly as a helper's,
	 * and every engine calls kfunc_addresses[i]. A prototype's `id` must be 0 and its `name`
	 * unique within the type; elements are helper_proto_size bytes apart, as the helpers'.
	 * When the type's BTF (`btf` above) holds a FUNC of a kfunc's name, its FUNC_PROTO types
	 * the kfunc: it must agree with the argument kinds (checked at registration), and a
	 * pointer to a struct it declares (EBPF_ARG_PTR_TO_BTF_ID_OR_NULL) must be a pointer of
	 * that very type, as another kfunc returned it (EBPF_RET_PTR_TO_BTF_ID_OR_NULL).
	 * See docs/extensions.md, "Functions by name".
	 */
	const struct ebpf_helper_proto *kfuncs;
	const ebpf_helper_fn *kfunc_addresses;
	uint32_t kfunc_count;

	/*
	 * Version 6, optional: the BTF of the kfuncs (raw .BTF, as `btf`), when they are
	 * declared apart from the context's BTF; it then types them instead of `btf` (the structs
	 * their pointers point to, loads through them). A kfunc whose prototype gives only its
	 * name (ret and every argument kind zero) takes its kinds from its BTF FUNC there:
	 * scalars, `void *` / `const void *` followed by a `..__sz` size, pointers to structs
	 * (`..__nullable` when NULL is accepted) and struct pointer returns. See
	 * docs/extensions.md, "Kfuncs declared by their BTF alone".
	 */
	const void *kfunc_btf;
	uint32_t kfunc_btf_size;
};

/* The header and element sizes of a version-3 struct ebpf_program_info initialiser. */
#define EBPF_PROGRAM_INFO_V3                                                                       \
	.header = EBPF_EXTENSION_HEADER(struct ebpf_program_info, EBPF_PROGRAM_INFO_VERSION),      \
	.section_size = sizeof(struct ebpf_section_prefix),                                        \
	.helper_proto_size = sizeof(struct ebpf_helper_proto)

/*
 * How the links of one hook combine (ebpf_attach_provider_data.chain_policy); ebpf_hook_invoke
 * follows it. on_result still sees every result of a program that ran, in chain order.
 */
enum ebpf_chain_policy {
	EBPF_CHAIN_ALL = 0,	      /* every link runs (on_result may stop the walk) */
	EBPF_CHAIN_FIRST_NON_DEFAULT, /* the first result other than default_result wins: the
				       * walk stops there (XDP-style verdicts) */
	EBPF_CHAIN_FIRST,	      /* only the first link runs (an override: the others wait
				       * their turn) */
};

/* params_size_max for parameters of any size from params_size on (up to the core's limit). */
#define EBPF_ATTACH_PARAMS_VARIABLE UINT32_MAX
/* The most bytes of attach parameters the core keeps for one link. */
#define EBPF_ATTACH_PARAMS_LIMIT    65536u
/*
 * Attach flags: the low 16 bits are the runtime's (ordering, EBPF_F_BEFORE / EBPF_F_AFTER in
 * extbpf.h), accepted by every hook; the high 16 are each hook's own, accepted only where its
 * attach_flags declares them.
 */
#define EBPF_ATTACH_HOOK_FLAGS	    0xffff0000u

/* The Hook NPI's provider data: one attach type. */
struct ebpf_attach_provider_data {
	struct ebpf_extension_header header;
	const char *name;	 /* "sample_hook" */
	nmr_guid_t attach_type;	 /* the attach type's GUID */
	nmr_guid_t program_type; /* the program type it runs */
	/* Size of the attach parameters it expects, 0 for none; with params_size_max (version
	 * 2), the least size. */
	uint32_t params_size;
	/*
	 * Version 2, all optional (zero means what version 1 meant):
	 * params_size_max: 0 exactly params_size bytes; else params_size to params_size_max
	 * bytes, or any size from params_size on with EBPF_ATTACH_PARAMS_VARIABLE (never more
	 * than EBPF_ATTACH_PARAMS_LIMIT). attach_flags: the hook's own flag bits (within
	 * EBPF_ATTACH_HOOK_FLAGS) a link may give; the core refuses others. chain_policy and
	 * default_result: how the hook's links combine (enum ebpf_chain_policy).
	 */
	uint32_t params_size_max;
	uint32_t attach_flags;
	uint32_t chain_policy;
	uint32_t default_result;
};

/* What a link (the core's client of the Hook NPI) tells the provider about itself. */
struct ebpf_link_client_data {
	struct ebpf_extension_header header;
	nmr_guid_t attach_type;
	nmr_guid_t program_type;
	const void *params; /* attach parameters as given to ebpf_program_attach */
	size_t params_size;
	/*
	 * Version 2: the link's id, its attach flags and where the host wants it in the hook's
	 * chain (struct ebpf_program_attach_opts in extbpf.h). The extension kit orders its hooks'
	 * links by them; a provider registered by hand orders its own links, and refuses ordering
	 * flags it does not implement.
	 */
	uint32_t link_id;
	uint32_t flags;
	int32_t priority;
	uint32_t relative_link_id;
	uint32_t relative_program_id;
};

/* Opaque scratch space a hook keeps on its own stack across one batch. */
struct ebpf_batch_state {
	uint64_t opaque[4];
};

/*
 * The link's dispatch table, given to the provider at attach. The extension calls invoke with
 * the client binding context it received in attach_client. invoke returns 0 and the program's
 * r0 (truncated to 32 bits) in *result, or -ENOENT when the link is detaching (the program did
 * not run). The batch calls amortise the per-call cost for hooks that run many events at once:
 * batch_begin, any number of batch_invoke, batch_end, all on one thread.
 */
struct ebpf_link_dispatch {
	struct ebpf_extension_header header;
	int (*invoke)(void *client_binding_context, void *ctx, uint32_t *result);
	int (*batch_begin)(void *client_binding_context, struct ebpf_batch_state *state);
	int (*batch_invoke)(void *client_binding_context, void *ctx, uint32_t *result,
			    struct ebpf_batch_state *state);
	int (*batch_end)(void *client_binding_context, struct ebpf_batch_state *state);
};

/*
 * An extension: loaded with ebpf_extension_load (shared library) or ebpf_extension_add_static.
 * `load` registers the extension's providers with the given registrar and keeps what it needs in
 * *state; `unload` deregisters them and waits until every binding is gone.
 */
struct ebpf_extension_descriptor {
	struct ebpf_extension_header header;
	const char *name;
	const char *description;
	int (*load)(nmr_registrar_t *registrar, void **state);
	void (*unload)(void *state);
};

#define EBPF_EXTENSION_ENTRY_SYMBOL "ebpf_extension_entry"
typedef const struct ebpf_extension_descriptor *(*ebpf_extension_entry_fn)(void);

/*
 * EBPF_EXTENSION_DEFINE(sample, "what it does", load, unload) defines the descriptor
 * `ebpf_extension_sample` and, in the shared-library build, the exported entry point.
 * Build the static archive with -DEBPF_EXTENSION_STATIC so that several extensions can be linked
 * into one host.
 */
#ifdef EBPF_EXTENSION_STATIC
#define EBPF_EXTENSION_ENTRY_(name)
#else
#define EBPF_EXTENSION_ENTRY_(name)                                                                \
	__attribute__((visibility("default"))) const struct ebpf_extension_descriptor *            \
	ebpf_extension_entry(void);                                                                \
	__attribute__((visibility("default"))) const struct ebpf_extension_descriptor *            \
	ebpf_extension_entry(void)                                                                 \
	{                                                                                          \
		return &ebpf_extension_##name;                                                     \
	}
#endif

#define EBPF_EXTENSION_DEFINE(name_, description_, load_, unload_)                                 \
	const struct ebpf_extension_descriptor ebpf_extension_##name_ = {                          \
		.header = EBPF_EXTENSION_HEADER(struct ebpf_extension_descriptor,                  \
						EBPF_EXTENSION_DESCRIPTOR_VERSION),                \
		.name = #name_,                                                                    \
		.description = (description_),                                                     \
		.load = (load_),                                                                   \
		.unload = (unload_),                                                               \
	};                                                                                         \
	EBPF_EXTENSION_ENTRY_(name_)

/*
 * ---- Map types (the Map Information NPI) -----------------------------------------------------
 *
 * An extension adds a map type by registering a provider of EBPF_MAP_INFO_NPI_ID whose
 * npi_specific block is a struct ebpf_map_type_info (or by listing it in its registration, below).
 * The core is the client: it creates maps of the type through `create`, runs the programs' and
 * the host's element operations through the table, and tells the verifier what programs may do
 * with the values (`flags`). The type is named by its number, which programs give as Linux's
 * do: `__uint(type, BPF_MAP_TYPE_XSKMAP)` in a BTF map definition, or a number of the extension's
 * own from EBPF_MAP_TYPE_EXTENSION_BASE on (`__uint(type, 4096 + 7)`). Numbers are unique among
 * loaded extensions, and a number the core implements itself (hash, array, ...) is refused.
 */
#define EBPF_MAP_INFO_NPI_ID NMR_GUID(0x9b2e57d1, 0x4c0a, 0x4f63, 0xa7d8, 0x2e61c94b0f35)

#define EBPF_MAP_TYPE_INFO_VERSION   1
#define EBPF_MAP_CREATE_ATTR_VERSION 1

/* Map type numbers from here on are the extensions' own; below it only Linux's (1..33). */
#define EBPF_MAP_TYPE_EXTENSION_BASE 4096u
#define EBPF_MAP_TYPE_EXTENSION_MAX  65535u

/* What programs may do with the maps of a type; the verifier enforces it. */
#define EBPF_MAP_TYPE_VALUE_READ_ONLY (1u << 0) /* values from lookups are never written */
#define EBPF_MAP_TYPE_NO_PROG_LOOKUP  (1u << 1) /* bpf_map_lookup_elem is refused */
#define EBPF_MAP_TYPE_NO_PROG_UPDATE                                                               \
	(1u << 2) /* update and delete are refused: the host fills it */
/* Maps of the type exist only for verification (unavailable_reason says why): objects opened
 * to verify may have them, creating one with storage is refused. */
#define EBPF_MAP_TYPE_VERIFY_ONLY (1u << 3)

/* What the host or the object asked for, handed to create (it crosses the contract: versioned). */
struct ebpf_map_create_attr {
	struct ebpf_extension_header header;
	uint32_t map_type;
	uint32_t key_size;
	uint32_t value_size;
	uint32_t max_entries;
	uint32_t map_flags;
	const char *name;
};

/*
 * One map type. `map` below is what create returned for one map. The core has checked the
 * sizes and flags against the fields here before create runs, and it checks keys and values for
 * NULL and the access flags (BPF_F_RDONLY, BPF_F_RDONLY_PROG, frozen maps) before every
 * operation, so the operations see only well-formed calls.
 *
 * lookup is the programs' view: it runs inside an invocation (an RCU read-side critical section
 * the core holds) and returns a pointer to the value that stays valid until that section ends,
 * or NULL. It must not block. The verifier lets the program read value_size bytes there (and
 * write them, unless EBPF_MAP_TYPE_VALUE_READ_ONLY): the pointer must have that many. The host's
 * calls run inside such a section too: update and delete must not free what a lookup may still be
 * reading except after a grace period (an extension that never frees values while the map lives, as
 * the packet extension's maps, needs nothing). Operations left NULL fail with -EOPNOTSUPP. When the
 * extension unloads, the core frees every map's `map` through `free` first (after the operations in
 * flight returned); the maps stay valid objects for their holders, and every operation on them
 * fails with -ENODEV.
 */
struct ebpf_map_type_info {
	struct ebpf_extension_header header;
	const char *name;  /* "xskmap" */
	uint32_t map_type; /* Linux's number (BPF_MAP_TYPE_XSKMAP is 17) or from the base above */
	uint32_t flags;	   /* EBPF_MAP_TYPE_* */
	uint32_t key_size; /* the key size maps must have; 0: any from 1 to 512 */
	uint32_t value_size_min; /* 0: 1 */
	uint32_t value_size_max; /* 0: the core's limit (4 MiB) */
	/* map_flags accepted besides the access flags (BPF_F_RDONLY(_PROG), BPF_F_WRONLY(_PROG)),
	 * which the core accepts and enforces for every type. */
	uint32_t map_flags;
	const char *unavailable_reason; /* EBPF_MAP_TYPE_VERIFY_ONLY: why */

	/* Returns 0 with *map set, or a negative errno with a static reason in *why. */
	int (*create)(const struct ebpf_map_create_attr *attr, void **map, const char **why);
	void (*free)(void *map);
	void *(*lookup)(void *map, const void *key);
	/* The host's lookup (optional): copies value_size bytes; without it, lookup serves. */
	int (*lookup_copy)(void *map, const void *key, void *value);
	int (*update)(void *map, const void *key, const void *value, uint64_t flags);
	int (*delete)(void *map, const void *key);
	int (*get_next_key)(void *map, const void *key, void *next_key);
};

/*
 * For the extension's helpers: the `map` its create returned, when `m` (a CONST_MAP_PTR
 * argument) is a map of the type `info` describes (the same registered structure), else NULL
 * (another type, or the extension is unloading). Valid while the invocation runs.
 */
struct ebpf_map;
void *ebpf_map_extension_data(struct ebpf_map *m, const struct ebpf_map_type_info *info);

/*
 * ---- One registration call (the extension kit) ----------------------------------------------
 *
 * What most extensions need from the two contracts above, in one call from load() and one from
 * unload(); the raw NMR route stays available underneath (docs/nmr.md). The extension describes
 * its program types and hooks, and the runtime registers one Program Information provider per
 * type and one Hook provider per hook under the extension's module id, keeps the links attached
 * to each hook and fires them:
 *
 *	static struct ebpf_hook my_hook = { .data = &my_hook_data };
 *	static const struct ebpf_program_info *const types[] = { &my_type };
 *	static struct ebpf_hook *const hooks[] = { &my_hook };
 *	static const struct ebpf_extension_registration reg = {
 *		.header = EBPF_EXTENSION_HEADER(struct ebpf_extension_registration,
 *						EBPF_EXTENSION_REGISTRATION_VERSION),
 *		.module_id = MY_MODULE_ID,
 *		.program_types = types, .program_type_count = 1,
 *		.hooks = hooks, .hook_count = 1,
 *	};
 *
 *	load:	return ebpf_extension_register(registrar, &reg, (struct ebpf_extension_providers
 ***)state); unload:	ebpf_extension_deregister(state); event:	ebpf_hook_invoke(&my_hook,
 *&ctx, on_result, &my_arg);
 */
#define EBPF_EXTENSION_REGISTRATION_VERSION 3

/* A link as link_attach / link_detach see it (crosses the contract: versioned). */
#define EBPF_HOOK_LINK_VERSION 1
struct ebpf_hook_link {
	struct ebpf_extension_header header;
	uint32_t link_id;
	uint32_t flags; /* as attached (struct ebpf_program_attach_opts.flags) */
	const void *params;
	size_t params_size;
	/* link_attach: where to say why it refuses (NUL-terminated, reason_size bytes). */
	char *reason;
	size_t reason_size;
};

/*
 * A hook (attach type) in storage the extension owns, normally a static variable: the extension
 * fires it from its own functions at any time, even while it loads or unloads, so the handle has
 * to outlive every registration. Fill in `data` (and `check_params` if needed); `registered` is
 * the runtime's (the attached links while registered, NULL otherwise): leave it zero. The layout
 * is that of the registration's version.
 */
struct ebpf_hook {
	const struct ebpf_attach_provider_data *data;
	/*
	 * Optional: vets a new link's attach parameters, whose size the core has already checked
	 * against data->params_size. Return 0 to accept, or a negative errno: the attach fails
	 * with it ("the extension refused the link").
	 */
	int (*check_params)(const void *params, size_t params_size);
	void *registered;
	/*
	 * Registration version 3, optional: told when a link attaches to the hook and when it
	 * detaches. link_attach may refuse the link (a negative errno, with why in link->reason:
	 * "the hook takes one link, link 3 holds it" for -EBUSY) or keep a per-link resource in
	 * *link_context. link_detach receives that context once no invocation runs the link any
	 * more: when the host detaches it, when a pinned link's last reference goes, and when the
	 * extension unloads (a link that rebinds after a reload is attached again). Both run on
	 * the thread that attaches or detaches, never inside a firing, and may block briefly.
	 */
	int (*link_attach)(struct ebpf_hook *hook, struct ebpf_hook_link *link,
			   void **link_context);
	void (*link_detach)(struct ebpf_hook *hook, const struct ebpf_hook_link *link,
			    void *link_context);
};

/* What an extension offers, registered at once. Arrays may be empty (NULL with count 0). */
struct ebpf_extension_registration {
	struct ebpf_extension_header header;
	nmr_guid_t module_id; /* the extension's own GUID, for every provider it registers */
	const struct ebpf_program_info *const *program_types;
	uint32_t program_type_count;
	struct ebpf_hook *const *hooks;
	uint32_t hook_count;
	/* Version 2: map types (Map Information NPI), one provider each. */
	const struct ebpf_map_type_info *const *map_types;
	uint32_t map_type_count;
	/* Version 3 adds nothing here: its hooks are struct ebpf_hook with link_attach and
	 * link_detach (a version-2 registration's hooks end at `registered`). */
};

/* The registrations one ebpf_extension_register made (opaque). */
struct ebpf_extension_providers;

/*
 * Registers every program type and every hook of reg with registrar (the one load() received).
 * Each structure reg points to must stay valid until ebpf_extension_deregister returns. When the
 * registrar is the runtime's, each program type is checked as the core binds to it (a helper id
 * shadowing a global helper, a missing address, ...) and so is its name and GUID against the
 * types already registered. Returns 0 with *providers set, or a negative errno with
 * ebpf_last_error() saying what and where; on failure nothing stays registered:
 * -EINVAL (a malformed registration or program type), -EEXIST (a type's name or GUID, or a
 * hook, is registered already), -ENOMEM, or what the registrar returned.
 */
int ebpf_extension_register(nmr_registrar_t *registrar,
			    const struct ebpf_extension_registration *reg,
			    struct ebpf_extension_providers **providers);

/*
 * Undoes ebpf_extension_register and waits until every binding is gone: from the first moment
 * the hooks refuse to fire (-ENODEV), then every link is unbound (it turns dormant: the host
 * sees ebpf_link_is_dormant, and the link binds again to the hook of a later registration of the
 * same attach type) and every invocation in flight has returned, so the extension's code
 * may be unmapped once this returns. NULL is ignored. Never call it from inside a hook
 * invocation (an on_result or filter callback, or a helper): it waits for that invocation.
 */
void ebpf_extension_deregister(struct ebpf_extension_providers *providers);

/* Decides whether a link runs this time, from its attach parameters (NULL, 0 for none). */
typedef bool (*ebpf_hook_filter_fn)(void *arg, const void *params, size_t params_size);
/* Receives each program's result (r0, 32 bits) in chain order; non-zero stops the walk. */
typedef int (*ebpf_hook_result_fn)(void *arg, uint32_t result);

/*
 * Fires hook: calls every attached link's program on ctx in chain order (attach order unless
 * the host ordered them), passing each result to on_result (may be NULL), until on_result
 * returns non-zero or the hook's chain_policy ends the walk. A link detaching meanwhile is
 * skipped. Returns the number of programs that ran, or -ENODEV when the hook is not registered
 * (before load, during and after unload). Lock-free: the links are walked inside an RCU
 * read-side critical section while attaches and detaches wait for it, any number of threads
 * may fire at once, and nothing is allocated. Because of that, on_result and filter must not
 * detach a link, unload the extension or shut the runtime down (each waits for this walk).
 */
int ebpf_hook_invoke(struct ebpf_hook *hook, void *ctx, ebpf_hook_result_fn on_result, void *arg);

/* As ebpf_hook_invoke, running only the links for which accept(arg, params, params_size) is
 * true (for instance the links of one interface, by the ifindex in their parameters). */
int ebpf_hook_invoke_filtered(struct ebpf_hook *hook, void *ctx, ebpf_hook_filter_fn accept,
			      ebpf_hook_result_fn on_result, void *arg);

/* Whether any link is attached right now: a cheap check before building a costly context. */
bool ebpf_hook_has_links(struct ebpf_hook *hook);

#ifdef __cplusplus
}
#endif

#endif /* EXTBPF_EXTENSION_H */
