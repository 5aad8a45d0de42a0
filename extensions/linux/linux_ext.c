// SPDX-License-Identifier: MIT
/*
 * The linux extension: one Program Information NPI provider per program type of linux_types.c.
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

struct linux_provider {
	struct ebpf_program_info info;
	struct nmr_provider_characteristics characteristics;
	struct ebpf_helper_proto *helpers;
	ebpf_helper_fn *addresses;
	nmr_handle_t handle;
};

struct linux_state {
	nmr_registrar_t *registrar;
	size_t registered; /* providers[0 .. registered) are registered */
	struct linux_provider providers[];
};

/* The core binds to read the program information; there is nothing per binding to keep. */
static int info_attach_client(nmr_registrar_t *registrar, nmr_handle_t binding,
			      void *provider_context, const struct nmr_registration_info *client,
			      void *client_binding_context, const void *client_dispatch,
			      void **provider_binding_context, const void **provider_dispatch)
{
	*provider_binding_context = NULL;
	*provider_dispatch = NULL;
	return 0;
}

static int info_detach_client(void *provider_binding_context)
{
	return 0;
}

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
	p->info = (struct ebpf_program_info){
		.header =
		    EBPF_EXTENSION_HEADER(struct ebpf_program_info, EBPF_PROGRAM_INFO_VERSION),
		.name = type->name,
		.program_type = guid,
		.sections = type->sections,
		.section_count = type->section_count,
		.context = type->context,
		.helpers = p->helpers,
		.helper_addresses = p->addresses,
		.helper_count = type->helper_count,
		.flags = type->flags,
		.context_pointers = type->pointers,
	};
	p->characteristics = (struct nmr_provider_characteristics){
		.info = {
			.npi_id = EBPF_PROGRAM_INFO_NPI_ID,
			.module_id = LINUX_MODULE_ID,
			.version = EBPF_PROGRAM_INFO_VERSION,
			.npi_specific = &p->info,
			.npi_specific_size = sizeof(p->info),
		},
		.attach_client = info_attach_client,
		.detach_client = info_detach_client,
	};
	return 0;
}

static void deregister(nmr_registrar_t *registrar, nmr_handle_t handle)
{
	/* Pending while the core still reads our data: wait, it must stay valid until then. */
	if (nmr_deregister_provider(registrar, handle) == NMR_PENDING)
		nmr_wait_for_deregistration(registrar, handle);
}

static void state_free(struct linux_state *s)
{
	while (s->registered)
		deregister(s->registrar, s->providers[--s->registered].handle);
	for (size_t i = 0; i < linux_type_count; i++) {
		free(s->providers[i].helpers);
		free(s->providers[i].addresses);
	}
	free(s);
}

static int linux_load(nmr_registrar_t *registrar, void **state)
{
	struct linux_state *s;
	int err = 0;

	s = calloc(1, sizeof(*s) + linux_type_count * sizeof(s->providers[0]));
	if (!s)
		return -ENOMEM;
	s->registrar = registrar;
	for (size_t i = 0; i < linux_type_count && !err; i++) {
		struct linux_provider *p = &s->providers[i];

		err = build_provider(p, &linux_types[i]);
		if (!err)
			err =
			    nmr_register_provider(registrar, &p->characteristics, NULL, &p->handle);
		if (!err)
			s->registered++;
	}
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
