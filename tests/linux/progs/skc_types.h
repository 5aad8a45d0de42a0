/* SPDX-License-Identifier: (MIT OR GPL-2.0) */
/*
 * The kernel's socket structs the bpf_skc_to_* test programs read, as vmlinux.h users see them:
 * CO-RE (preserve_access_index) relocates each field to the running kernel's layout, so only
 * the fields used are listed.
 */
#ifndef SKC_TYPES_H
#define SKC_TYPES_H

#include <linux/types.h>

#define CORE __attribute__((preserve_access_index))

struct sock_common {
	unsigned short skc_family;
	__u16 skc_num;
} CORE;

struct sock {
	struct sock_common __sk_common;
} CORE;

struct inet_sock {
	struct sock sk;
} CORE;

struct inet_connection_sock {
	struct inet_sock icsk_inet;
} CORE;

struct tcp_sock {
	struct inet_connection_sock inet_conn;
	__u32 snd_cwnd;
	__u32 window_clamp;
	__u32 lsndtime;
} CORE;

struct request_sock {
	struct sock_common __req_common;
	__u16 mss;
} CORE;

struct inet_request_sock {
	struct request_sock req;
} CORE;

struct tcp_request_sock {
	struct inet_request_sock req;
	__u64 snt_synack;
} CORE;

struct sockaddr_un {
	unsigned short sun_family;
	char sun_path[108];
} CORE;

/* Ends in a flexible array: the bound address, as long as len says. */
struct unix_address {
	int len;
	struct sockaddr_un name[];
} CORE;

struct unix_sock {
	struct unix_address *addr;
} CORE;

#endif
