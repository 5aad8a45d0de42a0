/* SPDX-License-Identifier: MIT */
/*
 * The execution context through the public API and the sample extension: loading extensions,
 * the orders in which extensions, programs and links may go away, ids, pinning, test runs,
 * programs from ELF objects fired through sample_hook.
 */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <extbpf/extbpf.h>

#include "core/core.h"
#include "core/test_util.h"
#include "sample_ext.h"

static const nmr_guid_t sample_hook_guid = SAMPLE_ATTACH_TYPE_GUID;

/* ---- a second extension, defined here: a valid type "other" and a type with a bad helper ---- */

static uint64_t bad_helper(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	return 0;
}

static const struct ebpf_helper_proto bad_protos[] = {
	{ .id = 5, .name = "steals_global_id", .ret = EBPF_RET_INTEGER },
};
static const ebpf_helper_fn bad_addresses[] = { bad_helper };

static const struct ebpf_section_prefix other_sections[] = {
	{ .prefix = "other" },
	{ .prefix = "other_refused", .refused = "not supported in this test" },
};
static const struct ebpf_section_prefix bad_sections[] = { { .prefix = "badhelpers" } };
static const struct ebpf_section_prefix nopacket_sections[] = { { .prefix = "nopacket" } };

/* Program types without a packet, each declaring it in another way (extension.h's rule). */
#define NOPACKET_INFO(name_, guid_last_, ...)                                                      \
	{                                                                                          \
		.header =                                                                          \
		    EBPF_EXTENSION_HEADER(struct ebpf_program_info, EBPF_PROGRAM_INFO_VERSION),    \
		.name = name_,                                                                     \
		.program_type = NMR_GUID(0x11111111, 0x2222, 0x3333, 0x4444, guid_last_),          \
		.sections = nopacket_sections, .section_count = 1,                                 \
		.context = { .size = 16, __VA_ARGS__ },                                            \
	}

static const struct ebpf_program_info infos[] = {
	{
	    .header = EBPF_EXTENSION_HEADER(struct ebpf_program_info, EBPF_PROGRAM_INFO_VERSION),
	    .name = "other",
	    .program_type = NMR_GUID(0x11111111, 0x2222, 0x3333, 0x4444, 0x555555555555),
	    .sections = other_sections,
	    .section_count = 2,
	    .context = { .size = 8, .data = -1, .data_end = -1, .meta = -1 },
	},
	{
	    .header = EBPF_EXTENSION_HEADER(struct ebpf_program_info, EBPF_PROGRAM_INFO_VERSION),
	    .name = "badhelpers",
	    .program_type = NMR_GUID(0x11111111, 0x2222, 0x3333, 0x4444, 0x555555555556),
	    .sections = bad_sections,
	    .section_count = 1,
	    .context = { .size = 8, .data = -1, .data_end = -1, .meta = -1 },
	    .helpers = bad_protos,
	    .helper_addresses = bad_addresses,
	    .helper_count = 1,
	},
	NOPACKET_INFO("zeroed", 0x555555555557),
	NOPACKET_INFO("equal", 0x555555555558, .data = 8, .data_end = 8),
	NOPACKET_INFO("meta_only", 0x555555555559, .data = -1, .data_end = -1, .meta = 0),
};
#define TEST_TYPES (sizeof(infos) / sizeof(infos[0]))

static int test_attach_client(nmr_registrar_t *registrar, nmr_handle_t binding,
			      void *provider_context, const struct nmr_registration_info *client,
			      void *client_binding_context, const void *client_dispatch,
			      void **provider_binding_context, const void **provider_dispatch)
{
	*provider_binding_context = NULL;
	*provider_dispatch = NULL;
	return 0;
}

static int test_detach_client(void *provider_binding_context)
{
	return 0;
}

#define TEST_PROVIDER(i)                                                                           \
	{                                                                                          \
		.info = { .npi_id = EBPF_PROGRAM_INFO_NPI_ID,                                      \
			  .version = 1,                                                            \
			  .npi_specific = &infos[i],                                               \
			  .npi_specific_size = sizeof(infos[i]) },                                 \
		.attach_client = test_attach_client, .detach_client = test_detach_client,          \
	}

static const struct nmr_provider_characteristics test_providers[] = {
	TEST_PROVIDER(0), TEST_PROVIDER(1), TEST_PROVIDER(2), TEST_PROVIDER(3), TEST_PROVIDER(4),
};

static nmr_handle_t test_handles[TEST_TYPES];

static int testext_load(nmr_registrar_t *registrar, void **state)
{
	for (size_t i = 0; i < TEST_TYPES; i++) {
		int err =
		    nmr_register_provider(registrar, &test_providers[i], NULL, &test_handles[i]);
		if (err)
			return err;
	}
	*state = registrar;
	return 0;
}

