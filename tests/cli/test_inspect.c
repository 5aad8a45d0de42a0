// SPDX-License-Identifier: MIT
/*
 * The public calls the tool's disasm, verify and link verbs stand on: listing and
 * disassembling an object's programs without verifying them (source lines, map names, a
 * refused program), verifier statistics, and looking up a symbol of a loaded extension.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <extbpf/extbpf.h>

static const char *path_of(const char *name)
{
	static char path[4096];

	snprintf(path, sizeof(path), "%s/tests/progs/%s", getenv("EXTBPF_BUILD_DIR"), name);
	return path;
}

/* ---- ebpf_object_programs ---------------------------------------------------------------- */

struct listed {
	char names[4][64];
	char sections[4][64];
	char type_sections[4][64];
	size_t counts[4];
	int n;
	int stop_after; /* return non-zero after this many, 0: never */
};

static int list_cb(const struct ebpf_object_program_info *p, void *arg)
{
	struct listed *l = arg;

	if (l->n < 4) {
		snprintf(l->names[l->n], 64, "%s", p->name);
		snprintf(l->sections[l->n], 64, "%s", p->section);
		snprintf(l->type_sections[l->n], 64, "%s", p->type_section);
		l->counts[l->n] = p->insn_count;
	}
	l->n++;
	return l->stop_after && l->n == l->stop_after ? 7 : 0;
}

static void test_programs_lists_refused_objects(void **state)
{
	struct listed l = { 0 };

	/* One of the two programs is refused by the verifier: listing does not verify. */
	assert_int_equal(ebpf_object_programs(path_of("sample_refused.bpf.o"), list_cb, &l), 0);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.names[0], "good");
	assert_string_equal(l.sections[0], "sample_ext");
	assert_string_equal(l.names[1], "writes_uid");
	assert_string_equal(l.sections[1], "sample_ext/bad");
	assert_true(l.counts[0] >= 2);
}

/* iproute2's tail-call sections take the type of the object's main section: the listing says
 * which, so a tool knows the program type without resolving it itself. */
static void test_programs_type_section(void **state)
{
	struct listed l = { 0 };

	assert_int_equal(ebpf_object_programs(path_of("formats/tc_tail_hex.bpf.o"), list_cb, &l),
			 0);
	assert_int_equal(l.n, 3);
	for (int i = 0; i < 3; i++)
		assert_string_equal(l.type_sections[i], "classifier");
	assert_string_equal(l.sections[0], "0x2a/0");
	l.n = 0;
	assert_int_equal(ebpf_object_programs(path_of("sample_refused.bpf.o"), list_cb, &l), 0);
	assert_string_equal(l.type_sections[1], "sample_ext/bad");
}

static void test_programs_callback_stops(void **state)
{
	struct listed l = { .stop_after = 1 };

	assert_int_equal(ebpf_object_programs(path_of("sample_refused.bpf.o"), list_cb, &l), 7);
	assert_int_equal(l.n, 1);
}

static void test_programs_bad_input(void **state)
{
	struct listed l = { 0 };

	assert_true(ebpf_object_programs(path_of("no_such.bpf.o"), list_cb, &l) < 0);
	assert_non_null(strstr(ebpf_last_error(), "no_such.bpf.o"));
	assert_int_equal(ebpf_object_programs(path_of("sample_count.bpf.o"), NULL, NULL), -EINVAL);
	assert_int_equal(l.n, 0);
}

/* ---- ebpf_object_disassemble ------------------------------------------------------------- */

struct disasm {
	size_t lines, slots, expected_count, lddw, with_map;
	bool saw_uid_source, saw_exit, source_lines_ok;
	size_t next_index;
	bool indexes_ok;
};

