// SPDX-License-Identifier: MIT
/*
 * Loads through the socket pointers the socket helpers return (bpf_sk_lookup_tcp's struct
 * bpf_sock, bpf_skc_lookup_tcp's sock_common part, bpf_tcp_sock's struct bpf_tcp_sock), with
 * Linux's rules (net/core/filter.c: bpf_sock_is_valid_access, bpf_sock_common_is_valid_access,
 * bpf_tcp_sock_is_valid_access). Linux rewrites each allowed load into a load of the kernel's
 * socket; here no socket exists (the helpers are verify-only), so only the verdict matters:
 * which offsets and sizes a program may read. Nothing may be written.
 *
 * The layouts are the UAPI's (<linux/bpf.h>), checked against the installed header where
 * there is one.
 */
#include <stddef.h>

#include "verifier_int.h"

/* struct bpf_sock */
#define SOCK_SIZE	   80
#define SOCK_FAMILY	   4
#define SOCK_TYPE	   8
#define SOCK_PROTOCOL	   12
#define SOCK_PRIORITY_END  24 /* offsetofend(priority) */
#define SOCK_SRC_IP4	   24
#define SOCK_SRC_IP6	   28
#define SOCK_SRC_PORT	   44
#define SOCK_DST_PORT	   48
#define SOCK_DST_PORT_END  50
#define SOCK_DST_IP4	   52
#define SOCK_DST_IP6	   56
#define SOCK_IP6_SIZE	   16
#define SOCK_STATE	   72
#define SOCK_RX_QUEUE	   76
/* struct bpf_tcp_sock */
#define TCP_SOCK_SIZE	   112 /* offsetofend(icsk_retransmits) */
#define TCP_BYTES_RECEIVED 80
#define TCP_BYTES_ACKED	   88

#if defined(__has_include)
#if __has_include(<linux/bpf.h>)
#include <linux/bpf.h>
_Static_assert(sizeof(struct bpf_sock) == SOCK_SIZE, "struct bpf_sock");
_Static_assert(offsetof(struct bpf_sock, src_ip6) == SOCK_SRC_IP6, "bpf_sock.src_ip6");
_Static_assert(offsetof(struct bpf_sock, dst_port) == SOCK_DST_PORT, "bpf_sock.dst_port");
_Static_assert(offsetof(struct bpf_sock, dst_ip4) == SOCK_DST_IP4, "bpf_sock.dst_ip4");
_Static_assert(offsetof(struct bpf_sock, state) == SOCK_STATE, "bpf_sock.state");
_Static_assert(offsetof(struct bpf_sock, rx_queue_mapping) == SOCK_RX_QUEUE, "rx_queue_mapping");
_Static_assert(offsetof(struct bpf_tcp_sock, bytes_acked) == TCP_BYTES_ACKED, "bytes_acked");
_Static_assert(offsetof(struct bpf_tcp_sock, icsk_retransmits) + 4 == TCP_SOCK_SIZE,
	       "bpf_tcp_sock.icsk_retransmits");
#endif
#endif

static bool in_range(int off, int start, int size)
{
	return off >= start && off < start + size;
}

/* Linux's bpf_ctx_narrow_access_ok: a power of two no wider than the field. */
static bool narrow_ok(int size, int field)
{
	return size <= field && !(size & (size - 1));
}

/* bpf_sock_is_valid_access: NULL when allowed, else why not. */
static const char *sock_field_ok(int off, int size, bool common)
{
	if (off < 0 || off + size > SOCK_SIZE)
		return "beyond struct bpf_sock (80 bytes)";
	if (off % size)
		return "misaligned for its size";
	/* Only the sock_common part exists behind bpf_skc_lookup_tcp's pointer. */
	if (common && in_range(off, SOCK_TYPE, SOCK_PRIORITY_END - SOCK_TYPE))
		return "type, protocol, mark and priority are not part of a sock_common";
	/* These fields may be read narrower than 4 bytes, from their start only. */
	if (off == SOCK_FAMILY || off == SOCK_TYPE || off == SOCK_PROTOCOL ||
	    off == SOCK_SRC_PORT || off == SOCK_STATE || off == SOCK_RX_QUEUE)
		return narrow_ok(size, 4) ? NULL : "wider than the field";
	/* The addresses: any aligned 1, 2 or 4 bytes of them. */
	if (in_range(off, SOCK_SRC_IP4, 4) || in_range(off, SOCK_SRC_IP6, SOCK_IP6_SIZE) ||
	    in_range(off, SOCK_DST_IP4, 4) || in_range(off, SOCK_DST_IP6, SOCK_IP6_SIZE))
		return narrow_ok(size, 4) ? NULL : "wider than the field";
	/* dst_port is 2 bytes; a 4-byte load reads it with the zero padding after it. */
	if (in_range(off, SOCK_DST_PORT, 2))
		return size == 4 || narrow_ok(size, 2) ? NULL : "wider than the field";
	if (in_range(off, SOCK_DST_PORT_END, SOCK_DST_IP4 - SOCK_DST_PORT_END))
		return "the padding after dst_port";
	return size == 4 ? NULL : "this field is read in 4 bytes only";
}

/* bpf_tcp_sock_is_valid_access */
static const char *tcp_sock_field_ok(int off, int size)
{
	if (off < 0 || off + size > TCP_SOCK_SIZE)
		return "beyond struct bpf_tcp_sock (112 bytes)";
	if (off % size)
		return "misaligned for its size";
	if (off == TCP_BYTES_RECEIVED || off == TCP_BYTES_ACKED)
		return size == 8 ? NULL : "bytes_received and bytes_acked are read in 8 bytes only";
	return size == 4 ? NULL : "this field is read in 4 bytes only";
}

int sock_access(struct venv *env, uint32_t idx, int regno, const struct reg *ptr, int off, int size,
		bool write, bool sext, struct reg *out)
{
	const char *what = ptr->type == PTR_TO_TCP_SOCK ? "struct bpf_tcp_sock" : "struct bpf_sock";
	const char *why;
	char d[96];

	reg_describe(env, ptr, d, sizeof(d));
	if (write)
		return verr_state(env, idx, -EACCES,
				  "store through r%d (%s) prohibited: a socket's fields are "
				  "read-only",
				  regno, d);
	/* The loads are rewritten into loads of the kernel's fields, of their own widths. */
	if (sext)
		return verr_state(env, idx, -EACCES,
				  "sign-extending load through r%d (%s) prohibited", regno, d);
	/* No arithmetic is allowed on these pointers: the offset is the instruction's. */
	off += ptr->off;
	why = ptr->type == PTR_TO_TCP_SOCK
		  ? tcp_sock_field_ok(off, size)
		  : sock_field_ok(off, size, ptr->type == PTR_TO_SOCK_COMMON);
	if (why)
		return verr_state(env, idx, -EACCES,
				  "invalid %s access through r%d (%s): offset %d size %d: %s", what,
				  regno, d, off, size, why);
	result_scalar(out, size, false);
	return 0;
}
