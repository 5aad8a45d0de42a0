// SPDX-License-Identifier: MIT
/*
 * Helper calls: the helper is found by id (global helpers below 65536, the program type's from
 * there on), each argument register is checked against its prototype, then the call's effects
 * are applied: r1-r5 clobbered, r0 typed from the return type, ring buffer references acquired
 * or released, packet pointers invalidated by helpers that change the packet.
 */
#include <stdio.h>
#include <string.h>

#include "verifier_int.h"

#define MAP_LOOKUP	      1
#define MAP_LOOKUP_PERCPU     195
#define MAP_UPDATE	      2
#define MAP_DELETE	      3
#define MAP_PUSH	      87
#define MAP_POP		      88
#define MAP_PEEK	      89
#define TRACE_PRINTK	      6
#define SNPRINTF	      165
#define RINGBUF_OUTPUT	      130
#define RINGBUF_RESERVE	      131
#define RINGBUF_QUERY	      134
/* The helpers that take a perf event array (Linux's check_map_func_compatibility). */
#define PERF_EVENT_READ	      22
#define PERF_EVENT_OUTPUT     25
#define PERF_EVENT_READ_VALUE 55
#define SKB_OUTPUT	      111
#define XDP_OUTPUT	      121
#define SPIN_LOCK	      93
#define SPIN_UNLOCK	      94
#define MAX_HELPER_MEM	      (1u << 29)

struct call_meta {
	const struct ebpf_helper_proto *proto;
	/* The helper id the call names. 0 for a kfunc: its prototype's id is the extension's
	 * own and must not select a helper's special rules (bpf_loop's, the spin lock's). */
	uint32_t id;
	int map;	  /* index of the map argument, -1 */
	uint32_t map_obj; /* the map argument's object (an inner map), 0 */
	int lock_map;	  /* the spin lock argument's map and value id */
	uint32_t lock_id;
	int timer_map;	   /* the map of the timer argument's value, -1 */
	uint32_t release;  /* reference released by the call */
	uint32_t cast_ref; /* EBPF_HELPER_PTR_CAST: the reference argument 1 carries, 0 */
	struct {
		int regno;
		uint64_t size;	  /* the most it may write */
		uint64_t certain; /* what it writes on every path: the least size */
	} writes[5];		  /* stack the helper writes */
	int nwrites;
	int callback; /* first insn of the callback argument, -1 */
};

static const struct ebpf_helper_proto *find_in(const struct ebpf_helper_proto *table, size_t n,
					       uint32_t id)
{
	for (size_t i = 0; table && i < n; i++)
		if (table[i].id == id)
			return &table[i];
	return NULL;
}

/* The global helpers first: a program type may add helpers under Linux ids the core does not
 * define (bpf_xdp_adjust_head), never shadow one. */
static const struct ebpf_helper_proto *find_proto(struct venv *env, uint32_t id)
{
	const struct ebpf_helper_proto *proto = NULL;

	if (id < EBPF_PROGRAM_TYPE_HELPER_ID_BASE)
		proto = find_in(env->in->global_helpers, env->in->global_helper_count, id);
	if (!proto)
		proto = find_in(env->in->info->helpers, env->in->info->helper_count, id);
	return proto;
}

static const char *proto_name(const struct ebpf_helper_proto *proto)
{
	return proto->name ? proto->name : "?";
}

static int arg_err(struct venv *env, uint32_t idx, struct call_meta *meta, int arg, const char *fmt,
		   const char *detail)
{
	char d[96];

	reg_describe(env, &cur_regs(env)[arg + 1], d, sizeof(d));
	return verr_state(env, idx, -EACCES, "helper %s arg%d (r%d = %s): %s%s",
			  proto_name(meta->proto), arg + 1, arg + 1, d, fmt, detail ? detail : "");
}

/*
 * A kfunc's pointer to a struct its BTF prototype names: exactly a pointer of that type, as
 * another kfunc returned it or a load through one gave it, checked against NULL and not moved.
 * A __nullable parameter (EBPF_ARG_PTR_TO_BTF_ID_NULLABLE) takes NULL too, the constant or such
 * a pointer before its check: the kfunc checks for NULL itself.
 */
static int check_kfunc_btf_arg(struct venv *env, uint32_t idx, struct call_meta *meta, int arg)
{
	const struct reg *reg = &cur_regs(env)[arg + 1];
	uint32_t want = btf_kfunc_struct(env, meta->proto->name, arg);
	bool nullable = meta->proto->args[arg] == EBPF_ARG_PTR_TO_BTF_ID_NULLABLE;
	uint8_t type = reg->type;
	char what[160];

	if (!want)
		return arg_err(env, idx, meta, arg,
			       "its BTF type is unknown here (the type's BTF gives no struct for "
			       "it, or the program's typed pointers come from another BTF)",
			       NULL);
	if (nullable && reg_is_null(reg))
		return 0;
	if (nullable && type == PTR_TO_BTF_ID_OR_NULL)
		type = PTR_TO_BTF_ID;
	snprintf(what, sizeof(what), "expected a pointer to struct %s%s",
		 verifier_btf_type_name(env, want), nullable ? " or NULL" : "");
	if (type == PTR_TO_BTF_ID_OR_NULL)
		return arg_err(env, idx, meta, arg, what,
			       ", which may be NULL: check it against NULL first");
	if (type != PTR_TO_BTF_ID)
		return arg_err(env, idx, meta, arg, what, NULL);
	if (reg->btf_id != want)
		return arg_err(env, idx, meta, arg, what, ", got another type");
	if (reg->off || !tnum_is_const(reg->var) || reg->var.value)
		return arg_err(env, idx, meta, arg, what, ", got one moved inside it");
	if (!(meta->proto->flags & EBPF_KFUNC_RELEASE) || meta->release)
		return 0;
	/* The first struct pointer is what a releasing kfunc takes back. */
	if (!reg->ref_id || !ref_held(env->cur, reg->ref_id))
		return arg_err(env, idx, meta, arg, what,
			       " acquired by a kfunc and not yet released, got one the program "
			       "holds no reference on");
	if (reg->id != reg->ref_id)
		return arg_err(
		    env, idx, meta, arg, what,
		    " acquired by a kfunc, got a pointer loaded from a referenced object "
		    "(it holds no reference of its own)");
	meta->release = reg->ref_id;
	return 0;
}

/* The size argument that follows a memory argument: a bounded non-negative scalar. */
static int check_size_arg(struct venv *env, uint32_t idx, struct call_meta *meta, int arg,
			  bool zero_ok, uint64_t *size)
{
	const struct reg *reg = &cur_regs(env)[arg + 1];

	if (reg->type != SCALAR)
		return arg_err(env, idx, meta, arg, "size must be a scalar", NULL);
	if (reg->smin < 0)
		return arg_err(env, idx, meta, arg,
			       "size may be negative; check it (if (size > 0 && size <= N))", NULL);
	if (reg->umax > MAX_HELPER_MEM)
		return arg_err(env, idx, meta, arg,
			       "size is unbounded; check it against the buffer size first", NULL);
	if (!zero_ok && reg->umin == 0)
		return arg_err(env, idx, meta, arg, "size may be zero; this helper needs size > 0",
			       NULL);
	*size = reg->umax;
	return 0;
}

static void note_write(struct call_meta *meta, int regno, uint64_t size, uint64_t certain)
{
	meta->writes[meta->nwrites].regno = regno;
	meta->writes[meta->nwrites].size = size;
	meta->writes[meta->nwrites++].certain = certain;
}

static bool is_mem_arg(enum ebpf_arg_type t)
{
	return t == EBPF_ARG_PTR_TO_MEM || t == EBPF_ARG_PTR_TO_MEM_OR_NULL ||
	       t == EBPF_ARG_PTR_TO_UNINIT_MEM;
}

static int check_mem_arg(struct venv *env, uint32_t idx, struct call_meta *meta, int arg)
{
	enum ebpf_arg_type t = meta->proto->args[arg];
	const struct reg *reg = &cur_regs(env)[arg + 1];
	bool write = t == EBPF_ARG_PTR_TO_UNINIT_MEM;
	enum ebpf_arg_type st;
	uint64_t size;
	char what[64];
	int err;

	if (arg == 4)
		return verr(env, idx, -EINVAL,
			    "helper %s prototype: memory argument 5 has no size argument",
			    proto_name(meta->proto));
	st = meta->proto->args[arg + 1];
	if (st != EBPF_ARG_CONST_SIZE && st != EBPF_ARG_CONST_SIZE_OR_ZERO)
		return verr(env, idx, -EINVAL,
			    "helper %s prototype: memory argument %d is not followed by a size",
			    proto_name(meta->proto), arg + 1);
	err = check_size_arg(env, idx, meta, arg + 1, st == EBPF_ARG_CONST_SIZE_OR_ZERO, &size);
	if (err)
		return err;
	if (t == EBPF_ARG_PTR_TO_MEM_OR_NULL && reg_is_null(reg)) {
		if (size)
			return arg_err(env, idx, meta, arg + 1,
				       "size must be 0 when the memory argument is NULL", NULL);
		return 0;
	}
	snprintf(what, sizeof(what), "helper %s arg%d", proto_name(meta->proto), arg + 1);
	err = check_mem_region(env, idx, arg + 1, size, write, what);
	if (err)
		return err;
	/* A variable size writes its run-time value: only the least is written on every path. */
	if (write && reg->type == PTR_TO_STACK)
		note_write(meta, arg + 1, size, cur_regs(env)[arg + 2].umin);
	return 0;
}

static int check_map_arg(struct venv *env, uint32_t idx, struct call_meta *meta, int arg,
			 uint32_t size, bool write)
{
	const struct reg *reg = &cur_regs(env)[arg + 1];
	char what[64];
	int err;

	if (meta->map < 0)
		return verr(env, idx, -EINVAL,
			    "helper %s prototype: map key/value argument %d without a map "
			    "argument before it",
			    proto_name(meta->proto), arg + 1);
	snprintf(what, sizeof(what), "helper %s arg%d (map %s)", proto_name(meta->proto), arg + 1,
		 write						     ? "value"
		 : meta->proto->args[arg] == EBPF_ARG_PTR_TO_MAP_KEY ? "key"
								     : "value");
	err = check_mem_region(env, idx, arg + 1, size, write, what);
	if (err)
		return err;
	if (write && reg->type == PTR_TO_STACK)
		note_write(meta, arg + 1, size, size);
	return 0;
}

/*
 * Four bytes the helper reads and writes back (bpf_check_mtu's MTU): initialised, writable, on
 * the stack or in a map value, and aligned to 4, as Linux requires (MEM_ALIGNED): the helper
 * loads and stores a u32 through the pointer.
 */
