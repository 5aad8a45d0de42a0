// SPDX-License-Identifier: MIT
/*
 * What the loader refuses: unsupported features (externs, kfuncs by BTF id) in objects clang
 * made, and malformed objects made here from good ones (truncated, flipped, patched). Each is
 * refused with its errno and a message naming what and where; nothing crashes or leaks (run
 * this under ASan and UBSan).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "isa/isa.h"
#include "loader/loader_test_util.h"

#ifndef R_BPF_64_64
#define R_BPF_64_64 1
#endif

static void expect_prog_refused(const char *name, int err, const char *needle)
{
	size_t size;
	uint8_t *elf = t_read_prog(name, &size);

	t_expect_refused(elf, size, err, needle);
	free(elf);
}

/* CO-RE relocations are not the loader's to refuse: it keeps them with their program, moved
 * with its code, for the core to resolve against the program type's target BTF. */
static void test_core_relocation_kept(void **state)
{
	size_t size;
	uint8_t *elf = t_read_prog("bad/core_read.bpf.o", &size);
	struct loader_object *obj;
	char err[256];

	assert_int_equal(loader_open_mem(elf, size, "core_read", &obj, err, sizeof(err)), 0);
	assert_int_equal(obj->programs[0].core_relo_count, 1);
	assert_int_equal(obj->programs[0].core_relos[0].kind, 0); /* field byte offset */
	assert_int_equal(obj->programs[0].insns[obj->programs[0].core_relos[0].insn].imm, 0);
	assert_non_null(obj->btf);
	loader_object_free(obj);
	free(elf);
}

/* A kfunc call is kept by name for the runtime to resolve: the call's imm numbers the name. */
static void test_kfunc(void **state)
{
	size_t size, i;
	uint8_t *elf = t_read_prog("bad/kfunc.bpf.o", &size);
	const struct loader_program *prog;
	struct loader_object *obj;
	char err[256];

	assert_int_equal(loader_open_mem(elf, size, "kfunc", &obj, err, sizeof(err)), 0);
	assert_int_equal(obj->kfunc_count, 1);
	assert_string_equal(obj->kfuncs[0], "bpf_kfunc_example");
	prog = &obj->programs[0];
	for (i = 0; i < prog->insn_count && prog->insns[i].code != EBPF_OP_CALL; i++)
		;
	assert_true(i < prog->insn_count);
	assert_int_equal(prog->insns[i].src_reg, EBPF_CALL_KFUNC);
	assert_int_equal(prog->insns[i].imm, 0);
	loader_object_free(obj);
	free(elf);
}

static void test_extern_variable(void **state)
{
	expect_prog_refused("bad/extern_var.bpf.o", -ENOTSUP,
			    "section 'sample_ext' insn 0: extern variable 'bpf_prog_active' "
			    "(.ksyms) is not supported");
}

static void test_btf_map_definitions(void **state)
{
	expect_prog_refused("bad/map_no_key.bpf.o", -EINVAL, "map 'keyless': key size is zero");
	expect_prog_refused("bad/map_no_max_entries.bpf.o", -EINVAL,
			    "map 'unbounded': max_entries is zero");
	expect_prog_refused("bad/map_unknown_field.bpf.o", -EINVAL,
			    "map 'odd': unknown field 'colour'");
	expect_prog_refused("bad/map_conflicting_key.bpf.o", -EINVAL,
			    "map 'conflicted': conflicting key sizes 8 and 4");
	expect_prog_refused("bad/map_values_on_hash.bpf.o", -EINVAL,
			    "map 'not_nested': 'values' is only valid for program arrays and maps "
			    "of maps");
	expect_prog_refused("bad/map_of_maps_no_inner.bpf.o", -EINVAL,
			    "map 'hollow': a map of maps needs its inner map declared");
	expect_prog_refused("bad/map_pinning.bpf.o", -EINVAL,
			    "map 'pinned': unsupported pinning 2");
	expect_prog_refused("bad/map_pin_replace_by_name.bpf.o", -EINVAL,
			    "map 'replaced': unsupported pinning 17 (LIBBPF_PIN_NONE 0, "
			    "LIBBPF_PIN_BY_NAME 1, Cilium's CILIUM_PIN_REPLACE 16)");
	expect_prog_refused("bad/prog_array_slot.bpf.o", -EINVAL,
			    "map 'small_table': slot 3 is beyond max_entries 2");
	expect_prog_refused("bad/spin_lock_two.bpf.o", -EINVAL,
			    "map 'doubly_locked': value type 'struct two_locks' has more than one "
			    "struct bpf_spin_lock (at offsets 0 and 8; Linux allows one)");
	expect_prog_refused("bad/spin_lock_misaligned.bpf.o", -EINVAL,
			    "map 'crooked': struct bpf_spin_lock at offset 2 of value type 'struct "
			    "misaligned' is not 4-byte aligned");
}

