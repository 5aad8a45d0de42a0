/* SPDX-License-Identifier: MIT */
/*
 * The core as client of the Program Information NPI: the registry of the program types loaded
 * extensions offer right now, and finding one by section name or by name.
 *
 * A type's provider data is read only while the binding exists. A load pipeline marks the type in
 * use while it reads the data (verifying); a provider detaching meanwhile gets NMR_PENDING and
 * the last user completes the detach. Programs of a type that went away stay valid objects but
 * become unusable: they are marked before a grace period, so no invocation or test run can be
 * inside the extension's code once the detach returns.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/contract.h"
#include "core/core.h"
#include "core/error.h"
#include "core/helpers.h"
#include "core/rcu.h"
#include "verifier/verifier.h"

#define CORE_MODULE_ID NMR_GUID(0x6f1c2b8e, 0x3d47, 0x4a51, 0x9e02, 0x5b8c7d1e4f60)

static _Thread_local struct ebpf_extension *loading_extension;

void core_progtype_set_loading(struct ebpf_extension *extension)
{
	loading_extension = extension;
}

void core_progtype_loading_who(char *buf, size_t size)
{
	if (loading_extension)
		snprintf(buf, size, "extension '%s'", ebpf_extension_name(loading_extension));
	else
		snprintf(buf, size, "the host");
}

void core_progtype_put(struct core_progtype *type)
{
	if (!type || atomic_fetch_sub(&type->refcount, 1) != 1)
		return;
	free(type->kfunc_protos);
	free(type);
}

static void check_helpers(struct core_progtype *type)
{
	const struct ebpf_program_info *info = &type->info;

	if (info->helper_count && (!info->helpers || !info->helper_addresses)) {
		snprintf(type->invalid, sizeof(type->invalid),
			 "program type '%s': %u helpers declared without prototypes or addresses",
			 type->name, info->helper_count);
		return;
	}
	for (uint32_t i = 0; i < info->helper_count; i++) {
		const struct ebpf_helper_proto *proto = &info->helpers[i];
		const char *name = proto->name ? proto->name : "?";

		/* Below the base only a Linux id the core does not define (extension.h). */
		if (proto->id < EBPF_PROGRAM_TYPE_HELPER_ID_BASE &&
		    core_global_helper_proto(proto->id)) {
			snprintf(
			    type->invalid, sizeof(type->invalid),
			    "program type '%s': helper '%s' has id %u, the core's global helper "
			    "'%s'; program-type helper ids start at %u",
			    type->name, name, proto->id, core_global_helper_proto(proto->id)->name,
			    EBPF_PROGRAM_TYPE_HELPER_ID_BASE);
			return;
		}
		if (proto->id >= 2 * EBPF_PROGRAM_TYPE_HELPER_ID_BASE) {
			snprintf(type->invalid, sizeof(type->invalid),
				 "program type '%s': helper '%s' has id %u, above the largest (%u)",
				 type->name, name, proto->id,
				 2 * EBPF_PROGRAM_TYPE_HELPER_ID_BASE - 1);
			return;
		}
		if (core_contract_check_flags("helper flags", proto->flags, CORE_HELPER_FLAGS,
					      type->who, type->invalid, sizeof(type->invalid)))
			return;
		if (!info->helper_addresses[i]) {
			snprintf(type->invalid, sizeof(type->invalid),
				 "program type '%s': helper '%s' (id %u) has no address",
				 type->name, name, proto->id);
			return;
		}
	}
}

/* Version 5's functions by name: each callable, named once, and never mistaken for a helper
 * (the verifier's special cases key on helper ids, so a kfunc's id must be 0). */