static int check_int_arg(struct venv *env, uint32_t idx, struct call_meta *meta, int arg)
{
	const struct reg *reg = &cur_regs(env)[arg + 1];
	uint64_t var_bits = reg->var.value | reg->var.mask;
	char what[64];
	int err;

	if (reg->type != PTR_TO_STACK && reg->type != PTR_TO_MAP_VALUE)
		return arg_err(env, idx, meta, arg,
			       "expected a pointer to a 4-byte integer on the stack or in a map "
			       "value",
			       NULL);
	if (((int64_t)reg->off & 3) || (var_bits & 3))
		return arg_err(env, idx, meta, arg,
			       "misaligned: the 4-byte integer must be at a multiple of 4", NULL);
	snprintf(what, sizeof(what), "helper %s arg%d", proto_name(meta->proto), arg + 1);
	err = check_mem_region(env, idx, arg + 1, 4, false, what);
	if (!err)
		err = check_mem_region(env, idx, arg + 1, 4, true, what);
	if (!err && reg->type == PTR_TO_STACK)
		note_write(meta, arg + 1, 4, 4);
	return err;
}

/*
 * The global helpers that change a map or read its values into the program's memory, checked
 * against BPF_F_RDONLY_PROG / BPF_F_WRONLY_PROG (Linux refuses the writers on read-only maps;
 * reading a write-only map through pop or peek is refused too, as a load from it would be).
 */
static int check_map_helper_access(struct venv *env, uint32_t idx, struct call_meta *meta,
				   const struct verifier_map *map)
{
	uint32_t id = meta->id;
	bool writes = id == MAP_UPDATE || id == MAP_DELETE || id == MAP_PUSH || id == MAP_POP;
	bool reads = id == MAP_POP || id == MAP_PEEK;
	char what[80];
	int err = 0;

	snprintf(what, sizeof(what), "helper %s: ", proto_name(meta->proto));
	if (writes)
		err = check_map_access_type(env, idx, map, true, what);
	if (!err && reads)
		err = check_map_access_type(env, idx, map, false, what);
	return err;
}

/*
 * Linux's check_map_func_compatibility, as two tables. Helper ids are Linux's (the core's global
 * helpers and those program types offer under Linux's ids); map types are Linux's numbers, some
 * of which only verify-only opens describe (a cgroup array, a user ring buffer, ...).
 */
#define MAP_CGROUP_ARRAY	0x08 /* BPF_MAP_TYPE_CGROUP_ARRAY */
#define MAP_REUSEPORT_SOCKARRAY 0x14 /* BPF_MAP_TYPE_REUSEPORT_SOCKARRAY */
#define MAP_BLOOM_FILTER	0x1e /* BPF_MAP_TYPE_BLOOM_FILTER */
#define MAP_USER_RINGBUF	0x1f /* BPF_MAP_TYPE_USER_RINGBUF */

#define TABLE_MAX 8

/* Map types whose elements programs reach only through these helpers (none else). */
static const struct {
	uint32_t type;
	uint32_t helpers[TABLE_MAX];
} map_only_helpers[] = {
	{ EBPF_MAP_TYPE_PROG_ARRAY, { TAIL_CALL_HELPER } },
	{ EBPF_MAP_TYPE_PERF_EVENT_ARRAY,
	  { PERF_EVENT_READ, PERF_EVENT_OUTPUT, PERF_EVENT_READ_VALUE, SKB_OUTPUT, XDP_OUTPUT } },
	/* ringbuf_output, _reserve, _query; the dynptr ones (198-200) */
	{ EBPF_MAP_TYPE_RINGBUF,
	  { RINGBUF_OUTPUT, RINGBUF_RESERVE, RINGBUF_QUERY, 198, 199, 200 } },
	{ MAP_USER_RINGBUF, { 209 } },		  /* bpf_user_ringbuf_drain */
	{ EBPF_MAP_TYPE_STACK_TRACE, { 27 } },	  /* bpf_get_stackid */
	{ MAP_CGROUP_ARRAY, { 33, 37 } },	  /* skb_under_cgroup, current_task_under_cgroup */
	{ EBPF_MAP_TYPE_CGROUP_STORAGE, { 81 } }, /* bpf_get_local_storage */
	{ EBPF_MAP_TYPE_PERCPU_CGROUP_STORAGE, { 81 } },
	/* bpf_redirect_map; the devices of a devmap and the sockets of an xskmap are read too */
	{ EBPF_MAP_TYPE_DEVMAP, { 51, MAP_LOOKUP } },
	{ EBPF_MAP_TYPE_DEVMAP_HASH, { 51, MAP_LOOKUP } },
	{ EBPF_MAP_TYPE_CPUMAP, { 51 } },
	{ EBPF_MAP_TYPE_XSKMAP, { 51, MAP_LOOKUP } },
	/* Programs only look maps of maps up: their slots are filled by the host. */
	{ EBPF_MAP_TYPE_ARRAY_OF_MAPS, { MAP_LOOKUP } },
	{ EBPF_MAP_TYPE_HASH_OF_MAPS, { MAP_LOOKUP } },
	/* sk/msg_redirect_map, sock_map_update, sk_select_reuseport, lookup; update and delete
	 * as Linux's may_update_sockmap allows them to packet and tracing types */
	{ EBPF_MAP_TYPE_SOCKMAP, { 52, 60, 53, 82, MAP_LOOKUP, MAP_UPDATE, MAP_DELETE } },
	{ EBPF_MAP_TYPE_SOCKHASH, { 72, 71, 70, 82, MAP_LOOKUP, MAP_UPDATE, MAP_DELETE } },
	{ MAP_REUSEPORT_SOCKARRAY, { 82 } },
	/* A queue's elements are reached only through push, pop and peek. */
	{ EBPF_MAP_TYPE_QUEUE, { MAP_PEEK, MAP_POP, MAP_PUSH } },
	{ EBPF_MAP_TYPE_STACK, { MAP_PEEK, MAP_POP, MAP_PUSH } },
	{ MAP_BLOOM_FILTER, { MAP_PEEK, MAP_PUSH } },
	/* the storage of kernel objects: its own get and delete, bpf_kptr_xchg (194) */
	{ EBPF_MAP_TYPE_SK_STORAGE, { 107, 108, 194 } },
	{ EBPF_MAP_TYPE_INODE_STORAGE, { 145, 146, 194 } },
	{ EBPF_MAP_TYPE_TASK_STORAGE, { 156, 157, 194 } },
	{ EBPF_MAP_TYPE_CGRP_STORAGE, { 210, 211, 194 } },
};

/* Helpers that take only these map types. */
static const struct {
	uint32_t helper;
	uint32_t types[TABLE_MAX];
} helper_only_maps[] = {
	{ TAIL_CALL_HELPER, { EBPF_MAP_TYPE_PROG_ARRAY } },
	{ PERF_EVENT_READ, { EBPF_MAP_TYPE_PERF_EVENT_ARRAY } },
	{ PERF_EVENT_OUTPUT, { EBPF_MAP_TYPE_PERF_EVENT_ARRAY } },
	{ PERF_EVENT_READ_VALUE, { EBPF_MAP_TYPE_PERF_EVENT_ARRAY } },
	{ SKB_OUTPUT, { EBPF_MAP_TYPE_PERF_EVENT_ARRAY } },
	{ XDP_OUTPUT, { EBPF_MAP_TYPE_PERF_EVENT_ARRAY } },
	{ RINGBUF_OUTPUT, { EBPF_MAP_TYPE_RINGBUF } },
	{ RINGBUF_RESERVE, { EBPF_MAP_TYPE_RINGBUF } },
	{ RINGBUF_QUERY, { EBPF_MAP_TYPE_RINGBUF } },
	{ 198, { EBPF_MAP_TYPE_RINGBUF } }, /* bpf_ringbuf_reserve_dynptr */
	{ 209, { MAP_USER_RINGBUF } },	    /* bpf_user_ringbuf_drain */
	{ 27, { EBPF_MAP_TYPE_STACK_TRACE } },
	{ 33, { MAP_CGROUP_ARRAY } },
	{ 37, { MAP_CGROUP_ARRAY } },
	{ 51,
	  { EBPF_MAP_TYPE_DEVMAP, EBPF_MAP_TYPE_DEVMAP_HASH, EBPF_MAP_TYPE_CPUMAP,
	    EBPF_MAP_TYPE_XSKMAP } },
	{ 52, { EBPF_MAP_TYPE_SOCKMAP } },  /* sk_redirect_map */
	{ 60, { EBPF_MAP_TYPE_SOCKMAP } },  /* msg_redirect_map */
	{ 53, { EBPF_MAP_TYPE_SOCKMAP } },  /* sock_map_update */
	{ 72, { EBPF_MAP_TYPE_SOCKHASH } }, /* sk_redirect_hash */
	{ 71, { EBPF_MAP_TYPE_SOCKHASH } }, /* msg_redirect_hash */
	{ 70, { EBPF_MAP_TYPE_SOCKHASH } }, /* sock_hash_update */
	{ 81, { EBPF_MAP_TYPE_CGROUP_STORAGE, EBPF_MAP_TYPE_PERCPU_CGROUP_STORAGE } },
	{ 82, { MAP_REUSEPORT_SOCKARRAY, EBPF_MAP_TYPE_SOCKMAP, EBPF_MAP_TYPE_SOCKHASH } },
	{ MAP_POP, { EBPF_MAP_TYPE_QUEUE, EBPF_MAP_TYPE_STACK } },
	{ MAP_PEEK, { EBPF_MAP_TYPE_QUEUE, EBPF_MAP_TYPE_STACK, MAP_BLOOM_FILTER } },
	{ MAP_PUSH, { EBPF_MAP_TYPE_QUEUE, EBPF_MAP_TYPE_STACK, MAP_BLOOM_FILTER } },
	{ MAP_LOOKUP_PERCPU,
	  { EBPF_MAP_TYPE_PERCPU_ARRAY, EBPF_MAP_TYPE_PERCPU_HASH,
	    EBPF_MAP_TYPE_LRU_PERCPU_HASH } },
	{ 107, { EBPF_MAP_TYPE_SK_STORAGE } },
	{ 108, { EBPF_MAP_TYPE_SK_STORAGE } },
	{ 145, { EBPF_MAP_TYPE_INODE_STORAGE } },
	{ 146, { EBPF_MAP_TYPE_INODE_STORAGE } },
	{ 156, { EBPF_MAP_TYPE_TASK_STORAGE } },
	{ 157, { EBPF_MAP_TYPE_TASK_STORAGE } },
	{ 210, { EBPF_MAP_TYPE_CGRP_STORAGE } },
	{ 211, { EBPF_MAP_TYPE_CGRP_STORAGE } },
};

/* 0 has no meaning in either list (no helper id 0, no map type 0 is ever listed). */
static bool listed(const uint32_t *list, uint32_t value)
{
	for (size_t i = 0; i < TABLE_MAX && list[i]; i++)
		if (list[i] == value)
			return true;
	return false;
}

