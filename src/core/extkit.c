/* SPDX-License-Identifier: MIT */
/*
 * The extension kit: ebpf_extension_register turns an extension's description (program types and
 * hooks) into NMR providers, and ebpf_hook_invoke fires a hook's links. This is the plumbing every
 * extension used to copy; docs/extensions.md explains it from the author's side.
 *
 * A hook's links form a chain in the order they run (extkit.h, hook_chain.c). Firing walks it
 * inside an RCU read-side critical section (urcu-bp, as the core's own invoke path); attach,
 * detach and reorder publish a new chain under the hook's mutex. A detached link leaves the
 * chain, then detach_client waits for a grace period before returning, and its memory is freed
 * only in cleanup_binding_context, so a walk never reads freed memory and never calls a link
 * after its detach has returned. The hook's link_attach and link_detach callbacks run under the
 * hook's mutex: one hook's never run at once.
 *
 * The extension owns struct ebpf_hook; hook->registered points to the kit_hook below while
 * registered. Deregistration clears it first (fires return -ENODEV), waits for a grace period,
 * then deregisters the providers, which detaches every link.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/contract.h"
#include "core/core.h"
#include "core/error.h"
#include "core/extkit.h"
#include "core/rcu.h"
#include "core/run_slot.h"

/* A program type or map type while registered. */
struct kit_type {
	struct nmr_provider_characteristics chars;
	nmr_handle_t handle;
	nmr_handle_t core_binding; /* the runtime's binding to it, to find its verdict */
};

struct ebpf_extension_providers {
	nmr_registrar_t *registrar;
	struct kit_type *types;
	uint32_t type_count;
	struct kit_hook *hooks;
	uint32_t hook_count;
	struct kit_type *map_types;
	uint32_t map_type_count;
};

/* The link's data must reach params_size. */
#define LINK_DATA_MIN_SIZE (offsetof(struct ebpf_link_client_data, params_size) + sizeof(size_t))

static struct kit_hook *hook_registered(struct ebpf_hook *hook)
{
	return __atomic_load_n((struct kit_hook **)&hook->registered, __ATOMIC_ACQUIRE);
}

static void provider_deregister(nmr_registrar_t *registrar, nmr_handle_t handle)
{
	/* Pending while bindings remain: wait, the extension's code must stay mapped. */
	if (nmr_deregister_provider(registrar, handle) == NMR_PENDING)
		nmr_wait_for_deregistration(registrar, handle);
}

/* ---- program types (Program Information NPI) -------------------------------------------- */

/* The core binds to read the program (or map type) information; nothing per binding to keep. */
static int type_attach_client(nmr_registrar_t *registrar, nmr_handle_t binding,
			      void *provider_context, const struct nmr_registration_info *client,
			      void *client_binding_context, const void *client_dispatch,
			      void **provider_binding_context, const void **provider_dispatch)
{
	struct kit_type *kt = provider_context;

	__atomic_store_n(&kt->core_binding, binding, __ATOMIC_RELEASE);
	*provider_binding_context = NULL;
	*provider_dispatch = NULL;
	return 0;
}

static int type_detach_client(void *provider_binding_context)
{
	return 0;
}

/* Reports a refused contract structure the way every registration error is reported. */
static int contract_check(const struct core_contract *contract,
			  const struct ebpf_extension_header *header, const char *what, int index)
{
	char who[160], msg[384];

	core_progtype_loading_who(who, sizeof(who));
	if (index >= 0)
		snprintf(who + strlen(who), sizeof(who) - strlen(who), ", %s %d", what, index);
	if (core_contract_check(contract, header, SIZE_MAX, who, msg, sizeof(msg)))
		return core_error(-EINVAL, "%s", msg);
	return 0;
}

static int check_type_shape(const struct ebpf_program_info *info, uint32_t index)
{
	int err;

	if (!info)
		return core_error(-EINVAL, "extension registration: program type %u is NULL",
				  index);
	err =
	    contract_check(&core_contract_program_info, &info->header, "program type", (int)index);
	if (err)
		return err;
	if (!info->name)
		return core_error(-EINVAL, "extension registration: program type %u has no name",
				  index);
	return 0;
}

