/* SPDX-License-Identifier: MIT */
/*
 * Attach type "xdp" (Hook NPI provider): every link is bound to an ifindex given in its attach
 * parameters; the devices run the links of their ifindex on each packet.
 */
#include <errno.h>
#include <stdlib.h>

#include "packet_internal.h"

#define PACKET_HOOK_MODULE_ID NMR_GUID(0x5c1f0a6e, 0x2b7d, 0x4e8a, 0x9f31, 0x7a2c4d6e8b12)

struct packet_state packet = {
	.lock = PTHREAD_RWLOCK_INITIALIZER,
	.next_ifindex = 1000,
};

static const struct ebpf_attach_provider_data hook_data = {
	.header = EBPF_EXTENSION_HEADER(struct ebpf_attach_provider_data,
					EBPF_ATTACH_PROVIDER_DATA_VERSION),
	.name = "xdp",
	.attach_type = XDP_ATTACH_TYPE_GUID,
	.program_type = XDP_PROGRAM_TYPE_GUID,
	.params_size = sizeof(struct xdp_attach_params),
};

static int hook_attach_client(nmr_registrar_t *registrar, nmr_handle_t binding,
			      void *provider_context, const struct nmr_registration_info *client,
			      void *client_binding_context, const void *client_dispatch,
			      void **provider_binding_context, const void **provider_dispatch)
{
	const struct ebpf_link_client_data *data = client->npi_specific;
	const struct ebpf_link_dispatch *dispatch = client_dispatch;
	const struct xdp_attach_params *params;
	struct xdp_binding *b, **p;

	if (!dispatch || dispatch->header.size < offsetof(struct ebpf_link_dispatch, batch_begin) ||
	    !dispatch->invoke || !data || data->params_size != sizeof(*params) || !data->params)
		return -EINVAL;
	params = data->params;
	/* ifindex 0 names no device; flags are reserved (Linux's XDP_FLAGS_* modes mean nothing
	 * here). */
	if (!params->ifindex || params->flags)
		return -EINVAL;
	b = calloc(1, sizeof(*b));
	if (!b)
		return -ENOMEM;
	b->ifindex = params->ifindex;
	b->link = client_binding_context;
	b->dispatch = dispatch;
	pthread_rwlock_wrlock(&packet.lock);
	for (p = &packet.bindings; *p; p = &(*p)->next)
		;
	*p = b;
	pthread_rwlock_unlock(&packet.lock);
	*provider_binding_context = b;
	*provider_dispatch = NULL;
	return 0;
}

static void hook_remove(struct xdp_binding *b)
{
	pthread_rwlock_wrlock(&packet.lock);
	for (struct xdp_binding **p = &packet.bindings; *p; p = &(*p)->next) {
		if (*p == b) {
			*p = b->next;
			break;
		}
	}
	pthread_rwlock_unlock(&packet.lock);
}

/* After the write lock no run invokes the link any more. */
static int hook_detach_client(void *provider_binding_context)
{
	hook_remove(provider_binding_context);
	return 0;
}

static void hook_cleanup(void *provider_binding_context)
{
	hook_remove(provider_binding_context);
	free(provider_binding_context);
}

static const struct nmr_provider_characteristics hook_provider = {
	.info = {
		.npi_id = EBPF_HOOK_NPI_ID,
		.module_id = PACKET_HOOK_MODULE_ID,
		.version = EBPF_ATTACH_PROVIDER_DATA_VERSION,
		.npi_specific = &hook_data,
		.npi_specific_size = sizeof(hook_data),
	},
	.attach_client = hook_attach_client,
	.detach_client = hook_detach_client,
	.cleanup_binding_context = hook_cleanup,
};

int xdp_hook_register(nmr_registrar_t *registrar, nmr_handle_t *handle)
{
	return nmr_register_provider(registrar, &hook_provider, NULL, handle);
}

enum xdp_verdict xdp_run_programs(uint32_t ifindex, struct xdp_context *ctx, uint32_t *redirect,
				  bool *invalid)
{
	uint32_t result = XDP_VERDICT_PASS;

	*redirect = 0;
	*invalid = false;
	for (struct xdp_binding *b = packet.bindings; b; b = b->next) {
		if (b->ifindex != ifindex)
			continue;
		xdp_redirect_take(redirect); /* forget what an earlier program recorded */
		/* -ENOENT: the link is detaching; its program did not run. */
		if (b->dispatch->invoke(b->link, ctx, &result))
			continue;
		if (result >= XDP_VERDICT_COUNT) {
			*invalid = true; /* Linux warns and treats it as aborted */
			return XDP_VERDICT_ABORTED;
		}
		if (result != XDP_VERDICT_PASS)
			break;
	}
	if (!xdp_redirect_take(redirect) || result != XDP_VERDICT_REDIRECT)
		*redirect = 0;
	return result;
}