static int disasm_cb(const struct ebpf_disasm_line *l, void *arg)
{
	struct disasm *d = arg;

	d->indexes_ok = d->indexes_ok && l->index == d->next_index;
	d->next_index = l->index + (size_t)l->slots;
	d->expected_count = l->count;
	d->lines++;
	d->slots += (size_t)l->slots;
	if (l->slots == 2)
		d->lddw++;
	if (l->map) {
		d->with_map++;
		assert_string_equal(l->map, "hits");
		assert_int_equal(l->slots, 2);
	}
	if (l->source && strstr(l->source, "ctx->uid"))
		d->saw_uid_source = true;
	if (l->source)
		d->source_lines_ok = d->source_lines_ok && l->line > 0 && l->file;
	if (!strcmp(l->text, "exit"))
		d->saw_exit = true;
	assert_false(l->invalid);
	assert_string_equal(l->program, "count_hits");
	return 0;
}

static void test_disassemble_object(void **state)
{
	struct disasm d = { .indexes_ok = true, .source_lines_ok = true };

	assert_int_equal(ebpf_object_disassemble(path_of("sample_count.bpf.o"), NULL, EBPF_DISASM_C,
						 disasm_cb, &d),
			 0);
	/* Every slot is covered once, in order; lddw takes two. */
	assert_true(d.indexes_ok);
	assert_int_equal(d.slots, d.expected_count);
	assert_int_equal(d.lines, d.expected_count - d.lddw);
	/* &hits is loaded for the lookup and for the update; it is the only lddw. */
	assert_int_equal(d.with_map, 2);
	assert_int_equal(d.lddw, 2);
	assert_true(d.saw_uid_source);
	assert_true(d.source_lines_ok);
	assert_true(d.saw_exit);
}

struct only {
	int lines;
	char program[64];
};

static int only_cb(const struct ebpf_disasm_line *l, void *arg)
{
	struct only *o = arg;

	o->lines++;
	snprintf(o->program, sizeof(o->program), "%s", l->program);
	return 0;
}

static void test_disassemble_selects_refused_program(void **state)
{
	struct only by_section = { 0 }, by_name = { 0 };

	assert_int_equal(ebpf_object_disassemble(path_of("sample_refused.bpf.o"), "sample_ext/bad",
						 EBPF_DISASM_ASM, only_cb, &by_section),
			 0);
	assert_string_equal(by_section.program, "writes_uid");
	assert_int_equal(ebpf_object_disassemble(path_of("sample_refused.bpf.o"), "writes_uid",
						 EBPF_DISASM_ASM, only_cb, &by_name),
			 0);
	assert_int_equal(by_name.lines, by_section.lines);
	assert_true(by_name.lines > 0);
}

static int stop_cb(const struct ebpf_disasm_line *l, void *arg)
{
	(*(int *)arg)++;
	return -ECANCELED;
}

static void test_disassemble_errors(void **state)
{
	int calls = 0;

	assert_int_equal(ebpf_object_disassemble(path_of("sample_count.bpf.o"), "nosuch",
						 EBPF_DISASM_C, stop_cb, &calls),
			 -ENOENT);
	assert_non_null(strstr(ebpf_last_error(), "'nosuch'"));
	assert_int_equal(calls, 0);
	assert_int_equal(ebpf_object_disassemble(path_of("sample_count.bpf.o"), NULL, EBPF_DISASM_C,
						 stop_cb, &calls),
			 -ECANCELED);
	assert_int_equal(calls, 1);
	assert_true(ebpf_object_disassemble(path_of("none.bpf.o"), NULL, EBPF_DISASM_C, stop_cb,
					    &calls) < 0);
	assert_int_equal(
	    ebpf_object_disassemble(path_of("sample_count.bpf.o"), NULL, EBPF_DISASM_C, NULL, NULL),
	    -EINVAL);
}

/* ---- verifier statistics and extension symbols (need the sample extension) --------------- */

static int load_sample(struct ebpf_extension **ext)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/lib/extbpf/sample.so", getenv("EXTBPF_BUILD_DIR"));
	return ebpf_extension_load(path, ext);
}

