/* SPDX-License-Identifier: MIT */
/*
 * End to end, issue 5's "programs written the way Linux users write them load unchanged" and
 * issues 7/8's differential requirement: each program of tests/progs, compiled by clang as for
 * Linux, is opened with ebpf_object_open, run through the sample extension (test runs, or
 * attached and fired) and observed through the host's map API, in the interpreter, the JIT and
 * native mode, which must agree on every observation (r0, output data, context, map contents).
 * Expected values come from the programs' sources and Linux's semantics, worked out by hand.
 * Programs that expose nothing testable have an e2e_*.bpf.c twin (the originals are the loader
 * tests' expectations); e2e_packet.bpf.c is a whole XDP-style parser.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netinet/in.h>

#include <cmocka.h>

#include "e2e/e2e.h"
#include "e2e/e2e_bad.h"

/* The key of an IPv4 LPM trie: prefix length, then the address in network order. */
struct lpm_key {
	uint32_t prefixlen;
	uint8_t addr[4];
};

static struct lpm_key lpm_key(uint32_t prefixlen, uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	return (struct lpm_key){ prefixlen, { a, b, c, d } };
}

/* A buffer whose first four bytes are a u32 key, as the e2e_* programs read it. */
static int32_t run_key(struct e2e *e, struct ebpf_program *prog, uint32_t key)
{
	return e2e_run(e, prog, &key, sizeof(key), NULL, NULL);
}

static bool has_key(struct ebpf_map *map, const void *key, void *value)
{
	return ebpf_map_lookup_elem(map, key, value) == 0;
}

/* ---- global data ------------------------------------------------------------------------- */

static void global_data(struct e2e *e)
{
	/* data_counter starts at 7 and adds rodata_table[hits & 3] = 1, 2, 3, 5, ... each run,
	 * dropping to 0 once past rodata_limit (42). */
	static const int32_t want[] = { 8, 10, 13, 18, 19, 21, 24, 29, 30, 32, 35, 40, 41, 0 };
	struct ebpf_object *obj = e2e_open(e, "global_data.bpf.o", NULL);
	struct ebpf_program *prog = e2e_program(e, obj, "global_data");
	uint64_t table[4], counter, hits;
	uint32_t limit, pair[2], last;

	e2e_read_var(e, obj, "rodata_limit", &limit, sizeof(limit));
	e2e_read_var(e, obj, "rodata_table", table, sizeof(table));
	e2e_read_var(e, obj, "data_counter", &counter, sizeof(counter));
	e2e_read_var(e, obj, "data_pair", pair, sizeof(pair));
	e2e_read_var(e, obj, "bss_hits", &hits, sizeof(hits));
	e2e_expect(e, "rodata_limit", limit, 42);
	e2e_expect(e, "rodata_table[3]", table[3], 5);
	e2e_expect(e, "data_counter", counter, 7);
	e2e_expect(e, "data_pair[1]", pair[1], 0x22222222);
	e2e_expect(e, "bss_hits", hits, 0);
	if (ebpf_map_flags(e2e_map(e, obj, ".rodata")) & EBPF_F_RDONLY_PROG)
		e2e_note(e, ".rodata is read-only to programs");
	else
		e2e_fail(e, ".rodata is writable by programs");
	/* ...and frozen for the host: the verifier relied on its contents. */
	static const uint8_t zeros[4096];
	uint32_t zero = 0;
	if (ebpf_map_update_elem(e2e_map(e, obj, ".rodata"), &zero, zeros, EBPF_ANY) == -EPERM &&
	    strstr(ebpf_last_error(), "frozen"))
		e2e_note(e, ".rodata is frozen for the host");
	else
		e2e_fail(e, ".rodata is writable by the host");

	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		e2e_expect(e, "r0", e2e_run(e, prog, NULL, 0, NULL, NULL), want[i]);
	e2e_read_var(e, obj, "bss_hits", &hits, sizeof(hits));
	e2e_read_var(e, obj, "bss_last", &last, sizeof(last));
	e2e_read_var(e, obj, "data_counter", &counter, sizeof(counter));
	e2e_expect(e, "bss_hits", hits, 14);
	e2e_expect(e, "bss_last", last, 0x22222222);
	e2e_expect(e, "data_counter", counter, 0);

	/* The host's writes to .data are what the next run reads (hits is 14: table[2] = 3). */
	pair[1] = 0xabcdef01;
	counter = 30;
	e2e_write_var(e, obj, "data_pair", pair, sizeof(pair));
	e2e_write_var(e, obj, "data_counter", &counter, sizeof(counter));
	e2e_expect(e, "r0", e2e_run(e, prog, NULL, 0, NULL, NULL), 33);
	e2e_read_var(e, obj, "bss_last", &last, sizeof(last));
	e2e_expect(e, "bss_last", last, 0xabcdef01);
	e2e_dump_map(e, e2e_map(e, obj, ".data"));
	e2e_dump_map(e, e2e_map(e, obj, ".bss"));
	ebpf_object_close(obj);
}

/* ---- hash maps --------------------------------------------------------------------------- */

static void hash_counter(struct e2e *e)
{
	struct ebpf_object *obj = e2e_open(e, "hash_counter.bpf.o", NULL);
	struct ebpf_program *prog = e2e_program(e, obj, "hash_counter");
	struct ebpf_map *counters = e2e_map(e, obj, "counters");
	uint32_t key = 1;
	uint64_t count = 0;

	for (int i = 1; i <= 5; i++)
		e2e_expect(e, "r0", e2e_run(e, prog, NULL, 0, NULL, NULL), i);
	assert_true(has_key(counters, &key, &count));
	e2e_expect(e, "counters[1]", (int64_t)count, 5);
	e2e_delete(e, counters, &key);
	e2e_expect(e, "r0 after delete", e2e_run(e, prog, NULL, 0, NULL, NULL), 1);
	e2e_dump_map(e, counters);
	ebpf_object_close(obj);
}

#define FIRE_THREADS 4
#define FIRES	     20000

/* Fires the hook FIRES times; *arg gets the first error. */
static void *fire_many(void *arg)
{
	char buf[4] = { 0 };
	int *err = arg;

	for (int i = 0; i < FIRES && !*err; i++)
		*err = sample_hook_fire(buf, sizeof(buf), 0, NULL, NULL, NULL, NULL);
	return NULL;
}

/* hash_counter.bpf.c attached and fired from several threads at once: its
 * __sync_fetch_and_add must be atomic in every engine, no increment lost. */
static void concurrent_counter(struct e2e *e)
{
	struct ebpf_object *obj = e2e_open(e, "hash_counter.bpf.o", NULL);
	struct ebpf_map *counters = e2e_map(e, obj, "counters");
	struct ebpf_link *link = NULL;
	pthread_t threads[FIRE_THREADS];
	int errors[FIRE_THREADS] = { 0 };
	uint64_t count = 0;
	uint32_t key = 1;

	/* The host creates the entry: the programs only ever add to it. */
	e2e_update(e, counters, &key, &count);
	if (ebpf_program_attach_by_name(e2e_program(e, obj, "hash_counter"), "sample_hook", NULL, 0,
					&link))
		e2e_fail(e, "attach: %s", ebpf_last_error());
	for (int i = 0; i < FIRE_THREADS; i++)
		assert_int_equal(pthread_create(&threads[i], NULL, fire_many, &errors[i]), 0);
	for (int i = 0; i < FIRE_THREADS; i++)
		assert_int_equal(pthread_join(threads[i], NULL), 0);
	assert_int_equal(ebpf_link_detach(link), 0);
	for (int i = 0; i < FIRE_THREADS; i++)
		e2e_expect(e, "fire error", errors[i], 0);
	assert_true(has_key(counters, &key, &count));
	e2e_expect(e, "counters[1]", (int64_t)count, FIRE_THREADS * FIRES);
	ebpf_object_close(obj);
}

