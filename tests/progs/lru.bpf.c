// SPDX-License-Identifier: GPL-2.0
/* An LRU hash with a struct key, not preallocated, pinned by name. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct flow_key {
	__u32 saddr;
	__u32 daddr;
	__u16 sport;
	__u16 dport;
	__u8 proto;
};

struct flow_stats {
	__u64 packets;
	__u64 bytes;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 128);
	__uint(map_flags, BPF_F_NO_COMMON_LRU);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
	__type(key, struct flow_key);
	__type(value, struct flow_stats);
} flows SEC(".maps");

SEC("sample_ext")
int lru(void *ctx)
{
	struct flow_key key = { .saddr = 1, .daddr = 2, .sport = 3, .dport = 4, .proto = 6 };
	struct flow_stats init = { 1, 64 }, *stats;

	stats = bpf_map_lookup_elem(&flows, &key);
	if (!stats)
		return bpf_map_update_elem(&flows, &key, &init, BPF_ANY);
	stats->packets++;
	stats->bytes += 64;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
