/* SPDX-License-Identifier: MIT */
/*
 * The live source: a device on one end of a veth pair, inside a network namespace of this
 * process's own (unshare), so that no frame leaves the machine. The test sends frames into the
 * other end and receives what the program transmitted back. Needs root (CAP_SYS_ADMIN for the
 * namespace, CAP_NET_RAW for the sockets) and iproute2: otherwise it is reported as skipped,
 * with the reason.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "packet_test_util.h"

#define ETH_P_TEST 0x88b5 /* IEEE "local experimental": nothing else sends it */

static char skip_reason[256];

static int write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	int ok;

	if (!f)
		return -errno;
	ok = fputs(text, f) >= 0;
	return fclose(f) == 0 && ok ? 0 : -EIO;
}

/* A namespace of our own with veth pair xa <-> xb, IPv6 off so that no router solicitation
 * or MLD report shows up among the test's frames. */
static int make_namespace(void)
{
	if (geteuid() != 0) {
		snprintf(skip_reason, sizeof(skip_reason),
			 "not root (needs CAP_SYS_ADMIN and "
			 "CAP_NET_RAW)");
		return -EPERM;
	}
	if (unshare(CLONE_NEWNET)) {
		snprintf(skip_reason, sizeof(skip_reason),
			 "network namespaces are unavailable: unshare: %s", strerror(errno));
		return -errno;
	}
	if (system("ip link add xa type veth peer name xb 2>/dev/null")) {
		snprintf(skip_reason, sizeof(skip_reason),
			 "cannot create a veth pair (is iproute2 installed, veth available?)");
		return -ENODEV;
	}
	write_file("/proc/sys/net/ipv6/conf/xa/disable_ipv6", "1");
	write_file("/proc/sys/net/ipv6/conf/xb/disable_ipv6", "1");
	if (system("ip link set xa up && ip link set xb up")) {
		snprintf(skip_reason, sizeof(skip_reason), "cannot bring the veth pair up");
		return -ENODEV;
	}
	return 0;
}

static int setup(void **state)
{
	packet_runtime_start();
	return 0;
}

static int teardown(void **state)
{
	packet_runtime_stop();
	return 0;
}

struct runner {
	struct xdp_device *dev;
	struct xdp_stats stats;
	int err;
};

static void *run_thread(void *arg)
{
	struct runner *r = arg;
	struct xdp_run_opts opts = { .sz = sizeof(opts), .max_packets = 4, .timeout_ms = 5000 };

	r->err = xdp_device_run(r->dev, &opts, &r->stats);
	return NULL;
}

static int raw_socket(const char *ifname)
{
	struct sockaddr_ll addr = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_TEST),
		.sll_ifindex = (int)if_nametoindex(ifname),
	};
	int fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_TEST));

	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
	return fd;
}

static void send_frame(int fd, uint8_t verdict, uint8_t seq)
{
	unsigned char f[60] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0, 0, 0, 0, 0x0b };

	f[12] = ETH_P_TEST >> 8;
	f[13] = ETH_P_TEST & 0xff;
	f[14] = verdict; /* xdp_verdict returns this byte */
	f[15] = seq;
	assert_int_equal(send(fd, f, sizeof(f), 0), sizeof(f));
}

/* The next frame arriving on fd (not one we sent), or -1 after timeout_ms. */
static int receive_frame(int fd, unsigned char *buf, size_t size, int timeout_ms)
{
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		struct sockaddr_ll from;
		socklen_t len = sizeof(from);
		ssize_t n;

		if (poll(&pfd, 1, timeout_ms) <= 0)
			return -1;
		n = recvfrom(fd, buf, size, 0, (struct sockaddr *)&from, &len);
		if (n > 0 && from.sll_pkttype != PACKET_OUTGOING)
			return (int)n;
	}
}

