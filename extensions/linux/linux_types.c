// SPDX-License-Identifier: MIT
/*
 * The program types: for each, libbpf's section names (tools/lib/bpf/libbpf.c, section_defs),
 * the context Linux gives it with the fields Linux lets it write (the *_is_valid_access
 * functions of net/core/filter.c and kernel/trace/bpf_trace.c) and the helpers Linux offers it
 * (the *_func_proto functions), minus the core's global helpers.
 *
 * Reads follow Linux's rules for the networking types (the readable fields: which fields each
 * type sees, at which sizes, and which hold socket or flow key pointers); the tracing types'
 * contexts are readable everywhere. Writes are exactly Linux's ranges, except that attach-type
 * specific ones (bpf_sock.mark only for sock_create) are allowed for the whole type, whose
 * attach type is not known here; so are attach-type specific reads (bpf_sock_addr.user_ip6
 * only for the IPv6 hooks). docs/linux-types.md has the differences.
 */
#include <stddef.h>

#include "linux_internal.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- contexts ----------------------------------------------------------------------------- */

/* struct __sk_buff offsets (include/uapi/linux/bpf.h) */
#define SKB_MARK	  8
#define SKB_QUEUE_MAPPING 12
#define SKB_PRIORITY	  32
#define SKB_TC_INDEX	  44
#define SKB_CB		  48
#define SKB_CB_SIZE	  20
#define SKB_TC_CLASSID	  72
#define SKB_DATA	  76
#define SKB_DATA_END	  80
#define SKB_DATA_META	  140
#define SKB_TSTAMP	  152

/*
 * A __sk_buff context whose __u32 data/data_end (and data_meta when meta_ >= 0) fields are
 * packet pointers kept in the hidden slots after the structure.
 */
#define SKB_CONTEXT(meta_, writable_, fields_)                                                     \
	.context = {                                                                               \
		.size = LINUX_SKB_CTX_SIZE,                                                        \
		.data = SKB_DATA,                                                                  \
		.data_end = SKB_DATA_END,                                                          \
		.meta = (meta_) ? SKB_DATA_META : -1,                                              \
		.writable = (writable_),                                                           \
		.writable_count = ARRAY_SIZE(writable_),                                           \
	},                                                                                         \
	.pointers = {                                                                              \
		.data = LINUX_SKB_DATA_PTR,                                                        \
		.data_end = LINUX_SKB_DATA_END_PTR,                                                \
		.meta = (meta_) ? LINUX_SKB_DATA_META_PTR : 0,                                     \
	},                                                                                         \
	FIELDS(fields_)

/* A read-only context without a packet, of size_ bytes. */
#define PLAIN_CONTEXT(size_)                                                                       \
	.context = {                                                                               \
		.size = (size_),                                                                   \
		.data = -1,                                                                        \
		.data_end = -1,                                                                    \
		.meta = -1,                                                                        \
	}

/* The same with the writable ranges writable_. */
#define PLAIN_CONTEXT_W(size_, writable_)                                                          \
	.context = {                                                                               \
		.size = (size_),                                                                   \
		.data = -1,                                                                        \
		.data_end = -1,                                                                    \
		.meta = -1,                                                                        \
		.writable = (writable_),                                                           \
		.writable_count = ARRAY_SIZE(writable_),                                           \
	}

static const struct ebpf_context_range sk_filter_writable[] = {
	{ SKB_CB, SKB_CB_SIZE },
};

static const struct ebpf_context_range tc_writable[] = {
	{ SKB_MARK, 4 },	 { SKB_QUEUE_MAPPING, 4 }, { SKB_PRIORITY, 4 }, { SKB_TC_INDEX, 4 },
	{ SKB_CB, SKB_CB_SIZE }, { SKB_TC_CLASSID, 4 },	   { SKB_TSTAMP, 8 },
};

static const struct ebpf_context_range cg_skb_writable[] = {
	{ SKB_MARK, 4 },
	{ SKB_PRIORITY, 4 },
	{ SKB_CB, SKB_CB_SIZE },
	{ SKB_TSTAMP, 8 },
};

static const struct ebpf_context_range lwt_writable[] = {
	{ SKB_MARK, 4 },
	{ SKB_PRIORITY, 4 },
	{ SKB_CB, SKB_CB_SIZE },
};

static const struct ebpf_context_range sk_skb_writable[] = {
	{ SKB_PRIORITY, 4 },
	{ SKB_TC_INDEX, 4 },
};

/* struct bpf_sock: bound_dev_if, mark, priority (sock_create and sock_release) */
static const struct ebpf_context_range sock_writable[] = {
	{ 0, 4 },
	{ 16, 4 },
	{ 20, 4 },
};

/* struct bpf_sock_addr: user_ip4, user_ip6[4], user_port; msg_src_ip4, msg_src_ip6[4] */
static const struct ebpf_context_range sock_addr_writable[] = {
	{ 4, 24 },
	{ 40, 20 },
};

/* struct bpf_sock_ops: reply (a union with args and replylong[], which are read-only) and
 * sk_txhash (sock_ops_is_valid_access) */
static const struct ebpf_context_range sock_ops_writable[] = {
	{ 4, 4 },
	{ 164, 4 },
};

/* struct bpf_sysctl: file_pos (Linux allows only a 4-byte store, sysctl_is_valid_access) */
static const struct ebpf_context_range sysctl_writable[] = {
	{ 4, 4 },
};

/* struct bpf_sockopt as cg_sockopt_is_valid_access writes it, by attach type: a getsockopt
 * program rewrites optlen and retval, a setsockopt one level, optname and optlen; 4-byte stores,
 * one range per field. */
static const struct ebpf_context_range getsockopt_writable[] = {
	{ 32, 4 },
	{ 36, 4 },
};
static const struct ebpf_context_range setsockopt_writable[] = {
	{ 24, 4 },
	{ 28, 4 },
	{ 32, 4 },
};

/* ---- readable fields (Linux's *_is_valid_access) --------------------------------------------- */

#define FIELD(off_, size_, width_)                                                                 \
	{                                                                                          \
		.offset = (off_), .size = (size_), .width = (width_)                               \
	}
/* Fields of width_ bytes each, also read in narrower aligned loads (bpf_ctx_narrow_access_ok). */
#define NARROW(off_, size_, width_)                                                                \
	{                                                                                          \
		.offset = (off_), .size = (size_), .width = (width_),                              \
		.flags = EBPF_CTX_FIELD_NARROW                                                     \
	}
#define POINTER(off_, kind_)                                                                       \
	{                                                                                          \
		.offset = (off_), .size = 8, .width = 8, .pointer = (kind_)                        \
	}
