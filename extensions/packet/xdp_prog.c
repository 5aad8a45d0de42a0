/* SPDX-License-Identifier: MIT */
/*
 * Program type "xdp": the context (Linux's struct xdp_md in front of the real pointers), the
 * helpers XDP programs call by Linux's ids, and test-run support with BPF_PROG_TEST_RUN's rules.
 * Each helper transcribes the checks of its Linux counterpart (net/core/filter.c), so that a
 * program sees the same return values here as in the kernel.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <extbpf/extbpf.h>

#include "packet_internal.h"

/* Linux's helper ids. None is a global helper of the core (tests/packet checks it). */
enum {
	XDP_HELPER_GET_CURRENT_PID_TGID = 14,
	XDP_HELPER_GET_CURRENT_UID_GID = 15,
	XDP_HELPER_GET_CGROUP_CLASSID = 17,
	XDP_HELPER_REDIRECT = 23,
	XDP_HELPER_PERF_EVENT_OUTPUT = 25,
	XDP_HELPER_GET_CURRENT_TASK = 35,
	XDP_HELPER_ADJUST_HEAD = 44,
	XDP_HELPER_REDIRECT_MAP = 51,
	XDP_HELPER_ADJUST_META = 54,
	XDP_HELPER_ADJUST_TAIL = 65,
	XDP_HELPER_FIB_LOOKUP = 69,
	XDP_HELPER_GET_CURRENT_CGROUP_ID = 80,
	XDP_HELPER_JIFFIES64 = 118,
	XDP_HELPER_GET_CURRENT_ANCESTOR_CGROUP_ID = 123,
	XDP_HELPER_GET_BUFF_LEN = 188,
	XDP_HELPER_LOAD_BYTES = 189,
	XDP_HELPER_STORE_BYTES = 190,
	XDP_HELPER_CHECK_MTU = 163,
	XDP_HELPER_SK_LOOKUP_TCP = 84,
	XDP_HELPER_SK_LOOKUP_UDP = 85,
	XDP_HELPER_SK_RELEASE = 86,
	XDP_HELPER_SKC_LOOKUP_TCP = 99,
	XDP_HELPER_TCP_CHECK_SYNCOOKIE = 100,
	XDP_HELPER_TCP_GEN_SYNCOOKIE = 110,
	XDP_HELPER_GET_CURRENT_COMM = 16,
	XDP_HELPER_GET_NUMA_NODE_ID = 42,
	XDP_HELPER_PROBE_READ_USER = 112,
	XDP_HELPER_PROBE_READ_KERNEL = 113,
	XDP_HELPER_PROBE_READ_USER_STR = 114,
	XDP_HELPER_PROBE_READ_KERNEL_STR = 115,
	XDP_HELPER_SNPRINTF = 165,
	XDP_HELPER_TRACE_VPRINTK = 177,
	XDP_HELPER_KTIME_GET_TAI_NS = 208,
	XDP_HELPER_SKC_TO_TCP6_SOCK = 136,
	XDP_HELPER_SKC_TO_TCP_SOCK = 137,
	XDP_HELPER_SKC_TO_TCP_TIMEWAIT_SOCK = 138,
	XDP_HELPER_SKC_TO_TCP_REQUEST_SOCK = 139,
	XDP_HELPER_SKC_TO_UDP6_SOCK = 140,
	XDP_HELPER_SKC_TO_UNIX_SOCK = 178,
	XDP_HELPER_SKC_TO_MPTCP_SOCK = 196,
};

/* bpf_redirect_map's flags: the low bits are the verdict when the key has no device. */
#define XDP_REDIRECT_FALLBACK_MASK 0x3ull
#define BPF_F_BROADCAST		   (1ull << 3)
#define BPF_F_EXCLUDE_INGRESS	   (1ull << 4)

static struct xdp_context *ctx_of(uint64_t r1)
{
	return (struct xdp_context *)(uintptr_t)r1;
}

static unsigned char *ptr(uint64_t v)
{
	return (unsigned char *)(uintptr_t)v;
}

static uint64_t err_ret(int err)
{
	return (uint64_t)(int64_t)err;
}

void xdp_context_sync(struct xdp_context *ctx)
{
	ctx->md.data = (uint32_t)ctx->data;
	ctx->md.data_end = (uint32_t)ctx->data_end;
	ctx->md.data_meta = (uint32_t)ctx->data_meta;
}