/* A good object to corrupt, and a way to refuse it. */
struct victim {
	uint8_t *elf;
	size_t size;
};

static struct victim victim(const char *name)
{
	struct victim v;

	v.elf = t_read_prog(name, &v.size);
	return v;
}

static void refuse(struct victim *v, int err, const char *needle)
{
	t_expect_refused(v->elf, v->size, err, needle);
	free(v->elf);
}

static void test_not_elf(void **state)
{
	const char text[] = "#!/bin/sh\necho not an object\n";
	char err[128];
	struct loader_object *obj;

	t_expect_refused((const uint8_t *)text, sizeof(text), -ENOEXEC, "not an ELF file");
	t_expect_refused((const uint8_t *)"", 0, -ENOEXEC, "not an ELF file");
	t_expect_refused((const uint8_t *)"\177ELF", 4, -EINVAL, "truncated ELF header");
	assert_int_equal(loader_open_mem(NULL, 1, "x", &obj, err, sizeof(err)), -EINVAL);
	assert_int_equal(loader_open_mem(text, sizeof(text), "x", NULL, err, sizeof(err)), -EINVAL);
	/* No message buffer is fine too. */
	assert_int_equal(loader_open_mem(text, sizeof(text), "x", &obj, NULL, 0), -ENOEXEC);
}

static void test_wrong_machine(void **state)
{
	struct victim v = victim("hash_counter.bpf.o");

	t_ehdr(v.elf)->e_machine = EM_X86_64;
	refuse(&v, -ENOEXEC, "ELF machine 62 is not BPF");
}

static void test_wrong_class(void **state)
{
	struct victim v = victim("hash_counter.bpf.o");

	v.elf[EI_CLASS] = ELFCLASS32;
	refuse(&v, -ENOEXEC, "ELF class 1 is not supported");
}

static void test_wrong_endianness(void **state)
{
	struct victim v = victim("hash_counter.bpf.o");

	v.elf[EI_DATA] = ELFDATA2MSB;
	refuse(&v, -ENOEXEC, "ELF data encoding 2 is not the host's");
}

static void test_not_relocatable(void **state)
{
	struct victim v = victim("hash_counter.bpf.o");

	t_ehdr(v.elf)->e_type = ET_EXEC;
	refuse(&v, -EINVAL, "not a relocatable object");
}

static void test_section_headers_out_of_bounds(void **state)
{
	struct victim v = victim("hash_counter.bpf.o");

	t_ehdr(v.elf)->e_shoff = v.size - 64;
	refuse(&v, -EINVAL, "section headers");

	v = victim("hash_counter.bpf.o");
	t_ehdr(v.elf)->e_shstrndx = t_ehdr(v.elf)->e_shnum + 3;
	refuse(&v, -EINVAL, "section name table index");

	v = victim("hash_counter.bpf.o");
	t_ehdr(v.elf)->e_shentsize = 32;
	refuse(&v, -EINVAL, "section header size 32");

	v = victim("hash_counter.bpf.o");
	t_section(v.elf, "sample_ext", NULL)->sh_offset = v.size - 8;
	refuse(&v, -EINVAL, "'sample_ext': 176 bytes at offset");

	v = victim("hash_counter.bpf.o");
	t_section(v.elf, ".symtab", NULL)->sh_link = 5000;
	refuse(&v, -EINVAL, "'.symtab': link 5000 out of range");
}

/* Every truncation of a good object is refused, none crashes. */
static void test_truncated(void **state)
{
	struct victim v = victim("subprog.bpf.o");
	struct loader_object *obj;
	char err[512];
	size_t len;

	for (len = 0; len < v.size; len++) {
		err[0] = '\0';
		assert_true(loader_open_mem(v.elf, len, "cut.o", &obj, err, sizeof(err)) < 0);
		assert_null(obj);
		assert_true(err[0] != '\0');
	}
	t_expect_refused(v.elf, 40, -EINVAL, "truncated ELF header: 40 of 64 bytes");
	t_expect_refused(v.elf, v.size - 1, -EINVAL, "extend past the end of the file");
	free(v.elf);
}

