/* SPDX-License-Identifier: MIT */
/* What test_compat_maps sees of the frozen map-type extension (no contract type crosses it). */
#ifndef EXTBPF_TESTS_COMPAT_FROZEN_MAP_EXT_H
#define EXTBPF_TESTS_COMPAT_FROZEN_MAP_EXT_H

#define FROZEN_MAP_MODULE_ID NMR_GUID(0xf202e000, 0x0002, 0x4000, 0x8000, 0x000000000000)
/* EBPF_MAP_TYPE_EXTENSION_BASE + 1: tests/compat/progs/ext_map.bpf.c uses the number. */
#define FROZEN_MAP_TYPE	     4097u

struct ebpf_extension_descriptor;

const struct ebpf_extension_descriptor *frozen_map_descriptor(void);
/* Its struct ebpf_map_type_info, for ebpf_map_extension_data. */
const void *frozen_map_type_info(void);

#endif /* EXTBPF_TESTS_COMPAT_FROZEN_MAP_EXT_H */
