/* SPDX-License-Identifier: MIT */
/*
 * The load pipeline: ELF object -> maps -> program type by section -> verifier -> relocation ->
 * execution engine -> program objects. An object loads as a whole: when any program is refused,
 * everything created so far is released and the message names the object, section and
 * instruction.
 */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/btf.h>

#include "core/btf_attach.h"
#include "core/btf_target.h"
#include "core/core.h"
#include "core/error.h"
#include "core/helpers.h"
#include "core/rcu.h"
#include "isa/isa.h"
#include "exec/native.h"
#include "loader/loader.h"
#include "maps/maps.h"
#include "verifier/verifier.h"

/* Where loader pins maps declared with LIBBPF_PIN_BY_NAME (libbpf's default root). */
#define PIN_ROOT "/sys/fs/bpf/"

/* What one program needs from its surroundings. */
struct load_unit {
	const char *object; /* for messages */
	const struct ebpf_object_open_opts *opts;
	struct ebpf_map **maps; /* the object's maps, by loader index */
	const struct verifier_map *vmaps;
	size_t map_count;
	const struct core_native_image *native; /* compiled ahead of time, or NULL */
	const struct loader_object *lo;		/* NULL for raw programs */
	const struct core_program_config *cfg;	/* what the host set for it, or NULL */
	struct core_btf_targets *btf;		/* CO-RE targets, read once per object */
	struct core_btf_blob *btf_blob;		/* the object's .BTF, kept by its programs */
	/* This program's instructions that CO-RE poisoned (for the verifier's message). */
	const struct loader_core_poison *poison;
	size_t poison_count;
};

static void read_opts(struct ebpf_object_open_opts *dst, const struct ebpf_object_open_opts *src)
{
	memset(dst, 0, sizeof(*dst));
	if (src)
		memcpy(dst, src, src->sz < sizeof(*dst) ? src->sz : sizeof(*dst));
	dst->sz = sizeof(*dst);
}

/* Re-records the current message with a prefix naming the object. */
static int error_in(int err, const char *object)
{
	char saved[1024];

	snprintf(saved, sizeof(saved), "%s", ebpf_last_error());
	return core_error(err, "object '%s': %s", object, saved);
}

/* ---- relocation -------------------------------------------------------------------------- */

static int global_data_address(struct ebpf_map *map, uint32_t offset, uint64_t *addr)
{
	uint32_t key = 0;
	void *value;

	if (map->attr.type != EBPF_MAP_TYPE_ARRAY || offset >= map->attr.value_size)
		return -EINVAL;
	core_rcu_read_lock();
	value = map_lookup_prog(map, &key); /* array values never move */
	core_rcu_read_unlock();
	if (!value)
		return -EINVAL;
	*addr = (uint64_t)(uintptr_t)value + offset;
	return 0;
}

/* lddw map references by index become the maps' addresses as plain immediates. */
static int relocate(struct ebpf_program *prog, const struct load_unit *u, bool *used)
{
	struct ebpf_inst *insns = prog->xlated;

	for (size_t i = 0; i < prog->insn_count; i++) {
		uint8_t src = insns[i].src_reg;
		uint32_t idx = (uint32_t)insns[i].imm;
		uint64_t addr;

		if (insns[i].code != EBPF_OP_LDDW || src == EBPF_PSEUDO_IMM)
			continue;
		if (i + 1 >= prog->insn_count)
			return core_error(-EINVAL, "section '%s' insn %zu: incomplete lddw",
					  prog->section, i);
		if (src != EBPF_PSEUDO_MAP_IDX && src != EBPF_PSEUDO_MAP_IDX_VALUE) {
			i++;
			continue; /* the verifier accepted it: not a map reference */
		}
		if (idx >= u->map_count)
			return core_error(-EINVAL,
					  "section '%s' insn %zu: map index %u out of range",
					  prog->section, i, idx);
		used[idx] = true;
		if (map_is_descriptor(u->maps[idx])) {
			i++;
			continue; /* verify only: no storage to point at, nothing will run */
		}
		addr = (uint64_t)(uintptr_t)u->maps[idx];
		if (src == EBPF_PSEUDO_MAP_IDX_VALUE &&
		    global_data_address(u->maps[idx], (uint32_t)insns[i + 1].imm, &addr))
			return core_error(-EINVAL,
					  "section '%s' insn %zu: bad global data reference to map "
					  "'%s' offset %d",
					  prog->section, i, u->maps[idx]->name, insns[i + 1].imm);
		insns[i].src_reg = EBPF_PSEUDO_IMM;
		insns[i].imm = (int32_t)(uint32_t)addr;
		insns[i + 1].imm = (int32_t)(uint32_t)(addr >> 32);
		i++;
	}
	return 0;
}

static int hold_maps(struct ebpf_program *prog, const struct load_unit *u, const bool *used)
{
	prog->maps = calloc(u->map_count ? u->map_count : 1, sizeof(*prog->maps));
	if (!prog->maps)
		return -ENOMEM;
	for (size_t i = 0; i < u->map_count; i++) {
		if (!used[i])
			continue;
		ebpf_map_acquire(u->maps[i]);
		prog->maps[prog->map_count++] = u->maps[i];
	}
	return 0;
}

/* ---- helpers and engine ------------------------------------------------------------------ */

/* A type's helpers under Linux ids join a copy of the core's table (never replacing one). */
static int build_low_helpers(struct ebpf_program *prog, const struct ebpf_program_info *info)
{
	uint32_t core_count, count;
	const ebpf_helper_fn *core_table = core_global_helper_table(&core_count);

	count = core_count;
	for (uint32_t i = 0; i < info->helper_count; i++) {
		if (info->helpers[i].id < EBPF_PROGRAM_TYPE_HELPER_ID_BASE &&
		    info->helpers[i].id + 1 > count)
			count = info->helpers[i].id + 1;
	}
	prog->global_helpers = calloc(count, sizeof(*prog->global_helpers));
	if (!prog->global_helpers)
		return -ENOMEM;
	memcpy(prog->global_helpers, core_table, core_count * sizeof(*core_table));
	for (uint32_t i = 0; i < info->helper_count; i++) {
		if (info->helpers[i].id < EBPF_PROGRAM_TYPE_HELPER_ID_BASE)
			prog->global_helpers[info->helpers[i].id] = info->helper_addresses[i];
	}
	prog->global_helper_count = count;
	return 0;
}