/* __sk_buff.cb: loads and stores of 1-8 aligned bytes (bpf_skb_is_valid_access) */
#define CB_FIELD(off_, size_)                                                                      \
	{                                                                                          \
		.offset = (off_), .size = (size_), .width = 8,                                     \
		.flags = EBPF_CTX_FIELD_NARROW | EBPF_CTX_FIELD_NARROW_STORE                       \
	}
#define FIELDS(list) .fields = (list), .field_count = ARRAY_SIZE(list)

/* struct bpf_flow_keys, which __sk_buff.flow_keys points to in flow dissectors */
#define FLOW_KEYS_SIZE 56

/*
 * struct __sk_buff as bpf_skb_is_valid_access reads it: __u32 fields in 4 bytes or narrower,
 * cb[] in any aligned 1-8 bytes inside it, sk as a sock_common or NULL; data, data_end and
 * data_meta are the packet fields (their own rule). mark is apart: sk_skb programs may not
 * read it.
 */
#define SKB_HEAD_FIELDS                                                                            \
	NARROW(0, 8, 4), NARROW(12, 36, 4), CB_FIELD(SKB_CB, SKB_CB_SIZE), NARROW(68, 4, 4),       \
	    NARROW(84, 4, 4), NARROW(164, 4, 4), POINTER(168, EBPF_CTX_PTR_SOCK_COMMON_OR_NULL),   \
	    NARROW(176, 4, 4)
#define SKB_MARK_FIELD	   NARROW(SKB_MARK, 4, 4)
#define SKB_CLASSID_FIELD  NARROW(SKB_TC_CLASSID, 4, 4)
/* family .. local_port, the socket's view (sk_skb, cgroup_skb): addresses in 4 bytes only */
#define SKB_SOCK_FIELDS	   NARROW(88, 4, 4), FIELD(92, 40, 4), NARROW(132, 8, 4)
#define SKB_TSTAMP_FIELD   FIELD(SKB_TSTAMP, 8, 8)
#define SKB_WIRE_LEN_FIELD NARROW(160, 4, 4)
#define SKB_HWTSTAMP_FIELD FIELD(184, 8, 8)

/* sk_filter_is_valid_access: no tc_classid, socket view, timestamps or wire_len */
static const struct ebpf_context_field sk_filter_fields[] = { SKB_HEAD_FIELDS, SKB_MARK_FIELD };

/* tc_cls_act_is_valid_access: everything but the socket view; tstamp_type in 1 byte */
static const struct ebpf_context_field tc_fields[] = {
	SKB_HEAD_FIELDS,    SKB_MARK_FIELD,   SKB_CLASSID_FIELD,  SKB_TSTAMP_FIELD,
	SKB_WIRE_LEN_FIELD, FIELD(180, 1, 1), SKB_HWTSTAMP_FIELD,
};

/* cg_skb_is_valid_access: no tc_classid, data_meta or wire_len */
static const struct ebpf_context_field cg_skb_fields[] = {
	SKB_HEAD_FIELDS, SKB_MARK_FIELD, SKB_SOCK_FIELDS, SKB_TSTAMP_FIELD, SKB_HWTSTAMP_FIELD,
};

/* lwt_is_valid_access: no tc_classid, socket view, timestamps or wire_len */
static const struct ebpf_context_field lwt_fields[] = { SKB_HEAD_FIELDS, SKB_MARK_FIELD };

/* sk_skb_is_valid_access: no mark, tc_classid, timestamps or wire_len */
static const struct ebpf_context_field sk_skb_fields[] = { SKB_HEAD_FIELDS, SKB_SOCK_FIELDS };

/* flow_dissector_is_valid_access: data, data_end (packet fields) and the flow keys only */
static const struct ebpf_context_field flow_dissector_fields[] = {
	{ .offset = 144,
	  .size = 8,
	  .width = 8,
	  .pointer = EBPF_CTX_PTR_MEM,
	  .pointee_size = FLOW_KEYS_SIZE },
};

/* bpf_sock_is_valid_access (cgroup/sock): bound_dev_if, mark and priority in 4 bytes; dst_port
 * in 1-2 bytes or 4 with its padding; the rest in 4 bytes or narrower */
static const struct ebpf_context_field sock_fields[] = {
	FIELD(0, 4, 4),	 NARROW(4, 12, 4), FIELD(16, 8, 4),   NARROW(24, 24, 4),
	FIELD(48, 4, 4), NARROW(48, 2, 2), NARROW(52, 28, 4),
};

/* sock_addr_is_valid_access: the addresses and user_port in 4 bytes or narrower, the IPv6 ones
 * also in aligned 8 bytes; the other numbers in 4; sk a socket */
static const struct ebpf_context_field sock_addr_fields[] = {
	FIELD(0, 4, 4),
	NARROW(4, 24, 4),
	FIELD(8, 16, 8),
	FIELD(28, 12, 4),
	NARROW(40, 20, 4),
	FIELD(48, 8, 8),
	POINTER(64, EBPF_CTX_PTR_SOCKET),
};

/* sock_ops_is_valid_access: 4-byte fields; bytes_received/acked in 8; sk a socket or NULL;
 * skb_tcp_flags also narrower; skb_data/skb_data_end are the packet fields */
static const struct ebpf_context_field sock_ops_fields[] = {
	FIELD(0, 168, 4), FIELD(168, 16, 8), POINTER(184, EBPF_CTX_PTR_SOCKET_OR_NULL),
	FIELD(208, 4, 4), NARROW(212, 4, 4), FIELD(216, 8, 4),
};

/* sk_msg_is_valid_access: 4-byte fields; sk a socket */
static const struct ebpf_context_field sk_msg_fields[] = {
	FIELD(16, 56, 4),
	POINTER(72, EBPF_CTX_PTR_SOCKET),
};

/* sk_lookup_is_valid_access: sk a socket or NULL; remote_port in 1-2 bytes or 4 with its
 * padding (and the padding alone); the rest in 4 bytes or narrower */
static const struct ebpf_context_field sk_lookup_fields[] = {
	POINTER(0, EBPF_CTX_PTR_SOCKET_OR_NULL),
	NARROW(8, 28, 4),
	FIELD(36, 4, 4),
	NARROW(36, 4, 2),
	NARROW(40, 28, 4),
};

/* sk_reuseport_is_valid_access: eth_protocol in 2 or 4 bytes; len, ip_protocol, bind_inany
 * narrowable; hash in 4; sk a socket, migrating_sk a sock_common or NULL */
static const struct ebpf_context_field sk_reuseport_fields[] = {
	NARROW(16, 4, 4),
	FIELD(20, 4, 4),
	FIELD(20, 4, 2),
	NARROW(24, 8, 4),
	FIELD(32, 4, 4),
	POINTER(40, EBPF_CTX_PTR_SOCKET),
	POINTER(48, EBPF_CTX_PTR_SOCK_COMMON_OR_NULL),
};