/* The map types the helper takes, NULL when any; the helpers the map type takes, NULL too. */
static const uint32_t *helper_map_types(uint32_t helper)
{
	for (size_t i = 0; i < sizeof(helper_only_maps) / sizeof(helper_only_maps[0]); i++)
		if (helper_only_maps[i].helper == helper)
			return helper_only_maps[i].types;
	return NULL;
}

static const uint32_t *map_type_helpers(uint32_t type)
{
	for (size_t i = 0; i < sizeof(map_only_helpers) / sizeof(map_only_helpers[0]); i++)
		if (map_only_helpers[i].type == type)
			return map_only_helpers[i].helpers;
	return NULL;
}

/* Linux's names of the map types the tables list (enum bpf_map_type without its prefix). */
static const char *linux_map_type_name(uint32_t type)
{
	static const char *const names[] = {
		[1] = "hash",
		[2] = "array",
		[3] = "prog_array",
		[4] = "perf_event_array",
		[5] = "percpu_hash",
		[6] = "percpu_array",
		[7] = "stack_trace",
		[8] = "cgroup_array",
		[9] = "lru_hash",
		[10] = "lru_percpu_hash",
		[11] = "lpm_trie",
		[12] = "array_of_maps",
		[13] = "hash_of_maps",
		[14] = "devmap",
		[15] = "sockmap",
		[16] = "cpumap",
		[17] = "xskmap",
		[18] = "sockhash",
		[19] = "cgroup_storage",
		[20] = "reuseport_sockarray",
		[21] = "percpu_cgroup_storage",
		[22] = "queue",
		[23] = "stack",
		[24] = "sk_storage",
		[25] = "devmap_hash",
		[26] = "struct_ops",
		[27] = "ringbuf",
		[28] = "inode_storage",
		[29] = "task_storage",
		[30] = "bloom_filter",
		[31] = "user_ringbuf",
		[32] = "cgrp_storage",
		[33] = "arena",
	};

	if (type < sizeof(names) / sizeof(names[0]) && names[type])
		return names[type];
	return "?";
}

/* "a, b or c" of the first TABLE_MAX entries of list, as map type or helper names (the id
 * where the system's <linux/bpf.h> predates the helper). */
static void list_names(const uint32_t *list, bool helpers, char *buf, size_t size)
{
	size_t n = 0, len = 0;
	const char *name, *sep;
	char id[24];

	while (n < TABLE_MAX && list[n])
		n++;
	buf[0] = '\0';
	for (size_t i = 0; i < n && len < size; i++) {
		name = helpers ? isa_linux_helper_name(list[i]) : linux_map_type_name(list[i]);
		if (!name) {
			snprintf(id, sizeof(id), "helper %u", list[i]);
			name = id;
		}
		sep = i == 0 ? "" : i + 1 == n ? " or " : ", ";
		len += (size_t)snprintf(buf + len, size - len, "%s%s", sep, name);
	}
}

static int check_map_compat(struct venv *env, uint32_t idx, struct call_meta *meta,
			    const struct verifier_map *map)
{
	const uint32_t *types = helper_map_types(meta->id);
	const uint32_t *helpers = map_type_helpers(map->type);
	char names[256];

	/* An extension's map type says what programs may do (struct ebpf_map_type_info): its
	 * own words first. */
	if ((map->no_prog_lookup && meta->id == MAP_LOOKUP) ||
	    (map->no_prog_update && (meta->id == MAP_UPDATE || meta->id == MAP_DELETE)))
		return verr_state(env, idx, -EACCES,
				  "helper %s cannot be used with map '%s' (type %d): its map type "
				  "does not let programs %s it",
				  proto_name(meta->proto), map->name, map->type,
				  meta->id == MAP_LOOKUP ? "look up" : "change");
	if (types && !listed(types, map->type)) {
		list_names(types, false, names, sizeof(names));
		return verr_state(env, idx, -EACCES,
				  "helper %s cannot be used with map '%s' (type %d): it takes "
				  "only %s maps, this is a %s map",
				  proto_name(meta->proto), map->name, map->type, names,
				  linux_map_type_name(map->type));
	}
	if (helpers && !listed(helpers, meta->id)) {
		list_names(helpers, true, names, sizeof(names));
		return verr_state(
		    env, idx, -EACCES,
		    "helper %s cannot be used with map '%s' (type %d): programs reach "
		    "%s maps only through %s",
		    proto_name(meta->proto), map->name, map->type, linux_map_type_name(map->type),
		    names);
	}
	return check_map_helper_access(env, idx, meta, map);
}

static int check_const_str(struct venv *env, uint32_t idx, struct call_meta *meta, int arg)
{
	const struct reg *reg = &cur_regs(env)[arg + 1];
	const struct verifier_map *map;
	const char *data;
	uint64_t off, i;

	if (reg->type != PTR_TO_MAP_VALUE)
		return arg_err(env, idx, meta, arg,
			       "expected a constant string in read-only global data (.rodata)",
			       NULL);
	map = &env->in->maps[reg->map];
	if (!map->read_only || !map->frozen_data)
		return arg_err(env, idx, meta, arg, "the string is not in read-only data: map ",
			       map->name);
	if (!tnum_is_const(reg->var) || reg->off < 0)
		return arg_err(env, idx, meta, arg, "the string's offset must be constant", NULL);
	off = (uint64_t)reg->off + reg->var.value;
	data = map->frozen_data;
	for (i = off; i < map->value_size; i++)
		if (!data[i])
			return 0;
	return arg_err(env, idx, meta, arg, "string is not NUL-terminated within map ", map->name);
}

/* ---- bpf_trace_printk -------------------------------------------------------------------- */

/*
 * As Linux's bpf_snprintf: the format is a constant the verifier reads and parses with the
 * helper's own parser (printk.c), and each conversion's argument is proven: a string is
 * NUL-terminated inside memory the program may read, an address has its 4 or 16 bytes
 * readable, a number is an initialised scalar (a pointer only where pointers may leak).
 */
#define PRINTK_FORMAT_MAX EBPF_STACK_SIZE

static const char printk_const_fmt[] =
    "the format must be a constant the verifier can read: a string in read-only global data "
    "(.rodata, as bpf_printk makes it) or stack bytes stored as constants";

/*
 * A format the verifier cannot read (built on the stack by stores it does not keep as constants,
 * or in writable data) is what Linux accepts from tracing programs: memory the program may read,
 * parsed by the helper at run time (-EINVAL when bad), its strings and addresses read without
 * faulting. It is left to the helper only where the type lets programs disclose pointers (Linux's
 * tracing types, which read any address with bpf_probe_read anyway): printing an argument, or
 * the string at it, gives nothing more there.
 */
#define PRINTK_FORMAT_AT_RUN_TIME 1

static int printk_unknown_format(struct venv *env, uint32_t idx, const char *what,
				 unsigned long long byte)
{
	if (env->in->info->flags & EBPF_PROGRAM_TYPE_ALLOW_POINTER_LEAK)
		return PRINTK_FORMAT_AT_RUN_TIME;
	if (what)
		return verr_state(env, idx, -EACCES,
				  "helper bpf_trace_printk: %s %llu is not known "
				  "at verification; %s",
				  what, byte, printk_const_fmt);
	return verr_state(env, idx, -EACCES, "helper bpf_trace_printk arg1: %s", printk_const_fmt);
}

/* The format's bytes up to its NUL, which must lie within the least value of the size (r2):
 * the helper looks for it within the run-time size. */
static int printk_format(struct venv *env, uint32_t idx, char *buf)
{
	const struct reg *fmt = &cur_regs(env)[1];
	uint64_t len = cur_regs(env)[2].umin, i;
	const struct verifier_map *map;
	const char *data;
	uint8_t byte;

	if (len > PRINTK_FORMAT_MAX)
		len = PRINTK_FORMAT_MAX;
	if (fmt->type == PTR_TO_MAP_VALUE && tnum_is_const(fmt->var) && fmt->off >= 0) {
		map = &env->in->maps[fmt->map];
		if (!map->read_only || !map->frozen_data)
			goto not_const;
		data = (const char *)map->frozen_data + fmt->off + fmt->var.value;
		for (i = 0; i < len && data[i]; i++)
			buf[i] = data[i];
	} else if (fmt->type == PTR_TO_STACK && tnum_is_const(fmt->var)) {
		for (i = 0; i < len; i++) {
			if (stack_byte_value(env, fmt, (int64_t)i, &byte) != 1)
				return printk_unknown_format(env, idx, "format byte",
							     (unsigned long long)i);
			buf[i] = (char)byte;
			if (!byte)
				break;
		}
	} else {
		goto not_const;
	}
	if (i == len)
		return verr_state(env, idx, -EACCES,
				  "helper bpf_trace_printk: the format has no NUL within its size "
				  "(%llu bytes at least)",
				  (unsigned long long)len);
	buf[i] = '\0';
	return 0;
not_const:
	return printk_unknown_format(env, idx, NULL, 0);
}

/* A %s argument: a string whose NUL the verifier sees, in read-only data or on the stack. */
static int printk_string_arg(struct venv *env, uint32_t idx, int regno, const char *conv)
{
	const struct reg *reg = &cur_regs(env)[regno];
	const struct verifier_map *map;
	uint64_t off;
	uint8_t byte;
	char d[96];
	int64_t i;
	int known;

	if (reg->type == PTR_TO_MAP_VALUE && tnum_is_const(reg->var) && reg->off >= 0) {
		map = &env->in->maps[reg->map];
		off = (uint64_t)reg->off + reg->var.value;
		if (map->read_only && map->frozen_data && off < map->value_size &&
		    memchr((const char *)map->frozen_data + off, 0, map->value_size - off))
			return 0;
	} else if (reg->type == PTR_TO_STACK && tnum_is_const(reg->var)) {
		for (i = 0; (known = stack_byte_value(env, reg, i, &byte)) >= 0; i++)
			if (known && !byte)
				return 0;
		return verr_state(
		    env, idx, -EACCES,
		    "helper bpf_trace_printk: the %s string at r%d reaches "
		    "uninitialised stack, a spilled pointer or the frame's top before a "
		    "NUL the verifier knows (at fp%+lld); store its terminating zero",
		    conv, regno, (long long)(reg->off + (int64_t)reg->var.value + i));
	}
	reg_describe(env, reg, d, sizeof(d));
	return verr_state(env, idx, -EACCES,
			  "helper bpf_trace_printk: the %s argument r%d (%s) must point to a "
			  "NUL-terminated string in read-only global data or on the stack at a "
			  "constant offset",
			  conv, regno, d);
}

