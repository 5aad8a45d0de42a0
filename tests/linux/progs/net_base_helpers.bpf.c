// SPDX-License-Identifier: (MIT OR GPL-2.0)
/*
 * Helpers Linux gives every networking program a privileged process loads (its base set and
 * bpf_sk_base_func_proto), as Cilium's datapath uses them: conntrack entries stamped with
 * jiffies64 (ENABLE_JIFFIES), the network namespace's cookie in tc, the current task's
 * cgroup beside the packet's, the NUMA node, the TAI clock.
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

struct ct_entry {
	__u64 lifetime;
	__u64 netns;
	__u64 cgroup;
	__u32 node;
	__u32 uid;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, struct ct_entry);
} ct SEC(".maps");

SEC("tc")
int ct_stamp(struct __sk_buff *skb)
{
	struct ct_entry e = {
		.lifetime = bpf_jiffies64() + 250 * 60,
		.netns = bpf_get_netns_cookie(skb),
		.cgroup = bpf_get_current_cgroup_id(),
		.node = bpf_get_numa_node_id(),
		.uid = (__u32)bpf_get_current_uid_gid(),
	};
	__u32 key = skb->hash;

	bpf_map_update_elem(&ct, &key, &e, BPF_ANY);
	return TC_ACT_OK;
}

SEC("socket")
int sock_owner(struct __sk_buff *skb)
{
	return bpf_get_current_pid_tgid() >> 32 == 1 ? 0 : skb->len;
}

SEC("cgroup/connect4")
int connect_clock(struct bpf_sock_addr *ctx)
{
	__u32 key = ctx->user_ip4;
	struct ct_entry *e = bpf_map_lookup_elem(&ct, &key);

	return !e || e->lifetime > bpf_jiffies64() || bpf_ktime_get_tai_ns() == 0;
}

SEC("sockops")
int sockops_cgroup(struct bpf_sock_ops *skops)
{
	skops->reply = (__u32)bpf_get_current_ancestor_cgroup_id(1) ^ bpf_get_cgroup_classid(0);
	return 1;
}

char _license[] SEC("license") = "GPL";
