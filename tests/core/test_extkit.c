/* SPDX-License-Identifier: MIT */
/*
 * The extension kit (ebpf_extension_register, ebpf_hook_invoke): an extension defined here
 * registers a program type and two hooks with one call; programs attach through the public API
 * and the test fires the hooks itself, as an extension does. Covers the order of invocation,
 * stopping early, filtering by attach parameters, rollback of a failed registration, unloading
 * under attached links, and firing while links come and go and the extension unloads (label
 * concurrency: run under TSan and ASan).
 */
/* Several extensions in one file: descriptors only, no shared-library entry points. */
#define EBPF_EXTENSION_STATIC 1

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <extbpf/extbpf.h>

#include "core/test_util.h"

/* ---- the extension under test ------------------------------------------------------------ */

#define KIT_MODULE_ID	 NMR_GUID(0x7e57c0de, 0x0001, 0x4000, 0x8000, 0x000000000000)
#define KIT_TYPE_GUID	 NMR_GUID(0x7e57c0de, 0x0001, 0x4000, 0x8000, 0x000000000001)
#define KIT_PLAIN_GUID	 NMR_GUID(0x7e57c0de, 0x0001, 0x4000, 0x8000, 0x000000000002)
#define KIT_PORT_GUID	 NMR_GUID(0x7e57c0de, 0x0001, 0x4000, 0x8000, 0x000000000003)
#define OTHER_TYPE_GUID	 NMR_GUID(0x7e57c0de, 0x0001, 0x4000, 0x8000, 0x000000000011)
#define OTHER_HOOK_GUID	 NMR_GUID(0x7e57c0de, 0x0001, 0x4000, 0x8000, 0x000000000012)
#define SHADOW_TYPE_GUID NMR_GUID(0x7e57c0de, 0x0001, 0x4000, 0x8000, 0x000000000021)

/* The attach parameters of kit_port: links run only for events on their port. */
struct kit_params {
	uint32_t port;
};

static const struct ebpf_section_prefix kit_sections[] = { { .prefix = "kit" } };

static const struct ebpf_program_info kit_type = {
	.header = EBPF_EXTENSION_HEADER(struct ebpf_program_info, EBPF_PROGRAM_INFO_VERSION),
	.name = "kit",
	.program_type = KIT_TYPE_GUID,
	.sections = kit_sections,
	.section_count = 1,
	.context = { .size = 8, .data = -1, .data_end = -1, .meta = -1 },
};

static const struct ebpf_attach_provider_data plain_data = {
	.header = EBPF_EXTENSION_HEADER(struct ebpf_attach_provider_data,
					EBPF_ATTACH_PROVIDER_DATA_VERSION),
	.name = "kit_plain",
	.attach_type = KIT_PLAIN_GUID,
	.program_type = KIT_TYPE_GUID,
};

static const struct ebpf_attach_provider_data port_data = {
	.header = EBPF_EXTENSION_HEADER(struct ebpf_attach_provider_data,
					EBPF_ATTACH_PROVIDER_DATA_VERSION),
	.name = "kit_port",
	.attach_type = KIT_PORT_GUID,
	.program_type = KIT_TYPE_GUID,
	.params_size = sizeof(struct kit_params),
};

static int port_check(const void *params, size_t params_size)
{
	const struct kit_params *p = params;

	return p->port ? 0 : -EDOM; /* port 0 is nobody's */
}

static struct ebpf_hook plain_hook = { .data = &plain_data };
static struct ebpf_hook port_hook = { .data = &port_data, .check_params = port_check };

static const struct ebpf_program_info *const kit_types[] = { &kit_type };
static struct ebpf_hook *const kit_hooks[] = { &plain_hook, &port_hook };

static const struct ebpf_extension_registration kit_registration = {
	.header = EBPF_EXTENSION_HEADER(struct ebpf_extension_registration,
					EBPF_EXTENSION_REGISTRATION_VERSION),
	.module_id = KIT_MODULE_ID,
	.program_types = kit_types,
	.program_type_count = 1,
	.hooks = kit_hooks,
	.hook_count = 2,
};

