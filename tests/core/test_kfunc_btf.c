/* SPDX-License-Identifier: MIT */
/*
 * Kfuncs typed by the extension's BTF (src/verifier/kfunc_btf.c at registration, btf_kfunc_struct
 * in calls): the extension defined here builds its BTF with libbpf's btf__add_* API (struct
 * ext_obj, struct ext_other and a FUNC per kfunc), and exports kfb_get (returns struct ext_obj * or
 * NULL), kfb_other (struct ext_other * or NULL), kfb_value (takes const struct ext_obj *) and
 * kfb_sum (buf, buf__sz). tests/progs/kfunc_btf.bpf.c calls them in each engine; the twins of
 * tests/progs/bad/kfunc_btf.bpf.c are refused with what was wrong; prototypes that disagree
 * with their BTF are refused at registration. The same functions exported by name alone
 * (kfb_derived, with kfb_maybe taking o__nullable and kfb_fill writing out__sz bytes) take their
 * kinds from the kfuncs' own BTF (kfunc_btf): tests/progs/kfunc_derived.bpf.c runs in each
 * engine, its twins and the disagreeing declarations of bad/kfunc_extern.bpf.c are refused, and
 * prototypes nothing can be derived from refuse the type. kfb_acquire / kfb_release are a
 * reference pair (EBPF_KFUNC_ACQUIRE / EBPF_KFUNC_RELEASE): tests/progs/kfunc_ref.bpf.c holds and
 * gives back objects in each engine, bad/kfunc_ref.bpf.c's twins are refused; a reload whose BTF
 * changes a kfunc the program calls leaves it dormant with the reason.
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

static uint64_t kfb_maybe(uint64_t o, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	return o ? ((const struct ext_obj *)(uintptr_t)o)->count : 1000;
}

static uint64_t kfb_fill(uint64_t out, uint64_t size, uint64_t r3, uint64_t r4, uint64_t r5)
{
	memset((void *)(uintptr_t)out, 5, size);
	return 0;
}

/* The references programs hold on objs[] (kfb_acquire / kfb_release), and how many were ever
 * taken. */
static int held[2];
static int acquired;

static uint64_t kfb_acquire(uint64_t key, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	if (key >= 2)
		return 0;
	held[key]++;
	acquired++;
	return (uint64_t)(uintptr_t)&objs[key];
}

