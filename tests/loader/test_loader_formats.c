// SPDX-License-Identifier: MIT
/*
 * The object formats of older compilers and other loaders (tests/loader/progs, built into
 * <build>/tests/progs/formats): each is read as libbpf or iproute2 reads it, and a malformed
 * twin made here from the good object is refused with what and where. Expectations come from
 * the sources and from the objects' own bytes, not from the loader.
 */
#include <elf.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "loader/loader_test_util.h"

#define LINUX_PERF_EVENT_ARRAY 4 /* BPF_MAP_TYPE_PERF_EVENT_ARRAY */

struct object {
	uint8_t *elf;
	size_t size;
};

static struct object read_object(const char *name)
{
	struct object o;

	o.elf = t_read_prog(name, &o.size);
	return o;
}

static struct loader_object *open_object(const struct object *o)
{
	struct loader_object *obj = NULL;
	char msg[512] = "";

	if (loader_open_mem(o->elf, o->size, "test.o", &obj, msg, sizeof(msg)))
		fail_msg("refused: %s", msg);
	return obj;
}

static void refuse(struct object *o, int err, const char *needle)
{
	t_expect_refused(o->elf, o->size, err, needle);
	free(o->elf);
}

static const struct loader_map *map_named(const struct loader_object *obj, const char *name)
{
	return &obj->maps[t_map_index(obj, name)];
}

/* The 32-bit field `field` (0: type, 1: key size, ...) of a definition in section "maps". */
static uint32_t *def_field(uint8_t *elf, const char *map, unsigned field)
{
	uint8_t *maps = elf + t_section(elf, "maps", NULL)->sh_offset;

	return (uint32_t *)(maps + t_symbol(elf, map)->st_value) + field;
}

/* ---- Legacy maps whose symbols have no size ------------------------------------------------ */

static void test_legacy_maps_without_size(void **state)
{
	struct object o = read_object("formats/legacy_nosize.bpf.o");
	struct loader_object *obj;
	const struct loader_map *m;

	(void)state;
	assert_int_equal(t_symbol(o.elf, "nosize_array")->st_size, 0);
	assert_int_equal(t_symbol(o.elf, "nosize_hash")->st_size, 0);
	obj = open_object(&o);
	assert_int_equal(obj->map_count, 2);
	m = map_named(obj, "nosize_array");
	assert_int_equal(m->type, EBPF_MAP_TYPE_ARRAY);
	assert_int_equal(m->key_size, 4);
	assert_int_equal(m->value_size, 8);
	assert_int_equal(m->max_entries, 16);
	m = map_named(obj, "nosize_hash");
	assert_int_equal(m->type, EBPF_MAP_TYPE_HASH);
	assert_int_equal(m->key_size, 8);
	assert_int_equal(m->value_size, 24);
	assert_int_equal(m->max_entries, 64);
	assert_int_equal(m->map_flags, 1);
	loader_object_free(obj);

	/* 36 bytes do not divide into two definitions. */
	t_section(o.elf, "maps", NULL)->sh_size = 39;
	refuse(&o, -EINVAL,
	       "legacy map 'nosize_array' has no size and section 'maps' (39 bytes) does not "
	       "divide into its 2 map definitions");

	/* 12 bytes each: too small for a definition. */
	o = read_object("formats/legacy_nosize.bpf.o");
	t_section(o.elf, "maps", NULL)->sh_size = 24;
	t_symbol(o.elf, "nosize_hash")->st_value = 12;
	refuse(&o, -EINVAL, "legacy map 'nosize_array': definition of 12 bytes is too small");
}

/* ---- samples/bpf's 28-byte struct bpf_map_def, larger definitions ------------------------- */

#define LINUX_F_NUMA_NODE 4 /* BPF_F_NUMA_NODE */

