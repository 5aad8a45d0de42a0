// SPDX-License-Identifier: MIT
/*
 * The loader on the test programs of tests/progs: programs, maps, global data, relocations
 * and line info. Expected values come from the sources and from the objects' own ELF symbols.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <linux/bpf.h>

#include "isa/isa.h"
#include "loader/loader_test_util.h"

struct fixture {
	uint8_t *elf;
	size_t size;
	struct loader_object *obj;
};

static struct fixture open_prog(const char *name)
{
	struct fixture f;
	char err[512];

	f.elf = t_read_prog(name, &f.size);
	if (loader_open_mem(f.elf, f.size, name, &f.obj, err, sizeof(err)))
		fail_msg("%s: %s", name, err);
	assert_string_equal(f.obj->name, name);
	return f;
}

static void close_prog(struct fixture *f)
{
	loader_object_free(f->obj);
	free(f->elf);
}

/* The program's lddw instructions whose src_reg is `src`, as (imm, next imm) pairs. */
static size_t lddws(const struct loader_program *p, uint8_t src, int32_t (*out)[2], size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < p->insn_count; i++) {
		if (p->insns[i].code != EBPF_OP_LDDW)
			continue;
		assert_true(i + 1 < p->insn_count);
		if (p->insns[i].src_reg == src) {
			if (n < max) {
				out[n][0] = p->insns[i].imm;
				out[n][1] = p->insns[i + 1].imm;
			}
			n++;
		}
		i++;
	}
	return n;
}

static bool has_lddw(int32_t (*refs)[2], size_t n, int32_t map, int32_t off)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (refs[i][0] == map && refs[i][1] == off)
			return true;
	}
	return false;
}

/* Every line record lies in the program, in order, in the right file, with its source text. */
static void check_lines(const struct loader_program *p, const char *source)
{
	char expected[512];
	size_t i;

	assert_true(p->line_count > 0);
	assert_int_equal(p->lines[0].insn, 0);
	for (i = 0; i < p->line_count; i++) {
		const struct loader_line *l = &p->lines[i];
		const char *file = strrchr(l->file, '/');

		assert_true(l->insn < p->insn_count);
		if (i)
			assert_true(l->insn >= p->lines[i - 1].insn);
		assert_string_equal(file ? file + 1 : l->file, source);
		if (!l->line)
			continue; /* compiler-generated code has line 0 and no text */
		t_source_line(source, l->line, expected, sizeof(expected));
		assert_non_null(l->text);
		assert_string_equal(l->text, expected);
		assert_true(l->column <= strlen(expected) + 1);
	}
}

/* The source line of instruction insn: the last record at or before it. */
static const char *line_text_of(const struct loader_program *p, size_t insn)
{
	const char *text = NULL;
	size_t i;

	for (i = 0; i < p->line_count && p->lines[i].insn <= insn; i++) {
		if (p->lines[i].text)
			text = p->lines[i].text;
	}
	return text;
}