static void testext_unload(void *state)
{
	for (size_t i = 0; i < TEST_TYPES; i++) {
		if (nmr_deregister_provider(state, test_handles[i]) == NMR_PENDING)
			nmr_wait_for_deregistration(state, test_handles[i]);
	}
}

EBPF_EXTENSION_DEFINE(testext, "program types for the core tests", testext_load, testext_unload)

/* ---- helpers ----------------------------------------------------------------------------- */

static struct ebpf_extension *add_sample(void)
{
	struct ebpf_extension *ext = NULL;

	assert_int_equal(ebpf_extension_add_static(&ebpf_extension_sample, &ext), 0);
	assert_non_null(ext);
	return ext;
}

static struct ebpf_program *load_return(const char *type, int32_t value)
{
	struct ebpf_inst insns[] = PROG_RETURN(value);
	struct ebpf_object_open_opts opts = { .sz = sizeof(opts), .mode = EBPF_MODE_INTERP };
	struct ebpf_program *prog = NULL;
	int err = ebpf_program_load_raw(type, insns, 2, &opts, &prog);

	if (err)
		fail_msg("load_raw: %s", ebpf_last_error());
	return prog;
}

/* Fires sample_hook on a small buffer; returns how many programs ran (or the error). */
static int fire(uint32_t *verdict, uint32_t *results, size_t capacity)
{
	char buf[16] = "hello";
	size_t count = capacity;
	int err = sample_hook_fire(buf, sizeof(buf), 42, verdict, results, &count, NULL);

	return err ? err : (int)count;
}

static int teardown(void **state)
{
	ebpf_runtime_shutdown();
	return 0;
}

/* ---- extensions -------------------------------------------------------------------------- */

static int count_attach(const struct ebpf_attach_provider_data *data, void *arg)
{
	struct found *f = arg;

	f->hits += !strcmp(data->name, f->want);
	return 0;
}

static void test_shared_library_load_unload(void **state)
{
	struct ebpf_extension *ext = NULL, *again = NULL;
	struct found type = { .want = "sample" }, hook = { .want = "sample_hook" };

	assert_int_equal(ebpf_extension_load(SAMPLE_SO, &ext), 0);
	assert_string_equal(ebpf_extension_name(ext), "sample");
	assert_string_equal(ebpf_extension_path(ext), SAMPLE_SO);
	assert_int_equal(ebpf_foreach_program_type(count_type, &type), 0);
	assert_int_equal(ebpf_foreach_attach_type(count_attach, &hook), 0);
	assert_int_equal(type.hits, 1);
	assert_int_equal(hook.hits, 1);

	/* The same extension twice is refused, naming both. */
	assert_int_equal(ebpf_extension_load(SAMPLE_SO, &again), -EEXIST);
	assert_true(error_has("already loaded"));

	assert_int_equal(ebpf_extension_unload(ext), 0);
	type.hits = hook.hits = 0;
	ebpf_foreach_program_type(count_type, &type);
	ebpf_foreach_attach_type(count_attach, &hook);
	assert_int_equal(type.hits, 0);
	assert_int_equal(hook.hits, 0);
}

static void test_load_errors_name_the_path(void **state)
{
	struct ebpf_extension *ext = NULL;

	assert_int_equal(ebpf_extension_load("/nonexistent/x.so", &ext), -ENOENT);
	assert_true(error_has("/nonexistent/x.so"));
	/* A shared library that is no extension: the runtime itself. */
	assert_int_equal(ebpf_extension_load(LIBEXTBPF_SO, &ext), -ENOEXEC);
	assert_true(error_has(EBPF_EXTENSION_ENTRY_SYMBOL));
	assert_int_equal(ebpf_extension_load_dir("/nonexistent-dir"), -ENOENT);
	assert_true(error_has("/nonexistent-dir"));
}

static void test_default_dir(void **state)
{
	char want[PATH_MAX], got[PATH_MAX];
	char so[PATH_MAX];
	struct found type = { .want = "sample" };

	unsetenv("EXTBPF_EXTENSION_DIR");
	/* The test runs from <build>/tests: the default is <build>/<libdir>/extbpf, where
	 * sample.so is. */
	assert_non_null(realpath(ebpf_extension_default_dir(), got));
	snprintf(so, sizeof(so), "%s", SAMPLE_SO);
	*strrchr(so, '/') = '\0';
	assert_non_null(realpath(so, want));
	assert_string_equal(got, want);

	setenv("EXTBPF_EXTENSION_DIR", "/somewhere/else", 1);
	assert_string_equal(ebpf_extension_default_dir(), "/somewhere/else");
	unsetenv("EXTBPF_EXTENSION_DIR");

	assert_int_equal(ebpf_extension_load_dir(NULL), 0);
	ebpf_foreach_program_type(count_type, &type);
	assert_int_equal(type.hits, 1);
}

