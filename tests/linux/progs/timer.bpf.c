// SPDX-License-Identifier: (MIT OR GPL-2.0)
/*
 * Timers in map values, as connection trackers written for Linux arm them: a struct bpf_timer
 * in the values of a hash, an LRU hash and an array map, initialised with the map it lives in,
 * given a callback (map, key, value) that returns 0, started and cancelled. They verify; none
 * can run in user space (no kernel timer fires the callback).
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

#define CLOCK_MONOTONIC 1

struct flow {
	__u64 packets;
	struct bpf_timer timer;
	__u64 expired;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, struct flow);
} flows SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, struct flow);
} lru_flows SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, struct flow);
} slots SEC(".maps");

/* Fires when the flow went idle: counts it, and the timer stays disarmed. */
static int flow_expired(void *map, __u32 *key, struct flow *flow)
{
	flow->expired++;
	if (*key == 0)
		flow->packets = 0;
	return 0;
}

SEC("tc")
int track_flow(struct __sk_buff *skb)
{
	__u32 key = skb->hash;
	struct flow *flow;

	flow = bpf_map_lookup_elem(&flows, &key);
	if (!flow)
		return TC_ACT_OK;
	flow->packets++;
	if (bpf_timer_init(&flow->timer, &flows, CLOCK_MONOTONIC))
		return TC_ACT_OK;
	bpf_timer_set_callback(&flow->timer, flow_expired);
	bpf_timer_start(&flow->timer, 1000000000ull, 0);
	return TC_ACT_OK;
}

SEC("tc")
int track_lru(struct __sk_buff *skb)
{
	__u32 key = skb->mark;
	struct flow *flow = bpf_map_lookup_elem(&lru_flows, &key);

	if (!flow)
		return TC_ACT_OK;
	bpf_timer_init(&flow->timer, &lru_flows, CLOCK_MONOTONIC);
	bpf_timer_set_callback(&flow->timer, flow_expired);
	bpf_timer_start(&flow->timer, 5000, 0);
	return TC_ACT_OK;
}

SEC("tc")
int slot_timer(struct __sk_buff *skb)
{
	__u32 key = 1;
	struct flow *slot = bpf_map_lookup_elem(&slots, &key);

	if (!slot)
		return TC_ACT_OK;
	if (skb->len > 1000)
		return bpf_timer_cancel(&slot->timer) < 0 ? TC_ACT_SHOT : TC_ACT_OK;
	bpf_timer_init(&slot->timer, &slots, CLOCK_MONOTONIC);
	bpf_timer_set_callback(&slot->timer, flow_expired);
	bpf_timer_start(&slot->timer, 100, 0);
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
