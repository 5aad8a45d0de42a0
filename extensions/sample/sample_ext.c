/* SPDX-License-Identifier: MIT */
/*
 * The sample extension: the worked example of docs/extensions.md. It offers
 * - program type "sample" (sections "sample_ext" and "sample_ext/..."): a context over a byte
 *   buffer (struct sample_ctx), three helpers, and test-run support;
 * - attach type "sample_hook": the host fires it with sample_hook_fire; every program attached
 *   runs, in attach order.
 * It uses include/extbpf only: two NMR providers registered in load(), deregistered in unload().
 */
#define _GNU_SOURCE /* writer-preferring read-write lock */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <extbpf/extension.h>

#include "sample_ext.h"

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

/* ---- the program type (Program Information NPI provider) --------------------------------- */

static const struct ebpf_section_prefix sections[] = {
	{ .prefix = "sample_ext" },
};

static const struct ebpf_context_range writable[] = {
	{ .offset = offsetof(struct sample_ctx, flags), .size = sizeof(unsigned int) },
	{ .offset = offsetof(struct sample_ctx, counter), .size = sizeof(unsigned long long) },
};

static const struct ebpf_program_info program_info = {
	.header = EBPF_EXTENSION_HEADER(struct ebpf_program_info, EBPF_PROGRAM_INFO_VERSION),
	.name = "sample",
	.program_type = SAMPLE_PROGRAM_TYPE_GUID,
	.sections = sections,
	.section_count = 1,
	.context = {
		.size = sizeof(struct sample_ctx),
		.data = offsetof(struct sample_ctx, data),
		.data_end = offsetof(struct sample_ctx, data_end),
		.meta = -1,
		.writable = writable,
		.writable_count = 2,
	},
	.helpers = helper_protos,
	.helper_addresses = helper_addresses,
	.helper_count = 3,
	.context_create = context_create,
	.context_destroy = context_destroy,
};

/* The core binds to read program_info; there is nothing per binding to keep. */
static int info_attach_client(nmr_registrar_t *registrar, nmr_handle_t binding,
			      void *provider_context, const struct nmr_registration_info *client,
			      void *client_binding_context, const void *client_dispatch,
			      void **provider_binding_context, const void **provider_dispatch)
{
	*provider_binding_context = NULL;
	*provider_dispatch = NULL;
	return 0;
}

static int info_detach_client(void *provider_binding_context)
{
	return 0;
}

static const struct nmr_provider_characteristics info_provider = {
	.info = {
		.npi_id = EBPF_PROGRAM_INFO_NPI_ID,
		.module_id = SAMPLE_MODULE_ID,
		.version = EBPF_PROGRAM_INFO_VERSION,
		.npi_specific = &program_info,
		.npi_specific_size = sizeof(program_info),
	},
	.attach_client = info_attach_client,
	.detach_client = info_detach_client,
};

/* ---- the hook (Hook NPI provider) -------------------------------------------------------- */

/* One attached link: what to call when the hook fires. */
struct hook_binding {
	struct hook_binding *next;
	void *link; /* the core's client binding context */
	const struct ebpf_link_dispatch *dispatch;
};

/*
 * The hook's state is global because sample_hook_fire is a plain function the host calls. The
 * read lock is held while firing, the write lock while the list changes: once a link is
 * removed under the write lock, no fire can still be calling it. Writers are preferred: with
 * glibc's default, threads firing without pause would keep a detach waiting forever.
 */
static struct {
	pthread_rwlock_t lock;
	bool loaded;
	struct hook_binding *bindings; /* in attach order */
} hook = { .lock = PTHREAD_RWLOCK_WRITER_NONRECURSIVE_INITIALIZER_NP };

static const struct ebpf_attach_provider_data hook_data = {
	.header = EBPF_EXTENSION_HEADER(struct ebpf_attach_provider_data,
					EBPF_ATTACH_PROVIDER_DATA_VERSION),
	.name = "sample_hook",
	.attach_type = SAMPLE_ATTACH_TYPE_GUID,
	.program_type = SAMPLE_PROGRAM_TYPE_GUID,
	.params_size = 0,
};