static void check_kfuncs(struct core_progtype *type)
{
	const struct ebpf_program_info *info = &type->info;
	char why[256];

	if (info->kfunc_count && (!info->kfuncs || !info->kfunc_addresses)) {
		snprintf(type->invalid, sizeof(type->invalid),
			 "program type '%s': %u kfuncs declared without prototypes or addresses",
			 type->name, info->kfunc_count);
		return;
	}
	for (uint32_t i = 0; i < info->kfunc_count; i++) {
		const struct ebpf_helper_proto *proto = &info->kfuncs[i];

		if (!proto->name || !proto->name[0]) {
			snprintf(type->invalid, sizeof(type->invalid),
				 "program type '%s': kfunc #%u has no name", type->name, i);
			return;
		}
		if (proto->id || !info->kfunc_addresses[i]) {
			snprintf(type->invalid, sizeof(type->invalid),
				 "program type '%s': kfunc '%s' %s", type->name, proto->name,
				 proto->id ? "has an id (kfuncs are called by name: id must be 0)"
					   : "has no address");
			return;
		}
		if (core_own_kfunc_find(proto->name, NULL)) {
			snprintf(type->invalid, sizeof(type->invalid),
				 "program type '%s': kfunc '%s' is one of the core's own (every "
				 "program type has it)",
				 type->name, proto->name);
			return;
		}
		if (core_contract_check_flags("kfunc flags", proto->flags, CORE_HELPER_FLAGS,
					      type->who, type->invalid, sizeof(type->invalid)))
			return;
		for (uint32_t j = 0; j < i; j++) {
			if (strcmp(info->kfuncs[j].name, proto->name))
				continue;
			snprintf(type->invalid, sizeof(type->invalid),
				 "program type '%s': kfunc '%s' is declared twice", type->name,
				 proto->name);
			return;
		}
	}
	/* From here on the core reads its own copies, with kinds derived from BTF. */
	if (verifier_kfunc_btf_derive(info, &type->kfunc_protos, why, sizeof(why))) {
		snprintf(type->invalid, sizeof(type->invalid), "program type '%s': %s", type->name,
			 why);
		return;
	}
	type->info.kfuncs = type->kfunc_protos;
}

/* The rule of include/extbpf/extension.h: a descriptor whose data and data_end coincide (a
 * zero-initialised one among them) declares no packet, and a meta that coincides with either
 * declares no metadata. Everything after this sees -1 for what is absent. */
static void normalize_context(struct ebpf_context_descriptor *ctx)
{
	if (ctx->data == ctx->data_end) {
		ctx->data = -1;
		ctx->data_end = -1;
		ctx->meta = -1;
		return;
	}
	if (ctx->meta == ctx->data || ctx->meta == ctx->data_end)
		ctx->meta = -1;
}

/* Version 3 gives the context by pointer: copied to where versions 1 and 2 have it, which is
 * where the verifier reads it. Nonzero when refused (the reason in type->invalid). */
static int read_context_info(struct core_progtype *type, const struct ebpf_context_info *ci)
{
	static const struct ebpf_context_descriptor no_context;
	static const struct ebpf_context_pointers no_pointers;
	struct ebpf_program_info *info = &type->info;

	if (memcmp(&info->context, &no_context, sizeof(no_context)) ||
	    memcmp(&info->context_pointers, &no_pointers, sizeof(no_pointers))) {
		snprintf(type->invalid, sizeof(type->invalid),
			 "%s: gives both context and context_info; version 3 uses context_info "
			 "only",
			 type->who);
		return -EINVAL;
	}
	if (core_contract_check(&core_contract_context_info, &ci->header, SIZE_MAX, type->who,
				type->invalid, sizeof(type->invalid)) ||
	    core_contract_check_element("writable", ci->writable_size,
					sizeof(struct ebpf_context_range), type->who, type->invalid,
					sizeof(type->invalid)))
		return -EINVAL;
	if (ci->header.version >= 2) {
		char why[160];

		if (core_contract_check_element("fields", ci->field_size,
						sizeof(struct ebpf_context_field), type->who,
						type->invalid, sizeof(type->invalid)))
			return -EINVAL;
		if (verifier_ctx_fields_check(ci, why, sizeof(why))) {
			snprintf(type->invalid, sizeof(type->invalid), "%s: %s", type->who, why);
			return -EINVAL;
		}
	}
	info->context = (struct ebpf_context_descriptor){
		.size = ci->size,
		.data = ci->data,
		.data_end = ci->data_end,
		.meta = ci->meta,
		.writable = ci->writable,
		.writable_count = ci->writable_count,
	};
	info->context_pointers = ci->pointers;
	return 0;
}

