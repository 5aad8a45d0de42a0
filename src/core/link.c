/* SPDX-License-Identifier: MIT */
/*
 * Links: a program attached to a hook. Each link is one NMR client of the Hook NPI that binds
 * only to the provider of its attach type. The provider calls the link's dispatch table when its
 * event happens; the invoke path takes no lock and allocates nothing: it runs inside an RCU
 * read-side critical section and checks that the link is live.
 *
 * Detaching (by the host, or because the hook or the program type went away) marks the link
 * detached first and then waits for a grace period, so that no invocation still runs the program
 * when its memory or the extension's code may go.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/contract.h"
#include "core/core.h"
#include "core/error.h"
#include "core/rcu.h"
#include "core/run_slot.h"

#define CORE_LINK_MODULE_ID NMR_GUID(0x6f1c2b8e, 0x3d47, 0x4a51, 0x9e02, 0x5b8c7d1e4f61)

struct ebpf_link {
	struct nmr_client_characteristics chars; /* one registration per link */
	struct ebpf_link_client_data client_data;
	void *params;
	/* A reference. Swapped by ebpf_link_update: an invocation loads it once. */
	_Atomic(struct ebpf_program *) program;
	struct ebpf_link *program_next; /* in program->links, under the lock */
	uint32_t id;
	/* The attacher's handle, pins and ebpf_link_get_pinned/_by_id: the last one detaches. */
	atomic_uint refcount;
	nmr_handle_t client;
	atomic_bool detached;
	/* Set when offered a provider (usually on the attaching thread, while it registers). */
	atomic_bool bound;
	int attach_err;
	char attach_msg[256];
	/* Under the lock: the kit's entry in its hook's chain, and why the hook refused us. */
	struct kit_link *chain_entry;
	char refusal[192];
	uint64_t chain_seq; /* where it stood in its chain when it left it (0: never stood) */
};

_Static_assert(CORE_ATTACH_FLAGS == (EBPF_F_BEFORE | EBPF_F_AFTER), "the runtime's attach flags");
_Static_assert(!(CORE_ATTACH_FLAGS & EBPF_ATTACH_HOOK_FLAGS), "the hooks' own attach flags");

/* Provider data we can read: a known version at a known size (the kit said why it refused). */
static const struct ebpf_attach_provider_data *
provider_data(const struct nmr_registration_info *provider)
{
	const struct ebpf_attach_provider_data *data = provider->npi_specific;
	char msg[256];

	if (!data || provider->npi_specific_size < sizeof(data->header))
		return NULL;
	if (core_contract_check(&core_contract_attach_provider_data, &data->header,
				provider->npi_specific_size, "hook", msg, sizeof(msg)))
		return NULL;
	return data;
}

/* ---- the invoke path --------------------------------------------------------------------- */

/* A run with statistics on: out of line, so that the usual path keeps no registers for it. */
static __attribute__((noinline, cold)) uint32_t run_counted(const struct ebpf_program *program,
							    void *ctx)
{
	uint64_t start = core_now_ns();
	uint32_t r0 = (uint32_t)exec_program_run(program->exec, (uint64_t)(uintptr_t)ctx, 0);

	core_program_count_run((struct ebpf_program *)program, core_now_ns() - start);
	return r0;
}

static inline int run(struct ebpf_link *link, void *ctx, uint32_t *result)
{
	const struct ebpf_program *program;

	/* Unbound: detaching, or its hook is away. Unusable: its program is dormant. */
	if (!atomic_load_explicit(&link->bound, memory_order_acquire))
		return -ENOENT;
	program = atomic_load_explicit(&link->program, memory_order_acquire);
	if (!atomic_load_explicit(&program->usable, memory_order_acquire))
		return -ENOENT;
	/* Inside a batch or a hook firing its links the slot is already held: a counter bump. */
	core_run_slot_enter();
	/* Off by default: one relaxed load is all it costs then. */
	if (__builtin_expect(atomic_load_explicit(&core_rt.stats_users, memory_order_relaxed), 0))
		*result = run_counted(program, ctx);
	else
		*result = (uint32_t)exec_program_run(program->exec, (uint64_t)(uintptr_t)ctx, 0);
	core_run_slot_exit();
	return 0;
}

