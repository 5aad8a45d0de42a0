/* SPDX-License-Identifier: MIT */
/* The per-thread message behind ebpf_last_error(). */
#ifndef EXTBPF_CORE_ERROR_H
#define EXTBPF_CORE_ERROR_H

/* Records the message for ebpf_last_error() and returns err (a negative errno), so that a
 * failing path reads: return core_error(-EINVAL, "section '%s': ...", name); */
int core_error(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Clears the message at the start of an API call. */
void core_error_clear(void);

#endif /* EXTBPF_CORE_ERROR_H */
