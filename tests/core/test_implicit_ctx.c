/* SPDX-License-Identifier: MIT */
/*
 * Implicit context (EBPF_HELPER_IMPLICIT_CTX): an extension defined here offers a helper
 * (ictx_seen) and a kfunc (ictx_mul) whose prototypes have no context argument, as Linux's
 * signatures do, and which get the running program's context as a hidden sixth argument.
 * tests/progs/implicit_ctx.bpf.c calls them from its entry, a subprogram, a bpf_loop callback
 * and a tail-called program, in each engine and compiled ahead of time: every call must see the
 * context the hook was fired with. A helper flag the core does not know is still refused.
 */
#define EBPF_EXTENSION_STATIC 1

#include <errno.h>
#include <setjmp.h>
#include <stdlib.h>
#include <unistd.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <extbpf/extbpf.h>

#include "core/test_util.h"

#define IC_MODULE_ID NMR_GUID(0x7e57c0de, 0x0022, 0x4c00, 0x8000, 0x000000000000)
#define IC_TYPE_GUID NMR_GUID(0x7e57c0de, 0x0022, 0x4c00, 0x8000, 0x000000000001)
#define IC_HOOK_GUID NMR_GUID(0x7e57c0de, 0x0022, 0x4c00, 0x8000, 0x000000000002)

#define CTX_VALUE 1000
/* What the functions return when the context they got is not the invocation's. */
#define WRONG_CTX 0xdead

struct ictx_ctx {
	uint64_t value;
	uint64_t seen;	/* calls that got this context */
	uint64_t total; /* written by the program */
};

/* The context the hook is fired with; the functions compare what they get with it before
 * touching anything, so that a broken engine fails the test instead of crashing it. */
static struct ictx_ctx *expected_ctx;

/* ---- the extension ------------------------------------------------------------------------- */

static struct ictx_ctx *checked(void *ctx)
{
	struct ictx_ctx *c = ctx;

	if (c != expected_ctx)
		return NULL;
	c->seen++;
	return c;
}

static uint64_t ictx_seen(uint64_t add, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5,
			  void *ctx)
{
	struct ictx_ctx *c = checked(ctx);

	return c ? c->value + add : WRONG_CTX;
}

static uint64_t ictx_mul(uint64_t a, uint64_t b, uint64_t r3, uint64_t r4, uint64_t r5, void *ctx)
{
	struct ictx_ctx *c = checked(ctx);

	return c ? a * b + c->value : WRONG_CTX;
}

static const struct ebpf_section_prefix ic_sections[] = { { .prefix = "ictx" } };
static const struct ebpf_context_range ic_writable[] = {
	{ .offset = offsetof(struct ictx_ctx, total), .size = sizeof(uint64_t) },
};
static const struct ebpf_helper_proto ic_helpers[] = {
	{ .id = EBPF_PROGRAM_TYPE_HELPER_ID_BASE + 1,
	  .name = "ictx_seen",
	  .ret = EBPF_RET_INTEGER,
	  .args = { EBPF_ARG_ANYTHING },
	  .flags = EBPF_HELPER_IMPLICIT_CTX },
};
static const ebpf_helper_fn ic_helper_addresses[] = { EBPF_HELPER_CTX_ADDRESS(ictx_seen) };
static const struct ebpf_helper_proto ic_kfuncs[] = {
	{ .name = "ictx_mul",
	  .ret = EBPF_RET_INTEGER,
	  .args = { EBPF_ARG_ANYTHING, EBPF_ARG_ANYTHING },
	  .flags = EBPF_HELPER_IMPLICIT_CTX },
};
static const ebpf_helper_fn ic_kfunc_addresses[] = { EBPF_HELPER_CTX_ADDRESS(ictx_mul) };
/* The bit after the last helper flag (EBPF_HELPER_PTR_CAST): no core knows it yet. */
static const struct ebpf_helper_proto ic_helpers_unknown_flag[] = {
	{ .id = EBPF_PROGRAM_TYPE_HELPER_ID_BASE + 1,
	  .name = "ictx_seen",
	  .ret = EBPF_RET_INTEGER,
	  .args = { EBPF_ARG_ANYTHING },
	  .flags = EBPF_HELPER_PTR_CAST << 1 },
};

#define IC_TYPE(helpers_)                                                                          \
	{                                                                                          \
		.header =                                                                          \
		    EBPF_EXTENSION_HEADER(struct ebpf_program_info, EBPF_PROGRAM_INFO_VERSION),    \
		.name = "ictx", .program_type = IC_TYPE_GUID, .sections = ic_sections,             \
		.section_count = 1,                                                                \
		.context = { .size = sizeof(struct ictx_ctx),                                      \
			     .data = -1,                                                           \
			     .data_end = -1,                                                       \
			     .meta = -1,                                                           \
			     .writable = ic_writable,                                              \
			     .writable_count = 1 },                                                \
		.helpers = (helpers_), .helper_addresses = ic_helper_addresses, .helper_count = 1, \
		.kfuncs = ic_kfuncs, .kfunc_addresses = ic_kfunc_addresses, .kfunc_count = 1,      \
	}

static const struct ebpf_program_info ic_type = IC_TYPE(ic_helpers);
static const struct ebpf_program_info ic_type_unknown_flag = IC_TYPE(ic_helpers_unknown_flag);

static const struct ebpf_attach_provider_data ic_hook_data = {
	.header = EBPF_EXTENSION_HEADER(struct ebpf_attach_provider_data,
					EBPF_ATTACH_PROVIDER_DATA_VERSION),
	.name = "ictx_hook",
	.attach_type = IC_HOOK_GUID,
	.program_type = IC_TYPE_GUID,
};