static int register_load(const struct ebpf_extension_registration *reg, nmr_registrar_t *registrar,
			 void **state)
{
	struct ebpf_extension_providers *providers;
	int err = ebpf_extension_register(registrar, reg, &providers);

	if (!err)
		*state = providers;
	return err;
}

static int kit_load(nmr_registrar_t *registrar, void **state)
{
	return register_load(&kit_registration, registrar, state);
}

static void kit_unload(void *state)
{
	ebpf_extension_deregister(state);
}

EBPF_EXTENSION_DEFINE(kit, "the extension kit's test extension", kit_load, kit_unload)

/* ---- extensions whose registration fails ------------------------------------------------- */

/* A valid type "other" and hook "other_hook", then a type that reuses the name "kit". */
static const struct ebpf_section_prefix other_sections[] = { { .prefix = "other" } };

static const struct ebpf_program_info other_type = {
	.header = EBPF_EXTENSION_HEADER(struct ebpf_program_info, EBPF_PROGRAM_INFO_VERSION),
	.name = "other",
	.program_type = OTHER_TYPE_GUID,
	.sections = other_sections,
	.section_count = 1,
	.context = { .size = 8, .data = -1, .data_end = -1, .meta = -1 },
};

static const struct ebpf_program_info dup_name_type = {
	.header = EBPF_EXTENSION_HEADER(struct ebpf_program_info, EBPF_PROGRAM_INFO_VERSION),
	.name = "kit",
	.program_type = SHADOW_TYPE_GUID,
	.context = { .size = 8, .data = -1, .data_end = -1, .meta = -1 },
};

static const struct ebpf_attach_provider_data other_hook_data = {
	.header = EBPF_EXTENSION_HEADER(struct ebpf_attach_provider_data,
					EBPF_ATTACH_PROVIDER_DATA_VERSION),
	.name = "other_hook",
	.attach_type = OTHER_HOOK_GUID,
	.program_type = OTHER_TYPE_GUID,
};

static struct ebpf_hook other_hook = { .data = &other_hook_data };

static const struct ebpf_program_info *const dup_types[] = { &other_type, &dup_name_type };
static struct ebpf_hook *const other_hooks[] = { &other_hook };

static const struct ebpf_extension_registration dup_registration = {
	.header = EBPF_EXTENSION_HEADER(struct ebpf_extension_registration,
					EBPF_EXTENSION_REGISTRATION_VERSION),
	.module_id = NMR_GUID(0x7e57c0de, 0x0002, 0x4000, 0x8000, 0x000000000000),
	.program_types = dup_types,
	.program_type_count = 2,
	.hooks = other_hooks,
	.hook_count = 1,
};

static int dup_load(nmr_registrar_t *registrar, void **state)
{
	return register_load(&dup_registration, registrar, state);
}

EBPF_EXTENSION_DEFINE(dup, "registers a type named like kit's", dup_load, kit_unload)

/* A type whose helper takes the id of the core's bpf_map_lookup_elem (1), then a hook. */
static uint64_t shadow_helper(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	return 0;
}

static const struct ebpf_helper_proto shadow_protos[] = {
	{ .id = 1, .name = "my_lookup", .ret = EBPF_RET_INTEGER },
};
static const ebpf_helper_fn shadow_addresses[] = { shadow_helper };

static const struct ebpf_program_info shadow_type = {
	.header = EBPF_EXTENSION_HEADER(struct ebpf_program_info, EBPF_PROGRAM_INFO_VERSION),
	.name = "shadow",
	.program_type = SHADOW_TYPE_GUID,
	.context = { .size = 8, .data = -1, .data_end = -1, .meta = -1 },
	.helpers = shadow_protos,
	.helper_addresses = shadow_addresses,
	.helper_count = 1,
};

static const struct ebpf_program_info *const shadow_types[] = { &other_type, &shadow_type };

static const struct ebpf_extension_registration shadow_registration = {
	.header = EBPF_EXTENSION_HEADER(struct ebpf_extension_registration,
					EBPF_EXTENSION_REGISTRATION_VERSION),
	.module_id = NMR_GUID(0x7e57c0de, 0x0003, 0x4000, 0x8000, 0x000000000000),
	.program_types = shadow_types,
	.program_type_count = 2,
	.hooks = other_hooks,
	.hook_count = 1,
};