int core_program_build_helpers(struct ebpf_program *prog, const struct ebpf_program_info *info)
{
	uint32_t count = 0;
	bool low = false;

	for (uint32_t i = 0; i < info->helper_count; i++) {
		uint32_t id = info->helpers[i].id;

		if (id < EBPF_PROGRAM_TYPE_HELPER_ID_BASE)
			low = true;
		else if (id - EBPF_PROGRAM_TYPE_HELPER_ID_BASE + 1 > count)
			count = id - EBPF_PROGRAM_TYPE_HELPER_ID_BASE + 1;
	}
	if (low && build_low_helpers(prog, info))
		return -ENOMEM;
	if (!count)
		return 0;
	prog->type_helpers = calloc(count, sizeof(*prog->type_helpers));
	if (!prog->type_helpers)
		return -ENOMEM;
	for (uint32_t i = 0; i < info->helper_count; i++) {
		uint32_t id = info->helpers[i].id;

		if (id >= EBPF_PROGRAM_TYPE_HELPER_ID_BASE)
			prog->type_helpers[id - EBPF_PROGRAM_TYPE_HELPER_ID_BASE] =
			    info->helper_addresses[i];
	}
	prog->type_helper_count = count;
	return 0;
}

/* The prototype instruction insn of prog calls, when it calls a helper or kfunc of info. */
static const struct ebpf_helper_proto *called_proto(const struct ebpf_program *prog,
						    const struct ebpf_program_info *info,
						    const struct ebpf_inst *insn)
{
	if (insn->code != EBPF_OP_CALL)
		return NULL;
	if (insn->src_reg == EBPF_CALL_HELPER)
		return core_type_helper_proto(info, (uint32_t)insn->imm);
	if (insn->src_reg != EBPF_CALL_KFUNC || (uint32_t)insn->imm >= prog->contract.kfunc_count ||
	    !prog->contract.kfuncs[insn->imm].name)
		return NULL;
	return core_kfunc_find(info, prog->contract.kfuncs[insn->imm].name, NULL);
}

/*
 * prog->ctx_calls: which calls pass the context implicitly (EBPF_HELPER_IMPLICIT_CTX), for the
 * engines. Recorded once: a rebind keeps the flags of every function the program calls (they
 * are part of the prototype hash), so the marks stay right for the new addresses.
 */
static int mark_ctx_calls(struct ebpf_program *prog, const struct ebpf_program_info *info)
{
	bool any = false;

	prog->ctx_calls = calloc(prog->insn_count + 1, sizeof(*prog->ctx_calls));
	if (!prog->ctx_calls)
		return -ENOMEM;
	for (size_t i = 0; i < prog->insn_count; i++) {
		const struct ebpf_helper_proto *proto = called_proto(prog, info, &prog->xlated[i]);

		prog->ctx_calls[i] = proto && (proto->flags & EBPF_HELPER_IMPLICIT_CTX);
		any |= prog->ctx_calls[i];
	}
	if (!any) { /* the engines' common case: no table to consult */
		free(prog->ctx_calls);
		prog->ctx_calls = NULL;
	}
	return 0;
}

/* The address of a global-data map's value (what EBPF_PSEUDO_MAP_IDX_VALUE offsets from). */
static uint64_t value_base(struct ebpf_map *map)
{
	uint64_t addr = 0;

	if (map->attr.type == EBPF_MAP_TYPE_ARRAY && map->attr.max_entries == 1)
		global_data_address(map, 0, &addr);
	return addr;
}

/* A program compiled ahead of time: bind its function in the shared object. */
static int prepare_bound(struct ebpf_program *prog, const struct exec_helpers *helpers,
			 const struct load_unit *u, const char *symbol)
{
	size_t n = u->map_count;
	void **maps = calloc(n + 1, sizeof(*maps));
	uint64_t *values = calloc(n + 1, sizeof(*values));
	struct exec_native_binding binding = {
		.so_path = u->native->so_path,
		.symbol = symbol,
		.count = n,
	};
	char err_msg[256] = "";
	int err = -ENOMEM;

	if (maps && values) {
		for (size_t i = 0; i < n; i++) {
			maps[i] = u->maps[i];
			values[i] = value_base(u->maps[i]);
		}
		binding.maps = maps;
		binding.values = values;
		prog->mode = EBPF_MODE_NATIVE;
		err = exec_program_create_bound(prog->xlated, prog->insn_count, helpers, &binding,
						&prog->exec, err_msg, sizeof(err_msg));
	}
	free(maps);
	free(values);
	if (err)
		return core_error(err, "section '%s': cannot bind the compiled program: %s",
				  prog->section, err_msg[0] ? err_msg : strerror(-err));
	return 0;
}

static int prepare(struct ebpf_program *prog, enum ebpf_exec_mode mode, const struct load_unit *u,
		   const char *native_symbol)
{
	static const enum exec_engine engines[] = {
		[EBPF_MODE_INTERP] = EXEC_INTERP,
		[EBPF_MODE_JIT] = EXEC_JIT,
		[EBPF_MODE_NATIVE] = EXEC_NATIVE,
	};
	struct exec_helpers helpers = {
		.type = prog->type_helpers,
		.type_count = prog->type_helper_count,
		.kfunc = prog->kfuncs,
		.kfunc_count = prog->kfunc_count,
		.ctx_calls = prog->ctx_calls,
		.tail_call = core_tail_call,
		.map_walk = core_map_walk_next,
		.blind_constants = u->opts->blind_constants,
	};
	char err_msg[256] = "";
	int err;

	helpers.global = core_global_helper_table(&helpers.global_count);
	if (prog->global_helpers) {
		helpers.global = prog->global_helpers;
		helpers.global_count = prog->global_helper_count;
	}
	if (native_symbol)
		return prepare_bound(prog, &helpers, u, native_symbol);
	if (mode == EBPF_MODE_DEFAULT) {
		err = exec_program_create(prog->xlated, prog->insn_count, EXEC_JIT, &helpers,
					  &prog->exec, err_msg, sizeof(err_msg));
		prog->mode = EBPF_MODE_JIT;
		if (err != -EOPNOTSUPP)
			goto out;
		mode = EBPF_MODE_INTERP;
		err_msg[0] = '\0';
	}
	if ((unsigned)mode >= sizeof(engines) / sizeof(engines[0]) || mode == EBPF_MODE_DEFAULT)
		return core_error(-EINVAL, "section '%s': unknown execution mode %d", prog->section,
				  (int)mode);
	prog->mode = mode;
	err = exec_program_create(prog->xlated, prog->insn_count, engines[mode], &helpers,
				  &prog->exec, err_msg, sizeof(err_msg));
out:
	if (err)
		return core_error(err, "section '%s': cannot prepare the program: %s",
				  prog->section, err_msg[0] ? err_msg : strerror(-err));
	return 0;
}

/* ---- one program ------------------------------------------------------------------------- */

/* The offset of a context packet field (VERIFIER_CTX_DATA, _DATA_END or _META). */
static int32_t ctx_field_offset(const struct ebpf_program_info *info, uint8_t field)
{
	const int32_t visible[] = { info->context.data, info->context.data_end,
				    info->context.meta };

	return visible[field - VERIFIER_CTX_DATA];
}

