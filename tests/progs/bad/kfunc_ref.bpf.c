// SPDX-License-Identifier: GPL-2.0
/* The unsafe twins of tests/progs/kfunc_ref.bpf.c, one program each: a reference kfb_acquire
 * gives must be released exactly once on every path, never used after, never stored where it
 * outlives its release; kfb_release takes back only what was acquired. */
#include "kfunc_btf.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} slots SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} jumps SEC(".maps");

/* Released on one path only. */
SEC("kfb")
int leak_on_path(void *ctx)
{
	struct ext_obj *o = kfb_acquire(1);

	if (!o)
		return 0;
	if (o->count > 5)
		return 1;
	kfb_release(o);
	return 0;
}

/* A tail call never comes back to release it. */
SEC("kfb")
int leak_at_tail_call(void *ctx)
{
	struct ext_obj *o = kfb_acquire(1);

	if (!o)
		return 0;
	bpf_tail_call(ctx, &jumps, 0);
	kfb_release(o);
	return 0;
}

/* Read after the release gave it back. */
SEC("kfb")
int use_after_release(void *ctx)
{
	struct ext_obj *o = kfb_acquire(1);

	if (!o)
		return 0;
	kfb_release(o);
	return o->count;
}

/* Given back twice. */
SEC("kfb")
int double_release(void *ctx)
{
	struct ext_obj *o = kfb_acquire(1);

	if (!o)
		return 0;
	kfb_release(o);
	kfb_release(o);
	return 0;
}

/* kfb_get hands out no reference: nothing to release. */
SEC("kfb")
int release_unacquired(void *ctx)
{
	struct ext_obj *o = kfb_get(1);

	if (!o)
		return 0;
	kfb_release(o);
	return 0;
}

/* Another struct than the one kfb_release takes back. */
SEC("kfb")
int release_other_type(void *ctx)
{
	struct ext_other *x = kfb_other();

	if (!x)
		return 0;
	kfb_release((struct ext_obj *)x);
	return 0;
}

/* Maybe NULL: not checked before its release. */
SEC("kfb")
int release_unchecked(void *ctx)
{
	kfb_release(kfb_acquire(1));
	return 0;
}

/* Kept in a map, it would outlive its release. */
SEC("kfb")
int store_in_map(void *ctx)
{
	struct ext_obj *o = kfb_acquire(1);
	__u32 key = 0;
	__u64 *slot = bpf_map_lookup_elem(&slots, &key);

	if (!o)
		return 0;
	if (slot)
		*slot = (__u64)o;
	kfb_release(o);
	return 0;
}

/* A pointer the object holds, read after the object's release (it may be gone with it). */
SEC("kfb")
int child_after_release(void *ctx)
{
	struct ext_obj *o = kfb_acquire(1), *n;

	if (!o)
		return 0;
	n = o->next;
	kfb_release(o);
	return n ? n->count : 0;
}

/* Two pointer members down, after the release. */
SEC("kfb")
int grandchild_after_release(void *ctx)
{
	struct ext_obj *o = kfb_acquire(1), *n, *m;

	if (!o)
		return 0;
	n = o->next;
	if (!n) {
		kfb_release(o);
		return 0;
	}
	m = n->next;
	kfb_release(o);
	return m ? m->count : 0;
}

static __attribute__((noinline)) int give_back(struct ext_obj *o)
{
	kfb_release(o);
	return 0;
}

/* Released by a subprogram: the caller's copy of the child dies too. */
SEC("kfb")
int child_after_release_in_callee(void *ctx)
{
	struct ext_obj *o = kfb_acquire(1), *n;

	if (!o)
		return 0;
	n = o->next;
	give_back(o);
	return n ? n->count : 0;
}

/* The child is not the reference: releasing it instead of its holder. */
SEC("kfb")
int release_child(void *ctx)
{
	struct ext_obj *o = kfb_acquire(1), *n;

	if (!o)
		return 0;
	n = o->next;
	if (!n) {
		kfb_release(o);
		return 0;
	}
	kfb_release(n);
	return 1;
}

char LICENSE[] SEC("license") = "GPL";
