// SPDX-License-Identifier: MIT
/*
 * CO-RE relocation (src/loader/core_relo.c, the core's choice of target BTF): programs compiled
 * against their own definitions of the types (progs/core_local.h) run against another layout
 * (core_target.h, whose BTF progs/core_target.bpf.o carries). Every relocation kind is checked
 * by running the program on an input in the target's layout and comparing with what the host
 * compiler says about that layout; unresolvable relocations, malformed .BTF.ext records and a
 * missing target are refused with what and where; a kprobe program is relocated against this
 * machine's kernel BTF (skipped where /sys/kernel/btf/vmlinux is absent).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cmocka.h>
#include <gelf.h>
#include <libelf.h>
#include <linux/bpf.h>

#include <bpf/btf.h>
#include <extbpf/extbpf.h>
#include <extbpf/extension.h>

#include "core/core.h"
#include "core_target.h"
#include "linux/linux_ext.h"
#include "sample/sample_ext.h"
#include "loader/loader.h"
#include "test_files.h"

#define TYPE_MODULE_ID NMR_GUID(0xc0bec0be, 0x0001, 0x4000, 0x8000, 0x000000000000)
#define TYPE_GUID      NMR_GUID(0xc0bec0be, 0x0001, 0x4000, 0x8000, 0x000000000001)

/* ---- A program type without BTF of its own: its programs relocate against the "kernel's" */

static int ctx_create(const void *data_in, size_t data_size_in, const void *ctx_in,
		      size_t ctx_size_in, void **ctx)
{
	(void)data_in, (void)data_size_in, (void)ctx_in, (void)ctx_size_in;
	*ctx = calloc(1, 8);
	return *ctx ? 0 : -ENOMEM;
}

static void ctx_destroy(void *ctx, void *data_out, size_t *data_size_out, void *ctx_out,
			size_t *ctx_size_out)
{
	(void)data_out, (void)ctx_out;
	*data_size_out = 0;
	*ctx_size_out = 0;
	free(ctx);
}

static const struct ebpf_section_prefix test_sections[] = { { .prefix = "core_test" } };

static const struct ebpf_program_info test_type = {
	.header = EBPF_EXTENSION_HEADER(struct ebpf_program_info, EBPF_PROGRAM_INFO_VERSION),
	.name = "core_test",
	.program_type = TYPE_GUID,
	.sections = test_sections,
	.section_count = 1,
	.context = { .size = 8, .data = -1, .data_end = -1, .meta = -1 },
	.context_create = ctx_create,
	.context_destroy = ctx_destroy,
};

static const struct ebpf_program_info *const test_types[] = { &test_type };

static const struct ebpf_extension_registration test_registration = {
	.header = EBPF_EXTENSION_HEADER(struct ebpf_extension_registration,
					EBPF_EXTENSION_REGISTRATION_VERSION),
	.module_id = TYPE_MODULE_ID,
	.program_types = test_types,
	.program_type_count = 1,
};

static int test_load(nmr_registrar_t *registrar, void **state)
{
	return ebpf_extension_register(registrar, &test_registration,
				       (struct ebpf_extension_providers **)state);
}

static void test_unload(void *state)
{
	ebpf_extension_deregister(state);
}

EBPF_EXTENSION_DEFINE(core_test, "CO-RE test program type", test_load, test_unload)

static int setup(void **state)
{
	(void)state;
	if (ebpf_extension_add_static(&ebpf_extension_core_test, NULL) ||
	    ebpf_extension_add_static(&ebpf_extension_linux, NULL) ||
	    ebpf_extension_add_static(&ebpf_extension_sample, NULL))
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ebpf_runtime_shutdown();
	return 0;
}

/* ---- Helpers ----------------------------------------------------------------------------- */

static const char *path_of(const char *name)
{
	static char path[2][4096];
	static int which;

	which ^= 1;
	snprintf(path[which], sizeof(path[which]), "%s/%s", PROGS_DIR, name);
	return path[which];
}

