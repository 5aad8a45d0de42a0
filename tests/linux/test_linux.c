// SPDX-License-Identifier: MIT
/*
 * The linux extension: its program types are found by libbpf's section names, its contexts
 * agree with Linux's UAPI structures, its helpers with libbpf's helper ids, and objects written
 * as real projects write them verify while their unsafe twins are refused for their reason.
 *
 * Expected values come from Linux and libbpf, not from the extension's tables: <linux/bpf.h>
 * for the context layouts, /usr/include/bpf/bpf_helper_defs.h for helper ids and names, libbpf's
 * section_defs for which section is which type.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include <linux/bpf.h>
#include <linux/bpf_perf_event.h>
#include <linux/ptrace.h>

#include <extbpf/extbpf.h>

#include "linux_ext.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static struct ebpf_extension *linux_ext;
static struct ebpf_extension *packet_ext;

static const char *prog_path(const char *name)
{
	static char path[4096];

	snprintf(path, sizeof(path), "%s/%s", LINUX_PROGS_DIR, name);
	return path;
}

static bool error_has(const char *word)
{
	if (strstr(ebpf_last_error(), word))
		return true;
	fprintf(stderr, "message '%s' lacks '%s'\n", ebpf_last_error(), word);
	return false;
}

/* Opens an object of LINUX_PROGS_DIR; only (may be NULL) selects one program. */
static int open_object(const char *name, const char *only, bool verify_only,
		       struct ebpf_object **obj)
{
	struct ebpf_object_open_opts opts = {
		.sz = sizeof(opts),
		.mode = EBPF_MODE_INTERP,
		.only_program = only,
		.verify_only = verify_only,
	};

	return ebpf_object_open(prog_path(name), &opts, obj);
}

/* ---- the program types -------------------------------------------------------------------- */

struct type_lookup {
	const char *name;
	const struct ebpf_program_info *info; /* valid while the extension stays loaded */
	const struct ebpf_extension *extension;
};

static int find_type_cb(const struct ebpf_program_info *info, void *arg)
{
	struct type_lookup *l = arg;

	if (strcmp(info->name, l->name))
		return 0;
	l->info = info;
	l->extension = ebpf_program_type_extension(info);
	return 1;
}

static const struct ebpf_program_info *find_type(const char *name)
{
	struct type_lookup l = { .name = name };

	ebpf_foreach_program_type(find_type_cb, &l);
	if (l.info && l.extension != linux_ext)
		fail_msg("program type '%s' is not the linux extension's", name);
	return l.info;
}

/* Linux's names and enum bpf_prog_type numbers. */
static const struct {
	const char *name;
	enum bpf_prog_type number;
} expected_types[] = {
	{ "socket_filter", BPF_PROG_TYPE_SOCKET_FILTER },
	{ "kprobe", BPF_PROG_TYPE_KPROBE },
	{ "sched_cls", BPF_PROG_TYPE_SCHED_CLS },
	{ "sched_act", BPF_PROG_TYPE_SCHED_ACT },
	{ "tracepoint", BPF_PROG_TYPE_TRACEPOINT },
	{ "perf_event", BPF_PROG_TYPE_PERF_EVENT },
	{ "cgroup_skb", BPF_PROG_TYPE_CGROUP_SKB },
	{ "cgroup_sock", BPF_PROG_TYPE_CGROUP_SOCK },
	{ "lwt_in", BPF_PROG_TYPE_LWT_IN },
	{ "lwt_out", BPF_PROG_TYPE_LWT_OUT },
	{ "lwt_xmit", BPF_PROG_TYPE_LWT_XMIT },
	{ "sock_ops", BPF_PROG_TYPE_SOCK_OPS },
	{ "sk_skb", BPF_PROG_TYPE_SK_SKB },
	{ "sk_msg", BPF_PROG_TYPE_SK_MSG },
	{ "raw_tracepoint", BPF_PROG_TYPE_RAW_TRACEPOINT },
	{ "cgroup_sock_addr", BPF_PROG_TYPE_CGROUP_SOCK_ADDR },
	{ "lwt_seg6local", BPF_PROG_TYPE_LWT_SEG6LOCAL },
	{ "sk_reuseport", BPF_PROG_TYPE_SK_REUSEPORT },
	{ "flow_dissector", BPF_PROG_TYPE_FLOW_DISSECTOR },
	{ "cgroup_sysctl", BPF_PROG_TYPE_CGROUP_SYSCTL },
	{ "cgroup_getsockopt", BPF_PROG_TYPE_CGROUP_SOCKOPT },
	{ "cgroup_setsockopt", (enum bpf_prog_type)LINUX_PROG_CGROUP_SETSOCKOPT },
	{ "cgroup_device", BPF_PROG_TYPE_CGROUP_DEVICE },
	{ "sk_lookup", BPF_PROG_TYPE_SK_LOOKUP },
	{ "tracing", BPF_PROG_TYPE_TRACING },
	{ "lsm", BPF_PROG_TYPE_LSM },
};

static void test_types_registered(void **state)
{
	for (size_t i = 0; i < ARRAY_SIZE(expected_types); i++) {
		const struct ebpf_program_info *info = find_type(expected_types[i].name);
		const nmr_guid_t guid = LINUX_PROGRAM_TYPE_GUID(expected_types[i].number);

		if (!info)
			fail_msg("program type '%s' missing: %s", expected_types[i].name,
				 ebpf_last_error());
		assert_true(nmr_guid_equal(&info->program_type, &guid));
	}
}

/* XDP is the packet extension's: the linux extension must not offer a second one. */
static int no_linux_xdp_cb(const struct ebpf_program_info *info, void *arg)
{
	if (ebpf_program_type_extension(info) != linux_ext)
		return 0;
	assert_string_not_equal(info->name, "xdp");
	for (uint32_t i = 0; i < info->section_count; i++)
		assert_false(!strncmp(info->sections[i].prefix, "xdp", 3));
	return 0;
}

static void test_no_xdp_type(void **state)
{
	ebpf_foreach_program_type(no_linux_xdp_cb, NULL);
}

/*
 * libbpf's section_defs: which program type each section name gives (NULL: refused, with the
 * reason containing `refusal`). Programs of sections.bpf.o, loaded one at a time.
 */
static const struct {
	const char *function;
	const char *type;
	const char *refusal;
} section_rows[] = {
#define TYPE(fn, type)                                                                             \
	{                                                                                          \
		fn, type, NULL                                                                     \
	}
#define REFUSED(fn, why)                                                                           \
	{                                                                                          \
		fn, NULL, why                                                                      \
	}
	TYPE("s_socket", "socket_filter"),
	TYPE("s_kprobe", "kprobe"),
	TYPE("s_kretprobe", "kprobe"),
	TYPE("s_uprobe", "kprobe"),
	TYPE("s_uretprobe", "kprobe"),
	TYPE("s_uprobe_s", "kprobe"),
	TYPE("s_kprobe_multi", "kprobe"),
	TYPE("s_ksyscall", "kprobe"),
	TYPE("s_kretsyscall", "kprobe"),
	TYPE("s_usdt", "kprobe"),
	TYPE("s_tc", "sched_cls"),
	TYPE("s_tc_ingress", "sched_cls"),
	TYPE("s_tcx", "sched_cls"),
	TYPE("s_classifier", "sched_cls"),
	TYPE("s_classifier_sloppy", "sched_cls"),
	TYPE("s_action", "sched_act"),
	TYPE("s_tracepoint", "tracepoint"),
	TYPE("s_tp", "tracepoint"),
	TYPE("s_raw_tracepoint", "raw_tracepoint"),
	TYPE("s_raw_tp", "raw_tracepoint"),
	REFUSED("s_raw_tp_w", "writable raw tracepoints"),
	TYPE("s_tp_btf", "tracing"), /* these need the kernel's BTF (skipped without it) */
	TYPE("s_fentry", "tracing"),
	TYPE("s_fexit", "tracing"),
	TYPE("s_fmod_ret", "tracing"),
	TYPE("s_lsm", "lsm"),
	REFUSED("s_fentry_bare", "names no target"),
	TYPE("s_iter", "tracing_iter"),
	TYPE("s_perf_event", "perf_event"),
	TYPE("s_lwt_in", "lwt_in"),
	TYPE("s_lwt_out", "lwt_out"),
	TYPE("s_lwt_xmit", "lwt_xmit"),
	TYPE("s_lwt_seg6local", "lwt_seg6local"),
	TYPE("s_sockops", "sock_ops"),
	TYPE("s_sk_skb_parser", "sk_skb"),
	TYPE("s_sk_skb_verdict", "sk_skb"),
	TYPE("s_sk_skb", "sk_skb"),
	TYPE("s_sk_msg", "sk_msg"),
	TYPE("s_sk_lookup", "sk_lookup"),
	TYPE("s_flow_dissector", "flow_dissector"),
	TYPE("s_sk_reuseport", "sk_reuseport"),
	TYPE("s_sk_reuseport_migrate", "sk_reuseport"),
	TYPE("s_sysctl", "cgroup_sysctl"),
	TYPE("s_getsockopt", "cgroup_getsockopt"),
	TYPE("s_setsockopt", "cgroup_setsockopt"),
	TYPE("s_dev", "cgroup_device"),
	TYPE("s_cgroup_skb_ingress", "cgroup_skb"),
	TYPE("s_cgroup_skb_egress", "cgroup_skb"),
	TYPE("s_cgroup_skb", "cgroup_skb"),
	TYPE("s_sock_create", "cgroup_sock"),
	TYPE("s_sock_release", "cgroup_sock"),
	TYPE("s_sock", "cgroup_sock"),
	TYPE("s_post_bind4", "cgroup_sock"),
	TYPE("s_post_bind6", "cgroup_sock"),
	TYPE("s_bind4", "cgroup_sock_addr"),
	TYPE("s_bind6", "cgroup_sock_addr"),
	TYPE("s_connect4", "cgroup_sock_addr"),
	TYPE("s_connect6", "cgroup_sock_addr"),
	TYPE("s_sendmsg4", "cgroup_sock_addr"),
	TYPE("s_sendmsg6", "cgroup_sock_addr"),
	TYPE("s_recvmsg4", "cgroup_sock_addr"),
	TYPE("s_recvmsg6", "cgroup_sock_addr"),
	TYPE("s_getpeername4", "cgroup_sock_addr"),
	TYPE("s_getpeername6", "cgroup_sock_addr"),
	TYPE("s_getsockname4", "cgroup_sock_addr"),
	TYPE("s_getsockname6", "cgroup_sock_addr"),
	TYPE("s_xdp", "xdp"), /* the packet extension's */
	REFUSED("s_unknown", "no loaded extension"),
	/* libbpf 0.x's sloppy prefixes: a strict match of another type still wins */
	TYPE("s_legacy_socket", "socket_filter"),
	TYPE("s_legacy_xdp", "xdp"),
	TYPE("s_legacy_cgroup_sock", "cgroup_sock"),
	TYPE("s_legacy_cgroup_skb", "cgroup_skb"),
	TYPE("s_legacy_sockops", "sock_ops"),
	TYPE("s_legacy_classifier", "sched_cls"),
	TYPE("s_legacy_action", "sched_act"),
	TYPE("s_legacy_perf_event", "perf_event"),
	TYPE("s_legacy_lwt_xmit", "lwt_xmit"),
	TYPE("s_legacy_sk_skb", "sk_skb"),
	TYPE("s_legacy_sk_msg", "sk_msg"),
	TYPE("s_legacy_flow_dissector", "flow_dissector"),
	REFUSED("s_legacy_not_kprobe", "no loaded extension"),
	REFUSED("s_legacy_not_tracepoint", "no loaded extension"),
	REFUSED("s_legacy_not_tc", "no loaded extension"),
};