/* cg_sockopt_is_valid_access: sk a socket; optval and optval_end the packet fields (their own
 * rule); level, optname, optlen, retval in 4 bytes only */
static const struct ebpf_context_field sockopt_fields[] = {
	POINTER(0, EBPF_CTX_PTR_SOCKET),
	FIELD(24, 16, 4),
};

/* cgroup_dev_is_valid_access: read-only; access_type also narrower, major and minor in 4 */
static const struct ebpf_context_field cgroup_dev_fields[] = {
	NARROW(0, 4, 4),
	FIELD(4, 8, 4),
};

/* sysctl_is_valid_access: write and file_pos in 4 bytes or narrower */
static const struct ebpf_context_field sysctl_fields[] = { NARROW(0, 8, 4) };

/* ---- helpers ------------------------------------------------------------------------------ */

/* Linux's bpf_base_func_proto offers them to every type; kprobe, tracepoint, perf_event and
 * raw_tracepoint programs cannot use a map holding a timer ("tracing progs cannot use
 * bpf_timer yet"), so they are left out there. */
#define TIMER_HELPERS LP_TIMER_INIT, LP_TIMER_SET_CALLBACK, LP_TIMER_START, LP_TIMER_CANCEL

/*
 * What Linux gives every program type besides its own set when a privileged process loads it
 * (bpf_base_func_proto: clocks, the NUMA node; the tracing types have them already).
 */
#define BASE_HELPERS LP_JIFFIES64, LP_GET_NUMA_NODE_ID, LP_KTIME_GET_TAI_NS

/*
 * The current task's ids that Linux's bpf_sk_base_func_proto gives networking programs loaded
 * with CAP_PERFMON (Cilium's datapath reads them beside the packet's own).
 */
#define NET_TASK_HELPERS                                                                           \
	LP_GET_CURRENT_PID_TGID, LP_GET_CURRENT_UID_GID, LP_GET_CURRENT_CGROUP_ID,                 \
	    LP_GET_CURRENT_ANCESTOR_CGROUP_ID

/*
 * What bpf_base_func_proto gives every networking type a loader with CAP_PERFMON loads, as
 * Linux 6.18 does (each pair probed with BPF_PROG_LOAD: no "cannot use helper"): kernel memory
 * reads, the current task, signals, perf event reads, task and cgroup storage, formatted
 * output. Not bpf_probe_read(_str) (4, 45), bpf_probe_write_user, bpf_get_stack(id): tracing
 * only. Those whose kinds the verifier lacks (bpf_get_current_task_btf, bpf_task_pt_regs,
 * bpf_get_task_stack, bpf_snprintf_btf, bpf_per_cpu_ptr, bpf_this_cpu_ptr, dynptrs) are left
 * out; bpf_copy_from_user(_task) may sleep, which no networking program may.
 */
#define PERFMON_BASE_HELPERS                                                                       \
	LP_PROBE_READ_USER, LP_PROBE_READ_KERNEL, LP_PROBE_READ_USER_STR,                          \
	    LP_PROBE_READ_KERNEL_STR, LP_GET_CURRENT_TASK, LP_GET_CURRENT_COMM,                    \
	    LP_GET_NS_CURRENT_PID_TGID, LP_SEND_SIGNAL, LP_SEND_SIGNAL_THREAD, LP_PERF_EVENT_READ, \
	    LP_PERF_EVENT_READ_VALUE, LP_TASK_STORAGE_GET, LP_TASK_STORAGE_DELETE,                 \
	    LP_CGRP_STORAGE_GET, LP_CGRP_STORAGE_DELETE, LP_SNPRINTF, LP_TRACE_VPRINTK,            \
	    BASE_HELPERS, NET_TASK_HELPERS

/* What bpf_sk_base_func_proto adds for CAP_PERFMON (networking types but cgroup/sock,
 * sk_reuseport and cgroup/sysctl, whose protos end in bpf_base_func_proto; the tracing type's
 * tracing_prog_func_proto has them too): the casts of a socket to its protocol's struct. */
#define SKC_CAST_HELPERS                                                                           \
	LP_SKC_TO_TCP6_SOCK, LP_SKC_TO_TCP_SOCK, LP_SKC_TO_TCP_TIMEWAIT_SOCK,                      \
	    LP_SKC_TO_TCP_REQUEST_SOCK, LP_SKC_TO_UDP6_SOCK, LP_SKC_TO_UNIX_SOCK,                  \
	    LP_SKC_TO_MPTCP_SOCK

#define TRACING_HELPERS                                                                            \
	LP_PROBE_READ, LP_PROBE_READ_STR, LP_PROBE_READ_USER, LP_PROBE_READ_KERNEL,                \
	    LP_PROBE_READ_USER_STR, LP_PROBE_READ_KERNEL_STR, LP_PROBE_WRITE_USER,                 \
	    LP_GET_CURRENT_PID_TGID, LP_GET_CURRENT_UID_GID, LP_GET_CURRENT_COMM,                  \
	    LP_GET_CURRENT_TASK, LP_GET_CURRENT_CGROUP_ID, LP_GET_CURRENT_ANCESTOR_CGROUP_ID,      \
	    LP_CURRENT_TASK_UNDER_CGROUP, LP_GET_NS_CURRENT_PID_TGID, LP_GET_NUMA_NODE_ID,         \
	    LP_JIFFIES64, LP_SEND_SIGNAL, LP_SEND_SIGNAL_THREAD, LP_PERF_EVENT_READ,               \
	    LP_PERF_EVENT_READ_VALUE, LP_PERF_EVENT_OUTPUT, LP_GET_STACKID, LP_GET_STACK,          \
	    LP_TASK_STORAGE_GET, LP_TASK_STORAGE_DELETE, LP_CGRP_STORAGE_GET,                      \
	    LP_CGRP_STORAGE_DELETE, LP_SNPRINTF, LP_TRACE_VPRINTK

static const enum linux_proto_key kprobe_helpers[] = {
	TRACING_HELPERS,
	LP_OVERRIDE_RETURN,
	LP_GET_FUNC_IP,
	LP_GET_ATTACH_COOKIE,
};

static const enum linux_proto_key tracepoint_helpers[] = {
	TRACING_HELPERS,
	LP_GET_ATTACH_COOKIE,
};

/* tracing_prog_func_proto: the kprobe set without override_return (fmod_ret returns instead);
 * sockets and inodes reach these programs as BTF pointers, so their storage too. */
#define TRACING_TYPE_HELPERS                                                                       \
	TRACING_HELPERS, LP_GET_FUNC_IP, LP_GET_ATTACH_COOKIE, LP_SK_STORAGE_GET_TRACING,          \
	    LP_SK_STORAGE_DELETE_TRACING, LP_INODE_STORAGE_GET, LP_INODE_STORAGE_DELETE,           \
	    LP_SKB_OUTPUT, LP_XDP_OUTPUT, TIMER_HELPERS, SKC_CAST_HELPERS,                         \
	    LP_GET_SOCKET_PTR_COOKIE

