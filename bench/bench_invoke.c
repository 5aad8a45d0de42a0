// SPDX-License-Identifier: MIT
/*
 * Invocation overhead: an empty program (progs/empty.bpf.c) invoked through the hook contract,
 * ns per call, in each engine:
 * - sample_hook_fire with one link attached: what a host of the sample extension pays (the
 *   extension's own read lock and context set-up included);
 * - the link's dispatch table called directly (invoke, and batch_invoke between batch_begin and
 *   batch_end, 64 calls per batch): what any extension pays. The sample extension does not use
 *   the batch calls, so this file registers a minimal hook provider of its own, "bench_hook",
 *   for the sample program type, to get hold of the dispatch table a link hands to providers.
 * For scale, an indirect call to an empty C function is timed too.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <extbpf/extbpf.h>

#include "bench.h"
#include "sample_ext.h"

#define BENCH_ATTACH_TYPE_GUID NMR_GUID(0x6d1c0f7e, 0x2b9a, 0x4c55, 0x8e21, 0x5a0b7c3d9e01)
#define BENCH_MODULE_ID	       NMR_GUID(0x6d1c0f7e, 0x2b9a, 0x4c55, 0x8e21, 0x5a0b7c3d9e00)
#define BATCH_SIZE	       64

/* The one link bound to bench_hook (the provider context). */
struct bench_hook {
	void *link;
	const struct ebpf_link_dispatch *dispatch;
};

static int hook_attach_client(nmr_registrar_t *registrar, nmr_handle_t binding,
			      void *provider_context, const struct nmr_registration_info *client,
			      void *client_binding_context, const void *client_dispatch,
			      void **provider_binding_context, const void **provider_dispatch)
{
	struct bench_hook *hook = provider_context;
	const struct ebpf_link_dispatch *dispatch = client_dispatch;

	if (hook->link || !dispatch || !dispatch->invoke)
		return -EBUSY;
	if (dispatch->header.size < sizeof(*dispatch) || !dispatch->batch_invoke)
		return -EOPNOTSUPP;
	hook->link = client_binding_context;
	hook->dispatch = dispatch;
	*provider_binding_context = hook;
	*provider_dispatch = NULL;
	return 0;
}

static int hook_detach_client(void *provider_binding_context)
{
	struct bench_hook *hook = provider_binding_context;

	hook->link = NULL;
	hook->dispatch = NULL;
	return 0;
}

static const struct ebpf_attach_provider_data hook_data = {
	.header = EBPF_EXTENSION_HEADER(struct ebpf_attach_provider_data,
					EBPF_ATTACH_PROVIDER_DATA_VERSION),
	.name = "bench_hook",
	.attach_type = BENCH_ATTACH_TYPE_GUID,
	.program_type = SAMPLE_PROGRAM_TYPE_GUID,
};

static const struct nmr_provider_characteristics hook_provider = {
	.info = {
		.npi_id = EBPF_HOOK_NPI_ID,
		.module_id = BENCH_MODULE_ID,
		.version = EBPF_ATTACH_PROVIDER_DATA_VERSION,
		.npi_specific = &hook_data,
		.npi_specific_size = sizeof(hook_data),
	},
	.attach_client = hook_attach_client,
	.detach_client = hook_detach_client,
};

/* ---- the timed loops --------------------------------------------------------------------- */

struct invoke_run {
	struct bench_hook *hook;
	struct sample_ctx ctx;
	unsigned char data[64];
	uint32_t (*empty_fn)(void *ctx);
	volatile uint32_t sink;
};

static int fire_batch(void *arg, uint64_t iterations)
{
	struct invoke_run *r = arg;
	uint32_t verdict = 0, acc = 0;

	for (uint64_t i = 0; i < iterations; i++) {
		int err = sample_hook_fire(r->data, sizeof(r->data), 0, &verdict, NULL, NULL, NULL);

		if (err)
			return err;
		acc += verdict;
	}
	r->sink = acc;
	return 0;
}

static int invoke_batch(void *arg, uint64_t iterations)
{
	struct invoke_run *r = arg;
	const struct ebpf_link_dispatch *d = r->hook->dispatch;
	uint32_t result = 0, acc = 0;

	for (uint64_t i = 0; i < iterations; i++) {
		int err = d->invoke(r->hook->link, &r->ctx, &result);

		if (err)
			return err;
		acc += result;
	}
	r->sink = acc;
	return 0;
}

/* iterations calls, in batches of BATCH_SIZE (begin and end included in the cost). */
static int batched_batch(void *arg, uint64_t iterations)
{
	struct invoke_run *r = arg;
	const struct ebpf_link_dispatch *d = r->hook->dispatch;
	uint32_t result = 0, acc = 0;
	struct ebpf_batch_state state;
	uint64_t done = 0;

	while (done < iterations) {
		uint64_t n = iterations - done < BATCH_SIZE ? iterations - done : BATCH_SIZE;
		int err = d->batch_begin(r->hook->link, &state);

		for (uint64_t i = 0; !err && i < n; i++) {
			err = d->batch_invoke(r->hook->link, &r->ctx, &result, &state);
			acc += result;
		}
		d->batch_end(r->hook->link, &state);
		if (err)
			return err;
		done += n;
	}
	r->sink = acc;
	return 0;
}