static void hash_count_by_key(struct e2e *e)
{
	static const uint32_t keys[] = { 7, 3, 7, 7, 9, 3, 7 };
	static const int32_t want[] = { 1, 1, 2, 3, 1, 2, 4 };
	struct ebpf_object *obj = e2e_open(e, "e2e_hash_count.bpf.o", NULL);
	struct ebpf_program *prog = e2e_program(e, obj, "count_by_key");
	struct ebpf_map *counts = e2e_map(e, obj, "counts");
	uint32_t key = 100;
	uint64_t count = 41;

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		e2e_expect(e, "r0", run_key(e, prog, keys[i]), want[i]);
	e2e_expect(e, "r0 (2-byte buffer)", e2e_run(e, prog, "ab", 2, NULL, NULL), -1);

	/* A count the host put there is counted on. */
	e2e_update(e, counts, &key, &count);
	e2e_expect(e, "r0", run_key(e, prog, 100), 42);
	for (key = 0; key < 10; key++) {
		uint64_t want_count = key == 7 ? 4 : key == 3 ? 2 : key == 9 ? 1 : 0;

		count = 0;
		has_key(counts, &key, &count);
		e2e_expect(e, "count", (int64_t)count, (int64_t)want_count);
	}
	e2e_dump_map(e, counts);
	ebpf_object_close(obj);
}

/* ---- LRU --------------------------------------------------------------------------------- */

/* lru.bpf.c as written: a flow table pinned by name, reused by a second object. */
static void lru_flows(struct e2e *e)
{
	struct flow_key {
		uint32_t saddr, daddr;
		uint16_t sport, dport;
		uint8_t proto;
	} key;
	struct {
		uint64_t packets, bytes;
	} stats;
	struct ebpf_object *obj = e2e_open(e, "lru.bpf.o", NULL), *again;
	struct ebpf_map *flows = e2e_map(e, obj, "flows"), *pinned = NULL;

	memset(&key, 0, sizeof(key)); /* the program's key has its padding zeroed too */
	key.saddr = 1;
	key.daddr = 2;
	key.sport = 3;
	key.dport = 4;
	key.proto = 6;
	e2e_expect(e, "map key size", ebpf_map_key_size(flows), sizeof(key));
	e2e_expect(e, "r0 (insert)", e2e_run(e, e2e_program(e, obj, "lru"), NULL, 0, NULL, NULL),
		   0);
	e2e_expect(e, "r0 (update)", e2e_run(e, e2e_program(e, obj, "lru"), NULL, 0, NULL, NULL),
		   0);
	assert_true(has_key(flows, &key, &stats));
	e2e_expect(e, "packets", (int64_t)stats.packets, 2);
	e2e_expect(e, "bytes", (int64_t)stats.bytes, 128);

	/* LIBBPF_PIN_BY_NAME: pinned under /sys/fs/bpf/<name>, and a second object shares it. */
	if (ebpf_map_get_pinned("/sys/fs/bpf/flows", &pinned))
		e2e_fail(e, "flows not pinned: %s", ebpf_last_error());
	e2e_expect(e, "pinned is the object's map", pinned == flows, 1);
	ebpf_map_release(pinned);
	again = e2e_open(e, "lru.bpf.o", NULL);
	e2e_expect(e, "second object shares the map", e2e_map(e, again, "flows") == flows, 1);
	e2e_run(e, e2e_program(e, again, "lru"), NULL, 0, NULL, NULL);
	assert_true(has_key(flows, &key, &stats));
	e2e_expect(e, "packets", (int64_t)stats.packets, 3);
	ebpf_object_close(again);
	ebpf_object_close(obj);
	assert_int_equal(ebpf_unpin("/sys/fs/bpf/flows"), 0);
}

/* Which of keys 1..7 the LRU map holds, as a bit set. */
static uint32_t lru_members(struct ebpf_map *map)
{
	uint32_t set = 0;
	uint64_t hits;

	for (uint32_t key = 1; key <= 7; key++)
		set |= has_key(map, &key, &hits) ? 1u << key : 0;
	return set;
}

#define BITS4(a, b, c, d) ((1u << (a)) | (1u << (b)) | (1u << (c)) | (1u << (d)))

/*
 * Eviction under pressure in a map of 4 (docs/maps.md: insertion order, a program's lookup
 * sets a reference bit, eviction takes the oldest element whose bit is clear and gives the
 * referenced ones a second chance). The host's lookups between steps must not count as uses.
 */
static void lru_eviction(struct e2e *e)
{
	struct ebpf_object *obj = e2e_open(e, "e2e_lru.bpf.o", NULL);
	struct ebpf_program *prog = e2e_program(e, obj, "lru_touch");
	struct ebpf_map *recent = e2e_map(e, obj, "recent");
	uint32_t key = 1;
	uint64_t hits = 0;

	for (uint32_t k = 1; k <= 4; k++)
		e2e_expect(e, "r0 (miss)", run_key(e, prog, k), 0);
	e2e_expect(e, "members", lru_members(recent), BITS4(1, 2, 3, 4));
	e2e_expect(e, "r0 (hit 1)", run_key(e, prog, 1), 1);
	/* 1 was used: 2 is the oldest unused. */
	e2e_expect(e, "r0 (miss 5)", run_key(e, prog, 5), 0);
	e2e_expect(e, "members", lru_members(recent), BITS4(1, 3, 4, 5));
	assert_true(has_key(recent, &key, &hits));
	e2e_expect(e, "hits of 1", (int64_t)hits, 2);
	/* Newest first: 5 1 4 3; 3 used: 4 goes. */
	e2e_expect(e, "r0 (hit 3)", run_key(e, prog, 3), 1);
	e2e_expect(e, "r0 (miss 6)", run_key(e, prog, 6), 0);
	e2e_expect(e, "members", lru_members(recent), BITS4(1, 3, 5, 6));
	/* Newest first: 6 3 5 1; 1 had its second chance already. */
	e2e_expect(e, "r0 (miss 7)", run_key(e, prog, 7), 0);
	e2e_expect(e, "members", lru_members(recent), BITS4(3, 5, 6, 7));
	e2e_dump_map(e, recent);
	ebpf_object_close(obj);
}

/* ---- LPM --------------------------------------------------------------------------------- */

/* lpm.bpf.c as written looks up 10.0.0.1; the host changes the routes around it. */
static void lpm_routes(struct e2e *e)
{
	struct ebpf_object *obj = e2e_open(e, "lpm.bpf.o", NULL);
	struct ebpf_program *prog = e2e_program(e, obj, "lpm");
	struct ebpf_map *routes = e2e_map(e, obj, "routes");
	struct lpm_key k8 = lpm_key(8, 10, 0, 0, 0), k24 = lpm_key(24, 10, 0, 0, 0),
		       k32 = lpm_key(32, 10, 0, 0, 1), other = lpm_key(16, 10, 1, 0, 0);
	uint32_t hop;

	e2e_expect(e, "r0 (no route)", e2e_run(e, prog, NULL, 0, NULL, NULL), -1);
	hop = 1;
	e2e_update(e, routes, &k8, &hop);
	e2e_expect(e, "r0 (/8)", e2e_run(e, prog, NULL, 0, NULL, NULL), 1);
	hop = 2;
	e2e_update(e, routes, &k24, &hop);
	hop = 9;
	e2e_update(e, routes, &other, &hop);
	e2e_expect(e, "r0 (/24 beats /8)", e2e_run(e, prog, NULL, 0, NULL, NULL), 2);
	hop = 3;
	e2e_update(e, routes, &k32, &hop);
	e2e_expect(e, "r0 (/32)", e2e_run(e, prog, NULL, 0, NULL, NULL), 3);
	e2e_delete(e, routes, &k32);
	e2e_expect(e, "r0 (/24 again)", e2e_run(e, prog, NULL, 0, NULL, NULL), 2);
	e2e_delete(e, routes, &k24);
	e2e_expect(e, "r0 (/8 again)", e2e_run(e, prog, NULL, 0, NULL, NULL), 1);
	e2e_dump_map(e, routes);
	ebpf_object_close(obj);
}

struct rule {
	uint32_t allow, id;
};

static void lpm_check(struct e2e *e, struct ebpf_program *prog, const uint8_t addr[4],
		      int32_t allow, uint32_t rule)
{
	struct sample_ctx ctx = { 0 };

	e2e_expect(e, "allow", e2e_run(e, prog, addr, 4, NULL, &ctx), allow);
	e2e_expect(e, "rule", ctx.flags, rule);
}