void xdp_context_init(struct xdp_context *ctx, unsigned char *buf, size_t len, size_t metalen,
		      uint32_t ifindex, uint32_t rx_queue)
{
	unsigned char *data = buf + XDP_HEADROOM;
	size_t room = XDP_FRAME_SIZE - XDP_SHINFO_RESERVED;

	memset(ctx, 0, sizeof(*ctx));
	ctx->hard_start = buf;
	ctx->hard_end = buf + (XDP_HEADROOM + len > room ? XDP_HEADROOM + len : room);
	ctx->data = (uintptr_t)data;
	ctx->data_end = (uintptr_t)(data + len);
	ctx->data_meta = (uintptr_t)(data - metalen);
	ctx->md.ingress_ifindex = ifindex;
	ctx->md.rx_queue_index = rx_queue;
	xdp_context_sync(ctx);
}

/* ---- packet geometry --------------------------------------------------------------------- */

static uint64_t xdp_adjust_head(uint64_t r1, uint64_t offset, uint64_t r3, uint64_t r4, uint64_t r5)
{
	struct xdp_context *ctx = ctx_of(r1);
	int64_t delta = (int32_t)offset;
	size_t metalen = ctx->data - ctx->data_meta;
	unsigned char *start = ctx->hard_start + XDP_FRAME_RESERVED + metalen;
	unsigned char *data = ptr(ctx->data) + delta;

	if (data < start || data > ptr(ctx->data_end) - ETH_HEADER_LEN)
		return err_ret(-EINVAL);
	if (metalen)
		memmove(ptr(ctx->data_meta) + delta, ptr(ctx->data_meta), metalen);
	ctx->data_meta += delta;
	ctx->data = (uintptr_t)data;
	xdp_context_sync(ctx);
	return 0;
}

static uint64_t xdp_adjust_tail(uint64_t r1, uint64_t offset, uint64_t r3, uint64_t r4, uint64_t r5)
{
	struct xdp_context *ctx = ctx_of(r1);
	int64_t delta = (int32_t)offset;
	unsigned char *end = ptr(ctx->data_end) + delta;

	if (end > ctx->hard_end || end < ptr(ctx->data) + ETH_HEADER_LEN)
		return err_ret(-EINVAL);
	if (delta > 0) /* as Linux: grown room never shows stale bytes */
		memset(ptr(ctx->data_end), 0, (size_t)delta);
	ctx->data_end = (uintptr_t)end;
	xdp_context_sync(ctx);
	return 0;
}

static uint64_t xdp_adjust_meta(uint64_t r1, uint64_t offset, uint64_t r3, uint64_t r4, uint64_t r5)
{
	struct xdp_context *ctx = ctx_of(r1);
	unsigned char *meta = ptr(ctx->data_meta) + (int32_t)offset;
	size_t metalen;

	if (meta < ctx->hard_start + XDP_FRAME_RESERVED || meta > ptr(ctx->data))
		return err_ret(-EINVAL);
	metalen = ptr(ctx->data) - meta;
	if ((metalen & 3) || metalen > XDP_META_MAX)
		return err_ret(-EACCES);
	ctx->data_meta = (uintptr_t)meta;
	xdp_context_sync(ctx);
	return 0;
}

static uint64_t xdp_get_buff_len(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	struct xdp_context *ctx = ctx_of(r1);

	return ctx->data_end - ctx->data;
}

/* Linux's __bpf_xdp_load_bytes / store_bytes range checks (no fragments here). */
static int bytes_range(const struct xdp_context *ctx, uint64_t offset, uint64_t len)
{
	if (offset > 0xffff || len > 0xffff)
		return -EFAULT;
	if (offset + len > ctx->data_end - ctx->data)
		return -EINVAL;
	return 0;
}

static uint64_t xdp_load_bytes(uint64_t r1, uint64_t offset, uint64_t buf, uint64_t len,
			       uint64_t r5)
{
	const struct xdp_context *ctx = ctx_of(r1);
	int err = bytes_range(ctx, (uint32_t)offset, len);

	/* The verifier counts buf written after the call: a failure leaves it zeroed. */
	if (err) {
		memset(ptr(buf), 0, len);
		return err_ret(err);
	}
	memcpy(ptr(buf), ptr(ctx->data) + (uint32_t)offset, len);
	return 0;
}