static const enum linux_proto_key tracing_helpers[] = { TRACING_TYPE_HELPERS };

/* tracing_prog_func_proto for BPF_TRACE_ITER: the tracing set and the seq_file printers. */
static const enum linux_proto_key iter_helpers[] = {
	TRACING_TYPE_HELPERS,
	LP_SEQ_PRINTF,
	LP_SEQ_WRITE,
	LP_SEQ_PRINTF_BTF,
};

static const enum linux_proto_key raw_tp_helpers[] = {
	TRACING_HELPERS,
};

static const enum linux_proto_key perf_event_helpers[] = {
	TRACING_HELPERS,
	LP_PERF_PROG_READ_VALUE,
	LP_READ_BRANCH_RECORDS,
	LP_GET_ATTACH_COOKIE,
};

#define SK_FILTER_HELPERS                                                                          \
	LP_SKB_LOAD_BYTES, LP_SKB_LOAD_BYTES_RELATIVE, LP_GET_SOCKET_COOKIE, LP_GET_SOCKET_UID,    \
	    LP_PERF_EVENT_OUTPUT, LP_GET_NETNS_COOKIE, LP_GET_CGROUP_CLASSID_CURR,                 \
	    PERFMON_BASE_HELPERS, TIMER_HELPERS, SKC_CAST_HELPERS

static const enum linux_proto_key sk_filter_helpers[] = {
	SK_FILTER_HELPERS,
};

/*
 * The errno a cgroup socket program gives the system call it refuses (Linux's
 * cgroup_common_func_proto; cgroup_skb and sock_ops programs do not have them). Linux withholds
 * them from the attach types whose return value is not the call's (recvmsg, getpeername,
 * getsockname); the attach type is not known here, so the whole type has them.
 */
#define CGROUP_RETVAL_HELPERS LP_GET_RETVAL, LP_SET_RETVAL

/* The socket lookups (referenced until bpf_sk_release): tc, XDP (the packet extension), sk_skb
 * and cgroup_sock_addr, as Linux offers them. */
#define SK_LOOKUP_HELPERS LP_SK_LOOKUP_TCP, LP_SK_LOOKUP_UDP, LP_SKC_LOOKUP_TCP, LP_SK_RELEASE

/* Linux's cg_skb_func_proto: the skb's socket (skb->sk) is reached through bpf_sk_fullsock and
 * bpf_tcp_sock, as samples/bpf's hbm reads its TCP state. */
static const enum linux_proto_key cg_skb_helpers[] = {
	SK_FILTER_HELPERS,    LP_SKB_CGROUP_ID,		LP_SKB_ANCESTOR_CGROUP_ID,
	LP_SKB_ECN_SET_CE,    LP_GET_LOCAL_STORAGE,	LP_SK_FULLSOCK,
	LP_TCP_SOCK,	      LP_GET_LISTENER_SOCK,	SK_LOOKUP_HELPERS,
	LP_SK_CGROUP_ID,      LP_SK_ANCESTOR_CGROUP_ID, LP_SK_STORAGE_GET,
	LP_SK_STORAGE_DELETE,
};

static const enum linux_proto_key tc_helpers[] = {
	LP_SKB_STORE_BYTES,
	LP_SKB_LOAD_BYTES,
	LP_SKB_LOAD_BYTES_RELATIVE,
	LP_SKB_PULL_DATA,
	LP_CSUM_UPDATE,
	LP_CSUM_LEVEL,
	LP_L3_CSUM_REPLACE,
	LP_L4_CSUM_REPLACE,
	LP_CLONE_REDIRECT,
	LP_GET_CGROUP_CLASSID,
	LP_SKB_VLAN_PUSH,
	LP_SKB_VLAN_POP,
	LP_SKB_CHANGE_PROTO,
	LP_SKB_CHANGE_TYPE,
	LP_SKB_ADJUST_ROOM,
	LP_SKB_CHANGE_TAIL,
	LP_SKB_CHANGE_HEAD,
	LP_SKB_GET_TUNNEL_KEY,
	LP_SKB_SET_TUNNEL_KEY,
	LP_SKB_GET_TUNNEL_OPT,
	LP_SKB_SET_TUNNEL_OPT,
	LP_REDIRECT,
	LP_REDIRECT_NEIGH,
	LP_REDIRECT_PEER,
	LP_GET_ROUTE_REALM,
	LP_GET_HASH_RECALC,
	LP_SET_HASH_INVALID,
	LP_SET_HASH,
	LP_PERF_EVENT_OUTPUT,
	LP_SKB_UNDER_CGROUP,
	LP_GET_SOCKET_COOKIE,
	LP_GET_SOCKET_UID,
	LP_FIB_LOOKUP,
	LP_CHECK_MTU,
	LP_SKB_GET_XFRM_STATE,
	LP_SKB_CGROUP_CLASSID,
	/* tc_cls_act_func_proto: the storage of a socket (skb->sk, a looked-up one, a cast) */
	LP_SK_STORAGE_GET,
	LP_SK_STORAGE_DELETE,
	LP_SKB_CGROUP_ID,
	LP_SKB_ANCESTOR_CGROUP_ID,
	LP_SKB_ECN_SET_CE,
	LP_SKB_SET_TSTAMP,
	LP_GET_NETNS_COOKIE,
	SK_LOOKUP_HELPERS,
	LP_SK_FULLSOCK,
	LP_TCP_SOCK,
	LP_GET_LISTENER_SOCK,
	LP_TCP_CHECK_SYNCOOKIE,
	LP_TCP_GEN_SYNCOOKIE,
	LP_SK_ASSIGN,
	PERFMON_BASE_HELPERS,
	TIMER_HELPERS,
	SKC_CAST_HELPERS,
};

#define LWT_OUT_HELPERS                                                                            \
	LP_SKB_LOAD_BYTES, LP_SKB_PULL_DATA, LP_GET_CGROUP_CLASSID, LP_GET_ROUTE_REALM,            \
	    LP_GET_HASH_RECALC, LP_PERF_EVENT_OUTPUT, LP_SKB_UNDER_CGROUP, PERFMON_BASE_HELPERS,   \
	    TIMER_HELPERS, SKC_CAST_HELPERS

static const enum linux_proto_key lwt_out_helpers[] = {
	LWT_OUT_HELPERS,
};

static const enum linux_proto_key lwt_in_helpers[] = {
	LWT_OUT_HELPERS,
	LP_LWT_PUSH_ENCAP,
};

