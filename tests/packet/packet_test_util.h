/* SPDX-License-Identifier: MIT */
/* What the packet extension's end-to-end tests share: captures, an independent packet parser,
 * the runtime with the static packet extension. */
#ifndef EXTBPF_PACKET_TEST_UTIL_H
#define EXTBPF_PACKET_TEST_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <extbpf/extbpf.h>

#include "packet_ext.h"

struct cap_packet {
	unsigned char *data;
	size_t len;
};

struct capture {
	struct cap_packet *packets;
	size_t count;
};

/* Reads every packet of a capture file; 0 or -errno. */
int capture_read(const char *path, struct capture *cap);
void capture_free(struct capture *cap);
/* Runs xdp-pcapgen: count packets into path (pcapng when asked). */
int capture_generate(const char *path, unsigned int count, bool pcapng);

/* A packet, parsed by the tests themselves (not by any program under test). */
struct parsed {
	uint16_t ethertype;
	unsigned char src_mac[6], dst_mac[6];
	uint8_t l4; /* IP protocol, 0 for none */
	bool v6;
	unsigned char src_ip[16], dst_ip[16]; /* IPv4: the first 4 bytes */
	uint16_t sport, dport;		      /* TCP/UDP, host order */
	uint32_t arp_sip, arp_tip;	      /* network order */
};
void parse_packet(const unsigned char *p, size_t len, struct parsed *out);

/* A fresh temporary directory; file names inside it. */
void temp_dir(char *dir, size_t size);
void temp_path(char *out, size_t size, const char *dir, const char *name);
void remove_dir(const char *dir);

/* The runtime with the packet extension added statically. */
void packet_runtime_start(void);
void packet_runtime_stop(void);

/* Opens an object (verify_only as asked) in mode; returns the error and fills log. */
int open_object(const char *path, enum ebpf_exec_mode mode, bool verify_only,
		struct ebpf_object **obj, char *log, size_t log_size);
/* Asserts that the verifier refuses the object (-EACCES) saying needle. */
void expect_refused(const char *path, bool verify_only, const char *needle);

#endif /* EXTBPF_PACKET_TEST_UTIL_H */