/* Programs attached through BTF are verified against the running kernel's. */
static bool have_kernel_btf(void)
{
	return access("/sys/kernel/btf/vmlinux", R_OK) == 0;
}

static bool is_btf_attached(const char *type)
{
	return !strcmp(type, "tracing") || !strcmp(type, "lsm") || !strcmp(type, "tracing_iter");
}

static void test_section_table(void **state)
{
	for (size_t i = 0; i < ARRAY_SIZE(section_rows); i++) {
		struct ebpf_object *obj = NULL;
		struct ebpf_program *prog;
		int err;

		if (section_rows[i].type && !strcmp(section_rows[i].type, "xdp") && !packet_ext)
			continue;
		if (section_rows[i].type && is_btf_attached(section_rows[i].type) &&
		    !have_kernel_btf())
			continue;
		err = open_object("sections.bpf.o", section_rows[i].function, true, &obj);
		if (!section_rows[i].type) {
			if (!err)
				fail_msg("%s: loaded, expected refusal", section_rows[i].function);
			assert_true(error_has(section_rows[i].refusal));
			continue;
		}
		if (err)
			fail_msg("%s: %s", section_rows[i].function, ebpf_last_error());
		prog = ebpf_object_find_program(obj, section_rows[i].function);
		assert_non_null(prog);
		if (strcmp(ebpf_program_type_name(prog), section_rows[i].type))
			fail_msg("%s (section %s): type %s, expected %s", section_rows[i].function,
				 ebpf_program_section(prog), ebpf_program_type_name(prog),
				 section_rows[i].type);
		ebpf_object_close(obj);
	}
}

/* ---- helpers ------------------------------------------------------------------------------ */

/* libbpf's helper names by id, from the bpf_helper_defs.h its package installs. */
#define MAX_HELPER_ID 512

static char **read_libbpf_helpers(void)
{
	FILE *f = fopen("/usr/include/bpf/bpf_helper_defs.h", "r");
	char **names = calloc(MAX_HELPER_ID, sizeof(*names));
	char line[1024];

	assert_non_null(f);
	assert_non_null(names);
	while (fgets(line, sizeof(line), f)) {
		char *star = strstr(line, "(*bpf_"), *end, *id;
		long n;

		id = strstr(line, "= (void *) ");
		if (!star || !id)
			continue;
		end = strchr(star + 2, ')');
		n = strtol(id + strlen("= (void *) "), NULL, 10);
		if (!end || n <= 0 || n >= MAX_HELPER_ID)
			continue;
		names[n] = strndup(star + 2, (size_t)(end - star - 2));
	}
	fclose(f);
	return names;
}

struct helper_check {
	char **libbpf;
	size_t checked;
};

static int check_helpers_cb(const struct ebpf_program_info *info, void *arg)
{
	struct helper_check *c = arg;
	size_t nglobal;
	const struct ebpf_helper_proto *global = ebpf_global_helpers(&nglobal);

	if (ebpf_program_type_extension(info) != linux_ext)
		return 0;
	for (uint32_t i = 0; i < info->helper_count; i++) {
		const struct ebpf_helper_proto *h = &info->helpers[i];

		/* Linux's id under libbpf's name: programs call it by that id. */
		assert_true(h->id > 0 && h->id < MAX_HELPER_ID);
		if (!c->libbpf[h->id] || strcmp(c->libbpf[h->id], h->name))
			fail_msg("%s: helper %u is '%s', libbpf says '%s'", info->name, h->id,
				 h->name, c->libbpf[h->id] ? c->libbpf[h->id] : "(none)");
		/* Never a global helper's id (the core would refuse the type). */
		for (size_t g = 0; g < nglobal; g++) {
			if (global[g].id == h->id)
				fail_msg("%s: helper %s shadows global helper %s", info->name,
					 h->name, global[g].name);
		}
		/* Verify-only, saying why. */
		assert_true(h->flags & EBPF_HELPER_VERIFY_ONLY);
		assert_non_null(h->unavailable_reason);
		assert_true(strlen(h->unavailable_reason) > 10);
		for (uint32_t j = 0; j < i; j++)
			assert_int_not_equal(info->helpers[j].id, h->id);
		c->checked++;
	}
	return 0;
}

static void test_helpers_match_libbpf(void **state)
{
	struct helper_check c = { .libbpf = read_libbpf_helpers() };

	ebpf_foreach_program_type(check_helpers_cb, &c);
	assert_true(c.checked > 100);
	for (size_t i = 0; i < MAX_HELPER_ID; i++)
		free(c.libbpf[i]);
	free(c.libbpf);
}

/* A few helpers per type as Linux's *_func_proto offer them (present) or not (absent). */
static bool type_has_helper(const struct ebpf_program_info *info, uint32_t id)
{
	for (uint32_t i = 0; i < info->helper_count; i++) {
		if (info->helpers[i].id == id)
			return true;
	}
	return false;
}

static void test_helper_sets(void **state)
{
	static const struct {
		const char *type;
		enum bpf_func_id id;
		bool present;
	} rows[] = {
		{ "kprobe", BPF_FUNC_probe_read_kernel, true },
		{ "kprobe", BPF_FUNC_override_return, true },
		{ "tracepoint", BPF_FUNC_override_return, false },
		{ "perf_event", BPF_FUNC_perf_prog_read_value, true },
		{ "kprobe", BPF_FUNC_skb_load_bytes, false },
		{ "socket_filter", BPF_FUNC_skb_load_bytes, true },
		{ "socket_filter", BPF_FUNC_skb_store_bytes, false },
		{ "sched_cls", BPF_FUNC_skb_store_bytes, true },
		{ "sched_cls", BPF_FUNC_l3_csum_replace, true },
		/* bpf_base_func_proto for CAP_PERFMON (Linux 6.18, probed pair by pair) */
		{ "sched_cls", BPF_FUNC_probe_read_kernel, true },
		{ "sched_cls", BPF_FUNC_probe_read, false },
		{ "sched_cls", BPF_FUNC_probe_read_str, false },
		{ "sched_cls", BPF_FUNC_probe_write_user, false },
		{ "sched_cls", BPF_FUNC_get_stack, false },
		{ "sched_cls", BPF_FUNC_snprintf, true },
		{ "sched_cls", BPF_FUNC_trace_vprintk, true },
		{ "socket_filter", BPF_FUNC_probe_read_user_str, true },
		{ "cgroup_sock", BPF_FUNC_get_current_task, true },
		{ "cgroup_sysctl", BPF_FUNC_send_signal, true },
		{ "sk_msg", BPF_FUNC_task_storage_get, true },
		{ "lwt_xmit", BPF_FUNC_perf_event_read_value, true },
		{ "sk_skb", BPF_FUNC_get_ns_current_pid_tgid, true },
		{ "flow_dissector", BPF_FUNC_task_storage_delete, true },
		{ "sk_lookup", BPF_FUNC_get_stackid, false },
		{ "kprobe", BPF_FUNC_snprintf, true },
		{ "tracing", BPF_FUNC_trace_vprintk, true },
		{ "lwt_out", BPF_FUNC_skb_store_bytes, false },
		{ "lwt_xmit", BPF_FUNC_skb_store_bytes, true },
		{ "lwt_in", BPF_FUNC_lwt_push_encap, true },
		{ "lwt_seg6local", BPF_FUNC_lwt_seg6_action, true },
		{ "sock_ops", BPF_FUNC_sock_ops_cb_flags_set, true },
		{ "sk_msg", BPF_FUNC_msg_redirect_map, true },
		{ "sk_skb", BPF_FUNC_sk_redirect_map, true },
		{ "cgroup_sock_addr", BPF_FUNC_bind, true },
		{ "cgroup_sock", BPF_FUNC_bind, false },
		{ "cgroup_skb", BPF_FUNC_skb_cgroup_id, true },
		{ "cgroup_sock_addr", BPF_FUNC_set_retval, true },
		{ "cgroup_sock", BPF_FUNC_get_retval, true },
		{ "cgroup_skb", BPF_FUNC_get_retval, false },
		{ "sock_ops", BPF_FUNC_get_retval, false },
		{ "sched_cls", BPF_FUNC_set_retval, false },
		/* Linux's base set and bpf_sk_base_func_proto, for privileged loaders */
		{ "sched_cls", BPF_FUNC_jiffies64, true },
		{ "sched_cls", BPF_FUNC_get_netns_cookie, true },
		{ "sched_cls", BPF_FUNC_get_current_cgroup_id, true },
		{ "socket_filter", BPF_FUNC_get_current_pid_tgid, true },
		{ "cgroup_skb", BPF_FUNC_get_cgroup_classid, true },
		{ "cgroup_sock_addr", BPF_FUNC_ktime_get_tai_ns, true },
		/* the socket-level types (sk_lookup, flow_dissector, sk_reuseport, sysctl) */
		{ "sk_lookup", BPF_FUNC_perf_event_output, true },
		{ "sk_lookup", BPF_FUNC_skb_load_bytes, false },
		{ "flow_dissector", BPF_FUNC_skb_load_bytes, true },
		{ "flow_dissector", BPF_FUNC_skb_load_bytes_relative, false },
		{ "flow_dissector", BPF_FUNC_perf_event_output, false },
		{ "sk_reuseport", BPF_FUNC_sk_select_reuseport, true },
		{ "sk_reuseport", BPF_FUNC_skb_load_bytes_relative, true },
		{ "sk_reuseport", BPF_FUNC_perf_event_output, false },
		{ "cgroup_sysctl", BPF_FUNC_sysctl_get_name, true },
		{ "cgroup_sysctl", BPF_FUNC_sysctl_set_new_value, true },
		{ "cgroup_sysctl", BPF_FUNC_get_local_storage, true },
		{ "cgroup_sysctl", BPF_FUNC_set_retval, true },
		{ "cgroup_sysctl", BPF_FUNC_get_netns_cookie, false },
		{ "cgroup_sock", BPF_FUNC_sysctl_get_name, false },
		{ "sk_msg", BPF_FUNC_get_numa_node_id, true },
		{ "sock_ops", BPF_FUNC_get_current_ancestor_cgroup_id, true },
		{ "lwt_in", BPF_FUNC_get_netns_cookie, false },
		{ "sk_skb", BPF_FUNC_get_netns_cookie, false },
	};

	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		const struct ebpf_program_info *info = find_type(rows[i].type);

		assert_non_null(info);
		if (type_has_helper(info, rows[i].id) != rows[i].present)
			fail_msg("%s: helper %d should %sbe offered", rows[i].type, rows[i].id,
				 rows[i].present ? "" : "not ");
	}
}

/* ---- contexts ----------------------------------------------------------------------------- */

static bool writable(const struct ebpf_context_descriptor *ctx, uint32_t off, uint32_t size)
{
	for (uint32_t i = 0; i < ctx->writable_count; i++) {
		if (off >= ctx->writable[i].offset &&
		    off + size <= ctx->writable[i].offset + ctx->writable[i].size)
			return true;
	}
	return false;
}

#define SKB_OFF(f) ((uint32_t)offsetof(struct __sk_buff, f))

