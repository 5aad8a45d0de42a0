// SPDX-License-Identifier: MIT
/*
 * The prototypes of the Linux helpers the linux program types offer, with Linux's ids (enum
 * bpf_func_id) and the argument and return kinds of the kernel's struct bpf_func_proto tables
 * (kernel/trace/bpf_trace.c, net/core/filter.c). The verifier checks every call against them.
 *
 * Translation of Linux's argument kinds: ARG_PTR_TO_MEM | MEM_RDONLY is EBPF_ARG_PTR_TO_MEM,
 * ARG_PTR_TO_UNINIT_MEM is EBPF_ARG_PTR_TO_UNINIT_MEM, ARG_PTR_TO_MEM_OR_NULL (| PTR_MAYBE_NULL)
 * is EBPF_ARG_PTR_TO_MEM_OR_NULL and ARG_PTR_TO_CTX_OR_NULL is EBPF_ARG_PTR_TO_CTX_OR_NULL.
 * Helpers whose kinds have no equivalent here (sockets returned by bpf_sk_lookup_tcp, BTF
 * pointers, dynptrs) are not offered: a program calling one is refused as calling an unknown
 * helper. The bpf_timer_* helpers are (the verifier knows the timer field and its callback).
 *
 * Ids the core defines globally (map operations, tail calls, clocks, random numbers,
 * trace_printk, csum_diff, ring buffers, strtol, strncmp) are absent on purpose: the core refuses
 * a program type whose helper shadows a global one.
 *
 * Every helper here needs the kernel (its memory, tasks, sockets, perf events, routing tables), so
 * all are EBPF_HELPER_VERIFY_ONLY: a program calling one verifies but cannot be loaded to run.
 */
#include <errno.h>

#include "linux_internal.h"

#define R_KMEM	 "it reads or writes kernel memory, which a user-space runtime does not have"
#define R_TASK	 "it reports on the current kernel task, which has no user-space meaning"
#define R_PERF	 "it needs the kernel's perf events"
#define R_STACK	 "it walks kernel stacks"
#define R_KPROBE "it changes a probed kernel function's behaviour"
#define R_SKB	 "it needs a kernel socket buffer (struct sk_buff)"
#define R_ROUTE	 "it needs the kernel's devices, routes or neighbour tables"
#define R_SOCK	 "it needs a kernel socket"
#define R_CGROUP "it needs the kernel's cgroups"
#define R_LWT	 "it needs the kernel's light-weight tunnels"
#define R_STORE	 "its values belong to kernel objects (tasks, cgroups, inodes, sockets)"
#define R_SEQ	 "it writes to the kernel's seq_file, which a reader of the iterator's file gets"
#define R_RETVAL                                                                                   \
	"it reads or sets the error the kernel's system call returns when a cgroup program "       \
	"refuses it"
#define R_REUSEPORT "it picks the kernel socket of a SO_REUSEPORT group that receives the packet"
#define R_SYSCTL    "it reads or replaces a kernel sysctl's name and value (/proc/sys)"
#define R_TIMER                                                                                    \
	"it arms a kernel timer (hrtimer) that fires the callback later; here a host thread "      \
	"would "                                                                                   \
	"have to fire it, and none does"

#define R_PRINTF                                                                                   \
	"its values may be addresses whose strings and bytes Linux reads with nofault reads, "     \
	"which "                                                                                   \
	"a user-space process cannot make harmless; bpf_trace_printk formats what the verifier "   \
	"proves readable"
#define R_SK_LOOKUP                                                                                \
	"it looks up the kernel's sockets (struct sock), which a user-space runtime does not "     \
	"have"
#define A_SOCK EBPF_ARG_PTR_TO_SOCK_COMMON
#define A_ANY  EBPF_ARG_ANYTHING
#define A_CTX  EBPF_ARG_PTR_TO_CTX
#define A_MAP  EBPF_ARG_CONST_MAP_PTR
#define A_KEY  EBPF_ARG_PTR_TO_MAP_KEY
#define A_MEM  EBPF_ARG_PTR_TO_MEM
#define A_MEMN EBPF_ARG_PTR_TO_MEM_OR_NULL
#define A_UMEM EBPF_ARG_PTR_TO_UNINIT_MEM
#define A_SZ   EBPF_ARG_CONST_SIZE
#define A_SZ0  EBPF_ARG_CONST_SIZE_OR_ZERO

/* A verify-only helper returning an integer; flags_ adds EBPF_HELPER_CHANGES_PACKET. */
#define PROTO(key, id_, name_, reason, flags_, ...)                                                \
	[key] = {                                                                                  \
		.id = (id_),                                                                       \
		.name = (name_),                                                                   \
		.ret = EBPF_RET_INTEGER,                                                           \
		.args = { __VA_ARGS__ },                                                           \
		.flags = EBPF_HELPER_VERIFY_ONLY | (flags_),                                       \
		.unavailable_reason = (reason),                                                    \
	}