/* A number (or a pointer's value) printed: an initialised scalar, no address disclosed. */
static int printk_value_arg(struct venv *env, uint32_t idx, int regno, const char *conv)
{
	const struct reg *reg = &cur_regs(env)[regno];
	char d[96];

	if (reg->type == NOT_INIT)
		return verr_state(env, idx, -EACCES,
				  "helper bpf_trace_printk: the %s argument r%d is uninitialised",
				  conv, regno);
	if (!reg_is_pointer(reg) || (env->in->info->flags & EBPF_PROGRAM_TYPE_ALLOW_POINTER_LEAK))
		return 0;
	reg_describe(env, reg, d, sizeof(d));
	return verr_state(env, idx, -EACCES,
			  "helper bpf_trace_printk: the %s argument r%d (%s) prints a pointer "
			  "(pointer leak)",
			  conv, regno, d);
}

static int check_printk_arg(struct venv *env, uint32_t idx, const struct printk_conv *c, int regno,
			    const char *conv)
{
	char what[64];

	switch (c->kind) {
	case PRINTK_STR:
		return printk_string_arg(env, idx, regno, conv);
	case PRINTK_IP4:
	case PRINTK_IP6:
		snprintf(what, sizeof(what), "helper bpf_trace_printk %s argument r%d", conv,
			 regno);
		return check_mem_region(env, idx, regno, c->kind == PRINTK_IP4 ? 4 : 16, false,
					what);
	default:
		return printk_value_arg(env, idx, regno, conv);
	}
}

/* A format's conversions, as the helper's parser (printk.c) sees them, one at a time. */
struct format_walk {
	const char *helper; /* for messages */
	const char *fmt;
	size_t pos;
	size_t start;  /* the current conversion's offset */
	char conv[16]; /* and its text */
	struct printk_conv c;
};

static int format_chars_check(struct venv *env, uint32_t idx, const struct format_walk *w)
{
	if (printk_format_chars_valid(w->fmt, strlen(w->fmt)))
		return 0;
	return verr_state(env, idx, -EACCES,
			  "helper %s: the format holds a character that is neither printable "
			  "ASCII nor white space",
			  w->helper);
}

/* 1 with the next conversion in w (a literal "%%" is none), 0 at the end, or the refusal of a
 * conversion the parser rejects. */
static int format_next(struct venv *env, uint32_t idx, struct format_walk *w)
{
	while (w->fmt[w->pos]) {
		if (w->fmt[w->pos++] != '%')
			continue;
		if (w->fmt[w->pos] == '%') { /* a literal percent */
			w->pos++;
			continue;
		}
		w->start = w->pos - 1;
		if (printk_parse_conversion(w->fmt, &w->pos, &w->c) < 0) {
			snprintf(w->conv, sizeof(w->conv), "%.*s", (int)(w->pos - w->start),
				 w->fmt + w->start);
			return verr_state(env, idx, -EACCES,
					  "helper %s: conversion '%s' at format offset %zu is not "
					  "one Linux accepts",
					  w->helper, w->conv, w->start);
		}
		snprintf(w->conv, sizeof(w->conv), "%.*s", (int)(w->pos - w->start),
			 w->fmt + w->start);
		return 1;
	}
	return 0;
}

static int check_printk_call(struct venv *env, uint32_t idx)
{
	char fmt[PRINTK_FORMAT_MAX + 1];
	struct format_walk w = { .helper = "bpf_trace_printk", .fmt = fmt };
	int regno = 3, err;

	err = printk_format(env, idx, fmt);
	if (err == PRINTK_FORMAT_AT_RUN_TIME)
		return 0;
	if (err)
		return err;
	err = format_chars_check(env, idx, &w);
	while (!err && (err = format_next(env, idx, &w)) == 1) {
		if (regno > 5)
			return verr_state(env, idx, -EACCES,
					  "helper bpf_trace_printk: more than %d conversions",
					  PRINTK_MAX_ARGS);
		err = check_printk_arg(env, idx, &w.c, regno++, w.conv);
	}
	return err;
}

/* ---- bpf_snprintf ------------------------------------------------------------------------ */

/*
 * Linux's check_bpf_snprintf_call: the format (r3, a constant string check_const_str proved) is
 * parsed as bpf_bprintf_prepare parses it, against data (r4) taken as an array of u64 whose
 * byte size (r5) must be a multiple of 8. Each conversion takes one element; a format taking
 * more than the array holds is refused, fewer are fine (the rest is not printed). The elements
 * themselves are read at run time (strings and addresses with nofault reads on Linux).
 */
static int check_snprintf_call(struct venv *env, uint32_t idx)
{
	const struct reg *fmt = &cur_regs(env)[3], *len = &cur_regs(env)[5];
	const struct verifier_map *map = &env->in->maps[fmt->map];
	struct format_walk w = { .helper = "bpf_snprintf" };
	uint64_t nargs, used = 0;
	int err;

	if (!tnum_is_const(len->var) || len->var.value % 8)
		return verr_state(env, idx, -EACCES,
				  "helper bpf_snprintf arg5: the data size must be a constant "
				  "multiple of 8 (an array of u64, one per conversion)");
	nargs = len->var.value / 8;
	w.fmt = (const char *)map->frozen_data + fmt->off + fmt->var.value;
	err = format_chars_check(env, idx, &w);
	while (!err && (err = format_next(env, idx, &w)) == 1) {
		err = 0;
		if (++used > nargs)
			return verr_state(env, idx, -EACCES,
					  "helper bpf_snprintf: conversion '%s' at format offset "
					  "%zu has no value: the data array holds %llu",
					  w.conv, w.start, (unsigned long long)nargs);
	}
	return err;
}

/* ---- special fields of map values: bpf_spin_lock, bpf_timer ------------------------------- */

const char *map_field_name(enum verifier_field_kind kind)
{
	switch (kind) {
	case VERIFIER_FIELD_SPIN_LOCK:
		return "struct bpf_spin_lock";
	case VERIFIER_FIELD_KPTR_UNTRUSTED:
		return "__kptr_untrusted pointer";
	case VERIFIER_FIELD_KPTR_REF:
		return "__kptr pointer";
	case VERIFIER_FIELD_TIMER:
		return "struct bpf_timer";
	default:
		return "special field";
	}
}

const struct verifier_field *map_field_overlap(const struct verifier_map *map, int64_t lo,
					       int64_t hi)
{
	for (uint32_t i = 0; i < map->field_count; i++) {
		const struct verifier_field *f = &map->fields[i];

		if (lo < (int64_t)f->off + f->size && (int64_t)f->off < hi)
			return f;
	}
	return NULL;
}

static const struct verifier_field *map_field_of(const struct verifier_map *map,
						 enum verifier_field_kind kind)
{
	for (uint32_t i = 0; i < map->field_count; i++) {
		if (map->fields[i].kind == kind)
			return &map->fields[i];
	}
	return NULL;
}

bool map_has_spin_lock(const struct verifier_map *map)
{
	return map_field_of(map, VERIFIER_FIELD_SPIN_LOCK) != NULL;
}

/*
 * reg = a pointer to one value of a map, handed out by a helper (a lookup that cannot fail, a
 * callback's element). Its lock is named by the pointer's id (apply_spin_lock): each value
 * handed out gets an id of its own, as two of them may be different values of the map; only
 * global data, one value, is reached with id 0.
 */
/*
 * The object a map value from the map argument lies in, for pointer comparisons (bounds.c):
 * an array's values are one object laid out by index, so where two of them lie is the
 * program's to know; the elements of other maps, and the values of an inner map (the
 * template's index stands for every inner map), are placed by the allocator one by one. A
 * per-CPU array's value is one CPU's copy, and a lookup may hand out another CPU's
 * (bpf_map_lookup_percpu_elem): copies lie where the allocator put each CPU's area, so two
 * lookups are two objects, or p - q would be a distance the verifier believes it knows.
 */
static uint32_t map_value_object(struct venv *env, const struct call_meta *meta)
{
	if (!meta->map_obj && env->in->maps[meta->map].type == EBPF_MAP_TYPE_ARRAY)
		return 0;
	return ++env->id_gen;
}

static void mark_map_value(struct venv *env, struct reg *reg, const struct call_meta *meta)
{
	reg_mark_ptr(reg, PTR_TO_MAP_VALUE);
	reg->map = meta->map;
	reg->id = map_has_spin_lock(&env->in->maps[meta->map]) ? ++env->id_gen : 0;
	reg->ref_id = map_value_object(env, meta);
}

int check_no_lock_held(struct venv *env, uint32_t idx, const char *what)
{
	if (!env->cur->lock_held)
		return 0;
	return verr_state(env, idx, -EACCES,
			  "%s while a bpf_spin_lock is held (taken at insn %u): only "
			  "bpf_spin_unlock may be called until it is released, as on Linux",
			  what, env->cur->lock_insn);
}

/*
 * As Linux's process_spin_lock and process_timer_func: a pointer to exactly the value's field
 * of that kind, at a constant offset. `what` is the field's short name in messages.
 */
static int check_field_arg(struct venv *env, uint32_t idx, struct call_meta *meta, int arg,
			   enum verifier_field_kind kind, const char *what)
{
	const struct reg *reg = &cur_regs(env)[arg + 1];
	const char *field = map_field_name(kind);
	const struct verifier_field *f;
	const struct verifier_map *map;
	char detail[160];
	int64_t off;

	if (reg->type != PTR_TO_MAP_VALUE) {
		snprintf(detail, sizeof(detail), "expected a pointer to the %s of a map value",
			 field);
		return arg_err(env, idx, meta, arg, detail,
			       reg->type == PTR_TO_MAP_VALUE_OR_NULL ? "; null-check it first"
								     : NULL);
	}
	map = &env->in->maps[reg->map];
	f = map_field_of(map, kind);
	if (!f) {
		snprintf(detail, sizeof(detail),
			 "expected a %s, but map '%s' holds none (its value's BTF names no %s)",
			 what, map->name, field);
		return arg_err(env, idx, meta, arg, detail, NULL);
	}
	if (!tnum_is_const(reg->var)) {
		snprintf(detail, sizeof(detail), "the %s must be at a constant offset", field);
		return arg_err(env, idx, meta, arg, detail, NULL);
	}
	off = (int64_t)reg->off + (int64_t)reg->var.value;
	if (off != (int64_t)f->off) {
		snprintf(detail, sizeof(detail),
			 "%lld is not the %s of map '%s', which is at offset %u", (long long)off,
			 field, map->name, f->off);
		return arg_err(env, idx, meta, arg, "offset ", detail);
	}
	return 0;
}

static int check_spin_lock_arg(struct venv *env, uint32_t idx, struct call_meta *meta, int arg)
{
	const struct reg *reg = &cur_regs(env)[arg + 1];
	int err;

	if (meta->id != SPIN_LOCK && meta->id != SPIN_UNLOCK)
		return verr(env, idx, -EINVAL,
			    "helper %s prototype: only bpf_spin_lock and bpf_spin_unlock take a "
			    "spin lock",
			    proto_name(meta->proto));
	err = check_field_arg(env, idx, meta, arg, VERIFIER_FIELD_SPIN_LOCK, "spin lock");
	if (err)
		return err;
	meta->lock_map = reg->map;
	meta->lock_id = reg->id;
	return 0;
}

