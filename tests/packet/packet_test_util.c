/* SPDX-License-Identifier: MIT */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <pcap/pcap.h>

#include "packet_test_util.h"

int capture_read(const char *path, struct capture *cap)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *hdr;
	const unsigned char *bytes;
	pcap_t *p = pcap_open_offline(path, errbuf);
	size_t cap_alloc = 0;

	memset(cap, 0, sizeof(*cap));
	if (!p)
		return -ENOENT;
	while (pcap_next_ex(p, &hdr, &bytes) == 1) {
		if (cap->count == cap_alloc) {
			cap_alloc = cap_alloc ? 2 * cap_alloc : 64;
			cap->packets = realloc(cap->packets, cap_alloc * sizeof(*cap->packets));
			assert_non_null(cap->packets);
		}
		cap->packets[cap->count].data = malloc(hdr->caplen);
		assert_non_null(cap->packets[cap->count].data);
		memcpy(cap->packets[cap->count].data, bytes, hdr->caplen);
		cap->packets[cap->count++].len = hdr->caplen;
	}
	pcap_close(p);
	return 0;
}

void capture_free(struct capture *cap)
{
	for (size_t i = 0; i < cap->count; i++)
		free(cap->packets[i].data);
	free(cap->packets);
	memset(cap, 0, sizeof(*cap));
}

int capture_generate(const char *path, unsigned int count, bool pcapng)
{
	char cmd[1024];

	snprintf(cmd, sizeof(cmd), "'%s' '%s' --count %u%s", XDP_PCAPGEN, path, count,
		 pcapng ? " --pcapng" : "");
	return system(cmd) == 0 ? 0 : -EIO;
}

static uint16_t get16(const unsigned char *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

void parse_packet(const unsigned char *p, size_t len, struct parsed *out)
{
	const unsigned char *l4 = NULL;

	memset(out, 0, sizeof(*out));
	if (len < 14)
		return;
	memcpy(out->dst_mac, p, 6);
	memcpy(out->src_mac, p + 6, 6);
	out->ethertype = get16(p + 12);
	if (out->ethertype == 0x0806 && len >= 14 + 28) {
		memcpy(&out->arp_sip, p + 14 + 14, 4);
		memcpy(&out->arp_tip, p + 14 + 24, 4);
	} else if (out->ethertype == 0x0800 && len >= 14 + 20) {
		out->l4 = p[14 + 9];
		memcpy(out->src_ip, p + 14 + 12, 4);
		memcpy(out->dst_ip, p + 14 + 16, 4);
		l4 = p + 14 + (p[14] & 0xf) * 4;
	} else if (out->ethertype == 0x86dd && len >= 14 + 40) {
		out->v6 = true;
		out->l4 = p[14 + 6];
		memcpy(out->src_ip, p + 14 + 8, 16);
		memcpy(out->dst_ip, p + 14 + 24, 16);
		l4 = p + 14 + 40;
	}
	if (l4 && (out->l4 == 6 || out->l4 == 17) && l4 + 4 <= p + len) {
		out->sport = get16(l4);
		out->dport = get16(l4 + 2);
	}
}

void temp_dir(char *dir, size_t size)
{
	snprintf(dir, size, "/tmp/extbpf-packet-XXXXXX");
	assert_non_null(mkdtemp(dir));
}

void temp_path(char *out, size_t size, const char *dir, const char *name)
{
	snprintf(out, size, "%s/%s", dir, name);
}

void remove_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[512];

	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		unlink(path);
	}
	if (d)
		closedir(d);
	rmdir(dir);
}

static struct ebpf_extension *packet_ext;

void packet_runtime_start(void)
{
	assert_int_equal(ebpf_extension_add_static(&ebpf_extension_packet, &packet_ext), 0);
}

void packet_runtime_stop(void)
{
	ebpf_runtime_shutdown();
	packet_ext = NULL;
}

int open_object(const char *path, enum ebpf_exec_mode mode, bool verify_only,
		struct ebpf_object **obj, char *log, size_t log_size)
{
	struct ebpf_object_open_opts opts = {
		.sz = sizeof(opts),
		.mode = mode,
		.verify_only = verify_only,
		.log_buf = log,
		.log_size = log_size,
	};

	if (log && log_size)
		log[0] = '\0';
	return ebpf_object_open(path, &opts, obj);
}

void expect_refused(const char *path, bool verify_only, const char *needle)
{
	struct ebpf_object *obj = NULL;
	char log[8192];

	assert_int_equal(open_object(path, EBPF_MODE_INTERP, verify_only, &obj, log, sizeof(log)),
			 -EACCES);
	assert_null(obj);
	if (!strstr(ebpf_last_error(), needle) && !strstr(log, needle))
		fail_msg("%s: expected '%s' in: %s\n%s", path, needle, ebpf_last_error(), log);
}