/* A name or GUID the runtime already has would make the type unreachable or ambiguous. */
static int check_type_unique(const struct ebpf_program_info *info)
{
	char guid[NMR_GUID_STRING_SIZE];
	int err = 0;

	core_lock();
	for (struct core_progtype *t = core_rt.types; t && !err; t = t->next) {
		if (!strcmp(t->name, info->name))
			err = core_error(-EEXIST, "program type '%s' is registered already",
					 info->name);
		else if (nmr_guid_equal(&t->info.program_type, &info->program_type))
			err = core_error(
			    -EEXIST, "program type '%s': its GUID %s is program type '%s' already",
			    info->name, nmr_guid_format(&info->program_type, guid), t->name);
	}
	core_unlock();
	return err;
}

/* The core checked the type as it bound (helper ids, addresses, version): its verdict. */
static int check_type_bound(const struct kit_type *kt)
{
	nmr_handle_t binding = __atomic_load_n(&kt->core_binding, __ATOMIC_ACQUIRE);
	char invalid[sizeof(((struct core_progtype *)0)->invalid)] = "";

	core_lock();
	for (struct core_progtype *t = core_rt.types; t; t = t->next) {
		if (t->binding == binding)
			memcpy(invalid, t->invalid, sizeof(invalid));
	}
	core_unlock();
	if (invalid[0])
		return core_error(-EINVAL, "%s", invalid);
	return 0;
}

/* Registers a provider of npi whose data is `data` (a contract structure with its header);
 * `what` and `name` name it in a failure. Counted in *count once registered. */
static int data_provider_register(struct ebpf_extension_providers *p, struct kit_type *kt,
				  uint32_t *count, const nmr_guid_t *npi, uint16_t version,
				  const nmr_guid_t *module_id,
				  const struct ebpf_extension_header *data, const char *what,
				  const char *name)
{
	int err;

	kt->chars = (struct nmr_provider_characteristics){
		.info = {
			.npi_id = *npi,
			.module_id = *module_id,
			.version = version,
			.npi_specific = data,
			.npi_specific_size = data->size,
		},
		.attach_client = type_attach_client,
		.detach_client = type_detach_client,
	};
	err = nmr_register_provider(p->registrar, &kt->chars, kt, &kt->handle);
	if (err)
		return core_error(err, "%s '%s': cannot register its provider: %s", what, name,
				  strerror(-err));
	(*count)++; /* registered: rolled back from here on */
	return 0;
}

static int type_register(struct ebpf_extension_providers *p, const nmr_guid_t *module_id,
			 const struct ebpf_program_info *info)
{
	static const nmr_guid_t npi = EBPF_PROGRAM_INFO_NPI_ID;
	struct kit_type *kt = &p->types[p->type_count];
	bool runtime = p->registrar == core_rt.registrar;
	int err;

	if (runtime) {
		err = check_type_unique(info);
		if (err)
			return err;
	}
	err = data_provider_register(p, kt, &p->type_count, &npi, EBPF_PROGRAM_INFO_VERSION,
				     module_id, &info->header, "program type", info->name);
	if (err)
		return err;
	return runtime ? check_type_bound(kt) : 0;
}

/* ---- map types (Map Information NPI) ----------------------------------------------------- */

static int check_map_type_shape(const struct ebpf_map_type_info *info, uint32_t index)
{
	int err;

	if (!info)
		return core_error(-EINVAL, "extension registration: map type %u is NULL", index);
	err = contract_check(&core_contract_map_type_info, &info->header, "map type", (int)index);
	if (err)
		return err;
	if (!info->name)
		return core_error(-EINVAL, "extension registration: map type %u has no name",
				  index);
	return 0;
}

static int map_type_register(struct ebpf_extension_providers *p, const nmr_guid_t *module_id,
			     const struct ebpf_map_type_info *info)
{
	static const nmr_guid_t npi = EBPF_MAP_INFO_NPI_ID;
	struct kit_type *kt = &p->map_types[p->map_type_count];
	char msg[640];
	int err;

	err = data_provider_register(p, kt, &p->map_type_count, &npi, EBPF_MAP_TYPE_INFO_VERSION,
				     module_id, &info->header, "map type", info->name);
	if (err || p->registrar != core_rt.registrar)
		return err;
	/* The core checked it as it bound (number, sizes, uniqueness): its verdict. */
	if (core_maptype_refusal(__atomic_load_n(&kt->core_binding, __ATOMIC_ACQUIRE), msg,
				 sizeof(msg)))
		return core_error(-EINVAL, "%s", msg);
	return 0;
}

