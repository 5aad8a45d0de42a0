/* SPDX-License-Identifier: MIT */
/*
 * The packet extension's contract with the hosts that feed it packets.
 *
 * Programs need nothing from here: they are ordinary XDP programs written against Linux's
 * <linux/bpf.h> (struct xdp_md, XDP_PASS, ...) and libbpf's <bpf/bpf_helpers.h>, in sections
 * "xdp" or "xdp/...", and they call Linux's helpers by Linux's ids (see docs/xdp.md).
 *
 * Hosts create *devices* (virtual interfaces with an ifindex), attach programs to a device with
 * ebpf_program_attach(program, &XDP_ATTACH_TYPE, &(struct xdp_attach_params){ ifindex }, ...)
 * and run the device's packet source:
 *
 *	struct xdp_device *dev;
 *	struct xdp_stats stats;
 *
 *	xdp_device_create_pcap("in0", "in.pcap", 0, &dev);
 *	xdp_device_add_output(dev, "out.pcap", XDP_OUT_PASS | XDP_OUT_TX | XDP_OUT_REDIRECT);
 *	ebpf_program_attach(prog, &guid, &params, sizeof(params), &link);
 *	xdp_device_run(dev, NULL, &stats);
 *
 * A device's source is a capture file (pcap or pcapng, read with libpcap), a live interface (an
 * AF_PACKET socket) or nothing (a redirect target, or frames the host injects). Every program
 * attached to the device's ifindex runs on each packet, in attach order, for as long as they
 * return XDP_PASS (libxdp's multi-program rule); the first other verdict is the packet's fate.
 * What a device emits -- packets passed to the stack, transmitted (XDP_TX, or redirected to
 * it) or redirected away -- goes to its output captures and, for a live device, XDP_TX and
 * redirects to it are sent on its interface.
 *
 * A host linking the static archive calls the functions directly; packet.so exports only
 * PACKET_HOST_API_SYMBOL, a table of them all, for hosts that load it with ebpf_extension_load
 * (one dlsym). When a call fails, xdp_last_error() says what and where (per thread).
 */
#ifndef EXTBPF_PACKET_EXT_H
#define EXTBPF_PACKET_EXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <extbpf/extension.h>