static uint64_t xdp_store_bytes(uint64_t r1, uint64_t offset, uint64_t buf, uint64_t len,
				uint64_t r5)
{
	const struct xdp_context *ctx = ctx_of(r1);
	int err = bytes_range(ctx, (uint32_t)offset, len);

	if (err)
		return err_ret(err);
	memcpy(ptr(ctx->data) + (uint32_t)offset, ptr(buf), len);
	return 0;
}

/* ---- perf event output ------------------------------------------------------------------- */

/*
 * bpf_perf_event_output as Linux's bpf_xdp_event_output: the record is the program's bytes, then
 * the first (flags >> 32) bytes of the packet; the low 32 bits of flags name the ring
 * (BPF_F_CURRENT_CPU: the running CPU's). Other flags are -EINVAL, more packet bytes than the
 * packet has -EFAULT; the map's own errors (no reader, full ring) come back as they are.
 */
static uint64_t xdp_perf_event_output(uint64_t r1, uint64_t map, uint64_t flags, uint64_t data,
				      uint64_t size)
{
	const struct xdp_context *ctx = ctx_of(r1);
	uint64_t pkt_len = (flags & EBPF_F_CTXLEN_MASK) >> 32;

	if (flags & ~(EBPF_F_CTXLEN_MASK | EBPF_F_INDEX_MASK))
		return err_ret(-EINVAL);
	if (pkt_len > ctx->data_end - ctx->data)
		return err_ret(-EFAULT);
	return err_ret(ebpf_perf_event_output((struct ebpf_map *)(uintptr_t)map,
					      flags & EBPF_F_INDEX_MASK, ptr(data), size,
					      ptr(ctx->data), pkt_len));
}

/* ---- redirects --------------------------------------------------------------------------- */

/*
 * As Linux, the helpers only record the target and return XDP_REDIRECT; the hook delivers the
 * packet when the program returns that verdict. bpf_redirect has no context argument, so the
 * target is per thread, as Linux's per-CPU bpf_redirect_info: a program runs on one thread.
 */
static _Thread_local struct xdp_redirect redirect_info;

bool xdp_redirect_take(struct xdp_redirect *target)
{
	*target = redirect_info;
	redirect_info = (struct xdp_redirect){ 0 };
	return target->kind != XDP_REDIRECT_NONE;
}

static uint64_t redirect_to(struct xdp_redirect target)
{
	redirect_info = target;
	return XDP_VERDICT_REDIRECT;
}

static uint64_t xdp_redirect(uint64_t ifindex, uint64_t flags, uint64_t r3, uint64_t r4,
			     uint64_t r5)
{
	if (flags) /* BPF_F_INGRESS means nothing to XDP: Linux aborts too */
		return XDP_VERDICT_ABORTED;
	return redirect_to((struct xdp_redirect){ XDP_REDIRECT_DEVICE, (uint32_t)ifindex });
}

/* Through a devmap, devmap_hash, cpumap or xskmap of the packet extension (xdp_maps.c). */
static uint64_t xdp_redirect_map(uint64_t map_reg, uint64_t key, uint64_t flags, uint64_t r4,
				 uint64_t r5)
{
	struct ebpf_map *map = (struct ebpf_map *)(uintptr_t)map_reg;
	uint64_t fallback = flags & XDP_REDIRECT_FALLBACK_MASK;
	struct xdp_redirect target;
	int err;

	if (flags & ~(XDP_REDIRECT_FALLBACK_MASK | BPF_F_BROADCAST | BPF_F_EXCLUDE_INGRESS))
		return XDP_VERDICT_ABORTED;
	if (flags & BPF_F_BROADCAST) /* documented: broadcast is not offered */
		return XDP_VERDICT_ABORTED;
	err = xdp_map_redirect_target(map, (uint32_t)key, &target);
	if (err == -ENOENT)
		return fallback;
	return err ? XDP_VERDICT_ABORTED : redirect_to(target);
}

/* ---- verify-only helpers ----------------------------------------------------------------- */

static uint64_t xdp_unavailable(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	return err_ret(-EOPNOTSUPP); /* never reached: the core refuses to run such programs */
}