static bool is_timer_helper(uint32_t id)
{
	return id >= HELPER_TIMER_INIT && id <= HELPER_TIMER_CANCEL;
}

static int check_timer_arg(struct venv *env, uint32_t idx, struct call_meta *meta, int arg)
{
	int err;

	if (!is_timer_helper(meta->id) || arg != 0)
		return verr(env, idx, -EINVAL,
			    "helper %s prototype: only the first argument of the bpf_timer_* "
			    "helpers (ids %u-%u) is a timer",
			    proto_name(meta->proto), HELPER_TIMER_INIT, HELPER_TIMER_CANCEL);
	err = check_field_arg(env, idx, meta, arg, VERIFIER_FIELD_TIMER, "timer");
	if (err)
		return err;
	meta->timer_map = cur_regs(env)[arg + 1].map;
	return 0;
}

/* bpf_timer_init(timer, map, flags): the map is the one the timer's value belongs to. */
static int check_timer_init(struct venv *env, uint32_t idx, const struct call_meta *meta)
{
	if (meta->id != HELPER_TIMER_INIT || meta->map == meta->timer_map)
		return 0;
	return verr_state(env, idx, -EACCES,
			  "helper %s: the timer (r1) is in a value of map '%s' but the map "
			  "argument (r2) is '%s': they must be the same map, as on Linux",
			  proto_name(meta->proto), env->in->maps[meta->timer_map].name,
			  meta->map >= 0 ? env->in->maps[meta->map].name : "?");
}

/* One lock at a time, released by the unlock of the same value (Linux's active_lock). */
static int apply_spin_lock(struct venv *env, uint32_t idx, const struct call_meta *meta)
{
	struct vstate *st = env->cur;

	if (meta->id == SPIN_LOCK) {
		if (st->lock_held)
			return verr_state(env, idx, -EACCES,
					  "bpf_spin_lock while another is held (taken at insn %u): "
					  "one lock at a time, as on Linux",
					  st->lock_insn);
		st->lock_held = true;
		st->lock_map = meta->lock_map;
		st->lock_id = meta->lock_id;
		st->lock_insn = idx;
		return 0;
	}
	if (!st->lock_held)
		return verr_state(env, idx, -EACCES,
				  "bpf_spin_unlock without a bpf_spin_lock held");
	if (st->lock_map != meta->lock_map || st->lock_id != meta->lock_id)
		return verr_state(env, idx, -EACCES,
				  "bpf_spin_unlock of another lock than the one taken at insn %u",
				  st->lock_insn);
	st->lock_held = false;
	return 0;
}

/* What a helper hands on to its callback unchanged: memory the callback may use as the caller
 * could (its type kept), or a number. */
static int check_callback_ctx(struct venv *env, uint32_t idx, struct call_meta *meta, int arg)
{
	switch (cur_regs(env)[arg + 1].type) {
	case SCALAR:
	case PTR_TO_STACK:
	case PTR_TO_MAP_VALUE:
	case PTR_TO_CTX:
		return 0;
	default:
		return arg_err(
		    env, idx, meta, arg,
		    "the callback's context must be a number or a pointer to the stack, a "
		    "map value or the context",
		    NULL);
	}
}

static int check_func_arg(struct venv *env, uint32_t idx, struct call_meta *meta, int arg)
{
	const struct reg *reg = &cur_regs(env)[arg + 1];

	if (!is_callback_helper(meta->id) && meta->id != HELPER_TIMER_SET_CALLBACK)
		return verr(env, idx, -EINVAL,
			    "helper %s prototype: a callback argument, but only the callbacks of "
			    "bpf_loop, bpf_for_each_map_elem and bpf_timer_set_callback are known",
			    proto_name(meta->proto));
	/* No engine fires timers: their callback is known to the verifier only. */
	if (meta->id == HELPER_TIMER_SET_CALLBACK &&
	    !(meta->proto->flags & EBPF_HELPER_VERIFY_ONLY))
		return verr(env, idx, -EINVAL,
			    "helper %s prototype: a timer callback, but only a verify-only "
			    "bpf_timer_set_callback may take one (no engine fires timers)",
			    proto_name(meta->proto));
	if (reg->type != PTR_TO_FUNC)
		return arg_err(env, idx, meta, arg,
			       "expected a callback (a function of the program: lddw of a function "
			       "pointer)",
			       NULL);
	meta->callback = reg->off;
	return 0;
}

/*
 * A socket pointer of any kind, null-checked (Linux's ARG_PTR_TO_SOCK_COMMON), or a kernel
 * struct that begins with a struct sock_common (a bpf_skc_to_* cast's result, a tracing
 * program's struct sock: ARG_PTR_TO_BTF_ID_SOCK_COMMON). Argument 1 of a releasing helper must
 * hold a reference the program still has (Linux: "must be referenced when passed to release
 * function"; a cast releases the socket it was cast from); a pointer cast hands its reference
 * on to the result.
 */
static int check_sock_arg(struct venv *env, uint32_t idx, struct call_meta *meta, int arg)
{
	const struct reg *reg = &cur_regs(env)[arg + 1];
	bool btf = reg->type == PTR_TO_BTF_ID && btf_kernel_objects(env);
	uint32_t flags = meta->proto->flags;

	if (btf && !btf_is_sock_common(env, reg->btf_id))
		return arg_err(env, idx, meta, arg,
			       "expected a socket: this kernel struct does not begin with a "
			       "struct sock_common",
			       NULL);
	if (!btf && !reg_is_socket(reg))
		return arg_err(env, idx, meta, arg,
			       "expected a socket (as bpf_sk_lookup_tcp and friends return it), "
			       "null-checked",
			       reg_type_nonnull(reg->type) != NOT_INIT ? "; null-check it first"
								       : NULL);
	if (arg)
		return 0;
	if (flags & EBPF_HELPER_PTR_CAST)
		meta->cast_ref = reg->ref_id;
	if (!(flags & EBPF_HELPER_RELEASE))
		return 0;
	if (!reg->ref_id || !ref_held(env->cur, reg->ref_id))
		return arg_err(
		    env, idx, meta, arg,
		    btf ? "a kernel struct that holds no reference (only a bpf_skc_to_* "
			  "cast of a socket the program holds may be released)"
			: "a socket that holds no reference (only what bpf_sk_lookup_tcp, "
			  "bpf_sk_lookup_udp, bpf_skc_lookup_tcp or a sockmap lookup "
			  "return, unreleased, may be released)",
		    NULL);
	meta->release = reg->ref_id;
	return 0;
}

/* Sockmaps and sockhashes hold sockets: a program's lookup returns one, its update stores one. */
static bool is_sock_map(const struct verifier_map *map)
{
	return map->type == EBPF_MAP_TYPE_SOCKMAP || map->type == EBPF_MAP_TYPE_SOCKHASH;
}

/*
 * The value a program stores into a sockmap or sockhash is a socket pointer, not the fd or
 * cookie the host writes (Linux's resolve_map_arg_type: ARG_PTR_TO_BTF_ID_SOCK_COMMON).
 */
static int check_sock_map_value(struct venv *env, uint32_t idx, struct call_meta *meta, int arg)
{
	const struct reg *reg = &cur_regs(env)[arg + 1];

	if (reg_is_socket(reg))
		return 0;
	return arg_err(env, idx, meta, arg,
		       "expected a socket, null-checked: a program stores sockets into a sockmap "
		       "or sockhash, not the fd or cookie user space writes",
		       reg_type_nonnull(reg->type) != NOT_INIT ? "; null-check it first" : NULL);
}