/* A storage helper: the value of the object (a BTF pointer or NULL) in the map, or NULL;
 * with `init` (a map value or NULL) the value is created when missing (BPF_*_STORAGE_GET_F_CREATE).
 */
/* bpf_*_storage_get: the owner (a kernel object, a socket, the context) named as owner_ says */
#define OWNER_STORAGE_GET(key, id_, name_, reason, owner_)                                         \
	[key] = {                                                                                  \
		.id = (id_),                                                                       \
		.name = (name_),                                                                   \
		.ret = EBPF_RET_PTR_TO_MAP_VALUE_OR_NULL,                                          \
		.args = { A_MAP, (owner_), EBPF_ARG_PTR_TO_MAP_VALUE_OR_NULL, A_ANY },             \
		.flags = EBPF_HELPER_VERIFY_ONLY,                                                  \
		.unavailable_reason = (reason),                                                    \
	}
#define STORAGE_GET(key, id_, name_, reason)                                                       \
	OWNER_STORAGE_GET(key, id_, name_, reason, EBPF_ARG_PTR_TO_BTF_ID_OR_NULL)
#define STORAGE_DELETE(key, id_, name_, reason)                                                    \
	PROTO(key, id_, name_, reason, 0, A_MAP, EBPF_ARG_PTR_TO_BTF_ID_OR_NULL)

/* A helper returning a socket pointer or NULL (ret_), flags_ its reference flags. */
#define SOCK_PROTO(key, id_, name_, ret_, flags_, ...)                                             \
	[key] = {                                                                                  \
		.id = (id_),                                                                       \
		.name = (name_),                                                                   \
		.ret = (ret_),                                                                     \
		.args = { __VA_ARGS__ },                                                           \
		.flags = EBPF_HELPER_VERIFY_ONLY | (flags_),                                       \
		.unavailable_reason = R_SK_LOOKUP,                                                 \
	}
/* bpf_sk_lookup_tcp and friends: ctx, struct bpf_sock_tuple (on the stack or in the packet) and
 * its size, netns id, flags; the socket holds a reference until bpf_sk_release. */
#define SK_LOOKUP(key, id_, name_, ret_)                                                           \
	SOCK_PROTO(key, id_, name_, ret_, EBPF_HELPER_ACQUIRE, A_CTX, A_MEM, A_SZ, A_ANY, A_ANY)

/* A cast of a socket to a kernel struct (the verifier's table names it), sharing its reference. */
#define SKC_CAST(key, id_, name_)                                                                  \
	SOCK_PROTO(key, id_, name_, EBPF_RET_PTR_TO_BTF_ID_OR_NULL, EBPF_HELPER_PTR_CAST, A_SOCK)

#define PKT EBPF_HELPER_CHANGES_PACKET
#define GPL EBPF_HELPER_GPL_ONLY /* Linux's gpl_only */

