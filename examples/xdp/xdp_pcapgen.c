/* SPDX-License-Identifier: MIT */
/*
 * xdp-pcapgen: writes a deterministic capture of Ethernet frames for the XDP examples and
 * tests, so that nothing is downloaded. Packet i is of kind i % 7, in this order:
 *
 *	0 ARP request          3 IPv4 ICMP echo     6 IPv6 ICMPv6 echo
 *	1 IPv4 TCP SYN         4 IPv6 TCP SYN
 *	2 IPv4 UDP             5 IPv6 UDP
 *
 * Addresses and ports vary with i: IPv4 source 10.1.<i / 200>.<i % 200 + 1>, destination
 * 10.0.0.<1 + i % 4>; IPv6 source fd00::1:<i>, destination fd00::<1 + i % 4>; TCP/UDP source
 * port 10000 + i, destination port 80, 443, 53 or 8080 (i % 4); the source MAC's last byte is
 * i % 4. Every checksum is correct.
 *
 * usage: xdp-pcapgen OUT [--count N] [--pcapng]     (default 1000 packets, pcap)
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct frame {
	unsigned char b[128];
	size_t len;
};

static void put16(unsigned char *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static void put32(unsigned char *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

/* The Internet checksum of len bytes, starting from sum. */
static uint16_t csum(const unsigned char *p, size_t len, uint32_t sum)
{
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static size_t ethernet(unsigned char *p, unsigned int i, uint16_t type)
{
	static const unsigned char dst[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };
	const unsigned char src[6] = { 0x02, 0x00, 0x00, 0x00, 0x01, (unsigned char)(i % 4) };

	memcpy(p, dst, 6);
	memcpy(p + 6, src, 6);
	put16(p + 12, type);
	return 14;
}

static size_t arp(unsigned char *p, unsigned int i)
{
	put16(p, 1); /* Ethernet */
	put16(p + 2, 0x0800);
	p[4] = 6;
	p[5] = 4;
	put16(p + 6, 1); /* request */
	memcpy(p + 8, (unsigned char[6]){ 0x02, 0, 0, 0, 1, (unsigned char)(i % 4) }, 6);
	put32(p + 14, 0x0a010000 | (i / 200) << 8 | (i % 200 + 1));
	memset(p + 18, 0, 6);
	put32(p + 24, 0x0a000001 + i % 4);
	return 28;
}

/* The L4 header and payload for protocol proto (6, 17, 1 or 58); checksum left zero. */
static size_t l4(unsigned char *p, unsigned int i, uint8_t proto)
{
	static const uint16_t ports[4] = { 80, 443, 53, 8080 };

	if (proto == 6) {
		memset(p, 0, 20);
		put16(p, 10000 + i);
		put16(p + 2, ports[i % 4]);
		put32(p + 4, 1000 * i);
		p[12] = 5 << 4;
		p[13] = 0x02; /* SYN */
		put16(p + 14, 65535);
		return 20;
	}
	if (proto == 17) {
		put16(p, 10000 + i);
		put16(p + 2, ports[i % 4]);
		put16(p + 4, 8 + 12);
		put16(p + 6, 0);
		memcpy(p + 8, "extbpf-test!", 12);
		return 20;
	}
	p[0] = proto == 1 ? 8 : 128; /* echo request */
	p[1] = 0;
	put16(p + 2, 0);
	put16(p + 4, 0x1234);
	put16(p + 6, i);
	memcpy(p + 8, "ping", 4);
	return 12;
}

static size_t ipv4(unsigned char *p, unsigned int i, uint8_t proto)
{
	size_t n = l4(p + 20, i, proto);
	unsigned char pseudo[12];

	p[0] = 0x45;
	p[1] = 0;
	put16(p + 2, 20 + n);
	put16(p + 4, i);
	put16(p + 6, 0x4000); /* DF */
	p[8] = 64;
	p[9] = proto;
	put16(p + 10, 0);
	put32(p + 12, 0x0a010000 | (i / 200) << 8 | (i % 200 + 1));
	put32(p + 16, 0x0a000001 + i % 4);
	put16(p + 10, csum(p, 20, 0));
	memcpy(pseudo, p + 12, 8);
	pseudo[8] = 0;
	pseudo[9] = proto;
	put16(pseudo + 10, n);
	if (proto == 1)
		put16(p + 20 + 2, csum(p + 20, n, 0));
	else
		put16(p + 20 + (proto == 6 ? 16 : 6),
		      csum(p + 20, n, (uint32_t)(uint16_t)~csum(pseudo, 12, 0)));
	return 20 + n;
}

static size_t ipv6(unsigned char *p, unsigned int i, uint8_t proto)
{
	size_t n = l4(p + 40, i, proto);
	unsigned char pseudo[40] = { 0 };

	memset(p, 0, 40);
	p[0] = 0x60;
	put16(p + 4, n);
	p[6] = proto;
	p[7] = 64;
	p[8] = 0xfd; /* fd00::1:<i> */
	p[21] = 1;
	put16(p + 22, i);
	p[24] = 0xfd; /* fd00::<1 + i % 4> */
	p[39] = 1 + i % 4;
	memcpy(pseudo, p + 8, 32);
	put32(pseudo + 32, n);
	pseudo[39] = proto;
	put16(p + 40 +
		  (proto == 6	 ? 16
		   : proto == 17 ? 6
				 : 2),
	      csum(p + 40, n, (uint32_t)(uint16_t)~csum(pseudo, 40, 0)));
	return 40 + n;
}

static void build(struct frame *f, unsigned int i)
{
	static const uint8_t protos[7] = { 0, 6, 17, 1, 6, 17, 58 };
	unsigned int kind = i % 7;
	unsigned char *p = f->b;

	if (kind == 0) {
		f->len = ethernet(p, i, 0x0806);
		f->len += arp(p + f->len, i);
	} else if (kind <= 3) {
		f->len = ethernet(p, i, 0x0800);
		f->len += ipv4(p + f->len, i, protos[kind]);
	} else {
		f->len = ethernet(p, i, 0x86dd);
		f->len += ipv6(p + f->len, i, protos[kind]);
	}
	if (f->len < 60) { /* Ethernet's minimum frame, padded as a NIC would */
		memset(p + f->len, 0, 60 - f->len);
		f->len = 60;
	}
}

/* ---- writers (host byte order files, as libpcap writes them) ----------------------------- */

static int write_pcap_header(FILE *out)
{
	uint32_t h[6] = { 0xa1b2c3d4, 2 | 4 << 16, 0, 0, 65535, 1 };

	return fwrite(h, sizeof(h), 1, out) == 1 ? 0 : -EIO;
}

static int write_pcap_record(FILE *out, const struct frame *f, unsigned int i)
{
	uint32_t h[4] = { 1700000000 + i / 1000, (i % 1000) * 1000, (uint32_t)f->len,
			  (uint32_t)f->len };

	if (fwrite(h, sizeof(h), 1, out) != 1 || fwrite(f->b, f->len, 1, out) != 1)
		return -EIO;
	return 0;
}

/* pcapng: a section header, one Ethernet interface, one enhanced packet block per frame. */
static int write_pcapng_header(FILE *out)
{
	uint32_t shb[7] = { 0x0a0d0d0a, 28, 0x1a2b3c4d, 1, 0xffffffff, 0xffffffff, 28 };
	uint32_t idb[5] = { 1, 20, 1 /* linktype */ | 0 << 16, 65535, 20 };

	if (fwrite(shb, sizeof(shb), 1, out) != 1 || fwrite(idb, sizeof(idb), 1, out) != 1)
		return -EIO;
	return 0;
}

static int write_pcapng_record(FILE *out, const struct frame *f, unsigned int i)
{
	uint64_t us = (1700000000ull + i / 1000) * 1000000ull + (i % 1000) * 1000ull;
	size_t padded = (f->len + 3) & ~(size_t)3;
	uint32_t total = (uint32_t)(32 + padded);
	uint32_t h[7] = {
		6, total, 0, (uint32_t)(us >> 32), (uint32_t)us, (uint32_t)f->len, (uint32_t)f->len
	};
	static const unsigned char zero[4];

	if (fwrite(h, sizeof(h), 1, out) != 1 || fwrite(f->b, f->len, 1, out) != 1)
		return -EIO;
	if (padded > f->len && fwrite(zero, padded - f->len, 1, out) != 1)
		return -EIO;
	return fwrite(&total, sizeof(total), 1, out) == 1 ? 0 : -EIO;
}

static void print_usage(FILE *out)
{
	fprintf(out,
		"usage: xdp-pcapgen OUT [--count N] [--pcapng]\n"
		"Writes N (default 1000, at most 10000000) Ethernet frames of seven kinds (ARP,\n"
		"IPv4 and IPv6 TCP SYN, UDP and ICMP echo) to OUT as pcap, or pcapng.\n"
		"Exit codes: 0 written, 1 OUT cannot be written, 2 bad arguments.\n");
}

static int usage(void)
{
	print_usage(stderr);
	return 2;
}

int main(int argc, char **argv)
{
	unsigned long count = 1000;
	const char *path = NULL;
	bool ng = false;
	FILE *out;
	int err;

	for (int i = 1; i < argc; i++) {
		char *end;

		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			print_usage(stdout);
			return 0;
		} else if (!strcmp(argv[i], "--pcapng")) {
			ng = true;
		} else if (!strcmp(argv[i], "--count") && i + 1 < argc) {
			count = strtoul(argv[++i], &end, 10);
			if (*end || !count || count > 10000000)
				return usage();
		} else if (argv[i][0] != '-' && !path) {
			path = argv[i];
		} else {
			return usage();
		}
	}
	if (!path)
		return usage();
	out = fopen(path, "wb");
	if (!out) {
		fprintf(stderr, "xdp-pcapgen: %s: %s\n", path, strerror(errno));
		return 1;
	}
	err = ng ? write_pcapng_header(out) : write_pcap_header(out);
	for (unsigned int i = 0; !err && i < count; i++) {
		struct frame f;

		build(&f, i);
		err = ng ? write_pcapng_record(out, &f, i) : write_pcap_record(out, &f, i);
	}
	if (fclose(out) || err) {
		fprintf(stderr, "xdp-pcapgen: %s: write failed\n", path);
		return 1;
	}
	return 0;
}
