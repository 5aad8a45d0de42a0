/* SPDX-License-Identifier: MIT */
/*
 * Test providers and clients for the registrar's unit tests: each records what the registrar
 * told it (offers, attaches, detaches, cleanups, in order) so that a test can assert on it.
 * Callbacks may run on other threads, where cmocka's assertions must not be used: they count
 * violations instead, which every test checks at its end.
 */
#ifndef EXTBPF_TESTS_NMR_MODEL_H
#define EXTBPF_TESTS_NMR_MODEL_H

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <extbpf/nmr.h>

static atomic_int model_violations;
static atomic_int model_sequence;

#define MODEL_CHECK(cond)                                                                          \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);   \
			atomic_fetch_add(&model_violations, 1);                                    \
		}                                                                                  \
	} while (0)

static int model_next_seq(void)
{
	return atomic_fetch_add(&model_sequence, 1) + 1;
}

struct tprov;
struct tclient;

/* A provider's binding context: what it learnt of the client. */
struct pctx {
	struct tprov *p;
	nmr_handle_t binding;
	void *client_bc;
	const void *client_dispatch;
	struct nmr_registration_info client_info;
	atomic_int detached;
	int detach_seq;
};

/* A client's binding context: what it learnt of the provider. */
struct cctx {
	struct tclient *c;
	nmr_handle_t binding;
	void *provider_bc;
	const void *provider_dispatch;
	struct nmr_registration_info provider_info;
	atomic_int detached;
	int detach_seq;
};

struct tprov {
	struct nmr_provider_characteristics chars;
	int npi_data;
	int dispatch; /* its address is the provider's dispatch table */
	nmr_handle_t handle;
	int refuse;	   /* attach_client returns this when non-zero */
	int detach_result; /* what detach_client returns */
	atomic_int attaches, detaches, cleanups;
	atomic_int last_detach_seq, last_cleanup_seq;
	struct pctx *_Atomic last;
};

struct tclient {
	struct nmr_client_characteristics chars;
	int npi_data;
	int dispatch;
	nmr_handle_t handle;
	int decline; /* 1: return 0 without attaching; negative: return that */
	int detach_result;
	int attach_result; /* what nmr_client_attach_provider returned last */
	atomic_int offers, attaches, detaches, cleanups;
	atomic_int last_detach_seq, last_cleanup_seq;
	struct cctx *_Atomic last;
};

static const nmr_guid_t model_npi = NMR_GUID(0x6e6d7201, 0x0001, 0x4000, 0x8000, 0x1);
static const nmr_guid_t model_other_npi = NMR_GUID(0x6e6d7201, 0x0002, 0x4000, 0x8000, 0x2);

static int model_attach_client(nmr_registrar_t *r, nmr_handle_t binding, void *provider_context,
			       const struct nmr_registration_info *client, void *client_bc,
			       const void *client_dispatch, void **provider_bc,
			       const void **provider_dispatch)
{
	struct tprov *p = provider_context;
	struct pctx *ctx;

	if (p->refuse)
		return p->refuse;
	ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return -ENOMEM;
	ctx->p = p;
	ctx->binding = binding;
	ctx->client_bc = client_bc;
	ctx->client_dispatch = client_dispatch;
	ctx->client_info = *client;
	*provider_bc = ctx;
	*provider_dispatch = &p->dispatch;
	atomic_store(&p->last, ctx);
	atomic_fetch_add(&p->attaches, 1);
	return 0;
}

static int model_detach_client(void *provider_bc)
{
	struct pctx *ctx = provider_bc;

	MODEL_CHECK(atomic_fetch_add(&ctx->detached, 1) == 0);
	ctx->detach_seq = model_next_seq();
	atomic_store(&ctx->p->last_detach_seq, ctx->detach_seq);
	atomic_fetch_add(&ctx->p->detaches, 1);
	return ctx->p->detach_result;
}

static void model_provider_cleanup(void *provider_bc)
{
	struct pctx *ctx = provider_bc;

	MODEL_CHECK(atomic_load(&ctx->detached) == 1);
	atomic_store(&ctx->p->last_cleanup_seq, model_next_seq());
	atomic_fetch_add(&ctx->p->cleanups, 1);
	free(ctx);
}

/* The default attach_provider: attach unless told to decline. */
static int model_attach_provider(nmr_registrar_t *r, nmr_handle_t binding, void *client_context,
				 const struct nmr_registration_info *provider)
{
	struct tclient *c = client_context;
	struct cctx *ctx;
	int ret;

	atomic_fetch_add(&c->offers, 1);
	if (c->decline)
		return c->decline > 0 ? 0 : c->decline;
	ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return -ENOMEM;
	ctx->c = c;
	ctx->binding = binding;
	ctx->provider_info = *provider;
	ret = nmr_client_attach_provider(r, binding, ctx, &c->dispatch, &ctx->provider_bc,
					 &ctx->provider_dispatch);
	c->attach_result = ret;
	if (ret) {
		free(ctx);
		return ret;
	}
	atomic_store(&c->last, ctx);
	atomic_fetch_add(&c->attaches, 1);
	return 0;
}

static int model_detach_provider(void *client_bc)
{
	struct cctx *ctx = client_bc;

	MODEL_CHECK(atomic_fetch_add(&ctx->detached, 1) == 0);
	ctx->detach_seq = model_next_seq();
	atomic_store(&ctx->c->last_detach_seq, ctx->detach_seq);
	atomic_fetch_add(&ctx->c->detaches, 1);
	return ctx->c->detach_result;
}

static void model_client_cleanup(void *client_bc)
{
	struct cctx *ctx = client_bc;

	MODEL_CHECK(atomic_load(&ctx->detached) == 1);
	atomic_store(&ctx->c->last_cleanup_seq, model_next_seq());
	atomic_fetch_add(&ctx->c->cleanups, 1);
	free(ctx);
}

static nmr_guid_t model_module_id(uint32_t kind, uint32_t index)
{
	nmr_guid_t id = NMR_GUID(0x6d6f6400, 0x0000, 0x4000, 0x8000, 0x0);

	id.bytes[4] = (uint8_t)kind;
	id.bytes[15] = (uint8_t)index;
	return id;
}

static void tprov_init(struct tprov *p, uint32_t index, const nmr_guid_t *npi)
{
	memset(p, 0, sizeof(*p));
	p->chars.info.npi_id = *npi;
	p->chars.info.module_id = model_module_id(1, index);
	p->chars.info.version = index;
	p->chars.info.npi_specific = &p->npi_data;
	p->chars.info.npi_specific_size = sizeof(p->npi_data);
	p->chars.attach_client = model_attach_client;
	p->chars.detach_client = model_detach_client;
	p->chars.cleanup_binding_context = model_provider_cleanup;
	p->npi_data = (int)index;
}

static void tclient_init(struct tclient *c, uint32_t index, const nmr_guid_t *npi)
{
	memset(c, 0, sizeof(*c));
	c->chars.info.npi_id = *npi;
	c->chars.info.module_id = model_module_id(2, index);
	c->chars.info.version = index;
	c->chars.info.npi_specific = &c->npi_data;
	c->chars.info.npi_specific_size = sizeof(c->npi_data);
	c->chars.attach_provider = model_attach_provider;
	c->chars.detach_provider = model_detach_provider;
	c->chars.cleanup_binding_context = model_client_cleanup;
	c->npi_data = 100 + (int)index;
}

#endif /* EXTBPF_TESTS_NMR_MODEL_H */