/* The scale: an indirect call of an empty C function. */
static __attribute__((noinline)) uint32_t empty_c(void *ctx)
{
	__asm__ volatile("" ::: "memory");
	return 0;
}

static int c_call_batch(void *arg, uint64_t iterations)
{
	struct invoke_run *r = arg;
	uint32_t (*volatile fn)(void *) = r->empty_fn;
	uint32_t acc = 0;

	for (uint64_t i = 0; i < iterations; i++)
		acc += fn(&r->ctx);
	r->sink = acc;
	return 0;
}

/* ---- per engine -------------------------------------------------------------------------- */

struct invoke_figures {
	double fire, invoke, batch;
};

static int attach(struct ebpf_program *program, const char *hook, struct ebpf_link **link)
{
	int err = ebpf_program_attach_by_name(program, hook, NULL, 0, link);

	if (err)
		fprintf(stderr, "bench: attaching the empty program to %s: %s\n", hook,
			ebpf_last_error());
	return err;
}

static int time_engine(struct bench_opts *b, int mode, struct invoke_run *r,
		       struct invoke_figures *f)
{
	struct ebpf_link *fire_link = NULL, *hook_link = NULL;
	struct bench_variant v[3] = {
		{ .fn = fire_batch, .arg = r },
		{ .fn = invoke_batch, .arg = r },
		{ .fn = batched_batch, .arg = r },
	};
	struct ebpf_object *object;
	struct ebpf_program *program;
	int err;

	err = bench_open(b, "empty", mode, &object);
	if (err)
		return err;
	program = ebpf_object_next_program(object, NULL);
	err = attach(program, "sample_hook", &fire_link);
	if (!err)
		err = attach(program, "bench_hook", &hook_link);
	if (!err)
		err = bench_time_interleaved(b, v, 3);
	f->fire = v[0].median_ns;
	f->invoke = v[1].median_ns;
	f->batch = v[2].median_ns;
	if (hook_link)
		ebpf_link_detach(hook_link);
	if (fire_link)
		ebpf_link_detach(fire_link);
	ebpf_object_close(object);
	return err;
}

static void record_engine(struct bench_opts *b, int mode, const struct invoke_figures *f)
{
	const char *name = bench_mode_name(mode);

	printf("%-8s %22.2f %22.2f %22.2f\n", name, f->fire, f->invoke, f->batch);
	bench_record(b, "invoke", name, "sample_hook_fire_ns", f->fire, "ns/call");
	bench_record(b, "invoke", name, "dispatch_invoke_ns", f->invoke, "ns/call");
	bench_record(b, "invoke", name, "dispatch_batch64_ns", f->batch, "ns/call");
	if (mode != EBPF_MODE_JIT)
		return;
	bench_target(b, "invoke: sample_hook_fire, 1 link (JIT)", f->fire, 10, "ns/call", true);
	bench_target(b, "invoke: link dispatch invoke (JIT)", f->invoke, 10, "ns/call", true);
	bench_target(b, "invoke: link dispatch, batch of 64 (JIT)", f->batch, 10, "ns/call", true);
}

static int register_hook(struct bench_hook *hook, nmr_handle_t *handle)
{
	int err = nmr_register_provider(ebpf_runtime_registrar(), &hook_provider, hook, handle);

	if (err)
		fprintf(stderr, "bench: cannot register bench_hook: %s\n", strerror(-err));
	return err;
}

static void deregister_hook(nmr_handle_t handle)
{
	nmr_registrar_t *registrar = ebpf_runtime_registrar();

	if (nmr_deregister_provider(registrar, handle) == NMR_PENDING)
		nmr_wait_for_deregistration(registrar, handle);
}

int bench_invoke(struct bench_opts *b)
{
	static const int modes[] = { EBPF_MODE_INTERP, EBPF_MODE_JIT, EBPF_MODE_NATIVE };
	struct bench_hook hook = { 0 };
	struct invoke_run r = { .hook = &hook, .empty_fn = empty_c };
	struct bench_variant c_call = { .fn = c_call_batch, .arg = &r };
	nmr_handle_t handle;
	int err;

	r.ctx.data = (uintptr_t)r.data;
	r.ctx.data_end = (uintptr_t)(r.data + sizeof(r.data));
	err = register_hook(&hook, &handle);
	if (err)
		return err;
	printf("\n== Invocation of an empty program: ns per call ==\n");
	printf("%-8s %22s %22s %22s\n", "engine", "sample_hook_fire", "dispatch invoke",
	       "dispatch batch of 64");
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		struct invoke_figures f = { NAN, NAN, NAN };
		int m_err = time_engine(b, modes[i], &r, &f);

		if (m_err && !err)
			err = m_err;
		record_engine(b, modes[i], &f);
	}
	if (!bench_time_interleaved(b, &c_call, 1)) {
		printf("(for scale: an indirect call of an empty C function takes %.2f ns)\n",
		       c_call.median_ns);
		bench_record(b, "invoke", "c_function", "indirect_call_ns", c_call.median_ns,
			     "ns/call");
	}
	deregister_hook(handle);
	return err;
}