/* ---- hooks (Hook NPI) -------------------------------------------------------------------- */

/* The link's data at today's size (a field its version lacks reads as zero), if well-formed. */
static int check_link(const struct kit_hook *kh, const struct nmr_registration_info *client,
		      const struct ebpf_link_dispatch *dispatch, struct ebpf_link_client_data *data,
		      char *msg, size_t msg_size)
{
	const struct ebpf_link_client_data *given = client->npi_specific;
	int err;

	if (!dispatch || dispatch->header.size < offsetof(struct ebpf_link_dispatch, batch_begin) ||
	    !dispatch->invoke)
		return -EINVAL;
	if (!given || client->npi_specific_size < LINK_DATA_MIN_SIZE ||
	    given->header.size < LINK_DATA_MIN_SIZE)
		return -EINVAL;
	memset(data, 0, sizeof(*data));
	memcpy(data, given,
	       given->header.size < sizeof(*data) ? given->header.size : sizeof(*data));
	if (data->params_size && !data->params)
		return -EINVAL;
	err = core_attach_params_check(&kh->data, data->params_size, data->flags, msg, msg_size);
	if (err || !kh->hook->check_params)
		return err;
	return kh->hook->check_params(data->params, data->params_size);
}

static struct kit_link *link_new(struct kit_hook *kh, const struct ebpf_link_client_data *data,
				 void *client_binding_context, const void *client_dispatch)
{
	struct kit_link *l = calloc(1, sizeof(*l) + data->params_size);

	if (!l)
		return NULL;
	l->hook = kh;
	l->link = client_binding_context;
	l->dispatch = client_dispatch;
	l->run = core_link_runner(client_dispatch);
	l->link_id = data->link_id;
	l->flags = data->flags;
	l->params_size = data->params_size;
	if (l->params_size)
		memcpy(l->params, data->params, l->params_size);
	return l;
}

/* The link as the hook's callbacks see it. */
static struct ebpf_hook_link hook_link_of(const struct kit_link *l, char *reason, size_t size)
{
	return (struct ebpf_hook_link){
		.header = EBPF_EXTENSION_HEADER(struct ebpf_hook_link, EBPF_HOOK_LINK_VERSION),
		.link_id = l->link_id,
		.flags = l->flags,
		.params = l->params_size ? l->params : NULL,
		.params_size = l->params_size,
		.reason = reason,
		.reason_size = size,
	};
}

/* Under kh->lock: the hook's link_detach, once, for a link its link_attach accepted. */
static void link_detach_locked(struct kit_hook *kh, struct kit_link *l)
{
	char none[1] = "";
	struct ebpf_hook_link hl = hook_link_of(l, none, sizeof(none));

	if (!l->attached)
		return;
	l->attached = false;
	if (kh->hook->link_detach)
		kh->hook->link_detach(kh->hook, &hl, l->context);
}

/* Under kh->lock: the hook's link_attach accepts l, then l takes its place in the chain. */
static int link_enter_locked(struct kit_hook *kh, struct kit_link *l,
			     const struct ebpf_link_client_data *order, char *msg, size_t size)
{
	int err;

	if (kh->callbacks && kh->hook->link_attach) {
		struct ebpf_hook_link hl = hook_link_of(l, msg, size);

		msg[0] = '\0';
		err = kh->hook->link_attach(kh->hook, &hl, &l->context);
		if (err)
			return err < 0 ? err : -EINVAL;
		l->attached = true;
	}
	err = kit_chain_place(kh, l, order, l->seq != 0, msg, size);
	if (err)
		link_detach_locked(kh, l);
	return err;
}