/* What version 3 added: element sizes (0 for the first layout) and the context by pointer. */
static int read_v3(struct core_progtype *type)
{
	struct ebpf_program_info *info = &type->info;

	/* Before version 3 the first of these bytes were tail padding: never read them. */
	if (info->header.version < 3) {
		info->section_size = 0;
		info->helper_proto_size = 0;
		info->context_info = NULL;
		return 0;
	}
	if (core_contract_check_element("sections", info->section_size,
					sizeof(struct ebpf_section_prefix), type->who,
					type->invalid, sizeof(type->invalid)) ||
	    core_contract_check_element("helpers", info->helper_proto_size,
					sizeof(struct ebpf_helper_proto), type->who, type->invalid,
					sizeof(type->invalid)))
		return -EINVAL;
	return info->context_info ? read_context_info(type, info->context_info) : 0;
}

/* Copies and checks the provider's data; a type found invalid stays listed with the reason, so
 * that loading a program of it says why. */
static void read_info(struct core_progtype *type, const struct nmr_registration_info *provider)
{
	const struct ebpf_program_info *info = provider->npi_specific;
	char whose[96];

	snprintf(type->name, sizeof(type->name), "?");
	core_progtype_loading_who(whose, sizeof(whose));
	snprintf(type->who, sizeof(type->who), "%s", whose);
	if (!info || provider->npi_specific_size < sizeof(info->header)) {
		snprintf(type->invalid, sizeof(type->invalid),
			 "%s: a program information provider gave no program information", whose);
		return;
	}
	/* Only a known version at a known size is read: anything else would be guessed at. */
	if (core_contract_check(&core_contract_program_info, &info->header,
				provider->npi_specific_size, whose, type->invalid,
				sizeof(type->invalid)))
		return;
	memcpy(&type->info, info, info->header.size);
	if (!info->name) {
		snprintf(type->invalid, sizeof(type->invalid), "%s: a program type has no name",
			 whose);
		return;
	}
	snprintf(type->name, sizeof(type->name), "%s", info->name);
	snprintf(type->who, sizeof(type->who), "%s, program type '%s'", whose, type->name);
	if (core_contract_check_flags("program type flags", info->flags, CORE_PROGRAM_TYPE_FLAGS,
				      type->who, type->invalid, sizeof(type->invalid)))
		return;
	if (read_v3(type))
		return;
	normalize_context(&type->info.context);
	check_helpers(type);
	if (!type->invalid[0])
		check_kfuncs(type);
}

static int progtype_attach_provider(nmr_registrar_t *registrar, nmr_handle_t binding,
				    void *client_context,
				    const struct nmr_registration_info *provider)
{
	struct core_progtype *type = calloc(1, sizeof(*type)), **p;
	const void *provider_dispatch;
	void *provider_context;
	int err;

	if (!type)
		return -ENOMEM;
	read_info(type, provider);
	type->binding = binding;
	type->extension = loading_extension;
	atomic_store(&type->refcount, 1);
	/* Listed before binding so that a detach racing with us finds it. */
	core_lock();
	for (p = &core_rt.types; *p; p = &(*p)->next)
		;
	*p = type;
	core_unlock();
	err = nmr_client_attach_provider(registrar, binding, type, NULL, &provider_context,
					 &provider_dispatch);
	if (err) {
		core_lock();
		for (p = &core_rt.types; *p != type; p = &(*p)->next)
			;
		*p = type->next;
		core_unlock();
		core_progtype_put(type);
		return 0;
	}
	/* The binding's callbacks are serialised: no detach reads `info` under us. */
	if (!type->invalid[0])
		core_progtype_rebind(type);
	return 0;
}

