/* SPDX-License-Identifier: (MIT OR GPL-2.0) */
/* The socket maps of sockmap_lookup.bpf.c and its twins, and their lookup by key. */
#ifndef SOCK_MAPS_H
#define SOCK_MAPS_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_SOCKMAP);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} socks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_SOCKHASH);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} socks_by_id SEC(".maps");

/* The socket at key, holding a reference, or NULL. */
static __always_inline struct bpf_sock *sock_at(void *map, __u32 key)
{
	return bpf_map_lookup_elem(map, &key);
}

#endif
