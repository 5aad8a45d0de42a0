/* SPDX-License-Identifier: MIT */
/* Unit tests of the module registrar (src/nmr): binding, detaching, waiting, bad use, GUIDs. */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "nmr/nmr_test_model.h"

struct fixture {
	nmr_registrar_t *r;
	pthread_mutex_t log_lock;
	char log[512];
	int log_error;
	int log_count;
};

static void fixture_log(void *arg, int error, const char *message)
{
	struct fixture *f = arg;

	pthread_mutex_lock(&f->log_lock);
	snprintf(f->log, sizeof(f->log), "%s", message);
	f->log_error = error;
	f->log_count++;
	pthread_mutex_unlock(&f->log_lock);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f || nmr_registrar_create(&f->r))
		return -1;
	pthread_mutex_init(&f->log_lock, NULL);
	nmr_registrar_set_log(f->r, fixture_log, f);
	atomic_store(&model_violations, 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	int ret = nmr_registrar_destroy(f->r);

	pthread_mutex_destroy(&f->log_lock);
	free(f);
	return ret || atomic_load(&model_violations) ? -1 : 0;
}

/* The last message logged must contain `needle`, for error `error`. */
static void assert_logged(struct fixture *f, int error, const char *needle)
{
	pthread_mutex_lock(&f->log_lock);
	assert_int_equal(f->log_error, error);
	if (!strstr(f->log, needle))
		fail_msg("log '%s' does not mention '%s'", f->log, needle);
	pthread_mutex_unlock(&f->log_lock);
}

static void assert_no_violation(void)
{
	assert_int_equal(atomic_load(&model_violations), 0);
}

/* ---- GUIDs ---- */

static void test_guid_parse_valid(void **state)
{
	static const nmr_guid_t expected =
	    NMR_GUID(0x3474a18c, 0x6023, 0x4e12, 0x89f9, 0x977eeb5853b4);
	static const uint8_t bytes[16] = { 0x34, 0x74, 0xa1, 0x8c, 0x60, 0x23, 0x4e, 0x12,
					   0x89, 0xf9, 0x97, 0x7e, 0xeb, 0x58, 0x53, 0xb4 };
	const char *forms[] = {
		"3474a18c-6023-4e12-89f9-977eeb5853b4",
		"3474A18C-6023-4E12-89F9-977EEB5853B4",
		"{3474a18c-6023-4e12-89f9-977eeb5853b4}",
		"{3474a18C-6023-4e12-89F9-977eeB5853b4}",
	};
	size_t i;

	assert_memory_equal(expected.bytes, bytes, 16);
	for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		nmr_guid_t g;

		assert_int_equal(nmr_guid_parse(forms[i], &g), 0);
		assert_memory_equal(g.bytes, bytes, 16);
		assert_true(nmr_guid_equal(&g, &expected));
	}
}

static void test_guid_parse_invalid(void **state)
{
	const char *bad[] = {
		"",
		"3474a18c-6023-4e12-89f9-977eeb5853b",	 /* one digit short */
		"3474a18c-6023-4e12-89f9-977eeb5853b4a", /* one digit long */
		"3474a18c-6023-4e12-89f9-977eeb5853bg",	 /* not hex */
		"3474a18c+6023-4e12-89f9-977eeb5853b4",	 /* wrong separator */
		"3474a18-c6023-4e12-89f9-977eeb5853b4",	 /* dash misplaced */
		"3474a18c60234e1289f9977eeb5853b4",	 /* no dashes */
		"{3474a18c-6023-4e12-89f9-977eeb5853b4", /* unbalanced braces */
		"3474a18c-6023-4e12-89f9-977eeb5853b4}",
		"(3474a18c-6023-4e12-89f9-977eeb5853b4)",
		" 3474a18c-6023-4e12-89f9-977eeb5853b4",
		"3474a18c-6023-4e12-89f9-977eeb5853b4 ",
		"-3474a18c-6023-4e12-89f9-977eeb5853b",
	};
	nmr_guid_t g = NMR_GUID(0x1, 0x2, 0x3, 0x4, 0x5), before = g;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (nmr_guid_parse(bad[i], &g) != -EINVAL)
			fail_msg("'%s' was accepted", bad[i]);
		assert_true(nmr_guid_equal(&g, &before));
	}
	assert_int_equal(nmr_guid_parse(NULL, &g), -EINVAL);
	assert_int_equal(nmr_guid_parse("3474a18c-6023-4e12-89f9-977eeb5853b4", NULL), -EINVAL);
}

static void test_guid_format_and_round_trip(void **state)
{
	static const nmr_guid_t small = NMR_GUID(0x1, 0x2, 0x3, 0x4, 0x5);
	char text[NMR_GUID_STRING_SIZE];
	uint32_t seed = 12345;
	int n, i;

	assert_ptr_equal(nmr_guid_format(&small, text), text);
	assert_string_equal(text, "00000001-0002-0003-0004-000000000005");
	assert_int_equal(
	    nmr_guid_parse("{ABCDEF01-2345-6789-ABCD-EF0123456789}", &(nmr_guid_t){ 0 }), 0);
	for (n = 0; n < 1000; n++) {
		nmr_guid_t g, back;

		for (i = 0; i < 16; i++) {
			seed = seed * 1103515245u + 12345u;
			g.bytes[i] = (uint8_t)(seed >> 16);
		}
		nmr_guid_format(&g, text);
		assert_int_equal(strlen(text), NMR_GUID_STRING_SIZE - 1);
		assert_int_equal(nmr_guid_parse(text, &back), 0);
		assert_memory_equal(back.bytes, g.bytes, 16);
	}
}

static void test_guid_equal(void **state)
{
	nmr_guid_t a = NMR_GUID(0x3474a18c, 0x6023, 0x4e12, 0x89f9, 0x977eeb5853b4), b = a;

	assert_true(nmr_guid_equal(&a, &b));
	b.bytes[15] ^= 1;
	assert_false(nmr_guid_equal(&a, &b));
	b = a;
	b.bytes[0] ^= 0x80;
	assert_false(nmr_guid_equal(&a, &b));
}

/* ---- binding ---- */