static int shadow_load(nmr_registrar_t *registrar, void **state)
{
	return register_load(&shadow_registration, registrar, state);
}

EBPF_EXTENSION_DEFINE(shadow, "a helper under a global id", shadow_load, kit_unload)

/* kit's own plain hook again, under a type of its own: the hook object is registered already. */
static struct ebpf_hook *const reused_hooks[] = { &plain_hook };
static const struct ebpf_program_info *const other_types[] = { &other_type };

static const struct ebpf_extension_registration reused_registration = {
	.header = EBPF_EXTENSION_HEADER(struct ebpf_extension_registration,
					EBPF_EXTENSION_REGISTRATION_VERSION),
	.module_id = NMR_GUID(0x7e57c0de, 0x0004, 0x4000, 0x8000, 0x000000000000),
	.program_types = other_types,
	.program_type_count = 1,
	.hooks = reused_hooks,
	.hook_count = 1,
};

static int reused_load(nmr_registrar_t *registrar, void **state)
{
	return register_load(&reused_registration, registrar, state);
}

EBPF_EXTENSION_DEFINE(reused, "registers kit's hook object twice", reused_load, kit_unload)

/* ---- helpers ----------------------------------------------------------------------------- */

static struct ebpf_extension *add_kit(void)
{
	struct ebpf_extension *ext = NULL;

	if (ebpf_extension_add_static(&ebpf_extension_kit, &ext))
		fail_msg("add kit: %s", ebpf_last_error());
	return ext;
}

static struct ebpf_program *load_return(const char *type, int32_t value)
{
	struct ebpf_inst insns[] = PROG_RETURN(value);
	struct ebpf_program *prog = NULL;

	if (ebpf_program_load_raw(type, insns, 2, NULL, &prog))
		fail_msg("load: %s", ebpf_last_error());
	return prog;
}

static struct ebpf_link *attach(struct ebpf_program *prog, const char *hook, uint32_t port)
{
	struct kit_params params = { .port = port };
	struct ebpf_link *link = NULL;
	int err = port ? ebpf_program_attach_by_name(prog, hook, &params, sizeof(params), &link)
		       : ebpf_program_attach_by_name(prog, hook, NULL, 0, &link);

	if (err)
		fail_msg("attach to %s: %s", hook, ebpf_last_error());
	return link;
}

/* What one firing saw, in order; stop_on stops at the first result equal to it. */
struct seen {
	uint32_t results[16];
	size_t count;
	uint32_t stop_on;
	bool stop;
	uint32_t port; /* for the filter */
};

static int record(void *arg, uint32_t result)
{
	struct seen *s = arg;

	if (s->count < 16)
		s->results[s->count] = result;
	s->count++;
	return s->stop && result == s->stop_on;
}

static bool same_port(void *arg, const void *params, size_t params_size)
{
	const struct kit_params *p = params;

	assert_int_equal(params_size, sizeof(*p));
	return p->port == ((struct seen *)arg)->port;
}

static int type_hits(const char *name)
{
	struct found f = { .want = name };

	assert_int_equal(ebpf_foreach_program_type(count_type, &f), 0);
	return f.hits;
}

static int teardown(void **state)
{
	ebpf_runtime_shutdown(); /* frees whatever a failed test left */
	return 0;
}

/* ---- registering and firing -------------------------------------------------------------- */

static void test_unregistered_hook_does_not_fire(void **state)
{
	uint64_t ctx = 0;

	assert_int_equal(ebpf_hook_invoke(&plain_hook, &ctx, NULL, NULL), -ENODEV);
	assert_false(ebpf_hook_has_links(&plain_hook));
}

