// SPDX-License-Identifier: (MIT OR GPL-2.0)
/*
 * The socket-level types Linux's selftests and Cilium use beside tc: an sk_lookup program
 * steering by destination port (test_sk_lookup.c), a flow dissector parsing IPv4 with direct
 * reads and bpf_skb_load_bytes (bpf_flow.c), a SO_REUSEPORT selector picking a socket by the
 * packet's hash (test_select_reuseport_kern.c, in reuseport_select.bpf.c: its socket map
 * exists for verification only) and a cgroup/sysctl filter capping a tunable
 * (test_sysctl_prog.c).
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u32);
} steered_ports SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} dissected SEC(".maps");

/* Drops IPv4 TCP lookups for ports the map does not list; the others go on. */
SEC("sk_lookup")
int lookup_by_port(struct bpf_sk_lookup *ctx)
{
	__u32 port = ctx->local_port;
	__u32 *allowed;

	if (ctx->family != 2 /* AF_INET */ || ctx->protocol != IPPROTO_TCP)
		return SK_PASS;
	if (ctx->local_ip4 == 0 || bpf_ntohs(ctx->remote_port) == 0)
		return SK_DROP;
	allowed = bpf_map_lookup_elem(&steered_ports, &port);
	if (!allowed)
		return SK_DROP;
	return *allowed == ctx->ingress_ifindex || *allowed == 0 ? SK_PASS : SK_DROP;
}

/* Counts IPv4 protocols: the Ethernet header read in place, the IP header copied. */
SEC("flow_dissector")
int dissect_ipv4(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct iphdr iph;
	__u32 key;
	__u64 *count;

	if ((void *)(eth + 1) > data_end)
		return BPF_DROP;
	if (eth->h_proto != bpf_htons(ETH_P_IP))
		return BPF_OK;
	if (bpf_skb_load_bytes(skb, sizeof(*eth), &iph, sizeof(iph)))
		return BPF_DROP;
	key = iph.protocol & 3;
	count = bpf_map_lookup_elem(&dissected, &key);
	if (count)
		__sync_fetch_and_add(count, 1);
	return BPF_OK;
}

/* Refuses writes of net/core/somaxconn above 4096, rewrites smaller ones to at least 128. */
SEC("cgroup/sysctl")
int cap_somaxconn(struct bpf_sysctl *ctx)
{
	static const char want[] = "net/core/somaxconn";
	char name[sizeof(want)];
	char value[16];
	unsigned long limit = 0;
	int len;

	if (!ctx->write)
		return 1;
	if (bpf_sysctl_get_name(ctx, name, sizeof(name), 0) < 0)
		return 1;
	if (bpf_strncmp(name, sizeof(name), want))
		return 1;
	len = bpf_sysctl_get_new_value(ctx, value, sizeof(value));
	if (len <= 0 || bpf_strtoul(value, sizeof(value), 0, &limit) < 0)
		return 0;
	if (limit > 4096)
		return 0;
	if (limit < 128) {
		static const char floor[] = "128";

		bpf_sysctl_set_new_value(ctx, floor, sizeof(floor) - 1);
	}
	ctx->file_pos = 0;
	return 1;
}

char _license[] SEC("license") = "GPL";