/*
 * Linux's contexts declare data/data_end/data_meta as __u32 and programs load them with 4-byte
 * loads; here a pointer takes 8 bytes. As Linux's convert_ctx_access, every load the verifier
 * found reading one of them becomes an 8-byte load of the real pointer.
 */
static int rewrite_ctx_loads(struct ebpf_program *prog, const struct ebpf_program_info *info,
			     const uint8_t *ctx_loads)
{
	for (size_t i = 0; i < prog->insn_count; i++) {
		struct ebpf_inst *insn = &prog->xlated[i];
		int32_t off;

		if (!ctx_loads[i])
			continue;
		off = insn->off + verifier_ctx_pointer_slot(info, ctx_loads[i]) -
		      ctx_field_offset(info, ctx_loads[i]);
		if (off < INT16_MIN || off > INT16_MAX)
			return core_error(
			    -EINVAL,
			    "section '%s' insn %zu: the context's pointer slot is out "
			    "of reach of a load offset",
			    prog->section, i);
		insn->code = EBPF_CLS_LDX | EBPF_MODE_MEM | EBPF_SIZE_DW;
		insn->off = (int16_t)off;
	}
	return 0;
}

/* The verifier proved that no path reaches the calls CO-RE poisoned: no engine needs to know
 * helper 0xbad2310, so they become no-ops (Linux removes such dead code likewise). */
static void neutralise_poison(struct ebpf_program *prog, const struct load_unit *u)
{
	const struct ebpf_inst nop = { .code = EBPF_OP_JA };

	for (size_t i = 0; i < u->poison_count; i++) {
		size_t at = u->poison[i].insn;

		for (size_t j = at; j < at + 2 && j < prog->insn_count; j++) {
			if (prog->xlated[j].code == EBPF_OP_CALL &&
			    (uint32_t)prog->xlated[j].imm == VERIFIER_POISONED_HELPER)
				prog->xlated[j] = nop;
		}
	}
}

/* Why the instruction the verifier refused is a call to helper 0xbad2310, when CO-RE put it
 * there. */
static const char *poison_note(const struct load_unit *u, int64_t insn)
{
	for (size_t i = 0; i < u->poison_count; i++) {
		if (u->poison[i].insn == insn)
			return u->poison[i].message;
	}
	return NULL;
}

/* A type attached through BTF (Linux's fentry, ...): the context is the target's arguments. */
static int btf_attach_input(const struct ebpf_program *prog, const struct ebpf_program_info *info,
			    const struct load_unit *u, struct verifier_input *in,
			    struct verifier_btf_ctx *ctx, struct loader_core_target **target,
			    bool *owned)
{
	const struct ebpf_btf_attach *attach = core_btf_attach_find(info, prog->section);
	int err;

	if (!attach && u->cfg && u->cfg->attach_target)
		return core_error(-EINVAL,
				  "section '%s': program '%s' has attach target '%s', but program "
				  "type '%s' attaches nothing through BTF by this section",
				  prog->section, prog->name, u->cfg->attach_target, info->name);
	if (!attach)
		return 0;
	if (!u->opts->verify_only)
		return core_error(-EOPNOTSUPP,
				  "section '%s': program '%s' attaches through BTF to kernel "
				  "objects, which a user-space runtime does not have: it can only "
				  "be verified (verify_only)",
				  prog->section, prog->name);
	err = core_btf_attach_ctx(u->btf, info, attach, prog->section,
				  u->cfg ? u->cfg->attach_target : NULL,
				  u->cfg ? u->cfg->attach_prog : NULL, ctx, target, owned);
	if (!err)
		in->btf_ctx = ctx;
	return err;
}

/*
 * The kernel's BTF for a program calling a Linux helper that returns a kernel struct (the
 * bpf_skc_to_* casts), in a type whose pointers no other BTF types. Such helpers are
 * verify-only: a load to run is refused for them before their BTF matters. Without the kernel's
 * BTF the verifier refuses the call, saying so.
 */
static void kernel_btf_input(const struct ebpf_program *prog, const struct load_unit *u,
			     struct verifier_input *in)
{
	if (in->btf_ctx || in->kfunc_btf || !u->btf || !u->opts->verify_only ||
	    !verifier_calls_kernel_struct_helper(prog->insns, prog->insn_count))
		return;
	if (core_btf_kernel(u->btf, &in->kernel_btf))
		in->kernel_btf = NULL;
}

/* The verifier's verdict err: the refusal's message, or the accepted program's rewrites. */
static int verdict(struct ebpf_program *prog, const struct ebpf_program_info *info,
		   const struct load_unit *u, const struct verifier_input *in,
		   const struct verifier_result *result, int err)
{
	if (err)
		return core_error(err, "program '%s' refused: %s%s%s", prog->name, result->message,
				  poison_note(u, result->insn) ? "\n  " : "",
				  poison_note(u, result->insn) ? poison_note(u, result->insn) : "");
	prog->verified_insns = result->insns_processed;
	prog->verified_states = result->states_kept;
	prog->verified_stack_depth = result->max_stack_depth;
	err = rewrite_ctx_loads(prog, info, in->ctx_field_loads);
	neutralise_poison(prog, u);
	/* Writes to r10 the verifier accepted stand where no path goes: no engine can run one. */
	isa_neutralise_fp_writes(prog->xlated, prog->insn_count);
	return err;
}

static int verify(struct ebpf_program *prog, const struct ebpf_program_info *info,
		  const struct loader_program *lp, const struct load_unit *u,
		  const struct ebpf_helper_proto *const *kfuncs)
{
	struct verifier_line *lines = NULL;
	struct verifier_result result;
	struct verifier_btf_ctx btf_ctx;
	struct loader_core_target *btf_target = NULL;
	struct btf *kfunc_btf = NULL;
	uint32_t raw_size = 0;
	bool btf_owned = false;
	struct verifier_input in = {
		.section = prog->section,
		.insns = prog->insns,
		.insn_count = prog->insn_count,
		.info = info,
		.maps = u->vmaps,
		.map_count = u->map_count,
		.allow_verify_only_helpers = u->opts->verify_only,
		.log_level = u->opts->log_level,
		.log = u->opts->log_buf,
		.log_size = u->opts->log_size,
		.license = u->lo ? u->lo->license : NULL, /* raw programs carry none */
		.kfuncs = kfuncs,
		.kfunc_count = prog->kfunc_count,
	};
	int err;

	in.global_helpers = core_global_helper_protos(&in.global_helper_count);
	if (lp && lp->line_count) {
		lines = calloc(lp->line_count, sizeof(*lines));
		if (!lines)
			return core_error(-ENOMEM, "section '%s': out of memory", prog->section);
		for (size_t i = 0; i < lp->line_count; i++) {
			lines[i] = (struct verifier_line){
				.insn = lp->lines[i].insn,
				.line = lp->lines[i].line,
				.column = lp->lines[i].column,
				.file = lp->lines[i].file,
				.text = lp->lines[i].text,
			};
		}
		in.lines = lines;
		in.line_count = lp->line_count;
	}
	in.ctx_field_loads = calloc(prog->insn_count + 1, 1);
	if (!in.ctx_field_loads) {
		free(lines);
		return core_error(-ENOMEM, "section '%s': out of memory", prog->section);
	}
	err = btf_attach_input(prog, info, u, &in, &btf_ctx, &btf_target, &btf_owned);
	prog->btf_attached = in.btf_ctx != NULL;
	/* The struct types of its kfuncs' pointers (parsed at registration already). */
	if (!err && prog->kfunc_count && verifier_kfunc_btf_raw(info, &raw_size)) {
		kfunc_btf = btf__new(verifier_kfunc_btf_raw(info, &raw_size), raw_size);
		in.kfunc_btf = kfunc_btf;
		if (!kfunc_btf)
			err = core_error(-ENOMEM, "section '%s': out of memory", prog->section);
	}
	if (!err)
		kernel_btf_input(prog, u, &in);
	if (!err) {
		memset(&result, 0, sizeof(result));
		err = verifier_verify(&in, &result);
		err = verdict(prog, info, u, &in, &result, err);
	}
	free(lines);
	btf__free(kfunc_btf);
	if (btf_owned)
		loader_core_target_free(btf_target);
	free(in.ctx_field_loads);
	return err;
}

