// SPDX-License-Identifier: MIT
/* The program types, maps and global helper prototypes the verifier corpus runs against. */
#include <string.h>

#include "vcases.h"

static const char rodata[32] = "hello\0%d\0no-nul-here-xxxxxxxxxxx";
static const char fmts[FMT_COUNT_][16] = {
	[FMT_S] = "%s",
	[FMT_PI4] = "%pI4",
	[FMT_PI6] = "%pI6",
	[FMT_P] = "%p",
	[FMT_FOUR] = "%d %d %d %d",
	[FMT_PKS_PUS] = "%pks %pus",
	[FMT_C_X] = "%c%x",
	[FMT_PRECISION] = "%5.2d",
	[FMT_D] = "%d",
	[FMT_PI6_LLD] = "%pi6 %lld",
	[FMT_PERCENT] = "%%s %d",
	[FMT_NONPRINT] = "hi\x01",
	[FMT_STR] = "str",
	[FMT_N] = "%n",
	[FMT_SFOO] = "%sfoo",
	[FMT_PK] = "%pK",
};

static const struct verifier_field lock_at_8[] = {
	{ .kind = VERIFIER_FIELD_SPIN_LOCK, .off = 8, .size = 4 },
};

static const struct verifier_field kptrs[] = {
	{ .kind = VERIFIER_FIELD_KPTR_UNTRUSTED, .off = 0, .size = 8, .type_name = "task_struct" },
	{ .kind = VERIFIER_FIELD_KPTR_REF, .off = 8, .size = 8, .type_name = "cgroup" },
};

const struct verifier_map vt_maps[MAP_COUNT_] = {
	[MAP_HASH] = { "hash", EBPF_MAP_TYPE_HASH, 4, 16, 64, 0, false, NULL, -1 },
	[MAP_ARRAY] = { "array", EBPF_MAP_TYPE_ARRAY, 4, 48, 8, 0, false, NULL, -1 },
	[MAP_RODATA] = { ".rodata", EBPF_MAP_TYPE_ARRAY, 4, 32, 1, 0, true, rodata, -1 },
	[MAP_DATA] = { ".data", EBPF_MAP_TYPE_ARRAY, 4, 64, 1, 0, false, NULL, -1 },
	[MAP_PROGS] = { "progs", EBPF_MAP_TYPE_PROG_ARRAY, 4, 4, 4, 0, false, NULL, -1 },
	[MAP_RB] = { "rb", EBPF_MAP_TYPE_RINGBUF, 0, 0, 4096, 0, false, NULL, -1 },
	[MAP_OUTER] = { "outer", EBPF_MAP_TYPE_ARRAY_OF_MAPS, 4, 4, 4, 0, false, NULL, MAP_ARRAY },
	[MAP_QUEUE] = { "queue", EBPF_MAP_TYPE_QUEUE, 0, 8, 16, 0, false, NULL, -1 },
	[MAP_RO_HASH] = { "ro_hash", EBPF_MAP_TYPE_HASH, 4, 16, 64, EBPF_F_RDONLY_PROG, false, NULL,
			  -1 },
	[MAP_WO_HASH] = { "wo_hash", EBPF_MAP_TYPE_HASH, 4, 16, 64, EBPF_F_WRONLY_PROG, false, NULL,
			  -1 },
	[MAP_RO_GLOBAL] = { "ro_global", EBPF_MAP_TYPE_ARRAY, 4, 16, 1, EBPF_F_RDONLY_PROG, false,
			    NULL, -1 },
	[MAP_WO_GLOBAL] = { "wo_global", EBPF_MAP_TYPE_ARRAY, 4, 16, 1, EBPF_F_WRONLY_PROG, false,
			    NULL, -1 },
	[MAP_RO_QUEUE] = { "ro_queue", EBPF_MAP_TYPE_QUEUE, 0, 8, 16, EBPF_F_RDONLY_PROG, false,
			   NULL, -1 },
	[MAP_WO_QUEUE] = { "wo_queue", EBPF_MAP_TYPE_QUEUE, 0, 8, 16, EBPF_F_WRONLY_PROG, false,
			   NULL, -1 },
	[MAP_RO_OUTER] = { "ro_outer", EBPF_MAP_TYPE_ARRAY_OF_MAPS, 4, 4, 4, 0, false, NULL,
			   MAP_RO_GLOBAL },
	[MAP_STACK_MAP] = { "stack", EBPF_MAP_TYPE_STACK, 0, 8, 16, 0, false, NULL, -1 },
	[MAP_FMTS] = { ".rodata.str1.1", EBPF_MAP_TYPE_ARRAY, 4, sizeof(fmts), 1,
		       EBPF_F_RDONLY_PROG, true, fmts, -1 },
	[MAP_LOCKED] = { "locked", EBPF_MAP_TYPE_HASH, 4, 16, 64, 0, false, NULL, -1, lock_at_8,
			 1 },
	[MAP_TASK_STORE] = { "task_store", EBPF_MAP_TYPE_TASK_STORAGE, 4, 16, 0, EBPF_F_NO_PREALLOC,
			     false, NULL, -1 },
	[MAP_CG_STORE] = { "cg_store", EBPF_MAP_TYPE_CGROUP_STORAGE, 12, 16, 0, 0, false, NULL,
			   -1 },
	[MAP_STACKS] = { "stacks", EBPF_MAP_TYPE_STACK_TRACE, 4, 1016, 1024, 0, false, NULL, -1 },
	[MAP_KPTRS] = { "kptrs", EBPF_MAP_TYPE_HASH, 4, 24, 8, 0, false, NULL, -1, kptrs, 2 },
	[MAP_PERCPU] = { "percpu", EBPF_MAP_TYPE_PERCPU_ARRAY, 4, 16, 1, 0, false, NULL, -1 },
	[MAP_LOCKED_GLOBAL] = { ".bss.locked", EBPF_MAP_TYPE_ARRAY, 4, 16, 1, 0, false, NULL, -1,
				lock_at_8, 1 },
};

