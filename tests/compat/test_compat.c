/* SPDX-License-Identifier: MIT */
/*
 * The contract grows without breaking what was built against it (docs/extensions.md, "How the
 * contract grows"): an extension compiled against the frozen version-1 headers loads, verifies
 * and runs its programs here; structures in a version or at a size this runtime does not know,
 * and flag bits it does not know, are refused with a message naming the structure, the field
 * and the extension, and leave nothing registered.
 */
#define EBPF_EXTENSION_STATIC 1

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <extbpf/extbpf.h>

#include "compat/frozen_ext.h"
#include "core/test_util.h"

#define LDXW(dst, src, off)  INSN(0x61, dst, src, off, 0)
#define STXW(dst, src, off)  INSN(0x63, dst, src, off, 0)
#define LDXB(dst, src, off)  INSN(0x71, dst, src, off, 0)
#define LDXDW(dst, src, off) INSN(0x79, dst, src, off, 0)

static int teardown(void **state)
{
	(void)state;
	ebpf_runtime_shutdown();
	return 0;
}

/* ---- the frozen extension ---------------------------------------------------------------- */

static struct ebpf_extension *add_frozen(void)
{
	struct ebpf_extension *ext = NULL;

	if (ebpf_extension_add_static(frozen_descriptor(), &ext))
		fail_msg("frozen extension: %s", ebpf_last_error());
	return ext;
}

static int frozen_flags(const struct ebpf_program_info *info, void *arg)
{
	if (!strcmp(info->name, "frozen"))
		*(uint32_t *)arg = info->flags | 0x80000000u;
	return 0;
}

/* out = frozen_triple(in): the context read and written, the helper called, the hook fired. */
static void test_frozen_extension_runs(void **state)
{
	struct ebpf_inst insns[] = {
		MOV64_REG(6, 1), LDXW(1, 6, 0),	  CALL(FROZEN_HELPER_ID),
		STXW(6, 0, 4),	 MOV64_REG(0, 0), EXIT(),
	};
	struct ebpf_extension *ext = add_frozen();
	struct ebpf_program *prog = NULL;
	struct ebpf_link *link = NULL;
	struct frozen_ctx ctx = { .in = 14 };
	uint32_t port = 5, result = 0, flags = 0;

	(void)state;
	assert_int_equal(ebpf_foreach_program_type(frozen_flags, &flags), 0);
	assert_int_equal(flags, 0x80000000u | EBPF_PROGRAM_TYPE_PACKET_READ_ONLY);
	if (ebpf_program_load_raw("frozen", insns, sizeof(insns) / sizeof(insns[0]), NULL, &prog))
		fail_msg("load: %s", ebpf_last_error());
	/* The hook's own check of its parameters still runs. */
	assert_int_equal(ebpf_program_attach_by_name(prog, "frozen_hook", &(uint32_t){ 0 },
						     sizeof(uint32_t), &link),
			 -EDOM);
	if (ebpf_program_attach_by_name(prog, "frozen_hook", &port, sizeof(port), &link))
		fail_msg("attach: %s", ebpf_last_error());
	assert_int_equal(frozen_fire(&ctx, &result), 1);
	assert_int_equal(result, 42);
	assert_int_equal(ctx.out, 42);

	/* Unloaded and loaded again: the program and its link sleep, then run again. */
	assert_int_equal(ebpf_extension_unload(ext), 0);
	assert_true(ebpf_program_is_dormant(prog, NULL, 0));
	assert_true(ebpf_link_is_dormant(link, NULL, 0));
	ext = add_frozen();
	assert_false(ebpf_program_is_dormant(prog, NULL, 0));
	ctx.out = 0;
	result = 0;
	assert_int_equal(frozen_fire(&ctx, &result), 1);
	assert_int_equal(result, 42);
	assert_int_equal(ctx.out, 42);
	assert_int_equal(ebpf_link_detach(link), 0);
	ebpf_program_release(prog);
	assert_int_equal(ebpf_extension_unload(ext), 0);
}

