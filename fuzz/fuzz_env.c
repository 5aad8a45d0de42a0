// SPDX-License-Identifier: MIT
/* The fuzz program type, its maps and helpers, and the soundness oracle (see fuzz_env.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec/exec.h"
#include "fuzz_env.h"

#define FUZZ_MAX_ENTRIES  4
#define FUZZ_RUN_LIMIT	  100000 /* instructions per checked run: loops are bounded, not short */
#define FUZZ_VERIFY_LIMIT 20000	 /* the verifier needs ~15 us per insn: keep units fast */

/* Where a helper may look for the interpreter's stack: above its own frame, within this. */
#define FUZZ_STACK_WINDOW (256 * 1024)

struct fuzz_world;

/* A map as the helpers see it: r1 of a map helper is the address of one of these. */
struct fuzz_map {
	enum ebpf_map_type type;
	uint32_t key_size;
	uint32_t value_size;
	uint32_t max_entries;
	bool used[FUZZ_MAX_ENTRIES];
	uint32_t keys[FUZZ_MAX_ENTRIES];
	uint8_t *values[FUZZ_MAX_ENTRIES]; /* one allocation each, so ASan sees overruns */
	struct fuzz_world *world;
};

/* Everything one program run may touch besides its stack. */
struct fuzz_world {
	uint64_t ctx[FUZZ_CTX_SIZE / 8];
	uint8_t *packet;
	size_t packet_size;
	struct fuzz_map maps[FUZZ_MAP_COUNT];
};

static const struct verifier_map fuzz_maps[FUZZ_MAP_COUNT] = {
	[FUZZ_MAP_ARRAY] = { "array", EBPF_MAP_TYPE_ARRAY, 4, 16, FUZZ_MAX_ENTRIES, 0, false, NULL,
			     -1 },
	[FUZZ_MAP_HASH] = { "hash", EBPF_MAP_TYPE_HASH, 4, 8, FUZZ_MAX_ENTRIES, 0, false, NULL,
			    -1 },
	[FUZZ_MAP_DATA] = { ".data", EBPF_MAP_TYPE_ARRAY, 4, 32, 1, 0, false, NULL, -1 },
};

static const struct ebpf_helper_proto fuzz_global_protos[] = {
	{ .id = FUZZ_HELPER_LOOKUP,
	  .name = "bpf_map_lookup_elem",
	  .ret = EBPF_RET_PTR_TO_MAP_VALUE_OR_NULL,
	  .args = { EBPF_ARG_CONST_MAP_PTR, EBPF_ARG_PTR_TO_MAP_KEY } },
	{ .id = FUZZ_HELPER_UPDATE,
	  .name = "bpf_map_update_elem",
	  .ret = EBPF_RET_INTEGER,
	  .args = { EBPF_ARG_CONST_MAP_PTR, EBPF_ARG_PTR_TO_MAP_KEY, EBPF_ARG_PTR_TO_MAP_VALUE,
		    EBPF_ARG_ANYTHING } },
	{ .id = FUZZ_HELPER_DELETE,
	  .name = "bpf_map_delete_elem",
	  .ret = EBPF_RET_INTEGER,
	  .args = { EBPF_ARG_CONST_MAP_PTR, EBPF_ARG_PTR_TO_MAP_KEY } },
};

static const struct ebpf_helper_proto fuzz_type_protos[] = {
	{ .id = FUZZ_HELPER_CTX_SUM,
	  .name = "fuzz_ctx_sum",
	  .ret = EBPF_RET_INTEGER,
	  .args = { EBPF_ARG_PTR_TO_CTX } },
	{ .id = FUZZ_HELPER_MEM_SUM,
	  .name = "fuzz_mem_sum",
	  .ret = EBPF_RET_INTEGER,
	  .args = { EBPF_ARG_PTR_TO_MEM, EBPF_ARG_CONST_SIZE } },
};

static const struct ebpf_context_range fuzz_ctx_writable[] = {
	{ FUZZ_CTX_WRITABLE, FUZZ_CTX_WRITABLE_SZ },
};

static const struct ebpf_section_prefix fuzz_sections[] = { { "fuzz", NULL } };