static void test_links_run_in_attach_order(void **state)
{
	struct ebpf_extension *ext = add_kit();
	struct ebpf_program *p[3] = { load_return("kit", 10), load_return("kit", 20),
				      load_return("kit", 30) };
	struct ebpf_link *links[3];
	struct seen seen = { 0 };
	uint64_t ctx = 0;

	assert_int_equal(type_hits("kit"), 1);
	assert_false(ebpf_hook_has_links(&plain_hook));
	assert_int_equal(ebpf_hook_invoke(&plain_hook, &ctx, record, &seen), 0);
	assert_int_equal(seen.count, 0);

	/* Attached out of load order: 30, 10, 20. */
	links[0] = attach(p[2], "kit_plain", 0);
	links[1] = attach(p[0], "kit_plain", 0);
	links[2] = attach(p[1], "kit_plain", 0);
	assert_true(ebpf_hook_has_links(&plain_hook));
	assert_false(ebpf_hook_has_links(&port_hook));
	assert_int_equal(ebpf_hook_invoke(&plain_hook, &ctx, record, &seen), 3);
	assert_int_equal(seen.count, 3);
	assert_int_equal(seen.results[0], 30);
	assert_int_equal(seen.results[1], 10);
	assert_int_equal(seen.results[2], 20);

	/* Detaching the middle one keeps the others' order; no on_result is fine too. */
	assert_int_equal(ebpf_link_detach(links[1]), 0);
	memset(&seen, 0, sizeof(seen));
	assert_int_equal(ebpf_hook_invoke(&plain_hook, &ctx, record, &seen), 2);
	assert_int_equal(seen.results[0], 30);
	assert_int_equal(seen.results[1], 20);
	assert_int_equal(ebpf_hook_invoke(&plain_hook, &ctx, NULL, NULL), 2);

	assert_int_equal(ebpf_link_detach(links[0]), 0);
	assert_int_equal(ebpf_link_detach(links[2]), 0);
	assert_false(ebpf_hook_has_links(&plain_hook));
	for (int i = 0; i < 3; i++)
		ebpf_program_release(p[i]);
	assert_int_equal(ebpf_extension_unload(ext), 0);
	assert_int_equal(ebpf_hook_invoke(&plain_hook, &ctx, NULL, NULL), -ENODEV);
}

static void test_on_result_stops_early(void **state)
{
	struct ebpf_extension *ext = add_kit();
	struct ebpf_program *p[3] = { load_return("kit", 0), load_return("kit", 7),
				      load_return("kit", 9) };
	struct ebpf_link *links[3];
	struct seen seen = { .stop = true, .stop_on = 7 };
	uint64_t ctx = 0;

	for (int i = 0; i < 3; i++)
		links[i] = attach(p[i], "kit_plain", 0);
	/* "First non-zero wins": the third program never runs. */
	assert_int_equal(ebpf_hook_invoke(&plain_hook, &ctx, record, &seen), 2);
	assert_int_equal(seen.count, 2);
	assert_int_equal(seen.results[0], 0);
	assert_int_equal(seen.results[1], 7);

	for (int i = 0; i < 3; i++) {
		assert_int_equal(ebpf_link_detach(links[i]), 0);
		ebpf_program_release(p[i]);
	}
	assert_int_equal(ebpf_extension_unload(ext), 0);
}

static void test_filter_by_attach_params(void **state)
{
	struct ebpf_extension *ext = add_kit();
	struct ebpf_program *p[3] = { load_return("kit", 1), load_return("kit", 2),
				      load_return("kit", 3) };
	struct kit_params zero = { 0 };
	struct ebpf_link *links[3], *refused = NULL;
	struct seen seen = { .port = 80 };
	uint64_t ctx = 0;

	links[0] = attach(p[0], "kit_port", 80);
	links[1] = attach(p[1], "kit_port", 443);
	links[2] = attach(p[2], "kit_port", 80);
	assert_int_equal(ebpf_hook_invoke_filtered(&port_hook, &ctx, same_port, record, &seen), 2);
	assert_int_equal(seen.results[0], 1);
	assert_int_equal(seen.results[1], 3);

	memset(&seen, 0, sizeof(seen));
	seen.port = 443;
	assert_int_equal(ebpf_hook_invoke_filtered(&port_hook, &ctx, same_port, record, &seen), 1);
	assert_int_equal(seen.results[0], 2);
	seen.port = 8080;
	assert_int_equal(ebpf_hook_invoke_filtered(&port_hook, &ctx, same_port, NULL, &seen), 0);
	/* Unfiltered, every link runs. */
	assert_int_equal(ebpf_hook_invoke(&port_hook, &ctx, NULL, NULL), 3);

	/* check_params refuses port 0 with its own error; the core refuses a wrong size. */
	assert_int_equal(
	    ebpf_program_attach_by_name(p[0], "kit_port", &zero, sizeof(zero), &refused), -EDOM);
	assert_true(error_has("the extension refused the link"));
	assert_int_equal(ebpf_program_attach_by_name(p[0], "kit_port", NULL, 0, &refused), -EINVAL);
	assert_true(error_has("takes 4 bytes of parameters"));
	assert_null(refused);
	assert_int_equal(ebpf_hook_invoke(&port_hook, &ctx, NULL, NULL), 3);

	for (int i = 0; i < 3; i++) {
		assert_int_equal(ebpf_link_detach(links[i]), 0);
		ebpf_program_release(p[i]);
	}
	assert_int_equal(ebpf_extension_unload(ext), 0);
}

