/* SPDX-License-Identifier: MIT */
/* Capture files (pcap and pcapng, through libpcap) as a device's packet source. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#include "xdp_device.h"

struct pcap_source {
	pcap_t *pcap;
	uint64_t record; /* records read, for messages */
	char path[];
};

static int pcap_next_packet(struct xdp_device *dev, unsigned char *data, size_t *len, size_t *wire,
			    struct timeval *ts, int timeout_ms)
{
	struct pcap_source *s = dev->source_state;
	struct pcap_pkthdr *hdr;
	const unsigned char *bytes;
	int rc = pcap_next_ex(s->pcap, &hdr, &bytes);

	if (rc == PCAP_ERROR_BREAK)
		return 0;
	if (rc != 1)
		return xdp_error(-EIO, "capture '%s': record %llu: %s", s->path,
				 (unsigned long long)s->record + 1, pcap_geterr(s->pcap));
	s->record++;
	if (hdr->caplen > XDP_MAX_PACKET || hdr->caplen < ETH_HEADER_LEN)
		return xdp_error(-EINVAL,
				 "capture '%s': record %llu has %u bytes; XDP frames have 14 to "
				 "%d",
				 s->path, (unsigned long long)s->record, hdr->caplen,
				 XDP_MAX_PACKET);
	memcpy(data, bytes, hdr->caplen);
	*len = hdr->caplen;
	*wire = hdr->len;
	*ts = hdr->ts;
	return 1;
}

static void pcap_source_close(struct xdp_device *dev)
{
	struct pcap_source *s = dev->source_state;

	pcap_close(s->pcap);
	free(s);
}

static const struct xdp_source_ops pcap_source_ops = {
	.next = pcap_next_packet,
	.close = pcap_source_close,
};

int xdp_pcap_source_open(struct xdp_device *dev, const char *path)
{
	char errbuf[PCAP_ERRBUF_SIZE] = "";
	struct pcap_source *s;
	int link;

	s = calloc(1, sizeof(*s) + strlen(path) + 1);
	if (!s)
		return xdp_error(-ENOMEM, "capture '%s': out of memory", path);
	strcpy(s->path, path);
	s->pcap = pcap_open_offline(path, errbuf);
	if (!s->pcap) {
		free(s);
		return xdp_error(-EINVAL, "capture '%s': %s", path, errbuf);
	}
	link = pcap_datalink(s->pcap);
	if (link != DLT_EN10MB) {
		const char *name = pcap_datalink_val_to_name(link);

		pcap_close(s->pcap);
		free(s);
		return xdp_error(-EINVAL,
				 "capture '%s': link type %s (%d); XDP programs see Ethernet "
				 "frames (EN10MB)",
				 path, name ? name : "?", link);
	}
	dev->source = &pcap_source_ops;
	dev->source_state = s;
	return 0;
}
