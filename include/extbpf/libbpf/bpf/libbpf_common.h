/* SPDX-License-Identifier: MIT */
/*
 * extbpf-libbpf: what libbpf's <bpf/libbpf_common.h> gives hosts (the options macros). Part of
 * the libbpf-compatible layer (docs/porting.md); a host gets this directory on its include path
 * from `pkg-config --cflags extbpf-libbpf`.
 */
#ifndef EXTBPF_LIBBPF_COMMON_H
#define EXTBPF_LIBBPF_COMMON_H

#include <string.h>

#ifndef LIBBPF_API
#define LIBBPF_API __attribute__((visibility("default")))
#endif

/* The libbpf release whose API this layer follows. */
#define LIBBPF_MAJOR_VERSION 1
#define LIBBPF_MINOR_VERSION 1

/*
 * An options structure on the stack, zeroed, with .sz set and the named fields given:
 * LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = pkt, .data_size_in = sizeof(pkt));
 * Zeroing the whole structure first keeps padding zero, which the size checks rely on.
 */
#define LIBBPF_OPTS(TYPE, NAME, ...)                                                               \
	struct TYPE NAME = ({                                                                      \
		memset(&NAME, 0, sizeof(struct TYPE));                                             \
		(struct TYPE){ .sz = sizeof(struct TYPE), __VA_ARGS__ };                           \
	})
#define DECLARE_LIBBPF_OPTS LIBBPF_OPTS

#endif /* EXTBPF_LIBBPF_COMMON_H */
