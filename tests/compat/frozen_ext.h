/* SPDX-License-Identifier: MIT */
/* What test_compat sees of the frozen extension: no contract type crosses this header. */
#ifndef EXTBPF_TESTS_COMPAT_FROZEN_EXT_H
#define EXTBPF_TESTS_COMPAT_FROZEN_EXT_H

#include <stdint.h>

#define FROZEN_MODULE_ID NMR_GUID(0xf202e000, 0x0001, 0x4000, 0x8000, 0x000000000000)
#define FROZEN_TYPE_GUID NMR_GUID(0xf202e000, 0x0001, 0x4000, 0x8000, 0x000000000001)
#define FROZEN_HOOK_GUID NMR_GUID(0xf202e000, 0x0001, 0x4000, 0x8000, 0x000000000002)
#define FROZEN_HELPER_ID (65536u + 7)

/* The frozen program type's context: `in` is read-only, `out` writable. */
struct frozen_ctx {
	uint32_t in;
	uint32_t out;
};

struct ebpf_extension_descriptor;

/* The descriptor, in its own (frozen) layout: the runtime reads it through its header. */
const struct ebpf_extension_descriptor *frozen_descriptor(void);
/* Fires frozen_hook on ctx with the last program's result in *result; returns programs run. */
int frozen_fire(struct frozen_ctx *ctx, uint32_t *result);

#endif /* EXTBPF_TESTS_COMPAT_FROZEN_EXT_H */
