/* SPDX-License-Identifier: MIT */
/*
 * Program types attached through BTF (ebpf_program_info.btf_attach, Linux's fentry, fexit,
 * fmod_ret, lsm, tp_btf): the target the section names, looked up in the target BTF, gives the
 * program's context, its arguments typed by the target's prototype.
 */
#ifndef EXTBPF_CORE_BTF_ATTACH_H
#define EXTBPF_CORE_BTF_ATTACH_H

#include <extbpf/extension.h>

#include "core/btf_target.h"
#include "verifier/verifier.h"

struct ebpf_program;

/* The entry of info->btf_attach the section matches, or NULL: the type's context is its own. */
const struct ebpf_btf_attach *core_btf_attach_find(const struct ebpf_program_info *info,
						   const char *section);

/* A shared copy of an object's .BTF (refcount 1), or NULL when out of memory. */
struct core_btf_blob *core_btf_blob_new(const void *data, size_t size);
struct core_btf_blob *core_btf_blob_get(struct core_btf_blob *blob);
void core_btf_blob_put(struct core_btf_blob *blob);

/*
 * Checks that `function` can be attached to in target_prog (Linux's bpf_check_attach_target
 * with a target program): the program has BTF with a FUNC of that name and is not itself
 * attached through BTF. 0, or a negative errno with core_error() naming what is wrong.
 */
int core_btf_attach_prog_check(const struct ebpf_program *target_prog, const char *function);

/*
 * Fills *ctx for a program of section `section` matching `attach`, from the target BTF of the
 * program type (the kernel's for Linux types); *target_out (freed with
 * loader_core_target_free when *owned) holds the BTF ctx->btf points into. The target is
 * `target` when the host set one (ebpf_object_set_attach_target), else what the section names
 * after its '/'; ctx->target points to it. With target_prog the target is a function of that
 * program, typed by its BTF: an argument pointing to the program type's context (struct
 * xdp_md) becomes a pointer to the kernel's context (struct xdp_buff), as Linux's
 * btf_translate_to_vmlinux does, and other arguments are scalars. Returns 0, or a negative errno
 * with core_error() naming the section and what is missing.
 */
int core_btf_attach_ctx(struct core_btf_targets *targets, const struct ebpf_program_info *info,
			const struct ebpf_btf_attach *attach, const char *section,
			const char *target, const struct ebpf_program *target_prog,
			struct verifier_btf_ctx *ctx, struct loader_core_target **target_out,
			bool *owned);

#endif /* EXTBPF_CORE_BTF_ATTACH_H */