/*
 * A program compiled ahead of time is not verified again: its compiled form was verified against
 * the contract its program type offered then, so it may run only if the type offers the same
 * contract now.
 */
static int find_compiled(const struct ebpf_program *prog, const struct ebpf_program_info *info,
			 const struct load_unit *u, const char **symbol)
{
	const struct native_object_table *table = u->native->table;

	for (uint32_t i = 0; i < table->program_count; i++) {
		const struct native_program_entry *e = &table->programs[i];

		if (strcmp(e->name, prog->name) || strcmp(e->section, prog->section))
			continue;
		if (e->contract_hash != core_contract_hash(prog, info))
			return core_error(-ESTALE,
					  "section '%s': program '%s' was compiled against another "
					  "contract of program type '%s' than the loaded extension "
					  "offers: compile it again (extbpf compile)",
					  prog->section, prog->name, info->name);
		*symbol = e->symbol;
		return 0;
	}
	return core_error(-ENOENT, "section '%s': program '%s' is not in the compiled object",
			  prog->section, prog->name);
}

static char *dup_or_empty(const char *s)
{
	return strdup(s ? s : "");
}

static int program_new(const char *name, const char *section, const struct ebpf_inst *insns,
		       size_t count, struct core_progtype *type, struct ebpf_program **out)
{
	struct ebpf_program *prog = calloc(1, sizeof(*prog));

	if (!prog)
		return -ENOMEM;
	atomic_store(&prog->refcount, 1);
	atomic_store(&prog->usable, true);
	prog->name = dup_or_empty(name);
	prog->section = dup_or_empty(section);
	prog->type_name = dup_or_empty(type->name);
	prog->insns = malloc(count * sizeof(*insns) + 1);
	prog->xlated = malloc(count * sizeof(*insns) + 1);
	prog->insn_count = count;
	if (!prog->name || !prog->section || !prog->type_name || !prog->insns || !prog->xlated) {
		core_program_destroy(prog);
		return -ENOMEM;
	}
	memcpy(prog->insns, insns, count * sizeof(*insns));
	memcpy(prog->xlated, insns, count * sizeof(*insns));
	*out = prog;
	return 0;
}

/* Runs the pipeline for one program whose type is in use (the caller ends the use). */
static int load_with_type(struct core_progtype *type, const struct loader_program *lp,
			  const char *name, const char *section, const struct ebpf_inst *insns,
			  size_t count, const struct load_unit *u, struct ebpf_program **out)
{
	bool *used = calloc(u->map_count ? u->map_count : 1, sizeof(*used));
	const struct ebpf_helper_proto **kfuncs = NULL;
	struct ebpf_program *prog = NULL;
	const char *native_symbol = NULL;
	int err = -ENOMEM;

	if (!used || program_new(name, section, insns, count, type, &prog)) {
		err = core_error(-ENOMEM, "section '%s': out of memory", section);
		goto fail;
	}
	prog->verify_only = u->opts->verify_only;
	prog->btf = core_btf_blob_get(u->btf_blob);
	err = core_program_resolve_kfuncs(prog, &type->info, u->lo, &kfuncs);
	if (!err && u->native)
		err = find_compiled(prog, &type->info, u, &native_symbol);
	else if (!err)
		err = verify(prog, &type->info, lp, u, kfuncs);
	free(kfuncs);
	if (!err && !u->native && !(prog->portable = malloc(count * sizeof(*insns) + 1)))
		err = core_error(-ENOMEM, "section '%s': out of memory", section);
	if (!err && prog->portable)
		memcpy(prog->portable, prog->xlated, count * sizeof(*insns));
	if (!err)
		err = relocate(prog, u, used);
	if (!err && hold_maps(prog, u, used))
		err = core_error(-ENOMEM, "section '%s': out of memory", section);
	if (!err &&
	    (core_program_build_helpers(prog, &type->info) ||
	     core_program_contract_record(prog, &type->info) || mark_ctx_calls(prog, &type->info)))
		err = core_error(-ENOMEM, "section '%s': out of memory", section);
	if (!err && !prog->verify_only)
		err = prepare(prog, u->opts->mode, u, native_symbol);
	if (err)
		goto fail;
	/* From here on the program counts as one of the type's (and holds it). */
	atomic_fetch_add(&type->refcount, 1);
	prog->type = type;
	if (core_progtype_add_program(type, prog)) {
		err = core_error(-ENODEV, "section '%s': program type '%s' went away while loading",
				 section, type->name);
		goto fail;
	}
	core_lock();
	err = core_id_alloc_locked(CORE_PROGRAM, prog, &prog->id);
	core_unlock();
	if (err) {
		err = core_error(err, "section '%s': out of memory", section);
		goto fail;
	}
	free(used);
	*out = prog;
	return 0;
fail:
	free(used);
	if (prog)
		core_program_destroy(prog);
	return err;
}

/* CO-RE: the program's relocations resolved against its type's BTF or the kernel's, on a copy
 * of its instructions, then the pipeline on the copy. */
