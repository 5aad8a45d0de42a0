/* SPDX-License-Identifier: MIT */
/*
 * The module registrar (see include/extbpf/nmr.h and docs/nmr.md for the model).
 *
 * One mutex guards every registration and binding; it is never held across a callback, so the
 * state a thread saw before a callback must be re-checked after it. Two counters keep objects
 * alive across those unlocked windows:
 *
 * - registration->refs: one per binding naming the registration plus one per API call working
 *   on it. A deregistration completes when refs drops to zero.
 * - binding->holds: the thread offering the binding, or the one calling its detach callbacks.
 *   A binding is cleaned up and freed once it has no hold and both sides completed their detach.
 *
 * A deregistration never calls into a binding that another thread is offering: it only marks it
 * (detach_requested) and the offering thread detaches it once the client's attach_provider has
 * returned. So at most one thread makes callbacks on a binding at any time.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <extbpf/nmr.h>

#define container_of(ptr, type, member) ((type *)((char *)(ptr)-offsetof(type, member)))

struct list_node {
	struct list_node *prev, *next;
};

static void list_init(struct list_node *head)
{
	head->prev = head;
	head->next = head;
}

static void list_add_tail(struct list_node *head, struct list_node *node)
{
	node->prev = head->prev;
	node->next = head;
	head->prev->next = node;
	head->prev = node;
}

static void list_del(struct list_node *node)
{
	node->prev->next = node->next;
	node->next->prev = node->prev;
}

enum object_kind {
	OBJECT_PROVIDER,
	OBJECT_CLIENT,
	OBJECT_BINDING,
	OBJECT_ANY_REGISTRATION, /* only as a lookup filter: a provider or a client */
};

static const char *const kind_names[] = { "provider", "client", "binding" };

/* What a handle names: registrations and bindings share one id space. */
struct object {
	nmr_handle_t id;
	enum object_kind kind;
	struct object *hash_next;
};

/* Who releases a registration once its last binding is gone. */
enum completion {
	COMPLETE_BY_CALLER,   /* the nmr_deregister_* call still running decides */
	COMPLETE_BY_WAIT,     /* nmr_wait_for_deregistration */
	COMPLETE_BY_CALLBACK, /* whoever drops the last reference, then done() runs */
};

struct registration {
	struct object obj;
	struct list_node node;	   /* in registrar->registrations */
	struct list_node bindings; /* struct binding, by provider_node or client_node */
	const struct nmr_provider_characteristics *provider; /* one of these two is set */
	const struct nmr_client_characteristics *client;
	const struct nmr_registration_info *info;
	void *context;
	unsigned int refs;
	bool deregistering;
	enum completion completion;
	bool complete; /* COMPLETE_BY_WAIT: refs reached zero */
	bool waited;   /* a thread sleeps in nmr_wait_for_deregistration */
	void (*done)(void *arg);
	void *done_arg;
	struct registration *done_next; /* in struct call's list of done() to run */
};

enum binding_state {
	BINDING_QUEUED,	   /* made by a registration call, not offered yet */
	BINDING_OFFERED,   /* the client was offered the provider, no attach (yet) */
	BINDING_ATTACHING, /* the provider's attach_client is running */
	BINDING_ATTACHED,
	BINDING_DETACHING,
	BINDING_CLEANUP, /* handle gone, cleanup callbacks running */
};

static const char *const state_names[] = { "queued",   "offered",   "attaching",
					   "attached", "detaching", "cleaning up" };

enum detach_state {
	DETACH_NONE,
	DETACH_CALLING, /* the side's detach callback is running */
	DETACH_PENDING, /* it returned NMR_PENDING */
	DETACH_DONE,
};

struct binding {
	struct object obj;
	struct registration *provider, *client;
	struct list_node provider_node, client_node;
	enum binding_state state;
	bool in_offer;		    /* the client's attach_provider is running */
	bool detach_requested;	    /* a side deregistered before the offer was over */
	bool client_detaches_first; /* the provider is the side that deregistered */
	unsigned int holds;
	enum detach_state client_detach, provider_detach;
	/* Which thread is making callbacks on this binding, so that it cannot wait for itself. */
	bool in_callback;
	pthread_t callback_thread;
	void *client_binding_context;
	const void *client_dispatch;
	void *provider_binding_context;
	const void *provider_dispatch;
	struct binding *queue_next; /* in a thread-local list of bindings to offer or detach */
};