/* Everything each side learnt of the other is what the other registered and handed over. */
static void assert_exchanged(struct tprov *p, struct tclient *c)
{
	struct pctx *pc = atomic_load(&p->last);
	struct cctx *cc = atomic_load(&c->last);

	assert_non_null(pc);
	assert_non_null(cc);
	assert_int_equal(pc->binding, cc->binding);
	assert_ptr_equal(cc->provider_bc, pc);
	assert_ptr_equal(cc->provider_dispatch, &p->dispatch);
	assert_ptr_equal(pc->client_bc, cc);
	assert_ptr_equal(pc->client_dispatch, &c->dispatch);
	assert_true(nmr_guid_equal(&cc->provider_info.module_id, &p->chars.info.module_id));
	assert_true(nmr_guid_equal(&cc->provider_info.npi_id, &model_npi));
	assert_int_equal(cc->provider_info.version, p->chars.info.version);
	assert_ptr_equal(cc->provider_info.npi_specific, &p->npi_data);
	assert_int_equal(cc->provider_info.npi_specific_size, sizeof(p->npi_data));
	assert_true(nmr_guid_equal(&pc->client_info.module_id, &c->chars.info.module_id));
	assert_ptr_equal(pc->client_info.npi_specific, &c->npi_data);
	assert_int_equal(pc->client_info.version, c->chars.info.version);
}

static void bind_one(struct fixture *f, bool provider_first)
{
	struct tprov p;
	struct tclient c;

	tprov_init(&p, 1, &model_npi);
	tclient_init(&c, 2, &model_npi);
	if (provider_first) {
		assert_int_equal(nmr_register_provider(f->r, &p.chars, &p, &p.handle), 0);
		assert_int_equal(nmr_register_client(f->r, &c.chars, &c, &c.handle), 0);
	} else {
		assert_int_equal(nmr_register_client(f->r, &c.chars, &c, &c.handle), 0);
		assert_int_equal(nmr_register_provider(f->r, &p.chars, &p, &p.handle), 0);
	}
	assert_int_not_equal(p.handle, NMR_INVALID_HANDLE);
	assert_int_not_equal(c.handle, p.handle);
	assert_int_equal(atomic_load(&c.offers), 1);
	assert_int_equal(atomic_load(&p.attaches), 1);
	assert_int_equal(atomic_load(&c.attaches), 1);
	assert_exchanged(&p, &c);

	/* The client goes: the provider (other side) detaches first, then the client itself. */
	assert_int_equal(nmr_deregister_client(f->r, c.handle), 0);
	assert_int_equal(atomic_load(&p.detaches), 1);
	assert_int_equal(atomic_load(&c.detaches), 1);
	assert_true(atomic_load(&p.last_detach_seq) < atomic_load(&c.last_detach_seq));
	assert_int_equal(atomic_load(&p.cleanups), 1);
	assert_int_equal(atomic_load(&c.cleanups), 1);
	assert_true(atomic_load(&c.last_detach_seq) < atomic_load(&c.last_cleanup_seq));
	assert_int_equal(nmr_deregister_provider(f->r, p.handle), 0);
	assert_int_equal(atomic_load(&p.detaches), 1);
	assert_no_violation();
}

static void test_provider_then_client(void **state)
{
	bind_one(*state, true);
}

static void test_client_then_provider(void **state)
{
	bind_one(*state, false);
}

static void test_provider_deregisters_client_detaches_first(void **state)
{
	struct fixture *f = *state;
	struct tprov p;
	struct tclient c;

	tprov_init(&p, 1, &model_npi);
	tclient_init(&c, 1, &model_npi);
	assert_int_equal(nmr_register_provider(f->r, &p.chars, &p, &p.handle), 0);
	assert_int_equal(nmr_register_client(f->r, &c.chars, &c, &c.handle), 0);
	assert_int_equal(nmr_deregister_provider(f->r, p.handle), 0);
	assert_true(atomic_load(&c.last_detach_seq) < atomic_load(&p.last_detach_seq));
	assert_int_equal(atomic_load(&c.cleanups), 1);
	assert_int_equal(atomic_load(&p.cleanups), 1);
	/* The client stays registered and is offered the next provider. */
	tprov_init(&p, 2, &model_npi);
	assert_int_equal(nmr_register_provider(f->r, &p.chars, &p, &p.handle), 0);
	assert_int_equal(atomic_load(&c.attaches), 2);
	assert_int_equal(nmr_deregister_client(f->r, c.handle), 0);
	assert_int_equal(nmr_deregister_provider(f->r, p.handle), 0);
	assert_int_equal(atomic_load(&p.cleanups), 1);
	assert_no_violation();
}

static void test_decline(void **state)
{
	struct fixture *f = *state;
	struct tprov p;
	struct tclient c, c2;

	tprov_init(&p, 1, &model_npi);
	tclient_init(&c, 1, &model_npi);
	tclient_init(&c2, 2, &model_npi);
	c.decline = 1;
	c2.decline = -ENOTSUP; /* an error from attach_provider is a decline too */
	assert_int_equal(nmr_register_client(f->r, &c.chars, &c, &c.handle), 0);
	assert_int_equal(nmr_register_client(f->r, &c2.chars, &c2, &c2.handle), 0);
	assert_int_equal(nmr_register_provider(f->r, &p.chars, &p, &p.handle), 0);
	assert_int_equal(atomic_load(&c.offers), 1);
	assert_int_equal(atomic_load(&c2.offers), 1);
	assert_int_equal(atomic_load(&p.attaches), 0);
	assert_int_equal(nmr_deregister_provider(f->r, p.handle), 0);
	assert_int_equal(nmr_deregister_client(f->r, c.handle), 0);
	assert_int_equal(nmr_deregister_client(f->r, c2.handle), 0);
	assert_int_equal(atomic_load(&p.detaches) + atomic_load(&c.detaches), 0);
	assert_int_equal(atomic_load(&p.cleanups) + atomic_load(&c.cleanups), 0);
}