/* ---- failed registrations leave nothing behind -------------------------------------------- */

/* Nothing of the "other" type or "other_hook" remains after a failed load. */
static void expect_nothing_of_other(void)
{
	struct ebpf_program *prog = NULL;
	struct ebpf_inst insns[] = PROG_RETURN(0);
	uint64_t ctx = 0;

	assert_int_equal(type_hits("other"), 0);
	assert_int_equal(ebpf_program_load_raw("other", insns, 2, NULL, &prog), -ESRCH);
	assert_int_equal(ebpf_hook_invoke(&other_hook, &ctx, NULL, NULL), -ENODEV);
}

static void test_duplicate_type_name_rolls_back(void **state)
{
	struct ebpf_extension *kit = add_kit(), *ext = NULL;
	struct ebpf_program *prog;
	struct ebpf_link *link = NULL;

	assert_int_equal(ebpf_extension_add_static(&ebpf_extension_dup, &ext), -EEXIST);
	assert_true(error_has("program type 'kit' is registered already"));
	assert_true(error_has("extension 'dup'"));
	assert_null(ext);
	expect_nothing_of_other();
	prog = load_return("kit", 1);
	assert_int_equal(ebpf_program_attach_by_name(prog, "other_hook", NULL, 0, &link), -ESRCH);

	/* kit is untouched, and the failed extension may load once kit is gone. */
	link = attach(prog, "kit_plain", 0);
	assert_int_equal(ebpf_hook_invoke(&plain_hook, &(uint64_t){ 0 }, NULL, NULL), 1);
	assert_int_equal(ebpf_link_detach(link), 0);
	ebpf_program_release(prog);
	assert_int_equal(ebpf_extension_unload(kit), 0);
	assert_int_equal(ebpf_extension_add_static(&ebpf_extension_dup, &ext), 0);
	assert_int_equal(type_hits("other"), 1);
	assert_int_equal(type_hits("kit"), 1);
	assert_int_equal(ebpf_hook_invoke(&other_hook, &(uint64_t){ 0 }, NULL, NULL), 0);
	assert_int_equal(ebpf_extension_unload(ext), 0);
	expect_nothing_of_other();
}

static void test_helper_shadowing_global_rolls_back(void **state)
{
	struct ebpf_extension *ext = NULL;

	assert_int_equal(ebpf_extension_add_static(&ebpf_extension_shadow, &ext), -EINVAL);
	assert_true(error_has("helper 'my_lookup' has id 1, the core's global helper"));
	assert_null(ext);
	expect_nothing_of_other();
	assert_int_equal(type_hits("shadow"), 0);
}

static void test_hook_registered_twice_rolls_back(void **state)
{
	struct ebpf_extension *kit = add_kit(), *ext = NULL;
	struct ebpf_program *prog = load_return("kit", 4);
	struct ebpf_link *link = attach(prog, "kit_plain", 0);

	assert_int_equal(ebpf_extension_add_static(&ebpf_extension_reused, &ext), -EEXIST);
	assert_true(error_has("hook 'kit_plain' is registered already"));
	expect_nothing_of_other();
	/* kit's hook still holds its link. */
	assert_false(ebpf_link_is_detached(link));
	assert_int_equal(ebpf_hook_invoke(&plain_hook, &(uint64_t){ 0 }, NULL, NULL), 1);
	assert_int_equal(ebpf_link_detach(link), 0);
	ebpf_program_release(prog);
	assert_int_equal(ebpf_extension_unload(kit), 0);
}

