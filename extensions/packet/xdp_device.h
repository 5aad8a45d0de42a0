/* SPDX-License-Identifier: MIT */
/* Devices and their packet sources (xdp_device.c, xdp_pcap.c, xdp_live.c). */
#ifndef EXTBPF_XDP_DEVICE_H
#define EXTBPF_XDP_DEVICE_H

#include <sys/time.h>

#include "packet_internal.h"

typedef struct pcap pcap_t;
typedef struct pcap_dumper pcap_dumper_t;

/* Where a device reads packets from and sends them to. */
struct xdp_source_ops {
	/* Reads the next packet into data (room for XDP_MAX_PACKET bytes): returns 1 with *len
	 * bytes captured of *wire on the wire at *ts, 0 at the end (or a live timeout), or a
	 * negative errno with xdp_error set. */
	int (*next)(struct xdp_device *dev, unsigned char *data, size_t *len, size_t *wire,
		    struct timeval *ts, int timeout_ms);
	/* Sends a packet out of the interface (live devices only; NULL otherwise). */
	void (*transmit)(struct xdp_device *dev, const unsigned char *data, size_t len);
	void (*close)(struct xdp_device *dev);
};

struct xdp_output {
	struct xdp_output *next;
	uint32_t which; /* XDP_OUT_* */
	pcap_t *pcap;
	pcap_dumper_t *dumper;
};

struct xdp_device {
	struct xdp_device *next; /* in packet.devices */
	char name[32];
	uint32_t ifindex;
	const struct xdp_source_ops *source; /* NULL: a device without a source */
	void *source_state;
	atomic_bool running;
	atomic_bool stop;
	/* Outputs, transmission and stats: other devices' runs redirect packets here. */
	pthread_mutex_t out_lock;
	struct xdp_output *outputs;
	struct xdp_stats stats;
	unsigned char *buf; /* the frame of the running packet: XDP_BUFFER_SIZE bytes */
};

int xdp_pcap_source_open(struct xdp_device *dev, const char *path);
int xdp_live_source_open(struct xdp_device *dev, const char *ifname, uint32_t ifindex);

#endif /* EXTBPF_XDP_DEVICE_H */