static const enum linux_proto_key lwt_xmit_helpers[] = {
	LWT_OUT_HELPERS,       LP_SKB_GET_TUNNEL_KEY, LP_SKB_SET_TUNNEL_KEY, LP_SKB_GET_TUNNEL_OPT,
	LP_SKB_SET_TUNNEL_OPT, LP_REDIRECT,	      LP_CLONE_REDIRECT,     LP_SKB_CHANGE_TAIL,
	LP_SKB_CHANGE_HEAD,    LP_SKB_STORE_BYTES,    LP_CSUM_UPDATE,	     LP_CSUM_LEVEL,
	LP_L3_CSUM_REPLACE,    LP_L4_CSUM_REPLACE,    LP_SET_HASH_INVALID,   LP_LWT_PUSH_ENCAP,
};

static const enum linux_proto_key lwt_seg6local_helpers[] = {
	LWT_OUT_HELPERS,
	LP_LWT_SEG6_STORE_BYTES,
	LP_LWT_SEG6_ACTION,
	LP_LWT_SEG6_ADJUST_SRH,
};

static const enum linux_proto_key sk_skb_helpers[] = {
	LP_SKB_STORE_BYTES, LP_SKB_LOAD_BYTES,	  LP_SKB_PULL_DATA,	LP_SKB_CHANGE_TAIL,
	LP_SKB_CHANGE_HEAD, LP_SKB_ADJUST_ROOM,	  LP_GET_SOCKET_COOKIE, LP_GET_SOCKET_UID,
	LP_SK_REDIRECT_MAP, LP_SK_REDIRECT_HASH,  LP_PERF_EVENT_OUTPUT, LP_GET_CGROUP_CLASSID_CURR,
	SK_LOOKUP_HELPERS,  PERFMON_BASE_HELPERS, TIMER_HELPERS,	SKC_CAST_HELPERS,
};

static const enum linux_proto_key sock_ops_helpers[] = {
	LP_SETSOCKOPT,
	LP_GETSOCKOPT,
	LP_SOCK_OPS_CB_FLAGS_SET,
	LP_SOCK_MAP_UPDATE,
	LP_SOCK_HASH_UPDATE,
	LP_GET_SOCKET_COOKIE,
	LP_PERF_EVENT_OUTPUT,
	LP_GET_NETNS_COOKIE,
	LP_LOAD_HDR_OPT,
	LP_STORE_HDR_OPT,
	LP_RESERVE_HDR_OPT,
	LP_TCP_SOCK,
	LP_SK_STORAGE_GET,
	LP_SK_STORAGE_DELETE,
	LP_GET_LOCAL_STORAGE,
	LP_GET_CGROUP_CLASSID_CURR,
	PERFMON_BASE_HELPERS,
	TIMER_HELPERS,
	SKC_CAST_HELPERS,
};

static const enum linux_proto_key sk_msg_helpers[] = {
	LP_MSG_REDIRECT_MAP,  LP_MSG_REDIRECT_HASH, LP_MSG_APPLY_BYTES,	 LP_MSG_CORK_BYTES,
	LP_MSG_PULL_DATA,     LP_MSG_PUSH_DATA,	    LP_MSG_POP_DATA,	 LP_SK_STORAGE_GET,
	LP_SK_STORAGE_DELETE, LP_PERF_EVENT_OUTPUT, LP_GET_NETNS_COOKIE, LP_GET_CGROUP_CLASSID_CURR,
	PERFMON_BASE_HELPERS, TIMER_HELPERS,	    SKC_CAST_HELPERS,
};

#define SOCK_HELPERS                                                                               \
	LP_GET_SOCKET_COOKIE, LP_GET_NETNS_COOKIE, LP_PERF_EVENT_OUTPUT,                           \
	    LP_GET_CGROUP_CLASSID_CURR, LP_GET_LOCAL_STORAGE, CGROUP_RETVAL_HELPERS,               \
	    PERFMON_BASE_HELPERS, TIMER_HELPERS

/* sock_filter_func_proto: bpf_sk_storage_get of the context, which is the socket (no delete) */
static const enum linux_proto_key sock_helpers[] = {
	SOCK_HELPERS,
	LP_SK_STORAGE_GET_CG_SOCK,
};

static const enum linux_proto_key sock_addr_helpers[] = {
	SOCK_HELPERS,	   LP_BIND,	      LP_SETSOCKOPT,	    LP_GETSOCKOPT,
	SK_LOOKUP_HELPERS, LP_SK_STORAGE_GET, LP_SK_STORAGE_DELETE, SKC_CAST_HELPERS,
};

/* sk_lookup_func_proto: bpf_sk_assign of a full socket or NULL, bpf_sk_release. */
static const enum linux_proto_key sk_lookup_helpers[] = {
	LP_SK_ASSIGN_LOOKUP,  LP_SK_RELEASE, LP_PERF_EVENT_OUTPUT, LP_GET_CGROUP_CLASSID_CURR,
	PERFMON_BASE_HELPERS, TIMER_HELPERS, SKC_CAST_HELPERS,
};

/* flow_dissector_func_proto: skb_load_bytes of the packet being dissected, and the base set. */
static const enum linux_proto_key flow_dissector_helpers[] = {
	LP_SKB_LOAD_BYTES, LP_GET_CGROUP_CLASSID_CURR, PERFMON_BASE_HELPERS,
	TIMER_HELPERS,	   SKC_CAST_HELPERS,
};

/* sk_reuseport_func_proto (get_socket_cookie takes a socket there, not the context). */
static const enum linux_proto_key sk_reuseport_helpers[] = {
	LP_SK_SELECT_REUSEPORT,
	LP_SKB_LOAD_BYTES,
	LP_SKB_LOAD_BYTES_RELATIVE,
	LP_GET_SOCKET_PTR_COOKIE,
	LP_GET_CGROUP_CLASSID_CURR,
	PERFMON_BASE_HELPERS,
	TIMER_HELPERS,
};

/* sysctl_func_proto: cgroup_common_func_proto, cgroup_current_func_proto and the base set. */
static const enum linux_proto_key sysctl_helpers[] = {
	LP_SYSCTL_GET_NAME,	 LP_SYSCTL_GET_CURRENT_VALUE, LP_SYSCTL_GET_NEW_VALUE,
	LP_SYSCTL_SET_NEW_VALUE, LP_GET_CGROUP_CLASSID_CURR,  PERFMON_BASE_HELPERS,
	LP_GET_LOCAL_STORAGE,	 LP_PERF_EVENT_OUTPUT,	      CGROUP_RETVAL_HELPERS,
	TIMER_HELPERS,
};

/* cg_sockopt_func_proto: the socket's storage, bpf_tcp_sock, the cgroup set and the base set;
 * bpf_setsockopt/bpf_getsockopt on ctx->sk in setsockopt programs only. */