static uint64_t kfb_release(uint64_t o, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	held[(const struct ext_obj *)(uintptr_t)o - objs]--;
	return 0;
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

/* Exported by name and BTF alone: every kind derived from the FUNCs of build_btf(). */
static const struct ebpf_helper_proto kfb_derived[] = {
	{ .name = "kfb_get" },
	{ .name = "kfb_value" },
	{ .name = "kfb_sum" },
	{ .name = "kfb_maybe" },
	{ .name = "kfb_fill" },
	{ .name = "kfb_acquire", .flags = EBPF_KFUNC_ACQUIRE },
	{ .name = "kfb_release", .flags = EBPF_KFUNC_RELEASE },
	{ .name = "kfb_other" },
};
static const ebpf_helper_fn kfb_derived_addresses[] = { kfb_get,     kfb_value, kfb_sum,
							kfb_maybe,   kfb_fill,	kfb_acquire,
							kfb_release, kfb_other };
#define DERIVED_COUNT 8

/* Name-only prototypes whose BTF says nothing a kind can say, one fault each. */
static const struct ebpf_helper_proto kfb_byval_only[] = { { .name = "kfb_byval" } };
static const struct ebpf_helper_proto kfb_intptr_only[] = { { .name = "kfb_intptr" } };
static const struct ebpf_helper_proto kfb_lone_size_only[] = { { .name = "kfb_lone_size" } };
static const struct ebpf_helper_proto kfb_null_out_only[] = { { .name = "kfb_null_out" } };
static const struct ebpf_helper_proto kfb_ret_mem_only[] = { { .name = "kfb_ret_mem" } };
static const struct ebpf_helper_proto kfb_six_only[] = { { .name = "kfb_six" } };

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

/* What a later version of the extension changes in its BTF (build_btf): a scalar's width or
 * signedness, a return, a struct's layout. */
enum btf_change {
	SAME_BTF,
	KEY_U32,	    /* kfb_get(u32 key) */
	KEY_SIGNED,	    /* kfb_get(s64 key) */
	VALUE_RETURNS_U32,  /* u32 kfb_value(...) */
	FILL_RETURNS_U64,   /* u64 kfb_fill(...) */
	COUNT_AND_PAD_SWAP, /* ext_obj's count at offset 12, pad at 8 */
};

/* The extension's BTF: what its C declarations would give with clang -g, as changed. */
static struct btf *build_btf_changed(enum btf_change change)
{
	struct btf *btf = btf__new_empty();
	int u64, u32, s64, key, obj, obj_ptr, cobj_ptr, oth, oth_ptr, cvoid_ptr, fwd_ptr, void_ptr,
	    u64_ptr;

	assert_non_null(btf);
	u64 = btf__add_int(btf, "unsigned long long", 8, 0);
	u32 = btf__add_int(btf, "unsigned int", 4, 0);
	s64 = btf__add_int(btf, "long long", 8, BTF_INT_SIGNED);
	key = change == KEY_U32 ? u32 : change == KEY_SIGNED ? s64 : u64;
	obj = btf__add_struct(btf, "ext_obj", sizeof(struct ext_obj));
	assert_int_equal(btf__add_field(btf, "value", u64, 0, 0), 0);
	assert_int_equal(
	    btf__add_field(btf, "count", u32, change == COUNT_AND_PAD_SWAP ? 96 : 64, 0), 0);
	assert_int_equal(btf__add_field(btf, "pad", u32, change == COUNT_AND_PAD_SWAP ? 64 : 96, 0),
			 0);
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
	void_ptr = btf__add_ptr(btf, 0);
	u64_ptr = btf__add_ptr(btf, u64);

	add_func(btf, "kfb_get", obj_ptr, 1, (int[]){ key }, (const char *[]){ "key" });
	add_func(btf, "kfb_other", oth_ptr, 0, NULL, NULL);
	add_func(btf, "kfb_value", change == VALUE_RETURNS_U32 ? u32 : u64, 1, (int[]){ cobj_ptr },
		 (const char *[]){ "o" });
	add_func(btf, "kfb_sum", u64, 2, (int[]){ cvoid_ptr, u32 },
		 (const char *[]){ "buf", "buf__sz" });
	add_func(btf, "kfb_fwd", u64, 1, (int[]){ fwd_ptr }, (const char *[]){ "f" });
	/* For kinds derived from the BTF alone: */
	add_func(btf, "kfb_maybe", u64, 1, (int[]){ cobj_ptr }, (const char *[]){ "o__nullable" });
	add_func(btf, "kfb_fill", change == FILL_RETURNS_U64 ? u64 : 0, 2, (int[]){ void_ptr, u32 },
		 (const char *[]){ "out", "out__sz" });
	add_func(btf, "kfb_acquire", obj_ptr, 1, (int[]){ u64 }, (const char *[]){ "key" });
	add_func(btf, "kfb_release", 0, 1, (int[]){ obj_ptr }, (const char *[]){ "o" });
	add_func(btf, "kfb_byval", u64, 1, (int[]){ obj }, (const char *[]){ "o" });
	add_func(btf, "kfb_intptr", u64, 1, (int[]){ u64_ptr }, (const char *[]){ "p" });
	add_func(btf, "kfb_lone_size", u64, 1, (int[]){ u32 }, (const char *[]){ "n__sz" });
	add_func(btf, "kfb_null_out", u64, 2, (int[]){ void_ptr, u32 },
		 (const char *[]){ "out__nullable", "out__sz" });
	add_func(btf, "kfb_ret_mem", u64_ptr, 0, NULL, NULL);
	add_func(btf, "kfb_six", u64, 6, (int[]){ u64, u64, u64, u64, u64, u64 },
		 (const char *[]){ "a", "b", "c", "d", "e", "f" });
	return btf;
}

static struct btf *build_btf(void)
{
	return build_btf_changed(SAME_BTF);
}

/* The type offers protos (count of them) at addresses, typed by the BTF of build_btf(): the
 * type's (`btf`) or, for kfb_derived, the kfuncs' own (`kfunc_btf`, version 6). */
static void set_type_at(const struct ebpf_helper_proto *protos, const ebpf_helper_fn *addresses,
			uint32_t count)
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
		.kfunc_addresses = addresses,
		.kfunc_count = count,
	};
	if (protos == kfb_derived) {
		kfb_type.kfunc_btf = btf__raw_data(kfb_btf, &size);
		kfb_type.kfunc_btf_size = size;
		return;
	}
	kfb_type.btf = btf__raw_data(kfb_btf, &size);
	kfb_type.btf_size = size;
}

