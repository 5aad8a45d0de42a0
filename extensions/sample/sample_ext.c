/* SPDX-License-Identifier: MIT */
/*
 * The sample extension: the worked example of docs/extensions.md. It offers
 * - program type "sample" (sections "sample_ext" and "sample_ext/..."): a context over a byte
 *   buffer (struct sample_ctx), three helpers, and test-run support;
 * - attach type "sample_hook": the host fires it with sample_hook_fire; every program attached
 *   runs, in attach order.
 * It uses include/extbpf only. load() describes the type and the hook to ebpf_extension_register,
 * which registers them with the module registrar and keeps the hook's links; unload() undoes it.
 * Copy this file to start an extension: helpers, the program type, the hook, load and unload.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <extbpf/extension.h>

#include "sample_ext.h"
/* The BTF of struct sample_ctx, from sample_ctx_btf.c (generated at build time). */
#include "sample_ctx_btf.h"

#define SAMPLE_MODULE_ID NMR_GUID(0x0b6a3b3e, 0x8a35, 0x4a2e, 0x9c71, 0x2f5e4b1d6a00)

/* ---- the helpers (called by programs with r1 = the context) ------------------------------ */

static uint64_t sample_find(uint64_t r1, uint64_t needle, uint64_t size, uint64_t r4, uint64_t r5)
{
	const struct sample_ctx *ctx = (const struct sample_ctx *)(uintptr_t)r1;
	const unsigned char *data = (const unsigned char *)(uintptr_t)ctx->data;
	size_t len = ctx->data_end - ctx->data;

	for (size_t i = 0; size && i + size <= len; i++) {
		if (!memcmp(data + i, (const void *)(uintptr_t)needle, size))
			return i;
	}
	return (uint64_t)-ENOENT;
}

static uint64_t sample_replace(uint64_t r1, uint64_t offset, uint64_t bytes, uint64_t size,
			       uint64_t r5)
{
	const struct sample_ctx *ctx = (const struct sample_ctx *)(uintptr_t)r1;
	size_t len = ctx->data_end - ctx->data;

	/* The verifier proved bytes[0..size) readable; the offset is the program's to get right. */
	if (offset > len || size > len - offset)
		return (uint64_t)-EINVAL;
	memcpy((void *)(uintptr_t)(ctx->data + offset), (const void *)(uintptr_t)bytes, size);
	return 0;
}

static uint64_t sample_add_counter(uint64_t r1, uint64_t value, uint64_t r3, uint64_t r4,
				   uint64_t r5)
{
	struct sample_ctx *ctx = (struct sample_ctx *)(uintptr_t)r1;

	ctx->counter += value;
	return ctx->counter;
}

/* Prototypes: what the verifier checks each call against (it never calls the extension). */
static const struct ebpf_helper_proto helper_protos[] = {
	{
	    .id = SAMPLE_HELPER_FIND,
	    .name = "sample_find",
	    .ret = EBPF_RET_INTEGER,
	    .args = { EBPF_ARG_PTR_TO_CTX, EBPF_ARG_PTR_TO_MEM, EBPF_ARG_CONST_SIZE },
	},
	{
	    .id = SAMPLE_HELPER_REPLACE,
	    .name = "sample_replace",
	    .ret = EBPF_RET_INTEGER,
	    .args = { EBPF_ARG_PTR_TO_CTX, EBPF_ARG_ANYTHING, EBPF_ARG_PTR_TO_MEM,
		      EBPF_ARG_CONST_SIZE },
	},
	{
	    .id = SAMPLE_HELPER_ADD_COUNTER,
	    .name = "sample_add_counter",
	    .ret = EBPF_RET_INTEGER,
	    .args = { EBPF_ARG_PTR_TO_CTX, EBPF_ARG_ANYTHING },
	},
};

static const ebpf_helper_fn helper_addresses[] = {
	sample_find,
	sample_replace,
	sample_add_counter,
};

/* ---- test runs: context from the host's input and back ----------------------------------- */

struct test_ctx {
	struct sample_ctx ctx; /* first: the program gets a pointer to it */
	size_t size;
	unsigned char data[];
};

static int context_create(const void *data_in, size_t data_size_in, const void *ctx_in,
			  size_t ctx_size_in, void **ctx)
{
	struct test_ctx *t;

	if (ctx_in && ctx_size_in != sizeof(struct sample_ctx))
		return -EINVAL;
	t = calloc(1, sizeof(*t) + data_size_in);
	if (!t)
		return -ENOMEM;
	if (ctx_in)
		memcpy(&t->ctx, ctx_in, sizeof(t->ctx)); /* uid, flags, counter */
	if (data_size_in)
		memcpy(t->data, data_in, data_size_in);
	t->size = data_size_in;
	t->ctx.data = (uintptr_t)t->data;
	t->ctx.data_end = (uintptr_t)(t->data + data_size_in);
	*ctx = t;
	return 0;
}

static void copy_out(void *out, size_t *size_out, const void *from, size_t size)
{
	if (!size_out)
		return;
	if (out)
		memcpy(out, from, size < *size_out ? size : *size_out);
	*size_out = size;
}