static const struct ebpf_program_info fuzz_info = {
	.header = EBPF_EXTENSION_HEADER(struct ebpf_program_info, EBPF_PROGRAM_INFO_VERSION),
	.name = "fuzz",
	.sections = fuzz_sections,
	.section_count = 1,
	.context = { .size = FUZZ_CTX_SIZE,
		     .data = FUZZ_CTX_DATA,
		     .data_end = FUZZ_CTX_DATA_END,
		     .meta = -1,
		     .writable = fuzz_ctx_writable,
		     .writable_count = 1 },
	.helpers = fuzz_type_protos,
	.helper_count = 2,
};

void fuzz_verifier_input(struct verifier_input *in, const struct ebpf_inst *insns, size_t count)
{
	*in = (struct verifier_input){
		.section = "fuzz",
		.insns = insns,
		.insn_count = count,
		.info = &fuzz_info,
		.global_helpers = fuzz_global_protos,
		.global_helper_count = sizeof(fuzz_global_protos) / sizeof(fuzz_global_protos[0]),
		.maps = fuzz_maps,
		.map_count = FUZZ_MAP_COUNT,
		.complexity_limit = FUZZ_VERIFY_LIMIT,
	};
}

uint32_t fuzz_map_value_size(enum fuzz_map_index map)
{
	return fuzz_maps[map].value_size;
}

/* ---- What memory a run may touch ---------------------------------------------------------- */

static bool range_in(uint64_t addr, uint64_t size, uint64_t start, uint64_t len)
{
	return addr >= start && addr - start <= len && size <= len - (addr - start);
}

/* Map values are accessible one value at a time: an access straddling two is out of bounds. */
static bool map_values_accessible(void *arg, uint64_t addr, uint64_t size, bool write)
{
	const struct fuzz_world *w = arg;

	for (int m = 0; m < FUZZ_MAP_COUNT; m++) {
		const struct fuzz_map *map = &w->maps[m];

		for (uint32_t i = 0; i < map->max_entries; i++) {
			if (range_in(addr, size, (uintptr_t)map->values[i], map->value_size))
				return true;
		}
	}
	return false;
}

/*
 * What a helper may read through a pointer argument: the world, or the interpreter's stack,
 * which lives in a caller's frame, above the helper's own.
 */
static bool __attribute__((noinline))
helper_mem_ok(const struct fuzz_world *w, uint64_t addr, uint64_t size)
{
	char here;
	const uint64_t low = (uintptr_t)&here;

	if (range_in(addr, size, low, FUZZ_STACK_WINDOW))
		return true;
	if (range_in(addr, size, (uintptr_t)w->ctx, FUZZ_CTX_SIZE))
		return true;
	if (range_in(addr, size, (uintptr_t)w->packet, w->packet_size))
		return true;
	return map_values_accessible((void *)w, addr, size, false);
}

static void __attribute__((noreturn)) helper_fault(const char *helper, uint64_t addr, uint64_t size)
{
	fprintf(stderr,
		"SOUNDNESS: %s was given %llu bytes at 0x%llx, which the program may not "
		"access\n",
		helper, (unsigned long long)size, (unsigned long long)addr);
	abort();
}

/* ---- Helpers ------------------------------------------------------------------------------ */

static struct fuzz_map *helper_map(uint64_t r1, const char *helper)
{
	struct fuzz_map *map = (struct fuzz_map *)(uintptr_t)r1;

	if (!map) {
		fprintf(stderr, "SOUNDNESS: %s was given a NULL map\n", helper);
		abort();
	}
	return map;
}

static uint32_t helper_key(const struct fuzz_map *map, uint64_t key, const char *helper)
{
	uint32_t k;

	if (!helper_mem_ok(map->world, key, map->key_size))
		helper_fault(helper, key, map->key_size);
	memcpy(&k, (const void *)(uintptr_t)key, sizeof(k));
	return k;
}

/* The slot holding key, or -1. */
static int map_find(const struct fuzz_map *map, uint32_t key)
{
	if (map->type == EBPF_MAP_TYPE_ARRAY)
		return key < map->max_entries ? (int)key : -1;
	for (uint32_t i = 0; i < map->max_entries; i++) {
		if (map->used[i] && map->keys[i] == key)
			return (int)i;
	}
	return -1;
}