static struct ebpf_hook ic_hook = { .data = &ic_hook_data };
static struct ebpf_hook *const ic_hooks[] = { &ic_hook };

static void ic_unload(void *state)
{
	ebpf_extension_deregister(state);
}

#define IC_VERSION(name, type)                                                                     \
	static int name##_load(nmr_registrar_t *registrar, void **state)                           \
	{                                                                                          \
		static const nmr_guid_t module_id = IC_MODULE_ID;                                  \
                                                                                                   \
		return register_one_type(&module_id, &(type), ic_hooks, 1, registrar, state);      \
	}                                                                                          \
	EBPF_EXTENSION_DEFINE(name, #name, name##_load, ic_unload)

IC_VERSION(ictx_ext, ic_type)
IC_VERSION(ictx_unknown_flag, ic_type_unknown_flag)

/* ---- the tests ----------------------------------------------------------------------------- */

static int keep_result(void *arg, uint32_t result)
{
	*(uint32_t *)arg = result;
	return 0;
}

static int teardown(void **state)
{
	ebpf_runtime_shutdown();
	return 0;
}

/* Opens the program in mode, or returns NULL when the engine is not available here. */
static struct ebpf_object *open_in(enum ebpf_exec_mode mode)
{
	struct ebpf_object_open_opts opts = { .sz = sizeof(opts), .mode = mode };
	struct ebpf_object *obj = NULL;
	int err = ebpf_object_open(prog_path("implicit_ctx.bpf.o"), &opts, &obj);

	if (err == -EOPNOTSUPP && mode == EBPF_MODE_JIT)
		return NULL; /* no JIT on this machine */
	if (err)
		fprintf(stderr, "open: %s\n", ebpf_last_error());
	assert_int_equal(err, 0);
	return obj;
}

/* Fires obj's program "implicit" (run in mode) once and checks what the functions saw. */
static void check_calls(struct ebpf_object *obj, enum ebpf_exec_mode mode)
{
	struct ebpf_program *prog = ebpf_object_find_program(obj, "implicit");
	struct ebpf_link *link = NULL;
	struct ictx_ctx ctx = { .value = CTX_VALUE };
	uint32_t result = 0;

	assert_non_null(prog);
	assert_int_equal(ebpf_program_mode(prog), mode);
	assert_int_equal(ebpf_program_attach_by_name(prog, "ictx_hook", NULL, 0, &link), 0);

	expected_ctx = &ctx;
	assert_int_equal(ebpf_hook_invoke(&ic_hook, &ctx, keep_result, &result), 1);
	expected_ctx = NULL;
	/* Two callback calls, the subprogram's, the kfunc's, the tail-called program's. */
	assert_int_equal(ctx.seen, 5);
	assert_int_equal(ctx.total, 4 * CTX_VALUE + 8);
	assert_int_equal(result, CTX_VALUE + 7);
	assert_int_equal(ebpf_link_detach(link), 0);
}

static void run_in_mode(enum ebpf_exec_mode mode)
{
	struct ebpf_extension *ext = NULL;
	struct ebpf_object *obj;

	assert_int_equal(ebpf_extension_add_static(&ebpf_extension_ictx_ext, &ext), 0);
	obj = open_in(mode);
	if (!obj) {
		assert_int_equal(ebpf_extension_unload(ext), 0);
		skip();
	}
	check_calls(obj, mode);
	ebpf_object_close(obj);
	assert_int_equal(ebpf_extension_unload(ext), 0);
}

static void test_interp(void **state)
{
	run_in_mode(EBPF_MODE_INTERP);
}

static void test_jit(void **state)
{
	run_in_mode(EBPF_MODE_JIT);
}

static void test_native(void **state)
{
	run_in_mode(EBPF_MODE_NATIVE);
}

/* Native code compiled ahead of time (ebpf_object_compile_native) passes the context too. */
static void test_native_ahead_of_time(void **state)
{
	char dir[] = "/tmp/extbpf-ictx-XXXXXX", so[sizeof(dir) + 16];
	struct ebpf_extension *ext = NULL;
	struct ebpf_object *obj = NULL;
	int err;

	assert_non_null(mkdtemp(dir));
	snprintf(so, sizeof(so), "%s/ictx.so", dir);
	assert_int_equal(ebpf_extension_add_static(&ebpf_extension_ictx_ext, &ext), 0);
	err = ebpf_object_compile_native(prog_path("implicit_ctx.bpf.o"), so, NULL);
	if (err)
		fprintf(stderr, "compile: %s\n", ebpf_last_error());
	if (!err)
		err = ebpf_object_load_native(so, NULL, &obj);
	unlink(so);
	rmdir(dir);
	assert_int_equal(err, 0);
	check_calls(obj, EBPF_MODE_NATIVE);
	ebpf_object_close(obj);
	assert_int_equal(ebpf_extension_unload(ext), 0);
}

/* The flag is one more known bit: the next one is still refused, naming what and who. */
static void test_unknown_flag_refused(void **state)
{
	struct ebpf_extension *ext = NULL;

	assert_int_not_equal(ebpf_extension_add_static(&ebpf_extension_ictx_unknown_flag, &ext), 0);
	assert_null(ext);
	assert_non_null(strstr(ebpf_last_error(), "helper flags"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_interp, teardown),
		cmocka_unit_test_teardown(test_jit, teardown),
		cmocka_unit_test_teardown(test_native, teardown),
		cmocka_unit_test_teardown(test_native_ahead_of_time, teardown),
		cmocka_unit_test_teardown(test_unknown_flag_refused, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
