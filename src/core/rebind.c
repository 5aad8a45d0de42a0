/* SPDX-License-Identifier: MIT */
/*
 * Dormant programs and their rebinding. When a program type's provider goes away (its extension
 * unloads) its programs stay, dormant: never invoked, their links kept. When a provider of the
 * same program type GUID comes back, each dormant program is checked against the new contract,
 * on what its verification depended on and nothing else: the prototypes of the helpers it calls,
 * the context layout, the program information's version and size. If they all match, the
 * program's helper tables are rebuilt with the new addresses, its engine resolves its calls again
 * and it becomes usable; its links resume as soon as their hook is back. Otherwise it stays
 * dormant and says why.
 *
 * A dormant program runs nowhere: its type's detach cleared `usable` and waited for a grace
 * period, so the rebinding thread owns its helper tables and engine state until it sets `usable`
 * again (release; every runner checks it with acquire first).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/contract.h"
#include "core/core.h"
#include "core/error.h"
#include "core/helpers.h"
#include "isa/isa.h"

const struct ebpf_helper_proto *core_type_helper_proto(const struct ebpf_program_info *info,
						       uint32_t id)
{
	for (uint32_t i = 0; i < info->helper_count; i++) {
		if (info->helpers[i].id == id)
			return &info->helpers[i];
	}
	return NULL;
}

static bool recorded(const struct core_program_contract *c, uint32_t id)
{
	for (uint32_t i = 0; i < c->helper_count; i++) {
		if (c->helpers[i].id == id)
			return true;
	}
	return false;
}

int core_program_contract_record(struct ebpf_program *prog, const struct ebpf_program_info *info)
{
	struct core_program_contract *c = &prog->contract;

	c->info_version = info->header.version;
	c->info_size = info->header.size;
	c->context_hash = core_hash_context(CORE_HASH_BASIS, info);
	for (size_t i = 0; i < prog->insn_count; i++) {
		const struct ebpf_inst *insn = &prog->insns[i];
		const struct ebpf_helper_proto *proto;
		struct core_used_helper *grown;

		if (insn->code != EBPF_OP_CALL || insn->src_reg != EBPF_CALL_HELPER ||
		    recorded(c, (uint32_t)insn->imm))
			continue;
		grown = realloc(c->helpers, (c->helper_count + 1) * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		c->helpers = grown;
		proto = core_type_helper_proto(info, (uint32_t)insn->imm);
		/* A core helper (hash 0) must stay the core's: the type may not take its id over.
		 */
		grown[c->helper_count++] = (struct core_used_helper){
			.id = (uint32_t)insn->imm,
			.hash = proto ? core_hash_helper(CORE_HASH_BASIS, proto) : 0,
		};
		if (proto && proto->name)
			snprintf(grown[c->helper_count - 1].name, sizeof(grown->name), "%s",
				 proto->name);
	}
	return 0;
}

void core_program_contract_free(struct ebpf_program *prog)
{
	free(prog->contract.helpers);
	prog->contract.helpers = NULL;
	prog->contract.helper_count = 0;
}

/* 0 when info offers what prog was verified against, else -ESTALE with the first difference. */
static int contract_check(const struct ebpf_program *prog, const struct ebpf_program_info *info,
			  char *why, size_t size)
{
	const struct core_program_contract *c = &prog->contract;

	if (info->header.version != c->info_version || info->header.size != c->info_size) {
		snprintf(why, size,
			 "program information is version %u (%u bytes), the program was verified "
			 "against version %u (%u bytes)",
			 info->header.version, info->header.size, c->info_version, c->info_size);
		return -ESTALE;
	}
	if (core_hash_context(CORE_HASH_BASIS, info) != c->context_hash) {
		snprintf(why, size, "the context layout of program type '%s' changed", info->name);
		return -ESTALE;
	}
	for (uint32_t i = 0; i < c->helper_count; i++) {
		const struct core_used_helper *h = &c->helpers[i];
		const struct ebpf_helper_proto *proto = core_type_helper_proto(info, h->id);
		uint64_t hash = proto ? core_hash_helper(CORE_HASH_BASIS, proto) : 0;

		if (hash == h->hash)
			continue;
		if (!h->hash)
			snprintf(why, size,
				 "helper id %u is now the program type's, not the core's", h->id);
		else if (!proto)
			snprintf(why, size, "helper '%s' (id %u) is no longer offered", h->name,
				 h->id);
		else
			snprintf(why, size, "helper '%s' (id %u) has another prototype", h->name,
				 h->id);
		return -ESTALE;
	}
	return core_program_kfuncs_check(prog, info, why, size);
}