static uint64_t fuzz_lookup(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	struct fuzz_map *map = helper_map(r1, "bpf_map_lookup_elem");
	int slot = map_find(map, helper_key(map, r2, "bpf_map_lookup_elem"));

	return slot < 0 ? 0 : (uintptr_t)map->values[slot];
}

static uint64_t fuzz_update(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	struct fuzz_map *map = helper_map(r1, "bpf_map_update_elem");
	uint32_t key = helper_key(map, r2, "bpf_map_update_elem");
	int slot = map_find(map, key);

	if (!helper_mem_ok(map->world, r3, map->value_size))
		helper_fault("bpf_map_update_elem", r3, map->value_size);
	if (r4 > EBPF_EXIST)
		return (uint64_t)-EINVAL;
	if (slot >= 0 && r4 == EBPF_NOEXIST)
		return (uint64_t)-EEXIST;
	if (slot < 0 && (r4 == EBPF_EXIST || map->type == EBPF_MAP_TYPE_ARRAY))
		return (uint64_t)(map->type == EBPF_MAP_TYPE_ARRAY ? -E2BIG : -ENOENT);
	for (uint32_t i = 0; slot < 0 && i < map->max_entries; i++) {
		if (!map->used[i])
			slot = (int)i;
	}
	if (slot < 0)
		return (uint64_t)-E2BIG;
	map->used[slot] = true;
	map->keys[slot] = key;
	memmove(map->values[slot], (const void *)(uintptr_t)r3, map->value_size);
	return 0;
}

/* A deleted value's memory stays valid, as under RCU: a program may still hold it. */
static uint64_t fuzz_delete(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	struct fuzz_map *map = helper_map(r1, "bpf_map_delete_elem");
	int slot = map_find(map, helper_key(map, r2, "bpf_map_delete_elem"));

	if (map->type == EBPF_MAP_TYPE_ARRAY)
		return (uint64_t)-EINVAL;
	if (slot < 0)
		return (uint64_t)-ENOENT;
	map->used[slot] = false;
	return 0;
}

static uint64_t fuzz_ctx_sum(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	const uint8_t *ctx = (const uint8_t *)(uintptr_t)r1;
	uint64_t sum = 0;

	if (!ctx)
		helper_fault("fuzz_ctx_sum", r1, FUZZ_CTX_SIZE);
	for (int i = FUZZ_CTX_WRITABLE; i < FUZZ_CTX_WRITABLE + FUZZ_CTX_WRITABLE_SZ; i++)
		sum += ctx[i];
	return sum;
}

/* No world pointer here: the argument may point anywhere the program may read. */
static uint64_t fuzz_mem_sum(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	const uint8_t *mem = (const uint8_t *)(uintptr_t)r1;
	uint64_t sum = 0;

	if (!mem || r2 == 0 || r2 > 4096)
		helper_fault("fuzz_mem_sum", r1, r2);
	for (uint64_t i = 0; i < r2; i++)
		sum = sum * 31 + mem[i];
	return sum;
}

static const ebpf_helper_fn fuzz_global_fns[] = {
	[FUZZ_HELPER_LOOKUP] = fuzz_lookup,
	[FUZZ_HELPER_UPDATE] = fuzz_update,
	[FUZZ_HELPER_DELETE] = fuzz_delete,
};

static const ebpf_helper_fn fuzz_type_fns[] = { fuzz_ctx_sum, fuzz_mem_sum };

/* ---- The world: built once per program, filled from the seed before each run ---------------- */

struct seed_reader {
	const uint8_t *p;
	size_t left;
};

static uint8_t seed_byte(struct seed_reader *r)
{
	if (!r->left)
		return 0;
	r->left--;
	return *r->p++;
}

static void seed_bytes(struct seed_reader *r, void *out, size_t n)
{
	uint8_t *o = out;

	for (size_t i = 0; i < n; i++)
		o[i] = seed_byte(r);
}

