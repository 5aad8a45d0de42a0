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

/*
 * What a call of a kfunc typed by BTF was verified against, besides its argument kinds: the
 * extension's BTF prototype and every type it reaches (the structs the verifier checks loads
 * through, their members, what their pointers point to), by content, never by type id.
 */
struct type_walk {
	const struct btf *btf;
	uint32_t seen[64]; /* types hashed already: a cycle (a list's next) hashes as a back edge */
	uint32_t seen_count;
	bool overflow; /* reached more types than seen[] holds: the caller hashes the whole BTF */
	uint64_t h;
};

static void hash_type(struct type_walk *w, uint32_t id);

static void hash_members(struct type_walk *w, const struct btf_type *t)
{
	const struct btf_member *m = btf_members(t);

	for (uint16_t i = 0; i < btf_vlen(t); i++) {
		w->h = core_hash_str(w->h, btf__name_by_offset(w->btf, m[i].name_off));
		w->h = core_hash_u64(w->h, m[i].offset);
		hash_type(w, m[i].type);
	}
}

static void hash_array(struct type_walk *w, const struct btf_array *a)
{
	w->h = core_hash_u64(w->h, a->nelems);
	hash_type(w, a->type);
}

static void hash_params(struct type_walk *w, const struct btf_type *t)
{
	const struct btf_param *p = btf_params(t);

	hash_type(w, t->type);
	for (uint16_t i = 0; i < btf_vlen(t); i++) {
		w->h = core_hash_str(w->h, btf__name_by_offset(w->btf, p[i].name_off));
		hash_type(w, p[i].type);
	}
}

static void hash_type(struct type_walk *w, uint32_t id)
{
	const struct btf_type *t = id ? btf__type_by_id(w->btf, id) : NULL;

	for (uint32_t i = 0; id && i < w->seen_count; i++) {
		if (w->seen[i] == id) {
			w->h = core_hash_u64(w->h, 0xbac0000ull + i);
			return;
		}
	}
	if (!t) {
		w->h = core_hash_u64(w->h, id ? 0xbad : 0); /* void, or no such type */
		return;
	}
	if (w->seen_count == sizeof(w->seen) / sizeof(w->seen[0])) {
		w->overflow = true;
		return;
	}
	w->seen[w->seen_count++] = id;
	w->h = core_hash_u64(w->h, t->info); /* kind, member count, kflag */
	w->h = core_hash_str(w->h, btf__name_by_offset(w->btf, t->name_off));
	if (btf_is_int(t))
		w->h = core_hash_u64(core_hash_u64(w->h, t->size), *(const uint32_t *)(t + 1));
	else if (btf_is_ptr(t) || btf_is_mod(t) || btf_is_typedef(t))
		hash_type(w, t->type);
	else if (btf_is_array(t))
		hash_array(w, btf_array(t));
	else if (btf_is_composite(t))
		hash_members(w, t);
	else if (btf_is_func_proto(t))
		hash_params(w, t);
	else if (btf_is_enum(t) || btf_is_enum64(t) || btf_is_float(t))
		w->h = core_hash_u64(w->h, t->size);
	if (btf_is_enum(t)) {
		for (uint16_t i = 0; i < btf_vlen(t); i++)
			w->h = core_hash_u64(w->h, (uint32_t)btf_enum(t)[i].val);
	}
}

/* h extended with kfunc name's BTF FUNC in btf and what it reaches (h unchanged without). */
static uint64_t hash_btf_func(const struct btf *btf, const char *name, uint64_t h)
{
	int32_t id = btf__find_by_name_kind(btf, name, BTF_KIND_FUNC);
	struct type_walk w = { .btf = btf, .h = h };
	uint32_t size;
	const void *raw;

	if (id <= 0)
		return h;
	hash_type(&w, btf__type_by_id(btf, id)->type);
	if (!w.overflow)
		return w.h;
	raw = btf__raw_data(btf, &size);
	return raw ? core_hash(w.h, raw, size) : w.h;
}

/* The program's declarations of its kfuncs (its object's BTF) and the extension's BTF of them,
 * each where it exists. */
struct extern_check {
	struct btf *ext;  /* the extension's BTF of its kfuncs */
	struct btf *prog; /* the object's BTF: its extern declarations */
};

static void extern_check_close(struct extern_check *c)
{
	btf__free(c->ext);
	btf__free(c->prog);
	memset(c, 0, sizeof(*c));
}