/* The frozen context's rules hold: `in` is read-only, the verify-only helper cannot run. */
static void test_frozen_extension_rules_hold(void **state)
{
	struct ebpf_inst write_in[] = { MOV64_IMM(2, 1), STXW(1, 2, 0), MOV64_IMM(0, 0), EXIT() };
	struct ebpf_inst beyond[] = { LDXW(0, 1, 8), EXIT() };
	struct ebpf_extension *ext = add_frozen();
	struct ebpf_program *prog = NULL;

	(void)state;
	assert_int_equal(ebpf_program_load_raw("frozen", write_in, 4, NULL, &prog), -EACCES);
	assert_int_equal(ebpf_program_load_raw("frozen", beyond, 2, NULL, &prog), -EACCES);
	assert_null(prog);
	assert_int_equal(ebpf_extension_unload(ext), 0);
}

/* ---- a probe extension whose structures each test spoils ---------------------------------- */

#define PROBE_MODULE_ID NMR_GUID(0xf202e000, 0x0002, 0x4000, 0x8000, 0x000000000000)
#define PROBE_TYPE_GUID NMR_GUID(0xf202e000, 0x0002, 0x4000, 0x8000, 0x000000000001)
#define PROBE_HOOK_GUID NMR_GUID(0xf202e000, 0x0002, 0x4000, 0x8000, 0x000000000002)

static uint64_t probe_helper(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	(void)r2, (void)r3, (void)r4, (void)r5;
	return r1;
}

static const struct ebpf_section_prefix probe_sections[] = { { .prefix = "probe" } };
static struct ebpf_helper_proto probe_protos[1];
static const ebpf_helper_fn probe_addresses[] = { probe_helper };
static struct ebpf_program_info probe_type;
static struct ebpf_attach_provider_data probe_hook_data;
static struct ebpf_hook probe_hook = { .data = &probe_hook_data };
static const struct ebpf_program_info *const probe_types[] = { &probe_type };
static struct ebpf_hook *const probe_hooks[] = { &probe_hook };
static struct ebpf_extension_registration probe_registration;

static int probe_load(nmr_registrar_t *registrar, void **state)
{
	return ebpf_extension_register(registrar, &probe_registration,
				       (struct ebpf_extension_providers **)state);
}

static void probe_unload(void *state)
{
	ebpf_extension_deregister(state);
}

EBPF_EXTENSION_DEFINE(probe, "its structures are spoilt by each test", probe_load, probe_unload)

static struct ebpf_extension_descriptor probe_descriptor;

/* Every structure valid and current. */
static int setup_probe(void **state)
{
	(void)state;
	probe_protos[0] = (struct ebpf_helper_proto){
		.id = EBPF_PROGRAM_TYPE_HELPER_ID_BASE,
		.name = "probe_helper",
		.ret = EBPF_RET_INTEGER,
		.args = { EBPF_ARG_ANYTHING },
	};
	probe_type = (struct ebpf_program_info){
		.header =
		    EBPF_EXTENSION_HEADER(struct ebpf_program_info, EBPF_PROGRAM_INFO_VERSION),
		.name = "probe",
		.program_type = PROBE_TYPE_GUID,
		.sections = probe_sections,
		.section_count = 1,
		.context = { .size = 8, .data = -1, .data_end = -1, .meta = -1 },
		.helpers = probe_protos,
		.helper_addresses = probe_addresses,
		.helper_count = 1,
	};
	probe_hook_data = (struct ebpf_attach_provider_data){
		.header = EBPF_EXTENSION_HEADER(struct ebpf_attach_provider_data,
						EBPF_ATTACH_PROVIDER_DATA_VERSION),
		.name = "probe_hook",
		.attach_type = PROBE_HOOK_GUID,
		.program_type = PROBE_TYPE_GUID,
	};
	probe_registration = (struct ebpf_extension_registration){
		.header = EBPF_EXTENSION_HEADER(struct ebpf_extension_registration,
						EBPF_EXTENSION_REGISTRATION_VERSION),
		.module_id = PROBE_MODULE_ID,
		.program_types = probe_types,
		.program_type_count = 1,
		.hooks = probe_hooks,
		.hook_count = 1,
	};
	probe_descriptor = ebpf_extension_probe;
	return 0;
}

/* Why the last try_probe failed. */
static char refusal[512];