static int world_create(struct fuzz_world *w, const uint8_t *seed, size_t seed_size)
{
	struct seed_reader r = { seed, seed_size };

	memset(w, 0, sizeof(*w));
	w->packet_size = seed_byte(&r) % (FUZZ_MAX_PACKET + 1);
	w->packet = malloc(w->packet_size ? w->packet_size : 1);
	if (!w->packet)
		return -ENOMEM;
	for (int m = 0; m < FUZZ_MAP_COUNT; m++) {
		struct fuzz_map *map = &w->maps[m];

		map->type = fuzz_maps[m].type;
		map->key_size = fuzz_maps[m].key_size;
		map->value_size = fuzz_maps[m].value_size;
		map->max_entries = fuzz_maps[m].max_entries;
		map->world = w;
		for (uint32_t i = 0; i < map->max_entries; i++) {
			map->values[i] = malloc(map->value_size);
			if (!map->values[i])
				return -ENOMEM;
		}
	}
	return 0;
}

static void world_destroy(struct fuzz_world *w)
{
	free(w->packet);
	for (int m = 0; m < FUZZ_MAP_COUNT; m++) {
		for (uint32_t i = 0; i < FUZZ_MAX_ENTRIES; i++)
			free(w->maps[m].values[i]);
	}
}

/* Deterministic in the seed, so that two runs start from identical states. */
static void world_fill(struct fuzz_world *w, const uint8_t *seed, size_t seed_size)
{
	struct seed_reader r = { seed, seed_size };

	seed_byte(&r); /* the packet size, fixed by world_create */
	seed_bytes(&r, w->packet, w->packet_size);
	seed_bytes(&r, w->ctx, sizeof(w->ctx));
	w->ctx[FUZZ_CTX_DATA / 8] = (uintptr_t)w->packet;
	w->ctx[FUZZ_CTX_DATA_END / 8] = (uintptr_t)w->packet + w->packet_size;
	for (int m = 0; m < FUZZ_MAP_COUNT; m++) {
		struct fuzz_map *map = &w->maps[m];
		const bool array = map->type == EBPF_MAP_TYPE_ARRAY;

		for (uint32_t i = 0; i < map->max_entries; i++) {
			map->used[i] = array || (seed_byte(&r) & 1);
			map->keys[i] = array ? i : (uint32_t)i * 3 + (seed_byte(&r) & 1);
			seed_bytes(&r, map->values[i], map->value_size);
		}
	}
}

/* The state a run leaves behind, serialised for comparison (the stack excluded). */
static size_t world_image(const struct fuzz_world *w, uint64_t r0, uint8_t *out, size_t size)
{
	size_t n = 0;

#define PUT(src, len)                                                                              \
	do {                                                                                       \
		if (n + (len) <= size)                                                             \
			memcpy(out + n, (src), (len));                                             \
		n += (len);                                                                        \
	} while (0)
	PUT(&r0, sizeof(r0));
	PUT(w->ctx, sizeof(w->ctx));
	PUT(w->packet, w->packet_size);
	for (int m = 0; m < FUZZ_MAP_COUNT; m++) {
		const struct fuzz_map *map = &w->maps[m];

		PUT(map->used, sizeof(map->used));
		PUT(map->keys, sizeof(map->keys));
		for (uint32_t i = 0; i < map->max_entries; i++)
			PUT(map->values[i], map->value_size);
	}
#undef PUT
	return n;
}

/* ---- The oracle --------------------------------------------------------------------------- */

/* Map references become addresses, as the core's relocation does. */
static void relocate(struct ebpf_inst *insns, size_t count, struct fuzz_world *w)
{
	for (size_t i = 0; i + 1 < count; i++) {
		struct fuzz_map *map;
		uint64_t addr;

		if (insns[i].code != EBPF_OP_LDDW || insns[i].src_reg == EBPF_PSEUDO_IMM)
			continue;
		map = &w->maps[insns[i].imm];
		addr = (uintptr_t)map;
		if (insns[i].src_reg == EBPF_PSEUDO_MAP_IDX_VALUE)
			addr = (uintptr_t)map->values[0] + (uint32_t)insns[i + 1].imm;
		insns[i].src_reg = EBPF_PSEUDO_IMM;
		insns[i].imm = (int32_t)(uint32_t)addr;
		insns[i + 1].imm = (int32_t)(uint32_t)(addr >> 32);
		i++;
	}
}

static void dump_program(const struct ebpf_inst *insns, size_t count)
{
	char line[128];

	for (size_t i = 0; i < count;) {
		int n = isa_disasm(insns, count, i, EBPF_DISASM_C, line, sizeof(line));

		fprintf(stderr, "  %4zu: %s\n", i, line);
		i += n > 0 ? (size_t)n : 1;
	}
}