/* An allow list: the longest matching prefix decides, rule id in ctx->flags. */
static void lpm_filter(struct e2e *e)
{
	struct ebpf_object *obj = e2e_open(e, "e2e_lpm.bpf.o", NULL);
	struct ebpf_program *prog = e2e_program(e, obj, "lpm_filter");
	struct ebpf_map *rules = e2e_map(e, obj, "rules");
	const struct {
		struct lpm_key key;
		struct rule rule;
	} table[] = {
		{ lpm_key(0, 0, 0, 0, 0), { 0, 1 } },	   /* default deny */
		{ lpm_key(8, 10, 0, 0, 0), { 1, 2 } },	   /* 10/8 allowed */
		{ lpm_key(16, 10, 1, 0, 0), { 0, 3 } },	   /* but not 10.1/16 */
		{ lpm_key(24, 10, 1, 2, 0), { 1, 4 } },	   /* except 10.1.2/24 */
		{ lpm_key(32, 192, 168, 1, 7), { 1, 5 } }, /* and one host */
	};

	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		e2e_update(e, rules, &table[i].key, &table[i].rule);
	lpm_check(e, prog, (const uint8_t[]){ 10, 9, 9, 9 }, 1, 2);
	lpm_check(e, prog, (const uint8_t[]){ 10, 1, 9, 9 }, 0, 3);
	lpm_check(e, prog, (const uint8_t[]){ 10, 1, 2, 3 }, 1, 4);
	lpm_check(e, prog, (const uint8_t[]){ 10, 1, 3, 3 }, 0, 3);
	lpm_check(e, prog, (const uint8_t[]){ 8, 8, 8, 8 }, 0, 1);
	lpm_check(e, prog, (const uint8_t[]){ 192, 168, 1, 7 }, 1, 5);
	lpm_check(e, prog, (const uint8_t[]){ 192, 168, 1, 8 }, 0, 1);
	/* Without the default rule nothing matches: denied, no rule. */
	e2e_delete(e, rules, &table[0].key);
	lpm_check(e, prog, (const uint8_t[]){ 8, 8, 8, 8 }, 0, 0);
	lpm_check(e, prog, (const uint8_t[]){ 10, 200, 0, 1 }, 1, 2);
	e2e_expect(e, "r0 (short buffer)", e2e_run(e, prog, "ab", 2, NULL, NULL), -1);
	e2e_dump_map(e, rules);
	ebpf_object_close(obj);
}

/* ---- tail calls -------------------------------------------------------------------------- */

static uint32_t prog_id(struct e2e *e, const struct ebpf_object *obj, const char *name)
{
	return ebpf_program_id(e2e_program(e, obj, name));
}

/* tail_call.bpf.c as written, its program array then changed by the host. */
static void tail_call(struct e2e *e)
{
	struct ebpf_object *obj = e2e_open(e, "tail_call.bpf.o", NULL);
	struct ebpf_program *entry = e2e_program(e, obj, "entry");
	struct ebpf_map *table = e2e_map(e, obj, "jump_table");
	uint32_t slot, id;

	e2e_expect(e, "r0 (entry -> one -> two)", e2e_run(e, entry, NULL, 0, NULL, NULL), 3);
	slot = 2;
	e2e_delete(e, table, &slot);
	e2e_expect(e, "r0 (entry -> one)", e2e_run(e, entry, NULL, 0, NULL, NULL), 2);
	slot = 1;
	e2e_delete(e, table, &slot);
	e2e_expect(e, "r0 (entry)", e2e_run(e, entry, NULL, 0, NULL, NULL), 1);
	id = prog_id(e, obj, "stage_two");
	e2e_update(e, table, &slot, &id);
	e2e_expect(e, "r0 (entry -> two)", e2e_run(e, entry, NULL, 0, NULL, NULL), 3);
	e2e_dump_map(e, table);
	ebpf_object_close(obj);
}

static void expect_visits(struct e2e *e, const struct ebpf_object *obj, uint32_t a, uint32_t b,
			  uint32_t c)
{
	uint32_t visits[3];

	e2e_read_var(e, obj, "visits", visits, sizeof(visits));
	e2e_expect(e, "visits[a]", visits[0], a);
	e2e_expect(e, "visits[b]", visits[1], b);
	e2e_expect(e, "visits[c]", visits[2], c);
}

/* Each stage's effect on the context and on .bss, and the last stage's result. */
static void tail_chain(struct e2e *e)
{
	struct ebpf_object *obj = e2e_open(e, "e2e_tail_chain.bpf.o", NULL);
	struct ebpf_program *a = e2e_program(e, obj, "stage_a");
	struct ebpf_map *chain = e2e_map(e, obj, "chain");
	struct sample_ctx ctx = { .uid = 5 };
	uint32_t slot = 2, id;

	e2e_expect(e, "r0 (a b c)", e2e_run(e, a, NULL, 0, NULL, &ctx), 300 + 7);
	e2e_expect(e, "flags", ctx.flags, 7);
	e2e_expect(e, "counter", (int64_t)ctx.counter, 123);
	e2e_expect(e, "uid", ctx.uid, 5);
	expect_visits(e, obj, 1, 1, 1);
	ctx = (struct sample_ctx){ .counter = 9 };
	e2e_expect(e, "r0 (a b c)", e2e_run(e, a, NULL, 0, NULL, &ctx), 307);
	e2e_expect(e, "counter", (int64_t)ctx.counter, 9123);
	expect_visits(e, obj, 2, 2, 2);

	e2e_delete(e, chain, &slot);
	ctx = (struct sample_ctx){ 0 };
	e2e_expect(e, "r0 (a b)", e2e_run(e, a, NULL, 0, NULL, &ctx), 200);
	e2e_expect(e, "flags", ctx.flags, 3);
	e2e_expect(e, "counter", (int64_t)ctx.counter, 12);
	expect_visits(e, obj, 3, 3, 2);

	slot = 1;
	id = prog_id(e, obj, "stage_c");
	e2e_update(e, chain, &slot, &id);
	ctx = (struct sample_ctx){ 0 };
	e2e_expect(e, "r0 (a c)", e2e_run(e, a, NULL, 0, NULL, &ctx), 300 + 5);
	e2e_expect(e, "counter", (int64_t)ctx.counter, 13);
	expect_visits(e, obj, 4, 3, 3);
	ebpf_object_close(obj);
}

/* Linux's MAX_TAIL_CALL_CNT (33): the program runs once plus 33 times by tail call. */
static void tail_call_limit(struct e2e *e)
{
	struct ebpf_object *obj = e2e_open(e, "e2e_tail_depth.bpf.o", NULL);
	struct ebpf_program *prog = e2e_program(e, obj, "recurse");
	struct sample_ctx ctx = { 0 };

	e2e_expect(e, "r0", e2e_run(e, prog, NULL, 0, NULL, &ctx), 34);
	e2e_expect(e, "counter", (int64_t)ctx.counter, 34);
	/* The count is per invocation of the hook, not per program. */
	ctx = (struct sample_ctx){ .counter = 100 };
	e2e_expect(e, "r0", e2e_run(e, prog, NULL, 0, NULL, &ctx), 134);
	ebpf_object_close(obj);
}

/* Tail calls from subprograms (e2e_tail_subprog.bpf.c): the target replaces the subprogram, a
 * run never has more than 8 frames, and the caller's registers and stack survive. */
static void tail_subprog(struct e2e *e)
{
	static const struct {
		uint32_t slot;
		int64_t r0;
		uint64_t counter;
	} runs[] = {
		{ 0, 7 * 1000 + 7 * 3, 191923 },       /* target from frames 1 and 2 */
		{ 1, 106 * 1000 + 51 * 3, 19123 },     /* deep fits in frame 1, not in 2 */
		{ 2, 27 * 1000 + 27 * 3, 1719171923 }, /* relay tail-calls target again */
		{ 3, 53 * 1000 + 53 * 3, 1123 },       /* empty slot: both fail */
	};
	struct ebpf_object *obj = e2e_open(e, "e2e_tail_subprog.bpf.o", NULL);
	struct ebpf_program *prog = e2e_program(e, obj, "from_sub");

	for (size_t i = 0; i < sizeof(runs) / sizeof(runs[0]); i++) {
		struct sample_ctx ctx = { .uid = 42, .flags = runs[i].slot };

		e2e_expect(e, "r0", e2e_run(e, prog, NULL, 0, NULL, &ctx), runs[i].r0);
		e2e_expect(e, "counter", (int64_t)ctx.counter, (int64_t)runs[i].counter);
	}
	ebpf_object_close(obj);
}