static int hook_attach_client(nmr_registrar_t *registrar, nmr_handle_t binding,
			      void *provider_context, const struct nmr_registration_info *client,
			      void *client_binding_context, const void *client_dispatch,
			      void **provider_binding_context, const void **provider_dispatch)
{
	const struct ebpf_link_dispatch *dispatch = client_dispatch;
	struct hook_binding *b, **p;

	/* Only links (the core checked the attach type and program type already). */
	if (!dispatch || dispatch->header.size < offsetof(struct ebpf_link_dispatch, batch_begin) ||
	    !dispatch->invoke)
		return -EINVAL;
	b = calloc(1, sizeof(*b));
	if (!b)
		return -ENOMEM;
	b->link = client_binding_context;
	b->dispatch = dispatch;
	pthread_rwlock_wrlock(&hook.lock);
	for (p = &hook.bindings; *p; p = &(*p)->next)
		;
	*p = b;
	pthread_rwlock_unlock(&hook.lock);
	*provider_binding_context = b;
	*provider_dispatch = NULL;
	return 0;
}

static void hook_remove(struct hook_binding *b)
{
	pthread_rwlock_wrlock(&hook.lock);
	for (struct hook_binding **p = &hook.bindings; *p; p = &(*p)->next) {
		if (*p == b) {
			*p = b->next;
			break;
		}
	}
	pthread_rwlock_unlock(&hook.lock);
}

/* The link detaches: after the write lock no fire calls it any more. */
static int hook_detach_client(void *provider_binding_context)
{
	hook_remove(provider_binding_context);
	return 0;
}

/* The binding is gone, whichever side ended it. */
static void hook_cleanup(void *provider_binding_context)
{
	hook_remove(provider_binding_context);
	free(provider_binding_context);
}

static const struct nmr_provider_characteristics hook_provider = {
	.info = {
		.npi_id = EBPF_HOOK_NPI_ID,
		.module_id = SAMPLE_MODULE_ID,
		.version = EBPF_ATTACH_PROVIDER_DATA_VERSION,
		.npi_specific = &hook_data,
		.npi_specific_size = sizeof(hook_data),
	},
	.attach_client = hook_attach_client,
	.detach_client = hook_detach_client,
	.cleanup_binding_context = hook_cleanup,
};

__attribute__((visibility("default"))) int sample_hook_fire(void *data, size_t size, uint32_t uid,
							    uint32_t *verdict, uint32_t *results,
							    size_t *count, uint64_t *counter)
{
	struct sample_ctx ctx = {
		.data = (uintptr_t)data,
		.data_end = (uintptr_t)data + size,
		.uid = uid,
	};
	size_t capacity = results && count ? *count : 0, ran = 0;
	uint32_t first = 0;

	pthread_rwlock_rdlock(&hook.lock);
	if (!hook.loaded) {
		pthread_rwlock_unlock(&hook.lock);
		return -ENODEV;
	}
	for (struct hook_binding *b = hook.bindings; b; b = b->next) {
		uint32_t result;

		/* -ENOENT: the link is detaching; its program did not run. */
		if (b->dispatch->invoke(b->link, &ctx, &result))
			continue;
		if (ran < capacity)
			results[ran] = result;
		if (!first)
			first = result;
		ran++;
	}
	pthread_rwlock_unlock(&hook.lock);
	if (count)
		*count = ran;
	if (verdict)
		*verdict = first;
	if (counter)
		*counter = ctx.counter;
	return 0;
}

/* ---- load and unload --------------------------------------------------------------------- */

struct sample_state {
	nmr_registrar_t *registrar;
	nmr_handle_t info;
	nmr_handle_t hook;
};

static void deregister(nmr_registrar_t *registrar, nmr_handle_t handle)
{
	/* Pending while links or the core still use us: wait, our code must stay mapped. */
	if (nmr_deregister_provider(registrar, handle) == NMR_PENDING)
		nmr_wait_for_deregistration(registrar, handle);
}

static int sample_load(nmr_registrar_t *registrar, void **state)
{
	struct sample_state *s = calloc(1, sizeof(*s));
	int err;

	if (!s)
		return -ENOMEM;
	s->registrar = registrar;
	err = nmr_register_provider(registrar, &info_provider, NULL, &s->info);
	if (err)
		goto fail;
	err = nmr_register_provider(registrar, &hook_provider, NULL, &s->hook);
	if (err) {
		deregister(registrar, s->info);
		goto fail;
	}
	pthread_rwlock_wrlock(&hook.lock);
	hook.loaded = true;
	pthread_rwlock_unlock(&hook.lock);
	*state = s;
	return 0;
fail:
	free(s);
	return err;
}

static void sample_unload(void *state)
{
	struct sample_state *s = state;

	pthread_rwlock_wrlock(&hook.lock);
	hook.loaded = false; /* fires from now on return -ENODEV */
	pthread_rwlock_unlock(&hook.lock);
	deregister(s->registrar, s->hook); /* detaches every link */
	deregister(s->registrar, s->info);
	free(s);
}

EBPF_EXTENSION_DEFINE(sample, "example program type and hook over a byte buffer", sample_load,
		      sample_unload)
