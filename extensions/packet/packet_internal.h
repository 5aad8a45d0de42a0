/* SPDX-License-Identifier: MIT */
/* What the packet extension's files share: the XDP context, frames, the hook's state. */
#ifndef EXTBPF_PACKET_INTERNAL_H
#define EXTBPF_PACKET_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <extbpf/extension.h>

#include "packet_ext.h"

#define ETH_HEADER_LEN	    14
/* Linux keeps a struct xdp_frame (40 bytes) at the start of the headroom: the same room is kept
 * free here so that adjust_head and adjust_meta accept exactly what they accept on Linux. */
#define XDP_FRAME_RESERVED  40
/* Linux's frames are pages with skb_shared_info at the end: a packet of up to 3520 bytes may
 * grow to that size with adjust_tail, a bigger one may only shrink. */
#define XDP_FRAME_SIZE	    4096
#define XDP_SHINFO_RESERVED 320
#define XDP_MAX_PACKET	    65535
#define XDP_META_MAX	    32
/* A buffer big enough for any frame. */
#define XDP_BUFFER_SIZE	    (XDP_HEADROOM + XDP_MAX_PACKET + XDP_SHINFO_RESERVED)

/* Linux's struct xdp_md: what programs read (all __u32). */
struct xdp_md_view {
	uint32_t data;
	uint32_t data_end;
	uint32_t data_meta;
	uint32_t ingress_ifindex;
	uint32_t rx_queue_index;
	uint32_t egress_ifindex;
};

/*
 * The context a program's r1 points to. Programs address only md (24 bytes, read-only); their
 * 4-byte loads of md.data / data_end / data_meta are rewritten by the core into 8-byte loads of
 * the pointer slots that follow (ebpf_program_info.context_pointers), which hold the real
 * addresses. md's three packet fields are kept at the pointers' low 32 bits, for show only.
 */
struct xdp_context {
	struct xdp_md_view md;
	uint64_t data;
	uint64_t data_end;
	uint64_t data_meta;
	/* Private to the extension. */
	unsigned char *hard_start; /* the frame: headroom first */
	unsigned char *hard_end;   /* the limit of adjust_tail */
};

#define XDP_CTX_DATA_SLOT     24
#define XDP_CTX_DATA_END_SLOT 32
#define XDP_CTX_META_SLOT     40

/* Lays a packet of len bytes (already at buf + XDP_HEADROOM) out in the context, with metalen
 * bytes of metadata just before it (taken from the headroom). */
void xdp_context_init(struct xdp_context *ctx, unsigned char *buf, size_t len, size_t metalen,
		      uint32_t ifindex, uint32_t rx_queue);
/* Keeps md's packet fields in step with the pointers. */
void xdp_context_sync(struct xdp_context *ctx);

extern const struct ebpf_program_info xdp_program_info;

/* Where a redirect sends the packet. */
enum xdp_redirect_kind {
	XDP_REDIRECT_NONE = 0,
	XDP_REDIRECT_DEVICE, /* target: an ifindex */
	XDP_REDIRECT_CPU,    /* target: a CPU of a cpumap (the packet continues as XDP_PASS) */
	XDP_REDIRECT_XSK,    /* target: a host queue's id (xdp_xsk_create) */
};

struct xdp_redirect {
	uint32_t kind; /* enum xdp_redirect_kind */
	uint32_t target;
};

/* The target of the last bpf_redirect / bpf_redirect_map on this thread, then forgets it:
 * false when none was recorded since the last call. */
bool xdp_redirect_take(struct xdp_redirect *target);

/* ---- map types (xdp_maps.c) --------------------------------------------------------------- */

extern const struct ebpf_map_type_info xdp_devmap_info;
extern const struct ebpf_map_type_info xdp_devmap_hash_info;
extern const struct ebpf_map_type_info xdp_cpumap_info;
extern const struct ebpf_map_type_info xdp_xskmap_info;
extern const struct ebpf_map_type_info xdp_sockmap_info;
extern const struct ebpf_map_type_info xdp_sockhash_info;

/* bpf_redirect_map's target for key in map (inside the invocation): 0, -ENOENT when the key
 * has no entry, -EINVAL when the map is none the packet extension redirects through. */
int xdp_map_redirect_target(struct ebpf_map *map, uint32_t key, struct xdp_redirect *target);

/* ---- host queues (xdp_xsk.c) -------------------------------------------------------------- */

bool xdp_xsk_exists(uint32_t id);
/* Copies the packet into queue id; packet.lock held. -ENOENT (no such queue), -ENOSPC (full:
 * counted as dropped by the queue). */
int xdp_xsk_deliver(uint32_t id, const void *data, size_t len);

/* ---- errors ------------------------------------------------------------------------------ */

/* Sets the thread's message and returns err. */
int xdp_error(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void xdp_error_clear(void);

/* ---- the hook and the devices ------------------------------------------------------------ */

/* Attach type "xdp" (xdp_hook.c), registered by packet_ext.c; the runtime keeps its links. */
extern struct ebpf_hook xdp_hook;

/*
 * The devices are process-wide because hosts call plain functions (xdp_device_*). Running
 * packets holds the read lock, so no device disappears under a redirect; the links need no lock
 * (ebpf_hook_invoke is lock-free).
 */
struct packet_state {
	pthread_rwlock_t lock;
	struct xdp_device *devices;
	uint32_t next_ifindex; /* for devices created without one */
	struct xdp_xsk *xsks;  /* host queues (xdp_xsk.c) */
	uint32_t last_xsk_id;
};

extern struct packet_state packet;

/* Runs every program attached to ifindex on ctx, in attach order while they pass. *redirect gets
 * the target of a XDP_REDIRECT verdict, kind XDP_REDIRECT_NONE when the program recorded none. */
enum xdp_verdict xdp_run_programs(uint32_t ifindex, struct xdp_context *ctx,
				  struct xdp_redirect *redirect, bool *invalid);

#endif /* EXTBPF_PACKET_INTERNAL_H */