static int check_arg(struct venv *env, uint32_t idx, struct call_meta *meta, int arg)
{
	enum ebpf_arg_type t = meta->proto->args[arg];
	const struct reg *reg = &cur_regs(env)[arg + 1];
	uint64_t size;
	int err;

	if (t == EBPF_ARG_DONTCARE)
		return 0;
	if (reg->type == NOT_INIT)
		return arg_err(env, idx, meta, arg, "uninitialised register", NULL);
	switch (t) {
	case EBPF_ARG_ANYTHING:
		if (reg_is_pointer(reg) &&
		    !(env->in->info->flags & EBPF_PROGRAM_TYPE_ALLOW_POINTER_LEAK))
			return arg_err(env, idx, meta, arg,
				       "a pointer passed as a scalar argument (pointer leak)",
				       NULL);
		return 0;
	case EBPF_ARG_CONST_SIZE:
	case EBPF_ARG_CONST_SIZE_OR_ZERO:
		/* After a memory argument it was checked with it. */
		if (arg > 0 && is_mem_arg(meta->proto->args[arg - 1]))
			return 0;
		return check_size_arg(env, idx, meta, arg, t == EBPF_ARG_CONST_SIZE_OR_ZERO, &size);
	case EBPF_ARG_PTR_TO_CTX:
	case EBPF_ARG_PTR_TO_CTX_OR_NULL:
		if (t == EBPF_ARG_PTR_TO_CTX_OR_NULL && reg_is_null(reg))
			return 0;
		if (reg->type != PTR_TO_CTX || reg->off != 0)
			return arg_err(
			    env, idx, meta, arg,
			    t == EBPF_ARG_PTR_TO_CTX
				? "expected the context, unmodified (r1 at entry)"
				: "expected the context, unmodified (r1 at entry), or NULL",
			    NULL);
		return 0;
	case EBPF_ARG_CONST_MAP_PTR:
		if (reg->type != CONST_MAP_PTR)
			return arg_err(env, idx, meta, arg, "expected a map (lddw of a map)",
				       reg->type == CONST_MAP_PTR_OR_NULL
					   ? "; null-check the inner map first"
					   : NULL);
		meta->map = reg->map;
		meta->map_obj = reg->ref_id;
		return check_map_compat(env, idx, meta, &env->in->maps[reg->map]);
	case EBPF_ARG_PTR_TO_MAP_KEY:
		return check_map_arg(env, idx, meta, arg,
				     meta->map < 0 ? 0 : env->in->maps[meta->map].key_size, false);
	case EBPF_ARG_PTR_TO_MAP_VALUE:
		if (meta->map >= 0 && is_sock_map(&env->in->maps[meta->map]))
			return check_sock_map_value(env, idx, meta, arg);
		return check_map_arg(env, idx, meta, arg,
				     meta->map < 0 ? 0 : env->in->maps[meta->map].value_size,
				     false);
	case EBPF_ARG_PTR_TO_UNINIT_MAP_VALUE:
		return check_map_arg(env, idx, meta, arg,
				     meta->map < 0 ? 0 : env->in->maps[meta->map].value_size, true);
	case EBPF_ARG_PTR_TO_MEM:
	case EBPF_ARG_PTR_TO_MEM_OR_NULL:
	case EBPF_ARG_PTR_TO_UNINIT_MEM:
		return check_mem_arg(env, idx, meta, arg);
	case EBPF_ARG_PTR_TO_LONG: {
		char what[64];

		snprintf(what, sizeof(what), "helper %s arg%d", proto_name(meta->proto), arg + 1);
		err = check_mem_region(env, idx, arg + 1, 8, true, what);
		if (!err && reg->type == PTR_TO_STACK)
			note_write(meta, arg + 1, 8, 8);
		return err;
	}
	case EBPF_ARG_PTR_TO_INT:
		return check_int_arg(env, idx, meta, arg);
	case EBPF_ARG_PTR_TO_CONST_STR:
		return check_const_str(env, idx, meta, arg);
	case EBPF_ARG_PTR_TO_ALLOC_MEM:
		if (reg->type != PTR_TO_MEM || reg->off || !tnum_is_const(reg->var) ||
		    reg->var.value || !reg->ref_id || !ref_held(env->cur, reg->ref_id))
			return arg_err(
			    env, idx, meta, arg,
			    "expected ring buffer memory from a reservation, null-checked "
			    "and unmodified",
			    NULL);
		meta->release = reg->ref_id;
		return 0;
	case EBPF_ARG_PTR_TO_SPIN_LOCK:
		return check_spin_lock_arg(env, idx, meta, arg);
	case EBPF_ARG_PTR_TO_TIMER:
		return check_timer_arg(env, idx, meta, arg);
	case EBPF_ARG_PTR_TO_MAP_VALUE_OR_NULL:
		if (reg_is_null(reg))
			return 0;
		return check_map_arg(env, idx, meta, arg,
				     meta->map < 0 ? 0 : env->in->maps[meta->map].value_size,
				     false);
	case EBPF_ARG_PTR_TO_BTF_ID_OR_NULL:
		if (env->insns[idx].src_reg == EBPF_CALL_KFUNC)
			return check_kfunc_btf_arg(env, idx, meta, arg);
		if (reg_is_null(reg) || reg->type == PTR_TO_BTF_ID ||
		    reg->type == PTR_TO_BTF_ID_OR_NULL)
			return 0;
		return arg_err(env, idx, meta, arg,
			       "expected a kernel object's pointer (BTF-typed, as a tracing "
			       "program's argument) or NULL",
			       NULL);
	case EBPF_ARG_PTR_TO_BTF_ID_NULLABLE:
		if (env->insns[idx].src_reg == EBPF_CALL_KFUNC)
			return check_kfunc_btf_arg(env, idx, meta, arg);
		return arg_err(env, idx, meta, arg,
			       "its prototype takes a kfunc's nullable BTF pointer, which only "
			       "kfuncs may",
			       NULL);
	case EBPF_ARG_PTR_TO_SOCK_COMMON:
		return check_sock_arg(env, idx, meta, arg);
	case EBPF_ARG_PTR_TO_SOCKET_OR_NULL:
		if (reg_is_null(reg) || reg->type == PTR_TO_SOCKET ||
		    reg->type == PTR_TO_SOCKET_OR_NULL)
			return 0;
		return arg_err(
		    env, idx, meta, arg,
		    "expected a full socket (struct bpf_sock, not a sock_common) or NULL", NULL);
	case EBPF_ARG_PTR_TO_FUNC:
		return check_func_arg(env, idx, meta, arg);
	case EBPF_ARG_PTR_TO_CALLBACK_CTX:
		return check_callback_ctx(env, idx, meta, arg);
	case EBPF_ARG_PTR_TO_STACK_OR_NULL:
		if (reg_is_null(reg))
			return 0;
		if (reg->type != PTR_TO_STACK)
			return arg_err(env, idx, meta, arg, "expected a stack pointer or NULL",
				       NULL);
		return check_mem_region(env, idx, arg + 1, 1, true, "helper stack argument");
	default:
		return verr(env, idx, -EINVAL, "helper %s prototype: unknown argument type %d",
			    proto_name(meta->proto), t);
	}
}

struct invalidate {
	uint32_t ref; /* pointers of this reference, or 0 */
	bool packet;  /* packet pointers */
	bool scalar;  /* they become unknown numbers, not uninitialised registers */
};

static bool must_invalidate(const struct reg *reg, const struct invalidate *w)
{
	if (w->ref && reg->ref_id == w->ref && reg_is_pointer(reg))
		return true;
	return w->packet && (reg->type == PTR_TO_PACKET || reg->type == PTR_TO_PACKET_META ||
			     reg->type == PTR_TO_PACKET_END);
}

static void invalidate_regs(struct vstate *st, const struct invalidate *w)
{
	uint32_t f;
	int i;

	for (f = 0; f <= st->curframe; f++) {
		struct frame *fr = st->frames[f];

		for (i = 0; i < EBPF_NUM_REGS; i++)
			if (must_invalidate(&fr->regs[i], w) && w->scalar)
				reg_mark_unknown(&fr->regs[i]);
			else if (must_invalidate(&fr->regs[i], w))
				reg_mark_not_init(&fr->regs[i]);
		for (i = 0; i < STACK_SLOTS; i++) {
			struct stack_slot *s = &fr->stack[i];

			if (s->type[0] != STACK_SPILL || !must_invalidate(&s->spilled, w))
				continue;
			if (w->scalar) {
				reg_mark_unknown(&s->spilled);
				continue;
			}
			memset(s->type, STACK_INVALID, 8);
			reg_mark_not_init(&s->spilled);
		}
	}
}

void invalidate_pointers_of(struct vstate *st, uint32_t id)
{
	struct invalidate w = { .ref = id };

	invalidate_regs(st, &w);
}

static void unlink_pkt_len(struct reg *reg, void *arg)
{
	(void)arg;
	reg->pkt_len_id = 0;
}

/* The packet may have moved or changed its length: so have pkt_end - data's values. */
void invalidate_packet_pointers(struct vstate *st)
{
	struct invalidate w = { .packet = true };

	invalidate_regs(st, &w);
	state_foreach_reg(st, unlink_pkt_len, NULL);
}

/*
 * A released socket's pointers become unknown numbers, as a privileged Linux loader's
 * (mark_reg_invalid): `if (sk) bpf_sk_release(sk); return sk ? .. : ..` compares the old value
 * (test_sk_lookup_kern.c), while a load through it or a second release is still refused. The
 * number is no address here: socket helpers are verify-only, so such a program never runs. A
 * ring buffer record's pointers, which do run, become uninitialised.
 */
void ref_release(struct vstate *st, uint32_t id)
{
	struct invalidate w = { .ref = id };

	for (uint32_t i = 0; i < st->nrefs; i++)
		if (st->refs[i] == id)
			w.scalar = st->ref_kind[i] == REF_SOCKET;

	ref_forget(st, id);
	invalidate_regs(st, &w);
}

/*
 * A socket pointer or NULL. Acquired: the pointer names its own reference (its id is the
 * reference's, so that its null check forgets a failed lookup). Cast: the parent's reference,
 * whose release invalidates it too. Otherwise it holds none (bpf_get_listener_sock's listener,
 * which the kernel keeps alive itself).
 */
static int set_sock_return(struct venv *env, uint32_t idx, const struct call_meta *meta,
			   enum reg_type type)
{
	struct reg *r0 = &cur_regs(env)[0];
	uint32_t flags = meta->proto->flags, ref = 0;
	int err;

	if (flags & EBPF_HELPER_ACQUIRE) {
		err = ref_acquire(env, idx, REF_SOCKET, &ref);
		if (err)
			return err;
	}
	reg_mark_ptr(r0, type);
	r0->id = ref ? ref : ++env->id_gen;
	r0->ref_id = ref ? ref : (flags & EBPF_HELPER_PTR_CAST) ? meta->cast_ref : 0;
	return 0;
}

/*
 * Linux helpers returning a pointer to a kernel struct (their ret_btf_id): the bpf_skc_to_*
 * casts of a socket to the struct of its protocol, NULL when it is not one.
 */
static const struct {
	uint32_t id;
	const char *name;
} kernel_struct_helpers[] = {
	{ 136, "tcp6_sock" },	      /* bpf_skc_to_tcp6_sock */
	{ 137, "tcp_sock" },	      /* bpf_skc_to_tcp_sock */
	{ 138, "tcp_timewait_sock" }, /* bpf_skc_to_tcp_timewait_sock */
	{ 139, "tcp_request_sock" },  /* bpf_skc_to_tcp_request_sock */
	{ 140, "udp6_sock" },	      /* bpf_skc_to_udp6_sock */
	{ 178, "unix_sock" },	      /* bpf_skc_to_unix_sock */
	{ 196, "mptcp_sock" },	      /* bpf_skc_to_mptcp_sock */
};

static const char *kernel_struct_of(uint32_t helper)
{
	for (size_t i = 0; i < sizeof(kernel_struct_helpers) / sizeof(kernel_struct_helpers[0]);
	     i++)
		if (kernel_struct_helpers[i].id == helper)
			return kernel_struct_helpers[i].name;
	return NULL;
}

bool verifier_calls_kernel_struct_helper(const struct ebpf_inst *insns, size_t count)
{
	for (size_t i = 0; i < count; i++)
		if (insns[i].code == EBPF_OP_CALL && insns[i].src_reg == 0 &&
		    kernel_struct_of((uint32_t)insns[i].imm))
			return true;
	return false;
}

/*
 * A kernel struct's pointer or NULL, typed by the kernel's BTF: its fields are read as
 * btf_id_access allows, never written. A cast lives as long as argument 1's reference (its
 * release invalidates the result too). Verify-only: no kernel object exists here.
 */
static int set_kernel_struct_return(struct venv *env, uint32_t idx, const struct call_meta *meta)
{
	const char *name = kernel_struct_of(meta->id);
	struct reg *r0 = &cur_regs(env)[0];
	uint32_t id = name ? btf_kernel_struct(env, name) : 0;

	if (!name)
		return verr(env, idx, -EACCES,
			    "helper %s: returns a BTF-typed pointer, but its BTF type is unknown "
			    "here (only kfuncs typed by the program type's BTF and Linux's "
			    "bpf_skc_to_* casts may)",
			    proto_name(meta->proto));
	if (!id)
		return verr(env, idx, -EACCES,
			    "helper %s returns a pointer to the kernel's struct %s, which the "
			    "kernel's BTF types, and none is available here (extbpf verify --btf "
			    "FILE, ebpf_object_open_opts.btf_path)%s",
			    proto_name(meta->proto), name,
			    env->in->kfunc_btf ? ", or the program's kfuncs type its pointers"
					       : "");
	reg_mark_ptr(r0, PTR_TO_BTF_ID_OR_NULL);
	r0->btf_id = id;
	r0->id = ++env->id_gen;
	r0->ref_id = (meta->proto->flags & EBPF_HELPER_PTR_CAST) ? meta->cast_ref : 0;
	return 0;
}

