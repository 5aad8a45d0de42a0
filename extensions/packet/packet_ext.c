/* SPDX-License-Identifier: MIT */
/*
 * The packet extension: program type "xdp" (xdp_prog.c) and attach type "xdp" (xdp_hook.c) fed
 * by devices (xdp_device.c) reading capture files (xdp_pcap.c) or live interfaces (xdp_live.c),
 * and the map types programs redirect through (xdp_maps.c, host queues in xdp_xsk.c). This file
 * registers them (ebpf_extension_register) and exports the host API table.
 */
#include "packet_internal.h"

#define PACKET_MODULE_ID NMR_GUID(0x5c1f0a6e, 0x2b7d, 0x4e8a, 0x9f31, 0x7a2c4d6e8b13)

static const struct ebpf_program_info *const program_types[] = { &xdp_program_info };
static struct ebpf_hook *const hooks[] = { &xdp_hook };
static const struct ebpf_map_type_info *const map_types[] = {
	&xdp_devmap_info, &xdp_devmap_hash_info, &xdp_cpumap_info,
	&xdp_xskmap_info, &xdp_sockmap_info,	 &xdp_sockhash_info,
};

static const struct ebpf_extension_registration registration = {
	.header = EBPF_EXTENSION_HEADER(struct ebpf_extension_registration,
					EBPF_EXTENSION_REGISTRATION_VERSION),
	.module_id = PACKET_MODULE_ID,
	.program_types = program_types,
	.program_type_count = 1,
	.hooks = hooks,
	.hook_count = 1,
	.map_types = map_types,
	.map_type_count = sizeof(map_types) / sizeof(map_types[0]),
};

static int packet_load(nmr_registrar_t *registrar, void **state)
{
	struct ebpf_extension_providers *providers;
	int err = ebpf_extension_register(registrar, &registration, &providers);

	if (!err)
		*state = providers;
	return err;
}

/* Returns once every link is detached and no program of ours is running. */
static void packet_unload(void *state)
{
	ebpf_extension_deregister(state);
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
	.xsk_create = xdp_xsk_create,
	.xsk_destroy = xdp_xsk_destroy,
	.xsk_id = xdp_xsk_id,
	.xsk_read = xdp_xsk_read,
	.xsk_dropped = xdp_xsk_dropped,
};

__attribute__((visibility("default"))) const struct packet_host_api *packet_host_api(void)
{
	return &host_api;
}