static void test_legacy_samples_maps(void **state)
{
	struct object o = read_object("formats/legacy_numa.bpf.o");
	struct loader_object *obj;
	const struct loader_map *m;

	(void)state;
	assert_int_equal(t_symbol(o.elf, "numa_map")->st_size, 28);
	obj = open_object(&o);
	assert_int_equal(obj->map_count, 4);
	m = map_named(obj, "numa_hash");
	assert_int_equal(m->type, EBPF_MAP_TYPE_HASH);
	assert_int_equal(m->value_size, 8);
	assert_int_equal(m->max_entries, 32);
	assert_int_equal(m->map_flags, LINUX_F_NUMA_NODE);
	/* numa_node 3 where iproute2 has pinning: BTF names it, so not pinned (nor refused) */
	m = map_named(obj, "numa_map");
	assert_int_equal(*def_field(o.elf, "numa_map", 6), 3);
	assert_int_equal(m->pinning, LOADER_PIN_NONE);
	assert_null(m->pin_path);
	/* inner_map_idx 1: the second map of the section is the template of the inner maps */
	m = map_named(obj, "numa_outer");
	assert_int_equal(m->inner_map, t_map_index(obj, "numa_inner"));
	assert_int_equal(m->init_map_count, 0);
	loader_object_free(obj);

	*def_field(o.elf, "numa_outer", 5) = 9;
	refuse(&o, -EINVAL,
	       "legacy map 'numa_outer': inner_map_idx 9 names no other map of section 'maps' "
	       "(it has 4)");

	o = read_object("formats/legacy_numa.bpf.o");
	*def_field(o.elf, "numa_outer", 5) = 2; /* itself */
	refuse(&o, -EINVAL, "legacy map 'numa_outer': inner_map_idx 2 names no other map");

	/* samples/bpf left a map of maps' value_size out: bpf_load.c made it 4 (the inner map's
	 * id); another size is refused, as the kernel refuses it */
	o = read_object("formats/legacy_numa.bpf.o");
	*def_field(o.elf, "numa_outer", 2) = 0;
	obj = open_object(&o);
	assert_int_equal(map_named(obj, "numa_outer")->value_size, 4);
	assert_int_equal(map_named(obj, "numa_outer")->inner_map, t_map_index(obj, "numa_inner"));
	loader_object_free(obj);
	*def_field(o.elf, "numa_outer", 2) = 8;
	refuse(&o, -EINVAL,
	       "legacy map 'numa_outer': value size 8, a map of maps holds 4-byte ids");
}

/* Without BTF, BPF_F_NUMA_NODE or a map of maps tells samples/bpf's layout from iproute2's. */
static void test_legacy_samples_maps_without_btf(void **state)
{
	struct object o = read_object("formats/legacy_numa_nobtf.bpf.o");
	const char *maps[] = { "nobtf_inner", "nobtf_numa", "nobtf_outer" };
	struct loader_object *obj;

	(void)state;
	for (int sized = 1; sized >= 0; sized--) {
		/* then as older clang left them: no sizes, 84 bytes for 3 maps, 28 each */
		for (size_t i = 0; i < 3 && !sized; i++)
			t_symbol(o.elf, maps[i])->st_size = 0;
		obj = open_object(&o);
		assert_int_equal(obj->map_count, 3);
		/* numa_node 5 at iproute2's pinning: refused (pinning 5) if read as iproute2's */
		assert_int_equal(map_named(obj, "nobtf_numa")->map_flags, LINUX_F_NUMA_NODE);
		assert_int_equal(map_named(obj, "nobtf_numa")->pinning, LOADER_PIN_NONE);
		assert_int_equal(map_named(obj, "nobtf_outer")->inner_map,
				 t_map_index(obj, "nobtf_inner"));
		loader_object_free(obj);
	}

	/* 85 bytes do not divide into 3 definitions */
	t_section(o.elf, "maps", NULL)->sh_size = 85;
	refuse(&o, -EINVAL,
	       "legacy map 'nobtf_inner' has no size and section 'maps' (85 bytes) does not "
	       "divide into its 3 map definitions");

	/* without BPF_F_NUMA_NODE, nobtf_numa is iproute2's: numa_node 5 is pinning 5 */
	o = read_object("formats/legacy_numa_nobtf.bpf.o");
	*def_field(o.elf, "nobtf_numa", 4) = 0;
	refuse(&o, -EINVAL, "legacy map 'nobtf_numa': unsupported pinning 5");
}