/* ---- the program type -------------------------------------------------------------------- */

#define PROTO(id_, name_, flags_, ...)                                                             \
	{                                                                                          \
		.id = (id_), .name = (name_), .ret = EBPF_RET_INTEGER, .args = { __VA_ARGS__ },    \
		.flags = (flags_),                                                                 \
	}

/*
 * Linux's bpf_sk_base_func_proto gives XDP the current task's ids (a privileged loader): there
 * the task is whichever one the packet's softirq interrupted, so a value only a kernel has.
 */
#define XDP_R_TASK                                                                                 \
	"it reports on the kernel task the packet interrupted, which has no user-space meaning"

#define XDP_TASK_PROTO(id_, name_, arg1_, flags_)                                                  \
	{                                                                                          \
		.id = (id_), .name = (name_), .ret = EBPF_RET_INTEGER, .args = { (arg1_) },        \
		.flags = EBPF_HELPER_VERIFY_ONLY | (flags_), .unavailable_reason = XDP_R_TASK,     \
	}

/*
 * The kernel's sockets: XDP programs look up a flow's socket (bpf_sk_lookup_tcp: a reference
 * they must release with bpf_sk_release) and answer SYNs with syncookies from its listener
 * (xdp_synproxy). There are no kernel sockets in user space: verify-only.
 */
#define XDP_R_SOCK                                                                                 \
	"it looks up the kernel's sockets (struct sock), which a user-space runtime does not "     \
	"have"
#define XDP_SOCK_PROTO(id_, name_, ret_, flags_, ...)                                              \
	{                                                                                          \
		.id = (id_), .name = (name_), .ret = (ret_), .args = { __VA_ARGS__ },              \
		.flags = EBPF_HELPER_VERIFY_ONLY | (flags_), .unavailable_reason = XDP_R_SOCK,     \
	}
#define XDP_SK_LOOKUP(id_, name_, ret_)                                                            \
	XDP_SOCK_PROTO(id_, name_, ret_, EBPF_HELPER_ACQUIRE, EBPF_ARG_PTR_TO_CTX,                 \
		       EBPF_ARG_PTR_TO_MEM, EBPF_ARG_CONST_SIZE, EBPF_ARG_ANYTHING,                \
		       EBPF_ARG_ANYTHING)
/* bpf_sk_base_func_proto's casts of a socket to its protocol's kernel struct (the verifier
 * knows each struct and types it by the kernel's BTF), sharing the socket's reference. */
#define XDP_SKC_CAST(id_, name_)                                                                   \
	XDP_SOCK_PROTO(id_, name_, EBPF_RET_PTR_TO_BTF_ID_OR_NULL, EBPF_HELPER_PTR_CAST,           \
		       EBPF_ARG_PTR_TO_SOCK_COMMON)
#define XDP_SYNCOOKIE(id_, name_)                                                                  \
	XDP_SOCK_PROTO(id_, name_, EBPF_RET_INTEGER, EBPF_HELPER_GPL_ONLY,                         \
		       EBPF_ARG_PTR_TO_SOCK_COMMON, EBPF_ARG_PTR_TO_MEM, EBPF_ARG_CONST_SIZE,      \
		       EBPF_ARG_PTR_TO_MEM, EBPF_ARG_CONST_SIZE)

/*
 * What Linux 6.18's bpf_base_func_proto gives XDP programs a loader with CAP_PERFMON loads
 * (probed with BPF_PROG_LOAD, as the linux extension's networking types): kernel memory, the
 * interrupted task's name, formatted output whose values Linux reads with nofault reads
 * (bpf_snprintf's format checked at verification as Linux's check_bpf_snprintf_call).
 */
#define XDP_R_KMEM "it reads kernel memory, which a user-space runtime does not have"
#define XDP_R_PRINTF                                                                               \
	"its values may be addresses whose strings and bytes Linux reads with nofault reads, "     \
	"which a user-space process cannot make harmless"
#define XDP_PERFMON_PROTO(id_, name_, reason_, flags_, ...)                                        \
	{                                                                                          \
		.id = (id_), .name = (name_), .ret = EBPF_RET_INTEGER, .args = { __VA_ARGS__ },    \
		.flags = EBPF_HELPER_VERIFY_ONLY | (flags_), .unavailable_reason = (reason_),      \
	}