static int open_with(const char *name, const void *image, size_t size, const char *btf_path,
		     bool verify_only, struct ebpf_object **obj)
{
	struct ebpf_object_open_opts opts = {
		.sz = sizeof(opts),
		.mode = EBPF_MODE_INTERP,
		.verify_only = verify_only,
		.btf_path = btf_path,
	};

	if (image)
		return ebpf_object_open_mem(image, size, name, &opts, obj);
	return ebpf_object_open(path_of(name), &opts, obj);
}

/* Runs the object's only program on input (in the target's layout) and reads its results. */
static void run(struct ebpf_object *obj, const struct core_s *input, uint64_t *results,
		size_t count)
{
	struct ebpf_test_run_opts topts = { .sz = sizeof(topts) };
	struct ebpf_map *in = ebpf_object_find_map(obj, "input");
	struct ebpf_map *bss = ebpf_object_find_map(obj, ".bss");
	uint8_t value[256] = { 0 };
	uint32_t key = 0;

	assert_non_null(bss);
	if (input) {
		assert_non_null(in);
		memcpy(value, input, sizeof(*input));
		assert_int_equal(ebpf_map_update_elem(in, &key, value, EBPF_ANY), 0);
	}
	assert_int_equal(ebpf_program_test_run(ebpf_object_next_program(obj, NULL), &topts), 0);
	assert_int_equal(topts.retval, 0);
	assert_int_equal(ebpf_map_lookup_elem(bss, &key, value), 0);
	memcpy(results, value, count * sizeof(*results));
}

static struct btf *read_btf(const char *name)
{
	struct btf *btf = btf__parse(path_of(name), NULL);

	assert_non_null(btf);
	return btf;
}

/* Where a section of an ELF image is. */
static uint8_t *section_of(uint8_t *image, size_t size, const char *name, size_t *sec_size)
{
	Elf *elf;
	Elf_Scn *scn = NULL;
	size_t shstrndx;
	uint8_t *found = NULL;

	assert_int_not_equal(elf_version(EV_CURRENT), EV_NONE);
	elf = elf_memory((char *)image, size);
	assert_non_null(elf);
	assert_int_equal(elf_getshdrstrndx(elf, &shstrndx), 0);
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;

		assert_non_null(gelf_getshdr(scn, &sh));
		if (!strcmp(elf_strptr(elf, shstrndx, sh.sh_name), name)) {
			found = image + sh.sh_offset;
			*sec_size = sh.sh_size;
		}
	}
	elf_end(elf);
	assert_non_null(found);
	return found;
}

/* The CO-RE records of an image, in file order (libbpf's .BTF.ext layout). */
static struct bpf_core_relo *core_records(uint8_t *image, size_t size, size_t *count)
{
	size_t ext_size;
	uint8_t *ext = section_of(image, size, ".BTF.ext", &ext_size);
	uint32_t hdr_len, off, len, rec_size, n;
	uint8_t *p, *end;

	memcpy(&hdr_len, ext + 4, 4);
	memcpy(&off, ext + 24, 4);
	memcpy(&len, ext + 28, 4);
	assert_true(hdr_len >= 32 && len > 0);
	p = ext + hdr_len + off;
	end = p + len;
	memcpy(&rec_size, p, 4);
	assert_int_equal(rec_size, sizeof(struct bpf_core_relo));
	p += 4;
	/* One section's block: the programs of these tests live in one section each. */
	memcpy(&n, p + 4, 4);
	*count = n;
	assert_true(p + 8 + *count * rec_size <= end);
	return (struct bpf_core_relo *)(p + 8);
}

/* ---- Every relocation kind, run ---------------------------------------------------------- */

static void fill_input(struct core_s *s)
{
	memset(s, 0, sizeof(*s));
	s->lead = 0x1111;
	s->small = 70000; /* more than the programs' unsigned short holds: the load widened */
	s->x = -12345;
	s->in.a = 31;
	s->in.b = 42;
	s->pad_bits = 0x55;
	s->flag = 5;
	s->sflag = -5;
	for (int i = 0; i < 6; i++)
		s->arr[i] = 100 + i;
	s->u2 = 0x123456789abcLL;
}