static int load_relocated(struct core_progtype *type, const struct loader_program *lp,
			  const struct load_unit *u, struct ebpf_program **out)
{
	struct ebpf_inst *insns = malloc(lp->insn_count * sizeof(*insns) + 1);
	struct loader_core_target *target = NULL;
	struct load_unit pu = *u;
	struct loader_core_poison *poison = NULL;
	bool owned = false;
	char msg[512] = "";
	int err;

	if (!insns)
		return core_error(-ENOMEM, "section '%s': out of memory", lp->section);
	memcpy(insns, lp->insns, lp->insn_count * sizeof(*insns));
	err = core_btf_target(u->btf, &type->info, &target, &owned);
	if (!err) {
		err = loader_core_relocate(u->lo, lp, target, insns, &poison, &pu.poison_count, msg,
					   sizeof(msg));
		if (err)
			err = core_error(err, "%s", msg);
	}
	pu.poison = poison;
	if (!err)
		err = load_with_type(type, lp, lp->name, lp->section, insns, lp->insn_count, &pu,
				     out);
	if (owned)
		loader_core_target_free(target);
	free(poison);
	free(insns);
	return err;
}

static int load_program(const char *name, const char *section, const char *type_section,
			const struct loader_program *lp, const struct ebpf_inst *insns,
			size_t count, const struct load_unit *u, struct ebpf_program **out)
{
	const char *type_name =
	    u->cfg && u->cfg->type_name ? u->cfg->type_name : u->opts->program_type;
	struct core_progtype *type;
	int err;

	if (type_name)
		err = core_progtype_find_name(type_name, &type);
	else
		err = core_progtype_find_section(type_section ? type_section : section, &type);
	if (err)
		return err;
	if (lp && lp->core_relo_count)
		err = load_relocated(type, lp, u, out);
	else
		err = load_with_type(type, lp, name, section, insns, count, u, out);
	core_progtype_unuse(type);
	core_progtype_put(type);
	return err;
}

/* ---- maps of an object ------------------------------------------------------------------- */

/* The verifier checks the program against the object's declaration, which must therefore
 * describe the pinned map, down to what programs may do with its values. */
static bool map_compatible(const struct ebpf_map *map, const struct loader_map *lm)
{
	const uint32_t prog_access = EBPF_F_RDONLY_PROG | EBPF_F_WRONLY_PROG;

	return map->attr.type == lm->type && map->attr.key_size == lm->key_size &&
	       map->attr.value_size == lm->value_size && map->attr.max_entries == lm->max_entries &&
	       !((map->attr.map_flags ^ lm->map_flags) & prog_access);
}

static void pin_path(const struct loader_map *lm, char *path, size_t size)
{
	snprintf(path, size, PIN_ROOT "%s", lm->pin_path);
}

/* A pinned map (LIBBPF_PIN_BY_NAME, iproute2's PIN_OBJECT_NS and PIN_GLOBAL_NS): reuse the map
 * pinned at its path, or pin the new one there. */
static int pinned_map(const struct loader_map *lm, struct ebpf_map **map)
{
	char path[PATH_MAX];
	int err;

	pin_path(lm, path, sizeof(path));
	err = ebpf_map_get_pinned(path, map);
	if (err == -ENOENT) {
		core_error_clear();
		return 1; /* create it */
	}
	if (err)
		return err;
	if (!map_compatible(*map, lm)) {
		ebpf_map_release(*map);
		return core_error(-EINVAL,
				  "map '%s': the map pinned at '%s' has another type, "
				  "other sizes or other program access flags",
				  lm->name, path);
	}
	return 0;
}

/*
 * opts.pin_maps_dir: the object's maps of the shared types are shared, pinned in that
 * directory by name. A pin already there is used when it matches the declaration (another process,
 * or an earlier run, created it); otherwise the map is created there (returns 1, path set).
 */
static int shared_map(const struct loader_map *lm, const struct ebpf_object_open_opts *opts,
		      char *path, size_t size, struct ebpf_map **map)
{
	char dir[PATH_MAX];
	int err = core_pin_dir(opts->pin_maps_dir, dir, sizeof(dir));

	if (err)
		return err;
	if (snprintf(path, size, "%s/%s", dir, lm->name) >= (int)size)
		return core_error(-ENAMETOOLONG, "map '%s': pin path too long", lm->name);
	err = ebpf_map_open_pinned(path, map);
	if (err == -ENOENT) {
		core_error_clear();
		return 1;
	}
	if (err)
		return err;
	if (!map_compatible(*map, lm) || (*map)->attr.map_flags != lm->map_flags) {
		ebpf_map_release(*map);
		*map = NULL;
		return core_error(-EINVAL,
				  "map '%s': the shared map pinned at '%s' has another type, "
				  "other sizes or other flags",
				  lm->name, path);
	}
	return 0;
}

static bool map_shareable(const struct loader_map *lm, const struct ebpf_object_open_opts *opts)
{
	return opts->pin_maps_dir && lm->kind == LOADER_MAP_USER && !lm->pin_path &&
	       map_shm_ops(lm->type) && !loader_map_spin_lock(lm);
}

static int create_map(const struct loader_map *lm, const struct ebpf_object_open_opts *opts,
		      struct ebpf_map *inner, struct ebpf_map **map)
{
	char shared_path[PATH_MAX];
	struct ebpf_map_create_opts mopts = {
		.sz = sizeof(mopts),
		.map_flags = lm->map_flags,
		.inner_map = inner,
	};
	char name[MAP_NAME_MAX];
	const struct verifier_field *lock = loader_map_spin_lock(lm);
	uint32_t key = 0;
	int err;

	if (lm->pin_path) {
		err = pinned_map(lm, map);
		if (err <= 0)
			return err;
	}
	if (map_shareable(lm, opts)) {
		err = shared_map(lm, opts, shared_path, sizeof(shared_path), map);
		if (err <= 0)
			return err;
		mopts.pin_path = shared_path;
		mopts.pin_mode = opts->pin_mode;
	}
	if (lm->kind == LOADER_MAP_RODATA)
		mopts.map_flags |= EBPF_F_RDONLY_PROG;
	if (lock) {
		mopts.spin_lock = true;
		mopts.spin_lock_off = lock->off;
	}
	snprintf(name, sizeof(name), "%s", lm->name);
	err = ebpf_map_create(lm->type, name, lm->key_size, lm->value_size, lm->max_entries, &mopts,
			      map);
	if (err == -EEXIST && mopts.pin_path) {
		/* Another process pinned it between our look and our creation: use that one. */
		core_error_clear();
		err = shared_map(lm, opts, shared_path, sizeof(shared_path), map);
		return err > 0 ? core_error(-EEXIST, "map '%s': '%s' keeps changing", lm->name,
					    shared_path)
			       : err;
	}
	if (err)
		return err;
	if (lm->initial_data) {
		err = ebpf_map_update_elem(*map, &key, lm->initial_data, EBPF_ANY);
		if (err) {
			ebpf_map_release(*map);
			return core_error(err, "map '%s': cannot set its initial data", lm->name);
		}
	}
	if (lm->kind == LOADER_MAP_RODATA)
		ebpf_map_freeze(*map);
	return 0;
}

/*
 * Pinned maps the object created are pinned once the whole object has loaded: a refused object
 * leaves nothing behind (as libbpf, which unpins on failure).
 */