static void test_live_veth(void **state)
{
	struct ebpf_object *obj;
	struct ebpf_program *prog;
	struct xdp_attach_params params;
	const nmr_guid_t attach_type = XDP_ATTACH_TYPE_GUID;
	struct runner r = { 0 };
	struct ebpf_link *link;
	unsigned char buf[128];
	pthread_t thread;
	int fd, got = 0, seqs = 0;
	char log[4096];

	if (skip_reason[0]) {
		print_message("skipped: %s\n", skip_reason);
		skip();
	}
	if (open_object(PACKET_PROGS_DIR "/xdp_test_actions.o", EBPF_MODE_DEFAULT, false, &obj, log,
			sizeof(log)))
		fail_msg("%s\n%s", ebpf_last_error(), log);
	prog = ebpf_object_find_program(obj, "xdp_verdict");
	if (xdp_device_create_live("xa", &r.dev))
		fail_msg("%s", xdp_last_error());
	assert_int_equal(xdp_device_ifindex(r.dev), if_nametoindex("xa"));
	params = (struct xdp_attach_params){ .ifindex = xdp_device_ifindex(r.dev) };
	if (ebpf_program_attach(prog, &attach_type, &params, sizeof(params), &link))
		fail_msg("attach: %s", ebpf_last_error());
	fd = raw_socket("xb");
	assert_int_equal(pthread_create(&thread, NULL, run_thread, &r), 0);
	usleep(100 * 1000); /* the device's socket exists already; this only orders the log */

	send_frame(fd, XDP_VERDICT_DROP, 1);
	send_frame(fd, XDP_VERDICT_PASS, 2);
	send_frame(fd, XDP_VERDICT_TX, 3);
	send_frame(fd, XDP_VERDICT_TX, 4);
	/* The two frames the program sent back out of xa arrive on xb, unchanged. */
	while (got < 2) {
		int n = receive_frame(fd, buf, sizeof(buf), 3000);

		if (n < 0)
			break;
		if (n >= 16 && buf[14] == XDP_VERDICT_TX) {
			seqs |= 1 << buf[15];
			got++;
		}
	}
	pthread_join(thread, NULL);
	close(fd);
	assert_int_equal(r.err, 0);
	assert_int_equal(got, 2);
	assert_int_equal(seqs, 1 << 3 | 1 << 4);
	assert_int_equal(r.stats.packets, 4);
	assert_int_equal(r.stats.verdicts[XDP_VERDICT_DROP], 1);
	assert_int_equal(r.stats.verdicts[XDP_VERDICT_PASS], 1);
	assert_int_equal(r.stats.verdicts[XDP_VERDICT_TX], 2);
	assert_int_equal(r.stats.tx_packets, 2);

	ebpf_link_detach(link);
	xdp_device_destroy(r.dev);
	ebpf_object_close(obj);
}

/* A device stopped from another thread returns promptly. */
static void test_live_stop(void **state)
{
	struct runner r = { 0 };
	pthread_t thread;

	if (skip_reason[0]) {
		print_message("skipped: %s\n", skip_reason);
		skip();
	}
	if (xdp_device_create_live("xb", &r.dev))
		fail_msg("%s", xdp_last_error());
	assert_int_equal(pthread_create(&thread, NULL, run_thread, &r), 0);
	usleep(100 * 1000);
	xdp_device_stop(r.dev);
	pthread_join(thread, NULL);
	assert_int_equal(r.err, 0);
	assert_int_equal(r.stats.packets, 0);
	xdp_device_destroy(r.dev);
}

static void test_live_missing_interface(void **state)
{
	struct xdp_device *dev;

	assert_int_equal(xdp_device_create_live("no-such-if0", &dev), -ENODEV);
	assert_non_null(strstr(xdp_last_error(), "no-such-if0"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_live_veth, setup, teardown),
		cmocka_unit_test_setup_teardown(test_live_stop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_live_missing_interface, setup, teardown),
	};

	if (make_namespace())
		fprintf(stderr, "test_packet_live: the live tests are SKIPPED: %s\n", skip_reason);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