static void check_skb_type(const char *name, bool meta)
{
	const struct ebpf_program_info *info = find_type(name);
	const struct ebpf_context_descriptor *ctx;

	assert_non_null(info);
	ctx = &info->context;
	assert_int_equal(ctx->size, sizeof(struct __sk_buff));
	assert_int_equal(ctx->data, SKB_OFF(data));
	assert_int_equal(ctx->data_end, SKB_OFF(data_end));
	assert_int_equal(ctx->meta, meta ? (int32_t)SKB_OFF(data_meta) : -1);
	/* The real pointers: 8-byte slots beyond what any program can address. */
	assert_true(info->context_pointers.data >= ctx->size);
	assert_true(info->context_pointers.data_end >= ctx->size);
	assert_int_not_equal(info->context_pointers.data, info->context_pointers.data_end);
	if (meta) {
		assert_true(info->context_pointers.meta >= ctx->size);
	} else {
		assert_int_equal(info->context_pointers.meta, 0);
	}
	/* No type may write len, protocol, ifindex or the packet pointers. */
	assert_false(writable(ctx, SKB_OFF(len), 4));
	assert_false(writable(ctx, SKB_OFF(protocol), 4));
	assert_false(writable(ctx, SKB_OFF(ifindex), 4));
	assert_false(writable(ctx, SKB_OFF(data), 4));
	assert_false(writable(ctx, SKB_OFF(data_end), 4));
}

static void test_skb_contexts(void **state)
{
	const struct ebpf_program_info *sk_filter = find_type("socket_filter");

	check_skb_type("sched_cls", true);
	check_skb_type("sched_act", true);
	check_skb_type("cgroup_skb", false);
	check_skb_type("lwt_in", false);
	check_skb_type("lwt_xmit", false);
	check_skb_type("lwt_seg6local", false);
	check_skb_type("sk_skb", false);

	/* Linux's tc_cls_act_is_valid_access: these are writable ... */
	assert_true(writable(&find_type("sched_cls")->context, SKB_OFF(mark), 4));
	assert_true(writable(&find_type("sched_cls")->context, SKB_OFF(tc_classid), 4));
	assert_true(writable(&find_type("sched_cls")->context, SKB_OFF(cb[4]), 4));
	assert_true(writable(&find_type("sched_cls")->context, SKB_OFF(tstamp), 8));
	/* ... sk_skb may write priority but not mark, lwt mark but not tc_index. */
	assert_true(writable(&find_type("sk_skb")->context, SKB_OFF(priority), 4));
	assert_false(writable(&find_type("sk_skb")->context, SKB_OFF(mark), 4));
	assert_true(writable(&find_type("lwt_out")->context, SKB_OFF(mark), 4));
	assert_false(writable(&find_type("lwt_out")->context, SKB_OFF(tc_index), 4));

	/* Socket filters: only cb[] is writable, and skb->data is not a packet pointer (Linux
	 * refuses loading it) while the legacy packet loads still have a packet to read. */
	assert_non_null(sk_filter);
	assert_int_equal(sk_filter->context.size, sizeof(struct __sk_buff));
	assert_true(writable(&sk_filter->context, SKB_OFF(cb[0]), 20));
	assert_false(writable(&sk_filter->context, SKB_OFF(mark), 4));
	assert_true(sk_filter->context.data >= (int32_t)sk_filter->context.size);
	assert_true(sk_filter->context.data_end >= (int32_t)sk_filter->context.size);
}

static void test_other_contexts(void **state)
{
	const struct ebpf_program_info *info;

	info = find_type("kprobe");
	assert_int_equal(info->context.size, sizeof(struct pt_regs));
	assert_int_equal(info->context.writable_count, 0);
	assert_int_equal(info->context.data, -1);
	info = find_type("perf_event");
	assert_int_equal(info->context.size, sizeof(struct bpf_perf_event_data));
	assert_int_equal(info->context.writable_count, 0);
	info = find_type("raw_tracepoint");
	assert_int_equal(info->context.size, 12 * sizeof(__u64));
	info = find_type("tracepoint");
	assert_int_equal(info->context.size, 2048); /* PERF_MAX_TRACE_SIZE */
	assert_int_equal(info->context.writable_count, 0);

	info = find_type("cgroup_sock");
	assert_int_equal(info->context.size, sizeof(struct bpf_sock));
	assert_true(writable(&info->context, offsetof(struct bpf_sock, mark), 4));
	assert_true(writable(&info->context, offsetof(struct bpf_sock, bound_dev_if), 4));
	assert_false(writable(&info->context, offsetof(struct bpf_sock, family), 4));

	info = find_type("cgroup_sock_addr");
	assert_int_equal(info->context.size, sizeof(struct bpf_sock_addr));
	assert_true(writable(&info->context, offsetof(struct bpf_sock_addr, user_ip4), 4));
	assert_true(writable(&info->context, offsetof(struct bpf_sock_addr, user_ip6[3]), 4));
	assert_true(writable(&info->context, offsetof(struct bpf_sock_addr, user_port), 4));
	assert_true(writable(&info->context, offsetof(struct bpf_sock_addr, msg_src_ip4), 4));
	assert_false(writable(&info->context, offsetof(struct bpf_sock_addr, family), 4));
	assert_false(writable(&info->context, offsetof(struct bpf_sock_addr, user_family), 4));

	/* sock_ops: at least the UAPI's structure (6.2 added skb_hwtstamp after it). */
	info = find_type("sock_ops");
	assert_true(info->context.size >= sizeof(struct bpf_sock_ops));
	assert_int_equal(info->context.data, offsetof(struct bpf_sock_ops, skb_data));
	assert_int_equal(info->context.data_end, offsetof(struct bpf_sock_ops, skb_data_end));
	assert_int_equal(info->context_pointers.data, 0); /* 64-bit fields: no rewrite */
	assert_true(writable(&info->context, offsetof(struct bpf_sock_ops, reply), 4));
	assert_true(writable(&info->context, offsetof(struct bpf_sock_ops, sk_txhash), 4));
	assert_false(writable(&info->context, offsetof(struct bpf_sock_ops, op), 4));

	info = find_type("sk_msg");
	assert_int_equal(info->context.size, sizeof(struct sk_msg_md));
	assert_int_equal(info->context.data, offsetof(struct sk_msg_md, data));
	assert_int_equal(info->context.data_end, offsetof(struct sk_msg_md, data_end));
	assert_int_equal(info->context.writable_count, 0);
}

/* ---- objects ------------------------------------------------------------------------------ */

static void expect_type(struct ebpf_object *obj, const char *function, const char *type)
{
	struct ebpf_program *prog = ebpf_object_find_program(obj, function);

	if (!prog)
		fail_msg("no program %s", function);
	assert_string_equal(ebpf_program_type_name(prog), type);
}

/* Each program types[i][0] of obj verified as program type types[i][1]. */
static void expect_types(struct ebpf_object *obj, const char *const (*types)[2], size_t count)
{
	for (size_t i = 0; i < count; i++)
		expect_type(obj, types[i][0], types[i][1]);
}

static struct ebpf_object *verify_object(const char *name)
{
	struct ebpf_object *obj = NULL;

	if (open_object(name, NULL, true, &obj))
		fail_msg("%s refused: %s", name, ebpf_last_error());
	return obj;
}

static void test_cilium_tc(void **state)
{
	struct ebpf_object *obj = verify_object("cilium_l3l4.bpf.o");

	expect_type(obj, "cil_from_netdev", "sched_cls");
	expect_type(obj, "handle_ipv4", "sched_cls");
	expect_type(obj, "handle_ipv6", "sched_cls");
	ebpf_object_close(obj);
}

static void test_suricata_socket_filter(void **state)
{
	struct ebpf_object *obj = verify_object("suricata_filter.bpf.o");
	const struct ebpf_inst *insns;
	size_t count, legacy = 0;

	expect_type(obj, "suricata_bypass", "socket_filter");
	/* The point of the test: the object really uses ld_abs and ld_ind. */
	insns = ebpf_program_insns(ebpf_object_find_program(obj, "suricata_bypass"), &count);
	for (size_t i = 0; i < count; i++) {
		uint8_t mode = insns[i].code & 0xe0, cls = insns[i].code & 0x07;

		if (cls == 0 /* LD */ && (mode == 0x20 /* ABS */ || mode == 0x40 /* IND */))
			legacy |= mode == 0x20 ? 1 : 2;
	}
	assert_int_equal(legacy, 3);
	ebpf_object_close(obj);
}

static void test_tracing_programs(void **state)
{
	struct ebpf_object *obj = verify_object("ptr_compare.bpf.o");

	/* a map value compared with a stack pointer (biostacks): tracing types may */
	expect_type(obj, "stage_or_local", "kprobe");
	ebpf_object_close(obj);
	obj = verify_object("kprobe_read.bpf.o");

	expect_type(obj, "openat2_entry", "kprobe");
	expect_type(obj, "openat2_exit", "kprobe");
	expect_type(obj, "trace_vfs_read", "kprobe");
	expect_type(obj, "tp_openat", "tracepoint");
	expect_type(obj, "raw_exec", "raw_tracepoint");
	expect_type(obj, "perf_sample", "perf_event");
	ebpf_object_close(obj);
	/* a format on the stack the verifier cannot read whole: left to the helper (tracex1) */
	obj = verify_object("printk_stack.bpf.o");
	expect_type(obj, "print_skb", "kprobe");
	ebpf_object_close(obj);
	/* formats of 9..23 bytes stored in 8-, 4-, 2- and 1-byte pieces, in xdp and tc */
	obj = verify_object("printk_pieces.bpf.o");
	expect_type(obj, "xdp_fmt15", "xdp");
	expect_type(obj, "tc_fmt23", "sched_cls");
	ebpf_object_close(obj);
}

/* Task and cgroup storage and a stack trace map sized at run time: verified, never run. */
static void test_storage_and_stack_maps(void **state)
{
	struct ebpf_object *obj = verify_object("storage_maps.bpf.o");
	struct ebpf_map *stacks = ebpf_object_find_map(obj, "stacks");

	expect_type(obj, "count_stacks", "kprobe");
	assert_int_equal(ebpf_map_type(ebpf_object_find_map(obj, "task_infos")),
			 EBPF_MAP_TYPE_TASK_STORAGE);
	assert_int_equal(ebpf_map_max_entries(ebpf_object_find_map(obj, "cgroup_counts")), 0);
	/* Sized as the libbpf tools size it: 127 frames, 1024 stacks. */
	assert_int_equal(ebpf_map_value_size(stacks), 127 * 8);
	assert_int_equal(ebpf_map_max_entries(stacks), 1024);
	ebpf_object_close(obj);
	obj = NULL;
	assert_int_not_equal(open_object("storage_maps.bpf.o", NULL, false, &obj), 0);
	assert_null(obj);
	assert_true(error_has("verify-only") || error_has("verification only"));
}

/* struct bpf_timer in hash, LRU hash and array values: init, set_callback, start and cancel
 * verify; the helpers are verify-only, with the reason. */
static void test_timers(void **state)
{
	struct ebpf_object *obj = verify_object("timer.bpf.o");

	expect_type(obj, "track_flow", "sched_cls");
	expect_type(obj, "track_lru", "sched_cls");
	expect_type(obj, "slot_timer", "sched_cls");
	ebpf_object_close(obj);
	obj = NULL;
	assert_int_not_equal(open_object("timer.bpf.o", "track_flow", false, &obj), 0);
	assert_null(obj);
	assert_true(error_has("bpf_timer_init (169) is available for verification only"));
	assert_true(error_has("a host thread would have to fire it"));
}

