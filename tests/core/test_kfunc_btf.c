/* SPDX-License-Identifier: MIT */
/*
 * Kfuncs typed by the extension's BTF (src/verifier/kfunc_btf.c at registration, btf_kfunc_struct
 * in calls): the extension defined here builds its BTF with libbpf's btf__add_* API (struct
 * ext_obj, struct ext_other and a FUNC per kfunc), and exports kfb_get (returns struct ext_obj * or
 * NULL), kfb_other (struct ext_other * or NULL), kfb_value (takes const struct ext_obj *) and
 * kfb_sum (buf, buf__sz). tests/progs/kfunc_btf.bpf.c calls them in each engine; the twins of
 * tests/progs/bad/kfunc_btf.bpf.c are refused with what was wrong; prototypes that disagree
 * with their BTF are refused at registration.
 */
#define EBPF_EXTENSION_STATIC 1

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <bpf/btf.h>
#include <extbpf/extbpf.h>

#include "core/test_util.h"

#define KFB_MODULE_ID NMR_GUID(0x7e57c0de, 0x0022, 0x4b01, 0x8000, 0x000000000000)
#define KFB_TYPE_GUID NMR_GUID(0x7e57c0de, 0x0022, 0x4b01, 0x8000, 0x000000000001)
#define KFB_HOOK_GUID NMR_GUID(0x7e57c0de, 0x0022, 0x4b01, 0x8000, 0x000000000002)

/* What tests/progs/kfunc_btf.bpf.c computes from the objects below. */
#define EXPECTED 320

struct ext_obj {
	uint64_t value;
	uint32_t count;
	uint32_t pad;
	struct ext_obj *next;
};

struct ext_other {
	uint64_t x;
};

/* ---- the extension ------------------------------------------------------------------------- */

static struct ext_obj objs[2] = {
	{ .value = 100, .count = 7 },
	{ .value = 200, .count = 3, .next = &objs[0] },
};
static struct ext_other other = { .x = 1 };

static uint64_t kfb_get(uint64_t key, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	return key < 2 ? (uint64_t)(uintptr_t)&objs[key] : 0;
}

static uint64_t kfb_other(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	return (uint64_t)(uintptr_t)&other;
}

static uint64_t kfb_value(uint64_t o, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	return ((const struct ext_obj *)(uintptr_t)o)->value;
}

static uint64_t kfb_sum(uint64_t buf, uint64_t size, uint64_t r3, uint64_t r4, uint64_t r5)
{
	const uint8_t *p = (const uint8_t *)(uintptr_t)buf;
	uint64_t sum = 0;

	for (uint64_t i = 0; i < size; i++)
		sum += p[i];
	return sum;
}

#define PROTO_GET                                                                                  \
	{                                                                                          \
		.name = "kfb_get", .ret = EBPF_RET_PTR_TO_BTF_ID_OR_NULL, .args = {                \
			EBPF_ARG_ANYTHING                                                          \
		}                                                                                  \
	}
#define PROTO_OTHER                                                                                \
	{                                                                                          \
		.name = "kfb_other", .ret = EBPF_RET_PTR_TO_BTF_ID_OR_NULL                         \
	}
#define PROTO_VALUE                                                                                \
	{                                                                                          \
		.name = "kfb_value", .ret = EBPF_RET_INTEGER, .args = {                            \
			EBPF_ARG_PTR_TO_BTF_ID_OR_NULL                                             \
		}                                                                                  \
	}
#define PROTO_SUM                                                                                  \
	{                                                                                          \
		.name = "kfb_sum", .ret = EBPF_RET_INTEGER, .args = {                              \
			EBPF_ARG_PTR_TO_MEM,                                                       \
			EBPF_ARG_CONST_SIZE                                                        \
		}                                                                                  \
	}

static const struct ebpf_helper_proto kfb_protos[] = { PROTO_GET, PROTO_OTHER, PROTO_VALUE,
						       PROTO_SUM };
static const ebpf_helper_fn kfb_addresses[] = { kfb_get, kfb_other, kfb_value, kfb_sum };

