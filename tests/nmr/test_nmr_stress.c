/* SPDX-License-Identifier: MIT */
/*
 * Stress test of the registrar: worker threads register and deregister providers and clients of
 * two NPIs at random for EXTBPF_STRESS_SECONDS (3 by default), with clients that decline,
 * providers that refuse, and detaches that complete at once, inline before returning
 * NMR_PENDING, or later from a completer thread (possibly before the callback has returned).
 * Deregistrations use both the wait and the callback variant.
 *
 * Checked: every successful attach is matched by exactly one detach and one cleanup on each
 * side; a registration's deregistration never completes while a binding context that names it
 * is alive; stale handles are refused; at the end the registrar is empty and destroyable.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include <extbpf/nmr.h>

#define N_NPI	  2
#define N_PROV	  6
#define N_CLIENT  8
#define N_WORKERS 4

static atomic_int violations;

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);   \
			atomic_fetch_add(&violations, 1);                                          \
		}                                                                                  \
	} while (0)

enum slot_state {
	SLOT_FREE,
	SLOT_REGISTERED,
	SLOT_COMPLETING, /* deregistered by callback, done() not called yet */
};

/* One provider or client module; its owner thread holds `lock` to register or deregister it. */
struct slot {
	pthread_mutex_t lock;
	atomic_int state;
	nmr_handle_t handle;
	atomic_int live; /* binding contexts (either side's) that name this registration */
	union {
		struct nmr_provider_characteristics provider;
		struct nmr_client_characteristics client;
	};
	int dispatch;
	bool is_client;
	struct stress *s;
};

/* What the completer thread must complete. */
struct pending {
	nmr_handle_t binding;
	bool is_client;
	struct pending *next;
};

struct stress {
	nmr_registrar_t *r;
	struct slot providers[N_PROV], clients[N_CLIENT];
	atomic_bool stop;
	pthread_mutex_t queue_lock;
	pthread_cond_t queue_cond;
	struct pending *queue;
	bool completer_stop;
	atomic_uint seed;
	atomic_long attaches, provider_detaches, client_detaches;
	atomic_long provider_cleanups, client_cleanups;
	atomic_long registrations, offers, declines, refusals, shutdown_refusals;
	atomic_long pending_completions;
};

/* One side of one binding. */
struct side_ctx {
	struct stress *s;
	struct slot *self, *peer;
	nmr_handle_t binding;
	bool is_client;
	atomic_int detaches;
};

static uint32_t next_random(uint32_t *state)
{
	uint32_t x = *state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*state = x;
	return x;
}

/* Callbacks draw from a shared generator: they run on any thread. */
static uint32_t shared_random(struct stress *s)
{
	uint32_t x = atomic_fetch_add(&s->seed, 0x9e3779b9u);

	x ^= x >> 16;
	x *= 0x85ebca6bu;
	x ^= x >> 13;
	return x;
}

static void enqueue_completion(struct stress *s, nmr_handle_t binding, bool client)
{
	struct pending *p = malloc(sizeof(*p));

	CHECK(p != NULL);
	if (!p)
		return;
	p->binding = binding;
	p->is_client = client;
	pthread_mutex_lock(&s->queue_lock);
	p->next = s->queue;
	s->queue = p;
	pthread_cond_signal(&s->queue_cond);
	pthread_mutex_unlock(&s->queue_lock);
}

static int complete(struct stress *s, nmr_handle_t binding, bool client)
{
	atomic_fetch_add(&s->pending_completions, 1);
	if (client)
		return nmr_client_detach_provider_complete(s->r, binding);
	return nmr_provider_detach_client_complete(s->r, binding);
}

static void *completer_main(void *arg)
{
	struct stress *s = arg;

	pthread_mutex_lock(&s->queue_lock);
	for (;;) {
		struct pending *p = s->queue;

		if (!p) {
			if (s->completer_stop)
				break;
			pthread_cond_wait(&s->queue_cond, &s->queue_lock);
			continue;
		}
		s->queue = p->next;
		pthread_mutex_unlock(&s->queue_lock);
		CHECK(complete(s, p->binding, p->is_client) == 0);
		free(p);
		pthread_mutex_lock(&s->queue_lock);
	}
	pthread_mutex_unlock(&s->queue_lock);
	return NULL;
}