static int link_invoke(void *client_binding_context, void *ctx, uint32_t *result)
{
	int err;

	core_rcu_read_lock();
	err = run(client_binding_context, ctx, result);
	core_rcu_read_unlock();
	return err;
}

/* A batch is one read-side critical section around many invocations, holding one per-CPU slot. */
static int link_batch_begin(void *client_binding_context, struct ebpf_batch_state *state)
{
	core_rcu_read_lock();
	core_run_slot_enter();
	return 0;
}

static int link_batch_invoke(void *client_binding_context, void *ctx, uint32_t *result,
			     struct ebpf_batch_state *state)
{
	return run(client_binding_context, ctx, result);
}

static int link_batch_end(void *client_binding_context, struct ebpf_batch_state *state)
{
	core_run_slot_exit();
	core_rcu_read_unlock();
	return 0;
}

static const struct ebpf_link_dispatch link_dispatch = {
	.header = EBPF_EXTENSION_HEADER(struct ebpf_link_dispatch, EBPF_LINK_DISPATCH_VERSION),
	.invoke = link_invoke,
	.batch_begin = link_batch_begin,
	.batch_invoke = link_batch_invoke,
	.batch_end = link_batch_end,
};

static int link_run_in_section(void *link, void *ctx, uint32_t *result)
{
	return run(link, ctx, result);
}

core_link_run_fn core_link_runner(const struct ebpf_link_dispatch *dispatch)
{
	return dispatch == &link_dispatch ? link_run_in_section : NULL;
}

/* ---- the NMR client ---------------------------------------------------------------------- */

static const char *type_name_of(const nmr_guid_t *guid, char buf[NMR_GUID_STRING_SIZE])
{
	const char *name = NULL;

	core_lock();
	for (struct core_progtype *t = core_rt.types; t && !name; t = t->next) {
		if (nmr_guid_equal(&t->info.program_type, guid))
			name = t->name; /* core-owned copy */
	}
	core_unlock();
	return name ? name : nmr_guid_format(guid, buf);
}

int core_attach_params_check(const struct ebpf_attach_provider_data *data, size_t size,
			     uint32_t flags, char *msg, size_t msg_size)
{
	const char *name = data->name ? data->name : "?";
	uint32_t max = data->params_size_max, known;

	if (!max && size != data->params_size) {
		snprintf(msg, msg_size, "attach type '%s' takes %u bytes of parameters, %zu given",
			 name, data->params_size, size);
		return -EINVAL;
	}
	if (max == EBPF_ATTACH_PARAMS_VARIABLE)
		max = EBPF_ATTACH_PARAMS_LIMIT;
	if (max && (size < data->params_size || size > max)) {
		snprintf(msg, msg_size,
			 "attach type '%s' takes %u to %u bytes of parameters, %zu given", name,
			 data->params_size, max, size);
		return -EINVAL;
	}
	known = CORE_ATTACH_FLAGS | (data->attach_flags & EBPF_ATTACH_HOOK_FLAGS);
	if (flags & ~known) {
		snprintf(msg, msg_size,
			 "attach type '%s': unknown attach flags 0x%x (it accepts 0x%x)", name,
			 flags & ~known, known);
		return -EINVAL;
	}
	return 0;
}

static int check_provider(struct ebpf_link *link, const struct ebpf_attach_provider_data *given,
			  char *msg, size_t size)
{
	struct ebpf_attach_provider_data data;
	char guid[NMR_GUID_STRING_SIZE];

	core_attach_data_read(given, &data);
	if (!nmr_guid_equal(&data.program_type, &link->client_data.program_type)) {
		snprintf(msg, size, "attach type '%s' runs programs of type '%s', not '%s'",
			 data.name ? data.name : "?", type_name_of(&data.program_type, guid),
			 link->program->type_name);
		return -EINVAL;
	}
	return core_attach_params_check(&data, link->client_data.params_size,
					link->client_data.flags, msg, size);
}

/* ---- what the extension kit tells a link -------------------------------------------------- */

void core_link_set_chain(void *link, struct kit_link *entry)
{
	struct ebpf_link *l = link;

	core_lock();
	l->chain_entry = entry;
	core_unlock();
}

void core_link_refuse(void *link, const char *why)
{
	struct ebpf_link *l = link;

	core_lock();
	snprintf(l->refusal, sizeof(l->refusal), "%s", why);
	core_unlock();
}