/* Each misuse of a timer, refused for its reason. */
static void test_timers_unsafe(void **state)
{
	static const struct {
		const char *function;
		const char *reason;
	} rows[] = {
		{ "wrong_offset",
		  "offset 0 is not the struct bpf_timer of map 'flows', which is at "
		  "offset 8" },
		{ "other_map", "the timer (r1) is in a value of map 'flows' but the map argument "
			       "(r2) is 'other_flows'" },
		{ "callback_returns_one", "a bpf_timer callback must return 0" },
		{ "store_timer", "overlaps its struct bpf_timer at offset 8" },
		{ "load_timer", "overlaps its struct bpf_timer at offset 8" },
		{ "no_timer", "expected a timer, but map 'plains' holds none" },
		{ "callback_wrong_offset", "offset 16 is not the struct bpf_timer of map 'flows'" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		struct ebpf_object *obj = NULL;

		if (!open_object("bad/timer.bpf.o", rows[i].function, true, &obj))
			fail_msg("%s: accepted, expected '%s'", rows[i].function, rows[i].reason);
		if (!error_has(rows[i].reason))
			fail_msg("%s: wrong reason", rows[i].function);
	}
}

/* fentry, fexit, tp_btf, lsm, fmod_ret: BTF-typed arguments, verified; never run. */
static void test_btf_tracing_programs(void **state)
{
	struct ebpf_object *obj;

	if (!have_kernel_btf()) {
		print_message("skipped: /sys/kernel/btf/vmlinux is absent\n");
		skip();
	}
	obj = verify_object("btf_tracing.bpf.o");
	expect_type(obj, "unlink_entry", "tracing");
	expect_type(obj, "unlink_exit", "tracing");
	expect_type(obj, "switch_btf", "tracing");
	expect_type(obj, "lsm_open", "lsm");
	expect_type(obj, "fmod_open", "tracing");
	ebpf_object_close(obj);
	obj = NULL;
	/* Their typed pointers are kernel objects: verification only. */
	assert_int_not_equal(open_object("btf_tracing.bpf.o", "switch_btf", false, &obj), 0);
	assert_null(obj);
	assert_true(error_has("can only be verified"));
}

/* Each misuse of a BTF-typed argument, refused for its reason. */
static void test_btf_tracing_unsafe(void **state)
{
	static const struct {
		const char *function;
		const char *reason;
	} rows[] = {
		{ "store_field", "store through r" },
		{ "store_deep", "(pointer to kernel type 'task_struct') prohibited" },
		{ "read_past", "access beyond 'task_struct'" },
		{ "arg_index", "'do_unlinkat' has 2 arguments (16 bytes)" },
		{ "arg_index_lsm", "'file_open' has 2 arguments (16 bytes)" },
		{ "confused_beyond", "memory access through r1, which is a scalar" },
		{ "confused_scalar", "which is a scalar, not a pointer" },
		{ "absent_target", "has no function 'extbpf_no_such_function'" },
	};

	if (!have_kernel_btf()) {
		print_message("skipped: /sys/kernel/btf/vmlinux is absent\n");
		skip();
	}
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		struct ebpf_object *obj = NULL;

		if (!open_object("bad/btf_tracing.bpf.o", rows[i].function, true, &obj))
			fail_msg("%s: accepted, expected '%s'", rows[i].function, rows[i].reason);
		if (!error_has(rows[i].reason))
			fail_msg("%s: wrong reason", rows[i].function);
	}
}

/* Iterators: struct bpf_iter__NAME of the kernel's BTF, the object visited checked against
 * NULL, output through meta->seq; verified, never run. */
static void test_iter_programs(void **state)
{
	struct ebpf_object *obj;

	if (!have_kernel_btf()) {
		print_message("skipped: /sys/kernel/btf/vmlinux is absent\n");
		skip();
	}
	obj = verify_object("iter.bpf.o");
	expect_type(obj, "dump_task", "tracing_iter");
	expect_type(obj, "write_parent", "tracing_iter");
	expect_type(obj, "dump_map", "tracing_iter");
	expect_type(obj, "dump_tcp", "tracing_iter");
	ebpf_object_close(obj);
	obj = NULL;
	assert_int_not_equal(open_object("iter.bpf.o", "dump_task", false, &obj), 0);
	assert_null(obj);
	assert_true(error_has("can only be verified"));
}

static void test_iter_unsafe(void **state)
{
	static const struct {
		const char *function;
		const char *reason;
	} rows[] = {
		{ "no_null_check", "(ptr_to_task_struct_or_null(off=0)) before a null check" },
		{ "map_no_null_check", "(ptr_to_bpf_map_or_null(off=0)) before a null check" },
		{ "write_task", "(pointer to kernel type 'task_struct') prohibited" },
		{ "arith_before_check", "pointer arithmetic on r" },
		{ "seq_not_pointer", "expected a kernel object's pointer" },
		{ "write_ctx", "the arguments of 'task' are read-only" },
		{ "absent_iter", "has no struct 'bpf_iter__extbpf_no_such_iter'" },
	};

	if (!have_kernel_btf()) {
		print_message("skipped: /sys/kernel/btf/vmlinux is absent\n");
		skip();
	}
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		struct ebpf_object *obj = NULL;

		if (!open_object("bad/iter.bpf.o", rows[i].function, true, &obj))
			fail_msg("%s: accepted, expected '%s'", rows[i].function, rows[i].reason);
		if (!error_has(rows[i].reason))
			fail_msg("%s: wrong reason: %s", rows[i].function, ebpf_last_error());
	}
}

/* Verifies program of object (verify-only) with its attach target set to target (NULL: none). */
static int verify_retargeted(const char *object, const char *program, const char *target)
{
	struct ebpf_object_open_opts opts = {
		.sz = sizeof(opts),
		.only_program = program,
		.verify_only = true,
	};
	struct ebpf_object *obj = NULL;
	int err = ebpf_object_parse(prog_path(object), &opts, &obj);

	if (!err && target)
		err = ebpf_object_set_attach_target(obj, program, NULL, target);
	if (!err)
		err = ebpf_object_load(obj);
	ebpf_object_close(obj);
	return err;
}

/*
 * The attach target a host sets before the load (libbpf-tools' fentry/dummy_* programs): the
 * program's context is that target's arguments, not those of the section's name.
 */
static void test_btf_attach_target_configured(void **state)
{
	if (!have_kernel_btf()) {
		print_message("skipped: /sys/kernel/btf/vmlinux is absent\n");
		skip();
	}
	/* Targets the section does not have, or names wrongly, set by the host. */
	assert_int_equal(verify_retargeted("sections.bpf.o", "s_fentry_bare", NULL), -EINVAL);
	assert_true(error_has("names no target"));
	assert_int_equal(verify_retargeted("sections.bpf.o", "s_fentry_bare", "do_unlinkat"), 0);
	assert_int_equal(verify_retargeted("bad/btf_tracing.bpf.o", "absent_target", "do_unlinkat"),
			 0);
	assert_int_equal(verify_retargeted("btf_tracing.bpf.o", "unlink_entry", "extbpf_nope"),
			 -ENOENT);
	assert_true(error_has("has no function 'extbpf_nope'"));
	/* ctx[3]: no argument of do_unlinkat, the fourth of vfs_read(file, buf, count, pos). */
	assert_int_not_equal(verify_retargeted("bad/btf_tracing.bpf.o", "arg_index", NULL), 0);
	assert_int_equal(verify_retargeted("bad/btf_tracing.bpf.o", "arg_index", "vfs_read"), 0);
	/* Unsafe twins: a target whose arguments do not fit what the program reads. */
	assert_int_equal(verify_retargeted("btf_tracing.bpf.o", "unlink_entry", "do_unlinkat"), 0);
	assert_int_not_equal(verify_retargeted("btf_tracing.bpf.o", "unlink_entry", "vfs_read"),
			     0); /* its second argument is a char *, not a struct filename * */
	assert_int_not_equal(
	    verify_retargeted("btf_tracing.bpf.o", "unlink_entry", "security_file_open"), 0);
	assert_true(error_has("'security_file_open' has 1 argument (8 bytes)"));
	assert_int_not_equal(verify_retargeted("bad/btf_tracing.bpf.o", "store_field", "vfs_read"),
			     0);
}

/* Opens program of object (verify-only) attached to function `function` of target (a loaded
 * program); *obj stays NULL on failure. */
static int open_on_program(const char *object, const char *program,
			   const struct ebpf_program *target, const char *function,
			   struct ebpf_object **obj)
{
	struct ebpf_object_open_opts opts = {
		.sz = sizeof(opts),
		.only_program = program,
		.verify_only = true,
	};
	int err = ebpf_object_parse(prog_path(object), &opts, obj);

	if (!err)
		err = ebpf_object_set_attach_target(*obj, program, target, function);
	if (!err)
		err = ebpf_object_load(*obj);
	if (err) {
		ebpf_object_close(*obj);
		*obj = NULL;
	}
	return err;
}

static int verify_on_program(const char *object, const char *program,
			     const struct ebpf_program *target, const char *function)
{
	struct ebpf_object *obj = NULL;
	int err = open_on_program(object, program, target, function, &obj);

	ebpf_object_close(obj);
	return err;
}

/* The XDP program xdp_target of prog_target.bpf.o, verified, as the target of tracers. */
static struct ebpf_program *xdp_target_program(struct ebpf_object **obj)
{
	assert_int_equal(open_object("prog_target.bpf.o", "xdp_target", true, obj), 0);
	return ebpf_object_find_program(*obj, "xdp_target");
}

/*
 * fentry/fexit on a BPF program's function (xdpdump's shape): the arguments typed by the
 * target program's BTF, its context argument as the kernel's struct xdp_buff; the program
 * object goes away after the configuration, which keeps the target program.
 */
static void test_btf_attach_to_program(void **state)
{
	struct ebpf_object *target_obj = NULL, *obj = NULL;
	struct ebpf_program *target;
	struct ebpf_object_open_opts opts = {
		.sz = sizeof(opts),
		.only_program = "trace_exit",
		.verify_only = true,
	};

	if (!packet_ext || !have_kernel_btf()) {
		print_message("skipped: needs the packet extension and /sys/kernel/btf/vmlinux\n");
		skip();
	}
	target = xdp_target_program(&target_obj);
	assert_int_equal(
	    verify_on_program("prog_target.bpf.o", "trace_entry", target, "xdp_target"), 0);
	assert_int_equal(ebpf_object_parse(prog_path("prog_target.bpf.o"), &opts, &obj), 0);
	assert_int_equal(ebpf_object_set_attach_target(obj, "trace_exit", target, "xdp_target"), 0);
	ebpf_object_close(target_obj);
	assert_int_equal(ebpf_object_load(obj), 0);
	expect_type(obj, "trace_exit", "tracing");
	ebpf_object_close(obj);
	/* Without the program, the section's name is looked up in the kernel: absent there. */
	assert_int_not_equal(verify_retargeted("prog_target.bpf.o", "trace_entry", NULL), 0);
	assert_true(error_has("has no function 'xdp_target'"));
}

