/* SPDX-License-Identifier: MIT */
/*
 * Native mode ahead of time: ebpf_object_compile_native writes a shared object that
 * ebpf_object_open loads in place of the ELF object, running exactly as the interpreter does,
 * and that is refused once the program type's contract has changed.
 */
#include <dlfcn.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include <extbpf/extbpf.h>

#include "exec/native.h"
#include "isa/isa.h"

static char progs_dir[512];
static char work_dir[] = "/tmp/extbpf-test-native-XXXXXX";

static void path_of(char *buf, size_t size, const char *dir, const char *name)
{
	snprintf(buf, size, "%s/%s", dir, name);
}

/* ---- a program type of the test's own, whose contract the test can change ------------------ */

struct test_ctx {
	uint64_t data;
	uint64_t data_end;
	uint32_t value;
	uint32_t pad;
};

static uint64_t helper_twice(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	return 2 * r1;
}

static const struct ebpf_section_prefix test_sections[] = { { .prefix = "sample_ext" } };
static const struct ebpf_helper_proto test_protos[] = {
	{ .id = 65536, .name = "twice", .ret = EBPF_RET_INTEGER, .args = { EBPF_ARG_ANYTHING } },
};
static const ebpf_helper_fn test_addresses[] = { helper_twice, helper_twice };
/* "twice" now takes two arguments; and a second helper next to the first. */
static const struct ebpf_helper_proto changed_protos[] = {
	{ .id = 65536,
	  .name = "twice",
	  .ret = EBPF_RET_INTEGER,
	  .args = { EBPF_ARG_ANYTHING, EBPF_ARG_ANYTHING } },
};
static const struct ebpf_helper_proto grown_protos[] = {
	test_protos[0],
	{ .id = 65537,
	  .name = "also_twice",
	  .ret = EBPF_RET_INTEGER,
	  .args = { EBPF_ARG_ANYTHING } },
};

static struct ebpf_program_info test_info = {
	.header = EBPF_EXTENSION_HEADER(struct ebpf_program_info, EBPF_PROGRAM_INFO_VERSION),
	.name = "native_test",
	.program_type = NMR_GUID(0x6e617469, 0x7665, 0x4000, 0x8000, 0x000000000001),
	.sections = test_sections,
	.section_count = 1,
	.context = { .size = sizeof(struct test_ctx), .data = 0, .data_end = 8, .meta = -1 },
	.helpers = test_protos,
	.helper_addresses = test_addresses,
	.helper_count = 0, /* contract 1: no helpers; contract 2 adds "twice" */
};

static int provider_attach(nmr_registrar_t *registrar, nmr_handle_t binding, void *context,
			   const struct nmr_registration_info *client, void *client_binding,
			   const void *client_dispatch, void **provider_binding,
			   const void **provider_dispatch)
{
	*provider_binding = NULL;
	*provider_dispatch = NULL;
	return 0;
}

static int provider_detach(void *provider_binding)
{
	return 0;
}

static const struct nmr_provider_characteristics test_provider = {
	.info = {
		.npi_id = EBPF_PROGRAM_INFO_NPI_ID,
		.module_id = NMR_GUID(0x6e617469, 0x7665, 0x4000, 0x8000, 0x000000000002),
		.version = 1,
		.npi_specific = &test_info,
		.npi_specific_size = sizeof(test_info),
	},
	.attach_client = provider_attach,
	.detach_client = provider_detach,
};

static nmr_handle_t register_type_with(const struct ebpf_helper_proto *protos, uint32_t count,
				       uint32_t ctx_size)
{
	nmr_handle_t handle;

	test_info.helpers = protos;
	test_info.helper_count = count;
	test_info.context.size = ctx_size;
	assert_int_equal(
	    nmr_register_provider(ebpf_runtime_registrar(), &test_provider, NULL, &handle), 0);
	return handle;
}

static nmr_handle_t register_type(uint32_t helper_count)
{
	return register_type_with(test_protos, helper_count, sizeof(struct test_ctx));
}