static int pin_new_maps(struct ebpf_object *obj, const struct loader_object *lo)
{
	char path[PATH_MAX];
	bool *pinned_here = calloc(lo->map_count + 1, sizeof(*pinned_here));
	int err = pinned_here ? 0 : core_error(-ENOMEM, "out of memory");

	for (size_t i = 0; i < lo->map_count && !err; i++) {
		struct ebpf_map *pinned;

		if (!lo->maps[i].pin_path)
			continue;
		pin_path(&lo->maps[i], path, sizeof(path));
		if (!ebpf_map_get_pinned(path, &pinned)) {
			/* Reused from the pin (pinned_map): already there. */
			if (pinned != obj->maps[i])
				err = core_error(-EEXIST, "map '%s': '%s' was pinned meanwhile",
						 lo->maps[i].name, path);
			ebpf_map_release(pinned);
			continue;
		}
		core_error_clear();
		err = ebpf_map_pin(obj->maps[i], path);
		pinned_here[i] = !err;
	}
	for (size_t i = 0; err && pinned_here && i < lo->map_count; i++) {
		if (!pinned_here[i])
			continue;
		pin_path(&lo->maps[i], path, sizeof(path));
		ebpf_unpin(path);
	}
	free(pinned_here);
	return err;
}

/* A verify-only open describes its maps without storage: whatever their size, nothing is
 * allocated for their entries (a 16 M-entry hash costs a few bytes). */
static int describe_map(const struct loader_map *lm, struct ebpf_map *inner, struct ebpf_map **map)
{
	struct map_attr attr = {
		.type = lm->type,
		.key_size = lm->key_size,
		.value_size = lm->value_size,
		.max_entries = lm->max_entries,
		.map_flags =
		    lm->map_flags | (lm->kind == LOADER_MAP_RODATA ? EBPF_F_RDONLY_PROG : 0),
		.name = lm->name,
		.inner_map = inner,
	};
	const struct verifier_field *lock = loader_map_spin_lock(lm);
	int err;

	if (lock) {
		attr.has_spin_lock = true;
		attr.spin_lock_off = lock->off;
	}
	/* A type no loaded extension offers is still described when it is Linux's. */
	core_maptype_resolve(&attr);
	err = map_create_descriptor(&attr, map, NULL);
	core_maptype_release(&attr);
	if (err)
		return err;
	core_lock();
	err = core_id_alloc_locked(CORE_MAP, *map, &(*map)->id);
	core_unlock();
	if (err) {
		map_destroy(*map);
		*map = NULL;
		return core_error(err, "map '%s': out of memory", lm->name);
	}
	return 0;
}

static bool without_storage(const struct ebpf_object_open_opts *opts)
{
	return opts->verify_only && !opts->keep_map_storage;
}

/* Maps of maps need their template first: two passes. */
static int create_maps(struct ebpf_object *obj, const struct loader_object *lo,
		       const struct ebpf_object_open_opts *opts)
{
	obj->maps = calloc(lo->map_count ? lo->map_count : 1, sizeof(*obj->maps));
	if (!obj->maps)
		return core_error(-ENOMEM, "out of memory");
	obj->map_count = lo->map_count;
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < lo->map_count; i++) {
			const struct loader_map *lm = &lo->maps[i];
			struct ebpf_map *inner = NULL;
			int err;

			if ((lm->inner_map >= 0) != (pass == 1))
				continue;
			if (lm->inner_map >= 0) {
				if ((size_t)lm->inner_map >= lo->map_count ||
				    !obj->maps[lm->inner_map])
					return core_error(
					    -EINVAL, "map '%s': bad inner map template", lm->name);
				inner = obj->maps[lm->inner_map];
			}
			if (without_storage(opts))
				err = describe_map(lm, inner, &obj->maps[i]);
			else
				err = create_map(lm, opts, inner, &obj->maps[i]);
			if (err)
				return err;
		}
	}
	return 0;
}

/* ---- objects ----------------------------------------------------------------------------- */

static int load_programs(struct ebpf_object *obj, const struct loader_object *lo,
			 struct load_unit *u, struct ebpf_program **by_index)
{
	obj->programs = calloc(lo->program_count ? lo->program_count : 1, sizeof(*obj->programs));
	if (!obj->programs)
		return core_error(-ENOMEM, "out of memory");
	for (size_t i = 0; i < lo->program_count; i++) {
		const struct loader_program *lp = &lo->programs[i];
		int err;

		if (obj->config[i].skip)
			continue;
		u->cfg = &obj->config[i];
		err = load_program(lp->name, lp->section, lp->type_section, lp, lp->insns,
				   lp->insn_count, u, &by_index[i]);
		if (err)
			return err;
		obj->programs[obj->program_count++] = by_index[i];
	}
	return 0;
}

/* Maps of maps initialised in the object (`.values = { [1] = &inner }`) get their maps. */
static int fill_map_of_maps(struct ebpf_object *obj, const struct loader_map *lm, size_t index,
			    size_t map_count)
{
	for (uint32_t j = 0; j < lm->init_map_count; j++) {
		uint32_t slot = lm->init_map_slots[j], inner = lm->init_maps[j], id;
		int err;

		if (inner >= map_count || !obj->maps[inner])
			return core_error(-EINVAL, "map '%s': slot %u names no map", lm->name,
					  slot);
		id = ebpf_map_id(obj->maps[inner]);
		err = ebpf_map_update_elem(obj->maps[index], &slot, &id, EBPF_ANY);
		if (err)
			return core_error(err, "map '%s': cannot put map '%s' in slot %u", lm->name,
					  obj->maps[inner]->name, slot);
	}
	return 0;
}

/* Program arrays and maps of maps initialised in the object get their entries once all are
 * loaded. */
static int fill_initial_entries(struct ebpf_object *obj, const struct loader_object *lo,
				struct ebpf_program **by_index)
{
	for (size_t i = 0; i < lo->map_count; i++) {
		const struct loader_map *lm = &lo->maps[i];
		int err = fill_map_of_maps(obj, lm, i, lo->map_count);

		if (err)
			return err;

		for (uint32_t j = 0; j < lm->init_count; j++) {
			uint32_t slot = lm->init_slots[j], prog = lm->init_programs[j], id;

			if (prog >= lo->program_count || !by_index[prog])
				continue; /* not loaded (only_program) */
			id = ebpf_program_id(by_index[prog]);
			err = ebpf_map_update_elem(obj->maps[i], &slot, &id, EBPF_ANY);
			if (err)
				return core_error(err,
						  "map '%s': cannot put program '%s' in slot %u",
						  lm->name, by_index[prog]->name, slot);
		}
	}
	return 0;
}

static bool map_pinned(const struct ebpf_map *map)
{
	bool pinned = false;

	core_lock();
	for (struct core_pin *pin = core_rt.pins; pin && !pinned; pin = pin->next)
		pinned = pin->kind == CORE_MAP && pin->object == map;
	core_unlock();
	return pinned;
}