/* Unsafe tracers of a program's function, and targets that cannot be attached to. */
static void test_btf_attach_to_program_unsafe(void **state)
{
	static const struct {
		const char *function;
		const char *reason;
	} rows[] = {
		{ "store_field", "(pointer to kernel type 'xdp_buff') prohibited" },
		{ "read_past", "access beyond 'xdp_buff'" },
		{ "arg_index", "'xdp_target' has 1 argument (8 bytes)" },
		{ "ret_deref", "scalar" },
		{ "output_stack", "bpf_xdp_output arg1 (r1 = fp-16): expected a kernel object's" },
	};
	static const struct ebpf_inst pass[] = {
		{ .code = 0xb7, .imm = 2 }, /* r0 = XDP_PASS */
		{ .code = 0x95 },	    /* exit */
	};
	struct ebpf_object *target_obj = NULL, *tracer_obj = NULL;
	struct ebpf_program *target, *raw = NULL;
	struct ebpf_object_open_opts opts = { .sz = sizeof(opts), .verify_only = true };

	if (!packet_ext || !have_kernel_btf()) {
		print_message("skipped: needs the packet extension and /sys/kernel/btf/vmlinux\n");
		skip();
	}
	target = xdp_target_program(&target_obj);
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		if (!verify_on_program("bad/prog_target.bpf.o", rows[i].function, target,
				       "xdp_target"))
			fail_msg("%s: accepted, expected '%s'", rows[i].function, rows[i].reason);
		if (!error_has(rows[i].reason))
			fail_msg("%s: wrong reason: %s", rows[i].function, ebpf_last_error());
	}
	/* A function the program's BTF does not have. */
	assert_int_equal(verify_on_program("prog_target.bpf.o", "trace_entry", target, "nope"),
			 -ENOENT);
	assert_true(error_has("program 'xdp_target' has no function 'nope' in its BTF"));
	/* A tracer as the target (Linux refuses fentry on fentry). */
	assert_int_equal(
	    open_on_program("prog_target.bpf.o", "trace_entry", target, "xdp_target", &tracer_obj),
	    0);
	assert_int_equal(verify_on_program("prog_target.bpf.o", "trace_exit",
					   ebpf_object_find_program(tracer_obj, "trace_entry"),
					   "trace_entry"),
			 -EINVAL);
	assert_true(error_has("attaches through BTF itself"));
	ebpf_object_close(tracer_obj);
	/* A program without BTF. */
	assert_int_equal(ebpf_program_load_raw("xdp", pass, 2, &opts, &raw), 0);
	assert_int_equal(verify_on_program("prog_target.bpf.o", "trace_entry", raw, "xdp_target"),
			 -EINVAL);
	assert_true(error_has("was loaded without BTF"));
	ebpf_program_release(raw);
	ebpf_object_close(target_obj);
}

static void test_socket_programs(void **state)
{
	struct ebpf_object *obj = verify_object("sockets.bpf.o");

	expect_type(obj, "sock4_connect", "cgroup_sock_addr");
	expect_type(obj, "tcp_tuning", "sock_ops");
	expect_type(obj, "msg_verdict", "sk_msg");
	expect_type(obj, "stream_parser", "sk_skb");
	expect_type(obj, "stream_verdict", "sk_skb");
	expect_type(obj, "egress_bytes", "cgroup_skb");
	expect_type(obj, "sock_create", "cgroup_sock");
	expect_type(obj, "lwt_mark", "lwt_xmit");
	expect_type(obj, "ttl_decrement", "sched_act");
	ebpf_object_close(obj);
}

/* Cilium's try_set_retval: the errno of the system call a cgroup socket program refuses. */
static void test_cgroup_retval(void **state)
{
	struct ebpf_object *obj = verify_object("cgroup_retval.bpf.o");

	expect_type(obj, "connect4_refuse", "cgroup_sock_addr");
	expect_type(obj, "post_bind4_refuse", "cgroup_sock");
	expect_type(obj, "sock_create_keep_errno", "cgroup_sock");
	ebpf_object_close(obj);
}

/* Cilium's jiffies64 conntrack stamps and the task and namespace ids beside the packet. */
static void test_net_base_helpers(void **state)
{
	struct ebpf_object *obj = verify_object("net_base_helpers.bpf.o");

	expect_type(obj, "ct_stamp", "sched_cls");
	expect_type(obj, "sock_owner", "socket_filter");
	expect_type(obj, "connect_clock", "cgroup_sock_addr");
	expect_type(obj, "sockops_cgroup", "sock_ops");
	ebpf_object_close(obj);
}

/* An unsafe program of an object and the words its refusal must contain. */
struct twin {
	const char *prog, *reason;
};

static void expect_refused_programs(const char *object, const struct twin *twins, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		struct ebpf_object *obj = NULL;

		if (!open_object(object, twins[i].prog, true, &obj))
			fail_msg("%s: accepted, expected '%s'", twins[i].prog, twins[i].reason);
		if (!error_has(twins[i].reason))
			fail_msg("%s: wrong reason: %s", twins[i].prog, ebpf_last_error());
	}
}

/* bpf_base_func_proto's CAP_PERFMON helpers in networking types, and their twins. */
static void test_perfmon_helpers(void **state)
{
	static const struct twin twins[] = {
		{ "snprintf_missing_value",
		  "conversion '%u' at format offset 3 has no value: the data array holds 1" },
		{ "snprintf_precision",
		  "conversion '%5' at format offset 0 is not one Linux accepts" },
		{ "snprintf_half_value", "the data size must be a constant multiple of 8" },
		{ "tc_probe_read",
		  "bpf_probe_read (4) is not offered by program type 'sched_cls'" },
	};
	struct ebpf_object *obj = verify_object("perfmon_helpers.bpf.o");

	expect_type(obj, "tc_describe", "sched_cls");
	expect_type(obj, "tc_printk_many", "sched_cls");
	expect_type(obj, "sock_task", "socket_filter");
	expect_type(obj, "cg_user_string", "cgroup_skb");
	expect_type(obj, "xdp_describe", "xdp");
	ebpf_object_close(obj);
	expect_refused_programs("bad/snprintf_args.bpf.o", twins, ARRAY_SIZE(twins));
}

/*
 * sk_lookup, flow_dissector, sk_reuseport (a migration by the sockets' cookies too) and
 * cgroup/sysctl programs as Linux's selftests write them verify; their twins are refused for
 * Linux's reasons (kdiff agrees on all 15).
 */
static void test_socket_dispatch_types(void **state)
{
	static const struct twin twins[] = {
		{ "lookup_write_port", "write to read-only ctx field: offset 60 size 4" },
		{ "lookup_past_end", "ctx access out of bounds: offset 72 size 4, ctx size 72" },
		{ "dissect_write_packet", "program type 'flow_dissector' may only read it" },
		{ "dissect_write_mark", "write to read-only ctx field: offset 8 size 4" },
		{ "reuseport_no_bounds", "packet access out of proven range" },
		{ "reuseport_sysctl_helper", "helper bpf_sysctl_get_name (101) is not offered by "
					     "program type 'sk_reuseport'" },
		{ "reuseport_cookie_of_ctx",
		  "helper bpf_get_socket_cookie arg1 (r1 = ctx(off=0)): expected a socket" },
		{ "reuseport_cookie_of_hash", "helper bpf_get_socket_cookie arg1 (r1 = scalar(" },
		{ "sysctl_write_write", "write to read-only ctx field: offset 0 size 4" },
		{ "sysctl_name_into_rodata", "bpf_sysctl_get_name arg2: helper would write into "
					     "read-only map '.rodata'" },
		{ "sysctl_value_overflow",
		  "bpf_sysctl_get_new_value arg2: stack range fp-8..fp+8 out of the stack" },
	};
	struct ebpf_object *obj = verify_object("socket_dispatch.bpf.o");

	expect_type(obj, "lookup_by_port", "sk_lookup");
	expect_type(obj, "dissect_ipv4", "flow_dissector");
	expect_type(obj, "cap_somaxconn", "cgroup_sysctl");
	ebpf_object_close(obj);
	obj = verify_object("reuseport_select.bpf.o");
	expect_type(obj, "select_by_hash", "sk_reuseport");
	expect_type(obj, "migrate_by_cookie", "sk_reuseport");
	ebpf_object_close(obj);
	/* The sysctl and reuseport helpers need the kernel's: verify-only, saying why. */
	obj = NULL;
	assert_int_not_equal(open_object("socket_dispatch.bpf.o", "cap_somaxconn", false, &obj), 0);
	assert_true(error_has("sysctl"));
	expect_refused_programs("bad/socket_dispatch.bpf.o", twins, ARRAY_SIZE(twins));
}

/*
 * The context fields each networking type may read, at Linux's sizes, and the pointers some hold
 * (skb->sk, skops->sk, ctx->sk, msg->sk, md->sk / migrating_sk, flow_keys): used after their
 * null check they verify; hidden fields, wrong sizes and misused pointers are refused.
 */
static void test_context_fields(void **state)
{
	static const struct twin twins[] = {
		{ "dissect_len",
		  "program type 'flow_dissector' may not read context offset 0 (size 4)" },
		{ "cg_skb_classid",
		  "program type 'cgroup_skb' may not read context offset 72 (size 4)" },
		{ "sk_skb_mark", "program type 'sk_skb' may not read context offset 8 (size 4)" },
		{ "tc_remote_ip4",
		  "program type 'sched_cls' may not read context offset 92 (size 4)" },
		{ "cg_skb_ip_byte",
		  "program type 'cgroup_skb' may not read context offset 92 (size 1)" },
		{ "tc_tstamp_half",
		  "program type 'sched_cls' may not read context offset 152 (size 4)" },
		{ "tc_sk_half",
		  "program type 'sched_cls' may not read context offset 172 (size 4)" },
		{ "tc_flow_keys",
		  "program type 'sched_cls' may not read context offset 144 (size 8)" },
		{ "tc_sk_unchecked", "(sock_common_or_null(off=0)) before a null check" },
		{ "tc_sk_release", "a socket that holds no reference" },
		{ "tc_sk_into_map",
		  "pointer leak: storing a pointer (sock_common(off=0)) into a map value" },
		{ "cg_sk_write", "store through r1 (sock_common(off=0)) prohibited" },
		{ "cg_tcp_sock_unchecked", "(tcp_sock_or_null(off=0)) before a null check" },
		{ "sockops_tcp_unchecked", "null-check it first" },
		{ "sockops_op_byte",
		  "program type 'sock_ops' may not read context offset 0 (size 1)" },
		{ "lookup_sk_unchecked", "(sock_or_null(off=0)) before a null check" },
		{ "lookup_assign_number",
		  "expected a full socket (struct bpf_sock, not a sock_common) or NULL" },
		{ "dissect_keys_past_end",
		  "memory the context points to access out of bounds: offset 56 size 8" },
		{ "dissect_keys_leak", "storing a pointer (ctx_mem(size=56,off=0)) into memory the "
				       "context points to prohibited" },
		{ "dissect_keys_half",
		  "program type 'flow_dissector' may not read context offset 144 (size 4)" },
		{ "reuseport_migrating_unchecked",
		  "(sock_common_or_null(off=0)) before a null check" },
	};
	static const char *const types[][2] = {
		{ "tc_sk_fields", "sched_cls" },
		{ "cg_sk_fullsock", "cgroup_skb" },
		{ "socket_sk_family", "socket_filter" },
		{ "sockops_tcp_sock", "sock_ops" },
		{ "msg_sk_family", "sk_msg" },
		{ "connect_sk_protocol", "cgroup_sock_addr" },
		{ "lookup_keep_or_cancel", "sk_lookup" },
		{ "reuseport_migrating", "sk_reuseport" },
		{ "dissect_ipv4", "flow_dissector" },
	};
	struct ebpf_object *obj = verify_object("ctx_fields.bpf.o");

	(void)state;
	expect_types(obj, types, ARRAY_SIZE(types));
	ebpf_object_close(obj);
	expect_refused_programs("bad/ctx_fields.bpf.o", twins, ARRAY_SIZE(twins));
}

/* A hostile author's attacks on the context (bad/ctx_hostile.bpf.c): each refused for its
 * reason, as Linux refuses them. */