static void deregister_type(nmr_handle_t handle)
{
	int ret = nmr_deregister_provider(ebpf_runtime_registrar(), handle);

	if (ret == NMR_PENDING)
		ret = nmr_wait_for_deregistration(ebpf_runtime_registrar(), handle);
	assert_int_equal(ret, 0);
}

/* ---- running ------------------------------------------------------------------------------ */

static uint64_t run_once(struct ebpf_program *prog, uint32_t value)
{
	uint8_t data[32] = "native mode";
	struct test_ctx ctx = { .value = value };
	struct ebpf_test_run_opts run = {
		.sz = sizeof(run),
		.data_in = data,
		.data_size_in = sizeof(data),
		.ctx_in = &ctx,
		.ctx_size_in = sizeof(ctx),
	};

	assert_int_equal(ebpf_program_test_run(prog, &run), 0);
	return run.retval;
}

static int context_create(const void *data_in, size_t data_size, const void *ctx_in,
			  size_t ctx_size, void **ctx)
{
	struct test_ctx *c = calloc(1, sizeof(*c));

	if (!c)
		return -ENOMEM;
	if (ctx_in && ctx_size == sizeof(*c))
		memcpy(c, ctx_in, sizeof(*c));
	c->data = (uint64_t)(uintptr_t)data_in;
	c->data_end = c->data + data_size;
	*ctx = c;
	return 0;
}

static void context_destroy(void *ctx, void *data_out, size_t *data_size, void *ctx_out,
			    size_t *ctx_size)
{
	*data_size = 0;
	*ctx_size = 0;
	free(ctx);
}

/* Every program of the object gives the same r0 and leaves the same map contents whether
 * loaded from the ELF object (interpreter) or from its compiled shared object. */
static void compare_object(const char *name)
{
	char elf[1024], so[1024];
	struct ebpf_object_open_opts interp = { .sz = sizeof(interp), .mode = EBPF_MODE_INTERP };
	struct ebpf_object *a, *b;

	path_of(elf, sizeof(elf), progs_dir, name);
	path_of(so, sizeof(so), work_dir, "compiled.so");
	if (ebpf_object_compile_native(elf, so, NULL))
		fail_msg("compile %s: %s", name, ebpf_last_error());
	assert_true(ebpf_object_is_native(so));
	assert_false(ebpf_object_is_native(elf));
	assert_int_equal(ebpf_object_open(elf, &interp, &a), 0);
	if (ebpf_object_open(so, NULL, &b))
		fail_msg("open %s: %s", so, ebpf_last_error());

	struct ebpf_program *pa = ebpf_object_next_program(a, NULL);
	struct ebpf_program *pb = ebpf_object_next_program(b, NULL);
	for (; pa && pb;
	     pa = ebpf_object_next_program(a, pa), pb = ebpf_object_next_program(b, pb)) {
		assert_string_equal(ebpf_program_name(pa), ebpf_program_name(pb));
		assert_int_equal(ebpf_program_mode(pb), EBPF_MODE_NATIVE);
		for (uint32_t v = 0; v < 5; v++)
			assert_int_equal(run_once(pa, v), run_once(pb, v));
	}
	assert_null(pa);
	assert_null(pb);

	struct ebpf_map *ma = ebpf_object_next_map(a, NULL);
	struct ebpf_map *mb = ebpf_object_next_map(b, NULL);
	for (; ma && mb; ma = ebpf_object_next_map(a, ma), mb = ebpf_object_next_map(b, mb)) {
		uint8_t key[64], va[4096], vb[4096];
		uint32_t vsize = ebpf_map_value_size(ma) * ebpf_num_possible_cpus();

		assert_string_equal(ebpf_map_name(ma), ebpf_map_name(mb));
		if (ebpf_map_type(ma) != EBPF_MAP_TYPE_ARRAY &&
		    ebpf_map_type(ma) != EBPF_MAP_TYPE_HASH)
			continue;
		assert_true(vsize <= sizeof(va) && ebpf_map_key_size(ma) <= sizeof(key));
		for (int err = ebpf_map_get_next_key(ma, NULL, key); !err;
		     err = ebpf_map_get_next_key(ma, key, key)) {
			assert_int_equal(ebpf_map_lookup_elem(ma, key, va), 0);
			assert_int_equal(ebpf_map_lookup_elem(mb, key, vb), 0);
			assert_memory_equal(va, vb, ebpf_map_value_size(ma));
		}
	}
	ebpf_object_close(a);
	ebpf_object_close(b);
	unlink(so);
}