#ifdef __cplusplus
extern "C" {
#endif

#define XDP_PROGRAM_TYPE_GUID NMR_GUID(0x5c1f0a6e, 0x2b7d, 0x4e8a, 0x9f31, 0x7a2c4d6e8b10)
#define XDP_ATTACH_TYPE_GUID  NMR_GUID(0x5c1f0a6e, 0x2b7d, 0x4e8a, 0x9f31, 0x7a2c4d6e8b11)

/* Linux's values (enum xdp_action). */
enum xdp_verdict {
	XDP_VERDICT_ABORTED = 0,
	XDP_VERDICT_DROP,
	XDP_VERDICT_PASS,
	XDP_VERDICT_TX,
	XDP_VERDICT_REDIRECT,
	XDP_VERDICT_COUNT,
};

/* As Linux: room in front of the packet for bpf_xdp_adjust_head / adjust_meta. */
#define XDP_HEADROOM 256

/* The attach parameters of attach type "xdp": the device to run on. */
struct xdp_attach_params {
	uint32_t ifindex;
	uint32_t flags; /* must be 0 */
};

struct xdp_device;

/* Which packets an output capture receives (several may be combined). */
#define XDP_OUT_PASS	 (1u << 0) /* passed to the stack */
#define XDP_OUT_TX	 (1u << 1) /* sent out of this device: XDP_TX, or redirected to it */
#define XDP_OUT_REDIRECT (1u << 2) /* redirected by this device's programs elsewhere */
#define XDP_OUT_DROP	 (1u << 3) /* dropped or aborted (for debugging) */

struct xdp_stats {
	uint64_t packets; /* received from the source (or injected) */
	uint64_t bytes;
	uint64_t verdicts[XDP_VERDICT_COUNT]; /* each received packet's fate */
	uint64_t invalid_verdicts; /* programs returned > XDP_REDIRECT: counted aborted */
	uint64_t redirect_errors;  /* redirects to no device: the packet was dropped */
	uint64_t tx_packets;	   /* sent out of this device (XDP_TX + redirected in) */
	uint64_t truncated;	   /* capture records shorter than the packet on the wire */
	uint64_t run_ns;	   /* wall time of xdp_device_run */
};

/* Called every `progress_every` packets of a run (from the running thread). */
typedef void (*xdp_progress_fn)(void *arg, const struct xdp_stats *stats);

struct xdp_run_opts {
	size_t sz;	      /* sizeof(struct xdp_run_opts) */
	uint64_t max_packets; /* stop after this many (0: until the source ends or the stop) */
	int timeout_ms;	      /* live: stop after this long without a packet (0: never) */
	xdp_progress_fn progress;
	void *progress_arg;
	uint64_t progress_every; /* 0: 65536 */
};

/* A device without a source: a redirect target, or for xdp_device_inject. ifindex 0 picks a
 * free one. -EEXIST when the name or ifindex is taken. */
int xdp_device_create(const char *name, uint32_t ifindex, struct xdp_device **dev);
/* A device whose source is a capture file (pcap or pcapng, Ethernet link type). */
int xdp_device_create_pcap(const char *name, const char *path, uint32_t ifindex,
			   struct xdp_device **dev);
/* A device on a live interface (AF_PACKET socket; needs CAP_NET_RAW). Its ifindex is the
 * interface's. */
int xdp_device_create_live(const char *ifname, struct xdp_device **dev);
/* Stops a run in progress, closes the outputs and frees the device (links stay attached to the
 * ifindex and run again on a device created with it). */
void xdp_device_destroy(struct xdp_device *dev);

uint32_t xdp_device_ifindex(const struct xdp_device *dev);
const char *xdp_device_name(const struct xdp_device *dev);
/* Counters since creation (a snapshot). */
void xdp_device_stats(const struct xdp_device *dev, struct xdp_stats *stats);

/* Opens (truncates) a pcap file receiving what the device emits, per `which` (XDP_OUT_*). */
int xdp_device_add_output(struct xdp_device *dev, const char *path, uint32_t which);

/* Reads the source until it ends (capture), max_packets, timeout or xdp_device_stop, running
 * each packet through the programs. stats (may be NULL) receives this run's counters. */
int xdp_device_run(struct xdp_device *dev, const struct xdp_run_opts *opts,
		   struct xdp_stats *stats);
/* Asks a run in progress (on another thread) to return. */
void xdp_device_stop(struct xdp_device *dev);

/*
 * Runs one frame through the device's programs as if it had been received, with the side
 * effects of its verdict (outputs, redirects, sending). The frame (at most 65535 bytes, at
 * least 14) is copied in; out (may be NULL) receives up to *out_size bytes of the packet as the
 * programs left it and *out_size its full length. *verdict gets the packet's fate.
 */
int xdp_device_inject(struct xdp_device *dev, const void *frame, size_t size, void *out,
		      size_t *out_size, enum xdp_verdict *verdict);

/*
 * Host queues, the user-space counterpart of AF_XDP sockets: put a queue's id into an xskmap
 * (BPF_MAP_TYPE_XSKMAP, value u32) and programs redirecting to that entry (bpf_redirect_map)
 * deliver a copy of the packet into the queue. A full queue drops the packet. The id names the
 * queue until it is destroyed; entries naming a destroyed queue count as redirect errors.
 */
struct xdp_xsk;
/* A queue of up to capacity frames (1 to 65536). */
int xdp_xsk_create(uint32_t capacity, struct xdp_xsk **xsk);
void xdp_xsk_destroy(struct xdp_xsk *xsk);
uint32_t xdp_xsk_id(const struct xdp_xsk *xsk);
/* Takes the oldest frame: 0 with its length in *len, -EAGAIN when the queue is empty,
 * -EMSGSIZE (the frame stays, its length in *len) when it does not fit in size bytes. */
int xdp_xsk_read(struct xdp_xsk *xsk, void *buf, size_t size, size_t *len);
/* Frames dropped because the queue was full. */
uint64_t xdp_xsk_dropped(struct xdp_xsk *xsk);

/* The calling thread's last error message ("" when none). */
const char *xdp_last_error(void);
const char *xdp_verdict_name(enum xdp_verdict verdict);

/* Everything above as one table, for hosts that dlopen packet.so. */
struct packet_host_api {
	size_t sz;
	int (*device_create)(const char *name, uint32_t ifindex, struct xdp_device **dev);
	int (*device_create_pcap)(const char *name, const char *path, uint32_t ifindex,
				  struct xdp_device **dev);
	int (*device_create_live)(const char *ifname, struct xdp_device **dev);
	void (*device_destroy)(struct xdp_device *dev);
	uint32_t (*device_ifindex)(const struct xdp_device *dev);
	const char *(*device_name)(const struct xdp_device *dev);
	void (*device_stats)(const struct xdp_device *dev, struct xdp_stats *stats);
	int (*device_add_output)(struct xdp_device *dev, const char *path, uint32_t which);
	int (*device_run)(struct xdp_device *dev, const struct xdp_run_opts *opts,
			  struct xdp_stats *stats);
	void (*device_stop)(struct xdp_device *dev);
	int (*device_inject)(struct xdp_device *dev, const void *frame, size_t size, void *out,
			     size_t *out_size, enum xdp_verdict *verdict);
	const char *(*last_error)(void);
	const char *(*verdict_name)(enum xdp_verdict verdict);
	/* Since the host queues (check sz). */
	int (*xsk_create)(uint32_t capacity, struct xdp_xsk **xsk);
	void (*xsk_destroy)(struct xdp_xsk *xsk);
	uint32_t (*xsk_id)(const struct xdp_xsk *xsk);
	int (*xsk_read)(struct xdp_xsk *xsk, void *buf, size_t size, size_t *len);
	uint64_t (*xsk_dropped)(struct xdp_xsk *xsk);
};

#define PACKET_HOST_API_SYMBOL "packet_host_api"
typedef const struct packet_host_api *(*packet_host_api_fn)(void);
const struct packet_host_api *packet_host_api(void);

/* The descriptor to pass to ebpf_extension_add_static when linking the static archive. */
extern const struct ebpf_extension_descriptor ebpf_extension_packet;

#ifdef __cplusplus
}
#endif

#endif /* EXTBPF_PACKET_EXT_H */
