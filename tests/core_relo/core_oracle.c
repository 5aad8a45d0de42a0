// SPDX-License-Identifier: MIT
/*
 * libbpf as the oracle of extbpf's CO-RE relocation: for each object given, libbpf opens it and
 * loads it into the running kernel (which makes it apply its CO-RE relocations against the
 * kernel's BTF, whatever the kernel then says about the programs), and extbpf's loader relocates
 * the same programs against /sys/kernel/btf/vmlinux (loader_core_relocate). Every relocated
 * instruction must be the same in both, poisoned ones included.
 *
 * usage: core_oracle OBJECT...
 * Prints each difference and a total; exits 1 on a difference, 77 when the kernel cannot be
 * asked (no bpf(), no kernel BTF), 0 otherwise. Objects extbpf's loader refuses are listed and
 * skipped.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "loader/loader.h"
#include "oracle_maps.h"

#define SKIP 77

struct totals {
	long same, different, skipped;
};

static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level, (void)fmt, (void)ap;
	return 0;
}

static const struct loader_program *find_program(const struct loader_object *lo, const char *name)
{
	for (size_t i = 0; i < lo->program_count; i++) {
		if (!strcmp(lo->programs[i].name, name))
			return &lo->programs[i];
	}
	return NULL;
}

static bool same_insn(const struct ebpf_inst *mine, const struct bpf_insn *theirs)
{
	if (mine->code != theirs->code || mine->off != theirs->off || mine->imm != theirs->imm)
		return false;
	return mine->code != 0x18 || mine[1].imm == theirs[1].imm; /* lddw: both halves */
}

/* One program: extbpf's relocation of lp against libbpf's instructions of p. */
static void compare(const char *path, const struct loader_object *lo,
		    const struct loader_program *lp, const struct bpf_program *p,
		    const struct loader_core_target *target, struct totals *t)
{
	const struct bpf_insn *theirs = bpf_program__insns(p);
	struct ebpf_inst *mine = malloc(lp->insn_count * sizeof(*mine));
	struct loader_core_poison *poison = NULL;
	size_t npoison;
	char err[512];

	if (!mine)
		exit(2);
	memcpy(mine, lp->insns, lp->insn_count * sizeof(*mine));
	if (loader_core_relocate(lo, lp, target, mine, &poison, &npoison, err, sizeof(err))) {
		printf("DIFF %s %s: extbpf refuses: %s\n", path, lp->name, err);
		t->different += (long)lp->core_relo_count;
	} else if (bpf_program__insn_cnt(p) < lp->insn_count) {
		/* libbpf left it alone (not loaded, or replaced): nothing to compare */
		t->skipped += (long)lp->core_relo_count;
	} else {
		for (size_t r = 0; r < lp->core_relo_count; r++) {
			uint32_t k = lp->core_relos[r].insn;

			if (same_insn(&mine[k], &theirs[k])) {
				t->same++;
				continue;
			}
			t->different++;
			printf("DIFF %s %s insn %u (%s): extbpf %#04x off %d imm %d, libbpf %#04x "
			       "off %d imm %d\n",
			       path, lp->name, k, loader_core_kind_name(lp->core_relos[r].kind),
			       mine[k].code, mine[k].off, mine[k].imm, theirs[k].code,
			       theirs[k].off, theirs[k].imm);
		}
	}
	free(poison);
	free(mine);
}

static void one_object(const char *path, const struct loader_core_target *target, struct totals *t)
{
	struct bpf_object *obj = bpf_object__open_file(path, NULL);
	struct loader_object *lo;
	struct bpf_program *p;
	char err[512];

	if (!obj) {
		printf("skipped %s: libbpf cannot open it\n", path);
		return;
	}
	/* Relocates every program before loading any; the kernel's verdicts do not matter (it
	 * refuses trampoline programs with EPERM here). */
	/* libbpf creates the maps before it relocates: unsized, it would relocate nothing. */
	oracle_size_maps(obj);
	bpf_object__load(obj);
	if (loader_open_file(path, &lo, err, sizeof(err))) {
		printf("skipped %s: %s\n", path, err);
		bpf_object__close(obj);
		return;
	}
	bpf_object__for_each_program(p, obj)
	{
		const struct loader_program *lp = find_program(lo, bpf_program__name(p));

		if (lp && lp->core_relo_count)
			compare(path, lo, lp, p, target, t);
	}
	loader_object_free(lo);
	bpf_object__close(obj);
}

int main(int argc, char **argv)
{
	struct btf *vmlinux = btf__parse("/sys/kernel/btf/vmlinux", NULL);
	struct loader_core_target *target;
	struct totals t = { 0 };
	int i;

	libbpf_set_print(quiet);
	if (!vmlinux) {
		printf("skipped: /sys/kernel/btf/vmlinux is absent\n");
		return SKIP;
	}
	if (loader_core_target_new(vmlinux, &target))
		return 2;
	if (libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_SOCKET_FILTER, NULL) != 1) {
		printf("skipped: the kernel refuses bpf() here\n");
		loader_core_target_free(target);
		return SKIP;
	}
	for (i = 1; i < argc; i++)
		one_object(argv[i], target, &t);
	printf("CO-RE against libbpf: %ld relocations agree, %ld differ, %ld not compared\n",
	       t.same, t.different, t.skipped);
	loader_core_target_free(target);
	return t.different ? 1 : 0;
}