#define P(id_, name_, ret_, ...)                                                                   \
	{                                                                                          \
		.id = (id_), .name = (name_), .ret = (ret_), .args = { __VA_ARGS__ }               \
	}

static const struct ebpf_helper_proto globals[] = {
	P(H_LOOKUP, "map_lookup_elem", EBPF_RET_PTR_TO_MAP_VALUE_OR_NULL, EBPF_ARG_CONST_MAP_PTR,
	  EBPF_ARG_PTR_TO_MAP_KEY),
	P(H_UPDATE, "map_update_elem", EBPF_RET_INTEGER, EBPF_ARG_CONST_MAP_PTR,
	  EBPF_ARG_PTR_TO_MAP_KEY, EBPF_ARG_PTR_TO_MAP_VALUE, EBPF_ARG_ANYTHING),
	P(H_DELETE, "map_delete_elem", EBPF_RET_INTEGER, EBPF_ARG_CONST_MAP_PTR,
	  EBPF_ARG_PTR_TO_MAP_KEY),
	P(H_PROBE_READ, "probe_read", EBPF_RET_INTEGER, EBPF_ARG_PTR_TO_UNINIT_MEM,
	  EBPF_ARG_CONST_SIZE_OR_ZERO, EBPF_ARG_ANYTHING),
	P(H_KTIME, "ktime_get_ns", EBPF_RET_INTEGER),
	/* As the core's: arguments 3-5 are what the format makes them (check_printk_call). */
	P(H_PRINTK, "trace_printk", EBPF_RET_INTEGER, EBPF_ARG_PTR_TO_MEM, EBPF_ARG_CONST_SIZE),
	P(H_PRANDOM, "get_prandom_u32", EBPF_RET_INTEGER),
	P(H_TAIL_CALL, "tail_call", EBPF_RET_INTEGER, EBPF_ARG_PTR_TO_CTX, EBPF_ARG_CONST_MAP_PTR,
	  EBPF_ARG_ANYTHING),
	P(H_GET_COMM, "get_current_comm", EBPF_RET_INTEGER, EBPF_ARG_PTR_TO_UNINIT_MEM,
	  EBPF_ARG_CONST_SIZE),
	P(H_PUSH, "map_push_elem", EBPF_RET_INTEGER, EBPF_ARG_CONST_MAP_PTR,
	  EBPF_ARG_PTR_TO_MAP_VALUE, EBPF_ARG_ANYTHING),
	P(H_POP, "map_pop_elem", EBPF_RET_INTEGER, EBPF_ARG_CONST_MAP_PTR,
	  EBPF_ARG_PTR_TO_UNINIT_MAP_VALUE),
	P(H_PEEK, "map_peek_elem", EBPF_RET_INTEGER, EBPF_ARG_CONST_MAP_PTR,
	  EBPF_ARG_PTR_TO_UNINIT_MAP_VALUE),
	P(H_STRTOL, "strtol", EBPF_RET_INTEGER, EBPF_ARG_PTR_TO_MEM, EBPF_ARG_CONST_SIZE,
	  EBPF_ARG_ANYTHING, EBPF_ARG_PTR_TO_LONG),
	P(H_PROBE_READ_KERNEL, "probe_read_kernel", EBPF_RET_INTEGER, EBPF_ARG_PTR_TO_UNINIT_MEM,
	  EBPF_ARG_CONST_SIZE_OR_ZERO, EBPF_ARG_ANYTHING),
	P(H_PROBE_READ_KERNEL_STR, "probe_read_kernel_str", EBPF_RET_INTEGER,
	  EBPF_ARG_PTR_TO_UNINIT_MEM, EBPF_ARG_CONST_SIZE_OR_ZERO, EBPF_ARG_ANYTHING),
	P(H_RB_OUTPUT, "ringbuf_output", EBPF_RET_INTEGER, EBPF_ARG_CONST_MAP_PTR,
	  EBPF_ARG_PTR_TO_MEM, EBPF_ARG_CONST_SIZE_OR_ZERO, EBPF_ARG_ANYTHING),
	P(H_RB_RESERVE, "ringbuf_reserve", EBPF_RET_PTR_TO_ALLOC_MEM_OR_NULL,
	  EBPF_ARG_CONST_MAP_PTR, EBPF_ARG_ANYTHING, EBPF_ARG_ANYTHING),
	P(H_RB_SUBMIT, "ringbuf_submit", EBPF_RET_VOID, EBPF_ARG_PTR_TO_ALLOC_MEM,
	  EBPF_ARG_ANYTHING),
	P(H_RB_DISCARD, "ringbuf_discard", EBPF_RET_VOID, EBPF_ARG_PTR_TO_ALLOC_MEM,
	  EBPF_ARG_ANYTHING),
	P(H_SNPRINTF, "snprintf", EBPF_RET_INTEGER, EBPF_ARG_PTR_TO_UNINIT_MEM,
	  EBPF_ARG_CONST_SIZE_OR_ZERO, EBPF_ARG_PTR_TO_CONST_STR, EBPF_ARG_PTR_TO_MEM_OR_NULL,
	  EBPF_ARG_CONST_SIZE_OR_ZERO),
	P(H_STACK_OR_NULL, "stack_or_null", EBPF_RET_INTEGER, EBPF_ARG_PTR_TO_STACK_OR_NULL),
	P(H_SPIN_LOCK, "bpf_spin_lock", EBPF_RET_VOID, EBPF_ARG_PTR_TO_SPIN_LOCK),
	P(H_GET_STACKID, "bpf_get_stackid", EBPF_RET_INTEGER, EBPF_ARG_PTR_TO_CTX,
	  EBPF_ARG_CONST_MAP_PTR, EBPF_ARG_ANYTHING),
	P(H_GET_LOCAL_STORAGE, "bpf_get_local_storage", EBPF_RET_PTR_TO_MAP_VALUE,
	  EBPF_ARG_CONST_MAP_PTR, EBPF_ARG_ANYTHING),
	P(H_TASK_STORAGE_GET, "bpf_task_storage_get", EBPF_RET_PTR_TO_MAP_VALUE_OR_NULL,
	  EBPF_ARG_CONST_MAP_PTR, EBPF_ARG_PTR_TO_BTF_ID_OR_NULL, EBPF_ARG_PTR_TO_MAP_VALUE_OR_NULL,
	  EBPF_ARG_ANYTHING),
	P(H_TASK_STORAGE_DELETE, "bpf_task_storage_delete", EBPF_RET_INTEGER,
	  EBPF_ARG_CONST_MAP_PTR, EBPF_ARG_PTR_TO_BTF_ID_OR_NULL),
	P(H_SPIN_UNLOCK, "bpf_spin_unlock", EBPF_RET_VOID, EBPF_ARG_PTR_TO_SPIN_LOCK),
	P(H_FOR_EACH, "for_each_map_elem", EBPF_RET_INTEGER, EBPF_ARG_CONST_MAP_PTR,
	  EBPF_ARG_PTR_TO_FUNC, EBPF_ARG_PTR_TO_CALLBACK_CTX, EBPF_ARG_ANYTHING),
	P(H_LOOP, "loop", EBPF_RET_INTEGER, EBPF_ARG_ANYTHING, EBPF_ARG_PTR_TO_FUNC,
	  EBPF_ARG_PTR_TO_CALLBACK_CTX, EBPF_ARG_ANYTHING),
	P(H_BAD_CALLBACK, "bad_callback", EBPF_RET_INTEGER, EBPF_ARG_PTR_TO_FUNC),
	P(H_CTX_OR_NULL, "ctx_or_null", EBPF_RET_INTEGER, EBPF_ARG_PTR_TO_CTX_OR_NULL),
};