static void test_provider_refuses(void **state)
{
	struct fixture *f = *state;
	struct tprov p;
	struct tclient c;
	char module[NMR_GUID_STRING_SIZE];

	tprov_init(&p, 7, &model_npi);
	tclient_init(&c, 1, &model_npi);
	p.refuse = -EPERM;
	assert_int_equal(nmr_register_provider(f->r, &p.chars, &p, &p.handle), 0);
	assert_int_equal(nmr_register_client(f->r, &c.chars, &c, &c.handle), 0);
	assert_int_equal(c.attach_result, -EPERM);
	assert_logged(f, -EPERM, nmr_guid_format(&p.chars.info.module_id, module));
	assert_logged(f, -EPERM, "refused");
	assert_int_equal(atomic_load(&c.attaches), 0);
	assert_int_equal(nmr_deregister_provider(f->r, p.handle), 0);
	assert_int_equal(nmr_deregister_client(f->r, c.handle), 0);
	assert_int_equal(atomic_load(&c.detaches) + atomic_load(&p.detaches), 0);
	/* A positive answer from attach_client is not a success. */
	p.refuse = NMR_PENDING;
	assert_int_equal(nmr_register_provider(f->r, &p.chars, &p, &p.handle), 0);
	assert_int_equal(nmr_register_client(f->r, &c.chars, &c, &c.handle), 0);
	assert_int_equal(c.attach_result, -EPROTO);
	assert_int_equal(nmr_deregister_provider(f->r, p.handle), 0);
	assert_int_equal(nmr_deregister_client(f->r, c.handle), 0);
}

static void test_other_npi_not_offered(void **state)
{
	struct fixture *f = *state;
	struct tprov p;
	struct tclient c;

	tprov_init(&p, 1, &model_npi);
	tclient_init(&c, 1, &model_other_npi);
	assert_int_equal(nmr_register_provider(f->r, &p.chars, &p, &p.handle), 0);
	assert_int_equal(nmr_register_client(f->r, &c.chars, &c, &c.handle), 0);
	assert_int_equal(atomic_load(&c.offers), 0);
	assert_int_equal(nmr_deregister_provider(f->r, p.handle), 0);
	assert_int_equal(nmr_deregister_client(f->r, c.handle), 0);
}

#define NP 3
#define NC 4

/* attached[p][c]: set by the provider, so each pair is counted where the attach happened. */
static atomic_int pair_attached[NP][NC];

static int matrix_attach_client(nmr_registrar_t *r, nmr_handle_t binding, void *provider_context,
				const struct nmr_registration_info *client, void *client_bc,
				const void *client_dispatch, void **provider_bc,
				const void **provider_dispatch)
{
	struct tprov *p = provider_context;

	atomic_fetch_add(&pair_attached[p->npi_data][*(const int *)client->npi_specific - 100], 1);
	return model_attach_client(r, binding, provider_context, client, client_bc, client_dispatch,
				   provider_bc, provider_dispatch);
}

static void test_n_by_m(void **state)
{
	struct fixture *f = *state;
	struct tprov p[NP];
	struct tclient c[NC];
	/* Interleaved: P0 C0 C1 P1 C2 P2 C3. */
	const char *order = "PCCPCPC";
	int ip = 0, ic = 0, i, j;

	memset(pair_attached, 0, sizeof(pair_attached));
	for (i = 0; order[i]; i++) {
		if (order[i] == 'P') {
			tprov_init(&p[ip], ip, &model_npi);
			p[ip].chars.attach_client = matrix_attach_client;
			assert_int_equal(
			    nmr_register_provider(f->r, &p[ip].chars, &p[ip], &p[ip].handle), 0);
			ip++;
		} else {
			tclient_init(&c[ic], ic, &model_npi);
			assert_int_equal(
			    nmr_register_client(f->r, &c[ic].chars, &c[ic], &c[ic].handle), 0);
			ic++;
		}
	}
	for (i = 0; i < NP; i++) {
		for (j = 0; j < NC; j++)
			assert_int_equal(atomic_load(&pair_attached[i][j]), 1);
		assert_int_equal(atomic_load(&p[i].attaches), NC);
	}
	for (j = 0; j < NC; j++)
		assert_int_equal(atomic_load(&c[j].attaches), NP);

	/* Removing one provider detaches its NC bindings, and only those. */
	assert_int_equal(nmr_deregister_provider(f->r, p[1].handle), 0);
	assert_int_equal(atomic_load(&p[1].detaches), NC);
	assert_int_equal(atomic_load(&p[1].cleanups), NC);
	for (j = 0; j < NC; j++) {
		assert_int_equal(atomic_load(&c[j].detaches), 1);
		assert_int_equal(atomic_load(&c[j].cleanups), 1);
	}
	assert_int_equal(atomic_load(&p[0].detaches) + atomic_load(&p[2].detaches), 0);
	/* Removing one client detaches its two remaining bindings. */
	assert_int_equal(nmr_deregister_client(f->r, c[2].handle), 0);
	assert_int_equal(atomic_load(&c[2].cleanups), 3);
	assert_int_equal(atomic_load(&p[0].cleanups), 1);
	assert_int_equal(atomic_load(&p[2].cleanups), 1);

	for (i = 0; i < NP; i++) {
		if (i != 1)
			assert_int_equal(nmr_deregister_provider(f->r, p[i].handle), 0);
	}
	for (j = 0; j < NC; j++) {
		if (j != 2)
			assert_int_equal(nmr_deregister_client(f->r, c[j].handle), 0);
		assert_int_equal(atomic_load(&c[j].detaches), NP);
		assert_int_equal(atomic_load(&c[j].cleanups), NP);
	}
	for (i = 0; i < NP; i++)
		assert_int_equal(atomic_load(&p[i].cleanups), NC);
	assert_no_violation();
}

/* A client that binds only to providers of version 2 or later. */
static int picky_attach_provider(nmr_registrar_t *r, nmr_handle_t binding, void *client_context,
				 const struct nmr_registration_info *provider)
{
	if (provider->version < 2)
		return 0;
	return model_attach_provider(r, binding, client_context, provider);
}

static void test_client_chooses_providers(void **state)
{
	struct fixture *f = *state;
	struct tprov p1, p2, p3;
	struct tclient c;

	tprov_init(&p1, 1, &model_npi);
	tprov_init(&p2, 2, &model_npi);
	tprov_init(&p3, 3, &model_npi);
	tclient_init(&c, 1, &model_npi);
	c.chars.attach_provider = picky_attach_provider;
	assert_int_equal(nmr_register_provider(f->r, &p1.chars, &p1, &p1.handle), 0);
	assert_int_equal(nmr_register_provider(f->r, &p2.chars, &p2, &p2.handle), 0);
	assert_int_equal(nmr_register_client(f->r, &c.chars, &c, &c.handle), 0);
	assert_int_equal(nmr_register_provider(f->r, &p3.chars, &p3, &p3.handle), 0);
	assert_int_equal(atomic_load(&p1.attaches), 0);
	assert_int_equal(atomic_load(&p2.attaches), 1);
	assert_int_equal(atomic_load(&p3.attaches), 1);
	assert_int_equal(atomic_load(&c.attaches), 2);
	assert_int_equal(nmr_deregister_client(f->r, c.handle), 0);
	assert_int_equal(atomic_load(&c.cleanups), 2);
	assert_int_equal(nmr_deregister_provider(f->r, p1.handle), 0);
	assert_int_equal(nmr_deregister_provider(f->r, p2.handle), 0);
	assert_int_equal(nmr_deregister_provider(f->r, p3.handle), 0);
	assert_no_violation();
}