static void test_missing_extension_message(void **state)
{
	struct ebpf_inst insns[] = PROG_RETURN(0);
	struct ebpf_program *prog = NULL;
	struct ebpf_object *obj = NULL;

	assert_int_equal(ebpf_program_load_raw("sample", insns, 2, NULL, &prog), -ESRCH);
	assert_true(error_has("no loaded extension provides program type 'sample'"));

	assert_int_equal(ebpf_object_open(prog_path("sample_unknown_section.bpf.o"), NULL, &obj),
			 -ESRCH);
	assert_true(error_has("section 'xdp/foo': no loaded extension provides program type for "
			      "section prefix 'xdp'"));
	assert_true(error_has("sample_unknown_section.bpf.o"));
	assert_null(obj);
}

static void expect_section(const char *section, int want, const char *type_name)
{
	struct core_progtype *type = NULL;
	int err = core_progtype_find_section(section, &type);

	if (err != want)
		fail_msg("section '%s': %d, expected %d (%s)", section, err, want,
			 ebpf_last_error());
	if (err)
		return;
	assert_string_equal(type->name, type_name);
	core_progtype_unuse(type);
	core_progtype_put(type);
}

static void test_section_rules(void **state)
{
	struct ebpf_object_open_opts opts = { .sz = sizeof(opts), .program_type = "other" };
	struct ebpf_extension *ext = NULL;
	struct ebpf_object *obj = NULL;

	add_sample();
	assert_int_equal(ebpf_extension_add_static(&ebpf_extension_testext, &ext), 0);
	expect_section("other", 0, "other");
	expect_section("other/anything", 0, "other");
	expect_section("otherwise", -ESRCH, NULL);
	expect_section("sample_ext/x/y", 0, "sample");
	expect_section("other_refused", -EOPNOTSUPP, NULL);
	assert_true(error_has("not supported in this test"));
	expect_section("other_refused/x", -EOPNOTSUPP, NULL);

	/* A program type forced by name ignores the section. */
	if (ebpf_object_open(prog_path("sample_unknown_section.bpf.o"), &opts, &obj))
		fail_msg("%s", ebpf_last_error());
	assert_string_equal(ebpf_program_type_name(ebpf_object_next_program(obj, NULL)), "other");
	ebpf_object_close(obj);
	assert_int_equal(ebpf_extension_unload(ext), 0);
}

static void test_helper_ids_below_base_refused(void **state)
{
	struct ebpf_extension *ext = NULL;
	struct ebpf_inst insns[] = PROG_RETURN(0);
	struct ebpf_program *prog = NULL;
	struct found bad = { .want = "badhelpers" }, other = { .want = "other" };

	assert_int_equal(ebpf_extension_add_static(&ebpf_extension_testext, &ext), 0);
	ebpf_foreach_program_type(count_type, &bad);
	ebpf_foreach_program_type(count_type, &other);
	assert_int_equal(bad.hits, 0); /* not offered */
	assert_int_equal(other.hits, 1);
	assert_int_equal(ebpf_program_load_raw("badhelpers", insns, 2, NULL, &prog), -EINVAL);
	assert_true(error_has("steals_global_id"));
	assert_true(error_has("id 5, the core's global helper"));
	assert_null(prog);
	assert_int_equal(ebpf_extension_unload(ext), 0);
}

static void test_wrong_attach_type(void **state)
{
	struct ebpf_extension *sample = add_sample(), *ext = NULL;
	struct ebpf_program *prog;
	struct ebpf_link *link = NULL;

	assert_int_equal(ebpf_extension_add_static(&ebpf_extension_testext, &ext), 0);
	prog = load_return("other", 1);
	assert_int_equal(ebpf_program_attach_by_name(prog, "sample_hook", NULL, 0, &link), -EINVAL);
	assert_true(error_has("attach type 'sample_hook' runs programs of type 'sample', not "
			      "'other'"));
	assert_null(link);
	assert_int_equal(ebpf_program_attach_by_name(prog, "no_such_hook", NULL, 0, &link), -ESRCH);
	assert_true(error_has("no_such_hook"));
	ebpf_program_release(prog);

	/* Parameters the hook does not take. */
	prog = load_return("sample", 1);
	assert_int_equal(ebpf_program_attach(prog, &sample_hook_guid, "xx", 2, &link), -EINVAL);
	assert_true(error_has("parameters"));
	ebpf_program_release(prog);
	assert_int_equal(ebpf_extension_unload(ext), 0);
	assert_int_equal(ebpf_extension_unload(sample), 0);
}

/* ---- lifetimes: extension vs programs vs links -------------------------------------------- */

static void test_order_link_prog_ext(void **state)
{
	struct ebpf_extension *ext = add_sample();
	struct ebpf_program *prog = load_return("sample", 3);
	struct ebpf_link *link = NULL;
	uint32_t verdict = 0;

	assert_int_equal(ebpf_program_attach_by_name(prog, "sample_hook", NULL, 0, &link), 0);
	assert_false(ebpf_link_is_detached(link));
	assert_int_equal(fire(&verdict, NULL, 0), 1);
	assert_int_equal(verdict, 3);
	assert_int_equal(ebpf_link_detach(link), 0);
	assert_int_equal(fire(&verdict, NULL, 0), 0);
	ebpf_program_release(prog);
	assert_int_equal(ebpf_extension_unload(ext), 0);
	assert_int_equal(fire(NULL, NULL, 0), -ENODEV);
}

