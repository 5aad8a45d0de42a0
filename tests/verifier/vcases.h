/* SPDX-License-Identifier: MIT */
/*
 * The verifier's corpus: small programs, each with the program type it runs as, its expected
 * verdict and a substring of the expected reason. The maps (vt_maps) and program types are
 * shared by all cases and defined in vt_env.c.
 */
#ifndef EXTBPF_TESTS_VERIFIER_VCASES_H
#define EXTBPF_TESTS_VERIFIER_VCASES_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "verifier/verifier.h"

#define MAX_TEST_INSNS 64

/* The program types of the corpus. */
enum vt_type {
	VT_PKT, /* xdp_md-like: {u32 data, data_end, data_meta, ifindex, rxq, egress}, read-only */
	VT_PLAIN, /* 32 bytes, bytes 16..23 writable, no packet */
	VT_LEAK,  /* VT_PLAIN with EBPF_PROGRAM_TYPE_ALLOW_POINTER_LEAK */
	VT_PKT64, /* {u64 data, data_end}: 8-byte packet pointer fields */
	/* {u32 data, data_end, u64 x, slot_data, slot_data_end, y}, 48 bytes: narrow packet fields
	 * whose real pointers are kept inside the context (bytes 16..31), 16..47 writable */
	VT_PKT_SLOTS,
	VT_PKT_RO, /* VT_PKT with EBPF_PROGRAM_TYPE_PACKET_READ_ONLY */
};

/* The maps every case sees, by index (EBPF_LD_MAP_IDX(reg, MAP_...)). */
enum {
	MAP_HASH,	   /* hash, key 4, value 16 */
	MAP_ARRAY,	   /* array, key 4, value 48, 8 entries */
	MAP_RODATA,	   /* .rodata: array of one 32-byte value, read-only, "hello\0%d\0..." */
	MAP_DATA,	   /* .data: array of one 64-byte value */
	MAP_PROGS,	   /* prog array */
	MAP_RB,		   /* ring buffer */
	MAP_OUTER,	   /* array of maps, inner template MAP_ARRAY */
	MAP_QUEUE,	   /* queue of 8-byte values */
	MAP_RO_HASH,	   /* MAP_HASH created with BPF_F_RDONLY_PROG */
	MAP_WO_HASH,	   /* MAP_HASH created with BPF_F_WRONLY_PROG */
	MAP_RO_GLOBAL,	   /* array of one 16-byte value, BPF_F_RDONLY_PROG (not frozen) */
	MAP_WO_GLOBAL,	   /* array of one 16-byte value, BPF_F_WRONLY_PROG */
	MAP_RO_QUEUE,	   /* MAP_QUEUE created with BPF_F_RDONLY_PROG */
	MAP_WO_QUEUE,	   /* MAP_QUEUE created with BPF_F_WRONLY_PROG */
	MAP_RO_OUTER,	   /* array of maps, inner template MAP_RO_GLOBAL */
	MAP_STACK_MAP,	   /* stack of 8-byte values */
	MAP_FMTS,	   /* read-only global data: printk formats, one per 16 bytes (FMT_*) */
	MAP_LOCKED,	   /* hash, key 4, value 16 with a struct bpf_spin_lock at offset 8 */
	MAP_LOCKED_GLOBAL, /* array of one 16-byte value, a struct bpf_spin_lock at offset 8 */
	MAP_TASK_STORE,	   /* task storage, key 4, value 16 */
	MAP_CG_STORE,	   /* cgroup storage (bpf_get_local_storage), key 12, value 16 */
	MAP_STACKS,	   /* stack trace, key 4, value 1016 (127 frames) */
	MAP_KPTRS,	   /* hash, value 24: __kptr_untrusted at 0, __kptr at 8, u64 at 16 */
	MAP_PERCPU,	   /* per-CPU array, key 4, value 16, 1 entry */
	MAP_COUNT_
};