static uint32_t struct_id(const struct btf *btf, const char *name)
{
	int id = btf__find_by_name_kind(btf, name, BTF_KIND_STRUCT);

	assert_true(id > 0);
	return (uint32_t)id;
}

/* The bit size of a bitfield member of a struct, from BTF. */
static uint32_t bitfield_size(const struct btf *btf, const char *type, const char *member)
{
	const struct btf_type *t = btf__type_by_id(btf, struct_id(btf, type));
	const struct btf_member *m = btf_members(t);

	for (uint16_t i = 0; i < btf_vlen(t); i++) {
		if (!strcmp(btf__name_by_offset(btf, m[i].name_off), member))
			return btf_member_bitfield_size(t, i);
	}
	fail_msg("no member %s in %s", member, type);
	return 0;
}

static void test_every_kind(void **state)
{
	struct btf *target = read_btf("core_target.bpf.o");
	struct btf *local = read_btf("core_kinds.bpf.o");
	struct ebpf_object *obj;
	struct core_s s;
	uint64_t r[29];

	(void)state;
	fill_input(&s);
	if (open_with("core_kinds.bpf.o", NULL, 0, path_of("core_target.bpf.o"), false, &obj))
		fail_msg("%s", ebpf_last_error());
	run(obj, &s, r, 29);
	/* field byte offsets: moved, through nested structs, arrays and anonymous unions */
	assert_int_equal((int64_t)r[0], s.x);
	assert_int_equal(r[1], s.small); /* a load of the target's wider unsigned field */
	assert_int_equal(r[2], s.in.a);
	assert_int_equal(r[3], s.in.b);
	assert_int_equal(r[4], s.arr[2]);
	assert_int_equal(r[5], s.u2);
	/* bitfields: byte offset, size, signedness and shifts of the target's */
	assert_int_equal(r[6], s.flag);
	assert_int_equal((int64_t)r[7], s.sflag);
	assert_int_equal(r[26], 64 - bitfield_size(target, "core_s", "flag"));
	/* existence, sizes, offsets, signedness */
	assert_int_equal(r[8], 0);
	assert_int_equal(r[9], 1);
	assert_int_equal(r[10], sizeof(s.arr));
	assert_int_equal(r[11], offsetof(struct core_s, in));
	assert_int_equal(r[12], 1);
	assert_int_equal(r[13], 0);
	/* types */
	assert_int_equal(r[14], 1);
	assert_int_equal(r[15], 0);
	assert_int_equal(r[16], sizeof(struct core_s));
	assert_int_equal(r[17], struct_id(target, "core_s"));
	assert_int_equal(r[18], struct_id(local, "core_s"));
	assert_int_not_equal(r[17], r[18]); /* the two BTFs number differently */
	/* enum values */
	assert_int_equal(r[19], 0);
	assert_int_equal(r[20], 1);
	assert_int_equal(r[21], CORE_B);
	/* a flavour (core_s___v2) is the same struct; its extra member does not exist */
	assert_int_equal((int64_t)r[22], s.x);
	assert_int_equal(r[23], 0);
	/* code behind a failed existence check was poisoned and never ran */
	assert_int_equal(r[24], 7);
	assert_int_equal(r[27], 5);
	/* __builtin_preserve_access_index() on a type without the attribute, through a flavour */
	assert_int_equal(r[28], s.in.a);
	ebpf_object_close(obj);
	btf__free(target);
	btf__free(local);
}

/* The same object against another target gives that target's answers. */
static void test_target_decides(void **state)
{
	struct ebpf_object *obj;
	uint64_t r[3];

	(void)state;
	if (open_with("core_typematch.bpf.o", NULL, 0, path_of("core_typematch.bpf.o"), false,
		      &obj))
		fail_msg("%s", ebpf_last_error());
	run(obj, NULL, r, 3);
	assert_int_equal(r[2], 1); /* struct core_nowhere exists in the object's own BTF */
	ebpf_object_close(obj);
	if (open_with("core_typematch.bpf.o", NULL, 0, path_of("core_target.bpf.o"), false, &obj))
		fail_msg("%s", ebpf_last_error());
	run(obj, NULL, r, 3);
	assert_int_equal(r[2], 0);
	ebpf_object_close(obj);
}