/* 0, or -ENOMEM / -EINVAL and in why which of the two BTFs could not be opened. */
static int extern_check_open(struct extern_check *c, const struct ebpf_program_info *info,
			     const void *prog_btf, uint32_t prog_btf_size, char *why, size_t size)
{
	uint32_t ext_size;
	const void *raw = verifier_kfunc_btf_raw(info, &ext_size);
	const char *which = "the BTF typing its kfuncs";
	int err;

	memset(c, 0, sizeof(*c));
	if (raw && !(c->ext = btf__new(raw, ext_size)))
		goto fail;
	which = "its object's BTF (the kfuncs' extern declarations)";
	if (prog_btf && prog_btf_size && !(c->prog = btf__new(prog_btf, prog_btf_size)))
		goto fail;
	return 0;
fail:
	err = errno == ENOMEM ? -ENOMEM : -EINVAL;
	snprintf(why, size, "%s %s", which,
		 err == -ENOMEM ? "cannot be opened: out of memory" : "does not parse");
	extern_check_close(c);
	return err;
}

/*
 * What a program calling kfunc `name` (offered as proto) depends on, the one check of load and
 * rebind: its declaration (the object's BTF) must agree with the extension's BTF of it, and
 * *hash covers the prototype's kinds and the extension's BTF prototype with every type it
 * reaches. 0, or -EINVAL and why naming the kfunc and the argument.
 */
static int kfunc_signature(const struct extern_check *c, const char *name,
			   const struct ebpf_helper_proto *proto, uint64_t *hash, char *why,
			   size_t size)
{
	/* The core's own are typed by the core, not by the extension's BTF. */
	bool typed = c->ext && !core_own_kfunc_find(name, NULL);

	*hash = core_hash_helper(CORE_HASH_BASIS, proto);
	if (!typed)
		return 0;
	if (verifier_kfunc_extern_check(c->ext, c->prog, name, why, size))
		return -EINVAL;
	*hash = hash_btf_func(c->ext, name, *hash);
	return 0;
}

/* Resolves name number `index` for prog; protos[index] gets its prototype. */
static int resolve_one(struct ebpf_program *prog, const struct ebpf_program_info *info,
		       const char *name, uint32_t index, const struct extern_check *c,
		       const struct ebpf_helper_proto **protos)
{
	struct core_used_kfunc *used = &prog->contract.kfuncs[index];
	const struct ebpf_helper_proto *proto;
	uint64_t hash;
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
	if (kfunc_signature(c, name, proto, &hash, why, sizeof(why)))
		return core_error(-EINVAL, "section '%s': program '%s': %s", prog->section,
				  prog->name, why);
	used->name = strdup(name);
	if (!used->name)
		return core_error(-ENOMEM, "section '%s': out of memory", prog->section);
	used->hash = hash;
	protos[index] = proto;
	return 0;
}

int core_program_resolve_kfuncs(struct ebpf_program *prog, const struct ebpf_program_info *info,
				const struct loader_object *lo,
				const struct ebpf_helper_proto ***protos)
{
	size_t name_count = lo ? lo->kfunc_count : 0, n = name_count ? name_count : 1;
	const struct ebpf_helper_proto **found;
	struct extern_check check = { 0 };
	char why[160];
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
	if (name_count)
		err = extern_check_open(&check, info, lo->btf, lo->btf_size, why, sizeof(why));
	if (err) {
		free(found);
		return core_error(err, "section '%s': program '%s': %s", prog->section, prog->name,
				  why);
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

/* Whether used, as prog got it, is still what info offers under its name. */
static int recheck_one(const struct core_used_kfunc *used, const struct ebpf_program_info *info,
		       const struct extern_check *c, char *why, size_t size)
{
	const struct ebpf_helper_proto *proto = core_kfunc_find(info, used->name, NULL);
	uint64_t hash;

	if (!proto) {
		snprintf(why, size, "kfunc '%s' is no longer offered", used->name);
		return -ESTALE;
	}
	if (kfunc_signature(c, used->name, proto, &hash, why, size))
		return -ESTALE;
	if (hash != used->hash) {
		snprintf(why, size, "kfunc '%s' has another prototype", used->name);
		return -ESTALE;
	}
	return 0;
}

int core_program_kfuncs_check(const struct ebpf_program *prog, const struct ebpf_program_info *info,
			      char *why, size_t size)
{
	struct extern_check check;
	int err;

	if (!prog->contract.kfunc_count)
		return 0;
	err = extern_check_open(&check, info, prog->btf ? prog->btf->data : NULL,
				prog->btf ? prog->btf->size : 0, why, size);
	if (err)
		return err;
	for (uint32_t i = 0; !err && i < prog->contract.kfunc_count; i++) {
		if (prog->contract.kfuncs[i].name)
			err = recheck_one(&prog->contract.kfuncs[i], info, &check, why, size);
	}
	extern_check_close(&check);
	return err;
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