static void context_destroy(void *ctx, void *data_out, size_t *data_size_out, void *ctx_out,
			    size_t *ctx_size_out)
{
	struct test_ctx *t = ctx;

	copy_out(data_out, data_size_out, t->data, t->size);
	t->ctx.data = t->ctx.data_end = 0; /* addresses mean nothing to the host */
	copy_out(ctx_out, ctx_size_out, &t->ctx, sizeof(t->ctx));
	free(t);
}

/* ---- the program type: what the verifier and the loader read ------------------------------ */

static const struct ebpf_section_prefix sections[] = {
	{ .prefix = "sample_ext" },
};

static const struct ebpf_context_range writable[] = {
	{ .offset = offsetof(struct sample_ctx, flags), .size = sizeof(unsigned int) },
	{ .offset = offsetof(struct sample_ctx, counter), .size = sizeof(unsigned long long) },
};

static const struct ebpf_context_info context_info = {
	.header = EBPF_EXTENSION_HEADER(struct ebpf_context_info, EBPF_CONTEXT_INFO_VERSION),
	.size = sizeof(struct sample_ctx),
	.data = offsetof(struct sample_ctx, data),
	.data_end = offsetof(struct sample_ctx, data_end),
	.meta = -1,
	.writable = writable,
	.writable_count = 2,
	.writable_size = sizeof(struct ebpf_context_range),
};

static const struct ebpf_program_info program_info = {
	EBPF_PROGRAM_INFO_V3,
	.name = "sample",
	.program_type = SAMPLE_PROGRAM_TYPE_GUID,
	.sections = sections,
	.section_count = 1,
	.context_info = &context_info,
	.helpers = helper_protos,
	.helper_addresses = helper_addresses,
	.helper_count = 3,
	.context_create = context_create,
	.context_destroy = context_destroy,
	.btf = sample_ctx_btf,
	.btf_size = sizeof(sample_ctx_btf),
};

/* ---- the hook --------------------------------------------------------------------------- */

static const struct ebpf_attach_provider_data hook_data = {
	.header = EBPF_EXTENSION_HEADER(struct ebpf_attach_provider_data,
					EBPF_ATTACH_PROVIDER_DATA_VERSION),
	.name = "sample_hook",
	.attach_type = SAMPLE_ATTACH_TYPE_GUID,
	.program_type = SAMPLE_PROGRAM_TYPE_GUID,
	.params_size = 0, /* links take no attach parameters */
};

/* Static: the runtime keeps the hook's links in it while the extension is loaded, and
 * sample_hook_fire, a plain function the host calls at any time, fires it. */
static struct ebpf_hook sample_hook = { .data = &hook_data };

/* What one fire collects: every result in attach order, and the first non-zero one. */
struct fire {
	uint32_t *results;
	size_t capacity;
	size_t ran;
	uint32_t verdict;
};

static int collect(void *arg, uint32_t result)
{
	struct fire *f = arg;

	if (f->ran < f->capacity)
		f->results[f->ran] = result;
	if (!f->verdict)
		f->verdict = result;
	f->ran++;
	return 0; /* never stop: every program runs */
}

__attribute__((visibility("default"))) int sample_hook_fire(void *data, size_t size, uint32_t uid,
							    uint32_t *verdict, uint32_t *results,
							    size_t *count, uint64_t *counter)
{
	struct sample_ctx ctx = {
		.data = (uintptr_t)data,
		.data_end = (uintptr_t)data + size,
		.uid = uid,
	};
	struct fire f = { .results = results, .capacity = results && count ? *count : 0 };
	int ran = ebpf_hook_invoke(&sample_hook, &ctx, collect, &f);

	if (ran < 0)
		return ran; /* -ENODEV: the extension is not loaded */
	if (count)
		*count = f.ran;
	if (verdict)
		*verdict = f.verdict;
	if (counter)
		*counter = ctx.counter;
	return 0;
}

/* ---- load and unload: one registration call ---------------------------------------------- */

static const struct ebpf_program_info *const program_types[] = { &program_info };
static struct ebpf_hook *const hooks[] = { &sample_hook };

static const struct ebpf_extension_registration registration = {
	.header = EBPF_EXTENSION_HEADER(struct ebpf_extension_registration,
					EBPF_EXTENSION_REGISTRATION_VERSION),
	.module_id = SAMPLE_MODULE_ID,
	.program_types = program_types,
	.program_type_count = 1,
	.hooks = hooks,
	.hook_count = 1,
};

static int sample_load(nmr_registrar_t *registrar, void **state)
{
	struct ebpf_extension_providers *providers;
	int err = ebpf_extension_register(registrar, &registration, &providers);

	if (!err)
		*state = providers;
	return err;
}

/* Returns once every link is detached and no program of ours is running. */
static void sample_unload(void *state)
{
	ebpf_extension_deregister(state);
}

EBPF_EXTENSION_DEFINE(sample, "example program type and hook over a byte buffer", sample_load,
		      sample_unload)