/* ---- Type matches (records rewritten: clang 14 cannot emit them) ------------------------- */

static void typematch_run(uint8_t *image, size_t size, uint64_t *r)
{
	struct ebpf_object *obj;

	if (open_with("core_typematch", image, size, path_of("core_target.bpf.o"), false, &obj))
		fail_msg("%s", ebpf_last_error());
	run(obj, NULL, r, 3);
	ebpf_object_close(obj);
}

static void test_type_matches(void **state)
{
	size_t size, count;
	uint8_t *image = test_read_file(path_of("core_typematch.bpf.o"), &size);
	struct bpf_core_relo *rec = core_records(image, size, &count);
	uint64_t r[3];

	(void)state;
	typematch_run(image, size, r);
	assert_int_equal(r[0], 1); /* exists */
	assert_int_equal(r[1], 1); /* exists, with another member type */
	assert_int_equal(r[2], 0);
	assert_int_equal(count, 3);
	for (size_t i = 0; i < count; i++) {
		assert_int_equal(rec[i].kind, BPF_CORE_TYPE_EXISTS);
		rec[i].kind = BPF_CORE_TYPE_MATCHES;
	}
	typematch_run(image, size, r);
	assert_int_equal(r[0], 1); /* its members a and b are ints in the target too */
	assert_int_equal(r[1], 0); /* x is a char here, an int there */
	assert_int_equal(r[2], 0);
	free(image);
}

/* ---- Refusals ---------------------------------------------------------------------------- */

static void expect_refused(const char *name, const void *image, size_t size, const char *btf,
			   int err, const char *const *needles)
{
	struct ebpf_object *obj = NULL;
	int ret = open_with(name, image, size, btf, true, &obj);

	if (!ret)
		ebpf_object_close(obj);
	assert_int_equal(ret, err);
	for (; *needles; needles++) {
		if (!strstr(ebpf_last_error(), *needles))
			fail_msg("message '%s' lacks '%s'", ebpf_last_error(), *needles);
	}
}

/* Two flavours of one struct in the target are candidates with different answers. */
static void test_ambiguous(void **state)
{
	static const char *const needles[] = { "core_kinds",
					       "ambiguous: target types named 'core_s'", NULL };

	(void)state;
	expect_refused("core_kinds.bpf.o", NULL, 0, path_of("core_kinds.bpf.o"), -EINVAL, needles);
}

static void test_poisoned_reached(void **state)
{
	static const char *const needles[] = { "program 'core_poisoned' refused",
					       "invalid helper 0xbad2310",
					       "CO-RE relocation #0 (field byte offset of "
					       "'struct core_s' field 'gone')",
					       "core_poisoned.bpf.c:17", NULL };

	(void)state;
	expect_refused("bad/core_poisoned.bpf.o", NULL, 0, path_of("core_target.bpf.o"), -EACCES,
		       needles);
}

/* Each malformed record of .BTF.ext is refused at open, naming the section and what is wrong;
 * the records that parse but cannot apply are refused as the program is relocated. */
static void test_malformed_records(void **state)
{
	static const struct {
		uint32_t field; /* 0 insn_off, 1 type_id, 2 access_str_off, 3 kind */
		uint32_t value;
		int err;
		const char *needle;
	} cases[] = {
		{ 0, 1u << 30, -EINVAL,
		  "core_relo: section 'core_test' record 0: instruction "
		  "offset 1073741824 is not an instruction" },
		{ 0, 3, -EINVAL, "instruction offset 3 is not an instruction" },
		{ 1, 0xfffff, -EINVAL, "type id 1048575 is not a type of the object's BTF" },
		{ 2, 0x7fffffff, -EINVAL, "access string offset 2147483647 out of range" },
		{ 3, 13, -EINVAL, "unknown relocation kind 13" },
		{ 3, 99, -EINVAL, "unknown relocation kind 99" },
	};
	size_t size, count;
	uint8_t *image = test_read_file(path_of("core_kinds.bpf.o"), &size);
	struct bpf_core_relo *rec = core_records(image, size, &count);
	struct bpf_core_relo saved = rec[0];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *needles[] = { "core_kinds", cases[i].needle, NULL };

		((uint32_t *)&rec[0])[cases[i].field] = cases[i].value;
		expect_refused("core_kinds", image, size, path_of("core_target.bpf.o"),
			       cases[i].err, needles);
		rec[0] = saved;
	}
	free(image);
}

