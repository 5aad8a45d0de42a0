// SPDX-License-Identifier: MIT
/*
 * The linux extension: the program types of linux_types.c, registered with one
 * ebpf_extension_register call.
 * It has no hooks and no test-run contexts: its programs are verified (ebpf_object_open with
 * verify_only); one that calls no verify-only helper also loads for execution, for a host or a
 * future hook to run.
 *
 * The provider data (struct ebpf_program_info, with the helper prototypes copied from
 * linux_protos by key) is built when the extension loads and lives in its state until unload.
 */
#include <errno.h>
#include <stdlib.h>

#include "linux_internal.h"

#define LINUX_MODULE_ID NMR_GUID(0x6c6e7800, 0x0b9f, 0x4d2a, 0x8e5c, 0x1b9f0000ffffull)

/* One program type's provider data and the helper tables it points to. */
struct linux_provider {
	struct ebpf_program_info info;
	struct ebpf_context_info context;
	struct ebpf_helper_proto *helpers;
	ebpf_helper_fn *addresses;
};

struct linux_state {
	struct ebpf_extension_providers *registered;
	const struct ebpf_program_info **infos; /* &providers[i].info, for the registration */
	struct linux_provider providers[];
};

static int build_helpers(struct linux_provider *p, const struct linux_type *type)
{
	if (!type->helper_count)
		return 0;
	p->helpers = calloc(type->helper_count, sizeof(*p->helpers));
	p->addresses = calloc(type->helper_count, sizeof(*p->addresses));
	if (!p->helpers || !p->addresses)
		return -ENOMEM;
	for (uint32_t i = 0; i < type->helper_count; i++) {
		p->helpers[i] = linux_protos[type->helpers[i]];
		p->addresses[i] = linux_helper_unavailable;
	}
	return 0;
}

static int build_provider(struct linux_provider *p, const struct linux_type *type)
{
	const nmr_guid_t guid = LINUX_PROGRAM_TYPE_GUID(type->number);
	int err = build_helpers(p, type);

	if (err)
		return err;
	p->context = (struct ebpf_context_info){
		.header =
		    EBPF_EXTENSION_HEADER(struct ebpf_context_info, EBPF_CONTEXT_INFO_VERSION),
		.size = type->context.size,
		.data = type->context.data,
		.data_end = type->context.data_end,
		.meta = type->context.meta,
		.writable = type->context.writable,
		.writable_count = type->context.writable_count,
		.writable_size = sizeof(struct ebpf_context_range),
		.pointers = type->pointers,
		.fields = type->fields,
		.field_count = type->field_count,
		.field_size = sizeof(struct ebpf_context_field),
	};
	p->info = (struct ebpf_program_info){
		EBPF_PROGRAM_INFO_V3,
		.name = type->name,
		.program_type = guid,
		.sections = type->sections,
		.section_count = type->section_count,
		.context_info = &p->context,
		.helpers = p->helpers,
		.helper_addresses = p->addresses,
		.helper_count = type->helper_count,
		.flags = type->flags,
		.btf_attach = type->btf_attach,
		.btf_attach_count = type->btf_attach_count,
	};
	return 0;
}

static void state_free(struct linux_state *s)
{
	ebpf_extension_deregister(s->registered); /* waits until the core stopped reading */
	for (size_t i = 0; i < linux_type_count; i++) {
		free(s->providers[i].helpers);
		free(s->providers[i].addresses);
	}
	free(s->infos);
	free(s);
}

static int linux_load(nmr_registrar_t *registrar, void **state)
{
	struct ebpf_extension_registration reg = {
		.header = EBPF_EXTENSION_HEADER(struct ebpf_extension_registration,
						EBPF_EXTENSION_REGISTRATION_VERSION),
		.module_id = LINUX_MODULE_ID,
		.program_type_count = (uint32_t)linux_type_count,
	};
	struct linux_state *s;
	int err = 0;

	s = calloc(1, sizeof(*s) + linux_type_count * sizeof(s->providers[0]));
	if (!s)
		return -ENOMEM;
	s->infos = calloc(linux_type_count, sizeof(*s->infos));
	if (!s->infos)
		err = -ENOMEM;
	for (size_t i = 0; i < linux_type_count && !err; i++) {
		err = build_provider(&s->providers[i], &linux_types[i]);
		s->infos[i] = &s->providers[i].info;
	}
	reg.program_types = s->infos;
	if (!err)
		err = ebpf_extension_register(registrar, &reg, &s->registered);
	if (err) {
		state_free(s);
		return err;
	}
	*state = s;
	return 0;
}

static void linux_unload(void *state)
{
	state_free(state);
}

/* GNU C predefines `linux` as 1, which would turn the descriptor's name into ebpf_extension_1. */
#undef linux

EBPF_EXTENSION_DEFINE(linux,
		      "Linux program types (socket_filter, sched_cls, kprobe, ...) for "
		      "offline verification of objects built for Linux",
		      linux_load, linux_unload)