#define SOCKOPT_HELPERS                                                                            \
	LP_GET_NETNS_COOKIE, LP_SK_STORAGE_GET, LP_SK_STORAGE_DELETE, LP_TCP_SOCK,                 \
	    LP_PERF_EVENT_OUTPUT, LP_GET_CGROUP_CLASSID_CURR, LP_GET_LOCAL_STORAGE,                \
	    CGROUP_RETVAL_HELPERS, PERFMON_BASE_HELPERS, TIMER_HELPERS
static const enum linux_proto_key getsockopt_helpers[] = { SOCKOPT_HELPERS };
static const enum linux_proto_key setsockopt_helpers[] = {
	SOCKOPT_HELPERS,
	LP_SK_SETSOCKOPT,
	LP_SK_GETSOCKOPT,
};

/* cgroup_dev_func_proto: cgroup_common_func_proto, cgroup_current_func_proto, perf output. */
static const enum linux_proto_key cgroup_dev_helpers[] = {
	LP_PERF_EVENT_OUTPUT,  LP_GET_CGROUP_CLASSID_CURR, LP_GET_LOCAL_STORAGE,
	CGROUP_RETVAL_HELPERS, PERFMON_BASE_HELPERS,	   TIMER_HELPERS,
};

#define HELPERS(list) .helpers = (list), .helper_count = ARRAY_SIZE(list)

/* ---- sections ----------------------------------------------------------------------------- */

/* A prefix without '/' matches itself and itself + "/...": libbpf's "name+" entries. A prefix
 * ending in '*' (L below) matches every section starting with the rest: the names libbpf 0.x
 * matched sloppily (SEC_SLOPPY_PFX) and samples/bpf's bpf_load.c by strncmp, which objects of
 * that era use ("socket1", "cgroup/sock1", "sockops_tcp"); any strict match wins over them. */
#define S(p)                                                                                       \
	{                                                                                          \
		.prefix = (p)                                                                      \
	}
#define L(p)		 S(p "*")
#define SECTIONS(list)	 .sections = (list), .section_count = ARRAY_SIZE(list)
#define BTF_ATTACH(list) .btf_attach = (list), .btf_attach_count = ARRAY_SIZE(list)

static const struct ebpf_section_prefix sk_filter_sections[] = { S("socket"), L("socket") };
static const struct ebpf_section_prefix kprobe_sections[] = {
	S("kprobe"),   S("kretprobe"),	 S("uprobe"),	    S("uretprobe"),
	S("uprobe.s"), S("uretprobe.s"), S("kprobe.multi"), S("kretprobe.multi"),
	S("ksyscall"), S("kretsyscall"), S("usdt"),
};
static const struct ebpf_section_prefix sched_cls_sections[] = {
	S("tc"), S("classifier"), L("classifier"), S("tcx"), S("netkit"),
};
static const struct ebpf_section_prefix sched_act_sections[] = { S("action"), L("action") };
static const struct ebpf_section_prefix tracepoint_sections[] = { S("tracepoint"), S("tp") };
static const struct ebpf_section_prefix raw_tp_sections[] = {
	S("raw_tracepoint"),
	S("raw_tp"),
	{ .prefix = "raw_tracepoint.w",
	  .refused = "writable raw tracepoints (BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE) are not "
		     "supported" },
	{ .prefix = "raw_tp.w",
	  .refused = "writable raw tracepoints (BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE) are not "
		     "supported" },
};
static const struct ebpf_section_prefix tracing_sections[] = {
	S("tp_btf"),   S("fentry"),  S("fexit"),      S("fmod_ret"),
	S("fentry.s"), S("fexit.s"), S("fmod_ret.s"),
};

/* Linux's attach rules (bpf_check_attach_target): the BTF entry each section names. */
static const struct ebpf_btf_attach tracing_btf_attach[] = {
	{ "tp_btf", "btf_trace_", EBPF_BTF_ATTACH_TRACEPOINT },
	{ "fentry", "", EBPF_BTF_ATTACH_FUNC },
	{ "fentry.s", "", EBPF_BTF_ATTACH_FUNC },
	{ "fexit", "", EBPF_BTF_ATTACH_FUNC_RET },
	{ "fexit.s", "", EBPF_BTF_ATTACH_FUNC_RET },
	{ "fmod_ret", "", EBPF_BTF_ATTACH_FUNC_RET },
	{ "fmod_ret.s", "", EBPF_BTF_ATTACH_FUNC_RET },
};

/* Iterators: "iter/task" reads struct bpf_iter__task of the target BTF. */
static const struct ebpf_section_prefix iter_sections[] = { S("iter"), S("iter.s") };
static const struct ebpf_btf_attach iter_btf_attach[] = {
	{ "iter", "bpf_iter__", EBPF_BTF_ATTACH_ITER },
	{ "iter.s", "bpf_iter__", EBPF_BTF_ATTACH_ITER },
};

static const struct ebpf_section_prefix lsm_sections[] = { S("lsm"), S("lsm.s") };
static const struct ebpf_btf_attach lsm_btf_attach[] = {
	{ "lsm", "bpf_lsm_", EBPF_BTF_ATTACH_FUNC_RET },
	{ "lsm.s", "bpf_lsm_", EBPF_BTF_ATTACH_FUNC_RET },
};
static const struct ebpf_section_prefix perf_event_sections[] = { S("perf_event"),
								  L("perf_event") };
static const struct ebpf_section_prefix cg_skb_sections[] = {
	S("cgroup_skb/ingress"),
	S("cgroup_skb/egress"),
	S("cgroup/skb"),
	L("cgroup/skb"),
};
static const struct ebpf_section_prefix cg_sock_sections[] = {
	S("cgroup/sock_create"), S("cgroup/sock_release"), S("cgroup/sock"),
	S("cgroup/post_bind4"),	 S("cgroup/post_bind6"),   L("cgroup/sock"),
};
static const struct ebpf_section_prefix cg_sock_addr_sections[] = {
	S("cgroup/bind4"),
	S("cgroup/bind6"),
	S("cgroup/connect4"),
	S("cgroup/connect6"),
	S("cgroup/connect_unix"),
	S("cgroup/sendmsg4"),
	S("cgroup/sendmsg6"),
	S("cgroup/sendmsg_unix"),
	S("cgroup/recvmsg4"),
	S("cgroup/recvmsg6"),
	S("cgroup/recvmsg_unix"),
	S("cgroup/getpeername4"),
	S("cgroup/getpeername6"),
	S("cgroup/getpeername_unix"),
	S("cgroup/getsockname4"),
	S("cgroup/getsockname6"),
	S("cgroup/getsockname_unix"),
};
static const struct ebpf_section_prefix sock_ops_sections[] = { S("sockops"), L("sockops") };
static const struct ebpf_section_prefix sk_skb_sections[] = {
	S("sk_skb/stream_parser"),
	S("sk_skb/stream_verdict"),
	S("sk_skb/verdict"),
	S("sk_skb"),
	L("sk_skb"),
};
static const struct ebpf_section_prefix sk_msg_sections[] = { S("sk_msg"), L("sk_msg") };
static const struct ebpf_section_prefix lwt_in_sections[] = { S("lwt_in"), L("lwt_in") };
static const struct ebpf_section_prefix lwt_out_sections[] = { S("lwt_out"), L("lwt_out") };
static const struct ebpf_section_prefix lwt_xmit_sections[] = { S("lwt_xmit"), L("lwt_xmit") };
static const struct ebpf_section_prefix lwt_seg6local_sections[] = { S("lwt_seg6local"),
								     L("lwt_seg6local") };