/* Adds the probe: on success unloads it again and returns 0; else the error, nothing left. */
static int try_probe(void)
{
	struct ebpf_extension *ext = NULL;
	struct ebpf_program *prog = NULL;
	struct ebpf_inst ret0[] = PROG_RETURN(0);
	int err = ebpf_extension_add_static(&probe_descriptor, &ext);

	if (err) {
		snprintf(refusal, sizeof(refusal), "%s", ebpf_last_error());
		/* Nothing of it stays registered. */
		assert_null(ext);
		assert_int_equal(ebpf_program_load_raw("probe", ret0, 2, NULL, &prog), -ESRCH);
		return err;
	}
	assert_int_equal(ebpf_program_load_raw("probe", ret0, 2, NULL, &prog), 0);
	ebpf_program_release(prog);
	assert_int_equal(ebpf_extension_unload(ext), 0);
	return 0;
}

/* The probe is refused with -EINVAL and a message holding every word given (NULL ends). */
static void assert_refused(const char *first, ...)
{
	va_list ap;

	assert_int_equal(try_probe(), -EINVAL);
	va_start(ap, first);
	for (const char *w = first; w; w = va_arg(ap, const char *)) {
		if (!strstr(refusal, w))
			fail_msg("message '%s' lacks '%s'", refusal, w);
	}
	va_end(ap);
}

static void test_probe_valid_loads(void **state)
{
	(void)state;
	assert_int_equal(try_probe(), 0);
}

/* Each size version 1 of the program information ever had is still read. */
static void test_program_info_v1_sizes_accepted(void **state)
{
	const size_t ends[] = {
		offsetof(struct ebpf_program_info, context_create),
		offsetof(struct ebpf_program_info, context_pointers),
		offsetof(struct ebpf_program_info, btf),
	};

	(void)state;
	for (size_t i = 0; i < sizeof(ends) / sizeof(ends[0]); i++) {
		probe_type.header.version = 1;
		probe_type.header.size = (uint16_t)((ends[i] + 7) & ~(size_t)7);
		assert_int_equal(try_probe(), 0);
	}
	/* And version 2's, with the BTF pointer. */
	probe_type.header.version = 2;
	probe_type.header.size =
	    (offsetof(struct ebpf_program_info, section_size) + 7) & ~(size_t)7;
	assert_int_equal(try_probe(), 0);
}

static void test_program_info_unknown_version(void **state)
{
	(void)state;
	probe_type.header.version = 99;
	assert_refused("extension 'probe'", "struct ebpf_program_info", "unknown version 99", NULL);
	probe_type.header.version = 0;
	assert_refused("extension 'probe'", "struct ebpf_program_info", "unknown version 0", NULL);
}

static void test_program_info_unknown_size(void **state)
{
	const uint16_t sizes[] = { 0,
				   4,
				   8,
				   sizeof(struct ebpf_program_info) - 8,
				   sizeof(struct ebpf_program_info) + 8,
				   0xffff };

	(void)state;
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		probe_type.header.size = sizes[i];
		assert_refused("extension 'probe'", "struct ebpf_program_info", "unknown size",
			       NULL);
	}
	/* A size of another version is no size of this one. */
	probe_type.header.version = 1;
	probe_type.header.size = sizeof(struct ebpf_program_info);
	assert_refused("struct ebpf_program_info version 1", "unknown size", NULL);
}

static void test_program_type_unknown_flags(void **state)
{
	(void)state;
	probe_type.flags = 1u << 31;
	assert_refused("extension 'probe'", "program type 'probe'", "program type flags",
		       "0x80000000", NULL);
	probe_type.flags = EBPF_PROGRAM_TYPE_PACKET_READ_ONLY | (1u << 2);
	assert_refused("program type flags", "bits 0x4", NULL);
}

static void test_helper_unknown_flags(void **state)
{
	(void)state;
	probe_protos[0].flags = EBPF_HELPER_CHANGES_PACKET | EBPF_HELPER_GPL_ONLY | (1u << 9);
	assert_refused("extension 'probe'", "program type 'probe'", "helper flags", "0x200", NULL);
}

static void test_attach_provider_data_refused(void **state)
{
	(void)state;
	probe_hook_data.header.version = 3;
	assert_refused("extension 'probe'", "hook 0", "struct ebpf_attach_provider_data",
		       "unknown version 3", NULL);
	probe_hook_data.header.version = EBPF_ATTACH_PROVIDER_DATA_VERSION;
	probe_hook_data.header.size = 8;
	assert_refused("struct ebpf_attach_provider_data", "unknown size 8", NULL);
	/* Version 2's size under version 1, version 1's under version 2: neither ever existed. */
	probe_hook_data.header.version = 1;
	probe_hook_data.header.size = sizeof(probe_hook_data);
	assert_refused("struct ebpf_attach_provider_data", "version 1 has unknown size", NULL);
	probe_hook_data.header.version = 2;
	probe_hook_data.header.size = offsetof(struct ebpf_attach_provider_data, params_size_max);
	assert_refused("struct ebpf_attach_provider_data", "version 2 has unknown size", NULL);
}

