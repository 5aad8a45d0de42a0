// SPDX-License-Identifier: (MIT OR GPL-2.0)
/*
 * What Linux's bpf_base_func_proto gives networking programs a loader with CAP_PERFMON loads:
 * formatted output (BPF_SNPRINTF, bpf_printk with more than three values, which libbpf turns
 * into bpf_trace_vprintk), kernel memory reads and the current task, as tracing-minded tc and
 * cgroup and XDP programs use them. The kernel here loads each (extbpf-kdiff).
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, char[32]);
} names SEC(".maps");

SEC("tc")
int tc_describe(struct __sk_buff *skb)
{
	char line[32];
	__u32 key = skb->mark;

	BPF_SNPRINTF(line, sizeof(line), "%u:%u %x", skb->ifindex, skb->len, skb->protocol);
	bpf_map_update_elem(&names, &key, line, BPF_ANY);
	return TC_ACT_OK;
}

SEC("tc")
int tc_printk_many(struct __sk_buff *skb)
{
	bpf_printk("%u %u %u %u %u", skb->len, skb->mark, skb->priority, skb->ifindex,
		   skb->queue_mapping);
	return TC_ACT_OK;
}

SEC("socket")
int sock_task(struct __sk_buff *skb)
{
	char comm[16];
	__u64 task = bpf_get_current_task();
	__u32 pid = 0;

	bpf_get_current_comm(comm, sizeof(comm));
	bpf_probe_read_kernel(&pid, sizeof(pid), (void *)(task + 8));
	return comm[0] == 'x' || pid == 1 ? 0 : skb->len;
}

SEC("cgroup_skb/egress")
int cg_user_string(struct __sk_buff *skb)
{
	char buf[16];

	return bpf_probe_read_user_str(buf, sizeof(buf), (void *)(long)skb->mark) > 0;
}

SEC("xdp")
int xdp_describe(struct xdp_md *ctx)
{
	char line[32], comm[16];
	__u32 key = ctx->rx_queue_index;
	__u64 word = 0;

	bpf_get_current_comm(comm, sizeof(comm));
	bpf_probe_read_kernel(&word, sizeof(word), (void *)(long)ctx->rx_queue_index);
	BPF_SNPRINTF(line, sizeof(line), "%u %c %llx", bpf_get_numa_node_id(), comm[0], word);
	bpf_map_update_elem(&names, &key, line, BPF_ANY);
	bpf_printk("%u %u %u %llu", ctx->ingress_ifindex, key, ctx->data_end - ctx->data,
		   bpf_ktime_get_tai_ns());
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