static void test_legacy_larger_definitions(void **state)
{
	struct object o = read_object("formats/legacy_large.bpf.o");
	struct loader_object *obj;

	(void)state;
	assert_int_equal(t_symbol(o.elf, "large_btf")->st_size, 40);
	assert_int_equal(t_symbol(o.elf, "large_asm")->st_size, 40);
	obj = open_object(&o); /* the extra bytes are zero: accepted, as libbpf */
	assert_int_equal(map_named(obj, "large_btf")->value_size, 8);
	assert_int_equal(map_named(obj, "large_asm")->max_entries, 8);
	loader_object_free(obj);

	*def_field(o.elf, "large_btf", 5) = 1;
	refuse(&o, -EINVAL,
	       "legacy map 'large_btf': field 'future' (byte 20 of its definition) is non-zero");

	o = read_object("formats/legacy_large.bpf.o");
	*def_field(o.elf, "large_btf", 8) = 1;
	refuse(&o, -EINVAL, "legacy map 'large_btf': field 'reserved' (byte 32 of its definition)");

	o = read_object("formats/legacy_large.bpf.o");
	*def_field(o.elf, "large_asm", 9) = 1 << 16;
	refuse(&o, -EINVAL, "legacy map 'large_asm': unknown non-zero field at byte 38");
}

/* ---- iproute2's struct bpf_elf_map and tc's sections ------------------------------------- */

static void test_tc_elf_maps(void **state)
{
	struct object o = read_object("formats/tc_elf_map.bpf.o");
	struct loader_object *obj = open_object(&o);
	const struct loader_map *jmp = map_named(obj, "jmp_tc");
	const struct loader_map *counts = map_named(obj, "tc_counts");
	const struct loader_map *inner = map_named(obj, "tc_inner");
	const struct loader_map *outer = map_named(obj, "tc_outer");
	char expect[64];

	(void)state;
	assert_int_equal(t_symbol(o.elf, "jmp_tc")->st_size, 36); /* struct bpf_elf_map */
	assert_int_equal(jmp->type, EBPF_MAP_TYPE_PROG_ARRAY);
	assert_int_equal(jmp->max_entries, 4);
	assert_int_equal(jmp->pinning, LOADER_PIN_OBJECT_NS);
	/* tc/<16 hex digits of the object's digest>/jmp_tc */
	assert_non_null(jmp->pin_path);
	assert_int_equal(strlen(jmp->pin_path), strlen("tc/") + 16 + strlen("/jmp_tc"));
	assert_memory_equal(jmp->pin_path, "tc/", 3);
	assert_string_equal(jmp->pin_path + 19, "/jmp_tc");
	assert_int_equal(counts->pinning, LOADER_PIN_GLOBAL_NS);
	assert_string_equal(counts->pin_path, "tc/globals/tc_counts");
	assert_int_equal(inner->pinning, LOADER_PIN_NONE);
	assert_null(inner->pin_path);

	/* The map of maps: tc_inner (id 7) is the template and goes into slot 2 (inner_idx). */
	assert_int_equal(outer->inner_map, t_map_index(obj, "tc_inner"));
	assert_false(inner->inner_template); /* a real map, which programs use too */
	assert_int_equal(outer->init_map_count, 1);
	assert_int_equal(outer->init_map_slots[0], 2);
	assert_int_equal(outer->init_maps[0], (uint32_t)t_map_index(obj, "tc_inner"));

	/* Tail-call sections 1/0 and 1/3 fill slots 0 and 3 of the program array with id 1. */
	assert_int_equal(jmp->init_count, 2);
	for (uint32_t i = 0; i < jmp->init_count; i++) {
		const struct loader_program *p = &obj->programs[jmp->init_programs[i]];

		snprintf(expect, sizeof(expect), "1/%u", jmp->init_slots[i]);
		assert_string_equal(p->section, expect);
		assert_string_equal(p->name, jmp->init_slots[i] ? "tc_tail3" : "tc_tail0");
		/* loaded with the type of the object's main section, as tc does */
		assert_string_equal(p->type_section, "classifier");
	}
	assert_string_equal(t_program(obj, "tc_main")->type_section, "classifier");
	loader_object_free(obj);
	free(o.elf);
}

