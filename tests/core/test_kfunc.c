/* SPDX-License-Identifier: MIT */
/*
 * Functions called by name (kfuncs, src/core/kfunc.c): an extension defined here exports kf_add,
 * kf_sum, kf_fill and kf_ctx_value to its program type "kf"; a clang program
 * (tests/progs/kfunc_calls.bpf.c) declares them extern __ksym and calls them. The call is resolved
 * by name, verified against the prototype and run in each engine. Wrong arguments
 * (tests/progs/bad/kfunc_args.bpf.c) and names no type offers are refused with what was wrong; a
 * malformed kfunc table is refused at registration; a rebind resolves the names again and
 * refuses a changed prototype.
 */
#define EBPF_EXTENSION_STATIC 1

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <extbpf/extbpf.h>

#include "core/test_util.h"
#include "sample_ext.h"

#define KF_MODULE_ID NMR_GUID(0x7e57c0de, 0x0022, 0x4b00, 0x8000, 0x000000000000)
#define KF_TYPE_GUID NMR_GUID(0x7e57c0de, 0x0022, 0x4b00, 0x8000, 0x000000000001)
#define KF_HOOK_GUID NMR_GUID(0x7e57c0de, 0x0022, 0x4b00, 0x8000, 0x000000000002)

#define CTX_VALUE 1000
/* kf_fill writes 1..8, kf_sum adds them: 36, plus the context's value. */
#define EXPECTED  (36 + CTX_VALUE)
/* What the second build's kf_add adds, to tell its address from the first's. */
#define V2_BONUS  5

struct kf_ctx {
	uint64_t value;
	uint64_t spare;
};

/* ---- the extension ------------------------------------------------------------------------- */

static uint64_t kf_add(uint64_t a, uint64_t b, uint64_t r3, uint64_t r4, uint64_t r5)
{
	return a + b;
}

static uint64_t kf_add_v2(uint64_t a, uint64_t b, uint64_t r3, uint64_t r4, uint64_t r5)
{
	return a + b + V2_BONUS;
}

static uint64_t kf_sum(uint64_t buf, uint64_t size, uint64_t r3, uint64_t r4, uint64_t r5)
{
	const uint8_t *p = (const uint8_t *)(uintptr_t)buf;
	uint64_t sum = 0;

	for (uint64_t i = 0; i < size; i++)
		sum += p[i];
	return sum;
}

static uint64_t kf_fill(uint64_t buf, uint64_t size, uint64_t r3, uint64_t r4, uint64_t r5)
{
	uint8_t *p = (uint8_t *)(uintptr_t)buf;

	for (uint64_t i = 0; i < size; i++)
		p[i] = (uint8_t)(i + 1);
	return 0;
}

static uint64_t kf_ctx_value(uint64_t ctx, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	return ((const struct kf_ctx *)(uintptr_t)ctx)->value;
}

static const struct ebpf_section_prefix kf_sections[] = { { .prefix = "kf" } };
static const struct ebpf_helper_proto kf_protos[] = {
	{ .name = "kf_add",
	  .ret = EBPF_RET_INTEGER,
	  .args = { EBPF_ARG_ANYTHING, EBPF_ARG_ANYTHING } },
	{ .name = "kf_sum",
	  .ret = EBPF_RET_INTEGER,
	  .args = { EBPF_ARG_PTR_TO_MEM, EBPF_ARG_CONST_SIZE } },
	{ .name = "kf_fill",
	  .ret = EBPF_RET_VOID,
	  .args = { EBPF_ARG_PTR_TO_UNINIT_MEM, EBPF_ARG_CONST_SIZE } },
	{ .name = "kf_ctx_value", .ret = EBPF_RET_INTEGER, .args = { EBPF_ARG_PTR_TO_CTX } },
};
static const ebpf_helper_fn kf_addresses[] = { kf_add, kf_sum, kf_fill, kf_ctx_value };
static const ebpf_helper_fn kf_addresses_v2[] = { kf_add_v2, kf_sum, kf_fill, kf_ctx_value };
/* kf_add now takes a third argument: programs verified against two must not run. */
static const struct ebpf_helper_proto kf_protos_changed[] = {
	{ .name = "kf_add",
	  .ret = EBPF_RET_INTEGER,
	  .args = { EBPF_ARG_ANYTHING, EBPF_ARG_ANYTHING, EBPF_ARG_ANYTHING } },
	kf_protos[1],
	kf_protos[2],
	kf_protos[3],
};
/* Malformed tables, refused at registration. */
static const struct ebpf_helper_proto kf_protos_twice[] = { kf_protos[0], kf_protos[0] };
static const struct ebpf_helper_proto kf_protos_with_id[] = {
	{ .id = 1, .name = "kf_add", .ret = EBPF_RET_INTEGER },
};
static const struct ebpf_helper_proto kf_protos_unnamed[] = { { .ret = EBPF_RET_INTEGER } };
static const ebpf_helper_fn kf_no_address[] = { NULL };

