// SPDX-License-Identifier: MIT
/*
 * Compiled by clang -g -target bpf at build time (never into the extension itself): the BTF of
 * this object describes struct sample_ctx, and the extension publishes it with its program
 * type (ebpf_program_info.btf) so that programs compiled against an older or newer
 * struct sample_ctx are relocated to this layout before they are verified (CO-RE).
 */
#include "sample_ext.h"

/* A variable of the type is what makes clang describe it. */
struct sample_ctx sample_ctx_btf_anchor;