/* ---- pending detach and waiting ---- */

struct completer {
	pthread_t thread;
	nmr_registrar_t *r;
	nmr_handle_t binding;
	bool client;
	atomic_bool finished_work; /* set before completing: the "last use" is over */
	int result;
	pthread_t done_thread; /* which thread ran a done() callback, when one is expected */
};

static void *completer_main(void *arg)
{
	struct completer *x = arg;

	atomic_store(&x->finished_work, true);
	if (x->client)
		x->result = nmr_client_detach_provider_complete(x->r, x->binding);
	else
		x->result = nmr_provider_detach_client_complete(x->r, x->binding);
	return NULL;
}

struct waiter {
	pthread_t thread;
	nmr_registrar_t *r;
	nmr_handle_t handle;
	atomic_bool started;
	int result;
	/* What the waiter saw the moment its wait returned. */
	bool saw_finished_work;
	int saw_client_cleanups, saw_provider_cleanups;
	struct completer *completer;
	struct tclient *c;
	struct tprov *p;
};

static void *waiter_main(void *arg)
{
	struct waiter *w = arg;

	atomic_store(&w->started, true);
	w->result = nmr_wait_for_deregistration(w->r, w->handle);
	w->saw_finished_work = atomic_load(&w->completer->finished_work);
	w->saw_client_cleanups = atomic_load(&w->c->cleanups);
	w->saw_provider_cleanups = atomic_load(&w->p->cleanups);
	return NULL;
}

static void test_pending_detach_completed_from_other_thread(void **state)
{
	struct fixture *f = *state;
	struct completer x = { .r = f->r };
	struct tprov p;
	struct tclient c;

	tprov_init(&p, 1, &model_npi);
	tclient_init(&c, 1, &model_npi);
	p.detach_result = NMR_PENDING;
	assert_int_equal(nmr_register_provider(f->r, &p.chars, &p, &p.handle), 0);
	assert_int_equal(nmr_register_client(f->r, &c.chars, &c, &c.handle), 0);
	assert_int_equal(nmr_deregister_provider(f->r, p.handle), NMR_PENDING);
	assert_int_equal(atomic_load(&p.detaches), 1);
	assert_int_equal(atomic_load(&c.detaches), 1);
	/* The provider has not completed: the binding, and so the handle, must still be there. */
	assert_int_equal(atomic_load(&c.cleanups) + atomic_load(&p.cleanups), 0);
	assert_int_equal(nmr_deregister_provider(f->r, p.handle), -EALREADY);
	assert_logged(f, -EALREADY, "already deregistering");
	/* The client side is complete already: completing it again is bad use. */
	x.binding = atomic_load(&p.last)->binding;
	assert_int_equal(nmr_client_detach_provider_complete(f->r, x.binding), -EINVAL);
	assert_logged(f, -EINVAL, "no client detach is pending");

	assert_int_equal(pthread_create(&x.thread, NULL, completer_main, &x), 0);
	assert_int_equal(nmr_wait_for_deregistration(f->r, p.handle), 0);
	assert_true(atomic_load(&x.finished_work));
	assert_int_equal(atomic_load(&c.cleanups), 1);
	assert_int_equal(atomic_load(&p.cleanups), 1);
	assert_int_equal(pthread_join(x.thread, NULL), 0);
	assert_int_equal(x.result, 0);
	/* Everything is gone: handle and binding. */
	assert_int_equal(nmr_deregister_provider(f->r, p.handle), -ENOENT);
	assert_int_equal(nmr_wait_for_deregistration(f->r, p.handle), -ENOENT);
	assert_int_equal(nmr_provider_detach_client_complete(f->r, x.binding), -ENOENT);
	assert_int_equal(nmr_deregister_client(f->r, c.handle), 0);
	assert_no_violation();
}

static void test_wait_blocks_for_slow_client(void **state)
{
	struct fixture *f = *state;
	struct completer x = { .r = f->r, .client = true };
	struct waiter w = { .r = f->r, .completer = &x };
	struct tprov p;
	struct tclient c;

	tprov_init(&p, 1, &model_npi);
	tclient_init(&c, 1, &model_npi);
	c.detach_result = NMR_PENDING; /* a call into the provider is still in flight */
	w.c = &c;
	w.p = &p;
	assert_int_equal(nmr_register_provider(f->r, &p.chars, &p, &p.handle), 0);
	assert_int_equal(nmr_register_client(f->r, &c.chars, &c, &c.handle), 0);
	assert_int_equal(nmr_deregister_provider(f->r, p.handle), NMR_PENDING);
	w.handle = p.handle;
	x.binding = atomic_load(&c.last)->binding;
	assert_int_equal(pthread_create(&w.thread, NULL, waiter_main, &w), 0);
	while (!atomic_load(&w.started))
		sched_yield();
	/* Only now does the client finish with the provider. */
	assert_int_equal(pthread_create(&x.thread, NULL, completer_main, &x), 0);
	assert_int_equal(pthread_join(w.thread, NULL), 0);
	assert_int_equal(pthread_join(x.thread, NULL), 0);
	assert_int_equal(w.result, 0);
	assert_int_equal(x.result, 0);
	assert_true(w.saw_finished_work);
	assert_int_equal(w.saw_client_cleanups, 1);
	assert_int_equal(w.saw_provider_cleanups, 1);
	assert_int_equal(nmr_deregister_client(f->r, c.handle), 0);
	assert_no_violation();
}