#define HANDLE_BUCKETS 64

struct nmr_registrar {
	pthread_mutex_t lock;
	pthread_cond_t deregistered;
	struct list_node registrations;
	size_t registration_count;
	struct object *handles[HANDLE_BUCKETS];
	nmr_handle_t next_id;
	nmr_log_fn log;
	void *log_arg;
};

/* What an API call does once it has dropped the lock: run done() callbacks, report its error. */
struct call {
	const char *name;
	struct registration *done;
	char message[256];
};

#define CALL_INIT                                                                                  \
	{                                                                                          \
		.name = __func__                                                                   \
	}

static int call_fail(struct call *c, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Records why the call fails; may be used with the lock held. Returns err. */
static int call_fail(struct call *c, int err, const char *fmt, ...)
{
	va_list ap;
	int len;

	len = snprintf(c->message, sizeof(c->message), "%s: ", c->name);
	va_start(ap, fmt);
	vsnprintf(c->message + len, sizeof(c->message) - len, fmt, ap);
	va_end(ap);
	return err;
}

/* Finishes a call, without the lock: completion callbacks first, then the error report. */
static int call_end(struct nmr_registrar *r, struct call *c, int ret)
{
	nmr_log_fn log;
	void *log_arg;

	while (c->done) {
		struct registration *reg = c->done;
		void (*done)(void *arg) = reg->done;
		void *arg = reg->done_arg;

		c->done = reg->done_next;
		free(reg);
		done(arg);
	}
	if (ret >= 0 || !c->message[0])
		return ret;
	pthread_mutex_lock(&r->lock);
	log = r->log;
	log_arg = r->log_arg;
	pthread_mutex_unlock(&r->lock);
	if (log)
		log(log_arg, ret, c->message);
	return ret;
}

/* ---- handles ---- */

static void handle_publish(struct nmr_registrar *r, struct object *obj, enum object_kind kind)
{
	struct object **bucket;

	obj->id = r->next_id++;
	obj->kind = kind;
	bucket = &r->handles[obj->id % HANDLE_BUCKETS];
	obj->hash_next = *bucket;
	*bucket = obj;
}

static void handle_unpublish(struct nmr_registrar *r, struct object *obj)
{
	struct object **pos = &r->handles[obj->id % HANDLE_BUCKETS];

	while (*pos != obj)
		pos = &(*pos)->hash_next;
	*pos = obj->hash_next;
}

static struct object *handle_lookup(struct nmr_registrar *r, nmr_handle_t id)
{
	struct object *obj = r->handles[id % HANDLE_BUCKETS];

	while (obj && obj->id != id)
		obj = obj->hash_next;
	return obj;
}

static struct binding *find_binding(struct nmr_registrar *r, nmr_handle_t id)
{
	struct object *obj = handle_lookup(r, id);

	if (!obj || obj->kind != OBJECT_BINDING)
		return NULL;
	return container_of(obj, struct binding, obj);
}

/* Finds a registration of the given kind (or of either, with OBJECT_ANY_REGISTRATION). */
static struct registration *find_registration(struct nmr_registrar *r, nmr_handle_t id,
					      enum object_kind kind)
{
	struct object *obj = handle_lookup(r, id);

	if (!obj || obj->kind == OBJECT_BINDING)
		return NULL;
	if (kind != OBJECT_ANY_REGISTRATION && obj->kind != kind)
		return NULL;
	return container_of(obj, struct registration, obj);
}

static const char *module_text(const struct registration *reg, char out[NMR_GUID_STRING_SIZE])
{
	return nmr_guid_format(&reg->info->module_id, out);
}

/* ---- registrations ---- */

static void registration_unpublish(struct nmr_registrar *r, struct registration *reg)
{
	handle_unpublish(r, &reg->obj);
	list_del(&reg->node);
	r->registration_count--;
}

/* Drops one reference; completes the deregistration when it was the last. Lock held. */
static void registration_put(struct nmr_registrar *r, struct registration *reg, struct call *c)
{
	if (--reg->refs || !reg->deregistering)
		return;
	switch (reg->completion) {
	case COMPLETE_BY_CALLER:
		/* unreachable: the deregister call holds a reference until it decides */
		break;
	case COMPLETE_BY_WAIT:
		reg->complete = true;
		pthread_cond_broadcast(&r->deregistered);
		break;
	case COMPLETE_BY_CALLBACK:
		registration_unpublish(r, reg);
		reg->done_next = c->done;
		c->done = reg;
		break;
	}
}

/* ---- bindings ---- */

static struct binding *binding_of(struct list_node *node, const struct registration *reg)
{
	if (reg->client)
		return container_of(node, struct binding, client_node);
	return container_of(node, struct binding, provider_node);
}

static struct binding *binding_new(struct nmr_registrar *r, struct registration *provider,
				   struct registration *client)
{
	struct binding *b = calloc(1, sizeof(*b));

	if (!b)
		return NULL;
	b->provider = provider;
	b->client = client;
	b->state = BINDING_QUEUED;
	b->holds = 1; /* the registration call that will offer it */
	list_add_tail(&provider->bindings, &b->provider_node);
	list_add_tail(&client->bindings, &b->client_node);
	provider->refs++;
	client->refs++;
	handle_publish(r, &b->obj, OBJECT_BINDING);
	return b;
}

/* Frees a binding that never got attached: no detach or cleanup callback is due. Lock held. */
static void binding_drop(struct nmr_registrar *r, struct binding *b, struct call *c)
{
	handle_unpublish(r, &b->obj);
	list_del(&b->provider_node);
	list_del(&b->client_node);
	registration_put(r, b->provider, c);
	registration_put(r, b->client, c);
	free(b);
}

static void enter_callback(struct binding *b)
{
	b->in_callback = true;
	b->callback_thread = pthread_self();
}

/*
 * Both sides have detached: the handle goes, each side cleans its context up, and only then do
 * the registrations lose this reference (so neither module can go away during its cleanup).
 * Lock held on entry and exit, dropped in between.
 */
static void binding_finish(struct nmr_registrar *r, struct binding *b, struct call *c)
{
	void (*client_cleanup)(void *) = b->client->client->cleanup_binding_context;
	void (*provider_cleanup)(void *) = b->provider->provider->cleanup_binding_context;
	void *client_context = b->client_binding_context;
	void *provider_context = b->provider_binding_context;

	handle_unpublish(r, &b->obj);
	b->state = BINDING_CLEANUP;
	enter_callback(b);
	pthread_mutex_unlock(&r->lock);
	if (client_cleanup)
		client_cleanup(client_context);
	if (provider_cleanup)
		provider_cleanup(provider_context);
	pthread_mutex_lock(&r->lock);
	list_del(&b->provider_node);
	list_del(&b->client_node);
	registration_put(r, b->provider, c);
	registration_put(r, b->client, c);
	free(b);
}

static void binding_try_finish(struct nmr_registrar *r, struct binding *b, struct call *c)
{
	if (!b->holds && b->client_detach == DETACH_DONE && b->provider_detach == DETACH_DONE)
		binding_finish(r, b, c);
}

/* Moves an attached binding to detaching; the caller then runs binding_detach. Lock held. */
static void binding_start_detach(struct binding *b, bool client_first)
{
	b->state = BINDING_DETACHING;
	b->client_detaches_first = client_first;
	b->holds++;
}

/* Calls both sides' detach callbacks, in order, then releases the hold. Lock not held. */
static void binding_detach(struct nmr_registrar *r, struct binding *b, struct call *c)
{
	int i;

	pthread_mutex_lock(&r->lock);
	enter_callback(b);
	for (i = 0; i < 2; i++) {
		bool client = (i == 0) == b->client_detaches_first;
		enum detach_state *st = client ? &b->client_detach : &b->provider_detach;
		int (*detach)(void *) = client ? b->client->client->detach_provider
					       : b->provider->provider->detach_client;
		void *context = client ? b->client_binding_context : b->provider_binding_context;
		int ret;

		*st = DETACH_CALLING;
		pthread_mutex_unlock(&r->lock);
		ret = detach(context);
		pthread_mutex_lock(&r->lock);
		/* Already DETACH_DONE when completed before the callback returned. */
		if (*st == DETACH_CALLING)
			*st = ret == NMR_PENDING ? DETACH_PENDING : DETACH_DONE;
	}
	b->in_callback = false;
	b->holds--;
	binding_try_finish(r, b, c);
	pthread_mutex_unlock(&r->lock);
}

/*
 * The offer is over and no attach is running: keep the binding attached, detach it (a side
 * deregistered meanwhile) or drop it (declined or refused). Releases the offer's hold.
 * Returns true when the caller must run binding_detach. Lock held.
 */
static bool binding_settle(struct nmr_registrar *r, struct binding *b, struct call *c)
{
	if (b->state != BINDING_ATTACHED) {
		binding_drop(r, b, c);
		return false;
	}
	b->holds--;
	if (!b->detach_requested)
		return false;
	binding_start_detach(b, b->client_detaches_first);
	return true;
}

/* Offers the binding's provider to its client. Lock not held. */
static void binding_offer(struct nmr_registrar *r, struct binding *b, struct call *c)
{
	const struct nmr_client_characteristics *client;
	const struct nmr_registration_info *provider_info;
	void *client_context;
	bool detach = false;

	pthread_mutex_lock(&r->lock);
	if (b->detach_requested) {
		binding_drop(r, b, c);
		pthread_mutex_unlock(&r->lock);
		return;
	}
	b->state = BINDING_OFFERED;
	b->in_offer = true;
	enter_callback(b);
	client = b->client->client;
	client_context = b->client->context;
	provider_info = b->provider->info;
	pthread_mutex_unlock(&r->lock);

	/* A negative result is a decline like any other: the provider is not used. */
	client->attach_provider(r, b->obj.id, client_context, provider_info);

	pthread_mutex_lock(&r->lock);
	b->in_offer = false;
	b->in_callback = false;
	/* An attach still running on another thread settles the binding when it returns. */
	if (b->state != BINDING_ATTACHING)
		detach = binding_settle(r, b, c);
	pthread_mutex_unlock(&r->lock);
	if (detach)
		binding_detach(r, b, c);
}

/*
 * Makes the deregistering registration's bindings go: attached ones are returned (as a list by
 * queue_next) for the caller to detach; those being offered are marked for their offering
 * thread. Lock held.
 */
static struct binding *request_detaches(struct registration *reg)
{
	bool is_client = reg->client != NULL;
	struct binding *todo = NULL, **tail = &todo;
	struct list_node *pos;

	for (pos = reg->bindings.next; pos != &reg->bindings; pos = pos->next) {
		struct binding *b = binding_of(pos, reg);

		if (b->state == BINDING_DETACHING || b->state == BINDING_CLEANUP)
			continue;
		if (b->state == BINDING_ATTACHED && !b->in_offer) {
			binding_start_detach(b, !is_client);
			b->queue_next = NULL;
			*tail = b;
			tail = &b->queue_next;
			continue;
		}
		if (!b->detach_requested) {
			b->detach_requested = true;
			b->client_detaches_first = !is_client;
		}
	}
	return todo;
}

/* True when this thread is making a callback on one of reg's bindings. Lock held. */
static bool waits_for_itself(struct registration *reg)
{
	struct list_node *pos;

	for (pos = reg->bindings.next; pos != &reg->bindings; pos = pos->next) {
		struct binding *b = binding_of(pos, reg);

		if (b->in_callback && pthread_equal(b->callback_thread, pthread_self()))
			return true;
	}
	return false;
}

/* ---- registrar ---- */

int nmr_registrar_create(nmr_registrar_t **registrar)
{
	struct nmr_registrar *r;

	if (!registrar)
		return -EINVAL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	if (pthread_mutex_init(&r->lock, NULL))
		goto err_free;
	if (pthread_cond_init(&r->deregistered, NULL))
		goto err_mutex;
	list_init(&r->registrations);
	r->next_id = 1;
	*registrar = r;
	return 0;

err_mutex:
	pthread_mutex_destroy(&r->lock);
err_free:
	free(r);
	return -ENOMEM;
}

int nmr_registrar_destroy(nmr_registrar_t *r)
{
	struct call c = CALL_INIT;
	size_t count;

	if (!r)
		return -EINVAL;
	pthread_mutex_lock(&r->lock);
	count = r->registration_count;
	pthread_mutex_unlock(&r->lock);
	if (count)
		return call_end(
		    r, &c, call_fail(&c, -EBUSY, "%zu registration(s) not deregistered", count));
	pthread_cond_destroy(&r->deregistered);
	pthread_mutex_destroy(&r->lock);
	free(r);
	return 0;
}

int nmr_registrar_set_log(nmr_registrar_t *r, nmr_log_fn log, void *arg)
{
	if (!r)
		return -EINVAL;
	pthread_mutex_lock(&r->lock);
	r->log = log;
	r->log_arg = arg;
	pthread_mutex_unlock(&r->lock);
	return 0;
}

/* ---- registration ---- */

static struct registration *find_duplicate(struct nmr_registrar *r, const void *characteristics)
{
	struct list_node *pos;

	for (pos = r->registrations.next; pos != &r->registrations; pos = pos->next) {
		struct registration *reg = container_of(pos, struct registration, node);
		const void *chars =
		    reg->provider ? (const void *)reg->provider : (const void *)reg->client;

		if (chars == characteristics && !(reg->deregistering && !reg->refs))
			return reg;
	}
	return NULL;
}

/* Binds the new registration to every active one of the other kind with the same NPI id. */
static int make_bindings(struct nmr_registrar *r, struct registration *reg, struct binding **queue)
{
	struct binding **tail = queue;
	struct list_node *pos;

	*queue = NULL;
	for (pos = r->registrations.next; pos != &r->registrations; pos = pos->next) {
		struct registration *other = container_of(pos, struct registration, node);
		struct binding *b;

		if (!other->provider == !reg->provider || other->deregistering ||
		    !nmr_guid_equal(&other->info->npi_id, &reg->info->npi_id))
			continue;
		b = reg->provider ? binding_new(r, reg, other) : binding_new(r, other, reg);
		if (!b)
			return -ENOMEM;
		b->queue_next = NULL;
		*tail = b;
		tail = &b->queue_next;
	}
	return 0;
}

static int check_info(struct call *c, const struct nmr_registration_info *info)
{
	char module[NMR_GUID_STRING_SIZE];

	if (info->npi_specific || !info->npi_specific_size)
		return 0;
	return call_fail(c, -EINVAL, "module %s: npi_specific is NULL but npi_specific_size is %zu",
			 nmr_guid_format(&info->module_id, module), info->npi_specific_size);
}

static int register_common(struct nmr_registrar *r, struct registration *reg, nmr_handle_t *handle,
			   struct call *c)
{
	const void *chars = reg->provider ? (const void *)reg->provider : (const void *)reg->client;
	char module[NMR_GUID_STRING_SIZE];
	struct registration *dup;
	struct binding *queue, *b;

	list_init(&reg->bindings);
	pthread_mutex_lock(&r->lock);
	dup = find_duplicate(r, chars);
	if (dup) {
		call_fail(c, -EEXIST,
			  "module %s: these characteristics are already registered "
			  "(handle %" PRIu64 ")",
			  module_text(dup, module), dup->obj.id);
		pthread_mutex_unlock(&r->lock);
		free(reg);
		return -EEXIST;
	}
	handle_publish(r, &reg->obj, reg->provider ? OBJECT_PROVIDER : OBJECT_CLIENT);
	list_add_tail(&r->registrations, &reg->node);
	r->registration_count++;
	reg->refs = 1; /* this call's, while it offers */
	if (make_bindings(r, reg, &queue)) {
		while (queue) {
			b = queue;
			queue = b->queue_next;
			binding_drop(r, b, c);
		}
		registration_unpublish(r, reg);
		pthread_mutex_unlock(&r->lock);
		call_fail(c, -ENOMEM, "out of memory binding module %s", module_text(reg, module));
		free(reg);
		return -ENOMEM;
	}
	*handle = reg->obj.id;
	pthread_mutex_unlock(&r->lock);

	while (queue) {
		b = queue;
		queue = b->queue_next; /* b may be freed by its offer */
		binding_offer(r, b, c);
	}
	pthread_mutex_lock(&r->lock);
	registration_put(r, reg, c);
	pthread_mutex_unlock(&r->lock);
	return 0;
}

/* How a provider and a client differ to registration: their characteristics (provider or client
 * set, info NULL when the caller gave none), the names of their handle and callbacks. */
struct role {
	const struct nmr_provider_characteristics *provider;
	const struct nmr_client_characteristics *client;
	const struct nmr_registration_info *info;
	void *context;
	const char *handle_name;
	const char *attach_name;
	const char *detach_name;
	bool has_attach;
	bool has_detach;
};

/* nmr_register_provider and nmr_register_client: the arguments checked, the registration made. */
static int register_role(nmr_registrar_t *r, const struct role *role, nmr_handle_t *handle)
{
	struct call c = CALL_INIT;
	struct registration *reg;
	char module[NMR_GUID_STRING_SIZE];
	int ret;

	if (!r)
		return -EINVAL;
	if (!role->info || !handle)
		return call_end(r, &c,
				call_fail(&c, -EINVAL, "NULL %s",
					  role->info ? role->handle_name : "characteristics"));
	if (!role->has_attach || !role->has_detach)
		return call_end(
		    r, &c,
		    call_fail(&c, -EINVAL, "module %s: no %s callback",
			      nmr_guid_format(&role->info->module_id, module),
			      role->has_attach ? role->detach_name : role->attach_name));
	ret = check_info(&c, role->info);
	if (ret)
		return call_end(r, &c, ret);
	reg = calloc(1, sizeof(*reg));
	if (!reg)
		return call_end(r, &c, call_fail(&c, -ENOMEM, "out of memory"));
	reg->provider = role->provider;
	reg->client = role->client;
	reg->info = role->info;
	reg->context = role->context;
	return call_end(r, &c, register_common(r, reg, handle, &c));
}

int nmr_register_provider(nmr_registrar_t *r,
			  const struct nmr_provider_characteristics *characteristics,
			  void *provider_context, nmr_handle_t *provider_handle)
{
	const struct role role = {
		.provider = characteristics,
		.info = characteristics ? &characteristics->info : NULL,
		.context = provider_context,
		.handle_name = "provider_handle",
		.attach_name = "attach_client",
		.detach_name = "detach_client",
		.has_attach = characteristics && characteristics->attach_client,
		.has_detach = characteristics && characteristics->detach_client,
	};

	return register_role(r, &role, provider_handle);
}

int nmr_register_client(nmr_registrar_t *r,
			const struct nmr_client_characteristics *characteristics,
			void *client_context, nmr_handle_t *client_handle)
{
	const struct role role = {
		.client = characteristics,
		.info = characteristics ? &characteristics->info : NULL,
		.context = client_context,
		.handle_name = "client_handle",
		.attach_name = "attach_provider",
		.detach_name = "detach_provider",
		.has_attach = characteristics && characteristics->attach_provider,
		.has_detach = characteristics && characteristics->detach_provider,
	};

	return register_role(r, &role, client_handle);
}

/* ---- attach ---- */

/* Checks that b may be attached now; returns 0 or a failure recorded in c. Lock held. */
static int check_attachable(struct call *c, struct binding *b, nmr_handle_t id)
{
	char provider[NMR_GUID_STRING_SIZE], client[NMR_GUID_STRING_SIZE];

	if (!b)
		return call_fail(c, -ENOENT, "no binding with handle %" PRIu64, id);
	if (b->state != BINDING_OFFERED || !b->in_offer)
		return call_fail(c, -EINVAL,
				 "binding %" PRIu64 " is %s, not being offered (attach only from "
				 "the client's attach_provider callback, once)",
				 id, state_names[b->state]);
	if (b->detach_requested)
		return call_fail(
		    c, -ESHUTDOWN, "binding %" PRIu64 ": provider %s or client %s is deregistering",
		    id, module_text(b->provider, provider), module_text(b->client, client));
	return 0;
}

int nmr_client_attach_provider(nmr_registrar_t *r, nmr_handle_t binding,
			       void *client_binding_context, const void *client_dispatch,
			       void **provider_binding_context, const void **provider_dispatch)
{
	struct call c = CALL_INIT;
	const struct nmr_provider_characteristics *provider;
	const struct nmr_registration_info *client_info;
	char pmod[NMR_GUID_STRING_SIZE], cmod[NMR_GUID_STRING_SIZE];
	void *provider_context, *pbc = NULL;
	const void *pd = NULL;
	struct binding *b;
	bool detach = false;
	int ret;

	if (!r)
		return -EINVAL;
	if (!provider_binding_context || !provider_dispatch)
		return call_end(
		    r, &c,
		    call_fail(&c, -EINVAL, "binding %" PRIu64 ": NULL output pointer", binding));
	pthread_mutex_lock(&r->lock);
	b = find_binding(r, binding);
	ret = check_attachable(&c, b, binding);
	if (ret) {
		pthread_mutex_unlock(&r->lock);
		return call_end(r, &c, ret);
	}
	b->state = BINDING_ATTACHING;
	provider = b->provider->provider;
	provider_context = b->provider->context;
	client_info = b->client->info;
	pthread_mutex_unlock(&r->lock);

	ret = provider->attach_client(r, binding, provider_context, client_info,
				      client_binding_context, client_dispatch, &pbc, &pd);
	if (ret > 0)
		ret = -EPROTO;

	pthread_mutex_lock(&r->lock);
	if (ret) {
		call_fail(&c, ret, "provider %s refused client %s (binding %" PRIu64 "): %s",
			  module_text(b->provider, pmod), module_text(b->client, cmod), binding,
			  strerror(-ret));
		b->state = BINDING_OFFERED;
	} else {
		b->state = BINDING_ATTACHED;
		b->client_binding_context = client_binding_context;
		b->client_dispatch = client_dispatch;
		b->provider_binding_context = pbc;
		b->provider_dispatch = pd;
	}
	/* The offer ended while the provider attached (attach from another thread). */
	if (!b->in_offer)
		detach = binding_settle(r, b, &c);
	pthread_mutex_unlock(&r->lock);

	if (!ret) {
		*provider_binding_context = pbc;
		*provider_dispatch = pd;
	}
	if (detach)
		binding_detach(r, b, &c);
	return call_end(r, &c, ret);
}

/* ---- deregistration ---- */

/* The nmr_deregister_provider/client call is over: release the handle or hand it to a wait. */
static int finish_by_caller(struct nmr_registrar *r, struct registration *reg)
{
	if (--reg->refs == 0 && !reg->waited) {
		registration_unpublish(r, reg);
		free(reg);
		return 0;
	}
	reg->completion = COMPLETE_BY_WAIT;
	if (!reg->refs) {
		reg->complete = true;
		pthread_cond_broadcast(&r->deregistered);
	}
	return NMR_PENDING;
}

static int deregister(struct nmr_registrar *r, nmr_handle_t handle, enum object_kind kind,
		      void (*done)(void *arg), void *arg, struct call *c)
{
	struct registration *reg;
	struct binding *todo, *b;
	int ret;

	pthread_mutex_lock(&r->lock);
	reg = find_registration(r, handle, kind);
	if (!reg) {
		pthread_mutex_unlock(&r->lock);
		return call_fail(
		    c, -ENOENT, "no %s with handle %" PRIu64,
		    kind == OBJECT_ANY_REGISTRATION ? "registration" : kind_names[kind], handle);
	}
	if (reg->deregistering) {
		pthread_mutex_unlock(&r->lock);
		return call_fail(c, -EALREADY, "%s %" PRIu64 " is already deregistering",
				 kind_names[reg->obj.kind], handle);
	}
	reg->deregistering = true;
	reg->completion = done ? COMPLETE_BY_CALLBACK : COMPLETE_BY_CALLER;
	reg->done = done;
	reg->done_arg = arg;
	reg->refs++; /* this call's */
	todo = request_detaches(reg);
	pthread_mutex_unlock(&r->lock);

	while (todo) {
		b = todo;
		todo = b->queue_next;
		binding_detach(r, b, c);
	}

	pthread_mutex_lock(&r->lock);
	if (done) {
		registration_put(r, reg, c);
		ret = 0;
	} else {
		ret = finish_by_caller(r, reg);
	}
	pthread_mutex_unlock(&r->lock);
	return ret;
}

int nmr_deregister_provider(nmr_registrar_t *r, nmr_handle_t provider_handle)
{
	struct call c = CALL_INIT;

	if (!r)
		return -EINVAL;
	return call_end(r, &c, deregister(r, provider_handle, OBJECT_PROVIDER, NULL, NULL, &c));
}

int nmr_deregister_client(nmr_registrar_t *r, nmr_handle_t client_handle)
{
	struct call c = CALL_INIT;

	if (!r)
		return -EINVAL;
	return call_end(r, &c, deregister(r, client_handle, OBJECT_CLIENT, NULL, NULL, &c));
}

int nmr_deregister_with_callback(nmr_registrar_t *r, nmr_handle_t handle, void (*done)(void *arg),
				 void *arg)
{
	struct call c = CALL_INIT;

	if (!r)
		return -EINVAL;
	if (!done)
		return call_end(
		    r, &c,
		    call_fail(&c, -EINVAL, "handle %" PRIu64 ": NULL done callback", handle));
	return call_end(r, &c, deregister(r, handle, OBJECT_ANY_REGISTRATION, done, arg, &c));
}

/* Checks that the calling thread may wait on reg; returns 0 or a failure in c. Lock held. */
static int check_waitable(struct call *c, struct registration *reg, nmr_handle_t handle)
{
	if (!reg)
		return call_fail(c, -ENOENT, "no registration with handle %" PRIu64, handle);
	if (!reg->deregistering)
		return call_fail(c, -EINVAL, "%s %" PRIu64 " is not deregistering",
				 kind_names[reg->obj.kind], handle);
	if (reg->completion == COMPLETE_BY_CALLBACK)
		return call_fail(c, -EINVAL,
				 "%s %" PRIu64
				 " completes by callback (nmr_deregister_with_callback)",
				 kind_names[reg->obj.kind], handle);
	if (reg->waited)
		return call_fail(c, -EBUSY, "another thread already waits on %s %" PRIu64,
				 kind_names[reg->obj.kind], handle);
	if (waits_for_itself(reg))
		return call_fail(c, -EDEADLK,
				 "%s %" PRIu64 ": waiting from a callback of its own binding",
				 kind_names[reg->obj.kind], handle);
	return 0;
}

int nmr_wait_for_deregistration(nmr_registrar_t *r, nmr_handle_t handle)
{
	struct call c = CALL_INIT;
	struct registration *reg;
	int ret;

	if (!r)
		return -EINVAL;
	pthread_mutex_lock(&r->lock);
	reg = find_registration(r, handle, OBJECT_ANY_REGISTRATION);
	ret = check_waitable(&c, reg, handle);
	if (ret) {
		pthread_mutex_unlock(&r->lock);
		return call_end(r, &c, ret);
	}
	reg->waited = true;
	while (!reg->complete)
		pthread_cond_wait(&r->deregistered, &r->lock);
	registration_unpublish(r, reg);
	pthread_mutex_unlock(&r->lock);
	free(reg);
	return 0;
}

/* ---- detach completion ---- */

static int detach_complete(struct nmr_registrar *r, nmr_handle_t handle, bool client,
			   struct call *c)
{
	const char *side = client ? "client" : "provider";
	struct binding *b;
	enum detach_state *st;

	pthread_mutex_lock(&r->lock);
	b = find_binding(r, handle);
	if (!b) {
		pthread_mutex_unlock(&r->lock);
		return call_fail(c, -ENOENT, "no binding with handle %" PRIu64, handle);
	}
	st = client ? &b->client_detach : &b->provider_detach;
	if (b->state != BINDING_DETACHING || (*st != DETACH_CALLING && *st != DETACH_PENDING)) {
		enum binding_state state = b->state;

		pthread_mutex_unlock(&r->lock);
		return call_fail(c, -EINVAL, "binding %" PRIu64 " (%s): no %s detach is pending",
				 handle, state_names[state], side);
	}
	*st = DETACH_DONE;
	binding_try_finish(r, b, c);
	pthread_mutex_unlock(&r->lock);
	return 0;
}

int nmr_client_detach_provider_complete(nmr_registrar_t *r, nmr_handle_t binding)
{
	struct call c = CALL_INIT;

	if (!r)
		return -EINVAL;
	return call_end(r, &c, detach_complete(r, binding, true, &c));
}

int nmr_provider_detach_client_complete(nmr_registrar_t *r, nmr_handle_t binding)
{
	struct call c = CALL_INIT;

	if (!r)
		return -EINVAL;
	return call_end(r, &c, detach_complete(r, binding, false, &c));
}
