// SPDX-License-Identifier: GPL-2.0
/*
 * Counters updated under the struct bpf_spin_lock of their map value, as Linux programs do: the
 * increment is a plain load and store, exact only because the lock serialises it, and `twice`
 * is written with it so that a reader taking the lock (BPF_F_LOCK) always sees twice == 2 *
 * count. One counter in a hash map, one in an array.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct counter {
	__u64 before;
	struct bpf_spin_lock lock;
	__u32 pad;
	__u64 count;
	__u64 twice;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, struct counter);
} hashed SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct counter);
} arrayed SEC(".maps");

static __always_inline int bump(struct counter *c)
{
	__u64 n;

	bpf_spin_lock(&c->lock);
	n = c->count + 1;
	c->count = n;
	c->twice = n * 2;
	bpf_spin_unlock(&c->lock);
	return 1;
}

SEC("sample_ext")
int locked_count(void *ctx)
{
	__u32 key = 0;
	struct counter *h = bpf_map_lookup_elem(&hashed, &key);
	struct counter *a = bpf_map_lookup_elem(&arrayed, &key);
	int done = 0;

	if (h)
		done += bump(h);
	if (a)
		done += bump(a);
	return done;
}

char LICENSE[] SEC("license") = "GPL";
