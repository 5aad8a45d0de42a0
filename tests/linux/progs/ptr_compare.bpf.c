// SPDX-License-Identifier: (MIT OR GPL-2.0)
/*
 * A map value or, when the key is new, a value on the stack, then "was it the one on the stack?"
 * (libbpf-tools' biostacks and biosnoop): pointers of two kinds compared. Linux allows it to
 * programs that may leak pointers (tracing types); ../bad/ptr_compare_tc.bpf.c is the same
 * code in a networking type, refused.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct stage {
	__u64 count;
	__u64 last;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, struct stage);
} stages SEC(".maps");

SEC("kprobe/blk_account_io_merge_bio")
int stage_or_local(void *ctx)
{
	__u32 key = (__u32)bpf_get_prandom_u32() & 1023;
	struct stage local = {}, *p = bpf_map_lookup_elem(&stages, &key);

	if (!p)
		p = &local;
	p->count++;
	p->last = bpf_ktime_get_ns();
	if (p == &local)
		bpf_map_update_elem(&stages, &key, &local, BPF_ANY);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
