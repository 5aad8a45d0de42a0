/* SPDX-License-Identifier: MIT */
/*
 * Functions called by name (Linux's kfuncs). A program declares `extern ... __ksym` and calls
 * it; the loader numbers the names an object calls (a call's imm is the name's number) and the
 * runtime resolves each name a program uses against what its program type offers (version 5 of
 * struct ebpf_program_info), before verifying. No id is coordinated between extensions: two
 * types may offer functions of the same name, each to its own programs.
 *
 * What a program got is recorded by name and prototype hash, so that a rebind (rebind.c)
 * resolves the names again against the type that comes back and refuses a changed prototype.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include "core/contract.h"
#include "core/core.h"
#include "core/error.h"
#include "isa/isa.h"
#include "loader/loader.h"
#include "verifier/verifier.h"

const struct ebpf_helper_proto *core_kfunc_find(const struct ebpf_program_info *info,
						const char *name, ebpf_helper_fn *fn)
{
	/* The core's own come first, as global helpers do: the verifier applies its rules for
	 * them by name, so no program type may offer another function under one of them. */
	const struct ebpf_helper_proto *own = core_own_kfunc_find(name, fn);

	if (own)
		return own;
	for (uint32_t i = 0; i < info->kfunc_count; i++) {
		if (strcmp(info->kfuncs[i].name, name))
			continue;
		if (fn)
			*fn = info->kfunc_addresses[i];
		return &info->kfuncs[i];
	}
	return NULL;
}

static bool is_kfunc_call(const struct ebpf_inst *insn)
{
	return insn->code == EBPF_OP_CALL && insn->src_reg == EBPF_CALL_KFUNC;
}

/* The program's declaration of a kfunc against the extension's BTF of it, where both exist. */
struct extern_check {
	struct btf *ext;  /* the extension's BTF of its kfuncs */
	struct btf *prog; /* the object's BTF: its extern declarations */
};

static int extern_check_open(struct extern_check *c, const struct ebpf_program_info *info,
			     const struct loader_object *lo, const char *section)
{
	uint32_t size;
	const void *raw = verifier_kfunc_btf_raw(info, &size);

	memset(c, 0, sizeof(*c));
	if (!raw || !lo || !lo->btf || !lo->kfunc_count)
		return 0;
	c->ext = btf__new(raw, size);
	c->prog = btf__new(lo->btf, lo->btf_size);
	if (c->ext && c->prog)
		return 0;
	btf__free(c->ext);
	btf__free(c->prog);
	return core_error(-ENOMEM, "section '%s': out of memory", section);
}

static void extern_check_close(struct extern_check *c)
{
	btf__free(c->ext);
	btf__free(c->prog);
}

/* Resolves name number `index` for prog; protos[index] gets its prototype. */
static int resolve_one(struct ebpf_program *prog, const struct ebpf_program_info *info,
		       const char *name, uint32_t index, const struct extern_check *c,
		       const struct ebpf_helper_proto **protos)
{
	struct core_used_kfunc *used = &prog->contract.kfuncs[index];
	const struct ebpf_helper_proto *proto;
	char why[256];

	if (used->name)
		return 0;
	proto = core_kfunc_find(info, name, &prog->kfuncs[index]);
	if (!proto)
		return core_error(-ENOTSUP,
				  "section '%s': program '%s' calls kfunc '%s' (extern __ksym), "
				  "which program type '%s' does not offer: no loaded extension "
				  "exports a function of that name to it",
				  prog->section, prog->name, name, info->name);
	/* The core's own are typed by the core, not by the extension's BTF. */
	if (c->ext && !core_own_kfunc_find(name, NULL) &&
	    verifier_kfunc_extern_check(c->ext, c->prog, name, why, sizeof(why)))
		return core_error(-EINVAL, "section '%s': program '%s': %s", prog->section,
				  prog->name, why);
	used->name = strdup(name);
	if (!used->name)
		return core_error(-ENOMEM, "section '%s': out of memory", prog->section);
	used->hash = core_hash_helper(CORE_HASH_BASIS, proto);
	protos[index] = proto;
	return 0;
}

int core_program_resolve_kfuncs(struct ebpf_program *prog, const struct ebpf_program_info *info,
				const struct loader_object *lo,
				const struct ebpf_helper_proto ***protos)
{
	size_t name_count = lo ? lo->kfunc_count : 0, n = name_count ? name_count : 1;
	const struct ebpf_helper_proto **found;
	struct extern_check check;
	int err = 0;

	*protos = NULL;
	prog->contract.kfuncs = calloc(n, sizeof(*prog->contract.kfuncs));
	prog->kfuncs = calloc(n, sizeof(*prog->kfuncs));
	found = calloc(n, sizeof(*found));
	if (!prog->contract.kfuncs || !prog->kfuncs || !found) {
		free(found);
		return core_error(-ENOMEM, "section '%s': out of memory", prog->section);
	}
	prog->contract.kfunc_count = (uint32_t)name_count;
	prog->kfunc_count = (uint32_t)name_count;
	if (extern_check_open(&check, info, lo, prog->section)) {
		free(found);
		return -ENOMEM;
	}
	for (size_t i = 0; !err && i < prog->insn_count; i++) {
		uint32_t index = (uint32_t)prog->insns[i].imm;

		/* Raw instructions name no function: the verifier refuses the call. */
		if (is_kfunc_call(&prog->insns[i]) && index < name_count)
			err = resolve_one(prog, info, lo->kfuncs[index], index, &check, found);
	}
	extern_check_close(&check);
	if (err) {
		free(found);
		return err;
	}
	*protos = found;
	return 0;
}

void core_program_kfuncs_free(struct ebpf_program *prog)
{
	for (uint32_t i = 0; i < prog->contract.kfunc_count; i++)
		free(prog->contract.kfuncs[i].name);
	free(prog->contract.kfuncs);
	free(prog->kfuncs);
	prog->contract.kfuncs = NULL;
	prog->contract.kfunc_count = 0;
	prog->kfuncs = NULL;
	prog->kfunc_count = 0;
}

int core_program_kfuncs_check(const struct ebpf_program *prog, const struct ebpf_program_info *info,
			      char *why, size_t size)
{
	for (uint32_t i = 0; i < prog->contract.kfunc_count; i++) {
		const struct core_used_kfunc *used = &prog->contract.kfuncs[i];
		const struct ebpf_helper_proto *proto;

		if (!used->name)
			continue;
		proto = core_kfunc_find(info, used->name, NULL);
		if (!proto) {
			snprintf(why, size, "kfunc '%s' is no longer offered", used->name);
			return -ESTALE;
		}
		if (core_hash_helper(CORE_HASH_BASIS, proto) != used->hash) {
			snprintf(why, size, "kfunc '%s' has another prototype", used->name);
			return -ESTALE;
		}
	}
	return 0;
}

ebpf_helper_fn *core_program_kfuncs_rebuild(const struct ebpf_program *prog,
					    const struct ebpf_program_info *info)
{
	ebpf_helper_fn *table = calloc(prog->kfunc_count ? prog->kfunc_count : 1, sizeof(*table));

	for (uint32_t i = 0; table && i < prog->contract.kfunc_count; i++) {
		if (prog->contract.kfuncs[i].name)
			core_kfunc_find(info, prog->contract.kfuncs[i].name, &table[i]);
	}
	return table;
}