static void test_programs_match_the_interpreter(void **state)
{
	nmr_handle_t type = register_type(0);

	compare_object("hash_counter.bpf.o");
	compare_object("global_data.bpf.o");
	compare_object("legacy_maps.bpf.o");
	compare_object("lpm.bpf.o");
	compare_object("tail_call.bpf.o");
	deregister_type(type);
}

static void expect_stale(const char *so)
{
	struct ebpf_object *obj = NULL;

	assert_int_equal(ebpf_object_open(so, NULL, &obj), -ESTALE);
	assert_null(obj);
	assert_non_null(strstr(ebpf_last_error(), "compiled against another contract"));
	assert_non_null(strstr(ebpf_last_error(), "native_test"));
}

static void expect_runs(const char *so, const char *program, uint64_t result)
{
	struct ebpf_object *obj = NULL;

	assert_int_equal(ebpf_object_open(so, NULL, &obj), 0);
	assert_int_equal(run_once(ebpf_object_find_program(obj, program), 0), result);
	ebpf_object_close(obj);
}

/*
 * An image depends on what its program used and nothing else: helpers the type adds keep it
 * valid, a changed prototype of a helper it calls or a changed context layout refuses it.
 */
static void test_changed_contract_is_refused(void **state)
{
	const uint32_t ctx_size = sizeof(struct test_ctx);
	char elf[1024], so[1024], twice_elf[1024], twice_so[1024];
	nmr_handle_t type = register_type(1);

	path_of(elf, sizeof(elf), progs_dir, "hash_counter.bpf.o");
	path_of(so, sizeof(so), work_dir, "contract.so");
	path_of(twice_elf, sizeof(twice_elf), NATIVE_PROGS_DIR, "native_twice.bpf.o");
	path_of(twice_so, sizeof(twice_so), work_dir, "twice.so");
	assert_int_equal(ebpf_object_compile_native(elf, so, NULL), 0);
	assert_int_equal(ebpf_object_compile_native(twice_elf, twice_so, NULL), 0);
	deregister_type(type);

	/* Helpers added, or one the program does not call gone: both images still run. */
	type = register_type_with(grown_protos, 2, ctx_size);
	expect_runs(twice_so, "call_twice", 42);
	expect_runs(so, "hash_counter", 1);
	deregister_type(type);
	type = register_type(0);
	expect_runs(so, "hash_counter", 1);
	expect_stale(twice_so); /* the helper it calls is gone */
	deregister_type(type);

	/* The helper it calls has another prototype: refused; the other image still runs. */
	type = register_type_with(changed_protos, 1, ctx_size);
	expect_stale(twice_so);
	expect_runs(so, "hash_counter", 1);
	deregister_type(type);

	/* Another context layout: refused, whatever the program calls. */
	type = register_type_with(test_protos, 1, ctx_size + 8);
	expect_stale(so);
	expect_stale(twice_so);
	deregister_type(type);

	type = register_type(1); /* the original contract again: accepted */
	expect_runs(twice_so, "call_twice", 42);
	deregister_type(type);
	unlink(so);
	unlink(twice_so);
}

