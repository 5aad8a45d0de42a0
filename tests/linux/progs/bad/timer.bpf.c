// SPDX-License-Identifier: (MIT OR GPL-2.0)
/*
 * Misused timers, each refused as Linux refuses it: a timer argument that is not the value's
 * struct bpf_timer, bpf_timer_init naming another map than the timer's, a callback returning
 * something else than 0, plain loads and stores of the timer's bytes, a value without a timer.
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

struct flow {
	__u64 packets;
	struct bpf_timer timer;
};

struct plain {
	__u64 packets;
	__u64 pad[2];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, struct flow);
} flows SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, struct flow);
} other_flows SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, struct plain);
} plains SEC(".maps");

static __always_inline void *lookup(void *map)
{
	__u32 key = 0;

	return bpf_map_lookup_elem(map, &key);
}

static int good_cb(void *map, __u32 *key, struct flow *flow)
{
	return 0;
}

/* Linux: the callback's return value must be in [0, 0]. */
static int returns_one(void *map, __u32 *key, struct flow *flow)
{
	flow->packets++;
	return 1;
}

/* Linux: the timer must be exactly the value's bpf_timer field. */
SEC("tc")
int wrong_offset(struct __sk_buff *skb)
{
	struct flow *flow = lookup(&flows);

	if (!flow)
		return TC_ACT_OK;
	bpf_timer_init((struct bpf_timer *)&flow->packets, &flows, 1);
	return TC_ACT_OK;
}

/* Linux: "timer pointer in R1 map_uid doesn't match map pointer in R2". */
SEC("tc")
int other_map(struct __sk_buff *skb)
{
	struct flow *flow = lookup(&flows);

	if (!flow)
		return TC_ACT_OK;
	bpf_timer_init(&flow->timer, &other_flows, 1);
	return TC_ACT_OK;
}

SEC("tc")
int callback_returns_one(struct __sk_buff *skb)
{
	struct flow *flow = lookup(&flows);

	if (!flow)
		return TC_ACT_OK;
	bpf_timer_init(&flow->timer, &flows, 1);
	bpf_timer_set_callback(&flow->timer, returns_one);
	return TC_ACT_OK;
}

SEC("tc")
int store_timer(struct __sk_buff *skb)
{
	struct flow *flow = lookup(&flows);

	if (!flow)
		return TC_ACT_OK;
	*(volatile __u64 *)&flow->timer = 0;
	return TC_ACT_OK;
}

SEC("tc")
int load_timer(struct __sk_buff *skb)
{
	struct flow *flow = lookup(&flows);

	if (!flow)
		return TC_ACT_OK;
	return *(volatile __u64 *)&flow->timer ? TC_ACT_SHOT : TC_ACT_OK;
}

/* A value without a timer has none to give. */
SEC("tc")
int no_timer(struct __sk_buff *skb)
{
	struct plain *p = lookup(&plains);

	if (!p)
		return TC_ACT_OK;
	bpf_timer_init((struct bpf_timer *)&p->pad, &plains, 1);
	return TC_ACT_OK;
}

/* The callback of a timer that is no timer: refused at the timer, not at the callback. */
SEC("tc")
int callback_wrong_offset(struct __sk_buff *skb)
{
	struct flow *flow = lookup(&flows);

	if (!flow)
		return TC_ACT_OK;
	bpf_timer_set_callback((struct bpf_timer *)((char *)&flow->timer + 8), good_cb);
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