void core_link_settle(void *link, int32_t priority)
{
	struct ebpf_link *l = link;

	/* Read by the kit when the link binds again: the host's placement is done, its
	 * priority stays (a relative may be gone by then). */
	core_lock();
	l->client_data.flags &= ~CORE_ATTACH_FLAGS;
	l->client_data.priority = priority;
	l->client_data.relative_link_id = 0;
	l->client_data.relative_program_id = 0;
	core_unlock();
}

void core_link_save_seq(void *link, uint64_t seq)
{
	struct ebpf_link *l = link;

	core_lock();
	l->chain_seq = seq;
	core_unlock();
}

uint64_t core_link_saved_seq(void *link)
{
	struct ebpf_link *l = link;
	uint64_t seq;

	core_lock();
	seq = l->chain_seq;
	core_unlock();
	return seq;
}

uint32_t core_link_program_id(void *link)
{
	struct ebpf_link *l = link;

	return atomic_load_explicit(&l->program, memory_order_acquire)->id;
}

/* "the extension refused the link: " and the hook's reason, or the errno's text. */
static void refused_msg(struct ebpf_link *link, int err, char *msg, size_t size)
{
	char why[sizeof(link->refusal)];

	core_lock();
	memcpy(why, link->refusal, sizeof(why));
	core_unlock();
	snprintf(msg, size, "the extension refused the link: %s", why[0] ? why : strerror(-err));
}

static int link_attach_provider(nmr_registrar_t *registrar, nmr_handle_t binding,
				void *client_context, const struct nmr_registration_info *provider)
{
	const struct ebpf_attach_provider_data *data = provider_data(provider);
	struct ebpf_link *link = client_context;
	const void *provider_dispatch;
	void *provider_context;
	char msg[sizeof(link->attach_msg)] = "";
	int err;

	/* One provider at a time; a dormant link (its hook went away) takes the hook's next
	 * provider, a link the host detaches none. */
	if (!data || !nmr_guid_equal(&data->attach_type, &link->client_data.attach_type) ||
	    atomic_load(&link->bound) || atomic_load(&link->detached))
		return 0;
	err = check_provider(link, data, msg, sizeof(msg));
	if (!err) {
		core_link_refuse(link, "");
		err = nmr_client_attach_provider(registrar, binding, link, &link_dispatch,
						 &provider_context, &provider_dispatch);
		/* A provider deregistering under us is an extension leaving, not refusing:
		 * the attach then fails as though it had not been there (-ESRCH). */
		if (err == -ESHUTDOWN)
			return 0;
		if (err)
			refused_msg(link, err, msg, sizeof(msg));
	}
	/* Under the lock: ebpf_link_is_dormant reads why at any time. */
	core_lock();
	link->attach_err = err;
	memcpy(link->attach_msg, msg, sizeof(msg));
	core_unlock();
	if (!err)
		atomic_store_explicit(&link->bound, true, memory_order_release);
	return 0;
}

/* The hook goes away (extension unload: the link turns dormant) or we deregister: stop
 * invoking, wait, done. */
static int link_detach_provider(void *client_binding_context)
{
	struct ebpf_link *link = client_binding_context;

	atomic_store_explicit(&link->bound, false, memory_order_release);
	core_synchronize_rcu();
	return 0;
}

/* ---- creating and detaching -------------------------------------------------------------- */

static void link_free(struct ebpf_link *link)
{
	if (link->program) {
		core_lock();
		for (struct ebpf_link **p = &link->program->links; *p; p = &(*p)->program_next) {
			if (*p == link) {
				*p = link->program_next;
				break;
			}
		}
		core_unlock();
		ebpf_program_release(link->program);
	}
	if (link->id)
		core_id_remove(CORE_LINK, link->id);
	free(link->params);
	free(link);
}