#define KF_TYPE(protos, addresses, count)                                                          \
	{                                                                                          \
		.header =                                                                          \
		    EBPF_EXTENSION_HEADER(struct ebpf_program_info, EBPF_PROGRAM_INFO_VERSION),    \
		.name = "kf", .program_type = KF_TYPE_GUID, .sections = kf_sections,               \
		.section_count = 1,                                                                \
		.context = { .size = sizeof(struct kf_ctx),                                        \
			     .data = -1,                                                           \
			     .data_end = -1,                                                       \
			     .meta = -1 },                                                         \
		.kfuncs = (protos), .kfunc_addresses = (addresses), .kfunc_count = (count),        \
	}

static const struct ebpf_program_info kf_type = KF_TYPE(kf_protos, kf_addresses, 4);
static const struct ebpf_program_info kf_type_v2 = KF_TYPE(kf_protos, kf_addresses_v2, 4);
static const struct ebpf_program_info kf_type_changed =
    KF_TYPE(kf_protos_changed, kf_addresses_v2, 4);
static const struct ebpf_program_info kf_type_twice = KF_TYPE(kf_protos_twice, kf_addresses, 2);
static const struct ebpf_program_info kf_type_with_id = KF_TYPE(kf_protos_with_id, kf_addresses, 1);
static const struct ebpf_program_info kf_type_unnamed = KF_TYPE(kf_protos_unnamed, kf_addresses, 1);
static const struct ebpf_program_info kf_type_no_address = KF_TYPE(kf_protos, kf_no_address, 1);

static const struct ebpf_attach_provider_data kf_hook_data = {
	.header = EBPF_EXTENSION_HEADER(struct ebpf_attach_provider_data,
					EBPF_ATTACH_PROVIDER_DATA_VERSION),
	.name = "kf_hook",
	.attach_type = KF_HOOK_GUID,
	.program_type = KF_TYPE_GUID,
};

static struct ebpf_hook kf_hook = { .data = &kf_hook_data };
static struct ebpf_hook *const kf_hooks[] = { &kf_hook };

static int register_type(const struct ebpf_program_info *type, nmr_registrar_t *registrar,
			 void **state)
{
	static const nmr_guid_t module_id = KF_MODULE_ID;

	return register_one_type(&module_id, type, kf_hooks, 1, registrar, state);
}

static void kf_unload(void *state)
{
	ebpf_extension_deregister(state);
}