static void test_order_prog_released_before_link(void **state)
{
	struct ebpf_extension *ext = add_sample();
	struct ebpf_program *prog = load_return("sample", 9);
	struct ebpf_link *link = NULL;
	uint32_t verdict = 0;

	assert_int_equal(ebpf_program_attach_by_name(prog, "sample_hook", NULL, 0, &link), 0);
	ebpf_program_release(prog); /* the link keeps it */
	assert_int_equal(fire(&verdict, NULL, 0), 1);
	assert_int_equal(verdict, 9);
	assert_int_equal(ebpf_link_detach(link), 0);
	assert_int_equal(ebpf_extension_unload(ext), 0);
}

static void test_order_ext_unloaded_under_link(void **state)
{
	struct ebpf_extension *ext = add_sample();
	struct ebpf_program *prog = load_return("sample", 1);
	struct ebpf_link *link = NULL, *second = NULL;
	struct ebpf_test_run_opts run = { .sz = sizeof(run) };
	uint32_t verdict = 0;
	char why[256];

	assert_int_equal(ebpf_program_attach_by_name(prog, "sample_hook", NULL, 0, &link), 0);
	assert_false(ebpf_program_is_dormant(prog, why, sizeof(why)));
	assert_string_equal(why, "");
	assert_int_equal(ebpf_extension_unload(ext), 0);
	/* Dormant: kept, never run, saying why. */
	assert_true(ebpf_link_is_detached(link));
	assert_true(ebpf_link_is_dormant(link, why, sizeof(why)));
	assert_non_null(strstr(why, "program type 'sample' is gone"));
	assert_true(ebpf_program_is_dormant(prog, why, sizeof(why)));
	assert_non_null(strstr(why, "gone"));
	assert_int_equal(ebpf_program_test_run(prog, &run), -ENODEV);
	assert_true(error_has("dormant"));
	assert_string_equal(ebpf_program_type_name(prog), "sample"); /* still a valid object */
	assert_int_equal(ebpf_program_attach_by_name(prog, "sample_hook", NULL, 0, &second),
			 -ESRCH);

	/* Loading the extension again wakes the program and its link. */
	ext = add_sample();
	assert_false(ebpf_program_is_dormant(prog, NULL, 0));
	assert_false(ebpf_link_is_dormant(link, why, sizeof(why)));
	assert_false(ebpf_link_is_detached(link));
	assert_int_equal(fire(&verdict, NULL, 0), 1);
	assert_int_equal(verdict, 1);
	assert_int_equal(ebpf_program_test_run(prog, &run), 0);
	assert_int_equal(ebpf_link_detach(link), 0);
	assert_int_equal(fire(NULL, NULL, 0), 0);
	ebpf_program_release(prog);
	assert_int_equal(ebpf_extension_unload(ext), 0);
}

static void test_order_ext_unloaded_under_program(void **state)
{
	struct ebpf_extension *ext = add_sample();
	struct ebpf_program *prog = load_return("sample", 1);
	struct ebpf_link *link = NULL;
	struct ebpf_test_run_opts run = { .sz = sizeof(run) };

	assert_int_equal(ebpf_program_test_run(prog, &run), 0);
	assert_int_equal(ebpf_extension_unload(ext), 0);
	assert_int_equal(ebpf_program_test_run(prog, &run), -ENODEV);
	assert_int_equal(ebpf_program_attach_by_name(prog, "sample_hook", NULL, 0, &link),
			 -ESRCH); /* the hook went with it */
	ebpf_program_release(prog);
}

static void test_links_run_in_attach_order(void **state)
{
	struct ebpf_extension *ext = add_sample();
	struct ebpf_program *a = load_return("sample", 0), *b = load_return("sample", 7),
			    *c = load_return("sample", 3);
	struct ebpf_link *la, *lb, *lc;
	uint32_t results[3] = { 0 }, verdict = 0;

	assert_int_equal(ebpf_program_attach(a, &sample_hook_guid, NULL, 0, &la), 0);
	assert_int_equal(ebpf_program_attach(b, &sample_hook_guid, NULL, 0, &lb), 0);
	assert_int_equal(ebpf_program_attach(c, &sample_hook_guid, NULL, 0, &lc), 0);
	assert_int_equal(fire(&verdict, results, 3), 3);
	assert_int_equal(results[0], 0);
	assert_int_equal(results[1], 7);
	assert_int_equal(results[2], 3);
	assert_int_equal(verdict, 7); /* the first non-zero */

	assert_int_equal(ebpf_link_detach(lb), 0);
	assert_int_equal(fire(&verdict, results, 3), 2);
	assert_int_equal(results[1], 3);
	ebpf_link_detach(la);
	ebpf_link_detach(lc);
	ebpf_program_release(a);
	ebpf_program_release(b);
	ebpf_program_release(c);
	assert_int_equal(ebpf_extension_unload(ext), 0);
}

