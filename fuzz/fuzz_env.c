// SPDX-License-Identifier: MIT
/* The fuzz program types, their maps and helpers, and the soundness oracle (see fuzz_env.h). */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "core/helpers.h"
#include "exec/exec.h"
#include "fuzz_env.h"
#include "maps/maps.h"

/* Linux's flags, for an extension.h / extbpf.h that does not name them yet. */
#ifndef EBPF_PROGRAM_TYPE_PACKET_READ_ONLY
#define EBPF_PROGRAM_TYPE_PACKET_READ_ONLY (1u << 1)
#endif
#ifndef EBPF_F_WRONLY_PROG
#define EBPF_F_WRONLY_PROG (1u << 8)
#endif

#define FUZZ_MAX_ENTRIES  4
#define FUZZ_RUN_LIMIT	  100000 /* instructions per checked run: loops are bounded, not short */
#define FUZZ_VERIFY_LIMIT 20000	 /* the verifier needs ~15 us per insn: keep units fast */
#define FUZZ_MAP_MAGIC	  0x70616d7a7a7566ull /* "fuzzmap": a harness map, not the maps module's */

/* Where a helper may look for the interpreter's stack: above its own frame, within this. */
#define FUZZ_STACK_WINDOW (256 * 1024)

/* World B: a reservation with a 4 GiB-aligned address inside, mapped around that address. */
#define FUZZ_4G	       (1ull << 32)
#define FUZZ_WINDOW    (64 * 1024) /* mapped on each side of the boundary */
#define FUZZ_MAX_TAILS 2	   /* tail-call target programs */

struct fuzz_world;

/* A map as the harness helpers see it: r1 of a map helper is the address of one of these, or,
 * for the maps module's maps (queue, qarray), of the struct ebpf_map itself. */
struct fuzz_map {
	uint64_t magic;
	enum ebpf_map_type type;
	uint32_t key_size;
	uint32_t value_size;
	uint32_t max_entries;
	uint32_t flags;
	bool used[FUZZ_MAX_ENTRIES];
	uint32_t keys[FUZZ_MAX_ENTRIES];
	uint8_t *values[FUZZ_MAX_ENTRIES]; /* one allocation each, so ASan sees overruns */
	const struct exec_program *progs[FUZZ_MAX_ENTRIES]; /* program array */
	struct ebpf_map *real;				    /* the maps module's map */
	struct fuzz_world *world;
};

/* Everything one program run may touch besides its stack. */
struct fuzz_world {
	const char *name;
	enum fuzz_type type;
	uint8_t *ctx;	 /* FUZZ_CTX_SIZE bytes */
	uint8_t *meta;	 /* meta_size bytes of metadata, then the packet */
	uint8_t *packet; /* packet_size bytes */
	size_t meta_size;
	size_t packet_size;
	struct fuzz_map maps[FUZZ_MAP_COUNT];
	const struct exec_program *const *tails; /* tail-call targets, FUZZ_MAX_TAILS */
	/* World B only: the reservation, its 4 GiB-aligned address, the next free byte above. */
	uint8_t *reservation;
	uint8_t *boundary;
	size_t reservation_size;
	uint8_t *next;
	uint8_t *end;
};

/* Designated fields: struct verifier_map grows (BTF fields, extension rules), the fuzz maps use
 * none. */
#define FUZZ_MAP(n, t, k, v, max, flags)                                                           \
	{                                                                                          \
		.name = (n), .type = (t), .key_size = (k), .value_size = (v),                      \
		.max_entries = (max), .map_flags = (flags), .inner_map = -1                        \
	}

static const struct verifier_map fuzz_maps[FUZZ_MAP_COUNT] = {
	[FUZZ_MAP_ARRAY] = FUZZ_MAP("array", EBPF_MAP_TYPE_ARRAY, 4, 16, FUZZ_MAX_ENTRIES, 0),
	[FUZZ_MAP_HASH] = FUZZ_MAP("hash", EBPF_MAP_TYPE_HASH, 4, 8, FUZZ_MAX_ENTRIES, 0),
	[FUZZ_MAP_DATA] = FUZZ_MAP(".data", EBPF_MAP_TYPE_ARRAY, 4, 32, 1, 0),
	[FUZZ_MAP_RDONLY] =
	    FUZZ_MAP("rdonly", EBPF_MAP_TYPE_ARRAY, 4, 16, FUZZ_MAX_ENTRIES, EBPF_F_RDONLY_PROG),
	[FUZZ_MAP_WRONLY] =
	    FUZZ_MAP("wronly", EBPF_MAP_TYPE_ARRAY, 4, 16, FUZZ_MAX_ENTRIES, EBPF_F_WRONLY_PROG),
	[FUZZ_MAP_PROGS] = FUZZ_MAP("progs", EBPF_MAP_TYPE_PROG_ARRAY, 4, 4, FUZZ_MAX_ENTRIES, 0),
	[FUZZ_MAP_QUEUE] = FUZZ_MAP("queue", EBPF_MAP_TYPE_QUEUE, 0, 8, FUZZ_MAX_ENTRIES, 0),
	[FUZZ_MAP_QARRAY] = FUZZ_MAP("qarray", EBPF_MAP_TYPE_ARRAY, 4, 8, FUZZ_MAX_ENTRIES, 0),
};