static const struct ebpf_helper_proto pkt_helpers[] = {
	{ .id = H_ADJUST_HEAD,
	  .name = "adjust_head",
	  .ret = EBPF_RET_INTEGER,
	  .args = { EBPF_ARG_PTR_TO_CTX, EBPF_ARG_ANYTHING },
	  .flags = EBPF_HELPER_CHANGES_PACKET },
	{ .id = H_VERIFY_ONLY,
	  .name = "fib_lookup",
	  .ret = EBPF_RET_INTEGER,
	  .args = { EBPF_ARG_PTR_TO_CTX },
	  .flags = EBPF_HELPER_VERIFY_ONLY,
	  .unavailable_reason = "there is no kernel routing table here" },
};

static const struct ebpf_helper_proto plain_helpers[] = {
	P(H_PLAIN, "plain_helper", EBPF_RET_INTEGER, EBPF_ARG_PTR_TO_CTX),
};

static const struct ebpf_context_range plain_writable[] = { { 16, 8 } };
static const struct ebpf_context_range slots_writable[] = { { 8, 40 } };

static const struct ebpf_program_info infos[] = {
	[VT_PKT] = {
		.header = EBPF_EXTENSION_HEADER(struct ebpf_program_info, EBPF_PROGRAM_INFO_VERSION),
		.name = "vt_xdp",
		.context = { .size = 24, .data = 0, .data_end = 4, .meta = 8 },
		.helpers = pkt_helpers,
		.helper_count = 2,
		.context_pointers = { .data = 24, .data_end = 32, .meta = 40 },
	},
	[VT_PLAIN] = {
		.header = EBPF_EXTENSION_HEADER(struct ebpf_program_info, EBPF_PROGRAM_INFO_VERSION),
		.name = "vt_plain",
		.context = { .size = 32, .data = -1, .data_end = -1, .meta = -1,
			     .writable = plain_writable, .writable_count = 1 },
		.helpers = plain_helpers,
		.helper_count = 1,
	},
	[VT_LEAK] = {
		.header = EBPF_EXTENSION_HEADER(struct ebpf_program_info, EBPF_PROGRAM_INFO_VERSION),
		.name = "vt_leak",
		.context = { .size = 32, .data = -1, .data_end = -1, .meta = -1,
			     .writable = plain_writable, .writable_count = 1 },
		.flags = EBPF_PROGRAM_TYPE_ALLOW_POINTER_LEAK,
	},
	[VT_PKT_RO] = {
		.header = EBPF_EXTENSION_HEADER(struct ebpf_program_info, EBPF_PROGRAM_INFO_VERSION),
		.name = "vt_pkt_ro",
		.context = { .size = 24, .data = 0, .data_end = 4, .meta = 8 },
		.helpers = pkt_helpers,
		.helper_count = 2,
		.flags = EBPF_PROGRAM_TYPE_PACKET_READ_ONLY,
		.context_pointers = { .data = 24, .data_end = 32, .meta = 40 },
	},
	[VT_PKT64] = {
		.header = EBPF_EXTENSION_HEADER(struct ebpf_program_info, EBPF_PROGRAM_INFO_VERSION),
		.name = "vt_pkt64",
		.context = { .size = 16, .data = 0, .data_end = 8, .meta = -1 },
	},
	[VT_PKT_SLOTS] = {
		.header = EBPF_EXTENSION_HEADER(struct ebpf_program_info, EBPF_PROGRAM_INFO_VERSION),
		.name = "vt_pkt_slots",
		.context = { .size = 48, .data = 0, .data_end = 4, .meta = -1,
			     .writable = slots_writable, .writable_count = 1 },
		.context_pointers = { .data = 16, .data_end = 24 },
	},
};

const struct ebpf_program_info *vt_info(enum vt_type type)
{
	return &infos[type];
}

const struct ebpf_helper_proto *vt_global_helpers(size_t *count)
{
	*count = sizeof(globals) / sizeof(globals[0]);
	return globals;
}

/* A case's program ends at its last non-zero instruction, as in the kernel's selftests. */
size_t vt_insn_count(const struct ebpf_inst *insns, size_t max)
{
	static const struct ebpf_inst zero;
	size_t n = max;

	while (n > 0 && !memcmp(&insns[n - 1], &zero, sizeof(zero)))
		n--;
	return n;
}

void vt_input(struct verifier_input *in, const struct vcase *c)
{
	memset(in, 0, sizeof(*in));
	in->section = NULL;
	in->insns = c->insns;
	in->insn_count = vt_insn_count(c->insns, MAX_TEST_INSNS);
	in->info = vt_info(c->type);
	in->global_helpers = vt_global_helpers(&in->global_helper_count);
	in->maps = vt_maps;
	in->map_count = MAP_COUNT_;
	in->allow_verify_only_helpers = c->verify_only;
	in->complexity_limit = c->limit;
}