/* Prototypes that disagree with the BTF, one fault each (addresses as above). */
static const struct ebpf_helper_proto kfb_value_scalar[] = {
	{ .name = "kfb_value", .ret = EBPF_RET_INTEGER, .args = { EBPF_ARG_ANYTHING } },
};
static const struct ebpf_helper_proto kfb_get_integer[] = {
	{ .name = "kfb_get", .ret = EBPF_RET_INTEGER, .args = { EBPF_ARG_ANYTHING } },
};
static const struct ebpf_helper_proto kfb_sum_no_size[] = {
	{ .name = "kfb_sum", .ret = EBPF_RET_INTEGER, .args = { EBPF_ARG_PTR_TO_MEM } },
};
static const struct ebpf_helper_proto kfb_sum_scalar_size[] = {
	{ .name = "kfb_sum",
	  .ret = EBPF_RET_INTEGER,
	  .args = { EBPF_ARG_PTR_TO_MEM, EBPF_ARG_ANYTHING } },
};
static const struct ebpf_helper_proto kfb_fwd_arg[] = {
	{ .name = "kfb_fwd", .ret = EBPF_RET_INTEGER, .args = { EBPF_ARG_PTR_TO_BTF_ID_OR_NULL } },
};
static const struct ebpf_helper_proto kfb_untyped[] = {
	{ .name = "kfb_untyped", .ret = EBPF_RET_PTR_TO_BTF_ID_OR_NULL },
};

static const struct ebpf_section_prefix kfb_sections[] = { { .prefix = "kfb" } };
static struct btf *kfb_btf;
static struct ebpf_program_info kfb_type;

static const struct ebpf_attach_provider_data kfb_hook_data = {
	.header = EBPF_EXTENSION_HEADER(struct ebpf_attach_provider_data,
					EBPF_ATTACH_PROVIDER_DATA_VERSION),
	.name = "kfb_hook",
	.attach_type = KFB_HOOK_GUID,
	.program_type = KFB_TYPE_GUID,
};

static struct ebpf_hook kfb_hook = { .data = &kfb_hook_data };
static struct ebpf_hook *const kfb_hooks[] = { &kfb_hook };

static int kfb_load(nmr_registrar_t *registrar, void **state)
{
	static const nmr_guid_t module_id = KFB_MODULE_ID;

	return register_one_type(&module_id, &kfb_type, kfb_hooks, 1, registrar, state);
}

static void kfb_unload(void *state)
{
	ebpf_extension_deregister(state);
}

EBPF_EXTENSION_DEFINE(kfb, "kfb", kfb_load, kfb_unload)

/* One FUNC of name returning ret, with parameters (type, name) pairs. */
static void add_func(struct btf *btf, const char *name, int ret, int n, const int *types,
		     const char *const *names)
{
	int proto = btf__add_func_proto(btf, ret);

	assert_true(proto > 0);
	for (int i = 0; i < n; i++)
		assert_int_equal(btf__add_func_param(btf, names[i], types[i]), 0);
	assert_true(btf__add_func(btf, name, BTF_FUNC_GLOBAL, proto) > 0);
}

/* The extension's BTF: what its C declarations would give with clang -g. */
static struct btf *build_btf(void)
{
	struct btf *btf = btf__new_empty();
	int u64, u32, obj, obj_ptr, cobj_ptr, oth, oth_ptr, cvoid_ptr, fwd_ptr;

	assert_non_null(btf);
	u64 = btf__add_int(btf, "unsigned long long", 8, 0);
	u32 = btf__add_int(btf, "unsigned int", 4, 0);
	obj = btf__add_struct(btf, "ext_obj", sizeof(struct ext_obj));
	assert_int_equal(btf__add_field(btf, "value", u64, 0, 0), 0);
	assert_int_equal(btf__add_field(btf, "count", u32, 64, 0), 0);
	assert_int_equal(btf__add_field(btf, "pad", u32, 96, 0), 0);
	/* struct ext_obj *next: the pointer type comes right after the struct. */
	assert_int_equal(btf__add_field(btf, "next", obj + 1, 128, 0), 0);
	obj_ptr = btf__add_ptr(btf, obj);
	assert_int_equal(obj_ptr, obj + 1);
	/* kfb_value takes const struct ext_obj *: the same type once qualifiers are skipped. */
	cobj_ptr = btf__add_ptr(btf, btf__add_const(btf, obj));
	oth = btf__add_struct(btf, "ext_other", sizeof(struct ext_other));
	assert_int_equal(btf__add_field(btf, "x", u64, 0, 0), 0);
	oth_ptr = btf__add_ptr(btf, oth);
	cvoid_ptr = btf__add_ptr(btf, btf__add_const(btf, 0));
	fwd_ptr = btf__add_ptr(btf, btf__add_fwd(btf, "ext_fwd", BTF_FWD_STRUCT));