static int progtype_detach_provider(void *client_binding_context)
{
	struct core_progtype *type = client_binding_context, **p;
	char why[160];
	int ret = 0;

	snprintf(why, sizeof(why), "its program type '%s' is gone (extension unloaded)",
		 type->name);
	core_lock();
	type->gone = true;
	for (p = &core_rt.types; *p && *p != type; p = &(*p)->next)
		;
	if (*p)
		*p = type->next;
	/* Dormant, not dead: they and their links wake up if the type comes back (rebind.c). */
	for (struct ebpf_program *prog = type->programs; prog; prog = prog->type_next)
		core_program_mark_dormant(prog, why);
	if (type->users) {
		type->detach_pending = true;
		ret = NMR_PENDING;
	}
	core_unlock();
	/* No invocation or test run of its programs is inside the extension after this. */
	core_synchronize_rcu();
	return ret;
}

static void progtype_cleanup(void *client_binding_context)
{
	core_progtype_put(client_binding_context);
}

static const struct nmr_client_characteristics progtype_client = {
	.info = {
		.npi_id = EBPF_PROGRAM_INFO_NPI_ID,
		.module_id = CORE_MODULE_ID,
		.version = EBPF_PROGRAM_INFO_VERSION,
	},
	.attach_provider = progtype_attach_provider,
	.detach_provider = progtype_detach_provider,
	.cleanup_binding_context = progtype_cleanup,
};

int core_progtype_client_register(void)
{
	return nmr_register_client(core_rt.registrar, &progtype_client, NULL,
				   &core_rt.progtype_client);
}

void core_client_deregister(nmr_handle_t *client)
{
	if (nmr_deregister_client(core_rt.registrar, *client) == NMR_PENDING)
		nmr_wait_for_deregistration(core_rt.registrar, *client);
	*client = NMR_INVALID_HANDLE;
}

void core_progtype_client_deregister(void)
{
	core_client_deregister(&core_rt.progtype_client);
}

/* ---- finding a type ---------------------------------------------------------------------- */

/*
 * libbpf's rule, see struct ebpf_section_prefix. Returns a rank, 0 for no match: twice the
 * matched length, plus one for a strict match, so that the longest prefix wins and a strict
 * prefix beats a legacy one ("name*") of the same length.
 */
static size_t prefix_match(const char *prefix, const char *section)
{
	size_t len = strlen(prefix);

	if (len > 1 && prefix[len - 1] == '*')
		return strncmp(prefix, section, len - 1) ? 0 : 2 * (len - 1);
	if (!len || strncmp(prefix, section, len))
		return 0;
	if (prefix[len - 1] == '/' || prefix[len - 1] == '.')
		return 2 * len + 1;
	if (section[len] == '\0' || section[len] == '/')
		return 2 * len + 1;
	return 0;
}

/* Marks the type in use and takes a reference; under the lock. */
static int use_locked(struct core_progtype *type)
{
	if (type->invalid[0])
		return core_error(-EINVAL, "%s", type->invalid);
	type->users++;
	atomic_fetch_add(&type->refcount, 1);
	return 0;
}