static void test_malformed_registration(void **state)
{
	nmr_registrar_t *registrar = ebpf_runtime_registrar();
	struct ebpf_extension_registration reg = kit_registration;
	const struct ebpf_program_info *nameless[] = { &dup_name_type };
	struct ebpf_program_info unnamed = dup_name_type;
	struct ebpf_extension_providers *p = NULL;

	assert_non_null(registrar);
	assert_int_equal(ebpf_extension_register(registrar, NULL, &p), -EINVAL);
	reg.header.version = 0;
	assert_int_equal(ebpf_extension_register(registrar, &reg, &p), -EINVAL);
	assert_true(error_has("version"));
	reg = kit_registration;
	reg.hooks = NULL;
	assert_int_equal(ebpf_extension_register(registrar, &reg, &p), -EINVAL);
	unnamed.name = NULL;
	nameless[0] = &unnamed;
	reg = kit_registration;
	reg.program_types = nameless;
	assert_int_equal(ebpf_extension_register(registrar, &reg, &p), -EINVAL);
	assert_true(error_has("program type 0 has no name"));
	assert_null(p);
	assert_int_equal(ebpf_hook_invoke(&plain_hook, &(uint64_t){ 0 }, NULL, NULL), -ENODEV);
	ebpf_extension_deregister(NULL); /* ignored */
}

/* ---- unloading under links ---------------------------------------------------------------- */

static void test_unload_detaches_links(void **state)
{
	struct ebpf_extension *ext = add_kit();
	struct ebpf_program *a = load_return("kit", 1), *b = load_return("kit", 2);
	struct ebpf_link *la = attach(a, "kit_plain", 0), *lb = attach(b, "kit_port", 9);
	uint64_t ctx = 0;

	assert_int_equal(ebpf_extension_unload(ext), 0);
	assert_true(ebpf_link_is_detached(la));
	assert_true(ebpf_link_is_detached(lb));
	assert_int_equal(ebpf_hook_invoke(&plain_hook, &ctx, NULL, NULL), -ENODEV);
	assert_false(ebpf_hook_has_links(&port_hook));

	/* Loading again: the dormant links attach to the hooks again and run. */
	ext = add_kit();
	assert_false(ebpf_link_is_detached(la));
	assert_false(ebpf_link_is_detached(lb));
	assert_int_equal(ebpf_hook_invoke(&plain_hook, &ctx, NULL, NULL), 1);
	assert_true(ebpf_hook_has_links(&port_hook));
	assert_int_equal(ebpf_link_detach(la), 0);
	assert_int_equal(ebpf_link_detach(lb), 0);
	ebpf_program_release(a);
	ebpf_program_release(b);
	assert_int_equal(ebpf_extension_unload(ext), 0);
}

/* ---- concurrency --------------------------------------------------------------------------- */

#define FIRERS 2
#define ROUNDS 30
#define RET_A  11
#define RET_B  22

struct race {
	atomic_bool stop;
	atomic_int bad;
	atomic_long fired;
	atomic_long attached;
	pthread_mutex_t lock; /* guards prog */
	struct ebpf_program *prog;
};

static int check_result(void *arg, uint32_t result)
{
	struct race *r = arg;

	if (result != RET_A && result != RET_B)
		atomic_fetch_add(&r->bad, 1);
	return 0;
}

static bool any_port(void *arg, const void *params, size_t params_size)
{
	return params_size == sizeof(struct kit_params) &&
	       ((const struct kit_params *)params)->port;
}

/* Fires both hooks; -ENODEV while the extension is away, else a count of programs. */
static void *fire_loop(void *arg)
{
	struct race *r = arg;
	uint64_t ctx = 0;

	while (!atomic_load(&r->stop)) {
		int a = ebpf_hook_invoke(&plain_hook, &ctx, check_result, r);
		int b = ebpf_hook_invoke_filtered(&port_hook, &ctx, any_port, check_result, r);

		if ((a < 0 && a != -ENODEV) || (b < 0 && b != -ENODEV))
			atomic_fetch_add(&r->bad, 1);
		ebpf_hook_has_links(&plain_hook);
		atomic_fetch_add(&r->fired, 1);
		if (a < 0)
			sched_yield();
	}
	return NULL;
}