/* Records that parse but do not fit the types or the instruction. */
static void test_unfit_records(void **state)
{
	size_t size, count, i, j;
	uint8_t *image = test_read_file(path_of("core_kinds.bpf.o"), &size);
	struct bpf_core_relo *rec = core_records(image, size, &count);
	struct btf *local = read_btf("core_kinds.bpf.o");
	uint32_t type_access;
	const char *s_name = "core_s";
	uint32_t name_off = 0;

	(void)state;
	/* An access string that is no access string: the type's own name. */
	name_off = btf__type_by_id(local, struct_id(local, s_name))->name_off;
	for (i = 0; i < count && rec[i].kind != BPF_CORE_FIELD_BYTE_OFFSET; i++)
		;
	assert_true(i < count);
	for (j = 0; j < count && rec[j].kind != BPF_CORE_TYPE_SIZE; j++)
		;
	assert_true(j < count);
	type_access = rec[j].access_str_off; /* "0" */
	{
		struct bpf_core_relo saved = rec[i];
		const char *bad_access[] = { "access string 'core_s' does not fit type", NULL };
		const char *past_end[] = { "access string", "does not fit type", NULL };
		const char *wrong_kind[] = { "CO-RE relocation #", "only byte offsets apply there",
					     NULL };

		rec[i].access_str_off = name_off;
		expect_refused("core_kinds", image, size, path_of("core_target.bpf.o"), -EINVAL,
			       bad_access);
		rec[i] = saved;
		/* "0:99": a member index past the struct's members */
		rec[i].type_id = struct_id(local, "core_inner");
		rec[i].access_str_off =
		    btf__type_by_id(local, struct_id(local, "core_s"))->name_off;
		expect_refused("core_kinds", image, size, path_of("core_target.bpf.o"), -EINVAL,
			       past_end);
		rec[i] = saved;
		/* a type size on a load: only offsets can patch a load's offset */
		rec[i].kind = BPF_CORE_TYPE_SIZE;
		rec[i].access_str_off = type_access;
		expect_refused("core_kinds", image, size, path_of("core_target.bpf.o"), -EINVAL,
			       wrong_kind);
		rec[i] = saved;
	}
	btf__free(local);
	free(image);
}

/* Random bytes flipped in the object's .BTF.ext (its CO-RE records) or .BTF (the types they
 * name): every open ends in a verdict or an error, never a crash (run under ASan and UBSan). */
static void flip_section(const char *name, int rounds)
{
	size_t size, sec_size;
	uint8_t *image = test_read_file(path_of("core_kinds.bpf.o"), &size);
	uint8_t *copy = malloc(size);
	size_t sec_off = (size_t)(section_of(image, size, name, &sec_size) - image);
	unsigned int seed = 12345;

	assert_non_null(copy);
	for (int round = 0; round < rounds; round++) {
		struct ebpf_object *obj = NULL;

		memcpy(copy, image, size);
		for (int k = 0; k < 1 + round % 4; k++)
			copy[sec_off + (size_t)rand_r(&seed) % sec_size] ^=
			    (uint8_t)(1u << (rand_r(&seed) % 8));
		if (!open_with("flipped", copy, size, path_of("core_target.bpf.o"), true, &obj))
			ebpf_object_close(obj);
		else
			assert_true(ebpf_last_error()[0] != '\0');
	}
	free(copy);
	free(image);
}

static void test_flipped(void **state)
{
	(void)state;
	flip_section(".BTF.ext", 300);
	flip_section(".BTF", 300);
}