static void test_global_data(void **state)
{
	struct fixture f = open_prog("global_data.bpf.o");
	const struct loader_program *p;
	const struct loader_map *ro, *rw, *bss;
	int32_t refs[16][2];
	size_t n;
	uint64_t u64;
	uint32_t u32;

	assert_int_equal(f.obj->program_count, 1);
	p = t_program(f.obj, "global_data");
	assert_string_equal(p->section, "sample_ext");
	assert_int_equal(p->insn_count, t_symbol(f.elf, "global_data")->st_size / 8);
	assert_int_equal(p->main_insn_count, p->insn_count);
	assert_string_equal(f.obj->license, "GPL");

	ro = &f.obj->maps[t_map_index(f.obj, ".rodata")];
	rw = &f.obj->maps[t_map_index(f.obj, ".data")];
	bss = &f.obj->maps[t_map_index(f.obj, ".bss")];
	assert_int_equal(ro->kind, LOADER_MAP_RODATA);
	assert_int_equal(rw->kind, LOADER_MAP_DATA);
	assert_int_equal(bss->kind, LOADER_MAP_BSS);
	assert_true(ro->map_flags & EBPF_F_RDONLY_PROG);
	assert_false(rw->map_flags & EBPF_F_RDONLY_PROG);
	for (const struct loader_map *m = ro; m; m = m == ro ? rw : m == rw ? bss : NULL) {
		assert_int_equal(m->type, EBPF_MAP_TYPE_ARRAY);
		assert_int_equal(m->key_size, 4);
		assert_int_equal(m->max_entries, 1);
		assert_int_equal(m->value_size, t_section(f.elf, m->name, NULL)->sh_size);
		assert_int_equal(m->pinning, LOADER_PIN_NONE);
		assert_int_equal(m->inner_map, -1);
	}
	assert_null(bss->initial_data);

	/* Initial contents, at the offsets the symbols give. */
	memcpy(&u32, (char *)ro->initial_data + t_symbol(f.elf, "rodata_limit")->st_value, 4);
	assert_int_equal(u32, 42);
	memcpy(&u64, (char *)ro->initial_data + t_symbol(f.elf, "rodata_table")->st_value + 24, 8);
	assert_int_equal(u64, 5);
	memcpy(&u64, (char *)rw->initial_data + t_symbol(f.elf, "data_counter")->st_value, 8);
	assert_int_equal(u64, 7);
	memcpy(&u32, (char *)rw->initial_data + t_symbol(f.elf, "data_pair")->st_value + 4, 4);
	assert_int_equal(u32, 0x22222222);

	/* Each variable's lddw names its section's map and its offset there. */
	n = lddws(p, EBPF_PSEUDO_MAP_IDX_VALUE, refs, 16);
	assert_int_equal(n, 6);
	assert_int_equal(lddws(p, EBPF_PSEUDO_IMM, refs + 8, 8), 0);
	assert_true(has_lddw(refs, n, t_map_index(f.obj, ".rodata"),
			     t_symbol(f.elf, "rodata_limit")->st_value));
	assert_true(has_lddw(refs, n, t_map_index(f.obj, ".rodata"),
			     t_symbol(f.elf, "rodata_table")->st_value));
	assert_true(has_lddw(refs, n, t_map_index(f.obj, ".data"),
			     t_symbol(f.elf, "data_counter")->st_value));
	assert_true(
	    has_lddw(refs, n, t_map_index(f.obj, ".data"), t_symbol(f.elf, "data_pair")->st_value));
	assert_true(
	    has_lddw(refs, n, t_map_index(f.obj, ".bss"), t_symbol(f.elf, "bss_hits")->st_value));
	assert_true(
	    has_lddw(refs, n, t_map_index(f.obj, ".bss"), t_symbol(f.elf, "bss_last")->st_value));
	check_lines(p, "global_data.bpf.c");
	close_prog(&f);
}

/* A program's references to user maps: every one is a MAP_IDX lddw naming an existing map. */
static size_t map_refs(const struct loader_object *obj, const struct loader_program *p,
		       int32_t (*refs)[2])
{
	size_t i, n = lddws(p, EBPF_PSEUDO_MAP_IDX, refs, 16);

	for (i = 0; i < n && i < 16; i++) {
		assert_in_range(refs[i][0], 0, obj->map_count - 1);
		assert_int_equal(refs[i][1], 0);
	}
	return n;
}

/* struct bpf_spin_lock found in the values' BTF: one field at its offset, in both maps. */
static void test_spin_lock_fields(void **state)
{
	struct fixture f = open_prog("spin_lock.bpf.o");
	const char *names[] = { "hashed", "arrayed" };

	for (size_t i = 0; i < 2; i++) {
		const struct loader_map *m = &f.obj->maps[t_map_index(f.obj, names[i])];

		assert_int_equal(m->value_size, 32);
		assert_int_equal(m->field_count, 1);
		assert_int_equal(m->fields[0].kind, VERIFIER_FIELD_SPIN_LOCK);
		assert_int_equal(m->fields[0].off, 8);
		assert_int_equal(m->fields[0].size, 4);
		assert_ptr_equal(loader_map_spin_lock(m), &m->fields[0]);
	}
	close_prog(&f);
}

