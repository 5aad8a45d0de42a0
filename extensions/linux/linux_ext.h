/* SPDX-License-Identifier: MIT */
/*
 * The linux extension's contract with hosts and tests: the program types it registers, their
 * GUIDs and the layout of their contexts beyond what Linux's UAPI headers define.
 *
 * The extension offers Linux's networking and tracing program types (socket_filter, sched_cls,
 * kprobe, tracepoint, cgroup_sock_addr, sock_ops, sk_msg, lwt_*, ...) under the section names
 * libbpf gives them, so that objects built for Linux can be verified offline:
 *
 *	struct ebpf_object_open_opts opts = { .sz = sizeof(opts), .verify_only = true };
 *
 *	ebpf_extension_add_static(&ebpf_extension_linux, &ext);
 *	ebpf_object_open("tc_prog.o", &opts, &obj);
 *
 * Programs use Linux's own headers (<linux/bpf.h>, <bpf/bpf_helpers.h>): the contexts are
 * Linux's UAPI structures and the helpers have Linux's ids. Helpers that need the kernel
 * (bpf_probe_read_kernel, bpf_skb_store_bytes, ...) are offered for verification only; a
 * program calling one cannot be loaded for execution. XDP is not here: the packet extension
 * provides it. docs/linux-types.md has the full tables.
 */
#ifndef EXTBPF_LINUX_EXT_H
#define EXTBPF_LINUX_EXT_H

#include <extbpf/extension.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Linux's enum bpf_prog_type numbers of the types offered; each type's GUID embeds its number,
 * see LINUX_PROGRAM_TYPE_GUID.
 */
enum linux_prog_type {
	LINUX_PROG_SOCKET_FILTER = 1,
	LINUX_PROG_KPROBE = 2,
	LINUX_PROG_SCHED_CLS = 3,
	LINUX_PROG_SCHED_ACT = 4,
	LINUX_PROG_TRACEPOINT = 5,
	LINUX_PROG_PERF_EVENT = 7,
	LINUX_PROG_CGROUP_SKB = 8,
	LINUX_PROG_CGROUP_SOCK = 9,
	LINUX_PROG_LWT_IN = 10,
	LINUX_PROG_LWT_OUT = 11,
	LINUX_PROG_LWT_XMIT = 12,
	LINUX_PROG_SOCK_OPS = 13,
	LINUX_PROG_SK_SKB = 14,
	LINUX_PROG_CGROUP_DEVICE = 15,
	LINUX_PROG_SK_MSG = 16,
	LINUX_PROG_RAW_TRACEPOINT = 17,
	LINUX_PROG_CGROUP_SOCK_ADDR = 18,
	LINUX_PROG_LWT_SEG6LOCAL = 19,
	LINUX_PROG_SK_REUSEPORT = 21,
	LINUX_PROG_FLOW_DISSECTOR = 22,
	LINUX_PROG_CGROUP_SYSCTL = 23,
	LINUX_PROG_CGROUP_SOCKOPT = 25,
	LINUX_PROG_TRACING = 26,
	LINUX_PROG_LSM = 29,
	LINUX_PROG_SK_LOOKUP = 30,
	/* Not a Linux number: BPF_PROG_TYPE_TRACING with expected attach type BPF_TRACE_ITER,
	 * a type of its own here (iterators have helpers other tracing programs lack). */
	LINUX_PROG_TRACING_ITER = 0x80 | LINUX_PROG_TRACING,
	/* Not a Linux number: BPF_PROG_TYPE_CGROUP_SOCKOPT with expected attach type
	 * BPF_CGROUP_SETSOCKOPT (cgroup_getsockopt keeps 25): the two write different fields and
	 * only setsockopt programs call bpf_setsockopt/bpf_getsockopt. */
	LINUX_PROG_CGROUP_SETSOCKOPT = 0x80 | LINUX_PROG_CGROUP_SOCKOPT,
};

/* The GUID of the program type with Linux number n (enum linux_prog_type). */
#define LINUX_PROGRAM_TYPE_GUID(n)                                                                 \
	NMR_GUID(0x6c6e7800u | (n), 0x0b9f, 0x4d2a, 0x8e5c, 0x1b9f00000000ull | (n))

/*
 * struct __sk_buff as Linux 6.x defines it is LINUX_SKB_CTX_SIZE bytes; its __u32 data,
 * data_end and data_meta fields cannot hold user-space pointers, so the real pointers follow the
 * visible structure (where no program can address them) and the core rewrites the programs'
 * 4-byte loads of the fields into 8-byte loads of these slots.
 */
#define LINUX_SKB_CTX_SIZE	192
#define LINUX_SKB_DATA_PTR	192
#define LINUX_SKB_DATA_END_PTR	200
#define LINUX_SKB_DATA_META_PTR 208
#define LINUX_SKB_CTX_REAL_SIZE 216

/* The other contexts' sizes (x86-64 layouts). */
#define LINUX_PT_REGS_SIZE	  168  /* struct pt_regs: kprobe, uprobe */
#define LINUX_PERF_EVENT_CTX_SIZE 184  /* struct bpf_perf_event_data */
#define LINUX_TRACEPOINT_CTX_MAX  2048 /* PERF_MAX_TRACE_SIZE: a tracepoint's record */
#define LINUX_RAW_TP_CTX_SIZE	  96   /* 12 u64 arguments (MAX_BPF_FUNC_ARGS) */
#define LINUX_BTF_CTX_SIZE	  104  /* 12 u64 arguments and the return value */
#define LINUX_BPF_SOCK_SIZE	  80   /* struct bpf_sock */
#define LINUX_BPF_SOCK_ADDR_SIZE  72   /* struct bpf_sock_addr */
#define LINUX_BPF_SOCK_OPS_SIZE	  224  /* struct bpf_sock_ops, with skb_hwtstamp (6.2) */
#define LINUX_SK_MSG_MD_SIZE	  80   /* struct sk_msg_md */
#define LINUX_REUSEPORT_MD_SIZE	  56   /* struct sk_reuseport_md */
#define LINUX_BPF_SYSCTL_SIZE	  8    /* struct bpf_sysctl */
#define LINUX_BPF_SK_LOOKUP_SIZE  72   /* struct bpf_sk_lookup */
#define LINUX_BPF_SOCKOPT_SIZE	  40   /* struct bpf_sockopt */
#define LINUX_CGROUP_DEV_CTX_SIZE 12   /* struct bpf_cgroup_dev_ctx */

/* The descriptor to pass to ebpf_extension_add_static when linking the static archive. */
extern const struct ebpf_extension_descriptor ebpf_extension_linux;

#ifdef __cplusplus
}
#endif

#endif /* EXTBPF_LINUX_EXT_H */
