// SPDX-License-Identifier: MIT
/*
 * Inspection of objects for tools: what the loader found (programs, disassembly with source
 * lines) without verifying, creating or running anything, so that a program the verifier
 * refuses can still be read; and what verifying a loaded program took.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/core.h"
#include "core/error.h"
#include "isa/isa.h"
#include "loader/loader.h"

static int open_object(const char *path, struct loader_object **lo)
{
	char msg[512] = "";
	int err;

	if (!path)
		return core_error(-EINVAL, "object: no path");
	/* Reading its programs would mean loading it, which runs its code. */
	if (ebpf_object_is_native(path))
		return core_error(-ENOEXEC,
				  "object '%s' is a shared library, not a BPF object (for one made "
				  "by 'extbpf compile', inspect the object it was made from)",
				  path);
	err = loader_open_file(path, lo, msg, sizeof(msg));
	if (err)
		return core_error(err, "object '%s': %s", path, msg);
	return 0;
}

int ebpf_object_programs(const char *path, ebpf_object_program_cb cb, void *arg)
{
	struct loader_object *lo;
	int err;

	core_error_clear();
	if (!cb)
		return core_error(-EINVAL, "ebpf_object_programs: no callback");
	err = open_object(path, &lo);
	if (err)
		return err;
	for (size_t i = 0; i < lo->program_count && !err; i++) {
		const struct loader_program *lp = &lo->programs[i];
		struct ebpf_object_program_info info = {
			.name = lp->name,
			.section = lp->section,
			.insn_count = lp->insn_count,
			.type_section = lp->type_section ? lp->type_section : lp->section,
		};

		err = cb(&info, arg);
	}
	loader_object_free(lo);
	return err;
}

/* The map an lddw refers to, as the loader relocated it (loader.h), or NULL. */
static const char *lddw_map(const struct loader_object *lo, const struct ebpf_inst *insn)
{
	if (insn->code != EBPF_OP_LDDW)
		return NULL;
	if (insn->src_reg != EBPF_PSEUDO_MAP_IDX && insn->src_reg != EBPF_PSEUDO_MAP_IDX_VALUE)
		return NULL;
	if (insn->imm < 0 || (size_t)insn->imm >= lo->map_count)
		return NULL;
	return lo->maps[insn->imm].name;
}

static int disassemble_program(const struct loader_object *lo, const struct loader_program *lp,
			       enum ebpf_disasm_style style, ebpf_disasm_cb cb, void *arg)
{
	size_t next_line = 0;
	char text[256];

	for (size_t i = 0; i < lp->insn_count;) {
		struct ebpf_disasm_line line = {
			.program = lp->name,
			.section = lp->section,
			.index = i,
			.count = lp->insn_count,
			.insn = &lp->insns[i],
			.text = text,
		};
		int slots, err;

		/* Line info is sorted: skip entries of earlier instructions (mid-lddw ones). */
		while (next_line < lp->line_count && lp->lines[next_line].insn < i)
			next_line++;
		if (next_line < lp->line_count && lp->lines[next_line].insn == i) {
			line.source = lp->lines[next_line].text;
			line.file = lp->lines[next_line].file;
			line.line = lp->lines[next_line].line;
		}
		slots = isa_disasm(lp->insns, lp->insn_count, i, style, text, sizeof(text));
		line.invalid = slots < 0;
		line.slots = slots < 0 ? 1 : slots;
		line.map = lddw_map(lo, line.insn);
		err = cb(&line, arg);
		if (err)
			return err;
		i += (size_t)line.slots;
	}
	return 0;
}

static bool program_matches(const struct loader_program *lp, const char *name)
{
	return !name || !strcmp(lp->name, name) || !strcmp(lp->section, name);
}

int ebpf_object_disassemble(const char *path, const char *program, enum ebpf_disasm_style style,
			    ebpf_disasm_cb cb, void *arg)
{
	struct loader_object *lo;
	bool found = false;
	int err;

	core_error_clear();
	if (!cb)
		return core_error(-EINVAL, "ebpf_object_disassemble: no callback");
	err = open_object(path, &lo);
	if (err)
		return err;
	for (size_t i = 0; i < lo->program_count && !err; i++) {
		if (!program_matches(&lo->programs[i], program))
			continue;
		found = true;
		err = disassemble_program(lo, &lo->programs[i], style, cb, arg);
	}
	if (!err && !found)
		err = core_error(-ENOENT,
				 "object '%s': no program in a section or function named '%s'",
				 path, program);
	loader_object_free(lo);
	return err;
}

int ebpf_program_verifier_stats(const struct ebpf_program *program,
				struct ebpf_verifier_stats *stats)
{
	struct ebpf_verifier_stats s;
	size_t size;

	core_error_clear();
	if (!program || !stats || stats->sz < sizeof(stats->sz))
		return core_error(-EINVAL, "ebpf_program_verifier_stats: bad arguments");
	/* Copy only what the caller's version of the structure has. */
	size = stats->sz < sizeof(s) ? stats->sz : sizeof(s);
	s = (struct ebpf_verifier_stats){
		.sz = size,
		.insns_processed = program->verified_insns,
		.states_kept = program->verified_states,
		.max_stack_depth = program->verified_stack_depth,
	};
	memcpy(stats, &s, size);
	return 0;
}