/* Deregistration from both sides while the binding detaches: both wait for the one completion. */
static void test_both_sides_deregister_while_pending(void **state)
{
	struct fixture *f = *state;
	struct tprov p;
	struct tclient c;
	nmr_handle_t binding;

	tprov_init(&p, 1, &model_npi);
	tclient_init(&c, 1, &model_npi);
	c.detach_result = NMR_PENDING;
	assert_int_equal(nmr_register_provider(f->r, &p.chars, &p, &p.handle), 0);
	assert_int_equal(nmr_register_client(f->r, &c.chars, &c, &c.handle), 0);
	binding = atomic_load(&c.last)->binding;
	assert_int_equal(nmr_deregister_provider(f->r, p.handle), NMR_PENDING);
	assert_int_equal(nmr_deregister_client(f->r, c.handle), NMR_PENDING);
	/* Each side was asked to detach once only. */
	assert_int_equal(atomic_load(&c.detaches), 1);
	assert_int_equal(atomic_load(&p.detaches), 1);
	assert_int_equal(nmr_client_detach_provider_complete(f->r, binding), 0);
	assert_int_equal(nmr_wait_for_deregistration(f->r, c.handle), 0);
	assert_int_equal(nmr_wait_for_deregistration(f->r, p.handle), 0);
	assert_int_equal(atomic_load(&c.cleanups), 1);
	assert_int_equal(atomic_load(&p.cleanups), 1);
	assert_no_violation();
}

struct done_record {
	atomic_int count;
	pthread_t thread;
};

static void record_done(void *arg)
{
	struct done_record *d = arg;

	d->thread = pthread_self();
	atomic_fetch_add(&d->count, 1);
}

static void test_deregister_with_callback(void **state)
{
	struct fixture *f = *state;
	struct completer x = { .r = f->r, .client = true };
	struct done_record d = { 0 }, d2 = { 0 };
	struct tprov p;
	struct tclient c;

	tprov_init(&p, 1, &model_npi);
	tclient_init(&c, 1, &model_npi);
	c.detach_result = NMR_PENDING;
	assert_int_equal(nmr_register_provider(f->r, &p.chars, &p, &p.handle), 0);
	assert_int_equal(nmr_register_client(f->r, &c.chars, &c, &c.handle), 0);
	x.binding = atomic_load(&c.last)->binding;
	assert_int_equal(nmr_deregister_with_callback(f->r, p.handle, record_done, &d), 0);
	assert_int_equal(atomic_load(&d.count), 0); /* the client has not completed */
	assert_int_equal(nmr_deregister_with_callback(f->r, p.handle, record_done, &d), -EALREADY);
	assert_int_equal(nmr_wait_for_deregistration(f->r, p.handle), -EINVAL);
	assert_logged(f, -EINVAL, "callback");
	assert_int_equal(pthread_create(&x.thread, NULL, completer_main, &x), 0);
	assert_int_equal(pthread_join(x.thread, NULL), 0);
	assert_int_equal(x.result, 0);
	/* done() ran once, on the thread that completed the last detach, after the cleanups. */
	assert_int_equal(atomic_load(&d.count), 1);
	assert_true(pthread_equal(d.thread, x.thread));
	assert_int_equal(atomic_load(&p.cleanups), 1);
	assert_int_equal(nmr_deregister_provider(f->r, p.handle), -ENOENT);

	/* Nothing pending: done() runs before the call returns, on this thread. */
	assert_int_equal(nmr_deregister_with_callback(f->r, c.handle, record_done, &d2), 0);
	assert_int_equal(atomic_load(&d2.count), 1);
	assert_true(pthread_equal(d2.thread, pthread_self()));
	assert_int_equal(nmr_deregister_client(f->r, c.handle), -ENOENT);
	assert_no_violation();
}

/* ---- completions racing the detach callback ---- */

static int detach_completes_itself(void *client_bc)
{
	struct cctx *ctx = client_bc;
	nmr_registrar_t *r = *(nmr_registrar_t **)ctx->c->chars.info.npi_specific;

	model_detach_provider(client_bc);
	MODEL_CHECK(nmr_client_detach_provider_complete(r, ctx->binding) == 0);
	return NMR_PENDING;
}

static int detach_completed_by_other_thread(void *client_bc)
{
	struct cctx *ctx = client_bc;
	struct completer x = { .client = true, .binding = ctx->binding };

	x.r = *(nmr_registrar_t **)ctx->c->chars.info.npi_specific;
	model_detach_provider(client_bc);
	/* The other thread completes, and is joined, before this callback returns. */
	MODEL_CHECK(pthread_create(&x.thread, NULL, completer_main, &x) == 0);
	MODEL_CHECK(pthread_join(x.thread, NULL) == 0);
	MODEL_CHECK(x.result == 0);
	return NMR_PENDING;
}

static void complete_before_return(struct fixture *f, int (*detach)(void *))
{
	struct tprov p;
	struct tclient c;

	tprov_init(&p, 1, &model_npi);
	tclient_init(&c, 1, &model_npi);
	c.chars.info.npi_specific = &f->r; /* how the callback finds the registrar */
	c.chars.info.npi_specific_size = sizeof(f->r);
	c.chars.detach_provider = detach;
	assert_int_equal(nmr_register_provider(f->r, &p.chars, &p, &p.handle), 0);
	assert_int_equal(nmr_register_client(f->r, &c.chars, &c, &c.handle), 0);
	/* Both sides are complete by the time the callbacks have returned. */
	assert_int_equal(nmr_deregister_provider(f->r, p.handle), 0);
	assert_int_equal(atomic_load(&c.cleanups), 1);
	assert_int_equal(atomic_load(&p.cleanups), 1);
	assert_int_equal(nmr_deregister_client(f->r, c.handle), 0);
	assert_no_violation();
}

static void test_complete_inside_detach_callback(void **state)
{
	complete_before_return(*state, detach_completes_itself);
}

static void test_complete_from_other_thread_before_callback_returns(void **state)
{
	complete_before_return(*state, detach_completed_by_other_thread);
}

/* ---- re-entrant calls from callbacks ---- */

struct reentry {
	struct fixture *f;
	struct tclient inner;
	struct tprov *p; /* deregistered by flagged_attach_provider once attached, when set */
	int register_result, deregister_result, wait_result, attach_result;
	bool in_attach_provider;
	int detaches_during_attach;
	struct done_record done;
};

/* Registers another client from inside the attach callback: it is offered the same provider. */
static int attach_registers_another(nmr_registrar_t *r, nmr_handle_t binding, void *client_context,
				    const struct nmr_registration_info *provider)
{
	struct tclient *c = client_context;
	struct reentry *re = (struct reentry *)c->chars.info.npi_specific;

	re->register_result =
	    nmr_register_client(r, &re->inner.chars, &re->inner, &re->inner.handle);
	return model_attach_provider(r, binding, client_context, provider);
}