static void __attribute__((noreturn))
finding(const struct ebpf_inst *insns, size_t count, const char *what)
{
	fprintf(stderr, "SOUNDNESS: the verifier accepted a program that %s\n", what);
	dump_program(insns, count);
	abort();
}

/* Leaves garbage where the next call's frames will be, so uninitialised stack is not zero. */
static void __attribute__((noinline)) poison_stack(void)
{
	uint8_t junk[32768];

	memset(junk, 0xa5, sizeof(junk));
	__asm__ volatile("" : : "r"(junk) : "memory");
}

static uint64_t __attribute__((noinline)) run_fast(const struct exec_program *prog, uint64_t ctx)
{
	return exec_program_run(prog, ctx, 0);
}

static int run_checked(const struct exec_program *prog, struct fuzz_world *w, uint64_t *r0,
		       char *err, size_t err_size)
{
	const uint64_t ctx = (uintptr_t)w->ctx;
	/* The whole context is readable; an access needs one region containing it. */
	const struct exec_region regions[] = {
		{ ctx, FUZZ_CTX_SIZE, false },
		{ ctx + FUZZ_CTX_WRITABLE, FUZZ_CTX_WRITABLE_SZ, true },
		{ (uintptr_t)w->packet, w->packet_size, true },
	};

	const struct exec_checked_opts opts = {
		.regions = regions,
		.region_count = sizeof(regions) / sizeof(regions[0]),
		.is_accessible = map_values_accessible,
		.is_accessible_arg = w,
		.max_insns = FUZZ_RUN_LIMIT,
	};

	return exec_program_run_checked(prog, ctx, 0, &opts, r0, err, err_size);
}

static void check_runs(const struct ebpf_inst *insns, size_t count, struct fuzz_world *w,
		       const struct exec_program *prog, const uint8_t *seed, size_t seed_size)
{
	uint8_t image_checked[1024], image_fast[1024];
	size_t n_checked, n_fast;
	char err[256] = "";
	char what[320];
	uint64_t r0;
	int ret;

	world_fill(w, seed, seed_size);
	ret = run_checked(prog, w, &r0, err, sizeof(err));
	if (ret == -E2BIG)
		return; /* a long bounded loop: not a finding, just not worth comparing */
	if (ret) {
		snprintf(what, sizeof(what), "fails in checked mode: %s", err);
		finding(insns, count, what);
	}
	n_checked = world_image(w, r0, image_checked, sizeof(image_checked));

	world_fill(w, seed, seed_size);
	poison_stack();
	r0 = run_fast(prog, (uintptr_t)w->ctx);
	n_fast = world_image(w, r0, image_fast, sizeof(image_fast));
	if (n_checked != n_fast || memcmp(image_checked, image_fast, n_checked))
		finding(insns, count,
			"behaves differently on a zeroed and a garbage stack: it reads "
			"uninitialised stack or leaks a stack pointer");
}

void fuzz_check_accepted(const struct ebpf_inst *insns, size_t count, const uint8_t *seed,
			 size_t seed_size)
{
	const struct exec_helpers helpers = {
		.global = fuzz_global_fns,
		.global_count = sizeof(fuzz_global_fns) / sizeof(fuzz_global_fns[0]),
		.type = fuzz_type_fns,
		.type_count = sizeof(fuzz_type_fns) / sizeof(fuzz_type_fns[0]),
	};
	struct exec_program *prog = NULL;
	struct fuzz_world w = { 0 };
	struct ebpf_inst *code;
	char err[256] = "";

	code = malloc(count * sizeof(*code));
	if (!code || world_create(&w, seed, seed_size))
		goto out;
	memcpy(code, insns, count * sizeof(*code));
	relocate(code, count, &w);
	/* The interpreter also checks code the verifier proved unreachable (a call of an unknown
	 * helper there): a refusal to load, not unsafe behaviour. */
	if (exec_program_create(code, count, EXEC_INTERP, &helpers, &prog, err, sizeof(err)))
		goto out;
	check_runs(insns, count, &w, prog, seed, seed_size);
	exec_program_destroy(prog);
out:
	world_destroy(&w);
	free(code);
}