/* protos (count of them) at kfb_addresses' addresses (only as many). */
static void set_type(const struct ebpf_helper_proto *protos, uint32_t count)
{
	set_type_at(protos, kfb_addresses, count);
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

/* Runs `program` of `object` in mode against protos at addresses (count of them): result
 * `expected`. */
static void run_in_mode(const struct ebpf_helper_proto *protos, const ebpf_helper_fn *addresses,
			uint32_t count, const char *object, const char *program, uint32_t expected,
			enum ebpf_exec_mode mode)
{
	struct ebpf_object_open_opts opts = { .sz = sizeof(opts), .mode = mode };
	struct ebpf_extension *ext;
	struct ebpf_object *obj = NULL;
	struct ebpf_program *prog;
	struct ebpf_link *link = NULL;
	uint64_t ctx = 0;
	uint32_t result = 0;
	int err;

	set_type_at(protos, addresses, count);
	ext = add();
	err = ebpf_object_open(prog_path(object), &opts, &obj);
	if (err == -EOPNOTSUPP && mode == EBPF_MODE_JIT) {
		assert_int_equal(ebpf_extension_unload(ext), 0);
		skip(); /* no JIT on this machine */
	}
	if (err)
		fprintf(stderr, "open: %s\n", ebpf_last_error());
	assert_int_equal(err, 0);
	prog = ebpf_object_find_program(obj, program);
	assert_non_null(prog);
	assert_int_equal(ebpf_program_mode(prog), mode);
	assert_int_equal(ebpf_program_attach_by_name(prog, "kfb_hook", NULL, 0, &link), 0);
	assert_int_equal(ebpf_hook_invoke(&kfb_hook, &ctx, keep_result, &result), 1);
	assert_int_equal(result, expected);
	assert_int_equal(ebpf_link_detach(link), 0);
	ebpf_object_close(obj);
	assert_int_equal(ebpf_extension_unload(ext), 0);
}

static void calls_in_mode(enum ebpf_exec_mode mode)
{
	run_in_mode(kfb_protos, kfb_addresses, 4, "kfunc_btf.bpf.o", "calls", EXPECTED, mode);
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

/* ---- kinds derived from the BTF alone, in each engine ------------------------------------- */

/* What tests/progs/kfunc_derived.bpf.c computes. */
#define EXPECTED_DERIVED 1233

static void derived_in_mode(enum ebpf_exec_mode mode)
{
	run_in_mode(kfb_derived, kfb_derived_addresses, DERIVED_COUNT, "kfunc_derived.bpf.o",
		    "derived", EXPECTED_DERIVED, mode);
}

static void test_derived_interp(void **state)
{
	derived_in_mode(EBPF_MODE_INTERP);
}

static void test_derived_jit(void **state)
{
	derived_in_mode(EBPF_MODE_JIT);
}

static void test_derived_native(void **state)
{
	derived_in_mode(EBPF_MODE_NATIVE);
}

/* ---- references: kfb_acquire / kfb_release ------------------------------------------------ */

/* What tests/progs/kfunc_ref.bpf.c computes. */
#define EXPECTED_REFS 303

/* Runs it in mode, twice: every reference taken is given back. */
static void refs_in_mode(enum ebpf_exec_mode mode)
{
	acquired = 0;
	run_in_mode(kfb_derived, kfb_derived_addresses, DERIVED_COUNT, "kfunc_ref.bpf.o", "refs",
		    EXPECTED_REFS, mode);
	assert_int_equal(acquired, 2);
	assert_int_equal(held[0], 0);
	assert_int_equal(held[1], 0);
}

static void test_refs_interp(void **state)
{
	refs_in_mode(EBPF_MODE_INTERP);
}

/* What tests/progs/kfunc_ref.bpf.c's child_while_held computes: obj 1's next (obj 0, value
 * 100) read while obj 1 (count 3) is held. */
#define EXPECTED_CHILD 103

static void test_ref_child_while_held(void **state)
{
	acquired = 0;
	run_in_mode(kfb_derived, kfb_derived_addresses, DERIVED_COUNT, "kfunc_ref.bpf.o",
		    "child_while_held", EXPECTED_CHILD, EBPF_MODE_INTERP);
	assert_int_equal(acquired, 1);
	assert_int_equal(held[1], 0);
}

static void test_refs_jit(void **state)
{
	refs_in_mode(EBPF_MODE_JIT);
}

static void test_refs_native(void **state)
{
	refs_in_mode(EBPF_MODE_NATIVE);
}

static void expect_derived_refused(const char *object, const char *program, int err,
				   const char *why1, const char *why2);

/* Leaks, use after release, double release, a release of what was not acquired, a stored
 * reference: refused, naming the instruction. */
static void test_ref_twins(void **state)
{
	const char *o = "bad/kfunc_ref.bpf.o";

	expect_derived_refused(o, "leak_on_path", -EACCES, "unreleased kfunc reference from insn",
			       "release it with its releasing kfunc on every path");
	expect_derived_refused(o, "leak_at_tail_call", -EACCES,
			       "tail call with an unreleased kfunc reference", "insn");
	/* A release leaves every copy of the pointer uninitialised. */
	expect_derived_refused(o, "use_after_release", -EACCES, "insn",
			       "read of uninitialised register");
	expect_derived_refused(o, "double_release", -EACCES, "insn",
			       "read of uninitialised register");
	expect_derived_refused(o, "release_unacquired", -EACCES, "kfb_release arg1",
			       "got one the program holds no reference on");
	expect_derived_refused(o, "release_other_type", -EACCES, "kfb_release arg1",
			       "got another type");
	expect_derived_refused(o, "release_unchecked", -EACCES, "kfb_release arg1",
			       "check it against NULL first");
	expect_derived_refused(o, "store_in_map", -EACCES, "storing a referenced pointer",
			       "into a map value prohibited: it would outlive its release");
	/* A pointer the object holds carries its reference: the release ends it too, and it
	 * is not the reference itself. */
	expect_derived_refused(o, "child_after_release", -EACCES, "insn",
			       "read of uninitialised register");
	expect_derived_refused(o, "grandchild_after_release", -EACCES, "insn",
			       "read of uninitialised register");
	expect_derived_refused(o, "child_after_release_in_callee", -EACCES, "insn",
			       "read of uninitialised register");
	expect_derived_refused(o, "release_child", -EACCES, "kfb_release arg1",
			       "a pointer loaded from a referenced object");
}

/* Flags that cannot hold: a reference to nothing, a release of nothing. */
static const struct ebpf_helper_proto kfb_acquire_scalar[] = {
	{ .name = "kfb_value",
	  .ret = EBPF_RET_INTEGER,
	  .args = { EBPF_ARG_PTR_TO_BTF_ID_OR_NULL },
	  .flags = EBPF_KFUNC_ACQUIRE },
};
static const struct ebpf_helper_proto kfb_release_nothing[] = {
	{ .name = "kfb_get",
	  .ret = EBPF_RET_PTR_TO_BTF_ID_OR_NULL,
	  .args = { EBPF_ARG_ANYTHING },
	  .flags = EBPF_KFUNC_RELEASE },
};

static void expect_bad_type(const struct ebpf_helper_proto *protos, const char *why);

static void test_ref_flags_refused(void **state)
{
	expect_bad_type(kfb_acquire_scalar,
			"kfunc 'kfb_value': EBPF_KFUNC_ACQUIRE, but it returns no pointer");
	expect_bad_type(kfb_release_nothing, "kfunc 'kfb_get': EBPF_KFUNC_RELEASE, but its first "
					     "struct pointer argument does not exist");
}

/* ---- a reload that changes the BTF of a kfunc the program calls ------------------------------ */

/* kfunc_derived.bpf.o runs attached to kfb_hook in mode; its extension unloads and comes back
 * with its kfuncs' BTF changed as `change`: refused with the reason `why` (dormant, its link
 * too, never run), or rebound and running again when why is NULL. */
static void reload_changed(enum btf_change change, const char *why, enum ebpf_exec_mode mode)
{
	struct ebpf_object_open_opts opts = { .sz = sizeof(opts), .mode = mode };
	struct btf *changed = build_btf_changed(change);
	struct ebpf_extension *ext;
	struct ebpf_object *obj = NULL;
	struct ebpf_program *prog;
	struct ebpf_link *link = NULL;
	uint32_t size = 0, result = 0;
	uint64_t ctx = 0;
	char reason[256];

	set_type_at(kfb_derived, kfb_derived_addresses, DERIVED_COUNT);
	ext = add();
	if (ebpf_object_open(prog_path("kfunc_derived.bpf.o"), &opts, &obj))
		fprintf(stderr, "open: %s\n", ebpf_last_error());
	assert_non_null(obj);
	prog = ebpf_object_find_program(obj, "derived");
	assert_int_equal(ebpf_program_attach_by_name(prog, "kfb_hook", NULL, 0, &link), 0);
	assert_int_equal(ebpf_extension_unload(ext), 0);
	assert_true(ebpf_program_is_dormant(prog, reason, sizeof(reason)));

	kfb_type.kfunc_btf = btf__raw_data(changed, &size);
	kfb_type.kfunc_btf_size = size;
	ext = add();
	if (why) {
		assert_true(ebpf_program_is_dormant(prog, reason, sizeof(reason)));
		if (!strstr(reason, why))
			fprintf(stderr, "dormant: %s\n", reason);
		assert_non_null(strstr(reason, "program type 'kfb' came back"));
		assert_non_null(strstr(reason, why));
		assert_true(ebpf_link_is_dormant(link, reason, sizeof(reason)));
		assert_int_equal(ebpf_hook_invoke(&kfb_hook, &ctx, keep_result, &result), 0);
	} else {
		assert_false(ebpf_program_is_dormant(prog, reason, sizeof(reason)));
		assert_int_equal(ebpf_hook_invoke(&kfb_hook, &ctx, keep_result, &result), 1);
		assert_int_equal(result, EXPECTED_DERIVED);
	}
	assert_int_equal(ebpf_link_detach(link), 0);
	ebpf_object_close(obj);
	assert_int_equal(ebpf_extension_unload(ext), 0);
	btf__free(changed);
}

/* The rebind checks what the load checked: the program's extern declarations against the BTF
 * that comes back (width, signedness, return), and what the verifier read of it (layouts). */
static void test_reload_changed_btf(void **state)
{
	reload_changed(KEY_U32,
		       "kfunc 'kfb_get' arg1 ('key'): the program declares a 8-byte "
		       "unsigned integer, the extension's BTF prototype a 4-byte unsigned",
		       EBPF_MODE_INTERP);
	reload_changed(KEY_SIGNED,
		       "kfunc 'kfb_get' arg1 ('key'): the program declares a 8-byte "
		       "unsigned integer, the extension's BTF prototype a 8-byte signed",
		       EBPF_MODE_INTERP);
	reload_changed(VALUE_RETURNS_U32,
		       "kfunc 'kfb_value': the program declares it returning a 8-byte unsigned "
		       "integer, the extension's BTF prototype a 4-byte unsigned integer",
		       EBPF_MODE_INTERP);
	reload_changed(FILL_RETURNS_U64,
		       "kfunc 'kfb_fill': the program declares it returning void, the "
		       "extension's BTF prototype a 8-byte unsigned integer",
		       EBPF_MODE_INTERP);
	/* Its loads of count were checked against the old layout. */
	reload_changed(COUNT_AND_PAD_SWAP, "kfunc 'kfb_get' has another prototype",
		       EBPF_MODE_INTERP);
}

/* The same BTF again (a new copy of it): the program rebinds and runs, in each engine. */
static void test_reload_same_btf(void **state)
{
	reload_changed(SAME_BTF, NULL, EBPF_MODE_INTERP);
	reload_changed(SAME_BTF, NULL, EBPF_MODE_NATIVE);
}

/* Loads only `program` of `object` against protos (count of them, at kfb_addresses or, for
 * kfb_derived, its own): refused with err, the message holding the program's name and each of
 * why[]. */
static void expect_load_refused(const struct ebpf_helper_proto *protos, uint32_t count,
				const char *object, const char *program, int err, const char *why1,
				const char *why2)
{
	struct ebpf_object_open_opts opts = { .sz = sizeof(opts), .only_program = program };
	struct ebpf_extension *ext;
	struct ebpf_object *obj = NULL;
	int ret;

	set_type_at(protos, protos == kfb_derived ? kfb_derived_addresses : kfb_addresses, count);
	ext = add();
	ret = ebpf_object_open(prog_path(object), &opts, &obj);
	if (!error_has(why1) || !error_has(why2))
		fprintf(stderr, "%s: %s\n", program, ebpf_last_error());
	assert_int_equal(ret, err);
	assert_null(obj);
	assert_true(error_has(program));
	assert_true(error_has(why1));
	assert_true(error_has(why2));
	assert_int_equal(ebpf_extension_unload(ext), 0);
}

static void expect_derived_refused(const char *object, const char *program, int err,
				   const char *why1, const char *why2)
{
	expect_load_refused(kfb_derived, DERIVED_COUNT, object, program, err, why1, why2);
}

static void test_derived_twins(void **state)
{
	const char *o = "bad/kfunc_derived.bpf.o";

	expect_derived_refused(o, "unchecked_value", -EACCES, "kfb_value arg1",
			       "check it against NULL first");
	expect_derived_refused(o, "number_as_nullable", -EACCES, "kfb_maybe arg1",
			       "expected a pointer to struct ext_obj or NULL");
	expect_derived_refused(o, "stack_as_nullable", -EACCES, "kfb_maybe arg1",
			       "expected a pointer to struct ext_obj or NULL");
	expect_derived_refused(o, "moved_nullable", -EACCES, "kfb_maybe arg1", "moved inside it");
	expect_derived_refused(o, "fill_beyond", -EACCES, "kfb_fill arg1", "kfb_fill");
	expect_derived_refused(o, "fill_object", -EACCES, "kfb_fill arg1", "kfb_fill");
	expect_derived_refused(o, "sum_unbounded", -EACCES, "kfb_sum arg2", "unbounded");
}

/* Scalars of another size or signedness, a scalar for a pointer, another return, another
 * count: the program's extern declaration against the extension's BTF. */
static void test_extern_disagrees(void **state)
{
	const char *o = "bad/kfunc_extern.bpf.o";

	expect_derived_refused(o, "signed_key", -EINVAL, "kfunc 'kfb_get' arg1 ('key')",
			       "declares a 8-byte signed integer, the extension's BTF prototype "
			       "a 8-byte unsigned integer");
	expect_derived_refused(o, "wide_size", -EINVAL, "kfunc 'kfb_sum' arg2 ('buf__sz')",
			       "a 8-byte unsigned integer, the extension's BTF prototype a 4-byte");
	expect_derived_refused(o, "scalar_object", -EINVAL, "kfunc 'kfb_value' arg1 ('o')",
			       "declares a 8-byte unsigned integer, the extension's BTF prototype "
			       "a pointer");
	expect_derived_refused(o, "returns_value", -EINVAL, "kfunc 'kfb_fill'",
			       "returning a 8-byte unsigned integer, the extension's BTF "
			       "prototype void");
	expect_derived_refused(o, "extra_param", -EINVAL, "kfunc 'kfb_maybe'",
			       "declares 2 parameters, the extension's BTF prototype 1");
}

/* ---- refusals by the verifier -------------------------------------------------------------- */

/* Loads only `program` of the twins' object: refused, the message holding each of why[]. */
static void expect_refused(const char *program, const char *why1, const char *why2)
{
	expect_load_refused(kfb_protos, 4, "bad/kfunc_btf.bpf.o", program, -EACCES, why1, why2);
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

static void test_underivable(void **state)
{
	expect_bad_type(kfb_byval_only, "kfunc 'kfb_byval' arg1 ('o'): no argument kind follows "
					"from its BTF type, neither a scalar nor a pointer");
	expect_bad_type(kfb_intptr_only, "kfunc 'kfb_intptr' arg1 ('p'): no argument kind "
					 "follows from its BTF type, a pointer to neither");
	expect_bad_type(kfb_lone_size_only, "kfunc 'kfb_lone_size' arg1 ('n__sz'): no argument "
					    "kind follows from its BTF type, a size (__sz) that "
					    "follows no memory");
	expect_bad_type(kfb_null_out_only, "kfunc 'kfb_null_out' arg1 ('out__nullable'): no "
					   "argument kind follows from its BTF type, writable "
					   "memory that may be NULL");
	expect_bad_type(kfb_ret_mem_only, "kfunc 'kfb_ret_mem': its BTF prototype returns neither");
	expect_bad_type(kfb_six_only, "kfunc 'kfb_six': its BTF prototype has 6 parameters");
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
		cmocka_unit_test_teardown(test_derived_interp, teardown),
		cmocka_unit_test_teardown(test_derived_jit, teardown),
		cmocka_unit_test_teardown(test_derived_native, teardown),
		cmocka_unit_test_teardown(test_derived_twins, teardown),
		cmocka_unit_test_teardown(test_extern_disagrees, teardown),
		cmocka_unit_test_teardown(test_underivable, teardown),
		cmocka_unit_test_teardown(test_reload_changed_btf, teardown),
		cmocka_unit_test_teardown(test_refs_interp, teardown),
		cmocka_unit_test_teardown(test_refs_jit, teardown),
		cmocka_unit_test_teardown(test_refs_native, teardown),
		cmocka_unit_test_teardown(test_ref_child_while_held, teardown),
		cmocka_unit_test_teardown(test_ref_twins, teardown),
		cmocka_unit_test_teardown(test_ref_flags_refused, teardown),
		cmocka_unit_test_teardown(test_reload_same_btf, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, group_teardown);
}