static void test_register_from_attach_callback(void **state)
{
	struct fixture *f = *state;
	struct reentry re = { .f = f };
	struct tprov p;
	struct tclient c;

	tprov_init(&p, 1, &model_npi);
	tclient_init(&c, 1, &model_npi);
	tclient_init(&re.inner, 2, &model_npi);
	c.chars.info.npi_specific = &re;
	c.chars.attach_provider = attach_registers_another;
	assert_int_equal(nmr_register_provider(f->r, &p.chars, &p, &p.handle), 0);
	assert_int_equal(nmr_register_client(f->r, &c.chars, &c, &c.handle), 0);
	assert_int_equal(re.register_result, 0);
	assert_int_equal(atomic_load(&c.attaches), 1);
	assert_int_equal(atomic_load(&re.inner.attaches), 1);
	assert_int_equal(atomic_load(&p.attaches), 2);
	assert_int_equal(nmr_deregister_provider(f->r, p.handle), 0);
	assert_int_equal(atomic_load(&p.cleanups), 2);
	assert_int_equal(nmr_deregister_client(f->r, c.handle), 0);
	assert_int_equal(nmr_deregister_client(f->r, re.inner.handle), 0);
	assert_no_violation();
}

/* The client deregisters itself when offered, before attaching: the attach must not happen. */
static int attach_after_own_deregistration(nmr_registrar_t *r, nmr_handle_t binding,
					   void *client_context,
					   const struct nmr_registration_info *provider)
{
	struct tclient *c = client_context;
	struct reentry *re = (struct reentry *)c->chars.info.npi_specific;

	re->deregister_result = nmr_deregister_client(r, c->handle);
	re->wait_result = nmr_wait_for_deregistration(r, c->handle);
	return model_attach_provider(r, binding, client_context, provider);
}

static void test_deregister_from_attach_callback(void **state)
{
	struct fixture *f = *state;
	struct reentry re = { .f = f };
	struct tprov p;
	struct tclient c;

	tprov_init(&p, 1, &model_npi);
	tclient_init(&c, 1, &model_npi);
	c.chars.info.npi_specific = &re;
	c.chars.attach_provider = attach_after_own_deregistration;
	assert_int_equal(nmr_register_provider(f->r, &p.chars, &p, &p.handle), 0);
	assert_int_equal(nmr_register_client(f->r, &c.chars, &c, &c.handle), 0);
	/* The offer in progress holds the deregistration up; waiting for it would deadlock. */
	assert_int_equal(re.deregister_result, NMR_PENDING);
	assert_int_equal(re.wait_result, -EDEADLK);
	assert_int_equal(c.attach_result, -ESHUTDOWN);
	assert_int_equal(atomic_load(&p.attaches), 0);
	assert_int_equal(nmr_wait_for_deregistration(f->r, c.handle), 0);
	assert_int_equal(atomic_load(&c.detaches) + atomic_load(&p.detaches), 0);
	assert_int_equal(nmr_deregister_provider(f->r, p.handle), 0);
	assert_no_violation();
}

/* The provider deregisters while attaching a client: attach completes, then is detached. */
static struct reentry *attach_race;

static int attach_then_deregister(nmr_registrar_t *r, nmr_handle_t binding, void *provider_context,
				  const struct nmr_registration_info *client, void *client_bc,
				  const void *client_dispatch, void **provider_bc,
				  const void **provider_dispatch)
{
	struct tprov *p = provider_context;

	attach_race->deregister_result =
	    nmr_deregister_with_callback(r, p->handle, record_done, &attach_race->done);
	return model_attach_client(r, binding, provider_context, client, client_bc, client_dispatch,
				   provider_bc, provider_dispatch);
}

static int flagged_attach_provider(nmr_registrar_t *r, nmr_handle_t binding, void *client_context,
				   const struct nmr_registration_info *provider)
{
	int ret;

	attach_race->in_attach_provider = true;
	ret = model_attach_provider(r, binding, client_context, provider);
	/* Attached, but still in attach_provider: the provider starts going away now. */
	if (attach_race->p)
		attach_race->deregister_result = nmr_deregister_with_callback(
		    r, attach_race->p->handle, record_done, &attach_race->done);
	attach_race->in_attach_provider = false;
	return ret;
}

static int flagged_detach_provider(void *client_bc)
{
	if (attach_race->in_attach_provider)
		attach_race->detaches_during_attach++;
	return model_detach_provider(client_bc);
}

static void test_deregister_during_attach(void **state)
{
	struct fixture *f = *state;
	struct reentry re = { .f = f };
	struct tprov p;
	struct tclient c;

	attach_race = &re;
	tprov_init(&p, 1, &model_npi);
	tclient_init(&c, 1, &model_npi);
	p.chars.attach_client = attach_then_deregister;
	c.chars.attach_provider = flagged_attach_provider;
	c.chars.detach_provider = flagged_detach_provider;
	assert_int_equal(nmr_register_client(f->r, &c.chars, &c, &c.handle), 0);
	assert_int_equal(nmr_register_provider(f->r, &p.chars, &p, &p.handle), 0);
	assert_int_equal(re.deregister_result, 0);
	/* The attach succeeded, and the detach came only after attach_provider returned. */
	assert_int_equal(c.attach_result, 0);
	assert_int_equal(atomic_load(&c.attaches), 1);
	assert_int_equal(atomic_load(&c.detaches), 1);
	assert_int_equal(re.detaches_during_attach, 0);
	assert_int_equal(atomic_load(&c.cleanups), 1);
	assert_int_equal(atomic_load(&p.cleanups), 1);
	assert_int_equal(atomic_load(&re.done.count), 1);
	assert_int_equal(nmr_deregister_provider(f->r, p.handle), -ENOENT);
	assert_int_equal(nmr_deregister_client(f->r, c.handle), 0);
	assert_no_violation();
}

