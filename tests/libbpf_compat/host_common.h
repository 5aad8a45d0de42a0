/* SPDX-License-Identifier: MIT */
/*
 * What both libbpf-style hosts (host.c, host_skel.c) do once their object is loaded: test-run
 * the XDP program on four packets, read the hash map by descriptor, drain the ring buffer with
 * ring_buffer__poll. Written only against libbpf's API, so that the same code builds against
 * extbpf-libbpf and against the system libbpf on Linux, and prints the same.
 */
#ifndef COMPAT_HOST_COMMON_H
#define COMPAT_HOST_COMMON_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

struct event {
	__u32 len;
	__u32 verdict;
	__u8 first;
};

static const unsigned char packet_firsts[] = { 0x01, 0x02, 0x07, 0x01 };

static int run_packets(int prog_fd)
{
	for (size_t i = 0; i < sizeof(packet_firsts); i++) {
		unsigned char pkt[60] = { 0 }, out[128];
		LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = pkt,
			    .data_size_in = (__u32)(40 + 4 * i), .data_out = out,
			    .data_size_out = sizeof(out), .repeat = 1);
		int err;

		pkt[0] = packet_firsts[i];
		err = bpf_prog_test_run_opts(prog_fd, &opts);
		if (err) {
			fprintf(stderr, "test run %zu: %s\n", i, strerror(-err));
			return err;
		}
		printf("run %zu: first %02x retval %u data_out %u\n", i, pkt[0], opts.retval,
		       opts.data_size_out);
	}
	return 0;
}

static int cmp_u8(const void *a, const void *b)
{
	return *(const __u8 *)a - *(const __u8 *)b;
}

/* Keys in order whatever the map's iteration order. */
static int print_counts(int map_fd)
{
	__u8 keys[16], key, *prev = NULL;
	size_t n = 0;
	__u64 value;

	while (n < sizeof(keys) && !bpf_map_get_next_key(map_fd, prev, &key)) {
		keys[n] = key;
		prev = &keys[n++];
	}
	if (errno != ENOENT && n < sizeof(keys)) {
		fprintf(stderr, "get_next_key: %s\n", strerror(errno));
		return -errno;
	}
	qsort(keys, n, 1, cmp_u8);
	for (size_t i = 0; i < n; i++) {
		if (bpf_map_lookup_elem(map_fd, &keys[i], &value)) {
			fprintf(stderr, "lookup %02x: %s\n", keys[i], strerror(errno));
			return -errno;
		}
		printf("count %02x: %llu\n", keys[i], (unsigned long long)value);
	}
	return 0;
}

static int on_event(void *ctx, void *data, size_t size)
{
	const struct event *e = data;

	(void)ctx;
	if (size < sizeof(*e))
		return -EINVAL;
	printf("event: first %02x len %u verdict %u\n", e->first, e->len, e->verdict);
	return 0;
}

static int drain_events(int map_fd)
{
	struct ring_buffer *rb = ring_buffer__new(map_fd, on_event, NULL, NULL);
	int n;

	if (!rb) {
		fprintf(stderr, "ring_buffer__new: %s\n", strerror(errno));
		return -errno;
	}
	n = ring_buffer__poll(rb, 100);
	ring_buffer__free(rb);
	if (n < 0) {
		fprintf(stderr, "ring_buffer__poll: %s\n", strerror(-n));
		return n;
	}
	printf("events: %d\n", n);
	return 0;
}

#endif /* COMPAT_HOST_COMMON_H */
