/* SPDX-License-Identifier: MIT */
/*
 * The packet extension: program type "xdp" (xdp_prog.c) and attach type "xdp" (xdp_hook.c) fed
 * by devices (xdp_device.c) reading capture files (xdp_pcap.c) or live interfaces (xdp_live.c).
 * This file registers the two providers and exports the host API table.
 */
#include <errno.h>
#include <stdlib.h>

#include "packet_internal.h"

#define PACKET_INFO_MODULE_ID NMR_GUID(0x5c1f0a6e, 0x2b7d, 0x4e8a, 0x9f31, 0x7a2c4d6e8b13)

/* The core binds to read the program information; nothing per binding. */
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

static const struct nmr_provider_characteristics info_provider = {
	.info = {
		.npi_id = EBPF_PROGRAM_INFO_NPI_ID,
		.module_id = PACKET_INFO_MODULE_ID,
		.version = EBPF_PROGRAM_INFO_VERSION,
		.npi_specific = &xdp_program_info,
		.npi_specific_size = sizeof(xdp_program_info),
	},
	.attach_client = info_attach_client,
	.detach_client = info_detach_client,
};

struct packet_registration {
	nmr_registrar_t *registrar;
	nmr_handle_t info;
	nmr_handle_t hook;
};

static void deregister(nmr_registrar_t *registrar, nmr_handle_t handle)
{
	/* Pending while links or the core still use us: wait, our code must stay mapped. */
	if (nmr_deregister_provider(registrar, handle) == NMR_PENDING)
		nmr_wait_for_deregistration(registrar, handle);
}

static int packet_load(nmr_registrar_t *registrar, void **state)
{
	struct packet_registration *r = calloc(1, sizeof(*r));
	int err;

	if (!r)
		return -ENOMEM;
	r->registrar = registrar;
	err = nmr_register_provider(registrar, &info_provider, NULL, &r->info);
	if (err)
		goto fail;
	err = xdp_hook_register(registrar, &r->hook);
	if (err) {
		deregister(registrar, r->info);
		goto fail;
	}
	*state = r;
	return 0;
fail:
	free(r);
	return err;
}

static void packet_unload(void *state)
{
	struct packet_registration *r = state;

	deregister(r->registrar, r->hook); /* detaches every link */
	deregister(r->registrar, r->info);
	free(r);
}

EBPF_EXTENSION_DEFINE(packet, "XDP programs on capture files and live interfaces", packet_load,
		      packet_unload)

static const struct packet_host_api host_api = {
	.sz = sizeof(struct packet_host_api),
	.device_create = xdp_device_create,
	.device_create_pcap = xdp_device_create_pcap,
	.device_create_live = xdp_device_create_live,
	.device_destroy = xdp_device_destroy,
	.device_ifindex = xdp_device_ifindex,
	.device_name = xdp_device_name,
	.device_stats = xdp_device_stats,
	.device_add_output = xdp_device_add_output,
	.device_run = xdp_device_run,
	.device_stop = xdp_device_stop,
	.device_inject = xdp_device_inject,
	.last_error = xdp_last_error,
	.verdict_name = xdp_verdict_name,
};

__attribute__((visibility("default"))) const struct packet_host_api *packet_host_api(void)
{
	return &host_api;
}