/* A hook of version 1 (ending at params_size) still registers, its new fields read as 0. */
static void test_attach_provider_data_v1_accepted(void **state)
{
	const size_t end = offsetof(struct ebpf_attach_provider_data, params_size_max);
	const size_t align = _Alignof(struct ebpf_attach_provider_data);

	(void)state;
	probe_hook_data.header.version = 1;
	probe_hook_data.header.size = (uint16_t)((end + align - 1) / align * align);
	/* What lies past version 1's last field (padding, then what is not the extension's) must
	 * not be read: a maximum below the minimum would be refused. */
	probe_hook_data.params_size = 4;
	probe_hook_data.params_size_max = 1;
	probe_hook_data.chain_policy = 99;
	assert_int_equal(try_probe(), 0);
}

static void test_registration_refused(void **state)
{
	(void)state;
	probe_registration.header.version = 7;
	assert_refused("extension 'probe'", "struct ebpf_extension_registration",
		       "unknown version 7", NULL);
	probe_registration.header.version = EBPF_EXTENSION_REGISTRATION_VERSION;
	probe_registration.header.size -= 8;
	assert_refused("struct ebpf_extension_registration", "unknown size", NULL);
}

static void test_descriptor_refused(void **state)
{
	(void)state;
	probe_descriptor.header.version = 3;
	assert_refused("extension", "struct ebpf_extension_descriptor", "unknown version 3", NULL);
	probe_descriptor.header.version = EBPF_EXTENSION_DESCRIPTOR_VERSION;
	probe_descriptor.header.size = 2;
	assert_refused("struct ebpf_extension_descriptor", "unknown size 2", NULL);
}

/* ---- version 3: element sizes and the context by pointer ---------------------------------- */

static const struct ebpf_context_range probe_writable[] = { { .offset = 4, .size = 4 } };
static struct ebpf_context_info probe_context;

/* The probe in version 3 form: context_info instead of the embedded context. */
static void use_context_info(void)
{
	probe_context = (struct ebpf_context_info){
		.header =
		    EBPF_EXTENSION_HEADER(struct ebpf_context_info, EBPF_CONTEXT_INFO_VERSION),
		.size = 8,
		.data = -1,
		.data_end = -1,
		.meta = -1,
		.writable = probe_writable,
		.writable_count = 1,
		.writable_size = sizeof(struct ebpf_context_range),
	};
	probe_type.context = (struct ebpf_context_descriptor){ 0 };
	probe_type.context_info = &probe_context;
	probe_type.section_size = sizeof(struct ebpf_section_prefix);
	probe_type.helper_proto_size = sizeof(struct ebpf_helper_proto);
}

/* The context given by pointer is the one the verifier checks programs against. */
static void test_context_info_is_the_context(void **state)
{
	struct ebpf_inst write_out[] = { MOV64_IMM(2, 1), STXW(1, 2, 4), MOV64_IMM(0, 0), EXIT() };
	struct ebpf_inst write_in[] = { MOV64_IMM(2, 1), STXW(1, 2, 0), MOV64_IMM(0, 0), EXIT() };
	struct ebpf_inst beyond[] = { LDXW(0, 1, 8), EXIT() };
	struct ebpf_extension *ext = NULL;
	struct ebpf_program *prog = NULL;

	(void)state;
	use_context_info();
	assert_int_equal(ebpf_extension_add_static(&probe_descriptor, &ext), 0);
	assert_int_equal(ebpf_program_load_raw("probe", write_out, 4, NULL, &prog), 0);
	ebpf_program_release(prog);
	prog = NULL;
	assert_int_equal(ebpf_program_load_raw("probe", write_in, 4, NULL, &prog), -EACCES);
	assert_int_equal(ebpf_program_load_raw("probe", beyond, 2, NULL, &prog), -EACCES);
	assert_null(prog);
	/* Element sizes of 0 are the first layout: what an extension built before them has. */
	assert_int_equal(ebpf_extension_unload(ext), 0);
	probe_type.section_size = 0;
	probe_type.helper_proto_size = 0;
	probe_context.writable_size = 0;
	assert_int_equal(try_probe(), 0);
}