#define XDP_PROBE_READ(id_, name_)                                                                 \
	XDP_PERFMON_PROTO(id_, name_, XDP_R_KMEM, EBPF_HELPER_GPL_ONLY,                            \
			  EBPF_ARG_PTR_TO_UNINIT_MEM, EBPF_ARG_CONST_SIZE_OR_ZERO,                 \
			  EBPF_ARG_ANYTHING)

static const struct ebpf_helper_proto helper_protos[] = {
	XDP_TASK_PROTO(XDP_HELPER_GET_CURRENT_PID_TGID, "bpf_get_current_pid_tgid", 0, 0),
	XDP_TASK_PROTO(XDP_HELPER_GET_CURRENT_UID_GID, "bpf_get_current_uid_gid", 0, 0),
	/* Linux's bpf_get_cgroup_classid_curr_proto: no argument (the task's net_cls class) */
	XDP_TASK_PROTO(XDP_HELPER_GET_CGROUP_CLASSID, "bpf_get_cgroup_classid", 0, 0),
	PROTO(XDP_HELPER_REDIRECT, "bpf_redirect", 0, EBPF_ARG_ANYTHING, EBPF_ARG_ANYTHING),
	PROTO(XDP_HELPER_PERF_EVENT_OUTPUT, "bpf_perf_event_output", 0, EBPF_ARG_PTR_TO_CTX,
	      EBPF_ARG_CONST_MAP_PTR, EBPF_ARG_ANYTHING, EBPF_ARG_PTR_TO_MEM,
	      EBPF_ARG_CONST_SIZE_OR_ZERO),
	XDP_TASK_PROTO(XDP_HELPER_GET_CURRENT_TASK, "bpf_get_current_task", 0,
		       EBPF_HELPER_GPL_ONLY),
	PROTO(XDP_HELPER_ADJUST_HEAD, "bpf_xdp_adjust_head", EBPF_HELPER_CHANGES_PACKET,
	      EBPF_ARG_PTR_TO_CTX, EBPF_ARG_ANYTHING),
	PROTO(XDP_HELPER_REDIRECT_MAP, "bpf_redirect_map", 0, EBPF_ARG_CONST_MAP_PTR,
	      EBPF_ARG_ANYTHING, EBPF_ARG_ANYTHING),
	PROTO(XDP_HELPER_ADJUST_META, "bpf_xdp_adjust_meta", EBPF_HELPER_CHANGES_PACKET,
	      EBPF_ARG_PTR_TO_CTX, EBPF_ARG_ANYTHING),
	PROTO(XDP_HELPER_ADJUST_TAIL, "bpf_xdp_adjust_tail", EBPF_HELPER_CHANGES_PACKET,
	      EBPF_ARG_PTR_TO_CTX, EBPF_ARG_ANYTHING),
	{
	    .id = XDP_HELPER_FIB_LOOKUP,
	    .name = "bpf_fib_lookup",
	    .ret = EBPF_RET_INTEGER,
	    .args = { EBPF_ARG_PTR_TO_CTX, EBPF_ARG_PTR_TO_UNINIT_MEM, EBPF_ARG_CONST_SIZE,
		      EBPF_ARG_ANYTHING },
	    .flags = EBPF_HELPER_VERIFY_ONLY,
	    .unavailable_reason = "it reads the kernel's routing and neighbour tables, which "
				  "a user-space runtime does not have; keep next hops in a "
				  "map instead",
	},
	XDP_TASK_PROTO(XDP_HELPER_GET_CURRENT_CGROUP_ID, "bpf_get_current_cgroup_id", 0, 0),
	/* Linux's base set: Cilium's conntrack stamps entries with it (ENABLE_JIFFIES) */
	{
	    .id = XDP_HELPER_JIFFIES64,
	    .name = "bpf_jiffies64",
	    .ret = EBPF_RET_INTEGER,
	    .flags = EBPF_HELPER_VERIFY_ONLY,
	    .unavailable_reason = "it reads the kernel's tick counter, whose rate (HZ) only the "
				  "kernel knows; use bpf_ktime_get_ns",
	},
	XDP_TASK_PROTO(XDP_HELPER_GET_CURRENT_ANCESTOR_CGROUP_ID,
		       "bpf_get_current_ancestor_cgroup_id", EBPF_ARG_ANYTHING, 0),
	PROTO(XDP_HELPER_GET_BUFF_LEN, "bpf_xdp_get_buff_len", 0, EBPF_ARG_PTR_TO_CTX),
	PROTO(XDP_HELPER_LOAD_BYTES, "bpf_xdp_load_bytes", 0, EBPF_ARG_PTR_TO_CTX,
	      EBPF_ARG_ANYTHING, EBPF_ARG_PTR_TO_UNINIT_MEM, EBPF_ARG_CONST_SIZE),
	PROTO(XDP_HELPER_STORE_BYTES, "bpf_xdp_store_bytes", 0, EBPF_ARG_PTR_TO_CTX,
	      EBPF_ARG_ANYTHING, EBPF_ARG_PTR_TO_MEM, EBPF_ARG_CONST_SIZE),
	{
	    .id = XDP_HELPER_CHECK_MTU,
	    .name = "bpf_check_mtu",
	    .ret = EBPF_RET_INTEGER,
	    .args = { EBPF_ARG_PTR_TO_CTX, EBPF_ARG_ANYTHING, EBPF_ARG_PTR_TO_INT,
		      EBPF_ARG_ANYTHING, EBPF_ARG_ANYTHING },
	    .flags = EBPF_HELPER_VERIFY_ONLY,
	    .unavailable_reason = "it reads the MTU of the kernel's network devices, which a "
				  "user-space runtime does not have",
	},
	XDP_SK_LOOKUP(XDP_HELPER_SK_LOOKUP_TCP, "bpf_sk_lookup_tcp",
		      EBPF_RET_PTR_TO_SOCKET_OR_NULL),
	XDP_SK_LOOKUP(XDP_HELPER_SK_LOOKUP_UDP, "bpf_sk_lookup_udp",
		      EBPF_RET_PTR_TO_SOCKET_OR_NULL),
	XDP_SK_LOOKUP(XDP_HELPER_SKC_LOOKUP_TCP, "bpf_skc_lookup_tcp",
		      EBPF_RET_PTR_TO_SOCK_COMMON_OR_NULL),
	XDP_SOCK_PROTO(XDP_HELPER_SK_RELEASE, "bpf_sk_release", EBPF_RET_INTEGER,
		       EBPF_HELPER_RELEASE, EBPF_ARG_PTR_TO_SOCK_COMMON),
	XDP_SYNCOOKIE(XDP_HELPER_TCP_CHECK_SYNCOOKIE, "bpf_tcp_check_syncookie"),
	XDP_SYNCOOKIE(XDP_HELPER_TCP_GEN_SYNCOOKIE, "bpf_tcp_gen_syncookie"),
	XDP_PERFMON_PROTO(XDP_HELPER_GET_CURRENT_COMM, "bpf_get_current_comm", XDP_R_TASK, 0,
			  EBPF_ARG_PTR_TO_UNINIT_MEM, EBPF_ARG_CONST_SIZE),
	XDP_PERFMON_PROTO(XDP_HELPER_GET_NUMA_NODE_ID, "bpf_get_numa_node_id", XDP_R_TASK, 0),
	XDP_PROBE_READ(XDP_HELPER_PROBE_READ_USER, "bpf_probe_read_user"),
	XDP_PROBE_READ(XDP_HELPER_PROBE_READ_KERNEL, "bpf_probe_read_kernel"),
	XDP_PROBE_READ(XDP_HELPER_PROBE_READ_USER_STR, "bpf_probe_read_user_str"),
	XDP_PROBE_READ(XDP_HELPER_PROBE_READ_KERNEL_STR, "bpf_probe_read_kernel_str"),
	XDP_PERFMON_PROTO(XDP_HELPER_SNPRINTF, "bpf_snprintf", XDP_R_PRINTF, EBPF_HELPER_GPL_ONLY,
			  EBPF_ARG_PTR_TO_UNINIT_MEM, EBPF_ARG_CONST_SIZE_OR_ZERO,
			  EBPF_ARG_PTR_TO_CONST_STR, EBPF_ARG_PTR_TO_MEM_OR_NULL,
			  EBPF_ARG_CONST_SIZE_OR_ZERO),
	XDP_PERFMON_PROTO(XDP_HELPER_TRACE_VPRINTK, "bpf_trace_vprintk", XDP_R_PRINTF,
			  EBPF_HELPER_GPL_ONLY, EBPF_ARG_PTR_TO_MEM, EBPF_ARG_CONST_SIZE,
			  EBPF_ARG_PTR_TO_MEM_OR_NULL, EBPF_ARG_CONST_SIZE_OR_ZERO),
	XDP_PERFMON_PROTO(XDP_HELPER_KTIME_GET_TAI_NS, "bpf_ktime_get_tai_ns",
			  "it reads the kernel's TAI clock", 0),
	XDP_SKC_CAST(XDP_HELPER_SKC_TO_TCP6_SOCK, "bpf_skc_to_tcp6_sock"),
	XDP_SKC_CAST(XDP_HELPER_SKC_TO_TCP_SOCK, "bpf_skc_to_tcp_sock"),
	XDP_SKC_CAST(XDP_HELPER_SKC_TO_TCP_TIMEWAIT_SOCK, "bpf_skc_to_tcp_timewait_sock"),
	XDP_SKC_CAST(XDP_HELPER_SKC_TO_TCP_REQUEST_SOCK, "bpf_skc_to_tcp_request_sock"),
	XDP_SKC_CAST(XDP_HELPER_SKC_TO_UDP6_SOCK, "bpf_skc_to_udp6_sock"),
	XDP_SKC_CAST(XDP_HELPER_SKC_TO_UNIX_SOCK, "bpf_skc_to_unix_sock"),
	XDP_SKC_CAST(XDP_HELPER_SKC_TO_MPTCP_SOCK, "bpf_skc_to_mptcp_sock"),
};