static void test_hash_counter(void **state)
{
	struct fixture f = open_prog("hash_counter.bpf.o");
	const struct loader_program *p = t_program(f.obj, "hash_counter");
	int counters = t_map_index(f.obj, "counters");
	const struct loader_map *m = &f.obj->maps[counters];
	int32_t refs[16][2];
	size_t i, n;

	assert_int_equal(f.obj->map_count, 1);
	assert_int_equal(m->kind, LOADER_MAP_USER);
	assert_int_equal(m->type, EBPF_MAP_TYPE_HASH);
	assert_int_equal(m->key_size, 4);
	assert_int_equal(m->value_size, 8);
	assert_int_equal(m->max_entries, 1024);
	assert_int_equal(m->map_flags, 0);
	assert_null(m->initial_data);
	n = map_refs(f.obj, p, refs);
	assert_int_equal(n, 2); /* lookup and update */
	assert_int_equal(refs[0][0], counters);
	check_lines(p, "hash_counter.bpf.c");
	/* The helper call bpf_map_lookup_elem (id 1) comes from the line that calls it. */
	for (i = 0; i < p->insn_count; i++) {
		if (p->insns[i].code == EBPF_OP_CALL && p->insns[i].imm == BPF_FUNC_map_lookup_elem)
			break;
	}
	assert_true(i < p->insn_count);
	assert_non_null(strstr(line_text_of(p, i), "bpf_map_lookup_elem(&counters"));
	close_prog(&f);
}

static const struct loader_map *only_user_map(struct fixture *f, const char *name)
{
	const struct loader_map *m = &f->obj->maps[t_map_index(f->obj, name)];
	const struct loader_program *p = &f->obj->programs[0];
	int32_t refs[16][2];
	size_t i, n;

	assert_int_equal(f->obj->program_count, 1);
	n = map_refs(f->obj, p, refs);
	assert_true(n > 0);
	for (i = 0; i < n; i++)
		assert_string_equal(f->obj->maps[refs[i][0]].name, name);
	return m;
}

static void test_lru(void **state)
{
	struct fixture f = open_prog("lru.bpf.o");
	const struct loader_map *m = only_user_map(&f, "flows");

	assert_int_equal(m->type, EBPF_MAP_TYPE_LRU_HASH);
	assert_int_equal(m->key_size, 16); /* struct flow_key, padded */
	assert_int_equal(m->value_size, 16);
	assert_int_equal(m->max_entries, 128);
	assert_int_equal(m->map_flags, BPF_F_NO_COMMON_LRU);
	assert_int_equal(m->pinning, LOADER_PIN_BY_NAME);
	close_prog(&f);
}

static void test_lpm(void **state)
{
	struct fixture f = open_prog("lpm.bpf.o");
	const struct loader_map *m = only_user_map(&f, "routes");

	assert_int_equal(m->type, EBPF_MAP_TYPE_LPM_TRIE);
	assert_int_equal(m->key_size, 8);
	assert_int_equal(m->value_size, 4);
	assert_int_equal(m->max_entries, 255);
	assert_int_equal(m->map_flags, EBPF_F_NO_PREALLOC);
	assert_int_equal(m->pinning, LOADER_PIN_NONE);
	close_prog(&f);
}

static void test_ringbuf(void **state)
{
	struct fixture f = open_prog("ringbuf.bpf.o");
	const struct loader_map *m = only_user_map(&f, "events");
	const struct loader_map *bss = &f.obj->maps[t_map_index(f.obj, ".bss")];

	assert_int_equal(m->type, EBPF_MAP_TYPE_RINGBUF);
	assert_int_equal(m->key_size, 0);
	assert_int_equal(m->value_size, 0);
	assert_int_equal(m->max_entries, 4096);
	assert_int_equal(bss->value_size, 8);
	assert_int_equal(f.obj->map_count, 2);
	close_prog(&f);
}

