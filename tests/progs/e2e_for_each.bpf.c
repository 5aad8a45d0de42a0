// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_for_each_map_elem as programs use it: one callback summing the values of every map type
 * Linux walks, stopping at the element whose key the input names, and one deleting every element
 * of a hash map as it goes, and one running a bpf_loop inside its callback. The input buffer holds
 * {u32 stop_key, u32 flags}; the sum of the values seen lands in walk_sum, the number of callback
 * calls (the helper's result) in r0.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "../../extensions/sample/sample_ext.h"

#define WALKED_MAP(name, map_type)                                                                 \
	struct {                                                                                   \
		__uint(type, map_type);                                                            \
		__uint(max_entries, 16);                                                           \
		__type(key, __u32);                                                                \
		__type(value, __u64);                                                              \
	} name SEC(".maps")

WALKED_MAP(array, BPF_MAP_TYPE_ARRAY);
WALKED_MAP(percpu_array, BPF_MAP_TYPE_PERCPU_ARRAY);
WALKED_MAP(hash, BPF_MAP_TYPE_HASH);
WALKED_MAP(percpu_hash, BPF_MAP_TYPE_PERCPU_HASH);
WALKED_MAP(lru_hash, BPF_MAP_TYPE_LRU_HASH);
WALKED_MAP(lru_percpu_hash, BPF_MAP_TYPE_LRU_PERCPU_HASH);

struct walk_ctx {
	__u64 sum;
	__u32 stop_key;
	__u32 pad;
};

__u64 walk_sum;

/* Adds the value; stops (returns 1) at the element whose key is stop_key. */
static long add_value(void *map, __u32 *key, __u64 *value, struct walk_ctx *c)
{
	c->sum += *value;
	return *key == c->stop_key;
}

#define WALKER(map)                                                                                \
	SEC("sample_ext")                                                                          \
	int walk_##map(struct sample_ctx *ctx)                                                     \
	{                                                                                          \
		void *data = (void *)(long)ctx->data;                                              \
		void *data_end = (void *)(long)ctx->data_end;                                      \
		struct walk_ctx c = { 0, 0, 0 };                                                   \
		long calls;                                                                        \
                                                                                                   \
		if (data + 8 > data_end)                                                           \
			return -1;                                                                 \
		c.stop_key = *(__u32 *)data;                                                       \
		calls = bpf_for_each_map_elem(&map, add_value, &c, *(__u32 *)(data + 4));          \
		walk_sum = c.sum;                                                                  \
		return (int)calls;                                                                 \
	}

WALKER(array)
WALKER(percpu_array)
WALKER(hash)
WALKER(percpu_hash)
WALKER(lru_hash)
WALKER(lru_percpu_hash)

/* Deletes the element it is handed: the walk must still reach every other one. */
static long delete_value(void *map, __u32 *key, __u64 *value, __u64 *count)
{
	*count += 1;
	bpf_map_delete_elem(map, key);
	return 0;
}

SEC("sample_ext")
int drain_hash(struct sample_ctx *ctx)
{
	__u64 count = 0;
	long calls = bpf_for_each_map_elem(&hash, delete_value, &count, 0);

	walk_sum = count;
	return (int)calls;
}

/* A bpf_loop inside a walk's callback: value % 5 calls of count_one per element of array. */
static long count_one(__u32 index, void *data)
{
	*(__u64 *)data += 1;
	return 0;
}

static long loop_per_value(void *map, __u32 *key, __u64 *value, __u64 *count)
{
	bpf_loop(*value % 5, count_one, count, 0);
	return 0;
}

SEC("sample_ext")
int walk_nested(struct sample_ctx *ctx)
{
	__u64 count = 0;
	long calls = bpf_for_each_map_elem(&array, loop_per_value, &count, 0);

	walk_sum = count;
	return (int)calls;
}

char LICENSE[] SEC("license") = "GPL";