	add_func(btf, "kfb_get", obj_ptr, 1, (int[]){ u64 }, (const char *[]){ "key" });
	add_func(btf, "kfb_other", oth_ptr, 0, NULL, NULL);
	add_func(btf, "kfb_value", u64, 1, (int[]){ cobj_ptr }, (const char *[]){ "o" });
	add_func(btf, "kfb_sum", u64, 2, (int[]){ cvoid_ptr, u32 },
		 (const char *[]){ "buf", "buf__sz" });
	add_func(btf, "kfb_fwd", u64, 1, (int[]){ fwd_ptr }, (const char *[]){ "f" });
	return btf;
}

/* The type offers protos (count of them) at kfb_addresses' addresses (only as many). */
static void set_type(const struct ebpf_helper_proto *protos, uint32_t count)
{
	uint32_t size = 0;

	if (!kfb_btf)
		kfb_btf = build_btf();
	kfb_type = (struct ebpf_program_info){
		EBPF_PROGRAM_INFO_V3,
		.name = "kfb",
		.program_type = KFB_TYPE_GUID,
		.sections = kfb_sections,
		.section_count = 1,
		.context = { .size = 8, .data = -1, .data_end = -1, .meta = -1 },
		.kfuncs = protos,
		.kfunc_addresses = kfb_addresses,
		.kfunc_count = count,
	};
	kfb_type.btf = btf__raw_data(kfb_btf, &size);
	kfb_type.btf_size = size;
}

/* ---- helpers of the tests ------------------------------------------------------------------ */

static struct ebpf_extension *add(void)
{
	struct ebpf_extension *ext = NULL;
	int err = ebpf_extension_add_static(&ebpf_extension_kfb, &ext);

	if (err)
		fprintf(stderr, "add: %s\n", ebpf_last_error());
	assert_int_equal(err, 0);
	return ext;
}

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

static int group_teardown(void **state)
{
	btf__free(kfb_btf);
	return 0;
}

/* ---- calls, in each engine ----------------------------------------------------------------- */

static void calls_in_mode(enum ebpf_exec_mode mode)
{
	struct ebpf_object_open_opts opts = { .sz = sizeof(opts), .mode = mode };
	struct ebpf_extension *ext;
	struct ebpf_object *obj = NULL;
	struct ebpf_program *prog;
	struct ebpf_link *link = NULL;
	uint64_t ctx = 0;
	uint32_t result = 0;
	int err;

	set_type(kfb_protos, 4);
	ext = add();
	err = ebpf_object_open(prog_path("kfunc_btf.bpf.o"), &opts, &obj);
	if (err == -EOPNOTSUPP && mode == EBPF_MODE_JIT) {
		assert_int_equal(ebpf_extension_unload(ext), 0);
		skip(); /* no JIT on this machine */
	}
	if (err)
		fprintf(stderr, "open: %s\n", ebpf_last_error());
	assert_int_equal(err, 0);
	prog = ebpf_object_find_program(obj, "calls");
	assert_non_null(prog);
	assert_int_equal(ebpf_program_mode(prog), mode);
	assert_int_equal(ebpf_program_attach_by_name(prog, "kfb_hook", NULL, 0, &link), 0);
	assert_int_equal(ebpf_hook_invoke(&kfb_hook, &ctx, keep_result, &result), 1);
	assert_int_equal(result, EXPECTED);
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
	calls_in_mode(EBPF_MODE_JIT);
}

static void test_calls_native(void **state)
{
	calls_in_mode(EBPF_MODE_NATIVE);
}

/* ---- refusals by the verifier -------------------------------------------------------------- */

/* Loads only `program` of the twins' object: refused, the message holding each of why[]. */
static void expect_refused(const char *program, const char *why1, const char *why2)
{
	struct ebpf_object_open_opts opts = { .sz = sizeof(opts), .only_program = program };
	struct ebpf_extension *ext;
	struct ebpf_object *obj = NULL;
	int err;

	set_type(kfb_protos, 4);
	ext = add();
	err = ebpf_object_open(prog_path("bad/kfunc_btf.bpf.o"), &opts, &obj);
	if (!error_has(why1) || !error_has(why2))
		fprintf(stderr, "%s: %s\n", program, ebpf_last_error());
	assert_int_equal(err, -EACCES);
	assert_null(obj);
	assert_true(error_has(program));
	assert_true(error_has(why1));
	assert_true(error_has(why2));
	assert_int_equal(ebpf_extension_unload(ext), 0);
}

static void test_wrong_type(void **state)
{
	expect_refused("wrong_type", "kfb_value arg1", "expected a pointer to struct ext_obj");
}

static void test_stack_as_object(void **state)
{
	expect_refused("stack_as_object", "kfb_value arg1", "expected a pointer to struct ext_obj");
}