static void test_tail_call(void **state)
{
	struct fixture f = open_prog("tail_call.bpf.o");
	int table = t_map_index(f.obj, "jump_table");
	const struct loader_map *m = &f.obj->maps[table];
	const char *names[] = { "entry", "stage_one", "stage_two" };
	const char *sections[] = { "sample_ext", "sample_ext/stage", "sample_ext/stage" };
	int32_t refs[16][2];
	size_t i;

	assert_int_equal(f.obj->program_count, 3);
	for (i = 0; i < 3; i++) {
		const struct loader_program *p = t_program(f.obj, names[i]);

		assert_string_equal(p->section, sections[i]);
		assert_int_equal(p->insn_count, t_symbol(f.elf, names[i])->st_size / 8);
		assert_int_equal(p->main_insn_count, p->insn_count);
		check_lines(p, "tail_call.bpf.c");
		/* The two that tail-call refer to the table. */
		assert_int_equal(map_refs(f.obj, p, refs), i < 2);
		if (i < 2)
			assert_int_equal(refs[0][0], table);
	}
	assert_int_equal(m->type, EBPF_MAP_TYPE_PROG_ARRAY);
	assert_int_equal(m->key_size, 4);
	assert_int_equal(m->value_size, 4);
	assert_int_equal(m->max_entries, 4);
	assert_int_equal(m->init_count, 2);
	assert_int_equal(m->init_map_count, 0);
	for (i = 0; i < m->init_count; i++) {
		const char *want = m->init_slots[i] == 1 ? "stage_one" : "stage_two";

		assert_in_range(m->init_slots[i], 1, 2);
		assert_in_range(m->init_programs[i], 0, f.obj->program_count - 1);
		assert_string_equal(f.obj->programs[m->init_programs[i]].name, want);
	}
	assert_int_not_equal(m->init_slots[0], m->init_slots[1]);
	close_prog(&f);
}

static void test_map_in_map(void **state)
{
	struct fixture f = open_prog("map_in_map.bpf.o");
	int outer = t_map_index(f.obj, "outer"), inner_a = t_map_index(f.obj, "inner_a");
	const struct loader_map *m = &f.obj->maps[outer], *tmpl;
	const struct loader_program *p = t_program(f.obj, "map_in_map");
	int32_t refs[16][2];

	assert_int_equal(m->type, EBPF_MAP_TYPE_ARRAY_OF_MAPS);
	assert_int_equal(m->key_size, 4);
	assert_int_equal(m->value_size, 4);
	assert_int_equal(m->max_entries, 8);
	assert_in_range(m->inner_map, 0, f.obj->map_count - 1);
	tmpl = &f.obj->maps[m->inner_map];
	assert_string_equal(tmpl->name, "outer.inner");
	assert_true(tmpl->inner_template);
	assert_false(m->inner_template);
	assert_false(f.obj->maps[inner_a].inner_template);
	assert_int_equal(tmpl->type, EBPF_MAP_TYPE_HASH);
	assert_int_equal(tmpl->key_size, 4);
	assert_int_equal(tmpl->value_size, 8);
	assert_int_equal(tmpl->max_entries, 16);
	/* Maps go in the map initialisers, not the program ones. */
	assert_int_equal(m->init_count, 0);
	assert_int_equal(m->init_map_count, 1);
	assert_int_equal(m->init_map_slots[0], 3);
	assert_int_equal(m->init_maps[0], inner_a);
	/* The program looks up the outer map only: the inner one comes from the lookup. */
	assert_int_equal(map_refs(f.obj, p, refs), 1);
	assert_int_equal(refs[0][0], outer);
	close_prog(&f);
}

/* Does the code at prog->insns[at] match function `name` of the object, instruction by
 * instruction (immediates of calls and lddw aside, which relocation rewrites)? */
