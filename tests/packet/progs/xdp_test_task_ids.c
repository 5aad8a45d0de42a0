// SPDX-License-Identifier: MIT
/* Keys a flow by the current task's ids, as Linux lets a privileged loader's XDP program do
 * (bpf_sk_base_func_proto): verifiable, but the task is the one the packet interrupted. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u64);
	__type(value, __u64);
} seen SEC(".maps");

SEC("xdp")
int xdp_task_ids(struct xdp_md *ctx)
{
	__u64 key = bpf_get_current_pid_tgid() ^ bpf_get_current_uid_gid() ^ bpf_get_current_task();
	__u64 cgroup = bpf_get_current_cgroup_id() ^ bpf_get_current_ancestor_cgroup_id(1) ^
		       bpf_get_cgroup_classid(0);

	bpf_map_update_elem(&seen, &key, &cgroup, BPF_ANY);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