static void test_context_given_twice(void **state)
{
	(void)state;
	use_context_info();
	probe_type.context.size = 8;
	assert_refused("extension 'probe'", "program type 'probe'", "both context and context_info",
		       NULL);
	use_context_info();
	probe_type.context_pointers.data = 16;
	assert_refused("both context and context_info", NULL);
}

static void test_context_info_refused(void **state)
{
	(void)state;
	use_context_info();
	probe_context.header.version = 3;
	assert_refused("extension 'probe'", "program type 'probe'", "struct ebpf_context_info",
		       "unknown version 3", NULL);
	use_context_info();
	probe_context.header.size -= 8;
	assert_refused("struct ebpf_context_info", "unknown size", NULL);
}

static void test_element_sizes_refused(void **state)
{
	(void)state;
	use_context_info();
	probe_type.helper_proto_size = sizeof(struct ebpf_helper_proto) + 8;
	assert_refused("extension 'probe'", "program type 'probe'", "helpers array",
		       "unknown element size", NULL);
	use_context_info();
	probe_type.section_size = 8;
	assert_refused("sections array", "unknown element size 8", NULL);
	use_context_info();
	probe_context.writable_size = 4;
	assert_refused("writable array", "unknown element size 4", NULL);
}

/* ---- context_info version 2: readable fields and the pointers they hold --------------------- */

static struct ebpf_context_field probe_fields[2];

/* A 16-byte context: a __u32 at 0 (narrow loads too), a pointer to 16 bytes at 8. */
static void use_context_fields(void)
{
	use_context_info();
	probe_context.size = 16;
	probe_fields[0] = (struct ebpf_context_field){
		.offset = 0, .size = 4, .width = 4, .flags = EBPF_CTX_FIELD_NARROW
	};
	probe_fields[1] = (struct ebpf_context_field){
		.offset = 8, .size = 8, .width = 8, .pointer = EBPF_CTX_PTR_MEM, .pointee_size = 16
	};
	probe_context.fields = probe_fields;
	probe_context.field_count = 2;
	probe_context.field_size = sizeof(struct ebpf_context_field);
}

static int fields_probe_load(const struct ebpf_inst *insns, uint32_t count)
{
	struct ebpf_program *prog = NULL;
	int err = ebpf_program_load_raw("probe", insns, count, NULL, &prog);

	ebpf_program_release(prog);
	return err;
}

/* Loads are checked against the fields; a pointer field gives memory of its size. */
static void test_context_fields_rule_reads(void **state)
{
	struct ebpf_inst whole[] = { LDXW(0, 1, 0), EXIT() };
	struct ebpf_inst narrow[] = { LDXB(0, 1, 3), EXIT() };
	struct ebpf_inst gap[] = { LDXW(0, 1, 4), EXIT() };
	struct ebpf_inst half_ptr[] = { LDXW(0, 1, 12), EXIT() };
	struct ebpf_inst through[] = { LDXDW(2, 1, 8), LDXW(0, 2, 12), EXIT() };
	struct ebpf_inst past[] = { LDXDW(2, 1, 8), LDXW(0, 2, 16), EXIT() };
	struct ebpf_extension *ext = NULL;

	(void)state;
	use_context_fields();
	assert_int_equal(ebpf_extension_add_static(&probe_descriptor, &ext), 0);
	assert_int_equal(fields_probe_load(whole, 2), 0);
	assert_int_equal(fields_probe_load(narrow, 2), 0);
	assert_int_equal(fields_probe_load(through, 3), 0);
	assert_int_equal(fields_probe_load(gap, 2), -EACCES);
	assert_non_null(strstr(ebpf_last_error(),
			       "program type 'probe' may not read context offset 4 (size 4)"));
	assert_int_equal(fields_probe_load(half_ptr, 2), -EACCES);
	assert_non_null(strstr(ebpf_last_error(), "may not read context offset 12 (size 4)"));
	assert_int_equal(fields_probe_load(past, 3), -EACCES);
	assert_non_null(strstr(ebpf_last_error(), "memory the context points to"));
	assert_int_equal(ebpf_extension_unload(ext), 0);
}