static bool is_function_at(struct fixture *f, const struct loader_program *p, size_t at,
			   const char *name)
{
	Elf64_Sym *sym = t_symbol(f->elf, name);
	const struct ebpf_inst *code =
	    (const void *)(f->elf + t_shdr(f->elf, sym->st_shndx)->sh_offset + sym->st_value);
	size_t i, n = sym->st_size / 8;

	if (at + n > p->insn_count)
		return false;
	for (i = 0; i < n; i++) {
		const struct ebpf_inst *a = &p->insns[at + i], *b = &code[i];
		bool reloc = b->code == EBPF_OP_CALL || b->code == EBPF_OP_LDDW;

		if (a->code != b->code || a->dst_reg != b->dst_reg || a->off != b->off ||
		    (!reloc && (a->src_reg != b->src_reg || a->imm != b->imm)))
			return false;
	}
	return true;
}

/* The targets of the program's bpf-to-bpf calls and function pointers, in order. */
static size_t local_targets(const struct loader_program *p, size_t *out, size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < p->insn_count; i++) {
		const struct ebpf_inst *insn = &p->insns[i];
		bool call = insn->code == EBPF_OP_CALL && insn->src_reg == EBPF_CALL_LOCAL;
		bool func = insn->code == EBPF_OP_LDDW && insn->src_reg == EBPF_PSEUDO_FUNC;

		if ((call || func) && n < max) {
			int64_t to = (int64_t)i + insn->imm + 1;

			assert_in_range(to, 0, p->insn_count - 1);
			out[n++] = (size_t)to;
		}
		if (insn->code == EBPF_OP_LDDW)
			i++;
	}
	return n;
}

static size_t func_insns(struct fixture *f, const char *name)
{
	return t_symbol(f->elf, name)->st_size / 8;
}

static void test_subprog(void **state)
{
	struct fixture f = open_prog("subprog.bpf.o");
	const struct loader_program *sum, *twice, *loop, *voids;
	size_t t[8];

	assert_string_equal(f.obj->license, "Dual MIT/GPL");
	/* Only global functions outside .text are programs; two share a section. */
	assert_int_equal(f.obj->program_count, 4);
	sum = t_program(f.obj, "sum_squares");
	twice = t_program(f.obj, "twice_squared");
	loop = t_program(f.obj, "loop");
	voids = t_program(f.obj, "void_subprogs");
	assert_string_equal(sum->section, "sample_ext");
	assert_string_equal(twice->section, "sample_ext");
	assert_string_equal(loop->section, "sample_ext/loop");

	/* sum_squares -> add_squares (global, .text) -> square (static, .text), twice. */
	assert_int_equal(sum->main_insn_count, func_insns(&f, "sum_squares"));
	assert_int_equal(sum->insn_count, func_insns(&f, "sum_squares") +
					      func_insns(&f, "add_squares") +
					      func_insns(&f, "square"));
	assert_true(is_function_at(&f, sum, 0, "sum_squares"));
	assert_int_equal(local_targets(sum, t, 8), 3);
	assert_true(is_function_at(&f, sum, t[0], "add_squares"));
	assert_true(is_function_at(&f, sum, t[1], "square"));
	assert_int_equal(t[1], t[2]);
	assert_true(t[0] >= sum->main_insn_count);

	/* twice_squared -> square, twice (.text) and add_one (static, its own section, called
	 * without a relocation). */
	assert_int_equal(twice->insn_count, func_insns(&f, "twice_squared") +
						func_insns(&f, "square") + func_insns(&f, "twice") +
						func_insns(&f, "add_one"));
	assert_int_equal(local_targets(twice, t, 8), 3);
	assert_true(is_function_at(&f, twice, t[0], "square"));
	assert_true(is_function_at(&f, twice, t[1], "twice"));
	assert_true(is_function_at(&f, twice, t[2], "add_one"));

	/* loop passes loop_step to bpf_loop: an lddw function pointer. */
	assert_int_equal(loop->insn_count, func_insns(&f, "loop") + func_insns(&f, "loop_step"));
	assert_int_equal(local_targets(loop, t, 8), 1);
	assert_true(is_function_at(&f, loop, t[0], "loop_step"));

	/* Line info follows the appended subprograms. */
	check_lines(sum, "subprog.bpf.c");
	check_lines(twice, "subprog.bpf.c");
	check_lines(loop, "subprog.bpf.c");
	assert_non_null(strstr(line_text_of(loop, t[0] + 1), "*(int *)arg += index;"));
	local_targets(sum, t, 8);
	assert_non_null(strstr(line_text_of(sum, t[1] + 1), "return x * x;"));

	/* void_subprogs -> store_sum, swap_halves (.text), each once. */
	assert_int_equal(voids->insn_count, func_insns(&f, "void_subprogs") +
						func_insns(&f, "store_sum") +
						func_insns(&f, "swap_halves"));
	assert_int_equal(local_targets(voids, t, 8), 2);
	check_lines(voids, "subprog.bpf.c");
	close_prog(&f);
}