static int link_new(struct ebpf_program *program, const nmr_guid_t *attach_type,
		    const struct ebpf_program_attach_opts *opts, struct ebpf_link **out)
{
	struct ebpf_link *link = calloc(1, sizeof(*link));

	if (!link)
		return -ENOMEM;
	if (opts->params_size) {
		link->params = malloc(opts->params_size);
		if (!link->params) {
			free(link);
			return -ENOMEM;
		}
		memcpy(link->params, opts->params, opts->params_size);
	}
	link->chars = (struct nmr_client_characteristics){
		.info = {
			.npi_id = EBPF_HOOK_NPI_ID,
			.module_id = CORE_LINK_MODULE_ID,
			.version = EBPF_LINK_CLIENT_DATA_VERSION,
			.npi_specific = &link->client_data,
			.npi_specific_size = sizeof(link->client_data),
		},
		.attach_provider = link_attach_provider,
		.detach_provider = link_detach_provider,
	};
	link->client_data = (struct ebpf_link_client_data){
		.header = EBPF_EXTENSION_HEADER(struct ebpf_link_client_data,
						EBPF_LINK_CLIENT_DATA_VERSION),
		.attach_type = *attach_type,
		.program_type = program->type->info.program_type,
		.params = link->params,
		.params_size = opts->params_size,
		.flags = opts->flags,
		.priority = opts->priority,
		.relative_link_id = opts->relative_link_id,
		.relative_program_id = opts->relative_program_id,
	};
	ebpf_program_acquire(program);
	link->program = program;
	atomic_init(&link->refcount, 1);
	*out = link;
	return 0;
}

/* Lists the link under its program, unless the program type went away meanwhile. */
static int link_publish(struct ebpf_link *link)
{
	int err = -ENODEV;

	core_lock();
	if (atomic_load(&link->program->usable)) {
		err = core_id_alloc_locked(CORE_LINK, link, &link->id);
		if (!err) {
			link->client_data.link_id = link->id;
			link->program_next = link->program->links;
			link->program->links = link;
		}
	}
	core_unlock();
	return err;
}

static void link_unregister(struct ebpf_link *link)
{
	if (nmr_deregister_client(core_rt.registrar, link->client) == NMR_PENDING)
		nmr_wait_for_deregistration(core_rt.registrar, link->client);
}

/*
 * The caller's options at today's size (what an older caller's lacks reads as zero; a newer
 * caller's fields this library does not know must be zero, as libbpf's OPTS_VALID).
 */
static int opts_read(const struct ebpf_program_attach_opts *given,
		     struct ebpf_program_attach_opts *opts, const char *what)
{
	const size_t base = offsetof(struct ebpf_program_attach_opts, flags);

	memset(opts, 0, sizeof(*opts));
	if (!given)
		return 0;
	if (given->sz < base)
		return core_error(-EINVAL, "%s: opts.sz %zu is below the smallest known size %zu",
				  what, given->sz, base);
	for (size_t i = sizeof(*opts); i < given->sz; i++) {
		if (((const unsigned char *)given)[i])
			return core_error(-EINVAL,
					  "%s: opts has non-zero bytes past the %zu this library "
					  "knows (at offset %zu)",
					  what, sizeof(*opts), i);
	}
	memcpy(opts, given, given->sz < sizeof(*opts) ? given->sz : sizeof(*opts));
	opts->sz = sizeof(*opts);
	return 0;
}

/* The ordering request itself is consistent (whether its relatives exist is the hook's to say). */
static int order_check(const struct ebpf_program_attach_opts *o, const char *what)
{
	bool placed = o->flags & (EBPF_F_BEFORE | EBPF_F_AFTER);

	if ((o->flags & EBPF_F_BEFORE) && (o->flags & EBPF_F_AFTER))
		return core_error(-EINVAL, "%s: EBPF_F_BEFORE and EBPF_F_AFTER together", what);
	if (o->relative_link_id && o->relative_program_id)
		return core_error(-EINVAL,
				  "%s: relative_link_id %u and relative_program_id %u both given "
				  "(at most one)",
				  what, o->relative_link_id, o->relative_program_id);
	if (!placed && (o->relative_link_id || o->relative_program_id))
		return core_error(-EINVAL,
				  "%s: a relative link or program needs EBPF_F_BEFORE or "
				  "EBPF_F_AFTER",
				  what);
	if (placed && o->priority)
		return core_error(-EINVAL,
				  "%s: priority %d with EBPF_F_BEFORE/AFTER (the link takes its "
				  "neighbour's priority: give one or the other)",
				  what, o->priority);
	return 0;
}

static int attach_opts_check(const struct ebpf_program_attach_opts *o)
{
	if (o->params_size && !o->params)
		return core_error(-EINVAL, "attach: %zu bytes of parameters at NULL",
				  o->params_size);
	if (o->params_size > EBPF_ATTACH_PARAMS_LIMIT)
		return core_error(-EINVAL,
				  "attach: %zu bytes of parameters, more than the limit of %u",
				  o->params_size, EBPF_ATTACH_PARAMS_LIMIT);
	return order_check(o, "attach");
}

