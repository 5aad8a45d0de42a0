/* SPDX-License-Identifier: MIT */
/*
 * Dormant programs and links, and their rebinding (src/core/rebind.c): an extension defined here
 * in several versions (same program type and hook GUIDs) is unloaded and registered again under
 * programs and links. The same contract wakes them up in every engine, with the new helper
 * addresses; a changed contract (a helper's prototype, a helper removed, the context layout, the
 * program information's size) keeps them dormant with the reason; a program that does not call
 * the changed helper still wakes up. Reloading while other threads fire the hook and query the
 * state is label concurrency (run under TSan).
 */
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

#define RB_MODULE_ID NMR_GUID(0x7e57c0de, 0x0022, 0x4000, 0x8000, 0x000000000000)
#define RB_TYPE_GUID NMR_GUID(0x7e57c0de, 0x0022, 0x4000, 0x8000, 0x000000000001)
#define RB_HOOK_GUID NMR_GUID(0x7e57c0de, 0x0022, 0x4000, 0x8000, 0x000000000002)
#define RB_GET_ID    EBPF_PROGRAM_TYPE_HELPER_ID_BASE

#define V1_VALUE    100
#define V2_VALUE    200
#define PLAIN_VALUE 7

/* ---- the extension, in versions ------------------------------------------------------------ */

static uint64_t rb_get_v1(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	return V1_VALUE;
}

static uint64_t rb_get_v2(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	return V2_VALUE;
}

static const struct ebpf_section_prefix rb_sections[] = { { .prefix = "rb" } };
static const struct ebpf_helper_proto rb_protos[] = {
	{ .id = RB_GET_ID, .name = "rb_get", .ret = EBPF_RET_INTEGER },
};
/* The same helper, now taking an argument: programs verified without it must not run. */
static const struct ebpf_helper_proto rb_protos_changed[] = {
	{ .id = RB_GET_ID,
	  .name = "rb_get",
	  .ret = EBPF_RET_INTEGER,
	  .args = { EBPF_ARG_ANYTHING } },
};
static const ebpf_helper_fn rb_v1_addresses[] = { rb_get_v1 };
static const ebpf_helper_fn rb_v2_addresses[] = { rb_get_v2 };

#define RB_TYPE(ctx_size, protos, addresses, count)                                                \
	{                                                                                          \
		.header =                                                                          \
		    EBPF_EXTENSION_HEADER(struct ebpf_program_info, EBPF_PROGRAM_INFO_VERSION),    \
		.name = "rb", .program_type = RB_TYPE_GUID, .sections = rb_sections,               \
		.section_count = 1,                                                                \
		.context = { .size = (ctx_size), .data = -1, .data_end = -1, .meta = -1 },         \
		.helpers = (protos), .helper_addresses = (addresses), .helper_count = (count),     \
	}

static const struct ebpf_program_info rb_v1_type = RB_TYPE(8, rb_protos, rb_v1_addresses, 1);
/* Same contract, another build: the helper lives at another address. */
static const struct ebpf_program_info rb_v2_type = RB_TYPE(8, rb_protos, rb_v2_addresses, 1);
static const struct ebpf_program_info rb_proto_type =
    RB_TYPE(8, rb_protos_changed, rb_v2_addresses, 1);
static const struct ebpf_program_info rb_nohelper_type = RB_TYPE(8, NULL, NULL, 0);
static const struct ebpf_program_info rb_ctx_type = RB_TYPE(16, rb_protos, rb_v2_addresses, 1);

static const struct ebpf_attach_provider_data rb_hook_data = {
	.header = EBPF_EXTENSION_HEADER(struct ebpf_attach_provider_data,
					EBPF_ATTACH_PROVIDER_DATA_VERSION),
	.name = "rb_hook",
	.attach_type = RB_HOOK_GUID,
	.program_type = RB_TYPE_GUID,
};