/* Attaches and detaches the published program; fails only while its type or hook is away. */
static void *link_loop(void *arg)
{
	struct race *r = arg;

	while (!atomic_load(&r->stop)) {
		struct kit_params params = { .port = 5 };
		struct ebpf_program *prog;
		struct ebpf_link *link = NULL;
		int err;

		pthread_mutex_lock(&r->lock);
		prog = r->prog;
		if (prog)
			ebpf_program_acquire(prog);
		pthread_mutex_unlock(&r->lock);
		if (!prog) {
			sched_yield();
			continue;
		}
		err = ebpf_program_attach_by_name(prog, "kit_port", &params, sizeof(params), &link);
		if (!err) {
			atomic_fetch_add(&r->attached, 1);
			sched_yield();
			ebpf_link_detach(link);
		} else if (err != -ENODEV && err != -ESRCH) {
			atomic_fetch_add(&r->bad, 1);
		}
		ebpf_program_release(prog);
	}
	return NULL;
}

static void publish(struct race *r, struct ebpf_program *prog)
{
	struct ebpf_program *old;

	if (prog)
		ebpf_program_acquire(prog);
	pthread_mutex_lock(&r->lock);
	old = r->prog;
	r->prog = prog;
	pthread_mutex_unlock(&r->lock);
	ebpf_program_release(old);
}

/* One round: load, attach, let everything run, unload under the links (or detach first). */
static void race_round(struct race *r, int round)
{
	struct ebpf_extension *ext = add_kit();
	struct ebpf_program *a = load_return("kit", RET_A), *b = load_return("kit", RET_B);
	struct ebpf_link *la = attach(a, "kit_plain", 0), *lb = attach(b, "kit_port", 7);
	long target = atomic_load(&r->fired) + 20;

	publish(r, b);
	while (atomic_load(&r->fired) < target)
		sched_yield();
	if (round % 2) {
		assert_int_equal(ebpf_link_detach(la), 0);
		la = NULL;
	}
	assert_int_equal(ebpf_extension_unload(ext), 0);
	assert_true(ebpf_link_is_detached(lb));
	publish(r, NULL);
	if (la)
		assert_int_equal(ebpf_link_detach(la), 0);
	assert_int_equal(ebpf_link_detach(lb), 0);
	ebpf_program_release(a);
	ebpf_program_release(b);
}

static void test_fire_while_links_and_extension_change(void **state)
{
	struct race r = { .lock = PTHREAD_MUTEX_INITIALIZER };
	pthread_t firers[FIRERS], linker;

	for (int i = 0; i < FIRERS; i++)
		assert_int_equal(pthread_create(&firers[i], NULL, fire_loop, &r), 0);
	assert_int_equal(pthread_create(&linker, NULL, link_loop, &r), 0);
	for (int round = 0; round < ROUNDS; round++)
		race_round(&r, round);
	atomic_store(&r.stop, true);
	for (int i = 0; i < FIRERS; i++)
		pthread_join(firers[i], NULL);
	pthread_join(linker, NULL);
	assert_int_equal(atomic_load(&r.bad), 0);
	assert_true(atomic_load(&r.fired) >= 20 * ROUNDS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_unregistered_hook_does_not_fire, teardown),
		cmocka_unit_test_teardown(test_links_run_in_attach_order, teardown),
		cmocka_unit_test_teardown(test_on_result_stops_early, teardown),
		cmocka_unit_test_teardown(test_filter_by_attach_params, teardown),
		cmocka_unit_test_teardown(test_duplicate_type_name_rolls_back, teardown),
		cmocka_unit_test_teardown(test_helper_shadowing_global_rolls_back, teardown),
		cmocka_unit_test_teardown(test_hook_registered_twice_rolls_back, teardown),
		cmocka_unit_test_teardown(test_malformed_registration, teardown),
		cmocka_unit_test_teardown(test_unload_detaches_links, teardown),
		cmocka_unit_test_teardown(test_fire_while_links_and_extension_change, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
