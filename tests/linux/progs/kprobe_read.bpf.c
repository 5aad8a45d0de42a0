// SPDX-License-Identifier: (MIT OR GPL-2.0)
/*
 * Tracing programs in the style of libbpf-tools and BCC: BPF_KPROBE / BPF_KRETPROBE with the
 * x86-64 PT_REGS macros, kernel and user memory read through bpf_probe_read_kernel /
 * bpf_probe_read_user_str / legacy bpf_probe_read, events through a ring buffer; plus a
 * tracepoint, a raw tracepoint and a perf_event sampler.
 */
#define __TARGET_ARCH_x86 /* as -D__TARGET_ARCH_x86: bpf_tracing.h's PT_REGS_* for x86-64 */
#include <linux/bpf.h>
#include <linux/bpf_perf_event.h>
#include <linux/ptrace.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#define TASK_COMM_LEN 16
#define NAME_MAX      64

/* The kernel's struct open_how (include/uapi/linux/openat2.h). */
struct open_how {
	__u64 flags;
	__u64 mode;
	__u64 resolve;
};

struct event {
	__u32 pid;
	__u32 tgid;
	__u64 flags;
	__s64 ret;
	char comm[TASK_COMM_LEN];
	char filename[NAME_MAX];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, struct event);
} inflight SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u64);
} hist SEC(".maps");

/* long do_sys_openat2(int dfd, const char __user *filename, struct open_how *how) */
SEC("kprobe/do_sys_openat2")
int BPF_KPROBE(openat2_entry, int dfd, const char *filename, struct open_how *how)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct event ev = {};

	ev.pid = (__u32)id;
	ev.tgid = id >> 32;
	bpf_probe_read_kernel(&ev.flags, sizeof(ev.flags), &how->flags);
	bpf_probe_read_user_str(ev.filename, sizeof(ev.filename), filename);
	bpf_get_current_comm(ev.comm, sizeof(ev.comm));
	bpf_map_update_elem(&inflight, &ev.pid, &ev, BPF_ANY);
	return 0;
}

SEC("kretprobe/do_sys_openat2")
int BPF_KRETPROBE(openat2_exit, long ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct event *start, *ev;

	start = bpf_map_lookup_elem(&inflight, &tid);
	if (!start)
		return 0;
	ev = bpf_ringbuf_reserve(&events, sizeof(*ev), 0);
	if (ev) {
		__builtin_memcpy(ev, start, sizeof(*ev));
		ev->ret = ret;
		bpf_ringbuf_submit(ev, 0);
	}
	bpf_map_delete_elem(&inflight, &tid);
	return 0;
}

/* The kernel's struct file, as far as this program cares. */
struct file {
	void *f_path[2];
	void *f_inode;
};

/* Old style: struct pt_regs * and the legacy bpf_probe_read. */
SEC("kprobe/vfs_read")
int trace_vfs_read(struct pt_regs *ctx)
{
	struct file *file = (struct file *)PT_REGS_PARM1(ctx);
	__u64 count = PT_REGS_PARM3(ctx), *slot;
	void *inode = NULL;
	__u32 bucket = 0;

	bpf_probe_read(&inode, sizeof(inode), &file->f_inode);
	if (!inode)
		return 0;
	while (count > 1 && bucket < 63) {
		count >>= 1;
		bucket++;
	}
	slot = bpf_map_lookup_elem(&hist, &bucket);
	if (slot)
		__sync_fetch_and_add(slot, 1);
	return 0;
}

/* The record of syscalls:sys_enter_openat (its format file in tracefs). */
struct sys_enter_openat {
	__u64 common; /* common_type, flags, preempt_count, pid */
	__s32 syscall_nr;
	__u32 pad;
	__u64 dfd;
	const char *filename;
	__u64 flags;
	__u64 mode;
};

SEC("tracepoint/syscalls/sys_enter_openat")
int tp_openat(struct sys_enter_openat *ctx)
{
	char name[NAME_MAX];
	__u32 key = 0;
	__u64 *slot;

	if (bpf_probe_read_user_str(name, sizeof(name), ctx->filename) <= 0)
		return 0;
	key = name[0] == '/' ? 1 : 2;
	slot = bpf_map_lookup_elem(&hist, &key);
	if (slot)
		__sync_fetch_and_add(slot, 1);
	return 0;
}

/* raw_tp/sched_process_exec: args[0] is the task, args[1] the pid. */
SEC("raw_tp/sched_process_exec")
int raw_exec(struct bpf_raw_tracepoint_args *ctx)
{
	void *task = (void *)ctx->args[0];
	__u32 key = 3;
	__u64 start_time = 0, *slot;

	bpf_probe_read_kernel(&start_time, sizeof(start_time), task + 0x6a0);
	slot = bpf_map_lookup_elem(&hist, &key);
	if (slot && start_time)
		*slot = start_time + ctx->args[1];
	return 0;
}

SEC("perf_event")
int perf_sample(struct bpf_perf_event_data *ctx)
{
	__u32 key = (PT_REGS_IP(&ctx->regs) >> 12) & 63;
	__u64 *slot = bpf_map_lookup_elem(&hist, &key);

	if (slot)
		__sync_fetch_and_add(slot, ctx->sample_period);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