static void test_no_target(void **state)
{
	static const char *const missing[] = { "/nonexistent/vmlinux", "No such file", NULL };
	static const char *const not_btf[] = { "neither raw BTF nor an ELF file with BTF", NULL };
	static const char *const no_section[] = { "the ELF file has no .BTF section", NULL };

	(void)state;
	expect_refused("core_kinds.bpf.o", NULL, 0, "/nonexistent/vmlinux", -ENOENT, missing);
	expect_refused("core_kinds.bpf.o", NULL, 0, "/proc/self/cmdline", -EINVAL, not_btf);
	expect_refused("core_kinds.bpf.o", NULL, 0, "/proc/self/exe", -EINVAL, no_section);
}

/* ---- The kernel's BTF -------------------------------------------------------------------- */

static void test_kernel_btf(void **state)
{
	struct ebpf_object_open_opts opts = { .sz = sizeof(opts), .verify_only = true };
	struct loader_object *lo;
	struct ebpf_object *obj;
	const struct ebpf_inst *insns;
	const struct btf_type *t;
	const struct btf_member *m;
	struct btf *vmlinux;
	char err[256];
	size_t count;
	uint32_t off = UINT32_MAX;

	(void)state;
	if (access("/sys/kernel/btf/vmlinux", R_OK)) {
		print_message("skipped: /sys/kernel/btf/vmlinux is absent\n");
		skip();
	}
	vmlinux = btf__parse("/sys/kernel/btf/vmlinux", NULL);
	assert_non_null(vmlinux);
	t = btf__type_by_id(vmlinux, struct_id(vmlinux, "task_struct"));
	m = btf_members(t);
	for (uint16_t i = 0; i < btf_vlen(t); i++) {
		if (!strcmp(btf__name_by_offset(vmlinux, m[i].name_off), "tgid"))
			off = btf_member_bit_offset(t, i) / 8;
	}
	assert_int_not_equal(off, UINT32_MAX);
	assert_int_equal(loader_open_file(path_of("core_kprobe.bpf.o"), &lo, err, sizeof(err)), 0);
	assert_int_equal(lo->programs[0].core_relo_count, 1);
	if (ebpf_object_open(path_of("core_kprobe.bpf.o"), &opts, &obj))
		fail_msg("%s", ebpf_last_error());
	insns = ebpf_program_insns(ebpf_object_next_program(obj, NULL), &count);
	assert_int_equal(insns[lo->programs[0].core_relos[0].insn].imm, off);
	/* the object's own offset was 4 (pid, then tgid) */
	assert_int_equal(lo->programs[0].insns[lo->programs[0].core_relos[0].insn].imm, 4);
	ebpf_object_close(obj);
	loader_object_free(lo);
	btf__free(vmlinux);
}

/* ---- An extension's own BTF -------------------------------------------------------------- */

/* Runs a sample program on a context whose uid is 7, over 5 bytes of data. */
static void run_sample(const char *name, uint64_t *ret, unsigned int *flags)
{
	struct sample_ctx in = { .uid = 7 }, out = { 0 };
	uint8_t data[5] = { 0 };
	struct ebpf_test_run_opts topts = {
		.sz = sizeof(topts),
		.data_in = data,
		.data_size_in = sizeof(data),
		.ctx_in = &in,
		.ctx_size_in = sizeof(in),
		.ctx_out = &out,
		.ctx_size_out = sizeof(out),
	};
	struct ebpf_object_open_opts opts = { .sz = sizeof(opts), .mode = EBPF_MODE_INTERP };
	struct ebpf_object *obj;

	if (ebpf_object_open(path_of(name), &opts, &obj))
		fail_msg("%s", ebpf_last_error());
	assert_string_equal(ebpf_program_type_name(ebpf_object_next_program(obj, NULL)), "sample");
	assert_int_equal(ebpf_program_test_run(ebpf_object_next_program(obj, NULL), &topts), 0);
	*ret = topts.retval;
	*flags = out.flags;
	ebpf_object_close(obj);
}

/* Two programs compiled against an older and a newer struct sample_ctx both run correctly
 * against the layout the sample extension has now (its published BTF). */