static void test_shutdown_frees_everything(void **state)
{
	struct ebpf_program *prog;
	struct ebpf_link *link;
	struct ebpf_map *map;
	struct ebpf_object *obj = NULL;

	add_sample();
	prog = load_return("sample", 1);
	assert_int_equal(ebpf_program_attach_by_name(prog, "sample_hook", NULL, 0, &link), 0);
	assert_int_equal(ebpf_program_pin(prog, "/test/prog"), 0);
	assert_int_equal(ebpf_map_create(EBPF_MAP_TYPE_ARRAY, "m", 4, 8, 4, NULL, &map), 0);
	assert_int_equal(ebpf_object_open(prog_path("sample_replace.bpf.o"), NULL, &obj), 0);
	ebpf_runtime_shutdown(); /* ASan's leak check proves it */

	/* And the runtime starts again. */
	add_sample();
	prog = load_return("sample", 1);
	ebpf_program_release(prog);
}

/* ---- context descriptors ----------------------------------------------------------------- */

struct type_context {
	const char *name;
	struct ebpf_context_descriptor ctx;
};

static int context_of(const struct ebpf_program_info *info, void *arg)
{
	struct type_context *want = arg;

	if (strcmp(info->name, want->name))
		return 0;
	want->ctx = info->context;
	return 1;
}

/* A type that declares no packet (zero-initialised descriptor, data == data_end, meta alone):
 * the context's words are plain numbers, so arithmetic a packet pointer may not take is fine,
 * and the type lists -1 for each pointer. */
static void test_context_without_packet(void **state)
{
	static const char *const types[] = { "zeroed", "equal", "meta_only" };
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		int16_t off = !strcmp(types[i], "equal") ? 8 : 0;
		struct ebpf_inst insns[] = {
			INSN(0x79, 2, 1, off, 0), /* r2 = *(u64 *)(r1 + off) */
			INSN(0x27, 2, 0, 0, 3),	  /* r2 *= 3 */
			MOV64_REG(0, 2),
			EXIT(),
		};
		struct ebpf_object_open_opts opts = { .sz = sizeof(opts),
						      .mode = EBPF_MODE_INTERP };
		struct type_context listed = { .name = types[i] };
		struct ebpf_program *prog = NULL;

		assert_int_equal(ebpf_extension_add_static(&ebpf_extension_testext, NULL), 0);
		if (ebpf_program_load_raw(types[i], insns, 4, &opts, &prog))
			fail_msg("type %s: %s", types[i], ebpf_last_error());
		ebpf_program_release(prog);
		assert_int_equal(ebpf_foreach_program_type(context_of, &listed), 1);
		assert_int_equal(listed.ctx.data, -1);
		assert_int_equal(listed.ctx.data_end, -1);
		assert_int_equal(listed.ctx.meta, -1);
		ebpf_runtime_shutdown();
	}
}

/* A packet type keeps its pointers: the same arithmetic on data is refused. */
static void test_context_with_packet_unchanged(void **state)
{
	struct ebpf_inst insns[] = {
		INSN(0x79, 2, 1, 0, 0), /* r2 = *(u64 *)(r1 + 0): ctx->data */
		INSN(0x27, 2, 0, 0, 3), /* r2 *= 3 */
		MOV64_IMM(0, 0),
		EXIT(),
	};
	struct ebpf_object_open_opts opts = { .sz = sizeof(opts), .mode = EBPF_MODE_INTERP };
	struct ebpf_program *prog = NULL;

	add_sample();
	assert_int_not_equal(ebpf_program_load_raw("sample", insns, 4, &opts, &prog), 0);
	assert_null(prog);
}

/* A helper the type does not offer is named when Linux has it; an id Linux lacks is a number. */
static void test_unoffered_helper_named(void **state)
{
	static const struct {
		int32_t id;
		const char *says;
	} calls[] = {
		{ 169, "helper bpf_timer_init (169) is not offered by program type 'sample'" },
		{ 14,
		  "helper bpf_get_current_pid_tgid (14) is not offered by program type 'other'" },
		{ 30583, "unknown helper 30583" },
	};
	struct ebpf_object_open_opts opts = { .sz = sizeof(opts), .mode = EBPF_MODE_INTERP };

	add_sample();
	assert_int_equal(ebpf_extension_add_static(&ebpf_extension_testext, NULL), 0);
	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		struct ebpf_inst insns[] = { CALL(calls[i].id), MOV64_IMM(0, 0), EXIT() };
		struct ebpf_program *prog = NULL;
		const char *type = strstr(calls[i].says, "'other'") ? "other" : "sample";

		assert_int_not_equal(ebpf_program_load_raw(type, insns, 3, &opts, &prog), 0);
		assert_true(error_has(calls[i].says));
	}
}