/* The provider deregisters after the attach, while the client is still in attach_provider. */
static void test_deregister_after_attach_inside_offer(void **state)
{
	struct fixture *f = *state;
	struct reentry re = { .f = f };
	struct tprov p;
	struct tclient c;

	attach_race = &re;
	tprov_init(&p, 1, &model_npi);
	tclient_init(&c, 1, &model_npi);
	re.p = &p;
	c.chars.attach_provider = flagged_attach_provider;
	c.chars.detach_provider = flagged_detach_provider;
	assert_int_equal(nmr_register_provider(f->r, &p.chars, &p, &p.handle), 0);
	assert_int_equal(nmr_register_client(f->r, &c.chars, &c, &c.handle), 0);
	assert_int_equal(re.deregister_result, 0);
	assert_int_equal(c.attach_result, 0);
	assert_int_equal(atomic_load(&c.detaches), 1);
	assert_int_equal(re.detaches_during_attach, 0);
	assert_int_equal(atomic_load(&p.cleanups), 1);
	assert_int_equal(atomic_load(&re.done.count), 1);
	assert_int_equal(nmr_deregister_client(f->r, c.handle), 0);
	assert_no_violation();
}

/* A client that goes away with its provider: it deregisters from its own detach callback. */
static struct reentry *detach_reentry;

static int detach_deregisters_client(void *client_bc)
{
	struct cctx *ctx = client_bc;

	detach_reentry->deregister_result = nmr_deregister_with_callback(
	    detach_reentry->f->r, ctx->c->handle, record_done, &detach_reentry->done);
	detach_reentry->wait_result =
	    nmr_wait_for_deregistration(detach_reentry->f->r, ctx->c->handle);
	return model_detach_provider(client_bc);
}

static void test_deregister_from_detach_callback(void **state)
{
	struct fixture *f = *state;
	struct reentry re = { .f = f };
	struct tprov p, p2;
	struct tclient c;

	detach_reentry = &re;
	tprov_init(&p, 1, &model_npi);
	tprov_init(&p2, 2, &model_npi);
	tclient_init(&c, 1, &model_npi);
	c.chars.detach_provider = detach_deregisters_client;
	assert_int_equal(nmr_register_provider(f->r, &p.chars, &p, &p.handle), 0);
	assert_int_equal(nmr_register_provider(f->r, &p2.chars, &p2, &p2.handle), 0);
	assert_int_equal(nmr_register_client(f->r, &c.chars, &c, &c.handle), 0);
	assert_int_equal(atomic_load(&c.attaches), 2);
	/* p goes; the client's detach deregisters the client, which detaches it from p2 too. */
	assert_int_equal(nmr_deregister_provider(f->r, p.handle), 0);
	assert_int_equal(re.deregister_result, 0);
	assert_int_equal(re.wait_result, -EINVAL); /* completes by callback */
	assert_int_equal(atomic_load(&re.done.count), 1);
	assert_int_equal(atomic_load(&p.cleanups), 1);
	assert_int_equal(atomic_load(&p2.cleanups), 1);
	assert_int_equal(atomic_load(&c.cleanups), 2);
	assert_int_equal(nmr_deregister_client(f->r, c.handle), -ENOENT);
	assert_int_equal(nmr_deregister_provider(f->r, p2.handle), 0);
	assert_no_violation();
}

/* ---- bad use ---- */

static int attach_twice(nmr_registrar_t *r, nmr_handle_t binding, void *client_context,
			const struct nmr_registration_info *provider)
{
	struct tclient *c = client_context;
	struct cctx *ctx;
	void *pbc;
	const void *pd;
	int ret = model_attach_provider(r, binding, client_context, provider);

	ctx = atomic_load(&c->last);
	MODEL_CHECK(nmr_client_attach_provider(r, binding, NULL, NULL, NULL, &pd) == -EINVAL);
	MODEL_CHECK(nmr_client_attach_provider(r, binding, ctx, &c->dispatch, &pbc, &pd) ==
		    -EINVAL);
	MODEL_CHECK(nmr_client_attach_provider(r, binding + 1000, ctx, NULL, &pbc, &pd) == -ENOENT);
	return ret;
}

static void test_bad_attach(void **state)
{
	struct fixture *f = *state;
	struct tprov p;
	struct tclient c;
	struct cctx *ctx;
	void *pbc;
	const void *pd;

	tprov_init(&p, 1, &model_npi);
	tclient_init(&c, 1, &model_npi);
	c.chars.attach_provider = attach_twice;
	assert_int_equal(nmr_register_provider(f->r, &p.chars, &p, &p.handle), 0);
	assert_int_equal(nmr_register_client(f->r, &c.chars, &c, &c.handle), 0);
	assert_int_equal(atomic_load(&p.attaches), 1);
	ctx = atomic_load(&c.last);
	/* Outside the offer. */
	assert_int_equal(nmr_client_attach_provider(f->r, ctx->binding, ctx, NULL, &pbc, &pd),
			 -EINVAL);
	assert_logged(f, -EINVAL, "not being offered");
	/* A registration handle is not a binding handle. */
	assert_int_equal(nmr_client_attach_provider(f->r, c.handle, ctx, NULL, &pbc, &pd), -ENOENT);
	/* Completing a detach on an attached binding. */
	assert_int_equal(nmr_client_detach_provider_complete(f->r, ctx->binding), -EINVAL);
	assert_int_equal(nmr_provider_detach_client_complete(f->r, ctx->binding), -EINVAL);
	assert_logged(f, -EINVAL, "attached");
	assert_int_equal(nmr_provider_detach_client_complete(f->r, 999999), -ENOENT);
	assert_int_equal(nmr_deregister_client(f->r, c.handle), 0);
	assert_int_equal(nmr_deregister_provider(f->r, p.handle), 0);
	assert_int_equal(atomic_load(&p.cleanups), 1);
	assert_no_violation();
}