static void test_context_hostile(void **state)
{
	static const struct twin twins[] = {
		{ "moved_ctx_load_bytes",
		  "bpf_skb_load_bytes arg1 (r1 = ctx(off=8)): expected the context, unmodified" },
		{ "moved_ctx_store_bytes",
		  "bpf_skb_store_bytes arg1 (r1 = ctx(off=-8)): expected the context, unmodified" },
		{ "moved_ctx_tail_call",
		  "bpf_tail_call arg1 (r1 = ctx(off=160)): expected the context, unmodified" },
		{ "moved_ctx_adjust_head",
		  "bpf_xdp_adjust_head arg1 (r1 = ctx(off=4)): expected the context, unmodified" },
		{ "sk_low_half",
		  "program type 'sched_cls' may not read context offset 168 (size 4)" },
		{ "lookup_sk_high_half",
		  "program type 'sk_lookup' may not read context offset 4 (size 4)" },
		{ "keys_variable_past_end", "offset 0..63 size 1 (variable offset), memory the "
					    "context points to size 56" },
		{ "keys_atomic_add_pointer",
		  "atomic operation with a pointer operand r1 (ctx(off=0)) prohibited" },
		{ "msg_sk_moved", "pointer arithmetic on r2 (sock(off=0)) prohibited" },
		{ "msg_sk_store", "a socket's fields are read-only" },
		{ "sockops_store_past_reply",
		  "write to read-only ctx field: offset 16 size 8 (program type 'sock_ops'" },
		{ "connect_sk_overwritten", "write to read-only ctx field: offset 64 size 8 "
					    "(program type 'cgroup_sock_addr'" },
		{ "ctx_atomic_add", "atomic operation on r1 (ctx(off=0)) prohibited" },
		{ "ctx_as_helper_memory",
		  "r1 (ctx(off=168)) is not a pointer to stack, packet, map "
		  "value or ring buffer memory" },
	};

	(void)state;
	expect_refused_programs("bad/ctx_hostile.bpf.o", twins, ARRAY_SIZE(twins));
}

/* bpf_sk_storage_get/delete on the context's sockets (sockops, cgroup_skb, tc, sk_msg,
 * cgroup_sock_addr; cgroup_sock's get of the context itself), as Linux offers them. */
static void test_sk_storage(void **state)
{
	static const struct twin twins[] = {
		{ "sockops_unchecked",
		  "helper bpf_sk_storage_get arg2 (r2 = sock_or_null(off=0))" },
		{ "sockops_value_unchecked",
		  "(map_value_or_null(map=conns,off=0)) before a null check" },
		{ "connect_passes_context", "helper bpf_sk_storage_get arg2 (r2 = ctx(off=0))" },
		{ "sockops_delete_number", "helper bpf_sk_storage_delete arg2" },
		{ "sock_passes_stack",
		  "helper bpf_sk_storage_get arg2 (r2 = fp-8): expected the context" },
		{ "sock_value_unchecked", "before a null check" },
		{ "sock_delete",
		  "bpf_sk_storage_delete (108) is not offered by program type 'cgroup_sock'" },
		{ "tc_unchecked",
		  "helper bpf_sk_storage_get arg2 (r2 = sock_common_or_null(off=0))" },
		{ "tc_storage_of_ctx", "helper bpf_sk_storage_get arg2 (r2 = ctx(off=0))" },
	};
	struct ebpf_object *obj = verify_object("sk_storage.bpf.o");

	(void)state;
	expect_type(obj, "sockops_stats", "sock_ops");
	expect_type(obj, "egress_count", "cgroup_skb");
	expect_type(obj, "tc_count", "sched_cls");
	expect_type(obj, "connect_remember_port", "cgroup_sock_addr");
	expect_type(obj, "sock_create_count", "cgroup_sock");
	expect_type(obj, "sock_release_count", "cgroup_sock");
	ebpf_object_close(obj);
	expect_refused_programs("bad/sk_storage.bpf.o", twins, ARRAY_SIZE(twins));
}

/* cgroup/getsockopt, cgroup/setsockopt (the option's bytes as a packet, the option's numbers
 * writable, the socket's storage and options) and cgroup/dev (read-only numbers). */
static void test_sockopt_dev(void **state)
{
	static const struct twin twins[] = {
		{ "optval_unchecked", "offset 0 size 1, proven range 0" },
		{ "optval_past_end", "offset 4 size 1, proven range 4" },
		{ "write_sk", "write to read-only ctx field: offset 0 size 8" },
		{ "two_fields", "write to read-only ctx field: offset 32 size 8" },
		{ "optlen_wide", "may not read context offset 32 (size 8)" },
		{ "storage_of_ctx", "helper bpf_sk_storage_get arg2 (r2 = ctx(off=0))" },
		{ "read_past_ctx", "ctx access out of bounds: offset 40 size 4, ctx size 40" },
		{ "dev_write", "write to read-only ctx field: offset 4 size 4" },
		{ "dev_major_narrow", "may not read context offset 4 (size 1)" },
		{ "get_writes_level", "write to read-only ctx field: offset 24 size 4 (program "
				      "type 'cgroup_getsockopt'" },
		{ "get_writes_optname", "write to read-only ctx field: offset 28 size 4" },
		{ "set_writes_retval", "write to read-only ctx field: offset 36 size 4 (program "
				       "type 'cgroup_setsockopt'" },
		{ "get_calls_setsockopt", "bpf_setsockopt (49) is not offered by program type "
					  "'cgroup_getsockopt'" },
		{ "get_calls_getsockopt", "bpf_getsockopt (57) is not offered by program type "
					  "'cgroup_getsockopt'" },
	};
	static const char *const types[][2] = {
		{ "get_tos", "cgroup_getsockopt" },    { "set_private", "cgroup_setsockopt" },
		{ "set_cc", "cgroup_setsockopt" },     { "get_retval_ns", "cgroup_getsockopt" },
		{ "dev_allow_null", "cgroup_device" },
	};
	struct ebpf_object *obj = verify_object("sockopt.bpf.o");

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(types); i++)
		expect_type(obj, types[i][0], types[i][1]);
	ebpf_object_close(obj);
	expect_refused_programs("bad/sockopt.bpf.o", twins, ARRAY_SIZE(twins));
}

/* bpf_map_lookup_percpu_elem: per-CPU maps only, its result checked against NULL, its value
 * bounded. */
static void test_lookup_percpu_elem(void **state)
{
	static const struct twin twins[] = {
		{ "percpu_plain_map", "helper bpf_map_lookup_percpu_elem cannot be used with map "
				      "'shared'" },
		{ "percpu_no_null_check", "null check" },
		{ "percpu_past_value", "map value" },
	};
	struct ebpf_object *obj = verify_object("percpu_elem.bpf.o");

	expect_type(obj, "sum_percpu", "sched_cls");
	ebpf_object_close(obj);
	expect_refused_programs("bad/percpu_elem.bpf.o", twins, ARRAY_SIZE(twins));
}

/* bpf_check_mtu's MTU: a u32 on the stack or in a map value, read and written back. Twins: not
 * set, misaligned, read-only, past the value, the packet. Verify-only (the kernel's devices). */
static void test_check_mtu(void **state)
{
	static const struct twin twins[] = {
		{ "mtu_uninit", "helper bpf_check_mtu arg3: uninitialised stack at fp-4" },
		{ "mtu_misaligned", "misaligned: the 4-byte integer must be at a multiple of 4" },
		{ "mtu_rodata", "read-only" },
		{ "mtu_past_value", "map value" },
		{ "mtu_packet",
		  "expected a pointer to a 4-byte integer on the stack or in a map value" },
	};
	struct ebpf_object *obj = verify_object("check_mtu.bpf.o");

	expect_type(obj, "tc_mtu_stack", "sched_cls");
	expect_type(obj, "tc_mtu_map", "sched_cls");
	ebpf_object_close(obj);
	obj = NULL;
	assert_int_not_equal(open_object("check_mtu.bpf.o", "tc_mtu_stack", false, &obj), 0);
	assert_true(error_has("bpf_check_mtu"));
	expect_refused_programs("bad/check_mtu.bpf.o", twins, ARRAY_SIZE(twins));
}

/*
 * Socket lookups (tc, sk_skb, cgroup connect, XDP): referenced sockets released on every path,
 * their fields read as Linux allows, casts and listeners. Twins: a leak (one path, every
 * path), use and release after release, release of an unreferenced or unchecked socket, NULL
 * unchecked, fields out of range, too narrow, absent from a sock_common, a store, arithmetic,
 * a cast used after its parent's release, a tail call holding one, a leak into a map, a tuple
 * beyond the stack, and a type Linux does not offer lookups to. All agree with the kernel
 * (extbpf-kdiff) except the map leak, which a privileged Linux loader may do (docs/verifier.md).
 */
static void test_sk_lookup(void **state)
{
	static const struct twin twins[] = {
		{ "leak_one_path", "unreleased socket reference from insn 11: release it with "
				   "bpf_sk_release on every path" },
		{ "leak_always", "unreleased socket reference from insn 11" },
		{ "use_after_release", "memory access through r7, which is a scalar" },
		{ "double_release",
		  "helper bpf_sk_release arg1 (r1 = scalar()): expected a socket" },
		{ "release_unreferenced", "helper bpf_sk_release arg1 (r1 = sock(off=0)): a socket "
					  "that holds no reference" },
		{ "null_unchecked", "(sock_or_null(off=0)) before a null check" },
		{ "release_unchecked", "expected a socket (as bpf_sk_lookup_tcp and friends return "
				       "it), null-checked; null-check it first" },
		{ "field_beyond", "offset 80 size 4: beyond struct bpf_sock (80 bytes)" },
		{ "field_narrow", "offset 0 size 1: this field is read in 4 bytes only" },
		{ "common_mark", "offset 16 size 4: type, protocol, mark and priority are not part "
				 "of a sock_common" },
		{ "tcp_sock_narrow", "offset 88 size 4: bytes_received and bytes_acked are read in "
				     "8 bytes only" },
		{ "store_into_socket", "store through r0 (sock(off=0)) prohibited" },
		{ "socket_arith", "pointer arithmetic on r0 (sock(off=0)) prohibited" },
		{ "cast_after_release", "memory access through r8, which is a scalar" },
		{ "tail_call_holding",
		  "tail call with an unreleased socket reference (from insn 13)" },
		{ "socket_into_map",
		  "storing a referenced pointer (sock(off=0)) into a map value prohibited" },
		{ "tuple_short", "helper bpf_sk_lookup_tcp arg2: stack range fp-16..fp+20" },
		{ "cg_skb_tcp_unchecked", "memory access through r0 (tcp_sock_or_null(off=0)) "
					  "before a null check" },
		{ "cg_skb_leak", "unreleased socket reference from insn" },
		{ "cg_skb_cgroup_id_unchecked", "helper bpf_sk_cgroup_id arg1" },
		{ "socket_filter_lookup", "helper bpf_sk_lookup_tcp (84) is not offered by program "
					  "type 'socket_filter'" },
	};
	struct ebpf_object *obj = verify_object("sk_lookup.bpf.o");

	expect_type(obj, "tc_casts", "sched_cls");
	expect_type(obj, "connect_lookup", "cgroup_sock_addr");
	expect_type(obj, "skb_verdict_lookup", "sk_skb");
	expect_type(obj, "cg_skb_lookup", "cgroup_skb");
	ebpf_object_close(obj);
	obj = NULL;
	assert_int_not_equal(open_object("sk_lookup.bpf.o", "tc_lookup_stack", false, &obj), 0);
	assert_true(error_has("helper bpf_sk_lookup_tcp (84) is available for verification only"));
	expect_refused_programs("bad/sk_lookup.bpf.o", twins, ARRAY_SIZE(twins));
	if (!packet_ext)
		skip();
	obj = verify_object("sk_lookup_xdp.bpf.o");
	expect_type(obj, "xdp_synproxy", "xdp");
	ebpf_object_close(obj);
}