/*
 * A program's lookup in a sockmap or sockhash gives the socket itself, not the map's value (the
 * host's socket fd or cookie): Linux's sock_map_lookup takes a reference on it, so the result is
 * a full socket or NULL that the program must release with bpf_sk_release or give to
 * bpf_sk_assign and then release (Linux's is_acquire_function for these maps). These map types
 * are verify-only here, so no such lookup runs.
 */
static int set_sock_map_return(struct venv *env, uint32_t idx)
{
	struct reg *r0 = &cur_regs(env)[0];
	uint32_t ref;
	int err;

	err = ref_acquire(env, idx, REF_SOCKET, &ref);
	if (err)
		return err;
	reg_mark_ptr(r0, PTR_TO_SOCKET_OR_NULL);
	r0->id = ref;
	r0->ref_id = ref;
	return 0;
}

/*
 * Linux's do_refine_retval_range: helpers that return how many bytes they wrote into a buffer,
 * or a negative errno, return at most the buffer's size (the register after the buffer), so a
 * program may index the buffer with the result once it is known not to be negative.
 */
#define MAX_ERRNO 4095

static int sized_result_arg(uint32_t id)
{
	switch (id) {
	case 45:  /* bpf_probe_read_str(dst, size, src) */
	case 114: /* bpf_probe_read_user_str */
	case 115: /* bpf_probe_read_kernel_str */
		return 2;
	case 67:  /* bpf_get_stack(ctx, buf, size, flags) */
	case 141: /* bpf_get_task_stack(task, buf, size, flags) */
		return 3;
	default:
		return 0;
	}
}

static void narrow_sized_result(struct venv *env, struct call_meta *meta, struct reg *r0)
{
	int regno = sized_result_arg(meta->id);
	uint64_t max;

	if (!regno || meta->proto->args[regno - 1] != EBPF_ARG_CONST_SIZE_OR_ZERO)
		return;
	max = cur_regs(env)[regno].umax; /* at most MAX_HELPER_MEM (check_size_arg) */
	r0->smin = -MAX_ERRNO;
	r0->smax = (int64_t)max;
	r0->s32_min = -MAX_ERRNO;
	r0->s32_max = (int32_t)max;
	reg_bounds_sync(r0);
}

static int set_return(struct venv *env, uint32_t idx, struct call_meta *meta)
{
	struct reg *regs = cur_regs(env), *r0 = &regs[0];
	const struct verifier_map *map;

	switch (meta->proto->ret) {
	case EBPF_RET_INTEGER:
	case EBPF_RET_VOID:
		reg_mark_unknown(r0);
		if (meta->proto->ret == EBPF_RET_INTEGER)
			narrow_sized_result(env, meta, r0);
		return 0;
	case EBPF_RET_PTR_TO_MAP_VALUE:
		if (meta->map < 0)
			return verr(env, idx, -EINVAL,
				    "helper %s prototype: returns a map value but takes no map",
				    proto_name(meta->proto));
		mark_map_value(env, r0, meta);
		return 0;
	case EBPF_RET_PTR_TO_MAP_VALUE_OR_NULL:
		if (meta->map < 0)
			return verr(env, idx, -EINVAL,
				    "helper %s prototype: returns a map value but takes no map",
				    proto_name(meta->proto));
		map = &env->in->maps[meta->map];
		if (is_sock_map(map))
			return set_sock_map_return(env, idx);
		reg_mark_ptr(r0, PTR_TO_MAP_VALUE_OR_NULL);
		r0->map = meta->map;
		r0->ref_id = map_value_object(env, meta);
		if ((map->type == EBPF_MAP_TYPE_ARRAY_OF_MAPS ||
		     map->type == EBPF_MAP_TYPE_HASH_OF_MAPS)) {
			if (map->inner_map < 0 || (size_t)map->inner_map >= env->in->map_count)
				return verr(env, idx, -EINVAL,
					    "map of maps '%s' has no inner map template",
					    map->name);
			r0->type = CONST_MAP_PTR_OR_NULL;
			r0->map = map->inner_map;
			/* Each inner map is an object of its own. */
			r0->ref_id = ++env->id_gen;
		}
		r0->id = ++env->id_gen;
		return 0;
	case EBPF_RET_PTR_TO_BTF_ID_OR_NULL: {
		uint32_t id;

		if (env->insns[idx].src_reg != EBPF_CALL_KFUNC)
			return set_kernel_struct_return(env, idx, meta);
		id = btf_kfunc_struct(env, meta->proto->name, -1);
		if (!id)
			return verr(
			    env, idx, -EACCES,
			    "helper %s: returns a BTF-typed pointer, but its BTF type is "
			    "unknown here (only kfuncs typed by the program type's BTF may)",
			    proto_name(meta->proto));
		reg_mark_ptr(r0, PTR_TO_BTF_ID_OR_NULL);
		r0->btf_id = id;
		if (!(meta->proto->flags & EBPF_KFUNC_ACQUIRE)) {
			r0->id = ++env->id_gen;
			return 0;
		}
		/* Held once checked against NULL: r0's id is the reference's. */
		if (ref_acquire(env, idx, REF_KFUNC, &r0->id))
			return -EACCES;
		r0->ref_id = r0->id;
		return 0;
	}
	case EBPF_RET_PTR_TO_SOCKET_OR_NULL:
		return set_sock_return(env, idx, meta, PTR_TO_SOCKET_OR_NULL);
	case EBPF_RET_PTR_TO_SOCK_COMMON_OR_NULL:
		return set_sock_return(env, idx, meta, PTR_TO_SOCK_COMMON_OR_NULL);
	case EBPF_RET_PTR_TO_TCP_SOCK_OR_NULL:
		return set_sock_return(env, idx, meta, PTR_TO_TCP_SOCK_OR_NULL);
	case EBPF_RET_PTR_TO_ALLOC_MEM_OR_NULL: {
		uint32_t ref;
		int err;

		if (!reg_is_const(&regs[2]) || regs[2].var.value == 0 ||
		    regs[2].var.value > MAX_HELPER_MEM)
			return verr_state(
			    env, idx, -EACCES,
			    "helper %s: the size (r2) must be a known non-zero constant",
			    proto_name(meta->proto));
		err = ref_acquire(env, idx, REF_RINGBUF, &ref);
		if (err)
			return err;
		reg_mark_ptr(r0, PTR_TO_MEM_OR_NULL);
		r0->range = (uint32_t)regs[2].var.value;
		r0->id = ref; /* its null check is its release when NULL (mark_ptr_or_null) */
		r0->ref_id = ref;
		return 0;
	}
	default:
		return verr(env, idx, -EINVAL, "helper %s prototype: unknown return type %d",
			    proto_name(meta->proto), meta->proto->ret);
	}
}

/* Linux's license_is_gpl_compatible (include/linux/license.h): the licenses it names. */
static bool license_is_gpl_compatible(const char *license)
{
	static const char *const compatible[] = {
		"GPL",		"GPL v2",	"GPL and additional rights",
		"Dual BSD/GPL", "Dual MIT/GPL", "Dual MPL/GPL",
	};

	for (size_t i = 0; i < sizeof(compatible) / sizeof(compatible[0]); i++) {
		if (!strcmp(license, compatible[i]))
			return true;
	}
	return false;
}

/* The function a kfunc call names (the host resolved it by name before verifying). */
static int kfunc_find(struct venv *env, uint32_t idx, const struct ebpf_helper_proto **proto)
{
	uint32_t index = (uint32_t)env->insns[idx].imm;

	*proto = index < env->in->kfunc_count ? env->in->kfuncs[index] : NULL;
	if (!*proto)
		return verr(env, idx, -EACCES,
			    "call to kfunc #%u, which program type '%s' does not offer (kfuncs "
			    "are resolved by name when the program is loaded)",
			    index, env->in->info->name ? env->in->info->name : "?");
	return 0;
}

/* The helper a call names, checked without any state (so also in code no path reaches, which
 * the engines prepare all the same). */
int helper_validate(struct venv *env, uint32_t idx, const struct ebpf_helper_proto **proto)
{
	bool kfunc = env->insns[idx].src_reg == EBPF_CALL_KFUNC;
	uint32_t id = (uint32_t)env->insns[idx].imm;
	const struct ebpf_helper_proto *p = NULL;

	if (kfunc) {
		int err = kfunc_find(env, idx, &p);

		if (err)
			return err;
		id = 0; /* for messages: kfuncs have no id */
	} else {
		p = find_proto(env, id);
	}
	if (!kfunc && id == VERIFIER_POISONED_HELPER)
		return verr(env, idx, -EACCES,
			    "call to invalid helper %#x: a CO-RE relocation found nothing in the "
			    "target BTF here",
			    id);
	if (!p && isa_linux_helper_name(id))
		return verr(env, idx, -EACCES,
			    "helper %s (%u) is not offered by program type '%s' (neither a global "
			    "helper nor one of the type's)",
			    isa_linux_helper_name(id), id,
			    env->in->info->name ? env->in->info->name : "?");
	if (!p)
		return verr(env, idx, -EACCES,
			    "unknown helper %u: neither a global helper nor one of program type "
			    "'%s'",
			    id, env->in->info->name ? env->in->info->name : "?");
	if ((p->flags & EBPF_HELPER_GPL_ONLY) && env->in->license &&
	    !license_is_gpl_compatible(env->in->license))
		return verr(
		    env, idx, -EACCES,
		    "helper %s (%u) is GPL-only and the program's license '%s' is not "
		    "GPL-compatible (as Linux: \"cannot call GPL-restricted function from non-GPL "
		    "compatible program\")",
		    proto_name(p), id, env->in->license);
	if ((p->flags & EBPF_HELPER_VERIFY_ONLY) && !env->in->allow_verify_only_helpers)
		return verr(env, idx, -EACCES,
			    "helper %s (%u) is available for verification only: %s", proto_name(p),
			    id,
			    p->unavailable_reason ? p->unavailable_reason : "it cannot run here");
	if (proto)
		*proto = p;
	return 0;
}

bool state_in_callback(const struct vstate *st)
{
	for (uint32_t f = 1; f <= st->curframe; f++)
		if (st->frames[f]->callback)
			return true;
	return false;
}

/* The maps whose elements bpf_for_each_map_elem walks (Linux's). */
static bool map_iterable(const struct verifier_map *map)
{
	switch (map->type) {
	case EBPF_MAP_TYPE_HASH:
	case EBPF_MAP_TYPE_ARRAY:
	case EBPF_MAP_TYPE_PERCPU_HASH:
	case EBPF_MAP_TYPE_PERCPU_ARRAY:
	case EBPF_MAP_TYPE_LRU_HASH:
	case EBPF_MAP_TYPE_LRU_PERCPU_HASH:
		return true;
	default:
		return false;
	}
}