static int hook_attach_client(nmr_registrar_t *registrar, nmr_handle_t binding,
			      void *provider_context, const struct nmr_registration_info *client,
			      void *client_binding_context, const void *client_dispatch,
			      void **provider_binding_context, const void **provider_dispatch)
{
	struct kit_hook *kh = provider_context;
	struct ebpf_link_client_data data;
	core_link_run_fn run = core_link_runner(client_dispatch);
	struct kit_link *l = NULL;
	char msg[192] = "";
	int err;

	err = check_link(kh, client, client_dispatch, &data, msg, sizeof(msg));
	if (!err) {
		l = link_new(kh, &data, client_binding_context, client_dispatch);
		err = l ? 0 : -ENOMEM;
	}
	/* A dormant link binding again goes back where it stood (outside the hook's lock: the
	 * core's lock comes first). */
	if (!err && run)
		l->seq = core_link_saved_seq(client_binding_context);
	if (!err) {
		pthread_mutex_lock(&kh->lock);
		err = link_enter_locked(kh, l, &data, msg, sizeof(msg));
		pthread_mutex_unlock(&kh->lock);
	}
	/* The core's link hears why (outside the hook's lock: the core's lock comes first). */
	if (err && run && msg[0])
		core_link_refuse(client_binding_context, msg);
	if (err) {
		free(l);
		return err < 0 ? err : -EINVAL;
	}
	if (run) {
		core_link_set_chain(l->link, l);
		core_link_settle(l->link, l->priority);
	}
	*provider_binding_context = l;
	*provider_dispatch = NULL;
	return 0;
}

/* The link detaches (the host detached it, or the hook goes): once this returns no walk still
 * calls it. Called by the registrar, never inside a walk (see extension.h). */
static int hook_detach_client(void *provider_binding_context)
{
	struct kit_link *l = provider_binding_context;
	struct kit_hook *kh = l->hook;
	uint64_t seq;

	if (l->run)
		core_link_set_chain(l->link, NULL);
	pthread_mutex_lock(&kh->lock);
	kit_chain_remove(kh, l);
	seq = l->seq;
	pthread_mutex_unlock(&kh->lock);
	if (l->run)
		core_link_save_seq(l->link, seq);
	core_synchronize_rcu();
	/* No invocation runs the link any more: its resource may go. */
	pthread_mutex_lock(&kh->lock);
	link_detach_locked(kh, l);
	pthread_mutex_unlock(&kh->lock);
	return 0;
}

static void hook_cleanup(void *provider_binding_context)
{
	free(provider_binding_context);
}

/* What version 2 of the hook's data adds: a size range, the hook's flags, a known policy. */
static int check_hook_limits(const struct ebpf_attach_provider_data *d)
{
	if (d->params_size_max && d->params_size_max != EBPF_ATTACH_PARAMS_VARIABLE &&
	    (d->params_size_max < d->params_size || d->params_size_max > EBPF_ATTACH_PARAMS_LIMIT))
		return core_error(-EINVAL,
				  "hook '%s': params_size_max %u is below params_size %u or above "
				  "the limit %u",
				  d->name, d->params_size_max, d->params_size,
				  EBPF_ATTACH_PARAMS_LIMIT);
	if (d->attach_flags & ~EBPF_ATTACH_HOOK_FLAGS)
		return core_error(-EINVAL,
				  "hook '%s': attach_flags 0x%x has bits outside the hooks' own "
				  "(0x%x): the low bits are the runtime's",
				  d->name, d->attach_flags, EBPF_ATTACH_HOOK_FLAGS);
	if (d->chain_policy > CORE_CHAIN_POLICY_MAX)
		return core_error(-EINVAL,
				  "hook '%s': unknown chain_policy %u (this runtime knows 0-%u)",
				  d->name, d->chain_policy, CORE_CHAIN_POLICY_MAX);
	return 0;
}

static int check_hook_shape(const struct ebpf_hook *hook, uint32_t index)
{
	struct ebpf_attach_provider_data data;
	int err;

	if (!hook || !hook->data)
		return core_error(
		    -EINVAL, "extension registration: hook %u has no attach provider data", index);
	err = contract_check(&core_contract_attach_provider_data, &hook->data->header, "hook",
			     (int)index);
	if (err)
		return err;
	if (!hook->data->name)
		return core_error(-EINVAL, "extension registration: hook %u has no name", index);
	core_attach_data_read(hook->data, &data);
	return check_hook_limits(&data);
}

/* Claims the extension's hook object: it can be registered once at a time. */
static int hook_claim(struct ebpf_hook *hook, struct kit_hook *kh)
{
	void *expected = NULL;

	if (!__atomic_compare_exchange_n(&hook->registered, &expected, kh, false, __ATOMIC_ACQ_REL,
					 __ATOMIC_ACQUIRE))
		return core_error(-EEXIST, "hook '%s' is registered already", hook->data->name);
	return 0;
}