int ebpf_program_attach(struct ebpf_program *program, const nmr_guid_t *attach_type,
			const void *params, size_t params_size, struct ebpf_link **out)
{
	struct ebpf_program_attach_opts opts = {
		.sz = sizeof(opts),
		.params = params,
		.params_size = params_size,
	};

	return ebpf_program_attach_opts(program, attach_type, &opts, out);
}

int ebpf_program_attach_opts(struct ebpf_program *program, const nmr_guid_t *attach_type,
			     const struct ebpf_program_attach_opts *given, struct ebpf_link **out)
{
	struct ebpf_program_attach_opts opts;
	char guid[NMR_GUID_STRING_SIZE];
	struct ebpf_link *link;
	int err;

	core_error_clear();
	if (!program || !attach_type || !out)
		return core_error(-EINVAL, "attach: missing program, attach type or parameters");
	err = opts_read(given, &opts, "attach");
	if (!err)
		err = attach_opts_check(&opts);
	if (err)
		return err;
	err = core_runtime_start();
	if (err)
		return err;
	if (!program->exec)
		return core_error(-EPERM,
				  "program '%s': loaded for verification only, cannot attach",
				  program->name);
	if (!atomic_load(&program->usable))
		return core_error(-ENODEV, "program '%s': its program type '%s' is gone",
				  program->name, program->type_name);
	if (link_new(program, attach_type, &opts, &link))
		return core_error(-ENOMEM, "attach: out of memory");
	/* Listed before registering: the program type may go away while we bind. */
	err = link_publish(link);
	if (err) {
		link_free(link);
		return core_error(err, "program '%s': its program type '%s' is gone", program->name,
				  program->type_name);
	}
	/* Providers are offered to the new client before this returns. */
	err = nmr_register_client(core_rt.registrar, &link->chars, link, &link->client);
	if (err) {
		link_free(link);
		return core_error(err, "attach: cannot register the link: %s", strerror(-err));
	}
	if (atomic_load(&link->bound))
		goto done;
	link_unregister(link);
	if (link->attach_err)
		err = core_error(link->attach_err, "program '%s': %s", program->name,
				 link->attach_msg);
	else
		err = core_error(-ESRCH, "program '%s': no loaded extension offers attach type %s",
				 program->name, nmr_guid_format(attach_type, guid));
	link_free(link);
	return err;
done:
	*out = link;
	return 0;
}

/* Stops the hook from running the link's program, once (waiting for invocations in flight);
 * the link itself stays until its last reference goes. */
static void link_detach_once(struct ebpf_link *link)
{
	if (atomic_exchange(&link->detached, true))
		return;
	atomic_store_explicit(&link->bound, false, memory_order_release);
	core_synchronize_rcu();
	link_unregister(link);
}

void ebpf_link_release(struct ebpf_link *link)
{
	if (!link || atomic_fetch_sub(&link->refcount, 1) != 1)
		return;
	link_detach_once(link);
	link_free(link);
}

int ebpf_link_detach(struct ebpf_link *link)
{
	core_error_clear();
	if (!link)
		return core_error(-EINVAL, "detach: no link");
	link_detach_once(link);
	ebpf_link_release(link);
	return 0;
}

atomic_uint *core_link_refcount(struct ebpf_link *link)
{
	return &link->refcount;
}

int ebpf_link_get_by_id(uint32_t id, struct ebpf_link **link)
{
	int err;

	core_error_clear();
	if (!link)
		return core_error(-EINVAL, "link by id: no place for the link");
	err = core_runtime_start();
	if (err)
		return err;
	*link = core_id_acquire(id, CORE_LINK);
	if (!*link)
		return core_error(-ENOENT, "link by id: no link has id %u", id);
	return 0;
}

/* Moves link from one program's list to the other's; under the lock. */
static void link_move_locked(struct ebpf_link *link, struct ebpf_program *from,
			     struct ebpf_program *to)
{
	for (struct ebpf_link **p = &from->links; *p; p = &(*p)->program_next) {
		if (*p == link) {
			*p = link->program_next;
			break;
		}
	}
	link->program_next = to->links;
	to->links = link;
}