static bool map_is_real(enum fuzz_map_index m)
{
	return m == FUZZ_MAP_QUEUE || m == FUZZ_MAP_QARRAY;
}

/* The global helpers: the core's prototypes (the harness implements 1-3 and 12 itself). */
static const uint32_t fuzz_global_ids[] = {
	FUZZ_HELPER_LOOKUP, FUZZ_HELPER_UPDATE, FUZZ_HELPER_DELETE, FUZZ_HELPER_TAIL_CALL,
	FUZZ_HELPER_PUSH,   FUZZ_HELPER_POP,	FUZZ_HELPER_PEEK,   FUZZ_HELPER_STRTOL,
};
#define FUZZ_GLOBAL_COUNT (sizeof(fuzz_global_ids) / sizeof(fuzz_global_ids[0]))

static struct ebpf_helper_proto fuzz_global_protos[FUZZ_GLOBAL_COUNT];
static pthread_once_t fuzz_protos_once = PTHREAD_ONCE_INIT;

/* Copied once from the core (its table is constant): the verifier sees the real prototypes. */
static void init_global_protos(void)
{
	for (size_t i = 0; i < FUZZ_GLOBAL_COUNT; i++) {
		const struct ebpf_helper_proto *p = core_global_helper_proto(fuzz_global_ids[i]);

		if (!p) {
			fprintf(stderr, "fuzz: the core has no helper %u\n", fuzz_global_ids[i]);
			abort();
		}
		fuzz_global_protos[i] = *p;
	}
}

static const struct ebpf_helper_proto fuzz_type_protos[] = {
	{ .id = FUZZ_HELPER_CTX_SUM,
	  .name = "fuzz_ctx_sum",
	  .ret = EBPF_RET_INTEGER,
	  .args = { EBPF_ARG_PTR_TO_CTX } },
	{ .id = FUZZ_HELPER_MEM_SUM,
	  .name = "fuzz_mem_sum",
	  .ret = EBPF_RET_INTEGER,
	  .args = { EBPF_ARG_PTR_TO_MEM, EBPF_ARG_CONST_SIZE } },
	{ .id = FUZZ_HELPER_LOAD_BYTES,
	  .name = "fuzz_load_bytes",
	  .ret = EBPF_RET_INTEGER,
	  .args = { EBPF_ARG_PTR_TO_CTX, EBPF_ARG_ANYTHING, EBPF_ARG_PTR_TO_UNINIT_MEM,
		    EBPF_ARG_CONST_SIZE } },
};

static const struct ebpf_context_range fuzz_ctx_writable[] = {
	{ FUZZ_CTX_WRITABLE, FUZZ_CTX_WRITABLE_SZ },
};

static const struct ebpf_section_prefix fuzz_sections[] = { { "fuzz", NULL } };

#define FUZZ_INFO(type_name, type_flags)                                                           \
	{                                                                                          \
		.header =                                                                          \
		    EBPF_EXTENSION_HEADER(struct ebpf_program_info, EBPF_PROGRAM_INFO_VERSION),    \
		.name = type_name, .sections = fuzz_sections, .section_count = 1,                  \
		.context = { .size = FUZZ_CTX_SIZE,                                                \
			     .data = FUZZ_CTX_DATA,                                                \
			     .data_end = FUZZ_CTX_DATA_END,                                        \
			     .meta = FUZZ_CTX_META,                                                \
			     .writable = fuzz_ctx_writable,                                        \
			     .writable_count = 1 },                                                \
		.helpers = fuzz_type_protos,                                                       \
		.helper_count = sizeof(fuzz_type_protos) / sizeof(fuzz_type_protos[0]),            \
		.flags = (type_flags),                                                             \
	}