/* Random byte flips: refused with a message or parsed, never a crash or a leak. */
static void test_flipped_bytes(void **state)
{
	const char *names[] = { "subprog.bpf.o", "map_in_map.bpf.o", "global_data.bpf.o",
				"tail_call.bpf.o", "legacy_maps.bpf.o" };
	uint32_t seed = 12345;
	size_t round, i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		size_t size;
		uint8_t *good = t_read_prog(names[i], &size), *bad = malloc(size);

		assert_non_null(bad);
		for (round = 0; round < 600; round++) {
			struct loader_object *obj;
			char err[512] = "";
			int k, ret;

			memcpy(bad, good, size);
			for (k = 0; k < 1 + (int)(round % 4); k++) {
				seed = seed * 1103515245u + 12345u;
				bad[(seed >> 8) % size] ^= (uint8_t)(1u << ((seed >> 4) & 7));
			}
			ret = loader_open_mem(bad, size, names[i], &obj, err, sizeof(err));
			if (ret) {
				assert_true(ret < 0);
				assert_null(obj);
				assert_true(err[0] != '\0');
			} else {
				loader_object_free(obj);
			}
		}
		free(bad);
		free(good);
	}
}

static Elf64_Rel *first_rel(struct victim *v, const char *section)
{
	return (Elf64_Rel *)(v->elf + t_rel_for(v->elf, section)->sh_offset);
}

static void test_relocation_offsets(void **state)
{
	struct victim v = victim("global_data.bpf.o");

	first_rel(&v, "sample_ext")->r_offset = t_section(v.elf, "sample_ext", NULL)->sh_size + 8;
	refuse(&v, -EINVAL,
	       "section 'sample_ext': relocation #0 at offset 0xf8 lies outside the "
	       "section");

	v = victim("global_data.bpf.o");
	first_rel(&v, "sample_ext")->r_offset += 4;
	refuse(&v, -EINVAL, "relocation #0 at offset 0x4 is not on an instruction");

	/* insn 2 of global_data is a load, not an lddw. */
	v = victim("global_data.bpf.o");
	first_rel(&v, "sample_ext")->r_offset = 16;
	refuse(&v, -EINVAL,
	       "section 'sample_ext' insn 2: relocation against 'data_pair' on an "
	       "instruction that is not a 64-bit load");
}

static void test_relocation_symbols_and_types(void **state)
{
	struct victim v = victim("global_data.bpf.o");
	Elf64_Rel *rel = first_rel(&v, "sample_ext");

	rel->r_info = ELF64_R_INFO(9999, R_BPF_64_64);
	refuse(&v, -EINVAL,
	       "section 'sample_ext' insn 0: relocation #0 references unknown symbol "
	       "9999");

	v = victim("global_data.bpf.o");
	rel = first_rel(&v, "sample_ext");
	rel->r_info = ELF64_R_INFO(ELF64_R_SYM(rel->r_info), 7);
	refuse(&v, -EINVAL, "insn 0: unsupported relocation type 7 against 'data_pair'");

	/* A reference to the license is neither a map, data nor code. */
	v = victim("global_data.bpf.o");
	rel = first_rel(&v, "sample_ext");
	rel->r_info = ELF64_R_INFO(t_symbol(v.elf, "LICENSE") - t_symbol(v.elf, ""), R_BPF_64_64);
	refuse(&v, -EINVAL,
	       "relocation against 'LICENSE' in section 'license', which holds no map");

	v = victim("global_data.bpf.o");
	t_rel_for(v.elf, "sample_ext")->sh_type = SHT_RELA;
	refuse(&v, -EINVAL, "RELA relocations are not supported");

	v = victim("global_data.bpf.o");
	t_rel_for(v.elf, "sample_ext")->sh_info = 4000;
	refuse(&v, -EINVAL, "applies to section index 4000, out of range");
}