static struct side_ctx *side_new(struct stress *s, struct slot *self, struct slot *peer,
				 nmr_handle_t binding, bool client)
{
	struct side_ctx *ctx = calloc(1, sizeof(*ctx));

	if (!ctx)
		return NULL;
	ctx->s = s;
	ctx->self = self;
	ctx->peer = peer;
	ctx->binding = binding;
	ctx->is_client = client;
	atomic_fetch_add(&self->live, 1);
	atomic_fetch_add(&peer->live, 1);
	return ctx;
}

/* A detach finishes at once, inline before NMR_PENDING, or on the completer thread. */
static int side_detach(void *context)
{
	struct side_ctx *ctx = context;
	struct stress *s = ctx->s;

	CHECK(atomic_fetch_add(&ctx->detaches, 1) == 0);
	atomic_fetch_add(ctx->is_client ? &s->client_detaches : &s->provider_detaches, 1);
	switch (shared_random(s) % 4) {
	case 0:
		return 0;
	case 1:
		CHECK(complete(s, ctx->binding, ctx->is_client) == 0);
		return NMR_PENDING;
	default:
		enqueue_completion(s, ctx->binding, ctx->is_client);
		return NMR_PENDING;
	}
}

static void side_cleanup(void *context)
{
	struct side_ctx *ctx = context;

	CHECK(atomic_load(&ctx->detaches) == 1);
	atomic_fetch_add(ctx->is_client ? &ctx->s->client_cleanups : &ctx->s->provider_cleanups, 1);
	CHECK(atomic_fetch_sub(&ctx->self->live, 1) > 0);
	CHECK(atomic_fetch_sub(&ctx->peer->live, 1) > 0);
	free(ctx);
}

static int provider_attach_client(nmr_registrar_t *r, nmr_handle_t binding, void *provider_context,
				  const struct nmr_registration_info *client, void *client_bc,
				  const void *client_dispatch, void **provider_bc,
				  const void **provider_dispatch)
{
	struct slot *self = provider_context;
	struct side_ctx *peer_ctx = client_bc;
	struct side_ctx *ctx;

	CHECK(peer_ctx->binding == binding);
	CHECK(client_dispatch == &peer_ctx->self->dispatch);
	if (shared_random(self->s) % 10 == 0) {
		atomic_fetch_add(&self->s->refusals, 1);
		return -EPERM;
	}
	if (shared_random(self->s) % 2)
		sched_yield();
	ctx = side_new(self->s, self, peer_ctx->self, binding, false);
	if (!ctx)
		return -ENOMEM;
	*provider_bc = ctx;
	*provider_dispatch = &self->dispatch;
	return 0;
}

static int client_attach_provider(nmr_registrar_t *r, nmr_handle_t binding, void *client_context,
				  const struct nmr_registration_info *provider)
{
	struct slot *self = client_context;
	struct stress *s = self->s;
	struct slot *peer = (struct slot *)provider->npi_specific;
	struct side_ctx *ctx, *peer_ctx;
	const void *peer_dispatch = NULL;
	void *peer_bc = NULL;
	int ret;

	atomic_fetch_add(&s->offers, 1);
	if (shared_random(s) % 4 == 0) {
		atomic_fetch_add(&s->declines, 1);
		return 0;
	}
	ctx = side_new(s, self, peer, binding, true);
	if (!ctx)
		return -ENOMEM;
	/* Yielding inside the offer lets deregistrations overlap attaches more often. */
	if (shared_random(s) % 2)
		sched_yield();
	ret =
	    nmr_client_attach_provider(r, binding, ctx, &self->dispatch, &peer_bc, &peer_dispatch);
	/* Refused by the provider, or one side started deregistering before the attach. */
	if (ret == -ESHUTDOWN)
		atomic_fetch_add(&s->shutdown_refusals, 1);
	if (ret) {
		CHECK(ret == -EPERM || ret == -ESHUTDOWN);
		atomic_fetch_sub(&self->live, 1);
		atomic_fetch_sub(&peer->live, 1);
		free(ctx);
		return 0;
	}
	peer_ctx = peer_bc;
	CHECK(peer_dispatch == &peer->dispatch);
	CHECK(peer_ctx && peer_ctx->binding == binding && peer_ctx->peer == self);
	atomic_fetch_add(&s->attaches, 1);
	if (shared_random(s) % 2)
		sched_yield();
	return 0;
}

