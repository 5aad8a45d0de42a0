/* SPDX-License-Identifier: MIT */
/* What extbpf-kdiff and the corpus check share about asking the kernel (tools/kdiff). */
#ifndef EXTBPF_KDIFF_KERNEL_H
#define EXTBPF_KDIFF_KERNEL_H

#include <stddef.h>

#define KDIFF_SKIP 77 /* ctest's skip code: the kernel cannot be asked */

/* 0 when this process may load privileged program types (an XDP "r0 = 0; exit"), else a
 * negative errno with the reason in why. */
int kdiff_kernel_available(char *why, size_t size);

/* The verifier's reason in its log: the last line that is not a statistic (-ENOENT: none). */
int kdiff_log_reason(const char *log, char *out, size_t size);

#endif /* EXTBPF_KDIFF_KERNEL_H */