/*
 * Sockets from a sockmap or sockhash (the packet extension's, verify-only): the lookup gives a
 * referenced socket, read, assigned, compared with ctx->sk, copied into the other map, released.
 * Twins: read unchecked, leaked (after an assignment too), used and released after release,
 * written, and a map updated with an fd or an unchecked socket. extbpf-kdiff agrees on all 12.
 */
static void test_sockmap_lookup(void **state)
{
	static const struct twin twins[] = {
		{ "sockmap_unchecked", "(sock_or_null(off=0)) before a null check" },
		{ "sockmap_leak", "unreleased socket reference from insn 6" },
		{ "sockmap_assign_leak", "unreleased socket reference from insn 7" },
		{ "sockmap_use_after_release", "memory access through r7, which is a scalar" },
		{ "sockmap_double_release",
		  "helper bpf_sk_release arg1 (r1 = scalar()): expected a socket" },
		{ "sockmap_store", "store through r0 (sock(off=0)) prohibited" },
		{ "sockmap_update_fd", "helper bpf_map_update_elem arg3 (r3 = fp-16): expected a "
				       "socket, null-checked: a program stores sockets" },
		{ "sockmap_update_unchecked",
		  "helper bpf_map_update_elem arg3 (r3 = sock_or_null(off=0)): expected a socket" },
	};
	static const char *const types[][2] = {
		{ "tc_lookup_release", "sched_cls" },
		{ "lookup_assign_release", "sk_lookup" },
		{ "lookup_assign_compare", "sk_lookup" },
		{ "tc_copy_socket", "sched_cls" },
	};
	struct ebpf_object *obj;

	(void)state;
	if (!packet_ext)
		skip();
	obj = verify_object("sockmap_lookup.bpf.o");
	expect_types(obj, types, ARRAY_SIZE(types));
	ebpf_object_close(obj);
	obj = NULL;
	assert_int_not_equal(open_object("sockmap_lookup.bpf.o", "tc_lookup_release", false, &obj),
			     0);
	assert_true(error_has("sockets are kernel objects"));
	expect_refused_programs("bad/sockmap_lookup.bpf.o", twins, ARRAY_SIZE(twins));
}

/*
 * bpf_skc_to_* casts (tc, XDP, sock_ops, cgroup_skb, tracing), typed by the kernel's BTF: read
 * (nested fields too), handed to bpf_sk_assign and bpf_sk_cgroup_id, released in place of their
 * socket; a tracing program's struct sock's cookie, a Unix socket's path in the flexible array
 * past its unix_address. Twins: read unchecked, past the struct,
 * written, a cast of the context, read after the socket's release, an unreferenced cast
 * released, the cookie of a tracing context. Without the kernel's BTF the cast is refused,
 * saying so. extbpf-kdiff agrees on the 12 this kernel verifies (its fentry loads fail first).
 */
static void test_skc_cast(void **state)
{
	static const struct twin twins[] = {
		{ "cast_unchecked", "(ptr_to_tcp_sock_or_null(off=0)) before a null check" },
		{ "cast_past_end", "access beyond 'tcp_sock' through r0: offset 65536 size 4" },
		{ "cast_write", "store through r0 (pointer to kernel type 'tcp_sock') prohibited" },
		{ "cast_of_context",
		  "helper bpf_skc_to_tcp_sock arg1 (r1 = ctx(off=0)): expected a socket" },
		{ "cast_after_release", "memory access through r8, which is a scalar" },
		{ "cast_release_unreferenced",
		  "helper bpf_sk_release arg1 (r1 = ptr_to_tcp_sock(off=0)): a kernel struct that "
		  "holds no reference" },
		{ "cookie_of_context", "helper bpf_get_socket_cookie arg1 (r1 = ctx(off=0)): "
				       "expected a socket" },
		{ "storage_of_unchecked_cast", "helper bpf_sk_storage_get arg2 (r2 = "
					       "ptr_to_tcp_sock_or_null(off=0))" },
	};
	static const char *const types[][2] = {
		{ "tc_tcp_sock_fields", "sched_cls" },	{ "tc_request_assign", "sched_cls" },
		{ "sockops_window_clamp", "sock_ops" }, { "cg_skb_tcp_cgroup", "cgroup_skb" },
		{ "close_cookie", "tracing" },		{ "close_unix_path", "tracing" },
		{ "xdp_listener_cwnd", "xdp" },
	};
	struct ebpf_object_open_opts opts = {
		.sz = sizeof(opts),
		.mode = EBPF_MODE_INTERP,
		.only_program = "sockops_is_tcp",
		.verify_only = true,
		.btf_path = "/nonexistent/vmlinux",
	};
	struct ebpf_object *obj = NULL;

	(void)state;
	assert_int_not_equal(ebpf_object_open(prog_path("skc_cast.bpf.o"), &opts, &obj), 0);
	assert_true(error_has("helper bpf_skc_to_tcp_sock returns a pointer to the kernel's "
			      "struct tcp_sock, which the kernel's BTF types, and none is "
			      "available here"));
	if (!packet_ext || !have_kernel_btf()) {
		print_message(
		    "skipped: the packet extension or /sys/kernel/btf/vmlinux is absent\n");
		skip();
	}
	obj = verify_object("skc_cast.bpf.o");
	expect_types(obj, types, ARRAY_SIZE(types));
	ebpf_object_close(obj);
	obj = NULL;
	assert_int_not_equal(open_object("skc_cast.bpf.o", "sockops_is_tcp", false, &obj), 0);
	assert_true(error_has("bpf_skc_to_tcp_sock (137) is available for verification only"));
	obj = verify_object("sk_storage_cast.bpf.o");
	expect_type(obj, "tc_storage_of_cast", "sched_cls");
	ebpf_object_close(obj);
	expect_refused_programs("bad/skc_cast.bpf.o", twins, ARRAY_SIZE(twins));
}

/*
 * Hostile review of the socket features (bad/sock_hostile.bpf.c): casts read at a variable
 * offset or flexible-array index, released twice or through the cast then read, stored,
 * returned; a Unix address's cookie; sockmap sockets stored, subtracted, released on joined
 * paths, kept across a tail call, released or read in bpf_loop callbacks; optval moved by an
 * unbounded length, checked in 32 bits, stored, its end read; the sockopt context's socket
 * released; cgroup_device fields read wide, narrow, past the end; the largest cgroup storage
 * read and indexed one byte past its end; casts read in a bpf_loop callback after their
 * socket's release, of a released socket, compared in 32 bits, a sockmap socket released
 * through its cast then read or on one path only; an sk_skb program's socket leaked, an sk_msg
 * cast written, optval moved past the range Linux tracks or read at an index from the unmoved
 * pointer. extbpf-kdiff: Linux 6.18 refuses the same 27 it verifies (the fentry pair does not
 * load there), accepts the 3 pointer stores (root).
 */
static void test_sock_hostile(void **state)
{
	static const struct twin twins[] = {
		{ "cast_flex_variable_index",
		  "variable offset access through r2 (pointer to 'unix_address') prohibited" },
		{ "cookie_of_member", "helper bpf_get_socket_cookie arg1 (r1 = "
				      "ptr_to_unix_address(off=0)): expected a socket" },
		{ "cast_release_then_socket", "memory access through r7, which is a scalar" },
		{ "cast_and_socket_released",
		  "helper bpf_sk_release arg1 (r1 = scalar()): expected a socket" },
		{ "sockmap_stored_in_map",
		  "storing a referenced pointer (sock(off=0)) into a map value prohibited" },
		{ "sockmap_address_difference", "subtracting pointer r8 (sock_common(off=0))" },
		{ "sockmap_release_joined",
		  "helper bpf_sk_release arg1 (r1 = scalar()): expected a socket" },
		{ "sockmap_tail_call", "tail call with an unreleased socket reference" },
		{ "sockmap_released_in_loop",
		  "helper bpf_sk_release arg1 (r1 = scalar()): expected a socket" },
		{ "sockmap_read_in_loop_after_release",
		  "memory access through r1, which is a scalar" },
		{ "cast_stored_in_map", "storing a pointer (ptr_to_tcp_sock(off=0)) into a map "
					"value prohibited" },
		{ "cast_returned", "r0 at exit must be an initialised scalar, not a pointer" },
		{ "cast_variable_offset",
		  "variable offset access through r0 (pointer to 'tcp_sock') prohibited" },
		{ "cast_in_loop_after_release", "memory access through r1, which is a scalar" },
		{ "cast_of_released", "helper bpf_skc_to_tcp_sock arg1 (r1 = scalar()): expected "
				      "a socket" },
		{ "cast_compare32", "pointer arithmetic with '<<' prohibited" },
		{ "sockmap_cast_release_read", "memory access through r7, which is a scalar" },
		{ "sockmap_cast_leak", "unreleased socket reference from insn 6" },
		{ "skb_lookup_leak", "unreleased socket reference from insn 6" },
		{ "msg_cast_write", "store through r0 (pointer to kernel type 'tcp_sock') "
				    "prohibited" },
		{ "optval_wrap", "packet access too far: offset 0 + variable up to 65535" },
		{ "optval_by_optlen", "packet access out of proven range: offset 0 size 1, "
				      "proven range 0" },
		{ "optval_unbounded_offset", "variable offset is unbounded" },
		{ "optval_pointer_stored", "storing a pointer (pkt(off=0,r=0)) into a map value" },
		{ "optval_end_read", "memory access through r1 (pkt_end(off=0)) prohibited" },
		{ "optval_checked_32bit", "32-bit comparison of packet pointers" },
		{ "sockopt_sk_released", "bpf_sk_release (86) is not offered by program type "
					 "'cgroup_setsockopt'" },
		{ "dev_wide", "may not read context offset 0 (size 8)" },
		{ "dev_past_end", "ctx access out of bounds: offset 12 size 4, ctx size 12" },
		{ "dev_minor_half", "may not read context offset 10 (size 2)" },
		{ "storage_past_end", "offset 65404 size 4, map value size 65407" },
		{ "storage_index_off_by_one", "offset 0..65407 size 1 (variable offset), map value "
					      "size 65407" },
	};

	(void)state;
	if (!packet_ext || !have_kernel_btf()) {
		print_message(
		    "skipped: the packet extension or /sys/kernel/btf/vmlinux is absent\n");
		skip();
	}
	expect_refused_programs("bad/sock_hostile.bpf.o", twins, ARRAY_SIZE(twins));
}

/*
 * Context stores write a field whole, as Linux's *_is_valid_access take them (__sk_buff.cb
 * apart, stored in 1-8 bytes): tc, sock_ops, cgroup_sysctl, cgroup_sock, cgroup_sock_addr and
 * cgroup_sockopt fields stored in their own width verify; half, a byte, two fields at once and
 * sock_ops's replylong[] (Linux writes reply only) are refused. extbpf-kdiff agrees on all 18.
 */