static const ebpf_helper_fn helper_addresses[] = {
	xdp_unavailable,
	xdp_unavailable,
	xdp_unavailable, /* pid_tgid, uid_gid, classid */
	xdp_redirect,
	xdp_perf_event_output,
	xdp_unavailable, /* current_task */
	xdp_adjust_head,
	xdp_redirect_map,
	xdp_adjust_meta,
	xdp_adjust_tail,
	xdp_unavailable, /* fib_lookup */
	xdp_unavailable, /* cgroup_id */
	xdp_unavailable, /* jiffies64 */
	xdp_unavailable, /* ancestor_cgroup_id */
	xdp_get_buff_len,
	xdp_load_bytes,
	xdp_store_bytes,
	xdp_unavailable, /* check_mtu */
	/* socket lookups, release, syncookies */
	xdp_unavailable,
	xdp_unavailable,
	xdp_unavailable,
	xdp_unavailable,
	xdp_unavailable,
	xdp_unavailable,
	/* CAP_PERFMON's base set: comm, numa node, four probe reads, snprintf, vprintk, tai */
	xdp_unavailable,
	xdp_unavailable,
	xdp_unavailable,
	xdp_unavailable,
	xdp_unavailable,
	xdp_unavailable,
	xdp_unavailable,
	xdp_unavailable,
	xdp_unavailable,
	/* the bpf_skc_to_* casts */
	xdp_unavailable,
	xdp_unavailable,
	xdp_unavailable,
	xdp_unavailable,
	xdp_unavailable,
	xdp_unavailable,
	xdp_unavailable,
};