#define KF_VERSION(name, type)                                                                     \
	static int name##_load(nmr_registrar_t *registrar, void **state)                           \
	{                                                                                          \
		return register_type(&(type), registrar, state);                                   \
	}                                                                                          \
	EBPF_EXTENSION_DEFINE(name, #name, name##_load, kf_unload)

KF_VERSION(kf_v1, kf_type)
KF_VERSION(kf_v2, kf_type_v2)
KF_VERSION(kf_changed, kf_type_changed)
KF_VERSION(kf_twice, kf_type_twice)
KF_VERSION(kf_with_id, kf_type_with_id)
KF_VERSION(kf_unnamed, kf_type_unnamed)
KF_VERSION(kf_no_address, kf_type_no_address)

/* ---- helpers of the tests ------------------------------------------------------------------ */

static struct ebpf_extension *add(const struct ebpf_extension_descriptor *descriptor)
{
	struct ebpf_extension *ext = NULL;
	int err = ebpf_extension_add_static(descriptor, &ext);

	if (err)
		fprintf(stderr, "add: %s\n", ebpf_last_error());
	assert_int_equal(err, 0);
	return ext;
}

static struct ebpf_object *open_calls(enum ebpf_exec_mode mode)
{
	struct ebpf_object_open_opts opts = { .sz = sizeof(opts), .mode = mode };
	struct ebpf_object *obj = NULL;
	int err = ebpf_object_open(prog_path("kfunc_calls.bpf.o"), &opts, &obj);

	if (err)
		fprintf(stderr, "open: %s\n", ebpf_last_error());
	assert_int_equal(err, 0);
	return obj;
}

static int keep_result(void *arg, uint32_t result)
{
	*(uint32_t *)arg = result;
	return 0;
}

/* Fires the hook once: the program's result. */
static uint32_t fire(void)
{
	struct kf_ctx ctx = { .value = CTX_VALUE };
	uint32_t result = 0;

	assert_int_equal(ebpf_hook_invoke(&kf_hook, &ctx, keep_result, &result), 1);
	return result;
}

static int teardown(void **state)
{
	ebpf_runtime_shutdown();
	return 0;
}

/* ---- calls, in each engine ----------------------------------------------------------------- */

static void calls_in_mode(enum ebpf_exec_mode mode)
{
	struct ebpf_extension *ext = add(&ebpf_extension_kf_v1);
	struct ebpf_object *obj = open_calls(mode);
	struct ebpf_program *prog = ebpf_object_find_program(obj, "calls");
	struct ebpf_link *link = NULL;

	assert_non_null(prog);
	assert_int_equal(ebpf_program_mode(prog), mode);
	assert_int_equal(ebpf_program_attach_by_name(prog, "kf_hook", NULL, 0, &link), 0);
	assert_int_equal(fire(), EXPECTED);
	assert_int_equal(ebpf_link_detach(link), 0);
	ebpf_object_close(obj);
	assert_int_equal(ebpf_extension_unload(ext), 0);
}

static void test_calls_interp(void **state)
{
	calls_in_mode(EBPF_MODE_INTERP);
}

static void test_calls_jit(void **state)
{
	struct ebpf_extension *ext = add(&ebpf_extension_kf_v1);
	struct ebpf_object_open_opts opts = { .sz = sizeof(opts), .mode = EBPF_MODE_JIT };
	struct ebpf_object *obj = NULL;
	int err = ebpf_object_open(prog_path("kfunc_calls.bpf.o"), &opts, &obj);

	ebpf_object_close(obj);
	assert_int_equal(ebpf_extension_unload(ext), 0);
	if (err == -EOPNOTSUPP)
		skip(); /* no JIT on this machine */
	calls_in_mode(EBPF_MODE_JIT);
}

static void test_calls_native(void **state)
{
	calls_in_mode(EBPF_MODE_NATIVE);
}

/* ---- refusals ------------------------------------------------------------------------------- */

/* Loads only `program` of the twins' object: refused with err and a message holding `why`. */
static void expect_refused(const char *program, int err, const char *why)
{
	struct ebpf_object_open_opts opts = { .sz = sizeof(opts), .only_program = program };
	struct ebpf_extension *ext = add(&ebpf_extension_kf_v1);
	struct ebpf_object *obj = NULL;

	assert_int_equal(ebpf_object_open(prog_path("bad/kfunc_args.bpf.o"), &opts, &obj), err);
	assert_null(obj);
	assert_true(error_has(program));
	assert_true(error_has(why));
	assert_int_equal(ebpf_extension_unload(ext), 0);
}

static void test_scalar_as_memory(void **state)
{
	expect_refused("scalar_as_memory", -EACCES, "kf_sum");
}

static void test_size_beyond_buffer(void **state)
{
	expect_refused("size_beyond_buffer", -EACCES, "kf_sum");
}

static void test_unbounded_size(void **state)
{
	expect_refused("unbounded_size", -EACCES, "kf_sum");
}

static void test_uninitialised_memory(void **state)
{
	expect_refused("uninitialised_memory", -EACCES, "kf_sum");
}

static void test_stack_as_context(void **state)
{
	expect_refused("stack_as_context", -EACCES, "kf_ctx_value");
}

static void test_pointer_as_scalar(void **state)
{
	expect_refused("pointer_as_scalar", -EACCES, "kf_add");
}

static void test_fill_context(void **state)
{
	expect_refused("fill_context", -EACCES, "kf_fill");
}

static void test_missing_name(void **state)
{
	expect_refused("missing", -ENOTSUP,
		       "calls kfunc 'kf_missing' (extern __ksym), which program type 'kf' does not "
		       "offer");
}

/* The names are the type's own: another type's program calling them is refused. */
static void test_other_type(void **state)
{
	struct ebpf_object_open_opts opts = { .sz = sizeof(opts), .program_type = "sample" };
	struct ebpf_extension *ext = add(&ebpf_extension_kf_v1);
	struct ebpf_extension *sample = NULL;
	struct ebpf_object *obj = NULL;

	assert_int_equal(ebpf_extension_add_static(&ebpf_extension_sample, &sample), 0);
	assert_int_equal(ebpf_object_open(prog_path("kfunc_calls.bpf.o"), &opts, &obj), -ENOTSUP);
	assert_true(error_has("kfunc 'kf_fill'"));
	assert_true(error_has("program type 'sample'"));
	assert_int_equal(ebpf_extension_unload(sample), 0);
	assert_int_equal(ebpf_extension_unload(ext), 0);
}

/* Raw instructions name no function: a kfunc call among them is refused by the verifier. */
static void test_raw_kfunc_call(void **state)
{
	const struct ebpf_inst insns[] = { INSN(0x85, 0, 2, 0, 0), EXIT() };
	struct ebpf_extension *ext = add(&ebpf_extension_kf_v1);
	struct ebpf_program *prog = NULL;

	assert_int_equal(ebpf_program_load_raw("kf", insns, 2, NULL, &prog), -EACCES);
	assert_null(prog);
	assert_true(error_has("kfunc #0, which program type 'kf' does not offer"));
	assert_int_equal(ebpf_extension_unload(ext), 0);
}

static void expect_bad_table(const struct ebpf_extension_descriptor *version, const char *why)
{
	struct ebpf_extension *ext = NULL;

	assert_int_not_equal(ebpf_extension_add_static(version, &ext), 0);
	assert_null(ext);
	assert_true(error_has(why));
}

static void test_malformed_tables(void **state)
{
	expect_bad_table(&ebpf_extension_kf_twice, "kfunc 'kf_add' is declared twice");
	expect_bad_table(&ebpf_extension_kf_with_id, "kfunc 'kf_add' has an id");
	expect_bad_table(&ebpf_extension_kf_unnamed, "kfunc #0 has no name");
	expect_bad_table(&ebpf_extension_kf_no_address, "kfunc 'kf_add' has no address");
}

/* ---- rebinding ------------------------------------------------------------------------------ */

static void test_rebind(void **state)
{
	struct ebpf_extension *ext = add(&ebpf_extension_kf_v1);
	struct ebpf_object *obj = open_calls(EBPF_MODE_INTERP);
	struct ebpf_program *prog = ebpf_object_find_program(obj, "calls");
	struct ebpf_link *link = NULL;
	char why[256];

	assert_int_equal(ebpf_program_attach_by_name(prog, "kf_hook", NULL, 0, &link), 0);
	assert_int_equal(ebpf_extension_unload(ext), 0);

	/* The same prototypes at other addresses: the names resolve to the new functions. */
	ext = add(&ebpf_extension_kf_v2);
	assert_false(ebpf_program_is_dormant(prog, why, sizeof(why)));
	assert_int_equal(fire(), EXPECTED + V2_BONUS);
	assert_int_equal(ebpf_extension_unload(ext), 0);

	/* kf_add changed: the program stays dormant and says why. */
	ext = add(&ebpf_extension_kf_changed);
	assert_true(ebpf_program_is_dormant(prog, why, sizeof(why)));
	assert_non_null(strstr(why, "kfunc 'kf_add' has another prototype"));
	assert_int_equal(ebpf_extension_unload(ext), 0);

	ext = add(&ebpf_extension_kf_v1);
	assert_false(ebpf_program_is_dormant(prog, why, sizeof(why)));
	assert_int_equal(fire(), EXPECTED);
	assert_int_equal(ebpf_link_detach(link), 0);
	ebpf_object_close(obj);
	assert_int_equal(ebpf_extension_unload(ext), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_calls_interp, teardown),
		cmocka_unit_test_teardown(test_calls_jit, teardown),
		cmocka_unit_test_teardown(test_calls_native, teardown),
		cmocka_unit_test_teardown(test_scalar_as_memory, teardown),
		cmocka_unit_test_teardown(test_size_beyond_buffer, teardown),
		cmocka_unit_test_teardown(test_unbounded_size, teardown),
		cmocka_unit_test_teardown(test_uninitialised_memory, teardown),
		cmocka_unit_test_teardown(test_stack_as_context, teardown),
		cmocka_unit_test_teardown(test_pointer_as_scalar, teardown),
		cmocka_unit_test_teardown(test_fill_context, teardown),
		cmocka_unit_test_teardown(test_missing_name, teardown),
		cmocka_unit_test_teardown(test_other_type, teardown),
		cmocka_unit_test_teardown(test_raw_kfunc_call, teardown),
		cmocka_unit_test_teardown(test_malformed_tables, teardown),
		cmocka_unit_test_teardown(test_rebind, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