static void test_extension_context_versions(void **state)
{
	uint64_t ret;
	unsigned int flags;

	(void)state;
	run_sample("sample_ctx_old.bpf.o", &ret, &flags);
	assert_int_equal(ret, 7);
	assert_int_equal(flags, 8);
	run_sample("sample_ctx_new.bpf.o", &ret, &flags);
	assert_int_equal(ret, 7 + 5);
	assert_int_equal(flags, 14); /* no priority in this extension: uid * 2 */
}

/* What the extension does not have, a program may not read. */
static void test_extension_missing_field(void **state)
{
	static const char *const needles[] = { "invalid helper 0xbad2310",
					       "'struct sample_ctx' field 'priority'", NULL };
	struct ebpf_object_open_opts opts = { .sz = sizeof(opts), .verify_only = true };
	struct ebpf_object *obj = NULL;

	(void)state;
	assert_int_equal(ebpf_object_open(path_of("bad/sample_ctx_missing.bpf.o"), &opts, &obj),
			 -EACCES);
	for (const char *const *n = needles; *n; n++) {
		if (!strstr(ebpf_last_error(), *n))
			fail_msg("message '%s' lacks '%s'", ebpf_last_error(), *n);
	}
}

/* A program compiled ahead of time (native) was relocated against the type's BTF then: a type
 * publishing other BTF offers another contract, and the compiled program is refused. */
static void test_btf_in_contract(void **state)
{
	static const unsigned char btf_a[] = { 1, 2, 3 }, btf_b[] = { 1, 2, 4 };
	struct ebpf_program_info a = test_type, b = test_type;
	const struct ebpf_program prog = { .insn_count = 0 }; /* calls nothing */

	(void)state;
	assert_int_equal(core_contract_hash(&prog, &a), core_contract_hash(&prog, &b));
	a.btf = btf_a;
	a.btf_size = sizeof(btf_a);
	assert_int_not_equal(core_contract_hash(&prog, &a), core_contract_hash(&prog, &b));
	b.btf = btf_b;
	b.btf_size = sizeof(btf_b);
	assert_int_not_equal(core_contract_hash(&prog, &a), core_contract_hash(&prog, &b));
	b.btf = btf_a;
	assert_int_equal(core_contract_hash(&prog, &a), core_contract_hash(&prog, &b));
}

/* ---- __kconfig externs ------------------------------------------------------------------- */