static const struct ebpf_program_info fuzz_infos[FUZZ_TYPE_COUNT] = {
	[FUZZ_TYPE_DEFAULT] = FUZZ_INFO("fuzz", 0),
	[FUZZ_TYPE_RO_PACKET] = FUZZ_INFO("fuzz_ro", EBPF_PROGRAM_TYPE_PACKET_READ_ONLY),
};

void fuzz_verifier_input(struct verifier_input *in, enum fuzz_type type,
			 const struct ebpf_inst *insns, size_t count)
{
	pthread_once(&fuzz_protos_once, init_global_protos);
	*in = (struct verifier_input){
		.section = "fuzz",
		.insns = insns,
		.insn_count = count,
		.info = &fuzz_infos[type],
		.global_helpers = fuzz_global_protos,
		.global_helper_count = FUZZ_GLOBAL_COUNT,
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

static bool map_value_allowed(const struct fuzz_map *map, bool write)
{
	return !(map->flags & (write ? EBPF_F_RDONLY_PROG : EBPF_F_WRONLY_PROG));
}

/* Map values are accessible one value at a time: an access straddling two is out of bounds. */
static bool map_values_accessible(void *arg, uint64_t addr, uint64_t size, bool write)
{
	const struct fuzz_world *w = arg;

	for (int m = 0; m < FUZZ_MAP_COUNT; m++) {
		const struct fuzz_map *map = &w->maps[m];

		for (uint32_t i = 0; i < map->max_entries; i++) {
			uintptr_t value = (uintptr_t)map->values[i];

			if (map->real && map->type == EBPF_MAP_TYPE_ARRAY)
				value = (uintptr_t)map_lookup_prog(map->real, &i);
			if (value && range_in(addr, size, value, map->value_size))
				return map_value_allowed(map, write);
		}
	}
	return false;
}

/*
 * What a helper may read or write through a pointer argument: the world as the program may use
 * it, or the interpreter's stack, which lives in a caller's frame, above the helper's own.
 */
static bool __attribute__((noinline))
helper_mem_ok(const struct fuzz_world *w, uint64_t addr, uint64_t size, bool write)
{
	char here;
	const uint64_t low = (uintptr_t)&here;

	if (range_in(addr, size, low, FUZZ_STACK_WINDOW))
		return true;
	if (range_in(addr, size, (uintptr_t)w->ctx, FUZZ_CTX_SIZE))
		return !write || range_in(addr, size, (uintptr_t)w->ctx + FUZZ_CTX_WRITABLE,
					  FUZZ_CTX_WRITABLE_SZ);
	if (range_in(addr, size, (uintptr_t)w->meta, w->meta_size + w->packet_size))
		return !write || w->type != FUZZ_TYPE_RO_PACKET;
	return map_values_accessible((void *)w, addr, size, write);
}

static void __attribute__((noreturn))
helper_fault(const char *helper, uint64_t addr, uint64_t size, bool write)
{
	fprintf(stderr,
		"SOUNDNESS: %s was given %llu bytes at 0x%llx to %s, which the program may not "
		"do\n",
		helper, (unsigned long long)size, (unsigned long long)addr,
		write ? "write" : "read");
	abort();
}

/* ---- Helpers ------------------------------------------------------------------------------ */

/* A harness map, or NULL for one of the maps module's (their helpers are the core's). */
static struct fuzz_map *harness_map(uint64_t r1, const char *helper)
{
	struct fuzz_map *map = (struct fuzz_map *)(uintptr_t)r1;

	if (!map) {
		fprintf(stderr, "SOUNDNESS: %s was given a NULL map\n", helper);
		abort();
	}
	return map->magic == FUZZ_MAP_MAGIC ? map : NULL;
}

static uint32_t helper_key(const struct fuzz_map *map, uint64_t key, const char *helper)
{
	uint32_t k;

	if (!helper_mem_ok(map->world, key, map->key_size, false))
		helper_fault(helper, key, map->key_size, false);
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

static void check_map_kind(const struct fuzz_map *map, const char *helper)
{
	if (map->type == EBPF_MAP_TYPE_PROG_ARRAY) {
		fprintf(stderr, "SOUNDNESS: %s was given a program array\n", helper);
		abort();
	}
}

static uint64_t fuzz_lookup(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	struct fuzz_map *map = harness_map(r1, "bpf_map_lookup_elem");
	int slot;

	if (!map)
		return core_helper_map_lookup_elem(r1, r2, r3, r4, r5);
	check_map_kind(map, "bpf_map_lookup_elem");
	slot = map_find(map, helper_key(map, r2, "bpf_map_lookup_elem"));
	return slot < 0 ? 0 : (uintptr_t)map->values[slot];
}

static uint64_t fuzz_update(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	struct fuzz_map *map = harness_map(r1, "bpf_map_update_elem");
	uint32_t key;
	int slot;

	if (!map)
		return core_helper_map_update_elem(r1, r2, r3, r4, r5);
	check_map_kind(map, "bpf_map_update_elem");
	if (!map_value_allowed(map, true))
		helper_fault("bpf_map_update_elem (of a read-only map)", r1, 0, true);
	key = helper_key(map, r2, "bpf_map_update_elem");
	slot = map_find(map, key);
	if (!helper_mem_ok(map->world, r3, map->value_size, false))
		helper_fault("bpf_map_update_elem", r3, map->value_size, false);
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
	struct fuzz_map *map = harness_map(r1, "bpf_map_delete_elem");
	int slot;

	if (!map)
		return core_helper_map_delete_elem(r1, r2, r3, r4, r5);
	check_map_kind(map, "bpf_map_delete_elem");
	if (!map_value_allowed(map, true))
		helper_fault("bpf_map_delete_elem (of a read-only map)", r1, 0, true);
	slot = map_find(map, helper_key(map, r2, "bpf_map_delete_elem"));
	if (map->type == EBPF_MAP_TYPE_ARRAY)
		return (uint64_t)-EINVAL;
	if (slot < 0)
		return (uint64_t)-ENOENT;
	map->used[slot] = false;
	return 0;
}

static const struct exec_program *fuzz_tail_target(void *prog_array, uint32_t index)
{
	struct fuzz_map *map = harness_map((uintptr_t)prog_array, "bpf_tail_call");

	if (!map || map->type != EBPF_MAP_TYPE_PROG_ARRAY) {
		fprintf(stderr, "SOUNDNESS: bpf_tail_call was given a map that is not a program "
				"array\n");
		abort();
	}
	return index < map->max_entries ? map->progs[index] : NULL;
}

/* The context is preceded by its world's address (see world_alloc_ctx). */
static struct fuzz_world *ctx_world(uint64_t ctx, const char *helper)
{
	if (!ctx)
		helper_fault(helper, ctx, FUZZ_CTX_SIZE, false);
	return *(struct fuzz_world **)(uintptr_t)(ctx - 16);
}

static uint64_t fuzz_ctx_sum(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	const struct fuzz_world *w = ctx_world(r1, "fuzz_ctx_sum");
	uint64_t sum = 0;

	if (r1 != (uintptr_t)w->ctx)
		helper_fault("fuzz_ctx_sum (not the context)", r1, FUZZ_CTX_SIZE, false);
	for (int i = FUZZ_CTX_WRITABLE; i < FUZZ_CTX_WRITABLE + FUZZ_CTX_WRITABLE_SZ; i++)
		sum += w->ctx[i];
	return sum;
}

/* No world pointer here: the argument may point anywhere the program may read. */
static uint64_t fuzz_mem_sum(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	const uint8_t *mem = (const uint8_t *)(uintptr_t)r1;
	uint64_t sum = 0;

	if (!mem || r2 == 0 || r2 > 4096)
		helper_fault("fuzz_mem_sum", r1, r2, false);
	for (uint64_t i = 0; i < r2; i++)
		sum = sum * 31 + mem[i];
	return sum;
}

/*
 * As bpf_xdp_load_bytes: len bytes of the packet from off into buf. On failure it fills buf
 * with zeros, as Linux's helpers do; it writes len bytes, the run-time size, not the most the
 * verifier allowed.
 */
static uint64_t fuzz_load_bytes(uint64_t r1, uint64_t off, uint64_t buf, uint64_t len, uint64_t r5)
{
	const struct fuzz_world *w = ctx_world(r1, "fuzz_load_bytes");

	if (!buf || !len || len > 4096 || !helper_mem_ok(w, buf, len, true))
		helper_fault("fuzz_load_bytes", buf, len, true);
	if (off > w->packet_size || len > w->packet_size - off) {
		memset((void *)(uintptr_t)buf, 0, len);
		return (uint64_t)-EFAULT;
	}
	memmove((void *)(uintptr_t)buf, w->packet + off, len);
	return 0;
}

static const ebpf_helper_fn fuzz_type_fns[] = { fuzz_ctx_sum, fuzz_mem_sum, fuzz_load_bytes };

/* ---- The worlds: built once per program, filled from the seed before each run -------------- */

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

/* World A's memory comes from malloc (ASan sees overruns), world B's from its reservation. */
static void *world_alloc(struct fuzz_world *w, size_t size)
{
	void *p;

	if (!w->reservation)
		return malloc(size ? size : 1);
	size = (size + 15) & ~(size_t)15;
	if (size > (size_t)(w->end - w->next))
		return NULL;
	p = w->next;
	w->next += size;
	return p;
}

static void world_free(struct fuzz_world *w, void *p)
{
	if (!w->reservation)
		free(p);
}

/* The context, with the world's address in the 16 bytes before it (for the type helpers). */
static int world_alloc_ctx(struct fuzz_world *w)
{
	uint8_t *block = world_alloc(w, FUZZ_CTX_SIZE + 16);

	if (!block)
		return -ENOMEM;
	memcpy(block, &w, sizeof(w));
	w->ctx = block + 16;
	return 0;
}

/*
 * World B's reservation: 4 GiB + 2 windows of address space, nothing mapped but a window on
 * each side of the 4 GiB-aligned address inside. The metadata and packet end `gap` bytes below
 * that address; everything else is allocated above it.
 */
static int world_reserve(struct fuzz_world *w, size_t gap)
{
	const size_t size = FUZZ_4G + 2 * FUZZ_WINDOW;
	uint8_t *base =
	    mmap(NULL, size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	uint8_t *boundary;

	if (base == MAP_FAILED)
		return -ENOMEM;
	w->reservation = base;
	w->reservation_size = size;
	boundary = (uint8_t *)(((uintptr_t)base + FUZZ_WINDOW + FUZZ_4G - 1) & ~(FUZZ_4G - 1));
	if (mprotect(boundary - FUZZ_WINDOW, 2 * FUZZ_WINDOW, PROT_READ | PROT_WRITE))
		return -ENOMEM;
	w->boundary = boundary;
	w->meta = boundary - gap - w->packet_size - w->meta_size;
	w->next = boundary;
	w->end = boundary + FUZZ_WINDOW;
	return 0;
}

/*
 * World B allocates the maps' values in the reverse order of world A (malloc, in map order), so
 * that a program comparing two maps' values gets different outcomes in the two worlds.
 */
static int world_create_maps(struct fuzz_world *w)
{
	for (int k = 0; k < FUZZ_MAP_COUNT; k++) {
		const int m = w->reservation ? FUZZ_MAP_COUNT - 1 - k : k;
		struct fuzz_map *map = &w->maps[m];
		const struct verifier_map *d = &fuzz_maps[m];

		*map = (struct fuzz_map){ .magic = FUZZ_MAP_MAGIC,
					  .type = d->type,
					  .key_size = d->key_size,
					  .value_size = d->value_size,
					  .max_entries = d->max_entries,
					  .flags = d->map_flags,
					  .world = w };
		if (map_is_real((enum fuzz_map_index)m)) {
			const struct map_attr attr = {
				.type = d->type,
				.key_size = d->key_size,
				.value_size = d->value_size,
				.max_entries = d->max_entries,
				.map_flags = d->map_flags,
				.name = d->name,
			};
			const char *why;

			if (map_create(&attr, NULL, &map->real, &why))
				return -ENOMEM;
			continue;
		}
		if (d->type == EBPF_MAP_TYPE_PROG_ARRAY)
			continue;
		for (uint32_t i = 0; i < map->max_entries; i++) {
			map->values[i] = world_alloc(w, map->value_size);
			if (!map->values[i])
				return -ENOMEM;
		}
	}
	return 0;
}

static int world_create(struct fuzz_world *w, const char *name, enum fuzz_type type, bool reserved,
			const struct exec_program *const *tails, const uint8_t *seed,
			size_t seed_size)
{
	struct seed_reader r = { seed, seed_size };
	int err;

	memset(w, 0, sizeof(*w));
	w->name = name;
	w->type = type;
	w->tails = tails;
	w->packet_size = seed_byte(&r) % (FUZZ_MAX_PACKET + 1);
	w->meta_size = seed_byte(&r) % (FUZZ_MAX_META + 1) & ~(size_t)3;
	if (reserved)
		err = world_reserve(w, seed_byte(&r) % 16);
	else
		err = (w->meta = world_alloc(w, w->meta_size + w->packet_size)) ? 0 : -ENOMEM;
	if (err)
		return err;
	w->packet = w->meta + w->meta_size;
	err = world_alloc_ctx(w);
	return err ? err : world_create_maps(w);
}

static void world_destroy(struct fuzz_world *w)
{
	for (int m = 0; m < FUZZ_MAP_COUNT; m++) {
		if (w->maps[m].real)
			map_destroy(w->maps[m].real);
		for (uint32_t i = 0; i < FUZZ_MAX_ENTRIES; i++)
			world_free(w, w->maps[m].values[i]);
	}
	if (w->ctx)
		world_free(w, w->ctx - 16);
	if (w->reservation) {
		munmap(w->reservation, w->reservation_size);
		return;
	}
	world_free(w, w->meta);
}

/* The maps module's maps: emptied, then filled from the seed. */
static void real_maps_fill(struct fuzz_world *w, struct seed_reader *r)
{
	struct ebpf_map *queue = w->maps[FUZZ_MAP_QUEUE].real;
	struct ebpf_map *qarray = w->maps[FUZZ_MAP_QARRAY].real;
	uint64_t value;
	uint32_t n = seed_byte(r) % (FUZZ_MAX_ENTRIES + 1);

	map_rcu_read_lock();
	while (!map_pop_prog(queue, &value))
		;
	for (uint32_t i = 0; i < n; i++) {
		seed_bytes(r, &value, sizeof(value));
		map_push_prog(queue, &value, 0);
	}
	for (uint32_t i = 0; i < FUZZ_MAX_ENTRIES; i++) {
		seed_bytes(r, &value, sizeof(value));
		map_update_prog(qarray, &i, &value, 0);
	}
	map_rcu_read_unlock();
}

/* Deterministic in the seed, so that every run starts from identical contents. */
static void world_fill(struct fuzz_world *w, const uint8_t *seed, size_t seed_size)
{
	struct seed_reader r = { seed, seed_size };
	const uint64_t data = (uintptr_t)w->packet, end = data + w->packet_size;
	const uint64_t meta = (uintptr_t)w->meta;

	seed_byte(&r); /* the packet and metadata sizes, fixed by world_create */
	seed_byte(&r);
	seed_bytes(&r, w->meta, w->meta_size + w->packet_size);
	seed_bytes(&r, w->ctx, FUZZ_CTX_SIZE);
	memcpy(w->ctx + FUZZ_CTX_DATA, &data, sizeof(data));
	memcpy(w->ctx + FUZZ_CTX_DATA_END, &end, sizeof(end));
	memcpy(w->ctx + FUZZ_CTX_META, &meta, sizeof(meta));
	for (int m = 0; m < FUZZ_MAP_COUNT; m++) {
		struct fuzz_map *map = &w->maps[m];
		const bool array = map->type == EBPF_MAP_TYPE_ARRAY;

		if (map->real)
			continue;
		for (uint32_t i = 0; i < map->max_entries; i++) {
			if (map->type == EBPF_MAP_TYPE_PROG_ARRAY) {
				const uint8_t slot = seed_byte(&r) % (FUZZ_MAX_TAILS + 1);

				map->progs[i] = slot ? w->tails[slot - 1] : NULL;
				continue;
			}
			map->used[i] = array || (seed_byte(&r) & 1);
			map->keys[i] = array ? i : (uint32_t)i * 3 + (seed_byte(&r) & 1);
			seed_bytes(&r, map->values[i], map->value_size);
		}
	}
	real_maps_fill(w, &r);
}

/* What a run leaves behind, serialised for comparison: r0, the context's plain fields, the
 * metadata and packet, every map (the stack and the context's pointer fields excluded). */
struct image {
	uint8_t bytes[2048];
	size_t n;
};

static void image_put(struct image *im, const void *src, size_t len)
{
	if (im->n + len <= sizeof(im->bytes))
		memcpy(im->bytes + im->n, src, len);
	im->n += len;
}

static void world_image(struct fuzz_world *w, uint64_t r0, struct image *im)
{
	uint64_t value;

	im->n = 0;
	image_put(im, &r0, sizeof(r0));
	image_put(im, w->ctx + FUZZ_CTX_PLAIN, FUZZ_CTX_SIZE - FUZZ_CTX_PLAIN);
	image_put(im, w->meta, w->meta_size + w->packet_size);
	for (int m = 0; m < FUZZ_MAP_COUNT; m++) {
		const struct fuzz_map *map = &w->maps[m];

		if (map->real || map->type == EBPF_MAP_TYPE_PROG_ARRAY)
			continue;
		image_put(im, map->used, sizeof(map->used));
		image_put(im, map->keys, sizeof(map->keys));
		for (uint32_t i = 0; i < map->max_entries; i++)
			image_put(im, map->values[i], map->value_size);
	}
	map_rcu_read_lock();
	for (uint32_t i = 0; i < FUZZ_MAX_ENTRIES; i++)
		image_put(im, map_lookup_prog(w->maps[FUZZ_MAP_QARRAY].real, &i), sizeof(value));
	while (!map_pop_prog(w->maps[FUZZ_MAP_QUEUE].real, &value))
		image_put(im, &value, sizeof(value));
	map_rcu_read_unlock();
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
		addr = map->real ? (uintptr_t)map->real : (uintptr_t)map;
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
static void __attribute__((noinline)) poison_stack(uint8_t pattern)
{
	uint8_t junk[32768];

	memset(junk, pattern, sizeof(junk));
	__asm__ volatile("" : : "r"(junk) : "memory");
}

static uint64_t __attribute__((noinline)) run_fast(const struct exec_program *prog, uint64_t ctx)
{
	uint64_t r0;

	map_rcu_read_lock();
	r0 = exec_program_run(prog, ctx, 0);
	map_rcu_read_unlock();
	return r0;
}

static int run_checked(const struct exec_program *prog, struct fuzz_world *w, uint64_t *r0,
		       char *err, size_t err_size)
{
	const uint64_t ctx = (uintptr_t)w->ctx;
	/* The whole context is readable; an access needs one region containing it. */
	const struct exec_region regions[] = {
		{ ctx, FUZZ_CTX_SIZE, false },
		{ ctx + FUZZ_CTX_WRITABLE, FUZZ_CTX_WRITABLE_SZ, true },
		{ (uintptr_t)w->meta, w->meta_size + w->packet_size,
		  w->type != FUZZ_TYPE_RO_PACKET },
	};
	const struct exec_checked_opts opts = {
		.regions = regions,
		.region_count = sizeof(regions) / sizeof(regions[0]),
		.is_accessible = map_values_accessible,
		.is_accessible_arg = w,
		.max_insns = FUZZ_RUN_LIMIT,
	};
	int ret;

	map_rcu_read_lock();
	ret = exec_program_run_checked(prog, ctx, 0, &opts, r0, err, err_size);
	map_rcu_read_unlock();
	return ret;
}

/* The same program relocated into each world. */
struct fuzz_pair {
	struct fuzz_world *w[2];
	const struct exec_program *prog[2];
};

static const char *world_where(const struct fuzz_world *w, char *buf, size_t size)
{
	if (!w->reservation)
		return w->name;
	snprintf(buf, size, "%s, packet ending %zu bytes below a 4 GiB-aligned address", w->name,
		 (size_t)(w->boundary - w->packet - w->packet_size));
	return buf;
}

static void check_runs(const struct ebpf_inst *insns, size_t count, struct fuzz_pair *p,
		       const uint8_t *seed, size_t seed_size)
{
	static const uint8_t patterns[2] = { 0xa5, 0x5a };
	struct image *im = malloc(4 * sizeof(*im)); /* checked A, checked B, fast A, fast B */
	char err[256] = "", what[512], where[128];
	uint64_t r0;

	if (!im)
		return;
	for (int i = 0; i < 2; i++) {
		int ret;

		world_fill(p->w[i], seed, seed_size);
		ret = run_checked(p->prog[i], p->w[i], &r0, err, sizeof(err));
		if (ret == -E2BIG)
			goto out; /* a long bounded loop: not a finding, just not worth comparing */
		if (ret) {
			snprintf(what, sizeof(what), "fails in checked mode (world %s): %s",
				 world_where(p->w[i], where, sizeof(where)), err);
			finding(insns, count, what);
		}
		world_image(p->w[i], r0, &im[i]);
	}
	for (int i = 0; i < 2; i++) {
		world_fill(p->w[i], seed, seed_size);
		poison_stack(patterns[i]);
		r0 = run_fast(p->prog[i], (uintptr_t)p->w[i]->ctx);
		world_image(p->w[i], r0, &im[2 + i]);
	}
	for (int i = 0; i < 2; i++) {
		if (im[i].n != im[2 + i].n || memcmp(im[i].bytes, im[2 + i].bytes, im[i].n))
			finding(
			    insns, count,
			    "behaves differently on a zeroed and a garbage stack: it reads "
			    "bytes nothing wrote (stack, or a helper's output it left unfilled) "
			    "or leaks a stack address");
	}
	if (im[0].n != im[1].n || memcmp(im[0].bytes, im[1].bytes, im[0].n))
		finding(insns, count,
			"gives different results when the same data sits at different addresses: "
			"a value derived from a pointer reaches r0, the context, a map or the "
			"packet");
out:
	free(im);
}

/* Tail-call targets: "return a context field" and "return a constant", both trivially safe. */
static const struct ebpf_inst tail_code[FUZZ_MAX_TAILS][2] = {
	{ { EBPF_CLS_LDX | EBPF_MODE_MEM | EBPF_SIZE_W, 0, 1, FUZZ_CTX_PLAIN, 0 },
	  { EBPF_OP_EXIT, 0, 0, 0, 0 } },
	{ { EBPF_CLS_ALU64 | EBPF_ALU_MOV | EBPF_SRC_K, 0, 0, 0, 0x7000 },
	  { EBPF_OP_EXIT, 0, 0, 0, 0 } },
};

static int prepare(const struct ebpf_inst *insns, size_t count, struct fuzz_world *w,
		   const struct exec_helpers *helpers, struct ebpf_inst **code,
		   struct exec_program **prog)
{
	char err[256];

	*code = malloc(count * sizeof(**code));
	if (!*code)
		return -ENOMEM;
	memcpy(*code, insns, count * sizeof(**code));
	relocate(*code, count, w);
	/* The interpreter also checks code the verifier proved unreachable (a call of an unknown
	 * helper there): a refusal to load, not unsafe behaviour. */
	return exec_program_create(*code, count, EXEC_INTERP, helpers, prog, err, sizeof(err));
}

void fuzz_check_accepted(enum fuzz_type type, const struct ebpf_inst *insns, size_t count,
			 const uint8_t *seed, size_t seed_size)
{
	uint32_t global_count;
	const ebpf_helper_fn *core_fns = core_global_helper_table(&global_count);
	ebpf_helper_fn global_fns[FUZZ_HELPER_STRTOL + 1] = { 0 };
	const struct exec_helpers helpers = {
		.global = global_fns,
		.global_count = FUZZ_HELPER_STRTOL + 1,
		.type = fuzz_type_fns,
		.type_count = sizeof(fuzz_type_fns) / sizeof(fuzz_type_fns[0]),
		.tail_call = fuzz_tail_target,
	};
	struct exec_program *tails[FUZZ_MAX_TAILS] = { 0 };
	struct exec_program *progs[2] = { 0 };
	struct ebpf_inst *code[2] = { 0 };
	struct fuzz_world worlds[2] = { 0 };
	struct fuzz_pair pair = { { &worlds[0], &worlds[1] }, { 0 } };
	bool ok = true;

	global_fns[FUZZ_HELPER_LOOKUP] = fuzz_lookup;
	global_fns[FUZZ_HELPER_UPDATE] = fuzz_update;
	global_fns[FUZZ_HELPER_DELETE] = fuzz_delete;
	for (uint32_t id = FUZZ_HELPER_PUSH; id <= FUZZ_HELPER_STRTOL; id++) {
		if (id < global_count && (id <= FUZZ_HELPER_PEEK || id == FUZZ_HELPER_STRTOL))
			global_fns[id] = core_fns[id];
	}
	for (int i = 0; i < FUZZ_MAX_TAILS; i++) {
		if (exec_program_create(tail_code[i], 2, EXEC_INTERP, &helpers, &tails[i], NULL, 0))
			ok = false;
	}
	ok = ok && !world_create(&worlds[0], "A, heap", type, false,
				 (const struct exec_program *const *)tails, seed, seed_size);
	ok = ok && !world_create(&worlds[1], "B", type, true,
				 (const struct exec_program *const *)tails, seed, seed_size);
	for (int i = 0; ok && i < 2; i++) {
		ok = !prepare(insns, count, &worlds[i], &helpers, &code[i], &progs[i]);
		pair.prog[i] = progs[i];
	}
	if (ok)
		check_runs(insns, count, &pair, seed, seed_size);
	for (int i = 0; i < 2; i++) {
		exec_program_destroy(progs[i]);
		free(code[i]);
		exec_program_destroy(tails[i]);
	}
	world_destroy(&worlds[1]);
	world_destroy(&worlds[0]);
}
