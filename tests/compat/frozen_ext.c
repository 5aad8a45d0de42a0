/* SPDX-License-Identifier: MIT */
/*
 * An extension built against frozen-v1/extbpf/, the contract headers as they were when the
 * versioned scheme was introduced (never edit them: they stand for binaries already shipped).
 * It uses every structure of the contract: a program type with sections (one refused), a
 * context with a writable range, helpers with flags, type flags, a hook with attach parameters
 * and their check, the registration and the descriptor. test_compat links it with a runtime
 * whose headers have grown and checks that it still loads and runs.
 */
#define EBPF_EXTENSION_STATIC 1

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include <extbpf/extension.h> /* the frozen copy: this file sees only frozen-v1 */

#include "compat/frozen_ext.h"

static uint64_t frozen_triple(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	(void)r2, (void)r3, (void)r4, (void)r5;
	return r1 * 3;
}

static const struct ebpf_helper_proto frozen_protos[] = {
	{
	    .id = FROZEN_HELPER_ID,
	    .name = "frozen_triple",
	    .ret = EBPF_RET_INTEGER,
	    .args = { EBPF_ARG_ANYTHING },
	},
	{
	    .id = FROZEN_HELPER_ID + 1,
	    .name = "frozen_verify_only",
	    .ret = EBPF_RET_INTEGER,
	    .flags = EBPF_HELPER_VERIFY_ONLY | EBPF_HELPER_GPL_ONLY,
	    .unavailable_reason = "offered for verification only",
	},
};
static const ebpf_helper_fn frozen_addresses[] = { frozen_triple, frozen_triple };

static const struct ebpf_context_range frozen_writable[] = {
	{ .offset = offsetof(struct frozen_ctx, out), .size = sizeof(uint32_t) },
};

static const struct ebpf_section_prefix frozen_sections[] = {
	{ .prefix = "frozen" },
	{ .prefix = "frozen_refused", .refused = "kept for a later version" },
};

static const struct ebpf_program_info frozen_type = {
	.header = EBPF_EXTENSION_HEADER(struct ebpf_program_info, EBPF_PROGRAM_INFO_VERSION),
	.name = "frozen",
	.program_type = FROZEN_TYPE_GUID,
	.sections = frozen_sections,
	.section_count = 2,
	.context = {
		.size = sizeof(struct frozen_ctx),
		.data = -1,
		.data_end = -1,
		.meta = -1,
		.writable = frozen_writable,
		.writable_count = 1,
	},
	.helpers = frozen_protos,
	.helper_addresses = frozen_addresses,
	.helper_count = 2,
	.flags = EBPF_PROGRAM_TYPE_PACKET_READ_ONLY,
};

static const struct ebpf_attach_provider_data frozen_hook_data = {
	.header = EBPF_EXTENSION_HEADER(struct ebpf_attach_provider_data,
					EBPF_ATTACH_PROVIDER_DATA_VERSION),
	.name = "frozen_hook",
	.attach_type = FROZEN_HOOK_GUID,
	.program_type = FROZEN_TYPE_GUID,
	.params_size = sizeof(uint32_t),
};

static int frozen_check_params(const void *params, size_t params_size)
{
	(void)params_size;
	return *(const uint32_t *)params ? 0 : -EDOM;
}

static struct ebpf_hook frozen_hook = { .data = &frozen_hook_data,
					.check_params = frozen_check_params };

static const struct ebpf_program_info *const frozen_types[] = { &frozen_type };
static struct ebpf_hook *const frozen_hooks[] = { &frozen_hook };

static const struct ebpf_extension_registration frozen_registration = {
	.header = EBPF_EXTENSION_HEADER(struct ebpf_extension_registration,
					EBPF_EXTENSION_REGISTRATION_VERSION),
	.module_id = FROZEN_MODULE_ID,
	.program_types = frozen_types,
	.program_type_count = 1,
	.hooks = frozen_hooks,
	.hook_count = 1,
};

static int frozen_load(nmr_registrar_t *registrar, void **state)
{
	return ebpf_extension_register(registrar, &frozen_registration,
				       (struct ebpf_extension_providers **)state);
}

static void frozen_unload(void *state)
{
	ebpf_extension_deregister(state);
}

EBPF_EXTENSION_DEFINE(frozen, "an extension built against the frozen version-1 headers",
		      frozen_load, frozen_unload)

const struct ebpf_extension_descriptor *frozen_descriptor(void)
{
	return &ebpf_extension_frozen;
}

static int keep_result(void *arg, uint32_t result)
{
	*(uint32_t *)arg = result;
	return 0;
}

int frozen_fire(struct frozen_ctx *ctx, uint32_t *result)
{
	return ebpf_hook_invoke(&frozen_hook, ctx, keep_result, result);
}