/* Helper ids of the test's global table (Linux's ids). */
enum {
	H_LOOKUP = 1,
	H_UPDATE = 2,
	H_DELETE = 3,
	H_PROBE_READ = 4,
	H_KTIME = 5,
	H_PRINTK = 6,
	H_PRANDOM = 7,
	H_TAIL_CALL = 12,
	H_GET_COMM = 16,
	H_PUSH = 87,
	H_POP = 88,
	H_PEEK = 89,
	H_GET_STACKID = 27,
	H_GET_LOCAL_STORAGE = 81,
	H_SPIN_LOCK = 93,
	H_SPIN_UNLOCK = 94,
	H_STRTOL = 105,
	H_TASK_STORAGE_GET = 156,
	H_TASK_STORAGE_DELETE = 157,
	H_PROBE_READ_KERNEL = 113,
	H_PROBE_READ_KERNEL_STR = 115,
	H_RB_OUTPUT = 130,
	H_RB_RESERVE = 131,
	H_RB_SUBMIT = 132,
	H_RB_DISCARD = 133,
	H_SNPRINTF = 165,
	H_FOR_EACH = 164,
	H_LOOP = 181,
	H_STACK_OR_NULL = 250, /* test-only: (stack or NULL) */
	H_BAD_CALLBACK = 251,  /* test-only: a callback argument the verifier knows nothing of */
	H_CTX_OR_NULL = 252,   /* test-only: (ctx or NULL) */
	/* program-type helpers */
	H_ADJUST_HEAD = 65536, /* VT_PKT: (ctx, anything), changes the packet */
	H_VERIFY_ONLY = 65537, /* VT_PKT: verification only */
	H_PLAIN = 65536,       /* VT_PLAIN: (ctx) */
};

struct vcase {
	const char *name;
	struct ebpf_inst insns[MAX_TEST_INSNS];
	enum vt_type type;
	int expect; /* 0, -EACCES, -EINVAL, -E2BIG */
	const char *reason;
	uint64_t limit;
	bool verify_only;
	int64_t insn; /* expected failing instruction, or 0 for "do not check" (use -2 for none) */
};

extern const struct verifier_map vt_maps[MAP_COUNT_];
const struct ebpf_program_info *vt_info(enum vt_type type);
const struct ebpf_helper_proto *vt_global_helpers(size_t *count);
size_t vt_insn_count(const struct ebpf_inst *insns, size_t max);
void vt_input(struct verifier_input *in, const struct vcase *c);

#define CASES(topic)                                                                               \
	extern const struct vcase cases_##topic[];                                                 \
	extern const size_t cases_##topic##_count
CASES(ctx);
CASES(stack);
CASES(packet);
CASES(map);
CASES(helpers);
CASES(alu);
CASES(cfg);
CASES(loops);
CASES(calls);
CASES(spill);
CASES(jmp);
CASES(misc);
CASES(access);
CASES(printk);
CASES(attack);
CASES(bounds32);
CASES(limits);
CASES(spin_lock);
CASES(storage);
CASES(hostile);
CASES(kshapes);
CASES(callbacks);
CASES(relax);
CASES(may_goto);
CASES(precision);
CASES(acq_rel);
#undef CASES

/* The strings of MAP_FMTS: the string FMT_x is at offset 16 * FMT_x. */
enum {
	FMT_S,	       /* "%s" */
	FMT_PI4,       /* "%pI4" */
	FMT_PI6,       /* "%pI6" */
	FMT_P,	       /* "%p" */
	FMT_FOUR,      /* "%d %d %d %d" */
	FMT_PKS_PUS,   /* "%pks %pus" */
	FMT_C_X,       /* "%c%x" */
	FMT_PRECISION, /* "%5.2d" */
	FMT_D,	       /* "%d" */
	FMT_PI6_LLD,   /* "%pi6 %lld" */
	FMT_PERCENT,   /* "%%s %d" */
	FMT_NONPRINT,  /* "hi\x01" */
	FMT_STR,       /* "str" */
	FMT_N,	       /* "%n" */
	FMT_SFOO,      /* "%sfoo" */
	FMT_PK,	       /* "%pK" */
	FMT_COUNT_
};

#define DEFINE_CASES(topic, ...)                                                                   \
	const struct vcase cases_##topic[] = { __VA_ARGS__ };                                      \
	const size_t cases_##topic##_count = sizeof(cases_##topic) / sizeof(cases_##topic[0])

#endif
