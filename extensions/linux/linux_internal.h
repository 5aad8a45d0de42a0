/* SPDX-License-Identifier: MIT */
/*
 * Shared by the files of the linux extension: the helper prototype table (linux_helpers.c) and
 * the program type table (linux_types.c) that linux_ext.c turns into NMR providers.
 *
 * A helper's prototype can differ between program types under one id (Linux's
 * bpf_get_cgroup_classid takes the skb in tc programs and nothing in socket programs), so the
 * table is indexed by a key, not by the id, and each type lists the keys it offers.
 */
#ifndef EXTBPF_LINUX_INTERNAL_H
#define EXTBPF_LINUX_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <extbpf/extension.h>

#include "linux_ext.h"

enum linux_proto_key {
	/* tracing (kernel/trace/bpf_trace.c) */
	LP_PROBE_READ,
	LP_PROBE_READ_STR,
	LP_PROBE_READ_USER,
	LP_PROBE_READ_KERNEL,
	LP_PROBE_READ_USER_STR,
	LP_PROBE_READ_KERNEL_STR,
	LP_PROBE_WRITE_USER,
	LP_GET_CURRENT_PID_TGID,
	LP_GET_CURRENT_UID_GID,
	LP_GET_CURRENT_COMM,
	LP_GET_CURRENT_TASK,
	LP_GET_CURRENT_CGROUP_ID,
	LP_GET_CURRENT_ANCESTOR_CGROUP_ID,
	LP_CURRENT_TASK_UNDER_CGROUP,
	LP_GET_NS_CURRENT_PID_TGID,
	LP_GET_NUMA_NODE_ID,
	LP_JIFFIES64,
	LP_KTIME_GET_TAI_NS,
	LP_SEND_SIGNAL,
	LP_SEND_SIGNAL_THREAD,
	LP_PERF_EVENT_OUTPUT,
	LP_SKB_OUTPUT,
	LP_XDP_OUTPUT,
	LP_SNPRINTF,
	LP_TRACE_VPRINTK,
	LP_SEQ_PRINTF,
	LP_SEQ_WRITE,
	LP_SEQ_PRINTF_BTF,
	LP_PERF_EVENT_READ,
	LP_PERF_EVENT_READ_VALUE,
	LP_PERF_PROG_READ_VALUE,
	LP_READ_BRANCH_RECORDS,
	LP_GET_STACKID,
	LP_GET_STACK,
	LP_OVERRIDE_RETURN,
	LP_GET_FUNC_IP,
	LP_GET_ATTACH_COOKIE,
	/* storage of kernel objects (kernel/bpf/bpf_*_storage.c, net/core/bpf_sk_storage.c) */
	LP_TASK_STORAGE_GET,
	LP_TASK_STORAGE_DELETE,
	LP_CGRP_STORAGE_GET,
	LP_CGRP_STORAGE_DELETE,
	LP_INODE_STORAGE_GET,
	LP_INODE_STORAGE_DELETE,
	LP_SK_STORAGE_GET_TRACING,
	LP_SK_STORAGE_DELETE_TRACING,
	LP_SK_STORAGE_GET,
	LP_SK_STORAGE_DELETE,
	LP_SK_STORAGE_GET_CG_SOCK,
	LP_GET_LOCAL_STORAGE,
	/* socket buffers (net/core/filter.c) */
	LP_SKB_STORE_BYTES,
	LP_SKB_LOAD_BYTES,
	LP_SKB_LOAD_BYTES_RELATIVE,
	LP_L3_CSUM_REPLACE,
	LP_L4_CSUM_REPLACE,
	LP_CSUM_UPDATE,
	LP_CSUM_LEVEL,
	LP_CLONE_REDIRECT,
	LP_REDIRECT,
	LP_REDIRECT_NEIGH,
	LP_REDIRECT_PEER,
	LP_GET_CGROUP_CLASSID,
	LP_GET_CGROUP_CLASSID_CURR,
	LP_SKB_VLAN_PUSH,
	LP_SKB_VLAN_POP,
	LP_SKB_GET_TUNNEL_KEY,
	LP_SKB_SET_TUNNEL_KEY,
	LP_SKB_GET_TUNNEL_OPT,
	LP_SKB_SET_TUNNEL_OPT,
	LP_GET_ROUTE_REALM,
	LP_SKB_CHANGE_PROTO,
	LP_SKB_CHANGE_TYPE,
	LP_SKB_UNDER_CGROUP,
	LP_GET_HASH_RECALC,
	LP_SET_HASH_INVALID,
	LP_SET_HASH,
	LP_SKB_CHANGE_TAIL,
	LP_SKB_CHANGE_HEAD,
	LP_SKB_PULL_DATA,
	LP_SKB_ADJUST_ROOM,
	LP_GET_SOCKET_COOKIE,
	LP_GET_SOCKET_UID,
	LP_FIB_LOOKUP,
	LP_CHECK_MTU,
	LP_SKB_GET_XFRM_STATE,
	LP_SKB_CGROUP_ID,
	LP_SKB_ANCESTOR_CGROUP_ID,
	LP_SKB_CGROUP_CLASSID,
	LP_SKB_ECN_SET_CE,
	LP_SKB_SET_TSTAMP,
	LP_GET_NETNS_COOKIE,
	LP_GET_RETVAL,
	LP_SET_RETVAL,
	/* sockets, messages, light-weight tunnels */
	LP_SETSOCKOPT,
	LP_GETSOCKOPT,
	LP_SK_SETSOCKOPT,
	LP_SK_GETSOCKOPT,
	LP_BIND,
	LP_SOCK_OPS_CB_FLAGS_SET,
	LP_SOCK_MAP_UPDATE,
	LP_SOCK_HASH_UPDATE,
	LP_LOAD_HDR_OPT,
	LP_STORE_HDR_OPT,
	LP_RESERVE_HDR_OPT,
	LP_SK_REDIRECT_MAP,
	LP_SK_REDIRECT_HASH,
	LP_MSG_REDIRECT_MAP,
	LP_MSG_REDIRECT_HASH,
	LP_MSG_APPLY_BYTES,
	LP_MSG_CORK_BYTES,
	LP_MSG_PULL_DATA,
	LP_MSG_PUSH_DATA,
	LP_MSG_POP_DATA,
	LP_LWT_PUSH_ENCAP,
	LP_LWT_SEG6_STORE_BYTES,
	LP_LWT_SEG6_ADJUST_SRH,
	LP_LWT_SEG6_ACTION,
	LP_SK_SELECT_REUSEPORT,
	/* cgroup/sysctl (kernel/bpf/cgroup.c) */
	LP_SYSCTL_GET_NAME,
	LP_SYSCTL_GET_CURRENT_VALUE,
	LP_SYSCTL_GET_NEW_VALUE,
	LP_SYSCTL_SET_NEW_VALUE,
	/* kernel sockets: lookups (referenced), casts, syncookies (net/core/filter.c) */
	LP_SK_LOOKUP_TCP,
	LP_SK_LOOKUP_UDP,
	LP_SKC_LOOKUP_TCP,
	LP_SK_RELEASE,
	LP_SK_FULLSOCK,
	LP_TCP_SOCK,
	LP_GET_LISTENER_SOCK,
	LP_TCP_CHECK_SYNCOOKIE,
	LP_TCP_GEN_SYNCOOKIE,
	LP_SK_ASSIGN,
	LP_SK_CGROUP_ID,
	LP_SK_ANCESTOR_CGROUP_ID,
	LP_SK_ASSIGN_LOOKUP,
	LP_GET_SOCKET_PTR_COOKIE,
	LP_SKC_TO_TCP6_SOCK,
	LP_SKC_TO_TCP_SOCK,
	LP_SKC_TO_TCP_TIMEWAIT_SOCK,
	LP_SKC_TO_TCP_REQUEST_SOCK,
	LP_SKC_TO_UDP6_SOCK,
	LP_SKC_TO_UNIX_SOCK,
	LP_SKC_TO_MPTCP_SOCK,
	LP_TIMER_INIT,
	LP_TIMER_SET_CALLBACK,
	LP_TIMER_START,
	LP_TIMER_CANCEL,
	LP_COUNT
};

/* Every prototype, indexed by key (linux_helpers.c). */
extern const struct ebpf_helper_proto linux_protos[LP_COUNT];

/* What every helper address points to: the helpers are verify-only, nothing calls them. */
uint64_t linux_helper_unavailable(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5);

/* One program type, as linux_ext.c registers it. */
struct linux_type {
	const char *name;
	enum linux_prog_type number;
	const struct ebpf_section_prefix *sections;
	uint32_t section_count;
	struct ebpf_context_descriptor context;
	struct ebpf_context_pointers pointers; /* for narrow __sk_buff packet fields */
	/* What programs may read (Linux's *_is_valid_access); none: every byte, as a number. */
	const struct ebpf_context_field *fields;
	uint32_t field_count;
	const enum linux_proto_key *helpers;
	uint32_t helper_count;
	uint32_t flags;
	const struct ebpf_btf_attach *btf_attach;
	uint32_t btf_attach_count;
};

extern const struct linux_type linux_types[];
extern const size_t linux_type_count;

#endif /* EXTBPF_LINUX_INTERNAL_H */