int core_progtype_find_section(const char *section, struct core_progtype **found)
{
	const struct ebpf_section_prefix *best = NULL;
	struct core_progtype *best_type = NULL;
	size_t best_rank = 0;
	int err;

	core_lock();
	for (struct core_progtype *type = core_rt.types; type; type = type->next) {
		for (uint32_t i = 0; !type->invalid[0] && i < type->info.section_count; i++) {
			const struct ebpf_section_prefix *sp = &type->info.sections[i];
			size_t rank = sp->prefix ? prefix_match(sp->prefix, section) : 0;

			if (rank > best_rank) {
				best = sp;
				best_type = type;
				best_rank = rank;
			}
		}
	}
	if (!best_type) {
		size_t n = strcspn(section, "/");

		core_unlock();
		return core_error(-ESRCH,
				  "section '%s': no loaded extension provides program type for "
				  "section prefix '%.*s'",
				  section, (int)n, section);
	}
	if (best->refused) {
		err = core_error(-EOPNOTSUPP, "section '%s': program type '%s' refuses it: %s",
				 section, best_type->name, best->refused);
	} else {
		err = use_locked(best_type);
		if (!err)
			*found = best_type;
	}
	core_unlock();
	return err;
}

bool ebpf_section_claimed(const char *section)
{
	bool claimed = false;

	if (!section || core_runtime_start())
		return false;
	core_lock();
	for (struct core_progtype *type = core_rt.types; type && !claimed; type = type->next) {
		for (uint32_t i = 0; !type->invalid[0] && i < type->info.section_count; i++) {
			const char *prefix = type->info.sections[i].prefix;

			if (prefix && prefix_match(prefix, section))
				claimed = true;
		}
	}
	core_unlock();
	return claimed;
}

int core_progtype_find_name(const char *name, struct core_progtype **found)
{
	int err = core_error(-ESRCH, "no loaded extension provides program type '%s'", name);

	core_lock();
	for (struct core_progtype *type = core_rt.types; type; type = type->next) {
		if (!strcmp(type->name, name)) {
			err = use_locked(type);
			if (!err) {
				*found = type;
				core_error_clear();
			}
			break;
		}
	}
	core_unlock();
	return err;
}

int core_progtype_use_program(struct ebpf_program *program, struct core_progtype **found)
{
	struct core_progtype *type;
	int err = 0;

	core_lock();
	type = program->type;
	if (!type || type->gone || !atomic_load_explicit(&program->usable, memory_order_acquire))
		err = core_error(-ENODEV, "program '%s' is dormant: its program type '%s' is gone",
				 program->name, program->type_name);
	else
		err = use_locked(type);
	if (!err)
		*found = type;
	core_unlock();
	return err;
}

void core_progtype_unuse(struct core_progtype *type)
{
	bool complete;

	core_lock();
	type->users--;
	complete = !type->users && type->detach_pending;
	if (complete)
		type->detach_pending = false;
	core_unlock();
	if (complete)
		nmr_client_detach_provider_complete(core_rt.registrar, type->binding);
}

int core_progtype_add_program(struct core_progtype *type, struct ebpf_program *program)
{
	int err = 0;

	core_lock();
	if (type->gone) {
		err = -ENODEV;
	} else {
		program->type_next = type->programs;
		type->programs = program;
	}
	core_unlock();
	return err;
}

/* ---- enumeration ------------------------------------------------------------------------- */

int ebpf_foreach_program_type(ebpf_program_type_cb cb, void *arg)
{
	struct core_progtype **snapshot = NULL;
	size_t count = 0, n = 0;
	int ret = 0;

	core_error_clear();
	ret = core_runtime_start();
	if (ret)
		return ret;
	core_lock();
	for (struct core_progtype *type = core_rt.types; type; type = type->next)
		count++;
	snapshot = calloc(count ? count : 1, sizeof(*snapshot));
	for (struct core_progtype *type = core_rt.types; snapshot && type; type = type->next) {
		if (type->invalid[0])
			continue;
		atomic_fetch_add(&type->refcount, 1);
		snapshot[n++] = type;
	}
	core_unlock();
	if (!snapshot)
		return core_error(-ENOMEM, "program types: out of memory");
	/* Outside the lock: the callback may call the runtime. */
	for (size_t i = 0; i < n; i++) {
		if (!ret)
			ret = cb(&snapshot[i]->info, arg);
		core_progtype_put(snapshot[i]);
	}
	free(snapshot);
	return ret;
}
