/* SPDX-License-Identifier: MIT */
/*
 * Attach type "xdp": every link is bound to an ifindex given in its attach parameters; the
 * devices run the links of their ifindex on each packet. The runtime keeps the links
 * (ebpf_extension_register); this file says which parameters are valid and how the programs of
 * one ifindex combine into a verdict.
 */
#include <errno.h>
#include <stdlib.h>

#include "packet_internal.h"

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

/* ifindex 0 names no device; flags are reserved (Linux's XDP_FLAGS_* modes mean nothing here). */
static int check_params(const void *params, size_t params_size)
{
	const struct xdp_attach_params *p = params;

	return p->ifindex && !p->flags ? 0 : -EINVAL;
}

struct ebpf_hook xdp_hook = { .data = &hook_data, .check_params = check_params };

/* One packet's walk over the programs of its device. */
struct xdp_walk {
	uint32_t ifindex;
	uint32_t result;
	bool invalid;
};

static bool on_device(void *arg, const void *params, size_t params_size)
{
	const struct xdp_attach_params *p = params;

	return p->ifindex == ((struct xdp_walk *)arg)->ifindex;
}

/* The first verdict other than XDP_PASS wins. */
static int on_verdict(void *arg, uint32_t result)
{
	struct xdp_walk *w = arg;
	struct xdp_redirect ignored;

	w->result = result;
	if (result >= XDP_VERDICT_COUNT) {
		w->invalid = true; /* Linux warns and treats it as aborted */
		w->result = XDP_VERDICT_ABORTED;
		return 1;
	}
	if (result != XDP_VERDICT_PASS)
		return 1;
	xdp_redirect_take(&ignored); /* what a passing program recorded means nothing */
	return 0;
}

enum xdp_verdict xdp_run_programs(uint32_t ifindex, struct xdp_context *ctx,
				  struct xdp_redirect *redirect, bool *invalid)
{
	struct xdp_walk w = { .ifindex = ifindex, .result = XDP_VERDICT_PASS };

	xdp_redirect_take(redirect); /* forget what an earlier packet recorded */
	/* -ENODEV (not loaded) runs nothing: the packet passes, as with no program attached. */
	ebpf_hook_invoke_filtered(&xdp_hook, ctx, on_device, on_verdict, &w);
	*invalid = w.invalid;
	if (!xdp_redirect_take(redirect) || w.result != XDP_VERDICT_REDIRECT)
		*redirect = (struct xdp_redirect){ 0 };
	return w.result;
}
