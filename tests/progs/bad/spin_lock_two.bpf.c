// SPDX-License-Identifier: GPL-2.0
/* A map value with two struct bpf_spin_lock fields: Linux allows one, the loader refuses it. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct two_locks {
	struct bpf_spin_lock a;
	__u32 x;
	struct {
		struct bpf_spin_lock b;
		__u32 y;
	} inner;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, struct two_locks);
} doubly_locked SEC(".maps");

SEC("sample_ext")
int spin_lock_two(void *ctx)
{
	__u32 key = 0;

	return bpf_map_lookup_elem(&doubly_locked, &key) ? 1 : 0;
}

char LICENSE[] SEC("license") = "GPL";