static void test_bad_shared_objects_are_refused(void **state)
{
	char c_path[1024], so[1024], cmd[4096];
	struct ebpf_object *obj;
	FILE *f;

	assert_false(ebpf_object_is_native("/nonexistent/x.so"));
	assert_int_equal(ebpf_object_load_native("/nonexistent/x.so", NULL, &obj), -ENOENT);

	/* A shared object that is not one of ours... */
	path_of(c_path, sizeof(c_path), work_dir, "foreign.c");
	path_of(so, sizeof(so), work_dir, "foreign.so");
	f = fopen(c_path, "w");
	assert_non_null(f);
	fprintf(f, "int answer = 42;\n");
	fclose(f);
	snprintf(cmd, sizeof(cmd), "cc -shared -fPIC -o %s %s", so, c_path);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(ebpf_object_open(so, NULL, &obj), -ENOEXEC);
	assert_non_null(strstr(ebpf_last_error(), "not an object made by extbpf compile"));

	/* ...and one of ours from another native ABI. */
	f = fopen(c_path, "w");
	assert_non_null(f);
	fprintf(f, "struct t { unsigned abi, n; const void *p, *e; unsigned long long s; };\n"
		   "__attribute__((visibility(\"default\"))) const struct t extbpf_native_object = "
		   "{ 999, 0, 0, 0, 0 };\n");
	fclose(f);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(ebpf_object_open(so, NULL, &obj), -ESTALE);
	assert_non_null(strstr(ebpf_last_error(), "native ABI 999"));
	unlink(c_path);
	unlink(so);
}

/* ---- text from the object, and compilation time ------------------------------------------ */

/*
 * native_hostile_names.bpf.o's names (ends of comments, newlines with preprocessor lines,
 * quotes, backslashes, trigraphs, a NUL, bytes that are not ASCII) reach the generated C only
 * as escaped literals: none of the symbols they try to define exists in the shared object, and
 * the names come back exactly (the compiled object finds its programs by name).
 */
static void test_hostile_names_stay_names(void **state)
{
	static const char *const injected[] = {
		"injected_comment",  "injected_newline",       "injected_newline_name",
		"injected_quote",    "injected_quote_name",    "injected_backslash",
		"injected_trigraph", "injected_trigraph_name", "injected_nul",
		"injected_bytes",
	};
	char elf[1024], so[1024];
	nmr_handle_t type = register_type(0);
	void *handle;

	path_of(elf, sizeof(elf), progs_dir, "native_hostile_names.bpf.o");
	path_of(so, sizeof(so), work_dir, "hostile.so");
	if (ebpf_object_compile_native(elf, so, NULL))
		fail_msg("compile: %s", ebpf_last_error());
	handle = dlopen(so, RTLD_NOW | RTLD_LOCAL);
	assert_non_null(handle);
	for (size_t i = 0; i < sizeof(injected) / sizeof(injected[0]); i++) {
		if (dlsym(handle, injected[i]))
			fail_msg("a name's text was compiled: %s is defined", injected[i]);
	}
	dlclose(handle);
	unlink(so);
	compare_object("native_hostile_names.bpf.o");
	deregister_type(type);
}

/* Reads back a literal of native_write_string: its bytes, or -1 at anything else in it. */
static int unescape_literal(const char *lit, unsigned char *out, size_t *len)
{
	size_t n = 0;

	if (*lit++ != '"')
		return -1;
	while (*lit != '"') {
		if (*lit == '\\') {
			if (lit[1] < '0' || lit[1] > '3' || lit[2] < '0' || lit[2] > '7' ||
			    lit[3] < '0' || lit[3] > '7')
				return -1;
			out[n++] = (unsigned char)((lit[1] - '0') * 64 + (lit[2] - '0') * 8 +
						   (lit[3] - '0'));
			lit += 4;
		} else if (strchr(
			       "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./-",
			       *lit) &&
			   *lit) {
			out[n++] = (unsigned char)*lit++;
		} else {
			return -1;
		}
	}
	*len = n;
	return lit[1] == '\0' ? 0 : -1;
}

/* Every byte but NUL (which ends a name) is written as itself or as an octal escape. */
static void test_string_literals_escape_every_byte(void **state)
{
	unsigned char all[256], back[256];
	char *text = NULL;
	size_t size = 0, len = 0;
	FILE *out = open_memstream(&text, &size);

	for (int i = 1; i < 256; i++)
		all[i - 1] = (unsigned char)i;
	all[255] = 0;
	assert_non_null(out);
	native_write_string(out, (const char *)all);
	native_write_string(out, NULL);
	fclose(out);
	assert_int_equal(strcmp(text + strlen(text) - 2, "\"\""), 0); /* NULL: "" */
	text[strlen(text) - 2] = '\0';
	assert_int_equal(unescape_literal(text, back, &len), 0);
	assert_int_equal(len, 255);
	assert_memory_equal(back, all, 255);
	free(text);
}