_Static_assert(sizeof(helper_protos) / sizeof(helper_protos[0]) ==
		   sizeof(helper_addresses) / sizeof(helper_addresses[0]),
	       "one address per prototype");
_Static_assert(offsetof(struct xdp_context, data) == XDP_CTX_DATA_SLOT, "slot layout");
_Static_assert(offsetof(struct xdp_context, data_end) == XDP_CTX_DATA_END_SLOT, "slot layout");
_Static_assert(offsetof(struct xdp_context, data_meta) == XDP_CTX_META_SLOT, "slot layout");

/* ---- test runs (BPF_PROG_TEST_RUN's rules for XDP) --------------------------------------- */

struct test_ctx {
	struct xdp_context ctx; /* first: the program gets a pointer to it */
	unsigned char buf[XDP_BUFFER_SIZE];
};

/* A context image must be an xdp_md with data = the metadata length, data_end = the input
 * size, data_meta = 0, egress_ifindex = 0, and no rx queue without an ingress device. */
static int check_md(const struct xdp_md_view *md, size_t size)
{
	if (md->data_meta || md->data_end != size || md->data > md->data_end)
		return -EINVAL;
	if ((md->data & 3) || md->data > XDP_META_MAX || md->egress_ifindex)
		return -EINVAL;
	if (!md->ingress_ifindex && md->rx_queue_index)
		return -EINVAL;
	return 0;
}