static const char *write_config(const char *text)
{
	static char path[] = "/tmp/extbpf_kconfig_XXXXXX";
	int fd;

	strcpy(path, "/tmp/extbpf_kconfig_XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

static int open_kconfig(const char *name, const char *config, bool verify_only,
			struct ebpf_object **obj)
{
	struct ebpf_object_open_opts opts = {
		.sz = sizeof(opts),
		.mode = EBPF_MODE_INTERP,
		.verify_only = verify_only,
		.kconfig_path = config,
	};

	return ebpf_object_open(path_of(name), &opts, obj);
}

static uint32_t running_kernel_version(void)
{
	struct utsname u;
	unsigned int a = 0, b = 0, c = 0;

	assert_int_equal(uname(&u), 0);
	assert_true(sscanf(u.release, "%u.%u.%u", &a, &b, &c) >= 2);
	return (a << 16) + (b << 8) + (c > 255 ? 255 : c);
}

static void test_kconfig_values(void **state)
{
	const char *config = write_config("# a kernel .config\n"
					  "CONFIG_TEST_BOOL=y\n"
					  "CONFIG_TEST_TRI=m\n"
					  "# CONFIG_TEST_TRI_NO is not set\n"
					  "CONFIG_TEST_CHAR=m\n"
					  "CONFIG_TEST_INT=-42\n"
					  "CONFIG_TEST_HEX=0x123456789\n"
					  "CONFIG_TEST_STR=\"abcdefghijk\"\n");
	struct ebpf_object *obj;
	uint64_t r[10];

	(void)state;
	if (open_kconfig("kconfig.bpf.o", config, false, &obj))
		fail_msg("%s", ebpf_last_error());
	run(obj, NULL, r, 10);
	assert_int_equal(r[0], running_kernel_version());
	assert_int_equal(r[1], 1);
	assert_int_equal(r[2], 2); /* TRI_MODULE */
	assert_int_equal(r[3], 0);
	assert_int_equal(r[4], 'm');
	assert_int_equal((int64_t)r[5], -42);
	assert_int_equal(r[6], 0x123456789ull);
	assert_int_equal(r[7], 'a' | 'b' << 8 | 'c' << 16);
	assert_int_equal(r[8], 0); /* truncated to 7 characters and a NUL */
	assert_int_equal(r[9], 0); /* weak and absent */
	ebpf_object_close(obj);
	unlink(config);
}

static void test_kconfig_refused(void **state)
{
	static const struct {
		const char *object, *config, *needles[3];
		int err;
	} cases[] = {
		{ "kconfig_required.bpf.o",
		  "CONFIG_OTHER=y\n",
		  { "CONFIG_TEST_REQUIRED", "not set in the kernel configuration", NULL },
		  -ESRCH },
		{ "kconfig_required.bpf.o",
		  "CONFIG_TEST_REQUIRED=\"text\"\n",
		  { "kconfig 'CONFIG_TEST_REQUIRED'", "value '\"text\"' does not fit", NULL },
		  -EINVAL },
		{ "kconfig.bpf.o",
		  "CONFIG_TEST_BOOL=m\n",
		  { "value 'm' for a bool", NULL },
		  -EINVAL },
		{ "kconfig.bpf.o",
		  "CONFIG_TEST_BOOL=y\nCONFIG_TEST_CHAR=300\n",
		  { "'CONFIG_TEST_CHAR'", "does not fit", NULL },
		  -EINVAL },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *config = write_config(cases[i].config);
		struct ebpf_object *obj = NULL;
		int err = open_kconfig(cases[i].object, config, true, &obj);

		if (!err)
			ebpf_object_close(obj);
		assert_int_equal(err, cases[i].err);
		for (const char *const *n = cases[i].needles; *n; n++) {
			if (!strstr(ebpf_last_error(), *n))
				fail_msg("case %zu: '%s' lacks '%s'", i, ebpf_last_error(), *n);
		}
		unlink(config);
	}
}

/* No configuration file where it is said to be: the message names the file. */
static void test_kconfig_missing_file(void **state)
{
	struct ebpf_object *obj = NULL;

	(void)state;
	assert_int_equal(open_kconfig("kconfig_required.bpf.o", "/nonexistent/config", true, &obj),
			 -ENOENT);
	assert_non_null(strstr(ebpf_last_error(), "'/nonexistent/config' cannot be read"));
	assert_non_null(strstr(ebpf_last_error(), "--kconfig"));
}

/* Without a file named, the running kernel's (/proc/config.gz here, gzip). */
static void test_kconfig_running_kernel(void **state)
{
	struct ebpf_object_open_opts opts = { .sz = sizeof(opts), .verify_only = true };
	struct ebpf_object *obj;

	(void)state;
	if (access("/proc/config.gz", R_OK)) {
		print_message("skipped: /proc/config.gz is absent\n");
		skip();
	}
	/* CONFIG_TEST_REQUIRED is in no kernel: named as missing from /proc/config.gz */
	assert_int_equal(ebpf_object_open(path_of("kconfig_required.bpf.o"), &opts, &obj), -ESRCH);
	assert_non_null(strstr(ebpf_last_error(), "/proc/config.gz"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_kind),
		cmocka_unit_test(test_target_decides),
		cmocka_unit_test(test_ambiguous),
		cmocka_unit_test(test_type_matches),
		cmocka_unit_test(test_poisoned_reached),
		cmocka_unit_test(test_malformed_records),
		cmocka_unit_test(test_unfit_records),
		cmocka_unit_test(test_flipped),
		cmocka_unit_test(test_no_target),
		cmocka_unit_test(test_kernel_btf),
		cmocka_unit_test(test_extension_context_versions),
		cmocka_unit_test(test_extension_missing_field),
		cmocka_unit_test(test_btf_in_contract),
		cmocka_unit_test(test_kconfig_values),
		cmocka_unit_test(test_kconfig_refused),
		cmocka_unit_test(test_kconfig_missing_file),
		cmocka_unit_test(test_kconfig_running_kernel),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