static void test_tc_elf_maps_malformed(void **state)
{
	struct object o = read_object("formats/tc_elf_map.bpf.o");

	(void)state;
	*def_field(o.elf, "tc_counts", 6) = 3; /* pinning */
	refuse(&o, -EINVAL, "legacy map 'tc_counts': unsupported pinning 3");

	o = read_object("formats/tc_elf_map.bpf.o");
	*def_field(o.elf, "jmp_tc", 5) = 5; /* id */
	refuse(&o, -EINVAL,
	       "section '1/0': tail-call section, but no program array of section 'maps' has id 1");

	o = read_object("formats/tc_elf_map.bpf.o");
	*def_field(o.elf, "jmp_tc", 3) = 3; /* max_elem: slot 3 no longer exists */
	refuse(&o, -EINVAL,
	       "section '1/3': slot 3 is beyond max_entries 3 of program array 'jmp_tc'");

	o = read_object("formats/tc_elf_map.bpf.o");
	*def_field(o.elf, "tc_outer", 7) = 9; /* inner_id */
	refuse(&o, -EINVAL, "legacy map 'tc_outer': inner_id 9 names no map of section 'maps'");

	o = read_object("formats/tc_elf_map.bpf.o");
	*def_field(o.elf, "tc_outer", 7) = 0;
	refuse(&o, -EINVAL, "legacy map 'tc_outer': a map of maps needs inner_id");

	o = read_object("formats/tc_elf_map.bpf.o");
	*def_field(o.elf, "tc_inner", 8) = 5; /* inner_idx */
	refuse(&o, -EINVAL,
	       "legacy map 'tc_inner': inner_idx 5 of map 'tc_outer' is beyond max_entries 3");
}

/* Renames a section in place, in the section names (its relocation section's name ends with
 * it) and in the BTF strings that name it for .BTF.ext: every occurrence, NUL included. */
static void rename_section(struct object *o, const char *from, const char *to)
{
	size_t n = strlen(from) + 1;

	assert_int_equal(strlen(to) + 1, n);
	for (size_t i = 0; i + n <= o->size; i++)
		if (!memcmp(o->elf + i, from, n))
			memcpy(o->elf + i, to, n);
}

/* Tail-call ids and slots as tc reads them ("%i"): 0x2a/0 and 052/01 are slots 0 and 1 of the
 * program array with id 42, typed by the classifier that follows them. */
static void test_tc_tail_call_numbers(void **state)
{
	struct object o = read_object("formats/tc_tail_hex.bpf.o");
	struct loader_object *obj = open_object(&o);
	const struct loader_map *jmp = map_named(obj, "jmp_hex");

	(void)state;
	assert_int_equal(jmp->init_count, 2);
	for (uint32_t i = 0; i < jmp->init_count; i++) {
		const struct loader_program *p = &obj->programs[jmp->init_programs[i]];

		assert_string_equal(p->name, jmp->init_slots[i] ? "octal_tail" : "hex_tail");
		assert_string_equal(p->type_section, "classifier");
	}
	loader_object_free(obj);
	free(o.elf);

	/* id 0x2b: a tail-call section, but no program array has id 43 */
	o = read_object("formats/tc_tail_hex.bpf.o");
	rename_section(&o, "0x2a/0", "0x2b/0");
	refuse(&o, -EINVAL,
	       "section '0x2b/0': tail-call section, but no program array of section 'maps' has "
	       "id 43");

	/* slot 09 is not an octal number: not a tail-call section, a program of its own */
	o = read_object("formats/tc_tail_hex.bpf.o");
	rename_section(&o, "052/01", "052/09");
	obj = open_object(&o);
	assert_int_equal(map_named(obj, "jmp_hex")->init_count, 1);
	assert_string_equal(t_program(obj, "octal_tail")->type_section, "052/09");
	loader_object_free(obj);
	free(o.elf);
}