/* Whether new_program may replace what link runs now (current); under the lock. */
static int update_check_locked(struct ebpf_link *link, struct ebpf_program *current,
			       struct ebpf_program *new_program, struct ebpf_program *old_program)
{
	if (old_program && old_program != current)
		return core_error(-EPERM, "link update: the link runs program '%s', not '%s'",
				  current->name, old_program->name);
	if (!atomic_load(&new_program->usable))
		return core_error(-ENODEV, "link update: program '%s' is dormant",
				  new_program->name);
	if (!nmr_guid_equal(&new_program->type->info.program_type, &link->client_data.program_type))
		return core_error(-EINVAL,
				  "link update: program '%s' is of type '%s', the link's hook runs "
				  "type '%s'",
				  new_program->name, new_program->type_name, current->type_name);
	return 0;
}

int ebpf_link_update(struct ebpf_link *link, struct ebpf_program *new_program,
		     struct ebpf_program *old_program)
{
	struct ebpf_program *current;
	int err;

	core_error_clear();
	if (!link || !new_program)
		return core_error(-EINVAL, "link update: missing link or new program");
	if (!new_program->exec)
		return core_error(-EPERM,
				  "link update: program '%s' was loaded for verification only",
				  new_program->name);
	core_lock();
	current = atomic_load(&link->program);
	err = update_check_locked(link, current, new_program, old_program);
	if (!err && new_program != current) {
		ebpf_program_acquire(new_program);
		link_move_locked(link, current, new_program);
		/* From here on every invocation runs the new program; one that loaded the old
		 * pointer before finishes with it, inside its read-side section. */
		atomic_store_explicit(&link->program, new_program, memory_order_release);
	}
	core_unlock();
	if (err || new_program == current)
		return err;
	core_synchronize_rcu();
	ebpf_program_release(current);
	return 0;
}

uint32_t ebpf_link_id(const struct ebpf_link *link)
{
	return link ? link->id : 0;
}

/* Where the link is in its hook's chain; under the lock (the kit clears the entry under it
 * before the entry can go). */
static void fill_order_locked(const struct ebpf_link *link, struct ebpf_link_info *info)
{
	info->flags = link->client_data.flags;
	info->priority = link->client_data.priority;
	info->position = info->prev_id = info->next_id = 0;
	if (!link->chain_entry)
		return;
	core_rcu_read_lock();
	core_kit_position(link->chain_entry, &info->position, &info->prev_id, &info->next_id);
	core_rcu_read_unlock();
}

/* Under the lock (the link stays while listed). */
static void fill_info_locked(const struct ebpf_link *link, struct ebpf_link_info *info)
{
	const struct ebpf_program *program = atomic_load(&link->program);
	size_t size = link->client_data.params_size;

	info->id = link->id;
	info->program_id = program->id;
	info->attach_type = link->client_data.attach_type;
	info->program_type = link->client_data.program_type;
	info->detached = !atomic_load(&link->bound);
	info->dormant = info->detached || !atomic_load(&program->usable);
	if (info->params && info->params_size && size)
		memcpy(info->params, link->params,
		       size < info->params_size ? size : info->params_size);
	info->params_size = size;
	fill_order_locked(link, info);
}

/* The size struct ebpf_link_info had before fields were appended. */
#define LINK_INFO_V1_SIZE offsetof(struct ebpf_link_info, detached)

static int check_info(const struct ebpf_link_info *info)
{
	if (!info || info->sz < LINK_INFO_V1_SIZE)
		return core_error(-EINVAL,
				  "link info: no info, or sz is not sizeof(struct ebpf_link_info)");
	return 0;
}

/* Fills the caller's info up to its sz: a host built before the appended fields keeps its size. */
static void fill_info_sized_locked(const struct ebpf_link *link, struct ebpf_link_info *info)
{
	size_t size = info->sz < sizeof(*info) ? info->sz : sizeof(*info);
	struct ebpf_link_info full = { 0 };

	memcpy(&full, info, size);
	fill_info_locked(link, &full);
	memcpy(info, &full, size);
}

int ebpf_link_get_info(const struct ebpf_link *link, struct ebpf_link_info *info)
{
	int err;

	core_error_clear();
	if (!link)
		return core_error(-EINVAL, "link info: no link");
	err = check_info(info);
	if (err)
		return err;
	core_lock();
	fill_info_sized_locked(link, info);
	core_unlock();
	return 0;
}