/* ebpf_section_claimed follows libbpf's prefix rule, and only for loaded types. */
static void test_section_claimed(void **state)
{
	assert_false(ebpf_section_claimed("sample_ext"));
	add_sample();
	assert_true(ebpf_section_claimed("sample_ext"));
	assert_true(ebpf_section_claimed("sample_ext/count"));
	assert_false(ebpf_section_claimed("sample_extra"));
	assert_false(ebpf_section_claimed("nosuchtype"));
	assert_false(ebpf_section_claimed(NULL));
}

/* ---- ids and pins ------------------------------------------------------------------------ */

static void test_ids(void **state)
{
	struct ebpf_program *a, *b, *c;
	struct ebpf_map *map;
	uint32_t id_b;

	add_sample();
	a = load_return("sample", 1);
	b = load_return("sample", 2);
	assert_int_equal(ebpf_map_create(EBPF_MAP_TYPE_ARRAY, "m", 4, 8, 4, NULL, &map), 0);
	assert_int_not_equal(ebpf_program_id(a), 0);
	assert_int_not_equal(ebpf_program_id(a), ebpf_program_id(b));
	id_b = ebpf_program_id(b);
	ebpf_program_release(b);
	c = load_return("sample", 3);
	assert_int_not_equal(ebpf_program_id(c), id_b); /* no reuse, even of freed ids */
	assert_int_not_equal(ebpf_program_id(c), ebpf_program_id(a));
	ebpf_program_release(a);
	ebpf_program_release(c);
	ebpf_map_release(map);
}

/* Programs and maps are numbered in separate spaces, as in Linux: each counts from 1 in a fresh
 * runtime whatever the other kind did, and an id finds only an object of the kind asked for. */
static void test_ids_per_kind(void **state)
{
	struct ebpf_program *a, *b;
	struct ebpf_map *m1, *m2, *m3, *progs;
	uint32_t key = 0, value;

	add_sample();
	assert_int_equal(ebpf_map_create(EBPF_MAP_TYPE_ARRAY, "m1", 4, 8, 1, NULL, &m1), 0);
	a = load_return("sample", 1);
	assert_int_equal(ebpf_map_create(EBPF_MAP_TYPE_ARRAY, "m2", 4, 8, 1, NULL, &m2), 0);
	assert_int_equal(ebpf_map_create(EBPF_MAP_TYPE_ARRAY, "m3", 4, 8, 1, NULL, &m3), 0);
	b = load_return("sample", 2);
	assert_int_equal(ebpf_map_id(m1), 1);
	assert_int_equal(ebpf_map_id(m2), 2);
	assert_int_equal(ebpf_map_id(m3), 3);
	assert_int_equal(ebpf_program_id(a), 1);
	assert_int_equal(ebpf_program_id(b), 2);

	/* A program array takes program ids: 3 is a map's, no program's. */
	assert_int_equal(ebpf_map_create(EBPF_MAP_TYPE_PROG_ARRAY, "progs", 4, 4, 1, NULL, &progs),
			 0);
	value = 3;
	assert_int_not_equal(ebpf_map_update_elem(progs, &key, &value, 0), 0);
	value = ebpf_program_id(b);
	assert_int_equal(ebpf_map_update_elem(progs, &key, &value, 0), 0);

	/* Removing an object frees its id in its own space only. */
	ebpf_map_release(m1);
	assert_int_equal(ebpf_program_id(a), 1);
	value = 1;
	assert_int_equal(ebpf_map_update_elem(progs, &key, &value, 0), 0);

	ebpf_map_release(progs);
	ebpf_map_release(m2);
	ebpf_map_release(m3);
	ebpf_program_release(a);
	ebpf_program_release(b);
}

static void test_pinning(void **state)
{
	struct ebpf_program *prog, *got = NULL;
	struct ebpf_map *map, *got_map = NULL;

	add_sample();
	prog = load_return("sample", 1);
	assert_int_equal(ebpf_map_create(EBPF_MAP_TYPE_HASH, "h", 4, 4, 8, NULL, &map), 0);
	assert_int_equal(ebpf_program_pin(prog, "/p"), 0);
	assert_int_equal(ebpf_program_pin(prog, "/p"), -EEXIST);
	assert_int_equal(ebpf_map_pin(map, "/p"), -EEXIST);
	assert_int_equal(ebpf_map_pin(map, "/m"), 0);
	assert_int_equal(ebpf_map_get_pinned("/p", &got_map), -EINVAL);
	assert_int_equal(ebpf_program_get_pinned("/m", &got), -EINVAL);
	assert_int_equal(ebpf_program_get_pinned("/none", &got), -ENOENT);

	/* The pin holds a reference: the program outlives the host's. */
	ebpf_program_release(prog);
	assert_int_equal(ebpf_program_get_pinned("/p", &got), 0);
	assert_int_equal(ebpf_program_id(got), ebpf_program_id(prog));
	ebpf_program_release(got);
	assert_int_equal(ebpf_map_get_pinned("/m", &got_map), 0);
	assert_ptr_equal(got_map, map);
	ebpf_map_release(got_map);

	assert_int_equal(ebpf_unpin("/p"), 0);
	assert_int_equal(ebpf_unpin("/p"), -ENOENT);
	assert_int_equal(ebpf_program_get_pinned("/p", &got), -ENOENT);
	assert_int_equal(ebpf_unpin("/m"), 0);
	ebpf_map_release(map);
}