static void test_call_relocations(void **state)
{
	struct victim v = victim("subprog.bpf.o");
	Elf64_Rel *rel = first_rel(&v, "sample_ext");

	/* The call to add_squares moved to the preceding mov. */
	rel->r_offset -= 8;
	refuse(&v, -EINVAL,
	       "section 'sample_ext' insn 1: call relocation against 'add_squares' on "
	       "an instruction that is not a call");

	/* A call into the middle of nowhere: add_squares' symbol moved past its section. */
	v = victim("subprog.bpf.o");
	t_symbol(v.elf, "add_squares")->st_value = 0x2000;
	refuse(&v, -EINVAL, "function 'add_squares' extends past the section");
}

static void test_function_layout(void **state)
{
	struct victim v = victim("subprog.bpf.o");
	Elf64_Sym *square = t_symbol(v.elf, "square");

	t_symbol(v.elf, "twice")->st_value = square->st_value + 8;
	refuse(&v, -EINVAL, "section '.text': functions 'square' and 'twice' overlap");

	/* Code with no function symbol (a local label is none) has no name to become a program
	 * by. */
	v = victim("subprog.bpf.o");
	t_symbol(v.elf, "loop")->st_info = ELF64_ST_INFO(STB_LOCAL, STT_NOTYPE);
	refuse(&v, -EINVAL, "section 'sample_ext/loop': 11 instructions but no function symbol");
}

/* twice_squared calls add_one, a static function of its own section, with no relocation. */
static void test_relative_call_out_of_section(void **state)
{
	struct victim v = victim("subprog.bpf.o");
	Elf64_Sym *twice = t_symbol(v.elf, "twice_squared");
	struct ebpf_inst *code =
	    (struct ebpf_inst *)(v.elf + t_section(v.elf, "sample_ext", NULL)->sh_offset);
	size_t i = twice->st_value / 8 + twice->st_size / 8 - 2; /* the last call, before exit */

	assert_int_equal(code[i].code, EBPF_OP_CALL);
	assert_int_equal(code[i].src_reg, EBPF_CALL_LOCAL);
	code[i].imm = 100;
	refuse(&v, -EINVAL,
	       "section 'sample_ext' insn 9: reference to 'relative call target' "
	       "lands outside section 'sample_ext'");
}

static void test_data_reference_out_of_section(void **state)
{
	struct victim v = victim("global_data.bpf.o");
	struct ebpf_inst *code =
	    (struct ebpf_inst *)(v.elf + t_section(v.elf, "sample_ext", NULL)->sh_offset);

	code[0].imm = 1000; /* data_pair + 1000 */
	refuse(&v, -EINVAL,
	       "section 'sample_ext' insn 0: reference to 'data_pair'+1000 lies "
	       "outside section '.data'");
}

static void test_version_size(void **state)
{
	struct victim v = victim("legacy_maps.bpf.o");

	t_section(v.elf, "version", NULL)->sh_size = 2;
	refuse(&v, -EINVAL, "section 'version': size 2, expected 4");
}

/* An undefined function called as a helper names no kfunc. */
static void test_undefined_call_not_kfunc(void **state)
{
	struct victim v = victim("bad/kfunc.bpf.o");
	struct ebpf_inst *code =
	    (struct ebpf_inst *)(v.elf + t_section(v.elf, "sample_ext", NULL)->sh_offset);
	size_t i;

	for (i = 0; code[i].code != EBPF_OP_CALL; i++)
		;
	code[i].src_reg = EBPF_CALL_HELPER;
	refuse(&v, -EINVAL,
	       "call to undefined function 'bpf_kfunc_example' is not a function call (src_reg 0)");
}

static void test_kfunc_by_btf_id(void **state)
{
	struct victim v = victim("hash_counter.bpf.o");
	struct ebpf_inst *code =
	    (struct ebpf_inst *)(v.elf + t_section(v.elf, "sample_ext", NULL)->sh_offset);
	size_t i;

	for (i = 0; code[i].code != EBPF_OP_CALL; i++)
		;
	code[i].src_reg = EBPF_CALL_KFUNC;
	refuse(&v, -ENOTSUP, "call to kernel function with BTF id 1 (kfunc) is not supported");
}

static void test_duplicates(void **state)
{
	struct victim v = victim("tail_call.bpf.o");

	t_section(v.elf, "sample_ext/stage", NULL)->sh_name =
	    t_section(v.elf, "sample_ext", NULL)->sh_name;
	refuse(&v, -EINVAL, "duplicate section 'sample_ext'");

	v = victim("tail_call.bpf.o");
	t_symbol(v.elf, "stage_two")->st_name = t_symbol(v.elf, "stage_one")->st_name;
	refuse(&v, -EINVAL,
	       "duplicate program name 'stage_one' (sections 'sample_ext/stage' and "
	       "'sample_ext/stage')");
}