static void test_bad_registration(void **state)
{
	struct fixture *f = *state;
	struct tprov p;
	struct tclient c;
	nmr_handle_t h = NMR_INVALID_HANDLE;

	tprov_init(&p, 1, &model_npi);
	tclient_init(&c, 1, &model_npi);
	assert_int_equal(nmr_register_provider(f->r, NULL, NULL, &h), -EINVAL);
	assert_logged(f, -EINVAL, "characteristics");
	assert_int_equal(nmr_register_client(f->r, NULL, NULL, &h), -EINVAL);
	assert_int_equal(nmr_register_provider(f->r, &p.chars, &p, NULL), -EINVAL);
	assert_int_equal(nmr_register_client(f->r, &c.chars, &c, NULL), -EINVAL);

	p.chars.attach_client = NULL;
	assert_int_equal(nmr_register_provider(f->r, &p.chars, &p, &h), -EINVAL);
	assert_logged(f, -EINVAL, "attach_client");
	p.chars.attach_client = model_attach_client;
	p.chars.detach_client = NULL;
	assert_int_equal(nmr_register_provider(f->r, &p.chars, &p, &h), -EINVAL);
	assert_logged(f, -EINVAL, "detach_client");
	p.chars.detach_client = model_detach_client;
	c.chars.attach_provider = NULL;
	assert_int_equal(nmr_register_client(f->r, &c.chars, &c, &h), -EINVAL);
	assert_logged(f, -EINVAL, "attach_provider");
	c.chars.attach_provider = model_attach_provider;
	c.chars.detach_provider = NULL;
	assert_int_equal(nmr_register_client(f->r, &c.chars, &c, &h), -EINVAL);
	assert_logged(f, -EINVAL, "detach_provider");
	c.chars.detach_provider = model_detach_provider;
	c.chars.info.npi_specific = NULL;
	assert_int_equal(nmr_register_client(f->r, &c.chars, &c, &h), -EINVAL);
	assert_logged(f, -EINVAL, "npi_specific");
	c.chars.info.npi_specific = &c.npi_data;
	assert_int_equal(h, NMR_INVALID_HANDLE);

	/* Duplicates. */
	assert_int_equal(nmr_register_provider(f->r, &p.chars, &p, &p.handle), 0);
	assert_int_equal(nmr_register_provider(f->r, &p.chars, &p, &h), -EEXIST);
	assert_logged(f, -EEXIST, "already registered");
	assert_int_equal(nmr_register_client(f->r, &c.chars, &c, &c.handle), 0);
	assert_int_equal(nmr_register_client(f->r, &c.chars, &c, &h), -EEXIST);
	assert_int_equal(atomic_load(&c.offers), 1);

	/* Destroying a registrar in use. */
	assert_int_equal(nmr_registrar_destroy(f->r), -EBUSY);
	assert_logged(f, -EBUSY, "2 registration(s)");

	/* Wrong kind, unknown and invalid handles. */
	assert_int_equal(nmr_deregister_provider(f->r, c.handle), -ENOENT);
	assert_logged(f, -ENOENT, "no provider with handle");
	assert_int_equal(nmr_deregister_client(f->r, p.handle), -ENOENT);
	assert_int_equal(nmr_deregister_client(f->r, NMR_INVALID_HANDLE), -ENOENT);
	assert_int_equal(nmr_deregister_provider(f->r, 0xdeadbeefcafeULL), -ENOENT);
	assert_int_equal(nmr_deregister_with_callback(f->r, 0xdeadbeefcafeULL, record_done, NULL),
			 -ENOENT);
	assert_int_equal(nmr_deregister_with_callback(f->r, p.handle, NULL, NULL), -EINVAL);
	assert_int_equal(nmr_wait_for_deregistration(f->r, 0xdeadbeefcafeULL), -ENOENT);
	/* Waiting on a registration that is not deregistering. */
	assert_int_equal(nmr_wait_for_deregistration(f->r, p.handle), -EINVAL);
	assert_logged(f, -EINVAL, "not deregistering");

	/* Deregistering twice: the second one finds the handle gone. */
	assert_int_equal(nmr_deregister_client(f->r, c.handle), 0);
	assert_int_equal(nmr_deregister_client(f->r, c.handle), -ENOENT);
	assert_int_equal(nmr_deregister_provider(f->r, p.handle), 0);
	assert_int_equal(nmr_deregister_provider(f->r, p.handle), -ENOENT);
	/* Once fully deregistered, the same characteristics may register again. */
	assert_int_equal(nmr_register_provider(f->r, &p.chars, &p, &p.handle), 0);
	assert_int_equal(nmr_deregister_provider(f->r, p.handle), 0);
	assert_no_violation();
}

static void test_null_registrar(void **state)
{
	struct tprov p;
	nmr_handle_t h;
	void *pbc;
	const void *pd;

	tprov_init(&p, 1, &model_npi);
	assert_int_equal(nmr_registrar_create(NULL), -EINVAL);
	assert_int_equal(nmr_registrar_destroy(NULL), -EINVAL);
	assert_int_equal(nmr_registrar_set_log(NULL, NULL, NULL), -EINVAL);
	assert_int_equal(nmr_register_provider(NULL, &p.chars, &p, &h), -EINVAL);
	assert_int_equal(nmr_register_client(NULL, NULL, NULL, &h), -EINVAL);
	assert_int_equal(nmr_client_attach_provider(NULL, 1, NULL, NULL, &pbc, &pd), -EINVAL);
	assert_int_equal(nmr_deregister_provider(NULL, 1), -EINVAL);
	assert_int_equal(nmr_deregister_client(NULL, 1), -EINVAL);
	assert_int_equal(nmr_deregister_with_callback(NULL, 1, record_done, NULL), -EINVAL);
	assert_int_equal(nmr_wait_for_deregistration(NULL, 1), -EINVAL);
	assert_int_equal(nmr_client_detach_provider_complete(NULL, 1), -EINVAL);
	assert_int_equal(nmr_provider_detach_client_complete(NULL, 1), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_guid_parse_valid),
		cmocka_unit_test(test_guid_parse_invalid),
		cmocka_unit_test(test_guid_format_and_round_trip),
		cmocka_unit_test(test_guid_equal),
		cmocka_unit_test_setup_teardown(test_provider_then_client, setup, teardown),
		cmocka_unit_test_setup_teardown(test_client_then_provider, setup, teardown),
		cmocka_unit_test_setup_teardown(test_provider_deregisters_client_detaches_first,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_decline, setup, teardown),
		cmocka_unit_test_setup_teardown(test_provider_refuses, setup, teardown),
		cmocka_unit_test_setup_teardown(test_other_npi_not_offered, setup, teardown),
		cmocka_unit_test_setup_teardown(test_n_by_m, setup, teardown),
		cmocka_unit_test_setup_teardown(test_client_chooses_providers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pending_detach_completed_from_other_thread,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_wait_blocks_for_slow_client, setup, teardown),
		cmocka_unit_test_setup_teardown(test_both_sides_deregister_while_pending, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_deregister_with_callback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_complete_inside_detach_callback, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
		    test_complete_from_other_thread_before_callback_returns, setup, teardown),
		cmocka_unit_test_setup_teardown(test_register_from_attach_callback, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_deregister_from_attach_callback, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_deregister_during_attach, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deregister_after_attach_inside_offer, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_deregister_from_detach_callback, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_bad_attach, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_registration, setup, teardown),
		cmocka_unit_test(test_null_registrar),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