/* The registration of this slot is over: nothing may still name it. */
static void slot_completed(struct slot *slot, nmr_handle_t old)
{
	CHECK(atomic_load(&slot->live) == 0);
	CHECK(nmr_deregister_provider(slot->s->r, old) == -ENOENT);
	CHECK(nmr_deregister_client(slot->s->r, old) == -ENOENT);
}

static void slot_done(void *arg)
{
	struct slot *slot = arg;

	slot_completed(slot, slot->handle);
	atomic_store(&slot->state, SLOT_FREE);
}

/* Registers a free slot or deregisters a registered one. Slot lock held. */
static void slot_toggle(struct stress *s, struct slot *slot, uint32_t *rnd)
{
	int ret;

	if (atomic_load(&slot->state) == SLOT_COMPLETING)
		return;
	if (atomic_load(&slot->state) == SLOT_FREE) {
		if (slot->is_client)
			ret = nmr_register_client(s->r, &slot->client, slot, &slot->handle);
		else
			ret = nmr_register_provider(s->r, &slot->provider, slot, &slot->handle);
		CHECK(ret == 0);
		if (!ret) {
			atomic_fetch_add(&s->registrations, 1);
			atomic_store(&slot->state, SLOT_REGISTERED);
		}
		return;
	}
	if (next_random(rnd) % 2) {
		atomic_store(&slot->state, SLOT_COMPLETING);
		ret = nmr_deregister_with_callback(s->r, slot->handle, slot_done, slot);
		CHECK(ret == 0);
		return;
	}
	if (slot->is_client)
		ret = nmr_deregister_client(s->r, slot->handle);
	else
		ret = nmr_deregister_provider(s->r, slot->handle);
	CHECK(ret == 0 || ret == NMR_PENDING);
	if (ret == NMR_PENDING)
		CHECK(nmr_wait_for_deregistration(s->r, slot->handle) == 0);
	slot_completed(slot, slot->handle);
	atomic_store(&slot->state, SLOT_FREE);
}

struct worker {
	pthread_t thread;
	struct stress *s;
	uint32_t rnd;
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct stress *s = w->s;

	while (!atomic_load(&s->stop)) {
		uint32_t pick = next_random(&w->rnd) % (N_PROV + N_CLIENT);
		struct slot *slot =
		    pick < N_PROV ? &s->providers[pick] : &s->clients[pick - N_PROV];

		if (pthread_mutex_trylock(&slot->lock))
			continue;
		slot_toggle(s, slot, &w->rnd);
		pthread_mutex_unlock(&slot->lock);
	}
	return NULL;
}

static void slot_init(struct stress *s, struct slot *slot, int index, bool client)
{
	struct nmr_registration_info info = {
		.npi_id = NMR_GUID(0x57e55000, 0x0001, 0x4000, 0x8000, 0x0),
		.module_id = NMR_GUID(0x57e55000, 0x0002, 0x4000, 0x8000, 0x0),
		.version = 1,
		.npi_specific = slot,
		.npi_specific_size = sizeof(*slot),
	};

	info.npi_id.bytes[15] = (uint8_t)(index % N_NPI);
	info.module_id.bytes[14] = client;
	info.module_id.bytes[15] = (uint8_t)index;
	pthread_mutex_init(&slot->lock, NULL);
	slot->s = s;
	slot->is_client = client;
	if (client) {
		slot->client.info = info;
		slot->client.attach_provider = client_attach_provider;
		slot->client.detach_provider = side_detach;
		slot->client.cleanup_binding_context = side_cleanup;
	} else {
		slot->provider.info = info;
		slot->provider.attach_client = provider_attach_client;
		slot->provider.detach_client = side_detach;
		slot->provider.cleanup_binding_context = side_cleanup;
	}
}