/* The callback's key (the map's copy, valid during the call only) and value, in r2 and r3. */
static uint32_t callback_elem_args(struct venv *env, const struct call_meta *meta,
				   struct reg args[5])
{
	const struct verifier_map *map = &env->in->maps[meta->map];
	uint32_t key_id = ++env->id_gen;

	reg_mark_ptr(&args[0], CONST_MAP_PTR);
	args[0].map = meta->map;
	reg_mark_ptr(&args[1], PTR_TO_MEM);
	args[1].range = map->key_size;
	args[1].ref_id = key_id;
	mark_map_value(env, &args[2], meta);
	return key_id;
}

/*
 * bpf_timer_set_callback's callback: int cb(map, key, value) of the timer's own map and
 * value, walked as a path of its own (it runs later, when the timer fires). The call needs
 * the timer's map only: the caller's state reaches the callback through no argument.
 */
static int enter_timer_callback(struct venv *env, uint32_t idx, const struct call_meta *meta)
{
	struct call_meta elem = { .map = meta->timer_map };
	struct reg args[5];
	uint32_t key_id;
	int i;

	for (i = 0; i < 5; i++)
		reg_mark_not_init(&args[i]);
	key_id = callback_elem_args(env, &elem, args);
	return push_callback_call(env, idx, (uint32_t)meta->callback, args, CB_TIMER, key_id);
}

/*
 * The callback's registers. bpf_loop: r1 the index, below nr_loops (a u32, at most
 * BPF_LOOP_MAX), r2 the context. bpf_for_each_map_elem: r1 the map, r2 its key (the helper's
 * copy, valid during the call only), r3 the value (this CPU's for per-CPU maps), r4 the context.
 */
/*
 * bpf_loop calls its callback at least once when nr_loops (a u32) is within [1, BPF_LOOP_MAX]
 * and the flags are 0 (else it returns -E2BIG or -EINVAL without calling it), in every engine.
 */
bool loop_calls_surely(const struct reg *regs)
{
	return regs[1].type == SCALAR && regs[1].u32_min >= 1 && regs[1].u32_max <= BPF_LOOP_MAX &&
	       reg_is_const(&regs[4]) && regs[4].var.value == 0;
}

static int enter_callback(struct venv *env, uint32_t idx, struct call_meta *meta)
{
	const struct reg *regs = cur_regs(env);
	const struct verifier_map *map;
	struct reg args[5];
	uint32_t key_id = 0;
	uint64_t max;
	int i, err;

	for (i = 0; i < 5; i++)
		reg_mark_not_init(&args[i]);
	if (meta->id == HELPER_LOOP) {
		max = regs[1].u32_max < BPF_LOOP_MAX ? regs[1].u32_max : BPF_LOOP_MAX;
		reg_mark_unknown(&args[0]);
		args[0].var = tnum_range(0, max ? max - 1 : 0);
		reg_bounds_sync(&args[0]);
		args[1] = regs[3];
		err = push_callback_call(env, idx, (uint32_t)meta->callback, args, CB_LOOP, 0);
		/* Called at least once for sure: only its returns go on past the helper, so what
		 * the callback writes on every path is written after the loop. */
		if (!err && !env->cb_reentry && loop_calls_surely(regs))
			return PATH_DONE;
		return err;
	}
	if (meta->id == HELPER_TIMER_SET_CALLBACK)
		return enter_timer_callback(env, idx, meta);
	if (meta->map < 0)
		return verr(env, idx, -EINVAL, "helper %s prototype: no map argument",
			    proto_name(meta->proto));
	/* Linux's helper returns -EINVAL for any other flags: a call that can only fail is a bug
	 * in the program, named here rather than found at run time. */
	if (regs[4].type == SCALAR && regs[4].umin > 0)
		return verr_state(env, idx, -EACCES,
				  "helper %s: flags (r4) must be 0, and are never 0 here (the "
				  "call could only fail with -EINVAL)",
				  proto_name(meta->proto));
	map = &env->in->maps[meta->map];
	if (!map_iterable(map))
		return verr_state(env, idx, -EACCES,
				  "helper %s cannot walk map '%s' (type %d): only (per-CPU, LRU) "
				  "hash and (per-CPU) array maps",
				  proto_name(meta->proto), map->name, map->type);
	key_id = callback_elem_args(env, meta, args);
	args[3] = regs[3];
	return push_callback_call(env, idx, (uint32_t)meta->callback, args, CB_FOR_EACH, key_id);
}

static bool ret_is_socket(enum ebpf_return_type ret)
{
	return ret == EBPF_RET_PTR_TO_SOCKET_OR_NULL ||
	       ret == EBPF_RET_PTR_TO_SOCK_COMMON_OR_NULL ||
	       ret == EBPF_RET_PTR_TO_TCP_SOCK_OR_NULL;
}

/* Sockets are verify-only (none exists here); the reference flags a prototype may carry:
 * acquiring and casting return a socket, releasing and casting take one first. */
static int check_sock_proto(struct venv *env, uint32_t idx, const struct ebpf_helper_proto *p)
{
	bool sock_arg = p->args[0] == EBPF_ARG_PTR_TO_SOCK_COMMON, uses = ret_is_socket(p->ret);

	/* A Linux helper's kernel struct exists only in the kernel too. */
	uses |=
	    p->ret == EBPF_RET_PTR_TO_BTF_ID_OR_NULL && env->insns[idx].src_reg != EBPF_CALL_KFUNC;

	for (int i = 0; i < 5; i++)
		uses |= p->args[i] == EBPF_ARG_PTR_TO_SOCK_COMMON ||
			p->args[i] == EBPF_ARG_PTR_TO_SOCKET_OR_NULL;
	if (uses && !(p->flags & EBPF_HELPER_VERIFY_ONLY))
		return verr(
		    env, idx, -EINVAL,
		    "helper %s prototype: takes or returns a socket, but is not verify-only "
		    "(no socket exists here)",
		    proto_name(p));

	/* A kfunc's reference flags are about struct pointers (kfunc_btf.c checks them). */
	if (env->insns[idx].src_reg == EBPF_CALL_KFUNC)
		return 0;
	if ((p->flags & EBPF_HELPER_ACQUIRE) && !ret_is_socket(p->ret))
		return verr(env, idx, -EINVAL,
			    "helper %s prototype: acquires a pointer, but returns no socket",
			    proto_name(p));
	if ((p->flags & EBPF_HELPER_PTR_CAST) && !ret_is_socket(p->ret) &&
	    p->ret != EBPF_RET_PTR_TO_BTF_ID_OR_NULL)
		return verr(
		    env, idx, -EINVAL,
		    "helper %s prototype: casts a pointer, but returns neither a socket nor a "
		    "kernel struct",
		    proto_name(p));
	if ((p->flags & (EBPF_HELPER_RELEASE | EBPF_HELPER_PTR_CAST)) && !sock_arg)
		return verr(env, idx, -EINVAL,
			    "helper %s prototype: releases or casts argument 1, which is no socket",
			    proto_name(p));
	if ((p->flags & EBPF_HELPER_ACQUIRE) &&
	    (p->flags & (EBPF_HELPER_RELEASE | EBPF_HELPER_PTR_CAST)))
		return verr(env, idx, -EINVAL,
			    "helper %s prototype: acquires and releases or casts at once",
			    proto_name(p));
	return 0;
}

int check_helper_call(struct venv *env, uint32_t idx)
{
	const struct ebpf_inst *insn = &env->insns[idx];
	/* A kfunc's index is no helper id: none of the helpers' special cases apply to it. */
	uint32_t id = insn->src_reg == EBPF_CALL_KFUNC ? 0 : (uint32_t)insn->imm;
	struct call_meta meta = {
		.id = id, .map = -1, .lock_map = -1, .timer_map = -1, .callback = -1
	};
	struct reg *regs = cur_regs(env);
	int i, err;

	err = helper_validate(env, idx, &meta.proto);
	if (err)
		return err;
	/* Helpers and kfuncs read their scalar arguments' values (sizes, flags, counts, NULL):
	 * all of them are needed precise (precision.c). */
	for (i = 0; i < 5; i++)
		if (meta.proto->args[i] != EBPF_ARG_DONTCARE)
			prec_mark_reg(env, i + 1);
	/* A second bpf_spin_lock is named as such by apply_spin_lock. */
	if (id != SPIN_UNLOCK && id != SPIN_LOCK) {
		err = check_no_lock_held(env, idx, "helper call");
		if (err)
			return err;
	}
	if (insn->src_reg == EBPF_CALL_KFUNC && iter_is_kfunc(meta.proto))
		return check_iter_call(env, idx, meta.proto);
	err = check_sock_proto(env, idx, meta.proto);
	if (err)
		return err;
	if (id == TAIL_CALL_HELPER) {
		err = iter_check_none(env, idx, "tail call");
		if (err)
			return err;
	}
	for (i = 0; i < 5; i++) {
		err = check_arg(env, idx, &meta, i);
		if (err)
			return err;
	}
	err = check_timer_init(env, idx, &meta);
	if (err)
		return err;
	if (id == TRACE_PRINTK) {
		err = check_printk_call(env, idx);
		if (err)
			return err;
	}
	if (id == SNPRINTF) {
		err = check_snprintf_call(env, idx);
		if (err)
			return err;
	}
	if (meta.lock_map >= 0) {
		err = apply_spin_lock(env, idx, &meta);
		if (err)
			return err;
	}
	if (id == TAIL_CALL_HELPER) {
		err = ref_check_none(env, idx, "tail call");
		if (err)
			return err;
	}
	/* The target would replace the callback and return to the helper (Linux refuses it). */
	if (id == TAIL_CALL_HELPER && state_in_callback(env->cur))
		return verr(env, idx, -EACCES, "tail call inside a callback prohibited");
	if (meta.callback >= 0) {
		err = enter_callback(env, idx, &meta);
		if (err)
			return err;
		regs = cur_regs(env);
	}

	for (i = 0; i < meta.nwrites; i++) {
		const struct reg *ptr = &regs[meta.writes[i].regno];

		stack_mark_written(env, ptr, meta.writes[i].certain);
		stack_mark_maybe_written(env, ptr, meta.writes[i].certain, meta.writes[i].size);
	}
	err = set_return(env, idx, &meta);
	if (err)
		return err;
	if (meta.release)
		ref_release(env->cur, meta.release);
	if (meta.proto->flags & EBPF_HELPER_CHANGES_PACKET)
		invalidate_packet_pointers(env->cur);
	for (i = 1; i <= 5; i++)
		reg_mark_not_init(&regs[i]);
	return 0;
}
