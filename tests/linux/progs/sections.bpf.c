// SPDX-License-Identifier: (MIT OR GPL-2.0)
/*
 * One trivial program per section name of libbpf's section_defs table that the linux extension
 * claims, refuses, or leaves to the packet extension (xdp). The test loads them one at a time
 * (only_program) and checks the program type each one gets.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define PROG(fn, section)                                                                          \
	SEC(section) int fn(void *ctx)                                                             \
	{                                                                                          \
		return 0;                                                                          \
	}

PROG(s_socket, "socket")
PROG(s_kprobe, "kprobe/do_unlinkat")
PROG(s_kretprobe, "kretprobe/do_unlinkat")
PROG(s_uprobe, "uprobe/libc.so.6:malloc")
PROG(s_uretprobe, "uretprobe/libc.so.6:malloc")
PROG(s_uprobe_s, "uprobe.s/libc.so.6:malloc")
PROG(s_kprobe_multi, "kprobe.multi/tcp_*")
PROG(s_ksyscall, "ksyscall/openat")
PROG(s_kretsyscall, "kretsyscall/openat")
PROG(s_usdt, "usdt/libc.so.6:libc:setjmp")
PROG(s_tc, "tc")
PROG(s_tc_ingress, "tc/ingress")
PROG(s_tcx, "tcx/ingress")
PROG(s_classifier, "classifier")
PROG(s_classifier_sloppy, "classifier/egress")
PROG(s_action, "action")
PROG(s_tracepoint, "tracepoint/syscalls/sys_enter_openat")
PROG(s_tp, "tp/sched/sched_switch")
PROG(s_raw_tracepoint, "raw_tracepoint/sched_switch")
PROG(s_raw_tp, "raw_tp/sched_switch")
PROG(s_raw_tp_w, "raw_tp.w/bpf_testmod_test_writable_bare")
PROG(s_tp_btf, "tp_btf/sched_switch")
PROG(s_fentry, "fentry/do_unlinkat")
PROG(s_fexit, "fexit/do_unlinkat")
PROG(s_fmod_ret, "fmod_ret/security_file_open")
PROG(s_iter, "iter/task")
PROG(s_lsm, "lsm/file_open")
PROG(s_fentry_bare, "fentry")
PROG(s_perf_event, "perf_event")
PROG(s_lwt_in, "lwt_in")
PROG(s_lwt_out, "lwt_out")
PROG(s_lwt_xmit, "lwt_xmit")
PROG(s_lwt_seg6local, "lwt_seg6local")
PROG(s_sockops, "sockops")
PROG(s_sk_skb_parser, "sk_skb/stream_parser")
PROG(s_sk_skb_verdict, "sk_skb/stream_verdict")
PROG(s_sk_skb, "sk_skb")
PROG(s_sk_msg, "sk_msg")
PROG(s_sk_lookup, "sk_lookup")
PROG(s_flow_dissector, "flow_dissector")
PROG(s_sk_reuseport, "sk_reuseport")
PROG(s_sk_reuseport_migrate, "sk_reuseport/migrate")
PROG(s_sysctl, "cgroup/sysctl")
PROG(s_cgroup_skb_ingress, "cgroup_skb/ingress")
PROG(s_cgroup_skb_egress, "cgroup_skb/egress")
PROG(s_cgroup_skb, "cgroup/skb")
PROG(s_sock_create, "cgroup/sock_create")
PROG(s_sock_release, "cgroup/sock_release")
PROG(s_sock, "cgroup/sock")
PROG(s_post_bind4, "cgroup/post_bind4")
PROG(s_post_bind6, "cgroup/post_bind6")
PROG(s_bind4, "cgroup/bind4")
PROG(s_bind6, "cgroup/bind6")
PROG(s_connect4, "cgroup/connect4")
PROG(s_connect6, "cgroup/connect6")
PROG(s_sendmsg4, "cgroup/sendmsg4")
PROG(s_sendmsg6, "cgroup/sendmsg6")
PROG(s_recvmsg4, "cgroup/recvmsg4")
PROG(s_recvmsg6, "cgroup/recvmsg6")
PROG(s_getpeername4, "cgroup/getpeername4")
PROG(s_getpeername6, "cgroup/getpeername6")
PROG(s_getsockname4, "cgroup/getsockname4")
PROG(s_getsockname6, "cgroup/getsockname6")
PROG(s_xdp, "xdp")
PROG(s_unknown, "cgroup/getsockopt")

char LICENSE[] SEC("license") = "Dual MIT/GPL";