static void test_unchecked_null(void **state)
{
	expect_refused("unchecked_null", "before a null check", "ext_obj");
}

static void test_null_to_kfunc(void **state)
{
	expect_refused("null_to_kfunc", "kfb_value arg1", "check it against NULL first");
}

static void test_unchecked_member(void **state)
{
	expect_refused("unchecked_member", "before a null check", "ext_obj");
}

static void test_out_of_bounds(void **state)
{
	expect_refused("out_of_bounds", "access beyond 'ext_obj'", "the type has 24 bytes");
}

static void test_store_through(void **state)
{
	expect_refused("store_through", "store through", "'ext_obj'");
}

static void test_moved_pointer(void **state)
{
	expect_refused("moved_pointer", "kfb_value arg1", "moved inside it");
}

static void test_size_beyond_buffer(void **state)
{
	expect_refused("size_beyond_buffer", "kfb_sum arg1", "kfb_sum");
}

static void test_scalar_as_pointer(void **state)
{
	expect_refused("scalar_as_pointer", "kfb_value arg1",
		       "expected a pointer to struct ext_obj");
}

/* A pointer an object holds is a host address: none of its bytes is readable as a number. */
static void test_pointer_bytes(void **state)
{
	expect_refused("pointer_low_half", "load of 4 bytes at offset 16 of 'ext_obj'",
		       "reads a pointer's bytes as a number");
	expect_refused("pointer_high_bytes", "load of 2 bytes at offset 20 of 'ext_obj'",
		       "reads a pointer's bytes as a number");
	expect_refused("across_members", "load of 8 bytes at offset 12 of 'ext_obj'",
		       "reads a pointer's bytes as a number");
}

/* Where the extension placed two objects is not the program's to learn. */
static void test_compare_objects(void **state)
{
	expect_refused("compare_objects", "comparison of pointers into different objects",
		       "ext_obj");
	expect_refused("compare_with_next", "comparison of pointers into different objects",
		       "ext_obj");
}

/* ---- refusals at registration -------------------------------------------------------------- */

static void expect_bad_type(const struct ebpf_helper_proto *protos, const char *why)
{
	struct ebpf_extension *ext = NULL;

	set_type(protos, 1);
	assert_int_not_equal(ebpf_extension_add_static(&ebpf_extension_kfb, &ext), 0);
	assert_null(ext);
	if (!error_has(why))
		fprintf(stderr, "registration: %s\n", ebpf_last_error());
	assert_true(error_has(why));
}

static void test_prototypes_disagree(void **state)
{
	expect_bad_type(kfb_value_scalar, "kfunc 'kfb_value' arg1 ('o'): its BTF type is a "
					  "pointer to a struct");
	expect_bad_type(kfb_get_integer, "kfunc 'kfb_get': its BTF prototype's return value");
	expect_bad_type(kfb_sum_no_size,
			"kfunc 'kfb_sum' arg2 ('buf__sz'): its BTF type is the size");
	expect_bad_type(kfb_sum_scalar_size, "kfunc 'kfb_sum' arg2 ('buf__sz')");
	expect_bad_type(kfb_fwd_arg, "kfunc 'kfb_fwd' arg1 ('f'): its BTF type is a pointer to a "
				     "struct the BTF only declares");
	expect_bad_type(kfb_untyped, "the type's BTF has no FUNC 'kfb_untyped'");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_calls_interp, teardown),
		cmocka_unit_test_teardown(test_calls_jit, teardown),
		cmocka_unit_test_teardown(test_calls_native, teardown),
		cmocka_unit_test_teardown(test_wrong_type, teardown),
		cmocka_unit_test_teardown(test_stack_as_object, teardown),
		cmocka_unit_test_teardown(test_unchecked_null, teardown),
		cmocka_unit_test_teardown(test_null_to_kfunc, teardown),
		cmocka_unit_test_teardown(test_unchecked_member, teardown),
		cmocka_unit_test_teardown(test_out_of_bounds, teardown),
		cmocka_unit_test_teardown(test_store_through, teardown),
		cmocka_unit_test_teardown(test_moved_pointer, teardown),
		cmocka_unit_test_teardown(test_size_beyond_buffer, teardown),
		cmocka_unit_test_teardown(test_scalar_as_pointer, teardown),
		cmocka_unit_test_teardown(test_pointer_bytes, teardown),
		cmocka_unit_test_teardown(test_compare_objects, teardown),
		cmocka_unit_test_teardown(test_prototypes_disagree, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, group_teardown);
}