const struct ebpf_helper_proto linux_protos[LP_COUNT] = {
	/* tracing */
	PROTO(LP_PROBE_READ, 4, "bpf_probe_read", R_KMEM, GPL, A_UMEM, A_SZ0, A_ANY),
	PROTO(LP_PROBE_READ_STR, 45, "bpf_probe_read_str", R_KMEM, GPL, A_UMEM, A_SZ0, A_ANY),
	PROTO(LP_PROBE_READ_USER, 112, "bpf_probe_read_user", R_KMEM, GPL, A_UMEM, A_SZ0, A_ANY),
	PROTO(LP_PROBE_READ_KERNEL, 113, "bpf_probe_read_kernel", R_KMEM, GPL, A_UMEM, A_SZ0, A_ANY),
	PROTO(LP_PROBE_READ_USER_STR, 114, "bpf_probe_read_user_str", R_KMEM, GPL, A_UMEM, A_SZ0,
	      A_ANY),
	PROTO(LP_PROBE_READ_KERNEL_STR, 115, "bpf_probe_read_kernel_str", R_KMEM, GPL, A_UMEM, A_SZ0,
	      A_ANY),
	PROTO(LP_PROBE_WRITE_USER, 36, "bpf_probe_write_user", R_KMEM, GPL, A_ANY, A_MEM, A_SZ),
	PROTO(LP_GET_CURRENT_PID_TGID, 14, "bpf_get_current_pid_tgid", R_TASK, 0),
	PROTO(LP_GET_CURRENT_UID_GID, 15, "bpf_get_current_uid_gid", R_TASK, 0),
	PROTO(LP_GET_CURRENT_COMM, 16, "bpf_get_current_comm", R_TASK, 0, A_UMEM, A_SZ),
	PROTO(LP_GET_CURRENT_TASK, 35, "bpf_get_current_task", R_TASK, GPL),
	PROTO(LP_GET_CURRENT_CGROUP_ID, 80, "bpf_get_current_cgroup_id", R_CGROUP, 0),
	PROTO(LP_GET_CURRENT_ANCESTOR_CGROUP_ID, 123, "bpf_get_current_ancestor_cgroup_id",
	      R_CGROUP, 0, A_ANY),
	PROTO(LP_CURRENT_TASK_UNDER_CGROUP, 37, "bpf_current_task_under_cgroup", R_CGROUP, 0,
	      A_MAP, A_ANY),
	PROTO(LP_GET_NS_CURRENT_PID_TGID, 120, "bpf_get_ns_current_pid_tgid", R_TASK, 0, A_ANY,
	      A_ANY, A_UMEM, A_SZ),
	PROTO(LP_GET_NUMA_NODE_ID, 42, "bpf_get_numa_node_id", R_TASK, 0),
	PROTO(LP_JIFFIES64, 118, "bpf_jiffies64", "it reads the kernel's jiffies counter", 0),
	PROTO(LP_KTIME_GET_TAI_NS, 208, "bpf_ktime_get_tai_ns", "it reads the kernel's TAI clock", 0),
	PROTO(LP_SEND_SIGNAL, 109, "bpf_send_signal", R_TASK, 0, A_ANY),
	PROTO(LP_SEND_SIGNAL_THREAD, 117, "bpf_send_signal_thread", R_TASK, 0, A_ANY),
	PROTO(LP_PERF_EVENT_OUTPUT, 25, "bpf_perf_event_output", R_PERF, GPL, A_CTX, A_MAP, A_ANY,
	      A_MEM, A_SZ0),
	/* perf_event_output of a kernel socket buffer or XDP buffer (struct sk_buff, struct
	 * xdp_buff: Linux checks the BTF type, here any BTF pointer, verify-only), for tracing
	 * programs attached where those pass by */
	PROTO(LP_SKB_OUTPUT, 111, "bpf_skb_output", R_PERF, GPL, EBPF_ARG_PTR_TO_BTF_ID_OR_NULL,
	      A_MAP, A_ANY, A_MEM, A_SZ0),
	PROTO(LP_XDP_OUTPUT, 121, "bpf_xdp_output", R_PERF, GPL, EBPF_ARG_PTR_TO_BTF_ID_OR_NULL,
	      A_MAP, A_ANY, A_MEM, A_SZ0),
	/* formatted output (Linux's bpf_base_func_proto for CAP_PERFMON, every type): snprintf's
	 * format is a constant string checked against its u64 array at verification, as Linux's
	 * check_bpf_snprintf_call (src/verifier/helpers.c); vprintk's only at run time, as on
	 * Linux. Linux's snprintf also takes a NULL buffer (to size the output): not here. */
	PROTO(LP_SNPRINTF, 165, "bpf_snprintf", R_PRINTF, GPL, A_UMEM, A_SZ0,
	      EBPF_ARG_PTR_TO_CONST_STR, A_MEMN, A_SZ0),
	PROTO(LP_TRACE_VPRINTK, 177, "bpf_trace_vprintk", R_PRINTF, GPL, A_MEM, A_SZ, A_MEMN,
	      A_SZ0),
	/* iterators (BPF_TRACE_ITER) print into their seq_file; Linux wants a struct seq_file
	 * pointer first, here any BTF pointer (verify-only) */
	PROTO(LP_SEQ_PRINTF, 126, "bpf_seq_printf", R_SEQ, GPL, EBPF_ARG_PTR_TO_BTF_ID_OR_NULL,
	      A_MEM, A_SZ, A_MEMN, A_SZ0),
	PROTO(LP_SEQ_WRITE, 127, "bpf_seq_write", R_SEQ, GPL, EBPF_ARG_PTR_TO_BTF_ID_OR_NULL,
	      A_MEM, A_SZ0),
	PROTO(LP_SEQ_PRINTF_BTF, 150, "bpf_seq_printf_btf", R_SEQ, GPL,
	      EBPF_ARG_PTR_TO_BTF_ID_OR_NULL, A_MEM, A_SZ0, A_ANY),
	PROTO(LP_PERF_EVENT_READ, 22, "bpf_perf_event_read", R_PERF, 0, A_MAP, A_ANY),
	PROTO(LP_PERF_EVENT_READ_VALUE, 55, "bpf_perf_event_read_value", R_PERF, GPL, A_MAP, A_ANY,
	      A_UMEM, A_SZ),
	PROTO(LP_PERF_PROG_READ_VALUE, 56, "bpf_perf_prog_read_value", R_PERF, GPL, A_CTX, A_UMEM,
	      A_SZ),
	PROTO(LP_READ_BRANCH_RECORDS, 119, "bpf_read_branch_records", R_PERF, GPL, A_CTX, A_MEMN,
	      A_SZ0, A_ANY),
	PROTO(LP_GET_STACKID, 27, "bpf_get_stackid", R_STACK, GPL, A_CTX, A_MAP, A_ANY),
	PROTO(LP_GET_STACK, 67, "bpf_get_stack", R_STACK, GPL, A_CTX, A_UMEM, A_SZ0, A_ANY),
	PROTO(LP_OVERRIDE_RETURN, 58, "bpf_override_return", R_KPROBE, GPL, A_CTX, A_ANY),
	PROTO(LP_GET_FUNC_IP, 173, "bpf_get_func_ip", R_KPROBE, GPL, A_CTX),
	PROTO(LP_GET_ATTACH_COOKIE, 174, "bpf_get_attach_cookie", R_KPROBE, 0, A_CTX),

	/* storage of kernel objects */
	STORAGE_GET(LP_TASK_STORAGE_GET, 156, "bpf_task_storage_get", R_STORE),
	STORAGE_DELETE(LP_TASK_STORAGE_DELETE, 157, "bpf_task_storage_delete", R_STORE),
	STORAGE_GET(LP_CGRP_STORAGE_GET, 210, "bpf_cgrp_storage_get", R_STORE),
	STORAGE_DELETE(LP_CGRP_STORAGE_DELETE, 211, "bpf_cgrp_storage_delete", R_STORE),
	STORAGE_GET(LP_INODE_STORAGE_GET, 145, "bpf_inode_storage_get", R_STORE),
	STORAGE_DELETE(LP_INODE_STORAGE_DELETE, 146, "bpf_inode_storage_delete", R_STORE),
	STORAGE_GET(LP_SK_STORAGE_GET_TRACING, 107, "bpf_sk_storage_get", R_STORE),
	STORAGE_DELETE(LP_SK_STORAGE_DELETE_TRACING, 108, "bpf_sk_storage_delete", R_STORE),
	/* Networking types name the socket as the socket helpers do (Linux's
	 * ARG_PTR_TO_BTF_ID_SOCK_COMMON: null-checked, of any socket kind). */
	OWNER_STORAGE_GET(LP_SK_STORAGE_GET, 107, "bpf_sk_storage_get", R_STORE, A_SOCK),
	PROTO(LP_SK_STORAGE_DELETE, 108, "bpf_sk_storage_delete", R_STORE, 0, A_MAP, A_SOCK),
	/* cgroup/sock: the context is the socket (bpf_sk_storage_get_cg_sock_proto) */
	OWNER_STORAGE_GET(LP_SK_STORAGE_GET_CG_SOCK, 107, "bpf_sk_storage_get", R_STORE, A_CTX),
	/* the cgroup storage of the program's cgroup: always there (Linux's RET_PTR_TO_MAP_VALUE) */
	[LP_GET_LOCAL_STORAGE] = {
		.id = 81,
		.name = "bpf_get_local_storage",
		.ret = EBPF_RET_PTR_TO_MAP_VALUE,
		.args = { A_MAP, A_ANY },
		.flags = EBPF_HELPER_VERIFY_ONLY,
		.unavailable_reason = R_STORE,
	},

	/* socket buffers */
	PROTO(LP_SKB_STORE_BYTES, 9, "bpf_skb_store_bytes", R_SKB, PKT, A_CTX, A_ANY, A_MEM, A_SZ,
	      A_ANY),
	PROTO(LP_SKB_LOAD_BYTES, 26, "bpf_skb_load_bytes", R_SKB, 0, A_CTX, A_ANY, A_UMEM, A_SZ),
	PROTO(LP_SKB_LOAD_BYTES_RELATIVE, 68, "bpf_skb_load_bytes_relative", R_SKB, 0, A_CTX,
	      A_ANY, A_UMEM, A_SZ, A_ANY),
	PROTO(LP_L3_CSUM_REPLACE, 10, "bpf_l3_csum_replace", R_SKB, PKT, A_CTX, A_ANY, A_ANY,
	      A_ANY, A_ANY),
	PROTO(LP_L4_CSUM_REPLACE, 11, "bpf_l4_csum_replace", R_SKB, PKT, A_CTX, A_ANY, A_ANY,
	      A_ANY, A_ANY),
	PROTO(LP_CSUM_UPDATE, 40, "bpf_csum_update", R_SKB, 0, A_CTX, A_ANY),
	PROTO(LP_CSUM_LEVEL, 135, "bpf_csum_level", R_SKB, 0, A_CTX, A_ANY),
	PROTO(LP_CLONE_REDIRECT, 13, "bpf_clone_redirect", R_ROUTE, PKT, A_CTX, A_ANY, A_ANY),
	PROTO(LP_REDIRECT, 23, "bpf_redirect", R_ROUTE, 0, A_ANY, A_ANY),
	PROTO(LP_REDIRECT_NEIGH, 152, "bpf_redirect_neigh", R_ROUTE, 0, A_ANY, A_MEMN, A_SZ0,
	      A_ANY),
	PROTO(LP_REDIRECT_PEER, 155, "bpf_redirect_peer", R_ROUTE, 0, A_ANY, A_ANY),
	PROTO(LP_GET_CGROUP_CLASSID, 17, "bpf_get_cgroup_classid", R_CGROUP, 0, A_CTX),
	PROTO(LP_GET_CGROUP_CLASSID_CURR, 17, "bpf_get_cgroup_classid", R_CGROUP, 0),
	PROTO(LP_SKB_VLAN_PUSH, 18, "bpf_skb_vlan_push", R_SKB, PKT, A_CTX, A_ANY, A_ANY),
	PROTO(LP_SKB_VLAN_POP, 19, "bpf_skb_vlan_pop", R_SKB, PKT, A_CTX),
	PROTO(LP_SKB_GET_TUNNEL_KEY, 20, "bpf_skb_get_tunnel_key", R_SKB, 0, A_CTX, A_UMEM, A_SZ,
	      A_ANY),
	PROTO(LP_SKB_SET_TUNNEL_KEY, 21, "bpf_skb_set_tunnel_key", R_SKB, 0, A_CTX, A_MEM, A_SZ,
	      A_ANY),
	PROTO(LP_SKB_GET_TUNNEL_OPT, 29, "bpf_skb_get_tunnel_opt", R_SKB, 0, A_CTX, A_UMEM, A_SZ),
	PROTO(LP_SKB_SET_TUNNEL_OPT, 30, "bpf_skb_set_tunnel_opt", R_SKB, 0, A_CTX, A_MEM, A_SZ),
	PROTO(LP_GET_ROUTE_REALM, 24, "bpf_get_route_realm", R_ROUTE, 0, A_CTX),
	PROTO(LP_SKB_CHANGE_PROTO, 31, "bpf_skb_change_proto", R_SKB, PKT, A_CTX, A_ANY, A_ANY),
	PROTO(LP_SKB_CHANGE_TYPE, 32, "bpf_skb_change_type", R_SKB, 0, A_CTX, A_ANY),
	PROTO(LP_SKB_UNDER_CGROUP, 33, "bpf_skb_under_cgroup", R_CGROUP, 0, A_CTX, A_MAP, A_ANY),
	PROTO(LP_GET_HASH_RECALC, 34, "bpf_get_hash_recalc", R_SKB, 0, A_CTX),
	[LP_SET_HASH_INVALID] = {
		.id = 41,
		.name = "bpf_set_hash_invalid",
		.ret = EBPF_RET_VOID,
		.args = { A_CTX },
		.flags = EBPF_HELPER_VERIFY_ONLY,
		.unavailable_reason = R_SKB,
	},
	PROTO(LP_SET_HASH, 48, "bpf_set_hash", R_SKB, 0, A_CTX, A_ANY),
	PROTO(LP_SKB_CHANGE_TAIL, 38, "bpf_skb_change_tail", R_SKB, PKT, A_CTX, A_ANY, A_ANY),
	PROTO(LP_SKB_CHANGE_HEAD, 43, "bpf_skb_change_head", R_SKB, PKT, A_CTX, A_ANY, A_ANY),
	PROTO(LP_SKB_PULL_DATA, 39, "bpf_skb_pull_data", R_SKB, PKT, A_CTX, A_ANY),
	PROTO(LP_SKB_ADJUST_ROOM, 50, "bpf_skb_adjust_room", R_SKB, PKT, A_CTX, A_ANY, A_ANY,
	      A_ANY),
	PROTO(LP_GET_SOCKET_COOKIE, 46, "bpf_get_socket_cookie", R_SOCK, 0, A_CTX),
	PROTO(LP_GET_SOCKET_UID, 47, "bpf_get_socket_uid", R_SOCK, 0, A_CTX),
	PROTO(LP_FIB_LOOKUP, 69, "bpf_fib_lookup", R_ROUTE, 0, A_CTX, A_MEM, A_SZ, A_ANY),
	PROTO(LP_CHECK_MTU, 163, "bpf_check_mtu", R_ROUTE, 0, A_CTX, A_ANY, EBPF_ARG_PTR_TO_INT, A_ANY,
	      A_ANY),
	PROTO(LP_SKB_GET_XFRM_STATE, 66, "bpf_skb_get_xfrm_state", R_SKB, 0, A_CTX, A_ANY, A_UMEM,
	      A_SZ, A_ANY),
	PROTO(LP_SKB_CGROUP_ID, 79, "bpf_skb_cgroup_id", R_CGROUP, 0, A_CTX),
	PROTO(LP_SKB_ANCESTOR_CGROUP_ID, 83, "bpf_skb_ancestor_cgroup_id", R_CGROUP, 0, A_CTX,
	      A_ANY),
	PROTO(LP_SKB_CGROUP_CLASSID, 151, "bpf_skb_cgroup_classid", R_CGROUP, 0, A_CTX),
	PROTO(LP_SKB_ECN_SET_CE, 97, "bpf_skb_ecn_set_ce", R_SKB, 0, A_CTX),
	PROTO(LP_SKB_SET_TSTAMP, 192, "bpf_skb_set_tstamp", R_SKB, 0, A_CTX, A_ANY, A_ANY),
	PROTO(LP_GET_NETNS_COOKIE, 122, "bpf_get_netns_cookie", R_SOCK, 0,
	      EBPF_ARG_PTR_TO_CTX_OR_NULL),
	/* cgroup programs (cgroup_common_func_proto): the errno the refused system call returns
	 * (Cilium's connect4 and post_bind4 set -ECONNREFUSED, -EADDRINUSE through try_set_retval) */
	PROTO(LP_GET_RETVAL, 186, "bpf_get_retval", R_RETVAL, 0),
	PROTO(LP_SET_RETVAL, 187, "bpf_set_retval", R_RETVAL, 0, A_ANY),

	/* sockets, messages, light-weight tunnels */
	PROTO(LP_SETSOCKOPT, 49, "bpf_setsockopt", R_SOCK, 0, A_CTX, A_ANY, A_ANY, A_MEM, A_SZ),
	PROTO(LP_GETSOCKOPT, 57, "bpf_getsockopt", R_SOCK, 0, A_CTX, A_ANY, A_ANY, A_UMEM, A_SZ),
	/* cgroup/setsockopt names the socket, not the context (bpf_sk_setsockopt_proto) */
	PROTO(LP_SK_SETSOCKOPT, 49, "bpf_setsockopt", R_SOCK, 0, A_SOCK, A_ANY, A_ANY, A_MEM, A_SZ),
	PROTO(LP_SK_GETSOCKOPT, 57, "bpf_getsockopt", R_SOCK, 0, A_SOCK, A_ANY, A_ANY, A_UMEM,
	      A_SZ),
	PROTO(LP_BIND, 64, "bpf_bind", R_SOCK, 0, A_CTX, A_MEM, A_SZ),
	PROTO(LP_SOCK_OPS_CB_FLAGS_SET, 59, "bpf_sock_ops_cb_flags_set", R_SOCK, 0, A_CTX, A_ANY),
	PROTO(LP_SOCK_MAP_UPDATE, 53, "bpf_sock_map_update", R_SOCK, 0, A_CTX, A_MAP, A_KEY, A_ANY),
	PROTO(LP_SOCK_HASH_UPDATE, 70, "bpf_sock_hash_update", R_SOCK, 0, A_CTX, A_MAP, A_KEY,
	      A_ANY),
	PROTO(LP_LOAD_HDR_OPT, 142, "bpf_load_hdr_opt", R_SOCK, 0, A_CTX, A_MEM, A_SZ, A_ANY),
	PROTO(LP_STORE_HDR_OPT, 143, "bpf_store_hdr_opt", R_SOCK, PKT, A_CTX, A_MEM, A_SZ, A_ANY),
	PROTO(LP_RESERVE_HDR_OPT, 144, "bpf_reserve_hdr_opt", R_SOCK, 0, A_CTX, A_ANY, A_ANY),
	PROTO(LP_SK_REDIRECT_MAP, 52, "bpf_sk_redirect_map", R_SOCK, 0, A_CTX, A_MAP, A_ANY, A_ANY),
	PROTO(LP_SK_REDIRECT_HASH, 72, "bpf_sk_redirect_hash", R_SOCK, 0, A_CTX, A_MAP, A_KEY,
	      A_ANY),
	PROTO(LP_MSG_REDIRECT_MAP, 60, "bpf_msg_redirect_map", R_SOCK, 0, A_CTX, A_MAP, A_ANY,
	      A_ANY),
	PROTO(LP_MSG_REDIRECT_HASH, 71, "bpf_msg_redirect_hash", R_SOCK, 0, A_CTX, A_MAP, A_KEY,
	      A_ANY),
	PROTO(LP_MSG_APPLY_BYTES, 61, "bpf_msg_apply_bytes", R_SOCK, 0, A_CTX, A_ANY),
	PROTO(LP_MSG_CORK_BYTES, 62, "bpf_msg_cork_bytes", R_SOCK, 0, A_CTX, A_ANY),
	PROTO(LP_MSG_PULL_DATA, 63, "bpf_msg_pull_data", R_SOCK, PKT, A_CTX, A_ANY, A_ANY, A_ANY),
	PROTO(LP_MSG_PUSH_DATA, 90, "bpf_msg_push_data", R_SOCK, PKT, A_CTX, A_ANY, A_ANY, A_ANY),
	PROTO(LP_MSG_POP_DATA, 91, "bpf_msg_pop_data", R_SOCK, PKT, A_CTX, A_ANY, A_ANY, A_ANY),
	PROTO(LP_LWT_PUSH_ENCAP, 73, "bpf_lwt_push_encap", R_LWT, PKT, A_CTX, A_ANY, A_MEM, A_SZ),
	PROTO(LP_LWT_SEG6_STORE_BYTES, 74, "bpf_lwt_seg6_store_bytes", R_LWT, PKT, A_CTX, A_ANY,
	      A_MEM, A_SZ),
	PROTO(LP_LWT_SEG6_ADJUST_SRH, 75, "bpf_lwt_seg6_adjust_srh", R_LWT, PKT, A_CTX, A_ANY,
	      A_ANY),
	PROTO(LP_LWT_SEG6_ACTION, 76, "bpf_lwt_seg6_action", R_LWT, PKT, A_CTX, A_ANY, A_MEM, A_SZ),
	/* the socket map (reuseport sockarray, sockmap or sockhash) and the key of the socket */
	PROTO(LP_SK_SELECT_REUSEPORT, 82, "bpf_sk_select_reuseport", R_REUSEPORT, 0, A_CTX, A_MAP,
	      A_KEY, A_ANY),

	/* cgroup/sysctl: the buffers are written with a NUL-terminated string (as much as fits,
	 * -E2BIG when cut); set_new_value's is read */
	PROTO(LP_SYSCTL_GET_NAME, 101, "bpf_sysctl_get_name", R_SYSCTL, 0, A_CTX, A_UMEM, A_SZ,
	      A_ANY),
	PROTO(LP_SYSCTL_GET_CURRENT_VALUE, 102, "bpf_sysctl_get_current_value", R_SYSCTL, 0, A_CTX,
	      A_UMEM, A_SZ),
	PROTO(LP_SYSCTL_GET_NEW_VALUE, 103, "bpf_sysctl_get_new_value", R_SYSCTL, 0, A_CTX, A_UMEM,
	      A_SZ),
	PROTO(LP_SYSCTL_SET_NEW_VALUE, 104, "bpf_sysctl_set_new_value", R_SYSCTL, 0, A_CTX, A_MEM,
	      A_SZ),

	/* kernel sockets (Linux's RET_PTR_TO_SOCKET_OR_NULL and friends): referenced lookups,
	 * casts that share their argument's reference, the listener (not referenced: the
	 * kernel keeps it), and syncookies of a listener for a TCP/IP header pair */
	SK_LOOKUP(LP_SK_LOOKUP_TCP, 84, "bpf_sk_lookup_tcp", EBPF_RET_PTR_TO_SOCKET_OR_NULL),
	SK_LOOKUP(LP_SK_LOOKUP_UDP, 85, "bpf_sk_lookup_udp", EBPF_RET_PTR_TO_SOCKET_OR_NULL),
	SK_LOOKUP(LP_SKC_LOOKUP_TCP, 99, "bpf_skc_lookup_tcp", EBPF_RET_PTR_TO_SOCK_COMMON_OR_NULL),
	PROTO(LP_SK_RELEASE, 86, "bpf_sk_release", R_SK_LOOKUP, EBPF_HELPER_RELEASE, A_SOCK),
	SOCK_PROTO(LP_SK_FULLSOCK, 95, "bpf_sk_fullsock", EBPF_RET_PTR_TO_SOCKET_OR_NULL,
		   EBPF_HELPER_PTR_CAST, A_SOCK),
	SOCK_PROTO(LP_TCP_SOCK, 96, "bpf_tcp_sock", EBPF_RET_PTR_TO_TCP_SOCK_OR_NULL,
		   EBPF_HELPER_PTR_CAST, A_SOCK),
	SOCK_PROTO(LP_GET_LISTENER_SOCK, 98, "bpf_get_listener_sock",
		   EBPF_RET_PTR_TO_SOCKET_OR_NULL, 0, A_SOCK),
	PROTO(LP_TCP_CHECK_SYNCOOKIE, 100, "bpf_tcp_check_syncookie", R_SK_LOOKUP, GPL, A_SOCK,
	      A_MEM, A_SZ, A_MEM, A_SZ),
	PROTO(LP_TCP_GEN_SYNCOOKIE, 110, "bpf_tcp_gen_syncookie", R_SK_LOOKUP, GPL, A_SOCK, A_MEM,
	      A_SZ, A_MEM, A_SZ),
	PROTO(LP_SK_ASSIGN, 124, "bpf_sk_assign", R_SK_LOOKUP, 0, A_CTX, A_SOCK, A_ANY),
	/* the cgroup of a socket's owner (cgroup_skb: the selftests' cgroup_skb_sk_lookup) */
	PROTO(LP_SK_CGROUP_ID, 128, "bpf_sk_cgroup_id", R_CGROUP, 0, A_SOCK),
	PROTO(LP_SK_ANCESTOR_CGROUP_ID, 129, "bpf_sk_ancestor_cgroup_id", R_CGROUP, 0, A_SOCK,
	      A_ANY),
	/* sk_lookup's own (bpf_sk_lookup_assign_proto): a full socket, or NULL to cancel */
	PROTO(LP_SK_ASSIGN_LOOKUP, 124, "bpf_sk_assign", R_SK_LOOKUP, 0, A_CTX,
	      EBPF_ARG_PTR_TO_SOCKET_OR_NULL, A_ANY),
	/* bpf_get_socket_ptr_cookie_proto (sk_reuseport, tracing): the cookie of a socket the
	 * program holds (md->sk, a checked md->migrating_sk, a struct sock argument), not of the
	 * context's */
	PROTO(LP_GET_SOCKET_PTR_COOKIE, 46, "bpf_get_socket_cookie", R_SOCK, 0, A_SOCK),

	/* bpf_sk_base_func_proto's casts of a socket (or a kernel struct beginning with a
	 * sock_common) to its protocol's kernel struct, or NULL: the verifier knows the struct
	 * each returns (Linux's ret_btf_id) and types it by the kernel's BTF */
	SKC_CAST(LP_SKC_TO_TCP6_SOCK, 136, "bpf_skc_to_tcp6_sock"),
	SKC_CAST(LP_SKC_TO_TCP_SOCK, 137, "bpf_skc_to_tcp_sock"),
	SKC_CAST(LP_SKC_TO_TCP_TIMEWAIT_SOCK, 138, "bpf_skc_to_tcp_timewait_sock"),
	SKC_CAST(LP_SKC_TO_TCP_REQUEST_SOCK, 139, "bpf_skc_to_tcp_request_sock"),
	SKC_CAST(LP_SKC_TO_UDP6_SOCK, 140, "bpf_skc_to_udp6_sock"),
	SKC_CAST(LP_SKC_TO_UNIX_SOCK, 178, "bpf_skc_to_unix_sock"),
	SKC_CAST(LP_SKC_TO_MPTCP_SOCK, 196, "bpf_skc_to_mptcp_sock"),

	/* timers in map values (Linux's bpf_base_func_proto): the verifier checks that the
	 * timer is the value's struct bpf_timer, that _init names its map, and walks the
	 * callback int cb(map, key, value) as one that returns 0 */
	PROTO(LP_TIMER_INIT, 169, "bpf_timer_init", R_TIMER, 0, EBPF_ARG_PTR_TO_TIMER, A_MAP, A_ANY),
	PROTO(LP_TIMER_SET_CALLBACK, 170, "bpf_timer_set_callback", R_TIMER, 0,
	      EBPF_ARG_PTR_TO_TIMER, EBPF_ARG_PTR_TO_FUNC),
	PROTO(LP_TIMER_START, 171, "bpf_timer_start", R_TIMER, 0, EBPF_ARG_PTR_TO_TIMER, A_ANY,
	      A_ANY),
	PROTO(LP_TIMER_CANCEL, 172, "bpf_timer_cancel", R_TIMER, 0, EBPF_ARG_PTR_TO_TIMER),
};

uint64_t linux_helper_unavailable(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	/* Unreachable: the core refuses to prepare a program calling a verify-only helper. */
	return (uint64_t)-EOPNOTSUPP;
}