/* Version 1 (ending at `pointers`) still registers; what lies after it is never read. */
static void test_context_info_v1_reads_everything(void **state)
{
	struct ebpf_inst gap[] = { LDXW(0, 1, 4), EXIT() };
	struct ebpf_extension *ext = NULL;

	(void)state;
	use_context_fields();
	probe_context.header.version = 1;
	probe_context.header.size = offsetof(struct ebpf_context_info, fields);
	probe_context.field_size = 3; /* not the extension's: must not be looked at */
	assert_int_equal(ebpf_extension_add_static(&probe_descriptor, &ext), 0);
	assert_int_equal(fields_probe_load(gap, 2), 0);
	assert_int_equal(ebpf_extension_unload(ext), 0);
}

static void test_context_fields_refused(void **state)
{
	static const struct ebpf_context_range over_pointer[] = { { .offset = 8, .size = 4 } };

	(void)state;
	use_context_fields();
	probe_context.field_size = 4;
	assert_refused("extension 'probe'", "program type 'probe'", "fields array",
		       "unknown element size 4", NULL);
	use_context_fields();
	probe_fields[0].size = 20;
	assert_refused("context field #0 (offset 0, size 20) lies outside the context", NULL);
	use_context_fields();
	probe_fields[0].width = 3;
	assert_refused("context field #0", "width", NULL);
	use_context_fields();
	probe_fields[0].flags = 0x10;
	assert_refused("context field #0", "unknown flag bits", NULL);
	use_context_fields();
	probe_fields[1].pointer = 99;
	assert_refused("context field #1", "unknown pointer kind", NULL);
	use_context_fields();
	probe_fields[1].width = 4;
	assert_refused("context field #1", "8 bytes at a multiple of 8, read whole", NULL);
	use_context_fields();
	probe_fields[1].pointee_size = 0;
	assert_refused("context field #1", "memory of size 0", NULL);
	use_context_fields();
	probe_fields[0] = (struct ebpf_context_field){ .offset = 8, .size = 4, .width = 4 };
	assert_refused("context field #1", "another field overlaps it", NULL);
	use_context_fields();
	probe_context.writable = over_pointer;
	assert_refused("context field #1", "a writable range covers it", NULL);
	use_context_fields();
	probe_context.fields = NULL;
	assert_refused("2 context fields declared without the array", NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_frozen_extension_runs, teardown),
		cmocka_unit_test_teardown(test_frozen_extension_rules_hold, teardown),
		cmocka_unit_test_setup_teardown(test_probe_valid_loads, setup_probe, teardown),
		cmocka_unit_test_setup_teardown(test_program_info_v1_sizes_accepted, setup_probe,
						teardown),
		cmocka_unit_test_setup_teardown(test_program_info_unknown_version, setup_probe,
						teardown),
		cmocka_unit_test_setup_teardown(test_program_info_unknown_size, setup_probe,
						teardown),
		cmocka_unit_test_setup_teardown(test_program_type_unknown_flags, setup_probe,
						teardown),
		cmocka_unit_test_setup_teardown(test_helper_unknown_flags, setup_probe, teardown),
		cmocka_unit_test_setup_teardown(test_attach_provider_data_refused, setup_probe,
						teardown),
		cmocka_unit_test_setup_teardown(test_attach_provider_data_v1_accepted, setup_probe,
						teardown),
		cmocka_unit_test_setup_teardown(test_registration_refused, setup_probe, teardown),
		cmocka_unit_test_setup_teardown(test_context_fields_rule_reads, setup_probe,
						teardown),
		cmocka_unit_test_setup_teardown(test_context_info_v1_reads_everything, setup_probe,
						teardown),
		cmocka_unit_test_setup_teardown(test_context_fields_refused, setup_probe, teardown),
		cmocka_unit_test_setup_teardown(test_descriptor_refused, setup_probe, teardown),
		cmocka_unit_test_setup_teardown(test_context_info_is_the_context, setup_probe,
						teardown),
		cmocka_unit_test_setup_teardown(test_context_given_twice, setup_probe, teardown),
		cmocka_unit_test_setup_teardown(test_context_info_refused, setup_probe, teardown),
		cmocka_unit_test_setup_teardown(test_element_sizes_refused, setup_probe, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