/* Releases what a load created (the object keeps its name and parse state). */
static void object_unload(struct ebpf_object *obj)
{
	for (size_t i = 0; i < obj->program_count; i++)
		ebpf_program_release(obj->programs[i]);
	/* As Linux empties a program array when its last user reference goes: a program in an
	 * array of its own object would otherwise keep both alive forever. */
	for (size_t i = 0; i < obj->map_count; i++) {
		if (obj->maps[i] && !map_pinned(obj->maps[i]))
			core_map_clear_objects(obj->maps[i]);
	}
	for (size_t i = 0; i < obj->map_count; i++)
		ebpf_map_release(obj->maps[i]);
	free(obj->programs);
	free(obj->maps);
	obj->programs = NULL;
	obj->maps = NULL;
	obj->program_count = 0;
	obj->map_count = 0;
}

/* The parse state: needed only until the load. */
static void object_forget_parse(struct ebpf_object *obj)
{
	for (size_t i = 0; obj->config && obj->lo && i < obj->lo->program_count; i++) {
		free(obj->config[i].type_name);
		free(obj->config[i].attach_target);
		if (obj->config[i].attach_prog)
			ebpf_program_release(obj->config[i].attach_prog);
	}
	free(obj->config);
	obj->config = NULL;
	loader_object_free(obj->lo);
	obj->lo = NULL;
}

static void object_free(struct ebpf_object *obj)
{
	object_unload(obj);
	object_forget_parse(obj);
	for (size_t i = 0; i < sizeof(obj->opt_strings) / sizeof(obj->opt_strings[0]); i++)
		free(obj->opt_strings[i]);
	free(obj->name);
	free(obj);
}

/* Options outlive the call that gave them: the strings are copied. */
static int keep_opts(struct ebpf_object *obj, const struct ebpf_object_open_opts *opts)
{
	const char **fields[] = { &obj->opts.program_type, &obj->opts.only_program,
				  &obj->opts.btf_path, &obj->opts.kconfig_path,
				  &obj->opts.pin_maps_dir };

	read_opts(&obj->opts, opts);
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		if (!*fields[i])
			continue;
		obj->opt_strings[i] = strdup(*fields[i]);
		if (!obj->opt_strings[i])
			return -ENOMEM;
		*fields[i] = obj->opt_strings[i];
	}
	return 0;
}

/* opts.only_program leaves the others out of the load; without it, programs of "?SEC" sections
 * are left out, as libbpf leaves them (until ebpf_object_set_autoload). */
static int select_only(struct ebpf_object *obj)
{
	const char *only = obj->opts.only_program;
	bool any = false;

	for (size_t i = 0; i < obj->lo->program_count; i++) {
		const struct loader_program *lp = &obj->lo->programs[i];

		if (only)
			obj->config[i].skip = strcmp(lp->name, only) && strcmp(lp->section, only) &&
					      strcmp(lp->section + lp->autoload_off, only);
		else
			obj->config[i].skip = lp->autoload_off;
		any |= !obj->config[i].skip;
	}
	if (only && !any)
		return core_error(-ENOENT, "object '%s': no program or section named '%s'",
				  obj->name, only);
	return 0;
}

int core_object_new(struct loader_object *lo, const char *name,
		    const struct ebpf_object_open_opts *opts, struct ebpf_object **object)
{
	struct ebpf_object *obj = calloc(1, sizeof(*obj));
	int err;

	if (!obj) {
		loader_object_free(lo);
		return core_error(-ENOMEM, "object '%s': out of memory", name);
	}
	obj->lo = lo;
	obj->config = calloc(lo->program_count + 1, sizeof(*obj->config));
	obj->name = strdup(name);
	if (!obj->config || !obj->name || keep_opts(obj, opts)) {
		object_free(obj);
		return core_error(-ENOMEM, "object '%s': out of memory", name);
	}
	err = select_only(obj);
	if (err) {
		object_free(obj);
		return err;
	}
	core_lock();
	obj->next = core_rt.objects;
	core_rt.objects = obj;
	core_unlock();
	*object = obj;
	return 0;
}

int core_object_configurable(const struct ebpf_object *obj)
{
	if (obj->state == CORE_OBJECT_PARSED)
		return 0;
	return core_error(-EBUSY, "object '%s': %s", obj->name,
			  obj->state == CORE_OBJECT_LOADED
			      ? "already loaded: configure it before ebpf_object_load"
			      : "its load failed: it can only be closed");
}

/* Sizes Linux refuses at map creation; checked at load, after the host had its say. When maps
 * are created, a type neither the core nor a loaded extension offers is named first (a
 * verify-only open describes any type to the verifier, which judges its use). */
static int check_map_sizes(const struct loader_object *lo, bool verify_only)
{
	char msg[256];
	int err;

	for (size_t i = 0; !verify_only && i < lo->map_count; i++) {
		struct map_attr attr = { .type = lo->maps[i].type };

		if (core_maptype_resolve(&attr) == -ENOENT)
			return core_error(-EINVAL,
					  "map '%s': map type %u is not supported (neither the "
					  "core's nor offered by a loaded extension)",
					  lo->maps[i].name, (unsigned int)attr.type);
		core_maptype_release(&attr);
	}
	err = loader_check_maps(lo, msg, sizeof(msg));

	return err ? core_error(err, "%s", msg) : 0;
}

static int load_parsed(struct ebpf_object *obj, const struct core_native_image *native,
		       struct verifier_map *vmaps, struct ebpf_program **by_index)
{
	struct loader_object *lo = obj->lo;
	const struct ebpf_object_open_opts *opts = &obj->opts;
	struct core_btf_targets btf = { .kernel_path = opts->btf_path };
	char msg[512] = "";
	struct load_unit u = {
		.object = obj->name,
		.opts = opts,
		.vmaps = vmaps,
		.native = native,
		.lo = lo,
		.btf = &btf,
	};
	int err;

	err = loader_kconfig_resolve(lo, opts->kconfig_path, msg, sizeof(msg));
	if (err)
		return core_error(err, "%s", msg);
	loader_size_maps(lo, ebpf_num_possible_cpus(), (uint32_t)sysconf(_SC_PAGESIZE));
	err = check_map_sizes(lo, opts->verify_only);
	if (err)
		return err;
	/* Taken after the early returns: from here on, the end of this function puts it. */
	if (lo->btf && !(u.btf_blob = core_btf_blob_new(lo->btf, lo->btf_size)))
		return core_error(-ENOMEM, "out of memory");
	loader_describe_maps(lo, vmaps);
	err = create_maps(obj, lo, opts);
	/* What each map's type lets programs do with its values (read-only, lookup, update). */
	for (size_t i = 0; !err && i < lo->map_count; i++)
		core_map_describe(obj->maps[i], &vmaps[i]);
	u.maps = obj->maps;
	u.map_count = obj->map_count;
	if (!err)
		err = load_programs(obj, lo, &u, by_index);
	/* Maps without storage hold nothing and are not pinned: verifying leaves no trace. */
	if (!err && !without_storage(opts))
		err = fill_initial_entries(obj, lo, by_index);
	if (!err && !without_storage(opts))
		err = pin_new_maps(obj, lo);
	core_btf_targets_free(&btf);
	core_btf_blob_put(u.btf_blob);
	return err;
}