static int context_create(const void *data_in, size_t data_size_in, const void *ctx_in,
			  size_t ctx_size_in, void **ctx)
{
	struct xdp_md_view md = { .data_end = (uint32_t)data_size_in };
	struct test_ctx *t;
	int err;

	if (data_size_in < ETH_HEADER_LEN || data_size_in > XDP_MAX_PACKET || !data_in)
		return -EINVAL;
	if (ctx_in) {
		if (ctx_size_in != sizeof(md))
			return -EINVAL;
		memcpy(&md, ctx_in, sizeof(md));
		err = check_md(&md, data_size_in);
		if (err)
			return err;
	}
	t = malloc(sizeof(*t));
	if (!t)
		return -ENOMEM;
	/* The first md.data bytes of the input are metadata, taken from the headroom. */
	memcpy(t->buf + XDP_HEADROOM - md.data, data_in, data_size_in);
	xdp_context_init(&t->ctx, t->buf, data_size_in - md.data, md.data, md.ingress_ifindex,
			 md.rx_queue_index);
	*ctx = t;
	return 0;
}

static void copy_out(void *out, size_t *size_out, const void *from, size_t size)
{
	if (!size_out)
		return;
	if (out)
		memcpy(out, from, size < *size_out ? size : *size_out);
	*size_out = size;
}

static void context_destroy(void *ctx, void *data_out, size_t *data_size_out, void *ctx_out,
			    size_t *ctx_size_out)
{
	struct test_ctx *t = ctx;
	const struct xdp_context *c = &t->ctx;
	struct xdp_md_view md = c->md;

	/* As Linux: the output starts at the metadata, and md gives offsets into it. */
	copy_out(data_out, data_size_out, ptr(c->data_meta), c->data_end - c->data_meta);
	md.data = (uint32_t)(c->data - c->data_meta);
	md.data_end = (uint32_t)(c->data_end - c->data_meta);
	md.data_meta = 0;
	copy_out(ctx_out, ctx_size_out, &md, sizeof(md));
	free(t);
}

static const struct ebpf_section_prefix sections[] = {
	/* Multi-buffer programs: frames here are one buffer, which such a program handles too
	 * (Linux gives it one-buffer frames whenever the packet fits); bpf_xdp_get_buff_len and
	 * bpf_xdp_load_bytes/store_bytes see that buffer. */
	{ .prefix = "xdp.frags" },
	{ .prefix = "xdp" },
	{ .prefix = "xdp/" },
	/* Legacy names ("xdp1", "xdp_fwd"): libbpf 0.x and samples/bpf's bpf_load.c took every
	 * section starting with "xdp" as XDP. */
	{ .prefix = "xdp*" },
};

const struct ebpf_program_info xdp_program_info = {
	.header = EBPF_EXTENSION_HEADER(struct ebpf_program_info, EBPF_PROGRAM_INFO_VERSION),
	.name = "xdp",
	.program_type = XDP_PROGRAM_TYPE_GUID,
	.sections = sections,
	.section_count = sizeof(sections) / sizeof(sections[0]),
	.context = {
		.size = sizeof(struct xdp_md_view),
		.data = offsetof(struct xdp_md_view, data),
		.data_end = offsetof(struct xdp_md_view, data_end),
		.meta = offsetof(struct xdp_md_view, data_meta),
	},
	.helpers = helper_protos,
	.helper_addresses = helper_addresses,
	.helper_count = sizeof(helper_protos) / sizeof(helper_protos[0]),
	.context_create = context_create,
	.context_destroy = context_destroy,
	.context_pointers = {
		.data = XDP_CTX_DATA_SLOT,
		.data_end = XDP_CTX_DATA_END_SLOT,
		.meta = XDP_CTX_META_SLOT,
	},
};