static void test_verifier_stats(void **state)
{
	struct ebpf_verifier_stats stats = { .sz = sizeof(stats) };
	struct ebpf_object_open_opts opts = { .sz = sizeof(opts), .verify_only = true };
	struct ebpf_object *obj;
	struct ebpf_program *prog;
	size_t count;

	assert_int_equal(load_sample(NULL), 0);
	assert_int_equal(ebpf_object_open(path_of("sample_count.bpf.o"), &opts, &obj), 0);
	prog = ebpf_object_find_program(obj, "count_hits");
	assert_non_null(prog);
	ebpf_program_insns(prog, &count);
	assert_int_equal(ebpf_program_verifier_stats(prog, &stats), 0);
	assert_int_equal(stats.sz, sizeof(stats));
	/* A core that records them walked every instruction at least once. */
	if (stats.insns_processed)
		assert_true(stats.insns_processed >= count - 1);
	stats.sz = 0;
	assert_int_equal(ebpf_program_verifier_stats(prog, &stats), -EINVAL);
	assert_int_equal(ebpf_program_verifier_stats(NULL, &stats), -EINVAL);
	ebpf_object_close(obj);
	ebpf_runtime_shutdown();
}

typedef int (*fire_fn)(void *data, size_t size, uint32_t uid, uint32_t *verdict, uint32_t *results,
		       size_t *count, uint64_t *counter);

static void test_extension_symbol(void **state)
{
	struct ebpf_extension *ext;
	uint32_t verdict = 1;
	size_t count = 0;
	char data[] = "abc";
	fire_fn fire;
	void *symbol;

	assert_int_equal(load_sample(&ext), 0);
	symbol = ebpf_extension_symbol(ext, "sample_hook_fire");
	assert_non_null(symbol);
	*(void **)&fire = symbol;
	/* Nothing attached: no program runs, the verdict is 0. */
	assert_int_equal(fire(data, 3, 0, &verdict, NULL, &count, NULL), 0);
	assert_int_equal(count, 0);
	assert_int_equal(verdict, 0);

	assert_null(ebpf_extension_symbol(ext, "no_such_symbol"));
	assert_non_null(strstr(ebpf_last_error(), "no_such_symbol"));
	assert_null(ebpf_extension_symbol(NULL, "sample_hook_fire"));
	assert_null(ebpf_extension_symbol(ext, NULL));
	ebpf_runtime_shutdown();
}

static int load_nothing(nmr_registrar_t *registrar, void **state)
{
	*state = NULL;
	return 0;
}

static void unload_nothing(void *state)
{
}

static const struct ebpf_extension_descriptor static_ext = {
	.header = EBPF_EXTENSION_HEADER(struct ebpf_extension_descriptor,
					EBPF_EXTENSION_DESCRIPTOR_VERSION),
	.name = "inspect_static",
	.description = "linked into the test",
	.load = load_nothing,
	.unload = unload_nothing,
};

static void test_extension_symbol_static(void **state)
{
	struct ebpf_extension *ext;

	assert_int_equal(ebpf_extension_add_static(&static_ext, &ext), 0);
	assert_null(ebpf_extension_symbol(ext, "main"));
	assert_non_null(strstr(ebpf_last_error(), "linked into the host"));
	ebpf_runtime_shutdown();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_programs_lists_refused_objects),
		cmocka_unit_test(test_programs_type_section),
		cmocka_unit_test(test_programs_callback_stops),
		cmocka_unit_test(test_programs_bad_input),
		cmocka_unit_test(test_disassemble_object),
		cmocka_unit_test(test_disassemble_selects_refused_program),
		cmocka_unit_test(test_disassemble_errors),
		cmocka_unit_test(test_verifier_stats),
		cmocka_unit_test(test_extension_symbol),
		cmocka_unit_test(test_extension_symbol_static),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
