// SPDX-License-Identifier: GPL-2.0
/* Records into two ring buffers: 'events' has a record type (struct events_record, by the
 * tool's NAME_record rule), 'raw' has none, 'small' has one larger than what is submitted: the
 * tool prints the first typed, the others in hex. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "../../../extensions/sample/sample_ext.h"

struct events_record {
	__u32 uid;
	__s16 delta;
	char comm[8];
	__u8 tags[3];
	struct {
		__u8 major, minor;
	} version;
};

/* clang writes into BTF the types of globals and arguments, not of locals: this names the
 * record type there. */
struct events_record *events_record_btf;

struct small_record {
	__u64 a, b;
};
struct small_record *small_record_btf;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} raw SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} small SEC(".maps");

SEC("sample_ext")
int emit(struct sample_ctx *ctx)
{
	struct events_record *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	__u32 word = 0xc0ffee;

	if (!e)
		return 0;
	__builtin_memset(e, 0, sizeof(*e));
	e->uid = ctx->uid;
	e->delta = -3;
	__builtin_memcpy(e->comm, "bpfcat", 7);
	e->tags[0] = 1;
	e->tags[1] = 2;
	e->tags[2] = 3;
	e->version.major = 4;
	e->version.minor = 5;
	bpf_ringbuf_submit(e, 0);
	bpf_ringbuf_output(&raw, &word, sizeof(word), 0);
	bpf_ringbuf_output(&small, &word, sizeof(word), 0);
	return 1;
}

char LICENSE[] SEC("license") = "GPL";
