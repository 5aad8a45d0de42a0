/* SPDX-License-Identifier: MIT */
/*
 * A live interface as a device's packet source: an AF_PACKET socket bound to it sees a copy of
 * every frame the interface receives (the kernel's stack still gets the original: XDP_DROP here
 * cannot stop it) and sends what the programs transmit or redirect to it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "xdp_device.h"

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING 23
#endif

struct live_source {
	int fd;
	uint64_t send_errors;
};

/* Polls in slices so that xdp_device_stop is seen within this many milliseconds. */
#define STOP_SLICE_MS 50

static int live_next(struct xdp_device *dev, unsigned char *data, size_t *len, size_t *wire,
		     struct timeval *ts, int timeout_ms)
{
	struct live_source *s = dev->source_state;
	struct sockaddr_ll from;
	int waited = 0;

	for (;;) {
		struct pollfd pfd = { .fd = s->fd, .events = POLLIN };
		socklen_t fromlen = sizeof(from);
		ssize_t n;
		int rc;

		if (atomic_load(&dev->stop) || (timeout_ms > 0 && waited >= timeout_ms))
			return 0;
		rc = poll(&pfd, 1, STOP_SLICE_MS);
		if (rc < 0 && errno != EINTR)
			return xdp_error(-errno, "interface '%s': poll: %s", dev->name,
					 strerror(errno));
		if (rc <= 0) {
			waited += STOP_SLICE_MS;
			continue;
		}
		/* MSG_TRUNC: n is the length on the wire even when the frame did not fit. */
		n = recvfrom(s->fd, data, XDP_MAX_PACKET, MSG_TRUNC, (struct sockaddr *)&from,
			     &fromlen);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return xdp_error(-errno, "interface '%s': receive: %s", dev->name,
					 strerror(errno));
		}
		/* Our own transmissions, on kernels without PACKET_IGNORE_OUTGOING. */
		if (from.sll_pkttype == PACKET_OUTGOING || n < ETH_HEADER_LEN)
			continue;
		*wire = (size_t)n;
		*len = (size_t)n > XDP_MAX_PACKET ? XDP_MAX_PACKET : (size_t)n;
		gettimeofday(ts, NULL);
		return 1;
	}
}

static void live_transmit(struct xdp_device *dev, const unsigned char *data, size_t len)
{
	struct live_source *s = dev->source_state;

	/* A full queue loses the frame, as a NIC's would; counted, not fatal. */
	if (send(s->fd, data, len, MSG_DONTWAIT) < 0)
		s->send_errors++;
}

static void live_close(struct xdp_device *dev)
{
	struct live_source *s = dev->source_state;

	close(s->fd);
	free(s);
}

static const struct xdp_source_ops live_source_ops = {
	.next = live_next,
	.transmit = live_transmit,
	.close = live_close,
};

int xdp_live_source_open(struct xdp_device *dev, const char *ifname, uint32_t ifindex)
{
	struct sockaddr_ll addr = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_ALL),
		.sll_ifindex = (int)ifindex,
	};
	struct live_source *s = calloc(1, sizeof(*s));
	int one = 1, err;

	if (!s)
		return xdp_error(-ENOMEM, "interface '%s': out of memory", ifname);
	s->fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));
	if (s->fd < 0) {
		err = -errno;
		free(s);
		return xdp_error(err, "interface '%s': AF_PACKET socket: %s%s", ifname,
				 strerror(-err), err == -EPERM ? " (needs CAP_NET_RAW)" : "");
	}
	if (bind(s->fd, (struct sockaddr *)&addr, sizeof(addr))) {
		err = -errno;
		close(s->fd);
		free(s);
		return xdp_error(err, "interface '%s': bind: %s", ifname, strerror(-err));
	}
	/* Best effort: older kernels lack it and live_next filters by packet type instead. */
	setsockopt(s->fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof(one));
	dev->source = &live_source_ops;
	dev->source_state = s;
	return 0;
}