/* ---- Programs named by NOTYPE symbols, .text-only objects, EM_NONE ------------------------- */

static void test_notype_programs(void **state)
{
	struct object o = read_object("formats/notype.bpf.o");
	struct loader_object *obj;
	const struct loader_program *p;

	(void)state;
	assert_int_equal(ELF64_ST_TYPE(t_symbol(o.elf, "notype_first")->st_info), STT_NOTYPE);
	assert_int_equal(t_symbol(o.elf, "notype_second")->st_size, 0);
	obj = open_object(&o);
	assert_int_equal(obj->program_count, 2);
	p = t_program(obj, "notype_first");
	assert_string_equal(p->section, "sample_ext/notype");
	assert_int_equal(p->insn_count, 2); /* r0 = 7; exit */
	assert_int_equal(p->insns[0].imm, 7);
	p = t_program(obj, "notype_second");
	assert_int_equal(p->insn_count, 3); /* r1 = 1; r0 = r1; exit */
	assert_int_equal(p->insns[0].imm, 1);
	loader_object_free(obj);

	/* A symbol that is not on an instruction boundary. */
	t_symbol(o.elf, "notype_second")->st_value = 12;
	refuse(&o, -EINVAL,
	       "section 'sample_ext/notype': function 'notype_first' (offset 0, size 12)");
}

static void test_text_only_programs(void **state)
{
	struct object o = read_object("formats/text_only.bpf.o");
	struct loader_object *obj = open_object(&o);
	const struct loader_program *p;
	uint32_t helper = (uint32_t)(t_symbol(o.elf, "text_helper")->st_size / 8);

	(void)state;
	assert_int_equal(obj->program_count, 2);
	p = t_program(obj, "text_main");
	assert_string_equal(p->section, ".text");
	/* its subprogram follows it */
	assert_int_equal(p->insn_count, p->main_insn_count + helper);
	assert_string_equal(t_program(obj, "text_other")->section, ".text");
	loader_object_free(obj);

	t_symbol(o.elf, "text_other")->st_size = 0x1000;
	refuse(&o, -EINVAL, "section '.text': function 'text_other' extends past the section");
}

/* Static functions alone in their sections (Falco's probe) are programs; one beside a global
 * program is not. Two of them under one name are refused by name. */
static void test_static_section_programs(void **state)
{
	struct object o = read_object("formats/static_sections.bpf.o");
	struct loader_object *obj = open_object(&o);
	const struct loader_program *p;
	size_t i;

	(void)state;
	assert_int_equal(ELF64_ST_BIND(t_symbol(o.elf, "static_one")->st_info), STB_LOCAL);
	assert_int_equal(obj->program_count, 3);
	p = t_program(obj, "static_one");
	assert_string_equal(p->section, "sample_ext/static_one");
	assert_int_equal(p->insns[0].imm, 1);
	assert_int_equal(t_program(obj, "static_two")->insns[0].imm, 2);
	assert_string_equal(t_program(obj, "global_prog")->section, "sample_ext/global");
	for (i = 0; i < obj->program_count; i++)
		assert_string_not_equal(obj->programs[i].name, "beside_global");
	loader_object_free(obj);

	t_symbol(o.elf, "static_two")->st_name = t_symbol(o.elf, "static_one")->st_name;
	refuse(&o, -EINVAL,
	       "duplicate program name 'static_one' (sections 'sample_ext/static_one' and "
	       "'sample_ext/static_two')");
}