static int hook_register(struct ebpf_extension_providers *p,
			 const struct ebpf_extension_registration *reg, struct ebpf_hook *hook)
{
	struct kit_hook *kh = &p->hooks[p->hook_count];
	const nmr_guid_t *module_id = &reg->module_id;
	int err;

	kh->hook = hook;
	core_attach_data_read(hook->data, &kh->data);
	/* A version-2 registration's struct ebpf_hook ends before the callbacks. */
	kh->callbacks = reg->header.version >= 3;
	pthread_mutex_init(&kh->lock, NULL);
	kh->chars = (struct nmr_provider_characteristics){
		.info = {
			.npi_id = EBPF_HOOK_NPI_ID,
			.module_id = *module_id,
			.version = EBPF_ATTACH_PROVIDER_DATA_VERSION,
			.npi_specific = hook->data,
			.npi_specific_size = hook->data->header.size,
		},
		.attach_client = hook_attach_client,
		.detach_client = hook_detach_client,
		.cleanup_binding_context = hook_cleanup,
	};
	err = hook_claim(hook, kh);
	if (err)
		goto fail;
	err = nmr_register_provider(p->registrar, &kh->chars, kh, &kh->handle);
	if (err) {
		__atomic_store_n(&hook->registered, NULL, __ATOMIC_RELEASE);
		core_synchronize_rcu(); /* a fire may have seen it */
		err = core_error(err, "hook '%s': cannot register its provider: %s",
				 hook->data->name, strerror(-err));
		goto fail;
	}
	p->hook_count++; /* registered: rolled back from here on */
	return 0;
fail:
	pthread_mutex_destroy(&kh->lock);
	return err;
}

/* ---- registering and deregistering -------------------------------------------------------- */

/* Checks the registration and copies it to *reg: what its version lacks reads as zero. */
static int check_registration(const struct ebpf_extension_registration *given,
			      struct ebpf_extension_registration *reg)
{
	int err;

	if (!given)
		return core_error(-EINVAL, "extension registration: NULL");
	err = contract_check(&core_contract_registration, &given->header, "registration", -1);
	if (err)
		return err;
	memcpy(reg, given, given->header.size);
	if ((reg->program_type_count && !reg->program_types) || (reg->hook_count && !reg->hooks))
		return core_error(-EINVAL, "extension registration: a count without its array");
	for (uint32_t i = 0; i < reg->program_type_count; i++) {
		err = check_type_shape(reg->program_types[i], i);
		if (err)
			return err;
	}
	for (uint32_t i = 0; i < reg->hook_count; i++) {
		err = check_hook_shape(reg->hooks[i], i);
		if (err)
			return err;
	}
	if (reg->map_type_count && !reg->map_types)
		return core_error(-EINVAL, "extension registration: a count without its array");
	for (uint32_t i = 0; i < reg->map_type_count; i++) {
		err = check_map_type_shape(reg->map_types[i], i);
		if (err)
			return err;
	}
	return 0;
}

void ebpf_extension_deregister(struct ebpf_extension_providers *p)
{
	if (!p)
		return;
	/* Fires see the hooks gone from now on; wait for those already walking. */
	for (uint32_t i = 0; i < p->hook_count; i++)
		__atomic_store_n(&p->hooks[i].hook->registered, NULL, __ATOMIC_RELEASE);
	core_synchronize_rcu();
	/* Hooks first: their links run programs of the types. Each detach waits for its link. */
	while (p->hook_count) {
		struct kit_hook *kh = &p->hooks[--p->hook_count];

		provider_deregister(p->registrar, kh->handle);
		kit_chain_free(kh);
		pthread_mutex_destroy(&kh->lock);
	}
	while (p->type_count)
		provider_deregister(p->registrar, p->types[--p->type_count].handle);
	/* Map types last: the core frees their maps' data as each detaches. */
	while (p->map_type_count)
		provider_deregister(p->registrar, p->map_types[--p->map_type_count].handle);
	free(p->types);
	free(p->hooks);
	free(p->map_types);
	free(p);
}

int ebpf_extension_register(nmr_registrar_t *registrar,
			    const struct ebpf_extension_registration *given,
			    struct ebpf_extension_providers **providers)
{
	struct ebpf_extension_registration copy = { 0 }, *reg = &copy;
	struct ebpf_extension_providers *p;
	int err;