static void test_ctx_store_width(void **state)
{
	static const struct twin twins[] = {
		{ "tc_mark_half", "a 2-byte store at context offset 8 prohibited: program type "
				  "'sched_cls' writes the 4-byte field at offset 8 whole" },
		{ "tc_priority_byte",
		  "a 1-byte store at context offset 35 prohibited: program "
		  "type 'sched_cls' writes the 4-byte field at offset 32 whole" },
		{ "tc_tstamp_half",
		  "a 4-byte store at context offset 152 prohibited: program "
		  "type 'sched_cls' writes the 8-byte field at offset 152 whole" },
		{ "ops_reply_half", "a 2-byte store at context offset 4 prohibited" },
		{ "ops_reply_pair", "write to read-only ctx field: offset 4 size 8" },
		{ "ops_replylong_write", "write to read-only ctx field: offset 12 size 4" },
		{ "sysctl_pos_half", "a 2-byte store at context offset 4 prohibited: program type "
				     "'cgroup_sysctl'" },
		{ "sock_mark_half", "a 2-byte store at context offset 16 prohibited: program type "
				    "'cgroup_sock'" },
		{ "addr_port_half", "a 2-byte store at context offset 24 prohibited: program type "
				    "'cgroup_sock_addr'" },
		{ "addr_ip4_byte", "a 1-byte store at context offset 4 prohibited" },
		{ "optlen_half", "a 2-byte store at context offset 32 prohibited: program type "
				 "'cgroup_setsockopt'" },
	};
	static const char *const types[][2] = {
		{ "tc_whole_fields", "sched_cls" },	 { "tc_cb_narrow", "sched_cls" },
		{ "ops_reply_whole", "sock_ops" },	 { "sysctl_pos_whole", "cgroup_sysctl" },
		{ "sock_mark_whole", "cgroup_sock" },	 { "addr_whole", "cgroup_sock_addr" },
		{ "optlen_whole", "cgroup_setsockopt" },
	};
	struct ebpf_object *obj = verify_object("ctx_store_width.bpf.o");

	(void)state;
	expect_types(obj, types, ARRAY_SIZE(types));
	ebpf_object_close(obj);
	expect_refused_programs("bad/ctx_narrow_store.bpf.o", twins, ARRAY_SIZE(twins));
}

static void test_katran_xdp(void **state)
{
	struct ebpf_object *obj;

	if (!packet_ext)
		skip();
	obj = verify_object("katran_encap.bpf.o");
	expect_type(obj, "balancer_ingress", "xdp");
	ebpf_object_close(obj);
}

/* Packets: tc and lwt_xmit programs rewrite theirs, cgroup_skb and lwt_in read theirs. */
static void test_packet_access_rights(void **state)
{
	struct ebpf_object *obj = verify_object("packet_rw.bpf.o");

	expect_type(obj, "tc_rewrite", "sched_cls");
	expect_type(obj, "lwt_xmit_rewrite", "lwt_xmit");
	expect_type(obj, "cg_read", "cgroup_skb");
	expect_type(obj, "lwt_in_read", "lwt_in");
	ebpf_object_close(obj);
}

/* The unsafe twins, each refused for its own reason. */
static void test_unsafe_twins(void **state)
{
	static const struct {
		const char *object;
		const char *reason;
		bool xdp;
	} rows[] = {
		{ "bad/tc_no_bounds.bpf.o", "proven range", false },
		{ "bad/tc_map_null.bpf.o", "null check", false },
		{ "bad/tc_ctx_oob.bpf.o", "ctx access out of bounds", false },
		{ "bad/tc_ctx_write_ro.bpf.o", "read-only ctx field", false },
		{ "bad/kprobe_ctx_write.bpf.o", "read-only ctx field", false },
		{ "bad/kprobe_deref.bpf.o", "scalar", false },
		{ "bad/socket_ptr_leak.bpf.o", "pointer leak", false },
		{ "bad/socket_direct_packet.bpf.o",
		  "program type 'socket_filter' may not read context offset 80 (size 4)", false },
		{ "bad/xdp_stale_pointer.bpf.o", "uninitialised", true },
		{ "bad/cgroup_skb_pkt_write.bpf.o",
		  "write into the packet prohibited: program type 'cgroup_skb' may only read it",
		  false },
		{ "bad/tc_printk_map_string.bpf.o",
		  "the %s argument r3 (map_value(map=names,off=0)) must point to a NUL-terminated "
		  "string",
		  false },
		{ "bad/tc_printk_stack.bpf.o", "prints a pointer (pointer leak)", false },
		{ "bad/lwt_in_pkt_helper_write.bpf.o",
		  "helper bpf_skb_load_bytes arg3: write into the packet prohibited", false },
		{ "bad/task_storage_null.bpf.o", "before a null check", false },
		{ "bad/ptr_compare_tc.bpf.o",
		  "comparison of pointers of different types prohibited", false },
		{ "bad/storage_max_entries.bpf.o",
		  "map 'sized_storage': max_entries is 64, a storage map's must be 0", false },
		{ "bad/timer_percpu.bpf.o",
		  "map 'percpu_flows': value type 'struct flow' holds a struct bpf_timer (offset "
		  "8), "
		  "which only hash, LRU hash and array maps may hold",
		  false },
		{ "bad/retval_tc.bpf.o",
		  "helper bpf_set_retval (187) is not offered by program type 'sched_cls'", false },
		{ "bad/retval_sockops.bpf.o",
		  "helper bpf_get_retval (186) is not offered by program type 'sock_ops'", false },
		{ "bad/retval_cgroup_skb.bpf.o",
		  "helper bpf_get_retval (186) is not offered by program type 'cgroup_skb'",
		  false },
		{ "bad/lwt_netns_cookie.bpf.o",
		  "helper bpf_get_netns_cookie (122) is not offered by program type 'lwt_in'",
		  false },
		{ "bad/tc_jiffies_deref.bpf.o", "which is a scalar, not a pointer", false },
		{ "bad/timer_two.bpf.o",
		  "map 'two_timers': value type 'struct flow' has more than one struct bpf_timer "
		  "(at offsets 0 and 16",
		  false },
	};

	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		struct ebpf_object *obj = NULL;

		if (rows[i].xdp && !packet_ext)
			continue;
		if (!open_object(rows[i].object, NULL, true, &obj))
			fail_msg("%s: accepted, expected '%s'", rows[i].object, rows[i].reason);
		if (!error_has(rows[i].reason))
			fail_msg("%s: wrong reason", rows[i].object);
	}
}

/* Verify-only helpers: fine for verification, refused with the reason for execution. */
static void test_verify_only_helpers(void **state)
{
	struct ebpf_object *obj = NULL;

	assert_int_equal(open_object("kprobe_read.bpf.o", "trace_vfs_read", true, &obj), 0);
	ebpf_object_close(obj);
	obj = NULL;
	assert_int_not_equal(open_object("kprobe_read.bpf.o", "trace_vfs_read", false, &obj), 0);
	assert_null(obj);
	assert_true(error_has("bpf_probe_read"));
	assert_true(error_has("verification only"));
	assert_true(error_has("kernel memory"));

	assert_int_not_equal(open_object("sockets.bpf.o", "ttl_decrement", false, &obj), 0);
	assert_true(error_has("verification only"));
	assert_true(error_has("socket buffer"));
}

/* A program calling no verify-only helper loads for execution too. */
static void test_pure_program_loads_for_execution(void **state)
{
	struct ebpf_object *obj = NULL;

	if (open_object("cilium_l3l4.bpf.o", NULL, false, &obj))
		fail_msg("cilium_l3l4 for execution: %s", ebpf_last_error());
	ebpf_object_close(obj);
}

/* `extbpf verify`, when the tool has the verb. */
static int run_tool(const char *object)
{
	char cmd[8192];
	int status;

	snprintf(cmd, sizeof(cmd),
		 "EXTBPF_EXTENSION_DIR='%s/lib/extbpf' '%s' verify '%s' >/dev/null 2>&1",
		 getenv("EXTBPF_BUILD_DIR"), EXTBPF_TOOL, prog_path(object));
	status = system(cmd);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void test_cli_verify(void **state)
{
	char cmd[8192];

	if (access(EXTBPF_TOOL, X_OK) || !getenv("EXTBPF_BUILD_DIR"))
		skip();
	snprintf(cmd, sizeof(cmd), "'%s' verify --help >/dev/null 2>&1", EXTBPF_TOOL);
	if (system(cmd) != 0)
		skip(); /* no verify verb yet */
	assert_int_equal(run_tool("cilium_l3l4.bpf.o"), 0);
	assert_int_equal(run_tool("suricata_filter.bpf.o"), 0);
	assert_int_equal(run_tool("kprobe_read.bpf.o"), 0);
	assert_int_equal(run_tool("bad/tc_no_bounds.bpf.o"), 1);
	if (packet_ext)
		assert_int_equal(run_tool("katran_encap.bpf.o"), 0);
}

static int setup(void **state)
{
	if (ebpf_extension_add_static(&ebpf_extension_linux, &linux_ext)) {
		fprintf(stderr, "linux extension: %s\n", ebpf_last_error());
		return -1;
	}
#ifdef PACKET_SO
	if (ebpf_extension_load(PACKET_SO, &packet_ext)) {
		fprintf(stderr, "packet extension not loaded (xdp tests skipped): %s\n",
			ebpf_last_error());
		packet_ext = NULL;
	}
#endif
	return 0;
}

static int teardown(void **state)
{
	ebpf_runtime_shutdown();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_types_registered),
		cmocka_unit_test(test_no_xdp_type),
		cmocka_unit_test(test_section_table),
		cmocka_unit_test(test_helpers_match_libbpf),
		cmocka_unit_test(test_helper_sets),
		cmocka_unit_test(test_skb_contexts),
		cmocka_unit_test(test_other_contexts),
		cmocka_unit_test(test_cilium_tc),
		cmocka_unit_test(test_suricata_socket_filter),
		cmocka_unit_test(test_tracing_programs),
		cmocka_unit_test(test_storage_and_stack_maps),
		cmocka_unit_test(test_timers),
		cmocka_unit_test(test_timers_unsafe),
		cmocka_unit_test(test_btf_tracing_programs),
		cmocka_unit_test(test_btf_tracing_unsafe),
		cmocka_unit_test(test_iter_programs),
		cmocka_unit_test(test_iter_unsafe),
		cmocka_unit_test(test_btf_attach_target_configured),
		cmocka_unit_test(test_btf_attach_to_program),
		cmocka_unit_test(test_btf_attach_to_program_unsafe),
		cmocka_unit_test(test_socket_programs),
		cmocka_unit_test(test_cgroup_retval),
		cmocka_unit_test(test_net_base_helpers),
		cmocka_unit_test(test_perfmon_helpers),
		cmocka_unit_test(test_check_mtu),
		cmocka_unit_test(test_socket_dispatch_types),
		cmocka_unit_test(test_sk_lookup),
		cmocka_unit_test(test_sockmap_lookup),
		cmocka_unit_test(test_skc_cast),
		cmocka_unit_test(test_sock_hostile),
		cmocka_unit_test(test_ctx_store_width),
		cmocka_unit_test(test_context_fields),
		cmocka_unit_test(test_context_hostile),
		cmocka_unit_test(test_sk_storage),
		cmocka_unit_test(test_sockopt_dev),
		cmocka_unit_test(test_lookup_percpu_elem),
		cmocka_unit_test(test_katran_xdp),
		cmocka_unit_test(test_packet_access_rights),
		cmocka_unit_test(test_unsafe_twins),
		cmocka_unit_test(test_verify_only_helpers),
		cmocka_unit_test(test_pure_program_loads_for_execution),
		cmocka_unit_test(test_cli_verify),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