static const struct ebpf_section_prefix sk_lookup_sections[] = { S("sk_lookup") };
static const struct ebpf_section_prefix flow_dissector_sections[] = { S("flow_dissector"),
								      L("flow_dissector") };
static const struct ebpf_section_prefix sk_reuseport_sections[] = {
	S("sk_reuseport/migrate"),
	S("sk_reuseport"),
};
static const struct ebpf_section_prefix sysctl_sections[] = { S("cgroup/sysctl") };
static const struct ebpf_section_prefix getsockopt_sections[] = { S("cgroup/getsockopt") };
static const struct ebpf_section_prefix setsockopt_sections[] = { S("cgroup/setsockopt") };
static const struct ebpf_section_prefix cgroup_dev_sections[] = { S("cgroup/dev") };

/* ---- the types ---------------------------------------------------------------------------- */

/* Tracing programs run with CAP_PERFMON on Linux, which lets them store pointers anywhere. */
#define TRACING_FLAGS	 EBPF_PROGRAM_TYPE_ALLOW_POINTER_LEAK
/* Types whose packet Linux lets programs read but not write (may_access_direct_pkt_data). */
#define PACKET_READ_ONLY EBPF_PROGRAM_TYPE_PACKET_READ_ONLY

/*
 * Linux's BPF_PROG_TYPE_CGROUP_SOCKOPT with expected attach type BPF_CGROUP_GETSOCKOPT or
 * BPF_CGROUP_SETSOCKOPT, a type each here: struct bpf_sockopt with optval and optval_end 64-bit
 * pointer fields at 8 and 16 around the option's bytes, which programs may read and write; the
 * fields written and the helpers differ by attach type.
 */