static void test_legacy_maps(void **state)
{
	struct fixture f = open_prog("legacy_maps.bpf.o");
	int array = t_map_index(f.obj, "legacy_array"), hash = t_map_index(f.obj, "legacy_hash");
	const struct loader_program *p = t_program(f.obj, "legacy");
	const struct loader_map *a = &f.obj->maps[array], *h = &f.obj->maps[hash];
	int32_t refs[16][2];

	assert_int_equal(f.obj->map_count, 2);
	assert_int_equal(a->type, EBPF_MAP_TYPE_ARRAY);
	assert_int_equal(a->key_size, 4);
	assert_int_equal(a->value_size, 8);
	assert_int_equal(a->max_entries, 16);
	assert_int_equal(a->map_flags, 0);
	assert_int_equal(h->type, EBPF_MAP_TYPE_HASH);
	assert_int_equal(h->key_size, 8);
	assert_int_equal(h->value_size, 24);
	assert_int_equal(h->max_entries, 64);
	assert_int_equal(h->map_flags, EBPF_F_NO_PREALLOC);
	assert_int_equal(f.obj->kern_version, 0x050a00);
	assert_int_equal(map_refs(f.obj, p, refs), 2);
	assert_int_equal(refs[0][0], array);
	assert_int_equal(refs[1][0], hash);
	check_lines(p, "legacy_maps.bpf.c");
	close_prog(&f);
}

/* loader_open_file reads the file and names the object after it. */
static void test_open_file(void **state)
{
	struct loader_object *obj;
	char path[4096], err[256];

	snprintf(path, sizeof(path), "%s/tests/progs/tail_call.bpf.o", getenv("EXTBPF_BUILD_DIR"));
	assert_int_equal(loader_open_file(path, &obj, err, sizeof(err)), 0);
	assert_string_equal(obj->name, "tail_call.bpf.o");
	assert_int_equal(obj->program_count, 3);
	loader_object_free(obj);

	snprintf(path, sizeof(path), "%s/tests/progs/missing.bpf.o", getenv("EXTBPF_BUILD_DIR"));
	assert_int_equal(loader_open_file(path, &obj, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "missing.bpf.o"));
	assert_int_equal(loader_open_file(getenv("EXTBPF_BUILD_DIR"), &obj, err, sizeof(err)),
			 -EISDIR);
	assert_non_null(strstr(err, "is a directory"));
	assert_int_equal(loader_open_file("/dev/null", &obj, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "not a regular file"));
	loader_object_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_global_data),
		cmocka_unit_test(test_hash_counter),
		cmocka_unit_test(test_spin_lock_fields),
		cmocka_unit_test(test_lru),
		cmocka_unit_test(test_lpm),
		cmocka_unit_test(test_ringbuf),
		cmocka_unit_test(test_tail_call),
		cmocka_unit_test(test_map_in_map),
		cmocka_unit_test(test_subprog),
		cmocka_unit_test(test_legacy_maps),
		cmocka_unit_test(test_open_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