static void test_legacy_map_definitions(void **state)
{
	struct victim v = victim("legacy_maps.bpf.o");
	uint8_t *maps = v.elf + t_section(v.elf, "maps", NULL)->sh_offset;
	uint32_t zero = 0;

	memcpy(maps + t_symbol(v.elf, "legacy_hash")->st_value + 8, &zero, 4); /* value_size */
	refuse(&v, -EINVAL, "map 'legacy_hash': value size is zero");

	v = victim("legacy_maps.bpf.o");
	maps = v.elf + t_section(v.elf, "maps", NULL)->sh_offset;
	memcpy(maps + t_symbol(v.elf, "legacy_array")->st_value + 12, &zero, 4); /* max_entries */
	refuse(&v, -EINVAL, "map 'legacy_array': max_entries is zero");

	v = victim("legacy_maps.bpf.o");
	t_symbol(v.elf, "legacy_array")->st_size = 8;
	refuse(&v, -EINVAL, "legacy map 'legacy_array': definition of 8 bytes is too small");

	v = victim("legacy_maps.bpf.o");
	t_symbol(v.elf, "legacy_hash")->st_value = 0x1000;
	refuse(
	    &v, -EINVAL,
	    "legacy map 'legacy_hash': definition (20 bytes at offset 4096) lies outside section "
	    "'maps'");
}

static void test_btf_corruption(void **state)
{
	struct victim v = victim("hash_counter.bpf.o");

	v.elf[t_section(v.elf, ".BTF", NULL)->sh_offset] ^= 0xff;
	refuse(&v, -EINVAL, "BTF: bad magic");

	v = victim("hash_counter.bpf.o");
	v.elf[t_section(v.elf, ".BTF.ext", NULL)->sh_offset] ^= 0xff;
	refuse(&v, -EINVAL, ".BTF.ext: bad magic");

	v = victim("hash_counter.bpf.o");
	t_section(v.elf, ".BTF", NULL)->sh_type = SHT_NOBITS;
	refuse(&v, -EINVAL, ".BTF.ext present without .BTF");

	/* .maps without BTF to describe it. */
	v = victim("hash_counter.bpf.o");
	t_section(v.elf, ".BTF", NULL)->sh_type = SHT_NOBITS;
	t_section(v.elf, ".BTF.ext", NULL)->sh_type = SHT_NOBITS;
	refuse(&v, -EINVAL, "section '.maps' needs BTF");
}

static void test_missing_symtab(void **state)
{
	struct victim v = victim("hash_counter.bpf.o");

	t_section(v.elf, ".symtab", NULL)->sh_type = SHT_PROGBITS;
	refuse(&v, -EINVAL, "object has no symbol table");
}

static void test_code_size(void **state)
{
	struct victim v = victim("hash_counter.bpf.o");

	t_section(v.elf, "sample_ext", NULL)->sh_size -= 4;
	refuse(&v, -EINVAL,
	       "section 'sample_ext': size 172 is not a multiple of the instruction "
	       "size");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_core_relocation_kept),
		cmocka_unit_test(test_kfunc),
		cmocka_unit_test(test_undefined_call_not_kfunc),
		cmocka_unit_test(test_extern_variable),
		cmocka_unit_test(test_btf_map_definitions),
		cmocka_unit_test(test_not_elf),
		cmocka_unit_test(test_wrong_machine),
		cmocka_unit_test(test_wrong_class),
		cmocka_unit_test(test_wrong_endianness),
		cmocka_unit_test(test_not_relocatable),
		cmocka_unit_test(test_section_headers_out_of_bounds),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_flipped_bytes),
		cmocka_unit_test(test_relocation_offsets),
		cmocka_unit_test(test_relocation_symbols_and_types),
		cmocka_unit_test(test_call_relocations),
		cmocka_unit_test(test_function_layout),
		cmocka_unit_test(test_relative_call_out_of_section),
		cmocka_unit_test(test_data_reference_out_of_section),
		cmocka_unit_test(test_version_size),
		cmocka_unit_test(test_kfunc_by_btf_id),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_legacy_map_definitions),
		cmocka_unit_test(test_btf_corruption),
		cmocka_unit_test(test_missing_symtab),
		cmocka_unit_test(test_code_size),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