/* ---- test runs and ELF objects ----------------------------------------------------------- */

static void test_test_run_through_helpers(void **state)
{
	struct ebpf_object *obj = NULL;
	struct ebpf_program *prog;
	char data[] = "xxfooyy", out[16] = { 0 };
	struct sample_ctx ctx_in = { .uid = 1000, .counter = 10 }, ctx_out = { 0 };
	struct ebpf_test_run_opts run = {
		.sz = sizeof(run),
		.data_in = data,
		.data_size_in = 7,
		.data_out = out,
		.data_size_out = sizeof(out),
		.ctx_in = &ctx_in,
		.ctx_size_in = sizeof(ctx_in),
		.ctx_out = &ctx_out,
		.ctx_size_out = sizeof(ctx_out),
		.repeat = 1,
	};

	add_sample();
	if (ebpf_object_open(prog_path("sample_replace.bpf.o"), NULL, &obj))
		fail_msg("%s", ebpf_last_error());
	prog = ebpf_object_find_program(obj, "replace_foo");
	assert_non_null(prog);
	assert_string_equal(ebpf_program_type_name(prog), "sample");
	assert_int_equal(ebpf_program_test_run(prog, &run), 0);
	assert_int_equal(run.retval, 1);
	assert_int_equal(run.data_size_out, 7);
	assert_memory_equal(out, "xxBARyy", 7);
	assert_int_equal(ctx_out.uid, 1000);
	assert_int_equal(ctx_out.flags, 7);
	assert_int_equal(ctx_out.counter, 15);

	/* No "foo": untouched. */
	memcpy(data, "abcdefg", 7);
	run.ctx_in = NULL;
	run.ctx_size_in = 0;
	run.data_size_out = sizeof(out);
	assert_int_equal(ebpf_program_test_run(prog, &run), 0);
	assert_int_equal(run.retval, 0);
	assert_memory_equal(out, "abcdefg", 7);
	ebpf_object_close(obj);
}

static void test_object_attached_and_fired(void **state)
{
	struct ebpf_object *obj = NULL;
	struct ebpf_program *prog;
	struct ebpf_map *hits;
	struct ebpf_link *link = NULL;
	char buf[10] = { 0 };
	uint32_t verdict = 0, uid = 42;
	uint64_t count = 0;
	size_t n = 0;

	add_sample();
	if (ebpf_object_open(prog_path("sample_count.bpf.o"), NULL, &obj))
		fail_msg("%s", ebpf_last_error());
	prog = ebpf_object_next_program(obj, NULL);
	assert_non_null(prog);
	assert_null(ebpf_object_next_program(obj, prog));
	assert_string_equal(ebpf_program_section(prog), "sample_ext/count");
	hits = ebpf_object_find_map(obj, "hits");
	assert_non_null(hits);
	assert_int_equal(ebpf_program_attach_by_name(prog, "sample_hook", NULL, 0, &link), 0);
	for (int i = 0; i < 5; i++)
		assert_int_equal(sample_hook_fire(buf, sizeof(buf), uid, &verdict, NULL, &n, NULL),
				 0);
	assert_int_equal(verdict, sizeof(buf));
	assert_int_equal(ebpf_map_lookup_elem(hits, &uid, &count), 0);
	assert_int_equal(count, 5);
	assert_int_equal(ebpf_link_detach(link), 0);
	ebpf_object_close(obj);
}

static void test_tail_calls_through_program_array(void **state)
{
	struct ebpf_object *obj = NULL;
	struct ebpf_test_run_opts run = { .sz = sizeof(run) };

	add_sample();
	if (ebpf_object_open(prog_path("tail_call.bpf.o"), NULL, &obj))
		fail_msg("%s", ebpf_last_error());
	assert_int_equal(ebpf_program_test_run(ebpf_object_find_program(obj, "entry"), &run), 0);
	assert_int_equal(run.retval, 3); /* entry -> stage_one -> stage_two */
	ebpf_object_close(obj);
}

static void test_object_refused_as_a_whole(void **state)
{
	struct ebpf_object *obj = NULL;
	size_t before;

	add_sample();
	before = core_rt.id_count;
	assert_int_not_equal(ebpf_object_open(prog_path("sample_refused.bpf.o"), NULL, &obj), 0);
	assert_null(obj);
	assert_true(error_has("sample_refused.bpf.o"));
	assert_true(error_has("sample_ext/bad"));
	assert_true(error_has("insn"));
	assert_int_equal(core_rt.id_count, before); /* nothing stayed loaded */
}