/* ---- ring buffer ------------------------------------------------------------------------- */

#define RING_RECORDS 2000

struct ring_event {
	uint64_t seq;
	uint32_t value;
};

struct consumer {
	struct ebpf_ringbuf_consumer *consumer;
	uint64_t received; /* written by the consumer thread only */
	bool stop;	   /* set by the producer when it gives up */
	char error[256];
};

static int on_record(void *arg, const void *data, size_t size)
{
	struct consumer *c = arg;
	struct ring_event ev;

	if (size != sizeof(ev)) {
		snprintf(c->error, sizeof(c->error), "record %llu has %zu bytes",
			 (unsigned long long)c->received + 1, size);
		return -EINVAL;
	}
	memcpy(&ev, data, sizeof(ev));
	if (ev.seq != c->received + 1 || ev.value != 0xfeed) {
		snprintf(c->error, sizeof(c->error), "record %llu is seq %llu value %#x",
			 (unsigned long long)c->received + 1, (unsigned long long)ev.seq, ev.value);
		return -EINVAL;
	}
	c->received++;
	return 0;
}

static void *consume(void *arg)
{
	struct consumer *c = arg;

	while (c->received < RING_RECORDS && !c->error[0] &&
	       !__atomic_load_n(&c->stop, __ATOMIC_ACQUIRE)) {
		int n = ebpf_ringbuf_consumer_poll(c->consumer, 100);

		if (n < 0 && !c->error[0])
			snprintf(c->error, sizeof(c->error), "poll: %d", n);
	}
	return NULL;
}

/* Fires the hook until the program has produced every record (a full ring makes it return 0,
 * producing nothing: it is fired again once the consumer caught up). */
static uint64_t produce(struct consumer *c)
{
	uint64_t produced = 0, full = 0;
	char buf[8] = { 0 };

	while (produced < RING_RECORDS && full < 50000000) {
		uint32_t verdict = 0;
		size_t count = 0;

		assert_int_equal(
		    sample_hook_fire(buf, sizeof(buf), 0, &verdict, NULL, &count, NULL), 0);
		if (verdict == 1) {
			produced++;
			continue;
		}
		full++;
		sched_yield();
	}
	__atomic_store_n(&c->stop, produced < RING_RECORDS, __ATOMIC_RELEASE);
	return produced;
}

/* ringbuf.bpf.c as written, attached to the hook: the host reads every record, in order, on
 * another thread while the program produces them. */
static void ringbuf(struct e2e *e)
{
	struct ebpf_object *obj = e2e_open(e, "ringbuf.bpf.o", NULL);
	struct ebpf_map *events = e2e_map(e, obj, "events");
	struct consumer c = { 0 };
	struct ebpf_link *link = NULL;
	pthread_t thread;
	uint64_t produced, seq;

	if (ebpf_ringbuf_consumer_create(events, on_record, &c, &c.consumer))
		e2e_fail(e, "consumer: %s", ebpf_last_error());
	if (ebpf_program_attach_by_name(e2e_program(e, obj, "ringbuf"), "sample_hook", NULL, 0,
					&link))
		e2e_fail(e, "attach: %s", ebpf_last_error());
	assert_int_equal(pthread_create(&thread, NULL, consume, &c), 0);
	produced = produce(&c);
	assert_int_equal(pthread_join(thread, NULL), 0);
	ebpf_link_detach(link);
	ebpf_ringbuf_consumer_destroy(c.consumer);
	if (c.error[0])
		e2e_fail(e, "consumer: %s", c.error);
	e2e_expect(e, "records produced", (int64_t)produced, RING_RECORDS);
	e2e_expect(e, "records received in order", (int64_t)c.received, RING_RECORDS);
	e2e_read_var(e, obj, "seq", &seq, sizeof(seq));
	e2e_expect(e, "seq", (int64_t)seq, RING_RECORDS);
	ebpf_object_close(obj);
}

/* ---- map in map -------------------------------------------------------------------------- */

static void map_in_map(struct e2e *e)
{
	struct ebpf_object *obj = e2e_open(e, "map_in_map.bpf.o", NULL);
	struct ebpf_program *prog = e2e_program(e, obj, "map_in_map");
	struct ebpf_map *outer = e2e_map(e, obj, "outer"), *inner_a = e2e_map(e, obj, "inner_a");
	struct ebpf_map *inner_b = NULL, *wrong = NULL;
	uint32_t slot = 3, key = 0, id = 0;
	uint64_t value;

	if (ebpf_map_lookup_elem(outer, &slot, &id))
		e2e_fail(e, "outer[3]: %s", ebpf_last_error());
	e2e_expect(e, "outer[3] is inner_a", id == ebpf_map_id(inner_a), 1);
	e2e_expect(e, "r0 (empty inner)", e2e_run(e, prog, NULL, 0, NULL, NULL), 0);
	value = 77;
	e2e_update(e, inner_a, &key, &value);
	e2e_expect(e, "r0 (inner_a)", e2e_run(e, prog, NULL, 0, NULL, NULL), 77);

	/* A map the host made replaces it; later changes to inner_a no longer show. */
	assert_int_equal(ebpf_map_create(EBPF_MAP_TYPE_HASH, "inner_b", 4, 8, 16, NULL, &inner_b),
			 0);
	value = 55;
	e2e_update(e, inner_b, &key, &value);
	id = ebpf_map_id(inner_b);
	e2e_update(e, outer, &slot, &id);
	value = 78;
	e2e_update(e, inner_a, &key, &value);
	e2e_expect(e, "r0 (inner_b)", e2e_run(e, prog, NULL, 0, NULL, NULL), 55);

	/* An inner map unlike the template is refused. */
	assert_int_equal(ebpf_map_create(EBPF_MAP_TYPE_HASH, "wrong", 4, 4, 16, NULL, &wrong), 0);
	id = ebpf_map_id(wrong);
	e2e_expect(e, "update with a mismatched inner map",
		   ebpf_map_update_elem(outer, &slot, &id, EBPF_ANY), -EINVAL);
	ebpf_map_release(wrong);
	e2e_expect(e, "r0 (still inner_b)", e2e_run(e, prog, NULL, 0, NULL, NULL), 55);

	e2e_delete(e, outer, &slot);
	e2e_expect(e, "r0 (no inner)", e2e_run(e, prog, NULL, 0, NULL, NULL), -1);
	id = ebpf_map_id(inner_a);
	e2e_update(e, outer, &slot, &id);
	e2e_expect(e, "r0 (inner_a back)", e2e_run(e, prog, NULL, 0, NULL, NULL), 78);
	ebpf_map_release(inner_b); /* outer let it go */
	e2e_dump_map(e, outer);
	ebpf_object_close(obj);
}

/* ---- subprograms ------------------------------------------------------------------------- */

static void subprog(struct e2e *e)
{
	struct ebpf_object *obj = e2e_open(e, "subprog.bpf.o", NULL);

	e2e_expect(e, "r0 (3*3 + 4*4)",
		   e2e_run(e, e2e_program(e, obj, "sum_squares"), NULL, 0, NULL, NULL), 25);
	e2e_expect(e, "r0 (5*5*2 + 1)",
		   e2e_run(e, e2e_program(e, obj, "twice_squared"), NULL, 0, NULL, NULL), 51);
	/* A function pointer passed to bpf_loop: its callback adds 0 + 1 + 2 + 3. */
	e2e_expect(e, "r0 (bpf_loop)", e2e_run(e, e2e_program(e, obj, "loop"), NULL, 0, NULL, NULL),
		   6);
	/* Subprograms returning without r0: 42 stored by one, halves swapped by the other (whose 7
	 * clang folded into the caller): 42 + 7 + 0x20001. */
	e2e_expect(e, "r0 (void subprograms)",
		   e2e_run(e, e2e_program(e, obj, "void_subprogs"), NULL, 0, NULL, NULL),
		   42 + 7 + 0x20001);
	ebpf_object_close(obj);
}