int core_object_load(struct ebpf_object *obj, const struct core_native_image *native)
{
	struct verifier_map *vmaps = NULL;
	struct ebpf_program **by_index = NULL;
	int err = core_object_configurable(obj);

	if (err)
		return err;
	vmaps = calloc(obj->lo->map_count + 1, sizeof(*vmaps));
	by_index = calloc(obj->lo->program_count + 1, sizeof(*by_index));
	if (!vmaps || !by_index)
		err = core_error(-ENOMEM, "out of memory");
	else
		err = load_parsed(obj, native, vmaps, by_index);
	free(vmaps);
	free(by_index);
	if (err) {
		err = error_in(err, obj->name);
		object_unload(obj);
	}
	obj->state = err ? CORE_OBJECT_FAILED : CORE_OBJECT_LOADED;
	object_forget_parse(obj);
	return err;
}

int ebpf_object_load(struct ebpf_object *object)
{
	core_error_clear();
	if (!object)
		return core_error(-EINVAL, "object: NULL");
	return core_object_load(object, NULL);
}

bool ebpf_object_is_loaded(const struct ebpf_object *object)
{
	return object && object->state == CORE_OBJECT_LOADED;
}

int ebpf_object_parse_mem(const void *data, size_t size, const char *name,
			  const struct ebpf_object_open_opts *opts, struct ebpf_object **object)
{
	struct loader_object *lo;
	char msg[512] = "";
	int err;

	core_error_clear();
	if (!name)
		name = "(memory)";
	if (!object)
		return core_error(-EINVAL, "object '%s': no place for the object", name);
	err = core_runtime_start();
	if (err)
		return err;
	err = loader_open_mem(data, size, name, &lo, msg, sizeof(msg));
	if (err)
		return core_error(err, "object '%s': %s", name, msg);
	return core_object_new(lo, name, opts, object);
}

int ebpf_object_parse(const char *path, const struct ebpf_object_open_opts *opts,
		      struct ebpf_object **object)
{
	struct loader_object *lo;
	char msg[512] = "";
	int err;

	core_error_clear();
	if (!path || !object)
		return core_error(-EINVAL, "object: no path or no place for the object");
	err = core_runtime_start();
	if (err)
		return err;
	if (ebpf_object_is_native(path))
		return core_error(-EOPNOTSUPP,
				  "object '%s': a compiled native object was configured when it "
				  "was compiled: open it with ebpf_object_open",
				  path);
	err = loader_open_file(path, &lo, msg, sizeof(msg));
	if (err)
		return core_error(err, "object '%s': %s", path, msg);
	return core_object_new(lo, path, opts, object);
}

/* The one-call open: parse, then load; nothing stays when the load fails. */
static int load_or_close(int err, struct ebpf_object **object)
{
	struct ebpf_object *obj = *object;

	if (err)
		return err;
	err = core_object_load(obj, NULL);
	if (!err)
		return 0;
	*object = NULL;
	ebpf_object_close(obj);
	return err;
}

int ebpf_object_open_mem(const void *data, size_t size, const char *name,
			 const struct ebpf_object_open_opts *opts, struct ebpf_object **object)
{
	return load_or_close(ebpf_object_parse_mem(data, size, name, opts, object), object);
}

int ebpf_object_open(const char *path, const struct ebpf_object_open_opts *opts,
		     struct ebpf_object **object)
{
	core_error_clear();
	if (path && ebpf_object_is_native(path)) {
		int err = core_runtime_start();

		return err ? err : ebpf_object_load_native(path, opts, object);
	}
	return load_or_close(ebpf_object_parse(path, opts, object), object);
}

int ebpf_program_load_raw(const char *program_type, const struct ebpf_inst *insns, size_t count,
			  const struct ebpf_object_open_opts *opts, struct ebpf_program **program)
{
	struct ebpf_object_open_opts o;
	struct load_unit u = { .object = "raw", .opts = &o };
	struct core_progtype *type;
	int err;

	core_error_clear();
	if (!program_type || !insns || !count)
		return core_error(-EINVAL, "raw program: no program type or no instructions");
	err = core_runtime_start();
	if (err)
		return err;
	read_opts(&o, opts);
	err = core_progtype_find_name(program_type, &type);
	if (err)
		return err;
	err = load_with_type(type, NULL, program_type, program_type, insns, count, &u, program);
	core_progtype_unuse(type);
	core_progtype_put(type);
	return err;
}

void ebpf_object_close(struct ebpf_object *object)
{
	if (!object)
		return;
	core_lock();
	for (struct ebpf_object **p = &core_rt.objects; *p; p = &(*p)->next) {
		if (*p == object) {
			*p = object->next;
			break;
		}
	}
	core_unlock();
	object_free(object);
}

void core_objects_close_all(void)
{
	struct ebpf_object *obj;

	for (;;) {
		core_lock();
		obj = core_rt.objects;
		core_unlock();
		if (!obj)
			return;
		ebpf_object_close(obj);
	}
}

const char *ebpf_object_name(const struct ebpf_object *object)
{
	return object->name;
}

struct ebpf_program *ebpf_object_next_program(const struct ebpf_object *object,
					      const struct ebpf_program *prev)
{
	size_t i = 0;

	if (prev) {
		while (i < object->program_count && object->programs[i] != prev)
			i++;
		i++;
	}
	return i < object->program_count ? object->programs[i] : NULL;
}

struct ebpf_map *ebpf_object_next_map(const struct ebpf_object *object, const struct ebpf_map *prev)
{
	size_t i = 0;

	if (prev) {
		while (i < object->map_count && object->maps[i] != prev)
			i++;
		i++;
	}
	return i < object->map_count ? object->maps[i] : NULL;
}

struct ebpf_program *ebpf_object_find_program(const struct ebpf_object *object, const char *name)
{
	for (size_t i = 0; i < object->program_count; i++) {
		if (!strcmp(object->programs[i]->name, name) ||
		    !strcmp(object->programs[i]->section, name))
			return object->programs[i];
	}
	return NULL;
}

struct ebpf_map *ebpf_object_find_map(const struct ebpf_object *object, const char *name)
{
	for (size_t i = 0; i < object->map_count; i++) {
		if (!strcmp(object->maps[i]->name, name))
			return object->maps[i];
	}
	return NULL;
}