	if (!registrar || !providers)
		return core_error(-EINVAL, "extension registration: no registrar or output");
	err = check_registration(given, reg);
	if (err)
		return err;
	p = calloc(1, sizeof(*p));
	if (!p)
		return core_error(-ENOMEM, "extension registration: out of memory");
	p->registrar = registrar;
	p->types = calloc(reg->program_type_count + 1, sizeof(*p->types));
	p->hooks = calloc(reg->hook_count + 1, sizeof(*p->hooks));
	p->map_types = calloc(reg->map_type_count + 1, sizeof(*p->map_types));
	if (!p->types || !p->hooks || !p->map_types) {
		err = core_error(-ENOMEM, "extension registration: out of memory");
		goto fail;
	}
	for (uint32_t i = 0; i < reg->program_type_count && !err; i++)
		err = type_register(p, &reg->module_id, reg->program_types[i]);
	for (uint32_t i = 0; i < reg->map_type_count && !err; i++)
		err = map_type_register(p, &reg->module_id, reg->map_types[i]);
	for (uint32_t i = 0; i < reg->hook_count && !err; i++)
		err = hook_register(p, reg, reg->hooks[i]);
	if (err)
		goto fail;
	*providers = p;
	return 0;
fail:
	ebpf_extension_deregister(p); /* what was registered, in reverse */
	return err;
}

/* ---- firing ------------------------------------------------------------------------------ */

/* Whether the walk ends after a link's result, by the hook's chaining policy. */
static bool chain_ends(const struct kit_hook *kh, uint32_t result)
{
	switch (kh->data.chain_policy) {
	case EBPF_CHAIN_FIRST_NON_DEFAULT:
		return result != kh->data.default_result;
	case EBPF_CHAIN_FIRST:
		return true;
	default:
		return false;
	}
}

static struct kit_link *chain_slot(const struct kit_chain *c, uint32_t i)
{
	return atomic_load_explicit((_Atomic(struct kit_link *) *)&c->links[i],
				    memory_order_acquire);
}

int ebpf_hook_invoke_filtered(struct ebpf_hook *hook, void *ctx, ebpf_hook_filter_fn accept,
			      ebpf_hook_result_fn on_result, void *arg)
{
	const struct kit_chain *c;
	struct kit_hook *kh;
	int ran = 0;

	if (!hook)
		return -EINVAL;
	core_rcu_read_lock();
	kh = hook_registered(hook);
	if (!kh) {
		core_rcu_read_unlock();
		return -ENODEV;
	}
	core_run_slot_enter(); /* one per-CPU slot for all the links' runs */
	/* One chain, loaded once: the whole walk sees it, whatever is published meanwhile. */
	c = atomic_load_explicit(&kh->chain, memory_order_acquire);
	for (uint32_t i = 0; c && i < c->count; i++) {
		struct kit_link *l = chain_slot(c, i);
		uint32_t result;

		if (l == &kit_link_gone)
			continue;
		if (accept && !accept(arg, l->params_size ? l->params : NULL, l->params_size))
			continue;
		/* -ENOENT: the link is detaching; its program did not run. */
		if (l->run ? l->run(l->link, ctx, &result)
			   : l->dispatch->invoke(l->link, ctx, &result))
			continue;
		ran++;
		if ((on_result && on_result(arg, result)) || chain_ends(kh, result))
			break;
	}
	core_run_slot_exit();
	core_rcu_read_unlock();
	return ran;
}

int ebpf_hook_invoke(struct ebpf_hook *hook, void *ctx, ebpf_hook_result_fn on_result, void *arg)
{
	return ebpf_hook_invoke_filtered(hook, ctx, NULL, on_result, arg);
}

bool ebpf_hook_has_links(struct ebpf_hook *hook)
{
	const struct kit_chain *c;
	struct kit_hook *kh;
	bool any = false;

	if (!hook)
		return false;
	core_rcu_read_lock();
	kh = hook_registered(hook);
	c = kh ? atomic_load_explicit(&kh->chain, memory_order_acquire) : NULL;
	for (uint32_t i = 0; c && i < c->count && !any; i++)
		any = chain_slot(c, i) != &kit_link_gone;
	core_rcu_read_unlock();
	return any;
}