/*
 * Closing a refused object empties its program arrays and maps of maps; that walk must leave
 * the refusal's message alone (it used to end with "get_next_key: no key after this one"). One
 * object per kind of map the walk empties, each with an entry in it.
 */
static void test_refusal_survives_cleanup(void **state)
{
	static const char *const objects[] = {
		"refused_with_prog_array.bpf.o",
		"refused_with_array_of_maps.bpf.o",
		"refused_with_hash_of_maps.bpf.o",
	};
	struct ebpf_extension *ext;

	(void)state;
	if (ebpf_extension_add_static(&ebpf_extension_sample, &ext))
		fail_msg("sample extension: %s", ebpf_last_error());
	for (size_t i = 0; i < sizeof(objects) / sizeof(objects[0]); i++) {
		struct ebpf_object *obj = NULL;
		const char *msg;

		assert_int_equal(ebpf_object_open(e2e_prog_path(objects[i]), NULL, &obj), -EACCES);
		assert_null(obj);
		msg = ebpf_last_error();
		if (!strstr(msg, "program 'writes_uid' refused") ||
		    !strstr(msg, "write to read-only ctx field: offset 16 size 4"))
			fail_msg("%s: the refusal's message is lost: %s", objects[i], msg);
	}
}

/* ---- legacy maps ------------------------------------------------------------------------- */

static void legacy_maps(struct e2e *e)
{
	struct ebpf_object *obj = e2e_open(e, "legacy_maps.bpf.o", NULL);
	struct ebpf_program *prog = e2e_program(e, obj, "legacy");
	struct ebpf_map *array = e2e_map(e, obj, "legacy_array");
	struct ebpf_map *hash = e2e_map(e, obj, "legacy_hash");
	uint8_t blob[24] = { 1, 2, 3 };
	uint64_t hkey = 9, value = 1234;
	uint32_t key = 0;

	e2e_expect(e, "array type", ebpf_map_type(array), EBPF_MAP_TYPE_ARRAY);
	e2e_expect(e, "array sizes", ebpf_map_key_size(array) * 1000 + ebpf_map_value_size(array),
		   4008);
	e2e_expect(e, "array max_entries", ebpf_map_max_entries(array), 16);
	e2e_expect(e, "hash type", ebpf_map_type(hash), EBPF_MAP_TYPE_HASH);
	e2e_expect(e, "hash sizes", ebpf_map_key_size(hash) * 1000 + ebpf_map_value_size(hash),
		   8024);
	e2e_expect(e, "hash max_entries", ebpf_map_max_entries(hash), 64);
	e2e_expect(e, "hash no-prealloc", !!(ebpf_map_flags(hash) & EBPF_F_NO_PREALLOC), 1);

	e2e_expect(e, "r0 (array[0] = 0)", e2e_run(e, prog, NULL, 0, NULL, NULL), 0);
	e2e_update(e, array, &key, &value);
	e2e_expect(e, "r0 (array[0])", e2e_run(e, prog, NULL, 0, NULL, NULL), 1234);
	e2e_update(e, hash, &hkey, blob);
	e2e_expect(e, "r0 (hash has 9)", e2e_run(e, prog, NULL, 0, NULL, NULL), 2);
	e2e_delete(e, hash, &hkey);
	e2e_expect(e, "r0 (hash lost 9)", e2e_run(e, prog, NULL, 0, NULL, NULL), 1234);
	ebpf_object_close(obj);
}

/* ---- the sample extension's own programs ------------------------------------------------- */

/* Output data and context through the extension's helpers. */
static void sample_replace(struct e2e *e)
{
	struct ebpf_object *obj = e2e_open(e, "sample_replace.bpf.o", NULL);
	struct ebpf_program *prog = e2e_program(e, obj, "replace_foo");
	struct sample_ctx ctx = { .uid = 1000, .counter = 10 };
	char out[16];

	e2e_expect(e, "r0", e2e_run(e, prog, "xxfooyy", 7, out, &ctx), 1);
	e2e_expect(e, "data replaced", !memcmp(out, "xxBARyy", 7), 1);
	e2e_expect(e, "flags", ctx.flags, 7);
	e2e_expect(e, "counter", (int64_t)ctx.counter, 15);
	e2e_expect(e, "uid", ctx.uid, 1000);
	e2e_expect(e, "r0", e2e_run(e, prog, "foofoo", 6, out, NULL), 1);
	e2e_expect(e, "first replaced", !memcmp(out, "BARfoo", 6), 1);
	e2e_expect(e, "r0", e2e_run(e, prog, "no match", 8, out, NULL), 0);
	e2e_expect(e, "untouched", !memcmp(out, "no match", 8), 1);
	ebpf_object_close(obj);
}

/* Attached and fired by the host with different uids and buffers. */
static void sample_count(struct e2e *e)
{
	static const uint32_t uids[] = { 1, 2, 1, 3, 1 };
	struct ebpf_object *obj = e2e_open(e, "sample_count.bpf.o", NULL);
	struct ebpf_map *hits = e2e_map(e, obj, "hits");
	struct ebpf_link *link = NULL;
	char buf[32] = { 0 };
	uint64_t count = 0;
	uint32_t uid = 1;

	if (ebpf_program_attach_by_name(e2e_program(e, obj, "count_hits"), "sample_hook", NULL, 0,
					&link))
		e2e_fail(e, "attach: %s", ebpf_last_error());
	for (size_t i = 0; i < sizeof(uids) / sizeof(uids[0]); i++) {
		uint32_t verdict = 0;
		size_t n = 0;

		assert_int_equal(sample_hook_fire(buf, 10 + i, uids[i], &verdict, NULL, &n, NULL),
				 0);
		e2e_expect(e, "programs run", (int64_t)n, 1);
		e2e_expect(e, "verdict (buffer length)", verdict, 10 + i);
	}
	assert_int_equal(ebpf_link_detach(link), 0);
	assert_true(has_key(hits, &uid, &count));
	e2e_expect(e, "hits[1]", (int64_t)count, 3);
	e2e_dump_map(e, hits);
	ebpf_object_close(obj);
}

/* ---- a packet filter -------------------------------------------------------------------- */

enum { ETH_LEN = 14, UDP_LEN = 8, TCP_LEN = 20 };