int ebpf_link_get_info_by_id(uint32_t id, struct ebpf_link_info *info)
{
	const struct ebpf_link *link;
	int err;

	core_error_clear();
	err = check_info(info);
	if (!err)
		err = core_runtime_start();
	if (err)
		return err;
	core_lock();
	link = core_id_find_locked(CORE_LINK, id);
	if (link)
		fill_info_sized_locked(link, info);
	core_unlock();
	if (!link)
		return core_error(-ENOENT, "link info: no link has id %u", id);
	return 0;
}

bool ebpf_link_is_detached(const struct ebpf_link *link)
{
	return ebpf_link_is_dormant(link, NULL, 0);
}

bool ebpf_link_is_dormant(const struct ebpf_link *link, char *reason, size_t size)
{
	struct ebpf_program *program;
	char why[256] = "";
	bool dormant;

	if (!link)
		return false;
	/* A reference taken under the lock: ebpf_link_update may drop the link's meanwhile. */
	core_lock();
	program = atomic_load(&link->program);
	ebpf_program_acquire(program);
	core_unlock();
	dormant = ebpf_program_is_dormant(program, why, sizeof(why));
	if (dormant && reason && size)
		snprintf(reason, size, "program '%s' is dormant: %s", program->name, why);
	ebpf_program_release(program);
	if (dormant)
		return true;
	if (atomic_load_explicit(&link->bound, memory_order_acquire))
		return false;
	/* Read under the lock: a provider may be offered to the link right now. */
	if (reason && size) {
		core_lock();
		if (link->attach_msg[0])
			snprintf(reason, size, "its hook came back and refused it: %s",
				 link->attach_msg);
		else
			snprintf(reason, size, "its hook is gone (extension unloaded)");
		core_unlock();
	}
	return true;
}

void core_links_detach_all(void)
{
	for (;;) {
		struct ebpf_link *link = NULL;

		core_lock();
		for (size_t i = 0; i < core_rt.id_count && !link; i++) {
			if (core_rt.ids[i].kind == CORE_LINK)
				link = core_rt.ids[i].object;
		}
		core_unlock();
		if (!link)
			return;
		/* Whatever references the host still holds: the runtime goes (pins went first). */
		link_detach_once(link);
		link_free(link);
	}
}

/* ---- attach types ------------------------------------------------------------------------ */

/*
 * The core keeps no list of hooks: a short-lived client is offered every provider of the Hook
 * NPI, looks at its data and declines. The data stays valid while the extension is loaded.
 */
struct probe {
	struct nmr_client_characteristics chars;
	int (*visit)(const struct ebpf_attach_provider_data *data, void *arg);
	void *arg;
	int ret;
};

static int probe_attach_provider(nmr_registrar_t *registrar, nmr_handle_t binding,
				 void *client_context, const struct nmr_registration_info *provider)
{
	const struct ebpf_attach_provider_data *data = provider_data(provider);
	struct probe *probe = client_context;

	if (data && !probe->ret)
		probe->ret = probe->visit(data, probe->arg);
	return 0; /* declined: never bound */
}

static int probe_detach_provider(void *client_binding_context)
{
	return 0;
}

static int probe_providers(int (*visit)(const struct ebpf_attach_provider_data *, void *),
			   void *arg)
{
	struct probe probe = {
		.chars = {
			.info = {
				.npi_id = EBPF_HOOK_NPI_ID,
				.module_id = CORE_LINK_MODULE_ID,
				.version = EBPF_LINK_CLIENT_DATA_VERSION,
			},
			.attach_provider = probe_attach_provider,
			.detach_provider = probe_detach_provider,
		},
		.visit = visit,
		.arg = arg,
	};
	nmr_handle_t handle;
	int err = nmr_register_client(core_rt.registrar, &probe.chars, &probe, &handle);

	if (err)
		return core_error(err, "attach types: cannot register a probe: %s", strerror(-err));
	/* Nothing was bound, but a provider may be offering right now on another thread. */
	if (nmr_deregister_client(core_rt.registrar, handle) == NMR_PENDING)
		nmr_wait_for_deregistration(core_rt.registrar, handle);
	return probe.ret;
}

struct foreach_arg {
	ebpf_attach_type_cb cb;
	void *arg;
};