static double stress_seconds(void)
{
	const char *text = getenv("EXTBPF_STRESS_SECONDS");
	double seconds = text ? strtod(text, NULL) : 0;

	return seconds > 0 ? seconds : 3;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Deregisters whatever is left and waits for every callback-variant completion. */
static void drain(struct stress *s)
{
	uint32_t rnd = 1;
	int i;

	for (i = 0; i < N_PROV + N_CLIENT; i++) {
		struct slot *slot = i < N_PROV ? &s->providers[i] : &s->clients[i - N_PROV];

		pthread_mutex_lock(&slot->lock);
		while (atomic_load(&slot->state) == SLOT_COMPLETING)
			sched_yield();
		if (atomic_load(&slot->state) == SLOT_REGISTERED)
			slot_toggle(s, slot, &rnd);
		while (atomic_load(&slot->state) != SLOT_FREE)
			sched_yield();
		pthread_mutex_unlock(&slot->lock);
	}
}

static void test_stress(void **state)
{
	struct stress *s = calloc(1, sizeof(*s));
	struct worker workers[N_WORKERS];
	pthread_t completer;
	double end;
	int i;

	assert_non_null(s);
	assert_int_equal(nmr_registrar_create(&s->r), 0);
	atomic_store(&s->seed, 0x12345678u);
	pthread_mutex_init(&s->queue_lock, NULL);
	pthread_cond_init(&s->queue_cond, NULL);
	for (i = 0; i < N_PROV; i++)
		slot_init(s, &s->providers[i], i, false);
	for (i = 0; i < N_CLIENT; i++)
		slot_init(s, &s->clients[i], i, true);

	assert_int_equal(pthread_create(&completer, NULL, completer_main, s), 0);
	for (i = 0; i < N_WORKERS; i++) {
		workers[i].s = s;
		workers[i].rnd = 0x9e3779b9u * (uint32_t)(i + 1);
		assert_int_equal(pthread_create(&workers[i].thread, NULL, worker_main, &workers[i]),
				 0);
	}
	end = now() + stress_seconds();
	while (now() < end && !atomic_load(&violations)) {
		struct timespec tick = { 0, 50 * 1000 * 1000 };

		nanosleep(&tick, NULL);
	}
	atomic_store(&s->stop, true);
	for (i = 0; i < N_WORKERS; i++)
		assert_int_equal(pthread_join(workers[i].thread, NULL), 0);
	drain(s);
	pthread_mutex_lock(&s->queue_lock);
	s->completer_stop = true;
	pthread_cond_signal(&s->queue_cond);
	pthread_mutex_unlock(&s->queue_lock);
	assert_int_equal(pthread_join(completer, NULL), 0);

	printf("registrations %ld, offers %ld, declines %ld, refusals %ld (%ld as deregistering), "
	       "attaches %ld, pending completions %ld\n",
	       atomic_load(&s->registrations), atomic_load(&s->offers), atomic_load(&s->declines),
	       atomic_load(&s->refusals), atomic_load(&s->shutdown_refusals),
	       atomic_load(&s->attaches), atomic_load(&s->pending_completions));
	assert_int_equal(atomic_load(&violations), 0);
	assert_true(atomic_load(&s->attaches) > 0);
	assert_int_equal(atomic_load(&s->provider_detaches), atomic_load(&s->attaches));
	assert_int_equal(atomic_load(&s->client_detaches), atomic_load(&s->attaches));
	assert_int_equal(atomic_load(&s->provider_cleanups), atomic_load(&s->attaches));
	assert_int_equal(atomic_load(&s->client_cleanups), atomic_load(&s->attaches));
	for (i = 0; i < N_PROV; i++)
		assert_int_equal(atomic_load(&s->providers[i].live), 0);
	for (i = 0; i < N_CLIENT; i++)
		assert_int_equal(atomic_load(&s->clients[i].live), 0);
	assert_null(s->queue);
	assert_int_equal(nmr_registrar_destroy(s->r), 0);

	for (i = 0; i < N_PROV; i++)
		pthread_mutex_destroy(&s->providers[i].lock);
	for (i = 0; i < N_CLIENT; i++)
		pthread_mutex_destroy(&s->clients[i].lock);
	pthread_cond_destroy(&s->queue_cond);
	pthread_mutex_destroy(&s->queue_lock);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stress),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