/* New helper tables into prog (the old ones freed), and the engine resolves its calls again. */
static int rebuild_helpers(struct ebpf_program *prog, const struct ebpf_program_info *info,
			   char *why, size_t size)
{
	struct ebpf_program fresh = { 0 };
	char msg[128] = "";
	int err;

	fresh.kfuncs = core_program_kfuncs_rebuild(prog, info);
	if (!fresh.kfuncs || core_program_build_helpers(&fresh, info)) {
		snprintf(why, size, "out of memory rebuilding its helper tables");
		goto fail;
	}
	if (prog->exec) {
		struct exec_helpers tables = {
			.type = fresh.type_helpers,
			.type_count = fresh.type_helper_count,
			.kfunc = fresh.kfuncs,
			.kfunc_count = prog->kfunc_count,
		};

		tables.global = core_global_helper_table(&tables.global_count);
		if (fresh.global_helpers) {
			tables.global = fresh.global_helpers;
			tables.global_count = fresh.global_helper_count;
		}
		err = exec_program_set_helpers(prog->exec, &tables, msg, sizeof(msg));
		if (err) {
			/* The engine is half rebuilt: the program must never run again. */
			snprintf(why, size, "its engine cannot resolve the helpers again: %s", msg);
			goto fail;
		}
	}
	free(prog->type_helpers);
	free(prog->global_helpers);
	free(prog->kfuncs);
	prog->kfuncs = fresh.kfuncs;
	prog->type_helpers = fresh.type_helpers;
	prog->type_helper_count = fresh.type_helper_count;
	prog->global_helpers = fresh.global_helpers;
	prog->global_helper_count = fresh.global_helper_count;
	return 0;
fail:
	free(fresh.type_helpers);
	free(fresh.global_helpers);
	free(fresh.kfuncs);
	return -ENOMEM;
}

static void set_reason(struct ebpf_program *prog, const char *why)
{
	core_lock();
	snprintf(prog->dormant, sizeof(prog->dormant), "program type '%s' came back: %s",
		 prog->type_name, why);
	prog->rebinding = false;
	core_unlock();
}

/* Moves prog from its gone type to type and wakes it up. */
static void rebind_one(struct core_progtype *type, struct ebpf_program *prog)
{
	struct core_progtype *old;
	char why[224];

	if (prog->broken) {
		set_reason(prog, "an earlier rebind left it unable to run");
		return;
	}
	if (contract_check(prog, &type->info, why, sizeof(why))) {
		set_reason(prog, why);
		return;
	}
	if (rebuild_helpers(prog, &type->info, why, sizeof(why))) {
		prog->broken = prog->exec != NULL;
		set_reason(prog, why);
		return;
	}
	core_lock();
	old = prog->type;
	for (struct ebpf_program **p = &old->programs; *p; p = &(*p)->type_next) {
		if (*p == prog) {
			*p = prog->type_next;
			break;
		}
	}
	atomic_fetch_add(&type->refcount, 1);
	prog->type = type;
	prog->type_next = type->programs;
	type->programs = prog;
	prog->dormant[0] = '\0';
	prog->rebinding = false;
	atomic_store_explicit(&prog->usable, true, memory_order_release);
	core_unlock();
	core_progtype_put(old);
}

/* Under the lock: a dormant program of type's GUID nobody else is rebinding, now claimed. */
static bool claim_dormant(void *object, void *arg)
{
	struct ebpf_program *prog = object;
	const struct core_progtype *type = arg;

	if (!prog->type || !prog->type->gone || prog->rebinding ||
	    !nmr_guid_equal(&prog->type->info.program_type, &type->info.program_type))
		return false;
	prog->rebinding = true;
	return true;
}

void core_progtype_rebind(struct core_progtype *type)
{
	struct ebpf_program **found;
	size_t count = 0;

	found = (struct ebpf_program **)core_id_collect(CORE_PROGRAM, claim_dormant, type, &count);
	if (!found)
		return;
	for (size_t i = 0; i < count; i++) {
		rebind_one(type, found[i]);
		ebpf_program_release(found[i]);
	}
	free(found);
}

void core_program_mark_dormant(struct ebpf_program *prog, const char *why)
{
	atomic_store(&prog->usable, false);
	snprintf(prog->dormant, sizeof(prog->dormant), "%s", why);
}

bool ebpf_program_is_dormant(const struct ebpf_program *program, char *reason, size_t size)
{
	bool dormant;

	if (!program)
		return false;
	core_lock();
	dormant = !atomic_load(&program->usable) && program->type;
	if (reason && size)
		snprintf(reason, size, "%s", dormant ? program->dormant : "");
	core_unlock();
	return dormant;
}