static int foreach_visit(const struct ebpf_attach_provider_data *data, void *arg)
{
	struct foreach_arg *f = arg;

	return f->cb(data, f->arg);
}

int ebpf_foreach_attach_type(ebpf_attach_type_cb cb, void *arg)
{
	struct foreach_arg f = { .cb = cb, .arg = arg };
	int err;

	core_error_clear();
	err = core_runtime_start();
	if (err)
		return err;
	return probe_providers(foreach_visit, &f);
}

struct by_name {
	const char *name;
	nmr_guid_t guid;
	bool found;
};

static int by_name_visit(const struct ebpf_attach_provider_data *data, void *arg)
{
	struct by_name *b = arg;

	if (!data->name || strcmp(data->name, b->name))
		return 0;
	b->guid = data->attach_type;
	b->found = true;
	return 1;
}

int ebpf_program_attach_by_name(struct ebpf_program *program, const char *attach_type,
				const void *params, size_t params_size, struct ebpf_link **link)
{
	struct ebpf_program_attach_opts opts = {
		.sz = sizeof(opts),
		.params = params,
		.params_size = params_size,
	};

	return ebpf_program_attach_by_name_opts(program, attach_type, &opts, link);
}

int ebpf_program_attach_by_name_opts(struct ebpf_program *program, const char *attach_type,
				     const struct ebpf_program_attach_opts *opts,
				     struct ebpf_link **link)
{
	struct by_name b = { .name = attach_type };
	int err;

	core_error_clear();
	if (!attach_type)
		return core_error(-EINVAL, "attach: no attach type");
	err = core_runtime_start();
	if (err)
		return err;
	err = probe_providers(by_name_visit, &b);
	if (err < 0)
		return err;
	if (!b.found)
		return core_error(-ESRCH, "attach type '%s': no loaded extension offers it",
				  attach_type);
	return ebpf_program_attach_opts(program, &b.guid, opts, link);
}

/* ---- reordering --------------------------------------------------------------------------- */

static int reorder_check(const struct ebpf_link *link, const struct ebpf_program_attach_opts *o)
{
	if (o->params || o->params_size)
		return core_error(-EINVAL, "link reorder: link %u keeps its parameters: give none",
				  link->id);
	if (o->flags & ~CORE_ATTACH_FLAGS)
		return core_error(-EINVAL,
				  "link reorder: flags 0x%x are not ordering flags (a link's own "
				  "flags stay as attached)",
				  o->flags & ~CORE_ATTACH_FLAGS);
	if (o->relative_link_id == link->id)
		return core_error(
		    -EINVAL, "link reorder: link %u cannot be placed relative to itself", link->id);
	return order_check(o, "link reorder");
}

int ebpf_link_reorder(struct ebpf_link *link, const struct ebpf_program_attach_opts *given)
{
	struct ebpf_link_client_data order;
	struct ebpf_program_attach_opts opts;
	struct kit_link *entry;
	void *hook = NULL;
	int32_t priority;
	int err;

	core_error_clear();
	if (!link)
		return core_error(-EINVAL, "link reorder: no link");
	err = opts_read(given, &opts, "link reorder");
	if (!err)
		err = reorder_check(link, &opts);
	if (err)
		return err;
	/* The hook's lock after ours: the entry stays in its chain until we let the hook go. */
	core_lock();
	entry = link->chain_entry;
	if (entry)
		hook = core_kit_lock(entry);
	order = link->client_data;
	core_unlock();
	if (!hook && !atomic_load(&link->bound))
		return core_error(-ENODEV, "link reorder: link %u is not bound to its hook (%s)",
				  link->id, atomic_load(&link->detached) ? "detached" : "dormant");
	if (!hook)
		return core_error(-EOPNOTSUPP,
				  "link reorder: the hook of link %u keeps its links itself (its "
				  "extension does not use the extension kit)",
				  link->id);
	order.flags = (order.flags & ~CORE_ATTACH_FLAGS) | (opts.flags & CORE_ATTACH_FLAGS);
	order.priority = opts.priority;
	order.relative_link_id = opts.relative_link_id;
	order.relative_program_id = opts.relative_program_id;
	err = core_kit_reorder(entry, &order, &priority);
	core_kit_unlock(hook);
	if (!err)
		core_link_settle(link, priority);
	return err;
}
