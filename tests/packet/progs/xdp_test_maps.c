// SPDX-License-Identifier: MIT
/*
 * Redirects through the packet extension's map types (Map Information NPI): an xskmap by the
 * receive queue (as AF_XDP programs do), a cpumap and a devmap_hash by the payload's first byte.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u32);
} xsks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_CPUMAP);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} cpus SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP_HASH);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u32);
} ports SEC(".maps");

/* An entry of the queue's index delivers there; none: the packet passes. */
SEC("xdp")
int xdp_to_xsk(struct xdp_md *ctx)
{
	__u32 index = ctx->rx_queue_index;

	/* As AF_XDP programs: look the entry up first (values are read-only to programs). */
	if (!bpf_map_lookup_elem(&xsks, &index))
		return XDP_PASS;
	return bpf_redirect_map(&xsks, index, XDP_PASS);
}

SEC("xdp")
int xdp_to_cpu(struct xdp_md *ctx)
{
	return bpf_redirect_map(&cpus, 0, XDP_DROP);
}

/* The device named by the payload's first byte (offset 14). */
SEC("xdp")
int xdp_to_port(struct xdp_md *ctx)
{
	unsigned char *data = (void *)(long)ctx->data;
	unsigned char *data_end = (void *)(long)ctx->data_end;

	if (data + 15 > data_end)
		return XDP_ABORTED;
	return bpf_redirect_map(&ports, data[14], XDP_DROP);
}

char LICENSE[] SEC("license") = "GPL";
