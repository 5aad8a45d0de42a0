/* SPDX-License-Identifier: MIT */
/*
 * extbpf-libbpf: libbpf's low-level calls by file descriptor (<bpf/bpf.h>). The descriptors
 * are the ones extbpf-libbpf hands out (bpf_program__fd, bpf_map__fd, bpf_obj_get): each names
 * an extbpf program or map in this process, never a kernel object. Every call returns 0 or a
 * negative errno and sets errno, as libbpf 1.x does (docs/porting.md).
 */
#ifndef EXTBPF_LIBBPF_BPF_H
#define EXTBPF_LIBBPF_BPF_H

#include <stddef.h>
#include <linux/bpf.h>
#include <linux/types.h>

#include "libbpf_common.h"

#ifdef __cplusplus
extern "C" {
#endif

LIBBPF_API int bpf_map_lookup_elem(int fd, const void *key, void *value);
LIBBPF_API int bpf_map_lookup_elem_flags(int fd, const void *key, void *value, __u64 flags);
LIBBPF_API int bpf_map_update_elem(int fd, const void *key, const void *value, __u64 flags);
LIBBPF_API int bpf_map_delete_elem(int fd, const void *key);
LIBBPF_API int bpf_map_lookup_and_delete_elem(int fd, const void *key, void *value);
/* key NULL gives the first key; -ENOENT after the last. */
LIBBPF_API int bpf_map_get_next_key(int fd, const void *key, void *next_key);
LIBBPF_API int bpf_map_freeze(int fd);

/*
 * Pins: the path names the program or map in extbpf's process-wide pin table (nothing is
 * written to a file system, and the table ends with the process). bpf_obj_get returns a new
 * descriptor that holds its own reference until it is closed.
 */
LIBBPF_API int bpf_obj_pin(int fd, const char *pathname);
LIBBPF_API int bpf_obj_get(const char *pathname);

/* BPF_PROG_TEST_RUN. flags, cpu and batch_size must be 0 (no live-frame mode). */
struct bpf_test_run_opts {
	size_t sz; /* sizeof(struct bpf_test_run_opts) */
	const void *data_in;
	void *data_out;
	__u32 data_size_in;
	__u32 data_size_out; /* in: capacity of data_out; out: the output data's length */
	const void *ctx_in;
	void *ctx_out;
	__u32 ctx_size_in;
	__u32 ctx_size_out; /* in: capacity of ctx_out; out: the context's length */
	__u32 retval;	    /* out: the program's return value */
	int repeat;
	__u32 duration; /* out: mean time of one run in ns */
	__u32 flags;
	__u32 cpu;
	__u32 batch_size;
};
LIBBPF_API int bpf_prog_test_run_opts(int prog_fd, struct bpf_test_run_opts *opts);

#ifdef __cplusplus
}
#endif

#endif /* EXTBPF_LIBBPF_BPF_H */