static void test_machine_none(void **state)
{
	struct object o = read_object("formats/notype.bpf.o");
	struct loader_object *obj;

	(void)state;
	t_ehdr(o.elf)->e_machine = EM_NONE; /* as old LLVM wrote it */
	obj = open_object(&o);
	assert_int_equal(obj->program_count, 2);
	loader_object_free(obj);
	t_ehdr(o.elf)->e_machine = EM_X86_64;
	refuse(&o, -ENOEXEC, "ELF machine 62 is not BPF");
}

/* ---- Relocations --------------------------------------------------------------------------- */

/* The types of the relocations applying to section name. */
static bool has_relocation(uint8_t *elf, const char *name, uint32_t type)
{
	Elf64_Shdr *rel = t_rel_for(elf, name);
	Elf64_Rel *r = (Elf64_Rel *)(elf + rel->sh_offset);

	for (size_t i = 0; i < rel->sh_size / sizeof(*r); i++) {
		if (ELF64_R_TYPE(r[i].r_info) == type)
			return true;
	}
	return false;
}

static void test_data_relocations(void **state)
{
	struct object o = read_object("formats/data_relocs.bpf.o");
	struct loader_object *obj;
	Elf64_Rel *r;

	(void)state;
	assert_true(has_relocation(o.elf, ".data", 2));	      /* R_BPF_64_ABS64 */
	assert_true(has_relocation(o.elf, ".debug_info", 3)); /* R_BPF_64_ABS32 */
	assert_true(has_relocation(o.elf, ".data.abs32", 4)); /* R_BPF_64_NODYLD32 */
	assert_true(has_relocation(o.elf, ".BTF.ext", 4));
	obj = open_object(&o);
	assert_int_equal(t_program(obj, "data_relocs")->insn_count, 4);
	assert_int_equal(map_named(obj, ".data")->value_size, 16);
	loader_object_free(obj);

	/* On code, only lddw (R_BPF_64_64) and call (R_BPF_64_32) relocations mean something. */
	r = (Elf64_Rel *)(o.elf + t_rel_for(o.elf, "sample_ext")->sh_offset);
	r->r_info = ELF64_R_INFO(ELF64_R_SYM(r->r_info), 2);
	refuse(&o, -EINVAL,
	       "section 'sample_ext' insn 0: unsupported relocation type 2 against 'relo_target'");
}

/* clang before 12 wrote map-in-map initialisers in .maps as R_BPF_64_64. */
static void test_maps_relocation_64_64(void **state)
{
	struct object o = read_object("map_in_map.bpf.o");
	Elf64_Shdr *rel = t_rel_for(o.elf, ".maps");
	Elf64_Rel *r = (Elf64_Rel *)(o.elf + rel->sh_offset);
	size_t n = rel->sh_size / sizeof(*r);
	struct loader_object *before, *after;

	(void)state;
	before = open_object(&o);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(ELF64_R_TYPE(r[i].r_info), 2);
		r[i].r_info = ELF64_R_INFO(ELF64_R_SYM(r[i].r_info), 1);
	}
	after = open_object(&o);
	assert_int_equal(before->map_count, after->map_count);
	for (size_t i = 0; i < before->map_count; i++) {
		assert_int_equal(before->maps[i].init_map_count, after->maps[i].init_map_count);
		assert_int_equal(before->maps[i].init_count, after->maps[i].init_count);
		if (before->maps[i].init_map_count)
			assert_memory_equal(before->maps[i].init_maps, after->maps[i].init_maps,
					    before->maps[i].init_map_count * sizeof(uint32_t));
	}
	assert_true(n > 0);
	loader_object_free(before);
	loader_object_free(after);

	r[0].r_info = ELF64_R_INFO(ELF64_R_SYM(r[0].r_info), 3);
	refuse(&o, -EINVAL, "section '.maps': relocation #0 has unsupported type 3");
}