/* A straight-line program of count instructions (a chain of adds, compares and multiplies). */
static struct ebpf_inst *large_program(size_t count)
{
	struct ebpf_inst *insns = calloc(count, sizeof(*insns));
	size_t i = 0;

	assert_non_null(insns);
	insns[i++] = (struct ebpf_inst){ .code = EBPF_CLS_ALU64 | EBPF_ALU_MOV, .dst_reg = 0 };
	while (i + 4 < count) {
		insns[i++] = (struct ebpf_inst){ .code = EBPF_CLS_ALU64 | EBPF_ALU_ADD, .imm = 3 };
		insns[i++] = (struct ebpf_inst){ .code = EBPF_CLS_JMP | EBPF_JMP_JGT,
						 .off = 1,
						 .imm = 1 << 20 };
		insns[i++] = (struct ebpf_inst){ .code = EBPF_CLS_ALU64 | EBPF_ALU_MUL, .imm = 5 };
	}
	while (i + 1 < count)
		insns[i++] = (struct ebpf_inst){ .code = EBPF_CLS_ALU64 | EBPF_ALU_ADD, .imm = 1 };
	insns[i] = (struct ebpf_inst){ .code = EBPF_OP_EXIT };
	return insns;
}

/* However large the program, the C compiler runs for EXTBPF_NATIVE_CC_TIMEOUT seconds at most:
 * then it is killed and the compilation fails, saying why. */
static void test_compile_time_is_bounded(void **state)
{
	const size_t count = 100000; /* several seconds of cc at any optimisation level */
	struct ebpf_inst *insns = large_program(count);
	const struct ebpf_inst tiny[] = {
		{ .code = EBPF_CLS_ALU64 | EBPF_ALU_MOV },
		{ .code = EBPF_OP_EXIT },
	};
	struct exec_helpers helpers = { 0 };
	struct exec_program *prog = NULL;
	char err[512] = "";
	struct timespec t0, t1;

	setenv("EXTBPF_NATIVE_CC_TIMEOUT", "1", 1);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(
	    exec_program_create(insns, count, EXEC_NATIVE, &helpers, &prog, err, sizeof(err)),
	    -ETIMEDOUT);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_null(prog);
	if (!strstr(err, "did not compile the translated program (100000 instructions) within 1 s"))
		fail_msg("message: %s", err);
	/* Translation plus one second of compiler, not the compiler's minutes. */
	assert_true(t1.tv_sec - t0.tv_sec < 30);

	setenv("EXTBPF_NATIVE_CC_TIMEOUT", "soon", 1);
	assert_int_equal(
	    exec_program_create(tiny, 2, EXEC_NATIVE, &helpers, &prog, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "EXTBPF_NATIVE_CC_TIMEOUT='soon' is not a number of seconds"));
	unsetenv("EXTBPF_NATIVE_CC_TIMEOUT");
	free(insns);
}

static int setup(void **state)
{
	const char *build = getenv("EXTBPF_BUILD_DIR");

	if (!build || !mkdtemp(work_dir))
		return -1;
	snprintf(progs_dir, sizeof(progs_dir), "%s/tests/progs", build);
	test_info.context_create = context_create;
	test_info.context_destroy = context_destroy;
	return 0;
}

static int teardown(void **state)
{
	ebpf_runtime_shutdown();
	rmdir(work_dir);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_programs_match_the_interpreter),
		cmocka_unit_test(test_changed_contract_is_refused),
		cmocka_unit_test(test_bad_shared_objects_are_refused),
		cmocka_unit_test(test_hostile_names_stay_names),
		cmocka_unit_test(test_string_literals_escape_every_byte),
		cmocka_unit_test(test_compile_time_is_bounded),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