/* RFC 1071 over big-endian 16-bit words: 0 over a header whose checksum is right. */
static uint16_t rfc1071(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

struct packet {
	uint8_t bytes[128];
	size_t len;
};

/* Ethernet + IPv4 (ihl words, NOP options) + a UDP or TCP header to dport + 4 payload bytes,
 * with a right IPv4 checksum. */
static struct packet make_packet(uint8_t ihl, uint8_t ttl, uint8_t proto, uint16_t dport)
{
	struct packet pk = { .bytes = { 0 } };
	uint8_t *ip = pk.bytes + ETH_LEN, *l4 = ip + ihl * 4;
	size_t l4_len = proto == IPPROTO_TCP ? TCP_LEN : UDP_LEN;

	memset(pk.bytes, 0xaa, 12); /* MAC addresses */
	put16(pk.bytes + 12, 0x0800);
	ip[0] = 0x40 | ihl;
	put16(ip + 2, ihl * 4 + l4_len + 4);
	ip[8] = ttl;
	ip[9] = proto;
	memcpy(ip + 12, (const uint8_t[]){ 10, 0, 0, 1, 10, 0, 0, 2 }, 8);
	memset(ip + 20, 1, ihl * 4 - 20);
	put16(ip + 10, rfc1071(ip, ihl * 4));
	put16(l4, 4321);
	put16(l4 + 2, dport);
	if (proto == IPPROTO_TCP)
		l4[12] = 5 << 4;
	memcpy(l4 + l4_len, "data", 4);
	pk.len = ETH_LEN + ihl * 4 + l4_len + 4;
	return pk;
}

/* Runs the filter on a packet; forwarded packets must come out with the TTL one less, a right
 * checksum and nothing else changed, the others untouched. */
static int32_t filter(struct e2e *e, struct ebpf_program *prog, const struct packet *pk,
		      uint32_t *port)
{
	struct sample_ctx ctx = { 0 };
	struct packet out = *pk;
	const uint8_t *ip = out.bytes + ETH_LEN;
	int32_t r0 = e2e_run(e, prog, pk->bytes, pk->len, out.bytes, &ctx);

	*port = ctx.flags;
	if (r0 <= 0) {
		e2e_expect(e, "untouched", !memcmp(out.bytes, pk->bytes, pk->len), 1);
		return r0;
	}
	e2e_expect(e, "ttl", ip[8], pk->bytes[ETH_LEN + 8] - 1);
	e2e_expect(e, "checksum right", rfc1071(ip, (ip[0] & 0xf) * 4), 0);
	out.bytes[ETH_LEN + 8]++;
	memcpy(out.bytes + ETH_LEN + 10, pk->bytes + ETH_LEN + 10, 2);
	e2e_expect(e, "nothing else changed", !memcmp(out.bytes, pk->bytes, pk->len), 1);
	return r0;
}

static void packet_filter(struct e2e *e)
{
	struct ebpf_object *obj = e2e_open(e, "e2e_packet.bpf.o", NULL);
	struct ebpf_program *prog = e2e_program(e, obj, "packet_filter");
	struct packet pk;
	uint32_t port, key;
	uint64_t bytes = 0, count;

	pk = make_packet(5, 64, IPPROTO_UDP, 53);
	bytes += pk.len - ETH_LEN;
	e2e_expect(e, "udp 53", filter(e, prog, &pk, &port), 1);
	e2e_expect(e, "port", port, 53);
	pk = make_packet(5, 10, IPPROTO_TCP, 22);
	bytes += pk.len - ETH_LEN;
	e2e_expect(e, "tcp 22", filter(e, prog, &pk, &port), 2);
	e2e_expect(e, "port", port, 22);
	pk = make_packet(6, 200, IPPROTO_UDP, 8080); /* with options: the port moves */
	bytes += pk.len - ETH_LEN;
	e2e_expect(e, "udp 8080 after options", filter(e, prog, &pk, &port), 1);
	e2e_expect(e, "port", port, 8080);
	pk = make_packet(5, 64, IPPROTO_ICMP, 0);
	bytes += pk.len - ETH_LEN;
	e2e_expect(e, "icmp", filter(e, prog, &pk, &port), 1);
	pk = make_packet(5, 1, IPPROTO_UDP, 53);
	bytes += pk.len - ETH_LEN;
	e2e_expect(e, "ttl expired", filter(e, prog, &pk, &port), -1);
	pk = make_packet(5, 64, IPPROTO_UDP, 53);
	pk.bytes[ETH_LEN + 11] ^= 1;
	bytes += pk.len - ETH_LEN;
	e2e_expect(e, "bad checksum", filter(e, prog, &pk, &port), -1);
	pk = make_packet(5, 64, IPPROTO_TCP, 80);
	pk.len = ETH_LEN + 20 + 10;
	bytes += 20 + TCP_LEN + 4; /* tot_len says so */
	e2e_expect(e, "tcp header cut", filter(e, prog, &pk, &port), -1);
	pk.len = ETH_LEN + 10;
	e2e_expect(e, "ip header cut", filter(e, prog, &pk, &port), -1);
	pk = make_packet(5, 64, IPPROTO_UDP, 53);
	put16(pk.bytes + 12, 0x0806);
	e2e_expect(e, "arp passes", filter(e, prog, &pk, &port), 0);

	for (key = 0; key < 256; key++) {
		count = 0;
		ebpf_map_lookup_elem(e2e_map(e, obj, "proto_count"), &key, &count);
		if (key == IPPROTO_UDP || key == IPPROTO_TCP || key == IPPROTO_ICMP || count)
			e2e_expect(e, "packets of the protocol", (int64_t)count,
				   key == IPPROTO_UDP	? 4
				   : key == IPPROTO_TCP ? 2
							: 1);
	}
	e2e_read_var(e, obj, "ip_bytes", &count, sizeof(count));
	e2e_expect(e, "ip_bytes", (int64_t)count, (int64_t)bytes);
	ebpf_object_close(obj);
}

/* ---- the comparison itself --------------------------------------------------------------- */

static void test_transcripts_compared(void **state)
{
	struct e2e a = { .mode = EBPF_MODE_INTERP, .cap = 8 },
		   b = { .mode = EBPF_MODE_JIT, .cap = 8 };
	char msg[512] = "";

	a.transcript = calloc(1, a.cap);
	b.transcript = calloc(1, b.cap);
	assert_true(a.transcript && b.transcript);
	e2e_note(&a, "open x.bpf.o");
	e2e_note(&b, "open x.bpf.o");
	e2e_note(&a, "run prog: r0 %#x", 7);
	e2e_note(&b, "run prog: r0 %#x", 7);
	assert_int_equal(e2e_compare("demo", &a, &b, msg, sizeof(msg)), 0);

	e2e_note(&a, "map m: %d entries", 1);
	e2e_note(&b, "map m: %d entries", 2);
	assert_int_equal(e2e_compare("demo", &a, &b, msg, sizeof(msg)), -1);
	assert_string_equal(msg, "demo: mode jit differs from interp at observation 3:\n"
				 "  interp: map m: 1 entries\n"
				 "  jit   : map m: 2 entries");

	/* One transcript ending early is a difference too. */
	e2e_note(&a, "one more");
	b.mode = EBPF_MODE_NATIVE;
	b.len = strstr(b.transcript, "map m") - b.transcript;
	b.transcript[b.len] = '\0';
	assert_int_equal(e2e_compare("demo", &a, &b, msg, sizeof(msg)), -1);
	assert_non_null(strstr(msg, "mode native differs from interp at observation 3"));
	assert_non_null(strstr(msg, "native: (nothing)"));
	free(a.transcript);
	free(b.transcript);
}

/* ---- callbacks --------------------------------------------------------------------------- */

/* One run of e2e_loop.bpf.c's loop_sum: bpf_loop(n, ...) stopping at stop_at, with flags. */
static int32_t run_loop(struct e2e *e, struct ebpf_program *prog, uint32_t n, uint32_t stop_at,
			uint32_t flags, uint64_t *total, const struct ebpf_object *obj)
{
	const uint32_t in[3] = { n, stop_at, flags };
	int32_t r0 = e2e_run(e, prog, in, sizeof(in), NULL, NULL);

	e2e_read_var(e, obj, "loop_total", total, sizeof(*total));
	return r0;
}

/* bpf_loop runs its callback in every engine: a million calls summing 1..n, an early stop, the
 * refusals of Linux (-E2BIG past 1 << 23 calls, -EINVAL for flags), nested loops. */
static void loop_callbacks(struct e2e *e)
{
	struct ebpf_object *obj = e2e_open(e, "e2e_loop.bpf.o", NULL);
	struct ebpf_program *sum = e2e_program(e, obj, "loop_sum");
	struct ebpf_program *nested = e2e_program(e, obj, "loop_nested");
	uint64_t total = 0;

	e2e_expect(e, "calls", run_loop(e, sum, 1000000, 0, 0, &total, obj), 1000000);
	e2e_expect(e, "sum 1..1000000", (int64_t)total, 500000500000ll);
	e2e_expect(e, "calls (stop at 10)", run_loop(e, sum, 100, 10, 0, &total, obj), 10);
	e2e_expect(e, "sum 1..10", (int64_t)total, 55);
	e2e_expect(e, "calls (none)", run_loop(e, sum, 0, 0, 0, &total, obj), 0);
	e2e_expect(e, "sum of nothing", (int64_t)total, 0);
	e2e_expect(e, "calls (1 << 23)", run_loop(e, sum, 1u << 23, 1, 0, &total, obj), 1);
	e2e_expect(e, "calls (1 << 23 + 1)", run_loop(e, sum, (1u << 23) + 1, 1, 0, &total, obj),
		   -E2BIG);
	e2e_expect(e, "calls (flags 1)", run_loop(e, sum, 5, 0, 1, &total, obj), -EINVAL);
	e2e_expect(e, "outer calls", e2e_run(e, nested, NULL, 0, NULL, NULL), 10);
	e2e_read_var(e, obj, "nested_total", &total, sizeof(total));
	e2e_expect(e, "inner calls (1 + 2 + ... + 10)", (int64_t)total, 55);
	ebpf_object_close(obj);
}

/* The maps e2e_for_each.bpf.c walks: u32 keys, u64 values (per-CPU: one slot per CPU). */
static const char *const walked_maps[] = {
	"array", "percpu_array", "hash", "percpu_hash", "lru_hash", "lru_percpu_hash",
};

/* Fills a walked map: every index of an array, ten scattered keys of a hash; per-CPU maps get
 * the same value in every CPU's slot, so the sum does not depend on the running CPU. */
static void fill_walked(struct e2e *e, struct ebpf_map *map, bool is_array, bool percpu)
{
	const uint32_t ncpus = percpu ? ebpf_num_possible_cpus() : 1;
	uint64_t *slots = calloc(ncpus, sizeof(*slots));

	assert_non_null(slots);
	for (uint32_t i = 0; i < (is_array ? 16u : 10u); i++) {
		const uint32_t key = is_array ? i : 1000 + 37 * i;

		for (uint32_t c = 0; c < ncpus; c++)
			slots[c] = 3ull * key + 1;
		e2e_update(e, map, &key, slots);
	}
	free(slots);
}

/* What a walk stopping at stop_key must see, from the map's contents in its own order: the
 * number of elements visited (the stopping one included) and the sum of their values. */
static int64_t walk_expected(struct ebpf_map *map, bool percpu, uint32_t stop_key, uint64_t *sum)
{
	const uint32_t ncpus = percpu ? ebpf_num_possible_cpus() : 1;
	uint64_t *slots = calloc(ncpus, sizeof(*slots));
	uint32_t key, next;
	int64_t visited = 0;
	int err;

	assert_non_null(slots);
	*sum = 0;
	for (err = ebpf_map_get_next_key(map, NULL, &next); !err;
	     err = ebpf_map_get_next_key(map, &key, &next)) {
		key = next;
		assert_int_equal(ebpf_map_lookup_elem(map, &key, slots), 0);
		*sum += slots[0];
		visited++;
		if (key == stop_key)
			break;
	}
	free(slots);
	return visited;
}

/* The key at position n of the map's walk order. */
static uint32_t walk_key_at(struct ebpf_map *map, int n)
{
	uint32_t key = 0, next = 0;

	assert_int_equal(ebpf_map_get_next_key(map, NULL, &next), 0);
	for (int i = 0; i < n; i++) {
		key = next;
		assert_int_equal(ebpf_map_get_next_key(map, &key, &next), 0);
	}
	return next;
}

/*
 * One run of walk_<map>: r0 (the calls) and walk_sum checked against walk_expected. A walk that
 * stops inside the map depends on the map's order, which for LRU maps depends on the CPU each
 * update ran on: those runs are checked in each engine but kept out of the transcripts.
 */
static void run_walk(struct e2e *e, const struct ebpf_object *obj, const char *name,
		     struct ebpf_map *map, bool percpu, uint32_t stop_key, bool noted)
{
	char prog_name[64], what[96];
	const uint32_t in[2] = { stop_key, 0 };
	uint32_t out[2];
	uint64_t want_sum, sum = 0;
	int64_t want_calls = walk_expected(map, percpu, stop_key, &want_sum);
	struct ebpf_program *prog;
	struct ebpf_test_run_opts run = {
		.sz = sizeof(run),
		.data_in = in,
		.data_size_in = sizeof(in),
		.data_out = out,
		.data_size_out = sizeof(out),
		.repeat = 1,
	};

	snprintf(prog_name, sizeof(prog_name), "walk_%s", name);
	prog = e2e_program(e, obj, prog_name);
	snprintf(what, sizeof(what), "%s: calls (stop at key %u)", name, stop_key);
	if (noted) {
		e2e_expect(e, what, e2e_run(e, prog, in, sizeof(in), NULL, NULL), want_calls);
	} else {
		if (ebpf_program_test_run(prog, &run))
			e2e_fail(e, "test run of '%s': %s", prog_name, ebpf_last_error());
		if ((int32_t)run.retval != want_calls)
			e2e_fail(e, "%s: %d, expected %" PRId64, what, (int32_t)run.retval,
				 want_calls);
	}
	e2e_read_var(e, obj, "walk_sum", &sum, sizeof(sum));
	snprintf(what, sizeof(what), "%s: sum (stop at key %u)", name, stop_key);
	if (noted)
		e2e_expect(e, what, (int64_t)sum, (int64_t)want_sum);
	else if (sum != want_sum)
		e2e_fail(e, "%s: %" PRIu64 ", expected %" PRIu64, what, sum, want_sum);
}

/* bpf_for_each_map_elem walks every map type Linux walks, in every engine: all of it, up to an
 * element in the middle where the callback stops, nothing for flags other than 0 (-EINVAL); a
 * callback may run a bpf_loop of its own; a callback deleting its own element still reaches
 * every element. */
static void for_each_callbacks(struct e2e *e)
{
	struct ebpf_object *obj = e2e_open(e, "e2e_for_each.bpf.o", NULL);
	const uint32_t bad_flags[2] = { ~0u, 1 };
	uint64_t sum = 0, want;

	for (size_t i = 0; i < sizeof(walked_maps) / sizeof(walked_maps[0]); i++) {
		const char *name = walked_maps[i];
		struct ebpf_map *map = e2e_map(e, obj, name);
		const bool is_array = strstr(name, "array") != NULL;
		const bool percpu = strstr(name, "percpu") != NULL;
		char prog_name[64];

		fill_walked(e, map, is_array, percpu);
		run_walk(e, obj, name, map, percpu, ~0u, true);
		run_walk(e, obj, name, map, percpu, walk_key_at(map, 3), false);
		run_walk(e, obj, name, map, percpu, walk_key_at(map, 0), false);
		snprintf(prog_name, sizeof(prog_name), "walk_%s", name);
		e2e_expect(e, "calls (flags 1)",
			   e2e_run(e, e2e_program(e, obj, prog_name), bad_flags, sizeof(bad_flags),
				   NULL, NULL),
			   -EINVAL);
	}
	want = 0;
	for (uint32_t key = 0; key < 16; key++) {
		uint64_t value = 0;

		assert_int_equal(ebpf_map_lookup_elem(e2e_map(e, obj, "array"), &key, &value), 0);
		want += value % 5;
	}
	e2e_expect(e, "nested: calls",
		   e2e_run(e, e2e_program(e, obj, "walk_nested"), NULL, 0, NULL, NULL), 16);
	e2e_read_var(e, obj, "walk_sum", &sum, sizeof(sum));
	e2e_expect(e, "nested: bpf_loop calls", (int64_t)sum, (int64_t)want);
	e2e_expect(e, "drain: calls",
		   e2e_run(e, e2e_program(e, obj, "drain_hash"), NULL, 0, NULL, NULL), 10);
	e2e_read_var(e, obj, "walk_sum", &sum, sizeof(sum));
	e2e_expect(e, "drain: callbacks counted", (int64_t)sum, 10);
	e2e_expect(e, "drain: elements left",
		   walk_expected(e2e_map(e, obj, "hash"), false, ~0u, &sum), 0);
	run_walk(e, obj, "hash", e2e_map(e, obj, "hash"), false, ~0u, true);
	ebpf_object_close(obj);
}

/* A host thread inserting and deleting the keys of a walked hash map until told to stop. */
struct churn {
	struct ebpf_map *map;
	atomic_bool stop;
	int err;
};

static void *churn_hash(void *arg)
{
	struct churn *c = arg;

	for (uint64_t round = 0; !atomic_load(&c->stop); round++) {
		for (uint32_t i = 0; i < 10 && !c->err; i++) {
			const uint32_t key = 1000 + 37 * i;
			const uint64_t value = 3ull * key + 1;

			if (round % 2 == 0)
				c->err = ebpf_map_update_elem(c->map, &key, &value, EBPF_ANY);
			else
				c->err = ebpf_map_delete_elem(c->map, &key);
		}
	}
	return NULL;
}

/*
 * Walks under concurrent updates: while a host thread inserts and deletes every key of the hash
 * map, each walk ends (within max_entries calls) and reads only live or RCU-protected elements
 * (ASan's build of this test checks the memory; the values are the churn's, 3 * key + 1).
 */
static void for_each_concurrent(struct e2e *e)
{
	struct ebpf_object *obj = e2e_open(e, "e2e_for_each.bpf.o", NULL);
	struct ebpf_program *prog = e2e_program(e, obj, "walk_hash");
	struct churn churn = { .map = e2e_map(e, obj, "hash") };
	const uint32_t in[2] = { ~0u, 0 };
	int bad_runs = 0;
	pthread_t thread;

	assert_int_equal(pthread_create(&thread, NULL, churn_hash, &churn), 0);
	for (int run = 0; run < 2000; run++) {
		struct ebpf_test_run_opts opts = {
			.sz = sizeof(opts), .data_in = in, .data_size_in = sizeof(in), .repeat = 1
		};
		uint64_t sum = 0;

		if (ebpf_program_test_run(prog, &opts) || opts.retval > 16)
			bad_runs++;
		e2e_read_var(e, obj, "walk_sum", &sum, sizeof(sum));
		/* Every value is 3 * key + 1 with key 1000 + 37 * i: at least 3001 each. */
		if (sum > 16 * (3ull * (1000 + 37 * 9) + 1) || (opts.retval && sum < 3001))
			bad_runs++;
	}
	atomic_store(&churn.stop, true);
	assert_int_equal(pthread_join(thread, NULL), 0);
	e2e_expect(e, "churn errors", churn.err, 0);
	e2e_expect(e, "walks out of bounds", bad_runs, 0);
	ebpf_object_close(obj);
}

/* ---- the tests --------------------------------------------------------------------------- */

/* One run of an e2e_iter.bpf.c program with {n, stop_at}: r0, and iter_total in *total. */
static int32_t run_iter(struct e2e *e, const struct ebpf_object *obj, const char *name, uint32_t n,
			uint32_t stop_at, uint64_t *total)
{
	const uint32_t in[2] = { n, stop_at };
	int32_t r0 = e2e_run(e, e2e_program(e, obj, name), in, sizeof(in), NULL, NULL);

	e2e_read_var(e, obj, "iter_total", total, sizeof(*total));
	return r0;
}

/* Open-coded iterators (bpf_for, bpf_repeat) run in every engine: sums over 0..N for constant
 * and run-time N (a million included), nested loops, an early break, values as indexes. */
static void iter_num(struct e2e *e)
{
	struct ebpf_object *obj = e2e_open(e, "e2e_iter.bpf.o", NULL);
	uint32_t hist[16];
	uint64_t total = 0;

	run_iter(e, obj, "sum_10", 0, 0, &total);
	e2e_expect(e, "sum 0..9", (int64_t)total, 45);
	run_iter(e, obj, "sum_1m", 0, 0, &total);
	e2e_expect(e, "sum 0..999999", (int64_t)total, 499999500000ll);
	run_iter(e, obj, "sum_n", 1000, 0, &total);
	e2e_expect(e, "sum 0..999", (int64_t)total, 499500);
	run_iter(e, obj, "sum_n", 0, 0, &total);
	e2e_expect(e, "sum of nothing", (int64_t)total, 0);
	/* Past 1 << 23 values bpf_iter_num_new fails: the iterator gives none. */
	run_iter(e, obj, "sum_n", (1u << 23) + 1, 0, &total);
	e2e_expect(e, "sum (n = 1 << 23 + 1)", (int64_t)total, 0);
	run_iter(e, obj, "sum_n", (uint32_t)-5, 0, &total);
	e2e_expect(e, "sum (n < 0)", (int64_t)total, 0);
	run_iter(e, obj, "nested", 0, 0, &total);
	e2e_expect(e, "nested pairs", (int64_t)total, 55);
	run_iter(e, obj, "repeat", 0, 0, &total);
	e2e_expect(e, "bpf_repeat(7) * 3", (int64_t)total, 21);
	e2e_expect(e, "break at 42", run_iter(e, obj, "early_break", 0, 42, &total), 42);
	e2e_expect(e, "no break", run_iter(e, obj, "early_break", 0, 1000, &total), 100);
	run_iter(e, obj, "index_checked", 20, 0, &total);
	run_iter(e, obj, "index_from_range", 0, 0, &total);
	e2e_read_var(e, obj, "iter_hist", hist, sizeof(hist));
	for (int i = 0; i < 16; i++)
		e2e_expect(e, "hist[i]", hist[i], 3);
	/* The iterator advanced by bpf_loop's callback, one value per call. */
	run_iter(e, obj, "iter_in_callback", 1000, 0, &total);
	e2e_expect(e, "callback sum 0..999", (int64_t)total, 499500);
	run_iter(e, obj, "iter_in_callback", 0, 0, &total);
	e2e_expect(e, "callback sum of nothing", (int64_t)total, 0);
	run_iter(e, obj, "iter_in_callback_1m", 0, 0, &total);
	e2e_expect(e, "callback sum 0..999999", (int64_t)total, 499999500000ll);
	ebpf_object_close(obj);
}

#define DIFFERENTIAL(fn)                                                                           \
	static void test_##fn(void **state)                                                        \
	{                                                                                          \
		e2e_differential(#fn, fn);                                                         \
	}

DIFFERENTIAL(global_data)
DIFFERENTIAL(hash_counter)
DIFFERENTIAL(concurrent_counter)
DIFFERENTIAL(hash_count_by_key)
DIFFERENTIAL(lru_flows)
DIFFERENTIAL(lru_eviction)
DIFFERENTIAL(lpm_routes)
DIFFERENTIAL(lpm_filter)
DIFFERENTIAL(tail_call)
DIFFERENTIAL(tail_chain)
DIFFERENTIAL(tail_call_limit)
DIFFERENTIAL(tail_subprog)
DIFFERENTIAL(ringbuf)
DIFFERENTIAL(map_in_map)
DIFFERENTIAL(subprog)
DIFFERENTIAL(legacy_maps)
DIFFERENTIAL(sample_replace)
DIFFERENTIAL(sample_count)
DIFFERENTIAL(packet_filter)
DIFFERENTIAL(loop_callbacks)
DIFFERENTIAL(for_each_callbacks)
DIFFERENTIAL(for_each_concurrent)
DIFFERENTIAL(iter_num)

static int teardown(void **state)
{
	ebpf_runtime_shutdown();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_transcripts_compared),
		cmocka_unit_test_teardown(test_global_data, teardown),
		cmocka_unit_test_teardown(test_hash_counter, teardown),
		cmocka_unit_test_teardown(test_concurrent_counter, teardown),
		cmocka_unit_test_teardown(test_hash_count_by_key, teardown),
		cmocka_unit_test_teardown(test_lru_flows, teardown),
		cmocka_unit_test_teardown(test_lru_eviction, teardown),
		cmocka_unit_test_teardown(test_lpm_routes, teardown),
		cmocka_unit_test_teardown(test_lpm_filter, teardown),
		cmocka_unit_test_teardown(test_tail_call, teardown),
		cmocka_unit_test_teardown(test_tail_chain, teardown),
		cmocka_unit_test_teardown(test_tail_call_limit, teardown),
		cmocka_unit_test_teardown(test_tail_subprog, teardown),
		cmocka_unit_test_teardown(test_ringbuf, teardown),
		cmocka_unit_test_teardown(test_map_in_map, teardown),
		cmocka_unit_test_teardown(test_subprog, teardown),
		cmocka_unit_test_teardown(test_refusal_survives_cleanup, teardown),
		cmocka_unit_test_teardown(test_legacy_maps, teardown),
		cmocka_unit_test_teardown(test_sample_replace, teardown),
		cmocka_unit_test_teardown(test_sample_count, teardown),
		cmocka_unit_test_teardown(test_packet_filter, teardown),
		cmocka_unit_test_teardown(test_loop_callbacks, teardown),
		cmocka_unit_test_teardown(test_for_each_callbacks, teardown),
		cmocka_unit_test_teardown(test_for_each_concurrent, teardown),
		cmocka_unit_test_teardown(test_iter_num, teardown),
		E2E_BAD_TESTS(teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