/* ---- BTF maps completed at load ---------------------------------------------------------- */

static void test_btf_maps_sized_at_load(void **state)
{
	struct object o = read_object("formats/btf_sized.bpf.o");
	struct loader_object *obj = open_object(&o);
	const struct loader_map *m;

	(void)state;
	m = map_named(obj, "sized_events");
	assert_int_equal(m->type, LINUX_PERF_EVENT_ARRAY);
	assert_int_equal(m->max_entries, 0); /* sized at load */
	assert_int_equal(map_named(obj, "odd_ring")->max_entries, 5000);
	loader_size_maps(obj, 3, 4096);
	assert_int_equal(m->max_entries, 3);
	/* ring buffers: the next power-of-2 multiple of the page size, as libbpf */
	assert_int_equal(map_named(obj, "odd_ring")->max_entries, 8192);
	assert_int_equal(map_named(obj, "three_page_ring")->max_entries, 4 * 4096);
	assert_int_equal(map_named(obj, "typed_ring")->max_entries, 4096); /* already one */
	loader_size_maps(obj, 3, 16384); /* a machine with 16 KiB pages */
	assert_int_equal(map_named(obj, "typed_ring")->max_entries, 16384);
	m = map_named(obj, "typed_events"); /* __type(value, struct record): still 4 bytes */
	assert_int_equal(m->key_size, 4);
	assert_int_equal(m->value_size, 4);
	assert_int_equal(m->max_entries, 8);
	loader_size_maps(obj, 3, 4096);
	assert_int_equal(m->max_entries, 8); /* a given size stays */
	m = map_named(obj, "typed_ring");    /* the record's type, no key or value */
	assert_int_equal(m->type, EBPF_MAP_TYPE_RINGBUF);
	assert_int_equal(m->key_size, 0);
	assert_int_equal(m->value_size, 0);
	m = map_named(obj, "sized_pinned");
	assert_int_equal(m->pinning, LOADER_PIN_BY_NAME);
	assert_string_equal(m->pin_path, "sized_pinned");
	loader_object_free(obj);
	free(o.elf);
}

/* Cilium's tail-call table (CILIUM_PIN_REPLACE): never pinned by the loader, created afresh. */
static void test_cilium_pin_replace(void **state)
{
	struct object o = read_object("formats/cilium_calls.bpf.o");
	struct loader_object *obj = open_object(&o);
	const struct loader_map *m;

	(void)state;
	m = map_named(obj, "calls_table");
	assert_int_equal(m->type, EBPF_MAP_TYPE_PROG_ARRAY);
	assert_int_equal(m->pinning, LOADER_PIN_NONE);
	assert_null(m->pin_path);
	m = map_named(obj, "calls_seen");
	assert_int_equal(m->pinning, LOADER_PIN_BY_NAME);
	assert_string_equal(m->pin_path, "calls_seen");
	loader_object_free(obj);
	free(o.elf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_legacy_maps_without_size),
		cmocka_unit_test(test_legacy_samples_maps),
		cmocka_unit_test(test_legacy_samples_maps_without_btf),
		cmocka_unit_test(test_legacy_larger_definitions),
		cmocka_unit_test(test_tc_elf_maps),
		cmocka_unit_test(test_tc_tail_call_numbers),
		cmocka_unit_test(test_tc_elf_maps_malformed),
		cmocka_unit_test(test_notype_programs),
		cmocka_unit_test(test_text_only_programs),
		cmocka_unit_test(test_static_section_programs),
		cmocka_unit_test(test_machine_none),
		cmocka_unit_test(test_data_relocations),
		cmocka_unit_test(test_maps_relocation_64_64),
		cmocka_unit_test(test_btf_maps_sized_at_load),
		cmocka_unit_test(test_cilium_pin_replace),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
