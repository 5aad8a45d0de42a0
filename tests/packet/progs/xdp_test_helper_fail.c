// SPDX-License-Identifier: MIT
/*
 * Helpers that fail must still fill their output (the verifier counts it written): each
 * program fills its buffer with 0xa5 bytes, makes the call fail, and stores the helper's
 * return value in result[0] and the buffer's bytes, OR-ed together, in result[1] (0 when the
 * helper zeroed them). Byte 14 of the frame selects the size, bytes 16..19 are the offset.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __s64);
} result SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_QUEUE);
	__uint(max_entries, 4);
	__type(value, __u64[3]);
} empty_queue SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_STACK);
	__uint(max_entries, 4);
	__type(value, __u64[3]);
} empty_stack SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64[3]);
} scratch SEC(".maps");

struct args {
	__u8 size;
	__u8 pad;
	__u32 offset;
} __attribute__((packed));

static __always_inline void record(long ret, __u64 bytes)
{
	__u32 k0 = 0, k1 = 1;
	__s64 r = ret, b = (__s64)bytes;

	bpf_map_update_elem(&result, &k0, &r, 0);
	bpf_map_update_elem(&result, &k1, &b, 0);
}

/* The frame's arguments, copied (0 when the frame is too short for them). */
static __always_inline struct args frame_args(struct xdp_md *ctx)
{
	unsigned char *data = (void *)(long)ctx->data;
	unsigned char *data_end = (void *)(long)ctx->data_end;
	struct args a = {};

	if (data + 14 + sizeof(struct args) <= data_end)
		__builtin_memcpy(&a, data + 14, sizeof(a));
	return a;
}

/* A constant size: all 32 bytes are read back. */
SEC("xdp/load_bytes_const")
int load_bytes_const(struct xdp_md *ctx)
{
	struct args a = frame_args(ctx);
	__u64 buf[4];
	long ret;

	__builtin_memset(buf, 0xa5, sizeof(buf));
	ret = bpf_xdp_load_bytes(ctx, a.offset, buf, sizeof(buf));
	record(ret, buf[0] | buf[1] | buf[2] | buf[3]);
	return XDP_PASS;
}

/* A size of 16 + (byte 14 & 15): the 16 bytes written on every path are read back. */
SEC("xdp/load_bytes_var")
int load_bytes_var(struct xdp_md *ctx)
{
	struct args a = frame_args(ctx);
	__u64 buf[4];
	__u32 size;
	long ret;

	size = 16 + (a.size & 15);
	__builtin_memset(buf, 0xa5, sizeof(buf));
	ret = bpf_xdp_load_bytes(ctx, a.offset, buf, size);
	record(ret, buf[0] | buf[1]);
	return XDP_PASS;
}

SEC("xdp/pop_empty")
int pop_empty(struct xdp_md *ctx)
{
	__u64 v[3];
	long ret;

	__builtin_memset(v, 0xa5, sizeof(v));
	ret = bpf_map_pop_elem(&empty_queue, v);
	record(ret, v[0] | v[1] | v[2]);
	return XDP_PASS;
}

SEC("xdp/peek_empty")
int peek_empty(struct xdp_md *ctx)
{
	__u64 v[3];
	long ret;

	__builtin_memset(v, 0xa5, sizeof(v));
	ret = bpf_map_peek_elem(&empty_stack, v);
	record(ret, v[0] | v[1] | v[2]);
	return XDP_PASS;
}

/* The output is a map value: it is zeroed all the same. */
SEC("xdp/pop_into_map_value")
int pop_into_map_value(struct xdp_md *ctx)
{
	__u32 k = 0;
	__u64 *v = bpf_map_lookup_elem(&scratch, &k);
	long ret;

	if (!v)
		return XDP_ABORTED;
	__builtin_memset(v, 0xa5, 24);
	ret = bpf_map_pop_elem(&empty_queue, v);
	record(ret, v[0] | v[1] | v[2]);
	return XDP_PASS;
}

/* Nothing to parse: -EINVAL, and the result is 0. */
SEC("xdp/strtol_fail")
int strtol_fail(struct xdp_md *ctx)
{
	char buf[4] = "xyz";
	long res;
	long ret;

	__builtin_memset(&res, 0xa5, sizeof(res));
	ret = bpf_strtol(buf, sizeof(buf), 0, &res);
	record(ret, res);
	return XDP_PASS;
}

/* A sign for an unsigned number: -EINVAL, and the result is 0. */
SEC("xdp/strtoul_fail")
int strtoul_fail(struct xdp_md *ctx)
{
	char buf[4] = "-12";
	unsigned long res;
	long ret;

	__builtin_memset(&res, 0xa5, sizeof(res));
	ret = bpf_strtoul(buf, sizeof(buf), 0, &res);
	record(ret, res);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