#define SOCKOPT_TYPE(name_, number_, kind)                                                           \
	{                                                                                            \
		.name = (name_), .number = (number_), SECTIONS(kind##_sections),                   \
		.context = {                                                                       \
			.size = LINUX_BPF_SOCKOPT_SIZE,                                            \
			.data = 8,                                                                 \
			.data_end = 16,                                                            \
			.meta = -1,                                                                \
			.writable = kind##_writable,                                               \
			.writable_count = ARRAY_SIZE(kind##_writable),                             \
		},                                                                                 \
		HELPERS(kind##_helpers), FIELDS(sockopt_fields), \
	}

const struct linux_type linux_types[] = {
	{
		.name = "socket_filter",
		.number = LINUX_PROG_SOCKET_FILTER,
		SECTIONS(sk_filter_sections),
		/*
		 * Socket filters may not load skb->data (Linux refuses it) but do use the legacy
		 * packet loads: the packet pointers are declared where only ld_abs/ld_ind reach
		 * them, in the hidden slots beyond the visible structure.
		 */
		.context = {
			.size = LINUX_SKB_CTX_SIZE,
			.data = LINUX_SKB_DATA_PTR,
			.data_end = LINUX_SKB_DATA_END_PTR,
			.meta = -1,
			.writable = sk_filter_writable,
			.writable_count = ARRAY_SIZE(sk_filter_writable),
		},
		HELPERS(sk_filter_helpers),
		FIELDS(sk_filter_fields),
		.flags = PACKET_READ_ONLY,
	},
	{
		.name = "kprobe",
		.number = LINUX_PROG_KPROBE,
		SECTIONS(kprobe_sections),
		PLAIN_CONTEXT(LINUX_PT_REGS_SIZE),
		HELPERS(kprobe_helpers),
		.flags = TRACING_FLAGS,
	},
	{
		.name = "sched_cls",
		.number = LINUX_PROG_SCHED_CLS,
		SECTIONS(sched_cls_sections),
		SKB_CONTEXT(true, tc_writable, tc_fields),
		HELPERS(tc_helpers),
	},
	{
		.name = "sched_act",
		.number = LINUX_PROG_SCHED_ACT,
		SECTIONS(sched_act_sections),
		SKB_CONTEXT(true, tc_writable, tc_fields),
		HELPERS(tc_helpers),
	},
	{
		.name = "tracepoint",
		.number = LINUX_PROG_TRACEPOINT,
		SECTIONS(tracepoint_sections),
		PLAIN_CONTEXT(LINUX_TRACEPOINT_CTX_MAX),
		HELPERS(tracepoint_helpers),
		.flags = TRACING_FLAGS,
	},
	{
		.name = "perf_event",
		.number = LINUX_PROG_PERF_EVENT,
		SECTIONS(perf_event_sections),
		PLAIN_CONTEXT(LINUX_PERF_EVENT_CTX_SIZE),
		HELPERS(perf_event_helpers),
		.flags = TRACING_FLAGS,
	},
	{
		.name = "cgroup_skb",
		.number = LINUX_PROG_CGROUP_SKB,
		SECTIONS(cg_skb_sections),
		SKB_CONTEXT(false, cg_skb_writable, cg_skb_fields),
		HELPERS(cg_skb_helpers),
		.flags = PACKET_READ_ONLY,
	},
	{
		.name = "cgroup_sock",
		.number = LINUX_PROG_CGROUP_SOCK,
		SECTIONS(cg_sock_sections),
		PLAIN_CONTEXT_W(LINUX_BPF_SOCK_SIZE, sock_writable),
		HELPERS(sock_helpers),
		FIELDS(sock_fields),
	},
	{
		.name = "lwt_in",
		.number = LINUX_PROG_LWT_IN,
		SECTIONS(lwt_in_sections),
		SKB_CONTEXT(false, lwt_writable, lwt_fields),
		HELPERS(lwt_in_helpers),
		.flags = PACKET_READ_ONLY,
	},
	{
		.name = "lwt_out",
		.number = LINUX_PROG_LWT_OUT,
		SECTIONS(lwt_out_sections),
		SKB_CONTEXT(false, lwt_writable, lwt_fields),
		HELPERS(lwt_out_helpers),
		.flags = PACKET_READ_ONLY,
	},
	{
		.name = "lwt_xmit",
		.number = LINUX_PROG_LWT_XMIT,
		SECTIONS(lwt_xmit_sections),
		SKB_CONTEXT(false, lwt_writable, lwt_fields),
		HELPERS(lwt_xmit_helpers),
	},
	{
		.name = "sock_ops",
		.number = LINUX_PROG_SOCK_OPS,
		SECTIONS(sock_ops_sections),
		/* skb_data and skb_data_end are 64-bit pointer fields: no hidden slots. */
		.context = {
			.size = LINUX_BPF_SOCK_OPS_SIZE,
			.data = 192,
			.data_end = 200,
			.meta = -1,
			.writable = sock_ops_writable,
			.writable_count = ARRAY_SIZE(sock_ops_writable),
		},
		HELPERS(sock_ops_helpers),
		FIELDS(sock_ops_fields),
		.flags = PACKET_READ_ONLY,
	},
	{
		.name = "sk_skb",
		.number = LINUX_PROG_SK_SKB,
		SECTIONS(sk_skb_sections),
		SKB_CONTEXT(false, sk_skb_writable, sk_skb_fields),
		HELPERS(sk_skb_helpers),
	},
	{
		.name = "sk_msg",
		.number = LINUX_PROG_SK_MSG,
		SECTIONS(sk_msg_sections),
		/* struct sk_msg_md: data and data_end are 64-bit pointer fields at 0 and 8. */
		.context = {
			.size = LINUX_SK_MSG_MD_SIZE,
			.data = 0,
			.data_end = 8,
			.meta = -1,
		},
		HELPERS(sk_msg_helpers),
		FIELDS(sk_msg_fields),
	},
	{
		.name = "raw_tracepoint",
		.number = LINUX_PROG_RAW_TRACEPOINT,
		SECTIONS(raw_tp_sections),
		PLAIN_CONTEXT(LINUX_RAW_TP_CTX_SIZE),
		HELPERS(raw_tp_helpers),
		.flags = TRACING_FLAGS,
	},
	{
		.name = "cgroup_sock_addr",
		.number = LINUX_PROG_CGROUP_SOCK_ADDR,
		SECTIONS(cg_sock_addr_sections),
		PLAIN_CONTEXT_W(LINUX_BPF_SOCK_ADDR_SIZE, sock_addr_writable),
		HELPERS(sock_addr_helpers),
		FIELDS(sock_addr_fields),
	},
	{
		.name = "lwt_seg6local",
		.number = LINUX_PROG_LWT_SEG6LOCAL,
		SECTIONS(lwt_seg6local_sections),
		SKB_CONTEXT(false, lwt_writable, lwt_fields),
		HELPERS(lwt_seg6local_helpers),
		.flags = PACKET_READ_ONLY,
	},
	{
		.name = "sk_reuseport",
		.number = LINUX_PROG_SK_REUSEPORT,
		SECTIONS(sk_reuseport_sections),
		/* struct sk_reuseport_md: data and data_end are 64-bit pointer fields at 0 and 8;
		 * the packet (from the transport header on) is read-only, as on Linux. */
		.context = {
			.size = LINUX_REUSEPORT_MD_SIZE,
			.data = 0,
			.data_end = 8,
			.meta = -1,
		},
		HELPERS(sk_reuseport_helpers),
		FIELDS(sk_reuseport_fields),
		.flags = PACKET_READ_ONLY,
	},
	{
		/* Linux gives the dissector only data, data_end and flow_keys of its __sk_buff
		 * (flow_dissector_fields), and lets it read the packet but not write it. */
		.name = "flow_dissector",
		.number = LINUX_PROG_FLOW_DISSECTOR,
		SECTIONS(flow_dissector_sections),
		.context = {
			.size = LINUX_SKB_CTX_SIZE,
			.data = SKB_DATA,
			.data_end = SKB_DATA_END,
			.meta = -1,
		},
		.pointers = {
			.data = LINUX_SKB_DATA_PTR,
			.data_end = LINUX_SKB_DATA_END_PTR,
		},
		HELPERS(flow_dissector_helpers),
		FIELDS(flow_dissector_fields),
		.flags = PACKET_READ_ONLY,
	},
	{
		.name = "cgroup_sysctl",
		.number = LINUX_PROG_CGROUP_SYSCTL,
		SECTIONS(sysctl_sections),
		PLAIN_CONTEXT_W(LINUX_BPF_SYSCTL_SIZE, sysctl_writable),
		HELPERS(sysctl_helpers),
		FIELDS(sysctl_fields),
	},
	SOCKOPT_TYPE("cgroup_getsockopt", LINUX_PROG_CGROUP_SOCKOPT, getsockopt),
	SOCKOPT_TYPE("cgroup_setsockopt", LINUX_PROG_CGROUP_SETSOCKOPT, setsockopt),
	{
		/* struct bpf_cgroup_dev_ctx: read-only */
		.name = "cgroup_device",
		.number = LINUX_PROG_CGROUP_DEVICE,
		SECTIONS(cgroup_dev_sections),
		PLAIN_CONTEXT(LINUX_CGROUP_DEV_CTX_SIZE),
		HELPERS(cgroup_dev_helpers),
		FIELDS(cgroup_dev_fields),
	},
	{
		/* struct bpf_sk_lookup: read-only; sk is a socket or NULL. */
		.name = "sk_lookup",
		.number = LINUX_PROG_SK_LOOKUP,
		SECTIONS(sk_lookup_sections),
		PLAIN_CONTEXT(LINUX_BPF_SK_LOOKUP_SIZE),
		HELPERS(sk_lookup_helpers),
		FIELDS(sk_lookup_fields),
	},
	{
		/* The context is the target's arguments: the core builds it from the kernel's BTF
		 * (btf_attach); PLAIN_CONTEXT is the largest, 13 u64s. */
		.name = "tracing",
		.number = LINUX_PROG_TRACING,
		SECTIONS(tracing_sections),
		PLAIN_CONTEXT(LINUX_BTF_CTX_SIZE),
		HELPERS(tracing_helpers),
		.flags = TRACING_FLAGS,
		BTF_ATTACH(tracing_btf_attach),
	},
	{
		/* Linux's tracing type with expected attach type BPF_TRACE_ITER: a type of its
		 * own here, since only iterators get the seq_file helpers. */
		.name = "tracing_iter",
		.number = LINUX_PROG_TRACING_ITER,
		SECTIONS(iter_sections),
		PLAIN_CONTEXT(LINUX_BTF_CTX_SIZE),
		HELPERS(iter_helpers),
		.flags = TRACING_FLAGS,
		BTF_ATTACH(iter_btf_attach),
	},
	{
		.name = "lsm",
		.number = LINUX_PROG_LSM,
		SECTIONS(lsm_sections),
		PLAIN_CONTEXT(LINUX_BTF_CTX_SIZE),
		HELPERS(tracing_helpers),
		.flags = TRACING_FLAGS,
		BTF_ATTACH(lsm_btf_attach),
	},
};

const size_t linux_type_count = ARRAY_SIZE(linux_types);
