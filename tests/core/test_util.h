/* SPDX-License-Identifier: MIT */
/* Small helpers shared by the core tests: raw instructions, object files, program types. */
#ifndef EXTBPF_TESTS_CORE_UTIL_H
#define EXTBPF_TESTS_CORE_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <extbpf/extbpf.h>

#define INSN(c, d, s, o, i)                                                                        \
	{                                                                                          \
		.code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i)                \
	}
#define MOV64_IMM(dst, imm) INSN(0xb7, dst, 0, 0, imm)
#define MOV64_REG(dst, src) INSN(0xbf, dst, src, 0, 0)
#define CALL(id)	    INSN(0x85, 0, 0, 0, id)
#define EXIT()		    INSN(0x95, 0, 0, 0, 0)

/* r0 = value; exit */
#define PROG_RETURN(value)                                                                         \
	{                                                                                          \
		MOV64_IMM(0, value), EXIT()                                                        \
	}

/* The path of a BPF object built from tests/progs (PROGS_DIR from CMake). */
static inline const char *prog_path(const char *name)
{
	static char path[4096];

	snprintf(path, sizeof(path), "%s/%s", PROGS_DIR, name);
	return path;
}

/* True when ebpf_last_error() contains every one of the given words. */
static inline int error_has(const char *word)
{
	if (strstr(ebpf_last_error(), word))
		return 1;
	fprintf(stderr, "message '%s' lacks '%s'\n", ebpf_last_error(), word);
	return 0;
}

/* The sum of key 0's per-CPU slots, as a host reads them (Linux's layout: 8-byte slots);
 * UINT64_MAX when the lookup fails. */
static inline uint64_t percpu_sum(struct ebpf_map *map)
{
	uint32_t ncpus = ebpf_num_possible_cpus(), key = 0;
	uint64_t *slots = calloc(ncpus, sizeof(*slots)), sum = 0;

	if (!slots || ebpf_map_lookup_elem(map, &key, slots)) {
		free(slots);
		return UINT64_MAX;
	}
	for (uint32_t i = 0; i < ncpus; i++)
		sum += slots[i];
	free(slots);
	return sum;
}

/* Counts the program types named `want` (a callback of ebpf_foreach_program_type). */
struct found {
	const char *want;
	int hits;
};

static inline int count_type(const struct ebpf_program_info *info, void *arg)
{
	struct found *f = arg;

	f->hits += !strcmp(info->name, f->want);
	return 0;
}

/* An extension's load that registers one program type and hooks under module_id. */
static inline int register_one_type(const nmr_guid_t *module_id,
				    const struct ebpf_program_info *type,
				    struct ebpf_hook *const *hooks, uint32_t hook_count,
				    nmr_registrar_t *registrar, void **state)
{
	const struct ebpf_program_info *types[] = { type };
	const struct ebpf_extension_registration reg = {
		.header = EBPF_EXTENSION_HEADER(struct ebpf_extension_registration,
						EBPF_EXTENSION_REGISTRATION_VERSION),
		.module_id = *module_id,
		.program_types = types,
		.program_type_count = 1,
		.hooks = hooks,
		.hook_count = hook_count,
	};
	struct ebpf_extension_providers *providers;
	int err = ebpf_extension_register(registrar, &reg, &providers);

	if (!err)
		*state = providers;
	return err;
}

#endif /* EXTBPF_TESTS_CORE_UTIL_H */