/* One hook object: only one version is registered at a time. */
static struct ebpf_hook rb_hook = { .data = &rb_hook_data };
static struct ebpf_hook *const rb_hooks[] = { &rb_hook };

static int register_type(const struct ebpf_program_info *type, nmr_registrar_t *registrar,
			 void **state)
{
	static const nmr_guid_t module_id = RB_MODULE_ID;

	return register_one_type(&module_id, type, rb_hooks, 1, registrar, state);
}

static void rb_unload(void *state)
{
	ebpf_extension_deregister(state);
}

#define RB_VERSION(name, type)                                                                     \
	static int name##_load(nmr_registrar_t *registrar, void **state)                           \
	{                                                                                          \
		return register_type(&(type), registrar, state);                                   \
	}                                                                                          \
	EBPF_EXTENSION_DEFINE(name, #name, name##_load, rb_unload)

RB_VERSION(rb_v1, rb_v1_type)
RB_VERSION(rb_v2, rb_v2_type)
RB_VERSION(rb_proto, rb_proto_type)
RB_VERSION(rb_nohelper, rb_nohelper_type)
RB_VERSION(rb_ctx, rb_ctx_type)

/* ---- helpers of the tests ------------------------------------------------------------------ */

static struct ebpf_extension *add(const struct ebpf_extension_descriptor *descriptor)
{
	struct ebpf_extension *ext = NULL;

	assert_int_equal(ebpf_extension_add_static(descriptor, &ext), 0);
	return ext;
}

static struct ebpf_program *load(const struct ebpf_inst *insns, size_t count,
				 enum ebpf_exec_mode mode)
{
	struct ebpf_object_open_opts opts = { .sz = sizeof(opts), .mode = mode };
	struct ebpf_program *prog = NULL;
	int err = ebpf_program_load_raw("rb", insns, count, &opts, &prog);

	if (err)
		fprintf(stderr, "load: %s\n", ebpf_last_error());
	assert_int_equal(err, 0);
	return prog;
}

static const struct ebpf_inst calls_get[] = { CALL(RB_GET_ID), EXIT() };
static const struct ebpf_inst plain[] = PROG_RETURN(PLAIN_VALUE);

static struct ebpf_link *attach(struct ebpf_program *prog)
{
	struct ebpf_link *link = NULL;

	assert_int_equal(ebpf_program_attach_by_name(prog, "rb_hook", NULL, 0, &link), 0);
	return link;
}

/* The sum of the results of one firing, and how many programs ran. */
struct fired {
	uint32_t sum;
	int bad; /* a result that no version of the programs returns */
};

static int add_result(void *arg, uint32_t result)
{
	struct fired *f = arg;

	if (result != V1_VALUE && result != V2_VALUE && result != PLAIN_VALUE)
		f->bad++;
	f->sum += result;
	return 0;
}

static int fire(uint32_t *sum)
{
	struct fired f = { 0 };
	uint64_t ctx = 0;
	int ran = ebpf_hook_invoke(&rb_hook, &ctx, add_result, &f);

	assert_int_equal(f.bad, 0);
	if (sum)
		*sum = f.sum;
	return ran;
}

static int teardown(void **state)
{
	ebpf_runtime_shutdown();
	return 0;
}

static bool has(const char *text, const char *word)
{
	if (strstr(text, word))
		return true;
	fprintf(stderr, "'%s' lacks '%s'\n", text, word);
	return false;
}

/* ---- the same contract: programs and links wake up ----------------------------------------- */

static void rebind_in_mode(enum ebpf_exec_mode mode)
{
	struct ebpf_extension *ext = add(&ebpf_extension_rb_v1);
	struct ebpf_program *prog = load(calls_get, 2, mode);
	struct ebpf_link *link = attach(prog);
	uint32_t sum = 0;
	char why[256];

	assert_int_equal(fire(&sum), 1);
	assert_int_equal(sum, V1_VALUE);
	assert_int_equal(ebpf_extension_unload(ext), 0);
	assert_true(ebpf_program_is_dormant(prog, why, sizeof(why)));
	assert_true(has(why, "program type 'rb' is gone"));
	assert_true(ebpf_link_is_dormant(link, why, sizeof(why)));
	assert_int_equal(fire(NULL), -ENODEV);

	/* Another build of the same contract: its helper is called, at its address. */
	ext = add(&ebpf_extension_rb_v2);
	assert_false(ebpf_program_is_dormant(prog, why, sizeof(why)));
	assert_string_equal(why, "");
	assert_false(ebpf_link_is_dormant(link, why, sizeof(why)));
	assert_int_equal(fire(&sum), 1);
	assert_int_equal(sum, V2_VALUE);
	assert_int_equal(ebpf_program_mode(prog), mode);

	/* And again, back to the first. */
	assert_int_equal(ebpf_extension_unload(ext), 0);
	ext = add(&ebpf_extension_rb_v1);
	assert_int_equal(fire(&sum), 1);
	assert_int_equal(sum, V1_VALUE);
	assert_int_equal(ebpf_link_detach(link), 0);
	assert_int_equal(fire(NULL), 0);
	ebpf_program_release(prog);
	assert_int_equal(ebpf_extension_unload(ext), 0);
}

static void test_rebind_interp(void **state)
{
	rebind_in_mode(EBPF_MODE_INTERP);
}

static void test_rebind_jit(void **state)
{
	struct ebpf_extension *ext = add(&ebpf_extension_rb_v1);
	struct ebpf_object_open_opts opts = { .sz = sizeof(opts), .mode = EBPF_MODE_JIT };
	struct ebpf_program *probe = NULL;
	int err = ebpf_program_load_raw("rb", plain, 2, &opts, &probe);

	ebpf_program_release(probe);
	assert_int_equal(ebpf_extension_unload(ext), 0);
	if (err == -EOPNOTSUPP)
		skip(); /* no JIT on this machine */
	rebind_in_mode(EBPF_MODE_JIT);
}

static void test_rebind_native(void **state)
{
	rebind_in_mode(EBPF_MODE_NATIVE);
}

/* A link whose hook went away binds to the hook's next provider even when its program's type
 * stays away (raw providers can come and go apart): it runs once the program wakes up. */
static void test_dormant_program_keeps_link(void **state)
{
	struct ebpf_extension *ext = add(&ebpf_extension_rb_v1);
	struct ebpf_program *prog = load(plain, 2, EBPF_MODE_INTERP);
	struct ebpf_link *link = attach(prog), *second = NULL;
	char why[256];

	assert_int_equal(ebpf_extension_unload(ext), 0);
	/* Attaching a dormant program is refused: there is no hook, and no type. */
	assert_int_equal(ebpf_program_attach_by_name(prog, "rb_hook", NULL, 0, &second), -ESRCH);
	assert_null(second);
	ext = add(&ebpf_extension_rb_v1);
	assert_int_equal(fire(NULL), 1);
	assert_false(ebpf_link_is_dormant(link, why, sizeof(why)));
	assert_int_equal(ebpf_link_detach(link), 0);
	ebpf_program_release(prog);
	assert_int_equal(ebpf_extension_unload(ext), 0);
}

/* ---- a changed contract: dormant, with the reason ------------------------------------------ */

static void expect_refused(const struct ebpf_extension_descriptor *version,
			   struct ebpf_program *calls, struct ebpf_link *calls_link,
			   struct ebpf_program *other, const char *reason, bool other_wakes)
{
	struct ebpf_extension *ext = add(version);
	struct ebpf_test_run_opts run = { .sz = sizeof(run) };
	uint32_t sum = 0;
	char why[256];

	assert_true(ebpf_program_is_dormant(calls, why, sizeof(why)));
	assert_true(has(why, "program type 'rb' came back"));
	assert_true(has(why, reason));
	assert_true(ebpf_link_is_dormant(calls_link, why, sizeof(why)));
	assert_true(has(why, reason));
	assert_int_equal(ebpf_program_test_run(calls, &run), -ENODEV);
	assert_int_equal(ebpf_program_is_dormant(other, why, sizeof(why)), !other_wakes);
	/* Only the program that woke up runs. */
	assert_int_equal(fire(&sum), other_wakes ? 1 : 0);
	assert_int_equal(sum, other_wakes ? PLAIN_VALUE : 0);
	assert_int_equal(ebpf_extension_unload(ext), 0);
}

static void test_changed_contract_refuses_rebind(void **state)
{
	struct ebpf_extension *ext = add(&ebpf_extension_rb_v1);
	struct ebpf_program *calls = load(calls_get, 2, EBPF_MODE_INTERP);
	struct ebpf_program *other = load(plain, 2, EBPF_MODE_INTERP);
	struct ebpf_link *calls_link = attach(calls), *other_link = attach(other);
	uint32_t sum = 0;

	assert_int_equal(fire(&sum), 2);
	assert_int_equal(ebpf_extension_unload(ext), 0);

	/* The program that calls the changed helper stays dormant; the other wakes up. */
	expect_refused(&ebpf_extension_rb_proto, calls, calls_link, other,
		       "helper 'rb_get' (id 65536) has another prototype", true);
	expect_refused(&ebpf_extension_rb_nohelper, calls, calls_link, other,
		       "helper 'rb_get' (id 65536) is no longer offered", true);
	/* Every program depends on the context. */
	expect_refused(&ebpf_extension_rb_ctx, calls, calls_link, other,
		       "the context layout of program type 'rb' changed", false);

	/* The contract they were verified against, back: both run again. */
	ext = add(&ebpf_extension_rb_v2);
	assert_false(ebpf_program_is_dormant(calls, NULL, 0));
	assert_int_equal(fire(&sum), 2);
	assert_int_equal(sum, V2_VALUE + PLAIN_VALUE);
	assert_int_equal(ebpf_link_detach(calls_link), 0);
	assert_int_equal(ebpf_link_detach(other_link), 0);
	ebpf_program_release(calls);
	ebpf_program_release(other);
	assert_int_equal(ebpf_extension_unload(ext), 0);
}

/* Program information of another size (an extension built against other headers): what the
 * program was verified against is not known to hold, so it stays dormant. */
static void test_changed_info_size_refuses_rebind(void **state)
{
	struct ebpf_extension *ext = add(&ebpf_extension_rb_v1);
	struct ebpf_program *prog = load(plain, 2, EBPF_MODE_INTERP);
	struct ebpf_program_info older = rb_v1_type;
	const struct ebpf_program_info *types[] = { &older };
	struct ebpf_extension_registration reg = {
		.header = EBPF_EXTENSION_HEADER(struct ebpf_extension_registration,
						EBPF_EXTENSION_REGISTRATION_VERSION),
		.module_id = RB_MODULE_ID,
		.program_types = types,
		.program_type_count = 1,
	};
	struct ebpf_extension_providers *providers = NULL;
	char why[256];

	assert_int_equal(ebpf_extension_unload(ext), 0);
	/* Version 2: the program information up to the context's BTF. */
	older.header.version = 2;
	older.header.size = (offsetof(struct ebpf_program_info, btf_size) + sizeof(older.btf_size) +
			     _Alignof(struct ebpf_program_info) - 1) /
			    _Alignof(struct ebpf_program_info) * _Alignof(struct ebpf_program_info);
	if (ebpf_extension_register(ebpf_runtime_registrar(), &reg, &providers))
		fail_msg("%s", ebpf_last_error());
	assert_true(ebpf_program_is_dormant(prog, why, sizeof(why)));
	assert_true(has(why, "program information is version 2"));
	ebpf_extension_deregister(providers);
	ebpf_program_release(prog);
}

/* ---- reloading while the hook fires ---------------------------------------------------------- */

#define FIRERS	2
#define RELOADS 40

struct race {
	atomic_bool stop;
	atomic_int bad;
	atomic_long fired;
	atomic_long ran;
	struct ebpf_program *prog;
	struct ebpf_link *link;
};

static void *fire_loop(void *arg)
{
	struct race *r = arg;

	while (!atomic_load(&r->stop)) {
		struct fired f = { 0 };
		uint64_t ctx = 0;
		int ran = ebpf_hook_invoke(&rb_hook, &ctx, add_result, &f);

		/* Away (-ENODEV), or the programs that are awake ran, each once. */
		if ((ran < 0 && ran != -ENODEV) || ran > 2 || f.bad)
			atomic_fetch_add(&r->bad, 1);
		if (ran > 0)
			atomic_fetch_add(&r->ran, ran);
		atomic_fetch_add(&r->fired, 1);
		if (ran < 0)
			sched_yield();
	}
	return NULL;
}

static void *query_loop(void *arg)
{
	struct race *r = arg;
	char why[256];

	while (!atomic_load(&r->stop)) {
		ebpf_program_is_dormant(r->prog, why, sizeof(why));
		ebpf_link_is_dormant(r->link, why, sizeof(why));
		sched_yield();
	}
	return NULL;
}

static void test_reload_while_firing(void **state)
{
	struct ebpf_extension *ext = add(&ebpf_extension_rb_v1);
	struct race r = { .prog = load(calls_get, 2, EBPF_MODE_DEFAULT) };
	struct ebpf_program *other = load(plain, 2, EBPF_MODE_INTERP);
	struct ebpf_link *other_link = attach(other);
	pthread_t firers[FIRERS], query;
	uint32_t sum = 0;

	r.link = attach(r.prog);
	for (int i = 0; i < FIRERS; i++)
		assert_int_equal(pthread_create(&firers[i], NULL, fire_loop, &r), 0);
	assert_int_equal(pthread_create(&query, NULL, query_loop, &r), 0);
	for (int round = 0; round < RELOADS; round++) {
		long target = atomic_load(&r.fired) + 10;

		while (atomic_load(&r.fired) < target)
			sched_yield();
		assert_int_equal(ebpf_extension_unload(ext), 0);
		assert_true(ebpf_program_is_dormant(r.prog, NULL, 0));
		ext = add(round % 2 ? &ebpf_extension_rb_v1 : &ebpf_extension_rb_v2);
		assert_false(ebpf_program_is_dormant(r.prog, NULL, 0));
		assert_false(ebpf_link_is_dormant(r.link, NULL, 0));
	}
	atomic_store(&r.stop, true);
	for (int i = 0; i < FIRERS; i++)
		pthread_join(firers[i], NULL);
	pthread_join(query, NULL);
	assert_int_equal(atomic_load(&r.bad), 0);
	assert_true(atomic_load(&r.ran) > 0);
	/* The last version loaded is rb_v1 (RELOADS is even). */
	assert_int_equal(fire(&sum), 2);
	assert_int_equal(sum, V1_VALUE + PLAIN_VALUE);
	assert_int_equal(ebpf_link_detach(r.link), 0);
	assert_int_equal(ebpf_link_detach(other_link), 0);
	ebpf_program_release(r.prog);
	ebpf_program_release(other);
	assert_int_equal(ebpf_extension_unload(ext), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_rebind_interp, teardown),
		cmocka_unit_test_teardown(test_rebind_jit, teardown),
		cmocka_unit_test_teardown(test_rebind_native, teardown),
		cmocka_unit_test_teardown(test_dormant_program_keeps_link, teardown),
		cmocka_unit_test_teardown(test_changed_contract_refuses_rebind, teardown),
		cmocka_unit_test_teardown(test_changed_info_size_refuses_rebind, teardown),
		cmocka_unit_test_teardown(test_reload_while_firing, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