/*
 * Writes to r10 on a branch the verifier proves dead (as Linux accepts them): every engine runs
 * the program, since the core hands them no-ops in their place; unverified, the engines still
 * refuse the instruction.
 */
static void test_run_raw_dead_fp_writes(void **state)
{
	static const struct ebpf_inst prog[] = {
		{ .code = 0xb7, .dst_reg = 0, .imm = 7 },	    /* r0 = 7 */
		{ .code = 0x15, .dst_reg = 0, .off = 4, .imm = 7 }, /* if r0 == 7 goto +4 */
		{ .code = 0x18, .dst_reg = 10, .imm = 1 },	    /* r10 = 1 ll */
		{ 0 },
		{ .code = 0x79, .dst_reg = 10, .src_reg = 1 }, /* r10 = *(u64 *)r1 */
		{ .code = 0xdb, .dst_reg = 10, .src_reg = 10, .off = -8, .imm = 1 }, /* fetch */
		{ .code = 0x95 },						     /* exit */
	};
	const enum ebpf_exec_mode modes[] = { EBPF_MODE_INTERP, EBPF_MODE_JIT, EBPF_MODE_NATIVE };
	uint64_t mem = 0, r0;

	(void)state;
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		struct ebpf_raw_run_opts opts = { .sz = sizeof(opts), .mode = modes[i] };
		int err = ebpf_run_raw(prog, sizeof(prog) / sizeof(prog[0]), &mem, sizeof(mem),
				       &opts, &r0);

		if (err == -EOPNOTSUPP)
			continue; /* no such engine on this machine */
		assert_int_equal(err, 0);
		assert_int_equal(r0, 7);
		opts.unverified = true;
		assert_int_equal(ebpf_run_raw(prog, sizeof(prog) / sizeof(prog[0]), &mem,
					      sizeof(mem), &opts, &r0),
				 -EINVAL);
		assert_non_null(strstr(ebpf_last_error(), "r10"));
	}
}

static void test_verify_only(void **state)
{
	struct ebpf_object_open_opts opts = { .sz = sizeof(opts), .verify_only = true };
	struct ebpf_test_run_opts run = { .sz = sizeof(run) };
	struct ebpf_object *obj = NULL;
	struct ebpf_link *link = NULL;
	struct ebpf_program *prog;

	add_sample();
	assert_int_equal(ebpf_object_open(prog_path("sample_replace.bpf.o"), &opts, &obj), 0);
	prog = ebpf_object_next_program(obj, NULL);
	assert_int_equal(ebpf_program_test_run(prog, &run), -EPERM);
	assert_int_equal(ebpf_program_attach_by_name(prog, "sample_hook", NULL, 0, &link), -EPERM);
	ebpf_object_close(obj);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_shared_library_load_unload, teardown),
		cmocka_unit_test_teardown(test_load_errors_name_the_path, teardown),
		cmocka_unit_test_teardown(test_default_dir, teardown),
		cmocka_unit_test_teardown(test_missing_extension_message, teardown),
		cmocka_unit_test_teardown(test_section_rules, teardown),
		cmocka_unit_test_teardown(test_helper_ids_below_base_refused, teardown),
		cmocka_unit_test_teardown(test_wrong_attach_type, teardown),
		cmocka_unit_test_teardown(test_order_link_prog_ext, teardown),
		cmocka_unit_test_teardown(test_order_prog_released_before_link, teardown),
		cmocka_unit_test_teardown(test_order_ext_unloaded_under_link, teardown),
		cmocka_unit_test_teardown(test_order_ext_unloaded_under_program, teardown),
		cmocka_unit_test_teardown(test_links_run_in_attach_order, teardown),
		cmocka_unit_test_teardown(test_shutdown_frees_everything, teardown),
		cmocka_unit_test_teardown(test_context_without_packet, teardown),
		cmocka_unit_test_teardown(test_context_with_packet_unchanged, teardown),
		cmocka_unit_test_teardown(test_unoffered_helper_named, teardown),
		cmocka_unit_test_teardown(test_section_claimed, teardown),
		cmocka_unit_test_teardown(test_ids, teardown),
		cmocka_unit_test_teardown(test_ids_per_kind, teardown),
		cmocka_unit_test_teardown(test_pinning, teardown),
		cmocka_unit_test_teardown(test_test_run_through_helpers, teardown),
		cmocka_unit_test_teardown(test_object_attached_and_fired, teardown),
		cmocka_unit_test_teardown(test_tail_calls_through_program_array, teardown),
		cmocka_unit_test_teardown(test_object_refused_as_a_whole, teardown),
		cmocka_unit_test_teardown(test_verify_only, teardown),
		cmocka_unit_test(test_run_raw_dead_fp_writes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
