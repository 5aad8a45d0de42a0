/* SPDX-License-Identifier: MIT */
/*
 * The sample extension's contract with the programs it runs and the hosts that fire its hook.
 *
 * Programs (clang -target bpf) include this header for the context layout and the helpers:
 *
 *	#include "sample_ext.h"
 *
 *	SEC("sample_ext")
 *	int count_hits(struct sample_ctx *ctx)
 *	{
 *		char needle[] = "xyz";
 *
 *		if (sample_find(ctx, needle, 3) >= 0)
 *			sample_add_counter(ctx, 1);
 *		return 0;
 *	}
 *
 * Hosts include it for sample_hook_fire (in the shared library and the static archive).
 */
#ifndef EXTBPF_SAMPLE_EXT_H
#define EXTBPF_SAMPLE_EXT_H

/*
 * The context of program type "sample" (section prefix "sample_ext"). Plain C types whose sizes
 * agree between the host and BPF: data/data_end are pointers stored as 64-bit integers, as in
 * Linux's struct xdp_md. A program reads everything; it may write flags and counter only.
 */
struct sample_ctx {
	unsigned long long data;     /* first byte of the buffer */
	unsigned long long data_end; /* one past its last byte */
	unsigned int uid;	     /* who fired the hook (read-only) */
	unsigned int flags;	     /* free for programs to set */
	unsigned long long counter;  /* sample_add_counter adds to it */
};

/* Program-type helper ids: from EBPF_PROGRAM_TYPE_HELPER_ID_BASE (65536) on. */
#define SAMPLE_HELPER_FIND	  65536
#define SAMPLE_HELPER_REPLACE	  65537
#define SAMPLE_HELPER_ADD_COUNTER 65538

#ifdef __bpf__
/* The program's view of the helpers, libbpf style: calls to a constant id. */

/* Offset of the first occurrence of needle[0..size) in the data, or -2 (-ENOENT). */
static long (*sample_find)(struct sample_ctx *ctx, const void *needle,
			   unsigned int size) = (void *)SAMPLE_HELPER_FIND;
/* Overwrites size bytes of the data at offset with bytes; 0 or -22 (-EINVAL) out of range. */
static long (*sample_replace)(struct sample_ctx *ctx, unsigned long long offset, const void *bytes,
			      unsigned int size) = (void *)SAMPLE_HELPER_REPLACE;
/* Adds value to ctx->counter and returns the new counter. */
static long (*sample_add_counter)(struct sample_ctx *ctx,
				  unsigned long long value) = (void *)SAMPLE_HELPER_ADD_COUNTER;

#else /* the host's view */

#include <stddef.h>
#include <stdint.h>

#include <extbpf/extension.h>

#ifdef __cplusplus
extern "C" {
#endif

/* GUIDs of the program type and the attach type. */
#define SAMPLE_PROGRAM_TYPE_GUID NMR_GUID(0x0b6a3b3e, 0x8a35, 0x4a2e, 0x9c71, 0x2f5e4b1d6a01)
#define SAMPLE_ATTACH_TYPE_GUID	 NMR_GUID(0x0b6a3b3e, 0x8a35, 0x4a2e, 0x9c71, 0x2f5e4b1d6a02)

/* The descriptor to pass to ebpf_extension_add_static when linking the static archive. */
extern const struct ebpf_extension_descriptor ebpf_extension_sample;

/*
 * Fires the hook `sample_hook` on a buffer: builds one context (uid as given, flags and counter
 * 0) and invokes every attached program in attach order, each seeing what the previous ones
 * changed. results (may be NULL) receives up to *count results in attach order; *count gets how
 * many programs ran. *verdict (may be NULL) gets the combined result: the first non-zero one,
 * or 0. *counter (may be NULL) gets the context's counter afterwards.
 * Returns 0, or -ENODEV when the extension is not loaded.
 */
int sample_hook_fire(void *data, size_t size, uint32_t uid, uint32_t *verdict, uint32_t *results,
		     size_t *count, uint64_t *counter);
typedef int (*sample_hook_fire_fn)(void *data, size_t size, uint32_t uid, uint32_t *verdict,
				   uint32_t *results, size_t *count, uint64_t *counter);

#ifdef __cplusplus
}
#endif

#endif /* __bpf__ */

#endif /* EXTBPF_SAMPLE_EXT_H */
